/* store_doctor.c - check a store and repair what can be repaired safely
 * (sw_store_doctor, store.h). */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gpkg_geom.h"
#include "schouw/i18n.h"
#include "schouw/num.h"
#include "schouw/store.h"
#include "store_priv.h"

#define RECONSTRUCTED "schouw doctor (reconstructed)"

/* A history row doctor would add. field NULL: the insert row. */
struct fix_hist {
	long long id;
	char uuid[SW_UUID_LEN + 1];
	char *field, *old_value, *new_value;
};

struct doc {
	struct sw_store *s;
	const struct sw_forms *forms;
	sw_finding_cb cb;
	void *ud;
	size_t n;
	enum sw_status cbrc;
	bool fix_rtree, fix_rtree_triggers, fix_guard, fix_writer;
	long long *conv; /* ids whose blob converts */
	size_t nconv;
	struct fix_hist *hist;
	size_t nhist;
	bool oom;
};

static void found(struct doc *d, const char *check, long long id, const char *uuid,
                  bool repairable, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void found(struct doc *d, const char *check, long long id, const char *uuid,
                  bool repairable, const char *fmt, ...)
{
	char msg[SW_ERROR_MSG_MAX];
	struct sw_store_finding f = {check, id, uuid, msg, repairable};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	d->n++;
	if (d->cbrc == SW_OK && d->cb != NULL)
		d->cbrc = d->cb(&f, d->ud);
}

/* ---- foreign geometry blobs ---- */

static double le_double(const unsigned char *b, bool le)
{
	unsigned char t[8];
	double v;

	for (int i = 0; i < 8; i++)
		t[i] = le ? b[i] : b[7 - i];
	memcpy(&v, t, 8);
	return v;
}

static uint32_t le_u32(const unsigned char *b, bool le)
{
	return le ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	                (uint32_t)b[3] << 24
	          : (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 |
	                (uint32_t)b[0] << 24;
}

/* A point in RD New from a blob another tool wrote: a SpatiaLite point blob
 * (srid 28992) or a bare WKB point. False when it is neither. */
static bool foreign_point(const unsigned char *b, size_t n, double *x, double *y,
                          const char **kind)
{
	if (b == NULL)
		return false;
	/* SpatiaLite: 0x00, endian, srid, MBR (4 doubles), 0x7C, class, x, y, 0xFE */
	if (n == 60 && b[0] == 0x00 && (b[1] == 0 || b[1] == 1) && b[38] == 0x7C && b[59] == 0xFE) {
		bool le = b[1] == 1;

		if (le_u32(b + 2, le) != SW_SRS_RD || le_u32(b + 39, le) != 1)
			return false;
		*x = le_double(b + 43, le);
		*y = le_double(b + 51, le);
		*kind = "SpatiaLite";
		return isfinite(*x) && isfinite(*y);
	}
	if (n == 21 && (b[0] == 0 || b[0] == 1) && le_u32(b + 1, b[0] == 1) == 1) {
		*x = le_double(b + 5, b[0] == 1);
		*y = le_double(b + 13, b[0] == 1);
		*kind = "WKB";
		/* only where RD New can be: a bare WKB names no CRS */
		return *x >= 0 && *x <= 300000 && *y >= 289000 && *y <= 629000;
	}
	return false;
}

/* ---- store-wide checks ---- */

static enum sw_status check_integrity(struct doc *d, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = sw_store_prepare(d->s, "PRAGMA integrity_check(100)", &st, err);

	if (rc != SW_OK)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);

		if (m != NULL && strcmp(m, "ok") != 0)
			found(d, "integrity", 0, NULL, false,
			      _("integrity_check: %s (restore the store from a backup)"), m);
	}
	sqlite3_finalize(st);
	return SW_OK;
}

/* Rows of sql (first column an id, second a uuid or NULL) as findings. */
static enum sw_status each_row(struct doc *d, const char *sql, const char *check,
                               bool repairable, const char *what, bool *flag,
                               struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = sw_store_prepare(d->s, sql, &st, err);

	if (rc != SW_OK)
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		found(d, check, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		      repairable, "%s", what);
		if (flag != NULL)
			*flag = true;
	}
	sqlite3_finalize(st);
	return SW_OK;
}

