/* store.h - the GeoPackage store of points.
 *
 * One file, a valid GeoPackage 1.4 (application_id 'GPKG', user_version
 * 10400, WAL journal) that QGIS and GDAL open as-is:
 *   points          feature table (POINT, EPSG:28992): id INTEGER PRIMARY KEY
 *                   AUTOINCREMENT, geom, uuid (unique), type, status,
 *                   surveyor, observed_at, gps_accuracy_m REAL, note,
 *                   created_at, updated_at; then one column per form field
 *                   named as the field (REAL for number, INTEGER for integer
 *                   and bool, TEXT for enum and text), added by
 *                   sw_store_sync_fields. Its gpkg_contents extent follows
 *                   the points.
 *   rtree_points_geom  the gpkg_rtree_index spatial index, kept in step by
 *                   the GeoPackage 1.4 triggers (Annex F.3), which call
 *                   ST_IsEmpty/ST_MinX/... that every store connection
 *                   registers
 *   schouw_history  append-only (attributes table): seq, point_id,
 *                   point_uuid, action, field, old_value, new_value, who, at
 *   schouw_meta     key/value: schema_version, default_profile, ...
 *   check_run, check_result  (schema 2) the record of norm check runs; see
 *                   "check runs" below (store_check.c owns them)
 *   photos, points_photos, gpkgext_relations  (schema 3) photos of points
 *                   through the Related Tables Extension: photo.h
 *   schouw_users    (schema 3) surveyors of the field server: user.h
 *   schouw_writer   (schema 4) holds a row only inside schouw's own write
 *                   transactions, never visible to other connections
 *   schouw_sync, schouw_conflicts, schouw_history.origin/origin_seq and
 *                   schouw_meta 'store_id'  (schema 5) what the store has
 *                   seen of other stores and the conflicts of merges:
 *                   store_sync.h
 * Schema 4 guards the store against other clients (store_guard.c): uuid,
 * created_at and updated_at may be NULL on insert and triggers made of SQLite
 * built-ins fill them (a random v4 uuid, the time) and write every insert,
 * update and delete by another client (QGIS, GDAL, the sqlite3 shell) into
 * schouw_history, who being schouw_meta 'editor' + " (external edit)", else
 * "external edit"; a point added without a status gets schouw_meta
 * 'default_status' (the first status of the forms, kept by
 * sw_store_sync_fields).
 * Geometry blobs: 'GP', version 0, little-endian, no envelope, srs 28992,
 * WKB point. The store knows neither file formats nor rendering.
 *
 * Every write runs in a transaction (BEGIN IMMEDIATE, so concurrent writers
 * queue on the 10 s busy timeout instead of failing). A failed call leaves
 * the file unchanged.
 *
 * Note for readers with GDAL before 3.8 (Debian 12 has 3.6): they predate
 * GeoPackage 1.4, so ogrinfo warns that a 1.4 file "may only be partially
 * supported" and validate_gpkg asks for the 1.3 triggers update1/update3,
 * which 1.4 replaced by update5/6/7. The data read the same.
 */
#ifndef SCHOUW_STORE_H
#define SCHOUW_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/form.h"
#include "schouw/geom.h"
#include "schouw/point.h"

#define SW_STORE_SCHEMA_VERSION 6

/* A handle is opened without SQLite's connection mutex: use one handle from
 * one thread at a time (each process or thread opens its own). */
struct sw_store;

enum sw_store_mode { SW_STORE_READ = 0, SW_STORE_WRITE = 1 };

/* Create a new, empty store at path. Fails (SW_ERR_IO) when path exists. */
enum sw_status sw_store_create(const char *path, struct sw_error *err);

/* Open an existing store. Refuses (SW_ERR_STORE, message naming the file) a
 * file that is not SQLite, not a GeoPackage, not a schouw store, corrupt
 * (e.g. truncated), or of a newer schema ("was written by a newer schouw");
 * with SW_STORE_WRITE also a read-only file or directory ("is read-only").
 * Migrates an older schema in one transaction, also when opened for reading
 * (that needs write access once). Missing file: SW_ERR_NOTFOUND.
 * Caller owns *out; close with sw_store_close. */
enum sw_status sw_store_open(const char *path, enum sw_store_mode mode, struct sw_store **out,
                             struct sw_error *err);
void sw_store_close(struct sw_store *s); /* NULL ok */
/* The path s was opened with; owned by s. For a second handle on the same
 * file (a reader thread opens its own). */
const char *sw_store_path(const struct sw_store *s);

