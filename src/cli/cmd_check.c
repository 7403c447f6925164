/* cmd_check.c - schouw check: every point judged against a norm profile, the
 * run stored in the store (check_run, check_result). */
#include <csv.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "output.h"
#include "calib_print.h"
#include "schouw/check.h"
#include "verdict.h"

static const char usage[] =
    N_("usage: schouw check [--profile P] [--format table|csv|json] [--summary] [filters]\n"
       "       schouw check --compare A B [--format F] [filters]\n"
       "       schouw check --sweep RULE (--values 5,6,7 | --from X --to Y --step S)\n"
       "                    [--unit U] [--profile P] [-o chart.png] [--lines L] [filters]\n\n"
       "Judge every point against the rules of a norm profile (survey/norms/P.csv):\n"
       "pass, fail (naming the rule, the measured value against the limit in the rule's\n"
       "unit, and its source) or incomplete (naming the missing measurement). Rules\n"
       "across layers (a kerb ramp within 5 m of a disabled parking bay) look at every\n"
       "point in the store, whatever the filters. The run is stored in the store's\n"
       "check_run and check_result tables.\n\n"
       "Exit status: 0 when every point passes, 1 when a point fails or is incomplete,\n"
       "2 for usage or input errors.\n\n"
       "Filters:\n"
       "%s"
       "Options:\n"
       "  --profile P         the profile (default: the store's, see 'schouw profile',\n"
       "                      else kor-dordrecht); a path to a .csv file also works\n"
       "  --format F          table (default), csv or json\n"
       "  --summary           only the summary per type and status\n"
       "  --no-record         do not store the run (the store is opened read-only);\n"
       "                      implied by --as-of\n"
       "\nRe-calibrating a profile (survey/norms/README.md; exit status 0 unless an error;\n"
       "nothing is stored):\n"
       "  --compare A B       judge every point under profiles A and B; list the points\n"
       "                      whose verdict changes, grouped by the rule that makes the\n"
       "                      difference, a summary per type and status, and how each\n"
       "                      profile agrees with the experts' field 'experience'\n"
       "  --sweep RULE        judge the points with each candidate limit of one rule:\n"
       "                      pass/fail of the rule and overall, and the agreement\n"
       "  --values LIST       the candidates, in the field's unit: 5,6,7 (or 5,5;6 with ';')\n"
       "  --from X --to Y --step S   the candidates X, X+S, ... Y\n"
       "  --unit U            the unit of the candidates (default: the field's; 1:N: ratio)\n"
       "  -o, --output FILE   also draw the pass share against the limit as a PNG chart\n"
       "  --lines L           chart lines per type (default), area or experience\n"
       "  --title TEXT        the chart's title\n"
       "  --db PATH           the store\n");

enum {
	OPT_FORMAT = SW_OPT_FIRST_FREE,
	OPT_PROFILE,
	OPT_SUMMARY,
	OPT_NO_RECORD,
	OPT_COMPARE,
	OPT_SWEEP,
	OPT_VALUES,
	OPT_FROM,
	OPT_TO,
	OPT_STEP,
	OPT_UNIT,
	OPT_OUTPUT,
	OPT_LINES,
	OPT_TITLE
};

struct sum {
	char *type, *status;
	long long n[3]; /* by enum sw_outcome */
};

struct check_state {
	const struct sw_profile *prof;
	struct sw_verdict v;
	struct sw_check_near *near;
	struct sw_check_run *run;
	enum sw_out_fmt fmt;
	bool summary_only;
	json_t *points;
	struct sum *sums;
	size_t nsums, capsums;
	long long total[3];
	struct sw_error err;
};

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* One CSV cell, quoted by libcsv; cells that a spreadsheet would take for a
 * formula get a leading apostrophe. */
static void csv_cell(const char *s, bool last)
{
	char *guarded = NULL;

	s = nz(s);
	if (*s == '=' || *s == '+' || *s == '@' || (*s == '-' && !(s[1] >= '0' && s[1] <= '9'))) {
		size_t n = strlen(s) + 2;
		guarded = malloc(n);
		if (guarded != NULL) {
			snprintf(guarded, n, "'%s", s);
			s = guarded;
		}
	}
	csv_fwrite(stdout, s, strlen(s));
	fputc(last ? '\n' : ',', stdout);
	free(guarded);
}

