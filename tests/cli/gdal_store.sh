#!/usr/bin/env bash
# GDAL, an independent reader, opens a store made by schouw cleanly.
. "$(dirname "$0")/lib.sh"

expect 0 "$SCHOUW" init
for i in $(seq 1 25); do
	expect 0 "$SCHOUW" log kerb_ramp --x $((104800 + i * 7)) --y $((425300 + i * 3)) \
		--set running_slope_pct=$((i % 12)).5 --by "Björn Ångström" -q
done
expect 0 "$SCHOUW" log disabled_parking --lat 51.8125 --lon 4.666 --set orientation=parallel -q
expect 0 "$SCHOUW" set 3 status=realised
expect 0 "$SCHOUW" delete 4

expect 0 ogrinfo -al -so test.gpkg
# Debian 12's GDAL 3.6 predates GeoPackage 1.4 (support came in GDAL 3.7) and
# flags user_version 10400 as "may only be partially supported": the one line
# tolerated. Any other warning fails.
all=$(printf '%s\n%s\n' "$OUT" "$ERR" | grep -v 'user_version=0x000028A0 (10400, v1.4.0) .* may only be partially supported')
lacks "$all" "Warning" "ogrinfo"; lacks "$all" "ERROR" "ogrinfo"
contains "$OUT" "Layer name: points"
contains "$OUT" "Geometry: Point"
contains "$OUT" "Feature Count: 25"
contains "$OUT" 'ID["EPSG",28992]'
contains "$OUT" "Amersfoort / RD New"
contains "$OUT" "running_slope_pct: Real"
expect 0 ogrinfo -q -sql "SELECT COUNT(*) AS n FROM points WHERE status = 'realised'" test.gpkg
contains "$OUT" "n (Integer) = 1"

# photos: GDAL sees the Related Tables relationship (GDAL 3.6 has it in its
# API; ogrinfo prints it only from 3.7) and reads the media table
/usr/bin/python3 -c "from PIL import Image; Image.new('RGB',(8,8),(9,90,200)).save('p.png')"
expect 0 "$SCHOUW" photo add 1 p.png
expect 0 "$SCHOUW" photo add 2 p.png
OUT=$(/usr/bin/python3 - test.gpkg 2>&1 <<'PY'
import sys
from osgeo import gdal
gdal.UseExceptions()
ds = gdal.OpenEx(sys.argv[1])
for n in ds.GetRelationshipNames() or []:
    r = ds.GetRelationship(n)
    print("relationship", n, r.GetLeftTableName(), r.GetRightTableName(), r.GetMappingTableName(),
          r.GetRelatedTableType(), "many-to-many" if r.GetCardinality() == gdal.GRC_MANY_TO_MANY else r.GetCardinality(),
          r.GetLeftTableFields(), r.GetRightTableFields())
PY
)
contains "$OUT" "relationship points_photos_media points photos points_photos media many-to-many ['id'] ['id']" "GDAL relationship"
expect 0 ogrinfo -ro -q -sql "SELECT count(*) AS n, count(DISTINCT sha256) AS d FROM photos" test.gpkg
contains "$OUT" "n (Integer) = 1"
expect 0 ogrinfo -ro -q -sql "SELECT count(*) AS n FROM points_photos" test.gpkg
contains "$OUT" "n (Integer) = 2"
expect 0 ogrinfo -ro -so test.gpkg photos
contains "$OUT" "data: Binary"

# the spatial index agrees with the table, and the file is sound
equal "$(sqlite3 test.gpkg "SELECT rtreecheck('rtree_points_geom')")" "ok" "rtreecheck"
equal "$(sqlite3 test.gpkg 'PRAGMA integrity_check')" "ok" "integrity_check"
equal "$(sqlite3 test.gpkg 'PRAGMA application_id')" "1196444487" "application_id GPKG"
equal "$(sqlite3 test.gpkg 'PRAGMA user_version')" "10400" "user_version 1.4"
equal "$(sqlite3 test.gpkg 'PRAGMA journal_mode')" "wal" "WAL mode"

# GDAL's own GeoPackage conformance checker, every requirement (-k keeps
# going). GDAL 3.6 (Debian 12) knows GeoPackage up to 1.3: it asks for the
# 1.3 trigger names update1/update3, which 1.4 replaced by update5/6/7 (Annex
# F.3). Those lines and the version note are the only ones tolerated; with
# GDAL >= 3.7 nothing is.
/usr/bin/python3 -m osgeo_utils.samples.validate_gpkg -k --warning-as-error test.gpkg > val.out 2>&1
vstatus=$?
gdal_minor=$(gdal-config --version 2>/dev/null || ogrinfo --version | sed 's/^GDAL \([0-9.]*\).*/\1/')
if printf '%s\n3.7\n' "$gdal_minor" | sort -V -C; then
	rest=$(grep -v -e 'rtree_points_geom_update[13] trigger missing' \
		-e 'may only be partially supported' val.out)
	equal "$rest" "" "validate_gpkg findings besides the GDAL 3.6 / GPKG 1.4 trigger names"
	contains "$(cat val.out)" "update1 trigger missing" "validate_gpkg output (old GDAL)"
else
	equal "$vstatus" 0 "validate_gpkg exit status"
fi

done_testing
