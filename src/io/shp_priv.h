/* shp_priv.h - what the src/io/shp*.c files share; not a public header. */
#ifndef SCHOUW_SHP_PRIV_H
#define SCHOUW_SHP_PRIV_H

#include <shapefil.h>
#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/exchange.h"

/* ---- shp.c ---- */

/* shapelib I/O hooks that keep the first error message per thread (reset
 * before a shapelib call, read after it fails). */
void sw_shp_hooks_init(SAHooks *h);
void sw_shp_hook_reset(void);
const char *sw_shp_hook_text(void);

/* vasprintf into a new string; NULL when out of memory. Caller frees. */
char *sw_shp_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True when s ends with suffix, ignoring ASCII case. */
bool sw_shp_ends_with_ci(const char *s, const char *suffix);

/* Format a warning and pass it to fn (NULL: dropped). */
void sw_shp_warn(sw_warn_fn fn, void *ud, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- shp_names.c ---- */

/* How many fixed columns (id, uuid, type, ...) every layer has. */
extern const size_t sw_shp_nfixed;

/* ---- shp_check.c ---- */

/* Size of the regular file at path; fails on anything else. */
enum sw_status sw_shp_file_size(const char *path, long long *size, struct sw_error *err);

/* Shape type and record count of a .shp whose structure passed the checks. */
struct sw_shp_layout {
	int type;
	long nrec;
};

/* Walk the .shp record by record and compare with the .shx index; fills
 * *lay. SW_ERR_INPUT naming the file and byte or record on a mismatch. */
enum sw_status sw_shp_check_shx(const char *shp, const char *shx, struct sw_shp_layout *lay,
                                struct sw_error *err);

/* DBF header, field descriptors and size, and its record count against the
 * .shp's nrec_shp. */
enum sw_status sw_shp_check_dbf(const char *dbf, long nrec_shp, const char *shp,
                                struct sw_error *err);

#endif
