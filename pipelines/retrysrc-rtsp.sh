#!/bin/sh
# camguard example: an RTSP camera wrapped in retrysrc.
#
# With a URL, plays that camera. Without one, starts camguard-fake-camera on
# 127.0.0.1 (H.264 640x480) and runs a drill against it: the camera reboots
# (connections refused for 3 s) at 5 s and 25 s, and stalls its RTP stream
# (session kept, no packets) from 15 s to 19 s. retrysrc notices each failure
# (an error, the end of the stream, or timeout=2000 ms without a frame),
# reconnects with jittered exponential backoff and resumes at a keyframe,
# while the decoder and sink keep running; camguard-launch prints every
# camguard-retry event (retrying with attempt, delay and catalogue code;
# recovered with the outage) as one JSON line.
#
# Runs until interrupted (Ctrl-C). From the build tree, no installation:
#   CAMGUARD_BUILD_ROOT  the meson build directory (default: <source>/build)
# Equivalent by hand (credentials may be in the URL; they are redacted from
# every message):
#   gst-launch-1.0 -m retrysrc timeout=2000 uri=rtsp://user:pass@cam/stream1 \
#       ! avdec_h264 ! fakesink sync=true
#
# Usage: pipelines/retrysrc-rtsp.sh [rtsp://...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${CAMGUARD_BUILD_ROOT:-$here/../build}
GST_PLUGIN_PATH="$build/plugins/camguard${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
export GST_PLUGIN_PATH
url=${1:-}
camera_pid=""
tmp=$(mktemp -d)
cleanup () {
  [ -n "$camera_pid" ] && kill "$camera_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "$url" ]; then
  fake="$build/tests/tools/camguard-fake-camera"
  [ -x "$fake" ] || fake=camguard-fake-camera
  mkfifo "$tmp/ready"
  "$fake" --port 0 --width 640 --height 480 --framerate 25 \
      --after 5:"die 3" --after 15:stall --after 19:resume \
      --after 25:"die 3" >"$tmp/ready" &
  camera_pid=$!
  read -r line <"$tmp/ready" || { echo "fake camera did not start" >&2; exit 1; }
  url=${line##*url=}
  echo "drill: fake camera at $url reboots at 5 s and 25 s, stalls 15-19 s (Ctrl-C stops)" >&2
fi

"$build/tools/camguard-launch" \
    retrysrc name=camera timeout=2000 initial-delay=250000000 \
        max-delay=4000000000 uri="$url" \
    ! avdec_h264 ! fakesink sync=true
