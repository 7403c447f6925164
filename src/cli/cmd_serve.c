/* cmd_serve.c - schouw serve: start the field server (src/serve) and say
 * where phones find it. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "schouw/num.h"
#include "schouw/serve.h"

static const char usage[] =
    N_("usage: schouw serve [--listen ADDR:PORT] [--cert FILE --key FILE | --self-signed]\n"
       "                    [--proxy ADDR] [--web DIR] [--gps-threshold M]\n\n"
       "The field server: the phone page and its JSON API over the store, for the\n"
       "surveyors added with 'schouw user add'. Phones allow GPS and offline use only\n"
       "over HTTPS (or on localhost), so give a certificate, or --self-signed, or run\n"
       "on 127.0.0.1 behind the municipality's reverse proxy that does TLS.\n\n"
       "Options:\n"
       "  --listen ADDR:PORT  where to listen (default 0.0.0.0:8443 with TLS,\n"
       "                      127.0.0.1:8080 without)\n"
       "  --cert FILE         PEM certificate (with --key)\n"
       "  --key FILE          its PEM private key\n"
       "  --self-signed       make (once) and use a certificate for this machine's names\n"
       "                      and addresses, next to the store (STORE.crt, STORE.key)\n"
       "  --proxy ADDR        trust X-Forwarded-For only from this address\n"
       "  --web DIR           the page's files (default: installed share/schouw/web)\n"
       "  --gps-threshold M   a GPS fix less accurate than M metres needs the\n"
       "                      surveyor's confirmation (default 10); kept in the store\n"
       "                      (gps_accuracy_threshold_m) for later runs\n"
       "  --db PATH           the store\n\n"
       "Stop with Ctrl-C (SIGINT) or SIGTERM.\n");

enum { OPT_LISTEN = SW_OPT_FIRST_FREE, OPT_CERT, OPT_KEY, OPT_SELF, OPT_PROXY, OPT_WEB,
       OPT_GPS_THRESHOLD };

static volatile int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void on_ready(void *ud, const char *url, const char *fp, const char *cert)
{
	(void)ud;
	printf(_("schouw serve: listening on %s\n"), url);
	if (fp != NULL) {
		printf(_("certificate SHA-256 fingerprint: %s\n"), fp);
		printf(_("A self-signed certificate must be trusted on each phone once; compare the\n"
		         "fingerprint above with the one the phone shows:\n"
		         "  Android: copy %s to the phone, Settings > Security > Encryption &\n"
		         "           credentials > Install a certificate > CA certificate.\n"
		         "  iOS:     open %s on the phone (AirDrop or mail), Settings > General >\n"
		         "           VPN & Device Management > install the profile, then Settings >\n"
		         "           General > About > Certificate Trust Settings > switch it on.\n"),
		       cert, cert);
	}
	fflush(stdout);
}

int cmd_serve(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {SW_CLI_COMMON_OPTS,
	                                     {"listen", required_argument, NULL, OPT_LISTEN},
	                                     {"cert", required_argument, NULL, OPT_CERT},
	                                     {"key", required_argument, NULL, OPT_KEY},
	                                     {"self-signed", no_argument, NULL, OPT_SELF},
	                                     {"proxy", required_argument, NULL, OPT_PROXY},
	                                     {"web", required_argument, NULL, OPT_WEB},
	                                     {"gps-threshold", required_argument, NULL,
	                                      OPT_GPS_THRESHOLD},
	                                     {NULL, 0, NULL, 0}};
	struct sw_serve_config cfg = {0};
	struct sw_serve *srv = NULL;
	struct sw_error err = {0};
	char *cert = NULL, *key = NULL, fp[96], thr[SW_NUM_BUF];
	const char *threshold = NULL;
	double m;
	int rc = SW_EXIT_ERROR, status = SW_EXIT_ERROR, c;

	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &status)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			cfg.listen = optarg;
			break;
		case OPT_CERT:
			cfg.cert = optarg;
			break;
		case OPT_KEY:
			cfg.key = optarg;
			break;
		case OPT_SELF:
			cfg.self_signed = true;
			break;
		case OPT_PROXY:
			cfg.proxy = optarg;
			break;
		case OPT_WEB:
			cfg.webdir = optarg;
			break;
		case OPT_GPS_THRESHOLD:
			threshold = optarg;
			break;
		default:
			return status;
		}
	}
	if (!sw_cli_no_args(cli, "serve", argc, argv))
		return SW_EXIT_ERROR;
	if ((cfg.cert == NULL) != (cfg.key == NULL) || (cfg.cert && cfg.self_signed)) {
		sw_cli_usage_error(cli, "serve", _("give --cert and --key together, or --self-signed"));
		return SW_EXIT_ERROR;
	}
	if (threshold != NULL &&
	    (!sw_num_parse(threshold, SW_NUM_TRIM, &m) || !(m >= 1 && m <= 1000))) {
		sw_cli_usage_error(cli, "serve",
		                   _("--gps-threshold: expected metres from 1 to 1000, got '%s'"),
		                   threshold);
		return SW_EXIT_ERROR;
	}
	/* a missing store: the usual hint */
	if (sw_cli_store(cli, threshold != NULL ? SW_STORE_WRITE : SW_STORE_READ) == NULL)
		return SW_EXIT_ERROR;
	if (threshold != NULL) {
		sw_num_format(m, thr);
		if (sw_store_meta_set(cli->store, "gps_accuracy_threshold_m", thr, &err) != SW_OK)
			goto fail;
	}
	sw_store_close(cli->store);
	cli->store = NULL;
	if (cfg.self_signed) {
		if (asprintf(&cert, "%s.crt", cli->db_path) < 0 ||
		    asprintf(&key, "%s.key", cli->db_path) < 0) {
			sw_cli_errorf(cli, _("out of memory"));
			goto out;
		}
		if (sw_serve_self_signed(cert, key, fp, &err) != SW_OK)
			goto fail;
		cfg.cert = cert;
		cfg.key = key;
	}
	if (cfg.listen == NULL)
		cfg.listen = cfg.cert ? "0.0.0.0:8443" : "127.0.0.1:8080";
	cfg.db_path = cli->db_path;
	cfg.datadir = cli->datadir;
	cfg.gisdir = cli->gisdir;
	if (sw_serve_new(&cfg, &srv, &err) != SW_OK)
		goto fail;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (sw_serve_run(srv, &cfg, &stop_flag, on_ready, NULL, &err) != SW_OK)
		goto fail;
	rc = SW_EXIT_OK;
	goto out;
fail:
	sw_cli_error(cli, &err);
out:
	sw_serve_free(srv);
	free(cert);
	free(key);
	return rc;
}
