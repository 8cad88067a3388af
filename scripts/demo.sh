#!/bin/sh
# The README's first command: install what is missing (apt-get), build, and
# run the demo until interrupted (Ctrl-C):
#   1. pipelines/demo-faultinject.sh: a camera stream fails the way an RTSP
#      camera rejecting its credentials does; the classified error is
#      printed as JSON (PERMISSION_DENIED, a camera error, not an API login
#      error).
#   2. pipelines/retrysrc-drill.sh: a camera that drops its connection every
#      few seconds, wrapped in retrysrc; every retry and recovery is printed
#      as a JSON line while the sink keeps running. Runs until stopped.
# Idempotent: packages and the build are only redone when needed.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/build.sh
echo "demo: part 1, one classified camera error" >&2
sh pipelines/demo-faultinject.sh
echo "demo: part 2, retrysrc drill (runs until Ctrl-C)" >&2
exec sh pipelines/retrysrc-drill.sh
