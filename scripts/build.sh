#!/bin/sh
# Configure (once) and build camguard in ./build with warnings as errors.
set -eu
cd "$(dirname "$0")/.."
if [ -f build/build.ninja ]; then
  meson setup --reconfigure build -Dwerror=true >/dev/null
else
  meson setup build -Dwerror=true
fi
ninja -C build
