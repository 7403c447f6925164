/* geom.c - polygons: rings, bounding box, point in polygon, area. */
#include "schouw/geom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/i18n.h"

enum sw_status sw_polygon_new(struct sw_polygon **out, struct sw_error *err)
{
	struct sw_polygon *p = calloc(1, sizeof *p);

	*out = NULL;
	if (p == NULL)
		return sw_error_nomem(err);
	p->ring_start = calloc(1, sizeof *p->ring_start);
	if (p->ring_start == NULL) {
		free(p);
		return sw_error_nomem(err);
	}
	p->minx = p->miny = INFINITY;
	p->maxx = p->maxy = -INFINITY;
	*out = p;
	return SW_OK;
}

void sw_polygon_free(struct sw_polygon *p)
{
	if (p == NULL)
		return;
	free(p->ring_start);
	free(p->x);
	free(p->y);
	free(p);
}

/* Number of distinct vertices, up to 3 (enough to tell a ring from a line). */
static size_t distinct_upto3(const double *x, const double *y, size_t n)
{
	size_t k = 0;
	double ux[3], uy[3];

	for (size_t i = 0; i < n && k < 3; i++) {
		bool seen = false;
		for (size_t j = 0; j < k; j++)
			if (ux[j] == x[i] && uy[j] == y[i])
				seen = true;
		if (!seen) {
			ux[k] = x[i];
			uy[k] = y[i];
			k++;
		}
	}
	return k;
}

enum sw_status sw_polygon_add_ring(struct sw_polygon *p, const double *x, const double *y, size_t n,
                                   struct sw_error *err)
{
	size_t m, *rs;
	double *nx, *ny;
	bool closed;

	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("ring vertex %zu: coordinate is not a finite number"),
			                    i + 1);
	if (distinct_upto3(x, y, n) < 3)
		return sw_error_set(
		    err, SW_ERR_INPUT,
		    _("ring of %zu vertices: expected at least 3 distinct vertices"), n);
	closed = x[0] == x[n - 1] && y[0] == y[n - 1];
	m = n + (closed ? 0 : 1);
	nx = realloc(p->x, (p->npts + m) * sizeof *nx);
	if (nx == NULL)
		return sw_error_nomem(err);
	p->x = nx;
	ny = realloc(p->y, (p->npts + m) * sizeof *ny);
	if (ny == NULL)
		return sw_error_nomem(err);
	p->y = ny;
	rs = realloc(p->ring_start, (p->nrings + 2) * sizeof *rs);
	if (rs == NULL)
		return sw_error_nomem(err);
	p->ring_start = rs;
	memcpy(p->x + p->npts, x, n * sizeof *x);
	memcpy(p->y + p->npts, y, n * sizeof *y);
	if (!closed) {
		p->x[p->npts + n] = x[0];
		p->y[p->npts + n] = y[0];
	}
	for (size_t i = 0; i < n; i++) {
		p->minx = fmin(p->minx, x[i]);
		p->miny = fmin(p->miny, y[i]);
		p->maxx = fmax(p->maxx, x[i]);
		p->maxy = fmax(p->maxy, y[i]);
	}
	p->npts += m;
	p->nrings++;
	p->ring_start[p->nrings] = p->npts;
	return SW_OK;
}

/* Is (x, y) within SW_GEOM_EPS of the segment a-b? */
static bool on_segment(double ax, double ay, double bx, double by, double x, double y)
{
	double dx = bx - ax, dy = by - ay;
	double len2 = dx * dx + dy * dy;
	double t = 0, ex, ey;

	if (len2 > 0) {
		t = ((x - ax) * dx + (y - ay) * dy) / len2;
		t = t < 0 ? 0 : t > 1 ? 1 : t;
	}
	ex = ax + t * dx - x;
	ey = ay + t * dy - y;
	return ex * ex + ey * ey <= SW_GEOM_EPS * SW_GEOM_EPS;
}

/* One ring against (x, y): -1 on its boundary, 1 inside, 0 outside. The
 * crossing test is half-open in y (an edge counts when ay <= y < by or
 * by <= y < ay), so a ray through a vertex is counted once; the side is the
 * sign of a cross product, with no division. */
static int ring_test(const struct sw_polygon *p, size_t r, double x, double y)
{
	size_t s = p->ring_start[r], e = p->ring_start[r + 1];
	const double *px = p->x, *py = p->y;
	bool in = false;

	for (size_t i = s; i + 1 < e; i++) {
		double ax = px[i], ay = py[i], bx = px[i + 1], by = py[i + 1];

		if (on_segment(ax, ay, bx, by, x, y))
			return -1;
		if (ay <= y && y < by) {
			if ((bx - ax) * (y - ay) - (x - ax) * (by - ay) > 0)
				in = !in;
		} else if (by <= y && y < ay) {
			if ((bx - ax) * (y - ay) - (x - ax) * (by - ay) < 0)
				in = !in;
		}
	}
	return in ? 1 : 0;
}

bool sw_polygon_contains(const struct sw_polygon *p, double x, double y)
{
	bool in = false;

	if (p == NULL || p->nrings == 0)
		return false;
	/* also false for NaN */
	if (!(x >= p->minx - SW_GEOM_EPS && x <= p->maxx + SW_GEOM_EPS &&
	      y >= p->miny - SW_GEOM_EPS && y <= p->maxy + SW_GEOM_EPS))
		return false;
	for (size_t r = 0; r < p->nrings; r++) {
		int t = ring_test(p, r, x, y);
		if (t < 0)
			return true;
		if (t > 0)
			in = !in;
	}
	return in;
}

/* Twice the signed area of ring r, relative to its first vertex so large RD
 * coordinates do not cancel. */
static double ring_area2(const struct sw_polygon *p, size_t r)
{
	size_t s = p->ring_start[r], e = p->ring_start[r + 1];
	double ox = p->x[s], oy = p->y[s], a = 0;

	for (size_t i = s; i + 1 < e; i++)
		a += (p->x[i] - ox) * (p->y[i + 1] - oy) - (p->x[i + 1] - ox) * (p->y[i] - oy);
	return a;
}

/* How many other rings hold ring r: tested at a vertex or edge midpoint of r
 * that lies on no other ring (rings may touch). */
static size_t ring_depth(const struct sw_polygon *p, size_t r)
{
	size_t s = p->ring_start[r], e = p->ring_start[r + 1];

	for (size_t i = s; i + 1 < e; i++) {
		for (int mid = 0; mid < 2; mid++) {
			double x = mid ? (p->x[i] + p->x[i + 1]) / 2 : p->x[i];
			double y = mid ? (p->y[i] + p->y[i + 1]) / 2 : p->y[i];
			size_t depth = 0;
			bool touch = false;

			for (size_t o = 0; o < p->nrings && !touch; o++) {
				int t;
				if (o == r)
					continue;
				t = ring_test(p, o, x, y);
				if (t < 0)
					touch = true;
				else
					depth += (size_t)t;
			}
			if (!touch)
				return depth;
		}
	}
	return 0; /* lies on other rings all along: treat as an outer ring */
}

double sw_polygon_area(const struct sw_polygon *p)
{
	double a = 0;

	if (p == NULL)
		return 0;
	for (size_t r = 0; r < p->nrings; r++) {
		double ra = fabs(ring_area2(p, r)) / 2;
		a += ring_depth(p, r) % 2 ? -ra : ra;
	}
	return a;
}
