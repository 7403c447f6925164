/* norm_eval.c - the rule engine: judges one point against a compiled
 * profile, and describes the findings. Rules are grouped by element type
 * once (norm.c), so judging a point walks only its type's rules and never
 * allocates.
 */
#include "schouw/norm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/i18n.h"

/* ---- checking ----------------------------------------------------------- */

enum sw_status sw_verdict_init(struct sw_verdict *v, const struct sw_profile *prof,
                               struct sw_error *err)
{
	memset(v, 0, sizeof *v);
	v->cap = prof->max_rules_per_type > 0 ? prof->max_rules_per_type : 1;
	v->findings = calloc(v->cap, sizeof *v->findings);
	return v->findings ? SW_OK : sw_error_nomem(err);
}

void sw_verdict_clear(struct sw_verdict *v)
{
	if (v == NULL)
		return;
	free(v->findings);
	memset(v, 0, sizeof *v);
}

/* Equal within measuring noise: 1400 mm and 1.4 m are the same. */
static inline double tol(double b)
{
	return 1e-9 * (fabs(b) > 1 ? fabs(b) : 1);
}

static inline bool cmp(enum sw_norm_op op, double a, double b)
{
	double e = tol(b);

	switch (op) {
	case SW_NOP_LE:
		return a <= b + e;
	case SW_NOP_GE:
		return a >= b - e;
	case SW_NOP_LT:
		return a < b - e;
	case SW_NOP_GT:
		return a > b + e;
	case SW_NOP_EQ:
		return fabs(a - b) <= e;
	case SW_NOP_NE:
		return fabs(a - b) > e;
	default:
		return false;
	}
}

static inline bool value_num(const struct sw_value *v, const struct sw_unit *u, double *out)
{
	double x;

	if (v->t == SW_V_REAL)
		x = v->r;
	else if (v->t == SW_V_INT)
		x = (double)v->i;
	else
		return false;
	*out = u->mul == 1 && u->div == 1 ? x : x * u->mul / u->div;
	return true;
}

/* -1: cannot tell (missing or wrong type), 0 false, 1 true. */
static int cond_holds(const struct sw_norm_cond *c, const struct sw_point *p)
{
	const struct sw_value *v = sw_point_get_attr(p, c->field);
	double x;

	if (v == NULL || v->t == SW_V_NULL)
		return -1;
	if (c->kind == SW_KIND_ENUM || c->kind == SW_KIND_TEXT) {
		bool eq;
		if (v->t != SW_V_TEXT || v->s == NULL)
			return -1;
		eq = strcmp(v->s, c->text) == 0;
		return (c->op == SW_NOP_EQ) == eq;
	}
	if (c->kind == SW_KIND_BOOL) {
		if (v->t != SW_V_INT)
			return -1;
		return cmp(c->op, v->i != 0 ? 1 : 0, c->num);
	}
	if (!value_num(v, c->field_unit, &x))
		return -1;
	return cmp(c->op, x, c->num);
}

static struct sw_finding *add(struct sw_verdict *v, const struct sw_rule *r, enum sw_outcome o)
{
	struct sw_finding *f;

	if (v->nfindings >= v->cap)
		return NULL; /* cannot happen: cap is the most rules of one type */
	f = &v->findings[v->nfindings++];
	f->rule = r;
	f->outcome = o;
	f->has_measured = false;
	f->measured = NAN;
	f->nearest_m = NAN;
	f->text = NULL;
	f->missing = NULL;
	if (o == SW_OUT_INCOMPLETE) {
		v->nincomplete++;
	} else if (o == SW_OUT_FAIL) {
		if (r->severity == SW_SEV_ERROR)
			v->nfail++;
		else
			v->nwarn++;
	}
	return f;
}

static enum sw_status check_rule(const struct sw_rule *r, const struct sw_point *p,
                                 sw_norm_near_fn near, void *near_ud, struct sw_verdict *v,
                                 struct sw_error *err)
{
	const struct sw_value *val;
	struct sw_finding *f;
	double x = 0;
	bool ok;

