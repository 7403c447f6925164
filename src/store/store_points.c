/* store_points.c - reading and writing points and their history. */
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

/* A growing string for building SQL from fixed parts and quoted, validated
 * column names (never values). */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *s)
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

static void sb_ident(struct sbuf *b, const char *name)
{
	sb_add(b, "\"");
	sb_add(b, name);
	sb_add(b, "\"");
}

static enum sw_status prepare(struct sw_store *s, const char *sql, sqlite3_stmt **st,
                              struct sw_error *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return sw_store_sqlerr(s, err, _("preparing a query"));
	return SW_OK;
}

static enum sw_status step_done(struct sw_store *s, sqlite3_stmt *st, const char *what,
                                struct sw_error *err)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		return sw_store_sqlerr(s, err, what);
	return SW_OK;
}

static void bind_str(sqlite3_stmt *st, int i, const char *v)
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
		bind_str(st, i, v->s);
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
	COL_ACCURACY, COL_NOTE, COL_CREATED, COL_UPDATED, COL_FIELD
};

struct colmap {
	int n;
	unsigned char *role; /* n entries of enum col_role */
};

static enum sw_status colmap_build(sqlite3_stmt *st, struct colmap *m, struct sw_error *err)
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

	sw_point_clear(p);
	p->x = p->y = NAN;
	for (int c = 0; c < m->n && rc == SW_OK; c++) {
		int t = sqlite3_column_type(st, c);

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
				rc = sw_error_prefix(err, _("%s: point %lld: "), s->path,
				                     (long long)sqlite3_column_int64(st, 0));
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
		}
	}
	if (rc != SW_OK)
		sw_point_clear(p);
	return rc;
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

static void filter_sql(struct sbuf *b, const struct sw_filter *f)
{
	double box[4];

	if (f == NULL)
		return;
	if (f->type != NULL)
		sb_add(b, " AND type = :type");
	if (f->status != NULL)
		sb_add(b, " AND status = :status");
	if (f->by != NULL)
		sb_add(b, " AND surveyor = :by");
	/* R-tree boxes are float32 rounded outward; widen the query a little
	 * and check the exact coordinates in C. */
	if (filter_box(f, box))
		sb_add(b, " AND id IN (SELECT id FROM rtree_points_geom WHERE minx <= :maxx"
		          " AND maxx >= :minx AND miny <= :maxy AND maxy >= :miny)");
}

static void filter_bind(sqlite3_stmt *st, const struct sw_filter *f)
{
	double box[4];

	if (f == NULL)
		return;
	if (f->type != NULL)
		bind_str(st, sqlite3_bind_parameter_index(st, ":type"), f->type);
	if (f->status != NULL)
		bind_str(st, sqlite3_bind_parameter_index(st, ":status"), f->status);
	if (f->by != NULL)
		bind_str(st, sqlite3_bind_parameter_index(st, ":by"), f->by);
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

enum sw_status sw_store_query(struct sw_store *s, const struct sw_filter *f, sw_point_cb cb,
                              void *ud, struct sw_error *err)
{
	struct sbuf b = {0};
	struct colmap map = {0};
	sqlite3_stmt *st = NULL;
	struct sw_point p;
	enum sw_status rc;
	int src;

	sw_point_init(&p);
	rc = filter_check(s, f, err);
	if (rc != SW_OK)
		goto out;
	sb_add(&b, "SELECT * FROM points WHERE 1");
	filter_sql(&b, f);
	sb_add(&b, " ORDER BY id");
	if (b.oom) {
		rc = oom(err);
		goto out;
	}
	rc = prepare(s, b.p, &st, err);
	if (rc != SW_OK)
		goto out;
	filter_bind(st, f);
	rc = colmap_build(st, &map, err);
	if (rc != SW_OK)
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		rc = decode_row(s, st, &map, &p, err);
		if (rc != SW_OK)
			goto out;
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

/* A spatial count reads only the geometry of the R-tree's candidates and
 * checks their exact coordinates (no full point decoding). */
static enum sw_status count_spatial(struct sw_store *s, const struct sw_filter *f, long long *n,
                                    struct sw_error *err)
{
	struct sbuf b = {0};
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	int src;

	rc = filter_check(s, f, err);
	if (rc != SW_OK)
		return rc;
	sb_add(&b, "SELECT id, geom FROM points WHERE geom IS NOT NULL");
	filter_sql(&b, f);
	if (b.oom) {
		rc = oom(err);
		goto out;
	}
	rc = prepare(s, b.p, &st, err);
	if (rc != SW_OK)
		goto out;
	filter_bind(st, f);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct sw_gpkg_geom g;

		if (sw_gpkg_geom_decode(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
		                        &g, err) != SW_OK) {
			rc = sw_error_prefix(err, _("%s: point %lld: "), s->path,
			                     (long long)sqlite3_column_int64(st, 0));
			goto out;
		}
		if (filter_exact(f, g.x, g.y))
			(*n)++;
	}
	if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("counting points"));
out:
	sqlite3_finalize(st);
	free(b.p);
	return rc;
}

