/* crs.h - coordinate transformation through PROJ.
 *
 * A struct sw_crs is a PROJ context + transformation from one CRS to another,
 * normalised for visualisation so geographic input/output is always lon, lat
 * (x = easting/longitude). Not thread-safe; one per thread.
 */
#ifndef SCHOUW_CRS_H
#define SCHOUW_CRS_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"

#define SW_CRS_RD "EPSG:28992"
#define SW_CRS_WGS84 "EPSG:4326"

struct sw_crs;

/* Create a transformation; src/dst are anything PROJ accepts ("EPSG:4326",
 * WKT from a .prj). Caller owns *out; free with sw_crs_free. */
enum sw_status sw_crs_new(const char *src, const char *dst, struct sw_crs **out,
			  struct sw_error *err);
void sw_crs_free(struct sw_crs *c);

/* Transform n points in place (batch through proj_trans_generic). Every
 * result is checked: a point PROJ cannot transform fails the call with its
 * index, unless failed != NULL, in which case failed[i] is set instead. */
enum sw_status sw_crs_trans(struct sw_crs *c, double *x, double *y, size_t n, bool *failed,
			    struct sw_error *err);

/* Name and accuracy in metres (-1 when unknown) of the operation PROJ used
 * for the last transformation (e.g. "Inverse of RD New + Amersfoort to WGS 84
 * (4) + axis order change (2D)", 1 m); NULL and -1 before the first one.
 * The string is owned by c and valid until the next call on c. */
const char *sw_crs_operation(struct sw_crs *c);
double sw_crs_accuracy(struct sw_crs *c);

/* Is this RD New position inside the Netherlands' RD domain
 * (x 0..280 km, y 300..625 km)? */
bool sw_rd_in_nl(double x, double y);
/* Is this lon/lat near the Netherlands (3.2..7.3 E, 50.7..53.6 N)? */
bool sw_wgs84_in_nl(double lon, double lat);

/* WKT1 ESRI of a CRS for a .prj file. Caller frees. */
enum sw_status sw_crs_esri_wkt(const char *crs, char **out, struct sw_error *err);

/* Name ("Amersfoort / RD New") and WKT1 as GDAL writes it (for a
 * .png.aux.xml) of a CRS. Caller frees both; both NULL on failure. */
enum sw_status sw_crs_describe(const char *crs, char **name, char **wkt, struct sw_error *err);

/* Identify a CRS given as WKT (from a .prj) as "EPSG:n" when PROJ can;
 * caller frees. SW_ERR_INPUT when PROJ cannot parse it. */
enum sw_status sw_crs_identify(const char *wkt, char **out, struct sw_error *err);

#endif
