/* shp.c - ESRI shapefile exchange through shapelib: DBF name mapping,
 * a validating reader and an atomic streaming writer. */
#include "schouw/shp.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>
#include <shapefil.h>

#include "schouw/crs.h"
#include "schouw/i18n.h"
#include "schouw/style.h"

/* ------------------------------------------------------------------------ */
/* shapelib hooks: shapelib reports trouble through a global-less Error()
 * callback and does not check fclose; keep the first message per thread. */

static _Thread_local char hook_msg[512];

static void hook_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void hook_note(const char *fmt, ...)
{
	va_list ap;

	if (hook_msg[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(hook_msg, sizeof hook_msg, fmt, ap);
	va_end(ap);
}

static void hook_error(const char *message)
{
	hook_note("%s", message);
}

/* shapelib seeks before every record it reads or writes, even when the
 * records come in order; glibc then drops its buffer and asks the kernel
 * (two system calls per record). The hooks keep the position themselves and
 * skip seeks to where the stream already is. */
struct hfile {
	FILE *f;
	SAOffset pos;
	bool known;
	char last; /* 'r', 'w' or 0: C needs a seek between reading and writing */
};

/* Before switching between reading and writing, seek for real. */
static bool hfile_turn(struct hfile *h, char op)
{
	bool ok = true;

	if (h->last != 0 && h->last != op) {
		if (h->known)
			ok = fseeko(h->f, (off_t)h->pos, SEEK_SET) == 0;
		else
			ok = fseeko(h->f, 0, SEEK_CUR) == 0;
	}
	h->last = op;
	return ok;
}

static SAFile hook_fopen(const char *path, const char *mode)
{
	struct hfile *h = calloc(1, sizeof *h);

	if (h == NULL)
		return NULL;
	h->f = fopen(path, mode);
	if (h->f == NULL) {
		free(h);
		return NULL;
	}
	h->known = mode[0] != 'a';
	return (SAFile)h;
}

static SAOffset hook_fread(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
	struct hfile *h = (struct hfile *)file;
	size_t n = hfile_turn(h, 'r') ? fread(p, (size_t)size, (size_t)nmemb, h->f) : 0;

	if (n == (size_t)nmemb)
		h->pos += size * nmemb;
	else
		h->known = false;
	return (SAOffset)n;
}

static SAOffset hook_fwrite(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
	struct hfile *h = (struct hfile *)file;
	size_t n = hfile_turn(h, 'w') ? fwrite(p, (size_t)size, (size_t)nmemb, h->f) : 0;

	if (n == (size_t)nmemb) {
		h->pos += size * nmemb;
	} else {
		h->known = false;
		hook_note("%s", strerror(errno ? errno : EIO));
	}
	return (SAOffset)n;
}

static SAOffset hook_fseek(SAFile file, SAOffset offset, int whence)
{
	struct hfile *h = (struct hfile *)file;

	if (whence == SEEK_SET && h->known && offset == h->pos)
		return 0;
	h->last = 0; /* a real seek allows either direction next */
	if (fseeko(h->f, (off_t)offset, whence) != 0) {
		h->known = false;
		return (SAOffset)-1;
	}
	if (whence == SEEK_SET) {
		h->pos = offset;
		h->known = true;
	} else {
		off_t cur = ftello(h->f);
		h->known = cur >= 0;
		h->pos = cur >= 0 ? (SAOffset)cur : 0;
	}
	return 0;
}

static SAOffset hook_ftell(SAFile file)
{
	struct hfile *h = (struct hfile *)file;
	off_t cur;

	if (h->known)
		return h->pos;
	cur = ftello(h->f);
	if (cur >= 0) {
		h->pos = (SAOffset)cur;
		h->known = true;
	}
	return (SAOffset)cur;
}

static int hook_fflush(SAFile file)
{
	return fflush(((struct hfile *)file)->f);
}

static int hook_fclose(SAFile file)
{
	struct hfile *h = (struct hfile *)file;
	int r = fclose(h->f);

	if (r != 0)
		hook_note("%s", strerror(errno ? errno : EIO));
	free(h);
	return r;
}

static void hooks_init(SAHooks *h)
{
	SASetupDefaultHooks(h);
	h->FOpen = hook_fopen;
	h->FRead = hook_fread;
	h->FWrite = hook_fwrite;
	h->FSeek = hook_fseek;
	h->FTell = hook_ftell;
	h->FFlush = hook_fflush;
	h->FClose = hook_fclose;
	h->Error = hook_error;
}

static void hook_reset(void)
{
	hook_msg[0] = '\0';
}

static const char *hook_text(void)
{
	return hook_msg[0] ? hook_msg : _("unknown shapelib error");
}

/* ------------------------------------------------------------------------ */
/* small helpers */

static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *str_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static bool ident_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

size_t sw_shp_utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	/* Step back over continuation bytes to the start of the cut character. */
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* ------------------------------------------------------------------------ */
/* DBF name mapping */

struct name_pair {
	char *name;
	char *dbf;
	bool listed; /* from dbf_names.ini */
	int line;
};

struct sw_shp_names {
	struct name_pair *v;
	size_t n, cap;
	char tmp[SW_DBF_NAME_MAX + 1];
};

/* Columns every layer has; their DBF names unless dbf_names.ini says
 * otherwise (they are code, not staff data, so they have a built-in default). */
static const struct {
	const char *name;
	const char *dbf;
} fixed_cols[] = {
    {"id", "id"},
    {"uuid", "uuid"},
    {"type", "type"},
    {"status", "status"},
    {"surveyor", "surveyor"},
    {"observed_at", "observed"},
    {"gps_accuracy_m", "gps_acc_m"},
    {"note", "note"},
    {"created_at", "created"},
    {"updated_at", "updated"},
};
#define NFIXED (sizeof fixed_cols / sizeof fixed_cols[0])

void sw_shp_name_fallback(const char *name, char out[SW_DBF_NAME_MAX + 1])
{
	uint32_t h = 2166136261u;
	size_t n = strlen(name);

	if (n <= SW_DBF_NAME_MAX) {
		memcpy(out, name, n + 1);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)name[i];
		h *= 16777619u;
	}
	snprintf(out, SW_DBF_NAME_MAX + 1, "%.6s_%03x", name, (unsigned)(h & 0xfffu));
}

void sw_shp_names_free(struct sw_shp_names *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].dbf);
	}
	free(m->v);
	free(m);
}

static struct name_pair *names_find(const struct sw_shp_names *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].name, name) == 0)
			return &m->v[i];
	return NULL;
}

static bool names_add(struct sw_shp_names *m, const char *name, const char *dbf, bool listed,
                      int line)
{
	struct name_pair *p = names_find(m, name);

	if (p != NULL) {
		/* A listed name replaces the default. */
		if (listed) {
			char *d = strdup(dbf);
			if (d == NULL)
				return false;
			free(p->dbf);
			p->dbf = d;
			p->listed = true;
			p->line = line;
		}
		return true;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		struct name_pair *v = realloc(m->v, cap * sizeof *v);
		if (v == NULL)
			return false;
		m->v = v;
		m->cap = cap;
	}
	p = &m->v[m->n];
	p->name = strdup(name);
	p->dbf = strdup(dbf);
	p->listed = listed;
	p->line = line;
	if (p->name == NULL || p->dbf == NULL) {
		free(p->name);
		free(p->dbf);
		return false;
	}
	m->n++;
	return true;
}

