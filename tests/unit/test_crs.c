/* test_crs.c - PROJ transformations between RD New and WGS84. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/crs.h"

/* RD (105000, 425000) with Debian's PROJ 9.1 (Helmert, no RDNAPTRANS grid). */
#define REF_X 105000.0
#define REF_Y 425000.0
#define REF_LON 4.662143718
#define REF_LAT 51.811382782

static void rd_to_wgs84_matches_reference(void **state)
{
	struct sw_crs *c = NULL;
	struct sw_error err = {0};
	double x = REF_X, y = REF_Y;

	(void)state;
	assert_int_equal(sw_crs_new(SW_CRS_RD, SW_CRS_WGS84, &c, &err), SW_OK);
	assert_int_equal(sw_crs_trans(c, &x, &y, 1, NULL, &err), SW_OK);
	assert_true(fabs(x - REF_LON) < 1e-6);
	assert_true(fabs(y - REF_LAT) < 1e-6);
	sw_crs_free(c);
}

static void wgs84_to_rd_matches_reference(void **state)
{
	struct sw_crs *c = NULL;
	struct sw_error err = {0};
	double x = REF_LON, y = REF_LAT;

	(void)state;
	assert_int_equal(sw_crs_new(SW_CRS_WGS84, SW_CRS_RD, &c, &err), SW_OK);
	assert_int_equal(sw_crs_trans(c, &x, &y, 1, NULL, &err), SW_OK);
	assert_true(fabs(x - REF_X) < 1e-3);
	assert_true(fabs(y - REF_Y) < 1e-3);
	sw_crs_free(c);
}

static void round_trip_many_points_in_batches(void **state)
{
	enum { N = 10000 }; /* more than one batch */
	struct sw_crs *fwd = NULL, *inv = NULL;
	struct sw_error err = {0};
	double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
	size_t i;

	(void)state;
	assert_non_null(x);
	assert_non_null(y);
	for (i = 0; i < N; i++) {
		x[i] = 100000.0 + (double)(i % 100) * 97.3;
		y[i] = 420000.0 + (double)(i / 100) * 101.9;
	}
	assert_int_equal(sw_crs_new(SW_CRS_RD, SW_CRS_WGS84, &fwd, &err), SW_OK);
	assert_int_equal(sw_crs_new(SW_CRS_WGS84, SW_CRS_RD, &inv, &err), SW_OK);
	assert_int_equal(sw_crs_trans(fwd, x, y, N, NULL, &err), SW_OK);
	for (i = 0; i < N; i++)
		assert_true(sw_wgs84_in_nl(x[i], y[i]));
	assert_int_equal(sw_crs_trans(inv, x, y, N, NULL, &err), SW_OK);
	for (i = 0; i < N; i++) {
		assert_true(fabs(x[i] - (100000.0 + (double)(i % 100) * 97.3)) < 1e-3);
		assert_true(fabs(y[i] - (420000.0 + (double)(i / 100) * 101.9)) < 1e-3);
	}
	sw_crs_free(fwd);
	sw_crs_free(inv);
	free(x);
	free(y);
}

static void open_rejects_nonsense_crs(void **state)
{
	struct sw_crs *c = (struct sw_crs *)0x1;
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(sw_crs_new("EPSG:99999999", SW_CRS_RD, &c, &err), SW_ERR_INPUT);
	assert_null(c);
	assert_non_null(strstr(err.msg, "EPSG:99999999"));
	assert_non_null(strstr(err.msg, "not found")); /* PROJ's own reason, not its errno */
	assert_int_equal(sw_crs_new(SW_CRS_WGS84, "not a crs at all", &c, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "not a crs at all"));
	sw_crs_free(NULL);
}

static void trans_reports_failed_point_by_index(void **state)
{
	struct sw_crs *c = NULL;
	struct sw_error err = {0};
	double x[3] = {4.66, 4.66, 4.67}, y[3] = {51.81, 95.0, 51.82};
	bool failed[3] = {true, false, true};

	(void)state;
	assert_int_equal(sw_crs_new(SW_CRS_WGS84, SW_CRS_RD, &c, &err), SW_OK);
	assert_int_equal(sw_crs_trans(c, x, y, 3, failed, &err), SW_OK);
	assert_false(failed[0]);
	assert_true(failed[1]);
	assert_false(failed[2]);
	assert_true(sw_rd_in_nl(x[0], y[0]));
	assert_true(sw_rd_in_nl(x[2], y[2]));

	x[1] = 4.66;
	y[1] = 95.0;
	assert_int_equal(sw_crs_trans(c, x + 1, y + 1, 1, NULL, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "point 0"));
	sw_crs_free(c);
}

static void trans_rejects_non_finite_input_untouched(void **state)
{
	struct sw_crs *c = NULL;
	struct sw_error err = {0};
	double x[2] = {105000, NAN}, y[2] = {425000, 425000};

	(void)state;
	assert_int_equal(sw_crs_new(SW_CRS_RD, SW_CRS_WGS84, &c, &err), SW_OK);
	assert_int_equal(sw_crs_trans(c, x, y, 2, NULL, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "point 1"));
	assert_true(x[0] == 105000 && y[0] == 425000);
	sw_crs_free(c);
}

