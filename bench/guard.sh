#!/usr/bin/env bash
# What the store's guard (schema 3: the history triggers and the writer mark)
# costs schouw's bulk import: the same CSV imported by this tree's schouw and
# by the schouw before the guard (BASE, default the commit the guard was built
# on), alternately, 3 rounds each; prints medians of wall and CPU time and
# the ratio (target <= 1.10).
#   N=200000 bench/guard.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200000}
BASE=${BASE:-dd397cd}
W=${BENCH_DIR:-$(mktemp -d /tmp/schouw-guard.XXXXXX)}
mkdir -p "$W/base"
export SCHOUW_DATA="$PWD/survey"

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSW_TESTS=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" >/dev/null
git archive "$BASE" | tar -x -C "$W/base"
cmake -S "$W/base" -B "$W/base/build" -DCMAKE_BUILD_TYPE=Release -DSW_TESTS=OFF >/dev/null
cmake --build "$W/base/build" -j "$(nproc)" >/dev/null
NEW="$PWD/build-bench/schouw" OLD="$W/base/build/schouw"

echo "guard bench: N=$N points, base $BASE, work dir $W"
[ -s "$W/points.csv" ] || python3 bench/gen_points.py "$N" > "$W/points.csv"

one() { # BIN NAME: one import into a fresh store; "wall cpu" appended to $W/t.NAME
	rm -f "$W/$2.gpkg"*
	"$1" --db "$W/$2.gpkg" init -q
	/usr/bin/time -f "%e %U %S" -o "$W/time" "$1" --db "$W/$2.gpkg" import "$W/points.csv" \
		--by bench > /dev/null 2>&1
	awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$W/time" >> "$W/t.$2"
}
rm -f "$W"/t.*
for r in 1 2 3; do one "$OLD" old; one "$NEW" new; done
med() { sort -n -k"$2" "$W/t.$1" | sed -n 2p | awk -v k="$2" '{ print $k }'; }
ow=$(med old 1); oc=$(med old 2); nw=$(med new 1); nc=$(med new 2)
echo "history rows in the new store: $(sqlite3 "$W/new.gpkg" 'SELECT count(*) FROM schouw_history')"
awk -v ow="$ow" -v oc="$oc" -v nw="$nw" -v nc="$nc" 'BEGIN {
	rc = nc / oc
	miss = ""
	if (rc > 1.10)
		miss = "  MISSED"
	printf("bulk import, before the guard   %8.2f s wall %8.2f s cpu\n", ow, oc)
	printf("bulk import, with the guard     %8.2f s wall %8.2f s cpu\n", nw, nc)
	printf("ratio                           %8.3f x wall %8.3f x cpu  (target <= 1.10)%s\n",
		nw / ow, rc, miss) }'
