/* sync.c - schouw push / pull: a store and a shared PostGIS database kept
 * in step (sync.h). The per-field rules are sw_merge's: what the database
 * holds that the store has not seen goes through a scratch store into
 * sw_merge, then the store's own changes go up as a fast-forward. */
#include "schouw/sync.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schouw/i18n.h"
#include "schouw/num.h"
#include "schouw/pg.h"
#include "schouw/photo.h"
#include "schouw/point.h"
#include "schouw/store_sync.h"
#include "sync_priv.h"

#define DB_SCHEMA_VERSION 2 /* 2: photos, point_photos, check_results, point_verdicts */
#define SW_STR_(x) #x
#define SW_STR(x) SW_STR_(x)
#define POINT_COLS                                                                                 \
	"source, uuid, type, status, surveyor, observed_at, gps_accuracy_m, note, created_at,"     \
	" updated_at, geom"
#define N_POINT_COLS 11

/* The database's tables, version 1 (the columns of the form fields are
 * added after). */
static const char db_schema[] =
    "CREATE TABLE IF NOT EXISTS points (id bigserial PRIMARY KEY, source text NOT NULL,"
    " uuid text COLLATE \"C\" NOT NULL UNIQUE, type text NOT NULL, status text, surveyor text,"
    " observed_at text, gps_accuracy_m double precision, note text, created_at text,"
    " updated_at text, geom geometry(Point, 28992));\n"
    "CREATE INDEX IF NOT EXISTS points_geom_gist ON points USING gist (geom);\n"
    "CREATE INDEX IF NOT EXISTS points_source ON points (source);\n"
    "CREATE TABLE IF NOT EXISTS history (id bigserial PRIMARY KEY, " SW_SYNC_HISTORY_COLUMNS
    ", UNIQUE (origin, origin_seq));\n"
    "CREATE INDEX IF NOT EXISTS history_point ON history (point_uuid);\n"
    "CREATE TABLE IF NOT EXISTS sync (source text NOT NULL, origin text NOT NULL,"
    " last_seq bigint NOT NULL, PRIMARY KEY (source, origin));\n"
    /* photos by their SHA-256, once however many points or cities show
     * them; which point shows which per source */
    "CREATE TABLE IF NOT EXISTS photos (sha256 text COLLATE \"C\" PRIMARY KEY,"
    " content_type text NOT NULL, bytes bytea NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS point_photos (source text NOT NULL,"
    " point_uuid text COLLATE \"C\" NOT NULL, sha256 text COLLATE \"C\" NOT NULL"
    " REFERENCES photos, PRIMARY KEY (point_uuid, sha256));\n"
    "CREATE TABLE IF NOT EXISTS check_runs (source text NOT NULL, origin text NOT NULL,"
    " run_id bigint NOT NULL, at text NOT NULL, profile text, profile_hash text,"
    " npoints bigint, npass bigint, nfail bigint, nincomplete bigint,"
    " PRIMARY KEY (origin, run_id));\n"
    /* each run's results: per point its verdict (rule_id NULL) and the
     * rules it failed or could not be checked against */
    "CREATE TABLE IF NOT EXISTS check_results (source text NOT NULL, origin text NOT NULL,"
    " run_id bigint NOT NULL, point_uuid text COLLATE \"C\" NOT NULL, verdict text,"
    " rule_id text, field text, measured text, limit_text text, severity text, message text,"
    " rule_source text, FOREIGN KEY (origin, run_id) REFERENCES check_runs);\n"
    "CREATE INDEX IF NOT EXISTS check_results_run ON check_results (origin, run_id);\n"
    /* for QGIS: every point with its verdict in its source's latest run */
    "CREATE OR REPLACE VIEW point_verdicts AS WITH latest AS (SELECT DISTINCT ON (source)"
    " source, origin, run_id, profile, at FROM check_runs ORDER BY source, at DESC,"
    " run_id DESC) SELECT p.id, p.source, p.uuid, p.type, p.status, r.verdict, l.profile,"
    " l.at AS checked_at, p.geom FROM latest l JOIN check_results r ON r.origin = l.origin"
    " AND r.run_id = l.run_id AND r.rule_id IS NULL JOIN points p ON p.uuid = r.point_uuid"
    " AND p.source = l.source;\n";

static enum sw_status add_uuid(struct sync *y, const char *u)
{
	if (y->nuuids == y->capu) {
		size_t cap = y->capu ? y->capu * 2 : 256;
		char **g = realloc(y->uuids, cap * sizeof *g);

		if (g == NULL)
			return sw_error_nomem(y->err);
		y->uuids = g;
		y->capu = cap;
	}
	if ((y->uuids[y->nuuids] = strdup(u)) == NULL)
		return sw_error_nomem(y->err);
	y->nuuids++;
	return SW_OK;
}

