/* georef.c - world file and GDAL PAM sidecar of a north-up map image. */
#include "schouw/render.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "schouw/i18n.h"

enum sw_status sw_georef_write_world(const char *path, const struct sw_georef *g,
                                     struct sw_error *err)
{
	FILE *fp = fopen(path, "w");
	int bad;

	if (fp == NULL)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), path, strerror(errno));
	/* A, D, B, E, C, F: C/F name the centre of the top-left pixel */
	bad = fprintf(fp, "%.10f\n0.0000000000\n0.0000000000\n%.10f\n%.6f\n%.6f\n", g->px_size,
	              -g->px_size, g->minx + g->px_size / 2, g->maxy - g->px_size / 2) < 0;
	bad |= fclose(fp) != 0;
	if (bad)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), path, strerror(errno));
	return SW_OK;
}

enum sw_status sw_georef_write_aux(const char *path, const struct sw_georef *g, const char *wkt,
                                   struct sw_error *err)
{
	xmlTextWriterPtr w = xmlNewTextWriterFilename(path, 0);
	char gt[256];
	int bad = 0;

	if (w == NULL)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), path, strerror(errno));
	/* GDAL's GeoTransform names the top-left corner of the top-left pixel */
	snprintf(gt, sizeof gt, "%.10f, %.10f, 0.0, %.10f, 0.0, %.10f", g->minx, g->px_size, g->maxy,
	         -g->px_size);
	xmlTextWriterSetIndent(w, 1);
	bad |= xmlTextWriterStartElement(w, BAD_CAST "PAMDataset") < 0;
	bad |= xmlTextWriterWriteElement(w, BAD_CAST "SRS", BAD_CAST wkt) < 0;
	bad |= xmlTextWriterWriteElement(w, BAD_CAST "GeoTransform", BAD_CAST gt) < 0;
	bad |= xmlTextWriterEndElement(w) < 0;
	bad |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w); /* flushes and closes */
	if (bad)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot write"), path);
	return SW_OK;
}
