/* store.c - the GeoPackage store: create, open, migrate, transactions, meta,
 * columns. Point reads and writes live in store_points.c. */
#include "schouw/store.h"

#include <errno.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schouw/i18n.h"
#include "store_priv.h"

/* PROJ 9.1: proj_as_wkt(proj_create(ctx, "EPSG:..."), PJ_WKT1_GDAL,
 * MULTILINE=NO). A unit test checks them against PROJ. */
const char sw_store_wkt_rd[] =
    "PROJCS[\"Amersfoort / RD New\",GEOGCS[\"Amersfoort\",DATUM[\"Amersfoort\","
    "SPHEROID[\"Bessel 1841\",6377397.155,299.1528128,AUTHORITY[\"EPSG\",\"7004\"]],"
    "AUTHORITY[\"EPSG\",\"6289\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],"
    "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
    "AUTHORITY[\"EPSG\",\"4289\"]],PROJECTION[\"Oblique_Stereographic\"],"
    "PARAMETER[\"latitude_of_origin\",52.1561605555556],"
    "PARAMETER[\"central_meridian\",5.38763888888889],PARAMETER[\"scale_factor\",0.9999079],"
    "PARAMETER[\"false_easting\",155000],PARAMETER[\"false_northing\",463000],"
    "UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AXIS[\"Easting\",EAST],"
    "AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"28992\"]]";
const char sw_store_wkt_wgs84[] =
    "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,"
    "AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],"
    "PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],"
    "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
    "AUTHORITY[\"EPSG\",\"4326\"]]";

#define GPKG_APPLICATION_ID 0x47504B47
#define GPKG_USER_VERSION 10400
#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

/* Schema version 1: the GeoPackage core tables, points with its R-tree,
 * schouw_history and schouw_meta. */
static const char schema_v1[] =
    "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL,"
    " srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,"
    " organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,"
    " description TEXT);\n"
    "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY,"
    " data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',"
    " last_change DATETIME NOT NULL DEFAULT (" NOW_SQL "),"
    " min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,"
    " CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES"
    " gpkg_spatial_ref_sys(srs_id));\n"
    "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL,"
    " column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,"
    " srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,"
    " CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),"
    " CONSTRAINT uk_gc_table_name UNIQUE (table_name),"
    " CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),"
    " CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));\n"
    "CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT,"
    " extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,"
    " CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));\n"
    "CREATE TABLE points (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT,"
    " uuid TEXT NOT NULL UNIQUE, type TEXT NOT NULL, status TEXT, surveyor TEXT,"
    " observed_at TEXT, gps_accuracy_m REAL, note TEXT, created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);\n"
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description,"
    " srs_id) VALUES ('points', 'features', 'points',"
    " 'schouw: surveyed points of public space', 28992);\n"
    "INSERT INTO gpkg_geometry_columns VALUES ('points', 'geom', 'POINT', 28992, 0, 0);\n"
    "CREATE VIRTUAL TABLE rtree_points_geom USING rtree(id, minx, maxx, miny, maxy);\n"
    "INSERT INTO gpkg_extensions VALUES ('points', 'geom', 'gpkg_rtree_index',"
    " 'http://www.geopackage.org/spec140/#extension_rtree', 'write-only');\n"
    "CREATE TABLE schouw_history (seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
    " point_id INTEGER NOT NULL, point_uuid TEXT NOT NULL, action TEXT NOT NULL,"
    " field TEXT, old_value TEXT, new_value TEXT, who TEXT, at TEXT NOT NULL);\n"
    "CREATE INDEX schouw_history_uuid ON schouw_history(point_uuid);\n"
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)"
    " VALUES ('schouw_history', 'attributes', 'schouw_history',"
    " 'schouw: every change to a point, field by field');\n"
    "CREATE TABLE schouw_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT);\n";

/* The R-tree triggers of GeoPackage 1.4 Annex F.3 for t = points, c = geom,
 * i = id. 1.4 replaced update1 by update6/update7 and update3 by update5. */
#define RTREE_VALUES                                                                               \
	"(NEW.id, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom))"
#define RTREE_INSERT_TRIGGER                                                                       \
	"CREATE TRIGGER rtree_points_geom_insert AFTER INSERT ON points"                           \
	" WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))"                                   \
	" BEGIN INSERT OR REPLACE INTO rtree_points_geom VALUES " RTREE_VALUES "; END"