static enum sw_status check_rtree(struct doc *d, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	rc = sw_store_prepare(d->s, "SELECT rtreecheck('rtree_points_geom')", &st, err);
	if (rc != SW_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		found(d, "rtree", 0, NULL, true, _("rtreecheck: %s"), sqlite3_column_text(st, 0));
		d->fix_rtree = true;
	}
	sqlite3_finalize(st);
	rc = each_row(d,
	              "SELECT p.id, p.uuid FROM points p WHERE schouw_coord(p.geom, 0) IS NOT NULL"
	              " AND NOT EXISTS (SELECT 1 FROM rtree_points_geom r WHERE r.id = p.id AND"
	              " r.minx <= schouw_coord(p.geom, 0) AND r.maxx >= schouw_coord(p.geom, 0)"
	              " AND r.miny <= schouw_coord(p.geom, 1) AND r.maxy >= schouw_coord(p.geom, 1))"
	              " ORDER BY p.id",
	              "rtree", true, _("no R-tree entry holds the point"), &d->fix_rtree, err);
	if (rc == SW_OK)
		rc = each_row(d,
		              "SELECT r.id, (SELECT uuid FROM points WHERE id = r.id) FROM rtree_points_geom r"
		              " WHERE NOT EXISTS (SELECT 1"
		              " FROM points p WHERE p.id = r.id AND schouw_coord(p.geom, 0) IS NOT"
		              " NULL) ORDER BY r.id",
		              "rtree", true, _("R-tree entry without a readable point"),
		              &d->fix_rtree, err);
	return rc;
}

static enum sw_status check_schema(struct doc *d, struct sw_error *err)
{
	enum sw_guard_state gs[SW_GUARD_NTRIG];
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	char *v = NULL;
	int has_writer = 0;

