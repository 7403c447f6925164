/* canvas.c - a cairo surface (image or PDF) with the few primitives a map
 * needs, and map symbols: vectors on a PDF, cached sprites on an image. */
#include "schouw/render.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include "schouw/i18n.h"
#include "schouw/style.h"

#define FONT "DejaVu Sans"

struct sprite {
	cairo_surface_t *surf; /* ARGB32, premultiplied */
	int size;              /* square, pixels */
	int y0, y1;            /* rows holding any ink */
	int *span;             /* per row: first and one past the last inked column,
	                          and the first opaque run within them */
};

/* Stamps are collected and drawn band by band: a million points land at
 * random places in an image far larger than the cache, and waiting for
 * memory was most of their time. A band of rows fits the cache; a stamp is
 * drawn into each band it touches, clipped to it, in the order the stamps
 * came, so the image is exactly that of drawing them one by one. */
#define STAMP_BATCH 65536
#define STAMP_BAND_BYTES (256 * 1024) /* 32 rows of a 2000 px image */
#define STAMP_AHEAD 4                 /* jobs prefetched ahead */

struct stamp_job {
	int x0, y0; /* the sprite's top-left pixel */
	int sprite; /* index into sprites */
};

struct sw_canvas {
	cairo_surface_t *surf;
	cairo_t *cr;
	int w, h;
	double dpi;
	bool pdf;
	bool raw; /* pixels written directly since the last flush */
	bool fast; /* sw_canvas_set_fast */
	struct sprite sprites[SW_SYMBOL_MAX];
	struct stamp_job *jobs; /* STAMP_BATCH, allocated with the first stamp */
	int njobs;
	unsigned *order; /* jobs by band */
	size_t order_cap;
	int *band_pos;   /* bands + 1 */
	int band;        /* rows a band */
	bool no_batch;   /* allocation failed: stamp at once */
};

static void stamps_flush(struct sw_canvas *c);

bool sw_rgb_parse(const char *hex, struct sw_rgb *out)
{
	int r, g, b;

	if (!sw_style_parse_color(hex, &r, &g, &b))
		return false;
	out->r = r / 255.0;
	out->g = g / 255.0;
	out->b = b / 255.0;
	return true;
}

enum sw_shape sw_shape_from_name(const char *name)
{
	static const char *const names[] = {"circle", "square", "triangle", "diamond", "star"};

	for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return (enum sw_shape)i;
	return SW_SHAPE_CIRCLE;
}

enum sw_fill sw_fill_from_name(const char *name)
{
	static const char *const names[] = {"solid", "hollow", "half", "cross", "dot"};

	for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return (enum sw_fill)i;
	return SW_FILL_SOLID;
}

static enum sw_status cairo_fail(cairo_status_t st, struct sw_error *err)
{
	if (st == CAIRO_STATUS_NO_MEMORY)
		return sw_error_nomem(err);
	return sw_error_set(err, SW_ERR_IO, _("drawing failed: %s"), cairo_status_to_string(st));
}

static enum sw_status finish_open(struct sw_canvas *c, struct sw_canvas **out,
                                  struct sw_error *err)
{
	cairo_status_t st = cairo_surface_status(c->surf);

	if (st == CAIRO_STATUS_SUCCESS) {
		c->cr = cairo_create(c->surf);
		st = cairo_status(c->cr);
	}
	if (st != CAIRO_STATUS_SUCCESS) {
		sw_canvas_free(c);
		return cairo_fail(st, err);
	}
	if (c->pdf) /* draw in pixels, land in points */
		cairo_scale(c->cr, 72.0 / c->dpi, 72.0 / c->dpi);
	cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(c->cr, CAIRO_LINE_CAP_ROUND);
	*out = c;
	return SW_OK;
}

enum sw_status sw_canvas_open_image(int w, int h, double dpi, struct sw_canvas **out,
                                    struct sw_error *err)
{
	struct sw_canvas *c = calloc(1, sizeof *c);

	if (c == NULL)
		return sw_error_nomem(err);
	c->w = w;
	c->h = h;
	c->dpi = dpi;
	c->surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	return finish_open(c, out, err);
}

