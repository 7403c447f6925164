/* field.c - field work shared by the CLI and the field server: photo files,
 * sign-in tokens, logging and editing a point from JSON, the verdict in
 * plain words and a point as JSON (see field.h). */
#include "schouw/field.h"

#include <errno.h>
#include <math.h>
#include <nettle/base64.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qrencode.h>
#include <sys/random.h>

#include "schouw/check.h"
#include "schouw/crs.h"
#include "schouw/i18n.h"
#include "schouw/num.h"
#include "schouw/photo.h"
#include "schouw/render.h"
#include "schouw/utf8.h"

#define TEXT_MAX 4000

enum sw_status sw_field_read_photo(const char *path, void **data, size_t *n,
                                   struct sw_error *err)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t got;
	enum sw_status rc = SW_OK;

	*data = NULL;
	*n = 0;
	if (f == NULL)
		return sw_error_set(err, errno == ENOENT ? SW_ERR_NOTFOUND : SW_ERR_IO,
		                    _("%s: cannot open: %s"), path, strerror(errno));
	buf = malloc(SW_PHOTO_MAX_BYTES + 1);
	if (buf == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	got = fread(buf, 1, SW_PHOTO_MAX_BYTES + 1, f);
	if (ferror(f)) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: read error: %s"), path, strerror(errno));
		goto out;
	}
	if (got > SW_PHOTO_MAX_BYTES) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s: larger than %u bytes, the most a photo may have"),
		                  path, SW_PHOTO_MAX_BYTES);
		goto out;
	}
	if (sw_store_photo_sniff(buf, got) == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: not a photo: expected a JPEG, PNG, WebP or HEIC image"), path);
		goto out;
	}
	*data = buf;
	*n = got;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return rc;
}

void sw_field_token_hash(const char *token, char hash[65])
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	static const char digits[] = "0123456789abcdef";

	sha256_init(&ctx);
	sha256_update(&ctx, strlen(token), (const uint8_t *)token);
	sha256_digest(&ctx, sizeof d, d);
	for (size_t i = 0; i < sizeof d; i++) {
		hash[2 * i] = digits[d[i] >> 4];
		hash[2 * i + 1] = digits[d[i] & 15];
	}
	hash[64] = '\0';
}

enum sw_status sw_field_token_new(char token[44], char hash[65], struct sw_error *err)
{
	uint8_t raw[32];
	char b64[BASE64_ENCODE_RAW_LENGTH(32) + 1];
	size_t k = 0;

	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		return sw_error_set(err, SW_ERR_IO, _("no random numbers: %s"), strerror(errno));
	base64_encode_raw(b64, sizeof raw, raw);
	/* base64url: safe in a link without escaping */
	for (size_t i = 0; i < BASE64_ENCODE_RAW_LENGTH(32) && k < 43; i++)
		if (b64[i] != '=')
			token[k++] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	token[k] = '\0';
	sw_field_token_hash(token, hash);
	return SW_OK;
}

/* ---- JSON to point ---- */

static enum sw_status text_member(char **member, const char *what, const json_t *v,
                                  struct sw_error *err)
{
	const char *t;
	size_t len;

	if (json_is_null(v))
		return sw_point_set_str(member, NULL, err);
	if (!json_is_string(v))
		return sw_error_set(err, SW_ERR_INPUT, _("%s: expected text"), what);
	t = json_string_value(v);
	len = json_string_length(v);
	if (len > TEXT_MAX || strlen(t) != len)
		return sw_error_set(err, SW_ERR_INPUT, _("%s: text longer than %d bytes or with NUL"),
		                    what, TEXT_MAX);
	for (const unsigned char *c = (const unsigned char *)t; *c; c++)
		if ((*c < 0x20 && *c != '\t' && *c != '\n') || *c == 0x7f)
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s: control character 0x%02x is not allowed"), what, *c);
	return sw_point_set_str(member, len ? t : NULL, err);
}

static bool get_number(const json_t *v, double *d)
{
	if (!json_is_number(v))
		return false;
	*d = json_number_value(v);
	return isfinite(*d);
}

