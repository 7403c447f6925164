/* store_check.c - the tables of norm check runs (check_run, check_result):
 * their DDL and every statement on them, and the R-tree box query of
 * spatial rules. The columns are documented once, in store.h. */
#include <stdlib.h>

#include "schouw/i18n.h"
#include "store_priv.h"

/* Schema version 2 (see store.c's migrations). */
const char sw_store_check_schema_v2[] =
    "CREATE TABLE check_run (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, at TEXT,"
    " profile TEXT, profile_hash TEXT, npoints INTEGER, npass INTEGER, nfail INTEGER,"
    " nincomplete INTEGER);\n"
    "CREATE TABLE check_result (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
    " run_id INTEGER NOT NULL REFERENCES check_run(id), point_id INTEGER,"
    " point_uuid TEXT, verdict TEXT, rule_id TEXT, field TEXT, measured TEXT,"
    " limit_text TEXT, severity TEXT, message TEXT, source TEXT);\n"
    "CREATE INDEX check_result_run ON check_result(run_id);\n"
    "CREATE INDEX check_result_uuid ON check_result(point_uuid);\n"
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)"
    " VALUES ('check_run', 'attributes', 'check_run', 'schouw: norm check runs');\n"
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)"
    " VALUES ('check_result', 'attributes', 'check_result',"
    " 'schouw: norm check results per point and rule');\n";

struct sw_store_check {
	struct sw_store *store;
	sqlite3_stmt *ins;
	long long id;
};

enum sw_status sw_store_check_begin(struct sw_store *s, const char *profile,
                                    const char *profile_hash, struct sw_store_check **out,
                                    struct sw_error *err)
{
	struct sw_store_check *c = calloc(1, sizeof *c);
	sqlite3_stmt *st = NULL;
	char at[32];
	enum sw_status rc;

	*out = NULL;
	if (c == NULL)
		return sw_error_nomem(err);
	c->store = s;
	rc = sw_store_begin(s, err);
	if (rc != SW_OK) {
		free(c);
		return rc;
	}
	sw_now_iso(at, sizeof at);
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT INTO check_run (at, profile, profile_hash, npoints, npass,"
	                       " nfail, nincomplete) VALUES (?, ?, ?, 0, 0, 0, 0)",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(s, err, _("recording the check run"));
		goto out;
	}
	sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, profile_hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = sw_store_sqlerr(s, err, _("recording the check run"));
		goto out;
	}
	c->id = sqlite3_last_insert_rowid(s->db);
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT INTO check_result (run_id, point_id, point_uuid, verdict,"
	                       " rule_id, field, measured, limit_text, severity, message, source)"
	                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                       -1, &c->ins, NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(s, err, _("recording the check results"));
		goto out;
	}
	*out = c;
	c = NULL;
out:
	sqlite3_finalize(st);
	if (c != NULL) {
		sqlite3_finalize(c->ins);
		sw_store_rollback(s);
		free(c);
	}
	return rc;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL && *s != '\0')
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

enum sw_status sw_store_check_add(struct sw_store_check *c, const struct sw_check_row *r,
                                  struct sw_error *err)
{
	sqlite3_stmt *st = c->ins;
	int rc;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_int64(st, 2, r->point_id);
	bind_text_or_null(st, 3, r->point_uuid);
	sqlite3_bind_text(st, 4, r->verdict, -1, SQLITE_STATIC);
	bind_text_or_null(st, 5, r->rule_id);
	bind_text_or_null(st, 6, r->field);
	bind_text_or_null(st, 7, r->measured);
	bind_text_or_null(st, 8, r->limit_text);
	bind_text_or_null(st, 9, r->severity);
	bind_text_or_null(st, 10, r->message);
	bind_text_or_null(st, 11, r->source);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SW_OK
	                         : sw_store_sqlerr(c->store, err, _("recording a check result"));
}

