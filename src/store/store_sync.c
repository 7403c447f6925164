/* store_sync.c - what a store knows of other stores (schema 5): its id, the
 * version vector schouw_sync, history rows with their origin, conflicts.
 * The merge itself is app/merge.c; this file only reads and writes tables. */
#include <stdlib.h>
#include <string.h>

#include "schouw/i18n.h"
#include "schouw/store_sync.h"
#include "store_priv.h"

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

const char sw_store_sync_schema_v5[] =
    "ALTER TABLE schouw_history ADD COLUMN origin TEXT;\n"
    "ALTER TABLE schouw_history ADD COLUMN origin_seq INTEGER;\n"
    "CREATE INDEX schouw_history_origin ON schouw_history(origin, origin_seq)"
    " WHERE origin IS NOT NULL;\n"
    "CREATE TABLE schouw_sync (origin TEXT PRIMARY KEY NOT NULL, last_seq INTEGER NOT NULL);\n"
    "CREATE TABLE schouw_conflicts (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
    " point_uuid TEXT NOT NULL, field TEXT NOT NULL, ours TEXT, theirs TEXT, ours_who TEXT,"
    " ours_at TEXT, theirs_who TEXT, theirs_at TEXT, shown TEXT NOT NULL, other_store TEXT,"
    " found_at TEXT NOT NULL, resolved_at TEXT, resolved_by TEXT, resolution TEXT);\n"
    "CREATE INDEX schouw_conflicts_point ON schouw_conflicts(point_uuid);\n";

enum sw_status sw_store_sync_migrate_v5(struct sw_store *s, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	char id[SW_UUID_LEN + 1];
	enum sw_status rc;

	sw_uuid_v4(id);
	rc = sw_store_prepare(s, "INSERT OR IGNORE INTO schouw_meta VALUES ('store_id', ?)", &st,
	                      err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sw_store_step_done(s, st, _("giving the store its id"), err);
	sqlite3_finalize(st);
	return rc;
}

void sw_sync_vector_free(struct sw_sync_vector *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i].origin);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

long long sw_sync_vector_get(const struct sw_sync_vector *v, const char *origin)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i].origin, origin) == 0)
			return v->v[i].seq;
	return 0;
}

static enum sw_status vv_add(struct sw_sync_vector *v, const char *origin, long long seq,
                             struct sw_error *err)
{
	struct sw_sync_vv *grown = realloc(v->v, (v->n + 1) * sizeof *grown);

	if (grown == NULL)
		return sw_error_nomem(err);
	v->v = grown;
	if ((v->v[v->n].origin = strdup(origin)) == NULL)
		return sw_error_nomem(err);
	v->v[v->n++].seq = seq;
	return SW_OK;
}

enum sw_status sw_store_sync_id(struct sw_store *s, char **id, struct sw_error *err)
{
	enum sw_status rc = sw_store_meta_get(s, "store_id", id, err);

	if (rc == SW_OK && *id == NULL)
		rc = sw_error_set(err, SW_ERR_STORE,
		                  _("%s has no store id (schouw_meta 'store_id')"), s->path);
	return rc;
}

enum sw_status sw_store_sync_vector(struct sw_store *s, struct sw_sync_vector *out,
                                    struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	char *id = NULL;
	int src;

	out->v = NULL;
	out->n = 0;
	rc = sw_store_sync_id(s, &id, err);
	if (rc != SW_OK)
		goto out;
	/* the newest row of its own (rows brought in are counted per origin) */
	rc = sw_store_prepare(s,
	                      "SELECT coalesce((SELECT seq FROM schouw_history WHERE origin"
	                      " IS NULL ORDER BY seq DESC LIMIT 1), 0)",
	                      &st, err);
	if (rc != SW_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = sw_store_sqlerr(s, err, _("reading the history"));
		goto out;
	}
	rc = vv_add(out, id, sqlite3_column_int64(st, 0), err);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SW_OK)
		goto out;
	rc = sw_store_prepare(s, "SELECT origin, last_seq FROM schouw_sync ORDER BY origin", &st,
	                      err);
	if (rc != SW_OK)
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW && rc == SW_OK) {
		const char *o = (const char *)sqlite3_column_text(st, 0);

		if (o != NULL && strcmp(o, id) != 0)
			rc = vv_add(out, o, sqlite3_column_int64(st, 1), err);
	}
	if (rc == SW_OK && src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading what the store has seen of others"));
out:
	sqlite3_finalize(st);
	free(id);
	if (rc != SW_OK)
		sw_sync_vector_free(out);
	return rc;
}

#define ROW_COLS "seq, point_uuid, action, field, old_value, new_value, who, at"

