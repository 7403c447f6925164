/* gpx.h - GPX 1.1 (and 1.0) waypoint reader.
 *
 * Every <wpt lat lon> becomes one struct sw_record: crs "EPSG:4326",
 * x = lon, y = lat, pos = the line of the <wpt> element (pos_kind "line").
 * Child elements map onto schouw names:
 *   <name>, <desc>  -> note ("name — desc" when both, else whichever exists)
 *   <time>          -> observed_at (ISO 8601 as in the file; GPX times are UTC,
 *                      so a time without a zone gets "Z")
 *   <hdop>          -> gps_accuracy_m (the issue asks for the GPX hdop to be
 *                      kept as the accuracy; it is a dilution, not metres)
 *   <type>          -> type
 *   <ele>           -> dropped (the point model has no height)
 * Elements in the schouw namespace (SW_GPX_NS) or GDAL's (SW_GPX_OGR_NS),
 * inside <extensions> or (GPX 1.0) directly in <wpt>, become further keys by
 * their local name, e.g. <schouw:status>, <schouw:running_slope_pct>; they
 * win over the mapped elements above. Routes and tracks are ignored (with a
 * warning through o->warn).
 *
 * Text is converted to UTF-8 from the encoding the XML declaration names, or
 * from o->encoding when given. o->crs other than EPSG:4326 is refused: GPX
 * is WGS84 by definition.
 *
 * The file is read as a stream (libxml2 xmlTextReader), so memory stays flat
 * in the number of waypoints. No network access, no external DTD, no entity
 * substitution (XXE / billion laughs). Errors are SW_ERR_INPUT with
 * "FILE:LINE: ..."; XML that is not well-formed (invalid UTF-8 included)
 * gives "FILE:LINE: not well-formed XML: <libxml2's message>". Nothing is
 * printed: libxml2's messages are captured.
 */
#ifndef SCHOUW_GPX_H
#define SCHOUW_GPX_H

#include "schouw/error.h"
#include "schouw/exchange.h"

#define SW_GPX_NS_11 "http://www.topografix.com/GPX/1/1"
#define SW_GPX_NS_10 "http://www.topografix.com/GPX/1/0"
#define SW_GPX_NS "urn:x-schouw:gpx:1"
#define SW_GPX_OGR_NS "http://osgeo.org/gdal"

/* Read path and call cb once per waypoint, in file order. Returns SW_OK,
 * the first error, or whatever cb returned when it stopped the read. */
enum sw_status sw_gpx_read(const char *path, const struct sw_read_opts *o, sw_record_cb cb,
                           void *ud, struct sw_error *err);

#endif
