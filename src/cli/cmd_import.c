/* cmd_import.c - schouw import: points from CSV, shapefile, GPX or GeoJSON. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"
#include "commands.h"
#include "schouw/csv.h"
#include "schouw/geojson.h"
#include "schouw/gpx.h"
#include "schouw/import.h"
#include "schouw/shp.h"

static const char usage[] =
    N_("usage: schouw import FILE [options]\n\n"
       "Import points from a CSV (.csv, .txt), shapefile (.shp), GPX (.gpx) or GeoJSON\n"
       "(.geojson, .json) file. Every row is checked against its type's form; by default\n"
       "nothing is imported when any row is bad, and every bad row is reported.\n"
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

enum fmt { FMT_NONE, FMT_CSV, FMT_SHP, FMT_GPX, FMT_GEOJSON };

typedef enum sw_status (*reader_fn)(const char *path, const struct sw_read_opts *o, sw_record_cb cb,
                                    void *ud, struct sw_error *err);

static enum fmt fmt_by_name(const char *s)
{
	if (strcasecmp(s, "csv") == 0 || strcasecmp(s, "txt") == 0 || strcasecmp(s, "tsv") == 0)
		return FMT_CSV;
	if (strcasecmp(s, "shp") == 0 || strcasecmp(s, "shapefile") == 0)
		return FMT_SHP;
	if (strcasecmp(s, "gpx") == 0)
		return FMT_GPX;
	if (strcasecmp(s, "geojson") == 0 || strcasecmp(s, "json") == 0)
		return FMT_GEOJSON;
	return FMT_NONE;
}

/* By extension, else by the first bytes. */
static enum fmt fmt_of_file(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	char head[64] = "";
	size_t n = 0, i = 0;
	FILE *f;

	if (dot != NULL && (slash == NULL || dot > slash)) {
		enum fmt e = fmt_by_name(dot + 1);
		if (e != FMT_NONE)
			return e;
	}
	f = fopen(path, "rb");
	if (f == NULL)
		return FMT_CSV; /* the reader reports the open error */
	n = fread(head, 1, sizeof head - 1, f);
	fclose(f);
	head[n] = '\0';
	if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		i++;
	if (head[i] == '{')
		return FMT_GEOJSON;
	if (head[i] == '<')
		return FMT_GPX;
	return FMT_CSV;
}

/* ---- reject file ---- */

struct rejects {
	struct sw_cli *cli;
	const char *path;
	struct sw_csv_out *out;
	char **header; /* the columns of the first rejected row, then line, reason */
	size_t ncols;
	const char **cells;
	enum sw_csv_dialect dialect; /* that of the input, so Excel users can open it */
	struct sw_error err;
	bool failed;
};

static void rejects_open(struct rejects *rj, const struct sw_record *r)
{
	const char *pos = r != NULL && r->pos_kind != NULL ? r->pos_kind : "line";
	size_t n = r != NULL ? r->n : 0, i;

	rj->header = calloc(n + 2, sizeof *rj->header);
	rj->cells = calloc(n + 2, sizeof *rj->cells);
	if (rj->header == NULL || rj->cells == NULL) {
		sw_error_set(&rj->err, SW_ERR_NOMEM, "%s", _("out of memory"));
		rj->failed = true;
		return;
	}
	for (i = 0; i < n; i++)
		rj->header[i] = strdup(r->keys[i] != NULL ? r->keys[i] : "");
	rj->header[n] = strdup(pos);
	rj->header[n + 1] = strdup("reason");
	rj->ncols = n + 2;
	for (i = 0; i < rj->ncols; i++) {
		if (rj->header[i] == NULL) {
			sw_error_set(&rj->err, SW_ERR_NOMEM, "%s", _("out of memory"));
			rj->failed = true;
			return;
		}
	}
	if (sw_csv_out_open(rj->path, rj->dialect, &rj->out, &rj->err) != SW_OK ||
	    sw_csv_out_row(rj->out, rj->ncols, (const char *const *)rj->header, &rj->err) != SW_OK)
		rj->failed = true;
}

