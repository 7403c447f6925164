#!/usr/bin/env bash
# Named areas: `schouw areas`, and --area NAME as a filter of list, export,
# check and summary. Expected answers come from GDAL/GEOS (python3-gdal)
# reading the same gis/areas.shp, not from schouw.
. "$(dirname "$0")/lib.sh"
export SCHOUW_GIS="$SW_SRC/gis"
# Debian's python3 with python3-gdal (a test dependency in scripts/deps.sh)
GPY=/usr/bin/python3
$GPY -c 'from osgeo import ogr' || { echo "FAIL: $GPY lacks python3-gdal (scripts/deps.sh)" >&2; exit 1; }

# ogr_ids AREA: ids (sorted) of the listed points (list --format csv on
# stdin) that GEOS finds in AREA of areas.shp, boundary included.
cat > "$T/ogr_ids.py" <<'PY'
import csv, sys
from osgeo import ogr
ds = ogr.Open(sys.argv[1])
g = [f.GetGeometryRef().Clone() for f in ds.GetLayer() if f.GetField("name") == sys.argv[2]][0]
ids = []
for r in csv.DictReader(sys.stdin):
    p = ogr.Geometry(ogr.wkbPoint)
    p.AddPoint_2D(float(r["x"]), float(r["y"]))
    if g.Intersects(p):
        ids.append(int(r["id"]))
print(" ".join(str(i) for i in sorted(ids)))
PY
ogr_ids() { $GPY "$T/ogr_ids.py" "$SCHOUW_GIS/areas.shp" "$1"; }
csv_ids() { python3 -c 'import csv,sys; print(" ".join(sorted((r["id"] for r in csv.DictReader(sys.stdin)), key=int)))'; }

expect 0 "$SCHOUW" areas --help; contains "$OUT" "usage: schouw areas"
expect 0 "$SCHOUW" list --help; contains "$OUT" "--area NAME"
expect 0 "$SCHOUW" init
expect 0 "$SCHOUW" import "$SW_SRC/survey/demo/dordrecht-binnenstad.csv" --by demo
ndemo=$("$SCHOUW" list --format csv | tail -n +2 | wc -l)

# points at known positions around two edges of the binnenstad polygon:
# its south-east edge (105500,424950)-(105400,424800), shared with reeland,
# and its north edge (105050,425720)-(105400,425820)
expect 0 "$SCHOUW" log crossing --x 105449.9 --y 424875 --note "just inside, SE edge" -q; in_se=${OUT%% *}
expect 0 "$SCHOUW" log crossing --x 105450.1 --y 424875 --note "just outside, SE edge" -q; out_se=${OUT%% *}
expect 0 "$SCHOUW" log crossing --x 105450 --y 424875 --note "on the shared edge" -q; on_se=${OUT%% *}
expect 0 "$SCHOUW" log crossing --x 105400 --y 424800 --note "on a shared vertex" -q; vertex=${OUT%% *}
expect 0 "$SCHOUW" log crossing --x 105225 --y 425769.9 --note "just inside, N edge" -q; in_n=${OUT%% *}
expect 0 "$SCHOUW" log crossing --x 105225 --y 425770.1 --note "just outside, N edge" -q; out_n=${OUT%% *}
all_csv=$("$SCHOUW" list --format csv)

# --- list --area: exactly the points GEOS finds inside
expect 0 "$SCHOUW" list --area binnenstad --format csv
got=$(printf '%s\n' "$OUT" | csv_ids)
want=$(printf '%s\n' "$all_csv" | ogr_ids binnenstad)
equal "$got" "$want" "binnenstad ids (schouw vs GEOS)"
for id in $in_se $on_se $vertex $in_n; do
	case " $got " in *" $id "*) ok ;; *) fail "point $id should be in the binnenstad: $got" ;; esac
done
for id in $out_se $out_n; do
	case " $got " in *" $id "*) fail "point $id should not be in the binnenstad" ;; *) ok ;; esac
done
# every demo point but the Weizigtpark playground lies in the binnenstad
n=$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)
equal "$n" "$((ndemo - 1 + 4))" "demo points + 4 edge points in the binnenstad"
expect 0 "$SCHOUW" list --area reeland --format csv
got=$(printf '%s\n' "$OUT" | csv_ids)
equal "$got" "$(printf '%s\n' "$all_csv" | ogr_ids reeland)" "reeland ids (schouw vs GEOS)"
contains "$OUT" "playground"
contains " $got " " $on_se "; contains " $got " " $out_se "; lacks " $got " " $in_se "
# case-insensitive, and combined with the other filters
expect 0 "$SCHOUW" list --area BINNENSTAD --type playground; contains "$OUT" "(0 points)"
expect 0 "$SCHOUW" list --area Reeland --type playground; contains "$OUT" "(1 point)"
expect 0 "$SCHOUW" list --area binnenstad --bbox 105400,424700,105500,424900 --format csv
equal "$(printf '%s\n' "$OUT" | csv_ids)" "$(printf '%s %s %s' $in_se $on_se $vertex)" "--area with --bbox"

