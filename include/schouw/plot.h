/* plot.h - a line chart (y against x, one line per series) on a cairo
 * canvas, written as PNG: the sweep chart of check --sweep. Each series has
 * an Okabe-Ito colour and its own marker shape, so colour is never the only
 * cue (WCAG 1.4.1). The render layer only draws; callers give the numbers.
 */
#ifndef SCHOUW_PLOT_H
#define SCHOUW_PLOT_H

#include <stddef.h>

#include "schouw/error.h"

struct sw_plot_series {
	const char *label;
	const double *y; /* n values (see struct sw_plot); NAN leaves a gap */
};

struct sw_plot {
	const char *title, *subtitle; /* subtitle may be NULL */
	const char *xlabel, *ylabel;
	const double *x; /* n values, ascending */
	size_t n;
	double ymin, ymax; /* the y axis */
	const struct sw_plot_series *series;
	size_t nseries;
	double mark_x; /* a dashed vertical line here (NAN: none) */
	const char *mark_label;
	int width, height; /* pixels */
	double dpi;
};

/* Draw p and write it as a PNG at path (as given: callers write to a
 * temporary name and rename). More than 8 series, no x values or a bad size:
 * SW_ERR_INPUT. */
enum sw_status sw_plot_write_png(const struct sw_plot *p, const char *path, struct sw_error *err);

#endif
