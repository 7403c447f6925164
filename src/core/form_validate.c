/* form_validate.c - lookups in the loaded forms and statuses, parsing and
 * checking field values, and validating whole points against their form. */
#include "schouw/form.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "form_priv.h"
#include "schouw/i18n.h"
#include "schouw/norm.h"
#include "schouw/num.h"
#include "schouw/utf8.h"

/* ---- lookups ---- */

const struct sw_form *sw_forms_find(const struct sw_forms *forms, const char *type)
{
	size_t i;

	if (forms == NULL || type == NULL)
		return NULL;
	for (i = 0; i < forms->nforms; i++)
		if (strcmp(forms->forms[i].type, type) == 0)
			return &forms->forms[i];
	return NULL;
}

/* "a, b, c" into buf from n names reached through get(i). */
static void name_list(char *buf, size_t len, size_t n, const char *(*get)(const void *, size_t),
                      const void *obj)
{
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < n && used + 1 < len; i++) {
		snprintf(buf + used, len - used, "%s%s", i ? ", " : "", get(obj, i));
		used = strlen(buf);
	}
}

static const char *form_name_at(const void *o, size_t i)
{
	return ((const struct sw_forms *)o)->forms[i].type;
}

static const char *field_name_at(const void *o, size_t i)
{
	return ((const struct sw_form *)o)->fields[i].name;
}

static const char *state_name_at(const void *o, size_t i)
{
	return ((const struct sw_forms *)o)->states[i].name;
}

static const char *value_at(const void *o, size_t i)
{
	return ((const struct sw_field *)o)->values[i];
}

const struct sw_form *sw_forms_find_or_error(const struct sw_forms *forms, const char *type,
                                             struct sw_error *err)
{
	const struct sw_form *f = sw_forms_find(forms, type);
	char list[1024];

	if (f != NULL)
		return f;
	if (forms == NULL) {
		sw_error_set(err, SW_ERR_INTERNAL, "sw_forms_find_or_error: no forms");
		return NULL;
	}
	name_list(list, sizeof list, forms->nforms, form_name_at, forms);
	if (type == NULL || type[0] == '\0')
		sw_error_set(err, SW_ERR_INPUT, _("no type given; valid types: %s"), list);
	else
		sw_error_set(err, SW_ERR_INPUT, _("unknown type '%s'; valid types: %s"), type,
		             list);
	return NULL;
}

const struct sw_field *sw_form_field(const struct sw_form *form, const char *name)
{
	size_t i;

	if (form == NULL || name == NULL)
		return NULL;
	for (i = 0; i < form->nfields; i++)
		if (strcmp(form->fields[i].name, name) == 0)
			return &form->fields[i];
	return NULL;
}

const struct sw_field *sw_form_field_or_error(const struct sw_form *form, const char *name,
                                              struct sw_error *err)
{
	const struct sw_field *f = sw_form_field(form, name);
	char list[1536];

	if (f != NULL)
		return f;
	if (form == NULL) {
		sw_error_set(err, SW_ERR_INTERNAL, "sw_form_field_or_error: no form");
		return NULL;
	}
	name_list(list, sizeof list, form->nfields, field_name_at, form);
	sw_error_set(err, SW_ERR_INPUT, _("unknown field '%s' for type %s; valid fields: %s"),
	             name != NULL ? name : "", form->type, list);
	return NULL;
}

const struct sw_state_def *sw_forms_state(const struct sw_forms *forms, const char *name)
{
	size_t i;

	if (forms == NULL || name == NULL)
		return NULL;
	for (i = 0; i < forms->nstates; i++)
		if (strcmp(forms->states[i].name, name) == 0)
			return &forms->states[i];
	return NULL;
}

enum sw_status sw_forms_check_state(const struct sw_forms *forms, const char *name,
                                    struct sw_error *err)
{
	char list[1024];

