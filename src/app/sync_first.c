/* sync_first.c - a source's first push into a database that holds nothing
 * yet: the tables load bare with COPY and get their indexes after, all in
 * the push's transaction. A million points and their million history rows
 * are two loads that need not wait for each other, so when the history
 * table is as schouw made it, a second connection (the loader, on a thread
 * of its own with its own handle on the store) loads the history into a
 * table in a schema of its own, schouw_load_*, and indexes it, while the
 * push's connection loads and indexes the points. At the end the loader
 * commits and the push's transaction puts its table in the place of the
 * empty history table.
 *
 * What can be left behind: if the push dies between the loader's commit and
 * its own (a few statements), the load schema stays; the next push drops
 * it (sw_sync_first_sweep). The loader holds a session advisory lock on its
 * schema's name for its whole life, so a sweep never takes the table of a
 * push that is still running. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "schouw/i18n.h"
#include "schouw/pg.h"
#include "schouw/store.h"
#include "sync_priv.h"

#define LOAD_PREFIX "schouw_load_"

struct sw_sync_loader {
	struct sync b; /* the loader's own push state: its store, connection, counts */
	struct sw_sync_stats st;
	struct sw_error err;
	char schema[64]; /* schouw_load_<store>_<pid>_<microsecond>, at most 50 */
	pthread_t thread;
	bool running; /* the thread was started and not joined yet */
	bool open;    /* the loader's transaction is open */
	bool done;    /* the loader committed its table */
	enum sw_status rc;
	atomic_bool stop;
	/* the history's indexes wait until the points are in: then both
	 * connections build indexes at once, instead of the history's taking
	 * a core from the points' load */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool go; /* under lock: the points are in, or the push gave up */
};

static void loader_go(struct sw_sync_loader *l)
{
	pthread_mutex_lock(&l->lock);
	l->go = true;
	pthread_cond_signal(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

static enum sw_status read_bool(int n, const char *const *v, void *ud)
{
	*(bool *)ud = n >= 1 && v[0] != NULL && strcmp(v[0], "t") == 0;
	return SW_OK;
}

/* The history table is as schouw made it: owned by this role, no grants,
 * views, triggers, policies, publications, references, comments, options or
 * indexes of anyone else's, the columns of the schema. Only then may a push
 * put another table in its place without losing what someone added. */
static const char bare_sql[] =
    "SELECT c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
    " AND c.relacl IS NULL AND NOT c.relhastriggers AND NOT c.relrowsecurity"
    " AND c.reloptions IS NULL AND c.reltablespace = 0"
    " AND obj_description(c.oid, 'pg_class') IS NULL"
    " AND has_database_privilege(current_database(), 'CREATE')"
    " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.refobjid = c.oid"
    "  AND d.classid = 'pg_rewrite'::regclass)"
    " AND NOT EXISTS (SELECT 1 FROM pg_publication_rel WHERE prrelid = c.oid)"
    " AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = c.oid)"
    " AND NOT EXISTS (SELECT 1 FROM pg_statistic_ext WHERE stxrelid = c.oid)"
    " AND NOT EXISTS (SELECT 1 FROM pg_description WHERE objoid = c.oid AND objsubid > 0)"
    " AND NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
    "  WHERE i.indrelid = c.oid AND ic.relname NOT IN"
    "  ('history_pkey', 'history_origin_origin_seq_key', 'history_point'))"
    " AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
    "  AND NOT a.attisdropped) = $1::int"
    " FROM pg_class c WHERE c.oid = 'history'::regclass";

/* The points' indexes, dropped for the load and built after it (keeping
 * one up to date row by row costs more than building it: the primary key's
 * alone a third of the COPY); the names are those the CREATE TABLEs of the
 * schema give (one somebody dropped is made again). The keys only when no
 * other table references them. */
static const char points_drop[] = "DROP INDEX IF EXISTS points_geom_gist, points_source";
static const char points_drop_keys[] = "ALTER TABLE points DROP CONSTRAINT IF EXISTS points_pkey,"
                                       " DROP CONSTRAINT IF EXISTS points_uuid_key";
static const char points_build[] = "SET LOCAL maintenance_work_mem = '512MB';"
                                   " CREATE INDEX points_geom_gist ON points USING gist (geom);"
                                   " CREATE INDEX points_source ON points (source)";
static const char points_build_keys[] =
    "ALTER TABLE points ADD CONSTRAINT points_pkey PRIMARY KEY (id),"
    " ADD CONSTRAINT points_uuid_key UNIQUE (uuid)";
static const char history_drop[] = "DROP INDEX IF EXISTS history_point";
static const char history_drop_keys[] =
    "ALTER TABLE history DROP CONSTRAINT IF EXISTS history_origin_origin_seq_key";
static const char referenced_sql[] =
    "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = $1::regclass)";

/* The history's indexes into buf, for the table of the schema (schema
 * NULL) or the loader's, which gets its primary key after the load too;
 * keys: the unique key as well (always for the loader's). */
static void history_build(char *buf, size_t size, const char *schema, bool keys)
{
	char t[80];
	size_t n;

	snprintf(t, sizeof t, "%s%shistory", schema ? schema : "", schema ? "." : "");
	n = (size_t)snprintf(buf, size, "SET LOCAL maintenance_work_mem = '512MB';");
	if (schema != NULL && n < size)
		n += (size_t)snprintf(
		    buf + n, size - n,
		    " ALTER TABLE %s ADD CONSTRAINT history_pkey PRIMARY KEY (id);", t);
	if (keys && n < size)
		n += (size_t)snprintf(buf + n, size - n,
		                      " ALTER TABLE %s ADD CONSTRAINT history_origin_origin_seq_key"
		                      " UNIQUE (origin, origin_seq);",
		                      t);
	if (n < size)
		snprintf(buf + n, size - n, " CREATE INDEX history_point ON %s (point_uuid)", t);
}

/* The history's ids came from the client (1 .. last): its sequence goes
 * on after them. table: "history" or the loader's. */
static enum sw_status history_seq(struct sync *y, const char *table, long long last)
{
	char sql[256];

	snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence('%s', 'id'), %lld, %s)",
	         table, last > 0 ? last : 1, last > 0 ? "true" : "false");
	return sw_sync_exec(y, sql, 0, NULL, NULL, NULL);
}

