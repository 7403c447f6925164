/* pg.h - a thin libpq client (src/io/pg.c): connect, run statements with
 * text parameters, stream COPY FROM STDIN. Knows nothing of schouw's tables
 * (app/sync.c does).
 *
 * Passwords never come from the command line: a conninfo (key=value or a
 * postgresql:// URI, or service=NAME) that holds a password is refused;
 * libpq reads it from PGPASSFILE (~/.pgpass) or the service file. Every
 * other option (host, port, dbname, user, sslmode, ...) is passed through.
 */
#ifndef SCHOUW_PG_H
#define SCHOUW_PG_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"

struct sw_pg;

/* Connect; refuses a conninfo with a password (SW_ERR_INPUT). Caller owns
 * *out; close with sw_pg_close. Errors are SW_ERR_IO with libpq's text. */
enum sw_status sw_pg_connect(const char *conninfo, struct sw_pg **out, struct sw_error *err);
void sw_pg_close(struct sw_pg *pg); /* NULL ok; a COPY in progress is abandoned */
/* Ask the server to cancel what pg runs now (PQcancel); safe to call from
 * another thread than the one using pg. Best effort: a failure to ask is
 * not reported, the statement then ends on its own. */
void sw_pg_cancel(struct sw_pg *pg);

/* The bytes of a bytea value as a text result holds it (hex): *n bytes,
 * caller frees; NULL when it cannot be read or memory runs out. */
void *sw_pg_bytea(const char *text, size_t *n);

/* Called per result row: ncols values as text (NULL for SQL NULL), valid
 * during the call. Non-SW_OK stops (the rest is discarded) and is returned. */
typedef enum sw_status (*sw_pg_row_cb)(int ncols, const char *const *vals, void *ud);

/* Run sql with nparams text parameters ($1..; NULL values are NULL); cb
 * (may be NULL) gets the rows. Without parameters sql may hold several
 * statements (cb then gets the last one's rows). */
enum sw_status sw_pg_exec(struct sw_pg *pg, const char *sql, int nparams, const char *const *params,
                          sw_pg_row_cb cb, void *ud, struct sw_error *err);

/* COPY ... FROM STDIN (text format): begin with the COPY statement, add
 * rows (n values, NULL for NULL; escaped here), end. Rows are sent in
 * blocks of 1 MiB. */
enum sw_status sw_pg_copy_begin(struct sw_pg *pg, const char *copy_sql, struct sw_error *err);
enum sw_status sw_pg_copy_row(struct sw_pg *pg, int n, const char *const *vals,
                              struct sw_error *err);
enum sw_status sw_pg_copy_end(struct sw_pg *pg, struct sw_error *err);
/* The end of a COPY whose rows were sent with result rc: SW_OK completes
 * it (sw_pg_copy_end's result), anything else abandons it (the server
 * fails the statement) and is returned as it is. */
enum sw_status sw_pg_copy_finish(struct sw_pg *pg, enum sw_status rc, struct sw_error *err);

/* COPY ... FROM STDIN (FORMAT binary): no text to parse on the server. Begin
 * (sends the header), then per row sw_pg_bin_row with the number of fields
 * and one value call per field, in the table's column types (text, bigint,
 * double precision; bytes for a geometry's EWKB); end with sw_pg_copy_end.
 * The value calls cannot fail: running out of memory fails the next row or
 * the end. */
enum sw_status sw_pg_copy_begin_binary(struct sw_pg *pg, const char *copy_sql,
                                       struct sw_error *err);
enum sw_status sw_pg_bin_row(struct sw_pg *pg, int nfields, struct sw_error *err);
void sw_pg_bin_null(struct sw_pg *pg);
void sw_pg_bin_text(struct sw_pg *pg, const char *s); /* NULL: SQL NULL */
void sw_pg_bin_bytes(struct sw_pg *pg, const void *p, size_t n);
void sw_pg_bin_int8(struct sw_pg *pg, long long v);
void sw_pg_bin_float8(struct sw_pg *pg, double v);

#endif
