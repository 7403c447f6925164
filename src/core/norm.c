/* norm.c - norm profiles read from CSV (libcsv) and compiled into rules.
 *
 * Read the @extends chain (root first), merge rows by rule id (a child's
 * blank cell inherits the parent's), then compile every resolved row
 * against the forms. The engine that judges points is in norm_eval.c.
 */
#include "schouw/norm.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "schouw/i18n.h"
#include "schouw/num.h"

#define NORM_FILE_MAX (8 * 1024 * 1024)
#define NORM_CHAIN_MAX 16

enum col {
	C_ID,
	C_TYPE,
	C_FIELD,
	C_WHEN,
	C_OP,
	C_LIMIT,
	C_UNIT,
	C_SEVERITY,
	C_MSG_NL,
	C_MSG_EN,
	C_SOURCE,
	NCOL
};

static const char *const col_names[NCOL] = {"id",         "type",       "field", "when",
                                            "op",         "limit",      "unit",  "severity",
                                            "message_nl", "message_en", "source"};
static const bool col_required[NCOL] = {true,  true, true,  false, true, false,
                                        false, true, false, false, true};

struct raw_row {
	char *c[NCOL]; /* NULL when blank */
	const char *file;
	int line;
	bool off; /* severity "off": drop the inherited rule */
};

struct raw_file {
	char *name;
	char *path;
	char *parent; /* @extends, or NULL */
	int parent_line;
	char *title;
	unsigned char *bytes;
	size_t nbytes;
	struct raw_row *rows;
	size_t nrows, caprows;
};

struct csv_state {
	struct raw_file *rf;
	struct sw_error *err;
	bool failed;
	int line;     /* physical line being fed */
	int row_line; /* line of the current row's first cell */
	char **cells;
	size_t ncells, capcells;
	bool have_header;
	int colmap[64]; /* cell index -> enum col, -1 unused */
	size_t nheader;
};

static const char *const op_names[] = {"<=", ">=",      "<",      ">",        "=",
                                       "!=", "between", "one-of", "required", "within"};
static const char *const sev_names[] = {N_("error"), N_("warning"), N_("advice")};
static const char *const outcome_names[] = {"pass", "incomplete", "fail"};

const char *sw_norm_op_name(enum sw_norm_op op)
{
	return (size_t)op < sizeof op_names / sizeof op_names[0] ? op_names[op] : "?";
}

const char *sw_severity_name(enum sw_severity s)
{
	return (size_t)s < sizeof sev_names / sizeof sev_names[0] ? sev_names[s] : "?";
}

const char *sw_outcome_name(enum sw_outcome o)
{
	return (size_t)o < sizeof outcome_names / sizeof outcome_names[0] ? outcome_names[o] : "?";
}

bool sw_profile_name_valid(const char *name)
{
	if (name == NULL || name[0] == '\0' || strlen(name) > 64)
		return false;
	if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')))
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		      *c == '_' || *c == '.'))
			return false;
	return true;
}

static bool rule_id_valid(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 64)
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
			return false;
	return true;
}

/* ---- reading one CSV file ---------------------------------------------- */

static void raw_file_free(struct raw_file *rf)
{
	if (rf == NULL)
		return;
	for (size_t i = 0; i < rf->nrows; i++)
		for (int c = 0; c < NCOL; c++)
			free(rf->rows[i].c[c]);
	free(rf->rows);
	free(rf->name);
	free(rf->path);
	free(rf->parent);
	free(rf->title);
	free(rf->bytes);
	free(rf);
}

static void cells_clear(struct csv_state *st)
{
	for (size_t i = 0; i < st->ncells; i++)
		free(st->cells[i]);
	st->ncells = 0;
}

