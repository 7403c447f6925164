#!/usr/bin/env bash
# schouw import of shapefiles: files written by ogr2ogr (WGS84; RD New in
# ISO-8859-1) import with the right coordinates and intact accents; broken
# or unsupported files get a message with the position, exit status 2 and
# leave the store unchanged.
. "$(dirname "$0")/lib.sh"

# shp_from_csv OUT.shp CSV [ogr2ogr options...]: a shapefile made by GDAL
shp_from_csv() {
	local out=$1 csv=$2; shift 2
	ogr2ogr -f "ESRI Shapefile" "$out" "$csv" -oo AUTODETECT_TYPE=YES "$@" 2>"$T/.ogr" ||
		fail "ogr2ogr $out: $(cat "$T/.ogr")"
}

# field VALUE of the first point in `list --format csv` output, by column name
col() {
	awk -F, -v want="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == want) c = i; next }
		NR == 2 { print $c }' <<<"$2"
}

expect 0 "$SCHOUW" init

# --- EPSG:4326, UTF-8 (GDAL's default) -----------------------------------------
cat > wgs.csv <<'EOF'
type,status,surveyor,note,lon,lat,width_m
kerb_ramp,planned,Müller,Grote Kerk,4.6606029,51.8143125,1.4
EOF
shp_from_csv wgs.shp wgs.csv -oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat \
	-oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:4326
expect 0 "$SCHOUW" import wgs.shp
expect 0 "$SCHOUW" list --format csv --type kerb_ramp
x=$(col x "$OUT"); y=$(col y "$OUT")
awk -v x="$x" -v y="$y" 'BEGIN { exit !(x > 104890 && x < 104905 && y > 425320 && y < 425335) }' &&
	ok || fail "Grote Kerk from EPSG:4326 at RD ($x, $y), expected about (104897, 425327)"
equal "$(col surveyor "$OUT")" "Müller" "surveyor from a UTF-8 shapefile"
equal "$(col width_m "$OUT")" "1.4" "width_m"

# --- EPSG:28992, ISO-8859-1 --------------------------------------------------
cat > rd.csv <<'EOF'
type,status,surveyor,x,y,orient
disabled_parking,realised,José García,106099.5,423259.25,parallel
EOF
shp_from_csv rd.shp rd.csv -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y \
	-oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:28992 -lco ENCODING=ISO-8859-1
grep -q $'Jos\xe9 Garc\xeda' rd.dbf && ok || fail "fixture rd.dbf is not ISO-8859-1"
expect 0 "$SCHOUW" import rd.shp
expect 0 "$SCHOUW" list --format csv --type disabled_parking
equal "$(col surveyor "$OUT")" "José García" "surveyor from an ISO-8859-1 shapefile"
awk -v x="$(col x "$OUT")" -v y="$(col y "$OUT")" 'BEGIN { exit !(x == 106099.5 && y == 423259.25) }' &&
	ok || fail "RD position changed on import: $(col x "$OUT"), $(col y "$OUT")"
# the DBF name 'orient' maps back to the field 'orientation'
equal "$(col orientation "$OUT")" "parallel" "orientation from DBF 'orient'"

# without a .cpg: --encoding says it; without both, a warning and Windows-1252
mkdir -p nocpg && cp rd.shp rd.shx rd.dbf rd.prj nocpg/
expect 0 "$SCHOUW" --db nocpg/a.gpkg init
expect 0 "$SCHOUW" --db nocpg/a.gpkg import nocpg/rd.shp --encoding ISO-8859-1
expect 0 "$SCHOUW" --db nocpg/a.gpkg list --format csv
equal "$(col surveyor "$OUT")" "José García" "surveyor with --encoding"
expect 0 "$SCHOUW" --db nocpg/b.gpkg init
expect 0 "$SCHOUW" --db nocpg/b.gpkg import nocpg/rd.shp
contains "$ERR" "--encoding"
expect 0 "$SCHOUW" --db nocpg/b.gpkg list --format csv
equal "$(col surveyor "$OUT")" "José García" "surveyor without .cpg"

