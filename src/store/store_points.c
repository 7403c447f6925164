/* store_points.c - reading and writing points; their history rows are
 * written through store_history.c. */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpkg_geom.h"
#include "schouw/i18n.h"
#include "schouw/store.h"
#include "store_priv.h"

#define POINT_COLS                                                                                 \
	"geom, uuid, type, status, surveyor, observed_at, gps_accuracy_m, note, created_at, "      \
	"updated_at"
#define NPOINT_COLS 10

void sw_store_sb_add(struct sw_store_sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *q = realloc(b->p, cap);

		if (q == NULL) {
			b->oom = true;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

static void sb_ident(struct sw_store_sbuf *b, const char *name)
{
	sw_store_sb_add(b, "\"");
	sw_store_sb_add(b, name);
	sw_store_sb_add(b, "\"");
}

enum sw_status sw_store_prepare(struct sw_store *s, const char *sql, sqlite3_stmt **st,
                                struct sw_error *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return sw_store_sqlerr(s, err, _("preparing a query"));
	return SW_OK;
}

enum sw_status sw_store_step_done(struct sw_store *s, sqlite3_stmt *st, const char *what,
                                  struct sw_error *err)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		return sw_store_sqlerr(s, err, what);
	return SW_OK;
}

void sw_store_bind_str(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		/* every caller steps before the text changes, and
		 * sw_store_stmt clears bindings: no copy needed */
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static void bind_real(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

static void bind_value(sqlite3_stmt *st, int i, const struct sw_value *v)
{
	if (v == NULL) {
		sqlite3_bind_null(st, i);
		return;
	}
	switch (v->t) {
	case SW_V_REAL:
		bind_real(st, i, v->r);
		break;
	case SW_V_INT:
		sqlite3_bind_int64(st, i, v->i);
		break;
	case SW_V_TEXT:
		sw_store_bind_str(st, i, v->s);
		break;
	default:
		sqlite3_bind_null(st, i);
		break;
	}
}

static enum sw_status oom(struct sw_error *err)
{
	return sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
}

/* ---- decoding rows of SELECT * FROM points ---- */

static enum sw_status set_col_str(char **member, sqlite3_stmt *st, int c, struct sw_error *err)
{
	const char *v = (const char *)sqlite3_column_text(st, c);

	return sw_point_set_str(member, v, err);
}

/* What each column of a SELECT * FROM points is, worked out once per
 * statement instead of comparing names on every row. */
enum col_role {
	COL_ID, COL_GEOM, COL_UUID, COL_TYPE, COL_STATUS, COL_SURVEYOR, COL_OBSERVED,
	COL_ACCURACY, COL_NOTE, COL_CREATED, COL_UPDATED, COL_FIELD, COL_SKIP
};

struct colmap {
	int n;
	unsigned char *role; /* n entries of enum col_role */
};

/* keep (NULL: every column) names the measurements to read; the other
 * measurements and surveyor, times and note are skipped. */
static enum sw_status colmap_build(sqlite3_stmt *st, struct colmap *m, const char *const *keep,
                                   size_t nkeep, struct sw_error *err)
{
	static const char *const fixed[] = {"id",	"geom",	   "uuid",	 "type",
					    "status",	"surveyor",	   "observed_at", "gps_accuracy_m",
					    "note",	"created_at",	   "updated_at"};

	m->n = sqlite3_column_count(st);
	m->role = malloc((size_t)(m->n > 0 ? m->n : 1));
	if (m->role == NULL)
		return oom(err);
	for (int c = 0; c < m->n; c++) {
		const char *name = sqlite3_column_name(st, c);
		m->role[c] = COL_FIELD;
		for (int r = 0; r < COL_FIELD; r++)
			if (name != NULL && strcmp(name, fixed[r]) == 0)
				m->role[c] = (unsigned char)r;
		if (keep != NULL && m->role[c] >= COL_SURVEYOR && m->role[c] != COL_FIELD)
			m->role[c] = COL_SKIP;
		if (keep != NULL && m->role[c] == COL_FIELD) {
			bool kept = false;
			for (size_t k = 0; k < nkeep && !kept; k++)
				kept = name != NULL && strcmp(name, keep[k]) == 0;
			if (!kept)
				m->role[c] = COL_SKIP;
		}
	}
	return SW_OK;
}

static void colmap_free(struct colmap *m)
{
	free(m->role);
	m->role = NULL;
}

/* Fill p (cleared first) from the current row of st, whose columns m maps. */
static enum sw_status decode_row(struct sw_store *s, sqlite3_stmt *st, const struct colmap *m,
                                 struct sw_point *p, struct sw_error *err)
{
	enum sw_status rc = SW_OK;

	(void)s;
	sw_point_clear(p);
	p->x = p->y = NAN;
	for (int c = 0; c < m->n && rc == SW_OK; c++) {
		int t;

		if (m->role[c] == COL_SKIP)
			continue;
		t = sqlite3_column_type(st, c);
		switch ((enum col_role)m->role[c]) {
		case COL_ID:
			p->id = sqlite3_column_int64(st, c);
			break;
		case COL_GEOM: {
			struct sw_gpkg_geom g;

			if (t == SQLITE_NULL)
				break;
			if (sw_gpkg_geom_decode(sqlite3_column_blob(st, c),
			                        (size_t)sqlite3_column_bytes(st, c), &g,
			                        err) != SW_OK) {
				rc = err ? err->code : SW_ERR_INPUT;
				break;
			}
			if (g.wkb_type != 1) {
				rc = sw_error_set(err, SW_ERR_INPUT,
				                  _("geometry type %u is not a point"),
				                  (unsigned)g.wkb_type);
				break;
			}
			p->x = g.x;
			p->y = g.y;
			break;
		}
		case COL_UUID: {
			const char *v = (const char *)sqlite3_column_text(st, c);

			snprintf(p->uuid, sizeof p->uuid, "%s", v ? v : "");
			break;
		}
		case COL_TYPE:
			rc = set_col_str(&p->type, st, c, err);
			break;
		case COL_STATUS:
			rc = set_col_str(&p->status, st, c, err);
			break;
		case COL_SURVEYOR:
			rc = set_col_str(&p->surveyor, st, c, err);
			break;
		case COL_OBSERVED:
			rc = set_col_str(&p->observed_at, st, c, err);
			break;
		case COL_ACCURACY:
			p->gps_accuracy_m = t == SQLITE_NULL ? NAN : sqlite3_column_double(st, c);
			break;
		case COL_NOTE:
			rc = set_col_str(&p->note, st, c, err);
			break;
		case COL_CREATED:
			rc = set_col_str(&p->created_at, st, c, err);
			break;
		case COL_UPDATED:
			rc = set_col_str(&p->updated_at, st, c, err);
			break;
		case COL_FIELD: {
			struct sw_value v = {0};

			if (t == SQLITE_NULL)
				break;
			if (t == SQLITE_INTEGER) {
				v.t = SW_V_INT;
				v.i = sqlite3_column_int64(st, c);
			} else if (t == SQLITE_FLOAT) {
				v.t = SW_V_REAL;
				v.r = sqlite3_column_double(st, c);
			} else {
				/* TEXT, or a BLOB some other tool wrote: read as text */
				v.t = SW_V_TEXT;
				v.s = (char *)sqlite3_column_text(st, c);
				if (v.s == NULL) {
					rc = oom(err);
					break;
				}
			}
			rc = sw_point_set_attr(p, sqlite3_column_name(st, c), &v, err);
			break;
		}
		case COL_SKIP:
			break;
		}
	}
	if (rc != SW_OK)
		sw_point_clear(p);
	return rc;
}

/* ---- rows that cannot be read ---- */

void sw_store_on_skip(struct sw_store *s, sw_skip_cb cb, void *ud)
{
	s->skip_cb = cb;
	s->skip_ud = ud;
	s->skip_on = true;
}

long long sw_store_skipped(const struct sw_store *s)
{
	return s ? s->nskipped : 0;
}

enum sw_status sw_store_skip_row(struct sw_store *s, long long id, const char *uuid,
                                 struct sw_error *err)
{
	char what[SW_ERROR_MSG_MAX];

	snprintf(what, sizeof what, "%s", err && err->msg[0] ? err->msg : _("unreadable"));
	if (s->skip_on) {
		s->nskipped++;
		if (s->skip_cb != NULL)
			s->skip_cb(id, uuid, what, s->skip_ud);
		sw_error_clear(err);
		return SW_OK;
	}
	return sw_error_set(err, SW_ERR_STORE,
	                    _("%s: point %lld (uuid %s) cannot be read: %s; run 'schouw doctor'"),
	                    s->path, id, uuid && *uuid ? uuid : "?", what);
}

/* The uuid column of the current row (NULL when none). */
static const char *row_uuid(sqlite3_stmt *st, const struct colmap *m)
{
	for (int c = 0; c < m->n; c++)
		if (m->role[c] == COL_UUID)
			return (const char *)sqlite3_column_text(st, c);
	return NULL;
}

/* ---- filters ---- */

static double widen_down(double v)
{
	return v - fabs(v) * 1e-6 - 1e-6;
}

static double widen_up(double v)
{
	return v + fabs(v) * 1e-6 + 1e-6;
}

/* The search box of f: the bbox, intersected with the circle's box. */
static bool filter_box(const struct sw_filter *f, double box[4])
{
	bool any = false;

	box[0] = box[1] = -INFINITY;
	box[2] = box[3] = INFINITY;
	if (f == NULL)
		return false;
	if (f->has_bbox) {
		box[0] = f->minx;
		box[1] = f->miny;
		box[2] = f->maxx;
		box[3] = f->maxy;
		any = true;
	}
	if (f->has_near) {
		box[0] = fmax(box[0], f->near_x - f->radius);
		box[1] = fmax(box[1], f->near_y - f->radius);
		box[2] = fmin(box[2], f->near_x + f->radius);
		box[3] = fmin(box[3], f->near_y + f->radius);
		any = true;
	}
	if (f->within != NULL) {
		box[0] = fmax(box[0], f->within->minx);
		box[1] = fmax(box[1], f->within->miny);
		box[2] = fmin(box[2], f->within->maxx);
		box[3] = fmin(box[3], f->within->maxy);
		any = true;
	}
	return any;
}

/* The filters on columns of points (not the spatial ones). */
static void filter_sql_attrs(struct sw_store_sbuf *b, const struct sw_filter *f)
{
	if (f == NULL)
		return;
	if (f->type != NULL)
		sw_store_sb_add(b, " AND type = :type");
	if (f->status != NULL)
		sw_store_sb_add(b, " AND status = :status");
	if (f->by != NULL)
		sw_store_sb_add(b, " AND surveyor = :by");
}

static void filter_sql(struct sw_store_sbuf *b, const struct sw_filter *f)
{
	double box[4];

	if (f == NULL)
		return;
	filter_sql_attrs(b, f);
	/* R-tree boxes are float32 rounded outward; widen the query a little
	 * and check the exact coordinates in C. */
	if (filter_box(f, box))
		sw_store_sb_add(b,
		                " AND id IN (SELECT id FROM rtree_points_geom WHERE minx <= :maxx"
		                " AND maxx >= :minx AND miny <= :maxy AND maxy >= :miny)");
}

static void filter_bind(sqlite3_stmt *st, const struct sw_filter *f)
{
	double box[4];

	if (f == NULL)
		return;
	if (f->type != NULL)
		sw_store_bind_str(st, sqlite3_bind_parameter_index(st, ":type"), f->type);
	if (f->status != NULL)
		sw_store_bind_str(st, sqlite3_bind_parameter_index(st, ":status"), f->status);
	if (f->by != NULL)
		sw_store_bind_str(st, sqlite3_bind_parameter_index(st, ":by"), f->by);
	if (filter_box(f, box)) {
		sqlite3_bind_double(st, sqlite3_bind_parameter_index(st, ":minx"),
		                    widen_down(box[0]));
		sqlite3_bind_double(st, sqlite3_bind_parameter_index(st, ":miny"),
		                    widen_down(box[1]));
		sqlite3_bind_double(st, sqlite3_bind_parameter_index(st, ":maxx"),
		                    widen_up(box[2]));
		sqlite3_bind_double(st, sqlite3_bind_parameter_index(st, ":maxy"),
		                    widen_up(box[3]));
	}
}

/* The exact check behind the R-tree's approximate one. */
static bool filter_exact(const struct sw_filter *f, double x, double y)
{
	if (f == NULL)
		return true;
	if (f->has_bbox && !(x >= f->minx && x <= f->maxx && y >= f->miny && y <= f->maxy))
		return false;
	if (f->has_near) {
		double dx = x - f->near_x, dy = y - f->near_y;

		if (!(dx * dx + dy * dy <= f->radius * f->radius))
			return false;
	}
	if (f->within != NULL && !sw_polygon_contains(f->within, x, y))
		return false;
	return true;
}

bool sw_store_filter_match(const struct sw_filter *f, const struct sw_point *p)
{
	if (f == NULL)
		return true;
	if (f->type != NULL && (p->type == NULL || strcmp(f->type, p->type) != 0))
		return false;
	if (f->status != NULL && (p->status == NULL || strcmp(f->status, p->status) != 0))
		return false;
	if (f->by != NULL && (p->surveyor == NULL || strcmp(f->by, p->surveyor) != 0))
		return false;
	return filter_exact(f, p->x, p->y);
}

static bool filter_spatial(const struct sw_filter *f)
{
	return f != NULL && (f->has_bbox || f->has_near || f->within != NULL);
}

static enum sw_status filter_check(struct sw_store *s, const struct sw_filter *f,
                                   struct sw_error *err)
{
	if (f == NULL)
		return SW_OK;
	if (f->has_bbox && !(f->minx <= f->maxx && f->miny <= f->maxy))
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: bounding box %g,%g,%g,%g: expected minx <= maxx and "
		                      "miny <= maxy"),
		                    s->path, f->minx, f->miny, f->maxx, f->maxy);
	if (f->has_near &&
	    !(f->radius >= 0 && isfinite(f->radius) && isfinite(f->near_x) && isfinite(f->near_y)))
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: search radius %g: expected a finite number >= 0"),
		                    s->path, f->radius);
	return SW_OK;
}

