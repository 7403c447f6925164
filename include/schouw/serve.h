/* serve.h - the field server (`schouw serve`): the second front end beside
 * the CLI. It calls the app layer (field.h) for everything it writes, so the
 * checks are the CLI's. Library code: errors come back in struct sw_error;
 * only the start-up lines the operator needs are printed (by cmd_serve).
 *
 * The request handler is separate from the HTTP library (sw_serve_handle),
 * so it can be tested and fuzzed without a socket.
 */
#ifndef SCHOUW_SERVE_H
#define SCHOUW_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/form.h"
#include "schouw/store.h"

/* Request and upload limits. */
#define SW_SERVE_MAX_BODY (40u * 1024u * 1024u) /* a point with a few photos, base64 */
#define SW_SERVE_MAX_SESSIONS 4096

struct sw_serve_config {
	const char *db_path;
	const char *datadir; /* forms, norms */
	const char *gisdir;  /* basemap for the map images */
	const char *webdir;  /* the page's files; NULL: found like the data */
	const char *listen;  /* "ADDR:PORT" */
	const char *cert, *key; /* PEM files; NULL: plain HTTP (loopback only) */
	bool self_signed;    /* make (or reuse) cert and key next to the store */
	const char *proxy;   /* address whose X-Forwarded-For is trusted; NULL: none */
	bool insecure_cookie; /* plain HTTP on loopback: cookies without Secure
	                       * would be needed by old browsers; off by default */
};

struct sw_serve;

/* Open the store and forms for serving. Caller frees with sw_serve_free. */
enum sw_status sw_serve_new(const struct sw_serve_config *cfg, struct sw_serve **out,
                            struct sw_error *err);
void sw_serve_free(struct sw_serve *srv); /* NULL ok */

/* One request as the handler sees it (strings may be NULL). */
struct sw_serve_req {
	const char *method;
	const char *url; /* path and query, as sent */
	const char *cookie;
	const char *authorization;
	const char *accept_language;
	const char *remote; /* the client's address (after the trusted proxy) */
	const char *body;
	size_t nbody;
	bool too_large; /* the body passed SW_SERVE_MAX_BODY and was not kept */
};

struct sw_serve_header {
	const char *name;
	char *value;
};

struct sw_serve_resp {
	int status;
	const char *content_type;
	char *body; /* owned */
	size_t nbody;
	char *set_cookie; /* owned, or NULL */
	char *extra_name; /* one more header (e.g. X-Schouw-Extent), owned value */
	char *extra_value;
	bool cache; /* static file: may be cached briefly */
};

/* Answer rq into rs (always filled; free with sw_serve_resp_clear). */
void sw_serve_handle(struct sw_serve *srv, const struct sw_serve_req *rq,
                     struct sw_serve_resp *rs);
void sw_serve_resp_clear(struct sw_serve_resp *rs);

/* Listen and serve until *stop becomes true (checked twice a second).
 * Prints nothing; on_ready (may be NULL) is called once listening with the
 * URL and, for TLS, the certificate's SHA-256 fingerprint. */
typedef void (*sw_serve_ready_fn)(void *ud, const char *url, const char *fingerprint,
                                  const char *cert_path);
enum sw_status sw_serve_run(struct sw_serve *srv, const struct sw_serve_config *cfg,
                            volatile int *stop, sw_serve_ready_fn on_ready, void *ud,
                            struct sw_error *err);

/* Make a self-signed certificate (ECDSA P-256, a year) for this machine's
 * host name, localhost and every address of its interfaces, as PEM files
 * cert_path and key_path; kept when both exist already (phones trust it
 * once). fingerprint[96] gets its SHA-256 as AA:BB:... */
enum sw_status sw_serve_self_signed(const char *cert_path, const char *key_path,
                                    char fingerprint[96], struct sw_error *err);

/* The SHA-256 fingerprint of the PEM certificate in cert_path. */
enum sw_status sw_serve_fingerprint(const char *cert_path, char fingerprint[96],
                                    struct sw_error *err);

#endif
