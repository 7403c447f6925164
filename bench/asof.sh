#!/usr/bin/env bash
# Speed of --as-of and schouw report (issue 9, section 1): a store of N points
# imported on 15 January 2025 with a fixed clock (SCHOUW_NOW), a fifth of them
# set to realised on 15 June, a check run in between; then
#   summary now                  (the anchor: the plain query, same run)
#   summary --as-of 2025-03-31   (undoing nothing but reading the history)
#   summary --as-of 2025-01-01   (before the import: every point undone)
#   summary --as-of 2025-06-14   (undoing the N/5 status updates)
#   report --year 2025 --no-maps (8 rebuilt states, history, check runs)
#   bench/asof.sh              100k points
#   N=1000000 bench/asof.sh    (slow; once at most)
# Each as wall and CPU seconds; the ratio of the rebuilt summaries to the
# plain one.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
BUILD=${BUILD:-build-bench}
export SCHOUW_DATA="$PWD/survey" SCHOUW_USER=bench
W=$(mktemp -d /tmp/schouw-bench-asof.XXXXXX)
trap 'rm -rf "$W"' EXIT
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSW_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target schouw >/dev/null
S="$PWD/$BUILD/schouw"
export SCHOUW_DB="$W/bench.gpkg"

python3 bench/gen_points.py "$N" >"$W/points.csv"
"$S" init -q
SCHOUW_NOW=2025-01-15T09:00:00Z "$S" import "$W/points.csv" -q >/dev/null
SCHOUW_NOW=2025-03-31T12:00:00Z "$S" check --summary -q >/dev/null || true
"$S" list --format csv | awk -F, 'NR == 1 { print "uuid,x,y,status" } NR > 1 && NR % 5 == 0 { print $2 ",,,realised" }' >"$W/update.csv"
SCHOUW_NOW=2025-06-15T09:00:00Z "$S" import "$W/update.csv" -q >/dev/null
echo "schouw bench as-of: N=$N points, $(($(wc -l <"$W/update.csv") - 1)) status updates," \
	"history rows $(sqlite3 "$SCHOUW_DB" 'SELECT count(*) FROM schouw_history')"

# run NAME CMD...: wall and CPU seconds into $SEC / $CPU, printed
run() {
	local name=$1; shift
	/usr/bin/time -f "%e %U %S %M" -o "$W/time" "$@" >"$W/out.$name" 2>&1
	read -r SEC u s mb <"$W/time"
	CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	printf "%-34s %6.2f s wall %6.2f s CPU %5d MB\n" "$name" "$SEC" "$CPU" "$((mb / 1024))"
}
run "summary (now, anchor)" "$S" summary
base=$CPU
for d in 2025-03-31 2025-01-01 2025-06-14; do
	run "summary --as-of $d" "$S" summary --as-of "$d"
	echo "  ratio to the plain summary (CPU): $(awk -v a="$CPU" -v b="$base" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')"
done
run "report --year 2025 --no-maps" "$S" report --year 2025 --no-maps --lang en -o "$W/report"
sed 's/^/  /' "$W/out.report --year 2025 --no-maps"
