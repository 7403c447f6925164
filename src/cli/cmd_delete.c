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

int cmd_delete(struct sw_cli *cli, int argc, char **argv)
{
	struct sw_point p;
	struct sw_error err = {0};
	struct sw_store *store;
	const char *who;
	int rc;

	sw_point_init(&p);
	store = sw_cli_by_point(cli, "delete", argc, argv, _(usage), false,
				_("expected one ID or UUID"), &who, &p, &rc);
	if (store == NULL)
		goto out;
	if (sw_store_delete(store, p.id, who, &err) != SW_OK) {
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
