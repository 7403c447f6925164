/* test_guard.c - the store guards itself (schema 4): history triggers for
 * other clients, schouw's own writes recorded once, unreadable rows skipped,
 * doctor. Other clients are played by plain SQL on the store's connection
 * outside a schouw transaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/store/store_priv.h"
#include "schouw/form.h"
#include "schouw/store.h"

struct fx {
	char dir[512];
	char path[600];
	struct sw_forms *forms;
	struct sw_store *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR"), *d = getenv("SCHOUW_DATA");
	struct sw_error err = {0};

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/guard-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/s.gpkg", f->dir);
	if (sw_forms_load(d ? d : SW_SOURCE_DATADIR, &f->forms, &err) != SW_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[700];

	sw_store_close(f->s);
	sw_forms_free(f->forms);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static long long q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -999;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "q_int(%s): %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return v;
}

static void sql_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static long long add(struct fx *f, double x, const char *status)
{
	struct sw_error err = {0};
	struct sw_value w = {.t = SW_V_REAL, .r = 1.4};
	struct sw_point p;
	long long id;

	sw_point_init(&p);
	assert_int_equal(sw_point_set_str(&p.type, "kerb_ramp", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p.status, status, &err), SW_OK);
	assert_int_equal(sw_point_set_attr(&p, "width_m", &w, &err), SW_OK);
	p.x = x;
	p.y = 425327;
	assert_int_equal(sw_store_insert(f->s, &p, "An", &err), SW_OK);
	id = p.id;
	sw_point_clear(&p);
	return id;
}

static void make_store(struct fx *f)
{
	struct sw_error err = {0};

	assert_int_equal(sw_store_create(f->path, &err), SW_OK);
	assert_int_equal(sw_store_open(f->path, SW_STORE_WRITE, &f->s, &err), SW_OK);
	assert_int_equal(sw_store_sync_fields(f->s, f->forms, &err), SW_OK);
}

/* History rows of a point as "action field old new who" lines. */
struct rows {
	char text[8192];
	int n;
};

static enum sw_status rows_cb(const struct sw_history_row *h, void *ud)
{
	struct rows *r = ud;
	size_t len = strlen(r->text);

	snprintf(r->text + len, sizeof r->text - len, "%s %s %s %s %s\n", h->action,
	         h->field ? h->field : "-", h->old_value ? h->old_value : "-",
	         strcmp(h->action, "insert") == 0 ? "rec" : (h->new_value ? h->new_value : "-"),
	         h->who ? h->who : "-");
	r->n++;
	return SW_OK;
}

static void history_of(struct fx *f, long long id, struct rows *r)
{
	struct sw_error err = {0};
	struct sw_point p;
	char ref[32];

	memset(r, 0, sizeof *r);
	sw_point_init(&p);
	snprintf(ref, sizeof ref, "%lld", id);
	assert_int_equal(sw_store_get(f->s, ref, &p, &err), SW_OK);
	assert_int_equal(sw_store_history(f->s, p.uuid, rows_cb, r, &err), SW_OK);
	sw_point_clear(&p);
}

/* ---- tests ---- */

static void schouw_writes_are_recorded_once_with_the_surveyor(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;
	struct rows r;
	long long id;

	make_store(f);
	id = add(f, 104890, "planned");
	sw_point_init(&p);
	assert_int_equal(sw_store_get(f->s, "1", &p, &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p.status, "realised", &err), SW_OK);
	assert_int_equal(sw_store_update(f->s, &p, "Bo", NULL, &err), SW_OK);
	sw_point_clear(&p);
	history_of(f, id, &r);
	assert_string_equal(r.text, "insert - - rec An\nupdate status planned realised Bo\n");
	assert_int_equal(q_int(sw_store_db(f->s), "SELECT count(*) FROM schouw_writer"), 0);
}