/* A measurement from JSON: numbers, bools and texts through the same parser
 * as the CLI's --set, so the checks are the same. */
static enum sw_status set_field(const struct sw_form *form, struct sw_point *p, const char *name,
                                const json_t *v, struct sw_error *err)
{
	const struct sw_field *f = sw_form_field_or_error(form, name, err);
	struct sw_value val = {0};
	char buf[SW_NUM_BUF + 8];
	const char *text;
	enum sw_status rc;

	if (f == NULL)
		return SW_ERR_INPUT;
	if (json_is_null(v))
		return sw_point_set_attr(p, f->name, &val, err);
	if (json_is_true(v) || json_is_false(v)) {
		text = json_is_true(v) ? "true" : "false";
	} else if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		text = buf;
	} else if (json_is_real(v)) {
		sw_num_format_json(json_real_value(v), buf);
		text = buf;
	} else if (json_is_string(v)) {
		text = json_string_value(v);
		if (strlen(text) != json_string_length(v))
			return sw_error_set(err, SW_ERR_INPUT, _("%s: text with NUL"), name);
	} else {
		return sw_error_set(err, SW_ERR_INPUT, _("%s: expected a number, yes/no or text"),
		                    name);
	}
	rc = sw_field_parse(f, text, &val, err);
	if (rc == SW_OK)
		rc = sw_point_set_attr(p, f->name, &val, err);
	sw_value_clear(&val);
	return rc;
}

/* WGS84 <-> RD New for single positions. Making a PROJ transformation
 * looks the operation up in proj.db (~50 ms), which was nearly all of a
 * request's time in the field server: each direction is made once per
 * process and kept, used under a lock (a PJ is not shareable between
 * threads at once). */
static pthread_mutex_t crs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sw_crs *crs_cache[2]; /* [0] WGS84 -> RD, [1] RD -> WGS84; kept for the process */

static enum sw_status cached_trans(int dir, double *x, double *y, struct sw_error *err)
{
	enum sw_status rc = SW_OK;

	pthread_mutex_lock(&crs_lock);
	if (crs_cache[dir] == NULL)
		rc = dir == 0 ? sw_crs_new(SW_CRS_WGS84, SW_CRS_RD, &crs_cache[dir], err)
		              : sw_crs_new(SW_CRS_RD, SW_CRS_WGS84, &crs_cache[dir], err);
	if (rc == SW_OK)
		rc = sw_crs_trans(crs_cache[dir], x, y, 1, NULL, err);
	pthread_mutex_unlock(&crs_lock);
	return rc;
}

enum sw_status sw_field_to_rd(double lat, double lon, double *x, double *y, struct sw_error *err)
{
	*x = lon;
	*y = lat;
	return cached_trans(0, x, y, err);
}

enum sw_status sw_field_to_wgs84(double x, double y, double *lat, double *lon,
                                 struct sw_error *err)
{
	*lon = x;
	*lat = y;
	return cached_trans(1, lon, lat, err);
}

static enum sw_status rd_check(double x, double y, struct sw_error *err)
{
	if (sw_rd_in_nl(x, y))
		return SW_OK;
	return sw_error_set(err, SW_ERR_INPUT,
	                    _("position x=%.3f y=%.3f lies outside the Netherlands"), x, y);
}

/* Position from "lat"/"lon" (WGS84) or "x"/"y" (RD New), when present. */
static enum sw_status set_position(struct sw_point *p, const json_t *o, bool required,
                                   struct sw_error *err)
{
	const json_t *lat = json_object_get(o, "lat"), *lon = json_object_get(o, "lon");
	const json_t *jx = json_object_get(o, "x"), *jy = json_object_get(o, "y");
	double a, b;
	enum sw_status rc;

	if (lat != NULL || lon != NULL) {
		if (!get_number(lat, &a) || !get_number(lon, &b))
			return sw_error_set(err, SW_ERR_INPUT, _("lat, lon: expected two numbers"));
		if (!sw_wgs84_in_nl(b, a))
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("lat %.7f lon %.7f lies outside the Netherlands"), a, b);
		double x, y;