const char sw_store_rtree_insert_trigger[] = RTREE_INSERT_TRIGGER;
const char sw_store_rtree_triggers[] = RTREE_INSERT_TRIGGER
    ";\n"
    "CREATE TRIGGER rtree_points_geom_update6 AFTER UPDATE OF geom ON points"
    " WHEN OLD.id = NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))"
    " AND (OLD.geom NOTNULL AND NOT ST_IsEmpty(OLD.geom))"
    " BEGIN UPDATE rtree_points_geom SET minx = ST_MinX(NEW.geom),"
    " maxx = ST_MaxX(NEW.geom), miny = ST_MinY(NEW.geom), maxy = ST_MaxY(NEW.geom)"
    " WHERE id = NEW.id; END;\n"
    "CREATE TRIGGER rtree_points_geom_update7 AFTER UPDATE OF geom ON points"
    " WHEN OLD.id = NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))"
    " AND (OLD.geom ISNULL OR ST_IsEmpty(OLD.geom))"
    " BEGIN INSERT INTO rtree_points_geom VALUES " RTREE_VALUES "; END;\n"
    "CREATE TRIGGER rtree_points_geom_update2 AFTER UPDATE OF geom ON points"
    " WHEN OLD.id = NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))"
    " BEGIN DELETE FROM rtree_points_geom WHERE id = OLD.id; END;\n"
    "CREATE TRIGGER rtree_points_geom_update5 AFTER UPDATE ON points"
    " WHEN OLD.id != NEW.id AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))"
    " BEGIN DELETE FROM rtree_points_geom WHERE id = OLD.id;"
    " INSERT OR REPLACE INTO rtree_points_geom VALUES " RTREE_VALUES "; END;\n"
    "CREATE TRIGGER rtree_points_geom_update4 AFTER UPDATE ON points"
    " WHEN OLD.id != NEW.id AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))"
    " BEGIN DELETE FROM rtree_points_geom WHERE id IN (OLD.id, NEW.id); END;\n"
    "CREATE TRIGGER rtree_points_geom_delete AFTER DELETE ON points"
    " WHEN old.geom NOT NULL"
    " BEGIN DELETE FROM rtree_points_geom WHERE id = OLD.id; END;\n";

const char *const sw_store_rtree_trigger_names[SW_RTREE_NTRIG] = {
    "rtree_points_geom_insert",  "rtree_points_geom_update6", "rtree_points_geom_update7",
    "rtree_points_geom_update2", "rtree_points_geom_update5", "rtree_points_geom_update4",
    "rtree_points_geom_delete"};

/* Version 2: the tables of the norm engine's check runs
 * (sw_store_check_schema_v2, store_check.c) and these history indexes. */
static const char schema_v2[] =
    /* History is looked up per point: an index on point_id grows at its end
     * during imports, where one on the random uuids costs a quarter of the
     * insert time. Deleted points are found by uuid through a small partial
     * index. */
    "DROP INDEX IF EXISTS schouw_history_uuid;\n"
    "CREATE INDEX schouw_history_point ON schouw_history(point_id);\n"
    "CREATE INDEX schouw_history_deleted ON schouw_history(point_uuid) WHERE action = 'delete';\n";

/* Version 6: the imports table. A bulk import writes one row here (file,
 * its SHA-256, format, who, when, rows) and history rows that point to it
 * (import_id) instead of the record as JSON; the record is rebuilt from the
 * point and the later history when read (sw_store_history). Version 5 is
 * left to the merge of stores (another branch). */
static const char schema_v6[] =
    "CREATE TABLE schouw_imports (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
    " file TEXT NOT NULL, sha256 TEXT, format TEXT, who TEXT, at TEXT NOT NULL,"
    " rows INTEGER NOT NULL DEFAULT 0);\n"
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)"
    " VALUES ('schouw_imports', 'attributes', 'schouw_imports',"
    " 'schouw: bulk imports (file, SHA-256, who, when) the history points to');\n"
    "ALTER TABLE schouw_history ADD COLUMN import_id INTEGER REFERENCES schouw_imports(id);\n";

/* Per version, the statements that bring the schema to it, in order. */
static const char *const migrations[][2] = {{NULL, NULL},
                                            {NULL, NULL},
                                            {sw_store_check_schema_v2, schema_v2},
                                            {sw_store_photo_schema_v3, sw_store_user_schema_v3},
                                            {NULL, NULL},
                                            {sw_store_sync_schema_v5, NULL},
                                            {schema_v6, NULL}};

/* Version 4 (store_guard.c): points loses NOT NULL on uuid, created_at and
 * updated_at, which the guard's insert trigger fills for other clients (a
 * DEFAULT expression would not do: GDAL copies its text into the field);
 * the writer table and the guard triggers. */
static const struct {
	const char *name, *def;
} points_v4[] = {
    {"id", "id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"},
    {"geom", "geom POINT"},
    {"uuid", "uuid TEXT UNIQUE"},
    {"type", "type TEXT NOT NULL"},
    {"status", "status TEXT"},
    {"surveyor", "surveyor TEXT"},
    {"observed_at", "observed_at TEXT"},
    {"gps_accuracy_m", "gps_accuracy_m REAL"},
    {"note", "note TEXT"},
    {"created_at", "created_at TEXT"},
    {"updated_at", "updated_at TEXT"},
};

/* "name" with quotes doubled. */
static void sb_quoted(struct sw_store_sbuf *b, const char *name)
{
	sw_store_sb_add(b, "\"");
	for (const char *c = name; *c; c++)
		sw_store_sb_add(b, *c == '"' ? "\"\"" : (char[]){*c, '\0'});
	sw_store_sb_add(b, "\"");
}

/* SQLite cannot add a DEFAULT to a column: make points again with them (its
 * rows, ids and AUTOINCREMENT counter kept; the R-tree keys on the ids, so
 * it stays as it is), then the R-tree triggers and the guard. */
