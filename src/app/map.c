/* map.c - the status map: extent, basemap layers, points streamed from the
 * store, legend, labels, scale bar, north arrow; PNG (+ georeferencing) or
 * PDF written under temporary names and renamed. */
#include "schouw/map.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>


#include "schouw/basemap.h"
#include "schouw/crs.h"
#include "schouw/i18n.h"
#include "schouw/render.h"

#define MAX_CLASSES 64
#define MAX_LABELS 3000
#define BATCH_SHAPES 1000 /* basemap shapes per stroke: bounds the path's memory */

/* Map texts in both languages: the map's language is chosen per map, not by
 * the process locale. */
enum txt { T_TITLE, T_STATUS, T_COMPLIANCE, T_TYPE, T_TOTAL, T_NODATA, T_NONE, T_COUNT };
static const char *const texts[T_COUNT][2] = {
	{"Toegankelijkheid openbare ruimte: stand van zaken", "Accessibility of public space: progress"},
	{"Status", "Status"},
	{"Toetsing (laatste controle)", "Compliance (latest check)"},
	{"Soort", "Type"},
	{"Totaal", "Total"},
	{"Geen gegevens", "No data"},
	{"geen punten", "no points"},
};

struct klass {
	const char *name;
	const char *label;
	struct sw_symbol sym;
	long long count;
};

struct label {
	long long id;
	float x, y;
};

struct map_ctx {
	const struct sw_map_options *o;
	struct sw_canvas *cv;
	struct sw_basemap_style *style;
	double minx, maxy, px; /* world of pixel (0,0) corner, metres a pixel */
	double pt;
	bool en;
	/* classes: colour (status/verdict), shapes: per type */
	struct klass cls[MAX_CLASSES];
	int ncls;
	struct klass types[MAX_CLASSES];
	int ntypes;
	struct sw_rgb neutral;
	struct sw_symbol syms[SW_SYMBOL_MAX];
	bool sym_made[SW_SYMBOL_MAX];
	long long total;
	char newest[40];
	/* compliance: verdict class index by point id, sorted */
	long long *v_id;
	unsigned char *v_cls;
	size_t nv, vcap;
	struct label *labels;
	size_t nlabels, labels_cap;
	long long labels_skipped;
	/* basemap batching */
	const struct sw_basemap_look *look;
	size_t batch;
	/* extent pass */
	double bx0, by0, bx1, by1;
	long long nfit;
	/* RD New's name and WKT, asked of PROJ once, before the image exists */
	char *crs_name, *crs_wkt;
};

static const char *T(const struct map_ctx *m, enum txt t)
{
	return texts[t][m->en ? 1 : 0];
}

static double wx(const struct map_ctx *m, double x)
{
	return (x - m->minx) / m->px;
}

static double wy(const struct map_ctx *m, double y)
{
	return (m->maxy - y) / m->px;
}

static struct sw_rgb rgb_or(const char *hex, struct sw_rgb dflt)
{
	struct sw_rgb c;
	return hex != NULL && sw_rgb_parse(hex, &c) ? c : dflt;
}

/* ---- classes ---------------------------------------------------------- */

static int class_index(const struct klass *k, int n, const char *name)
{
	for (int i = 0; name != NULL && i < n; i++)
		if (strcmp(k[i].name, name) == 0)
			return i;
	return -1;
}

static enum sw_status make_classes(struct map_ctx *m, struct sw_error *err)
{
	const struct sw_map_options *o = m->o;
	const struct sw_forms *f = o->forms;
	double size = 8.5 * m->pt;

	m->neutral = rgb_or(m->style ? m->style->neutral : NULL, (struct sw_rgb){0.2, 0.2, 0.2});
	for (size_t i = 0; i < f->nforms && m->ntypes < MAX_CLASSES; i++) {
		struct klass *k = &m->types[m->ntypes++];
		k->name = f->forms[i].type;
		k->label = m->en ? f->forms[i].label_en : f->forms[i].label_nl;
		k->sym = (struct sw_symbol){.shape = sw_shape_from_name(f->forms[i].symbol),
		                            .fill = o->by == SW_MAP_BY_TYPE ? SW_FILL_SOLID
		                                                            : SW_FILL_HOLLOW,
		                            .color = m->neutral,
		                            .size = size};
	}
	if (o->by == SW_MAP_BY_STATUS) {
		for (size_t i = 0; i < f->nstates && m->ncls < MAX_CLASSES; i++) {
			const struct sw_state_def *s = &f->states[i];
			struct klass *k = &m->cls[m->ncls++];
			k->name = s->name;
			k->label = m->en ? s->label_en : s->label_nl;
			k->sym = (struct sw_symbol){.shape = SW_SHAPE_CIRCLE,
			                            .fill = sw_fill_from_name(s->fill),
			                            .color = rgb_or(s->color, m->neutral),
			                            .size = size};
		}
	} else if (o->by == SW_MAP_BY_COMPLIANCE) {
		static const char *const need[] = {"pass", "fail", "incomplete", "unchecked"};
		for (size_t i = 0; i < 4; i++) {
			const struct sw_basemap_class *v = sw_basemap_style_verdict(m->style, need[i]);
			struct klass *k = &m->cls[m->ncls++];
			if (v == NULL)
				return sw_error_set(err, SW_ERR_INPUT,
				                    _("%s: a map by compliance needs a [verdict %s] "
				                      "section (label, color, fill)"),
				                    m->style ? m->style->path : o->style_path, need[i]);
			k->name = v->name;
			k->label = m->en ? (v->label_en ? v->label_en : v->name)
			                 : (v->label_nl ? v->label_nl : v->name);
			k->sym = (struct sw_symbol){.shape = SW_SHAPE_CIRCLE,
			                            .fill = sw_fill_from_name(v->fill),
			                            .color = rgb_or(v->color, m->neutral),
			                            .size = size};
		}
	}
	return SW_OK;
}

/* The symbol of a point of class ci (-1: by type) and type ti; the first
 * combinations get a sprite id, the rare rest are drawn as vectors. */
