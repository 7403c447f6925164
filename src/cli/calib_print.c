/* calib_print.c - printing profile diff, check --compare and check --sweep as
 * a table, CSV or JSON. The counting is done by the app layer. */
#include "calib_print.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "schouw/num.h"
#include "schouw/render.h"
#include "verdict.h"

#define SWEEP_MAX 1000

static const char *nz(const char *s)
{
	return s ? s : "";
}

static void csv_row(const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sw_out_csv_cell(stdout, nz(cells[i]), i == 0);
	fputs("\r\n", stdout);
}

static const char *file_of(const struct sw_rule *r, char *buf, size_t len)
{
	const char *slash = strrchr(r->file, '/');

	snprintf(buf, len, "%s:%d", slash ? slash + 1 : r->file, r->line);
	return buf;
}

/* A column as wide as its (translated) head, at least min. */
static int col_w(const char *head, int min)
{
	int w = (int)sw_out_width(head);
	return w > min ? w : min;
}

/* head padded to w display columns, on the left or the right */
static void head_cell(const char *head, int w, bool left)
{
	int pad = w - (int)sw_out_width(head);

	if (pad < 0)
		pad = 0;
	if (left)
		printf("%s%*s", head, pad, "");
	else
		printf("%*s%s", pad, "", head);
}

/* ---- profile diff -------------------------------------------------------- */

/* width of the label column of profile diff: its longest translated label */
static int diff_label_w(void)
{
	const char *l[] = {_("element"), _("condition"), _("limit"),
	                   _("unit"),    _("severity"),  _("source")};
	int w = 10;
	for (size_t i = 0; i < sizeof l / sizeof l[0]; i++)
		w = col_w(l[i], w);
	return w;
}

static void diff_line(const char *what, const char *a, const char *b)
{
	printf("    ");
	head_cell(what, diff_label_w(), true);
	printf(" %-32s | %s\n", a, b);
}

