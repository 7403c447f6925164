/* store_asof.c - the points as they were at a past moment, rebuilt from
 * schouw_history by undoing, newest first, every row at or after the moment.
 *
 * Only the rows' action and field drive the rebuild (update: put old_value
 * back; insert: the point did not exist yet; delete: old_value holds the
 * record then), never the JSON of an insert, so history written by triggers
 * or pointing to an import record rebuilds the same way. */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/i18n.h"
#include "schouw/num.h"
#include "schouw/store.h"
#include "store_priv.h"

/* One history row to undo; strings are offsets into the arena. */
struct undo {
	char action;       /* 'i', 'u', 'd' */
	size_t field, old; /* (size_t)-1: NULL */
};

/* The rows of one point (by uuid), newest first. */
struct group {
	size_t key; /* offset of the uuid */
	size_t first, n;
	bool has_delete, done;
};

/* A measurement column and how its text reads back. */
struct col {
	char *name;
	char kind; /* 'r' REAL, 'i' INTEGER, 't' TEXT */
};

struct asof {
	struct sw_store *s;
	const struct sw_filter *f;
	sw_point_cb cb;
	void *ud;
	struct sw_error *err;
	char *arena;
	size_t alen, acap;
	struct undo *rows;
	size_t nrows, caprows;
	struct group *groups;
	size_t ngroups, capgroups;
	struct col *cols;
	size_t ncols;
	struct sw_point *restored; /* points absent now (or re-created since), sorted by id */
	size_t nrestored, caprestored, next;
	struct sw_point work;
};

#define NONE ((size_t)-1)

static bool arena_add(struct asof *a, const char *t, size_t *off)
{
	size_t n;

	if (t == NULL) {
		*off = NONE;
		return true;
	}
	n = strlen(t) + 1;
	if (a->alen + n > a->acap) {
		size_t cap = (a->alen + n) * 2 + 4096;
		char *q = realloc(a->arena, cap);

		if (q == NULL)
			return false;
		a->arena = q;
		a->acap = cap;
	}
	memcpy(a->arena + a->alen, t, n);
	*off = a->alen;
	a->alen += n;
	return true;
}

static const char *str(const struct asof *a, size_t off)
{
	return off == NONE ? NULL : a->arena + off;
}

/* The declared types of the measurement columns (PRAGMA table_info). */
static enum sw_status load_cols(struct asof *a)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	int src;

	rc = sw_store_prepare(a->s, "SELECT name, upper(type) FROM pragma_table_info('points')",
	                      &st, a->err);
	if (rc != SW_OK)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);
		struct col *c;

		if (name == NULL || sw_store_fixed_column(name))
			continue;
		c = realloc(a->cols, (a->ncols + 1) * sizeof *c);
		if (c == NULL) {
			rc = sw_error_nomem(a->err);
			goto out;
		}
		a->cols = c;
		c[a->ncols].name = strdup(name);
		if (c[a->ncols].name == NULL) {
			rc = sw_error_nomem(a->err);
			goto out;
		}
		c[a->ncols].kind = type == NULL                  ? 't'
		                   : strstr(type, "INT") != NULL ? 'i'
		                   : (strstr(type, "REAL") != NULL ||
		                      strstr(type, "FLOA") != NULL || strstr(type, "DOUB") != NULL)
		                       ? 'r'
		                       : 't';
		a->ncols++;
	}
	if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(a->s, a->err, _("reading the columns of points"));
out:
	sqlite3_finalize(st);
	return rc;
}

/* Every history row at or after the bound (or, uuid given, every row of
 * that point after seq), grouped by point, newest first. */
