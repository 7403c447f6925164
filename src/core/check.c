/* check.c - stored points meet the norm engine: the R-tree neighbour lookup
 * for spatial rules and the record of check runs. Uses the store's sqlite3
 * handle for its own two tables; the store itself knows nothing of norms. */
#include "schouw/check.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/i18n.h"

struct sw_check_near {
	struct sw_store *store;
	sqlite3_stmt *st;
};

struct sw_check_run {
	struct sw_store *store;
	sqlite3_stmt *ins;
	long long id;
	long long npoints, npass, nfail, nincomplete;
};

static enum sw_status sqlerr(struct sw_store *s, const char *what, struct sw_error *err)
{
	sqlite3 *db = sw_store_db(s);

	return sw_error_set(err, SW_ERR_STORE, _("store: %s: %s"), what,
			    db ? sqlite3_errmsg(db) : "no database");
}

/* R-tree boxes are float32 rounded outward, so the box query never misses a
 * point; the exact coordinates then decide. */
static const char near_sql[] =
	"SELECT ST_MinX(p.geom), ST_MinY(p.geom) FROM rtree_points_geom r"
	" JOIN points p ON p.id = r.id"
	" WHERE r.minx <= ?2 AND r.maxx >= ?1 AND r.miny <= ?4 AND r.maxy >= ?3"
	" AND p.type = ?5 AND p.id != ?6";

enum sw_status sw_check_near_open(struct sw_store *s, struct sw_check_near **out,
				  struct sw_error *err)
{
	struct sw_check_near *n = calloc(1, sizeof *n);

	*out = NULL;
	if (n == NULL)
		return sw_error_set(err, SW_ERR_NOMEM, "%s", _("out of memory"));
	n->store = s;
	if (sqlite3_prepare_v2(sw_store_db(s), near_sql, -1, &n->st, NULL) != SQLITE_OK) {
		enum sw_status rc = sqlerr(s, _("preparing the neighbour query"), err);
		sw_check_near_close(n);
		return rc;
	}
	*out = n;
	return SW_OK;
}

void sw_check_near_close(struct sw_check_near *n)
{
	if (n == NULL)
		return;
	sqlite3_finalize(n->st);
	free(n);
}

