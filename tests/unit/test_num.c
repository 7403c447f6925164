/* test_num.c - numbers and UTF-8 text, run as a library is called from
 * anywhere: the whole process in nl_NL.UTF-8 (decimal comma), and no
 * main() resetting LC_NUMERIC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comma_locale.h"
#include "schouw/norm.h"
#include "schouw/num.h"
#include "schouw/point.h"
#include "schouw/utf8.h"

static locale_t c_loc;

static int setup(void **state)
{
	(void)state;
	if (!comma_locale_nl_on())
		return -1; /* the whole group fails: deps.sh did not generate it */
	c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return c_loc == (locale_t)0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	comma_locale_nl_off();
	freelocale(c_loc);
	return 0;
}

/* What C's strtod makes of s in the C locale: the reference. */
static double c_strtod(const char *s)
{
	return strtod_l(s, NULL, c_loc);
}

/* The reference formatter: shortest of %.15g..%.17g, printed in the C
 * locale the slow way (uselocale per call). */
static void ref_format(double v, char *buf, size_t len)
{
	locale_t old = uselocale(c_loc);

	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod_l(buf, NULL, c_loc) == v)
			break;
	}
	uselocale(old);
}

static bool parses(const char *s, unsigned flags, double *out)
{
	*out = -12345.0;
	return sw_num_parse(s, flags, out);
}

static void locale_really_has_a_decimal_comma(void **state)
{
	char buf[32];

	(void)state;
	/* otherwise every test below proves nothing */
	assert_true(strtod("8,5", NULL) == 8.5);
	snprintf(buf, sizeof buf, "%g", 1.5);
	assert_string_equal(buf, "1,5");
}

static void parse_point_whatever_the_locale(void **state)
{
	double d;

	(void)state;
	assert_true(parses("1.4", SW_NUM_STRICT, &d));
	assert_true(d == 1.4);
	assert_true(parses("-3.25", SW_NUM_STRICT, &d));
	assert_true(d == -3.25);
	assert_true(parses("+7", SW_NUM_STRICT, &d));
	assert_true(d == 7.0);
	assert_true(parses(".5", SW_NUM_STRICT, &d));
	assert_true(d == 0.5);
	assert_true(parses("5.", SW_NUM_STRICT, &d));
	assert_true(d == 5.0);
	assert_true(parses("51.811382782", SW_NUM_STRICT, &d));
	assert_true(d == c_strtod("51.811382782"));
	assert_true(parses("1e-300", SW_NUM_STRICT, &d));
	assert_true(d == c_strtod("1e-300"));
	assert_true(parses("2.5E+3", SW_NUM_STRICT, &d));
	assert_true(d == 2500.0);
}

static void parse_decimal_comma_only_when_allowed(void **state)
{
	double d;

	(void)state;
	assert_true(parses("8,5", SW_NUM_COMMA, &d));
	assert_true(d == 8.5);
	assert_true(parses("-0,25", SW_NUM_COMMA, &d));
	assert_true(d == -0.25);
	assert_false(parses("8,5", SW_NUM_STRICT, &d));
	assert_true(d == -12345.0); /* untouched on failure */
	/* both marks: a thousands separator, never guessed */
	assert_false(parses("1,000.5", SW_NUM_COMMA, &d));
	assert_false(parses("1.000,5", SW_NUM_COMMA, &d));
	assert_false(parses("1,2,3", SW_NUM_COMMA, &d));
	assert_false(parses("1.000.000", SW_NUM_COMMA, &d));
}

static void parse_blanks_only_when_trimmed(void **state)
{
	double d;

	(void)state;
	assert_false(parses(" 8", SW_NUM_STRICT, &d));
	assert_false(parses("8 ", SW_NUM_STRICT, &d));
	assert_true(parses(" 8", SW_NUM_TRIM, &d));
	assert_true(d == 8.0);
	assert_true(parses("8 ", SW_NUM_TRIM, &d));
	assert_true(parses("\t\r\n 8,5 \n", SW_NUM_TRIM | SW_NUM_COMMA, &d));
	assert_true(d == 8.5);
	assert_false(parses("8 5", SW_NUM_TRIM, &d));
	assert_false(parses("- 8", SW_NUM_TRIM, &d));
	assert_false(parses("   ", SW_NUM_TRIM, &d));
}

