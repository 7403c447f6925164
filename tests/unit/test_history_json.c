/* test_history_json.c - the record JSON of the history's insert and delete
 * rows, read back by an independent reader (jansson) and compared with the
 * record, field by field: the store writes that JSON by hand, for speed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/form.h"
#include "schouw/point.h"
#include "schouw/store.h"
#include "test_support.h"

static char dir[512];
static struct sw_forms *forms;

static int group_setup(void **state)
{
	(void)state;
	return sw_test_setup_dir_and_forms(dir, sizeof dir, "test_history_json", &forms);
}

static int group_teardown(void **state)
{
	(void)state;
	return sw_test_teardown_dir_and_forms(dir, forms);
}

/* A fresh store with the form fields as columns; caller closes. */
static struct sw_store *fresh_store(const char *name)
{
	struct sw_error err = {0};
	struct sw_store *s = NULL;
	char path[700];

	snprintf(path, sizeof path, "%s/%s.gpkg", dir, name);
	assert_int_equal(sw_store_create(path, &err), SW_OK);
	assert_int_equal(sw_store_open(path, SW_STORE_WRITE, &s, &err), SW_OK);
	assert_int_equal(sw_store_sync_fields(s, forms, &err), SW_OK);
	return s;
}

/* ---- the record as jansson builds it, from the struct ---- */

static json_t *text_or_null(const char *s)
{
	json_t *j = s ? json_string(s) : json_null();

	assert_non_null(j); /* json_string refuses text that is not UTF-8 */
	return j;
}

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *value_json(const struct sw_value *v)
{
	switch (v->t) {
	case SW_V_REAL:
		return real_or_null(v->r);
	case SW_V_INT:
		return json_integer(v->i);
	case SW_V_TEXT:
		return text_or_null(v->s);
	default:
		return json_null();
	}
}

static json_t *record_json(const struct sw_point *p)
{
	json_t *o = json_object(), *fields = json_object();

	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "uuid", text_or_null(p->uuid));
	json_object_set_new(o, "type", text_or_null(p->type));
	json_object_set_new(o, "status", text_or_null(p->status));
	json_object_set_new(o, "x", real_or_null(p->x));
	json_object_set_new(o, "y", real_or_null(p->y));
	json_object_set_new(o, "surveyor", text_or_null(p->surveyor));
	json_object_set_new(o, "observed_at", text_or_null(p->observed_at));
	json_object_set_new(o, "gps_accuracy_m", real_or_null(p->gps_accuracy_m));
	json_object_set_new(o, "note", text_or_null(p->note));
	json_object_set_new(o, "created_at", text_or_null(p->created_at));
	json_object_set_new(o, "updated_at", text_or_null(p->updated_at));
	for (size_t i = 0; i < p->nattrs; i++)
		json_object_set_new(fields, p->attrs[i].name, value_json(&p->attrs[i].v));
	json_object_set_new(o, "fields", fields);
	return o;
}

/* ---- the history rows ---- */

struct rows {
	char *insert_json, *delete_json;
};

static enum sw_status rows_cb(const struct sw_history_row *h, void *ud)
{
	struct rows *r = ud;

	if (strcmp(h->action, "insert") == 0 && h->new_value) {
		free(r->insert_json);
		r->insert_json = strdup(h->new_value);
	}
	if (strcmp(h->action, "delete") == 0 && h->old_value) {
		free(r->delete_json);
		r->delete_json = strdup(h->old_value);
	}
	return SW_OK;
}

/* text parses as one JSON object equal to the record p; says where not */
static void assert_json_is_record(const char *text, const struct sw_point *p, const char *what)
{
	json_error_t jerr;
	json_t *got, *want = record_json(p);

	assert_non_null(text);
	got = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (got == NULL)
		fprintf(stderr, "%s: not JSON (%s at %d): %s\n", what, jerr.text, jerr.position,
		        text);
	assert_non_null(got);
	assert_true(json_is_object(got));
	if (!json_equal(got, want)) {
		char *w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
		char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));

		fprintf(stderr,
		        "%s differs from the record\n written: %s\n    read: %s\n    want: %s\n",
		        what, text, g, w);
		free(w);
		free(g);
		fail();
	}
	assert_null(strchr(text, '\n')); /* one line */
	json_decref(got);
	json_decref(want);
}

/* Insert p, then delete it: both history rows carry the record. */
static void insert_and_delete(struct sw_store *s, struct sw_point *p)
{
	struct sw_error err = {0};
	struct rows r = {0};
	struct sw_point stored;
	char ref[32];

	assert_int_equal(sw_store_insert(s, p, "tester", &err), SW_OK);
	assert_int_equal(sw_store_history(s, p->uuid, rows_cb, &r, &err), SW_OK);
	assert_json_is_record(r.insert_json, p, "insert row");

	/* the delete row holds the record as stored, read back independently */
	sw_point_init(&stored);
	snprintf(ref, sizeof ref, "%lld", p->id);
	assert_int_equal(sw_store_get(s, ref, &stored, &err), SW_OK);
	assert_int_equal(sw_store_delete(s, p->id, "tester", &err), SW_OK);
	assert_int_equal(sw_store_history(s, p->uuid, rows_cb, &r, &err), SW_OK);
	assert_json_is_record(r.delete_json, &stored, "delete row");
	sw_point_clear(&stored);
	free(r.insert_json);
	free(r.delete_json);
}

