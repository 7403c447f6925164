/* cmd_export.c - schouw export: points to shapefile (+ styles), GeoJSON or CSV. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "progress.h"
#include "commands.h"
#include "schouw/crs.h"
#include "schouw/exchange.h"
#include "schouw/export.h"
#include "schouw/shp.h"

static const char usage[] =
    N_("usage: schouw export FILE [--format shp|geojson|csv] [--crs EPSG:n] [--split-by-type]\n"
       "                     [--dialect rfc4180|excel-nl] [--anonymize] [--no-photos]\n"
       "                     [filters]\n"
       "       schouw export --dbf-names\n\n"
       "Write the points to FILE. The format comes from --format or FILE's extension\n"
       "(.shp, .geojson or .json, .csv); a directory means a shapefile.\n\n"
       "Shapefile: FILE.shp with .shx .dbf .prj (ESRI WKT) .cpg (UTF-8), and a QGIS style\n"
       "(.qml) and an OGC SLD (.sld) colouring the points by status. In RD New\n"
       "(EPSG:28992) unless --crs names another CRS. DBF field names have at most 10\n"
       "characters; --dbf-names prints the mapping. Timestamps are ISO 8601 text;\n"
       "texts over 254 bytes are cut (with a warning). Files are written under\n"
       "temporary names and renamed only when complete.\n\n"
       "Options:\n"
       "  --format F          shp, geojson or csv\n"
       "  --crs EPSG:n        target CRS (shp, csv; GeoJSON is always WGS84)\n"
       "  --split-by-type     one layer per type: FILE is a directory, each type goes\n"
       "                      to FILE/<type>.shp (.geojson, .csv); without it one layer\n"
       "                      carries the fields of all types\n"
       "  --dialect D         CSV: rfc4180 (default) or excel-nl (';', decimal comma, BOM)\n"
       "  --anonymize         leave surveyor names out\n"
       "  --no-photos         shapefile, GeoJSON: leave the photos out (by default they\n"
       "                      go to <layer>_photos/ next to each layer, their relative\n"
       "                      paths in the attribute 'photos')\n"
       "  --dbf-names         print the DBF field name of every field and exit\n"
       "  --db PATH           the store\n"
       "  -q, --quiet         no summary\n\n"
       "Filters (as for list):\n"
       "%s");

enum {
	OPT_FORMAT = SW_OPT_FIRST_FREE,
	OPT_CRS,
	OPT_SPLIT,
	OPT_DIALECT,
	OPT_ANON,
	OPT_NO_PHOTOS,
	OPT_DBF_NAMES,
};

/* Warnings beyond this many are counted, not printed. */
#define MAX_WARNINGS_SHOWN 20

struct export_cli {
	struct sw_cli *cli;
	long nwarn;
	struct sw_progress pg;
};

static void on_warning(void *ud, const char *msg)
{
	struct export_cli *ec = ud;

	ec->nwarn++;
	if (ec->nwarn <= MAX_WARNINGS_SHOWN)
		fprintf(stderr, _("%s: warning: %s\n"), ec->cli->prog, msg);
}

static void on_progress(void *ud, long long done, long long total)
{
	struct sw_progress *pg = ud;

	if (done == 0)
		pg->total = total;
	else
		sw_progress_tick(pg, 0);
}

static bool crs_is_rd(const char *crs)
{
	return crs == NULL || strcasecmp(crs, SW_CRS_RD) == 0;
}

