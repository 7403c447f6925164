/* api.c - the field server's request handler: static files of the page,
 * sign-in and sessions, and the JSON API (see serve.h and README "In het
 * veld"). No HTTP library here: serve.c feeds it. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schouw/crs.h"
#include "schouw/field.h"
#include "schouw/i18n.h"
#include "schouw/map.h"
#include "schouw/norm.h"
#include "schouw/photo.h"
#include "schouw/user.h"
#include "serve_priv.h"

#define SESSION_SECONDS (12 * 3600)
#define FAIL_WINDOW 60 /* seconds */
#define FAIL_FREE 5    /* failed sign-ins per window before slowing down */

/* ---- responses ---- */

static void resp_json(struct sw_serve_resp *rs, int status, json_t *o)
{
	rs->status = status;
	rs->content_type = "application/json; charset=utf-8";
	rs->body = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
	if (rs->body == NULL) {
		rs->status = 500;
		rs->body = strdup("{\"error\":\"out of memory\"}");
	}
	rs->nbody = rs->body ? strlen(rs->body) : 0;
	json_decref(o);
}

static void resp_error(struct sw_serve_resp *rs, int status, const char *msg)
{
	json_t *o = json_object();

	json_object_set_new(o, "error", json_string(msg));
	resp_json(rs, status, o);
}

static int status_of(enum sw_status rc)
{
	switch (rc) {
	case SW_ERR_INPUT:
		return 400;
	case SW_ERR_NOTFOUND:
		return 404;
	default:
		return 500;
	}
}

void sw_serve_resp_clear(struct sw_serve_resp *rs)
{
	free(rs->body);
	free(rs->set_cookie);
	free(rs->extra_name);
	free(rs->extra_value);
	memset(rs, 0, sizeof *rs);
}

/* ---- static files ---- */

static const struct {
	const char *ext, *type;
} mime[] = {{".html", "text/html; charset=utf-8"},
            {".js", "text/javascript; charset=utf-8"},
            {".css", "text/css; charset=utf-8"},
            {".json", "application/json; charset=utf-8"},
            {".webmanifest", "application/manifest+json"},
            {".svg", "image/svg+xml"},
            {".png", "image/png"}};

/* Only plain names in the page's own directory: [a-z0-9_-] and one dot, so
 * no path outside it ("..", "/", "%2e", ...) can ever be named. */
static const char *static_type(const char *name)
{
	const char *dot = NULL;

	if (*name == '\0' || strlen(name) > 64)
		return NULL;
	for (const char *c = name; *c; c++) {
		if (*c == '.') {
			if (dot != NULL || c == name)
				return NULL;
			dot = c;
		} else if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-' ||
		             *c == '_')) {
			return NULL;
		}
	}
	for (size_t i = 0; dot != NULL && i < sizeof mime / sizeof mime[0]; i++)
		if (strcmp(dot, mime[i].ext) == 0)
			return mime[i].type;
	return NULL;
}

static void serve_file(struct sw_serve *srv, const char *name, struct sw_serve_resp *rs)
{
	const char *type = static_type(name);
	char path[4096];
	struct stat sb;
	FILE *f = NULL;

	if (type == NULL) {
		resp_error(rs, 404, "not found");
		return;
	}
	snprintf(path, sizeof path, "%s/%s", srv->webdir, name);
	f = fopen(path, "rb");
	if (f == NULL || fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > 4 * 1024 * 1024) {
		if (f)
			fclose(f);
		resp_error(rs, 404, "not found");
		return;
	}
	rs->body = malloc((size_t)sb.st_size + 1);
	if (rs->body == NULL || fread(rs->body, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		fclose(f);
		free(rs->body);
		rs->body = NULL;
		resp_error(rs, 500, "cannot read the page");
		return;
	}
	fclose(f);
	rs->nbody = (size_t)sb.st_size;
	rs->status = 200;
	rs->content_type = type;
	rs->cache = true;
}

/* ---- sessions and sign-in ---- */

static void hex(const unsigned char *b, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The value of cookie name in a Cookie header, into buf. */
static bool cookie_value(const char *header, const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);

	for (const char *p = header; p != NULL && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			const char *v = p + n + 1, *e = strchr(v, ';');
			size_t k = e ? (size_t)(e - v) : strlen(v);
			if (k >= len)
				return false;
			memcpy(buf, v, k);
			buf[k] = '\0';
			return true;
		}
		p = strchr(p, ';');
	}
	return false;
}