static enum sw_status migrate_v4(struct sw_store *s, struct sw_error *err)
{
	struct sw_store_sbuf create = {0}, cols = {0}, sql = {0};
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	long long seq = 0;
	int src, n = 0;

	rc = sw_store_prepare(s, "SELECT name, type, \"notnull\", dflt_value FROM"
	                         " pragma_table_info('points') ORDER BY cid",
	                      &st, err);
	if (rc != SW_OK)
		goto out;
	sw_store_sb_add(&create, "CREATE TABLE schouw_points_v4 (");
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);
		const char *dflt = (const char *)sqlite3_column_text(st, 3);
		const char *def = NULL;

		if (name == NULL)
			continue;
		for (size_t i = 0; i < sizeof points_v4 / sizeof points_v4[0]; i++)
			if (strcmp(points_v4[i].name, name) == 0)
				def = points_v4[i].def;
		if (n++ > 0) {
			sw_store_sb_add(&create, ", ");
			sw_store_sb_add(&cols, ", ");
		}
		sb_quoted(&cols, name);
		if (def != NULL) {
			sw_store_sb_add(&create, def);
			continue;
		}
		sb_quoted(&create, name);
		if (type != NULL && *type != '\0') {
			sw_store_sb_add(&create, " ");
			sw_store_sb_add(&create, type);
		}
		if (sqlite3_column_int(st, 2))
			sw_store_sb_add(&create, " NOT NULL");
		if (dflt != NULL) {
			sw_store_sb_add(&create, " DEFAULT ");
			sw_store_sb_add(&create, dflt);
		}
	}
	sw_store_sb_add(&create, ")");
	if (src != SQLITE_DONE) {
		rc = sw_store_sqlerr(s, err, _("reading the columns of points"));
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	sw_store_sb_add(&sql, "INSERT INTO schouw_points_v4 (");
	sw_store_sb_add(&sql, cols.p ? cols.p : "");
	sw_store_sb_add(&sql, ") SELECT ");
	sw_store_sb_add(&sql, cols.p ? cols.p : "");
	sw_store_sb_add(&sql, " FROM points");
	if (create.oom || cols.oom || sql.oom) {
		rc = sw_error_nomem(err);
		goto out;
	}
	rc = sw_store_prepare(s, "SELECT seq FROM sqlite_sequence WHERE name = 'points'", &st, err);
	if (rc != SW_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	rc = sw_store_exec(s, create.p, err);
	if (rc == SW_OK)
		rc = sw_store_exec(s, sql.p, err);
	if (rc == SW_OK)
		rc = sw_store_exec(s, "DROP TABLE points;"
		                      " ALTER TABLE schouw_points_v4 RENAME TO points;"
		                      " DELETE FROM sqlite_sequence WHERE name IN ('points',"
		                      " 'schouw_points_v4')",
		                   err);
	if (rc != SW_OK)
		goto out;
	rc = sw_store_prepare(s, "INSERT INTO sqlite_sequence (name, seq) VALUES ('points',"
	                         " max(?, coalesce((SELECT max(id) FROM points), 0)))",
	                      &st, err);
	if (rc != SW_OK)
		goto out;
	sqlite3_bind_int64(st, 1, seq);
	rc = sw_store_step_done(s, st, _("upgrading the store schema"), err);
	if (rc == SW_OK)
		rc = sw_store_exec(s, sw_store_rtree_triggers, err);
	if (rc == SW_OK)
		rc = sw_store_load_columns(s, err);
	if (rc == SW_OK)
		rc = sw_store_guard_install(s, err);
out:
	sqlite3_finalize(st);
	free(create.p);
	free(cols.p);
	free(sql.p);
	return rc;
}

/* Code run after a version's statements (NULL: none). */
static enum sw_status (*const migration_code[])(struct sw_store *, struct sw_error *) = {
    NULL, NULL, NULL, NULL, migrate_v4, sw_store_sync_migrate_v5, NULL};

static const char *const fixed_columns[] = {"id",     "geom",       "uuid",        "type",
                                            "status", "surveyor",   "observed_at", "gps_accuracy_m",
                                            "note",   "created_at", "updated_at",  "x",
                                            "y"};

bool sw_store_fixed_column(const char *name)
{
	for (size_t i = 0; i < sizeof fixed_columns / sizeof fixed_columns[0]; i++)
		if (strcmp(name, fixed_columns[i]) == 0)
			return true;
	return false;
}

enum sw_status sw_store_sqlerr(struct sw_store *s, struct sw_error *err, const char *what)
{
	int ec = sqlite3_extended_errcode(s->db);
	const char *msg = sqlite3_errmsg(s->db);

	switch (ec & 0xff) {
	case SQLITE_NOMEM:
		return sw_error_set(err, SW_ERR_NOMEM, _("%s: out of memory while %s"), s->path,
		                    what);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return sw_error_set(err, SW_ERR_STORE,
		                    _("%s: the store is corrupt (%s) while %s; restore it from a "
		                      "backup"),
		                    s->path, msg, what);
	case SQLITE_READONLY:
		return sw_error_set(err, SW_ERR_STORE, _("%s: the store is read-only (%s)"),
		                    s->path, msg);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return sw_error_set(err, SW_ERR_STORE,
		                    _("%s: the store stayed locked by another process for 10 s "
		                      "while %s"),
		                    s->path, what);
	case SQLITE_FULL:
		return sw_error_set(err, SW_ERR_STORE, _("%s: disk full while %s"), s->path, what);
	default:
		return sw_error_set(err, SW_ERR_STORE, _("%s: %s while %s"), s->path, msg, what);
	}
}

enum sw_status sw_store_exec(struct sw_store *s, const char *sql, struct sw_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sw_store_sqlerr(s, err, _("changing the store"));
	return SW_OK;
}

sqlite3_stmt *sw_store_stmt(struct sw_store *s, enum sw_stmt which, const char *sql,
                            struct sw_error *err)
{
	sqlite3_stmt *st = s->st[which];

	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st[which], NULL) !=
	    SQLITE_OK) {
		sw_store_sqlerr(s, err, _("preparing a statement"));
		return NULL;
	}
	return s->st[which];
}

