#!/bin/sh
# camguard example: thumbnails and a timelapse from a running camera, with
# no application at all.
#
# A live H.264 camera (videotestsrc ! x264enc ! h264parse, standing in for
# rtspsrc ! rtph264depay ! h264parse) goes through two snapshottaps:
#   - one in keyframe mode keeps OUTDIR/latest.jpg (640 wide) at most a
#     second old: the thumbnail a camera list shows;
#   - one in latest mode writes OUTDIR/timelapse-00000.jpg, -00001.jpg, ...
#     every 5 s at full size.
# Neither decodes the stream except when it writes. Each written file posts a
# camguard-snapshot element message (printed by gst-launch -m). Files are
# replaced atomically: a reader never sees half a picture.
#
# Runs until interrupted (Ctrl-C). From the build tree, no installation:
#   CAMGUARD_BUILD_ROOT  the meson build directory (default: <source>/build)
#
# Usage: pipelines/snapshottap-timelapse.sh [OUTDIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${CAMGUARD_BUILD_ROOT:-$here/../build}
outdir=${1:-.}
mkdir -p "$outdir"
GST_PLUGIN_PATH="$build/plugins/camguard${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
export GST_PLUGIN_PATH

echo "timelapse: $outdir/latest.jpg every 1 s, $outdir/timelapse-NNNNN.jpg every 5 s (Ctrl-C stops)" >&2
exec gst-launch-1.0 -m -e \
  videotestsrc is-live=true pattern=ball \
  ! video/x-raw,width=1280,height=720,framerate=30/1 \
  ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 \
  ! h264parse \
  ! snapshottap name=thumbnail snapshot-mode=keyframe max-width=640 \
      snapshot-interval=1000 location="$outdir/latest.jpg" \
  ! snapshottap name=timelapse snapshot-interval=5000 \
      location="$outdir/timelapse-%05d.jpg" \
  ! fakesink sync=true
