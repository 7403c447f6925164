/* geojson.c - GeoJSON (RFC 7946) reader and streaming writer.
 *
 * The reader walks the top-level object itself (only the punctuation
 * between members: '{' ':' ',' '[' ']' '}') and lets jansson parse every
 * value, one feature at a time, from a memory map of the file. That keeps
 * memory flat for files of a million features, where json_load_file would
 * build the whole tree first.
 */
#include "schouw/geojson.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schouw/crs.h"
#include "schouw/i18n.h"
#include "schouw/num.h"
#include "schouw/utf8.h"

/* ---------------------------------------------------------------- reader */

struct rd {
	const char *path;
	const struct sw_read_opts *o;
	const char *buf;
	size_t len;
	size_t off;
	/* line counting only moves forward: line of byte line_off */
	size_t line_off;
	long line;
	size_t line_start;
	const char *crs; /* for records */
	bool geographic; /* range-check lon/lat */
	bool seen_features;
	long nfeat;
	/* per-feature scratch, reused */
	const char **keys;
	const char **vals;
	char (*num)[40];
	size_t cap;
	char crsbuf[32];
};

static void rd_pos(struct rd *r, size_t off, long *line, long *col)
{
	while (r->line_off < off && r->line_off < r->len) {
		if (r->buf[r->line_off] == '\n') {
			r->line++;
			r->line_start = r->line_off + 1;
		}
		r->line_off++;
	}
	*line = r->line;
	*col = (long)(off - r->line_start) + 1;
}

static enum sw_status rd_syntax(struct rd *r, size_t off, const char *what, struct sw_error *err)
{
	long line, col;

	rd_pos(r, off, &line, &col);
	return sw_error_set(err, SW_ERR_INPUT, _("%s:%ld:%ld: invalid GeoJSON: %s"), r->path, line,
	                    col, what);
}

static void rd_ws(struct rd *r)
{
	while (r->off < r->len) {
		char c = r->buf[r->off];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		r->off++;
	}
}

/* Expect punctuation c (after whitespace). */
static bool rd_punct(struct rd *r, char c)
{
	rd_ws(r);
	if (r->off < r->len && r->buf[r->off] == c) {
		r->off++;
		return true;
	}
	return false;
}

/* Parse one JSON value at r->off with jansson; on success advance past it. */
static enum sw_status rd_value(struct rd *r, json_t **out, struct sw_error *err)
{
	json_error_t je;
	long line, col;
	json_t *j;

