#!/usr/bin/env bash
# schouw import of files as people really make them: Dutch Excel (';', BOM,
# CRLF, empty trailing columns and separator-only rows, status and enum labels,
# units in cells, d-m-y dates, times without a zone), Windows GIS exports (a
# .prj with a BOM), loose GeoJSON (a lone Feature, a bare geometry, one Feature
# per line, RFC 8142 sequences). What was ignored or interpreted is named in
# the report; a bad cell still names its line and column and nothing is
# imported. Also keeps the behaviours that were already right.
. "$(dirname "$0")/lib.sh"
D=$SW_TESTDATA
R=$D/real

# show FIELD of point ID as in `show --format json`
field() { "$SCHOUW" show "$1" --format json | python3 -c "import json,sys; d=json.load(sys.stdin); v=d.get('$2', d.get('measurements', {}).get('$2')); print('' if v is None else v)"; }

expect 0 "$SCHOUW" init

# --- Dutch Excel: ';', BOM, CRLF, "x;y;...;;;" and ";;;;" rows ---------------------
head -c 3 "$R/excel_nl.csv" | od -An -tx1 | grep -q "ef bb bf" && ok || fail "excel_nl.csv has no BOM"
grep -q $'\r$' "$R/excel_nl.csv" && ok || fail "excel_nl.csv has no CRLF"
expect 0 "$SCHOUW" import "$R/excel_nl.csv"
contains "$OUT" "3 rows: 3 inserted" "report"
contains "$OUT" "ignored: 2 rows empty in every cell" "report"
contains "$OUT" "ignored: 3 unnamed columns empty in every row" "report"
contains "$OUT" "status: 'Gerealiseerd' read as realised (1 cell)" "report"
contains "$OUT" "status: 'gepland' read as planned" "report"
contains "$OUT" "surface: 'Betontegels' read as concrete_tiles" "report"
contains "$OUT" "width_m: values in cm converted to m (e.g. '120 cm' -> 1.2)" "report"
contains "$OUT" "running_slope_pct: values in 1:N converted to % (e.g. '1:12' -> 8.333333333)" "report"
contains "$OUT" "kerb_upstand_mm: values in cm converted to mm (e.g. '2 cm' -> 20)" "report"
contains "$OUT" "running_slope_pct: the unit % written in the cell (e.g. '8%' -> 8) (2 cells)" "report"
contains "$OUT" "observed_at: times without a zone read as Europe/Amsterdam time" "report"
contains "$OUT" "observed_at: dates read as day-month-year" "report"
equal "$(field 1 status)" "realised" "status by Dutch label"
equal "$(field 2 status)" "planned" "status by lower-case label"
equal "$(field 3 status)" "in_progress" "status 'In uitvoering'"
equal "$(field 1 surface)" "concrete_tiles" "enum by Dutch label"
equal "$(field 2 surface)" "asphalt" "enum by lower-case Dutch label"
equal "$(field 1 width_m)" "1.2" "'1,20 m'"
equal "$(field 2 width_m)" "1.2" "'120 cm'"
equal "$(field 1 running_slope_pct)" "8.0" "'8%'"
equal "$(field 3 running_slope_pct)" "8.0" "'8 %'"
equal "$(field 2 running_slope_pct)" "8.333333333" "'1:12'"
equal "$(field 1 kerb_upstand_mm)" "20.0" "'2 cm' in mm"
equal "$(field 3 kerb_upstand_mm)" "15.0" "'15 mm'"
equal "$(field 1 observed_at)" "2025-03-01T10:00:00+01:00" "'1-3-2025 10:00' winter time"
equal "$(field 2 observed_at)" "2025-03-01T00:00:00+01:00" "'01-03-2025'"
equal "$(field 3 observed_at)" "2025-07-14T16:30:00+02:00" "'14-7-2025 16:30' summer time"
# a second import is all unchanged: the interpretation is stable
expect 0 "$SCHOUW" import "$R/excel_nl.csv"
contains "$OUT" "0 inserted, 0 updated, 3 unchanged" "re-import"

# --- refusals keep line and column, and all-or-nothing -------------------------
before=$(snapshot)
bad() { # FILE WANT...: the import fails with every WANT in the message
	local f=$1; shift
	expect 2 "$SCHOUW" import "$f" "${EXTRA[@]}"
	for w in "$@"; do contains "$ERR" "$w" "message for $(basename "$f")"; done
	unchanged "$before" "$SCHOUW_DB" "import $(basename "$f")"
}
EXTRA=()
bad "$R/excel_nl_bad_unit.csv" "excel_nl_bad_unit.csv:3: running_slope_pct: '8 kg': kg is not a unit of a slope" \
	"1 of 2 rows rejected; nothing imported"
