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
rm -rf "$DB" "$DB-wal" "$DB-shm" out/shp out/demo.geojson out/demo.csv out/binnenstad.* \
	out/sweep.png out/sweep.txt out/compare.txt

echo "== schouw init"
"$SCHOUW" --db "$DB" init
echo "== schouw import survey/demo/dordrecht-binnenstad.csv"
"$SCHOUW" --db "$DB" import survey/demo/dordrecht-binnenstad.csv --by demo
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
"$SCHOUW" --db "$DB" map -o out/binnenstad.png --labels \
	--title "Op- en afritten binnenstad Dordrecht: stand van zaken"
"$SCHOUW" --db "$DB" map -o out/binnenstad.pdf --paper A4 --landscape \
	--title "Op- en afritten binnenstad Dordrecht: stand van zaken"
echo
echo "Results in out/: demo.gpkg (open it in QGIS), shp/, demo.geojson, demo.csv, check.txt,"
echo "binnenstad.png (+ .pgw, .png.aux.xml: drop it into QGIS) and binnenstad.pdf,"
echo "sweep.txt and sweep.png (kr-running-slope swept from 5 to 12 %), compare.txt (the draft profile)"
