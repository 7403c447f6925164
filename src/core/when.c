/* when.c - times as people write them (see when.h). The zone offsets come
 * from the system's tzdata through GLib's GTimeZone, which reads the zone
 * file itself and is thread-safe: no setenv("TZ"), no tzset, no localtime. */
#include "schouw/when.h"

#include <ctype.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "schouw/i18n.h"
#include "schouw/point.h"

/* Loaded once and kept for the life of the process (GLib shares it). */
static GTimeZone *amsterdam(void)
{
	static gsize once;
	static GTimeZone *tz;

	if (g_once_init_enter(&once)) {
		tz = g_time_zone_new_identifier(SW_TIME_ZONE);
		g_once_init_leave(&once, 1);
	}
	return tz;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static long long days_from_civil(int y, int m, int d)
{
	long long yy = y - (m <= 2);
	long long era = (yy >= 0 ? yy : yy - 399) / 400;
	long long yoe = yy - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static gint32 offset_at(GTimeZone *tz, gint64 utc)
{
	gint i = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, utc);

	return g_time_zone_get_offset(tz, i >= 0 ? i : 0);
}

static void fmt_offset(int off, char *buf, size_t len)
{
	int a = off < 0 ? -off : off;

	snprintf(buf, len, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

enum sw_status sw_time_amsterdam_offset(int y, int mo, int d, int h, int mi, int s, int *offset,
                                        struct sw_error *err)
{
	GTimeZone *tz = amsterdam();
	gint64 local;
	gint32 cand[2], found[2];
	int nfound = 0, i, j;

	if (tz == NULL)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("the system's zone data has no %s (install tzdata), so a "
		                      "time without a zone cannot be read; write the offset, e.g. "
		                      "+01:00"),
		                    SW_TIME_ZONE);
	local = (gint64)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	/* a zone changes its offset at most once within a day either side */
	cand[0] = offset_at(tz, local - 86400);
	cand[1] = offset_at(tz, local + 86400);
	for (i = 0; i < 2; i++) {
		bool dup = false;

		for (j = 0; j < nfound; j++)
			dup = dup || found[j] == cand[i];
		if (!dup && offset_at(tz, local - cand[i]) == cand[i])
			found[nfound++] = cand[i];
	}
	if (nfound == 1) {
		*offset = found[0];
		return SW_OK;
	}
	if (nfound == 0) {
		char a[16], b[16];

		fmt_offset(cand[0], a, sizeof a);
		fmt_offset(cand[1], b, sizeof b);
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%04d-%02d-%02d %02d:%02d does not exist in %s: the clocks "
		                      "went forward from %s to %s that night; write the time "
		                      "with its offset"),
		                    y, mo, d, h, mi, SW_TIME_ZONE, a, b);
	}
	{
		char a[16], b[16];

		fmt_offset(found[0] > found[1] ? found[0] : found[1], a, sizeof a);
		fmt_offset(found[0] > found[1] ? found[1] : found[0], b, sizeof b);
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%04d-%02d-%02d %02d:%02d happened twice in %s (the clocks "
		                      "went back that night): write the time with its offset, %s "
		                      "(summer time) or %s (winter time)"),
		                    y, mo, d, h, mi, SW_TIME_ZONE, a, b);
	}
}

/* 1 to max digits; the number in *v. */
static int num(const char **s, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && isdigit((unsigned char)(*s)[n])) {
		*v = *v * 10 + ((*s)[n] - '0');
		n++;
	}
	*s += n;
	return n;
}

struct parts {
	int y, mo, d, h, mi, sec;
	char frac[12]; /* ".123", or "" */
	bool has_time, has_sec, has_zone;
	int zone; /* seconds east, when has_zone */
	bool zulu;
};

/* "HH:MM[:SS[.f]]" */
static bool parse_clock(const char **s, struct parts *p)
{
	const char *f;

	if (num(s, 2, &p->h) == 0 || **s != ':')
		return false;
	(*s)++;
	if (num(s, 2, &p->mi) != 2)
		return false;
	if (**s == ':') {
		(*s)++;
		if (num(s, 2, &p->sec) != 2)
			return false;
		p->has_sec = true;
		if (**s == '.' || **s == ',') {
			f = *s + 1;
			while (isdigit((unsigned char)*f))
				f++;
			if (f == *s + 1 || (size_t)(f - *s) >= sizeof p->frac)
				return false;
			memcpy(p->frac, *s, (size_t)(f - *s));
			p->frac[0] = '.';
			p->frac[f - *s] = '\0';
			*s = f;
		}
	}
	p->has_time = true;
	return true;
}

