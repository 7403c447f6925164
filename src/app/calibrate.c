/* calibrate.c - profile diff, check --compare and check --sweep: the
 * analyses of the KOR re-calibration with the experts by experience. The
 * rule engine bits (comparing rules, judging a point for many limits at
 * once) are in src/core/norm_eval.c; this file walks the store and counts.
 */
#include "schouw/calibrate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schouw/check.h"
#include "schouw/i18n.h"
#include "schouw/plot.h"

enum sw_calib_judged sw_calib_judged(const struct sw_point *p)
{
	const struct sw_value *v = sw_point_get_attr(p, SW_CALIB_EXPERIENCED);

	if (v == NULL || v->t != SW_V_TEXT || v->s == NULL)
		return SW_JUDGED_NONE;
	if (strcmp(v->s, "hard") == 0 || strcmp(v->s, "impassable") == 0)
		return SW_JUDGED_HARD;
	if (strcmp(v->s, "easy") == 0)
		return SW_JUDGED_EASY;
	return SW_JUDGED_NONE;
}

static void agree_add(struct sw_calib_agree *a, enum sw_calib_judged j, enum sw_outcome o)
{
	if (j == SW_JUDGED_HARD) {
		a->hard++;
		if (o == SW_OUT_PASS)
			a->hard_pass++;
	} else if (j == SW_JUDGED_EASY) {
		a->easy++;
		if (o == SW_OUT_FAIL)
			a->easy_fail++;
	}
}

/* The measurements the rules of a and b (b may be NULL) read, and the
 * experts' judgement: what the store query decodes. Borrows the names; free
 * the array. */
static enum sw_status rule_fields(const struct sw_profile *a, const struct sw_profile *b,
                                  const char ***out, size_t *n, struct sw_error *err)
{
	const struct sw_profile *ps[2] = {a, b};
	size_t cap = 1;
	const char **v;

	for (int k = 0; k < 2; k++)
		for (size_t i = 0; ps[k] != NULL && i < ps[k]->nrules; i++)
			cap += 1 + ps[k]->rules[i].nconds;
	v = calloc(cap, sizeof *v);
	if (v == NULL)
		return sw_error_nomem(err);
	*n = 0;
	v[(*n)++] = SW_CALIB_EXPERIENCED;
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; ps[k] != NULL && i < ps[k]->nrules; i++) {
			const struct sw_rule *r = &ps[k]->rules[i];
			for (size_t c = 0; c <= r->nconds; c++) {
				const char *name = c < r->nconds ? r->conds[c].field : r->field;
				bool seen = false;
				if (c == r->nconds && r->op == SW_NOP_WITHIN)
					continue;
				for (size_t j = 0; j < *n && !seen; j++)
					seen = strcmp(v[j], name) == 0;
				if (!seen)
					v[(*n)++] = name;
			}
		}
	*out = v;
	return SW_OK;
}

/* ---- profile diff -------------------------------------------------------- */

#define JUDGING                                                                                    \
	(SW_RULE_DIFF_TYPE | SW_RULE_DIFF_FIELD | SW_RULE_DIFF_WHEN | SW_RULE_DIFF_LIMIT |         \
	 SW_RULE_DIFF_UNIT | SW_RULE_DIFF_SEVERITY)

enum sw_status sw_calib_profile_diff(const struct sw_profile *a, const struct sw_profile *b,
                                     struct sw_calib_diff **out, struct sw_error *err)
{
	struct sw_calib_diff *d = calloc(1, sizeof *d);
	size_t k = 0;

