/* date.c - calendar arithmetic without locale or TZ: civil dates from day
 * numbers (H. Hinnant's algorithms) and the Amsterdam summer-time rule. */
#include <stdio.h>
#include <string.h>

#include "schouw/date.h"

long long sw_date_days(int y, int m, int d)
{
	long long yy = (long long)y - (m <= 2);
	long long era = (yy >= 0 ? yy : yy - 399) / 400;
	long long yoe = yy - era * 400;
	long long mp = (m + 9) % 12;
	long long doy = (153 * mp + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void sw_date_civil(long long days, int *y, int *m, int *d)
{
	long long z = days + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = mm;
	*y = (int)(yoe + era * 400 + (mm <= 2));
}

static long long floor_div(long long a, long long b)
{
	long long q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The last Sunday of month m of year y, as a day number. */
static long long last_sunday(int y, int m)
{
	long long last = sw_date_days(y, m + 1, 1) - 1; /* m < 12 here */
	long long wd = ((last % 7) + 11) % 7;           /* 0 = Sunday; day 0 was a Thursday */

	return last - wd;
}

int sw_date_ams_offset(long long t)
{
	int y, m, d;
	long long start, end;

	sw_date_civil(floor_div(t, 86400), &y, &m, &d);
	start = last_sunday(y, 3) * 86400 + 3600;
	end = last_sunday(y, 10) * 86400 + 3600;
	return t >= start && t < end ? 7200 : 3600;
}

/* Normalise a month past 12 (or below 1) into the year. */
static void norm_month(int *y, int *m)
{
	int k = *m - 1;
	int carry = k >= 0 ? k / 12 : -((-k + 11) / 12);

	*y += carry;
	*m = k - carry * 12 + 1;
}

long long sw_date_ams_midnight(int y, int m, int d)
{
	long long local, t;

	norm_month(&y, &m);
	local = (sw_date_days(y, m, 1) + d - 1) * 86400;
	/* the offset at local midnight; the rule changes at 02:00/03:00 local,
	 * never at midnight, so asking at local - 1 h is exact */
	t = local - 3600;
	return local - sw_date_ams_offset(t);
}

void sw_date_ams_day(long long t, int *y, int *m, int *d)
{
	sw_date_civil(floor_div(t + sw_date_ams_offset(t), 86400), y, m, d);
}

static bool num(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

static bool day_ok(int y, int m, int d)
{
	int yy, mm, dd;

	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	sw_date_civil(sw_date_days(y, m, d), &yy, &mm, &dd);
	return yy == y && mm == m && dd == d;
}

bool sw_date_parse_day(const char *s, int *y, int *m, int *d)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!num(s, 4, y) || !num(s + 5, 2, m) || !num(s + 8, 2, d))
		return false;
	return day_ok(*y, *m, *d);
}

bool sw_date_parse_instant(const char *s, long long *t)
{
	int y, mo, d, h, mi, sec = 0, oh, om;
	const char *p;
	long long local;
	char day[11];

	if (s == NULL || strlen(s) < 16 || (s[10] != 'T' && s[10] != ' '))
		return false;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (!sw_date_parse_day(day, &y, &mo, &d))
		return false;
	p = s + 11;
	if (!num(p, 2, &h) || p[2] != ':' || !num(p + 3, 2, &mi) || h > 23 || mi > 59)
		return false;
	p += 5;
	if (*p == ':') {
		if (!num(p + 1, 2, &sec) || sec > 60)
			return false;
		p += 3;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return false;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	local = sw_date_days(y, mo, d) * 86400 + h * 3600LL + mi * 60LL + sec;
	if (*p == '\0') { /* Amsterdam time */
		*t = local - sw_date_ams_offset(local - 3600);
		return true;
	}
	if (*p == 'Z' && p[1] == '\0') {
		*t = local;
		return true;
	}
	if ((*p != '+' && *p != '-') || !num(p + 1, 2, &oh) || p[3] != ':' || !num(p + 4, 2, &om) ||
	    p[6] != '\0' || oh > 23 || om > 59)
		return false;
	*t = local - (*p == '+' ? 1 : -1) * (oh * 3600LL + om * 60LL);
	return true;
}

bool sw_date_parse_as_of(const char *s, long long *bound)
{
	int y, m, d;

	if (sw_date_parse_day(s, &y, &m, &d)) {
		*bound = sw_date_ams_midnight(y, m, d + 1);
		return true;
	}
	if (sw_date_parse_instant(s, bound)) {
		*bound += 1;
		return true;
	}
	return false;
}

void sw_date_iso_utc(long long t, char *buf, size_t len)
{
	int y, m, d;
	long long days = floor_div(t, 86400), sec = t - days * 86400;

	sw_date_civil(days, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(sec / 3600),
	         (int)(sec / 60 % 60), (int)(sec % 60));
}

size_t sw_date_long(int y, int m, int d, bool dutch, char *buf, size_t len)
{
	/* month names are language facts, not staff data */
	static const char *const nl[] = {"januari",   "februari", "maart",    "april",
	                                 "mei",       "juni",     "juli",     "augustus",
	                                 "september", "oktober",  "november", "december"};
	static const char *const en[] = {"January",   "February", "March",    "April",
	                                 "May",       "June",     "July",     "August",
	                                 "September", "October",  "November", "December"};
	int n;

	if (len == 0)
		return 0;
	if (m < 1 || m > 12) {
		buf[0] = '\0';
		return 0;
	}
	n = snprintf(buf, len, "%d %s %d", d, (dutch ? nl : en)[m - 1], y);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n < len ? (size_t)n : len - 1;
}