	rd_ws(r);
	*out = NULL;
	if (r->off >= r->len)
		return rd_syntax(r, r->off, _("unexpected end of file"), err);
	j = json_loadb(r->buf + r->off, r->len - r->off,
	               JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
	if (j == NULL) {
		rd_pos(r, r->off, &line, &col);
		if (je.line > 1) {
			line += je.line - 1;
			col = je.column;
		} else if (je.column > 0) {
			col += je.column - 1;
		}
		return sw_error_set(err, SW_ERR_INPUT, _("%s:%ld:%ld: invalid JSON: %s"), r->path,
		                    line, col, je.text);
	}
	r->off += (size_t)je.position;
	*out = j;
	return SW_OK;
}

static enum sw_status feat_err(struct rd *r, struct sw_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum sw_status feat_err(struct rd *r, struct sw_error *err, const char *fmt, ...)
{
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return sw_error_set(err, SW_ERR_INPUT, _("%s: feature %ld: %s"), r->path, r->nfeat, what);
}

static bool grow(struct rd *r, size_t n)
{
	const char **k, **v;
	char(*num)[40];
	size_t cap = r->cap ? r->cap : 16;

	if (n <= r->cap)
		return true;
	while (cap < n)
		cap *= 2;
	k = realloc(r->keys, cap * sizeof *k);
	if (k == NULL)
		return false;
	r->keys = k;
	v = realloc(r->vals, cap * sizeof *v);
	if (v == NULL)
		return false;
	r->vals = v;
	num = realloc(r->num, cap * sizeof *num);
	if (num == NULL)
		return false;
	r->num = num;
	r->cap = cap;
	return true;
}

static enum sw_status feat_coords(struct rd *r, json_t *geom, double *x, double *y,
                                  struct sw_error *err)
{
	const char *gtype;
	json_t *c;

	if (!json_is_object(geom))
		return feat_err(r, err, _("no geometry (a Point is expected)"));
	gtype = json_string_value(json_object_get(geom, "type"));
	if (gtype == NULL)
		return feat_err(r, err, _("geometry without a \"type\""));
	c = json_object_get(geom, "coordinates");
	if (strcmp(gtype, "MultiPoint") == 0) {
		if (!json_is_array(c) || json_array_size(c) != 1)
			return feat_err(r, err, _("a MultiPoint must hold exactly one point here"));
		c = json_array_get(c, 0);
	} else if (strcmp(gtype, "Point") != 0) {
		return feat_err(r, err, _("geometry type %s is not supported (Point expected)"),
		                gtype);
	}
	if (!json_is_array(c) || json_array_size(c) < 2 || !json_is_number(json_array_get(c, 0)) ||
	    !json_is_number(json_array_get(c, 1)))
		return feat_err(r, err,
		                _("coordinates must be an array of two numbers [lon, lat]"));
	*x = json_number_value(json_array_get(c, 0));
	*y = json_number_value(json_array_get(c, 1));
	if (!isfinite(*x) || !isfinite(*y))
		return feat_err(r, err, _("coordinates are not finite numbers"));
	if (r->geographic && (*x < -180.0 || *x > 180.0 || *y < -90.0 || *y > 90.0)) {
		char what[128];

		snprintf(what, sizeof what, "[%.9g, %.9g]", *x, *y);
		return feat_err(
		    r, err, _("coordinates %s out of range (lon -180..180, lat -90..90)"), what);
	}
	return SW_OK;
}

static enum sw_status feature(struct rd *r, json_t *f, sw_record_cb cb, void *ud,
                              struct sw_error *err)
{
	struct sw_record rec = {0};
	const char *key;
	json_t *props, *v;
	const char *ftype;
	size_t n = 0;
	enum sw_status rc;

	r->nfeat++;
	if (!json_is_object(f))
		return feat_err(r, err, _("not a JSON object"));
	ftype = json_string_value(json_object_get(f, "type"));
	if (ftype == NULL || strcmp(ftype, "Feature") != 0)
		return feat_err(r, err, _("\"type\" must be \"Feature\""));
	rc = feat_coords(r, json_object_get(f, "geometry"), &rec.x, &rec.y, err);
	if (rc != SW_OK)
		return rc;
	props = json_object_get(f, "properties");
	if (props != NULL && !json_is_object(props) && !json_is_null(props))
		return feat_err(r, err, _("\"properties\" must be an object"));
	if (!grow(r, json_is_object(props) ? json_object_size(props) : 0))
		return sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
	if (json_is_object(props)) {
		json_object_foreach(props, key, v)
		{
			const char *val = NULL;

			switch (json_typeof(v)) {
			case JSON_STRING:
				val = json_string_value(v);
				break;
			case JSON_INTEGER:
				snprintf(r->num[n], sizeof r->num[n], "%" JSON_INTEGER_FORMAT,
				         json_integer_value(v));
				val = r->num[n];
				break;
			case JSON_REAL:
				sw_num_format(json_real_value(v), r->num[n]);
				val = r->num[n];
				break;
			case JSON_TRUE:
				val = "true";
				break;
			case JSON_FALSE:
				val = "false";
				break;
			case JSON_NULL:
				val = NULL;
				break;
			case JSON_OBJECT:
			case JSON_ARRAY:
				return feat_err(r, err,
				                _("property \"%s\" is an object or array; only "
				                  "strings, numbers, booleans and null are "
				                  "supported"),
				                key);
			}
			r->keys[n] = sw_read_map_key(r->o, key);
			if (r->keys[n] == NULL)
				continue; /* dropped by the user's --map */
			r->vals[n] = val;
			n++;
		}
	}
	rec.file = r->path;
	rec.pos = r->nfeat;
	rec.pos_kind = "feature";
	rec.has_xy = true;
	rec.crs = r->crs;
	rec.n = n;
	rec.keys = r->keys;
	rec.vals = r->vals;
	return cb(&rec, ud, err);
}

/* "urn:ogc:def:crs:EPSG::28992", "EPSG:28992", "urn:ogc:def:crs:OGC:1.3:CRS84". */
static enum sw_status legacy_crs(struct rd *r, json_t *crs, size_t at, struct sw_error *err)
{
	const char *name =
	    json_string_value(json_object_get(json_object_get(crs, "properties"), "name"));
	const char *p;
	long code;
	char *end;

	if (json_is_null(crs))
		return SW_OK;
	if (name == NULL)
		return rd_syntax(r, at, _("unsupported \"crs\" member (a named CRS is expected)"),
		                 err);
	if (strstr(name, "CRS84") != NULL)
		return SW_OK;
	/* the code is the number at the end: EPSG:n, urn:...:EPSG::n, .../EPSG/0/n */
	if (strstr(name, "EPSG") == NULL)
		goto bad;
	p = name + strlen(name);
	while (p > name && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p == name || (p[-1] != ':' && p[-1] != '/'))
		goto bad;
	errno = 0;
	code = strtol(p, &end, 10);
	if (end == p || *end != '\0' || errno != 0 || code <= 0 || code > 999999)
		goto bad;
	if (r->o != NULL && r->o->crs != NULL)
		return SW_OK; /* the user's override wins */
	if (r->seen_features && code != 4326)
		return rd_syntax(r, at, _("a \"crs\" member must come before \"features\""), err);
	snprintf(r->crsbuf, sizeof r->crsbuf, "EPSG:%ld", code);
	r->crs = r->crsbuf;
	r->geographic = code == 4326;
	return SW_OK;
bad:
	return rd_syntax(r, at, _("unsupported \"crs\" member (an EPSG code is expected)"), err);
}

static enum sw_status rd_features(struct rd *r, sw_record_cb cb, void *ud, struct sw_error *err)
{
	json_t *f = NULL;
	enum sw_status rc;

	if (r->seen_features)
		return rd_syntax(r, r->off, _("a second \"features\" member"), err);
	r->seen_features = true;
	if (!rd_punct(r, '['))
		return rd_syntax(r, r->off, _("\"features\" must be an array"), err);
	if (rd_punct(r, ']'))
		return SW_OK;
	for (;;) {
		rc = rd_value(r, &f, err);
		if (rc != SW_OK)
			return rc;
		rc = feature(r, f, cb, ud, err);
		json_decref(f);
		if (rc != SW_OK)
			return rc;
		if (rd_punct(r, ']'))
			return SW_OK;
		if (!rd_punct(r, ','))
			return rd_syntax(r, r->off, _("expected ',' or ']' after a feature"), err);
	}
}

/* Blanks and the record separators of GeoJSON Text Sequences (RFC 8142:
 * RS before every text) between top-level values. */
static void rd_seq_ws(struct rd *r)
{
	for (;;) {
		rd_ws(r);
		if (r->off < r->len && r->buf[r->off] == '\x1e')
			r->off++;
		else
			return;
	}
}

static bool is_geometry_type(const char *t)
{
	static const char *const g[] = {"Point",      "MultiPoint",      "LineString",
	                                "MultiLineString", "Polygon",    "MultiPolygon",
	                                "GeometryCollection"};
	size_t i;

	for (i = 0; i < sizeof g / sizeof g[0]; i++)
		if (strcmp(t, g[i]) == 0)
			return true;
	return false;
}

/* One whole top-level value: a FeatureCollection, a Feature or a bare
 * geometry (a feature without properties). at: where it starts. */
static enum sw_status rd_object(struct rd *r, json_t *j, size_t at, sw_record_cb cb, void *ud,
                                struct sw_error *err)
{
	const char *t = json_is_object(j) ? json_string_value(json_object_get(j, "type")) : NULL;
	enum sw_status rc = SW_OK;

	if (t == NULL)
		return rd_syntax(r, at, _("expected a GeoJSON object with a \"type\""), err);
	if (strcmp(t, "FeatureCollection") == 0) {
		json_t *fs = json_object_get(j, "features"), *f;
		size_t i;

		if (json_object_get(j, "crs") != NULL) {
			rc = legacy_crs(r, json_object_get(j, "crs"), at, err);
			if (rc != SW_OK)
				return rc;
		}
		if (!json_is_array(fs))
			return rd_syntax(r, at, _("FeatureCollection without a \"features\" array"),
			                 err);
		json_array_foreach(fs, i, f)
		{
			rc = feature(r, f, cb, ud, err);
			if (rc != SW_OK)
				return rc;
		}
		return SW_OK;
	}
	if (strcmp(t, "Feature") == 0)
		return feature(r, j, cb, ud, err);
	if (is_geometry_type(t)) {
		json_t *w = json_pack("{s:s, s:O, s:n}", "type", "Feature", "geometry", j,
		                      "properties");

		if (w == NULL)
			return sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		rc = feature(r, w, cb, ud, err);
		json_decref(w);
		return rc;
	}
	return rd_syntax(r, at,
	                 _("\"type\" must be FeatureCollection, Feature or a geometry such as "
	                   "Point"),
	                 err);
}

/* The first top-level object is walked member by member, so that the
 * features of a big FeatureCollection stream; its other members are kept,
 * and make a Feature or a bare geometry when that is what it is. Values
 * after it (one Feature per line, RFC 8142 sequences) are read whole. */
static enum sw_status rd_top(struct rd *r, sw_record_cb cb, void *ud, struct sw_error *err)
{
	json_t *key = NULL, *val = NULL, *top = NULL;
	const char *type = NULL;
	enum sw_status rc = SW_OK;
	size_t at, start;

	if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
		r->off = 3;
	rd_seq_ws(r);
	start = r->off;
	if (!rd_punct(r, '{'))
		return rd_syntax(r, r->off,
		                 _("expected a GeoJSON object (a FeatureCollection, a Feature "
		                   "or a geometry)"),
		                 err);
	top = json_object();
	if (top == NULL)
		return sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
	if (rd_punct(r, '}'))
		goto end;
	for (;;) {
		rd_ws(r);
		at = r->off;
		rc = rd_value(r, &key, err);
		if (rc != SW_OK)
			goto out;
		if (!json_is_string(key)) {
			rc = rd_syntax(r, at, _("expected a member name"), err);
			goto out;
		}
		if (!rd_punct(r, ':')) {
			rc = rd_syntax(r, r->off, _("expected ':'"), err);
			goto out;
		}
		if (strcmp(json_string_value(key), "features") == 0) {
			if (type != NULL && strcmp(type, "FeatureCollection") != 0) {
				rc = rd_syntax(r, at, _("not a FeatureCollection"), err);
				goto out;
			}
			rc = rd_features(r, cb, ud, err);
		} else {
			rd_ws(r);
			at = r->off;
			rc = rd_value(r, &val, err);
			if (rc == SW_OK && strcmp(json_string_value(key), "crs") == 0)
				rc = legacy_crs(r, val, at, err);
			if (rc == SW_OK && strcmp(json_string_value(key), "type") == 0)
				type = json_is_string(val) ? json_string_value(val) : "";
			if (rc == SW_OK && strcmp(json_string_value(key), "crs") != 0) {
				if (json_object_set_new(top, json_string_value(key), val) != 0)
					rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
				val = NULL;
			}
			json_decref(val);
			val = NULL;
		}
		json_decref(key);
		key = NULL;
		if (rc != SW_OK)
			goto out;
		if (rd_punct(r, '}'))
			break;
		if (!rd_punct(r, ',')) {
			rc = rd_syntax(r, r->off, _("expected ',' or '}'"), err);
			goto out;
		}
	}
end:
	type = json_string_value(json_object_get(top, "type"));
	if (r->seen_features || (type != NULL && strcmp(type, "FeatureCollection") == 0)) {
		if (type == NULL || strcmp(type, "FeatureCollection") != 0)
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: not a GeoJSON FeatureCollection (\"type\" must be "
			                    "\"FeatureCollection\")"),
			                  r->path);
		else if (!r->seen_features)
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: FeatureCollection without \"features\""), r->path);
	} else {
		rc = rd_object(r, top, start, cb, ud, err);
	}
	/* more texts: newline-delimited features, or an RFC 8142 sequence */
	while (rc == SW_OK) {
		json_decref(top);
		top = NULL;
		rd_seq_ws(r);
		if (r->off >= r->len)
			break;
		start = r->off;
		if (r->buf[r->off] != '{') {
			rc = rd_syntax(r, r->off, _("unexpected data after the end"), err);
			break;
		}
		rc = rd_value(r, &top, err);
		if (rc == SW_OK)
			rc = rd_object(r, top, start, cb, ud, err);
	}