static void st_fail(struct csv_state *st, enum sw_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void st_fail(struct csv_state *st, enum sw_status code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (st->failed)
		return;
	st->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sw_error_set(st->err, code, "%s:%d: %s", st->rf->path, st->row_line, msg);
}

static void on_cell(void *s, size_t len, void *data)
{
	struct csv_state *st = data;
	char *cell;

	if (st->failed)
		return;
	if (st->ncells == 0)
		st->row_line = st->line;
	if (st->ncells == st->capcells) {
		size_t cap = st->capcells ? st->capcells * 2 : 16;
		char **n = realloc(st->cells, cap * sizeof *n);
		if (n == NULL) {
			st_fail(st, SW_ERR_NOMEM, "%s", _("out of memory"));
			return;
		}
		st->cells = n;
		st->capcells = cap;
	}
	cell = malloc(len + 1);
	if (cell == NULL) {
		st_fail(st, SW_ERR_NOMEM, "%s", _("out of memory"));
		return;
	}
	if (len > 0)
		memcpy(cell, s, len);
	cell[len] = '\0';
	st->cells[st->ncells++] = cell;
}

static bool blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void header_row(struct csv_state *st)
{
	bool seen[NCOL] = {false};

	if (st->ncells > sizeof st->colmap / sizeof st->colmap[0]) {
		st_fail(st, SW_ERR_INPUT, "%s", _("too many columns in the header"));
		return;
	}
	for (size_t i = 0; i < st->ncells; i++) {
		char *h = st->cells[i];
		int c;
		st->colmap[i] = -1;
		lower(h);
		if (blank(h))
			continue;
		for (c = 0; c < NCOL; c++)
			if (strcmp(h, col_names[c]) == 0)
				break;
		if (c == NCOL) {
			st_fail(
			    st, SW_ERR_INPUT,
			    strchr(h, ',') != NULL
			        ? _("unknown column '%s' (columns are separated by ';', not ',')")
			        : _("unknown column '%s'; expected id, type, field, when, op, "
			            "limit, unit, severity, message_nl, message_en, source"),
			    h);
			return;
		}
		if (seen[c]) {
			st_fail(st, SW_ERR_INPUT, _("column '%s' appears twice"), h);
			return;
		}
		seen[c] = true;
		st->colmap[i] = c;
	}
	for (int c = 0; c < NCOL; c++)
		if (col_required[c] && !seen[c]) {
			st_fail(st, SW_ERR_INPUT, _("the header lacks the column '%s'"),
			        col_names[c]);
			return;
		}
	st->nheader = st->ncells;
	st->have_header = true;
}

static void directive_row(struct csv_state *st)
{
	char *d = st->cells[0];
	const char *arg = st->ncells > 1 ? st->cells[1] : NULL;

	lower(d);
	if (strcmp(d, "@extends") == 0) {
		if (st->rf->parent != NULL) {
			st_fail(st, SW_ERR_INPUT, "%s", _("a second @extends"));
			return;
		}
		if (!sw_profile_name_valid(arg)) {
			st_fail(st, SW_ERR_INPUT,
			        _("@extends needs a profile name ([a-z0-9_.-]) in the next cell, "
			          "got '%s'"),
			        arg);
			return;
		}
		st->rf->parent = strdup(arg);
		st->rf->parent_line = st->row_line;
		if (st->rf->parent == NULL)
			st_fail(st, SW_ERR_NOMEM, "%s", _("out of memory"));
	} else if (strcmp(d, "@title") == 0) {
		free(st->rf->title);
		st->rf->title = strdup(arg ? arg : "");
		if (st->rf->title == NULL)
			st_fail(st, SW_ERR_NOMEM, "%s", _("out of memory"));
	} else {
		st_fail(st, SW_ERR_INPUT, _("unknown directive '%s'; known: @extends, @title"), d);
	}
}

static void data_row(struct csv_state *st)
{
	struct raw_file *rf = st->rf;
	struct raw_row *r;

	if (st->ncells > st->nheader) {
		for (size_t i = st->nheader; i < st->ncells; i++)
			if (!blank(st->cells[i])) {
				st_fail(st, SW_ERR_INPUT,
				        _("row has %zu cells but the header only %zu columns"),
				        st->ncells, st->nheader);
				return;
			}
	}
	if (rf->nrows == rf->caprows) {
		size_t cap = rf->caprows ? rf->caprows * 2 : 32;
		struct raw_row *n = realloc(rf->rows, cap * sizeof *n);
		if (n == NULL) {
			st_fail(st, SW_ERR_NOMEM, "%s", _("out of memory"));
			return;
		}
		rf->rows = n;
		rf->caprows = cap;
	}
	r = &rf->rows[rf->nrows++];
	memset(r, 0, sizeof *r);
	r->file = rf->path;
	r->line = st->row_line;
	for (size_t i = 0; i < st->ncells && i < st->nheader; i++) {
		int c = st->colmap[i];
		if (c < 0 || blank(st->cells[i]))
			continue;
		/* take the cell, trimmed */
		char *s = st->cells[i];
		size_t a = strspn(s, " \t"), n = strlen(s);
		while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
			n--;
		memmove(s, s + a, n - a);
		s[n - a] = '\0';
		r->c[c] = s;
		st->cells[i] = NULL;
	}
}

static void on_row(int term, void *data)
{
	struct csv_state *st = data;
	bool all_blank = true;

	(void)term;
	if (st->failed) {
		cells_clear(st);
		return;
	}
	for (size_t i = 0; i < st->ncells; i++)
		if (!blank(st->cells[i]))
			all_blank = false;
	if (all_blank || st->cells[0][0] == '#') {
		/* blank or comment row */
	} else if (st->cells[0][0] == '@') {
		directive_row(st);
	} else if (!st->have_header) {
		header_row(st);
	} else {
		data_row(st);
	}
	cells_clear(st);
}

static enum sw_status read_file(const char *path, unsigned char **out, size_t *n,
                                struct sw_error *err)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	struct stat sb;
	enum sw_status rc = SW_OK;

	if (f == NULL)
		return sw_error_set(err, errno == ENOENT ? SW_ERR_NOTFOUND : SW_ERR_IO,
		                    _("%s: cannot read: %s"), path, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || sb.st_size > NORM_FILE_MAX) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s: not a regular file of at most 8 MiB"),
		                  path);
		goto out;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (buf == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	*n = fread(buf, 1, (size_t)sb.st_size, f);
	if (ferror(f)) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: read error"), path);
		goto out;
	}
	buf[*n] = '\0';
	*out = buf;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return rc;
}