static struct sw_session *session_find(struct sw_serve *srv, const char *sid)
{
	time_t now = time(NULL);

	for (size_t i = 0; i < srv->nsessions; i++)
		if (srv->sessions[i].expires > now && strcmp(srv->sessions[i].id, sid) == 0)
			return &srv->sessions[i];
	return NULL;
}

static struct sw_session *session_new(struct sw_serve *srv, const char *token_hash)
{
	unsigned char raw[24];
	time_t now = time(NULL);
	struct sw_session *s = NULL;

	for (size_t i = 0; i < srv->nsessions && s == NULL; i++)
		if (srv->sessions[i].expires <= now)
			s = &srv->sessions[i];
	if (s == NULL && srv->nsessions < SW_SERVE_MAX_SESSIONS)
		s = &srv->sessions[srv->nsessions++];
	if (s == NULL) { /* full: the oldest goes */
		s = &srv->sessions[0];
		for (size_t i = 1; i < srv->nsessions; i++)
			if (srv->sessions[i].expires < s->expires)
				s = &srv->sessions[i];
	}
	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		return NULL;
	hex(raw, sizeof raw, s->id);
	memcpy(s->token_hash, token_hash, 65);
	s->expires = now + SESSION_SECONDS;
	return s;
}

/* The signed-in user of rq (session cookie or "Authorization: Bearer
 * TOKEN"), checked against the store on every request, so a revoked token
 * stops at once. */
static bool authenticate(struct sw_serve *srv, const struct sw_serve_req *rq, struct sw_user *u)
{
	char sid[64], hash[65];
	struct sw_error err = {0};

	if (rq->authorization != NULL && strncmp(rq->authorization, "Bearer ", 7) == 0 &&
	    strlen(rq->authorization + 7) < 200) {
		sw_field_token_hash(rq->authorization + 7, hash);
		return sw_store_user_by_token(srv->store, hash, u, &err) == SW_OK;
	}
	if (rq->cookie != NULL && cookie_value(rq->cookie, "sid", sid, sizeof sid)) {
		struct sw_session *s = session_find(srv, sid);
		return s != NULL && sw_store_user_by_token(srv->store, s->token_hash, u, &err) == SW_OK;
	}
	return false;
}

static struct sw_fail *fail_slot(struct sw_serve *srv, const char *remote)
{
	time_t now = time(NULL);
	struct sw_fail *oldest = &srv->fails[0];

	for (size_t i = 0; i < SW_SERVE_FAIL_SLOTS; i++) {
		struct sw_fail *f = &srv->fails[i];
		if (strcmp(f->remote, remote) == 0)
			return f;
		if (f->last < oldest->last)
			oldest = f;
	}
	memset(oldest, 0, sizeof *oldest);
	snprintf(oldest->remote, sizeof oldest->remote, "%s", remote);
	oldest->last = now;
	return oldest;
}

static void api_signin(struct sw_serve *srv, const struct sw_serve_req *rq, json_t *body,
                       struct sw_serve_resp *rs)
{
	const char *remote = rq->remote ? rq->remote : "?";
	struct sw_fail *f = fail_slot(srv, remote);
	time_t now = time(NULL);
	const json_t *t = json_object_get(body, "token");
	struct sw_session *s;
	struct sw_user u;
	struct sw_error err = {0};
	char hash[65];
	json_t *o;