	*out = NULL;
	if (d == NULL || (d->rows = calloc(a->nrules + b->nrules + 1, sizeof *d->rows)) == NULL) {
		sw_calib_diff_free(d);
		return sw_error_nomem(err);
	}
	/* only in a, then in both (a's order), then only in b */
	for (int pass = 0; pass < 3; pass++) {
		const struct sw_profile *p = pass == 2 ? b : a;
		for (size_t i = 0; i < p->nrules; i++) {
			const struct sw_rule *r = &p->rules[i];
			const struct sw_rule *o = sw_profile_rule(pass == 2 ? a : b, r->id);
			unsigned diff;
			if (pass != 1 ? o != NULL : o == NULL)
				continue;
			diff = o ? sw_rule_diff(r, o) : 0;
			if (pass == 1 && (diff & JUDGING) == 0) {
				if (diff != 0)
					d->source_only++;
				else
					d->same++;
				continue;
			}
			d->rows[k].id = r->id;
			d->rows[k].a = pass == 2 ? NULL : r;
			d->rows[k].b = pass == 2 ? r : o;
			d->rows[k].diff = diff;
			k++;
		}
	}
	d->nrows = k;
	*out = d;
	return SW_OK;
}

void sw_calib_diff_free(struct sw_calib_diff *d)
{
	if (d == NULL)
		return;
	free(d->rows);
	free(d);
}

/* ---- check --compare ------------------------------------------------------ */

struct cmp_state {
	const struct sw_profile *a, *b;
	struct sw_verdict va, vb;
	struct sw_check_near *near;
	struct sw_calib_compare *c;
	size_t capchanges, capgroups;
	struct sw_error *err;
};

/* What a finding does to the point's verdict: FAIL (a failed error rule),
 * INCOMPLETE, or PASS (nothing: passed, not applicable, or a warning). */
static enum sw_outcome part(const struct sw_verdict *v, const char *id, const struct sw_finding **f)
{
	*f = NULL;
	for (size_t i = 0; i < v->nfindings; i++) {
		const struct sw_finding *x = &v->findings[i];
		if (strcmp(x->rule->id, id) != 0)
			continue;
		*f = x;
		if (x->outcome == SW_OUT_FAIL)
			return x->rule->severity == SW_SEV_ERROR ? SW_OUT_FAIL : SW_OUT_PASS;
		return x->outcome;
	}
	return SW_OUT_PASS;
}

static void measured_text(const struct sw_finding *f, char *buf, size_t len)
{
	char m[96], d[64];

	buf[0] = '\0';
	if (f == NULL)
		return;
	if (f->outcome == SW_OUT_INCOMPLETE || (f->missing != NULL && !f->has_measured)) {
		snprintf(buf, len, _("missing %s"), f->missing ? f->missing : "?");
		return;
	}
	sw_finding_measured(f, m, sizeof m);
	if (f->rule->op == SW_NOP_WITHIN && isfinite(f->nearest_m)) {
		sw_unit_format(f->rule->unit, f->nearest_m, d, sizeof d);
		snprintf(buf, len, _("%s (nearest at %s)"), m, d);
	} else if (f->has_measured && f->rule->op != SW_NOP_WITHIN && f->rule->field_unit != NULL &&
	           f->rule->unit != f->rule->field_unit && f->rule->kind != SW_KIND_BOOL) {
		/* also in the form's unit, as the surveyor wrote it: 1:11.76 (8.5 %) */
		sw_unit_format(f->rule->field_unit, f->measured, d, sizeof d);
		snprintf(buf, len, "%s (%s)", m, d);
	} else {
		snprintf(buf, len, "%s", m);
	}
}

static char *dup0(const char *s)
{
	return strdup(s ? s : "");
}

static enum sw_status add_change(struct cmp_state *st, const struct sw_point *p, const char *id)
{
	struct sw_calib_compare *c = st->c;
	struct sw_calib_change *ch;
	const struct sw_finding *fa, *fb;
	const struct sw_rule *ra = sw_profile_rule(st->a, id), *rb = sw_profile_rule(st->b, id);
	const struct sw_value *e = sw_point_get_attr(p, SW_CALIB_EXPERIENCED);

