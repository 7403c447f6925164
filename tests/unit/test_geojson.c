/* test_geojson.c - GeoJSON reader and writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schouw/form.h"
#include "schouw/geojson.h"
#include "schouw/point.h"

#define DATA SW_TEST_DATA "/geojson/"
#define MAXREC 8
#define MAXKV 32

/* Copies of the records a read produced. */
struct got {
	size_t n;
	long pos[MAXREC];
	double x[MAXREC], y[MAXREC];
	char *crs[MAXREC];
	size_t nkv[MAXREC];
	char *keys[MAXREC][MAXKV];
	char *vals[MAXREC][MAXKV]; /* NULL for empty */
};

static char *dup_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? strdup(s) : NULL;
}

static enum sw_status collect(const struct sw_record *r, void *ud, struct sw_error *err)
{
	struct got *g = ud;
	size_t i = g->n;

	(void)err;
	if (i == MAXREC)
		return SW_OK;
	g->pos[i] = r->pos;
	g->x[i] = r->x;
	g->y[i] = r->y;
	g->crs[i] = dup_or_null(r->crs);
	g->nkv[i] = r->n < MAXKV ? r->n : MAXKV;
	for (size_t k = 0; k < g->nkv[i]; k++) {
		g->keys[i][k] = strdup(r->keys[k]);
		g->vals[i][k] = dup_or_null(r->vals[k]);
	}
	g->n++;
	return SW_OK;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->crs[i]);
		for (size_t k = 0; k < g->nkv[i]; k++) {
			free(g->keys[i][k]);
			free(g->vals[i][k]);
		}
	}
	memset(g, 0, sizeof *g);
}

/* Value of key in record i; "(absent)" when the record lacks it. */
static const char *val(const struct got *g, size_t i, const char *key)
{
	for (size_t k = 0; k < g->nkv[i]; k++)
		if (strcmp(g->keys[i][k], key) == 0)
			return g->vals[i][k] != NULL ? g->vals[i][k] : "";
	return "(absent)";
}

static enum sw_status read_file(const char *name, struct got *g, struct sw_error *err)
{
	char path[512];

	snprintf(path, sizeof path, "%s%s", DATA, name);
	memset(g, 0, sizeof *g);
	return sw_geojson_read(path, NULL, collect, g, err);
}

static void tmp_path(char *buf, size_t len, const char *name)
{
	const char *dir = getenv("TMPDIR");

	snprintf(buf, len, "%s/test_geojson_%ld_%s", dir != NULL ? dir : "/tmp", (long)getpid(),
	         name);
}

/* ---- reader ---- */

static void reads_points_with_lon_lat_and_feature_index(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("points.geojson", &g, &err), SW_OK);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.pos[0], 1);
	assert_int_equal(g.pos[2], 3);
	assert_true(g.x[0] == 4.6606029 && g.y[0] == 51.8143125);
	assert_string_equal(g.crs[0], "EPSG:4326");
	got_free(&g);
}

static void accepts_multipoint_with_one_point(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("points.geojson", &g, &err), SW_OK);
	assert_true(g.x[1] == 4.67833 && g.y[1] == 51.79583);
	got_free(&g);
}

static void renders_property_values_as_text(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("points.geojson", &g, &err), SW_OK);
	assert_string_equal(val(&g, 0, "running_slope_pct"), "8.1");
	assert_string_equal(val(&g, 0, "width_m"), "1");
	assert_string_equal(val(&g, 0, "tactile_paving"), "true");
	assert_string_equal(val(&g, 1, "tactile_paving"), "false");
	assert_string_equal(val(&g, 0, "surface"), "");
	assert_int_equal(g.nkv[2], 0);
	got_free(&g);
}

static void keeps_utf8_names_intact(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("points.geojson", &g, &err), SW_OK);
	assert_string_equal(val(&g, 0, "note"), "M\xc3\xbcller");
	assert_string_equal(val(&g, 1, "note"), "Jos\xc3\xa9 Garc\xc3\xad"
	                                        "a");
	got_free(&g);
}

static void map_renames_and_drops_properties(void **state)
{
	const char *src[] = {"note", "surface"};
	const char *dst[] = {"remark", "-"};
	struct sw_read_opts o = {.map_src = src, .map_dst = dst, .nmap = 2};
	struct sw_error err = {0};
	struct got g = {0};

	(void)state;
	assert_int_equal(sw_geojson_read(DATA "points.geojson", &o, collect, &g, &err), SW_OK);
	assert_string_equal(val(&g, 0, "remark"), "M\xc3\xbcller");
	assert_string_equal(val(&g, 0, "surface"), "(absent)");
	assert_string_equal(val(&g, 0, "note"), "(absent)");
	got_free(&g);
}

