#!/bin/sh
# make demo: build a store from the shipped Dordrecht field log, summarise
# it, export it for the GIS team and check it against the KOR profile.
# Results land in out/.
set -eu
SCHOUW=${1:-build/schouw}
cd "$(dirname "$0")/.."
SCHOUW=$(readlink -f "$SCHOUW")
DB=out/demo.gpkg
export SCHOUW_DATA="$PWD/survey"

mkdir -p out
rm -rf "$DB" "$DB-wal" "$DB-shm" out/shp out/demo.geojson out/demo.csv out/binnenstad.* out/report \
	out/sweep.png out/sweep.txt out/compare.txt

echo "== schouw init"
"$SCHOUW" --db "$DB" init
# The field log arrives as it did: the 2024 inventory at the end of 2024,
# then each quarter's new points at the end of that quarter, and the dated
# status changes of survey/demo/status-2025.csv; check runs every quarter.
# SCHOUW_NOW fixes the clock of these steps so the history spans 2024-2025.
LOG=survey/demo/dordrecht-binnenstad.csv
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
dated() { now=$1; shift; SCHOUW_NOW=$now "$SCHOUW" --db "$DB" "$@"; }
check_run() { status=0; dated "$1" check --profile kor-dordrecht --summary -q >/dev/null || status=$?; [ "$status" -le 1 ]; }
echo "== schouw import $LOG (2024 inventory, then 2025 per quarter)"
awk -F, 'NR == 1 || substr($6, 1, 4) == "2024"' "$LOG" >"$TMP/2024.csv"
dated 2024-12-16T16:00:00+01:00 import "$TMP/2024.csv" --by demo
for q in 1:03-31T18:00:00+02:00 2:06-30T18:00:00+02:00 3:09-30T18:00:00+02:00; do
	n=${q%%:*} end=2025-${q#*:}
	awk -F, -v n="$n" 'NR == 1 || (substr($6, 1, 4) == "2025" && int((substr($6, 6, 2) + 2) / 3) == n)' \
		"$LOG" >"$TMP/2025-q$n.csv"
	dated "$end" import "$TMP/2025-q$n.csv" --by demo
done
echo "== dated status changes of survey/demo/status-2025.csv"
for at in $(awk -F, 'NR > 1 { print $1 }' survey/demo/status-2025.csv | sort -u); do
	# uuid, empty x and y (the point stays where it is), the changed fields;
	# rows with a new note apart (an empty note cell would clear the note)
	awk -F, -v at="$at" -v dir="$TMP" '
		NR == 1 { print "uuid,x,y,status,observed_at" >(dir "/status.csv")
		          print "uuid,x,y,status,observed_at,note" >(dir "/status-note.csv") }
		NR > 1 && $1 == at && $5 == "" { print $2 ",,," $3 "," $4 >(dir "/status.csv") }
		NR > 1 && $1 == at && $5 != "" { print $2 ",,," $3 "," $4 "," $5 >(dir "/status-note.csv") }
	' survey/demo/status-2025.csv
	for f in "$TMP/status.csv" "$TMP/status-note.csv"; do
		if [ "$(wc -l <"$f")" -gt 1 ]; then
			dated "$at" import "$f" --by "Ruimtelijke Kwaliteit" -q
		fi
	done
done
for at in 2025-03-31T17:00:00+02:00 2025-06-30T17:00:00+02:00 2025-09-30T17:00:00+02:00 2025-12-17T16:00:00+01:00; do
	check_run "$at"
done
echo "== schouw summary"
"$SCHOUW" --db "$DB" summary
echo "== schouw export out/shp (RD New shapefiles, one per type, with QGIS and SLD styles)"
"$SCHOUW" --db "$DB" export out/shp --format shp --split-by-type
echo "== schouw export out/demo.geojson"
"$SCHOUW" --db "$DB" export out/demo.geojson
"$SCHOUW" --db "$DB" export out/demo.csv --dialect excel-nl
echo "== schouw check --profile kor-dordrecht"
# exit status 1 means some points fail a norm: expected for the demo
status=0
"$SCHOUW" --db "$DB" check --profile kor-dordrecht > out/check.txt || status=$?
if [ "$status" -gt 1 ]; then
	cat out/check.txt
	exit "$status"
fi
sed -n '/^Summary/,$p' out/check.txt
echo "== schouw check --sweep kr-running-slope (re-calibration: every candidate limit at once)"
"$SCHOUW" --db "$DB" check --sweep kr-running-slope --from 5 --to 12 --step 0.5 --type kerb_ramp \
	-o out/sweep.png --lines experience \
	--title "Op- en afritten binnenstad: hellingsgrens tegen de ervaring" > out/sweep.txt
cat out/sweep.txt
"$SCHOUW" --db "$DB" check --compare kor-dordrecht kor-dordrecht-draft > out/compare.txt
echo "== schouw map (status map over the schematic basemap of gis/)"
"$SCHOUW" --db "$DB" map -o out/binnenstad.png --labels --lang nl \
	--title "Op- en afritten binnenstad Dordrecht: stand van zaken"
"$SCHOUW" --db "$DB" map -o out/binnenstad.pdf --paper A4 --landscape --lang nl \
	--title "Op- en afritten binnenstad Dordrecht: stand van zaken"
echo "== schouw report --year 2025 (progress report for the council, in Dutch)"
"$SCHOUW" --db "$DB" report --year 2025 --quarterly --lang nl -o out/report
sed -n '/^## Voortgang per kwartaal/,/^!\[/p; /^## Progress per quarter/,/^!\[/p' out/report/report.md
echo
echo "Results in out/: demo.gpkg (open it in QGIS), shp/, demo.geojson, demo.csv, check.txt,"
echo "binnenstad.png (+ .pgw, .png.aux.xml: drop it into QGIS), binnenstad.pdf, report/"
echo "(report.md, report.html, a CSV per table, charts and area maps),"
echo "sweep.txt and sweep.png (kr-running-slope swept from 5 to 12 %), compare.txt (the draft profile)"
