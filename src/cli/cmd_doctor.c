/* cmd_doctor.c - schouw doctor: check a store, and repair what is safe. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

static const char usage[] = N_(
	"usage: schouw doctor [--repair]\n\n"
	"Check the store: SQLite's integrity_check, the R-tree (rtreecheck, and an\n"
	"entry for every point), every geometry blob, every point against its form\n"
	"(type, status, values in range), the history against the points (an insert\n"
	"for each, nothing changed without a row), the schema version and the\n"
	"triggers. Prints one line per finding: the point (id and uuid) and what is\n"
	"wrong; '[repairable]' marks what --repair fixes.\n\n"
	"Options:\n"
	"  --repair    first copy the store to STORE.backup-TIME next to it, then in\n"
	"              one transaction rebuild the R-tree, convert readable foreign\n"
	"              geometry blobs (SpatiaLite, WKB) to GeoPackage points, make\n"
	"              missing triggers again and add missing history rows (who:\n"
	"              \"schouw doctor (reconstructed)\"); then check again\n"
	"  --db PATH   the store\n\n"
	"Exit status: 0 nothing found (or all repaired), 1 findings remain, 2 error.\n");

struct ctx {
	const struct sw_cli *cli;
	bool quiet;
};

static enum sw_status print_finding(const struct sw_store_finding *f, void *ud)
{
	struct ctx *c = ud;

	if (c->quiet)
		return SW_OK;
	if (f->point_id != 0)
		printf(_("%-9s point %lld (uuid %s): %s%s\n"), f->check, f->point_id,
		       f->uuid ? f->uuid : "?", f->message, f->repairable ? _(" [repairable]") : "");
	else
		printf(_("%-9s %s%s\n"), f->check, f->message, f->repairable ? _(" [repairable]") : "");
	return SW_OK;
}

int cmd_doctor(struct sw_cli *cli, int argc, char **argv)
{
	enum { OPT_REPAIR = SW_OPT_FIRST_FREE };
	static const struct option opts[] = {SW_CLI_COMMON_OPTS,
					     {"repair", no_argument, NULL, OPT_REPAIR},
					     {NULL, 0, NULL, 0}};
	struct sw_error err = {0};
	struct ctx c = {cli, false};
	struct sw_store *store;
	bool repair = false;
	size_t n = 0;
	char backup[4096] = "";
	int o, rc = SW_EXIT_ERROR;

	while ((o = sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &rc)) != -1) {
		if (o == SW_CLI_STOP)
			return rc;
		if (o == OPT_REPAIR)
			repair = true;
	}
	if (!sw_cli_no_args(cli, "doctor", argc, argv))
		return SW_EXIT_ERROR;
	if (sw_cli_forms(cli) == NULL)
		return SW_EXIT_ERROR;
	/* not sw_cli_store(WRITE): its field sync would repair the triggers
	 * before doctor could see them */
	if (sw_store_open(cli->db_path, repair ? SW_STORE_WRITE : SW_STORE_READ, &store, &err) !=
	    SW_OK) {
		sw_cli_error(cli, &err);
		return SW_EXIT_ERROR;
	}
	if (repair) {
		time_t t = time(NULL);
		struct tm tm;
		char stamp[32] = "0";

		if (gmtime_r(&t, &tm) != NULL)
			strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
		snprintf(backup, sizeof backup, "%s.backup-%s", cli->db_path, stamp);
		/* two repairs within a second keep both backups */
		for (int k = 2; access(backup, F_OK) == 0 && k < 100; k++)
			snprintf(backup, sizeof backup, "%s.backup-%s-%d", cli->db_path, stamp, k);
	}
	if (sw_store_doctor(store, cli->forms, repair, backup, print_finding, &c, &n, &err) !=
	    SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	if (repair && n > 0) {
		if (!cli->quiet)
			printf(_("backup written to %s; repaired what was repairable; checking "
				 "again\n"),
			       backup);
		if (sw_store_doctor(store, cli->forms, false, NULL, print_finding, &c, &n, &err) !=
		    SW_OK) {
			sw_cli_error(cli, &err);
			goto out;
		}
	}
	if (!cli->quiet)
		printf(n == 0 ? _("no findings\n") : _("%zu finding(s)\n"), n);
	rc = n == 0 ? SW_EXIT_OK : SW_EXIT_FAIL;
out:
	sw_store_close(store);
	return rc;
}