	for (size_t i = 0; i < r->nconds; i++) {
		int h = cond_holds(&r->conds[i], p);
		if (h < 0) {
			f = add(v, r, SW_OUT_INCOMPLETE);
			if (f != NULL)
				f->missing = r->conds[i].field;
			v->nrules++;
			return SW_OK;
		}
		if (h == 0)
			return SW_OK;
	}
	v->nrules++;
	if (r->op == SW_NOP_WITHIN) {
		size_t found = 0;
		double nearest = NAN;
		enum sw_status rc;
		if (near == NULL || !isfinite(p->x) || !isfinite(p->y)) {
			f = add(v, r, SW_OUT_INCOMPLETE);
			if (f != NULL)
				f->missing = near == NULL ? r->field : "position";
			return SW_OK;
		}
		rc = near(near_ud, p, r->field, r->lo, &found, &nearest, err);
		if (rc != SW_OK)
			return rc;
		if (found >= r->near_count)
			return SW_OK;
		f = add(v, r, SW_OUT_FAIL);
		if (f != NULL) {
			f->has_measured = true;
			f->measured = (double)found;
			f->nearest_m = nearest;
		}
		return SW_OK;
	}
	val = sw_point_get_attr(p, r->field);
	if (val == NULL || val->t == SW_V_NULL) {
		f = add(v, r, r->op == SW_NOP_REQUIRED ? SW_OUT_FAIL : SW_OUT_INCOMPLETE);
		if (f != NULL)
			f->missing = r->field;
		return SW_OK;
	}
	if (r->op == SW_NOP_REQUIRED)
		return SW_OK;
	/* a value of the wrong type (another tool wrote the store) counts as
	 * not measured */
	if ((r->kind == SW_KIND_ENUM || r->kind == SW_KIND_TEXT)
	        ? (val->t != SW_V_TEXT || val->s == NULL)
	        : (val->t != SW_V_INT && val->t != SW_V_REAL)) {
		f = add(v, r, SW_OUT_INCOMPLETE);
		if (f != NULL)
			f->missing = r->field;
		return SW_OK;
	}
	switch (r->kind) {
	case SW_KIND_ENUM:
	case SW_KIND_TEXT:
		ok = false;
		for (size_t i = 0; i < r->nvalues && !ok; i++)
			ok = strcmp(val->s, r->values[i]) == 0;
		if (!ok) {
			f = add(v, r, SW_OUT_FAIL);
			if (f != NULL)
				f->text = val->s;
			return SW_OK;
		}
		return SW_OK;
	case SW_KIND_BOOL:
		x = val->t == SW_V_INT ? (val->i != 0) : (val->r != 0);
		ok = x == r->lo;
		break;
	default:
		value_num(val, r->field_unit, &x);
		if (r->op == SW_NOP_BETWEEN)
			ok = cmp(SW_NOP_GE, x, r->lo) && cmp(SW_NOP_LE, x, r->hi);
		else
			ok = cmp(r->op, x, r->lo);
		break;
	}
	if (!ok) {
		f = add(v, r, SW_OUT_FAIL);
		if (f != NULL) {
			f->has_measured = true;
			f->measured = x;
		}
	}
	return SW_OK;
}