int sw_cli_profile_diff(struct sw_cli *cli, const char *an, const char *bn)
{
	struct sw_profile *a = sw_cli_profile(cli, an), *b = NULL;
	struct sw_calib_diff *d = NULL;
	struct sw_error err = {0};
	int rc = SW_EXIT_ERROR;
	size_t only_a = 0, only_b = 0, differ = 0;

	if (a == NULL || (b = sw_cli_profile(cli, bn)) == NULL)
		goto out;
	if (sw_calib_profile_diff(a, b, &d, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	printf(_("A  %s (%s)\nB  %s (%s)\n"), a->name, a->chain, b->name, b->chain);
	for (size_t i = 0; i < d->nrows; i++) {
		const struct sw_calib_diff_row *row = &d->rows[i];
		const struct sw_rule *r = row->a ? row->a : row->b;
		char la[256], lb[256], fa[300], fb[300];
		if (row->a == NULL || row->b == NULL) {
			sw_rule_limit_text(r, la, sizeof la);
			printf(_("\n%s  only in %s: %s %s %s%s%s [%s]\n"), r->id,
			       row->a ? "A" : "B", r->type, r->op == SW_NOP_WITHIN ? "" : r->field,
			       la, r->when ? _(" when ") : "", nz(r->when),
			       sw_severity_name(r->severity));
			printf("    ");
			head_cell(_("source"), diff_label_w(), true);
			printf(" %s  [%s]\n", r->source, file_of(r, fa, sizeof fa));
			row->a ? only_a++ : only_b++;
			continue;
		}
		differ++;
		printf("\n%s  (%s %s)\n", r->id, r->type, r->field);
		printf("    %-*s %-32s | %s\n", diff_label_w(), "", "A", "B");
		if (row->diff & (SW_RULE_DIFF_TYPE | SW_RULE_DIFF_FIELD)) {
			snprintf(la, sizeof la, "%s %s", row->a->type, row->a->field);
			snprintf(lb, sizeof lb, "%s %s", row->b->type, row->b->field);
			diff_line(_("element"), la, lb);
		}
		if (row->diff & SW_RULE_DIFF_WHEN)
			diff_line(_("condition"), row->a->when ? row->a->when : _("(always)"),
			          row->b->when ? row->b->when : _("(always)"));
		if (row->diff & SW_RULE_DIFF_LIMIT) {
			sw_rule_limit_text(row->a, la, sizeof la);
			sw_rule_limit_text(row->b, lb, sizeof lb);
			diff_line(_("limit"), la, lb);
		}
		if (row->diff & SW_RULE_DIFF_UNIT)
			diff_line(_("unit"), row->a->unit->name[0] ? row->a->unit->name : "-",
			          row->b->unit->name[0] ? row->b->unit->name : "-");
		if (row->diff & SW_RULE_DIFF_SEVERITY)
			diff_line(_("severity"), sw_severity_name(row->a->severity),
			          sw_severity_name(row->b->severity));
		printf("    ");
		head_cell(_("source"), diff_label_w(), true);
		printf(" A: %s  [%s]\n", row->a->source, file_of(row->a, fa, sizeof fa));
		printf("    %-*s B: %s  [%s]\n", diff_label_w(), "", row->b->source,
		       file_of(row->b, fb, sizeof fb));
	}
	printf(_("\n%zu only in A, %zu only in B, %zu judge differently, %zu alike (%zu of them "
	         "differ only in source or message)\n"),
	       only_a, only_b, differ, d->same + d->source_only, d->source_only);
	rc = SW_EXIT_OK;
out:
	sw_calib_diff_free(d);
	sw_profile_free(a);
	sw_profile_free(b);
	return rc;
}

/* ---- check --compare ------------------------------------------------------ */

static const char *const trans_names[] = {"pass>fail",       "fail>pass",       "pass>incomplete",
                                          "incomplete>pass", "fail>incomplete", "incomplete>fail"};
static const enum sw_outcome trans[6][2] = {
    {SW_OUT_PASS, SW_OUT_FAIL},       {SW_OUT_FAIL, SW_OUT_PASS},
    {SW_OUT_PASS, SW_OUT_INCOMPLETE}, {SW_OUT_INCOMPLETE, SW_OUT_PASS},
    {SW_OUT_FAIL, SW_OUT_INCOMPLETE}, {SW_OUT_INCOMPLETE, SW_OUT_FAIL}};

static long long unchanged(const long long n[3][3])
{
	return n[0][0] + n[1][1] + n[2][2];
}

static long long all3(const long long n[3][3])
{
	long long t = 0;

	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			t += n[i][j];
	return t;
}

static json_t *agree_json(const struct sw_calib_agree *a)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "judged_hard", (json_int_t)a->hard, "hard_passing",
	                 (json_int_t)a->hard_pass, "judged_easy", (json_int_t)a->easy,
	                 "easy_failing", (json_int_t)a->easy_fail);
}

static json_t *trans_json(const long long n[3][3])
{
	json_t *o = json_pack("{s:I, s:I}", "points", (json_int_t)all3(n), "unchanged",
	                      (json_int_t)unchanged(n));

	for (int t = 0; t < 6; t++)
		json_object_set_new(o, trans_names[t], json_integer(n[trans[t][0]][trans[t][1]]));
	return o;
}

static void compare_json(const struct sw_profile *a, const struct sw_profile *b,
                         const struct sw_calib_compare *c)
{
	json_t *changes = json_array(), *groups = json_array(), *root;

	for (size_t i = 0; i < c->nchanges; i++) {
		const struct sw_calib_change *ch = &c->changes[i];
		json_array_append_new(
		    changes,
		    json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
		              "rule", ch->rule_id, "point_id", (json_int_t)ch->point_id, "uuid",
		              ch->uuid, "type", ch->type, "status", ch->status, "verdict_a",
		              sw_outcome_name(ch->verdict_a), "verdict_b",
		              sw_outcome_name(ch->verdict_b), "rule_a", sw_outcome_name(ch->rule_a),
		              "rule_b", sw_outcome_name(ch->rule_b), "measured", ch->measured,
		              "limit_a", ch->limit_a, "limit_b", ch->limit_b, "experience",
		              ch->experienced ? json_string(ch->experienced) : json_null()));
	}
	for (size_t i = 0; i < c->ngroups; i++) {
		json_t *g = trans_json(c->groups[i].n);
		json_object_set_new(g, "type", json_string(c->groups[i].type));
		json_object_set_new(g, "status", json_string(c->groups[i].status));
		json_array_append_new(groups, g);
	}
	root = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:o, s:o, s:{s:o, s:o}}", "profile_a",
	                 a->name, "chain_a", a->chain, "profile_b", b->name, "chain_b", b->chain,
	                 "points", (json_int_t)c->npoints, "changed", (json_int_t)c->nchanged,
	                 "changes", changes, "summary", groups, "totals", trans_json(c->total),
	                 "agreement", "a", agree_json(&c->agree_a), "b", agree_json(&c->agree_b));
	json_dumpf(root, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(root);
}