static void loader_fail(struct sw_sync_loader *l)
{
	if (l->b.pg != NULL && l->open)
		sw_pg_exec(l->b.pg, "ROLLBACK", 0, NULL, NULL, NULL, NULL);
	l->open = false;
}

/* The thread: the history into LOAD.history, then its indexes; the
 * transaction is left open for sw_sync_first_end to commit. */
static void *load_history(void *arg)
{
	struct sw_sync_loader *l = arg;
	struct sync *b = &l->b;
	char sql[1024];
	enum sw_status rc;

	snprintf(sql, sizeof sql,
	         "BEGIN; CREATE SCHEMA %s; CREATE TABLE %s.history (id "
	         "bigserial, " SW_SYNC_HISTORY_COLUMNS ")",
	         l->schema, l->schema);
	rc = sw_sync_exec(b, sql, 0, NULL, NULL, NULL);
	l->open = rc == SW_OK;
	snprintf(sql, sizeof sql,
	         "COPY %s.history " SW_SYNC_HISTORY_COPY " FROM STDIN (FORMAT binary)", l->schema);
	if (rc == SW_OK)
		rc = sw_sync_send_history(b, sql);
	pthread_mutex_lock(&l->lock);
	while (!l->go)
		pthread_cond_wait(&l->cond, &l->lock);
	pthread_mutex_unlock(&l->lock);
	if (rc == SW_OK && atomic_load(&l->stop))
		rc = sw_error_set(b->err, SW_ERR_IO, _("stopped: the push failed"));
	if (rc == SW_OK && sw_sync_drop_hook("loader"))
		rc = sw_sync_exec(b, "SELECT pg_terminate_backend(pg_backend_pid())", 0, NULL, NULL,
		                  NULL);
	if (rc == SW_OK) {
		char table[80];

		snprintf(table, sizeof table, "%s.history", l->schema);
		rc = history_seq(b, table, b->history_id);
	}
	if (rc == SW_OK) {
		history_build(sql, sizeof sql, l->schema, true);
		rc = sw_sync_exec(b, sql, 0, NULL, NULL, NULL);
	}
	if (rc != SW_OK)
		loader_fail(l);
	l->rc = rc;
	return NULL;
}

/* Start the loader: its connection, lock, store handle and thread. */
static enum sw_status loader_start(struct sync *y)
{
	struct sw_sync_loader *l = calloc(1, sizeof *l);
	const char *p[1];
	struct timespec now;
	enum sw_status rc;

