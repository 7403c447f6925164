/* check.c - stored points meet the norm engine: the neighbour lookup for
 * spatial rules (over the store's R-tree box query) and the record of check
 * runs (through the store's check-run API, store_check.c). */
#include "schouw/check.h"

#include <math.h>
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
	struct sw_store_box *box; /* R-tree box joined with points, exact coordinates */
	char *types[NEAR_MAX_TYPES];
	unsigned ntypes;
	struct near_tile *tiles; /* open addressing, cap a power of two */
	size_t ntiles, cap;
	struct near_pt *pts;
	size_t npts, cappts;
};

struct sw_check_run {
	struct sw_store_check *rec;
	struct sw_check_counts n;
};

enum sw_status sw_check_near_open(struct sw_store *s, struct sw_check_near **out,
                                  struct sw_error *err)
{
	struct sw_check_near *n = calloc(1, sizeof *n);
	enum sw_status rc;

	*out = NULL;
	if (n == NULL)
		return sw_error_set(err, SW_ERR_NOMEM, "%s", _("out of memory"));
	rc = sw_store_box_open(s, &n->box, err);
	if (rc != SW_OK) {
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
	sw_store_box_close(n->box);
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

struct tile_fill {
	struct sw_check_near *n;
	struct near_tile *t;
};

static enum sw_status tile_add(void *ud, long long id, double x, double y, struct sw_error *err)
{
	struct tile_fill *tf = ud;
	struct sw_check_near *n = tf->n;

	if (n->npts == n->cappts) {
		size_t cap = n->cappts ? n->cappts * 2 : 4096;
		struct near_pt *np = realloc(n->pts, cap * sizeof *np);
		if (np == NULL)
			return sw_error_nomem(err);
		n->pts = np;
		n->cappts = cap;
	}
	n->pts[n->npts] = (struct near_pt){.x = x, .y = y, .id = id};
	n->npts++;
	tf->t->count++;
	return SW_OK;
}

/* Read the tile from the R-tree into pts. */
static enum sw_status load_tile(struct sw_check_near *n, struct near_tile *t, const char *type,
                                struct sw_error *err)
{
	struct tile_fill tf = {n, t};
	double g = tile_size(t->radius), m = 2 * t->radius;
	enum sw_status rc;

	t->first = n->npts;
	t->count = 0;
	rc = sw_store_box_read(n->box, type, (double)t->tx * g - m, (double)t->ty * g - m,
	                       (double)(t->tx + 1) * g + m, (double)(t->ty + 1) * g + m, tile_add,
	                       &tf, err);
	if (rc != SW_OK)
		return rc;
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
	enum sw_status rc;

	*out = NULL;
	if (run == NULL)
		return sw_error_set(err, SW_ERR_NOMEM, "%s", _("out of memory"));
	rc = sw_store_check_begin(s, prof->name, prof->hash, &run->rec, err);
	if (rc != SW_OK) {
		free(run);
		return rc;
	}
	*out = run;
	return SW_OK;
}

/* One row: the point's verdict (f NULL; missing lists the missing fields)
 * or one failed rule. */
static enum sw_status insert_row(struct sw_check_run *run, const struct sw_point *p,
                                 const char *verdict, const struct sw_finding *f,
                                 const char *missing, struct sw_error *err)
{
	struct sw_check_row row = {.point_id = p->id, .point_uuid = p->uuid, .verdict = verdict};
	char measured[96] = "", limit[256] = "";

	if (f != NULL) {
		const struct sw_rule *r = f->rule;
		sw_finding_measured(f, measured, sizeof measured);
		sw_rule_limit_text(r, limit, sizeof limit);
		row.rule_id = r->id;
		row.field = f->missing ? f->missing : r->field;
		row.measured = measured;
		row.limit_text = limit;
		row.severity = sw_severity_name(r->severity);
		row.message = r->message_nl ? r->message_nl : r->message_en;
		row.source = r->source;
	} else {
		row.field = missing;
	}
	return sw_store_check_add(run->rec, &row, err);
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

	run->n.npoints++;
	if (v->outcome == SW_OUT_PASS)
		run->n.npass++;
	else if (v->outcome == SW_OUT_FAIL)
		run->n.nfail++;
	else
		run->n.nincomplete++;
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
	enum sw_status rc;

	if (run == NULL)
		return SW_OK;
	rc = sw_store_check_end(run->rec, ok ? &run->n : NULL, run_id, err);
	free(run);
	return rc;
}
