/* import.h - the import pipeline every input format shares.
 *
 * A reader (sw_csv_read, sw_shp_read, sw_gpx_read, sw_geojson_read) hands
 * raw records to sw_importer_record_cb; the importer turns each into a point
 * (fields parsed by the form), transforms coordinates to RD New in batches
 * (one PROJ transformation per source CRS), checks the position lies in the
 * Netherlands, validates the point against its form and inserts it, or, when
 * a point with the same uuid exists, updates it (history per changed field)
 * or counts it unchanged. Files without a uuid column get a deterministic
 * uuid, so a re-import matches the points of the first import.
 *
 * Everything runs in one store transaction. Rejected rows are collected (all
 * of them are passed to the reject callback, the first SW_IMPORT_MAX_MESSAGES
 * are kept as messages); without skip_invalid any rejected row rolls the whole
 * import back. Library code: nothing is printed.
 */
#ifndef SCHOUW_IMPORT_H
#define SCHOUW_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/exchange.h"
#include "schouw/form.h"
#include "schouw/point.h"
#include "schouw/store.h"

#define SW_IMPORT_MAX_MESSAGES 50
#define SW_IMPORT_BATCH 4096

/* Called once per rejected row with the row as read and every reason
 * ("field: what was expected; ..."). r and reason live during the call. */
typedef void (*sw_reject_fn)(void *ud, const struct sw_record *r, const char *reason);

struct sw_import_opts {
	const char *default_type;     /* for rows without a type column/value; NULL: none */
	const char *default_status;   /* NULL: "planned" */
	const char *default_surveyor; /* NULL: none */
	const char *who;              /* author of the history rows; NULL: "import" */
	bool dry_run;                 /* validate everything, then roll back */
	bool skip_invalid;            /* import the good rows, reject the bad ones */
	bool bulk;                    /* sw_store_bulk_begin: for imports large compared
	                               * with the store (R-tree rebuilt once at the end) */
	sw_reject_fn reject;
	void *reject_ud;
	/* sw_import_file: write every rejected row to this CSV file (in the input's
	 * dialect) with its line and reason, after the import committed; NULL: none.
	 * Check it first with sw_import_rejects_check. */
	const char *rejects_path;
	/* sw_import_file: called once with pos 0 and the expected number of lines
	 * (0 unknown) before reading, then with each record's position. NULL: none. */
	void (*progress)(void *ud, long long pos, long long total);
	void *progress_ud;
};

/* One coordinate transformation used by the import. */
struct sw_import_transform {
	char *src_crs;   /* as the reader gave it */
	char *operation; /* PROJ's name of the operation; NULL: none needed (RD) */
	double accuracy; /* metres, -1 unknown */
	long long npoints;
};

#define SW_IMPORT_MAX_NOTES 20

/* One kind of interpretation (per field and label/unit), with how many
 * cells it applied to. */
struct sw_import_note {
	char *key;  /* "unit:width_m:cm": what makes two notes one */
	char *text; /* "width_m: cm converted to m (e.g. '120 cm' -> 1.2)" */
	long long n;
};

struct sw_import_report {
	long long rows, inserted, updated, unchanged, rejected;
	/* read other than as written, counted per cell: */
	long long labels_mapped;   /* statuses and enum values given by label */
	long long units_converted; /* numbers with a unit, converted */
	long long zones_assumed;   /* times without a zone: Europe/Amsterdam */
	long long dates_day_first; /* d-m-y dates read day first */
	long long ignored_rows;    /* rows empty in every cell */
	long long ignored_columns; /* unnamed columns empty in every row */
	struct sw_import_note *notes; /* the first SW_IMPORT_MAX_NOTES kinds */
	size_t nnotes;
	struct sw_import_transform *transforms;
	size_t ntransforms;
	char **messages; /* "file:line: reason", at most SW_IMPORT_MAX_MESSAGES */
	size_t nmessages;
	bool committed;
	/* CPU seconds per stage (bench/run.sh prints them with SCHOUW_STAGES=1):
	 * reading and parsing the file, turning rows into points and validating
	 * them, storing them (points, history), the R-tree and commit */
	double cpu_read, cpu_validate, cpu_store, cpu_rtree;
	bool read_all;       /* sw_import_file read the whole file (a failure is the finish's) */
	bool rejects_failed; /* sw_import_file: all went well but the reject file */
};