static void honours_legacy_rd_crs_member(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("legacy_crs_rd.geojson", &g, &err), SW_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.crs[0], "EPSG:28992");
	assert_true(g.x[0] == 104897.25 && g.y[0] == 425327.5);
	got_free(&g);
}

static void honours_legacy_crs_given_as_uri(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("legacy_crs_uri.geojson", &g, &err), SW_OK);
	assert_string_equal(g.crs[0], "EPSG:28992");
	got_free(&g);
}

static void rejects_crs_member_after_the_features(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("crs_after_features.geojson", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "crs_after_features.geojson:3:"));
	got_free(&g);
}

static void rejects_linestring_naming_the_feature(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("linestring.geojson", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "linestring.geojson: feature 2:"));
	assert_non_null(strstr(err.msg, "LineString"));
	got_free(&g);
}

static void rejects_multipoint_of_two_points(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("multipoint_two.geojson", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "feature 1:"));
	assert_non_null(strstr(err.msg, "MultiPoint"));
	got_free(&g);
}

static void rejects_out_of_range_coordinates_naming_the_feature(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("out_of_range.geojson", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "feature 3:"));
	assert_non_null(strstr(err.msg, "out of range"));
	got_free(&g);
}

static void rejects_invalid_utf8_with_line(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("bad_utf8.geojson", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "bad_utf8.geojson:3:"));
	got_free(&g);
}

static void rejects_syntax_error_with_line(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("syntax.geojson", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "syntax.geojson:3:"));
	got_free(&g);
}

static void rejects_nested_property_by_name(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("nested.geojson", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "feature 1:"));
	assert_non_null(strstr(err.msg, "\"photos\""));
	got_free(&g);
}

static void reads_a_lone_feature(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("lone_feature.geojson", &g, &err), SW_OK);
	assert_int_equal(g.n, 1);
	assert_true(g.x[0] == 4.66 && g.y[0] == 51.81);
	got_free(&g);
}

static void reads_a_bare_geometry_as_a_feature_without_properties(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("bare_point.geojson", &g, &err), SW_OK);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.nkv[0], 0);
	assert_true(g.x[0] == 4.6606 && g.y[0] == 51.8143);
	got_free(&g);
}

static void reads_rfc8142_text_sequences(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("seq_rs.geojsons", &g, &err), SW_OK);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.pos[1], 2);
	assert_string_equal(val(&g, 1, "status"), "gerealiseerd");
	got_free(&g);
}

static void reads_one_feature_per_line(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("lines.geojsonl", &g, &err), SW_OK);
	assert_int_equal(g.n, 3);
	assert_true(g.x[2] == 4.6618);
	got_free(&g);
}

static void rejects_what_is_no_geojson_type(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("topology.geojson", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "FeatureCollection, Feature or a geometry"));
	assert_non_null(strstr(err.msg, ":1:1:"));
	assert_int_equal(g.n, 0);
	got_free(&g);
}

static void rejects_null_geometry(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("null_geometry.geojson", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "feature 1:"));
	got_free(&g);
}

static void refuses_an_encoding_other_than_utf8(void **state)
{
	struct sw_read_opts o = {.encoding = "ISO-8859-1"};
	struct sw_error err = {0};
	struct got g = {0};

	(void)state;
	assert_int_equal(sw_geojson_read(DATA "points.geojson", &o, collect, &g, &err),
	                 SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "UTF-8"));
	assert_int_equal(g.n, 0);
}

static void crs_option_overrides_the_file(void **state)
{
	struct sw_read_opts o = {.crs = "EPSG:28992"};
	struct sw_error err = {0};
	struct got g = {0};

	(void)state;
	assert_int_equal(sw_geojson_read(DATA "points.geojson", &o, collect, &g, &err), SW_OK);
	assert_string_equal(g.crs[0], "EPSG:28992");
	got_free(&g);
}

static void missing_file_is_not_found(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("no_such.geojson", &g, &err), SW_ERR_NOTFOUND);
	got_free(&g);
}

/* ---- writer ---- */

static struct sw_forms *forms(void)
{
	struct sw_forms *f = NULL;
	struct sw_error err = {0};
	const char *dir = getenv("SCHOUW_DATA");

