/* chart.c - bar and line charts for the report, on the map's canvas. */
#include "schouw/chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schouw/i18n.h"
#include "schouw/num.h"

static const struct sw_rgb black = {0, 0, 0}, grey = {0.45, 0.45, 0.45}, light = {0.86, 0.86, 0.86},
                           white = {1, 1, 1};

/* The plot area inside the margins, in pixels. */
struct frame {
	double x0, y0, x1, y1; /* left, top, right, bottom */
	double ymax;
	double step; /* between grid lines */
	double pt;
};

static void num_text(double v, int decimals, bool comma, char *buf, size_t len)
{
	sw_num_format_fixed(v, decimals, buf, len);
	if (comma)
		for (char *p = buf; *p != '\0'; p++)
			if (*p == '.')
				*p = ',';
}

/* A round grid step giving 4-6 lines up to at least max. */
static double nice_step(double max)
{
	double raw = max / 5, mag, f;

	if (!(raw > 0))
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	f = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return fmax(1, f * mag); /* counts: whole steps */
}

static enum sw_status check_args(const struct sw_chart *c, int w, int h, double dpi,
                                 struct sw_error *err)
{
	if (w < 200 || h < 150 || w > 6000 || h > 6000 || !(dpi >= 30 && dpi <= 1200))
		return sw_error_set(
		    err, SW_ERR_INPUT,
		    _("chart size %d x %d at %g dpi: expected 200..6000 x 150..6000 "
		      "pixels at 30..1200 dpi"),
		    w, h, dpi);
	if (c->nseries < 1 || c->nseries > SW_CHART_MAX_SERIES)
		return sw_error_set(err, SW_ERR_INPUT, _("a chart needs 1 to %d series, got %zu"),
		                    SW_CHART_MAX_SERIES, c->nseries);
	return SW_OK;
}

/* Title, legend, axes and grid; fills f. */
static void draw_frame(struct sw_canvas *cv, const struct sw_chart *c, struct frame *f, bool lines)
{
	int w = sw_canvas_width(cv), h = sw_canvas_height(cv);
	double pt = sw_canvas_pt(cv), max = 0, lx, tw, asc, desc;
	char buf[SW_NUM_BUF];

	f->pt = pt;
	sw_canvas_rect(cv, 0, 0, w, h);
	sw_canvas_fill(cv, white, 1, false);
	sw_canvas_text(cv, w / 2.0, 16 * pt, c->title ? c->title : "", 12, true, black,
	               SW_ALIGN_CENTER, 0);
	for (size_t s = 0; s < c->nseries; s++)
		for (size_t i = 0; i < c->ncat; i++)
			if (isfinite(c->series[s].values[i]))
				max = fmax(max, c->series[s].values[i]);
	f->ymax = c->percent ? 100 : max;
	f->step = c->percent ? 20 : nice_step(max);
	if (!c->percent)
		f->ymax = fmax(f->step, ceil(max / f->step) * f->step);
	f->x0 = 48 * pt;
	f->x1 = w - 12 * pt;
	f->y0 = 30 * pt;
	f->y1 = h - 44 * pt;
	/* legend along the bottom */
	lx = f->x0;
	for (size_t s = 0; s < c->nseries; s++) {
		double sy = h - 12 * pt;

		if (lines) {
			struct sw_symbol sym = {(int)s, (enum sw_shape)(s % 4), SW_FILL_SOLID,
			                        c->series[s].color, 8 * pt};
			sw_canvas_move(cv, lx, sy - 3 * pt);
			sw_canvas_line(cv, lx + 18 * pt, sy - 3 * pt);
			sw_canvas_stroke(cv, c->series[s].color, 1, 2 * pt, false);
			sw_canvas_symbol(cv, &sym, lx + 9 * pt, sy - 3 * pt);
		} else {
			sw_canvas_rect(cv, lx, sy - 9 * pt, 18 * pt, 9 * pt);
			sw_canvas_fill(cv, c->series[s].color, s == 0 ? 1 : 0.35, true);
			sw_canvas_stroke(cv, c->series[s].color, 1, 1.5 * pt, false);
		}
		sw_canvas_text(cv, lx + 22 * pt, sy, c->series[s].name ? c->series[s].name : "", 9,
		               false, black, SW_ALIGN_LEFT, 0);
		sw_canvas_text_size(cv, c->series[s].name ? c->series[s].name : "", 9, false, &tw,
		                    &asc, &desc);
		lx += 22 * pt + tw + 16 * pt;
	}
	/* grid and y labels */
	for (double v = 0; v <= f->ymax + 1e-9; v += f->step) {
		double y = f->y1 - (f->y1 - f->y0) * v / f->ymax;

		sw_canvas_move(cv, f->x0, y);
		sw_canvas_line(cv, f->x1, y);
		sw_canvas_stroke(cv, v == 0 ? grey : light, 1, (v == 0 ? 1.2 : 0.6) * pt, false);
		num_text(v, 0, c->decimal_comma, buf, sizeof buf);
		if (c->percent)
			strncat(buf, " %", sizeof buf - strlen(buf) - 1);
		sw_canvas_text(cv, f->x0 - 4 * pt, y + 3 * pt, buf, 8, false, grey, SW_ALIGN_RIGHT,
		               0);
	}
	if (c->y_label != NULL)
		sw_canvas_text(cv, f->x0, f->y0 - 6 * pt, c->y_label, 8, false, grey, SW_ALIGN_LEFT,
		               0);
	if (c->ncat == 0)
		sw_canvas_text(cv, (f->x0 + f->x1) / 2, (f->y0 + f->y1) / 2,
		               c->empty_text ? c->empty_text : "", 10, false, grey, SW_ALIGN_CENTER,
		               0);
}

