/* gpx.c - GPX waypoint reader on libxml2's streaming xmlTextReader. */
#include "schouw/gpx.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "schouw/crs.h"
#include "schouw/i18n.h"
#include "schouw/num.h"

#define MAX_KEYS 64

/* The first error libxml2 reports, instead of printing it. */
struct xml_err {
	bool set;
	int line;
	char msg[512];
};

static void capture(void *ud, xmlErrorPtr e)
{
	struct xml_err *x = ud;
	size_t n;

	if (x == NULL || e == NULL || x->set || e->level < XML_ERR_ERROR)
		return;
	x->set = true;
	x->line = e->line;
	snprintf(x->msg, sizeof x->msg, "%s", e->message != NULL ? e->message : "?");
	/* libxml2 adds a second line with the bytes; keep one line */
	for (char *c = x->msg; *c != '\0'; c++)
		if (*c == '\n')
			*c = ' ';
	n = strlen(x->msg);
	while (n > 0 && (x->msg[n - 1] == '\n' || x->msg[n - 1] == ' '))
		x->msg[--n] = '\0';
}

static void quiet_generic(void *ud, const char *msg, ...)
{
	(void)ud;
	(void)msg;
}

struct wpt {
	const char *keys[MAX_KEYS];
	char *vals[MAX_KEYS];
	size_t n;
};

static bool is_gpx_ns(const xmlChar *ns)
{
	return ns != NULL &&
	       (xmlStrEqual(ns, BAD_CAST SW_GPX_NS_11) || xmlStrEqual(ns, BAD_CAST SW_GPX_NS_10));
}

static bool is_ext_ns(const xmlChar *ns)
{
	return ns != NULL &&
	       (xmlStrEqual(ns, BAD_CAST SW_GPX_NS) || xmlStrEqual(ns, BAD_CAST SW_GPX_OGR_NS));
}

static const xmlChar *node_ns(const xmlNode *n)
{
	return n->ns != NULL ? n->ns->href : NULL;
}

/* Text content of an element: its text and CDATA children only. Entity
 * references are refused rather than expanded (no entity expansion at all). */
static enum sw_status text_of(const char *path, const xmlNode *el, char **out, struct sw_error *err)
{
	xmlBufferPtr b = xmlBufferCreate();
	enum sw_status rc = SW_OK;

	*out = NULL;
	if (b == NULL)
		return sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
	for (const xmlNode *c = el->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (xmlBufferCat(b, c->content) != 0) {
				rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
				goto out;
			}
		} else if (c->type == XML_ENTITY_REF_NODE) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s:%ld: entity reference &%s; is not supported"), path,
			                  xmlGetLineNo(c), (const char *)c->name);
			goto out;
		} else if (c->type == XML_ELEMENT_NODE) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s:%ld: <%s> must hold text, not elements"), path,
			                  xmlGetLineNo(el), (const char *)el->name);
			goto out;
		}
	}
	*out = strdup((const char *)xmlBufferContent(b));
	if (*out == NULL)
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
out:
	xmlBufferFree(b);
	return rc;
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		s[--n] = '\0';
	while (s[i] != '\0' && strchr(" \t\r\n", s[i]) != NULL)
		i++;
	memmove(s, s + i, n - i + 1);
}

/* Set key to val (taking ownership of val); a later set of the same key wins. */
static enum sw_status put(struct wpt *w, const char *path, long line, const char *key, char *val,
                          struct sw_error *err)
{
	for (size_t i = 0; i < w->n; i++) {
		if (strcmp(w->keys[i], key) == 0) {
			free(w->vals[i]);
			w->vals[i] = val;
			return SW_OK;
		}
	}
	if (w->n == MAX_KEYS) {
		free(val);
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s:%ld: more than %d fields in a waypoint"), path, line,
		                    MAX_KEYS);
	}
	w->keys[w->n] = key;
	w->vals[w->n] = val;
	w->n++;
	return SW_OK;
}

static enum sw_status coord(const char *path, long line, xmlNode *el, const char *name, double lim,
                            double *out, struct sw_error *err)
{
	xmlChar *a = xmlGetNoNsProp(el, BAD_CAST name);
	enum sw_status rc = SW_OK;

	if (a == NULL)
		return sw_error_set(err, SW_ERR_INPUT, _("%s:%ld: <wpt> without a %s attribute"),
		                    path, line, name);
	/* xsd:decimal: a point, never a comma; XML blanks around it are fine */
	if (!sw_num_parse((const char *)a, SW_NUM_TRIM, out))
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s:%ld: %s=\"%s\" is not a number"), path,
		                  line, name, (const char *)a);
	else if (*out < -lim || *out > lim)
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s:%ld: %s=\"%s\" out of range (-%g..%g)"),
		                  path, line, name, (const char *)a, lim, lim);
	xmlFree(a);
	return rc;
}

static enum sw_status ext_children(struct wpt *w, const char *path, long line, xmlNode *parent,
                                   struct sw_error *err)
{
	enum sw_status rc;
	char *t;