void sw_sync_free_uuids(struct sync *y)
{
	for (size_t i = 0; i < y->nuuids; i++)
		free(y->uuids[i]);
	free(y->uuids);
	y->uuids = NULL;
	y->nuuids = y->capu = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates. */
static void uniq_uuids(struct sync *y)
{
	size_t k = 0;

	if (y->nuuids == 0)
		return;
	qsort(y->uuids, y->nuuids, sizeof *y->uuids, cmp_str);
	for (size_t i = 0; i < y->nuuids; i++) {
		if (k > 0 && strcmp(y->uuids[k - 1], y->uuids[i]) == 0) {
			free(y->uuids[i]);
			continue;
		}
		y->uuids[k++] = y->uuids[i];
	}
	y->nuuids = k;
}

/* The form fields, each name once. */
static enum sw_status collect_cols(struct sync *y)
{
	for (size_t f = 0; f < y->forms->nforms; f++)
		for (size_t i = 0; i < y->forms->forms[f].nfields; i++) {
			const struct sw_field *fd = &y->forms->forms[f].fields[i];
			bool seen = false;
			struct col *g;

			for (size_t k = 0; k < y->ncols && !seen; k++)
				seen = strcmp(y->cols[k].name, fd->name) == 0;
			if (seen)
				continue;
			g = realloc(y->cols, (y->ncols + 1) * sizeof *g);
			if (g == NULL)
				return sw_error_nomem(y->err);
			y->cols = g;
			y->cols[y->ncols].name = fd->name;
			y->cols[y->ncols].kind = fd->kind;
			y->ncols++;
		}
	return SW_OK;
}

/* A growing SQL text; the field names are [a-z][a-z0-9_]* (forms check). */
struct sbuf {
	char *p;
	size_t len;
	bool bad;
};

static void sb(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);
	char *g;

	if (b->bad)
		return;
	g = realloc(b->p, b->len + n + 1);
	if (g == NULL) {
		b->bad = true;
		return;
	}
	b->p = g;
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

/* ", "f1", "f2" ... with prefix before each name. */
static void sb_cols(struct sbuf *b, const struct sync *y, const char *prefix)
{
	for (size_t i = 0; i < y->ncols; i++) {
		sb(b, ", ");
		sb(b, prefix);
		sb(b, "\"");
		sb(b, y->cols[i].name);
		sb(b, "\"");
	}
}

bool sw_sync_drop_hook(const char *where)
{
	const char *v = getenv("SCHOUW_TEST_PUSH_DROP");

	return v != NULL && strcmp(v, where) == 0;
}

enum sw_status sw_sync_exec(struct sync *y, const char *sql, int n, const char *const *p,
                            sw_pg_row_cb cb, void *ud)
{
	return sw_pg_exec(y->pg, sql, n, p, cb, ud, y->err);
}

static enum sw_status read_text(int n, const char *const *v, void *ud)
{
	char **out = ud;

	if (n < 1 || v[0] == NULL)
		return SW_OK;
	free(*out);
	*out = strdup(v[0]);
	return *out ? SW_OK : SW_ERR_NOMEM;
}

/* Make the database's tables when missing (one transaction, under a lock
 * so two first pushes do not race), refuse a newer schema, add the columns
 * of the form fields, read its id. */
static enum sw_status ensure_schema(struct sync *y)
{
	struct sbuf b = {0};
	char *version = NULL;
	enum sw_status rc;

	rc = sw_sync_exec(
	    y,
	    "BEGIN; SELECT pg_advisory_xact_lock(736873);"
	    " CREATE EXTENSION IF NOT EXISTS postgis;"
	    " CREATE TABLE IF NOT EXISTS schouw_db_meta (key text PRIMARY KEY, value text);"
	    " INSERT INTO schouw_db_meta VALUES ('schema_version', '" SW_STR(
	        DB_SCHEMA_VERSION) "'),"
	                           " ('db_id', gen_random_uuid()::text) ON CONFLICT DO NOTHING",
	    0, NULL, NULL, NULL);
	if (rc == SW_OK)
		rc =
		    sw_sync_exec(y, "SELECT value FROM schouw_db_meta WHERE key = 'schema_version'",
		                 0, NULL, read_text, &version);
	if (rc == SW_OK && (version == NULL || atoi(version) > DB_SCHEMA_VERSION))
		rc = sw_error_set(y->err, SW_ERR_STORE,
		                  _("the database was set up by a newer schouw (schema %s); this "
		                    "schouw knows up to schema %d"),
		                  version ? version : "?", DB_SCHEMA_VERSION);
	if (rc == SW_OK)
		rc = sw_sync_exec(y, db_schema, 0, NULL, NULL, NULL);
	/* the versions before this one lack only tables db_schema adds */
	if (rc == SW_OK)
		rc = sw_sync_exec(y,
		                  "UPDATE schouw_db_meta SET value = '" SW_STR(
		                      DB_SCHEMA_VERSION) "' WHERE key = 'schema_version' AND "
		                                         "value::int < " SW_STR(DB_SCHEMA_VERSION),
		                  0, NULL, NULL, NULL);
	for (size_t i = 0; i < y->ncols && rc == SW_OK; i++) {
		const char *type =
		    y->cols[i].kind == SW_KIND_NUMBER ? "double precision"
		    : y->cols[i].kind == SW_KIND_INTEGER || y->cols[i].kind == SW_KIND_BOOL
		        ? "bigint"
		        : "text";

		sb(&b, "ALTER TABLE points ADD COLUMN IF NOT EXISTS \"");
		sb(&b, y->cols[i].name);
		sb(&b, "\" ");
		sb(&b, type);
		sb(&b, ";");
	}
	if (rc == SW_OK && b.len > 0)
		rc = b.bad ? sw_error_nomem(y->err) : sw_sync_exec(y, b.p, 0, NULL, NULL, NULL);
	if (rc == SW_OK)
		rc = sw_sync_exec(y, "SELECT value FROM schouw_db_meta WHERE key = 'db_id'", 0,
		                  NULL, read_text, &y->db_id);
	if (rc == SW_OK && y->db_id == NULL)
		rc = sw_error_set(y->err, SW_ERR_STORE, _("the database has no db_id"));
	if (rc == SW_OK)
		rc = sw_sync_exec(y, "COMMIT", 0, NULL, NULL, NULL);
	else
		sw_pg_exec(y->pg, "ROLLBACK", 0, NULL, NULL, NULL, NULL);
	free(version);
	free(b.p);
	return rc;
}

static enum sw_status read_vv(int n, const char *const *v, void *ud)
{
	struct sync *y = ud;
	struct sw_sync_vv *g;

	if (n < 2 || v[0] == NULL || v[1] == NULL)
		return SW_OK;
	g = realloc(y->dbv.v, (y->dbv.n + 1) * sizeof *g);
	if (g == NULL)
		return sw_error_nomem(y->err);
	y->dbv.v = g;
	if ((g[y->dbv.n].origin = strdup(v[0])) == NULL)
		return sw_error_nomem(y->err);
	g[y->dbv.n++].seq = atoll(v[1]);
	return SW_OK;
}

/* A history row of the database into the scratch store. */
static enum sw_status pulled_row(int n, const char *const *v, void *ud)
{
	struct sync *y = ud;
	struct sw_sync_row r = {0};
	enum sw_status rc;

	if (n < 9 || v[0] == NULL || v[1] == NULL || v[6] == NULL || v[7] == NULL)
		return SW_OK;
	r.uuid = v[0];
	r.action = v[1];
	r.field = v[2];
	r.old_value = v[3];
	r.new_value = v[4];
	r.who = v[5];
	r.at = v[6];
	r.origin = v[7];
	r.origin_seq = atoll(v[8] ? v[8] : "0");
	rc = sw_store_sync_import(y->scratch, &r, y->err);
	if (rc == SW_OK)
		rc = add_uuid(y, r.uuid);
	return rc;
}

static bool num(const char *s, double *out)
{
	return s != NULL && sw_num_parse(s, SW_NUM_STRICT, out);
}

/* A point row of the database into the scratch store. */
static enum sw_status pulled_point(int n, const char *const *v, void *ud)
{
	struct sync *y = ud;
	struct sw_point p;
	enum sw_status rc = SW_OK;
	double d;

	if (n < 11 + (int)y->ncols || v[0] == NULL || v[1] == NULL || !sw_uuid_valid(v[0]))
		return SW_OK;
	sw_point_init(&p);
	memcpy(p.uuid, v[0], SW_UUID_LEN + 1);
	rc = sw_point_set_str(&p.type, v[1], y->err);
	if (rc == SW_OK)
		rc = sw_point_set_str(&p.status, v[2], y->err);
	if (rc == SW_OK)
		rc = sw_point_set_str(&p.surveyor, v[3], y->err);
	if (rc == SW_OK)
		rc = sw_point_set_str(&p.observed_at, v[4], y->err);
	p.gps_accuracy_m = num(v[5], &d) ? d : NAN;
	if (rc == SW_OK)
		rc = sw_point_set_str(&p.note, v[6], y->err);
	p.x = num(v[9], &d) ? d : NAN;
	p.y = num(v[10], &d) ? d : NAN;
	for (size_t i = 0; i < y->ncols && rc == SW_OK; i++) {
		const char *t = v[11 + i];
		struct sw_value val = {.t = SW_V_NULL};

		if (t == NULL)
			continue;
		if (y->cols[i].kind == SW_KIND_NUMBER && num(t, &d)) {
			val.t = SW_V_REAL;
			val.r = d;
		} else if ((y->cols[i].kind == SW_KIND_INTEGER ||
		            y->cols[i].kind == SW_KIND_BOOL) &&
		           num(t, &d)) {
			val.t = SW_V_INT;
			val.i = (long long)d;
		} else if (y->cols[i].kind == SW_KIND_ENUM || y->cols[i].kind == SW_KIND_TEXT) {
			val.t = SW_V_TEXT;
			val.s = (char *)t;
		}
		if (val.t != SW_V_NULL)
			rc = sw_point_set_attr(&p, y->cols[i].name, &val, y->err);
	}
	if (rc == SW_OK)
		rc = sw_store_insert(y->scratch, &p, "schouw pull", y->err);
	if (rc == SW_OK)
		rc = sw_store_sync_stamp(y->scratch, p.uuid, v[7], v[8], y->err);
	sw_point_clear(&p);
	return rc;
}

/* A photo of a pulled point into the scratch store: its bytes from the
 * store when it holds them already (by hash), else from the database. */
static enum sw_status pulled_photo(int n, const char *const *v, void *ud)
{
	struct sync *y = ud;
	const char *p[1] = {n >= 2 ? v[1] : NULL};
	struct sw_point pt;
	long long have = 0;
	void *data = NULL;
	size_t len = 0;
	char *hex = NULL;
	enum sw_status rc;

	if (n < 2 || v[0] == NULL || v[1] == NULL)
		return SW_OK;
	sw_point_init(&pt);
	rc = sw_store_get_by_uuid(y->scratch, v[0], &pt, y->err);
	if (rc == SW_ERR_NOTFOUND) { /* deleted since */
		sw_point_clear(&pt);
		return SW_OK;
	}
	if (rc == SW_OK)
		rc = sw_store_photo_find(y->s, v[1], &have, y->err);
	if (rc == SW_OK && have != 0)
		rc = sw_store_photo_get(y->s, have, &data, &len, NULL, y->err);
	if (rc == SW_OK && have == 0) {
		rc = sw_sync_exec(y, "SELECT bytes FROM photos WHERE sha256 = $1", 1, p, read_text,
		                  &hex);
		if (rc == SW_ERR_NOMEM)
			rc = sw_error_nomem(y->err);
		if (rc == SW_OK && hex == NULL)
			rc = sw_error_set(y->err, SW_ERR_STORE,
			                  _("the database has no photo %s for point %s"), v[1],
			                  v[0]);
		if (rc == SW_OK && (data = sw_pg_bytea(hex, &len)) == NULL)
			rc = sw_error_nomem(y->err);
	}
	if (rc == SW_OK)
		rc = sw_store_photo_add(y->scratch, pt.id, data, len, y->o->who, NULL, y->err);
	free(hex);
	free(data);
	sw_point_clear(&pt);
	return rc;
}

static void scratch_drop(struct sync *y)
{
	char path[320];
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};

	sw_store_close(y->scratch);
	y->scratch = NULL;
	if (y->scratch_dir[0] == '\0')
		return;
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(path, sizeof path, "%s/pull.gpkg%s", y->scratch_dir, ext[i]);
		unlink(path);
	}
	rmdir(y->scratch_dir);
	y->scratch_dir[0] = '\0';
}