struct ini_ctx {
	struct sw_shp_names *m;
	char reason[512];
	int line; /* lines seen by the handler (for duplicate messages) */
	bool nomem;
};

static int names_ini_line(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *c = user;
	struct name_pair *p;

	if (c->reason[0] != '\0')
		return 0;
	if (strcmp(section, "dbf") != 0) {
		snprintf(c->reason, sizeof c->reason, _("unknown section [%s]; expected [dbf]"),
		         section);
		return 0;
	}
	if (!ident_ok(name, 64)) {
		snprintf(c->reason, sizeof c->reason,
		         _("'%s' is not a schouw field name ([a-z][a-z0-9_]*)"), name);
		return 0;
	}
	if (!ident_ok(value, SW_DBF_NAME_MAX)) {
		snprintf(c->reason, sizeof c->reason,
		         _("DBF name '%s' for '%s' must be 1 to %d characters [a-z][a-z0-9_]*"),
		         value, name, SW_DBF_NAME_MAX);
		return 0;
	}
	p = names_find(c->m, name);
	if (p != NULL && p->listed) {
		snprintf(c->reason, sizeof c->reason, _("'%s' is listed twice"), name);
		return 0;
	}
	if (!names_add(c->m, name, value, true, 0)) {
		c->nomem = true;
		return 0;
	}
	return 1;
}

static enum sw_status names_check_collisions(const struct sw_shp_names *m, const char *file,
                                             struct sw_error *err)
{
	for (size_t i = 0; i < m->n; i++)
		for (size_t j = i + 1; j < m->n; j++)
			if (strcasecmp(m->v[i].dbf, m->v[j].dbf) == 0)
				return sw_error_set(
				    err, SW_ERR_INPUT,
				    _("fields '%s' and '%s' would both be DBF field '%s'; give one "
				      "of them its own name in the [dbf] section of %s"),
				    m->v[i].name, m->v[j].name, m->v[i].dbf, file);
	return SW_OK;
}

enum sw_status sw_shp_names_load(const char *datadir, const struct sw_forms *forms,
                                 struct sw_shp_names **out, struct sw_error *err)
{
	struct sw_shp_names *m = calloc(1, sizeof *m);
	struct ini_ctx ctx = {0};
	const struct sw_field **all = NULL;
	size_t nall = 0;
	char *path = NULL;
	char fb[SW_DBF_NAME_MAX + 1];
	enum sw_status rc = SW_OK;

	*out = NULL;
	if (m == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < NFIXED; i++)
		if (!names_add(m, fixed_cols[i].name, fixed_cols[i].dbf, false, 0)) {
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
			goto out;
		}
	if (datadir == NULL && forms != NULL)
		datadir = forms->dir;
	if (datadir != NULL) {
		path = str_printf("%s/dbf_names.ini", datadir);
		if (path == NULL) {
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
			goto out;
		}
		if (access(path, F_OK) == 0) {
			int line;
			ctx.m = m;
			line = ini_parse(path, names_ini_line, &ctx);
			if (ctx.nomem) {
				rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			if (line < 0) {
				rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot read: %s"), path,
				                  strerror(errno));
				goto out;
			}
			if (line > 0) {
				rc = sw_error_set(err, SW_ERR_INPUT, _("%s:%d: %s"), path, line,
				                  ctx.reason[0]
				                      ? ctx.reason
				                      : _("syntax error; expected name = value"));
				goto out;
			}
		}
	}
	if (forms != NULL) {
		rc = sw_forms_all_fields(forms, &all, &nall, err);
		if (rc != SW_OK)
			goto out;
		for (size_t i = 0; i < nall; i++) {
			sw_shp_name_fallback(all[i]->name, fb);
			if (!names_add(m, all[i]->name, fb, false, 0)) {
				rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
				goto out;
			}
		}
	}
	rc = names_check_collisions(m, path ? path : "dbf_names.ini", err);
out:
	free(all);
	free(path);
	if (rc != SW_OK)
		sw_shp_names_free(m);
	else
		*out = m;
	return rc;
}

const char *sw_shp_names_to_dbf(struct sw_shp_names *m, const char *name)
{
	const struct name_pair *p = names_find(m, name);

	if (p != NULL)
		return p->dbf;
	sw_shp_name_fallback(name, m->tmp);
	return m->tmp;
}

const char *sw_shp_names_from_dbf(const struct sw_shp_names *m, const char *dbf)
{
	const char *hit = NULL;

	for (size_t i = 0; i < m->n; i++)
		if (strcasecmp(m->v[i].dbf, dbf) == 0)
			return m->v[i].name;
	/* GDAL and most GIS tools cut long names to their first 10 bytes
	 * ("running_sl"): accept that when exactly one name fits. */
	if (strlen(dbf) != SW_DBF_NAME_MAX)
		return NULL;
	for (size_t i = 0; i < m->n; i++)
		if (strlen(m->v[i].name) > SW_DBF_NAME_MAX &&
		    strncasecmp(m->v[i].name, dbf, SW_DBF_NAME_MAX) == 0) {
			if (hit != NULL)
				return NULL;
			hit = m->v[i].name;
		}
	return hit;
}

/* ------------------------------------------------------------------------ */
/* file helpers */

