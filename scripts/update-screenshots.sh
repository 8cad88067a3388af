#!/bin/sh
# Retakes the dashboard's screenshots in docs/images/ (docs/gateway/
# dashboard.md shows them): runs the browser tests with
# CAMGUARD_UPDATE_SCREENSHOTS=1. Ordinary test runs write their screenshots
# into build/tests/browser/screenshots only, so they never dirty the tree.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup-npm.sh
ninja -C build
CAMGUARD_UPDATE_SCREENSHOTS=1 meson test -C build --suite browser --print-errorlogs
ls -l docs/images/dashboard*.png