/* Inside the database's transaction: what it holds that the store has not
 * seen, merged into the store (its transaction left open). */
static enum sw_status pull_into_store(struct sync *y)
{
	const char *tmp = getenv("TMPDIR");
	struct sw_merge_opts mo = {.prefer = y->o->prefer, .who = y->o->who, .hold = true};
	struct sbuf arr = {0};
	struct sbuf q = {0};
	char path[320], seq[32];
	bool any = false;
	enum sw_status rc;

	rc = sw_store_sync_vector(y->s, &y->ours, y->err);
	if (rc != SW_OK)
		return rc;
	for (size_t i = 0; i < y->dbv.n; i++)
		if (strcmp(y->dbv.v[i].origin, y->our_id) != 0 &&
		    y->dbv.v[i].seq > sw_sync_vector_get(&y->ours, y->dbv.v[i].origin))
			any = true;
	if (!any)
		return sw_store_begin(y->s, y->err);
	snprintf(y->scratch_dir, sizeof y->scratch_dir, "%s/schouw-pull.XXXXXX",
	         tmp ? tmp : "/tmp");
	if (mkdtemp(y->scratch_dir) == NULL) {
		y->scratch_dir[0] = '\0';
		return sw_error_set(y->err, SW_ERR_IO, _("cannot make a scratch directory in %s"),
		                    tmp ? tmp : "/tmp");
	}
	snprintf(path, sizeof path, "%s/pull.gpkg", y->scratch_dir);
	rc = sw_store_create(path, y->err);
	if (rc == SW_OK)
		rc = sw_store_open(path, SW_STORE_WRITE, &y->scratch, y->err);
	if (rc == SW_OK)
		rc = sw_store_sync_fields(y->scratch, y->forms, y->err);
	if (rc == SW_OK)
		rc = sw_store_meta_set(y->scratch, "store_id", y->db_id, y->err);
	if (rc != SW_OK)
		goto out;
	sw_store_sync_quiet(y->scratch, true);
	rc = sw_store_begin(y->scratch, y->err);
	for (size_t i = 0; i < y->dbv.n && rc == SW_OK; i++) {
		const char *origin = y->dbv.v[i].origin;
		long long have = sw_sync_vector_get(&y->ours, origin);
		const char *p[3] = {y->o->source, origin, seq};

		if (strcmp(origin, y->our_id) == 0 || y->dbv.v[i].seq <= have)
			continue;
		snprintf(seq, sizeof seq, "%lld", have);
		rc = sw_sync_exec(
		    y,
		    "SELECT point_uuid, action, field, old_value, new_value, who, at, origin,"
		    " origin_seq FROM history WHERE source = $1 AND origin = $2 AND"
		    " origin_seq > $3::bigint ORDER BY origin_seq",
		    3, p, pulled_row, y);
	}
	for (size_t i = 0; i < y->dbv.n && rc == SW_OK; i++)
		rc = sw_store_sync_seen(y->scratch, y->dbv.v[i].origin, y->dbv.v[i].seq, y->err);
	if (rc != SW_OK)
		goto out;
	uniq_uuids(y);
	sb(&arr, "{");
	for (size_t i = 0; i < y->nuuids; i++) {
		if (i > 0)
			sb(&arr, ",");
		sb(&arr, y->uuids[i]);
	}
	sb(&arr, "}");
	sb(&q, "SELECT uuid, type, status, surveyor, observed_at, gps_accuracy_m, note,"
	       " created_at, updated_at, ST_X(geom), ST_Y(geom)");
	sb_cols(&q, y, "");
	sb(&q, " FROM points WHERE source = $1 AND uuid = ANY($2::text[])");
	if (arr.bad || q.bad) {
		rc = sw_error_nomem(y->err);
		goto out;
	}
	{
		const char *p[2] = {y->o->source, arr.p};

		rc = sw_sync_exec(y, q.p, 2, p, pulled_point, y);
		if (rc == SW_OK)
			rc = sw_sync_exec(
			    y,
			    "SELECT point_uuid, sha256 FROM point_photos WHERE source = $1"
			    " AND point_uuid = ANY($2::text[]) ORDER BY point_uuid, sha256",
			    2, p, pulled_photo, y);
	}
	if (rc == SW_OK)
		rc = sw_store_commit(y->scratch, y->err);
	if (rc == SW_OK)
		rc = sw_merge(y->s, y->scratch, &mo, &y->st->pulled, y->err);
out:
	if (y->scratch != NULL)
		sw_store_rollback(y->scratch);
	sw_sync_free_uuids(y);
	free(arr.p);
	free(q.p);
	return rc;
}