static void external_edits_land_in_the_history(void **state)
{
	struct fx *f = *state;
	sqlite3 *db;
	struct rows r;

	make_store(f);
	db = sw_store_db(f->s);
	add(f, 104890, "planned");
	/* a move (the blob of a point 10 m east), a status and a value */
	sql_ok(db, "UPDATE points SET geom = (SELECT geom FROM points WHERE id = 1) WHERE id = 1");
	add(f, 104900, "planned");
	sql_ok(db, "UPDATE points SET geom = (SELECT geom FROM points WHERE id = 2),"
	           " status = 'rejected', width_m = 2.5 WHERE id = 1");
	history_of(f, 1, &r);
	assert_string_equal(r.text, "insert - - rec An\n"
	                            "update x 104890 104900 external edit\n"
	                            "update status planned rejected external edit\n"
	                            "update width_m 1.4 2.5 external edit\n");
	/* the editor a client sets */
	sql_ok(db, "INSERT INTO schouw_meta VALUES ('editor', 'Piet')");
	sql_ok(db, "DELETE FROM points WHERE id = 2");
	assert_int_equal(q_int(db, "SELECT count(*) FROM schouw_history WHERE point_id = 2 AND"
	                           " action = 'delete' AND who = 'Piet (external edit)' AND"
	                           " json_extract(old_value, '$.geom') IS NOT NULL"),
	                 1);
}

static void an_external_insert_is_completed(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;
	sqlite3 *db;
	struct rows r;

	make_store(f);
	db = sw_store_db(f->s);
	add(f, 104890, "planned");
	sql_ok(db, "INSERT INTO points (geom, type, width_m) SELECT geom, 'kerb_ramp', 3 FROM"
	           " points WHERE id = 1");
	sw_point_init(&p);
	assert_int_equal(sw_store_get(f->s, "2", &p, &err), SW_OK);
	assert_true(sw_uuid_valid(p.uuid));
	assert_int_equal(p.uuid[14], '4');
	assert_non_null(strchr("89ab", p.uuid[19]));
	assert_string_equal(p.status, "planned");
	assert_non_null(p.created_at);
	assert_non_null(p.updated_at);
	assert_true(p.x == 104890);
	sw_point_clear(&p);
	history_of(f, 2, &r);
	assert_string_equal(r.text, "insert - - rec external edit\n");
	/* the record has the position and the fields */
	assert_int_equal(q_int(db, "SELECT count(*) FROM schouw_history WHERE point_id = 2 AND"
	                           " json_extract(new_value, '$.fields.width_m') = 3"),
	                 1);
}

static void a_v2_store_is_migrated_to_v4(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	sqlite3 *db;

	assert_int_equal(sw_store_create_version(f->path, 2, &err), SW_OK);
	assert_int_equal(sw_store_open_version(f->path, SW_STORE_WRITE, 2, &f->s, &err), SW_OK);
	assert_int_equal(sw_store_sync_fields(f->s, f->forms, &err), SW_OK);
	add(f, 104890, "planned");
	add(f, 104891, "realised");
	add(f, 104892, "planned");
	assert_int_equal(sw_store_delete(f->s, 3, "An", &err), SW_OK);
	db = sw_store_db(f->s);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_master WHERE name ="
	                           " 'schouw_writer'"),
	                 0);
	sw_store_close(f->s);
	f->s = NULL;
	assert_int_equal(sw_store_open(f->path, SW_STORE_WRITE, &f->s, &err), SW_OK);
	db = sw_store_db(f->s);
	assert_int_equal(q_int(db, "SELECT value FROM schouw_meta WHERE key = 'schema_version'"),
	                 SW_STORE_SCHEMA_VERSION);
	assert_int_equal(q_int(db, "SELECT count(*) FROM points"), 2);
	assert_int_equal(q_int(db, "SELECT seq FROM sqlite_sequence WHERE name = 'points'"), 3);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"),
	                 SW_RTREE_NTRIG + SW_GUARD_NTRIG);
	assert_int_equal(q_int(db, "SELECT \"notnull\" FROM pragma_table_info('points') WHERE"
	                           " name = 'uuid'"),
	                 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM points WHERE width_m = 1.4"), 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM schouw_history"), 4);
	assert_int_equal(q_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE"
	                           " integrity_check != 'ok'"),
	                 0);
	assert_int_equal(add(f, 104893, "planned"), 4); /* ids are never reused */
	assert_int_equal(q_int(db, "SELECT count(*) FROM schouw_history"), 5);
}

static void a_bulk_import_keeps_the_trigger_and_writes_its_history(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	sqlite3 *db;

	make_store(f);
	assert_int_equal(sw_store_bulk_begin(f->s, &err), SW_OK);
	for (int i = 0; i < 100; i++)
		add(f, 104800 + i, "planned");
	assert_int_equal(sw_store_bulk_end(f->s, &err), SW_OK);
	db = sw_store_db(f->s);
	assert_int_equal(q_int(db, "SELECT count(*) FROM schouw_history WHERE who = 'An'"), 100);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_master WHERE name ="
	                           " 'schouw_history_insert'"),
	                 1);
}

