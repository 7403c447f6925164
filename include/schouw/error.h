/* error.h - status codes and the error struct every library call fills.
 *
 * Library code never prints or exits: it returns an enum sw_status and, on
 * failure, leaves a human-readable message (already translated) in a
 * caller-owned struct sw_error. Only src/cli prints it.
 *
 * Every library function that takes a struct sw_error *err accepts NULL
 * ("err may be NULL"): the status is still returned, the message dropped.
 * A failing call fills err with the code it returns and a message.
 */
#ifndef SCHOUW_ERROR_H
#define SCHOUW_ERROR_H

#include <stddef.h>

enum sw_status {
	SW_OK = 0,
	SW_ERR_INPUT,    /* bad user input: value, field, file content */
	SW_ERR_NOTFOUND, /* a referenced point, type, file does not exist */
	SW_ERR_IO,       /* could not read or write a file */
	SW_ERR_STORE,    /* SQLite / GeoPackage trouble, read-only, corrupt */
	SW_ERR_NOMEM,
	SW_ERR_INTERNAL
};

#define SW_ERROR_MSG_MAX 2048

struct sw_error {
	enum sw_status code;
	char msg[SW_ERROR_MSG_MAX];
};

/* Set err (may be NULL) to code and a printf-style message; returns code so
 * callers can write `return sw_error_set(err, SW_ERR_INPUT, ...)`. */
enum sw_status sw_error_set(struct sw_error *err, enum sw_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the existing message with more context ("file.csv:12: " + msg);
 * returns err->code. err may be NULL (returns SW_ERR_INTERNAL). */
enum sw_status sw_error_prefix(struct sw_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reset err to SW_OK and an empty message. err may be NULL. */
void sw_error_clear(struct sw_error *err);

/* Shorthand for the out-of-memory error; returns SW_ERR_NOMEM. err may be
 * NULL. */
enum sw_status sw_error_nomem(struct sw_error *err);

/* strdup that passes NULL through (NULL in, NULL out). Caller frees. */
char *sw_strdup(const char *s);

#endif
