#!/bin/sh
# Fails (with a diff) when a generated file in the tree differs from what
# its generator prints now. Usage: check-generated.sh FILE TARGET GENERATOR [ARGS...]
set -u
file=$1; target=$2; shift 2
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$@" > "$tmp" || { echo "generator failed: $*" >&2; exit 1; }
if ! diff -u "$file" "$tmp"; then
  echo "$file is out of date: run 'ninja -C build $target' and commit it" >&2
  exit 1
fi
echo "$file matches its generator"
