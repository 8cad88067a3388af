#!/bin/sh
# camguard demo: a live test camera whose stream fails after 30 frames the
# way an RTSP camera that rejects its credentials does (rtspsrc posts
# RESOURCE/NOT_AUTHORIZED with details rtsp-status-code=401). faultinject
# injects exactly that error; camguard-launch classifies it and prints it as
# JSON (error code PERMISSION_DENIED, a camera error, not an API login error).
#
# Runs from the build tree, no installation needed:
#   CAMGUARD_BUILD_ROOT  the meson build directory (default: <source>/build)
#   GST_PLUGIN_PATH      set here to $CAMGUARD_BUILD_ROOT/plugins/camguard
#                        (prepended), so that GStreamer finds faultinject
# Equivalent by hand, from the source directory:
#   GST_PLUGIN_PATH=build/plugins/camguard build/tools/camguard-launch \
#       --exit-on-error videotestsrc ... ! faultinject ... ! fakesink
#
# Usage: pipelines/demo-faultinject.sh [camguard-launch options]
#   e.g. --format=flat | --format=problem | --format=jsonrpc (default: event)
# Exit status: 0 when the injected error was reported, 1 when it was not,
# anything else is camguard-launch's own status (2 bad usage, 124 timeout).
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${CAMGUARD_BUILD_ROOT:-$here/../build}
GST_PLUGIN_PATH="$build/plugins/camguard${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
export GST_PLUGIN_PATH

echo "demo: a test camera fails after 30 frames with RTSP 401 (injected)" >&2
"$build/tools/camguard-launch" --exit-on-error --timeout=30 "$@" \
    videotestsrc is-live=true num-buffers=300 \
    ! video/x-raw,width=160,height=120,framerate=30/1 \
    ! faultinject name=camera-fault fault=error error-domain=resource \
        error-code=15 after-buffers=30 error-message=Unauthorized \
        'error-details=details, rtsp-status-code=(uint)401, rtsp-status-reason=(string)Unauthorized' \
    ! fakesink
status=$?
case $status in
  1) exit 0 ;;   # camguard-launch reported the error: the demo worked
  0) echo "demo: no error was reported" >&2; exit 1 ;;
  *) exit $status ;;
esac