static void on_reject(void *ud, const struct sw_record *r, const char *reason)
{
	struct rejects *rj = ud;
	char pos[32];
	size_t i, k;

	if (rj->path == NULL || rj->failed)
		return;
	if (rj->out == NULL) {
		rejects_open(rj, r);
		if (rj->failed)
			return;
	}
	/* by name, since GeoJSON features may differ in their properties */
	for (i = 0; i + 2 < rj->ncols; i++) {
		rj->cells[i] = NULL;
		for (k = 0; k < r->n; k++) {
			if (r->keys[k] != NULL && strcmp(r->keys[k], rj->header[i]) == 0) {
				rj->cells[i] = r->vals[k];
				break;
			}
		}
	}
	snprintf(pos, sizeof pos, "%ld", r->pos);
	rj->cells[rj->ncols - 2] = pos;
	rj->cells[rj->ncols - 1] = reason;
	if (sw_csv_out_row(rj->out, rj->ncols, rj->cells, &rj->err) != SW_OK)
		rj->failed = true;
}

static enum sw_status rejects_close(struct rejects *rj, bool commit)
{
	enum sw_status rc = SW_OK;
	size_t i;

	if (rj->path != NULL && commit && !rj->failed && rj->out == NULL) {
		/* nothing rejected: still replace an older file */
		static const char *const hdr[] = {"line", "reason"};
		if (sw_csv_out_open(rj->path, rj->dialect, &rj->out, &rj->err) != SW_OK ||
		    sw_csv_out_row(rj->out, 2, hdr, &rj->err) != SW_OK)
			rj->failed = true;
	}
	if (rj->failed)
		commit = false;
	if (sw_csv_out_close(rj->out, commit, &rj->err) != SW_OK)
		rj->failed = true;
	rj->out = NULL;
	if (rj->failed && rj->path != NULL) {
		rc = rj->err.code != SW_OK ? rj->err.code : SW_ERR_IO;
		sw_error_prefix(&rj->err, "--skip-invalid %s: ", rj->path);
	}
	for (i = 0; rj->header != NULL && i < rj->ncols; i++)
		free(rj->header[i]);
	free(rj->header);
	free(rj->cells);
	rj->header = NULL;
	rj->cells = NULL;
	return rc;
}

/* REJECTS must be writable and must not be the input; checked before the
 * import so that a typo does not surface after the points are in. */
static bool rejects_path_ok(struct sw_cli *cli, const char *rejects, const char *input)
{
	struct stat a, b;
	char *dir = strdup(rejects);
	char *slash;
	bool ok;

	if (dir == NULL)
		return false;
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	ok = access(dir, W_OK) == 0;
	if (!ok)
		sw_cli_usage_error(cli, "import", _("--skip-invalid %s: cannot write in '%s'"),
		                   rejects, dir);
	free(dir);
	if (ok && stat(rejects, &a) == 0 && stat(input, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino) {
		sw_cli_usage_error(
		    cli, "import",
		    _("--skip-invalid %s: that is the input file; name another file"), rejects);
		ok = false;
	}
	return ok;
}

/* ---- progress on a terminal ---- */

static long count_lines(const char *path)
{
	char buf[65536];
	long n = 0;
	size_t k;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return 0;
	while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
		const char *p = buf, *end = buf + k;
		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			n++;
			p++;
		}
	}
	fclose(f);
	return n;
}

/* A bulk load rebuilds the whole R-tree once, which pays off when the file
 * is big and not small next to the store. Rows are guessed from the size. */
static bool want_bulk(struct sw_store *store, const char *path)
{
	struct stat st;
	long long npoints = 0, rows;

	if (stat(path, &st) != 0)
		return false;
	rows = (long long)st.st_size / 64;
	if (rows < 20000 || sw_store_count(store, NULL, &npoints, NULL) != SW_OK)
		return false;
	return rows >= npoints / 2;
}

struct feed {
	struct sw_importer *im;
	struct sw_progress *pg;
};

static enum sw_status feed_record(const struct sw_record *r, void *ud, struct sw_error *err)
{
	struct feed *fd = ud;

