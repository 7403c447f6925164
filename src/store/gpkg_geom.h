/* gpkg_geom.h - GeoPackage binary geometry blobs (OGC 12-128r19, 2.1.3).
 *
 * Private to src/store. A blob is: 'G' 'P', version 0, flags, int32 srs_id,
 * an optional envelope, then ISO WKB. The store writes points only (no
 * envelope, little-endian); the decoder reads any 2D/Z/M/ZM WKB geometry so
 * the SQL functions the R-tree triggers call (ST_MinX, ...) work on blobs
 * written by other tools too.
 */
#ifndef SCHOUW_STORE_GPKG_GEOM_H
#define SCHOUW_STORE_GPKG_GEOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schouw/error.h"

/* Header (8 bytes) + WKB point (1 + 4 + 2 * 8). */
#define SW_GPKG_POINT_BLOB_LEN 29

/* What decoding a blob tells. */
struct sw_gpkg_geom {
	int32_t srs_id;
	uint32_t wkb_type;             /* base type: 1 point, 2 linestring, ... 7 collection */
	bool empty;                    /* empty flag set, or no coordinates at all */
	double minx, maxx, miny, maxy; /* bounding box; NAN when empty */
	double x, y;                   /* the coordinates when wkb_type is 1 */
};

/* Write a point blob for (x, y) in srs_id into out. A NAN coordinate gives
 * an empty point (empty flag set, WKB coordinates NAN, as the spec asks).
 * Returns the number of bytes written, always SW_GPKG_POINT_BLOB_LEN. */
size_t sw_gpkg_geom_point(double x, double y, int32_t srs_id,
                          unsigned char out[SW_GPKG_POINT_BLOB_LEN]);

/* Decode the blob (len bytes) into *out. SW_ERR_INPUT with a message saying
 * what is wrong when it is not a well-formed GeoPackage geometry. */
enum sw_status sw_gpkg_geom_decode(const void *blob, size_t len, struct sw_gpkg_geom *out,
                                   struct sw_error *err);

/* The coordinates of a blob the way this store writes points (little-endian,
 * no envelope, not empty, a 2D WKB point), read in place: true and (x, y)
 * filled, else false and the caller decodes with sw_gpkg_geom_decode. */
bool sw_gpkg_geom_point_fast(const void *blob, size_t len, double *x, double *y);

#endif