enum sw_status sw_store_filter_check(struct sw_store *s, const struct sw_filter *f,
                                     struct sw_error *err)
{
	return filter_check(s, f, err);
}

static enum sw_status query(struct sw_store *s, const struct sw_filter *f, const char *const *keep,
                            size_t nkeep, sw_point_cb cb, void *ud, struct sw_error *err);

enum sw_status sw_store_query(struct sw_store *s, const struct sw_filter *f, sw_point_cb cb,
                              void *ud, struct sw_error *err)
{
	return query(s, f, NULL, 0, cb, ud, err);
}

enum sw_status sw_store_query_fields(struct sw_store *s, const struct sw_filter *f,
                                     const char *const *fields, size_t nfields, sw_point_cb cb,
                                     void *ud, struct sw_error *err)
{
	static const char *const none[] = {""};

	return query(s, f, fields != NULL ? fields : none, fields != NULL ? nfields : 0, cb, ud,
	             err);
}

static enum sw_status query(struct sw_store *s, const struct sw_filter *f, const char *const *keep,
                            size_t nkeep, sw_point_cb cb, void *ud, struct sw_error *err)
{
	struct sw_store_sbuf b = {0};
	struct colmap map = {0};
	sqlite3_stmt *st = NULL;
	struct sw_point p;
	enum sw_status rc;
	int src;

	if (f != NULL && f->as_of != NULL)
		return sw_store_query_as_of(s, f, cb, ud, err);
	sw_point_init(&p);
	rc = filter_check(s, f, err);
	if (rc != SW_OK)
		goto out;
	if (keep == NULL) {
		sw_store_sb_add(&b, "SELECT * FROM points WHERE 1");
	} else {
		/* only the columns asked for: SQLite's cost per row grows with
		 * the columns a statement returns */
		rc = sw_store_prepare(s, "SELECT * FROM points WHERE 0", &st, err);
		if (rc != SW_OK)
			goto out;
		rc = colmap_build(st, &map, keep, nkeep, err);
		if (rc != SW_OK)
			goto out;
		sw_store_sb_add(&b, "SELECT ");
		for (int c = 0, k = 0; c < map.n; c++) {
			if (map.role[c] == COL_SKIP)
				continue;
			sw_store_sb_add(&b, k++ ? ", \"" : "\"");
			sw_store_sb_add(&b, sqlite3_column_name(st, c));
			sw_store_sb_add(&b, "\"");
		}
		sw_store_sb_add(&b, " FROM points WHERE 1");
		sqlite3_finalize(st);
		st = NULL;
		colmap_free(&map);
	}
	filter_sql(&b, f);
	sw_store_sb_add(&b, " ORDER BY id");
	if (b.oom) {
		rc = oom(err);
		goto out;
	}
	rc = sw_store_prepare(s, b.p, &st, err);
	if (rc != SW_OK)
		goto out;
	filter_bind(st, f);
	rc = colmap_build(st, &map, keep, nkeep, err);
	if (rc != SW_OK)
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		rc = decode_row(s, st, &map, &p, err);
		if (rc == SW_ERR_NOMEM)
			goto out;
		if (rc != SW_OK) {
			rc = sw_store_skip_row(s, sqlite3_column_int64(st, 0), row_uuid(st, &map),
			                       err);
			if (rc != SW_OK)
				goto out;
			continue;
		}
		if (!filter_exact(f, p.x, p.y))
			continue;
		rc = cb(&p, ud);
		if (rc != SW_OK)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading points"));
out:
	sw_point_clear(&p);
	colmap_free(&map);
	sqlite3_finalize(st);
	free(b.p);
	return rc;
}