/* Keep the highest seq per origin pushed; the rows come grouped by origin,
 * so the last entry is nearly always the one. */
static enum sw_status note_sent(struct sync *y, const char *origin, long long seq)
{
	struct sw_sync_vector *v = &y->sent;
	struct sw_sync_vv *g;
	size_t i = v->n;

	if (i > 0 && strcmp(v->v[i - 1].origin, origin) == 0)
		i--;
	else
		for (i = 0; i < v->n && strcmp(v->v[i].origin, origin) != 0; i++)
			;
	if (i == v->n) {
		g = realloc(v->v, (v->n + 1) * sizeof *g);
		if (g == NULL)
			return sw_error_nomem(y->err);
		v->v = g;
		if ((g[i].origin = strdup(origin)) == NULL)
			return sw_error_nomem(y->err);
		g[i].seq = seq;
		v->n++;
	}
	if (seq > v->v[i].seq)
		v->v[i].seq = seq;
	return SW_OK;
}

enum sw_status sw_sync_staged_row(const struct sw_sync_row *r, void *ud)
{
	struct sync *y = ud;
	enum sw_status rc;

	if (y->stop != NULL && atomic_load(y->stop))
		return sw_error_set(y->err, SW_ERR_IO, _("stopped: the push failed"));
	rc = sw_pg_bin_row(y->pg, y->fresh ? 11 : 9, y->err);
	if (rc != SW_OK)
		return rc;
	if (y->fresh)
		sw_pg_bin_int8(y->pg, ++y->history_id);
	sw_pg_bin_text(y->pg, r->uuid);
	sw_pg_bin_text(y->pg, r->action);
	sw_pg_bin_text(y->pg, r->field);
	sw_pg_bin_text(y->pg, r->who);
	sw_pg_bin_text(y->pg, r->at);
	sw_pg_bin_text(y->pg, r->origin);
	sw_pg_bin_int8(y->pg, r->origin_seq);
	sw_pg_bin_text(y->pg, r->old_value);
	sw_pg_bin_text(y->pg, r->new_value);
	if (y->fresh)
		sw_pg_bin_text(y->pg, y->o->source);
	/* the points these rows touch; a first push sends every point, so it
	 * only needs the deleted ones (to count them) */
	if (!y->fresh || strcmp(r->action, "delete") == 0)
		rc = add_uuid(y, r->uuid);
	if (rc == SW_OK)
		rc = note_sent(y, r->origin, r->origin_seq);
	if (rc == SW_OK)
		y->st->pushed_rows++;
	return rc;
}

/* A point in RD New as EWKB (little-endian, SRID 28992), what geometry's
 * binary input reads: no WKT parser, every bit of the doubles kept. */
#define EWKB_LEN (1 + 4 + 4 + 16)

static void ewkb(double x, double y, unsigned char *out)
{
	static const unsigned char head[] = {1, 1, 0, 0, 0x20, 0x40, 0x71, 0, 0};
	double d[2] = {x, y};
	unsigned char *o = out + sizeof head;

	memcpy(out, head, sizeof head); /* NDR, Point with SRID, 28992 */
	for (int k = 0; k < 2; k++) {
		uint64_t b;

		memcpy(&b, &d[k], sizeof b);
		for (int i = 0; i < 8; i++, b >>= 8)
			*o++ = (unsigned char)(b & 0xFF);
	}
}

/* A form field's value in its column's type (ensure_schema); a value the
 * column cannot hold fails the push, as the database would. */
static enum sw_status bin_attr(struct sync *y, const struct col *c, const struct sw_value *a)
{
	double d;

	if (a == NULL || a->t == SW_V_NULL) {
		sw_pg_bin_null(y->pg);
		return SW_OK;
	}
	if (c->kind == SW_KIND_NUMBER) {
		if (a->t == SW_V_REAL || a->t == SW_V_INT)
			d = a->t == SW_V_REAL ? a->r : (double)a->i;
		else if (!num(a->s, &d))
			goto bad;
		sw_pg_bin_float8(y->pg, d);
	} else if (c->kind == SW_KIND_INTEGER || c->kind == SW_KIND_BOOL) {
		if (a->t == SW_V_INT)
			d = (double)a->i;
		else if (a->t == SW_V_REAL)
			d = a->r;
		else if (!num(a->s, &d))
			goto bad;
		if (d != floor(d) || fabs(d) > 9.0e18)
			goto bad;
		sw_pg_bin_int8(y->pg, a->t == SW_V_INT ? a->i : (long long)d);
	} else if (a->t == SW_V_TEXT) {
		sw_pg_bin_text(y->pg, a->s);
	} else {
		char *t = sw_value_to_text(a);

		if (t == NULL)
			return sw_error_nomem(y->err);
		sw_pg_bin_text(y->pg, t);
		free(t);
	}
	return SW_OK;
bad:
	return sw_error_set(y->err, SW_ERR_INPUT, _("field %s: a value that is no number"),
	                    c->name);
}

/* The columns of points after source and before geom (POINT_COLS), with
 * what their database columns hold. */
