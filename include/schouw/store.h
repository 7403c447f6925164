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

#define SW_STORE_SCHEMA_VERSION 2

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

/* Add a column to points for every form field the table lacks (in one
 * transaction). Needed before writing points with new fields. */
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
};

/* Call cb for every point matching f (NULL: all), in id order. Spatial
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
};
typedef enum sw_status (*sw_history_cb)(const struct sw_history_row *h, void *ud);
/* History of one point (by uuid, so it survives deletion), oldest first. */
enum sw_status sw_store_history(struct sw_store *s, const char *uuid, sw_history_cb cb, void *ud,
                                struct sw_error *err);

/* Count of points / history rows (for summaries and tests). */
enum sw_status sw_store_count(struct sw_store *s, const struct sw_filter *f, long long *n,
                              struct sw_error *err);

/* schouw_meta key/value; get returns NULL in *value when unset (caller frees). */
enum sw_status sw_store_meta_get(struct sw_store *s, const char *key, char **value,
                                 struct sw_error *err);
enum sw_status sw_store_meta_set(struct sw_store *s, const char *key, const char *value,
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
enum sw_status sw_store_box_read(struct sw_store_box *b, const char *type, double minx,
                                 double miny, double maxx, double maxy, sw_box_cb cb, void *ud,
                                 struct sw_error *err);

#endif