/* Does box hold the whole stored extent of points (gpkg_contents)? Unknown:
 * false. A stale extent costs only speed: the exact check still decides. */
static bool box_holds_extent(struct sw_store *s, const double box[4])
{
	sqlite3_stmt *st = NULL;
	bool holds = false;

	if (sqlite3_prepare_v2(s->db,
	                       "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents"
	                       " WHERE table_name = 'points'",
	                       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    sqlite3_column_type(st, 1) != SQLITE_NULL && sqlite3_column_type(st, 2) != SQLITE_NULL &&
	    sqlite3_column_type(st, 3) != SQLITE_NULL)
		holds = box[0] <= sqlite3_column_double(st, 0) &&
		        box[1] <= sqlite3_column_double(st, 1) &&
		        box[2] >= sqlite3_column_double(st, 2) &&
		        box[3] >= sqlite3_column_double(st, 3);
	sqlite3_finalize(st);
	return holds;
}

/* The position of a row whose column 0 is the id and column 1 the geometry
 * blob: true with *x, *y set (the header read in place when it can be).
 * False when the row has no position, or cannot be read: then it is skipped
 * through sw_store_skip_row (uuid may be NULL) and *rc says whether that
 * failed. */
static bool row_xy(struct sw_store *s, sqlite3_stmt *st, const char *uuid, double *x, double *y,
                   enum sw_status *rc, struct sw_error *err)
{
	const void *blob = sqlite3_column_blob(st, 1);
	size_t len = (size_t)sqlite3_column_bytes(st, 1);
	struct sw_gpkg_geom g;

	*rc = SW_OK;
	if (sw_gpkg_geom_point_fast(blob, len, x, y))
		return true;
	if (sw_gpkg_geom_decode(blob, len, &g, err) != SW_OK) {
		*rc = sw_store_skip_row(s, sqlite3_column_int64(st, 0), uuid, err);
		return false;
	}
	if (g.empty || isnan(g.x) || isnan(g.y))
		return false;
	*x = g.x;
	*y = g.y;
	return true;
}

struct xy_of_point {
	sw_point_xy_cb cb;
	void *ud;
};

/* A rebuilt past point (--as-of) as a map draws it. */
static enum sw_status xy_of_point(const struct sw_point *p, void *ud)
{
	const struct xy_of_point *a = ud;
	struct sw_point_xy xy = {.id = p->id,
	                         .type = p->type,
	                         .status = p->status,
	                         .date = p->observed_at ? p->observed_at : p->updated_at,
	                         .x = p->x,
	                         .y = p->y};

	if (isnan(p->x) || isnan(p->y))
		return SW_OK;
	return a->cb(&xy, a->ud);
}

enum sw_status sw_store_query_xy(struct sw_store *s, const struct sw_filter *f, sw_point_xy_cb cb,
                                 void *ud, struct sw_error *err)
{
	struct sw_store_sbuf b = {0};
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	double box[4];
	int src;

	if (f != NULL && f->as_of != NULL) {
		struct xy_of_point a = {cb, ud};
		return sw_store_query_as_of(s, f, xy_of_point, &a, err);
	}
	rc = filter_check(s, f, err);
	if (rc != SW_OK)
		return rc;
	/* each page is read once: a small page cache does (a reading handle's
	 * default 2 MB would all be filled by a million points) */
	if (s->mode == SW_STORE_READ)
		sqlite3_exec(s->db, "PRAGMA cache_size = -256", NULL, NULL, NULL);
	if (filter_box(f, box) && !box_holds_extent(s, box))
		sw_store_sb_add(&b, "SELECT p.id, p.geom, p.type, p.status,"
		                    " coalesce(p.observed_at, p.updated_at)"
		                    " FROM rtree_points_geom r CROSS JOIN points p ON p.id = r.id"
		                    " WHERE r.minx <= :maxx AND r.maxx >= :minx AND r.miny <= :maxy"
		                    " AND r.maxy >= :miny");
	else
		sw_store_sb_add(&b, "SELECT id, geom, type, status, coalesce(observed_at, updated_at)"
		                    " FROM points WHERE geom IS NOT NULL");
	filter_sql_attrs(&b, f);
	if (b.oom) {
		rc = oom(err);
		goto out;
	}
	rc = sw_store_prepare(s, b.p, &st, err);
	if (rc != SW_OK)
		goto out;
	filter_bind(st, f);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct sw_point_xy p = {.id = sqlite3_column_int64(st, 0)};

		/* the uuid is not selected here: doctor names it */
		if (!row_xy(s, st, NULL, &p.x, &p.y, &rc, err)) {
			if (rc != SW_OK)
				goto out;
			continue;
		}
		if (!filter_exact(f, p.x, p.y))
			continue;
		p.type = (const char *)sqlite3_column_text(st, 2);
		p.status = (const char *)sqlite3_column_text(st, 3);
		p.date = (const char *)sqlite3_column_text(st, 4);
		if (p.type == NULL && sqlite3_errcode(s->db) == SQLITE_NOMEM) {
			rc = oom(err);
			goto out;
		}
		rc = cb(&p, ud);
		if (rc != SW_OK)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading points"));
out:
	sqlite3_finalize(st);
	free(b.p);
	return rc;
}

enum sw_status sw_store_scan(struct sw_store *s, const char *const *cols, size_t n,
                             sw_store_row_cb cb, void *ud, struct sw_error *err)
{
	struct sw_store_sbuf b = {0};
	sqlite3_stmt *st = NULL;
	struct sw_value *v = calloc(n + 1, sizeof *v);
	int *at = calloc(n + 1, sizeof *at); /* the statement's column, 0: none */
	int ncol = 2, src = SQLITE_DONE;
	enum sw_status rc = SW_OK;

	if (v == NULL || at == NULL) {
		rc = oom(err);
		goto out;
	}
	sw_store_sb_add(&b, "SELECT id, geom");
	for (size_t i = 0; i < n; i++) {
		bool have = sw_store_fixed_column(cols[i]);

		for (size_t c = 0; c < s->ncols && !have; c++)
			have = strcmp(s->cols[c], cols[i]) == 0;
		if (!have)
			continue;
		sw_store_sb_add(&b, ", ");
		sb_ident(&b, cols[i]);
		at[i] = ncol++;
	}
	sw_store_sb_add(&b, " FROM points ORDER BY id");
	if (b.oom) {
		rc = oom(err);
		goto out;
	}
	rc = sw_store_prepare(s, b.p, &st, err);
	while (rc == SW_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		struct sw_store_row r = {
		    .id = sqlite3_column_int64(st, 0), .x = NAN, .y = NAN, .v = v};

		long long skipped = s->nskipped;

		if (sqlite3_column_type(st, 1) != SQLITE_NULL &&
		    !row_xy(s, st, NULL, &r.x, &r.y, &rc, err)) {
			if (rc != SW_OK)
				goto out;
			if (s->nskipped > skipped)
				continue; /* unreadable, not merely empty */
		}
		for (size_t i = 0; i < n; i++) {
			int c = at[i];

			v[i].t = SW_V_NULL;
			if (c == 0)
				continue;
			switch (sqlite3_column_type(st, c)) {
			case SQLITE_NULL:
				break;
			case SQLITE_INTEGER:
				v[i].t = SW_V_INT;
				v[i].i = sqlite3_column_int64(st, c);
				break;
			case SQLITE_FLOAT:
				v[i].t = SW_V_REAL;
				v[i].r = sqlite3_column_double(st, c);
				break;
			default: /* TEXT, or a BLOB some other tool wrote: as text */
				v[i].t = SW_V_TEXT;
				v[i].s = (char *)sqlite3_column_text(st, c);
				if (v[i].s == NULL) {
					rc = oom(err);
					goto out;
				}
			}
		}
		rc = cb(&r, ud);
	}
	if (rc == SW_OK && src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading points"));
out:
	sqlite3_finalize(st);
	free(b.p);
	free(v);
	free(at);
	return rc;
}

/* A spatial count reads only the geometry of the R-tree's candidates and
 * checks their exact coordinates (no full point decoding). */
static enum sw_status count_spatial(struct sw_store *s, const struct sw_filter *f, long long *n,
                                    struct sw_error *err)
{
	struct sw_store_sbuf b = {0};
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	int src;

	rc = filter_check(s, f, err);
	if (rc != SW_OK)
		return rc;
	sw_store_sb_add(&b, "SELECT id, geom, uuid FROM points WHERE geom IS NOT NULL");
	filter_sql(&b, f);
	if (b.oom) {
		rc = oom(err);
		goto out;
	}
	rc = sw_store_prepare(s, b.p, &st, err);
	if (rc != SW_OK)
		goto out;
	filter_bind(st, f);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		double x, y;

		if (!row_xy(s, st, (const char *)sqlite3_column_text(st, 2), &x, &y, &rc, err)) {
			if (rc != SW_OK)
				goto out;
			continue;
		}
		if (filter_exact(f, x, y))
			(*n)++;
	}
	if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("counting points"));
out:
	sqlite3_finalize(st);
	free(b.p);
	return rc;
}