static void skip_counter(long long id, const char *uuid, const char *what, void *ud)
{
	(void)uuid;
	(void)what;
	*(long long *)ud = id;
}

static enum sw_status count_cb(const struct sw_point *p, void *ud)
{
	(void)p;
	(*(int *)ud)++;
	return SW_OK;
}

static void an_unreadable_row_is_skipped_and_named(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	long long skipped = 0, n = 0;
	struct sw_point p;
	int seen = 0;

	make_store(f);
	add(f, 104890, "planned");
	add(f, 104891, "planned");
	add(f, 104892, "planned");
	sql_ok(sw_store_db(f->s), "DROP TRIGGER rtree_points_geom_update6;"
	                          " DROP TRIGGER rtree_points_geom_update2;"
	                          " DROP TRIGGER rtree_points_geom_update7;"
	                          " DROP TRIGGER rtree_points_geom_update5;"
	                          " DROP TRIGGER rtree_points_geom_update4;"
	                          " UPDATE points SET geom = x'0102' WHERE id = 2");
	/* without a hook the query fails, naming the point and the advice */
	assert_int_equal(sw_store_query(f->s, NULL, count_cb, &seen, &err), SW_ERR_STORE);
	assert_non_null(strstr(err.msg, "point 2"));
	assert_non_null(strstr(err.msg, "schouw doctor"));
	seen = 0;
	sw_store_on_skip(f->s, skip_counter, &skipped);
	assert_int_equal(sw_store_query(f->s, NULL, count_cb, &seen, &err), SW_OK);
	assert_int_equal(seen, 2);
	assert_int_equal(skipped, 2);
	assert_int_equal(sw_store_skipped(f->s), 1);
	assert_int_equal(sw_store_count(f->s, NULL, &n, &err), SW_OK);
	/* a write to it is refused with the advice */
	sw_point_init(&p);
	assert_int_equal(sw_store_get(f->s, "2", &p, &err), SW_ERR_STORE);
	assert_non_null(strstr(err.msg, "schouw doctor"));
	assert_int_equal(sw_store_delete(f->s, 2, "An", &err), SW_ERR_STORE);
	sw_point_clear(&p);
}

static enum sw_status finding_cb(const struct sw_store_finding *fd, void *ud)
{
	char *t = ud;

	snprintf(t + strlen(t), 4096 - strlen(t), "%s %lld %d\n", fd->check, fd->point_id,
	         fd->repairable);
	return SW_OK;
}

static void doctor_adds_a_missing_insert_row(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	char text[4096] = "", backup[700];
	size_t n = 0;
	sqlite3 *db;
	struct rows r;

	make_store(f);
	add(f, 104890, "planned");
	add(f, 104891, "planned");
	db = sw_store_db(f->s);
	sql_ok(db, "DELETE FROM schouw_history WHERE point_id = 2");
	assert_int_equal(sw_store_doctor(f->s, f->forms, false, NULL, finding_cb, text, &n, &err),
	                 SW_OK);
	assert_string_equal(text, "history 2 1\n");
	snprintf(backup, sizeof backup, "%s.bak", f->path);
	assert_int_equal(sw_store_doctor(f->s, f->forms, true, backup, NULL, NULL, &n, &err), SW_OK);
	assert_int_equal(access(backup, F_OK), 0);
	assert_int_equal(sw_store_doctor(f->s, f->forms, false, NULL, NULL, NULL, &n, &err), SW_OK);
	assert_int_equal(n, 0);
	history_of(f, 2, &r);
	assert_string_equal(r.text, "insert - - rec schouw doctor (reconstructed)\n");
	/* a backup is never overwritten */
	sql_ok(db, "DELETE FROM schouw_history WHERE point_id = 2");
	assert_int_equal(sw_store_doctor(f->s, f->forms, true, backup, NULL, NULL, &n, &err),
	                 SW_ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(schouw_writes_are_recorded_once_with_the_surveyor,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(external_edits_land_in_the_history, setup, teardown),
	    cmocka_unit_test_setup_teardown(an_external_insert_is_completed, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_v2_store_is_migrated_to_v4, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_bulk_import_keeps_the_trigger_and_writes_its_history,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(an_unreadable_row_is_skipped_and_named, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(doctor_adds_a_missing_insert_row, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