	rc = sw_store_meta_get(d->s, "schema_version", &v, err);
	if (rc != SW_OK)
		return rc;
	if (v == NULL || atoi(v) != SW_STORE_SCHEMA_VERSION)
		found(d, "schema", 0, NULL, false, _("schema version %s, expected %d"),
		      v ? v : "(none)", SW_STORE_SCHEMA_VERSION);
	free(v);
	for (int i = 0; i < SW_RTREE_NTRIG; i++) {
		rc = sw_store_prepare(d->s,
		                      "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND"
		                      " name = ? AND tbl_name = 'points'",
		                      &st, err);
		if (rc != SW_OK)
			return rc;
		sqlite3_bind_text(st, 1, sw_store_rtree_trigger_names[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0) {
			found(d, "triggers", 0, NULL, true, _("R-tree trigger %s is missing"),
			      sw_store_rtree_trigger_names[i]);
			d->fix_rtree_triggers = d->fix_rtree = true;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	rc = sw_store_prepare(d->s,
	                      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name ="
	                      " 'schouw_writer'",
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		has_writer = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (!has_writer) {
		found(d, "triggers", 0, NULL, true,
		      _("table schouw_writer is missing (every write to points fails)"));
		d->fix_writer = d->fix_guard = true;
		return SW_OK; /* the guard triggers cannot be compared without it */
	}
	rc = sw_store_prepare(d->s, "SELECT count(*) FROM schouw_writer", &st, err);
	if (rc != SW_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0) {
		found(d, "triggers", 0, NULL, true,
		      _("schouw_writer holds a row: the history triggers skip every edit"));
		d->fix_writer = true;
	}
	sqlite3_finalize(st);
	rc = sw_store_guard_check(d->s, gs, err);
	for (int i = 0; i < SW_GUARD_NTRIG && rc == SW_OK; i++) {
		if (gs[i] == SW_GUARD_OK)
			continue;
		found(d, "triggers", 0, NULL, true,
		      gs[i] == SW_GUARD_MISSING
		          ? _("history trigger %s is missing: edits by other clients go unrecorded")
		          : _("history trigger %s does not match the columns of points"),
		      sw_store_guard_names[i]);
		d->fix_guard = true;
	}
	return rc;
}

/* ---- per point ---- */

static void skip_hook(long long id, const char *uuid, const char *what, void *ud)
{
	struct doc *d = ud;
	sqlite3_stmt *st = NULL;
	const char *kind = NULL;
	double x, y;
	bool conv = false;

	if (sqlite3_prepare_v2(d->s->db, "SELECT geom FROM points WHERE id = ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			conv = foreign_point(sqlite3_column_blob(st, 0),
			                     (size_t)sqlite3_column_bytes(st, 0), &x, &y, &kind);
	}
	sqlite3_finalize(st);
	if (conv) {
		long long *g = realloc(d->conv, (d->nconv + 1) * sizeof *g);

		if (g == NULL) {
			d->oom = true;
			return;
		}
		d->conv = g;
		g[d->nconv++] = id;
		found(d, "geometry", id, uuid, true,
		      _("%s; it is a %s point (%.3f, %.3f) that can be converted"), what, kind, x,
		      y);
	} else {
		found(d, "geometry", id, uuid, false, "%s", what);
	}
}

static bool add_fix(struct doc *d, const struct sw_point *p, const char *field, const char *o,
                    const char *n)
{
	struct fix_hist *g = realloc(d->hist, (d->nhist + 1) * sizeof *g);
	struct fix_hist *h;

	if (g == NULL)
		return false;
	d->hist = g;
	h = &g[d->nhist];
	memset(h, 0, sizeof *h);
	h->id = p->id;
	memcpy(h->uuid, p->uuid, sizeof h->uuid);
	if ((field && !(h->field = strdup(field))) || (o && !(h->old_value = strdup(o))) ||
	    (n && !(h->new_value = strdup(n)))) {
		free(h->field);
		free(h->old_value);
		free(h->new_value);
		return false;
	}
	d->nhist++;
	return true;
}

/* The state the history leads to: field -> text (NULL for none). */
struct replay {
	json_t *state; /* object of strings and nulls */
	bool has_insert;
};

static char *json_text(json_t *v)
{
	char buf[SW_NUM_BUF];

	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
		return strdup(buf);
	}
	if (json_is_real(v)) {
		sw_num_format(json_real_value(v), buf);
		return strdup(buf);
	}
	if (json_is_boolean(v))
		return strdup(json_is_true(v) ? "1" : "0");
	return json_dumps(v, JSON_COMPACT);
}

static void state_set(json_t *state, const char *field, const char *text)
{
	json_object_set_new(state, field, text ? json_string(text) : json_null());
}

static enum sw_status replay_cb(const struct sw_history_row *h, void *ud)
{
	struct replay *r = ud;

	if (strcmp(h->action, "insert") == 0 && h->new_value != NULL) {
		json_t *rec = json_loads(h->new_value, 0, NULL), *v;
		const char *k;

		json_object_clear(r->state);
		r->has_insert = true;
		if (rec == NULL)
			return SW_OK;
		json_object_foreach(rec, k, v)
		{
			if (strcmp(k, "fields") == 0 && json_is_object(v)) {
				const char *fk;
				json_t *fv;

				json_object_foreach(v, fk, fv)
				{
					char *t = json_text(fv);

					state_set(r->state, fk, t);
					free(t);
				}
			} else if (strcmp(k, "id") != 0 && strcmp(k, "uuid") != 0 &&
			           strcmp(k, "created_at") != 0 && strcmp(k, "updated_at") != 0) {
				char *t = json_text(v);

				state_set(r->state, k, t);
				free(t);
			}
		}
		json_decref(rec);
	} else if (strcmp(h->action, "update") == 0 && h->field != NULL) {
		state_set(r->state, h->field, h->new_value);
	}
	return SW_OK;
}

static bool same_value(const char *a, const char *b)
{
	char *ea, *eb;
	double x, y;

	if (a == NULL || b == NULL)
		return a == b;
	if (strcmp(a, b) == 0)
		return true;
	x = strtod(a, &ea);
	y = strtod(b, &eb);
	if (*a && *b && *ea == '\0' && *eb == '\0' && isfinite(x) && isfinite(y))
		return fabs(x - y) <= 1e-9 * fmax(1.0, fabs(x));
	return false;
}

static enum sw_status check_history(struct doc *d, const struct sw_point *p, struct sw_error *err)
{
	struct replay r = {json_object(), false};
	const char *fields[] = {"type", "status", "surveyor", "observed_at", "note"};
	char buf[3][SW_NUM_BUF];
	enum sw_status rc;

	if (r.state == NULL)
		return sw_error_nomem(err);
	rc = sw_store_history(d->s, p->uuid, replay_cb, &r, err);
	if (rc != SW_OK)
		goto out;
	if (!r.has_insert) {
		found(d, "history", p->id, p->uuid, true, _("no insert row in the history"));
		if (!add_fix(d, p, NULL, NULL, NULL))
			rc = sw_error_nomem(err);
		goto out;
	}
	sw_num_format(p->x, buf[0]);
	sw_num_format(p->y, buf[1]);
	sw_num_format(p->gps_accuracy_m, buf[2]);
	{
		struct {
			const char *field, *now;
		} cmp[8 + 64];
		size_t n = 0;

		for (size_t i = 0; i < 5; i++) {
			cmp[n].field = fields[i];
			cmp[n++].now = i == 0   ? p->type
			               : i == 1 ? p->status
			               : i == 2 ? p->surveyor
			               : i == 3 ? p->observed_at
			                        : p->note;
		}
		cmp[n].field = "x";
		cmp[n++].now = isnan(p->x) ? NULL : buf[0];
		cmp[n].field = "y";
		cmp[n++].now = isnan(p->y) ? NULL : buf[1];
		cmp[n].field = "gps_accuracy_m";
		cmp[n++].now = isnan(p->gps_accuracy_m) ? NULL : buf[2];
		for (size_t i = 0; i < n && rc == SW_OK; i++) {
			json_t *v = json_object_get(r.state, cmp[i].field);
			const char *was = v && json_is_string(v) ? json_string_value(v) : NULL;

			if (same_value(was, cmp[i].now))
				continue;
			found(d, "history", p->id, p->uuid, true,
			      _("%s is '%s' but the history says '%s' (changed without a history "
			        "row)"),
			      cmp[i].field, cmp[i].now ? cmp[i].now : "", was ? was : "");
			if (!add_fix(d, p, cmp[i].field, was, cmp[i].now))
				rc = sw_error_nomem(err);
		}
	}
	for (size_t c = 0; c < d->s->ncols && rc == SW_OK; c++) {
		const char *name = d->s->cols[c];
		const struct sw_value *val = sw_point_get_attr(p, name);
		char *now = val && val->t != SW_V_NULL ? sw_value_to_text(val) : NULL;
		json_t *v = json_object_get(r.state, name);
		const char *was = v && json_is_string(v) ? json_string_value(v) : NULL;

		if (!same_value(was, now)) {
			found(d, "history", p->id, p->uuid, true,
			      _("%s is '%s' but the history says '%s' (changed without a history "
			        "row)"),
			      name, now ? now : "", was ? was : "");
			if (!add_fix(d, p, name, was, now))
				rc = sw_error_nomem(err);
		}
		free(now);
	}
out:
	json_decref(r.state);
	return rc;
}

struct point_ctx {
	struct doc *d;
	struct sw_error *err;
};

static enum sw_status point_cb(const struct sw_point *p, void *ud)
{
	struct point_ctx *c = ud;
	struct doc *d = c->d;
	struct sw_error e = {0};

	if (isnan(p->x) || isnan(p->y))
		found(d, "geometry", p->id, p->uuid, false, _("the point has no position"));
	if (!sw_uuid_valid(p->uuid))
		found(d, "form", p->id, p->uuid, false, _("uuid '%s' is not a valid uuid"), p->uuid);
	if (d->forms != NULL && sw_form_validate(d->forms, p, &e) != SW_OK)
		found(d, "form", p->id, p->uuid, false, "%s", e.msg);
	if (sw_uuid_valid(p->uuid))
		return check_history(d, p, c->err);
	return d->cbrc;
}

/* ---- repair ---- */

static enum sw_status backup_to(struct sw_store *s, const char *path, struct sw_error *err)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	enum sw_status rc = SW_OK;

	if (access(path, F_OK) == 0)
		return sw_error_set(err, SW_ERR_IO, _("%s already exists; not overwriting it"), path);
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot create the backup"), path);
		goto out;
	}
	b = sqlite3_backup_init(dst, "main", s->db, "main");
	if (b == NULL || sqlite3_backup_step(b, -1) != SQLITE_DONE) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: backup failed: %s"), path,
		                  sqlite3_errmsg(dst));
		sqlite3_backup_finish(b);
		goto out;
	}
	if (sqlite3_backup_finish(b) != SQLITE_OK)
		rc = sw_error_set(err, SW_ERR_IO, _("%s: backup failed: %s"), path,
		                  sqlite3_errmsg(dst));