static cairo_status_t write_fp(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

enum sw_status sw_canvas_open_pdf(FILE *fp, int w, int h, double dpi, const char *title,
                                  struct sw_canvas **out, struct sw_error *err)
{
	struct sw_canvas *c = calloc(1, sizeof *c);

	if (c == NULL)
		return sw_error_nomem(err);
	c->w = w;
	c->h = h;
	c->dpi = dpi;
	c->pdf = true;
	c->surf = cairo_pdf_surface_create_for_stream(write_fp, fp, w * 72.0 / dpi, h * 72.0 / dpi);
	if (cairo_surface_status(c->surf) == CAIRO_STATUS_SUCCESS) {
		cairo_pdf_surface_set_metadata(c->surf, CAIRO_PDF_METADATA_CREATOR,
		                               "schouw " SW_VERSION);
		if (title != NULL)
			cairo_pdf_surface_set_metadata(c->surf, CAIRO_PDF_METADATA_TITLE, title);
	}
	return finish_open(c, out, err);
}

static void leave_raw(struct sw_canvas *c)
{
	stamps_flush(c);
	if (c->raw) {
		cairo_surface_mark_dirty(c->surf);
		c->raw = false;
	}
}

enum sw_status sw_canvas_finish(struct sw_canvas *c, struct sw_error *err)
{
	cairo_status_t st;

	leave_raw(c);
	if (!c->pdf) { /* finishing an image surface would free its pixels */
		cairo_surface_flush(c->surf);
		st = cairo_status(c->cr);
		return st == CAIRO_STATUS_SUCCESS ? SW_OK : cairo_fail(st, err);
	}
	cairo_show_page(c->cr);
	st = cairo_status(c->cr);
	if (st == CAIRO_STATUS_SUCCESS) {
		cairo_surface_finish(c->surf);
		st = cairo_surface_status(c->surf);
	}
	return st == CAIRO_STATUS_SUCCESS ? SW_OK : cairo_fail(st, err);
}

void sw_canvas_free(struct sw_canvas *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < SW_SYMBOL_MAX; i++)
		if (c->sprites[i].surf != NULL) {
			cairo_surface_destroy(c->sprites[i].surf);
			free(c->sprites[i].span);
		}
	free(c->jobs);
	free(c->order);
	free(c->band_pos);
	if (c->cr != NULL)
		cairo_destroy(c->cr);
	if (c->surf != NULL)
		cairo_surface_destroy(c->surf);
	free(c);
}

void sw_render_release(void)
{
	cairo_debug_reset_static_data();
	FcFini();
}

int sw_canvas_width(const struct sw_canvas *c)
{
	return c->w;
}

int sw_canvas_height(const struct sw_canvas *c)
{
	return c->h;
}

double sw_canvas_pt(const struct sw_canvas *c)
{
	return c->dpi / 72.0;
}

bool sw_canvas_is_pdf(const struct sw_canvas *c)
{
	return c->pdf;
}

void sw_canvas_set_fast(struct sw_canvas *c, bool fast)
{
	if (c->pdf)
		return;
	c->fast = fast;
	cairo_set_antialias(c->cr, fast ? CAIRO_ANTIALIAS_FAST : CAIRO_ANTIALIAS_DEFAULT);
	cairo_set_line_cap(c->cr, CAIRO_LINE_CAP_ROUND);
	cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
}

void sw_canvas_move(struct sw_canvas *c, double x, double y)
{
	cairo_move_to(c->cr, x, y);
}

void sw_canvas_line(struct sw_canvas *c, double x, double y)
{
	cairo_line_to(c->cr, x, y);
}

void sw_canvas_close(struct sw_canvas *c)
{
	cairo_close_path(c->cr);
}

void sw_canvas_rect(struct sw_canvas *c, double x, double y, double w, double h)
{
	cairo_rectangle(c->cr, x, y, w, h);
}

void sw_canvas_clear_path(struct sw_canvas *c)
{
	cairo_new_path(c->cr);
}

void sw_canvas_fill(struct sw_canvas *c, struct sw_rgb col, double alpha, bool keep)
{
	leave_raw(c);
	cairo_set_source_rgba(c->cr, col.r, col.g, col.b, alpha);
	cairo_set_fill_rule(c->cr, CAIRO_FILL_RULE_EVEN_ODD); /* holes of polygons */
	if (keep)
		cairo_fill_preserve(c->cr);
	else
		cairo_fill(c->cr);
}

