#!/usr/bin/env bash
# schouw push / pull through a real PostgreSQL 15 + PostGIS 3 cluster, started
# here in a temporary directory on a Unix socket as an unprivileged user
# (PostgreSQL refuses root) and stopped afterwards: two stores converge,
# per-field merges and conflicts, a dropped connection mid-push, GDAL reads
# the layer, passwords never in argv.
. "$(dirname "$0")/lib.sh"

PGBIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PGBIN/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
	echo "postgis.sh: SKIPPED LOUDLY: postgresql-15 and postgresql-15-postgis-3 are not" \
		"installed; run scripts/deps.sh as root" >&2
	exit 0
fi
PGD=$(mktemp -d /tmp/schouw-pg.XXXXXX) # short: a socket path has at most 107 bytes
if [ "$(id -u)" -eq 0 ]; then
	chown nobody:nogroup "$PGD"
	AS="setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=$PGD"
else
	AS="env"
fi
chmod 700 "$PGD"
pgas() { (cd "$PGD" && $AS "$@"); } # the cluster's user cannot enter $T
cleanup() {
	pgas "$PGBIN/pg_ctl" -D "$PGD/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$PGD"
}
trap cleanup EXIT
pgas "$PGBIN/initdb" -D "$PGD/data" -U schouw --auth=trust -E UTF8 --no-locale >"$T/initdb.log" 2>&1 ||
	{ cat "$T/initdb.log"; fail "initdb"; done_testing; }
pgas "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w \
	-o "-k $PGD -c listen_addresses='' -c fsync=off" start >/dev/null ||
	{ cat "$PGD/log"; fail "pg_ctl start"; done_testing; }
psql "host=$PGD user=schouw dbname=postgres" -qc "CREATE DATABASE city" >/dev/null || fail "createdb"
DB="host=$PGD user=schouw dbname=city"

A="$T/a.gpkg" B="$T/b.gpkg"
sa() { "$SCHOUW" --db "$A" "$@"; }
sb() { "$SCHOUW" --db "$B" "$@"; }
state() {
	sqlite3 "$1" "SELECT uuid, type, status, note, width_m, hex(geom) FROM points ORDER BY uuid"
}
dbstate() {
	psql "$DB" -AtF'|' -c "SELECT uuid, type, status, note, width_m, ST_AsText(geom) FROM points
		WHERE source = '${1:-dordrecht}' ORDER BY uuid"
}
q() { psql "$DB" -Atc "$1"; }

expect 0 sa init -q
expect 0 sb init -q
for i in 1 2 3; do
	expect 0 sa log kerb_ramp --x $((104890 + i)) --y 425327 --status planned \
		--set width_m=1.4 --by An -q
done
U1=$(sqlite3 "$A" "SELECT uuid FROM points WHERE id = 1")
U2=$(sqlite3 "$A" "SELECT uuid FROM points WHERE id = 2")
U3=$(sqlite3 "$A" "SELECT uuid FROM points WHERE id = 3")

# ---- refusals: a password in argv, no source ----
expect 2 sa push "$DB password=secret" --source dordrecht
contains "$ERR" "PGPASSFILE"
expect 2 sa push "postgresql://schouw:secret@localhost/city" --source dordrecht
contains "$ERR" "password"
expect 2 sa push "$DB"
contains "$ERR" "--source"

# ---- the first push makes the schema ----
# into the empty database it loads bare and indexes after, the history
# through a second connection into a load schema of its own; a dropped
# connection there (the push's own, after the loader committed; or the
# loader's) leaves the tables empty with every index and no load schema
LOADS="SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'schouw_load%'"
INDEXES="SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes
	WHERE tablename IN ('points', 'history')"
