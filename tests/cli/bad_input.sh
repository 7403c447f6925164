#!/usr/bin/env bash
# Bad input never crashes and never half-writes: a clear message, exit
# status 2, and the store unchanged (compared before and after).
. "$(dirname "$0")/lib.sh"

expect 0 "$SCHOUW" init
expect 0 "$SCHOUW" log kerb_ramp --x 104897 --y 425327 --set width_m=1.4
before=$(snapshot)

# bad CMD...: exit 2, store unchanged, stderr mentions each further word
bad() {
	local words=()
	while [ "$1" != "--" ]; do words+=("$1"); shift; done; shift
	expect 2 "$@"
	for w in "${words[@]}"; do contains "$ERR" "$w" "stderr of $*"; done
	unchanged "$before" "" "$*"
}

bad "kerbramp" "kerb_ramp" "disabled_parking" -- "$SCHOUW" log kerbramp --x 104897 --y 425327
bad "slope" "running_slope_pct" -- "$SCHOUW" log kerb_ramp --x 104897 --y 425327 --set slope=3
bad "done" "planned" "inspected_ok" -- "$SCHOUW" log kerb_ramp --x 104897 --y 425327 --status done
bad "width_m" -- "$SCHOUW" log kerb_ramp --x 104897 --y 425327 --set width_m=wide
bad "width_m" -- "$SCHOUW" log kerb_ramp --x 104897 --y 425327 --set width_m=-3
bad "accessible_items" -- "$SCHOUW" log playground --x 104897 --y 425327 --set accessible_items=2.5
bad "tactile_warning" -- "$SCHOUW" log kerb_ramp --x 104897 --y 425327 --set tactile_warning=maybe
bad "orientation" "parallel" "perpendicular" -- "$SCHOUW" log disabled_parking --x 104897 --y 425327 --set orientation=diagonal
bad "width_m" -- "$SCHOUW" log kerb_ramp --x 104897 --y 425327 --set width_m=nan
bad "width_m" -- "$SCHOUW" log kerb_ramp --x 104897 --y 425327 --set width_m=inf
bad "--x" -- "$SCHOUW" log kerb_ramp --x nan --y 425327
bad "--lat" -- "$SCHOUW" log kerb_ramp --lat inf --lon 4.66
# outside the Netherlands, and the swapped lat/lon hint
bad "outside the Netherlands" -- "$SCHOUW" log kerb_ramp --lat 48.85 --lon 2.35
bad "swapped" -- "$SCHOUW" log kerb_ramp --lat 4.6606 --lon 51.8143
bad "swapped" -- "$SCHOUW" log kerb_ramp --x 425327 --y 104897
bad "outside the Netherlands" -- "$SCHOUW" log kerb_ramp --x 900000 --y 425327
bad "position" -- "$SCHOUW" log kerb_ramp
bad "observed_at" -- "$SCHOUW" log kerb_ramp --x 104897 --y 425327 --observed-at yesterday
# invalid UTF-8 and control characters in text
bad "UTF-8" -- "$SCHOUW" log kerb_ramp --x 104897 --y 425327 --note $'caf\xe9'
bad "UTF-8" -- "$SCHOUW" log kerb_ramp --x 104897 --y 425327 --by $'\xff\xfe'
bad "UTF-8" -- "$SCHOUW" set 1 $'note=\xc0\xaf'
# set: unknown field, bad value, unknown point, immutable type
bad "colour" "width_m" -- "$SCHOUW" set 1 colour=red
bad "width_m" -- "$SCHOUW" set 1 width_m=1.2 width_m=x
bad "99" -- "$SCHOUW" set 99 status=realised
bad "type" -- "$SCHOUW" set 1 type=crossing
bad "99" -- "$SCHOUW" delete 99
bad "unknown command" -- "$SCHOUW" frobnicate
bad "schouw list" "unknown option" "--bogus" -- "$SCHOUW" list --bogus
bad "schouw log" "--status" "needs a value" -- "$SCHOUW" log kerb_ramp --x 104897 --y 425327 --status

# SQL metacharacters are data, not SQL
expect 0 "$SCHOUW" log kerb_ramp --x 104900 --y 425330 --by "Robert'); DROP TABLE points;--" \
	--note "50% \"quoted\" ; DELETE FROM points"
expect 0 "$SCHOUW" list --by "Robert'); DROP TABLE points;--"; contains "$OUT" "(1 point)"
expect 0 "$SCHOUW" list; contains "$OUT" "(2 points)"
before=$(snapshot)

# a file that is not a GeoPackage, and a corrupt one
head -c 4096 /dev/urandom > random.gpkg
bad "random.gpkg" -- "$SCHOUW" --db random.gpkg list
printf 'hello' > text.gpkg
bad "text.gpkg" -- "$SCHOUW" --db text.gpkg list
sqlite3 plain.sqlite 'CREATE TABLE t(a); INSERT INTO t VALUES (1);'
bad "plain.sqlite" "GeoPackage" -- "$SCHOUW" --db plain.sqlite list
cp test.gpkg corrupt.gpkg
sqlite3 test.gpkg 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
cp test.gpkg corrupt.gpkg
size=$(stat -c %s corrupt.gpkg)
truncate -s $((size / 2)) corrupt.gpkg
bad "corrupt.gpkg" -- "$SCHOUW" --db corrupt.gpkg list
# garbage over the schema table's b-tree page (page 1, after the 100-byte header)
cp test.gpkg corrupt2.gpkg
printf '\xde\xad\xbe\xef%.0s' $(seq 1 64) | dd of=corrupt2.gpkg bs=1 seek=100 conv=notrunc 2>/dev/null
bad "corrupt2.gpkg" -- "$SCHOUW" --db corrupt2.gpkg list

# a read-only store: refused with a message, nothing written. Root ignores
# file modes, so as root the command runs as nobody through setpriv, from a
# directory nobody can reach (the clone may sit in a private 0700 dir): the
# binary, the data files and the store are copied there.
as_user=()
ro_dir=.
ro_run=("$SCHOUW")
if [ "$(id -u)" -eq 0 ]; then
	ro_dir=$(mktemp -d /tmp/schouw-ro.XXXXXX)
	chmod 1777 "$ro_dir"
	cp "$SCHOUW" "$ro_dir/schouw"
	cp -r "$SCHOUW_DATA" "$ro_dir/data"
	chmod -R a+rX "$ro_dir/schouw" "$ro_dir/data"
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	ro_run=(env SCHOUW_DATA="$ro_dir/data" "$ro_dir/schouw")
fi
cp test.gpkg "$ro_dir/ro.gpkg"
chmod 444 "$ro_dir/ro.gpkg"
robefore=$(snapshot "$ro_dir/ro.gpkg")
bad "ro.gpkg" "read-only" -- "${as_user[@]}" "${ro_run[@]}" --db "$ro_dir/ro.gpkg" log kerb_ramp --x 104897 --y 425327
unchanged "$robefore" "$ro_dir/ro.gpkg" "read-only log"
# reading a read-only store still works
expect 0 "${as_user[@]}" "${ro_run[@]}" --db "$ro_dir/ro.gpkg" list; contains "$OUT" "(2 points)"
[ "$ro_dir" != . ] && rm -rf "$ro_dir"

done_testing