enum sw_status sw_store_count(struct sw_store *s, const struct sw_filter *f, long long *n,
                              struct sw_error *err)
{
	struct sbuf b = {0};
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	*n = 0;
	if (filter_spatial(f))
		return count_spatial(s, f, n, err);
	sb_add(&b, "SELECT count(*) FROM points WHERE 1");
	filter_sql(&b, f);
	if (b.oom) {
		rc = oom(err);
		goto out;
	}
	rc = prepare(s, b.p, &st, err);
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
		rc = colmap_build(st, &map, err);
		if (rc == SW_OK)
			rc = decode_row(s, st, &map, out, err);
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

/* ---- record JSON for history ---- */

/* The record JSON is written straight into a buffer, byte for byte what
 * jansson's json_dumps(JSON_COMPACT | JSON_REAL_PRECISION(digits)) of the
 * object tree wrote before (keys in insertion order, the same escapes, the
 * same reals): an import writes one per row, and building and dumping a tree
 * was a third of its time. */
struct jbuf {
	char *p;
	size_t len, cap;
	bool heap, bad; /* bad: out of memory or text that is not UTF-8 */
	char stack[1024];
};

static void jb_init(struct jbuf *b)
{
	b->p = b->stack;
	b->len = 0;
	b->cap = sizeof b->stack;
	b->heap = b->bad = false;
}

static void jb_free(struct jbuf *b)
{
	if (b->heap)
		free(b->p);
	jb_init(b);
}

static bool jb_room(struct jbuf *b, size_t n)
{
	size_t cap;
	char *q;

	if (b->bad)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	cap = (b->len + n + 1) * 2;
	q = b->heap ? realloc(b->p, cap) : malloc(cap);
	if (q == NULL) {
		b->bad = true;
		return false;
	}
	if (!b->heap)
		memcpy(q, b->p, b->len);
	b->p = q;
	b->cap = cap;
	b->heap = true;
	return true;
}

static void jb_put(struct jbuf *b, const char *s, size_t n)
{
	if (!jb_room(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

#define JB_LIT(b, lit) jb_put((b), (lit), sizeof(lit) - 1)

/* Length of the UTF-8 sequence at s (as jansson's utf8 check accepts it), 0
 * when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0], cp;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c <= 0xC1)
		return 0;
	if (c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000))
		return 0;
	return n;
}

/* A JSON string: escapes as jansson's dump_string without flags. Room for
 * the worst case (every byte a \u00XX) is made first, then the text is
 * written straight into the buffer. */
static void jb_str(struct jbuf *b, const char *str)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)str;
	char *o;

	if (str == NULL) {
		JB_LIT(b, "null");
		return;
	}
	if (!jb_room(b, 6 * strlen(str) + 2))
		return;
	o = b->p + b->len;
	*o++ = '"';
	for (;;) {
		unsigned c = *s;
		size_t n;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*o++ = (char)c;
			s++;
			continue;
		}
		if (c >= 0x80) {
			n = utf8_len(s);
			if (n == 0) {
				b->bad = true;
				return;
			}
			memcpy(o, s, n);
			o += n;
			s += n;
			continue;
		}
		if (c == '\0')
			break;
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 15];
			o += 5;
			break;
		}
		s++;
	}
	*o++ = '"';
	*o = '\0';
	b->len = (size_t)(o - b->p);
}

