/* field.h - what the front ends of field work share (src/app/field.c): the
 * CLI's photo and user commands and the field server (src/serve) call
 * these, so both validate the same way. Library code: nothing is printed.
 */
#ifndef SCHOUW_FIELD_H
#define SCHOUW_FIELD_H

#include <jansson.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/form.h"
#include "schouw/norm.h"
#include "schouw/store.h"
#include "schouw/user.h"

/* Read a photo file: at most SW_PHOTO_MAX_BYTES, of a type the store takes
 * (checked by its bytes). *data (caller frees) of *n bytes. */
enum sw_status sw_field_read_photo(const char *path, void **data, size_t *n,
                                   struct sw_error *err);

/* A new sign-in token: 32 random bytes as 43 base64url characters
 * (token[44]), and its hash (hash[65], what the store keeps). */
enum sw_status sw_field_token_new(char token[44], char hash[65], struct sw_error *err);
/* The SHA-256 hex of a token as given (hash[65]). */
void sw_field_token_hash(const char *token, char hash[65]);

/* One position from WGS84 (lat, lon) to RD New (x, y) and back, through a
 * PROJ transformation made once per process (thread-safe). */
enum sw_status sw_field_to_rd(double lat, double lon, double *x, double *y, struct sw_error *err);
enum sw_status sw_field_to_wgs84(double x, double y, double *lat, double *lon,
                                 struct sw_error *err);

/* A photo sent with a point (JSON request bodies carry them base64). */
struct sw_field_photo {
	void *data;
	size_t n;
};

/* A point logged from the field: the JSON object o of the field API
 * ({"uuid", "type", "status", "lat", "lon" | "x", "y", "accuracy_m",
 * "observed_at", "note", "fields": {name: value}, "photos": ["base64", ...]})
 * is checked like the CLI's log (known type, fields, values, position in the
 * Netherlands, UTF-8) and stored with its photos in one transaction, with
 * surveyor = who. Idempotent on the uuid: a uuid already stored by the same
 * surveyor returns that point (*created false) and writes nothing.
 * Bad input: SW_ERR_INPUT naming the field; the store is unchanged.
 * *id gets the point's id. */
enum sw_status sw_field_log(struct sw_store *s, const struct sw_forms *forms, const json_t *o,
                            const char *who, long long *id, bool *created,
                            struct sw_error *err);

/* True when the field API object o sets a status only staff may set
 * (statuses.ini staff_only): the one rule for logging and editing. */
bool sw_field_staff_status(const struct sw_forms *forms, const json_t *o);

/* Change point ref with the JSON object o ({"status", "note", "lat"/"lon",
 * "x"/"y", "accuracy_m", "fields": {...}, "photos": [...]}); null values
 * clear. A surveyor may change only points whose surveyor is who and may not
 * set a staff-only status (sw_field_staff_status); staff may change any.
 * SW_ERR_INPUT for bad values, SW_ERR_NOTFOUND, and SW_ERR_INTERNAL is never
 * used for refusals: a refusal is SW_ERR_INPUT with *forbidden set. */
enum sw_status sw_field_edit(struct sw_store *s, const struct sw_forms *forms, long long id,
                             const json_t *o, const struct sw_user *u, bool *forbidden,
                             struct sw_error *err);

/* The verdict on stored point p under prof, in plain words: {"outcome":
 * "pass"|"fail"|"incomplete", "summary": text, "findings": [{"rule",
 * "severity", "text"}]}; texts in Dutch when nl, else English (e.g.
 * "dwarshelling 3,5 % — hoogstens 2 % volgens KOR"). prof NULL: outcome
 * null. Caller owns the result (NULL on no memory). */
json_t *sw_field_verdict(struct sw_store *s, const struct sw_profile *prof,
                         const struct sw_forms *forms, const struct sw_point *p, bool nl);

/* The JSON of stored point p with its measurements (labels, units), its
 * photos ([{id, content_type, bytes}]) and, when history, its history. */
json_t *sw_field_point_json(struct sw_store *s, const struct sw_forms *forms,
                            const struct sw_point *p, bool history);

/* The photos of a point as a JSON array of {id, content_type, bytes,
 * sha256}; caller owns it (json_decref). NULL with err filled on failure. */
json_t *sw_field_photos_json(struct sw_store *s, long long point_id, struct sw_error *err);



/* ---- sign-in QR codes (libqrencode) ---- */

/* The QR code of text as lines of terminal half blocks (dark on light,
 * with the quiet zone), caller frees; NULL on failure. */
char *sw_field_qr_text(const char *text);
/* The QR code of text as a PNG at path (8 pixels a module). */
enum sw_status sw_field_qr_png(const char *text, const char *path, struct sw_error *err);
#endif
