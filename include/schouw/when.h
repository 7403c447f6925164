/* when.h - times as people write them, read into ISO 8601 with a zone.
 *
 * A person in Dordrecht who writes "2025-03-01 10:00" means the local time
 * there: a time without a zone is read as Europe/Amsterdam, with the offset
 * of that moment (+01:00 in winter, +02:00 in summer) taken from the system's
 * zone data (tzdata, /usr/share/zoneinfo) through GLib's GTimeZone. GLib
 * reads the zone file itself, so nothing here touches TZ, setenv or the
 * process's idea of local time, and every call is safe from any thread.
 *
 * The hour that does not exist when the clocks go forward (the last Sunday
 * of March, 02:00-02:59) and the hour that happens twice when they go back
 * (the last Sunday of October, 02:00-02:59) are refused with a message that
 * asks for the offset: guessing would put the point an hour off in the one
 * place nobody checks.
 *
 * Dates as Excel writes them ("1-3-2025 10:00", "01-03-2025", "1/3/2025")
 * are read as day-month-year when the file is known to be Dutch (a
 * ';'-separated CSV); otherwise only when one reading is possible (a day
 * above 12), and refused as ambiguous when both are.
 */
#ifndef SCHOUW_WHEN_H
#define SCHOUW_WHEN_H

#include <stdbool.h>

#include "schouw/error.h"

/* The zone a time without one is read in. */
#define SW_TIME_ZONE "Europe/Amsterdam"

/* Room for the text sw_time_parse writes, NUL included:
 * "2025-03-01T10:00:00.123456789+01:00" is 35 bytes. */
#define SW_TIME_BUF 48

/* What sw_time_parse did beyond checking ISO 8601 with a zone. */
enum sw_time_flags {
	SW_TIME_ZONE_ASSUMED = 1u << 0, /* no zone: Europe/Amsterdam's offset added */
	SW_TIME_DAY_FIRST = 1u << 1,    /* a d-m-y date read as day-month-year */
	SW_TIME_MIDNIGHT = 1u << 2,     /* a date without a time: 00:00 */
	SW_TIME_REWRITTEN = 1u << 3,    /* the text written differs from the input */
};

/* Read text (surrounding blanks ignored) as a moment:
 *   ISO 8601 with a zone ("2025-03-01T10:00:00+01:00", "...Z"): as is;
 *   ISO without a zone, 'T' or a space between date and time, seconds
 *   optional ("2025-03-01 10:00"), or a date alone: Europe/Amsterdam;
 *   d-m-y or d/m/y with an optional time ("1-3-2025 10:00", "01-03-2025"):
 *   day first when day_first, else only when unambiguous; Europe/Amsterdam.
 * out (SW_TIME_BUF bytes) gets ISO 8601 with the zone ("2025-03-01T10:00:00
 * +01:00" without the space); *flags (may be NULL) what was interpreted.
 * SW_ERR_INPUT with a message saying what was expected (no field name). */
enum sw_status sw_time_parse(const char *text, bool day_first, char *out, unsigned *flags,
                             struct sw_error *err);

/* The UTC offset in seconds of the local wall time y-mo-d h:mi:s in
 * Europe/Amsterdam. SW_ERR_INPUT for a time in the gap (skipped when the
 * clocks go forward) or the overlap (the hour that happens twice). */
enum sw_status sw_time_amsterdam_offset(int y, int mo, int d, int h, int mi, int s, int *offset,
                                        struct sw_error *err);

#endif
