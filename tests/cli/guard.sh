#!/usr/bin/env bash
# The store guards itself: edits by other clients (GDAL as QGIS uses it, the
# sqlite3 shell) land in the history; other clients can add complete points;
# schouw doctor finds and repairs damage; one bad row never blinds the tool.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
expect 0 "$SCHOUW" init -q
for i in 1 2 3 4 5; do
	expect 0 "$SCHOUW" log kerb_ramp --x $((104890 + i)) --y 425327 --status planned \
		--set width_m=1.4 --by "An de Vries" -q
done
expect 0 "$SCHOUW" doctor
contains "$OUT" "no findings"
# schouw's own writes are recorded once, by schouw, with the surveyor
equal "$(sqlite3 test.gpkg "SELECT count(*) FROM schouw_history")" 5 "history rows of 5 logs"
equal "$(sqlite3 test.gpkg "SELECT count(*) FROM schouw_history WHERE who = 'An de Vries'")" 5 "who"
expect 0 "$SCHOUW" set 1 status=realised --by "An de Vries"
equal "$(sqlite3 test.gpkg "SELECT count(*) FROM schouw_history WHERE action = 'update'")" 1 \
	"one update row for one schouw set (not twice)"
equal "$(sqlite3 test.gpkg "SELECT count(*) FROM schouw_writer")" 0 "no writer mark left"

# ---- edits through GDAL, as QGIS makes them ----
cat >"$T/edit.py" <<'PYEOF'
import sys
from osgeo import ogr
ogr.UseExceptions()
ds = ogr.Open(sys.argv[1], 1)
lyr = ds.GetLayerByName('points')
f = lyr.GetFeature(1)                       # move and re-status
f.SetGeometry(ogr.CreateGeometryFromWkt('POINT (104900.5 425330.25)'))
f.SetField('status', 'rejected')
lyr.SetFeature(f)
lyr.DeleteFeature(2)                        # delete a duplicate
n = ogr.Feature(lyr.GetLayerDefn())         # add a point: type and position only
n.SetField('type', 'kerb_ramp')
n.SetField('width_m', 2.5)
n.SetGeometry(ogr.CreateGeometryFromWkt('POINT (104910 425340)'))
lyr.CreateFeature(n)
print(n.GetFID())
ds = None
PYEOF
sqlite3 test.gpkg "INSERT INTO schouw_meta VALUES ('editor', 'Piet (QGIS)')"
"$PY" -c "
from osgeo import ogr
ds = ogr.Open('test.gpkg', 1); ds.ExecuteSQL(\"UPDATE points SET updated_at = '2000-01-01T00:00:00Z' WHERE id = 1\")" 2>/dev/null
newid=$("$PY" "$T/edit.py" test.gpkg 2>/dev/null)
equal "$newid" 6 "GDAL's new fid"
expect 0 "$SCHOUW" history 1
contains "$OUT" "Piet (QGIS) (external edit)" "history of an external edit"
contains "$OUT" "x: 104891 -> 104900.5"
contains "$OUT" "y: 425327 -> 425330.25"
contains "$OUT" "status: realised -> rejected"
uuid2=$(sqlite3 test.gpkg "SELECT point_uuid FROM schouw_history WHERE point_id = 2 LIMIT 1")
expect 0 "$SCHOUW" history "$uuid2"
contains "$OUT" "delete"
contains "$OUT" '"x":104892' "the deleted record has its position"
# the added point is complete: uuid v4, timestamps, the first status
expect 0 "$SCHOUW" show 6 --format json
contains "$OUT" '"status": "planned"'
uuid6=$(sqlite3 test.gpkg "SELECT uuid FROM points WHERE id = 6")
case "$uuid6" in
[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-????-4???-[89ab]???-????????????) ok ;;
*) fail "not a v4 uuid: '$uuid6'" ;;
esac
case "$(sqlite3 test.gpkg "SELECT created_at || ' ' || updated_at FROM points WHERE id = 6")" in
20??-??-??T??:??:??Z\ 20??-??-??T??:??:??Z) ok ;;
*) fail "timestamps of the added point" ;;
esac
expect 0 "$SCHOUW" history 6
contains "$OUT" "insert"
contains "$OUT" '"x":104910' "insert record position"
contains "$OUT" '"width_m":2.5'
# GDAL's SetFeature bumped updated_at through the trigger
lacks "$(sqlite3 test.gpkg "SELECT updated_at FROM points WHERE id = 1")" "2000-" "updated_at"
# the R-tree followed every client
equal "$(sqlite3 test.gpkg "SELECT rtreecheck('rtree_points_geom')")" "ok" "rtreecheck"
equal "$(sqlite3 test.gpkg "SELECT count(*) FROM rtree_points_geom")" 5 "R-tree entries"

