/* area.h - named areas (binnenstad, Dordt West, ...) from a polygon shapefile.
 *
 * Staff keep the areas in gis/areas.shp (+ .shx .dbf .prj, .cpg): one
 * (multi)polygon per record with the text fields name (the key users type,
 * unique regardless of case), label_nl and label_en. Any CRS the .prj names
 * is reprojected to RD New through PROJ; texts are converted to UTF-8 from
 * the encoding the .cpg (or the DBF language byte) names, UTF-8 when neither
 * says.
 */
#ifndef SCHOUW_AREA_H
#define SCHOUW_AREA_H

#include <stddef.h>

#include "schouw/error.h"
#include "schouw/geom.h"

/* The file name of the areas layer inside the gis/ folder. */
#define SW_AREA_FILE "areas.shp"

struct sw_area {
	char *name;              /* the key, as written in the file */
	char *label_nl;          /* Dutch label; the name when the field is empty */
	char *label_en;          /* English label; the Dutch one when empty */
	struct sw_polygon *poly; /* in RD New (EPSG:28992) */
};

struct sw_areas {
	char *path; /* the .shp they came from */
	size_t n;
	struct sw_area *items; /* in file order */
};

/* Load every area of the shapefile at path (the .shp). A missing file, a
 * structure shapelib rejects, a shape type other than Polygon(Z/M), a missing
 * name field, an empty or duplicate name, a null or degenerate shape, an
 * unknown CRS or text not in the named encoding fail with SW_ERR_INPUT
 * (SW_ERR_NOTFOUND for a missing .shp) and a message naming the file and
 * record. Caller owns *out; free with sw_area_free. */
enum sw_status sw_area_load(const char *path, struct sw_areas **out, struct sw_error *err);

/* sw_area_load of <gisdir>/areas.shp. */
enum sw_status sw_area_load_dir(const char *gisdir, struct sw_areas **out, struct sw_error *err);

/* The area named name (case-insensitive), or NULL with SW_ERR_NOTFOUND and a
 * message listing the valid names. The result lives as long as a. */
const struct sw_area *sw_area_find(const struct sw_areas *a, const char *name,
                                   struct sw_error *err);

/* The label in lang ("nl" or "en"; anything else: nl). Lives as long as a. */
const char *sw_area_label(const struct sw_area *a, const char *lang);

/* NULL is fine. */
void sw_area_free(struct sw_areas *a);

#endif