/* Add a column to points for every form field the table lacks (in one
 * transaction), and bring the guard triggers in line with the columns and
 * schouw_meta 'default_status' with the forms' first status. Needed before
 * writing points with new fields. */
enum sw_status sw_store_sync_fields(struct sw_store *s, const struct sw_forms *forms,
                                    struct sw_error *err);

/* Explicit transactions, for imports that write many points at once. While
 * one is open the single-point calls below join it (each still atomic on its
 * own: a failed call undoes only itself), and the extent in gpkg_contents is
 * written once, at commit. */
enum sw_status sw_store_begin(struct sw_store *s, struct sw_error *err);
enum sw_status sw_store_commit(struct sw_store *s, struct sw_error *err);
void sw_store_rollback(struct sw_store *s); /* also ends a bulk import */

/* Bulk import, for loading many points (a million-point CSV) fast. Like
 * sw_store_begin, but inserts skip the per-row R-tree work: the R-tree insert
 * trigger is dropped inside the transaction (other connections never see it
 * missing), and sw_store_bulk_end rebuilds the whole R-tree with a packed
 * Sort-Tile-Recursive load written straight into rtree_points_geom_node,
 * _rowid and _parent (full nodes; the layout of SQLite's ext/rtree/rtree.c),
 * restores the trigger, writes the exact extent and commits.
 * sw_store_commit while a bulk import is open does the same as bulk_end;
 * sw_store_rollback (or closing the store) undoes everything, trigger
 * included. The rebuild reads every point, old ones too, so it pays off for
 * imports that are large compared with the store. History rows are written
 * as usual. Until bulk_end, spatial queries (bbox, near) do not see the
 * points inserted in the import; the other filters do. */
enum sw_status sw_store_bulk_begin(struct sw_store *s, struct sw_error *err);
enum sw_status sw_store_bulk_end(struct sw_store *s, struct sw_error *err);

/* Name the source of the open bulk import (schema 6): one row in
 * schouw_imports (file, sha256 hex or NULL, format, who, the time now), and
 * from here on each inserted point gets a history row pointing to it
 * (import_id) instead of its record as JSON, stamped with that one time;
 * sw_store_bulk_end counts the rows. Borrowed strings, copied. */
enum sw_status sw_store_bulk_source(struct sw_store *s, const char *file, const char *sha256,
                                    const char *format, const char *who, struct sw_error *err);

/* Rebuild the R-tree and the extent from the points table (packed, as
 * sw_store_bulk_end does). A repair tool; joins an open transaction. */
enum sw_status sw_store_rebuild_index(struct sw_store *s, struct sw_error *err);

/* Insert p. A missing uuid is generated; created_at/updated_at are set; p->id,
 * p->uuid, p->created_at and p->updated_at are filled in (untouched on
 * failure). Writes one history row: action "insert", field NULL, new_value a
 * compact JSON object of the record (id, uuid, type, status, x, y, surveyor,
 * observed_at, gps_accuracy_m, note, created_at, updated_at, and "fields":
 * {name: value} for the measurements). A uuid already stored: SW_ERR_INPUT.
 * A measurement without a column (see sw_store_sync_fields): SW_ERR_INPUT. */
enum sw_status sw_store_insert(struct sw_store *s, struct sw_point *p, const char *who,
                               struct sw_error *err);

/* Replace the stored point with id p->id by p, writing one history row per
 * changed field (action "update", field status/type/x/y/surveyor/
 * observed_at/note/gps_accuracy_m or the measurement's name, old and new
 * value as sw_value_to_text text, NULL for none). Without changes nothing is
 * written and updated_at stays. Sets updated_at. Returns the number of
 * changed fields in *nchanged (may be NULL). The uuid never changes: a
 * different non-empty p->uuid is SW_ERR_INPUT. Unknown id: SW_ERR_NOTFOUND. */
enum sw_status sw_store_update(struct sw_store *s, struct sw_point *p, const char *who,
                               size_t *nchanged, struct sw_error *err);

/* Delete a point, writing a history row (action "delete") whose old_value is
 * the JSON of the whole old record, as for insert. */
enum sw_status sw_store_delete(struct sw_store *s, long long id, const char *who,
                               struct sw_error *err);

/* Fetch by reference: a decimal id or a uuid. SW_ERR_NOTFOUND when absent.
 * out is cleared first and owned by the caller. */
enum sw_status sw_store_get(struct sw_store *s, const char *ref, struct sw_point *out,
                            struct sw_error *err);
enum sw_status sw_store_get_by_uuid(struct sw_store *s, const char *uuid, struct sw_point *out,
                                    struct sw_error *err);