/* Parse path into *out (caller frees with raw_file_free). */
static enum sw_status parse_file(const char *path, const char *name, struct raw_file **out,
                                 struct sw_error *err)
{
	struct raw_file *rf = calloc(1, sizeof *rf);
	struct csv_state st = {0};
	struct csv_parser p;
	bool parser = false;
	enum sw_status rc = SW_OK;
	size_t off = 0;

	if (rf == NULL)
		return sw_error_nomem(err);
	rf->name = strdup(name);
	rf->path = strdup(path);
	if (rf->name == NULL || rf->path == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	rc = read_file(path, &rf->bytes, &rf->nbytes, err);
	if (rc != SW_OK)
		goto out;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		rc = sw_error_nomem(err);
		goto out;
	}
	parser = true;
	csv_set_delim(&p, ';');
	st.rf = rf;
	st.err = err;
	st.line = 1;
	if (rf->nbytes >= 3 && memcmp(rf->bytes, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	/* Feed line by line so a row knows its line number. */
	while (off < rf->nbytes && !st.failed) {
		const unsigned char *nl = memchr(rf->bytes + off, '\n', rf->nbytes - off);
		size_t len = nl ? (size_t)(nl - (rf->bytes + off)) + 1 : rf->nbytes - off;
		if (csv_parse(&p, rf->bytes + off, len, on_cell, on_row, &st) != len) {
			st.row_line = st.line;
			st_fail(&st, SW_ERR_INPUT, _("CSV syntax error: %s"),
			        csv_strerror(csv_error(&p)));
			break;
		}
		off += len;
		if (nl != NULL)
			st.line++;
	}
	if (!st.failed && csv_fini(&p, on_cell, on_row, &st) != 0) {
		st.row_line = st.line;
		st_fail(&st, SW_ERR_INPUT, _("CSV syntax error: %s"),
		        _("a quoted cell is not closed"));
	}
	if (st.failed) {
		rc = err ? err->code : SW_ERR_INPUT;
		goto out;
	}
	if (!st.have_header && rf->nrows == 0 && rf->parent == NULL) {
		rc = sw_error_set(err, SW_ERR_INPUT, _("%s:%d: no header row (id;type;field;...)"),
		                  path, st.line);
		goto out;
	}
	*out = rf;
	rf = NULL;
out:
	cells_clear(&st);
	free(st.cells);
	if (parser)
		csv_free(&p);
	raw_file_free(rf);
	return rc;
}

/* ---- compiling a resolved row into a rule ------------------------------- */

static void rule_free(struct sw_rule *r)
{
	free(r->id);
	free(r->type);
	free(r->field);
	free(r->when);
	for (size_t i = 0; i < r->nconds; i++) {
		free(r->conds[i].field);
		free(r->conds[i].text);
	}
	free(r->conds);
	free(r->limit);
	for (size_t i = 0; i < r->nvalues; i++)
		free(r->values[i]);
	free(r->values);
	free(r->message_nl);
	free(r->message_en);
	free(r->source);
	free(r->file);
}

void sw_profile_free(struct sw_profile *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nrules; i++)
		rule_free(&p->rules[i]);
	free(p->rules);
	for (size_t i = 0; i < p->ntypes; i++)
		free(p->types[i]);
	free(p->types);
	free(p->type_first);
	free(p->type_count);
	free(p->order);
	free(p->name);
	free(p->title);
	free(p->chain);
	free(p);
}

static bool parse_bool(const char *s, double *out)
{
	static const char *const yes[] = {"yes", "true", "ja", "1", "y", "j"};
	static const char *const no[] = {"no", "false", "nee", "0", "n"};

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return true;
		}
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return true;
		}
	return false;
}

static bool enum_allowed(const struct sw_field *f, const char *v)
{
	for (size_t i = 0; i < f->nvalues; i++)
		if (strcmp(f->values[i], v) == 0)
			return true;
	return false;
}

static enum sw_status enum_error(const struct raw_row *row, const struct sw_field *f, const char *v,
                                 struct sw_error *err)
{
	char list[512] = "";

	for (size_t i = 0; i < f->nvalues; i++) {
		if (i > 0)
			strncat(list, "|", sizeof list - strlen(list) - 1);
		strncat(list, f->values[i], sizeof list - strlen(list) - 1);
	}
	return sw_error_set(err, SW_ERR_INPUT, _("%s:%d: '%s' is not a value of %s (%s)"),
	                    row->file, row->line, v, f->name, list);
}

/* The unit a number in this rule is written in: the rule's unit cell, else
 * the field's own unit. Checks the dimension against the field's. */
