/* area.c - named areas from a polygon shapefile, reprojected to RD New. */
#include "schouw/area.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <shapefil.h>

#include "schouw/crs.h"
#include "schouw/i18n.h"
#include "schouw/shp.h"

/* shapelib reports trouble through its Error hook; keep the first message. */
static _Thread_local char hook_msg[512];

static void hook_error(const char *message)
{
	if (hook_msg[0] == '\0')
		snprintf(hook_msg, sizeof hook_msg, "%s", message);
}

static const char *hook_text(void)
{
	return hook_msg[0] ? hook_msg : _("unreadable or inconsistent file");
}

struct loader {
	const char *path;
	char *stem;
	SHPHandle shp;
	DBFHandle dbf;
	iconv_t cd;
	struct sw_crs *crs; /* NULL: already RD New */
	struct sw_areas *areas;
	double *x, *y; /* the current shape's vertices */
};

static char *sibling(const char *stem, const char *ext)
{
	size_t n = strlen(stem);
	char *s = malloc(n + strlen(ext) + 1);

	if (s != NULL) {
		memcpy(s, stem, n);
		strcpy(s + n, ext);
	}
	return s;
}

/* The whole of a small text file, or NULL (errno set). Caller frees. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (f == NULL)
		return NULL;
	do {
		if (cap - len < 4096) {
			char *nb;
			if (cap > (1u << 20)) {
				errno = EFBIG;
				goto fail;
			}
			nb = realloc(buf, cap + 8192);
			if (nb == NULL)
				goto fail;
			buf = nb;
			cap += 8192;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
	} while (got > 0);
	if (ferror(f))
		goto fail;
	fclose(f);
	buf[len] = '\0';
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

/* s converted to UTF-8 with trailing blanks cut; NULL when s is not valid in
 * the encoding or memory ran out (*nomem tells which). Caller frees. */
static char *to_utf8(iconv_t cd, const char *s, bool *nomem)
{
	size_t inleft = strlen(s), outleft = inleft * 4 + 1;
	char *out = malloc(outleft), *op = out, *in = (char *)s;

	*nomem = out == NULL;
	if (out == NULL)
		return NULL;
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &in, &inleft, &op, &outleft) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &op, &outleft) == (size_t)-1) {
		free(out);
		return NULL;
	}
	while (op > out && (op[-1] == ' ' || op[-1] == '\t'))
		op--;
	*op = '\0';
	return out;
}

static enum sw_status open_files(struct loader *L, struct sw_error *err)
{
	SAHooks hooks;
	struct stat sb;
	size_t n = strlen(L->path);
	char *dbfpath = NULL;
	enum sw_status rc = SW_OK;

	if (n < 4 || strcasecmp(L->path + n - 4, ".shp") != 0)
		return sw_error_set(err, SW_ERR_INPUT, _("%s: expected a shapefile (.shp)"),
		                    L->path);
	if (stat(L->path, &sb) != 0)
		return sw_error_set(err, SW_ERR_NOTFOUND, _("%s: cannot read the areas file: %s"),
		                    L->path, strerror(errno));
	L->stem = strndup(L->path, n - 4);
	if (L->stem == NULL)
		return sw_error_nomem(err);
	SASetupDefaultHooks(&hooks);
	hooks.Error = hook_error;
	hook_msg[0] = '\0';
	L->shp = SHPOpenLL(L->path, "rb", &hooks);
	if (L->shp == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: not a readable shapefile (with .shx): %s"), L->path,
		                  hook_text());
		goto out;
	}
	dbfpath = sibling(L->stem, ".dbf");
	if (dbfpath == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	hook_msg[0] = '\0';
	L->dbf = DBFOpenLL(dbfpath, "rb", &hooks);
	if (L->dbf == NULL)
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s: not a readable .dbf: %s"), dbfpath,
		                  hook_text());
out:
	free(dbfpath);
	return rc;
}

/* The CRS of the .prj; no transformation when it is RD New already. */
static enum sw_status open_crs(struct loader *L, struct sw_error *err)
{
	char *prj = sibling(L->stem, ".prj");
	char *wkt = NULL, *id = NULL;
	enum sw_status rc;

	if (prj == NULL)
		return sw_error_nomem(err);
	wkt = slurp(prj);
	if (wkt == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: cannot read the CRS of the areas (%s); save the layer "
		                    "with its CRS, e.g. EPSG:28992"),
		                  prj, strerror(errno));
		goto out;
	}
	rc = sw_crs_identify(wkt, &id, err);
	if (rc == SW_ERR_NOTFOUND) /* no EPSG code: PROJ may still use the WKT */
		rc = SW_OK;
	if (rc != SW_OK) {
		sw_error_prefix(err, "%s: ", prj);
		goto out;
	}
	if (id != NULL && strcmp(id, SW_CRS_RD) == 0)
		goto out;
	rc = sw_crs_new(wkt, SW_CRS_RD, &L->crs, err);
	if (rc != SW_OK)
		sw_error_prefix(err, "%s: ", prj);
