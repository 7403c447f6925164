/* test_norm.c - norm profiles and the rule engine.
 *
 * The per-rule tests iterate over the rules each shipped profile loads, so a
 * rule added to survey/norms/ is tested without touching this file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schouw/check.h"
#include "schouw/form.h"
#include "schouw/norm.h"
#include "schouw/store.h"

/* The shipped profiles, and a test profile with every operator and kind of
 * condition (a path: loaded from tests/data). */
static const char *const shipped[] = {"nl-crow", "ada-2010", "kor-dordrecht",
                                      SW_TEST_DATA "/norms-ok/operators.csv"};

static struct sw_forms *forms;

static const char *datadir(void)
{
	const char *d = getenv("SCHOUW_DATA");
	return d && *d ? d : SW_TEST_DATA "/../../survey";
}

static int setup(void **state)
{
	struct sw_error err = {0};

	(void)state;
	if (sw_forms_load(datadir(), &forms, &err) != SW_OK) {
		fprintf(stderr, "forms: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sw_forms_free(forms);
	return 0;
}

static struct sw_profile *load(const char *name)
{
	struct sw_profile *p = NULL;
	struct sw_error err = {0};

	enum sw_status rc = strchr(name, '/') != NULL
	                        ? sw_profile_load_file(name, forms, &p, &err)
	                        : sw_profile_load(datadir(), name, forms, &p, &err);

	if (rc != SW_OK)
		fail_msg("%s: %s", name, err.msg);
	return p;
}

/* ---- units -------------------------------------------------------------- */

static void ratio_1_12_is_8_333_percent(void **state)
{
	double b;

	(void)state;
	assert_true(sw_unit_parse(sw_unit_find("ratio"), "1:12", &b));
	assert_true(fabs(b - 100.0 / 12) < 1e-12);
	assert_true(sw_unit_parse(sw_unit_find("%"), "1:12", &b));
	assert_true(fabs(b - 8.3333333333) < 1e-9);
	assert_true(sw_unit_parse(sw_unit_find("ratio"), "12", &b));
	assert_true(fabs(b - 100.0 / 12) < 1e-12);
}

static void inch_and_centimetre_convert_to_metres(void **state)
{
	double b;

	(void)state;
	assert_true(sw_unit_parse(sw_unit_find("in"), "36", &b));
	assert_true(fabs(b - 0.9144) < 1e-12);
	assert_true(sw_unit_parse(sw_unit_find("cm"), "90", &b));
	assert_true(fabs(b - 0.9) < 1e-12);
	assert_true(sw_unit_parse(sw_unit_find("mm"), "1400", &b));
	assert_true(b == 1.4);
	assert_true(sw_unit_parse(sw_unit_find("m"), "1,20", &b));
	assert_true(fabs(b - 1.2) < 1e-12);
	assert_true(sw_unit_parse(sw_unit_find("permille"), "20", &b));
	assert_true(fabs(b - 2.0) < 1e-12);
}

static void units_format_in_their_own_unit(void **state)
{
	char buf[64];

	(void)state;
	sw_unit_format(sw_unit_find("ratio"), 100.0 / 12, buf, sizeof buf);
	assert_string_equal(buf, "1:12");
	sw_unit_format(sw_unit_find("in"), 0.9144, buf, sizeof buf);
	assert_string_equal(buf, "36 in");
	sw_unit_format(sw_unit_find("cm"), 0.9, buf, sizeof buf);
	assert_string_equal(buf, "90 cm");
	sw_unit_format(sw_unit_find("%"), 100.0 / 12, buf, sizeof buf);
	assert_string_equal(buf, "8.3333 %");
}

static void unknown_unit_is_null(void **state)
{
	(void)state;
	assert_null(sw_unit_find("furlong"));
	assert_non_null(sw_unit_find("\xe2\x80\xb0"));
	assert_int_equal(sw_unit_find("")->dim, SW_DIM_NONE);
}

/* ---- helpers that build points around a rule --------------------------- */

static void set_num(struct sw_point *p, const char *field, enum sw_kind kind, double v)
{
	struct sw_error err = {0};
	struct sw_value val = {0};

	if (kind == SW_KIND_INTEGER || kind == SW_KIND_BOOL) {
		val.t = SW_V_INT;
		val.i = llround(v);
	} else {
		val.t = SW_V_REAL;
		val.r = v;
	}
	assert_int_equal(sw_point_set_attr(p, field, &val, &err), SW_OK);
}

static void set_text(struct sw_point *p, const char *field, const char *s)
{
	struct sw_error err = {0};
	struct sw_value val = {.t = SW_V_TEXT, .s = (char *)s};

	assert_int_equal(sw_point_set_attr(p, field, &val, &err), SW_OK);
}

static void unset(struct sw_point *p, const char *field)
{
	struct sw_error err = {0};
	struct sw_value val = {.t = SW_V_NULL};

	assert_int_equal(sw_point_set_attr(p, field, &val, &err), SW_OK);
}

static const struct sw_field *field_of(const char *type, const char *name)
{
	const struct sw_form *f = sw_forms_find(forms, type);

	assert_non_null(f);
	return sw_form_field(f, name);
}

/* A value of an enum field that is (want_in) or is not in the list. */
static const char *enum_value(const struct sw_field *f, char **list, size_t n, bool want_in)
{
	for (size_t i = 0; i < f->nvalues; i++) {
		bool in = false;
		for (size_t k = 0; k < n; k++)
			in = in || strcmp(list[k], f->values[i]) == 0;
		if (in == want_in)
			return f->values[i];
	}
	return NULL;
}

/* The smallest step past a limit in field units: 1 for integers, else
 * 0.001 of the field's unit (1 mm for metres). */
static double step(enum sw_kind k)
{
	return k == SW_KIND_INTEGER ? 1 : 0.001;
}

/* Make condition c hold (or not). false when that is impossible. */
static bool set_cond(struct sw_point *p, const char *type, const struct sw_norm_cond *c, bool hold)
{
	const struct sw_field *f = field_of(type, c->field);
	double v = sw_unit_from_base(c->field_unit, c->num);
	double s = step(c->kind);
	bool eq;

	switch (c->kind) {
	case SW_KIND_ENUM: {
		char *one[1] = {c->text};
		eq = (c->op == SW_NOP_EQ) == hold;
		const char *val = enum_value(f, one, 1, eq);
		if (val == NULL)
			return false;
		set_text(p, c->field, val);
		return true;
	}
	case SW_KIND_BOOL:
		eq = (c->op == SW_NOP_EQ) == hold;
		set_num(p, c->field, c->kind, eq ? c->num : 1 - c->num);
		return true;
	default:
		break;
	}
	switch (c->op) {
	case SW_NOP_LE:
		set_num(p, c->field, c->kind, hold ? v : v + s);
		break;
	case SW_NOP_LT:
		set_num(p, c->field, c->kind, hold ? v - s : v);
		break;
	case SW_NOP_GE:
		set_num(p, c->field, c->kind, hold ? v : v - s);
		break;
	case SW_NOP_GT:
		set_num(p, c->field, c->kind, hold ? v + s : v);
		break;
	case SW_NOP_EQ:
		set_num(p, c->field, c->kind, hold ? v : v + s);
		break;
	default:
		set_num(p, c->field, c->kind, hold ? v + s : v);
		break;
	}
	return true;
}

static void point_for(struct sw_point *p, const struct sw_rule *r)
{
	struct sw_error err = {0};

	sw_point_init(p);
	assert_int_equal(sw_point_set_str(&p->type, r->type, &err), SW_OK);
	for (size_t i = 0; i < r->nconds; i++)
		assert_true(set_cond(p, r->type, &r->conds[i], true));
}

/* Set the rule's field at the limit (past = false) or just past it. */
static bool set_at(struct sw_point *p, const struct sw_rule *r, bool past)
{
	const struct sw_field *f = field_of(r->type, r->field);
	double lo = sw_unit_from_base(r->field_unit, r->lo);
	double hi = sw_unit_from_base(r->field_unit, r->hi);
	double s = step(r->kind);

	switch (r->kind) {
	case SW_KIND_BOOL:
		set_num(p, r->field, r->kind, past ? 1 - r->lo : r->lo);
		return true;
	case SW_KIND_ENUM: {
		const char *v = enum_value(f, r->values, r->nvalues, !past);
		if (v == NULL)
			return false; /* the rule allows every value */
		set_text(p, r->field, v);
		return true;
	}
	default:
		break;
	}
	switch (r->op) {
	case SW_NOP_LE:
		set_num(p, r->field, r->kind, past ? lo + s : lo);
		break;
	case SW_NOP_GE:
		set_num(p, r->field, r->kind, past ? lo - s : lo);
		break;
	case SW_NOP_LT: /* at the limit fails; just inside passes */
		set_num(p, r->field, r->kind, past ? lo : lo - s);
		break;
	case SW_NOP_GT:
		set_num(p, r->field, r->kind, past ? lo : lo + s);
		break;
	case SW_NOP_EQ:
		set_num(p, r->field, r->kind, past ? lo + s : lo);
		break;
	case SW_NOP_BETWEEN:
		set_num(p, r->field, r->kind, past ? hi + s : hi);
		break;
	default:
		return false;
	}
	return true;
}

static const struct sw_finding *finding(const struct sw_verdict *v, const struct sw_rule *r)
{
	for (size_t i = 0; i < v->nfindings; i++)
		if (v->findings[i].rule == r)
			return &v->findings[i];
	return NULL;
}

static const struct sw_finding *judge(const struct sw_profile *prof, struct sw_verdict *v,
                                      const struct sw_point *p)
{
	struct sw_error err = {0};

	assert_int_equal(sw_norm_check_point(prof, p, NULL, NULL, v, &err), SW_OK);
	return NULL;
}

/* ---- every rule of every shipped profile ------------------------------- */

static void every_rule_passes_exactly_at_its_limit(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof shipped / sizeof shipped[0]; k++) {
		struct sw_profile *prof = load(shipped[k]);
		struct sw_verdict v;
		size_t tested = 0;

		assert_int_equal(sw_verdict_init(&v, prof, NULL), SW_OK);
		for (size_t i = 0; i < prof->nrules; i++) {
			const struct sw_rule *r = &prof->rules[i];
			struct sw_point p;
			if (r->op == SW_NOP_WITHIN)
				continue;
			point_for(&p, r);
			if (r->op == SW_NOP_REQUIRED)
				set_num(&p, r->field, r->kind, 1);
			else
				assert_true(set_at(&p, r, false));
			judge(prof, &v, &p);
			if (finding(&v, r) != NULL)
				fail_msg("%s %s: fails at its limit %s", shipped[k], r->id,
				         r->limit);
			tested++;
			sw_point_clear(&p);
		}
		assert_true(tested > 0);
		sw_verdict_clear(&v);
		sw_profile_free(prof);
	}
}

static void every_rule_fails_just_past_its_limit(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof shipped / sizeof shipped[0]; k++) {
		struct sw_profile *prof = load(shipped[k]);
		struct sw_verdict v;

		assert_int_equal(sw_verdict_init(&v, prof, NULL), SW_OK);
		for (size_t i = 0; i < prof->nrules; i++) {
			const struct sw_rule *r = &prof->rules[i];
			const struct sw_finding *f;
			struct sw_point p;
			if (r->op == SW_NOP_WITHIN || r->op == SW_NOP_REQUIRED)
				continue;
			point_for(&p, r);
			if (!set_at(&p, r, true)) {
				sw_point_clear(&p);
				continue;
			}
			judge(prof, &v, &p);
			f = finding(&v, r);
			if (f == NULL || f->outcome != SW_OUT_FAIL)
				fail_msg("%s %s: passes just past its limit %s", shipped[k], r->id,
				         r->limit);
			assert_true(f->has_measured || f->text != NULL);
			if (r->severity == SW_SEV_ERROR)
				assert_int_equal(v.outcome, SW_OUT_FAIL);
			sw_point_clear(&p);
		}
		sw_verdict_clear(&v);
		sw_profile_free(prof);
	}
}

