#!/usr/bin/env bash
# Two processes logging into one store at the same time lose nothing. (The
# store's unit test does 2 x 1000 inserts through the library; this runs the
# real binary, 2 x N processes, under the same busy timeout.)
. "$(dirname "$0")/lib.sh"
N=${SW_CONCURRENCY_N:-100}

expect 0 "$SCHOUW" init
writer() {
	local who=$1 i
	for i in $(seq 1 "$N"); do
		"$SCHOUW" log kerb_ramp --x $((100000 + i)) --y 425000 --by "$who" -q >/dev/null || echo "$who $i failed"
	done
}
writer a > a.log 2>&1 &
writer b > b.log 2>&1 &
wait
equal "$(cat a.log b.log)" "" "failed writes"
equal "$(sqlite3 test.gpkg 'SELECT COUNT(*) FROM points')" "$((2 * N))" "points"
equal "$(sqlite3 test.gpkg "SELECT COUNT(*) FROM schouw_history WHERE action = 'insert'")" "$((2 * N))" "history rows"
equal "$(sqlite3 test.gpkg "SELECT COUNT(DISTINCT uuid) FROM points")" "$((2 * N))" "distinct uuids"
equal "$(sqlite3 test.gpkg "SELECT rtreecheck('rtree_points_geom')")" "ok" "rtreecheck"
done_testing
