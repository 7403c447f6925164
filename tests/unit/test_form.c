/* test_form.c - survey forms from INI, field parsing and point validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "comma_locale.h"
#include "schouw/form.h"
#include "schouw/utf8.h"

static const char *data_dir(void)
{
	const char *d = getenv("SCHOUW_DATA");

	return d != NULL ? d : SW_SOURCE_DATADIR;
}

static int load_shipped(void **state)
{
	struct sw_forms *forms = NULL;
	struct sw_error err = {0};

	if (sw_forms_load(data_dir(), &forms, &err) != SW_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = forms;
	return 0;
}

static int free_shipped(void **state)
{
	sw_forms_free(*state);
	return 0;
}

static const struct sw_field *field_of(void **state, const char *type, const char *name)
{
	const struct sw_form *f = sw_forms_find(*state, type);

	assert_non_null(f);
	assert_non_null(sw_form_field(f, name));
	return sw_form_field(f, name);
}

/* ---- the shipped forms ---- */

static void shipped_forms_load_sorted(void **state)
{
	const struct sw_forms *forms = *state;
	const char *want[] = {"cable_cover", "crossing", "disabled_parking", "kerb_ramp",
	                      "playground"};
	size_t i;

	assert_int_equal(forms->nforms, 5);
	for (i = 0; i < 5; i++) {
		assert_string_equal(forms->forms[i].type, want[i]);
		assert_non_null(forms->forms[i].label_nl);
		assert_non_null(forms->forms[i].label_en);
		assert_true(forms->forms[i].nfields > 0);
	}
	assert_string_equal(sw_forms_find(forms, "kerb_ramp")->label_nl, "Op-/afrit");
}

static void shipped_fields_have_labels_and_optional(void **state)
{
	const struct sw_forms *forms = *state;
	size_t i, j;

	for (i = 0; i < forms->nforms; i++) {
		for (j = 0; j < forms->forms[i].nfields; j++) {
			const struct sw_field *f = &forms->forms[i].fields[j];

			/* written out, not the fallback to the name */
			assert_string_not_equal(f->label_nl, f->name);
			assert_string_not_equal(f->label_en, f->name);
			assert_false(f->required);
			if (f->kind == SW_KIND_NUMBER || f->kind == SW_KIND_INTEGER)
				assert_true(f->has_min && f->has_max && f->min < f->max);
		}
	}
}

static void kerb_ramp_fields_in_file_order(void **state)
{
	const struct sw_form *f = sw_forms_find(*state, "kerb_ramp");
	const char *want[] = {"running_slope_pct", "cross_slope_pct", "width_m", "kerb_upstand_mm",
	                      "tactile_warning",   "turning_space_m", "surface",
	                      "experience",        "exp_note"};
	size_t i;

	assert_int_equal(f->nfields, 9);
	for (i = 0; i < 9; i++)
		assert_string_equal(f->fields[i].name, want[i]);
	assert_int_equal(f->fields[0].kind, SW_KIND_NUMBER);
	assert_string_equal(f->fields[0].unit, "%");
	assert_int_equal(f->fields[4].kind, SW_KIND_BOOL);
	assert_int_equal(f->fields[6].kind, SW_KIND_ENUM);
	assert_int_equal(f->fields[6].nvalues, 7);
	assert_string_equal(f->fields[6].values[6], "other");
}

static void statuses_in_workflow_order_with_distinct_colours(void **state)
{
	const struct sw_forms *forms = *state;
	const char *want[] = {"planned", "in_progress", "realised", "inspected_ok", "rejected"};
	size_t i, j;

	assert_int_equal(forms->nstates, 5);
	for (i = 0; i < 5; i++) {
		assert_string_equal(forms->states[i].name, want[i]);
		assert_int_equal(strlen(forms->states[i].color), 7);
		for (j = 0; j < i; j++)
			assert_string_not_equal(forms->states[i].color, forms->states[j].color);
	}
	assert_string_equal(sw_forms_state(forms, "planned")->label_nl, "Gepland");
	assert_null(sw_forms_state(forms, "done"));
}

static void all_fields_are_distinct(void **state)
{
	const struct sw_forms *forms = *state;
	const struct sw_field **all = NULL;
	struct sw_error err = {0};
	size_t n = 0, total = 0, i, j;

	assert_int_equal(sw_forms_all_fields(forms, &all, &n, &err), SW_OK);
	for (i = 0; i < forms->nforms; i++)
		total += forms->forms[i].nfields;
	/* width_m x3, kerb_upstand_mm x2, tactile_warning x2, surface x2,
	 * experience x5, exp_note x5 */
	assert_int_equal(n, total - 13);
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			assert_string_not_equal(all[i]->name, all[j]->name);
	free(all);
}