		rc = sw_field_to_rd(a, b, &x, &y, err);
		if (rc == SW_OK)
			rc = rd_check(x, y, err);
		if (rc == SW_OK) {
			p->x = x;
			p->y = y;
		}
		return rc;
	}
	if (jx != NULL || jy != NULL) {
		if (!get_number(jx, &a) || !get_number(jy, &b))
			return sw_error_set(err, SW_ERR_INPUT, _("x, y: expected two numbers"));
		rc = rd_check(a, b, err);
		if (rc == SW_OK) {
			p->x = a;
			p->y = b;
		}
		return rc;
	}
	if (required)
		return sw_error_set(err, SW_ERR_INPUT, _("missing position: lat and lon, or x and y"));
	return SW_OK;
}

/* The members every request may set; the rest must be known names. */
static enum sw_status apply(const struct sw_forms *forms, struct sw_point *p, const json_t *o,
                            bool creating, struct sw_error *err)
{
	const struct sw_form *form = sw_forms_find(forms, p->type);
	const char *key;
	json_t *v;
	enum sw_status rc = SW_OK;
	static const char *const known[] = {"uuid", "type", "status", "lat",    "lon",   "x",
	                                    "y",    "note", "fields", "photos", "accuracy_m",
	                                    "observed_at"};

	json_object_foreach((json_t *)o, key, v)
	{
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok = ok || strcmp(key, known[i]) == 0;
		if (!ok)
			return sw_error_set(err, SW_ERR_INPUT, _("unknown member '%s'"), key);
	}
	if ((v = json_object_get(o, "status")) != NULL) {
		if (!json_is_string(v))
			return sw_error_set(err, SW_ERR_INPUT, _("status: expected text"));
		rc = sw_forms_check_state(forms, json_string_value(v), err);
		if (rc == SW_OK)
			rc = sw_point_set_str(&p->status, json_string_value(v), err);
	}
	if (rc == SW_OK && (v = json_object_get(o, "note")) != NULL)
		rc = text_member(&p->note, "note", v, err);
	if (rc == SW_OK && (v = json_object_get(o, "observed_at")) != NULL) {
		if (!json_is_string(v) || !sw_iso8601_valid(json_string_value(v)))
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("observed_at: expected an ISO 8601 time with zone"));
		else
			rc = sw_point_set_str(&p->observed_at, json_string_value(v), err);
	}
	if (rc == SW_OK && (v = json_object_get(o, "accuracy_m")) != NULL) {
		double d;
		if (json_is_null(v))
			p->gps_accuracy_m = NAN;
		else if (!get_number(v, &d) || d < 0 || d > 100000)
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("accuracy_m: expected metres from 0 to 100000"));
		else
			p->gps_accuracy_m = d;
	}
	if (rc == SW_OK)
		rc = set_position(p, o, creating, err);
	if (rc == SW_OK && (v = json_object_get(o, "fields")) != NULL) {
		json_t *fv;
		if (!json_is_object(v))
			return sw_error_set(err, SW_ERR_INPUT, _("fields: expected an object"));
		json_object_foreach(v, key, fv)
		{
			rc = set_field(form, p, key, fv, err);
			if (rc != SW_OK)
				break;
		}
	}
	if (rc == SW_OK)
		rc = sw_form_validate(forms, p, err);
	return rc;
}

/* Decode the "photos" array of base64 texts (checked before anything is
 * written). Caller frees with free_photos. */
static enum sw_status decode_photos(const json_t *o, struct sw_field_photo **out, size_t *n,
                                    struct sw_error *err)
{
	const json_t *a = json_object_get(o, "photos");
	struct sw_field_photo *ph = NULL;
	size_t i;
	json_t *v;