static enum sw_status count_one(const struct sw_point *p, void *ud)
{
	(void)p;
	(*(long long *)ud)++;
	return SW_OK;
}

enum sw_status sw_store_count(struct sw_store *s, const struct sw_filter *f, long long *n,
                              struct sw_error *err)
{
	struct sw_store_sbuf b = {0};
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	*n = 0;
	if (f != NULL && f->as_of != NULL)
		return sw_store_query_as_of(s, f, count_one, n, err);
	if (filter_spatial(f))
		return count_spatial(s, f, n, err);
	sw_store_sb_add(&b, "SELECT count(*) FROM points WHERE 1");
	filter_sql(&b, f);
	if (b.oom) {
		rc = oom(err);
		goto out;
	}
	rc = sw_store_prepare(s, b.p, &st, err);
	if (rc != SW_OK)
		goto out;
	filter_bind(st, f);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = sw_store_sqlerr(s, err, _("counting points"));
		goto out;
	}
	*n = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	free(b.p);
	return rc;
}

/* ---- single points ---- */

static enum sw_status get_where(struct sw_store *s, enum sw_stmt which, long long id,
                                const char *uuid, struct sw_point *out, struct sw_error *err)
{
	sqlite3_stmt *st;
	enum sw_status rc;
	int src;

	sw_point_clear(out);
	st = sw_store_stmt(s, which,
	                   which == SW_ST_GET_UUID ? "SELECT * FROM points WHERE uuid = ?"
	                                           : "SELECT * FROM points WHERE id = ?",
	                   err);
	if (st == NULL)
		return err ? err->code : SW_ERR_STORE;
	if (uuid != NULL)
		sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		struct colmap map = {0};
		rc = colmap_build(st, &map, NULL, 0, err);
		if (rc == SW_OK)
			rc = decode_row(s, st, &map, out, err);
		if (rc != SW_OK && rc != SW_ERR_NOMEM) {
			long long rid = sqlite3_column_int64(st, 0);
			const char *ruuid = row_uuid(st, &map);
			char u[SW_UUID_LEN + 8];

			snprintf(u, sizeof u, "%s", ruuid ? ruuid : "");
			/* named to the hook, and never read for a write */
			if (sw_store_skip_row(s, rid, u, err) == SW_OK)
				sw_error_set(err, SW_ERR_STORE,
				             _("%s: point %lld (uuid %s) cannot be read; run "
				               "'schouw doctor'"),
				             s->path, rid, u[0] ? u : "?");
			rc = SW_ERR_STORE;
		}
		colmap_free(&map);
	}
	else if (src == SQLITE_DONE && uuid != NULL)
		rc = sw_error_set(err, SW_ERR_NOTFOUND, _("%s: no point with uuid %s"), s->path,
		                  uuid);
	else if (src == SQLITE_DONE)
		rc =
		    sw_error_set(err, SW_ERR_NOTFOUND, _("%s: no point with id %lld"), s->path, id);
	else
		rc = sw_store_sqlerr(s, err, _("reading a point"));
	sqlite3_reset(st);
	return rc;
}

