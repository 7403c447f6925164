#!/usr/bin/env bash
# Map bench: schouw map against MapServer's map2img (AGG) drawing the same
# N points (from the same GeoPackage) and N/10 street lines (one shapefile)
# at 2000 x 2000 px, in the same run. Prints wall/CPU time, peak memory and
# the ratio (target <= 0.33 x map2img; peak memory <= 2 x the 16 MB image
# buffer + a small constant).
#   bench/map.sh            1M points + 100k lines
#   N=200000 bench/map.sh   smaller; RUNS=n (default 3, medians)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
L=$((N / 10))
BUILD=${BUILD:-build-bench}
W=${BENCH_DIR:-$(mktemp -d /tmp/schouw-bench.XXXXXX)}
mkdir -p "$W"
export SCHOUW_DATA="$PWD/survey"
for t in map2img ogr2ogr /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench/map.sh needs $t (scripts/deps.sh --bench)"; exit 1; }
done
if [ ! -x "$BUILD/schouw" ] || [ -z "${BENCH_NO_BUILD:-}" ]; then
	cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSW_TESTS=OFF >/dev/null
	cmake --build "$BUILD" -j "$(nproc)" >/dev/null
fi
S="$PWD/$BUILD/schouw"
BBOX=95000,415000,120000,435000

echo "schouw map bench: $N points, $L street lines, 2000 x 2000 px, work dir $W"
[ -s "$W/points.csv" ] && [ "$(($(wc -l < "$W/points.csv") - 1))" -eq "$N" ] ||
	python3 bench/gen_points.py "$N" > "$W/points.csv"
if [ ! -s "$W/map.gpkg" ]; then
	"$S" --db "$W/map.gpkg" init -q
	"$S" --db "$W/map.gpkg" import "$W/points.csv" --by bench -q
fi
if [ ! -s "$W/streets.shp" ]; then
	python3 - "$L" > "$W/streets.csv" <<'PY'
import random, sys
rnd = random.Random(28992)
print("id,WKT")
for i in range(int(sys.argv[1])):
    x, y = 95000 + rnd.random() * 25000, 415000 + rnd.random() * 20000
    pts = []
    for _ in range(rnd.randint(2, 4)):
        pts.append("%.2f %.2f" % (x, y))
        x += rnd.uniform(-150, 150); y += rnd.uniform(-150, 150)
    print('%d,"LINESTRING (%s)"' % (i, ", ".join(pts)))
PY
	ogr2ogr -f "ESRI Shapefile" -a_srs EPSG:28992 -nlt LINESTRING "$W/streets.shp" "$W/streets.csv" \
		-oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO
fi
cat > "$W/bench.map" <<EOM
MAP
  SIZE 2000 2000
  EXTENT ${BBOX//,/ }
  IMAGECOLOR 246 244 239
  PROJECTION "init=epsg:28992" END
  OUTPUTFORMAT NAME "png" DRIVER AGG/PNG IMAGEMODE RGB EXTENSION "png" MIMETYPE "image/png" END
  SYMBOL NAME "circle" TYPE ELLIPSE FILLED TRUE POINTS 1 1 END END
  LAYER NAME "streets" TYPE LINE STATUS ON DATA "$W/streets.shp"
    CLASS STYLE COLOR 207 200 185 WIDTH 3 END STYLE COLOR 255 255 255 WIDTH 2 END END
  END
  LAYER NAME "points" TYPE POINT STATUS ON
    CONNECTIONTYPE OGR CONNECTION "$W/map.gpkg" DATA "points"
    CLASSITEM "status"
    CLASS EXPRESSION "planned" STYLE SYMBOL "circle" SIZE 9 COLOR 255 255 255 OUTLINECOLOR 86 180 233 WIDTH 1.5 END END
    CLASS EXPRESSION "in_progress" STYLE SYMBOL "circle" SIZE 9 COLOR 230 159 0 OUTLINECOLOR 255 255 255 END END
    CLASS EXPRESSION "realised" STYLE SYMBOL "circle" SIZE 9 COLOR 0 114 178 OUTLINECOLOR 255 255 255 END END
    CLASS EXPRESSION "inspected_ok" STYLE SYMBOL "circle" SIZE 9 COLOR 0 158 115 OUTLINECOLOR 255 255 255 END END
    CLASS EXPRESSION "rejected" STYLE SYMBOL "circle" SIZE 9 COLOR 213 94 0 OUTLINECOLOR 255 255 255 END END
  END
END
EOM

# run NAME CMD...: wall s, peak MB, CPU s into SEC / MB / CPU
run() {
	local name=$1; shift
	local u s
	/usr/bin/time -f "%e %M %U %S" -o "$W/time.$name" "$@" > "$W/log.$name" 2>&1 || {
		echo "  $name failed:"; tail -5 "$W/log.$name"; exit 1; }
	read -r SEC KB u s < "$W/time.$name"
	MB=$(awk -v k="$KB" 'BEGIN { printf "%.1f", k / 1024 }')
	CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
}
# median of the words given
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

RUNS=${RUNS:-3}
ss=(); sm=(); sc=(); ms=(); mm=(); mc=()
for i in $(seq "$RUNS"); do # alternating, so both see the same machine
	rm -f "$W"/s.png* "$W"/s.pgw "$W"/ms.png
	run s_map "$S" --db "$W/map.gpkg" map -o "$W/s.png" --bbox $BBOX --width 2000 --height 2000 \
		--dpi 96 --basemap "$W/streets.shp" -q
	ss+=("$SEC"); sm+=("$MB"); sc+=("$CPU")
	run m_map map2img -m "$W/bench.map" -o "$W/ms.png"
	ms+=("$SEC"); mm+=("$MB"); mc+=("$CPU")
done
# the process before it draws: the shared libraries (PROJ, cairo, SQLite, ...)
run s_base "$S" --version
base=$MB
awk -v s="$(median "${ss[@]}")" -v sm="$(median "${sm[@]}")" -v sc="$(median "${sc[@]}")" \
	-v a="$(median "${ms[@]}")" -v am="$(median "${mm[@]}")" -v ac="$(median "${mc[@]}")" \
	-v base="$base" -v runs="$RUNS" 'BEGIN {
	r = a > 0 ? s / a : 0; rc = ac > 0 ? sc / ac : 0; img = 2000 * 2000 * 4 / 1048576
	printf "medians of %d runs\n", runs
	printf "%-34s %8.2f s %6.1f MB   %8.2f s %6.1f MB   %6.3f x  (target <= 0.33)%s\n",
		"map 2000x2000 (schouw | map2img)", s, sm, a, am, r, ((r > 0.33) ? "  MISSED" : "")
	printf "%-34s %8.2f s cpu        %8.2f s cpu        %6.3f x  cpu%s\n", "", sc, ac, rc,
		((rc > 0.33) ? "  MISSED" : "")
	printf "peak memory of schouw map: %.1f MB = %.1f MB the process before drawing (shared libraries)\n", sm, base
	printf "  + %.1f MB drawing; image buffer 2000x2000x4 = %.1f MB, target <= 2 x %.1f MB + a small constant%s\n",
		sm - base, img, img, ((sm - base > 2 * img + 4) ? "  MISSED" : "") }'
echo "anchor from ../shared/GUIDE.md §6 on this machine kind: map2img 1M points + 100k streets 5.2 s"