# --- the store itself through ogr2ogr (GDAL cuts names to 10 bytes) ---------
ogr2ogr -f "ESRI Shapefile" gdal.shp "$SCHOUW_DB" points 2>/dev/null || fail "ogr2ogr of the store"
expect 0 "$SCHOUW" --db gdal.gpkg init
expect 0 "$SCHOUW" --db gdal.gpkg import gdal.shp
expect 0 "$SCHOUW" --db gdal.gpkg list --format csv --type kerb_ramp
equal "$(col surveyor "$OUT")" "Müller" "surveyor via GDAL's shapefile"
equal "$(col width_m "$OUT")" "1.4" "width_m via GDAL's shapefile"
# same uuids: importing it into the first store changes nothing
expect 0 "$SCHOUW" import gdal.shp
contains "$OUT" "0 inserted"

# --- --map renames DBF fields and leaves them out -----------------------------
cat > mapped.csv <<'EOF2'
soort_x,breed,junk,x,y
kerb_ramp,1.25,whatever,105300,425300
EOF2
shp_from_csv mapped.shp mapped.csv -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y \
	-oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:28992
expect 0 "$SCHOUW" --db map.gpkg init
expect 2 "$SCHOUW" --db map.gpkg import mapped.shp --map soort_x=type --map breed=width_m
contains "$ERR" "junk"
expect 2 "$SCHOUW" --db map.gpkg import mapped.shp --map nosuch=type
contains "$ERR" "nosuch"
expect 0 "$SCHOUW" --db map.gpkg import mapped.shp --map soort_x=type --map breed=width_m --map junk=-
expect 0 "$SCHOUW" --db map.gpkg list --format csv
equal "$(col width_m "$OUT")" "1.25" "width_m from --map breed=width_m"

# the DBF language byte names the code page when there is no .cpg: LDID 2 is
# CP850, where é is 0xE9 in neither Latin-1 nor UTF-8 but 0x82
shp_from_csv ldid.shp rd.csv -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y \
	-oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:28992 -lco ENCODING=LDID/2
[ ! -e ldid.cpg ] && grep -q $'Jos\x82' ldid.dbf && ok || fail "fixture ldid.dbf is not CP850 without .cpg"
expect 0 "$SCHOUW" --db ldid.gpkg init
expect 0 "$SCHOUW" --db ldid.gpkg import ldid.shp
lacks "$ERR" "--encoding" "a known code page needs no warning"
expect 0 "$SCHOUW" --db ldid.gpkg list --format csv
equal "$(col surveyor "$OUT")" "José García" "surveyor from a CP850 DBF (LDID 2)"

# --- PointZ and single-point MultiPoint are points ---------------------------
cat > z.csv <<'EOF'
WKT,type,status
"POINT Z (105000 425000 1.5)",crossing,planned
EOF
shp_from_csv z.shp z.csv -oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:28992 -nlt POINTZ
expect 0 "$SCHOUW" --db z.gpkg init
expect 0 "$SCHOUW" --db z.gpkg import z.shp
cat > mp1.csv <<'EOF'
WKT,type,status
"MULTIPOINT ((105020 425030))",crossing,planned
EOF
shp_from_csv mp1.shp mp1.csv -oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:28992 -nlt MULTIPOINT
expect 0 "$SCHOUW" --db z.gpkg import mp1.shp
expect 0 "$SCHOUW" --db z.gpkg list --format csv
contains "$OUT" ",105000.000,425000.000," "PointZ imported"
contains "$OUT" ",105020.000,425030.000," "single-point MultiPoint imported"

before=$(snapshot)

# refused CMD... -- WORDS...: exit 2, each word in stderr, store unchanged
refused() {
	local words=()
	while [ "$1" != "--" ]; do words+=("$1"); shift; done; shift
	expect 2 "$@"
	for w in "${words[@]}"; do contains "$ERR" "$w" "stderr of $*"; done
	unchanged "$before" "" "$*"
}

