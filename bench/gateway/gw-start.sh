# bench/gateway/gw-start.sh: sourced by the gateway benchmarks.
#   gw_start BUILD_DIR CAMERA_LINES: a camguard-gateway on 127.0.0.1 (free
#   ports, auth on, a temporary data dir) with the cameras of CAMERA_LINES,
#   pinned to CPU 0; sets tmp, key (a viewer key made by --create-key),
#   gw_pid, gw_port. gw_wait_for FILE PATTERN: bounded wait for a log line.
#   bare_start BUILD_DIR (after gw_start): bench-bare-soup on CPU 0; sets
#   bare_pid, bare_port.
#   gw_cleanup: stops what was started and removes tmp.
gw_pid=
bare_pid=
tmp=

gw_wait_for () {
  i=0
  until grep -q "$2" "$1" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 300 ]; then
      echo "never saw '$2' in $1:" >&2
      cat "$1" >&2
      exit 1
    fi
    sleep 0.1
  done
}

gw_cleanup () {
  [ -n "$bare_pid" ] && kill "$bare_pid" 2>/dev/null && wait "$bare_pid" 2>/dev/null
  [ -n "$gw_pid" ] && kill "$gw_pid" 2>/dev/null && wait "$gw_pid" 2>/dev/null
  [ -n "$tmp" ] && rm -rf "$tmp"
  return 0
}

gw_start () {
  gateway=$1/gateway/camguard-gateway
  GST_PLUGIN_PATH=$(cd "$1/plugins/camguard" && pwd)
  export GST_PLUGIN_PATH
  tmp=$(mktemp -d /tmp/gw-bench-XXXXXX)
  printf '[gateway]\nlisten=127.0.0.1\nport=0\nrtsp-port=0\ndata-dir=%s\n%s\n' \
      "$tmp/data" 'auth=true' > "$tmp/gw.conf"
  printf '%s\n' "$2" >> "$tmp/gw.conf"
  key=$("$gateway" --config "$tmp/gw.conf" --create-key viewer --name bench \
      2>/dev/null | tail -n 1)
  case $key in cgk_*) ;; *) echo "no key from --create-key" >&2; exit 1 ;; esac
  taskset -c 0 "$gateway" --config "$tmp/gw.conf" 2> "$tmp/gw.log" &
  gw_pid=$!
  gw_wait_for "$tmp/gw.log" "listen 127.0.0.1:"
  gw_wait_for "$tmp/gw.log" "camera demo: starting -> running"
  gw_port=$(sed -n 's/.*listen 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/gw.log" \
      | head -n 1)
}

bare_start () {
  taskset -c 0 "$1/bench/bench-bare-soup" > "$tmp/bare.out" &
  bare_pid=$!
  gw_wait_for "$tmp/bare.out" "^port "
  bare_port=$(sed -n 's/^port //p' "$tmp/bare.out")
}
