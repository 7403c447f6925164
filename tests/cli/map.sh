#!/usr/bin/env bash
# schouw map: georeferenced PNG and PDF status maps, checked by independent
# readers (PIL, gdalinfo, pdfinfo) and every bad input.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] && "$PY" -c "import PIL" 2>/dev/null || { echo "no python3-pil: skipped"; exit 77; }

expect 0 "$SCHOUW" init -q
# three points at known RD positions, three statuses, two types
expect 0 "$SCHOUW" log kerb_ramp --x 105100 --y 425100 --status realised -q
expect 0 "$SCHOUW" log kerb_ramp --x 105300 --y 425200 --status planned -q
expect 0 "$SCHOUW" log crossing --x 105200 --y 425050 --status rejected -q

# px X Y FILE: the pixel (col row) of an RD position through the world file
px() {
	"$PY" - "$1" "$2" "${3%.png}.pgw" <<'PY'
import sys
a, d, b, e, c, f = (float(l) for l in open(sys.argv[3]).read().split())
x, y = float(sys.argv[1]), float(sys.argv[2])
print(round((x - c) / a), round((y - f) / e))
PY
}
# color FILE COL ROW: "#rrggbb" of a pixel
color() {
	"$PY" -c 'import sys; from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB"); r, g, b = im.getpixel((int(sys.argv[2]), int(sys.argv[3])))
print("#%02x%02x%02x" % (r, g, b))' "$@"
}
# near FILE COL ROW HEX: is HEX within 1 px of (COL, ROW)?
near() {
	"$PY" -c 'import sys; from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB"); c, r = int(sys.argv[2]), int(sys.argv[3])
want = tuple(int(sys.argv[4][i:i + 2], 16) for i in (1, 3, 5))
hits = [im.getpixel((c + dx, r + dy)) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
sys.exit(0 if any(max(abs(p[i] - want[i]) for i in range(3)) <= 8 for p in hits) else 1)' "$@"
}
notmp() { # no temporary file left in a folder
	local left; left=$(ls "$1" | grep -c 'tmp-' || true)
	equal "$left" 0 "temporary files left in $1"
}

# --- a PNG with its georeferencing
mkdir -p out
expect 0 "$SCHOUW" map -o out/m.png --bbox 105000,425000,105400,425300 --width 800 --height 600 \
	--no-basemap --title "Testkaart"
contains "$OUT" "3 points"
[ -s out/m.png ] && [ -s out/m.pgw ] && [ -s out/m.png.aux.xml ] && ok || fail "PNG + sidecars missing"
size=$("$PY" -c 'import sys; from PIL import Image; print("%dx%d" % Image.open(sys.argv[1]).size)' out/m.png)
equal "$size" "800x600" "image size"
meta=$("$PY" -c 'import sys; from PIL import Image; i = Image.open(sys.argv[1]).info; print(i.get("Title"), "|", i.get("CRS"), "|", i.get("Software"), "|", i.get("Bbox"))' out/m.png)
contains "$meta" "Testkaart" "tEXt Title"
contains "$meta" "EPSG:28992" "tEXt CRS"
contains "$meta" "schouw" "tEXt Software"

# the realised point (solid) has its status colour where the world file puts it
read -r c r < <(px 105100 425100 out/m.png)
near out/m.png "$c" "$r" "#0072b2" && ok || fail "realised point at $c,$r is $(color out/m.png "$c" "$r"), not #0072b2"
# the planned point is hollow: white heart, its colour on the ring -- shape and colour differ
read -r c2 r2 < <(px 105300 425200 out/m.png)
equal "$(color out/m.png "$c2" "$r2")" "#ffffff" "centre of a planned (hollow) symbol"
ring=$("$PY" -c 'import sys; from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB"); c, r = int(sys.argv[2]), int(sys.argv[3])
print(sum(1 for dx in range(-12, 13) for dy in range(-12, 13)
          if max(abs(a - b) for a, b in zip(im.getpixel((c + dx, r + dy)), (0x56, 0xb4, 0xe9))) <= 24))' out/m.png "$c2" "$r2")
[ "$ring" -gt 10 ] && ok || fail "planned symbol has no ring in #56b4e9 ($ring pixels)"

# world file: pixel size at --scale and --dpi, one RD coordinate to its pixel within 1 px
expect 0 "$SCHOUW" map -o out/s.png --bbox 105000,425000,105400,425300 --width 600 --height 400 \
	--dpi 96 --scale 1:5000 --no-basemap
"$PY" - out/s.pgw <<'PY' && ok || fail "pixel size of 1:5000 at 96 dpi"
import sys
a = float(open(sys.argv[1]).read().split()[0])
sys.exit(0 if abs(a - 5000 * 0.0254 / 96) < 1e-6 else 1)
PY
read -r c r < <(px 105100 425100 out/s.png)
near out/s.png "$c" "$r" "#0072b2" && ok || fail "world file puts 105100,425100 at $c,$r: $(color out/s.png "$c" "$r")"
if have gdalinfo; then
	gi=$(gdalinfo out/s.png)
	contains "$gi" "Amersfoort / RD New" "gdalinfo CRS"
	contains "$gi" "Pixel Size = (1.3229166" "gdalinfo pixel size"
	# gdal's pixel of the RD point agrees with the world file's
	gl=$(gdallocationinfo -geoloc out/s.png 105100 425100 | grep Location)
	contains "$gl" "Location: ($c""P,$r""L)" "gdallocationinfo pixel"
fi

# an empty selection is still a valid map, with an empty legend
expect 0 "$SCHOUW" map -o out/empty.png --type playground --width 500 --height 400 --no-basemap
contains "$OUT" "0 points"
"$PY" -c 'import sys; from PIL import Image; Image.open(sys.argv[1]).load()' out/empty.png && ok || fail "empty map unreadable"

# by type, by compliance, labels, English, the demo basemap
expect 0 "$SCHOUW" map -o out/t.png --by type --width 500 --height 400 --lang en
expect 0 "$SCHOUW" map -o out/c.png --by compliance --width 500 --height 400
# --no-legend: the legend's width goes to the points, so the same extent
# fits at a finer pixel size (the world file's)
expect 0 "$SCHOUW" map -o out/nl.png --no-legend --width 600 --height 400
expect 0 "$SCHOUW" map -o out/wl.png --width 600 --height 400
"$PY" - out/nl.pgw out/wl.pgw <<'PY' && ok || fail "--no-legend did not widen the frame"
import sys
a, b = (float(open(f).readline()) for f in sys.argv[1:3])
sys.exit(0 if a < b * 0.98 else 1)
PY
# a narrow image (the phone's) gets the whole footer, on two lines: no text
# runs off its left edge
expect 0 "$SCHOUW" map -o out/narrow.png --no-legend --width 320 --height 320 --dpi 96
"$PY" - out/narrow.png <<'PY' && ok || fail "the footer of a narrow map runs off the image"
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("L")
w, h = im.size
ink = [x for y in range(h - 30, h) for x in range(0, w) if im.getpixel((x, y)) < 90]
sys.exit(0 if ink and min(ink) >= 4 else 1)
PY
expect 0 "$SCHOUW" map -o out/l.png --labels --width 600 --height 400
contains "$OUT" "labels: 3 placed"

# PDF: vector, the page size asked
if have pdfinfo; then
	expect 0 "$SCHOUW" map -o out/m.pdf --paper A3 --landscape --dpi 100
	info=$(pdfinfo out/m.pdf)
	contains "$info" "x 841.68 pts (A3)" "A3 landscape page"
	expect 0 "$SCHOUW" map -o out/a4.pdf --paper A4
	contains "$(pdfinfo out/a4.pdf)" "(A4)" "A4 page"
fi

# a user's own layer in WGS84 with a .prj draws unchanged
if have ogr2ogr; then
	cat > road.geojson <<'JSON'
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
"geometry":{"type":"LineString","coordinates":[[4.6620,51.8135],[4.6690,51.8140]]}}]}
JSON
	ogr2ogr -f "ESRI Shapefile" road.shp road.geojson 2>/dev/null
	expect 0 "$SCHOUW" map -o out/u.png --basemap road.shp --bbox 105000,425000,105400,425300 \
		--width 400 --height 300
