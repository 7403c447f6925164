/* test_shp.c - shapefile exchange: name mapping, writer, reader, styles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <shapefil.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schouw/form.h"
#include "schouw/shp.h"
#include "schouw/utf8.h"
#include "schouw/style.h"

static struct sw_forms *forms;

static const char *datadir(void)
{
	const char *d = getenv("SCHOUW_DATA");

	return d ? d : SW_SOURCE_DATADIR;
}

/* A fresh empty directory under TMPDIR; caller frees. */
static char *scratch_dir(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	char *d = NULL;
	char cmd[1024];

	assert_true(asprintf(&d, "%s/test_shp-%ld-%s", tmp ? tmp : "/tmp", (long)getpid(), name) >
	            0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(mkdir(d, 0777), 0);
	return d;
}

static void remove_dir(char *d)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
	free(d);
}

static int count_files(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(dp);
	return n;
}

static bool exists(const char *dir, const char *name)
{
	char p[1024];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static int setup(void **state)
{
	struct sw_error err = {0};

	(void)state;
	if (sw_forms_load(datadir(), &forms, &err) != SW_OK) {
		fprintf(stderr, "forms: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sw_forms_free(forms);
	return 0;
}

/* ---- warnings collected by the writer/reader ---- */

struct warnings {
	int n;
	char last[1024];
};

static void collect(void *ud, const char *msg)
{
	struct warnings *w = ud;

	w->n++;
	snprintf(w->last, sizeof w->last, "%s", msg);
}

/* ---- name mapping ---- */

static void fallback_keeps_short_names(void **state)
{
	char out[SW_DBF_NAME_MAX + 1];

	(void)state;
	sw_shp_name_fallback("width_m", out);
	assert_string_equal(out, "width_m");
	sw_shp_name_fallback("abcdefghij", out);
	assert_string_equal(out, "abcdefghij");
}

static void fallback_is_short_stable_and_distinct(void **state)
{
	char a[SW_DBF_NAME_MAX + 1], b[SW_DBF_NAME_MAX + 1], c[SW_DBF_NAME_MAX + 1];

	(void)state;
	sw_shp_name_fallback("surface_evenness_mm", a);
	sw_shp_name_fallback("surface_evenness_mm", b);
	sw_shp_name_fallback("surface_evenness_cm", c);
	assert_int_equal(strlen(a), SW_DBF_NAME_MAX);
	assert_string_equal(a, b);
	assert_memory_equal(a, "surfac_", 7);
	assert_string_not_equal(a, c);
}

static void listed_names_map_both_ways(void **state)
{
	struct sw_shp_names *m = NULL;
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(sw_shp_names_load(NULL, forms, &m, &err), SW_OK);
	assert_string_equal(sw_shp_names_to_dbf(m, "running_slope_pct"), "run_slope");
	assert_string_equal(sw_shp_names_to_dbf(m, "kerb_upstand_mm"), "kerb_up_mm");
	assert_string_equal(sw_shp_names_to_dbf(m, "gps_accuracy_m"), "gps_acc_m");
	assert_string_equal(sw_shp_names_to_dbf(m, "observed_at"), "observed");
	assert_string_equal(sw_shp_names_to_dbf(m, "width_m"), "width_m");
	assert_string_equal(sw_shp_names_from_dbf(m, "run_slope"), "running_slope_pct");
	assert_string_equal(sw_shp_names_from_dbf(m, "RUN_SLOPE"), "running_slope_pct");
	assert_null(sw_shp_names_from_dbf(m, "no_such"));
	sw_shp_names_free(m);
}

static void names_cut_by_gdal_map_back(void **state)
{
	struct sw_shp_names *m = NULL;
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(sw_shp_names_load(NULL, forms, &m, &err), SW_OK);
	assert_string_equal(sw_shp_names_from_dbf(m, "running_sl"), "running_slope_pct");
	assert_string_equal(sw_shp_names_from_dbf(m, "gps_accura"), "gps_accuracy_m");
	assert_string_equal(sw_shp_names_from_dbf(m, "OBSERVED_A"), "observed_at");
	assert_null(sw_shp_names_from_dbf(m, "running_s"));
	sw_shp_names_free(m);
}

static void every_field_gets_a_unique_short_name(void **state)
{
	struct sw_shp_names *m = NULL;
	struct sw_error err = {0};
	const struct sw_field **all = NULL;
	size_t n = 0;
	char seen[128][SW_DBF_NAME_MAX + 1];

	(void)state;
	assert_int_equal(sw_shp_names_load(NULL, forms, &m, &err), SW_OK);
	assert_int_equal(sw_forms_all_fields(forms, &all, &n, &err), SW_OK);
	assert_true(n < 128);
	for (size_t i = 0; i < n; i++) {
		const char *d = sw_shp_names_to_dbf(m, all[i]->name);
		assert_true(strlen(d) <= SW_DBF_NAME_MAX);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(seen[k], d);
		snprintf(seen[i], sizeof seen[i], "%s", d);
	}
	free(all);
	sw_shp_names_free(m);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[1024];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void collision_names_both_fields(void **state)
{
	char *d = scratch_dir("collide");
	struct sw_shp_names *m = NULL;
	struct sw_error err = {0};

	(void)state;
	write_file(d, "dbf_names.ini",
	           "[dbf]\nrunning_slope_pct = slope\ncross_slope_pct = slope\n");
	assert_int_equal(sw_shp_names_load(d, forms, &m, &err), SW_ERR_INPUT);
	assert_null(m);
	assert_non_null(strstr(err.msg, "running_slope_pct"));
	assert_non_null(strstr(err.msg, "cross_slope_pct"));
	remove_dir(d);
}

static void collision_with_a_plain_field_name(void **state)
{
	char *d = scratch_dir("collide2");
	struct sw_shp_names *m = NULL;
	struct sw_error err = {0};

	(void)state;
	write_file(d, "dbf_names.ini", "[dbf]\nrunning_slope_pct = width_m\n");
	assert_int_equal(sw_shp_names_load(d, forms, &m, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "width_m"));
	assert_non_null(strstr(err.msg, "running_slope_pct"));
	remove_dir(d);
}

static void too_long_dbf_name_is_refused_with_line(void **state)
{
	char *d = scratch_dir("long");
	struct sw_shp_names *m = NULL;
	struct sw_error err = {0};

	(void)state;
	write_file(d, "dbf_names.ini", "[dbf]\n; comment\nrunning_slope_pct = running_slope\n");
	assert_int_equal(sw_shp_names_load(d, forms, &m, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "dbf_names.ini:3:"));
	remove_dir(d);
}

/* ---- UTF-8 cut ---- */

static void utf8_cut_keeps_whole_characters(void **state)
{
	/* "Å" is 2 bytes: cutting inside it must drop it entirely */
	const char *s = "abÅcd";

	(void)state;
	assert_int_equal(sw_utf8_cut(s, strlen(s), 10), strlen(s));
	assert_int_equal(sw_utf8_cut(s, strlen(s), 3), 2);
	assert_int_equal(sw_utf8_cut(s, strlen(s), 4), 4);
	assert_int_equal(sw_utf8_cut("€", 3, 2), 0); /* 3-byte character */
}

/* ---- writer + reader ---- */

static void make_point(struct sw_point *p, long long id, const char *type, double x, double y)
{
	struct sw_error err = {0};

	sw_point_init(p);
	p->id = id;
	sw_uuid_v4(p->uuid);
	assert_int_equal(sw_point_set_str(&p->type, type, &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->status, "planned", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->surveyor, "José García", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->observed_at, "2026-11-29T14:05:09+01:00", &err),
	                 SW_OK);
	assert_int_equal(sw_point_set_str(&p->created_at, "2026-11-29T13:05:10Z", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->updated_at, "2026-11-29T13:05:10Z", &err), SW_OK);
	p->x = x;
	p->y = y;
	p->gps_accuracy_m = 2.5;
}

struct readback {
	int n;
	double x[8], y[8];
	char crs[64];
	char note[8][300];
	char surveyor[8][64];
	char observed[8][64];
	char slope[8][32];
	char tactile[8][8];
	bool saw_dbf_name;
};

static enum sw_status on_record(const struct sw_record *r, void *ud, struct sw_error *err)
{
	struct readback *rb = ud;
	int i = rb->n++;

	(void)err;
	assert_true(i < 8);
	assert_true(r->has_xy);
	assert_string_equal(r->pos_kind, "record");
	assert_int_equal(r->pos, i + 1);
	rb->x[i] = r->x;
	rb->y[i] = r->y;
	snprintf(rb->crs, sizeof rb->crs, "%s", r->crs ? r->crs : "");
	for (size_t k = 0; k < r->n; k++) {
		const char *v = r->vals[k] ? r->vals[k] : "";
		if (strcmp(r->keys[k], "note") == 0)
			snprintf(rb->note[i], sizeof rb->note[i], "%s", v);
		else if (strcmp(r->keys[k], "surveyor") == 0)
			snprintf(rb->surveyor[i], sizeof rb->surveyor[i], "%s", v);
		else if (strcmp(r->keys[k], "observed_at") == 0)
			snprintf(rb->observed[i], sizeof rb->observed[i], "%s", v);
		else if (strcmp(r->keys[k], "running_slope_pct") == 0)
			snprintf(rb->slope[i], sizeof rb->slope[i], "%s", v);
		else if (strcmp(r->keys[k], "tactile_warning") == 0)
			snprintf(rb->tactile[i], sizeof rb->tactile[i], "%s", v);
		else if (strcmp(r->keys[k], "run_slope") == 0)
			rb->saw_dbf_name = true;
	}
	return SW_OK;
}

static char *long_note(void)
{
	/* 250 ASCII bytes then "Å" (2 bytes) starting at byte 253: the cut at
	 * 254 would split it, so the note must end after byte 252. */
	char *s = malloc(400);

	assert_non_null(s);
	memset(s, 'n', 253);
	strcpy(s + 253, "Ångström Björn");
	return s;
}

static void write_then_read_back(void **state)
{
	char *d = scratch_dir("rw");
	char path[1024];
	struct sw_export_opts o = {.forms = forms};
	struct sw_read_opts ro = {.forms = forms};
	struct sw_shp_writer *w = NULL;
	struct sw_error err = {0};
	struct warnings warns = {0};
	struct readback rb = {0};
	struct sw_value slope = {.t = SW_V_REAL, .r = 8.25};
	struct sw_value tactile = {.t = SW_V_INT, .i = 1};
	struct sw_point p[2];
	char *note = long_note();

	(void)state;
	o.warn = collect;
	o.warn_ud = &warns;
	snprintf(path, sizeof path, "%s/points.shp", d);
	make_point(&p[0], 7, "kerb_ramp", 104897.125, 425327.5);
	assert_int_equal(sw_point_set_attr(&p[0], "running_slope_pct", &slope, &err), SW_OK);
	assert_int_equal(sw_point_set_attr(&p[0], "tactile_warning", &tactile, &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p[0].note, note, &err), SW_OK);
	make_point(&p[1], 8, "disabled_parking", 106099, 423259);

	assert_int_equal(sw_shp_writer_open(path, &o, &w, &err), SW_OK);
	assert_int_equal(sw_shp_writer_add(w, &p[0], &err), SW_OK);
	assert_int_equal(sw_shp_writer_add(w, &p[1], &err), SW_OK);
	assert_int_equal(sw_shp_writer_count(w), 2);
	assert_false(exists(d, "points.shp")); /* nothing visible before commit */
	assert_int_equal(sw_shp_writer_close(w, true, &err), SW_OK);
	assert_true(exists(d, "points.shp") && exists(d, "points.shx") && exists(d, "points.dbf"));
	assert_true(exists(d, "points.prj") && exists(d, "points.cpg"));
	assert_true(exists(d, "points.qml") && exists(d, "points.sld"));
	assert_int_equal(count_files(d), 7); /* no temporary file left */

	/* the long note was cut once, with a warning naming the point */
	assert_int_equal(warns.n, 1);
	assert_non_null(strstr(warns.last, "point 7"));
	assert_non_null(strstr(warns.last, "note"));

	assert_int_equal(sw_shp_read(path, &ro, on_record, &rb, &err), SW_OK);
	assert_int_equal(rb.n, 2);
	assert_string_equal(rb.crs, "EPSG:28992");
	assert_true(rb.x[0] == 104897.125 && rb.y[0] == 425327.5);
	assert_true(rb.x[1] == 106099 && rb.y[1] == 423259);
	assert_int_equal(strlen(rb.note[0]), 253);
	assert_memory_equal(rb.note[0], note, 253);
	assert_string_equal(rb.surveyor[0], "José García");
	assert_string_equal(rb.observed[0], "2026-11-29T14:05:09+01:00");
	assert_true(strtod(rb.slope[0], NULL) == 8.25);
	assert_string_equal(rb.tactile[0], "1");
	assert_string_equal(rb.slope[1], "");
	assert_false(rb.saw_dbf_name);

	free(note);
	sw_point_clear(&p[0]);
	sw_point_clear(&p[1]);
	remove_dir(d);
}

/* What the reader gives for each DBF field must be what shapelib's own
 * DBFReadStringAttribute / DBFIsAttributeNULL make of it (the reader cuts
 * the raw record itself): blanks trimmed, NULL numbers, dates, logicals. */
struct rawback {
	int n;
	char vals[4][4][32]; /* record, field: value, or "(null)" */
};

static enum sw_status on_raw(const struct sw_record *r, void *ud, struct sw_error *err)
{
	struct rawback *rb = ud;
	int i = rb->n++;

	(void)err;
	assert_true(i < 4);
	assert_int_equal(r->n, 4);
	for (size_t k = 0; k < r->n; k++)
		snprintf(rb->vals[i][k], sizeof rb->vals[i][k], "%s",
		         r->vals[k] != NULL ? r->vals[k] : "(null)");
	return SW_OK;
}

static void raw_fields_read_as_shapelib_does(void **state)
{
	char *d = scratch_dir("raw");
	char shp[1024], dbfp[1024], want[32];
	struct sw_read_opts ro = {.crs = "EPSG:28992"};
	struct rawback rb = {0};
	struct sw_error err = {0};
	double x = 105000, y = 425000;
	SHPHandle h;
	DBFHandle dbf;

	(void)state;
	snprintf(shp, sizeof shp, "%s/raw.shp", d);
	snprintf(dbfp, sizeof dbfp, "%s/raw.dbf", d);
	h = SHPCreate(shp, SHPT_POINT);
	dbf = DBFCreate(dbfp);
	assert_non_null(h);
	assert_non_null(dbf);
	assert_int_equal(DBFAddField(dbf, "txt", FTString, 20, 0), 0);
	assert_int_equal(DBFAddField(dbf, "num", FTDouble, 8, 2), 1);
	assert_int_equal(DBFAddNativeFieldType(dbf, "flag", 'L', 1, 0), 2);
	assert_int_equal(DBFAddNativeFieldType(dbf, "day", 'D', 8, 0), 3);
	for (int r = 0; r < 4; r++) {
		SHPObject *o = SHPCreateSimpleObject(SHPT_POINT, 1, &x, &y, NULL);

		assert_int_equal(SHPWriteObject(h, -1, o), r);
		SHPDestroyObject(o);
	}
	DBFWriteStringAttribute(dbf, 0, 0, "  two blanks  ");
	DBFWriteDoubleAttribute(dbf, 0, 1, 12.5);
	DBFWriteLogicalAttribute(dbf, 0, 2, 'T');
	DBFWriteAttributeDirectly(dbf, 0, 3, "20250401");
	DBFWriteNULLAttribute(dbf, 1, 0);
	DBFWriteNULLAttribute(dbf, 1, 1);
	DBFWriteNULLAttribute(dbf, 1, 2);
	DBFWriteNULLAttribute(dbf, 1, 3);
	DBFWriteStringAttribute(dbf, 2, 0, "12345678901234567890");
	DBFWriteAttributeDirectly(dbf, 2, 1, "   ");
	DBFWriteLogicalAttribute(dbf, 2, 2, 'F');
	DBFWriteAttributeDirectly(dbf, 2, 3, "2025041");
	DBFWriteStringAttribute(dbf, 3, 0, "x");
	DBFWriteAttributeDirectly(dbf, 3, 1, "  -3");
	DBFWriteLogicalAttribute(dbf, 3, 2, 'y');
	DBFWriteAttributeDirectly(dbf, 3, 3, "");
	SHPClose(h);
	DBFClose(dbf);

	assert_int_equal(sw_shp_read(shp, &ro, on_raw, &rb, &err), SW_OK);
	assert_int_equal(rb.n, 4);
	dbf = DBFOpen(dbfp, "rb");
	assert_non_null(dbf);
	for (int r = 0; r < 4; r++) {
		for (int f = 0; f < 4; f++) {
			const char *s = DBFReadStringAttribute(dbf, r, f);

			if (DBFIsAttributeNULL(dbf, r, f))
				snprintf(want, sizeof want, "(null)");
			else if (f == 2)
				snprintf(want, sizeof want, "%s",
				         s[0] != '\0' && strchr("TtYy", s[0])   ? "true"
				         : s[0] != '\0' && strchr("FfNn", s[0]) ? "false"
				                                                : "(null)");
			else if (f == 3 && strlen(s) == 8)
				snprintf(want, sizeof want, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
			else
				snprintf(want, sizeof want, "%s", s);
			assert_string_equal(rb.vals[r][f], want);
		}
	}
	DBFClose(dbf);
	/* and the values themselves, so the oracle cannot drift unseen */
	assert_string_equal(rb.vals[0][0], "two blanks");
	assert_string_equal(rb.vals[0][2], "true");
	assert_string_equal(rb.vals[2][2], "false");
	assert_string_equal(rb.vals[0][3], "2025-04-01");
	assert_string_equal(rb.vals[1][1], "(null)");
	assert_string_equal(rb.vals[2][0], "12345678901234567890");
	assert_string_equal(rb.vals[2][3], "2025041");
	assert_string_equal(rb.vals[3][1], "-3");
	remove_dir(d);
}

static void anonymize_leaves_surveyor_out(void **state)
{
	char *d = scratch_dir("anon");
	char path[1024];
	struct sw_export_opts o = {.forms = forms, .anonymize = true};
	struct sw_read_opts ro = {.forms = forms};
	struct sw_shp_writer *w = NULL;
	struct sw_error err = {0};
	struct readback rb = {0};
	struct sw_point p;

	(void)state;
	snprintf(path, sizeof path, "%s/anon.shp", d);
	make_point(&p, 1, "crossing", 105000, 425000);
	assert_int_equal(sw_shp_writer_open(path, &o, &w, &err), SW_OK);
	assert_int_equal(sw_shp_writer_add(w, &p, &err), SW_OK);
	assert_int_equal(sw_shp_writer_close(w, true, &err), SW_OK);
	assert_int_equal(sw_shp_read(path, &ro, on_record, &rb, &err), SW_OK);
	assert_int_equal(rb.n, 1);
	assert_string_equal(rb.surveyor[0], "");
	sw_point_clear(&p);
	remove_dir(d);
}

static void reprojected_layer_reads_back_in_wgs84(void **state)
{
	char *d = scratch_dir("wgs");
	char path[1024];
	struct sw_export_opts o = {.forms = forms, .crs = "EPSG:4326"};
	struct sw_read_opts ro = {.forms = forms};
	struct sw_shp_writer *w = NULL;
	struct sw_error err = {0};
	struct readback rb = {0};
	struct sw_point p;
	double acc;

	(void)state;
	snprintf(path, sizeof path, "%s/wgs.shp", d);
	make_point(&p, 1, "crossing", 105000, 425000);
	assert_int_equal(sw_shp_writer_open(path, &o, &w, &err), SW_OK);
	assert_int_equal(sw_shp_writer_add(w, &p, &err), SW_OK);
	assert_int_equal(sw_shp_writer_finish(w, &err), SW_OK);
	assert_non_null(sw_shp_writer_operation(w, &acc));
	assert_int_equal(sw_shp_writer_close(w, true, &err), SW_OK);
	assert_int_equal(sw_shp_read(path, &ro, on_record, &rb, &err), SW_OK);
	assert_string_equal(rb.crs, "EPSG:4326");
	/* the guide's reference: RD (105000, 425000) ~ 4.662143718 E, 51.811382782 N */
	assert_true(fabs(rb.x[0] - 4.662143718) < 1e-4);
	assert_true(fabs(rb.y[0] - 51.811382782) < 1e-4);
	sw_point_clear(&p);
	remove_dir(d);
}

static void uncommitted_close_leaves_no_files(void **state)
{
	char *d = scratch_dir("abort");
	char path[1024];
	struct sw_export_opts o = {.forms = forms};
	struct sw_shp_writer *w = NULL;
	struct sw_error err = {0};
	struct sw_point p;

	(void)state;
	snprintf(path, sizeof path, "%s/points.shp", d);
	make_point(&p, 1, "crossing", 105000, 425000);
	assert_int_equal(sw_shp_writer_open(path, &o, &w, &err), SW_OK);
	assert_int_equal(sw_shp_writer_add(w, &p, &err), SW_OK);
	assert_int_equal(sw_shp_writer_finish(w, &err), SW_OK);
	assert_int_equal(sw_shp_writer_close(w, false, &err), SW_OK);
	assert_int_equal(count_files(d), 0);
	sw_point_clear(&p);
	remove_dir(d);
}

static void failure_midway_leaves_no_files(void **state)
{
	char *d = scratch_dir("midway");
	char path[1024];
	struct sw_export_opts o = {.forms = forms, .crs = "EPSG:4326"};
	struct sw_shp_writer *w = NULL;
	struct sw_error err = {0};
	struct sw_point p;

	(void)state;
	snprintf(path, sizeof path, "%s/points.shp", d);
	make_point(&p, 1, "crossing", 105000, 425000);
	assert_int_equal(sw_shp_writer_open(path, &o, &w, &err), SW_OK);
	assert_int_equal(sw_shp_writer_add(w, &p, &err), SW_OK);
	p.id = 2;
	p.x = NAN; /* PROJ cannot transform it: the batch fails at finish */
	assert_int_equal(sw_shp_writer_add(w, &p, &err), SW_OK);
	assert_int_not_equal(sw_shp_writer_close(w, true, &err), SW_OK);
	assert_non_null(strstr(err.msg, "point 2"));
	assert_int_equal(count_files(d), 0);
	sw_point_clear(&p);
	remove_dir(d);
}

static void failed_open_leaves_no_files(void **state)
{
	char *d = scratch_dir("badcrs");
	char path[1024];
	struct sw_export_opts o = {.forms = forms, .crs = "EPSG:999999"};
	struct sw_shp_writer *w = NULL;
	struct sw_error err = {0};

	(void)state;
	snprintf(path, sizeof path, "%s/points.shp", d);
	assert_int_not_equal(sw_shp_writer_open(path, &o, &w, &err), SW_OK);
	assert_null(w);
	assert_int_equal(count_files(d), 0);
	remove_dir(d);
}

static void commit_replaces_an_older_layer(void **state)
{
	char *d = scratch_dir("replace");
	char path[1024];
	struct sw_export_opts o = {.forms = forms};
	struct sw_read_opts ro = {.forms = forms};
	struct sw_shp_writer *w = NULL;
	struct sw_error err = {0};
	struct readback rb = {0};
	struct sw_point p;

	(void)state;
	snprintf(path, sizeof path, "%s/points.shp", d);
	make_point(&p, 1, "crossing", 105000, 425000);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(sw_shp_writer_open(path, &o, &w, &err), SW_OK);
		for (int k = 0; k <= round; k++)
			assert_int_equal(sw_shp_writer_add(w, &p, &err), SW_OK);
		assert_int_equal(sw_shp_writer_close(w, true, &err), SW_OK);
	}
	write_file(d, "points.qix", "stale index");
	assert_int_equal(sw_shp_writer_open(path, &o, &w, &err), SW_OK);
	assert_int_equal(sw_shp_writer_add(w, &p, &err), SW_OK);
	assert_int_equal(sw_shp_writer_close(w, true, &err), SW_OK);
	assert_false(exists(d, "points.qix"));
	assert_int_equal(sw_shp_read(path, &ro, on_record, &rb, &err), SW_OK);
	assert_int_equal(rb.n, 1);
	sw_point_clear(&p);
	remove_dir(d);
}

static void many_points_cross_a_batch(void **state)
{
	char *d = scratch_dir("many");
	char path[1024];
	struct sw_export_opts o = {.forms = forms, .crs = "EPSG:4326"};
	struct sw_shp_writer *w = NULL;
	struct sw_error err = {0};
	struct sw_point p;

	(void)state;
	snprintf(path, sizeof path, "%s/many.shp", d);
	make_point(&p, 1, "crossing", 105000, 425000);
	assert_int_equal(sw_shp_writer_open(path, &o, &w, &err), SW_OK);
	for (int i = 0; i < 5000; i++) {
		p.id = i + 1;
		p.x = 100000 + i;
		assert_int_equal(sw_shp_writer_add(w, &p, &err), SW_OK);
	}
	assert_int_equal(sw_shp_writer_close(w, true, &err), SW_OK);
	{
		FILE *f;
		char cmd[1200];
		char line[256] = "";
		snprintf(cmd, sizeof cmd, "stat -c %%s '%s'", path);
		f = popen(cmd, "r");
		assert_non_null(f);
		assert_non_null(fgets(line, sizeof line, f));
		pclose(f);
		/* 100-byte header + 28 bytes per point record */
		assert_int_equal(atol(line), 100 + 28 * 5000);
	}
	sw_point_clear(&p);
	remove_dir(d);
}

/* ---- reader refusals ---- */

static enum sw_status count_cb(const struct sw_record *r, void *ud, struct sw_error *err)
{
	(void)r;
	(void)err;
	(*(int *)ud)++;
	return SW_OK;
}

/* A two-point layer in d/base.shp. */
static void write_layer(const char *d, const char *base)
{
	char path[1024];
	struct sw_export_opts o = {.forms = forms};
	struct sw_shp_writer *w = NULL;
	struct sw_error err = {0};
	struct sw_point p;

	snprintf(path, sizeof path, "%s/%s.shp", d, base);
	make_point(&p, 1, "crossing", 105000, 425000);
	assert_int_equal(sw_shp_writer_open(path, &o, &w, &err), SW_OK);
	assert_int_equal(sw_shp_writer_add(w, &p, &err), SW_OK);
	assert_int_equal(sw_shp_writer_add(w, &p, &err), SW_OK);
	assert_int_equal(sw_shp_writer_close(w, true, &err), SW_OK);
	sw_point_clear(&p);
}

static void truncate_file(const char *d, const char *name, long drop)
{
	char p[1024];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", d, name);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(truncate(p, st.st_size - drop), 0);
}

static void expect_refusal(const char *d, const char *needle)
{
	char path[1024];
	struct sw_read_opts ro = {.forms = forms};
	struct sw_error err = {0};
	int n = 0;

	snprintf(path, sizeof path, "%s/t.shp", d);
	assert_int_equal(sw_shp_read(path, &ro, count_cb, &n, &err), SW_ERR_INPUT);
	assert_int_equal(n, 0);
	if (strstr(err.msg, needle) == NULL)
		fail_msg("expected '%s' in: %s", needle, err.msg);
}

static void truncated_shp_is_refused_with_position(void **state)
{
	char *d = scratch_dir("trunc_shp");

	(void)state;
	write_layer(d, "t");
	truncate_file(d, "t.shp", 10);
	expect_refusal(d, "byte 24");
	remove_dir(d);
}

static void truncated_dbf_is_refused_with_record(void **state)
{
	char *d = scratch_dir("trunc_dbf");

	(void)state;
	write_layer(d, "t");
	truncate_file(d, "t.dbf", 100);
	expect_refusal(d, "record 2");
	remove_dir(d);
}

static void missing_prj_needs_crs(void **state)
{
	char *d = scratch_dir("noprj");
	char p[1024];

	(void)state;
	write_layer(d, "t");
	snprintf(p, sizeof p, "%s/t.prj", d);
	assert_int_equal(unlink(p), 0);
	expect_refusal(d, "--crs");
	remove_dir(d);
}

static void unknown_prj_needs_crs(void **state)
{
	char *d = scratch_dir("badprj");

	(void)state;
	write_layer(d, "t");
	write_file(d, "t.prj", "GEOGCS[nonsense");
	expect_refusal(d, "--crs");
	remove_dir(d);
}

static void crs_option_overrides_prj_with_a_warning(void **state)
{
	char *d = scratch_dir("override");
	char path[1024];
	struct warnings warns = {0};
	struct sw_read_opts ro = {.forms = forms, .warn = collect, .warn_ud = &warns};
	struct sw_error err = {0};
	struct readback rb = {0};

	(void)state;
	write_layer(d, "t");
	snprintf(path, sizeof path, "%s/t.shp", d);
	ro.crs = "EPSG:28992"; /* what the .prj says: no warning */
	assert_int_equal(sw_shp_read(path, &ro, on_record, &rb, &err), SW_OK);
	assert_int_equal(warns.n, 0);
	ro.crs = "EPSG:4326";
	rb.n = 0;
	assert_int_equal(sw_shp_read(path, &ro, on_record, &rb, &err), SW_OK);
	assert_string_equal(rb.crs, "EPSG:4326");
	assert_int_equal(warns.n, 1);
	assert_non_null(strstr(warns.last, "EPSG:28992"));
	assert_non_null(strstr(warns.last, "overrides"));
	remove_dir(d);
}

/* ---- styles ---- */

static void styles_are_written_for_every_status(void **state)
{
	char *d = scratch_dir("style");
	char qml[1024], sld[1024];
	struct sw_error err = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	snprintf(qml, sizeof qml, "%s/s.qml", d);
	snprintf(sld, sizeof sld, "%s/s.sld", d);
	assert_int_equal(sw_style_write_qml(qml, forms, &err), SW_OK);
	assert_int_equal(sw_style_write_sld(sld, "s", forms, &err), SW_OK);
	f = fopen(sld, "r");
	assert_non_null(f);
	assert_true(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	for (size_t i = 0; i < forms->nstates; i++) {
		char lit[128];
		snprintf(lit, sizeof lit, "<ogc:Literal>%s</ogc:Literal>", forms->states[i].name);
		assert_non_null(strstr(text, lit));
		assert_non_null(strstr(text, forms->states[i].color));
	}
	free(text);
	remove_dir(d);
}

static void style_color_parser_rejects_bad_text(void **state)
{
	int r, g, b;

	(void)state;
	assert_true(sw_style_parse_color("#56b4e9", &r, &g, &b));
	assert_int_equal(r, 0x56);
	assert_int_equal(g, 0xb4);
	assert_int_equal(b, 0xe9);
	assert_false(sw_style_parse_color("56b4e9", &r, &g, &b));
	assert_false(sw_style_parse_color("#56b4e", &r, &g, &b));
	assert_false(sw_style_parse_color("#56b4eg", &r, &g, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fallback_keeps_short_names),
	    cmocka_unit_test(fallback_is_short_stable_and_distinct),
	    cmocka_unit_test(listed_names_map_both_ways),
	    cmocka_unit_test(names_cut_by_gdal_map_back),
	    cmocka_unit_test(every_field_gets_a_unique_short_name),
	    cmocka_unit_test(collision_names_both_fields),
	    cmocka_unit_test(collision_with_a_plain_field_name),
	    cmocka_unit_test(too_long_dbf_name_is_refused_with_line),
	    cmocka_unit_test(utf8_cut_keeps_whole_characters),
	    cmocka_unit_test(write_then_read_back),
	    cmocka_unit_test(raw_fields_read_as_shapelib_does),
	    cmocka_unit_test(anonymize_leaves_surveyor_out),
	    cmocka_unit_test(reprojected_layer_reads_back_in_wgs84),
	    cmocka_unit_test(uncommitted_close_leaves_no_files),
	    cmocka_unit_test(failure_midway_leaves_no_files),
	    cmocka_unit_test(failed_open_leaves_no_files),
	    cmocka_unit_test(commit_replaces_an_older_layer),
	    cmocka_unit_test(many_points_cross_a_batch),
	    cmocka_unit_test(truncated_shp_is_refused_with_position),
	    cmocka_unit_test(truncated_dbf_is_refused_with_record),
	    cmocka_unit_test(missing_prj_needs_crs),
	    cmocka_unit_test(unknown_prj_needs_crs),
	    cmocka_unit_test(crs_option_overrides_prj_with_a_warning),
	    cmocka_unit_test(styles_are_written_for_every_status),
	    cmocka_unit_test(style_color_parser_rejects_bad_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
