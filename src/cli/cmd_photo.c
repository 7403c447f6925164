/* cmd_photo.c - schouw photo add|list|get: photos of points, kept inside the
 * store (Related Tables Extension, photo.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "schouw/field.h"
#include "schouw/photo.h"

static const char usage[] =
    N_("usage: schouw photo add ID|UUID FILE... [--by NAME]\n"
       "       schouw photo list ID|UUID\n"
       "       schouw photo get PHOTO_ID -o FILE\n\n"
       "Photos live inside the store (GeoPackage Related Tables Extension), so they\n"
       "travel with it and QGIS shows them with the point. JPEG, PNG, WebP and HEIC,\n"
       "recognised by their bytes, at most 16 MB each; one photo is stored once.\n\n"
       "Options:\n"
       "  --by NAME      who added it (add)\n"
       "  -o, --output FILE  where get writes the photo ('-': standard output)\n"
       "  --db PATH      the store\n");

enum { OPT_BY = SW_OPT_FIRST_FREE, OPT_OUTPUT };

static enum sw_status print_photo(const struct sw_photo *ph, void *ud)
{
	(void)ud;
	printf("%lld\t%s\t%lld\t%s\t%s\t%s\n", ph->id, ph->content_type, ph->bytes, ph->sha256,
	       ph->created_at ? ph->created_at : "", ph->created_by ? ph->created_by : "");
	return SW_OK;
}

int cmd_photo(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {SW_CLI_COMMON_OPTS,
	                                     {"by", required_argument, NULL, OPT_BY},
	                                     {"output", required_argument, NULL, OPT_OUTPUT},
	                                     {NULL, 0, NULL, 0}};
	struct sw_error err = {0};
	struct sw_point p;
	struct sw_store *store;
	const char *by = NULL, *output = NULL, *sub;
	void *data = NULL;
	size_t n = 0;
	int rc = SW_EXIT_ERROR, status = SW_EXIT_ERROR, c, nargs;

	sw_point_init(&p);
	for (int i = 1; i < argc; i++) /* -o is short for --output */
		if (strcmp(argv[i], "-o") == 0)
			argv[i] = "--output";
	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &status)) != -1) {
		switch (c) {
		case OPT_BY:
			by = optarg;
			break;
		case OPT_OUTPUT:
			output = optarg;
			break;
		default:
			rc = status;
			goto out;
		}
	}
	nargs = argc - optind;
	sub = nargs > 0 ? argv[optind] : "";
	if (strcmp(sub, "add") == 0 && nargs >= 3) {
		const char *who = sw_cli_who(cli, by);
		if (who == NULL || sw_cli_point(cli, SW_STORE_WRITE, argv[optind + 1], &p) == NULL)
			goto out;
		store = cli->store;
		/* every file is read and checked before the first is stored */
		if (sw_store_begin(store, &err) != SW_OK)
			goto fail;
		for (int i = optind + 2; i < argc; i++) {
			long long id = 0;
			if (sw_field_read_photo(argv[i], &data, &n, &err) != SW_OK ||
			    sw_store_photo_add(store, p.id, data, n, who, &id, &err) != SW_OK) {
				sw_store_rollback(store);
				goto fail;
			}
			free(data);
			data = NULL;
			if (!cli->quiet)
				printf(_("photo %lld added to %s %lld (%s)\n"), id, p.type, p.id,
				       argv[i]);
		}
		if (sw_store_commit(store, &err) != SW_OK)
			goto fail;
	} else if (strcmp(sub, "list") == 0 && nargs == 2) {
		if (sw_cli_point(cli, SW_STORE_READ, argv[optind + 1], &p) == NULL)
			goto out;
		if (sw_store_photo_list(cli->store, p.id, print_photo, NULL, &err) != SW_OK)
			goto fail;
	} else if (strcmp(sub, "get") == 0 && nargs == 2 && output != NULL) {
		char *end;
		long long id = strtoll(argv[optind + 1], &end, 10);
		FILE *f;
		bool ok;

		if (*end != '\0' || id <= 0) {
			sw_cli_usage_error(cli, "photo", _("PHOTO_ID: expected a number, got '%s'"),
			                   argv[optind + 1]);
			goto out;
		}
		store = sw_cli_forms(cli) ? sw_cli_store(cli, SW_STORE_READ) : NULL;
		if (store == NULL)
			goto out;
		if (sw_store_photo_get(store, id, &data, &n, NULL, &err) != SW_OK)
			goto fail;
		f = strcmp(output, "-") == 0 ? stdout : fopen(output, "wb");
		if (f == NULL) {
			sw_cli_errorf(cli, _("%s: cannot create: %s"), output, strerror(errno));
			goto out;
		}
		ok = fwrite(data, 1, n, f) == n;
		ok = (f == stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
		if (!ok) {
			sw_cli_errorf(cli, _("%s: write error: %s"), output, strerror(errno));
			goto out;
		}
	} else {
		sw_cli_usage_error(cli, "photo",
		                   _("expected add ID FILE..., list ID or get PHOTO_ID -o FILE"));
		goto out;
	}
	rc = SW_EXIT_OK;
	goto out;
fail:
	sw_cli_error(cli, &err);
out:
	free(data);
	sw_point_clear(&p);
	return rc;
}