/* Judge p against every rule of its type but skip (NULL: all). */
static enum sw_status check_point(const struct sw_profile *prof, const struct sw_point *p,
                                  sw_norm_near_fn near, void *near_ud, struct sw_verdict *v,
                                  const struct sw_rule *skip, struct sw_error *err)
{
	size_t t;

	v->outcome = SW_OUT_PASS;
	v->nrules = v->nfail = v->nincomplete = v->nwarn = v->nfindings = 0;
	if (p->type == NULL)
		return SW_OK;
	for (t = 0; t < prof->ntypes; t++)
		if (strcmp(prof->types[t], p->type) == 0)
			break;
	if (t == prof->ntypes)
		return SW_OK;
	for (size_t k = 0; k < prof->type_count[t]; k++) {
		const struct sw_rule *r = &prof->rules[prof->order[prof->type_first[t] + k]];
		enum sw_status rc;
		if (r == skip)
			continue;
		rc = check_rule(r, p, near, near_ud, v, err);
		if (rc != SW_OK)
			return rc;
	}
	if (v->nfail > 0)
		v->outcome = SW_OUT_FAIL;
	else if (v->nincomplete > 0)
		v->outcome = SW_OUT_INCOMPLETE;
	return SW_OK;
}

enum sw_status sw_norm_check_point(const struct sw_profile *prof, const struct sw_point *p,
                                   sw_norm_near_fn near, void *near_ud, struct sw_verdict *v,
                                   struct sw_error *err)
{
	return check_point(prof, p, near, near_ud, v, NULL, err);
}

/* ---- calibration: comparing rules, sweeping one limit ------------------- */

const struct sw_rule *sw_profile_rule(const struct sw_profile *prof, const char *id)
{
	for (size_t i = 0; prof != NULL && id != NULL && i < prof->nrules; i++)
		if (strcmp(prof->rules[i].id, id) == 0)
			return &prof->rules[i];
	return NULL;
}

static bool str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool num_eq(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return fabs(a - b) <= tol(b);
}

static bool conds_eq(const struct sw_rule *a, const struct sw_rule *b)
{
	if (a->nconds != b->nconds)
		return false;
	for (size_t i = 0; i < a->nconds; i++) {
		const struct sw_norm_cond *x = &a->conds[i], *y = &b->conds[i];
		if (!str_eq(x->field, y->field) || x->op != y->op || x->kind != y->kind ||
		    !str_eq(x->text, y->text) ||
		    ((x->kind != SW_KIND_ENUM && x->kind != SW_KIND_TEXT) && !num_eq(x->num, y->num)))
			return false;
	}
	return true;
}

unsigned sw_rule_diff(const struct sw_rule *a, const struct sw_rule *b)
{
	unsigned d = 0;

	if (!str_eq(a->type, b->type))
		d |= SW_RULE_DIFF_TYPE;
	if (!str_eq(a->field, b->field))
		d |= SW_RULE_DIFF_FIELD;
	if (!conds_eq(a, b))
		d |= SW_RULE_DIFF_WHEN;
	if (a->op != b->op || !num_eq(a->lo, b->lo) || !num_eq(a->hi, b->hi) ||
	    a->nvalues != b->nvalues || a->near_count != b->near_count)
		d |= SW_RULE_DIFF_LIMIT;
	else
		for (size_t i = 0; i < a->nvalues; i++)
			if (!str_eq(a->values[i], b->values[i]))
				d |= SW_RULE_DIFF_LIMIT;
	if (!str_eq(a->unit ? a->unit->name : NULL, b->unit ? b->unit->name : NULL))
		d |= SW_RULE_DIFF_UNIT;
	if (a->severity != b->severity)
		d |= SW_RULE_DIFF_SEVERITY;
	if (!str_eq(a->message_nl, b->message_nl) || !str_eq(a->message_en, b->message_en))
		d |= SW_RULE_DIFF_MESSAGE;
	if (!str_eq(a->source, b->source))
		d |= SW_RULE_DIFF_SOURCE;
	return d;
}

bool sw_rule_sweepable(const struct sw_rule *r)
{
	if (r->op == SW_NOP_WITHIN)
		return true;
	if (r->kind != SW_KIND_NUMBER && r->kind != SW_KIND_INTEGER)
		return false;
	return r->op == SW_NOP_LE || r->op == SW_NOP_GE || r->op == SW_NOP_LT ||
	       r->op == SW_NOP_GT || r->op == SW_NOP_EQ;
}

