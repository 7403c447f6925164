/* output.h - points as table rows, CSV and JSON on stdout (list, show). */
#ifndef SCHOUW_OUTPUT_H
#define SCHOUW_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "schouw/form.h"
#include "schouw/point.h"

/* A JSON object with every member and measurement; caller owns (json_decref). */
json_t *sw_out_point_json(const struct sw_forms *forms, const struct sw_point *p);

/* CSV (RFC 4180) header and rows: id, uuid, type, status, x, y, surveyor,
 * observed_at, gps_accuracy_m, note, then every form field in union order. */
void sw_out_csv_header(FILE *f, const struct sw_field *const *fields, size_t nfields);
void sw_out_csv_row(FILE *f, const struct sw_point *p, const struct sw_field *const *fields,
		    size_t nfields);

/* One RFC 4180 cell (quoted only when needed), preceded by ',' unless first. */
void sw_out_csv_cell(FILE *f, const char *s, int first);

/* Display width of UTF-8 text (code points; good enough for Latin scripts). */
size_t sw_out_width(const char *s);

/* An aligned table on stdout: the header row head[ncols], then nrows rows of
 * cells (row-major, ncols each); columns with right[c] set are right-aligned;
 * a last column aligned left is not padded. */
void sw_out_table(const char *const *head, const char *const *cells, size_t nrows, int ncols,
                  const int *right);

#endif
