/* cmd_areas.c - schouw areas: the named areas, their size and point counts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "output.h"

static const char usage[] = N_(
	"usage: schouw areas [filters] [--format table|csv|json]\n\n"
	"List the named areas of gis/areas.shp (the folder is $SCHOUW_GIS, else the\n"
	"installed one): name (what --area takes), Dutch and English label, size in\n"
	"hectares and how many points of the store lie inside (boundary included),\n"
	"counted with the filters given. With --area, only that area.\n\n"
	"Filters:\n"
	"%s"
	"Options:\n"
	"  --format F          table (default), csv or json\n"
	"  --db PATH           the store\n");

enum { OPT_FORMAT = SW_OPT_FIRST_FREE };

#define NCOLS 5

static void print_table(char **cells, size_t nrows)
{
	const char *head[NCOLS] = {_("name"), _("label_nl"), _("label_en"), _("hectares"),
				   _("points")};
	const int right[NCOLS] = {0, 0, 0, 1, 1};

	sw_out_table(head, (const char *const *)cells, nrows, NCOLS, right);
	printf(ngettext("(%zu area)\n", "(%zu areas)\n", nrows), nrows);
}

int cmd_areas(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		SW_CLI_COMMON_OPTS,
		SW_CLI_FILTER_OPTS,
		{"format", required_argument, NULL, OPT_FORMAT},
		{NULL, 0, NULL, 0},
	};
	struct sw_filter filter = {0};
	struct sw_error err = {0};
	struct sw_areas *areas;
	struct sw_store *store;
	enum sw_out_fmt fmt = SW_OUT_TABLE;
	json_t *array = NULL;
	char **cells = NULL;
	size_t nrows = 0;
	int rc = SW_EXIT_ERROR;
	int c;

	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), &filter, &rc)) != -1) {
		if (c == SW_CLI_STOP)
			goto out;
		if (c != OPT_FORMAT)
			goto out;
		if (!sw_cli_out_fmt(cli, "areas", optarg, &fmt))
			goto out;
	}
	store = sw_cli_filtered_store(cli, "areas", argc, argv, &filter, SW_STORE_READ);
	if (store == NULL)
		goto out;
	areas = sw_cli_areas(cli);
	if (areas == NULL)
		goto out;
	cells = calloc(areas->n * NCOLS + 1, sizeof *cells);
	array = json_array();
	if (cells == NULL || array == NULL)
		goto nomem;
	if (fmt == SW_OUT_CSV)
		fputs("name,label_nl,label_en,hectares,points\r\n", stdout);
	for (size_t i = 0; i < areas->n; i++) {
		const struct sw_area *a = &areas->items[i];
		struct sw_filter f = filter;
		double ha = sw_polygon_area(a->poly) / 10000.0;
		char hbuf[32], nbuf[32];
		long long n;

		if (filter.within != NULL && filter.within != a->poly)
			continue;
		f.within = a->poly;
		if (sw_store_count(store, &f, &n, &err) != SW_OK)
			goto fail;
		snprintf(hbuf, sizeof hbuf, "%.1f", ha);
		snprintf(nbuf, sizeof nbuf, "%lld", n);
		if (fmt == SW_OUT_CSV) {
			sw_out_csv_cell(stdout, a->name, 1);
			sw_out_csv_cell(stdout, a->label_nl, 0);
			sw_out_csv_cell(stdout, a->label_en, 0);
			sw_out_csv_cell(stdout, hbuf, 0);
			sw_out_csv_cell(stdout, nbuf, 0);
			fputs("\r\n", stdout);
		} else if (fmt == SW_OUT_JSON) {
			json_t *o = json_pack("{s:s, s:s, s:s, s:f, s:I, s:[f,f,f,f]}", "name", a->name,
					      "label_nl", a->label_nl, "label_en", a->label_en,
					      "hectares", round(ha * 100) / 100, "points",
					      (json_int_t)n, "bbox", a->poly->minx, a->poly->miny,
					      a->poly->maxx, a->poly->maxy);
			if (o == NULL || json_array_append_new(array, o) != 0)
				goto nomem;
		} else {
			char **row = cells + nrows * NCOLS;
			row[0] = strdup(a->name);
			row[1] = strdup(a->label_nl);
			row[2] = strdup(a->label_en);
			row[3] = strdup(hbuf);
			row[4] = strdup(nbuf);
			nrows++;
			for (int k = 0; k < NCOLS; k++)
				if (row[k] == NULL)
					goto nomem;
		}
	}
	if (fmt == SW_OUT_JSON) {
		json_dumpf(array, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
		fputc('\n', stdout);
	} else if (fmt == SW_OUT_TABLE) {
		print_table(cells, nrows);
	}
	rc = SW_EXIT_OK;
	goto out;
nomem:
	sw_error_nomem(&err);
fail:
	sw_cli_error(cli, &err);
out:
	for (size_t i = 0; cells != NULL && i < nrows * NCOLS; i++)
		free(cells[i]);
	free(cells);
	json_decref(array);
	return rc;
}