struct sw_filter {
	const char *type;   /* NULL: any */
	const char *status; /* NULL: any */
	const char *by;     /* surveyor, NULL: any */
	bool has_bbox;
	double minx, miny, maxx, maxy;
	bool has_near; /* within radius metres of (near_x, near_y) */
	double near_x, near_y, radius;
	/* only points inside this polygon (RD New; boundary included), NULL: any.
	 * Not owned; must outlive the query. */
	const struct sw_polygon *within;
	/* the points as they were at a past moment instead of now, rebuilt from
	 * schouw_history (see sw_store_query_as_of): an ISO 8601 instant, an
	 * exclusive bound (everything before it happened). NULL: now. Not owned. */
	const char *as_of;
};

/* Call cb for every point matching f (NULL: all), in id order. With
 * f->as_of set this is sw_store_query_as_of. Spatial
 * filters go through the R-tree (with the polygon's bbox for within), then
 * the exact coordinates are checked (bbox inclusive; near: distance <=
 * radius; within: sw_polygon_contains). The point passed to cb carries
 * every non-NULL measurement column and is valid only during the call. cb
 * returns SW_OK to go on, anything else stops and is returned. */
typedef enum sw_status (*sw_point_cb)(const struct sw_point *p, void *ud);
enum sw_status sw_store_query(struct sw_store *s, const struct sw_filter *f, sw_point_cb cb,
                              void *ud, struct sw_error *err);
/* The same, reading only what a norm engine needs: id, uuid, type, status,
 * position and the measurements named in fields[0..nfields) (surveyor,
 * times, note and the other measurements are left out: a sweep over 1M
 * points spends its time decoding). fields NULL: no measurements. */
enum sw_status sw_store_query_fields(struct sw_store *s, const struct sw_filter *f,
                                     const char *const *fields, size_t nfields, sw_point_cb cb,
                                     void *ud, struct sw_error *err);

/* A row of points that cannot be read (a geometry blob that is not a
 * GeoPackage point, ...): id, uuid (may be NULL) and what is wrong. */
typedef void (*sw_skip_cb)(long long id, const char *uuid, const char *what, void *ud);

/* Skip unreadable rows from now on: sw_store_query and sw_store_count call
 * cb (may be NULL: only count) for each and go on; sw_store_get calls it too
 * and still fails. Without this they fail on the first such row. */
void sw_store_on_skip(struct sw_store *s, sw_skip_cb cb, void *ud);
/* How many rows were skipped since the store was opened. */
long long sw_store_skipped(const struct sw_store *s);

/* The points as they were just before the instant f->as_of (ISO 8601, e.g.
 * "2025-06-30T22:00:00Z"), streamed like sw_store_query with the other
 * filters applied to the rebuilt points. The rebuild starts from the points
 * table and undoes, newest first, every schouw_history row at or after the
 * bound, driven only by the rows' action and field: an update puts the
 * field's old value back, an insert removes the point, a delete brings the
 * old record of its old_value JSON back (with its old id). So points created
 * later are absent, points deleted later are back with their values then,
 * whoever wrote the rows (schouw or triggers). Points come in id order;
 * updated_at is as stored now. Spatial filters are checked on the rebuilt
 * coordinates (no R-tree). An unreadable bound: SW_ERR_INPUT. */
enum sw_status sw_store_query_as_of(struct sw_store *s, const struct sw_filter *f, sw_point_cb cb,
                                    void *ud, struct sw_error *err);

/* A point as a map draws it: no measurements, nothing to free. The strings
 * are valid during the call only. */
struct sw_point_xy {
	long long id;
	const char *type;
	const char *status; /* NULL when unset */
	const char *date;   /* observed_at, else updated_at; NULL when neither */
	double x, y;        /* RD New */
};
typedef enum sw_status (*sw_point_xy_cb)(const struct sw_point_xy *p, void *ud);

/* Stream the points matching f (NULL: all) with only what a map needs, for
 * a million points at a time: no measurement columns are read and the
 * geometry blob's header is decoded in place. A spatial filter goes through
 * the R-tree unless its box holds the whole stored extent (then one pass in
 * table order is cheaper); the exact check is the one of sw_store_query.
 * Points without a position are skipped. No order is promised. cb returns
 * SW_OK to go on; anything else stops and is returned. */
enum sw_status sw_store_query_xy(struct sw_store *s, const struct sw_filter *f, sw_point_xy_cb cb,
                                 void *ud, struct sw_error *err);

