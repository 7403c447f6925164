/* point.h - the point model: one surveyed element of public space.
 *
 * A point owns all its strings. Initialise with sw_point_init (or = {0}
 * then sw_point_init), release with sw_point_clear. Coordinates are always
 * RD New (EPSG:28992) metres inside the core.
 */
#ifndef SCHOUW_POINT_H
#define SCHOUW_POINT_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"

enum sw_vtype { SW_V_NULL = 0, SW_V_REAL, SW_V_INT, SW_V_TEXT };

/* A typed measurement value. Bools are SW_V_INT 0/1; enums are SW_V_TEXT. */
struct sw_value {
	enum sw_vtype t;
	double r;
	long long i;
	char *s; /* owned, only for SW_V_TEXT */
};

struct sw_attr {
	char *name; /* owned; a form field name */
	struct sw_value v;
};

#define SW_UUID_LEN 36

struct sw_point {
	long long id; /* 0 until stored */
	char uuid[SW_UUID_LEN + 1];
	char *type;
	char *status;
	double x, y; /* RD New metres */
	char *surveyor;
	char *observed_at;     /* ISO 8601 with zone */
	double gps_accuracy_m; /* NAN when unknown */
	char *note;
	char *created_at; /* ISO 8601 UTC, set by the store */
	char *updated_at;
	struct sw_attr *attrs; /* measurements, in form field order when known */
	size_t nattrs;
};

void sw_point_init(struct sw_point *p);
void sw_point_clear(struct sw_point *p); /* frees everything, re-inits; NULL ok */

/* Deep copy src into dst (dst is cleared first). */
enum sw_status sw_point_copy(struct sw_point *dst, const struct sw_point *src, struct sw_error *err);

/* Replace a string member (e.g. &p->note) with a copy of s (NULL clears). */
enum sw_status sw_point_set_str(char **member, const char *s, struct sw_error *err);

/* Set (or, with v->t == SW_V_NULL, remove) a measurement; v is copied. */
enum sw_status sw_point_set_attr(struct sw_point *p, const char *name, const struct sw_value *v,
				 struct sw_error *err);

/* The measurement called name, or NULL when the point has none. */
const struct sw_value *sw_point_get_attr(const struct sw_point *p, const char *name);

/* A fresh random (version 4) UUID into buf[SW_UUID_LEN + 1]. */
void sw_uuid_v4(char *buf);
/* A fresh time-ordered (version 7, RFC 9562) UUID into buf[SW_UUID_LEN + 1]:
 * 48 bits of Unix milliseconds, then a counter and random bits, so uuids
 * made one after another sort in that order (the uuid index grows at its
 * end). */
void sw_uuid_v7(char *buf);
bool sw_uuid_valid(const char *s);

/* Current time as ISO 8601 UTC ("2026-11-29T19:40:12Z") into buf[32]. */
void sw_now_iso(char *buf, size_t len);
/* True for "YYYY-MM-DDThh:mm[:ss[.fff]](Z|+hh:mm|-hh:mm)". */
bool sw_iso8601_valid(const char *s);

void sw_value_clear(struct sw_value *v);
enum sw_status sw_value_copy(struct sw_value *dst, const struct sw_value *src, struct sw_error *err);
bool sw_value_equal(const struct sw_value *a, const struct sw_value *b);
/* Text form for history and CSV: shortest round-tripping number, "true"/"false"
 * is NOT used (bools are 0/1 ints). Caller frees. NULL -> NULL. */
char *sw_value_to_text(const struct sw_value *v);

#endif
