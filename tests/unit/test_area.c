/* test_area.c - named areas from gis/areas.shp: loading, lookup, other CRS
 * and encodings, and broken files. Fixtures are made with ogr2ogr (GDAL), an
 * independent writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/area.h"
#include "test_support.h"

#define GISDIR SW_TEST_DATA "/../../gis"

static char dir[512];

static int setup(void **state)
{
	const char *t = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof dir, "%s/test_area.XXXXXX", t != NULL ? t : "/tmp");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void shipped_areas_load_with_labels(void **state)
{
	struct sw_areas *a = NULL;
	struct sw_error err = {0};
	const struct sw_area *b;

	(void)state;
	assert_int_equal(sw_area_load_dir(GISDIR, &a, &err), SW_OK);
	assert_true(a->n >= 5);
	b = sw_area_find(a, "binnenstad", &err);
	assert_non_null(b);
	assert_string_equal(b->label_nl, "Binnenstad");
	assert_string_equal(sw_area_label(b, "en"), b->label_en);
	assert_string_equal(sw_area_label(b, NULL), b->label_nl);
	/* the Grote Kerk (GUIDE.md: RD 104897, 425327) is in the binnenstad */
	assert_true(sw_polygon_contains(b->poly, 104897, 425327));
	assert_false(sw_polygon_contains(b->poly, 105536, 424120)); /* Weizigtpark */
	assert_true(b->poly->minx < 104897 && b->poly->maxx > 104897);
	assert_non_null(sw_area_find(a, "buitengebied", &err));
	assert_non_null(sw_area_find(a, "dordt-west", &err));
	sw_area_free(a);
}

static void find_ignores_case_and_lists_valid_names(void **state)
{
	struct sw_areas *a = NULL;
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(sw_area_load_dir(GISDIR, &a, &err), SW_OK);
	assert_ptr_equal(sw_area_find(a, "BinnenStad", &err), &a->items[0]);
	assert_null(sw_area_find(a, "binnenstadt", &err));
	assert_int_equal(err.code, SW_ERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "binnenstadt"));
	for (size_t i = 0; i < a->n; i++)
		assert_non_null(strstr(err.msg, a->items[i].name));
	sw_area_free(a);
}

/* The same areas reprojected to WGS84 by GDAL load back to (almost) the same
 * RD polygons: same names, same point answers away from the edges, areas and
 * bounding boxes within the PROJ round trip. */