static void every_rule_is_incomplete_when_its_field_is_missing(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof shipped / sizeof shipped[0]; k++) {
		struct sw_profile *prof = load(shipped[k]);
		struct sw_verdict v;

		assert_int_equal(sw_verdict_init(&v, prof, NULL), SW_OK);
		for (size_t i = 0; i < prof->nrules; i++) {
			const struct sw_rule *r = &prof->rules[i];
			const struct sw_finding *f;
			struct sw_point p;
			if (r->op == SW_NOP_WITHIN)
				continue;
			point_for(&p, r);
			unset(&p, r->field);
			judge(prof, &v, &p);
			f = finding(&v, r);
			assert_non_null(f);
			assert_string_equal(f->missing, r->field);
			assert_int_equal(f->outcome, r->op == SW_NOP_REQUIRED ? SW_OUT_FAIL
			                                                      : SW_OUT_INCOMPLETE);
			assert_int_not_equal(v.outcome, SW_OUT_PASS);
			sw_point_clear(&p);
		}
		sw_verdict_clear(&v);
		sw_profile_free(prof);
	}
}

static void conditional_rules_apply_only_when_their_condition_holds(void **state)
{
	size_t conditional = 0;

	(void)state;
	for (size_t k = 0; k < sizeof shipped / sizeof shipped[0]; k++) {
		struct sw_profile *prof = load(shipped[k]);
		struct sw_verdict v;

		assert_int_equal(sw_verdict_init(&v, prof, NULL), SW_OK);
		for (size_t i = 0; i < prof->nrules; i++) {
			const struct sw_rule *r = &prof->rules[i];
			struct sw_point p;
			if (r->nconds == 0 || r->op == SW_NOP_WITHIN)
				continue;
			conditional++;
			/* condition holds, value past the limit: fails */
			point_for(&p, r);
			assert_true(set_at(&p, r, true));
			judge(prof, &v, &p);
			assert_non_null(finding(&v, r));
			assert_int_equal(finding(&v, r)->outcome, SW_OUT_FAIL);
			/* condition does not hold: the rule does not apply */
			for (size_t c = 0; c < r->nconds; c++)
				assert_true(set_cond(&p, r->type, &r->conds[c], false));
			judge(prof, &v, &p);
			if (finding(&v, r) != NULL)
				fail_msg("%s %s applies although '%s' does not hold", shipped[k],
				         r->id, r->when);
			/* condition's field missing: incomplete, naming it */
			unset(&p, r->conds[0].field);
			judge(prof, &v, &p);
			assert_non_null(finding(&v, r));
			assert_int_equal(finding(&v, r)->outcome, SW_OUT_INCOMPLETE);
			assert_string_equal(finding(&v, r)->missing, r->conds[0].field);
			sw_point_clear(&p);
		}
		sw_verdict_clear(&v);
		sw_profile_free(prof);
	}
	assert_true(conditional >= 3);
}

