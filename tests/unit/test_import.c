/* test_import.c - record -> point mapping, derived uuids, the import pipeline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schouw/import.h"

static struct sw_forms *forms;
static char tmpdir[512];

static int setup(void **state)
{
	(void)state;
	return sw_test_setup_dir_and_forms(tmpdir, sizeof tmpdir, "test_import", &forms);
}

static int teardown(void **state)
{
	(void)state;
	return sw_test_teardown_dir_and_forms(tmpdir, forms);
}

/* A record as a CSV reader would give it. */
static struct sw_record rec(const char *const *keys, const char *const *vals, size_t n, double x,
                            double y, const char *crs, long line)
{
	struct sw_record r = {0};

	r.file = "in.csv";
	r.pos = line;
	r.pos_kind = "line";
	r.has_xy = true;
	r.x = x;
	r.y = y;
	r.crs = crs;
	r.n = n;
	r.keys = keys;
	r.vals = vals;
	return r;
}

/* ---- column names ---- */

static void coord_roles_know_dutch_and_english_names(void **state)
{
	(void)state;
	assert_int_equal(sw_exchange_coord_role("lat"), SW_COORD_LAT);
	assert_int_equal(sw_exchange_coord_role("Latitude"), SW_COORD_LAT);
	assert_int_equal(sw_exchange_coord_role("breedtegraad"), SW_COORD_LAT);
	assert_int_equal(sw_exchange_coord_role("LNG"), SW_COORD_LON);
	assert_int_equal(sw_exchange_coord_role("long"), SW_COORD_LON);
	assert_int_equal(sw_exchange_coord_role("lengtegraad"), SW_COORD_LON);
	assert_int_equal(sw_exchange_coord_role("x"), SW_COORD_X);
	assert_int_equal(sw_exchange_coord_role("RD_X"), SW_COORD_X);
	assert_int_equal(sw_exchange_coord_role("x_rd"), SW_COORD_X);
	assert_int_equal(sw_exchange_coord_role(" y "), SW_COORD_Y);
	assert_int_equal(sw_exchange_coord_role("rd_y"), SW_COORD_Y);
	assert_int_equal(sw_exchange_coord_role("width_m"), SW_COORD_NONE);
	assert_int_equal(sw_exchange_coord_role("xy"), SW_COORD_NONE);
	assert_int_equal(sw_exchange_coord_role(NULL), SW_COORD_NONE);
}

/* ---- record -> point ---- */

static void apply_maps_known_columns_and_fields(void **state)
{
	static const char *const k[] = {
	    "type",    "landmeter", "datum", "opmerking", "hdop", "width_m", "tactile_warning",
	    "surface", "lat",       "lon",   "id"};
	static const char *const v[] = {"kerb_ramp",
	                                " Zo\xc3\xab ",
	                                "2026-11-29T14:05:00+01:00",
	                                " kapot ",
	                                "2,5",
	                                "1,25",
	                                "ja",
	                                "clinker",
	                                "51.8",
	                                "4.6",
	                                "17"};
	struct sw_record r = rec(k, v, 11, 4.6, 51.8, "EPSG:4326", 2);
	struct sw_import_opts o = {0};
	struct sw_error err = {0};
	struct sw_point p;
	const struct sw_value *a;

	(void)state;
	sw_point_init(&p);
	assert_int_equal(sw_import_apply_record(forms, &o, &r, &p, true, &err), SW_OK);
	assert_string_equal(p.type, "kerb_ramp");
	assert_string_equal(p.status, "planned");
	assert_string_equal(p.surveyor, "Zo\xc3\xab");
	assert_string_equal(p.observed_at, "2026-11-29T14:05:00+01:00");
	assert_string_equal(p.note, " kapot ");
	assert_true(p.gps_accuracy_m == 2.5);
	a = sw_point_get_attr(&p, "width_m");
	assert_non_null(a);
	assert_int_equal(a->t, SW_V_REAL);
	assert_true(a->r == 1.25);
	a = sw_point_get_attr(&p, "tactile_warning");
	assert_non_null(a);
	assert_int_equal(a->i, 1);
	assert_string_equal(sw_point_get_attr(&p, "surface")->s, "clinker");
	assert_true(p.x == 4.6 && p.y == 51.8);
	assert_int_equal(p.uuid[0], '\0');
	sw_point_clear(&p);
}

