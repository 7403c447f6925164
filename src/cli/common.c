/* common.c - helpers shared by the subcommands. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "schouw/config.h"
#include "schouw/date.h"
#include "schouw/merge.h"
#include "schouw/num.h"
#include "schouw/utf8.h"

#define SW_CLI_GO_ON 0x100

/* A common option: -1 when c is not one, SW_CLI_GO_ON when handled, else
 * the exit status to stop with (help printed: 0; bad option: 2). */
/* The usage text; for a command with filters its "%s" stands for the filter
 * help. */
static void print_usage(const char *usage, bool filters)
{
	const char *at = filters ? strstr(usage, "%s") : NULL;

	if (at == NULL) {
		fputs(usage, stdout);
		return;
	}
	fwrite(usage, 1, (size_t)(at - usage), stdout);
	fputs(_(SW_CLI_FILTER_HELP), stdout);
	fputs(at + 2, stdout);
}

static int common_opt(struct sw_cli *cli, int c, const char *usage, bool filters)
{
	switch (c) {
	case SW_OPT_DB:
		cli->db_path = optarg;
		return SW_CLI_GO_ON;
	case 'q':
		cli->quiet = true;
		return SW_CLI_GO_ON;
	case 'h':
		print_usage(usage, filters);
		return SW_EXIT_OK;
	default:
		return -1;
	}
}

static int filter_opt(struct sw_cli *cli, struct sw_filter *f, int c, const char *arg);

int sw_cli_next_opt(struct sw_cli *cli, int argc, char **argv, const struct option *opts,
		    const char *usage, struct sw_filter *filter, int *status)
{
	for (;;) {
		int c;
		int r;

		opterr = 0; /* we say it ourselves, naming the command */
		c = getopt_long(argc, argv, ":hq", opts, NULL);
		if (c == -1)
			return -1;
		if (c == '?' || c == ':') {
			const char *bad = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
			if (c == ':')
				fprintf(stderr, _("schouw %s: option '%s' needs a value\n"), argv[0], bad);
			else
				fprintf(stderr, _("schouw %s: unknown option '%s'\n"), argv[0], bad);
			fprintf(stderr, _("Run 'schouw %s --help' for usage.\n"), argv[0]);
			*status = SW_EXIT_ERROR;
			return SW_CLI_STOP;
		}
		r = common_opt(cli, c, usage, filter != NULL);
		if (r == SW_CLI_GO_ON)
			continue;
		if (r == -1 && filter != NULL) {
			r = filter_opt(cli, filter, c, optarg);
			if (r == 0)
				continue;
		}
		if (r != -1) {
			*status = r;
			return SW_CLI_STOP;
		}
		return c;
	}
}

int sw_cli_one_opt(struct sw_cli *cli, int argc, char **argv, const char *name,
		   const char *usage, const char **value)
{
	const struct option opts[] = {
		SW_CLI_COMMON_OPTS,
		{name, required_argument, NULL, SW_OPT_FIRST_FREE},
		{NULL, 0, NULL, 0},
	};
	int status = SW_EXIT_ERROR;
	int c;

	while ((c = sw_cli_next_opt(cli, argc, argv, opts, usage, NULL, &status)) != -1) {
		if (c == SW_CLI_STOP)
			return status;
		if (c != SW_OPT_FIRST_FREE)
			return SW_EXIT_ERROR;
		*value = optarg;
	}
	return -1;
}

struct sw_store *sw_cli_point(struct sw_cli *cli, enum sw_store_mode mode, const char *ref,
			      struct sw_point *p)
{
	struct sw_error err = {0};
	struct sw_store *store = sw_cli_forms(cli) ? sw_cli_store(cli, mode) : NULL;

	if (store != NULL) {
		long long skipped = sw_store_skipped(store);

		if (sw_store_get(store, ref, p, &err) != SW_OK) {
			/* an unreadable row was named already */
			if (sw_store_skipped(store) == skipped)
				sw_cli_error(cli, &err);
			store = NULL;
		}
	}
	return store;
}