static void base(struct sw_point *p, const char *type, double x, double y)
{
	struct sw_error err = {0};

	sw_point_init(p);
	assert_int_equal(sw_point_set_str(&p->type, type, &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->status, "planned", &err), SW_OK);
	p->x = x;
	p->y = y;
}

static void set_real(struct sw_point *p, const char *name, double v)
{
	struct sw_error err = {0};
	struct sw_value val = {.t = SW_V_REAL, .r = v};

	assert_int_equal(sw_point_set_attr(p, name, &val, &err), SW_OK);
}

static void set_int(struct sw_point *p, const char *name, long long v)
{
	struct sw_error err = {0};
	struct sw_value val = {.t = SW_V_INT, .i = v};

	assert_int_equal(sw_point_set_attr(p, name, &val, &err), SW_OK);
}

static void set_text(struct sw_point *p, const char *name, const char *v)
{
	struct sw_error err = {0};
	struct sw_value val = {.t = SW_V_TEXT, .s = (char *)v};

	assert_int_equal(sw_point_set_attr(p, name, &val, &err), SW_OK);
}

/* ---- tests ---- */

static void texts_with_quotes_backslashes_controls_and_non_ascii(void **state)
{
	struct sw_store *s = fresh_store("texts");
	struct sw_error err = {0};
	struct sw_point p;

	(void)state;
	base(&p, "kerb_ramp", 104897.1, 425327.3);
	assert_int_equal(sw_point_set_str(&p.surveyor, "Björn \"BÅ\" Ångström", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p.note,
	                                  "quote \" backslash \\ slash / tab\t nl\n cr\r bs\b ff\f "
	                                  "\x01\x1f del\x7f é € 😀 \xe2\x80\xa8 end",
	                                  &err),
	                 SW_OK);
	assert_int_equal(sw_point_set_str(&p.observed_at, "2026-11-29T10:15:00+01:00", &err),
	                 SW_OK);
	set_text(&p, "surface", "klinkers \"oud\" \\ ü");
	set_int(&p, "tactile_warning", 1);
	insert_and_delete(s, &p);
	sw_point_clear(&p);

	/* empty texts stay "", missing ones are null */
	base(&p, "kerb_ramp", 104900, 425330);
	assert_int_equal(sw_point_set_str(&p.note, "", &err), SW_OK);
	set_text(&p, "surface", "");
	set_int(&p, "tactile_warning", 0);
	insert_and_delete(s, &p);
	sw_point_clear(&p);
	sw_store_close(s);
}

static void reals_round_trip_exactly(void **state)
{
	static const double reals[] = {
	    0.1,
	    1.4,
	    0.1 + 0.2,
	    2.0,
	    0.0,
	    -0.5,
	    8.5,
	    1.0 / 3.0,
	    2.0 / 3.0,
	    123456.789,
	    1e-7,
	    5e-324,
	    2.2250738585072014e-308,
	    1e21,
	    1e22,
	    1.7976931348623157e308,
	    9007199254740993.0,
	    0.30000000000000004,
	    104897.123456789,
	    7.9,
	};
	static const char *const fields[] = {"running_slope_pct", "cross_slope_pct", "width_m",
	                                     "kerb_upstand_mm", "turning_space_m"};
	const size_t nreals = sizeof reals / sizeof reals[0], nfields = 5;
	struct sw_store *s = fresh_store("reals");
	struct sw_point p;

	(void)state;
	/* every real in every field position; coordinates that need 15 and 17 digits */
	for (size_t k = 0; k < nreals; k++) {
		base(&p, "kerb_ramp", k % 2 ? 104897.0 + 1.0 / 3.0 : 104897.1 + (double)k,
		     k % 3 ? 425327.25 : 425000.0 + 2.0 / 3.0);
		p.gps_accuracy_m = k % 4 ? reals[k] : NAN; /* NAN is written as null */
		for (size_t i = 0; i < nfields; i++)
			set_real(&p, fields[i], reals[(k + i) % nreals]);
		insert_and_delete(s, &p);
		sw_point_clear(&p);
	}
	sw_store_close(s);
}

static void integers_and_bools_stay_integers(void **state)
{
	static const long long ints[] = {
	    0, 1, -1, 42, 9007199254740993LL, -9007199254740993LL, INT64_MAX, INT64_MIN};
	struct sw_store *s = fresh_store("ints");
	struct sw_point p;

	(void)state;
	for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
		base(&p, "playground", 105000.5, 425000.5);
		set_int(&p, "accessible_items", ints[k]);
		set_int(&p, "transfer_platform", k % 2); /* a bool: 0/1 */
		set_real(&p, "route_width_mm", 1400);    /* a whole real stays a real */
		insert_and_delete(s, &p);
		sw_point_clear(&p);
	}
	sw_store_close(s);
}

static void a_point_without_measurements_has_empty_fields(void **state)
{
	struct sw_store *s = fresh_store("bare");
	struct sw_point p;

	(void)state;
	base(&p, "crossing", 105000, 425000);
	insert_and_delete(s, &p);
	sw_point_clear(&p);
	sw_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(texts_with_quotes_backslashes_controls_and_non_ascii),
	    cmocka_unit_test(reals_round_trip_exactly),
	    cmocka_unit_test(integers_and_bools_stay_integers),
	    cmocka_unit_test(a_point_without_measurements_has_empty_fields),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