	if (sw_forms_state(forms, name) != NULL)
		return SW_OK;
	if (forms == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_forms_check_state: no forms");
	name_list(list, sizeof list, forms->nstates, state_name_at, forms);
	if (name == NULL || name[0] == '\0')
		return sw_error_set(err, SW_ERR_INPUT, _("no status given; valid statuses: %s"),
		                    list);
	return sw_error_set(err, SW_ERR_INPUT, _("unknown status '%s'; valid statuses: %s"), name,
	                    list);
}

/* ---- statuses and enum values by their labels ---- */

static bool is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Equal ignoring case; beyond ASCII by Unicode case folding (GLib), so a
 * label with an accent matches too ("Geïnspecteerd"). */
static bool label_eq(const char *a, const char *b)
{
	char *fa, *fb;
	bool eq;

	if (a == NULL || b == NULL)
		return false;
	if (is_ascii(a) && is_ascii(b))
		return strcasecmp(a, b) == 0;
	if (!g_utf8_validate(a, -1, NULL) || !g_utf8_validate(b, -1, NULL))
		return strcmp(a, b) == 0;
	fa = g_utf8_casefold(a, -1);
	fb = g_utf8_casefold(b, -1);
	eq = fa != NULL && fb != NULL && strcmp(fa, fb) == 0;
	g_free(fa);
	g_free(fb);
	return eq;
}

const struct sw_state_def *sw_forms_state_find(const struct sw_forms *forms, const char *text,
                                               bool *by_label)
{
	const struct sw_state_def *found = NULL;
	char *t;
	size_t i;

	if (by_label != NULL)
		*by_label = false;
	if (forms == NULL || text == NULL)
		return NULL;
	found = sw_forms_state(forms, text);
	if (found != NULL)
		return found;
	t = sw_form_trimmed(text);
	if (t == NULL)
		return NULL;
	for (i = 0; i < forms->nstates && found == NULL; i++)
		if (strcasecmp(forms->states[i].name, t) == 0)
			found = &forms->states[i];
	for (i = 0; i < forms->nstates && found == NULL; i++) {
		if (label_eq(forms->states[i].label_nl, t) ||
		    label_eq(forms->states[i].label_en, t)) {
			found = &forms->states[i];
			if (by_label != NULL)
				*by_label = true;
		}
	}
	if (found != NULL && by_label != NULL && strcmp(found->name, t) != 0)
		*by_label = true;
	free(t);
	return found;
}

const struct sw_state_def *sw_forms_read_state(const struct sw_forms *forms, const char *text,
                                               bool *by_label, struct sw_error *err)
{
	const struct sw_state_def *st = sw_forms_state_find(forms, text, by_label);
	char list[1536];
	size_t used = 0, i;

	if (st != NULL)
		return st;
	if (forms == NULL) {
		sw_error_set(err, SW_ERR_INTERNAL, "sw_forms_read_state: no forms");
		return NULL;
	}
	list[0] = '\0';
	for (i = 0; i < forms->nstates && used + 1 < sizeof list; i++) {
		snprintf(list + used, sizeof list - used, "%s%s (%s, %s)", i ? ", " : "",
		         forms->states[i].name, forms->states[i].label_nl,
		         forms->states[i].label_en);
		used = strlen(list);
	}
	if (text == NULL || text[0] == '\0')
		sw_error_set(err, SW_ERR_INPUT, _("no status given; valid statuses: %s"), list);
	else
		sw_error_set(err, SW_ERR_INPUT,
		             _("unknown status '%s'; valid statuses (or their labels): %s"), text,
		             list);
	return NULL;
}

enum sw_status sw_forms_all_fields(const struct sw_forms *forms, const struct sw_field ***out,
                                   size_t *n, struct sw_error *err)
{
	const struct sw_field **all;
	size_t total = 0, count = 0, i, j, k;

	if (forms == NULL || out == NULL || n == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_forms_all_fields: NULL argument");
	for (i = 0; i < forms->nforms; i++)
		total += forms->forms[i].nfields;
	all = calloc(total > 0 ? total : 1, sizeof *all);
	if (all == NULL)
		return sw_error_nomem(err);
	for (i = 0; i < forms->nforms; i++) {
		for (j = 0; j < forms->forms[i].nfields; j++) {
			const struct sw_field *f = &forms->forms[i].fields[j];

			for (k = 0; k < count; k++)
				if (strcmp(all[k]->name, f->name) == 0)
					break;
			if (k == count)
				all[count++] = f;
		}
	}
	*out = all;
	*n = count;
	return SW_OK;
}

/* ---- values ---- */

static const char *unit_suffix(const struct sw_field *f, char *buf, size_t len)
{
	if (f->unit == NULL)
		buf[0] = '\0';
	else
		snprintf(buf, len, " (%s)", f->unit);
	return buf;
}

static enum sw_status check_range(const struct sw_field *f, double d, struct sw_error *err)
{
	char a[40], b[40], u[64];

	if (!isfinite(d))
		return sw_error_set(err, SW_ERR_INPUT, _("%s: expected a finite number"), f->name);
	if (f->has_min && d < f->min) {
		sw_num_format(d, a);
		sw_num_format(f->min, b);
		return sw_error_set(err, SW_ERR_INPUT, _("%s: %s is below the minimum %s%s"),
		                    f->name, a, b, unit_suffix(f, u, sizeof u));
	}
	if (f->has_max && d > f->max) {
		sw_num_format(d, a);
		sw_num_format(f->max, b);
		return sw_error_set(err, SW_ERR_INPUT, _("%s: %s is above the maximum %s%s"),
		                    f->name, a, b, unit_suffix(f, u, sizeof u));
	}
	return SW_OK;
}

static enum sw_status check_enum(const struct sw_field *f, const char *s, struct sw_error *err)
{
	char list[1024];
	size_t i;

	for (i = 0; i < f->nvalues; i++)
		if (strcmp(f->values[i], s) == 0)
			return SW_OK;
	name_list(list, sizeof list, f->nvalues, value_at, f);
	return sw_error_set(err, SW_ERR_INPUT, _("%s: '%s' is not allowed; expected one of: %s"),
	                    f->name, s, list);
}

static enum sw_status check_text(const struct sw_field *f, const char *s, struct sw_error *err)
{
	size_t len = strlen(s);

	if (!sw_utf8_valid(s, len))
		return sw_error_set(err, SW_ERR_INPUT, _("%s: text is not valid UTF-8"), f->name);
	if (len > SW_TEXT_MAX)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: text is %zu bytes long, at most %d allowed"), f->name,
		                    len, SW_TEXT_MAX);
	return SW_OK;
}

enum sw_status sw_field_check(const struct sw_field *f, const struct sw_value *v,
                              struct sw_error *err)
{
	if (f == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_field_check: no field");
	if (v == NULL || v->t == SW_V_NULL)
		return SW_OK;
	switch (f->kind) {
	case SW_KIND_NUMBER:
		if (v->t == SW_V_REAL)
			return check_range(f, v->r, err);
		if (v->t == SW_V_INT)
			return check_range(f, (double)v->i, err);
		break;
	case SW_KIND_INTEGER:
		if (v->t == SW_V_INT)
			return check_range(f, (double)v->i, err);
		break;
	case SW_KIND_BOOL:
		if (v->t == SW_V_INT && (v->i == 0 || v->i == 1))
			return SW_OK;
		if (v->t == SW_V_INT)
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s: %lld is no bool; expected 0 or 1"), f->name,
			                    v->i);
		break;
	case SW_KIND_ENUM:
		if (v->t == SW_V_TEXT && v->s != NULL)
			return check_enum(f, v->s, err);
		break;
	case SW_KIND_TEXT:
		if (v->t == SW_V_TEXT && v->s != NULL)
			return check_text(f, v->s, err);
		break;
	}
	return sw_error_set(err, SW_ERR_INPUT, _("%s: expected a value of kind %s"), f->name,
	                    sw_kind_name(f->kind));
}

static const char *dim_what(enum sw_dim d)
{
	switch (d) {
	case SW_DIM_LENGTH:
		return _("a length");
	case SW_DIM_SLOPE:
		return _("a slope");
	case SW_DIM_NONE:
		break;
	}
	return _("a plain number");
}

static const char *dim_units(enum sw_dim d)
{
	return d == SW_DIM_LENGTH ? "m, cm, mm" : d == SW_DIM_SLOPE ? "%, \xe2\x80\xb0, 1:12" : "";
}

/* A number in t, plain or with a unit that fits the field's unit, in the
 * field's unit. */
static enum sw_status parse_measure(const struct sw_field *f, const char *t, double *out,
                                    struct sw_field_note *note, struct sw_error *err)
{
	const struct sw_unit *fu, *u;
	const char *rest;
	char ubuf[64];
	size_t k, len = strlen(t);
	double v, base;