struct sw_store *sw_cli_by_point(struct sw_cli *cli, const char *cmd, int argc, char **argv,
				 const char *usage, bool more_args, const char *args_hint,
				 const char **who, struct sw_point *p, int *status)
{
	const char *by = NULL;
	int nargs;

	*status = sw_cli_one_opt(cli, argc, argv, "by", usage, &by);
	if (*status != -1)
		return NULL;
	*status = SW_EXIT_ERROR;
	nargs = argc - optind;
	if (more_args ? nargs < 2 : nargs != 1) {
		sw_cli_usage_error(cli, cmd, "%s", args_hint);
		return NULL;
	}
	if (by != NULL && !sw_utf8_valid(by, strlen(by))) {
		sw_cli_errorf(cli, _("--by: not valid UTF-8 text"));
		return NULL;
	}
	*who = sw_cli_who(cli, by);
	if (*who == NULL)
		return NULL;
	return sw_cli_point(cli, SW_STORE_WRITE, argv[optind], p);
}

struct sw_store *sw_cli_filtered_store(struct sw_cli *cli, const char *cmd, int argc, char **argv,
				       struct sw_filter *f, enum sw_store_mode mode)
{
	if (!sw_cli_no_args(cli, cmd, argc, argv) || sw_cli_filter_done(cli, f) != SW_EXIT_OK ||
	    sw_cli_forms(cli) == NULL)
		return NULL;
	return sw_cli_store(cli, mode);
}

bool sw_cli_out_fmt(const struct sw_cli *cli, const char *cmd, const char *arg,
		    enum sw_out_fmt *out)
{
	static const char *const names[] = {"table", "csv", "json"};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(arg, names[i]) == 0) {
			*out = (enum sw_out_fmt)i;
			return true;
		}
	}
	sw_cli_usage_error(cli, cmd, _("--format: expected table, csv or json, got '%s'"), arg);
	return false;
}

bool sw_cli_parse_doubles(const char *s, double *out, int n)
{
	size_t len = strlen(s), i = 0;

	for (int k = 0; k < n; k++) {
		const char *comma = k < n - 1 ? memchr(s + i, ',', len - i) : NULL;
		size_t end = comma != NULL ? (size_t)(comma - s) : len;

		if (k < n - 1 && comma == NULL)
			return false;
		/* the comma separates numbers here, so a decimal point only */
		if (!sw_num_parse_n(s + i, end - i, SW_NUM_TRIM, &out[k]))
			return false;
		i = end + 1;
	}
	return true;
}

void sw_cli_error(const struct sw_cli *cli, const struct sw_error *err)
{
	fprintf(stderr, "%s: %s\n", cli->prog, err->msg[0] ? err->msg : _("unknown error"));
}

