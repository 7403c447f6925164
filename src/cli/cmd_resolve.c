/* cmd_resolve.c - schouw resolve: settle a conflict of a merge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "point_input.h"
#include "schouw/num.h"
#include "schouw/store_sync.h"

static const char usage[] =
    N_("usage: schouw resolve ID|UUID FIELD ours|theirs|VALUE [--by NAME]\n\n"
       "Settle the open conflict on FIELD of a point: keep our value, take theirs,\n"
       "or set another VALUE. The point is changed through its history like\n"
       "'schouw set'. FIELD \"point\" is an edit against a delete: ours or theirs.\n\n"
       "Options:\n"
       "  --by NAME   who settles it; default $SCHOUW_USER, else $USER\n"
       "  --db PATH   the store\n");

struct pick {
	long long ids[64];
	size_t n;
	char *ours, *theirs;
	bool have;
};

static enum sw_status take(const struct sw_conflict *c, void *ud)
{
	struct pick *p = ud;

	if (p->n == sizeof p->ids / sizeof p->ids[0])
		return SW_OK;
	p->ids[p->n++] = c->id;
	/* the latest conflict's values */
	free(p->ours);
	free(p->theirs);
	p->ours = c->ours ? strdup(c->ours) : NULL;
	p->theirs = c->theirs ? strdup(c->theirs) : NULL;
	p->have = true;
	return SW_OK;
}

struct field_ctx {
	const char *field;
	struct pick *pick;
};

static enum sw_status take_field(const struct sw_conflict *c, void *ud)
{
	struct field_ctx *f = ud;

	return strcmp(c->field, f->field) == 0 ? take(c, f->pick) : SW_OK;
}

/* Set field of p to text (NULL clears). */
static enum sw_status apply(const struct sw_cli *cli, struct sw_point *p, const char *field,
                            const char *text, struct sw_error *err)
{
	char *assign;
	enum sw_status rc;

	if (strcmp(field, "x") == 0 || strcmp(field, "y") == 0) {
		double v;

		if (text == NULL || !sw_num_parse(text, 0, &v))
			return sw_error_set(err, SW_ERR_INPUT, _("%s: expected a number, not '%s'"),
			                    field, text ? text : "");
		*(field[0] == 'x' ? &p->x : &p->y) = v;
		return SW_OK;
	}
	if (strcmp(field, "type") == 0)
		return sw_point_set_str(&p->type, text, err);
	if (asprintf(&assign, "%s=%s", field, text ? text : "") < 0)
		return sw_error_nomem(err);
	rc = sw_input_assign(cli->forms, p, assign, err);
	free(assign);
	return rc;
}

int cmd_resolve(struct sw_cli *cli, int argc, char **argv)
{
	struct sw_point p;
	struct sw_error err = {0};
	struct sw_store *store;
	struct pick pick = {0};
	struct field_ctx fc;
	const char *who, *field, *choice, *value;
	enum sw_status st;
	int rc;

	sw_point_init(&p);
	store = sw_cli_by_point(cli, "resolve", argc, argv, _(usage), true,
	                        _("expected ID|UUID FIELD ours|theirs|VALUE"), &who, &p, &rc);
	if (store == NULL)
		goto out;
	rc = SW_EXIT_ERROR;
	if (argc - optind != 3) {
		sw_cli_usage_error(cli, "resolve", _("expected ID|UUID FIELD ours|theirs|VALUE"));
		goto out;
	}
	field = argv[optind + 1];
	choice = argv[optind + 2];
	fc.field = field;
	fc.pick = &pick;
	if (sw_store_sync_conflicts(store, false, p.uuid, take_field, &fc, &err) != SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	if (!pick.have) {
		sw_cli_errorf(cli,
		              _("point %lld has no open conflict on '%s' (see 'schouw conflicts')"),
		              p.id, field);
		goto out;
	}
	value = strcmp(choice, "ours") == 0     ? pick.ours
	        : strcmp(choice, "theirs") == 0 ? pick.theirs
	                                        : choice;
	st = sw_store_begin(store, &err);
	if (st == SW_OK && strcmp(field, "point") == 0) {
		if (value == NULL ||
		    (strcmp(value, "deleted") != 0 && strcmp(value, "edited") != 0))
			st = sw_error_set(
			    &err, SW_ERR_INPUT,
			    _("the conflict on \"point\" is settled with ours or theirs"));
		else if (strcmp(value, "deleted") == 0)
			st = sw_store_delete(store, p.id, who, &err);
	} else if (st == SW_OK) {
		st = apply(cli, &p, field, value, &err);
		if (st == SW_OK)
			st = sw_store_update(store, &p, who, NULL, &err);
	}
	for (size_t i = 0; i < pick.n && st == SW_OK; i++)
		st = sw_store_sync_conflict_settle(store, pick.ids[i], value, who, &err);
	if (st == SW_OK)
		st = sw_store_commit(store, &err);
	else
		sw_store_rollback(store);
	if (st != SW_OK) {
		sw_cli_error(cli, &err);
		goto out;
	}
	if (!cli->quiet)
		printf(_("settled %s of point %lld: %s\n"), field, p.id, value ? value : "-");
	rc = SW_EXIT_OK;
out:
	free(pick.ours);
	free(pick.theirs);
	sw_point_clear(&p);
	return rc;
}
