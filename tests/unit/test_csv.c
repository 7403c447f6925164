/* test_csv.c - CSV reader (positions, quoting, dialects, errors) and writer. */
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

#include "schouw/csv.h"
#include "schouw/form.h"

/* ---- helpers ---- */

static char tmpdir[512];

static const char *tmp_path(const char *name)
{
	static char buf[4][1024];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
	return buf[k];
}

static const char *write_file(const char *name, const char *text)
{
	const char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fwrite(text, 1, strlen(text), f);
	fclose(f);
	return path;
}

/* What the callback saw: per record "pos|crs|has_xy|x|y|k=v|k=v..." */
struct seen {
	char rows[16][512];
	int n;
	int stop_at; /* return SW_ERR_INPUT at this record (1-based); 0 never */
};

static enum sw_status collect(const struct sw_record *r, void *ud, struct sw_error *err)
{
	struct seen *s = ud;
	char *b;
	size_t i, len;

	if (s->stop_at > 0 && s->n + 1 == s->stop_at)
		return sw_error_set(err, SW_ERR_INPUT, "stopped by callback");
	assert_true(s->n < 16);
	b = s->rows[s->n++];
	snprintf(b, 512, "%ld|%s|%d|%.10g|%.10g", r->pos, r->crs ? r->crs : "-", r->has_xy,
	         r->has_xy ? r->x : 0.0, r->has_xy ? r->y : 0.0);
	for (i = 0; i < r->n; i++) {
		len = strlen(b);
		snprintf(b + len, 512 - len, "|%s=%s", r->keys[i], r->vals[i] ? r->vals[i] : "");
	}
	return SW_OK;
}

static enum sw_status read_text(const char *text, const struct sw_read_opts *o, struct seen *s,
                                struct sw_error *err)
{
	const char *path = write_file("in.csv", text);

	memset(s->rows, 0, sizeof s->rows);
	s->n = 0;
	return sw_csv_read(path, o, collect, s, err);
}

/* ---- reader ---- */

static void reader_gives_rows_with_lat_lon_as_wgs84(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("type,lat,lon\nkerb_ramp,51.81,4.66\n", NULL, &s, &err), SW_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.rows[0],
	                    "2|EPSG:4326|1|4.66|51.81|type=kerb_ramp|lat=51.81|lon=4.66");
}

static void reader_gives_rd_columns_as_rd(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("RD_X,RD_Y,type\n104897.5,425327.25,crossing\n", NULL, &s, &err),
	                 SW_OK);
	assert_string_equal(s.rows[0],
	                    "2|EPSG:28992|1|104897.5|425327.25|RD_X=104897.5|RD_Y=425327.25|"
	                    "type=crossing");
}

static void reader_uses_crs_option_for_coordinates(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};
	struct sw_read_opts o = {.crs = "EPSG:3857"};

	(void)state;
	assert_int_equal(read_text("x,y\n518000,6770000\n", &o, &s, &err), SW_OK);
	assert_string_equal(s.rows[0], "2|EPSG:3857|1|518000|6770000|x=518000|y=6770000");
}

static void reader_reports_the_line_a_record_starts_on(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};
	const char *text = "x,y,note\n"
	                   "\n"
	                   "1,2,\"two\nlines\"\n"
	                   "3,4,plain\n"
	                   "\r\n"
	                   "5,6,\"a, b\"\n";

	(void)state;
	assert_int_equal(read_text(text, NULL, &s, &err), SW_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.rows[0], "3|EPSG:28992|1|1|2|x=1|y=2|note=two\nlines");
	assert_string_equal(s.rows[1], "5|EPSG:28992|1|3|4|x=3|y=4|note=plain");
	assert_string_equal(s.rows[2], "7|EPSG:28992|1|5|6|x=5|y=6|note=a, b");
}

static void reader_accepts_crlf_and_no_final_newline(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("x,y\r\n1,2\r\n3,4", NULL, &s, &err), SW_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.rows[1], "3|EPSG:28992|1|3|4|x=3|y=4");
}

static void reader_unquotes_doubled_quotes(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("x,y,note\n1,2,\"say \"\"hi\"\"\"\n", NULL, &s, &err), SW_OK);
	assert_string_equal(s.rows[0], "2|EPSG:28992|1|1|2|x=1|y=2|note=say \"hi\"");
}