static const struct col fixed_cols[] = {
    {"uuid", SW_KIND_TEXT},     {"type", SW_KIND_TEXT},        {"status", SW_KIND_TEXT},
    {"surveyor", SW_KIND_TEXT}, {"observed_at", SW_KIND_TEXT}, {"gps_accuracy_m", SW_KIND_NUMBER},
    {"note", SW_KIND_TEXT},     {"created_at", SW_KIND_TEXT},  {"updated_at", SW_KIND_TEXT}};
#define N_FIXED (sizeof fixed_cols / sizeof fixed_cols[0])

/* The names of the columns a row of points goes up with (fixed_cols, then
 * the form fields), for sw_store_scan; caller frees. NULL: out of memory. */
static const char **row_names(const struct sync *y)
{
	const char **names = calloc(N_FIXED + y->ncols, sizeof *names);

	for (size_t i = 0; names != NULL && i < N_FIXED + y->ncols; i++)
		names[i] = i < N_FIXED ? fixed_cols[i].name : y->cols[i - N_FIXED].name;
	return names;
}

/* A row of the store as it is stored (sw_store_scan with row_names) into
 * the points COPY: POINT_COLS and the form fields, on a first push led by
 * the store's id (unique there: no nextval per row). */
static enum sw_status stage_row(const struct sw_store_row *r, void *ud)
{
	struct sync *y = ud;
	unsigned char geom[EWKB_LEN];
	enum sw_status rc =
	    sw_pg_bin_row(y->pg, (y->fresh ? 1 : 0) + N_POINT_COLS + (int)y->ncols, y->err);

	if (rc != SW_OK)
		return rc;
	if (y->fresh)
		sw_pg_bin_int8(y->pg, r->id);
	sw_pg_bin_text(y->pg, y->o->source);
	for (size_t i = 0; i < N_FIXED && rc == SW_OK; i++)
		rc = bin_attr(y, &fixed_cols[i], &r->v[i]);
	if (isnan(r->x) || isnan(r->y)) {
		sw_pg_bin_null(y->pg);
	} else {
		ewkb(r->x, r->y, geom);
		sw_pg_bin_bytes(y->pg, geom, sizeof geom);
	}
	for (size_t i = 0; i < y->ncols && rc == SW_OK; i++)
		rc = bin_attr(y, &y->cols[i], &r->v[N_FIXED + i]);
	if (rc == SW_OK)
		y->st->pushed_points++;
	return rc;
}

/* Staging the touched points of a later push: y->uuids sorted, found[i]
 * set for each one the store still has. */
struct staging {
	struct sync *y;
	bool *found;
	struct sw_value *v; /* N_FIXED + ncols, for point_row */
};

static enum sw_status stage_if_touched(const struct sw_store_row *r, void *ud)
{
	struct staging *g = ud;
	const char *key = r->v[0].t == SW_V_TEXT ? r->v[0].s : "";
	char **hit = bsearch(&key, g->y->uuids, g->y->nuuids, sizeof *g->y->uuids, cmp_str);

	if (hit == NULL)
		return SW_OK;
	g->found[hit - g->y->uuids] = true;
	return stage_row(r, g->y);
}

static struct sw_value text_value(const char *s)
{
	return s ? (struct sw_value){.t = SW_V_TEXT, .s = (char *)s} : (struct sw_value){0};
}

/* A point read by uuid into the points COPY, as the row it is stored as. */
static enum sw_status point_row(struct staging *g, const struct sw_point *p)
{
	struct sw_store_row r = {.id = p->id, .x = p->x, .y = p->y, .v = g->v};
	const char *text[N_FIXED] = {p->uuid, p->type, p->status,     p->surveyor,  p->observed_at,
	                             NULL,    p->note, p->created_at, p->updated_at};

	for (size_t i = 0; i < N_FIXED; i++)
		g->v[i] = text_value(text[i]);
	if (!isnan(p->gps_accuracy_m))
		g->v[5] = (struct sw_value){.t = SW_V_REAL, .r = p->gps_accuracy_m};
	for (size_t i = 0; i < g->y->ncols; i++) {
		const struct sw_value *a = sw_point_get_attr(p, g->y->cols[i].name);

		g->v[N_FIXED + i] = a ? *a : (struct sw_value){0};
	}
	return stage_row(&r, g->y);
}

static enum sw_status staged_run(const struct sw_check_run_info *r, void *ud)
{
	struct sync *y = ud;
	char id[32], n[4][32];
	const char *v[9] = {y->our_id, id,   r->at, r->profile, r->profile_hash,
	                    n[0],      n[1], n[2],  n[3]};

	snprintf(id, sizeof id, "%lld", r->id);
	snprintf(n[0], sizeof n[0], "%lld", r->counts.npoints);
	snprintf(n[1], sizeof n[1], "%lld", r->counts.npass);
	snprintf(n[2], sizeof n[2], "%lld", r->counts.nfail);
	snprintf(n[3], sizeof n[3], "%lld", r->counts.nincomplete);
	return sw_pg_copy_row(y->pg, 9, v, y->err);
}

struct run_ids {
	struct sync *y;
	long long *v;
	size_t n;
};

static enum sw_status new_run(int n, const char *const *v, void *ud)
{
	struct run_ids *r = ud;
	long long *g;

	if (n < 1 || v[0] == NULL)
		return SW_OK;
	g = realloc(r->v, (r->n + 1) * sizeof *g);
	if (g == NULL)
		return sw_error_nomem(r->y->err);
	r->v = g;
	r->v[r->n++] = atoll(v[0]);
	return SW_OK;
}

struct result_copy {
	struct sync *y;
	char run[32];
};

static enum sw_status staged_result(const struct sw_check_row *c, void *ud)
{
	struct result_copy *rc = ud;
	const char *v[12] = {rc->y->o->source, rc->y->our_id, rc->run,    c->point_uuid,
	                     c->verdict,       c->rule_id,    c->field,   c->measured,
	                     c->limit_text,    c->severity,   c->message, c->source};

	if (c->point_uuid == NULL)
		return SW_OK; /* a point since deleted: nothing to show it on */
	return sw_pg_copy_row(rc->y->pg, 12, v, rc->y->err);
}

/* The store's check runs (their counts), each once: a handful per push;
 * with the results of each run the database did not have. */
static enum sw_status push_runs(struct sync *y)
{
	const char *src[1] = {y->o->source};
	struct run_ids fresh = {.y = y};
	enum sw_status rc;