	if (sw_num_parse(t, SW_NUM_COMMA | (f->kind == SW_KIND_INTEGER ? SW_NUM_WHOLE : 0), out))
		return SW_OK;
	if (strncmp(t, "1:", 2) == 0) {
		u = sw_unit_find("ratio");
		if (!sw_num_parse(t + 2, SW_NUM_COMMA | SW_NUM_TRIM, &v) || !(v > 0))
			goto not_number;
		snprintf(ubuf, sizeof ubuf, "1:N");
	} else {
		k = sw_num_scan(t, len, SW_NUM_COMMA, &v);
		if (k == 0)
			goto not_number;
		rest = t + k;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		snprintf(ubuf, sizeof ubuf, "%s", rest);
		u = sw_unit_find(ubuf);
		if (ubuf[0] == '\0')
			goto not_number;
	}
	fu = sw_unit_find(f->unit);
	if (fu == NULL || fu->dim == SW_DIM_NONE) {
		if (f->unit != NULL && f->unit[0] != '\0')
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s: '%s': expected a number in %s, without a unit"),
			                    f->name, t, f->unit);
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: '%s': expected a plain number, without a unit"), f->name,
		                    t);
	}
	if (u == NULL || u->dim != fu->dim)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: '%s': %s is not a unit of %s; expected a number in %s, "
		                      "or with a unit of %s such as %s"),
		                    f->name, t, ubuf, dim_what(fu->dim), f->unit, dim_what(fu->dim),
		                    dim_units(fu->dim));
	base = sw_unit_to_base(u, v);
	v = sw_unit_from_base(fu, base);
	if (!isfinite(v))
		return sw_error_set(err, SW_ERR_INPUT, _("%s: '%s' gives no finite number in %s"),
		                    f->name, t, f->unit);
	/* 1,20 m -> 1.2 and 0,3 cm -> 3 mm, without 3.0000000000000004 */
	if (fabs(v) < 1e6)
		v = round(v * 1e9) / 1e9;
	*out = v;
	if (note != NULL) {
		note->unit = true;
		snprintf(note->from, sizeof note->from, "%s", ubuf);
	}
	return SW_OK;
