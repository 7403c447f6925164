/* serve.c - the field server's life: opening the store, forms and profile,
 * and the HTTP(S) listener through libmicrohttpd (TLS by GnuTLS), which
 * feeds requests to sw_serve_handle (api.c). One polling thread handles
 * every request in turn, so the one store handle is never shared. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schouw/i18n.h"
#include "schouw/num.h"
#include "serve_priv.h"

static bool is_dir(const char *p)
{
	struct stat sb;

	return p != NULL && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

enum sw_status sw_serve_new(const struct sw_serve_config *cfg, struct sw_serve **out,
                            struct sw_error *err)
{
	struct sw_serve *srv = calloc(1, sizeof *srv);
	const char *web = cfg->webdir;
	char *name = NULL, *thr = NULL;
	struct sw_error perr = {0};
	enum sw_status rc;

	*out = NULL;
	if (srv == NULL)
		return sw_error_nomem(err);
	if (web == NULL)
		web = getenv("SCHOUW_WEB");
	if (web == NULL || *web == '\0')
		web = is_dir(SW_INSTALL_WEBDIR) && !is_dir(SW_SOURCE_WEBDIR) ? SW_INSTALL_WEBDIR
		                                                              : SW_SOURCE_WEBDIR;
	srv->webdir = strdup(web);
	srv->gisdir = strdup(cfg->gisdir ? cfg->gisdir : ".");
	if (srv->webdir == NULL || srv->gisdir == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	rc = sw_forms_load(cfg->datadir, &srv->forms, err);
	if (rc == SW_OK)
		rc = sw_store_open(cfg->db_path, SW_STORE_WRITE, &srv->store, err);
	if (rc == SW_OK)
		rc = sw_store_sync_fields(srv->store, srv->forms, err);
	if (rc == SW_OK)
		rc = sw_store_meta_get(srv->store, "default_profile", &name, err);
	if (rc == SW_OK)
		rc = sw_store_meta_get(srv->store, "gps_accuracy_threshold_m", &thr, err);
	if (rc != SW_OK)
		goto out;
	srv->accuracy_threshold = 10;
	if (thr != NULL && !sw_num_parse(thr, SW_NUM_TRIM, &srv->accuracy_threshold)) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("store setting gps_accuracy_threshold_m: expected metres, got '%s'"),
		                  thr);
		goto out;
	}
	/* without a loadable profile the server still logs; verdicts say so */
	if (sw_profile_load(cfg->datadir, name ? name : "kor-dordrecht", srv->forms, &srv->profile,
	                    &perr) != SW_OK)
		srv->profile = NULL;
	*out = srv;
	srv = NULL;
out:
	free(name);
	free(thr);
	sw_serve_free(srv);
	return rc;
}

void sw_serve_free(struct sw_serve *srv)
{
	if (srv == NULL)
		return;
	sw_store_close(srv->store);
	sw_forms_free(srv->forms);
	sw_profile_free(srv->profile);
	free(srv->webdir);
	free(srv->gisdir);
	free(srv);
}

/* ---- libmicrohttpd glue ---- */

struct run {
	struct sw_serve *srv;
	const struct sw_serve_config *cfg;
	bool tls;
};

struct conn {
	char *body;
	size_t n, cap;
	bool too_large;
};

