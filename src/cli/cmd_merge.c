/* cmd_merge.c - schouw merge: bring another store's changes in. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "schouw/merge.h"

static const char usage[] =
    N_("usage: schouw merge OTHER.gpkg [--prefer newer|ours|theirs] [--dry-run]\n\n"
       "Bring the changes of another store in, point by point (matched by uuid) and\n"
       "field by field, from both histories since the two stores last met. A field\n"
       "changed on one side takes that change; changed on both sides to different\n"
       "values it is a conflict, kept for 'schouw conflicts' and 'schouw resolve'.\n"
       "New points are added, deleted ones deleted; an edit against a delete is a\n"
       "conflict too. The other store's history and photos come along. One\n"
       "transaction: a failed merge changes nothing.\n\n"
       "Options:\n"
       "  --prefer P  what a point shows while a conflict is open: newer (the later\n"
       "              change, the default), ours or theirs\n"
       "  --dry-run   say what would change, change nothing\n"
       "  --by NAME   who merges; default $SCHOUW_USER, else $USER\n"
       "  --db PATH   the store to merge into\n");

enum { OPT_PREFER = SW_OPT_FIRST_FREE, OPT_DRY_RUN, OPT_BY };

int cmd_merge(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {SW_CLI_COMMON_OPTS,
	                                     {"prefer", required_argument, NULL, OPT_PREFER},
	                                     {"dry-run", no_argument, NULL, OPT_DRY_RUN},
	                                     {"by", required_argument, NULL, OPT_BY},
	                                     {NULL, 0, NULL, 0}};
	struct sw_merge_opts mo = {0};
	struct sw_merge_stats st = {0};
	struct sw_error err = {0};
	struct sw_store *ours, *theirs = NULL;
	const char *by = NULL;
	int rc = SW_EXIT_ERROR, c;

	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &rc)) != -1) {
		if (c == SW_CLI_STOP)
			return rc;
		if (c == OPT_PREFER && !sw_merge_prefer_parse(optarg, &mo.prefer)) {
			sw_cli_usage_error(cli, "merge",
			                   _("--prefer: expected newer, ours or theirs, not '%s'"),
			                   optarg);
			return SW_EXIT_ERROR;
		}
		if (c == OPT_DRY_RUN)
			mo.dry_run = true;
		if (c == OPT_BY)
			by = optarg;
	}
	rc = SW_EXIT_ERROR;
	if (optind + 1 != argc) {
		sw_cli_usage_error(cli, "merge", _("expected one OTHER.gpkg"));
		return rc;
	}
	mo.who = sw_cli_who(cli, by);
	if (mo.who == NULL)
		return rc;
	ours = sw_cli_store(cli, SW_STORE_WRITE);
	if (ours == NULL)
		return rc;
	if (sw_store_open(argv[optind], SW_STORE_READ, &theirs, &err) != SW_OK ||
	    sw_merge(ours, theirs, &mo, &st, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	if (!cli->quiet) {
		printf(mo.dry_run ? _("dry run, nothing changed; the merge would bring:\n")
		                  : _("merged %s:\n"),
		       argv[optind]);
		sw_cli_merge_counts("  ", &st);
		if (st.conflicts == 0)
			printf(_("  no conflicts\n"));
	}
	rc = SW_EXIT_OK;
out:
	sw_store_close(theirs);
	return rc;
}
