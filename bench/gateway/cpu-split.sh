#!/bin/sh
# bench/gateway/cpu-split.sh BUILD_DIR [CONNS] [SECONDS]
#
# Where a request's time goes, user or system: for bench-bare-soup and for
# three gateway routes (/health, a 404, a camera's status), the server's
# user and system CPU time (from /proc/PID/stat, before and after) divided
# by the requests wrk made in SECONDS (default 4) at CONNS connections
# (default 100). Servers pinned to CPU 0, wrk to CPU 1, as in http.sh.
set -eu

build=${1:?usage: cpu-split.sh BUILD_DIR [CONNS] [SECONDS]}
conns=${2:-100}
secs=${3:-4}
build=$(cd "$build" && pwd)
. "$(dirname "$0")/gw-start.sh"
trap gw_cleanup EXIT INT TERM

gw_start "$build" "[camera demo]
type=test
width=160
height=120
framerate=15/1"
bare_start "$build"
hz=$(getconf CLK_TCK)

# measure NAME PID URL: one table row
measure () {
  before=$(awk '{ print $14, $15 }' "/proc/$2/stat")
  n=$(taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" \
      -H "Authorization: Bearer $key" "$3" | awk '/requests in/ { print $1 }')
  after=$(awk '{ print $14, $15 }' "/proc/$2/stat")
  echo "$before $after $n" | awk -v name="$1" -v hz="$hz" '{
      printf "| %s | %d | %.1f | %.1f |\n", name, $5,
          ($3 - $1) * 1e6 / hz / $5, ($4 - $2) * 1e6 / hz / $5 }'
}

echo "wrk -t1 -c$conns -d${secs}s; CPU time of the server per request"
echo
echo "| route | requests | user µs/request | system µs/request |"
echo "|---|---|---|---|"
measure "bare libsoup" "$bare_pid" "http://127.0.0.1:$bare_port/"
measure "gw health" "$gw_pid" "http://127.0.0.1:$gw_port/health"
measure "gw 404" "$gw_pid" "http://127.0.0.1:$gw_port/api/v1/nope"
measure "gw status" "$gw_pid" \
    "http://127.0.0.1:$gw_port/api/v1/cameras/demo/status"