# ---- the sqlite3 shell (no geometry functions: it can delete and set the editor) ----
sqlite3 test.gpkg "DELETE FROM points WHERE id = 5"
expect 0 "$SCHOUW" history "$(sqlite3 test.gpkg "SELECT point_uuid FROM schouw_history WHERE point_id = 5 LIMIT 1")"
contains "$OUT" "delete"
contains "$OUT" "external edit"
expect 0 "$SCHOUW" doctor
contains "$OUT" "no findings" "doctor after external edits"

# ---- ogr2ogr -append of a layer gives complete points ----
cat >"$T/more.geojson" <<'JEOF'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"type": "crossing", "note": "via ogr2ogr"},
  "geometry": {"type": "Point", "coordinates": [104950.0, 425350.0]}},
 {"type": "Feature", "properties": {"type": "kerb_ramp", "width_m": 1.1},
  "geometry": {"type": "Point", "coordinates": [104960.0, 425360.0]}}]}
JEOF
expect 0 ogr2ogr -append -nln points -a_srs EPSG:28992 test.gpkg "$T/more.geojson"
equal "$(sqlite3 test.gpkg "SELECT count(*) FROM points WHERE note = 'via ogr2ogr' AND uuid IS NOT NULL AND status = 'planned' AND created_at IS NOT NULL")" 1 "ogr2ogr point complete"
equal "$(sqlite3 test.gpkg "SELECT count(*) FROM schouw_history WHERE action = 'insert' AND who = 'Piet (QGIS) (external edit)'")" 3 "ogr2ogr inserts in the history"
expect 0 "$SCHOUW" list
contains "$OUT" "via ogr2ogr"
expect 0 "$SCHOUW" doctor
contains "$OUT" "no findings" "doctor after ogr2ogr -append"

