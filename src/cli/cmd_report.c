/* cmd_report.c - schouw report: the progress report of a period for the
 * council, as Markdown, HTML, CSV tables and PNG charts and maps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "schouw/date.h"
#include "schouw/num.h"
#include "schouw/render.h"
#include "schouw/report.h"

static const char usage[] =
    N_("usage: schouw report [--year Y | --from DATE --to DATE] [--quarterly]\n"
       "                     [--area NAME ...] [--type T] [--profile P] [--lang nl|en]\n"
       "                     -o DIR\n\n"
       "The progress report of a period for the council letter, with every figure\n"
       "rebuilt from the store's history: points per type and status at the start\n"
       "and the end of the period (per area and in total), status changes per\n"
       "quarter against the planned points, compliance from the stored check runs\n"
       "and its trend, lists of rejected and failing points, of planned points not\n"
       "realised and of points not inspected for more than a year, and a status map\n"
       "of each area. DIR gets report.md, report.html (self-contained, prints on A4),\n"
       "a CSV per table and the charts and maps as PNG.\n\n"
       "Options:\n"
       "  -o, --output DIR     where the report goes (created when missing)\n"
       "  --year Y             the calendar year Y (default: the current year)\n"
       "  --from DATE --to DATE  the period, first and last day (YYYY-MM-DD)\n"
       "  --quarterly          also the counts at the end of every quarter\n"
       "  --area NAME          report on this area only (repeatable; default: every\n"
       "                       area of gis/areas.shp, and the total)\n"
       "  --type T             only points of type T\n"
       "  --profile P          compliance from the runs of profile P only\n"
       "  --lang nl|en         language of the report (default: that of schouw's\n"
       "                       messages, Dutch under a Dutch locale)\n"
       "  --no-maps            leave the area maps out\n"
       "  --db PATH            the store\n");

enum {
	OPT_OUT = SW_OPT_FIRST_FREE,
	OPT_YEAR,
	OPT_FROM,
	OPT_TO,
	OPT_QUARTERLY,
	OPT_AREA,
	OPT_TYPE,
	OPT_PROFILE,
	OPT_LANG,
	OPT_NO_MAPS,
};

int cmd_report(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    SW_CLI_COMMON_OPTS,
	    {"output", required_argument, NULL, OPT_OUT},
	    {"year", required_argument, NULL, OPT_YEAR},
	    {"from", required_argument, NULL, OPT_FROM},
	    {"to", required_argument, NULL, OPT_TO},
	    {"quarterly", no_argument, NULL, OPT_QUARTERLY},
	    {"area", required_argument, NULL, OPT_AREA},
	    {"type", required_argument, NULL, OPT_TYPE},
	    {"profile", required_argument, NULL, OPT_PROFILE},
	    {"lang", required_argument, NULL, OPT_LANG},
	    {"no-maps", no_argument, NULL, OPT_NO_MAPS},
	    {NULL, 0, NULL, 0},
	};
	/* the report speaks the language schouw's messages are in (the words
	 * come through gettext, the numbers and dates follow them) */
	struct sw_report_options o = {.dutch = sw_cli_dutch()};
	bool english;
	struct sw_report_result res;
	struct sw_error err = {0};
	struct sw_store *store;
	const char **areas = NULL;
	char from[16], to[16], *style = NULL;
	int rc = SW_EXIT_ERROR, c, year = 0;
	enum sw_status rc_rep;

	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-o") == 0)
			argv[i] = (char *)"--output";
	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &rc)) != -1) {
		switch (c) {
		case SW_CLI_STOP:
			goto out;
		case OPT_OUT:
			o.dir = optarg;
			break;
		case OPT_YEAR: {
			double d;

			if (!sw_num_parse(optarg, SW_NUM_TRIM | SW_NUM_WHOLE, &d) || d < 1900 ||
			    d > 9999) {
				sw_cli_usage_error(
				    cli, "report",
				    _("--year: expected a year such as 2025, got '%s'"), optarg);
				goto out;
			}
			year = (int)d;
			break;
		}
		case OPT_FROM:
			o.from = optarg;
			break;
		case OPT_TO:
			o.to = optarg;
			break;
		case OPT_QUARTERLY:
			o.quarterly = true;
			break;
		case OPT_AREA:
			if (!sw_cli_append(&areas, &o.narea_names, optarg)) {
				sw_error_nomem(&err);
				goto fail;
			}
			break;
		case OPT_TYPE:
			o.type = optarg;
			break;
		case OPT_PROFILE:
			o.profile = optarg;
			break;
		case OPT_LANG:
			if (!sw_cli_lang_opt(cli, "report", optarg, &english))
				goto out;
			o.dutch = !english;
			break;
		case OPT_NO_MAPS:
			o.no_maps = true;
			break;
		default:
			goto out;
		}
	}
	if (!sw_cli_no_args(cli, "report", argc, argv))
		goto out;
	if (o.dir == NULL) {
		sw_cli_usage_error(cli, "report", "%s", _("give the report directory with -o DIR"));
		goto out;
	}
	if (year != 0 && (o.from != NULL || o.to != NULL)) {
		sw_cli_usage_error(cli, "report", "%s", _("give either --year or --from/--to"));
		goto out;
	}
	if ((o.from != NULL) != (o.to != NULL)) {
		sw_cli_usage_error(cli, "report", "%s", _("give both --from and --to"));
		goto out;
	}
	if (o.from == NULL) {
		if (year == 0) {
			char now[32];
			long long t;
			int m, d;

			sw_now_iso(now, sizeof now);
			if (!sw_date_parse_instant(now, &t)) {
				sw_cli_errorf(cli, "%s", _("cannot read the clock"));
				goto out;
			}
			sw_date_ams_day(t, &year, &m, &d);
		}
		snprintf(from, sizeof from, "%04d-01-01", year);
		snprintf(to, sizeof to, "%04d-12-31", year);
		o.from = from;
		o.to = to;
	}
	o.area_names = areas;
	o.forms = sw_cli_forms(cli);
	if (o.forms == NULL)
		goto out;
	if (o.narea_names > 0) {
		o.areas = sw_cli_areas(cli);
		if (o.areas == NULL)
			goto out;
	} else if (cli->gisdir != NULL) {
		size_t n = strlen(cli->gisdir) + sizeof "/" SW_AREA_FILE;
		char *p = malloc(n);

		if (p == NULL) {
			sw_error_nomem(&err);
			goto fail;
		}
		snprintf(p, n, "%s/%s", cli->gisdir, SW_AREA_FILE);
		if (access(p, F_OK) == 0) {
			o.areas = sw_cli_areas(cli);
			if (o.areas == NULL) {
				free(p);
				goto out;
			}
		}
		free(p);
	}
	if (cli->gisdir != NULL) {
		size_t n = strlen(cli->gisdir) + sizeof "/basemap.ini";

		style = malloc(n);
		if (style == NULL) {
			sw_error_nomem(&err);
			goto fail;
		}
		snprintf(style, n, "%s/basemap.ini", cli->gisdir);
		o.style_path = style;
	}
	store = sw_cli_store(cli, SW_STORE_READ);
	if (store == NULL)
		goto out;
	rc_rep = sw_report_write(store, &o, &res, &err);
	sw_render_release();
	if (rc_rep != SW_OK)
		goto fail;
	if (!cli->quiet)
		printf(_("%s: report of %s to %s: %lld points at the start, %lld at the end, %zu "
		         "check "
		         "runs; %zu files\n"),
		       o.dir, o.from, o.to, res.npoints_start, res.npoints_end, res.nruns,
		       res.nfiles);
	rc = SW_EXIT_OK;
	goto out;
fail:
	sw_cli_error(cli, &err);
	rc = SW_EXIT_ERROR;
out:
	free(areas);
	free(style);
	return rc;
}