	rc = sw_sync_exec(
	    y,
	    "CREATE TEMP TABLE stage_runs (origin text, run_id bigint, at text,"
	    " profile text, profile_hash text, npoints bigint, npass bigint, nfail bigint,"
	    " nincomplete bigint) ON COMMIT DROP",
	    0, NULL, NULL, NULL);
	if (rc == SW_OK)
		rc = sw_pg_copy_begin(y->pg, "COPY stage_runs FROM STDIN", y->err);
	if (rc == SW_OK) {
		rc = sw_store_check_runs(y->s, NULL, NULL, NULL, staged_run, y, y->err);
		rc = sw_pg_copy_finish(y->pg, rc, y->err);
	}
	if (rc == SW_OK)
		rc =
		    sw_sync_exec(y,
		                 "SELECT s.run_id FROM stage_runs s WHERE NOT EXISTS (SELECT 1 FROM"
		                 " check_runs c WHERE c.origin = s.origin AND c.run_id = s.run_id)"
		                 " ORDER BY 1",
		                 0, NULL, new_run, &fresh);
	if (rc == SW_OK)
		rc = sw_sync_exec(y,
		                  "INSERT INTO check_runs SELECT $1, * FROM stage_runs"
		                  " ON CONFLICT (origin, run_id) DO NOTHING",
		                  1, src, NULL, NULL);
	if (rc == SW_OK && fresh.n > 0) {
		rc = sw_pg_copy_begin(
		    y->pg,
		    "COPY check_results (source, origin, run_id, point_uuid, verdict,"
		    " rule_id, field, measured, limit_text, severity, message,"
		    " rule_source) FROM STDIN",
		    y->err);
		if (rc == SW_OK) {
			for (size_t i = 0; i < fresh.n && rc == SW_OK; i++) {
				struct result_copy c = {.y = y};

				snprintf(c.run, sizeof c.run, "%lld", fresh.v[i]);
				rc = sw_store_check_results(y->s, fresh.v[i], staged_result, &c,
				                            y->err);
				y->st->pushed_runs++;
			}
			rc = sw_pg_copy_finish(y->pg, rc, y->err);
		}
	}
	free(fresh.v);
	return rc;
}

/* ---- photos: by their SHA-256, the bytes only when the database lacks
 * them ---- */

struct photo_ref {
	char uuid[SW_UUID_LEN + 1];
	char sha[65];
	long long id; /* in the store */
};

struct photo_refs {
	struct sync *y;
	struct photo_ref *v;
	size_t n, cap;
	char **missing; /* the hashes the database lacks, sorted */
	size_t nmissing;
};

/* A photo of a point that goes up: every point on a first push, else the
 * points the rows sent touch (a photo added wrote such a row). */
static enum sw_status photo_noted(const struct sw_photo *ph, void *ud)
{
	struct photo_refs *r = ud;
	const char *key = ph->point_uuid;

	if (key == NULL || ph->sha256 == NULL || strlen(key) > SW_UUID_LEN ||
	    strlen(ph->sha256) > 64)
		return SW_OK;
	if (!r->y->fresh &&
	    bsearch(&key, r->y->uuids, r->y->nuuids, sizeof *r->y->uuids, cmp_str) == NULL)
		return SW_OK;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct photo_ref *g = realloc(r->v, cap * sizeof *g);

		if (g == NULL)
			return sw_error_nomem(r->y->err);
		r->v = g;
		r->cap = cap;
	}
	snprintf(r->v[r->n].uuid, sizeof r->v[r->n].uuid, "%s", key);
	snprintf(r->v[r->n].sha, sizeof r->v[r->n].sha, "%s", ph->sha256);
	r->v[r->n++].id = ph->id;
	return SW_OK;
}

static int ref_cmp(const void *a, const void *b)
{
	return strcmp(((const struct photo_ref *)a)->sha, ((const struct photo_ref *)b)->sha);
}

static enum sw_status missing_sha(int n, const char *const *v, void *ud)
{
	struct photo_refs *r = ud;
	char **g;

	if (n < 1 || v[0] == NULL)
		return SW_OK;
	g = realloc(r->missing, (r->nmissing + 1) * sizeof *g);
	if (g == NULL)
		return sw_error_nomem(r->y->err);
	r->missing = g;
	if ((g[r->nmissing] = strdup(v[0])) == NULL)
		return sw_error_nomem(r->y->err);
	r->nmissing++;
	return SW_OK;
}

/* One photo's bytes into the photos COPY. */
static enum sw_status photo_up(struct sync *y, const struct photo_ref *ref)
{
	void *data = NULL;
	char *type = NULL;
	size_t n = 0;
	enum sw_status rc = sw_store_photo_get(y->s, ref->id, &data, &n, &type, y->err);

	if (rc == SW_OK)
		rc = sw_pg_bin_row(y->pg, 3, y->err);
	if (rc == SW_OK) {
		sw_pg_bin_text(y->pg, ref->sha);
		sw_pg_bin_text(y->pg, type ? type : "application/octet-stream");
		sw_pg_bin_bytes(y->pg, data, n);
		y->st->pushed_photos++;
	}
	free(data);
	free(type);
	return rc;
}

/* The photos of the points that went up: which point shows which, and the
 * bytes of those the database does not hold yet. */
static enum sw_status push_photos(struct sync *y)
{
	struct photo_refs r = {.y = y};
	const char *src[1] = {y->o->source};
	enum sw_status rc = sw_store_photo_list(y->s, -1, photo_noted, &r, y->err);

	if (rc != SW_OK || r.n == 0)
		goto out;
	rc = sw_sync_exec(y,
	                  "CREATE TEMP TABLE stage_photos (point_uuid text, sha256 text)"
	                  " ON COMMIT DROP",
	                  0, NULL, NULL, NULL);
	if (rc == SW_OK)
		rc = sw_pg_copy_begin(y->pg, "COPY stage_photos FROM STDIN", y->err);
	if (rc == SW_OK) {
		for (size_t i = 0; i < r.n && rc == SW_OK; i++) {
			const char *v[2] = {r.v[i].uuid, r.v[i].sha};

			rc = sw_pg_copy_row(y->pg, 2, v, y->err);
		}
		rc = sw_pg_copy_finish(y->pg, rc, y->err);
	}
	if (rc == SW_OK)
		rc = sw_sync_exec(y,
		                  "SELECT DISTINCT s.sha256 FROM stage_photos s WHERE NOT EXISTS"
		                  " (SELECT 1 FROM photos p WHERE p.sha256 = s.sha256)"
		                  " ORDER BY 1",
		                  0, NULL, missing_sha, &r);
	if (rc == SW_OK && r.nmissing > 0) {
		rc = sw_pg_copy_begin_binary(
		    y->pg, "COPY photos (sha256, content_type, bytes) FROM STDIN (FORMAT binary)",
		    y->err);
		/* each missing hash once, from a ref that has it (by hash) */
		qsort(r.v, r.n, sizeof *r.v, ref_cmp);
		for (size_t k = 0; k < r.nmissing && rc == SW_OK; k++) {
			struct photo_ref key;
			const struct photo_ref *hit;

			snprintf(key.sha, sizeof key.sha, "%s", r.missing[k]);
			hit = bsearch(&key, r.v, r.n, sizeof *r.v, ref_cmp);
			if (hit != NULL)
				rc = photo_up(y, hit);
		}
		rc = sw_pg_copy_finish(y->pg, rc, y->err);
	}
	if (rc == SW_OK)
		rc = sw_sync_exec(y,
		                  "INSERT INTO point_photos SELECT DISTINCT $1, point_uuid, sha256"
		                  " FROM stage_photos ON CONFLICT DO NOTHING",
		                  1, src, NULL, NULL);
out:
	for (size_t k = 0; k < r.nmissing; k++)
		free(r.missing[k]);
	free(r.missing);
	free(r.v);
	return rc;
}