void sw_canvas_stroke(struct sw_canvas *c, struct sw_rgb col, double alpha, double width,
                      bool keep)
{
	leave_raw(c);
	cairo_set_source_rgba(c->cr, col.r, col.g, col.b, alpha);
	cairo_set_line_width(c->cr, width);
	/* round ends and corners of a line under 2 px are not seen, and their
	 * arcs cost the fast rasteriser a tenth of 100k street lines */
	if (c->fast) {
		cairo_set_line_cap(c->cr, width < 2 ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
		cairo_set_line_join(c->cr, width < 2 ? CAIRO_LINE_JOIN_BEVEL : CAIRO_LINE_JOIN_ROUND);
	}
	if (keep)
		cairo_stroke_preserve(c->cr);
	else
		cairo_stroke(c->cr);
}

/* The outline of a shape of diameter d centred on (0, 0); areas match
 * roughly so no shape looks heavier than another. */
static void shape_path(cairo_t *cr, enum sw_shape shape, double d)
{
	double r = d / 2;

	switch (shape) {
	case SW_SHAPE_SQUARE:
		r *= 0.86;
		cairo_rectangle(cr, -r, -r, 2 * r, 2 * r);
		break;
	case SW_SHAPE_TRIANGLE:
		r *= 1.2;
		cairo_move_to(cr, 0, -r);
		cairo_line_to(cr, r * 0.866, r * 0.5);
		cairo_line_to(cr, -r * 0.866, r * 0.5);
		cairo_close_path(cr);
		break;
	case SW_SHAPE_DIAMOND:
		r *= 1.15;
		cairo_move_to(cr, 0, -r);
		cairo_line_to(cr, r, 0);
		cairo_line_to(cr, 0, r);
		cairo_line_to(cr, -r, 0);
		cairo_close_path(cr);
		break;
	case SW_SHAPE_STAR:
		r *= 1.25;
		for (int i = 0; i < 10; i++) {
			double a = -M_PI / 2 + i * M_PI / 5, rr = (i % 2) ? r * 0.45 : r;
			if (i == 0)
				cairo_move_to(cr, rr * cos(a), rr * sin(a));
			else
				cairo_line_to(cr, rr * cos(a), rr * sin(a));
		}
		cairo_close_path(cr);
		break;
	case SW_SHAPE_CIRCLE:
	default:
		cairo_new_sub_path(cr);
		cairo_arc(cr, 0, 0, r, 0, 2 * M_PI);
		break;
	}
}

/* The symbol at the origin of cr: a white halo so it stands out on any
 * basemap, then the fill that tells the status without colour. */
static void draw_symbol(cairo_t *cr, const struct sw_symbol *s)
{
	const struct sw_rgb c = s->color;
	double d = s->size, lw = fmax(1.0, d / 7);

	cairo_save(cr);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
	shape_path(cr, s->shape, d);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_set_line_width(cr, lw + 2.5);
	cairo_stroke_preserve(cr);
	switch (s->fill) {
	case SW_FILL_SOLID:
	case SW_FILL_DOT:
		cairo_set_source_rgb(cr, c.r, c.g, c.b);
		cairo_fill_preserve(cr);
		break;
	default:
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_fill_preserve(cr);
		break;
	}
	if (s->fill == SW_FILL_HALF) { /* lower half filled: work under way */
		cairo_save(cr);
		cairo_clip_preserve(cr);
		cairo_rectangle(cr, -d, 0, 2 * d, d);
		cairo_set_source_rgb(cr, c.r, c.g, c.b);
		cairo_fill(cr);
		cairo_restore(cr);
		shape_path(cr, s->shape, d);
	}
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
	cairo_set_line_width(cr, lw);
	cairo_stroke(cr);
	if (s->fill == SW_FILL_CROSS) { /* rejected: crossed out */
		double k = d * 0.28;
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
		cairo_move_to(cr, -k, -k);
		cairo_line_to(cr, k, k);
		cairo_move_to(cr, k, -k);
		cairo_line_to(cr, -k, k);
		cairo_set_line_width(cr, lw * 1.2);
		cairo_stroke(cr);
	} else if (s->fill == SW_FILL_DOT) { /* approved: a white heart */
		cairo_new_sub_path(cr);
		cairo_arc(cr, 0, 0, d * 0.17, 0, 2 * M_PI);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_fill(cr);
	}
	cairo_restore(cr);
}

static struct sprite *sprite_for(struct sw_canvas *c, const struct sw_symbol *s)
{
	struct sprite *sp;
	cairo_t *cr;

	if (s->id < 0 || s->id >= SW_SYMBOL_MAX)
		return NULL;
	sp = &c->sprites[s->id];
	if (sp->surf != NULL)
		return sp;
	sp->size = (int)ceil(s->size * 1.3 + 6);
	sp->surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, sp->size, sp->size);
	cr = cairo_create(sp->surf);
	/* centre on a pixel centre: stamped at round(x), it lands on x */
	cairo_translate(cr, sp->size / 2 + 0.5, sp->size / 2 + 0.5);
	draw_symbol(cr, s);
	cairo_destroy(cr);
	cairo_surface_flush(sp->surf);
	sp->span = malloc(4 * (size_t)sp->size * sizeof *sp->span);
	if (cairo_surface_status(sp->surf) != CAIRO_STATUS_SUCCESS || sp->span == NULL) {
		cairo_surface_destroy(sp->surf);
		free(sp->span);
		sp->surf = NULL;
		sp->span = NULL;
		return NULL;
	}
	/* what stamping skips: the transparent rows and row ends */
	sp->y0 = sp->size;
	sp->y1 = 0;
	for (int y = 0; y < sp->size; y++) {
		const uint32_t *row = (const uint32_t *)(cairo_image_surface_get_data(sp->surf) +
		                                         (size_t)y * cairo_image_surface_get_stride(sp->surf));
		int a = 0, b = sp->size, o0, o1;

		while (a < b && row[a] >> 24 == 0)
			a++;
		while (b > a && row[b - 1] >> 24 == 0)
			b--;
		o0 = a;
		while (o0 < b && row[o0] >> 24 != 255)
			o0++;
		o1 = o0;
		while (o1 < b && row[o1] >> 24 == 255)
			o1++;
		sp->span[4 * y] = a;
		sp->span[4 * y + 1] = o0;
		sp->span[4 * y + 2] = o1;
		sp->span[4 * y + 3] = b;
		if (a < b) {
			sp->y0 = y < sp->y0 ? y : sp->y0;
			sp->y1 = y + 1;
		}
	}
	return sp;
}