	if (c->nchanges == st->capchanges) {
		size_t cap = st->capchanges ? st->capchanges * 2 : 64;
		struct sw_calib_change *n = realloc(c->changes, cap * sizeof *n);
		if (n == NULL)
			return sw_error_nomem(st->err);
		c->changes = n;
		st->capchanges = cap;
	}
	ch = &c->changes[c->nchanges];
	memset(ch, 0, sizeof *ch);
	ch->point_id = p->id;
	memcpy(ch->uuid, p->uuid, sizeof ch->uuid);
	ch->verdict_a = st->va.outcome;
	ch->verdict_b = st->vb.outcome;
	ch->rule_a = part(&st->va, id, &fa);
	ch->rule_b = part(&st->vb, id, &fb);
	measured_text(fb && fb->outcome != SW_OUT_PASS ? fb : fa, ch->measured,
	              sizeof ch->measured);
	if (ch->measured[0] == '\0')
		measured_text(fa ? fa : fb, ch->measured, sizeof ch->measured);
	if (ra)
		sw_rule_limit_text(ra, ch->limit_a, sizeof ch->limit_a);
	if (rb)
		sw_rule_limit_text(rb, ch->limit_b, sizeof ch->limit_b);
	ch->type = dup0(p->type);
	ch->status = dup0(p->status);
	ch->rule_id = strdup(id);
	ch->experienced = e && e->t == SW_V_TEXT && e->s ? strdup(e->s) : NULL;
	c->nchanges++;
	if (!ch->type || !ch->status || !ch->rule_id ||
	    (e && e->t == SW_V_TEXT && e->s && !ch->experienced))
		return sw_error_nomem(st->err);
	return SW_OK;
}

/* Every rule whose part differs between the two verdicts, once. */
static enum sw_status add_changes(struct cmp_state *st, const struct sw_point *p)
{
	const struct sw_verdict *vs[2] = {&st->va, &st->vb};
	const struct sw_finding *f;
	size_t first = st->c->nchanges;
	enum sw_status rc;

	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < vs[k]->nfindings; i++) {
			const char *id = vs[k]->findings[i].rule->id;
			bool seen = false;
			if (part(&st->va, id, &f) == part(&st->vb, id, &f))
				continue;
			for (size_t j = first; j < st->c->nchanges && !seen; j++)
				seen = strcmp(st->c->changes[j].rule_id, id) == 0;
			if (seen)
				continue;
			rc = add_change(st, p, id);
			if (rc != SW_OK)
				return rc;
		}
	return SW_OK;
}

static enum sw_status add_group(struct cmp_state *st, const struct sw_point *p)
{
	struct sw_calib_compare *c = st->c;
	struct sw_calib_group *g = NULL;
	const char *type = p->type ? p->type : "", *status = p->status ? p->status : "";

	for (size_t i = 0; i < c->ngroups && g == NULL; i++)
		if (strcmp(c->groups[i].type, type) == 0 &&
		    strcmp(c->groups[i].status, status) == 0)
			g = &c->groups[i];
	if (g == NULL) {
		if (c->ngroups == st->capgroups) {
			size_t cap = st->capgroups ? st->capgroups * 2 : 16;
			struct sw_calib_group *n = realloc(c->groups, cap * sizeof *n);
			if (n == NULL)
				return sw_error_nomem(st->err);
			c->groups = n;
			st->capgroups = cap;
		}
		g = &c->groups[c->ngroups];
		memset(g, 0, sizeof *g);
		c->ngroups++;
		g->type = strdup(type);
		g->status = strdup(status);
		if (g->type == NULL || g->status == NULL)
			return sw_error_nomem(st->err);
	}
	g->n[st->va.outcome][st->vb.outcome]++;
	c->total[st->va.outcome][st->vb.outcome]++;
	return SW_OK;
}

static enum sw_status compare_one(const struct sw_point *p, void *ud)
{
	struct cmp_state *st = ud;
	enum sw_calib_judged j = sw_calib_judged(p);
	enum sw_status rc;