enum sw_status sw_sync_send_history(struct sync *y, const char *sql)
{
	enum sw_status rc = sw_pg_copy_begin_binary(y->pg, sql, y->err);

	if (rc != SW_OK)
		return rc;
	rc = sw_store_sync_rows(y->s, &y->dbv, sw_sync_staged_row, y, y->err);
	return sw_pg_copy_finish(y->pg, rc, y->err);
}

/* A source's first push into the empty database (sw_sync_first_begin):
 * every point and history row COPYed straight into the tables, nothing
 * there to conflict with; the indexes are built after. */
static enum sw_status push_first(struct sync *y)
{
	struct sbuf q = {0};
	const char **names = row_names(y);
	enum sw_status rc = names ? SW_OK : sw_error_nomem(y->err);

	if (rc == SW_OK && y->loader == NULL)
		rc = sw_sync_send_history(y, "COPY history " SW_SYNC_HISTORY_COPY
		                             " FROM STDIN (FORMAT binary)");
	sb(&q, "COPY points (id, " POINT_COLS);
	sb_cols(&q, y, "");
	sb(&q, ") FROM STDIN (FORMAT binary)");
	if (rc == SW_OK && q.bad)
		rc = sw_error_nomem(y->err);
	if (rc == SW_OK)
		rc = sw_pg_copy_begin_binary(y->pg, q.p, y->err);
	if (rc == SW_OK) {
		rc = sw_store_scan(y->s, names, N_FIXED + y->ncols, stage_row, y, y->err);
		rc = sw_pg_copy_finish(y->pg, rc, y->err);
	}
	if (rc == SW_OK)
		rc = sw_sync_first_end(y);
	if (rc == SW_OK)
		rc = push_photos(y);
	/* the deleted points (the rows noted only those) that are gone */
	uniq_uuids(y);
	for (size_t i = 0; i < y->nuuids && rc == SW_OK; i++) {
		struct sw_point p;

		sw_point_init(&p);
		rc = sw_store_get_by_uuid(y->s, y->uuids[i], &p, y->err);
		if (rc == SW_ERR_NOTFOUND) {
			y->st->pushed_deletes++;
			rc = SW_OK;
		}
		sw_point_clear(&p);
	}
	/* the vector from what went up, not a scan of it */
	for (size_t i = 0; i < y->sent.n && rc == SW_OK; i++) {
		char seq[32];
		const char *p[3] = {y->o->source, y->sent.v[i].origin, seq};

		snprintf(seq, sizeof seq, "%lld", y->sent.v[i].seq);
		rc = sw_sync_exec(y, "INSERT INTO sync VALUES ($1, $2, $3::bigint)", 3, p, NULL,
		                  NULL);
	}
	free(names);
	free(q.p);
	return rc;
}

/* The store's rows the database lacks and the points they touch, staged
 * and applied. */
static enum sw_status push_up(struct sync *y)
{
	struct staging g = {.y = y};
	struct sbuf q = {0}, ins = {0};
	const char *src[1] = {y->o->source};
	const char **names = NULL;
	enum sw_status rc;

	if (y->fresh)
		return push_first(y);
	rc = sw_sync_exec(y,
	                  "CREATE TEMP TABLE stage_history (point_uuid text, action text,"
	                  " field text, who text, at text, origin text, origin_seq bigint,"
	                  " old_value text, new_value text) ON COMMIT DROP",
	                  0, NULL, NULL, NULL);
	if (rc == SW_OK)
		rc = sw_sync_send_history(y, "COPY stage_history FROM STDIN (FORMAT binary)");
	if (rc != SW_OK || y->nuuids == 0)
		goto out;
	uniq_uuids(y);
	g.found = calloc(y->nuuids, sizeof *g.found);
	g.v = calloc(N_FIXED + y->ncols, sizeof *g.v);
	names = row_names(y);
	if (g.found == NULL || g.v == NULL || names == NULL) {
		rc = sw_error_nomem(y->err);
		goto out;
	}
	sb(&q, "CREATE TEMP TABLE stage_points ON COMMIT DROP AS SELECT " POINT_COLS);
	sb_cols(&q, y, "");
	sb(&q, " FROM points WITH NO DATA; CREATE TEMP TABLE stage_deletes (uuid text)"
	       " ON COMMIT DROP");
	if (q.bad) {
		rc = sw_error_nomem(y->err);
		goto out;
	}
	rc = sw_sync_exec(y, q.p, 0, NULL, NULL, NULL);
	if (rc == SW_OK)
		rc = sw_pg_copy_begin_binary(y->pg, "COPY stage_points FROM STDIN (FORMAT binary)",
		                             y->err);
	if (rc == SW_OK) {
		/* many points: one pass over the store beats a lookup each */
		if (y->nuuids > 5000) {
			rc = sw_store_scan(y->s, names, N_FIXED + y->ncols, stage_if_touched, &g,
			                   y->err);
		} else {
			for (size_t i = 0; i < y->nuuids && rc == SW_OK; i++) {
				struct sw_point p;

				sw_point_init(&p);
				rc = sw_store_get_by_uuid(y->s, y->uuids[i], &p, y->err);
				if (rc == SW_OK) {
					g.found[i] = true;
					rc = point_row(&g, &p);
				} else if (rc == SW_ERR_NOTFOUND) {
					rc = SW_OK;
				}
				sw_point_clear(&p);
			}
		}
		rc = sw_pg_copy_finish(y->pg, rc, y->err);
	}
	if (rc == SW_OK)
		rc = sw_pg_copy_begin(y->pg, "COPY stage_deletes FROM STDIN", y->err);
	if (rc == SW_OK) {
		for (size_t i = 0; i < y->nuuids && rc == SW_OK; i++)
			if (!g.found[i]) {
				const char *v[1] = {y->uuids[i]};

				rc = sw_pg_copy_row(y->pg, 1, v, y->err);
				y->st->pushed_deletes++;
			}
		rc = sw_pg_copy_finish(y->pg, rc, y->err);
	}
	if (rc != SW_OK)
		goto out;
	/* a fast-forward: the pull above left the database nothing unseen */
	sb(&ins, "INSERT INTO points (" POINT_COLS);
	sb_cols(&ins, y, "");
	sb(&ins, ") SELECT " POINT_COLS);
	sb_cols(&ins, y, "");
	sb(&ins, " FROM stage_points ON CONFLICT (uuid) DO UPDATE SET type = EXCLUDED.type,"
	         " status = EXCLUDED.status, surveyor = EXCLUDED.surveyor,"
	         " observed_at = EXCLUDED.observed_at, gps_accuracy_m = EXCLUDED.gps_accuracy_m,"
	         " note = EXCLUDED.note, created_at = EXCLUDED.created_at,"
	         " updated_at = EXCLUDED.updated_at, geom = EXCLUDED.geom");
	for (size_t i = 0; i < y->ncols; i++) {
		sb(&ins, ", \"");
		sb(&ins, y->cols[i].name);
		sb(&ins, "\" = EXCLUDED.\"");
		sb(&ins, y->cols[i].name);
		sb(&ins, "\"");
	}
	sb(&ins, " WHERE points.source = EXCLUDED.source");
	if (ins.bad) {
		rc = sw_error_nomem(y->err);
		goto out;
	}
	rc = sw_sync_exec(y, ins.p, 0, NULL, NULL, NULL);
	if (rc == SW_OK)
		rc = sw_sync_exec(y,
		                  "DELETE FROM points p USING stage_deletes d WHERE p.uuid = d.uuid"
		                  " AND p.source = $1",
		                  1, src, NULL, NULL);
	if (rc == SW_OK)
		rc = sw_sync_exec(y,
		                  "DELETE FROM point_photos p USING stage_deletes d WHERE"
		                  " p.point_uuid = d.uuid AND p.source = $1",
		                  1, src, NULL, NULL);
	if (rc == SW_OK)
		rc = push_photos(y);
out:
	if (rc == SW_OK)
		rc = sw_sync_exec(
		    y,
		    "INSERT INTO history (source, point_uuid, action, field, old_value,"
		    " new_value, who, at, origin, origin_seq) SELECT $1, point_uuid,"
		    " action, field, old_value, new_value, who, at, origin, origin_seq"
		    " FROM stage_history ON CONFLICT (origin, origin_seq) DO NOTHING",
		    1, src, NULL, NULL);
	if (rc == SW_OK)
		rc = sw_sync_exec(
		    y,
		    "INSERT INTO sync SELECT $1, origin, max(origin_seq) FROM"
		    " stage_history GROUP BY origin ON CONFLICT (source, origin) DO"
		    " UPDATE SET last_seq = greatest(sync.last_seq, EXCLUDED.last_seq)",
		    1, src, NULL, NULL);
	free(g.found);
	free(g.v);
	free(names);
	free(q.p);
	free(ins.p);
	return rc;
}