enum sw_status sw_store_get_by_uuid(struct sw_store *s, const char *uuid, struct sw_point *out,
                                    struct sw_error *err)
{
	return get_where(s, SW_ST_GET_UUID, 0, uuid, out, err);
}

static enum sw_status get_by_id(struct sw_store *s, long long id, struct sw_point *out,
                                struct sw_error *err)
{
	return get_where(s, SW_ST_GET_ID, id, NULL, out, err);
}

enum sw_status sw_store_get(struct sw_store *s, const char *ref, struct sw_point *out,
                            struct sw_error *err)
{
	const char *c = ref;

	if (ref != NULL && *ref != '\0') {
		while (isdigit((unsigned char)*c))
			c++;
		if (*c == '\0' && c - ref <= 18)
			return get_by_id(s, strtoll(ref, NULL, 10), out, err);
		if (sw_uuid_valid(ref))
			return sw_store_get_by_uuid(s, ref, out, err);
	}
	sw_point_clear(out);
	return sw_error_set(err, SW_ERR_INPUT,
	                    _("'%s' is not a point reference: expected a number (the point id) "
	                      "or a uuid"),
	                    ref ? ref : "");
}

/* Grow the gpkg_contents extent of points to include (x, y). */
static enum sw_status extent_grow(struct sw_store *s, double x, double y, struct sw_error *err)
{
	sqlite3_stmt *st;
	enum sw_status rc;

