/* photo.h - photos of points, inside the store (store_photo.c).
 *
 * Through the OGC Related Tables Extension (OGC 18-000), schema 3, so the
 * photos travel with the GeoPackage and GDAL/QGIS see the relation:
 *   photos          media table (gpkg_contents 'attributes'): id INTEGER
 *                   PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL,
 *                   content_type TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE
 *                   (one photo is stored once, however many points show it),
 *                   bytes, created_at, created_by
 *   points_photos   mapping table (base_id = points.id, related_id =
 *                   photos.id), unique per pair
 *   gpkgext_relations  one row: points -> photos, relation 'media'
 *   gpkg_extensions    'gpkg_related_tables' for gpkgext_relations and the
 *                   mapping table
 * Adding a photo writes a history row (action "update", field "photo", new
 * value its sha256). Deleting a point removes its mapping rows, keeps the
 * media rows and lists the photos' hashes in the history delete row
 * ("photos": [...] in the JSON of the old record).
 */
#ifndef SCHOUW_PHOTO_H
#define SCHOUW_PHOTO_H

#include <stddef.h>

#include "schouw/error.h"
#include "schouw/store.h"

/* The largest photo accepted, in bytes (a phone camera JPEG is 2-8 MB). */
#define SW_PHOTO_MAX_BYTES (16u * 1024u * 1024u)

/* The image type of data by its first bytes: "image/jpeg", "image/png",
 * "image/webp", "image/heic" or "image/heif"; NULL when none of these. The
 * string is static. */
const char *sw_store_photo_sniff(const void *data, size_t n);

/* The usual file name ending of a content type from sniff ("jpg", ...). */
const char *sw_store_photo_ext(const char *content_type);

/* One photo of a point, as listed; the strings live during the callback. */
struct sw_photo {
	long long id;
	long long point_id;
	const char *point_uuid;
	const char *sha256; /* hex */
	const char *content_type;
	long long bytes;
	const char *created_at;
	const char *created_by;
};
typedef enum sw_status (*sw_photo_cb)(const struct sw_photo *ph, void *ud);

/* Attach the image data (n bytes, copied) to point point_id. The type comes
 * from the bytes (SW_ERR_INPUT naming what was expected when it is no JPEG,
 * PNG, WebP or HEIC, or when n is 0 or over SW_PHOTO_MAX_BYTES). A photo
 * already stored (same sha256) is reused; already on this point: nothing is
 * written. Unknown point: SW_ERR_NOTFOUND. *photo_id (may be NULL) gets the
 * photo's id. Joins an open sw_store_begin (a point and its photos in one
 * transaction). */
enum sw_status sw_store_photo_add(struct sw_store *s, long long point_id, const void *data,
                                  size_t n, const char *who, long long *photo_id,
                                  struct sw_error *err);

/* The photos of a point (point_id), or of all points (point_id < 0), in
 * point then photo order. Non-SW_OK from cb stops and is returned. */
enum sw_status sw_store_photo_list(struct sw_store *s, long long point_id, sw_photo_cb cb,
                                   void *ud, struct sw_error *err);

/* The id of the stored photo whose SHA-256 is hex into *id, 0 when there
 * is none. */
enum sw_status sw_store_photo_find(struct sw_store *s, const char *hex, long long *id,
                                   struct sw_error *err);

/* The number of (point, photo) pairs: photos shown by stored points. */
enum sw_status sw_store_photo_count(struct sw_store *s, long long *n, struct sw_error *err);

/* The bytes of photo id: *data (caller frees) of *n bytes and its type
 * (*content_type, caller frees; may be NULL). Unknown id: SW_ERR_NOTFOUND.
 * Photos of deleted points stay readable. */
enum sw_status sw_store_photo_get(struct sw_store *s, long long id, void **data, size_t *n,
                                  char **content_type, struct sw_error *err);

#endif