static enum sw_status run(struct sw_store *s, const struct sw_forms *forms, const char *conninfo,
                          const struct sw_sync_opts *o, struct sw_sync_stats *st, bool push,
                          struct sw_error *err)
{
	struct sync y = {
	    .s = s, .forms = forms, .o = o, .st = st, .conninfo = conninfo, .err = err};
	const char *src[1] = {o->source};
	bool store_open = false, db_open = false;
	enum sw_status rc;

	memset(st, 0, sizeof *st);
	if (o->source == NULL || *o->source == '\0')
		return sw_error_set(err, SW_ERR_INPUT, _("no source (municipality) given"));
	rc = collect_cols(&y);
	if (rc == SW_OK)
		rc = sw_store_sync_id(s, &y.our_id, err);
	if (rc == SW_OK)
		rc = sw_pg_connect(conninfo, &y.pg, err);
	/* the staging tables are temporary: keep them in memory */
	if (rc == SW_OK)
		rc = sw_sync_exec(&y, "SET temp_buffers = '256MB'", 0, NULL, NULL, NULL);
	if (rc == SW_OK)
		rc = ensure_schema(&y);
	if (rc == SW_OK) {
		rc = sw_sync_exec(&y, "BEGIN", 0, NULL, NULL, NULL);
		db_open = rc == SW_OK;
	}
	/* one writer per source at a time; readers of other sources go on */
	if (rc == SW_OK)
		rc = sw_sync_exec(&y, "SELECT pg_advisory_xact_lock(hashtext('schouw:' || $1))", 1,
		                  src, NULL, NULL);
	if (rc == SW_OK && push)
		rc = sw_sync_first_sweep(&y);
	if (rc == SW_OK)
		rc = sw_sync_exec(&y, "SELECT origin, last_seq FROM sync WHERE source = $1", 1, src,
		                  read_vv, &y);
	if (rc == SW_OK) {
		rc = pull_into_store(&y);
		store_open = rc == SW_OK;
	}
	if (rc == SW_OK && push)
		rc = sw_sync_first_begin(&y);
	if (rc == SW_OK && push)
		rc = push_up(&y);
	if (rc == SW_OK && push)
		rc = push_runs(&y);
	if (rc == SW_OK && push && sw_sync_drop_hook("1"))
		rc = sw_sync_exec(&y, "SELECT pg_terminate_backend(pg_backend_pid())", 0, NULL,
		                  NULL, NULL);
	if (rc == SW_OK) {
		rc = sw_sync_exec(&y, "COMMIT", 0, NULL, NULL, NULL);
		db_open = false;
	}
	if (rc == SW_OK) {
		store_open = false;
		rc = sw_store_commit(s, err);
	}
	if (db_open)
		sw_pg_exec(y.pg, "ROLLBACK", 0, NULL, NULL, NULL, NULL);
	if (store_open)
		sw_store_rollback(s);
	/* the loader's connection last: its lock keeps its table from a
	 * sweep until the push has committed */
	sw_sync_first_close(&y, rc == SW_OK);
	scratch_drop(&y);
	sw_sync_free_uuids(&y);
	sw_sync_vector_free(&y.dbv);
	sw_sync_vector_free(&y.ours);
	sw_sync_vector_free(&y.sent);
	sw_pg_close(y.pg);
	free(y.cols);
	free(y.db_id);
	free(y.our_id);
	return rc;
}

enum sw_status sw_sync_push(struct sw_store *s, const struct sw_forms *forms, const char *conninfo,
                            const struct sw_sync_opts *o, struct sw_sync_stats *st,
                            struct sw_error *err)
{
	return run(s, forms, conninfo, o, st, true, err);
}

enum sw_status sw_sync_pull(struct sw_store *s, const struct sw_forms *forms, const char *conninfo,
                            const struct sw_sync_opts *o, struct sw_sync_stats *st,
                            struct sw_error *err)
{
	return run(s, forms, conninfo, o, st, false, err);
}