fi

# --- --area: its box plus 5% of its longer side is the extent, only its
# points are drawn, its name is on the map
A=(--db "$T/area.gpkg")
export SCHOUW_GIS="$SW_SRC/gis"
expect 0 "$SCHOUW" "${A[@]}" init -q
expect 0 "$SCHOUW" "${A[@]}" log kerb_ramp --x 105100 --y 425100 --status realised -q
# inside binnenstad's box but outside the area itself
expect 0 "$SCHOUW" "${A[@]}" log kerb_ramp --x 104640 --y 424800 --status realised -q
expect 0 "$SCHOUW" "${A[@]}" list --area binnenstad
contains "$OUT" "(1 point)"
# the box as GDAL reads it from areas.shp, with the margin
box=$(/usr/bin/python3 - "$SCHOUW_GIS/areas.shp" <<'PY'
import sys
from osgeo import ogr
ds = ogr.Open(sys.argv[1])  # held: a layer outliving its dataset crashes GDAL
for f in ds.GetLayer():
    if f.GetField("name") == "binnenstad":
        x0, x1, y0, y1 = f.GetGeometryRef().GetEnvelope()
m = 0.05 * max(x1 - x0, y1 - y0)
print("%.6f,%.6f,%.6f,%.6f" % (x0 - m, y0 - m, x1 + m, y1 + m))
PY
)
expect 0 "$SCHOUW" "${A[@]}" map -o out/area.png --area binnenstad --width 800 --height 600
contains "$OUT" "1 point," "points drawn with --area"
expect 0 "$SCHOUW" "${A[@]}" map -o out/areabox.png --bbox "$box" --width 800 --height 600 \
	--type playground
