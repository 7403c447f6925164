/* store_priv.h - what the src/store files share; not a public header. */
#ifndef SCHOUW_STORE_PRIV_H
#define SCHOUW_STORE_PRIV_H

#include <sqlite3.h>
#include <stdbool.h>

#include "schouw/store.h"

#define SW_SRS_RD 28992

/* The page cache of a writing handle (64 MB). */
#define CACHE_PRAGMA "PRAGMA cache_size = -65536"

/* Statements kept prepared for the life of the handle (imports call the
 * single-point writers a million times). */
enum sw_stmt {
	SW_ST_INSERT, /* these three depend on the column list: dropped when it changes */
	SW_ST_GET_ID,
	SW_ST_GET_UUID,
	SW_ST_HISTORY,
	SW_ST_EXTENT_GROW,
	SW_ST_SAVEPOINT,
	SW_ST_RELEASE,
	SW_ST_ROLLBACK_TO,
	SW_ST_HISTORY_BATCH,
	SW_ST_MARK,
	SW_ST_UNMARK,
	SW_ST_SYNC_IMPORT,
	SW_ST_SYNC_STAMP,
	SW_ST_COUNT
};

struct sw_store {
	sqlite3 *db;
	sqlite3_stmt *st[SW_ST_COUNT];
	char *path;
	enum sw_store_mode mode;
	/* transaction flags: read anywhere, changed only in store_txn.c */
	bool user_txn; /* sw_store_begin is open */
	bool bulk;     /* sw_store_bulk_begin is open */
	bool bulk_broken; /* a bulk insert failed after writing: never commit */
	struct sw_hist_batch *hist; /* history rows of bulk inserts not yet written */
	long long import_id;        /* sw_store_bulk_source of the open bulk import, or 0 */
	long long import_rows;      /* points inserted under it */
	char import_at[32];         /* its time, stamped on each of them */
	long long import_lo, import_hi; /* ids of inserts whose history rows wait */
	char **cols; /* measurement columns of points (not the fixed ones) */
	size_t *hint; /* column last found for each attribute position */
	size_t nhint;
	/* extent growth not yet written to gpkg_contents (inside sw_store_begin,
	 * written at commit instead of once per point) */
	bool ext_pending;
	double ext_minx, ext_miny, ext_maxx, ext_maxy;
	size_t ncols;
	bool photos;  /* schema 3 or later: the photo and user tables */
	bool imports; /* schema 6 or later: schouw_imports, schouw_history.import_id */
	bool guarded; /* schema 4 or later: schouw_writer and the guard triggers */
	bool quiet;   /* sw_store_sync_quiet: the point writers write no history */
	bool skip_on; /* sw_store_on_skip was called */
	sw_skip_cb skip_cb;
	void *skip_ud;
	long long nskipped;
};

/* The cached statement `which`, prepared from sql on first use, reset and
 * unbound otherwise. NULL with err filled on failure. */
sqlite3_stmt *sw_store_stmt(struct sw_store *s, enum sw_stmt which, const char *sql,
                            struct sw_error *err);

/* Register ST_IsEmpty, ST_MinX, ST_MaxX, ST_MinY, ST_MaxY on db. */
int sw_store_register_functions(sqlite3 *db);

/* Fill err from the last SQLite error on s, naming the file; returns the code
 * (SW_ERR_STORE, SW_ERR_NOMEM). what says what was being done. */
enum sw_status sw_store_sqlerr(struct sw_store *s, struct sw_error *err, const char *what);

/* Run sql (no parameters) on s; on failure fill err. */
enum sw_status sw_store_exec(struct sw_store *s, const char *sql, struct sw_error *err);

/* ---- store_txn.c ---- */

/* Start / end a write: BEGIN IMMEDIATE, or a savepoint inside an open
 * sw_store_begin. end commits when ok, else rolls back. */