static void add_security_headers(struct MHD_Response *r, bool tls, bool cache)
{
	MHD_add_response_header(r, "Content-Security-Policy",
	                        "default-src 'self'; img-src 'self' blob: data:; "
	                        "style-src 'self'; script-src 'self'; connect-src 'self'; "
	                        "worker-src 'self'; manifest-src 'self'; object-src 'none'; "
	                        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Permissions-Policy", "geolocation=(self), camera=(self)");
	MHD_add_response_header(r, "Cache-Control", cache ? "no-cache" : "no-store");
	if (tls)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
}

static enum MHD_Result send_resp(struct MHD_Connection *c, struct sw_serve_resp *rs, bool tls,
                                 bool head)
{
	struct MHD_Response *r;
	enum MHD_Result ok;

	if (head) {
		free(rs->body);
		rs->body = NULL;
		rs->nbody = 0;
	}
	r = MHD_create_response_from_buffer(rs->nbody, rs->body ? rs->body : (void *)"",
	                                    rs->body ? MHD_RESPMEM_MUST_FREE
	                                             : MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	rs->body = NULL; /* MHD owns it now */
	if (rs->content_type)
		MHD_add_response_header(r, "Content-Type", rs->content_type);
	if (rs->set_cookie)
		MHD_add_response_header(r, "Set-Cookie", rs->set_cookie);
	if (rs->extra_name && rs->extra_value)
		MHD_add_response_header(r, rs->extra_name, rs->extra_value);
	add_security_headers(r, tls, rs->cache);
	ok = MHD_queue_response(c, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ok;
}

/* The client's address: the peer, or for the trusted proxy the last address
 * of its X-Forwarded-For. */
static void client_address(struct MHD_Connection *c, const struct sw_serve_config *cfg,
                           char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *xff;

	snprintf(buf, len, "?");
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			          buf, (socklen_t)len);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			          &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
			          (socklen_t)len);
	}
	if (cfg->proxy == NULL || strcmp(buf, cfg->proxy) != 0)
		return;
	xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	if (xff != NULL) {
		const char *last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		while (*last == ' ')
			last++;
		snprintf(buf, len, "%.*s", (int)strcspn(last, " "), last);
	}
}

/* MHD hands the path without its query: put back the parameters the API
 * reads, so the handler sees one URL. */
static const char *with_query(struct MHD_Connection *c, const char *url, char *buf, size_t len)
{
	static const char *const names[] = {"lat", "lon", "radius", "width"};
	size_t n = (size_t)snprintf(buf, len, "%s", url);
	char sep = '?';

	for (size_t i = 0; i < sizeof names / sizeof names[0] && n < len; i++) {
		const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, names[i]);
		if (v == NULL)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%c%s=%s", sep, names[i], v);
		sep = '&';
	}
	return buf;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct run *run = cls;
	struct conn *cn = *con_cls;
	struct sw_serve_req rq = {0};
	struct sw_serve_resp rs;
	char remote[64], full[2048];
	enum MHD_Result ok;

	(void)version;
	if (cn == NULL) {
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		cn = calloc(1, sizeof *cn);
		if (cn == NULL)
			return MHD_NO;
		*con_cls = cn;
		/* refuse an announced oversized body before reading it */
		if (cl != NULL && strtoull(cl, NULL, 10) > SW_SERVE_MAX_BODY)
			cn->too_large = true;
		else
			return MHD_YES;
	}
	if (*upload_size != 0 && !cn->too_large) {
		if (cn->n + *upload_size > SW_SERVE_MAX_BODY) {
			cn->too_large = true;
			free(cn->body);
			cn->body = NULL;
			cn->n = cn->cap = 0;
		} else {
			if (cn->n + *upload_size + 1 > cn->cap) {
				size_t cap = (cn->n + *upload_size + 1) * 2;
				char *b = realloc(cn->body, cap > SW_SERVE_MAX_BODY + 1 ? SW_SERVE_MAX_BODY + 1 : cap);
				if (b == NULL)
					return MHD_NO;
				cn->body = b;
				cn->cap = cap > SW_SERVE_MAX_BODY + 1 ? SW_SERVE_MAX_BODY + 1 : cap;
			}
			memcpy(cn->body + cn->n, upload_data, *upload_size);
			cn->n += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	client_address(c, run->cfg, remote, sizeof remote);
	rq.method = method;
	rq.url = url;
	rq.url = with_query(c, url, full, sizeof full);
	rq.cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie");
	rq.authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	rq.accept_language = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
	rq.remote = remote;
	rq.body = cn->body;
	rq.nbody = cn->n;
	rq.too_large = cn->too_large;
	sw_serve_handle(run->srv, &rq, &rs);
	ok = send_resp(c, &rs, run->tls, strcmp(method, "HEAD") == 0);
	sw_serve_resp_clear(&rs);
	return ok;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
	struct conn *cn = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (cn != NULL) {
		free(cn->body);
		free(cn);
		*con_cls = NULL;
	}
}

static char *read_file(const char *path, struct sw_error *err)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long n;

	if (f == NULL) {
		sw_error_set(err, SW_ERR_IO, _("%s: cannot open: %s"), path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n < 1 << 20 &&
	    fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n + 1)) != NULL &&
	    fread(b, 1, (size_t)n, f) == (size_t)n) {
		b[n] = '\0';
	} else {
		free(b);
		b = NULL;
		sw_error_set(err, SW_ERR_IO, _("%s: cannot read"), path);
	}
	fclose(f);
	return b;
}

