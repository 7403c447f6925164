/* sync_priv.h - what sync.c (push / pull) and sync_first.c (a source's
 * first push into an empty database) share; not a public header. */
#ifndef SCHOUW_SYNC_PRIV_H
#define SCHOUW_SYNC_PRIV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "schouw/pg.h"
#include "schouw/store_sync.h"
#include "schouw/sync.h"

/* The history table's columns after its id; both the table of the schema
 * and the one a first push loads beside it (sync_first.c) are made from
 * this. The keys compare bytewise (uuids, store ids): "C" sorts and builds
 * their indexes without the locale's collation. */
#define SW_SYNC_HISTORY_COLUMNS                                                                    \
	"source text NOT NULL, point_uuid text COLLATE \"C\" NOT NULL, action text NOT NULL,"      \
	" field text, old_value text, new_value text, who text, at text NOT NULL,"                 \
	" origin text COLLATE \"C\" NOT NULL, origin_seq bigint NOT NULL"
#define SW_SYNC_HISTORY_NCOLUMNS 11 /* with id */

/* The column order of a first push's history COPY (sw_sync_staged_row):
 * the ids come from the client, 1, 2, ... (no nextval per row), and the
 * sequence is set after (sw_sync_first_end). */
#define SW_SYNC_HISTORY_COPY                                                                       \
	"(id, point_uuid, action, field, who, at, origin, origin_seq, old_value, new_value,"       \
	" source)"

struct col {
	const char *name;
	enum sw_kind kind;
};

struct sw_sync_loader; /* sync_first.c */

/* One push or pull. */
struct sync {
	struct sw_store *s;
	const struct sw_forms *forms;
	const struct sw_sync_opts *o;
	struct sw_sync_stats *st;
	struct sw_pg *pg;
	struct col *cols;
	size_t ncols;
	char *db_id, *our_id;
	struct sw_sync_vector dbv, ours;
	struct sw_sync_vector sent; /* the highest origin_seq pushed per origin */
	struct sw_store *scratch;
	char scratch_dir[256];
	char **uuids;
	size_t nuuids, capu;
	bool fresh;                     /* the database holds no points and no history: load bare */
	bool points_keys, history_keys; /* their key constraints were dropped too */
	long long history_id;           /* a first push: the last history id sent */
	/* a bare load whose history goes up beside the points, through a
	 * second connection (sync_first.c); owned */
	struct sw_sync_loader *loader;
	const char *conninfo;
	const atomic_bool *stop; /* set: sw_sync_staged_row gives up; NULL: never */
	struct sw_error *err;
};

/* A statement on y's connection (sw_pg_exec with y->err). */
enum sw_status sw_sync_exec(struct sync *y, const char *sql, int n, const char *const *p,
                            sw_pg_row_cb cb, void *ud);
/* A history row of the store into the COPY in progress on y->pg; with
 * y->fresh in SW_SYNC_HISTORY_COPY order. Counts it, notes its origin's
 * sequence in y->sent and the point it touches in y->uuids (on a first push
 * only the deleted ones). A sw_sync_row_cb; ud is the struct sync. */
enum sw_status sw_sync_staged_row(const struct sw_sync_row *r, void *ud);
/* The store's history rows the database lacks (above y->dbv) into the
 * binary COPY sql names, through sw_sync_staged_row. */
enum sw_status sw_sync_send_history(struct sync *y, const char *sql);
void sw_sync_free_uuids(struct sync *y);
/* The test hook: SCHOUW_TEST_PUSH_DROP=where kills a connection there ("1":
 * the push's, just before its COMMIT; "loader": the loader's, after its
 * COPY). */
bool sw_sync_drop_hook(const char *where);

/* sync_first.c. Inside the push's transaction, after the pull: finds
 * whether the database is empty (y->fresh), takes its tables for the load
 * and drops their indexes. When the history table is as schouw made it,
 * its rows go up in parallel: a second connection loads them into a table
 * of its own (a schema schouw_load_*) and indexes it while this connection
 * loads the points. */
enum sw_status sw_sync_first_begin(struct sync *y);
/* Builds the points' indexes (and the history's, without the loader), then
 * waits for the loader, commits its table and puts it in the history's
 * place: all within the push's transaction but the loader's commit. Takes
 * over the loader's counts, vector and deleted uuids. */
enum sw_status sw_sync_first_end(struct sync *y);
/* Stops a loader still running (its transaction rolls back) and, when the
 * push did not commit (committed false) after the loader did, drops the
 * loader's schema through the loader's connection; NULL-safe on y->loader.
 * Call on every way out of a push, after its COMMIT or ROLLBACK. */
void sw_sync_first_close(struct sync *y, bool committed);
/* Drops load schemas that no live push holds: those a push left behind
 * when it died between the loader's commit and its own. */
enum sw_status sw_sync_first_sweep(struct sync *y);

#endif