bad "$R/excel_nl_stray.csv" "excel_nl_stray.csv:3: column 6 has no name in the header, but this row has 'vergeten'"
bad "$R/comma_ambiguous.csv" "comma_ambiguous.csv:3: observed_at: '1-3-2025' can be 1 March or 3 January" \
	"write the date as 2025-03-01 or 2025-01-03"
bad "$R/dst_gap.csv" "dst_gap.csv:2: observed_at: 2025-03-30 02:30 does not exist in Europe/Amsterdam"
printf 'x,y,type,observed_at\n104897,425327,kerb_ramp,2025-10-26 02:30\n' >overlap.csv
bad overlap.csv "overlap.csv:2: observed_at: 2025-10-26 02:30 happened twice" "+02:00 (summer time) or +01:00 (winter time)"
printf 'x,y,type,observed_at\n104897,425327,kerb_ramp,gisteren\n' >nodate.csv
bad nodate.csv "nodate.csv:2: observed_at: expected a date and time" "got 'gisteren'"
printf 'x,y,type,status\n104897,425327,kerb_ramp,klaar\n' >badstatus.csv
bad badstatus.csv "badstatus.csv:2: status: unknown status 'klaar'" "realised (Gerealiseerd, Realised)"
# Windows-1252 from Excel's "CSV (;)": refused with the advice, then read with it
bad "$R/windows1252.csv" "windows1252.csv:2:" "--encoding WINDOWS-1252"
expect 0 "$SCHOUW" import "$R/windows1252.csv" --encoding WINDOWS-1252
expect 0 "$SCHOUW" list --format csv --status planned
contains "$OUT" "Café de Kroon" "note read as WINDOWS-1252"

# --- the command line takes labels and zone-less times too -------------------------
expect 0 "$SCHOUW" log kerb_ramp --x 104950 --y 425360 --status gerealiseerd \
	--observed-at "2025-03-01 10:00" --set width_m="120 cm" --set surface=Klinkers
contains "$ERR" "read as 2025-03-01T10:00:00+01:00" "log notice"
id=$(sed -n 's/^logged kerb_ramp \([0-9]*\) .*/\1/p' <<<"$OUT")
equal "$(field "$id" status)" "realised" "log --status gerealiseerd"
equal "$(field "$id" observed_at)" "2025-03-01T10:00:00+01:00" "log --observed-at local"
equal "$(field "$id" width_m)" "1.2" "log --set width_m=120 cm"
equal "$(field "$id" surface)" "clinker" "log --set surface=Klinkers"
expect 0 "$SCHOUW" set "$id" status=Goedgekeurd "observed_at=2025-07-01 12:00" running_slope_pct=1:20
equal "$(field "$id" status)" "inspected_ok" "set status=Goedgekeurd"
equal "$(field "$id" observed_at)" "2025-07-01T12:00:00+02:00" "set observed_at summer time"
equal "$(field "$id" running_slope_pct)" "5.0" "set running_slope_pct=1:20"
before=$(snapshot)
expect 2 "$SCHOUW" set "$id" running_slope_pct="8 kg"
contains "$ERR" "kg is not a unit of a slope"
expect 2 "$SCHOUW" log kerb_ramp --x 104950 --y 425360 --observed-at "2025-03-30 02:30"
contains "$ERR" "does not exist"
unchanged "$before" "$SCHOUW_DB" "bad set/log"
printf 'x,y\n104960,425370\n' >nostatus.csv
expect 0 "$SCHOUW" import nostatus.csv --type kerb_ramp --status "In uitvoering"
expect 0 "$SCHOUW" list --format csv --status in_progress
contains "$OUT" "104960.000" "import --status label"

# --- .prj with a UTF-8 BOM and blank lines (Windows GIS) --------------------------
printf 'x,y,type,status\n105010,425020,kerb_ramp,planned\n' >prj.csv
ogr2ogr -f "ESRI Shapefile" bom.shp prj.csv -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y \
	-oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:28992 2>/dev/null || fail "ogr2ogr bom.shp"
cp "$R/rd_new_bom.prj" bom.prj
expect 0 "$SCHOUW" import bom.shp
contains "$OUT" "no transformation needed (1 points)" "RD_New .prj with BOM"