static enum sw_status load_rows(struct asof *a, const char *uuid, long long seq)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	int src;

	rc = sw_store_prepare(a->s,
	                      uuid != NULL
	                          ? "SELECT point_uuid, action, field,"
	                            " CASE WHEN action = 'insert' THEN NULL ELSE old_value END"
	                            " FROM schouw_history WHERE point_uuid = ?1 AND seq > ?2"
	                            " ORDER BY seq DESC"
	                          : "SELECT coalesce(point_uuid, 'id:' || point_id), action, field,"
	                            " CASE WHEN action = 'insert' THEN NULL ELSE old_value END"
	                            " FROM schouw_history WHERE julianday(at) >= julianday(?1)"
	                            " ORDER BY 1, seq DESC",
	                      &st, a->err);
	if (rc != SW_OK)
		return rc;
	if (uuid != NULL) {
		sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, seq);
	} else {
		sqlite3_bind_text(st, 1, a->f->as_of, -1, SQLITE_STATIC);
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		const char *action = (const char *)sqlite3_column_text(st, 1);
		struct undo u;
		struct group *g = a->ngroups > 0 ? &a->groups[a->ngroups - 1] : NULL;

		if (key == NULL || action == NULL)
			continue;
		u.action = strcmp(action, "insert") == 0   ? 'i'
		           : strcmp(action, "delete") == 0 ? 'd'
		           : strcmp(action, "update") == 0 ? 'u'
		                                           : 0;
		if (u.action == 0)
			continue; /* an action this schouw does not know: nothing to undo */
		if (!arena_add(a, (const char *)sqlite3_column_text(st, 2), &u.field) ||
		    !arena_add(a, (const char *)sqlite3_column_text(st, 3), &u.old))
			goto nomem;
		if (g == NULL || strcmp(str(a, g->key), key) != 0) {
			if (a->ngroups == a->capgroups) {
				size_t cap = a->capgroups ? a->capgroups * 2 : 256;
				struct group *q = realloc(a->groups, cap * sizeof *q);

				if (q == NULL)
					goto nomem;
				a->groups = q;
				a->capgroups = cap;
			}
			g = &a->groups[a->ngroups++];
			*g = (struct group){.first = a->nrows};
			if (!arena_add(a, key, &g->key))
				goto nomem;
		}
		if (a->nrows == a->caprows) {
			size_t cap = a->caprows ? a->caprows * 2 : 1024;
			struct undo *q = realloc(a->rows, cap * sizeof *q);

			if (q == NULL)
				goto nomem;
			a->rows = q;
			a->caprows = cap;
		}
		a->rows[a->nrows++] = u;
		g->n++;
		if (u.action == 'd')
			g->has_delete = true;
	}
	if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(a->s, a->err, _("reading history"));
	goto out;
nomem:
	rc = sw_error_nomem(a->err);
out:
	sqlite3_finalize(st);
	return rc;
}

static struct group *find_group(struct asof *a, const char *uuid)
{
	size_t lo = 0, hi = a->ngroups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(str(a, a->groups[mid].key), uuid);