static uint32_t be32(const unsigned char *b)
{
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static uint32_t le32(const unsigned char *b)
{
	return ((uint32_t)b[3] << 24) | ((uint32_t)b[2] << 16) | ((uint32_t)b[1] << 8) | b[0];
}

static uint16_t le16(const unsigned char *b)
{
	return (uint16_t)(b[0] | (b[1] << 8));
}

/* Path of the file beside stem with extension ext (tries lower, then upper
 * case); NULL when neither exists. Caller frees. */
static char *sibling(const char *stem, const char *ext)
{
	char up[8];
	char *p;
	size_t i;

	p = str_printf("%s.%s", stem, ext);
	if (p == NULL || access(p, F_OK) == 0)
		return p;
	free(p);
	for (i = 0; i < sizeof up - 1 && ext[i]; i++)
		up[i] = (char)toupper((unsigned char)ext[i]);
	up[i] = '\0';
	p = str_printf("%s.%s", stem, up);
	if (p == NULL || access(p, F_OK) == 0)
		return p;
	free(p);
	return NULL;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

static const char *shape_type_name(int t)
{
	switch (t) {
	case SHPT_NULL:
		return "Null";
	case SHPT_POINT:
		return "Point";
	case SHPT_ARC:
		return "PolyLine";
	case SHPT_POLYGON:
		return "Polygon";
	case SHPT_MULTIPOINT:
		return "MultiPoint";
	case SHPT_POINTZ:
		return "PointZ";
	case SHPT_ARCZ:
		return "PolyLineZ";
	case SHPT_POLYGONZ:
		return "PolygonZ";
	case SHPT_MULTIPOINTZ:
		return "MultiPointZ";
	case SHPT_POINTM:
		return "PointM";
	case SHPT_ARCM:
		return "PolyLineM";
	case SHPT_POLYGONM:
		return "PolygonM";
	case SHPT_MULTIPOINTM:
		return "MultiPointM";
	case SHPT_MULTIPATCH:
		return "MultiPatch";
	default:
		return NULL;
	}
}

static bool is_point_type(int t)
{
	return t == SHPT_NULL || t == SHPT_POINT || t == SHPT_POINTZ || t == SHPT_POINTM ||
	       t == SHPT_MULTIPOINT || t == SHPT_MULTIPOINTZ || t == SHPT_MULTIPOINTM;
}

static enum sw_status file_size(const char *path, long long *size, struct sw_error *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return sw_error_set(err, SW_ERR_IO, _("%s: %s"), path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sw_error_set(err, SW_ERR_INPUT, _("%s: not a regular file"), path);
	*size = (long long)st.st_size;
	return SW_OK;
}

/* Read exactly n bytes at the current position; false on a short read. */
static bool read_n(FILE *f, unsigned char *buf, size_t n)
{
	return fread(buf, 1, n, f) == n;
}

/* ------------------------------------------------------------------------ */
/* structure checks (before shapelib sees the files: it trusts headers) */

/* The 100-byte main header shared by .shp and .shx. */
static enum sw_status check_main_header(const char *path, FILE *f, long long size, int *type,
                                        struct sw_error *err)
{
	unsigned char h[100];
	long long declared;
	uint32_t version;

	if (size < 100)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: %lld bytes, shorter than the 100-byte shapefile header "
		                      "(truncated or not a shapefile)"),
		                    path, size);
	if (!read_n(f, h, sizeof h))
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot read the header"), path);
	if (be32(h) != 9994)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: byte 0: file code %u, expected 9994: not a shapefile"),
		                    path, (unsigned)be32(h));
	version = le32(h + 28);
	if (version != 1000)
		return sw_error_set(err, SW_ERR_INPUT, _("%s: byte 28: version %u, expected 1000"),
		                    path, (unsigned)version);
	declared = 2LL * be32(h + 24);
	if (declared > size)
		return sw_error_set(
		    err, SW_ERR_INPUT,
		    _("%s: truncated: the header (byte 24) says %lld bytes, the file "
		      "has %lld"),
		    path, declared, size);
	if (declared < size)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: the header (byte 24) says %lld bytes, but the file has "
		                      "%lld: extra data after byte %lld"),
		                    path, declared, size, declared);
	*type = (int)le32(h + 32);
	return SW_OK;
}

/* Expected content length of a non-null record of type t holding npts
 * points; two variants (with and without the optional M part). */
static void expected_len(int t, long long npts, long long *a, long long *b)
{
	switch (t) {
	case SHPT_POINT:
		*a = *b = 20;
		break;
	case SHPT_POINTM:
		*a = *b = 28;
		break;
	case SHPT_POINTZ:
		*a = 28;
		*b = 36;
		break;
	case SHPT_MULTIPOINT:
		*a = *b = 40 + 16 * npts;
		break;
	case SHPT_MULTIPOINTM:
		*a = 40 + 16 * npts;
		*b = *a + 16 + 8 * npts;
		break;
	case SHPT_MULTIPOINTZ:
		*a = 40 + 16 * npts + 16 + 8 * npts;
		*b = *a + 16 + 8 * npts;
		break;
	default:
		*a = *b = -1;
		break;
	}
}

struct shp_layout {
	int type;
	long nrec;
};

/* Walk the .shp record by record and compare with the .shx index. */
static enum sw_status check_shp_shx(const char *shp, const char *shx, struct shp_layout *lay,
                                    struct sw_error *err)
{
	FILE *fs = NULL, *fx = NULL;
	long long ssize, xsize, pos = 100, nx;
	int stype, xtype;
	unsigned char rh[8], xe[8], c[64];
	long rec = 0;
	enum sw_status rc;

	rc = file_size(shp, &ssize, err);
	if (rc != SW_OK)
		goto out;
	rc = file_size(shx, &xsize, err);
	if (rc != SW_OK)
		goto out;
	fs = fopen(shp, "rb");
	fx = fopen(shx, "rb");
	if (fs == NULL || fx == NULL) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot open: %s"), fs ? shx : shp,
		                  strerror(errno));
		goto out;
	}
	rc = check_main_header(shp, fs, ssize, &stype, err);
	if (rc != SW_OK)
		goto out;
	if (!is_point_type(stype)) {
		const char *tn = shape_type_name(stype);
		if (tn != NULL)
			rc = sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s: the shapes are of type %s (%d); only Point, PointZ, "
			      "PointM and single-point MultiPoint can be imported"),
			    shp, tn, stype);
		else
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: byte 32: unknown shape type %d"), shp, stype);
		goto out;
	}
	rc = check_main_header(shx, fx, xsize, &xtype, err);
	if (rc != SW_OK)
		goto out;
	if ((xsize - 100) % 8 != 0) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: %lld bytes after the header is not a whole number of "
		                    "8-byte index entries (truncated?)"),
		                  shx, xsize - 100);
		goto out;
	}
	if (xtype != stype) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: byte 32: shape type %d, but %s says %d: the files do not "
		                    "belong together"),
		                  shx, xtype, shp, stype);
		goto out;
	}
	nx = (xsize - 100) / 8;
	while (pos < ssize) {
		long long clen, a, b, npts = 1;
		uint32_t off, xlen;
		int t;

		rec++;
		if (pos + 8 > ssize) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: record %ld (byte %lld): truncated record header"),
			                  shp, rec, pos);
			goto out;
		}
		if (!read_n(fs, rh, 8)) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: read error at byte %lld"), shp,
			                  pos);
			goto out;
		}
		clen = 2LL * be32(rh + 4);
		if (pos + 8 + clen > ssize) {
			rc = sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s: record %ld (byte %lld): %lld bytes of content, but the "
			      "file ends at byte %lld (truncated)"),
			    shp, rec, pos, clen, ssize);
			goto out;
		}
		if (rec > nx) {
			rc = sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s: the index has %lld entries, but %s has more records "
			      "(record %ld at byte %lld)"),
			    shx, nx, shp, rec, pos);
			goto out;
		}
		if (!read_n(fx, xe, 8)) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: read error"), shx);
			goto out;
		}
		off = be32(xe);
		xlen = be32(xe + 4);
		if (2LL * off != pos || 2LL * xlen != clen) {
			rc = sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s: entry %ld (byte %lld) says record %ld is at byte %lld "
			      "with %lld bytes, but in %s it is at byte %lld with %lld "
			      "bytes: the index does not match"),
			    shx, rec, 100 + 8LL * (rec - 1), rec, 2LL * off, 2LL * xlen, shp, pos,
			    clen);
			goto out;
		}
		if (clen < 4) {
			rc = sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s: record %ld (byte %lld): content of %lld bytes is too "
			      "short for a shape"),
			    shp, rec, pos, clen);
			goto out;
		}
		if (!read_n(fs, c,
		            (size_t)(clen < (long long)sizeof c ? clen : (long long)sizeof c))) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: read error at byte %lld"), shp,
			                  pos + 8);
			goto out;
		}
		t = (int)le32(c);
		if (t != SHPT_NULL && t != stype) {
			rc =
			    sw_error_set(err, SW_ERR_INPUT,
			                 _("%s: record %ld (byte %lld): shape type %d in a file of "
			                   "type %d"),
			                 shp, rec, pos + 8, t, stype);
			goto out;
		}
		if (t != SHPT_NULL) {
			if (t == SHPT_MULTIPOINT || t == SHPT_MULTIPOINTZ ||
			    t == SHPT_MULTIPOINTM) {
				if (clen < 40) {
					rc =
					    sw_error_set(err, SW_ERR_INPUT,
					                 _("%s: record %ld (byte %lld): MultiPoint "
					                   "content of %lld bytes is too short"),
					                 shp, rec, pos, clen);
					goto out;
				}
				npts = (long long)le32(c + 36);
				if (npts != 1) {
					rc = sw_error_set(
					    err, SW_ERR_INPUT,
					    _("%s: record %ld (byte %lld): a MultiPoint "
					      "of %lld points; only single points can be "
					      "imported"),
					    shp, rec, pos, npts);
					goto out;
				}
			}
			expected_len(t, npts, &a, &b);
			if (clen != a && clen != b) {
				rc = sw_error_set(
				    err, SW_ERR_INPUT,
				    _("%s: record %ld (byte %lld): %lld bytes of content, "
				      "expected %lld for a %s"),
				    shp, rec, pos, clen, a, shape_type_name(t));
				goto out;
			}
		}
		pos += 8 + clen;
		/* Point records were read whole; seeking anyway would drop stdio's
		 * buffer and cost a system call per record. */
		if (clen > (long long)sizeof c && fseeko(fs, pos, SEEK_SET) != 0) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: seek error"), shp);
			goto out;
		}
	}
	if (rec != nx) {
		rc = sw_error_set(
		    err, SW_ERR_INPUT,
		    _("%s: the index has %lld entries, but %s has %ld records: the files "
		      "do not belong together"),
		    shx, nx, shp, rec);
		goto out;
	}
	lay->type = stype;
	lay->nrec = rec;