void sw_rule_limit_text_at(const struct sw_rule *r, double lo, const struct sw_unit *u, char *buf,
                           size_t len)
{
	struct sw_rule t = *r;

	t.lo = t.hi = lo;
	if (u != NULL)
		t.unit = u;
	sw_rule_limit_text(&t, buf, len);
}

enum sw_outcome sw_sweep_overall(enum sw_outcome others, const struct sw_rule *r,
                                 enum sw_outcome o)
{
	if (others == SW_OUT_FAIL || (o == SW_OUT_FAIL && r->severity == SW_SEV_ERROR))
		return SW_OUT_FAIL;
	if (others == SW_OUT_INCOMPLETE || o == SW_OUT_INCOMPLETE)
		return SW_OUT_INCOMPLETE;
	return SW_OUT_PASS;
}

static void fill(enum sw_outcome *o, size_t n, enum sw_outcome v)
{
	for (size_t i = 0; i < n; i++)
		o[i] = v;
}

/* The swept rule on p: its state, measured value and outcome per limit. */
static enum sw_status sweep_rule(const struct sw_rule *r, const struct sw_point *p,
                                 sw_norm_near_fn near, void *near_ud, const double *lim, size_t n,
                                 struct sw_sweep_point *out, enum sw_outcome *ro,
                                 struct sw_error *err)
{
	const struct sw_value *val;
	double x;

	out->state = SW_SWEEP_NA;
	out->measured = NAN;
	fill(ro, n, SW_OUT_PASS);
	if (p->type == NULL || strcmp(p->type, r->type) != 0)
		return SW_OK;
	for (size_t i = 0; i < r->nconds; i++) {
		int h = cond_holds(&r->conds[i], p);
		if (h == 0)
			return SW_OK;
		if (h < 0) {
			out->state = SW_SWEEP_MISSING;
			fill(ro, n, SW_OUT_INCOMPLETE);
			return SW_OK;
		}
	}
	if (r->op == SW_NOP_WITHIN) {
		size_t found = 0;
		double nearest = NAN, maxr = 0;
		enum sw_status rc;
		if (near == NULL || !isfinite(p->x) || !isfinite(p->y)) {
			out->state = SW_SWEEP_MISSING;
			fill(ro, n, SW_OUT_INCOMPLETE);
			return SW_OK;
		}
		out->state = SW_SWEEP_MEASURED;
		for (size_t i = 0; i < n; i++)
			if (lim[i] > maxr)
				maxr = lim[i];
		rc = near(near_ud, p, r->field, maxr, &found, &nearest, err);
		if (rc != SW_OK)
			return rc;
		out->measured = nearest;
		for (size_t i = 0; i < n; i++) {
			if (found < r->near_count) {
				ro[i] = SW_OUT_FAIL;
			} else if (r->near_count <= 1) {
				/* the nearest within the largest radius decides each */
				ro[i] = nearest <= lim[i] ? SW_OUT_PASS : SW_OUT_FAIL;
			} else {
				size_t f = 0;
				double nn;
				rc = near(near_ud, p, r->field, lim[i], &f, &nn, err);
				if (rc != SW_OK)
					return rc;
				ro[i] = f >= r->near_count ? SW_OUT_PASS : SW_OUT_FAIL;
			}
		}
		return SW_OK;
	}
	val = sw_point_get_attr(p, r->field);
	if (val == NULL || !value_num(val, r->field_unit, &x)) {
		out->state = SW_SWEEP_MISSING;
		fill(ro, n, SW_OUT_INCOMPLETE);
		return SW_OK;
	}
	out->state = SW_SWEEP_MEASURED;
	out->measured = x;
	for (size_t i = 0; i < n; i++)
		ro[i] = cmp(r->op, x, lim[i]) ? SW_OUT_PASS : SW_OUT_FAIL;
	return SW_OK;
}

