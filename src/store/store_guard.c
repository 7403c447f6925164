/* store_guard.c - the store guards itself against other clients (schema 4).
 *
 * QGIS, GDAL and the sqlite3 shell write to points without schouw. Triggers
 * made only of SQLite's built-in functions (so they fire in every client)
 * write each insert, update and delete of points into schouw_history:
 *   schouw_history_insert  first fills what the client left NULL: uuid (a
 *                          random v4 made in SQL), created_at, updated_at,
 *                          and status (schouw_meta 'default_status', the
 *                          first status of survey/statuses.ini, kept by
 *                          sw_store_sync_fields); then action insert,
 *                          new_value the record as JSON
 *   schouw_history_update  action update, one row per changed column; the
 *                          geometry as field 'geom' with old and new value
 *                          the hex of the GeoPackage blobs (built-ins cannot
 *                          decode a blob; sw_store_history turns those rows
 *                          into x and y rows); also sets updated_at when the
 *                          client did not
 *   schouw_history_delete  action delete, old_value the record as JSON
 * The records the triggers write carry x and y null and the blob as "geom"
 * (hex); sw_store_history fills x and y from it.
 * who is the schouw_meta row 'editor' (a client may set it) followed by
 * " (external edit)", else "external edit".
 *
 * schouw writes its own history rows (with the surveyor): while one of its
 * transactions is open the one-row table schouw_writer holds a row, and the
 * triggers skip. The row is inserted after BEGIN and deleted before COMMIT,
 * so no other connection ever sees it.
 *
 * The history triggers list the columns of points, so they are generated
 * from them and made again whenever the columns change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/i18n.h"
#include "store_priv.h"

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
#define WHO_SQL                                                                                    \
	"coalesce((SELECT value FROM schouw_meta WHERE key = 'editor') || ' (external edit)',"    \
	" 'external edit')"
#define NOT_SCHOUW "NOT EXISTS (SELECT 1 FROM schouw_writer)"
#define HIST_COLS "(point_id, point_uuid, action, field, old_value, new_value, who, at)"

const char *const sw_store_guard_names[SW_GUARD_NTRIG] = {
    "schouw_history_insert", "schouw_history_update", "schouw_history_delete"};

const char sw_store_guard_schema[] =
    "CREATE TABLE IF NOT EXISTS schouw_writer (id INTEGER PRIMARY KEY NOT NULL);\n";

#define UUID_V4_SQL                                                                                \
	"lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||"                \
	" substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random() % 4), 1)" \
	" || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"

/* What a client left NULL, filled with marker 2 set (so the update trigger
 * keeps out of it). */
#define FILL_SQL                                                                                   \
	" INSERT OR IGNORE INTO schouw_writer VALUES (2);"                                         \
	" UPDATE points SET uuid = coalesce(uuid, " UUID_V4_SQL "),"                                \
	" status = coalesce(status, (SELECT value FROM schouw_meta WHERE key = 'default_status')),"\
	" created_at = coalesce(created_at, " NOW_SQL "),"                                         \
	" updated_at = coalesce(updated_at, " NOW_SQL ")"                                          \
	" WHERE id = NEW.id AND (uuid IS NULL OR status IS NULL OR created_at IS NULL"             \
	" OR updated_at IS NULL);"                                                                 \
	" DELETE FROM schouw_writer WHERE id = 2;"

/* "name" with quotes doubled. */
static void sb_ident(struct sw_store_sbuf *b, const char *name)
{
	sw_store_sb_add(b, "\"");
	for (const char *c = name; *c; c++)
		sw_store_sb_add(b, *c == '"' ? "\"\"" : (char[]){*c, '\0'});
	sw_store_sb_add(b, "\"");
}

/* 'text' with quotes doubled. */
static void sb_literal(struct sw_store_sbuf *b, const char *text)
{
	sw_store_sb_add(b, "'");
	for (const char *c = text; *c; c++)
		sw_store_sb_add(b, *c == '\'' ? "''" : (char[]){*c, '\0'});
	sw_store_sb_add(b, "'");
}

/* R.col */
static void sb_ref(struct sw_store_sbuf *b, const char *r, const char *col)
{
	sw_store_sb_add(b, r);
	sw_store_sb_add(b, ".");
	sb_ident(b, col);
}