not_number:
	if (f->kind == SW_KIND_INTEGER)
		return sw_error_set(err, SW_ERR_INPUT, _("%s: '%s' is not a whole number"), f->name,
		                    t);
	return sw_error_set(err, SW_ERR_INPUT,
	                    _("%s: '%s' is not a number; expected e.g. 8.5 or 8,5"), f->name, t);
}

/* The enum value that t names: the value itself in any case, or a label. */
static const char *enum_value(const struct sw_field *f, const char *t, bool *by_label)
{
	size_t i;

	*by_label = false;
	for (i = 0; i < f->nvalues; i++)
		if (strcmp(f->values[i], t) == 0)
			return f->values[i];
	*by_label = true;
	for (i = 0; i < f->nvalues; i++)
		if (strcasecmp(f->values[i], t) == 0)
			return f->values[i];
	for (i = 0; i < f->nvalues; i++)
		if ((i < f->nvalues_nl && label_eq(f->values_nl[i], t)) ||
		    (i < f->nvalues_en && label_eq(f->values_en[i], t)))
			return f->values[i];
	*by_label = false;
	return NULL;
}

enum sw_status sw_field_parse(const struct sw_field *f, const char *text, struct sw_value *out,
                              struct sw_error *err)
{
	return sw_field_parse_noted(f, text, out, NULL, err);
}

enum sw_status sw_field_parse_noted(const struct sw_field *f, const char *text,
                                    struct sw_value *out, struct sw_field_note *note,
                                    struct sw_error *err)
{
	enum sw_status rc = SW_OK;
	struct sw_value v = {.t = SW_V_NULL};
	char *t = NULL;
	bool b;
	double d;