static void free_columns(struct sw_store *s)
{
	for (size_t i = 0; i < s->ncols; i++)
		free(s->cols[i]);
	free(s->cols);
	s->cols = NULL;
	s->ncols = 0;
}

enum sw_status sw_store_load_columns(struct sw_store *s, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = SW_OK;
	char **cols = NULL;
	size_t n = 0;
	int src;

	if (sqlite3_prepare_v2(s->db, "SELECT name FROM pragma_table_info('points')", -1, &st,
	                       NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(s, err, _("reading the columns of points"));
		goto out;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		char **grown;

		if (name == NULL || sw_store_fixed_column(name))
			continue;
		grown = realloc(cols, (n + 1) * sizeof *cols);
		if (grown == NULL || (grown[n] = strdup(name)) == NULL) {
			if (grown != NULL)
				cols = grown;
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
			goto out;
		}
		cols = grown;
		n++;
	}
	if (src != SQLITE_DONE) {
		rc = sw_store_sqlerr(s, err, _("reading the columns of points"));
		goto out;
	}
	free_columns(s);
	for (int i = SW_ST_INSERT; i <= SW_ST_GET_UUID; i++) {
		sqlite3_finalize(s->st[i]);
		s->st[i] = NULL;
	}
	s->cols = cols;
	s->ncols = n;
	cols = NULL;
	n = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(cols[i]);
	free(cols);
	sqlite3_finalize(st);
	return rc;
}

/* Apply the migrations from the stored version up, in one transaction. The
 * version is read again inside it: another process may have migrated. */
static enum sw_status migrate(struct sw_store *s, int target, struct sw_error *err)
{
	enum sw_status rc;
	sqlite3_stmt *st = NULL;
	int version = 0;

	rc = sw_store_exec(s, "BEGIN IMMEDIATE", err);
	if (rc != SW_OK)
		return rc;
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT CAST(value AS INTEGER) FROM schouw_meta WHERE key = "
	                       "'schema_version'",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(s, err, _("reading the schema version"));
		goto out;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (version > SW_STORE_SCHEMA_VERSION) {
		rc = sw_error_set(
		    err, SW_ERR_STORE,
		    _("%s was written by a newer schouw (schema %d); this schouw reads "
		      "up to schema %d"),
		    s->path, version, SW_STORE_SCHEMA_VERSION);
		goto out;
	}
	for (int v = version + 1; v <= target; v++) {
		for (int k = 0; k < 2; k++) {
			if (migrations[v][k] == NULL)
				continue;
			if (sqlite3_exec(s->db, migrations[v][k], NULL, NULL, NULL) != SQLITE_OK) {
				rc = sw_store_sqlerr(s, err, _("upgrading the store schema"));
				goto out;
			}
		}
		if (migration_code[v] != NULL) {
			rc = migration_code[v](s, err);
			if (rc != SW_OK) {
				sw_error_prefix(err, _("upgrading the store schema: "));
				goto out;
			}
		}
	}
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT OR REPLACE INTO schouw_meta (key, value) VALUES "
	                       "('schema_version', ?)",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(s, err, _("upgrading the store schema"));
		goto out;
	}
	sqlite3_bind_int(st, 1, version > target ? version : target);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = sw_store_sqlerr(s, err, _("upgrading the store schema"));
		goto out;
	}
	rc = sw_store_exec(s, "COMMIT", err);
out:
	sqlite3_finalize(st);
	if (rc != SW_OK && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Open the SQLite handle of s and set up the connection. */
/* A "file:" URI for path with immutable=1, for reading a store where SQLite
 * cannot create the WAL index (a read-only directory). Caller frees. */
static char *immutable_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char tail[] = "?immutable=1";
	size_t n = strlen(path), o = 5;
	char *u = malloc(5 + n * 3 + sizeof tail);

	if (u == NULL)
		return NULL;
	memcpy(u, "file:", 5);
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("/-._~", *c) != NULL) {
			u[o++] = (char)*c;
		} else {
			u[o++] = '%';
			u[o++] = hex[*c >> 4];
			u[o++] = hex[*c & 0xf];
		}
	}
	memcpy(u + o, tail, sizeof tail);
	return u;
}

/* True when a reader cannot make the -shm file: the directory is not
 * writable and no -shm is there already. */
