/* cmd_profile.c - schouw profile: list, show and choose norm profiles. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "calib_print.h"
#include "commands.h"
#include "verdict.h"

static const char usage[] =
    N_("usage: schouw profile [list]\n"
       "       schouw profile show [P | FILE.csv]\n"
       "       schouw profile set-default P\n"
       "       schouw profile diff A B\n\n"
       "Norm profiles are the files survey/norms/<P>.csv that staff edit (see\n"
       "survey/norms/README.md). 'list' shows them with their rule counts and marks the\n"
       "store's default with '*'; 'show' prints the resolved rules of one profile (the\n"
       "default when none is named) with where each rule was defined, or the first\n"
       "error in it as file:line: reason; 'set-default' makes P the profile that check,\n"
       "log and set use for this store; 'diff' lists rule by rule what A and B judge\n"
       "differently after @extends: rules only in A, only in B, and rules whose\n"
       "condition, limit, unit or severity differ, with both values and both sources.\n\n"
       "Options:\n"
       "  --db PATH           the store\n");

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The default from the store when there is one, without complaining when
 * there is none. */
static char *quiet_default(struct sw_cli *cli)
{
	struct sw_error err = {0};

	if (cli->store == NULL &&
	    sw_store_open(cli->db_path, SW_STORE_READ, &cli->store, &err) != SW_OK)
		cli->store = NULL;
	return sw_cli_default_profile(cli);
}

static int do_list(struct sw_cli *cli)
{
	char dir[4096];
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	char *def = NULL;
	int rc = SW_EXIT_OK;

	snprintf(dir, sizeof dir, "%s/norms", cli->datadir);
	d = opendir(dir);
	if (d == NULL) {
		sw_cli_errorf(cli, _("cannot read the profile folder %s"), dir);
		return SW_EXIT_ERROR;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len <= 4 || strcmp(e->d_name + len - 4, ".csv") != 0)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **nn = realloc(names, ncap * sizeof *nn);
			if (nn == NULL)
				break;
			names = nn;
			cap = ncap;
		}
		names[n] = strndup(e->d_name, len - 4);
		if (names[n] != NULL)
			n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	def = quiet_default(cli);
	for (size_t i = 0; i < n; i++) {
		struct sw_forms *forms = sw_cli_forms(cli);
		struct sw_profile *p = NULL;
		struct sw_error err = {0};
		const char *mark = def && strcmp(def, names[i]) == 0 ? "*" : " ";
		if (forms == NULL) {
			rc = SW_EXIT_ERROR;
			break;
		}
		if (!sw_profile_name_valid(names[i]))
			continue;
		if (sw_profile_load(cli->datadir, names[i], forms, &p, &err) != SW_OK) {
			printf("%s %-16s %s\n", mark, names[i], err.msg);
			rc = SW_EXIT_ERROR;
			continue;
		}
		printf("%s %-16s %4zu %-8s %-28s %s\n", mark, names[i], p->nrules, _("rules"),
		       p->chain, p->title ? p->title : "");
		sw_profile_free(p);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(def);
	return rc;
}

static int do_show(struct sw_cli *cli, const char *name)
{
	char *def = NULL;
	struct sw_profile *p;
	char lim[256];

	if (name == NULL) {
		def = quiet_default(cli);
		if (def == NULL)
			return SW_EXIT_ERROR;
		name = def;
	}
	p = sw_cli_profile(cli, name);
	if (p == NULL) {
		free(def);
		return SW_EXIT_ERROR;
	}
	printf(_("profile  %s\n"), p->name);
	if (p->title)
		printf(_("title    %s\n"), p->title);
	printf(_("chain    %s\n"), p->chain);
	printf(_("sha256   %s\n"), p->hash);
	printf(_("rules    %zu\n\n"), p->nrules);
	for (size_t i = 0; i < p->nrules; i++) {
		const struct sw_rule *r = &p->rules[i];
		const char *slash = strrchr(r->file, '/');
		sw_rule_limit_text(r, lim, sizeof lim);
		printf("%-28s %-16s %-18s %-8s %s%s%s%s\n", r->id, r->type,
		       r->op == SW_NOP_WITHIN ? "" : r->field, sw_severity_name(r->severity), lim,
		       r->when ? _(" when ") : "", r->when ? r->when : "", "");
		printf("%-28s %s  [%s:%d]\n", "", r->source, slash ? slash + 1 : r->file, r->line);
	}
	sw_profile_free(p);
	free(def);
	return SW_EXIT_OK;
}

static int do_set_default(struct sw_cli *cli, const char *name)
{
	struct sw_profile *p;
	struct sw_store *store;
	struct sw_error err = {0};

	if (!sw_profile_name_valid(name)) {
		sw_cli_usage_error(
		    cli, "profile",
		    _("set-default takes a profile name from survey/norms, got '%s'"), name);
		return SW_EXIT_ERROR;
	}
	p = sw_cli_profile(cli, name);
	if (p == NULL)
		return SW_EXIT_ERROR;
	sw_profile_free(p);
	store = sw_cli_store(cli, SW_STORE_WRITE);
	if (store == NULL)
		return SW_EXIT_ERROR;
	if (sw_store_meta_set(store, "default_profile", name, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		return SW_EXIT_ERROR;
	}
	if (!cli->quiet)
		printf(_("default profile of %s: %s\n"), cli->db_path, name);
	return SW_EXIT_OK;
}

int cmd_profile(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    SW_CLI_COMMON_OPTS,
	    {NULL, 0, NULL, 0},
	};
	const char *sub;
	int status = SW_EXIT_ERROR;

	if (sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &status) != -1)
		return status;
	sub = optind < argc ? argv[optind] : "list";
	if (strcmp(sub, "list") == 0 && optind + 1 >= argc)
		return do_list(cli);
	if (strcmp(sub, "show") == 0 && optind + 2 >= argc)
		return do_show(cli, optind + 1 < argc ? argv[optind + 1] : NULL);
	if (strcmp(sub, "set-default") == 0 && optind + 2 == argc)
		return do_set_default(cli, argv[optind + 1]);
	if (strcmp(sub, "diff") == 0 && optind + 3 == argc)
		return sw_cli_profile_diff(cli, argv[optind + 1], argv[optind + 2]);
	sw_cli_usage_error(cli, "profile",
	                   _("expected 'list', 'show [P]', 'set-default P' or 'diff A B', got '%s%s'"), sub,
	                   optind + 1 < argc ? " ..." : "");
	return SW_EXIT_ERROR;
}
