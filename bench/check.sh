#!/usr/bin/env bash
# Speed of schouw check (issue 4, section 5), in a Release build:
#   bench/check.sh                     1M points, 100k bays + 100k kerb ramps
#   N=200000 BAYS=20000 bench/check.sh
# Prints points/s for single-point rules (target >= 1M/s) and the time of
# the cross-layer rule "a kerb ramp within 5 m of every disabled parking bay"
# through the store's R-tree (target < 2 s), each as wall and CPU time (the
# CPU time is what other jobs on a shared machine do not stretch); then
# `schouw check` end to end on that store: every bay and ramp judged against
# kor-dordrecht and the run with its results stored.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
BAYS=${BAYS:-100000}
BUILD=${BUILD:-build-bench}
export SCHOUW_DATA="$PWD/survey"
W=$(mktemp -d /tmp/schouw-bench-check.XXXXXX)
trap 'rm -rf "$W"' EXIT

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSW_TESTS=OFF -DSW_BENCH=ON >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target bench_check schouw >/dev/null
echo "schouw bench check: N=$N points, $BAYS bays + $BAYS kerb ramps"
rc=0
BENCH_STORE="$W/bench.gpkg" TMPDIR="$W" "$BUILD/bench_check" "$N" "$BAYS" || rc=$?
# Anchor: the same question as one SQL statement in SQLite's own shell, an
# R-tree query per bay (centres of the float32 boxes, so approximate).
if command -v sqlite3 >/dev/null; then
	s=$(date +%s.%N)
	n=$(sqlite3 "$W/bench.gpkg" "SELECT count(*) FROM rtree_points_geom rb JOIN points b ON b.id = rb.id
	 WHERE b.type = 'disabled_parking' AND EXISTS (SELECT 1 FROM rtree_points_geom rk
	 JOIN points k ON k.id = rk.id WHERE rk.minx <= rb.maxx + 5 AND rk.maxx >= rb.minx - 5
	 AND rk.miny <= rb.maxy + 5 AND rk.maxy >= rb.miny - 5 AND k.type = 'kerb_ramp'
	 AND ((rk.minx + rk.maxx - rb.minx - rb.maxx) / 2) * ((rk.minx + rk.maxx - rb.minx - rb.maxx) / 2)
	   + ((rk.miny + rk.maxy - rb.miny - rb.maxy) / 2) * ((rk.miny + rk.maxy - rb.miny - rb.maxy) / 2) <= 25)")
	e=$(date +%s.%N)
	echo "anchor: sqlite3 shell, one R-tree query per bay: $n bays have a kerb ramp within 5 m," \
		"$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }') s wall"
fi
s=$(date +%s.%N)
"$BUILD/schouw" --db "$W/bench.gpkg" check --profile kor-dordrecht --summary >"$W/check.out" || true
e=$(date +%s.%N)
echo "schouw check --profile kor-dordrecht --summary (all $((2 * BAYS)) points, run stored):" \
	"$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }') s wall"
sed 's/^/  /' "$W/check.out"
exit $rc
