/* exchange.c - what the format modules share, and the format table (see
 * exchange.h). */
#include "schouw/exchange.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "schouw/crs.h"
#include "schouw/csv.h"
#include "schouw/geojson.h"
#include "schouw/gpx.h"
#include "schouw/shp.h"

const char *sw_read_map_key(const struct sw_read_opts *o, const char *k)
{
	if (o == NULL)
		return k;
	for (size_t i = 0; i < o->nmap; i++) {
		const char *dst = o->map_dst[i];
		if (strcmp(o->map_src[i], k) != 0)
			continue;
		return (dst == NULL || dst[0] == '\0' || strcmp(dst, "-") == 0) ? NULL : dst;
	}
	return k;
}

/* ---- column names ---- */

bool sw_exchange_name_is(const char *name, const char *want)
{
	size_t n;

	while (*name == ' ' || *name == '\t')
		name++;
	n = strlen(want);
	if (strncasecmp(name, want, n) != 0)
		return false;
	name += n;
	while (*name == ' ' || *name == '\t')
		name++;
	return *name == '\0';
}

struct name_role {
	const char *name;
	enum sw_coord_role role;
};

static const struct name_role coord_names[] = {
    {"lat", SW_COORD_LAT},
    {"latitude", SW_COORD_LAT},
    {"breedtegraad", SW_COORD_LAT},
    {"breedte", SW_COORD_LAT},
    {"lon", SW_COORD_LON},
    {"lng", SW_COORD_LON},
    {"long", SW_COORD_LON},
    {"longitude", SW_COORD_LON},
    {"lengtegraad", SW_COORD_LON},
    {"lengte", SW_COORD_LON},
    {"x", SW_COORD_X},
    {"rd_x", SW_COORD_X},
    {"x_rd", SW_COORD_X},
    {"xcoord", SW_COORD_X},
    {"x_coord", SW_COORD_X},
    {"x_coordinaat", SW_COORD_X},
    {"easting", SW_COORD_X},
    {"y", SW_COORD_Y},
    {"rd_y", SW_COORD_Y},
    {"y_rd", SW_COORD_Y},
    {"ycoord", SW_COORD_Y},
    {"y_coord", SW_COORD_Y},
    {"y_coordinaat", SW_COORD_Y},
    {"northing", SW_COORD_Y},
};

enum sw_coord_role sw_exchange_coord_role(const char *name)
{
	if (name == NULL)
		return SW_COORD_NONE;
	for (size_t i = 0; i < sizeof coord_names / sizeof coord_names[0]; i++)
		if (sw_exchange_name_is(name, coord_names[i].name))
			return coord_names[i].role;
	return SW_COORD_NONE;
}

/* ---- the format table ---- */

/* Each format's writer behind the uniform struct sw_writer. */
#define WRITER_ADAPTERS(fmt)                                                                       \
	static enum sw_status fmt##_open(const char *path, const struct sw_export_opts *o,         \
	                                 struct sw_writer **out, struct sw_error *err)             \
	{                                                                                          \
		struct sw_##fmt##_writer *w = NULL;                                                \
		enum sw_status rc = sw_##fmt##_writer_open(path, o, &w, err);                      \
		*out = (struct sw_writer *)w;                                                      \
		return rc;                                                                         \
	}                                                                                          \
	static enum sw_status fmt##_add(struct sw_writer *w, const struct sw_point *p,             \
	                                struct sw_error *err)                                      \
	{                                                                                          \
		return sw_##fmt##_writer_add((struct sw_##fmt##_writer *)w, p, err);               \
	}                                                                                          \
	static enum sw_status fmt##_close(struct sw_writer *w, bool commit, struct sw_error *err)  \
	{                                                                                          \
		return sw_##fmt##_writer_close((struct sw_##fmt##_writer *)w, commit, err);        \
	}

WRITER_ADAPTERS(csv)
WRITER_ADAPTERS(shp)
WRITER_ADAPTERS(geojson)

static enum sw_status shp_finish(struct sw_writer *w, struct sw_error *err)
{
	return sw_shp_writer_finish((struct sw_shp_writer *)w, err);
}

static const char *const csv_names[] = {"csv", NULL};
static const char *const csv_exts[] = {"csv", NULL};
static const char *const csv_aliases[] = {"txt", "tsv", NULL};
static const char *const shp_names[] = {"shp", "shapefile", NULL};
static const char *const shp_exts[] = {"shp", NULL};
static const char *const geojson_names[] = {"geojson", "json", NULL};
static const char *const geojson_exts[] = {"geojson", "json", NULL};
/* one Feature per line (.geojsonl, .geojsons, .ndjson) or RFC 8142 Text
 * Sequences: read only; an export is always one FeatureCollection */
static const char *const geojson_aliases[] = {"geojsonl", "geojsons", "geojsonseq", "ndjson",
                                              NULL};