	if (f == NULL || out == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_field_parse: NULL argument");
	if (note != NULL)
		memset(note, 0, sizeof *note);
	sw_value_clear(out);
	if (text == NULL)
		return SW_OK;
	t = sw_form_trimmed(text);
	if (t == NULL)
		return sw_error_nomem(err);
	if (t[0] == '\0')
		goto out;
	switch (f->kind) {
	case SW_KIND_NUMBER:
		rc = parse_measure(f, t, &d, note, err);
		if (rc != SW_OK)
			goto out;
		v.t = SW_V_REAL;
		v.r = d;
		break;
	case SW_KIND_INTEGER:
		if (!sw_num_parse(t, SW_NUM_COMMA | SW_NUM_WHOLE, &d)) {
			rc = parse_measure(f, t, &d, note, err);
			if (rc != SW_OK)
				goto out;
		}
		if (d != floor(d)) {
			rc = sw_error_set(err, SW_ERR_INPUT, _("%s: '%s' is not a whole number"),
			                  f->name, t);
			goto out;
		}
		if (d < -9.0e15 || d > 9.0e15) {
			rc = sw_error_set(err, SW_ERR_INPUT, _("%s: '%s' is out of range"), f->name,
			                  t);
			goto out;
		}
		v.t = SW_V_INT;
		v.i = (long long)d;
		break;
	case SW_KIND_BOOL:
		if (!sw_form_parse_yesno(t, &b)) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: '%s' is not a yes/no value; expected true/false, "
			                    "yes/no, ja/nee or 1/0"),
			                  f->name, t);
			goto out;
		}
		v.t = SW_V_INT;
		v.i = b ? 1 : 0;
		break;
	case SW_KIND_ENUM:
		/* any case or a label; keep the form's spelling */
		{
			bool by_label;
			const char *val = enum_value(f, t, &by_label);

			if (val != NULL) {
				if (by_label && note != NULL) {
					note->label = true;
					snprintf(note->from, sizeof note->from, "%s", t);
				}
				free(t);
				t = sw_strdup(val);
				if (t == NULL) {
					rc = sw_error_nomem(err);
					goto out;
				}
			}
		}
		v.t = SW_V_TEXT;
		v.s = t;
		t = NULL;
		break;
	case SW_KIND_TEXT:
		free(t);
		t = NULL;
		v.t = SW_V_TEXT;
		v.s = sw_strdup(text);
		if (v.s == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
		break;
	}
	rc = sw_field_check(f, &v, err);
	if (rc == SW_OK) {
		*out = v;
		v.s = NULL;
	}
out:
	free(t);
	free(v.s);
	return rc;
}

/* ---- whole points ---- */

/* form's field called name, looked for from *hint on and around: a point's
 * measurements mostly come in field order, so this is one strcmp each. */
static const struct sw_field *field_from(const struct sw_form *form, const char *name, size_t *hint)
{
	size_t k, j;

	for (k = 0; k < form->nfields; k++) {
		j = (*hint + k) % form->nfields;
		if (strcmp(form->fields[j].name, name) == 0) {
			*hint = j + 1;
			return &form->fields[j];
		}
	}
	return NULL;
}

enum sw_status sw_form_validate(const struct sw_forms *forms, const struct sw_point *p,
                                struct sw_error *err)
{
	const struct sw_form *form;
	enum sw_status rc;
	size_t i, hint = 0;

	if (forms == NULL || p == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_form_validate: NULL argument");
	form = sw_forms_find_or_error(forms, p->type, err);
	if (form == NULL)
		return SW_ERR_INPUT;
	rc = sw_forms_check_state(forms, p->status, err);
	if (rc != SW_OK)
		return rc;
	if (!isfinite(p->x) || !isfinite(p->y))
		return sw_error_set(err, SW_ERR_INPUT, "%s",
		                    _("coordinates must be finite numbers"));
	for (i = 0; i < p->nattrs; i++) {
		const struct sw_field *f = field_from(form, p->attrs[i].name, &hint);

		if (f == NULL && (f = sw_form_field_or_error(form, p->attrs[i].name, err)) == NULL)
			return SW_ERR_INPUT;
		rc = sw_field_check(f, &p->attrs[i].v, err);
		if (rc != SW_OK)
			return rc;
	}
	for (i = 0; i < form->nfields; i++) {
		const struct sw_value *v;

		if (!form->fields[i].required)
			continue;
		v = sw_point_get_attr(p, form->fields[i].name);
		if (v == NULL || v->t == SW_V_NULL)
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("required field '%s' of type %s is missing"),
			                    form->fields[i].name, form->type);
	}
	return SW_OK;
}