TABLES="SELECT (SELECT count(*) FROM points) || '|' || (SELECT count(*) FROM history)"
before=$(snapshot "$A")
for hook in 1 loader; do
	SCHOUW_TEST_PUSH_DROP=$hook "$SCHOUW" --db "$A" push "$DB" --source dordrecht \
		>"$T/drop0.out" 2>&1
	equal "$?" 2 "a first push whose connection dropped ($hook) fails"
	grep -q "PostgreSQL" "$T/drop0.out" && ok || fail "no PostgreSQL error: $(cat "$T/drop0.out")"
	unchanged "$before" "$A" "a first push whose connection dropped ($hook)"
	equal "$(q "$TABLES")" "0|0" "the database after a dropped first push ($hook)"
	equal "$(q "$LOADS")" 0 "no load schema left after a dropped first push ($hook)"
done
idx=$(q "$INDEXES")
equal "$idx" "history_origin_origin_seq_key,history_pkey,history_point,points_geom_gist,points_pkey,points_source,points_uuid_key" \
	"the indexes after the dropped first pushes"
# a load schema a dead push left (the process killed between the two
# commits) is swept by the next push; one a live push holds is not
psql "$DB" -qc "CREATE SCHEMA schouw_load_0badc0de0000_1; CREATE TABLE
	schouw_load_0badc0de0000_1.history (id bigint)" || fail "make a stale load schema"
/usr/bin/python3 -c "from PIL import Image; Image.new('RGB',(16,16),(9,90,200)).save('$T/p.jpg')"
expect 0 sa photo add 1 "$T/p.jpg" --by An -q
expect 0 sa push "$DB" --source dordrecht
contains "$OUT" "pushed: 4 history rows, 3 points, 0 deleted, 1 photo"
equal "$(q "$INDEXES")" "$idx" "the indexes after a bare first load"
equal "$(q "$LOADS")" 0 "the stale load schema swept, the push's own gone"
equal "$(q "SELECT max(id) FROM history")" 4 "history ids from the client"
SHA=$(sqlite3 "$A" "SELECT sha256 FROM photos")
equal "$(q "SELECT sha256 || ' ' || content_type || ' ' || length(bytes) FROM photos")" \
	"$SHA image/jpeg $(stat -c %s "$T/p.jpg")" "the photo went up by its hash"
equal "$(q "SELECT source || ' ' || point_uuid FROM point_photos")" "dordrecht $U1" \
	"which point shows it"
equal "$(q "SELECT encode(sha256(bytes), 'hex') FROM photos")" "$SHA" "the bytes intact"
# the sequences go on after the loaded ids
equal "$(q "SELECT nextval(pg_get_serial_sequence('history', 'id'))")" 5 "history id sequence"
equal "$(q "SELECT nextval(pg_get_serial_sequence('points', 'id'))")" 4 "points id sequence"
equal "$(q "SELECT ST_AsText(geom) || ' ' || ST_SRID(geom) FROM points WHERE uuid = '$U1'")" \
	"POINT(104891 425327) 28992" "the geometry loaded as EWKB"
equal "$(q "SELECT value FROM schouw_db_meta WHERE key = 'schema_version'")" 2 "db schema version"
equal "$(q "SELECT count(*) FROM points WHERE source = 'dordrecht'")" 3 "points in the database"
equal "$(q "SELECT count(*) FROM pg_indexes WHERE tablename = 'points' AND indexdef LIKE '%gist%'")" 1 \
	"GiST index"
equal "$(q "SELECT Find_SRID('public', 'points', 'geom')")" 28992 "geometry(Point, 28992)"
equal "$(q "SELECT width_m FROM points WHERE uuid = '$U1'")" 1.4 "a form field column"
equal "$(q "SELECT count(*) FROM history")" 4 "the history went up (a photo added is a row)"
# check runs go up once each
expect 1 sa check
expect 0 sa push "$DB"
contains "$OUT" ", 1 check run"
expect 0 sa push "$DB"
contains "$OUT" ", 0 check runs"
equal "$(q "SELECT count(*) || '|' || sum(npoints) FROM check_runs WHERE source = 'dordrecht'")" "1|3" \
	"the check run in the database, once"
# with its results: a verdict per point and the rules behind it, as the store has them
equal "$(q "SELECT count(*) FROM check_results WHERE rule_id IS NULL")" 3 "a verdict per point"
equal "$(q "SELECT count(*) FROM check_results")" \
	"$(sqlite3 "$A" "SELECT count(*) FROM check_result")" "every result row"