	rc = sw_norm_check_point(st->a, p, sw_check_near_fn, st->near, &st->va, st->err);
	if (rc == SW_OK)
		rc = sw_norm_check_point(st->b, p, sw_check_near_fn, st->near, &st->vb, st->err);
	if (rc != SW_OK)
		return rc;
	st->c->npoints++;
	agree_add(&st->c->agree_a, j, st->va.outcome);
	agree_add(&st->c->agree_b, j, st->vb.outcome);
	if (st->va.outcome != st->vb.outcome) {
		st->c->nchanged++;
		rc = add_changes(st, p);
		if (rc != SW_OK)
			return rc;
	}
	return add_group(st, p);
}

static int change_cmp(const void *x, const void *y)
{
	const struct sw_calib_change *a = x, *b = y;
	int c = strcmp(a->rule_id, b->rule_id);

	return c ? c : (a->point_id > b->point_id) - (a->point_id < b->point_id);
}

static int group_cmp(const void *x, const void *y)
{
	const struct sw_calib_group *a = x, *b = y;
	int c = strcmp(a->type, b->type);

	return c ? c : strcmp(a->status, b->status);
}

enum sw_status sw_calib_compare(struct sw_store *s, const struct sw_filter *f,
                                const struct sw_profile *a, const struct sw_profile *b,
                                struct sw_calib_compare **out, struct sw_error *err)
{
	struct cmp_state st = {.a = a, .b = b, .err = err};
	const char **fields = NULL;
	size_t nfields = 0;
	enum sw_status rc;

	*out = NULL;
	st.c = calloc(1, sizeof *st.c);
	if (st.c == NULL)
		return sw_error_nomem(err);
	rc = sw_verdict_init(&st.va, a, err);
	if (rc == SW_OK)
		rc = sw_verdict_init(&st.vb, b, err);
	if (rc == SW_OK)
		rc = sw_check_near_open(s, &st.near, err);
	if (rc == SW_OK)
		rc = rule_fields(a, b, &fields, &nfields, err);
	if (rc == SW_OK)
		rc = sw_store_query_fields(s, f, fields, nfields, compare_one, &st, err);
	if (rc != SW_OK)
		goto out;
	if (st.c->nchanges > 1)
		qsort(st.c->changes, st.c->nchanges, sizeof *st.c->changes, change_cmp);
	if (st.c->ngroups > 1)
		qsort(st.c->groups, st.c->ngroups, sizeof *st.c->groups, group_cmp);
	*out = st.c;
	st.c = NULL;
out:
	free(fields);
	sw_calib_compare_free(st.c);
	sw_check_near_close(st.near);
	sw_verdict_clear(&st.va);
	sw_verdict_clear(&st.vb);
	return rc;
}

void sw_calib_compare_free(struct sw_calib_compare *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nchanges; i++) {
		free(c->changes[i].type);
		free(c->changes[i].status);
		free(c->changes[i].experienced);
		free(c->changes[i].rule_id);
	}
	for (size_t i = 0; i < c->ngroups; i++) {
		free(c->groups[i].type);
		free(c->groups[i].status);
	}
	free(c->changes);
	free(c->groups);
	free(c);
}

/* ---- check --sweep -------------------------------------------------------- */

static const char *const judged_names[] = {"easy", "doable", "hard", "impassable"};

struct sweep_state {
	const struct sw_calib_sweep_opts *o;
	struct sw_calib_sweep *sw;
	struct sw_verdict v;
	struct sw_check_near *near;
	enum sw_outcome *ro;
	size_t *gidx; /* scratch: the groups of one point */
	size_t capgroups;
	struct sw_error *err;
};

static enum sw_status group_index(struct sweep_state *st, const char *name, size_t *out)
{
	struct sw_calib_sweep *sw = st->sw;
	size_t n = sw->nrows;

