/* cmd_set.c - schouw set: change status, measurements or notes of a point. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "point_input.h"
#include "verdict.h"

static const char usage[] = N_(
	"usage: schouw set ID|UUID FIELD=VALUE... [--by NAME]\n\n"
	"Change a point. FIELD is status, note, surveyor, observed_at, gps_accuracy_m or a\n"
	"measurement of the point's form; an empty VALUE clears it. The result is\n"
	"validated by the form and every change is written to the point's history.\n\n"
	"Example: schouw set 12 status=realised running_slope_pct=7.9\n\n"
	"Options:\n"
	"  --by NAME   who made the change; default $SCHOUW_USER, else the surveyor\n"
	"              of 'schouw config', else $USER\n"
	"  --db PATH   the store\n");

int cmd_set(struct sw_cli *cli, int argc, char **argv)
{
	struct sw_point p;
	struct sw_error err = {0};
	struct sw_store *store;
	const char *who;
	size_t nchanged = 0;
	enum sw_status st = SW_OK;
	int rc;

	sw_point_init(&p);
	store = sw_cli_by_point(cli, "set", argc, argv, _(usage), true,
				_("expected ID|UUID and at least one FIELD=VALUE"), &who, &p, &rc);
	if (store == NULL)
		goto out;
	for (int i = optind + 1; i < argc && st == SW_OK; i++)
		st = sw_input_assign(cli->forms, &p, argv[i], &err);
	if (st == SW_OK)
		st = sw_form_validate(cli->forms, &p, &err);
	if (st == SW_OK)
		st = sw_store_update(store, &p, who, &nchanged, &err);
	if (st != SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	if (!cli->quiet)
		printf(ngettext("updated %s %lld: %zu field changed\n",
				"updated %s %lld: %zu fields changed\n", nchanged),
		       p.type, p.id, nchanged);
	sw_cli_print_verdict(cli, &p);
	rc = SW_EXIT_OK;
out:
	sw_point_clear(&p);
	return rc;
}