/* Premultiplied s OVER d, two channels at a time; x * inv / 255 is
 * rounded exactly ((t + (t >> 8)) >> 8 with t = x * inv + 128). */
static inline uint32_t over(uint32_t s, uint32_t d)
{
	uint32_t inv = 255 - (s >> 24);
	uint32_t rb = (d & 0x00ff00ffu) * inv + 0x00800080u;
	uint32_t ag = ((d >> 8) & 0x00ff00ffu) * inv + 0x00800080u;

	rb = ((rb + ((rb >> 8) & 0x00ff00ffu)) >> 8) & 0x00ff00ffu;
	ag = (ag + ((ag >> 8) & 0x00ff00ffu)) & 0xff00ff00u;
	return s + (rb | ag);
}

/* Porter-Duff OVER of a premultiplied sprite onto the image, clipped to
 * the rows ylo..yhi-1 (and the image). */
static void stamp(struct sw_canvas *c, const struct sprite *sp, int x0, int y0, int ylo, int yhi)
{
	int sy0 = sp->y0, sy1 = sp->y1;
	int dstride = cairo_image_surface_get_stride(c->surf);
	int sstride = cairo_image_surface_get_stride(sp->surf);
	unsigned char *dst = cairo_image_surface_get_data(c->surf);
	const unsigned char *src = cairo_image_surface_get_data(sp->surf);

	yhi = yhi < c->h ? yhi : c->h;
	ylo = ylo > 0 ? ylo : 0;
	if (y0 + sy0 < ylo)
		sy0 = ylo - y0;
	if (y0 + sy1 > yhi)
		sy1 = yhi - y0;
	for (int sy = sy0; sy < sy1; sy++) {
		const uint32_t *s = (const uint32_t *)(src + (size_t)sy * sstride);
		uint32_t *d = (uint32_t *)(dst + (size_t)(y0 + sy) * dstride) + x0;
		const int *run = &sp->span[4 * sy];
		int lo = x0 < 0 ? -x0 : 0, hi = c->w - x0;

		/* edge, opaque middle (copied), edge; the blend is exact for any
		 * alpha, so the edges need no tests */
		for (int sx = run[0] > lo ? run[0] : lo, e = run[1] < hi ? run[1] : hi; sx < e; sx++)
			d[sx] = over(s[sx], d[sx]);
		{
			int a = run[1] > lo ? run[1] : lo, e = run[2] < hi ? run[2] : hi;
			if (a < e)
				memcpy(d + a, s + a, (size_t)(e - a) * sizeof *d);
		}
		for (int sx = run[2] > lo ? run[2] : lo, e = run[3] < hi ? run[3] : hi; sx < e; sx++)
			d[sx] = over(s[sx], d[sx]);
	}
}