	for (xmlNode *c = parent->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !is_ext_ns(node_ns(c)))
			continue;
		rc = text_of(path, c, &t, err);
		if (rc != SW_OK)
			return rc;
		trim(t);
		rc = put(w, path, line, (const char *)c->name, t, err);
		if (rc != SW_OK)
			return rc;
	}
	return SW_OK;
}

/* GPX times are UTC by definition; some apps leave the zone out
 * ("2026-11-29T10:15:00"), which the point model needs: add "Z". */
static bool utc_suffix(char **t)
{
	const char *tp = strchr(*t, 'T');
	size_t n = strlen(*t);
	char *r;

	if (tp == NULL || strpbrk(tp, "Zz+-") != NULL || n == 0)
		return true;
	r = realloc(*t, n + 2);
	if (r == NULL)
		return false;
	r[n] = 'Z';
	r[n + 1] = '\0';
	*t = r;
	return true;
}

/* The line of an element. libxml2 stores lines above 65535 (with
 * XML_PARSE_BIG_LINES) only on text nodes, as the line where the text ends,
 * so look for the first text inside and count back its newlines. An empty
 * element has none: then the parser's line, which may be a line or two on. */
static long line_of(const xmlNode *el, long fallback)
{
	const xmlNode *c = el->children;
	long l;

	if (el->line < 65535)
		return el->line;
	while (c != NULL && c->type == XML_ELEMENT_NODE && c->line >= 65535)
		c = c->children;
	if (c == NULL)
		return fallback;
	l = xmlGetLineNo(c);
	if (c->type == XML_TEXT_NODE)
		for (const xmlChar *t = c->content; t != NULL && *t != '\0'; t++)
			if (*t == '\n')
				l--;
	return l;
}

static enum sw_status waypoint(const char *path, const struct sw_read_opts *o, xmlNode *el,
                               long fallback_line, sw_record_cb cb, void *ud, struct sw_error *err)
{
	struct wpt w = {0};
	struct sw_record rec = {0};
	char *name = NULL, *desc = NULL, *t = NULL;
	const char *keys[MAX_KEYS];
	const char *vals[MAX_KEYS];
	size_t nk = 0;
	long line = line_of(el, fallback_line);
	enum sw_status rc;

	rc = coord(path, line, el, "lat", 90.0, &rec.y, err);
	if (rc == SW_OK)
		rc = coord(path, line, el, "lon", 180.0, &rec.x, err);
	if (rc != SW_OK)
		goto out;
	for (xmlNode *c = el->children; c != NULL && rc == SW_OK; c = c->next) {
		const char *n = (const char *)c->name;

		if (c->type != XML_ELEMENT_NODE || !is_gpx_ns(node_ns(c)))
			continue;
		if (strcmp(n, "extensions") == 0) {
			continue; /* after the standard elements, so they win */
		} else if (strcmp(n, "name") == 0 || strcmp(n, "desc") == 0) {
			char **dst = n[0] == 'n' ? &name : &desc;

			free(*dst);
			rc = text_of(path, c, dst, err);
			if (rc == SW_OK)
				trim(*dst);
		} else if (strcmp(n, "time") == 0 || strcmp(n, "hdop") == 0 ||
		           strcmp(n, "type") == 0) {
			rc = text_of(path, c, &t, err);
			if (rc != SW_OK)
				break;
			trim(t);
			if (strcmp(n, "time") == 0 && !utc_suffix(&t)) {
				rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
				break;
			}
			rc = put(&w, path, line,
			         n[0] == 't' ? (n[1] == 'i' ? "observed_at" : "type")
			                     : "gps_accuracy_m",
			         t, err);
			t = NULL;
		}
	}
	if (rc != SW_OK)
		goto out;
	if ((name != NULL && name[0] != '\0') || (desc != NULL && desc[0] != '\0')) {
		size_t len = (name ? strlen(name) : 0) + (desc ? strlen(desc) : 0) + 8;

		t = malloc(len);
		if (t == NULL) {
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
			goto out;
		}
		if (name != NULL && name[0] != '\0' && desc != NULL && desc[0] != '\0')
			snprintf(t, len, "%s \xE2\x80\x94 %s", name, desc);
		else
			snprintf(t, len, "%s", name != NULL && name[0] != '\0' ? name : desc);
		rc = put(&w, path, line, "note", t, err);
		t = NULL;
		if (rc != SW_OK)
			goto out;
	}
	/* schouw's own fields: in <extensions> (1.1) or directly in <wpt> (1.0) */
	rc = ext_children(&w, path, line, el, err);
	for (xmlNode *c = el->children; c != NULL && rc == SW_OK; c = c->next)
		if (c->type == XML_ELEMENT_NODE && is_gpx_ns(node_ns(c)) &&
		    strcmp((const char *)c->name, "extensions") == 0)
			rc = ext_children(&w, path, line, c, err);
	if (rc != SW_OK)
		goto out;
	for (size_t i = 0; i < w.n; i++) {
		keys[nk] = sw_read_map_key(o, w.keys[i]);
		if (keys[nk] != NULL) /* else dropped by the user's --map */
			vals[nk++] = w.vals[i];
	}
	rec.file = path;
	rec.pos = line;
	rec.pos_kind = "line";
	rec.has_xy = true;
	rec.crs = SW_CRS_WGS84;
	rec.n = nk;
	rec.keys = keys;
	rec.vals = vals;
	rc = cb(&rec, ud, err);
out:
	for (size_t i = 0; i < w.n; i++)
		free(w.vals[i]);
	free(name);
	free(desc);
	free(t);
	return rc;
}

