/* gpkg_geom.c - GeoPackage binary geometry blobs: encode points, decode any. */
#include "gpkg_geom.h"

#include <math.h>
#include <string.h>

#include "schouw/i18n.h"

#define GP_FLAG_LE 0x01u
#define GP_FLAG_EMPTY 0x10u
#define GP_FLAG_EXTENDED 0x20u
#define WKB_MAX_DEPTH 32

static void put_u32le(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v & 0xffu);
	p[1] = (unsigned char)((v >> 8) & 0xffu);
	p[2] = (unsigned char)((v >> 16) & 0xffu);
	p[3] = (unsigned char)((v >> 24) & 0xffu);
}

static void put_f64le(unsigned char *p, double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof u);
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)((u >> (8 * i)) & 0xffu);
}

size_t sw_gpkg_geom_point(double x, double y, int32_t srs_id,
                          unsigned char out[SW_GPKG_POINT_BLOB_LEN])
{
	bool empty = isnan(x) || isnan(y);

	out[0] = 'G';
	out[1] = 'P';
	out[2] = 0; /* version 1 of the spec's blob format */
	/* little-endian header, no envelope: the spec allows it for points */
	out[3] = (unsigned char)(GP_FLAG_LE | (empty ? GP_FLAG_EMPTY : 0u));
	put_u32le(out + 4, (uint32_t)srs_id);
	out[8] = 1; /* WKB little-endian */
	put_u32le(out + 9, 1);
	put_f64le(out + 13, empty ? NAN : x);
	put_f64le(out + 21, empty ? NAN : y);
	return SW_GPKG_POINT_BLOB_LEN;
}

/* A cursor over the WKB part with bounds checks. */
struct rd {
	const unsigned char *p;
	size_t len, pos;
};

static bool rd_u32(struct rd *r, bool le, uint32_t *v)
{
	const unsigned char *b;

	if (r->len - r->pos < 4)
		return false;
	b = r->p + r->pos;
	if (le)
		*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
		     (uint32_t)b[3] << 24;
	else
		*v = (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 |
		     (uint32_t)b[0] << 24;
	r->pos += 4;
	return true;
}

static bool rd_f64(struct rd *r, bool le, double *d)
{
	uint64_t u = 0;
	const unsigned char *b;

	if (r->len - r->pos < 8)
		return false;
	b = r->p + r->pos;
	for (int i = 0; i < 8; i++)
		u |= (uint64_t)b[le ? i : 7 - i] << (8 * i);
	memcpy(d, &u, sizeof *d);
	r->pos += 8;
	return true;
}

static void grow(struct sw_gpkg_geom *g, double x, double y)
{
	if (isnan(x) || isnan(y))
		return;
	if (isnan(g->minx) || x < g->minx)
		g->minx = x;
	if (isnan(g->maxx) || x > g->maxx)
		g->maxx = x;
	if (isnan(g->miny) || y < g->miny)
		g->miny = y;
	if (isnan(g->maxy) || y > g->maxy)
		g->maxy = y;
}

/* Read npoints coordinate tuples of dims doubles each. */
static bool rd_points(struct rd *r, bool le, uint32_t npoints, int dims, struct sw_gpkg_geom *g)
{
	if (npoints > (r->len - r->pos) / (8u * (unsigned)dims))
		return false;
	for (uint32_t i = 0; i < npoints; i++) {
		double c[4];

		for (int d = 0; d < dims; d++)
			if (!rd_f64(r, le, &c[d]))
				return false;
		grow(g, c[0], c[1]);
	}
	return true;
}

/* One WKB geometry, recursing into collections; *base gets the type 1..7. */
static bool rd_wkb(struct rd *r, struct sw_gpkg_geom *g, int depth, uint32_t *base)
{
	uint32_t type, n, sub;
	int dims;
	bool le;

	if (depth > WKB_MAX_DEPTH || r->pos >= r->len || r->p[r->pos] > 1)
		return false;
	le = r->p[r->pos++] == 1;
	if (!rd_u32(r, le, &type))
		return false;
	*base = type % 1000;
	switch (type / 1000) {
	case 0:
		dims = 2;
		break;
	case 1:
	case 2:
		dims = 3;
		break;
	case 3:
		dims = 4;
		break;
	default:
		return false;
	}
	switch (*base) {
	case 1:
		return rd_points(r, le, 1, dims, g);
	case 2:
		return rd_u32(r, le, &n) && rd_points(r, le, n, dims, g);
	case 3:
		if (!rd_u32(r, le, &n))
			return false;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t np;

			if (!rd_u32(r, le, &np) || !rd_points(r, le, np, dims, g))
				return false;
		}
		return true;
	case 4:
	case 5:
	case 6:
	case 7:
		if (!rd_u32(r, le, &n) || n > r->len - r->pos)
			return false;
		for (uint32_t i = 0; i < n; i++)
			if (!rd_wkb(r, g, depth + 1, &sub))
				return false;
		return true;
	default:
		return false;
	}
}

