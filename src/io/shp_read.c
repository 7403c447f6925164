/* shp_read.c - the shapefile reader: checks the structure, converts the
 * DBF texts to UTF-8 and hands one struct sw_record per record on. */
#include "schouw/shp.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <shapefil.h>

#include "schouw/crs.h"
#include "schouw/i18n.h"
#include "shp_priv.h"
#include "schouw/utf8.h"

/* Path of the file beside stem with extension ext (tries lower, then upper
 * case); NULL when neither exists. Caller frees. */
static char *sibling(const char *stem, const char *ext)
{
	char up[8];
	char *p;
	size_t i;

	p = sw_shp_printf("%s.%s", stem, ext);
	if (p == NULL || access(p, F_OK) == 0)
		return p;
	free(p);
	for (i = 0; i < sizeof up - 1 && ext[i]; i++)
		up[i] = (char)toupper((unsigned char)ext[i]);
	up[i] = '\0';
	p = sw_shp_printf("%s.%s", stem, up);
	if (p == NULL || access(p, F_OK) == 0)
		return p;
	free(p);
	return NULL;
}

/* Whole small text file (.prj, .cpg) into a string; NULL with err set. */
static char *slurp(const char *path, long long max, struct sw_error *err)
{
	FILE *f = fopen(path, "rb");
	long long size;
	char *buf = NULL;

	if (f == NULL) {
		sw_error_set(err, SW_ERR_IO, _("%s: cannot open: %s"), path, strerror(errno));
		goto out;
	}
	if (sw_shp_file_size(path, &size, err) != SW_OK)
		goto out;
	if (size > max) {
		sw_error_set(err, SW_ERR_INPUT, _("%s: %lld bytes; expected at most %lld"), path,
		             size, max);
		goto out;
	}
	buf = malloc((size_t)size + 1);
	if (buf == NULL) {
		sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		sw_error_set(err, SW_ERR_IO, _("%s: read error"), path);
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[size] = '\0';
	{
		/* Windows tools write a UTF-8 byte order mark and line ends
		 * around the WKT; PROJ wants the WKT alone */
		size_t start = 0, n = (size_t)size;

		if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
			start = 3;
		while (start < n && isspace((unsigned char)buf[start]))
			start++;
		while (n > start && isspace((unsigned char)buf[n - 1]))
			n--;
		memmove(buf, buf + start, n - start);
		buf[n - start] = '\0';
	}
out:
	if (f != NULL)
		fclose(f);
	return buf;
}

/* ------------------------------------------------------------------------ */
/* encodings */

/* Windows / DOS code pages named by the DBF language driver byte (the
 * subset GDAL knows that matters in practice). */
static const struct {
	int ldid;
	const char *enc;
} ldid_table[] = {
    {1, "CP437"},    {2, "CP850"},    {3, "CP1252"},      {4, "MACINTOSH"}, {8, "CP865"},
    {9, "CP437"},    {10, "CP850"},   {11, "CP437"},      {13, "CP437"},    {14, "CP850"},
    {15, "CP437"},   {16, "CP850"},   {17, "CP865"},      {18, "CP437"},    {19, "CP932"},
    {20, "CP850"},   {21, "CP437"},   {22, "CP850"},      {23, "CP865"},    {24, "CP437"},
    {25, "CP437"},   {26, "CP850"},   {27, "CP437"},      {28, "CP863"},    {29, "CP850"},
    {31, "CP852"},   {34, "CP852"},   {35, "CP852"},      {36, "CP860"},    {37, "CP850"},
    {38, "CP866"},   {55, "CP850"},   {64, "CP852"},      {77, "CP936"},    {78, "CP949"},
    {79, "CP950"},   {80, "CP874"},   {87, "ISO-8859-1"}, {88, "CP1252"},   {89, "CP1252"},
    {100, "CP852"},  {101, "CP866"},  {102, "CP865"},     {103, "CP861"},   {106, "CP737"},
    {107, "CP857"},  {108, "CP863"},  {120, "CP950"},     {121, "CP949"},   {122, "CP936"},
    {123, "CP932"},  {124, "CP874"},  {134, "CP737"},     {135, "CP852"},   {136, "CP857"},
    {200, "CP1250"}, {201, "CP1251"}, {202, "CP1254"},    {203, "CP1253"},  {204, "CP1257"},
};

/* iconv name for a .cpg text or "LDID/n"; "" when it says nothing. */
void sw_shp_codepage(const char *cp, char *out, size_t outlen)
{
	char t[64];
	size_t n = 0;

	out[0] = '\0';
	if (cp == NULL)
		return;
	while (isspace((unsigned char)*cp))
		cp++;
	while (cp[n] && !isspace((unsigned char)cp[n]) && n < sizeof t - 1) {
		t[n] = cp[n];
		n++;
	}
	t[n] = '\0';
	/* "ANSI 1252" style: the number is in the second word */
	if (strcasecmp(t, "ANSI") == 0) {
		const char *num = cp + n;
		while (isspace((unsigned char)*num))
			num++;
		snprintf(out, outlen, "CP%.16s", num);
		out[strcspn(out, " \t\r\n")] = '\0';
		return;
	}
	if (strncasecmp(t, "LDID/", 5) == 0) {
		int id = atoi(t + 5);
		for (size_t i = 0; i < sizeof ldid_table / sizeof ldid_table[0]; i++)
			if (ldid_table[i].ldid == id) {
				snprintf(out, outlen, "%s", ldid_table[i].enc);
				return;
			}
		return;
	}
	if (n == 0)
		return;
	if (strcasecmp(t, "UTF8") == 0 || strcasecmp(t, "UTF-8") == 0 || strcmp(t, "65001") == 0) {
		snprintf(out, outlen, "UTF-8");
		return;
	}
	/* "88591" .. "885915" and "ISO88591" */
	if (strncmp(t, "8859", 4) == 0 && t[4] != '\0' && strspn(t, "0123456789") == n) {
		snprintf(out, outlen, "ISO-8859-%.8s", t + 4);
		return;
	}
	if (strncasecmp(t, "ISO8859", 7) == 0 && t[7] != '\0' && t[7] != '-') {
		snprintf(out, outlen, "ISO-8859-%.8s", t + 7 + (t[7] == '_'));
		return;
	}
	if (strspn(t, "0123456789") == n) {
		snprintf(out, outlen, "CP%.16s", t);
		return;
	}
	snprintf(out, outlen, "%s", t);
}

static bool is_utf8_name(const char *e)
{
	return strcasecmp(e, "UTF-8") == 0 || strcasecmp(e, "UTF8") == 0;
}

struct conv {
	iconv_t cd;
	bool utf8;  /* input is UTF-8: only validate */
	bool guess; /* no encoding known: UTF-8 if valid, else CP1252 */
	bool warned;
	char enc[64];
	char *buf;
	size_t cap;
};

/* Convert s (len bytes) to UTF-8 into c->buf; false on invalid input with
 * *bad = offset of the bad byte. */
static int conv_run(struct conv *c, const char *s, size_t len, size_t *bad, const char **res)
{
	char *in = (char *)s, *outp;
	size_t inleft = len, outleft, need = 4 * len + 4;

	if (c->utf8 || c->guess) {
		size_t good = sw_utf8_valid_prefix(s, len); /* one pass over the text */

		if (good == len) {
			*res = s;
			return 1;
		}
		if (c->utf8) {
			*bad = good;
			return 0;
		}
	}
	if (need > c->cap) {
		char *b = realloc(c->buf, need);
		if (b == NULL)
			return -1;
		c->buf = b;
		c->cap = need;
	}
	outp = c->buf;
	outleft = c->cap - 1;
	iconv(c->cd, NULL, NULL, NULL, NULL);
	if (iconv(c->cd, &in, &inleft, &outp, &outleft) == (size_t)-1) {
		*bad = len - inleft;
		return 0;
	}
	if (iconv(c->cd, NULL, NULL, &outp, &outleft) == (size_t)-1) {
		*bad = len;
		return 0;
	}
	*outp = '\0';
	*res = c->buf;
	return 2;
}

/* ------------------------------------------------------------------------ */
/* reader */

struct rfield {
	char name[XBASE_FLDNAME_LEN_READ + 1];
	const char *mapped; /* schouw name, or the DBF name when unknown */
	char native;        /* 'C', 'N', 'F', 'L', 'D', ... */
	int slot;           /* index in the record's keys/vals; -1: left out by --map */
	int off, width;     /* where the field lies in the raw record */
};

/* The texts of one record, in one buffer reused from record to record:
 * values are kept as offsets until the record is complete (the buffer may
 * move as it grows). */
struct recbuf {
	char *buf;
	size_t len, cap;
};

static bool recbuf_put(struct recbuf *b, const char *s, size_t n, size_t *off)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap > 0 ? b->cap : 4096;
		char *g;

		while (cap < b->len + n + 1)
			cap *= 2;
		g = realloc(b->buf, cap);
		if (g == NULL)
			return false;
		b->buf = g;
		b->cap = cap;
	}
	*off = b->len;
	memcpy(b->buf + b->len, s, n);
	b->buf[b->len + n] = '\0';
	b->len += n + 1;
	return true;
}