/* ---- spatial rules with a mock neighbour lookup ------------------------- */

struct mock_near {
	double x[4], y[4];
	const char *type[4];
	size_t n;
};

static enum sw_status mock_near(void *ud, const struct sw_point *p, const char *type, double radius,
                                size_t *found, double *nearest, struct sw_error *err)
{
	struct mock_near *m = ud;

	(void)err;
	*found = 0;
	*nearest = NAN;
	for (size_t i = 0; i < m->n; i++) {
		double d = hypot(m->x[i] - p->x, m->y[i] - p->y);
		if (strcmp(m->type[i], type) != 0)
			continue;
		if (isnan(*nearest) || d < *nearest)
			*nearest = d;
		if (d <= radius)
			(*found)++;
	}
	return SW_OK;
}

static const struct sw_rule *rule_by_id(const struct sw_profile *prof, const char *id)
{
	for (size_t i = 0; i < prof->nrules; i++)
		if (strcmp(prof->rules[i].id, id) == 0)
			return &prof->rules[i];
	fail_msg("no rule %s", id);
	return NULL;
}

static const struct sw_finding *near_judge(const struct sw_profile *prof, const char *type,
                                           struct mock_near *m, struct sw_verdict *v)
{
	struct sw_point p;
	struct sw_error err = {0};

