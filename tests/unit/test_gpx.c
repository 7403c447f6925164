/* test_gpx.c - GPX waypoint reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schouw/gpx.h"

#define DATA SW_TEST_DATA "/gpx/"
#define MAXREC 8
#define MAXKV 32

struct got {
	size_t n;
	long pos[MAXREC];
	double x[MAXREC], y[MAXREC];
	char *crs[MAXREC];
	size_t nkv[MAXREC];
	char *keys[MAXREC][MAXKV];
	char *vals[MAXREC][MAXKV];
	int warnings;
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

static enum sw_status stop_at_first(const struct sw_record *r, void *ud, struct sw_error *err)
{
	(void)r;
	(void)ud;
	return sw_error_set(err, SW_ERR_STORE, "stopped");
}

static void count_warning(void *ud, const char *msg)
{
	struct got *g = ud;

	(void)msg;
	g->warnings++;
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
	struct sw_read_opts o = {.warn = count_warning, .warn_ud = g};

	snprintf(path, sizeof path, "%s%s", DATA, name);
	memset(g, 0, sizeof *g);
	return sw_gpx_read(path, &o, collect, g, err);
}

static void reads_waypoints_with_lon_lat_and_line(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("waypoints.gpx", &g, &err), SW_OK);
	assert_int_equal(g.n, 3);
	assert_true(g.x[0] == 4.6606029 && g.y[0] == 51.8143125);
	assert_true(g.x[2] == 180.0 && g.y[2] == -90.0);
	assert_string_equal(g.crs[0], "EPSG:4326");
	assert_int_equal(g.pos[0], 5);
	assert_int_equal(g.pos[1], 17);
	got_free(&g);
}

static void maps_time_hdop_and_type_to_schouw_names(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("waypoints.gpx", &g, &err), SW_OK);
	assert_string_equal(val(&g, 0, "observed_at"), "2026-11-29T10:15:00Z");
	assert_string_equal(val(&g, 0, "gps_accuracy_m"), "3.2");
	assert_string_equal(val(&g, 0, "type"), "kerb_ramp");
	assert_string_equal(val(&g, 0, "ele"), "(absent)");
	got_free(&g);
}

static void joins_name_and_desc_into_note(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("waypoints.gpx", &g, &err), SW_OK);
	assert_string_equal(val(&g, 0, "note"),
	                    "Zo\xc3\xab \xe2\x80\x94 Bj\xc3\xb6rn \xc3\x85ngstr\xc3\xb6m & co");
	assert_string_equal(val(&g, 1, "note"), "Jos\xc3\xa9 Garc\xc3\xad"
	                                        "a");
	assert_string_equal(val(&g, 2, "note"), "only <desc>");
	got_free(&g);
}

static void reads_schouw_extensions_as_fields(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("waypoints.gpx", &g, &err), SW_OK);
	assert_string_equal(val(&g, 0, "status"), "in_progress");
	assert_string_equal(val(&g, 0, "running_slope_pct"), "8.5");
	got_free(&g);
}

static void warns_that_tracks_are_ignored(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("waypoints.gpx", &g, &err), SW_OK);
	assert_int_equal(g.warnings, 1);
	got_free(&g);
}

static void reads_gpx_1_0(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("gpx10.gpx", &g, &err), SW_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(val(&g, 0, "note"), "M\xc3\xbcller");
	assert_string_equal(val(&g, 0, "observed_at"), "2026-11-29T10:15:00+01:00");
	assert_string_equal(val(&g, 0, "width_m"), "1.25");
	got_free(&g);
}

static void map_renames_and_drops_keys(void **state)
{
	const char *src[] = {"note", "gps_accuracy_m"};
	const char *dst[] = {"remark", ""};
	struct sw_read_opts o = {.map_src = src, .map_dst = dst, .nmap = 2};
	struct sw_error err = {0};
	struct got g = {0};

	(void)state;
	assert_int_equal(sw_gpx_read(DATA "gpx10.gpx", &o, collect, &g, &err), SW_OK);
	assert_string_equal(val(&g, 0, "remark"), "M\xc3\xbcller");
	assert_string_equal(val(&g, 0, "gps_accuracy_m"), "(absent)");
	got_free(&g);
}

static void converts_declared_encoding_to_utf8(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("latin1.gpx", &g, &err), SW_OK);
	assert_string_equal(val(&g, 0, "note"), "M\xc3\xbcller");
	got_free(&g);
}

static void encoding_option_overrides_the_file(void **state)
{
	struct sw_read_opts o = {.encoding = "ISO-8859-1"};
	struct sw_error err = {0};
	struct got g = {0};

	(void)state;
	assert_int_equal(sw_gpx_read(DATA "latin1_undeclared.gpx", &o, collect, &g, &err), SW_OK);
	assert_string_equal(val(&g, 0, "note"), "Bj\xc3\xb6rn \xc3\x85ngstr\xc3\xb6m");
	got_free(&g);
}

static void time_without_zone_is_utc(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("latin1.gpx", &g, &err), SW_OK);
	assert_string_equal(val(&g, 0, "observed_at"), "2026-11-29T10:15:00Z");
	got_free(&g);
}

static void refuses_a_crs_other_than_wgs84(void **state)
{
	struct sw_read_opts o = {.crs = "EPSG:28992"};
	struct sw_error err = {0};
	struct got g = {0};

	(void)state;
	assert_int_equal(sw_gpx_read(DATA "gpx10.gpx", &o, collect, &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "WGS84"));
	assert_int_equal(g.n, 0);
}

static void callback_status_stops_the_read(void **state)
{
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(sw_gpx_read(DATA "waypoints.gpx", NULL, stop_at_first, NULL, &err),
	                 SW_ERR_STORE);
	assert_string_equal(err.msg, "stopped");
}

static void rejects_xml_that_is_not_well_formed_with_line(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("not_wellformed.gpx", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "not_wellformed.gpx:7: not well-formed XML:"));
	got_free(&g);
}

static void rejects_invalid_utf8_with_line(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("bad_utf8.gpx", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "bad_utf8.gpx:4: not well-formed XML:"));
	assert_null(strchr(err.msg, '\n'));
	got_free(&g);
}

static void rejects_latitude_out_of_range_with_line(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("out_of_range.gpx", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "out_of_range.gpx:4:"));
	assert_non_null(strstr(err.msg, "91.5"));
	got_free(&g);
}

static void rejects_waypoint_without_lon(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("no_lon.gpx", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "no_lon.gpx:4:"));
	assert_non_null(strstr(err.msg, "lon"));
	got_free(&g);
}

static void rejects_other_xml_root(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("not_gpx.gpx", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "not a GPX file"));
	got_free(&g);
}

static void refuses_entity_expansion_bomb(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("billion_laughs.gpx", &g, &err), SW_ERR_INPUT);
	assert_int_equal(g.n, 0);
	got_free(&g);
}

static void does_not_read_external_entities(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("xxe.gpx", &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "xxe.gpx:6:"));
	assert_int_equal(g.n, 0);
	got_free(&g);
}

/* libxml2 keeps line numbers in 16 bits unless asked (XML_PARSE_BIG_LINES) */
static void reports_lines_above_65535(void **state)
{
	struct sw_error err = {0};
	struct got g = {0};
	char path[512];
	const char *dir = getenv("TMPDIR");
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "%s/test_gpx_%ld_big.gpx", dir != NULL ? dir : "/tmp",
	         (long)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" "
	           "xmlns=\"http://www.topografix.com/GPX/1/1\">\n");
	for (int i = 3; i <= 70000; i++)
		fprintf(f, "<!-- %d -->\n", i);
	fprintf(f, "<wpt lat=\"95\" lon=\"4.66\">\n<name>x</name>\n</wpt>\n</gpx>\n");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(sw_gpx_read(path, NULL, collect, &g, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, ":70001: lat=\"95\""));
	got_free(&g);
	unlink(path);
}

