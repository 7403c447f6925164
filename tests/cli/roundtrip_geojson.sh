#!/usr/bin/env bash
# GeoJSON round trip: store -> schouw export (RFC 7946) -> GDAL reads it with
# no warning, in WGS 84 -> schouw import into an empty store -> the same
# records (`list --format csv`), coordinates within 1 mm in RD, accented
# names intact.
. "$(dirname "$0")/lib.sh"

expect 0 "$SCHOUW" init
expect 0 "$SCHOUW" log kerb_ramp --x 104897.123 --y 425327.456 --by "Müller" \
	--note "José García" --set running_slope_pct=8.1 --set tactile_warning=yes \
	--set surface=asphalt --accuracy 2.5 --observed-at 2026-11-29T10:15:00+01:00 -q
expect 0 "$SCHOUW" log kerb_ramp --lat 51.79583 --lon 4.67833 --by "Zoë" \
	--note "Björn Ångström" --set tactile_warning=no --status realised -q
expect 0 "$SCHOUW" log disabled_parking --x 106099.999 --y 423259.001 --by "Björn Ångström" \
	--set orientation=parallel -q
expect 0 "$SCHOUW" log kerb_ramp --x 105000 --y 425000 --note 'quote " backslash \ tab	end' -q
expect 0 "$SCHOUW" list --format csv
before=$OUT

expect 0 "$SCHOUW" export out.geojson
[ -s out.geojson ] && ok || fail "no out.geojson"

# RFC 7946: WGS84 lon,lat with at least 7 decimals (we write 9), no crs member
lacks "$(cat out.geojson)" '"crs"' "out.geojson"
contains "$(cat out.geojson)" '"type":"FeatureCollection"' "out.geojson"
grep -Eq '"coordinates":\[4\.66[0-9]{7},51\.81[0-9]{7}\]' out.geojson && ok ||
	fail "coordinates not lon,lat with 9 decimals: $(grep -o '"coordinates":[^]]*]' out.geojson | head -1)"
contains "$(cat out.geojson)" 'Björn Ångström' "out.geojson (UTF-8 as is)"

# GDAL reads it without a warning, as WGS 84 points with every attribute
expect 0 ogrinfo -al -so out.geojson
lacks "$OUT$ERR" "Warning" "ogrinfo"
lacks "$OUT$ERR" "ERROR" "ogrinfo"
contains "$OUT" "Geometry: Point"
contains "$OUT" "Feature Count: 4"
contains "$OUT" 'GEOGCRS["WGS 84"'
contains "$OUT" 'ID["EPSG",4326]'
contains "$OUT" "running_slope_pct: Real"
contains "$OUT" "tactile_warning: Integer(Boolean)"
contains "$OUT" "surveyor: String"
expect 0 ogrinfo -q -al out.geojson -where "note = 'Björn Ångström'"
contains "$OUT" "surveyor (String) = Zoë"

# into an empty store: the same records
expect 0 env SCHOUW_DB="$T/copy.gpkg" "$SCHOUW" init
expect 0 env SCHOUW_DB="$T/copy.gpkg" "$SCHOUW" import out.geojson
expect 0 env SCHOUW_DB="$T/copy.gpkg" "$SCHOUW" list --format csv
after=$OUT
# all columns but x, y (compared to the mm below) must be identical
strip_xy() { awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "x") cx = i; if ($i == "y") cy = i } }
	{ $cx = ""; $cy = ""; print }'; }
equal "$(strip_xy <<<"$after")" "$(strip_xy <<<"$before")" "list --format csv after the round trip"
for name in "Müller" "José García" "Zoë" "Björn Ångström"; do
	contains "$after" "$name" "imported list"
done

# coordinates within 1 mm: compare the stores' own geometries at full precision
xy() { ogr2ogr -f CSV /vsistdout/ "$1" points -lco GEOMETRY=AS_XY -select uuid -sql \
	"SELECT uuid, geom FROM points ORDER BY uuid" 2>/dev/null; }
a=$(xy test.gpkg); b=$(xy copy.gpkg)
[ "$(wc -l <<<"$a")" -eq 5 ] && ok || fail "ogr2ogr could not list test.gpkg: $a"
paste -d, <(echo "$a") <(echo "$b") | awk -F, 'NR > 1 {
	if ($3 != $6) { print "uuid " $3 " != " $6; bad = 1 }
	dx = $1 - $4; dy = $2 - $5; d = sqrt(dx * dx + dy * dy)
	if (d > 0.001) { printf "%s moved %.4f m\n", $3, d; bad = 1 } }
	END { exit bad }' >"$T/.moved" && ok || fail "round trip moved points: $(cat "$T/.moved")"

# an export of the copy is the same file but for the timestamps of the import
# and the last digits of the coordinates (PROJ's RD -> WGS84 -> RD is not
# exact: up to ~0.5 mm, checked above)
expect 0 env SCHOUW_DB="$T/copy.gpkg" "$SCHOUW" export again.geojson
ts='s/"(created_at|updated_at)":"[^"]*"//g; s/"coordinates":\[[^]]*\]//g'
equal "$(sed -E "$ts" again.geojson)" "$(sed -E "$ts" out.geojson)" "second export"

# --anonymize leaves every surveyor out
expect 0 "$SCHOUW" export anon.geojson --anonymize
lacks "$(cat anon.geojson)" "surveyor" "anon.geojson"
lacks "$(cat anon.geojson)" "Müller" "anon.geojson"

done_testing