	st = sw_store_stmt(s, SW_ST_EXTENT_GROW,
	                   "UPDATE gpkg_contents SET min_x = min(coalesce(min_x, ?1), ?1),"
	                   " max_x = max(coalesce(max_x, ?1), ?1),"
	                   " min_y = min(coalesce(min_y, ?2), ?2),"
	                   " max_y = max(coalesce(max_y, ?2), ?2),"
	                   " last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now')"
	                   " WHERE table_name = 'points'",
	                   err);
	if (st == NULL)
		return err ? err->code : SW_ERR_STORE;
	sqlite3_bind_double(st, 1, x);
	sqlite3_bind_double(st, 2, y);
	rc = sw_store_step_done(s, st, _("updating the extent"), err);
	sqlite3_reset(st);
	return rc;
}

enum sw_status sw_store_extent_flush(struct sw_store *s, struct sw_error *err)
{
	enum sw_status rc;

	if (!s->ext_pending)
		return SW_OK;
	rc = extent_grow(s, s->ext_minx, s->ext_miny, err);
	if (rc == SW_OK)
		rc = extent_grow(s, s->ext_maxx, s->ext_maxy, err);
	if (rc == SW_OK)
		s->ext_pending = false;
	return rc;
}

/* Remember (x, y) for the extent written at commit. */
static void extent_pend(struct sw_store *s, double x, double y)
{
	if (!s->ext_pending) {
		s->ext_minx = s->ext_maxx = x;
		s->ext_miny = s->ext_maxy = y;
		s->ext_pending = true;
		return;
	}
	s->ext_minx = fmin(s->ext_minx, x);
	s->ext_maxx = fmax(s->ext_maxx, x);
	s->ext_miny = fmin(s->ext_miny, y);
	s->ext_maxy = fmax(s->ext_maxy, y);
}

/* After (x, y) left the table: recompute the extent when it lay on its edge
 * (a full scan, so only then); always touch last_change. */
static enum sw_status extent_shrink(struct sw_store *s, double x, double y, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	rc = sw_store_extent_flush(s, err);
	if (rc != SW_OK)
		return rc;
	rc = sw_store_prepare(s,
	                      "UPDATE gpkg_contents SET (min_x, max_x, min_y, max_y) = (SELECT"
	                      " min(ST_MinX(geom)), max(ST_MaxX(geom)), min(ST_MinY(geom)),"
	                      " max(ST_MaxY(geom)) FROM points) WHERE table_name = 'points'"
	                      " AND (min_x >= ?1 OR max_x <= ?1 OR min_y >= ?2 OR max_y <= ?2)",
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_double(st, 1, x);
	sqlite3_bind_double(st, 2, y);
	rc = sw_store_step_done(s, st, _("updating the extent"), err);
	sqlite3_finalize(st);
	if (rc == SW_OK)
		rc = sw_store_exec(
		    s,
		    "UPDATE gpkg_contents SET last_change ="
		    " strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = 'points'",
		    err);
	return rc;
}

/* The column of attribute i of a point named name, s->ncols when none.
 * Rows of an import carry the same attributes in the same order: the
 * column found for position i last time is tried first. */
static size_t attr_column(struct sw_store *s, size_t i, const char *name)
{
	size_t c;

	if (i < s->nhint && s->hint[i] < s->ncols && strcmp(s->cols[s->hint[i]], name) == 0)
		return s->hint[i];
	for (c = 0; c < s->ncols; c++)
		if (strcmp(s->cols[c], name) == 0)
			break;
	if (c < s->ncols && i >= s->nhint) {
		size_t n = i + 8, *grown = realloc(s->hint, n * sizeof *grown);

		if (grown == NULL)
			return c; /* only the hint is lost */
		for (size_t k = s->nhint; k < n; k++)
			grown[k] = (size_t)-1;
		s->hint = grown;
		s->nhint = n;
	}
	if (c < s->ncols)
		s->hint[i] = c;
	return c;
}

/* Every attribute of p must have a column; reload the column list once in
 * case another process added it. */
static enum sw_status check_columns(struct sw_store *s, const struct sw_point *p,
                                    struct sw_error *err)
{
	bool reloaded = false;

	for (size_t i = 0; i < p->nattrs; i++) {
		if (attr_column(s, i, p->attrs[i].name) < s->ncols)
			continue;
		if (!reloaded) {
			enum sw_status rc = sw_store_load_columns(s, err);

			if (rc != SW_OK)
				return rc;
			reloaded = true;
			i--;
			continue;
		}
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: field '%s' has no column in the store yet; add it to a "
		                      "form and sync the store's fields first"),
		                    s->path, p->attrs[i].name);
	}
	return SW_OK;
}

static enum sw_status check_point(struct sw_store *s, const struct sw_point *p,
                                  struct sw_error *err)
{
	if (p->type == NULL || *p->type == '\0')
		return sw_error_set(err, SW_ERR_INPUT, _("%s: a point needs a type"), s->path);
	if (!isfinite(p->x) || !isfinite(p->y))
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: point coordinates %g, %g: expected finite RD metres"),
		                    s->path, p->x, p->y);
	if (p->uuid[0] != '\0' && !sw_uuid_valid(p->uuid))
		return sw_error_set(err, SW_ERR_INPUT, _("%s: '%s' is not a valid uuid"), s->path,
		                    p->uuid);
	return check_columns(s, p, err);
}

/* Bind the NPOINT_COLS fixed columns (from 1) and every measurement column
 * after them, in s->cols order. st is fresh or from sw_store_stmt, so every
 * column without an attribute is NULL already. */
static void bind_point(struct sw_store *s, sqlite3_stmt *st, const struct sw_point *p,
                       const unsigned char *blob)
{
	sqlite3_bind_blob(st, 1, blob, SW_GPKG_POINT_BLOB_LEN, SQLITE_STATIC);
	sw_store_bind_str(st, 2, p->uuid);
	sw_store_bind_str(st, 3, p->type);
	sw_store_bind_str(st, 4, p->status);
	sw_store_bind_str(st, 5, p->surveyor);
	sw_store_bind_str(st, 6, p->observed_at);
	bind_real(st, 7, p->gps_accuracy_m);
	sw_store_bind_str(st, 8, p->note);
	sw_store_bind_str(st, 9, p->created_at);
	sw_store_bind_str(st, 10, p->updated_at);
	for (size_t i = 0; i < p->nattrs; i++) {
		size_t c = attr_column(s, i, p->attrs[i].name);

		if (c < s->ncols)
			bind_value(st, NPOINT_COLS + 1 + (int)c, &p->attrs[i].v);
	}
}