	sw_point_init(&p);
	assert_int_equal(sw_point_set_str(&p.type, type, &err), SW_OK);
	p.x = 105000;
	p.y = 425000;
	assert_int_equal(sw_norm_check_point(prof, &p, mock_near, m, v, &err), SW_OK);
	sw_point_clear(&p);
	return NULL;
}

static void kerb_ramp_at_4_99_m_passes_and_at_5_01_m_fails(void **state)
{
	struct sw_profile *prof = load("nl-crow");
	const struct sw_rule *r = rule_by_id(prof, "dp-kerb-ramp");
	struct mock_near m = {.x = {105000 + 4.99}, .y = {425000}, .type = {"kerb_ramp"}, .n = 1};
	struct sw_verdict v;
	char buf[256];

	(void)state;
	assert_int_equal(sw_verdict_init(&v, prof, NULL), SW_OK);
	near_judge(prof, "disabled_parking", &m, &v);
	assert_null(finding(&v, r));
	m.x[0] = 105000 + 5.0;
	near_judge(prof, "disabled_parking", &m, &v);
	assert_null(finding(&v, r));
	m.x[0] = 105000 + 5.01;
	near_judge(prof, "disabled_parking", &m, &v);
	assert_non_null(finding(&v, r));
	assert_int_equal(finding(&v, r)->outcome, SW_OUT_FAIL);
	sw_finding_describe(finding(&v, r), buf, sizeof buf);
	assert_non_null(strstr(buf, "5.01 m"));
	/* a neighbour of another type does not count */
	m.x[0] = 105000 + 1;
	m.type[0] = "crossing";
	near_judge(prof, "disabled_parking", &m, &v);
	assert_non_null(finding(&v, r));
	sw_verdict_clear(&v);
	sw_profile_free(prof);
}

/* Every spatial rule of every shipped profile: its neighbours exactly at the
 * distance pass, 1 cm further fail, no lookup leaves it incomplete. */
static void every_spatial_rule_passes_at_its_distance_and_fails_past_it(void **state)
{
	static const double dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
	size_t spatial = 0;

	(void)state;
	for (size_t k = 0; k < sizeof shipped / sizeof shipped[0]; k++) {
		struct sw_profile *prof = load(shipped[k]);
		struct sw_verdict v;

		assert_int_equal(sw_verdict_init(&v, prof, NULL), SW_OK);
		for (size_t i = 0; i < prof->nrules; i++) {
			const struct sw_rule *r = &prof->rules[i];
			struct mock_near m = {.n = 0};
			struct sw_point p;
			struct sw_error err = {0};
			if (r->op != SW_NOP_WITHIN)
				continue;
			spatial++;
			assert_true(r->near_count >= 1 && r->near_count <= 4);
			point_for(&p, r);
			p.x = 105000;
			p.y = 425000;
			for (size_t n = 0; n < r->near_count; n++) {
				m.x[n] = p.x + dx[n] * r->lo;
				m.y[n] = p.y + dy[n] * r->lo;
				m.type[n] = r->field;
			}
			m.n = r->near_count;
			assert_int_equal(sw_norm_check_point(prof, &p, mock_near, &m, &v, &err),
			                 SW_OK);
			if (finding(&v, r) != NULL)
				fail_msg("%s %s fails with neighbours at %s", shipped[k], r->id,
				         r->limit);
			m.x[0] = p.x + (r->lo + 0.01);
			m.y[0] = p.y;
			assert_int_equal(sw_norm_check_point(prof, &p, mock_near, &m, &v, &err),
			                 SW_OK);
			assert_non_null(finding(&v, r));
			assert_int_equal(finding(&v, r)->outcome, SW_OUT_FAIL);
			assert_int_equal(sw_norm_check_point(prof, &p, NULL, NULL, &v, &err),
			                 SW_OK);
			assert_non_null(finding(&v, r));
			assert_int_equal(finding(&v, r)->outcome, SW_OUT_INCOMPLETE);
			sw_point_clear(&p);
		}
		sw_verdict_clear(&v);
		sw_profile_free(prof);
	}
	assert_true(spatial >= 3);
}