	sw_progress_tick(fd->pg, r->pos);
	return sw_importer_record_cb(r, fd->im, err);
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
	struct rejects rj = {0};
	struct sw_progress pg = {0};
	struct feed fd = {0};
	struct sw_importer *im = NULL;
	struct sw_forms *forms;
	struct sw_store *store;
	const char **map_src = NULL, **map_dst = NULL;
	char **map_buf = NULL;
	size_t nmap = 0, i;
	const char *by = NULL, *path;
	enum fmt format = FMT_NONE;
	reader_fn reader = NULL;
	enum sw_status src;
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
			format = fmt_by_name(optarg);
			if (format == FMT_NONE) {
				sw_cli_usage_error(cli, "import",
				                   _("--format: expected csv, shp, gpx or geojson, "
				                     "got '%s'"),
				                   optarg);
				goto out;
			}
			break;
		case OPT_DRY_RUN:
			io.dry_run = true;
			break;
		case OPT_SKIP:
			io.skip_invalid = true;
			rj.path = optarg;
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
	if (rj.path != NULL && !rejects_path_ok(cli, rj.path, path))
		goto out;
	if (format == FMT_NONE)
		format = fmt_of_file(path);
	switch (format) {
	case FMT_SHP:
		reader = sw_shp_read;
		break;
	case FMT_GPX:
		reader = sw_gpx_read;
		break;
	case FMT_GEOJSON:
		reader = sw_geojson_read;
		break;
	default:
		reader = sw_csv_read;
		break;
	}

	forms = sw_cli_forms(cli);
	if (forms == NULL)
		goto out;
	if (io.default_type != NULL && sw_forms_find_or_error(forms, io.default_type, &err) == NULL)
		goto out;
	if (io.default_status != NULL &&
	    sw_forms_check_status(forms, io.default_status, &err) != SW_OK)
		goto out;
	store = sw_cli_store(cli, SW_STORE_WRITE);
	if (store == NULL)
		goto out;

	io.default_surveyor = by;
	io.who = sw_cli_who(cli, by);
	if (io.who == NULL)
		goto out;
	io.reject = on_reject;
	io.reject_ud = &rj;
	rj.cli = cli;
	rj.dialect = format == FMT_CSV ? sw_csv_sniff_dialect(path) : SW_CSV_RFC4180;
	ro.map_src = map_src;
	ro.map_dst = map_dst;
	ro.nmap = nmap;
	ro.forms = forms;
	ro.warn = warn_stderr;
	ro.warn_ud = cli;

	sw_progress_start(&pg, cli->quiet, 0, _("rows"));
	if (pg.on && format == FMT_CSV)
		pg.total = count_lines(path);
	io.bulk = want_bulk(store, path);

	if (sw_importer_new(store, forms, &io, &im, &err) != SW_OK)
		goto out;
	fd.im = im;
	fd.pg = &pg;
	src = reader(path, &ro, feed_record, &fd, &err);
	sw_progress_end(&pg);
	if (src != SW_OK)
		goto out;
	if (sw_importer_finish(im, &err) != SW_OK) {
		const struct sw_import_report *rep = sw_importer_report(im);
		if (err.code == SW_ERR_INPUT && rep->rejected > 0) {
			print_rejected(cli, rep);
			print_report(cli, path, rep, io.dry_run);
		}
		rejects_close(&rj, false);
		goto out;
	}
	if (rejects_close(&rj, true) != SW_OK) {
		/* the points are in; say that the reject file is not */
		sw_cli_error(cli, &rj.err);
		print_report(cli, path, sw_importer_report(im), io.dry_run);
		goto out;
	}
	if (sw_importer_report(im)->rejected > 0 && !cli->quiet) {
		print_rejected(cli, sw_importer_report(im));
		sw_cli_errorf(cli, _("%lld rejected rows written to %s"),
		              sw_importer_report(im)->rejected, rj.path);
	}
	print_report(cli, path, sw_importer_report(im), io.dry_run);
	rc = SW_EXIT_OK;
out:
	sw_progress_end(&pg);
	if (rc != SW_EXIT_OK && err.code != SW_OK)
		sw_cli_error(cli, &err); /* failures that printed already leave err clear */
	rejects_close(&rj, false);
	sw_importer_free(im);
	for (i = 0; map_buf != NULL && i < nmap; i++)
		free(map_buf[i]);
	free(map_buf);
	free(map_src);
	free(map_dst);
	return rc;
}