static bool needs_immutable(const char *path)
{
	char *copy = strdup(path), shm[4096];
	bool yes = false;
	struct stat st;

	if (copy == NULL)
		return false;
	if (snprintf(shm, sizeof shm, "%s-shm", path) < (int)sizeof shm && stat(shm, &st) != 0) {
		const char *dir = dirname(copy);

		yes = access(dir, W_OK) != 0 || (stat(dir, &st) == 0 && (st.st_mode & 0222) == 0);
	}
	free(copy);
	return yes;
}

static enum sw_status connect_db(struct sw_store *s, bool write, bool create, struct sw_error *err)
{
	/* a handle is used by one thread at a time: no connection mutex (it
	 * was a tenth of a bulk import's time) */
	int flags = (write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX;
	static bool configured;
	char *uri = NULL;
	int src;

	if (!configured) {
		/* no global memory statistics: they took a mutex per allocation.
		 * Refused (harmlessly) when SQLite is in use already. */
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		configured = true;
	}

	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if (!write && needs_immutable(s->path)) {
		uri = immutable_uri(s->path);
		if (uri == NULL)
			return sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		flags |= SQLITE_OPEN_URI;
	}
	src = sqlite3_open_v2(uri ? uri : s->path, &s->db, flags, NULL);
	free(uri);
	if (src != SQLITE_OK) {
		enum sw_status rc =
		    s->db == NULL
		        ? sw_error_set(err, SW_ERR_NOMEM, _("out of memory"))
		        : sw_error_set(err, create ? SW_ERR_IO : SW_ERR_STORE,
		                       _("%s: cannot open: %s"), s->path, sqlite3_errmsg(s->db));
		sqlite3_close(s->db);
		s->db = NULL;
		return rc;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 10000);
	if (sw_store_register_functions(s->db) != SQLITE_OK)
		return sw_store_sqlerr(s, err, _("registering the geometry functions"));
	if (write && sqlite3_db_readonly(s->db, "main") == 1)
		return sw_error_set(err, SW_ERR_STORE, _("%s is read-only"), s->path);
	/* WAL is safe with NORMAL: a crash loses at most the last commits.
	 * A 64 MB page cache keeps big imports from spilling pages to the WAL
	 * mid-transaction (the uuid index and the R-tree are written at
	 * random places). */
	if (write)
		return sw_store_exec(s,
		                     "PRAGMA synchronous = NORMAL; " CACHE_PRAGMA
		                     "; PRAGMA temp_store = MEMORY",
		                     err);
	return SW_OK;
}

static void disconnect(struct sw_store *s)
{
	for (int i = 0; i < SW_ST_COUNT; i++) {
		sqlite3_finalize(s->st[i]);
		s->st[i] = NULL;
	}
	sqlite3_close(s->db);
	s->db = NULL;
}

/* Big-endian 32-bit number at b. */
static uint32_t be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Look at the file before SQLite does: exists, is SQLite, is a GeoPackage,
 * not truncated, writable when we need to write. */
static enum sw_status preflight(const char *path, bool write, uint64_t *expect,
                                struct sw_error *err)
{
	unsigned char h[100];
	struct stat st, dst;
	FILE *f = NULL;
	enum sw_status rc = SW_OK;
	char *dircopy = NULL;
	const char *dir;
	size_t got;
	uint32_t pagesize;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return sw_error_set(err, SW_ERR_NOTFOUND, _("%s: no such store"), path);
		return sw_error_set(err, SW_ERR_IO, _("%s: %s"), path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return sw_error_set(err, SW_ERR_STORE, _("%s is not a file, so not a store"), path);
	f = fopen(path, "rb");
	if (f == NULL)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot read: %s"), path,
		                    strerror(errno));
	got = fread(h, 1, sizeof h, f);
	fclose(f);
	if (got < sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
		return sw_error_set(err, SW_ERR_STORE,
		                    _("%s is not a SQLite database, so not a GeoPackage store"),
		                    path);
	if (be32(h + 68) != GPKG_APPLICATION_ID)
		return sw_error_set(
		    err, SW_ERR_STORE,
		    _("%s is a SQLite database but not a GeoPackage (application_id "
		      "is 0x%08X, expected 0x47504B47 'GPKG')"),
		    path, (unsigned)be32(h + 68));
	pagesize = (uint32_t)h[16] << 8 | h[17];
	if (pagesize == 1)
		pagesize = 65536;
	/* The page count in the header is valid when the change counter matches
	 * the version-valid-for number; a shorter file has lost its tail, or
	 * another process is checkpointing the WAL into it right now (it writes
	 * page 1 first), so SQLite gets the last word (see truncated()). */
	if (expect != NULL)
		*expect = 0;
	if (expect != NULL && be32(h + 24) == be32(h + 92) &&
	    (uint64_t)be32(h + 28) * pagesize > (uint64_t)st.st_size)
		*expect = (uint64_t)be32(h + 28) * pagesize;
	if (!write)
		return SW_OK;
	/* root passes access(W_OK) on anything: a file without write bits is
	 * read-only by intent. The directory must be writable for the WAL. */
	if (access(path, W_OK) != 0 || (st.st_mode & 0222) == 0)
		return sw_error_set(err, SW_ERR_STORE, _("%s is read-only"), path);
	dircopy = strdup(path);
	if (dircopy == NULL)
		return sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
	dir = dirname(dircopy);
	if (stat(dir, &dst) == 0 && (access(dir, W_OK) != 0 || (dst.st_mode & 0222) == 0))
		rc = sw_error_set(err, SW_ERR_STORE,
		                  _("%s is read-only: its directory %s is not writable (SQLite "
		                    "needs it for the write-ahead log)"),
		                  path, dir);
	free(dircopy);
	return rc;
}

/* The file looked shorter than its header says: corrupt unless SQLite's own
 * check, which reads pages still in the WAL from there, finds it sound. */
static enum sw_status truncated(struct sw_store *s, uint64_t expect, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	struct stat fs;
	bool ok = false;

	if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok = sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_finalize(st);
	if (ok)
		return SW_OK;
	return sw_error_set(err, SW_ERR_STORE,
	                    _("%s is corrupt: truncated to %lld of %llu bytes; restore it from a "
	                      "backup"),
	                    s->path, stat(s->path, &fs) == 0 ? (long long)fs.st_size : -1LL,
	                    (unsigned long long)expect);
}

/* Is s a schouw store? Returns its schema version in *version. */
static enum sw_status check_schema(struct sw_store *s, int *version, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = SW_OK;
	int has_points = 0, has_meta = 0, src;

	*version = 0;
	if (sqlite3_prepare_v2(
	        s->db,
	        "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	        "name = 'points'), (SELECT count(*) FROM sqlite_master WHERE type = "
	        "'table' AND name = 'schouw_meta')",
	        -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		rc = sw_store_sqlerr(s, err, _("reading the schema"));
		goto out;
	}
	has_points = sqlite3_column_int(st, 0);
	has_meta = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	if (!has_points || !has_meta) {
		rc = sw_error_set(err, SW_ERR_STORE,
		                  _("%s is a GeoPackage but not a schouw store (no %s table)"),
		                  s->path, has_points ? "schouw_meta" : "points");
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM schouw_meta WHERE key = 'schema_version'",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(s, err, _("reading the schema version"));
		goto out;
	}
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		char *end = NULL;
		long n = v ? strtol(v, &end, 10) : 0;

		if (v == NULL || *end != '\0' || n < 1 || n > 1000000) {
			rc = sw_error_set(err, SW_ERR_STORE,
			                  _("%s: schouw_meta has an invalid schema_version '%s'"),
			                  s->path, v ? v : "");
			goto out;
		}
		*version = (int)n;
	} else if (src == SQLITE_DONE) {
		rc = sw_error_set(err, SW_ERR_STORE, _("%s: schouw_meta has no schema_version"),
		                  s->path);
	} else {
		rc = sw_store_sqlerr(s, err, _("reading the schema version"));
	}
out:
	sqlite3_finalize(st);
	return rc;
}

static bool wal_mode(struct sw_store *s)
{
	sqlite3_stmt *st = NULL;
	bool wal = false;

	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		wal = sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	return wal;
}

enum sw_status sw_store_open_version(const char *path, enum sw_store_mode mode, int target,
                                     struct sw_store **out, struct sw_error *err)
{
	struct sw_store *s = NULL;
	enum sw_status rc;
	uint64_t expect = 0;
	int version;