static void apply_uses_defaults_for_missing_columns(void **state)
{
	static const char *const k[] = {"x", "y"};
	static const char *const v[] = {"104897", "425327"};
	struct sw_record r = rec(k, v, 2, 104897, 425327, "EPSG:28992", 2);
	struct sw_import_opts o = {.default_type = "crossing",
	                           .default_status = "realised",
	                           .default_surveyor = "Bj\xc3\xb6rn"};
	struct sw_error err = {0};
	struct sw_point p;

	(void)state;
	sw_point_init(&p);
	assert_int_equal(sw_import_apply_record(forms, &o, &r, &p, true, &err), SW_OK);
	assert_string_equal(p.type, "crossing");
	assert_string_equal(p.status, "realised");
	assert_string_equal(p.surveyor, "Bj\xc3\xb6rn");
	sw_point_clear(&p);
}

static void apply_collects_every_problem_of_a_row(void **state)
{
	static const char *const k[] = {"type",        "width_m", "surface",
	                                "observed_at", "uuid",    "status"};
	static const char *const v[] = {"kerb_ramp", "wide", "gold", "gisteren", "nope", "done"};
	struct sw_record r = rec(k, v, 6, 1, 2, "EPSG:28992", 5);
	struct sw_import_opts o = {0};
	struct sw_error err = {0};
	struct sw_point p;

	(void)state;
	sw_point_init(&p);
	assert_int_equal(sw_import_apply_record(forms, &o, &r, &p, true, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "width_m"));
	assert_non_null(strstr(err.msg, "surface"));
	assert_non_null(strstr(err.msg, "observed_at"));
	assert_non_null(strstr(err.msg, "uuid"));
	assert_non_null(strstr(err.msg, "status"));
	sw_point_clear(&p);
}

static void apply_without_type_asks_for_one(void **state)
{
	static const char *const k[] = {"x", "y"};
	static const char *const v[] = {"1", "2"};
	struct sw_record r = rec(k, v, 2, 1, 2, "EPSG:28992", 2);
	struct sw_error err = {0};
	struct sw_point p;

	(void)state;
	sw_point_init(&p);
	assert_int_equal(sw_import_apply_record(forms, NULL, &r, &p, true, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "--type"));
	sw_point_clear(&p);
}

static void apply_field_of_another_form_is_rejected(void **state)
{
	static const char *const k[] = {"type", "width_m", "orientation"};
	static const char *const v[] = {"kerb_ramp", "1.2", "parallel"};
	struct sw_record r = rec(k, v, 3, 1, 2, "EPSG:28992", 2);
	struct sw_error err = {0};
	struct sw_point p;

	(void)state;
	sw_point_init(&p);
	assert_int_equal(sw_import_apply_record(forms, NULL, &r, &p, true, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "orientation"));
	assert_non_null(strstr(err.msg, "kerb_ramp"));
	sw_point_clear(&p);
}

static void apply_onto_a_stored_point_changes_only_given_columns(void **state)
{
	static const char *const k[] = {"uuid", "status", "width_m", "note"};
	static const char *const v[] = {"0b8e4f5c-2a71-4c39-9d0e-5f6a7b8c9d0e", "realised", "",
	                                "nieuw"};
	struct sw_record r = rec(k, v, 4, 1, 2, "EPSG:28992", 2);
	struct sw_value w = {.t = SW_V_REAL, .r = 1.5};
	struct sw_value s = {.t = SW_V_TEXT, .s = "asphalt"};
	struct sw_import_opts o = {.default_surveyor = "nobody"};
	struct sw_error err = {0};
	struct sw_point p;

	(void)state;
	sw_point_init(&p);
	sw_point_set_str(&p.type, "kerb_ramp", &err);
	sw_point_set_str(&p.status, "planned", &err);
	sw_point_set_str(&p.surveyor, "M\xc3\xbcller", &err);
	sw_point_set_attr(&p, "width_m", &w, &err);
	sw_point_set_attr(&p, "surface", &s, &err);
	r.has_xy = false;
	p.x = 104897;
	p.y = 425327;
	assert_int_equal(sw_import_apply_record(forms, &o, &r, &p, false, &err), SW_OK);
	assert_string_equal(p.status, "realised");
	assert_string_equal(p.surveyor, "M\xc3\xbcller");
	assert_string_equal(p.note, "nieuw");
	assert_null(sw_point_get_attr(&p, "width_m"));
	assert_string_equal(sw_point_get_attr(&p, "surface")->s, "asphalt");
	assert_true(p.x == 104897 && p.y == 425327);
	sw_point_clear(&p);
}