equal "$(q "SELECT string_agg(uuid || ' ' || verdict, ',' ORDER BY uuid) FROM point_verdicts")" \
	"$(sqlite3 "$A" "SELECT group_concat(point_uuid || ' ' || verdict, ',') FROM (SELECT point_uuid,
		verdict FROM check_result WHERE rule_id IS NULL ORDER BY point_uuid)")" \
	"point_verdicts: each point with its verdict of the latest run"
# a push without changes sends nothing, and says nothing on stderr (no
# server notices of the schema's IF NOT EXISTS)
expect 0 sa push "$DB"
contains "$OUT" "pushed: 0 history rows"
equal "$ERR" "" "a push's stderr"

# ---- GIS staff read it with GDAL ----
expect 0 ogrinfo -ro -so "PG:host=$PGD user=schouw dbname=city" points
contains "$OUT" "Feature Count: 3"
contains "$OUT" "28992"
expect 0 ogrinfo -ro -so "PG:host=$PGD user=schouw dbname=city" point_verdicts
contains "$OUT" "Feature Count: 3" "the verdicts view is a layer for QGIS"

# ---- B pulls, both change, they converge ----
expect 0 sb pull "$DB" --source dordrecht
contains "$OUT" "3 points added, 0 changed, 0 deleted, 1 photo"
equal "$(state "$B")" "$(state "$A")" "B after its pull"
equal "$(sqlite3 "$B" "SELECT p.sha256 FROM photos p JOIN points_photos m ON m.related_id = p.id
	JOIN points t ON t.id = m.base_id WHERE t.uuid = '$U1'")" "$SHA" "B has the photo on the point"
expect 0 sb photo get "$(sqlite3 "$B" "SELECT id FROM photos WHERE sha256 = '$SHA'")" -o "$T/back.jpg"
equal "$(sha256sum <"$T/back.jpg" | cut -d' ' -f1)" "$SHA" "the photo's bytes through the database"
expect 0 sa set 1 status=realised width_m=1.5 --by An -q
expect 0 sa delete 3 --by An -q
sleep 1.1
expect 0 sb set "$U1" width_m=1.6 --by Bo -q
expect 0 sb set "$U2" note="kerb cracked" --by Bo -q
expect 0 sb log kerb_ramp --x 104900 --y 425330 --set width_m=1.2 --by Bo -q
expect 0 sa push "$DB"
# a dropped connection mid-push leaves the database and the store as they were
before=$(snapshot "$B")
dbbefore=$(dbstate; q "SELECT count(*) FROM history")
SCHOUW_TEST_PUSH_DROP=1 "$SCHOUW" --db "$B" push "$DB" >"$T/drop.out" 2>&1
equal "$?" 2 "a push whose connection dropped fails"
grep -q "PostgreSQL" "$T/drop.out" && ok || fail "no PostgreSQL error: $(cat "$T/drop.out")"
unchanged "$before" "$B" "a push whose connection dropped"
equal "$(dbstate; q "SELECT count(*) FROM history")" "$dbbefore" "the database after a dropped push"
# the next push completes: B's changes and the conflict
expect 0 sb push "$DB"
contains "$OUT" "1 conflict"
contains "$OUT" "1 deleted"
equal "$(sqlite3 "$B" "SELECT status || '|' || width_m FROM points WHERE uuid = '$U1'")" \
	"realised|1.6" "per field: A's status, B's newer width"
equal "$(sqlite3 "$B" "SELECT count(*) FROM points WHERE uuid = '$U3'")" 0 "A's delete"
expect 0 sb conflicts
contains "$OUT" "width_m"
expect 0 sa pull "$DB"
equal "$(state "$A")" "$(state "$B")" "A and B converge through the database"
equal "$(dbstate | cut -d'|' -f1-5)" "$(sqlite3 "$A" "SELECT uuid, type, status, note, width_m FROM points ORDER BY uuid")" \
	"the database holds the same points"