static enum sw_status rows_of(struct sw_store *s, sqlite3_stmt *st, const char *origin,
                              sw_sync_row_cb cb, void *ud, struct sw_error *err)
{
	enum sw_status rc = SW_OK;
	int src;

	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct sw_sync_row r = {0};

		r.seq = sqlite3_column_int64(st, 0);
		r.uuid = (const char *)sqlite3_column_text(st, 1);
		r.action = (const char *)sqlite3_column_text(st, 2);
		r.field = (const char *)sqlite3_column_text(st, 3);
		r.old_value = (const char *)sqlite3_column_text(st, 4);
		r.new_value = (const char *)sqlite3_column_text(st, 5);
		r.who = (const char *)sqlite3_column_text(st, 6);
		r.at = (const char *)sqlite3_column_text(st, 7);
		r.origin = origin;
		r.origin_seq =
		    sqlite3_column_type(st, 8) == SQLITE_NULL ? r.seq : sqlite3_column_int64(st, 8);
		if (r.uuid == NULL || r.action == NULL || r.at == NULL)
			continue; /* not a row any writer makes */
		rc = cb(&r, ud);
		if (rc != SW_OK)
			return rc;
	}
	if (src != SQLITE_DONE)
		return sw_store_sqlerr(s, err, _("reading the history"));
	return SW_OK;
}

enum sw_status sw_store_sync_rows(struct sw_store *s, const struct sw_sync_vector *seen,
                                  sw_sync_row_cb cb, void *ud, struct sw_error *err)
{
	struct sw_sync_vector mine = {0};
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	rc = sw_store_sync_vector(s, &mine, err);
	if (rc != SW_OK)
		goto out;
	/* mine.v[0] is s itself: its own rows by seq */
	rc = sw_store_prepare(s,
	                      "SELECT " ROW_COLS ", NULL FROM schouw_history"
	                      " WHERE origin IS NULL AND seq > ? ORDER BY seq",
	                      &st, err);
	if (rc != SW_OK)
		goto out;
	sqlite3_bind_int64(st, 1, sw_sync_vector_get(seen, mine.v[0].origin));
	rc = rows_of(s, st, mine.v[0].origin, cb, ud, err);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SW_OK)
		goto out;
	rc = sw_store_prepare(s,
	                      "SELECT " ROW_COLS ", origin_seq FROM schouw_history"
	                      " WHERE origin = ? AND origin_seq > ? ORDER BY origin_seq",
	                      &st, err);
	for (size_t i = 1; i < mine.n && rc == SW_OK; i++) {
		long long have = sw_sync_vector_get(seen, mine.v[i].origin);

		if (have >= mine.v[i].seq)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, mine.v[i].origin, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, have);
		rc = rows_of(s, st, mine.v[i].origin, cb, ud, err);
	}
out:
	sqlite3_finalize(st);
	sw_sync_vector_free(&mine);
	return rc;
}

