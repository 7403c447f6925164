/* test_geom.c - polygons: point in polygon (even-odd, boundary inside), bbox,
 * area, bad rings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/geom.h"

#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static struct sw_polygon *poly(void)
{
	struct sw_polygon *p = NULL;
	struct sw_error err = {0};

	assert_int_equal(sw_polygon_new(&p, &err), SW_OK);
	return p;
}

static void ring(struct sw_polygon *p, const double *xy, size_t n)
{
	double x[32], y[32];
	struct sw_error err = {0};

	assert_true(n <= 32);
	for (size_t i = 0; i < n; i++) {
		x[i] = xy[2 * i];
		y[i] = xy[2 * i + 1];
	}
	assert_int_equal(sw_polygon_add_ring(p, x, y, n, &err), SW_OK);
}

/* A 100 x 100 m square at RD-like coordinates, open (not closed) ring. */
static const double square[] = {105000, 425000, 105100, 425000, 105100, 425100, 105000, 425100};

static void inside_and_outside_a_square(void **state)
{
	struct sw_polygon *p = poly();

	(void)state;
	ring(p, square, 4);
	assert_true(sw_polygon_contains(p, 105050, 425050));
	assert_true(sw_polygon_contains(p, 105000.01, 425099.99));
	assert_false(sw_polygon_contains(p, 104999.99, 425050));
	assert_false(sw_polygon_contains(p, 105050, 425100.01));
	assert_false(sw_polygon_contains(p, 105200, 425050)); /* outside the bbox */
	assert_false(sw_polygon_contains(p, NAN, 425050));
	sw_polygon_free(p);
}

static void edges_and_vertices_count_as_inside(void **state)
{
	struct sw_polygon *p = poly();

	(void)state;
	ring(p, square, 4);
	/* every edge, the four vertices */
	assert_true(sw_polygon_contains(p, 105050, 425000));
	assert_true(sw_polygon_contains(p, 105100, 425050));
	assert_true(sw_polygon_contains(p, 105050, 425100));
	assert_true(sw_polygon_contains(p, 105000, 425050));
	for (int i = 0; i < 4; i++)
		assert_true(sw_polygon_contains(p, square[2 * i], square[2 * i + 1]));
	/* a point on the extension of an edge is not */
	assert_false(sw_polygon_contains(p, 105100.001, 425000));
	sw_polygon_free(p);
}

static void slanted_edge_inside_on_and_outside(void **state)
{
	/* triangle with a slanted edge from (0,0) to (100,50) */
	static const double tri[] = {0, 0, 100, 50, 0, 100};
	struct sw_polygon *p = poly();

	(void)state;
	ring(p, tri, 3);
	assert_true(sw_polygon_contains(p, 50, 25));        /* on the slanted edge */
	assert_true(sw_polygon_contains(p, 50, 25.001));    /* just inside */
	assert_false(sw_polygon_contains(p, 50, 24.999));   /* just outside */
	assert_false(sw_polygon_contains(p, 100.001, 50));  /* beyond the tip */
	assert_true(sw_polygon_contains(p, 99.99, 50));     /* the ray runs through the tip */
	assert_false(sw_polygon_contains(p, -1, 50));
	/* a ray through the vertex (0,0)/(0,100) level does not double count */
	assert_true(sw_polygon_contains(p, 0.5, 50));
	sw_polygon_free(p);
}

static void a_hole_is_outside_and_its_edge_inside(void **state)
{
	static const double hole[] = {105040, 425040, 105040, 425060, 105060, 425060, 105060, 425040};
	struct sw_polygon *p = poly();

	(void)state;
	ring(p, square, 4);
	ring(p, hole, 4);
	assert_false(sw_polygon_contains(p, 105050, 425050)); /* in the hole */
	assert_true(sw_polygon_contains(p, 105040, 425050));  /* on the hole's edge */
	assert_true(sw_polygon_contains(p, 105020, 425050));  /* between ring and hole */
	assert_near(sw_polygon_area(p), 10000.0 - 400.0, 1e-6);
	sw_polygon_free(p);
}

