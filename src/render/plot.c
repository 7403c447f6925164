/* plot.c - a line chart on the cairo canvas, written as PNG (the sweep
 * chart). Axes with round ticks, a light grid, one line per series with a
 * marker shape of its own, a legend, and a dashed mark (the current limit).
 */
#include "schouw/plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schouw/i18n.h"
#include "schouw/num.h"
#include "schouw/render.h"

#define PLOT_MAX_SERIES 8

static const struct sw_rgb INK = {0.1, 0.1, 0.1};
static const struct sw_rgb GRID = {0.85, 0.85, 0.85};
static const struct sw_rgb WHITE = {1, 1, 1};

/* Okabe-Ito, yellow left out (weak on white) */
static const char *const palette[PLOT_MAX_SERIES] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                     "#E69F00", "#56B4E9", "#000000", "#999999"};
static const enum sw_shape shapes[PLOT_MAX_SERIES] = {
    SW_SHAPE_CIRCLE, SW_SHAPE_SQUARE, SW_SHAPE_TRIANGLE, SW_SHAPE_DIAMOND,
    SW_SHAPE_STAR,   SW_SHAPE_CIRCLE, SW_SHAPE_SQUARE,   SW_SHAPE_TRIANGLE};
static const enum sw_fill fills[PLOT_MAX_SERIES] = {SW_FILL_SOLID,  SW_FILL_SOLID, SW_FILL_SOLID,
                                                    SW_FILL_SOLID,  SW_FILL_SOLID, SW_FILL_HOLLOW,
                                                    SW_FILL_HOLLOW, SW_FILL_HOLLOW};