# ---- damage, found by doctor and repaired ----
# a SpatiaLite blob for point 3 (as another tool writes it), through GDAL
hex=$("$PY" -c 'import struct; x,y=104893.0,425327.0; print(struct.pack("<BBi4dBi2dB",0,1,28992,x,y,x,y,0x7C,1,x,y,0xFE).hex())')
"$PY" -c "
from osgeo import ogr
ds = ogr.Open('test.gpkg', 1); ds.ExecuteSQL(\"UPDATE points SET geom = x'$hex' WHERE id = 3\")" 2>/dev/null
# a blob no tool can read for point 4
"$PY" -c "
from osgeo import ogr
ds = ogr.Open('test.gpkg', 1); ds.ExecuteSQL(\"UPDATE points SET geom = x'00FF' WHERE id = 4\")" 2>/dev/null
sqlite3 test.gpkg "DELETE FROM rtree_points_geom WHERE id = 6"
sqlite3 test.gpkg "UPDATE points SET width_m = 99 WHERE id = 7" 2>/dev/null ||
	"$PY" -c "
from osgeo import ogr
ds = ogr.Open('test.gpkg', 1); ds.ExecuteSQL('UPDATE points SET width_m = 99 WHERE id = 8')" 2>/dev/null

# list over a store with broken rows shows the others and names the broken
expect 1 "$SCHOUW" list
contains "$OUT" "104910.00" "the readable points are listed"
contains "$ERR" "point 3 (uuid" "names the broken row"
contains "$ERR" "run 'schouw doctor'"
contains "$ERR" "point 4 (uuid"
expect 1 "$SCHOUW" summary
expect 1 "$SCHOUW" export "$T/out.csv"
contains "$ERR" "point 3 (uuid"
expect 1 "$SCHOUW" show 3
contains "$ERR" "run 'schouw doctor'"
before=$(snapshot)
expect 2 "$SCHOUW" set 3 status=realised
contains "$ERR" "run 'schouw doctor'" "a write to an unreadable row"
unchanged "$before"
# dropped triggers (after the writes above: every schouw write makes the
# history triggers again)
sqlite3 test.gpkg "DROP TRIGGER rtree_points_geom_update6; DROP TRIGGER schouw_history_delete"

expect 1 "$SCHOUW" doctor
contains "$OUT" "point 3 (uuid" "doctor: foreign blob"
contains "$OUT" "SpatiaLite point (104893.000, 425327.000) that can be converted [repairable]"
contains "$OUT" "point 4 (uuid"
contains "$OUT" "R-tree trigger rtree_points_geom_update6 is missing [repairable]"
contains "$OUT" "history trigger schouw_history_delete is missing"
contains "$OUT" "point 6 (uuid $uuid6): no R-tree entry holds the point [repairable]"
contains "$OUT" "width_m" "doctor: value out of range"
expect 1 "$SCHOUW" doctor --repair
contains "$OUT" "backup written to"
ls "$SCHOUW_DB".backup-* >/dev/null 2>&1 && ok || fail "no backup next to the store"
# what is left: the unreadable blob and the value out of range
after=$(printf '%s\n' "$OUT" | sed -n '/checking again/,$p')
lacks "$after" "point 3 (uuid" "converted blob"
lacks "$after" "trigger"
lacks "$after" "no R-tree entry"
contains "$after" "point 4 (uuid"
contains "$after" "width_m"
equal "$(sqlite3 test.gpkg "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")" 10 "triggers back"
equal "$(sqlite3 test.gpkg "SELECT rtreecheck('rtree_points_geom')")" "ok" "rtreecheck after repair"
expect 0 "$SCHOUW" show 3
contains "$OUT" "104893.000"
expect 0 "$SCHOUW" list --near 104910,425340 --radius 1
contains "$OUT" "104910.00" "R-tree entry of point 6 rebuilt"

# a change made with the history triggers gone gets a reconstructed row
sqlite3 test.gpkg "DROP TRIGGER schouw_history_update"
"$PY" -c "
from osgeo import ogr
ds = ogr.Open('test.gpkg', 1); ds.ExecuteSQL(\"UPDATE points SET note = 'stil' WHERE id = 1\")" 2>/dev/null
expect 1 "$SCHOUW" doctor
contains "$OUT" "note is 'stil' but the history says ''"
expect 1 "$SCHOUW" doctor --repair
expect 0 "$SCHOUW" history 1
contains "$OUT" "schouw doctor (reconstructed)"
contains "$OUT" "note: - -> stil"

# ---- validate_gpkg still passes on a new store ----
rm -f "$T/new.gpkg"
expect 0 "$SCHOUW" --db "$T/new.gpkg" init -q
expect 0 "$SCHOUW" --db "$T/new.gpkg" log kerb_ramp --x 104897 --y 425327 -q
/usr/bin/python3 -m osgeo_utils.samples.validate_gpkg -k "$T/new.gpkg" >"$T/v.out" 2>&1
grep -v -e 'user_version' -e 'update1' -e 'update3' "$T/v.out" | grep -q . &&
	fail "validate_gpkg: $(cat "$T/v.out")" || ok

done_testing
