/* fuzz_serve.c - libFuzzer target for the field server's request handler
 * (sw_serve_handle), without a socket, over a scratch store made once.
 *
 * Input: five lines, then the body:
 *   METHOD \n URL \n Cookie \n Authorization \n Accept-Language \n BODY
 * A missing line is a NULL header. In the Authorization line "@SUR" and
 * "@STAFF" become "Bearer <token>" of a surveyor and a staff member of the
 * store, so the fuzzer reaches the signed-in API; a body of 8 bytes or
 * fewer after a URL ending in "?big" is marked too_large. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "schouw/field.h"
#include "schouw/render.h"
#include "schouw/serve.h"
#include "schouw/store.h"
#include "schouw/user.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sw_serve *srv;
static char sur_auth[64], staff_auth[64];
static char db_path[320];

static void fuzz_serve_cleanup(void)
{
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	char p[340];

	sw_serve_free(srv);
	srv = NULL;
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(p, sizeof p, "%s%s", db_path, ext[i]);
		unlink(p);
	}
}

static void add_user(struct sw_store *s, const char *name, const char *role, char *auth,
                     size_t nauth)
{
	char token[44], hash[65];
	struct sw_error err = {0};

	if (sw_field_token_new(token, hash, &err) != SW_OK ||
	    sw_store_user_add(s, name, role, hash, &err) != SW_OK) {
		fprintf(stderr, "fuzz_serve: %s\n", err.msg);
		abort();
	}
	snprintf(auth, nauth, "Bearer %s", token);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sw_serve_config cfg = {0};
	struct sw_store *s = NULL;
	struct sw_error err = {0};

	(void)argc;
	(void)argv;
	snprintf(db_path, sizeof db_path, "%s", fuzz_path(0, "serve.gpkg"));
	fuzz_files[0][0] = '\0'; /* removed by fuzz_serve_cleanup with its -wal and -shm */
	if (sw_store_create(db_path, &err) != SW_OK ||
	    sw_store_open(db_path, SW_STORE_WRITE, &s, &err) != SW_OK) {
		fprintf(stderr, "fuzz_serve: %s\n", err.msg);
		abort();
	}
	add_user(s, "Fuzz Surveyor", "surveyor", sur_auth, sizeof sur_auth);
	add_user(s, "Fuzz Staff", "staff", staff_auth, sizeof staff_auth);
	sw_store_close(s);
	cfg.db_path = db_path;
	cfg.datadir = SW_FUZZ_DATADIR;
	cfg.gisdir = SW_FUZZ_GISDIR;
	cfg.webdir = SW_FUZZ_WEBDIR;
	cfg.listen = "127.0.0.1:0";
	if (sw_serve_new(&cfg, &srv, &err) != SW_OK) {
		fprintf(stderr, "fuzz_serve: %s\n", err.msg);
		abort();
	}
	atexit(fuzz_serve_cleanup);
	return 0;
}

/* The next line of [*p, end) as a NUL-terminated copy, or NULL at the end. */
static char *next_line(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl;
	char *line;

	if (*p >= end)
		return NULL;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	if (nl == NULL)
		nl = end;
	line = malloc((size_t)(nl - *p) + 1);
	if (line == NULL)
		abort();
	memcpy(line, *p, (size_t)(nl - *p));
	line[nl - *p] = '\0';
	*p = nl < end ? nl + 1 : end;
	return line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	char *f[5];
	char *body;
	size_t nbody, sum = 0;
	struct sw_serve_req rq = {0};
	struct sw_serve_resp rs = {0};

	for (size_t i = 0; i < 5; i++)
		f[i] = next_line(&p, end);
	/* the body as the HTTP glue hands it over: its own buffer, NUL after it */
	nbody = (size_t)(end - p);
	body = malloc(nbody + 1);
	if (body == NULL)
		abort();
	if (nbody > 0)
		memcpy(body, p, nbody);
	body[nbody] = '\0';

	rq.method = f[0];
	rq.url = f[1];
	rq.cookie = f[2];
	rq.authorization = f[3];
	if (f[3] != NULL && strcmp(f[3], "@SUR") == 0)
		rq.authorization = sur_auth;
	else if (f[3] != NULL && strcmp(f[3], "@STAFF") == 0)
		rq.authorization = staff_auth;
	rq.accept_language = f[4];
	rq.remote = "127.0.0.1";
	rq.body = nbody > 0 ? body : NULL;
	rq.nbody = nbody;
	if (f[1] != NULL && strlen(f[1]) >= 4 && strcmp(f[1] + strlen(f[1]) - 4, "?big") == 0 &&
	    nbody <= 8) {
		rq.too_large = true;
		rq.body = NULL;
		rq.nbody = 0;
	}

	sw_serve_handle(srv, &rq, &rs);
	/* every answer is a status and a body ASan may read */
	if (rs.status < 100 || rs.status > 599)
		abort();
	for (size_t i = 0; i < rs.nbody; i++)
		sum += (unsigned char)rs.body[i];
	sum += rs.content_type != NULL ? strlen(rs.content_type) : 0;
	sum += rs.set_cookie != NULL ? strlen(rs.set_cookie) : 0;
	sum += rs.extra_value != NULL ? strlen(rs.extra_value) : 0;
	(void)sum;
	sw_serve_resp_clear(&rs);
	/* a map request initialises fontconfig and cairo's caches once; the
	 * server keeps them, the fuzzer hands them back so LeakSanitizer's check
	 * of each input sees only real leaks */
	sw_render_release();

	free(body);
	for (size_t i = 0; i < 5; i++)
		free(f[i]);
	return 0;
}
