/* config.c - per-user settings in $XDG_CONFIG_HOME/schouw/config (see
 * config.h). Read with inih, written whole through a temporary file. */
#include "schouw/config.h"

#include <errno.h>
#include <ini.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schouw/utf8.h"
#include "schouw/i18n.h"

/* Longer values are refused: inih reads lines of at most 200 bytes. */
#define SW_CONFIG_VALUE_MAX 150

static const struct {
	const char *name;
	const char *help;
} keys[] = {
    {"surveyor", N_("the name set, delete, import and log record when no --by is given")},
};
#define NKEYS (sizeof keys / sizeof keys[0])

struct sw_config {
	char *path;
	char *values[NKEYS];
};

size_t sw_config_nkeys(void)
{
	return NKEYS;
}

const char *sw_config_key_name(size_t i)
{
	return i < NKEYS ? keys[i].name : NULL;
}

const char *sw_config_key_help(size_t i)
{
	return i < NKEYS ? keys[i].help : NULL;
}

static int key_index(const char *key)
{
	for (size_t i = 0; key != NULL && i < NKEYS; i++)
		if (strcmp(keys[i].name, key) == 0)
			return (int)i;
	return -1;
}

enum sw_status sw_config_check_key(const char *key, struct sw_error *err)
{
	char known[256] = "";

	if (key_index(key) >= 0)
		return SW_OK;
	for (size_t i = 0; i < NKEYS; i++)
		snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
		         keys[i].name);
	return sw_error_set(err, SW_ERR_INPUT, _("unknown setting '%s'; known settings: %s"),
	                    key ? key : "", known);
}

enum sw_status sw_config_check_value(const char *key, const char *value, struct sw_error *err)
{
	size_t len = value ? strlen(value) : 0;

	if (sw_config_check_key(key, err) != SW_OK)
		return err ? err->code : SW_ERR_INPUT;
	if (len == 0)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: empty value; use --unset to remove the setting"), key);
	if (len > SW_CONFIG_VALUE_MAX)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: value of %zu bytes is longer than %d"), key, len,
		                    SW_CONFIG_VALUE_MAX);
	if (!sw_utf8_valid(value, len))
		return sw_error_set(err, SW_ERR_INPUT, _("%s: value is not valid UTF-8"), key);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c < 0x20 || c == 0x7f)
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s: control character 0x%02x is not allowed"), key,
			                    c);
		/* inih reads " ;..." as a comment */
		if (c == ';' && i > 0 && (value[i - 1] == ' ' || value[i - 1] == '\t'))
			return sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s: a ';' after a blank is not allowed (the file would "
			      "read it as a comment)"),
			    key);
	}
	if (value[0] == ' ' || value[len - 1] == ' ')
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: value starts or ends with a blank: '%s'"), key, value);
	return SW_OK;
}

enum sw_status sw_config_default_path(char **out, struct sw_error *err)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	const char *tail = "/schouw/config";
	size_t n;

	*out = NULL;
	/* the XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored */
	if (xdg == NULL || xdg[0] != '/') {
		xdg = NULL;
		if (home == NULL || home[0] == '\0') {
			struct passwd *pw = getpwuid(getuid());

			home = pw != NULL ? pw->pw_dir : NULL;
		}
		if (home == NULL || home[0] == '\0')
			return sw_error_set(err, SW_ERR_NOTFOUND,
			                    _("no place for the settings file: neither "
			                      "XDG_CONFIG_HOME nor HOME is set"));
		tail = "/.config/schouw/config";
	}
	n = strlen(xdg ? xdg : home) + strlen(tail) + 1;
	*out = malloc(n);
	if (*out == NULL)
		return sw_error_nomem(err);
	snprintf(*out, n, "%s%s", xdg ? xdg : home, tail);
	return SW_OK;
}

struct parse_ctx {
	struct sw_config *c;
	struct sw_error *err;
	bool failed;
};

static int on_key(void *ud, const char *section, const char *name, const char *value)
{
	struct parse_ctx *x = ud;
	int k;
	char *v;

	if (x->failed)
		return 0;
	if (section[0] != '\0') {
		sw_error_set(x->err, SW_ERR_INPUT, _("section [%s]: the file has no sections"),
		             section);
		x->failed = true;
		return 0;
	}
	if (sw_config_check_value(name, value, x->err) != SW_OK) {
		x->failed = true;
		return 0;
	}
	k = key_index(name);
	v = strdup(value);
	if (v == NULL) {
		sw_error_nomem(x->err);
		x->failed = true;
		return 0;
	}
	free(x->c->values[k]);
	x->c->values[k] = v;
	return 1;
}