	if (now - f->last > FAIL_WINDOW && now >= f->blocked_until)
		f->count = 0;
	if (now < f->blocked_until) {
		rs->extra_name = strdup("Retry-After");
		if (asprintf(&rs->extra_value, "%lld", (long long)(f->blocked_until - now)) < 0)
			rs->extra_value = NULL;
		resp_error(rs, 429, "too many failed sign-ins; wait and try again");
		return;
	}
	if (!json_is_string(t) || json_string_length(t) > 200) {
		resp_error(rs, 400, "token: expected the sign-in token");
		return;
	}
	sw_field_token_hash(json_string_value(t), hash);
	if (sw_store_user_by_token(srv->store, hash, &u, &err) != SW_OK) {
		f->last = now;
		if (++f->count >= FAIL_FREE) /* doubling waits: 2, 4, 8 ... 512 s */
			f->blocked_until = now + (1 << (f->count - FAIL_FREE + 1 > 9 ? 9
			                                                           : f->count - FAIL_FREE + 1));
		resp_error(rs, 401, "unknown or revoked token");
		return;
	}
	f->count = 0;
	s = session_new(srv, hash);
	if (s == NULL) {
		resp_error(rs, 500, "no random numbers");
		return;
	}
	if (asprintf(&rs->set_cookie, "sid=%s; Path=/; Max-Age=%d; HttpOnly; Secure; SameSite=Strict",
	             s->id, SESSION_SECONDS) < 0)
		rs->set_cookie = NULL;
	o = json_pack("{s:s, s:s}", "name", u.name, "role", u.role);
	resp_json(rs, 200, o);
}

/* ---- API ---- */

static bool prefers_dutch(const struct sw_serve_req *rq)
{
	const char *l = rq->accept_language;

	return l == NULL || strncmp(l, "en", 2) != 0;
}

static json_t *forms_json(const struct sw_forms *forms)
{
	json_t *o = json_object(), *types = json_array(), *states = json_array();

	for (size_t i = 0; i < forms->nforms; i++) {
		const struct sw_form *fm = &forms->forms[i];
		json_t *t = json_object(), *fields = json_array();

		json_object_set_new(t, "type", json_string(fm->type));
		json_object_set_new(t, "label_nl", json_string(fm->label_nl));
		json_object_set_new(t, "label_en", json_string(fm->label_en));
		json_object_set_new(t, "symbol", json_string(fm->symbol ? fm->symbol : "circle"));
		for (size_t k = 0; k < fm->nfields; k++) {
			const struct sw_field *f = &fm->fields[k];
			json_t *jf = json_object(), *vals = json_array();

			json_object_set_new(jf, "name", json_string(f->name));
			json_object_set_new(jf, "label_nl", json_string(f->label_nl));
			json_object_set_new(jf, "label_en", json_string(f->label_en));
			json_object_set_new(jf, "kind", json_string(sw_kind_name(f->kind)));
			if (f->unit)
				json_object_set_new(jf, "unit", json_string(f->unit));
			if (f->has_min)
				json_object_set_new(jf, "min", json_real(f->min));
			if (f->has_max)
				json_object_set_new(jf, "max", json_real(f->max));
			json_object_set_new(jf, "required", json_boolean(f->required));
			if (f->help)
				json_object_set_new(jf, "help", json_string(f->help));
			for (size_t v = 0; v < f->nvalues; v++)
				json_array_append_new(vals, json_string(f->values[v]));
			json_object_set_new(jf, "values", vals);
			json_array_append_new(fields, jf);
		}
		json_object_set_new(t, "fields", fields);
		json_array_append_new(types, t);
	}
	for (size_t i = 0; i < forms->nstates; i++) {
		const struct sw_state_def *s = &forms->states[i];
		json_t *js = json_object();

		json_object_set_new(js, "name", json_string(s->name));
		json_object_set_new(js, "label_nl", json_string(s->label_nl));
		json_object_set_new(js, "label_en", json_string(s->label_en));
		json_object_set_new(js, "staff_only", json_boolean(s->staff_only));
		/* the page's legend draws the map's symbol of each status */
		if (s->color)
			json_object_set_new(js, "color", json_string(s->color));
		json_object_set_new(js, "fill", json_string(s->fill ? s->fill : "solid"));
		json_array_append_new(states, js);
	}
	json_object_set_new(o, "types", types);
	json_object_set_new(o, "statuses", states);
	return o;
}

/* A query parameter as a finite number. */
static bool query_num(const char *url, const char *name, double *out)
{
	const char *q = strchr(url, '?');
	size_t n = strlen(name);

	for (const char *p = q; p != NULL; p = strchr(p + 1, '&')) {
		if (strncmp(p + 1, name, n) == 0 && p[1 + n] == '=') {
			char *end;
			*out = strtod(p + 2 + n, &end);
			return end != p + 2 + n && (*end == '\0' || *end == '&') && isfinite(*out);
		}
	}
	return false;
}