# --- other geometry types ----------------------------------------------------
cat > poly.csv <<'EOF'
WKT,type,status
"POLYGON ((105000 425000,105010 425000,105010 425010,105000 425000))",crossing,planned
EOF
shp_from_csv poly.shp poly.csv -oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:28992
refused "Polygon" "poly.shp" -- "$SCHOUW" import poly.shp
cat > mp2.csv <<'EOF'
WKT,type,status
"MULTIPOINT ((105000 425000),(105001 425001))",crossing,planned
EOF
shp_from_csv mp2.shp mp2.csv -oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:28992 -nlt MULTIPOINT
refused "record 1" "2 points" -- "$SCHOUW" import mp2.shp

# --- CRS ---------------------------------------------------------------------
# a good two-point layer to break in several ways
cat > good.csv <<'EOF'
type,status,x,y
crossing,planned,105000,425000
crossing,planned,105010,425010
EOF
shp_from_csv good.shp good.csv -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y \
	-oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:28992
# copy of the good layer as bad/t.*
fresh() { rm -rf bad && mkdir bad && for e in shp shx dbf prj cpg; do cp "good.$e" "bad/t.$e"; done; }

fresh; rm bad/t.prj
refused "--crs" "t.shp" -- "$SCHOUW" import bad/t.shp
fresh; printf 'PROJCS["made up",GEOGCS[' > bad/t.prj
refused "t.prj" "--crs" -- "$SCHOUW" import bad/t.shp
fresh; rm bad/t.prj
expect 0 "$SCHOUW" --db crs.gpkg init
expect 0 "$SCHOUW" --db crs.gpkg import bad/t.shp --crs EPSG:28992

# --- texts that are not in the encoding the files say ------------------------
mkdir -p enc && cp rd.shp rd.shx rd.dbf rd.prj enc/ && printf 'UTF-8' > enc/rd.cpg
refused "rd.dbf" "record 1" "surveyor" "byte 4" "UTF-8" -- "$SCHOUW" import enc/rd.shp
refused "NO-SUCH-ENC" "--encoding" -- "$SCHOUW" import rd.shp --encoding NO-SUCH-ENC

# --- broken files ------------------------------------------------------------
fresh; truncate -s -10 bad/t.shp
refused "t.shp" "truncated" "byte" -- "$SCHOUW" import bad/t.shp
fresh; truncate -s -8 bad/t.shx
refused "t.shx" "truncated" "byte" -- "$SCHOUW" import bad/t.shp
fresh; truncate -s -20 bad/t.dbf
refused "t.dbf" "truncated" "record 2" -- "$SCHOUW" import bad/t.shp
# the .shx points the second record (at byte 128 = word 0x40) somewhere else
fresh; printf '\x00\x00\x00\x30' | dd of=bad/t.shx bs=1 seek=108 conv=notrunc status=none
refused "t.shx" "record 2" "does not match" -- "$SCHOUW" import bad/t.shp
# a .shx of a one-point layer beside a two-point .shp
head -n 2 good.csv > one.csv
shp_from_csv one.shp one.csv -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y \
	-oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:28992
fresh; cp one.shx bad/t.shx
refused "t.shx" "record 2" -- "$SCHOUW" import bad/t.shp
# a .dbf with fewer records
fresh; cp one.dbf bad/t.dbf
refused "t.dbf" "1 records" "2 shapes" -- "$SCHOUW" import bad/t.shp
# missing companions
fresh; rm bad/t.shx
refused ".shx" -- "$SCHOUW" import bad/t.shp
# random bytes, in each file and in all
for victim in shp shx dbf; do
	fresh; head -c 3000 /dev/urandom > "bad/t.$victim"
	refused "t.$victim" -- "$SCHOUW" import bad/t.shp
done
fresh; for e in shp shx dbf prj; do head -c 700 /dev/urandom > "bad/t.$e"; done
refused "t.shp" "byte" -- "$SCHOUW" import bad/t.shp
# an empty .shp
fresh; : > bad/t.shp
refused "t.shp" "100-byte" -- "$SCHOUW" import bad/t.shp

done_testing
