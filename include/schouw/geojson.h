/* geojson.h - GeoJSON (RFC 7946) exchange: FeatureCollection of Points.
 *
 * Reading: the file must be a FeatureCollection; every feature's geometry a
 * Point (a MultiPoint holding exactly one point is accepted) with finite
 * coordinates, lon in [-180,180] and lat in [-90,90]. Each feature becomes
 * one struct sw_record (pos = 1-based feature index, pos_kind "feature",
 * crs "EPSG:4326", x = lon, y = lat) whose keys/vals are the properties:
 * (renamed by o->map_src/map_dst; a dst of "" or "-" drops the property)
 * strings as they are, numbers in their shortest round-tripping text,
 * booleans "true"/"false", null as empty. A nested object or array as a
 * property value is an error naming the property. A legacy "crs" member
 * naming EPSG:28992 (urn:ogc:def:crs:EPSG::28992, as older ogr2ogr writes)
 * is honoured: records then carry crs "EPSG:28992" and RD metres. Errors
 * are SW_ERR_INPUT with "FILE:LINE:COL: ..." for JSON syntax (invalid UTF-8
 * included) and "FILE: feature N: ..." for content.
 *
 * GeoJSON is UTF-8 (RFC 8259): o->encoding naming anything else is refused.
 * o->crs, when given, overrides the CRS of the file.
 *
 * The reader streams: features are parsed one at a time from a memory map
 * of the file, so memory stays flat in the number of features.
 *
 * Writing: a FeatureCollection in WGS84 (lon, lat with 9 decimals, ~0.1 mm;
 * no "crs" member). Each feature has "id" = the point's id and properties
 * id, uuid, type, status, surveyor (left out with anonymize), observed_at,
 * gps_accuracy_m, note, created_at, updated_at, then every field of the
 * point's form (of opts->type's form when set; null when not measured), then
 * any other measurement the point has. Unknown values are written as null,
 * never left out. Bools (fields of kind bool) are JSON true/false, numbers
 * JSON numbers in their shortest round-tripping form. o->forms (may be NULL:
 * only the measurements the points have) must outlive the writer.
 * The file is written to PATH.tmp-XXXXXX and renamed into place by a
 * committing close; a non-committing close removes it.
 */
#ifndef SCHOUW_GEOJSON_H
#define SCHOUW_GEOJSON_H

#include <stdbool.h>

#include "schouw/error.h"
#include "schouw/exchange.h"
#include "schouw/point.h"

/* Read path and call cb once per feature, in file order. Returns SW_OK, the
 * first error, or whatever cb returned when it stopped the read. */
enum sw_status sw_geojson_read(const char *path, const struct sw_read_opts *o, sw_record_cb cb,
                               void *ud, struct sw_error *err);

struct sw_geojson_writer;

/* Start writing path (o may be NULL: all attributes, no forms). Caller owns
 * *out and must call sw_geojson_writer_close. */
enum sw_status sw_geojson_writer_open(const char *path, const struct sw_export_opts *o,
                                      struct sw_geojson_writer **out, struct sw_error *err);

/* Append one point (RD New coordinates; p is only read). Points are
 * transformed to WGS84 in batches, so an error in a point may be reported by
 * a later add or by close. */
enum sw_status sw_geojson_writer_add(struct sw_geojson_writer *w, const struct sw_point *p,
                                     struct sw_error *err);

/* Points added so far. */
long long sw_geojson_writer_count(const struct sw_geojson_writer *w);

/* The PROJ operation RD -> WGS84 and its accuracy in metres (-1 unknown),
 * after at least one batch was written (close flushes); NULL before. */
const char *sw_geojson_writer_operation(const struct sw_geojson_writer *w, double *accuracy);

/* Finish: commit renames the file into place, otherwise it is removed.
 * Frees w (NULL ok). */
enum sw_status sw_geojson_writer_close(struct sw_geojson_writer *w, bool commit,
                                       struct sw_error *err);

#endif