# --- schouw areas: counts and hectares against GEOS
expect 0 "$SCHOUW" areas --format csv
contains "$OUT" "name,label_nl,label_en,hectares,points"
areas_csv=$OUT
for a in binnenstad dordt-west stadspolders sterrenburg reeland buitengebied; do
	row=$(printf '%s\n' "$areas_csv" | tr -d '\r' | grep "^$a,")
	[ -n "$row" ] && ok || fail "areas lacks $a"
	want=$(printf '%s\n' "$all_csv" | ogr_ids "$a" | wc -w)
	equal "${row##*,}" "$want" "points in $a"
done
expect 0 "$SCHOUW" areas --format json
$GPY - "$OUT" "$SCHOUW_GIS/areas.shp" <<'PY' && ok || fail "areas --format json vs GEOS areas"
import json, sys
from osgeo import ogr
got = {a["name"]: a for a in json.loads(sys.argv[1])}
ds = ogr.Open(sys.argv[2])
for f in ds.GetLayer():
    a = got[f.GetField("name")]
    ha = f.GetGeometryRef().GetArea() / 10000
    assert abs(a["hectares"] - ha) < 0.01, (a, ha)
    assert a["label_nl"] == f.GetField("label_nl") and a["label_en"] == f.GetField("label_en")
    env = f.GetGeometryRef().GetEnvelope()  # minx, maxx, miny, maxy
    assert a["bbox"] == [env[0], env[2], env[1], env[3]], (a["bbox"], env)
assert len(got) == ds.GetLayer().GetFeatureCount()
PY
expect 0 "$SCHOUW" areas; contains "$OUT" "Binnenstad"; contains "$OUT" "(6 areas)"
expect 0 "$SCHOUW" areas --area reeland --type playground --format csv
equal "$(printf '%s\n' "$OUT" | tr -d '\r' | tail -n +2)" \
	"reeland,Reeland en stationsgebied (Weizigtpark),Reeland and station area (Weizigt park),112.5,1" "one area, filtered count"
expect 2 "$SCHOUW" areas --format xml; contains "$ERR" "table, csv or json"

# --- summary, export and check with --area
nb=$(printf '%s\n' "$all_csv" | ogr_ids binnenstad | wc -w)
expect 0 "$SCHOUW" summary --area binnenstad
total=$(printf '%s\n' "$OUT" | awk '$1 == "total" { print $NF }')
equal "$total" "$nb" "summary total in the binnenstad"
lacks "$OUT" "playground"
expect 0 "$SCHOUW" export "$T/bs.geojson" --area binnenstad
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["features"]))' "$T/bs.geojson")
equal "$n" "$nb" "exported features in the binnenstad"
expect 0 "$SCHOUW" export "$T/bs.csv" --area reeland --format csv
equal "$(csv_ids < "$T/bs.csv")" "$(printf '%s\n' "$all_csv" | ogr_ids reeland)" "exported ids in reeland"
"$SCHOUW" check --area reeland --type playground --format csv --no-record >"$T/chk.csv" 2>"$T/.err"
[ $? -le 1 ] && ok || fail "check --area: $(cat "$T/.err")"
contains "$(cat "$T/chk.csv")" "playground"
lacks "$(cat "$T/chk.csv")" "kerb_ramp"

# --- unknown area: exit 2 naming the valid ones, store unchanged
before=$(snapshot)
for cmd in list summary areas "export $T/x.geojson" "check"; do
	expect 2 "$SCHOUW" $cmd --area binnenstadt
	contains "$ERR" "unknown area 'binnenstadt'"
	contains "$ERR" "binnenstad, dordt-west"; contains "$ERR" "buitengebied"
done
[ -e "$T/x.geojson" ] && fail "export left a file for an unknown area" || ok
unchanged "$before" "" "unknown area"

# --- a missing or broken areas.shp: exit 2 naming the file, store unchanged
mkdir -p "$T/nogis"
SCHOUW_GIS="$T/nogis" expect 2 "$SCHOUW" list --area binnenstad
contains "$ERR" "$T/nogis/areas.shp"; contains "$ERR" "SCHOUW_GIS"
SCHOUW_GIS="$T/nogis" expect 2 "$SCHOUW" areas; contains "$ERR" "areas.shp"
# without --area the gis folder is not needed
SCHOUW_GIS="$T/nogis" expect 0 "$SCHOUW" list --type playground; contains "$OUT" "(1 point)"
mkdir -p "$T/badgis"
cp "$SCHOUW_GIS"/areas.* "$T/badgis/"
truncate -s 250 "$T/badgis/areas.shp"
SCHOUW_GIS="$T/badgis" expect 2 "$SCHOUW" check --area binnenstad
contains "$ERR" "$T/badgis/areas.shp"
SCHOUW_GIS="$T/badgis" expect 2 "$SCHOUW" export "$T/y.geojson" --area reeland
[ -e "$T/y.geojson" ] && fail "export left a file for a broken areas.shp" || ok
cp "$SCHOUW_GIS"/areas.* "$T/badgis/"
rm "$T/badgis/areas.dbf"
SCHOUW_GIS="$T/badgis" expect 2 "$SCHOUW" summary --area reeland; contains "$ERR" "areas.dbf"
unchanged "$before" "" "broken areas.shp"

done_testing
