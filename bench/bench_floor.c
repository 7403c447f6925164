/* bench_floor.c - the floor for bench/run.sh: the same rows of a CSV inserted
 * with plain SQLite into the points table of a fresh schouw store (the same
 * columns and uuid index; its triggers dropped, so no R-tree or history), in
 * the same transaction mode as an import (WAL, synchronous = NORMAL, one
 * transaction, 48 MB cache). The physical limit of an import on this machine.
 *   bench_floor STORE.gpkg POINTS.csv
 * Prints CPU seconds of reading the file into memory and of the insert. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_floor: %s: %s\n", what, db ? sqlite3_errmsg(db) : "failed");
	exit(1);
}

/* Split line at commas in place (the generated CSV has no quoted fields). */
static int split(char *line, char **cell, int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		cell[n++] = line;
		line = strchr(line, ',');
		if (line == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

int main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	FILE *f;
	char *buf = NULL, *head[64], *cell[64], sql[4096], now[32] = "2026-01-01T00:00:00Z";
	char **rows = NULL, (*uuids)[37] = NULL;
	size_t nrows = 0, cap = 0, len = 0;
	int ncols, xcol = -1, ycol = -1, bind[64];
	double t0, t1, t2;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_floor STORE.gpkg POINTS.csv\n");
		return 2;
	}
	t0 = cpu_now();
	f = fopen(argv[2], "r");
	if (f == NULL || getline(&buf, &len, f) < 0)
		die(NULL, argv[2]);
	ncols = split(buf, head, 64);
	for (;;) {
		char *line = NULL;
		size_t l = 0;

		if (getline(&line, &l, f) < 0) {
			free(line);
			break;
		}
		if (nrows == cap) {
			cap = cap ? cap * 2 : 4096;
			rows = realloc(rows, cap * sizeof *rows);
		}
		rows[nrows++] = line;
	}
	fclose(f);
	uuids = malloc((nrows ? nrows : 1) * sizeof *uuids);
	for (size_t i = 0; i < nrows; i++) {
		uuid_t u;

		uuid_generate_random(u);
		uuid_unparse_lower(u, uuids[i]);
	}
	t1 = cpu_now();

	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		die(db, "open");
	if (sqlite3_exec(db,
	                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	                 " PRAGMA cache_size = -49152; BEGIN IMMEDIATE",
	                 NULL, NULL, NULL) != SQLITE_OK)
		die(db, "begin");
	/* no triggers: the floor writes the table and its indexes only */
	if (sqlite3_exec(db,
	                 "CREATE TEMP TABLE t AS SELECT name FROM sqlite_master WHERE type = 'trigger'"
	                 " AND tbl_name = 'points'",
	                 NULL, NULL, NULL) != SQLITE_OK)
		die(db, "triggers");
	{
		sqlite3_stmt *q;

		sqlite3_prepare_v2(db, "SELECT name FROM temp.t", -1, &q, NULL);
		while (sqlite3_step(q) == SQLITE_ROW) {
			char drop[512];

			snprintf(drop, sizeof drop, "DROP TRIGGER \"%s\"", sqlite3_column_text(q, 0));
			if (sqlite3_exec(db, drop, NULL, NULL, NULL) != SQLITE_OK)
				die(db, drop);
		}
		sqlite3_finalize(q);
	}
	{
		size_t o = (size_t)snprintf(sql, sizeof sql,
		                            "INSERT INTO points (geom, uuid, created_at, updated_at");
		int nb = 4;

		for (int c = 0; c < ncols; c++) {
			bind[c] = 0;
			if (strcmp(head[c], "rd_x") == 0) {
				xcol = c;
				continue;
			}
			if (strcmp(head[c], "rd_y") == 0) {
				ycol = c;
				continue;
			}
			o += (size_t)snprintf(sql + o, sizeof sql - o, ", \"%s\"", head[c]);
			bind[c] = ++nb;
		}
		o += (size_t)snprintf(sql + o, sizeof sql - o, ") VALUES (?");
		for (int k = 1; k < nb; k++)
			o += (size_t)snprintf(sql + o, sizeof sql - o, ", ?");
		snprintf(sql + o, sizeof sql - o, ")");
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(db, sql);
	for (size_t i = 0; i < nrows; i++) {
		unsigned char blob[29] = {'G', 'P', 0, 1};
		int32_t srs = 28992;
		double x = 0, y = 0;
		int n = split(rows[i], cell, 64);

		/* GeoPackage header without envelope, then a little-endian WKB point */
		memcpy(blob + 4, &srs, 4);
		blob[8] = 1;
		blob[9] = 1;
		blob[10] = blob[11] = blob[12] = 0;
		for (int c = 0; c < n; c++) {
			char *end;
			double d;

			if (c == xcol) {
				x = strtod(cell[c], NULL);
				continue;
			}
			if (c == ycol) {
				y = strtod(cell[c], NULL);
				continue;
			}
			if (!bind[c])
				continue;
			d = strtod(cell[c], &end);
			if (*cell[c] != '\0' && *end == '\0')
				sqlite3_bind_double(st, bind[c], d);
			else if (*cell[c] == '\0')
				sqlite3_bind_null(st, bind[c]);
			else
				sqlite3_bind_text(st, bind[c], cell[c], -1, SQLITE_STATIC);
		}
		memcpy(blob + 13, &x, 8);
		memcpy(blob + 21, &y, 8);
		sqlite3_bind_blob(st, 1, blob, sizeof blob, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, uuids[i], 36, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			die(db, "insert");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die(db, "commit");
	sqlite3_close(db);
	t2 = cpu_now();
	printf("floor: %zu rows, cpu read %.2f s, insert %.2f s\n", nrows, t1 - t0, t2 - t1);
	for (size_t i = 0; i < nrows; i++)
		free(rows[i]);
	free(rows);
	free(uuids);
	free(buf);
	return 0;
}
