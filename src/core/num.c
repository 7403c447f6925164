/* num.c - numbers as text, the same whatever the process locale. */
#include "schouw/num.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the C locale, made once ---- */

static locale_t c_loc = (locale_t)0;
static pthread_once_t c_loc_once = PTHREAD_ONCE_INIT;

static void c_loc_make(void)
{
	c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static locale_t c_locale(void)
{
	pthread_once(&c_loc_once, c_loc_make);
	return c_loc;
}

/* Powers of ten that a double holds exactly. */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* ---- parsing ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

size_t sw_num_scan(const char *s, size_t len, unsigned flags, double *out)
{
	char buf[SW_NUM_TEXT_MAX + 1];
	size_t i = 0, start, ndig = 0, nsig = 0, n;
	uint64_t k = 0; /* the first 19 significant digits */
	long e10 = 0;   /* value = k * 10^e10 while every digit is in k */
	bool neg = false, exact = true;
	double v;
	char *end;

	if (s == NULL)
		return 0;
	if (flags & SW_NUM_TRIM)
		while (i < len && is_blank(s[i]))
			i++;
	start = i;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (; i < len && is_digit(s[i]); i++, ndig++) {
		if (nsig < 19) {
			k = k * 10 + (uint64_t)(s[i] - '0');
			nsig += k != 0;
		} else {
			exact = false;
		}
	}
	if (i < len && (s[i] == '.' || (s[i] == ',' && (flags & SW_NUM_COMMA)))) {
		for (i++; i < len && is_digit(s[i]); i++, ndig++) {
			if ((flags & SW_NUM_WHOLE) && s[i] != '0')
				return 0;
			if (nsig < 19) {
				k = k * 10 + (uint64_t)(s[i] - '0');
				nsig += k != 0;
				e10--;
			} else if (s[i] != '0') {
				exact = false;
			}
		}
	}
	if (ndig == 0)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		long x = 0;
		bool xneg = false;

		if (j < len && (s[j] == '+' || s[j] == '-'))
			xneg = s[j++] == '-';
		if (j < len && is_digit(s[j])) {
			if (flags & SW_NUM_WHOLE)
				return 0;
			for (; j < len && is_digit(s[j]); j++)
				if (x < 100000)
					x = x * 10 + (s[j] - '0');
			e10 += xneg ? -x : x;
			i = j;
		}
		/* "5e" or "5e+": the number is "5", the rest is for the caller */
	}
	n = i - start;
	if (n > SW_NUM_TEXT_MAX)
		return 0;
	/* Fast exact path (Clinger): k and 10^|e10| are exact doubles, so one
	 * multiplication or division rounds correctly, as strtod would. */
	if (exact && k <= (UINT64_C(1) << 53) && e10 >= -22 && e10 <= 22) {
		v = e10 >= 0 ? (double)k * pow10_exact[e10] : (double)k / pow10_exact[-e10];
		*out = neg ? -v : v;
		return i;
	}
	if (c_locale() == (locale_t)0)
		return 0;
	memcpy(buf, s + start, n);
	buf[n] = '\0';
	if (flags & SW_NUM_COMMA) {
		char *c = memchr(buf, ',', n);
		if (c != NULL)
			*c = '.';
	}
	v = strtod_l(buf, &end, c_locale());
	if (end != buf + n || !isfinite(v))
		return 0;
	*out = v;
	return i;
}

bool sw_num_parse_n(const char *s, size_t len, unsigned flags, double *out)
{
	double v;
	size_t i = sw_num_scan(s, len, flags, &v);

	if (i == 0)
		return false;
	if (flags & SW_NUM_TRIM)
		while (i < len && is_blank(s[i]))
			i++;
	if (i != len)
		return false;
	*out = v;
	return true;
}

bool sw_num_parse(const char *s, unsigned flags, double *out)
{
	return s != NULL && sw_num_parse_n(s, strlen(s), flags, out);
}

/* ---- formatting ---- */

/* k / 10^d as decimal text: the integer part, then '.' and exactly d
 * digits (no '.' when d is 0). Returns the length; writes no NUL. */
static size_t scaled(uint64_t k, bool neg, int d, char *out)
{
	uint64_t p = (uint64_t)pow10_exact[d], ip = k / p, fp = k % p;
	char digs[24];
	size_t n = 0;
	int nd = 0;

	if (neg)
		out[n++] = '-';
	do {
		digs[nd++] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip > 0);
	while (nd > 0)
		out[n++] = digs[--nd];
	if (d > 0) {
		out[n++] = '.';
		for (nd = d; nd > 0; nd--) {
			out[n + (size_t)nd - 1] = (char)('0' + fp % 10);
			fp /= 10;
		}
		n += (size_t)d;
	}
	return n;
}