enum sw_status sw_store_sync_import(struct sw_store *s, const struct sw_sync_row *r,
                                    struct sw_error *err)
{
	sqlite3_stmt *st = sw_store_stmt(
	    s, SW_ST_SYNC_IMPORT,
	    "INSERT INTO schouw_history (point_id, point_uuid, action, field, old_value,"
	    " new_value, who, at, origin, origin_seq) VALUES (coalesce((SELECT id FROM points"
	    " WHERE uuid = ?1), (SELECT point_id FROM schouw_history WHERE point_uuid = ?1 AND"
	    " action = 'delete' LIMIT 1), 0), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	    err);

	if (st == NULL)
		return err ? err->code : SW_ERR_STORE;
	sw_store_bind_str(st, 1, r->uuid);
	sw_store_bind_str(st, 2, r->action);
	sw_store_bind_str(st, 3, r->field);
	sw_store_bind_str(st, 4, r->old_value);
	sw_store_bind_str(st, 5, r->new_value);
	sw_store_bind_str(st, 6, r->who);
	sw_store_bind_str(st, 7, r->at);
	sw_store_bind_str(st, 8, r->origin);
	sqlite3_bind_int64(st, 9, r->origin_seq);
	if (sqlite3_step(st) != SQLITE_DONE) {
		enum sw_status rc = sw_store_sqlerr(s, err, _("bringing in history"));

		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	return SW_OK;
}

enum sw_status sw_store_sync_seen(struct sw_store *s, const char *origin, long long seq,
                                  struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	rc = sw_store_prepare(s,
	                      "INSERT INTO schouw_sync VALUES (?, ?) ON CONFLICT (origin)"
	                      " DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	rc = sw_store_step_done(s, st, _("remembering what was merged"), err);
	sqlite3_finalize(st);
	return rc;
}

void sw_store_sync_quiet(struct sw_store *s, bool on)
{
	s->quiet = on;
}

enum sw_status sw_store_sync_note(struct sw_store *s, long long id, const char *uuid,
                                  const char *action, const char *field, const char *old_value,
                                  const char *new_value, const char *who, struct sw_error *err)
{
	bool quiet = s->quiet;
	enum sw_status rc;
	char now[32];

	sw_now_iso(now, sizeof now);
	s->quiet = false;
	rc = sw_store_hist_row(s, id, uuid, action, field, old_value, new_value, who, now, err);
	s->quiet = quiet;
	return rc;
}

enum sw_status sw_store_sync_note_insert(struct sw_store *s, const struct sw_point *p,
                                         const char *who, struct sw_error *err)
{
	bool quiet = s->quiet;
	enum sw_status rc;
	char now[32];

	sw_now_iso(now, sizeof now);
	s->quiet = false;
	rc = sw_store_hist_insert(s, p, who, now, err);
	s->quiet = quiet;
	return rc;
}

enum sw_status sw_store_sync_stamp(struct sw_store *s, const char *uuid, const char *created_at,
                                   const char *updated_at, struct sw_error *err)
{
	/* kept: an UPDATE of points compiles every trigger on the table, which
	 * cost a merge of 100k new points 70 % of its time when done per point */
	sqlite3_stmt *st = sw_store_stmt(s, SW_ST_SYNC_STAMP,
	                                 "UPDATE points SET created_at = coalesce(?, created_at),"
	                                 " updated_at = coalesce(?, updated_at) WHERE uuid = ?",
	                                 err);
	enum sw_status rc;

	if (st == NULL)
		return err ? err->code : SW_ERR_STORE;
	sw_store_bind_str(st, 1, created_at);
	sw_store_bind_str(st, 2, updated_at);
	sw_store_bind_str(st, 3, uuid);
	rc = sw_store_step_done(s, st, _("changing a point"), err);
	sqlite3_reset(st);
	return rc;
}

enum sw_status sw_store_sync_conflict_add(struct sw_store *s, const struct sw_conflict *c,
                                          struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	rc = sw_store_prepare(s,
	                      "INSERT INTO schouw_conflicts (point_uuid, field, ours, theirs,"
	                      " ours_who, ours_at, theirs_who, theirs_at, shown, other_store,"
	                      " found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " NOW_SQL ")",
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	sw_store_bind_str(st, 1, c->point_uuid);
	sw_store_bind_str(st, 2, c->field);
	sw_store_bind_str(st, 3, c->ours);
	sw_store_bind_str(st, 4, c->theirs);
	sw_store_bind_str(st, 5, c->ours_who);
	sw_store_bind_str(st, 6, c->ours_at);
	sw_store_bind_str(st, 7, c->theirs_who);
	sw_store_bind_str(st, 8, c->theirs_at);
	sw_store_bind_str(st, 9, c->shown);
	sw_store_bind_str(st, 10, c->other_store);
	rc = sw_store_step_done(s, st, _("recording a conflict"), err);
	sqlite3_finalize(st);
	return rc;
}

enum sw_status sw_store_sync_conflicts(struct sw_store *s, bool all, const char *uuid,
                                       sw_conflict_cb cb, void *ud, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	int src;

	rc = sw_store_prepare(s,
	                      "SELECT id, point_uuid, field, ours, theirs, ours_who, ours_at,"
	                      " theirs_who, theirs_at, shown, other_store, found_at, resolved_at,"
	                      " resolved_by, resolution FROM schouw_conflicts"
	                      " WHERE (?1 OR resolved_at IS NULL) AND (?2 IS NULL OR"
	                      " point_uuid = ?2) ORDER BY id",
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_int(st, 1, all);
	sw_store_bind_str(st, 2, uuid);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct sw_conflict c;
		const char **txt[] = {&c.point_uuid,  &c.field,       &c.ours,       &c.theirs,
		                      &c.ours_who,    &c.ours_at,     &c.theirs_who, &c.theirs_at,
		                      &c.shown,       &c.other_store, &c.found_at,   &c.resolved_at,
		                      &c.resolved_by, &c.resolution};

		c.id = sqlite3_column_int64(st, 0);
		for (int i = 0; i < (int)(sizeof txt / sizeof txt[0]); i++)
			*txt[i] = (const char *)sqlite3_column_text(st, i + 1);
		rc = cb(&c, ud);
		if (rc != SW_OK)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading the conflicts"));
out:
	sqlite3_finalize(st);
	return rc;
}

enum sw_status sw_store_sync_conflict_settle(struct sw_store *s, long long id,
                                             const char *resolution, const char *who,
                                             struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	rc = sw_store_wbegin(s, err);
	if (rc != SW_OK)
		return rc;
	rc = sw_store_prepare(s,
	                      "UPDATE schouw_conflicts SET resolved_at = " NOW_SQL ","
	                      " resolved_by = ?, resolution = ? WHERE id = ?",
	                      &st, err);
	if (rc == SW_OK) {
		sw_store_bind_str(st, 1, who);
		sw_store_bind_str(st, 2, resolution);
		sqlite3_bind_int64(st, 3, id);
		rc = sw_store_step_done(s, st, _("settling a conflict"), err);
	}
	sqlite3_finalize(st);
	return sw_store_wend(s, rc, err);
}
