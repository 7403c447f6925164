/* test_date.c - calendar arithmetic (Amsterdam days, --as-of bounds, long
 * dates) and the report's grouped numbers, whatever the locale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "schouw/date.h"
#include "schouw/report.h"

static void test_days_round_trip(void **state)
{
	int y, m, d;

	(void)state;
	assert_int_equal(sw_date_days(1970, 1, 1), 0);
	assert_int_equal(sw_date_days(2000, 3, 1), 11017);
	for (long long k = -800000; k < 800000; k += 997) {
		sw_date_civil(k, &y, &m, &d);
		assert_int_equal(sw_date_days(y, m, d), k);
	}
}

static void test_amsterdam_offset(void **state)
{
	long long t;

	(void)state;
	/* CEST from 2025-03-30T01:00Z to 2025-10-26T01:00Z */
	assert_true(sw_date_parse_instant("2025-03-30T00:59:59Z", &t));
	assert_int_equal(sw_date_ams_offset(t), 3600);
	assert_true(sw_date_parse_instant("2025-03-30T01:00:00Z", &t));
	assert_int_equal(sw_date_ams_offset(t), 7200);
	assert_true(sw_date_parse_instant("2025-10-26T00:59:59Z", &t));
	assert_int_equal(sw_date_ams_offset(t), 7200);
	assert_true(sw_date_parse_instant("2025-10-26T01:00:00Z", &t));
	assert_int_equal(sw_date_ams_offset(t), 3600);
}

static void iso(long long t, const char *want)
{
	char buf[32];

	sw_date_iso_utc(t, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void test_as_of_bounds(void **state)
{
	long long b;

	(void)state;
	assert_true(sw_date_parse_as_of("2025-06-30", &b)); /* summer: end at 22:00Z */
	iso(b, "2025-06-30T22:00:00Z");
	assert_true(sw_date_parse_as_of("2025-12-31", &b)); /* winter: 23:00Z */
	iso(b, "2025-12-31T23:00:00Z");
	assert_true(sw_date_parse_as_of("2025-06-30T17:00:00+02:00", &b));
	iso(b, "2025-06-30T15:00:01Z");
	assert_true(sw_date_parse_as_of("2025-01-15T12:00:00", &b)); /* Amsterdam time */
	iso(b, "2025-01-15T11:00:01Z");
	assert_false(sw_date_parse_as_of("2025-02-29", &b));
	assert_false(sw_date_parse_as_of("2025-06-31", &b));
	assert_false(sw_date_parse_as_of("30-06-2025", &b));
	assert_false(sw_date_parse_as_of("2025-06-30T24:00", &b));
	assert_false(sw_date_parse_as_of("", &b));
	assert_false(sw_date_parse_as_of(NULL, &b));
	assert_true(sw_date_parse_as_of("2024-02-29", &b));
}

static void test_midnight_carries(void **state)
{
	(void)state;
	iso(sw_date_ams_midnight(2025, 13, 1), "2025-12-31T23:00:00Z");
	iso(sw_date_ams_midnight(2025, 7, 1), "2025-06-30T22:00:00Z");
	iso(sw_date_ams_midnight(2025, 2, 29), "2025-02-28T23:00:00Z"); /* 1 March */
}

static void test_long_dates(void **state)
{
	char buf[48];

	(void)state;
	sw_date_long(2025, 6, 30, true, buf, sizeof buf);
	assert_string_equal(buf, "30 juni 2025");
	sw_date_long(2025, 3, 1, true, buf, sizeof buf);
	assert_string_equal(buf, "1 maart 2025");
	sw_date_long(2025, 6, 30, false, buf, sizeof buf);
	assert_string_equal(buf, "30 June 2025");
	assert_int_equal(sw_date_long(2025, 13, 1, true, buf, sizeof buf), 0);
	sw_date_long(2025, 9, 30, true, buf, 6);
	assert_string_equal(buf, "30 se");
}

static void test_report_numbers(void **state)
{
	char buf[48];

	(void)state;
	sw_report_num(1234.5, 1, true, buf, sizeof buf);
	assert_string_equal(buf, "1.234,5");
	sw_report_num(1234.5, 1, false, buf, sizeof buf);
	assert_string_equal(buf, "1,234.5");
	sw_report_num(-1234567, 0, true, buf, sizeof buf);
	assert_string_equal(buf, "-1.234.567");
	sw_report_num(999, 0, true, buf, sizeof buf);
	assert_string_equal(buf, "999");
	sw_report_num(66.666, 1, true, buf, sizeof buf);
	assert_string_equal(buf, "66,7");
	sw_report_num(0, 2, true, buf, sizeof buf);
	assert_string_equal(buf, "0,00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_days_round_trip), cmocka_unit_test(test_amsterdam_offset),
	    cmocka_unit_test(test_as_of_bounds),    cmocka_unit_test(test_midnight_carries),
	    cmocka_unit_test(test_long_dates),      cmocka_unit_test(test_report_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