/* The record of row r (NEW or OLD) as JSON, in the key order schouw writes. */
static void sb_record(struct sw_store *s, struct sw_store_sbuf *b, const char *r)
{
	static const char *const text_cols[] = {"surveyor", "observed_at", "gps_accuracy_m",
	                                        "note",     "created_at",  "updated_at"};

	sw_store_sb_add(b, "json_object('id', ");
	sb_ref(b, r, "id");
	sw_store_sb_add(b, ", 'uuid', ");
	sb_ref(b, r, "uuid");
	sw_store_sb_add(b, ", 'type', ");
	sb_ref(b, r, "type");
	sw_store_sb_add(b, ", 'status', ");
	sb_ref(b, r, "status");
	sw_store_sb_add(b, ", 'x', NULL, 'y', NULL");
	for (size_t i = 0; i < sizeof text_cols / sizeof text_cols[0]; i++) {
		sw_store_sb_add(b, ", ");
		sb_literal(b, text_cols[i]);
		sw_store_sb_add(b, ", ");
		sb_ref(b, r, text_cols[i]);
	}
	/* json_patch drops the null members: "fields" holds the set ones */
	sw_store_sb_add(b, ", 'fields', json_patch('{}', json_object(");
	for (size_t c = 0; c < s->ncols; c++) {
		if (c > 0)
			sw_store_sb_add(b, ", ");
		sb_literal(b, s->cols[c]);
		sw_store_sb_add(b, ", ");
		sb_ref(b, r, s->cols[c]);
	}
	sw_store_sb_add(b, ")), 'geom', nullif(hex(");
	sb_ref(b, r, "geom");
	sw_store_sb_add(b, "), ''))");
}

/* The columns an update compares (all but id and updated_at). */
static size_t update_cols(struct sw_store *s, const char ***out)
{
	static const char *const fixed[] = {"geom",     "uuid",        "type",
	                                    "status",   "surveyor",    "observed_at",
	                                    "gps_accuracy_m", "note", "created_at"};
	size_t nf = sizeof fixed / sizeof fixed[0], n = nf + s->ncols;
	const char **v = malloc(n * sizeof *v);

	*out = v;
	if (v == NULL)
		return 0;
	memcpy(v, fixed, sizeof fixed);
	for (size_t c = 0; c < s->ncols; c++)
		v[nf + c] = s->cols[c];
	return n;
}

/* OLD.col, NEW.col (the geometry as hex), named o and n when first. */
static void sb_old_new(struct sw_store_sbuf *b, const char *col, bool first)
{
	bool geom = strcmp(col, "geom") == 0;

	sw_store_sb_add(b, geom ? "nullif(hex(" : "");
	sb_ref(b, "OLD", col);
	sw_store_sb_add(b, geom ? "), '')" : "");
	sw_store_sb_add(b, first ? " AS o, " : ", ");
	sw_store_sb_add(b, geom ? "nullif(hex(" : "");
	sb_ref(b, "NEW", col);
	sw_store_sb_add(b, geom ? "), '')" : "");
	sw_store_sb_add(b, first ? " AS n" : "");
}

/* The CREATE TRIGGER of guard trigger `which` for the current columns, in
 * b (the caller frees b->p). */
static enum sw_status guard_sql(struct sw_store *s, int which, struct sw_store_sbuf *b,
                                struct sw_error *err)
{
	const char **cols = NULL;
	size_t n;

	switch (which) {
	case 0:
		/* the record is read back from the row, as filled */
		sw_store_sb_add(b, "CREATE TRIGGER schouw_history_insert AFTER INSERT ON points"
		                   " WHEN " NOT_SCHOUW " BEGIN" FILL_SQL
		                   " INSERT INTO schouw_history " HIST_COLS
		                   " SELECT p.id, p.uuid, 'insert', NULL, NULL, ");
		sb_record(s, b, "p");
		sw_store_sb_add(b, ", " WHO_SQL ", " NOW_SQL " FROM points AS p WHERE p.id = NEW.id;"
		                   " END");
		break;
	case 1:
		n = update_cols(s, &cols);
		if (cols == NULL)
			return sw_error_nomem(err);
		sw_store_sb_add(b, "CREATE TRIGGER schouw_history_update AFTER UPDATE ON points"
		                   " WHEN " NOT_SCHOUW " BEGIN INSERT INTO schouw_history " HIST_COLS
		                   " SELECT NEW.id, NEW.uuid, 'update', f, o, n, " WHO_SQL
		                   ", " NOW_SQL " FROM (");
		for (size_t i = 0; i < n; i++) {
			sw_store_sb_add(b, i > 0 ? " UNION ALL SELECT " : "SELECT ");
			sb_literal(b, cols[i]);
			sw_store_sb_add(b, i > 0 ? ", " : " AS f, ");
			sb_old_new(b, cols[i], i == 0);
		}
		sw_store_sb_add(b, ") WHERE o IS NOT n;"
		                   " UPDATE points SET updated_at = " NOW_SQL
		                   " WHERE id = NEW.id AND NEW.updated_at IS OLD.updated_at AND (");
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				sw_store_sb_add(b, " OR ");
			sb_ref(b, "OLD", cols[i]);
			sw_store_sb_add(b, " IS NOT ");
			sb_ref(b, "NEW", cols[i]);
		}
		sw_store_sb_add(b, "); END");
		free(cols);
		break;
	case 2:
		sw_store_sb_add(b, "CREATE TRIGGER schouw_history_delete AFTER DELETE ON points"
		                   " WHEN " NOT_SCHOUW " BEGIN INSERT INTO schouw_history " HIST_COLS
		                   " VALUES (OLD.id, OLD.uuid, 'delete', NULL, ");
		sb_record(s, b, "OLD");
		sw_store_sb_add(b, ", NULL, " WHO_SQL ", " NOW_SQL "); END");
		break;
	default:
		return sw_error_set(err, SW_ERR_INTERNAL, "no guard trigger %d", which);
	}
	return b->oom ? sw_error_nomem(err) : SW_OK;
}

