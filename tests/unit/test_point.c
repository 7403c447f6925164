/* test_point.c - the point model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "comma_locale.h"
#include "schouw/point.h"

static void init_sets_accuracy_unknown(void **state)
{
	struct sw_point p;

	(void)state;
	sw_point_init(&p);
	assert_true(isnan(p.gps_accuracy_m));
	assert_null(p.type);
	assert_int_equal(p.nattrs, 0);
	sw_point_clear(&p);
	sw_point_clear(NULL);
}

static void set_str_replaces_and_clears(void **state)
{
	struct sw_point p;
	struct sw_error err = {0};

	(void)state;
	sw_point_init(&p);
	assert_int_equal(sw_point_set_str(&p.note, "eerste", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p.note, "tweede", &err), SW_OK);
	assert_string_equal(p.note, "tweede");
	assert_int_equal(sw_point_set_str(&p.note, NULL, &err), SW_OK);
	assert_null(p.note);
	sw_point_clear(&p);
}

static void set_attr_adds_replaces_and_removes(void **state)
{
	struct sw_point p;
	struct sw_error err = {0};
	struct sw_value a = {.t = SW_V_REAL, .r = 8.5};
	struct sw_value b = {.t = SW_V_TEXT, .s = "asphalt"};
	struct sw_value nul = {.t = SW_V_NULL};

	(void)state;
	sw_point_init(&p);
	assert_int_equal(sw_point_set_attr(&p, "running_slope_pct", &a, &err), SW_OK);
	assert_int_equal(sw_point_set_attr(&p, "surface", &b, &err), SW_OK);
	assert_int_equal(p.nattrs, 2);
	a.r = 9.0;
	assert_int_equal(sw_point_set_attr(&p, "running_slope_pct", &a, &err), SW_OK);
	assert_int_equal(p.nattrs, 2);
	assert_true(sw_point_get_attr(&p, "running_slope_pct")->r == 9.0);
	/* the value is copied, not borrowed */
	assert_ptr_not_equal(sw_point_get_attr(&p, "surface")->s, b.s);
	assert_int_equal(sw_point_set_attr(&p, "running_slope_pct", &nul, &err), SW_OK);
	assert_int_equal(p.nattrs, 1);
	assert_null(sw_point_get_attr(&p, "running_slope_pct"));
	assert_string_equal(p.attrs[0].name, "surface");
	sw_point_clear(&p);
}

static void copy_is_deep(void **state)
{
	struct sw_point p, q;
	struct sw_error err = {0};
	struct sw_value v = {.t = SW_V_TEXT, .s = "clinker"};

	(void)state;
	sw_point_init(&p);
	sw_point_init(&q);
	sw_uuid_v4(p.uuid);
	p.x = 105000;
	p.y = 425000;
	assert_int_equal(sw_point_set_str(&p.type, "kerb_ramp", &err), SW_OK);
	assert_int_equal(sw_point_set_attr(&p, "surface", &v, &err), SW_OK);
	assert_int_equal(sw_point_copy(&q, &p, &err), SW_OK);
	assert_string_equal(q.uuid, p.uuid);
	assert_string_equal(q.type, "kerb_ramp");
	assert_ptr_not_equal(q.type, p.type);
	assert_true(sw_value_equal(sw_point_get_attr(&q, "surface"), &v));
	assert_ptr_not_equal(q.attrs[0].v.s, p.attrs[0].v.s);
	assert_true(q.x == 105000 && q.y == 425000);
	/* copying onto itself keeps the point */
	assert_int_equal(sw_point_copy(&q, &q, &err), SW_OK);
	assert_string_equal(q.type, "kerb_ramp");
	sw_point_clear(&p);
	sw_point_clear(&q);
}

static void uuid_v4_is_valid_lowercase_and_random(void **state)
{
	char a[SW_UUID_LEN + 1], b[SW_UUID_LEN + 1];
	size_t i;

	(void)state;
	sw_uuid_v4(a);
	sw_uuid_v4(b);
	assert_true(sw_uuid_valid(a));
	assert_string_not_equal(a, b);
	assert_int_equal(a[14], '4');
	for (i = 0; i < SW_UUID_LEN; i++)
		assert_false(a[i] >= 'A' && a[i] <= 'F');
}

static void uuid_valid_rejects_malformed(void **state)
{
	(void)state;
	assert_true(sw_uuid_valid("0f8fad5b-d9cb-469f-a165-70867728950e"));
	assert_false(sw_uuid_valid(NULL));
	assert_false(sw_uuid_valid(""));
	assert_false(sw_uuid_valid("0f8fad5b-d9cb-469f-a165-70867728950"));
	assert_false(sw_uuid_valid("0f8fad5bd-9cb-469f-a165-70867728950e"));
	assert_false(sw_uuid_valid("0f8fad5b-d9cb-469f-a165-70867728950g"));
}