static void reader_detects_semicolons_bom_and_decimal_comma(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("\xEF\xBB\xBFtype;breedtegraad;lengtegraad;width_m\r\n"
	                           "kerb_ramp;51,81;4,66;1,5\r\n",
	                           NULL, &s, &err),
	                 SW_OK);
	assert_string_equal(s.rows[0], "2|EPSG:4326|1|4.66|51.81|type=kerb_ramp|breedtegraad=51,81|"
	                               "lengtegraad=4,66|width_m=1,5");
}

static void reader_skips_blank_lines_before_the_header(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("\r\n\nx;y;note\n1;2;a,b\n", NULL, &s, &err), SW_OK);
	assert_string_equal(s.rows[0], "4|EPSG:28992|1|1|2|x=1|y=2|note=a,b");
}

static void reader_handles_cells_longer_than_a_read_block(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};
	size_t n = 200000, i;
	char *text = malloc(n + 64);

	(void)state;
	assert_non_null(text);
	strcpy(text, "x,y,note\n1,2,\"");
	for (i = strlen(text); i < n; i++)
		text[i] = (i % 1000 == 0) ? '\n' : 'a';
	strcpy(text + n, "\"\n3,4,b\n");
	assert_int_equal(read_text(text, NULL, &s, &err), SW_OK);
	assert_int_equal(s.n, 2);
	assert_true(strncmp(s.rows[0], "2|EPSG:28992|1|1|2|", 19) == 0);
	/* the second record starts after the 199 newlines inside the first */
	assert_string_equal(s.rows[1], "202|EPSG:28992|1|3|4|x=3|y=4|note=b");
	free(text);
}

static void reader_detects_tabs(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("x\ty\tnote\n1\t2\ta,b\n", NULL, &s, &err), SW_OK);
	assert_string_equal(s.rows[0], "2|EPSG:28992|1|1|2|x=1|y=2|note=a,b");
}

static void reader_removes_the_formula_guard(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("x,y,a,b,c\n1,2,'=SUM(A1),''+x,'plain\n", NULL, &s, &err),
	                 SW_OK);
	assert_string_equal(s.rows[0], "2|EPSG:28992|1|1|2|x=1|y=2|a==SUM(A1)|b='+x|c='plain");
}

static void reader_gives_no_xy_for_empty_or_bad_coordinates(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("lat,lon,n\n,,a\nabc,4.6,b\n", NULL, &s, &err), SW_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.rows[0], "2|EPSG:4326|0|0|0|lat=|lon=|n=a");
	assert_string_equal(s.rows[1], "3|EPSG:4326|0|0|0|lat=abc|lon=4.6|n=b");
}

static void reader_map_renames_and_drops_columns(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};
	const char *src[] = {"N", "E", "junk"};
	const char *dst[] = {"lat", "lon", "-"};
	struct sw_read_opts o = {.map_src = src, .map_dst = dst, .nmap = 3};

	(void)state;
	assert_int_equal(read_text("N,E,junk,note\n51.8,4.6,zzz,ok\n", &o, &s, &err), SW_OK);
	assert_string_equal(s.rows[0], "2|EPSG:4326|1|4.6|51.8|lat=51.8|lon=4.6|note=ok");
}

static void reader_map_of_a_missing_column_fails(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};
	const char *src[] = {"breedte_wgs"};
	const char *dst[] = {"lat"};
	struct sw_read_opts o = {.map_src = src, .map_dst = dst, .nmap = 1};

	(void)state;
	assert_int_equal(read_text("lat,lon\n51.8,4.6\n", &o, &s, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "in.csv:1:"));
	assert_non_null(strstr(err.msg, "breedte_wgs"));
}

static void reader_ragged_row_names_line_and_counts(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("x,y,note\n1,2,a\n\n3,4\n5,6,c\n", NULL, &s, &err),
	                 SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "in.csv:4:"));
	assert_non_null(strstr(err.msg, "expected 3"));
	assert_non_null(strstr(err.msg, "got 2"));
	assert_int_equal(s.n, 1);
}

static void reader_unbalanced_quote_names_the_record_start(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("x,y,note\n1,2,a\n3,4,\"open\n5,6,c\n", NULL, &s, &err),
	                 SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "in.csv:3:"));
	assert_non_null(strstr(err.msg, "never closed"));
}

static void reader_text_after_closing_quote_is_an_error(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("x,y,note\n1,2,a\n3,4,\"q\"x\n", NULL, &s, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "in.csv:3:"));
	assert_non_null(strstr(err.msg, "quot"));
}

static void reader_header_only_is_no_rows(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("lat,lon\n", NULL, &s, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "in.csv:1:"));
	assert_non_null(strstr(err.msg, "no rows"));
}

