#!/usr/bin/env bash
# schouw merge between two stores: per-field merges from both histories,
# conflicts kept and settled, deletes, photos by hash, history with origins,
# idempotence, both directions converge, one transaction (a killed merge
# changes nothing).
. "$(dirname "$0")/lib.sh"

A="$T/a.gpkg" B="$T/b.gpkg"
sa() { "$SCHOUW" --db "$A" "$@"; }
sb() { "$SCHOUW" --db "$B" "$@"; }
# the points as both stores must agree on them
state() {
	sqlite3 "$1" "SELECT uuid, type, status, note, width_m, hex(geom) FROM points ORDER BY uuid"
}
uuid_of() { sqlite3 "$1" "SELECT uuid FROM points WHERE id = $2"; }

expect 0 sa init -q
expect 0 sb init -q
for i in 1 2 3; do
	expect 0 sa log kerb_ramp --x $((104890 + i)) --y 425327 --status planned \
		--set width_m=1.4 --by "An" -q
done
U1=$(uuid_of "$A" 1) U2=$(uuid_of "$A" 2) U3=$(uuid_of "$A" 3)
/usr/bin/python3 -c "from PIL import Image; Image.new('RGB',(16,16),(9,90,200)).save('p.jpg')"
expect 0 sa photo add 1 p.jpg --by An -q

# ---- a first merge brings everything ----
expect 0 sb merge "$A"
contains "$OUT" "3 points added"
contains "$OUT" ", 1 photo"$'\n' "one photo, in the singular"
contains "$OUT" "no conflicts"
equal "$(state "$B")" "$(state "$A")" "B after its first merge of A"
equal "$(sqlite3 "$B" "SELECT count(*) FROM points_photos")" 1 "the photo came along"
equal "$(sqlite3 "$B" "SELECT sha256 FROM photos")" "$(sqlite3 "$A" "SELECT sha256 FROM photos")" \
	"the photo by its hash"
AID=$(sqlite3 "$A" "SELECT value FROM schouw_meta WHERE key = 'store_id'")
equal "$(sqlite3 "$B" "SELECT count(*) FROM schouw_history WHERE origin = '$AID'")" \
	"$(sqlite3 "$A" "SELECT count(*) FROM schouw_history")" "A's history came along with its origin"
equal "$(sqlite3 "$B" "SELECT count(*) FROM schouw_history WHERE origin IS NULL")" 0 \
	"a merge writes no rows of its own when nothing conflicts"
expect 0 sb history "$U1"
contains "$OUT" "An" "history of a merged point names its surveyor"
equal "$(sqlite3 "$B" "SELECT last_seq FROM schouw_sync WHERE origin = '$AID'")" \
	"$(sqlite3 "$A" "SELECT max(seq) FROM schouw_history")" "B's version vector"

# ---- merging the same store again changes nothing ----
before=$(snapshot "$B")
expect 0 sb merge "$A"
contains "$OUT" "0 history rows"
unchanged "$before" "$B" "a second merge of the same store"
# each count its own plural, in Dutch too
expect 0 sa set 3 note="one change" --by An -q
expect 0 env LC_ALL= LANGUAGE= LANG=nl_NL.UTF-8 "$SCHOUW" --db "$B" merge "$A" --dry-run
contains "$OUT" "1 geschiedenisregel, 0 punten toegevoegd, 1 gewijzigd"
expect 0 sa set 3 note= --by An -q

# ---- changes on both sides ----
expect 0 sa set 1 status=realised width_m=1.5 --by An -q
expect 0 sa delete 3 --by An -q
sleep 1.1 # B's width change is the later one
expect 0 sb set "$U1" width_m=1.6 --by Bo -q
expect 0 sb set "$U2" note="kerb cracked" --by Bo -q
expect 0 sb log kerb_ramp --x 104900 --y 425330 --set width_m=1.2 --by Bo -q
UB=$(sqlite3 "$B" "SELECT uuid FROM points ORDER BY id DESC LIMIT 1")

# a dry run changes nothing and says what would happen
before=$(snapshot "$B")
expect 0 sb merge "$A" --dry-run
contains "$OUT" "1 conflict"
unchanged "$before" "$B" "merge --dry-run"

# a killed merge leaves the store as it was
SCHOUW_TEST_MERGE_KILL=1 "$SCHOUW" --db "$B" merge "$A" >/dev/null 2>&1
st=$?
[ "$st" -ge 128 ] && ok || fail "the merge was not killed (status $st)"
unchanged "$before" "$B" "a killed merge"