static void now_iso_is_valid_utc(void **state)
{
	char buf[32];

	(void)state;
	sw_now_iso(buf, sizeof buf);
	assert_int_equal(strlen(buf), 20);
	assert_int_equal(buf[19], 'Z');
	assert_true(sw_iso8601_valid(buf));
}

static void iso8601_accepts_zones_and_fractions(void **state)
{
	(void)state;
	assert_true(sw_iso8601_valid("2026-11-29T19:40Z"));
	assert_true(sw_iso8601_valid("2026-11-29T19:40:12Z"));
	assert_true(sw_iso8601_valid("2026-11-29T19:40:12.345+01:00"));
	assert_true(sw_iso8601_valid("2024-02-29T00:00:00-05:30"));
}

static void iso8601_rejects_bad_dates_and_missing_zone(void **state)
{
	(void)state;
	assert_false(sw_iso8601_valid(NULL));
	assert_false(sw_iso8601_valid("2026-11-29T19:40:12"));
	assert_false(sw_iso8601_valid("2026-11-29 19:40:12Z"));
	assert_false(sw_iso8601_valid("2026-13-01T00:00Z"));
	assert_false(sw_iso8601_valid("2026-02-29T00:00Z"));
	assert_false(sw_iso8601_valid("2026-11-29T24:00Z"));
	assert_false(sw_iso8601_valid("2026-11-29T19:40:12.Z"));
	assert_false(sw_iso8601_valid("2026-11-29T19:40:12Zjunk"));
	assert_false(sw_iso8601_valid("2026-11-29T19:40+0100"));
}

static void check_text(const struct sw_value *v, const char *want)
{
	char *s = sw_value_to_text(v);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void value_to_text_shortest_round_trip(void **state)
{
	struct sw_value v = {.t = SW_V_REAL};
	double samples[] = {0.1, 1.0 / 3.0, 105000.123, 1e-300, -2.5e17, 4.662143718};
	size_t i;

	(void)state;
	v.r = 8.5;
	check_text(&v, "8.5");
	v.r = 0.1;
	check_text(&v, "0.1");
	v.r = 12;
	check_text(&v, "12");
	for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		char *s;

		v.r = samples[i];
		s = sw_value_to_text(&v);
		assert_true(strtod(s, NULL) == samples[i]);
		free(s);
	}
	v.r = 0.1 + 0.2; /* needs 17 digits */
	check_text(&v, "0.30000000000000004");
}

static void value_to_text_ints_text_and_null(void **state)
{
	struct sw_value i = {.t = SW_V_INT, .i = -9007199254740993LL};
	struct sw_value t = {.t = SW_V_TEXT, .s = "natural_stone"};
	struct sw_value n = {.t = SW_V_NULL};

	(void)state;
	check_text(&i, "-9007199254740993");
	check_text(&t, "natural_stone");
	assert_null(sw_value_to_text(&n));
	assert_null(sw_value_to_text(NULL));
}

static void value_to_text_ignores_comma_locale(void **state)
{
	struct sw_value v = {.t = SW_V_REAL, .r = 8.5};

	(void)state;
	if (!comma_locale_on()) {
		comma_locale_off();
		skip();
	}
	check_text(&v, "8.5");
	v.r = 0.1 + 0.2;
	check_text(&v, "0.30000000000000004");
	comma_locale_off();
}

static void value_equal_and_copy(void **state)
{
	struct sw_value a = {.t = SW_V_TEXT, .s = "x"};
	struct sw_value b = {0}, r1 = {.t = SW_V_REAL, .r = 1}, i1 = {.t = SW_V_INT, .i = 1};
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(sw_value_copy(&b, &a, &err), SW_OK);
	assert_true(sw_value_equal(&a, &b));
	assert_ptr_not_equal(a.s, b.s);
	assert_false(sw_value_equal(&r1, &i1));
	assert_true(sw_value_equal(NULL, &(struct sw_value){.t = SW_V_NULL}));
	sw_value_clear(&b);
	assert_int_equal(b.t, SW_V_NULL);
	assert_null(b.s);
	sw_value_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(init_sets_accuracy_unknown),
	    cmocka_unit_test(set_str_replaces_and_clears),
	    cmocka_unit_test(set_attr_adds_replaces_and_removes),
	    cmocka_unit_test(copy_is_deep),
	    cmocka_unit_test(uuid_v4_is_valid_lowercase_and_random),
	    cmocka_unit_test(uuid_valid_rejects_malformed),
	    cmocka_unit_test(now_iso_is_valid_utc),
	    cmocka_unit_test(iso8601_accepts_zones_and_fractions),
	    cmocka_unit_test(iso8601_rejects_bad_dates_and_missing_zone),
	    cmocka_unit_test(value_to_text_shortest_round_trip),
	    cmocka_unit_test(value_to_text_ints_text_and_null),
	    cmocka_unit_test(value_to_text_ignores_comma_locale),
	    cmocka_unit_test(value_equal_and_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