/* A row of points as stored, for streaming the whole table out (a first
 * push): v holds the columns asked for, in their order (SW_V_NULL for NULL
 * and for a column the table lacks; text in v[i].s, not owned: valid during
 * the call only). */
struct sw_store_row {
	long long id;
	double x, y; /* RD New; NAN when the row has no position */
	const struct sw_value *v;
};
typedef enum sw_status (*sw_store_row_cb)(const struct sw_store_row *r, void *ud);

/* Every row of points in id order with the columns named in cols[0..n)
 * (any column of points but id and geom). No point is built: a million rows
 * cost their SQLite reads. An unreadable geometry is skipped or fails as in
 * sw_store_query. cb returns SW_OK to go on. */
enum sw_status sw_store_scan(struct sw_store *s, const char *const *cols, size_t n,
                             sw_store_row_cb cb, void *ud, struct sw_error *err);

struct sw_history_row {
	long long seq;
	long long point_id;
	const char *point_uuid;
	const char *action; /* insert, update, delete */
	const char *field;  /* NULL for insert/delete */
	const char *old_value;
	const char *new_value;
	const char *who;
	const char *at;
	/* an insert by a bulk import (schema 6): its import record, else 0 and
	 * NULL. sw_store_history rebuilds new_value from the point and its later
	 * history; sw_store_history_range leaves it NULL. */
	long long import_id;
	const char *import_file, *import_sha256, *import_format;
};
typedef enum sw_status (*sw_history_cb)(const struct sw_history_row *h, void *ud);
/* History of one point (by uuid, so it survives deletion), oldest first.
 * Rows written by the guard triggers are given as schouw's are: a geometry
 * change (stored as field 'geom' with the blobs in hex) as an x and a y row
 * with the same seq (only the coordinates that changed), and the records of
 * insert and delete with x and y filled from their "geom" member (removed). A
 * blob that is no GeoPackage point stays a 'geom' row with the hex. */
enum sw_status sw_store_history(struct sw_store *s, const char *uuid, sw_history_cb cb, void *ud,
                                struct sw_error *err);

/* Every history row with from <= at < to (ISO 8601 instants; NULL: no
 * bound), of every point, oldest first (by seq). For reports: status
 * changes per quarter. */
enum sw_status sw_store_history_range(struct sw_store *s, const char *from, const char *to,
                                      sw_history_cb cb, void *ud, struct sw_error *err);

/* Count of points / history rows (for summaries and tests). */
enum sw_status sw_store_count(struct sw_store *s, const struct sw_filter *f, long long *n,
                              struct sw_error *err);

/* schouw_meta key/value; get returns NULL in *value when unset (caller frees). */
enum sw_status sw_store_meta_get(struct sw_store *s, const char *key, char **value,
                                 struct sw_error *err);
enum sw_status sw_store_meta_set(struct sw_store *s, const char *key, const char *value,
                                 struct sw_error *err);

/* ---- doctor (store_doctor.c) ---- */

/* One thing wrong with a store. point_id 0 and uuid NULL when it is about
 * the store as a whole. Strings live during the callback. */
struct sw_store_finding {
	const char *check; /* integrity, rtree, geometry, form, history, schema, triggers */
	long long point_id;
	const char *uuid;
	const char *message;
	bool repairable;
};
typedef enum sw_status (*sw_finding_cb)(const struct sw_store_finding *f, void *ud);

/* Check the store: PRAGMA integrity_check, rtreecheck and the R-tree against
 * the points, every geometry blob, every point against its form (forms may be
 * NULL: skipped), the history against the points (an insert row for each, and
 * the state its rows lead to equal to the stored one), the schema version, the
 * R-tree and guard triggers and the writer table. Calls cb per finding;
 * *nfound (may be NULL) gets their number.
 * With repair (s open for writing), first copies the store to backup (the
 * SQLite backup API; backup must not exist), then in one transaction rebuilds
 * the R-tree, converts readable foreign geometry blobs (SpatiaLite, plain WKB)
 * to GeoPackage points, re-creates the triggers and the writer table, empties
 * it and adds the missing history rows (who "schouw doctor (reconstructed)").
 * Findings are reported before repair; check again to see what is left. */
enum sw_status sw_store_doctor(struct sw_store *s, const struct sw_forms *forms, bool repair,
                               const char *backup, sw_finding_cb cb, void *ud, size_t *nfound,
                               struct sw_error *err);

