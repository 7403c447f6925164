/* cmd_log.c - schouw log: record one surveyed point. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "schouw/num.h"
#include "commands.h"
#include "point_input.h"
#include "verdict.h"

static const char usage[] = N_(
	"usage: schouw log TYPE (--lat LAT --lon LON | --x X --y Y) [options]\n\n"
	"Log a surveyed point of element TYPE (see 'schouw forms'). Prints its id and uuid.\n\n"
	"Position (one of):\n"
	"  --lat LAT --lon LON   WGS84 degrees, e.g. from a phone or GPS (converted to RD New)\n"
	"  --x X --y Y           RD New (EPSG:28992) metres\n\n"
	"Options:\n"
	"  --status S            planned, in_progress, realised, inspected_ok, rejected\n"
	"                        (default planned)\n"
	"  --set FIELD=VALUE     a measurement of the type's form; repeat for more\n"
	"  --by NAME             who surveyed it; default $SCHOUW_USER, else the surveyor\n"
	"                        of 'schouw config', else $USER\n"
	"  --note TEXT           a free note\n"
	"  --observed-at TIME    ISO 8601 with zone (default now)\n"
	"  --accuracy M          GPS accuracy in metres\n"
	"  --uuid UUID           keep an existing identity (e.g. from a field app)\n"
	"  --db PATH             the store\n"
	"  -q, --quiet           print only the id and uuid\n");

enum { OPT_LAT = SW_OPT_FIRST_FREE, OPT_LON, OPT_X, OPT_Y, OPT_STATUS, OPT_SET, OPT_BY, OPT_NOTE,
       OPT_OBSERVED, OPT_ACCURACY, OPT_UUID };

static bool parse_coord(struct sw_cli *cli, const char *name, const char *arg, double *out)
{
	if (sw_num_parse(arg, SW_NUM_TRIM, out)) /* a point: like --near x,y */
		return true;
	sw_cli_usage_error(cli, "log", _("--%s: expected a finite number, got '%s'"), name, arg);
	return false;
}

