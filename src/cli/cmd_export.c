/* cmd_export.c - schouw export: points to shapefile (+ styles), GeoJSON or CSV. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cli.h"
#include "progress.h"
#include "commands.h"
#include "schouw/crs.h"
#include "schouw/csv.h"
#include "schouw/exchange.h"
#include "schouw/geojson.h"
#include "schouw/shp.h"

static const char usage[] =
    N_("usage: schouw export FILE [--format shp|geojson|csv] [--crs EPSG:n] [--split-by-type]\n"
       "                     [--dialect rfc4180|excel-nl] [--anonymize] [filters]\n"
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
	OPT_DBF_NAMES,
};

enum fmt { FMT_NONE, FMT_SHP, FMT_GEOJSON, FMT_CSV };

static const char *const fmt_ext[] = {"", "shp", "geojson", "csv"};

/* Warnings beyond this many are counted, not printed. */
#define MAX_WARNINGS_SHOWN 20

struct layer {
	char *type; /* NULL: all types */
	char *path;
	void *w;
	long long n;
};

struct export_state {
	struct sw_cli *cli;
	enum fmt fmt;
	bool split;
	const char *dir; /* --split-by-type */
	struct sw_export_opts o;
	struct layer *layers;
	size_t nlayers;
	long long n;
	long nwarn;
	struct sw_error err;
	bool failed;
	struct sw_progress pg;
};

static void on_warning(void *ud, const char *msg)
{
	struct export_state *st = ud;

	st->nwarn++;
	if (st->nwarn <= MAX_WARNINGS_SHOWN)
		fprintf(stderr, _("%s: warning: %s\n"), st->cli->prog, msg);
}

static enum sw_status layer_open(struct export_state *st, struct layer *l, struct sw_error *err)
{
	struct sw_export_opts o = st->o;

	o.type = l->type;
	switch (st->fmt) {
	case FMT_SHP:
		return sw_shp_writer_open(l->path, &o, (struct sw_shp_writer **)&l->w, err);
	case FMT_GEOJSON:
		o.crs = NULL;
		return sw_geojson_writer_open(l->path, &o, (struct sw_geojson_writer **)&l->w, err);
	case FMT_CSV:
		return sw_csv_writer_open(l->path, &o, (struct sw_csv_writer **)&l->w, err);
	default:
		return sw_error_set(err, SW_ERR_INTERNAL, "export: no format");
	}
}

static enum sw_status layer_add(struct export_state *st, struct layer *l, const struct sw_point *p,
                                struct sw_error *err)
{
	enum sw_status rc;

	switch (st->fmt) {
	case FMT_SHP:
		rc = sw_shp_writer_add(l->w, p, err);
		break;
	case FMT_GEOJSON:
		rc = sw_geojson_writer_add(l->w, p, err);
		break;
	case FMT_CSV:
		rc = sw_csv_writer_add(l->w, p, err);
		break;
	default:
		rc = sw_error_set(err, SW_ERR_INTERNAL, "export: no format");
		break;
	}
	if (rc == SW_OK)
		l->n++;
	return rc;
}

static enum sw_status layer_close(struct export_state *st, struct layer *l, bool commit,
                                  struct sw_error *err)
{
	void *w = l->w;

	l->w = NULL;
	if (w == NULL)
		return SW_OK;
	switch (st->fmt) {
	case FMT_SHP:
		return sw_shp_writer_close(w, commit, err);
	case FMT_GEOJSON:
		return sw_geojson_writer_close(w, commit, err);
	case FMT_CSV:
		return sw_csv_writer_close(w, commit, err);
	default:
		return SW_OK;
	}
}

static struct layer *add_layer(struct export_state *st, const char *type, const char *path)
{
	struct layer *v = realloc(st->layers, (st->nlayers + 1) * sizeof *v);
	struct layer *l;

	if (v == NULL)
		return NULL;
	st->layers = v;
	l = &v[st->nlayers];
	memset(l, 0, sizeof *l);
	l->type = type ? strdup(type) : NULL;
	if (asprintf(&l->path, "%s", path) < 0)
		l->path = NULL;
	if ((type != NULL && l->type == NULL) || l->path == NULL) {
		free(l->type);
		free(l->path);
		return NULL;
	}
	st->nlayers++;
	return l;
}

