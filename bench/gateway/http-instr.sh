#!/bin/sh
# bench/gateway/http-instr.sh BUILD_DIR [REQUESTS]
#
# The CPU cost of one request in instructions, which the load of the
# machine does not change (wall-clock req/s from http.sh moves by 2x when
# anything else runs). callgrind counts the instructions the main loop runs
# (g_main_context_dispatch: where libsoup and every handler run) while curl
# sends REQUESTS (default 500) requests over one keep-alive connection, for:
#   bare       bench-bare-soup, one libsoup handler with a constant body
#   gw health  GET /health (no auth)
#   gw 404     GET /api/v1/nope (auth, then the 404 problem body)
#   gw status  GET /api/v1/cameras/demo/status (auth, role, camera, JSON)
# and prints instructions per request and the ratio bare/gw (the req/s a
# single core could give, relative to bare libsoup; the kernel's share of a
# request, the same for both, is not counted, so this ratio is lower than
# the wall-clock one).
set -eu

build=${1:?usage: http-instr.sh BUILD_DIR [REQUESTS]}
n=${2:-500}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/gw-start.sh"
trap gw_cleanup EXIT INT TERM

# the key, the config and the data dir; then the plain gateway goes
gw_start "$build" "[camera demo]
type=test
width=160
height=120
framerate=15/1"
kill "$gw_pid"
wait "$gw_pid" 2>/dev/null || true
gw_pid=

# under_callgrind NAME LOG READY -- CMD...: starts CMD under callgrind
under_callgrind () {
  name=$1 log=$2 ready=$3
  shift 4
  valgrind --tool=callgrind --callgrind-out-file="$tmp/$name.cg" \
      --collect-atstart=no --toggle-collect=g_main_context_dispatch \
      "$@" > "$log" 2>&1 &
  gw_pid=$!
  gw_wait_for "$log" "$ready"
}

# requests NAME URL: sends $n requests, stops the server, prints Ir/request
requests () {
  i=0
  while [ "$i" -lt "$n" ]; do
    printf 'url = "%s"\noutput = /dev/null\n' "$2"
    i=$((i + 1))
  done > "$tmp/curl.cfg"
  curl -s -H "Authorization: Bearer $key" -K "$tmp/curl.cfg"
  kill -INT "$gw_pid"
  wait "$gw_pid" 2>/dev/null || true
  gw_pid=
  callgrind_annotate "$tmp/$1.cg" | awk -v n="$n" \
      '/PROGRAM TOTALS/ { gsub(/,/, "", $1); printf "%.0f\n", $1 / n }' \
      > "$tmp/$1.ir"
}

under_callgrind bare "$tmp/bare.out" "^port " -- "$build/bench/bench-bare-soup"
port=$(sed -n 's/^port //p' "$tmp/bare.out")
requests bare "http://127.0.0.1:$port/"

gw () {
  under_callgrind "$1" "$tmp/$1.log" "camera demo: starting -> running" -- \
      "$build/gateway/camguard-gateway" --config "$tmp/gw.conf"
  port=$(sed -n 's/.*listen 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/$1.log" \
      | head -n 1)
  requests "$1" "http://127.0.0.1:$port$2"
}
gw health /health
gw notfound /api/v1/nope
gw status /api/v1/cameras/demo/status
bare=$(cat "$tmp/bare.ir")
health=$(cat "$tmp/health.ir")
notfound=$(cat "$tmp/notfound.ir")
status=$(cat "$tmp/status.ir")

echo "instructions per request (callgrind, main loop only, $n requests)"
echo
echo "| route | instructions/request | ratio bare/route |"
echo "|---|---|---|"
for row in "bare libsoup:$bare" "gw health:$health" "gw 404:$notfound" \
    "gw status:$status"; do
  name=${row%%:*}
  ir=${row#*:}
  awk -v name="$name" -v ir="$ir" -v b="$bare" \
      'BEGIN { printf "| %s | %d | %.2f |\n", name, ir, b / ir }'
done
