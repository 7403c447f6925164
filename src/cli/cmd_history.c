/* cmd_history.c - schouw history: the append-only history of a point. */
#include <string.h>

#include "cli.h"
#include "commands.h"

static const char usage[] = N_(
	"usage: schouw history ID|UUID\n\n"
	"Print every insert, change and delete of a point: when, who, which field,\n"
	"old and new value. A deleted point's history is found by its uuid.\n\n"
	"Options:\n"
	"  --db PATH   the store\n");

static enum sw_status print_row(const struct sw_history_row *h, void *ud)
{
	size_t *n = ud;

	(*n)++;
	if (strcmp(h->action, "update") == 0)
		printf("%s  %-10s %-20s %s: %s -> %s\n", h->at, h->action, h->who ? h->who : "",
		       h->field ? h->field : "", h->old_value ? h->old_value : "-",
		       h->new_value ? h->new_value : "-");
	else if (h->import_id != 0)
		printf("%s  %-10s %-20s %s %s (%s, sha256 %s): %s\n", h->at, h->action,
		       h->who ? h->who : "", _("import"), h->import_file ? h->import_file : "-",
		       h->import_format ? h->import_format : "-",
		       h->import_sha256 ? h->import_sha256 : "-",
		       h->new_value ? h->new_value : _("(point no longer known)"));
	else
		printf("%s  %-10s %-20s %s\n", h->at, h->action, h->who ? h->who : "",
		       strcmp(h->action, "delete") == 0 ? (h->old_value ? h->old_value : "")
							: (h->new_value ? h->new_value : ""));
	return SW_OK;
}

int cmd_history(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {SW_CLI_COMMON_OPTS, {NULL, 0, NULL, 0}};
	struct sw_error err = {0};
	struct sw_point p;
	struct sw_store *store;
	const char *uuid;
	size_t n = 0;
	int rc = SW_EXIT_ERROR;

	sw_point_init(&p);
	if (sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &rc) != -1)
		goto out;
	if (optind + 1 != argc) {
		sw_cli_usage_error(cli, "history", _("expected one ID or UUID"));
		goto out;
	}
	store = sw_cli_store(cli, SW_STORE_READ);
	if (store == NULL)
		goto out;
	uuid = argv[optind];
	if (!sw_uuid_valid(uuid)) {
		if (sw_store_get(store, argv[optind], &p, &err) != SW_OK) {
			sw_cli_error(cli, &err);
			goto out;
		}
		uuid = p.uuid;
	}
	if (sw_store_history(store, uuid, print_row, &n, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	if (n == 0) {
		sw_cli_errorf(cli, _("no history for '%s'"), argv[optind]);
		goto out;
	}
	rc = SW_EXIT_OK;
out:
	sw_point_clear(&p);
	return rc;
}