static const struct sw_symbol *symbol_for(struct map_ctx *m, int ci, int ti)
{
	int id = (ci + 1) * 16 + ti;
	struct sw_symbol *s;

	if (ti >= 16 || id >= SW_SYMBOL_MAX - 100) {
		s = &m->syms[SW_SYMBOL_MAX - 1];
		*s = m->types[ti].sym;
		if (ci >= 0) {
			s->color = m->cls[ci].sym.color;
			s->fill = m->cls[ci].sym.fill;
		}
		s->id = -1;
		return s;
	}
	s = &m->syms[id];
	if (!m->sym_made[id]) {
		*s = m->types[ti].sym;
		if (ci >= 0) {
			s->color = m->cls[ci].sym.color;
			s->fill = m->cls[ci].sym.fill;
		}
		s->id = id;
		m->sym_made[id] = true;
	}
	return s;
}

/* ---- compliance of the latest check run -------------------------------- */

static enum sw_status add_verdict(long long id, const char *verdict, void *ud)
{
	struct map_ctx *m = ud;
	int ci = class_index(m->cls, m->ncls, verdict);

	if (m->nv == m->vcap) {
		size_t nc = m->vcap ? m->vcap * 2 : 1024;
		long long *ni = realloc(m->v_id, nc * sizeof *ni);
		unsigned char *nk;

		if (ni == NULL)
			return SW_ERR_NOMEM;
		m->v_id = ni;
		nk = realloc(m->v_cls, nc);
		if (nk == NULL)
			return SW_ERR_NOMEM;
		m->v_cls = nk;
		m->vcap = nc;
	}
	m->v_id[m->nv] = id;
	m->v_cls[m->nv++] = (unsigned char)(ci >= 0 ? ci : 3);
	return SW_OK;
}

static enum sw_status load_verdicts(struct map_ctx *m, struct sw_store *st, struct sw_error *err)
{
	enum sw_status rc = sw_store_check_latest(st, add_verdict, m, err);

	return rc == SW_ERR_NOMEM ? sw_error_nomem(err) : rc;
}

static int verdict_class(const struct map_ctx *m, long long id)
{
	size_t lo = 0, hi = m->nv;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->v_id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->nv && m->v_id[lo] == id ? m->v_cls[lo] : 3; /* unchecked */
}

/* ---- extent ------------------------------------------------------------ */

static enum sw_status fit_cb(const struct sw_point_xy *p, void *ud)
{
	struct map_ctx *m = ud;

	m->bx0 = fmin(m->bx0, p->x);
	m->by0 = fmin(m->by0, p->y);
	m->bx1 = fmax(m->bx1, p->x);
	m->by1 = fmax(m->by1, p->y);
	m->nfit++;
	return SW_OK;
}

static enum sw_status points_box(struct map_ctx *m, struct sw_store *st, const struct sw_filter *f,
                                 struct sw_error *err)
{
	m->bx0 = m->by0 = INFINITY;
	m->bx1 = m->by1 = -INFINITY;
	m->nfit = 0;
	return sw_store_query_xy(st, f, fit_cb, m, err);
}

/* ---- basemap ----------------------------------------------------------- */

static void flush_lines(struct map_ctx *m)
{
	const struct sw_basemap_look *l = m->look;

	if (m->batch == 0)
		return;
	if (l->casing != NULL && l->casing_width > 0)
		sw_canvas_stroke(m->cv, rgb_or(l->casing, m->neutral), l->opacity,
		                 l->casing_width * m->pt, true);
	if (l->stroke != NULL && l->width > 0)
		sw_canvas_stroke(m->cv, rgb_or(l->stroke, m->neutral), l->opacity, l->width * m->pt,
		                 true);
	sw_canvas_clear_path(m->cv);
	m->batch = 0;
}

static enum sw_status shape_cb(const struct sw_basemap_shape *s, void *ud)
{
	struct map_ctx *m = ud;
	const struct sw_basemap_look *l = m->look;

	if (s->kind == SW_BASEMAP_POINT) {
		struct sw_symbol sym = {.id = SW_SYMBOL_MAX - 2,
		                        .shape = SW_SHAPE_CIRCLE,
		                        .fill = SW_FILL_SOLID,
		                        .color = rgb_or(l->fill ? l->fill : l->stroke, m->neutral),
		                        .size = fmax(2, l->width) * m->pt};
		for (int i = 0; i < s->nvertices; i++)
			sw_canvas_symbol(m->cv, &sym, wx(m, s->x[i]), wy(m, s->y[i]));
		return SW_OK;
	}
	for (int p = 0; p < s->nparts; p++) {
		int a = s->part[p], b = p + 1 < s->nparts ? s->part[p + 1] : s->nvertices;
		if (a < 0 || b > s->nvertices || a >= b)
			continue;
		sw_canvas_move(m->cv, wx(m, s->x[a]), wy(m, s->y[a]));
		for (int i = a + 1; i < b; i++)
			sw_canvas_line(m->cv, wx(m, s->x[i]), wy(m, s->y[i]));
		if (s->kind == SW_BASEMAP_POLYGON)
			sw_canvas_close(m->cv);
	}
	if (s->kind == SW_BASEMAP_POLYGON) { /* one shape at a time: holes stay holes */
		if (l->fill != NULL)
			sw_canvas_fill(m->cv, rgb_or(l->fill, m->neutral), l->opacity, true);
		if (l->stroke != NULL && l->width > 0)
			sw_canvas_stroke(m->cv, rgb_or(l->stroke, m->neutral), l->opacity,
			                 l->width * m->pt, true);
		sw_canvas_clear_path(m->cv);
		return SW_OK;
	}
	if (++m->batch >= BATCH_SHAPES)
		flush_lines(m);
	return SW_OK;
}

static bool is_shp(const char *s)
{
	size_t n = strlen(s);
	return n > 4 && strcasecmp(s + n - 4, ".shp") == 0;
}

static enum sw_status draw_layer(struct map_ctx *m, const char *file,
                                 const struct sw_basemap_look *look, struct sw_error *err)
{
	double box[4];
	enum sw_status rc;
	double margin = 20 * m->pt * m->px;

	box[0] = m->minx - margin;
	box[3] = m->maxy + margin;
	box[2] = m->minx + sw_canvas_width(m->cv) * m->px + margin;
	box[1] = m->maxy - sw_canvas_height(m->cv) * m->px - margin;
	m->look = look;
	m->batch = 0;
	rc = sw_basemap_read(file, box, shape_cb, m, err);
	flush_lines(m);
	sw_canvas_clear_path(m->cv);
	return rc;
}