static enum sw_status rule_unit(const struct raw_row *row, const char *cell,
                                const struct sw_unit *fu, const char *fname, const char *what,
                                const struct sw_unit **out, struct sw_error *err)
{
	const struct sw_unit *u = cell ? sw_unit_find(cell) : fu;

	if (u == NULL)
		return sw_error_set(err, SW_ERR_INPUT, _("%s:%d: unknown unit '%s'; known: %s"),
		                    row->file, row->line, cell, sw_unit_names());
	if (u->dim != fu->dim)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s:%d: %s: unit '%s' does not fit %s, which is measured in "
		                      "'%s'"),
		                    row->file, row->line, what, u->name, fname, fu->name);
	*out = u;
	return SW_OK;
}

static const struct sw_unit *field_unit(const struct sw_field *f)
{
	return sw_unit_find(f->unit ? f->unit : "");
}

static bool parse_cmp_op(const char **s, enum sw_norm_op *op)
{
	static const struct {
		const char *t;
		enum sw_norm_op op;
	} ops[] = {{"<=", SW_NOP_LE}, {">=", SW_NOP_GE}, {"!=", SW_NOP_NE}, {"<>", SW_NOP_NE},
	           {"==", SW_NOP_EQ}, {"<", SW_NOP_LT},  {">", SW_NOP_GT},  {"=", SW_NOP_EQ}};

	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		size_t n = strlen(ops[i].t);
		if (strncmp(*s, ops[i].t, n) == 0) {
			*s += n;
			*op = ops[i].op;
			return true;
		}
	}
	return false;
}

/* One condition "field op value [unit]". */
static enum sw_status compile_cond(const struct raw_row *row, const struct sw_form *form,
                                   const char *text, struct sw_norm_cond *c, struct sw_error *err)
{
	const char *s = text;
	char name[72];
	size_t n = 0;
	const struct sw_field *f;
	char val[128];

	while (*s == ' ')
		s++;
	while ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_') {
		if (n + 1 < sizeof name)
			name[n++] = *s;
		s++;
	}
	name[n] = '\0';
	while (*s == ' ')
		s++;
	if (n == 0 || !parse_cmp_op(&s, &c->op))
		return sw_error_set(
		    err, SW_ERR_INPUT,
		    _("%s:%d: condition '%s': expected 'field op value' with op one "
		      "of <= >= < > = !="),
		    row->file, row->line, text);
	f = sw_form_field(form, name);
	if (f == NULL)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s:%d: condition '%s': unknown field '%s' for type %s"),
		                    row->file, row->line, text, name, form->type);
	c->field = strdup(name);
	if (c->field == NULL)
		return sw_error_nomem(err);
	c->kind = f->kind;
	c->field_unit = field_unit(f);
	while (*s == ' ')
		s++;
	snprintf(val, sizeof val, "%s", s);
	n = strlen(val);
	while (n > 0 && val[n - 1] == ' ')
		val[--n] = '\0';
	switch (f->kind) {
	case SW_KIND_NUMBER:
	case SW_KIND_INTEGER: {
		const struct sw_unit *u;
		char *unit = NULL, *end;
		double d;
		size_t used;
		enum sw_status rc;
		if (c->field_unit == NULL)
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: field %s has unit '%s', "
			                      "unknown to the norm engine"),
			                    row->file, row->line, f->name, f->unit);
		/* value with an optional unit: "0.25 m", "25cm", "1:12" */
		char *num = strncmp(val, "1:", 2) == 0 ? val + 2 : val;
		used = sw_num_scan(num, strlen(num), SW_NUM_COMMA, &d);
		end = num + used;
		if (used == 0)
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: condition '%s': '%s' is not a number"),
			                    row->file, row->line, text, val);
		if (*end != '\0') {
			unit = end;
			while (*unit == ' ')
				unit++;
			*end = '\0';
		}
		rc = rule_unit(row, unit && *unit ? unit : NULL, c->field_unit, f->name,
		               _("condition"), &u, err);
		if (rc != SW_OK)
			return rc;
		if (!sw_unit_parse(u, val, &c->num))
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: condition '%s': '%s' is not a number"),
			                    row->file, row->line, text, val);
		return SW_OK;
	}
	case SW_KIND_BOOL:
		if ((c->op != SW_NOP_EQ && c->op != SW_NOP_NE) || !parse_bool(val, &c->num))
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: condition '%s': a yes/no field takes = or != "
			                      "and yes or no"),
			                    row->file, row->line, text);
		return SW_OK;
	case SW_KIND_ENUM:
		if (c->op != SW_NOP_EQ && c->op != SW_NOP_NE)
			return sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s:%d: condition '%s': a choice field takes = or !="), row->file,
			    row->line, text);
		if (!enum_allowed(f, val))
			return enum_error(row, f, val, err);
		c->text = strdup(val);
		return c->text ? SW_OK : sw_error_nomem(err);
	default:
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s:%d: condition '%s': text fields cannot be compared"),
		                    row->file, row->line, text);
	}
}

static enum sw_status compile_when(const struct raw_row *row, const struct sw_form *form,
                                   struct sw_rule *r, struct sw_error *err)
{
	char *copy, *p;
	size_t n = 1;
	enum sw_status rc = SW_OK;