out:
	if (fs != NULL)
		fclose(fs);
	if (fx != NULL)
		fclose(fx);
	return rc;
}

/* DBF header, field descriptors and size. */
static enum sw_status check_dbf(const char *dbf, long nrec_shp, const char *shp,
                                struct sw_error *err)
{
	FILE *f = NULL;
	long long size, need;
	unsigned char h[32], d[32];
	uint32_t nrec;
	unsigned hlen, rlen, sum = 1, nf = 0;
	enum sw_status rc;

	rc = file_size(dbf, &size, err);
	if (rc != SW_OK)
		goto out;
	f = fopen(dbf, "rb");
	if (f == NULL) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot open: %s"), dbf, strerror(errno));
		goto out;
	}
	if (size < 33 || !read_n(f, h, sizeof h)) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: %lld bytes, shorter than a DBF header (truncated or not a "
		                    "DBF file)"),
		                  dbf, size);
		goto out;
	}
	nrec = le32(h + 4);
	hlen = le16(h + 8);
	rlen = le16(h + 10);
	if (hlen < 33 || (long long)hlen > size) {
		rc =
		    sw_error_set(err, SW_ERR_INPUT,
		                 _("%s: byte 8: header length %u does not fit a file of %lld bytes "
		                   "(truncated or not a DBF file)"),
		                 dbf, hlen, size);
		goto out;
	}
	for (long long off = 32; off + 1 <= hlen; off += 32) {
		if (!read_n(f, d, 1)) {
			rc = sw_error_set(err, SW_ERR_INPUT, _("%s: byte %lld: truncated header"),
			                  dbf, off);
			goto out;
		}
		if (d[0] == 0x0D)
			break;
		if (off + 32 > hlen || !read_n(f, d + 1, 31)) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: byte %lld: field descriptor runs past the header "
			                    "(no 0x0D terminator)"),
			                  dbf, off);
			goto out;
		}
		if (d[16] == 0) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: byte %lld: field %u has length 0"), dbf, off + 16,
			                  nf + 1);
			goto out;
		}
		sum += d[16];
		nf++;
	}
	if (sum != rlen) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: byte 10: record length %u, but the %u fields add up to %u "
		                    "(not a valid DBF file)"),
		                  dbf, rlen, nf, sum);
		goto out;
	}
	need = (long long)hlen + (long long)nrec * rlen;
	if (need > size) {
		long long whole = (size - hlen) / rlen;
		rc = sw_error_set(
		    err, SW_ERR_INPUT,
		    _("%s: truncated: the header (byte 4) says %u records of %u bytes "
		      "(%lld bytes in all), the file has %lld; record %lld (byte %lld) "
		      "is incomplete"),
		    dbf, (unsigned)nrec, rlen, need, size, whole + 1,
		    (long long)hlen + whole * rlen);
		goto out;
	}
	if ((long)nrec != nrec_shp) {
		rc = sw_error_set(
		    err, SW_ERR_INPUT,
		    _("%s: %u records, but %s has %ld shapes: every shape needs exactly "
		      "one record"),
		    dbf, (unsigned)nrec, shp, nrec_shp);
		goto out;
	}
out:
	if (f != NULL)
		fclose(f);
	return rc;
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
	if (file_size(path, &size, err) != SW_OK)
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
/* What shapelib's DBFIsAttributeNULL decides about a value it read (its
 * DBFIsValueNULL is not exported): numbers all '*' or blank, dates
 * "00000000", logicals '?', anything else empty. */
static bool dbf_value_null(char type, const char *v)
{
	switch (type) {
	case 'N':
	case 'F':
		if (v[0] == '*')
			return true;
		for (size_t i = 0; v[i] != '\0'; i++)
			if (v[i] != ' ')
				return false;
		return true;
	case 'D':
		return strncmp(v, "00000000", 8) == 0;
	case 'L':
		return v[0] == '?';
	default:
		return v[0] == '\0';
	}
}

static void codepage_to_iconv(const char *cp, char *out, size_t outlen)
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

