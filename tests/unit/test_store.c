/* test_store.c - the GeoPackage store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <proj.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/store/store_priv.h"
#include "schouw/form.h"
#include "schouw/store.h"

/* ---- helpers ---- */

struct fx {
	char dir[512];
	char path[600];
	struct sw_forms *forms;
	struct sw_store *s;
};

static const char *data_dir(void)
{
	const char *d = getenv("SCHOUW_DATA");

	return d ? d : SW_SOURCE_DATADIR;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");
	struct sw_error err = {0};

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/store-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/s.gpkg", f->dir);
	if (sw_forms_load(data_dir(), &f->forms, &err) != SW_OK) {
		fprintf(stderr, "forms: %s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[700];

	sw_store_close(f->s);
	sw_forms_free(f->forms);
	chmod(f->dir, 0755);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* A fresh store with the form fields as columns, open for writing. */
static void make_store(struct fx *f)
{
	struct sw_error err = {0};

	assert_int_equal(sw_store_create(f->path, &err), SW_OK);
	assert_int_equal(sw_store_open(f->path, SW_STORE_WRITE, &f->s, &err), SW_OK);
	assert_int_equal(sw_store_sync_fields(f->s, f->forms, &err), SW_OK);
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

/* Caller frees. NULL for a NULL value. */
static char *q_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static void assert_q_text(sqlite3 *db, const char *sql, const char *want)
{
	char *v = q_text(db, sql);

	if (v == NULL || strcmp(v, want) != 0)
		fprintf(stderr, "%s: got '%s', want '%s'\n", sql, v ? v : "(null)", want);
	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

static void sample(struct sw_point *p, const char *type, double x, double y, const char *by)
{
	struct sw_error err = {0};

	sw_point_init(p);
	assert_int_equal(sw_point_set_str(&p->type, type, &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->status, "planned", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p->surveyor, by, &err), SW_OK);
	p->x = x;
	p->y = y;
}

static long long add(struct fx *f, const char *type, double x, double y, const char *by)
{
	struct sw_point p;
	struct sw_error err = {0};
	long long id;

	sample(&p, type, x, y, by);
	assert_int_equal(sw_store_insert(f->s, &p, by, &err), SW_OK);
	id = p.id;
	sw_point_clear(&p);
	return id;
}

static long long count(struct fx *f, const struct sw_filter *flt)
{
	struct sw_error err = {0};
	long long n = -1;

	assert_int_equal(sw_store_count(f->s, flt, &n, &err), SW_OK);
	return n;
}

static long long history_rows(struct fx *f)
{
	return q_int(sw_store_db(f->s), "SELECT count(*) FROM schouw_history");
}

/* The store file, byte for byte as SQLite sees it: a dump. */
static char *dump(const char *path)
{
	char cmd[1024];
	FILE *p;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;

	snprintf(cmd, sizeof cmd, "sqlite3 '%s' .dump", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		fwrite(chunk, 1, n, m);
	pclose(p);
	fclose(m);
	return buf;
}

static bool have_tool(const char *cmd)
{
	char buf[256];

	snprintf(buf, sizeof buf, "command -v %s >/dev/null 2>&1", cmd);
	return system(buf) == 0;
}

/* ---- create and open ---- */

static void create_writes_geopackage_pragmas_and_srs(void **state)
{
	struct fx *f = *state;
	sqlite3 *db;

	make_store(f);
	db = sw_store_db(f->s);
	assert_int_equal(q_int(db, "PRAGMA application_id"), 0x47504B47);
	assert_int_equal(q_int(db, "PRAGMA user_version"), 10400);
	assert_q_text(db, "PRAGMA journal_mode", "wal");
	assert_int_equal(q_int(db, "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id IN "
	                           "(-1, 0, 4326, 28992)"),
	                 4);
	assert_q_text(db, "SELECT geometry_type_name || srs_id FROM gpkg_geometry_columns",
	              "POINT28992");
	assert_q_text(db, "SELECT value FROM schouw_meta WHERE key = 'schema_version'", "6");
	assert_int_equal(q_int(db, "SELECT count(*) FROM gpkg_contents WHERE data_type = "
	                           "'attributes' AND table_name IN ('schouw_history', 'check_run', "
	                           "'check_result')"),
	                 3);
	assert_int_equal(q_int(db, "SELECT count(*) FROM gpkg_extensions WHERE extension_name = "
	                           "'gpkg_rtree_index' AND table_name = 'points'"),
	                 1);
}

static void rd_wkt_is_epsg_28992(void **state)
{
	PJ_CONTEXT *ctx = proj_context_create();
	PJ *lit = proj_create(ctx, sw_store_wkt_rd);
	PJ *epsg = proj_create(ctx, "EPSG:28992");
	PJ *lit84 = proj_create(ctx, sw_store_wkt_wgs84);
	PJ *epsg84 = proj_create(ctx, "EPSG:4326");

	(void)state;
	assert_non_null(lit);
	assert_non_null(epsg);
	assert_true(proj_is_equivalent_to(lit, epsg, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS));
	assert_true(
	    proj_is_equivalent_to(lit84, epsg84, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS));
	proj_destroy(lit);
	proj_destroy(epsg);
	proj_destroy(lit84);
	proj_destroy(epsg84);
	proj_context_destroy(ctx);
}

static void create_refuses_existing_file(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};

	assert_int_equal(sw_store_create(f->path, &err), SW_OK);
	assert_int_equal(sw_store_create(f->path, &err), SW_ERR_IO);
	assert_non_null(strstr(err.msg, f->path));
}

static void open_missing_file_is_notfound(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};

	assert_int_equal(sw_store_open(f->path, SW_STORE_READ, &f->s, &err), SW_ERR_NOTFOUND);
	assert_null(f->s);
	assert_non_null(strstr(err.msg, f->path));
}

static void open_refuses_random_bytes(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	FILE *fp = fopen(f->path, "wb");

	for (int i = 0; i < 8192; i++)
		fputc(rand() & 0xff, fp);
	fclose(fp);
	assert_int_equal(sw_store_open(f->path, SW_STORE_READ, &f->s, &err), SW_ERR_STORE);
	assert_non_null(strstr(err.msg, f->path));
	assert_non_null(strstr(err.msg, "not a SQLite database"));
}

static void open_refuses_plain_sqlite(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(a)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sw_store_open(f->path, SW_STORE_READ, &f->s, &err), SW_ERR_STORE);
	assert_non_null(strstr(err.msg, "not a GeoPackage"));
}

static void open_refuses_geopackage_without_points(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA application_id = 1196444487; CREATE TABLE t(a)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sw_store_open(f->path, SW_STORE_READ, &f->s, &err), SW_ERR_STORE);
	assert_non_null(strstr(err.msg, "not a schouw store"));
	assert_non_null(strstr(err.msg, "points"));
}

static void open_refuses_truncated_store(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct stat st;

	make_store(f);
	for (int i = 0; i < 300; i++)
		add(f, "kerb_ramp", 104000 + i, 425000 + i, "a");
	sw_store_close(f->s);
	f->s = NULL;
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(truncate(f->path, st.st_size / 2), 0);
	assert_int_equal(sw_store_open(f->path, SW_STORE_READ, &f->s, &err), SW_ERR_STORE);
	assert_non_null(strstr(err.msg, f->path));
	assert_non_null(strstr(err.msg, "corrupt"));
}

static void open_refuses_garbage_schema_page(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	FILE *fp;

	make_store(f);
	sw_store_close(f->s);
	f->s = NULL;
	fp = fopen(f->path, "r+b");
	assert_non_null(fp);
	fseek(fp, 100, SEEK_SET);
	for (int i = 0; i < 64; i++)
		fwrite("\xde\xad\xbe\xef", 1, 4, fp);
	fclose(fp);
	assert_int_equal(sw_store_open(f->path, SW_STORE_READ, &f->s, &err), SW_ERR_STORE);
	assert_non_null(strstr(err.msg, "corrupt"));
}

static void open_refuses_newer_schema(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};

	make_store(f);
	assert_int_equal(sqlite3_exec(sw_store_db(f->s),
	                              "UPDATE schouw_meta SET value = '7' WHERE key = "
	                              "'schema_version'",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sw_store_close(f->s);
	f->s = NULL;
	assert_int_equal(sw_store_open(f->path, SW_STORE_WRITE, &f->s, &err), SW_ERR_STORE);
	assert_non_null(strstr(err.msg, "newer schouw (schema 7)"));
	assert_non_null(strstr(err.msg, "up to schema 6"));
}

static void open_for_writing_refuses_read_only_file(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};

	make_store(f);
	sw_store_close(f->s);
	f->s = NULL;
	assert_int_equal(chmod(f->path, 0444), 0);
	assert_int_equal(sw_store_open(f->path, SW_STORE_WRITE, &f->s, &err), SW_ERR_STORE);
	assert_non_null(strstr(err.msg, "is read-only"));
	assert_non_null(strstr(err.msg, f->path));
	/* reading still works */
	assert_int_equal(sw_store_open(f->path, SW_STORE_READ, &f->s, &err), SW_OK);
}

static void open_for_writing_refuses_read_only_directory(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};

	make_store(f);
	sw_store_close(f->s);
	f->s = NULL;
	assert_int_equal(chmod(f->dir, 0555), 0);
	assert_int_equal(sw_store_open(f->path, SW_STORE_WRITE, &f->s, &err), SW_ERR_STORE);
	assert_non_null(strstr(err.msg, "is read-only"));
	assert_int_equal(chmod(f->dir, 0755), 0);
}

static void read_mode_works_in_read_only_directory(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	char dir[700], path[800];

	/* Without write bits on the directory the store opens the file
	 * immutable (no -shm can be made), through a file: URI; the name needs
	 * escaping there.
	 * (As nobody, not root, the plain open fails there.) */
	snprintf(dir, sizeof dir, "%s/ro dir#1?", f->dir);
	snprintf(path, sizeof path, "%s/s.gpkg", dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(sw_store_create(path, &err), SW_OK);
	assert_int_equal(sw_store_open(path, SW_STORE_WRITE, &f->s, &err), SW_OK);
	add(f, "kerb_ramp", 1, 2, "a");
	add(f, "kerb_ramp", 3, 4, "a");
	sw_store_close(f->s);
	f->s = NULL;
	assert_int_equal(chmod(dir, 0555), 0);
	assert_int_equal(sw_store_open(path, SW_STORE_READ, &f->s, &err), SW_OK);
	assert_int_equal(count(f, NULL), 2);
	sw_store_close(f->s);
	f->s = NULL;
	assert_int_equal(chmod(dir, 0755), 0);
}

static void read_mode_refuses_writes(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;

	make_store(f);
	sw_store_close(f->s);
	assert_int_equal(sw_store_open(f->path, SW_STORE_READ, &f->s, &err), SW_OK);
	sample(&p, "kerb_ramp", 1, 2, "a");
	assert_int_equal(sw_store_insert(f->s, &p, "a", &err), SW_ERR_STORE);
	assert_int_equal(p.id, 0);
	sw_point_clear(&p);
	assert_int_equal(count(f, NULL), 0);
}

/* ---- points and history ---- */

static void insert_then_get_by_id_and_uuid(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p, got;
	struct sw_value slope = {.t = SW_V_REAL, .r = 8.5}, tact = {.t = SW_V_INT, .i = 1};
	struct sw_value surf = {.t = SW_V_TEXT, .s = "asphalt"};
	char ref[32];

	make_store(f);
	sample(&p, "kerb_ramp", 104897.25, 425327.5, "Björn");
	p.gps_accuracy_m = 0.8;
	assert_int_equal(sw_point_set_str(&p.note, "bij de kerk", &err), SW_OK);
	assert_int_equal(sw_point_set_attr(&p, "running_slope_pct", &slope, &err), SW_OK);
	assert_int_equal(sw_point_set_attr(&p, "tactile_warning", &tact, &err), SW_OK);
	assert_int_equal(sw_point_set_attr(&p, "surface", &surf, &err), SW_OK);
	assert_int_equal(sw_store_insert(f->s, &p, "Björn", &err), SW_OK);
	assert_true(p.id > 0);
	assert_true(sw_uuid_valid(p.uuid));
	assert_non_null(p.created_at);

	sw_point_init(&got);
	snprintf(ref, sizeof ref, "%lld", p.id);
	assert_int_equal(sw_store_get(f->s, ref, &got, &err), SW_OK);
	assert_string_equal(got.uuid, p.uuid);
	assert_string_equal(got.type, "kerb_ramp");
	assert_string_equal(got.note, "bij de kerk");
	assert_true(got.x == 104897.25 && got.y == 425327.5);
	assert_true(got.gps_accuracy_m == 0.8);
	assert_int_equal(got.nattrs, 3);
	assert_int_equal(sw_point_get_attr(&got, "running_slope_pct")->t, SW_V_REAL);
	assert_true(sw_point_get_attr(&got, "running_slope_pct")->r == 8.5);
	assert_int_equal(sw_point_get_attr(&got, "tactile_warning")->t, SW_V_INT);
	assert_string_equal(sw_point_get_attr(&got, "surface")->s, "asphalt");
	assert_null(sw_point_get_attr(&got, "width_m"));
	assert_int_equal(sw_store_get(f->s, p.uuid, &got, &err), SW_OK);
	assert_int_equal(got.id, p.id);
	sw_point_clear(&got);
	sw_point_clear(&p);
}

static void get_unknown_reference_fails(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point got;

	make_store(f);
	sw_point_init(&got);
	assert_int_equal(sw_store_get(f->s, "42", &got, &err), SW_ERR_NOTFOUND);
	assert_int_equal(sw_store_get(f->s, "8c1e1f4e-3d2a-4b6f-9a53-2f4b8c9d0e1f", &got, &err),
	                 SW_ERR_NOTFOUND);
	assert_int_equal(sw_store_get(f->s, "1; DROP TABLE points", &got, &err), SW_ERR_INPUT);
	sw_point_clear(&got);
}

struct hist {
	int n;
	char action[4][16];
	char field[4][32];
	char oldv[4][512];
	char newv[4][512];
};

static enum sw_status hist_cb(const struct sw_history_row *h, void *ud)
{
	struct hist *hs = ud;

	if (hs->n < 4) {
		snprintf(hs->action[hs->n], sizeof hs->action[0], "%s", h->action);
		snprintf(hs->field[hs->n], sizeof hs->field[0], "%s", h->field ? h->field : "");
		snprintf(hs->oldv[hs->n], sizeof hs->oldv[0], "%s",
		         h->old_value ? h->old_value : "");
		snprintf(hs->newv[hs->n], sizeof hs->newv[0], "%s",
		         h->new_value ? h->new_value : "");
	}
	hs->n++;
	return SW_OK;
}

static void insert_writes_one_history_row_with_record_json(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;
	struct sw_value slope = {.t = SW_V_REAL, .r = 0.1};
	struct hist h = {0};
	json_t *j;

	make_store(f);
	sample(&p, "kerb_ramp", 104897.1, 425327.3, "a");
	assert_int_equal(sw_point_set_attr(&p, "running_slope_pct", &slope, &err), SW_OK);
	assert_int_equal(sw_store_insert(f->s, &p, "a", &err), SW_OK);
	assert_int_equal(sw_store_history(f->s, p.uuid, hist_cb, &h, &err), SW_OK);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.action[0], "insert");
	assert_string_equal(h.field[0], "");
	j = json_loads(h.newv[0], 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "uuid")), p.uuid);
	assert_true(json_real_value(json_object_get(j, "x")) == 104897.1);
	assert_true(json_real_value(
	                json_object_get(json_object_get(j, "fields"), "running_slope_pct")) == 0.1);
	assert_null(strchr(h.newv[0], '\n'));
	json_decref(j);
	sw_point_clear(&p);
}