static void missing_file_is_not_found(void **state)
{
	struct sw_error err = {0};
	struct got g;

	(void)state;
	assert_int_equal(read_file("no_such.gpx", &g, &err), SW_ERR_NOTFOUND);
	got_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_waypoints_with_lon_lat_and_line),
	    cmocka_unit_test(maps_time_hdop_and_type_to_schouw_names),
	    cmocka_unit_test(joins_name_and_desc_into_note),
	    cmocka_unit_test(reads_schouw_extensions_as_fields),
	    cmocka_unit_test(warns_that_tracks_are_ignored),
	    cmocka_unit_test(reads_gpx_1_0),
	    cmocka_unit_test(map_renames_and_drops_keys),
	    cmocka_unit_test(converts_declared_encoding_to_utf8),
	    cmocka_unit_test(encoding_option_overrides_the_file),
	    cmocka_unit_test(time_without_zone_is_utc),
	    cmocka_unit_test(refuses_a_crs_other_than_wgs84),
	    cmocka_unit_test(callback_status_stops_the_read),
	    cmocka_unit_test(rejects_xml_that_is_not_well_formed_with_line),
	    cmocka_unit_test(rejects_invalid_utf8_with_line),
	    cmocka_unit_test(rejects_latitude_out_of_range_with_line),
	    cmocka_unit_test(rejects_waypoint_without_lon),
	    cmocka_unit_test(rejects_other_xml_root),
	    cmocka_unit_test(refuses_entity_expansion_bomb),
	    cmocka_unit_test(does_not_read_external_entities),
	    cmocka_unit_test(reports_lines_above_65535),
	    cmocka_unit_test(missing_file_is_not_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
