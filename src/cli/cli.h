/* cli.h - shared state and helpers of the schouw command line.
 *
 * The CLI is the only layer that prints or exits. Each command lives in
 * cmd_<name>.c as `int cmd_<name>(struct sw_cli *cli, int argc, char **argv)`
 * returning the process exit status, and is listed in main.c's table.
 */
#ifndef SCHOUW_CLI_H
#define SCHOUW_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "schouw/area.h"
#include "schouw/error.h"
#include "schouw/form.h"
#include "schouw/i18n.h"
#include "schouw/store.h"

/* Exit statuses: 0 ok, 1 a check found failures, 2 usage or input errors. */
enum { SW_EXIT_OK = 0, SW_EXIT_FAIL = 1, SW_EXIT_ERROR = 2 };

struct sw_cli {
	const char *prog;         /* "schouw" */
	const char *db_path;      /* --db, SCHOUW_DB, or "schouw.gpkg" */
	const char *datadir;      /* forms/, norms/, statuses.ini */
	const char *gisdir;       /* basemap layers, areas, map styles (gis/) */
	struct sw_forms *forms;   /* loaded by sw_cli_forms() */
	struct sw_store *store;   /* opened by sw_cli_store() */
	char *user;               /* found by sw_cli_who(), owned */
	struct sw_areas *areas;   /* loaded by sw_cli_areas() */
	bool quiet;
	char as_of[32]; /* --as-of as an ISO 8601 UTC bound (filter.as_of points here) */
};

/* Long options every command accepts; put SW_CLI_COMMON_OPTS first in a
 * command's option table; sw_cli_next_opt handles them. */
enum { SW_OPT_DB = 1000, SW_OPT_HELP, SW_OPT_QUIET, SW_OPT_FIRST_FREE = 1100 };
#define SW_CLI_COMMON_OPTS                                                                          \
	{"db", required_argument, NULL, SW_OPT_DB}, {"help", no_argument, NULL, 'h'},               \
		{"quiet", no_argument, NULL, 'q'}

/* Filters shared by list, export, check, summary and map. */
enum {
	SW_OPT_TYPE = 1010,
	SW_OPT_STATUS,
	SW_OPT_BY,
	SW_OPT_BBOX,
	SW_OPT_NEAR,
	SW_OPT_RADIUS,
	SW_OPT_AREA,
	SW_OPT_AS_OF,
};
#define SW_CLI_FILTER_OPTS                                                                          \
	{"type", required_argument, NULL, SW_OPT_TYPE},                                             \
		{"status", required_argument, NULL, SW_OPT_STATUS},                                 \
		{"by", required_argument, NULL, SW_OPT_BY},                                         \
		{"bbox", required_argument, NULL, SW_OPT_BBOX},                                     \
		{"near", required_argument, NULL, SW_OPT_NEAR},                                     \
		{"radius", required_argument, NULL, SW_OPT_RADIUS},                                 \
		{"area", required_argument, NULL, SW_OPT_AREA},                                     \
		{"as-of", required_argument, NULL, SW_OPT_AS_OF}
#define SW_CLI_FILTER_HELP                                                                          \
	N_("  --type T            only points of type T\n"                                          \
	   "  --status S          only points with status S\n"                                      \
	   "  --by NAME           only points logged by NAME\n"                                     \
	   "  --bbox X1,Y1,X2,Y2  only points inside this RD New box (metres)\n"                   \
	   "  --near X,Y          only points near this RD New position (with --radius)\n"          \
	   "  --radius M          radius for --near in metres\n"                                 \
	   "  --area NAME         only points inside the named area (see 'schouw areas')\n"        \
	   "  --as-of DATE        the points as they were then, rebuilt from the history:\n"     \
	   "                      YYYY-MM-DD (the end of that day, Amsterdam time) or an\n"     \
	   "                      ISO 8601 timestamp\n")

/* The option loop every command shares: returns the next option that is the
 * command's own, or -1 after the last option. The common options (--db,
 * --quiet, --help) and, when filter != NULL, the filters of list are handled
 * here; the usage of a command with filters holds one "%s" where --help puts
 * the filter help. When the command must stop (help printed, a bad option or filter) it
 * returns SW_CLI_STOP with the exit status in *status. */
#define SW_CLI_STOP (-2)
int sw_cli_next_opt(struct sw_cli *cli, int argc, char **argv, const struct option *opts,
		    const char *usage, struct sw_filter *filter, int *status);

/* The option loop of a command whose only own option is --name VALUE (the
 * common options aside): *value gets its value (stays as it was when not
 * given). Returns -1 to go on, else the exit status to stop with (printed). */
int sw_cli_one_opt(struct sw_cli *cli, int argc, char **argv, const char *name,
		   const char *usage, const char **value);