static void crossing_needs_two_kerb_ramps(void **state)
{
	struct sw_profile *prof = load("nl-crow");
	const struct sw_rule *r = rule_by_id(prof, "cr-kerb-ramps");
	struct mock_near m = {.x = {105000 + 3}, .y = {425000}, .type = {"kerb_ramp"}, .n = 1};
	struct sw_verdict v;

	(void)state;
	assert_int_equal(r->near_count, 2);
	assert_int_equal(sw_verdict_init(&v, prof, NULL), SW_OK);
	near_judge(prof, "crossing", &m, &v);
	assert_non_null(finding(&v, r));
	assert_true(finding(&v, r)->measured == 1);
	m.x[1] = 105000 - 3;
	m.y[1] = 425000;
	m.type[1] = "kerb_ramp";
	m.n = 2;
	near_judge(prof, "crossing", &m, &v);
	assert_null(finding(&v, r));
	sw_verdict_clear(&v);
	sw_profile_free(prof);
}

static void spatial_rule_without_lookup_is_incomplete(void **state)
{
	struct sw_profile *prof = load("nl-crow");
	const struct sw_rule *r = rule_by_id(prof, "dp-kerb-ramp");
	struct sw_verdict v;
	struct sw_point p;
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(sw_verdict_init(&v, prof, NULL), SW_OK);
	sw_point_init(&p);
	assert_int_equal(sw_point_set_str(&p.type, "disabled_parking", &err), SW_OK);
	assert_int_equal(sw_norm_check_point(prof, &p, NULL, NULL, &v, &err), SW_OK);
	assert_non_null(finding(&v, r));
	assert_int_equal(finding(&v, r)->outcome, SW_OUT_INCOMPLETE);
	sw_point_clear(&p);
	sw_verdict_clear(&v);
	sw_profile_free(prof);
}

/* ---- the store-backed lookup --------------------------------------------- */

static long long store_point(struct sw_store *st, const char *type, double x, double y)
{
	struct sw_point p;
	struct sw_error err = {0};
	long long id;

	sw_point_init(&p);
	assert_int_equal(sw_point_set_str(&p.type, type, &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p.status, "planned", &err), SW_OK);
	p.x = x;
	p.y = y;
	if (sw_store_insert(st, &p, "test", &err) != SW_OK)
		fail_msg("insert: %s", err.msg);
	id = p.id;
	sw_point_clear(&p);
	return id;
}

static void store_lookup_counts_exact_distances_across_tile_edges(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char path[512];
	struct sw_store *st = NULL;
	struct sw_check_near *near = NULL;
	struct sw_error err = {0};
	struct sw_point bay;
	size_t found;
	double nearest;
	/* tiles are 1000 m for a 5 m radius: 105000 is an edge */
	const double xs[] = {104999.0, 105000.0, 105001.0, 104996.0, 105004.0};

	(void)state;
	snprintf(path, sizeof path, "%s/test_norm_near_%d.gpkg", tmp && *tmp ? tmp : "/tmp",
	         (int)getpid());
	unlink(path);
	assert_int_equal(sw_store_create(path, &err), SW_OK);
	assert_int_equal(sw_store_open(path, SW_STORE_WRITE, &st, &err), SW_OK);
	assert_int_equal(sw_store_sync_fields(st, forms, &err), SW_OK);
	sw_point_init(&bay);
	assert_int_equal(sw_point_set_str(&bay.type, "disabled_parking", &err), SW_OK);
	for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
		double x = xs[i], y = 425000 + 100 * (double)i;
		store_point(st, "kerb_ramp", x + 4.99, y); /* in */
		store_point(st, "kerb_ramp", x - 5.01, y); /* just out */
		store_point(st, "crossing", x + 1, y);     /* other type */
		bay.id = store_point(st, "disabled_parking", x, y + 0.0);
		bay.x = x;
		bay.y = y;
		assert_int_equal(sw_check_near_open(st, &near, &err), SW_OK);
		assert_int_equal(
		    sw_check_near_fn(near, &bay, "kerb_ramp", 5, &found, &nearest, &err), SW_OK);
		assert_int_equal(found, 1);
		assert_true(fabs(nearest - 4.99) < 1e-6);
		assert_int_equal(
		    sw_check_near_fn(near, &bay, "kerb_ramp", 5.01, &found, &nearest, &err), SW_OK);
		assert_int_equal(found, 2);
		assert_int_equal(
		    sw_check_near_fn(near, &bay, "kerb_ramp", 4.98, &found, &nearest, &err), SW_OK);
		assert_int_equal(found, 0);
		assert_true(fabs(nearest - 4.99) < 1e-6);
		/* the bay itself is not its own neighbour */
		assert_int_equal(
		    sw_check_near_fn(near, &bay, "disabled_parking", 1, &found, &nearest, &err),
		    SW_OK);
		assert_int_equal(found, 0);
		sw_check_near_close(near);
		near = NULL;
	}
	sw_point_clear(&bay);
	sw_store_close(st);
	unlink(path);
}

