/* crs.c - coordinate transformation through PROJ, network off, every result checked. */
#include "schouw/crs.h"

#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/i18n.h"

#define BATCH 4096

/* The last error PROJ logged: far more telling than its errno string. */
struct proj_log {
	char msg[256];
};

struct sw_crs {
	PJ_CONTEXT *ctx;
	struct proj_log log;
	PJ *P;
	char *op_name; /* description of the last used operation, owned */
	double op_acc;
	bool op_known;
};

static void log_to_buf(void *app, int level, const char *msg)
{
	struct proj_log *log = app;

	if (level == PJ_LOG_ERROR && msg != NULL)
		snprintf(log->msg, sizeof log->msg, "%s", msg);
}

/* A context that never prints (its errors go to log) and never goes to the
 * network (CDN grids would make results depend on the connection). */
static PJ_CONTEXT *quiet_context(struct proj_log *log)
{
	PJ_CONTEXT *ctx = proj_context_create();

	if (ctx == NULL)
		return NULL;
	log->msg[0] = '\0';
	proj_log_func(ctx, log, log_to_buf);
	proj_log_level(ctx, PJ_LOG_ERROR);
	proj_context_set_enable_network(ctx, 0);
	return ctx;
}

static const char *proj_msg(PJ_CONTEXT *ctx, const struct proj_log *log)
{
	int e = proj_context_errno(ctx);
	const char *s;

	if (log->msg[0] != '\0')
		return log->msg;
	s = e != 0 ? proj_context_errno_string(ctx, e) : NULL;
	return s != NULL ? s : _("unknown PROJ error");
}

/* A short form of a CRS text for messages: WKT can be kilobytes. */
static void crs_label(const char *crs, char *buf, size_t len)
{
	size_t n = strcspn(crs, "\r\n");

	if (n > 60)
		snprintf(buf, len, "%.57s...", crs);
	else
		snprintf(buf, len, "%.*s", (int)n, crs);
}

enum sw_status sw_crs_new(const char *src, const char *dst, struct sw_crs **out,
                          struct sw_error *err)
{
	struct sw_crs *c = NULL;
	enum sw_status rc = SW_OK;
	char a[80], b[80];
	PJ *raw = NULL;

	if (out == NULL || src == NULL || dst == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_crs_new: NULL argument");
	*out = NULL;
	c = calloc(1, sizeof *c);
	if (c == NULL || (c->ctx = quiet_context(&c->log)) == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, "%s", _("out of memory"));
		goto out;
	}
	c->op_acc = -1;
	raw = proj_create_crs_to_crs(c->ctx, src, dst, NULL);
	if (raw == NULL) {
		crs_label(src, a, sizeof a);
		crs_label(dst, b, sizeof b);
		rc = sw_error_set(err, SW_ERR_INPUT, _("cannot transform from '%s' to '%s': %s"), a,
		                  b, proj_msg(c->ctx, &c->log));
		goto out;
	}
	c->P = proj_normalize_for_visualization(c->ctx, raw);
	if (c->P == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("cannot normalise axis order: %s"),
		                  proj_msg(c->ctx, &c->log));
		goto out;
	}
out:
	proj_destroy(raw);
	if (rc != SW_OK) {
		sw_crs_free(c);
		return rc;
	}
	*out = c;
	return SW_OK;
}

void sw_crs_free(struct sw_crs *c)
{
	if (c == NULL)
		return;
	proj_destroy(c->P);
	if (c->ctx != NULL)
		proj_context_destroy(c->ctx);
	free(c->op_name);
	free(c);
}

/* Remember which operation PROJ picked, so the user can be told (Helmert, ~1 m). */
static void note_operation(struct sw_crs *c)
{
	PJ *op = proj_trans_get_last_used_operation(c->P);
	PJ_PROJ_INFO info;
	char *name;

	if (op == NULL)
		return;
	info = proj_pj_info(op);
	name = sw_strdup(info.description != NULL ? info.description : info.id);
	if (name != NULL) {
		free(c->op_name);
		c->op_name = name;
		c->op_acc = proj_coordoperation_get_accuracy(c->ctx, op);
		c->op_known = true;
	}
	proj_destroy(op);
}