enum sw_status sw_config_new(const char *path, struct sw_config **out, struct sw_error *err)
{
	struct sw_config *c = calloc(1, sizeof *c);
	struct parse_ctx x = {.c = c, .err = err};
	enum sw_status rc = SW_OK;
	FILE *f = NULL;
	int line;

	*out = NULL;
	if (c == NULL || (c->path = strdup(path)) == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		if (errno != ENOENT)
			rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot read: %s"), path,
			                  strerror(errno));
		goto out;
	}
	line = ini_parse_file(f, on_key, &x);
	if (line != 0) {
		if (!x.failed)
			sw_error_set(err, SW_ERR_INPUT, _("expected 'key = value'"));
		rc = sw_error_prefix(err, "%s:%d: ", path, line);
		goto out;
	}
out:
	if (f != NULL)
		fclose(f);
	if (rc != SW_OK) {
		sw_config_free(c);
		c = NULL;
	}
	*out = c;
	return rc;
}

void sw_config_free(struct sw_config *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < NKEYS; i++)
		free(c->values[i]);
	free(c->path);
	free(c);
}

const char *sw_config_path(const struct sw_config *c)
{
	return c->path;
}

const char *sw_config_get(const struct sw_config *c, const char *key)
{
	int k = key_index(key);

	return k >= 0 ? c->values[k] : NULL;
}

/* mkdir -p of the directory part of path; new directories are private (the
 * XDG spec asks 0700 for the config home). */
static enum sw_status make_parents(const char *path, struct sw_error *err)
{
	enum sw_status rc = SW_OK;
	char *d = strdup(path);
	char *slash;

	if (d == NULL)
		return sw_error_nomem(err);
	slash = strrchr(d, '/');
	if (slash == NULL || slash == d)
		goto out;
	*slash = '\0';
	for (char *p = d + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char save = *p;

		*p = '\0';
		if (mkdir(d, 0700) != 0 && errno != EEXIST) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot create directory: %s"), d,
			                  strerror(errno));
			goto out;
		}
		*p = save;
		if (save == '\0')
			break;
	}
out:
	free(d);
	return rc;
}

/* Write values to c->path through a temporary file renamed into place. */
static enum sw_status write_file(const struct sw_config *c, char *const values[],
                                 struct sw_error *err)
{
	enum sw_status rc = make_parents(c->path, err);
	size_t n = strlen(c->path) + 8;
	char *tmp = NULL;
	FILE *f = NULL;
	int fd = -1;
	bool made = false;

	if (rc != SW_OK)
		return rc;
	tmp = malloc(n);
	if (tmp == NULL)
		return sw_error_nomem(err);
	snprintf(tmp, n, "%s.XXXXXX", c->path);
	fd = mkstemp(tmp);
	made = fd >= 0;
	if (fd < 0 || fchmod(fd, 0644) != 0 || (f = fdopen(fd, "w")) == NULL) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), c->path,
		                  strerror(errno));
		goto out;
	}
	fd = -1; /* f owns it */
	fprintf(f, "# schouw settings: 'schouw config KEY VALUE' changes them\n");
	for (size_t i = 0; i < NKEYS; i++)
		if (values[i] != NULL)
			fprintf(f, "%s = %s\n", keys[i].name, values[i]);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || ferror(f)) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), c->path,
		                  strerror(errno));
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), c->path,
		                  strerror(errno));
		goto out;
	}
	f = NULL;
	if (rename(tmp, c->path) != 0)
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot write: %s"), c->path,
		                  strerror(errno));
out:
	if (f != NULL)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (rc != SW_OK && made)
		unlink(tmp);
	free(tmp);
	return rc;
}

enum sw_status sw_config_set(struct sw_config *c, const char *key, const char *value,
                             struct sw_error *err)
{
	char *values[NKEYS];
	char *nv = NULL;
	int k = key_index(key);
	enum sw_status rc;

	if (value != NULL ? sw_config_check_value(key, value, err) != SW_OK
	                  : sw_config_check_key(key, err) != SW_OK)
		return err ? err->code : SW_ERR_INPUT;
	if (value != NULL && (nv = strdup(value)) == NULL)
		return sw_error_nomem(err);
	memcpy(values, c->values, sizeof values);
	values[k] = nv;
	rc = write_file(c, values, err);
	if (rc != SW_OK) {
		free(nv);
		return rc;
	}
	free(c->values[k]);
	c->values[k] = nv;
	return SW_OK;
}
