#!/usr/bin/env bash
# schouw import of CSV files: both dialects, matching on re-import, history,
# all-or-nothing, --skip-invalid, --dry-run, and every kind of bad input
# (exit 2, file:line in the message, store unchanged).
. "$(dirname "$0")/lib.sh"
D="$SW_TESTDATA/csv"

npoints() { sqlite3 "$SCHOUW_DB" "SELECT count(*) FROM points"; }

expect 0 "$SCHOUW" init

# --- lat/lon, RFC 4180 ---
expect 0 "$SCHOUW" import "$D/latlon.csv"
contains "$OUT" "3 inserted"
# the report names PROJ's transformation and its accuracy
contains "$OUT" "EPSG:4326 -> RD New"
contains "$OUT" "accuracy about 1 m"
equal "$(npoints)" 3 "points after the lat/lon import"
expect 0 "$SCHOUW" list --format csv
contains "$OUT" "Müller"
contains "$OUT" "José García"
contains "$OUT" '"band ""te hoog"""'
# Grote Kerk: 51.8143125 N, 4.6606029 E ~ RD (104897, 425327)
x=$("$SCHOUW" list --format csv --by Müller | awk -F, 'NR==2 {printf "%.0f", $5}')
equal "$x" "104897" "RD x of the Grote Kerk"

# --- rd_x/rd_y, excel-nl (BOM, ';', decimal comma, Dutch column names) ---
expect 0 "$SCHOUW" import "$D/rd_excel_nl.csv"
contains "$OUT" "2 inserted"
contains "$OUT" "no transformation needed"
expect 0 "$SCHOUW" list --format csv --type disabled_parking
contains "$OUT" "104950.250,425400.500"
contains "$OUT" "Björn Ångström"
contains "$OUT" 'Statenplein; bij de ingang'
contains "$OUT" "3.5"

# --- re-import: nothing duplicated, nothing written ---
before=$(snapshot)
expect 0 "$SCHOUW" import "$D/latlon.csv"
contains "$OUT" "0 inserted, 0 updated, 3 unchanged"
expect 0 "$SCHOUW" import "$D/rd_excel_nl.csv"
contains "$OUT" "0 inserted, 0 updated, 2 unchanged"
unchanged "$before" "" "re-import of unchanged files"
equal "$(npoints)" 5 "points after re-imports"

# --- a changed value goes into the history ---
sed 's/,1\.5,yes,/,1.6,yes,/' "$D/latlon.csv" >changed.csv
expect 0 "$SCHOUW" import changed.csv
contains "$OUT" "0 inserted, 1 updated, 2 unchanged"
equal "$(npoints)" 5 "points after a changed re-import"
ref=$("$SCHOUW" list --format csv --by Müller | awk -F, 'NR==2 {print $2}')
expect 0 "$SCHOUW" history "$ref"
contains "$OUT" "width_m"
contains "$OUT" "1.6"

# --- a row with a known uuid may carry only what changes ---
printf 'uuid,x,y,status\n%s,,,realised\n' "$ref" >status.csv
expect 0 "$SCHOUW" import status.csv
contains "$OUT" "0 inserted, 1 updated"
expect 0 "$SCHOUW" history "$ref"
contains "$OUT" "planned -> realised"
expect 0 "$SCHOUW" show "$ref"
contains "$OUT" "1.6" "measurements kept by a partial update"
printf 'uuid,x,y,status\n%s,,,planned\n' "$ref" >status.csv
expect 0 "$SCHOUW" import status.csv

# --- an export of this store matches its points ---
if "$SCHOUW" export --help >/dev/null 2>&1; then
	expect 0 "$SCHOUW" export exported.csv
	before=$(snapshot)
	expect 0 "$SCHOUW" import exported.csv
	contains "$OUT" "0 inserted, 0 updated, 5 unchanged"
	unchanged "$before" "" "import of an export"
fi

# --- format by extension, else by content ---
if "$SCHOUW" export --help >/dev/null 2>&1; then
	expect 0 "$SCHOUW" export exported.geojson
	cp exported.geojson exported.dat
	expect 0 "$SCHOUW" import exported.dat
	contains "$OUT" "0 inserted, 0 updated, 5 unchanged"
	contains "$OUT" "EPSG:4326 -> RD New"
	cp changed.csv latlon.json
	expect 0 "$SCHOUW" import latlon.json --format csv
	contains "$OUT" "3 unchanged"
fi

# --- progress: a bar on a terminal, nothing otherwise ---
awk 'BEGIN { print "type,x,y"; for (i = 0; i < 4200; i++) printf "crossing,%d,425000\n", 100000 + i }' >many.csv
expect 0 "$SCHOUW" import many.csv --dry-run
lacks "$ERR" $'\r' "stderr of an import to a file"
lacks "$ERR" "rows" "stderr of an import to a file"
tty_out=$(script -qec "'$SCHOUW' import many.csv --dry-run" /dev/null 2>&1)
contains "$tty_out" "%" "progress on a terminal"
contains "$tty_out" "4096" "progress on a terminal"