	*out = NULL;
	*n = 0;
	if (a == NULL || json_is_null(a))
		return SW_OK;
	if (!json_is_array(a) || json_array_size(a) > 20)
		return sw_error_set(err, SW_ERR_INPUT, _("photos: expected a list of at most 20"));
	ph = calloc(json_array_size(a) + 1, sizeof *ph);
	if (ph == NULL)
		return sw_error_nomem(err);
	json_array_foreach(a, i, v)
	{
		struct base64_decode_ctx ctx;
		const char *t = json_is_string(v) ? json_string_value(v) : NULL;
		size_t len = t ? json_string_length(v) : 0, got;
		const char *comma;

		/* a data: URL is fine too */
		if (t != NULL && strncmp(t, "data:", 5) == 0 && (comma = strchr(t, ',')) != NULL) {
			len -= (size_t)(comma + 1 - t);
			t = comma + 1;
		}
		if (t == NULL || len == 0 || len > BASE64_ENCODE_LENGTH(SW_PHOTO_MAX_BYTES) + 4)
			goto bad;
		ph[i].data = malloc(BASE64_DECODE_LENGTH(len));
		if (ph[i].data == NULL)
			goto nomem;
		base64_decode_init(&ctx);
		got = BASE64_DECODE_LENGTH(len);
		if (!base64_decode_update(&ctx, &got, ph[i].data, len, t) || !base64_decode_final(&ctx))
			goto bad;
		ph[i].n = got;
		if (got > SW_PHOTO_MAX_BYTES || sw_store_photo_sniff(ph[i].data, got) == NULL)
			goto bad;
	}
	*out = ph;
	*n = json_array_size(a);
	return SW_OK;
bad:
	for (size_t k = 0; k <= i && k < json_array_size(a); k++)
		free(ph[k].data);
	free(ph);
	return sw_error_set(err, SW_ERR_INPUT,
	                    _("photos[%zu]: expected a base64 JPEG, PNG, WebP or HEIC image of at "
	                      "most %u bytes"),
	                    i, SW_PHOTO_MAX_BYTES);
nomem:
	for (size_t k = 0; k < i; k++)
		free(ph[k].data);
	free(ph);
	return sw_error_nomem(err);
}

static void free_photos(struct sw_field_photo *ph, size_t n)
{
	for (size_t i = 0; ph != NULL && i < n; i++)
		free(ph[i].data);
	free(ph);
}

static enum sw_status add_photos(struct sw_store *s, long long id, struct sw_field_photo *ph,
                                 size_t n, const char *who, struct sw_error *err)
{
	enum sw_status rc = SW_OK;

	for (size_t i = 0; rc == SW_OK && i < n; i++)
		rc = sw_store_photo_add(s, id, ph[i].data, ph[i].n, who, NULL, err);
	return rc;
}

enum sw_status sw_field_log(struct sw_store *s, const struct sw_forms *forms, const json_t *o,
                            const char *who, long long *id, bool *created, struct sw_error *err)
{
	struct sw_point p, old;
	struct sw_field_photo *ph = NULL;
	size_t nph = 0;
	const json_t *v;
	char now[32];
	enum sw_status rc;

	sw_point_init(&p);
	sw_point_init(&old);
	*created = false;
	if (!json_is_object(o)) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("expected a JSON object"));
		goto out;
	}
	v = json_object_get(o, "uuid");
	if (!json_is_string(v) || !sw_uuid_valid(json_string_value(v))) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("uuid: expected the point's UUID"));
		goto out;
	}
	memcpy(p.uuid, json_string_value(v), SW_UUID_LEN + 1);
	/* a resend of a point already stored: its answer again, nothing written */
	rc = sw_store_get_by_uuid(s, p.uuid, &old, err);
	if (rc == SW_OK) {
		if (old.surveyor == NULL || strcmp(old.surveyor, who) != 0) {
			rc = sw_error_set(err, SW_ERR_INPUT, _("uuid: belongs to another point"));
			goto out;
		}
		*id = old.id;
		goto out;
	}
	if (rc != SW_ERR_NOTFOUND)
		goto out;
	v = json_object_get(o, "type");
	if (!json_is_string(v) || sw_forms_find_or_error(forms, json_string_value(v), err) == NULL) {
		rc = json_is_string(v) ? SW_ERR_INPUT
		                       : sw_error_set(err, SW_ERR_INPUT, _("type: expected text"));
		goto out;
	}
	rc = sw_point_set_str(&p.type, json_string_value(v), err);
	if (rc == SW_OK)
		rc = sw_point_set_str(&p.status, "planned", err);
	if (rc == SW_OK)
		rc = sw_point_set_str(&p.surveyor, who, err);
	sw_now_iso(now, sizeof now);
	if (rc == SW_OK)
		rc = sw_point_set_str(&p.observed_at, now, err);
	if (rc == SW_OK)
		rc = apply(forms, &p, o, true, err);
	if (rc == SW_OK)
		rc = decode_photos(o, &ph, &nph, err);
	if (rc != SW_OK)
		goto out;
	/* the point and its photos: one transaction, all or nothing */
	rc = sw_store_begin(s, err);
	if (rc != SW_OK)
		goto out;
	rc = sw_store_insert(s, &p, who, err);
	if (rc == SW_OK)
		rc = add_photos(s, p.id, ph, nph, who, err);
	if (rc == SW_OK)
		rc = sw_store_commit(s, err);
	else
		sw_store_rollback(s);
	if (rc == SW_OK) {
		*id = p.id;
		*created = true;
	}