static bool to_rd(double lat, double lon, double *x, double *y)
{
	struct sw_error err = {0};

	*x = lon;
	*y = lat;
	return sw_wgs84_in_nl(lon, lat) && sw_field_to_rd(lat, lon, x, y, &err) == SW_OK;
}

struct near_list {
	struct sw_serve *srv;
	json_t *arr;
	bool nl;
	double x, y;
};

static enum sw_status near_cb(const struct sw_point *p, void *ud)
{
	struct near_list *nlst = ud;
	json_t *o = sw_field_point_json(nlst->srv->store, nlst->srv->forms, p, false);

	if (o == NULL)
		return SW_ERR_NOMEM;
	json_object_set_new(o, "distance_m", json_real(hypot(p->x - nlst->x, p->y - nlst->y)));
	json_object_set_new(o, "verdict", sw_field_verdict(nlst->srv->store, nlst->srv->profile,
	                                                   nlst->srv->forms, p, nlst->nl));
	json_array_append_new(nlst->arr, o);
	return json_array_size(nlst->arr) >= 200 ? SW_ERR_NOTFOUND : SW_OK;
}

static void api_near(struct sw_serve *srv, const struct sw_serve_req *rq,
                     struct sw_serve_resp *rs)
{
	struct near_list nlst = {.srv = srv, .arr = json_array(), .nl = prefers_dutch(rq)};
	struct sw_filter f = {0};
	struct sw_error err = {0};
	double lat, lon, radius = 100;
	enum sw_status rc;

	if (!query_num(rq->url, "lat", &lat) || !query_num(rq->url, "lon", &lon) ||
	    !to_rd(lat, lon, &nlst.x, &nlst.y)) {
		json_decref(nlst.arr);
		resp_error(rs, 400, "lat, lon: expected a position in the Netherlands");
		return;
	}
	if (query_num(rq->url, "radius", &radius) && (radius <= 0 || radius > 5000)) {
		json_decref(nlst.arr);
		resp_error(rs, 400, "radius: expected metres from 1 to 5000");
		return;
	}
	f.has_near = true;
	f.near_x = nlst.x;
	f.near_y = nlst.y;
	f.radius = radius;
	rc = sw_store_query(srv->store, &f, near_cb, &nlst, &err);
	if (rc != SW_OK && rc != SW_ERR_NOTFOUND) {
		json_decref(nlst.arr);
		resp_error(rs, 500, err.msg);
		return;
	}
	resp_json(rs, 200, json_pack("{s:o}", "points", nlst.arr));
}

static void point_answer(struct sw_serve *srv, const struct sw_serve_req *rq, long long id,
                         int status, bool created, struct sw_serve_resp *rs)
{
	struct sw_point p;
	struct sw_error err = {0};
	char ref[32];
	json_t *o;

	sw_point_init(&p);
	snprintf(ref, sizeof ref, "%lld", id);
	if (sw_store_get(srv->store, ref, &p, &err) != SW_OK) {
		resp_error(rs, status_of(err.code), err.msg);
		return;
	}
	o = sw_field_point_json(srv->store, srv->forms, &p, true);
	if (o != NULL) {
		json_object_set_new(o, "verdict",
		                    sw_field_verdict(srv->store, srv->profile, srv->forms, &p,
		                                     prefers_dutch(rq)));
		json_object_set_new(o, "created", json_boolean(created));
	}
	sw_point_clear(&p);
	resp_json(rs, status, o);
}

/* The id of /api/points/ID[/...] or -1. */
static long long path_id(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long long id;

	if (strncmp(path, prefix, n) != 0 || !isdigit((unsigned char)path[n]))
		return -1;
	errno = 0;
	id = strtoll(path + n, &end, 10);
	if (errno != 0 || id <= 0 || (*end != '\0' && *end != '?'))
		return -1;
	return id;
}

static void api_photo(struct sw_serve *srv, long long id, struct sw_serve_resp *rs)
{
	void *data = NULL;
	size_t n = 0;
	char *type = NULL;
	struct sw_error err = {0};

	if (sw_store_photo_get(srv->store, id, &data, &n, &type, &err) != SW_OK) {
		resp_error(rs, status_of(err.code), err.msg);
		return;
	}
	rs->status = 200;
	rs->body = data;
	rs->nbody = n;
	/* one of the sniffed constant types */
	rs->content_type = sw_store_photo_sniff(data, n);
	free(type);
}