/* Field i of a raw DBF record as shapelib's DBFReadStringAttribute gives it
 * (cut at a NUL, blanks trimmed on both sides), without its copy per field. */
static const char *raw_field(const char *rec, const struct rfield *f, size_t *len)
{
	const char *s = rec + f->off;
	size_t n = strnlen(s, (size_t)f->width);

	while (n > 0 && *s == ' ') {
		s++;
		n--;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	*len = n;
	return s;
}

/* What shapelib's DBFIsAttributeNULL decides about a trimmed value of n
 * bytes (its DBFIsValueNULL is not exported): numbers all '*' or blank,
 * dates "00000000", logicals '?', anything else empty. */
static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool raw_value_null(char type, const char *v, size_t n)
{
	switch (type) {
	case 'N':
	case 'F':
		return n == 0 || v[0] == '*';
	case 'D':
		return n >= 8 && strncmp(v, "00000000", 8) == 0;
	case 'L':
		return n > 0 && v[0] == '?';
	default:
		return n == 0;
	}
}

static bool map_matches(const char *src, const char *dbfname, const char *mapped)
{
	return strcasecmp(src, dbfname) == 0 || strcmp(src, mapped) == 0;
}

/* The name after --map; NULL when the field is left out (DST "-" or ""). */
static const char *apply_map(const struct sw_read_opts *o, const char *dbfname, const char *mapped)
{
	if (o == NULL)
		return mapped;
	for (size_t i = 0; i < o->nmap; i++)
		if (map_matches(o->map_src[i], dbfname, mapped)) {
			const char *d = o->map_dst[i];
			return (d == NULL || *d == '\0' || strcmp(d, "-") == 0) ? NULL : d;
		}
	return mapped;
}

/* The CRS of the records: o->crs, else the .prj identified by PROJ. */
static enum sw_status reader_crs(const char *shp, const char *stem, const struct sw_read_opts *o,
                                 char **crs, struct sw_error *err)
{
	char *prj = NULL, *text = NULL, *found = NULL;
	enum sw_status rc = SW_OK;
	struct sw_error e2 = {0};
	bool override = o != NULL && o->crs != NULL;

	*crs = NULL;
	prj = sibling(stem, "prj");
	if (prj != NULL) {
		text = slurp(prj, 1 << 16, err);
		if (text == NULL && !override) {
			rc = err ? err->code : SW_ERR_IO;
			goto out;
		}
	}
	if (text != NULL && sw_utf8_valid(text, strlen(text))) {
		enum sw_status k = sw_crs_identify(text, &found, &e2);
		/* PROJ reads it but knows no code: the WKT itself still works */
		if (k == SW_ERR_NOTFOUND) {
			free(found);
			found = text;
			text = NULL;
		} else if (k == SW_ERR_NOMEM) {
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
			goto out;
		}
	}
	if (override) {
		if (found != NULL && strcasecmp(found, o->crs) != 0)
			sw_shp_warn(o->warn, o->warn_ud,
			            _("%s says the points are in %.64s; --crs %s overrides it"),
			            prj, found, o->crs);
		*crs = strdup(o->crs);
		if (*crs == NULL)
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	if (prj == NULL) {
		rc =
		    sw_error_set(err, SW_ERR_INPUT,
		                 _("%s: there is no .prj file saying which coordinate system the "
		                   "points are in; --crs is required (e.g. --crs EPSG:28992 for RD "
		                   "New, --crs EPSG:4326 for GPS lon/lat)"),
		                 shp);
		goto out;
	}
	if (found == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: PROJ does not recognise this coordinate system%s%s; --crs "
		                    "is required (e.g. --crs EPSG:28992 for RD New)"),
		                  prj, e2.msg[0] ? ": " : "", e2.msg);
		goto out;
	}
	*crs = found;
	found = NULL;
out:
	free(found);
	free(prj);
	free(text);
	return rc;
}