static void parse_refuses_junk_nan_and_infinity(void **state)
{
	static const char *bad[] = {"",     "abc",   "nan",    "NaN",  "inf", "-inf", "infinity",
	                            "0x10", "1e400", "-1e400", ".",    "-",   "+",    "e5",
	                            "5e",   "5e+",   "8.5m",   "1..2", "--1", "8,5,", "1e5.5"};
	double d;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (parses(bad[i], SW_NUM_COMMA | SW_NUM_TRIM, &d))
			fail_msg("'%s' was read as %g", bad[i], d);
	}
	assert_false(sw_num_parse(NULL, SW_NUM_STRICT, &d));
}

static void parse_extremes(void **state)
{
	double d;

	(void)state;
	assert_true(parses("-0", SW_NUM_STRICT, &d));
	assert_true(d == 0.0 && signbit(d));
	assert_true(parses("-0,0", SW_NUM_COMMA, &d));
	assert_true(d == 0.0 && signbit(d));
	assert_true(parses("1.7976931348623157e308", SW_NUM_STRICT, &d));
	assert_true(d == DBL_MAX);
	assert_true(parses("1e308", SW_NUM_STRICT, &d));
	assert_true(d == 1e308);
	assert_false(parses("1.8e308", SW_NUM_STRICT, &d));
	/* below the smallest double: the nearest one, as strtod gives it */
	assert_true(parses("4e-324", SW_NUM_STRICT, &d));
	assert_true(d == c_strtod("4e-324"));
	assert_true(parses("1e-400", SW_NUM_STRICT, &d));
	assert_true(d == 0.0);
	/* more digits than a double holds: rounded as strtod rounds */
	assert_true(parses("123456789012345678901234567890", SW_NUM_STRICT, &d));
	assert_true(d == c_strtod("123456789012345678901234567890"));
	assert_true(parses("0.1000000000000000055511151231257827", SW_NUM_STRICT, &d));
	assert_true(d == 0.1);
	assert_true(parses("9007199254740993", SW_NUM_STRICT, &d)); /* 2^53 + 1 */
	assert_true(d == c_strtod("9007199254740993"));
	assert_true(parses("0.000000000000000000000000000000000000000000001", SW_NUM_STRICT, &d));
	assert_true(d == 1e-45);
}

static void parse_whole_numbers(void **state)
{
	double d;

	(void)state;
	assert_true(parses("8", SW_NUM_WHOLE, &d));
	assert_true(d == 8.0);
	assert_true(parses("8,0", SW_NUM_WHOLE | SW_NUM_COMMA, &d));
	assert_true(parses("-12.000", SW_NUM_WHOLE, &d));
	assert_true(d == -12.0);
	assert_false(parses("8.5", SW_NUM_WHOLE, &d));
	assert_false(parses("8,01", SW_NUM_WHOLE | SW_NUM_COMMA, &d));
	assert_false(parses("1e2", SW_NUM_WHOLE, &d));
}

/* Random decimal texts in many shapes: the fast exact path must agree with
 * strtod bit for bit. */
static void parse_agrees_with_strtod(void **state)
{
	char buf[80];
	double d;

	(void)state;
	srand(20261203);
	for (int i = 0; i < 200000; i++) {
		unsigned long long k = ((unsigned long long)rand() << 31 | (unsigned)rand()) %
		                       (i % 3 == 0 ? 100000ULL : 10000000000000000000ULL);
		int frac = rand() % 25, ex = rand() % 60 - 30;

		if (i % 2 == 0)
			snprintf(buf, sizeof buf, "%s%llu.%0*d", i % 4 ? "" : "-", k, frac % 4 + 1,
			         rand() % 1000);
		else
			snprintf(buf, sizeof buf, "%llue%d", k, ex);
		if (!parses(buf, SW_NUM_STRICT, &d))
			fail_msg("'%s' refused", buf);
		if (memcmp(&d, &(double){c_strtod(buf)}, sizeof d) != 0)
			fail_msg("'%s': %.17g, strtod %.17g", buf, d, c_strtod(buf));
	}
}

