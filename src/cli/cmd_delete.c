/* cmd_delete.c - schouw delete: remove a point, keeping its history. */
#include <string.h>

#include "cli.h"
#include "commands.h"

static const char usage[] = N_(
	"usage: schouw delete ID|UUID [--by NAME]\n\n"
	"Delete a point. The whole record is written to its history first, so\n"
	"'schouw history UUID' still shows what it was, who deleted it and when.\n\n"
	"Options:\n"
	"  --by NAME   who deleted it; default $SCHOUW_USER, else the surveyor\n"
	"              of 'schouw config', else $USER\n"
	"  --db PATH   the store\n");

enum { OPT_BY = SW_OPT_FIRST_FREE };

int cmd_delete(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		SW_CLI_COMMON_OPTS,
		{"by", required_argument, NULL, OPT_BY},
		{NULL, 0, NULL, 0},
	};
	struct sw_error err = {0};
	struct sw_point p;
	struct sw_store *store;
	const char *by = NULL;
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
	if (optind + 1 != argc) {
		sw_cli_usage_error(cli, "delete", _("expected one ID or UUID"));
		goto out;
	}
	if (by != NULL && !sw_utf8_valid(by, strlen(by))) {
		sw_cli_errorf(cli, _("--by: not valid UTF-8 text"));
		goto out;
	}
	by = sw_cli_who(cli, by);
	store = by != NULL ? sw_cli_store(cli, SW_STORE_WRITE) : NULL;
	if (store == NULL)
		goto out;
	if (sw_store_get(store, argv[optind], &p, &err) != SW_OK ||
	    sw_store_delete(store, p.id, by, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	if (!cli->quiet)
		printf(_("deleted %s %lld (uuid %s); its history is kept\n"), p.type, p.id, p.uuid);
	rc = SW_EXIT_OK;
out:
	sw_point_clear(&p);
	return rc;
}