void sw_shp_codepage(const char *cp, char *out, size_t outlen)
{
	codepage_to_iconv(cp, out, outlen);
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

	if (c->utf8 || (c->guess && sw_utf8_valid(s, len))) {
		if (!sw_utf8_valid(s, len)) {
			size_t good = 0;
			/* the longest valid prefix ends where the first bad character starts */
			for (size_t k = 1; k <= len; k++)
				if (sw_utf8_valid(s, k))
					good = k;
			*bad = good;
			return 0;
		}
		*res = s;
		return 1;
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
};

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

static void warn(sw_warn_fn fn, void *ud, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn(sw_warn_fn fn, void *ud, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fn(ud, msg);
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
			warn(o->warn, o->warn_ud,
			     _("%s says the points are in %.64s; --crs %s overrides it"), prj,
			     found, o->crs);
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
		codepage_to_iconv(o->encoding, c->enc, sizeof c->enc);
	} else {
		const char *cp = DBFGetCodePage(dbf);
		src = dbfpath;
		codepage_to_iconv(cp, c->enc, sizeof c->enc);
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
	struct shp_layout lay = {0};
	SHPHandle shp = NULL;
	DBFHandle dbf = NULL;
	SAHooks hooks;
	struct rfield *fl = NULL;
	const char **keys = NULL, **vals = NULL;
	char **owned = NULL;
	struct conv cv = {.cd = (iconv_t)-1};
	int nf = 0, nout = 0, nent = 0, stype = 0;
	enum sw_status rc = SW_OK;

	if (!ends_with_ci(path, ".shp")) {
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
	rc = check_shp_shx(path, shx, &lay, err);
	if (rc != SW_OK)
		goto out;
	rc = check_dbf(dbfpath, lay.nrec, path, err);
	if (rc != SW_OK)
		goto out;
	rc = reader_crs(path, stem, o, &crs, err);
	if (rc != SW_OK)
		goto out;
	rc = sw_shp_names_load(NULL, o ? o->forms : NULL, &names, err);
	if (rc != SW_OK)
		goto out;

	hooks_init(&hooks);
	hook_reset();
	shp = SHPOpenLL(path, "rb", &hooks);
	if (shp == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s: %s"), path, hook_text());
		goto out;
	}
	hook_reset();
	dbf = DBFOpenLL(dbfpath, "rb", &hooks);
	if (dbf == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s: %s"), dbfpath, hook_text());
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
	owned = calloc((size_t)nf + 1, sizeof *owned);
	if (fl == NULL || keys == NULL || vals == NULL || owned == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	for (int i = 0; i < nf; i++) {
		const char *mapped, *key;
		int wd, dec;
		DBFGetFieldInfo(dbf, i, fl[i].name, &wd, &dec);
		fl[i].native = DBFGetNativeFieldType(dbf, i);
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
		hook_reset();
		obj = SHPReadObject(shp, r);
		if (obj == NULL) {
			rc = sw_error_set(err, SW_ERR_INPUT, _("%s: record %d: %s"), path, r + 1,
			                  hook_text());
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
		for (int i = 0; i < nf; i++) {
			const char *s;
			size_t bad = 0;
			int k, slot = fl[i].slot;

			if (slot < 0)
				continue;
			free(owned[slot]);
			owned[slot] = NULL;
			vals[slot] = NULL;
			/* DBFIsAttributeNULL would read the field a second time */
			s = DBFReadStringAttribute(dbf, r, i);
			if (s == NULL || dbf_value_null(fl[i].native, s))
				continue;
			if (fl[i].native == 'L') {
				if (s[0] != '\0' && strchr("TtYy", s[0]) != NULL)
					vals[slot] = "true";
				else if (s[0] != '\0' && strchr("FfNn", s[0]) != NULL)
					vals[slot] = "false";
				continue;
			}
			if (fl[i].native == 'D' && strlen(s) == 8 && strspn(s, "0123456789") == 8) {
				owned[slot] = str_printf("%.4s-%.2s-%.2s", s, s + 4, s + 6);
				if (owned[slot] == NULL) {
					rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
					goto out;
				}
				vals[slot] = owned[slot];
				continue;
			}
			k = conv_run(&cv, s, strlen(s), &bad, &vals[slot]);
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
				warn(
				    o ? o->warn : NULL, o ? o->warn_ud : NULL,
				    _("%s: no .cpg file or language byte names the text encoding; "
				      "texts that are not UTF-8 are read as Windows-1252 (first in "
				      "record %d; pass --encoding to say otherwise)"),
				    dbfpath, r + 1);
			}
			/* both shapelib's buffer and cv.buf are reused by the next field */
			owned[slot] = strdup(vals[slot]);
			if (owned[slot] == NULL) {
				rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			vals[slot] = owned[slot];
		}
		rc = cb(&rec, ud, err);
		if (rc != SW_OK)
			goto out;
	}
out:
	if (owned != NULL)
		for (int i = 0; i < nf; i++)
			free(owned[i]);
	free(owned);
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

/* ------------------------------------------------------------------------ */
/* writer */

enum { EXT_SHP, EXT_SHX, EXT_DBF, EXT_PRJ, EXT_CPG, EXT_QML, EXT_SLD, NEXT };
static const char *const exts[NEXT] = {"shp", "shx", "dbf", "prj", "cpg", "qml", "sld"};
/* Files of an older layer that would no longer match the new one. */
static const char *const stale_exts[] = {"qix", "sbn", "sbx", "qpj"};

enum fsrc {
	F_ID,
	F_UUID,
	F_TYPE,
	F_STATUS,
	F_SURVEYOR,
	F_OBSERVED,
	F_GPSACC,
	F_NOTE,
	F_CREATED,
	F_UPDATED,
	F_ATTR
};

struct wfield {
	const char *name; /* schouw name; owned by forms or static */
	char dbf[SW_DBF_NAME_MAX + 1];
	enum fsrc src;
	enum sw_kind kind;
	DBFFieldType ft;
	int width, dec;
	int idx;
};

#define SHP_BATCH 4096

struct sw_shp_writer {
	struct sw_export_opts o;
	char *final[NEXT], *tmp[NEXT];
	char *stem, *layer;
	SHPHandle shp;
	DBFHandle dbf;
	struct wfield *f;
	size_t nf;
	struct sw_crs *crs; /* NULL: RD New, nothing to do */
	char *target;       /* the CRS written, e.g. "EPSG:28992" */
	char *op;
	double acc;
	double bx[SHP_BATCH], by[SHP_BATCH];
	long long bid[SHP_BATCH];
	bool bfail[SHP_BATCH];
	size_t nbuf;
	long long n;
	bool finished;
	char cut[SW_DBF_TEXT_MAX + 1];
};

static size_t max_len(size_t a, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > a ? n : a;
}

static size_t enum_width(const struct sw_forms *forms, const char *name)
{
	size_t w = 1;

	for (size_t i = 0; i < forms->nforms; i++) {
		const struct sw_field *g = sw_form_field(&forms->forms[i], name);
		for (size_t k = 0; g != NULL && k < g->nvalues; k++)
			w = max_len(w, g->values[k]);
	}
	return w;
}

static int clamp_width(size_t w)
{
	if (w < 1)
		return 1;
	if (w > SW_DBF_TEXT_MAX)
		return SW_DBF_TEXT_MAX;
	return (int)w;
}

/* Decimals by unit: millimetre resolution for lengths in metres, finer for
 * units where 0.001 is coarse. */
static int unit_decimals(const char *unit)
{
	if (unit == NULL)
		return 3;
	if (strcmp(unit, "km") == 0 || strcmp(unit, "deg") == 0 || strcmp(unit, "°") == 0)
		return 6;
	return 3;
}

/* One field name can appear in several forms with other limits or allowed
 * values ("surface"); a layer's field must hold the values of every form. */
static void number_layout(const struct sw_forms *forms, const struct sw_field *fd, int *width,
                          int *dec)
{
	double big = 0;
	int digits = 1;

	*dec = unit_decimals(fd->unit);
	for (size_t i = 0; i < forms->nforms; i++) {
		const struct sw_field *g = sw_form_field(&forms->forms[i], fd->name);
		if (g == NULL)
			continue;
		if (unit_decimals(g->unit) > *dec)
			*dec = unit_decimals(g->unit);
		if (g->has_min && fabs(g->min) > big)
			big = fabs(g->min);
		if (g->has_max && fabs(g->max) > big)
			big = fabs(g->max);
	}
	while (big >= 10 && digits < 15) {
		big /= 10;
		digits++;
	}
	/* sign + integer digits + point + decimals, at least 12 */
	*width = 1 + digits + 1 + *dec;
	if (*width < 12)
		*width = 12;
	if (*width > 19)
		*width = 19;
}

static enum sw_status add_field(struct sw_shp_writer *w, struct sw_shp_names *names,
                                const char *name, enum fsrc src, enum sw_kind kind, DBFFieldType ft,
                                int width, int dec, struct sw_error *err)
{
	struct wfield *f = &w->f[w->nf];

	f->name = name;
	snprintf(f->dbf, sizeof f->dbf, "%s", sw_shp_names_to_dbf(names, name));
	f->src = src;
	f->kind = kind;
	f->ft = ft;
	f->width = width;
	f->dec = dec;
	hook_reset();
	f->idx = DBFAddField(w->dbf, f->dbf, ft, width, dec);
	if (f->idx < 0)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot add DBF field %s: %s"),
		                    w->tmp[EXT_DBF], f->dbf, hook_text());
	w->nf++;
	return SW_OK;
}

static enum sw_status writer_fields(struct sw_shp_writer *w, struct sw_error *err)
{
	const struct sw_forms *forms = w->o.forms;
	const struct sw_field **all = NULL;
	const struct sw_form *form = NULL;
	struct sw_shp_names *names = NULL;
	size_t nflds, wtype = 1, wstatus = 1;
	enum sw_status rc;

	rc = sw_shp_names_load(NULL, forms, &names, err);
	if (rc != SW_OK)
		goto out;
	if (w->o.type != NULL) {
		form = sw_forms_find_or_error(forms, w->o.type, err);
		if (form == NULL) {
			rc = err ? err->code : SW_ERR_NOTFOUND;
			goto out;
		}
		nflds = form->nfields;
	} else {
		rc = sw_forms_all_fields(forms, &all, &nflds, err);
		if (rc != SW_OK)
			goto out;
	}
	w->f = calloc(NFIXED + nflds, sizeof *w->f);
	if (w->f == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < forms->nforms; i++)
		wtype = max_len(wtype, forms->forms[i].type);
	for (size_t i = 0; i < forms->nstatuses; i++)
		wstatus = max_len(wstatus, forms->statuses[i].name);

#define ADD(name, src, kind, ft, wd, dc)                                                           \
	do {                                                                                       \
		rc = add_field(w, names, name, src, kind, ft, wd, dc, err);                        \
		if (rc != SW_OK)                                                                   \
			goto out;                                                                  \
	} while (0)
	ADD("id", F_ID, SW_KIND_INTEGER, FTInteger, 9, 0);
	ADD("uuid", F_UUID, SW_KIND_TEXT, FTString, SW_UUID_LEN, 0);
	ADD("type", F_TYPE, SW_KIND_TEXT, FTString, clamp_width(wtype), 0);
	ADD("status", F_STATUS, SW_KIND_TEXT, FTString, clamp_width(wstatus), 0);
	if (!w->o.anonymize)
		ADD("surveyor", F_SURVEYOR, SW_KIND_TEXT, FTString, SW_DBF_TEXT_MAX, 0);
	ADD("observed_at", F_OBSERVED, SW_KIND_TEXT, FTString, 32, 0);
	ADD("gps_accuracy_m", F_GPSACC, SW_KIND_NUMBER, FTDouble, 8, 2);
	ADD("note", F_NOTE, SW_KIND_TEXT, FTString, SW_DBF_TEXT_MAX, 0);
	ADD("created_at", F_CREATED, SW_KIND_TEXT, FTString, 32, 0);
	ADD("updated_at", F_UPDATED, SW_KIND_TEXT, FTString, 32, 0);
	for (size_t i = 0; i < nflds; i++) {
		const struct sw_field *fd = form ? &form->fields[i] : all[i];
		int wd, dc;
		switch (fd->kind) {
		case SW_KIND_NUMBER:
			number_layout(forms, fd, &wd, &dc);
			ADD(fd->name, F_ATTR, fd->kind, FTDouble, wd, dc);
			break;
		case SW_KIND_INTEGER:
			ADD(fd->name, F_ATTR, fd->kind, FTInteger, 9, 0);
			break;
		case SW_KIND_BOOL:
			ADD(fd->name, F_ATTR, fd->kind, FTInteger, 1, 0);
			break;
		case SW_KIND_ENUM:
			ADD(fd->name, F_ATTR, fd->kind, FTString,
			    clamp_width(enum_width(forms, fd->name)), 0);
			break;
		case SW_KIND_TEXT:
		default:
			ADD(fd->name, F_ATTR, fd->kind, FTString, SW_DBF_TEXT_MAX, 0);
			break;
		}
	}
#undef ADD
out:
	free(all);
	sw_shp_names_free(names);
	return rc;
}

static enum sw_status write_text_file(const char *path, const char *text, struct sw_error *err)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (f == NULL)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot create: %s"), path,
		                    strerror(errno));
	ok = fputs(text, f) >= 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok)
		return sw_error_set(err, SW_ERR_IO, _("%s: write error: %s"), path,
		                    strerror(errno));
	return SW_OK;
}

static void remove_tmp(struct sw_shp_writer *w)
{
	for (int i = 0; i < NEXT; i++)
		if (w->tmp[i] != NULL)
			unlink(w->tmp[i]);
}

static void writer_free(struct sw_shp_writer *w)
{
	for (int i = 0; i < NEXT; i++) {
		free(w->final[i]);
		free(w->tmp[i]);
	}
	free(w->stem);
	free(w->layer);
	free(w->f);
	free(w->target);
	free(w->op);
	sw_crs_free(w->crs);
	free(w);
}

static bool is_rd(const char *crs)
{
	return crs == NULL || strcasecmp(crs, SW_CRS_RD) == 0 || strcmp(crs, "28992") == 0;
}

enum sw_status sw_shp_writer_open(const char *path, const struct sw_export_opts *o,
                                  struct sw_shp_writer **out, struct sw_error *err)
{
	struct sw_shp_writer *w = NULL;
	char *wkt = NULL;
	SAHooks hooks;
	const char *b;
	enum sw_status rc = SW_OK;

	*out = NULL;
	if (o == NULL || o->forms == NULL) {
		rc = sw_error_set(err, SW_ERR_INTERNAL, "sw_shp_writer_open: no forms");
		goto out;
	}
	if (!ends_with_ci(path, ".shp") || strlen(path) <= 4) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s: a shapefile name must end in .shp"),
		                  path);
		goto out;
	}
	w = calloc(1, sizeof *w);
	if (w == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	w->o = *o;
	w->acc = -1;
	w->stem = strndup(path, strlen(path) - 4);
	if (w->stem == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	b = base_name(w->stem);
	w->layer = strdup(*b ? b : "points");
	w->target = strdup(is_rd(o->crs) ? SW_CRS_RD : o->crs);
	if (w->layer == NULL || w->target == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	for (int i = 0; i < NEXT; i++) {
		w->final[i] = str_printf("%s.%s", w->stem, exts[i]);
		w->tmp[i] = str_printf("%s.tmp-%ld.%s", w->stem, (long)getpid(), exts[i]);
		if (w->final[i] == NULL || w->tmp[i] == NULL) {
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
			goto out;
		}
	}
	rc = sw_crs_esri_wkt(w->target, &wkt, err);
	if (rc != SW_OK)
		goto out;
	if (!is_rd(o->crs)) {
		rc = sw_crs_open(SW_CRS_RD, w->target, &w->crs, err);
		if (rc != SW_OK)
			goto out;
	}
	hooks_init(&hooks);
	hook_reset();
	w->shp = SHPCreateLL(w->tmp[EXT_SHP], SHPT_POINT, &hooks);
	if (w->shp == NULL) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot create: %s"), w->tmp[EXT_SHP],
		                  hook_msg[0] ? hook_msg : strerror(errno));
		goto out;
	}
	hook_reset();
	w->dbf = DBFCreateLL(w->tmp[EXT_DBF], "UTF-8", &hooks);
	if (w->dbf == NULL) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot create: %s"), w->tmp[EXT_DBF],
		                  hook_msg[0] ? hook_msg : strerror(errno));
		goto out;
	}
	/* shapelib writes the end-of-file byte after every new record and seeks
	 * back over it for the next; write it once, at close. */
	DBFSetWriteEndOfFileChar(w->dbf, 0);
	rc = writer_fields(w, err);
	if (rc != SW_OK)
		goto out;
	rc = write_text_file(w->tmp[EXT_PRJ], wkt, err);
	if (rc != SW_OK)
		goto out;
out:
	free(wkt);
	if (rc != SW_OK && w != NULL) {
		if (w->shp != NULL)
			SHPClose(w->shp);
		if (w->dbf != NULL)
			DBFClose(w->dbf);
		remove_tmp(w);
		writer_free(w);
		w = NULL;
	}
	*out = w;
	return rc;
}

