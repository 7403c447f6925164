/* form.c - survey forms and statuses from INI files (inih). Lookups, field
 * parsing and checks are in form_validate.c. */
#include "schouw/form.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form_priv.h"
#include "schouw/i18n.h"
#include "schouw/num.h"
#include "schouw/utf8.h"

#define SW_IDENT_MAX 63
#define INI_LINE_MAX 65536

/* Point columns a form field may not shadow: they share the store's table. */
static const char *const reserved[] = {
    "id",       "uuid",        "type",           "status", "x",          "y",          "geom",
    "surveyor", "observed_at", "gps_accuracy_m", "note",   "created_at", "updated_at", "fid"};

static const char *const kind_names[] = {"number", "integer", "enum", "bool", "text"};

static bool ident_valid(const char *s)
{
	size_t i;

	if (s == NULL || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (i = 1; s[i] != '\0'; i++) {
		if (i >= SW_IDENT_MAX + 1)
			return false;
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	}
	return true;
}

static bool is_reserved(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (strcmp(reserved[i], s) == 0)
			return true;
	return false;
}

const char *sw_kind_name(enum sw_kind k)
{
	if ((size_t)k < sizeof kind_names / sizeof kind_names[0])
		return kind_names[k];
	return "?";
}

/* Copy of s without surrounding ASCII whitespace. */
char *sw_form_trimmed(const char *s)
{
	const char *e;
	char *d;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	d = malloc((size_t)(e - s) + 1);
	if (d != NULL) {
		memcpy(d, s, (size_t)(e - s));
		d[e - s] = '\0';
	}
	return d;
}

/* ---- INI reading ---- */

enum ini_mode { MODE_FORM, MODE_STATES };

struct field_meta {
	int line; /* of the [field ...] header */
	bool has_kind;
};

struct parse_ctx {
	enum ini_mode mode;
	const char *path;
	FILE *fp;
	int lineno;       /* line being read */
	bool at_bol;      /* the reader is at the start of a line */
	size_t linelen;   /* bytes of the current line so far */
	bool header_seen; /* a "[...]" line since the last key */
	int header_line;
	int empty_line; /* first section without keys, 0 if none */
	bool header_has_keys;
	char *cur_section; /* last section name the handler saw */
	int cur_line;      /* line of its header */
	unsigned seen;     /* keys seen in the current section, as bits */
	size_t cur;        /* index of the current field / status, or SIZE_MAX */
	bool in_form;
	bool form_seen;
	/* result */
	struct sw_form *form;
	struct field_meta *meta; /* parallel to form->fields */
	struct sw_state_def *states;
	int *state_lines;
	size_t nstates;
	enum sw_status rc;
	int err_line;
	char msg[SW_ERROR_MSG_MAX];
};

static int ctx_fail(struct parse_ctx *c, enum sw_status rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int ctx_fail(struct parse_ctx *c, enum sw_status rc, const char *fmt, ...)
{
	va_list ap;

	if (c->rc == SW_OK) {
		c->rc = rc;
		c->err_line = c->lineno;
		va_start(ap, fmt);
		vsnprintf(c->msg, sizeof c->msg, fmt, ap);
		va_end(ap);
	}
	return 0;
}

/* fgets that counts lines and notices section headers, so the handler
 * knows its line and can tell a repeated section from a continued one. */
static char *ctx_reader(char *str, int num, void *stream)
{
	struct parse_ctx *c = stream;
	const char *p;
	size_t n;

	if (fgets(str, num, c->fp) == NULL)
		return NULL;
	n = strlen(str);
	if (c->at_bol) {
		c->lineno++;
		c->linelen = 0;
		p = str;
		if (c->lineno == 1 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[') {
			if (c->header_seen && !c->header_has_keys && c->empty_line == 0)
				c->empty_line = c->header_line;
			c->header_seen = true;
			c->header_line = c->lineno;
			c->header_has_keys = false;
		}
	}
	c->linelen += n;
	c->at_bol = n > 0 && str[n - 1] == '\n';
	if (c->linelen >= INI_LINE_MAX - 3 && c->rc == SW_OK) {
		c->rc = SW_ERR_INPUT;
		c->err_line = c->lineno;
		snprintf(c->msg, sizeof c->msg, _("line longer than %d bytes"), INI_LINE_MAX - 4);
	}
	return str;
}

enum field_key {
	K_LABEL_NL,
	K_LABEL_EN,
	K_KIND,
	K_UNIT,
	K_MIN,
	K_MAX,
	K_REQUIRED,
	K_VALUES,
	K_HELP,
	K_COLOR,
	K_SYMBOL,
	K_FILL,
	K_VALUES_NL,
	K_VALUES_EN,
	K_STAFF_ONLY,
	K_COUNT
};

static const char *const key_names[K_COUNT] = {
    "label_nl", "label_en", "kind",   "unit", "min",       "max",       "required",  "values",
    "help",     "color",    "symbol", "fill", "values_nl", "values_en", "staff_only"};

static int key_index(const char *name, unsigned allowed)
{
	int k;

	for (k = 0; k < K_COUNT; k++)
		if ((allowed & (1u << k)) && strcmp(name, key_names[k]) == 0)
			return k;
	return -1;
}

static void allowed_list(unsigned allowed, char *buf, size_t len)
{
	size_t used = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < K_COUNT; k++) {
		if (!(allowed & (1u << k)))
			continue;
		snprintf(buf + used, len - used, "%s%s", used ? ", " : "", key_names[k]);
		used = strlen(buf);
	}
}

#define FORM_KEYS ((1u << K_LABEL_NL) | (1u << K_LABEL_EN) | (1u << K_SYMBOL))
#define FIELD_KEYS                                                                                 \
	((1u << K_LABEL_NL) | (1u << K_LABEL_EN) | (1u << K_KIND) | (1u << K_UNIT) |               \
	 (1u << K_MIN) | (1u << K_MAX) | (1u << K_REQUIRED) | (1u << K_VALUES) | (1u << K_HELP) |     \
	 (1u << K_VALUES_NL) | (1u << K_VALUES_EN))
#define STATE_KEYS                                                                                 \
	((1u << K_LABEL_NL) | (1u << K_LABEL_EN) | (1u << K_COLOR) | (1u << K_FILL) |              \
	 (1u << K_STAFF_ONLY))

bool sw_form_parse_yesno(const char *v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "ja", "1"};
	static const char *const no[] = {"no", "false", "nee", "0"};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool color_valid(const char *s)
{
	size_t i;

	if (s[0] != '#' || strlen(s) != 7)
		return false;
	for (i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Split "a, b,c" into identifiers. */
static int parse_values(struct parse_ctx *c, struct sw_field *f, const char *v)
{
	const char *p = v;
	size_t i;

	while (*p != '\0') {
		const char *e = strchr(p, ',');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
		char *item, *raw, **grown;

		raw = malloc(len + 1);
		if (raw == NULL)
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
		memcpy(raw, p, len);
		raw[len] = '\0';
		item = sw_form_trimmed(raw);
		free(raw);
		if (item == NULL)
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
		if (!ident_valid(item)) {
			ctx_fail(c, SW_ERR_INPUT,
			         _("enum value '%s' of field '%s' is not an identifier "
			           "(lower-case letter, then letters, digits or _, at most 63)"),
			         item, f->name);
			free(item);
			return 0;
		}
		for (i = 0; i < f->nvalues; i++) {
			if (strcmp(f->values[i], item) == 0) {
				ctx_fail(c, SW_ERR_INPUT,
				         _("enum value '%s' of field '%s' is listed twice"), item,
				         f->name);
				free(item);
				return 0;
			}
		}
		grown = realloc(f->values, (f->nvalues + 1) * sizeof *f->values);
		if (grown == NULL) {
			free(item);
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
		}
		f->values = grown;
		f->values[f->nvalues++] = item;
		p = e != NULL ? e + 1 : p + len;
	}
	return 1;
}

/* Split "Asfalt, Betontegels" into labels, one per enum value in order
 * (the count is checked once the field is complete). */
static int parse_value_labels(struct parse_ctx *c, struct sw_field *f, char ***dst, size_t *n,
                              const char *v)
{
	const char *p = v;

	(void)f;
	while (*p != '\0') {
		const char *e = strchr(p, ',');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
		char *item, *raw, **grown;

		raw = malloc(len + 1);
		if (raw == NULL)
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
		memcpy(raw, p, len);
		raw[len] = '\0';
		item = sw_form_trimmed(raw);
		free(raw);
		if (item == NULL)
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
		grown = realloc(*dst, (*n + 1) * sizeof *grown);
		if (grown == NULL) {
			free(item);
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
		}
		*dst = grown;
		(*dst)[(*n)++] = item;
		p = e != NULL ? e + 1 : p + len;
	}
	return 1;
}

const char *const sw_symbol_names[] = {"circle", "square", "triangle", "diamond", "star", NULL};
const char *const sw_fill_names[] = {"solid", "hollow", "half", "cross", "dot", NULL};

static bool word_in(const char *v, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcmp(v, *words) == 0)
			return true;
	return false;
}

static int set_label(struct parse_ctx *c, char **dst, const char *v)
{
	free(*dst);
	*dst = v[0] != '\0' ? sw_strdup(v) : NULL;
	if (v[0] != '\0' && *dst == NULL)
		return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
	return 1;
}

static int field_key(struct parse_ctx *c, struct sw_field *f, int k, const char *v)
{
	double d;
	size_t i;

	switch (k) {
	case K_LABEL_NL:
		return set_label(c, &f->label_nl, v);
	case K_LABEL_EN:
		return set_label(c, &f->label_en, v);
	case K_UNIT:
		return set_label(c, &f->unit, v);
	case K_HELP:
		return set_label(c, &f->help, v);
	case K_KIND:
		for (i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
			if (strcmp(v, kind_names[i]) == 0) {
				f->kind = (enum sw_kind)i;
				c->meta[c->cur].has_kind = true;
				return 1;
			}
		}
		return ctx_fail(
		    c, SW_ERR_INPUT,
		    _("unknown kind '%s' for field '%s'; expected number, integer, enum, "
		      "bool or text"),
		    v, f->name);
	case K_MIN:
	case K_MAX:
		if (!sw_num_parse(v, SW_NUM_COMMA, &d))
			return ctx_fail(
			    c, SW_ERR_INPUT,
			    _("%s of field '%s' is '%s', expected a finite decimal number"),
			    key_names[k], f->name, v);
		if (k == K_MIN) {
			f->has_min = true;
			f->min = d;
		} else {
			f->has_max = true;
			f->max = d;
		}
		return 1;
	case K_REQUIRED:
		if (!sw_form_parse_yesno(v, &f->required))
			return ctx_fail(c, SW_ERR_INPUT,
			                _("required of field '%s' is '%s', expected yes or no"),
			                f->name, v);
		return 1;
	case K_VALUES:
		return parse_values(c, f, v);
	case K_VALUES_NL:
		return parse_value_labels(c, f, &f->values_nl, &f->nvalues_nl, v);
	case K_VALUES_EN:
		return parse_value_labels(c, f, &f->values_en, &f->nvalues_en, v);
	default:
		return ctx_fail(c, SW_ERR_INTERNAL, "unhandled key %d", k);
	}
}

/* A new section begins: create the field or status it names. */
static int begin_section(struct parse_ctx *c, const char *section)
{
	const char *prefix = c->mode == MODE_FORM ? "field" : "status";
	size_t plen = strlen(prefix);
	const char *name;
	size_t i;

	c->seen = 0;
	c->cur = SIZE_MAX;
	c->in_form = false;
	c->cur_line = c->header_line > 0 ? c->header_line : c->lineno;
	free(c->cur_section);
	c->cur_section = sw_strdup(section);
	if (c->cur_section == NULL)
		return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
	if (c->mode == MODE_FORM && strcmp(section, "form") == 0) {
		if (c->form_seen)
			return ctx_fail(c, SW_ERR_INPUT, "%s", _("section [form] appears twice"));
		c->form_seen = true;
		c->in_form = true;
		return 1;
	}
	if (section[0] == '\0')
		return ctx_fail(c, SW_ERR_INPUT, "%s",
		                _("key outside a section; start with [form] or [field <name>]"));
	if (strncmp(section, prefix, plen) != 0 || (section[plen] != ' ' && section[plen] != '\t'))
		return ctx_fail(c, SW_ERR_INPUT,
		                c->mode == MODE_FORM
		                    ? _("unknown section [%s]; expected [form] or [field <name>]")
		                    : _("unknown section [%s]; expected [status <name>]"),
		                section);
	name = section + plen;
	while (*name == ' ' || *name == '\t')
		name++;
	if (!ident_valid(name))
		return ctx_fail(
		    c, SW_ERR_INPUT,
		    _("name '%s' is not an identifier (lower-case letter, then letters, "
		      "digits or _, at most 63)"),
		    name);
	if (c->mode == MODE_FORM) {
		struct sw_field *grown;
		struct field_meta *meta;

		if (is_reserved(name))
			return ctx_fail(
			    c, SW_ERR_INPUT,
			    _("field '%s' collides with a fixed point column (id, uuid, "
			      "type, status, x, y, geom, surveyor, observed_at, "
			      "gps_accuracy_m, note, created_at, updated_at)"),
			    name);
		for (i = 0; i < c->form->nfields; i++)
			if (strcmp(c->form->fields[i].name, name) == 0)
				return ctx_fail(c, SW_ERR_INPUT,
				                _("field '%s' is defined twice (first at line %d)"),
				                name, c->meta[i].line);
		grown = realloc(c->form->fields, (c->form->nfields + 1) * sizeof *grown);
		if (grown == NULL)
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
		c->form->fields = grown;
		meta = realloc(c->meta, (c->form->nfields + 1) * sizeof *meta);
		if (meta == NULL)
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
		c->meta = meta;
		memset(&grown[c->form->nfields], 0, sizeof *grown);
		grown[c->form->nfields].name = sw_strdup(name);
		meta[c->form->nfields].line = c->cur_line;
		meta[c->form->nfields].has_kind = false;
		c->cur = c->form->nfields++;
		if (grown[c->cur].name == NULL)
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
	} else {
		struct sw_state_def *grown;
		int *lines;

		for (i = 0; i < c->nstates; i++)
			if (strcmp(c->states[i].name, name) == 0)
				return ctx_fail(
				    c, SW_ERR_INPUT,
				    _("status '%s' is defined twice (first at line %d)"), name,
				    c->state_lines[i]);
		grown = realloc(c->states, (c->nstates + 1) * sizeof *grown);
		if (grown == NULL)
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
		c->states = grown;
		lines = realloc(c->state_lines, (c->nstates + 1) * sizeof *lines);
		if (lines == NULL)
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
		c->state_lines = lines;
		memset(&grown[c->nstates], 0, sizeof *grown);
		grown[c->nstates].name = sw_strdup(name);
		lines[c->nstates] = c->cur_line;
		c->cur = c->nstates++;
		if (grown[c->cur].name == NULL)
			return ctx_fail(c, SW_ERR_NOMEM, "%s", _("out of memory"));
	}
	return 1;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *c = user;
	unsigned allowed;
	char list[256];
	int k;

	if (c->rc != SW_OK)
		return 0;
	if (c->cur_section == NULL || c->header_seen || strcmp(c->cur_section, section) != 0) {
		/* header_seen also catches "[field a]" repeated right after itself */
		if (!begin_section(c, section)) {
			c->err_line = c->cur_line; /* point at the [section] line */
			return 0;
		}
		c->header_seen = false;
	}
	c->header_has_keys = true;
	if (!sw_utf8_valid(value, strlen(value)))
		return ctx_fail(c, SW_ERR_INPUT, _("value of '%s' is not valid UTF-8"), name);
	if (c->mode == MODE_STATES)
		allowed = STATE_KEYS;
	else
		allowed = c->in_form ? FORM_KEYS : FIELD_KEYS;
	k = key_index(name, allowed);
	if (k < 0) {
		allowed_list(allowed, list, sizeof list);
		return ctx_fail(c, SW_ERR_INPUT, _("unknown key '%s' in [%s]; expected one of: %s"),
		                name, section, list);
	}
	if (c->seen & (1u << k))
		return ctx_fail(c, SW_ERR_INPUT,
		                _("key '%s' given twice in [%s] (values cannot continue on an "
		                  "indented line)"),
		                name, section);
	c->seen |= 1u << k;
	if (c->mode == MODE_STATES) {
		struct sw_state_def *s = &c->states[c->cur];

		if (k == K_LABEL_NL)
			return set_label(c, &s->label_nl, value);
		if (k == K_LABEL_EN)
			return set_label(c, &s->label_en, value);
		if (k == K_STAFF_ONLY) {
			if (!sw_form_parse_yesno(value, &s->staff_only))
				return ctx_fail(
				    c, SW_ERR_INPUT,
				    _("staff_only of status '%s' is '%s', expected yes or no"),
				    s->name, value);
			return 1;
		}
		if (k == K_FILL) {
			if (!word_in(value, sw_fill_names))
				return ctx_fail(c, SW_ERR_INPUT,
				                _("fill of status '%s' is '%s', expected one of: %s"),
				                s->name, value, SW_FILL_LIST);
			return set_label(c, &s->fill, value);
		}
		if (!color_valid(value))
			return ctx_fail(c, SW_ERR_INPUT,
			                _("color of status '%s' is '%s', expected #rrggbb"),
			                s->name, value);
		return set_label(c, &s->color, value);
	}
	if (c->in_form && k == K_SYMBOL) {
		if (!word_in(value, sw_symbol_names))
			return ctx_fail(c, SW_ERR_INPUT, _("symbol '%s' is unknown, expected one of: %s"),
			                value, SW_SYMBOL_LIST);
		return set_label(c, &c->form->symbol, value);
	}
	if (c->in_form)
		return set_label(c, k == K_LABEL_NL ? &c->form->label_nl : &c->form->label_en,
		                 value);
	return field_key(c, &c->form->fields[c->cur], k, value);
}

/* Run inih over path with the counting reader; "path:line: reason" on error. */
static enum sw_status parse_file(struct parse_ctx *c, struct sw_error *err)
{
	bool save_stack = ini_use_stack, save_realloc = ini_allow_realloc;
	bool save_stop = ini_stop_on_first_error;
	int save_max = ini_max_line;
	int rc;

	c->fp = fopen(c->path, "r");
	if (c->fp == NULL)
		return sw_error_set(err, errno == ENOENT ? SW_ERR_NOTFOUND : SW_ERR_IO,
		                    _("%s: cannot open: %s"), c->path, strerror(errno));
	c->at_bol = true;
	/* Debian's inih makes these run-time settings: a heap buffer that grows
	 * lets long help texts through instead of cutting them at 200 bytes. */
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = INI_LINE_MAX;
	ini_stop_on_first_error = true;
	rc = ini_parse_stream(ctx_reader, c, on_key, c);
	ini_use_stack = save_stack;
	ini_allow_realloc = save_realloc;
	ini_max_line = save_max;
	ini_stop_on_first_error = save_stop;
	if (ferror(c->fp) && c->rc == SW_OK)
		ctx_fail(c, SW_ERR_IO, _("read error: %s"), strerror(errno));
	fclose(c->fp);
	c->fp = NULL;
	if (c->rc != SW_OK)
		return sw_error_set(err, c->rc, "%s:%d: %s", c->path, c->err_line, c->msg);
	if (rc == -2)
		return sw_error_nomem(err);
	if (rc != 0)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s:%d: syntax error; expected [section], key = value or a "
		                      "; comment"),
		                    c->path, rc);
	if (c->header_seen && !c->header_has_keys && c->empty_line == 0)
		c->empty_line = c->header_line;
	if (c->empty_line != 0)
		return sw_error_set(err, SW_ERR_INPUT, _("%s:%d: section without keys"), c->path,
		                    c->empty_line);
	return SW_OK;
}

static void field_free(struct sw_field *f)
{
	size_t i;

	free(f->name);
	free(f->label_nl);
	free(f->label_en);
	free(f->unit);
	free(f->help);
	for (i = 0; i < f->nvalues; i++)
		free(f->values[i]);
	free(f->values);
	for (i = 0; i < f->nvalues_nl; i++)
		free(f->values_nl[i]);
	free(f->values_nl);
	for (i = 0; i < f->nvalues_en; i++)
		free(f->values_en[i]);
	free(f->values_en);
}

static void form_free(struct sw_form *f)
{
	size_t i;

	free(f->type);
	free(f->label_nl);
	free(f->label_en);
	free(f->symbol);
	free(f->path);
	for (i = 0; i < f->nfields; i++)
		field_free(&f->fields[i]);
	free(f->fields);
}

static void state_free(struct sw_state_def *s)
{
	free(s->name);
	free(s->label_nl);
	free(s->label_en);
	free(s->color);
	free(s->fill);
}

void sw_forms_free(struct sw_forms *forms)
{
	size_t i;

	if (forms == NULL)
		return;
	for (i = 0; i < forms->nforms; i++)
		form_free(&forms->forms[i]);
	free(forms->forms);
	for (i = 0; i < forms->nstates; i++)
		state_free(&forms->states[i]);
	free(forms->states);
	free(forms->dir);
	free(forms);
}

/* Checks that need the whole field: kind given, enum values, bounds. */
/* A missing label falls back to the other language, then to the name, so
 * callers can always print one. */
static bool default_labels(char **nl, char **en, const char *name)
{
	if (*nl == NULL)
		*nl = sw_strdup(*en != NULL ? *en : name);
	if (*en == NULL)
		*en = sw_strdup(*nl);
	return *nl != NULL && *en != NULL;
}

static enum sw_status check_fields(const struct sw_form *f, const struct field_meta *m,
                                   struct sw_error *err)
{
	size_t i;

	for (i = 0; i < f->nfields; i++) {
		const struct sw_field *d = &f->fields[i];
		char a[40], b[40];

		if (!m[i].has_kind)
			return sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s:%d: field '%s' has no kind (number, integer, enum, "
			      "bool or text)"),
			    f->path, m[i].line, d->name);
		if (d->kind == SW_KIND_ENUM && d->nvalues == 0)
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: field '%s' is an enum without values"),
			                    f->path, m[i].line, d->name);
		if (d->kind != SW_KIND_ENUM && d->nvalues > 0)
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: field '%s' has values but is no enum"),
			                    f->path, m[i].line, d->name);
		if ((d->nvalues_nl > 0 && d->nvalues_nl != d->nvalues) ||
		    (d->nvalues_en > 0 && d->nvalues_en != d->nvalues))
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: field '%s' has %zu values but %zu labels in "
			                      "%s; give one label per value, in the same order"),
			                    f->path, m[i].line, d->name, d->nvalues,
			                    d->nvalues_nl != d->nvalues ? d->nvalues_nl
			                                                : d->nvalues_en,
			                    d->nvalues_nl != d->nvalues ? "values_nl" : "values_en");
		if ((d->has_min || d->has_max) && d->kind != SW_KIND_NUMBER &&
		    d->kind != SW_KIND_INTEGER)
			return sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s:%d: field '%s' of kind %s cannot have min or max"), f->path,
			    m[i].line, d->name, sw_kind_name(d->kind));
		if (d->has_min && d->has_max && d->min > d->max) {
			sw_num_format(d->min, a);
			sw_num_format(d->max, b);
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: field '%s' has min %s above max %s"), f->path,
			                    m[i].line, d->name, a, b);
		}
	}
	return SW_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.ini names in dir, sorted. */