/* The cached INSERT for the current column list. */
static sqlite3_stmt *insert_stmt(struct sw_store *s, struct sw_error *err)
{
	struct sw_store_sbuf b = {0};
	sqlite3_stmt *st;

	if (s->st[SW_ST_INSERT] != NULL)
		return sw_store_stmt(s, SW_ST_INSERT, NULL, err);
	sw_store_sb_add(&b, "INSERT INTO points (" POINT_COLS);
	for (size_t c = 0; c < s->ncols; c++) {
		sw_store_sb_add(&b, ", ");
		sb_ident(&b, s->cols[c]);
	}
	sw_store_sb_add(&b, ") VALUES (?");
	for (size_t c = 1; c < NPOINT_COLS + s->ncols; c++)
		sw_store_sb_add(&b, ", ?");
	sw_store_sb_add(&b, ")");
	if (b.oom) {
		free(b.p);
		oom(err);
		return NULL;
	}
	st = sw_store_stmt(s, SW_ST_INSERT, b.p, err);
	free(b.p);
	return st;
}

enum sw_status sw_store_insert(struct sw_store *s, struct sw_point *p, const char *who,
                               struct sw_error *err)
{
	unsigned char blob[SW_GPKG_POINT_BLOB_LEN];
	char now[32], uuid_before[SW_UUID_LEN + 1];
	char *created = p->created_at, *updated = p->updated_at;
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	bool began = false;
	long long id = 0;

	memcpy(uuid_before, p->uuid, sizeof uuid_before);
	rc = check_point(s, p, err);
	if (rc != SW_OK)
		goto out;
	if (p->uuid[0] == '\0')
		sw_uuid_v7(p->uuid);
	if (s->bulk && s->import_id != 0)
		memcpy(now, s->import_at, sizeof now); /* one time for the whole import */
	else
		sw_now_iso(now, sizeof now);
	p->created_at = p->updated_at = now;
	sw_gpkg_geom_point(p->x, p->y, SW_SRS_RD, blob);
	/* a bulk import is one transaction that commits whole or not at all:
	 * no savepoint per row (its sub-journal copied every touched page);
	 * a failure after the row is written forbids the commit instead */
	if (!s->bulk) {
		rc = sw_store_wbegin(s, err);
		if (rc != SW_OK)
			goto out;
		began = true;
	}
	st = insert_stmt(s, err);
	if (st == NULL) {
		rc = err ? err->code : SW_ERR_STORE;
		goto out;
	}
	bind_point(s, st, p, blob);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: a point with uuid %s is already stored"), s->path,
			                  p->uuid);
		else
			rc = sw_store_sqlerr(s, err, _("inserting a point"));
		goto out;
	}
	id = sqlite3_last_insert_rowid(s->db);
	if (!s->user_txn) {
		rc = extent_grow(s, p->x, p->y, err);
		if (rc != SW_OK)
			goto out;
	}
	p->id = id;
	rc = sw_store_hist_insert(s, p, who, s->bulk && s->import_id != 0 ? s->import_at : now, err);
out:
	if (st != NULL)
		sqlite3_reset(st);
	if (began)
		rc = sw_store_wend(s, rc, err);
	else if (rc != SW_OK && id != 0)
		sw_store_txn_broken(s);
	p->created_at = created;
	p->updated_at = updated;
	if (rc == SW_OK && s->user_txn)
		extent_pend(s, p->x, p->y);
	if (rc == SW_OK) {
		rc = sw_point_set_str(&p->created_at, now, err);
		if (rc == SW_OK)
			rc = sw_point_set_str(&p->updated_at, now, err);
		/* the row is stored; a failed copy of the timestamps is not a
		 * failed insert, but say so */
	} else {
		memcpy(p->uuid, uuid_before, sizeof uuid_before);
		p->id = 0;
	}
	return rc;
}

/* One changed field: its name and both values as text. */
struct change {
	const char *field;
	char *old_text, *new_text;
};

static bool same_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static enum sw_status diff_add(struct change **ch, size_t *n, const char *field, char *old_text,
                               char *new_text, struct sw_error *err)
{
	struct change *grown;

	if (same_text(old_text, new_text)) {
		free(old_text);
		free(new_text);
		return SW_OK;
	}
	grown = realloc(*ch, (*n + 1) * sizeof **ch);
	if (grown == NULL) {
		free(old_text);
		free(new_text);
		return oom(err);
	}
	*ch = grown;
	grown[*n].field = field;
	grown[*n].old_text = old_text;
	grown[*n].new_text = new_text;
	(*n)++;
	return SW_OK;
}

static char *dup_or_null(const char *s, bool *oomed)
{
	char *d = sw_strdup(s);

	if (s != NULL && d == NULL)
		*oomed = true;
	return d;
}

static char *real_text(double v, bool *oomed)
{
	struct sw_value val = {.t = SW_V_REAL, .r = v};
	char *t;

	if (isnan(v))
		return NULL;
	t = sw_value_to_text(&val);
	if (t == NULL)
		*oomed = true;
	return t;
}

static char *value_text(const struct sw_value *v, bool *oomed)
{
	char *t;

	if (v == NULL || v->t == SW_V_NULL)
		return NULL;
	t = sw_value_to_text(v);
	if (t == NULL)
		*oomed = true;
	return t;
}

/* The changes from o to p, compared as text so that 1 and 1.0 are equal. */
static enum sw_status diff_points(struct sw_store *s, const struct sw_point *o,
                                  const struct sw_point *p, struct change **ch, size_t *n,
                                  struct sw_error *err)
{
	struct {
		const char *field, *a, *b;
	} strs[] = {{"status", o->status, p->status},
	            {"type", o->type, p->type},
	            {"surveyor", o->surveyor, p->surveyor},
	            {"observed_at", o->observed_at, p->observed_at},
	            {"note", o->note, p->note}};
	struct {
		const char *field;
		double a, b;
	} reals[] = {{"x", o->x, p->x},
	             {"y", o->y, p->y},
	             {"gps_accuracy_m", o->gps_accuracy_m, p->gps_accuracy_m}};
	enum sw_status rc = SW_OK;
	bool oomed = false;

