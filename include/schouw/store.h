/* store.h - the GeoPackage store of points.
 *
 * One file, a valid GeoPackage 1.4 that QGIS and GDAL open as-is:
 *   points          feature table (POINT, EPSG:28992), fixed columns plus one
 *                   column per form field (added when a form gains a field)
 *   rtree_points_geom  the gpkg_rtree_index spatial index, kept in step
 *   schouw_history  append-only: who, when, which field, old and new value
 *   schouw_meta     key/value: schema_version, default_profile, ...
 * The store knows neither file formats nor rendering.
 *
 * Every write runs in a transaction (BEGIN IMMEDIATE, so concurrent writers
 * queue on the 10 s busy timeout instead of failing). A failed call leaves
 * the file unchanged.
 */
#ifndef SCHOUW_STORE_H
#define SCHOUW_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/form.h"
#include "schouw/point.h"

#define SW_STORE_SCHEMA_VERSION 2

struct sw_store;

enum sw_store_mode { SW_STORE_READ = 0, SW_STORE_WRITE = 1 };

/* Create a new, empty store at path. Fails (SW_ERR_IO) when path exists. */
enum sw_status sw_store_create(const char *path, struct sw_error *err);

/* Open an existing store. Refuses a file that is not a GeoPackage made by
 * schouw, a corrupt one, or one with a newer schema; migrates an older schema
 * in one transaction (needs write access). Missing file: SW_ERR_NOTFOUND.
 * Caller owns *out; close with sw_store_close. */
enum sw_status sw_store_open(const char *path, enum sw_store_mode mode, struct sw_store **out,
			     struct sw_error *err);
void sw_store_close(struct sw_store *s); /* NULL ok */

/* Add a column to points for every form field the table lacks (in one
 * transaction). Needed before writing points with new fields. */
enum sw_status sw_store_sync_fields(struct sw_store *s, const struct sw_forms *forms,
				    struct sw_error *err);

/* Explicit transactions, for imports that write many points at once. While
 * one is open the single-point calls below do not open their own. */
enum sw_status sw_store_begin(struct sw_store *s, struct sw_error *err);
enum sw_status sw_store_commit(struct sw_store *s, struct sw_error *err);
void sw_store_rollback(struct sw_store *s);

/* Insert p. A missing uuid is generated; created_at/updated_at are set; p->id
 * and p->uuid are filled in. Writes one history row (action "insert"). */
enum sw_status sw_store_insert(struct sw_store *s, struct sw_point *p, const char *who,
			       struct sw_error *err);

/* Replace the stored point with id p->id by p, writing one history row per
 * changed field (old and new value). Sets updated_at. Returns the number of
 * changed fields in *nchanged (may be NULL). */
enum sw_status sw_store_update(struct sw_store *s, struct sw_point *p, const char *who,
			       size_t *nchanged, struct sw_error *err);

/* Delete a point, writing a history row with the whole old record. */
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
};

/* Call cb for every point matching f (NULL: all), in id order. Spatial
 * filters go through the R-tree. The point passed to cb is valid only during
 * the call. cb returns SW_OK to go on, anything else stops and is returned. */
typedef enum sw_status (*sw_point_cb)(const struct sw_point *p, void *ud);
enum sw_status sw_store_query(struct sw_store *s, const struct sw_filter *f, sw_point_cb cb,
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

/* The underlying sqlite3 handle, for modules that keep their own tables in the
 * store (norm check runs). Owned by the store. */
struct sqlite3 *sw_store_db(struct sw_store *s);

#endif