out:
	free_photos(ph, nph);
	sw_point_clear(&p);
	sw_point_clear(&old);
	return rc;
}

bool sw_field_staff_status(const struct sw_forms *forms, const json_t *o)
{
	const json_t *v = json_object_get(o, "status");
	const struct sw_state_def *st =
	    json_is_string(v) ? sw_forms_state(forms, json_string_value(v)) : NULL;

	return st != NULL && st->staff_only;
}

enum sw_status sw_field_edit(struct sw_store *s, const struct sw_forms *forms, long long id,
                             const json_t *o, const struct sw_user *u, bool *forbidden,
                             struct sw_error *err)
{
	struct sw_point p;
	struct sw_field_photo *ph = NULL;
	size_t nph = 0;
	char ref[32];
	bool staff = strcmp(u->role, "staff") == 0;
	enum sw_status rc;

	*forbidden = false;
	sw_point_init(&p);
	if (!json_is_object(o)) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("expected a JSON object"));
		goto out;
	}
	snprintf(ref, sizeof ref, "%lld", id);
	rc = sw_store_get(s, ref, &p, err);
	if (rc != SW_OK)
		goto out;
	if (!staff && (p.surveyor == NULL || strcmp(p.surveyor, u->name) != 0)) {
		*forbidden = true;
		rc = sw_error_set(err, SW_ERR_INPUT, _("only staff may change another surveyor's point"));
		goto out;
	}
	if (!staff && sw_field_staff_status(forms, o)) {
		*forbidden = true;
		rc = sw_error_set(err, SW_ERR_INPUT, _("only staff may set the status '%s'"),
		                  json_string_value(json_object_get(o, "status")));
		goto out;
	}
	if (json_object_get(o, "uuid") != NULL || json_object_get(o, "type") != NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("uuid and type cannot be changed"));
		goto out;
	}
	rc = apply(forms, &p, o, false, err);
	if (rc == SW_OK)
		rc = decode_photos(o, &ph, &nph, err);
	if (rc != SW_OK)
		goto out;
	rc = sw_store_begin(s, err);
	if (rc != SW_OK)
		goto out;
	rc = sw_store_update(s, &p, u->name, NULL, err);
	if (rc == SW_OK)
		rc = add_photos(s, p.id, ph, nph, u->name, err);
	if (rc == SW_OK)
		rc = sw_store_commit(s, err);
	else
		sw_store_rollback(s);
out:
	free_photos(ph, nph);
	sw_point_clear(&p);
	return rc;
}

/* ---- verdict in words ---- */

static void decimal_comma(char *s)
{
	for (; *s; s++)
		if (*s == '.' && s[1] >= '0' && s[1] <= '9')
			*s = ',';
}

