/* store_txn.c - store transactions: the caller's (sw_store_begin/commit/
 * rollback), the one every write opens (BEGIN IMMEDIATE, or a savepoint
 * inside the caller's), and the bulk-import state. The only file that
 * changes the transaction flags of struct sw_store. */
#include <sqlite3.h>

#include "schouw/i18n.h"
#include "schouw/store.h"
#include "store_priv.h"

/* Run a cached statement without results. */
static enum sw_status run_cached(struct sw_store *s, enum sw_stmt which, const char *sql,
                                 struct sw_error *err)
{
	sqlite3_stmt *st = sw_store_stmt(s, which, sql, err);
	enum sw_status rc = SW_OK;

	if (st == NULL)
		return err ? err->code : SW_ERR_STORE;
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("changing the store"));
	sqlite3_reset(st);
	return rc;
}

enum sw_status sw_store_wbegin(struct sw_store *s, struct sw_error *err)
{
	if (s->mode != SW_STORE_WRITE)
		return sw_error_set(err, SW_ERR_STORE,
		                    _("%s: the store was opened for reading only"), s->path);
	if (s->user_txn) {
		/* before the savepoint: a rollback to it must not take them */
		enum sw_status rc = sw_store_hist_flush(s, err);

		if (rc != SW_OK)
			return rc;
		return run_cached(s, SW_ST_SAVEPOINT, "SAVEPOINT sw_write", err);
	}
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return sw_store_sqlerr(s, err, _("starting a write"));
	/* the guard triggers leave schouw's own writes to schouw */
	if (s->guarded) {
		enum sw_status rc = sw_store_guard_mark(s, true, err);

		if (rc != SW_OK) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
	}
	return SW_OK;
}

enum sw_status sw_store_wend(struct sw_store *s, enum sw_status rc, struct sw_error *err)
{
	if (s->user_txn) {
		if (rc != SW_OK) {
			run_cached(s, SW_ST_ROLLBACK_TO, "ROLLBACK TO sw_write", NULL);
			run_cached(s, SW_ST_RELEASE, "RELEASE sw_write", NULL);
			return rc;
		}
		return run_cached(s, SW_ST_RELEASE, "RELEASE sw_write", err);
	}
	if (rc == SW_OK && s->guarded)
		rc = sw_store_guard_mark(s, false, err);
	if (rc == SW_OK && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = sw_store_sqlerr(s, err, _("committing a write"));
	if (rc != SW_OK && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

enum sw_status sw_store_begin(struct sw_store *s, struct sw_error *err)
{
	enum sw_status rc;

	if (s->user_txn)
		return sw_error_set(err, SW_ERR_INTERNAL, _("%s: a transaction is already open"),
		                    s->path);
	rc = sw_store_wbegin(s, err);
	if (rc == SW_OK)
		s->user_txn = true;
	return rc;
}

enum sw_status sw_store_commit(struct sw_store *s, struct sw_error *err)
{
	enum sw_status rc;

	if (!s->user_txn)
		return sw_error_set(err, SW_ERR_INTERNAL, _("%s: no transaction is open"), s->path);
	if (s->bulk) /* never commit without the R-tree and its trigger */
		return sw_store_bulk_end(s, err);
	rc = sw_store_extent_flush(s, err);
	s->user_txn = false;
	s->ext_pending = false;
	return sw_store_wend(s, rc, err);
}

void sw_store_rollback(struct sw_store *s)
{
	if (s == NULL || !s->user_txn)
		return;
	s->user_txn = false;
	s->ext_pending = false;
	s->bulk = false;
	sw_store_hist_drop(s);
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
void sw_store_txn_bulk(struct sw_store *s, bool on)
{
	s->bulk = on;
	s->import_id = s->import_rows = 0;
	s->import_lo = s->import_hi = 0;
	if (on)
		s->bulk_broken = false;
}

void sw_store_txn_broken(struct sw_store *s)
{
	s->bulk_broken = true;
}

enum sw_status sw_store_begin_repair(struct sw_store *s, struct sw_error *err)
{
	enum sw_status rc;

	if (s->user_txn)
		return sw_error_set(err, SW_ERR_INTERNAL, _("%s: a transaction is already open"),
		                    s->path);
	if (s->mode != SW_STORE_WRITE)
		return sw_error_set(err, SW_ERR_STORE,
		                    _("%s: the store was opened for reading only"), s->path);
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return sw_store_sqlerr(s, err, _("starting a write"));
	rc = sw_store_exec(s, sw_store_guard_schema, err);
	if (rc == SW_OK)
		rc = sw_store_exec(s, "DELETE FROM schouw_writer", err);
	if (rc == SW_OK)
		rc = sw_store_guard_mark(s, true, err);
	if (rc != SW_OK) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	s->user_txn = true;
	return SW_OK;
}
