/* cmd_config.c - schouw config: per-user settings, the way git keeps
 * user.name (the file and its keys: schouw/config.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "schouw/config.h"

static const char usage[] =
    N_("usage: schouw config [KEY [VALUE]]\n"
       "       schouw config --unset KEY\n\n"
       "Read and write your settings, kept in $XDG_CONFIG_HOME/schouw/config (else\n"
       "~/.config/schouw/config). Without KEY: every setting, as KEY=VALUE. With KEY:\n"
       "its value (exit status 1 when it is not set). With KEY VALUE: set it.\n\n"
       "Settings:\n"
       "  surveyor    the name set, delete, import and log record when no --by is\n"
       "              given (before it: $SCHOUW_USER; after it: $USER)\n\n"
       "Options:\n"
       "  --unset     remove the setting KEY\n"
       "  --path      print the path of the settings file\n");

enum { OPT_UNSET = SW_OPT_FIRST_FREE, OPT_PATH };

int cmd_config(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {SW_CLI_COMMON_OPTS,
	                                     {"unset", no_argument, NULL, OPT_UNSET},
	                                     {"path", no_argument, NULL, OPT_PATH},
	                                     {NULL, 0, NULL, 0}};
	struct sw_error err = {0};
	struct sw_config *conf = NULL;
	char *path = NULL;
	bool unset = false, show_path = false;
	int status = SW_EXIT_ERROR, rc = SW_EXIT_ERROR, c, nargs;
	const char *key, *value;

	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &status)) != -1) {
		switch (c) {
		case OPT_UNSET:
			unset = true;
			break;
		case OPT_PATH:
			show_path = true;
			break;
		default:
			return status;
		}
	}
	nargs = argc - optind;
	key = nargs > 0 ? argv[optind] : NULL;
	value = nargs > 1 ? argv[optind + 1] : NULL;
	if (nargs > 2 || (unset && nargs != 1) || (show_path && nargs != 0)) {
		sw_cli_usage_error(cli, "config",
		                   unset       ? _("--unset takes one KEY")
		                   : show_path ? _("--path takes no KEY")
		                               : _("expected at most KEY and VALUE"));
		goto out;
	}
	/* a bad key or value is refused before the file is read or written */
	if (key != NULL && (value != NULL ? sw_config_check_value(key, value, &err)
	                                  : sw_config_check_key(key, &err)) != SW_OK) {
		sw_cli_usage_error(cli, "config", "%s", err.msg);
		goto out;
	}
	if (sw_config_default_path(&path, &err) != SW_OK)
		goto fail;
	if (show_path) {
		printf("%s\n", path);
		rc = SW_EXIT_OK;
		goto out;
	}
	if (sw_config_new(path, &conf, &err) != SW_OK)
		goto fail;
	if (unset || value != NULL) {
		if (sw_config_set(conf, key, value, &err) != SW_OK)
			goto fail;
		rc = SW_EXIT_OK;
	} else if (key != NULL) {
		const char *v = sw_config_get(conf, key);

		if (v != NULL)
			printf("%s\n", v);
		rc = v != NULL ? SW_EXIT_OK : SW_EXIT_FAIL;
	} else {
		for (size_t i = 0; i < sw_config_nkeys(); i++) {
			const char *v = sw_config_get(conf, sw_config_key_name(i));

			if (v != NULL)
				printf("%s=%s\n", sw_config_key_name(i), v);
		}
		rc = SW_EXIT_OK;
	}
	goto out;
fail:
	sw_cli_error(cli, &err);
out:
	sw_config_free(conf);
	free(path);
	return rc;
}