static enum sw_status add_sum(struct check_state *st, const struct sw_point *p)
{
	struct sum *s = NULL;

	for (size_t i = 0; i < st->nsums; i++)
		if (strcmp(st->sums[i].type, nz(p->type)) == 0 &&
		    strcmp(st->sums[i].status, nz(p->status)) == 0) {
			s = &st->sums[i];
			break;
		}
	if (s == NULL) {
		if (st->nsums == st->capsums) {
			size_t cap = st->capsums ? st->capsums * 2 : 16;
			struct sum *n = realloc(st->sums, cap * sizeof *n);
			if (n == NULL)
				return SW_ERR_NOMEM;
			st->sums = n;
			st->capsums = cap;
		}
		s = &st->sums[st->nsums];
		memset(s, 0, sizeof *s);
		s->type = strdup(nz(p->type));
		s->status = strdup(nz(p->status));
		if (s->type == NULL || s->status == NULL) {
			free(s->type);
			free(s->status);
			return SW_ERR_NOMEM;
		}
		st->nsums++;
	}
	s->n[st->v.outcome]++;
	st->total[st->v.outcome]++;
	return SW_OK;
}

static json_t *finding_json(const struct sw_finding *f)
{
	const struct sw_rule *r = f->rule;
	char measured[96], limit[256], desc[512];
	json_t *o;

	sw_finding_measured(f, measured, sizeof measured);
	sw_rule_limit_text(r, limit, sizeof limit);
	sw_finding_describe(f, desc, sizeof desc);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "rule", r->id,
	              "outcome", sw_outcome_name(f->outcome), "severity",
	              sw_severity_name(r->severity), "field", f->missing ? f->missing : r->field,
	              "measured", measured, "limit", limit, "text", desc, "message_nl",
	              nz(r->message_nl), "message_en", nz(r->message_en), "source", r->source);
	return o;
}

static enum sw_status print_point(struct check_state *st, const struct sw_point *p)
{
	const struct sw_verdict *v = &st->v;

	if (st->summary_only)
		return SW_OK;
	if (st->fmt == SW_OUT_TABLE) {
		printf("#%-6lld %-18s %-12s %s\n", p->id, nz(p->type), nz(p->status),
		       sw_cli_outcome_label(v->outcome));
		sw_cli_print_findings(stdout, v, "        ");
	} else if (st->fmt == SW_OUT_CSV) {
		char id[32], measured[96], limit[256], desc[512];
		snprintf(id, sizeof id, "%lld", p->id);
		for (size_t i = 0; i == 0 || i < v->nfindings; i++) {
			const struct sw_finding *f = v->nfindings ? &v->findings[i] : NULL;
			csv_cell(id, false);
			csv_cell(p->uuid, false);
			csv_cell(p->type, false);
			csv_cell(p->status, false);
			csv_cell(sw_outcome_name(v->outcome), false);
			if (f == NULL) {
				for (int k = 0; k < 8; k++)
					csv_cell("", k == 7);
				continue;
			}
			sw_finding_measured(f, measured, sizeof measured);
			sw_rule_limit_text(f->rule, limit, sizeof limit);
			sw_finding_describe(f, desc, sizeof desc);
			csv_cell(f->rule->id, false);
			csv_cell(sw_outcome_name(f->outcome), false);
			csv_cell(sw_severity_name(f->rule->severity), false);
			csv_cell(f->missing ? f->missing : f->rule->field, false);
			csv_cell(measured, false);
			csv_cell(limit, false);
			csv_cell(sw_cli_rule_message(f->rule), false);
			csv_cell(f->rule->source, true);
		}
	} else {
		json_t *fs = json_array();
		json_t *o;
		for (size_t i = 0; i < v->nfindings; i++)
			json_array_append_new(fs, finding_json(&v->findings[i]));
		o = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:o}", "id", (json_int_t)p->id,
		              "uuid", p->uuid, "type", nz(p->type), "status", nz(p->status), "x",
		              isfinite(p->x) ? json_real(p->x) : json_null(), "y",
		              isfinite(p->y) ? json_real(p->y) : json_null(), "verdict",
		              sw_outcome_name(v->outcome), "findings", fs);
		if (o == NULL || json_array_append_new(st->points, o) != 0)
			return SW_ERR_NOMEM;
	}
	return SW_OK;
}