/* ---- derived uuids ---- */

static void derived_uuid_is_stable_and_version_5(void **state)
{
	char a[SW_UUID_LEN + 1], b[SW_UUID_LEN + 1];

	(void)state;
	sw_import_derive_uuid("kerb_ramp", 104897.1234, 425327.5, "2026-11-29T14:05:00+01:00",
	                      "Zo\xc3\xab", a);
	sw_import_derive_uuid("kerb_ramp", 104897.1234, 425327.5, "2026-11-29T14:05:00+01:00",
	                      "Zo\xc3\xab", b);
	assert_string_equal(a, b);
	assert_true(sw_uuid_valid(a));
	assert_int_equal(a[14], '5');
	/* below a millimetre the position is the same */
	sw_import_derive_uuid("kerb_ramp", 104897.12341, 425327.50004, "2026-11-29T14:05:00+01:00",
	                      "Zo\xc3\xab", b);
	assert_string_equal(a, b);
}

static void derived_uuid_differs_by_each_part(void **state)
{
	char a[SW_UUID_LEN + 1], b[SW_UUID_LEN + 1];

	(void)state;
	sw_import_derive_uuid("kerb_ramp", 104897, 425327, "2026-11-29T14:05:00Z", "A", a);
	sw_import_derive_uuid("crossing", 104897, 425327, "2026-11-29T14:05:00Z", "A", b);
	assert_string_not_equal(a, b);
	sw_import_derive_uuid("kerb_ramp", 104897.002, 425327, "2026-11-29T14:05:00Z", "A", b);
	assert_string_not_equal(a, b);
	sw_import_derive_uuid("kerb_ramp", 104897, 425327, "2026-11-29T14:06:00Z", "A", b);
	assert_string_not_equal(a, b);
	sw_import_derive_uuid("kerb_ramp", 104897, 425327, "2026-11-29T14:05:00Z", "B", b);
	assert_string_not_equal(a, b);
	sw_import_derive_uuid("kerb_ramp", 104897, 425327, NULL, NULL, b);
	assert_string_not_equal(a, b);
}

/* ---- the importer, on a real store ---- */

struct rejected {
	int n;
	long pos[8];
	char reason[8][512];
};

static void on_reject(void *ud, const struct sw_record *r, const char *reason)
{
	struct rejected *rj = ud;

	if (rj->n < 8) {
		rj->pos[rj->n] = r->pos;
		snprintf(rj->reason[rj->n], sizeof rj->reason[0], "%s", reason);
	}
	rj->n++;
}

static struct sw_store *new_store(const char *name)
{
	char path[1024];
	struct sw_error err = {0};
	struct sw_store *s = NULL;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	assert_int_equal(sw_store_create(path, &err), SW_OK);
	assert_int_equal(sw_store_open(path, SW_STORE_WRITE, &s, &err), SW_OK);
	assert_int_equal(sw_store_sync_fields(s, forms, &err), SW_OK);
	return s;
}

static long long count(struct sw_store *s)
{
	struct sw_error err = {0};
	long long n = -1;

	assert_int_equal(sw_store_count(s, NULL, &n, &err), SW_OK);
	return n;
}

/* Import rows of (type, lat, lon, width_m) through a fresh importer. */
static enum sw_status import_rows(struct sw_store *s, const struct sw_import_opts *o,
                                  const char *const (*rows)[4], size_t nrows,
                                  const struct sw_import_report **rep_out, struct sw_importer **imp,
                                  struct sw_error *err)
{
	static const char *const k[] = {"type", "lat", "lon", "width_m"};
	struct sw_importer *im = NULL;
	enum sw_status rc;
	size_t i;

