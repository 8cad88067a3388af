#!/bin/sh
# The README's test command: install what is missing, build with -Werror,
# run every test with meson, and end with one line
#   tests: N passed, N failed, N skipped
# taken from meson's own counts. Exits non-zero when a test failed.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/setup-npm.sh
sh scripts/build.sh
log=build/meson-logs/camguard-test-summary.txt
set +e
meson test -C build --print-errorlogs --num-processes 2 "$@" 2>&1 | tee "$log"
rc=$?
set -e
ok=$(awk '/^Ok:/ {print $2}' "$log")
xfail=$(awk '/^Expected Fail:/ {print $3}' "$log")
fail=$(awk '/^Fail:/ {print $2}' "$log")
xpass=$(awk '/^Unexpected Pass:/ {print $3}' "$log")
skip=$(awk '/^Skipped:/ {print $2}' "$log")
tmo=$(awk '/^Timeout:/ {print $2}' "$log")
passed=$(( ${ok:-0} + ${xfail:-0} ))
failed=$(( ${fail:-0} + ${xpass:-0} + ${tmo:-0} ))
if [ -z "${ok:-}" ] && [ "$rc" != 0 ]; then
  failed=$(( failed + 1 ))   # meson itself failed before counting
fi
echo "tests: $passed passed, $failed failed, ${skip:-0} skipped"
[ "$rc" = 0 ] && [ "$failed" = 0 ]