static void update_writes_one_row_per_changed_field(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;
	struct sw_value w = {.t = SW_V_REAL, .r = 1.2};
	struct hist h = {0};
	size_t n = 99;
	char ref[32];

	make_store(f);
	sample(&p, "kerb_ramp", 100, 200, "a");
	assert_int_equal(sw_store_insert(f->s, &p, "a", &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p.status, "realised", &err), SW_OK);
	assert_int_equal(sw_point_set_attr(&p, "width_m", &w, &err), SW_OK);
	p.x = 101.5;
	assert_int_equal(sw_store_update(f->s, &p, "b", &n, &err), SW_OK);
	assert_int_equal(n, 3);
	assert_int_equal(sw_store_history(f->s, p.uuid, hist_cb, &h, &err), SW_OK);
	assert_int_equal(h.n, 4);
	assert_string_equal(h.action[1], "update");
	assert_string_equal(h.field[1], "status");
	assert_string_equal(h.oldv[1], "planned");
	assert_string_equal(h.newv[1], "realised");
	assert_string_equal(h.field[2], "x");
	assert_string_equal(h.oldv[2], "100");
	assert_string_equal(h.newv[2], "101.5");
	assert_string_equal(h.field[3], "width_m");
	assert_string_equal(h.oldv[3], "");
	assert_string_equal(h.newv[3], "1.2");
	sw_point_clear(&p);
	sw_point_init(&p);
	snprintf(ref, sizeof ref, "%d", 1);
	assert_int_equal(sw_store_get(f->s, ref, &p, &err), SW_OK);
	assert_string_equal(p.status, "realised");
	assert_true(p.x == 101.5);
	sw_point_clear(&p);
}