static void reader_empty_file_is_an_error(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("", NULL, &s, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "empty"));
}

static void reader_without_coordinate_columns_fails(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("type,note\nkerb_ramp,x\n", NULL, &s, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "in.csv:1:"));
	assert_non_null(strstr(err.msg, "--map"));
}

static void reader_duplicate_column_fails(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("x,y,Note,note\n1,2,a,b\n", NULL, &s, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "twice"));
}

static void reader_invalid_utf8_names_line_and_column(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("x,y,note\n1,2,ok\n3,4,caf\xe9\n", NULL, &s, &err),
	                 SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "in.csv:3:"));
	assert_non_null(strstr(err.msg, "UTF-8"));
	assert_non_null(strstr(err.msg, "note"));
}

static void reader_converts_from_the_given_encoding(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};
	struct sw_read_opts o = {.encoding = "ISO-8859-1"};

	(void)state;
	assert_int_equal(read_text("x,y,note\n1,2,Bj\xf6rn \xc5ngstr\xf6m\n", &o, &s, &err), SW_OK);
	assert_string_equal(s.rows[0], "2|EPSG:28992|1|1|2|x=1|y=2|note=Bj\xc3\xb6rn "
	                               "\xc3\x85ngstr\xc3\xb6m");
}

static void reader_refuses_utf16_with_advice(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(read_text("\xFF\xFEx\001,\001y\001", NULL, &s, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "in.csv:1:"));
	assert_non_null(strstr(err.msg, "UTF-16"));
}

static void reader_unknown_encoding_fails(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};
	struct sw_read_opts o = {.encoding = "KLINGON-7"};

	(void)state;
	assert_int_equal(read_text("x,y\n1,2\n", &o, &s, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "KLINGON-7"));
}

static void reader_stops_when_the_callback_fails(void **state)
{
	struct seen s = {.stop_at = 2};
	struct sw_error err = {0};
	const char *path = write_file("in.csv", "x,y\n1,2\n3,4\n5,6\n");

	(void)state;
	assert_int_equal(sw_csv_read(path, NULL, collect, &s, &err), SW_ERR_INPUT);
	assert_string_equal(err.msg, "stopped by callback");
	assert_int_equal(s.n, 1);
}

static void reader_missing_file_is_notfound(void **state)
{
	struct seen s = {0};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(sw_csv_read(tmp_path("does-not-exist.csv"), NULL, collect, &s, &err),
	                 SW_ERR_NOTFOUND);
}

/* ---- helpers ---- */

static void format_cell_quotes_only_when_needed(void **state)
{
	char buf[64];

	(void)state;
	sw_csv_format_cell(buf, sizeof buf, "plain", SW_CSV_RFC4180, true);
	assert_string_equal(buf, "plain");
	sw_csv_format_cell(buf, sizeof buf, "a,b", SW_CSV_RFC4180, true);
	assert_string_equal(buf, "\"a,b\"");
	sw_csv_format_cell(buf, sizeof buf, "a,b", SW_CSV_EXCEL_NL, true);
	assert_string_equal(buf, "a,b");
	sw_csv_format_cell(buf, sizeof buf, "a;b", SW_CSV_EXCEL_NL, true);
	assert_string_equal(buf, "\"a;b\"");
	sw_csv_format_cell(buf, sizeof buf, "say \"hi\"", SW_CSV_RFC4180, true);
	assert_string_equal(buf, "\"say \"\"hi\"\"\"");
	sw_csv_format_cell(buf, sizeof buf, "two\nlines", SW_CSV_RFC4180, true);
	assert_string_equal(buf, "\"two\nlines\"");
	sw_csv_format_cell(buf, sizeof buf, " padded", SW_CSV_RFC4180, true);
	assert_string_equal(buf, "\" padded\"");
}

static void format_cell_guards_formulas(void **state)
{
	char buf[64];

	(void)state;
	sw_csv_format_cell(buf, sizeof buf, "=HYPERLINK(\"x\")", SW_CSV_RFC4180, true);
	assert_string_equal(buf, "\"'=HYPERLINK(\"\"x\"\")\"");
	sw_csv_format_cell(buf, sizeof buf, "+31 78 123", SW_CSV_EXCEL_NL, true);
	assert_string_equal(buf, "'+31 78 123");
	sw_csv_format_cell(buf, sizeof buf, "-kapot", SW_CSV_EXCEL_NL, true);
	assert_string_equal(buf, "'-kapot");
	sw_csv_format_cell(buf, sizeof buf, "@user", SW_CSV_EXCEL_NL, true);
	assert_string_equal(buf, "'@user");
	/* an apostrophe before a formula char gets one more, so reading is exact */
	sw_csv_format_cell(buf, sizeof buf, "'=x", SW_CSV_RFC4180, true);
	assert_string_equal(buf, "''=x");
	sw_csv_format_cell(buf, sizeof buf, "'s-Gravendeel", SW_CSV_RFC4180, true);
	assert_string_equal(buf, "'s-Gravendeel");
	sw_csv_format_cell(buf, sizeof buf, "=x", SW_CSV_RFC4180, false);
	assert_string_equal(buf, "=x");
}