struct sw_importer;

/* Start an import into store s (opened for writing, fields synced) with forms
 * f; opens the store transaction. s, f and o must outlive the importer; o is
 * copied. Caller owns *out; free with sw_importer_free. */
enum sw_status sw_importer_new(struct sw_store *s, const struct sw_forms *f,
                               const struct sw_import_opts *o, struct sw_importer **out,
                               struct sw_error *err);

/* Take one record (a sw_record_cb: pass the importer as ud). A bad row is
 * recorded, not returned; the return is an error only for a problem that
 * concerns the whole file (a column that is neither a known key nor a form
 * field, "file: unknown column 'foo' ...") or the store. */
enum sw_status sw_importer_record_cb(const struct sw_record *r, void *importer,
                                     struct sw_error *err);

/* Handle the rows still batched, then commit (no rejected rows, or
 * skip_invalid; and not dry_run) or roll back. Returns SW_ERR_INPUT ("N rows
 * rejected, nothing imported") when rows were rejected without skip_invalid. */
enum sw_status sw_importer_finish(struct sw_importer *im, struct sw_error *err);

/* Counts, transformations and messages so far. Lives as long as im. */
const struct sw_import_report *sw_importer_report(const struct sw_importer *im);

/* Rolls back when not finished. NULL ok. */
void sw_importer_free(struct sw_importer *im);

/* ---- one file, any format ---- */

/* The format to read path with: by its file name ending, else by its first
 * bytes, else CSV. Never NULL. */
const struct sw_format *sw_import_format(const char *path);

/* The whole import of one file: fmt's reader (NULL: sw_import_format(path))
 * feeds a new importer (o->bulk is set when the file is large next to the
 * store), which is then finished, and the reject file (o->rejects_path)
 * written. *out gets the importer whenever one was made, also on failure, for
 * its report: rep->read_all says whether the failure came after the whole
 * file was read, rep->rejects_failed that only the reject file failed (the
 * points are in, unless dry_run). Free with sw_importer_free. */
enum sw_status sw_import_file(struct sw_store *s, const struct sw_forms *f, const char *path,
                              const struct sw_format *fmt, const struct sw_read_opts *ro,
                              const struct sw_import_opts *o, struct sw_importer **out,
                              struct sw_error *err);

/* The reject file must be writable and must not be the input; checked
 * before the import, so that a typo does not surface after the points are
 * in. SW_ERR_INPUT with a message naming --skip-invalid. */
enum sw_status sw_import_rejects_check(const char *rejects, const char *input,
                                       struct sw_error *err);

/* ---- helpers, public for the readers and tests ---- */

/* Fill p from the attributes of r (coordinates are copied untransformed).
 * fresh: p is new; the defaults of o apply to what r lacks. !fresh: p is a
 * stored point; only what r has overrides it (an empty cell clears). Every
 * problem of the row is collected: SW_ERR_INPUT with all reasons joined by
 * "; " in err. Unknown columns are skipped here (see sw_importer_record_cb). */
enum sw_status sw_import_apply_record(const struct sw_forms *forms, const struct sw_import_opts *o,
                                      const struct sw_record *r, struct sw_point *p, bool fresh,
                                      struct sw_error *err);

/* The deterministic uuid of a point without one: SHA-1 name-based (version 5)
 * in the schouw namespace, name = type|x|y|observed_at|surveyor with x, y RD
 * New rounded to mm. buf has room for SW_UUID_LEN + 1. */
void sw_import_derive_uuid(const char *type, double x, double y, const char *observed_at,
                           const char *surveyor, char *buf);

#endif
