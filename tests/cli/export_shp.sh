#!/usr/bin/env bash
# schouw export: shapefiles that GDAL reads without a warning, in RD New or
# the asked CRS, with the right field types, styles beside them, one layer
# per type on request, and nothing half-written when an export fails.
. "$(dirname "$0")/lib.sh"

xs=$(printf 'x%.0s' $(seq 1 253))
long_note="${xs}Ångström en verder"
expect 0 "$SCHOUW" init
expect 0 "$SCHOUW" log kerb_ramp --x 104897.25 --y 425327.5 --by "Björn Ångström" \
	--set running_slope_pct=8.3 --set width_m=1.5 --set tactile_warning=yes --set surface=asphalt \
	--observed-at 2026-05-04T14:35:09+02:00 --accuracy 2.5
expect 0 "$SCHOUW" log kerb_ramp --x 105100 --y 425200 --status realised --note "$long_note"
expect 0 "$SCHOUW" log disabled_parking --x 106099 --y 423259 --set orientation=perpendicular \
	--set length_m=5 --set width_m=3.5
expect 0 "$SCHOUW" log playground --x 105500 --y 424100 --set accessible_items=3 --status planned \
	--set surface=artificial_grass
before=$(snapshot)

# ogr LAYER... : ogrinfo -al (-so) output with stderr, must not warn
ogr() {
	OGR=$(ogrinfo -ro "$@" 2>&1)
	lacks "$OGR" "Warning" "ogrinfo $*"
	lacks "$OGR" "ERROR" "ogrinfo $*"
}

# --- one layer, RD New -------------------------------------------------------
expect 0 "$SCHOUW" export all.shp
for ext in shp shx dbf prj cpg qml sld; do
	[ -f "all.$ext" ] && ok || fail "all.$ext missing"
done
equal "$(ls | grep -c 'tmp-')" 0 "temporary files left"
contains "$OUT" "all.shp: 4 points"
contains "$OUT" "EPSG:28992"
# the 254-byte cut warns and names the point
contains "$ERR" "point 2"
contains "$ERR" "note"
equal "$(grep -c warning <<<"$ERR")" 1 "warnings (only the long note)"
equal "$(cat all.cpg)" "UTF-8" ".cpg"
equal "$(tail -c 1 all.dbf | od -An -tx1 | tr -d ' ')" "1a" "last byte of the .dbf (end of file mark)"
contains "$(cat all.prj)" 'PROJCS["RD_New"'

ogr -al -so all.shp
contains "$OGR" "Feature Count: 4"
contains "$OGR" "Amersfoort / RD New"
contains "$OGR" 'ID["EPSG",28992]'
contains "$OGR" "id: Integer ("
contains "$OGR" "run_slope: Real ("
contains "$OGR" "width_m: Real ("
contains "$OGR" "tactile: Integer ("
contains "$OGR" "acc_items: Integer ("
contains "$OGR" "surface: String ("
contains "$OGR" "orient: String ("
contains "$OGR" "observed: String ("
contains "$OGR" "gps_acc_m: Real ("

ogr -al -where "id = 1" all.shp
contains "$OGR" "run_slope (Real) = 8.300"
contains "$OGR" "tactile (Integer) = 1"
contains "$OGR" "surveyor (String) = Björn Ångström"
contains "$OGR" "observed (String) = 2026-05-04T14:35:09+02:00"
contains "$OGR" "POINT (104897.25 425327.5)"
# "surface" has other values in other forms: the union field holds them all
ogr -al -where "id = 4" all.shp
contains "$OGR" "surface (String) = artificial_grass"
ogr -al -where "id = 2" all.shp
# cut on a character boundary: 253 x's, then "Å" (2 bytes) would pass 254
note2=$(echo "$OGR" | sed -n 's/^  note (String) = //p')
equal "$note2" "$xs" "the cut note"