/* "key": (keys are written as strings and must be UTF-8 as well). */
static void jb_key(struct jbuf *b, const char *key, bool first)
{
	if (!first)
		JB_LIT(b, ",");
	jb_str(b, key);
	JB_LIT(b, ":");
}

static void jb_int(struct jbuf *b, long long v)
{
	char buf[24], *e = buf + sizeof buf, *q = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--q = '-';
	jb_put(b, q, (size_t)(e - q));
}

static const double pow10_tab[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

/* When v is exactly the double nearest to k / 10^d for an integer k of at most
 * 15 digits (most survey values: 101969.327, 6.1, 19), its "%.15g" text is
 * k / 10^d written out, and 15 digits round-trip it. Writes that text (as
 * jansson would, ".0" after an integer) into out and returns its length; 0
 * when v takes the general path. */
static size_t fast_real(double v, char *out)
{
	double a = fabs(v);
	unsigned long long k, ip, fp;
	int d;
	size_t n = 0;
	char digs[24];
	int nd;

	if (!(a >= 1e-3 && a < 1e15))
		return 0;
	for (d = 0; d < 10; d++) {
		double t = a * pow10_tab[d];

		if (t >= 1e15)
			return 0;
		k = (unsigned long long)llround(t);
		if (k < 1000000000000000ULL && (double)k / pow10_tab[d] == a)
			break;
	}
	if (d == 10)
		return 0;
	if (v < 0)
		out[n++] = '-';
	ip = k / (unsigned long long)pow10_tab[d];
	fp = k % (unsigned long long)pow10_tab[d];
	nd = 0;
	do {
		digs[nd++] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip > 0);
	while (nd > 0)
		out[n++] = digs[--nd];
	/* d is the smallest exponent, so fp has no trailing zero when d > 0 */
	out[n++] = '.';
	if (d == 0) {
		out[n++] = '0';
		return n;
	}
	for (nd = d; nd > 0; nd--) {
		out[n + (size_t)nd - 1] = (char)('0' + fp % 10);
		fp /= 10;
	}
	return n + (size_t)d;
}

/* Significant digits that make v round-trip (15..17). */
static int needed_digits(double v)
{
	char buf[40];

	if (!isfinite(v))
		return 15;
	snprintf(buf, sizeof buf, "%.15g", v);
	return strtod(buf, NULL) == v ? 15 : 17;
}

/* A real as jansson's jsonp_dtostr writes it with `precision` digits. */
static void jb_real_slow(struct jbuf *b, double v, int precision)
{
	char buf[64], *start, *end;
	int ret = snprintf(buf, sizeof buf, "%.*g", precision, v);
	size_t length;

	if (ret < 0 || (size_t)ret >= sizeof buf - 3) {
		b->bad = true;
		return;
	}
	length = (size_t)ret;
	if (strchr(buf, '.') == NULL && strchr(buf, 'e') == NULL) {
		memcpy(buf + length, ".0", 3);
		length += 2;
	}
	start = strchr(buf, 'e');
	if (start != NULL) {
		start++;
		end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, length - (size_t)(end - buf) + 1);
			length -= (size_t)(end - start);
		}
	}
	jb_put(b, buf, length);
}

static void jb_real(struct jbuf *b, double v, int digits)
{
	char buf[40];
	size_t n;

	if (!isfinite(v)) {
		JB_LIT(b, "null");
		return;
	}
	if (digits == 15 && (n = fast_real(v, buf)) > 0) {
		jb_put(b, buf, n);
		return;
	}
	jb_real_slow(b, v, digits);
}