/* A user's own file: its look from [default line|polygon|point]; kind known
 * per shape, so read with the line look and switch in the callback. */
static const struct sw_basemap_look default_looks[3] = {
	{.stroke = "#5f5f5f", .width = 0.8, .opacity = 1},
	{.fill = "#d9d4c7", .stroke = "#8c8472", .width = 0.4, .opacity = 1},
	{.fill = "#5f5f5f", .width = 2.5, .opacity = 1},
};

static enum sw_status user_shape_cb(const struct sw_basemap_shape *s, void *ud)
{
	struct map_ctx *m = ud;
	const struct sw_basemap_look *l = m->style ? &m->style->deflt[s->kind] : NULL;

	if (l == NULL || (l->fill == NULL && l->stroke == NULL))
		l = &default_looks[s->kind];
	m->look = l;
	return shape_cb(s, m);
}

static enum sw_status draw_layers(struct map_ctx *m, struct sw_error *err);

/* The basemap is a backdrop: its lines and areas are antialiased with
 * cairo's fast rasteriser (16 coverage levels; 100k street lines took 2.5x
 * as long with the default); symbols and texts keep the best. */
static enum sw_status draw_basemap(struct map_ctx *m, struct sw_error *err)
{
	const struct sw_map_options *o = m->o;
	enum sw_status rc = SW_OK;

	if (o->no_basemap)
		return SW_OK;
	sw_canvas_set_fast(m->cv, true);
	rc = draw_layers(m, err);
	sw_canvas_set_fast(m->cv, false);
	return rc;
}

static enum sw_status draw_layers(struct map_ctx *m, struct sw_error *err)
{
	const struct sw_map_options *o = m->o;
	enum sw_status rc = SW_OK;

	if (o->nbasemaps == 0) {
		for (size_t i = 0; m->style != NULL && i < m->style->nlayers; i++) {
			rc = draw_layer(m, m->style->layers[i].file, &m->style->layers[i].look, err);
			if (rc != SW_OK)
				return rc;
		}
		return SW_OK;
	}
	/* named layers in the style's order first, then the user's files */
	for (size_t i = 0; m->style != NULL && i < m->style->nlayers; i++)
		for (size_t k = 0; k < o->nbasemaps; k++)
			if (strcmp(o->basemaps[k], m->style->layers[i].name) == 0) {
				rc = draw_layer(m, m->style->layers[i].file, &m->style->layers[i].look,
				                err);
				if (rc != SW_OK)
					return rc;
			}
	for (size_t k = 0; k < o->nbasemaps; k++) {
		double box[4] = {m->minx - 1e3, m->maxy - sw_canvas_height(m->cv) * m->px - 1e3,
		                 m->minx + sw_canvas_width(m->cv) * m->px + 1e3, m->maxy + 1e3};
		if (!is_shp(o->basemaps[k]))
			continue;
		m->batch = 0;
		m->look = &default_looks[0];
		rc = sw_basemap_read(o->basemaps[k], box, user_shape_cb, m, err);
		flush_lines(m);
		if (rc != SW_OK)
			return rc;
	}
	return SW_OK;
}

/* The outline of the named area over the basemap, under the points. */
static void draw_area(struct map_ctx *m)
{
	const struct sw_polygon *a = m->o->area;
	const struct sw_basemap_look *l = m->style != NULL && m->style->area.stroke != NULL
	                                      ? &m->style->area
	                                      : NULL;
	struct sw_rgb ink = m->neutral;

	if (a == NULL)
		return;
	for (size_t r = 0; r < a->nrings; r++) {
		size_t i = a->ring_start[r], end = a->ring_start[r + 1];
		if (end - i < 2)
			continue;
		sw_canvas_move(m->cv, wx(m, a->x[i]), wy(m, a->y[i]));
		for (i++; i < end; i++)
			sw_canvas_line(m->cv, wx(m, a->x[i]), wy(m, a->y[i]));
		sw_canvas_close(m->cv);
	}
	if (l == NULL) { /* no [area] in the style: the neutral ink */
		sw_canvas_stroke(m->cv, ink, 0.9, 1.6 * m->pt, false);
		return;
	}
	if (l->fill != NULL)
		sw_canvas_fill(m->cv, rgb_or(l->fill, ink), l->opacity, true);
	if (l->casing != NULL && l->casing_width > 0)
		sw_canvas_stroke(m->cv, rgb_or(l->casing, ink), l->opacity, l->casing_width * m->pt,
		                 true);
	if (l->width > 0)
		sw_canvas_stroke(m->cv, rgb_or(l->stroke, ink), l->opacity, l->width * m->pt, true);
	sw_canvas_clear_path(m->cv);
}

/* ---- points ------------------------------------------------------------ */

static enum sw_status point_cb(const struct sw_point_xy *p, void *ud)
{
	struct map_ctx *m = ud;
	int ti = class_index(m->types, m->ntypes, p->type), ci = -1;
	double x = wx(m, p->x), y = wy(m, p->y);

	if (m->o->by == SW_MAP_BY_STATUS)
		ci = class_index(m->cls, m->ncls, p->status);
	else if (m->o->by == SW_MAP_BY_COMPLIANCE)
		ci = verdict_class(m, p->id);
	if (ti < 0 || (m->o->by != SW_MAP_BY_TYPE && ci < 0))
		return SW_OK; /* a type or status the files no longer know */
	if (x < 0 || y < 0 || x >= sw_canvas_width(m->cv) || y >= sw_canvas_height(m->cv))
		return SW_OK; /* the query box is a little larger than the image */
	sw_canvas_symbol(m->cv, symbol_for(m, ci, ti), x, y);
	m->types[ti].count++;
	if (ci >= 0)
		m->cls[ci].count++;
	m->total++;
	/* the date of the data: the newest observation (else the newest change) */
	if (p->date != NULL && strncmp(p->date, m->newest, 10) > 0)
		snprintf(m->newest, sizeof m->newest, "%s", p->date);
	if (m->o->labels) {
		if (m->nlabels == MAX_LABELS) {
			m->labels_skipped++;
			return SW_OK;
		}
		if (m->nlabels == m->labels_cap) {
			size_t nc = m->labels_cap ? m->labels_cap * 2 : 256;
			struct label *n = realloc(m->labels, nc * sizeof *n);
			if (n == NULL)
				return SW_ERR_NOMEM;
			m->labels = n;
			m->labels_cap = nc;
		}
		m->labels[m->nlabels++] = (struct label){p->id, (float)x, (float)y};
	}
	return SW_OK;
}