static struct layer *layer_for(struct export_state *st, const char *type, struct sw_error *err)
{
	struct layer *l;
	char *path = NULL;

	if (!st->split)
		return &st->layers[0];
	for (size_t i = 0; i < st->nlayers; i++)
		if (strcmp(st->layers[i].type, type) == 0)
			return &st->layers[i];
	if (asprintf(&path, "%s/%s.%s", st->dir, type, fmt_ext[st->fmt]) < 0) {
		sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		return NULL;
	}
	l = add_layer(st, type, path);
	free(path);
	if (l == NULL) {
		sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		return NULL;
	}
	if (layer_open(st, l, err) != SW_OK)
		return NULL;
	return l;
}

static enum sw_status export_point(const struct sw_point *p, void *ud)
{
	struct export_state *st = ud;
	struct layer *l;

	l = layer_for(st, p->type ? p->type : "", &st->err);
	if (l == NULL || layer_add(st, l, p, &st->err) != SW_OK) {
		st->failed = true;
		return st->err.code != SW_OK ? st->err.code : SW_ERR_INTERNAL;
	}
	st->n++;
	sw_progress_tick(&st->pg, 0);
	return SW_OK;
}

static bool is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* mkdir -p */
static bool make_dirs(const char *path)
{
	char *p = strdup(path);
	bool ok = p != NULL;

	for (char *s = p ? p + 1 : NULL; ok && s != NULL && *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			ok = false;
		*s = '/';
	}
	if (ok && mkdir(p, 0777) != 0 && errno != EEXIST)
		ok = false;
	free(p);
	return ok && is_dir(path);
}

static enum fmt fmt_from_name(const char *s)
{
	if (strcasecmp(s, "shp") == 0 || strcasecmp(s, "shapefile") == 0)
		return FMT_SHP;
	if (strcasecmp(s, "geojson") == 0 || strcasecmp(s, "json") == 0)
		return FMT_GEOJSON;
	if (strcasecmp(s, "csv") == 0)
		return FMT_CSV;
	return FMT_NONE;
}

static enum fmt fmt_from_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');

	if (is_dir(path) || path[strlen(path) - 1] == '/')
		return FMT_SHP;
	if (dot == NULL || (slash != NULL && dot < slash))
		return FMT_NONE;
	if (strcasecmp(dot, ".shp") == 0)
		return FMT_SHP;
	if (strcasecmp(dot, ".geojson") == 0 || strcasecmp(dot, ".json") == 0)
		return FMT_GEOJSON;
	if (strcasecmp(dot, ".csv") == 0)
		return FMT_CSV;
	return FMT_NONE;
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

/* Which operation PROJ uses from RD New to the target, for the summary. */
static void print_operation(const char *target, double x, double y)
{
	struct sw_crs *c = NULL;
	struct sw_error err = {0};
	const char *op;
	double acc;

	if (sw_crs_new(SW_CRS_RD, target, &c, &err) != SW_OK ||
	    sw_crs_trans(c, &x, &y, 1, NULL, &err) != SW_OK) {
		sw_crs_free(c);
		return;
	}
	op = sw_crs_operation(c);
	acc = sw_crs_accuracy(c);
	if (op != NULL) {
		if (acc >= 0)
			printf(_("  reprojected from EPSG:28992 with PROJ: %s (accuracy %g m)\n"),
			       op, acc);
		else
			printf(
			    _("  reprojected from EPSG:28992 with PROJ: %s (accuracy unknown)\n"),
			    op);
	}
	sw_crs_free(c);
}

/* First point of the export, for the summary's reprojection probe. */
static enum sw_status first_point(const struct sw_point *p, void *ud)
{
	double *xy = ud;

	xy[0] = p->x;
	xy[1] = p->y;
	return SW_ERR_NOTFOUND; /* stop after one */
}

static int by_type(const void *a, const void *b)
{
	const struct layer *x = a, *y = b;

	return strcmp(x->type ? x->type : "", y->type ? y->type : "");
}

