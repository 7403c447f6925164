#!/usr/bin/env bash
# schouw import of GPX and GeoJSON: files written by ogr2ogr (GeoJSON in
# WGS84 and in RD New with a legacy crs member; GPX 1.1 waypoints) import
# with the right coordinates and intact accents; bad files (XML that is not
# well-formed, non-point geometries, coordinates out of range, invalid
# UTF-8) get a message with the position, exit status 2 and leave the store
# unchanged.
. "$(dirname "$0")/lib.sh"
D=${SW_TESTDATA:?}

ogr() { ogr2ogr "$@" 2>"$T/.ogr" || fail "ogr2ogr $*: $(cat "$T/.ogr")"; }

# value of column $1 in row $3 (default 1) of `list --format csv` output $2
col() {
	awk -F, -v want="$1" -v row="${3:-1}" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == want) c = i; next }
		NR == row + 1 { print $c }' <<<"$2"
}
# near X Y WANT_X WANT_Y TOL what
near() {
	awk -v x="$1" -v y="$2" -v wx="$3" -v wy="$4" -v tol="$5" \
		'BEGIN { dx = x - wx; dy = y - wy; exit !(dx * dx + dy * dy <= tol * tol) }' &&
		ok || fail "$6 at RD ($1, $2), expected ($3, $4) within $5 m"
}

cat > wgs.csv <<'EOF2'
name,desc,lon,lat,time,hdop,running_slope_pct
Zoë,Björn Ångström,4.6606029,51.8143125,2026-11-29T10:15:00Z,3.5,8.5
José García,,4.67833,51.79583,2026-11-29T11:00:00Z,,
EOF2

# --- GeoJSON by ogr2ogr, WGS84 ------------------------------------------------
ogr -f GeoJSON wgs.geojson wgs.csv -oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat \
	-oo KEEP_GEOM_COLUMNS=NO -oo AUTODETECT_TYPE=YES -a_srs EPSG:4326 -select desc,running_slope_pct
expect 0 "$SCHOUW" --db geo.gpkg init
expect 0 "$SCHOUW" --db geo.gpkg import wgs.geojson --type kerb_ramp --map desc=note
contains "$OUT" "2 inserted"
expect 0 "$SCHOUW" --db geo.gpkg list --format csv
near "$(col x "$OUT")" "$(col y "$OUT")" 104897 425327 2 "Grote Kerk from ogr2ogr GeoJSON"
near "$(col x "$OUT" 2)" "$(col y "$OUT" 2)" 106099 423259 2 "municipality point from ogr2ogr GeoJSON"
equal "$(col note "$OUT")" "Björn Ångström" "note from GeoJSON"
equal "$(col running_slope_pct "$OUT")" "8.5" "running_slope_pct from GeoJSON"

# --- GeoJSON by ogr2ogr, RD New (older style: a "crs" member) -------------------
cat > rd.csv <<'EOF2'
x,y,status,note
104897.25,425327.5,realised,Müller
EOF2
ogr -f GeoJSON rd.geojson rd.csv -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y \
	-oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:28992
contains "$(cat rd.geojson)" "EPSG::28992" "ogr2ogr's rd.geojson"
expect 0 "$SCHOUW" --db rd.gpkg init
expect 0 "$SCHOUW" --db rd.gpkg import rd.geojson --type kerb_ramp
expect 0 "$SCHOUW" --db rd.gpkg list --format csv
equal "$(col x "$OUT"),$(col y "$OUT")" "104897.250,425327.500" "RD coordinates kept exactly"
equal "$(col note "$OUT")" "Müller" "note from RD GeoJSON"
equal "$(col status "$OUT")" "realised" "status from RD GeoJSON"

# --- GPX by ogr2ogr -----------------------------------------------------------
expect 0 "$SCHOUW" init
ogr -f GPX wgs.gpx wgs.csv -oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat \
	-oo KEEP_GEOM_COLUMNS=NO -oo AUTODETECT_TYPE=YES -a_srs EPSG:4326 \
	-dsco GPX_USE_EXTENSIONS=NO -nln waypoints