/* ---- labels: greedy, never over another label or a symbol ---------------- */

struct box {
	double x0, y0, x1, y1;
};

static bool overlaps(const struct box *a, const struct box *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

static enum sw_status place_labels(struct map_ctx *m, struct sw_map_result *res,
                                   const struct box *keepout, int nkeep, struct sw_error *err)
{
	double fs = 7 * m->pt, r = 8.5 * m->pt * 0.65, asc, desc;
	struct box *placed = NULL;
	size_t np = 0, n = m->nlabels;
	struct sw_rgb ink = {0.1, 0.1, 0.1};
	char buf[32];

	sw_canvas_text_size(m->cv, "0", fs, false, NULL, &asc, &desc);
	placed = malloc((n + 1) * sizeof *placed);
	if (placed == NULL)
		return sw_error_nomem(err);
	for (size_t i = 0; i < n; i++) {
		const struct label *l = &m->labels[i];
		double w;
		bool done = false;

		snprintf(buf, sizeof buf, "%lld", l->id);
		sw_canvas_text_size(m->cv, buf, fs, false, &w, NULL, NULL);
		/* right, left, above, below */
		const double cand[4][2] = {{l->x + r + 1, l->y + asc / 2 - 1},
		                           {l->x - r - 1 - w, l->y + asc / 2 - 1},
		                           {l->x - w / 2, l->y - r - desc - 1},
		                           {l->x - w / 2, l->y + r + asc + 1}};
		for (int c = 0; c < 4 && !done; c++) {
			struct box b = {cand[c][0], cand[c][1] - asc, cand[c][0] + w, cand[c][1] + desc};
			bool free_ = b.x0 >= 0 && b.y0 >= 0 && b.x1 <= sw_canvas_width(m->cv) &&
			             b.y1 <= sw_canvas_height(m->cv);
			for (size_t k = 0; free_ && k < np; k++)
				free_ = !overlaps(&b, &placed[k]);
			for (size_t k = 0; free_ && k < n; k++) {
				struct box s = {m->labels[k].x - r, m->labels[k].y - r, m->labels[k].x + r,
				                m->labels[k].y + r};
				free_ = !overlaps(&b, &s);
			}
			for (int k = 0; free_ && k < nkeep; k++)
				free_ = !overlaps(&b, &keepout[k]);
			if (free_) {
				placed[np++] = b;
				sw_canvas_text(m->cv, cand[c][0], cand[c][1], buf, fs, false, ink,
				               SW_ALIGN_LEFT, 1.5 * m->pt);
				done = true;
			}
		}
		if (!done)
			res->labels_left_out++;
	}
	res->labels_placed = (long long)np;
	res->labels_left_out += m->labels_skipped;
	free(placed);
	return SW_OK;
}

/* ---- decorations --------------------------------------------------------- */

static const struct sw_rgb INK = {0.12, 0.12, 0.12}, WHITE = {1, 1, 1};

static void panel(struct map_ctx *m, double x, double y, double w, double h)
{
	sw_canvas_rect(m->cv, x, y, w, h);
	sw_canvas_fill(m->cv, WHITE, 0.92, true);
	sw_canvas_stroke(m->cv, (struct sw_rgb){0.55, 0.55, 0.55}, 1, 0.6 * m->pt, false);
}

static void group_thousands(long long v, char *buf, size_t n)
{
	char raw[32];
	size_t len, o = 0;

	snprintf(raw, sizeof raw, "%lld", v);
	len = strlen(raw);
	for (size_t i = 0; i < len && o + 2 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = '.';
		buf[o++] = raw[i];
	}
	buf[o] = '\0';
}

/* Width the legend needs: the longest "label  count" line. */
static double legend_width(struct map_ctx *m, double fs)
{
	double w = 0, tw;
	char line[256];

	for (int i = 0; i < m->ncls; i++) {
		snprintf(line, sizeof line, "%s  0.000.000", m->cls[i].label);
		sw_canvas_text_size(m->cv, line, fs, false, &tw, NULL, NULL);
		w = fmax(w, tw);
	}
	for (int i = 0; i < m->ntypes; i++) {
		snprintf(line, sizeof line, "%s  0.000.000", m->types[i].label);
		sw_canvas_text_size(m->cv, line, fs, false, &tw, NULL, NULL);
		w = fmax(w, tw);
	}
	sw_canvas_text_size(m->cv, T(m, T_COMPLIANCE), fs * 1.1, true, &tw, NULL, NULL);
	return fmax(w + 34 * m->pt, tw + 16 * m->pt);
}

static int legend_lines(const struct map_ctx *m)
{
	int n = 0;

	for (int i = 0; i < m->ntypes; i++)
		n += m->types[i].count > 0;
	return m->ncls + n + (m->o->by == SW_MAP_BY_TYPE ? 2 : 3) + (m->total == 0);
}

/* The legend panel at the right; returns its box for the labels to avoid. */
static struct box draw_legend(struct map_ctx *m, double right, double top, double fs)
{
	double lh = fs * 1.75, w = legend_width(m, fs), pad = 8 * m->pt;
	double h = legend_lines(m) * lh + 2 * pad, x = right - w - pad, y = top, cy;
	char cnt[32], line[128];
	bool by_type = m->o->by == SW_MAP_BY_TYPE;

	panel(m, x, y, w + pad, h);
	cy = y + pad + fs;
	if (!by_type) {
		sw_canvas_text(m->cv, x + pad, cy, T(m, m->o->by == SW_MAP_BY_STATUS ? T_STATUS
		                                                                     : T_COMPLIANCE),
		               fs * 1.1, true, INK, SW_ALIGN_LEFT, 0);
		cy += lh;
		for (int i = 0; i < m->ncls; i++) {
			struct sw_symbol s = m->cls[i].sym;
			s.id = SW_SYMBOL_MAX - 10 - i;
			sw_canvas_symbol(m->cv, &s, x + pad + 6 * m->pt, cy - fs * 0.35);
			sw_canvas_text(m->cv, x + pad + 16 * m->pt, cy, m->cls[i].label, fs, false, INK,
			               SW_ALIGN_LEFT, 0);
			group_thousands(m->cls[i].count, cnt, sizeof cnt);
			sw_canvas_text(m->cv, x + w - 2, cy, cnt, fs, false, INK, SW_ALIGN_RIGHT, 0);
			cy += lh;
		}
	}
	sw_canvas_text(m->cv, x + pad, cy, T(m, T_TYPE), fs * 1.1, true, INK, SW_ALIGN_LEFT, 0);
	cy += lh;
	if (m->total == 0) {
		sw_canvas_text(m->cv, x + pad, cy, T(m, T_NONE), fs, false, INK, SW_ALIGN_LEFT, 0);
		cy += lh;
	}
	for (int i = 0; i < m->ntypes; i++) {
		struct sw_symbol s = m->types[i].sym;
		if (m->types[i].count == 0)
			continue;
		s.id = SW_SYMBOL_MAX - 80 - i;
		sw_canvas_symbol(m->cv, &s, x + pad + 6 * m->pt, cy - fs * 0.35);
		sw_canvas_text(m->cv, x + pad + 16 * m->pt, cy, m->types[i].label, fs, false, INK,
		               SW_ALIGN_LEFT, 0);
		group_thousands(m->types[i].count, cnt, sizeof cnt);
		sw_canvas_text(m->cv, x + w - 2, cy, cnt, fs, false, INK, SW_ALIGN_RIGHT, 0);
		cy += lh;
	}
	sw_canvas_move(m->cv, x + pad, cy - lh * 0.55);
	sw_canvas_line(m->cv, x + w, cy - lh * 0.55);
	sw_canvas_stroke(m->cv, INK, 1, 0.5 * m->pt, false);
	snprintf(line, sizeof line, "%s", T(m, T_TOTAL));
	sw_canvas_text(m->cv, x + pad, cy + lh * 0.1, line, fs, true, INK, SW_ALIGN_LEFT, 0);
	group_thousands(m->total, cnt, sizeof cnt);
	sw_canvas_text(m->cv, x + w - 2, cy + lh * 0.1, cnt, fs, true, INK, SW_ALIGN_RIGHT, 0);
	return (struct box){x, y, x + w + pad, y + h};
}

/* A round length (1, 2 or 5 x 10^k metres) near a fifth of the width. */
static double round_length(double want)
{
	double p = pow(10, floor(log10(want))), f = want / p;

	return (f >= 5 ? 5 : f >= 2 ? 2 : 1) * p;
}

static struct box draw_scalebar(struct map_ctx *m, double x, double bottom, double fs)
{
	double len_m = round_length(sw_canvas_width(m->cv) * m->px / 5), len = len_m / m->px;
	double bh = 4 * m->pt, pad = 7 * m->pt, tw, y;
	char lab[64];

	if (len_m >= 1000)
		snprintf(lab, sizeof lab, "%g km", len_m / 1000);
	else
		snprintf(lab, sizeof lab, "%g m", len_m);
	sw_canvas_text_size(m->cv, lab, fs, false, &tw, NULL, NULL);
	panel(m, x, bottom - (bh + fs * 1.6 + 2 * pad), len + tw / 2 + 2 * pad + 8, bh + fs * 1.6 + 2 * pad);
	y = bottom - pad - bh;
	for (int i = 0; i < 4; i++) {
		sw_canvas_rect(m->cv, x + pad + i * len / 4, y, len / 4, bh);
		sw_canvas_fill(m->cv, i % 2 ? WHITE : INK, 1, true);
		sw_canvas_stroke(m->cv, INK, 1, 0.6 * m->pt, false);
	}
	sw_canvas_text(m->cv, x + pad, y - fs * 0.5, "0", fs, false, INK, SW_ALIGN_CENTER, 0);
	sw_canvas_text(m->cv, x + pad + len, y - fs * 0.5, lab, fs, false, INK, SW_ALIGN_CENTER, 0);
	return (struct box){x, bottom - (bh + fs * 1.6 + 2 * pad), x + len + tw / 2 + 2 * pad + 8,
	                    bottom};
}

static struct box draw_north(struct map_ctx *m, double cx, double top, double fs)
{
	double h = 22 * m->pt, w = 8 * m->pt, y = top + fs * 1.6;

	/* grid north: RD New's y axis, within 2 degrees of true north here */
	sw_canvas_text(m->cv, cx, top + fs * 1.1, "N", fs * 1.2, true, INK, SW_ALIGN_CENTER, 2);
	sw_canvas_move(m->cv, cx, y);
	sw_canvas_line(m->cv, cx + w, y + h);
	sw_canvas_line(m->cv, cx, y + h * 0.72);
	sw_canvas_close(m->cv);
	sw_canvas_fill(m->cv, INK, 1, true);
	sw_canvas_stroke(m->cv, INK, 1, 0.8 * m->pt, false);
	sw_canvas_move(m->cv, cx, y);
	sw_canvas_line(m->cv, cx - w, y + h);
	sw_canvas_line(m->cv, cx, y + h * 0.72);
	sw_canvas_close(m->cv);
	sw_canvas_fill(m->cv, WHITE, 1, true);
	sw_canvas_stroke(m->cv, INK, 1, 0.8 * m->pt, false);
	return (struct box){cx - w - 2, top, cx + w + 2, y + h + 2};
}

/* ---- the frame: extent fitted to the image ----------------------------- */

/* Title band at the top; the legend's width at the right: the data is fitted
 * into what is left, so no point hides under them. */
static void frame_insets(struct map_ctx *m, double *top, double *right, double *bottom)
{
	double fs = 8 * m->pt;
	*top = 30 * m->pt;
	/* without a legend: room for the north arrow */
	*right = m->o->no_legend ? 30 * m->pt : legend_width(m, fs) + 20 * m->pt;
	*bottom = 28 * m->pt;
}

static enum sw_status fit(struct map_ctx *m, struct sw_map_result *res, double x0, double y0,
                          double x1, double y1, struct sw_error *err)
{
	const struct sw_map_options *o = m->o;
	double top, right, bottom, W = o->width, H = o->height, iw, ih, cx, cy;

	frame_insets(m, &top, &right, &bottom);
	iw = W - right - 10 * m->pt;
	ih = H - top - bottom;
	if (iw < W * 0.4)
		iw = W * 0.4, right = W - iw - 10 * m->pt;
	if (ih < H * 0.5)
		ih = H * 0.5, top = (H - ih) / 2;
	if (o->scale > 0)
		m->px = o->scale * 0.0254 / o->dpi;
	else
		m->px = fmax((x1 - x0) / iw, (y1 - y0) / ih);
	if (!(m->px > 0) || !isfinite(m->px))
		return sw_error_set(err, SW_ERR_INPUT, "%s", _("the map extent is empty"));
	cx = (x0 + x1) / 2;
	cy = (y0 + y1) / 2;
	/* the inner rectangle's centre lands on the extent's centre */
	m->minx = cx - (10 * m->pt + iw / 2) * m->px;
	m->maxy = cy + (top + ih / 2) * m->px;
	res->px_size = m->px;
	res->minx = m->minx;
	res->maxy = m->maxy;
	res->maxx = m->minx + W * m->px;
	res->miny = m->maxy - H * m->px;
	res->scale = m->px * o->dpi / 0.0254;
	return SW_OK;
}

/* ---- output ------------------------------------------------------------ */

static char *with_suffix(const char *base, const char *strip, const char *add)
{
	size_t n = strlen(base), k = strip ? strlen(strip) : 0;
	char *s;

	if (k > n)
		k = 0;
	s = malloc(n - k + strlen(add) + 1);
	if (s != NULL) {
		memcpy(s, base, n - k);
		strcpy(s + n - k, add);
	}
	return s;
}

/* A fresh temporary name beside path (same folder, so rename is atomic). */
static enum sw_status temp_beside(const char *path, char **out, FILE **fp, struct sw_error *err)
{
	char *t = with_suffix(path, NULL, ".tmp-XXXXXX");
	int fd;

	*out = NULL;
	if (t == NULL)
		return sw_error_nomem(err);
	fd = mkstemp(t);
	if (fd >= 0) { /* mkstemp makes 0600; a map is as readable as any new file */
		mode_t um = umask(0);
		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	if (fd < 0) {
		enum sw_status rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), path,
		                                 strerror(errno));
		free(t);
		return rc;
	}
	if (fp != NULL) {
		*fp = fdopen(fd, "wb");
		if (*fp == NULL) {
			close(fd);
			unlink(t);
			free(t);
			return sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), path,
			                    strerror(errno));
		}
	} else {
		close(fd);
	}
	*out = t;
	return SW_OK;
}

