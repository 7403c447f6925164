/* test_exchange.c - the format table: lookups by name, file name ending,
 * directory and content, and what each direction may use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schouw/exchange.h"

static void every_format_has_a_name_an_ending_and_a_reader_or_writer(void **state)
{
	(void)state;
	assert_true(sw_format_count() >= 4);
	for (size_t i = 0; i < sw_format_count(); i++) {
		const struct sw_format *f = sw_format_at(i);
		assert_non_null(f->name);
		assert_non_null(f->label);
		assert_string_equal(f->names[0], f->name);
		assert_non_null(f->exts[0]);
		assert_true(sw_format_can(f, SW_FORMAT_READ) || sw_format_can(f, SW_FORMAT_WRITE));
		/* a writer is complete or absent */
		if (f->writer_open != NULL) {
			assert_non_null(f->writer_add);
			assert_non_null(f->writer_close);
		}
	}
	assert_null(sw_format_at(sw_format_count()));
}

static void names_are_found_case_insensitively_with_their_aliases(void **state)
{
	(void)state;
	assert_string_equal(sw_format_by_name("CSV", SW_FORMAT_READ)->name, "csv");
	assert_string_equal(sw_format_by_name("shapefile", SW_FORMAT_WRITE)->name, "shp");
	assert_string_equal(sw_format_by_name("json", SW_FORMAT_WRITE)->name, "geojson");
	assert_string_equal(sw_format_by_name("gpx", SW_FORMAT_READ)->name, "gpx");
	assert_null(sw_format_by_name("xml", SW_FORMAT_READ));
	assert_null(sw_format_by_name(NULL, SW_FORMAT_READ));
}

static void read_only_formats_and_aliases_are_not_offered_for_writing(void **state)
{
	(void)state;
	assert_null(sw_format_by_name("gpx", SW_FORMAT_WRITE));
	assert_string_equal(sw_format_by_name("txt", SW_FORMAT_READ)->name, "csv");
	assert_null(sw_format_by_name("txt", SW_FORMAT_WRITE));
	assert_null(sw_format_by_ext("points.txt", SW_FORMAT_WRITE));
	assert_null(sw_format_by_ext("track.gpx", SW_FORMAT_WRITE));
}

static void endings_decide_only_after_the_last_slash(void **state)
{
	(void)state;
	assert_string_equal(sw_format_by_ext("a/b.SHP", SW_FORMAT_READ)->name, "shp");
	assert_string_equal(sw_format_by_ext("x.json", SW_FORMAT_WRITE)->name, "geojson");
	assert_string_equal(sw_format_by_ext("x.tsv", SW_FORMAT_READ)->name, "csv");
	assert_null(sw_format_by_ext("dir.csv/points", SW_FORMAT_READ));
	assert_null(sw_format_by_ext("noending", SW_FORMAT_READ));
	assert_string_equal(sw_format_for_dir(SW_FORMAT_WRITE)->name, "shp");
}

static const struct sw_format *sniff_text(const char *text)
{
	const char *t = getenv("TMPDIR");
	char path[512];
	int fd;
	const struct sw_format *f;

	snprintf(path, sizeof path, "%s/sw_exchange_XXXXXX", t != NULL ? t : "/tmp");
	fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	f = sw_format_sniff(path);
	unlink(path);
	return f;
}

static void content_tells_geojson_and_gpx_apart_from_the_rest(void **state)
{
	(void)state;
	assert_string_equal(sniff_text("\xEF\xBB\xBF  \n{\"type\":1}")->name, "geojson");
	assert_string_equal(sniff_text("<?xml version=\"1.0\"?><gpx/>")->name, "gpx");
	assert_null(sniff_text("lat,lon\n1,2\n"));
	assert_null(sniff_text(""));
	assert_null(sw_format_sniff("/nonexistent/file"));
}

static void lists_name_the_formats_of_one_direction(void **state)
{
	char buf[128];

	(void)state;
	sw_format_list(SW_FORMAT_WRITE, false, " or ", buf, sizeof buf);
	assert_string_equal(buf, "csv, shp or geojson");
	sw_format_list(SW_FORMAT_READ, false, " or ", buf, sizeof buf);
	assert_string_equal(buf, "csv, shp, geojson or gpx");
	sw_format_list(SW_FORMAT_WRITE, true, " or ", buf, sizeof buf);
	assert_string_equal(buf, ".csv, .shp, .geojson or .json");
	sw_format_list(SW_FORMAT_READ, false, " or ", buf, 8);
	assert_string_equal(buf, "csv, sh");
}

static void coordinate_roles_come_from_common_column_names(void **state)
{
	(void)state;
	assert_int_equal(sw_exchange_coord_role(" Breedtegraad "), SW_COORD_LAT);
	assert_int_equal(sw_exchange_coord_role("easting"), SW_COORD_X);
	assert_int_equal(sw_exchange_coord_role("lat2"), SW_COORD_NONE);
	assert_true(sw_exchange_name_is("\tType ", "type"));
	assert_false(sw_exchange_name_is("types", "type"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_format_has_a_name_an_ending_and_a_reader_or_writer),
	    cmocka_unit_test(names_are_found_case_insensitively_with_their_aliases),
	    cmocka_unit_test(read_only_formats_and_aliases_are_not_offered_for_writing),
	    cmocka_unit_test(endings_decide_only_after_the_last_slash),
	    cmocka_unit_test(content_tells_geojson_and_gpx_apart_from_the_rest),
	    cmocka_unit_test(lists_name_the_formats_of_one_direction),
	    cmocka_unit_test(coordinate_roles_come_from_common_column_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
