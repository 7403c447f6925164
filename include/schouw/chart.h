/* chart.h - the report's charts (bars per category, lines over time), drawn
 * with the map's canvas (cairo) and written as PNG through libpng. The
 * chart knows no store and no language: the caller passes every text.
 *
 * Colour is never the only cue: bar series are told apart by fill (solid,
 * hatched, dotted outline) as well, line series by marker shape, and both
 * have a legend and value labels.
 */
#ifndef SCHOUW_CHART_H
#define SCHOUW_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/render.h"

#define SW_CHART_MAX_SERIES 4

struct sw_chart_series {
	const char *name;     /* legend text */
	const double *values; /* ncat values; NAN: no value (a gap in a line) */
	struct sw_rgb color;
};

struct sw_chart {
	const char *title;
	const char *y_label;           /* may be NULL */
	const char *const *categories; /* x axis labels, ncat of them */
	size_t ncat;
	const struct sw_chart_series *series;
	size_t nseries;         /* 1 .. SW_CHART_MAX_SERIES */
	bool percent;           /* the y axis runs 0 .. 100 */
	bool decimal_comma;     /* numbers as 12,5 instead of 12.5 */
	const char *empty_text; /* drawn when ncat is 0 */
};

/* Draw c as grouped bars (sw_chart_bars) or lines with markers
 * (sw_chart_lines) on a w x h image at dpi and write it as PNG to path
 * (written as given: callers pass a temporary name and rename). Bad sizes
 * or series counts: SW_ERR_INPUT. */
enum sw_status sw_chart_bars(const struct sw_chart *c, int w, int h, double dpi, const char *path,
                             struct sw_error *err);
enum sw_status sw_chart_lines(const struct sw_chart *c, int w, int h, double dpi, const char *path,
                              struct sw_error *err);

#endif