/* The footer line at the bottom, right-aligned; on an image too narrow for
 * it (the phone's map) smaller, and when even that does not fit, on two
 * lines split at the separator nearest the middle: nothing is cut off.
 * Returns its height. */
static double footer(struct map_ctx *m, const char *line, double W, double H)
{
	double fs = 7 * m->pt, avail = W - 16 * m->pt, tw, tw2;
	char a[512], b[512];
	const char *cut = NULL;

	sw_canvas_text_size(m->cv, line, fs, false, &tw, NULL, NULL);
	if (tw > avail && fs * avail / tw >= 5.5 * m->pt) {
		fs *= avail / tw;
		tw = avail;
	}
	if (tw <= avail) {
		sw_canvas_rect(m->cv, 0, H - 13 * m->pt, W, 13 * m->pt);
		sw_canvas_fill(m->cv, WHITE, 0.92, false);
		sw_canvas_text(m->cv, W - 8 * m->pt, H - 4 * m->pt, line, fs, false, INK,
		               SW_ALIGN_RIGHT, 0);
		return 13 * m->pt;
	}
	for (const char *p = strstr(line, "  |  "); p != NULL; p = strstr(p + 1, "  |  "))
		if (cut == NULL || fabs((double)(p - line) - strlen(line) / 2.0) <
		                       fabs((double)(cut - line) - strlen(line) / 2.0))
			cut = p;
	if (cut == NULL)
		cut = line + strlen(line) / 2;
	snprintf(a, sizeof a, "%.*s", (int)(cut - line), line);
	snprintf(b, sizeof b, "%s", strncmp(cut, "  |  ", 5) == 0 ? cut + 5 : cut);
	fs = 7 * m->pt;
	sw_canvas_text_size(m->cv, a, fs, false, &tw, NULL, NULL);
	sw_canvas_text_size(m->cv, b, fs, false, &tw2, NULL, NULL);
	if (fmax(tw, tw2) > avail)
		fs *= avail / fmax(tw, tw2);
	sw_canvas_rect(m->cv, 0, H - 22 * m->pt, W, 22 * m->pt);
	sw_canvas_fill(m->cv, WHITE, 0.92, false);
	sw_canvas_text(m->cv, W - 8 * m->pt, H - 13 * m->pt, a, fs, false, INK, SW_ALIGN_RIGHT, 0);
	sw_canvas_text(m->cv, W - 8 * m->pt, H - 4 * m->pt, b, fs, false, INK, SW_ALIGN_RIGHT, 0);
	return 22 * m->pt;
}

