/* test_merge.c - sw_merge and the store_sync primitives on two real stores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "schouw/merge.h"
#include "schouw/store.h"
#include "schouw/store_sync.h"
#include "test_support.h"

struct fx {
	char dir[256];
	struct sw_forms *forms;
	struct sw_store *a, *b;
	struct sw_error err;
};

static struct sw_store *make(struct fx *f, const char *name)
{
	char path[512];
	struct sw_store *s = NULL;

	snprintf(path, sizeof path, "%s/%s", f->dir, name);
	assert_int_equal(sw_store_create(path, &f->err), SW_OK);
	assert_int_equal(sw_store_open(path, SW_STORE_WRITE, &s, &f->err), SW_OK);
	assert_int_equal(sw_store_sync_fields(s, f->forms, &f->err), SW_OK);
	return s;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (f == NULL || sw_test_setup_dir_and_forms(f->dir, sizeof f->dir, "test_merge",
	                                             &f->forms) != 0)
		return -1;
	f->a = make(f, "a.gpkg");
	f->b = make(f, "b.gpkg");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sw_store_close(f->a);
	sw_store_close(f->b);
	sw_test_teardown_dir_and_forms(f->dir, f->forms);
	free(f);
	return 0;
}

static void add(struct fx *f, struct sw_store *s, double x, const char *note, char *uuid)
{
	struct sw_point p;

	sw_point_init(&p);
	assert_int_equal(sw_point_set_str(&p.type, "kerb_ramp", &f->err), SW_OK);
	assert_int_equal(sw_point_set_str(&p.note, note, &f->err), SW_OK);
	p.x = x;
	p.y = 425327;
	assert_int_equal(sw_store_insert(s, &p, "t", &f->err), SW_OK);
	memcpy(uuid, p.uuid, SW_UUID_LEN + 1);
	sw_point_clear(&p);
}

static void set_note(struct fx *f, struct sw_store *s, const char *uuid, const char *note)
{
	struct sw_point p;

	sw_point_init(&p);
	assert_int_equal(sw_store_get_by_uuid(s, uuid, &p, &f->err), SW_OK);
	assert_int_equal(sw_point_set_str(&p.note, note, &f->err), SW_OK);
	assert_int_equal(sw_store_update(s, &p, "t", NULL, &f->err), SW_OK);
	sw_point_clear(&p);
}

static char *note_of(struct fx *f, struct sw_store *s, const char *uuid)
{
	struct sw_point p;
	char *n;

	sw_point_init(&p);
	assert_int_equal(sw_store_get_by_uuid(s, uuid, &p, &f->err), SW_OK);
	n = p.note ? strdup(p.note) : NULL;
	sw_point_clear(&p);
	return n;
}

static void prefer_parses_three_words(void **state)
{
	enum sw_merge_prefer p;

	(void)state;
	assert_true(sw_merge_prefer_parse("newer", &p) && p == SW_PREFER_NEWER);
	assert_true(sw_merge_prefer_parse("ours", &p) && p == SW_PREFER_OURS);
	assert_true(sw_merge_prefer_parse("theirs", &p) && p == SW_PREFER_THEIRS);
	assert_false(sw_merge_prefer_parse("mine", &p));
}

static void vector_names_the_store_and_what_it_saw(void **state)
{
	struct fx *f = *state;
	struct sw_sync_vector va = {0}, vb = {0};
	struct sw_merge_opts o = {0};
	struct sw_merge_stats st;
	char u[SW_UUID_LEN + 1];
	char *ida = NULL;

	add(f, f->a, 104890, "a", u);
	add(f, f->a, 104891, "b", u);
	assert_int_equal(sw_store_sync_id(f->a, &ida, &f->err), SW_OK);
	assert_int_equal(sw_store_sync_vector(f->a, &va, &f->err), SW_OK);
	assert_int_equal(va.n, 1);
	assert_string_equal(va.v[0].origin, ida);
	assert_int_equal(va.v[0].seq, 2);
	assert_int_equal(sw_merge(f->b, f->a, &o, &st, &f->err), SW_OK);
	assert_int_equal(st.inserted, 2);
	assert_int_equal(st.rows, 2);
	assert_int_equal(sw_store_sync_vector(f->b, &vb, &f->err), SW_OK);
	assert_int_equal(sw_sync_vector_get(&vb, ida), 2);
	/* B's own entry counts only its own rows: none */
	assert_int_equal(vb.v[0].seq, 0);
	sw_sync_vector_free(&va);
	sw_sync_vector_free(&vb);
	free(ida);
}

static void one_sided_changes_and_conflicts(void **state)
{
	struct fx *f = *state;
	struct sw_merge_opts o = {.prefer = SW_PREFER_OURS};
	struct sw_merge_stats st;
	char u1[SW_UUID_LEN + 1], u2[SW_UUID_LEN + 1];
	char *n;

	add(f, f->a, 104890, "start", u1);
	add(f, f->a, 104891, "start", u2);
	assert_int_equal(sw_merge(f->b, f->a, &o, &st, &f->err), SW_OK);
	set_note(f, f->a, u1, "from a");
	set_note(f, f->a, u2, "a says");
	set_note(f, f->b, u2, "b says");
	assert_int_equal(sw_merge(f->b, f->a, &o, &st, &f->err), SW_OK);
	assert_int_equal(st.conflicts, 1);
	assert_int_equal(st.updated, 1);
	n = note_of(f, f->b, u1);
	assert_string_equal(n, "from a");
	free(n);
	n = note_of(f, f->b, u2);
	assert_string_equal(n, "b says"); /* --prefer ours */
	free(n);
	/* back into A: the same values, no new conflict */
	o.prefer = SW_PREFER_NEWER;
	assert_int_equal(sw_merge(f->a, f->b, &o, &st, &f->err), SW_OK);
	assert_int_equal(st.conflicts, 0);
	n = note_of(f, f->a, u2);
	assert_string_equal(n, "b says");
	free(n);
	/* and again: nothing */
	assert_int_equal(sw_merge(f->a, f->b, &o, &st, &f->err), SW_OK);
	assert_int_equal(st.rows + st.updated + st.inserted + st.deleted + st.conflicts, 0);
}

static void dry_run_and_same_store_change_nothing(void **state)
{
	struct fx *f = *state;
	struct sw_merge_opts o = {.dry_run = true};
	struct sw_merge_stats st;
	char u[SW_UUID_LEN + 1];
	long long n = -1;

	add(f, f->a, 104890, "x", u);
	assert_int_equal(sw_merge(f->b, f->a, &o, &st, &f->err), SW_OK);
	assert_int_equal(st.inserted, 1);
	assert_int_equal(sw_store_count(f->b, NULL, &n, &f->err), SW_OK);
	assert_int_equal(n, 0);
	o.dry_run = false;
	assert_int_equal(sw_merge(f->a, f->a, &o, &st, &f->err), SW_ERR_INPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(prefer_parses_three_words),
	    cmocka_unit_test_setup_teardown(vector_names_the_store_and_what_it_saw, setup, teardown),
	    cmocka_unit_test_setup_teardown(one_sided_changes_and_conflicts, setup, teardown),
	    cmocka_unit_test_setup_teardown(dry_run_and_same_store_change_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
