/* shp_names.c - DBF field names: schouw names to at most 10 bytes through
 * survey/dbf_names.ini and a fixed fallback rule, and back. */
#include "schouw/shp.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "schouw/i18n.h"
#include "shp_priv.h"

static bool ident_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* ------------------------------------------------------------------------ */
/* DBF name mapping */

struct name_pair {
	char *name;
	char *dbf;
	bool listed; /* from dbf_names.ini */
	int line;
};

struct sw_shp_names {
	struct name_pair *v;
	size_t n, cap;
	char tmp[SW_DBF_NAME_MAX + 1];
};

/* Columns every layer has; their DBF names unless dbf_names.ini says
 * otherwise (they are code, not staff data, so they have a built-in default). */
static const struct {
	const char *name;
	const char *dbf;
} fixed_cols[] = {
    {"id", "id"},
    {"uuid", "uuid"},
    {"type", "type"},
    {"status", "status"},
    {"surveyor", "surveyor"},
    {"observed_at", "observed"},
    {"gps_accuracy_m", "gps_acc_m"},
    {"note", "note"},
    {"created_at", "created"},
    {"updated_at", "updated"},
};
#define NFIXED (sizeof fixed_cols / sizeof fixed_cols[0])

/* The fixed columns a writer lays out before the form fields. */
const size_t sw_shp_nfixed = NFIXED;

void sw_shp_name_fallback(const char *name, char out[SW_DBF_NAME_MAX + 1])
{
	uint32_t h = 2166136261u;
	size_t n = strlen(name);

	if (n <= SW_DBF_NAME_MAX) {
		memcpy(out, name, n + 1);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)name[i];
		h *= 16777619u;
	}
	snprintf(out, SW_DBF_NAME_MAX + 1, "%.6s_%03x", name, (unsigned)(h & 0xfffu));
}

void sw_shp_names_free(struct sw_shp_names *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].dbf);
	}
	free(m->v);
	free(m);
}

static struct name_pair *names_find(const struct sw_shp_names *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].name, name) == 0)
			return &m->v[i];
	return NULL;
}

static bool names_add(struct sw_shp_names *m, const char *name, const char *dbf, bool listed,
                      int line)
{
	struct name_pair *p = names_find(m, name);

	if (p != NULL) {
		/* A listed name replaces the default. */
		if (listed) {
			char *d = strdup(dbf);
			if (d == NULL)
				return false;
			free(p->dbf);
			p->dbf = d;
			p->listed = true;
			p->line = line;
		}
		return true;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		struct name_pair *v = realloc(m->v, cap * sizeof *v);
		if (v == NULL)
			return false;
		m->v = v;
		m->cap = cap;
	}
	p = &m->v[m->n];
	p->name = strdup(name);
	p->dbf = strdup(dbf);
	p->listed = listed;
	p->line = line;
	if (p->name == NULL || p->dbf == NULL) {
		free(p->name);
		free(p->dbf);
		return false;
	}
	m->n++;
	return true;
}

struct ini_ctx {
	struct sw_shp_names *m;
	char reason[512];
	int line; /* lines seen by the handler (for duplicate messages) */
	bool nomem;
};

static int names_ini_line(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *c = user;
	struct name_pair *p;

	if (c->reason[0] != '\0')
		return 0;
	if (strcmp(section, "dbf") != 0) {
		snprintf(c->reason, sizeof c->reason, _("unknown section [%s]; expected [dbf]"),
		         section);
		return 0;
	}
	if (!ident_ok(name, 64)) {
		snprintf(c->reason, sizeof c->reason,
		         _("'%s' is not a schouw field name ([a-z][a-z0-9_]*)"), name);
		return 0;
	}
	if (!ident_ok(value, SW_DBF_NAME_MAX)) {
		snprintf(c->reason, sizeof c->reason,
		         _("DBF name '%s' for '%s' must be 1 to %d characters [a-z][a-z0-9_]*"),
		         value, name, SW_DBF_NAME_MAX);
		return 0;
	}
	p = names_find(c->m, name);
	if (p != NULL && p->listed) {
		snprintf(c->reason, sizeof c->reason, _("'%s' is listed twice"), name);
		return 0;
	}
	if (!names_add(c->m, name, value, true, 0)) {
		c->nomem = true;
		return 0;
	}
	return 1;
}