/* ---- check runs (store_check.c) ----
 *
 * check_run: one row per run: id, at (ISO 8601 UTC), profile (its name),
 * profile_hash (SHA-256 hex of the profile's files), npoints, npass, nfail,
 * nincomplete.
 * check_result: the run's rows, indexed by run_id and point_uuid: id, run_id,
 * point_id, point_uuid, verdict, and
 *   - per point one row with rule_id NULL holding the point's verdict (pass,
 *     fail, incomplete) and, in `field`, its missing measurements
 *     comma-separated;
 *   - one row per rule the point failed (verdict "fail", any severity): rule_id,
 *     field, measured (the value in the rule's unit), limit_text, severity,
 *     message (Dutch, else English) and source.
 * Empty texts are stored as NULL. */

/* One check_result row; the strings are only read during the call. */
struct sw_check_row {
	long long point_id;
	const char *point_uuid;
	const char *verdict;
	const char *rule_id; /* NULL: the point's verdict row */
	const char *field;
	const char *measured;
	const char *limit_text;
	const char *severity;
	const char *message;
	const char *source;
};

struct sw_check_counts {
	long long npoints, npass, nfail, nincomplete;
};

/* A run being recorded. */
struct sw_store_check;

/* Start recording a run of the named profile: opens a transaction (s must be
 * open for writing) and inserts the check_run row. Caller owns *out and must
 * end it with sw_store_check_end. */
enum sw_status sw_store_check_begin(struct sw_store *s, const char *profile,
                                    const char *profile_hash, struct sw_store_check **out,
                                    struct sw_error *err);
enum sw_status sw_store_check_add(struct sw_store_check *c, const struct sw_check_row *r,
                                  struct sw_error *err);
/* counts != NULL: store them and commit; NULL: roll the run back. Frees c
 * (NULL ok). *run_id (may be NULL) gets the id of the stored run. */
enum sw_status sw_store_check_end(struct sw_store_check *c, const struct sw_check_counts *counts,
                                  long long *run_id, struct sw_error *err);

/* The verdict of every point in the latest stored run (the verdict rows,
 * rule_id NULL), in point id order; verdict is pass, fail or incomplete and
 * lives during the call. No run: cb is never called. Non-SW_OK stops. */
typedef enum sw_status (*sw_verdict_cb)(long long point_id, const char *verdict, void *ud);
enum sw_status sw_store_check_latest(struct sw_store *s, sw_verdict_cb cb, void *ud,
                                     struct sw_error *err);

/* One stored run, as listed by sw_store_check_runs; strings live during the
 * call. */
struct sw_check_run_info {
	long long id;
	const char *at; /* ISO 8601 UTC */
	const char *profile;
	const char *profile_hash;
	struct sw_check_counts counts;
};
typedef enum sw_status (*sw_check_run_cb)(const struct sw_check_run_info *r, void *ud);

/* The runs with from <= at < to (ISO 8601 instants; NULL: no bound) of the
 * named profile (NULL: any), oldest first. Non-SW_OK from cb stops. */
enum sw_status sw_store_check_runs(struct sw_store *s, const char *from, const char *to,
                                   const char *profile, sw_check_run_cb cb, void *ud,
                                   struct sw_error *err);

/* Every check_result row of run run_id, by point id, the point's verdict row
 * first and then its failed rules in the order stored. Non-SW_OK stops. */
typedef enum sw_status (*sw_check_row_cb)(const struct sw_check_row *r, void *ud);
enum sw_status sw_store_check_results(struct sw_store *s, long long run_id, sw_check_row_cb cb,
                                      void *ud, struct sw_error *err);

/* ---- R-tree box query (store_check.c), for neighbour lookups ---- */

struct sw_store_box;

/* Prepare the query on s (which must outlive it); also sets up s's
 * connection for reading the whole store. Close with sw_store_box_close. */
enum sw_status sw_store_box_open(struct sw_store *s, struct sw_store_box **out,
                                 struct sw_error *err);
void sw_store_box_close(struct sw_store_box *b); /* NULL ok */

/* Called per point: its id and exact RD New coordinates. Non-SW_OK stops. */
typedef enum sw_status (*sw_box_cb)(void *ud, long long id, double x, double y,
                                    struct sw_error *err);
/* Every point of type whose R-tree box meets the box (minx..maxx, miny..maxy;
 * boxes are float32 rounded outward, so none is missed and a few just outside
 * may come: compare the exact coordinates). */
enum sw_status sw_store_box_read(struct sw_store_box *b, const char *type, double minx, double miny,
                                 double maxx, double maxy, sw_box_cb cb, void *ud,
                                 struct sw_error *err);

#endif
