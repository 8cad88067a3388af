#!/bin/sh
# retrysrc per-buffer overhead while healthy, in instructions (callgrind).
#
# Runs the same source bare and wrapped in retrysrc, each with N1 and N2
# buffers, under valgrind --tool=callgrind, and takes the difference so that
# start-up and registry loading cancel out:
#   per-buffer = (Ir(N2) - Ir(N1)) / (N2 - N1)
# and prints the ratio retrysrc / bare (target <= 1.2) and the absolute extra
# instructions per buffer. Two sources: a tiny raw frame (64x48 I420, solid
# colour: the fixed per-buffer cost dominates, the worst case for the ratio)
# 320x240 and 1280x720 I420 (frames produced by videotestsrc as a camera would).
#
# Usage: bench/retrysrc/overhead.sh [BUILD_DIR] [N1] [N2]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
n1=${2:-200}
n2=${3:-1200}
probe=retrysrc
. "$here/../callgrind.sh"

run_case () {   # run_case LABEL CAPS PATTERN
  label=$1; caps=$2; pattern=$3
  src="videotestsrc pattern=$pattern"
  b1=$(ir bare1 $src num-buffers=$n1 ! $caps ! fakesink)
  b2=$(ir bare2 $src num-buffers=$n2 ! $caps ! fakesink)
  r1=$(ir retry1 retrysrc eos-is-failure=false timeout=0 \
      source-description="$src num-buffers=$n1 ! $caps" ! fakesink)
  r2=$(ir retry2 retrysrc eos-is-failure=false timeout=0 \
      source-description="$src num-buffers=$n2 ! $caps" ! fakesink)
  awk -v l="$label" -v b1="$b1" -v b2="$b2" -v r1="$r1" -v r2="$r2" \
      -v n="$((n2 - n1))" 'BEGIN {
    bare = (b2 - b1) / n; retry = (r2 - r1) / n;
    printf "| %s | %.0f | %.0f | %+.0f | %.3f |\n", l, bare, retry,
        retry - bare, retry / bare }'
}

echo "retrysrc per-buffer instructions (callgrind), N = $n2 - $n1 buffers"
echo
echo "| source | bare videotestsrc (Ir/buffer) | in retrysrc (Ir/buffer) | extra | ratio |"
echo "|---|---|---|---|---|"
run_case "64x48 I420, solid" "video/x-raw,format=I420,width=64,height=48" black
run_case "320x240 I420, smpte" "video/x-raw,format=I420,width=320,height=240" smpte
run_case "1280x720 I420, smpte" "video/x-raw,format=I420,width=1280,height=720" smpte
