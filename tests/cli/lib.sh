# lib.sh - shared helpers for the CLI tests (sourced, not run by ctest:
# tests/CMakeLists.txt only runs *.sh files other than this one).
set -u
: "${SCHOUW:?SCHOUW must name the built binary}"
: "${SW_WORK:=${TMPDIR:-/tmp}/schouw-cli}"
mkdir -p "$SW_WORK"
T=$(mktemp -d "$SW_WORK/$(basename "$0" .sh).XXXXXX")
export SCHOUW_DB="$T/test.gpkg" SCHOUW_USER=tester LC_ALL=C.UTF-8
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
unchanged() {
	local now; now=$(snapshot "${2:-$SCHOUW_DB}")
	[ "$now" = "$1" ] && ok || fail "store changed after: ${3:-failed command}"
}
have() { command -v "$1" >/dev/null 2>&1; }
done_testing() {
	echo "$(basename "$0"): $CHECKS checks, $FAILS failures"
	[ "$FAILS" -eq 0 ] && rm -rf "$T"
	[ "$FAILS" -eq 0 ]
	exit $?
}