static void a_wgs84_copy_gives_the_same_areas(void **state)
{
	struct sw_areas *rd = NULL, *wgs = NULL;
	struct sw_error err = {0};
	char path[600];

	(void)state;
	run("ogr2ogr -f 'ESRI Shapefile' -t_srs EPSG:4326 -lco ENCODING=UTF-8 '%s/wgs.shp' "
	    "'%s/areas.shp'",
	    dir, GISDIR);
	snprintf(path, sizeof path, "%s/wgs.shp", dir);
	assert_int_equal(sw_area_load_dir(GISDIR, &rd, &err), SW_OK);
	if (sw_area_load(path, &wgs, &err) != SW_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(rd->n, wgs->n);
	for (size_t i = 0; i < rd->n; i++) {
		const struct sw_polygon *p = rd->items[i].poly, *q = wgs->items[i].poly;
		int agree = 0, total = 0;

		assert_string_equal(rd->items[i].name, wgs->items[i].name);
		assert_string_equal(rd->items[i].label_en, wgs->items[i].label_en);
		assert_true(fabs(p->minx - q->minx) < 0.01 && fabs(p->maxy - q->maxy) < 0.01);
		assert_true(fabs(sw_polygon_area(p) - sw_polygon_area(q)) < 1e-6 * sw_polygon_area(p));
		/* a 40 x 40 grid over the bbox */
		for (int gx = 0; gx < 40; gx++)
			for (int gy = 0; gy < 40; gy++) {
				double x = p->minx + (p->maxx - p->minx) * (gx + 0.5) / 40;
				double y = p->miny + (p->maxy - p->miny) * (gy + 0.5) / 40;
				agree += sw_polygon_contains(p, x, y) == sw_polygon_contains(q, x, y);
				total++;
			}
		assert_int_equal(agree, total);
	}
	sw_area_free(rd);
	sw_area_free(wgs);
}

/* A multipolygon with a hole, Latin-1 texts named by the .cpg. */
static void multipart_hole_and_latin1_labels(void **state)
{
	struct sw_areas *a = NULL;
	struct sw_error err = {0};
	const struct sw_area *m;
	char src[600], shp[600];

	(void)state;
	snprintf(src, sizeof src, "%s/multi.geojson", dir);
	snprintf(shp, sizeof shp, "%s/multi.shp", dir);
	write_file(src, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
			"{\"name\":\"urn:ogc:def:crs:EPSG::28992\"}},\"features\":["
			"{\"type\":\"Feature\",\"properties\":{\"name\":\"Markt\",\"label_nl\":"
			"\"Café Zoë\",\"label_en\":\"\"},\"geometry\":{\"type\":\"MultiPolygon\","
			"\"coordinates\":[[[[0,0],[100,0],[100,100],[0,100],[0,0]],"
			"[[40,40],[60,40],[60,60],[40,60],[40,40]]],"
			"[[[200,0],[210,0],[210,10],[200,10],[200,0]]]]}}]}");
	run("ogr2ogr -f 'ESRI Shapefile' -lco ENCODING=ISO-8859-1 '%s' '%s'", shp, src);
	if (sw_area_load(shp, &a, &err) != SW_OK)
		fail_msg("%s", err.msg);
	m = sw_area_find(a, "markt", &err);
	assert_non_null(m);
	assert_string_equal(m->label_nl, "Café Zoë");
	assert_string_equal(m->label_en, "Café Zoë"); /* empty: the Dutch one */
	assert_int_equal(m->poly->nrings, 3);
	assert_true(sw_polygon_contains(m->poly, 10, 10));
	assert_false(sw_polygon_contains(m->poly, 50, 50));
	assert_true(sw_polygon_contains(m->poly, 40, 50));
	assert_true(sw_polygon_contains(m->poly, 205, 5));
	assert_false(sw_polygon_contains(m->poly, 150, 5));
	assert_true(fabs(sw_polygon_area(m->poly) - (10000 - 400 + 100)) < 1e-6);
	sw_area_free(a);
}

static void expect_load_error(const char *path, enum sw_status code, const char *needle)
{
	struct sw_areas *a = NULL;
	struct sw_error err = {0};

	assert_int_equal(sw_area_load(path, &a, &err), code);
	assert_null(a);
	print_message("  %s\n", err.msg);
	if (strstr(err.msg, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", err.msg, needle);
}

static void broken_files_fail_naming_the_file(void **state)
{
	char path[600], src[600];

	(void)state;
	snprintf(path, sizeof path, "%s/none.shp", dir);
	expect_load_error(path, SW_ERR_NOTFOUND, "none.shp");

	/* a truncated .shp */
	run("cp '%s/areas.shp' '%s/trunc.shp' && cp '%s/areas.shx' '%s/trunc.shx' && "
	    "cp '%s/areas.dbf' '%s/trunc.dbf' && cp '%s/areas.prj' '%s/trunc.prj' && "
	    "truncate -s 300 '%s/trunc.shp'",
	    GISDIR, dir, GISDIR, dir, GISDIR, dir, GISDIR, dir, dir);
	snprintf(path, sizeof path, "%s/trunc.shp", dir);
	expect_load_error(path, SW_ERR_INPUT, "trunc.shp");

	/* garbage where the .shp should be */
	run("cp '%s/trunc.dbf' '%s/junk.dbf' && cp '%s/trunc.shx' '%s/junk.shx' && "
	    "echo 'not a shapefile' > '%s/junk.shp'",
	    dir, dir, dir, dir, dir);
	snprintf(path, sizeof path, "%s/junk.shp", dir);
	expect_load_error(path, SW_ERR_INPUT, "junk.shp");

	/* no .prj */
	run("cd '%s' && for e in shp shx dbf; do cp '%s/areas.'$e noprj.$e; done", dir, GISDIR);
	snprintf(path, sizeof path, "%s/noprj.shp", dir);
	expect_load_error(path, SW_ERR_INPUT, "noprj.prj");

	/* points, not polygons */
	snprintf(src, sizeof src, "%s/pts.geojson", dir);
	write_file(src, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
			"\"properties\":{\"name\":\"a\"},\"geometry\":{\"type\":\"Point\","
			"\"coordinates\":[4.66,51.81]}}]}");
	run("ogr2ogr -f 'ESRI Shapefile' '%s/pts.shp' '%s'", dir, src);
	snprintf(path, sizeof path, "%s/pts.shp", dir);
	expect_load_error(path, SW_ERR_INPUT, "expected polygons");

	/* no name field; duplicate names */
	snprintf(src, sizeof src, "%s/noname.geojson", dir);
	write_file(src, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
			"\"properties\":{\"naam\":\"a\"},\"geometry\":{\"type\":\"Polygon\","
			"\"coordinates\":[[[4.66,51.81],[4.67,51.81],[4.67,51.82],[4.66,51.81]]]}}]}");
	run("ogr2ogr -f 'ESRI Shapefile' '%s/noname.shp' '%s'", dir, src);
	snprintf(path, sizeof path, "%s/noname.shp", dir);
	expect_load_error(path, SW_ERR_INPUT, "'name'");
	snprintf(src, sizeof src, "%s/dup.geojson", dir);
	write_file(src, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
			"\"properties\":{\"name\":\"Oost\"},\"geometry\":{\"type\":\"Polygon\","
			"\"coordinates\":[[[4.66,51.81],[4.67,51.81],[4.67,51.82],[4.66,51.81]]]}},"
			"{\"type\":\"Feature\",\"properties\":{\"name\":\"oost\"},\"geometry\":"
			"{\"type\":\"Polygon\",\"coordinates\":[[[4.66,51.81],[4.67,51.81],"
			"[4.67,51.82],[4.66,51.81]]]}}]}");
	run("ogr2ogr -f 'ESRI Shapefile' '%s/dup.shp' '%s'", dir, src);
	snprintf(path, sizeof path, "%s/dup.shp", dir);
	expect_load_error(path, SW_ERR_INPUT, "record 2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shipped_areas_load_with_labels),
	    cmocka_unit_test(find_ignores_case_and_lists_valid_names),
	    cmocka_unit_test(a_wgs84_copy_gives_the_same_areas),
	    cmocka_unit_test(multipart_hole_and_latin1_labels),
	    cmocka_unit_test(broken_files_fail_naming_the_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