enum sw_status sw_crs_trans(struct sw_crs *c, double *x, double *y, size_t n, bool *failed,
                            struct sw_error *err)
{
	size_t done = 0, i, last_ok = (size_t)-1;

	if (c == NULL || (n > 0 && (x == NULL || y == NULL)))
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_crs_trans: NULL argument");
	if (failed == NULL) {
		/* fail before touching anything: the arrays stay as given */
		for (i = 0; i < n; i++)
			if (!isfinite(x[i]) || !isfinite(y[i]))
				return sw_error_set(err, SW_ERR_INPUT,
				                    _("point %zu: coordinates are not finite"), i);
	}
	while (done < n) {
		size_t m = n - done < BATCH ? n - done : BATCH;

		proj_errno_reset(c->P);
		c->log.msg[0] = '\0';
		/* the count it returns includes failures: look at every output instead */
		proj_trans_generic(c->P, PJ_FWD, x + done, sizeof *x, m, y + done, sizeof *y, m,
		                   NULL, 0, 0, NULL, 0, 0);
		for (i = done; i < done + m; i++) {
			bool bad = !isfinite(x[i]) || !isfinite(y[i]) || x[i] == HUGE_VAL ||
			           y[i] == HUGE_VAL;

			if (failed != NULL) {
				failed[i] = bad;
			} else if (bad) {
				return sw_error_set(err, SW_ERR_INPUT,
				                    _("point %zu: PROJ cannot transform it: %s"), i,
				                    proj_msg(c->ctx, &c->log));
			}
			if (!bad)
				last_ok = i;
		}
		if (last_ok != (size_t)-1 && last_ok >= done)
			note_operation(c);
		done += m;
	}
	return SW_OK;
}

const char *sw_crs_operation(struct sw_crs *c)
{
	if (c == NULL)
		return NULL;
	return c->op_known ? c->op_name : NULL;
}

double sw_crs_accuracy(struct sw_crs *c)
{
	if (c == NULL || !c->op_known)
		return -1;
	return c->op_acc;
}

bool sw_rd_in_nl(double x, double y)
{
	return x >= 0 && x <= 280000 && y >= 300000 && y <= 625000;
}

bool sw_wgs84_in_nl(double lon, double lat)
{
	return lon >= 3.2 && lon <= 7.3 && lat >= 50.7 && lat <= 53.6;
}

/* Parse crs into a CRS object, or fail with SW_ERR_INPUT. */
static enum sw_status make_crs(PJ_CONTEXT *ctx, const struct proj_log *log, const char *crs,
                               PJ **out, struct sw_error *err)
{
	char a[80];
	PJ *obj;

	crs_label(crs, a, sizeof a);
	obj = proj_create(ctx, crs);
	if (obj == NULL)
		return sw_error_set(err, SW_ERR_INPUT, _("'%s' is no CRS PROJ knows: %s"), a,
		                    proj_msg(ctx, log));
	if (!proj_is_crs(obj)) {
		proj_destroy(obj);
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("'%s' is not a coordinate reference system"), a);
	}
	*out = obj;
	return SW_OK;
}

enum sw_status sw_crs_esri_wkt(const char *crs, char **out, struct sw_error *err)
{
	const char *const opts[] = {"MULTILINE=NO", NULL};
	struct proj_log log;
	PJ_CONTEXT *ctx = NULL;
	enum sw_status rc;
	const char *wkt;
	PJ *obj = NULL;

	if (crs == NULL || out == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_crs_esri_wkt: NULL argument");
	*out = NULL;
	ctx = quiet_context(&log);
	if (ctx == NULL)
		return sw_error_set(err, SW_ERR_NOMEM, "%s", _("out of memory"));
	rc = make_crs(ctx, &log, crs, &obj, err);
	if (rc != SW_OK)
		goto out;
	wkt = proj_as_wkt(ctx, obj, PJ_WKT1_ESRI, opts);
	if (wkt == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s has no ESRI WKT form: %s"), crs,
		                  proj_msg(ctx, &log));
		goto out;
	}
	*out = sw_strdup(wkt);
	if (*out == NULL)
		rc = sw_error_set(err, SW_ERR_NOMEM, "%s", _("out of memory"));
out:
	proj_destroy(obj);
	proj_context_destroy(ctx);
	return rc;
}

