/* test_calibrate.c - the rule engine's part of re-calibration: what two
 * rules differ in, the profile diff, and one point judged for many limits
 * at once (at, under and over a limit; conditions; within with a fake
 * neighbour lookup), against tests/data/norms-calib. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/calibrate.h"
#include "schouw/form.h"
#include "schouw/norm.h"

static struct sw_forms *forms;
static struct sw_profile *base, *draft;

static int setup(void **state)
{
	struct sw_error err = {0};
	const char *d = getenv("SCHOUW_DATA");

	(void)state;
	if (sw_forms_load(d && *d ? d : SW_TEST_DATA "/../../survey", &forms, &err) != SW_OK ||
	    sw_profile_load_file(SW_TEST_DATA "/norms-calib/calib-base.csv", forms, &base, &err) !=
	        SW_OK ||
	    sw_profile_load_file(SW_TEST_DATA "/norms-calib/calib-draft.csv", forms, &draft,
	                         &err) != SW_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sw_profile_free(base);
	sw_profile_free(draft);
	sw_forms_free(forms);
	return 0;
}

static void set_num(struct sw_point *p, const char *f, double v)
{
	struct sw_value val = {.t = SW_V_REAL, .r = v};
	assert_int_equal(sw_point_set_attr(p, f, &val, NULL), SW_OK);
}

static void set_text(struct sw_point *p, const char *f, const char *s)
{
	struct sw_value val = {.t = SW_V_TEXT, .s = (char *)s};
	assert_int_equal(sw_point_set_attr(p, f, &val, NULL), SW_OK);
}

static void set_bool(struct sw_point *p, const char *f, int b)
{
	struct sw_value val = {.t = SW_V_INT, .i = b};
	assert_int_equal(sw_point_set_attr(p, f, &val, NULL), SW_OK);
}

static void ramp(struct sw_point *p, double slope)
{
	sw_point_init(p);
	p->type = strdup("kerb_ramp");
	p->x = 105000;
	p->y = 425000;
	set_num(p, "running_slope_pct", slope);
	set_num(p, "width_m", 1.3);
	set_num(p, "cross_slope_pct", 1);
	set_num(p, "kerb_upstand_mm", 0);
	set_bool(p, "tactile_warning", 1);
}

static const struct sw_rule *rule(const struct sw_profile *p, const char *id)
{
	const struct sw_rule *r = sw_profile_rule(p, id);
	assert_non_null(r);
	return r;
}

/* ---- diff ---------------------------------------------------------------- */

static void rule_diff_names_each_difference(void **state)
{
	(void)state;
	assert_int_equal(sw_rule_diff(rule(base, "slope"), rule(draft, "slope")),
	                 SW_RULE_DIFF_LIMIT | SW_RULE_DIFF_SOURCE);
	assert_int_equal(sw_rule_diff(rule(base, "width"), rule(draft, "width")),
	                 SW_RULE_DIFF_LIMIT | SW_RULE_DIFF_SEVERITY | SW_RULE_DIFF_SOURCE);
	/* 2 % and 20 permille are one limit in two units */
	assert_int_equal(sw_rule_diff(rule(base, "cross"), rule(draft, "cross")),
	                 SW_RULE_DIFF_UNIT);
	assert_int_equal(sw_rule_diff(rule(base, "bay-width"), rule(draft, "bay-width")),
	                 SW_RULE_DIFF_WHEN | SW_RULE_DIFF_SOURCE);
	assert_int_equal(sw_rule_diff(rule(base, "bay-ramp"), rule(draft, "bay-ramp")),
	                 SW_RULE_DIFF_LIMIT | SW_RULE_DIFF_SOURCE);
	/* inherited unchanged */
	assert_int_equal(sw_rule_diff(rule(base, "tactile"), rule(draft, "tactile")), 0);
	assert_null(sw_profile_rule(draft, "gone"));
	assert_null(sw_profile_rule(base, "upstand"));
}

static void profile_diff_lists_only_a_differing_only_b(void **state)
{
	struct sw_calib_diff *d = NULL;
	const char *want[] = {"gone",      "slope",    "width",  "cross",
	                      "bay-width", "bay-ramp", "upstand"};

	(void)state;
	assert_int_equal(sw_calib_profile_diff(base, draft, &d, NULL), SW_OK);
	assert_int_equal(d->nrows, 7);
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(d->rows[i].id, want[i]);
	assert_non_null(d->rows[0].a);
	assert_null(d->rows[0].b);
	assert_null(d->rows[6].a);
	assert_non_null(d->rows[6].b);
	assert_int_equal(d->same, 2); /* tactile, cr-ramps */
	assert_int_equal(d->source_only, 0);
	sw_calib_diff_free(d);
	/* a profile against itself: nothing */
	assert_int_equal(sw_calib_profile_diff(draft, draft, &d, NULL), SW_OK);
	assert_int_equal(d->nrows, 0);
	assert_int_equal(d->same, draft->nrules);
	sw_calib_diff_free(d);
}

