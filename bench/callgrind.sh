# Shared by the callgrind benchmarks (sourced, not run): a temporary
# directory and registry, and ir(), the instruction count of one
# gst-launch-1.0 run under valgrind --tool=callgrind.
#
# The sourcing script sets `build` (the meson build directory) and `probe`
# (an element to load into the registry before valgrind runs).
build=$(cd "$build" && pwd)
export GST_PLUGIN_PATH="$build/plugins/camguard"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export GST_REGISTRY_1_0="$tmp/registry.bin"
gst-inspect-1.0 "$probe" >/dev/null   # build the registry outside valgrind

ir () {   # ir NAME PIPELINE... : total instructions of one gst-launch run
  name=$1; shift
  valgrind --tool=callgrind --callgrind-out-file="$tmp/$name.out" \
      gst-launch-1.0 -q "$@" >/dev/null 2>"$tmp/$name.log" \
    || { cat "$tmp/$name.log" >&2; exit 1; }
  sed -n 's/^summary: *//p' "$tmp/$name.out"
}