equal "$(cat out/area.pgw)" "$(cat out/areabox.pgw)" "world file of --area binnenstad vs its box + 5%"
read -r c r < <(px 105100 425100 out/area.png)
near out/area.png "$c" "$r" "#0072b2" && ok || fail "the point inside binnenstad is not drawn"
read -r c r < <(px 104640 424800 out/area.png)
near out/area.png "$c" "$r" "#0072b2" && fail "a point outside binnenstad is drawn at $c,$r" || ok
meta=$("$PY" -c 'import sys; from PIL import Image; print(Image.open(sys.argv[1]).info.get("Area"))' out/area.png)
equal "$meta" "Historic city centre" "tEXt Area in the messages' language (C: English)"
expect 0 "$SCHOUW" "${A[@]}" map -o out/area-nl.png --area binnenstad --lang nl --width 400 --height 300
meta=$("$PY" -c 'import sys; from PIL import Image; print(Image.open(sys.argv[1]).info.get("Area"))' out/area-nl.png)
equal "$meta" "Binnenstad" "tEXt Area in Dutch"
expect 0 env LC_ALL=nl_NL.UTF-8 "$SCHOUW" "${A[@]}" map -o out/area-nl2.png --area binnenstad \
	--width 400 --height 300
meta=$("$PY" -c 'import sys; from PIL import Image; print(Image.open(sys.argv[1]).info.get("Area"))' out/area-nl2.png)
equal "$meta" "Binnenstad" "tEXt Area in Dutch under a Dutch locale"
# with --bbox the box is the extent and the area still selects
expect 0 "$SCHOUW" "${A[@]}" map -o out/areabb.png --area binnenstad --bbox 104000,424000,106000,426000 \
	--width 400 --height 300
contains "$OUT" "1 point,"
expect 0 "$SCHOUW" "${A[@]}" map -o out/bb.png --bbox 104000,424000,106000,426000 --width 400 --height 300
equal "$(cat out/areabb.pgw)" "$(cat out/bb.pgw)" "--bbox wins over the area's box"
# an unknown area: exit 2 naming the valid ones, nothing written
expect 2 "$SCHOUW" "${A[@]}" map -o out/na.png --area atlantis
contains "$ERR" "atlantis"
contains "$ERR" "binnenstad"
contains "$ERR" "reeland"
[ ! -e out/na.png ] && [ ! -e out/na.pgw ] && [ ! -e out/na.png.aux.xml ] && ok || fail "--area atlantis left a file"
notmp out

# --- bad input: a clear message, exit 2, no file left
expect 2 "$SCHOUW" map -o out/bad.png --bbox 105400,425000,105000,425300
contains "$ERR" "--bbox"
expect 2 "$SCHOUW" map -o out/bad.png --bbox 105000,425000,105000,425300
contains "$ERR" "empty or inverted"
expect 2 "$SCHOUW" map -o out/bad.png --width 0 --height 100
contains "$ERR" "--width"
expect 2 "$SCHOUW" map -o out/bad.png --dpi 0
expect 2 "$SCHOUW" map -o out/bad.gif
contains "$ERR" ".png or .pdf"
expect 2 "$SCHOUW" map
contains "$ERR" "-o FILE"
expect 2 "$SCHOUW" map -o out/bad.png --by colour
expect 2 "$SCHOUW" map -o no/such/dir/m.png --width 100 --height 100
contains "$ERR" "no/such/dir"
expect 2 "$SCHOUW" map -o out/bad.png --basemap nothere.shp
contains "$ERR" "nothere.shp"
expect 2 "$SCHOUW" map -o out/bad.png --basemap nolayer
contains "$ERR" "nolayer"
printf 'this is not a shapefile, only text pretending to be one' > broken.shp
cp broken.shp broken.shx
expect 2 "$SCHOUW" map -o out/bad.png --basemap broken.shp
contains "$ERR" "broken.shp"
[ ! -e out/bad.png ] && [ ! -e out/bad.pgw ] && ok || fail "a failed map left a file"
notmp out
# an absurd size is capped with a message, and the map still made
expect 0 "$SCHOUW" map -o out/wide.png --width 20000 --height 50 --no-basemap
contains "$ERR" "capped"
size=$("$PY" -c 'import sys; from PIL import Image; print("%dx%d" % Image.open(sys.argv[1]).size)' out/wide.png)
equal "$size" "10000x50" "capped size"

# the fill and symbol of the survey files are checked when they load
cp -r "$SCHOUW_DATA" data2
sed -i 's/^fill = hollow/fill = zigzag/' data2/statuses.ini
expect 2 env SCHOUW_DATA="$T/data2" "$SCHOUW" map -o out/bad.png
contains "$ERR" "zigzag"
cp "$SCHOUW_DATA/statuses.ini" data2/statuses.ini
sed -i 's/^symbol = circle/symbol = blob/' data2/forms/kerb_ramp.ini
expect 2 env SCHOUW_DATA="$T/data2" "$SCHOUW" map -o out/bad.png
contains "$ERR" "blob"

done_testing
