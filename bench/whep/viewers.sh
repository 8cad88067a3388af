#!/bin/sh
# bench/whep/viewers.sh BUILD_DIR [SECONDS] [COUNTS]
#
# What WebRTC (WHEP) viewers cost camguard-gateway (pinned to CPU 0) with
# one 640x480 30 fps camera encoded once by qualityladder: its CPU and RSS
# with 0, 1, 4 and 16 viewers (COUNTS), ratio to 0 viewers and cost per
# viewer; then the latency of a WHEP viewer against an RTSP client in the
# same run (sender NTP time of each RTP packet vs arrival). bench-whep runs
# on CPU 1 (webrtcbin receivers that depayload without decoding).
set -eu
build=${1:?usage: viewers.sh BUILD_DIR [SECONDS] [COUNTS]}
secs=${2:-10}
counts=${3:-0 1 4 16}
. "$(dirname "$0")/../gateway/gw-start.sh"
trap gw_cleanup EXIT INT TERM

gw_start "$build" "whep-max-viewers=32

[camera demo]
type=test
pattern=ball
width=640
height=480
framerate=30/1
ladder=480p:1500"
rtsp_port=$(sed -n 's/.*rtsp port \([0-9]*\).*/\1/p' "$tmp/gw.log" | head -n 1)
echo "gateway :$gw_port rtsp :$rtsp_port (pid $gw_pid, CPU 0), bench-whep on CPU 1"
# shellcheck disable=SC2086
taskset -c 1 "$build/bench/bench-whep" "$gw_pid" "http://127.0.0.1:$gw_port" \
    "rtsp://127.0.0.1:$rtsp_port/demo" "$key" "$secs" $counts