void sw_cli_errorf(const struct sw_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void sw_cli_usage_error(const struct sw_cli *cli, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", cli->prog, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, _("\nRun 'schouw %s --help' for usage.\n"), cmd);
}

/* A filter option: -1 when c is not one, 0 when handled, SW_EXIT_ERROR
 * (printed) when its argument is bad. */
static int filter_opt(struct sw_cli *cli, struct sw_filter *f, int c, const char *arg)
{
	double v[4];

	switch (c) {
	case SW_OPT_TYPE:
		f->type = arg;
		return 0;
	case SW_OPT_STATUS:
		f->status = arg;
		return 0;
	case SW_OPT_BY:
		f->by = arg;
		return 0;
	case SW_OPT_BBOX:
		if (!sw_cli_parse_doubles(arg, v, 4) || v[0] > v[2] || v[1] > v[3]) {
			sw_cli_errorf(cli, _("--bbox: expected minx,miny,maxx,maxy in RD New metres "
					     "with min <= max, got '%s'"),
				      arg);
			return SW_EXIT_ERROR;
		}
		f->has_bbox = true;
		f->minx = v[0];
		f->miny = v[1];
		f->maxx = v[2];
		f->maxy = v[3];
		return 0;
	case SW_OPT_NEAR:
		if (!sw_cli_parse_doubles(arg, v, 2)) {
			sw_cli_errorf(cli, _("--near: expected x,y in RD New metres, got '%s'"), arg);
			return SW_EXIT_ERROR;
		}
		f->has_near = true;
		f->near_x = v[0];
		f->near_y = v[1];
		return 0;
	case SW_OPT_RADIUS:
		if (!sw_num_parse(arg, SW_NUM_TRIM, &f->radius) || f->radius < 0) {
			sw_cli_errorf(cli, _("--radius: expected a distance in metres >= 0, got '%s'"),
				      arg);
			return SW_EXIT_ERROR;
		}
		return 0;
	case SW_OPT_AREA: {
		struct sw_areas *areas = sw_cli_areas(cli);
		const struct sw_area *a;
		struct sw_error err = {0};

		if (areas == NULL)
			return SW_EXIT_ERROR;
		a = sw_area_find(areas, arg, &err);
		if (a == NULL) {
			sw_cli_error(cli, &err);
			return SW_EXIT_ERROR;
		}
		f->within = a->poly;
		return 0;
	}
	case SW_OPT_AS_OF: {
		long long bound;

		if (!sw_date_parse_as_of(arg, &bound)) {
			sw_cli_errorf(cli, _("--as-of: expected a date YYYY-MM-DD or an ISO 8601 "
					     "timestamp such as 2025-06-30T17:00:00+02:00, got '%s'"),
				      arg);
			return SW_EXIT_ERROR;
		}
		sw_date_iso_utc(bound, cli->as_of, sizeof cli->as_of);
		f->as_of = cli->as_of;
		return 0;
	}
	default:
		return -1;
	}
}

int sw_cli_filter_done(struct sw_cli *cli, struct sw_filter *f)
{
	struct sw_forms *forms;
	struct sw_error err = {0};

	if (f->has_near && f->radius <= 0) {
		sw_cli_errorf(cli, _("--near needs --radius M (metres, > 0)"));
		return SW_EXIT_ERROR;
	}
	if (!f->has_near && f->radius > 0) {
		sw_cli_errorf(cli, _("--radius needs --near X,Y"));
		return SW_EXIT_ERROR;
	}
	if (f->type == NULL && f->status == NULL)
		return SW_EXIT_OK;
	forms = sw_cli_forms(cli);
	if (forms == NULL)
		return SW_EXIT_ERROR;
	if (f->type != NULL && sw_forms_find_or_error(forms, f->type, &err) == NULL) {
		sw_cli_error(cli, &err);
		return SW_EXIT_ERROR;
	}
	if (f->status != NULL && sw_forms_check_state(forms, f->status, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		return SW_EXIT_ERROR;
	}
	return SW_EXIT_OK;
}

struct sw_forms *sw_cli_forms(struct sw_cli *cli)
{
	struct sw_error err = {0};

	if (cli->forms != NULL)
		return cli->forms;
	if (sw_forms_load(cli->datadir, &cli->forms, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		cli->forms = NULL;
	}
	return cli->forms;
}

struct sw_areas *sw_cli_areas(struct sw_cli *cli)
{
	struct sw_error err = {0};
	enum sw_status rc;

	if (cli->areas != NULL)
		return cli->areas;
	rc = sw_area_load_dir(cli->gisdir, &cli->areas, &err);
	if (rc != SW_OK) {
		sw_cli_error(cli, &err);
		if (rc == SW_ERR_NOTFOUND)
			sw_cli_errorf(cli, _("the named areas live in %s/%s; set SCHOUW_GIS to the "
					     "folder that holds them"),
				      cli->gisdir, SW_AREA_FILE);
		cli->areas = NULL;
	}
	return cli->areas;
}

/* A row the store could not read: named on stderr; the command goes on and
 * main() makes the exit status 1. */
static void skip_print(long long id, const char *uuid, const char *what, void *ud)
{
	const struct sw_cli *cli = ud;

	sw_cli_errorf(cli, _("point %lld (uuid %s) cannot be read: %s; run 'schouw doctor'"), id,
		      uuid != NULL && *uuid ? uuid : "?", what);
}

struct sw_store *sw_cli_store(struct sw_cli *cli, enum sw_store_mode mode)
{
	struct sw_error err = {0};
	enum sw_status rc;

	if (cli->store != NULL)
		return cli->store;
	rc = sw_store_open(cli->db_path, mode, &cli->store, &err);
	if (rc == SW_ERR_NOTFOUND) {
		sw_cli_errorf(cli, _("no store at '%s'; create one with 'schouw init' (or pass --db PATH)"),
			      cli->db_path);
		return NULL;
	}
	if (rc != SW_OK) {
		sw_cli_error(cli, &err);
		cli->store = NULL;
		return NULL;
	}
	sw_store_on_skip(cli->store, skip_print, cli);
	if (mode == SW_STORE_WRITE) {
		struct sw_forms *forms = sw_cli_forms(cli);
		if (forms == NULL || sw_store_sync_fields(cli->store, forms, &err) != SW_OK) {
			if (forms != NULL)
				sw_cli_error(cli, &err);
			sw_store_close(cli->store);
			cli->store = NULL;
			return NULL;
		}
	}
	return cli->store;
}

const char *sw_cli_who(struct sw_cli *cli, const char *by)
{
	struct sw_error err = {0};
	struct sw_config *conf = NULL;
	char *path = NULL;
	const char *u = getenv("SCHOUW_USER");

	if (by != NULL)
		return by;
	if (cli->user != NULL)
		return cli->user;
	if (u == NULL || *u == '\0') {
		/* no place for a settings file (no HOME) is no error: fall through */
		if (sw_config_default_path(&path, &err) == SW_OK) {
			if (sw_config_new(path, &conf, &err) != SW_OK) {
				sw_cli_error(cli, &err);
				free(path);
				return NULL;
			}
			u = sw_config_get(conf, "surveyor");
		}
	}
	if (u == NULL || *u == '\0')
		u = getenv("USER");
	if (u == NULL || *u == '\0') {
		struct passwd *pw = getpwuid(getuid());

		u = pw != NULL ? pw->pw_name : NULL;
	}
	if (u == NULL || *u == '\0')
		u = "unknown"; /* no name to be had */
	cli->user = strdup(u);
	sw_config_free(conf);
	free(path);
	if (cli->user == NULL)
		sw_cli_errorf(cli, _("out of memory"));
	return cli->user;
}

bool sw_cli_stdout_tty(void)
{
	return isatty(STDOUT_FILENO) != 0;
}

bool sw_cli_dutch(void)
{
	/* TRANSLATORS: "language: " and the code of your language (nl) */
	return strcmp(_("language: en"), "language: nl") == 0;
}

void sw_cli_set_lang(const char *lang)
{
	const char *msgs;

	if (setenv("LANGUAGE", lang, 1) != 0)
		return; /* no memory: the messages stay as they are */
	/* gettext ignores LANGUAGE under the C locale (see main.c) */
	msgs = setlocale(LC_MESSAGES, "");
	if (msgs == NULL || strcmp(msgs, "C") == 0 || strcmp(msgs, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
	/* setting the domain again drops the translations gettext has cached */
	textdomain(textdomain(NULL));
}

bool sw_cli_lang_opt(const struct sw_cli *cli, const char *cmd, const char *arg, bool *english)
{
	if (strcmp(arg, "nl") != 0 && strcmp(arg, "en") != 0) {
		sw_cli_usage_error(cli, cmd, _("--lang: expected nl or en, got '%s'"), arg);
		return false;
	}
	*english = strcmp(arg, "en") == 0;
	/* headings, legends and captions go through gettext */
	sw_cli_set_lang(arg);
	return true;
}

bool sw_cli_append(const char ***v, size_t *n, const char *s)
{
	const char **g = realloc(*v, (*n + 1) * sizeof *g);

	if (g == NULL)
		return false;
	g[(*n)++] = s;
	*v = g;
	return true;
}

void sw_cli_count(const char *sep, const char *one, const char *many, long long n)
{
	fputs(sep, stdout);
	/* one and many are literal pairs at every call (xgettext extracts
	 * them, po_msgfmt checks the translations keep their %lld) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	printf(ngettext(one, many, (unsigned long)(n < 0 ? -n : n)), n);
#pragma GCC diagnostic pop
}

void sw_cli_merge_counts(const char *lead, const struct sw_merge_stats *st)
{
	sw_cli_count(lead, "%lld history row", "%lld history rows", st->rows);
	sw_cli_count(", ", "%lld point added", "%lld points added", st->inserted);
	sw_cli_count(", ", "%lld changed", "%lld changed", st->updated);
	sw_cli_count(", ", "%lld deleted", "%lld deleted", st->deleted);
	sw_cli_count(", ", "%lld photo", "%lld photos", st->photos);
	putchar('\n');
	if (st->conflicts > 0)
		printf(ngettext("  %lld conflict: see 'schouw conflicts'\n",
		                "  %lld conflicts: see 'schouw conflicts'\n",
		                (unsigned long)st->conflicts),
		       st->conflicts);
}

bool sw_cli_no_args(const struct sw_cli *cli, const char *cmd, int argc, char **argv)
{
	if (optind < argc) {
		sw_cli_usage_error(cli, cmd, _("unexpected argument '%s'"), argv[optind]);
		return false;
	}
	return true;
}