out:
	json_decref(key);
	json_decref(val);
	json_decref(top);
	return rc;
}

enum sw_status sw_geojson_read(const char *path, const struct sw_read_opts *o, sw_record_cb cb,
                               void *ud, struct sw_error *err)
{
	struct rd r = {0};
	struct stat st;
	void *map = MAP_FAILED;
	int fd;
	enum sw_status rc;

	if (o != NULL && o->encoding != NULL && strcasecmp(o->encoding, "UTF-8") != 0 &&
	    strcasecmp(o->encoding, "UTF8") != 0) {
		fd = -1;
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: GeoJSON is UTF-8 by definition (RFC 8259); --encoding %s "
		                    "does not apply"),
		                  path, o->encoding);
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = sw_error_set(err, errno == ENOENT ? SW_ERR_NOTFOUND : SW_ERR_IO,
		                  _("%s: cannot open: %s"), path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: not a regular file"), path);
		goto out;
	}
	if (st.st_size == 0) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: empty file (a GeoJSON FeatureCollection "
		                    "is expected)"),
		                  path);
		goto out;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot read: %s"), path, strerror(errno));
		goto out;
	}
	madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	r.path = path;
	r.o = o;
	r.buf = map;
	r.len = (size_t)st.st_size;
	r.line = 1;
	r.crs = (o != NULL && o->crs != NULL) ? o->crs : SW_CRS_WGS84;
	r.geographic = strcmp(r.crs, SW_CRS_WGS84) == 0;
	rc = rd_top(&r, cb, ud, err);