		if (c == 0)
			return &a->groups[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static char col_kind(const struct asof *a, const char *name)
{
	for (size_t i = 0; i < a->ncols; i++)
		if (strcmp(a->cols[i].name, name) == 0)
			return a->cols[i].kind;
	return 't';
}

/* A real from history text; NULL or unreadable: NAN. */
static double real_of(const char *t)
{
	double d;

	return t != NULL && sw_num_parse(t, SW_NUM_TRIM, &d) ? d : NAN;
}

/* Put the old value of one updated field back into p. */
static enum sw_status undo_update(struct asof *a, struct sw_point *p, const char *field,
                                  const char *old)
{
	struct sw_value v = {0};
	double d;

	if (field == NULL)
		return SW_OK;
	if (strcmp(field, "status") == 0)
		return sw_point_set_str(&p->status, old, a->err);
	if (strcmp(field, "type") == 0)
		return sw_point_set_str(&p->type, old, a->err);
	if (strcmp(field, "surveyor") == 0)
		return sw_point_set_str(&p->surveyor, old, a->err);
	if (strcmp(field, "observed_at") == 0)
		return sw_point_set_str(&p->observed_at, old, a->err);
	if (strcmp(field, "note") == 0)
		return sw_point_set_str(&p->note, old, a->err);
	if (strcmp(field, "x") == 0 || strcmp(field, "y") == 0) {
		d = real_of(old);
		if (!isnan(d))
			*(field[0] == 'x' ? &p->x : &p->y) = d;
		return SW_OK;
	}
	if (strcmp(field, "gps_accuracy_m") == 0) {
		p->gps_accuracy_m = real_of(old);
		return SW_OK;
	}
	if (strcmp(field, "created_at") == 0)
		return sw_point_set_str(&p->created_at, old, a->err);
	if (strcmp(field, "updated_at") == 0)
		return sw_point_set_str(&p->updated_at, old, a->err);
	if (old != NULL) {
		switch (col_kind(a, field)) {
		case 'r':
			if (sw_num_parse(old, SW_NUM_TRIM, &d))
				v = (struct sw_value){.t = SW_V_REAL, .r = d};
			break;
		case 'i':
			if (sw_num_parse(old, SW_NUM_TRIM | SW_NUM_WHOLE, &d) && fabs(d) < 9e15)
				v = (struct sw_value){.t = SW_V_INT, .i = (long long)d};
			break;
		default:
			break;
		}
		if (v.t == SW_V_NULL)
			v = (struct sw_value){.t = SW_V_TEXT, .s = (char *)old};
	}
	return sw_point_set_attr(p, field, &v, a->err);
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static double jreal(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The record JSON of a delete row into p. */
static enum sw_status undo_delete(struct asof *a, struct sw_point *p, const char *json,
                                  const char *uuid)
{
	json_error_t jerr;
	json_t *o = json != NULL ? json_loads(json, 0, &jerr) : NULL, *fields, *v;
	const char *name, *u;
	enum sw_status rc = SW_OK;

	sw_point_clear(p);
	if (!json_is_object(o)) {
		rc = sw_error_set(a->err, SW_ERR_STORE,
		                  _("%s: history of point %s: the record of a delete is not a JSON "
		                    "object"),
		                  a->s->path, uuid);
		goto out;
	}
	p->id = json_integer_value(json_object_get(o, "id"));
	u = jstr(o, "uuid");
	snprintf(p->uuid, sizeof p->uuid, "%s", u != NULL ? u : uuid);
	p->x = jreal(o, "x");
	p->y = jreal(o, "y");
	p->gps_accuracy_m = jreal(o, "gps_accuracy_m");
	if ((rc = sw_point_set_str(&p->type, jstr(o, "type"), a->err)) != SW_OK ||
	    (rc = sw_point_set_str(&p->status, jstr(o, "status"), a->err)) != SW_OK ||
	    (rc = sw_point_set_str(&p->surveyor, jstr(o, "surveyor"), a->err)) != SW_OK ||
	    (rc = sw_point_set_str(&p->observed_at, jstr(o, "observed_at"), a->err)) != SW_OK ||
	    (rc = sw_point_set_str(&p->note, jstr(o, "note"), a->err)) != SW_OK ||
	    (rc = sw_point_set_str(&p->created_at, jstr(o, "created_at"), a->err)) != SW_OK ||
	    (rc = sw_point_set_str(&p->updated_at, jstr(o, "updated_at"), a->err)) != SW_OK)
		goto out;
	fields = json_object_get(o, "fields");
	json_object_foreach(fields, name, v)
	{
		struct sw_value val = {0};

		if (json_is_integer(v))
			val = (struct sw_value){.t = SW_V_INT, .i = json_integer_value(v)};
		else if (json_is_real(v))
			val = (struct sw_value){.t = SW_V_REAL, .r = json_real_value(v)};
		else if (json_is_string(v))
			val = (struct sw_value){.t = SW_V_TEXT, .s = (char *)json_string_value(v)};
		else if (json_is_boolean(v))
			val = (struct sw_value){.t = SW_V_INT, .i = json_is_true(v)};
		if (val.t != SW_V_NULL && (rc = sw_point_set_attr(p, name, &val, a->err)) != SW_OK)
			goto out;
	}
out:
	json_decref(o);
	return rc;
}

/* Undo the rows of g on a->work (which holds the point now, if *present).
 * Leaves *present telling whether the point existed at the bound. */
static enum sw_status rebuild(struct asof *a, struct group *g, bool *present)
{
	enum sw_status rc = SW_OK;

	for (size_t i = 0; i < g->n && rc == SW_OK; i++) {
		const struct undo *u = &a->rows[g->first + i];

		switch (u->action) {
		case 'i':
			*present = false;
			break;
		case 'd':
			rc = undo_delete(a, &a->work, str(a, u->old), str(a, g->key));
			*present = rc == SW_OK;
			break;
		default:
			if (*present)
				rc = undo_update(a, &a->work, str(a, u->field), str(a, u->old));
			break;
		}
	}
	g->done = true;
	return rc;
}

static int restored_cmp(const void *x, const void *y)
{
	const struct sw_point *p = x, *q = y;

	return (p->id > q->id) - (p->id < q->id);
}

/* The points whose history holds a delete after the bound: their state then
 * follows from the rows alone, whatever exists now. */
static enum sw_status restore_deleted(struct asof *a)
{
	enum sw_status rc = SW_OK;

	for (size_t i = 0; i < a->ngroups && rc == SW_OK; i++) {
		struct group *g = &a->groups[i];
		bool present = false;

		if (!g->has_delete)
			continue;
		sw_point_clear(&a->work);
		rc = rebuild(a, g, &present);
		if (rc != SW_OK || !present)
			continue;
		if (a->nrestored == a->caprestored) {
			size_t cap = a->caprestored ? a->caprestored * 2 : 64;
			struct sw_point *q = realloc(a->restored, cap * sizeof *q);

			if (q == NULL)
				return sw_error_nomem(a->err);
			a->restored = q;
			a->caprestored = cap;
		}
		a->restored[a->nrestored++] = a->work; /* moved: work starts afresh */
		sw_point_init(&a->work);
	}
	if (a->nrestored > 1)
		qsort(a->restored, a->nrestored, sizeof *a->restored, restored_cmp);
	return rc;
}

static enum sw_status emit(struct asof *a, const struct sw_point *p)
{
	if (!sw_store_filter_match(a->f, p))
		return SW_OK;
	return a->cb(p, a->ud);
}

/* The restored points with ids below id (all of them: id LLONG_MAX). */
static enum sw_status emit_restored(struct asof *a, long long id)
{
	enum sw_status rc = SW_OK;

	while (rc == SW_OK && a->next < a->nrestored && a->restored[a->next].id < id)
		rc = emit(a, &a->restored[a->next++]);
	return rc;
}

static enum sw_status current_cb(const struct sw_point *p, void *ud)
{
	struct asof *a = ud;
	struct group *g = find_group(a, p->uuid);
	enum sw_status rc = emit_restored(a, p->id);
	bool present = true;

	if (rc != SW_OK || (g != NULL && g->done))
		return rc;
	if (g == NULL)
		return emit(a, p);
	rc = sw_point_copy(&a->work, p, a->err);
	if (rc == SW_OK)
		rc = rebuild(a, g, &present);
	if (rc == SW_OK && present)
		rc = emit(a, &a->work);
	return rc;
}

enum sw_status sw_store_query_as_of(struct sw_store *s, const struct sw_filter *f, sw_point_cb cb,
                                    void *ud, struct sw_error *err)
{
	struct asof a = {.s = s, .f = f, .cb = cb, .ud = ud, .err = err};
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	sw_point_init(&a.work);
	if (f == NULL || f->as_of == NULL)
		return sw_store_query(s, f, cb, ud, err);
	rc = sw_store_filter_check(s, f, err);
	if (rc != SW_OK)
		goto out;
	rc = sw_store_prepare(s, "SELECT julianday(?1)", &st, err);
	if (rc != SW_OK)
		goto out;
	sqlite3_bind_text(st, 1, f->as_of, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL) {
		rc =
		    sw_error_set(err, SW_ERR_INPUT,
		                 _("as of '%s': expected an ISO 8601 date or timestamp"), f->as_of);
		goto out;
	}
	rc = sw_store_hist_flush(s, err);
	if (rc == SW_OK)
		rc = load_cols(&a);
	if (rc == SW_OK)
		rc = load_rows(&a, NULL, 0);
	if (rc == SW_OK)
		rc = restore_deleted(&a);
	if (rc == SW_OK) {
		struct sw_filter now = {0}; /* every point as it is now */

		rc = sw_store_query(s, &now, current_cb, &a, err);
	}
	if (rc == SW_OK)
		rc = emit_restored(&a, LLONG_MAX);
out:
	sqlite3_finalize(st);
	sw_point_clear(&a.work);
	for (size_t i = 0; i < a.nrestored; i++)
		sw_point_clear(&a.restored[i]);
	free(a.restored);
	for (size_t i = 0; i < a.ncols; i++)
		free(a.cols[i].name);
	free(a.cols);
	free(a.rows);
	free(a.groups);
	free(a.arena);
	return rc;
}

enum sw_status sw_store_point_after(struct sw_store *s, const char *uuid, long long seq,
                                    struct sw_point *out, bool *present, struct sw_error *err)
{
	struct asof a = {.s = s, .err = err};
	struct sw_error e = {0};
	enum sw_status rc;

	sw_point_clear(out);
	*present = false;
	rc = load_cols(&a);
	if (rc == SW_OK)
		rc = load_rows(&a, uuid, seq);
	if (rc != SW_OK)
		goto out;
	rc = sw_store_get_by_uuid(s, uuid, out, &e);
	if (rc == SW_OK)
		*present = true;
	else if (rc == SW_ERR_NOTFOUND)
		rc = SW_OK;
	else
		*err = e;
	if (rc == SW_OK && a.ngroups > 0) {
		a.work = *out; /* moved in and back out */
		sw_point_init(out);
		rc = rebuild(&a, &a.groups[0], present);
		*out = a.work;
		sw_point_init(&a.work);
	}
out:
	for (size_t i = 0; i < a.ncols; i++)
		free(a.cols[i].name);
	free(a.cols);
	free(a.rows);
	free(a.groups);
	free(a.arena);
	return rc;
}
