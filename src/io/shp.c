/* shp.c - ESRI shapefile exchange through shapelib: the I/O hooks and
 * helpers the shp_*.c files share, and the atomic streaming writer. The
 * DBF name mapping is in shp_names.c, the structure checks in shp_check.c,
 * the reader in shp_read.c. */
#include "schouw/shp.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <shapefil.h>

#include "schouw/crs.h"
#include "schouw/i18n.h"
#include "schouw/num.h"
#include "schouw/style.h"
#include "schouw/utf8.h"
#include "shp_priv.h"

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
	/* stdio's buffer: a DBF is read record by record, so 64 KiB per
	 * system call, not 4 KiB */
	char buf[1 << 16];
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
	setvbuf(h->f, h->buf, _IOFBF, sizeof h->buf);
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

void sw_shp_hooks_init(SAHooks *h)
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

void sw_shp_hook_reset(void)
{
	hook_msg[0] = '\0';
}

const char *sw_shp_hook_text(void)
{
	return hook_msg[0] ? hook_msg : _("unknown shapelib error");
}

/* ------------------------------------------------------------------------ */
/* small helpers */

char *sw_shp_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* ------------------------------------------------------------------------ */
/* file helpers */

bool sw_shp_ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

void sw_shp_warn(sw_warn_fn fn, void *ud, const char *fmt, ...)
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
	sw_shp_hook_reset();
	f->idx = DBFAddField(w->dbf, f->dbf, ft, width, dec);
	if (f->idx < 0)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot add DBF field %s: %s"),
		                    w->tmp[EXT_DBF], f->dbf, sw_shp_hook_text());
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
	w->f = calloc(sw_shp_nfixed + nflds + 1, sizeof *w->f); /* + photos */
	if (w->f == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < forms->nforms; i++)
		wtype = max_len(wtype, forms->forms[i].type);
	for (size_t i = 0; i < forms->nstates; i++)
		wstatus = max_len(wstatus, forms->states[i].name);

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
	if (w->o.photos)
		ADD("photos", F_ATTR, SW_KIND_TEXT, FTString, SW_DBF_TEXT_MAX, 0);
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
	if (!sw_shp_ends_with_ci(path, ".shp") || strlen(path) <= 4) {
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
		w->final[i] = sw_shp_printf("%s.%s", w->stem, exts[i]);
		w->tmp[i] = sw_shp_printf("%s.tmp-%ld.%s", w->stem, (long)getpid(), exts[i]);
		if (w->final[i] == NULL || w->tmp[i] == NULL) {
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
			goto out;
		}
	}
	rc = sw_crs_esri_wkt(w->target, &wkt, err);
	if (rc != SW_OK)
		goto out;
	if (!is_rd(o->crs)) {
		rc = sw_crs_new(SW_CRS_RD, w->target, &w->crs, err);
		if (rc != SW_OK)
			goto out;
	}
	sw_shp_hooks_init(&hooks);
	sw_shp_hook_reset();
	w->shp = SHPCreateLL(w->tmp[EXT_SHP], SHPT_POINT, &hooks);
	if (w->shp == NULL) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot create: %s"), w->tmp[EXT_SHP],
		                  hook_msg[0] ? hook_msg : strerror(errno));
		goto out;
	}
	sw_shp_hook_reset();
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

	sw_shp_hook_reset();
	if (s == NULL || *s == '\0') {
		ok = DBFWriteNULLAttribute(w->dbf, (int)row, f->idx);
	} else {
		len = strlen(s);
		keep = sw_utf8_cut(s, strlen(s), (size_t)f->width);
		if (keep < len) {
			memcpy(w->cut, s, keep);
			w->cut[keep] = '\0';
			sw_shp_warn(
			    w->o.warn, w->o.warn_ud,
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
		                    w->tmp[EXT_DBF], row + 1, f->dbf, sw_shp_hook_text());
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
				sw_shp_warn(
				    w->o.warn, w->o.warn_ud,
				    _("point %s: field %s: %g does not fit an integer DBF field of "
				      "width %d; left empty"),
				    point_ref(p, ref, sizeof ref), f->name, v, f->width);
				has = false;
			}
		} else if (sw_num_format_fixed(v, f->dec, buf, sizeof buf) > (size_t)f->width) {
			sw_shp_warn(
			    w->o.warn, w->o.warn_ud,
			    _("point %s: field %s: %g does not fit a DBF number of width %d; left "
			      "empty"),
			    point_ref(p, ref, sizeof ref), f->name, v, f->width);
			has = false;
		}
	} else {
		has = false;
	}
	sw_shp_hook_reset();
	if (!has)
		ok = DBFWriteNULLAttribute(w->dbf, (int)row, f->idx);
	else if (f->ft == FTInteger)
		ok = DBFWriteIntegerAttribute(w->dbf, (int)row, f->idx, (int)v);
	else
		ok = DBFWriteDoubleAttribute(w->dbf, (int)row, f->idx, v);
	if (!ok)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot write record %lld, field %s: %s"),
		                    w->tmp[EXT_DBF], row + 1, f->dbf, sw_shp_hook_text());
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
		sw_shp_hook_reset();
		id = SHPWriteObject(w->shp, -1, obj);
		SHPDestroyObject(obj);
		if (id < 0 || hook_msg[0] != '\0') {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot write point %lld: %s"),
			                  w->tmp[EXT_SHP], w->bid[i], sw_shp_hook_text());
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
	sw_shp_hook_reset();
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
				char *s = sw_shp_printf("%s.%s", w->stem, stale_exts[i]);
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