#!/bin/sh
# The demo gateway, from the build tree (scripts/demo.sh runs it after setup
# and build; tests/gateway/test-readme.c runs it on free ports):
#   - camguard-gateway on 127.0.0.1 (API and WebSocket on port 8080, RTSP
#     re-publish on 8554) with three demo cameras:
#       ball   a test pattern (type=test, pattern ball)
#       drill  a pipeline camera whose faultinject drops the connection every
#              5 s (CAMERA_DISCONNECTED); retrysrc brings it back each time
#       door   the fake RTSP camera (camguard-fake-camera), started here on a
#              free loopback port, rebooting (down 5 s) every 30 s
#   - the web dashboard at http://127.0.0.1:8080/ (served from the source
#     tree's gateway/www);
#   - a demo admin key, created once and kept in the data directory;
#   - the URLs, the key and ready-to-paste commands, printed before running.
# Runs until Ctrl-C (or SIGTERM): the gateway and the fake camera are
# stopped, and waited for, before it exits.
#
# Environment (all optional):
#   CAMGUARD_BUILD_ROOT      the meson build directory (default: ./build)
#   CAMGUARD_DEMO_DIR        the data directory (default: <build>/demo)
#   CAMGUARD_DEMO_PORT       the API port (default 8080)
#   CAMGUARD_DEMO_RTSP_PORT  the RTSP port (default 8554)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${CAMGUARD_BUILD_ROOT:-$here/../build}" && pwd)
dir=${CAMGUARD_DEMO_DIR:-$build/demo}
port=${CAMGUARD_DEMO_PORT:-8080}
rtsp_port=${CAMGUARD_DEMO_RTSP_PORT:-8554}
gateway=$build/gateway/camguard-gateway
www=$(cd "$here/../gateway/www" && pwd)
fake=$build/tests/tools/camguard-fake-camera
GST_PLUGIN_PATH="$build/plugins/camguard${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
export GST_PLUGIN_PATH

mkdir -p "$dir/data"
chmod 700 "$dir"
rm -f "$dir/gateway.pid" "$dir/fake-camera.pid" "$dir/reboots.pid"

gw_pid=""
cam_pid=""
reboot_pid=""
stop_all() {
  trap '' INT TERM
  trap - EXIT
  for pid in $gw_pid $cam_pid $reboot_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $gw_pid $cam_pid $reboot_pid; do
    wait "$pid" 2>/dev/null || true
  done
  rm -f "$dir/fake-camera.cmd"
  echo "demo: stopped" >&2
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

# The fake RTSP camera on a free port (port 0: it prints the one it got),
# told to reboot for 5 s every 30 s through its command input (a fifo).
rm -f "$dir/fake-camera.cmd"
mkfifo -m 600 "$dir/fake-camera.cmd"
: > "$dir/fake-camera.out"
"$fake" --port 0 --path /door --stdin-commands \
  < "$dir/fake-camera.cmd" > "$dir/fake-camera.out" &
cam_pid=$!
echo "$cam_pid" > "$dir/fake-camera.pid"
(
  trap 'kill "$s" 2>/dev/null; exit 0' TERM
  while :; do
    sleep 30 &
    s=$!
    wait "$s"
    echo "die 5"
  done
) > "$dir/fake-camera.cmd" &
reboot_pid=$!
echo "$reboot_pid" > "$dir/reboots.pid"
door_url=""
i=0
while [ -z "$door_url" ]; do
  door_url=$(sed -n 's/^READY .*url=\(rtsp:[^ ]*\).*/\1/p' "$dir/fake-camera.out")
  i=$((i + 1))
  if [ -z "$door_url" ] && { [ $i -gt 300 ] || ! kill -0 "$cam_pid" 2>/dev/null; }; then
    echo "demo: the fake camera did not start" >&2
    exit 1
  fi
  [ -n "$door_url" ] || sleep 0.1
done

# The configuration, rewritten on every run (the fake camera's port changes).
conf=$dir/gateway.conf
cat > "$conf" <<EOF
# Written by scripts/demo-gateway.sh on every run.
[gateway]
listen=127.0.0.1
port=$port
rtsp-port=$rtsp_port
data-dir=$dir/data
allow-pipelines=true
www-dir=$www

[camera ball]
type=test
pattern=ball
width=640
height=360
framerate=15/1
ladder=full:640x360@800,small:320x180@300

[camera drill]
type=pipeline
description=videotestsrc is-live=true pattern=smpte ! video/x-raw,width=640,height=360,framerate=15/1 ! faultinject fault=error error-domain=resource error-code=9 after-buffers=75
retry-initial-delay=500
retry-max-delay=2000

[camera door]
type=rtsp
uri=$door_url
retry-initial-delay=500
retry-max-delay=2000
retry-timeout=3000
EOF

# The demo admin key: created once, kept in the data directory.
if [ ! -s "$dir/admin.key" ] || [ ! -s "$dir/data/keys.json" ]; then
  "$gateway" --config "$conf" --create-key admin --name demo \
    | tail -n 1 > "$dir/admin.key.tmp"
  chmod 600 "$dir/admin.key.tmp"
  mv "$dir/admin.key.tmp" "$dir/admin.key"
fi
key=$(cat "$dir/admin.key")
keyfile=$dir/admin.key
case $keyfile in "$PWD"/*) keyfile=${keyfile#"$PWD"/} ;; esac

api=http://127.0.0.1:$port
cat <<EOF
camguard demo gateway
  Dashboard  $api/   (open it in a browser; log in with the admin key)
  API        $api/api/v1/cameras   (health: $api/health)
  WebSocket  ws://127.0.0.1:$port/ws   (JSON-RPC 2.0; authenticate first)
  RTSP       rtsp://127.0.0.1:$rtsp_port/ball
             rtsp://127.0.0.1:$rtsp_port/drill   (fails every 5 s, recovers)
             rtsp://127.0.0.1:$rtsp_port/door    (the fake RTSP camera $door_url,
                                          rebooting every 30 s)
  Admin key  $key   (in $keyfile)

Try (in another terminal, from this directory):
  KEY=\$(cat $keyfile)
  curl -s -H "Authorization: Bearer \$KEY" $api/api/v1/cameras
  curl -s -H "Authorization: Bearer \$KEY" $api/api/v1/cameras/ball/status
  curl -s -H "Authorization: Bearer \$KEY" -o ball.jpg $api/api/v1/cameras/ball/snapshot
  curl -s -H "Authorization: Bearer \$KEY" "$api/api/v1/cameras/drill/events?limit=3"
  curl -s $api/api/v1/cameras        # no key: 401 AUTHENTICATION_REQUIRED
  gst-launch-1.0 rtspsrc location=rtsp://127.0.0.1:$rtsp_port/ball ! rtph264depay ! avdec_h264 ! videoconvert ! autovideosink
  More (quality, WebSocket events): README.md, "The demo".
Ctrl-C stops the gateway and the fake camera.
EOF

"$gateway" --config "$conf" &
gw_pid=$!
echo "$gw_pid" > "$dir/gateway.pid"
status=0
wait "$gw_pid" || status=$?
gw_pid=""
exit $status
