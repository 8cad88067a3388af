#!/bin/sh
# bench/live/run.sh latency|viewers BUILD_DIR [TOGGLES|SECONDS]
# Runs build/bench/bench-live against the gateway and plugins of BUILD_DIR
# (see bench/live/bench-live.c for what each mode measures).
set -eu
mode=${1:?usage: run.sh latency|viewers BUILD_DIR [N]}
build=$(cd "${2:?usage: run.sh latency|viewers BUILD_DIR [N]}" && pwd)
GST_PLUGIN_PATH=$build/plugins/camguard
export GST_PLUGIN_PATH
if [ $# -ge 3 ]; then
  exec "$build/bench/bench-live" "$mode" "$build/gateway/camguard-gateway" "$3"
fi
exec "$build/bench/bench-live" "$mode" "$build/gateway/camguard-gateway"