	if (l == NULL)
		return sw_error_nomem(y->err);
	y->loader = l;
	atomic_init(&l->stop, false);
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->cond, NULL);
	l->b = (struct sync){.o = y->o, .st = &l->st, .fresh = true, .err = &l->err};
	l->b.stop = &l->stop;
	/* a name no other push has, not even a dead one whose schema a sweep
	 * is dropping in this push's transaction (whose lock the loader would
	 * wait for): the store's id, this process and the microsecond */
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(l->schema, sizeof l->schema, LOAD_PREFIX "%.8s%.4s_%ld_%llx", y->our_id,
	         y->our_id + 9, (long)getpid(),
	         (unsigned long long)now.tv_sec * 1000000ULL +
	             (unsigned long long)now.tv_nsec / 1000);
	for (char *c = l->schema; *c; c++)
		if (*c >= 'A' && *c <= 'F')
			*c = (char)(*c - 'A' + 'a');
	p[0] = l->schema;
	rc = sw_pg_connect(y->conninfo, &l->b.pg, y->err);
	if (rc == SW_OK)
		rc = sw_pg_exec(l->b.pg, "SELECT pg_advisory_lock(hashtext($1))", 1, p, NULL, NULL,
		                y->err);
	if (rc == SW_OK)
		rc = sw_store_open(sw_store_path(y->s), SW_STORE_READ, &l->b.s, y->err);
	if (rc == SW_OK && pthread_create(&l->thread, NULL, load_history, l) != 0)
		rc = sw_error_set(y->err, SW_ERR_IO, _("cannot start a thread for the history"));
	l->running = rc == SW_OK;
	return rc;
}

enum sw_status sw_sync_first_begin(struct sync *y)
{
	static const char empty[] =
	    "SELECT NOT EXISTS (SELECT 1 FROM points) AND NOT EXISTS (SELECT 1 FROM history)";
	char ncols[16];
	const char *p[1] = {ncols}, *points[1] = {"points"}, *history[1] = {"history"};
	enum sw_status rc;
	bool e = false, bare = false, ref = true;

	y->fresh = false;
	if (y->dbv.n > 0)
		return SW_OK;
	/* a source's first push: no other writer until it is known whether
	 * the tables are empty (readers go on); two first pushes cannot both
	 * hold this lock, so the upgrade below cannot deadlock with one */
	rc = sw_sync_exec(y, "LOCK TABLE points, history IN SHARE ROW EXCLUSIVE MODE", 0, NULL,
	                  NULL, NULL);
	if (rc == SW_OK)
		rc = sw_sync_exec(y, empty, 0, NULL, read_bool, &e);
	if (rc != SW_OK || !e)
		return rc;
	rc = sw_sync_exec(y, "LOCK TABLE points, history IN ACCESS EXCLUSIVE MODE", 0, NULL, NULL,
	                  NULL);
	snprintf(ncols, sizeof ncols, "%d", SW_SYNC_HISTORY_NCOLUMNS);
	if (rc == SW_OK)
		rc = sw_sync_exec(y, bare_sql, 1, p, read_bool, &bare);
	if (rc == SW_OK)
		rc = sw_sync_exec(y, referenced_sql, 1, points, read_bool, &ref);
	y->points_keys = rc == SW_OK && !ref;
	if (rc == SW_OK)
		rc = sw_sync_exec(y, referenced_sql, 1, history, read_bool, &ref);
	y->history_keys = rc == SW_OK && !ref && !bare;
	if (rc == SW_OK)
		rc = sw_sync_exec(y, points_drop, 0, NULL, NULL, NULL);
	if (rc == SW_OK && y->points_keys)
		rc = sw_sync_exec(y, points_drop_keys, 0, NULL, NULL, NULL);
	if (rc == SW_OK && !bare)
		rc = sw_sync_exec(y, history_drop, 0, NULL, NULL, NULL);
	if (rc == SW_OK && y->history_keys)
		rc = sw_sync_exec(y, history_drop_keys, 0, NULL, NULL, NULL);
	if (rc == SW_OK && bare)
		rc = loader_start(y);
	y->fresh = rc == SW_OK;
	return rc;
}

/* Wait for the loader; its result, counts, vector and uuids become y's. */
static enum sw_status loader_join(struct sync *y)
{
	struct sw_sync_loader *l = y->loader;

	pthread_join(l->thread, NULL);
	l->running = false;
	if (l->rc != SW_OK) {
		if (y->err != NULL)
			*y->err = l->err;
		return l->rc;
	}
	y->st->pushed_rows += l->st.pushed_rows;
	sw_sync_vector_free(&y->sent);
	y->sent = l->b.sent;
	l->b.sent = (struct sw_sync_vector){0};
	sw_sync_free_uuids(y);
	y->uuids = l->b.uuids;
	y->nuuids = l->b.nuuids;
	y->capu = l->b.capu;
	l->b.uuids = NULL;
	l->b.nuuids = l->b.capu = 0;
	return SW_OK;
}

enum sw_status sw_sync_first_end(struct sync *y)
{
	struct sw_sync_loader *l = y->loader;
	char sql[1024];
	enum sw_status rc;

