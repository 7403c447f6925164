/* cmd_import.c - schouw import: points from CSV, shapefile, GPX or GeoJSON. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "progress.h"
#include "commands.h"
#include "schouw/exchange.h"
#include "schouw/import.h"

static const char usage[] =
    N_("usage: schouw import FILE [options]\n\n"
       "Import points from a CSV (.csv, .txt), shapefile (.shp), GPX (.gpx) or GeoJSON\n"
       "(.geojson, .json; one Feature per line: .geojsonl, .geojsons) file. Every row\n"
       "is checked against its type's form; by default nothing is imported when any\n"
       "row is bad, and every bad row is reported. Statuses and enum values may be\n"
       "labels (gerealiseerd), numbers may carry a unit (8%, 1:12, 120 cm), a time\n"
       "without a zone is Europe/Amsterdam time; the report names each.\n"
       "Points are matched by uuid, so importing a file again (or an export of this\n"
       "store) updates changed points, with history, instead of adding them twice.\n"
       "Rows without a uuid get one derived from type, position, time and surveyor.\n\n"
       "CSV: ',' or ';' separated (found from the header), UTF-8 (a BOM is fine),\n"
       "decimal point or comma; coordinates in columns lat/lon (latitude, breedtegraad,\n"
       "lng, longitude, lengtegraad, ...) in WGS84, or x/y (rd_x, x_rd, ...) in RD New.\n\n"
       "Options:\n"
       "  --type T              type of rows without a type column or value\n"
       "  --status S            status of new points without one (default planned)\n"
       "  --by NAME             surveyor of rows without one; also the author in history\n"
       "  --crs EPSG:N          CRS of the coordinates (default: lat/lon WGS84, x/y RD\n"
       "                        New; shapefiles: the .prj)\n"
       "  --map SRC=DST         read column SRC as DST (a form field, lat, x, note, ...);\n"
       "                        DST '-' leaves the column out; repeat for more\n"
       "  --encoding E          text encoding of the file, e.g. ISO-8859-1 (default\n"
       "                        UTF-8; shapefiles: the .cpg)\n"
       "  --format F            csv, shp, gpx or geojson (default: from the file name)\n"
       "  --dry-run             check and count everything, change nothing\n"
       "  --skip-invalid REJECTS  import the good rows; write the bad ones to the CSV\n"
       "                        file REJECTS with their line and reason (also with\n"
       "                        --dry-run, to see what would be rejected)\n"
       "  --db PATH             the store\n"
       "  -q, --quiet           print nothing but errors\n\n"
       "Exit status: 0 imported (or checked), 2 bad input or usage; the store is then\n"
       "unchanged.\n");

enum {
	OPT_TYPE = SW_OPT_FIRST_FREE,
	OPT_STATUS,
	OPT_BY,
	OPT_CRS,
	OPT_MAP,
	OPT_ENCODING,
	OPT_FORMAT,
	OPT_DRY_RUN,
	OPT_SKIP
};

/* ---- progress on a terminal ---- */

static void on_progress(void *ud, long long pos, long long total)
{
	struct sw_progress *pg = ud;

	if (pos == 0)
		pg->total = total;
	else
		sw_progress_tick(pg, pos);
}

static void warn_stderr(void *ud, const char *msg)
{
	struct sw_cli *cli = ud;

	if (!cli->quiet)
		sw_cli_errorf(cli, "%s", msg);
}

/* ---- report ---- */

