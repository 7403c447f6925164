/* cmd_show.c - schouw show: one point with all its measurements. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "schouw/field.h"
#include "schouw/photo.h"
#include "commands.h"
#include "output.h"

static const char usage[] = N_("usage: schouw show ID|UUID [--format text|json]\n\n"
			       "Show one point: position, status, who and when, and every\n"
			       "measurement of its form with label and unit, and its photos (id, type,\n"
			       "bytes, SHA-256; 'schouw photo get ID -o FILE' saves one).\n\n"
			       "Options:\n"
			       "  --format F   text (default) or json\n"
			       "  --db PATH    the store\n");


/* The point's photos: printed (text) or gathered into a JSON array. */
static enum sw_status photo_text(const struct sw_photo *ph, void *ud)
{
	int *n = ud;

	if ((*n)++ == 0)
		printf("\n%s\n", _("photos:"));
	printf("  #%-6lld %-11s %9lld %s  %s\n", ph->id, ph->content_type, ph->bytes, _("bytes"),
	       ph->sha256);
	return SW_OK;
}

static bool dutch(void)
{
	return sw_cli_dutch();
}

static void print_text(const struct sw_forms *forms, const struct sw_point *p)
{
	const struct sw_form *form = sw_forms_find(forms, p->type);
	const struct sw_state_def *st = sw_forms_state(forms, p->status);
	bool nl = dutch();

	printf("%-16s %lld\n", _("id"), p->id);
	printf("%-16s %s\n", _("uuid"), p->uuid);
	printf("%-16s %s (%s)\n", _("type"), p->type,
	       form ? (nl ? form->label_nl : form->label_en) : "?");
	printf("%-16s %s (%s)\n", _("status"), p->status, st ? (nl ? st->label_nl : st->label_en) : "?");
	printf("%-16s %.3f, %.3f\n", _("RD x, y"), p->x, p->y);
	printf("%-16s %s\n", _("surveyor"), p->surveyor ? p->surveyor : "");
	printf("%-16s %s\n", _("observed at"), p->observed_at ? p->observed_at : "");
	if (!isnan(p->gps_accuracy_m))
		printf("%-16s %g m\n", _("GPS accuracy"), p->gps_accuracy_m);
	printf("%-16s %s\n", _("note"), p->note ? p->note : "");
	printf("%-16s %s\n", _("created"), p->created_at ? p->created_at : "");
	printf("%-16s %s\n", _("updated"), p->updated_at ? p->updated_at : "");
	if (form == NULL)
		return;
	printf("\n%s\n", _("measurements:"));
	for (size_t i = 0; i < form->nfields; i++) {
		const struct sw_field *f = &form->fields[i];
		const struct sw_value *v = sw_point_get_attr(p, f->name);
		char *t = v ? sw_value_to_text(v) : NULL;
		const char *shown = t;

		if (v != NULL && f->kind == SW_KIND_BOOL)
			shown = v->i ? _("yes") : _("no");
		printf("  %-20s %s%s%s   (%s)\n", f->name, shown ? shown : "-",
		       (shown && f->unit) ? " " : "", (shown && f->unit) ? f->unit : "",
		       nl ? f->label_nl : f->label_en);
		free(t);
	}
}

int cmd_show(struct sw_cli *cli, int argc, char **argv)
{
	struct sw_point p;
	struct sw_store *store;
	struct sw_error err = {0};
	const char *format = "text";
	int rc;

	sw_point_init(&p);
	rc = sw_cli_one_opt(cli, argc, argv, "format", _(usage), &format);
	if (rc != -1)
		goto out;
	rc = SW_EXIT_ERROR;
	if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0) {
		sw_cli_usage_error(cli, "show", _("--format: expected text or json, got '%s'"),
				   format);
		goto out;
	}
	if (optind + 1 != argc) {
		sw_cli_usage_error(cli, "show", _("expected one ID or UUID"));
		goto out;
	}
	if ((store = sw_cli_point(cli, SW_STORE_READ, argv[optind], &p)) == NULL) {
		if (cli->store != NULL && sw_store_skipped(cli->store) > 0)
			rc = SW_EXIT_FAIL; /* named as unreadable: skipped */
		goto out;
	}
	if (strcmp(format, "json") == 0) {
		json_t *o = sw_out_point_json(cli->forms, &p), *photos = NULL;

		if (o == NULL)
			sw_error_nomem(&err);
		else
			photos = sw_field_photos_json(store, p.id, &err);
		if (photos == NULL) {
			json_decref(o);
			sw_cli_error(cli, &err);
			goto out;
		}
		json_object_set_new(o, "photos", photos);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
		fputc('\n', stdout);
		json_decref(o);
	} else {
		int n = 0;

		print_text(cli->forms, &p);
		if (sw_store_photo_list(store, p.id, photo_text, &n, &err) != SW_OK) {
			sw_cli_error(cli, &err);
			goto out;
		}
	}
	rc = SW_EXIT_OK;
out:
	sw_point_clear(&p);
	return rc;
}
