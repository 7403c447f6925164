#!/usr/bin/env bash
# schouw check: verdicts, the cross-layer rule at 4.99 m and 5.01 m through
# the store's R-tree, exit statuses 0/1/2, formats, the stored run, the
# default profile per store, and the verdict printed by log and set.
. "$(dirname "$0")/lib.sh"

sql() { sqlite3 "$SCHOUW_DB" "$1"; }
BAY="--set length_m=6 --set width_m=3.5 --set orientation=parallel --set surface_slope_pct=1 --set e6_sign=yes --set plate_bound=no"
RAMP="--set running_slope_pct=8 --set cross_slope_pct=2 --set width_m=1.2 --set kerb_upstand_mm=5 --set tactile_warning=yes --set turning_space_m=1.2 --set surface=asphalt"

expect 0 "$SCHOUW" init
# an empty store: nothing fails
expect 0 "$SCHOUW" check --no-record
contains "$OUT" "all"
expect 0 "$SCHOUW" check --no-record --format json --summary
echo "$OUT" | python3 -m json.tool >/dev/null && ok || fail "empty check: not JSON"
# a bay with a kerb ramp 4.99 m away, both meeting every nl-crow rule
expect 0 "$SCHOUW" log disabled_parking --x 105000 --y 425000 $BAY
expect 0 "$SCHOUW" log kerb_ramp --x 105004.99 --y 425000 $RAMP

# --- all pass: exit 0, and the run is stored
expect 0 "$SCHOUW" check --profile nl-crow
contains "$OUT" "PASS"
lacks "$OUT" "FAIL"
contains "$OUT" "profile nl-crow"
equal "$(sql 'SELECT count(*) FROM check_run')" 1 "stored runs"
equal "$(sql 'SELECT profile, npoints, npass, nfail, nincomplete FROM check_run')" "nl-crow|2|2|0|0" "run row"
equal "$(sql 'SELECT length(profile_hash) FROM check_run')" 64 "sha-256 hex length"
equal "$(sql "SELECT count(*) FROM check_result WHERE rule_id IS NULL AND verdict = 'pass'")" 2 "per-point verdict rows"

# --- a second bay whose nearest kerb ramp is 5.01 m away: exit 1
expect 0 "$SCHOUW" log disabled_parking --x 105100 --y 425000 $BAY
expect 0 "$SCHOUW" log kerb_ramp --x 105105.01 --y 425000 $RAMP
expect 1 "$SCHOUW" check --profile nl-crow
contains "$OUT" "dp-kerb-ramp"
contains "$OUT" "nearest at 5.01 m"
contains "$OUT" "010toegankelijk.nl"
bay3=$(sql "SELECT max(id) FROM points WHERE type = 'disabled_parking'")
equal "$(sql "SELECT verdict, field, measured FROM check_result WHERE run_id = 2 AND rule_id = 'dp-kerb-ramp'")" \
	"fail|kerb_ramp|0" "stored finding of the 5.01 m bay"
equal "$(sql "SELECT point_id FROM check_result WHERE run_id = 2 AND rule_id = 'dp-kerb-ramp'")" "$bay3" \
	"the finding names the far bay"
equal "$(sql "SELECT verdict FROM check_result WHERE run_id = 2 AND rule_id IS NULL AND point_id = 1")" \
	"pass" "the 4.99 m bay still passes"
equal "$(sql 'SELECT npoints, npass, nfail FROM check_run WHERE id = 2')" "4|3|1" "second run counts"

# --- filters: only the bays; --no-record stores nothing
expect 1 "$SCHOUW" check --profile nl-crow --type disabled_parking --no-record
contains "$OUT" "disabled_parking"
lacks "$OUT" "#2 "
equal "$(sql 'SELECT count(*) FROM check_run')" 2 "--no-record stores no run"
expect 0 "$SCHOUW" check --profile nl-crow --near 105000,425000 --radius 1 --no-record

