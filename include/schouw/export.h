/* export.h - the export pipeline every front end shares.
 *
 * The points of a store that match a filter go to one layer (file), or to
 * one layer per type in a directory, in a format of the format table
 * (exchange.h). Layers are written under temporary names; all of them are
 * completed before any is renamed into place, so a failure leaves none.
 * Library code: nothing is printed; warnings and progress go to callbacks.
 */
#ifndef SCHOUW_EXPORT_H
#define SCHOUW_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/exchange.h"
#include "schouw/store.h"

/* Progress: called once with done 0 and the number of points to come (a
 * cheap count), then after every point written. */
typedef void (*sw_export_progress_fn)(void *ud, long long done, long long total);

/* What to export. The caller owns every pointer; they must outlive the calls. */
struct sw_export_req {
	const char *path;               /* the file; a directory: the format for
	                                 * directories (shapefile: points.shp in it);
	                                 * with split: the directory of the layers */
	const struct sw_format *format; /* NULL: from path (sw_export_resolve) */
	bool split;                     /* one layer per type: path/<type>.<ext> */
	bool dialect_set;               /* o.dialect was asked for: the format must have dialects */
	bool photos;                    /* shapefile, GeoJSON: when the store has photos, write
	                                 * those of the points to <layer>_photos/ next to each
	                                 * layer (<photo id>.<ext>) and their relative paths,
	                                 * ';'-separated, in a "photos" attribute */
	const struct sw_filter *filter; /* NULL: all points */
	struct sw_export_opts o;        /* forms (required), crs, anonymize, dialect, warn */
	sw_export_progress_fn progress; /* NULL: none */
	void *progress_ud;
};

struct sw_export_layer {
	char *path;
	char *type; /* NULL: the one layer of all types */
	long long n;
};

struct sw_export_result {
	const struct sw_format *format;
	const char *crs;                /* the CRS written, e.g. "EPSG:28992" */
	struct sw_export_layer *layers; /* sorted by type */
	size_t nlayers;
	long long n;     /* points written */
	char *operation; /* PROJ's operation from RD New to crs; NULL: none, or not known */
	double accuracy; /* of the operation in metres; -1 unknown */
};

/* Settle and check what needs no store: the format (from path when
 * req->format is NULL: a directory, or split without a known ending, means
 * the directory format), a dialect for a format without dialects, a CRS for a
 * format with a fixed one, a file name without the ending the format needs.
 * Fills req->format. SW_ERR_INPUT with a message for the user: a usage error. */
enum sw_status sw_export_resolve(struct sw_export_req *req, struct sw_error *err);

/* Check that the target CRS (req->o.crs; NULL is RD New) is known to PROJ,
 * so that an unknown one fails before anything is written. */
enum sw_status sw_export_check_crs(const struct sw_export_req *req, struct sw_error *err);

/* Write the layers (after sw_export_resolve). Creates the directory when
 * needed. Caller owns *out (also filled on failure: NULL); free with
 * sw_export_result_free. */
enum sw_status sw_export_run(struct sw_store *s, const struct sw_export_req *req,
                             struct sw_export_result **out, struct sw_error *err);

void sw_export_result_free(struct sw_export_result *r); /* NULL ok */

#endif