static enum sw_status list_ini(const char *dir, char ***out, size_t *n, struct sw_error *err)
{
	enum sw_status rc = SW_OK;
	char **names = NULL, **grown;
	size_t count = 0, i;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (d == NULL)
		return sw_error_set(err, errno == ENOENT ? SW_ERR_NOTFOUND : SW_ERR_IO,
		                    _("%s: cannot open forms directory: %s"), dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len <= 4 || strcmp(de->d_name + len - 4, ".ini") != 0 || de->d_name[0] == '.')
			continue;
		grown = realloc(names, (count + 1) * sizeof *names);
		if (grown == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
		names = grown;
		names[count] = sw_strdup(de->d_name);
		if (names[count] == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
		count++;
	}
	if (count > 0)
		qsort(names, count, sizeof *names, cmp_str);
out:
	closedir(d);
	if (rc != SW_OK) {
		for (i = 0; i < count; i++)
			free(names[i]);
		free(names);
		return rc;
	}
	*out = names;
	*n = count;
	return SW_OK;
}

static char *join_path(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + (c != NULL ? strlen(c) + 1 : 0) + 2;
	char *p = malloc(n);

	if (p == NULL)
		return NULL;
	if (c != NULL)
		snprintf(p, n, "%s/%s/%s", a, b, c);
	else
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

static enum sw_status load_states(struct sw_forms *fs, struct sw_error *err)
{
	struct parse_ctx c;
	enum sw_status rc;
	size_t i;
	char *path = join_path(fs->dir, "statuses.ini", NULL);

	memset(&c, 0, sizeof c);
	if (path == NULL)
		return sw_error_nomem(err);
	c.mode = MODE_STATES;
	c.path = path;
	rc = parse_file(&c, err);
	if (rc != SW_OK)
		goto out;
	if (c.nstates == 0) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s: no [status <name>] sections"), path);
		goto out;
	}
	for (i = 0; i < c.nstates; i++) {
		if (c.states[i].color == NULL) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s:%d: status '%s' has no color (#rrggbb)"), path,
			                  c.state_lines[i], c.states[i].name);
			goto out;
		}
		if (!default_labels(&c.states[i].label_nl, &c.states[i].label_en,
		                    c.states[i].name)) {
			rc = sw_error_nomem(err);
			goto out;
		}
	}
out:
	if (rc == SW_OK) {
		fs->states = c.states;
		fs->nstates = c.nstates;
	} else {
		for (i = 0; i < c.nstates; i++)
			state_free(&c.states[i]);
		free(c.states);
	}
	free(c.state_lines);
	free(c.cur_section);
	free(path);
	return rc;
}

