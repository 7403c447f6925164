/* cmd_forms.c - schouw forms: the survey forms as loaded from the data dir. */
#include <string.h>

#include "cli.h"
#include "commands.h"

static const char usage[] = N_(
	"usage: schouw forms [TYPE]\n\n"
	"List the survey forms (element types) and statuses, or the fields of one\n"
	"form: name, kind, unit, range, allowed values. Forms are plain INI files in\n"
	"<data>/forms/; staff can add a type or field without a rebuild.\n");

static void print_form(const struct sw_form *f)
{
	printf("%s — %s / %s  (%s)\n", f->type, f->label_nl, f->label_en, f->path);
	for (size_t i = 0; i < f->nfields; i++) {
		const struct sw_field *d = &f->fields[i];
		printf("  %-20s %-8s %-4s", d->name, sw_kind_name(d->kind), d->unit ? d->unit : "");
		if (d->has_min || d->has_max)
			printf(" [%g..%g]", d->has_min ? d->min : -1.0 / 0.0,
			       d->has_max ? d->max : 1.0 / 0.0);
		for (size_t k = 0; k < d->nvalues; k++)
			printf("%s%s", k ? "|" : " ", d->values[k]);
		if (d->required)
			printf(" %s", _("(required)"));
		printf("  %s\n", sw_cli_dutch() ? d->label_nl : d->label_en);
	}
}

int cmd_forms(struct sw_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {SW_CLI_COMMON_OPTS, {NULL, 0, NULL, 0}};
	struct sw_error err = {0};
	struct sw_forms *forms;
	int status = SW_EXIT_ERROR;

	if (sw_cli_next_opt(cli, argc, argv, opts, _(usage), NULL, &status) != -1)
		return status;
	forms = sw_cli_forms(cli);
	if (forms == NULL)
		return SW_EXIT_ERROR;
	if (optind < argc) {
		const struct sw_form *f = sw_forms_find_or_error(forms, argv[optind], &err);
		if (f == NULL) {
			sw_cli_error(cli, &err);
			return SW_EXIT_ERROR;
		}
		print_form(f);
		return SW_EXIT_OK;
	}
	printf(_("Forms (%s):\n"), forms->dir);
	for (size_t i = 0; i < forms->nforms; i++)
		printf("  %-18s %s / %s\n", forms->forms[i].type, forms->forms[i].label_nl,
		       forms->forms[i].label_en);
	printf(_("\nStatuses:\n"));
	for (size_t i = 0; i < forms->nstates; i++)
		printf("  %-18s %s / %s  %s\n", forms->states[i].name, forms->states[i].label_nl,
		       forms->states[i].label_en, forms->states[i].color);
	return SW_EXIT_OK;
}
