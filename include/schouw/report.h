/* report.h - the progress report for the council (raadsinformatiebrief):
 * figures of a period straight from the store, as Markdown, one
 * self-contained HTML file, a CSV per table and PNG charts and maps.
 *
 * Every state in it is rebuilt from the history (sw_store_query_as_of): the
 * start of the period is its first day's midnight, the end the midnight
 * after its last day, in Amsterdam time.
 */
#ifndef SCHOUW_REPORT_H
#define SCHOUW_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/area.h"
#include "schouw/error.h"
#include "schouw/form.h"
#include "schouw/store.h"

struct sw_report_options {
	const char *dir;  /* output directory; created when missing, report files replaced */
	const char *from; /* first day, YYYY-MM-DD */
	const char *to;   /* last day, YYYY-MM-DD (inclusive) */
	bool quarterly;   /* also the counts at the end of every quarter */
	/* areas to report on, by name (NULL/0: every area of areas); with names
	 * given, the report covers only points inside one of them */
	const char *const *area_names;
	size_t narea_names;
	const struct sw_areas *areas; /* may be NULL: no areas, totals only */
	const char *type;             /* only this type; NULL: all */
	const char *profile;          /* compliance from runs of this profile; NULL: any */
	bool dutch;                   /* numbers, dates and labels the Dutch way */
	const struct sw_forms *forms;
	const char *style_path; /* basemap style for the area maps (gis/basemap.ini) */
	bool no_maps;           /* leave the area maps out */
};

struct sw_report_result {
	long long npoints_start, npoints_end; /* selected points at start and end */
	size_t nruns;                         /* check runs in the period */
	size_t nfiles;                        /* files written */
};

/* Write the report of o into o->dir: report.md, report.html (charts and
 * maps embedded as data URIs, print CSS for A4), counts.csv,
 * counts_quarters.csv (with quarterly), quarters.csv, compliance.csv,
 * compliance_trend.csv, failing.csv, open_planned.csv, not_inspected.csv,
 * chart_quarters.png, chart_compliance.png and map_<area>.png (+ .pgw,
 * .png.aux.xml). Files are written under temporary names and renamed at
 * the end; on failure none is left. A bad period, unknown area or type:
 * SW_ERR_INPUT naming it. */
enum sw_status sw_report_write(struct sw_store *s, const struct sw_report_options *o,
                               struct sw_report_result *res, struct sw_error *err);

/* n with `decimals` decimals, grouped by thousands: "1.234,5" (dutch) or
 * "1,234.5" into buf; returns the length. */
size_t sw_report_num(double n, int decimals, bool dutch, char *buf, size_t len);

#endif