static const char *op_words(enum sw_norm_op op, bool nl)
{
	switch (op) {
	case SW_NOP_LE:
		return nl ? "hoogstens" : "at most";
	case SW_NOP_GE:
		return nl ? "minstens" : "at least";
	case SW_NOP_LT:
		return nl ? "minder dan" : "less than";
	case SW_NOP_GT:
		return nl ? "meer dan" : "more than";
	default:
		return NULL;
	}
}

json_t *sw_field_verdict(struct sw_store *s, const struct sw_profile *prof,
                         const struct sw_forms *forms, const struct sw_point *p, bool nl)
{
	json_t *o = json_object(), *list = json_array();
	struct sw_verdict v = {0};
	struct sw_check_near *near = NULL;
	struct sw_error err = {0};
	const struct sw_form *form = sw_forms_find(forms, p->type);

	if (o == NULL || list == NULL)
		goto fail;
	json_object_set_new(o, "findings", list);
	if (prof == NULL || sw_verdict_init(&v, prof, &err) != SW_OK ||
	    sw_check_near_open(s, &near, &err) != SW_OK ||
	    sw_norm_check_point(prof, p, sw_check_near_fn, near, &v, &err) != SW_OK) {
		json_object_set_new(o, "outcome", json_null());
		json_object_set_new(o, "summary", json_string(nl ? "geen oordeel mogelijk"
		                                                 : "no verdict possible"));
		goto out;
	}
	json_object_set_new(o, "profile", json_string(prof->name));
	json_object_set_new(o, "outcome", json_string(sw_outcome_name(v.outcome)));
	for (size_t i = 0; i < v.nfindings; i++) {
		const struct sw_finding *fd = &v.findings[i];
		const struct sw_rule *r = fd->rule;
		const struct sw_field *f = form ? sw_form_field(form, r->field) : NULL;
		const char *label = f ? (nl ? f->label_nl : f->label_en) : r->field;
		const char *msg = nl ? (r->message_nl ? r->message_nl : r->message_en)
		                     : (r->message_en ? r->message_en : r->message_nl);
		const char *words = op_words(r->op, nl);
		char m[96], lim[256], text[1024];
		json_t *jf = json_object();

		if (jf == NULL)
			goto fail;
		if (fd->outcome == SW_OUT_INCOMPLETE) {
			const struct sw_field *mf = form ? sw_form_field(form, fd->missing) : NULL;
			snprintf(text, sizeof text, nl ? "%s nog niet gemeten" : "%s not measured yet",
			         mf ? (nl ? mf->label_nl : mf->label_en) : fd->missing);
		} else {
			sw_finding_measured(fd, m, sizeof m);
			if (words != NULL) {
				char a[64];
				sw_unit_format(r->unit, r->lo, a, sizeof a);
				snprintf(lim, sizeof lim, "%s %s", words, a);
			} else {
				sw_rule_limit_text(r, lim, sizeof lim);
			}
			if (nl) {
				decimal_comma(m);
				decimal_comma(lim);
			}
			snprintf(text, sizeof text, "%s %s — %s %s %s", label, m, lim,
			         nl ? "volgens" : "according to", prof->name);
		}
		json_object_set_new(jf, "rule", json_string(r->id));
		json_object_set_new(jf, "outcome", json_string(sw_outcome_name(fd->outcome)));
		json_object_set_new(jf, "severity", json_string(sw_severity_name(r->severity)));
		json_object_set_new(jf, "text", json_string(text));
		if (msg != NULL)
			json_object_set_new(jf, "message", json_string(msg));
		if (r->source != NULL)
			json_object_set_new(jf, "source", json_string(r->source));
		json_array_append_new(list, jf);
	}
	{
		const char *sum;
		switch (v.outcome) {
		case SW_OUT_PASS:
			sum = v.nrules == 0 ? (nl ? "geen regels voor dit type" : "no rules for this type")
			                    : (nl ? "voldoet" : "meets the norm");
			break;
		case SW_OUT_FAIL:
			sum = nl ? "voldoet niet" : "does not meet the norm";
			break;
		default:
			sum = nl ? "onvolledig: meet nog" : "incomplete: still to measure";
			break;
		}
		json_object_set_new(o, "summary", json_string(sum));
	}
	goto out;
fail:
	json_decref(o);
	o = NULL;
out:
	sw_check_near_close(near);
	sw_verdict_clear(&v);
	return o;
}