	if (l != NULL)
		loader_go(l);
	rc = sw_sync_exec(y, points_build, 0, NULL, NULL, NULL);
	if (rc == SW_OK && y->points_keys)
		rc = sw_sync_exec(y, points_build_keys, 0, NULL, NULL, NULL);
	/* the ids came from the store: the sequence goes on after them */
	if (rc == SW_OK)
		rc = sw_sync_exec(y,
		                  "SELECT setval(pg_get_serial_sequence('points', 'id'),"
		                  " (SELECT max(id) FROM points))",
		                  0, NULL, NULL, NULL);

	if (l == NULL) {
		if (rc == SW_OK) {
			history_build(sql, sizeof sql, NULL, y->history_keys);
			rc = sw_sync_exec(y, sql, 0, NULL, NULL, NULL);
		}
		if (rc == SW_OK)
			rc = history_seq(y, "history", y->history_id);
		return rc;
	}
	if (rc != SW_OK)
		return rc;
	rc = loader_join(y);
	if (rc == SW_OK) {
		rc = sw_pg_exec(l->b.pg, "COMMIT", 0, NULL, NULL, NULL, y->err);
		l->open = false;
		l->done = rc == SW_OK;
	}
	/* the empty table goes, with its sequence and indexes; the loaded one
	 * (with its own) takes its name and schema */
	snprintf(sql, sizeof sql,
	         "DO $$ DECLARE ns name := (SELECT relnamespace::regnamespace::name FROM pg_class"
	         " WHERE oid = 'history'::regclass); BEGIN DROP TABLE history;"
	         " EXECUTE format('ALTER TABLE %s.history SET SCHEMA %%I', ns); END $$;"
	         " DROP SCHEMA %s",
	         l->schema, l->schema);
	if (rc == SW_OK)
		rc = sw_sync_exec(y, sql, 0, NULL, NULL, NULL);
	return rc;
}

void sw_sync_first_close(struct sync *y, bool committed)
{
	struct sw_sync_loader *l = y->loader;

	if (l == NULL)
		return;
	if (l->running) {
		/* the push failed while the loader works: stop it short */
		atomic_store(&l->stop, true);
		loader_go(l);
		if (l->b.pg != NULL)
			sw_pg_cancel(l->b.pg);
		pthread_join(l->thread, NULL);
		l->running = false;
	}
	loader_fail(l);
	if (l->done && !committed && l->b.pg != NULL) {
		/* the push rolled back after the loader committed: its table
		 * goes (if this fails too, the next push's sweep takes it; a
		 * push's backend the server has not seen die yet may still hold
		 * the table: not waited for long) */
		char sql[160];

		snprintf(sql, sizeof sql, "SET lock_timeout = '5s'; DROP SCHEMA %s CASCADE",
		         l->schema);
		sw_pg_exec(l->b.pg, sql, 0, NULL, NULL, NULL, NULL);
	}
	sw_pg_close(l->b.pg);
	sw_store_close(l->b.s);
	sw_sync_free_uuids(&l->b);
	sw_sync_vector_free(&l->b.sent);
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->cond);
	free(l);
	y->loader = NULL;
}

static enum sw_status read_names(int n, const char *const *v, void *ud)
{
	char ***names = ud;
	size_t k = 0;
	char **g;

	if (n < 1 || v[0] == NULL ||
	    strspn(v[0], "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(v[0]))
		return SW_OK; /* not a name a loader makes */
	while (*names != NULL && (*names)[k] != NULL)
		k++;
	g = realloc(*names, (k + 2) * sizeof *g);
	if (g == NULL)
		return SW_ERR_NOMEM;
	*names = g;
	if ((g[k] = strdup(v[0])) == NULL)
		return SW_ERR_NOMEM;
	g[k + 1] = NULL;
	return SW_OK;
}

enum sw_status sw_sync_first_sweep(struct sync *y)
{
	char **names = NULL;
	enum sw_status rc = sw_sync_exec(
	    y, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'schouw\\_load\\_%'", 0, NULL,
	    read_names, &names);

	if (rc == SW_ERR_NOMEM)
		rc = sw_error_nomem(y->err);
	for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
		const char *p[1] = {names[i]};
		bool free_to_go = false;
		char sql[160];

		/* a live loader holds this lock for its whole session */
		if (rc == SW_OK)
			rc = sw_sync_exec(y, "SELECT pg_try_advisory_xact_lock(hashtext($1))", 1, p,
			                  read_bool, &free_to_go);
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", names[i]);
		if (rc == SW_OK && free_to_go)
			rc = sw_sync_exec(y, sql, 0, NULL, NULL, NULL);
		free(names[i]);
	}
	free(names);
	return rc;
}
