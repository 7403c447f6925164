/* exchange.h - what every file format module (src/io/<fmt>.c) shares, and
 * the format table through which import and export find them.
 *
 * Readers turn a file into raw records (text attributes + coordinates in
 * the file's CRS) and hand them to a callback one at a time; the import
 * pipeline (src/app/import.c) turns records into validated points. Writers
 * take points one at a time (streaming, so memory stays flat in N) and write
 * to temporary names that are renamed into place only by a committing close.
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
 * and one entry in the format table (exchange.c), which is all that import
 * and export know of a format: adding a format is one module and one entry.
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
	bool day_first;     /* dates like 1-3-2025 are day-month-year (a ';' CSV:
	                     * Dutch Excel); else only unambiguous ones are read */
	size_t n;
	const char *const *keys; /* attribute names as in the file */
	const char *const *vals; /* NULL or "" = empty */
};

/* Return SW_OK to go on; anything else stops the reader, which returns it. */
typedef enum sw_status (*sw_record_cb)(const struct sw_record *r, void *ud, struct sw_error *err);

/* Writers may warn (e.g. a text cut at 254 bytes) without failing. */
typedef void (*sw_warn_fn)(void *ud, const char *msg);

enum sw_csv_dialect { SW_CSV_RFC4180 = 0, SW_CSV_EXCEL_NL };

/* What a reader left out of a file on purpose, for the import report. */
struct sw_read_stats {
	long long empty_rows;    /* rows empty in every cell (Excel's ";;;;") */
	long long empty_columns; /* unnamed columns empty in every row ("x;y;;;") */
};

struct sw_read_opts {
	const char *encoding;      /* override, e.g. "ISO-8859-1"; NULL = from file */
	const char *crs;           /* override / fallback CRS, e.g. "EPSG:28992"; NULL = from file */
	const char *const *map_src; /* --map src=dst: column renames applied by the reader */
	const char *const *map_dst;
	size_t nmap;
	sw_warn_fn warn;
	void *warn_ud;
	const struct sw_forms *forms; /* for readers that map names (shp: DBF names); NULL ok */
	struct sw_read_stats *stats;  /* readers add what they ignored; NULL ok */
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
	bool photos;      /* shapefile: a text field "photos" (the point's text
	                   * attribute of that name: relative paths of its photos) */
	enum sw_csv_dialect dialect;
	sw_warn_fn warn;
	void *warn_ud;
};

/* ---- column names ---- */

/* Trimmed (spaces, tabs), case-insensitive comparison of a column name. */
bool sw_exchange_name_is(const char *name, const char *want);

enum sw_coord_role { SW_COORD_NONE = 0, SW_COORD_LAT, SW_COORD_LON, SW_COORD_X, SW_COORD_Y };

/* Which coordinate a column name holds, by common Dutch and English names
 * (case-insensitive): lat latitude breedtegraad breedte / lon lng long
 * longitude lengtegraad lengte / x rd_x x_rd xcoord x_coord easting / y rd_y
 * y_rd ycoord y_coord northing. NULL: SW_COORD_NONE. */
enum sw_coord_role sw_exchange_coord_role(const char *name);

/* ---- the format table ---- */

/* Which way a format is used; a lookup for writing finds only formats with
 * a writer, one for reading only formats with a reader. */
enum sw_format_use { SW_FORMAT_READ, SW_FORMAT_WRITE };

enum sw_format_flags {
	SW_FORMAT_DIR = 1u << 0,      /* a directory path means this format (shapefile) */
	SW_FORMAT_NEEDS_EXT = 1u << 1, /* a written file must end in .exts[0] */
	SW_FORMAT_DIALECT = 1u << 2,  /* has dialects (sw_export_opts.dialect) */
	SW_FORMAT_LINES = 1u << 3,    /* about one record per line (progress by line) */
};

/* A writer of any format: an opaque handle of the format's own writer. */
struct sw_writer;

/* One entry per format. Name lists end with NULL. */
struct sw_format {
	const char *name;               /* canonical --format name: "csv", "shp", ... */
	const char *label;              /* for messages: "CSV", "shapefile", "GeoJSON" */
	const char *const *names;       /* every --format name, name first */
	const char *const *exts;        /* file name endings (no dot) read and written;
	                                 * exts[0] is what a written file gets */
	const char *const *read_aliases; /* names and endings accepted only when reading */
	const char *companions;         /* files written beside the main one, for the
	                                 * summary (".shx .dbf ..."); NULL: none */
	const char *fixed_crs;          /* the only CRS the format holds; NULL: any */
	char magic;                     /* first non-blank byte of its files ('{', '<');
	                                 * 0: not recognisable by content */
	unsigned flags;                 /* enum sw_format_flags */
	/* the reader; NULL: cannot be read */
	enum sw_status (*read)(const char *path, const struct sw_read_opts *o, sw_record_cb cb,
	                       void *ud, struct sw_error *err);
	/* the dialect of an existing file, to answer in kind; NULL: none */
	enum sw_csv_dialect (*dialect_of)(const char *path);
	/* the writer; open NULL: cannot be written. finish (NULL: nothing to do)
	 * completes the temporary files so that several layers can be completed
	 * before any is renamed; close frees w (NULL ok) and renames on commit. */
	enum sw_status (*writer_open)(const char *path, const struct sw_export_opts *o,
	                              struct sw_writer **out, struct sw_error *err);
	enum sw_status (*writer_add)(struct sw_writer *w, const struct sw_point *p,
	                             struct sw_error *err);
	enum sw_status (*writer_finish)(struct sw_writer *w, struct sw_error *err);
	enum sw_status (*writer_close)(struct sw_writer *w, bool commit, struct sw_error *err);
};

/* The table, in the order messages list the formats. */
size_t sw_format_count(void);
const struct sw_format *sw_format_at(size_t i);

/* True when fmt can be used that way. */
bool sw_format_can(const struct sw_format *fmt, enum sw_format_use use);

/* The format called name (case-insensitive; reading also takes the read
 * aliases), or NULL. */
const struct sw_format *sw_format_by_name(const char *name, enum sw_format_use use);

/* The format of path by its file name ending, or NULL (no ending, or none
 * known). A directory is not looked at here: see sw_format_for_dir. */
const struct sw_format *sw_format_by_ext(const char *path, enum sw_format_use use);

/* The format a directory path stands for (SW_FORMAT_DIR), or NULL. */
const struct sw_format *sw_format_for_dir(enum sw_format_use use);

/* The format whose magic byte starts the file (after a UTF-8 BOM and blanks),
 * or NULL (unreadable, or no magic matches). */
const struct sw_format *sw_format_sniff(const char *path);

/* "csv, shp or geojson": the names (sep_last = " or ") or the endings
 * (".csv", with dots) of the formats usable that way, into buf. */
void sw_format_list(enum sw_format_use use, bool exts, const char *sep_last, char *buf,
                    size_t len);

#endif