out:
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	free(r.keys);
	free(r.vals);
	free(r.num);
	return rc;
}

/* ---------------------------------------------------------------- writer */

#define BATCH 512

struct sw_geojson_writer {
	char *path;
	char *tmp;
	FILE *f;
	struct sw_crs *crs;
	bool anonymize;
	const struct sw_forms *forms; /* NULL: measurements as the points have them */
	const struct sw_form *only;   /* opts->type's form, else each point's own */
	char *buf;                    /* one feature's properties, dumped by jansson */
	size_t bufcap;
	struct sw_point batch[BATCH];
	size_t nbatch;
	long long count;
	long long added;
	char *operation;
	double accuracy;
	bool failed;
};

enum sw_status sw_geojson_writer_open(const char *path, const struct sw_export_opts *o,
                                      struct sw_geojson_writer **out, struct sw_error *err)
{
	struct sw_geojson_writer *w;
	enum sw_status rc;
	mode_t mask;
	int fd = -1;

	*out = NULL;
	w = calloc(1, sizeof *w);
	if (w == NULL)
		return sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
	for (size_t i = 0; i < BATCH; i++)
		sw_point_init(&w->batch[i]);
	w->anonymize = o != NULL && o->anonymize;
	w->forms = o != NULL ? o->forms : NULL;
	if (w->forms != NULL && o->type != NULL) {
		w->only = sw_forms_find_or_error(w->forms, o->type, err);
		if (w->only == NULL) {
			rc = SW_ERR_NOTFOUND;
			goto fail;
		}
	}
	rc = sw_crs_new(SW_CRS_RD, SW_CRS_WGS84, &w->crs, err);
	if (rc != SW_OK)
		goto fail;
	w->path = sw_strdup(path);
	w->tmp = malloc(strlen(path) + sizeof ".tmp-XXXXXX");
	if (w->path == NULL || w->tmp == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto fail;
	}
	snprintf(w->tmp, strlen(path) + sizeof ".tmp-XXXXXX", "%s.tmp-XXXXXX", path);
	fd = mkstemp(w->tmp);
	if (fd < 0) {
		rc =
		    sw_error_set(err, SW_ERR_IO, _("%s: cannot create: %s"), path, strerror(errno));
		w->tmp[0] = '\0';
		goto fail;
	}
	/* mkstemp makes 0600; an export should get the usual permissions */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: %s"), w->tmp, strerror(errno));
		goto fail;
	}
	w->f = fdopen(fd, "w");
	if (w->f == NULL) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: %s"), w->tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	fputs("{\"type\":\"FeatureCollection\",\"features\":[", w->f);
	*out = w;
	return SW_OK;