enum sw_status sw_store_check_end(struct sw_store_check *c, const struct sw_check_counts *n,
                                  long long *run_id, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = SW_OK;

	if (c == NULL)
		return SW_OK;
	sqlite3_finalize(c->ins);
	if (n == NULL) {
		sw_store_rollback(c->store);
		free(c);
		return SW_OK;
	}
	if (sqlite3_prepare_v2(c->store->db,
	                       "UPDATE check_run SET npoints = ?, npass = ?, nfail = ?,"
	                       " nincomplete = ? WHERE id = ?",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(c->store, err, _("recording the check run"));
		goto out;
	}
	sqlite3_bind_int64(st, 1, n->npoints);
	sqlite3_bind_int64(st, 2, n->npass);
	sqlite3_bind_int64(st, 3, n->nfail);
	sqlite3_bind_int64(st, 4, n->nincomplete);
	sqlite3_bind_int64(st, 5, c->id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = sw_store_sqlerr(c->store, err, _("recording the check run"));
		goto out;
	}
	rc = sw_store_commit(c->store, err);
	if (rc == SW_OK && run_id != NULL)
		*run_id = c->id;
out:
	sqlite3_finalize(st);
	if (rc != SW_OK)
		sw_store_rollback(c->store);
	free(c);
	return rc;
}

/* ---- R-tree box query ---- */

struct sw_store_box {
	struct sw_store *store;
	sqlite3_stmt *join;
};

/* R-tree boxes are float32 rounded outward, so the box query never misses a
 * point; the caller's exact coordinates then decide. */
enum sw_status sw_store_check_latest(struct sw_store *s, sw_verdict_cb cb, void *ud,
                                     struct sw_error *err)
{
	static const char sql[] =
	    "SELECT point_id, verdict FROM check_result WHERE rule_id IS NULL AND run_id = "
	    "(SELECT max(id) FROM check_run) ORDER BY point_id";
	sqlite3_stmt *q = NULL;
	enum sw_status rc;
	int r;

	rc = sw_store_prepare(s, sql, &q, err);
	if (rc != SW_OK)
		return rc;
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(q, 1);
		rc = cb(sqlite3_column_int64(q, 0), v != NULL ? v : "", ud);
		if (rc != SW_OK)
			goto out;
	}
	if (r != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading the latest check run"));
out:
	sqlite3_finalize(q);
	return rc;
}

enum sw_status sw_store_check_runs(struct sw_store *s, const char *from, const char *to,
                                   const char *profile, sw_check_run_cb cb, void *ud,
                                   struct sw_error *err)
{
	static const char sql[] =
	    "SELECT id, at, profile, profile_hash, npoints, npass, nfail, nincomplete"
	    " FROM check_run WHERE (?1 IS NULL OR julianday(at) >= julianday(?1))"
	    " AND (?2 IS NULL OR julianday(at) < julianday(?2)) AND (?3 IS NULL OR profile = ?3)"
	    " ORDER BY julianday(at), id";
	sqlite3_stmt *q = NULL;
	enum sw_status rc;
	int r;

	rc = sw_store_prepare(s, sql, &q, err);
	if (rc != SW_OK)
		return rc;
	sw_store_bind_str(q, 1, from);
	sw_store_bind_str(q, 2, to);
	sw_store_bind_str(q, 3, profile);
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		struct sw_check_run_info info = {
		    .id = sqlite3_column_int64(q, 0),
		    .at = (const char *)sqlite3_column_text(q, 1),
		    .profile = (const char *)sqlite3_column_text(q, 2),
		    .profile_hash = (const char *)sqlite3_column_text(q, 3),
		    .counts = {sqlite3_column_int64(q, 4), sqlite3_column_int64(q, 5),
		               sqlite3_column_int64(q, 6), sqlite3_column_int64(q, 7)},
		};

		rc = cb(&info, ud);
		if (rc != SW_OK)
			goto out;
	}
	if (r != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading the check runs"));
out:
	sqlite3_finalize(q);
	return rc;
}

enum sw_status sw_store_check_results(struct sw_store *s, long long run_id, sw_check_row_cb cb,
                                      void *ud, struct sw_error *err)
{
	static const char sql[] =
	    "SELECT point_id, point_uuid, verdict, rule_id, field, measured, limit_text, severity,"
	    " message, source FROM check_result WHERE run_id = ?1"
	    " ORDER BY point_id, rule_id IS NOT NULL, id";
	sqlite3_stmt *q = NULL;
	enum sw_status rc;
	int r;

	rc = sw_store_prepare(s, sql, &q, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_int64(q, 1, run_id);
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		struct sw_check_row row = {
		    .point_id = sqlite3_column_int64(q, 0),
		    .point_uuid = (const char *)sqlite3_column_text(q, 1),
		    .verdict = (const char *)sqlite3_column_text(q, 2),
		    .rule_id = (const char *)sqlite3_column_text(q, 3),
		    .field = (const char *)sqlite3_column_text(q, 4),
		    .measured = (const char *)sqlite3_column_text(q, 5),
		    .limit_text = (const char *)sqlite3_column_text(q, 6),
		    .severity = (const char *)sqlite3_column_text(q, 7),
		    .message = (const char *)sqlite3_column_text(q, 8),
		    .source = (const char *)sqlite3_column_text(q, 9),
		};

		rc = cb(&row, ud);
		if (rc != SW_OK)
			goto out;
	}
	if (r != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading check results"));
out:
	sqlite3_finalize(q);
	return rc;
}

static const char join_sql[] =
    "SELECT id, x, y FROM (SELECT p.id, schouw_coord(p.geom, 0) AS x,"
    " schouw_coord(p.geom, 1) AS y FROM rtree_points_geom r"
    " JOIN points p ON p.id = r.id"
    " WHERE r.minx <= ?2 AND r.maxx >= ?1 AND r.miny <= ?4 AND r.maxy >= ?3"
    " AND p.type = ?5) WHERE x IS NOT NULL";

enum sw_status sw_store_box_open(struct sw_store *s, struct sw_store_box **out,
                                 struct sw_error *err)
{
	struct sw_store_box *b = calloc(1, sizeof *b);

	*out = NULL;
	if (b == NULL)
		return sw_error_nomem(err);
	b->store = s;
	/* A check reads the whole store: through mmap, pages kept in cache
	 * (settings of this connection only). */
	sqlite3_exec(s->db, "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536", NULL, NULL,
	             NULL);
	if (sqlite3_prepare_v2(s->db, join_sql, -1, &b->join, NULL) != SQLITE_OK) {
		enum sw_status rc = sw_store_sqlerr(s, err, _("preparing the neighbour query"));
		sw_store_box_close(b);
		return rc;
	}
	*out = b;
	return SW_OK;
}

void sw_store_box_close(struct sw_store_box *b)
{
	if (b == NULL)
		return;
	sqlite3_finalize(b->join);
	free(b);
}

enum sw_status sw_store_box_read(struct sw_store_box *b, const char *type, double minx, double miny,
                                 double maxx, double maxy, sw_box_cb cb, void *ud,
                                 struct sw_error *err)
{
	sqlite3_stmt *st = b->join;
	enum sw_status rc = SW_OK;
	int sr;

	sqlite3_reset(st);
	sqlite3_bind_double(st, 1, minx);
	sqlite3_bind_double(st, 2, maxx);
	sqlite3_bind_double(st, 3, miny);
	sqlite3_bind_double(st, 4, maxy);
	sqlite3_bind_text(st, 5, type, -1, SQLITE_STATIC);
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		rc = cb(ud, sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1),
		        sqlite3_column_double(st, 2), err);
		if (rc != SW_OK)
			break;
	}
	if (rc == SW_OK && sr != SQLITE_DONE)
		rc = sw_store_sqlerr(b->store, err, _("looking for neighbours"));
	sqlite3_reset(st);
	return rc;
}