static enum sw_status xml_error(const char *path, const struct xml_err *x, xmlTextReaderPtr r,
                                struct sw_error *err)
{
	if (x->set)
		return sw_error_set(err, SW_ERR_INPUT, _("%s:%d: not well-formed XML: %s"), path,
		                    x->line, x->msg);
	return sw_error_set(err, SW_ERR_INPUT, _("%s:%d: not well-formed XML"), path,
	                    r != NULL ? xmlTextReaderGetParserLineNumber(r) : 0);
}

enum sw_status sw_gpx_read(const char *path, const struct sw_read_opts *o, sw_record_cb cb,
                           void *ud, struct sw_error *err)
{
	struct xml_err x = {0};
	xmlTextReaderPtr r = NULL;
	xmlStructuredErrorFunc old_s = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_g = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	bool root_seen = false, warned = false;
	enum sw_status rc = SW_OK;
	int fd, ret;

	if (o != NULL && o->crs != NULL && strcmp(o->crs, SW_CRS_WGS84) != 0)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: GPX coordinates are WGS84 (EPSG:4326) by definition; "
		                      "--crs %s does not apply"),
		                    path, o->crs);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sw_error_set(err, errno == ENOENT ? SW_ERR_NOTFOUND : SW_ERR_IO,
		                    _("%s: cannot open: %s"), path, strerror(errno));
	xmlInitParser();
	/* Errors raised outside the reader's context must not reach stderr either. */
	xmlSetStructuredErrorFunc(&x, capture);
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	/* an --encoding given by the user overrides the XML declaration */
	r = xmlReaderForFd(fd, path, o != NULL ? o->encoding : NULL,
	                   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                       XML_PARSE_BIG_LINES);
	if (r == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("%s: cannot start the XML parser"), path);
		goto out;
	}
	xmlTextReaderSetStructuredErrorHandler(r, capture, &x);
	ret = xmlTextReaderRead(r);
	while (ret == 1) {
		const xmlChar *ns = xmlTextReaderConstNamespaceUri(r);
		const char *ln = (const char *)xmlTextReaderConstLocalName(r);
		int depth = xmlTextReaderDepth(r);

		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT) {
			ret = xmlTextReaderRead(r);
			continue;
		}
		if (!root_seen) {
			root_seen = true;
			if (ln == NULL || strcmp(ln, "gpx") != 0 || !is_gpx_ns(ns)) {
				rc = sw_error_set(err, SW_ERR_INPUT,
				                  _("%s:%d: not a GPX file (root element <%s>, "
				                    "expected <gpx> in namespace %s)"),
				                  path,
				                  (int)xmlGetLineNo(xmlTextReaderCurrentNode(r)),
				                  ln != NULL ? ln : "?", SW_GPX_NS_11);
				goto out;
			}
		} else if (depth == 1 && is_gpx_ns(ns) && strcmp(ln, "wpt") == 0) {
			xmlNode *el = xmlTextReaderExpand(r);

			if (el == NULL || x.set) {
				rc = xml_error(path, &x, r, err);
				goto out;
			}
			rc =
			    waypoint(path, o, el, xmlTextReaderGetParserLineNumber(r), cb, ud, err);
			if (rc != SW_OK)
				goto out;
			ret = xmlTextReaderNext(r);
			continue;
		} else if (depth == 1 && is_gpx_ns(ns) &&
		           (strcmp(ln, "rte") == 0 || strcmp(ln, "trk") == 0) && !warned) {
			warned = true;
			if (o != NULL && o->warn != NULL) {
				char msg[512];

				snprintf(msg, sizeof msg,
				         _("%s: routes and tracks are ignored; only waypoints "
				           "are imported"),
				         path);
				o->warn(o->warn_ud, msg);
			}
		}
		ret = xmlTextReaderRead(r);
	}
	if (ret < 0 || x.set)
		rc = xml_error(path, &x, r, err);
	else if (!root_seen)
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s:1: not well-formed XML: no root element"), path);
out:
	xmlFreeTextReader(r);
	xmlSetStructuredErrorFunc(old_sctx, old_s);
	xmlSetGenericErrorFunc(old_gctx, old_g);
	close(fd);
	return rc;
}
