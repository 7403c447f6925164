# lib.sh - shared helpers for the CLI tests (sourced, not run by ctest:
# tests/CMakeLists.txt only runs *.sh files other than this one).
set -u
: "${SCHOUW:?SCHOUW must name the built binary}"

# The tools the scripts check schouw with. A missing one is a failure, not a
# skip: a check that cannot run must not pass (an `unchanged` with no sqlite3
# compared two empty dumps). scripts/deps.sh installs them all.
sw_missing=""
for sw_tool in sqlite3 ogrinfo ogr2ogr python3 xmllint file script setpriv awk od md5sum truncate; do
	command -v "$sw_tool" >/dev/null 2>&1 || sw_missing="$sw_missing $sw_tool"
done
# GDAL's GeoPackage validator and PIL live in Debian's own python3
for sw_mod in osgeo_utils.samples.validate_gpkg PIL.Image; do
	/usr/bin/python3 -c "import $sw_mod" 2>/dev/null || sw_missing="$sw_missing /usr/bin/python3:$sw_mod"
done
if [ -n "$sw_missing" ]; then
	echo "$(basename "$0"): cannot test without:$sw_missing" >&2
	echo "install them with: sh scripts/deps.sh (as root)" >&2
	exit 1
fi
unset sw_missing sw_tool sw_mod

: "${SW_WORK:=${TMPDIR:-/tmp}/schouw-cli}"
mkdir -p "$SW_WORK"
T=$(mktemp -d "$SW_WORK/$(basename "$0" .sh).XXXXXX")
export SCHOUW_DB="$T/test.gpkg" SCHOUW_USER=tester LC_ALL=C.UTF-8
unset LANGUAGE # a LANGUAGE=nl of the caller would make the English checks Dutch
cd "$T" || exit 1
FAILS=0
CHECKS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
ok() { CHECKS=$((CHECKS + 1)); }

# expect STATUS CMD...: run CMD, keep stdout in $OUT and stderr in $ERR.
expect() {
	local want=$1; shift
	OUT=$("$@" 2>"$T/.err"); local got=$?
	ERR=$(cat "$T/.err")
	if [ "$got" -ne "$want" ]; then
		fail "expected exit $want, got $got: $*"$'\n'"stdout: $OUT"$'\n'"stderr: $ERR"
		return 1
	fi
	ok
}
# contains HAYSTACK NEEDLE [what]
contains() {
	case "$1" in *"$2"*) ok ;; *) fail "${3:-output} lacks '$2': $1" ;; esac
}
lacks() {
	case "$1" in *"$2"*) fail "${3:-output} has '$2': $1" ;; *) ok ;; esac
}
equal() {
	[ "$1" = "$2" ] && ok || fail "${3:-values} differ: '$1' != '$2'"
}
# A textual snapshot of a store, to prove a failed command changed nothing.
snapshot() { sqlite3 "${1:-$SCHOUW_DB}" .dump; }
# unchanged BEFORE [DB] [what]: the store dumps as BEFORE did. An empty dump
# (sqlite3 failed, or no store at all) proves nothing and fails.
unchanged() {
	local now; now=$(snapshot "${2:-$SCHOUW_DB}")
	if [ -z "$1" ] || [ -z "$now" ]; then
		fail "empty store dump, cannot compare: ${3:-failed command}"
	elif [ "$now" = "$1" ]; then
		ok
	else
		fail "store changed after: ${3:-failed command}"
	fi
}
have() { command -v "$1" >/dev/null 2>&1; }
done_testing() {
	echo "$(basename "$0"): $CHECKS checks, $FAILS failures"
	[ "$FAILS" -eq 0 ] && rm -rf "$T"
	[ "$FAILS" -eq 0 ]
	exit $?
}
