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

enum { OPT_BY = SW_OPT_FIRST_FREE };

int cmd_set(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		SW_CLI_COMMON_OPTS,
		{"by", required_argument, NULL, OPT_BY},
		{NULL, 0, NULL, 0},
	};
	struct sw_error err = {0};
	struct sw_point p;
	struct sw_forms *forms;
	struct sw_store *store;
	const char *by = NULL;
	size_t nchanged = 0;
	int rc = SW_EXIT_ERROR;
	int c;

	sw_point_init(&p);
	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &rc)) != -1) {
		if (c == SW_CLI_STOP)
			goto out;
		if (c != OPT_BY)
			goto out;
		by = optarg;
	}
	if (argc - optind < 2) {
		sw_cli_usage_error(cli, "set", _("expected ID|UUID and at least one FIELD=VALUE"));
		goto out;
	}
	if (by != NULL && !sw_utf8_valid(by, strlen(by))) {
		sw_cli_errorf(cli, _("--by: not valid UTF-8 text"));
		goto out;
	}
	by = sw_cli_who(cli, by);
	forms = by != NULL ? sw_cli_forms(cli) : NULL;
	store = forms ? sw_cli_store(cli, SW_STORE_WRITE) : NULL;
	if (store == NULL)
		goto out;
	if (sw_store_get(store, argv[optind], &p, &err) != SW_OK)
		goto fail;
	for (int i = optind + 1; i < argc; i++)
		if (sw_input_assign(forms, &p, argv[i], &err) != SW_OK)
			goto fail;
	if (sw_form_validate(forms, &p, &err) != SW_OK)
		goto fail;
	if (sw_store_update(store, &p, by, &nchanged, &err) != SW_OK)
		goto fail;
	if (!cli->quiet)
		printf(ngettext("updated %s %lld: %zu field changed\n",
				"updated %s %lld: %zu fields changed\n", nchanged),
		       p.type, p.id, nchanged);
	sw_cli_print_verdict(cli, &p);
	rc = SW_EXIT_OK;
	goto out;
fail:
	sw_cli_error(cli, &err);
out:
	sw_point_clear(&p);
	return rc;
}
