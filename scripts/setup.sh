#!/bin/sh
# Install the Debian 12 packages camguard needs (scripts/debian-packages.txt)
# that are not installed yet. Idempotent: does nothing when all are present.
# Runs apt-get as root, or through sudo when not root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
missing=""
for pkg in $(grep -v '^[[:space:]]*#' "$here/debian-packages.txt" | tr -s ' \t' '\n\n' | grep -v '^$'); do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $pkg" ;;
  esac
done
if [ -z "$missing" ]; then
  echo "setup: all Debian packages present"
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "setup: missing packages:$missing" >&2
  echo "setup: run this script as root (or install sudo) to install them" >&2
  exit 1
fi
echo "setup: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
