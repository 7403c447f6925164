#!/usr/bin/env bash
# --as-of: list, summary, export, map and check see the points as they were
# at a past moment, rebuilt from the history of the fixture
# (history_fixture.inc, whose facts are listed there).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/history_fixture.inc"
fixture || { fail "building the fixture"; done_testing; }

# ids (and statuses) as of a moment: "1:planned 2:planned ..."
ids_at() {
	"$SCHOUW" list --format csv --as-of "$1" "${@:2}" | awk -F, 'NR > 1 { printf "%s%s:%s", sep, $1, $4; sep = " " }'
}
col_at() { # col_at AS_OF ID COLUMN
	"$SCHOUW" list --format csv --as-of "$1" | awk -F, -v id="$2" -v c="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
		$1 == id { print $k }'
}

# before anything existed, and on the first day
equal "$(ids_at 2024-01-31)" "" "before the first point"
equal "$(ids_at 2024-02-10)" "1:planned 2:planned" "end of the first day"
equal "$(ids_at 2024-02-10T09:00:00Z)" "1:planned" "a timestamp includes its own second"
# the start of 2025 (31 December 2024 ends at 23:00 UTC)
equal "$(ids_at 2024-12-31)" "1:planned 2:planned 3:planned 4:planned 5:realised 6:planned" "end of 2024"
# an update undone: status and measurement as they were; a day means its end
equal "$(col_at 2025-02-13 1 running_slope_pct)" "12" "slope before the update"
equal "$(col_at 2025-02-13 1 status)" "planned" "status before the update"
equal "$(col_at 2025-02-14 1 running_slope_pct)" "7.9" "slope at the end of the update's day"
equal "$(col_at 2025-02-13 1 observed_at)" "2024-02-10T09:00:00Z" "observed_at put back"
# deleted later: back with its values then, its old id and measurement
equal "$(ids_at 2025-05-01)" "1:realised 2:in_progress 3:planned 4:planned 5:realised 6:planned" "between two status changes"
equal "$(ids_at 2025-05-09)" "1:realised 2:realised 3:planned 4:planned 5:realised 6:planned" "before the delete"
equal "$(col_at 2025-05-09 6 width_m)" "1.1" "deleted point's measurement"
equal "$(col_at 2025-05-09 6 note)" "F" "deleted point's note"
equal "$(ids_at 2025-05-10)" "1:realised 2:realised 3:planned 4:planned 5:realised" "after the delete"
# the end of a day in Amsterdam (CEST): G at 23:30 local is in, H at 00:30 is not
equal "$(ids_at 2025-06-30)" "1:realised 2:realised 3:planned 4:planned 5:realised 7:planned" "30 June, Amsterdam"
equal "$(ids_at 2025-06-30T23:45:00+02:00)" "1:realised 2:realised 3:planned 4:planned 5:realised 7:planned" "timestamp with zone"
equal "$(ids_at 2025-07-01)" "1:realised 2:realised 3:planned 4:planned 5:realised 7:planned 8:planned" "1 July"
# a re-import's measurement update is undone too
equal "$(col_at 2025-09-30 2 width_m)" "" "before the re-import"
equal "$(col_at 2025-10-01 2 width_m)" "1.5" "after the re-import"
# now equals the plain list
equal "$(ids_at 2030-01-01)" "$("$SCHOUW" list --format csv | awk -F, 'NR > 1 { printf "%s%s:%s", sep, $1, $4; sep = " " }')" "as of the future is now"
# filters apply to the rebuilt points
equal "$(ids_at 2025-05-09 --status planned)" "3:planned 4:planned 6:planned" "--status on the past"
equal "$(ids_at 2025-05-09 --type crossing)" "3:planned" "--type on the past"
equal "$(ids_at 2025-05-09 --area dordt-west)" "4:planned" "--area on the past"
equal "$(ids_at 2025-05-09 --bbox 105390,425390,105410,425410)" "6:planned" "--bbox finds a deleted point"

# summary, export, map and check take it as well
expect 0 "$SCHOUW" summary --as-of 2025-05-09
contains "$OUT" "planned" "summary"
equal "$("$SCHOUW" summary --as-of 2025-05-09 --type kerb_ramp --status planned | grep -c planned)" "1" "summary row"
expect 0 "$SCHOUW" export past.csv --as-of 2025-05-09
equal "$(awk 'END { print NR - 1 }' past.csv)" "6" "export rows as of 2025-05-09"
expect 0 "$SCHOUW" export past.geojson --as-of 2024-02-10
equal "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open("past.geojson"))["features"]))')" "2" "geojson features"
expect 0 "$SCHOUW" map -o past.png --as-of 2024-12-31 --width 400 --height 300 --no-basemap
contains "$OUT" "6 points" "map draws the points then"
expect 0 "$SCHOUW" map -o then.png --as-of 2024-02-10 --width 400 --height 300 --no-basemap
contains "$OUT" "2 points" "map of the first day"
# check judges the rebuilt point: slope 12 fails the 10 % rule, 7.9 does not
before=$(snapshot)
expect 1 "$SCHOUW" check --profile kor-dordrecht --as-of 2025-02-13 --format csv --type kerb_ramp
contains "$(echo "$OUT" | grep '^"1",')" 'kr-running-slope","fail"' "the slope of 12 % fails then"
"$SCHOUW" check --profile kor-dordrecht --as-of 2025-02-14 --format csv --type kerb_ramp >now.csv
contains "$(grep '^"1",' now.csv)" '"1","' "point 1 judged"
lacks "$(grep '^"1",' now.csv)" 'kr-running-slope","fail"' "7.9 % does not fail"
unchanged "$before" "" "check --as-of records no run"

# bad dates
for bad in 2025-02-30 2025-13-01 yesterday 2025-06-30T25:00; do
	expect 2 "$SCHOUW" list --as-of "$bad"
	contains "$ERR" "--as-of" "error names the option"
done
done_testing
