/* verdict.c - printing norm verdicts, shared by check, log and set. */
#include "verdict.h"

#include <stdlib.h>
#include <string.h>

#include "schouw/check.h"

#define SW_DEFAULT_PROFILE "kor-dordrecht"

char *sw_cli_default_profile(struct sw_cli *cli)
{
	struct sw_error err = {0};
	char *name = NULL;

	if (cli->store != NULL &&
	    sw_store_meta_get(cli->store, "default_profile", &name, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		return NULL;
	}
	if (name == NULL || *name == '\0') {
		free(name);
		name = strdup(SW_DEFAULT_PROFILE);
	}
	return name;
}

struct sw_profile *sw_cli_profile(struct sw_cli *cli, const char *name)
{
	struct sw_forms *forms = sw_cli_forms(cli);
	struct sw_profile *prof = NULL;
	struct sw_error err = {0};

	if (forms == NULL)
		return NULL;
	if (strchr(name, '/') != NULL ||
	    (strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".csv") == 0)) {
		/* a file path: staff trying an edited profile */
		if (sw_profile_load_file(name, forms, &prof, &err) != SW_OK)
			prof = NULL;
	} else if (sw_profile_load(cli->datadir, name, forms, &prof, &err) != SW_OK) {
		prof = NULL;
	}
	if (prof == NULL)
		sw_cli_error(cli, &err);
	return prof;
}

static bool dutch(void)
{
	return sw_cli_dutch();
}

const char *sw_cli_rule_message(const struct sw_rule *r)
{
	const char *first = dutch() ? r->message_nl : r->message_en;
	const char *second = dutch() ? r->message_en : r->message_nl;

	return first ? first : second ? second : "";
}

void sw_cli_print_findings(FILE *f, const struct sw_verdict *v, const char *indent)
{
	char desc[512];
	bool any_missing = false;
	size_t nmissing = 0;

	for (size_t i = 0; i < v->nfindings; i++) {
		const struct sw_finding *fd = &v->findings[i];
		const struct sw_rule *r = fd->rule;
		const char *msg = sw_cli_rule_message(r);
		if (fd->outcome != SW_OUT_FAIL) {
			any_missing = true;
			continue;
		}
		sw_finding_describe(fd, desc, sizeof desc);
		fprintf(f, "%s[%s] %s: %s", indent, _(sw_severity_name(r->severity)), r->id, desc);
		if (*msg != '\0')
			fprintf(f, " (%s)", msg);
		fprintf(f, "\n%s    %s %s\n", indent, _("source:"), r->source);
	}
	if (!any_missing)
		return;
	/* one line for what is missing: each field once, with the rules waiting on it */
	fprintf(f, "%s[%s] %s", indent, _("incomplete"), _("missing"));
	for (size_t i = 0; i < v->nfindings; i++) {
		const struct sw_finding *fd = &v->findings[i];
		bool first = true;
		if (fd->outcome != SW_OUT_INCOMPLETE)
			continue;
		for (size_t k = 0; k < i && first; k++)
			if (v->findings[k].outcome == SW_OUT_INCOMPLETE &&
			    strcmp(v->findings[k].missing, fd->missing) == 0)
				first = false;
		if (!first)
			continue;
		fprintf(f, "%s %s (", nmissing++ ? "," : "", fd->missing);
		for (size_t k = i, n = 0; k < v->nfindings; k++)
			if (v->findings[k].outcome == SW_OUT_INCOMPLETE &&
			    strcmp(v->findings[k].missing, fd->missing) == 0)
				fprintf(f, "%s%s", n++ ? ", " : "", v->findings[k].rule->id);
		fputc(')', f);
	}
	fputc('\n', f);
}

const char *sw_cli_outcome_label(enum sw_outcome o)
{
	switch (o) {
	case SW_OUT_PASS:
		return _("PASS");
	case SW_OUT_FAIL:
		return _("FAIL");
	default:
		return _("INCOMPLETE");
	}
}

void sw_cli_print_verdict(struct sw_cli *cli, const struct sw_point *p)
{
	struct sw_check_near *near = NULL;
	struct sw_profile *prof = NULL;
	struct sw_verdict v = {0};
	struct sw_error err = {0};
	char *name = NULL;

	if (cli->quiet || p == NULL)
		return;
	name = sw_cli_default_profile(cli);
	if (name == NULL)
		goto out;
	prof = sw_cli_profile(cli, name);
	if (prof == NULL) {
		sw_cli_errorf(cli, _("warning: no verdict: profile '%s' did not load"), name);
		goto out;
	}
	if (sw_verdict_init(&v, prof, &err) != SW_OK ||
	    (cli->store != NULL && sw_check_near_open(cli->store, &near, &err) != SW_OK) ||
	    sw_norm_check_point(prof, p, near ? sw_check_near_fn : NULL, near, &v, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	if (v.nrules == 0 && v.nfindings == 0) {
		printf(_("verdict (%s): no rules for %s\n"), prof->name, p->type);
		goto out;
	}
	printf(_("verdict (%s): %s\n"), prof->name, sw_cli_outcome_label(v.outcome));
	sw_cli_print_findings(stdout, &v, "  ");
out:
	sw_check_near_close(near);
	sw_verdict_clear(&v);
	sw_profile_free(prof);
	free(name);
}