enum sw_status sw_norm_sweep_point(const struct sw_profile *prof, const struct sw_rule *r,
                                   const struct sw_point *p, sw_norm_near_fn near, void *near_ud,
                                   const double *lim, size_t n, struct sw_verdict *v,
                                   struct sw_sweep_point *out, enum sw_outcome *rule_out,
                                   struct sw_error *err)
{
	enum sw_status rc = check_point(prof, p, near, near_ud, v, r, err);

	if (rc != SW_OK)
		return rc;
	out->others = v->outcome;
	return sweep_rule(r, p, near, near_ud, lim, n, out, rule_out, err);
}

/* ---- describing --------------------------------------------------------- */

void sw_rule_limit_text(const struct sw_rule *r, char *buf, size_t len)
{
	char a[64], b[64];

	switch (r->op) {
	case SW_NOP_REQUIRED:
		snprintf(buf, len, "required");
		return;
	case SW_NOP_WITHIN:
		sw_unit_format(r->unit, r->lo, a, sizeof a);
		snprintf(buf, len, ">= %zu %s within %s", r->near_count, r->field, a);
		return;
	case SW_NOP_BETWEEN:
		sw_unit_format(r->unit, r->lo, a, sizeof a);
		sw_unit_format(r->unit, r->hi, b, sizeof b);
		snprintf(buf, len, "between %s and %s", a, b);
		return;
	default:
		break;
	}
	if (r->kind == SW_KIND_BOOL) {
		snprintf(buf, len, "%s", r->lo != 0 ? "yes" : "no");
	} else if (r->kind == SW_KIND_ENUM || r->kind == SW_KIND_TEXT) {
		size_t n =
		    (size_t)snprintf(buf, len, "%s", r->op == SW_NOP_ONE_OF ? "one of " : "");
		for (size_t i = 0; i < r->nvalues && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "|" : "", r->values[i]);
	} else {
		sw_unit_format(r->unit, r->lo, a, sizeof a);
		snprintf(buf, len, "%s %s", sw_norm_op_name(r->op), a);
	}
}

void sw_finding_measured(const struct sw_finding *f, char *buf, size_t len)
{
	const struct sw_rule *r = f->rule;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (f->text != NULL)
		snprintf(buf, len, "%s", f->text);
	else if (!f->has_measured)
		return;
	else if (r->op == SW_NOP_WITHIN)
		snprintf(buf, len, "%.0f", f->measured);
	else if (r->kind == SW_KIND_BOOL)
		snprintf(buf, len, "%s", f->measured != 0 ? "yes" : "no");
	else
		sw_unit_format(r->unit, f->measured, buf, len);
}

void sw_finding_describe(const struct sw_finding *f, char *buf, size_t len)
{
	const struct sw_rule *r = f->rule;
	char m[96], lim[256];

	if (f->outcome == SW_OUT_INCOMPLETE) {
		if (r->op == SW_NOP_WITHIN && f->missing == r->field)
			snprintf(buf, len, _("cannot look for neighbours (%s) without the store"),
			         r->field);
		else
			snprintf(buf, len, _("missing %s"), f->missing);
		return;
	}
	if (f->outcome == SW_OUT_PASS) {
		snprintf(buf, len, "%s", _("pass"));
		return;
	}
	if (f->missing != NULL) {
		snprintf(buf, len, _("missing %s (required)"), f->missing);
		return;
	}
	sw_rule_limit_text(r, lim, sizeof lim);
	sw_finding_measured(f, m, sizeof m);
	if (r->op == SW_NOP_WITHIN) {
		char d[64];
		if (isfinite(f->nearest_m)) {
			sw_unit_format(r->unit, f->nearest_m, d, sizeof d);
			snprintf(buf, len, _("%s %s found, limit %s (nearest at %s)"), m, r->field,
			         lim, d);
		} else {
			snprintf(buf, len, _("%s %s found, limit %s"), m, r->field, lim);
		}
		return;
	}
	snprintf(buf, len, _("%s = %s, limit %s"), r->field, m, lim);
}