/* One field name, one kind, over all forms: the store has one column. */
static enum sw_status check_kinds(const struct sw_forms *fs, struct field_meta *const *meta,
                                  struct sw_error *err)
{
	size_t a, i, b, j;

	for (b = 1; b < fs->nforms; b++) {
		for (j = 0; j < fs->forms[b].nfields; j++) {
			const struct sw_field *fb = &fs->forms[b].fields[j];

			for (a = 0; a < b; a++) {
				for (i = 0; i < fs->forms[a].nfields; i++) {
					const struct sw_field *fa = &fs->forms[a].fields[i];

					if (strcmp(fa->name, fb->name) != 0 || fa->kind == fb->kind)
						continue;
					return sw_error_set(
					    err, SW_ERR_INPUT,
					    _("%s:%d: field '%s' is %s here but %s in %s:%d; one "
					      "name must have one kind in all forms"),
					    fs->forms[b].path, meta[b][j].line, fb->name,
					    sw_kind_name(fb->kind), sw_kind_name(fa->kind),
					    fs->forms[a].path, meta[a][i].line);
				}
			}
		}
	}
	return SW_OK;
}

enum sw_status sw_forms_load(const char *datadir, struct sw_forms **out, struct sw_error *err)
{
	struct sw_forms *fs = NULL;
	enum sw_status rc = SW_OK;
	char **names = NULL, *formdir = NULL;
	struct field_meta **lines = NULL;
	size_t nnames = 0, i, k;

