/* test_gpkg_geom.c - GeoPackage geometry blobs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "../../src/store/gpkg_geom.h"

static void point_blob_has_header_and_wkb(void **state)
{
	unsigned char b[SW_GPKG_POINT_BLOB_LEN];
	/* 'G','P', version 0, flags little-endian, srs 28992 = 0x7140 LE,
	 * WKB: byte order 1, type 1, x = 1.0, y = 2.0 */
	static const unsigned char want[SW_GPKG_POINT_BLOB_LEN] = {
	    'G', 'P', 0, 0x01, 0x40, 0x71, 0, 0, 1, 1, 0, 0, 0, 0,   0,
	    0,   0,   0, 0,    0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40};

	(void)state;
	assert_int_equal(sw_gpkg_geom_point(1.0, 2.0, 28992, b), SW_GPKG_POINT_BLOB_LEN);
	assert_memory_equal(b, want, sizeof want);
}

static void point_round_trips(void **state)
{
	unsigned char b[SW_GPKG_POINT_BLOB_LEN];
	struct sw_gpkg_geom g;
	struct sw_error err = {0};

	(void)state;
	sw_gpkg_geom_point(104897.123, 425327.987, 28992, b);
	assert_int_equal(sw_gpkg_geom_decode(b, sizeof b, &g, &err), SW_OK);
	assert_int_equal(g.srs_id, 28992);
	assert_int_equal(g.wkb_type, 1);
	assert_false(g.empty);
	assert_true(g.x == 104897.123 && g.y == 425327.987);
	assert_true(g.minx == g.x && g.maxx == g.x && g.miny == g.y && g.maxy == g.y);
}

static void nan_point_is_empty(void **state)
{
	unsigned char b[SW_GPKG_POINT_BLOB_LEN];
	struct sw_gpkg_geom g;

	(void)state;
	sw_gpkg_geom_point(NAN, NAN, 28992, b);
	assert_true(b[3] & 0x10);
	assert_int_equal(sw_gpkg_geom_decode(b, sizeof b, &g, NULL), SW_OK);
	assert_true(g.empty);
	assert_true(isnan(g.minx));
}

static void decodes_big_endian_linestring_with_envelope(void **state)
{
	/* header big-endian (flags bit 0 clear), envelope type 1 */
	unsigned char b[8 + 32 + 1 + 4 + 4 + 2 * 16];
	struct sw_gpkg_geom g;
	size_t o = 0;
	double env[4] = {1, 5, 2, 6};
	double pts[4] = {1, 2, 5, 6};
	uint64_t u;

	(void)state;
	b[o++] = 'G';
	b[o++] = 'P';
	b[o++] = 0;
	b[o++] = 0x02;
	b[o++] = 0;
	b[o++] = 0;
	b[o++] = 0x10;
	b[o++] = 0xE6; /* 4326 */
	for (int i = 0; i < 4; i++) {
		memcpy(&u, &env[i], 8);
		for (int k = 7; k >= 0; k--)
			b[o++] = (unsigned char)(u >> (8 * k));
	}
	b[o++] = 0; /* WKB big-endian */
	b[o++] = 0;
	b[o++] = 0;
	b[o++] = 0;
	b[o++] = 2;
	b[o++] = 0;
	b[o++] = 0;
	b[o++] = 0;
	b[o++] = 2;
	for (int i = 0; i < 4; i++) {
		memcpy(&u, &pts[i], 8);
		for (int k = 7; k >= 0; k--)
			b[o++] = (unsigned char)(u >> (8 * k));
	}
	assert_int_equal(o, sizeof b);
	assert_int_equal(sw_gpkg_geom_decode(b, sizeof b, &g, NULL), SW_OK);
	assert_int_equal(g.srs_id, 4326);
	assert_int_equal(g.wkb_type, 2);
	assert_true(g.minx == 1 && g.maxx == 5 && g.miny == 2 && g.maxy == 6);
}

/* Little-endian WKB writer for the tests. */
struct wb {
	unsigned char b[512];
	size_t n;
};

static void wb_u8(struct wb *w, unsigned v)
{
	w->b[w->n++] = (unsigned char)v;
}

static void wb_u32(struct wb *w, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		wb_u8(w, (v >> (8 * i)) & 0xffu);
}

static void wb_f64(struct wb *w, double d)
{
	uint64_t u;

	memcpy(&u, &d, 8);
	for (int i = 0; i < 8; i++)
		wb_u8(w, (unsigned)(u >> (8 * i)) & 0xffu);
}