contains "$(cat wgs.gpx)" "<hdop>3.5</hdop>" "ogr2ogr's wgs.gpx"
expect 0 "$SCHOUW" import wgs.gpx --type kerb_ramp
contains "$OUT" "2 inserted"
expect 0 "$SCHOUW" list --format csv
near "$(col x "$OUT")" "$(col y "$OUT")" 104897 425327 2 "Grote Kerk from ogr2ogr GPX"
near "$(col x "$OUT" 2)" "$(col y "$OUT" 2)" 106099 423259 2 "municipality point from ogr2ogr GPX"
equal "$(col note "$OUT")" "Zoë — Björn Ångström" "note = name — desc"
equal "$(col note "$OUT" 2)" "José García" "note = name"
equal "$(col gps_accuracy_m "$OUT")" "3.5" "hdop into gps_accuracy_m"
contains "$(col observed_at "$OUT")" "2026-11-29T10:15:00" "time into observed_at"

# GPX by ogr2ogr with extensions: the other columns come along as fields
printf 'name,lon,lat,running_slope_pct,status\nZoë,4.6606029,51.8143125,8.5,realised\n' >ext.csv
ogr -f GPX ext_ogr.gpx ext.csv -oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat \
	-oo KEEP_GEOM_COLUMNS=NO -oo AUTODETECT_TYPE=YES -a_srs EPSG:4326 \
	-dsco GPX_USE_EXTENSIONS=YES -nln waypoints
contains "$(cat ext_ogr.gpx)" "<ogr:running_slope_pct>8.5</ogr:running_slope_pct>" "ogr2ogr's ext_ogr.gpx"
expect 0 "$SCHOUW" --db ext_ogr.gpkg init
expect 0 "$SCHOUW" --db ext_ogr.gpkg import ext_ogr.gpx --type kerb_ramp
expect 0 "$SCHOUW" --db ext_ogr.gpkg list --format csv
equal "$(col running_slope_pct "$OUT")" "8.5" "running_slope_pct from <ogr:running_slope_pct>"
equal "$(col status "$OUT")" "realised" "status from <ogr:status>"
equal "$(col note "$OUT")" "Zoë" "note from <name>"

# GPX with schouw extensions (a field app) carries status and measurements
expect 0 "$SCHOUW" --db ext.gpkg init
cat > app.gpx <<'EOF2'
<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="field app" xmlns="http://www.topografix.com/GPX/1/1"
     xmlns:schouw="urn:x-schouw:gpx:1">
  <wpt lat="51.8143125" lon="4.6606029">
    <ele>1.2</ele>
    <time>2026-11-29T10:15:00Z</time>
    <name>Grote Kerk</name>
    <hdop>2</hdop>
    <type>kerb_ramp</type>
    <extensions>
      <schouw:status>in_progress</schouw:status>
      <schouw:running_slope_pct>8.5</schouw:running_slope_pct>
      <schouw:tactile_warning>true</schouw:tactile_warning>
    </extensions>
  </wpt>
</gpx>
EOF2
expect 0 "$SCHOUW" --db ext.gpkg import app.gpx
expect 0 "$SCHOUW" --db ext.gpkg list --format csv --type kerb_ramp
equal "$(col status "$OUT")" "in_progress" "status from <schouw:status>"
equal "$(col running_slope_pct "$OUT")" "8.5" "running_slope_pct from <extensions>"
equal "$(col tactile_warning "$OUT")" "1" "tactile_warning from <extensions>"

# --- bad input: exit 2, the position in the message, store unchanged -------------
before=$(snapshot)
bad() { # FILE WANT...: import fails with every WANT in the message
	local f=$1; shift
	expect 2 "$SCHOUW" import "$f" --type kerb_ramp
	for w in "$@"; do contains "$ERR" "$w" "message for $(basename "$f")"; done
	unchanged "$before" "$SCHOUW_DB" "import $(basename "$f")"
}
bad "$D/gpx/not_wellformed.gpx" "not_wellformed.gpx:7:" "not well-formed XML"
bad "$D/gpx/bad_utf8.gpx" "bad_utf8.gpx:4:"
bad "$D/gpx/out_of_range.gpx" "out_of_range.gpx:4:" "out of range"
bad "$D/gpx/xxe.gpx" "xxe.gpx:6:" "entity"
bad "$D/geojson/linestring.geojson" "feature 2" "LineString"
bad "$D/geojson/out_of_range.geojson" "feature 3" "out of range"
bad "$D/geojson/bad_utf8.geojson" "bad_utf8.geojson:3:"
bad "$D/geojson/syntax.geojson" "syntax.geojson:3:"
bad "$D/geojson/nested.geojson" "feature 1" "photos"
lacks "$ERR" "$(cat /etc/hostname 2>/dev/null || echo no-hostname)" "xxe message"

done_testing
