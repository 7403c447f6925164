#!/usr/bin/env bash
# Speed of schouw check --sweep (issue 13): one rule's limit swept over 20
# candidates on N generated kerb ramps (bench/gen_points.py, as bench/run.sh
# uses), target under 2 s at 1M points. The anchor in the same run is one
# plain `schouw check --no-record --summary` over the same store: a sweep
# that made one pass per candidate would take about 20 times that.
#   bench/sweep.sh              1M points
#   N=200000 bench/sweep.sh
# Never part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
BUILD=${BUILD:-build-bench}
W=${BENCH_DIR:-$(mktemp -d /tmp/schouw-bench-sweep.XXXXXX)}
mkdir -p "$W"
export SCHOUW_DATA="$PWD/survey"

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSW_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target schouw >/dev/null
S="$PWD/$BUILD/schouw"
echo "schouw bench sweep: N=$N points, work dir $W"
[ -s "$W/points.csv" ] || python3 bench/gen_points.py "$N" > "$W/points.csv"
if [ ! -s "$W/s.gpkg" ]; then
	"$S" --db "$W/s.gpkg" init -q
	"$S" --db "$W/s.gpkg" import "$W/points.csv" --by bench -q >/dev/null
fi
# the import may leave a large WAL; a reader cannot fold it back, so do it here
sqlite3 "$W/s.gpkg" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null

# t NAME CMD...: wall and CPU seconds (user + system) into $SEC / $CPU
t() {
	local name=$1 u s; shift
	# check exits 1 when points fail: expected here
	/usr/bin/time -f "%e %U %S %M" -o "$W/time.$name" "$@" > "$W/out.$name" || true
	read -r SEC u s KB < <(grep -v "^Command" "$W/time.$name")
	CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	MB=$((KB / 1024))
}
t sweep "$S" --db "$W/s.gpkg" check --sweep kr-running-slope --from 4 --to 13.5 --step 0.5 \
	--profile kor-dordrecht --format csv
ss=$SEC; sc=$CPU; sm=$MB
t check "$S" --db "$W/s.gpkg" check --profile kor-dordrecht --no-record --summary
[ "$(($(wc -l < "$W/out.sweep") - 1))" -eq 20 ] || { echo "expected 20 candidate rows"; exit 1; }
awk -v s="$ss" -v c="$sc" -v m="$sm" -v a="$SEC" -v ac="$CPU" -v n="$N" 'BEGIN {
	miss = ""
	if (s + 0 >= 2) miss = "  MISSED (wall)"
	printf("check --sweep, 20 limits, %d points: %6.2f s wall, %6.2f s cpu, %d MB  (target < 2 s)%s\n", n, s, c, m, miss)
	printf "anchor: one plain check:               %6.2f s wall, %6.2f s cpu\n", a, ac
	printf "sweep / one check: %.2f x wall, %.2f x cpu (20 passes would be about 20 x)\n", s / a, c / ac }'
head -3 "$W/out.sweep" | cut -c1-100