static void decorate(struct map_ctx *m, struct sw_map_result *res, struct box *keep, int *nkeep)
{
	const struct sw_map_options *o = m->o;
	double fs = 8 * m->pt, W = o->width, H = o->height, fh;
	char line[512], num[32], date[16];
	const char *title = o->title ? o->title : T(m, T_TITLE);

	/* title band */
	sw_canvas_rect(m->cv, 0, 0, W, 24 * m->pt);
	sw_canvas_fill(m->cv, WHITE, 0.92, false);
	sw_canvas_move(m->cv, 0, 24 * m->pt);
	sw_canvas_line(m->cv, W, 24 * m->pt);
	sw_canvas_stroke(m->cv, (struct sw_rgb){0.55, 0.55, 0.55}, 1, 0.6 * m->pt, false);
	sw_canvas_text(m->cv, 10 * m->pt, 16.5 * m->pt, title, 12 * m->pt, true, INK, SW_ALIGN_LEFT,
	               0);
	line[0] = '\0';
	if (o->area_label != NULL) /* the area as a subtitle, before the date */
		snprintf(line, sizeof line, "%s  |  ", o->area_label);
	{
		size_t n = strlen(line);
		if (m->newest[0] != '\0') {
			snprintf(date, sizeof date, "%.10s", m->newest);
			snprintf(line + n, sizeof line - n,
			         m->en ? "Data as of %s" : "Gegevens t/m %s", date);
		} else {
			snprintf(line + n, sizeof line - n, "%s", T(m, T_NODATA));
		}
	}
	sw_canvas_text(m->cv, W - 10 * m->pt, 16 * m->pt, line, 9 * m->pt, false, INK,
	               SW_ALIGN_RIGHT, 0);
	keep[(*nkeep)++] = (struct box){0, 0, W, 24 * m->pt};
	if (o->no_legend) {
		keep[(*nkeep)++] = draw_north(m, W - 16 * m->pt, 26 * m->pt, fs);
	} else {
		keep[(*nkeep)++] = draw_legend(m, W - 4 * m->pt, 30 * m->pt, fs);
		keep[(*nkeep)++] = draw_north(m, W - 20 * m->pt, keep[1].y1 + 8 * m->pt, fs);
	}
	/* footer: scale, CRS, attribution, left-out labels; made first, as
	 * its height (one line or two) places the scale bar */
	group_thousands((long long)llround(res->scale), num, sizeof num);
	snprintf(line, sizeof line, m->en ? "Scale 1:%s" : "Schaal 1:%s", num);
	{
		size_t n = strlen(line);
		snprintf(line + n, sizeof line - n, "  |  %s (EPSG:28992)", m->crs_name);
	}
	if (m->style != NULL && m->style->attribution != NULL && !o->no_basemap) {
		size_t n = strlen(line);
		snprintf(line + n, sizeof line - n, "  |  %s", m->style->attribution);
	}
	if (o->labels && res->labels_left_out > 0) {
		size_t n = strlen(line);
		snprintf(line + n, sizeof line - n, "  |  ");
		n = strlen(line);
		snprintf(line + n, sizeof line - n,
		         m->en ? "%lld labels left out (crowded)" : "%lld labels weggelaten (te vol)",
		         res->labels_left_out);
	}
	fh = footer(m, line, W, H);
	keep[(*nkeep)++] = draw_scalebar(m, 8 * m->pt, H - fh - 9 * m->pt, fs);
	keep[(*nkeep)++] = (struct box){0, H - fh, W, H};
}

