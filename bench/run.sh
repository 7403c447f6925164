#!/usr/bin/env bash
# Benchmarks of schouw against GDAL's ogr2ogr (and MapServer's map2img once
# maps exist), measured in the same run on the same generated data.
#   bench/run.sh            1M points
#   N=100000 bench/run.sh   smaller
# Prints wall time, peak memory and the ratio schouw / anchor for each job,
# and the same ratio of CPU time (user + system): on a shared, loaded machine
# wall times stretch with the load, CPU times much less.
# Never part of `make test`: these machines are noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
BUILD=${BUILD:-build-bench}
W=${BENCH_DIR:-$(mktemp -d /tmp/schouw-bench.XXXXXX)}
mkdir -p "$W"
export SCHOUW_DATA="$PWD/survey"

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSW_TESTS=OFF -DSW_BENCH=ON >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target schouw bench_floor >/dev/null
S="$PWD/$BUILD/schouw"

echo "schouw bench: N=$N points, work dir $W"
[ -s "$W/points.csv" ] || python3 bench/gen_points.py "$N" > "$W/points.csv"

# run NAME CMD...: wall seconds, peak RSS (MB) and CPU seconds (user +
# system, children included) into $SEC / $MB / $CPU: the best of $RUNS runs
# (default 3; wall and CPU each their least, memory its most). CMD must
# start afresh each time (the import jobs remove their store first).
RUNS=${RUNS:-3}
run() {
	local name=$1; shift
	local u s sec kb cpu i
	SEC=""; CPU=""; KB=0
	for ((i = 1; i <= RUNS; i++)); do
		/usr/bin/time -f "%e %M %U %S" -o "$W/time.$name" "$@" > "$W/log.$name" 2>&1 || {
			echo "  $name failed:"; tail -5 "$W/log.$name"; exit 1; }
		read -r sec kb u s < "$W/time.$name"
		cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
		SEC=$(awk -v a="$SEC" -v b="$sec" 'BEGIN { print (a == "" || b < a) ? b : a }')
		CPU=$(awk -v a="$CPU" -v b="$cpu" 'BEGIN { print (a == "" || b < a) ? b : a }')
		[ "$kb" -gt "$KB" ] && KB=$kb
	done
	MB=$((KB / 1024))
}
row() { # job, schouw s, schouw MB, anchor s, anchor MB, target, schouw cpu, anchor cpu
	awk -v j="$1" -v s="$2" -v sm="$3" -v a="$4" -v am="$5" -v t="$6" -v sc="$7" \
		-v ac="$8" 'BEGIN {
		r = (a > 0) ? s / a : 0
		rc = (ac > 0) ? sc / ac : 0
		printf "%-34s %8.2f s %6d MB   %8.2f s %6d MB   %6.3f x  (target <= %s)%s\n",
			j, s, sm, a, am, r, t, (t != "-" && r > t) ? "  MISSED" : ""
		printf "%-34s %8.2f s cpu      %8.2f s cpu      %6.3f x  cpu\n", "", sc, ac, rc }'
}
printf "%-34s %19s   %19s   %8s\n" "job" "schouw" "anchor" "ratio"

rm -rf "$W"/s*.gpkg* "$W"/g*.gpkg* "$W"/sshp "$W"/gshp "$W"/sshp84 "$W"/gshp84
# 1. CSV -> GeoPackage with spatial index
export SCHOUW_STAGES=1
run s_imp_csv sh -c "rm -f '$W'/s.gpkg*; '$S' --db '$W/s.gpkg' init -q && '$S' --db '$W/s.gpkg' import '$W/points.csv' --by bench"
s1=$SEC; m1=$MB; c1=$CPU
stages_csv=$(grep '^stages' "$W/log.s_imp_csv")
run g_imp_csv sh -c "rm -f '$W'/g.gpkg*; ogr2ogr -f GPKG '$W/g.gpkg' '$W/points.csv' -oo X_POSSIBLE_NAMES=rd_x \
	-oo Y_POSSIBLE_NAMES=rd_y -a_srs EPSG:28992 -nln points"
row "import CSV -> GPKG (+R-tree)" "$s1" "$m1" "$SEC" "$MB" 0.35 "$c1" "$CPU"