	rc = sw_importer_new(s, forms, o, &im, err);
	assert_int_equal(rc, SW_OK);
	for (i = 0; i < nrows; i++) {
		struct sw_record r = rec(k, rows[i], 4, atof(rows[i][2]), atof(rows[i][1]),
		                         "EPSG:4326", (long)i + 2);
		rc = sw_importer_record_cb(&r, im, err);
		if (rc != SW_OK)
			break;
	}
	if (rc == SW_OK)
		rc = sw_importer_finish(im, err);
	*rep_out = sw_importer_report(im);
	*imp = im;
	return rc;
}

static void importer_inserts_then_matches_on_reimport(void **state)
{
	static const char *const rows[][4] = {{"kerb_ramp", "51.8143125", "4.6606029", "1.5"},
	                                      {"kerb_ramp", "51.79583", "4.67833", "1.2"}};
	struct sw_store *s = new_store("reimport.gpkg");
	const struct sw_import_report *rep;
	struct sw_importer *im = NULL;
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(import_rows(s, NULL, rows, 2, &rep, &im, &err), SW_OK);
	assert_int_equal(rep->inserted, 2);
	assert_true(rep->committed);
	assert_int_equal(rep->ntransforms, 1);
	assert_string_equal(rep->transforms[0].src_crs, "EPSG:4326");
	assert_non_null(rep->transforms[0].operation);
	assert_true(rep->transforms[0].accuracy > 0);
	sw_importer_free(im);
	assert_int_equal(import_rows(s, NULL, rows, 2, &rep, &im, &err), SW_OK);
	assert_int_equal(rep->inserted, 0);
	assert_int_equal(rep->unchanged, 2);
	sw_importer_free(im);
	assert_int_equal(count(s), 2);
	sw_store_close(s);
}

static enum sw_status count_updates(const struct sw_history_row *h, void *ud)
{
	if (strcmp(h->action, "update") == 0 && h->field != NULL &&
	    strcmp(h->field, "width_m") == 0)
		(*(int *)ud)++;
	return SW_OK;
}

static void importer_changed_value_updates_with_history(void **state)
{
	static const char *const rows[][4] = {{"kerb_ramp", "51.8143125", "4.6606029", "1.5"}};
	static const char *const changed[][4] = {{"kerb_ramp", "51.8143125", "4.6606029", "1.6"}};
	struct sw_store *s = new_store("update.gpkg");
	const struct sw_import_report *rep;
	struct sw_importer *im = NULL;
	struct sw_error err = {0};
	struct sw_point q;
	int nupd = 0;

	(void)state;
	sw_point_init(&q);
	/* rows without uuid: the derived uuid does not depend on measurements */
	assert_int_equal(import_rows(s, NULL, rows, 1, &rep, &im, &err), SW_OK);
	sw_importer_free(im);
	assert_int_equal(import_rows(s, NULL, changed, 1, &rep, &im, &err), SW_OK);
	assert_int_equal(rep->updated, 1);
	assert_int_equal(rep->inserted, 0);
	sw_importer_free(im);
	assert_int_equal(count(s), 1);
	assert_int_equal(sw_store_get(s, "1", &q, &err), SW_OK);
	assert_true(sw_point_get_attr(&q, "width_m")->r == 1.6);
	assert_int_equal(sw_store_history(s, q.uuid, count_updates, &nupd, &err), SW_OK);
	assert_int_equal(nupd, 1);
	sw_point_clear(&q);
	sw_store_close(s);
}

