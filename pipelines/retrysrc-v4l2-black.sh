#!/bin/sh
# A V4L2 camera wrapped in retrysrc with a black fallback: while the device is
# unplugged (or missing), downstream keeps receiving black frames at the last
# negotiated size and rate; when it comes back, live frames resume. Give-up
# after 20 attempts posts one ERROR with camguard-code DEVICE_NOT_FOUND.
#
# Usage: pipelines/retrysrc-v4l2-black.sh [/dev/videoN]
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${CAMGUARD_BUILD_ROOT:-$here/../build}
GST_PLUGIN_PATH="$build/plugins/camguard${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
export GST_PLUGIN_PATH
device=${1:-/dev/video0}

exec gst-launch-1.0 -m retrysrc max-attempts=20 fallback-mode=black timeout=2000 \
        uri="$device" decode=true \
    ! videoconvert ! autovideosink