fail:
	if (fd >= 0)
		close(fd);
	sw_geojson_writer_close(w, false, NULL);
	return rc;
}

/* Degrees with exactly 9 decimals, whatever the locale. */
static void coord_text(double v, char *buf, size_t len)
{
	long long n = llround(v * 1e9);
	unsigned long long a = n < 0 ? (unsigned long long)-n : (unsigned long long)n;

	snprintf(buf, len, "%s%llu.%09llu", n < 0 ? "-" : "", a / 1000000000ULL, a % 1000000000ULL);
}

/* The properties are written by hand rather than through a jansson object:
 * jansson takes one real precision per dump, which wrote 1.4 as
 * 1.3999999999999999 next to a value needing 17 digits. Each real here is
 * its own shortest round-trip text. */

/* Room for n more bytes in w->buf; false when out of memory. */
static bool props_room(struct sw_geojson_writer *w, size_t len, size_t n)
{
	size_t cap = w->bufcap ? w->bufcap : 1024;
	char *b;

	if (len + n + 1 <= w->bufcap)
		return true;
	while (cap < len + n + 1)
		cap *= 2;
	b = realloc(w->buf, cap);
	if (b == NULL)
		return false;
	w->buf = b;
	w->bufcap = cap;
	return true;
}

/* Append ,"key": and the value text (raw JSON) or the string s quoted.
 * -1 out of memory, 1 not valid UTF-8, 0 done. */