	assert_int_equal(sw_forms_load(dir != NULL ? dir : SW_SOURCE_DATADIR, &f, &err), SW_OK);
	return f;
}

static void demo_point(struct sw_point *p, const char *note)
{
	struct sw_error err = {0};
	struct sw_value slope = {.t = SW_V_REAL, .r = 8.1};
	struct sw_value tactile = {.t = SW_V_INT, .i = 1};

	sw_point_init(p);
	p->id = 7;
	snprintf(p->uuid, sizeof p->uuid, "%s", "0b6c1a7e-4d1f-4b5e-9a3c-2f1e0d9c8b7a");
	assert_int_equal(sw_point_set_str(&p->type, "kerb_ramp", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->status, "planned", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->surveyor, "Zo\xc3\xab", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->note, note, &err), SW_OK);
	p->x = 105000.0;
	p->y = 425000.0;
	p->gps_accuracy_m = 2.5;
	assert_int_equal(sw_point_set_attr(p, "running_slope_pct", &slope, &err), SW_OK);
	assert_int_equal(sw_point_set_attr(p, "tactile_warning", &tactile, &err), SW_OK);
}

static char *write_one(const char *name, const struct sw_export_opts *o, const char *note)
{
	char path[512];
	struct sw_geojson_writer *w = NULL;
	struct sw_error err = {0};
	struct sw_point p;

	tmp_path(path, sizeof path, name);
	demo_point(&p, note);
	assert_int_equal(sw_geojson_writer_open(path, o, &w, &err), SW_OK);
	assert_int_equal(sw_geojson_writer_add(w, &p, &err), SW_OK);
	assert_int_equal(sw_geojson_writer_count(w), 1);
	assert_int_equal(sw_geojson_writer_close(w, true, &err), SW_OK);
	sw_point_clear(&p);
	return strdup(path);
}