static void importer_rejected_row_rolls_back_everything(void **state)
{
	static const char *const rows[][4] = {{"kerb_ramp", "51.8143125", "4.6606029", "1.5"},
	                                      {"kerb_ramp", "51.79583", "4.67833", "99"},
	                                      {"kerb_ramp", "4.6606029", "51.8143125", "1"},
	                                      {"kerb_ramp", "51.79", "4.67", "1"}};
	struct sw_store *s = new_store("rollback.gpkg");
	struct rejected rj = {0};
	struct sw_import_opts o = {.reject = on_reject, .reject_ud = &rj};
	const struct sw_import_report *rep;
	struct sw_importer *im = NULL;
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(import_rows(s, &o, rows, 4, &rep, &im, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "2 of 4 rows rejected"));
	assert_int_equal(rep->rejected, 2);
	assert_false(rep->committed);
	assert_int_equal(rep->nmessages, 2);
	assert_non_null(strstr(rep->messages[0], "in.csv:3: "));
	assert_non_null(strstr(rep->messages[0], "width_m"));
	assert_non_null(strstr(rep->messages[1], "in.csv:4: "));
	assert_non_null(strstr(rep->messages[1], "swapped"));
	assert_int_equal(rj.n, 2);
	assert_int_equal(rj.pos[0], 3);
	assert_int_equal(rj.pos[1], 4);
	sw_importer_free(im);
	assert_int_equal(count(s), 0);
	sw_store_close(s);
}

static void importer_skip_invalid_keeps_the_good_rows(void **state)
{
	static const char *const rows[][4] = {{"kerb_ramp", "51.8143125", "4.6606029", "1.5"},
	                                      {"kerb_ramp", "51.79583", "4.67833", "99"},
	                                      {"kerb_ramp", "51.79", "4.67", "1"}};
	struct sw_store *s = new_store("skip.gpkg");
	struct rejected rj = {0};
	struct sw_import_opts o = {.skip_invalid = true, .reject = on_reject, .reject_ud = &rj};
	const struct sw_import_report *rep;
	struct sw_importer *im = NULL;
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(import_rows(s, &o, rows, 3, &rep, &im, &err), SW_OK);
	assert_int_equal(rep->inserted, 2);
	assert_int_equal(rep->rejected, 1);
	assert_int_equal(rj.n, 1);
	assert_int_equal(rj.pos[0], 3);
	assert_non_null(strstr(rj.reason[0], "width_m"));
	sw_importer_free(im);
	assert_int_equal(count(s), 2);
	sw_store_close(s);
}

static void importer_dry_run_changes_nothing(void **state)
{
	static const char *const rows[][4] = {{"kerb_ramp", "51.8143125", "4.6606029", "1.5"}};
	struct sw_store *s = new_store("dry.gpkg");
	struct sw_import_opts o = {.dry_run = true};
	const struct sw_import_report *rep;
	struct sw_importer *im = NULL;
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(import_rows(s, &o, rows, 1, &rep, &im, &err), SW_OK);
	assert_int_equal(rep->inserted, 1);
	assert_false(rep->committed);
	sw_importer_free(im);
	assert_int_equal(count(s), 0);
	sw_store_close(s);
}

static void importer_unknown_column_stops_the_file(void **state)
{
	static const char *const k[] = {"type", "x", "y", "kleur"};
	static const char *const v[] = {"kerb_ramp", "104897", "425327", "rood"};
	struct sw_record r = rec(k, v, 4, 104897, 425327, "EPSG:28992", 2);
	struct sw_store *s = new_store("unknown.gpkg");
	struct sw_importer *im = NULL;
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(sw_importer_new(s, forms, NULL, &im, &err), SW_OK);
	assert_int_equal(sw_importer_record_cb(&r, im, &err), SW_ERR_INPUT);
	assert_non_null(strstr(err.msg, "in.csv"));
	assert_non_null(strstr(err.msg, "'kleur'"));
	assert_non_null(strstr(err.msg, "--map kleur="));
	sw_importer_free(im);
	assert_int_equal(count(s), 0);
	sw_store_close(s);
}

static void importer_rd_input_needs_no_transformation(void **state)
{
	static const char *const k[] = {"type", "x", "y", "uuid"};
	static const char *const v[] = {"crossing", "104897.5", "425327.25",
	                                "0B8E4F5C-2A71-4C39-9D0E-5F6A7B8C9D0E"};
	struct sw_record r = rec(k, v, 4, 104897.5, 425327.25, "EPSG:28992", 2);
	struct sw_store *s = new_store("rd.gpkg");
	struct sw_importer *im = NULL;
	struct sw_error err = {0};
	struct sw_point p;

	(void)state;
	sw_point_init(&p);
	assert_int_equal(sw_importer_new(s, forms, NULL, &im, &err), SW_OK);
	assert_int_equal(sw_importer_record_cb(&r, im, &err), SW_OK);
	assert_int_equal(sw_importer_finish(im, &err), SW_OK);
	assert_null(sw_importer_report(im)->transforms[0].operation);
	sw_importer_free(im);
	assert_int_equal(sw_store_get_by_uuid(s, "0b8e4f5c-2a71-4c39-9d0e-5f6a7b8c9d0e", &p, &err),
	                 SW_OK);
	assert_true(p.x == 104897.5 && p.y == 425327.25);
	sw_point_clear(&p);
	sw_store_close(s);
}