static enum sw_status check_one(const struct sw_point *p, void *ud)
{
	struct check_state *st = ud;
	enum sw_status rc;

	rc = sw_norm_check_point(st->prof, p, sw_check_near_fn, st->near, &st->v, &st->err);
	if (rc == SW_OK && st->run != NULL)
		rc = sw_check_run_add(st->run, p, &st->v, &st->err);
	if (rc == SW_OK)
		rc = add_sum(st, p);
	if (rc == SW_OK)
		rc = print_point(st, p);
	if (rc == SW_ERR_NOMEM && st->err.msg[0] == '\0')
		sw_error_set(&st->err, rc, "%s", _("out of memory"));
	return rc;
}

static int sum_cmp(const void *a, const void *b)
{
	const struct sum *x = a, *y = b;
	int c = strcmp(x->type, y->type);

	return c ? c : strcmp(x->status, y->status);
}

static void print_summary(const struct check_state *st)
{
	long long all = st->total[0] + st->total[1] + st->total[2];

	if (st->fmt == SW_OUT_CSV) {
		const char *h[] = {"type", "status", "pass", "fail", "incomplete", "total"};
		for (int i = 0; i < 6; i++)
			csv_cell(h[i], i == 5);
		for (size_t i = 0; i < st->nsums; i++) {
			const struct sum *s = &st->sums[i];
			printf("%s,%s,%lld,%lld,%lld,%lld\n", s->type, s->status, s->n[SW_OUT_PASS],
			       s->n[SW_OUT_FAIL], s->n[SW_OUT_INCOMPLETE],
			       s->n[0] + s->n[1] + s->n[2]);
		}
		return;
	}
	printf(_("\nSummary per type and status (profile %s)\n"), st->prof->name);
	/* count columns as wide as their (translated) heads */
	const char *head[4] = {_("pass"), _("fail"), _("incomplete"), _("total")};
	int w[4] = {7, 7, 11, 7};
	for (int k = 0; k < 4; k++) {
		int hw = (int)sw_out_width(head[k]);
		if (hw > w[k])
			w[k] = hw;
	}
	printf("%-18s %-12s", _("type"), _("status"));
	for (int k = 0; k < 4; k++)
		printf(" %*s", w[k] + (int)(strlen(head[k]) - sw_out_width(head[k])), head[k]);
	putchar('\n');
	for (size_t i = 0; i < st->nsums; i++) {
		const struct sum *s = &st->sums[i];
		printf("%-18s %-12s %*lld %*lld %*lld %*lld\n", s->type, s->status, w[0],
		       s->n[SW_OUT_PASS], w[1], s->n[SW_OUT_FAIL], w[2], s->n[SW_OUT_INCOMPLETE],
		       w[3], s->n[0] + s->n[1] + s->n[2]);
	}
	printf("%-18s %-12s %*lld %*lld %*lld %*lld\n", _("all"), "", w[0],
	       st->total[SW_OUT_PASS], w[1], st->total[SW_OUT_FAIL], w[2],
	       st->total[SW_OUT_INCOMPLETE], w[3], all);
}

static json_t *summary_json(const struct check_state *st)
{
	json_t *a = json_array();

	for (size_t i = 0; i < st->nsums; i++) {
		const struct sum *s = &st->sums[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "type",
		                                   s->type, "status", s->status, "pass",
		                                   (json_int_t)s->n[SW_OUT_PASS], "fail",
		                                   (json_int_t)s->n[SW_OUT_FAIL], "incomplete",
		                                   (json_int_t)s->n[SW_OUT_INCOMPLETE], "total",
		                                   (json_int_t)(s->n[0] + s->n[1] + s->n[2])));
	}
	return a;
}

static const char csv_header[] = "point_id,uuid,type,status,verdict,rule_id,outcome,severity,"
                                 "field,measured,limit,message,source\n";