static const char *point_ref(const struct sw_point *p, char *buf, size_t len)
{
	if (p->id > 0)
		snprintf(buf, len, "%lld", p->id);
	else
		snprintf(buf, len, "%s", p->uuid[0] ? p->uuid : "?");
	return buf;
}

static enum sw_status put_text(struct sw_shp_writer *w, const struct sw_point *p,
                               const struct wfield *f, long long row, const char *s,
                               struct sw_error *err)
{
	size_t len, keep;
	char ref[64];
	int ok;

	hook_reset();
	if (s == NULL || *s == '\0') {
		ok = DBFWriteNULLAttribute(w->dbf, (int)row, f->idx);
	} else {
		len = strlen(s);
		keep = sw_shp_utf8_cut(s, (size_t)f->width);
		if (keep < len) {
			memcpy(w->cut, s, keep);
			w->cut[keep] = '\0';
			warn(w->o.warn, w->o.warn_ud,
			     _("point %s: field %s (DBF %s): text of %zu bytes cut to %zu bytes, "
			       "the "
			       "most a DBF field of width %d holds"),
			     point_ref(p, ref, sizeof ref), f->name, f->dbf, len, keep, f->width);
			s = w->cut;
		}
		ok = DBFWriteStringAttribute(w->dbf, (int)row, f->idx, s);
	}
	if (!ok)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot write record %lld, field %s: %s"),
		                    w->tmp[EXT_DBF], row + 1, f->dbf, hook_text());
	return SW_OK;
}

