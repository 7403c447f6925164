#!/bin/sh
# Rebuild the demo basemap shapefiles in gis/ from the hand-written GeoJSON
# in gis/src/ (RD New coordinates). Needs ogr2ogr (gdal-bin). The shapefiles
# are committed, so schouw itself never needs GDAL.
set -eu
cd "$(dirname "$0")/../gis"
for src in src/*.geojson; do
	name=$(basename "$src" .geojson)
	rm -f "$name".shp "$name".shx "$name".dbf "$name".prj "$name".cpg
	ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 -a_srs EPSG:28992 "$name.shp" "$src"
	echo "gis/$name.shp"
done