/* ---- verdicts, messages, profiles --------------------------------------- */

static void failure_names_measured_and_limit_in_the_rules_unit(void **state)
{
	struct sw_profile *prof = load("ada-2010");
	const struct sw_rule *r = rule_by_id(prof, "ada-406-width");
	struct sw_verdict v;
	struct sw_point p;
	char buf[256];

	(void)state;
	assert_int_equal(sw_verdict_init(&v, prof, NULL), SW_OK);
	point_for(&p, r);
	set_num(&p, "width_m", SW_KIND_NUMBER, 0.8636); /* 34 in */
	judge(prof, &v, &p);
	assert_int_equal(v.outcome, SW_OUT_FAIL);
	sw_finding_describe(finding(&v, r), buf, sizeof buf);
	assert_string_equal(buf, "width_m = 34 in, limit >= 36 in");
	sw_point_clear(&p);
	sw_verdict_clear(&v);
	sw_profile_free(prof);
}

static void advice_failure_does_not_fail_the_point(void **state)
{
	struct sw_profile *prof = load("nl-crow");
	const struct sw_rule *r = rule_by_id(prof, "kr-surface");
	struct sw_verdict v;
	struct sw_point p;

	(void)state;
	assert_int_equal(r->severity, SW_SEV_ADVICE);
	assert_int_equal(sw_verdict_init(&v, prof, NULL), SW_OK);
	point_for(&p, r);
	set_num(&p, "running_slope_pct", SW_KIND_NUMBER, 5);
	set_num(&p, "cross_slope_pct", SW_KIND_NUMBER, 1);
	set_num(&p, "width_m", SW_KIND_NUMBER, 1.5);
	set_num(&p, "kerb_upstand_mm", SW_KIND_NUMBER, 0);
	set_num(&p, "turning_space_m", SW_KIND_NUMBER, 1.5);
	set_num(&p, "tactile_warning", SW_KIND_BOOL, 1);
	set_text(&p, "surface", "cobbles");
	judge(prof, &v, &p);
	assert_non_null(finding(&v, r));
	assert_int_equal(v.nwarn, 1);
	assert_int_equal(v.nfail, 0);
	assert_int_equal(v.outcome, SW_OUT_PASS);
	sw_point_clear(&p);
	sw_verdict_clear(&v);
	sw_profile_free(prof);
}

static void between_includes_both_ends(void **state)
{
	struct sw_profile *prof = load(SW_TEST_DATA "/norms-ok/operators.csv");
	const struct sw_rule *r = rule_by_id(prof, "op-between");
	const double ok[] = {1.2, 1.35, 1.5}, bad[] = {1.199, 1.501};
	struct sw_verdict v;
	struct sw_point p;

	(void)state;
	assert_int_equal(sw_verdict_init(&v, prof, NULL), SW_OK);
	point_for(&p, r);
	for (size_t i = 0; i < 3; i++) {
		set_num(&p, "width_m", SW_KIND_NUMBER, ok[i]);
		judge(prof, &v, &p);
		assert_null(finding(&v, r));
	}
	for (size_t i = 0; i < 2; i++) {
		set_num(&p, "width_m", SW_KIND_NUMBER, bad[i]);
		judge(prof, &v, &p);
		assert_non_null(finding(&v, r));
	}
	sw_point_clear(&p);
	sw_verdict_clear(&v);
	sw_profile_free(prof);
}