static void compare_csv(const struct sw_calib_compare *c)
{
	static const char *const head[] = {
	    "rule_id", "point_id", "uuid",     "type",    "status",  "verdict_a", "verdict_b",
	    "rule_a",  "rule_b",   "measured", "limit_a", "limit_b", "experience"};
	csv_row(head, 13);
	for (size_t i = 0; i < c->nchanges; i++) {
		const struct sw_calib_change *ch = &c->changes[i];
		char id[32];
		const char *cells[13];
		snprintf(id, sizeof id, "%lld", ch->point_id);
		cells[0] = ch->rule_id;
		cells[1] = id;
		cells[2] = ch->uuid;
		cells[3] = ch->type;
		cells[4] = ch->status;
		cells[5] = sw_outcome_name(ch->verdict_a);
		cells[6] = sw_outcome_name(ch->verdict_b);
		cells[7] = sw_outcome_name(ch->rule_a);
		cells[8] = sw_outcome_name(ch->rule_b);
		cells[9] = ch->measured;
		cells[10] = ch->limit_a;
		cells[11] = ch->limit_b;
		cells[12] = ch->experienced;
		csv_row(cells, 13);
	}
}

/* the count columns of the agreement table, as wide as their heads */
static void agree_widths(const char *const head[4], int w[4])
{
	static const int min[4] = {10, 9, 10, 9};
	for (int k = 0; k < 4; k++)
		w[k] = col_w(head[k], min[k]);
}

static void agree_table(const char *tag, const char *name, const struct sw_calib_agree *a,
                        const int w[4])
{
	printf("%-2s %-26s %*lld %*lld %*lld %*lld\n", tag, name, w[0], a->hard, w[1], a->hard_pass,
	       w[2], a->easy, w[3], a->easy_fail);
}

static void compare_table(const struct sw_profile *a, const struct sw_profile *b,
                          const struct sw_calib_compare *c)
{
	const char *prev = NULL;

	printf(_("A  %s (%s)\nB  %s (%s)\n"), a->name, a->chain, b->name, b->chain);
	printf(_("%lld points judged, %lld change verdict\n"), c->npoints, c->nchanged);
	for (size_t i = 0; i < c->nchanges; i++) {
		const struct sw_calib_change *ch = &c->changes[i];
		if (prev == NULL || strcmp(prev, ch->rule_id) != 0) {
			printf("\n%s   A: %s   B: %s\n", ch->rule_id,
			       ch->limit_a[0] ? ch->limit_a : _("(no such rule)"),
			       ch->limit_b[0] ? ch->limit_b : _("(no such rule)"));
			prev = ch->rule_id;
		}
		printf("  #%-6lld %-18s %-12s %-10s -> %-10s  %-26s %s%s\n", ch->point_id, ch->type,
		       ch->status, sw_outcome_name(ch->verdict_a), sw_outcome_name(ch->verdict_b),
		       ch->measured, ch->experienced ? _("experience: ") : "", nz(ch->experienced));
	}
	printf(_("\nSummary per type and status (A -> B)\n"));
	printf("%-18s %-12s %6s %9s", _("type"), _("status"), _("points"), _("unchanged"));
	for (int t = 0; t < 6; t++)
		printf(" %*s", (int)strlen(trans_names[t]), trans_names[t]);
	putchar('\n');
	for (size_t i = 0; i <= c->ngroups; i++) {
		const long long(*n)[3] = i < c->ngroups ? c->groups[i].n : c->total;
		printf("%-18s %-12s %6lld %9lld", i < c->ngroups ? c->groups[i].type : _("all"),
		       i < c->ngroups ? c->groups[i].status : "", all3(n), unchanged(n));
		for (int t = 0; t < 6; t++)
			printf(" %*lld", (int)strlen(trans_names[t]), n[trans[t][0]][trans[t][1]]);
		putchar('\n');
	}
	printf(_("\nAgreement with the experts by experience (field %s)\n"), SW_CALIB_EXPERIENCED);
	const char *ah[4] = {_("hard/imp."), _("passing"), _("easy"), _("failing")};
	int aw[4];
	agree_widths(ah, aw);
	printf("%-2s ", "");
	head_cell(_("profile"), 26, true);
	for (int k = 0; k < 4; k++) {
		putchar(' ');
		head_cell(ah[k], aw[k], false);
	}
	putchar('\n');
	agree_table("A", a->name, &c->agree_a, aw);
	agree_table("B", b->name, &c->agree_b, aw);
}