# 2. GeoPackage -> shapefile
mkdir -p "$W/sshp" "$W/gshp"
run s_exp_shp sh -c "rm -f '$W'/sshp/*; '$S' --db '$W/s.gpkg' export '$W/sshp/points.shp'"
s2=$SEC; m2=$MB; c2=$CPU
run g_exp_shp sh -c "rm -f '$W'/gshp/*; ogr2ogr -f 'ESRI Shapefile' '$W/gshp/points.shp' '$W/g.gpkg' points"
row "export GPKG -> SHP" "$s2" "$m2" "$SEC" "$MB" 0.4 "$c2" "$CPU"

# 3. shapefile -> GeoPackage
run s_imp_shp sh -c "rm -f '$W'/s2.gpkg*; '$S' --db '$W/s2.gpkg' init -q && '$S' --db '$W/s2.gpkg' import '$W/sshp/points.shp'"
s3=$SEC; m3=$MB; c3=$CPU
stages_shp=$(grep '^stages' "$W/log.s_imp_shp")
run g_imp_shp sh -c "rm -f '$W'/g2.gpkg*; ogr2ogr -f GPKG '$W/g2.gpkg' '$W/gshp/points.shp' -nln points"
row "import SHP -> GPKG (+R-tree)" "$s3" "$m3" "$SEC" "$MB" 0.35 "$c3" "$CPU"

# 4. reprojection RD -> WGS84 while exporting (batched proj_trans_generic)
mkdir -p "$W/sshp84" "$W/gshp84"
run s_exp_84 sh -c "rm -f '$W'/sshp84/*; '$S' --db '$W/s.gpkg' export '$W/sshp84/points.shp' --crs EPSG:4326"
s4=$SEC; m4=$MB; c4=$CPU
run g_exp_84 sh -c "rm -f '$W'/gshp84/*; ogr2ogr -f 'ESRI Shapefile' -t_srs EPSG:4326 '$W/gshp84/points.shp' '$W/g.gpkg' points"
row "export GPKG -> SHP in EPSG:4326" "$s4" "$m4" "$SEC" "$MB" - "$c4" "$CPU"

# The floor: plain SQLite inserts of the same rows into the points table of
# a fresh store (same columns, uuid index, no triggers), same transaction
# mode; then how far each import is above it, stage by stage (CPU seconds).
run floor sh -c "rm -f '$W'/f.gpkg*; '$S' --db '$W/f.gpkg' init -q && '$BUILD/bench_floor' '$W/f.gpkg' '$W/points.csv'"
floor=$(grep '^floor' "$W/log.floor")
echo
echo "THE FLOOR (plain SQLite insert, best of $RUNS: $SEC s wall, $CPU s cpu): $floor"
for j in csv shp; do
	st=$stages_csv; [ $j = shp ] && st=$stages_shp
	echo "$st" | awk -v j="$j" -v f="$floor" 'BEGIN { split(f, a, " "); }
	{ for (i = 1; i <= NF; i++) v[$i] = $(i + 1)
	  fr = a[6]; fi = a[9]
	  printf "  %s import above the floor (cpu s): read/parse %.2f (floor %.2f), validate %.2f (floor 0), store %.2f (floor %.2f, %.1f x), R-tree+commit %.2f (floor 0)\n",
	    j, v["read"], fr, v["validate"], v["store"], fi, (fi > 0 ? v["store"] / fi : 0), v["rtree"] }'
done
echo
echo "peak memory: schouw import $m1 MB, export $m2 MB, shp import $m3 MB (target <= 100 MB, flat in N)"
echo "anchors from ../shared/GUIDE.md §6 on this machine kind: CSV->GPKG 28.0 s, GPKG->SHP 11.6 s, SHP->GPKG 28.0 s"
[ -z "${BENCH_NO_CHECK:-}" ] && [ -x bench/check.sh ] && bench/check.sh "$S" "$W"
exit 0

# 4. status map against MapServer map2img (bench/map.sh), reusing the points CSV
echo
BENCH_DIR="$W" BENCH_NO_BUILD=1 N="$N" BUILD="$BUILD" bash bench/map.sh