# the mapping is stable and documented
expect 0 "$SCHOUW" export --dbf-names
names1=$OUT
contains "$names1" "running_slope_pct"
contains "$names1" "run_slope"
expect 0 "$SCHOUW" export --dbf-names
equal "$OUT" "$names1" "--dbf-names between runs"

# --- styles --------------------------------------------------------------------
expect 0 xmllint --noout all.qml all.sld
qml=$(cat all.qml)
contains "$qml" '<renderer-v2 type="categorizedSymbol" attr="status"'
contains "$qml" 'class="SimpleMarker"'
contains "$qml" 'value="inspected_ok"'
sld=$(cat all.sld)
contains "$sld" "<StyledLayerDescriptor"
contains "$sld" "<ogc:PropertyIsEqualTo>"
# the colours of statuses.ini
while read -r color; do
	contains "$sld" "$color" "SLD colour"
	rgb=$(printf '%d,%d,%d' 0x${color:1:2} 0x${color:3:2} 0x${color:5:2})
	contains "$qml" "value=\"$rgb,255\"" "QML colour"
done < <(sed -n 's/^color *= *//p' "$SCHOUW_DATA/statuses.ini")

# --- another CRS -------------------------------------------------------------
expect 0 "$SCHOUW" export wgs.shp --crs EPSG:4326
contains "$OUT" "EPSG:4326"
contains "$OUT" "accuracy"
ogr -al -so wgs.shp
contains "$OGR" 'GEOGCRS["WGS 84"'
ogr -al -where "id = 1" wgs.shp
contains "$OGR" "POINT (4.66"
contains "$OGR" " 51.81"

# --- one layer per type ------------------------------------------------------
expect 0 "$SCHOUW" export bytype --split-by-type
for t in kerb_ramp disabled_parking playground; do
	[ -f "bytype/$t.shp" ] && [ -f "bytype/$t.qml" ] && [ -f "bytype/$t.sld" ] && ok ||
		fail "bytype/$t layer incomplete"
done
equal "$(ls bytype | grep -c '\.shp$')" 3 "layers"
ogr -al -so bytype/kerb_ramp.shp
contains "$OGR" "Feature Count: 2"
contains "$OGR" "run_slope: Real"
lacks "$OGR" "orient:"
ogr -al -so bytype/disabled_parking.shp
contains "$OGR" "Feature Count: 1"
contains "$OGR" "orient: String"
lacks "$OGR" "run_slope"

# nothing matches: an empty layer, or with --split-by-type no layer at all
expect 0 "$SCHOUW" export none.shp --type crossing
ogr -al -so none.shp
contains "$OGR" "Feature Count: 0"
expect 0 "$SCHOUW" export nonedir --split-by-type --type crossing
contains "$OUT" "no layer"
equal "$(ls nonedir | wc -l)" 0 "files of an empty split export"

# --- filters, anonymize, directory target ------------------------------------
expect 0 "$SCHOUW" export ramps.shp --type kerb_ramp --status realised --anonymize
ogr -al -so ramps.shp
contains "$OGR" "Feature Count: 1"
lacks "$OGR" "surveyor"
mkdir -p outdir
expect 0 "$SCHOUW" export outdir
[ -f outdir/points.shp ] && ok || fail "directory target: no outdir/points.shp"

# --- the round trip: exported names map back on import ----------------------
expect 0 "$SCHOUW" --db again.gpkg init
expect 0 "$SCHOUW" --db again.gpkg import all.shp
expect 0 "$SCHOUW" --db again.gpkg export again.shp
ogr -al -where "id = 1" again.shp
contains "$OGR" "run_slope (Real) = 8.300"
contains "$OGR" "surveyor (String) = Björn Ångström"
contains "$OGR" "observed (String) = 2026-05-04T14:35:09+02:00"
# same uuids: a re-import into the first store changes nothing
expect 0 "$SCHOUW" import all.shp
contains "$OUT" "0 inserted"
before=$(snapshot)