bool sw_gpkg_geom_point_fast(const void *blob, size_t len, double *x, double *y)
{
	const unsigned char *b = blob;
	uint64_t u[2];

	if (b == NULL || len != SW_GPKG_POINT_BLOB_LEN || b[0] != 'G' || b[1] != 'P' || b[2] != 0 ||
	    b[3] != GP_FLAG_LE || b[8] != 1 || b[9] != 1 || b[10] != 0 || b[11] != 0 || b[12] != 0)
		return false;
	for (int k = 0; k < 2; k++) {
		u[k] = 0;
		for (int i = 0; i < 8; i++)
			u[k] |= (uint64_t)b[13 + 8 * k + i] << (8 * i);
	}
	memcpy(x, &u[0], sizeof *x);
	memcpy(y, &u[1], sizeof *y);
	return !isnan(*x) && !isnan(*y);
}

enum sw_status sw_gpkg_geom_decode(const void *blob, size_t len, struct sw_gpkg_geom *out,
                                   struct sw_error *err)
{
	static const size_t env_len[] = {0, 32, 48, 48, 64};
	const unsigned char *b = blob;
	struct rd r;
	unsigned flags, env;
	uint32_t u;
	bool le;

	memset(out, 0, sizeof *out);
	out->minx = out->maxx = out->miny = out->maxy = NAN;
	out->x = out->y = NAN;
	if (b == NULL || len < 8 || b[0] != 'G' || b[1] != 'P')
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("not a GeoPackage geometry blob (no 'GP' magic)"));
	if (b[2] != 0)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("GeoPackage geometry blob version %u, expected 0"), b[2]);
	flags = b[3];
	if (flags & GP_FLAG_EXTENDED)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("extended GeoPackage geometry types are not supported"));
	env = (flags >> 1) & 0x7u;
	if (env > 4)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("GeoPackage geometry blob has invalid envelope type %u"),
		                    env);
	if (len < 8 + env_len[env] + 5)
		return sw_error_set(err, SW_ERR_INPUT, _("GeoPackage geometry blob is truncated"));
	le = flags & GP_FLAG_LE;
	r.p = b;
	r.len = len;
	r.pos = 4;
	rd_u32(&r, le, &u);
	out->srs_id = (int32_t)u;
	if (env > 0) {
		double e[4];

		for (int i = 0; i < 4; i++)
			rd_f64(&r, le, &e[i]);
		r.pos = 8 + env_len[env];
		out->minx = e[0];
		out->maxx = e[1];
		out->miny = e[2];
		out->maxy = e[3];
	}
	{
		struct sw_gpkg_geom g = *out;
		uint32_t base = 0;

		g.minx = g.maxx = g.miny = g.maxy = NAN;
		if (!rd_wkb(&r, &g, 0, &base))
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("GeoPackage geometry blob has malformed WKB"));
		out->wkb_type = base;
		if (base == 1) {
			out->x = g.minx;
			out->y = g.miny;
		}
		if (env == 0) {
			out->minx = g.minx;
			out->maxx = g.maxx;
			out->miny = g.miny;
			out->maxy = g.maxy;
		}
		out->empty = (flags & GP_FLAG_EMPTY) || isnan(g.minx);
	}
	if (out->empty)
		out->minx = out->maxx = out->miny = out->maxy = out->x = out->y = NAN;
	return SW_OK;
}