/* ---- a point as JSON ---- */

static json_t *value_json(const struct sw_value *v, enum sw_kind kind)
{
	switch (v->t) {
	case SW_V_REAL:
		return json_real(v->r);
	case SW_V_INT:
		return kind == SW_KIND_BOOL ? json_boolean(v->i) : json_integer(v->i);
	case SW_V_TEXT:
		return json_string(v->s);
	default:
		return json_null();
	}
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static enum sw_status photo_json(const struct sw_photo *ph, void *ud)
{
	json_t *o = json_object();

	if (o == NULL)
		return SW_ERR_NOMEM;
	json_object_set_new(o, "id", json_integer(ph->id));
	json_object_set_new(o, "content_type", json_string(ph->content_type));
	json_object_set_new(o, "bytes", json_integer(ph->bytes));
	json_object_set_new(o, "sha256", json_string(ph->sha256));
	json_array_append_new(ud, o);
	return SW_OK;
}

json_t *sw_field_photos_json(struct sw_store *s, long long point_id, struct sw_error *err)
{
	json_t *photos = json_array();
	enum sw_status rc;

	if (photos == NULL) {
		sw_error_nomem(err);
		return NULL;
	}
	rc = sw_store_photo_list(s, point_id, photo_json, photos, err);
	if (rc != SW_OK) {
		if (rc == SW_ERR_NOMEM)
			sw_error_nomem(err);
		json_decref(photos);
		return NULL;
	}
	return photos;
}

static enum sw_status history_json(const struct sw_history_row *h, void *ud)
{
	json_t *o = json_object();

	if (o == NULL)
		return SW_ERR_NOMEM;
	json_object_set_new(o, "action", json_string(h->action));
	json_object_set_new(o, "field", str_or_null(h->field));
	json_object_set_new(o, "old", str_or_null(h->old_value));
	json_object_set_new(o, "new", str_or_null(h->new_value));
	json_object_set_new(o, "who", str_or_null(h->who));
	json_object_set_new(o, "at", str_or_null(h->at));
	json_array_append_new(ud, o);
	return SW_OK;
}

json_t *sw_field_point_json(struct sw_store *s, const struct sw_forms *forms,
                            const struct sw_point *p, bool history)
{
	const struct sw_form *form = sw_forms_find(forms, p->type);
	json_t *o = json_object(), *fields = json_array(), *photos = json_array();
	struct sw_error err = {0};
	double lon = p->x, lat = p->y;

	if (o == NULL || fields == NULL || photos == NULL)
		goto fail;
	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "uuid", json_string(p->uuid));
	json_object_set_new(o, "type", str_or_null(p->type));
	if (form != NULL) {
		json_object_set_new(o, "type_label_nl", json_string(form->label_nl));
		json_object_set_new(o, "type_label_en", json_string(form->label_en));
	}
	json_object_set_new(o, "status", str_or_null(p->status));
	json_object_set_new(o, "x", json_real(p->x));
	json_object_set_new(o, "y", json_real(p->y));
	if (sw_field_to_wgs84(p->x, p->y, &lat, &lon, &err) == SW_OK) {
		json_object_set_new(o, "lat", json_real(lat));
		json_object_set_new(o, "lon", json_real(lon));
	}
	json_object_set_new(o, "surveyor", str_or_null(p->surveyor));
	json_object_set_new(o, "observed_at", str_or_null(p->observed_at));
	json_object_set_new(o, "accuracy_m",
	                    isnan(p->gps_accuracy_m) ? json_null() : json_real(p->gps_accuracy_m));
	json_object_set_new(o, "note", str_or_null(p->note));
	json_object_set_new(o, "updated_at", str_or_null(p->updated_at));
	for (size_t i = 0; form != NULL && i < form->nfields; i++) {
		const struct sw_field *f = &form->fields[i];
		const struct sw_value *v = sw_point_get_attr(p, f->name);
		json_t *jf = json_object();

		if (jf == NULL)
			goto fail;
		json_object_set_new(jf, "name", json_string(f->name));
		json_object_set_new(jf, "label_nl", json_string(f->label_nl));
		json_object_set_new(jf, "label_en", json_string(f->label_en));
		json_object_set_new(jf, "unit", str_or_null(f->unit));
		json_object_set_new(jf, "value", v ? value_json(v, f->kind) : json_null());
		json_array_append_new(fields, jf);
	}
	json_object_set_new(o, "fields", fields);
	fields = NULL;
	sw_store_photo_list(s, p->id, photo_json, photos, &err);
	json_object_set_new(o, "photos", photos);
	photos = NULL;
	if (history) {
		json_t *h = json_array();
		if (h == NULL)
			goto fail;
		sw_store_history(s, p->uuid, history_json, h, &err);
		json_object_set_new(o, "history", h);
	}
	return o;
fail:
	json_decref(fields);
	json_decref(photos);
	json_decref(o);
	return NULL;
}