static enum sw_status write_outputs(struct map_ctx *m, struct sw_map_result *res, bool pdf,
                                    char *pdf_tmp, struct sw_error *err)
{
	const struct sw_map_options *o = m->o;
	char *tmp[3] = {NULL, NULL, NULL}, *fin[3] = {NULL, NULL, NULL};
	char bbox[160], when[64];
	const char *title = o->title ? o->title : T(m, T_TITLE);
	struct sw_georef g = {res->minx, res->maxy, res->px_size};
	enum sw_status rc = SW_OK;
	time_t now = time(NULL);
	struct tm tmv;
	int n = pdf ? 1 : 3;

	fin[0] = sw_strdup(o->out);
	if (pdf) {
		tmp[0] = pdf_tmp;
		pdf_tmp = NULL;
	} else {
		fin[1] = with_suffix(o->out, ".png", ".pgw");
		fin[2] = with_suffix(o->out, NULL, ".aux.xml");
		if (fin[0] == NULL || fin[1] == NULL || fin[2] == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
		for (int i = 0; i < 3; i++) {
			rc = temp_beside(fin[i], &tmp[i], NULL, err);
			if (rc != SW_OK)
				goto out;
		}
		snprintf(bbox, sizeof bbox, "%.2f,%.2f,%.2f,%.2f", res->minx, res->miny, res->maxx,
		         res->maxy);
		gmtime_r(&now, &tmv);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tmv);
		const struct sw_png_text text[] = {
			{"Title", title},       {"Software", "schouw " SW_VERSION},
			{"Creation Time", when}, {"CRS", "EPSG:28992 (Amersfoort / RD New)"},
			{"Bbox", bbox},         {"Area", o->area_label},
		};
		rc = sw_png_write(m->cv, tmp[0], text, o->area_label != NULL ? 6 : 5, err);
		if (rc == SW_OK)
			rc = sw_georef_write_world(tmp[1], &g, err);
		if (rc == SW_OK)
			rc = sw_georef_write_aux(tmp[2], &g, m->crs_wkt, err);
		if (rc != SW_OK)
			goto out;
	}
	/* sidecars first: a PNG in place always has its georeferencing */
	for (int i = n - 1; i >= 0; i--) {
		if (rename(tmp[i], fin[i]) != 0) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), fin[i],
			                  strerror(errno));
			for (int k = n - 1; k > i; k--)
				unlink(fin[k]);
			goto out;
		}
		free(tmp[i]);
		tmp[i] = NULL;
	}
out:
	for (int i = 0; i < 3; i++) {
		if (tmp[i] != NULL)
			unlink(tmp[i]);
		free(tmp[i]);
		free(fin[i]);
	}
	if (pdf_tmp != NULL) {
		unlink(pdf_tmp);
		free(pdf_tmp);
	}
	return rc;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n > k && strcasecmp(s + n - k, suf) == 0;
}

enum sw_status sw_map_render(struct sw_store *st, const struct sw_map_options *o,
                             struct sw_map_result *res, struct sw_error *err)
{
	struct map_ctx m = {.o = o, .en = o->english};
	struct sw_filter f = o->filter;
	struct box keep[8];
	int nkeep = 0;
	FILE *pdf_fp = NULL;
	char *pdf_tmp = NULL;
	bool pdf;
	enum sw_status rc = SW_OK;
	double x0, y0, x1, y1, r;