/* ---- sweeping -------------------------------------------------------------- */

static void sweep_at_under_and_over_each_limit(void **state)
{
	const struct sw_rule *r = rule(base, "slope");
	const double lim[] = {5.99, 6, 6.01, 6 - 1e-12};
	enum sw_outcome o[4];
	struct sw_sweep_point sp;
	struct sw_verdict v;
	struct sw_point p;

	(void)state;
	assert_true(sw_rule_sweepable(r));
	assert_int_equal(sw_verdict_init(&v, base, NULL), SW_OK);
	ramp(&p, 6);
	assert_int_equal(sw_norm_sweep_point(base, r, &p, NULL, NULL, lim, 4, &v, &sp, o, NULL),
	                 SW_OK);
	assert_int_equal(sp.state, SW_SWEEP_MEASURED);
	assert_true(fabs(sp.measured - 6) < 1e-12);
	assert_int_equal(sp.others, SW_OUT_PASS);
	assert_int_equal(o[0], SW_OUT_FAIL); /* just under the value: fails */
	assert_int_equal(o[1], SW_OUT_PASS); /* exactly at: passes */
	assert_int_equal(o[2], SW_OUT_PASS);
	assert_int_equal(o[3], SW_OUT_PASS); /* measuring noise counts as equal */
	/* missing measurement: incomplete at every limit */
	sw_point_clear(&p);
	ramp(&p, 6);
	set_num(&p, "running_slope_pct", NAN);
	{
		struct sw_value nul = {.t = SW_V_NULL};
		assert_int_equal(sw_point_set_attr(&p, "running_slope_pct", &nul, NULL), SW_OK);
	}
	assert_int_equal(sw_norm_sweep_point(base, r, &p, NULL, NULL, lim, 4, &v, &sp, o, NULL),
	                 SW_OK);
	assert_int_equal(sp.state, SW_SWEEP_MISSING);
	for (int i = 0; i < 4; i++)
		assert_int_equal(o[i], SW_OUT_INCOMPLETE);
	sw_point_clear(&p);
	sw_verdict_clear(&v);
}

static void sweep_keeps_the_other_rules(void **state)
{
	const struct sw_rule *r = rule(base, "slope");
	const double lim[] = {5, 8};
	enum sw_outcome o[2];
	struct sw_sweep_point sp;
	struct sw_verdict v;
	struct sw_point p;

	(void)state;
	assert_int_equal(sw_verdict_init(&v, base, NULL), SW_OK);
	ramp(&p, 7);
	set_num(&p, "width_m", 1.1); /* fails width (error) */
	assert_int_equal(sw_norm_sweep_point(base, r, &p, NULL, NULL, lim, 2, &v, &sp, o, NULL),
	                 SW_OK);
	assert_int_equal(sp.others, SW_OUT_FAIL);
	assert_int_equal(o[0], SW_OUT_FAIL);
	assert_int_equal(o[1], SW_OUT_PASS);
	assert_int_equal(sw_sweep_overall(sp.others, r, o[1]), SW_OUT_FAIL);
	/* under the draft width is a warning: the point passes at 8 */
	sw_verdict_clear(&v);
	assert_int_equal(sw_verdict_init(&v, draft, NULL), SW_OK);
	assert_int_equal(sw_norm_sweep_point(draft, rule(draft, "slope"), &p, NULL, NULL, lim, 2,
	                                     &v, &sp, o, NULL),
	                 SW_OK);
	assert_int_equal(sp.others, SW_OUT_PASS);
	assert_int_equal(sw_sweep_overall(sp.others, r, o[0]), SW_OUT_FAIL);
	assert_int_equal(sw_sweep_overall(sp.others, r, o[1]), SW_OUT_PASS);
	/* a failing warning never fails the point; incomplete wins over pass */
	assert_int_equal(sw_sweep_overall(SW_OUT_PASS, rule(base, "tactile"), SW_OUT_FAIL),
	                 SW_OUT_PASS);
	assert_int_equal(sw_sweep_overall(SW_OUT_INCOMPLETE, r, SW_OUT_PASS), SW_OUT_INCOMPLETE);
	assert_int_equal(sw_sweep_overall(SW_OUT_PASS, r, SW_OUT_INCOMPLETE), SW_OUT_INCOMPLETE);
	sw_point_clear(&p);
	sw_verdict_clear(&v);
}

