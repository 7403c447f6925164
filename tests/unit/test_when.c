/* test_when.c - times as people write them: zone-less times read as
 * Europe/Amsterdam (winter, summer, the DST gap and overlap), Excel's d-m-y. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schouw/when.h"

static void expect(const char *in, bool day_first, const char *want, unsigned want_flags)
{
	char out[SW_TIME_BUF];
	struct sw_error err = {0};
	unsigned fl = 0xff;

	if (sw_time_parse(in, day_first, out, &fl, &err) != SW_OK)
		fail_msg("'%s': %s", in, err.msg);
	assert_string_equal(out, want);
	assert_int_equal(fl & ~(unsigned)SW_TIME_REWRITTEN, want_flags);
}

static void refuse(const char *in, bool day_first, const char *part)
{
	char out[SW_TIME_BUF];
	struct sw_error err = {0};

	assert_int_equal(sw_time_parse(in, day_first, out, NULL, &err), SW_ERR_INPUT);
	if (strstr(err.msg, part) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", in, err.msg, part);
	assert_string_equal(out, "");
}

static void iso_with_zone_is_kept(void **state)
{
	(void)state;
	expect("2025-03-01T10:00:00+01:00", false, "2025-03-01T10:00:00+01:00", 0);
	expect("2025-07-01T10:00:00Z", false, "2025-07-01T10:00:00Z", 0);
	expect(" 2025-07-01 10:00+0200 ", false, "2025-07-01T10:00:00+02:00", 0);
	expect("2025-07-01T10:00:00.250-04:00", false, "2025-07-01T10:00:00.250-04:00", 0);
}

static void winter_and_summer_time(void **state)
{
	(void)state;
	expect("2025-03-01 10:00", false, "2025-03-01T10:00:00+01:00", SW_TIME_ZONE_ASSUMED);
	expect("2025-07-14T16:30:05", false, "2025-07-14T16:30:05+02:00", SW_TIME_ZONE_ASSUMED);
	/* the last minute of winter time and the first of summer time */
	expect("2025-03-30 01:59", false, "2025-03-30T01:59:00+01:00", SW_TIME_ZONE_ASSUMED);
	expect("2025-03-30 03:00", false, "2025-03-30T03:00:00+02:00", SW_TIME_ZONE_ASSUMED);
	expect("2025-10-26 01:59", false, "2025-10-26T01:59:00+02:00", SW_TIME_ZONE_ASSUMED);
	expect("2025-10-26 03:00", false, "2025-10-26T03:00:00+01:00", SW_TIME_ZONE_ASSUMED);
	/* 2026: the rule, not a table of 2025 */
	expect("2026-03-29 03:30", false, "2026-03-29T03:30:00+02:00", SW_TIME_ZONE_ASSUMED);
	expect("2026-03-28 03:30", false, "2026-03-28T03:30:00+01:00", SW_TIME_ZONE_ASSUMED);
	/* a date alone is midnight there */
	expect("2025-08-01", false, "2025-08-01T00:00:00+02:00",
	       SW_TIME_ZONE_ASSUMED | SW_TIME_MIDNIGHT);
}

static void independent_of_the_process_zone(void **state)
{
	(void)state;
	/* the offset comes from the zone data, not from TZ */
	setenv("TZ", "America/New_York", 1);
	tzset();
	expect("2025-07-14 16:30", false, "2025-07-14T16:30:00+02:00", SW_TIME_ZONE_ASSUMED);
	unsetenv("TZ");
	tzset();
}

static void gap_and_overlap_are_refused(void **state)
{
	int off = 0;
	struct sw_error err = {0};

	(void)state;
	/* 02:30 on 30 March 2025 never happened: the clocks jumped 02:00 -> 03:00 */
	refuse("2025-03-30 02:30", false, "does not exist");
	refuse("2025-03-30 02:00", false, "+01:00 to +02:00");
	/* 02:30 on 26 October 2025 happened twice */
	refuse("2025-10-26 02:30", false, "happened twice");
	refuse("2025-10-26 02:59", true, "+02:00 (summer time) or +01:00 (winter time)");
	/* with its offset it is fine */
	expect("2025-10-26T02:30:00+01:00", false, "2025-10-26T02:30:00+01:00", 0);
	assert_int_equal(sw_time_amsterdam_offset(2025, 1, 15, 12, 0, 0, &off, &err), SW_OK);
	assert_int_equal(off, 3600);
	assert_int_equal(sw_time_amsterdam_offset(2025, 6, 15, 12, 0, 0, &off, &err), SW_OK);
	assert_int_equal(off, 7200);
}

static void excel_day_month_year(void **state)
{
	(void)state;
	expect("1-3-2025 10:00", true, "2025-03-01T10:00:00+01:00",
	       SW_TIME_ZONE_ASSUMED | SW_TIME_DAY_FIRST);
	expect("01-03-2025", true, "2025-03-01T00:00:00+01:00",
	       SW_TIME_ZONE_ASSUMED | SW_TIME_DAY_FIRST | SW_TIME_MIDNIGHT);
	expect("1-7-2025", true, "2025-07-01T00:00:00+02:00",
	       SW_TIME_ZONE_ASSUMED | SW_TIME_DAY_FIRST | SW_TIME_MIDNIGHT);
	expect("14/7/2025 9:05:30", true, "2025-07-14T09:05:30+02:00",
	       SW_TIME_ZONE_ASSUMED | SW_TIME_DAY_FIRST);
	/* not known to be Dutch: only what can be read one way */
	expect("14-7-2025 9:05", false, "2025-07-14T09:05:00+02:00",
	       SW_TIME_ZONE_ASSUMED | SW_TIME_DAY_FIRST);
	expect("7/14/2025 9:05", false, "2025-07-14T09:05:00+02:00",
	       SW_TIME_ZONE_ASSUMED | SW_TIME_DAY_FIRST);
	refuse("1-3-2025 10:00", false, "can be 1 March or 3 January");
	refuse("1-3-2025", false, "2025-03-01 or 2025-01-03");
}

static void no_date_at_all_is_refused(void **state)
{
	(void)state;
	refuse("gisteren", true, "expected a date and time");
	refuse("", true, "expected a date and time");
	refuse("2025-02-30 10:00", true, "got '2025-02-30 10:00'");
	refuse("31-4-2025", true, "expected");
	refuse("2025-03-01 25:00", false, "expected");
	refuse("2025-03-01 10:00 tomorrow", false, "expected");
	refuse("1-3-25", true, "expected");
	refuse("2025-03-01T10:00:00+15:00", false, "expected");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(iso_with_zone_is_kept),
	    cmocka_unit_test(winter_and_summer_time),
	    cmocka_unit_test(independent_of_the_process_zone),
	    cmocka_unit_test(gap_and_overlap_are_refused),
	    cmocka_unit_test(excel_day_month_year),
	    cmocka_unit_test(no_date_at_all_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