/* Ask for the cache lines of the rows ylo..yhi-1 a stamp will touch. */
static void prefetch(const struct sw_canvas *c, const struct sprite *sp, int x0, int y0, int ylo,
                     int yhi)
{
	int stride = cairo_image_surface_get_stride(c->surf);
	const unsigned char *dst = cairo_image_surface_get_data(c->surf);
	int xa = x0 < 0 ? 0 : x0, xb = x0 + sp->size > c->w ? c->w - 1 : x0 + sp->size - 1;
	int ya = y0 + sp->y0 > ylo ? y0 + sp->y0 : ylo, yb = y0 + sp->y1 < yhi ? y0 + sp->y1 : yhi;

	yb = yb < c->h ? yb : c->h;
	for (int y = ya < 0 ? 0 : ya; y < yb && xa <= xb; y++) {
		__builtin_prefetch(dst + (size_t)y * stride + (size_t)xa * 4, 1);
		__builtin_prefetch(dst + (size_t)y * stride + (size_t)xb * 4, 1);
	}
}

/* The bands a job's inked rows touch; false when none is on the image. */
static bool job_bands(const struct sw_canvas *c, const struct stamp_job *j, int *b0, int *b1)
{
	const struct sprite *sp = &c->sprites[j->sprite];
	int ya = j->y0 + sp->y0, yb = j->y0 + sp->y1;

	ya = ya < 0 ? 0 : ya;
	yb = yb > c->h ? c->h : yb;
	if (ya >= yb)
		return false;
	*b0 = ya / c->band;
	*b1 = (yb - 1) / c->band;
	return true;
}

/* Draw the collected stamps band by band (a counting sort by band keeps
 * their order within each band). */
static void stamps_flush(struct sw_canvas *c)
{
	int nb, b0, b1;
	size_t total = 0;

	if (c->njobs == 0)
		return;
	nb = (c->h + c->band - 1) / c->band;
	memset(c->band_pos, 0, (size_t)(nb + 1) * sizeof *c->band_pos);
	for (int i = 0; i < c->njobs; i++)
		if (job_bands(c, &c->jobs[i], &b0, &b1))
			for (int b = b0; b <= b1; b++, total++)
				c->band_pos[b + 1]++;
	if (total > c->order_cap) {
		unsigned *o = realloc(c->order, total * sizeof *o);
		if (o == NULL) { /* one by one, unclipped */
			for (int i = 0; i < c->njobs; i++)
				stamp(c, &c->sprites[c->jobs[i].sprite], c->jobs[i].x0, c->jobs[i].y0,
				      0, c->h);
			c->njobs = 0;
			return;
		}
		c->order = o;
		c->order_cap = total;
	}
	for (int b = 0; b < nb; b++)
		c->band_pos[b + 1] += c->band_pos[b];
	for (int i = 0; i < c->njobs; i++)
		if (job_bands(c, &c->jobs[i], &b0, &b1))
			for (int b = b0; b <= b1; b++)
				c->order[c->band_pos[b]++] = (unsigned)i;
	/* band_pos[b] is now where band b ends; the rows of a job a few ahead
	 * are asked for while this one is drawn (the first touch of a band's
	 * pixels misses the cache) */
	for (int b = 0, k = 0; b < nb; b++)
		for (; k < c->band_pos[b]; k++) {
			const struct stamp_job *j = &c->jobs[c->order[k]];
			if (k + STAMP_AHEAD < c->band_pos[b]) {
				const struct stamp_job *n = &c->jobs[c->order[k + STAMP_AHEAD]];
				prefetch(c, &c->sprites[n->sprite], n->x0, n->y0, b * c->band,
				         (b + 1) * c->band);
			}
			stamp(c, &c->sprites[j->sprite], j->x0, j->y0, b * c->band, (b + 1) * c->band);
		}
	c->njobs = 0;
}