/* With the rule's own limit a sweep says what check says, point by point. */
static void sweep_at_the_profile_limit_is_the_check(void **state)
{
	const struct sw_rule *r = rule(base, "slope");
	struct sw_verdict v, w;
	(void)state;
	assert_int_equal(sw_verdict_init(&v, base, NULL), SW_OK);
	assert_int_equal(sw_verdict_init(&w, base, NULL), SW_OK);
	for (int i = 0; i < 200; i++) {
		struct sw_point p;
		struct sw_sweep_point sp;
		enum sw_outcome o;
		ramp(&p, 6 + i * 0.02);
		if (i % 7 == 0)
			set_num(&p, "width_m", 1.0 + (i % 3) * 0.1);
		if (i % 11 == 0) {
			struct sw_value nul = {.t = SW_V_NULL};
			sw_point_set_attr(&p, "tactile_warning", &nul, NULL);
		}
		assert_int_equal(
		    sw_norm_sweep_point(base, r, &p, NULL, NULL, &r->lo, 1, &v, &sp, &o, NULL),
		    SW_OK);
		assert_int_equal(sw_norm_check_point(base, &p, NULL, NULL, &w, NULL), SW_OK);
		assert_int_equal(sw_sweep_overall(sp.others, r, o), w.outcome);
		sw_point_clear(&p);
	}
	sw_verdict_clear(&v);
	sw_verdict_clear(&w);
}

static void sweep_with_a_condition(void **state)
{
	const struct sw_rule *r = rule(base, "bay-width");
	const double lim[] = {3.0, 3.5};
	enum sw_outcome o[2];
	struct sw_sweep_point sp;
	struct sw_verdict v;
	struct sw_point p;

	(void)state;
	assert_int_equal(sw_verdict_init(&v, base, NULL), SW_OK);
	sw_point_init(&p);
	p.type = strdup("disabled_parking");
	set_num(&p, "width_m", 3.2);
	/* no orientation: the condition cannot be decided */
	assert_int_equal(sw_norm_sweep_point(base, r, &p, NULL, NULL, lim, 2, &v, &sp, o, NULL),
	                 SW_OK);
	assert_int_equal(sp.state, SW_SWEEP_MISSING);
	assert_int_equal(o[1], SW_OUT_INCOMPLETE);
	set_text(&p, "orientation", "perpendicular");
	assert_int_equal(sw_norm_sweep_point(base, r, &p, NULL, NULL, lim, 2, &v, &sp, o, NULL),
	                 SW_OK);
	assert_int_equal(sp.state, SW_SWEEP_NA);
	assert_int_equal(o[1], SW_OUT_PASS);
	set_text(&p, "orientation", "parallel");
	assert_int_equal(sw_norm_sweep_point(base, r, &p, NULL, NULL, lim, 2, &v, &sp, o, NULL),
	                 SW_OK);
	assert_int_equal(sp.state, SW_SWEEP_MEASURED);
	assert_int_equal(o[0], SW_OUT_PASS);
	assert_int_equal(o[1], SW_OUT_FAIL);
	/* a point of another type: not applicable */
	free(p.type);
	p.type = strdup("kerb_ramp");
	assert_int_equal(sw_norm_sweep_point(base, r, &p, NULL, NULL, lim, 2, &v, &sp, o, NULL),
	                 SW_OK);
	assert_int_equal(sp.state, SW_SWEEP_NA);
	sw_point_clear(&p);
	sw_verdict_clear(&v);
}

/* A fake neighbour lookup: the neighbours lie at the distances in ud. */
struct fake_near {
	const double *d;
	size_t n;
	int calls;
};

static enum sw_status fake_near(void *ud, const struct sw_point *p, const char *type, double radius,
                                size_t *found, double *nearest, struct sw_error *err)
{
	struct fake_near *f = ud;

	(void)p;
	(void)type;
	(void)err;
	f->calls++;
	*found = 0;
	*nearest = NAN;
	for (size_t i = 0; i < f->n; i++) {
		if (f->d[i] <= radius)
			(*found)++;
		if (f->d[i] <= 2 * radius && (isnan(*nearest) || f->d[i] < *nearest))
			*nearest = f->d[i];
	}
	return SW_OK;
}

