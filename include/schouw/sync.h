/* sync.h - keep a store and a shared PostgreSQL/PostGIS database in step:
 * schouw push / pull (app/sync.c, through io/pg.h).
 *
 * The database (schema version 2, made on first use; schouw_db_meta holds
 * schema_version and db_id):
 *   points    id, source, uuid UNIQUE, type, status, surveyor, observed_at,
 *             gps_accuracy_m, note, created_at, updated_at,
 *             geom geometry(Point, 28992) with a GiST index, then one column
 *             per form field (double precision, bigint, text)
 *   history   every store's history rows with source, origin, origin_seq
 *             (UNIQUE (origin, origin_seq))
 *   sync      (source, origin, last_seq): the database's version vector
 *   photos    each photo once, by its SHA-256 (bytea)
 *   point_photos  (source, point_uuid, sha256): which point shows which
 *   check_runs  every store's check runs (source, origin = the store id,
 *             run_id, at, profile, profile_hash and the counts)
 *   check_results  each run's verdicts and failed rules per point
 *   point_verdicts  (view) every point with its latest run's verdict
 * Several cities share one database: every row carries its source (the
 * municipality) and every query is filtered by it.
 *
 * pull: the database's rows the store has not seen, and the current points
 * they touch, are merged into the store exactly as sw_merge merges another
 * store (per field, conflicts kept in the store). push: first the same pull,
 * under a per-source lock in the database's transaction, so the database
 * holds nothing the store has not seen; then the store's rows the database
 * lacks are streamed with COPY into a staging table and the points they
 * touch with COPY into another, applied with INSERT ... ON CONFLICT (uuid)
 * DO UPDATE (and DELETE for deleted points), and the history and the vector
 * follow. The database commits first, then the store; if the database fails
 * (a dropped connection) both roll back and the next push does it all.
 */
#ifndef SCHOUW_SYNC_H
#define SCHOUW_SYNC_H

#include "schouw/error.h"
#include "schouw/form.h"
#include "schouw/merge.h"
#include "schouw/store.h"

struct sw_sync_opts {
	const char *source; /* the municipality; required */
	enum sw_merge_prefer prefer;
	const char *who;
};

struct sw_sync_stats {
	struct sw_merge_stats pulled;
	long long pushed_rows, pushed_points, pushed_deletes;
	long long pushed_photos; /* photos the database did not hold yet */
	long long pushed_runs;   /* check runs (with their results) new to it */
};

/* s open for writing with its form columns synced; forms give the database
 * its columns. A source's first push into a database without points or
 * history loads the tables bare and indexes them after, the history through
 * a second connection beside the points (app/sync_first.c). The test hook
 * SCHOUW_TEST_PUSH_DROP=1 kills the database connection
 * (pg_terminate_backend) just before its COMMIT; =loader kills the second
 * connection of a first push after its COPY. */
enum sw_status sw_sync_push(struct sw_store *s, const struct sw_forms *forms, const char *conninfo,
                            const struct sw_sync_opts *o, struct sw_sync_stats *st,
                            struct sw_error *err);
enum sw_status sw_sync_pull(struct sw_store *s, const struct sw_forms *forms, const char *conninfo,
                            const struct sw_sync_opts *o, struct sw_sync_stats *st,
                            struct sw_error *err);

#endif