out:
	sqlite3_close(dst);
	if (rc != SW_OK)
		unlink(path);
	return rc;
}

static enum sw_status convert_blobs(struct doc *d, struct sw_error *err)
{
	sqlite3_stmt *get = NULL, *put = NULL;
	enum sw_status rc;

	rc = sw_store_prepare(d->s, "SELECT geom FROM points WHERE id = ?", &get, err);
	if (rc == SW_OK)
		rc = sw_store_prepare(d->s, "UPDATE points SET geom = ? WHERE id = ?", &put, err);
	for (size_t i = 0; i < d->nconv && rc == SW_OK; i++) {
		unsigned char blob[SW_GPKG_POINT_BLOB_LEN];
		const char *kind;
		double x, y;

		sqlite3_reset(get);
		sqlite3_bind_int64(get, 1, d->conv[i]);
		if (sqlite3_step(get) != SQLITE_ROW ||
		    !foreign_point(sqlite3_column_blob(get, 0), (size_t)sqlite3_column_bytes(get, 0),
		                   &x, &y, &kind))
			continue;
		sw_gpkg_geom_point(x, y, SW_SRS_RD, blob);
		sqlite3_reset(put);
		sqlite3_bind_blob(put, 1, blob, sizeof blob, SQLITE_STATIC);
		sqlite3_bind_int64(put, 2, d->conv[i]);
		rc = sw_store_step_done(d->s, put, _("converting a geometry"), err);
	}
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	return rc;
}