expect 0 sb merge "$A"
contains "$OUT" "1 conflict"
contains "$OUT" "1 deleted"
row1=$(sqlite3 "$B" "SELECT status, width_m FROM points WHERE uuid = '$U1'")
equal "$row1" "realised|1.6" "a field changed on one side taken, the newer side shown in a conflict"
equal "$(sqlite3 "$B" "SELECT count(*) FROM points WHERE uuid = '$U3'")" 0 \
	"deleted there, unchanged here: deleted"
expect 0 sb conflicts
contains "$OUT" "width_m"
contains "$OUT" "1.5"
contains "$OUT" "1.6"
contains "$OUT" "An"
contains "$OUT" "Bo"
contains "$OUT" "shown meanwhile: ours"

# ---- B into A: both the same ----
expect 0 sa merge "$B"
contains "$OUT" "no conflicts"
equal "$(state "$A")" "$(state "$B")" "A and B converge"
equal "$(sqlite3 "$A" "SELECT note FROM points WHERE uuid = '$U2'")" "kerb cracked" "B's note in A"
equal "$(sqlite3 "$A" "SELECT count(*) FROM points WHERE uuid = '$UB'")" 1 "B's new point in A"
# and once more both ways: nothing changes
before=$(snapshot "$A")
expect 0 sa merge "$B"
unchanged "$before" "$A" "merging back what came from A"
before=$(snapshot "$B")
expect 0 sb merge "$A"
unchanged "$before" "$B" "merging A again after the round trip"

# ---- settling the conflict goes through the history and travels ----
expect 0 sb resolve "$U1" width_m theirs --by Bo
contains "$OUT" "settled width_m"
equal "$(sqlite3 "$B" "SELECT width_m FROM points WHERE uuid = '$U1'")" 1.5 "resolved to theirs"
expect 0 sb conflicts
contains "$OUT" "no open conflicts"
expect 0 sb conflicts --all
contains "$OUT" "settled: 1.5"
expect 2 sb resolve "$U1" width_m ours
contains "$ERR" "no open conflict"
expect 0 sa merge "$B"
equal "$(state "$A")" "$(state "$B")" "the settled value travels"

# ---- an edit against a delete is a conflict ----
expect 0 sa delete "$U2" --by An -q
sleep 1.1
expect 0 sb set "$U2" status=realised --by Bo -q
expect 0 sb merge "$A" --prefer newer
contains "$OUT" "1 conflict"
equal "$(sqlite3 "$B" "SELECT count(*) FROM points WHERE uuid = '$U2'")" 1 "the newer edit keeps the point"
expect 0 sb conflicts
contains "$OUT" "point"
contains "$OUT" "deleted"
expect 0 sa merge "$B"
equal "$(state "$A")" "$(state "$B")" "the kept point comes back to A"
# --prefer theirs shows their value
expect 0 sa set "$UB" width_m=2.0 --by An -q
expect 0 sb set "$UB" width_m=2.5 --by Bo -q
expect 0 sb merge "$A" --prefer theirs
equal "$(sqlite3 "$B" "SELECT width_m FROM points WHERE uuid = '$UB'")" 2.0 "--prefer theirs"
expect 0 sa merge "$B"
equal "$(state "$A")" "$(state "$B")" "converged after --prefer theirs"

# ---- a delete here against an edit there ----
expect 0 sb delete "$UB" --by Bo -q
sleep 1.1
expect 0 sa set "$UB" note="still there" --by An -q
expect 0 sb merge "$A"
contains "$OUT" "1 conflict"
equal "$(sqlite3 "$B" "SELECT note FROM points WHERE uuid = '$UB'")" "still there" \
	"the newer edit brings the point deleted here back"
expect 0 sa merge "$B"
equal "$(state "$A")" "$(state "$B")" "converged after a delete against an edit"

# ---- refusals ----
cp "$A" "$T/copy.gpkg"
before=$(snapshot "$A")
expect 2 sa merge "$T/copy.gpkg"
contains "$ERR" "copy"
expect 2 sa merge "$T/missing.gpkg"
expect 2 sa merge "$B" --prefer mine
unchanged "$before" "$A" "refused merges"
expect 0 sa doctor
contains "$OUT" "no findings" "doctor on a merged store"
expect 0 sb doctor
contains "$OUT" "no findings" "doctor on the other merged store"

done_testing