static int put(struct sw_geojson_writer *w, size_t *len, const char *key, const char *raw,
               const char *s)
{
	size_t kl = strlen(key), sl = raw != NULL ? strlen(raw) : strlen(s), n;

	if (!props_room(w, *len, SW_UTF8_JSON_ROOM(kl) + SW_UTF8_JSON_ROOM(sl) + 2))
		return -1;
	w->buf[*len] = *len == 0 ? '{' : ',';
	(*len)++;
	n = sw_utf8_json_quote(key, kl, w->buf + *len);
	if (n == 0)
		return 1;
	*len += n;
	w->buf[(*len)++] = ':';
	if (raw != NULL) {
		memcpy(w->buf + *len, raw, sl + 1);
		n = sl;
	} else if ((n = sw_utf8_json_quote(s, sl, w->buf + *len)) == 0) {
		return 1;
	}
	*len += n;
	return 0;
}

static int put_str(struct sw_geojson_writer *w, size_t *len, const char *key, const char *s)
{
	return put(w, len, key, s == NULL ? "null" : NULL, s);
}

static int put_value(struct sw_geojson_writer *w, size_t *len, const char *key,
                     const struct sw_value *v, enum sw_kind kind)
{
	char num[SW_NUM_BUF > 24 ? SW_NUM_BUF : 24];

	if (v == NULL || v->t == SW_V_NULL)
		return put(w, len, key, "null", NULL);
	switch (v->t) {
	case SW_V_INT:
		if (kind == SW_KIND_BOOL)
			return put(w, len, key, v->i != 0 ? "true" : "false", NULL);
		snprintf(num, sizeof num, "%lld", v->i);
		return put(w, len, key, num, NULL);
	case SW_V_REAL:
		sw_num_format_json(v->r, num);
		return put(w, len, key, num, NULL);
	case SW_V_TEXT:
		return put_str(w, len, key, v->s != NULL ? v->s : "");
	default:
		return put(w, len, key, "null", NULL);
	}
}

/* The kind of a measurement outside the point's form, from any form that
 * has it (so a bool stays a bool); text when no form knows it. */
static enum sw_kind other_kind(const struct sw_geojson_writer *w, const char *name)
{
	for (size_t i = 0; w->forms != NULL && i < w->forms->nforms; i++) {
		const struct sw_field *f = sw_form_field(&w->forms->forms[i], name);

		if (f != NULL)
			return f->kind;
	}
	return SW_KIND_TEXT;
}

