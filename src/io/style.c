/* style.c - QGIS (.qml) and OGC SLD 1.0 (.sld) styles colouring points by
 * status, written with libxml2's xmlTextWriter. */
#include "schouw/style.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "schouw/i18n.h"

/* Marker look shared by both styles (QGIS: millimetres; SLD: pixels). */
#define QML_SIZE_MM "3"
#define QML_OUTLINE "35,35,35,255"
#define SLD_SIZE_PX "8"
#define SLD_OUTLINE "#232323"

bool sw_style_parse_color(const char *hex, int *r, int *g, int *b)
{
	unsigned int v[3];

	if (hex == NULL || hex[0] != '#' || strlen(hex) != 7)
		return false;
	for (int i = 1; i < 7; i++) {
		char c = hex[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	if (sscanf(hex + 1, "%2x%2x%2x", &v[0], &v[1], &v[2]) != 3)
		return false;
	*r = (int)v[0];
	*g = (int)v[1];
	*b = (int)v[2];
	return true;
}

/* A writer that remembers the first failure so callers can chain calls and
 * check once. */
struct xw {
	xmlTextWriterPtr w;
	bool bad;
};

static void x_start(struct xw *x, const char *name)
{
	if (!x->bad && xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
		x->bad = true;
}

static void x_end(struct xw *x)
{
	if (!x->bad && xmlTextWriterEndElement(x->w) < 0)
		x->bad = true;
}

static void x_attr(struct xw *x, const char *name, const char *value)
{
	if (!x->bad && xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value) < 0)
		x->bad = true;
}

static void x_elem(struct xw *x, const char *name, const char *text)
{
	if (!x->bad && xmlTextWriterWriteElement(x->w, BAD_CAST name, BAD_CAST text) < 0)
		x->bad = true;
}

static enum sw_status x_open(struct xw *x, const char *path, struct sw_error *err)
{
	x->bad = false;
	x->w = xmlNewTextWriterFilename(path, 0);
	if (x->w == NULL)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot create the style file: %s"), path,
		                    strerror(errno ? errno : EIO));
	if (xmlTextWriterSetIndent(x->w, 1) < 0 ||
	    xmlTextWriterSetIndentString(x->w, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0)
		x->bad = true;
	return SW_OK;
}

/* Close the document and the file; reports the first failure. */
static enum sw_status x_close(struct xw *x, const char *path, struct sw_error *err)
{
	enum sw_status rc = SW_OK;

	if (x->w == NULL)
		return SW_OK;
	if (!x->bad && xmlTextWriterEndDocument(x->w) < 0)
		x->bad = true;
	if (!x->bad && xmlTextWriterFlush(x->w) < 0)
		x->bad = true;
	xmlFreeTextWriter(x->w);
	x->w = NULL;
	if (x->bad)
		rc = sw_error_set(err, SW_ERR_IO, _("%s: could not write the style file"), path);
	return rc;
}

static enum sw_status check_colors(const struct sw_forms *forms, struct sw_error *err)
{
	int r, g, b;

	if (forms == NULL || forms->nstates == 0)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("no statuses defined; a style needs statuses.ini"));
	for (size_t i = 0; i < forms->nstates; i++)
		if (!sw_style_parse_color(forms->states[i].color, &r, &g, &b))
			return sw_error_set(
			    err, SW_ERR_INPUT,
			    _("status '%s': colour '%s' is not of the form #rrggbb"),
			    forms->states[i].name,
			    forms->states[i].color ? forms->states[i].color : "");
	return SW_OK;
}

/* QGIS reads <Option> maps (3.26+) and the older <prop k v> list; writing
 * both keeps the style loadable by every QGIS 3. */
static void qml_prop(struct xw *x, const char *k, const char *v, bool option)
{
	if (option) {
		x_start(x, "Option");
		x_attr(x, "type", "QString");
		x_attr(x, "name", k);
		x_attr(x, "value", v);
		x_end(x);
	} else {
		x_start(x, "prop");
		x_attr(x, "k", k);
		x_attr(x, "v", v);
		x_end(x);
	}
}

static void qml_marker_props(struct xw *x, const char *rgba, bool option)
{
	qml_prop(x, "angle", "0", option);
	qml_prop(x, "color", rgba, option);
	qml_prop(x, "joinstyle", "bevel", option);
	qml_prop(x, "name", "circle", option);
	qml_prop(x, "offset", "0,0", option);
	qml_prop(x, "offset_unit", "MM", option);
	qml_prop(x, "outline_color", QML_OUTLINE, option);
	qml_prop(x, "outline_style", "solid", option);
	qml_prop(x, "outline_width", "0.4", option);
	qml_prop(x, "outline_width_unit", "MM", option);
	qml_prop(x, "scale_method", "diameter", option);
	qml_prop(x, "size", QML_SIZE_MM, option);
	qml_prop(x, "size_unit", "MM", option);
	qml_prop(x, "vertical_anchor_point", "1", option);
	qml_prop(x, "horizontal_anchor_point", "1", option);
}

static void qml_symbol(struct xw *x, const char *name, const char *rgba)
{
	x_start(x, "symbol");
	x_attr(x, "type", "marker");
	x_attr(x, "name", name);
	x_attr(x, "alpha", "1");
	x_attr(x, "clip_to_extent", "1");
	x_attr(x, "force_rhr", "0");
	x_start(x, "layer");
	x_attr(x, "class", "SimpleMarker");
	x_attr(x, "enabled", "1");
	x_attr(x, "locked", "0");
	x_attr(x, "pass", "0");
	x_start(x, "Option");
	x_attr(x, "type", "Map");
	qml_marker_props(x, rgba, true);
	x_end(x);
	qml_marker_props(x, rgba, false);
	x_end(x); /* layer */
	x_end(x); /* symbol */
}

enum sw_status sw_style_write_qml(const char *path, const struct sw_forms *forms,
                                  struct sw_error *err)
{
	struct xw x = {0};
	enum sw_status rc;
	char name[32], rgba[32];
	int r, g, b;

	rc = check_colors(forms, err);
	if (rc != SW_OK)
		goto out;
	rc = x_open(&x, path, err);
	if (rc != SW_OK)
		goto out;
	if (!x.bad &&
	    xmlTextWriterWriteDTD(x.w, BAD_CAST "qgis", BAD_CAST "http://mrcc.com/qgis.dtd",
	                          BAD_CAST "SYSTEM", NULL) < 0)
		x.bad = true;
	x_start(&x, "qgis");
	x_attr(&x, "version", "3.28.0");
	x_attr(&x, "styleCategories", "Symbology");
	x_start(&x, "renderer-v2");
	x_attr(&x, "type", "categorizedSymbol");
	x_attr(&x, "attr", "status");
	x_attr(&x, "symbollevels", "0");
	x_attr(&x, "enableorderby", "0");
	x_attr(&x, "forceraster", "0");
	x_start(&x, "categories");
	for (size_t i = 0; i < forms->nstates; i++) {
		const struct sw_state_def *s = &forms->states[i];
		snprintf(name, sizeof name, "%zu", i);
		x_start(&x, "category");
		x_attr(&x, "symbol", name);
		x_attr(&x, "value", s->name);
		x_attr(&x, "label", s->label_nl ? s->label_nl : s->name);
		x_attr(&x, "render", "true");
		x_end(&x);
	}
	x_end(&x); /* categories */
	x_start(&x, "symbols");
	for (size_t i = 0; i < forms->nstates; i++) {
		sw_style_parse_color(forms->states[i].color, &r, &g, &b);
		snprintf(name, sizeof name, "%zu", i);
		snprintf(rgba, sizeof rgba, "%d,%d,%d,255", r, g, b);
		qml_symbol(&x, name, rgba);
	}
	x_end(&x); /* symbols */
	/* The symbol QGIS offers for new categories: neutral grey. */
	x_start(&x, "source-symbol");
	qml_symbol(&x, "0", "153,153,153,255");
	x_end(&x);
	x_end(&x); /* renderer-v2 */
	x_start(&x, "layerGeometryType");
	x_end(&x);
	x_end(&x); /* qgis */
	rc = x_close(&x, path, err);
out:
	if (x.w != NULL)
		xmlFreeTextWriter(x.w);
	return rc;
}

static void sld_css(struct xw *x, const char *name, const char *value)
{
	x_start(x, "CssParameter");
	x_attr(x, "name", name);
	if (!x->bad && xmlTextWriterWriteString(x->w, BAD_CAST value) < 0)
		x->bad = true;
	x_end(x);
}

enum sw_status sw_style_write_sld(const char *path, const char *layer_name,
                                  const struct sw_forms *forms, struct sw_error *err)
{
	struct xw x = {0};
	enum sw_status rc;

	rc = check_colors(forms, err);
	if (rc != SW_OK)
		goto out;
	rc = x_open(&x, path, err);
	if (rc != SW_OK)
		goto out;
	x_start(&x, "StyledLayerDescriptor");
	x_attr(&x, "version", "1.0.0");
	x_attr(&x, "xmlns", "http://www.opengis.net/sld");
	x_attr(&x, "xmlns:ogc", "http://www.opengis.net/ogc");
	x_attr(&x, "xmlns:xlink", "http://www.w3.org/1999/xlink");
	x_attr(&x, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	x_attr(&x, "xsi:schemaLocation",
	       "http://www.opengis.net/sld "
	       "http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd");
	x_start(&x, "NamedLayer");
	x_elem(&x, "Name", layer_name ? layer_name : "points");
	x_start(&x, "UserStyle");
	x_elem(&x, "Name", "status");
	x_elem(&x, "Title", "Status");
	x_start(&x, "FeatureTypeStyle");
	for (size_t i = 0; i < forms->nstates; i++) {
		const struct sw_state_def *s = &forms->states[i];
		x_start(&x, "Rule");
		x_elem(&x, "Name", s->name);
		x_elem(&x, "Title", s->label_nl ? s->label_nl : s->name);
		x_start(&x, "ogc:Filter");
		x_start(&x, "ogc:PropertyIsEqualTo");
		x_elem(&x, "ogc:PropertyName", "status");
		x_elem(&x, "ogc:Literal", s->name);
		x_end(&x);
		x_end(&x);
		x_start(&x, "PointSymbolizer");
		x_start(&x, "Graphic");
		x_start(&x, "Mark");
		x_elem(&x, "WellKnownName", "circle");
		x_start(&x, "Fill");
		sld_css(&x, "fill", s->color);
		x_end(&x);
		x_start(&x, "Stroke");
		sld_css(&x, "stroke", SLD_OUTLINE);
		sld_css(&x, "stroke-width", "1");
		x_end(&x);
		x_end(&x); /* Mark */
		x_elem(&x, "Size", SLD_SIZE_PX);
		x_end(&x); /* Graphic */
		x_end(&x); /* PointSymbolizer */
		x_end(&x); /* Rule */
	}
	x_end(&x); /* FeatureTypeStyle */
	x_end(&x); /* UserStyle */
	x_end(&x); /* NamedLayer */
	x_end(&x); /* StyledLayerDescriptor */
	rc = x_close(&x, path, err);
out:
	if (x.w != NULL)
		xmlFreeTextWriter(x.w);
	return rc;
}