	r->when = strdup(row->c[C_WHEN]);
	copy = strdup(row->c[C_WHEN]);
	if (r->when == NULL || copy == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	for (p = copy; (p = strstr(p, " and ")) != NULL; p += 5)
		n++;
	r->conds = calloc(n, sizeof *r->conds);
	if (r->conds == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	p = copy;
	while (p != NULL) {
		char *next = strstr(p, " and ");
		if (next != NULL) {
			*next = '\0';
			next += 5;
		}
		rc = compile_cond(row, form, p, &r->conds[r->nconds++], err);
		if (rc != SW_OK)
			goto out;
		p = next;
	}
out:
	free(copy);
	return rc;
}

static enum sw_status split_values(const struct raw_row *row, const struct sw_field *f,
                                   struct sw_rule *r, struct sw_error *err)
{
	const char *s = r->limit;
	size_t n = 1;

	for (const char *k = s; *k; k++)
		if (*k == '|')
			n++;
	r->values = calloc(n, sizeof *r->values);
	if (r->values == NULL)
		return sw_error_nomem(err);
	while (s != NULL) {
		const char *bar = strchr(s, '|');
		size_t len = bar ? (size_t)(bar - s) : strlen(s);
		char *v;
		while (len > 0 && *s == ' ') {
			s++;
			len--;
		}
		while (len > 0 && s[len - 1] == ' ')
			len--;
		v = strndup(s, len);
		if (v == NULL)
			return sw_error_nomem(err);
		r->values[r->nvalues++] = v;
		if (!enum_allowed(f, v))
			return enum_error(row, f, v, err);
		s = bar ? bar + 1 : NULL;
	}
	return SW_OK;
}

static enum sw_status bad_limit(const struct raw_row *row, const char *what, struct sw_error *err)
{
	return sw_error_set(err, SW_ERR_INPUT, _("%s:%d: limit '%s': expected %s"), row->file,
	                    row->line, row->c[C_LIMIT] ? row->c[C_LIMIT] : "", what);
}

static enum sw_status parse_op(const struct raw_row *row, enum sw_norm_op *op, struct sw_error *err)
{
	const char *s = row->c[C_OP];

	for (size_t i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
		if (i != SW_NOP_NE && strcasecmp(s, op_names[i]) == 0) {
			*op = (enum sw_norm_op)i;
			return SW_OK;
		}
	if (strcasecmp(s, "one_of") == 0 || strcasecmp(s, "oneof") == 0) {
		*op = SW_NOP_ONE_OF;
		return SW_OK;
	}
	return sw_error_set(err, SW_ERR_INPUT,
	                    _("%s:%d: unknown operator '%s'; known: <= >= < > = between one-of "
	                      "required within"),
	                    row->file, row->line, s);
}

static enum sw_status compile_within(const struct raw_row *row, const struct sw_forms *forms,
                                     struct sw_rule *r, struct sw_error *err)
{
	const char *s = row->c[C_FIELD];
	char *end;
	const struct sw_unit *m = sw_unit_find("m");
	const struct sw_unit *u;
	enum sw_status rc;
	long n = 1;

	if (*s >= '0' && *s <= '9') {
		n = strtol(s, &end, 10);
		if (n < 1 || n > 1000 || *end != ' ')
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: within: field '%s' must be '[count ]type'"),
			                    row->file, row->line, s);
		s = end;
		while (*s == ' ')
			s++;
	}
	if (sw_forms_find_or_error(forms, s, err) == NULL)
		return sw_error_prefix(err, "%s:%d: within: ", row->file, row->line);
	free(r->field);
	r->field = strdup(s);
	if (r->field == NULL)
		return sw_error_nomem(err);
	r->near_count = (size_t)n;
	r->kind = SW_KIND_NUMBER;
	r->field_unit = m;
	rc = rule_unit(row, row->c[C_UNIT], m, _("a distance"), _("within"), &u, err);
	if (rc != SW_OK)
		return rc;
	r->unit = u;
	if (r->limit == NULL || !sw_unit_parse(u, r->limit, &r->lo) || r->lo < 0)
		return bad_limit(row, _("a distance >= 0"), err);
	return SW_OK;
}

static enum sw_status compile_row(const struct raw_row *row, const struct sw_forms *forms,
                                  struct sw_rule *r, struct sw_error *err)
{
	const struct sw_form *form;
	const struct sw_field *f;
	const char *sev = row->c[C_SEVERITY];
	enum sw_status rc;

	r->line = row->line;
	r->file = strdup(row->file);
	if (r->file == NULL)
		return sw_error_nomem(err);
	for (int c = 0; c < NCOL; c++)
		if (col_required[c] && c != C_ID && row->c[c] == NULL)
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: rule %s: the cell '%s' is empty"), row->file,
			                    row->line, row->c[C_ID], col_names[c]);
	r->id = strdup(row->c[C_ID]);
	r->type = strdup(row->c[C_TYPE]);
	r->field = strdup(row->c[C_FIELD]);
	r->limit = row->c[C_LIMIT] ? strdup(row->c[C_LIMIT]) : NULL;
	r->message_nl = row->c[C_MSG_NL] ? strdup(row->c[C_MSG_NL]) : NULL;
	r->message_en = row->c[C_MSG_EN] ? strdup(row->c[C_MSG_EN]) : NULL;
	r->source = strdup(row->c[C_SOURCE]);
	if (!r->id || !r->type || !r->field || !r->source || (row->c[C_LIMIT] && !r->limit) ||
	    (row->c[C_MSG_NL] && !r->message_nl) || (row->c[C_MSG_EN] && !r->message_en))
		return sw_error_nomem(err);
	if (strcasecmp(sev, "error") == 0 || strcasecmp(sev, "fout") == 0)
		r->severity = SW_SEV_ERROR;
	else if (strcasecmp(sev, "warning") == 0 || strcasecmp(sev, "waarschuwing") == 0)
		r->severity = SW_SEV_WARNING;
	else if (strcasecmp(sev, "advice") == 0 || strcasecmp(sev, "advies") == 0)
		r->severity = SW_SEV_ADVICE;
	else
		return sw_error_set(
		    err, SW_ERR_INPUT,
		    _("%s:%d: unknown severity '%s'; known: error, warning, advice, "
		      "off"),
		    row->file, row->line, sev);
	form = sw_forms_find(forms, r->type);
	if (form == NULL) {
		sw_forms_find_or_error(forms, r->type, err);
		return sw_error_prefix(err, "%s:%d: ", row->file, row->line);
	}
	rc = parse_op(row, &r->op, err);
	if (rc != SW_OK)
		return rc;
	if (row->c[C_WHEN] != NULL && strcmp(row->c[C_WHEN], "-") != 0) {
		rc = compile_when(row, form, r, err);
		if (rc != SW_OK)
			return rc;
	}
	if (r->op == SW_NOP_WITHIN)
		return compile_within(row, forms, r, err);
	f = sw_form_field(form, r->field);
	if (f == NULL) {
		sw_form_field_or_error(form, r->field, err);
		if (err != NULL && err->msg[0] == '\0')
			sw_error_set(err, SW_ERR_INPUT, _("unknown field '%s'"), r->field);
		return sw_error_prefix(err, "%s:%d: ", row->file, row->line);
	}
	r->kind = f->kind;
	r->field_unit = field_unit(f);
	if (r->field_unit == NULL)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s:%d: field %s has unit '%s', unknown to the norm engine"),
		                    row->file, row->line, f->name, f->unit);
	r->unit = r->field_unit;
	if (r->op == SW_NOP_REQUIRED)
		return SW_OK;
	if (r->limit == NULL)
		return bad_limit(row, _("a limit for this operator"), err);
	switch (f->kind) {
	case SW_KIND_NUMBER:
	case SW_KIND_INTEGER: {
		const char *ucell = row->c[C_UNIT];
		/* "1:12" with no unit cell is a ratio */
		if (ucell == NULL && strncmp(r->limit, "1:", 2) == 0 &&
		    r->field_unit->dim == SW_DIM_SLOPE)
			ucell = "ratio";
		rc = rule_unit(row, ucell, r->field_unit, f->name, _("unit"), &r->unit, err);
		if (rc != SW_OK)
			return rc;
		if (r->op == SW_NOP_BETWEEN) {
			const char *dots = strstr(r->limit, "..");
			char a[64];
			size_t la = dots ? (size_t)(dots - r->limit) : 0;
			if (dots == NULL || la >= sizeof a)
				return bad_limit(row, _("'low..high'"), err);
			memcpy(a, r->limit, la);
			a[la] = '\0';
			if (!sw_unit_parse(r->unit, a, &r->lo) ||
			    !sw_unit_parse(r->unit, dots + 2, &r->hi))
				return bad_limit(row, _("'low..high' with two numbers"), err);
			if (r->lo > r->hi) {
				double t = r->lo;
				r->lo = r->hi;
				r->hi = t;
			}
			return SW_OK;
		}
		if (r->op == SW_NOP_ONE_OF)
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: one-of needs a choice field; %s is a number"),
			                    row->file, row->line, f->name);
		if (!sw_unit_parse(r->unit, r->limit, &r->lo))
			return bad_limit(row, _("a number"), err);
		r->hi = r->lo;
		return SW_OK;
	}
	case SW_KIND_BOOL:
		if (row->c[C_UNIT] != NULL)
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: unit '%s' given for the yes/no field %s"),
			                    row->file, row->line, row->c[C_UNIT], f->name);
		if (r->op != SW_NOP_EQ)
			return sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s:%d: a yes/no field takes = or required, not '%s'"), row->file,
			    row->line, row->c[C_OP]);
		if (!parse_bool(r->limit, &r->lo))
			return bad_limit(row, _("yes or no"), err);
		return SW_OK;
	case SW_KIND_ENUM:
		if (row->c[C_UNIT] != NULL)
			return sw_error_set(err, SW_ERR_INPUT,
			                    _("%s:%d: unit '%s' given for the choice field %s"),
			                    row->file, row->line, row->c[C_UNIT], f->name);
		if (r->op != SW_NOP_EQ && r->op != SW_NOP_ONE_OF)
			return sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s:%d: a choice field takes =, one-of or required, not "
			      "'%s'"),
			    row->file, row->line, row->c[C_OP]);
		return split_values(row, f, r, err);
	default:
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s:%d: a text field only takes the operator required"),
		                    row->file, row->line);
	}
}