/* Count points of type within radius of p; nearest of all in the box. */
static enum sw_status box_query(struct sw_check_near *n, const struct sw_point *p,
				const char *type, double box, double radius, size_t *found,
				double *nearest, struct sw_error *err)
{
	sqlite3_stmt *st = n->st;
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_double(st, 1, p->x - box);
	sqlite3_bind_double(st, 2, p->x + box);
	sqlite3_bind_double(st, 3, p->y - box);
	sqlite3_bind_double(st, 4, p->y + box);
	sqlite3_bind_text(st, 5, type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, p->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		double d = hypot(sqlite3_column_double(st, 0) - p->x,
				 sqlite3_column_double(st, 1) - p->y);
		if (d <= radius)
			(*found)++;
		if (isnan(*nearest) || d < *nearest)
			*nearest = d;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sqlerr(n->store, _("looking for neighbours"), err);
	return SW_OK;
}

enum sw_status sw_check_near_fn(void *ud, const struct sw_point *p, const char *type,
				double radius_m, size_t *found, double *nearest_m,
				struct sw_error *err)
{
	struct sw_check_near *n = ud;
	enum sw_status rc;
	size_t dummy = 0;

	*found = 0;
	*nearest_m = NAN;
	rc = box_query(n, p, type, radius_m, radius_m, found, nearest_m, err);
	if (rc != SW_OK || *found > 0 || radius_m <= 0)
		return rc;
	/* none found: look a little further, only to tell how far the nearest is */
	return box_query(n, p, type, 2 * radius_m, -1, &dummy, nearest_m, err);
}

/* ---- runs ---------------------------------------------------------------- */

enum sw_status sw_check_run_begin(struct sw_store *s, const struct sw_profile *prof,
				  struct sw_check_run **out, struct sw_error *err)
{
	struct sw_check_run *run = calloc(1, sizeof *run);
	sqlite3 *db = sw_store_db(s);
	sqlite3_stmt *st = NULL;
	char at[32];
	enum sw_status rc;

	*out = NULL;
	if (run == NULL)
		return sw_error_set(err, SW_ERR_NOMEM, "%s", _("out of memory"));
	run->store = s;
	rc = sw_store_begin(s, err);
	if (rc != SW_OK) {
		free(run);
		return rc;
	}
	sw_now_iso(at, sizeof at);
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO check_run (at, profile, profile_hash, npoints, npass,"
			       " nfail, nincomplete) VALUES (?, ?, ?, 0, 0, 0, 0)",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = sqlerr(s, _("recording the check run"), err);
		goto out;
	}
	sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, prof->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, prof->hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = sqlerr(s, _("recording the check run"), err);
		goto out;
	}
	run->id = sqlite3_last_insert_rowid(db);
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO check_result (run_id, point_id, point_uuid, verdict,"
			       " rule_id, field, measured, limit_text, severity, message, source)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &run->ins, NULL) != SQLITE_OK) {
		rc = sqlerr(s, _("recording the check results"), err);
		goto out;
	}
	*out = run;
	run = NULL;
out:
	sqlite3_finalize(st);
	if (run != NULL) {
		sqlite3_finalize(run->ins);
		sw_store_rollback(s);
		free(run);
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

static enum sw_status insert_row(struct sw_check_run *run, const struct sw_point *p,
				 const char *verdict, const struct sw_finding *f,
				 struct sw_error *err)
{
	sqlite3_stmt *st = run->ins;
	char measured[96] = "", limit[256] = "";
	int rc;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, run->id);
	sqlite3_bind_int64(st, 2, p->id);
	bind_text_or_null(st, 3, p->uuid);
	sqlite3_bind_text(st, 4, verdict, -1, SQLITE_STATIC);
	if (f != NULL) {
		const struct sw_rule *r = f->rule;
		sw_finding_measured(f, measured, sizeof measured);
		sw_rule_limit_text(r, limit, sizeof limit);
		bind_text_or_null(st, 5, r->id);
		bind_text_or_null(st, 6, f->missing ? f->missing : r->field);
		bind_text_or_null(st, 7, measured);
		bind_text_or_null(st, 8, limit);
		bind_text_or_null(st, 9, sw_severity_name(r->severity));
		bind_text_or_null(st, 10, r->message_nl ? r->message_nl : r->message_en);
		bind_text_or_null(st, 11, r->source);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SW_OK : sqlerr(run->store, _("recording a check result"), err);
}

enum sw_status sw_check_run_add(struct sw_check_run *run, const struct sw_point *p,
				const struct sw_verdict *v, struct sw_error *err)
{
	enum sw_status rc;

	run->npoints++;
	if (v->outcome == SW_OUT_PASS)
		run->npass++;
	else if (v->outcome == SW_OUT_FAIL)
		run->nfail++;
	else
		run->nincomplete++;
	rc = insert_row(run, p, sw_outcome_name(v->outcome), NULL, err);
	for (size_t i = 0; i < v->nfindings && rc == SW_OK; i++)
		rc = insert_row(run, p, sw_outcome_name(v->findings[i].outcome), &v->findings[i],
				err);
	return rc;
}

enum sw_status sw_check_run_end(struct sw_check_run *run, bool ok, long long *run_id,
				struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = SW_OK;

	if (run == NULL)
		return SW_OK;
	sqlite3_finalize(run->ins);
	if (!ok) {
		sw_store_rollback(run->store);
		free(run);
		return SW_OK;
	}
	if (sqlite3_prepare_v2(sw_store_db(run->store),
			       "UPDATE check_run SET npoints = ?, npass = ?, nfail = ?,"
			       " nincomplete = ? WHERE id = ?",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = sqlerr(run->store, _("recording the check run"), err);
		goto out;
	}
	sqlite3_bind_int64(st, 1, run->npoints);
	sqlite3_bind_int64(st, 2, run->npass);
	sqlite3_bind_int64(st, 3, run->nfail);
	sqlite3_bind_int64(st, 4, run->nincomplete);
	sqlite3_bind_int64(st, 5, run->id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = sqlerr(run->store, _("recording the check run"), err);
		goto out;
	}
	rc = sw_store_commit(run->store, err);
	if (rc == SW_OK && run_id != NULL)
		*run_id = run->id;
out:
	sqlite3_finalize(st);
	if (rc != SW_OK)
		sw_store_rollback(run->store);
	free(run);
	return rc;
}