static void update_touches_contents_last_change(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;
	sqlite3 *db;
	char *before, *after;

	make_store(f);
	db = sw_store_db(f->s);
	add(f, "kerb_ramp", 100, 200, "a");
	before = q_text(db, "SELECT last_change FROM gpkg_contents WHERE table_name = 'points'");
	usleep(20000);
	sw_point_init(&p);
	assert_int_equal(sw_store_get(f->s, "1", &p, &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p.note, "nieuw", &err), SW_OK);
	assert_int_equal(sw_store_update(f->s, &p, "b", NULL, &err), SW_OK);
	sw_point_clear(&p);
	after = q_text(db, "SELECT last_change FROM gpkg_contents WHERE table_name = 'points'");
	assert_non_null(before);
	assert_non_null(after);
	assert_true(strcmp(after, before) > 0);
	free(before);
	free(after);
}

static void update_without_changes_writes_nothing(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p, again;
	struct sw_value w = {.t = SW_V_REAL, .r = 2.0};
	size_t n = 99;

	make_store(f);
	sample(&p, "kerb_ramp", 100, 200, "a");
	assert_int_equal(sw_point_set_attr(&p, "width_m", &w, &err), SW_OK);
	assert_int_equal(sw_store_insert(f->s, &p, "a", &err), SW_OK);
	sw_point_init(&again);
	assert_int_equal(sw_store_get(f->s, "1", &again, &err), SW_OK);
	sleep(1);
	assert_int_equal(sw_store_update(f->s, &again, "b", &n, &err), SW_OK);
	assert_int_equal(n, 0);
	assert_int_equal(history_rows(f), 1);
	sw_point_clear(&again);
	sw_point_init(&again);
	assert_int_equal(sw_store_get(f->s, "1", &again, &err), SW_OK);
	assert_string_equal(again.updated_at, p.updated_at);
	sw_point_clear(&again);
	sw_point_clear(&p);
}

static void update_of_missing_point_is_notfound(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;

	make_store(f);
	sample(&p, "kerb_ramp", 100, 200, "a");
	p.id = 77;
	assert_int_equal(sw_store_update(f->s, &p, "b", NULL, &err), SW_ERR_NOTFOUND);
	assert_int_equal(history_rows(f), 0);
	sw_point_clear(&p);
}

static void delete_writes_history_with_old_record(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;
	struct hist h = {0};
	json_t *j;

	make_store(f);
	sample(&p, "crossing", 100, 200, "a");
	assert_int_equal(sw_store_insert(f->s, &p, "a", &err), SW_OK);
	assert_int_equal(sw_store_delete(f->s, p.id, "c", &err), SW_OK);
	assert_int_equal(count(f, NULL), 0);
	assert_int_equal(sw_store_history(f->s, p.uuid, hist_cb, &h, &err), SW_OK);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.action[1], "delete");
	assert_string_equal(h.newv[1], "");
	j = json_loads(h.oldv[1], 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "crossing");
	json_decref(j);
	assert_int_equal(sw_store_delete(f->s, p.id, "c", &err), SW_ERR_NOTFOUND);
	assert_int_equal(history_rows(f), 2);
	sw_point_clear(&p);
}

static void history_follows_a_uuid_across_delete_and_reinsert(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;
	struct hist h = {0};
	char uuid[SW_UUID_LEN + 1];

	make_store(f);
	add(f, "crossing", 1, 1, "a"); /* another point's history stays out */
	sample(&p, "crossing", 100, 200, "a");
	assert_int_equal(sw_store_insert(f->s, &p, "a", &err), SW_OK);
	memcpy(uuid, p.uuid, sizeof uuid);
	assert_int_equal(sw_store_delete(f->s, p.id, "b", &err), SW_OK);
	sw_point_clear(&p);
	/* deleted: still found by uuid */
	assert_int_equal(sw_store_history(f->s, uuid, hist_cb, &h, &err), SW_OK);
	assert_int_equal(h.n, 2);
	/* the same uuid stored again gets a new id; its history spans both */
	sample(&p, "crossing", 100, 200, "a");
	memcpy(p.uuid, uuid, sizeof uuid);
	assert_int_equal(sw_store_insert(f->s, &p, "c", &err), SW_OK);
	sw_point_clear(&p);
	memset(&h, 0, sizeof h);
	assert_int_equal(sw_store_history(f->s, uuid, hist_cb, &h, &err), SW_OK);
	assert_int_equal(h.n, 3);
	assert_string_equal(h.action[0], "insert");
	assert_string_equal(h.action[1], "delete");
	assert_string_equal(h.action[2], "insert");
}

