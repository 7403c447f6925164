#!/usr/bin/env bash
# The store commands as a user runs them: init, log, list, show, set,
# delete, history, help texts.
. "$(dirname "$0")/lib.sh"

expect 0 "$SCHOUW" --version; contains "$OUT" "schouw "
expect 0 "$SCHOUW" help; contains "$OUT" "Commands:"
for c in init log list show set delete history forms summary import export check profile areas; do
	expect 0 "$SCHOUW" "$c" --help; contains "$OUT" "usage: schouw $c"
	expect 0 "$SCHOUW" help "$c"; contains "$OUT" "usage: schouw $c"
done

# every command but init refuses a missing store, with a hint
expect 2 "$SCHOUW" list; contains "$ERR" "schouw init"
expect 0 "$SCHOUW" init; contains "$OUT" "created"
[ -f test.gpkg ] && ok || fail "init made no file"
expect 2 "$SCHOUW" init; contains "$ERR" "test.gpkg"

# log in WGS84: the Grote Kerk, documented in GUIDE.md as RD (104897, 425327)
expect 0 "$SCHOUW" log kerb_ramp --lat 51.8143125 --lon 4.6606029 --status planned \
	--set running_slope_pct=8.5 --set width_m=1,4 --by "Zoë de Vries" --note "bij de Grote Kerk"
contains "$OUT" "logged kerb_ramp 1"
expect 0 "$SCHOUW" show 1 --format json
x=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(round(d["x"]), round(d["y"]), d["measurements"]["width_m"], d["surveyor"])' "$OUT")
equal "$x" "104897 425327 1.4 Zoë de Vries" "RD position, decimal comma, UTF-8 name"
uuid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["uuid"])' "$OUT")
[[ "$uuid" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] && ok || fail "uuid v7 (time-ordered): $uuid"

# log in RD, quiet output is "id uuid"
expect 0 "$SCHOUW" log disabled_parking --x 105010.5 --y 425200.25 --set orientation=parallel \
	--set length_m=6 --set width_m=3.5 --set e6_sign=ja -q
[[ "$OUT" =~ ^2\ [0-9a-f-]{36}$ ]] && ok || fail "quiet log output: $OUT"
expect 0 "$SCHOUW" log cable_cover --x 105500 --y 424900 --status realised --set width_cm=120 --by anna
expect 0 "$SCHOUW" log crossing --x 110000 --y 430000 --by piet

# show by id and by uuid
expect 0 "$SCHOUW" show "$uuid"; contains "$OUT" "running_slope_pct"; contains "$OUT" "8.5 %"
expect 0 "$SCHOUW" show 2; contains "$OUT" "e6_sign"; contains "$OUT" "yes"

# list: table, csv, json and the filters
expect 0 "$SCHOUW" list; contains "$OUT" "(4 points)"
expect 0 "$SCHOUW" list --type kerb_ramp; contains "$OUT" "(1 point)"
expect 0 "$SCHOUW" list --status realised; contains "$OUT" "cable_cover"; contains "$OUT" "(1 point)"
expect 0 "$SCHOUW" list --by anna; contains "$OUT" "(1 point)"
expect 0 "$SCHOUW" list --bbox 104000,425000,105100,425400; contains "$OUT" "(2 points)"
# near: point 2 is 272 m from the church; radius just below and above
d=$(python3 -c 'import math; print(math.hypot(105010.5-104897.0, 425200.25-425327.0))')
expect 0 "$SCHOUW" list --near 105010.5,425200.25 --radius 1; contains "$OUT" "(1 point)"
expect 0 "$SCHOUW" list --near 110000,430000 --radius 0.5 --format csv
equal "$(printf '%s\n' "$OUT" | wc -l)" "2" "csv rows for a near query"
expect 0 "$SCHOUW" list --format csv
head=$(printf '%s\n' "$OUT" | head -1 | tr -d '\r')
contains "$head" "id,uuid,type,status,x,y"; contains "$head" "running_slope_pct"; contains "$head" "width_cm"
contains "$OUT" "104897."
expect 0 "$SCHOUW" list --format json
n=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$OUT"); equal "$n" 4 "json count"
expect 2 "$SCHOUW" list --format xml; contains "$ERR" "table, csv or json"
expect 2 "$SCHOUW" list --near 1,2; contains "$ERR" "--radius"

# set: validated by the form, recorded in history
expect 0 "$SCHOUW" set 1 status=realised running_slope_pct=7.9 --by inspecteur
contains "$OUT" "2 fields changed"
expect 0 "$SCHOUW" history 1
contains "$OUT" "insert"; contains "$OUT" "status: planned -> realised"; contains "$OUT" "running_slope_pct: 8.5 -> 7.9"
contains "$OUT" "inspecteur"
expect 0 "$SCHOUW" set 1 running_slope_pct=; contains "$OUT" "1 field changed"
expect 0 "$SCHOUW" show 1 --format json
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit("running_slope_pct" in d["measurements"])' "$OUT" && ok || fail "cleared field still present"

# delete: recorded, never silent; history by uuid survives
expect 0 "$SCHOUW" delete 1 --by opruimer; contains "$OUT" "deleted kerb_ramp 1"
expect 2 "$SCHOUW" show 1; contains "$ERR" "1"
expect 0 "$SCHOUW" history "$uuid"; contains "$OUT" "delete"; contains "$OUT" "opruimer"
expect 0 "$SCHOUW" list; contains "$OUT" "(3 points)"

# summary: points per type and status, totals per status
expect 0 "$SCHOUW" summary
row=$(printf '%s\n' "$OUT" | awk '$1 == "cable_cover" {print $4, $NF}'); equal "$row" "1 1" "cable_cover realised, total"
row=$(printf '%s\n' "$OUT" | awk '$1 == "total" {print $2, $NF}'); equal "$row" "2 3" "planned total, grand total"
lacks "$OUT" "kerb_ramp" "summary after the only kerb ramp was deleted"
expect 0 "$SCHOUW" summary --status realised
row=$(printf '%s\n' "$OUT" | awk '$1 == "total" {print $NF}'); equal "$row" "1" "filtered total"

# --db and SCHOUW_DB
expect 0 "$SCHOUW" --db other.gpkg init
expect 0 "$SCHOUW" --db other.gpkg list; contains "$OUT" "(0 points)"
SCHOUW_DB=other.gpkg expect 0 "$SCHOUW" list; contains "$OUT" "(0 points)"
expect 0 "$SCHOUW" list --db other.gpkg; contains "$OUT" "(0 points)"

done_testing