	memset(res, 0, sizeof *res);
	if (o->out == NULL || (!ends_with(o->out, ".png") && !ends_with(o->out, ".pdf")))
		return sw_error_set(err, SW_ERR_INPUT, _("%s: the map file must end in .png or .pdf"),
		                    o->out ? o->out : "");
	pdf = ends_with(o->out, ".pdf");
	if (o->width < 1 || o->height < 1 || o->width > SW_MAP_MAX_SIDE ||
	    o->height > SW_MAP_MAX_SIDE || !(o->dpi >= 10 && o->dpi <= SW_MAP_MAX_DPI))
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("map size %d x %d px at %g dpi is out of range (1 to %d px a "
		                      "side, 10 to %d dpi)"),
		                    o->width, o->height, o->dpi, SW_MAP_MAX_SIDE, SW_MAP_MAX_DPI);
	if (o->extent.set && !(o->extent.minx < o->extent.maxx && o->extent.miny < o->extent.maxy))
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("the map extent %g,%g,%g,%g is empty or inverted (expected "
		                      "minx,miny,maxx,maxy with min < max)"),
		                    o->extent.minx, o->extent.miny, o->extent.maxx, o->extent.maxy);
	m.pt = o->dpi / 72.0;
	if (o->style_path != NULL && !o->no_basemap) {
		rc = sw_basemap_style_load(o->style_path, &m.style, err);
		if (rc == SW_ERR_NOTFOUND && o->nbasemaps == 0 && o->by != SW_MAP_BY_COMPLIANCE)
			rc = SW_OK; /* no gis/ folder: a map without a basemap */
		if (rc != SW_OK)
			goto out;
	} else if (o->style_path != NULL && o->by == SW_MAP_BY_COMPLIANCE) {
		rc = sw_basemap_style_load(o->style_path, &m.style, err);
		if (rc != SW_OK)
			goto out;
	}
	for (size_t k = 0; k < o->nbasemaps && !o->no_basemap; k++) {
		if (is_shp(o->basemaps[k])) {
			if (access(o->basemaps[k], R_OK) != 0) {
				rc = sw_error_set(err, SW_ERR_NOTFOUND, _("basemap %s: cannot open: %s"),
				                  o->basemaps[k], strerror(errno));
				goto out;
			}
		} else if (sw_basemap_style_layer(m.style, o->basemaps[k]) == NULL) {
			rc = sw_error_set(err, SW_ERR_NOTFOUND,
			                  _("no basemap layer '%s' in %s; give a layer of the style "
			                    "file or a .shp file"),
			                  o->basemaps[k], o->style_path ? o->style_path : "gis/");
			goto out;
		}
	}
	rc = sw_crs_describe(SW_CRS_RD, &m.crs_name, &m.crs_wkt, err);
	if (rc == SW_OK)
		rc = make_classes(&m, err);
	if (rc == SW_OK && o->by == SW_MAP_BY_COMPLIANCE)
		rc = load_verdicts(&m, st, err);
	if (rc != SW_OK)
		goto out;

	/* the extent: asked, else the area's box, else the selected points,
	 * else every point */
	f.has_bbox = false;
	if (o->extent.set) {
		x0 = o->extent.minx, y0 = o->extent.miny, x1 = o->extent.maxx, y1 = o->extent.maxy;
	} else if (o->area != NULL && o->area->minx < o->area->maxx &&
	           o->area->miny < o->area->maxy) {
		double mg = SW_MAP_AREA_MARGIN *
		            fmax(o->area->maxx - o->area->minx, o->area->maxy - o->area->miny);
		x0 = o->area->minx - mg, y0 = o->area->miny - mg;
		x1 = o->area->maxx + mg, y1 = o->area->maxy + mg;
	} else {
		rc = points_box(&m, st, &f, err);
		if (rc == SW_OK && m.nfit == 0)
			rc = points_box(&m, st, NULL, err);
		if (rc != SW_OK)
			goto out;
		if (m.nfit == 0) {
			rc = sw_error_set(err, SW_ERR_INPUT, "%s",
			                  _("the store has no points to fit the map to; give --bbox"));
			goto out;
		}
		double span = fmax(fmax(m.bx1 - m.bx0, m.by1 - m.by0), 100);
		double cx = (m.bx0 + m.bx1) / 2, cy = (m.by0 + m.by1) / 2;
		double hw = fmax(m.bx1 - m.bx0, span * 0.3) / 2 + span * 0.06;
		double hh = fmax(m.by1 - m.by0, span * 0.3) / 2 + span * 0.06;
		x0 = cx - hw, x1 = cx + hw, y0 = cy - hh, y1 = cy + hh;
	}

	if (pdf) {
		rc = temp_beside(o->out, &pdf_tmp, &pdf_fp, err);
		if (rc == SW_OK)
			rc = sw_canvas_open_pdf(pdf_fp, o->width, o->height, o->dpi,
			                        o->title ? o->title : T(&m, T_TITLE), &m.cv, err);
	} else {
		rc = sw_canvas_open_image(o->width, o->height, o->dpi, &m.cv, err);
	}
	if (rc != SW_OK)
		goto out;
	rc = fit(&m, res, x0, y0, x1, y1, err);
	if (rc != SW_OK)
		goto out;
	sw_canvas_rect(m.cv, 0, 0, o->width, o->height);
	sw_canvas_fill(m.cv, rgb_or(m.style ? m.style->background : NULL, WHITE), 1, false);
	rc = draw_basemap(&m, err);
	if (rc != SW_OK)
		goto out;
	draw_area(&m);

	r = 8.5 * m.pt * m.px; /* symbols on the edge are drawn too */
	f.has_bbox = true;
	f.minx = res->minx - r, f.maxx = res->maxx + r, f.miny = res->miny - r, f.maxy = res->maxy + r;
	rc = sw_store_query_xy(st, &f, point_cb, &m, err);
	if (rc == SW_ERR_NOMEM)
		sw_error_nomem(err);
	if (rc != SW_OK)
		goto out;
	res->npoints = m.total;

	decorate(&m, res, keep, &nkeep);
	if (o->labels) {
		rc = place_labels(&m, res, keep, nkeep, err);
		if (rc != SW_OK)
			goto out;
		if (res->labels_left_out > 0) /* the footer says how many */
			decorate(&m, res, keep, &(int){0});
	}
	rc = sw_canvas_finish(m.cv, err);
	if (rc == SW_OK && pdf_fp != NULL) {
		int bad = fflush(pdf_fp) != 0 || ferror(pdf_fp);
		bad |= fclose(pdf_fp) != 0;
		pdf_fp = NULL;
		if (bad)
			rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), o->out,
			                  strerror(errno));
	}
	if (rc != SW_OK)
		goto out;
	rc = write_outputs(&m, res, pdf, pdf_tmp, err);
	pdf_tmp = NULL;
out:
	sw_canvas_free(m.cv);
	if (pdf_fp != NULL)
		fclose(pdf_fp);
	if (pdf_tmp != NULL) {
		unlink(pdf_tmp);
		free(pdf_tmp);
	}
	sw_basemap_style_free(m.style);
	free(m.crs_name);
	free(m.crs_wkt);
	free(m.v_id);
	free(m.v_cls);
	free(m.labels);
	return rc;
}