static void unknown_type_lists_valid_types(void **state)
{
	struct sw_error err = {0};

	assert_null(sw_forms_find_or_error(*state, "kerbramp", &err));
	assert_int_equal(err.code, SW_ERR_INPUT);
	assert_string_equal(err.msg, "unknown type 'kerbramp'; valid types: cable_cover, crossing, "
	                             "disabled_parking, kerb_ramp, playground");
}

static void unknown_field_lists_valid_fields(void **state)
{
	struct sw_error err = {0};
	const struct sw_form *f = sw_forms_find(*state, "crossing");

	assert_null(sw_form_field_or_error(f, "slope", &err));
	assert_non_null(strstr(err.msg, "'slope'"));
	assert_non_null(strstr(err.msg, "kerb_upstand_mm, tactile_warning, width_m"));
}

static void unknown_status_lists_valid_statuses(void **state)
{
	struct sw_error err = {0};

	assert_int_equal(sw_forms_check_state(*state, "done", &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "'done'"));
	assert_non_null(strstr(err.msg, "planned, in_progress, realised, inspected_ok, rejected"));
	assert_int_equal(sw_forms_check_state(*state, "realised", &err), SW_OK);
}

/* ---- sw_field_parse ---- */

static void parse_number_accepts_point_and_comma(void **state)
{
	const struct sw_field *f = field_of(state, "kerb_ramp", "running_slope_pct");
	struct sw_value v = {0};
	struct sw_error err = {0};

	assert_int_equal(sw_field_parse(f, "8.5", &v, &err), SW_OK);
	assert_int_equal(v.t, SW_V_REAL);
	assert_true(v.r == 8.5);
	assert_int_equal(sw_field_parse(f, " 8,5 ", &v, &err), SW_OK);
	assert_true(v.r == 8.5);
	assert_int_equal(sw_field_parse(f, "12", &v, &err), SW_OK);
	assert_true(v.r == 12.0);
	sw_value_clear(&v);
}

/* The CLI sets the user's locale for gettext: parsing must not follow it. */
static void parse_number_ignores_comma_locale(void **state)
{
	const struct sw_field *f = field_of(state, "kerb_ramp", "running_slope_pct");
	struct sw_value v = {0};
	struct sw_error err = {0};

	if (!comma_locale_on()) {
		comma_locale_off();
		skip();
	}
	assert_int_equal(sw_field_parse(f, "8.5", &v, &err), SW_OK);
	assert_true(v.r == 8.5);
	assert_int_equal(sw_field_parse(f, "8,5", &v, &err), SW_OK);
	assert_true(v.r == 8.5);
	assert_int_equal(sw_field_parse(f, "50,5", &v, &err), SW_ERR_INPUT);
	assert_string_equal(err.msg, "running_slope_pct: 50.5 is above the maximum 50 (%)");
	comma_locale_off();
}

static void parse_number_rejects_nan_inf_hex_and_junk(void **state)
{
	const struct sw_field *f = field_of(state, "kerb_ramp", "running_slope_pct");
	const char *bad[] = {"nan",     "inf", "-inf", "0x10", "8.5kg", "8,5,0",
	                     "1.234,5", "abc", "1e",   ".",    "- 5",  "1e999"};
	struct sw_value v = {0};
	struct sw_error err = {0};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(sw_field_parse(f, bad[i], &v, &err), SW_ERR_INPUT);
		assert_non_null(strstr(err.msg, "running_slope_pct"));
		assert_int_equal(v.t, SW_V_NULL);
	}
}

static void parse_number_above_max_names_field_and_unit(void **state)
{
	const struct sw_field *f = field_of(state, "kerb_ramp", "running_slope_pct");
	struct sw_value v = {0};
	struct sw_error err = {0};

	assert_int_equal(sw_field_parse(f, "120", &v, &err), SW_ERR_INPUT);
	assert_string_equal(err.msg, "running_slope_pct: 120 is above the maximum 50 (%)");
	assert_int_equal(sw_field_parse(f, "-0,5", &v, &err), SW_ERR_INPUT);
	assert_string_equal(err.msg, "running_slope_pct: -0.5 is below the minimum 0 (%)");
}

