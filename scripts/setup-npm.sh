#!/bin/sh
# Installs the browser tests' npm packages (tests/browser/package.json and
# package-lock.json: playwright-core, pinned) into tests/browser/node_modules
# with `npm ci`. Idempotent: does nothing when the locked version is there.
# scripts/test.sh runs it after scripts/setup.sh; the build never does.
#
# npm: Debian 12's nodejs (18) comes without it, and the package npm
# conflicts with a nodejs that bundles its own (as NodeSource's does), so
# it is not in debian-packages.txt: it is installed here only when there is
# no npm command at all.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$here/../tests/browser
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "setup-npm: installing Debian's npm"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends npm
fi
want=$(node -p "require('$dir/package.json').devDependencies['playwright-core']")
have=$(node -p "try { require('$dir/node_modules/playwright-core/package.json').version } catch (e) { '' }")
if [ "$want" = "$have" ]; then
  echo "setup-npm: playwright-core $have present"
  exit 0
fi
echo "setup-npm: npm ci in tests/browser (playwright-core $want)"
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