static void format_cell_reports_needed_length(void **state)
{
	char buf[4];

	(void)state;
	assert_int_equal(sw_csv_format_cell(buf, sizeof buf, "a,bcdef", SW_CSV_RFC4180, true), 9);
	assert_string_equal(buf, "\"a,");
}

/* ---- writer ---- */

static struct sw_forms *forms;

static int setup(void **state)
{
	(void)state;
	return sw_test_setup_dir_and_forms(tmpdir, sizeof tmpdir, "test_csv", &forms);
}

static int teardown(void **state)
{
	(void)state;
	return sw_test_teardown_dir_and_forms(tmpdir, forms);
}

static void make_point(struct sw_point *p, const char *surveyor, const char *note)
{
	struct sw_error err = {0};
	struct sw_value w = {.t = SW_V_REAL, .r = 1.25};
	struct sw_value t = {.t = SW_V_INT, .i = 1};
	struct sw_value s = {.t = SW_V_TEXT, .s = "clinker"};

	sw_point_init(p);
	p->id = 7;
	strcpy(p->uuid, "0b8e4f5c-2a71-4c39-9d0e-5f6a7b8c9d0e");
	assert_int_equal(sw_point_set_str(&p->type, "kerb_ramp", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->status, "planned", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->surveyor, surveyor, &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->observed_at, "2026-11-29T14:05:00+01:00", &err),
	                 SW_OK);
	assert_int_equal(sw_point_set_str(&p->note, note, &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->created_at, "2026-11-29T13:05:00Z", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->updated_at, "2026-11-29T13:05:00Z", &err), SW_OK);
	p->x = 104897;
	p->y = 425327.1234;
	p->gps_accuracy_m = 3.5;
	assert_int_equal(sw_point_set_attr(p, "width_m", &w, &err), SW_OK);
	assert_int_equal(sw_point_set_attr(p, "tactile_warning", &t, &err), SW_OK);
	assert_int_equal(sw_point_set_attr(p, "surface", &s, &err), SW_OK);
}

static char *write_points(const char *name, const struct sw_export_opts *o, const char *surveyor,
                          const char *note)
{
	struct sw_csv_writer *w = NULL;
	struct sw_error err = {0};
	struct sw_point p;
	const char *path = tmp_path(name);

	make_point(&p, surveyor, note);
	assert_int_equal(sw_csv_writer_open(path, o, &w, &err), SW_OK);
	assert_int_equal(sw_csv_writer_add(w, &p, &err), SW_OK);
	assert_int_equal(sw_csv_writer_count(w), 1);
	assert_int_equal(sw_csv_writer_close(w, true, &err), SW_OK);
	sw_point_clear(&p);
	return sw_test_slurp(path);
}

static void writer_rfc4180_writes_header_row_and_crlf(void **state)
{
	struct sw_export_opts o = {.forms = forms, .type = "kerb_ramp"};
	char *text;

	(void)state;
	text = write_points("rfc.csv", &o, "Zo\xc3\xab", "a, \"b\"");
	assert_true(strncmp(text,
	                    "id,uuid,type,status,x,y,surveyor,observed_at,gps_accuracy_m,"
	                    "note,created_at,updated_at,running_slope_pct,",
	                    101) == 0);
	assert_non_null(strstr(text,
	                       "\r\n7,0b8e4f5c-2a71-4c39-9d0e-5f6a7b8c9d0e,kerb_ramp,planned,"
	                       "104897.000,425327.1234,Zo\xc3\xab,2026-11-29T14:05:00+01:00,3.5,"
	                       "\"a, \"\"b\"\"\",2026-11-29T13:05:00Z,2026-11-29T13:05:00Z,"));
	assert_non_null(strstr(text, ",1.25,"));
	/* surface, then the empty experience and exp_note */
	assert_non_null(strstr(text, ",clinker,,\r\n"));
	assert_null(strstr(text, "\xEF\xBB\xBF"));
	free(text);
}

