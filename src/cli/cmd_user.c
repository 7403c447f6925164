/* cmd_user.c - schouw user add|list|revoke: the surveyors who sign in to
 * `schouw serve` with a token (user.h; only its hash is stored). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "schouw/field.h"
#include "schouw/user.h"

static const char usage[] =
    N_("usage: schouw user add NAME [--role surveyor|staff] [--url URL] [--qr FILE.png]\n"
       "       schouw user list\n"
       "       schouw user revoke NAME\n\n"
       "Surveyors sign in to the field server ('schouw serve') with a link holding a\n"
       "long random token, shown once as text and as a QR code to scan with the phone\n"
       "(in the terminal and as a PNG). Only a hash of the token is stored. Surveyors\n"
       "log and edit their own points; staff may also set inspected_ok or rejected\n"
       "and edit any point. revoke takes effect at once; add again for a new token.\n\n"
       "Options:\n"
       "  --role R       surveyor (default) or staff\n"
       "  --url URL      the server's address as phones reach it (default: the store\n"
       "                 setting serve_url, else https://<this host>:8443)\n"
       "  --qr FILE      where to write the QR code PNG (default NAME-signin.png)\n"
       "  --db PATH      the store\n");

enum { OPT_ROLE = SW_OPT_FIRST_FREE, OPT_URL, OPT_QR };

static enum sw_status print_user(const struct sw_user *u, void *ud)
{
	(void)ud;
	printf("%-24s %-9s %s %s\n", u->name, u->role, u->created_at,
	       u->revoked ? _("revoked") : _("active"));
	return SW_OK;
}

/* NAME-signin.png with anything but letters and digits as '-'. */
static char *default_png(const char *name)
{
	char *s = malloc(strlen(name) + 16);

	if (s == NULL)
		return NULL;
	size_t k = 0;
	for (const char *c = name; *c; c++)
		s[k++] = isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '-';
	strcpy(s + k, "-signin.png");
	return s;
}

int cmd_user(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {SW_CLI_COMMON_OPTS,
	                                     {"role", required_argument, NULL, OPT_ROLE},
	                                     {"url", required_argument, NULL, OPT_URL},
	                                     {"qr", required_argument, NULL, OPT_QR},
	                                     {NULL, 0, NULL, 0}};
	struct sw_error err = {0};
	struct sw_store *store;
	const char *role = "surveyor", *url = NULL, *qr = NULL, *sub;
	char *meta_url = NULL, *png = NULL, *link = NULL, *text = NULL;
	char token[44], hash[65], host[256];
	int rc = SW_EXIT_ERROR, status = SW_EXIT_ERROR, c, nargs;

	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &status)) != -1) {
		switch (c) {
		case OPT_ROLE:
			role = optarg;
			break;
		case OPT_URL:
			url = optarg;
			break;
		case OPT_QR:
			qr = optarg;
			break;
		default:
			return status;
		}
	}
	nargs = argc - optind;
	sub = nargs > 0 ? argv[optind] : "";
	if (!((strcmp(sub, "add") == 0 && nargs == 2) || (strcmp(sub, "list") == 0 && nargs == 1) ||
	      (strcmp(sub, "revoke") == 0 && nargs == 2))) {
		sw_cli_usage_error(cli, "user", _("expected add NAME, list or revoke NAME"));
		return SW_EXIT_ERROR;
	}
	if (strcmp(role, "surveyor") != 0 && strcmp(role, "staff") != 0) {
		sw_cli_usage_error(cli, "user", _("--role: expected surveyor or staff, got '%s'"),
		                   role);
		return SW_EXIT_ERROR;
	}
	store = sw_cli_forms(cli) ? sw_cli_store(cli, *sub == 'l' ? SW_STORE_READ : SW_STORE_WRITE)
	                          : NULL;
	if (store == NULL)
		return SW_EXIT_ERROR;
	if (*sub == 'l') {
		if (sw_store_user_list(store, print_user, NULL, &err) != SW_OK)
			goto fail;
	} else if (*sub == 'r') {
		if (sw_store_user_revoke(store, argv[optind + 1], &err) != SW_OK)
			goto fail;
		if (!cli->quiet)
			printf(_("revoked %s: the token no longer signs in\n"), argv[optind + 1]);
	} else {
		const char *name = argv[optind + 1];

		if (url == NULL && sw_store_meta_get(store, "serve_url", &meta_url, &err) != SW_OK)
			goto fail;
		if (url == NULL)
			url = meta_url;
		if (url == NULL) {
			if (gethostname(host, sizeof host) != 0)
				strcpy(host, "localhost");
			host[sizeof host - 1] = '\0';
		}
		if (sw_field_token_new(token, hash, &err) != SW_OK ||
		    sw_store_user_add(store, name, role, hash, &err) != SW_OK)
			goto fail;
		/* the token in the fragment: never sent to the server in a URL, so it
		 * stays out of proxy logs and Referer headers */
		if ((url != NULL ? asprintf(&link, "%s%s#t=%s", url,
		                            url[strlen(url) - 1] == '/' ? "" : "/", token)
		                 : asprintf(&link, "https://%s:8443/#t=%s", host, token)) < 0) {
			link = NULL;
			sw_cli_errorf(cli, _("out of memory"));
			goto out;
		}
		png = qr ? strdup(qr) : default_png(name);
		if (png == NULL || sw_field_qr_png(link, png, &err) != SW_OK)
			goto fail;
		text = sw_field_qr_text(link);
		printf(_("added %s (%s). Sign-in link (shown only now; keep it private):\n%s\n"), name,
		       role, link);
		if (text != NULL && !cli->quiet)
			printf("\n%s\n", text);
		if (!cli->quiet)
			printf(_("QR code written to %s\n"), png);
	}
	rc = SW_EXIT_OK;
	goto out;
fail:
	sw_cli_error(cli, &err);
out:
	free(meta_url);
	free(png);
	free(link);
	free(text);
	return rc;
}