int sw_cli_check_compare(struct sw_cli *cli, struct sw_store *s, const struct sw_filter *f,
                         const char *an, const char *bn, enum sw_out_fmt fmt)
{
	struct sw_profile *a = sw_cli_profile(cli, an), *b = NULL;
	struct sw_calib_compare *c = NULL;
	struct sw_error err = {0};
	int rc = SW_EXIT_ERROR;

	if (a == NULL || (b = sw_cli_profile(cli, bn)) == NULL)
		goto out;
	if (sw_calib_compare(s, f, a, b, &c, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	if (fmt == SW_OUT_JSON)
		compare_json(a, b, c);
	else if (fmt == SW_OUT_CSV)
		compare_csv(c);
	else
		compare_table(a, b, c);
	rc = SW_EXIT_OK;
out:
	sw_calib_compare_free(c);
	sw_profile_free(a);
	sw_profile_free(b);
	return rc;
}

/* ---- check --sweep -------------------------------------------------------- */

static int dbl_cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* The candidates in unit u, ascending and without repeats, into *out. */
static bool sweep_values(struct sw_cli *cli, const struct sw_cli_sweep *o, const struct sw_unit *u,
                         double **out, size_t *n)
{
	double *v = NULL;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if ((o->values != NULL) == (o->from != NULL || o->to != NULL || o->step != NULL)) {
		sw_cli_usage_error(
		    cli, "check",
		    _("--sweep needs either --values A,B,C or --from X --to Y --step S"));
		return false;
	}
	v = calloc(SWEEP_MAX, sizeof *v);
	if (v == NULL) {
		sw_cli_errorf(cli, "%s", _("out of memory"));
		return false;
	}
	if (o->values != NULL) {
		/* ';' separates when present, so 5,5;6 can carry decimal commas */
		char sep = strchr(o->values, ';') ? ';' : ',';
		const char *s = o->values;
		for (;;) {
			const char *e = strchr(s, sep);
			size_t len = e ? (size_t)(e - s) : strlen(s);
			char cell[64];
			double x;
			if (len == 0 || len >= sizeof cell || k == SWEEP_MAX) {
				sw_cli_usage_error(
				    cli, "check",
				    _("--values: expected numbers separated by ',' (at "
				      "most %d), got '%s'"),
				    SWEEP_MAX, o->values);
				goto bad;
			}
			memcpy(cell, s, len);
			cell[len] = '\0';
			if (strncmp(cell, "1:", 2) == 0 && u->dim == SW_DIM_SLOPE &&
			    sw_unit_parse(u, cell, &x)) {
				x = sw_unit_from_base(u, x); /* 1:16 in the sweep's unit */
			} else if (!sw_num_parse(cell, SW_NUM_COMMA | SW_NUM_TRIM, &x) ||
			           (strcmp(u->name, "ratio") == 0 && !(x > 0))) {
				sw_cli_usage_error(cli, "check",
				                   _("--values: '%s' is not a number"), cell);
				goto bad;
			}
			v[k++] = x;
			if (e == NULL)
				break;
			s = e + 1;
		}
	} else {
		double from, to, step;
		if (o->from == NULL || o->to == NULL || o->step == NULL ||
		    !sw_num_parse(o->from, SW_NUM_COMMA | SW_NUM_TRIM, &from) ||
		    !sw_num_parse(o->to, SW_NUM_COMMA | SW_NUM_TRIM, &to) ||
		    !sw_num_parse(o->step, SW_NUM_COMMA | SW_NUM_TRIM, &step) || !(step > 0) ||
		    to < from || (to - from) / step >= SWEEP_MAX) {
			sw_cli_usage_error(
			    cli, "check",
			    _("--from X --to Y --step S: three numbers, X <= Y, S > 0, "
			      "at most %d candidates"),
			    SWEEP_MAX);
			goto bad;
		}
		for (double i = 0; from + i * step <= to + step * 1e-9 && k < SWEEP_MAX; i++) {
			/* round away the binary noise of repeated steps: 4.1 not 4.0999 */
			double x = from + i * step;
			v[k++] = round(x * 1e9) / 1e9;
		}
		if (strcmp(u->name, "ratio") == 0 && !(from > 0)) {
			sw_cli_usage_error(cli, "check", "%s",
			                   _("a ratio 1:N needs N > 0 (--from above 0)"));
			goto bad;
		}
	}
	qsort(v, k, sizeof *v, dbl_cmp);
	{
		size_t w = 0;
		for (size_t i = 0; i < k; i++)
			if (w == 0 || v[i] != v[w - 1])
				v[w++] = v[i];
		k = w;
	}
	*out = v;
	*n = k;
	return true;
bad:
	free(v);
	return false;
}

static double share(long long pass, long long fail)
{
	return pass + fail > 0 ? 100.0 * (double)pass / (double)(pass + fail) : NAN;
}

static void sweep_table(const struct sw_profile *prof, const struct sw_calib_sweep *sw,
                        const double *uv, const bool *cur, const struct sw_unit *u)
{
	const struct sw_rule *r = sw->rule;
	char lim[256];

	sw_rule_limit_text(r, lim, sizeof lim);
	printf(_("Sweep of %s (%s: %s %s%s%s) under profile %s (%s)\n"), r->id, r->type,
	       r->op == SW_NOP_WITHIN ? "" : r->field, lim, r->when ? _(" when ") : "", nz(r->when),
	       prof->name, prof->chain);
	printf(_("%lld points selected; the rule applies to %lld, of which %lld lack a "
	         "measurement\n"),
	       sw->npoints, sw->napplies, sw->nmissing);
	printf(_("experts by experience: hard = judged hard or impassable, easy = judged easy "
	         "(field %s)\n\n"),
	       SW_CALIB_EXPERIENCED);
	/* columns as wide as their (translated) heads */
	const char *h[10] = {_("limit"),        _("pass"),        _("fail"), _("incompl"),
	                     _("pass %"),       _("overall"),     _("fail"), _("incompl"),
	                     _("hard passing"), _("easy failing")};
	static const int min[10] = {22, 6, 6, 6, 7, 7, 6, 6, 12, 12};
	int w[10];
	for (int k = 0; k < 10; k++) {
		w[k] = col_w(h[k], min[k]);
		fputs(k == 0 ? "  " : k == 5 || k == 8 ? "  | " : " ", stdout);
		head_cell(h[k], w[k], k == 0 || k >= 8);
	}
	putchar('\n');
	for (size_t i = 0; i < sw->nrows; i++) {
		const struct sw_calib_sweep_row *row = &sw->rows[i];
		char l[256], sh[32], hp[32], ef[32];
		double s = share(row->rule[SW_OUT_PASS], row->rule[SW_OUT_FAIL]);
		(void)uv;
		sw_rule_limit_text_at(r, row->limit, u, l, sizeof l);
		if (isnan(s))
			snprintf(sh, sizeof sh, "-");
		else
			snprintf(sh, sizeof sh, "%.1f%%", s);
		snprintf(hp, sizeof hp, "%lld / %lld", row->agree.hard_pass, row->agree.hard);
		snprintf(ef, sizeof ef, "%lld / %lld", row->agree.easy_fail, row->agree.easy);
		printf("%s %-*s %*lld %*lld %*lld %*s  | %*lld %*lld %*lld  | %-*s %-*s\n",
		       cur[i] ? "*" : " ", w[0], l, w[1], row->rule[SW_OUT_PASS], w[2],
		       row->rule[SW_OUT_FAIL], w[3], row->rule[SW_OUT_INCOMPLETE], w[4], sh, w[5],
		       row->overall[SW_OUT_PASS], w[6], row->overall[SW_OUT_FAIL], w[7],
		       row->overall[SW_OUT_INCOMPLETE], w[8], hp, w[9], ef);
	}
	printf(
	    _("\n* the profile's own limit. pass/fail/incompl: the rule on the points it applies "
	      "to; overall: every selected point's verdict with that limit.\n"));
}

static void sweep_csv(const struct sw_calib_sweep *sw, const double *uv, const bool *cur,
                      const struct sw_unit *u)
{
	static const char *const head[] = {"limit",          "unit",
	                                   "limit_text",     "rule_pass",
	                                   "rule_fail",      "rule_incomplete",
	                                   "pass_share_pct", "overall_pass",
	                                   "overall_fail",   "overall_incomplete",
	                                   "judged_hard",    "hard_passing",
	                                   "judged_easy",    "easy_failing",
	                                   "profile_limit"};
	csv_row(head, 15);
	for (size_t i = 0; i < sw->nrows; i++) {
		const struct sw_calib_sweep_row *row = &sw->rows[i];
		char c[15][64], lt[256];
		const char *cells[15];
		double s = share(row->rule[SW_OUT_PASS], row->rule[SW_OUT_FAIL]);
		sw_num_format_upto(uv[i], 4, c[0], sizeof c[0]);
		snprintf(c[1], sizeof c[1], "%s", strcmp(u->name, "ratio") == 0 ? "1:N" : u->name);
		sw_rule_limit_text_at(sw->rule, row->limit, u, lt, sizeof lt);
		snprintf(c[3], 64, "%lld", row->rule[SW_OUT_PASS]);
		snprintf(c[4], 64, "%lld", row->rule[SW_OUT_FAIL]);
		snprintf(c[5], 64, "%lld", row->rule[SW_OUT_INCOMPLETE]);
		if (isnan(s))
			c[6][0] = '\0';
		else
			snprintf(c[6], 64, "%.1f", s);
		snprintf(c[7], 64, "%lld", row->overall[SW_OUT_PASS]);
		snprintf(c[8], 64, "%lld", row->overall[SW_OUT_FAIL]);
		snprintf(c[9], 64, "%lld", row->overall[SW_OUT_INCOMPLETE]);
		snprintf(c[10], 64, "%lld", row->agree.hard);
		snprintf(c[11], 64, "%lld", row->agree.hard_pass);
		snprintf(c[12], 64, "%lld", row->agree.easy);
		snprintf(c[13], 64, "%lld", row->agree.easy_fail);
		snprintf(c[14], 64, "%s", cur[i] ? "yes" : "no");
		for (int k = 0; k < 15; k++)
			cells[k] = c[k];
		cells[2] = lt;
		csv_row(cells, 15);
	}
}

static void sweep_json(const struct sw_profile *prof, const struct sw_calib_sweep *sw,
                       const double *uv, const bool *cur, const struct sw_unit *u)
{
	json_t *rows = json_array(), *lines = json_array(), *root;
	char lim[256];

	for (size_t i = 0; i < sw->nrows; i++) {
		const struct sw_calib_sweep_row *row = &sw->rows[i];
		char lt[256];
		sw_rule_limit_text_at(sw->rule, row->limit, u, lt, sizeof lt);
		json_array_append_new(
		    rows, json_pack("{s:f, s:s, s:b, s:{s:I, s:I, s:I}, s:{s:I, s:I, s:I}, s:o}",
		                    "limit", uv[i], "limit_text", lt, "profile_limit", cur[i],
		                    "rule", "pass", (json_int_t)row->rule[SW_OUT_PASS], "fail",
		                    (json_int_t)row->rule[SW_OUT_FAIL], "incomplete",
		                    (json_int_t)row->rule[SW_OUT_INCOMPLETE], "overall", "pass",
		                    (json_int_t)row->overall[SW_OUT_PASS], "fail",
		                    (json_int_t)row->overall[SW_OUT_FAIL], "incomplete",
		                    (json_int_t)row->overall[SW_OUT_INCOMPLETE], "agreement",
		                    agree_json(&row->agree)));
	}
	for (size_t g = 0; g < sw->ngroups; g++) {
		json_t *p = json_array(), *fl = json_array();
		for (size_t i = 0; i < sw->nrows; i++) {
			json_array_append_new(p, json_integer(sw->gpass[g * sw->nrows + i]));
			json_array_append_new(fl, json_integer(sw->gfail[g * sw->nrows + i]));
		}
		json_array_append_new(lines, json_pack("{s:s, s:o, s:o}", "group", sw->groups[g],
		                                       "pass", p, "fail", fl));
	}
	sw_rule_limit_text(sw->rule, lim, sizeof lim);
	root = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:o}", "profile",
	                 prof->name, "rule", sw->rule->id, "rule_limit", lim, "type",
	                 sw->rule->type, "unit", strcmp(u->name, "ratio") == 0 ? "1:N" : u->name,
	                 "points", (json_int_t)sw->npoints, "applies", (json_int_t)sw->napplies,
	                 "missing", (json_int_t)sw->nmissing, "limits", rows, "lines", lines);
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	fputc('\n', stdout);
	json_decref(root);
}