static void print_report(struct sw_cli *cli, const char *path, const struct sw_import_report *rep,
                         bool dry_run)
{
	size_t i;

	if (cli->quiet)
		return;
	printf(dngettext("schouw", "%s: %lld row", "%s: %lld rows", (unsigned long)rep->rows), path,
	       rep->rows);
	if (dry_run)
		printf(_(" checked (dry run, nothing changed): %lld would be inserted, %lld "
		         "updated, %lld unchanged, %lld rejected\n"),
		       rep->inserted, rep->updated, rep->unchanged, rep->rejected);
	else
		printf(_(": %lld inserted, %lld updated, %lld unchanged, %lld rejected\n"),
		       rep->inserted, rep->updated, rep->unchanged, rep->rejected);
	if (rep->ignored_rows > 0)
		printf(dngettext("schouw", "ignored: %lld row empty in every cell\n",
		                 "ignored: %lld rows empty in every cell\n",
		                 (unsigned long)rep->ignored_rows),
		       rep->ignored_rows);
	if (rep->ignored_columns > 0)
		printf(dngettext("schouw", "ignored: %lld unnamed column empty in every row\n",
		                 "ignored: %lld unnamed columns empty in every row\n",
		                 (unsigned long)rep->ignored_columns),
		       rep->ignored_columns);
	for (i = 0; i < rep->nnotes; i++)
		printf(dngettext("schouw", "read: %s (%lld cell)\n", "read: %s (%lld cells)\n",
		                 (unsigned long)rep->notes[i].n),
		       rep->notes[i].text, rep->notes[i].n);
	for (i = 0; i < rep->ntransforms; i++) {
		const struct sw_import_transform *t = &rep->transforms[i];

		if (t->operation == NULL)
			printf(_("coordinates: %s, no transformation needed (%lld points)\n"),
			       t->src_crs, t->npoints);
		else if (t->accuracy >= 0)
			printf(_("coordinates: %s -> RD New (EPSG:28992) by PROJ '%s', accuracy "
			         "about %g m (%lld points)\n"),
			       t->src_crs, t->operation, t->accuracy, t->npoints);
		else
			printf(_("coordinates: %s -> RD New (EPSG:28992) by PROJ '%s', accuracy "
			         "unknown (%lld points)\n"),
			       t->src_crs, t->operation, t->npoints);
	}
}

static void print_rejected(struct sw_cli *cli, const struct sw_import_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nmessages; i++)
		sw_cli_errorf(cli, "%s", rep->messages[i]);
	if (rep->rejected > (long long)rep->nmessages)
		sw_cli_errorf(cli, _("... and %lld more rejected rows"),
		              rep->rejected - (long long)rep->nmessages);
}