static void multipart_holds_points_of_both_parts(void **state)
{
	static const double far[] = {110000, 420000, 110010, 420000, 110010, 420010, 110000, 420010,
				     110000, 420000};
	static const double island[] = {105045, 425045, 105055, 425045, 105055, 425055, 105045, 425055};
	static const double hole[] = {105040, 425040, 105040, 425060, 105060, 425060, 105060, 425040};
	struct sw_polygon *p = poly();

	(void)state;
	ring(p, square, 4);
	ring(p, far, 5); /* closed ring: no vertex added */
	ring(p, hole, 4);
	ring(p, island, 4);
	assert_int_equal(p->nrings, 4);
	assert_int_equal(p->npts, 5 + 5 + 5 + 5);
	assert_true(sw_polygon_contains(p, 105010, 425010));
	assert_true(sw_polygon_contains(p, 110005, 420005));
	assert_false(sw_polygon_contains(p, 107000, 422000)); /* between the parts, in the bbox */
	assert_false(sw_polygon_contains(p, 105042, 425050)); /* in the hole */
	assert_true(sw_polygon_contains(p, 105050, 425050));  /* on the island in the hole */
	assert_near(p->minx, 105000, 0);
	assert_near(p->miny, 420000, 0);
	assert_near(p->maxx, 110010, 0);
	assert_near(p->maxy, 425100, 0);
	assert_near(sw_polygon_area(p), 10000.0 + 100.0 - 400.0 + 100.0, 1e-6);
	sw_polygon_free(p);
}

static void area_ignores_orientation(void **state)
{
	static const double cw[] = {0, 0, 0, 10, 10, 10, 10, 0};
	struct sw_polygon *a = poly(), *b = poly();

	(void)state;
	ring(a, square, 4);
	ring(b, cw, 4);
	assert_near(sw_polygon_area(a), 10000.0, 1e-6);
	assert_near(sw_polygon_area(b), 100.0, 1e-9);
	sw_polygon_free(a);
	sw_polygon_free(b);
}

static void empty_polygon_contains_nothing(void **state)
{
	struct sw_polygon *p = poly();

	(void)state;
	assert_false(sw_polygon_contains(p, 0, 0));
	assert_true(p->minx > p->maxx);
	assert_near(sw_polygon_area(p), 0, 0);
	sw_polygon_free(p);
	sw_polygon_free(NULL);
}

static void degenerate_rings_are_refused(void **state)
{
	double x[4] = {0, 1, 0, 1}, y[4] = {0, 1, 0, 1};
	struct sw_polygon *p = poly();
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(sw_polygon_add_ring(p, x, y, 4, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "3 distinct"));
	assert_int_equal(sw_polygon_add_ring(p, x, y, 0, &err), SW_ERR_INPUT);
	x[2] = NAN;
	assert_int_equal(sw_polygon_add_ring(p, x, y, 3, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "finite"));
	assert_int_equal(p->nrings, 0);
	sw_polygon_free(p);
}

/* The even-odd answer against a brute-force count on a grid, for a
 * concave ring with collinear and repeated vertices. */
static void concave_ring_matches_a_grid_count(void **state)
{
	static const double comb[] = {0, 0, 30, 0, 30, 30, 20, 30, 20, 10, 15, 10, 15, 10,
				      10, 10, 10, 30, 0, 30, 0, 20};
	struct sw_polygon *p = poly();
	int in = 0;

	(void)state;
	ring(p, comb, 11);
	/* cell centres of a 0.5 m grid: area of the comb = 900 - 10*20 = 700 */
	for (double x = 0.25; x < 30; x += 0.5)
		for (double y = 0.25; y < 30; y += 0.5)
			in += sw_polygon_contains(p, x, y);
	assert_int_equal(in, 700 * 4);
	assert_near(sw_polygon_area(p), 700.0, 1e-9);
	assert_false(sw_polygon_contains(p, 15, 20));
	assert_true(sw_polygon_contains(p, 15, 10));
	sw_polygon_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(inside_and_outside_a_square),
	    cmocka_unit_test(edges_and_vertices_count_as_inside),
	    cmocka_unit_test(slanted_edge_inside_on_and_outside),
	    cmocka_unit_test(a_hole_is_outside_and_its_edge_inside),
	    cmocka_unit_test(multipart_holds_points_of_both_parts),
	    cmocka_unit_test(area_ignores_orientation),
	    cmocka_unit_test(empty_polygon_contains_nothing),
	    cmocka_unit_test(degenerate_rings_are_refused),
	    cmocka_unit_test(concave_ring_matches_a_grid_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
