/* main.c - the schouw command table and global options. */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

struct command {
	const char *name;
	int (*fn)(struct sw_cli *cli, int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"init", cmd_init, N_("create a new, empty store")},
	{"log", cmd_log, N_("log a surveyed point")},
	{"list", cmd_list, N_("list points, optionally filtered")},
	{"show", cmd_show, N_("show one point with all its measurements")},
	{"set", cmd_set, N_("change the status or measurements of a point")},
	{"delete", cmd_delete, N_("delete a point (kept in its history)")},
	{"history", cmd_history, N_("print the history of a point")},
	{"forms", cmd_forms, N_("list the survey forms and their fields")},
	{"summary", cmd_summary, N_("count points per type and status")},
	{"import", cmd_import, N_("import points from CSV, shapefile, GPX or GeoJSON")},
	{"export", cmd_export, N_("export points to a shapefile (with styles), GeoJSON or CSV")},
	{"check", cmd_check, N_("judge points against a norm profile (KOR, Dutch, ADA)")},
	{"profile", cmd_profile, N_("list, show or choose the norm profiles")},
	{"config", cmd_config, N_("your settings, such as the surveyor name (like git config)")},
	{"areas", cmd_areas, N_("list the named areas (for --area) with their point counts")},
	{"map", cmd_map, N_("draw a status map as a georeferenced PNG or a PDF")},
	{"photo", cmd_photo, N_("add, list or get the photos of a point")},
	{"user", cmd_user, N_("add, list or revoke the surveyors of the field server")},
	{"serve", cmd_serve, N_("the field server: a phone page and JSON API over HTTPS")},
	{"doctor", cmd_doctor, N_("check the store and repair what is safe (--repair)")},
	{"report", cmd_report, N_("write the progress report of a period (Markdown, HTML, CSV, charts)")},
	{"merge", cmd_merge, N_("bring another store's changes in, field by field")},
	{"conflicts", cmd_conflicts, N_("list the conflicts merges left open")},
	{"resolve", cmd_resolve, N_("settle a conflict of a merge")},
	{"push", cmd_push, N_("send this store's changes to a shared PostGIS database")},
	{"pull", cmd_pull, N_("bring others' changes from a shared PostGIS database")},
};

static void print_help(FILE *f)
{
	fprintf(f, _("usage: schouw [--db PATH] <command> [options]\n\n"
		     "Accessibility audit of public space: log, check, exchange and map surveyed\n"
		     "points (kerb ramps, disabled parking bays, playgrounds, cable covers, crossings).\n\n"
		     "Commands:\n"));
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
	fprintf(f, _("\nGlobal options:\n"
		     "  --db PATH     the store (default: $SCHOUW_DB, else ./schouw.gpkg)\n"
		     "  --version     print the version\n"
		     "  --help        this text\n\n"
		     "Run 'schouw <command> --help' for the options of a command.\n"));
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* The data directory: SCHOUW_DATA, else the installed share dir next to the
 * binary's prefix, else the source tree (build-tree runs). */
static const char *find_datadir(void)
{
	const char *env = getenv("SCHOUW_DATA");

	if (env != NULL && *env != '\0')
		return env;
	if (access(SW_INSTALL_DATADIR "/statuses.ini", R_OK) == 0)
		return SW_INSTALL_DATADIR;
	return SW_SOURCE_DATADIR;
}

/* The GIS directory (basemap layers, named areas, map styles): SCHOUW_GIS,
 * else the installed share dir, else the source tree. */
static const char *find_gisdir(void)
{
	const char *env = getenv("SCHOUW_GIS");

	if (env != NULL && *env != '\0')
		return env;
	if (access(SW_INSTALL_GISDIR, R_OK) == 0)
		return SW_INSTALL_GISDIR;
	return SW_SOURCE_GISDIR;
}

/* The message catalogues: SCHOUW_LOCALEDIR, else the build tree's when this
 * binary runs from the build tree (so a build shows the current catalogue,
 * not an older installed one), else the installed share/locale, else the
 * build tree's. */
static const char *find_localedir(void)
{
	const char *env = getenv("SCHOUW_LOCALEDIR");
	char exe[4096], bin[4096];
	ssize_t n;

	if (env != NULL && *env != '\0')
		return env;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0 && realpath(SW_BUILD_BINDIR, bin) != NULL) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL)
			*slash = '\0';
		if (strcmp(exe, bin) == 0 && access(SW_BUILD_LOCALEDIR, R_OK) == 0)
			return SW_BUILD_LOCALEDIR;
	}
	if (access(SW_INSTALL_LOCALEDIR "/nl/LC_MESSAGES/schouw.mo", R_OK) == 0)
		return SW_INSTALL_LOCALEDIR;
	return SW_BUILD_LOCALEDIR;
}