	for (size_t i = 0; i < 2 && rc == SW_OK; i++)
		rc = diff_add(ch, n, strs[i].field, dup_or_null(strs[i].a, &oomed),
		              dup_or_null(strs[i].b, &oomed), err);
	for (size_t i = 0; i < 2 && rc == SW_OK; i++)
		rc = diff_add(ch, n, reals[i].field, real_text(reals[i].a, &oomed),
		              real_text(reals[i].b, &oomed), err);
	for (size_t i = 2; i < 5 && rc == SW_OK; i++)
		rc = diff_add(ch, n, strs[i].field, dup_or_null(strs[i].a, &oomed),
		              dup_or_null(strs[i].b, &oomed), err);
	if (rc == SW_OK)
		rc = diff_add(ch, n, reals[2].field, real_text(reals[2].a, &oomed),
		              real_text(reals[2].b, &oomed), err);
	for (size_t c = 0; c < s->ncols && rc == SW_OK; c++)
		rc = diff_add(ch, n, s->cols[c],
		              value_text(sw_point_get_attr(o, s->cols[c]), &oomed),
		              value_text(sw_point_get_attr(p, s->cols[c]), &oomed), err);
	if (rc == SW_OK && oomed)
		rc = oom(err);
	return rc;
}

static void changes_free(struct change *ch, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ch[i].old_text);
		free(ch[i].new_text);
	}
	free(ch);
}

enum sw_status sw_store_update(struct sw_store *s, struct sw_point *p, const char *who,
                               size_t *nchanged, struct sw_error *err)
{
	unsigned char blob[SW_GPKG_POINT_BLOB_LEN];
	struct sw_point old;
	struct change *ch = NULL;
	size_t nch = 0;
	char now[32];
	char *created = p->created_at, *updated = p->updated_at;
	char uuid_before[SW_UUID_LEN + 1];
	struct sw_store_sbuf b = {0};
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	bool began = false, swapped = false;

	sw_point_init(&old);
	memcpy(uuid_before, p->uuid, sizeof uuid_before);
	if (nchanged != NULL)
		*nchanged = 0;
	rc = check_point(s, p, err);
	if (rc != SW_OK)
		goto out;
	rc = sw_store_wbegin(s, err);
	if (rc != SW_OK)
		goto out;
	began = true;
	/* read the old record inside the write, so no one changes it meanwhile */
	rc = get_by_id(s, p->id, &old, err);
	if (rc != SW_OK)
		goto out;
	if (p->uuid[0] != '\0' && strcmp(p->uuid, old.uuid) != 0) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: point %lld has uuid %s, not %s; a uuid never changes"),
		                  s->path, p->id, old.uuid, p->uuid);
		goto out;
	}
	rc = diff_points(s, &old, p, &ch, &nch, err);
	if (rc != SW_OK || nch == 0)
		goto out;
	memcpy(p->uuid, old.uuid, sizeof p->uuid);
	sw_now_iso(now, sizeof now);
	p->created_at = old.created_at;
	p->updated_at = now;
	swapped = true;
	sw_gpkg_geom_point(p->x, p->y, SW_SRS_RD, blob);
	sw_store_sb_add(&b, "UPDATE points SET (" POINT_COLS);
	for (size_t c = 0; c < s->ncols; c++) {
		sw_store_sb_add(&b, ", ");
		sb_ident(&b, s->cols[c]);
	}
	sw_store_sb_add(&b, ") = (?");
	for (size_t c = 1; c < NPOINT_COLS + s->ncols; c++)
		sw_store_sb_add(&b, ", ?");
	sw_store_sb_add(&b, ") WHERE id = ?");
	if (b.oom) {
		rc = oom(err);
		goto out;
	}
	rc = sw_store_prepare(s, b.p, &st, err);
	if (rc != SW_OK)
		goto out;
	bind_point(s, st, p, blob);
	sqlite3_bind_int64(st, NPOINT_COLS + 1 + (int)s->ncols, p->id);
	rc = sw_store_step_done(s, st, _("updating a point"), err);
	if (rc == SW_OK && (old.x != p->x || old.y != p->y)) {
		rc = extent_shrink(s, old.x, old.y, err);
		if (rc == SW_OK && !s->user_txn)
			rc = extent_grow(s, p->x, p->y, err);
	} else if (rc == SW_OK) {
		/* gpkg_contents.last_change: the content changed */
		rc = extent_grow(s, p->x, p->y, err);
	}
	for (size_t i = 0; i < nch && rc == SW_OK; i++)
		rc = sw_store_hist_row(s, p->id, p->uuid, "update", ch[i].field, ch[i].old_text,
		                       ch[i].new_text, who, now, err);
out:
	sqlite3_finalize(st);
	if (began)
		rc = sw_store_wend(s, rc, err);
	if (swapped) {
		p->created_at = created;
		p->updated_at = updated;
	}
	if (rc == SW_OK && nch > 0 && s->user_txn)
		extent_pend(s, p->x, p->y);
	if (rc == SW_OK && nch > 0) {
		rc = sw_point_set_str(&p->created_at, old.created_at, err);
		if (rc == SW_OK)
			rc = sw_point_set_str(&p->updated_at, now, err);
		if (nchanged != NULL)
			*nchanged = nch;
	} else if (rc != SW_OK) {
		memcpy(p->uuid, uuid_before, sizeof uuid_before);
	}
	changes_free(ch, nch);
	sw_point_clear(&old);
	free(b.p);
	return rc;
}

enum sw_status sw_store_delete(struct sw_store *s, long long id, const char *who,
                               struct sw_error *err)
{
	struct sw_point old;
	sqlite3_stmt *st = NULL;
	char now[32];
	char *photos = NULL;
	enum sw_status rc;

	sw_point_init(&old);
	rc = sw_store_wbegin(s, err);
	if (rc != SW_OK)
		return rc;
	rc = get_by_id(s, id, &old, err);
	if (rc == SW_OK && s->photos)
		rc = sw_store_photo_detach_all(s, id, &photos, err);
	if (rc != SW_OK)
		goto out;
	rc = sw_store_prepare(s, "DELETE FROM points WHERE id = ?", &st, err);
	if (rc != SW_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	rc = sw_store_step_done(s, st, _("deleting a point"), err);
	if (rc == SW_OK)
		rc = extent_shrink(s, old.x, old.y, err);
	if (rc != SW_OK)
		goto out;
	sw_now_iso(now, sizeof now);
	rc = sw_store_hist_delete(s, id, &old, photos, who, now, err);
out:
	sqlite3_finalize(st);
	free(photos);
	rc = sw_store_wend(s, rc, err);
	sw_point_clear(&old);
	return rc;
}