/* The start of a command on one stored point that takes --by (delete, set):
 * the option loop, then at least one word (exactly one unless more_args; else
 * a usage error saying args_hint), a valid --by, the store opened for writing
 * and the point named by the first word read into p. *who gets --by or the
 * default user. Prints; returns the store, or NULL with *status the exit
 * status to stop with. */
struct sw_store *sw_cli_by_point(struct sw_cli *cli, const char *cmd, int argc, char **argv,
				 const char *usage, bool more_args, const char *args_hint,
				 const char **who, struct sw_point *p, int *status);

/* Load the forms, open the store in mode and read the point ref (ID or UUID)
 * into p. Prints; returns the store or NULL. */
struct sw_store *sw_cli_point(struct sw_cli *cli, enum sw_store_mode mode, const char *ref,
			      struct sw_point *p);

/* After the option loop of a command that reads filtered points (no
 * arguments left): check the filters, load the forms, open the store in
 * mode. Prints; returns the store or NULL. */
struct sw_store *sw_cli_filtered_store(struct sw_cli *cli, const char *cmd, int argc, char **argv,
				       struct sw_filter *f, enum sw_store_mode mode);

/* After the option loop of a command with filters: check --near/--radius
 * and the type and status names. Prints; returns an exit status. */
int sw_cli_filter_done(struct sw_cli *cli, struct sw_filter *f);

/* Print "schouw: <msg>" (and a usage hint for usage errors) to stderr. */
void sw_cli_error(const struct sw_cli *cli, const struct sw_error *err);
void sw_cli_errorf(const struct sw_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sw_cli_usage_error(const struct sw_cli *cli, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Load forms (once); prints and returns NULL on error. */
struct sw_forms *sw_cli_forms(struct sw_cli *cli);
/* Open the store (once); prints (with a "run schouw init" hint when missing)
 * and returns NULL on error. WRITE also syncs form fields into columns. */
struct sw_store *sw_cli_store(struct sw_cli *cli, enum sw_store_mode mode);

/* What list and check print: a table for people, CSV or JSON for scripts. */
enum sw_out_fmt { SW_OUT_TABLE, SW_OUT_CSV, SW_OUT_JSON };

/* --format table|csv|json of cmd; prints a usage error and returns false
 * for anything else. */
bool sw_cli_out_fmt(const struct sw_cli *cli, const char *cmd, const char *arg,
		    enum sw_out_fmt *out);

/* Load the named areas of <gisdir>/areas.shp (once); prints (naming the
 * file) and returns NULL on error. Freed by main. */
struct sw_areas *sw_cli_areas(struct sw_cli *cli);

/* Parse "a,b" / "a,b,c,d" of finite doubles. */
bool sw_cli_parse_doubles(const char *s, double *out, int n);

/* Who makes a change, for the point and its history: by when given (--by),
 * else $SCHOUW_USER, else the surveyor of the user's settings (schouw
 * config), else $USER, else the login name of the uid. NULL, printed, when
 * the settings file is bad. The result lives as long as cli. */
const char *sw_cli_who(struct sw_cli *cli, const char *by);

/* After the option loop of a command that takes no arguments: false (a
 * usage error printed) when one is left. */
bool sw_cli_no_args(const struct sw_cli *cli, const char *cmd, int argc, char **argv);

/* One count of a line of counts ("3 history rows, 1 point added, ..."):
 * sep, then n through the plural pair one/many (ngettext; xgettext knows
 * this function's arguments 2 and 3 as such a pair). */
void sw_cli_count(const char *sep, const char *one, const char *many, long long n);

struct sw_merge_stats;
/* What a merge (or the pull of push and pull) brought, after lead: the
 * counts on one line, then the conflicts when there are any. */
void sw_cli_merge_counts(const char *lead, const struct sw_merge_stats *st);

/* Append s to the array *v of *n strings (grown by one; the strings are
 * not copied). False, with *v and *n unchanged, when out of memory. */
bool sw_cli_append(const char ***v, size_t *n, const char *s);

/* True when stdout is a terminal (tables vs. plain output). */
bool sw_cli_stdout_tty(void);

/* True when messages come out in Dutch (the nl catalogue is in use), so
 * data labels (label_nl, message_nl) follow the messages' language, and so
 * do maps, reports and charts without --lang: their words come through
 * gettext, and their numbers and dates must not be of another language. */
bool sw_cli_dutch(void);

/* Messages in LANG ("nl" or "en") for the rest of the run, whatever the
 * locale: --lang of map and report. Sets LANGUAGE and re-reads the message
 * catalogue; only LC_MESSAGES changes (numbers stay C). */
void sw_cli_set_lang(const char *lang);

/* --lang nl|en of cmd: a usage error (false) for anything else; else the
 * messages switch (sw_cli_set_lang) and *english says which it was. */
bool sw_cli_lang_opt(const struct sw_cli *cli, const char *cmd, const char *arg, bool *english);

#endif
