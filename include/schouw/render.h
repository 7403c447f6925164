/* render.h - drawing maps: a cairo canvas (an image in memory or a PDF
 * page, drawn by the same calls), map symbols, PNG writing through libpng and
 * the georeferencing sidecars (.pgw world file, .png.aux.xml) GDAL and QGIS
 * read.
 *
 * Coordinates on a canvas are pixels, origin top left, y down. A PDF canvas
 * of w x h pixels at dpi is a page of w*72/dpi x h*72/dpi points: the same
 * drawing, scaled. Sizes meant in typographic points are multiplied by
 * sw_canvas_pt(). The render layer knows neither the store nor file formats
 * other than its own outputs.
 */
#ifndef SCHOUW_RENDER_H
#define SCHOUW_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "schouw/error.h"

struct sw_canvas;

struct sw_rgb {
	double r, g, b; /* 0..1 */
};

/* Parse "#rrggbb" (false when malformed). */
bool sw_rgb_parse(const char *hex, struct sw_rgb *out);

enum sw_shape { SW_SHAPE_CIRCLE, SW_SHAPE_SQUARE, SW_SHAPE_TRIANGLE, SW_SHAPE_DIAMOND, SW_SHAPE_STAR };
enum sw_fill { SW_FILL_SOLID, SW_FILL_HOLLOW, SW_FILL_HALF, SW_FILL_CROSS, SW_FILL_DOT };

/* Names as in the survey files (form.h's sw_symbol_names / sw_fill_names);
 * unknown or NULL names give circle / solid. */
enum sw_shape sw_shape_from_name(const char *name);
enum sw_fill sw_fill_from_name(const char *name);

/* One map symbol. id (0 .. SW_SYMBOL_MAX-1) names it in the canvas's sprite
 * cache: give every distinct symbol its own id. */
#define SW_SYMBOL_MAX 256
struct sw_symbol {
	int id;
	enum sw_shape shape;
	enum sw_fill fill;
	struct sw_rgb color;
	double size; /* pixels across */
};

/* A canvas of w x h pixels. dpi sets sw_canvas_pt. An image canvas holds an
 * ARGB32 buffer of w*h*4 bytes; a PDF canvas writes to fp (owned by the
 * caller, kept open until sw_canvas_finish). Caller owns *out; free with
 * sw_canvas_free. */
enum sw_status sw_canvas_open_image(int w, int h, double dpi, struct sw_canvas **out,
                                    struct sw_error *err);
enum sw_status sw_canvas_open_pdf(FILE *fp, int w, int h, double dpi, const char *title,
                                  struct sw_canvas **out, struct sw_error *err);
/* Finish drawing (a PDF is written to its fp). */
enum sw_status sw_canvas_finish(struct sw_canvas *c, struct sw_error *err);
void sw_canvas_free(struct sw_canvas *c); /* NULL ok */

/* Release the process-wide caches of cairo and fontconfig (fonts, patterns)
 * so leak checkers see a clean exit. Call once, when no canvas is alive and
 * no other thread draws. */
void sw_render_release(void);

int sw_canvas_width(const struct sw_canvas *c);
int sw_canvas_height(const struct sw_canvas *c);
double sw_canvas_pt(const struct sw_canvas *c); /* pixels per typographic point */
bool sw_canvas_is_pdf(const struct sw_canvas *c);

/* Paths: build with move/line/close, then fill and/or stroke (the path is
 * cleared after the last of them unless keep). */
void sw_canvas_move(struct sw_canvas *c, double x, double y);
void sw_canvas_line(struct sw_canvas *c, double x, double y);
void sw_canvas_close(struct sw_canvas *c);
void sw_canvas_rect(struct sw_canvas *c, double x, double y, double w, double h);
void sw_canvas_fill(struct sw_canvas *c, struct sw_rgb col, double alpha, bool keep);
void sw_canvas_stroke(struct sw_canvas *c, struct sw_rgb col, double alpha, double width,
                      bool keep);
void sw_canvas_clear_path(struct sw_canvas *c);
/* Antialias the following fills and strokes of an image canvas with cairo's
 * fast rasteriser (fewer coverage levels, for backdrops of many lines; lines
 * under 2 px then get plain ends and corners), or again with its best and
 * round ends. No effect on a PDF. */
void sw_canvas_set_fast(struct sw_canvas *c, bool fast);

/* Draw a symbol centred at (x, y). On an image canvas a cached sprite is
 * stamped at the nearest whole pixel (fast: a million points), on a PDF it
 * is drawn as vectors. */
void sw_canvas_symbol(struct sw_canvas *c, const struct sw_symbol *s, double x, double y);

enum sw_align { SW_ALIGN_LEFT, SW_ALIGN_CENTER, SW_ALIGN_RIGHT };
/* Text in DejaVu Sans (fontconfig) with its baseline at y. halo > 0 draws a
 * white outline that wide first, for text over the map. */
void sw_canvas_text(struct sw_canvas *c, double x, double y, const char *utf8, double size,
                    bool bold, struct sw_rgb col, enum sw_align align, double halo);
/* Advance width and the height above (ascent) and below the baseline. */
void sw_canvas_text_size(struct sw_canvas *c, const char *utf8, double size, bool bold,
                         double *width, double *ascent, double *descent);

/* Premultiplied ARGB32 pixels of an image canvas (NULL for a PDF), native
 * endian, stride bytes a row. Valid until the next drawing call. */
const unsigned char *sw_canvas_pixels(struct sw_canvas *c, int *stride);

/* PNG metadata: tEXt key/value pairs. */
struct sw_png_text {
	const char *key;
	const char *value;
};

/* Write the image canvas as an 8-bit RGB PNG (the map is opaque) through
 * libpng, with the tEXt chunks given, zlib level 3 and no row filters
 * (measured best for maps; see png.c), one row at a time. path is written as given (callers pass a temporary
 * name and rename). */
enum sw_status sw_png_write(struct sw_canvas *c, const char *path, const struct sw_png_text *text,
                            int ntext, struct sw_error *err);

/* The affine transform of a north-up map: pixel (0, 0)'s top-left corner
 * is world (minx, maxy), one pixel is px_size metres across. */
struct sw_georef {
	double minx, maxy;
	double px_size;
};

/* World file (.pgw): pixel size, rotation 0, 0, -pixel size, and the centre
 * of the top-left pixel, as ESRI and GDAL read it. */
enum sw_status sw_georef_write_world(const char *path, const struct sw_georef *g,
                                     struct sw_error *err);
/* GDAL PAM sidecar (.png.aux.xml): <PAMDataset><SRS>wkt</SRS> and the
 * GeoTransform, so gdalinfo shows the CRS (GDAL ignores a .prj next to a
 * PNG). Written with libxml2. */
enum sw_status sw_georef_write_aux(const char *path, const struct sw_georef *g, const char *wkt,
                                   struct sw_error *err);

#endif
