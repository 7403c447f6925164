/* basemap.c - the basemap style file (inih) and shapefile layers read shape
 * by shape through shapelib, reprojected to RD New through crs.c. */
#include "schouw/basemap.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>
#include <shapefil.h>

#include "schouw/crs.h"
#include "schouw/i18n.h"
#include "schouw/style.h"

struct style_ctx {
	struct sw_basemap_style *s;
	char *dir; /* folder of the style file, for relative layer files */
	char msg[512];
	enum sw_status rc;
};

static int ctx_fail(struct style_ctx *c, enum sw_status rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int ctx_fail(struct style_ctx *c, enum sw_status rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof c->msg, fmt, ap);
	va_end(ap);
	c->rc = rc;
	return 0;
}

static int set_str(struct style_ctx *c, char **dst, const char *v)
{
	free(*dst);
	*dst = sw_strdup(v);
	return *dst != NULL ? 1 : ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
}

static int set_color(struct style_ctx *c, char **dst, const char *name, const char *v)
{
	int r, g, b;

	if (strcmp(v, "none") == 0) {
		free(*dst);
		*dst = NULL;
		return 1;
	}
	if (!sw_style_parse_color(v, &r, &g, &b))
		return ctx_fail(c, SW_ERR_INPUT, _("%s is '%s', expected #rrggbb or none"), name, v);
	return set_str(c, dst, v);
}

static int set_num(struct style_ctx *c, double *dst, const char *name, const char *v, double max)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end != '\0' || errno != 0 || !isfinite(d) || d < 0 || d > max)
		return ctx_fail(c, SW_ERR_INPUT, _("%s is '%s', expected a number from 0 to %g"), name,
		                v, max);
	*dst = d;
	return 1;
}

static int look_key(struct style_ctx *c, struct sw_basemap_look *l, const char *name,
                    const char *v)
{
	if (strcmp(name, "fill") == 0)
		return set_color(c, &l->fill, name, v);
	if (strcmp(name, "stroke") == 0)
		return set_color(c, &l->stroke, name, v);
	if (strcmp(name, "casing") == 0)
		return set_color(c, &l->casing, name, v);
	if (strcmp(name, "width") == 0)
		return set_num(c, &l->width, name, v, 100);
	if (strcmp(name, "casing_width") == 0)
		return set_num(c, &l->casing_width, name, v, 100);
	if (strcmp(name, "opacity") == 0)
		return set_num(c, &l->opacity, name, v, 1);
	return -1;
}

static char *join(const char *dir, const char *file)
{
	size_t n;
	char *p;

	if (file[0] == '/' || dir == NULL)
		return sw_strdup(file);
	n = strlen(dir) + strlen(file) + 2;
	p = malloc(n);
	if (p != NULL)
		snprintf(p, n, "%s/%s", dir, file);
	return p;
}

/* The layer / verdict a section names, created on first sight. */
static void *section_item(struct style_ctx *c, const char *section, bool *is_layer)
{
	struct sw_basemap_style *s = c->s;
	const char *name;

	if (strncmp(section, "layer ", 6) == 0) {
		name = section + 6;
		*is_layer = true;
		for (size_t i = 0; i < s->nlayers; i++)
			if (strcmp(s->layers[i].name, name) == 0)
				return &s->layers[i];
		struct sw_basemap_layer *n = realloc(s->layers, (s->nlayers + 1) * sizeof *n);
		if (n == NULL)
			return NULL;
		s->layers = n;
		memset(&n[s->nlayers], 0, sizeof *n);
		n[s->nlayers].look.opacity = 1;
		n[s->nlayers].name = sw_strdup(name);
		return n[s->nlayers].name ? &n[s->nlayers++] : NULL;
	}
	name = section + 8; /* "verdict " */
	*is_layer = false;
	for (size_t i = 0; i < s->nverdicts; i++)
		if (strcmp(s->verdicts[i].name, name) == 0)
			return &s->verdicts[i];
	struct sw_basemap_class *n = realloc(s->verdicts, (s->nverdicts + 1) * sizeof *n);
	if (n == NULL)
		return NULL;
	s->verdicts = n;
	memset(&n[s->nverdicts], 0, sizeof *n);
	n[s->nverdicts].name = sw_strdup(name);
	return n[s->nverdicts].name ? &n[s->nverdicts++] : NULL;
}