static void importer_repeated_row_in_a_new_store_is_matched(void **state)
{
	/* the third row is the first again, changed: an update of the same point */
	static const char *const rows[][4] = {{"kerb_ramp", "51.8143125", "4.6606029", "1.5"},
	                                      {"kerb_ramp", "51.8143125", "4.6606029", "1.5"},
	                                      {"kerb_ramp", "51.8143125", "4.6606029", "1.7"}};
	struct sw_store *s = new_store("repeat.gpkg");
	const struct sw_import_report *rep;
	struct sw_importer *im = NULL;
	struct sw_error err = {0};

	(void)state;
	assert_int_equal(import_rows(s, NULL, rows, 3, &rep, &im, &err), SW_OK);
	assert_int_equal(rep->inserted, 1);
	assert_int_equal(rep->unchanged, 1);
	assert_int_equal(rep->updated, 1);
	assert_int_equal(rep->rejected, 0);
	sw_importer_free(im);
	assert_int_equal(count(s), 1);
	sw_store_close(s);
}

static void importer_bulk_mode_keeps_the_spatial_index(void **state)
{
	static const char *const rows[][4] = {{"kerb_ramp", "51.8143125", "4.6606029", "1.5"},
	                                      {"kerb_ramp", "51.79583", "4.67833", "1.2"}};
	struct sw_store *s = new_store("bulk.gpkg");
	struct sw_import_opts o = {.bulk = true};
	const struct sw_import_report *rep;
	struct sw_importer *im = NULL;
	struct sw_error err = {0};
	struct sw_filter f = {
	    .has_bbox = true, .minx = 106000, .miny = 423000, .maxx = 106200, .maxy = 423400};
	long long n = 0;

	(void)state;
	assert_int_equal(import_rows(s, &o, rows, 2, &rep, &im, &err), SW_OK);
	assert_int_equal(rep->inserted, 2);
	sw_importer_free(im);
	assert_int_equal(count(s), 2);
	/* the R-tree finds the municipality point (RD ~ 106099, 423259) */
	assert_int_equal(sw_store_count(s, &f, &n, &err), SW_OK);
	assert_int_equal(n, 1);
	sw_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(coord_roles_know_dutch_and_english_names),
	    cmocka_unit_test(apply_maps_known_columns_and_fields),
	    cmocka_unit_test(apply_uses_defaults_for_missing_columns),
	    cmocka_unit_test(apply_collects_every_problem_of_a_row),
	    cmocka_unit_test(apply_without_type_asks_for_one),
	    cmocka_unit_test(apply_field_of_another_form_is_rejected),
	    cmocka_unit_test(apply_onto_a_stored_point_changes_only_given_columns),
	    cmocka_unit_test(derived_uuid_is_stable_and_version_5),
	    cmocka_unit_test(derived_uuid_differs_by_each_part),
	    cmocka_unit_test(importer_inserts_then_matches_on_reimport),
	    cmocka_unit_test(importer_changed_value_updates_with_history),
	    cmocka_unit_test(importer_rejected_row_rolls_back_everything),
	    cmocka_unit_test(importer_skip_invalid_keeps_the_good_rows),
	    cmocka_unit_test(importer_dry_run_changes_nothing),
	    cmocka_unit_test(importer_unknown_column_stops_the_file),
	    cmocka_unit_test(importer_rd_input_needs_no_transformation),
	    cmocka_unit_test(importer_repeated_row_in_a_new_store_is_matched),
	    cmocka_unit_test(importer_bulk_mode_keeps_the_spatial_index),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