/* Messages follow LANGUAGE, LC_ALL, LC_MESSAGES, LANG as gettext does. GNU
 * gettext ignores LANGUAGE under the plain C locale, so LANGUAGE=nl alone
 * would still give English: then use C.UTF-8 for messages. */
static void setup_messages(void)
{
	const char *language = getenv("LANGUAGE");
	const char *msgs = setlocale(LC_MESSAGES, NULL);

	if (language != NULL && *language != '\0' && msgs != NULL &&
	    (strcmp(msgs, "C") == 0 || strcmp(msgs, "POSIX") == 0))
		setlocale(LC_MESSAGES, "C.UTF-8");
	bindtextdomain("schouw", find_localedir());
	/* data, labels and exports are UTF-8 whatever the locale's charset */
	bind_textdomain_codeset("schouw", "UTF-8");
	textdomain("schouw");
}

static int finish(int rc)
{
	/* A full disk or closed pipe must not pass silently. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, _("schouw: error writing output: %s\n"), strerror(errno));
		return rc == SW_EXIT_OK ? SW_EXIT_ERROR : rc;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct sw_cli cli = {.prog = "schouw"};
	const struct command *cmd;
	const char *env_db = getenv("SCHOUW_DB");
	int i = 1;
	int rc;

	setlocale(LC_ALL, "");
	/* Numbers are always written with a decimal point, whatever the locale. */
	setlocale(LC_NUMERIC, "C");
	setup_messages();

	cli.db_path = (env_db != NULL && *env_db != '\0') ? env_db : "schouw.gpkg";
	cli.datadir = find_datadir();
	cli.gisdir = find_gisdir();

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("schouw %s\n", SW_VERSION);
			return finish(SW_EXIT_OK);
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			print_help(stdout);
			return finish(SW_EXIT_OK);
		} else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
			cli.db_path = argv[++i];
		} else if (strncmp(a, "--db=", 5) == 0) {
			cli.db_path = a + 5;
		} else {
			fprintf(stderr, _("schouw: unknown option '%s'\n"), a);
			fprintf(stderr, _("Run 'schouw --help' for usage.\n"));
			return SW_EXIT_ERROR;
		}
	}
	if (i >= argc) {
		print_help(stderr);
		return SW_EXIT_ERROR;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 < argc && find_command(argv[i + 1]) != NULL) {
			char *hargv[] = {argv[i + 1], "--help", NULL};
			cmd = find_command(argv[i + 1]);
			return finish(cmd->fn(&cli, 2, hargv));
		}
		print_help(stdout);
		return finish(SW_EXIT_OK);
	}
	cmd = find_command(argv[i]);
	if (cmd == NULL) {
		fprintf(stderr, _("schouw: unknown command '%s'; valid commands:"), argv[i]);
		for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
			fprintf(stderr, " %s", commands[k].name);
		fprintf(stderr, "\n");
		return SW_EXIT_ERROR;
	}
	rc = cmd->fn(&cli, argc - i, argv + i);
	/* rows that could not be read were skipped and named: not a clean run */
	if (cli.store != NULL && sw_store_skipped(cli.store) > 0 && rc == SW_EXIT_OK)
		rc = SW_EXIT_FAIL;
	sw_store_close(cli.store);
	sw_forms_free(cli.forms);
	free(cli.user);
	sw_area_free(cli.areas);
	return finish(rc);
}
