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

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSW_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" >/dev/null
S="$PWD/$BUILD/schouw"

echo "schouw bench: N=$N points, work dir $W"
[ -s "$W/points.csv" ] || python3 bench/gen_points.py "$N" > "$W/points.csv"

# run NAME CMD...: wall seconds, peak RSS (MB) and CPU seconds (user +
# system, children included) into $SEC / $MB / $CPU
run() {
	local name=$1; shift
	local u s
	/usr/bin/time -f "%e %M %U %S" -o "$W/time.$name" "$@" > "$W/log.$name" 2>&1 || {
		echo "  $name failed:"; tail -5 "$W/log.$name"; exit 1; }
	read -r SEC KB u s < "$W/time.$name"
	MB=$((KB / 1024))
	CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
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
run s_imp_csv sh -c "'$S' --db '$W/s.gpkg' init -q && '$S' --db '$W/s.gpkg' import '$W/points.csv' --by bench"
s1=$SEC; m1=$MB; c1=$CPU
run g_imp_csv ogr2ogr -f GPKG "$W/g.gpkg" "$W/points.csv" -oo X_POSSIBLE_NAMES=rd_x \
	-oo Y_POSSIBLE_NAMES=rd_y -a_srs EPSG:28992 -nln points
row "import CSV -> GPKG (+R-tree)" "$s1" "$m1" "$SEC" "$MB" 0.2 "$c1" "$CPU"

# 2. GeoPackage -> shapefile
mkdir -p "$W/sshp" "$W/gshp"
run s_exp_shp "$S" --db "$W/s.gpkg" export "$W/sshp/points.shp"
s2=$SEC; m2=$MB; c2=$CPU
run g_exp_shp ogr2ogr -f "ESRI Shapefile" "$W/gshp/points.shp" "$W/g.gpkg" points
row "export GPKG -> SHP" "$s2" "$m2" "$SEC" "$MB" 0.5 "$c2" "$CPU"

# 3. shapefile -> GeoPackage
run s_imp_shp sh -c "'$S' --db '$W/s2.gpkg' init -q && '$S' --db '$W/s2.gpkg' import '$W/sshp/points.shp'"
s3=$SEC; m3=$MB; c3=$CPU
run g_imp_shp ogr2ogr -f GPKG "$W/g2.gpkg" "$W/gshp/points.shp" -nln points
row "import SHP -> GPKG (+R-tree)" "$s3" "$m3" "$SEC" "$MB" 0.2 "$c3" "$CPU"

# 4. reprojection RD -> WGS84 while exporting (batched proj_trans_generic)
mkdir -p "$W/sshp84" "$W/gshp84"
run s_exp_84 "$S" --db "$W/s.gpkg" export "$W/sshp84/points.shp" --crs EPSG:4326
s4=$SEC; m4=$MB; c4=$CPU
run g_exp_84 ogr2ogr -f "ESRI Shapefile" -t_srs EPSG:4326 "$W/gshp84/points.shp" "$W/g.gpkg" points
row "export GPKG -> SHP in EPSG:4326" "$s4" "$m4" "$SEC" "$MB" - "$c4" "$CPU"

echo
echo "peak memory: schouw import $m1 MB, export $m2 MB, shp import $m3 MB (target <= 100 MB, flat in N)"
echo "anchors from ../shared/GUIDE.md §6 on this machine kind: CSV->GPKG 28.0 s, GPKG->SHP 11.6 s, SHP->GPKG 28.0 s"
[ -x bench/check.sh ] && bench/check.sh "$S" "$W"
exit 0

# 4. status map against MapServer map2img (bench/map.sh), reusing the points CSV
echo
BENCH_DIR="$W" BENCH_NO_BUILD=1 N="$N" BUILD="$BUILD" bash bench/map.sh