static void jb_value(struct jbuf *b, const struct sw_value *v, int digits)
{
	switch (v->t) {
	case SW_V_REAL:
		jb_real(b, v->r, digits);
		break;
	case SW_V_INT:
		jb_int(b, v->i);
		break;
	case SW_V_TEXT:
		jb_str(b, v->s);
		break;
	default:
		JB_LIT(b, "null");
		break;
	}
}

/* Digits of the whole record: 17 when any real needs them, as before. */
static int real_digits(double v)
{
	char buf[40];

	if (!isfinite(v) || fast_real(v, buf) > 0)
		return 15;
	return needed_digits(v);
}

/* The compact JSON text of the whole record into b (b->bad on OOM or text
 * that is not UTF-8, which jansson refused too). */
static void record_json(struct jbuf *b, const struct sw_point *p)
{
	int digits = 15;
	size_t i;

	if (real_digits(p->x) > digits || real_digits(p->y) > digits ||
	    real_digits(p->gps_accuracy_m) > digits)
		digits = 17;
	for (i = 0; digits == 15 && i < p->nattrs; i++)
		if (p->attrs[i].v.t == SW_V_REAL && real_digits(p->attrs[i].v.r) > digits)
			digits = 17;
	JB_LIT(b, "{\"id\":");
	jb_int(b, p->id);
	JB_LIT(b, ",\"uuid\":");
	jb_str(b, p->uuid);
	JB_LIT(b, ",\"type\":");
	jb_str(b, p->type);
	JB_LIT(b, ",\"status\":");
	jb_str(b, p->status);
	JB_LIT(b, ",\"x\":");
	jb_real(b, p->x, digits);
	JB_LIT(b, ",\"y\":");
	jb_real(b, p->y, digits);
	JB_LIT(b, ",\"surveyor\":");
	jb_str(b, p->surveyor);
	JB_LIT(b, ",\"observed_at\":");
	jb_str(b, p->observed_at);
	JB_LIT(b, ",\"gps_accuracy_m\":");
	jb_real(b, p->gps_accuracy_m, digits);
	JB_LIT(b, ",\"note\":");
	jb_str(b, p->note);
	JB_LIT(b, ",\"created_at\":");
	jb_str(b, p->created_at);
	JB_LIT(b, ",\"updated_at\":");
	jb_str(b, p->updated_at);
	JB_LIT(b, ",\"fields\":{");
	for (i = 0; i < p->nattrs; i++) {
		if (p->attrs[i].name == NULL) {
			b->bad = true;
			return;
		}
		jb_key(b, p->attrs[i].name, i == 0);
		jb_value(b, &p->attrs[i].v, digits);
	}
	JB_LIT(b, "}}");
}

/* ---- writing ---- */