out:
	free(id);
	free(wkt);
	free(prj);
	return rc;
}

static enum sw_status open_encoding(struct loader *L, struct sw_error *err)
{
	char enc[64];

	sw_shp_codepage(DBFGetCodePage(L->dbf), enc, sizeof enc);
	if (enc[0] == '\0')
		snprintf(enc, sizeof enc, "UTF-8");
	L->cd = iconv_open("UTF-8", enc);
	if (L->cd == (iconv_t)-1)
		return sw_error_set(err, SW_ERR_INPUT, _("%s.cpg: unknown text encoding '%s'"),
		                    L->stem, enc);
	return SW_OK;
}

/* Text field fi of record r in UTF-8 ("" when absent or NULL). */
static enum sw_status read_text(struct loader *L, int r, int fi, const char *fname, char **out,
                                struct sw_error *err)
{
	bool nomem;

	*out = NULL;
	if (fi < 0 || DBFIsAttributeNULL(L->dbf, r, fi)) {
		*out = strdup("");
		return *out ? SW_OK : sw_error_nomem(err);
	}
	*out = to_utf8(L->cd, DBFReadStringAttribute(L->dbf, r, fi), &nomem);
	if (*out != NULL)
		return SW_OK;
	if (nomem)
		return sw_error_nomem(err);
	return sw_error_set(err, SW_ERR_INPUT,
	                    _("%s.dbf: record %d, field %s: text is not valid in the encoding of "
	                      "the .cpg"),
	                    L->stem, r + 1, fname);
}

static enum sw_status read_shape(struct loader *L, int r, struct sw_polygon **out,
                                 struct sw_error *err)
{
	SHPObject *o;
	enum sw_status rc = SW_OK;
	size_t nv;

	*out = NULL;
	hook_msg[0] = '\0';
	o = SHPReadObject(L->shp, r);
	if (o == NULL)
		return sw_error_set(err, SW_ERR_INPUT, _("%s: record %d: unreadable shape: %s"),
		                    L->path, r + 1, hook_text());
	if (o->nSHPType == SHPT_NULL || o->nVertices <= 0 || o->nParts <= 0) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: record %d: empty shape; draw a polygon"), L->path, r + 1);
		goto out;
	}
	nv = (size_t)o->nVertices;
	free(L->x);
	free(L->y);
	L->x = malloc(nv * sizeof *L->x);
	L->y = malloc(nv * sizeof *L->y);
	if (L->x == NULL || L->y == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	memcpy(L->x, o->padfX, nv * sizeof *L->x);
	memcpy(L->y, o->padfY, nv * sizeof *L->y);
	if (L->crs != NULL) {
		rc = sw_crs_trans(L->crs, L->x, L->y, nv, NULL, err);
		if (rc != SW_OK) {
			sw_error_prefix(err, _("%s: record %d: "), L->path, r + 1);
			goto out;
		}
	}
	rc = sw_polygon_new(out, err);
	for (int k = 0; k < o->nParts && rc == SW_OK; k++) {
		int s = o->panPartStart[k];
		int e = k + 1 < o->nParts ? o->panPartStart[k + 1] : o->nVertices;

		if (s < 0 || e > o->nVertices || s >= e) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: record %d, ring %d: bad part offsets"), L->path,
			                  r + 1, k + 1);
			break;
		}
		rc = sw_polygon_add_ring(*out, L->x + s, L->y + s, (size_t)(e - s), err);
		if (rc != SW_OK)
			sw_error_prefix(err, _("%s: record %d, ring %d: "), L->path, r + 1, k + 1);
	}
out:
	if (rc != SW_OK) {
		sw_polygon_free(*out);
		*out = NULL;
	}
	SHPDestroyObject(o);
	return rc;
}

static enum sw_status read_records(struct loader *L, struct sw_error *err)
{
	int nent, type, nrec = DBFGetRecordCount(L->dbf);
	int fname, fnl, fen;
	struct sw_areas *A = L->areas;