enum sw_status sw_store_wbegin(struct sw_store *s, struct sw_error *err);
enum sw_status sw_store_wend(struct sw_store *s, enum sw_status rc, struct sw_error *err);

/* Enter (on, inside an open sw_store_begin) or leave bulk-import mode. */
void sw_store_txn_bulk(struct sw_store *s, bool on);

/* A bulk insert failed after writing part of a point: the open transaction
 * must never commit. */
void sw_store_txn_broken(struct sw_store *s);

/* ---- store_points.c: helpers the other store files use ---- */

/* A growing string for building SQL from fixed parts and quoted, validated
 * column names (never values). oom is set (and the text kept) when memory
 * runs out; the owner frees p. */
struct sw_store_sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};
void sw_store_sb_add(struct sw_store_sbuf *b, const char *s);

/* Prepare sql on s into *st (caller finalizes); fills err on failure. */
enum sw_status sw_store_prepare(struct sw_store *s, const char *sql, sqlite3_stmt **st,
                                struct sw_error *err);

/* Step st once, expecting SQLITE_DONE; else fill err saying what. */
enum sw_status sw_store_step_done(struct sw_store *s, sqlite3_stmt *st, const char *what,
                                  struct sw_error *err);

/* True when p passes every filter of f but as_of (type, status, by, bbox,
 * near, within on its exact coordinates); f NULL: true. */
bool sw_store_filter_match(const struct sw_filter *f, const struct sw_point *p);

/* SW_ERR_INPUT for an inverted bbox or a bad --near radius. */
enum sw_status sw_store_filter_check(struct sw_store *s, const struct sw_filter *f,
                                     struct sw_error *err);

/* Bind v (NULL: SQL NULL) without a copy: step before v changes. */
void sw_store_bind_str(sqlite3_stmt *st, int i, const char *v);

/* ---- store_asof.c ---- */

/* The point uuid as it was right after history row seq: the point now (or
 * the record of its delete) with every later row of it undone. *present
 * false: it did not exist then. out is cleared first; caller clears it. */
enum sw_status sw_store_point_after(struct sw_store *s, const char *uuid, long long seq,
                                    struct sw_point *out, bool *present, struct sw_error *err);

/* ---- store_history.c ---- */

/* One history row (action "insert", "update" or "delete"), after writing the
 * rows bulk inserts keep back. */
enum sw_status sw_store_hist_row(struct sw_store *s, long long id, const char *uuid,
                                 const char *action, const char *field, const char *old_value,
                                 const char *new_value, const char *who, const char *at,
                                 struct sw_error *err);

/* The "insert" row of the stored point p (p->id set), holding its record as
 * JSON; kept back for a batch inside a bulk import. */
enum sw_status sw_store_hist_insert(struct sw_store *s, const struct sw_point *p, const char *who,
                                    const char *at, struct sw_error *err);

/* The "delete" row of point id, holding the record old it had and, when
 * photos is not NULL, "photos": photos (a JSON array text) in it. */
enum sw_status sw_store_hist_delete(struct sw_store *s, long long id, const struct sw_point *old,
                                    const char *photos, const char *who, const char *at,
                                    struct sw_error *err);

/* Write the history rows that bulk inserts keep back (in their order, so
 * seq numbers are as if written one by one); every other write and every
 * history read comes after this. Drop forgets them (rollback, close). */
enum sw_status sw_store_hist_flush(struct sw_store *s, struct sw_error *err);
void sw_store_hist_drop(struct sw_store *s);

/* Write the pending extent growth to gpkg_contents. */
enum sw_status sw_store_extent_flush(struct sw_store *s, struct sw_error *err);

/* The DDL of the check-run tables (store_check.c), part of schema 2. */
extern const char sw_store_check_schema_v2[];

/* Schema 5 (store_sync.c): history origins, schouw_sync, schouw_conflicts;
 * the code gives the store its id. */
extern const char sw_store_sync_schema_v5[];
enum sw_status sw_store_sync_migrate_v5(struct sw_store *s, struct sw_error *err);