static void stamp_add(struct sw_canvas *c, const struct sprite *sp, double x, double y)
{
	int x0, y0;

	if (!(x > -sp->size && y > -sp->size && x < c->w + sp->size && y < c->h + sp->size))
		return; /* also NAN */
	x0 = (int)floor(x) - sp->size / 2;
	y0 = (int)floor(y) - sp->size / 2;
	if (!c->raw) {
		cairo_surface_flush(c->surf);
		c->raw = true;
	}
	if (c->jobs == NULL && !c->no_batch) {
		c->band = STAMP_BAND_BYTES / (4 * c->w);
		c->band = c->band < 4 ? 4 : c->band;
		c->jobs = malloc(STAMP_BATCH * sizeof *c->jobs);
		c->band_pos = malloc(((size_t)c->h / c->band + 2) * sizeof *c->band_pos);
		if (c->jobs == NULL || c->band_pos == NULL) {
			free(c->jobs);
			free(c->band_pos);
			c->jobs = NULL;
			c->band_pos = NULL;
			c->no_batch = true;
		}
	}
	if (c->no_batch) {
		stamp(c, sp, x0, y0, 0, c->h);
		return;
	}
	if (c->njobs == STAMP_BATCH)
		stamps_flush(c);
	c->jobs[c->njobs++] = (struct stamp_job){x0, y0, (int)(sp - c->sprites)};
}

void sw_canvas_symbol(struct sw_canvas *c, const struct sw_symbol *s, double x, double y)
{
	struct sprite *sp = c->pdf ? NULL : sprite_for(c, s);

	if (sp != NULL) {
		stamp_add(c, sp, x, y);
		return;
	}
	leave_raw(c);
	cairo_save(c->cr);
	cairo_translate(c->cr, x, y);
	draw_symbol(c->cr, s);
	cairo_restore(c->cr);
}

static void set_font(struct sw_canvas *c, double size, bool bold)
{
	cairo_select_font_face(c->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
	                       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(c->cr, size);
}

void sw_canvas_text_size(struct sw_canvas *c, const char *utf8, double size, bool bold,
                         double *width, double *ascent, double *descent)
{
	cairo_text_extents_t te;
	cairo_font_extents_t fe;

	set_font(c, size, bold);
	cairo_text_extents(c->cr, utf8, &te);
	cairo_font_extents(c->cr, &fe);
	if (width != NULL)
		*width = te.x_advance;
	if (ascent != NULL)
		*ascent = fe.ascent;
	if (descent != NULL)
		*descent = fe.descent;
}

void sw_canvas_text(struct sw_canvas *c, double x, double y, const char *utf8, double size,
                    bool bold, struct sw_rgb col, enum sw_align align, double halo)
{
	double w = 0;

	leave_raw(c);
	sw_canvas_text_size(c, utf8, size, bold, &w, NULL, NULL);
	if (align == SW_ALIGN_CENTER)
		x -= w / 2;
	else if (align == SW_ALIGN_RIGHT)
		x -= w;
	cairo_move_to(c->cr, x, y);
	if (halo > 0) {
		cairo_text_path(c->cr, utf8);
		cairo_set_source_rgb(c->cr, 1, 1, 1);
		cairo_set_line_width(c->cr, halo * 2);
		cairo_stroke(c->cr);
		cairo_move_to(c->cr, x, y);
	}
	cairo_set_source_rgb(c->cr, col.r, col.g, col.b);
	cairo_show_text(c->cr, utf8);
	cairo_new_path(c->cr);
}

const unsigned char *sw_canvas_pixels(struct sw_canvas *c, int *stride)
{
	if (c->pdf)
		return NULL;
	leave_raw(c);
	cairo_surface_flush(c->surf);
	*stride = cairo_image_surface_get_stride(c->surf);
	return cairo_image_surface_get_data(c->surf);
}
