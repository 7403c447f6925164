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

/* One R-tree query per point costs ~10-25 us in SQLite's rtree module
 * (it re-reads its nodes every query), too slow for 100k bays in 2 s. So the
 * lookup asks the R-tree once per tile of the plane instead: all points of
 * the wanted type in the tile plus a margin of twice the radius, with their
 * exact coordinates, sorted by x, are kept, and every point in that tile is
 * answered from them. Tiles are 200 radii wide (200 m .. 5 km). */
#define NEAR_MAX_TYPES 16

struct near_pt {
	double x, y;
	long long id;
};

struct near_tile {
	long long tx, ty;
	double radius; /* the radius the tile was read for (its margin is 2x) */
	unsigned type;
	bool used;
	size_t first, count; /* into pts */
};

struct sw_check_near {
	struct sw_store *store;
	sqlite3_stmt *join; /* R-tree box joined with points, exact coordinates */
	char *types[NEAR_MAX_TYPES];
	unsigned ntypes;
	struct near_tile *tiles; /* open addressing, cap a power of two */
	size_t ntiles, cap;
	struct near_pt *pts;
	size_t npts, cappts;
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
static const char join_sql[] =
    "SELECT p.id, ST_MinX(p.geom), ST_MinY(p.geom) FROM rtree_points_geom r"
    " JOIN points p ON p.id = r.id"
    " WHERE r.minx <= ?2 AND r.maxx >= ?1 AND r.miny <= ?4 AND r.maxy >= ?3"
    " AND p.type = ?5";

enum sw_status sw_check_near_open(struct sw_store *s, struct sw_check_near **out,
                                  struct sw_error *err)
{
	struct sw_check_near *n = calloc(1, sizeof *n);
	sqlite3 *db = sw_store_db(s);

	*out = NULL;
	if (n == NULL)
		return sw_error_set(err, SW_ERR_NOMEM, "%s", _("out of memory"));
	n->store = s;
	/* A check reads the whole store: through mmap, pages kept in cache
	 * (settings of this connection only). */
	sqlite3_exec(db, "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536", NULL, NULL,
	             NULL);
	if (sqlite3_prepare_v2(db, join_sql, -1, &n->join, NULL) != SQLITE_OK) {
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
	sqlite3_finalize(n->join);
	for (unsigned i = 0; i < n->ntypes; i++)
		free(n->types[i]);
	free(n->tiles);
	free(n->pts);
	free(n);
}

static double tile_size(double radius)
{
	double g = 200 * radius;

	return g < 200 ? 200 : g > 5000 ? 5000 : g;
}

static size_t tile_hash(long long tx, long long ty, unsigned type, double radius)
{
	unsigned long long h = (unsigned long long)tx * 0x9E3779B97F4A7C15ull;

	h ^= (unsigned long long)ty * 0xC2B2AE3D27D4EB4Full + (h << 6) + (h >> 2);
	h ^= (unsigned long long)type * 0x165667B19E3779F9ull + (unsigned long long)(radius * 1000);
	return (size_t)(h ^ (h >> 29));
}

static enum sw_status grow_tiles(struct sw_check_near *n, struct sw_error *err)
{
	size_t cap = n->cap ? n->cap * 2 : 1024;
	struct near_tile *t = calloc(cap, sizeof *t);

	if (t == NULL)
		return sw_error_nomem(err);
	for (size_t i = 0; i < n->cap; i++) {
		const struct near_tile *o = &n->tiles[i];
		size_t h;
		if (!o->used)
			continue;
		h = tile_hash(o->tx, o->ty, o->type, o->radius) & (cap - 1);
		while (t[h].used)
			h = (h + 1) & (cap - 1);
		t[h] = *o;
	}
	free(n->tiles);
	n->tiles = t;
	n->cap = cap;
	return SW_OK;
}

static int pt_cmp_x(const void *a, const void *b)
{
	const struct near_pt *p = a, *q = b;

	return (p->x > q->x) - (p->x < q->x);
}

/* Read the tile from the R-tree into pts. */
static enum sw_status load_tile(struct sw_check_near *n, struct near_tile *t, const char *type,
                                struct sw_error *err)
{
	sqlite3_stmt *st = n->join;
	double g = tile_size(t->radius), m = 2 * t->radius;
	int rc;

