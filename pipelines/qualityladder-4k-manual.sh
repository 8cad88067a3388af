#!/bin/sh
# camguard example: a 4K test source degraded to 720p by a manual step.
#
# qualityladder starts at its default ladder 2160p:16000,1080p:6000,720p:2500;
# mode=manual step=2 pins it to 720p (1280x720, x264enc at 2500 kbit/s), so
# the 4K frames are scaled and encoded at 720p. Decoded frame sizes are
# printed by fakesink (-v). Run from a build tree with:
#   GST_PLUGIN_PATH=build/plugins/camguard pipelines/qualityladder-4k-manual.sh
# FRAMES (default 60) limits the run; on a 2-core machine 4K raw frames
# cost about 0.1 s each to produce and scale.
set -eu
FRAMES=${FRAMES:-60}
out=$(gst-launch-1.0 -e \
  videotestsrc is-live=true num-buffers="$FRAMES" pattern=ball ! \
  video/x-raw,format=I420,width=3840,height=2160,framerate=30/1 ! \
  qualityladder mode=manual step=2 ! \
  h264parse ! avdec_h264 ! \
  fakesink sync=false silent=false -v 2>&1) || { echo "$out"; exit 1; }
caps=$(echo "$out" | grep "fakesink0.GstPad:sink: caps" || true)
echo "$caps"
# the decoded frames must be 720p
case "$caps" in
  *"width=(int)1280, height=(int)720"*) exit 0 ;;
  *) echo "expected 1280x720 decoded frames" >&2; echo "$out" | tail -20 >&2; exit 1 ;;
esac
