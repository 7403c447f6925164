/* map.h - the status map pipeline: extent, basemap, points streamed from
 * the store, legend, scale bar, north arrow; written as a georeferenced PNG
 * (.pgw + .png.aux.xml beside it) or a vector PDF, atomically.
 */
#ifndef SCHOUW_MAP_H
#define SCHOUW_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/form.h"
#include "schouw/store.h"

enum sw_map_by { SW_MAP_BY_STATUS, SW_MAP_BY_COMPLIANCE, SW_MAP_BY_TYPE };

/* The part of the plane a map must show (RD New metres). Unset: the named
 * area's box with a margin (SW_MAP_AREA_MARGIN of its longer side) when
 * there is an area, else the selected points with a margin. Front ends fill
 * it from --bbox. */
struct sw_map_extent {
	bool set;
	double minx, miny, maxx, maxy;
};

/* Limits of the image size; larger requests are capped (see capped). */
#define SW_MAP_MAX_SIDE 10000
#define SW_MAP_MAX_DPI 1200
#define SW_MAP_AREA_MARGIN 0.05

struct sw_map_options {
	const char *out;             /* path ending in .png or .pdf */
	struct sw_filter filter;     /* which points (its bbox is not used: see extent) */
	struct sw_map_extent extent; /* what to show */
	int width, height;           /* pixels (a PDF: width*72/dpi points) */
	double dpi;
	double scale;           /* 1:scale, 0 = fit the extent */
	enum sw_map_by by;
	const char *style_path; /* basemap style file (gis/basemap.ini); may be absent */
	const char *const *basemaps; /* layer names or .shp paths; NULL: every style layer */
	size_t nbasemaps;
	bool no_basemap;
	const char *title; /* NULL: a default title */
	bool english;      /* map texts in English instead of Dutch */
	bool labels;       /* id labels */
	/* no legend panel: the whole width for the data (a page that shows the
	 * legend as text beside the image, like the field server's) */
	bool no_legend;
	const struct sw_forms *forms;
	/* A named area (map --area): its outline is drawn (the look of the
	 * style's [area]) and its label shown under the title and written to
	 * the PNG's tEXt "Area". Select its points with filter.within too. */
	const struct sw_polygon *area;
	const char *area_label;
};

struct sw_map_result {
	long long npoints;       /* drawn */
	long long labels_placed, labels_left_out;
	double minx, miny, maxx, maxy; /* the whole image, RD New */
	double px_size;          /* metres per pixel */
	double scale;            /* 1:scale at the dpi */
};

/* Draw the map and write o->out (and for a PNG its .pgw and .png.aux.xml)
 * under temporary names renamed at the end: on failure nothing is left.
 * An inverted or empty extent, a size out of range, an unknown layer or a
 * missing or broken basemap file: SW_ERR_INPUT / SW_ERR_NOTFOUND with a
 * message naming it. The points are streamed from s; only labels (when
 * asked) keep the drawn points' positions. */
enum sw_status sw_map_render(struct sw_store *s, const struct sw_map_options *o,
                             struct sw_map_result *res, struct sw_error *err);

#endif