static enum sw_status put_number(struct sw_shp_writer *w, const struct sw_point *p,
                                 const struct wfield *f, long long row, bool has, double v,
                                 struct sw_error *err)
{
	char buf[64], ref[64];
	int ok;

	if (has && isfinite(v)) {
		if (f->ft == FTInteger) {
			double lim = pow(10, f->width) - 1;
			if (v != nearbyint(v) || v > lim || v < -(pow(10, f->width - 1) - 1)) {
				warn(
				    w->o.warn, w->o.warn_ud,
				    _("point %s: field %s: %g does not fit an integer DBF field of "
				      "width %d; left empty"),
				    point_ref(p, ref, sizeof ref), f->name, v, f->width);
				has = false;
			}
		} else if (snprintf(buf, sizeof buf, "%.*f", f->dec, v) > f->width) {
			warn(w->o.warn, w->o.warn_ud,
			     _("point %s: field %s: %g does not fit a DBF number of width %d; left "
			       "empty"),
			     point_ref(p, ref, sizeof ref), f->name, v, f->width);
			has = false;
		}
	} else {
		has = false;
	}
	hook_reset();
	if (!has)
		ok = DBFWriteNULLAttribute(w->dbf, (int)row, f->idx);
	else if (f->ft == FTInteger)
		ok = DBFWriteIntegerAttribute(w->dbf, (int)row, f->idx, (int)v);
	else
		ok = DBFWriteDoubleAttribute(w->dbf, (int)row, f->idx, v);
	if (!ok)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot write record %lld, field %s: %s"),
		                    w->tmp[EXT_DBF], row + 1, f->dbf, hook_text());
	return SW_OK;
}

static enum sw_status put_attr(struct sw_shp_writer *w, const struct sw_point *p,
                               const struct wfield *f, long long row, struct sw_error *err)
{
	const struct sw_value *v = sw_point_get_attr(p, f->name);
	enum sw_status rc;
	char *t;

	if (v == NULL || v->t == SW_V_NULL)
		return put_number(w, p, f, row, false, 0, err); /* NULL of any type */
	if (f->ft == FTString) {
		if (v->t == SW_V_TEXT)
			return put_text(w, p, f, row, v->s, err);
		t = sw_value_to_text(v);
		if (t == NULL)
			return sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		rc = put_text(w, p, f, row, t, err);
		free(t);
		return rc;
	}
	if (v->t == SW_V_REAL)
		return put_number(w, p, f, row, true, v->r, err);
	if (v->t == SW_V_INT)
		return put_number(w, p, f, row, true, (double)v->i, err);
	return put_number(w, p, f, row, false, 0, err);
}