size_t sw_num_format_scaled(long long k, int decimals, char *buf)
{
	uint64_t u = k < 0 ? (uint64_t)0 - (uint64_t)k : (uint64_t)k;

	return scaled(u, k < 0, decimals, buf);
}

/* When v is exactly the double nearest to k / 10^d for an integer k of at
 * most 15 digits (most survey values: 101969.327, 6.1, 19), "%.15g" writes
 * k / 10^d, and that reads back as v. Write it without printf (the hot path
 * of export and of the history); 0 when v takes the general path. */
static size_t format_fast(double v, char *out)
{
	double a = fabs(v);
	uint64_t k = 0;
	size_t n;
	int d;

	if (!(a >= 1e-3 && a < 1e15))
		return 0;
	for (d = 0; d < 10; d++) {
		double t = a * pow10_exact[d];

		if (t >= 1e15)
			return 0;
		k = (uint64_t)llround(t);
		if ((double)k / pow10_exact[d] == a)
			break;
	}
	if (d == 10)
		return 0;
	/* d is the smallest that works, so k / 10^d has no trailing zero */
	n = scaled(k, v < 0, d, out);
	out[n] = '\0';
	return n;
}

/* printf wrote the decimal mark of the thread's locale (',' or even a
 * multibyte mark): in %g output of a finite number every byte that is not
 * a digit, sign or 'e' belongs to it. Make it '.'. */
static size_t point_radix(char *buf, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		char c = buf[i];

		if (is_digit(c) || c == '-' || c == '+' || c == 'e') {
			buf[o++] = c;
		} else {
			buf[o++] = '.';
			while (i + 1 < n && !is_digit(buf[i + 1]) && buf[i + 1] != 'e')
				i++;
		}
	}
	buf[o] = '\0';
	return o;
}

size_t sw_num_format(double v, char *buf)
{
	size_t n;
	int prec, r;

	if (isnan(v))
		return (size_t)snprintf(buf, SW_NUM_BUF, "nan");
	if (isinf(v))
		return (size_t)snprintf(buf, SW_NUM_BUF, "%s", v > 0 ? "inf" : "-inf");
	n = format_fast(v, buf);
	if (n > 0)
		return n;
	for (prec = 15;; prec++) {
		r = snprintf(buf, SW_NUM_BUF, "%.*g", prec, v);
		n = r < 0 ? 0 : ((size_t)r < SW_NUM_BUF ? (size_t)r : SW_NUM_BUF - 1);
		n = point_radix(buf, n);
		/* %.17g always reads back; without a C locale_t take it as is */
		if (prec == 17 || c_locale() == (locale_t)0 || strtod_l(buf, NULL, c_locale()) == v)
			break;
	}
	return n;
}

size_t sw_num_format_fixed(double v, int decimals, char *buf, size_t len)
{
	int r;

	if (len == 0)
		return 0;
	r = snprintf(buf, len, "%.*f", decimals, v);
	if (r < 0) {
		buf[0] = '\0';
		return 0;
	}
	if (!isfinite(v))
		return (size_t)r < len ? (size_t)r : len - 1;
	return point_radix(buf, (size_t)r < len ? (size_t)r : len - 1);
}

size_t sw_num_format_json(double v, char *buf)
{
	size_t n;
	char *e, *x;

	if (!isfinite(v))
		return (size_t)snprintf(buf, SW_NUM_BUF, "null");
	n = sw_num_format(v, buf);
	e = strchr(buf, 'e');
	if (e == NULL) {
		if (strchr(buf, '.') == NULL && n + 2 < SW_NUM_BUF) {
			memcpy(buf + n, ".0", 3);
			n += 2;
		}
		return n;
	}
	/* "1e-05" -> "1e-5", "1e+20" -> "1e20" */
	e++;
	x = e;
	if (*x == '-')
		e = ++x;
	else if (*x == '+')
		x++;
	while (*x == '0' && x[1] != '\0')
		x++;
	if (x != e) {
		memmove(e, x, strlen(x) + 1);
		n = strlen(buf);
	}
	return n;
}

size_t sw_num_format_upto(double v, int decimals, char *buf, size_t len)
{
	size_t n = sw_num_format_fixed(v, decimals, buf, len);

	if (memchr(buf, '.', n) == NULL)
		return n;
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	if (strcmp(buf, "-0") == 0 && len >= 2) {
		memcpy(buf, "0", 2);
		n = 1;
	}
	return n;
}