/* A PNG of the surroundings drawn by schouw's own map renderer from the
 * basemap in gis/ (no outside tile service), with its extent in a header so
 * the page can turn a tap into a position. */
static void api_map(struct sw_serve *srv, const struct sw_serve_req *rq,
                    struct sw_serve_resp *rs)
{
	struct sw_map_options o = {0};
	struct sw_map_result res = {0};
	struct sw_error err = {0};
	char dir[] = "/tmp/schouw-map-XXXXXX", out[64], style[4096], side[8];
	double lat, lon, x, y, radius = 60, w = 480;
	FILE *f;
	struct stat sb;

	if (!query_num(rq->url, "lat", &lat) || !query_num(rq->url, "lon", &lon) ||
	    !to_rd(lat, lon, &x, &y)) {
		resp_error(rs, 400, "lat, lon: expected a position in the Netherlands");
		return;
	}
	if (query_num(rq->url, "radius", &radius) && (radius < 10 || radius > 1000)) {
		resp_error(rs, 400, "radius: expected metres from 10 to 1000");
		return;
	}
	if (query_num(rq->url, "width", &w) && (w < 100 || w > 1200)) {
		resp_error(rs, 400, "width: expected 100 to 1200 pixels");
		return;
	}
	if (mkdtemp(dir) == NULL) {
		resp_error(rs, 500, "cannot make a temporary directory");
		return;
	}
	snprintf(out, sizeof out, "%s/map.png", dir);
	snprintf(style, sizeof style, "%s/basemap.ini", srv->gisdir);
	(void)side;
	o.out = out;
	o.extent = (struct sw_map_extent){true, x - radius, y - radius, x + radius, y + radius};
	o.width = o.height = (int)w;
	o.dpi = 96;
	o.by = SW_MAP_BY_STATUS;
	o.style_path = style;
	o.title = prefers_dutch(rq) ? "Omgeving" : "Surroundings";
	o.english = !prefers_dutch(rq);
	o.no_legend = true; /* the page shows the legend as text */
	o.forms = srv->forms;
	if (sw_map_render(srv->store, &o, &res, &err) != SW_OK) {
		resp_error(rs, status_of(err.code), err.msg);
	} else if ((f = fopen(out, "rb")) == NULL || fstat(fileno(f), &sb) != 0 ||
	           (rs->body = malloc((size_t)sb.st_size + 1)) == NULL ||
	           fread(rs->body, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		if (f)
			fclose(f);
		free(rs->body);
		rs->body = NULL;
		resp_error(rs, 500, "cannot read the map");
	} else {
		fclose(f);
		rs->status = 200;
		rs->nbody = (size_t)sb.st_size;
		rs->content_type = "image/png";
		rs->extra_name = strdup("X-Schouw-Extent");
		/* the image's extent, then the position asked for: not the image's
		 * centre, since the title band and the north arrow take room */
		if (asprintf(&rs->extra_value, "%.3f,%.3f,%.3f,%.3f,%.3f,%.3f", res.minx, res.miny,
		             res.maxx, res.maxy, x, y) < 0)
			rs->extra_value = NULL;
	}
	/* the renderer's files: the PNG and its sidecars */
	{
		static const char *const names[] = {"map.png", "map.pgw", "map.png.aux.xml"};
		char p[96];
		for (size_t i = 0; i < 3; i++) {
			snprintf(p, sizeof p, "%s/%s", dir, names[i]);
			unlink(p);
		}
		rmdir(dir);
	}
}

static json_t *parse_body(const struct sw_serve_req *rq, struct sw_serve_resp *rs)
{
	json_error_t je;
	json_t *o;

	if (rq->too_large) {
		resp_error(rs, 413, "the request is too large");
		return NULL;
	}
	o = json_loadb(rq->body ? rq->body : "", rq->nbody, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL || !json_is_object(o)) {
		char msg[256];
		snprintf(msg, sizeof msg, "bad JSON: %s", o ? "expected an object" : je.text);
		json_decref(o);
		resp_error(rs, 400, msg);
		return NULL;
	}
	return o;
}

void sw_serve_handle(struct sw_serve *srv, const struct sw_serve_req *rq,
                     struct sw_serve_resp *rs)
{
	const char *m = rq->method ? rq->method : "";
	const char *url = rq->url ? rq->url : "/";
	char path[256];
	size_t plen = strcspn(url, "?");
	struct sw_user u;
	struct sw_error err = {0};
	json_t *body = NULL;
	long long id;