	for (size_t g = 0; g < sw->ngroups; g++)
		if (strcmp(sw->groups[g], name) == 0) {
			*out = g;
			return SW_OK;
		}
	if (sw->ngroups == st->capgroups) {
		size_t cap = st->capgroups ? st->capgroups * 2 : 8;
		char **ng = realloc(sw->groups, cap * sizeof *ng);
		long long *np, *nf;
		if (ng == NULL)
			return sw_error_nomem(st->err);
		sw->groups = ng;
		np = realloc(sw->gpass, cap * n * sizeof *np);
		if (np == NULL)
			return sw_error_nomem(st->err);
		sw->gpass = np;
		nf = realloc(sw->gfail, cap * n * sizeof *nf);
		if (nf == NULL)
			return sw_error_nomem(st->err);
		sw->gfail = nf;
		st->capgroups = cap;
	}
	sw->groups[sw->ngroups] = strdup(name);
	if (sw->groups[sw->ngroups] == NULL)
		return sw_error_nomem(st->err);
	memset(sw->gpass + sw->ngroups * n, 0, n * sizeof *sw->gpass);
	memset(sw->gfail + sw->ngroups * n, 0, n * sizeof *sw->gfail);
	*out = sw->ngroups++;
	return SW_OK;
}

/* The chart groups a measured point belongs to (an area may hold none or,
 * on a shared edge, two). */
static enum sw_status point_groups(struct sweep_state *st, const struct sw_point *p, size_t *ng)
{
	const struct sw_calib_sweep_opts *o = st->o;
	enum sw_status rc = SW_OK;

	*ng = 0;
	if (o->lines == SW_LINES_TYPE) {
		rc = group_index(st, p->type ? p->type : "", &st->gidx[0]);
		*ng = rc == SW_OK;
	} else if (o->lines == SW_LINES_EXPERIENCED) {
		const struct sw_value *e = sw_point_get_attr(p, SW_CALIB_EXPERIENCED);
		const char *name = e && e->t == SW_V_TEXT && e->s ? e->s : _("(not judged)");
		rc = group_index(st, name, &st->gidx[0]);
		*ng = rc == SW_OK;
	} else if (o->areas != NULL) {
		for (size_t i = 0; i < o->areas->n && rc == SW_OK; i++)
			if (sw_polygon_contains(o->areas->items[i].poly, p->x, p->y)) {
				rc = group_index(st, o->areas->items[i].name, &st->gidx[*ng]);
				*ng += rc == SW_OK;
			}
	}
	return rc;
}

static enum sw_status sweep_one(const struct sw_point *p, void *ud)
{
	struct sweep_state *st = ud;
	struct sw_calib_sweep *sw = st->sw;
	const struct sw_rule *r = sw->rule;
	struct sw_sweep_point sp;
	enum sw_calib_judged j;
	size_t ng = 0, n = sw->nrows;
	enum sw_status rc;

	rc = sw_norm_sweep_point(st->o->prof, r, p, sw_check_near_fn, st->near, st->o->limits, n,
	                         &st->v, &sp, st->ro, st->err);
	if (rc != SW_OK)
		return rc;
	sw->npoints++;
	if (sp.state == SW_SWEEP_NA) {
		/* the rule does not apply: the same verdict at every limit */
		for (size_t i = 0; i < n; i++)
			sw->rows[i].overall[sp.others]++;
		return SW_OK;
	}
	sw->napplies++;
	if (sp.state == SW_SWEEP_MISSING)
		sw->nmissing++;
	j = sw_calib_judged(p);
	if (sp.state == SW_SWEEP_MEASURED) {
		rc = point_groups(st, p, &ng);
		if (rc != SW_OK)
			return rc;
	}
	for (size_t i = 0; i < n; i++) {
		struct sw_calib_sweep_row *row = &sw->rows[i];
		enum sw_outcome o = st->ro[i];
		row->rule[o]++;
		row->overall[sw_sweep_overall(sp.others, r, o)]++;
		if (o != SW_OUT_INCOMPLETE)
			agree_add(&row->agree, j, o);
		for (size_t g = 0; g < ng; g++) {
			if (o == SW_OUT_PASS)
				sw->gpass[st->gidx[g] * n + i]++;
			else if (o == SW_OUT_FAIL)
				sw->gfail[st->gidx[g] * n + i]++;
		}
	}
	return SW_OK;
}