# --- GeoJSON that is not a FeatureCollection ------------------------------------
expect 0 "$SCHOUW" --db gj.gpkg init
expect 0 "$SCHOUW" --db gj.gpkg import "$D/geojson/lone_feature.geojson" --type kerb_ramp
contains "$OUT" "1 row: 1 inserted" "lone Feature"
expect 0 "$SCHOUW" --db gj.gpkg import "$D/geojson/bare_point.geojson" --type crossing
contains "$OUT" "1 row: 1 inserted" "bare geometry"
od -An -c "$D/geojson/seq_rs.geojsons" | grep -q '036' && ok || fail "seq_rs.geojsons has no RS bytes"
expect 0 "$SCHOUW" --db gj.gpkg import "$D/geojson/seq_rs.geojsons"
contains "$OUT" "2 rows: 2 inserted" "RFC 8142 sequence"
contains "$OUT" "status: 'gerealiseerd' read as realised" "labels in GeoJSON"
expect 0 "$SCHOUW" --db gjl.gpkg init
expect 0 "$SCHOUW" --db gjl.gpkg import "$D/geojson/lines.geojsonl"
contains "$OUT" "3 rows: 3 inserted" "one Feature per line"
cp "$D/geojson/seq_rs.geojsons" noext
expect 0 "$SCHOUW" --db gj.gpkg import noext --dry-run
contains "$OUT" "2 unchanged" "sequence recognised by its RS byte"
before=$(snapshot gj.gpkg)
expect 2 "$SCHOUW" --db gj.gpkg import "$D/geojson/topology.geojson"
contains "$ERR" "topology.geojson:1:1:" "Topology refused with position"
unchanged "$before" gj.gpkg "Topology"

# --- already right, kept so -----------------------------------------------------
# shapefiles GDAL writes: a deleted record, a null shape, NaN, a two-point
# MultiPoint, upper-case DBF names
/usr/bin/python3 - <<'PY' || fail "python3 osgeo could not write the shapefiles"
from osgeo import ogr, osr
ogr.UseExceptions()
srs = osr.SpatialReference(); srs.ImportFromEPSG(28992)
drv = ogr.GetDriverByName("ESRI Shapefile")
def layer(name, gtype):
    ds = drv.CreateDataSource(name + ".shp")
    lyr = ds.CreateLayer(name, srs, gtype)
    for f in ("TYPE", "STATUS", "WIDTH_M"):
        lyr.CreateField(ogr.FieldDefn(f, ogr.OFTString if f != "WIDTH_M" else ogr.OFTReal))
    return ds, lyr
def add(lyr, wkt, w=1.5):
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetField("TYPE", "kerb_ramp"); f.SetField("STATUS", "Gepland"); f.SetField("WIDTH_M", w)
    if wkt is not None:
        f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
    lyr.CreateFeature(f)
ds, lyr = layer("deleted", ogr.wkbPoint)
add(lyr, "POINT (105100 425100)"); add(lyr, "POINT (105110 425110)", 2.5)
lyr.DeleteFeature(1)
ds = None
ds, lyr = layer("nullshape", ogr.wkbPoint); add(lyr, "POINT (105100 425100)"); add(lyr, None); ds = None
ds, lyr = layer("nan", ogr.wkbPoint); add(lyr, "POINT (105100 425100)")
f = ogr.Feature(lyr.GetLayerDefn()); f.SetField("TYPE", "kerb_ramp")
g = ogr.Geometry(ogr.wkbPoint); g.AddPoint_2D(float("nan"), 425100.0); f.SetGeometry(g); lyr.CreateFeature(f)
ds = None
ds, lyr = layer("multi", ogr.wkbMultiPoint); add(lyr, "MULTIPOINT ((105100 425100),(105200 425200))"); ds = None
PY
expect 0 "$SCHOUW" --db shp.gpkg init
expect 0 "$SCHOUW" --db shp.gpkg import deleted.shp
contains "$OUT" "1 row: 1 inserted" "deleted DBF record skipped"
expect 0 "$SCHOUW" --db shp.gpkg list --format csv
contains "$OUT" "1.5" "upper-case WIDTH_M mapped to width_m"
lacks "$OUT" "2.5" "the deleted record"
before=$(snapshot shp.gpkg)
expect 2 "$SCHOUW" --db shp.gpkg import nullshape.shp
contains "$ERR" "nullshape.shp: record 2: no coordinates" "null shape by record"
expect 2 "$SCHOUW" --db shp.gpkg import nan.shp
contains "$ERR" "nan.shp: record 2: no coordinates" "NaN by record"
expect 2 "$SCHOUW" --db shp.gpkg import multi.shp
contains "$ERR" "record 1 (byte 100): a MultiPoint of 2 points" "multi-part MultiPoint by record"
unchanged "$before" shp.gpkg "bad shapefiles"
# GPX 1.0 (older devices): waypoints import, tracks are named as ignored
cat >old.gpx <<'EOF2'
<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.0" creator="eTrex" xmlns="http://www.topografix.com/GPX/1/0">
  <wpt lat="51.8143125" lon="4.6606029"><time>2025-03-01T09:00:00Z</time><name>afrit 1</name></wpt>
  <trk><name>route</name><trkseg><trkpt lat="51.81" lon="4.66"/></trkseg></trk>
</gpx>
EOF2
expect 0 "$SCHOUW" --db shp.gpkg import old.gpx --type kerb_ramp
contains "$OUT" "1 row: 1 inserted" "GPX 1.0 waypoint"
contains "$ERR" "tracks are ignored" "GPX 1.0 track named"

done_testing