int sw_cli_check_sweep(struct sw_cli *cli, struct sw_store *s, const struct sw_filter *f,
                       const char *pname, const struct sw_cli_sweep *o, enum sw_out_fmt fmt)
{
	struct sw_profile *prof = sw_cli_profile(cli, pname);
	struct sw_calib_sweep *sw = NULL;
	struct sw_calib_sweep_opts so = {.rule_id = o->rule_id, .lines = o->lines};
	const struct sw_rule *r;
	const struct sw_unit *u;
	struct sw_error err = {0};
	double *uv = NULL, *base = NULL;
	bool *cur = NULL;
	size_t n = 0;
	int rc = SW_EXIT_ERROR;

	if (prof == NULL)
		goto out;
	so.prof = prof;
	r = sw_profile_rule(prof, o->rule_id);
	if (r == NULL || !sw_rule_sweepable(r)) {
		/* the app says why, naming the rule */
		if (sw_calib_sweep(s, f, &so, &sw, &err) != SW_OK)
			sw_cli_error(cli, &err);
		goto out;
	}
	u = r->op == SW_NOP_WITHIN ? r->unit : r->field_unit;
	if (o->unit != NULL) {
		const struct sw_unit *uu = sw_unit_find(o->unit);
		if (uu == NULL || uu->dim != u->dim) {
			sw_cli_usage_error(
			    cli, "check",
			    _("--unit '%s': expected a unit of the rule's kind, as %s"), o->unit,
			    u->name);
			goto out;
		}
		u = uu;
	}
	if (!sweep_values(cli, o, u, &uv, &n))
		goto out;
	base = calloc(n, sizeof *base);
	cur = calloc(n, sizeof *cur);
	if (base == NULL || cur == NULL) {
		sw_cli_errorf(cli, "%s", _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		base[i] = sw_unit_to_base(u, uv[i]);
		cur[i] = fabs(base[i] - r->lo) <= 1e-9 * (fabs(r->lo) > 1 ? fabs(r->lo) : 1);
	}
	so.limits = base;
	so.nlimits = n;
	if (o->lines == SW_LINES_AREA && (so.areas = sw_cli_areas(cli)) == NULL)
		goto out;
	if (sw_calib_sweep(s, f, &so, &sw, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	if (o->output != NULL) {
		char title[256];
		/* the chart speaks the language of schouw's messages */
		bool en = !sw_cli_dutch();
		if (o->title)
			snprintf(title, sizeof title, "%s", o->title);
		else
			snprintf(title, sizeof title, _("Sweep of %s under %s"), r->id, prof->name);
		enum sw_status crc = sw_calib_sweep_chart(sw, u, o->output, title, en, &err);
		/* no canvas is alive: let leak checkers see cairo's caches go */
		sw_render_release();
		if (crc != SW_OK) {
			sw_cli_error(cli, &err);
			goto out;
		}
	}
	if (fmt == SW_OUT_JSON)
		sweep_json(prof, sw, uv, cur, u);
	else if (fmt == SW_OUT_CSV)
		sweep_csv(sw, uv, cur, u);
	else
		sweep_table(prof, sw, uv, cur, u);
	if (o->output != NULL && fmt == SW_OUT_TABLE && !cli->quiet)
		printf(_("chart written to %s\n"), o->output);
	rc = SW_EXIT_OK;
out:
	sw_calib_sweep_free(sw);
	sw_profile_free(prof);
	free(uv);
	free(base);
	free(cur);
	return rc;
}