enum sw_status sw_calib_sweep(struct sw_store *s, const struct sw_filter *f,
                              const struct sw_calib_sweep_opts *o, struct sw_calib_sweep **out,
                              struct sw_error *err)
{
	struct sweep_state st = {.o = o, .err = err};
	const struct sw_rule *r = sw_profile_rule(o->prof, o->rule_id);
	const char **fields = NULL;
	size_t maxg = 4, nfields = 0;
	enum sw_status rc;

	*out = NULL;
	if (r == NULL)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("profile %s has no rule '%s' ('schouw profile "
		                      "show %s' lists them)"),
		                    o->prof->name, o->rule_id ? o->rule_id : "", o->prof->name);
	if (!sw_rule_sweepable(r))
		return sw_error_set(
		    err, SW_ERR_INPUT,
		    _("rule %s (%s %s) has no single number to sweep; a sweep takes "
		      "a rule with <=, >=, <, >, = on a number, or within"),
		    r->id, r->field, sw_norm_op_name(r->op));
	if (o->nlimits == 0)
		return sw_error_set(err, SW_ERR_INPUT, "%s", _("a sweep needs at least one limit"));
	if (o->lines == SW_LINES_AREA && o->areas != NULL && o->areas->n > maxg)
		maxg = o->areas->n;
	st.sw = calloc(1, sizeof *st.sw);
	st.ro = calloc(o->nlimits, sizeof *st.ro);
	st.gidx = calloc(maxg, sizeof *st.gidx);
	if (st.sw == NULL || st.ro == NULL || st.gidx == NULL ||
	    (st.sw->rows = calloc(o->nlimits, sizeof *st.sw->rows)) == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	st.sw->rule = r;
	st.sw->nrows = o->nlimits;
	for (size_t i = 0; i < o->nlimits; i++)
		st.sw->rows[i].limit = o->limits[i];
	if (o->lines == SW_LINES_EXPERIENCED) /* a fixed order of the judgements */
		for (size_t k = 0; k < 4; k++) {
			size_t g;
			rc = group_index(&st, judged_names[k], &g);
			if (rc != SW_OK)
				goto out;
		}
	rc = sw_verdict_init(&st.v, o->prof, err);
	if (rc == SW_OK)
		rc = sw_check_near_open(s, &st.near, err);
	if (rc == SW_OK)
		rc = rule_fields(o->prof, NULL, &fields, &nfields, err);
	if (rc == SW_OK)
		rc = sw_store_query_fields(s, f, fields, nfields, sweep_one, &st, err);
	if (rc != SW_OK)
		goto out;
	*out = st.sw;
	st.sw = NULL;
out:
	free(fields);
	sw_calib_sweep_free(st.sw);
	sw_check_near_close(st.near);
	sw_verdict_clear(&st.v);
	free(st.ro);
	free(st.gidx);
	return rc;
}

void sw_calib_sweep_free(struct sw_calib_sweep *sw)
{
	if (sw == NULL)
		return;
	for (size_t g = 0; g < sw->ngroups; g++)
		free(sw->groups[g]);
	free(sw->groups);
	free(sw->gpass);
	free(sw->gfail);
	free(sw->rows);
	free(sw);
}

/* ---- the chart ------------------------------------------------------------ */

enum sw_status sw_calib_sweep_chart(const struct sw_calib_sweep *sw, const struct sw_unit *u,
                                    const char *path, const char *title, bool english,
                                    struct sw_error *err)
{
	const struct sw_rule *r = sw->rule;
	struct sw_plot_series series[8];
	double *x = NULL, *y = NULL, *xs = NULL;
	size_t *ord = NULL, n = sw->nrows, ns = 0;
	char *tmp = NULL, xlabel[160], sub[256], mark[300], lim[256], unitname[32];
	enum sw_status rc = SW_OK;
	int fd;