static void parse_integer_rejects_fractions(void **state)
{
	const struct sw_field *f = field_of(state, "playground", "accessible_items");
	struct sw_value v = {0};
	struct sw_error err = {0};

	assert_int_equal(f->kind, SW_KIND_INTEGER);
	assert_int_equal(sw_field_parse(f, "3", &v, &err), SW_OK);
	assert_int_equal(v.t, SW_V_INT);
	assert_int_equal(v.i, 3);
	assert_int_equal(sw_field_parse(f, "3.5", &v, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "accessible_items"));
	assert_int_equal(sw_field_parse(f, "2,25", &v, &err), SW_ERR_INPUT);
	assert_int_equal(sw_field_parse(f, "1e2", &v, &err), SW_ERR_INPUT);
}

static void parse_bool_accepts_dutch_and_english(void **state)
{
	const struct sw_field *f = field_of(state, "kerb_ramp", "tactile_warning");
	const char *yes[] = {"true", "Yes", "JA", "1"};
	const char *no[] = {"false", "no", "Nee", "0"};
	struct sw_value v = {0};
	struct sw_error err = {0};
	size_t i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(sw_field_parse(f, yes[i], &v, &err), SW_OK);
		assert_int_equal(v.t, SW_V_INT);
		assert_int_equal(v.i, 1);
		assert_int_equal(sw_field_parse(f, no[i], &v, &err), SW_OK);
		assert_int_equal(v.i, 0);
	}
	assert_int_equal(sw_field_parse(f, "misschien", &v, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "tactile_warning"));
}

static void parse_enum_lists_allowed_values(void **state)
{
	const struct sw_field *f = field_of(state, "disabled_parking", "orientation");
	struct sw_value v = {0};
	struct sw_error err = {0};

	assert_int_equal(sw_field_parse(f, "Parallel", &v, &err), SW_OK);
	assert_int_equal(v.t, SW_V_TEXT);
	assert_string_equal(v.s, "parallel");
	assert_int_equal(sw_field_parse(f, "diagonal", &v, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "'diagonal'"));
	assert_non_null(strstr(err.msg, "parallel, perpendicular"));
	assert_int_equal(v.t, SW_V_NULL);
}

static void parse_enum_values_are_per_form(void **state)
{
	const struct sw_field *kr = field_of(state, "kerb_ramp", "surface");
	const struct sw_field *pg = field_of(state, "playground", "surface");
	struct sw_value v = {0};
	struct sw_error err = {0};

	assert_int_equal(sw_field_parse(pg, "wood_chips", &v, &err), SW_OK);
	sw_value_clear(&v);
	assert_int_equal(sw_field_parse(kr, "wood_chips", &v, &err), SW_ERR_INPUT);
}

static void parse_empty_gives_null(void **state)
{
	const struct sw_field *f = field_of(state, "kerb_ramp", "width_m");
	struct sw_value v = {.t = SW_V_REAL, .r = 1};
	struct sw_error err = {0};

	assert_int_equal(sw_field_parse(f, "", &v, &err), SW_OK);
	assert_int_equal(v.t, SW_V_NULL);
	assert_int_equal(sw_field_parse(f, "  ", &v, &err), SW_OK);
	assert_int_equal(v.t, SW_V_NULL);
	assert_int_equal(sw_field_parse(f, NULL, &v, &err), SW_OK);
	assert_int_equal(v.t, SW_V_NULL);
}

static void parse_text_checks_utf8_and_length(void **state)
{
	struct sw_field f = {.name = "remark", .kind = SW_KIND_TEXT};
	struct sw_value v = {0};
	struct sw_error err = {0};
	char *big = malloc(4002);

	(void)state;
	assert_int_equal(sw_field_parse(&f, "stoep \xC3\xA9\xC3\xA9n", &v, &err), SW_OK);
	assert_int_equal(v.t, SW_V_TEXT);
	assert_string_equal(v.s, "stoep \xC3\xA9\xC3\xA9n");
	sw_value_clear(&v);
	assert_int_equal(sw_field_parse(&f, "caf\xE9", &v, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "UTF-8"));
	memset(big, 'a', 4000);
	big[4000] = '\0';
	assert_int_equal(sw_field_parse(&f, big, &v, &err), SW_OK);
	sw_value_clear(&v);
	big[4000] = 'a';
	big[4001] = '\0';
	assert_int_equal(sw_field_parse(&f, big, &v, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "4000"));
	free(big);
}