static void writer_excel_nl_uses_bom_semicolon_and_decimal_comma(void **state)
{
	struct sw_export_opts o = {.forms = forms, .type = "kerb_ramp", .dialect = SW_CSV_EXCEL_NL};
	char *text;

	(void)state;
	text = write_points("nl.csv", &o, "Bj\xc3\xb6rn", "a, b; c");
	assert_true(strncmp(text, "\xEF\xBB\xBFid;uuid;type;status;x;y;", 27) == 0);
	assert_non_null(strstr(text, ";104897,000;425327,1234;Bj\xc3\xb6rn;"));
	assert_non_null(strstr(text, ";3,5;\"a, b; c\";"));
	assert_non_null(strstr(text, ";1,25;"));
	free(text);
}

static void writer_guards_text_but_not_negative_numbers(void **state)
{
	struct sw_export_opts o = {.forms = forms, .type = "kerb_ramp", .crs = "EPSG:3857"};
	struct sw_csv_writer *w = NULL;
	struct sw_error err = {0};
	struct sw_point p;
	const char *path = tmp_path("guard.csv");
	char *text;

	(void)state;
	/* EPSG:3857 keeps x positive here; a negative number comes from a field */
	make_point(&p, "=cmd|' /C calc'!A0", "-kapot");
	p.gps_accuracy_m = NAN;
	{
		struct sw_value v = {.t = SW_V_REAL, .r = -0.5};
		assert_int_equal(sw_point_set_attr(&p, "cross_slope_pct", &v, &err), SW_OK);
	}
	assert_int_equal(sw_csv_writer_open(path, &o, &w, &err), SW_OK);
	assert_int_equal(sw_csv_writer_add(w, &p, &err), SW_OK);
	assert_int_equal(sw_csv_writer_close(w, true, &err), SW_OK);
	text = sw_test_slurp(path);
	assert_non_null(strstr(text, ",'=cmd|' /C calc'!A0,"));
	assert_non_null(strstr(text, ",'-kapot,"));
	assert_non_null(strstr(text, ",-0.5,"));
	free(text);
	sw_point_clear(&p);
}

static void writer_anonymize_leaves_out_surveyor(void **state)
{
	struct sw_export_opts o = {.forms = forms, .type = "kerb_ramp", .anonymize = true};
	char *text;

	(void)state;
	text = write_points("anon.csv", &o,
	                    "Jos\xc3\xa9 Garc\xc3\xad"
	                    "a",
	                    "n");
	assert_null(strstr(text, "surveyor"));
	assert_null(strstr(text, "Jos\xc3\xa9"));
	free(text);
}

static void writer_wgs84_writes_lon_lat_columns(void **state)
{
	struct sw_export_opts o = {.forms = forms, .type = "kerb_ramp", .crs = "EPSG:4326"};
	struct sw_csv_writer *w = NULL;
	struct sw_error err = {0};
	struct sw_point p;
	struct seen s = {0};
	const char *path = tmp_path("wgs.csv");
	double acc = 0;
	char *text;

	(void)state;
	make_point(&p, "a", "b");
	p.x = 105000;
	p.y = 425000;
	assert_int_equal(sw_csv_writer_open(path, &o, &w, &err), SW_OK);
	assert_int_equal(sw_csv_writer_add(w, &p, &err), SW_OK);
	assert_non_null(sw_csv_writer_operation(w, &acc));
	assert_int_equal(sw_csv_writer_close(w, true, &err), SW_OK);
	text = sw_test_slurp(path);
	assert_non_null(strstr(text, ",lon,lat,"));
	free(text);
	assert_int_equal(sw_csv_read(path, NULL, collect, &s, &err), SW_OK);
	/* reference from the guide: RD (105000, 425000) -> 51.811382782 N, 4.662143718 E */
	assert_non_null(strstr(s.rows[0], "|EPSG:4326|1|4.66214"));
	assert_non_null(strstr(s.rows[0], "|51.81138"));
	sw_point_clear(&p);
}

static void writer_without_commit_leaves_nothing(void **state)
{
	struct sw_export_opts o = {.forms = forms};
	struct sw_csv_writer *w = NULL;
	struct sw_error err = {0};
	const char *path = tmp_path("never.csv");
	struct sw_point p;

	(void)state;
	make_point(&p, "a", "b");
	assert_int_equal(sw_csv_writer_open(path, &o, &w, &err), SW_OK);
	assert_int_equal(sw_csv_writer_add(w, &p, &err), SW_OK);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(sw_csv_writer_close(w, false, &err), SW_OK);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(sw_csv_writer_close(NULL, true, &err), SW_OK);
	sw_point_clear(&p);
}