	if (out == NULL || datadir == NULL)
		return sw_error_set(err, SW_ERR_INTERNAL, "sw_forms_load: NULL argument");
	*out = NULL;
	fs = calloc(1, sizeof *fs);
	if (fs == NULL || (fs->dir = sw_strdup(datadir)) == NULL ||
	    (formdir = join_path(datadir, "forms", NULL)) == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	rc = list_ini(formdir, &names, &nnames, err);
	if (rc != SW_OK)
		goto out;
	if (nnames == 0) {
		rc = sw_error_set(err, SW_ERR_NOTFOUND, _("%s: no forms (*.ini)"), formdir);
		goto out;
	}
	fs->forms = calloc(nnames, sizeof *fs->forms);
	lines = calloc(nnames, sizeof *lines);
	if (fs->forms == NULL || lines == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	for (i = 0; i < nnames; i++) {
		struct sw_form *f = &fs->forms[i];
		struct parse_ctx c;

		fs->nforms = i + 1;
		f->path = join_path(formdir, names[i], NULL);
		f->type = sw_strdup(names[i]);
		if (f->path == NULL || f->type == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
		f->type[strlen(f->type) - 4] = '\0';
		if (!ident_valid(f->type)) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: type name '%s' is not an identifier (lower-case "
			                    "letter, then letters, digits or _, at most 63)"),
			                  f->path, f->type);
			goto out;
		}
		memset(&c, 0, sizeof c);
		c.mode = MODE_FORM;
		c.path = f->path;
		c.form = f;
		rc = parse_file(&c, err);
		lines[i] = c.meta;
		free(c.cur_section);
		if (rc == SW_OK)
			rc = check_fields(f, lines[i], err);
		if (rc != SW_OK)
			goto out;
		for (k = 0; k < f->nfields; k++)
			if (!default_labels(&f->fields[k].label_nl, &f->fields[k].label_en,
			                    f->fields[k].name))
				rc = sw_error_nomem(err);
		if (!default_labels(&f->label_nl, &f->label_en, f->type))
			rc = sw_error_nomem(err);
		if (rc != SW_OK)
			goto out;
		if (f->nfields == 0) {
			rc = sw_error_set(err, SW_ERR_INPUT, _("%s: no [field <name>] sections"),
			                  f->path);
			goto out;
		}
	}
	rc = check_kinds(fs, lines, err);
	if (rc != SW_OK)
		goto out;
	rc = load_states(fs, err);
out:
	if (lines != NULL)
		for (i = 0; i < nnames; i++)
			free(lines[i]);
	free(lines);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(formdir);
	if (rc != SW_OK) {
		sw_forms_free(fs);
		return rc;
	}
	*out = fs;
	return SW_OK;
}