/* ---- the chain, merging, indexing --------------------------------------- */

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
}

static char *join3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s%s%s", a, b, c);
	return s;
}

static char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *b = slash ? slash + 1 : path;
	size_t n = strlen(b);

	if (n > 4 && strcmp(b + n - 4, ".csv") == 0)
		n -= 4;
	return strndup(b, n);
}

static struct raw_row *find_row(struct raw_row **rows, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i] != NULL && strcmp(rows[i]->c[C_ID], id) == 0)
			return rows[i];
	return NULL;
}

static enum sw_status build_index(struct sw_profile *p, struct sw_error *err)
{
	size_t k = 0;

	p->types = calloc(p->nrules + 1, sizeof *p->types);
	p->type_first = calloc(p->nrules + 1, sizeof *p->type_first);
	p->type_count = calloc(p->nrules + 1, sizeof *p->type_count);
	p->order = calloc(p->nrules + 1, sizeof *p->order);
	if (!p->types || !p->type_first || !p->type_count || !p->order)
		return sw_error_nomem(err);
	for (size_t i = 0; i < p->nrules; i++) {
		size_t t;
		for (t = 0; t < p->ntypes; t++)
			if (strcmp(p->types[t], p->rules[i].type) == 0)
				break;
		if (t == p->ntypes) {
			p->types[t] = strdup(p->rules[i].type);
			if (p->types[t] == NULL)
				return sw_error_nomem(err);
			p->ntypes++;
		}
		p->type_count[t]++;
	}
	for (size_t t = 0; t < p->ntypes; t++) {
		p->type_first[t] = k;
		for (size_t i = 0; i < p->nrules; i++)
			if (strcmp(p->types[t], p->rules[i].type) == 0)
				p->order[k++] = i;
		if (p->type_count[t] > p->max_rules_per_type)
			p->max_rules_per_type = p->type_count[t];
	}
	return SW_OK;
}