static void utf8_valid_is_strict(void **state)
{
	(void)state;
	assert_true(sw_utf8_valid("", 0));
	assert_true(sw_utf8_valid("abc", 3));
	assert_true(sw_utf8_valid("\xC3\xA9", 2));          /* U+00E9 */
	assert_true(sw_utf8_valid("\xE2\x82\xAC", 3));      /* U+20AC */
	assert_true(sw_utf8_valid("\xF0\x9F\x9A\xB6", 4));  /* U+1F6B6 */
	assert_true(sw_utf8_valid("\xF4\x8F\xBF\xBF", 4));  /* U+10FFFF */
	assert_false(sw_utf8_valid("\xC0\xAF", 2));         /* overlong / */
	assert_false(sw_utf8_valid("\xC1\xBF", 2));         /* overlong */
	assert_false(sw_utf8_valid("\xE0\x80\xAF", 3));     /* overlong */
	assert_false(sw_utf8_valid("\xF0\x80\x80\xAF", 4)); /* overlong */
	assert_false(sw_utf8_valid("\xED\xA0\x80", 3));     /* surrogate D800 */
	assert_false(sw_utf8_valid("\xED\xBF\xBF", 3));     /* surrogate DFFF */
	assert_false(sw_utf8_valid("\xF4\x90\x80\x80", 4)); /* U+110000 */
	assert_false(sw_utf8_valid("\xF5\x80\x80\x80", 4));
	assert_false(sw_utf8_valid("\x80", 1)); /* lone continuation */
	assert_false(sw_utf8_valid("\xC3", 1)); /* truncated */
	assert_false(sw_utf8_valid("\xE2\x82", 2));
	assert_false(sw_utf8_valid("\xE2\x28\xA1", 3)); /* bad continuation */
	assert_false(sw_utf8_valid("\xFF", 1));
}

static void field_check_rejects_wrong_kind(void **state)
{
	const struct sw_field *n = field_of(state, "kerb_ramp", "width_m");
	const struct sw_field *b = field_of(state, "kerb_ramp", "tactile_warning");
	struct sw_value text = {.t = SW_V_TEXT, .s = "1.2"};
	struct sw_value two = {.t = SW_V_INT, .i = 2};
	struct sw_value inf = {.t = SW_V_REAL, .r = INFINITY};
	struct sw_error err = {0};

	assert_int_equal(sw_field_check(n, &text, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "width_m"));
	assert_int_equal(sw_field_check(b, &two, &err), SW_ERR_INPUT);
	assert_int_equal(sw_field_check(n, &inf, &err), SW_ERR_INPUT);
}

/* ---- sw_form_validate ---- */

static void make_point(struct sw_point *p, const char *type, const char *status)
{
	sw_point_init(p);
	assert_int_equal(sw_point_set_str(&p->type, type, NULL), SW_OK);
	assert_int_equal(sw_point_set_str(&p->status, status, NULL), SW_OK);
	p->x = 104897;
	p->y = 425327;
}

static void validate_accepts_good_point(void **state)
{
	struct sw_point p;
	struct sw_value v = {.t = SW_V_REAL, .r = 8.5};
	struct sw_error err = {0};

	make_point(&p, "kerb_ramp", "planned");
	assert_int_equal(sw_point_set_attr(&p, "running_slope_pct", &v, &err), SW_OK);
	assert_int_equal(sw_form_validate(*state, &p, &err), SW_OK);
	sw_point_clear(&p);
}

static void validate_rejects_unknown_type_status_and_field(void **state)
{
	struct sw_point p;
	struct sw_value v = {.t = SW_V_INT, .i = 1};
	struct sw_error err = {0};

	make_point(&p, "kerbramp", "planned");
	assert_int_equal(sw_form_validate(*state, &p, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "valid types"));
	sw_point_clear(&p);

	make_point(&p, "kerb_ramp", "finished");
	assert_int_equal(sw_form_validate(*state, &p, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "valid statuses"));
	sw_point_clear(&p);

	make_point(&p, "crossing", "planned");
	assert_int_equal(sw_point_set_attr(&p, "e6_sign", &v, &err), SW_OK);
	assert_int_equal(sw_form_validate(*state, &p, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "e6_sign"));
	sw_point_clear(&p);
}

static void validate_rejects_out_of_range_attr(void **state)
{
	struct sw_point p;
	struct sw_value v = {.t = SW_V_REAL, .r = 120};
	struct sw_error err = {0};

	make_point(&p, "kerb_ramp", "planned");
	assert_int_equal(sw_point_set_attr(&p, "running_slope_pct", &v, &err), SW_OK);
	assert_int_equal(sw_form_validate(*state, &p, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "maximum 50"));
	sw_point_clear(&p);
}

