/* point.c - the point model: init, copy, attributes, UUIDs, timestamps, values. */
#include "schouw/point.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>

#include "schouw/date.h"
#include "schouw/i18n.h"
#include "schouw/num.h"

/* Room in p->attrs for n measurements: a power of two from 4, so adding
 * them one by one reallocates rarely. Every allocation of attrs holds at
 * least attr_cap(nattrs); removing one keeps the array. */
static size_t attr_cap(size_t n)
{
	size_t c = 4;

	if (n == 0)
		return 0;
	while (c < n)
		c *= 2;
	return c;
}

void sw_point_init(struct sw_point *p)
{
	if (p == NULL)
		return;
	memset(p, 0, sizeof *p);
	p->gps_accuracy_m = NAN;
}

void sw_point_clear(struct sw_point *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->type);
	free(p->status);
	free(p->surveyor);
	free(p->observed_at);
	free(p->note);
	free(p->created_at);
	free(p->updated_at);
	for (i = 0; i < p->nattrs; i++) {
		free(p->attrs[i].name);
		sw_value_clear(&p->attrs[i].v);
	}
	free(p->attrs);
	sw_point_init(p);
}

enum sw_status sw_point_copy(struct sw_point *dst, const struct sw_point *src, struct sw_error *err)
{
	enum sw_status rc = SW_OK;
	size_t i;

	if (dst == src)
		return SW_OK;
	sw_point_clear(dst);
	if (src == NULL)
		return SW_OK;
	dst->id = src->id;
	memcpy(dst->uuid, src->uuid, sizeof dst->uuid);
	dst->x = src->x;
	dst->y = src->y;
	dst->gps_accuracy_m = src->gps_accuracy_m;
	if ((rc = sw_point_set_str(&dst->type, src->type, err)) != SW_OK ||
	    (rc = sw_point_set_str(&dst->status, src->status, err)) != SW_OK ||
	    (rc = sw_point_set_str(&dst->surveyor, src->surveyor, err)) != SW_OK ||
	    (rc = sw_point_set_str(&dst->observed_at, src->observed_at, err)) != SW_OK ||
	    (rc = sw_point_set_str(&dst->note, src->note, err)) != SW_OK ||
	    (rc = sw_point_set_str(&dst->created_at, src->created_at, err)) != SW_OK ||
	    (rc = sw_point_set_str(&dst->updated_at, src->updated_at, err)) != SW_OK)
		goto out;
	if (src->nattrs > 0) {
		dst->attrs = calloc(attr_cap(src->nattrs), sizeof *dst->attrs);
		if (dst->attrs == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
		for (i = 0; i < src->nattrs; i++) {
			dst->attrs[i].name = sw_strdup(src->attrs[i].name);
			dst->nattrs = i + 1;
			if (dst->attrs[i].name == NULL) {
				rc = sw_error_nomem(err);
				goto out;
			}
			rc = sw_value_copy(&dst->attrs[i].v, &src->attrs[i].v, err);
			if (rc != SW_OK)
				goto out;
		}
	}
out:
	if (rc != SW_OK)
		sw_point_clear(dst);
	return rc;
}

enum sw_status sw_point_set_str(char **member, const char *s, struct sw_error *err)
{
	char *d = NULL;

	if (member == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_point_set_str: NULL member");
	if (s != NULL) {
		d = sw_strdup(s);
		if (d == NULL)
			return sw_error_nomem(err);
	}
	free(*member);
	*member = d;
	return SW_OK;
}

static size_t attr_index(const struct sw_point *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nattrs; i++)
		if (strcmp(p->attrs[i].name, name) == 0)
			return i;
	return (size_t)-1;
}

enum sw_status sw_point_set_attr(struct sw_point *p, const char *name, const struct sw_value *v,
                                 struct sw_error *err)
{
	struct sw_value copy = {0};
	struct sw_attr *grown;
	enum sw_status rc = SW_OK;
	char *nm = NULL;
	size_t i;

