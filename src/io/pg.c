/* pg.c - a thin libpq client: connect, statements, COPY FROM STDIN. */
#include "schouw/pg.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/i18n.h"

#define COPY_BLOCK (64 * 1024)

struct sw_pg {
	PGconn *conn;
	char *buf; /* COPY rows not yet sent */
	size_t len, cap;
	bool copying;
	bool binary; /* the COPY in progress is in binary format */
	bool nomem;  /* a binary value did not fit: the COPY fails at its end */
};

/* libpq's message without its trailing newline. */
static enum sw_status pg_fail(struct sw_pg *pg, struct sw_error *err, const char *what)
{
	char msg[512];
	size_t n;

	snprintf(msg, sizeof msg, "%s", pg && pg->conn ? PQerrorMessage(pg->conn) : "");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	return sw_error_set(err, SW_ERR_IO, _("PostgreSQL: %s while %s"), msg, what);
}

static void ignore_notice(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
}

enum sw_status sw_pg_connect(const char *conninfo, struct sw_pg **out, struct sw_error *err)
{
	PQconninfoOption *opts;
	char *perr = NULL;
	struct sw_pg *pg;
	bool password = false;

	*out = NULL;
	opts = PQconninfoParse(conninfo, &perr);
	if (opts == NULL) {
		enum sw_status rc = sw_error_set(err, SW_ERR_INPUT,
		                                 _("'%s' is no PostgreSQL connection string: %s"),
		                                 conninfo, perr ? perr : _("out of memory"));
		PQfreemem(perr);
		return rc;
	}
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL && *o->val != '\0')
			password = true;
	PQconninfoFree(opts);
	if (password)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("the connection string holds a password, which the command "
		                      "line shows to every user of the machine: put it in "
		                      "PGPASSFILE (~/.pgpass) or a service file instead"));
	pg = calloc(1, sizeof *pg);
	if (pg == NULL)
		return sw_error_nomem(err);
	pg->conn = PQconnectdb(conninfo);
	if (pg->conn == NULL || PQstatus(pg->conn) != CONNECTION_OK) {
		enum sw_status rc = pg_fail(pg, err, _("connecting"));

		sw_pg_close(pg);
		return rc;
	}
	/* the server's notices ("relation ... already exists, skipping" for
	 * every CREATE ... IF NOT EXISTS) went to stderr through libpq's
	 * default: a library prints nothing */
	PQsetNoticeReceiver(pg->conn, ignore_notice, NULL);
	*out = pg;
	return SW_OK;
}

void sw_pg_cancel(struct sw_pg *pg)
{
	PGcancel *c;
	char msg[256];

	if (pg == NULL || pg->conn == NULL || (c = PQgetCancel(pg->conn)) == NULL)
		return;
	PQcancel(c, msg, sizeof msg);
	PQfreeCancel(c);
}

void *sw_pg_bytea(const char *text, size_t *n)
{
	unsigned char *raw = PQunescapeBytea((const unsigned char *)text, n);
	void *out;

	if (raw == NULL)
		return NULL;
	out = malloc(*n > 0 ? *n : 1);
	if (out != NULL)
		memcpy(out, raw, *n);
	PQfreemem(raw);
	return out;
}

void sw_pg_close(struct sw_pg *pg)
{
	if (pg == NULL)
		return;
	if (pg->conn != NULL)
		PQfinish(pg->conn);
	free(pg->buf);
	free(pg);
}