static enum sw_status flush_points(struct sw_shp_writer *w, struct sw_error *err)
{
	enum sw_status rc = SW_OK;

	if (w->nbuf == 0)
		return SW_OK;
	if (w->crs != NULL) {
		const char *op;
		rc = sw_crs_trans(w->crs, w->bx, w->by, w->nbuf, w->bfail, err);
		if (rc != SW_OK)
			goto out;
		for (size_t i = 0; i < w->nbuf; i++)
			if (w->bfail[i]) {
				rc =
				    sw_error_set(err, SW_ERR_INPUT,
				                 _("point %lld: PROJ cannot transform its position "
				                   "to %s"),
				                 w->bid[i], w->target);
				goto out;
			}
		op = sw_crs_operation(w->crs);
		if (op != NULL && (w->op == NULL || strcmp(op, w->op) != 0)) {
			char *c = strdup(op);
			if (c == NULL) {
				rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			free(w->op);
			w->op = c;
		}
		w->acc = sw_crs_accuracy(w->crs);
	}
	for (size_t i = 0; i < w->nbuf; i++) {
		SHPObject *obj = SHPCreateSimpleObject(SHPT_POINT, 1, &w->bx[i], &w->by[i], NULL);
		int id;
		if (obj == NULL) {
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
			goto out;
		}
		hook_reset();
		id = SHPWriteObject(w->shp, -1, obj);
		SHPDestroyObject(obj);
		if (id < 0 || hook_msg[0] != '\0') {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot write point %lld: %s"),
			                  w->tmp[EXT_SHP], w->bid[i], hook_text());
			goto out;
		}
	}
out:
	w->nbuf = 0;
	return rc;
}

enum sw_status sw_shp_writer_add(struct sw_shp_writer *w, const struct sw_point *p,
                                 struct sw_error *err)
{
	long long row;
	enum sw_status rc = SW_OK;

	if (w == NULL || w->finished)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_shp_writer_add: writer closed");
	if (w->n >= INT32_MAX - 1)
		return sw_error_set(err, SW_ERR_INPUT, _("%s: too many points for one shapefile"),
		                    w->final[EXT_SHP]);
	row = w->n;
	for (size_t i = 0; i < w->nf && rc == SW_OK; i++) {
		const struct wfield *f = &w->f[i];
		switch (f->src) {
		case F_ID:
			rc = put_number(w, p, f, row, p->id > 0, (double)p->id, err);
			break;
		case F_UUID:
			rc = put_text(w, p, f, row, p->uuid, err);
			break;
		case F_TYPE:
			rc = put_text(w, p, f, row, p->type, err);
			break;
		case F_STATUS:
			rc = put_text(w, p, f, row, p->status, err);
			break;
		case F_SURVEYOR:
			rc = put_text(w, p, f, row, p->surveyor, err);
			break;
		case F_OBSERVED:
			rc = put_text(w, p, f, row, p->observed_at, err);
			break;
		case F_GPSACC:
			rc = put_number(w, p, f, row, !isnan(p->gps_accuracy_m), p->gps_accuracy_m,
			                err);
			break;
		case F_NOTE:
			rc = put_text(w, p, f, row, p->note, err);
			break;
		case F_CREATED:
			rc = put_text(w, p, f, row, p->created_at, err);
			break;
		case F_UPDATED:
			rc = put_text(w, p, f, row, p->updated_at, err);
			break;
		case F_ATTR:
			rc = put_attr(w, p, f, row, err);
			break;
		}
	}
	if (rc != SW_OK)
		return rc;
	w->bx[w->nbuf] = p->x;
	w->by[w->nbuf] = p->y;
	w->bid[w->nbuf] = p->id;
	w->nbuf++;
	w->n++;
	if (w->nbuf == SHP_BATCH)
		rc = flush_points(w, err);
	return rc;
}

long long sw_shp_writer_count(const struct sw_shp_writer *w)
{
	return w ? w->n : 0;
}

const char *sw_shp_writer_operation(const struct sw_shp_writer *w, double *accuracy)
{
	if (accuracy != NULL)
		*accuracy = w ? w->acc : -1;
	return w ? w->op : NULL;
}

enum sw_status sw_shp_writer_finish(struct sw_shp_writer *w, struct sw_error *err)
{
	enum sw_status rc;
	SHPHandle shp;
	DBFHandle dbf;

	if (w == NULL)
		return SW_OK;
	if (w->finished)
		return SW_OK;
	rc = flush_points(w, err);
	if (rc != SW_OK)
		return rc;
	shp = w->shp;
	dbf = w->dbf;
	w->shp = NULL;
	w->dbf = NULL;
	w->finished = true;
	hook_reset();
	SHPClose(shp);
	if (hook_msg[0] != '\0') {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: %s"), w->tmp[EXT_SHP], hook_msg);
		DBFClose(dbf); /* abandoned with the layer, but not leaked */
		return rc;
	}
	DBFSetWriteEndOfFileChar(dbf, 1);
	DBFClose(dbf);
	if (hook_msg[0] != '\0')
		return sw_error_set(err, SW_ERR_IO, _("%s: %s"), w->tmp[EXT_DBF], hook_msg);
	if (access(w->tmp[EXT_CPG], F_OK) != 0) {
		rc = write_text_file(w->tmp[EXT_CPG], "UTF-8", err);
		if (rc != SW_OK)
			return rc;
	}
	rc = sw_style_write_qml(w->tmp[EXT_QML], w->o.forms, err);
	if (rc != SW_OK)
		return rc;
	return sw_style_write_sld(w->tmp[EXT_SLD], w->layer, w->o.forms, err);
}

enum sw_status sw_shp_writer_close(struct sw_shp_writer *w, bool commit, struct sw_error *err)
{
	enum sw_status rc = SW_OK;

	if (w == NULL)
		return SW_OK;
	if (commit) {
		rc = sw_shp_writer_finish(w, err);
		/* .shp last, so the layer appears only when its companions are there */
		for (int i = 1; i <= NEXT && rc == SW_OK; i++) {
			int k = i % NEXT; /* shx, dbf, ..., sld, then shp */
			if (rename(w->tmp[k], w->final[k]) != 0)
				rc = sw_error_set(err, SW_ERR_IO, _("cannot rename %s to %s: %s"),
				                  w->tmp[k], w->final[k], strerror(errno));
		}
		if (rc == SW_OK)
			for (size_t i = 0; i < sizeof stale_exts / sizeof stale_exts[0]; i++) {
				char *s = str_printf("%s.%s", w->stem, stale_exts[i]);
				if (s != NULL)
					unlink(s);
				free(s);
			}
	}
	if (!commit || rc != SW_OK) {
		if (w->shp != NULL)
			SHPClose(w->shp);
		if (w->dbf != NULL)
			DBFClose(w->dbf);
		w->shp = NULL;
		w->dbf = NULL;
		remove_tmp(w);
	}
	writer_free(w);
	return rc;
}