static void value_of_the_wrong_type_counts_as_not_measured(void **state)
{
	struct sw_profile *prof = load("nl-crow");
	const struct sw_rule *w = rule_by_id(prof, "kr-width");
	const struct sw_rule *s = rule_by_id(prof, "kr-surface");
	struct sw_verdict v;
	struct sw_point p;

	(void)state;
	assert_int_equal(sw_verdict_init(&v, prof, NULL), SW_OK);
	point_for(&p, w);
	set_text(&p, "width_m", "wide");
	set_num(&p, "surface", SW_KIND_INTEGER, 3);
	judge(prof, &v, &p);
	assert_int_equal(finding(&v, w)->outcome, SW_OUT_INCOMPLETE);
	assert_string_equal(finding(&v, w)->missing, "width_m");
	assert_int_equal(finding(&v, s)->outcome, SW_OUT_INCOMPLETE);
	sw_point_clear(&p);
	sw_verdict_clear(&v);
	sw_profile_free(prof);
}

static void kor_extends_nl_crow_and_says_to_confirm(void **state)
{
	struct sw_profile *kor = load("kor-dordrecht");
	struct sw_profile *crow = load("nl-crow");

	(void)state;
	assert_int_equal(kor->nrules, crow->nrules);
	assert_string_equal(kor->chain, "kor-dordrecht < nl-crow");
	assert_string_not_equal(kor->hash, crow->hash);
	assert_int_equal(strlen(kor->hash), 64);
	{
		/* the same files give the same hash */
		struct sw_profile *again = load("kor-dordrecht");
		assert_string_equal(again->hash, kor->hash);
		sw_profile_free(again);
	}
	for (size_t i = 0; i < kor->nrules; i++) {
		assert_string_equal(kor->rules[i].id, crow->rules[i].id);
		assert_true(kor->rules[i].lo == crow->rules[i].lo);
		assert_non_null(strstr(kor->rules[i].source, "to confirm against KOR"));
	}
	sw_profile_free(kor);
	sw_profile_free(crow);
}

