#!/bin/sh
# camguard drill: a live test camera that fails every few seconds, wrapped in
# retrysrc. Each source instance posts a read error (RESOURCE/READ, the error
# an RTSP or HTTP camera gives when its connection drops) after 60 frames;
# retrysrc classifies it (CAMERA_DISCONNECTED), waits with jittered
# exponential backoff, rebuilds the source and resumes, while the sink keeps
# running with continuous timestamps. camguard-launch prints every
# camguard-retry event (retrying / recovered) as one JSON line.
#
# Runs until interrupted (Ctrl-C). From the build tree, no installation:
#   CAMGUARD_BUILD_ROOT  the meson build directory (default: <source>/build)
# Equivalent by hand, from the source directory:
#   GST_PLUGIN_PATH=build/plugins/camguard gst-launch-1.0 -m retrysrc \
#       source-description="videotestsrc is-live=true ! ... ! faultinject ..." \
#       ! fakesink sync=true
#
# Usage: pipelines/retrysrc-drill.sh [camguard-launch options]
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${CAMGUARD_BUILD_ROOT:-$here/../build}
GST_PLUGIN_PATH="$build/plugins/camguard${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
export GST_PLUGIN_PATH

echo "drill: a camera that drops its connection every 4 s, wrapped in retrysrc (Ctrl-C stops)" >&2
exec "$build/tools/camguard-launch" "$@" \
    retrysrc name=camera initial-delay=500000000 max-delay=4000000000 \
        source-description="videotestsrc is-live=true pattern=ball \
            ! video/x-raw,width=320,height=240,framerate=15/1 \
            ! faultinject fault=error error-domain=resource error-code=9 \
                after-buffers=60" \
    ! fakesink sync=true