/* ---- QR codes ---- */

static QRcode *qr_encode(const char *text)
{
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

char *sw_field_qr_text(const char *text)
{
	QRcode *q = qr_encode(text);
	char *out = NULL, *w;
	int n, quiet = 2, size;

	if (q == NULL)
		return NULL;
	n = q->width;
	size = n + 2 * quiet;
	/* two module rows per line, up to 3 bytes a column, and a newline */
	out = malloc((size_t)((size + 1) / 2) * ((size_t)size * 3 + 1) + 1);
	if (out == NULL)
		goto out;
	w = out;
	for (int y = 0; y < size; y += 2) {
		for (int x = 0; x < size; x++) {
			int mx = x - quiet, my = y - quiet;
			bool top = mx >= 0 && mx < n && my >= 0 && my < n && (q->data[my * n + mx] & 1);
			bool bot = mx >= 0 && mx < n && my + 1 >= 0 && my + 1 < n &&
			           (q->data[(my + 1) * n + mx] & 1);
			/* light background: print the light parts as blocks */
			const char *c = !top && !bot ? "\xe2\x96\x88" /* full */
			                : !top       ? "\xe2\x96\x80" /* upper half */
			                : !bot       ? "\xe2\x96\x84" /* lower half */
			                             : " ";
			size_t len = strlen(c);
			memcpy(w, c, len);
			w += len;
		}
		*w++ = '\n';
	}
	*w = '\0';
out:
	QRcode_free(q);
	return out;
}

enum sw_status sw_field_qr_png(const char *text, const char *path, struct sw_error *err)
{
	QRcode *q = qr_encode(text);
	struct sw_canvas *c = NULL;
	const int px = 8, quiet = 4;
	struct sw_rgb black = {0, 0, 0}, white = {1, 1, 1};
	enum sw_status rc;
	int n;

	if (q == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, _("cannot make a QR code: %s"),
		                    strerror(errno));
	n = q->width;
	rc = sw_canvas_open_image((n + 2 * quiet) * px, (n + 2 * quiet) * px, 96, &c, err);
	if (rc != SW_OK)
		goto out;
	sw_canvas_rect(c, 0, 0, (n + 2 * quiet) * px, (n + 2 * quiet) * px);
	sw_canvas_fill(c, white, 1, false);
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n; x++)
			if (q->data[y * n + x] & 1)
				sw_canvas_rect(c, (x + quiet) * px, (y + quiet) * px, px, px);
	sw_canvas_fill(c, black, 1, false);
	rc = sw_canvas_finish(c, err);
	if (rc == SW_OK)
		rc = sw_png_write(c, path, NULL, 0, err);
out:
	sw_canvas_free(c);
	QRcode_free(q);
	return rc;
}