static void failed_insert_leaves_store_unchanged(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;
	struct sw_value v = {.t = SW_V_REAL, .r = 1};
	char *before, *after;
	char uuid[SW_UUID_LEN + 1];

	make_store(f);
	sample(&p, "kerb_ramp", 100, 200, "a");
	assert_int_equal(sw_store_insert(f->s, &p, "a", &err), SW_OK);
	memcpy(uuid, p.uuid, sizeof uuid);
	sw_point_clear(&p);
	sw_store_close(f->s);
	f->s = NULL;
	before = dump(f->path);
	assert_int_equal(sw_store_open(f->path, SW_STORE_WRITE, &f->s, &err), SW_OK);
	/* same uuid again */
	sample(&p, "kerb_ramp", 300, 400, "a");
	memcpy(p.uuid, uuid, sizeof uuid);
	assert_int_equal(sw_store_insert(f->s, &p, "a", &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, uuid));
	sw_point_clear(&p);
	/* a field without a column */
	sample(&p, "kerb_ramp", 300, 400, "a");
	assert_int_equal(sw_point_set_attr(&p, "no_such_field", &v, &err), SW_OK);
	assert_int_equal(sw_store_insert(f->s, &p, "a", &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "no_such_field"));
	assert_int_equal(p.id, 0);
	assert_string_equal(p.uuid, "");
	sw_point_clear(&p);
	sw_store_close(f->s);
	f->s = NULL;
	after = dump(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void rollback_of_explicit_transaction_drops_inserts(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};

	make_store(f);
	assert_int_equal(sw_store_begin(f->s, &err), SW_OK);
	add(f, "kerb_ramp", 1, 2, "a");
	add(f, "kerb_ramp", 3, 4, "a");
	assert_int_equal(count(f, NULL), 2);
	sw_store_rollback(f->s);
	assert_int_equal(count(f, NULL), 0);
	assert_int_equal(history_rows(f), 0);
	assert_int_equal(sw_store_begin(f->s, &err), SW_OK);
	add(f, "kerb_ramp", 1, 2, "a");
	assert_int_equal(sw_store_commit(f->s, &err), SW_OK);
	assert_int_equal(count(f, NULL), 1);
}

static void failed_write_inside_transaction_keeps_earlier_ones(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;

	make_store(f);
	assert_int_equal(sw_store_begin(f->s, &err), SW_OK);
	add(f, "kerb_ramp", 1, 2, "a");
	sample(&p, "kerb_ramp", 5, 6, "a");
	p.id = 999;
	assert_int_equal(sw_store_update(f->s, &p, "a", NULL, &err), SW_ERR_NOTFOUND);
	sw_point_clear(&p);
	assert_int_equal(sw_store_commit(f->s, &err), SW_OK);
	assert_int_equal(count(f, NULL), 1);
	assert_int_equal(history_rows(f), 1);
}

/* ---- queries ---- */

/* sw_store_scan: the rows as stored, in id order, the columns asked for
 * typed as SQLite holds them, NULL for a missing value and for a column
 * the table lacks. */
struct scanned {
	int n;
	long long ids[4];
	double x[4];
	char type[4][32];
	int width_t[4], nope_t[4];
	double width[4];
};

static enum sw_status scan_row(const struct sw_store_row *r, void *ud)
{
	struct scanned *sc = ud;
	int i = sc->n++;

	if (i >= 4)
		return SW_ERR_INTERNAL;
	sc->ids[i] = r->id;
	sc->x[i] = r->x;
	snprintf(sc->type[i], sizeof sc->type[i], "%s", r->v[0].t == SW_V_TEXT ? r->v[0].s : "?");
	sc->width_t[i] = (int)r->v[1].t;
	sc->width[i] = r->v[1].t == SW_V_REAL ? r->v[1].r : NAN;
	sc->nope_t[i] = (int)r->v[2].t;
	return SW_OK;
}

static void scan_streams_rows_as_stored(void **state)
{
	static const char *const cols[] = {"type", "width_m", "no_such_column"};
	struct fx *f = *state;
	struct sw_error err = {0};
	struct scanned sc = {0};
	struct sw_point p;
	struct sw_value w = {.t = SW_V_REAL, .r = 1.25};

	make_store(f);
	sample(&p, "kerb_ramp", 104000.5, 425000, "anna");
	assert_int_equal(sw_point_set_attr(&p, "width_m", &w, &err), SW_OK);
	assert_int_equal(sw_store_insert(f->s, &p, "anna", &err), SW_OK);
	sw_point_clear(&p);
	sample(&p, "crossing", 104010, 425010, "bert");
	assert_int_equal(sw_store_insert(f->s, &p, "bert", &err), SW_OK);
	sw_point_clear(&p);
	assert_int_equal(sw_store_scan(f->s, cols, 3, scan_row, &sc, &err), SW_OK);
	assert_int_equal(sc.n, 2);
	assert_true(sc.ids[0] < sc.ids[1]);
	assert_string_equal(sc.type[0], "kerb_ramp");
	assert_string_equal(sc.type[1], "crossing");
	assert_true(sc.x[0] == 104000.5);
	assert_true(sc.x[1] == 104010);
	assert_int_equal(sc.width_t[0], SW_V_REAL);
	assert_true(sc.width[0] == 1.25);
	assert_int_equal(sc.width_t[1], SW_V_NULL);
	assert_int_equal(sc.nope_t[0], SW_V_NULL);
	assert_int_equal(sc.nope_t[1], SW_V_NULL);
}

static void filters_by_type_status_and_surveyor(void **state)
{
	struct fx *f = *state;
	struct sw_filter flt = {0};

	make_store(f);
	add(f, "kerb_ramp", 1, 1, "anna");
	add(f, "kerb_ramp", 2, 2, "bert");
	add(f, "crossing", 3, 3, "anna");
	flt.type = "kerb_ramp";
	assert_int_equal(count(f, &flt), 2);
	flt.by = "anna";
	assert_int_equal(count(f, &flt), 1);
	flt.type = NULL;
	flt.status = "planned";
	assert_int_equal(count(f, &flt), 2);
	flt.status = "realised";
	assert_int_equal(count(f, &flt), 0);
}

static void bbox_filter_is_inclusive_and_exact(void **state)
{
	struct fx *f = *state;
	struct sw_filter flt = {
	    .has_bbox = true, .minx = 104000, .miny = 425000, .maxx = 105000, .maxy = 426000};

	make_store(f);
	add(f, "kerb_ramp", 104000, 425000, "a");     /* on the corner */
	add(f, "kerb_ramp", 104500.5, 425500.5, "a"); /* inside */
	add(f, "kerb_ramp", 105000.001, 425500, "a"); /* just outside in x */
	add(f, "kerb_ramp", 104500, 425999.999, "a"); /* just inside in y */
	add(f, "kerb_ramp", 10, 10, "a");             /* far away */
	assert_int_equal(count(f, &flt), 3);
}

struct ids {
	int n;
	long long id[16];
};

static enum sw_status ids_cb(const struct sw_point *p, void *ud)
{
	struct ids *ids = ud;

	if (ids->n < 16)
		ids->id[ids->n] = p->id;
	ids->n++;
	return SW_OK;
}

static void near_filter_uses_exact_distance(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_filter flt = {.has_near = true, .near_x = 104897, .near_y = 425327, .radius = 10};
	struct ids ids = {0};
	long long in1, in2;

	make_store(f);
	in1 = add(f, "kerb_ramp", 104897 + 9.999, 425327, "a");       /* inside */
	add(f, "kerb_ramp", 104897 + 10.001, 425327, "a");            /* outside */
	add(f, "kerb_ramp", 104897 + 7.08, 425327 + 7.08, "a");       /* corner of box: 10.01 */
	in2 = add(f, "kerb_ramp", 104897 + 7.07, 425327 - 7.07, "a"); /* 9.998 */
	add(f, "kerb_ramp", 0, 0, "a");
	assert_int_equal(sw_store_query(f->s, &flt, ids_cb, &ids, &err), SW_OK);
	assert_int_equal(ids.n, 2);
	assert_int_equal(ids.id[0], in1);
	assert_int_equal(ids.id[1], in2);
	assert_int_equal(count(f, &flt), 2);
}

static enum sw_status stop_cb(const struct sw_point *p, void *ud)
{
	(void)p;
	(*(int *)ud)++;
	return SW_ERR_INTERNAL;
}

static void query_stops_when_callback_says_so(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	int calls = 0;

	make_store(f);
	add(f, "kerb_ramp", 1, 1, "a");
	add(f, "kerb_ramp", 2, 2, "a");
	assert_int_equal(sw_store_query(f->s, NULL, stop_cb, &calls, &err), SW_ERR_INTERNAL);
	assert_int_equal(calls, 1);
}

static void bad_bbox_is_refused(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_filter flt = {.has_bbox = true, .minx = 10, .maxx = 5, .miny = 0, .maxy = 1};
	long long n;

	make_store(f);
	assert_int_equal(sw_store_count(f->s, &flt, &n, &err), SW_ERR_INPUT);
}

/* ---- schema ---- */

static void sync_fields_adds_typed_columns(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	sqlite3 *db;

	assert_int_equal(sw_store_create(f->path, &err), SW_OK);
	assert_int_equal(sw_store_open(f->path, SW_STORE_WRITE, &f->s, &err), SW_OK);
	db = sw_store_db(f->s);
	assert_int_equal(q_int(db, "SELECT count(*) FROM pragma_table_info('points')"), 11);
	assert_int_equal(sw_store_sync_fields(f->s, f->forms, &err), SW_OK);
	assert_q_text(db, "SELECT type FROM pragma_table_info('points') WHERE name = 'width_m'",
	              "REAL");
	assert_q_text(db,
	              "SELECT type FROM pragma_table_info('points') WHERE name = "
	              "'tactile_warning'",
	              "INTEGER");
	assert_q_text(db,
	              "SELECT type FROM pragma_table_info('points') WHERE name = "
	              "'accessible_items'",
	              "INTEGER");
	assert_q_text(db, "SELECT type FROM pragma_table_info('points') WHERE name = 'surface'",
	              "TEXT");
	/* a second sync adds nothing */
	long long ncols = q_int(db, "SELECT count(*) FROM pragma_table_info('points')");
	assert_int_equal(sw_store_sync_fields(f->s, f->forms, &err), SW_OK);
	assert_int_equal(q_int(db, "SELECT count(*) FROM pragma_table_info('points')"), ncols);
}

static void sync_fields_refuses_a_fixed_column_name(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_field fld = {.name = "note", .kind = SW_KIND_TEXT};
	struct sw_form form = {.type = "odd", .fields = &fld, .nfields = 1};
	struct sw_forms forms = {.forms = &form, .nforms = 1};

	make_store(f);
	assert_int_equal(sw_store_sync_fields(f->s, &forms, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "'note'"));
}

static void meta_values_round_trip(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	char *v = NULL;

	make_store(f);
	assert_int_equal(sw_store_meta_get(f->s, "default_profile", &v, &err), SW_OK);
	assert_null(v);
	assert_int_equal(sw_store_meta_set(f->s, "default_profile", "kor-2026", &err), SW_OK);
	assert_int_equal(sw_store_meta_set(f->s, "default_profile", "ada-2010", &err), SW_OK);
	assert_int_equal(sw_store_meta_get(f->s, "default_profile", &v, &err), SW_OK);
	assert_string_equal(v, "ada-2010");
	free(v);
	/* the schema version is the store's own */
	assert_int_equal(sw_store_meta_set(f->s, "schema_version", "9", &err), SW_ERR_INPUT);
	assert_int_equal(sw_store_meta_get(f->s, "schema_version", &v, &err), SW_OK);
	assert_string_equal(v, "6");
	free(v);
}

static void sql_geometry_functions_read_blobs(void **state)
{
	struct fx *f = *state;
	sqlite3 *db;

	make_store(f);
	db = sw_store_db(f->s);
	add(f, "kerb_ramp", 104897.5, 425327.25, "a");
	assert_q_text(db,
	              "SELECT ST_MinX(geom) || ',' || ST_MaxX(geom) || ',' || ST_MinY(geom) || ','"
	              " || ST_MaxY(geom) || ',' || ST_IsEmpty(geom) FROM points",
	              "104897.5,104897.5,425327.25,425327.25,0");
	assert_int_equal(q_int(db, "SELECT ST_MinX(NULL) IS NULL"), 1);
	/* a blob that is no geometry is an error, not a silent NULL */
	assert_int_equal(q_int(db, "SELECT ST_MinX(x'00112233')"), -999);
}

static void integrity_and_rtree_hold_after_writes(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;
	sqlite3 *db;

	make_store(f);
	for (int i = 0; i < 200; i++)
		add(f, i % 2 ? "kerb_ramp" : "crossing", 104000 + i * 3.3, 425000 - i * 1.7, "a");
	for (long long id = 1; id <= 200; id += 7) {
		sw_point_init(&p);
		char ref[24];

		snprintf(ref, sizeof ref, "%lld", id);
		assert_int_equal(sw_store_get(f->s, ref, &p, &err), SW_OK);
		p.x += 50;
		assert_int_equal(sw_store_update(f->s, &p, "b", NULL, &err), SW_OK);
		sw_point_clear(&p);
	}
	for (long long id = 3; id <= 200; id += 11)
		assert_int_equal(sw_store_delete(f->s, id, "c", &err), SW_OK);
	db = sw_store_db(f->s);
	assert_q_text(db, "PRAGMA integrity_check", "ok");
	assert_q_text(db, "SELECT rtreecheck('rtree_points_geom')", "ok");
	assert_int_equal(q_int(db, "SELECT count(*) FROM rtree_points_geom"),
	                 q_int(db, "SELECT count(*) FROM points"));
}

static void contents_extent_follows_points(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	sqlite3 *db;
	long long west;

	make_store(f);
	db = sw_store_db(f->s);
	west = add(f, "kerb_ramp", 100.5, 200, "a");
	add(f, "kerb_ramp", 300, 150.25, "a");
	add(f, "kerb_ramp", 200, 400, "a");
	assert_q_text(db,
	              "SELECT min_x || ',' || min_y || ',' || max_x || ',' || max_y FROM "
	              "gpkg_contents WHERE table_name = 'points'",
	              "100.5,150.25,300.0,400.0");
	assert_int_equal(sw_store_delete(f->s, west, "a", &err), SW_OK);
	assert_q_text(db,
	              "SELECT min_x || ',' || min_y || ',' || max_x || ',' || max_y FROM "
	              "gpkg_contents WHERE table_name = 'points'",
	              "200.0,150.25,300.0,400.0");
	/* inside an explicit transaction the extent is written at commit */
	assert_int_equal(sw_store_begin(f->s, &err), SW_OK);
	add(f, "kerb_ramp", 50, 500, "a");
	add(f, "kerb_ramp", 60, 100, "a");
	assert_int_equal(sw_store_commit(f->s, &err), SW_OK);
	assert_q_text(db,
	              "SELECT min_x || ',' || min_y || ',' || max_x || ',' || max_y FROM "
	              "gpkg_contents WHERE table_name = 'points'",
	              "50.0,100.0,300.0,500.0");
}

/* A v1 store (dumped with sqlite3 .dump) opens migrated, data intact. */
static void v1_store_is_migrated_on_open(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;
	struct hist h = {0};
	char cmd[1024];
	sqlite3 *db;

	if (!have_tool("sqlite3"))
		skip();
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' < '%s/store-v1.sql'", f->path, SW_TEST_DATA);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(sw_store_open(f->path, SW_STORE_WRITE, &f->s, &err), SW_OK);
	db = sw_store_db(f->s);
	assert_q_text(db, "SELECT value FROM schouw_meta WHERE key = 'schema_version'", "6");
	/* schema 5 gave the migrated store an id and the sync tables */
	assert_int_equal(q_int(db, "SELECT length(value) FROM schouw_meta WHERE key = 'store_id'"), 36);
	assert_int_equal(q_int(db, "SELECT count(*) FROM schouw_sync"), 0);
	assert_q_text(db, "PRAGMA journal_mode", "wal");
	assert_int_equal(q_int(db, "SELECT count(*) FROM check_run"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
	                           "name IN ('schouw_history_point', 'schouw_history_deleted')"),
	                 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM gpkg_contents WHERE table_name = "
	                           "'check_result'"),
	                 1);
	assert_int_equal(count(f, NULL), 3);
	sw_point_init(&p);
	assert_int_equal(sw_store_get(f->s, "2", &p, &err), SW_OK);
	assert_string_equal(p.type, "disabled_parking");
	assert_string_equal(p.surveyor, "Björn Ångström");
	assert_true(p.x == 104912.5 && p.y == 425301.25);
	assert_string_equal(sw_point_get_attr(&p, "orientation")->s, "parallel");
	assert_int_equal(sw_store_history(f->s, p.uuid, hist_cb, &h, &err), SW_OK);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.field[1], "status");
	sw_point_clear(&p);
	/* the migrated store takes writes and stays sound */
	add(f, "kerb_ramp", 104950, 425350, "a");
	assert_q_text(db, "SELECT rtreecheck('rtree_points_geom')", "ok");
	assert_q_text(db, "PRAGMA integrity_check", "ok");
}

