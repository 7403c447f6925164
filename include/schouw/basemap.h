/* basemap.h - reference layers under a map: the style file (gis/basemap.ini)
 * and the shapefiles it names, read shape by shape and brought to RD New.
 *
 * The style file (INI, read with inih):
 *   [map]             attribution = text printed on the map
 *                     background = #rrggbb (under everything)
 *                     neutral = #rrggbb (symbols of a map by type)
 *   [layer NAME]      file = streets.shp (relative to the style file's folder)
 *                     fill = #rrggbb, stroke = #rrggbb, width = points,
 *                     casing = #rrggbb, casing_width = points (lines drawn
 *                     twice: a wider casing under the stroke), opacity = 0..1
 *   [default line|polygon|point]  the look of a user's own --basemap FILE.shp
 *   [area]            the look of the outline of a named area (map --area)
 *   [verdict pass|fail|incomplete|unchecked]  label_nl, label_en, color,
 *                     fill (as in statuses.ini): the classes of a map by
 *                     compliance
 * Layers are drawn in the order of the file, so staff choose it.
 */
#ifndef SCHOUW_BASEMAP_H
#define SCHOUW_BASEMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"

struct sw_basemap_look {
	char *fill, *stroke, *casing; /* "#rrggbb" or NULL: not drawn */
	double width, casing_width;   /* points */
	double opacity;               /* 0..1, default 1 */
};

struct sw_basemap_layer {
	char *name;
	char *file; /* full path */
	struct sw_basemap_look look;
};

struct sw_basemap_class {
	char *name; /* pass, fail, incomplete, unchecked */
	char *label_nl, *label_en, *color, *fill;
};

struct sw_basemap_style {
	char *path;
	char *attribution; /* NULL when none */
	char *background;  /* "#rrggbb" or NULL */
	char *neutral;     /* symbol colour of a map by type, "#rrggbb" or NULL */
	struct sw_basemap_layer *layers;
	size_t nlayers;
	struct sw_basemap_look deflt[3]; /* by enum sw_basemap_kind */
	struct sw_basemap_look area;     /* outline of --area; stroke NULL: not set */
	struct sw_basemap_class *verdicts;
	size_t nverdicts;
};

/* Load a style file. Syntax errors, unknown sections or keys, bad colours
 * and numbers fail with "file:line: reason". Caller owns *out; free with
 * sw_basemap_style_free. A missing file is SW_ERR_NOTFOUND. */
enum sw_status sw_basemap_style_load(const char *path, struct sw_basemap_style **out,
                                     struct sw_error *err);
void sw_basemap_style_free(struct sw_basemap_style *s); /* NULL ok */
const struct sw_basemap_layer *sw_basemap_style_layer(const struct sw_basemap_style *s,
                                                      const char *name);
const struct sw_basemap_class *sw_basemap_style_verdict(const struct sw_basemap_style *s,
                                                        const char *name);

enum sw_basemap_kind { SW_BASEMAP_LINE, SW_BASEMAP_POLYGON, SW_BASEMAP_POINT };

/* One shape in RD New: nparts parts (rings of a polygon, lines of a
 * multiline; points: one part of nvertices points), part[i] the index of the
 * first vertex of part i. Arrays valid during the call only. */
struct sw_basemap_shape {
	enum sw_basemap_kind kind;
	const double *x, *y;
	const int *part;
	int nparts, nvertices;
};
typedef enum sw_status (*sw_basemap_cb)(const struct sw_basemap_shape *s, void *ud);

/* Read the shapefile at path (the .shp; .shx and .dbf beside it), shape by
 * shape, never holding more than one. Coordinates are brought to RD New
 * through PROJ when the .prj says another CRS (WGS84, ...); without a .prj
 * RD New is assumed, or WGS84 when every coordinate is a plausible lon/lat.
 * Only shapes whose box meets the RD box (minx, miny, maxx, maxy) reach cb.
 * A missing file is SW_ERR_NOTFOUND; an unreadable or unsupported one
 * (multipatch, a shape that does not read) SW_ERR_INPUT naming the file. */
enum sw_status sw_basemap_read(const char *path, const double box[4], sw_basemap_cb cb, void *ud,
                               struct sw_error *err);

#endif
