/* pg.c - a thin libpq client: connect, statements, COPY FROM STDIN. */
#include "schouw/pg.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/i18n.h"

#define COPY_BLOCK (1024 * 1024)

struct sw_pg {
	PGconn *conn;
	char *buf; /* COPY rows not yet sent */
	size_t len, cap;
	bool copying;
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
	*out = pg;
	return SW_OK;
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

enum sw_status sw_pg_copy_end(struct sw_pg *pg, struct sw_error *err)
{
	enum sw_status rc = flush(pg, err);
	PGresult *res;

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