static int print_dbf_names(struct sw_cli *cli)
{
	struct sw_forms *forms = sw_cli_forms(cli);
	struct sw_shp_names *m = NULL;
	const struct sw_field **all = NULL;
	struct sw_error err = {0};
	size_t n = 0;
	static const char *const fixed[] = {"id",         "uuid",        "type",           "status",
	                                    "surveyor",   "observed_at", "gps_accuracy_m", "note",
	                                    "created_at", "updated_at"};
	int rc = SW_EXIT_ERROR;

	if (forms == NULL)
		goto out;
	if (sw_shp_names_load(NULL, forms, &m, &err) != SW_OK ||
	    sw_forms_all_fields(forms, &all, &n, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		printf("%-20s %s\n", fixed[i], sw_shp_names_to_dbf(m, fixed[i]));
	for (size_t i = 0; i < n; i++)
		printf("%-20s %s\n", all[i]->name, sw_shp_names_to_dbf(m, all[i]->name));
	rc = SW_EXIT_OK;
out:
	free(all);
	sw_shp_names_free(m);
	return rc;
}

static void print_summary(struct export_cli *ec, const struct sw_export_req *req,
                          const struct sw_export_result *res)
{
	if (ec->cli->quiet)
		return;
	for (size_t i = 0; i < res->nlayers; i++) {
		const struct sw_export_layer *l = &res->layers[i];
		printf(ngettext("%s: %lld point", "%s: %lld points", (unsigned long)l->n), l->path,
		       l->n);
		if (l->type != NULL)
			printf(" (%s)", l->type);
		if (res->format->companions != NULL)
			printf(_(", with %s"), res->format->companions);
		putchar('\n');
	}
	if (req->split && res->nlayers == 0)
		printf(_("no points match; no layer written\n"));
	printf(_("  CRS: %s%s\n"), res->crs, crs_is_rd(res->crs) ? " (Amersfoort / RD New)" : "");
	if (res->operation != NULL) {
		if (res->accuracy >= 0)
			printf(_("  reprojected from EPSG:28992 with PROJ: %s (accuracy %g m)\n"),
			       res->operation, res->accuracy);
		else
			printf(
			    _("  reprojected from EPSG:28992 with PROJ: %s (accuracy unknown)\n"),
			    res->operation);
	}
	if (ec->nwarn > MAX_WARNINGS_SHOWN)
		fprintf(stderr, _("%s: %ld warnings in all (%d shown)\n"), ec->cli->prog, ec->nwarn,
		        MAX_WARNINGS_SHOWN);
}

int cmd_export(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    SW_CLI_COMMON_OPTS,
	    SW_CLI_FILTER_OPTS,
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"crs", required_argument, NULL, OPT_CRS},
	    {"split-by-type", no_argument, NULL, OPT_SPLIT},
	    {"dialect", required_argument, NULL, OPT_DIALECT},
	    {"anonymize", no_argument, NULL, OPT_ANON},
	    {"no-photos", no_argument, NULL, OPT_NO_PHOTOS},
	    {"dbf-names", no_argument, NULL, OPT_DBF_NAMES},
	    {NULL, 0, NULL, 0},
	};
	struct export_cli ec = {.cli = cli};
	struct sw_export_req req = {0};
	struct sw_export_result *res = NULL;
	struct sw_filter filter = {0};
	struct sw_error err = {0};
	struct sw_store *store;
	char names[128];
	bool dbf_names = false;
	int rc = SW_EXIT_ERROR;
	int c;

	req.o.warn = on_warning;
	req.o.warn_ud = &ec;
	req.o.dialect = SW_CSV_RFC4180;
	req.photos = true;
	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), &filter, &rc)) != -1) {
		if (c == SW_CLI_STOP)
			goto out;
		switch (c) {
		case OPT_FORMAT:
			req.format = sw_format_by_name(optarg, SW_FORMAT_WRITE);
			if (req.format == NULL) {
				sw_format_list(SW_FORMAT_WRITE, false, _(" or "), names, sizeof names);
				sw_cli_usage_error(cli, "export", _("--format: expected %s, got '%s'"),
				                   names, optarg);
				goto out;
			}
			break;
		case OPT_CRS:
			req.o.crs = optarg;
			break;
		case OPT_SPLIT:
			req.split = true;
			break;
		case OPT_ANON:
			req.o.anonymize = true;
			break;
		case OPT_NO_PHOTOS:
			req.photos = false;
			break;
		case OPT_DBF_NAMES:
			dbf_names = true;
			break;
		case OPT_DIALECT:
			req.dialect_set = true;
			if (strcmp(optarg, "rfc4180") == 0) {
				req.o.dialect = SW_CSV_RFC4180;
			} else if (strcmp(optarg, "excel-nl") == 0) {
				req.o.dialect = SW_CSV_EXCEL_NL;
			} else {
				sw_cli_usage_error(
				    cli, "export",
				    _("--dialect: expected rfc4180 or excel-nl, got '%s'"), optarg);
				goto out;
			}
			break;
		default:
			goto out;
		}
	}
	if (dbf_names) {
		rc = print_dbf_names(cli);
		goto out;
	}
	if (optind != argc - 1) {
		if (optind >= argc)
			sw_cli_usage_error(cli, "export", _("expected one FILE to write"));
		else
			sw_cli_usage_error(cli, "export", _("expected one FILE, got also '%s'"),
			                   argv[optind + 1]);
		goto out;
	}
	req.path = argv[optind];
	req.filter = &filter;
	if (sw_export_resolve(&req, &err) != SW_OK) {
		sw_cli_usage_error(cli, "export", "%s", err.msg);
		goto out;
	}
	if (sw_cli_filter_done(cli, &filter) != SW_EXIT_OK)
		goto out;
	req.o.forms = sw_cli_forms(cli);
	if (req.o.forms == NULL)
		goto out;
	/* An unknown --crs fails before anything is written. */
	if (sw_export_check_crs(&req, &err) != SW_OK) {
		sw_cli_errorf(cli, _("--crs %s: %s"), req.o.crs, err.msg);
		goto out;
	}
	store = sw_cli_store(cli, SW_STORE_READ);
	if (store == NULL)
		goto out;
	sw_progress_start(&ec.pg, cli->quiet, 0, _("points"));
	if (ec.pg.on) {
		req.progress = on_progress;
		req.progress_ud = &ec.pg;
	}
	if (sw_export_run(store, &req, &res, &err) != SW_OK) {
		sw_progress_end(&ec.pg);
		sw_cli_error(cli, &err);
		goto out;
	}
	sw_progress_end(&ec.pg);
	print_summary(&ec, &req, res);
	rc = SW_EXIT_OK;
out:
	sw_export_result_free(res);
	return rc;
}
