#!/bin/sh
# bench/gateway/snapshot.sh BUILD_DIR [N]
#
# Snapshot over HTTP on a running 1080p raw camera: camguard-gateway (auth
# on, a viewer key) with one test camera, videotestsrc smpte 1920x1080 at
# 30 fps (I420 -> snapshottap -> qualityladder -> x264 for RTSP), pinned to
# CPU 0; bench-gw-snapshot (on CPU 1) asks N times (default 100) for
# GET /api/v1/cameras/demo/snapshot (full size, default quality) and then
# times N plain TurboJPEG encodes of a 1080p smpte frame: p50 ratio.
set -eu
build=${1:?usage: snapshot.sh BUILD_DIR [N]}
n=${2:-100}
. "$(dirname "$0")/gw-start.sh"
trap gw_cleanup EXIT INT TERM

gw_start "$build" "[camera demo]
type=test
pattern=smpte
width=1920
height=1080
framerate=30/1"
echo "gateway :$gw_port (pid $gw_pid, CPU 0), bench-gw-snapshot on CPU 1"
taskset -c 1 "$build/bench/bench-gw-snapshot" \
    "http://127.0.0.1:$gw_port/api/v1/cameras/demo/snapshot" "$key" "$n" \
    1920 1080
