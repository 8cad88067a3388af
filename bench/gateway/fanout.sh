#!/bin/sh
# bench/gateway/fanout.sh BUILD_DIR [CLIENTS] [SECONDS]
#
# WebSocket fan-out: camguard-gateway (auth on, a viewer key, CPU 0) with
# one pipeline camera whose faultinject posts an ERROR every 30 buffers
# (30 fps: about once a second; retrysrc restarts it after 50 ms), and
# bench-gw-fanout (CPU 1) with CLIENTS (default 100) subscribers for
# SECONDS (default 20): bus-message-to-delivery latency and missed events.
set -eu
build=${1:?usage: fanout.sh BUILD_DIR [CLIENTS] [SECONDS]}
clients=${2:-100}
secs=${3:-20}
. "$(dirname "$0")/gw-start.sh"
trap gw_cleanup EXIT INT TERM

gw_start "$build" "allow-pipelines=true

[camera demo]
type=pipeline
description=videotestsrc is-live=true ! video/x-raw,width=160,height=120,framerate=30/1 ! faultinject fault=error after-buffers=30
retry-initial-delay=50
retry-max-delay=100"
echo "gateway :$gw_port (pid $gw_pid, CPU 0), bench-gw-fanout on CPU 1"
taskset -c 1 "$build/bench/bench-gw-fanout" "ws://127.0.0.1:$gw_port/ws" \
    "$key" "$clients" "$secs"
