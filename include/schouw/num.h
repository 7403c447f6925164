/* num.h - numbers as text, the same whatever locale the process runs in.
 *
 * Every number schouw reads from a person or a file and every number it
 * writes goes through here, so "8,5" typed on a Dutch desktop, a CSV from
 * Dutch Excel, a GPX file and a server thread all read alike, and 1.4 is
 * written "1.4" everywhere (history JSON, GeoJSON, CSV, show).
 *
 * Nothing here calls setlocale or uselocale: parsing uses a C locale_t made
 * once (strtod_l) behind a fast exact path; formatting writes into a caller
 * buffer, without malloc. Safe to call from several threads.
 */
#ifndef SCHOUW_NUM_H
#define SCHOUW_NUM_H

#include <stdbool.h>
#include <stddef.h>

/* What a parser accepts beyond the strict form
 *   [+-] digits [. digits] [(e|E) [+-] digits]   (at least one digit)
 * which has no hex, nan, inf, thousands separators or blanks. */
enum sw_num_flags {
	SW_NUM_STRICT = 0,
	/* a decimal comma instead of the point: "8,5". Never both marks, so
	 * "1,000.5" (and "1.000,5") is refused, not guessed. */
	SW_NUM_COMMA = 1u << 0,
	/* blanks (space, tab, CR, LF) before and after the number are ignored */
	SW_NUM_TRIM = 1u << 1,
	/* a whole number only: no exponent, a fraction only of zeros ("8,0") */
	SW_NUM_WHOLE = 1u << 2,
};

/* Longest number text the parsers read (longer text is refused). */
#define SW_NUM_TEXT_MAX 255

/* Parse all of s (NUL-terminated) as one finite number. True and *out set
 * on success; false (and *out untouched) for anything else: empty, junk
 * before or after, NaN, infinity, a value beyond the range of double.
 * Values below the smallest double read as the nearest one (0 or subnormal).
 * s may be NULL (false). */
bool sw_num_parse(const char *s, unsigned flags, double *out);

/* The same for the len bytes at s (need not be NUL-terminated). */
bool sw_num_parse_n(const char *s, size_t len, unsigned flags, double *out);

/* Read the number at the start of s[0..len) and return the bytes used
 * (leading blanks included under SW_NUM_TRIM, trailing ones not), 0 when
 * there is none or it is not finite. For "25cm" or "1,5 m" where a unit
 * follows. */
size_t sw_num_scan(const char *s, size_t len, unsigned flags, double *out);

/* Room sw_num_format and sw_num_format_json need, NUL included:
 * "-2.2250738585072014e-308" is 24 bytes. */
#define SW_NUM_BUF 32

/* The shortest of "%.15g", "%.16g", "%.17g" that reads back as exactly v,
 * always with a '.' ("1.4", "0.30000000000000004", "1e-300", "-0", "19").
 * NaN and infinities as "nan", "inf", "-inf". buf has SW_NUM_BUF bytes;
 * returns the length written (NUL not counted). */
size_t sw_num_format(double v, char *buf);

/* The same number as a JSON real the way jansson writes one: ".0" after a
 * whole number ("19.0"), no '+' or leading zeros in the exponent ("1e-5");
 * "null" for NaN and infinities. buf has SW_NUM_BUF bytes. */
size_t sw_num_format_json(double v, char *buf);

/* v with exactly `decimals` decimals as "%.*f" writes it in the C locale
 * ("8.500", "-0.000"), for fixed-point text such as millimetres. buf has
 * len bytes (cut to fit, always NUL-terminated when len > 0); returns the
 * length written. */
size_t sw_num_format_fixed(double v, int decimals, char *buf, size_t len);

/* v with at most `decimals` decimals, trailing zeros and a bare '.' dropped,
 * "-0" as "0": 8.3333, 1.2, 36 (for tables and messages). As
 * sw_num_format_fixed otherwise. */
size_t sw_num_format_upto(double v, int decimals, char *buf, size_t len);

/* The whole number k divided by 10^decimals (0..9) with exactly that many
 * decimals, "-12.345" for (-12345, 3), without printf: for fixed-point text
 * on a hot path (derived uuids). buf has SW_NUM_BUF bytes; writes no NUL;
 * returns the length. */
size_t sw_num_format_scaled(long long k, int decimals, char *buf);

#endif