/* "Z", "+01:00", "+0100", "+01"; false when something else follows. */
static bool parse_zone(const char **s, struct parts *p)
{
	int hh, mm = 0, sign;

	if (**s == 'Z' || **s == 'z') {
		(*s)++;
		p->has_zone = p->zulu = true;
		return true;
	}
	if (**s != '+' && **s != '-')
		return false;
	sign = **s == '-' ? -1 : 1;
	(*s)++;
	if (num(s, 2, &hh) != 2)
		return false;
	if (**s == ':') {
		(*s)++;
		if (num(s, 2, &mm) != 2)
			return false;
	} else if (isdigit((unsigned char)**s) && num(s, 2, &mm) != 2) {
		return false;
	}
	if (hh > 14 || mm > 59)
		return false;
	p->has_zone = true;
	p->zone = sign * (hh * 3600 + mm * 60);
	return true;
}

/* Month names of the ambiguous-date message: through _() so a Dutch
 * sentence does not carry English names. */
static const char *const month_names[] = {
    /* TRANSLATORS: month names inside a sentence ("can be 1 March or 3 January") */
    N_("January"), N_("February"), N_("March"),     N_("April"),   N_("May"),      N_("June"),
    N_("July"),    N_("August"),   N_("September"), N_("October"), N_("November"), N_("December")};

enum sw_status sw_time_parse(const char *text, bool day_first, char *out, unsigned *flags,
                             struct sw_error *err)
{
	struct parts p = {0};
	const char *s = text != NULL ? text : "";
	const char *start;
	unsigned fl = 0;
	char zone[16];
	size_t n;
	int a, b, na, nb, off;
	enum sw_status rc;

	out[0] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	start = s;
	na = num(&s, 4, &a);
	if (na == 4 && *s == '-') {
		/* ISO: YYYY-MM-DD */
		s++;
		p.y = a;
		if (num(&s, 2, &p.mo) != 2 || *s++ != '-' || num(&s, 2, &p.d) != 2)
			goto bad;
	} else if ((na == 1 || na == 2) && (*s == '-' || *s == '/' || *s == '.')) {
		char sep = *s++;

		nb = num(&s, 2, &b);
		if (nb == 0 || *s++ != sep || num(&s, 4, &p.y) != 4)
			goto bad;
		if (a < 1 || b < 1 || a > 31 || b > 31)
			goto bad;
		if (day_first || (a > 12 && b <= 12)) {
			p.d = a;
			p.mo = b;
		} else if (b > 12 && a <= 12) {
			p.d = b;
			p.mo = a;
		} else if (a == b) {
			p.d = p.mo = a;
		} else {
			n = (size_t)(s - start);
			return sw_error_set(
			    err, SW_ERR_INPUT,
			    _("'%.*s' can be %d %s or %d %s, and this file does not "
			      "say which comes first (a ';'-separated file is read "
			      "day-month-year); write the date as %04d-%02d-%02d or "
			      "%04d-%02d-%02d"),
			    (int)n, start, a, _(month_names[b - 1]), b, _(month_names[a - 1]), p.y,
			    b, a, p.y, a, b);
		}
		fl |= SW_TIME_DAY_FIRST;
	} else {
		goto bad;
	}
	if (p.mo < 1 || p.mo > 12 || p.d < 1 || p.d > mdays(p.y, p.mo))
		goto bad;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		if (*s == ' ')
			while (s[1] == ' ')
				s++;
		s++;
		if (!parse_clock(&s, &p))
			goto bad;
	}
	if (p.has_time && *s == ' ' && (s[1] == '+' || s[1] == '-' || s[1] == 'Z'))
		s++;
	if (p.has_time && (*s == 'Z' || *s == 'z' || *s == '+' || *s == '-') && !parse_zone(&s, &p))
		goto bad;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '\0')
		goto bad;
	if (p.h > 23 || p.mi > 59 || p.sec > (p.has_zone ? 60 : 59))
		goto bad;
	if (!p.has_time)
		fl |= SW_TIME_MIDNIGHT;
	if (p.has_zone) {
		off = p.zone;
	} else {
		rc = sw_time_amsterdam_offset(p.y, p.mo, p.d, p.h, p.mi, p.sec, &off, err);
		if (rc != SW_OK)
			return rc;
		fl |= SW_TIME_ZONE_ASSUMED;
	}
	if (p.zulu)
		snprintf(zone, sizeof zone, "Z");
	else
		fmt_offset(off, zone, sizeof zone);
	snprintf(out, SW_TIME_BUF, "%04d-%02d-%02dT%02d:%02d:%02d%s%s", p.y, p.mo, p.d, p.h, p.mi,
	         p.sec, p.frac, zone);
	if (!sw_iso8601_valid(out))
		goto bad;
	n = strlen(start);
	while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t'))
		n--;
	if (strlen(out) != n || strncmp(out, start, n) != 0)
		fl |= SW_TIME_REWRITTEN;
	if (flags != NULL)
		*flags = fl;
	return SW_OK;
bad:
	out[0] = '\0';
	return sw_error_set(err, SW_ERR_INPUT,
	                    _("expected a date and time like 2025-03-01T10:00:00+01:00, "
	                      "2025-03-01 10:00 (read as %s time) or 1-3-2025 10:00, got '%s'"),
	                    SW_TIME_ZONE, text != NULL ? text : "");
}
