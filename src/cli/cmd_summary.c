/* cmd_summary.c - schouw summary: points per type and status. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static const char usage[] = N_("usage: schouw summary [filters]\n\n"
			       "Count points per element type and status, in workflow order.\n\n"
			       "Filters:\n"
			       "%s");

struct tally {
	const struct sw_forms *forms;
	long long *n; /* nforms x (nstates + 1) */
	long long total;
};

static enum sw_status count(const struct sw_point *p, void *ud)
{
	struct tally *t = ud;
	size_t ns = t->forms->nstates + 1;
	size_t fi = 0, si = t->forms->nstates;

	while (fi < t->forms->nforms && strcmp(t->forms->forms[fi].type, p->type) != 0)
		fi++;
	if (fi == t->forms->nforms)
		return SW_OK; /* a type whose form was removed: not counted per type */
	for (size_t i = 0; i < t->forms->nstates; i++)
		if (strcmp(t->forms->states[i].name, p->status) == 0)
			si = i;
	t->n[fi * ns + si]++;
	t->total++;
	return SW_OK;
}

int cmd_summary(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {SW_CLI_COMMON_OPTS, SW_CLI_FILTER_OPTS,
					     {NULL, 0, NULL, 0}};
	struct sw_filter filter = {0};
	struct sw_error err = {0};
	struct tally t = {0};
	struct sw_forms *forms;
	struct sw_store *store;
	int rc = SW_EXIT_ERROR;
	size_t ns;
	int status = SW_EXIT_ERROR;

	if (sw_cli_next_opt(cli, argc, argv, opts, _(usage), &filter, &status) != -1)
		return status;
	store = sw_cli_filtered_store(cli, "summary", argc, argv, &filter, SW_STORE_READ);
	if (store == NULL)
		return SW_EXIT_ERROR;
	forms = cli->forms;
	ns = forms->nstates + 1;
	t.forms = forms;
	t.n = calloc(forms->nforms * ns, sizeof *t.n);
	if (t.n == NULL)
		goto out;
	if (sw_store_query(store, &filter, count, &t, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	printf("%-18s", _("type"));
	for (size_t s = 0; s < forms->nstates; s++)
		printf(" %12s", forms->states[s].name);
	printf(" %8s\n", _("total"));
	for (size_t f = 0; f < forms->nforms; f++) {
		long long row = 0;
		for (size_t s = 0; s < ns; s++)
			row += t.n[f * ns + s];
		if (row == 0)
			continue;
		printf("%-18s", forms->forms[f].type);
		for (size_t s = 0; s < forms->nstates; s++)
			printf(" %12lld", t.n[f * ns + s]);
		printf(" %8lld\n", row);
	}
	printf("%-18s", _("total"));
	for (size_t s = 0; s < forms->nstates; s++) {
		long long col = 0;
		for (size_t f = 0; f < forms->nforms; f++)
			col += t.n[f * ns + s];
		printf(" %12lld", col);
	}
	printf(" %8lld\n", t.total);
	rc = SW_EXIT_OK;
out:
	free(t.n);
	return rc;
}