	memset(rs, 0, sizeof *rs);
	if (plen >= sizeof path) {
		resp_error(rs, 414, "the address is too long");
		return;
	}
	memcpy(path, url, plen);
	path[plen] = '\0';

	if (strncmp(path, "/api/", 5) != 0) {
		if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) {
			resp_error(rs, 405, "method not allowed");
			return;
		}
		serve_file(srv, strcmp(path, "/") == 0 ? "index.html" : path + 1, rs);
		return;
	}
	if (strcmp(path, "/api/signin") == 0) {
		if (strcmp(m, "POST") != 0) {
			resp_error(rs, 405, "method not allowed");
			return;
		}
		if ((body = parse_body(rq, rs)) != NULL)
			api_signin(srv, rq, body, rs);
		json_decref(body);
		return;
	}
	if (strcmp(path, "/api/signout") == 0 && strcmp(m, "POST") == 0) {
		char sid[64];
		struct sw_session *s;
		if (rq->cookie && cookie_value(rq->cookie, "sid", sid, sizeof sid) &&
		    (s = session_find(srv, sid)) != NULL)
			s->expires = 0;
		rs->set_cookie = strdup("sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
		resp_json(rs, 200, json_pack("{s:b}", "signed_out", 1));
		return;
	}
	if (!authenticate(srv, rq, &u)) {
		resp_error(rs, 401, "sign in first (with the link from your QR code)");
		return;
	}
	if (strcmp(path, "/api/me") == 0 && strcmp(m, "GET") == 0) {
		resp_json(rs, 200,
		          json_pack("{s:s, s:s, s:f, s:s?}", "name", u.name, "role", u.role,
		                    "accuracy_threshold_m", srv->accuracy_threshold, "profile",
		                    srv->profile ? srv->profile->name : NULL));
	} else if (strcmp(path, "/api/forms") == 0 && strcmp(m, "GET") == 0) {
		resp_json(rs, 200, forms_json(srv->forms));
	} else if (strcmp(path, "/api/points") == 0 && strcmp(m, "GET") == 0) {
		api_near(srv, rq, rs);
	} else if (strcmp(path, "/api/points") == 0 && strcmp(m, "POST") == 0) {
		long long pid = 0;
		bool created = false;

		if ((body = parse_body(rq, rs)) == NULL)
			return;
		if (strcmp(u.role, "staff") != 0 && sw_field_staff_status(srv->forms, body)) {
			resp_error(rs, 403, "only staff may set this status");
		} else if (sw_field_log(srv->store, srv->forms, body, u.name, &pid, &created,
		                        &err) != SW_OK) {
			resp_error(rs, err.code == SW_ERR_INPUT ? (strstr(err.msg, "uuid: belongs") ? 409 : 400)
			                                        : status_of(err.code),
			           err.msg);
		} else {
			point_answer(srv, rq, pid, created ? 201 : 200, created, rs);
		}
	} else if ((id = path_id(path, "/api/points/")) > 0 && strcmp(m, "GET") == 0) {
		point_answer(srv, rq, id, 200, false, rs);
	} else if ((id = path_id(path, "/api/points/")) > 0 &&
	           (strcmp(m, "PATCH") == 0 || strcmp(m, "PUT") == 0)) {
		bool forbidden = false;

		if ((body = parse_body(rq, rs)) == NULL)
			return;
		if (sw_field_edit(srv->store, srv->forms, id, body, &u, &forbidden, &err) != SW_OK)
			resp_error(rs, forbidden ? 403 : status_of(err.code), err.msg);
		else
			point_answer(srv, rq, id, 200, false, rs);
	} else if ((id = path_id(path, "/api/photos/")) > 0 && strcmp(m, "GET") == 0) {
		api_photo(srv, id, rs);
	} else if (strcmp(path, "/api/map.png") == 0 && strcmp(m, "GET") == 0) {
		api_map(srv, rq, rs);
	} else {
		resp_error(rs, 404, "no such API call");
	}
	json_decref(body);
}
