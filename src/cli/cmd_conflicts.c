/* cmd_conflicts.c - schouw conflicts: what merges could not settle. */
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "schouw/store_sync.h"

static const char usage[] =
    N_("usage: schouw conflicts [--all]\n\n"
       "List the open conflicts of merges: per point and field both values, who\n"
       "changed them and when, and which one the point shows meanwhile. Settle\n"
       "one with 'schouw resolve ID FIELD ours|theirs|VALUE'.\n\n"
       "Options:\n"
       "  --all       also the settled ones, with how they were settled\n"
       "  --db PATH   the store\n");

enum { OPT_ALL = SW_OPT_FIRST_FREE };

static enum sw_status print_one(const struct sw_conflict *c, void *ud)
{
	long long *n = ud;
	const char *dash = "-";

	(*n)++;
	printf("#%lld %s %s\n", c->id, c->point_uuid, c->field);
	printf(_("  ours:   %s  (%s, %s)\n"), c->ours ? c->ours : dash,
	       c->ours_who ? c->ours_who : dash, c->ours_at ? c->ours_at : dash);
	printf(_("  theirs: %s  (%s, %s)\n"), c->theirs ? c->theirs : dash,
	       c->theirs_who ? c->theirs_who : dash, c->theirs_at ? c->theirs_at : dash);
	if (c->resolved_at != NULL)
		printf(_("  settled: %s (%s, %s)\n"), c->resolution ? c->resolution : dash,
		       c->resolved_by ? c->resolved_by : dash, c->resolved_at);
	else
		printf(_("  shown meanwhile: %s\n"),
		       strcmp(c->shown, "ours") == 0 ? _("ours") : _("theirs"));
	return SW_OK;
}

int cmd_conflicts(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    SW_CLI_COMMON_OPTS, {"all", no_argument, NULL, OPT_ALL}, {NULL, 0, NULL, 0}};
	struct sw_error err = {0};
	struct sw_store *store;
	bool all = false;
	long long n = 0;
	int rc = SW_EXIT_ERROR, c;

	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &rc)) != -1) {
		if (c == SW_CLI_STOP)
			return rc;
		if (c == OPT_ALL)
			all = true;
	}
	if (!sw_cli_no_args(cli, "conflicts", argc, argv))
		return SW_EXIT_ERROR;
	store = sw_cli_store(cli, SW_STORE_READ);
	if (store == NULL)
		return SW_EXIT_ERROR;
	if (sw_store_sync_conflicts(store, all, NULL, print_one, &n, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		return SW_EXIT_ERROR;
	}
	if (n == 0 && !cli->quiet)
		printf(all ? _("no conflicts\n") : _("no open conflicts\n"));
	return SW_EXIT_OK;
}