static bool parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	char *end;
	long port;

	if (colon == NULL || (size_t)(colon - listen) >= sizeof host)
		return false;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || port < 1 || port > 65535)
		return false;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, *host ? host : "0.0.0.0", &sa->sin_addr) == 1;
}

enum sw_status sw_serve_run(struct sw_serve *srv, const struct sw_serve_config *cfg,
                            volatile int *stop, sw_serve_ready_fn on_ready, void *ud,
                            struct sw_error *err)
{
	struct run run = {.srv = srv, .cfg = cfg};
	struct sockaddr_in sa;
	struct MHD_Daemon *d = NULL;
	char *cert = NULL, *key = NULL, url[128], fp[96] = "", addr[64];
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	enum sw_status rc = SW_OK;

	if (!parse_listen(cfg->listen, &sa))
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("--listen '%s': expected ADDR:PORT, e.g. 127.0.0.1:8080"),
		                    cfg->listen);
	inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof addr);
	if (cfg->cert != NULL) {
		cert = read_file(cfg->cert, err);
		key = cert ? read_file(cfg->key, err) : NULL;
		if (key == NULL) {
			rc = err->code;
			goto out;
		}
		rc = sw_serve_fingerprint(cfg->cert, fp, err);
		if (rc != SW_OK)
			goto out;
		run.tls = true;
		flags |= MHD_USE_TLS;
	} else if ((ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("phones allow GPS and offline use only over HTTPS: give --cert and "
		                    "--key, or --self-signed, or listen on 127.0.0.1 behind a "
		                    "reverse proxy that does TLS"));
		goto out;
	}
	if (run.tls)
		d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &run, MHD_OPTION_SOCK_ADDR, &sa,
		                     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
		                     MHD_OPTION_CONNECTION_LIMIT, 512U, MHD_OPTION_CONNECTION_TIMEOUT,
		                     30U, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024,
		                     MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_HTTPS_MEM_CERT, cert,
		                     MHD_OPTION_END);
	else
		d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &run, MHD_OPTION_SOCK_ADDR, &sa,
		                     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
		                     MHD_OPTION_CONNECTION_LIMIT, 512U, MHD_OPTION_CONNECTION_TIMEOUT,
		                     30U, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024,
		                     MHD_OPTION_END);
	if (d == NULL) {
		rc = sw_error_set(err, SW_ERR_IO, _("cannot listen on %s (in use, or no permission)"),
		                  cfg->listen);
		goto out;
	}
	snprintf(url, sizeof url, "%s://%s:%u/", run.tls ? "https" : "http", addr,
	         (unsigned)ntohs(sa.sin_port));
	if (on_ready != NULL)
		on_ready(ud, url, run.tls ? fp : NULL, cfg->cert);
	while (!*stop)
		usleep(200 * 1000);
out:
	if (d != NULL)
		MHD_stop_daemon(d);
	free(cert);
	free(key);
	return rc;
}