static void sweep_within_one_and_two_neighbours(void **state)
{
	const double lim[] = {4, 5, 5.01, 8, 10};
	const double d1[] = {5.0}, d2[] = {3, 8};
	enum sw_outcome o[5];
	struct sw_sweep_point sp;
	struct sw_verdict v;
	struct sw_point p;
	struct fake_near f = {d1, 1, 0};

	(void)state;
	assert_int_equal(sw_verdict_init(&v, base, NULL), SW_OK);
	sw_point_init(&p);
	p.type = strdup("disabled_parking");
	p.x = 105000;
	p.y = 426000;
	set_text(&p, "orientation", "perpendicular");
	assert_int_equal(sw_norm_sweep_point(base, rule(base, "bay-ramp"), &p, fake_near, &f, lim,
	                                     5, &v, &sp, o, NULL),
	                 SW_OK);
	/* one neighbour needed: one lookup, at the largest radius */
	assert_int_equal(f.calls, 1);
	assert_true(fabs(sp.measured - 5) < 1e-12);
	assert_int_equal(o[0], SW_OUT_FAIL);
	assert_int_equal(o[1], SW_OUT_PASS); /* exactly at the distance passes */
	assert_int_equal(o[4], SW_OUT_PASS);
	/* two needed: a crossing with kerb ramps at 3 and 8 m */
	free(p.type);
	p.type = strdup("crossing");
	f = (struct fake_near){d2, 2, 0};
	assert_int_equal(sw_norm_sweep_point(base, rule(base, "cr-ramps"), &p, fake_near, &f, lim,
	                                     5, &v, &sp, o, NULL),
	                 SW_OK);
	assert_int_equal(o[0], SW_OUT_FAIL);
	assert_int_equal(o[2], SW_OUT_FAIL);
	assert_int_equal(o[3], SW_OUT_PASS);
	assert_int_equal(o[4], SW_OUT_PASS);
	/* no lookup (no store): incomplete */
	assert_int_equal(sw_norm_sweep_point(base, rule(base, "cr-ramps"), &p, NULL, NULL, lim, 5,
	                                     &v, &sp, o, NULL),
	                 SW_OK);
	assert_int_equal(sp.state, SW_SWEEP_MISSING);
	sw_point_clear(&p);
	sw_verdict_clear(&v);
}

static void only_numbers_and_distances_sweep(void **state)
{
	char buf[128];

	(void)state;
	assert_false(sw_rule_sweepable(rule(base, "tactile")));
	assert_true(sw_rule_sweepable(rule(base, "bay-ramp")));
	sw_rule_limit_text_at(rule(base, "slope"), 6.5, NULL, buf, sizeof buf);
	assert_string_equal(buf, "<= 6.5 %");
	sw_rule_limit_text_at(rule(base, "slope"), 100.0 / 12, sw_unit_find("ratio"), buf,
	                      sizeof buf);
	assert_string_equal(buf, "<= 1:12");
}

static void experts_judgement(void **state)
{
	struct sw_point p;

	(void)state;
	sw_point_init(&p);
	assert_int_equal(sw_calib_judged(&p), SW_JUDGED_NONE);
	set_text(&p, SW_CALIB_EXPERIENCED, "impassable");
	assert_int_equal(sw_calib_judged(&p), SW_JUDGED_HARD);
	set_text(&p, SW_CALIB_EXPERIENCED, "hard");
	assert_int_equal(sw_calib_judged(&p), SW_JUDGED_HARD);
	set_text(&p, SW_CALIB_EXPERIENCED, "doable");
	assert_int_equal(sw_calib_judged(&p), SW_JUDGED_NONE);
	set_text(&p, SW_CALIB_EXPERIENCED, "easy");
	assert_int_equal(sw_calib_judged(&p), SW_JUDGED_EASY);
	sw_point_clear(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rule_diff_names_each_difference),
	    cmocka_unit_test(profile_diff_lists_only_a_differing_only_b),
	    cmocka_unit_test(sweep_at_under_and_over_each_limit),
	    cmocka_unit_test(sweep_keeps_the_other_rules),
	    cmocka_unit_test(sweep_at_the_profile_limit_is_the_check),
	    cmocka_unit_test(sweep_with_a_condition),
	    cmocka_unit_test(sweep_within_one_and_two_neighbours),
	    cmocka_unit_test(only_numbers_and_distances_sweep),
	    cmocka_unit_test(experts_judgement),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