# nothing new: pull and push change nothing
before=$(snapshot "$A")
expect 0 sa pull "$DB"
expect 0 sa push "$DB"
contains "$OUT" "pushed: 0 history rows"
unchanged "$before" "$A" "pull and push without news"

# ---- edit against delete through the database ----
expect 0 sa delete "$U2" --by An -q
expect 0 sa push "$DB"
expect 0 sb set "$U2" status=realised --by Bo -q
expect 0 sb push "$DB"
contains "$OUT" "1 conflict"
expect 0 sa pull "$DB"
equal "$(state "$A")" "$(state "$B")" "converged after an edit against a delete"

# ---- photos later: the bytes once, by their hash ----
/usr/bin/python3 -c "from PIL import Image; Image.new('RGB',(16,16),(200,90,9)).save('$T/q.jpg')"
expect 0 sa photo add "$U1" "$T/q.jpg" --by An -q
expect 0 sa photo add "$U2" "$T/p.jpg" --by An -q
expect 0 sa push "$DB"
contains "$OUT" "pushed: 2 history rows, 2 points, 0 deleted, 1 photo"
equal "$(q "SELECT count(*) FROM photos") $(q "SELECT count(*) FROM point_photos")" "2 3" \
	"two photos in the database, shown three times"
expect 0 sb pull "$DB"
contains "$OUT" "2 photos"
equal "$(sqlite3 "$B" "SELECT count(*) FROM photos") $(sqlite3 "$B" "SELECT count(*) FROM points_photos")" \
	"2 3" "B has both photos, shown three times"
before=$(snapshot "$B")
expect 0 sb pull "$DB"
contains "$OUT" "0 photos"
unchanged "$before" "$B" "a second pull of the photos"

# ---- a first push into tables someone has built on ----
# GIS staff made a view on the (still empty) history: the first push must
# not put another table in its place, so it loads in one connection
psql "host=$PGD user=schouw dbname=postgres" -qc "CREATE DATABASE city2" >/dev/null || fail "createdb"
DB2="host=$PGD user=schouw dbname=city2"
expect 0 sb pull "$DB2" --source dordrecht
psql "$DB2" -qc "CREATE VIEW history_by_who AS SELECT who, count(*) FROM history GROUP BY who" ||
	fail "create a view"
# and dropped an index: the load makes it again
psql "$DB2" -qc "DROP INDEX points_source" || fail "drop an index"
expect 0 sa push "$DB2" --source dordrecht
deleted=$(sqlite3 "$A" "SELECT count(DISTINCT point_uuid) FROM schouw_history WHERE action = 'delete'
	AND point_uuid NOT IN (SELECT uuid FROM points)")
contains "$OUT" "$(sqlite3 "$A" "SELECT count(*) FROM points") points, $deleted deleted"
equal "$(psql "$DB2" -Atc "SELECT sum(count) FROM history_by_who")" \
	"$(sqlite3 "$A" "SELECT count(*) FROM schouw_history")" "the view reads the loaded history"
equal "$(psql "$DB2" -Atc "$LOADS")" 0 "no load schema in the one-connection load"
equal "$(psql "$DB2" -Atc "$INDEXES")" "$idx" "the indexes after a one-connection load"
expect 0 sb pull "$DB2"
equal "$(state "$B")" "$(state "$A")" "B pulls the one-connection load"

# ---- another city in the same database stays apart ----
C="$T/c.gpkg"
expect 0 "$SCHOUW" --db "$C" init -q
expect 0 "$SCHOUW" --db "$C" log kerb_ramp --x 105000 --y 425000 --set width_m=1.3 -q
expect 0 "$SCHOUW" --db "$C" push "$DB" --source zwijndrecht
equal "$(q "SELECT count(*) FROM points WHERE source = 'zwijndrecht'")" 1 "the other city's point"
expect 0 sa pull "$DB"
contains "$OUT" "pulled: 0 history rows"
equal "$(sqlite3 "$A" "SELECT count(*) FROM points")" "$(q "SELECT count(*) FROM points WHERE source = 'dordrecht'")" \
	"a store sees only its own city"

done_testing