/* Fixed properties; a measurement of the same name is left out. */
static const char *const fixed_props[] = {"id",          "uuid",           "type",
                                          "status",      "surveyor",       "observed_at",
                                          "gps_accuracy_m", "note",         "created_at",
                                          "updated_at"};

static bool is_fixed_prop(const struct sw_geojson_writer *w, const char *name)
{
	for (size_t i = 0; i < sizeof fixed_props / sizeof fixed_props[0]; i++)
		if (strcmp(name, fixed_props[i]) == 0)
			return !(w->anonymize && strcmp(name, "surveyor") == 0);
	return false;
}

static enum sw_status write_feature(struct sw_geojson_writer *w, const struct sw_point *p,
                                    double lon, double lat, struct sw_error *err)
{
	const struct sw_form *form = w->only;
	struct sw_value acc = {.t = SW_V_REAL, .r = p->gps_accuracy_m};
	char cx[48], cy[48], id[24];
	size_t len = 0;
	int bad = 0;
	const char *what = "";
	enum sw_status rc = SW_OK;

	if (form == NULL && w->forms != NULL && p->type != NULL)
		form = sw_forms_find(w->forms, p->type);
	snprintf(id, sizeof id, "%lld", p->id);
	bad = put(w, &len, "id", id, NULL);
	bad = bad ? bad : put_str(w, &len, "uuid", p->uuid[0] != '\0' ? p->uuid : NULL);
	bad = bad ? bad : put_str(w, &len, "type", p->type);
	bad = bad ? bad : put_str(w, &len, "status", p->status);
	if (!w->anonymize)
		bad = bad ? bad : put_str(w, &len, "surveyor", p->surveyor);
	bad = bad ? bad : put_str(w, &len, "observed_at", p->observed_at);
	bad = bad ? bad : put_value(w, &len, "gps_accuracy_m", &acc, SW_KIND_NUMBER);
	bad = bad ? bad : put_str(w, &len, "note", p->note);
	bad = bad ? bad : put_str(w, &len, "created_at", p->created_at);
	bad = bad ? bad : put_str(w, &len, "updated_at", p->updated_at);
	if (bad) {
		what = _("a text attribute");
		goto bad;
	}
	/* every field of the form, null when not measured, so GDAL sees them all */
	for (size_t i = 0; form != NULL && i < form->nfields; i++) {
		const struct sw_field *f = &form->fields[i];

		bad = put_value(w, &len, f->name, sw_point_get_attr(p, f->name), f->kind);
		if (bad) {
			what = f->name;
			goto bad;
		}
	}
	for (size_t i = 0; i < p->nattrs; i++) {
		const char *name = p->attrs[i].name;

		if (form != NULL && sw_form_field(form, name) != NULL)
			continue;
		if (is_fixed_prop(w, name))
			continue; /* a measurement named like a fixed property */
		bad = put_value(w, &len, name, &p->attrs[i].v, other_kind(w, name));
		if (bad) {
			what = name;
			goto bad;
		}
	}
	if (!props_room(w, len, 1)) {
		bad = -1;
		goto bad;
	}
	w->buf[len++] = '}';
	coord_text(lon, cx, sizeof cx);
	coord_text(lat, cy, sizeof cy);
	fprintf(w->f,
	        "%s\n{\"type\":\"Feature\",\"id\":%lld,\"geometry\":{\"type\":\"Point\","
	        "\"coordinates\":[%s,%s]},\"properties\":",
	        w->count > 0 ? "," : "", p->id, cx, cy);
	if (fwrite(w->buf, 1, len, w->f) != len || fputc('}', w->f) == EOF) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: write failed: %s"), w->path,
		                  strerror(errno));
		goto out;
	}
	w->count++;
	goto out;
bad:
	if (bad < 0)
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
	else
		rc = sw_error_set(err, SW_ERR_INPUT, _("point %lld: %s is not valid UTF-8"), p->id,
		                  what);
out:
	return rc;
}

static enum sw_status flush_batch(struct sw_geojson_writer *w, struct sw_error *err)
{
	double x[BATCH], y[BATCH];
	bool failed[BATCH];
	enum sw_status rc = SW_OK;
	size_t i;

