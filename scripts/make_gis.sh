#!/bin/sh
# Rebuild the shapefiles of gis/ from their hand-written sources in gis/src/:
# every gis/src/<layer>.geojson becomes gis/<layer>.shp (+ .shx .dbf .prj
# .cpg), in the CRS the source names (RD New, EPSG:28992), texts in UTF-8.
# The shapefiles are committed; run this after editing a source, or edit the
# shapefile in QGIS directly (then the source is out of date: say so in git).
#   scripts/make_gis.sh            all layers
#   scripts/make_gis.sh areas      only gis/src/areas.geojson
set -eu
cd "$(dirname "$0")/.."
command -v ogr2ogr >/dev/null || { echo "make_gis: ogr2ogr not found (Debian gdal-bin; scripts/deps.sh)" >&2; exit 1; }

if [ $# -eq 0 ]; then
	set -- $(for f in gis/src/*.geojson; do basename "$f" .geojson; done)
fi
for layer in "$@"; do
	src=gis/src/$layer.geojson
	[ -f "$src" ] || { echo "make_gis: no $src" >&2; exit 1; }
	rm -f "gis/$layer.shp" "gis/$layer.shx" "gis/$layer.dbf" "gis/$layer.prj" "gis/$layer.cpg"
	ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 -nln "$layer" "gis/$layer.shp" "$src"
	echo "gis/$layer.shp"
done