static void writer_output_reads_back(void **state)
{
	struct sw_forms *f = forms();
	struct sw_export_opts o = {.forms = f};
	struct sw_error err = {0};
	struct got g = {0};
	char *path;

	(void)state;
	path = write_one("readback.geojson", &o, "Bj\xc3\xb6rn \xc3\x85ngstr\xc3\xb6m");
	assert_int_equal(sw_geojson_read(path, NULL, collect, &g, &err), SW_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(val(&g, 0, "id"), "7");
	assert_string_equal(val(&g, 0, "uuid"), "0b6c1a7e-4d1f-4b5e-9a3c-2f1e0d9c8b7a");
	assert_string_equal(val(&g, 0, "note"), "Bj\xc3\xb6rn \xc3\x85ngstr\xc3\xb6m");
	assert_string_equal(val(&g, 0, "surveyor"), "Zo\xc3\xab");
	assert_string_equal(val(&g, 0, "running_slope_pct"), "8.1");
	assert_string_equal(val(&g, 0, "tactile_warning"), "true");
	assert_string_equal(val(&g, 0, "gps_accuracy_m"), "2.5");
	/* every field of the point's form is there, null when not measured */
	assert_string_equal(val(&g, 0, "width_m"), "");
	/* fields of other forms are not */
	assert_string_equal(val(&g, 0, "orientation"), "(absent)");
	got_free(&g);
	unlink(path);
	free(path);
	sw_forms_free(f);
}

static void writer_transforms_rd_to_lon_lat(void **state)
{
	struct sw_error err = {0};
	struct got g = {0};
	char *path;

	(void)state;
	path = write_one("lonlat.geojson", NULL, "x");
	assert_int_equal(sw_geojson_read(path, NULL, collect, &g, &err), SW_OK);
	/* reference from the guide: RD (105000, 425000) -> 4.662143718, 51.811382782 */
	assert_true(fabs(g.x[0] - 4.662143718) < 1e-8);
	assert_true(fabs(g.y[0] - 51.811382782) < 1e-8);
	got_free(&g);
	unlink(path);
	free(path);
}

static void writer_uses_nine_decimals_and_no_crs_member(void **state)
{
	char *path, *text;

	(void)state;
	path = write_one("decimals.geojson", NULL, "x");
	text = sw_test_slurp(path);
	assert_non_null(strstr(text, "\"coordinates\":[4.662143718,51.811382782]"));
	assert_null(strstr(text, "\"crs\""));
	assert_non_null(strstr(text, "\"type\":\"FeatureCollection\""));
	free(text);
	unlink(path);
	free(path);
}

static void writer_leaves_surveyor_out_when_anonymized(void **state)
{
	struct sw_export_opts o = {.anonymize = true};
	char *path, *text;

	(void)state;
	path = write_one("anon.geojson", &o, "x");
	text = sw_test_slurp(path);
	assert_null(strstr(text, "surveyor"));
	assert_null(strstr(text, "Zo\xc3\xab"));
	free(text);
	unlink(path);
	free(path);
}

static void writer_without_commit_leaves_no_file(void **state)
{
	char path[512];
	struct sw_geojson_writer *w = NULL;
	struct sw_error err = {0};
	struct sw_point p;

	(void)state;
	tmp_path(path, sizeof path, "rollback.geojson");
	unlink(path);
	demo_point(&p, "x");
	assert_int_equal(sw_geojson_writer_open(path, NULL, &w, &err), SW_OK);
	assert_int_equal(sw_geojson_writer_add(w, &p, &err), SW_OK);
	assert_int_equal(sw_geojson_writer_close(w, false, &err), SW_OK);
	assert_int_equal(access(path, F_OK), -1);
	sw_point_clear(&p);
	assert_int_equal(sw_geojson_writer_close(NULL, true, &err), SW_OK);
}

static void writer_streams_many_points_in_order(void **state)
{
	char path[512];
	struct sw_geojson_writer *w = NULL;
	struct sw_error err = {0};
	struct sw_point p;
	struct got g = {0};
	const long n = 1500; /* several batches */

	(void)state;
	tmp_path(path, sizeof path, "many.geojson");
	demo_point(&p, "x");
	assert_int_equal(sw_geojson_writer_open(path, NULL, &w, &err), SW_OK);
	for (long i = 1; i <= n; i++) {
		p.id = i;
		p.x = 100000.0 + (double)i;
		assert_int_equal(sw_geojson_writer_add(w, &p, &err), SW_OK);
	}
	assert_int_equal(sw_geojson_writer_close(w, true, &err), SW_OK);
	assert_int_equal(sw_geojson_read(path, NULL, collect, &g, &err), SW_OK);
	assert_string_equal(val(&g, 0, "id"), "1");
	assert_string_equal(val(&g, MAXREC - 1, "id"), "8");
	assert_true(g.x[1] > g.x[0]);
	got_free(&g);
	sw_point_clear(&p);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_points_with_lon_lat_and_feature_index),
	    cmocka_unit_test(accepts_multipoint_with_one_point),
	    cmocka_unit_test(renders_property_values_as_text),
	    cmocka_unit_test(keeps_utf8_names_intact),
	    cmocka_unit_test(map_renames_and_drops_properties),
	    cmocka_unit_test(honours_legacy_rd_crs_member),
	    cmocka_unit_test(honours_legacy_crs_given_as_uri),
	    cmocka_unit_test(rejects_crs_member_after_the_features),
	    cmocka_unit_test(rejects_linestring_naming_the_feature),
	    cmocka_unit_test(rejects_multipoint_of_two_points),
	    cmocka_unit_test(rejects_out_of_range_coordinates_naming_the_feature),
	    cmocka_unit_test(rejects_invalid_utf8_with_line),
	    cmocka_unit_test(rejects_syntax_error_with_line),
	    cmocka_unit_test(rejects_nested_property_by_name),
	    cmocka_unit_test(reads_a_lone_feature),
	    cmocka_unit_test(reads_a_bare_geometry_as_a_feature_without_properties),
	    cmocka_unit_test(reads_rfc8142_text_sequences),
	    cmocka_unit_test(reads_one_feature_per_line),
	    cmocka_unit_test(rejects_what_is_no_geojson_type),
	    cmocka_unit_test(rejects_null_geometry),
	    cmocka_unit_test(refuses_an_encoding_other_than_utf8),
	    cmocka_unit_test(crs_option_overrides_the_file),
	    cmocka_unit_test(missing_file_is_not_found),
	    cmocka_unit_test(writer_output_reads_back),
	    cmocka_unit_test(writer_transforms_rd_to_lon_lat),
	    cmocka_unit_test(writer_uses_nine_decimals_and_no_crs_member),
	    cmocka_unit_test(writer_leaves_surveyor_out_when_anonymized),
	    cmocka_unit_test(writer_without_commit_leaves_no_file),
	    cmocka_unit_test(writer_streams_many_points_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