static void validate_names_missing_required_field(void **state)
{
	struct sw_forms *forms = *state;
	struct sw_field *f = (struct sw_field *)field_of(state, "crossing", "width_m");
	struct sw_point p;
	struct sw_error err = {0};

	f->required = true;
	make_point(&p, "crossing", "planned");
	assert_int_equal(sw_form_validate(forms, &p, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "width_m"));
	f->required = false;
	sw_point_clear(&p);
}

static void validate_rejects_non_finite_coordinates(void **state)
{
	struct sw_point p;
	struct sw_error err = {0};

	make_point(&p, "crossing", "planned");
	p.x = NAN;
	assert_int_equal(sw_form_validate(*state, &p, &err), SW_ERR_INPUT);
	p.x = 1;
	p.y = INFINITY;
	assert_int_equal(sw_form_validate(*state, &p, &err), SW_ERR_INPUT);
	sw_point_clear(&p);
}

/* ---- bad INI files: every error names file and line ---- */

static void expect_bad(const char *kase, const char *where, const char *reason)
{
	char dir[1024], want[1100];
	struct sw_forms *forms = (struct sw_forms *)0x1;
	struct sw_error err = {0};

	snprintf(dir, sizeof dir, "%s/forms-bad/%s", SW_TEST_DATA, kase);
	assert_int_equal(sw_forms_load(dir, &forms, &err), SW_ERR_INPUT);
	assert_null(forms);
	snprintf(want, sizeof want, "%s/%s", dir, where);
	if (strstr(err.msg, want) == NULL || strstr(err.msg, reason) == NULL)
		fail_msg("case %s: got \"%s\", wanted \"%s\" and \"%s\"", kase, err.msg, want,
		         reason);
}