	SHPGetInfo(L->shp, &nent, &type, NULL, NULL);
	if (type != SHPT_POLYGON && type != SHPT_POLYGONZ && type != SHPT_POLYGONM)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: shape type %d: expected polygons (type 5, 15 or 25)"),
		                    L->path, type);
	if (nrec != nent)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: %d shapes but %d records in the .dbf: the files do not "
		                      "belong together"),
		                    L->path, nent, nrec);
	fname = DBFGetFieldIndex(L->dbf, "name");
	fnl = DBFGetFieldIndex(L->dbf, "label_nl");
	fen = DBFGetFieldIndex(L->dbf, "label_en");
	if (fname < 0 || DBFGetFieldInfo(L->dbf, fname, NULL, NULL, NULL) != FTString)
		return sw_error_set(
		    err, SW_ERR_INPUT,
		    _("%s.dbf: no text field 'name' (expected fields name, label_nl, "
		      "label_en)"),
		    L->stem);
	A->items = calloc(nent > 0 ? (size_t)nent : 1, sizeof *A->items);
	if (A->items == NULL)
		return sw_error_nomem(err);
	for (int r = 0; r < nent; r++) {
		struct sw_area *a = &A->items[A->n];
		enum sw_status rc;

		A->n++;
		rc = read_text(L, r, fname, "name", &a->name, err);
		if (rc == SW_OK)
			rc = read_text(L, r, fnl, "label_nl", &a->label_nl, err);
		if (rc == SW_OK)
			rc = read_text(L, r, fen, "label_en", &a->label_en, err);
		if (rc != SW_OK)
			return rc;
		if (a->name[0] == '\0')
			return sw_error_set(err, SW_ERR_INPUT, _("%s.dbf: record %d: empty name"),
			                    L->stem, r + 1);
		for (size_t i = 0; i + 1 < A->n; i++)
			if (strcasecmp(A->items[i].name, a->name) == 0)
				return sw_error_set(err, SW_ERR_INPUT,
				                    _("%s.dbf: record %d: name '%s' is also the "
				                      "name of record %zu (names are unique, "
				                      "ignoring case)"),
				                    L->stem, r + 1, a->name, i + 1);
		if (a->label_nl[0] == '\0') {
			free(a->label_nl);
			a->label_nl = strdup(a->name);
		}
		if (a->label_en[0] == '\0') {
			free(a->label_en);
			a->label_en = strdup(a->label_nl ? a->label_nl : "");
		}
		if (a->label_nl == NULL || a->label_en == NULL)
			return sw_error_nomem(err);
		rc = read_shape(L, r, &a->poly, err);
		if (rc != SW_OK)
			return rc;
	}
	return SW_OK;
}

enum sw_status sw_area_load(const char *path, struct sw_areas **out, struct sw_error *err)
{
	struct loader L = {.path = path, .cd = (iconv_t)-1};
	enum sw_status rc;

	*out = NULL;
	L.areas = calloc(1, sizeof *L.areas);
	if (L.areas == NULL || (L.areas->path = strdup(path)) == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	rc = open_files(&L, err);
	if (rc == SW_OK)
		rc = open_crs(&L, err);
	if (rc == SW_OK)
		rc = open_encoding(&L, err);
	if (rc == SW_OK)
		rc = read_records(&L, err);
	if (rc == SW_OK) {
		*out = L.areas;
		L.areas = NULL;
	}
out:
	sw_area_free(L.areas);
	if (L.cd != (iconv_t)-1)
		iconv_close(L.cd);
	sw_crs_free(L.crs);
	if (L.dbf != NULL)
		DBFClose(L.dbf);
	if (L.shp != NULL)
		SHPClose(L.shp);
	free(L.x);
	free(L.y);
	free(L.stem);
	return rc;
}

enum sw_status sw_area_load_dir(const char *gisdir, struct sw_areas **out, struct sw_error *err)
{
	size_t n = strlen(gisdir);
	char *path = malloc(n + sizeof "/" SW_AREA_FILE);
	enum sw_status rc;

	*out = NULL;
	if (path == NULL)
		return sw_error_nomem(err);
	snprintf(path, n + sizeof "/" SW_AREA_FILE, "%s/%s", gisdir, SW_AREA_FILE);
	rc = sw_area_load(path, out, err);
	free(path);
	return rc;
}

const struct sw_area *sw_area_find(const struct sw_areas *a, const char *name, struct sw_error *err)
{
	char list[1024] = "";
	size_t len = 0;

	for (size_t i = 0; i < a->n; i++)
		if (strcasecmp(a->items[i].name, name) == 0)
			return &a->items[i];
	for (size_t i = 0; i < a->n && len < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
		                        a->items[i].name);
	if (a->n == 0)
		sw_error_set(err, SW_ERR_NOTFOUND, _("unknown area '%s': %s holds no areas"), name,
		             a->path);
	else
		sw_error_set(err, SW_ERR_NOTFOUND,
		             _("unknown area '%s'; valid areas: %s (from %s)"), name, list,
		             a->path);
	return NULL;
}

const char *sw_area_label(const struct sw_area *a, const char *lang)
{
	if (lang != NULL && strncmp(lang, "en", 2) == 0)
		return a->label_en;
	return a->label_nl;
}

void sw_area_free(struct sw_areas *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->items[i].name);
		free(a->items[i].label_nl);
		free(a->items[i].label_en);
		sw_polygon_free(a->items[i].poly);
	}
	free(a->items);
	free(a->path);
	free(a);
}