# --- failures leave nothing behind -------------------------------------------
sum_before=$(md5sum all.shp all.dbf all.prj | md5sum)
expect 2 "$SCHOUW" export all.shp --crs EPSG:999999
contains "$ERR" "EPSG:999999"
equal "$(md5sum all.shp all.dbf all.prj | md5sum)" "$sum_before" "older layer after a failed export"
expect 2 "$SCHOUW" export fresh.shp --crs EPSG:999999
[ ! -e fresh.shp ] && ok || fail "failed export left fresh.shp"
expect 2 "$SCHOUW" export nodir/sub/x.shp
contains "$ERR" "nodir/sub/x"
[ ! -e nodir ] && ok || fail "failed export created nodir"
equal "$(ls | grep -c 'tmp-')" 0 "temporary files after failures"
expect 2 "$SCHOUW" export points.txt
contains "$ERR" "--format"
expect 2 "$SCHOUW" export x.geojson --crs EPSG:28992
unchanged "$before" "" "exports"

# --- the other formats go through their writers ------------------------------
expect 0 "$SCHOUW" export all.geojson
ogr -al -so all.geojson
contains "$OGR" "Feature Count: 4"
expect 0 "$SCHOUW" export all.csv --dialect excel-nl
head -c 3 all.csv | od -An -tx1 | grep -q "ef bb bf" && ok || fail "excel-nl CSV without BOM"
expect 2 "$SCHOUW" export all.shp --dialect excel-nl
contains "$ERR" "CSV"

# --- photos: a folder next to the layer, relative paths in the attribute ------
/usr/bin/python3 -c "from PIL import Image; Image.new('RGB',(8,8),(200,30,30)).save('red.png'); Image.new('RGB',(8,8),(30,30,200)).save('blue.jpg')"
expect 0 "$SCHOUW" photo add 1 red.png blue.jpg
expect 0 "$SCHOUW" photo add 2 red.png
mkdir ph && expect 0 "$SCHOUW" export ph/pts.shp
[ -d ph/pts_photos ] && ok || fail "no ph/pts_photos folder"
equal "$(ls ph/pts_photos | wc -l)" 2 "one file per photo (red.png shared by two points)"
ogr -al ph/pts.shp
contains "$OGR" "photos: String"
# every path in the attribute is relative to the layer and names a file with the bytes stored
paths=$(printf '%s\n' "$OGR" | sed -n 's/^ *photos (String) = //p' | grep -v '^(null)$' | tr ';' '\n' | grep -v '^$' | sort)
equal "$(printf '%s\n' "$paths" | wc -l)" 3 "photo paths in the attribute"
for f in $paths; do
	case $f in /*|*..*) fail "photo path not relative: $f" ;; pts_photos/*) ok ;; *) fail "photo path outside pts_photos/: $f" ;; esac
	[ -f "ph/$f" ] && ok || fail "photo path $f names no file"
done
cmp -s red.png "ph/$(printf '%s\n' $paths | while read -r f; do cmp -s red.png "ph/$f" && echo "$f"; done | head -1)" &&
	ok || fail "no exported photo has the bytes of red.png"
sqlite3 "$SCHOUW_DB" "SELECT sha256 FROM photos" | sort >want.sha
(cd ph/pts_photos && sha256sum * | cut -d' ' -f1 | sort) >got.sha
equal "$(cat got.sha)" "$(cat want.sha)" "exported photo bytes"
expect 0 "$SCHOUW" export ph/geo.geojson
[ -d ph/geo_photos ] && ok || fail "no ph/geo_photos folder"
contains "$(cat ph/geo.geojson)" '"photos"'
lacks "$(cat ph/geo.geojson)" "$T/" "absolute path in the GeoJSON"
expect 0 "$SCHOUW" export ph/bare.shp --no-photos
[ ! -e ph/bare_photos ] && ok || fail "--no-photos wrote a photos folder"

done_testing
