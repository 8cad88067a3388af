#!/bin/sh
# The README's first command: install what is missing (apt-get), build, and
# run the demo gateway until interrupted (Ctrl-C): camguard-gateway on
# 127.0.0.1 (API and WebSocket on port 8080, RTSP on 8554) with a
# test-pattern camera, a camera that fails and recovers on a drill
# (faultinject), and the fake RTSP camera rebooting every 30 s; it prints the
# URLs, a demo admin key and commands to try (scripts/demo-gateway.sh).
# Idempotent: packages and the build are only redone when needed; the data
# directory (build/demo) and its key are kept from one run to the next.
# The elements-only demos: pipelines/demo-faultinject.sh (one classified
# camera error) and pipelines/retrysrc-drill.sh (a retrysrc drill).
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/build.sh
exec sh scripts/demo-gateway.sh