/* The stored SQL of trigger name, NULL when there is none (caller frees). */
static enum sw_status stored_sql(struct sw_store *s, const char *name, char **out,
                                 struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	*out = NULL;
	rc = sw_store_prepare(s,
	                      "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?"
	                      " AND tbl_name = 'points'",
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL &&
	    (*out = strdup((const char *)sqlite3_column_text(st, 0))) == NULL)
		rc = sw_error_nomem(err);
	sqlite3_finalize(st);
	return rc;
}

enum sw_status sw_store_guard_check(struct sw_store *s, enum sw_guard_state state[SW_GUARD_NTRIG],
                                    struct sw_error *err)
{
	enum sw_status rc = SW_OK;

	for (int i = 0; i < SW_GUARD_NTRIG && rc == SW_OK; i++) {
		struct sw_store_sbuf b = {0};
		char *have = NULL;

		rc = guard_sql(s, i, &b, err);
		if (rc == SW_OK)
			rc = stored_sql(s, sw_store_guard_names[i], &have, err);
		if (rc == SW_OK)
			state[i] = have == NULL                ? SW_GUARD_MISSING
			           : strcmp(have, b.p) != 0 ? SW_GUARD_STALE
			                                    : SW_GUARD_OK;
		free(have);
		free(b.p);
	}
	return rc;
}

enum sw_status sw_store_guard_install(struct sw_store *s, struct sw_error *err)
{
	enum sw_guard_state state[SW_GUARD_NTRIG];
	enum sw_status rc;

	rc = sw_store_exec(s, sw_store_guard_schema, err);
	if (rc == SW_OK)
		rc = sw_store_guard_check(s, state, err);
	for (int i = 0; i < SW_GUARD_NTRIG && rc == SW_OK; i++) {
		struct sw_store_sbuf b = {0};
		char drop[96];

		if (state[i] == SW_GUARD_OK)
			continue;
		snprintf(drop, sizeof drop, "DROP TRIGGER IF EXISTS %s", sw_store_guard_names[i]);
		rc = sw_store_exec(s, drop, err);
		if (rc == SW_OK)
			rc = guard_sql(s, i, &b, err);
		if (rc == SW_OK)
			rc = sw_store_exec(s, b.p, err);
		free(b.p);
	}
	return rc;
}

enum sw_status sw_store_guard_create(struct sw_store *s, int which, struct sw_error *err)
{
	struct sw_store_sbuf b = {0};
	enum sw_status rc = guard_sql(s, which, &b, err);

	if (rc == SW_OK)
		rc = sw_store_exec(s, b.p, err);
	free(b.p);
	return rc;
}

enum sw_status sw_store_guard_mark(struct sw_store *s, bool on, struct sw_error *err)
{
	sqlite3_stmt *st =
	    on ? sw_store_stmt(s, SW_ST_MARK, "INSERT OR IGNORE INTO schouw_writer VALUES (1)", err)
	       : sw_store_stmt(s, SW_ST_UNMARK, "DELETE FROM schouw_writer", err);
	enum sw_status rc = SW_OK;

	if (st == NULL)
		return sw_error_prefix(err, _("the store lacks its writer table (run 'schouw doctor "
		                              "--repair'): "));
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("marking a write"));
	sqlite3_reset(st);
	return rc;
}
