/* store_sqlfn.c - the SQL functions the GeoPackage R-tree triggers call.
 * SQLite has no geometry functions, so every connection that writes to the
 * points table must register these (GeoPackage 1.4, Annex F.3). */
#include <math.h>
#include <string.h>

#include "schouw/num.h"

#include "gpkg_geom.h"
#include "store_priv.h"

enum which { W_EMPTY, W_MINX, W_MAXX, W_MINY, W_MAXY };

static void st_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	enum which w = (enum which)(size_t)sqlite3_user_data(ctx);
	struct sw_gpkg_geom g;
	struct sw_error e;
	double v;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (sw_gpkg_geom_decode(sqlite3_value_blob(argv[0]), (size_t)sqlite3_value_bytes(argv[0]),
	                        &g, &e) != SW_OK) {
		sqlite3_result_error(ctx, e.msg, -1);
		return;
	}
	switch (w) {
	case W_EMPTY:
		sqlite3_result_int(ctx, g.empty);
		return;
	case W_MINX:
		v = g.minx;
		break;
	case W_MAXX:
		v = g.maxx;
		break;
	case W_MINY:
		v = g.miny;
		break;
	default:
		v = g.maxy;
		break;
	}
	if (isnan(v))
		sqlite3_result_null(ctx);
	else
		sqlite3_result_double(ctx, v);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The point in a GeoPackage blob of len bytes; false when it is none. */
static bool blob_point(const unsigned char *b, size_t len, double *x, double *y)
{
	struct sw_gpkg_geom g;

	if (b == NULL || sw_gpkg_geom_decode(b, len, &g, NULL) != SW_OK || g.wkb_type != 1 ||
	    g.empty)
		return false;
	*x = g.x;
	*y = g.y;
	return true;
}

bool sw_store_hex_point(const char *hex, double *x, double *y)
{
	unsigned char b[256];
	size_t n = hex ? strlen(hex) : 0;

	if (n == 0 || n % 2 != 0 || n / 2 > sizeof b)
		return false;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	return blob_point(b, n / 2, x, y);
}

/* schouw_coord(geom, axis) and schouw_coord_text(geom, axis): x (axis 0) or
 * y of a GeoPackage point given as a blob or as the hex text the guard
 * triggers write; NULL for anything else (never an error, unlike ST_MinX:
 * one bad row must not stop a query). The text is the shortest that reads
 * back exactly, as schouw's own history writes coordinates. */
static void coord_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	bool text = sqlite3_user_data(ctx) != NULL, ok = false;
	double x = 0, y = 0, v;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_BLOB)
		ok = blob_point(sqlite3_value_blob(argv[0]), (size_t)sqlite3_value_bytes(argv[0]),
		                &x, &y);
	else if (sqlite3_value_type(argv[0]) == SQLITE_TEXT)
		ok = sw_store_hex_point((const char *)sqlite3_value_text(argv[0]), &x, &y);
	if (!ok) {
		sqlite3_result_null(ctx);
		return;
	}
	v = sqlite3_value_int(argv[1]) == 0 ? x : y;
	if (text) {
		char buf[SW_NUM_BUF];

		sqlite3_result_text(ctx, buf, (int)sw_num_format(v, buf), SQLITE_TRANSIENT);
	} else {
		sqlite3_result_double(ctx, v);
	}
}

int sw_store_register_functions(sqlite3 *db)
{
	static const struct {
		const char *name;
		enum which w;
	} fns[] = {{"ST_IsEmpty", W_EMPTY},
	           {"ST_MinX", W_MINX},
	           {"ST_MaxX", W_MAXX},
	           {"ST_MinY", W_MINY},
	           {"ST_MaxY", W_MAXY}};
	int rc = SQLITE_OK;

	for (size_t i = 0; i < sizeof fns / sizeof fns[0] && rc == SQLITE_OK; i++)
		rc = sqlite3_create_function(db, fns[i].name, 1,
		                             SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
		                             (void *)(size_t)fns[i].w, st_fn, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "schouw_coord", 2,
		                             SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
		                             NULL, coord_fn, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "schouw_coord_text", 2,
		                             SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
		                             (void *)1, coord_fn, NULL, NULL);
	return rc;
}