static void operation_and_accuracy_are_reported(void **state)
{
	struct sw_crs *c = NULL;
	struct sw_error err = {0};
	double x = REF_X, y = REF_Y;
	const char *op;

	(void)state;
	assert_int_equal(sw_crs_new(SW_CRS_RD, SW_CRS_WGS84, &c, &err), SW_OK);
	assert_null(sw_crs_operation(c));
	assert_true(sw_crs_accuracy(c) == -1);
	assert_int_equal(sw_crs_trans(c, &x, &y, 1, NULL, &err), SW_OK);
	op = sw_crs_operation(c);
	assert_non_null(op);
	assert_non_null(strstr(op, "Amersfoort"));
	/* no RDNAPTRANS grid on Debian: a Helmert transformation of about 1 m */
	assert_true(sw_crs_accuracy(c) > 0.0);
	assert_true(sw_crs_accuracy(c) <= 2.0);
	sw_crs_free(c);
}

static void rd_in_nl_bounds(void **state)
{
	(void)state;
	assert_true(sw_rd_in_nl(REF_X, REF_Y));
	assert_true(sw_rd_in_nl(0, 300000));
	assert_true(sw_rd_in_nl(280000, 625000));
	assert_false(sw_rd_in_nl(-1, 425000));
	assert_false(sw_rd_in_nl(280001, 425000));
	assert_false(sw_rd_in_nl(105000, 299999));
	assert_false(sw_rd_in_nl(105000, 625001));
	assert_false(sw_rd_in_nl(NAN, 425000));
	/* lon/lat given where RD was expected */
	assert_false(sw_rd_in_nl(REF_LON, REF_LAT));
}

static void wgs84_in_nl_bounds(void **state)
{
	(void)state;
	assert_true(sw_wgs84_in_nl(REF_LON, REF_LAT));
	assert_false(sw_wgs84_in_nl(REF_LAT, REF_LON)); /* swapped axes */
	assert_false(sw_wgs84_in_nl(3.1, 52));
	assert_false(sw_wgs84_in_nl(7.4, 52));
	assert_false(sw_wgs84_in_nl(5, 50.6));
	assert_false(sw_wgs84_in_nl(5, 53.7));
	assert_false(sw_wgs84_in_nl(NAN, 52));
}

static void esri_wkt_of_rd_names_amersfoort(void **state)
{
	struct sw_error err = {0};
	char *wkt = NULL;

	(void)state;
	assert_int_equal(sw_crs_esri_wkt(SW_CRS_RD, &wkt, &err), SW_OK);
	assert_non_null(wkt);
	assert_true(strncmp(wkt, "PROJCS[\"RD_New\"", 15) == 0);
	assert_non_null(strstr(wkt, "GCS_Amersfoort"));
	assert_null(strchr(wkt, '\n'));
	free(wkt);
	assert_int_equal(sw_crs_esri_wkt("EPSG:99999999", &wkt, &err), SW_ERR_INPUT);
	assert_null(wkt);
}

static void identify_esri_prj_as_epsg(void **state)
{
	struct sw_error err = {0};
	char *wkt = NULL, *id = NULL;

	(void)state;
	assert_int_equal(sw_crs_esri_wkt(SW_CRS_RD, &wkt, &err), SW_OK);
	assert_int_equal(sw_crs_identify(wkt, &id, &err), SW_OK);
	assert_string_equal(id, "EPSG:28992");
	free(id);
	free(wkt);
	assert_int_equal(sw_crs_esri_wkt(SW_CRS_WGS84, &wkt, &err), SW_OK);
	assert_int_equal(sw_crs_identify(wkt, &id, &err), SW_OK);
	assert_string_equal(id, "EPSG:4326");
	free(id);
	free(wkt);
}

static void identify_rejects_garbage(void **state)
{
	struct sw_error err = {0};
	char *id = NULL;

	(void)state;
	assert_int_equal(sw_crs_identify("PROJCS[\"broken\",", &id, &err), SW_ERR_INPUT);
	assert_null(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rd_to_wgs84_matches_reference),
	    cmocka_unit_test(wgs84_to_rd_matches_reference),
	    cmocka_unit_test(round_trip_many_points_in_batches),
	    cmocka_unit_test(open_rejects_nonsense_crs),
	    cmocka_unit_test(trans_reports_failed_point_by_index),
	    cmocka_unit_test(trans_rejects_non_finite_input_untouched),
	    cmocka_unit_test(operation_and_accuracy_are_reported),
	    cmocka_unit_test(rd_in_nl_bounds),
	    cmocka_unit_test(wgs84_in_nl_bounds),
	    cmocka_unit_test(esri_wkt_of_rd_names_amersfoort),
	    cmocka_unit_test(identify_esri_prj_as_epsg),
	    cmocka_unit_test(identify_rejects_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
