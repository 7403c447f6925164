/* geom.h - polygons in a projected CRS (RD New metres): named areas, filters.
 *
 * A struct sw_polygon is any number of closed rings (outer rings of several
 * parts and the holes inside them, in any order and orientation). Which
 * points it holds follows the even-odd rule over all rings: a point is inside
 * when a ray from it crosses the rings an odd number of times, so a hole is a
 * ring inside an outer ring and an island in a hole is inside again. A point
 * on (within SW_GEOM_EPS of) any ring counts as inside.
 *
 * The fields are read-only for users; build a polygon with sw_polygon_new and
 * sw_polygon_add_ring. Not thread-safe while being built; contains/area are
 * pure and may be called from several threads once it is built.
 */
#ifndef SCHOUW_GEOM_H
#define SCHOUW_GEOM_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"

/* Distance to a ring within which a point counts as on the boundary (in the
 * polygon's units: 1 micrometre in RD New). */
#define SW_GEOM_EPS 1e-6

struct sw_polygon {
	size_t nrings;
	size_t *ring_start; /* nrings + 1 offsets into x/y; ring i is [start[i], start[i+1]) */
	double *x, *y;      /* vertices of every ring; each ring closed (last == first) */
	size_t npts;
	/* bounding box of every vertex; min > max while there are no rings */
	double minx, miny, maxx, maxy;
};

/* An empty polygon (no rings: contains nothing). Caller owns *out; free with
 * sw_polygon_free. */
enum sw_status sw_polygon_new(struct sw_polygon **out, struct sw_error *err);

/* Append a ring of n vertices (closed or not: a closing vertex is added when
 * the last differs from the first). Fails with SW_ERR_INPUT when a coordinate
 * is not finite or the ring has fewer than 3 distinct vertices; p is then
 * unchanged. The arrays are copied. */
enum sw_status sw_polygon_add_ring(struct sw_polygon *p, const double *x, const double *y, size_t n,
                                   struct sw_error *err);

/* Is (x, y) inside p, boundary included (even-odd rule over all rings)? */
bool sw_polygon_contains(const struct sw_polygon *p, double x, double y);

/* Area in square units under the even-odd rule: a ring inside an odd number
 * of other rings (a hole) subtracts. Rings must not cross each other. */
double sw_polygon_area(const struct sw_polygon *p);

/* NULL is fine. */
void sw_polygon_free(struct sw_polygon *p);

#endif
