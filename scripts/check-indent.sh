#!/bin/sh
# Fails when a tracked C source is not in the GStreamer style (scripts/gst-indent).
# Usage: scripts/check-indent.sh [SOURCE_ROOT]
set -eu
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
for f in $(find plugins tools tests bench gateway -name '*.c' 2>/dev/null | sort); do
  mkdir -p "$tmp/$(dirname "$f")"
  cp "$f" "$tmp/$f"
  sh "$root/scripts/gst-indent" "$tmp/$f"
  if ! cmp -s "$f" "$tmp/$f"; then
    echo "not gst-indent clean: $f (run scripts/gst-indent $f)"
    diff -u "$f" "$tmp/$f" | head -20
    bad=1
  fi
done
[ "$bad" = 0 ] && echo "all C sources are gst-indent clean"
exit "$bad"
