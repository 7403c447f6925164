/* cmd_map.c - schouw map: a status map as a georeferenced PNG or a PDF. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "schouw/num.h"
#include "commands.h"
#include "schouw/map.h"
#include "schouw/render.h"

static const char usage[] = N_(
	"usage: schouw map -o FILE.png|FILE.pdf [options] [filters]\n\n"
	"Draw the points over the basemap of gis/ as a map for a letter or for GIS:\n"
	"a PNG with a world file (.pgw) and a GDAL sidecar (.png.aux.xml) holding\n"
	"RD New, or a vector PDF. Without --bbox the map fits the selected points.\n\n"
	"Options:\n"
	"  -o, --output FILE    the map: .png or .pdf\n"
	"  --bbox X1,Y1,X2,Y2   show this RD New box (metres); only points in it\n"

	"  --width PX --height PX  image size in pixels\n"
	"  --paper A4|A3        paper size instead (portrait; --landscape turns it)\n"
	"  --landscape          landscape paper\n"
	"  --dpi N              pixels per inch (default 150)\n"
	"  --scale 1:N          map scale at that dpi instead of fitting the extent\n"
	"  --by status|compliance|type  what the colours tell (default status;\n"
	"                       compliance: the latest stored 'schouw check' run)\n"
	"  --basemap LAYER|FILE.shp  draw only these layers of gis/basemap.ini, or\n"
	"                       your own shapefile (RD New or WGS84); repeatable\n"
	"  --no-basemap         points only\n"
	"  --title TEXT         the map's title\n"
	"  --lang nl|en         language of the map (default: that of schouw's\n"
	"                       messages, Dutch under a Dutch locale)\n"
	"  --labels             id labels where they fit (the map says how many not)\n"
	"  --no-legend          the whole width for the points (a page or a report\n"
	"                       that gives the legend itself)\n\n"
	"Filters:\n"
	"  --type T             only points of type T\n"
	"  --status S           only points with status S\n"
	"  --surveyor NAME      only points logged by NAME\n"
	"  --near X,Y --radius M  only points near this RD New position\n"
	"  --area NAME          only points inside this named area (schouw areas);\n"
	"                       without --bbox the map shows the area, outlined\n"
	"  --as-of DATE         the points as they were then (YYYY-MM-DD: the end of\n"
	"                       that day), rebuilt from the history\n"
	"  --db PATH            the store\n");

enum {
	OPT_OUT = SW_OPT_FIRST_FREE,
	OPT_WIDTH,
	OPT_HEIGHT,
	OPT_PAPER,
	OPT_LANDSCAPE,
	OPT_DPI,
	OPT_SCALE,
	OPT_CLASSIFY,
	OPT_BASEMAP,
	OPT_NO_BASEMAP,
	OPT_TITLE,
	OPT_LANG,
	OPT_LABELS,
	OPT_NO_LEGEND,
};

static bool parse_int(const char *s, long *out)
{
	double d;

	if (!sw_num_parse(s, SW_NUM_TRIM, &d) || d != floor(d) || fabs(d) > 1e9)
		return false;
	*out = (long)d;
	return true;
}

int cmd_map(struct sw_cli *cli, int argc, char **argv)
{
	/* --by names the classification here (as the issue asks); the
	 * surveyor filter of list is --surveyor in this command */
	static const struct option opts[] = {
		SW_CLI_COMMON_OPTS,
		{"type", required_argument, NULL, SW_OPT_TYPE},
		{"status", required_argument, NULL, SW_OPT_STATUS},
		{"surveyor", required_argument, NULL, SW_OPT_BY},
		{"bbox", required_argument, NULL, SW_OPT_BBOX},
		{"area", required_argument, NULL, SW_OPT_AREA},
		{"near", required_argument, NULL, SW_OPT_NEAR},
		{"radius", required_argument, NULL, SW_OPT_RADIUS},
		{"as-of", required_argument, NULL, SW_OPT_AS_OF},
		{"output", required_argument, NULL, OPT_OUT},
		{"width", required_argument, NULL, OPT_WIDTH},
		{"height", required_argument, NULL, OPT_HEIGHT},
		{"paper", required_argument, NULL, OPT_PAPER},
		{"landscape", no_argument, NULL, OPT_LANDSCAPE},
		{"dpi", required_argument, NULL, OPT_DPI},
		{"scale", required_argument, NULL, OPT_SCALE},
		{"by", required_argument, NULL, OPT_CLASSIFY},
		{"basemap", required_argument, NULL, OPT_BASEMAP},
		{"no-basemap", no_argument, NULL, OPT_NO_BASEMAP},
		{"title", required_argument, NULL, OPT_TITLE},
		{"lang", required_argument, NULL, OPT_LANG},
		{"labels", no_argument, NULL, OPT_LABELS},
		{"no-legend", no_argument, NULL, OPT_NO_LEGEND},
		{NULL, 0, NULL, 0},
	};
	/* the map speaks the language schouw's messages are in (the words
	 * come through gettext, the numbers and dates follow them) */
	struct sw_map_options o = {.dpi = 150, .english = !sw_cli_dutch()};
	struct sw_map_result res;
	struct sw_error err = {0};
	struct sw_store *store;
	const char **basemaps = NULL;
	char *style = NULL;
	long width = 0, height = 0, v;
	double paper_w = 0, paper_h = 0, d;
	bool landscape = false, have_dpi = false;
	int rc = SW_EXIT_ERROR, c;
	enum sw_status rc_map;

	/* -o: the shared option loop knows only -h and -q as short options */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-o") == 0)
			argv[i] = (char *)"--output";
	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), &o.filter, &rc)) != -1) {
		switch (c) {
		case SW_CLI_STOP:
			goto out;
		case OPT_OUT:
			o.out = optarg;
			break;
		case OPT_WIDTH:
		case OPT_HEIGHT:
			if (!parse_int(optarg, &v) || v < 1) {
				sw_cli_usage_error(cli, "map", _("--%s: expected a whole number of pixels "
				                                 ">= 1, got '%s'"),
				                   c == OPT_WIDTH ? "width" : "height", optarg);
				goto out;
			}
			*(c == OPT_WIDTH ? &width : &height) = v;
			break;
		case OPT_PAPER:
			if (strcasecmp(optarg, "A4") == 0) {
				paper_w = 210, paper_h = 297;
			} else if (strcasecmp(optarg, "A3") == 0) {
				paper_w = 297, paper_h = 420;
			} else {
				sw_cli_usage_error(cli, "map", _("--paper: expected A4 or A3, got '%s'"),
				                   optarg);
				goto out;
			}
			break;
		case OPT_LANDSCAPE:
			landscape = true;
			break;
		case OPT_DPI:
			if (!sw_num_parse(optarg, SW_NUM_TRIM, &o.dpi) || o.dpi < 10) {
				sw_cli_usage_error(cli, "map", _("--dpi: expected a number >= 10, got "
				                                 "'%s'"),
				                   optarg);
				goto out;
			}
			have_dpi = true;
			break;
		case OPT_SCALE:
			if (!sw_num_parse(strncmp(optarg, "1:", 2) == 0 ? optarg + 2 : optarg, SW_NUM_TRIM,
			                         &d) ||
			    d < 1 || d > 1e8) {
				sw_cli_usage_error(cli, "map", _("--scale: expected 1:N (N from 1 to "
				                                 "100000000), got '%s'"),
				                   optarg);
				goto out;
			}
			o.scale = d;
			break;
		case OPT_CLASSIFY:
			if (strcmp(optarg, "status") == 0)
				o.by = SW_MAP_BY_STATUS;
			else if (strcmp(optarg, "compliance") == 0)
				o.by = SW_MAP_BY_COMPLIANCE;
			else if (strcmp(optarg, "type") == 0)
				o.by = SW_MAP_BY_TYPE;
			else {
				sw_cli_usage_error(cli, "map", _("--by: expected status, compliance or "
				                                 "type, got '%s' (the surveyor filter is "
				                                 "--surveyor here)"),
				                   optarg);
				goto out;
			}
			break;
		case OPT_BASEMAP:
			if (!sw_cli_append(&basemaps, &o.nbasemaps, optarg)) {
				sw_error_nomem(&err);
				goto fail;
			}
			break;
		case OPT_NO_BASEMAP:
			o.no_basemap = true;
			break;
		case OPT_TITLE:
			o.title = optarg;
			break;
		case OPT_LANG:
			if (!sw_cli_lang_opt(cli, "map", optarg, &o.english))
				goto out;
			break;
		case OPT_LABELS:
			o.labels = true;
			break;
		case OPT_NO_LEGEND:
			o.no_legend = true;
			break;
		default:
			goto out;
		}
	}
	if (!sw_cli_no_args(cli, "map", argc, argv))
		goto out;
	if (o.out == NULL) {
		sw_cli_usage_error(cli, "map", "%s", _("give the map file with -o FILE.png or FILE.pdf"));
		goto out;
	}
	if (sw_cli_filter_done(cli, &o.filter) != SW_EXIT_OK)
		goto out;
	if (paper_w > 0 && (width > 0 || height > 0)) {
		sw_cli_usage_error(cli, "map", "%s", _("give either --paper or --width/--height"));
		goto out;
	}
	if ((width > 0) != (height > 0)) {
		sw_cli_usage_error(cli, "map", "%s", _("give both --width and --height"));
		goto out;
	}
	if (o.dpi > SW_MAP_MAX_DPI) {
		sw_cli_errorf(cli, _("note: --dpi %g capped at %d"), o.dpi, SW_MAP_MAX_DPI);
		o.dpi = SW_MAP_MAX_DPI;
	}
	if (width == 0) { /* paper, by default A4 landscape */
		if (paper_w == 0) {
			paper_w = 210, paper_h = 297;
			landscape = true;
		}
		if (landscape) {
			double t = paper_w;
			paper_w = paper_h, paper_h = t;
		}
		if (fmax(paper_w, paper_h) / 25.4 * o.dpi > SW_MAP_MAX_SIDE) {
			double dpi = floor(SW_MAP_MAX_SIDE * 25.4 / fmax(paper_w, paper_h));
			sw_cli_errorf(cli, _("note: %g dpi would exceed %d pixels a side; using %g dpi"),
			              o.dpi, SW_MAP_MAX_SIDE, dpi);
			o.dpi = dpi;
		}
		width = lround(paper_w / 25.4 * o.dpi);
		height = lround(paper_h / 25.4 * o.dpi);
	} else {
		if (width > SW_MAP_MAX_SIDE || height > SW_MAP_MAX_SIDE) {
			sw_cli_errorf(cli, _("note: %ld x %ld pixels capped at %d a side"), width, height,
			              SW_MAP_MAX_SIDE);
			width = width > SW_MAP_MAX_SIDE ? SW_MAP_MAX_SIDE : width;
			height = height > SW_MAP_MAX_SIDE ? SW_MAP_MAX_SIDE : height;
		}
		if (!have_dpi) /* text and symbols sized for a screen-ish image */
			o.dpi = fmax(72, fmin(200, fmin(width, height) / 8.0));
	}
	o.width = (int)width;
	o.height = (int)height;
	o.basemaps = basemaps;
	/* --area: the shared filter found the area (a bad name stopped there);
	 * the map also outlines and names it, and shows its box without --bbox */
	if (o.filter.within != NULL && cli->areas != NULL) {
		for (size_t i = 0; i < cli->areas->n; i++)
			if (cli->areas->items[i].poly == o.filter.within) {
				o.area = o.filter.within;
				o.area_label = sw_area_label(&cli->areas->items[i],
				                             o.english ? "en" : "nl");
			}
	}
	/* the map's extent: --bbox, else the area's box (sw_map_render) */
	if (o.filter.has_bbox) {
		o.extent = (struct sw_map_extent){true, o.filter.minx, o.filter.miny, o.filter.maxx,
		                                  o.filter.maxy};
		o.filter.has_bbox = false;
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
	o.forms = sw_cli_forms(cli);
	if (o.forms == NULL)
		goto out;
	store = sw_cli_store(cli, SW_STORE_READ);
	if (store == NULL)
		goto out;
	rc_map = sw_map_render(store, &o, &res, &err);
	sw_render_release();
	if (rc_map != SW_OK)
		goto fail;
	if (!cli->quiet) {
		printf(ngettext("%s: %d x %d px, %lld point, 1:%.0f, RD New %.1f,%.1f,%.1f,%.1f\n",
		                "%s: %d x %d px, %lld points, 1:%.0f, RD New %.1f,%.1f,%.1f,%.1f\n",
		                (unsigned long)res.npoints),
		       o.out, o.width, o.height, res.npoints, res.scale, res.minx, res.miny, res.maxx,
		       res.maxy);
		if (o.labels)
			printf(_("labels: %lld placed, %lld left out where crowded\n"),
			       res.labels_placed, res.labels_left_out);
	}
	rc = SW_EXIT_OK;
	goto out;
fail:
	sw_cli_error(cli, &err);
out:
	free(basemaps);
	free(style);
	return rc;
}
