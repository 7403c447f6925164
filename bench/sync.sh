#!/usr/bin/env bash
# schouw push / merge speed, with ogr2ogr as the anchor in the same run:
#   1. push of N points into an empty PostGIS database vs `ogr2ogr -f
#      PostgreSQL --config PG_USE_COPY YES` loading the same points from the
#      same store (ratio, target <= 0.5)
#   2. an incremental push of 1000 changed points into the database of N
#      (target < 1 s)
#   3. a merge of two M-point stores (default 100k) with 1000 changes on
#      each side
# A throwaway PostgreSQL 15 cluster runs on a Unix socket in a temp dir (as
# nobody when run as root), fsync off for both schouw and ogr2ogr.
#   N=200000 bench/sync.sh        (default N=1000000, M=100000, ROUNDS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
M=${M:-100000}
W=${BENCH_DIR:-$(mktemp -d /tmp/schouw-sync.XXXXXX)}
mkdir -p "$W"
export SCHOUW_DATA="$PWD/survey" SCHOUW_USER=bench
PGBIN=/usr/lib/postgresql/15/bin

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSW_TESTS=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" >/dev/null
S="$PWD/build-bench/schouw"

PGD=$(mktemp -d /tmp/schouw-pgb.XXXXXX)
AS=env
if [ "$(id -u)" -eq 0 ]; then
	chown nobody:nogroup "$PGD"
	AS="setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=$PGD"
fi
chmod 700 "$PGD"
pgas() { (cd "$PGD" && $AS "$@"); }
trap 'cp "$PGD/log" "$W/pg.log" 2>/dev/null || true; pgas "$PGBIN/pg_ctl" -D "$PGD/data" -m immediate stop >/dev/null 2>&1; rm -rf "$PGD"' EXIT
pgas "$PGBIN/initdb" -D "$PGD/data" -U schouw --auth=trust -E UTF8 --no-locale >/dev/null
pgas "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w \
	-o "-k $PGD -c listen_addresses='' -c fsync=off -c max_wal_size=4GB -c shared_buffers=256MB -c log_min_duration_statement=300" \
	start >/dev/null
# fresh databases for a round; the extension is a one-time step of the DBA,
# for both
fresh_dbs() {
	for d in anchor city; do
		PGOPTIONS=--client-min-messages=warning psql "host=$PGD user=schouw dbname=postgres" \
			-qc "DROP DATABASE IF EXISTS $d" \
			-c "CREATE DATABASE $d"
		psql "host=$PGD user=schouw dbname=$d" -qc "CREATE EXTENSION postgis"
	done
}
# every timed load starts on a settled machine: the previous load's dirty
# pages written out (else the second of two loads pays the first's writeback)
settle() {
	psql "host=$PGD user=schouw dbname=postgres" -qc "CHECKPOINT"
	sync
	sleep 1
}

secs() { /usr/bin/time -f "%e %U %S" -o "$W/time" "$@" >"$W/out" 2>&1 || { cat "$W/out"; exit 1; }
	awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$W/time"; }

echo "sync bench: N=$N points, M=$M for the merge, work dir $W"
[ -s "$W/points.csv" ] || python3 bench/gen_points.py "$N" >"$W/points.csv"
rm -f "$W/a.gpkg"*
"$S" --db "$W/a.gpkg" init -q
"$S" --db "$W/a.gpkg" import "$W/points.csv" --by bench -q >/dev/null

# ---- 1. push into an empty database vs ogr2ogr, best of ROUNDS ----
# (each round on fresh databases, the two loads in turn, each on a settled
# machine)
ROUNDS=${ROUNDS:-3}
ogr="" push=""
best() { # best "wall cpu" of $1 and $2 by wall
	if [ -z "$1" ]; then echo "$2"; else
		awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ");
			print (y[1] < x[1] ? b : a) }'
	fi
}
for r in $(seq "$ROUNDS"); do
	fresh_dbs
	settle
	o=$(secs ogr2ogr -f PostgreSQL "PG:host=$PGD user=schouw dbname=anchor" "$W/a.gpkg" points \
		-nln points_ogr -lco GEOMETRY_NAME=geom --config PG_USE_COPY YES)
	settle
	p=$(secs "$S" --db "$W/a.gpkg" push "host=$PGD user=schouw dbname=city" --source bench)
	echo "  round $r: ogr2ogr $o, push $p (wall cpu); $(grep pushed "$W/out")"
	ogr=$(best "$ogr" "$o")
	push=$(best "$push" "$p")
	settle
done
# ---- 2. 1000 changes (a QGIS-like edit: the guard writes their history) ----
# (through GDAL: its connection has the ST_ functions the R-tree triggers call)
gsql() { ogrinfo -q "$1" -sql "$2" >/dev/null 2>&1; }
gsql "$W/a.gpkg" "UPDATE points SET status = 'realised', note = 'bench change'
	WHERE id IN (SELECT id FROM points ORDER BY random() LIMIT 1000)"
inc=$(secs "$S" --db "$W/a.gpkg" push "host=$PGD user=schouw dbname=city")
echo "  $(grep pushed "$W/out")"

# ---- 3. merge of two M-point stores, 1000 changes on each side ----
python3 bench/gen_points.py "$M" 7 >"$W/m.csv"
rm -f "$W/m1.gpkg"* "$W/m2.gpkg"*
"$S" --db "$W/m1.gpkg" init -q
"$S" --db "$W/m2.gpkg" init -q
"$S" --db "$W/m1.gpkg" import "$W/m.csv" --by bench -q >/dev/null
first=$(secs "$S" --db "$W/m2.gpkg" merge "$W/m1.gpkg")
gsql "$W/m1.gpkg" "UPDATE points SET status = 'realised' WHERE id % 100 = 1"
gsql "$W/m2.gpkg" "UPDATE points SET note = 'other side' WHERE id % 100 = 2"
merge=$(secs "$S" --db "$W/m2.gpkg" merge "$W/m1.gpkg")
echo "  $(tr '\n' ' ' <"$W/out")"

awk -v ogr="$ogr" -v push="$push" -v inc="$inc" -v first="$first" -v merge="$merge" \
	-v n="$N" -v m="$M" -v rounds="$ROUNDS" 'BEGIN {
	split(ogr, o, " "); split(push, p, " "); split(inc, i, " ")
	split(first, f, " "); split(merge, g, " ")
	printf("best of %d rounds:\n", rounds)
	printf("ogr2ogr -f PostgreSQL (COPY), %d points  %8.2f s wall %8.2f s cpu\n", n, o[1], o[2])
	printf("schouw push into an empty db, %d points  %8.2f s wall %8.2f s cpu\n", n, p[1], p[2])
	printf("ratio push / ogr2ogr                    %8.3f x wall  (target <= 0.5)%s\n",
		p[1] / o[1], p[1] / o[1] > 0.5 ? "  MISSED" : "")
	printf("incremental push, 1000 changes into %d  %8.2f s wall  (target < 1 s)%s\n", n, i[1],
		i[1] >= 1 ? "  MISSED" : "")
	printf("first merge of a %d-point store          %8.2f s wall %8.2f s cpu\n", m, f[1], f[2])
	printf("merge of two %d-point stores, 1000 changes each side  %8.2f s wall %8.2f s cpu\n",
		m, g[1], g[2]) }'
