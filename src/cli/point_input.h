/* point_input.h - turning command-line words into point members, shared by
 * log and set. All functions fill err and return a status; none prints. */
#ifndef SCHOUW_POINT_INPUT_H
#define SCHOUW_POINT_INPUT_H

#include <stdbool.h>

#include "schouw/error.h"
#include "schouw/form.h"
#include "schouw/point.h"

/* Apply "name=value" to p: a fixed member (status, note, surveyor,
 * observed_at, gps_accuracy_m) or a field of p's form. An empty value clears
 * it. Unknown names list the valid ones. */
enum sw_status sw_input_assign(const struct sw_forms *forms, struct sw_point *p, const char *assign,
			       struct sw_error *err);

/* Check and store a free text (note, surveyor): valid UTF-8, no control
 * characters other than tab and newline, at most 4000 bytes. */
enum sw_status sw_input_text(char **member, const char *what, const char *text,
			     struct sw_error *err);

/* WGS84 lat/lon -> RD New through PROJ; fills *x,*y. Refuses positions
 * outside the Netherlands, with a hint when lat and lon look swapped. */
enum sw_status sw_input_latlon(double lat, double lon, double *x, double *y, struct sw_error *err);
/* Check an RD New position (hint when x and y look swapped). */
enum sw_status sw_input_rd(double x, double y, struct sw_error *err);

#endif