static int on_key(void *user, const char *section, const char *name, const char *v)
{
	static const char *const kinds[] = {"default line", "default polygon", "default point"};
	struct style_ctx *c = user;
	struct sw_basemap_style *s = c->s;
	int r;

	if (strcmp(section, "map") == 0) {
		if (strcmp(name, "attribution") == 0)
			return set_str(c, &s->attribution, v);
		if (strcmp(name, "background") == 0)
			return set_color(c, &s->background, name, v);
		if (strcmp(name, "neutral") == 0)
			return set_color(c, &s->neutral, name, v);
		return ctx_fail(c, SW_ERR_INPUT,
		                _("unknown key '%s' in [map]; expected attribution, background or neutral"),
		                name);
	}
	for (int k = 0; k < 4; k++) {
		if (strcmp(section, k < 3 ? kinds[k] : "area") != 0)
			continue;
		r = look_key(c, k < 3 ? &s->deflt[k] : &s->area, name, v);
		if (r < 0)
			return ctx_fail(c, SW_ERR_INPUT,
			                _("unknown key '%s' in [%s]; expected fill, stroke, width, "
			                  "casing, casing_width or opacity"),
			                name, section);
		return r;
	}
	if (strncmp(section, "layer ", 6) == 0 || strncmp(section, "verdict ", 8) == 0) {
		bool is_layer;
		void *item = section_item(c, section, &is_layer);
		if (item == NULL)
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
		if (is_layer) {
			struct sw_basemap_layer *l = item;
			if (strcmp(name, "file") == 0) {
				free(l->file);
				l->file = join(c->dir, v);
				return l->file ? 1 : ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
			}
			r = look_key(c, &l->look, name, v);
			if (r < 0)
				return ctx_fail(c, SW_ERR_INPUT,
				                _("unknown key '%s' in [%s]; expected file, fill, "
				                  "stroke, width, casing, casing_width or opacity"),
				                name, section);
			return r;
		}
		struct sw_basemap_class *k = item;
		if (strcmp(name, "label_nl") == 0)
			return set_str(c, &k->label_nl, v);
		if (strcmp(name, "label_en") == 0)
			return set_str(c, &k->label_en, v);
		if (strcmp(name, "color") == 0)
			return set_color(c, &k->color, name, v);
		if (strcmp(name, "fill") == 0)
			return set_str(c, &k->fill, v);
		return ctx_fail(c, SW_ERR_INPUT,
		                _("unknown key '%s' in [%s]; expected label_nl, label_en, color "
		                  "or fill"),
		                name, section);
	}
	return ctx_fail(c, SW_ERR_INPUT,
	                _("unknown section [%s]; expected [map], [layer NAME], [default line], "
	                  "[default polygon], [default point], [area] or [verdict NAME]"),
	                section);
}

enum sw_status sw_basemap_style_load(const char *path, struct sw_basemap_style **out,
                                     struct sw_error *err)
{
	struct style_ctx c = {.rc = SW_OK};
	enum sw_status rc = SW_OK;
	FILE *fp = NULL;
	char *slash;
	int line;

	*out = NULL;
	c.s = calloc(1, sizeof *c.s);
	c.dir = sw_strdup(path);
	if (c.s == NULL || c.dir == NULL || (c.s->path = sw_strdup(path)) == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	slash = strrchr(c.dir, '/');
	if (slash != NULL)
		*slash = '\0';
	else
		strcpy(c.dir, ".");
	for (int k = 0; k < 3; k++)
		c.s->deflt[k].opacity = 1;
	c.s->area.opacity = 1;
	fp = fopen(path, "r");
	if (fp == NULL) {
		rc = sw_error_set(err, errno == ENOENT ? SW_ERR_NOTFOUND : SW_ERR_IO,
		                  _("%s: cannot open: %s"), path, strerror(errno));
		goto out;
	}
	line = ini_parse_file(fp, on_key, &c);
	if (line != 0) {
		if (c.rc == SW_OK)
			snprintf(c.msg, sizeof c.msg, "%s", _("not a key = value line or [section]"));
		rc = sw_error_set(err, c.rc == SW_OK ? SW_ERR_INPUT : c.rc, "%s:%d: %s", path,
		                  line, c.msg);
		goto out;
	}
	for (size_t i = 0; i < c.s->nlayers; i++)
		if (c.s->layers[i].file == NULL) {
			rc = sw_error_set(err, SW_ERR_INPUT, _("%s: [layer %s] has no file = ..."),
			                  path, c.s->layers[i].name);
			goto out;
		}
	for (size_t i = 0; i < c.s->nverdicts; i++)
		if (c.s->verdicts[i].color == NULL) {
			rc = sw_error_set(err, SW_ERR_INPUT, _("%s: [verdict %s] has no color"), path,
			                  c.s->verdicts[i].name);
			goto out;
		}
	*out = c.s;
	c.s = NULL;
out:
	if (fp != NULL)
		fclose(fp);
	sw_basemap_style_free(c.s);
	free(c.dir);
	return rc;
}

static void look_free(struct sw_basemap_look *l)
{
	free(l->fill);
	free(l->stroke);
	free(l->casing);
}

void sw_basemap_style_free(struct sw_basemap_style *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nlayers; i++) {
		free(s->layers[i].name);
		free(s->layers[i].file);
		look_free(&s->layers[i].look);
	}
	for (size_t i = 0; i < s->nverdicts; i++) {
		free(s->verdicts[i].name);
		free(s->verdicts[i].label_nl);
		free(s->verdicts[i].label_en);
		free(s->verdicts[i].color);
		free(s->verdicts[i].fill);
	}
	for (int k = 0; k < 3; k++)
		look_free(&s->deflt[k]);
	look_free(&s->area);
	free(s->layers);
	free(s->verdicts);
	free(s->attribution);
	free(s->background);
	free(s->neutral);
	free(s->path);
	free(s);
}