static void print_summary(struct export_state *st, struct sw_store *store,
                          const struct sw_filter *filter)
{
	const char *target = st->fmt == FMT_GEOJSON ? SW_CRS_WGS84
	                     : st->o.crs != NULL    ? st->o.crs
	                                            : SW_CRS_RD;
	double xy[2] = {0, 0};
	struct sw_error err = {0};

	if (st->cli->quiet)
		return;
	if (st->nlayers > 1)
		qsort(st->layers, st->nlayers, sizeof *st->layers, by_type);
	for (size_t i = 0; i < st->nlayers; i++) {
		const struct layer *l = &st->layers[i];
		printf(ngettext("%s: %lld point", "%s: %lld points", (unsigned long)l->n), l->path,
		       l->n);
		if (l->type != NULL)
			printf(" (%s)", l->type);
		if (st->fmt == FMT_SHP)
			printf(_(", with .shx .dbf .prj .cpg .qml .sld"));
		putchar('\n');
	}
	if (st->split && st->nlayers == 0)
		printf(_("no points match; no layer written\n"));
	printf(_("  CRS: %s%s\n"), target, crs_is_rd(target) ? " (Amersfoort / RD New)" : "");
	if (!crs_is_rd(target) && st->n > 0) {
		sw_store_query(store, filter, first_point, xy, &err);
		print_operation(target, xy[0], xy[1]);
	}
	if (st->nwarn > MAX_WARNINGS_SHOWN)
		fprintf(stderr, _("%s: %ld warnings in all (%d shown)\n"), st->cli->prog, st->nwarn,
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
	    {"dbf-names", no_argument, NULL, OPT_DBF_NAMES},
	    {NULL, 0, NULL, 0},
	};
	struct export_state st = {.cli = cli};
	struct sw_filter filter = {0};
	struct sw_error err = {0};
	struct sw_store *store;
	struct sw_crs *probe = NULL;
	const char *file, *dialect = NULL;
	char *single = NULL;
	char help[8192];
	bool dbf_names = false, commit_ok = true;
	enum sw_status qrc;
	int rc = SW_EXIT_ERROR;
	int c;

	snprintf(help, sizeof help, _(usage), _(SW_CLI_FILTER_HELP));
	st.o.warn = on_warning;
	st.o.warn_ud = &st;
	st.o.dialect = SW_CSV_RFC4180;
	while ((c = sw_cli_next_opt(cli, argc, argv, opts, help, &filter, &rc)) != -1) {
		if (c == SW_CLI_STOP)
			goto out;
		switch (c) {
		case OPT_FORMAT:
			st.fmt = fmt_from_name(optarg);
			if (st.fmt == FMT_NONE) {
				sw_cli_usage_error(
				    cli, "export",
				    _("--format: expected shp, geojson or csv, got '%s'"), optarg);
				goto out;
			}
			break;
		case OPT_CRS:
			st.o.crs = optarg;
			break;
		case OPT_SPLIT:
			st.split = true;
			break;
		case OPT_ANON:
			st.o.anonymize = true;
			break;
		case OPT_DBF_NAMES:
			dbf_names = true;
			break;
		case OPT_DIALECT:
			dialect = optarg;
			if (strcmp(optarg, "rfc4180") == 0) {
				st.o.dialect = SW_CSV_RFC4180;
			} else if (strcmp(optarg, "excel-nl") == 0) {
				st.o.dialect = SW_CSV_EXCEL_NL;
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
	file = argv[optind];
	if (*file == '\0') {
		sw_cli_usage_error(cli, "export", _("FILE is empty"));
		goto out;
	}
	if (st.fmt == FMT_NONE)
		st.fmt =
		    st.split && fmt_from_path(file) == FMT_NONE ? FMT_SHP : fmt_from_path(file);
	if (st.fmt == FMT_NONE) {
		sw_cli_usage_error(cli, "export",
		                   _("cannot tell the format from '%s'; use a name ending in .shp, "
		                     ".geojson or .csv, or --format"),
		                   file);
		goto out;
	}
	if (dialect != NULL && st.fmt != FMT_CSV) {
		sw_cli_usage_error(cli, "export", _("--dialect applies to CSV only"));
		goto out;
	}
	if (st.fmt == FMT_GEOJSON && st.o.crs != NULL && strcasecmp(st.o.crs, SW_CRS_WGS84) != 0) {
		sw_cli_usage_error(
		    cli, "export",
		    _("GeoJSON is always WGS84 (RFC 7946); --crs %s is not possible"), st.o.crs);
		goto out;
	}
	if (sw_cli_filter_done(cli, &filter) != SW_EXIT_OK)
		goto out;
	st.o.forms = sw_cli_forms(cli);
	if (st.o.forms == NULL)
		goto out;
	/* An unknown --crs fails before anything is written. */
	if (st.o.crs != NULL && !crs_is_rd(st.o.crs) &&
	    sw_crs_new(SW_CRS_RD, st.o.crs, &probe, &err) != SW_OK) {
		sw_cli_errorf(cli, _("--crs %s: %s"), st.o.crs, err.msg);
		goto out;
	}
	store = sw_cli_store(cli, SW_STORE_READ);
	if (store == NULL)
		goto out;

	if (st.split) {
		st.dir = file;
		if (!make_dirs(file)) {
			sw_cli_errorf(cli, _("%s: cannot create the directory: %s"), file,
			              strerror(errno ? errno : ENOTDIR));
			goto out;
		}
	} else {
		if (st.fmt == FMT_SHP && (is_dir(file) || file[strlen(file) - 1] == '/')) {
			if (!make_dirs(file)) {
				sw_cli_errorf(cli, _("%s: cannot create the directory: %s"), file,
				              strerror(errno ? errno : ENOTDIR));
				goto out;
			}
			if (asprintf(&single, "%s%spoints.shp", file,
			             file[strlen(file) - 1] == '/' ? "" : "/") < 0)
				single = NULL;
		} else {
			single = strdup(file);
		}
		if (single == NULL) {
			sw_cli_errorf(cli, _("out of memory"));
			goto out;
		}
		if (st.fmt == FMT_SHP && strlen(single) > 4 &&
		    strcasecmp(single + strlen(single) - 4, ".shp") != 0) {
			sw_cli_usage_error(cli, "export",
			                   _("a shapefile name must end in .shp, got '%s'"),
			                   single);
			goto out;
		}
		if (add_layer(&st, NULL, single) == NULL) {
			sw_cli_errorf(cli, _("out of memory"));
			goto out;
		}
		if (layer_open(&st, &st.layers[0], &err) != SW_OK) {
			sw_cli_error(cli, &err);
			goto out;
		}
	}

	{
		/* the count is a cheap R-tree/index query; it gives the bar its 100 % */
		long long total = 0;
		sw_progress_start(&st.pg, cli->quiet, 0, _("points"));
		if (st.pg.on && sw_store_count(store, &filter, &total, NULL) == SW_OK)
			st.pg.total = total;
	}
	qrc = sw_store_query(store, &filter, export_point, &st, &err);
	sw_progress_end(&st.pg);
	if (qrc != SW_OK) {
		sw_cli_error(cli, st.failed ? &st.err : &err);
		goto out;
	}
	/* Complete every layer before renaming any, so a failure leaves none. */
	if (st.fmt == FMT_SHP)
		for (size_t i = 0; i < st.nlayers; i++)
			if (sw_shp_writer_finish(st.layers[i].w, &err) != SW_OK) {
				sw_cli_error(cli, &err);
				goto out;
			}
	for (size_t i = 0; i < st.nlayers; i++)
		if (layer_close(&st, &st.layers[i], commit_ok, &err) != SW_OK) {
			sw_cli_error(cli, &err);
			commit_ok = false;
		}
	if (!commit_ok)
		goto out;
	print_summary(&st, store, &filter);
	rc = SW_EXIT_OK;
out:
	for (size_t i = 0; i < st.nlayers; i++) {
		struct sw_error e2 = {0};
		layer_close(&st, &st.layers[i], false, &e2);
		free(st.layers[i].type);
		free(st.layers[i].path);
	}
	free(st.layers);
	free(single);
	sw_crs_free(probe);
	return rc;
}