static void writer_output_reads_back_exactly(void **state)
{
	static const char *const names[] = {"M\xc3\xbcller",
	                                    "Jos\xc3\xa9 Garc\xc3\xad"
	                                    "a",
	                                    "Zo\xc3\xab", "Bj\xc3\xb6rn \xc3\x85ngstr\xc3\xb6m"};
	enum sw_csv_dialect d;
	size_t i;

	(void)state;
	for (d = SW_CSV_RFC4180; d <= SW_CSV_EXCEL_NL; d++) {
		for (i = 0; i < 4; i++) {
			struct sw_export_opts o = {
			    .forms = forms, .type = "kerb_ramp", .dialect = d};
			struct sw_error err = {0};
			struct seen s = {0};
			char want[256];
			char *text = write_points("rt.csv", &o, names[i], "=1+1; \"x\", 'y'\n-z");

			free(text);
			assert_int_equal(sw_csv_read(tmp_path("rt.csv"), NULL, collect, &s, &err),
			                 SW_OK);
			assert_int_equal(s.n, 1);
			snprintf(want, sizeof want, "|surveyor=%s|", names[i]);
			assert_non_null(strstr(s.rows[0], want));
			assert_non_null(strstr(s.rows[0], "|note==1+1; \"x\", 'y'\n-z|"));
			assert_non_null(strstr(s.rows[0], "|EPSG:28992|1|104897|425327.1234|"));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reader_gives_rows_with_lat_lon_as_wgs84),
	    cmocka_unit_test(reader_gives_rd_columns_as_rd),
	    cmocka_unit_test(reader_uses_crs_option_for_coordinates),
	    cmocka_unit_test(reader_reports_the_line_a_record_starts_on),
	    cmocka_unit_test(reader_accepts_crlf_and_no_final_newline),
	    cmocka_unit_test(reader_unquotes_doubled_quotes),
	    cmocka_unit_test(reader_detects_semicolons_bom_and_decimal_comma),
	    cmocka_unit_test(reader_detects_tabs),
	    cmocka_unit_test(reader_handles_cells_longer_than_a_read_block),
	    cmocka_unit_test(reader_skips_blank_lines_before_the_header),
	    cmocka_unit_test(reader_removes_the_formula_guard),
	    cmocka_unit_test(reader_gives_no_xy_for_empty_or_bad_coordinates),
	    cmocka_unit_test(reader_map_renames_and_drops_columns),
	    cmocka_unit_test(reader_map_of_a_missing_column_fails),
	    cmocka_unit_test(reader_ragged_row_names_line_and_counts),
	    cmocka_unit_test(reader_unbalanced_quote_names_the_record_start),
	    cmocka_unit_test(reader_text_after_closing_quote_is_an_error),
	    cmocka_unit_test(reader_header_only_is_no_rows),
	    cmocka_unit_test(reader_empty_file_is_an_error),
	    cmocka_unit_test(reader_without_coordinate_columns_fails),
	    cmocka_unit_test(reader_duplicate_column_fails),
	    cmocka_unit_test(reader_invalid_utf8_names_line_and_column),
	    cmocka_unit_test(reader_converts_from_the_given_encoding),
	    cmocka_unit_test(reader_unknown_encoding_fails),
	    cmocka_unit_test(reader_refuses_utf16_with_advice),
	    cmocka_unit_test(reader_stops_when_the_callback_fails),
	    cmocka_unit_test(reader_missing_file_is_notfound),
	    cmocka_unit_test(format_cell_quotes_only_when_needed),
	    cmocka_unit_test(format_cell_guards_formulas),
	    cmocka_unit_test(format_cell_reports_needed_length),
	    cmocka_unit_test(writer_rfc4180_writes_header_row_and_crlf),
	    cmocka_unit_test(writer_excel_nl_uses_bom_semicolon_and_decimal_comma),
	    cmocka_unit_test(writer_guards_text_but_not_negative_numbers),
	    cmocka_unit_test(writer_anonymize_leaves_out_surveyor),
	    cmocka_unit_test(writer_wgs84_writes_lon_lat_columns),
	    cmocka_unit_test(writer_without_commit_leaves_nothing),
	    cmocka_unit_test(writer_output_reads_back_exactly),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