# --- all or nothing: one bad row, nothing imported, every bad row named ---
before=$(snapshot)
expect 2 "$SCHOUW" import "$D/mixed.csv"
contains "$ERR" "mixed.csv:3:"
contains "$ERR" "width_m"
contains "$ERR" "mixed.csv:4:"
contains "$ERR" "swapped"
lacks "$ERR" "mixed.csv:2:"
contains "$ERR" "2 of 4 rows rejected"
unchanged "$before" "" "import with bad rows"

# --- --dry-run changes nothing but counts ---
expect 0 "$SCHOUW" import --dry-run --type kerb_ramp "$D/latin1.csv" --encoding ISO-8859-1
contains "$OUT" "1 would be inserted"
unchanged "$before" "" "--dry-run"
expect 2 "$SCHOUW" import --dry-run "$D/mixed.csv"
unchanged "$before" "" "--dry-run with bad rows"

# --- --skip-invalid imports the good rows and writes the bad ones ---
expect 0 "$SCHOUW" import "$D/mixed.csv" --skip-invalid rejects.csv
contains "$OUT" "2 inserted"
contains "$OUT" "2 rejected"
contains "$ERR" "rejects.csv"
equal "$(npoints)" 7 "points after --skip-invalid"
equal "$(head -n 1 rejects.csv | tr -d '\r')" "type,lat,lon,width_m,line,reason" "rejects header"
equal "$(sed -n 2p rejects.csv | cut -d, -f1-5)" "kerb_ramp,51.8151,4.6611,wide,3" "first reject"
contains "$(sed -n 3p rejects.csv)" "swapped"
equal "$(wc -l <rejects.csv)" 3 "lines in rejects.csv"

# a semicolon file gets its rejects in the same dialect, for Excel
printf '\xef\xbb\xbftype;rd_x;rd_y;width_m\r\nkerb_ramp;104800,5;425300,25;99,5\r\n' >nl-bad.csv
expect 0 "$SCHOUW" import nl-bad.csv --skip-invalid nl-rejects.csv --dry-run
equal "$(head -n 1 nl-rejects.csv | tr -d '\r')" $'\xef\xbb\xbftype;rd_x;rd_y;width_m;line;reason' \
	"excel-nl rejects header"
contains "$(cat nl-rejects.csv)" "kerb_ramp;104800,5;425300,25;99,5;2;" "excel-nl reject row"

# --- --encoding, --map, --type, --by ---
expect 0 "$SCHOUW" import "$D/latin1.csv" --encoding ISO-8859-1
contains "$OUT" "1 inserted"
expect 0 "$SCHOUW" list --format csv --by "Björn Ångström"
contains "$OUT" "kerb_ramp"
expect 0 "$SCHOUW" import "$D/mapped.csv" --map element=type --map N=lat --map E=lon \
	--map breedte_m=width_m --map kleur=- --by Zoë
contains "$OUT" "1 inserted"
expect 0 "$SCHOUW" list --format csv --by Zoë --type kerb_ramp
contains "$OUT" "1.1"

# --- bad input: exit 2, position in the message, store unchanged ---
before=$(snapshot)
bad() { # bad FILE NEEDLE... [-- extra args]
	local f=$1; shift
	local needles=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do needles+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	expect 2 "$SCHOUW" import "$D/$f" "$@"
	for n in "${needles[@]}"; do contains "$ERR" "$n" "stderr of import $f"; done
	unchanged "$before" "" "import $f"
}
bad bad_unbalanced.csv "bad_unbalanced.csv:3:" "never closed"
bad bad_ragged.csv "bad_ragged.csv:3:" "expected 4" "got 3"
bad bad_norows.csv "bad_norows.csv:1:" "no rows"
bad bad_outside.csv "bad_outside.csv:3:" "outside the Netherlands"
bad bad_swapped.csv "bad_swapped.csv:2:" "lat and lon look swapped"
bad bad_rd_swapped.csv "bad_rd_swapped.csv:2:" "x and y look swapped"
bad bad_utf8.csv "bad_utf8.csv:3:" "UTF-8" "--encoding"
bad unknown_column.csv "kleur" "--map"
bad latlon.csv "KOI-9" -- --encoding KOI-9
bad latlon.csv "no-such-type" -- --type no-such-type
# REJECTS is checked before anything is imported
cp "$D/mixed.csv" mine.csv
expect 2 "$SCHOUW" import mine.csv --skip-invalid ./mine.csv
contains "$ERR" "input file"
equal "$(cat mine.csv)" "$(cat "$D/mixed.csv")" "input after --skip-invalid naming it"
expect 2 "$SCHOUW" import mine.csv --skip-invalid "$T/no/such/dir/rejects.csv"
contains "$ERR" "cannot write"
expect 2 "$SCHOUW" import "$T/missing.csv"
contains "$ERR" "missing.csv"
expect 2 "$SCHOUW" import "$D/latlon.csv" --map nonsense
contains "$ERR" "--map"
unchanged "$before" "" "bad options"

done_testing