enum sw_status sw_profile_load_file(const char *path, const struct sw_forms *forms,
                                    struct sw_profile **out, struct sw_error *err)
{
	struct raw_file *chain[NORM_CHAIN_MAX] = {NULL};
	size_t nchain = 0, nrows = 0, cap = 0;
	struct raw_row **rows = NULL;
	struct sw_profile *p = NULL;
	char *dir = dir_of(path);
	char *name = base_name(path);
	char *cur = NULL;
	enum sw_status rc = SW_OK;
	struct sha256_ctx sha;
	uint8_t digest[SHA256_DIGEST_SIZE];
	size_t chainlen = 0;

	*out = NULL;
	if (dir == NULL || name == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	cur = strdup(path);
	if (cur == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	/* read leaf first, then each parent */
	for (;;) {
		struct raw_file *rf = NULL;
		const char *nm = nchain == 0 ? name : chain[nchain - 1]->parent;
		rc = parse_file(cur, nm, &rf, err);
		if (rc != SW_OK) {
			if (rc == SW_ERR_NOTFOUND && nchain > 0)
				rc = sw_error_set(err, SW_ERR_INPUT,
				                  _("%s:%d: @extends '%s': no profile file %s"),
				                  chain[nchain - 1]->path,
				                  chain[nchain - 1]->parent_line, nm, cur);
			goto out;
		}
		chain[nchain++] = rf;
		if (rf->parent == NULL)
			break;
		for (size_t i = 0; i < nchain; i++)
			if (strcmp(chain[i]->name, rf->parent) == 0) {
				char loop[512] = "";
				for (size_t j = 0; j < nchain; j++) {
					strncat(loop, chain[j]->name,
					        sizeof loop - strlen(loop) - 1);
					strncat(loop, " -> ", sizeof loop - strlen(loop) - 1);
				}
				strncat(loop, rf->parent, sizeof loop - strlen(loop) - 1);
				rc = sw_error_set(err, SW_ERR_INPUT,
				                  _("%s:%d: circular @extends: %s"), rf->path,
				                  rf->parent_line, loop);
				goto out;
			}
		if (nchain == NORM_CHAIN_MAX) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s:%d: @extends chain deeper than %d"), rf->path,
			                  rf->parent_line, NORM_CHAIN_MAX);
			goto out;
		}
		free(cur);
		cur = join3(dir, "/", rf->parent);
		if (cur != NULL) {
			char *c2 = join3(cur, ".csv", "");
			free(cur);
			cur = c2;
		}
		if (cur == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
	}
	/* merge root first */
	for (size_t k = nchain; k-- > 0;) {
		struct raw_file *rf = chain[k];
		for (size_t i = 0; i < rf->nrows; i++) {
			struct raw_row *r = &rf->rows[i];
			struct raw_row *old;
			bool off =
			    r->c[C_SEVERITY] != NULL && strcasecmp(r->c[C_SEVERITY], "off") == 0;
			if (!rule_id_valid(r->c[C_ID])) {
				rc =
				    sw_error_set(err, SW_ERR_INPUT,
				                 _("%s:%d: rule id '%s': expected letters, digits, "
				                   "'-', '_' or '.'"),
				                 r->file, r->line, r->c[C_ID] ? r->c[C_ID] : "");
				goto out;
			}
			for (size_t j = 0; j < i; j++)
				if (strcmp(rf->rows[j].c[C_ID], r->c[C_ID]) == 0) {
					rc = sw_error_set(
					    err, SW_ERR_INPUT,
					    _("%s:%d: rule id '%s' already used on line %d"),
					    r->file, r->line, r->c[C_ID], rf->rows[j].line);
					goto out;
				}
			old = find_row(rows, nrows, r->c[C_ID]);
			if (old != NULL) {
				if (off) {
					for (size_t j = 0; j < nrows; j++)
						if (rows[j] == old)
							rows[j] = NULL;
					continue;
				}
				/* blank cells inherit; the merged row lives in the child */
				for (int c = 0; c < NCOL; c++)
					if (r->c[c] == NULL && old->c[c] != NULL) {
						r->c[c] = strdup(old->c[c]);
						if (r->c[c] == NULL) {
							rc = sw_error_nomem(err);
							goto out;
						}
					}
				for (size_t j = 0; j < nrows; j++)
					if (rows[j] == old)
						rows[j] = r;
				continue;
			}
			if (off) {
				rc = sw_error_set(
				    err, SW_ERR_INPUT,
				    _("%s:%d: severity off, but no inherited rule '%s' "
				      "to switch off"),
				    r->file, r->line, r->c[C_ID]);
				goto out;
			}
			if (nrows == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct raw_row **n = realloc(rows, ncap * sizeof *n);
				if (n == NULL) {
					rc = sw_error_nomem(err);
					goto out;
				}
				rows = n;
				cap = ncap;
			}
			rows[nrows++] = r;
		}
	}
	p = calloc(1, sizeof *p);
	if (p == NULL || (p->rules = calloc(nrows + 1, sizeof *p->rules)) == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	p->name = strdup(name);
	for (size_t k = 0; k < nchain; k++)
		chainlen += strlen(chain[k]->name) + 3;
	p->chain = calloc(1, chainlen + 1);
	if (p->name == NULL || p->chain == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	for (size_t k = 0, off = 0; k < nchain; k++)
		off += (size_t)snprintf(p->chain + off, chainlen + 1 - off, "%s%s", k ? " < " : "",
		                        chain[k]->name);
	for (size_t k = 0; k < nchain && p->title == NULL; k++)
		if (chain[k]->title != NULL && (p->title = strdup(chain[k]->title)) == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
	for (size_t i = 0; i < nrows; i++) {
		if (rows[i] == NULL)
			continue;
		rc = compile_row(rows[i], forms, &p->rules[p->nrules++], err);
		if (rc != SW_OK)
			goto out;
	}
	/* content hash over the chain's bytes, root first, each after its name */
	sha256_init(&sha);
	for (size_t k = nchain; k-- > 0;) {
		sha256_update(&sha, strlen(chain[k]->name) + 1, (const uint8_t *)chain[k]->name);
		sha256_update(&sha, chain[k]->nbytes, chain[k]->bytes);
	}
	sha256_digest(&sha, sizeof digest, digest);
	for (size_t i = 0; i < sizeof digest; i++)
		snprintf(p->hash + 2 * i, 3, "%02x", digest[i]);
	rc = build_index(p, err);
	if (rc != SW_OK)
		goto out;
	*out = p;
	p = NULL;
out:
	sw_profile_free(p);
	free(rows);
	for (size_t k = 0; k < nchain; k++)
		raw_file_free(chain[k]);
	free(dir);
	free(name);
	free(cur);
	return rc;
}

enum sw_status sw_profile_load(const char *datadir, const char *name, const struct sw_forms *forms,
                               struct sw_profile **out, struct sw_error *err)
{
	size_t plen;
	char *path;
	enum sw_status rc;

	*out = NULL;
	if (!sw_profile_name_valid(name))
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("'%s' is not a profile name (expected [a-z0-9_.-], as in "
		                      "nl-crow)"),
		                    name ? name : "");
	plen = strlen(datadir) + strlen(name) + 16;
	path = malloc(plen);
	if (path == NULL)
		return sw_error_nomem(err);
	snprintf(path, plen, "%s/norms/%s.csv", datadir, name);
	rc = sw_profile_load_file(path, forms, out, err);
	if (rc == SW_ERR_NOTFOUND)
		sw_error_set(err, SW_ERR_NOTFOUND,
		             _("no norm profile '%s' (looked for %s); 'schouw profile list' shows "
		               "the profiles"),
		             name, path);
	free(path);
	return rc;
}
