#!/bin/sh
# bench/live/run.sh latency BUILD_DIR [TOGGLES]
# Runs build/bench/bench-live against the gateway and plugins of BUILD_DIR
# (bench/live/bench-live.c says what it measures).
set -eu
mode=${1:?usage: run.sh latency BUILD_DIR [TOGGLES]}
build=$(cd "${2:?usage: run.sh latency BUILD_DIR [TOGGLES]}" && pwd)
GST_PLUGIN_PATH=$build/plugins/camguard
export GST_PLUGIN_PATH
if [ $# -ge 3 ]; then
  exec "$build/bench/bench-live" "$mode" "$build/gateway/camguard-gateway" "$3"
fi
exec "$build/bench/bench-live" "$mode" "$build/gateway/camguard-gateway"