static void scan_leaves_the_unit(void **state)
{
	double d = 0;

	(void)state;
	assert_int_equal(sw_num_scan("25cm", 4, SW_NUM_STRICT, &d), 2);
	assert_true(d == 25.0);
	assert_int_equal(sw_num_scan("1,5 m", 5, SW_NUM_COMMA, &d), 3);
	assert_true(d == 1.5);
	assert_int_equal(sw_num_scan(" 8 %", 4, SW_NUM_TRIM, &d), 2);
	assert_true(d == 8.0);
	assert_int_equal(sw_num_scan("5e", 2, SW_NUM_STRICT, &d), 1);
	assert_int_equal(sw_num_scan("m", 1, SW_NUM_STRICT, &d), 0);
	/* only len bytes are read, whatever follows */
	assert_true(sw_num_parse_n("12345", 3, SW_NUM_STRICT, &d));
	assert_true(d == 123.0);
	assert_true(sw_num_parse_n("8,5;9", 3, SW_NUM_COMMA, &d));
	assert_true(d == 8.5);
	assert_false(sw_num_parse_n("8,5;9", 4, SW_NUM_COMMA, &d));
}

static void check_format(double v, const char *want)
{
	char buf[SW_NUM_BUF];
	size_t n = sw_num_format(v, buf);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void format_shortest_with_a_point(void **state)
{
	(void)state;
	check_format(1.4, "1.4"); /* "%.17g" writes 1.3999999999999999 */
	check_format(nextafter(1.4, 0), "1.3999999999999997");
	check_format(0.1 + 0.2, "0.30000000000000004");
	check_format(8.5, "8.5");
	check_format(19, "19");
	check_format(-3.25, "-3.25");
	check_format(101969.327, "101969.327");
	check_format(0.001, "0.001");
	check_format(0.0001, "0.0001");
	check_format(1e-5, "1e-05");
	check_format(1e-300, "1e-300");
	check_format(0.0, "0");
	check_format(-0.0, "-0");
	check_format(123456789012345.0, "123456789012345");
	check_format(1e15, "1e+15");
	check_format(1e300, "1e+300");
	check_format(DBL_MAX, "1.7976931348623157e+308");
	check_format(5e-324, "4.94065645841247e-324"); /* 15 digits read back */
	check_format(NAN, "nan");
	check_format(-NAN, "nan");
	check_format(INFINITY, "inf");
	check_format(-INFINITY, "-inf");
}

static void check_json(double v, const char *want)
{
	char buf[SW_NUM_BUF];
	size_t n = sw_num_format_json(v, buf);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void format_json_as_jansson(void **state)
{
	(void)state;
	check_json(1.4, "1.4");
	check_json(19, "19.0");
	check_json(-0.0, "-0.0");
	check_json(1e-5, "1e-5");
	check_json(1e15, "1e15");
	check_json(-2.5e-300, "-2.5e-300");
	check_json(DBL_MAX, "1.7976931348623157e308");
	check_json(NAN, "null");
	check_json(INFINITY, "null");
}

/* Random doubles of every magnitude, and short decimals (the fast path):
 * the text is the reference's, with a '.', and reads back exactly. */
static void format_agrees_with_reference(void **state)
{
	char got[SW_NUM_BUF], want[64];

	(void)state;
	srand(42);
	for (int i = 0; i < 200000; i++) {
		double v;

		if (i % 2 == 0) {
			uint64_t bits =
			    (uint64_t)rand() << 62 ^ (uint64_t)rand() << 31 ^ (uint64_t)rand();
			memcpy(&v, &bits, sizeof v);
			if (!isfinite(v))
				continue;
		} else {
			v = (double)(rand() % 2000000 - 1000000) / pow(10, rand() % 12);
		}
		sw_num_format(v, got);
		ref_format(v, want, sizeof want);
		if (strcmp(got, want) != 0)
			fail_msg("%a: got %s, want %s", v, got, want);
		if (strchr(got, ',') != NULL || strtod_l(got, NULL, c_loc) != v)
			fail_msg("%a: %s does not read back", v, got);
	}
}

static void format_and_parse_round_trip(void **state)
{
	static const double vals[] = {1.4,     0.1 + 0.2, 1e-300,      -0.0,
	                              DBL_MAX, 8.5,       4.662143718, 1e22};
	char buf[SW_NUM_BUF];
	double d;

	(void)state;
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		sw_num_format(vals[i], buf);
		assert_true(sw_num_parse(buf, SW_NUM_STRICT, &d));
		assert_memory_equal(&d, &vals[i], sizeof d);
	}
}

/* The library's own readers and writers under the comma locale. */
static void units_and_values_ignore_the_locale(void **state)
{
	const struct sw_unit *cm = sw_unit_find("cm");
	struct sw_value v = {.t = SW_V_REAL, .r = 1.4};
	char *t;
	double base;

	(void)state;
	assert_non_null(cm);
	assert_true(sw_unit_parse(cm, "8.5", &base));
	assert_true(base == sw_unit_to_base(cm, 8.5));
	assert_true(sw_unit_parse(cm, "8,5", &base));
	assert_true(base == sw_unit_to_base(cm, 8.5));
	assert_false(sw_unit_parse(cm, "1,000.5", &base));
	t = sw_value_to_text(&v);
	assert_string_equal(t, "1.4");
	free(t);
}

/* ---- UTF-8 ---- */

static void utf8_char_lengths(void **state)
{
	(void)state;
	assert_int_equal(sw_utf8_char_len("a", 1), 1);
	assert_int_equal(sw_utf8_char_len("\xC3\xA9", 2), 2);         /* U+00E9 */
	assert_int_equal(sw_utf8_char_len("\xE2\x82\xAC", 3), 3);     /* U+20AC */
	assert_int_equal(sw_utf8_char_len("\xF0\x9F\x9A\xB6", 4), 4); /* U+1F6B6 */
	assert_int_equal(sw_utf8_char_len("\xF4\x8F\xBF\xBF", 4), 4); /* U+10FFFF */
	assert_int_equal(sw_utf8_char_len("\xEF\xBF\xBF", 3), 3);     /* U+FFFF */
	assert_int_equal(sw_utf8_char_len("", 0), 0);
	assert_int_equal(sw_utf8_char_len("\xE2\x82\xAC", 2), 0); /* truncated by len */
}

static void utf8_refuses_bad_sequences(void **state)
{
	static const char *bad[] = {
	    "\xC0\xAF",         /* overlong '/' */
	    "\xC1\xBF",         /* overlong */
	    "\xE0\x80\xAF",     /* overlong, 3 bytes */
	    "\xE0\x9F\xBF",     /* overlong U+07FF */
	    "\xF0\x80\x80\xAF", /* overlong, 4 bytes */
	    "\xF0\x8F\xBF\xBF", /* overlong U+FFFF */
	    "\xED\xA0\x80",     /* surrogate D800 */
	    "\xED\xBF\xBF",     /* surrogate DFFF */
	    "\xF4\x90\x80\x80", /* U+110000 */
	    "\xF5\x80\x80\x80",
	    "\xF8\x88\x80\x80\x80",
	    "\xFF",
	    "\xFE",
	    "\x80", /* lone continuation */
	    "\xC3", /* truncated */
	    "\xE2\x82",
	    "\xF0\x9F\x9A",
	    "\xE2\x28\xA1", /* bad continuation */
	    "\xC3\xC3\xA9",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t len = strlen(bad[i]);

		if (sw_utf8_valid(bad[i], len))
			fail_msg("bad sequence %zu accepted", i);
		assert_int_equal(sw_utf8_char_len(bad[i], len), 0);
		assert_int_equal(sw_utf8_valid_prefix(bad[i], len), 0);
	}
}

static void utf8_valid_prefix_names_the_bad_byte(void **state)
{
	const char *s = "Grote Kerk \xE2\x82\xAC 5";
	const char *t = "ab\xC3\xA9\xED\xA0\x80z";

	(void)state;
	assert_int_equal(sw_utf8_valid_prefix(s, strlen(s)), strlen(s));
	assert_true(sw_utf8_valid(s, strlen(s)));
	assert_int_equal(sw_utf8_valid_prefix(t, strlen(t)), 4);
	assert_int_equal(sw_utf8_valid_prefix("ab\xC3", 3), 2);
	assert_true(sw_utf8_valid("", 0));
	assert_true(sw_utf8_valid(NULL, 0));
}

static void utf8_cut_on_a_character_boundary(void **state)
{
	const char *two = "a\xC3\xA9"; /* a é */
	const char *three = "a\xE2\x82\xAC"
	                    "b";                /* a € b */
	const char *four = "\xF0\x9F\x9A\xB6x"; /* 🚶 x */

	(void)state;
	assert_int_equal(sw_utf8_cut(two, 3, 10), 3); /* fits */
	assert_int_equal(sw_utf8_cut(two, 3, 3), 3);
	assert_int_equal(sw_utf8_cut(two, 3, 2), 1); /* inside the 2-byte é */
	assert_int_equal(sw_utf8_cut(three, 5, 2), 1);
	assert_int_equal(sw_utf8_cut(three, 5, 3), 1); /* inside the 3-byte € */
	assert_int_equal(sw_utf8_cut(three, 5, 4), 4);
	assert_int_equal(sw_utf8_cut(four, 5, 1), 0); /* inside the 4-byte 🚶 */
	assert_int_equal(sw_utf8_cut(four, 5, 2), 0);
	assert_int_equal(sw_utf8_cut(four, 5, 3), 0);
	assert_int_equal(sw_utf8_cut(four, 5, 4), 4);
	assert_int_equal(sw_utf8_cut(four, 5, 0), 0);
	/* not UTF-8 at all: cut byte-wise rather than walk back forever */
	assert_int_equal(sw_utf8_cut("\x80\x80\x80\x80\x80\x80", 6, 5), 5);
}

/* Every cut of a mixed text is valid, as long as allowed, and no longer
 * one would fit. */
static void utf8_every_cut_is_valid_and_longest(void **state)
{
	const char *s = "Op-/afrit \xC3\xA9\xE2\x82\xAC\xF0\x9F\x9A\xB6 bij de Grote Kerk \xC3\xB6";
	size_t len = strlen(s);

	(void)state;
	for (size_t max = 0; max <= len + 1; max++) {
		size_t n = sw_utf8_cut(s, len, max);

		assert_true(n <= max && n <= len);
		assert_true(sw_utf8_valid(s, n));
		if (n < len)
			assert_true(n + sw_utf8_char_len(s + n, len - n) > max);
	}
}

static void utf8_json_quote_as_jansson(void **state)
{
	const char *s = "a\"b\\c\n\t\x01\x7f \xE2\x82\xAC";
	char out[SW_UTF8_JSON_ROOM(32)];
	size_t n = sw_utf8_json_quote(s, strlen(s), out);

	(void)state;
	assert_string_equal(out, "\"a\\\"b\\\\c\\n\\t\\u0001\x7f \xE2\x82\xAC\"");
	assert_int_equal(n, strlen(out));
	assert_int_equal(sw_utf8_json_quote("", 0, out), 2);
	assert_string_equal(out, "\"\"");
	assert_int_equal(sw_utf8_json_quote("ab\xC3", 3, out), 0);
}

/* Fixed-point text from a scaled whole number equals "%.Nf" of k / 10^N. */
static void format_scaled_as_printf(void **state)
{
	static const long long ks[] = {0, 1, -1, 999, 1000, -1001, 104897327, -425327001,
	                               999999999999999LL};
	char buf[SW_NUM_BUF], ref[64];
	(void)state;

	for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
		for (int d = 0; d <= 9; d++) {
			size_t n = sw_num_format_scaled(ks[i], d, buf);
			long long p = 1, ip, fp;

			for (int j = 0; j < d; j++)
				p *= 10;
			ip = llabs(ks[i]) / p;
			fp = llabs(ks[i]) % p;
			if (d == 0)
				snprintf(ref, sizeof ref, "%s%lld", ks[i] < 0 ? "-" : "", ip);
			else
				snprintf(ref, sizeof ref, "%s%lld.%0*lld", ks[i] < 0 ? "-" : "", ip, d, fp);
			buf[n] = '\0';
			assert_string_equal(buf, ref);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(locale_really_has_a_decimal_comma),
	    cmocka_unit_test(parse_point_whatever_the_locale),
	    cmocka_unit_test(parse_decimal_comma_only_when_allowed),
	    cmocka_unit_test(parse_blanks_only_when_trimmed),
	    cmocka_unit_test(parse_refuses_junk_nan_and_infinity),
	    cmocka_unit_test(parse_extremes),
	    cmocka_unit_test(parse_whole_numbers),
	    cmocka_unit_test(parse_agrees_with_strtod),
	    cmocka_unit_test(scan_leaves_the_unit),
	    cmocka_unit_test(format_shortest_with_a_point),
	    cmocka_unit_test(format_json_as_jansson),
	    cmocka_unit_test(format_scaled_as_printf),
	    cmocka_unit_test(format_agrees_with_reference),
	    cmocka_unit_test(format_and_parse_round_trip),
	    cmocka_unit_test(units_and_values_ignore_the_locale),
	    cmocka_unit_test(utf8_char_lengths),
	    cmocka_unit_test(utf8_refuses_bad_sequences),
	    cmocka_unit_test(utf8_valid_prefix_names_the_bad_byte),
	    cmocka_unit_test(utf8_cut_on_a_character_boundary),
	    cmocka_unit_test(utf8_every_cut_is_valid_and_longest),
	    cmocka_unit_test(utf8_json_quote_as_jansson),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