	*out = NULL;
	rc = preflight(path, mode == SW_STORE_WRITE, &expect, err);
	if (rc != SW_OK)
		return rc;
	s = calloc(1, sizeof *s);
	if (s == NULL || (s->path = strdup(path)) == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	s->mode = mode;
	rc = connect_db(s, mode == SW_STORE_WRITE, false, err);
	if (rc == SW_OK && expect > 0)
		rc = truncated(s, expect, err);
	if (rc != SW_OK)
		goto out;
	rc = check_schema(s, &version, err);
	if (rc != SW_OK)
		goto out;
	if (version > SW_STORE_SCHEMA_VERSION) {
		rc = sw_error_set(
		    err, SW_ERR_STORE,
		    _("%s was written by a newer schouw (schema %d); this schouw reads "
		      "up to schema %d"),
		    path, version, SW_STORE_SCHEMA_VERSION);
		goto out;
	}
	if (version < target) {
		if (mode != SW_STORE_WRITE) {
			/* Upgrade through a writing connection, then read as asked. */
			disconnect(s);
			rc = preflight(path, true, NULL, err);
			if (rc != SW_OK) {
				sw_error_prefix(
				    err, _("the store has schema %d and needs an upgrade, but "),
				    version);
				goto out;
			}
			rc = connect_db(s, true, false, err);
			if (rc == SW_OK)
				rc = migrate(s, target, err);
			disconnect(s);
			if (rc == SW_OK)
				rc = connect_db(s, false, false, err);
		} else {
			rc = migrate(s, target, err);
		}
		if (rc != SW_OK)
			goto out;
	}
	s->photos = (version > target ? version : target) >= 3;
	s->guarded = (version > target ? version : target) >= 4;
	s->imports = (version > target ? version : target) >= 6;
	/* a store rebuilt from an SQL dump comes without WAL; concurrent
	 * writers need it (best effort: another connection may hold it) */
	if (mode == SW_STORE_WRITE && !wal_mode(s))
		sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	rc = sw_store_load_columns(s, err);
out:
	if (rc != SW_OK) {
		sw_store_close(s);
		return rc;
	}
	*out = s;
	return SW_OK;
}

enum sw_status sw_store_open(const char *path, enum sw_store_mode mode, struct sw_store **out,
                             struct sw_error *err)
{
	return sw_store_open_version(path, mode, SW_STORE_SCHEMA_VERSION, out, err);
}

const char *sw_store_path(const struct sw_store *s)
{
	return s->path;
}

void sw_store_close(struct sw_store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < SW_ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	if (s->db != NULL && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(s->db);
	free_columns(s);
	sw_store_hist_drop(s);
	free(s->hint);
	free(s->path);
	free(s);
}

/* Remove a half-made store and its WAL files. */
static void remove_store_files(const char *path)
{
	char buf[4096];

	unlink(path);
	if (snprintf(buf, sizeof buf, "%s-wal", path) < (int)sizeof buf)
		unlink(buf);
	if (snprintf(buf, sizeof buf, "%s-shm", path) < (int)sizeof buf)
		unlink(buf);
}

static enum sw_status insert_srs(struct sw_store *s, struct sw_error *err)
{
	static const struct {
		const char *name;
		int id;
		const char *org;
		int orgid;
		const char *def;
		const char *desc;
	} rows[] = {
	    {"Undefined Cartesian SRS", -1, "NONE", -1, "undefined",
	     "undefined Cartesian coordinate reference system"},
	    {"Undefined geographic SRS", 0, "NONE", 0, "undefined",
	     "undefined geographic coordinate reference system"},
	    {"WGS 84 geodetic", 4326, "EPSG", 4326, sw_store_wkt_wgs84,
	     "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"},
	    {"Amersfoort / RD New", 28992, "EPSG", 28992, sw_store_wkt_rd,
	     "Dutch national grid (Rijksdriehoeksstelsel), metres"},
	};
	sqlite3_stmt *st = NULL;
	enum sw_status rc = SW_OK;

	if (sqlite3_prepare_v2(s->db, "INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", -1,
	                       &st, NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(s, err, _("creating the store"));
		goto out;
	}
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, rows[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, rows[i].id);
		sqlite3_bind_text(st, 3, rows[i].org, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, rows[i].orgid);
		sqlite3_bind_text(st, 5, rows[i].def, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, rows[i].desc, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = sw_store_sqlerr(s, err, _("creating the store"));
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	return rc;
}

enum sw_status sw_store_create_version(const char *path, int version, struct sw_error *err)
{
	struct sw_store tmp = {0};
	struct stat st;
	enum sw_status rc;
	char sql[128];

	if (version < 1 || version > SW_STORE_SCHEMA_VERSION)
		return sw_error_set(err, SW_ERR_INTERNAL, _("no store schema version %d"), version);
	if (stat(path, &st) == 0)
		return sw_error_set(err, SW_ERR_IO, _("%s already exists; not overwriting it"),
		                    path);
	tmp.path = (char *)path;
	tmp.mode = SW_STORE_WRITE;
	rc = connect_db(&tmp, true, true, err);
	if (rc != SW_OK)
		goto out;
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
	         GPKG_APPLICATION_ID, GPKG_USER_VERSION);
	rc = sw_store_exec(&tmp, sql, err);
	if (rc == SW_OK)
		rc = sw_store_exec(&tmp, "PRAGMA journal_mode = WAL", err);
	if (rc == SW_OK)
		rc = sw_store_exec(&tmp, "BEGIN IMMEDIATE", err);
	if (rc == SW_OK)
		rc = sw_store_exec(&tmp, schema_v1, err);
	if (rc == SW_OK)
		rc = sw_store_exec(&tmp, sw_store_rtree_triggers, err);
	if (rc == SW_OK)
		rc = insert_srs(&tmp, err);
	if (rc == SW_OK)
		rc = sw_store_exec(&tmp,
		                   "INSERT INTO schouw_meta VALUES ('schema_version', '1'),"
		                   " ('created_by', 'schouw " SW_VERSION "')",
		                   err);
	if (rc == SW_OK)
		rc = sw_store_exec(&tmp, "COMMIT", err);
	for (int v = 2; rc == SW_OK && v <= version; v++) {
		rc = sw_store_exec(&tmp, "BEGIN IMMEDIATE", err);
		for (int k = 0; k < 2 && rc == SW_OK; k++)
			if (migrations[v][k] != NULL)
				rc = sw_store_exec(&tmp, migrations[v][k], err);
		if (rc == SW_OK && migration_code[v] != NULL)
			rc = migration_code[v](&tmp, err);
		if (rc == SW_OK) {
			snprintf(sql, sizeof sql,
			         "UPDATE schouw_meta SET value = '%d' WHERE key = 'schema_version'",
			         v);
			rc = sw_store_exec(&tmp, sql, err);
		}
		if (rc == SW_OK)
			rc = sw_store_exec(&tmp, "COMMIT", err);
	}
out:
	if (rc != SW_OK && tmp.db != NULL && !sqlite3_get_autocommit(tmp.db))
		sqlite3_exec(tmp.db, "ROLLBACK", NULL, NULL, NULL);
	for (int i = 0; i < SW_ST_COUNT; i++)
		sqlite3_finalize(tmp.st[i]);
	free_columns(&tmp);
	free(tmp.hint);
	sqlite3_close(tmp.db);
	if (rc != SW_OK)
		remove_store_files(path);
	return rc;
}

enum sw_status sw_store_create(const char *path, struct sw_error *err)
{
	return sw_store_create_version(path, SW_STORE_SCHEMA_VERSION, err);
}

/* A form field name is a column name: [a-z][a-z0-9_]*, at most 63 bytes. */
static bool valid_column_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 63 || name[0] < 'a' || name[0] > 'z')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			return false;
	return true;
}

static bool has_column(const struct sw_store *s, const char *name)
{
	for (size_t i = 0; i < s->ncols; i++)
		if (strcmp(s->cols[i], name) == 0)
			return true;
	return false;
}

/* schouw_meta 'default_status', written only when it changes. */
static enum sw_status default_status(struct sw_store *s, const char *name, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	rc = sw_store_prepare(s,
	                      "INSERT INTO schouw_meta (key, value) VALUES ('default_status', ?)"
	                      " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
	                      " WHERE value IS NOT excluded.value",
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sw_store_step_done(s, st, _("writing schouw_meta"), err);
	sqlite3_finalize(st);
	return rc;
}

enum sw_status sw_store_sync_fields(struct sw_store *s, const struct sw_forms *forms,
                                    struct sw_error *err)
{
	const struct sw_field **fields = NULL;
	enum sw_status rc;
	size_t n = 0;
	char sql[256];

	rc = sw_forms_all_fields(forms, &fields, &n, err);
	if (rc != SW_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (!valid_column_name(fields[i]->name) || sw_store_fixed_column(fields[i]->name)) {
			rc =
			    sw_error_set(err, SW_ERR_INPUT,
			                 _("field '%s' cannot be a store column: expected a name "
			                   "of a-z, 0-9 and _ that is not one of the fixed columns "
			                   "(id, geom, uuid, type, status, surveyor, observed_at, "
			                   "gps_accuracy_m, note, created_at, updated_at, x, y)"),
			                 fields[i]->name);
			goto out;
		}
	}
	/* Another process may have added columns since we looked. */
	rc = sw_store_wbegin(s, err);
	if (rc != SW_OK)
		goto out;
	rc = sw_store_load_columns(s, err);
	for (size_t i = 0; i < n && rc == SW_OK; i++) {
		const char *type;

		if (has_column(s, fields[i]->name))
			continue;
		switch (fields[i]->kind) {
		case SW_KIND_NUMBER:
			type = "REAL";
			break;
		case SW_KIND_INTEGER:
		case SW_KIND_BOOL:
			type = "INTEGER";
			break;
		default:
			type = "TEXT";
			break;
		}
		snprintf(sql, sizeof sql, "ALTER TABLE points ADD COLUMN \"%s\" %s",
		         fields[i]->name, type);
		rc = sw_store_exec(s, sql, err);
	}
	/* the guard triggers list the columns; the first status is data */
	if (rc == SW_OK && s->guarded)
		rc = sw_store_load_columns(s, err);
	if (rc == SW_OK && s->guarded)
		rc = sw_store_guard_install(s, err);
	if (rc == SW_OK && s->guarded && forms->nstates > 0)
		rc = default_status(s, forms->states[0].name, err);
	rc = sw_store_wend(s, rc, err);
	/* Reload either way: after a rollback the cache must match the file. */
	if (rc == SW_OK)
		rc = sw_store_load_columns(s, err);
	else
		sw_store_load_columns(s, NULL);
out:
	free(fields);
	return rc;
}

enum sw_status sw_store_meta_get(struct sw_store *s, const char *key, char **value,
                                 struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = SW_OK;
	int src;

	*value = NULL;
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM schouw_meta WHERE key = ?", -1, &st,
	                       NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(s, err, _("reading schouw_meta"));
		goto out;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		if (v != NULL && (*value = strdup(v)) == NULL)
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
	} else if (src != SQLITE_DONE) {
		rc = sw_store_sqlerr(s, err, _("reading schouw_meta"));
	}
out:
	sqlite3_finalize(st);
	return rc;
}

enum sw_status sw_store_meta_set(struct sw_store *s, const char *key, const char *value,
                                 struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	if (strcmp(key, "schema_version") == 0)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("schouw_meta key 'schema_version' is kept by the store"));
	rc = sw_store_wbegin(s, err);
	if (rc != SW_OK)
		return rc;
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT OR REPLACE INTO schouw_meta (key, value) VALUES (?, ?)", -1,
	                       &st, NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(s, err, _("writing schouw_meta"));
		goto out;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("writing schouw_meta"));
out:
	sqlite3_finalize(st);
	return sw_store_wend(s, rc, err);
}

sqlite3 *sw_store_db(struct sw_store *s)
{
	return s ? s->db : NULL;
}