enum sw_status sw_pg_exec(struct sw_pg *pg, const char *sql, int nparams, const char *const *params,
                          sw_pg_row_cb cb, void *ud, struct sw_error *err)
{
	/* without parameters PQexec, which runs several statements at once */
	PGresult *res = nparams == 0
	                    ? PQexec(pg->conn, sql)
	                    : PQexecParams(pg->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	enum sw_status rc = SW_OK;
	ExecStatusType st = PQresultStatus(res);
	const char **vals = NULL;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = pg_fail(pg, err, _("running a statement"));
		goto out;
	}
	if (cb == NULL || st != PGRES_TUPLES_OK)
		goto out;
	{
		int nrows = PQntuples(res), ncols = PQnfields(res);

		vals = calloc(ncols > 0 ? (size_t)ncols : 1, sizeof *vals);
		if (vals == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
		for (int r = 0; r < nrows && rc == SW_OK; r++) {
			for (int c = 0; c < ncols; c++)
				vals[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
			rc = cb(ncols, vals, ud);
		}
	}
out:
	free(vals);
	PQclear(res);
	return rc;
}

enum sw_status sw_pg_copy_begin(struct sw_pg *pg, const char *copy_sql, struct sw_error *err)
{
	PGresult *res = PQexec(pg->conn, copy_sql);
	enum sw_status rc = SW_OK;

	if (PQresultStatus(res) != PGRES_COPY_IN)
		rc = pg_fail(pg, err, _("starting a COPY"));
	else
		pg->copying = true;
	PQclear(res);
	pg->len = 0;
	pg->binary = pg->nomem = false;
	return rc;
}

static enum sw_status flush(struct sw_pg *pg, struct sw_error *err)
{
	if (pg->len > 0 && PQputCopyData(pg->conn, pg->buf, (int)pg->len) != 1)
		return pg_fail(pg, err, _("sending COPY data"));
	pg->len = 0;
	return SW_OK;
}

static bool put(struct sw_pg *pg, const char *s, size_t n)
{
	if (pg->len + n > pg->cap) {
		size_t cap = pg->cap ? pg->cap : COPY_BLOCK + 4096;
		char *g;

		while (cap < pg->len + n)
			cap *= 2;
		g = realloc(pg->buf, cap);
		if (g == NULL)
			return false;
		pg->buf = g;
		pg->cap = cap;
	}
	memcpy(pg->buf + pg->len, s, n);
	pg->len += n;
	return true;
}

static void put_be(struct sw_pg *pg, uint64_t v, int n);

enum sw_status sw_pg_copy_row(struct sw_pg *pg, int n, const char *const *vals,
                              struct sw_error *err)
{
	bool ok = true;

	for (int i = 0; i < n && ok; i++) {
		const char *v = vals[i];

		if (i > 0)
			ok = put(pg, "\t", 1);
		if (v == NULL) {
			ok = ok && put(pg, "\\N", 2);
			continue;
		}
		for (const char *c = v; *c && ok; c++) {
			const char *e = *c == '\\'   ? "\\\\"
			                : *c == '\t' ? "\\t"
			                : *c == '\n' ? "\\n"
			                : *c == '\r' ? "\\r"
			                             : NULL;

			ok = e ? put(pg, e, 2) : put(pg, c, 1);
		}
	}
	if (!ok || !put(pg, "\n", 1))
		return sw_error_nomem(err);
	return pg->len >= COPY_BLOCK ? flush(pg, err) : SW_OK;
}

enum sw_status sw_pg_copy_finish(struct sw_pg *pg, enum sw_status rc, struct sw_error *err)
{
	if (rc == SW_OK)
		return sw_pg_copy_end(pg, err);
	sw_pg_copy_end(pg, NULL);
	return rc;
}

enum sw_status sw_pg_copy_end(struct sw_pg *pg, struct sw_error *err)
{
	enum sw_status rc;
	PGresult *res;

	if (pg->binary && pg->copying && !pg->nomem)
		put_be(pg, 0xFFFF, 2); /* the file trailer: a field count of -1 */
	rc = pg->nomem ? sw_error_nomem(err) : flush(pg, err);

	pg->copying = false;
	if (PQputCopyEnd(pg->conn, rc == SW_OK ? NULL : "schouw stopped") != 1 && rc == SW_OK)
		rc = pg_fail(pg, err, _("ending a COPY"));
	while ((res = PQgetResult(pg->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == SW_OK)
			rc = pg_fail(pg, err, _("loading COPY data"));
		PQclear(res);
	}
	return rc;
}

/* Binary COPY (the "PGCOPY" file format): integers in network order. */
static void put_be(struct sw_pg *pg, uint64_t v, int n)
{
	unsigned char b[8];

	for (int i = n - 1; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)(v & 0xFF);
	if (!put(pg, (const char *)b, (size_t)n))
		pg->nomem = true;
}

enum sw_status sw_pg_copy_begin_binary(struct sw_pg *pg, const char *copy_sql, struct sw_error *err)
{
	static const char head[] = "PGCOPY\n\377\r\n\0"; /* + flags, extension length */
	enum sw_status rc = sw_pg_copy_begin(pg, copy_sql, err);

	if (rc != SW_OK)
		return rc;
	pg->binary = true;
	if (!put(pg, head, sizeof head - 1))
		pg->nomem = true;
	put_be(pg, 0, 4);
	put_be(pg, 0, 4);
	return SW_OK;
}

enum sw_status sw_pg_bin_row(struct sw_pg *pg, int nfields, struct sw_error *err)
{
	if (pg->nomem)
		return sw_error_nomem(err);
	if (pg->len >= COPY_BLOCK) {
		enum sw_status rc = flush(pg, err);

		if (rc != SW_OK)
			return rc;
	}
	put_be(pg, (uint64_t)nfields, 2);
	return SW_OK;
}

void sw_pg_bin_null(struct sw_pg *pg)
{
	put_be(pg, 0xFFFFFFFFu, 4);
}

void sw_pg_bin_bytes(struct sw_pg *pg, const void *p, size_t n)
{
	put_be(pg, (uint64_t)n, 4);
	if (!put(pg, p, n))
		pg->nomem = true;
}

void sw_pg_bin_text(struct sw_pg *pg, const char *s)
{
	if (s == NULL)
		sw_pg_bin_null(pg);
	else
		sw_pg_bin_bytes(pg, s, strlen(s));
}

void sw_pg_bin_int8(struct sw_pg *pg, long long v)
{
	put_be(pg, 8, 4);
	put_be(pg, (uint64_t)v, 8);
}

void sw_pg_bin_float8(struct sw_pg *pg, double v)
{
	uint64_t b;

	memcpy(&b, &v, sizeof b);
	put_be(pg, 8, 4);
	put_be(pg, b, 8);
}
