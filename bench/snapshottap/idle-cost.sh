#!/bin/sh
# snapshottap idle cost: instructions per buffer (callgrind) of a pipeline
# with snapshottap against the same pipeline with identity, while nobody
# asks for a snapshot.
#
# Each pipeline runs with N1 and N2 buffers and the difference is taken, so
# that start-up and registry loading cancel out:
#   per-buffer = (Ir(N2) - Ir(N1)) / (N2 - N1)
# Two inputs: raw 1920x1080 I420 from videotestsrc, and 1920x1080 H.264
# (x264, GOP 30) read from a file and parsed by h264parse, where the element
# holds every frame of the GOP. Target: ratio <= 1.2.
#
# Usage: bench/snapshottap/idle-cost.sh [BUILD_DIR] [N1] [N2]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
n1=${2:-60}
n2=${3:-240}
probe=snapshottap
. "$here/../callgrind.sh"

raw="video/x-raw,format=I420,width=1920,height=1080,framerate=30/1"
for n in "$n1" "$n2"; do
  gst-launch-1.0 -q videotestsrc pattern=ball num-buffers="$n" ! "$raw" \
      ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 \
      option-string=scenecut=0 ! h264parse \
      ! video/x-h264,stream-format=byte-stream,alignment=au \
      ! filesink location="$tmp/$n.h264"
done

row () {   # row LABEL ELEMENT PIPELINE-WITH-@N@-AND-@E@
  label=$1; element=$2; template=$3
  i1=$(ir i1 $(echo "$template" | sed "s|@N@|$n1|g; s|@E@|identity|"))
  i2=$(ir i2 $(echo "$template" | sed "s|@N@|$n2|g; s|@E@|identity|"))
  s1=$(ir s1 $(echo "$template" | sed "s|@N@|$n1|g; s|@E@|$element|"))
  s2=$(ir s2 $(echo "$template" | sed "s|@N@|$n2|g; s|@E@|$element|"))
  awk -v l="$label" -v i1="$i1" -v i2="$i2" -v s1="$s1" -v s2="$s2" \
      -v n="$((n2 - n1))" 'BEGIN {
    id = (i2 - i1) / n; st = (s2 - s1) / n;
    printf "| %s | %.0f | %.0f | %+.0f | %.3f |\n", l, id, st, st - id,
        st / id }'
}

echo "snapshottap idle cost, instructions per buffer (callgrind), N = $n2 - $n1 buffers"
echo
echo "| input | with identity (Ir/buffer) | with snapshottap (Ir/buffer) | extra | ratio |"
echo "|---|---|---|---|---|"
row "raw 1080p I420 (videotestsrc)" snapshottap \
  "videotestsrc pattern=black num-buffers=@N@ ! $raw ! @E@ ! fakesink"
row "H.264 1080p, latest mode (file ! h264parse)" snapshottap \
  "filesrc location=$tmp/@N@.h264 ! h264parse ! @E@ ! fakesink"
row "H.264 1080p, keyframe mode (file ! h264parse)" \
  "snapshottap snapshot-mode=keyframe" \
  "filesrc location=$tmp/@N@.h264 ! h264parse ! @E@ ! fakesink"
