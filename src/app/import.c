/* import.c - records from any reader -> validated points in the store. */
#include "schouw/import.h"
#include "schouw/num.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <nettle/sha2.h>
#include <uuid/uuid.h>

#include "schouw/crs.h"
#include "schouw/csv.h"
#include "schouw/i18n.h"
#include "schouw/norm.h"
#include "schouw/num.h"
#include "schouw/when.h"

/* The fixed namespace of derived point uuids (a random v4, never change it:
 * re-imports match on the uuids derived with it). */
static const char schouw_ns[] = "6f3b2c1e-8d4a-4f5e-9b7c-2a1d0e9f8c7b";

/* Coordinates closer than this to the stored ones count as unchanged: an
 * export rounds RD to mm at worst. */
#define SAME_POS_M 0.0005

/* ---- column names ---- */

enum key_role {
	K_UNKNOWN = 0,
	K_IGNORE,
	K_COORD,
	K_UUID,
	K_TYPE,
	K_STATUS,
	K_SURVEYOR,
	K_OBSERVED,
	K_NOTE,
	K_ACC,
	K_FIELD
};

struct name_role {
	const char *name;
	int role;
};

static const struct name_role key_names[] = {
    {"uuid", K_UUID},
    {"guid", K_UUID},
    {"type", K_TYPE},
    {"soort", K_TYPE},
    {"status", K_STATUS},
    {"surveyor", K_SURVEYOR},
    {"by", K_SURVEYOR},
    {"landmeter", K_SURVEYOR},
    {"schouwer", K_SURVEYOR},
    {"observed_at", K_OBSERVED},
    {"time", K_OBSERVED},
    {"datum", K_OBSERVED},
    {"date", K_OBSERVED},
    {"tijd", K_OBSERVED},
    {"note", K_NOTE},
    {"notes", K_NOTE},
    {"opmerking", K_NOTE},
    {"opmerkingen", K_NOTE},
    {"desc", K_NOTE},
    {"description", K_NOTE},
    {"omschrijving", K_NOTE},
    {"gps_accuracy_m", K_ACC},
    {"hdop", K_ACC},
    {"accuracy", K_ACC},
    {"nauwkeurigheid", K_ACC},
    /* bookkeeping of exports and reject files, and GPX extras */
    {"id", K_IGNORE},
    {"fid", K_IGNORE},
    {"ogc_fid", K_IGNORE},
    {"objectid", K_IGNORE},
    {"created_at", K_IGNORE},
    {"updated_at", K_IGNORE},
    {"line", K_IGNORE},
    {"reason", K_IGNORE},
    {"ele", K_IGNORE},
    {"sym", K_IGNORE},
};