int cmd_log(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		SW_CLI_COMMON_OPTS,
		{"lat", required_argument, NULL, OPT_LAT},
		{"lon", required_argument, NULL, OPT_LON},
		{"x", required_argument, NULL, OPT_X},
		{"y", required_argument, NULL, OPT_Y},
		{"status", required_argument, NULL, OPT_STATUS},
		{"set", required_argument, NULL, OPT_SET},
		{"by", required_argument, NULL, OPT_BY},
		{"note", required_argument, NULL, OPT_NOTE},
		{"observed-at", required_argument, NULL, OPT_OBSERVED},
		{"accuracy", required_argument, NULL, OPT_ACCURACY},
		{"uuid", required_argument, NULL, OPT_UUID},
		{NULL, 0, NULL, 0},
	};
	struct sw_error err = {0};
	struct sw_point p;
	struct sw_forms *forms;
	struct sw_store *store;
	const char **sets = NULL;
	size_t nsets = 0;
	double lat = NAN, lon = NAN, x = NAN, y = NAN;
	const char *status = "planned", *by = NULL, *note = NULL, *observed = NULL;
	const char *accuracy = NULL, *uuid = NULL;
	int rc = SW_EXIT_ERROR;
	int c;

	sw_point_init(&p);
	sets = calloc((size_t)argc, sizeof *sets);
	if (sets == NULL)
		goto out;
	while ((c = sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &rc)) != -1) {
		if (c == SW_CLI_STOP)
			goto out;
		switch (c) {
		case OPT_LAT:
			if (!parse_coord(cli, "lat", optarg, &lat))
				goto out;
			break;
		case OPT_LON:
			if (!parse_coord(cli, "lon", optarg, &lon))
				goto out;
			break;
		case OPT_X:
			if (!parse_coord(cli, "x", optarg, &x))
				goto out;
			break;
		case OPT_Y:
			if (!parse_coord(cli, "y", optarg, &y))
				goto out;
			break;
		case OPT_STATUS:
			status = optarg;
			break;
		case OPT_SET:
			sets[nsets++] = optarg;
			break;
		case OPT_BY:
			by = optarg;
			break;
		case OPT_NOTE:
			note = optarg;
			break;
		case OPT_OBSERVED:
			observed = optarg;
			break;
		case OPT_ACCURACY:
			accuracy = optarg;
			break;
		case OPT_UUID:
			uuid = optarg;
			break;
		default:
			goto out;
		}
	}
	if (optind + 1 != argc) {
		sw_cli_usage_error(cli, "log", optind >= argc ? _("missing TYPE") :
								_("unexpected argument '%s'"),
				   argv[argc - 1]);
		goto out;
	}
	forms = sw_cli_forms(cli);
	if (forms == NULL)
		goto out;
	if (sw_forms_find_or_error(forms, argv[optind], &err) == NULL)
		goto fail;
	if (sw_point_set_str(&p.type, argv[optind], &err) != SW_OK)
		goto fail;

	/* Position: exactly one of lat/lon or x/y. */
	if (!isnan(lat) || !isnan(lon)) {
		if (isnan(lat) || isnan(lon) || !isnan(x) || !isnan(y)) {
			sw_cli_usage_error(cli, "log", _("give --lat and --lon, or --x and --y"));
			goto out;
		}
		if (sw_input_latlon(lat, lon, &p.x, &p.y, &err) != SW_OK)
			goto fail;
	} else if (!isnan(x) || !isnan(y)) {
		if (isnan(x) || isnan(y)) {
			sw_cli_usage_error(cli, "log", _("give both --x and --y"));
			goto out;
		}
		if (sw_input_rd(x, y, &err) != SW_OK)
			goto fail;
		p.x = x;
		p.y = y;
	} else {
		sw_cli_usage_error(cli, "log", _("missing position: --lat/--lon or --x/--y"));
		goto out;
	}

	{
		/* the key or a label: --status gerealiseerd */
		const struct sw_state_def *st = sw_forms_read_state(forms, status, NULL, &err);

		if (st == NULL || sw_point_set_str(&p.status, st->name, &err) != SW_OK)
			goto fail;
	}
	by = sw_cli_who(cli, by);
	if (by == NULL)
		goto out;
	if (sw_input_text(&p.surveyor, "--by", by, &err) != SW_OK)
		goto fail;
	if (note != NULL && sw_input_text(&p.note, "--note", note, &err) != SW_OK)
		goto fail;
	if (observed != NULL) {
		char buf[256];
		snprintf(buf, sizeof buf, "observed_at=%s", observed);
		if (sw_input_assign(forms, &p, buf, &err) != SW_OK)
			goto fail;
		if (!cli->quiet && p.observed_at != NULL && strcmp(p.observed_at, observed) != 0)
			fprintf(stderr, _("schouw: --observed-at '%s' read as %s (%s time)\n"),
				observed, p.observed_at, "Europe/Amsterdam");
	} else {
		char now[32];
		sw_now_iso(now, sizeof now);
		if (sw_point_set_str(&p.observed_at, now, &err) != SW_OK)
			goto fail;
	}
	if (accuracy != NULL) {
		char buf[128];
		snprintf(buf, sizeof buf, "gps_accuracy_m=%s", accuracy);
		if (sw_input_assign(forms, &p, buf, &err) != SW_OK)
			goto fail;
	}
	if (uuid != NULL) {
		if (!sw_uuid_valid(uuid)) {
			sw_error_set(&err, SW_ERR_INPUT, _("--uuid: '%s' is not a UUID"), uuid);
			goto fail;
		}
		memcpy(p.uuid, uuid, SW_UUID_LEN + 1);
	}
	for (size_t i = 0; i < nsets; i++) {
		if (sw_input_assign(forms, &p, sets[i], &err) != SW_OK) {
			sw_error_prefix(&err, "--set: ");
			goto fail;
		}
	}
	if (sw_form_validate(forms, &p, &err) != SW_OK)
		goto fail;

	store = sw_cli_store(cli, SW_STORE_WRITE);
	if (store == NULL)
		goto out;
	if (sw_store_insert(store, &p, p.surveyor, &err) != SW_OK)
		goto fail;
	if (cli->quiet)
		printf("%lld %s\n", p.id, p.uuid);
	else
		printf(_("logged %s %lld (uuid %s) at RD %.2f, %.2f\n"), p.type, p.id, p.uuid, p.x,
		       p.y);
	sw_cli_print_verdict(cli, &p);
	rc = SW_EXIT_OK;
	goto out;
fail:
	sw_cli_error(cli, &err);
out:
	free(sets);
	sw_point_clear(&p);
	return rc;
}