/* A round tick step giving about `want` intervals over span. */
static double nice_step(double span, int want)
{
	double raw = span / want, mag = pow(10, floor(log10(raw))), f = raw / mag;

	return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

static void dashed(struct sw_canvas *c, double x, double y0, double y1, double dash,
                   struct sw_rgb col, double w)
{
	for (double y = y0; y < y1; y += 2 * dash) {
		sw_canvas_move(c, x, y);
		sw_canvas_line(c, x, fmin(y + dash, y1));
	}
	sw_canvas_stroke(c, col, 1, w, false);
}

static void draw(struct sw_canvas *c, const struct sw_plot *p)
{
	double pt = sw_canvas_pt(c), W = p->width, H = p->height;
	double xmin = p->x[0], xmax = p->x[p->n - 1], ymin = p->ymin, ymax = p->ymax;
	double left = 46 * pt, right = W - 12 * pt, top = 52 * pt, bottom = H - 34 * pt;
	double legend_w = 0, step;
	char buf[64];

	if (p->mark_x == p->mark_x) {
		xmin = fmin(xmin, p->mark_x);
		xmax = fmax(xmax, p->mark_x);
	}
	if (!(xmax > xmin)) {
		xmin -= 1;
		xmax += 1;
	}
	if (!(ymax > ymin))
		ymax = ymin + 1;
	for (size_t s = 0; s < p->nseries; s++) {
		double tw;
		sw_canvas_text_size(c, p->series[s].label, 8 * pt, false, &tw, NULL, NULL);
		if (tw + 26 * pt > legend_w)
			legend_w = tw + 26 * pt;
	}
	if (legend_w > W / 3)
		legend_w = W / 3;
	right -= legend_w;
	sw_canvas_rect(c, 0, 0, W, H);
	sw_canvas_fill(c, WHITE, 1, false);
	sw_canvas_text(c, left, 16 * pt, p->title ? p->title : "", 11 * pt, true, INK,
	               SW_ALIGN_LEFT, 0);
	if (p->subtitle)
		sw_canvas_text(c, left, 30 * pt, p->subtitle, 8 * pt, false, INK, SW_ALIGN_LEFT, 0);
#define PX(v) (left + ((v)-xmin) / (xmax - xmin) * (right - left))
#define PY(v) (bottom - ((v)-ymin) / (ymax - ymin) * (bottom - top))
	/* grid and ticks */
	step = nice_step(ymax - ymin, 5);
	for (double v = ceil(ymin / step) * step; v <= ymax + step * 1e-9; v += step) {
		sw_canvas_move(c, left, PY(v));
		sw_canvas_line(c, right, PY(v));
		sw_canvas_stroke(c, GRID, 1, 0.6 * pt, false);
		sw_num_format_upto(v, 3, buf, sizeof buf);
		sw_canvas_text(c, left - 4 * pt, PY(v) + 3 * pt, buf, 8 * pt, false, INK,
		               SW_ALIGN_RIGHT, 0);
	}
	step = nice_step(xmax - xmin, 8);
	for (double v = ceil(xmin / step) * step; v <= xmax + step * 1e-9; v += step) {
		sw_canvas_move(c, PX(v), top);
		sw_canvas_line(c, PX(v), bottom);
		sw_canvas_stroke(c, GRID, 1, 0.6 * pt, false);
		sw_num_format_upto(v, 3, buf, sizeof buf);
		sw_canvas_text(c, PX(v), bottom + 11 * pt, buf, 8 * pt, false, INK, SW_ALIGN_CENTER,
		               0);
	}
	sw_canvas_rect(c, left, top, right - left, bottom - top);
	sw_canvas_stroke(c, INK, 1, 0.8 * pt, false);
	sw_canvas_text(c, (left + right) / 2, H - 8 * pt, p->xlabel ? p->xlabel : "", 9 * pt, false,
	               INK, SW_ALIGN_CENTER, 0);
	sw_canvas_text(c, left - 30 * pt, top - 6 * pt, p->ylabel ? p->ylabel : "", 8 * pt, false,
	               INK, SW_ALIGN_LEFT, 0);
	if (p->mark_x == p->mark_x) {
		dashed(c, PX(p->mark_x), top, bottom, 4 * pt, INK, 0.9 * pt);
		if (p->mark_label)
			sw_canvas_text(c, PX(p->mark_x) + 3 * pt, top + 10 * pt, p->mark_label,
			               8 * pt, false, INK, SW_ALIGN_LEFT, 2 * pt);
	}
	/* lines, then markers on top */
	for (size_t s = 0; s < p->nseries; s++) {
		struct sw_rgb col;
		bool pen = false;
		sw_rgb_parse(palette[s], &col);
		for (size_t i = 0; i < p->n; i++) {
			double y = p->series[s].y[i];
			if (y != y) {
				pen = false;
				continue;
			}
			if (pen)
				sw_canvas_line(c, PX(p->x[i]), PY(y));
			else
				sw_canvas_move(c, PX(p->x[i]), PY(y));
			pen = true;
		}
		sw_canvas_stroke(c, col, 1, 1.6 * pt, false);
	}
	for (size_t s = 0; s < p->nseries; s++) {
		struct sw_symbol sym = {
		    .id = (int)s, .shape = shapes[s], .fill = fills[s], .size = 7 * pt};
		double ly = top + 6 * pt + (double)s * 14 * pt, lx = right + 8 * pt;
		sw_rgb_parse(palette[s], &sym.color);
		for (size_t i = 0; i < p->n; i++)
			if (p->series[s].y[i] == p->series[s].y[i])
				sw_canvas_symbol(c, &sym, PX(p->x[i]), PY(p->series[s].y[i]));
		sw_canvas_move(c, lx, ly);
		sw_canvas_line(c, lx + 16 * pt, ly);
		sw_canvas_stroke(c, sym.color, 1, 1.6 * pt, false);
		sw_canvas_symbol(c, &sym, lx + 8 * pt, ly);
		sw_canvas_text(c, lx + 20 * pt, ly + 3 * pt, p->series[s].label, 8 * pt, false, INK,
		               SW_ALIGN_LEFT, 0);
	}
#undef PX
#undef PY
}

enum sw_status sw_plot_write_png(const struct sw_plot *p, const char *path, struct sw_error *err)
{
	struct sw_canvas *c = NULL;
	enum sw_status rc;
	const struct sw_png_text text[] = {{"Title", p->title ? p->title : ""},
	                                   {"Software", "schouw"}};

	if (p->n == 0 || p->x == NULL)
		return sw_error_set(err, SW_ERR_INPUT, "%s",
		                    _("a chart needs at least one x value"));
	if (p->nseries > PLOT_MAX_SERIES)
		return sw_error_set(err, SW_ERR_INPUT, _("a chart shows at most %d lines, not %zu"),
		                    PLOT_MAX_SERIES, p->nseries);
	if (p->width < 200 || p->height < 150 || p->width > 10000 || p->height > 10000)
		return sw_error_set(err, SW_ERR_INPUT, _("chart size %dx%d out of range"), p->width,
		                    p->height);
	rc = sw_canvas_open_image(p->width, p->height, p->dpi > 0 ? p->dpi : 96, &c, err);
	if (rc != SW_OK)
		goto out;
	draw(c, p);
	rc = sw_canvas_finish(c, err);
	if (rc == SW_OK)
		rc = sw_png_write(c, path, text, 2, err);
out:
	sw_canvas_free(c);
	return rc;
}