const struct sw_basemap_layer *sw_basemap_style_layer(const struct sw_basemap_style *s,
                                                      const char *name)
{
	for (size_t i = 0; s != NULL && i < s->nlayers; i++)
		if (strcmp(s->layers[i].name, name) == 0)
			return &s->layers[i];
	return NULL;
}

const struct sw_basemap_class *sw_basemap_style_verdict(const struct sw_basemap_style *s,
                                                        const char *name)
{
	for (size_t i = 0; s != NULL && i < s->nverdicts; i++)
		if (strcmp(s->verdicts[i].name, name) == 0)
			return &s->verdicts[i];
	return NULL;
}

/* shapelib reports through a hook; keep its words for our message instead
 * of letting it print. */
static char shp_msg[256];
static void shp_error(const char *msg)
{
	snprintf(shp_msg, sizeof shp_msg, "%s", msg);
}

/* The .prj beside path as text, NULL when there is none. */
static char *read_prj(const char *path)
{
	size_t n = strlen(path);
	char *prj = malloc(n + 5), *text = NULL;
	FILE *fp;
	long len;

	if (prj == NULL)
		return NULL;
	memcpy(prj, path, n + 1);
	if (n > 4 && (strcasecmp(prj + n - 4, ".shp") == 0))
		prj[n - 4] = '\0';
	strcat(prj, ".prj");
	fp = fopen(prj, "r");
	if (fp == NULL) {
		prj[strlen(prj) - 3] = '\0';
		strcat(prj, "PRJ");
		fp = fopen(prj, "r");
	}
	free(prj);
	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) > 0 && len < (1 << 16) &&
	    fseek(fp, 0, SEEK_SET) == 0 && (text = malloc((size_t)len + 1)) != NULL) {
		size_t got = fread(text, 1, (size_t)len, fp);
		text[got] = '\0';
	}
	fclose(fp);
	return text;
}

enum sw_status sw_basemap_read(const char *path, const double box[4], sw_basemap_cb cb, void *ud,
                               struct sw_error *err)
{
	SAHooks hooks;
	SHPHandle shp = NULL;
	SHPObject *o = NULL;
	struct sw_crs *crs = NULL;
	char *prj = NULL, *epsg = NULL;
	double *xs = NULL, *ys = NULL, lo[4], hi[4];
	int zero = 0, n = 0, type = 0, cap = 0;
	enum sw_status rc = SW_OK;
	enum sw_basemap_kind kind;