/* Role of a column; *field is set for K_FIELD. */
static enum key_role key_role(const struct sw_field *const *fields, size_t nfields,
                              const char *name, const struct sw_field **field)
{
	size_t i;

	*field = NULL;
	if (name == NULL)
		return K_IGNORE;
	if (sw_exchange_coord_role(name) != SW_COORD_NONE)
		return K_COORD;
	for (i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (sw_exchange_name_is(name, key_names[i].name))
			return (enum key_role)key_names[i].role;
	for (i = 0; i < nfields; i++) {
		if (sw_exchange_name_is(name, fields[i]->name)) {
			*field = fields[i];
			return K_FIELD;
		}
	}
	return K_UNKNOWN;
}

/* ---- reasons of a rejected row ---- */

struct reasons {
	char buf[SW_ERROR_MSG_MAX];
	size_t len;
	int n;
};

static void reason_add(struct reasons *rs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void reason_add(struct reasons *rs, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (rs->len + 3 >= sizeof rs->buf)
		return;
	if (rs->n > 0) {
		memcpy(rs->buf + rs->len, "; ", 3);
		rs->len += 2;
	}
	va_start(ap, fmt);
	k = vsnprintf(rs->buf + rs->len, sizeof rs->buf - rs->len, fmt, ap);
	va_end(ap);
	if (k > 0)
		rs->len +=
		    (size_t)k < sizeof rs->buf - rs->len ? (size_t)k : sizeof rs->buf - rs->len - 1;
	rs->n++;
}

static bool empty(const char *s)
{
	if (s == NULL)
		return true;
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

/* ---- what was read other than as written ---- */

static void note_add(struct sw_import_report *rep, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Count one interpreted cell under key; the first of a kind keeps its text
 * (with its example). Memory trouble only loses the note, never the row. */
static void note_add(struct sw_import_report *rep, const char *key, const char *fmt, ...)
{
	struct sw_import_note *grown;
	char text[512];
	va_list ap;
	size_t i;

	if (rep == NULL)
		return;
	for (i = 0; i < rep->nnotes; i++) {
		if (strcmp(rep->notes[i].key, key) == 0) {
			rep->notes[i].n++;
			return;
		}
	}
	if (rep->nnotes >= SW_IMPORT_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	grown = realloc(rep->notes, (rep->nnotes + 1) * sizeof *grown);
	if (grown == NULL)
		return;
	rep->notes = grown;
	grown[rep->nnotes].key = sw_strdup(key);
	grown[rep->nnotes].text = sw_strdup(text);
	grown[rep->nnotes].n = 1;
	if (grown[rep->nnotes].key == NULL || grown[rep->nnotes].text == NULL) {
		free(grown[rep->nnotes].key);
		free(grown[rep->nnotes].text);
		return;
	}
	rep->nnotes++;
}

static void note_field(struct sw_import_report *rep, const struct sw_field *f, const char *cell,
                       const struct sw_value *v, const struct sw_field_note *fn)
{
	char key[256], val[SW_NUM_BUF];

	if (rep == NULL)
		return;
	if (fn->label) {
		rep->labels_mapped++;
		snprintf(key, sizeof key, "label:%s:%s", f->name, fn->from);
		note_add(rep, key, _("%s: '%s' read as %s"), f->name, fn->from,
		         v->s != NULL ? v->s : "");
	} else if (fn->unit) {
		rep->units_converted++;
		if (v->t == SW_V_INT)
			snprintf(val, sizeof val, "%lld", v->i);
		else
			sw_num_format(v->r, val);
		snprintf(key, sizeof key, "unit:%s:%s", f->name, fn->from);
		if (sw_unit_find(fn->from) == sw_unit_find(f->unit))
			note_add(rep, key, _("%s: the unit %s written in the cell (e.g. '%s' -> %s)"),
			         f->name, fn->from, cell, val);
		else
			note_add(rep, key, _("%s: values in %s converted to %s (e.g. '%s' -> %s)"),
			         f->name, fn->from, f->unit != NULL ? f->unit : "", cell, val);
	}
}

/* ---- record -> point ---- */

struct roles {
	size_t n;
	char **keys; /* owned copies of the keys these roles were computed for */
	enum key_role *role;
	const struct sw_field **field;
	size_t cap;
	/* ffield[k * n + i]: column i's field in form k of forms (NULL: not
	 * one of its fields), so a row never looks its fields up by name */
	const struct sw_field **ffield;
	const struct sw_forms *forms;
};

static enum sw_status compute_roles(struct roles *ro, const struct sw_forms *forms,
                                    const struct sw_field *const *fields, size_t nfields,
                                    const struct sw_record *r, struct sw_error *err)
{
	size_t i, k;

	for (i = 0; i < ro->n; i++)
		free(ro->keys[i]);
	ro->n = 0;
	if (r->n > ro->cap) {
		enum key_role *nr = realloc(ro->role, r->n * sizeof *nr);
		const struct sw_field **nf;
		char **nk;
		if (nr == NULL)
			return sw_error_nomem(err);
		ro->role = nr;
		nf = realloc(ro->field, r->n * sizeof *nf);
		if (nf == NULL)
			return sw_error_nomem(err);
		ro->field = nf;
		nk = realloc(ro->keys, r->n * sizeof *nk);
		if (nk == NULL)
			return sw_error_nomem(err);
		ro->keys = nk;
		ro->cap = r->n;
	}
	for (i = 0; i < r->n; i++) {
		ro->keys[i] = sw_strdup(r->keys[i] != NULL ? r->keys[i] : "");
		if (ro->keys[i] == NULL)
			return sw_error_nomem(err);
		ro->n = i + 1;
		ro->role[i] = key_role(fields, nfields, r->keys[i], &ro->field[i]);
	}
	free(ro->ffield);
	ro->ffield = NULL;
	ro->forms = forms;
	if (forms == NULL || forms->nforms == 0 || r->n == 0)
		return SW_OK;
	ro->ffield = calloc(forms->nforms * r->n, sizeof *ro->ffield);
	if (ro->ffield == NULL)
		return sw_error_nomem(err);
	for (k = 0; k < forms->nforms; k++)
		for (i = 0; i < r->n; i++)
			if (ro->role[i] == K_FIELD)
				ro->ffield[k * r->n + i] =
				    sw_form_field(&forms->forms[k], ro->field[i]->name);
	return SW_OK;
}

/* Column i's field in form (resolved once per key set). */
static const struct sw_field *col_field(const struct roles *ro, const struct sw_form *form,
                                        size_t i)
{
	if (ro->ffield != NULL && form >= ro->forms->forms &&
	    form < ro->forms->forms + ro->forms->nforms)
		return ro->ffield[(size_t)(form - ro->forms->forms) * ro->n + i];
	return sw_form_field(form, ro->field[i]->name);
}

static void roles_free(struct roles *ro)
{
	size_t i;

	for (i = 0; i < ro->n; i++)
		free(ro->keys[i]);
	free(ro->keys);
	free(ro->role);
	free(ro->field);
	free(ro->ffield);
	memset(ro, 0, sizeof *ro);
}

static const char *first_val(const struct sw_record *r, const struct roles *ro, enum key_role k,
                             bool *present)
{
	size_t i;

	*present = false;
	for (i = 0; i < r->n; i++) {
		if (ro->role[i] == k) {
			*present = true;
			if (!empty(r->vals[i]))
				return r->vals[i];
		}
	}
	return NULL;
}

/* A copy of s without surrounding blanks (caller frees). */
static char *trimmed(const char *s)
{
	size_t n;
	char *d;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	d = malloc(n + 1);
	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static enum sw_status set_trimmed(char **member, const char *s, struct sw_error *err)
{
	char *t;
	enum sw_status rc;

	if (s == NULL || s[0] == '\0')
		return sw_point_set_str(member, s, err);
	if (s[0] != ' ' && s[0] != '\t') {
		size_t n = strlen(s);

		if (s[n - 1] != ' ' && s[n - 1] != '\t') /* nothing to trim: one copy */
			return sw_point_set_str(member, s, err);
	}
	t = trimmed(s);
	if (t == NULL)
		return sw_error_nomem(err);
	rc = sw_point_set_str(member, t, err);
	free(t);
	return rc;
}

/* gps_accuracy_m is parsed like a form field (decimal comma, any locale). */
static struct sw_field accuracy_field = {
    .name = (char *)"gps_accuracy_m",
    .label_nl = (char *)"GPS-nauwkeurigheid",
    .label_en = (char *)"GPS accuracy",
    .kind = SW_KIND_NUMBER,
    .unit = (char *)"m",
    .has_min = true,
    .min = 0,
};

/* The heart of sw_import_apply_record, with the column roles precomputed.
 * Adds every problem to rs; returns only hard errors (memory). */
static enum sw_status apply(const struct sw_forms *forms, const struct sw_import_opts *o,
                            const struct sw_record *r, const struct roles *ro, struct sw_point *p,
                            bool fresh, struct reasons *rs, struct sw_import_report *rep,
                            struct sw_error *err)
{
	const struct sw_form *form = NULL;
	struct sw_error e = {0};
	struct sw_value v = {0};
	enum sw_status rc = SW_OK;
	const char *s;
	bool present;
	size_t i;

	/* type first: it names the form the fields belong to */
	s = first_val(r, ro, K_TYPE, &present);
	if (s != NULL) {
		if ((rc = set_trimmed(&p->type, s, err)) != SW_OK)
			goto out;
	} else if (fresh) {
		if ((rc = sw_point_set_str(&p->type, o->default_type, err)) != SW_OK)
			goto out;
	}
	if (p->type == NULL) {
		reason_add(rs, "%s", _("type: missing; add a 'type' column or pass --type TYPE"));
	} else {
		form = sw_forms_find_or_error(forms, p->type, &e);
		if (form == NULL)
			reason_add(rs, "type: %s", e.msg);
	}
	if (form != NULL && !fresh) {
		/* a changed type drops the measurements its form does not have */
		for (i = p->nattrs; i-- > 0;)
			if (sw_form_field(form, p->attrs[i].name) == NULL &&
			    (rc = sw_point_set_attr(p, p->attrs[i].name, NULL, err)) != SW_OK)
				goto out;
	}

	s = first_val(r, ro, K_UUID, &present);
	if (s != NULL && fresh) {
		char tb[64], *t = tb;
		size_t n;

		while (*s == ' ' || *s == '\t')
			s++;
		n = strlen(s);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n >= sizeof tb) /* not a uuid; the message quotes it whole */
			t = malloc(n + 1);
		if (t == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
		memcpy(t, s, n);
		t[n] = '\0';
		if (sw_uuid_valid(t)) {
			for (i = 0; i < SW_UUID_LEN; i++)
				p->uuid[i] = (char)tolower((unsigned char)t[i]);
			p->uuid[SW_UUID_LEN] = '\0';
		} else {
			reason_add(rs,
			           _("uuid: expected 36 characters like "
			             "0b8e4f5c-2a71-4c39-9d0e-5f6a7b8c9d0e, got '%s'"),
			           t);
		}
		if (t != tb)
			free(t);
	}

	s = first_val(r, ro, K_STATUS, &present);
	if (s != NULL) {
		bool by_label = false;
		const struct sw_state_def *st = sw_forms_read_state(forms, s, &by_label, &e);

		if (st == NULL) {
			reason_add(rs, "status: %s", e.msg);
		} else {
			if ((rc = sw_point_set_str(&p->status, st->name, err)) != SW_OK)
				goto out;
			if (by_label && rep != NULL) {
				char key[256], *t = trimmed(s);

				rep->labels_mapped++;
				snprintf(key, sizeof key, "label:status:%s", t != NULL ? t : s);
				note_add(rep, key, _("status: '%s' read as %s"), t != NULL ? t : s,
				         st->name);
				free(t);
			}
		}
	} else if (fresh) {
		if ((rc = sw_point_set_str(
		         &p->status, o->default_status != NULL ? o->default_status : "planned",
		         err)) != SW_OK)
			goto out;
		if (p->status != NULL && sw_forms_check_state(forms, p->status, &e) != SW_OK)
			reason_add(rs, "status: %s", e.msg);
	}

	s = first_val(r, ro, K_SURVEYOR, &present);
	if (s != NULL || present || fresh) {
		if (s == NULL && fresh)
			s = o->default_surveyor;
		if ((rc = set_trimmed(&p->surveyor, s, err)) != SW_OK)
			goto out;
	}

	s = first_val(r, ro, K_OBSERVED, &present);
	if (s != NULL) {
		char iso[SW_TIME_BUF];
		unsigned fl = 0;

		sw_error_clear(&e);
		if (sw_time_parse(s, r->day_first, iso, &fl, &e) != SW_OK) {
			reason_add(rs, "observed_at: %s", e.msg);
		} else {
			if ((rc = sw_point_set_str(&p->observed_at, iso, err)) != SW_OK)
				goto out;
			if (rep != NULL && (fl & SW_TIME_ZONE_ASSUMED)) {
				rep->zones_assumed++;
				note_add(rep, "zone:observed_at",
				         _("observed_at: times without a zone read as %s time and "
				           "stored with their offset (e.g. '%s' -> %s)"),
				         SW_TIME_ZONE, s, iso);
			}
			if (rep != NULL && (fl & SW_TIME_DAY_FIRST)) {
				rep->dates_day_first++;
				note_add(rep, "dmy:observed_at",
				         _("observed_at: dates read as day-month-year (e.g. '%s' "
				           "-> %s)"),
				         s, iso);
			}
		}
	} else if (present) {
		if ((rc = sw_point_set_str(&p->observed_at, NULL, err)) != SW_OK)
			goto out;
	}

	s = first_val(r, ro, K_NOTE, &present);
	if (s != NULL || present) {
		/* notes keep their blanks */
		if ((rc = sw_point_set_str(&p->note, s, err)) != SW_OK)
			goto out;
	}

	s = first_val(r, ro, K_ACC, &present);
	if (s != NULL) {
		sw_error_clear(&e);
		if (sw_field_parse(&accuracy_field, s, &v, &e) == SW_OK && v.t == SW_V_REAL)
			p->gps_accuracy_m = v.r;
		else if (e.code == SW_ERR_NOMEM)
			rc = sw_error_nomem(err);
		else
			reason_add(rs, "%s", e.msg);
		sw_value_clear(&v);
		if (rc != SW_OK)
			goto out;
	} else if (present) {
		p->gps_accuracy_m = NAN;
	}

	for (i = 0; i < r->n; i++) {
		const struct sw_field *f;
		struct sw_field_note fn;

		if (ro->role[i] != K_FIELD)
			continue;
		if (empty(r->vals[i])) {
			if (!fresh &&
			    (rc = sw_point_set_attr(p, ro->field[i]->name, NULL, err)) != SW_OK)
				goto out;
			continue;
		}
		if (form == NULL)
			continue;
		f = col_field(ro, form, i);
		if (f == NULL) {
			reason_add(rs, _("%s: not a field of form '%s' (value '%s')"),
			           ro->field[i]->name, form->type, r->vals[i]);
			continue;
		}
		sw_error_clear(&e);
		if (sw_field_parse_noted(f, r->vals[i], &v, &fn, &e) != SW_OK) {
			if (e.code == SW_ERR_NOMEM) {
				rc = sw_error_nomem(err);
				goto out;
			}
			reason_add(rs, "%s", e.msg);
			continue;
		}
		note_field(rep, f, r->vals[i], &v, &fn);
		rc = sw_point_set_attr(p, f->name, &v, err);
		sw_value_clear(&v);
		if (rc != SW_OK)
			goto out;
	}
	if (r->has_xy) {
		p->x = r->x;
		p->y = r->y;
	}
out:
	sw_value_clear(&v);
	return rc;
}

enum sw_status sw_import_apply_record(const struct sw_forms *forms, const struct sw_import_opts *o,
                                      const struct sw_record *r, struct sw_point *p, bool fresh,
                                      struct sw_error *err)
{
	const struct sw_field **fields = NULL;
	struct roles ro = {0};
	struct reasons rs = {0};
	struct sw_import_opts none = {0};
	enum sw_status rc;
	size_t nfields = 0;

	if (o == NULL)
		o = &none;
	rc = sw_forms_all_fields(forms, &fields, &nfields, err);
	if (rc != SW_OK)
		goto out;
	rc = compute_roles(&ro, forms, fields, nfields, r, err);
	if (rc != SW_OK)
		goto out;
	rc = apply(forms, o, r, &ro, p, fresh, &rs, NULL, err);
	if (rc == SW_OK && rs.n > 0)
		rc = sw_error_set(err, SW_ERR_INPUT, "%s", rs.buf);
out:
	roles_free(&ro);
	free(fields);
	return rc;
}

/* "%.3f" of k / 1000 for a coordinate rounded to mm (k = round(v * 1000)):
 * written from k without printf (printf was a tenth of an import's time). */
static size_t mm_text(double k, double v, char *out, size_t len)
{
	if (fabs(k) < 1e15)
		return sw_num_format_scaled((long long)k, 3, out);
	return sw_num_format_fixed(v, 3, out, len);
}

/* Append at most max bytes of s (up to its NUL) to buf holding n bytes,
 * keeping room for a NUL; the new length. */
static size_t name_put(char *buf, size_t cap, size_t n, const char *s, size_t max)
{
	size_t k = strnlen(s, max);

	if (k > cap - 1 - n)
		k = cap - 1 - n;
	memcpy(buf + n, s, k);
	return n + k;
}

void sw_import_derive_uuid(const char *type, double x, double y, const char *observed_at,
                           const char *surveyor, char *buf)
{
	/* the namespace parsed once: this runs for every row of a big import */
	static uuid_t ns;
	static bool have_ns;
	char name[1024], tx[400], ty[400];
	size_t lx, ly, n;
	uuid_t u;

	if (!have_ns) {
		uuid_parse(schouw_ns, ns);
		have_ns = true;
	}
	/* round half away from zero to mm, with "-0.000" folded into "0.000" */
	double kx = round(x * 1000.0) + 0.0, ky = round(y * 1000.0) + 0.0;

	lx = mm_text(kx, kx / 1000.0, tx, sizeof tx);
	ly = mm_text(ky, ky / 1000.0, ty, sizeof ty);
	/* "type|x|y|observed_at|surveyor", cut at sizeof name - 1 like the
	 * snprintf it replaces (a tenth of the validate stage) */
	n = 0;
	n = name_put(name, sizeof name, n, type != NULL ? type : "", SIZE_MAX);
	n = name_put(name, sizeof name, n, "|", 1);
	n = name_put(name, sizeof name, n, tx, lx);
	n = name_put(name, sizeof name, n, "|", 1);
	n = name_put(name, sizeof name, n, ty, ly);
	n = name_put(name, sizeof name, n, "|", 1);
	n = name_put(name, sizeof name, n, observed_at != NULL ? observed_at : "", SIZE_MAX);
	n = name_put(name, sizeof name, n, "|", 1);
	n = name_put(name, sizeof name, n, surveyor != NULL ? surveyor : "", SIZE_MAX);
	uuid_generate_sha1(u, ns, name, n);
	uuid_unparse_lower(u, buf);
}

/* ---- the importer ---- */

/* CPU time of this process, for the stage figures of the report. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Monotonic time: a vDSO call, not a system call like the CPU clock, so
 * cheap enough to take twice per row. */
static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Memory for the rows of one batch: chunks handed out in order and all
 * reused by the next batch, so a row's copy costs no malloc. */
struct arena_chunk {
	struct arena_chunk *next;
	size_t cap, used;
	max_align_t data[];
};

struct arena {
	struct arena_chunk *first, *cur;
};

#define ARENA_CHUNK ((size_t)1 << 20)

static void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	while (a->cur != NULL && a->cur->used + n > a->cur->cap) {
		a->cur = a->cur->next;
		if (a->cur != NULL)
			a->cur->used = 0;
	}
	if (a->cur == NULL) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		struct arena_chunk **tail = &a->first;

		c = malloc(sizeof *c + cap);
		if (c == NULL)
			return NULL;
		c->next = NULL;
		c->cap = cap;
		c->used = 0;
		while (*tail != NULL)
			tail = &(*tail)->next;
		*tail = c;
		a->cur = c;
	}
	c = a->cur;
	c->used += n;
	return (char *)c->data + c->used - n;
}

/* Forget everything handed out; keep the chunks. */
static void arena_reset(struct arena *a)
{
	a->cur = a->first;
	if (a->cur != NULL)
		a->cur->used = 0;
}

static void arena_free(struct arena *a)
{
	while (a->first != NULL) {
		struct arena_chunk *c = a->first;

		a->first = c->next;
		free(c);
	}
	a->cur = NULL;
}

struct rec_copy {
	char *block; /* everything below lives in this block of the batch arena */
	struct sw_record r;
};

struct item {
	struct sw_point p;
	struct rec_copy rc;
	int crs;       /* index into im->crs; -1: none */
	char *reasons; /* problems found reading the row; a known uuid may still update */
	char *fatal;   /* problems no stored point can mend */
};

struct crs_entry {
	char *src;
	struct sw_crs *crs; /* NULL: RD already */
	bool geographic;
	size_t rep; /* index into report.transforms */
};

struct sw_importer {
	struct sw_store *store;
	const struct sw_forms *forms;
	struct sw_import_opts o;
	const struct sw_field **fields;
	size_t nfields;
	struct roles roles;
	bool in_tx, finished, broken;
	bool fresh_store; /* no points when the import began */

	struct item *items;
	size_t nitems;

	struct crs_entry *crs;
	size_t ncrs;

	double *tx, *ty;
	bool *tfail;
	size_t *tidx;

	struct arena rows; /* the record copies of the current batch */

	struct sw_import_report rep;
	/* Stage times: the CPU clock is a system call, so it is read once per
	 * batch and its time split between reading and validating in the
	 * ratio of the monotonic time spent in each. */
	double t_mark;        /* CPU time at the last split */
	double w_mark;        /* monotonic time when schouw last left the reader */
	double w_read, w_val; /* monotonic time in each since t_mark */
};

static enum sw_status rec_copy(struct arena *a, struct rec_copy *c, const struct sw_record *r,
                               struct sw_error *err)
{
	size_t total = 0, i;
	char **keys, **vals;
	char *p;

#define LEN(s) ((s) != NULL ? strlen(s) + 1 : 0)
	total += 2 * r->n * sizeof(char *);
	total += LEN(r->file) + LEN(r->pos_kind) + LEN(r->crs);
	for (i = 0; i < r->n; i++)
		total += LEN(r->keys[i]) + LEN(r->vals[i]);
	c->block = arena_alloc(a, total > 0 ? total : 1);
	if (c->block == NULL)
		return sw_error_nomem(err);
	keys = (char **)(void *)c->block;
	vals = keys + r->n;
	p = (char *)(vals + r->n);
#define PUT(dst, s)                                                                                \
	do {                                                                                       \
		if ((s) != NULL) {                                                                 \
			size_t l_ = strlen(s) + 1;                                                 \
			memcpy(p, (s), l_);                                                        \
			(dst) = p;                                                                 \
			p += l_;                                                                   \
		} else {                                                                           \
			(dst) = NULL;                                                              \
		}                                                                                  \
	} while (0)
	c->r = *r;
	PUT(c->r.file, r->file);
	PUT(c->r.pos_kind, r->pos_kind);
	PUT(c->r.crs, r->crs);
	for (i = 0; i < r->n; i++) {
		PUT(keys[i], r->keys[i]);
		PUT(vals[i], r->vals[i]);
	}
#undef PUT
#undef LEN
	c->r.keys = (const char *const *)keys;
	c->r.vals = (const char *const *)vals;
	return SW_OK;
}

enum sw_status sw_importer_new(struct sw_store *s, const struct sw_forms *f,
                               const struct sw_import_opts *o, struct sw_importer **out,
                               struct sw_error *err)
{
	struct sw_importer *im;
	enum sw_status rc;

	*out = NULL;
	im = calloc(1, sizeof *im);
	if (im == NULL)
		return sw_error_nomem(err);
	im->store = s;
	im->forms = f;
	if (o != NULL)
		im->o = *o;
	if (im->o.who == NULL)
		im->o.who = "import";
	im->items = calloc(SW_IMPORT_BATCH, sizeof *im->items);
	im->tx = malloc(SW_IMPORT_BATCH * sizeof *im->tx);
	im->ty = malloc(SW_IMPORT_BATCH * sizeof *im->ty);
	im->tfail = malloc(SW_IMPORT_BATCH * sizeof *im->tfail);
	im->tidx = malloc(SW_IMPORT_BATCH * sizeof *im->tidx);
	if (im->items == NULL || im->tx == NULL || im->ty == NULL || im->tfail == NULL ||
	    im->tidx == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	rc = sw_forms_all_fields(f, &im->fields, &im->nfields, err);
	if (rc != SW_OK)
		goto out;
	rc = im->o.bulk ? sw_store_bulk_begin(s, err) : sw_store_begin(s, err);
	if (rc != SW_OK)
		goto out;
	im->in_tx = true;
	im->t_mark = cpu_now();
	im->w_mark = wall_now();
	{
		long long n = -1;

		rc = sw_store_count(s, NULL, &n, err);
		if (rc != SW_OK)
			goto out;
		im->fresh_store = n == 0;
	}
out:
	if (rc != SW_OK) {
		sw_importer_free(im);
		return rc;
	}
	*out = im;
	return SW_OK;
}

static bool same_keys(const struct roles *ro, const struct sw_record *r)
{
	size_t i;

	if (ro->keys == NULL || ro->n != r->n)
		return false;
	for (i = 0; i < r->n; i++)
		if (strcmp(ro->keys[i], r->keys[i] != NULL ? r->keys[i] : "") != 0)
			return false;
	return true;
}

static void where(char *buf, size_t len, const struct sw_record *r)
{
	if (r->pos_kind == NULL || strcmp(r->pos_kind, "line") == 0)
		snprintf(buf, len, "%s:%ld", r->file != NULL ? r->file : "-", r->pos);
	else
		snprintf(buf, len, "%s: %s %ld", r->file != NULL ? r->file : "-", r->pos_kind,
		         r->pos);
}

/* Check the columns of a record whose key set we have not seen yet. */
static enum sw_status check_columns(struct sw_importer *im, const struct sw_record *r,
                                    struct sw_error *err)
{
	char names[SW_ERROR_MSG_MAX / 2] = "";
	const char *first = NULL;
	enum sw_status rc;
	size_t i, len = 0, nunk = 0;

	rc = compute_roles(&im->roles, im->forms, im->fields, im->nfields, r, err);
	if (rc != SW_OK)
		return rc;
	for (i = 0; i < r->n; i++) {
		if (im->roles.role[i] != K_UNKNOWN)
			continue;
		if (first == NULL)
			first = r->keys[i];
		if (len + 8 < sizeof names) {
			int k = snprintf(names + len, sizeof names - len, "%s'%s'",
			                 nunk > 0 ? ", " : "", r->keys[i]);
			if (k > 0)
				len += (size_t)k < sizeof names - len ? (size_t)k
				                                      : sizeof names - len - 1;
		}
		nunk++;
	}
	if (nunk > 0)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: unknown column %s: neither a known column (uuid, type, "
		                      "status, surveyor, observed_at, note, gps_accuracy_m, "
		                      "coordinates) nor a field of any form; rename it with --map "
		                      "%s=FIELD or leave it out with --map %s=-"),
		                    r->file != NULL ? r->file : "-", names, first, first);
	return SW_OK;
}

static enum sw_status report_reject(struct sw_importer *im, const struct sw_record *r,
                                    const char *reason, struct sw_error *err)
{
	char pos[512];

	im->rep.rejected++;
	if (im->rep.nmessages < SW_IMPORT_MAX_MESSAGES) {
		size_t n;
		char *m;
		char **grown;

		where(pos, sizeof pos, r);
		n = strlen(pos) + strlen(reason) + 3;
		m = malloc(n);
		if (m == NULL)
			return sw_error_nomem(err);
		snprintf(m, n, "%s: %s", pos, reason);
		grown = realloc(im->rep.messages, (im->rep.nmessages + 1) * sizeof *grown);
		if (grown == NULL) {
			free(m);
			return sw_error_nomem(err);
		}
		im->rep.messages = grown;
		im->rep.messages[im->rep.nmessages++] = m;
	}
	if (im->o.reject != NULL)
		im->o.reject(im->o.reject_ud, r, reason);
	return SW_OK;
}

static bool crs_is_rd_name(const char *crs)
{
	return strcasecmp(crs, SW_CRS_RD) == 0;
}

/* The transformation for a source CRS, opened once. */
static enum sw_status crs_index(struct sw_importer *im, const char *src, int *idx,
                                struct sw_error *err)
{
	struct crs_entry *grown;
	struct sw_import_transform *tg;
	struct crs_entry e = {0};
	enum sw_status rc = SW_OK;
	char *ident = NULL;
	size_t i;

	for (i = 0; i < im->ncrs; i++) {
		if (strcmp(im->crs[i].src, src) == 0) {
			*idx = (int)i;
			return SW_OK;
		}
	}
	e.src = sw_strdup(src);
	if (e.src == NULL)
		return sw_error_nomem(err);
	if (!crs_is_rd_name(src)) {
		/* WKT from a .prj may well be RD New itself */
		if (strncasecmp(src, "EPSG:", 5) != 0 &&
		    sw_crs_identify(src, &ident, NULL) == SW_OK && ident != NULL &&
		    crs_is_rd_name(ident)) {
			/* nothing to transform */
		} else {
			rc = sw_crs_new(src, SW_CRS_RD, &e.crs, err);
			if (rc != SW_OK) {
				sw_error_prefix(err, _("source CRS %.200s: "), src);
				goto out;
			}
			e.geographic = strcasecmp(src, "EPSG:4326") == 0 ||
			               strcasecmp(src, "EPSG:4258") == 0 ||
			               strcasecmp(src, "OGC:CRS84") == 0;
		}
	}
	grown = realloc(im->crs, (im->ncrs + 1) * sizeof *grown);
	if (grown == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	im->crs = grown;
	tg = realloc(im->rep.transforms, (im->rep.ntransforms + 1) * sizeof *tg);
	if (tg == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	im->rep.transforms = tg;
	memset(&tg[im->rep.ntransforms], 0, sizeof *tg);
	tg[im->rep.ntransforms].src_crs = sw_strdup(src);
	tg[im->rep.ntransforms].accuracy = e.crs == NULL ? 0 : -1;
	if (tg[im->rep.ntransforms].src_crs == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	e.rep = im->rep.ntransforms++;
	im->crs[im->ncrs] = e;
	*idx = (int)im->ncrs++;
	e.src = NULL;
	e.crs = NULL;
out:
	free(ident);
	free(e.src);
	sw_crs_free(e.crs);
	return rc;
}

/* Why a position outside the Netherlands is probably wrong. */
static void nl_reason(struct reasons *rs, const struct item *it, const struct crs_entry *ce)
{
	const struct sw_record *r = &it->rc.r;

	if (ce->geographic) {
		if (sw_wgs84_in_nl(r->y, r->x))
			reason_add(rs,
			           _("lat %.7g, lon %.7g lies outside the Netherlands; lat and lon "
			             "look swapped"),
			           r->y, r->x);
		else
			reason_add(rs,
			           _("lat %.7g, lon %.7g lies outside the Netherlands (about "
			             "50.7-53.6 N, 3.2-7.3 E)"),
			           r->y, r->x);
	} else if (ce->crs == NULL) {
		if (sw_rd_in_nl(r->y, r->x))
			reason_add(rs,
			           _("x %.10g, y %.10g lies outside the Netherlands; x and y look "
			             "swapped"),
			           r->x, r->y);
		else if (sw_wgs84_in_nl(r->x, r->y) || sw_wgs84_in_nl(r->y, r->x))
			reason_add(rs,
			           _("x %.10g, y %.10g look like degrees, not RD New metres: name "
			             "the columns lat and lon, or pass --crs EPSG:4326"),
			           r->x, r->y);
		else
			reason_add(rs,
			           _("x %.10g, y %.10g lies outside the Netherlands (RD New x "
			             "0-280000, y 300000-625000 m); if these are not RD New "
			             "coordinates, pass --crs EPSG:n"),
			           r->x, r->y);
	} else {
		reason_add(rs,
		           _("(%.10g, %.10g) in %.100s lies outside the Netherlands: RD New x "
		             "%.1f, y %.1f"),
		           r->x, r->y, ce->src, it->p.x, it->p.y);
	}
}

static bool str_eq(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static bool points_equal(const struct sw_point *a, const struct sw_point *b)
{
	size_t i;

	if (!str_eq(a->type, b->type) || !str_eq(a->status, b->status) ||
	    !str_eq(a->surveyor, b->surveyor) || !str_eq(a->observed_at, b->observed_at) ||
	    !str_eq(a->note, b->note) || a->x != b->x || a->y != b->y)
		return false;
	if (!(a->gps_accuracy_m == b->gps_accuracy_m ||
	      (isnan(a->gps_accuracy_m) && isnan(b->gps_accuracy_m))))
		return false;
	if (a->nattrs != b->nattrs)
		return false;
	for (i = 0; i < a->nattrs; i++)
		if (!sw_value_equal(&a->attrs[i].v, sw_point_get_attr(b, a->attrs[i].name)))
			return false;
	return true;
}

/* Insert, update or leave one point whose coordinates are in RD New now.
 * Problems of the row go to rs; the return is for hard errors only. */
static enum sw_status place(struct sw_importer *im, struct item *it, struct reasons *rs,
                            struct sw_error *err)
{
	const struct sw_record *r = &it->rc.r;
	struct sw_point stored, merged;
	struct sw_error e = {0};
	enum sw_status rc = SW_OK;

	sw_point_init(&stored);
	sw_point_init(&merged);
	if (r->has_xy && !sw_rd_in_nl(it->p.x, it->p.y)) {
		nl_reason(rs, it, &im->crs[it->crs]);
		goto out;
	}
	if (it->p.uuid[0] == '\0') {
		if (it->reasons != NULL) {
			reason_add(rs, "%s", it->reasons);
			goto out;
		}
		sw_import_derive_uuid(it->p.type, it->p.x, it->p.y, it->p.observed_at,
		                      it->p.surveyor, it->p.uuid);
	}
	if (im->fresh_store && it->reasons == NULL) {
		/* into a store that was empty nearly every row is new: insert
		 * first, and look the uuid up only when it is taken (a row
		 * repeated in the file) */
		if (sw_form_validate(im->forms, &it->p, &e) != SW_OK) {
			reason_add(rs, "%s", e.msg);
			goto out;
		}
		rc = sw_store_insert(im->store, &it->p, im->o.who, &e);
		if (rc == SW_OK) {
			im->rep.inserted++;
			goto out;
		}
		if (rc != SW_ERR_INPUT) {
			*err = e;
			goto out;
		}
	}
	rc = sw_store_get_by_uuid(im->store, it->p.uuid, &stored, &e);
	if (rc == SW_ERR_NOTFOUND) {
		rc = SW_OK;
		if (it->reasons != NULL) {
			reason_add(rs, "%s", it->reasons);
			goto out;
		}
		if (sw_form_validate(im->forms, &it->p, &e) != SW_OK) {
			reason_add(rs, "%s", e.msg);
			goto out;
		}
		rc = sw_store_insert(im->store, &it->p, im->o.who, err);
		if (rc == SW_ERR_INPUT) {
			reason_add(rs, "%s", err ? err->msg : "");
			rc = SW_OK;
			goto out;
		}
		if (rc == SW_OK)
			im->rep.inserted++;
		goto out;
	}
	if (rc != SW_OK) {
		*err = e;
		goto out;
	}
	/* a known point: what the row has overrides the stored values */
	rc = sw_point_copy(&merged, &stored, err);
	if (rc != SW_OK)
		goto out;
	if (!same_keys(&im->roles, r)) {
		rc = compute_roles(&im->roles, im->forms, im->fields, im->nfields, r, err);
		if (rc != SW_OK)
			goto out;
	}
	rc = apply(im->forms, &im->o, r, &im->roles, &merged, false, rs, NULL, err);
	if (rc != SW_OK || rs->n > 0)
		goto out;
	merged.x = stored.x;
	merged.y = stored.y;
	if (r->has_xy &&
	    (fabs(it->p.x - stored.x) > SAME_POS_M || fabs(it->p.y - stored.y) > SAME_POS_M)) {
		merged.x = it->p.x;
		merged.y = it->p.y;
	}
	if (points_equal(&merged, &stored)) {
		im->rep.unchanged++;
		goto out;
	}
	if (sw_form_validate(im->forms, &merged, &e) != SW_OK) {
		reason_add(rs, "%s", e.msg);
		goto out;
	}
	{
		size_t nchanged = 0;

		rc = sw_store_update(im->store, &merged, im->o.who, &nchanged, err);
		if (rc == SW_ERR_INPUT) {
			reason_add(rs, "%s", err ? err->msg : "");
			rc = SW_OK;
			goto out;
		}
		if (rc == SW_OK) {
			if (nchanged > 0)
				im->rep.updated++;
			else
				im->rep.unchanged++;
		}
	}
out:
	sw_point_clear(&stored);
	sw_point_clear(&merged);
	return rc;
}

static enum sw_status transform_batch(struct sw_importer *im, struct sw_error *err)
{
	enum sw_status rc = SW_OK;
	size_t i, j, k, m;

	for (k = 0; k < im->ncrs; k++) {
		struct crs_entry *ce = &im->crs[k];
		struct sw_import_transform *t = &im->rep.transforms[ce->rep];
		const char *op;

		m = 0;
		for (i = 0; i < im->nitems; i++) {
			struct item *it = &im->items[i];

			if (it->fatal != NULL || it->crs != (int)k || !it->rc.r.has_xy)
				continue;
			t->npoints++;
			if (ce->crs == NULL)
				continue; /* RD already */
			im->tx[m] = it->p.x;
			im->ty[m] = it->p.y;
			im->tidx[m] = i;
			im->tfail[m] = false;
			m++;
		}
		if (m == 0)
			continue;
		rc = sw_crs_trans(ce->crs, im->tx, im->ty, m, im->tfail, err);
		if (rc != SW_OK)
			return rc;
		op = sw_crs_operation(ce->crs);
		if (op != NULL && !str_eq(op, t->operation)) {
			free(t->operation);
			t->operation = sw_strdup(op);
			if (t->operation == NULL)
				return sw_error_nomem(err);
		}
		t->accuracy = sw_crs_accuracy(ce->crs);
		for (j = 0; j < m; j++) {
			struct item *it = &im->items[im->tidx[j]];

			if (im->tfail[j]) {
				char msg[512];

				snprintf(
				    msg, sizeof msg,
				    _("(%.10g, %.10g) in %.100s cannot be transformed to RD New"),
				    it->rc.r.x, it->rc.r.y, ce->src);
				it->fatal = sw_strdup(msg);
				if (it->fatal == NULL)
					return sw_error_nomem(err);
				t->npoints--;
				continue;
			}
			it->p.x = im->tx[j];
			it->p.y = im->ty[j];
		}
	}
	return SW_OK;
}

static void items_clear(struct sw_importer *im)
{
	size_t i;

	for (i = 0; i < im->nitems; i++) {
		sw_point_clear(&im->items[i].p);
		free(im->items[i].reasons);
		free(im->items[i].fatal);
	}
	im->nitems = 0;
	arena_reset(&im->rows);
}

static enum sw_status flush_batch(struct sw_importer *im, struct sw_error *err)
{
	enum sw_status rc;
	size_t i;

	double t0 = cpu_now(), w = wall_now(), wsum;

	/* the reader's time up to here, then split the CPU time since the
	 * last split between reading and validating */
	im->w_read += w - im->w_mark;
	wsum = im->w_read + im->w_val;
	if (wsum > 0) {
		im->rep.cpu_read += (t0 - im->t_mark) * im->w_read / wsum;
		im->rep.cpu_validate += (t0 - im->t_mark) * im->w_val / wsum;
	} else {
		im->rep.cpu_read += t0 - im->t_mark;
	}
	im->w_read = im->w_val = 0;
	rc = transform_batch(im, err);
	for (i = 0; rc == SW_OK && i < im->nitems; i++) {
		struct item *it = &im->items[i];
		struct reasons rs = {0};

		if (it->fatal != NULL)
			reason_add(&rs, "%s", it->fatal);
		else
			rc = place(im, it, &rs, err);
		if (rc == SW_OK && rs.n > 0)
			rc = report_reject(im, &it->rc.r, rs.buf, err);
	}
	items_clear(im);
	im->t_mark = cpu_now();
	im->w_mark = wall_now();
	im->rep.cpu_store += im->t_mark - t0;
	return rc;
}

static enum sw_status set_text(char **dst, const struct reasons *rs, struct sw_error *err)
{
	if (rs->n == 0)
		return SW_OK;
	*dst = sw_strdup(rs->buf);
	return *dst == NULL ? sw_error_nomem(err) : SW_OK;
}

enum sw_status sw_importer_record_cb(const struct sw_record *r, void *importer,
                                     struct sw_error *err)
{
	struct sw_importer *im = importer;
	struct reasons rs = {0}, fatal = {0};
	struct item *it;
	enum sw_status rc;
	double t0;
	int ci = -1;
	size_t i;

	if (im->broken || im->finished)
		return sw_error_set(err, SW_ERR_INTERNAL, "importer used after an error");
	if (!same_keys(&im->roles, r)) {
		rc = check_columns(im, r, err);
		if (rc != SW_OK)
			goto out;
	}
	it = &im->items[im->nitems];
	memset(it, 0, sizeof *it);
	sw_point_init(&it->p);
	it->crs = -1;
	im->nitems++;
	im->rep.rows++;
	rc = rec_copy(&im->rows, &it->rc, r, err);
	if (rc != SW_OK)
		goto out;
	t0 = wall_now();
	im->w_read += t0 - im->w_mark;
	rc = apply(im->forms, &im->o, r, &im->roles, &it->p, true, &rs, &im->rep, err);
	if (rc != SW_OK)
		goto out;
	if (!r->has_xy) {
		for (i = 0; i < r->n; i++)
			if (sw_exchange_coord_role(r->keys[i]) != SW_COORD_NONE && !empty(r->vals[i]))
				reason_add(&fatal, _("%s: expected a number, got '%s'"), r->keys[i],
				           r->vals[i]);
		if (fatal.n == 0)
			reason_add(&rs, "%s", _("no coordinates"));
	} else if (r->crs == NULL) {
		reason_add(&fatal, "%s", _("coordinates without a CRS; pass --crs EPSG:n"));
	} else {
		rc = crs_index(im, r->crs, &ci, err);
		if (rc != SW_OK)
			goto out;
		it->crs = ci;
		if (im->crs[ci].geographic && (fabs(r->x) > 180 || fabs(r->y) > 90)) {
			if (sw_rd_in_nl(r->x, r->y) || sw_rd_in_nl(r->y, r->x))
				reason_add(&fatal,
				           _("lat %.10g, lon %.10g look like RD New metres, not "
				             "degrees: name the columns x and y, or pass --crs "
				             "EPSG:28992"),
				           r->y, r->x);
			else
				reason_add(&fatal,
				           _("lat %.10g, lon %.10g: expected degrees (lat -90..90, "
				             "lon -180..180)"),
				           r->y, r->x);
		}
	}
	if ((rc = set_text(&it->reasons, &rs, err)) != SW_OK ||
	    (rc = set_text(&it->fatal, &fatal, err)) != SW_OK)
		goto out;
	im->w_mark = wall_now();
	im->w_val += im->w_mark - t0;
	if (im->nitems == SW_IMPORT_BATCH)
		rc = flush_batch(im, err);
out:
	if (rc != SW_OK)
		im->broken = true;
	return rc;
}

enum sw_status sw_importer_finish(struct sw_importer *im, struct sw_error *err)
{
	enum sw_status rc = SW_OK;

	if (im == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_importer_finish: NULL importer");
	if (im->finished)
		return SW_OK;
	if (im->broken) {
		rc = sw_error_set(err, SW_ERR_INTERNAL, "importer used after an error");
		goto out;
	}
	rc = flush_batch(im, err);
	if (rc != SW_OK)
		goto out;
	if (im->rep.rejected > 0 && !im->o.skip_invalid) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%lld of %lld rows rejected; nothing imported (fix them, or "
		                    "pass --skip-invalid REJECTS to import the others)"),
		                  im->rep.rejected, im->rep.rows);
		goto out;
	}
	if (im->o.dry_run)
		goto out;
	{
		double t0 = cpu_now();

		rc = sw_store_commit(im->store, err); /* a bulk import: the R-tree too */
		im->rep.cpu_rtree += cpu_now() - t0;
	}
	if (rc != SW_OK)
		goto out;
	im->in_tx = false;
	im->rep.committed = true;
out:
	im->finished = true;
	if (im->in_tx) {
		sw_store_rollback(im->store);
		im->in_tx = false;
	}
	if (rc != SW_OK)
		im->broken = true;
	return rc;
}

const struct sw_import_report *sw_importer_report(const struct sw_importer *im)
{
	return im != NULL ? &im->rep : NULL;
}

void sw_importer_free(struct sw_importer *im)
{
	size_t i;

	if (im == NULL)
		return;
	if (im->in_tx)
		sw_store_rollback(im->store);
	if (im->items != NULL)
		items_clear(im);
	free(im->items);
	free(im->tx);
	free(im->ty);
	free(im->tfail);
	free(im->tidx);
	for (i = 0; i < im->ncrs; i++) {
		free(im->crs[i].src);
		sw_crs_free(im->crs[i].crs);
	}
	free(im->crs);
	for (i = 0; i < im->rep.ntransforms; i++) {
		free(im->rep.transforms[i].src_crs);
		free(im->rep.transforms[i].operation);
	}
	free(im->rep.transforms);
	for (i = 0; i < im->rep.nmessages; i++)
		free(im->rep.messages[i]);
	free(im->rep.messages);
	for (i = 0; i < im->rep.nnotes; i++) {
		free(im->rep.notes[i].key);
		free(im->rep.notes[i].text);
	}
	free(im->rep.notes);
	roles_free(&im->roles);
	arena_free(&im->rows);
	free(im->fields);
	free(im);
}

/* ---- the reject file ---- */

struct rejects {
	const char *path;
	struct sw_csv_out *out;
	char **header; /* the columns of the first rejected row, then line, reason */
	size_t ncols;
	const char **cells;
	enum sw_csv_dialect dialect; /* that of the input, so Excel users can open it */
	struct sw_error err;
	bool failed;
	sw_reject_fn chain; /* the caller's reject callback, called after the file's */
	void *chain_ud;
};

static void rejects_open(struct rejects *rj, const struct sw_record *r)
{
	const char *pos = r != NULL && r->pos_kind != NULL ? r->pos_kind : "line";
	size_t n = r != NULL ? r->n : 0, i;

	rj->header = calloc(n + 2, sizeof *rj->header);
	rj->cells = calloc(n + 2, sizeof *rj->cells);
	if (rj->header == NULL || rj->cells == NULL) {
		sw_error_set(&rj->err, SW_ERR_NOMEM, "%s", _("out of memory"));
		rj->failed = true;
		return;
	}
	for (i = 0; i < n; i++)
		rj->header[i] = strdup(r->keys[i] != NULL ? r->keys[i] : "");
	rj->header[n] = strdup(pos);
	rj->header[n + 1] = strdup("reason");
	rj->ncols = n + 2;
	for (i = 0; i < rj->ncols; i++) {
		if (rj->header[i] == NULL) {
			sw_error_set(&rj->err, SW_ERR_NOMEM, "%s", _("out of memory"));
			rj->failed = true;
			return;
		}
	}
	if (sw_csv_out_open(rj->path, rj->dialect, &rj->out, &rj->err) != SW_OK ||
	    sw_csv_out_row(rj->out, rj->ncols, (const char *const *)rj->header, &rj->err) != SW_OK)
		rj->failed = true;
}

static void on_reject(void *ud, const struct sw_record *r, const char *reason)
{
	struct rejects *rj = ud;
	char pos[32];
	size_t i, k;

	if (rj->chain != NULL)
		rj->chain(rj->chain_ud, r, reason);
	if (rj->path == NULL || rj->failed)
		return;
	if (rj->out == NULL) {
		rejects_open(rj, r);
		if (rj->failed)
			return;
	}
	/* by name, since GeoJSON features may differ in their properties */
	for (i = 0; i + 2 < rj->ncols; i++) {
		rj->cells[i] = NULL;
		for (k = 0; k < r->n; k++) {
			if (r->keys[k] != NULL && strcmp(r->keys[k], rj->header[i]) == 0) {
				rj->cells[i] = r->vals[k];
				break;
			}
		}
	}
	snprintf(pos, sizeof pos, "%ld", r->pos);
	rj->cells[rj->ncols - 2] = pos;
	rj->cells[rj->ncols - 1] = reason;
	if (sw_csv_out_row(rj->out, rj->ncols, rj->cells, &rj->err) != SW_OK)
		rj->failed = true;
}

static enum sw_status rejects_close(struct rejects *rj, bool commit)
{
	enum sw_status rc = SW_OK;
	size_t i;

	if (rj->path != NULL && commit && !rj->failed && rj->out == NULL) {
		/* nothing rejected: still replace an older file */
		static const char *const hdr[] = {"line", "reason"};
		if (sw_csv_out_open(rj->path, rj->dialect, &rj->out, &rj->err) != SW_OK ||
		    sw_csv_out_row(rj->out, 2, hdr, &rj->err) != SW_OK)
			rj->failed = true;
	}
	if (rj->failed)
		commit = false;
	if (sw_csv_out_close(rj->out, commit, &rj->err) != SW_OK)
		rj->failed = true;
	rj->out = NULL;
	if (rj->failed && rj->path != NULL) {
		rc = rj->err.code != SW_OK ? rj->err.code : SW_ERR_IO;
		sw_error_prefix(&rj->err, "--skip-invalid %s: ", rj->path);
	}
	for (i = 0; rj->header != NULL && i < rj->ncols; i++)
		free(rj->header[i]);
	free(rj->header);
	free(rj->cells);
	rj->header = NULL;
	rj->cells = NULL;
	return rc;
}

enum sw_status sw_import_rejects_check(const char *rejects, const char *input,
                                       struct sw_error *err)
{
	struct stat a, b;
	char *dir = strdup(rejects);
	char *slash;
	enum sw_status rc = SW_OK;

	if (dir == NULL)
		return sw_error_nomem(err);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK) != 0)
		rc = sw_error_set(err, SW_ERR_INPUT, _("--skip-invalid %s: cannot write in '%s'"),
		                  rejects, dir);
	free(dir);
	if (rc == SW_OK && stat(rejects, &a) == 0 && stat(input, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("--skip-invalid %s: that is the input file; name another file"),
		                  rejects);
	return rc;
}

/* ---- one file, any format ---- */

const struct sw_format *sw_import_format(const char *path)
{
	const struct sw_format *f = sw_format_by_ext(path, SW_FORMAT_READ);

	if (f == NULL)
		f = sw_format_sniff(path);
	if (f == NULL || !sw_format_can(f, SW_FORMAT_READ))
		f = sw_format_by_name("csv", SW_FORMAT_READ); /* its reader reports an open error */
	return f;
}

static long count_lines(const char *path)
{
	char buf[65536];
	long n = 0;
	size_t k;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return 0;
	while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
		const char *p = buf, *end = buf + k;
		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			n++;
			p++;
		}
	}
	fclose(f);
	return n;
}

/* The SHA-256 of a file in hex for the import record; false when it cannot
 * be read (the record then has none). */
static bool sha256_file(const char *path, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	unsigned char buf[1 << 16];
	size_t k;
	bool ok;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return false;
	sha256_init(&ctx);
	while ((k = fread(buf, 1, sizeof buf, f)) > 0)
		sha256_update(&ctx, k, buf);
	ok = !ferror(f);
	fclose(f);
	sha256_digest(&ctx, sizeof d, d);
	for (size_t i = 0; i < sizeof d; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
	return ok;
}

/* A bulk load rebuilds the whole R-tree once, which pays off when the file
 * is big and not small next to the store. Rows are guessed from the size. */
static bool want_bulk(struct sw_store *store, const char *path)
{
	struct stat st;
	long long npoints = 0, rows;

	if (stat(path, &st) != 0)
		return false;
	/* a shapefile's .shp holds 28 bytes a point, a CSV line about 64 */
	rows = (long long)st.st_size / (strlen(path) > 4 && strcasecmp(path + strlen(path) - 4, ".shp") == 0 ? 28 : 64);
	if (rows < 20000 || sw_store_count(store, NULL, &npoints, NULL) != SW_OK)
		return false;
	return rows >= npoints / 2;
}

static enum sw_status feed_record(const struct sw_record *r, void *ud, struct sw_error *err)
{
	struct sw_importer *im = ud;

	if (im->o.progress != NULL)
		im->o.progress(im->o.progress_ud, r->pos, 0);
	return sw_importer_record_cb(r, im, err);
}

enum sw_status sw_import_file(struct sw_store *s, const struct sw_forms *f, const char *path,
                              const struct sw_format *fmt, const struct sw_read_opts *ro,
                              const struct sw_import_opts *o, struct sw_importer **out,
                              struct sw_error *err)
{
	struct sw_import_opts io = *o;
	struct sw_read_opts rd = {0};
	struct sw_read_stats stats = {0};
	struct sw_importer *im = NULL;
	struct rejects rj = {.path = o->rejects_path, .chain = o->reject, .chain_ud = o->reject_ud};
	enum sw_status rc;

	*out = NULL;
	if (fmt == NULL)
		fmt = sw_import_format(path);
	if (!sw_format_can(fmt, SW_FORMAT_READ))
		return sw_error_set(err, SW_ERR_INTERNAL, "import: format %s has no reader",
		                    fmt != NULL ? fmt->name : "(none)");
	/* rejects in the dialect of the input, so Excel users can open them */
	rj.dialect = fmt->dialect_of != NULL ? fmt->dialect_of(path) : SW_CSV_RFC4180;
	io.reject = on_reject;
	io.reject_ud = &rj;
	if (io.progress != NULL)
		io.progress(io.progress_ud, 0, (fmt->flags & SW_FORMAT_LINES) ? count_lines(path) : 0);
	io.bulk = want_bulk(s, path);
	rc = sw_importer_new(s, f, &io, &im, err);
	if (rc != SW_OK)
		goto out;
	if (io.bulk) {
		/* the history of a bulk import points to one import record */
		char sha[65];

		rc = sw_store_bulk_source(s, path, sha256_file(path, sha) ? sha : NULL, fmt->name,
		                          im->o.who, err);
		if (rc != SW_OK)
			goto out;
	}
	/* the reader counts what it leaves out for the report */
	if (ro != NULL)
		rd = *ro;
	rd.stats = &stats;
	rc = fmt->read(path, &rd, feed_record, im, err);
	im->rep.ignored_rows = stats.empty_rows;
	im->rep.ignored_columns = stats.empty_columns;
	if (rc != SW_OK)
		goto out;
	im->rep.read_all = true;
	rc = sw_importer_finish(im, err);
	if (rc == SW_OK && rejects_close(&rj, true) != SW_OK) {
		im->rep.rejects_failed = true;
		*err = rj.err;
		rc = err->code;
	}
out:
	rejects_close(&rj, false);
	*out = im;
	return rc;
}
