/* cmd_list.c - schouw list: points as a table, CSV or JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "output.h"

static const char usage[] = N_(
	"usage: schouw list [filters] [--format table|csv|json]\n\n"
	"List points. A table for people; CSV (RFC 4180: id, uuid, type, status, x, y,\n"
	"surveyor, observed_at, gps_accuracy_m, note and every measurement) and JSON for\n"
	"scripts. Spatial filters use the store's R-tree index.\n\n"
	"Filters:\n"
	"%s"
	"Options:\n"
	"  --format F          table (default), csv or json\n"
	"  --db PATH           the store\n");

enum { OPT_FORMAT = SW_OPT_FIRST_FREE };

#define NCOLS 7

struct list_state {
	struct sw_forms *forms;
	enum sw_out_fmt fmt;
	const struct sw_field **fields;
	size_t nfields;
	json_t *array;
	char **cells; /* table: NCOLS strings per row */
	size_t nrows, cap;
};

static char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

static enum sw_status add_row(const struct sw_point *p, void *ud)
{
	struct list_state *st = ud;
	char buf[64];

	if (st->fmt == SW_OUT_CSV) {
		sw_out_csv_row(stdout, p, st->fields, st->nfields);
		return SW_OK;
	}
	if (st->fmt == SW_OUT_JSON) {
		json_array_append_new(st->array, sw_out_point_json(st->forms, p));
		return SW_OK;
	}
	if (st->nrows == st->cap) {
		size_t ncap = st->cap ? st->cap * 2 : 64;
		char **n = realloc(st->cells, ncap * NCOLS * sizeof *n);
		if (n == NULL)
			return SW_ERR_NOMEM;
		st->cells = n;
		st->cap = ncap;
	}
	char **row = st->cells + st->nrows * NCOLS;
	snprintf(buf, sizeof buf, "%lld", p->id);
	row[0] = xstrdup(buf);
	row[1] = xstrdup(p->type);
	row[2] = xstrdup(p->status);
	snprintf(buf, sizeof buf, "%.2f", p->x);
	row[3] = xstrdup(buf);
	snprintf(buf, sizeof buf, "%.2f", p->y);
	row[4] = xstrdup(buf);
	row[5] = xstrdup(p->surveyor);
	row[6] = xstrdup(p->note);
	st->nrows++;
	for (int i = 0; i < NCOLS; i++)
		if (row[i] == NULL)
			return SW_ERR_NOMEM;
	return SW_OK;
}

static void print_table(const struct list_state *st)
{
	const char *head[NCOLS] = {_("id"), _("type"), _("status"), _("x"), _("y"), _("surveyor"),
				   _("note")};
	const int right[NCOLS] = {1, 0, 0, 1, 1, 0, 0};

	sw_out_table(head, (const char *const *)st->cells, st->nrows, NCOLS, right);
	printf(ngettext("(%zu point)\n", "(%zu points)\n", st->nrows), st->nrows);
}

int cmd_list(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		SW_CLI_COMMON_OPTS,
		SW_CLI_FILTER_OPTS,
		{"format", required_argument, NULL, OPT_FORMAT},
		{NULL, 0, NULL, 0},
	};
	struct list_state st = {0};
	struct sw_filter filter = {0};
	struct sw_error err = {0};
	struct sw_store *store;
	int rc = SW_EXIT_ERROR;
	int c;

	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), &filter, &rc)) != -1) {
		if (c == SW_CLI_STOP)
			goto out;
		if (c != OPT_FORMAT)
			goto out;
		if (!sw_cli_out_fmt(cli, "list", optarg, &st.fmt))
			goto out;
	}
	store = sw_cli_filtered_store(cli, "list", argc, argv, &filter, SW_STORE_READ);
	if (store == NULL)
		goto out;
	st.forms = cli->forms;
	if (sw_forms_all_fields(st.forms, &st.fields, &st.nfields, &err) != SW_OK)
		goto fail;
	if (st.fmt == SW_OUT_CSV)
		sw_out_csv_header(stdout, st.fields, st.nfields);
	if (st.fmt == SW_OUT_JSON)
		st.array = json_array();
	if (sw_store_query(store, &filter, add_row, &st, &err) != SW_OK)
		goto fail;
	if (st.fmt == SW_OUT_JSON) {
		json_dumpf(st.array, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
		fputc('\n', stdout);
	} else if (st.fmt == SW_OUT_TABLE) {
		print_table(&st);
	}
	rc = SW_EXIT_OK;
	goto out;
fail:
	sw_cli_error(cli, &err);
out:
	for (size_t i = 0; i < st.nrows * NCOLS; i++)
		free(st.cells[i]);
	free(st.cells);
	free(st.fields);
	json_decref(st.array);
	return rc;
}