int cmd_import(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    SW_CLI_COMMON_OPTS,
	    {"type", required_argument, NULL, OPT_TYPE},
	    {"status", required_argument, NULL, OPT_STATUS},
	    {"by", required_argument, NULL, OPT_BY},
	    {"crs", required_argument, NULL, OPT_CRS},
	    {"map", required_argument, NULL, OPT_MAP},
	    {"encoding", required_argument, NULL, OPT_ENCODING},
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
	    {"skip-invalid", required_argument, NULL, OPT_SKIP},
	    {NULL, 0, NULL, 0},
	};
	struct sw_import_opts io = {0};
	struct sw_read_opts ro = {0};
	struct sw_error err = {0};
	const char *rejects = NULL;
	struct sw_progress pg = {0};
	struct sw_importer *im = NULL;
	struct sw_forms *forms;
	struct sw_store *store;
	const char **map_src = NULL, **map_dst = NULL;
	char **map_buf = NULL;
	size_t nmap = 0, i;
	const char *by = NULL, *path;
	const struct sw_format *format = NULL;
	char names[128];
	int rc = SW_EXIT_ERROR;
	int c;

	map_src = calloc((size_t)argc + 1, sizeof *map_src);
	map_dst = calloc((size_t)argc + 1, sizeof *map_dst);
	map_buf = calloc((size_t)argc + 1, sizeof *map_buf);
	if (map_src == NULL || map_dst == NULL || map_buf == NULL)
		goto out;
	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &rc)) != -1) {
		if (c == SW_CLI_STOP)
			goto out;
		switch (c) {
		case OPT_TYPE:
			io.default_type = optarg;
			break;
		case OPT_STATUS:
			io.default_status = optarg;
			break;
		case OPT_BY:
			by = optarg;
			break;
		case OPT_CRS:
			ro.crs = optarg;
			break;
		case OPT_MAP: {
			char *eq;
			map_buf[nmap] = strdup(optarg);
			if (map_buf[nmap] == NULL)
				goto out;
			eq = strchr(map_buf[nmap], '=');
			if (eq == NULL || eq == map_buf[nmap]) {
				sw_cli_usage_error(cli, "import",
				                   _("--map: expected SRC=DST (DST '-' leaves SRC "
				                     "out), got '%s'"),
				                   optarg);
				free(map_buf[nmap]);
				map_buf[nmap] = NULL;
				goto out;
			}
			*eq = '\0';
			map_src[nmap] = map_buf[nmap];
			map_dst[nmap] = eq + 1;
			nmap++;
			break;
		}
		case OPT_ENCODING:
			ro.encoding = optarg;
			break;
		case OPT_FORMAT:
			format = sw_format_by_name(optarg, SW_FORMAT_READ);
			if (format == NULL) {
				sw_format_list(SW_FORMAT_READ, false, _(" or "), names, sizeof names);
				sw_cli_usage_error(cli, "import", _("--format: expected %s, got '%s'"),
				                   names, optarg);
				goto out;
			}
			break;
		case OPT_DRY_RUN:
			io.dry_run = true;
			break;
		case OPT_SKIP:
			io.skip_invalid = true;
			rejects = optarg;
			break;
		default:
			goto out;
		}
	}
	if (optind + 1 != argc) {
		sw_cli_usage_error(cli, "import",
		                   optind >= argc ? _("missing FILE")
		                                  : _("unexpected argument '%s'"),
		                   argv[argc - 1]);
		goto out;
	}
	path = argv[optind];
	if (rejects != NULL && sw_import_rejects_check(rejects, path, &err) != SW_OK) {
		sw_cli_usage_error(cli, "import", "%s", err.msg);
		sw_error_clear(&err);
		goto out;
	}
	if (format == NULL)
		format = sw_import_format(path);

	forms = sw_cli_forms(cli);
	if (forms == NULL)
		goto out;
	if (io.default_type != NULL && sw_forms_find_or_error(forms, io.default_type, &err) == NULL)
		goto out;
	if (io.default_status != NULL) {
		/* the key or a label: --status gerealiseerd */
		const struct sw_state_def *st =
		    sw_forms_read_state(forms, io.default_status, NULL, &err);
		if (st == NULL)
			goto out;
		io.default_status = st->name;
	}
	store = sw_cli_store(cli, SW_STORE_WRITE);
	if (store == NULL)
		goto out;

	io.default_surveyor = by;
	io.who = sw_cli_who(cli, by);
	if (io.who == NULL)
		goto out;
	io.rejects_path = rejects;
	ro.map_src = map_src;
	ro.map_dst = map_dst;
	ro.nmap = nmap;
	ro.forms = forms;
	ro.warn = warn_stderr;
	ro.warn_ud = cli;

	sw_progress_start(&pg, cli->quiet, 0, _("rows"));
	if (pg.on) {
		io.progress = on_progress;
		io.progress_ud = &pg;
	}
	if (sw_import_file(store, forms, path, format, &ro, &io, &im, &err) != SW_OK) {
		const struct sw_import_report *rep = im != NULL ? sw_importer_report(im) : NULL;
		sw_progress_end(&pg);
		if (rep != NULL && rep->rejects_failed) {
			/* the points are in; say that the reject file is not */
			sw_cli_error(cli, &err);
			sw_error_clear(&err);
			print_report(cli, path, rep, io.dry_run);
		} else if (rep != NULL && rep->read_all && err.code == SW_ERR_INPUT &&
		           rep->rejected > 0) {
			print_rejected(cli, rep);
			print_report(cli, path, rep, io.dry_run);
		}
		goto out;
	}
	sw_progress_end(&pg);
	if (sw_importer_report(im)->rejected > 0 && !cli->quiet) {
		print_rejected(cli, sw_importer_report(im));
		sw_cli_errorf(cli, _("%lld rejected rows written to %s"),
		              sw_importer_report(im)->rejected, rejects);
	}
	print_report(cli, path, sw_importer_report(im), io.dry_run);
	if (getenv("SCHOUW_STAGES") != NULL) { /* for bench/run.sh */
		const struct sw_import_report *r = sw_importer_report(im);

		fprintf(stderr, "stages (cpu s): read %.2f validate %.2f store %.2f rtree %.2f\n",
		        r->cpu_read, r->cpu_validate, r->cpu_store, r->cpu_rtree);
	}
	rc = SW_EXIT_OK;
out:
	sw_progress_end(&pg);
	if (rc != SW_EXIT_OK && err.code != SW_OK)
		sw_cli_error(cli, &err); /* failures that printed already leave err clear */
	sw_importer_free(im);
	for (i = 0; map_buf != NULL && i < nmap; i++)
		free(map_buf[i]);
	free(map_buf);
	free(map_src);
	free(map_dst);
	return rc;
}
