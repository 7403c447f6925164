/* csv.h - CSV exchange through libcsv.
 *
 * Follows the convention of exchange.h. Two dialects:
 *   SW_CSV_RFC4180   ',' separator, '.' decimals, UTF-8 without BOM, CRLF
 *   SW_CSV_EXCEL_NL  ';' separator, decimal comma, UTF-8 with BOM, CRLF
 *                    (what Dutch Excel opens and saves)
 * In both, text cells that begin with = + - @ are written with a leading
 * single quote so spreadsheets do not run them as formulas (a text that
 * already begins with ' followed by one of those gets a second quote, so the
 * reader can undo the guard exactly). Numbers are never guarded.
 */
#ifndef SCHOUW_CSV_H
#define SCHOUW_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/exchange.h"
#include "schouw/point.h"

/* ---- reader ---- */

/* Read the CSV file at path and call cb once per data row.
 *
 * The separator (',' ';' or tab) is taken from the header line (whichever
 * occurs most outside quotes); a UTF-8 BOM is skipped. Header names are
 * renamed by o->map_src/map_dst (a dst of "" or "-" drops the column; a src
 * that is not in the header is an error). Coordinates come from the columns
 * sw_exchange_coord_role recognises (x/y preferred over lat/lon when a file has
 * both); numbers may use a decimal comma. Record CRS: o->crs when given, else
 * "EPSG:4326" for lat/lon and "EPSG:28992" for x/y. Empty or non-numeric
 * coordinate cells give has_xy = false (the importer says why). Every column,
 * coordinates included, is passed in keys/vals. A leading formula guard (see
 * above) is removed from every cell.
 *
 * Text must be valid UTF-8 unless o->encoding names another encoding (then it
 * is converted with iconv). Fails with SW_ERR_INPUT and "file:line: reason"
 * (line = where the record starts) for: an empty file, a header without a
 * coordinate column, a row with another number of cells than the header
 * ("expected N, got M"), a quote that is never closed or text after a closing
 * quote, invalid UTF-8, a header without rows ("no rows"). A callback status
 * other than SW_OK stops reading and is returned (err as the callback left it). */
enum sw_status sw_csv_read(const char *path, const struct sw_read_opts *o, sw_record_cb cb,
                           void *ud, struct sw_error *err);

/* The dialect a CSV file is written in, for answering in kind (reject
 * files): SW_CSV_EXCEL_NL when ';' separates its header, else SW_CSV_RFC4180
 * (also for a file that cannot be read). */
enum sw_csv_dialect sw_csv_sniff_dialect(const char *path);

/* ---- point writer ---- */

struct sw_csv_writer;

/* Open a point CSV at path. Columns: id, uuid, type, status, x, y, surveyor
 * (left out with o->anonymize), observed_at, gps_accuracy_m, note,
 * created_at, updated_at, then the measurement fields of o->type's form, or
 * of all forms (o->type NULL; o->forms NULL: no measurement columns). With
 * o->crs other than RD New the coordinates are reprojected; a geographic CRS
 * (EPSG:4326, EPSG:4258) gives columns lon, lat instead of x, y. x/y have at
 * least 3 decimals (mm), every number the shortest text that reads back as
 * the same double. The file is written under a temporary name in the same
 * directory; only a committing close renames it to path. o is copied (its
 * strings too); o->forms must outlive the writer. Caller owns *out; close
 * with sw_csv_writer_close. */
enum sw_status sw_csv_writer_open(const char *path, const struct sw_export_opts *o,
                                  struct sw_csv_writer **out, struct sw_error *err);

/* Append one point (RD New coordinates). */
enum sw_status sw_csv_writer_add(struct sw_csv_writer *w, const struct sw_point *p,
                                 struct sw_error *err);

/* Points added so far. */
long long sw_csv_writer_count(const struct sw_csv_writer *w);

/* The PROJ operation and its accuracy in metres (-1 unknown) used to
 * reproject; NULL when nothing was reprojected. */
const char *sw_csv_writer_operation(const struct sw_csv_writer *w, double *accuracy);

/* commit: flush, close and rename into place. !commit or any failure: remove
 * the temporary file. Frees w; NULL ok. */
enum sw_status sw_csv_writer_close(struct sw_csv_writer *w, bool commit, struct sw_error *err);

/* ---- plain rows (reject files and other tables) ---- */

struct sw_csv_out;

/* A CSV of plain text rows in dialect d, written atomically like the point
 * writer. Caller owns *out; close with sw_csv_out_close. */
enum sw_status sw_csv_out_open(const char *path, enum sw_csv_dialect d, struct sw_csv_out **out,
                               struct sw_error *err);

/* Append one row of n cells (NULL = empty). Cells are quoted as needed and
 * guarded against formulas; they are written as given otherwise. */
enum sw_status sw_csv_out_row(struct sw_csv_out *w, size_t n, const char *const *cells,
                              struct sw_error *err);

enum sw_status sw_csv_out_close(struct sw_csv_out *w, bool commit, struct sw_error *err);

/* ---- helpers, public for tests ---- */

/* Write cell (len bytes) to buf as it would appear in a file of dialect d:
 * quoted when it holds the separator, a quote, CR, LF or leading/trailing
 * blanks; with the formula guard when guard is true. Returns the length
 * needed (may exceed cap; buf is NUL-terminated when cap > 0). */
size_t sw_csv_format_cell(char *buf, size_t cap, const char *cell, enum sw_csv_dialect d,
                          bool guard);

#endif
