/* date.h - calendar arithmetic for reports and --as-of, the same whatever
 * locale or TZ the process runs in (layer: model).
 *
 * Instants are seconds since 1970-01-01T00:00:00Z (long long). Local dates
 * are those of Europe/Amsterdam, by the EU summer-time rule in force since
 * 1996 (CEST, UTC+2, from the last Sunday of March 01:00 UTC to the last
 * Sunday of October 01:00 UTC; CET, UTC+1, otherwise); the data of schouw
 * starts long after 1996. No call uses setlocale, TZ or the C library's time
 * zone functions.
 */
#ifndef SCHOUW_DATE_H
#define SCHOUW_DATE_H

#include <stdbool.h>
#include <stddef.h>

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d, and back. */
long long sw_date_days(int y, int m, int d);
void sw_date_civil(long long days, int *y, int *m, int *d);

/* Seconds Europe/Amsterdam is ahead of UTC at instant t (3600 or 7200). */
int sw_date_ams_offset(long long t);

/* The instant local midnight starts the day y-m-d in Amsterdam. m may run
 * past 12 and d past the month's end (they carry into the next year/month),
 * so (y, m + 3, 1) is the start of the next quarter. */
long long sw_date_ams_midnight(int y, int m, int d);

/* The Amsterdam calendar day of instant t. */
void sw_date_ams_day(long long t, int *y, int *m, int *d);

/* "YYYY-MM-DD" with a real day (2025-02-30 is refused). */
bool sw_date_parse_day(const char *s, int *y, int *m, int *d);

/* An ISO 8601 timestamp "YYYY-MM-DDThh:mm[:ss[.fff]]" followed by Z, +hh:mm
 * or -hh:mm (without a zone: Amsterdam time) into the instant *t (fractions
 * of a second are dropped). */
bool sw_date_parse_instant(const char *s, long long *t);

/* The moment an --as-of DATE means, as an exclusive bound: everything that
 * happened before *bound counts. A day "YYYY-MM-DD" means its end in
 * Amsterdam (the next local midnight); a timestamp includes its own second. */
bool sw_date_parse_as_of(const char *s, long long *bound);

/* t as "YYYY-MM-DDThh:mm:ssZ" into buf (at least 32 bytes). */
void sw_date_iso_utc(long long t, char *buf, size_t len);

/* y-m-d as "30 juni 2025" (dutch) or "30 June 2025" into buf; returns the
 * length written (cut to fit, always NUL-terminated when len > 0). */
size_t sw_date_long(int y, int m, int d, bool dutch, char *buf, size_t len);

#endif
