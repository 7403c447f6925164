/* shp.h - ESRI shapefile exchange (.shp .shx .dbf .prj .cpg) through shapelib.
 *
 * Follows the convention of exchange.h: sw_shp_read hands one struct
 * sw_record per DBF record to a callback; the writer streams points into
 * temporary files (<stem>.tmp-<pid>.*) that a committing close renames into
 * place, together with a QGIS style (.qml) and an OGC SLD (.sld).
 *
 * DBF field names are at most 10 bytes. schouw names are mapped to DBF names
 * through survey/dbf_names.ini ([dbf] schouw_name = dbf_name) and, for names
 * not listed, a fixed rule (see sw_shp_name_fallback). The same mapping is
 * used backwards by the reader.
 */
#ifndef SCHOUW_SHP_H
#define SCHOUW_SHP_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/exchange.h"
#include "schouw/form.h"
#include "schouw/point.h"

/* Longest DBF field name, and the longest text a DBF field holds. */
#define SW_DBF_NAME_MAX 10
#define SW_DBF_TEXT_MAX 254

/* ---- field name mapping ---- */

struct sw_shp_names;

/* Build the mapping for every fixed column and every field of forms (may be
 * NULL: fixed columns only) from <datadir>/dbf_names.ini; datadir NULL means
 * forms->dir. A missing file is fine (fallback rule only); a bad line, a DBF
 * name over 10 bytes or not [a-z][a-z0-9_]*, or two schouw names that map to
 * one DBF name fail with a message naming the file, line or both fields.
 * Caller owns *out; free with sw_shp_names_free. */
enum sw_status sw_shp_names_load(const char *datadir, const struct sw_forms *forms,
                                 struct sw_shp_names **out, struct sw_error *err);
void sw_shp_names_free(struct sw_shp_names *m);

/* The DBF name of a schouw name: the listed one, else the fallback rule. The
 * result lives as long as m (or, for unknown names, until the next call). */
const char *sw_shp_names_to_dbf(struct sw_shp_names *m, const char *name);

/* The schouw name of a DBF name (case-insensitive), or NULL when no known
 * name maps to it. A 10-byte name that is the start of exactly one longer
 * schouw name (as GDAL cuts them: "running_sl") maps to that name. Lives as
 * long as m. */
const char *sw_shp_names_from_dbf(const struct sw_shp_names *m, const char *dbf);

/* The rule for names not in dbf_names.ini; depends only on name. A name of at
 * most 10 bytes is itself; a longer one is its first 6 bytes, '_' and 3 lower
 * case hex digits of the 32-bit FNV-1a hash of the whole name, masked to 12
 * bits ("surface_evenness" -> "surfac_xyz"). out has room for 11 bytes. */
void sw_shp_name_fallback(const char *name, char out[SW_DBF_NAME_MAX + 1]);

/* The iconv name of the encoding a .cpg text or a DBF "LDID/n" names (as
 * DBFGetCodePage gives them: "UTF-8", "1252", "ANSI 1252", "88591"); "" when
 * cp is NULL or says nothing. out has room for outlen bytes. */
void sw_shp_codepage(const char *cp, char *out, size_t outlen);

/* ---- reader ---- */

/* Read the shapefile at path (the .shp; .shx and .dbf beside it are required,
 * .prj and .cpg optional). The structure of all three files is checked
 * before the first record is passed on: sizes against headers, .shx offsets
 * against the .shp records, equal record counts, shape type Point, PointZ,
 * PointM or single-point MultiPoint. Problems fail with SW_ERR_INPUT and a
 * message naming the file and the byte or record.
 *
 * Records carry keys = DBF names mapped back to schouw names (o->forms, may
 * be NULL: fixed columns only), then renamed by o->map_src/map_dst; values
 * converted to UTF-8 from o->encoding, else the .cpg, else the DBF language
 * byte. The record CRS is o->crs when given (with a warning when the .prj
 * says otherwise), else the .prj identified by PROJ; with neither,
 * SW_ERR_INPUT saying --crs is required. A null shape gives has_xy = false. */
enum sw_status sw_shp_read(const char *path, const struct sw_read_opts *o, sw_record_cb cb,
                           void *ud, struct sw_error *err);

/* ---- writer ---- */

struct sw_shp_writer;

/* Open a layer at path (must end in ".shp"). Fields: the fixed columns, then
 * o->type's form fields (o->type set) or the union of all forms. Nothing is
 * visible at path until sw_shp_writer_close(w, true). o->forms is required
 * and must outlive the writer. Caller owns *out. */
enum sw_status sw_shp_writer_open(const char *path, const struct sw_export_opts *o,
                                  struct sw_shp_writer **out, struct sw_error *err);

/* Add one point (RD New). Texts over 254 bytes are cut on a character
 * boundary with a warning through o->warn naming the point and field. */
enum sw_status sw_shp_writer_add(struct sw_shp_writer *w, const struct sw_point *p,
                                 struct sw_error *err);

/* Write everything still buffered and complete the temporary files without
 * renaming them (optional; lets a caller with several layers finish all
 * before committing any). */
enum sw_status sw_shp_writer_finish(struct sw_shp_writer *w, struct sw_error *err);

/* Points added so far. */
long long sw_shp_writer_count(const struct sw_shp_writer *w);

/* The PROJ operation and its accuracy in metres (-1 unknown) used to
 * reproject, after sw_shp_writer_finish; NULL when nothing was reprojected. */
const char *sw_shp_writer_operation(const struct sw_shp_writer *w, double *accuracy);

/* commit: finish and rename the temporary files into place (replacing an
 * older layer and removing its stale spatial index files). !commit, or any
 * failure: remove the temporary files. Frees w; NULL ok. */
enum sw_status sw_shp_writer_close(struct sw_shp_writer *w, bool commit, struct sw_error *err);

#endif