	t->first = n->npts;
	t->count = 0;
	sqlite3_reset(st);
	sqlite3_bind_double(st, 1, (double)t->tx * g - m);
	sqlite3_bind_double(st, 2, (double)(t->tx + 1) * g + m);
	sqlite3_bind_double(st, 3, (double)t->ty * g - m);
	sqlite3_bind_double(st, 4, (double)(t->ty + 1) * g + m);
	sqlite3_bind_text(st, 5, type, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n->npts == n->cappts) {
			size_t cap = n->cappts ? n->cappts * 2 : 4096;
			struct near_pt *np = realloc(n->pts, cap * sizeof *np);
			if (np == NULL) {
				sqlite3_reset(st);
				return sw_error_nomem(err);
			}
			n->pts = np;
			n->cappts = cap;
		}
		n->pts[n->npts].id = sqlite3_column_int64(st, 0);
		n->pts[n->npts].x = sqlite3_column_double(st, 1);
		n->pts[n->npts].y = sqlite3_column_double(st, 2);
		n->npts++;
		t->count++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sqlerr(n->store, _("looking for neighbours"), err);
	if (t->count > 1)
		qsort(n->pts + t->first, t->count, sizeof *n->pts, pt_cmp_x);
	return SW_OK;
}

/* The tile holding (x, y) for type and radius, read on first use. */
static enum sw_status get_tile(struct sw_check_near *n, const struct sw_point *p, const char *type,
                               double radius, const struct near_tile **out, struct sw_error *err)
{
	double g = tile_size(radius);
	long long tx = (long long)floor(p->x / g), ty = (long long)floor(p->y / g);
	unsigned ti;
	size_t h;
	enum sw_status rc;

	for (ti = 0; ti < n->ntypes; ti++)
		if (strcmp(n->types[ti], type) == 0)
			break;
	if (ti == n->ntypes) {
		if (n->ntypes == NEAR_MAX_TYPES)
			return sw_error_set(err, SW_ERR_INTERNAL, "%s",
			                    _("too many neighbour types in one profile"));
		n->types[ti] = strdup(type);
		if (n->types[ti] == NULL)
			return sw_error_nomem(err);
		n->ntypes++;
	}
	if (2 * (n->ntiles + 1) > n->cap && (rc = grow_tiles(n, err)) != SW_OK)
		return rc;
	h = tile_hash(tx, ty, ti, radius) & (n->cap - 1);
	while (n->tiles[h].used) {
		const struct near_tile *t = &n->tiles[h];
		if (t->tx == tx && t->ty == ty && t->type == ti && t->radius == radius) {
			*out = t;
			return SW_OK;
		}
		h = (h + 1) & (n->cap - 1);
	}
	n->tiles[h] =
	    (struct near_tile){.tx = tx, .ty = ty, .radius = radius, .type = ti, .used = true};
	n->ntiles++;
	rc = load_tile(n, &n->tiles[h], type, err);
	if (rc != SW_OK) {
		/* forget the half-read tile */
		n->tiles[h].count = 0;
		return rc;
	}
	*out = &n->tiles[h];
	return SW_OK;
}

enum sw_status sw_check_near_fn(void *ud, const struct sw_point *p, const char *type,
                                double radius_m, size_t *found, double *nearest_m,
                                struct sw_error *err)
{
	struct sw_check_near *n = ud;
	const struct near_tile *t = NULL;
	enum sw_status rc;

	*found = 0;
	*nearest_m = NAN;
	if (!isfinite(p->x) || !isfinite(p->y) || !(radius_m >= 0))
		return SW_OK;
	rc = get_tile(n, p, type, radius_m, &t, err);
	if (rc != SW_OK || t->count == 0)
		return rc;
	{
		const struct near_pt *a = n->pts + t->first;
		size_t lo = 0, hi = t->count;
		double m = 2 * radius_m;
		/* first candidate with x >= p->x - 2r, then on while x <= p->x + 2r */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (a[mid].x < p->x - m)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < t->count && a[i].x <= p->x + m; i++) {
			const struct near_pt *q = &a[i];
			double d;
			if ((q->id == p->id && p->id != 0) || fabs(q->y - p->y) > m)
				continue;
			d = hypot(q->x - p->x, q->y - p->y);
			if (d <= radius_m)
				(*found)++;
			/* within 2 radii every point is in the tile's margin */
			if (d <= m && (isnan(*nearest_m) || d < *nearest_m))
				*nearest_m = d;
		}
	}
	return SW_OK;
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

/* One row: the point's verdict (f NULL; missing lists the missing fields)
 * or one failed rule. */
static enum sw_status insert_row(struct sw_check_run *run, const struct sw_point *p,
                                 const char *verdict, const struct sw_finding *f,
                                 const char *missing, struct sw_error *err)
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
	} else {
		bind_text_or_null(st, 6, missing);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SW_OK : sqlerr(run->store, _("recording a check result"), err);
}

/* The distinct missing fields of v, comma-separated, into buf. */
static void missing_list(const struct sw_verdict *v, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < v->nfindings; i++) {
		const struct sw_finding *f = &v->findings[i];
		bool seen = false;
		if (f->outcome != SW_OUT_INCOMPLETE || f->missing == NULL)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = v->findings[k].outcome == SW_OUT_INCOMPLETE &&
			       v->findings[k].missing != NULL &&
			       strcmp(v->findings[k].missing, f->missing) == 0;
		if (!seen && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "", f->missing);
	}
}

enum sw_status sw_check_run_add(struct sw_check_run *run, const struct sw_point *p,
                                const struct sw_verdict *v, struct sw_error *err)
{
	char missing[1024];
	enum sw_status rc;

	run->npoints++;
	if (v->outcome == SW_OUT_PASS)
		run->npass++;
	else if (v->outcome == SW_OUT_FAIL)
		run->nfail++;
	else
		run->nincomplete++;
	missing_list(v, missing, sizeof missing);
	rc = insert_row(run, p, sw_outcome_name(v->outcome), NULL, missing, err);
	for (size_t i = 0; i < v->nfindings && rc == SW_OK; i++)
		if (v->findings[i].outcome == SW_OUT_FAIL)
			rc = insert_row(run, p, "fail", &v->findings[i], NULL, err);
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