int cmd_check(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    SW_CLI_COMMON_OPTS,
	    SW_CLI_FILTER_OPTS,
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"profile", required_argument, NULL, OPT_PROFILE},
	    {"summary", no_argument, NULL, OPT_SUMMARY},
	    {"no-record", no_argument, NULL, OPT_NO_RECORD},
	    {"compare", required_argument, NULL, OPT_COMPARE},
	    {"sweep", required_argument, NULL, OPT_SWEEP},
	    {"values", required_argument, NULL, OPT_VALUES},
	    {"from", required_argument, NULL, OPT_FROM},
	    {"to", required_argument, NULL, OPT_TO},
	    {"step", required_argument, NULL, OPT_STEP},
	    {"unit", required_argument, NULL, OPT_UNIT},
	    {"output", required_argument, NULL, OPT_OUTPUT},
	    {"lines", required_argument, NULL, OPT_LINES},
	    {"title", required_argument, NULL, OPT_TITLE},
	    {NULL, 0, NULL, 0},
	};
	struct check_state st = {0};
	struct sw_filter filter = {0};
	struct sw_profile *prof = NULL;
	struct sw_store *store;
	const char *pname = NULL;
	char *defname = NULL;
	bool record = true;
	long long run_id = 0;
	int rc = SW_EXIT_ERROR;
	int c;
	const char *compare = NULL;
	struct sw_cli_sweep sweep = {0};
	bool sweep_opt = false;

	/* -o: the shared option loop knows only -h and -q as short options */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-o") == 0)
			argv[i] = (char *)"--output";
	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), &filter, &rc)) != -1) {
		if (c == SW_CLI_STOP)
			goto out;
		switch (c) {
		case OPT_FORMAT:
			if (!sw_cli_out_fmt(cli, "check", optarg, &st.fmt))
				goto out;
			break;
		case OPT_PROFILE:
			pname = optarg;
			break;
		case OPT_SUMMARY:
			st.summary_only = true;
			break;
		case OPT_NO_RECORD:
			record = false;
			break;
		case OPT_COMPARE:
			compare = optarg;
			break;
		case OPT_SWEEP:
			sweep.rule_id = optarg;
			break;
		case OPT_VALUES:
			sweep.values = optarg;
			sweep_opt = true;
			break;
		case OPT_FROM:
			sweep.from = optarg;
			sweep_opt = true;
			break;
		case OPT_TO:
			sweep.to = optarg;
			sweep_opt = true;
			break;
		case OPT_STEP:
			sweep.step = optarg;
			sweep_opt = true;
			break;
		case OPT_UNIT:
			sweep.unit = optarg;
			sweep_opt = true;
			break;
		case OPT_OUTPUT:
			sweep.output = optarg;
			sweep_opt = true;
			break;
		case OPT_TITLE:
			sweep.title = optarg;
			sweep_opt = true;
			break;
		case OPT_LINES:
			sweep_opt = true;
			if (strcmp(optarg, "type") == 0) {
				sweep.lines = SW_LINES_TYPE;
			} else if (strcmp(optarg, "area") == 0) {
				sweep.lines = SW_LINES_AREA;
			} else if (strcmp(optarg, "experience") == 0) {
				sweep.lines = SW_LINES_EXPERIENCED;
			} else {
				sw_cli_usage_error(
				    cli, "check",
				    _("--lines: expected type, area or experience, got '%s'"),
				    optarg);
				goto out;
			}
			break;
		default:
			goto out;
		}
	}
	/* a run judges the store as it is: a look at the past is not recorded */
	if (filter.as_of != NULL)
		record = false;
	if (compare != NULL || sweep.rule_id != NULL) {
		const char *b = NULL;
		if (compare != NULL && sweep.rule_id != NULL) {
			sw_cli_usage_error(cli, "check", "%s",
			                   _("--compare and --sweep are separate analyses: give one"));
			goto out;
		}
		if (compare != NULL && (pname != NULL || sweep_opt)) {
			sw_cli_usage_error(cli, "check", "%s",
			                   _("--compare A B names both profiles; it takes no --profile "
			                     "or sweep options"));
			goto out;
		}
		if (st.summary_only) {
			sw_cli_usage_error(cli, "check", "%s",
			                   _("--summary is for a check run, not --compare or --sweep"));
			goto out;
		}
		if (compare != NULL) {
			if (optind >= argc) {
				sw_cli_usage_error(cli, "check", "%s",
				                   _("--compare needs two profiles: --compare A B"));
				goto out;
			}
			b = argv[optind++];
		}
		store = sw_cli_filtered_store(cli, "check", argc, argv, &filter, SW_STORE_READ);
		if (store == NULL)
			goto out;
		if (compare != NULL) {
			rc = sw_cli_check_compare(cli, store, &filter, compare, b, st.fmt);
			goto out;
		}
		if (pname == NULL) {
			defname = sw_cli_default_profile(cli);
			if (defname == NULL)
				goto out;
			pname = defname;
		}
		rc = sw_cli_check_sweep(cli, store, &filter, pname, &sweep, st.fmt);
		goto out;
	}
	if (sweep_opt) {
		sw_cli_usage_error(cli, "check", "%s",
		                   _("--values, --from, --to, --step, --unit, --output, --lines and "
		                     "--title go with --sweep RULE"));
		goto out;
	}
	store = sw_cli_filtered_store(cli, "check", argc, argv, &filter,
	                              record ? SW_STORE_WRITE : SW_STORE_READ);
	if (store == NULL)
		goto out;
	if (pname == NULL) {
		defname = sw_cli_default_profile(cli);
		if (defname == NULL)
			goto out;
		pname = defname;
	}
	prof = sw_cli_profile(cli, pname);
	if (prof == NULL)
		goto out;
	st.prof = prof;
	if (sw_verdict_init(&st.v, prof, &st.err) != SW_OK ||
	    sw_check_near_open(store, &st.near, &st.err) != SW_OK)
		goto fail;
	if (record && sw_check_run_begin(store, prof, &st.run, &st.err) != SW_OK)
		goto fail;
	if (st.fmt == SW_OUT_TABLE && !cli->quiet)
		printf(_("profile %s (%s), sha256 %.16s...\n"), prof->name, prof->chain,
		       prof->hash);
	if (st.fmt == SW_OUT_CSV && !st.summary_only)
		fputs(csv_header, stdout);
	if (st.fmt == SW_OUT_JSON)
		st.points = json_array();
	if (sw_store_query(store, &filter, check_one, &st, &st.err) != SW_OK)
		goto fail;
	if (record) {
		struct sw_check_run *run = st.run;
		st.run = NULL;
		if (sw_check_run_end(run, true, &run_id, &st.err) != SW_OK)
			goto fail;
	}
	if (st.nsums > 1)
		qsort(st.sums, st.nsums, sizeof *st.sums, sum_cmp);
	if (st.fmt == SW_OUT_JSON) {
		json_t *root = json_pack(
		    "{s:s, s:s, s:s, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I}}", "profile", prof->name,
		    "chain", prof->chain, "profile_hash", prof->hash, "run_id",
		    record ? json_integer(run_id) : json_null(), "points",
		    st.summary_only ? json_array() : json_incref(st.points), "summary",
		    summary_json(&st), "totals", "points",
		    (json_int_t)(st.total[0] + st.total[1] + st.total[2]), "pass",
		    (json_int_t)st.total[SW_OUT_PASS], "fail", (json_int_t)st.total[SW_OUT_FAIL],
		    "incomplete", (json_int_t)st.total[SW_OUT_INCOMPLETE]);
		if (root == NULL) {
			sw_error_set(&st.err, SW_ERR_NOMEM, "%s", _("out of memory"));
			goto fail;
		}
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
		fputc('\n', stdout);
		json_decref(root);
	} else if (st.fmt == SW_OUT_CSV) {
		if (st.summary_only)
			print_summary(&st);
	} else {
		print_summary(&st);
		if (record && !cli->quiet)
			printf(_("run %lld stored in %s\n"), run_id, cli->db_path);
	}
	rc = st.total[SW_OUT_FAIL] + st.total[SW_OUT_INCOMPLETE] > 0 ? SW_EXIT_FAIL : SW_EXIT_OK;
	goto out;
fail:
	sw_cli_error(cli, &st.err);
	rc = SW_EXIT_ERROR;
out:
	sw_check_run_end(st.run, false, NULL, NULL);
	sw_check_near_close(st.near);
	sw_verdict_clear(&st.v);
	for (size_t i = 0; i < st.nsums; i++) {
		free(st.sums[i].type);
		free(st.sums[i].status);
	}
	free(st.sums);
	json_decref(st.points);
	sw_profile_free(prof);
	free(defname);
	return rc;
}