static void v1_store_opened_for_reading_is_migrated_too(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	char cmd[1024];

	if (!have_tool("sqlite3"))
		skip();
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' < '%s/store-v1.sql'", f->path, SW_TEST_DATA);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(sw_store_open(f->path, SW_STORE_READ, &f->s, &err), SW_OK);
	assert_int_equal(q_int(sw_store_db(f->s), "SELECT count(*) FROM check_result"), 0);
	assert_int_equal(count(f, NULL), 3);
}

/* ---- concurrency ---- */

static int child_writer(const char *path, const char *who, int n)
{
	struct sw_store *s = NULL;
	struct sw_error err = {0};
	int bad = 0;

	if (sw_store_open(path, SW_STORE_WRITE, &s, &err) != SW_OK) {
		fprintf(stderr, "%s: %s\n", who, err.msg);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct sw_point p;

		sw_point_init(&p);
		if (sw_point_set_str(&p.type, "kerb_ramp", &err) != SW_OK)
			bad++;
		p.x = 100000 + i;
		p.y = who[0] == 'a' ? 425000 : 426000;
		if (sw_store_insert(s, &p, who, &err) != SW_OK) {
			fprintf(stderr, "%s %d: %s\n", who, i, err.msg);
			bad++;
		}
		sw_point_clear(&p);
	}
	sw_store_close(s);
	return bad ? 1 : 0;
}