static enum sw_status write_history(struct doc *d, struct sw_error *err)
{
	enum sw_status rc = SW_OK;
	struct sw_point p;
	char now[32];

	sw_point_init(&p);
	sw_now_iso(now, sizeof now);
	for (size_t i = 0; i < d->nhist && rc == SW_OK; i++) {
		struct fix_hist *h = &d->hist[i];
		char ref[32];

		if (h->field != NULL) {
			rc = sw_store_hist_row(d->s, h->id, h->uuid, "update", h->field,
			                       h->old_value, h->new_value, RECONSTRUCTED, now, err);
			continue;
		}
		snprintf(ref, sizeof ref, "%lld", h->id);
		rc = sw_store_get(d->s, ref, &p, err);
		if (rc == SW_OK)
			rc = sw_store_hist_insert(d->s, &p, RECONSTRUCTED, now, err);
	}
	sw_point_clear(&p);
	return rc;
}

static enum sw_status repair(struct doc *d, const char *backup, struct sw_error *err)
{
	enum sw_status rc;

	rc = backup_to(d->s, backup, err);
	if (rc != SW_OK)
		return rc;
	rc = sw_store_begin_repair(d->s, err);
	if (rc != SW_OK)
		return rc;
	/* the R-tree triggers call ST_IsEmpty on the old blob, which a foreign
	 * one fails: set them aside, convert, make them again, rebuild */
	for (int i = 0; i < SW_RTREE_NTRIG && rc == SW_OK; i++) {
		char sql[96];

		snprintf(sql, sizeof sql, "DROP TRIGGER IF EXISTS %s", sw_store_rtree_trigger_names[i]);
		rc = sw_store_exec(d->s, sql, err);
	}
	if (rc == SW_OK)
		rc = convert_blobs(d, err);
	if (rc == SW_OK)
		rc = sw_store_exec(d->s, sw_store_rtree_triggers, err);
	if (rc == SW_OK && (d->fix_rtree || d->nconv > 0))
		rc = sw_store_rebuild_index(d->s, err);
	if (rc == SW_OK)
		rc = sw_store_load_columns(d->s, err);
	if (rc == SW_OK)
		rc = sw_store_guard_install(d->s, err);
	if (rc == SW_OK)
		rc = write_history(d, err);
	if (rc != SW_OK) {
		sw_store_rollback(d->s);
		return sw_error_prefix(err, _("repair undone: "));
	}
	return sw_store_commit(d->s, err);
}

enum sw_status sw_store_doctor(struct sw_store *s, const struct sw_forms *forms, bool repair_it,
                               const char *backup, sw_finding_cb cb, void *ud, size_t *nfound,
                               struct sw_error *err)
{
	struct doc d = {.s = s, .forms = forms, .cb = cb, .ud = ud};
	bool skip_on = s->skip_on;
	sw_skip_cb skip_cb = s->skip_cb;
	void *skip_ud = s->skip_ud;
	long long nskipped = s->nskipped;
	struct point_ctx pc = {&d, err};
	enum sw_status rc;

	if (nfound != NULL)
		*nfound = 0;
	rc = check_integrity(&d, err);
	if (rc == SW_OK)
		rc = check_schema(&d, err);
	if (rc == SW_OK)
		rc = check_rtree(&d, err);
	if (rc == SW_OK) {
		sw_store_on_skip(s, skip_hook, &d);
		rc = sw_store_query(s, NULL, point_cb, &pc, err);
		s->skip_on = skip_on;
		s->skip_cb = skip_cb;
		s->skip_ud = skip_ud;
		s->nskipped = nskipped;
	}
	if (rc == SW_OK && d.oom)
		rc = sw_error_nomem(err);
	if (rc == SW_OK)
		rc = d.cbrc;
	if (rc == SW_OK && repair_it && d.n > 0)
		rc = repair(&d, backup, err);
	if (nfound != NULL)
		*nfound = d.n;
	for (size_t i = 0; i < d.nhist; i++) {
		free(d.hist[i].field);
		free(d.hist[i].old_value);
		free(d.hist[i].new_value);
	}
	free(d.hist);
	free(d.conv);
	return rc;
}
