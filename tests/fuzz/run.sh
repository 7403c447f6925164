#!/bin/sh
# run.sh FMT [SECONDS] - fuzz one reader (csv, shp, geojson or gpx) or the
# field server's request handler (serve) for SECONDS
# (default 300), starting from the seeds in tests/fuzz/corpus/FMT/.
# run.sh --build      - only configure and build the fuzzers.
#
# The fuzzers live in a separate clang build (-DSW_FUZZ=ON), by default
# <repo>/build-fuzz; it is configured and brought up to date first.
# Environment:
#   SW_FUZZ_BUILD    that build directory
#   SW_FUZZ_CRASHES  where reproducers go (default tests/fuzz/crashes/)
#   SW_FUZZ_CORPUS   keep the grown corpus here (default: a temporary dir)
#   SW_FUZZ_JOBS     build jobs (default: nproc)
#   SW_FUZZ_NO_BUILD set: use the fuzzers as built (ctest builds them once)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${SW_FUZZ_BUILD:-$src/build-fuzz}
jobs=${SW_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}

usage() {
	echo "usage: $0 csv|shp|geojson|gpx|serve [SECONDS]   or   $0 --build" >&2
	exit 2
}

build_fuzzers() {
	clang=$(command -v clang) || { echo "run.sh: clang not found" >&2; exit 77; }
	cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$clang" -DSW_FUZZ=ON -DSW_TESTS=OFF \
		-DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" >/dev/null
	cmake --build "$build" --target sw_fuzzers -j "$jobs"
}

[ $# -ge 1 ] || usage
if [ "$1" = --build ]; then
	build_fuzzers
	exit 0
fi
fmt=$1
secs=${2:-300}
case $fmt in csv | shp | geojson | gpx | serve) ;; *) usage ;; esac
case $secs in '' | *[!0-9]*) usage ;; esac

fuzzer=$build/tests/fuzz/fuzz_$fmt
# bring the build up to date, unless ctest's fuzz_build test just did
[ -n "${SW_FUZZ_NO_BUILD:-}" ] && [ -x "$fuzzer" ] || build_fuzzers

crashes=${SW_FUZZ_CRASHES:-$here/crashes}
mkdir -p "$crashes"
if [ -n "${SW_FUZZ_CORPUS:-}" ]; then
	corpus=$SW_FUZZ_CORPUS/$fmt
	mkdir -p "$corpus"
	tmp=
else
	tmp=$(mktemp -d)
	corpus=$tmp
fi
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT INT TERM

dict=
[ -f "$here/$fmt.dict" ] && dict=-dict=$here/$fmt.dict

# New inputs go to the first directory; the seeds in the source tree stay as they are.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$crashes/$fmt-" $dict "$corpus" "$here/corpus/$fmt"