static const char *const gpx_names[] = {"gpx", NULL};
static const char *const gpx_exts[] = {"gpx", NULL};

static const struct sw_format formats[] = {
    {
        .name = "csv",
        .label = "CSV",
        .names = csv_names,
        .exts = csv_exts,
        .read_aliases = csv_aliases,
        .flags = SW_FORMAT_DIALECT | SW_FORMAT_LINES,
        .read = sw_csv_read,
        .dialect_of = sw_csv_sniff_dialect,
        .writer_open = csv_open,
        .writer_add = csv_add,
        .writer_close = csv_close,
    },
    {
        .name = "shp",
        .label = "shapefile",
        .names = shp_names,
        .exts = shp_exts,
        .companions = ".shx .dbf .prj .cpg .qml .sld",
        .flags = SW_FORMAT_DIR | SW_FORMAT_NEEDS_EXT,
        .read = sw_shp_read,
        .writer_open = shp_open,
        .writer_add = shp_add,
        .writer_finish = shp_finish,
        .writer_close = shp_close,
    },
    {
        .name = "geojson",
        .label = "GeoJSON",
        .names = geojson_names,
        .exts = geojson_exts,
        .read_aliases = geojson_aliases,
        .fixed_crs = SW_CRS_WGS84,
        .magic = '{',
        .read = sw_geojson_read,
        .writer_open = geojson_open,
        .writer_add = geojson_add,
        .writer_close = geojson_close,
    },
    {
        .name = "gpx",
        .label = "GPX",
        .names = gpx_names,
        .exts = gpx_exts,
        .magic = '<',
        .read = sw_gpx_read,
    },
};

#define NFORMATS (sizeof formats / sizeof formats[0])

size_t sw_format_count(void)
{
	return NFORMATS;
}

const struct sw_format *sw_format_at(size_t i)
{
	return i < NFORMATS ? &formats[i] : NULL;
}

bool sw_format_can(const struct sw_format *fmt, enum sw_format_use use)
{
	if (fmt == NULL)
		return false;
	return use == SW_FORMAT_READ ? fmt->read != NULL : fmt->writer_open != NULL;
}

static bool in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list != NULL && list[i] != NULL; i++)
		if (strcasecmp(list[i], s) == 0)
			return true;
	return false;
}

const struct sw_format *sw_format_by_name(const char *name, enum sw_format_use use)
{
	for (size_t i = 0; name != NULL && i < NFORMATS; i++) {
		const struct sw_format *f = &formats[i];
		if (sw_format_can(f, use) &&
		    (in_list(f->names, name) ||
		     (use == SW_FORMAT_READ && in_list(f->read_aliases, name))))
			return f;
	}
	return NULL;
}

const struct sw_format *sw_format_by_ext(const char *path, enum sw_format_use use)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');

	if (dot == NULL || (slash != NULL && dot < slash))
		return NULL;
	for (size_t i = 0; i < NFORMATS; i++) {
		const struct sw_format *f = &formats[i];
		if (sw_format_can(f, use) &&
		    (in_list(f->exts, dot + 1) ||
		     (use == SW_FORMAT_READ && in_list(f->read_aliases, dot + 1))))
			return f;
	}
	return NULL;
}

const struct sw_format *sw_format_for_dir(enum sw_format_use use)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if ((formats[i].flags & SW_FORMAT_DIR) && sw_format_can(&formats[i], use))
			return &formats[i];
	return NULL;
}

const struct sw_format *sw_format_sniff(const char *path)
{
	char head[64] = "";
	size_t n, i = 0;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	n = fread(head, 1, sizeof head - 1, f);
	fclose(f);
	head[n] = '\0';
	if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	/* 0x1e: the record separator that starts a GeoJSON Text Sequence */
	while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n' ||
	                 head[i] == '\x1e'))
		i++;
	for (size_t k = 0; head[i] != '\0' && k < NFORMATS; k++)
		if (formats[k].magic == head[i])
			return &formats[k];
	return NULL;
}

void sw_format_list(enum sw_format_use use, bool exts, const char *sep_last, char *buf, size_t len)
{
	const char *items[NFORMATS * 4];
	size_t n = 0, at = 0;

	for (size_t i = 0; i < NFORMATS; i++) {
		const struct sw_format *f = &formats[i];
		if (!sw_format_can(f, use))
			continue;
		if (!exts)
			items[n++] = f->name;
		for (size_t k = 0; exts && f->exts[k] != NULL && n < NFORMATS * 4; k++)
			items[n++] = f->exts[k];
	}
	if (len > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < n && at < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? sep_last : ", ";
		int k = snprintf(buf + at, len - at, "%s%s%s", sep, exts ? "." : "", items[i]);
		if (k < 0)
			break;
		at += (size_t)k;
	}
}