static void two_processes_insert_without_losing_points(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	pid_t pid[2];
	const char *who[2] = {"a", "b"};
	sqlite3 *db;

	make_store(f);
	sw_store_close(f->s);
	f->s = NULL;
	for (int k = 0; k < 2; k++) {
		pid[k] = fork();
		assert_true(pid[k] >= 0);
		if (pid[k] == 0)
			_exit(child_writer(f->path, who[k], 1000));
	}
	for (int k = 0; k < 2; k++) {
		int st = 0;

		assert_int_equal(waitpid(pid[k], &st, 0), pid[k]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	assert_int_equal(sw_store_open(f->path, SW_STORE_READ, &f->s, &err), SW_OK);
	db = sw_store_db(f->s);
	assert_int_equal(count(f, NULL), 2000);
	assert_int_equal(history_rows(f), 2000);
	assert_int_equal(q_int(db, "SELECT count(DISTINCT uuid) FROM points"), 2000);
	assert_q_text(db, "SELECT rtreecheck('rtree_points_geom')", "ok");
}

/* ---- bulk import ---- */

static uint64_t lcg(uint64_t *st)
{
	*st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
	return *st >> 33;
}

/* Points of a fixed pseudo-random cloud; xs/ys get the coordinates. */
static void add_cloud(struct fx *f, int n, double *xs, double *ys)
{
	uint64_t st = 42;

	for (int i = 0; i < n; i++) {
		xs[i] = 100000 + (double)(lcg(&st) % 1000000) / 100.0;
		ys[i] = 420000 + (double)(lcg(&st) % 800000) / 100.0;
		add(f, "kerb_ramp", xs[i], ys[i], "bulk");
	}
}

/* The R-tree answers box queries exactly as a scan of the coordinates. */
static void assert_queries_match(struct fx *f, int n, const double *xs, const double *ys)
{
	static const double boxes[][4] = {{100000, 420000, 101000, 421000},
	                                  {104000.5, 423000.25, 104100.5, 423100.25},
	                                  {105000, 424000, 110000, 428000},
	                                  {0, 0, 1, 1}};

	for (size_t b = 0; b < sizeof boxes / sizeof boxes[0]; b++) {
		struct sw_filter flt = {.has_bbox = true,
		                        .minx = boxes[b][0],
		                        .miny = boxes[b][1],
		                        .maxx = boxes[b][2],
		                        .maxy = boxes[b][3]};
		long long want = 0;

		for (int i = 0; i < n; i++)
			want += xs[i] >= flt.minx && xs[i] <= flt.maxx && ys[i] >= flt.miny &&
			        ys[i] <= flt.maxy;
		assert_int_equal(count(f, &flt), want);
	}
}

static void bulk_import_builds_a_packed_rtree(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	enum { N = 3000 };
	double *xs = malloc(N * sizeof *xs), *ys = malloc(N * sizeof *ys);
	double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
	char *trigger;
	sqlite3 *db;

	make_store(f);
	db = sw_store_db(f->s);
	trigger =
	    q_text(db, "SELECT sql FROM sqlite_master WHERE name = 'rtree_points_geom_insert'");
	assert_non_null(trigger);
	assert_int_equal(sw_store_bulk_begin(f->s, &err), SW_OK);
	add_cloud(f, N, xs, ys);
	/* nothing went through the R-tree yet */
	assert_int_equal(q_int(db, "SELECT count(*) FROM rtree_points_geom_rowid"), 0);
	assert_int_equal(sw_store_bulk_end(f->s, &err), SW_OK);
	assert_q_text(db, "SELECT rtreecheck('rtree_points_geom')", "ok");
	assert_q_text(db, "PRAGMA integrity_check", "ok");
	assert_int_equal(q_int(db, "SELECT count(*) FROM rtree_points_geom"), N);
	/* 3000 boxes, 51 a node: 59 leaves, 2 nodes above, then the root */
	assert_int_equal(q_int(db, "SELECT hex(substr(data, 1, 2)) = '0002' FROM "
	                           "rtree_points_geom_node WHERE nodeno = 1"),
	                 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM rtree_points_geom_node"), 59 + 2 + 1);
	assert_int_equal(history_rows(f), N);
	assert_queries_match(f, N, xs, ys);
	for (int i = 0; i < N; i++) {
		minx = fmin(minx, xs[i]);
		miny = fmin(miny, ys[i]);
		maxx = fmax(maxx, xs[i]);
		maxy = fmax(maxy, ys[i]);
	}
	/* the trigger is back, word for word */
	assert_q_text(db, "SELECT sql FROM sqlite_master WHERE name = 'rtree_points_geom_insert'",
	              trigger);
	free(trigger);
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(db,
		                                    "SELECT min_x, min_y, max_x, max_y FROM "
		                                    "gpkg_contents WHERE table_name = 'points'",
		                                    -1, &st, NULL),
		                 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_true(sqlite3_column_double(st, 0) == minx);
		assert_true(sqlite3_column_double(st, 1) == miny);
		assert_true(sqlite3_column_double(st, 2) == maxx);
		assert_true(sqlite3_column_double(st, 3) == maxy);
		sqlite3_finalize(st);
	}
	/* single writes after the import go through the restored trigger */
	add(f, "kerb_ramp", 100000.5, 420000.5, "a");
	assert_int_equal(q_int(db, "SELECT count(*) FROM rtree_points_geom"), N + 1);
	assert_int_equal(sw_store_delete(f->s, 17, "a", &err), SW_OK);
	assert_q_text(db, "SELECT rtreecheck('rtree_points_geom')", "ok");
	free(xs);
	free(ys);
}

static void bulk_import_into_a_store_with_points_indexes_all(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	enum { N = 300 };
	double xs[N + 2], ys[N + 2];
	sqlite3 *db;

	make_store(f);
	db = sw_store_db(f->s);
	xs[N] = 100001;
	ys[N] = 420001;
	xs[N + 1] = 109999;
	ys[N + 1] = 427999;
	add(f, "crossing", xs[N], ys[N], "a");
	add(f, "crossing", xs[N + 1], ys[N + 1], "a");
	assert_int_equal(sw_store_bulk_begin(f->s, &err), SW_OK);
	add_cloud(f, N, xs, ys);
	/* sw_store_commit ends a bulk import properly too */
	assert_int_equal(sw_store_commit(f->s, &err), SW_OK);
	assert_q_text(db, "SELECT rtreecheck('rtree_points_geom')", "ok");
	assert_int_equal(q_int(db, "SELECT count(*) FROM rtree_points_geom"), N + 2);
	assert_queries_match(f, N + 2, xs, ys);
}

/* Bulk imports write history rows in batches; an update or delete between
 * inserts must still come out in the order the calls were made. */
static void bulk_import_keeps_history_in_call_order(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;
	long long a, b, c;
	char *order;

	make_store(f);
	assert_int_equal(sw_store_bulk_begin(f->s, &err), SW_OK);
	a = add(f, "kerb_ramp", 104800, 425300, "a");
	b = add(f, "kerb_ramp", 104810, 425310, "a");
	sw_point_init(&p);
	assert_int_equal(sw_store_get(f->s, "1", &p, &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p.status, "realised", &err), SW_OK);
	assert_int_equal(sw_store_update(f->s, &p, "b", NULL, &err), SW_OK);
	sw_point_clear(&p);
	c = add(f, "crossing", 104820, 425320, "a");
	assert_int_equal(sw_store_delete(f->s, b, "b", &err), SW_OK);
	add(f, "kerb_ramp", 104830, 425330, "a");
	assert_int_equal(sw_store_bulk_end(f->s, &err), SW_OK);

	order = q_text(sw_store_db(f->s),
		       "SELECT group_concat(point_id || ':' || action || ':' || ifnull(field, '-'), ' ')"
		       " FROM (SELECT * FROM schouw_history ORDER BY seq)");
	assert_non_null(order);
	{
		char want[256];
		snprintf(want, sizeof want, "%lld:insert:- %lld:insert:- %lld:update:status %lld:insert:- "
			 "%lld:delete:- %lld:insert:-",
			 a, b, a, c, b, c + 1);
		assert_string_equal(order, want);
	}
	free(order);
	assert_int_equal(q_int(sw_store_db(f->s), "SELECT count(*) FROM points"), 3);
}

static void bulk_import_of_few_points_has_a_leaf_root(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	double xs[5], ys[5];
	sqlite3 *db;

	make_store(f);
	db = sw_store_db(f->s);
	assert_int_equal(sw_store_bulk_begin(f->s, &err), SW_OK);
	assert_int_equal(sw_store_bulk_end(f->s, &err), SW_OK);
	assert_q_text(db, "SELECT rtreecheck('rtree_points_geom')", "ok");
	assert_int_equal(sw_store_bulk_begin(f->s, &err), SW_OK);
	add_cloud(f, 5, xs, ys);
	assert_int_equal(sw_store_bulk_end(f->s, &err), SW_OK);
	assert_q_text(db, "SELECT rtreecheck('rtree_points_geom')", "ok");
	assert_int_equal(q_int(db, "SELECT count(*) FROM rtree_points_geom_node"), 1);
	assert_queries_match(f, 5, xs, ys);
}

static void bulk_import_rolled_back_leaves_store_as_it_was(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	double xs[50], ys[50];
	char *before, *after;

	make_store(f);
	add(f, "crossing", 100000, 420000, "a");
	sw_store_close(f->s);
	f->s = NULL;
	before = dump(f->path);
	assert_int_equal(sw_store_open(f->path, SW_STORE_WRITE, &f->s, &err), SW_OK);
	assert_int_equal(sw_store_bulk_begin(f->s, &err), SW_OK);
	add_cloud(f, 50, xs, ys);
	sw_store_rollback(f->s);
	sw_store_close(f->s);
	f->s = NULL;
	after = dump(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* and the R-tree trigger is back at work */
	assert_int_equal(sw_store_open(f->path, SW_STORE_WRITE, &f->s, &err), SW_OK);
	add(f, "crossing", 100010, 420010, "a");
	assert_int_equal(q_int(sw_store_db(f->s), "SELECT count(*) FROM rtree_points_geom"), 2);
	assert_q_text(sw_store_db(f->s), "SELECT rtreecheck('rtree_points_geom')", "ok");
}

static void rebuild_index_repairs_a_damaged_rtree(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	double xs[400], ys[400];
	sqlite3 *db;

	make_store(f);
	db = sw_store_db(f->s);
	add_cloud(f, 400, xs, ys);
	assert_int_equal(
	    sqlite3_exec(db, "DELETE FROM rtree_points_geom WHERE id % 3 = 0", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sw_store_rebuild_index(f->s, &err), SW_OK);
	assert_q_text(db, "SELECT rtreecheck('rtree_points_geom')", "ok");
	assert_int_equal(q_int(db, "SELECT count(*) FROM rtree_points_geom"), 400);
	assert_queries_match(f, 400, xs, ys);
}

/* ---- GDAL as an independent reader ---- */

/* Run cmd, return its stdout and stderr together; caller frees. */
static char *run(const char *cmd, int *status)
{
	char full[2048];
	FILE *p;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;

	snprintf(full, sizeof full, "%s 2>&1", cmd);
	p = popen(full, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		fwrite(chunk, 1, n, m);
	*status = pclose(p);
	fclose(m);
	return buf;
}

/* GDAL before 3.8 predates GeoPackage 1.4: ogrinfo warns that a 1.4 file "may
 * only be partially supported" and its validator asks for the 1.3 R-tree
 * triggers update1 and update3, which 1.4 replaced by update5/6/7. */
static bool gdal_knows_gpkg_1_4(void)
{
	int status, major = 0, minor = 0;
	char *out = run("ogrinfo --version", &status);
	bool yes = sscanf(out, "GDAL %d.%d", &major, &minor) == 2 &&
	           (major > 3 || (major == 3 && minor >= 8));

	free(out);
	return yes;
}

/* Every line of out, except those containing one of the allowed texts,
 * lacks "Warning" and "ERROR". */
static void assert_clean(const char *out, const char *const *allowed, size_t nallowed)
{
	const char *line = out;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[1024];
		bool ok = false;

		snprintf(buf, sizeof buf, "%.*s", (int)len, line);
		for (size_t i = 0; i < nallowed; i++)
			if (strstr(buf, allowed[i]))
				ok = true;
		if (!ok &&
		    (strstr(buf, "Warning") || strstr(buf, "ERROR") || strstr(buf, "Req "))) {
			fprintf(stderr, "unexpected: %s\n", buf);
			fail();
		}
		line = nl ? nl + 1 : NULL;
	}
}

static void gdal_reads_and_validates_the_store(void **state)
{
	struct fx *f = *state;
	struct sw_error err = {0};
	struct sw_point p;
	char cmd[1024];
	char *out;
	int status;
	bool new_gdal;
	static const char *const old_gdal_ok[] = {
	    "may only be partially supported",
	    "rtree_points_geom_update1 trigger missing",
	    "rtree_points_geom_update3 trigger missing",
	};

	/* the points as written: ids 1..12; id 2 moved, id 5 deleted */
	double xs[12], ys[12];
	bool gone[12] = {false};
	const double box[4] = {104800, 425300, 104830, 425320};
	int inside = 0;

	/* GDAL is the independent reader here: without it the test fails (scripts/deps.sh) */
	if (!have_tool("ogrinfo") || access("/usr/bin/python3", X_OK) != 0 ||
	    system("/usr/bin/python3 -c 'import osgeo_utils.samples.validate_gpkg' 2>/dev/null") !=
	        0) {
		fprintf(stderr, "ogrinfo or GDAL's validate_gpkg (python3-gdal) missing\n");
		fail();
	}
	make_store(f);
	/* half through a bulk import (packed R-tree), half one by one */
	assert_int_equal(sw_store_bulk_begin(f->s, &err), SW_OK);
	for (int i = 0; i < 12; i++) {
		xs[i] = 104800 + i * 7.25;
		ys[i] = 425300 + i * 3.5;
		if (i == 6)
			assert_int_equal(sw_store_bulk_end(f->s, &err), SW_OK);
		add(f, i % 3 ? "kerb_ramp" : "crossing", xs[i], ys[i], "a");
	}
	sw_point_init(&p);
	assert_int_equal(sw_store_get(f->s, "2", &p, &err), SW_OK);
	assert_int_equal(sw_point_set_str(&p.status, "realised", &err), SW_OK);
	p.y += 1;
	ys[1] = p.y;
	assert_int_equal(sw_store_update(f->s, &p, "b", NULL, &err), SW_OK);
	sw_point_clear(&p);
	assert_int_equal(sw_store_delete(f->s, 5, "b", &err), SW_OK);
	gone[4] = true;
	sw_store_close(f->s);
	f->s = NULL;
	new_gdal = gdal_knows_gpkg_1_4();

	snprintf(cmd, sizeof cmd,
	         "/usr/bin/python3 -m osgeo_utils.samples.validate_gpkg -k --warning-as-error '%s'",
	         f->path);
	out = run(cmd, &status);
	if (new_gdal && status != 0)
		fprintf(stderr, "%s\n", out);
	if (new_gdal)
		assert_int_equal(status, 0);
	assert_clean(out, old_gdal_ok, new_gdal ? 0 : 3);
	free(out);

	snprintf(cmd, sizeof cmd, "ogrinfo -al -so '%s'", f->path);
	out = run(cmd, &status);
	assert_int_equal(status, 0);
	assert_clean(out, old_gdal_ok, new_gdal ? 0 : 1);
	assert_non_null(strstr(out, "Layer name: points"));
	assert_non_null(strstr(out, "Geometry: Point"));
	assert_non_null(strstr(out, "Feature Count: 11"));
	assert_non_null(strstr(out, "Amersfoort / RD New"));
	assert_non_null(strstr(out, "28992"));
	assert_non_null(strstr(out, "running_slope_pct: Real"));
	free(out);

	/* the R-tree through GDAL's spatial filter: as many features as points
	 * in the box, some but not all (an -sql COUNT(*) would ignore -spat) */
	for (int i = 0; i < 12; i++)
		if (!gone[i] && xs[i] >= box[0] && ys[i] >= box[1] && xs[i] <= box[2] &&
		    ys[i] <= box[3])
			inside++;
	assert_in_range(inside, 2, 10);
	snprintf(cmd, sizeof cmd, "ogrinfo -ro -so -spat %.3f %.3f %.3f %.3f '%s' points",
	         box[0], box[1], box[2], box[3], f->path);
	out = run(cmd, &status);
	assert_int_equal(status, 0);
	{
		char want[64];

		snprintf(want, sizeof want, "Feature Count: %d\n", inside);
		if (strstr(out, want) == NULL)
			fprintf(stderr, "want '%s' in:\n%s\n", want, out);
		assert_non_null(strstr(out, want));
	}
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(create_writes_geopackage_pragmas_and_srs, setup,
	                                    teardown),
	    cmocka_unit_test(rd_wkt_is_epsg_28992),
	    cmocka_unit_test_setup_teardown(create_refuses_existing_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(open_missing_file_is_notfound, setup, teardown),
	    cmocka_unit_test_setup_teardown(open_refuses_random_bytes, setup, teardown),
	    cmocka_unit_test_setup_teardown(open_refuses_plain_sqlite, setup, teardown),
	    cmocka_unit_test_setup_teardown(open_refuses_geopackage_without_points, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(open_refuses_truncated_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(open_refuses_garbage_schema_page, setup, teardown),
	    cmocka_unit_test_setup_teardown(open_refuses_newer_schema, setup, teardown),
	    cmocka_unit_test_setup_teardown(open_for_writing_refuses_read_only_file, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(open_for_writing_refuses_read_only_directory, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(read_mode_works_in_read_only_directory, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(read_mode_refuses_writes, setup, teardown),
	    cmocka_unit_test_setup_teardown(insert_then_get_by_id_and_uuid, setup, teardown),
	    cmocka_unit_test_setup_teardown(get_unknown_reference_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(insert_writes_one_history_row_with_record_json, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(update_writes_one_row_per_changed_field, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(update_touches_contents_last_change, setup, teardown),
	    cmocka_unit_test_setup_teardown(update_without_changes_writes_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(update_of_missing_point_is_notfound, setup, teardown),
	    cmocka_unit_test_setup_teardown(delete_writes_history_with_old_record, setup, teardown),
	    cmocka_unit_test_setup_teardown(history_follows_a_uuid_across_delete_and_reinsert,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(failed_insert_leaves_store_unchanged, setup, teardown),
	    cmocka_unit_test_setup_teardown(rollback_of_explicit_transaction_drops_inserts, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(failed_write_inside_transaction_keeps_earlier_ones,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(filters_by_type_status_and_surveyor, setup, teardown),
	    cmocka_unit_test_setup_teardown(scan_streams_rows_as_stored, setup, teardown),
	    cmocka_unit_test_setup_teardown(bbox_filter_is_inclusive_and_exact, setup, teardown),
	    cmocka_unit_test_setup_teardown(near_filter_uses_exact_distance, setup, teardown),
	    cmocka_unit_test_setup_teardown(query_stops_when_callback_says_so, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_bbox_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(sync_fields_adds_typed_columns, setup, teardown),
	    cmocka_unit_test_setup_teardown(sync_fields_refuses_a_fixed_column_name, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(meta_values_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(sql_geometry_functions_read_blobs, setup, teardown),
	    cmocka_unit_test_setup_teardown(integrity_and_rtree_hold_after_writes, setup, teardown),
	    cmocka_unit_test_setup_teardown(contents_extent_follows_points, setup, teardown),
	    cmocka_unit_test_setup_teardown(v1_store_is_migrated_on_open, setup, teardown),
	    cmocka_unit_test_setup_teardown(v1_store_opened_for_reading_is_migrated_too, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(two_processes_insert_without_losing_points, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(bulk_import_builds_a_packed_rtree, setup, teardown),
	    cmocka_unit_test_setup_teardown(bulk_import_into_a_store_with_points_indexes_all, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(bulk_import_keeps_history_in_call_order, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(bulk_import_of_few_points_has_a_leaf_root, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(bulk_import_rolled_back_leaves_store_as_it_was, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(rebuild_index_repairs_a_damaged_rtree, setup, teardown),
	    cmocka_unit_test_setup_teardown(gdal_reads_and_validates_the_store, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
