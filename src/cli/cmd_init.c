/* cmd_init.c - schouw init: create a new, empty store. */
#include <stdlib.h>

#include "cli.h"
#include "commands.h"

static const char usage[] = N_(
	"usage: schouw init [--db PATH]\n\n"
	"Create a new, empty store: a GeoPackage with the points layer in RD New\n"
	"(EPSG:28992), its spatial index and the history table. Refuses to overwrite\n"
	"an existing file.\n\n"
	"Options:\n"
	"  --db PATH   where to create it (default: $SCHOUW_DB, else ./schouw.gpkg)\n");

int cmd_init(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {SW_CLI_COMMON_OPTS, {NULL, 0, NULL, 0}};
	struct sw_error err = {0};
	int status = SW_EXIT_ERROR;

	if (sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &status) != -1)
		return status;
	if (!sw_cli_no_args(cli, "init", argc, argv))
		return SW_EXIT_ERROR;
	if (sw_cli_forms(cli) == NULL)
		return SW_EXIT_ERROR;
	if (sw_store_create(cli->db_path, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		return SW_EXIT_ERROR;
	}
	/* Give the new store a column for every form field right away, so
	 * QGIS shows the full attribute table from the start. */
	if (sw_cli_store(cli, SW_STORE_WRITE) == NULL)
		return SW_EXIT_ERROR;
	if (!cli->quiet)
		printf(_("created store %s\n"), cli->db_path);
	return SW_EXIT_OK;
}
