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
	struct sw_forms *forms;   /* loaded by sw_cli_forms() */
	struct sw_store *store;   /* opened by sw_cli_store() */
	bool quiet;
};

/* Long options every command accepts; put SW_CLI_COMMON_OPTS first in a
 * command's option table and pass unknown codes to sw_cli_common_opt. */
enum { SW_OPT_DB = 1000, SW_OPT_HELP, SW_OPT_QUIET, SW_OPT_FIRST_FREE = 1100 };
#define SW_CLI_COMMON_OPTS                                                                          \
	{"db", required_argument, NULL, SW_OPT_DB}, {"help", no_argument, NULL, 'h'},               \
		{"quiet", no_argument, NULL, 'q'}

/* Filters shared by list, export and check. */
enum {
	SW_OPT_TYPE = 1010,
	SW_OPT_STATUS,
	SW_OPT_BY,
	SW_OPT_BBOX,
	SW_OPT_NEAR,
	SW_OPT_RADIUS,
};
#define SW_CLI_FILTER_OPTS                                                                          \
	{"type", required_argument, NULL, SW_OPT_TYPE},                                             \
		{"status", required_argument, NULL, SW_OPT_STATUS},                                 \
		{"by", required_argument, NULL, SW_OPT_BY},                                         \
		{"bbox", required_argument, NULL, SW_OPT_BBOX},                                     \
		{"near", required_argument, NULL, SW_OPT_NEAR},                                     \
		{"radius", required_argument, NULL, SW_OPT_RADIUS}
#define SW_CLI_FILTER_HELP                                                                          \
	N_("  --type T            only points of type T\n"                                          \
	   "  --status S          only points with status S\n"                                      \
	   "  --by NAME           only points logged by NAME\n"                                     \
	   "  --bbox X1,Y1,X2,Y2  only points inside this RD New box (metres)\n"                   \
	   "  --near X,Y          only points near this RD New position (with --radius)\n"          \
	   "  --radius M          radius for --near in metres\n")

/* getopt_long wrapper that starts a fresh scan (optind = 0). */
int sw_cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* Handle a common option; returns -1 when c is not one, else an exit status
 * to return immediately (help printed: 0; bad: 2) or 0x100 to go on. */
#define SW_CLI_GO_ON 0x100
int sw_cli_common_opt(struct sw_cli *cli, int c, const char *usage);

/* Handle a filter option; returns -1 when c is not one, 0 when handled,
 * SW_EXIT_ERROR (after printing) when its argument is bad. Call
 * sw_cli_filter_done after the option loop to check --near/--radius and
 * type/status names. */
int sw_cli_filter_opt(struct sw_cli *cli, struct sw_filter *f, int c, const char *arg);
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

/* Parse "a,b" / "a,b,c,d" of finite doubles. */
bool sw_cli_parse_doubles(const char *s, double *out, int n);
bool sw_cli_parse_double(const char *s, double *out);

/* "schouw" | who the user is: --by, else SCHOUW_USER, else $USER. */
const char *sw_cli_default_user(void);

/* True when stdout is a terminal (tables vs. plain output). */
bool sw_cli_stdout_tty(void);

#endif
