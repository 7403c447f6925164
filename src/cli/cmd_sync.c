/* cmd_sync.c - schouw push and pull: keep the store and a shared PostGIS
 * database in step (push sends this store's changes, pull brings others'). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "schouw/sync.h"

static const char push_usage[] =
    N_("usage: schouw push CONNINFO [--source NAME] [--prefer newer|ours|theirs]\n\n"
       "Send this store's changes to a shared PostgreSQL/PostGIS database (made on\n"
       "first use). What others pushed is merged in first, field by field as\n"
       "'schouw merge' does (conflicts kept for 'schouw conflicts'); then the\n"
       "store's new history and the points it touches go up with COPY in one\n"
       "transaction. CONNINFO is any libpq connection string, a postgresql:// URI\n"
       "or service=NAME; passwords come from PGPASSFILE or the service file, never\n"
       "from the command line. sslmode and the rest are passed through.\n\n"
       "Options:\n"
       "  --source NAME  the municipality this store belongs to; every row in the\n"
       "                 database carries it (default: the one used before)\n"
       "  --prefer P     what a point shows while a conflict is open (newer)\n"
       "  --by NAME      who; default $SCHOUW_USER, else $USER\n"
       "  --db PATH      the store\n");

static const char pull_usage[] =
    N_("usage: schouw pull CONNINFO [--source NAME] [--prefer newer|ours|theirs]\n\n"
       "Bring what others pushed to a shared PostgreSQL/PostGIS database into this\n"
       "store, field by field as 'schouw merge' does (conflicts kept for 'schouw\n"
       "conflicts'). CONNINFO as for 'schouw push'.\n\n"
       "Options:\n"
       "  --source NAME  the municipality (default: the one used before)\n"
       "  --prefer P     what a point shows while a conflict is open (newer)\n"
       "  --by NAME      who; default $SCHOUW_USER, else $USER\n"
       "  --db PATH      the store\n");

enum { OPT_SOURCE = SW_OPT_FIRST_FREE, OPT_PREFER, OPT_BY };

/* push and pull: the same options and checks; push also sends. */
static int sync_cmd(struct sw_cli *cli, int argc, char **argv, bool push)
{
	static const struct option opts[] = {SW_CLI_COMMON_OPTS,
	                                     {"source", required_argument, NULL, OPT_SOURCE},
	                                     {"prefer", required_argument, NULL, OPT_PREFER},
	                                     {"by", required_argument, NULL, OPT_BY},
	                                     {NULL, 0, NULL, 0}};
	struct sw_sync_opts so = {0};
	struct sw_sync_stats st;
	struct sw_error err = {0};
	struct sw_store *store;
	struct sw_forms *forms;
	const char *by = NULL, *source = NULL;
	char *remembered = NULL;
	const char *cmd = push ? "push" : "pull";
	int rc = SW_EXIT_ERROR, c;

	while ((c = sw_cli_next_opt(cli, argc, argv, opts, push ? _(push_usage) : _(pull_usage),
	                            NULL, &rc)) != -1) {
		if (c == SW_CLI_STOP)
			return rc;
		if (c == OPT_PREFER && !sw_merge_prefer_parse(optarg, &so.prefer)) {
			sw_cli_usage_error(cli, cmd,
			                   _("--prefer: expected newer, ours or theirs, not '%s'"),
			                   optarg);
			return SW_EXIT_ERROR;
		}
		if (c == OPT_SOURCE)
			source = optarg;
		if (c == OPT_BY)
			by = optarg;
	}
	rc = SW_EXIT_ERROR;
	if (optind + 1 != argc) {
		sw_cli_usage_error(cli, cmd,
		                   _("expected one CONNINFO (a libpq connection string)"));
		return rc;
	}
	so.who = sw_cli_who(cli, by);
	forms = sw_cli_forms(cli);
	store = so.who && forms ? sw_cli_store(cli, SW_STORE_WRITE) : NULL;
	if (store == NULL)
		return rc;
	if (sw_store_meta_get(store, "sync_source", &remembered, &err) != SW_OK)
		goto fail;
	so.source = source ? source : remembered;
	if (so.source == NULL) {
		sw_cli_usage_error(cli, cmd,
		                   _("name the municipality with --source NAME (it is "
		                     "remembered for the next time)"));
		goto out;
	}
	if ((push ? sw_sync_push : sw_sync_pull)(store, forms, argv[optind], &so, &st, &err) !=
	    SW_OK)
		goto fail;
	if (remembered == NULL || strcmp(remembered, so.source) != 0)
		if (sw_store_meta_set(store, "sync_source", so.source, &err) != SW_OK)
			goto fail;
	if (!cli->quiet) {
		fputs(_("pulled:"), stdout);
		sw_cli_merge_counts(" ", &st.pulled);
		if (push) {
			fputs(_("pushed:"), stdout);
			sw_cli_count(" ", "%lld history row", "%lld history rows", st.pushed_rows);
			sw_cli_count(", ", "%lld point", "%lld points", st.pushed_points);
			sw_cli_count(", ", "%lld deleted", "%lld deleted", st.pushed_deletes);
			sw_cli_count(", ", "%lld photo", "%lld photos", st.pushed_photos);
			sw_cli_count(", ", "%lld check run", "%lld check runs", st.pushed_runs);
			putchar('\n');
		}
	}
	rc = SW_EXIT_OK;
	goto out;
fail:
	sw_cli_error(cli, &err);
out:
	free(remembered);
	return rc;
}

int cmd_push(struct sw_cli *cli, int argc, char **argv)
{
	return sync_cmd(cli, argc, argv, true);
}

int cmd_pull(struct sw_cli *cli, int argc, char **argv)
{
	return sync_cmd(cli, argc, argv, false);
}