static char *write_tmp(const char *dir, const char *name, const char *text)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = malloc(n);
	FILE *f;

	assert_non_null(path);
	snprintf(path, n, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const char header[] =
    "id;type;field;when;op;limit;unit;severity;message_nl;message_en;source\n";

static void child_overrides_one_rule_and_switches_one_off(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char dir[512];
	char base[512], child[512];
	char *p1, *p2;
	struct sw_profile *prof = NULL;
	struct sw_error err = {0};
	char hash1[65];

	(void)state;
	snprintf(dir, sizeof dir, "%s/test_norm_XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(base, sizeof base,
	         "%sa;kerb_ramp;width_m;;>=;1.20;m;error;;;base\n"
	         "b;kerb_ramp;cross_slope_pct;;<=;2;%%;error;;;base\n",
	         header);
	snprintf(child, sizeof child, "@extends;base\n%sa;;;;;90;cm;;;;child\nb;;;;;;;off;;;\n",
	         header);
	p1 = write_tmp(dir, "base.csv", base);
	p2 = write_tmp(dir, "child.csv", child);
	assert_int_equal(sw_profile_load_file(p2, forms, &prof, &err), SW_OK);
	assert_int_equal(prof->nrules, 1);
	assert_string_equal(prof->rules[0].field, "width_m");
	assert_true(fabs(prof->rules[0].lo - 0.9) < 1e-12);
	assert_string_equal(prof->rules[0].source, "child");
	assert_string_equal(prof->rules[0].unit->name, "cm");
	memcpy(hash1, prof->hash, sizeof hash1);
	sw_profile_free(prof);
	/* the hash covers the parent's bytes too */
	free(write_tmp(dir, "base.csv", "# changed\n"));
	{
		FILE *f = fopen(p1, "a");
		fputs(base, f);
		fclose(f);
	}
	assert_int_equal(sw_profile_load_file(p2, forms, &prof, &err), SW_OK);
	assert_string_not_equal(prof->hash, hash1);
	sw_profile_free(prof);
	unlink(p1);
	unlink(p2);
	rmdir(dir);
	free(p1);
	free(p2);
}

/* ---- bad profile files --------------------------------------------------- */

/* Loading file fails, and the message names where:line and the reason. */
static void expect_error_at(const char *file, const char *where_file, int line, const char *reason)
{
	char path[512], where[600];
	struct sw_profile *prof = NULL;
	struct sw_error err = {0};

	snprintf(path, sizeof path, "%s/norms-bad/%s", SW_TEST_DATA, file);
	assert_int_not_equal(sw_profile_load_file(path, forms, &prof, &err), SW_OK);
	assert_null(prof);
	snprintf(where, sizeof where, "%s:%d: ", where_file, line);
	if (strstr(err.msg, where) == NULL || strstr(err.msg, reason) == NULL)
		fail_msg("%s: expected '%s' and '%s' in: %s", file, where, reason, err.msg);
}

static void expect_error(const char *file, int line, const char *reason)
{
	expect_error_at(file, file, line, reason);
}

static void bad_csv_syntax_names_file_and_line(void **state)
{
	(void)state;
	expect_error("syntax.csv", 3, "CSV syntax error");
}

static void unknown_field_names_file_and_line(void **state)
{
	(void)state;
	expect_error("unknown-field.csv", 3, "slope_pct");
}

static void unknown_unit_names_file_and_line(void **state)
{
	(void)state;
	expect_error("unknown-unit.csv", 4, "unknown unit 'furlong'");
}

static void unit_of_wrong_dimension_names_file_and_line(void **state)
{
	(void)state;
	expect_error("wrong-dimension.csv", 2, "does not fit running_slope_pct");
}

static void circular_extends_names_file_and_line(void **state)
{
	(void)state;
	expect_error_at("circular-a.csv", "circular-b.csv", 1,
	                "circular @extends: circular-a -> circular-b -> circular-a");
}

static void unknown_operator_names_file_and_line(void **state)
{
	(void)state;
	expect_error("unknown-op.csv", 2, "unknown operator '=<'");
}

static void unknown_enum_value_names_file_and_line(void **state)
{
	(void)state;
	expect_error("bad-value.csv", 2, "'gravel' is not a value of surface");
}

static void missing_parent_names_file_and_line(void **state)
{
	(void)state;
	expect_error("missing-parent.csv", 2, "@extends 'no-such-profile'");
}

static void unknown_column_names_file_and_line(void **state)
{
	(void)state;
	expect_error("comma-separated.csv", 1, "separated by ';'");
}

static void limit_that_is_not_a_number_names_file_and_line(void **state)
{
	(void)state;
	expect_error("bad-limit.csv", 2, "limit 'wide'");
}

static void duplicate_rule_id_names_both_lines(void **state)
{
	(void)state;
	expect_error("duplicate-id.csv", 4, "already used on line 2");
}

static void unknown_severity_names_file_and_line(void **state)
{
	(void)state;
	expect_error("unknown-severity.csv", 2, "unknown severity 'fatal'");
}

static void unknown_type_names_file_and_line(void **state)
{
	(void)state;
	expect_error("unknown-type.csv", 2, "kerb_rmp");
}

static void condition_on_unknown_field_names_file_and_line(void **state)
{
	(void)state;
	expect_error("bad-condition.csv", 2, "unknown field 'direction'");
}

/* line 2 ("2,5 cm", a decimal comma) is fine; line 3 is not a number */
static void condition_value_must_be_a_number(void **state)
{
	(void)state;
	expect_error("condition-not-a-number.csv", 3, "'high' is not a number");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ratio_1_12_is_8_333_percent),
	    cmocka_unit_test(inch_and_centimetre_convert_to_metres),
	    cmocka_unit_test(units_format_in_their_own_unit),
	    cmocka_unit_test(unknown_unit_is_null),
	    cmocka_unit_test(every_rule_passes_exactly_at_its_limit),
	    cmocka_unit_test(every_rule_fails_just_past_its_limit),
	    cmocka_unit_test(every_rule_is_incomplete_when_its_field_is_missing),
	    cmocka_unit_test(conditional_rules_apply_only_when_their_condition_holds),
	    cmocka_unit_test(kerb_ramp_at_4_99_m_passes_and_at_5_01_m_fails),
	    cmocka_unit_test(every_spatial_rule_passes_at_its_distance_and_fails_past_it),
	    cmocka_unit_test(crossing_needs_two_kerb_ramps),
	    cmocka_unit_test(spatial_rule_without_lookup_is_incomplete),
	    cmocka_unit_test(store_lookup_counts_exact_distances_across_tile_edges),
	    cmocka_unit_test(failure_names_measured_and_limit_in_the_rules_unit),
	    cmocka_unit_test(advice_failure_does_not_fail_the_point),
	    cmocka_unit_test(between_includes_both_ends),
	    cmocka_unit_test(value_of_the_wrong_type_counts_as_not_measured),
	    cmocka_unit_test(kor_extends_nl_crow_and_says_to_confirm),
	    cmocka_unit_test(child_overrides_one_rule_and_switches_one_off),
	    cmocka_unit_test(bad_csv_syntax_names_file_and_line),
	    cmocka_unit_test(unknown_field_names_file_and_line),
	    cmocka_unit_test(unknown_unit_names_file_and_line),
	    cmocka_unit_test(unit_of_wrong_dimension_names_file_and_line),
	    cmocka_unit_test(circular_extends_names_file_and_line),
	    cmocka_unit_test(unknown_operator_names_file_and_line),
	    cmocka_unit_test(unknown_enum_value_names_file_and_line),
	    cmocka_unit_test(missing_parent_names_file_and_line),
	    cmocka_unit_test(unknown_column_names_file_and_line),
	    cmocka_unit_test(limit_that_is_not_a_number_names_file_and_line),
	    cmocka_unit_test(duplicate_rule_id_names_both_lines),
	    cmocka_unit_test(unknown_severity_names_file_and_line),
	    cmocka_unit_test(unknown_type_names_file_and_line),
	    cmocka_unit_test(condition_on_unknown_field_names_file_and_line),
	    cmocka_unit_test(condition_value_must_be_a_number),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