static enum sw_status history_write(struct sw_store *s, long long id, const char *uuid,
                                    const char *action, const char *field,
                                    const char *old_value, const char *new_value,
                                    const char *who, const char *at, struct sw_error *err)
{
	sqlite3_stmt *st;
	enum sw_status rc;

	st = sw_store_stmt(s, SW_ST_HISTORY,
	                   "INSERT INTO schouw_history (point_id, point_uuid, action, field,"
	                   " old_value, new_value, who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                   err);
	if (st == NULL)
		return err ? err->code : SW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	bind_str(st, 2, uuid);
	bind_str(st, 3, action);
	bind_str(st, 4, field);
	bind_str(st, 5, old_value);
	bind_str(st, 6, new_value);
	bind_str(st, 7, who);
	bind_str(st, 8, at);
	rc = step_done(s, st, _("writing history"), err);
	sqlite3_reset(st);
	return rc;
}

/* History rows of bulk inserts wait here and go in HIST_BATCH at a time by
 * one multi-row INSERT: a statement per row cost its own start and end (and
 * the AUTOINCREMENT bookkeeping) every time. */
#define HIST_BATCH 32

struct sw_hist_batch {
	size_t n;
	struct {
		long long id;
		char uuid[SW_UUID_LEN + 1];
		char at[32];
		size_t json, who; /* offsets into text */
	} row[HIST_BATCH];
	char *text;
	size_t len, cap;
};

static bool hist_text(struct sw_hist_batch *h, const char *t, size_t *off)
{
	size_t n = strlen(t) + 1;

	if (h->len + n > h->cap) {
		size_t cap = (h->len + n) * 2;
		char *q = realloc(h->text, cap);

		if (q == NULL)
			return false;
		h->text = q;
		h->cap = cap;
	}
	memcpy(h->text + h->len, t, n);
	*off = h->len;
	h->len += n;
	return true;
}

void sw_store_hist_drop(struct sw_store *s)
{
	if (s == NULL || s->hist == NULL)
		return;
	free(s->hist->text);
	free(s->hist);
	s->hist = NULL;
}

enum sw_status sw_store_hist_flush(struct sw_store *s, struct sw_error *err)
{
	struct sw_hist_batch *h = s->hist;
	enum sw_status rc = SW_OK;
	size_t i = 0;

	if (h == NULL || h->n == 0)
		return SW_OK;
	if (h->n == HIST_BATCH) {
		sqlite3_stmt *st = s->st[SW_ST_HISTORY_BATCH];

		if (st == NULL) {
			struct sbuf b = {0};

			sb_add(&b, "INSERT INTO schouw_history (point_id, point_uuid, action, field,"
			           " old_value, new_value, who, at) VALUES ");
			for (size_t k = 0; k < HIST_BATCH; k++)
				sb_add(&b, k > 0 ? ", (?, ?, 'insert', NULL, NULL, ?, ?, ?)"
				                 : "(?, ?, 'insert', NULL, NULL, ?, ?, ?)");
			if (b.oom) {
				free(b.p);
				return oom(err);
			}
			st = sw_store_stmt(s, SW_ST_HISTORY_BATCH, b.p, err);
			free(b.p);
		} else {
			st = sw_store_stmt(s, SW_ST_HISTORY_BATCH, NULL, err);
		}
		if (st == NULL)
			return err ? err->code : SW_ERR_STORE;
		for (size_t k = 0; k < HIST_BATCH; k++) {
			int p = (int)k * 5;

			sqlite3_bind_int64(st, p + 1, h->row[k].id);
			bind_str(st, p + 2, h->row[k].uuid);
			bind_str(st, p + 3, h->text + h->row[k].json);
			bind_str(st, p + 4, h->text + h->row[k].who);
			bind_str(st, p + 5, h->row[k].at);
		}
		rc = step_done(s, st, _("writing history"), err);
		sqlite3_reset(st);
		i = HIST_BATCH;
	}
	for (; rc == SW_OK && i < h->n; i++)
		rc = history_write(s, h->row[i].id, h->row[i].uuid, "insert", NULL, NULL,
		                   h->text + h->row[i].json, h->text + h->row[i].who,
		                   h->row[i].at, err);
	h->n = 0;
	h->len = 0;
	if (rc != SW_OK)
		s->bulk_broken = true; /* rows are lost: the import must not commit */
	return rc;
}

/* Keep the history row of a bulk insert back (see above). */
static enum sw_status hist_add(struct sw_store *s, long long id, const char *uuid,
                               const char *json, const char *who, const char *at,
                               struct sw_error *err)
{
	struct sw_hist_batch *h = s->hist;
	size_t k;

	if (h == NULL) {
		h = s->hist = calloc(1, sizeof *h);
		if (h == NULL)
			return oom(err);
	}
	if (who == NULL || strlen(uuid) > SW_UUID_LEN || strlen(at) >= sizeof h->row[0].at) {
		/* never in an import; keep the plain path for it */
		enum sw_status rc = sw_store_hist_flush(s, err);

		return rc != SW_OK ? rc
		                   : history_write(s, id, uuid, "insert", NULL, NULL, json, who,
		                                   at, err);
	}
	k = h->n;
	if (!hist_text(h, json, &h->row[k].json) || !hist_text(h, who, &h->row[k].who))
		return oom(err);
	h->row[k].id = id;
	memcpy(h->row[k].uuid, uuid, strlen(uuid) + 1);
	memcpy(h->row[k].at, at, strlen(at) + 1);
	h->n++;
	return h->n == HIST_BATCH ? sw_store_hist_flush(s, err) : SW_OK;
}

static enum sw_status history_row(struct sw_store *s, long long id, const char *uuid,
                                  const char *action, const char *field, const char *old_value,
                                  const char *new_value, const char *who, const char *at,
                                  struct sw_error *err)
{
	enum sw_status rc = sw_store_hist_flush(s, err);

	if (rc != SW_OK)
		return rc;
	return history_write(s, id, uuid, action, field, old_value, new_value, who, at, err);
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
	rc = step_done(s, st, _("updating the extent"), err);
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
	rc = prepare(s,
	             "UPDATE gpkg_contents SET (min_x, max_x, min_y, max_y) = (SELECT"
	             " min(ST_MinX(geom)), max(ST_MaxX(geom)), min(ST_MinY(geom)),"
	             " max(ST_MaxY(geom)) FROM points) WHERE table_name = 'points'"
	             " AND (min_x >= ?1 OR max_x <= ?1 OR min_y >= ?2 OR max_y <= ?2)",
	             &st, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_double(st, 1, x);
	sqlite3_bind_double(st, 2, y);
	rc = step_done(s, st, _("updating the extent"), err);
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
	bind_str(st, 2, p->uuid);
	bind_str(st, 3, p->type);
	bind_str(st, 4, p->status);
	bind_str(st, 5, p->surveyor);
	bind_str(st, 6, p->observed_at);
	bind_real(st, 7, p->gps_accuracy_m);
	bind_str(st, 8, p->note);
	bind_str(st, 9, p->created_at);
	bind_str(st, 10, p->updated_at);
	for (size_t i = 0; i < p->nattrs; i++) {
		size_t c = attr_column(s, i, p->attrs[i].name);

		if (c < s->ncols)
			bind_value(st, NPOINT_COLS + 1 + (int)c, &p->attrs[i].v);
	}
}

/* The cached INSERT for the current column list. */
static sqlite3_stmt *insert_stmt(struct sw_store *s, struct sw_error *err)
{
	struct sbuf b = {0};
	sqlite3_stmt *st;

	if (s->st[SW_ST_INSERT] != NULL)
		return sw_store_stmt(s, SW_ST_INSERT, NULL, err);
	sb_add(&b, "INSERT INTO points (" POINT_COLS);
	for (size_t c = 0; c < s->ncols; c++) {
		sb_add(&b, ", ");
		sb_ident(&b, s->cols[c]);
	}
	sb_add(&b, ") VALUES (?");
	for (size_t c = 1; c < NPOINT_COLS + s->ncols; c++)
		sb_add(&b, ", ?");
	sb_add(&b, ")");
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
	struct jbuf json;
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	bool began = false;
	long long id = 0;

	jb_init(&json);
	memcpy(uuid_before, p->uuid, sizeof uuid_before);
	rc = check_point(s, p, err);
	if (rc != SW_OK)
		goto out;
	if (p->uuid[0] == '\0')
		sw_uuid_v4(p->uuid);
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
	record_json(&json, p);
	if (json.bad) {
		rc = oom(err);
		goto out;
	}
	if (s->bulk)
		rc = hist_add(s, id, p->uuid, json.p, who, now, err);
	else
		rc = history_row(s, id, p->uuid, "insert", NULL, NULL, json.p, who, now, err);
out:
	if (st != NULL)
		sqlite3_reset(st);
	if (began)
		rc = sw_store_wend(s, rc, err);
	else if (rc != SW_OK && id != 0)
		s->bulk_broken = true;
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
	jb_free(&json);
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
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
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
	struct sbuf b = {0};
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
	sb_add(&b, "UPDATE points SET (" POINT_COLS);
	for (size_t c = 0; c < s->ncols; c++) {
		sb_add(&b, ", ");
		sb_ident(&b, s->cols[c]);
	}
	sb_add(&b, ") = (?");
	for (size_t c = 1; c < NPOINT_COLS + s->ncols; c++)
		sb_add(&b, ", ?");
	sb_add(&b, ") WHERE id = ?");
	if (b.oom) {
		rc = oom(err);
		goto out;
	}
	rc = prepare(s, b.p, &st, err);
	if (rc != SW_OK)
		goto out;
	bind_point(s, st, p, blob);
	sqlite3_bind_int64(st, NPOINT_COLS + 1 + (int)s->ncols, p->id);
	rc = step_done(s, st, _("updating a point"), err);
	if (rc == SW_OK && (old.x != p->x || old.y != p->y)) {
		rc = extent_shrink(s, old.x, old.y, err);
		if (rc == SW_OK && !s->user_txn)
			rc = extent_grow(s, p->x, p->y, err);
	} else if (rc == SW_OK) {
		/* gpkg_contents.last_change: the content changed */
		rc = extent_grow(s, p->x, p->y, err);
	}
	for (size_t i = 0; i < nch && rc == SW_OK; i++)
		rc = history_row(s, p->id, p->uuid, "update", ch[i].field, ch[i].old_text,
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
	struct jbuf json;
	enum sw_status rc;

	jb_init(&json);
	sw_point_init(&old);
	rc = sw_store_wbegin(s, err);
	if (rc != SW_OK)
		return rc;
	rc = get_by_id(s, id, &old, err);
	if (rc != SW_OK)
		goto out;
	rc = prepare(s, "DELETE FROM points WHERE id = ?", &st, err);
	if (rc != SW_OK)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	rc = step_done(s, st, _("deleting a point"), err);
	if (rc == SW_OK)
		rc = extent_shrink(s, old.x, old.y, err);
	if (rc != SW_OK)
		goto out;
	record_json(&json, &old);
	if (json.bad) {
		rc = oom(err);
		goto out;
	}
	sw_now_iso(now, sizeof now);
	rc = history_row(s, id, old.uuid, "delete", NULL, json.p, NULL, who, now, err);
out:
	sqlite3_finalize(st);
	rc = sw_store_wend(s, rc, err);
	jb_free(&json);
	sw_point_clear(&old);
	return rc;
}

enum sw_status sw_store_history(struct sw_store *s, const char *uuid, sw_history_cb cb, void *ud,
                                struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	int src;

	rc = sw_store_hist_flush(s, err);
	if (rc != SW_OK)
		return rc;
	rc = prepare(s,
	             "SELECT seq, point_id, point_uuid, action, field, old_value, new_value, who,"
	             " at FROM schouw_history WHERE point_id IN (SELECT id FROM points WHERE"
	             " uuid = ?1 UNION SELECT point_id FROM schouw_history WHERE point_uuid = ?1"
	             " AND action = 'delete') AND point_uuid = ?1 ORDER BY seq",
	             &st, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct sw_history_row h = {
		    .seq = sqlite3_column_int64(st, 0),
		    .point_id = sqlite3_column_int64(st, 1),
		    .point_uuid = (const char *)sqlite3_column_text(st, 2),
		    .action = (const char *)sqlite3_column_text(st, 3),
		    .field = (const char *)sqlite3_column_text(st, 4),
		    .old_value = (const char *)sqlite3_column_text(st, 5),
		    .new_value = (const char *)sqlite3_column_text(st, 6),
		    .who = (const char *)sqlite3_column_text(st, 7),
		    .at = (const char *)sqlite3_column_text(st, 8),
		};

		rc = cb(&h, ud);
		if (rc != SW_OK)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading history"));
out:
	sqlite3_finalize(st);
	return rc;
}