static char *auth_code(const char *auth, const char *code)
{
	size_t n;
	char *s;

	if (auth == NULL || code == NULL)
		return NULL;
	n = strlen(auth) + strlen(code) + 2;
	s = malloc(n);
	if (s != NULL)
		snprintf(s, n, "%s:%s", auth, code);
	return s;
}

static bool is_epsg(const PJ *o)
{
	const char *a = proj_get_id_auth_name(o, 0);

	return a != NULL && strcmp(a, "EPSG") == 0;
}

enum sw_status sw_crs_identify(const char *wkt, char **out, struct sw_error *err)
{
	struct proj_log log;
	PJ_CONTEXT *ctx = NULL;
	PJ_OBJ_LIST *list = NULL;
	int *conf = NULL, i, count, best = -1;
	enum sw_status rc;
	PJ *obj = NULL, *cand = NULL;

	if (wkt == NULL || out == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_crs_identify: NULL argument");
	*out = NULL;
	ctx = quiet_context(&log);
	if (ctx == NULL)
		return sw_error_set(err, SW_ERR_NOMEM, "%s", _("out of memory"));
	rc = make_crs(ctx, &log, wkt, &obj, err);
	if (rc != SW_OK)
		goto out;
	/* WKT with an AUTHORITY/ID names itself */
	if (proj_get_id_auth_name(obj, 0) != NULL && proj_get_id_code(obj, 0) != NULL) {
		cand = proj_clone(ctx, obj);
	} else {
		list = proj_identify(ctx, obj, NULL, NULL, &conf);
		count = list != NULL ? proj_list_get_count(list) : 0;
		for (i = 0; i < count; i++) {
			PJ *o;

			if (conf[i] < 70)
				continue;
			o = proj_list_get(ctx, list, i);
			if (o == NULL)
				continue;
			/* highest confidence wins; on a tie, EPSG over other authorities */
			if (best < 0 || conf[i] > conf[best] ||
			    (conf[i] == conf[best] && is_epsg(o) && !is_epsg(cand))) {
				proj_destroy(cand);
				cand = o;
				best = i;
			} else {
				proj_destroy(o);
			}
		}
	}
	if (cand == NULL || proj_get_id_auth_name(cand, 0) == NULL) {
		rc = sw_error_set(err, SW_ERR_NOTFOUND, "%s",
		                  /* xgettext:no-c-format */
		                  _("PROJ reads this CRS but finds no authority code for it "
		                    "(no match with 70% confidence)"));
		goto out;
	}
	*out = auth_code(proj_get_id_auth_name(cand, 0), proj_get_id_code(cand, 0));
	if (*out == NULL)
		rc = sw_error_set(err, SW_ERR_NOMEM, "%s", _("out of memory"));
out:
	proj_destroy(cand);
	proj_int_list_destroy(conf);
	proj_list_destroy(list);
	proj_destroy(obj);
	proj_context_destroy(ctx);
	return rc;
}

enum sw_status sw_crs_describe(const char *crs, char **name, char **wkt, struct sw_error *err)
{
	const char *const opts[] = {"MULTILINE=NO", NULL};
	struct proj_log log;
	PJ_CONTEXT *ctx = NULL;
	enum sw_status rc;
	const char *s;
	PJ *obj = NULL;

	if (crs == NULL || name == NULL || wkt == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_crs_describe: NULL argument");
	*name = *wkt = NULL;
	ctx = quiet_context(&log);
	if (ctx == NULL)
		return sw_error_nomem(err);
	rc = make_crs(ctx, &log, crs, &obj, err);
	if (rc != SW_OK)
		goto out;
	/* WKT1 as GDAL writes it: what a .aux.xml holds and every GDAL reads */
	s = proj_as_wkt(ctx, obj, PJ_WKT1_GDAL, opts);
	if (s == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s has no WKT form: %s"), crs,
		                  proj_msg(ctx, &log));
		goto out;
	}
	*wkt = sw_strdup(s);
	*name = sw_strdup(proj_get_name(obj) ? proj_get_name(obj) : crs);
	if (*wkt == NULL || *name == NULL) {
		free(*wkt);
		free(*name);
		*wkt = *name = NULL;
		rc = sw_error_nomem(err);
	}
out:
	proj_destroy(obj);
	proj_context_destroy(ctx);
	return rc;
}