static double cat_x(const struct frame *f, size_t ncat, size_t i)
{
	return f->x0 + (f->x1 - f->x0) * (i + 0.5) / (double)ncat;
}

static void cat_labels(struct sw_canvas *cv, const struct sw_chart *c, const struct frame *f)
{
	for (size_t i = 0; i < c->ncat; i++)
		sw_canvas_text(cv, cat_x(f, c->ncat, i), f->y1 + 13 * f->pt,
		               c->categories[i] ? c->categories[i] : "", 8, false, black,
		               SW_ALIGN_CENTER, 0);
}

static double val_y(const struct frame *f, double v)
{
	return f->y1 - (f->y1 - f->y0) * fmin(v, f->ymax) / f->ymax;
}

static enum sw_status finish(struct sw_canvas *cv, const struct sw_chart *c, const char *path,
                             struct sw_error *err)
{
	const struct sw_png_text text[] = {{"Title", c->title ? c->title : ""},
	                                   {"Software", "schouw"}};
	enum sw_status rc = sw_canvas_finish(cv, err);

	if (rc == SW_OK)
		rc = sw_png_write(cv, path, text, 2, err);
	return rc;
}

enum sw_status sw_chart_bars(const struct sw_chart *c, int w, int h, double dpi, const char *path,
                             struct sw_error *err)
{
	struct sw_canvas *cv = NULL;
	struct frame f;
	enum sw_status rc;
	char buf[SW_NUM_BUF];

	rc = check_args(c, w, h, dpi, err);
	if (rc == SW_OK)
		rc = sw_canvas_open_image(w, h, dpi, &cv, err);
	if (rc != SW_OK)
		goto out;
	draw_frame(cv, c, &f, false);
	for (size_t i = 0; i < c->ncat; i++) {
		double slot = (f.x1 - f.x0) / (double)c->ncat;
		double bw = slot * 0.7 / (double)c->nseries;
		double left = cat_x(&f, c->ncat, i) - bw * (double)c->nseries / 2;

		for (size_t s = 0; s < c->nseries; s++) {
			double v = c->series[s].values[i], x = left + bw * (double)s, y;

			if (!isfinite(v))
				continue;
			y = val_y(&f, v);
			sw_canvas_rect(cv, x + 1, y, bw - 2, f.y1 - y);
			/* the first series solid, the others light with a full outline */
			sw_canvas_fill(cv, c->series[s].color, s == 0 ? 1 : 0.35, true);
			sw_canvas_stroke(cv, c->series[s].color, 1, 1.5 * f.pt, false);
			num_text(v, c->percent ? 1 : 0, c->decimal_comma, buf, sizeof buf);
			sw_canvas_text(cv, x + bw / 2, y - 3 * f.pt, buf, 8, false, black,
			               SW_ALIGN_CENTER, 0);
		}
	}
	cat_labels(cv, c, &f);
	rc = finish(cv, c, path, err);
out:
	sw_canvas_free(cv);
	return rc;
}

enum sw_status sw_chart_lines(const struct sw_chart *c, int w, int h, double dpi, const char *path,
                              struct sw_error *err)
{
	struct sw_canvas *cv = NULL;
	struct frame f;
	enum sw_status rc;
	char buf[SW_NUM_BUF];

	rc = check_args(c, w, h, dpi, err);
	if (rc == SW_OK)
		rc = sw_canvas_open_image(w, h, dpi, &cv, err);
	if (rc != SW_OK)
		goto out;
	draw_frame(cv, c, &f, true);
	for (size_t s = 0; s < c->nseries; s++) {
		bool pen = false;

		for (size_t i = 0; i < c->ncat; i++) {
			double v = c->series[s].values[i];

			if (!isfinite(v)) {
				pen = false;
				continue;
			}
			if (pen)
				sw_canvas_line(cv, cat_x(&f, c->ncat, i), val_y(&f, v));
			else
				sw_canvas_move(cv, cat_x(&f, c->ncat, i), val_y(&f, v));
			pen = true;
		}
		sw_canvas_stroke(cv, c->series[s].color, 1, 2 * f.pt, false);
	}
	for (size_t s = 0; s < c->nseries; s++) {
		struct sw_symbol sym = {(int)s, (enum sw_shape)(s % 4), SW_FILL_SOLID,
		                        c->series[s].color, 8 * f.pt};

		for (size_t i = 0; i < c->ncat; i++) {
			double v = c->series[s].values[i];

			if (!isfinite(v))
				continue;
			sw_canvas_symbol(cv, &sym, cat_x(&f, c->ncat, i), val_y(&f, v));
			if (s == 0) {
				num_text(v, c->percent ? 1 : 0, c->decimal_comma, buf, sizeof buf);
				sw_canvas_text(cv, cat_x(&f, c->ncat, i), val_y(&f, v) - 7 * f.pt,
				               buf, 8, false, black, SW_ALIGN_CENTER, 2 * f.pt);
			}
		}
	}
	cat_labels(cv, c, &f);
	rc = finish(cv, c, path, err);
out:
	sw_canvas_free(cv);
	return rc;
}
