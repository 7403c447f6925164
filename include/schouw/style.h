/* style.h - layer styles that colour points by status, for GIS programs.
 *
 * Both styles use the statuses of survey/statuses.ini (struct sw_state_def:
 * name, Dutch label, "#rrggbb" colour), the same colours the maps use. The
 * XML is written with libxml2's xmlTextWriter. Files are written at path as
 * given (the shapefile writer passes its temporary names).
 */
#ifndef SCHOUW_STYLE_H
#define SCHOUW_STYLE_H

#include <stdbool.h>

#include "schouw/error.h"
#include "schouw/form.h"

/* QGIS 3 layer style (.qml): a categorized renderer on the field "status",
 * one simple circle marker per status, labelled in Dutch. */
enum sw_status sw_style_write_qml(const char *path, const struct sw_forms *forms,
                                  struct sw_error *err);

/* OGC SLD 1.0 (.sld) for the named layer: one Rule per status with an
 * ogc:PropertyIsEqualTo filter on "status" and a circle PointSymbolizer. */
enum sw_status sw_style_write_sld(const char *path, const char *layer_name,
                                  const struct sw_forms *forms, struct sw_error *err);

/* Parse "#rrggbb" into 0..255 components; false when malformed. */
bool sw_style_parse_color(const char *hex, int *r, int *g, int *b);

#endif