#define BAD_CASE(kase, where, reason)                                                              \
	static void bad_##kase(void **state)                                                       \
	{                                                                                          \
		(void)state;                                                                       \
		expect_bad(#kase, where, reason);                                                  \
	}

BAD_CASE(syntax_error, "forms/t.ini:3: ", "syntax error")
BAD_CASE(unknown_section, "forms/t.ini:4: ", "unknown section [fields width_m]")
BAD_CASE(unknown_key, "forms/t.ini:3: ", "unknown key 'colour'")
BAD_CASE(bad_kind, "forms/t.ini:3: ", "unknown kind 'float'")
BAD_CASE(bad_number, "forms/t.ini:4: ", "'5O'")
BAD_CASE(hex_number, "forms/t.ini:3: ", "'0x10'")
BAD_CASE(duplicate_field, "forms/t.ini:7: ", "'width_m' is defined twice (first at line 1)")
BAD_CASE(bad_identifier, "forms/t.ini:4: ", "'Width' is not an identifier")
BAD_CASE(enum_without_values, "forms/t.ini:1: ", "enum without values")
BAD_CASE(reserved_column, "forms/t.ini:3: ", "'status' collides")
BAD_CASE(kind_conflict, "forms/b_form.ini:7: ", "a_form.ini:4")
BAD_CASE(bad_type_name, "forms/Kerb-Ramp.ini: ", "'Kerb-Ramp' is not an identifier")
BAD_CASE(duplicate_key, "forms/t.ini:4: ", "'unit' given twice")
BAD_CASE(missing_kind, "forms/t.ini:4: ", "'height_m' has no kind")
BAD_CASE(empty_section, "forms/t.ini:4: ", "section without keys")
BAD_CASE(min_above_max, "forms/t.ini:1: ", "min 10 above max 2")
BAD_CASE(bad_required, "forms/t.ini:3: ", "'maybe'")
BAD_CASE(bad_enum_value, "forms/t.ini:3: ", "'Concrete Tiles'")
BAD_CASE(bad_utf8, "forms/t.ini:4: ", "'label_en' is not valid UTF-8")
BAD_CASE(status_bad_color, "statuses.ini:7: ", "'red'")
BAD_CASE(status_unknown_key, "statuses.ini:3: ", "unknown key 'colour'")
BAD_CASE(status_unknown_section, "statuses.ini:4: ", "unknown section [state done]")
BAD_CASE(status_bad_staff_only, "statuses.ini:7: ", "'perhaps', expected yes or no")

static void missing_dir_is_not_found(void **state)
{
	struct sw_forms *forms = NULL;
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(sw_forms_load(SW_TEST_DATA "/no-such-dir", &forms, &err), SW_ERR_NOTFOUND);
	assert_null(forms);
	assert_non_null(strstr(err.msg, "no-such-dir"));
}

/* Lines longer than inih's 200-byte default are read whole, not cut. */
static void long_help_text_is_kept_whole(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char dir[1024], path[1100];
	struct sw_forms *forms = NULL;
	struct sw_error err = {0};
	FILE *fp;
	int i;

	(void)state;
	snprintf(dir, sizeof dir, "%s/form-long-%ld", tmp != NULL ? tmp : "/tmp", (long)getpid());
	snprintf(path, sizeof path, "%s/forms", dir);
	assert_int_equal(mkdir(dir, 0700) == 0 || access(dir, F_OK) == 0, 1);
	assert_int_equal(mkdir(path, 0700) == 0 || access(path, F_OK) == 0, 1);
	snprintf(path, sizeof path, "%s/forms/t.ini", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("[field width_m]\nkind = number\nhelp = ", fp);
	for (i = 0; i < 1000; i++)
		fputc('a' + i % 26, fp);
	fputs("\nunit = m\n", fp);
	fclose(fp);
	snprintf(path, sizeof path, "%s/statuses.ini", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("[status planned]\ncolor = #56b4e9\n", fp);
	fclose(fp);

	assert_int_equal(sw_forms_load(dir, &forms, &err), SW_OK);
	assert_int_equal(strlen(forms->forms[0].fields[0].help), 1000);
	assert_string_equal(forms->forms[0].fields[0].unit, "m");
	sw_forms_free(forms);
	remove(path);
	snprintf(path, sizeof path, "%s/forms/t.ini", dir);
	remove(path);
	snprintf(path, sizeof path, "%s/forms", dir);
	rmdir(path);
	rmdir(dir);
}

/* Files saved by Windows editors: BOM and CRLF line ends. */
static void bom_and_crlf_files_load(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char dir[1024], path[1100];
	struct sw_forms *forms = NULL;
	struct sw_error err = {0};
	FILE *fp;

	(void)state;
	snprintf(dir, sizeof dir, "%s/form-crlf-%ld", tmp != NULL ? tmp : "/tmp", (long)getpid());
	snprintf(path, sizeof path, "%s/forms", dir);
	assert_true(mkdir(dir, 0700) == 0 || access(dir, F_OK) == 0);
	assert_true(mkdir(path, 0700) == 0 || access(path, F_OK) == 0);
	snprintf(path, sizeof path, "%s/forms/t.ini", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("\xEF\xBB\xBF[form]\r\nlabel_nl = T\r\n\r\n[field width_m]\r\nkind = number\r\n"
	      "unit = m\r\n",
	      fp);
	fclose(fp);
	snprintf(path, sizeof path, "%s/statuses.ini", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("[status planned]\r\ncolor = #56b4e9\r\n", fp);
	fclose(fp);

	assert_int_equal(sw_forms_load(dir, &forms, &err), SW_OK);
	assert_string_equal(forms->forms[0].label_nl, "T");
	/* missing labels fall back: English to Dutch, both to the name */
	assert_string_equal(forms->forms[0].label_en, "T");
	assert_string_equal(forms->forms[0].fields[0].label_nl, "width_m");
	assert_string_equal(forms->states[0].label_en, "planned");
	assert_string_equal(forms->forms[0].fields[0].unit, "m");
	assert_string_equal(forms->states[0].color, "#56b4e9");
	sw_forms_free(forms);
	remove(path);
	snprintf(path, sizeof path, "%s/forms/t.ini", dir);
	remove(path);
	snprintf(path, sizeof path, "%s/forms", dir);
	rmdir(path);
	rmdir(dir);
}

/* ---- labels and units as people write them ---- */

/* The verdicts of an inspection are staff's, by statuses.ini, not by code. */
static void staff_only_statuses_from_the_file(void **state)
{
	const struct sw_forms *forms = *state;

	for (size_t i = 0; i < forms->nstates; i++) {
		const char *n = forms->states[i].name;
		bool verdict = strcmp(n, "inspected_ok") == 0 || strcmp(n, "rejected") == 0;

		assert_int_equal(forms->states[i].staff_only, verdict);
	}
}

static void statuses_by_key_or_label_any_case(void **state)
{
	const struct sw_forms *forms = *state;
	struct sw_error err = {0};
	bool by_label = true;
	const struct sw_state_def *st;

	st = sw_forms_state_find(forms, "realised", &by_label);
	assert_non_null(st);
	assert_false(by_label);
	st = sw_forms_state_find(forms, " gerealiseerd ", &by_label);
	assert_non_null(st);
	assert_string_equal(st->name, "realised");
	assert_true(by_label);
	assert_string_equal(sw_forms_state_find(forms, "Gepland", NULL)->name, "planned");
	assert_string_equal(sw_forms_state_find(forms, "IN UITVOERING", NULL)->name,
	                    "in_progress");
	assert_string_equal(sw_forms_state_find(forms, "Realised", NULL)->name, "realised");
	assert_string_equal(sw_forms_state_find(forms, "PLANNED", &by_label)->name, "planned");
	assert_true(by_label);
	assert_null(sw_forms_read_state(forms, "klaar", NULL, &err));
	assert_non_null(strstr(err.msg, "unknown status 'klaar'"));
	assert_non_null(strstr(err.msg, "realised (Gerealiseerd, Realised)"));
}

static void enum_values_by_label(void **state)
{
	const struct sw_field *f = field_of(state, "kerb_ramp", "surface");
	struct sw_field_note note;
	struct sw_value v = {0};
	struct sw_error err = {0};

	assert_int_equal(sw_field_parse_noted(f, "Betontegels", &v, &note, &err), SW_OK);
	assert_string_equal(v.s, "concrete_tiles");
	assert_true(note.label);
	assert_string_equal(note.from, "Betontegels");
	sw_value_clear(&v);
	assert_int_equal(sw_field_parse_noted(f, "natural stone", &v, &note, &err), SW_OK);
	assert_string_equal(v.s, "natural_stone");
	sw_value_clear(&v);
	assert_int_equal(sw_field_parse_noted(f, "asphalt", &v, &note, &err), SW_OK);
	assert_false(note.label);
	sw_value_clear(&v);
	assert_int_equal(sw_field_parse(f, "grind", &v, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "surface: 'grind' is not allowed"));
}

static void numbers_with_a_unit_of_the_fields_quantity(void **state)
{
	const struct sw_field *slope = field_of(state, "kerb_ramp", "running_slope_pct");
	const struct sw_field *width = field_of(state, "kerb_ramp", "width_m");
	const struct sw_field *upstand = field_of(state, "kerb_ramp", "kerb_upstand_mm");
	static const struct {
		int which;
		const char *in;
		double want;
		const char *unit;
	} ok[] = {
	    {0, "8%", 8, "%"},         {0, "8 %", 8, "%"},       {0, "8,5 %", 8.5, "%"},
	    {0, "1:12", 8.333333333, "1:N"}, {0, "1:20", 5, "1:N"}, {0, "80 promille", 8, "promille"},
	    {1, "1,20 m", 1.2, "m"},   {1, "120 cm", 1.2, "cm"}, {1, "1200mm", 1.2, "mm"},
	    {2, "2 cm", 20, "cm"},     {2, "0,3 cm", 3, "cm"},   {2, "0.02 m", 20, "m"},
	};
	const struct sw_field *fs[] = {slope, width, upstand};
	struct sw_field_note note;
	struct sw_value v = {0};
	struct sw_error err = {0};
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (sw_field_parse_noted(fs[ok[i].which], ok[i].in, &v, &note, &err) != SW_OK)
			fail_msg("'%s': %s", ok[i].in, err.msg);
		assert_int_equal(v.t, SW_V_REAL);
		if (v.r != ok[i].want)
			fail_msg("'%s' gave %.17g, expected %.17g", ok[i].in, v.r, ok[i].want);
		assert_true(note.unit);
		assert_string_equal(note.from, ok[i].unit);
	}
	/* a plain number is no conversion */
	assert_int_equal(sw_field_parse_noted(width, "1,2", &v, &note, &err), SW_OK);
	assert_false(note.unit);
	/* units that do not fit are refused, naming those that would */
	assert_int_equal(sw_field_parse(slope, "8 kg", &v, &err), SW_ERR_INPUT);
	assert_string_equal(err.msg, "running_slope_pct: '8 kg': kg is not a unit of a slope; "
	                             "expected a number in %, or with a unit of a slope such "
	                             "as %, \xe2\x80\xb0, 1:12");
	assert_int_equal(sw_field_parse(slope, "8 m", &v, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "m is not a unit of a slope"));
	assert_int_equal(sw_field_parse(width, "1:12", &v, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "1:N is not a unit of a length"));
	assert_int_equal(sw_field_parse(width, "120 %", &v, &err), SW_ERR_INPUT);
	/* the range still applies after the conversion */
	assert_int_equal(sw_field_parse(width, "1200 cm", &v, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "above the maximum 10"));
	assert_int_equal(sw_field_parse(slope, "1:0", &v, &err), SW_ERR_INPUT);
}

static void integer_fields_take_units_and_stay_whole(void **state)
{
	const struct sw_field *f = field_of(state, "playground", "accessible_items");
	struct sw_value v = {0};
	struct sw_error err = {0};

	/* no unit on the field: a unit is refused */
	assert_int_equal(sw_field_parse(f, "3 m", &v, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "without a unit"));
}

int main(void)
{
#define SHIPPED(t) cmocka_unit_test_setup_teardown(t, load_shipped, free_shipped)
	const struct CMUnitTest tests[] = {
	    SHIPPED(shipped_forms_load_sorted),
	    SHIPPED(shipped_fields_have_labels_and_optional),
	    SHIPPED(kerb_ramp_fields_in_file_order),
	    SHIPPED(statuses_in_workflow_order_with_distinct_colours),
	    SHIPPED(all_fields_are_distinct),
	    SHIPPED(unknown_type_lists_valid_types),
	    SHIPPED(unknown_field_lists_valid_fields),
	    SHIPPED(unknown_status_lists_valid_statuses),
	    SHIPPED(parse_number_accepts_point_and_comma),
	    SHIPPED(parse_number_ignores_comma_locale),
	    SHIPPED(parse_number_rejects_nan_inf_hex_and_junk),
	    SHIPPED(parse_number_above_max_names_field_and_unit),
	    SHIPPED(parse_integer_rejects_fractions),
	    SHIPPED(parse_bool_accepts_dutch_and_english),
	    SHIPPED(parse_enum_lists_allowed_values),
	    SHIPPED(parse_enum_values_are_per_form),
	    SHIPPED(parse_empty_gives_null),
	    cmocka_unit_test(parse_text_checks_utf8_and_length),
	    cmocka_unit_test(utf8_valid_is_strict),
	    SHIPPED(field_check_rejects_wrong_kind),
	    SHIPPED(validate_accepts_good_point),
	    SHIPPED(validate_rejects_unknown_type_status_and_field),
	    SHIPPED(validate_rejects_out_of_range_attr),
	    SHIPPED(validate_names_missing_required_field),
	    SHIPPED(validate_rejects_non_finite_coordinates),
	    cmocka_unit_test(bad_syntax_error),
	    cmocka_unit_test(bad_unknown_section),
	    cmocka_unit_test(bad_unknown_key),
	    cmocka_unit_test(bad_bad_kind),
	    cmocka_unit_test(bad_bad_number),
	    cmocka_unit_test(bad_hex_number),
	    cmocka_unit_test(bad_duplicate_field),
	    cmocka_unit_test(bad_bad_identifier),
	    cmocka_unit_test(bad_enum_without_values),
	    cmocka_unit_test(bad_reserved_column),
	    cmocka_unit_test(bad_kind_conflict),
	    cmocka_unit_test(bad_bad_type_name),
	    cmocka_unit_test(bad_duplicate_key),
	    cmocka_unit_test(bad_missing_kind),
	    cmocka_unit_test(bad_empty_section),
	    cmocka_unit_test(bad_min_above_max),
	    cmocka_unit_test(bad_bad_required),
	    cmocka_unit_test(bad_bad_enum_value),
	    cmocka_unit_test(bad_bad_utf8),
	    cmocka_unit_test(bad_status_bad_color),
	    cmocka_unit_test(bad_status_unknown_key),
	    cmocka_unit_test(bad_status_unknown_section),
	    cmocka_unit_test(bad_status_bad_staff_only),
	    cmocka_unit_test(missing_dir_is_not_found),
	    cmocka_unit_test(long_help_text_is_kept_whole),
	    cmocka_unit_test(bom_and_crlf_files_load),
	    SHIPPED(statuses_by_key_or_label_any_case),
	    SHIPPED(staff_only_statuses_from_the_file),
	    SHIPPED(enum_values_by_label),
	    SHIPPED(numbers_with_a_unit_of_the_fields_quantity),
	    SHIPPED(integer_fields_take_units_and_stay_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