static void decodes_bbox_of_nested_collection(void **state)
{
	/* GEOMETRYCOLLECTION(POLYGON Z((0 0 9, 4 0 9, 4 3 9, 0 0 9)),
	 *                    MULTIPOINT((-2 7), (5 -1))) */
	struct wb w = {.n = 0};
	struct sw_gpkg_geom g;
	struct sw_error err = {0};
	static const double ring[4][3] = {{0, 0, 9}, {4, 0, 9}, {4, 3, 9}, {0, 0, 9}};

	(void)state;
	wb_u8(&w, 'G');
	wb_u8(&w, 'P');
	wb_u8(&w, 0);
	wb_u8(&w, 1);
	wb_u32(&w, 28992);
	wb_u8(&w, 1);
	wb_u32(&w, 7);
	wb_u32(&w, 2);
	wb_u8(&w, 1);
	wb_u32(&w, 1003);
	wb_u32(&w, 1);
	wb_u32(&w, 4);
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 3; k++)
			wb_f64(&w, ring[i][k]);
	wb_u8(&w, 1);
	wb_u32(&w, 4);
	wb_u32(&w, 2);
	wb_u8(&w, 1);
	wb_u32(&w, 1);
	wb_f64(&w, -2);
	wb_f64(&w, 7);
	wb_u8(&w, 1);
	wb_u32(&w, 1);
	wb_f64(&w, 5);
	wb_f64(&w, -1);
	assert_int_equal(sw_gpkg_geom_decode(w.b, w.n, &g, &err), SW_OK);
	assert_int_equal(g.wkb_type, 7);
	assert_false(g.empty);
	assert_true(g.minx == -2 && g.maxx == 5 && g.miny == -1 && g.maxy == 7);
	/* one byte short anywhere inside fails */
	assert_int_equal(sw_gpkg_geom_decode(w.b, w.n - 1, &g, &err), SW_ERR_INPUT);
}

static void rejects_bad_magic(void **state)
{
	unsigned char b[SW_GPKG_POINT_BLOB_LEN];
	struct sw_gpkg_geom g;
	struct sw_error err = {0};

	(void)state;
	sw_gpkg_geom_point(1, 2, 28992, b);
	b[0] = 'X';
	assert_int_equal(sw_gpkg_geom_decode(b, sizeof b, &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "GP"));
}

static void rejects_every_truncation(void **state)
{
	unsigned char b[SW_GPKG_POINT_BLOB_LEN];
	struct sw_gpkg_geom g;

	(void)state;
	sw_gpkg_geom_point(1, 2, 28992, b);
	for (size_t n = 0; n < sizeof b; n++)
		assert_int_equal(sw_gpkg_geom_decode(b, n, &g, NULL), SW_ERR_INPUT);
}

static void rejects_huge_counts(void **state)
{
	/* a linestring claiming 2^31 points in a tiny blob */
	unsigned char b[8 + 9 + 16] = {'G', 'P', 0, 1, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0x80};
	struct sw_gpkg_geom g;

	(void)state;
	assert_int_equal(sw_gpkg_geom_decode(b, sizeof b, &g, NULL), SW_ERR_INPUT);
}

static void rejects_unknown_version_and_envelope(void **state)
{
	unsigned char b[SW_GPKG_POINT_BLOB_LEN];
	struct sw_gpkg_geom g;

	(void)state;
	sw_gpkg_geom_point(1, 2, 28992, b);
	b[2] = 1;
	assert_int_equal(sw_gpkg_geom_decode(b, sizeof b, &g, NULL), SW_ERR_INPUT);
	b[2] = 0;
	b[3] = 0x01 | (5 << 1);
	assert_int_equal(sw_gpkg_geom_decode(b, sizeof b, &g, NULL), SW_ERR_INPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(point_blob_has_header_and_wkb),
	    cmocka_unit_test(point_round_trips),
	    cmocka_unit_test(nan_point_is_empty),
	    cmocka_unit_test(decodes_big_endian_linestring_with_envelope),
	    cmocka_unit_test(decodes_bbox_of_nested_collection),
	    cmocka_unit_test(rejects_bad_magic),
	    cmocka_unit_test(rejects_every_truncation),
	    cmocka_unit_test(rejects_huge_counts),
	    cmocka_unit_test(rejects_unknown_version_and_envelope),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