# --- JSON parses and says the same; CSV has one row per finding
expect 1 "$SCHOUW" check --profile nl-crow --format json --no-record
echo "$OUT" >"$T/check.json"
if python3 -m json.tool "$T/check.json" >/dev/null; then ok; else fail "check --format json is not JSON"; fi
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
bad = [p for p in d["points"] if p["verdict"] == "fail"]
errs = [f["rule"] for f in bad[0]["findings"] if f["severity"] == "error"]
print(len(d["points"]), len(bad), errs, d["totals"]["fail"], len(d["profile_hash"]))
' "$T/check.json")
equal "$got" "4 1 ['dp-kerb-ramp'] 1 64" "json verdicts"
expect 1 "$SCHOUW" check --profile nl-crow --format csv --no-record
got=$(echo "$OUT" | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
print(len({r["point_id"] for r in rows}), [r["rule_id"] for r in rows if r["outcome"] == "fail" and r["severity"] == "error"])
')
equal "$got" "4 ['dp-kerb-ramp']" "csv rows"
expect 1 "$SCHOUW" check --profile nl-crow --summary --format csv --no-record
contains "$OUT" "disabled_parking,planned,1,1,0,2"

# --- incomplete names the missing measurement
expect 0 "$SCHOUW" log kerb_ramp --x 106000 --y 426000 --set running_slope_pct=5
expect 1 "$SCHOUW" check --profile nl-crow --type kerb_ramp --no-record
contains "$OUT" "INCOMPLETE"
contains "$OUT" "missing"
contains "$OUT" "width_m"
expect 1 "$SCHOUW" check --profile nl-crow --type kerb_ramp
got=$(sql "SELECT verdict, field FROM check_result WHERE rule_id IS NULL AND run_id = (SELECT max(id) FROM check_run) AND point_id = (SELECT max(id) FROM points)")
contains "$got" "incomplete|" "stored verdict of the incomplete ramp"
contains "$got" "width_m" "stored missing fields"
equal "$(sql "SELECT count(*) FROM check_result WHERE run_id = (SELECT max(id) FROM check_run) AND rule_id IS NOT NULL AND (verdict != 'fail' OR point_id = (SELECT max(id) FROM points))")" 0 \
	"only failed rules get rows of their own"

# --- usage and input errors: exit 2, nothing stored
before=$(snapshot)
expect 2 "$SCHOUW" check --profile no-such-profile
contains "$ERR" "no-such-profile"
expect 2 "$SCHOUW" check --format xml
contains "$ERR" "--format"
expect 2 "$SCHOUW" check --profile "$SW_TESTDATA/norms-bad/unknown-unit.csv"
contains "$ERR" "unknown-unit.csv:4:"
expect 2 "$SCHOUW" check --type kerbramp
expect 2 "$SCHOUW" check surplus
unchanged "$before" "" "failed checks"
expect 2 "$SCHOUW" --db "$T/none.gpkg" check

# --- a default profile per store, used by check, log and set
expect 0 "$SCHOUW" profile set-default ada-2010
equal "$(sql "SELECT value FROM schouw_meta WHERE key = 'default_profile'")" "ada-2010" "meta"
expect 2 "$SCHOUW" profile set-default no-such-profile
expect 1 "$SCHOUW" check --no-record
contains "$OUT" "profile ada-2010"
expect 0 "$SCHOUW" profile list
contains "$OUT" "* ada-2010"
contains "$OUT" "kor-dordrecht < nl-crow"
expect 0 "$SCHOUW" profile show kor-dordrecht
contains "$OUT" "to confirm against KOR"
expect 2 "$SCHOUW" profile show "$SW_TESTDATA/norms-bad/circular-a.csv"
contains "$ERR" "circular"
# log and set print the verdict right away (ADA: 1:12 = 8.33 % running slope)
expect 0 "$SCHOUW" log kerb_ramp --x 107000 --y 427000 --set running_slope_pct=9 --set cross_slope_pct=1 --set width_m=1 --set kerb_upstand_mm=0 --set turning_space_m=1
contains "$OUT" "verdict (ada-2010): FAIL"
contains "$OUT" "running_slope_pct = 1:11.11, limit <= 1:12"
id=$(sql "SELECT max(id) FROM points")
expect 0 "$SCHOUW" set "$id" running_slope_pct=8
contains "$OUT" "verdict (ada-2010): PASS"
expect 0 "$SCHOUW" --db "$SCHOUW_DB" log kerb_ramp --quiet --x 107010 --y 427000
lacks "$OUT" "verdict"

done_testing