static enum sw_status names_check_collisions(const struct sw_shp_names *m, const char *file,
                                             struct sw_error *err)
{
	for (size_t i = 0; i < m->n; i++)
		for (size_t j = i + 1; j < m->n; j++)
			if (strcasecmp(m->v[i].dbf, m->v[j].dbf) == 0)
				return sw_error_set(
				    err, SW_ERR_INPUT,
				    _("fields '%s' and '%s' would both be DBF field '%s'; give one "
				      "of them its own name in the [dbf] section of %s"),
				    m->v[i].name, m->v[j].name, m->v[i].dbf, file);
	return SW_OK;
}

enum sw_status sw_shp_names_load(const char *datadir, const struct sw_forms *forms,
                                 struct sw_shp_names **out, struct sw_error *err)
{
	struct sw_shp_names *m = calloc(1, sizeof *m);
	struct ini_ctx ctx = {0};
	const struct sw_field **all = NULL;
	size_t nall = 0;
	char *path = NULL;
	char fb[SW_DBF_NAME_MAX + 1];
	enum sw_status rc = SW_OK;

	*out = NULL;
	if (m == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < NFIXED; i++)
		if (!names_add(m, fixed_cols[i].name, fixed_cols[i].dbf, false, 0)) {
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
			goto out;
		}
	if (datadir == NULL && forms != NULL)
		datadir = forms->dir;
	if (datadir != NULL) {
		path = sw_shp_printf("%s/dbf_names.ini", datadir);
		if (path == NULL) {
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
			goto out;
		}
		if (access(path, F_OK) == 0) {
			int line;
			ctx.m = m;
			line = ini_parse(path, names_ini_line, &ctx);
			if (ctx.nomem) {
				rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			if (line < 0) {
				rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot read: %s"), path,
				                  strerror(errno));
				goto out;
			}
			if (line > 0) {
				rc = sw_error_set(err, SW_ERR_INPUT, _("%s:%d: %s"), path, line,
				                  ctx.reason[0]
				                      ? ctx.reason
				                      : _("syntax error; expected name = value"));
				goto out;
			}
		}
	}
	if (forms != NULL) {
		rc = sw_forms_all_fields(forms, &all, &nall, err);
		if (rc != SW_OK)
			goto out;
		for (size_t i = 0; i < nall; i++) {
			sw_shp_name_fallback(all[i]->name, fb);
			if (!names_add(m, all[i]->name, fb, false, 0)) {
				rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
				goto out;
			}
		}
	}
	rc = names_check_collisions(m, path ? path : "dbf_names.ini", err);
out:
	free(all);
	free(path);
	if (rc != SW_OK)
		sw_shp_names_free(m);
	else
		*out = m;
	return rc;
}

const char *sw_shp_names_to_dbf(struct sw_shp_names *m, const char *name)
{
	const struct name_pair *p = names_find(m, name);

	if (p != NULL)
		return p->dbf;
	sw_shp_name_fallback(name, m->tmp);
	return m->tmp;
}

const char *sw_shp_names_from_dbf(const struct sw_shp_names *m, const char *dbf)
{
	const char *hit = NULL;

	for (size_t i = 0; i < m->n; i++)
		if (strcasecmp(m->v[i].dbf, dbf) == 0)
			return m->v[i].name;
	/* GDAL and most GIS tools cut long names to their first 10 bytes
	 * ("running_sl"): accept that when exactly one name fits. */
	if (strlen(dbf) != SW_DBF_NAME_MAX)
		return NULL;
	for (size_t i = 0; i < m->n; i++)
		if (strlen(m->v[i].name) > SW_DBF_NAME_MAX &&
		    strncasecmp(m->v[i].name, dbf, SW_DBF_NAME_MAX) == 0) {
			if (hit != NULL)
				return NULL;
			hit = m->v[i].name;
		}
	return hit;
}