static enum sw_status reader_conv(const char *dbfpath, DBFHandle dbf, const struct sw_read_opts *o,
                                  struct conv *c, struct sw_error *err)
{
	const char *src = "--encoding";

	if (o != NULL && o->encoding != NULL && *o->encoding != '\0') {
		sw_shp_codepage(o->encoding, c->enc, sizeof c->enc);
	} else {
		const char *cp = DBFGetCodePage(dbf);
		src = dbfpath;
		sw_shp_codepage(cp, c->enc, sizeof c->enc);
	}
	if (c->enc[0] == '\0') {
		c->guess = true;
		snprintf(c->enc, sizeof c->enc, "CP1252");
	} else if (is_utf8_name(c->enc)) {
		c->utf8 = true;
		return SW_OK;
	}
	c->cd = iconv_open("UTF-8", c->enc);
	if (c->cd == (iconv_t)-1)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: unknown text encoding '%s'; pass --encoding (e.g. "
		                      "ISO-8859-1, CP1252, UTF-8)"),
		                    src, c->enc);
	return SW_OK;
}

enum sw_status sw_shp_read(const char *path, const struct sw_read_opts *o, sw_record_cb cb,
                           void *ud, struct sw_error *err)
{
	char *stem = NULL, *shx = NULL, *dbfpath = NULL, *crs = NULL;
	struct sw_shp_names *names = NULL;
	struct sw_shp_layout lay = {0};
	SHPHandle shp = NULL;
	DBFHandle dbf = NULL;
	SAHooks hooks;
	struct rfield *fl = NULL;
	const char **keys = NULL, **vals = NULL;
	size_t *voff = NULL;
	struct recbuf rb = {0};
	const char *tup;
	struct conv cv = {.cd = (iconv_t)-1};
	int nf = 0, nout = 0, nent = 0, stype = 0;
	enum sw_status rc = SW_OK;

	if (!sw_shp_ends_with_ci(path, ".shp")) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s: expected a .shp file"), path);
		goto out;
	}
	if (access(path, R_OK) != 0) {
		rc = sw_error_set(err, errno == ENOENT ? SW_ERR_NOTFOUND : SW_ERR_IO, _("%s: %s"),
		                  path, strerror(errno));
		goto out;
	}
	stem = strndup(path, strlen(path) - 4);
	if (stem == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	shx = sibling(stem, "shx");
	dbfpath = sibling(stem, "dbf");
	if (shx == NULL || dbfpath == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: the %s file beside it is missing; a shapefile needs .shp, "
		                    ".shx and .dbf"),
		                  path, shx == NULL ? ".shx" : ".dbf");
		goto out;
	}
	rc = sw_shp_check_shx(path, shx, &lay, err);
	if (rc != SW_OK)
		goto out;
	rc = sw_shp_check_dbf(dbfpath, lay.nrec, path, err);
	if (rc != SW_OK)
		goto out;
	rc = reader_crs(path, stem, o, &crs, err);
	if (rc != SW_OK)
		goto out;
	rc = sw_shp_names_load(NULL, o ? o->forms : NULL, &names, err);
	if (rc != SW_OK)
		goto out;

	sw_shp_hooks_init(&hooks);
	sw_shp_hook_reset();
	shp = SHPOpenLL(path, "rb", &hooks);
	if (shp == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s: %s"), path, sw_shp_hook_text());
		goto out;
	}
	sw_shp_hook_reset();
	dbf = DBFOpenLL(dbfpath, "rb", &hooks);
	if (dbf == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s: %s"), dbfpath, sw_shp_hook_text());
		goto out;
	}
	SHPGetInfo(shp, &nent, &stype, NULL, NULL);
	if (nent != lay.nrec || DBFGetRecordCount(dbf) != nent) {
		rc = sw_error_set(
		    err, SW_ERR_INPUT,
		    _("%s: %d shapes, %s: %d records: the files do not belong together"), path,
		    nent, dbfpath, DBFGetRecordCount(dbf));
		goto out;
	}
	rc = reader_conv(dbfpath, dbf, o, &cv, err);
	if (rc != SW_OK)
		goto out;

	nf = DBFGetFieldCount(dbf);
	fl = calloc((size_t)nf + 1, sizeof *fl);
	keys = calloc((size_t)nf + 1, sizeof *keys);
	vals = calloc((size_t)nf + 1, sizeof *vals);
	voff = calloc((size_t)nf + 1, sizeof *voff);
	if (fl == NULL || keys == NULL || vals == NULL || voff == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	for (int i = 0, off = 1; i < nf; i++) {
		const char *mapped, *key;
		int wd, dec;
		DBFGetFieldInfo(dbf, i, fl[i].name, &wd, &dec);
		fl[i].native = DBFGetNativeFieldType(dbf, i);
		fl[i].off = off; /* fields follow the deletion flag in order */
		fl[i].width = wd;
		off += wd;
		mapped = sw_shp_names_from_dbf(names, fl[i].name);
		fl[i].mapped = mapped ? mapped : fl[i].name;
		key = apply_map(o, fl[i].name, fl[i].mapped);
		fl[i].slot = -1;
		if (key != NULL) {
			fl[i].slot = nout;
			keys[nout++] = key;
		}
	}
	for (size_t j = 0; o != NULL && j < o->nmap; j++) {
		bool found = false;
		for (int i = 0; i < nf && !found; i++)
			found = map_matches(o->map_src[j], fl[i].name, fl[i].mapped);
		if (!found) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: --map %s=...: the DBF has no field of that name"),
			                  dbfpath, o->map_src[j]);
			goto out;
		}
	}

	for (int r = 0; r < nent; r++) {
		struct sw_record rec = {.file = path,
		                        .pos = r + 1,
		                        .pos_kind = "record",
		                        .crs = crs,
		                        .n = (size_t)nout,
		                        .keys = keys,
		                        .vals = vals};
		SHPObject *obj;

		if (DBFIsRecordDeleted(dbf, r))
			continue;
		sw_shp_hook_reset();
		obj = SHPReadObject(shp, r);
		if (obj == NULL) {
			rc = sw_error_set(err, SW_ERR_INPUT, _("%s: record %d: %s"), path, r + 1,
			                  sw_shp_hook_text());
			goto out;
		}
		if (obj->nSHPType != SHPT_NULL && obj->nVertices >= 1) {
			rec.has_xy = true;
			rec.x = obj->padfX[0];
			rec.y = obj->padfY[0];
		}
		SHPDestroyObject(obj);
		if (rec.has_xy && (!isfinite(rec.x) || !isfinite(rec.y))) {
			rc =
			    sw_error_set(err, SW_ERR_INPUT,
			                 _("%s: record %d: the coordinates are not finite numbers"),
			                 path, r + 1);
			goto out;
		}
		tup = DBFReadTuple(dbf, r);
		rb.len = 0;
		for (int i = 0; i < nf; i++) {
			const char *s;
			size_t bad = 0, len = 0, at = 0;
			int k, slot = fl[i].slot;

			if (slot < 0)
				continue;
			voff[slot] = SIZE_MAX;
			vals[slot] = NULL;
			if (tup == NULL)
				continue;
			s = raw_field(tup, &fl[i], &len);
			if (raw_value_null(fl[i].native, s, len))
				continue;
			if (fl[i].native == 'L') {
				if (len > 0 && strchr("TtYy", s[0]) != NULL)
					vals[slot] = "true";
				else if (len > 0 && strchr("FfNn", s[0]) != NULL)
					vals[slot] = "false";
				continue;
			}
			if (fl[i].native == 'D' && len == 8 && digits(s, 8)) {
				char iso[11];

				memcpy(iso, s, 4);
				iso[4] = '-';
				memcpy(iso + 5, s + 4, 2);
				iso[7] = '-';
				memcpy(iso + 8, s + 6, 2);
				if (!recbuf_put(&rb, iso, 10, &voff[slot])) {
					rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
					goto out;
				}
				continue;
			}
			if (!recbuf_put(&rb, s, len, &at)) {
				rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			k = conv_run(&cv, rb.buf + at, len, &bad, &s);
			if (k < 0) {
				rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			if (k == 0) {
				rc = sw_error_set(
				    err, SW_ERR_INPUT,
				    _("%s: record %d, field %s: byte %zu of the text is "
				      "not valid %s; pass --encoding to name the right "
				      "encoding"),
				    dbfpath, r + 1, fl[i].name, bad + 1,
				    cv.guess ? "UTF-8 or CP1252" : cv.enc);
				goto out;
			}
			if (k == 2 && cv.guess && !cv.warned) {
				cv.warned = true;
				sw_shp_warn(
				    o ? o->warn : NULL, o ? o->warn_ud : NULL,
				    _("%s: no .cpg file or language byte names the text encoding; "
				      "texts that are not UTF-8 are read as Windows-1252 (first in "
				      "record %d; pass --encoding to say otherwise)"),
				    dbfpath, r + 1);
			}
			if (k == 2) { /* converted into cv.buf: that replaces the raw text */
				rb.len = at;
				if (!recbuf_put(&rb, s, strlen(s), &at)) {
					rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
					goto out;
				}
			}
			voff[slot] = at;
		}
		for (int j = 0; j < nout; j++)
			if (voff[j] != SIZE_MAX)
				vals[j] = rb.buf + voff[j];
		rc = cb(&rec, ud, err);
		if (rc != SW_OK)
			goto out;
	}
out:
	free(voff);
	free(rb.buf);
	free(keys);
	free(vals);
	free(fl);
	if (cv.cd != (iconv_t)-1)
		iconv_close(cv.cd);
	free(cv.buf);
	if (shp != NULL)
		SHPClose(shp);
	if (dbf != NULL)
		DBFClose(dbf);
	sw_shp_names_free(names);
	free(crs);
	free(stem);
	free(shx);
	free(dbfpath);
	return rc;
}