	if (p == NULL || name == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_point_set_attr: NULL argument");
	i = attr_index(p, name);
	if (v == NULL || v->t == SW_V_NULL) {
		if (i != (size_t)-1) {
			free(p->attrs[i].name);
			sw_value_clear(&p->attrs[i].v);
			memmove(&p->attrs[i], &p->attrs[i + 1],
			        (p->nattrs - i - 1) * sizeof *p->attrs);
			p->nattrs--;
		}
		return SW_OK;
	}
	rc = sw_value_copy(&copy, v, err);
	if (rc != SW_OK)
		goto out;
	if (i != (size_t)-1) {
		sw_value_clear(&p->attrs[i].v);
		p->attrs[i].v = copy;
		copy.t = SW_V_NULL;
		copy.s = NULL;
		goto out;
	}
	nm = sw_strdup(name);
	if (nm == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	if (p->nattrs + 1 > attr_cap(p->nattrs)) {
		grown = realloc(p->attrs, attr_cap(p->nattrs + 1) * sizeof *p->attrs);
		if (grown == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
		p->attrs = grown;
	}
	p->attrs[p->nattrs].name = nm;
	p->attrs[p->nattrs].v = copy;
	p->nattrs++;
	nm = NULL;
	copy.t = SW_V_NULL;
	copy.s = NULL;
out:
	free(nm);
	sw_value_clear(&copy);
	return rc;
}

const struct sw_value *sw_point_get_attr(const struct sw_point *p, const char *name)
{
	size_t i;

	if (p == NULL || name == NULL)
		return NULL;
	i = attr_index(p, name);
	return i == (size_t)-1 ? NULL : &p->attrs[i].v;
}

void sw_uuid_v4(char *buf)
{
	uuid_t u;

	uuid_generate_random(u);
	uuid_unparse_lower(u, buf);
}

void sw_uuid_v7(char *buf)
{
	/* the last millisecond and a 12-bit counter in rand_a (RFC 9562 6.2
	 * method 1), so uuids of one millisecond stay in order */
	static _Thread_local unsigned long long last_ms;
	static _Thread_local unsigned counter;
	struct timespec ts;
	unsigned long long ms;
	uuid_t u;

	uuid_generate_random(u); /* the random bits; then overwritten below */
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (unsigned long long)ts.tv_sec * 1000ULL + (unsigned long long)ts.tv_nsec / 1000000ULL;
	if (ms <= last_ms) {
		if (++counter > 0xfff) { /* run ahead of the clock rather than repeat */
			counter = 0;
			last_ms++;
		}
		ms = last_ms;
	} else {
		last_ms = ms;
		counter = (unsigned)(u[6] & 0x07) << 8 | u[7]; /* a random start below half */
	}
	for (int i = 0; i < 6; i++)
		u[i] = (unsigned char)(ms >> (40 - 8 * i));
	u[6] = (unsigned char)(0x70 | ((counter >> 8) & 0x0f));
	u[7] = (unsigned char)counter;
	u[8] = (unsigned char)(0x80 | (u[8] & 0x3f));
	uuid_unparse_lower(u, buf);
}

bool sw_uuid_valid(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != SW_UUID_LEN)
		return false;
	for (i = 0; i < SW_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

/* SCHOUW_NOW (tests and the demo only): a fixed clock, so a fixture's
 * history can span past years. NULL when unset or not a timestamp. */
static const char *fixed_now(void)
{
	static _Thread_local char text[32];
	const char *env = getenv("SCHOUW_NOW");
	long long t;

	if (env == NULL || *env == '\0' || !sw_date_parse_instant(env, &t))
		return NULL;
	sw_date_iso_utc(t, text, sizeof text);
	return text;
}

void sw_now_iso(char *buf, size_t len)
{
	/* the text of the last second asked for: an import asks per row */
	static _Thread_local time_t last = (time_t)-1;
	static _Thread_local char text[32];
	time_t t = time(NULL);
	const char *fixed;
	struct tm tm;

	if (buf == NULL || len == 0)
		return;
	fixed = fixed_now();
	if (fixed != NULL) {
		snprintf(buf, len, "%s", fixed);
		return;
	}
	if (t != last) {
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
			buf[0] = '\0';
			return;
		}
		last = t;
	}
	if (strlen(text) >= len) {
		buf[0] = '\0'; /* as strftime does when it does not fit */
		return;
	}
	memcpy(buf, text, strlen(text) + 1);
}

/* Read exactly n digits at *s into *v, advancing *s. */
static bool digits(const char **s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return false;
		*v = *v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

bool sw_iso8601_valid(const char *s)
{
	int y, mo, d, h, mi, sec, oh, om, nfrac = 0;

	if (s == NULL)
		return false;
	if (!digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &mo) || *s++ != '-' ||
	    !digits(&s, 2, &d) || *s++ != 'T' || !digits(&s, 2, &h) || *s++ != ':' ||
	    !digits(&s, 2, &mi))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59)
		return false;
	if (*s == ':') {
		s++;
		if (!digits(&s, 2, &sec) || sec > 60) /* 60: leap second */
			return false;
		if (*s == '.') {
			s++;
			while (isdigit((unsigned char)*s)) {
				s++;
				nfrac++;
			}
			if (nfrac == 0 || nfrac > 9)
				return false;
		}
	}
	if (*s == 'Z')
		return s[1] == '\0';
	if (*s != '+' && *s != '-')
		return false;
	s++;
	if (!digits(&s, 2, &oh) || *s++ != ':' || !digits(&s, 2, &om))
		return false;
	return oh <= 14 && om <= 59 && *s == '\0';
}

void sw_value_clear(struct sw_value *v)
{
	if (v == NULL)
		return;
	free(v->s);
	memset(v, 0, sizeof *v);
	v->t = SW_V_NULL;
}

enum sw_status sw_value_copy(struct sw_value *dst, const struct sw_value *src, struct sw_error *err)
{
	char *s = NULL;

	if (dst == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_value_copy: NULL destination");
	if (src != NULL && src->t == SW_V_TEXT) {
		s = sw_strdup(src->s != NULL ? src->s : "");
		if (s == NULL)
			return sw_error_nomem(err);
	}
	if (dst == src) {
		free(s);
		return SW_OK;
	}
	sw_value_clear(dst);
	if (src == NULL)
		return SW_OK;
	dst->t = src->t;
	dst->r = src->r;
	dst->i = src->i;
	dst->s = s;
	return SW_OK;
}

bool sw_value_equal(const struct sw_value *a, const struct sw_value *b)
{
	enum sw_vtype ta = a != NULL ? a->t : SW_V_NULL;
	enum sw_vtype tb = b != NULL ? b->t : SW_V_NULL;

	if (ta != tb)
		return false;
	switch (ta) {
	case SW_V_NULL:
		return true;
	case SW_V_REAL:
		return a->r == b->r || (isnan(a->r) && isnan(b->r));
	case SW_V_INT:
		return a->i == b->i;
	case SW_V_TEXT:
		return strcmp(a->s != NULL ? a->s : "", b->s != NULL ? b->s : "") == 0;
	}
	return false;
}

char *sw_value_to_text(const struct sw_value *v)
{
	char buf[64];

	if (v == NULL)
		return NULL;
	switch (v->t) {
	case SW_V_NULL:
		return NULL;
	case SW_V_REAL:
		sw_num_format(v->r, buf);
		return sw_strdup(buf);
	case SW_V_INT:
		snprintf(buf, sizeof buf, "%lld", v->i);
		return sw_strdup(buf);
	case SW_V_TEXT:
		return sw_strdup(v->s != NULL ? v->s : "");
	}
	return NULL;
}