	if (w->nbatch == 0)
		return SW_OK;
	for (i = 0; i < w->nbatch; i++) {
		x[i] = w->batch[i].x;
		y[i] = w->batch[i].y;
		failed[i] = false;
	}
	rc = sw_crs_trans(w->crs, x, y, w->nbatch, failed, err);
	if (rc != SW_OK)
		goto out;
	if (w->operation == NULL && sw_crs_operation(w->crs) != NULL) {
		w->operation = sw_strdup(sw_crs_operation(w->crs));
		w->accuracy = sw_crs_accuracy(w->crs);
	}
	for (i = 0; i < w->nbatch; i++) {
		if (failed[i] || !isfinite(x[i]) || !isfinite(y[i])) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("point %lld: RD (%.3f, %.3f) cannot be transformed "
			                    "to WGS84"),
			                  w->batch[i].id, w->batch[i].x, w->batch[i].y);
			goto out;
		}
		rc = write_feature(w, &w->batch[i], x[i], y[i], err);
		if (rc != SW_OK)
			goto out;
	}
out:
	for (i = 0; i < w->nbatch; i++)
		sw_point_clear(&w->batch[i]);
	w->nbatch = 0;
	if (rc != SW_OK)
		w->failed = true;
	return rc;
}

enum sw_status sw_geojson_writer_add(struct sw_geojson_writer *w, const struct sw_point *p,
                                     struct sw_error *err)
{
	enum sw_status rc;

	if (w->failed)
		return sw_error_set(err, SW_ERR_INTERNAL, _("%s: writer already failed"), w->path);
	rc = sw_point_copy(&w->batch[w->nbatch], p, err);
	if (rc != SW_OK) {
		w->failed = true;
		return rc;
	}
	w->nbatch++;
	w->added++;
	if (w->nbatch == BATCH)
		return flush_batch(w, err);
	return SW_OK;
}

long long sw_geojson_writer_count(const struct sw_geojson_writer *w)
{
	return w != NULL ? w->added : 0;
}

const char *sw_geojson_writer_operation(const struct sw_geojson_writer *w, double *accuracy)
{
	if (accuracy != NULL)
		*accuracy = w != NULL && w->operation != NULL ? w->accuracy : -1.0;
	return w != NULL ? w->operation : NULL;
}

enum sw_status sw_geojson_writer_close(struct sw_geojson_writer *w, bool commit,
                                       struct sw_error *err)
{
	enum sw_status rc = SW_OK;

	if (w == NULL)
		return SW_OK;
	if (commit && w->failed)
		rc = sw_error_set(err, SW_ERR_INTERNAL, _("%s: not written after an earlier error"),
		                  w->path);
	if (commit && rc == SW_OK)
		rc = flush_batch(w, err);
	if (commit && rc == SW_OK && fputs("\n]}\n", w->f) == EOF)
		rc = sw_error_set(err, SW_ERR_IO, _("%s: write failed: %s"), w->path,
		                  strerror(errno));
	if (commit && rc == SW_OK && (fflush(w->f) != 0 || fsync(fileno(w->f)) != 0))
		rc = sw_error_set(err, SW_ERR_IO, _("%s: write failed: %s"), w->path,
		                  strerror(errno));
	if (w->f != NULL && fclose(w->f) != 0 && commit && rc == SW_OK)
		rc = sw_error_set(err, SW_ERR_IO, _("%s: write failed: %s"), w->path,
		                  strerror(errno));
	w->f = NULL;
	if (w->tmp != NULL && w->tmp[0] != '\0') {
		if (commit && rc == SW_OK) {
			if (rename(w->tmp, w->path) != 0) {
				rc = sw_error_set(err, SW_ERR_IO,
				                  _("%s: cannot rename into place: %s"), w->path,
				                  strerror(errno));
				unlink(w->tmp);
			}
		} else {
			unlink(w->tmp);
		}
	}
	for (size_t i = 0; i < BATCH; i++)
		sw_point_clear(&w->batch[i]);
	sw_crs_free(w->crs);
	free(w->buf);
	free(w->operation);
	free(w->path);
	free(w->tmp);
	free(w);
	return rc;
}
