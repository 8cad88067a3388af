#!/bin/sh
# bench/gateway/http.sh BUILD_DIR [SECONDS] [RUNS]
#
# wrk against the real camguard-gateway (temporary config, one test-pattern
# camera, auth on, a viewer key made by --create-key and sent as
# "Authorization: Bearer") and against bench-bare-soup (one libsoup handler,
# constant JSON body), in the same run, at 1, 16 and 100 connections:
#   gw status  GET /api/v1/cameras/demo/status  (200, auth + role check)
#   gw 404     GET /api/v1/nope                 (404 problem body)
#   gw health  GET /health                      (200, no auth)
#   bare       GET /                            (200, constant body)
# Each point runs SECONDS (default 5) RUNS times (default 2); the table shows
# the mean req/s and the worst p99 of the runs, and the ratio of each gateway
# route to bare libsoup (req/s: gw/bare, target >= 0.7; p99: gw/bare).
# The servers are pinned to CPU 0 and wrk (one thread) to CPU 1 with taskset.
set -eu

build=${1:?usage: http.sh BUILD_DIR [SECONDS] [RUNS]}
secs=${2:-5}
runs=${3:-2}
. "$(dirname "$0")/gw-start.sh"
trap gw_cleanup EXIT INT TERM

gw_start "$build" "[camera demo]
type=test
width=160
height=120
framerate=15/1"

bare_start "$build"

# check each route answers what it should before measuring
code () {
  curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$1"
}
[ "$(code "http://127.0.0.1:$gw_port/api/v1/cameras/demo/status")" = 200 ]
[ "$(code "http://127.0.0.1:$gw_port/api/v1/nope")" = 404 ]
[ "$(code "http://127.0.0.1:$gw_port/health")" = 200 ]
[ "$(code "http://127.0.0.1:$bare_port/")" = 200 ]

# point NAME URL CONNS: "rps p99_ms errors" over $runs runs
point () {
  total=0
  worst=0
  errs=0
  r=0
  while [ $r -lt "$runs" ]; do
    taskset -c 1 wrk -t1 -c"$3" -d"${secs}s" --latency \
        -H "Authorization: Bearer $key" "$2" > "$tmp/wrk.out"
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk.out")
    p99=$(awk '$1 == "99%" { v = $2;
        if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v) }
        else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 }
        print v }' "$tmp/wrk.out")
    e=$(awk '/Socket errors|Non-2xx/ { n = 0;
        for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { sub(/,/, "", $i); n += $i }
        s += n } END { print s + 0 }' "$tmp/wrk.out")
    total=$(awk -v a="$total" -v b="$rps" 'BEGIN { print a + b }')
    worst=$(awk -v a="$worst" -v b="$p99" 'BEGIN { print (b > a) ? b : a }')
    errs=$((errs + e))
    r=$((r + 1))
  done
  awk -v t="$total" -v n="$runs" -v w="$worst" -v e="$errs" \
      'BEGIN { printf "%.0f %.3f %d\n", t / n, w, e }'
}

echo "gateway :$gw_port (pid $gw_pid, CPU 0), bare libsoup :$bare_port" \
    "(pid $bare_pid, CPU 0), wrk -t1 on CPU 1; ${secs} s x $runs runs per point"
echo
echo "| conns | route | req/s | p99 (ms) | non-2xx+socket errors | req/s ratio to bare | p99 ratio to bare |"
echo "|---|---|---|---|---|---|---|"
worst_ratio=
for c in 1 16 100; do
  set -- $(point bare "http://127.0.0.1:$bare_port/" "$c")
  b_rps=$1
  b_p99=$2
  echo "| $c | bare libsoup | $1 | $2 | $3 | 1.00 | 1.00 |"
  for route in status 404 health; do
    case $route in
      status) url="http://127.0.0.1:$gw_port/api/v1/cameras/demo/status" ;;
      404) url="http://127.0.0.1:$gw_port/api/v1/nope" ;;
      health) url="http://127.0.0.1:$gw_port/health" ;;
    esac
    set -- $(point "$route" "$url" "$c")
    ratio=$(awk -v a="$1" -v b="$b_rps" 'BEGIN { printf "%.2f", a / b }')
    p99r=$(awk -v a="$2" -v b="$b_p99" 'BEGIN { printf "%.2f", a / b }')
    echo "| $c | gw $route | $1 | $2 | $3 | $ratio | $p99r |"
    worst_ratio=$(awk -v a="${worst_ratio:-999}" -v b="$ratio" \
        'BEGIN { print (b < a) ? b : a }')
  done
done
echo
echo "worst req/s ratio to bare libsoup $worst_ratio (target >= 0.7)"