/* The DDL of schema 3: photos (store_photo.c) and users (store_user.c). */
extern const char sw_store_photo_schema_v3[];
extern const char sw_store_user_schema_v3[];

/* The photo hashes of point id as a JSON array (*json, caller frees; NULL:
 * none) and its mapping rows removed; the photos stay (store_photo.c). */
enum sw_status sw_store_photo_detach_all(struct sw_store *s, long long point_id, char **json,
                                         struct sw_error *err);

/* The underlying sqlite3 handle, for the tests. Owned by the store. */
sqlite3 *sw_store_db(struct sw_store *s);

/* True when name is a fixed column of points (id, geom, uuid, ...). */
bool sw_store_fixed_column(const char *name);

/* Reload s->cols from the table. */
enum sw_status sw_store_load_columns(struct sw_store *s, struct sw_error *err);

/* Create a store at schema version `version` (1..SW_STORE_SCHEMA_VERSION);
 * for tests and fixtures of old schemas. */
enum sw_status sw_store_create_version(const char *path, int version, struct sw_error *err);

/* sw_store_open, migrating only up to schema `target`; for fixtures. */
enum sw_status sw_store_open_version(const char *path, enum sw_store_mode mode, int target,
                                     struct sw_store **out, struct sw_error *err);

/* The R-tree insert trigger (GeoPackage 1.4, Annex F.3), which bulk imports
 * drop and restore. */
extern const char sw_store_rtree_insert_trigger[];
/* All seven R-tree triggers, and their names. */
extern const char sw_store_rtree_triggers[];
#define SW_RTREE_NTRIG 7
extern const char *const sw_store_rtree_trigger_names[SW_RTREE_NTRIG];

/* Open a repair transaction (store_doctor.c): BEGIN IMMEDIATE, the writer
 * table made when missing and emptied, the mark set; then as sw_store_begin
 * (end with sw_store_commit or sw_store_rollback). */
enum sw_status sw_store_begin_repair(struct sw_store *s, struct sw_error *err);

/* The OGC WKT (WKT1, as PROJ 9.1 writes it) of EPSG:28992 and 4326. */
extern const char sw_store_wkt_rd[];
extern const char sw_store_wkt_wgs84[];

/* ---- store_guard.c ---- */

#define SW_GUARD_NTRIG 3
extern const char *const sw_store_guard_names[SW_GUARD_NTRIG];
enum sw_guard_state { SW_GUARD_OK, SW_GUARD_MISSING, SW_GUARD_STALE };

/* The DDL of the writer marker table (part of schema 4). */
extern const char sw_store_guard_schema[];

/* For each guard trigger: present as generated for the current columns,
 * missing, or different (stale). */
enum sw_status sw_store_guard_check(struct sw_store *s, enum sw_guard_state state[SW_GUARD_NTRIG],
                                    struct sw_error *err);

/* Create the writer table and (re-)create every guard trigger that is not as
 * generated for s->cols. Inside a write. */
enum sw_status sw_store_guard_install(struct sw_store *s, struct sw_error *err);

/* Create guard trigger `which` (0 insert, 1 update, 2 delete). */
enum sw_status sw_store_guard_create(struct sw_store *s, int which, struct sw_error *err);

/* Put (on) or take away the marker row that tells the triggers schouw is
 * writing; inside a transaction. */
enum sw_status sw_store_guard_mark(struct sw_store *s, bool on, struct sw_error *err);

/* A row that cannot be read: call the skip hook and count it. Returns
 * SW_OK when a hook is set (go on), else the error (filled in err). */
enum sw_status sw_store_skip_row(struct sw_store *s, long long id, const char *uuid,
                                 struct sw_error *err);

/* Decode the hex text of a GeoPackage point blob (as the triggers write it)
 * into x, y. False when it is not one. */
bool sw_store_hex_point(const char *hex, double *x, double *y);

#endif