	if (access(path, R_OK) != 0)
		return sw_error_set(err, errno == ENOENT ? SW_ERR_NOTFOUND : SW_ERR_IO,
		                    _("basemap %s: cannot open: %s"), path, strerror(errno));
	SASetupDefaultHooks(&hooks);
	hooks.Error = shp_error;
	shp_msg[0] = '\0';
	shp = SHPOpenLL(path, "rb", &hooks);
	if (shp == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("basemap %s: not a readable shapefile%s%s"),
		                  path, shp_msg[0] ? ": " : "", shp_msg);
		goto out;
	}
	SHPGetInfo(shp, &n, &type, lo, hi);
	switch (type) {
	case SHPT_ARC: case SHPT_ARCZ: case SHPT_ARCM:
		kind = SW_BASEMAP_LINE;
		break;
	case SHPT_POLYGON: case SHPT_POLYGONZ: case SHPT_POLYGONM:
		kind = SW_BASEMAP_POLYGON;
		break;
	case SHPT_POINT: case SHPT_POINTZ: case SHPT_POINTM:
	case SHPT_MULTIPOINT: case SHPT_MULTIPOINTZ: case SHPT_MULTIPOINTM:
		kind = SW_BASEMAP_POINT;
		break;
	default:
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("basemap %s: shape type %s is not supported (lines, polygons "
		                    "or points)"),
		                  path, SHPTypeName(type));
		goto out;
	}
	prj = read_prj(path);
	if (prj != NULL) {
		struct sw_error e2;
		if (sw_crs_identify(prj, &epsg, &e2) != SW_OK) {
			rc = sw_error_set(err, SW_ERR_INPUT, _("basemap %s: its .prj is not a CRS PROJ "
			                                       "knows: %s"),
			                  path, e2.msg);
			goto out;
		}
	} else if (n > 0 && lo[0] >= -180 && hi[0] <= 180 && lo[1] >= -90 && hi[1] <= 90) {
		epsg = sw_strdup(SW_CRS_WGS84); /* no .prj, but clearly degrees */
	}
	if (epsg != NULL && strcmp(epsg, SW_CRS_RD) != 0) {
		rc = sw_crs_new(prj != NULL ? prj : epsg, SW_CRS_RD, &crs, err);
		if (rc != SW_OK) {
			sw_error_prefix(err, _("basemap %s: "), path);
			goto out;
		}
	}
	for (int i = 0; i < n; i++) {
		struct sw_basemap_shape s = {.kind = kind};
		double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;

		o = SHPReadObject(shp, i);
		if (o == NULL) {
			rc = sw_error_set(err, SW_ERR_INPUT, _("basemap %s: shape %d does not read%s%s"),
			                  path, i, shp_msg[0] ? ": " : "", shp_msg);
			goto out;
		}
		if (o->nSHPType == SHPT_NULL || o->nVertices == 0) {
			SHPDestroyObject(o);
			o = NULL;
			continue;
		}
		if (crs == NULL && (o->dfXMax < box[0] || o->dfXMin > box[2] || o->dfYMax < box[1] ||
		                    o->dfYMin > box[3])) {
			SHPDestroyObject(o);
			o = NULL;
			continue;
		}
		if (crs != NULL) {
			if (o->nVertices > cap) {
				double *nx = realloc(xs, (size_t)o->nVertices * sizeof *nx);
				if (nx == NULL) {
					rc = sw_error_nomem(err);
					goto out;
				}
				xs = nx;
				double *ny = realloc(ys, (size_t)o->nVertices * sizeof *ny);
				if (ny == NULL) {
					rc = sw_error_nomem(err);
					goto out;
				}
				ys = ny;
				cap = o->nVertices;
			}
			memcpy(xs, o->padfX, (size_t)o->nVertices * sizeof *xs);
			memcpy(ys, o->padfY, (size_t)o->nVertices * sizeof *ys);
			rc = sw_crs_trans(crs, xs, ys, (size_t)o->nVertices, NULL, err);
			if (rc != SW_OK) {
				sw_error_prefix(err, _("basemap %s: shape %d: "), path, i);
				goto out;
			}
			for (int v = 0; v < o->nVertices; v++) {
				bx0 = fmin(bx0, xs[v]);
				bx1 = fmax(bx1, xs[v]);
				by0 = fmin(by0, ys[v]);
				by1 = fmax(by1, ys[v]);
			}
			if (bx1 < box[0] || bx0 > box[2] || by1 < box[1] || by0 > box[3]) {
				SHPDestroyObject(o);
				o = NULL;
				continue;
			}
			s.x = xs;
			s.y = ys;
		} else {
			s.x = o->padfX;
			s.y = o->padfY;
		}
		s.nvertices = o->nVertices;
		if (o->nParts > 0) {
			s.part = o->panPartStart;
			s.nparts = o->nParts;
		} else {
			s.part = &zero;
			s.nparts = 1;
		}
		rc = cb(&s, ud);
		SHPDestroyObject(o);
		o = NULL;
		if (rc != SW_OK)
			goto out;
	}
out:
	SHPDestroyObject(o);
	if (shp != NULL)
		SHPClose(shp);
	sw_crs_free(crs);
	free(prj);
	free(epsg);
	free(xs);
	free(ys);
	return rc;
}
