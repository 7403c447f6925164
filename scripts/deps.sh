#!/bin/sh
# The one list of Debian 12 packages schouw needs. Installs only what is missing.
#   scripts/deps.sh            build + test packages
#   scripts/deps.sh --bench    also the benchmark anchors (GDAL, MapServer)
#   scripts/deps.sh --list     print the list and exit
set -eu

# build: compiler, CMake, and the libraries linked into schouw
BUILD="build-essential cmake pkg-config gettext
 libsqlite3-dev libshp-dev libproj-dev proj-data libpng-dev
 libinih-dev libcsv-dev libjansson-dev libxml2-dev uuid-dev nettle-dev
 libcairo2-dev fontconfig fonts-dejavu-core libglib2.0-dev tzdata
 libmicrohttpd-dev libgnutls28-dev libqrencode-dev libpq-dev"
# test: unit-test framework, sanitizer/fuzzer runtime, independent readers
TEST="locales libcmocka-dev clang libclang-rt-14-dev gdal-bin python3-gdal python3-pil sqlite3 file libxml2-utils poppler-utils
 curl chromium nodejs postgresql-15 postgresql-15-postgis-3"
BENCH="mapserver-bin time"

want="$BUILD $TEST"
case "${1:-}" in
  --bench) want="$want $BENCH" ;;
  --list) echo $want; exit 0 ;;
esac

# The unit tests read numbers under a Dutch locale (decimal comma), as on a
# surveyor's desktop, and tests/cli/i18n.sh runs schouw in Dutch: generate
# nl_NL.UTF-8 when the machine lacks it.
nl_locale() {
  locale -a 2>/dev/null | grep -qix 'nl_NL\.utf-\?8' && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "schouw: the tests need the nl_NL.UTF-8 locale; as root run: scripts/deps.sh" >&2
    return 1
  fi
  echo "schouw: generating the nl_NL.UTF-8 locale for the tests" >&2
  if grep -q '^[# ]*nl_NL\.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
    sed -i 's/^[# ]*\(nl_NL\.UTF-8 UTF-8\)/\1/' /etc/locale.gen
  else
    echo 'nl_NL.UTF-8 UTF-8' >>/etc/locale.gen
  fi
  locale-gen >/dev/null
}

# The browser test drives Debian's chromium with puppeteer-core and axe-core
# from npm, pinned by tests/browser/package-lock.json, in a project-local
# node_modules (no browser download).
browser_deps() {
  here=$(cd "$(dirname "$0")/.." && pwd)
  [ -d "$here/tests/browser/node_modules/puppeteer-core" ] && return 0
  command -v npm >/dev/null 2>&1 || return 0
  echo "schouw: installing the browser test's npm packages (npm ci in tests/browser)" >&2
  (cd "$here/tests/browser" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null)
}

missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# npm ships inside some nodejs builds (NodeSource); Debian's own is a package
command -v npm >/dev/null 2>&1 || case " $want " in *" nodejs "*) missing="$missing npm" ;; esac
[ -z "$missing" ] && { nl_locale && browser_deps; exit $?; }

echo "schouw: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "schouw: not root; run as root or install them yourself: apt-get install$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/schouw-update-stamp
if [ ! -e "$stamp" ] || [ -z "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v lock)" ]; then
  apt-get update -qq
  mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
apt-get install -y -qq --no-install-recommends $missing >/dev/null
nl_locale && browser_deps
