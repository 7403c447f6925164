/* store_sqlfn.c - the SQL functions the GeoPackage R-tree triggers call.
 * SQLite has no geometry functions, so every connection that writes to the
 * points table must register these (GeoPackage 1.4, Annex F.3). */
#include <math.h>

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
	return rc;
}
