#!/usr/bin/env bash
# A bulk import's history points to one import record (schema 6): --as-of
# before and after it gives the right points, schouw history shows the import
# and the values the point had then, the store stays a valid GeoPackage, and
# an import killed with SIGKILL at any moment leaves all or none.
. "$(dirname "$0")/lib.sh"
GEN="$(dirname "$0")/../../bench/gen_points.py"
export SCHOUW_DATA="$(cd "$(dirname "$0")/../.." && pwd)/survey"

python3 "$GEN" 25000 > big.csv
head -4 big.csv | sed 's/punt /early /; s/,2025-/,2024-/' > small.csv
SCHOUW_NOW=2025-01-01T10:00:00Z expect 0 "$SCHOUW" init -q
SCHOUW_NOW=2025-01-01T10:00:00Z expect 0 "$SCHOUW" import small.csv --by ann
SCHOUW_NOW=2025-02-01T10:00:00Z expect 0 "$SCHOUW" import big.csv --by bob
equal "$(sqlite3 "$SCHOUW_DB" "SELECT file, format, who, at, rows FROM schouw_imports")" \
	"big.csv|csv|bob|2025-02-01T10:00:00Z|25000" "the import record"
equal "$(sqlite3 "$SCHOUW_DB" "SELECT sha256 FROM schouw_imports")" \
	"$(sha256sum big.csv | cut -d' ' -f1)" "the import record's SHA-256"
equal "$(sqlite3 "$SCHOUW_DB" "SELECT count(*) FROM schouw_history WHERE import_id = 1 AND action = 'insert' AND new_value IS NULL")" \
	"25000" "one history row per point, pointing to the import"
equal "$(sqlite3 "$SCHOUW_DB" "SELECT count(*) FROM schouw_history WHERE import_id IS NULL AND action = 'insert' AND new_value LIKE '{%'")" \
	"3" "the small (not bulk) import keeps its records as JSON"

# the 10th imported point changes later, the 20th is deleted
u10=$(sqlite3 "$SCHOUW_DB" "SELECT uuid FROM points WHERE note = 'punt 9'")
u20=$(sqlite3 "$SCHOUW_DB" "SELECT uuid FROM points WHERE note = 'punt 19'")
st10=$(sqlite3 "$SCHOUW_DB" "SELECT status FROM points WHERE uuid = '$u10'")
new=realised; [ "$st10" = realised ] && new=planned
SCHOUW_NOW=2025-03-01T10:00:00Z expect 0 "$SCHOUW" set "$u10" status=$new note=changed
SCHOUW_NOW=2025-03-02T10:00:00Z expect 0 "$SCHOUW" delete "$u20"

count_as_of() { "$SCHOUW" list --format csv --as-of "$1" | tail -n +2 | wc -l; }
equal "$(count_as_of 2025-01-15)" "3" "as of before the bulk import"
equal "$(count_as_of 2025-02-15)" "25003" "as of after the bulk import"
equal "$(count_as_of 2025-03-05)" "25002" "as of after the delete"
row10() { "$SCHOUW" list --format csv --as-of "$1" | grep -c "$u10.*$2"; }
equal "$(row10 2025-02-15 "$st10")" "1" "as of: the changed point's status before the change"
equal "$(row10 2025-02-15 'punt 9')" "1" "as of: the changed point's note before the change"
equal "$(row10 2025-03-05 changed)" "1" "as of: the changed point after the change"

expect 0 "$SCHOUW" history "$u10"
contains "$OUT" "import big.csv (csv, sha256 $(sha256sum big.csv | cut -d' ' -f1))" "history names the import"
contains "$OUT" "2025-02-01T10:00:00Z  insert     bob" "history: who and when of the import"
contains "$OUT" "\"status\":\"$st10\"" "history: the status as imported (rebuilt)"
contains "$OUT" "\"note\":\"punt 9\"" "history: the note as imported (rebuilt)"
contains "$OUT" "status: $st10 -> $new" "history: the change"
expect 0 "$SCHOUW" history "$u20"
contains "$OUT" "\"note\":\"punt 19\"" "history of a deleted point: its values as imported"
contains "$OUT" "delete" "history of a deleted point: the delete"
expect 0 "$SCHOUW" doctor
lacks "$OUT$ERR" "history says" "doctor finds the rebuilt history consistent"

equal "$(sqlite3 "$SCHOUW_DB" "SELECT rtreecheck('rtree_points_geom')")" "ok" "rtreecheck"
/usr/bin/python3 -m osgeo_utils.samples.validate_gpkg -k --warning-as-error "$SCHOUW_DB" > val.out 2>&1
rest=$(grep -v -e 'rtree_points_geom_update[13] trigger missing' -e 'may only be partially supported' val.out)
equal "$rest" "" "validate_gpkg findings besides the GDAL 3.6 / GPKG 1.4 trigger names"

# SIGKILL at several moments of a bulk import: the store is as before or as
# after, never in between, and intact.
python3 "$GEN" 60000 | sed 's/punt /k /' > kill.csv
before=$(sqlite3 "$SCHOUW_DB" "SELECT count(*) FROM points")
seen_none=0 seen_all=0
for delay in 0.3 1.0 2.5; do
	"$SCHOUW" import kill.csv --by killer > /dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	n=$(sqlite3 "$SCHOUW_DB" "SELECT count(*) FROM points")
	imports=$(sqlite3 "$SCHOUW_DB" "SELECT count(*) FROM schouw_imports WHERE who = 'killer'")
	hist=$(sqlite3 "$SCHOUW_DB" "SELECT count(*) FROM schouw_history WHERE who = 'killer'")
	if [ "$n" = "$before" ] && [ "$imports" = 0 ] && [ "$hist" = 0 ]; then
		seen_none=1; ok
	elif [ "$n" = "$((before + 60000))" ] && [ "$imports" = 1 ] && [ "$hist" = 60000 ]; then
		seen_all=1; ok
		break
	else
		fail "killed after $delay s: $n points (before $before), $imports import records, $hist history rows"
	fi
	equal "$(sqlite3 "$SCHOUW_DB" "PRAGMA integrity_check")" "ok" "integrity after SIGKILL at $delay s"
	equal "$(sqlite3 "$SCHOUW_DB" "SELECT count(*) FROM sqlite_master WHERE name IN ('rtree_points_geom_insert', 'schouw_history_insert')")" \
		"2" "triggers after SIGKILL at $delay s"
done
equal "$seen_none" 1 "at least one kill hit the import mid-way"
equal "$(sqlite3 "$SCHOUW_DB" "SELECT rtreecheck('rtree_points_geom')")" "ok" "rtreecheck after the kills"
done_testing
