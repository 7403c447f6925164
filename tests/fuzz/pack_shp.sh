#!/bin/sh
# pack_shp.sh LAYER.shp OUT - pack a shapefile (.shp .shx .dbf) into one
# fuzz input for fuzz_shp (the three files joined by the separator it splits on).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 LAYER.shp OUT" >&2; exit 2; }
stem=${1%.shp}
{
	cat "$stem.shp"
	printf '\n@@SWFUZZ@@\n'
	cat "$stem.shx"
	printf '\n@@SWFUZZ@@\n'
	cat "$stem.dbf"
} >"$2"
