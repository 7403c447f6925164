/* exchange.h - what every file format module (src/io/<fmt>.c) shares.
 *
 * Readers turn a file into raw records (text attributes + coordinates in
 * the file's CRS) and hand them to a callback one at a time; import.c turns
 * records into validated points. Writers take points one at a time
 * (streaming, so memory stays flat in N) and write to temporary names that
 * are renamed into place only by a committing close.
 *
 * Convention for every format <fmt> (csv, shp, geojson, gpx):
 *   enum sw_status sw_<fmt>_read(const char *path, const struct sw_read_opts *o,
 *                                sw_record_cb cb, void *ud, struct sw_error *err);
 *   enum sw_status sw_<fmt>_writer_open(const char *path, const struct sw_export_opts *o,
 *                                       struct sw_<fmt>_writer **out, struct sw_error *err);
 *   enum sw_status sw_<fmt>_writer_add(struct sw_<fmt>_writer *w, const struct sw_point *p,
 *                                      struct sw_error *err);
 *   enum sw_status sw_<fmt>_writer_close(struct sw_<fmt>_writer *w, bool commit,
 *                                        struct sw_error *err);   (frees w; NULL ok)
 */
#ifndef SCHOUW_EXCHANGE_H
#define SCHOUW_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/form.h"
#include "schouw/point.h"

/* One row / feature / waypoint of an input file. All strings are UTF-8
 * (readers convert), owned by the reader and valid only during the callback. */
struct sw_record {
	const char *file;
	long pos;             /* 1-based line (CSV, GPX) or feature/record index (shp, GeoJSON) */
	const char *pos_kind; /* "line", "feature", "record", "waypoint": for messages */
	bool has_xy;
	double x, y;        /* in the reader's CRS (crs below); geographic: x = lon */
	const char *crs;    /* "EPSG:4326", "EPSG:28992", or WKT; NULL = unknown */
	bool xy_is_rd_cols; /* CSV: columns were x/y (projected) rather than lat/lon */
	size_t n;
	const char *const *keys; /* attribute names as in the file */
	const char *const *vals; /* NULL or "" = empty */
};

/* Return SW_OK to go on; anything else stops the reader, which returns it. */
typedef enum sw_status (*sw_record_cb)(const struct sw_record *r, void *ud, struct sw_error *err);

/* Writers may warn (e.g. a text cut at 254 bytes) without failing. */
typedef void (*sw_warn_fn)(void *ud, const char *msg);

enum sw_csv_dialect { SW_CSV_RFC4180 = 0, SW_CSV_EXCEL_NL };

struct sw_read_opts {
	const char *encoding;      /* override, e.g. "ISO-8859-1"; NULL = from file */
	const char *crs;           /* override / fallback CRS, e.g. "EPSG:28992"; NULL = from file */
	const char *const *map_src; /* --map src=dst: column renames applied by the reader */
	const char *const *map_dst;
	size_t nmap;
	sw_warn_fn warn;
	void *warn_ud;
	const struct sw_forms *forms; /* for readers that map names (shp: DBF names); NULL ok */
};

/* The name a reader should give attribute k after the --map renames in o:
 * k itself when not mapped, the new name, or NULL when the map drops it
 * (DST empty or "-"). Exact, case-sensitive match. */
const char *sw_read_map_key(const struct sw_read_opts *o, const char *k);

struct sw_export_opts {
	const struct sw_forms *forms;
	const char *crs;  /* target CRS; NULL = RD New (GeoJSON: always WGS84) */
	const char *type; /* only this form's fields (split by type); NULL = union of all */
	bool anonymize;   /* leave surveyor names out */
	enum sw_csv_dialect dialect;
	sw_warn_fn warn;
	void *warn_ud;
};

#endif