	if (path == NULL || strlen(path) < 5 || strcmp(path + strlen(path) - 4, ".png") != 0)
		return sw_error_set(err, SW_ERR_INPUT, _("%s: the chart file must end in .png"),
		                    path ? path : "");
	x = calloc(n, sizeof *x);
	ord = calloc(n, sizeof *ord);
	xs = calloc(n, sizeof *xs);
	y = calloc(n * 8 + 1, sizeof *y);
	tmp = malloc(strlen(path) + 16);
	if (!x || !ord || !xs || !y || !tmp) {
		rc = sw_error_nomem(err);
		goto out;
	}
	/* candidates in the sweep's unit, ascending */
	for (size_t i = 0; i < n; i++) {
		size_t k = i;
		x[i] = sw_unit_from_base(u, sw->rows[i].limit);
		while (k > 0 && x[ord[k - 1]] > x[i]) {
			ord[k] = ord[k - 1];
			k--;
		}
		ord[k] = i;
	}
	for (size_t i = 0; i < n; i++)
		xs[i] = x[ord[i]];
	for (size_t g = 0; g < sw->ngroups && ns < 8; g++) {
		long long any = 0;
		for (size_t i = 0; i < n; i++) {
			long long pa = sw->gpass[g * n + ord[i]], fa = sw->gfail[g * n + ord[i]];
			any += pa + fa;
			y[ns * n + i] = pa + fa > 0 ? 100.0 * (double)pa / (double)(pa + fa) : NAN;
		}
		if (any == 0)
			continue;
		series[ns].label = sw->groups[g];
		series[ns].y = y + ns * n;
		ns++;
	}
	snprintf(unitname, sizeof unitname, "%s",
	         strcmp(u->name, "ratio") == 0 ? "1:N"
	         : u->name[0]                  ? u->name
	                                       : "-");
	snprintf(xlabel, sizeof xlabel, english ? "limit of %s (%s)" : "grens %s (%s)",
	         r->op == SW_NOP_WITHIN ? "afstand" : r->field, unitname);
	if (english && r->op == SW_NOP_WITHIN)
		snprintf(xlabel, sizeof xlabel, "limit: distance (%s)", unitname);
	sw_rule_limit_text_at(r, r->lo, u, lim, sizeof lim);
	snprintf(sub, sizeof sub,
	         english ? "rule %s (%s %s); %lld points measured, share passing"
	                 : "regel %s (%s %s); %lld punten gemeten, aandeel dat voldoet",
	         r->id, r->type, r->field, sw->napplies - sw->nmissing);
	snprintf(mark, sizeof mark, english ? "profile: %s" : "profiel: %s", lim);
	{
		struct sw_plot p = {
		    .title = title,
		    .subtitle = sub,
		    .xlabel = xlabel,
		    .ylabel = english ? "% passing" : "% voldoet",
		    .x = xs,
		    .n = n,
		    .ymin = 0,
		    .ymax = 100,
		    .series = series,
		    .nseries = ns,
		    .mark_x = sw_unit_from_base(u, r->lo),
		    .mark_label = mark,
		    .width = 1000,
		    .height = 560,
		    .dpi = 110,
		};
		snprintf(tmp, strlen(path) + 16, "%s.tmp-XXXXXX", path);
		fd = mkstemp(tmp);
		if (fd < 0) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), path,
			                  strerror(errno));
			free(tmp);
			tmp = NULL;
			goto out;
		}
		{ /* mkstemp makes 0600; a chart is as readable as any new file */
			mode_t um = umask(0);
			umask(um);
			fchmod(fd, 0666 & ~um);
		}
		close(fd);
		rc = sw_plot_write_png(&p, tmp, err);
	}
	if (rc == SW_OK && rename(tmp, path) != 0)
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), path, strerror(errno));
	if (rc != SW_OK)
		unlink(tmp);
out:
	free(tmp);
	free(x);
	free(xs);
	free(ord);
	free(y);
	return rc;
}
