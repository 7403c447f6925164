/* report.c - the progress report: states at the start and end of a period
 * rebuilt from the history, status changes per quarter, compliance from the
 * stored check runs, lists, charts and area maps; written as Markdown, a
 * self-contained HTML file and CSV tables. */
#include "schouw/report.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/base64.h>

#include "schouw/chart.h"
#include "schouw/csv.h"
#include "schouw/date.h"
#include "schouw/i18n.h"
#include "schouw/map.h"
#include "schouw/num.h"
#include "schouw/render.h"

#define MAX_AREAS 64
#define MAX_QUARTERS 40
#define NVERDICTS 3 /* pass, fail, incomplete */
#define MAX_COLS 16
/* Rows of a table shown in the Markdown and HTML; the CSV has them all (a
 * letter to the council lists dozens, not 100 000). */
#define MAX_SHOWN 500

/* One point of a state, as far as the report needs it. */
struct pinfo {
	char uuid[SW_UUID_LEN + 1];
	long long id;
	int type, status; /* indexes into forms (n = unknown) */
	uint64_t areas;   /* bit i: inside area i of the report */
	double x, y;
	char *note, *observed_at;
	int verdict;   /* -1: not in the latest run */
	char *reasons; /* the latest run's failed rules */
};

struct state {
	struct pinfo *p;
	size_t n, cap;
	long long *counts; /* [scope][type][status] */
};

struct run {
	long long id;
	char at[32];
	char *profile;
	long long n[NVERDICTS];
	long long *per_type; /* [type][verdict] */
};

/* A growing text. */
struct text {
	char *p;
	size_t len, cap;
	bool oom;
};

struct rep {
	struct sw_store *s;
	const struct sw_report_options *o;
	struct sw_error *err;
	const struct sw_forms *forms;
	const struct sw_area *area[MAX_AREAS];
	size_t nareas;
	bool restrict_areas; /* --area given: only points inside them */
	size_t ntypes, nstates, nscopes;
	long long start, end; /* instants */
	char start_iso[32], end_iso[32];
	int fy, fm, fd, ty, tm, td;
	struct state st[2]; /* start, end */
	/* quarters */
	size_t nq;
	long long qstart[MAX_QUARTERS], qend[MAX_QUARTERS];
	char qlabel[MAX_QUARTERS][16];
	long long q_planned[MAX_QUARTERS], q_realised[MAX_QUARTERS], q_inspected[MAX_QUARTERS];
	long long *q_counts; /* quarterly: [quarter][type][status] of the total scope */
	/* runs */
	struct run *runs;
	size_t nruns;
	/* output */
	char *tmpdir;
	char **files; /* names written in tmpdir */
	size_t nfiles;
	struct text md, html;
	/* state being read */
	int reading; /* 0/1: st index; 2: counting planned for quarter q */
	size_t q;
	int realised_state, inspected_state, planned_state, progress_state, rejected_state;
};

/* ---- small helpers ---- */

static void tx_add(struct text *t, const char *s, size_t n)
{
	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2 + 1024;
		char *q = realloc(t->p, cap);

		if (q == NULL) {
			t->oom = true;
			return;
		}
		t->p = q;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void tx_puts(struct text *t, const char *s)
{
	tx_add(t, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void tx_printf(struct text *t, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof buf) {
		tx_add(t, buf, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);

		if (big == NULL) {
			t->oom = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		tx_add(t, big, (size_t)n);
		free(big);
	}
}

/* HTML text with & < > " escaped. */
static void tx_html(struct text *t, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&':
			tx_puts(t, "&amp;");
			break;
		case '<':
			tx_puts(t, "&lt;");
			break;
		case '>':
			tx_puts(t, "&gt;");
			break;
		case '"':
			tx_puts(t, "&quot;");
			break;
		default:
			tx_add(t, s, 1);
		}
	}
}

/* Markdown table cell: | and newlines would break the row. */
static void tx_md(struct text *t, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '|')
			tx_puts(t, "\\|");
		else if (*s == '\n' || *s == '\r')
			tx_puts(t, " ");
		else
			tx_add(t, s, 1);
	}
}

size_t sw_report_num(double n, int decimals, bool dutch, char *buf, size_t len)
{
	char raw[64];
	const char *dot, *p = raw;
	size_t intlen, k = 0, out = 0;
	char group = dutch ? '.' : ',', mark = dutch ? ',' : '.';

	if (len == 0)
		return 0;
	sw_num_format_fixed(n, decimals < 0 ? 0 : decimals, raw, sizeof raw);
	if (*p == '-') {
		if (out + 1 < len)
			buf[out++] = '-';
		p++;
	}
	dot = strchr(p, '.');
	intlen = dot != NULL ? (size_t)(dot - p) : strlen(p);
	for (k = 0; k < intlen; k++) {
		if (k > 0 && (intlen - k) % 3 == 0 && out + 1 < len)
			buf[out++] = group;
		if (out + 1 < len)
			buf[out++] = p[k];
	}
	if (dot != NULL) {
		if (out + 1 < len)
			buf[out++] = mark;
		for (const char *q = dot + 1; *q != '\0' && out + 1 < len; q++)
			buf[out++] = *q;
	}
	buf[out] = '\0';
	return out;
}

/* Numbers and dates of the report, in its language. The buffers rotate so
 * a few can be used in one printf. */
static const char *num(const struct rep *r, double v, int decimals)
{
	static _Thread_local char bufs[8][48];
	static _Thread_local int k;
	char *b = bufs[k++ % 8];

	sw_report_num(v, decimals, r->o->dutch, b, 48);
	return b;
}

static const char *inum(const struct rep *r, long long v)
{
	return num(r, (double)v, 0);
}

static const char *pct(const struct rep *r, long long part, long long whole)
{
	static _Thread_local char bufs[4][48];
	static _Thread_local int k;
	char *b = bufs[k++ % 4];

	if (whole <= 0)
		return "-";
	snprintf(b, 48, "%s %%", num(r, 100.0 * (double)part / (double)whole, 1));
	return b;
}

static const char *day_text(const struct rep *r, int y, int m, int d)
{
	static _Thread_local char bufs[4][48];
	static _Thread_local int k;
	char *b = bufs[k++ % 4];

	sw_date_long(y, m, d, r->o->dutch, b, 48);
	return b;
}

/* The Amsterdam day of an ISO instant, written out; the text itself when
 * it does not read. */
static const char *instant_day(const struct rep *r, const char *iso)
{
	long long t;
	int y, m, d;

	if (iso == NULL)
		return "";
	if (!sw_date_parse_instant(iso, &t))
		return iso;
	sw_date_ams_day(t, &y, &m, &d);
	return day_text(r, y, m, d);
}

static const char *type_label(const struct rep *r, int t)
{
	if (t < 0 || (size_t)t >= r->ntypes)
		return _("other");
	return r->o->dutch ? r->forms->forms[t].label_nl : r->forms->forms[t].label_en;
}

static const char *state_label(const struct rep *r, int s)
{
	if (s < 0 || (size_t)s >= r->nstates)
		return _("other");
	return r->o->dutch ? r->forms->states[s].label_nl : r->forms->states[s].label_en;
}

static const char *scope_label(const struct rep *r, size_t scope)
{
	if (scope == r->nareas)
		return _("total");
	return sw_area_label(r->area[scope], r->o->dutch ? "nl" : "en");
}

static int type_index(const struct rep *r, const char *type)
{
	for (size_t i = 0; type != NULL && i < r->ntypes; i++)
		if (strcmp(r->forms->forms[i].type, type) == 0)
			return (int)i;
	return (int)r->ntypes;
}

static int state_index(const struct rep *r, const char *status)
{
	for (size_t i = 0; status != NULL && i < r->nstates; i++)
		if (strcmp(r->forms->states[i].name, status) == 0)
			return (int)i;
	return (int)r->nstates;
}

static size_t cidx(const struct rep *r, size_t scope, int type, int status)
{
	return (scope * (r->ntypes + 1) + (size_t)type) * (r->nstates + 1) + (size_t)status;
}

/* ---- reading states ---- */

static uint64_t area_mask(const struct rep *r, double x, double y)
{
	uint64_t m = 0;

	for (size_t i = 0; i < r->nareas; i++)
		if (sw_polygon_contains(r->area[i]->poly, x, y))
			m |= (uint64_t)1 << i;
	return m;
}

static bool selected(const struct rep *r, uint64_t areas)
{
	return !r->restrict_areas || areas != 0;
}

static char *dup0(const char *s, bool *oom)
{
	char *d = sw_strdup(s);

	if (s != NULL && d == NULL)
		*oom = true;
	return d;
}

static enum sw_status state_cb(const struct sw_point *p, void *ud)
{
	struct rep *r = ud;
	uint64_t areas = area_mask(r, p->x, p->y);
	int t = type_index(r, p->type), s = state_index(r, p->status);
	struct state *st;
	struct pinfo *pi;
	bool oom = false;

	if (!selected(r, areas))
		return SW_OK;
	if (r->reading == 2) {
		if (s == r->planned_state)
			r->q_planned[r->q]++;
		return SW_OK;
	}
	if (r->reading == 3) {
		r->q_counts[cidx(r, 0, t, s) + r->q * (r->ntypes + 1) * (r->nstates + 1)]++;
		return SW_OK;
	}
	st = &r->st[r->reading];
	for (size_t sc = 0; sc < r->nareas; sc++)
		if (areas & ((uint64_t)1 << sc))
			st->counts[cidx(r, sc, t, s)]++;
	st->counts[cidx(r, r->nareas, t, s)]++;
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 256;
		struct pinfo *q = realloc(st->p, cap * sizeof *q);

		if (q == NULL)
			return sw_error_nomem(r->err);
		st->p = q;
		st->cap = cap;
	}
	pi = &st->p[st->n];
	memset(pi, 0, sizeof *pi);
	memcpy(pi->uuid, p->uuid, sizeof pi->uuid);
	pi->id = p->id;
	pi->type = t;
	pi->status = s;
	pi->areas = areas;
	pi->x = p->x;
	pi->y = p->y;
	pi->verdict = -1;
	if (r->reading == 1) { /* the end state feeds the lists */
		pi->note = dup0(p->note, &oom);
		pi->observed_at = dup0(p->observed_at, &oom);
	}
	st->n++;
	if (oom)
		return sw_error_nomem(r->err);
	return SW_OK;
}

static int pinfo_uuid_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pinfo *)a)->uuid, ((const struct pinfo *)b)->uuid);
}

static int pinfo_id_cmp(const void *a, const void *b)
{
	long long x = ((const struct pinfo *)a)->id, y = ((const struct pinfo *)b)->id;

	return (x > y) - (x < y);
}

/* The point with this uuid at the end, else at the start; NULL: neither. */
static struct pinfo *find_point(struct rep *r, const char *uuid)
{
	struct pinfo key;

	if (uuid == NULL || strlen(uuid) > SW_UUID_LEN)
		return NULL;
	memcpy(key.uuid, uuid, strlen(uuid) + 1);
	for (int k = 1; k >= 0; k--) {
		struct pinfo *p = bsearch(&key, r->st[k].p, r->st[k].n, sizeof key, pinfo_uuid_cmp);

		if (p != NULL)
			return p;
	}
	return NULL;
}

static enum sw_status read_state(struct rep *r, int which, long long at, size_t q)
{
	struct sw_filter f = {.type = r->o->type};
	char iso[32];

	sw_date_iso_utc(at, iso, sizeof iso);
	f.as_of = iso;
	r->reading = which;
	r->q = q;
	return sw_store_query(r->s, &f, state_cb, r, r->err);
}

/* ---- quarters: status changes from the history ---- */

static enum sw_status transition_cb(const struct sw_history_row *h, void *ud)
{
	struct rep *r = ud;
	struct pinfo *p;
	long long t;
	int s;

	if (h->action == NULL || strcmp(h->action, "update") != 0 || h->field == NULL ||
	    strcmp(h->field, "status") != 0 || h->at == NULL || !sw_date_parse_instant(h->at, &t))
		return SW_OK;
	s = state_index(r, h->new_value);
	if (s != r->realised_state && s != r->inspected_state)
		return SW_OK;
	p = find_point(r, h->point_uuid);
	if (p == NULL || !selected(r, p->areas))
		return SW_OK;
	for (size_t q = 0; q < r->nq; q++) {
		if (t >= r->qstart[q] && t < r->qend[q]) {
			(s == r->realised_state ? r->q_realised : r->q_inspected)[q]++;
			break;
		}
	}
	return SW_OK;
}

static void make_quarters(struct rep *r)
{
	int y = r->fy, m = (r->fm - 1) / 3 * 3 + 1;

	r->nq = 0;
	while (r->nq < MAX_QUARTERS) {
		long long a = sw_date_ams_midnight(y, m, 1), b = sw_date_ams_midnight(y, m + 3, 1);

		if (a >= r->end)
			break;
		r->qstart[r->nq] = a > r->start ? a : r->start;
		r->qend[r->nq] = b < r->end ? b : r->end;
		snprintf(r->qlabel[r->nq], sizeof r->qlabel[0], "%s%d %d", r->o->dutch ? "K" : "Q",
		         (m - 1) / 3 + 1, y);
		r->nq++;
		m += 3;
		if (m > 12) {
			m -= 12;
			y++;
		}
	}
}

/* ---- check runs ---- */

static enum sw_status run_cb(const struct sw_check_run_info *info, void *ud)
{
	struct rep *r = ud;
	struct run *q = realloc(r->runs, (r->nruns + 1) * sizeof *q), *run;

	if (q == NULL)
		return sw_error_nomem(r->err);
	r->runs = q;
	run = &r->runs[r->nruns];
	memset(run, 0, sizeof *run);
	run->id = info->id;
	snprintf(run->at, sizeof run->at, "%s", info->at ? info->at : "");
	run->profile = strdup(info->profile ? info->profile : "");
	run->per_type = calloc((r->ntypes + 1) * NVERDICTS, sizeof *run->per_type);
	r->nruns++;
	if (run->profile == NULL || run->per_type == NULL)
		return sw_error_nomem(r->err);
	return SW_OK;
}

static int verdict_index(const char *v)
{
	if (v == NULL)
		return -1;
	if (strcmp(v, "pass") == 0)
		return 0;
	if (strcmp(v, "fail") == 0)
		return 1;
	if (strcmp(v, "incomplete") == 0)
		return 2;
	return -1;
}

struct result_ctx {
	struct rep *r;
	struct run *run;
	bool latest;
};

static enum sw_status append_reason(struct pinfo *p, const char *reason)
{
	size_t a = p->reasons ? strlen(p->reasons) : 0, b = strlen(reason);
	char *q = realloc(p->reasons, a + b + 3);

	if (q == NULL)
		return SW_ERR_NOMEM;
	if (a > 0)
		memcpy(q + a, "; ", 2), a += 2;
	memcpy(q + a, reason, b + 1);
	p->reasons = q;
	return SW_OK;
}

static enum sw_status result_cb(const struct sw_check_row *row, void *ud)
{
	struct result_ctx *c = ud;
	struct pinfo *p = find_point(c->r, row->point_uuid);
	int v = verdict_index(row->verdict);

	if (p == NULL || !selected(c->r, p->areas) || v < 0)
		return SW_OK;
	if (row->rule_id == NULL) {
		c->run->n[v]++;
		c->run->per_type[(size_t)p->type * NVERDICTS + (size_t)v]++;
		if (c->latest) {
			p->verdict = v;
			if (v == 2 && row->field != NULL) {
				char buf[512];

				snprintf(buf, sizeof buf, _("missing: %s"), row->field);
				if (append_reason(p, buf) != SW_OK)
					return sw_error_nomem(c->r->err);
			}
		}
	} else if (c->latest) {
		char buf[1024];

		snprintf(buf, sizeof buf, "%s: %s", row->rule_id,
		         row->message ? row->message
		         : row->field ? row->field
		                      : "");
		if (append_reason(p, buf) != SW_OK)
			return sw_error_nomem(c->r->err);
	}
	return SW_OK;
}

static enum sw_status read_runs(struct rep *r)
{
	enum sw_status rc;

	rc = sw_store_check_runs(r->s, r->start_iso, r->end_iso, r->o->profile, run_cb, r, r->err);
	for (size_t i = 0; rc == SW_OK && i < r->nruns; i++) {
		struct result_ctx c = {r, &r->runs[i], i + 1 == r->nruns};

		rc = sw_store_check_results(r->s, r->runs[i].id, result_cb, &c, r->err);
	}
	return rc;
}

/* ---- output files ---- */

static char *path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static enum sw_status note_file(struct rep *r, const char *name)
{
	char **q = realloc(r->files, (r->nfiles + 1) * sizeof *q);

	if (q == NULL)
		return sw_error_nomem(r->err);
	r->files = q;
	r->files[r->nfiles] = strdup(name);
	if (r->files[r->nfiles] == NULL)
		return sw_error_nomem(r->err);
	r->nfiles++;
	return SW_OK;
}

/* A table, written at once as CSV (file name), Markdown and HTML. Cells are
 * given row by row; the first row is the header. */
struct table {
	const char *csv;
	const char *caption;
	size_t ncols;
	char **cells; /* rows * ncols */
	size_t nrows, caprows;
	bool oom;
};

static void tb_row(struct table *t, ...)
{
	va_list ap;
	char **q = t->cells;

	if (t->nrows == t->caprows) {
		size_t cap = t->caprows ? t->caprows * 2 : 16;

		q = realloc(t->cells, cap * t->ncols * sizeof *q);
		if (q == NULL) {
			t->oom = true;
			return;
		}
		t->cells = q;
		t->caprows = cap;
	}
	va_start(ap, t);
	for (size_t i = 0; i < t->ncols; i++) {
		const char *c = va_arg(ap, const char *);

		q[t->nrows * t->ncols + i] = strdup(c ? c : "");
		if (q[t->nrows * t->ncols + i] == NULL)
			t->oom = true;
	}
	va_end(ap);
	t->nrows++;
}

static void tb_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->caprows = 0;
}

/* Columns whose cells are numbers are right-aligned. */
static bool col_numeric(const struct table *t, size_t c)
{
	for (size_t r = 1; r < t->nrows && r <= MAX_SHOWN; r++) {
		const char *s = t->cells[r * t->ncols + c];

		if (*s != '\0' && strspn(s, "0123456789.,-+ %") != strlen(s))
			return false;
	}
	return t->nrows > 1;
}

/* The cells of t as RFC 4180 CSV at path. Text cells are guarded against
 * formulas; numbers (-1 too) are written as they are. */
static enum sw_status write_csv(struct rep *r, const char *path, const struct table *t)
{
	FILE *fp = fopen(path, "w");
	char small[512];
	bool bad = fp == NULL;

	for (size_t i = 0; !bad && i < t->nrows; i++) {
		for (size_t k = 0; !bad && k < t->ncols; k++) {
			const char *cell = t->cells[i * t->ncols + k];
			double d;
			bool number = sw_num_parse(cell, SW_NUM_STRICT, &d);
			size_t n =
			    sw_csv_format_cell(small, sizeof small, cell, SW_CSV_RFC4180, !number);
			char *buf = small;

			if (n >= sizeof small) {
				buf = malloc(n + 1);
				if (buf == NULL) {
					if (fp != NULL)
						fclose(fp);
					return sw_error_nomem(r->err);
				}
				sw_csv_format_cell(buf, n + 1, cell, SW_CSV_RFC4180, !number);
			}
			bad = (k > 0 && fputc(',', fp) == EOF) || fwrite(buf, 1, n, fp) != n;
			if (buf != small)
				free(buf);
		}
		bad = bad || fputs("\r\n", fp) == EOF;
	}
	if (fp != NULL && fclose(fp) != 0)
		bad = true;
	if (bad)
		return sw_error_set(r->err, SW_ERR_IO, _("%s: cannot write: %s"), path,
		                    strerror(errno));
	return SW_OK;
}

/* csv: the same cells with plain numbers (the Markdown/HTML cells are for
 * people); csv_cells NULL: the display cells. */
static enum sw_status tb_write(struct rep *r, struct table *t, const struct table *csv_cells)
{
	const struct table *c = csv_cells ? csv_cells : t;
	size_t shown = t->nrows > MAX_SHOWN + 1 ? MAX_SHOWN + 1 : t->nrows;
	bool numeric[MAX_COLS] = {false};
	char more[256] = "";
	enum sw_status rc;
	char *path;

	if (t->oom || c->oom)
		return sw_error_nomem(r->err);
	path = path_in(r->tmpdir, t->csv);
	if (path == NULL)
		return sw_error_nomem(r->err);
	rc = write_csv(r, path, c);
	free(path);
	if (rc == SW_OK)
		rc = note_file(r, t->csv);
	if (rc != SW_OK)
		return rc;
	for (size_t k = 0; k < t->ncols && k < MAX_COLS; k++)
		numeric[k] = col_numeric(t, k);
	/* Markdown */
	for (size_t i = 0; i < shown; i++) {
		tx_puts(&r->md, "|");
		for (size_t k = 0; k < t->ncols; k++) {
			tx_puts(&r->md, " ");
			tx_md(&r->md, t->cells[i * t->ncols + k]);
			tx_puts(&r->md, " |");
		}
		tx_puts(&r->md, "\n");
		if (i == 0) {
			tx_puts(&r->md, "|");
			for (size_t k = 0; k < t->ncols; k++)
				tx_puts(&r->md, numeric[k] ? "---:|" : "---|");
			tx_puts(&r->md, "\n");
		}
	}
	if (t->nrows <= 1)
		tx_printf(&r->md, "\n*%s*\n", _("(none)"));
	if (shown < t->nrows) {
		snprintf(more, sizeof more, _("... and %s more rows in %s"),
		         inum(r, (long long)(t->nrows - shown)), t->csv);
		tx_printf(&r->md, "\n*%s*\n", more);
	}
	tx_printf(&r->md, "\n%s: `%s`\n\n", _("Table as CSV"), t->csv);
	/* HTML */
	tx_puts(&r->html, "<table>\n<caption>");
	tx_html(&r->html, t->caption);
	tx_puts(&r->html, "</caption>\n<thead><tr>");
	for (size_t k = 0; k < t->ncols; k++) {
		tx_puts(&r->html, "<th scope=\"col\">");
		tx_html(&r->html, t->cells[k]);
		tx_puts(&r->html, "</th>");
	}
	tx_puts(&r->html, "</tr></thead>\n<tbody>\n");
	for (size_t i = 1; i < shown; i++) {
		tx_puts(&r->html, "<tr>");
		for (size_t k = 0; k < t->ncols; k++) {
			tx_puts(&r->html, numeric[k] ? "<td class=\"n\">" : "<td>");
			tx_html(&r->html, t->cells[i * t->ncols + k]);
			tx_puts(&r->html, "</td>");
		}
		tx_puts(&r->html, "</tr>\n");
	}
	if (t->nrows <= 1) {
		tx_printf(&r->html, "<tr><td colspan=\"%zu\"><em>", t->ncols);
		tx_html(&r->html, _("(none)"));
		tx_puts(&r->html, "</em></td></tr>\n");
	}
	if (shown < t->nrows) {
		tx_printf(&r->html, "<tr><td colspan=\"%zu\"><em>", t->ncols);
		tx_html(&r->html, more);
		tx_puts(&r->html, "</em></td></tr>\n");
	}
	tx_puts(&r->html, "</tbody>\n</table>\n");
	return SW_OK;
}

static void heading(struct rep *r, int level, const char *text)
{
	tx_printf(&r->md, "%.*s %s\n\n", level, "####", text);
	tx_printf(&r->html, "<h%d>", level);
	tx_html(&r->html, text);
	tx_printf(&r->html, "</h%d>\n", level);
}

static void para(struct rep *r, const char *text)
{
	tx_printf(&r->md, "%s\n\n", text);
	tx_puts(&r->html, "<p>");
	tx_html(&r->html, text);
	tx_puts(&r->html, "</p>\n");
}

/* An image file of tmpdir: linked from Markdown, embedded in HTML. */
static enum sw_status image(struct rep *r, const char *name, const char *alt)
{
	char *path = path_in(r->tmpdir, name);
	FILE *fp = path ? fopen(path, "rb") : NULL;
	unsigned char *data = NULL;
	char *b64 = NULL;
	long size;
	enum sw_status rc = SW_OK;

	if (fp == NULL) {
		rc = path == NULL ? sw_error_nomem(r->err)
		                  : sw_error_set(r->err, SW_ERR_IO, _("%s: cannot read: %s"), path,
		                                 strerror(errno));
		goto out;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
		rc = sw_error_set(r->err, SW_ERR_IO, _("%s: cannot read: %s"), path,
		                  strerror(errno));
		goto out;
	}
	data = malloc((size_t)size + 1);
	b64 = malloc(BASE64_ENCODE_RAW_LENGTH((size_t)size) + 1);
	if (data == NULL || b64 == NULL) {
		rc = sw_error_nomem(r->err);
		goto out;
	}
	if (fread(data, 1, (size_t)size, fp) != (size_t)size) {
		rc = sw_error_set(r->err, SW_ERR_IO, _("%s: cannot read: %s"), path,
		                  strerror(errno));
		goto out;
	}
	base64_encode_raw((char *)b64, (size_t)size, data);
	b64[BASE64_ENCODE_RAW_LENGTH((size_t)size)] = '\0';
	tx_printf(&r->md, "![%s](%s)\n\n", alt, name);
	tx_puts(&r->html, "<figure><img alt=\"");
	tx_html(&r->html, alt);
	tx_puts(&r->html, "\" src=\"data:image/png;base64,");
	tx_puts(&r->html, b64);
	tx_puts(&r->html, "\"><figcaption>");
	tx_html(&r->html, alt);
	tx_puts(&r->html, "</figcaption></figure>\n");
out:
	if (fp != NULL)
		fclose(fp);
	free(path);
	free(data);
	free(b64);
	return rc;
}

/* ---- the sections ---- */

static enum sw_status section_counts(struct rep *r)
{
	struct table t = {
	    .csv = "counts.csv", .caption = _("Points per type and status"), .ncols = 6};
	struct table c = {.csv = "counts.csv", .ncols = 6};
	enum sw_status rc;

	heading(r, 2, _("Points per type and status"));
	{
		char buf[512];

		snprintf(buf, sizeof buf, _("At the start (%s) and at the end (%s) of the period."),
		         day_text(r, r->fy, r->fm, r->fd), day_text(r, r->ty, r->tm, r->td));
		para(r, buf);
	}
	tb_row(&t, _("area"), _("type"), _("status"), _("start"), _("end"), _("difference"));
	tb_row(&c, "area", "type", "status", "start", "end", "difference");
	for (size_t sc = 0; sc < r->nscopes; sc++) {
		long long ts = 0, te = 0;

		for (size_t ty = 0; ty <= r->ntypes; ty++)
			for (size_t s = 0; s <= r->nstates; s++) {
				long long a = r->st[0].counts[cidx(r, sc, (int)ty, (int)s)];
				long long b = r->st[1].counts[cidx(r, sc, (int)ty, (int)s)];
				char d[32], cs[32], ce[32], cd[32];

				if (a == 0 && b == 0)
					continue;
				ts += a;
				te += b;
				snprintf(d, sizeof d, "%s%s", b - a > 0 ? "+" : "", inum(r, b - a));
				snprintf(cs, sizeof cs, "%lld", a);
				snprintf(ce, sizeof ce, "%lld", b);
				snprintf(cd, sizeof cd, "%lld", b - a);
				tb_row(&t, scope_label(r, sc), type_label(r, (int)ty),
				       state_label(r, (int)s), inum(r, a), inum(r, b), d);
				tb_row(&c, sc == r->nareas ? "total" : r->area[sc]->name,
				       ty < r->ntypes ? r->forms->forms[ty].type : "other",
				       s < r->nstates ? r->forms->states[s].name : "other", cs, ce,
				       cd);
			}
		{
			char d[32], cs[32], ce[32], cd[32];

			snprintf(d, sizeof d, "%s%s", te - ts > 0 ? "+" : "", inum(r, te - ts));
			snprintf(cs, sizeof cs, "%lld", ts);
			snprintf(ce, sizeof ce, "%lld", te);
			snprintf(cd, sizeof cd, "%lld", te - ts);
			tb_row(&t, scope_label(r, sc), _("all types"), _("all statuses"),
			       inum(r, ts), inum(r, te), d);
			tb_row(&c, sc == r->nareas ? "total" : r->area[sc]->name, "all", "all", cs,
			       ce, cd);
		}
	}
	rc = tb_write(r, &t, &c);
	tb_free(&t);
	tb_free(&c);
	return rc;
}

static enum sw_status section_quarter_counts(struct rep *r)
{
	struct table t = {.csv = "counts_quarters.csv",
	                  .caption = _("Points per type and status at the end of each quarter"),
	                  .ncols = 4};
	struct table c = {.csv = "counts_quarters.csv", .ncols = 4};
	enum sw_status rc;
	size_t per = (r->ntypes + 1) * (r->nstates + 1);

	heading(r, 3, _("Points per type and status at the end of each quarter"));
	tb_row(&t, _("quarter"), _("type"), _("status"), _("points"));
	tb_row(&c, "quarter", "type", "status", "points");
	for (size_t q = 0; q < r->nq; q++)
		for (size_t ty = 0; ty <= r->ntypes; ty++)
			for (size_t s = 0; s <= r->nstates; s++) {
				long long n = r->q_counts[q * per + cidx(r, 0, (int)ty, (int)s)];
				char cn[32];

				if (n == 0)
					continue;
				snprintf(cn, sizeof cn, "%lld", n);
				tb_row(&t, r->qlabel[q], type_label(r, (int)ty),
				       state_label(r, (int)s), inum(r, n));
				tb_row(&c, r->qlabel[q],
				       ty < r->ntypes ? r->forms->forms[ty].type : "other",
				       s < r->nstates ? r->forms->states[s].name : "other", cn);
			}
	rc = tb_write(r, &t, &c);
	tb_free(&t);
	tb_free(&c);
	return rc;
}

static enum sw_status write_chart_bars(struct rep *r)
{
	double planned[MAX_QUARTERS], realised[MAX_QUARTERS], inspected[MAX_QUARTERS];
	const char *cats[MAX_QUARTERS];
	struct sw_chart_series series[3] = {
	    {_("planned at the start of the quarter"), planned, {0.0, 0.447, 0.698}},
	    {_("moved to realised"), realised, {0.0, 0.620, 0.451}},
	    {_("moved to inspected"), inspected, {0.835, 0.369, 0.0}},
	};
	struct sw_chart c = {.title = _("Planned and realised per quarter"),
	                     .y_label = _("points"),
	                     .categories = cats,
	                     .ncat = r->nq,
	                     .series = series,
	                     .nseries = 3,
	                     .decimal_comma = r->o->dutch,
	                     .empty_text = _("no quarter in the period")};
	char *path = path_in(r->tmpdir, "chart_quarters.png");
	enum sw_status rc;

	for (size_t q = 0; q < r->nq; q++) {
		planned[q] = (double)r->q_planned[q];
		realised[q] = (double)r->q_realised[q];
		inspected[q] = (double)r->q_inspected[q];
		cats[q] = r->qlabel[q];
	}
	if (path == NULL)
		return sw_error_nomem(r->err);
	rc = sw_chart_bars(&c, 1200, 600, 150, path, r->err);
	free(path);
	if (rc == SW_OK)
		rc = note_file(r, "chart_quarters.png");
	return rc;
}

static enum sw_status section_quarters(struct rep *r)
{
	struct table t = {
	    .csv = "quarters.csv", .caption = _("Status changes per quarter"), .ncols = 4};
	struct table c = {.csv = "quarters.csv", .ncols = 6};
	enum sw_status rc;

	heading(r, 2, _("Progress per quarter"));
	para(r, _("Planned: points with status planned at the start of the quarter. Realised and "
	          "inspected: points whose status changed to realised or to inspected during the "
	          "quarter, from the history."));
	tb_row(&t, _("quarter"), _("planned at start"), _("to realised"), _("to inspected"));
	tb_row(&c, "quarter", "from", "to", "planned_at_start", "to_realised", "to_inspected");
	for (size_t q = 0; q < r->nq; q++) {
		char a[32], b[32], d[32], f[32], to[32];

		snprintf(a, sizeof a, "%lld", r->q_planned[q]);
		snprintf(b, sizeof b, "%lld", r->q_realised[q]);
		snprintf(d, sizeof d, "%lld", r->q_inspected[q]);
		sw_date_iso_utc(r->qstart[q], f, sizeof f);
		sw_date_iso_utc(r->qend[q], to, sizeof to);
		tb_row(&t, r->qlabel[q], inum(r, r->q_planned[q]), inum(r, r->q_realised[q]),
		       inum(r, r->q_inspected[q]));
		tb_row(&c, r->qlabel[q], f, to, a, b, d);
	}
	rc = tb_write(r, &t, &c);
	tb_free(&t);
	tb_free(&c);
	if (rc == SW_OK)
		rc = write_chart_bars(r);
	if (rc == SW_OK)
		rc = image(r, "chart_quarters.png", _("Planned and realised per quarter"));
	if (rc == SW_OK && r->o->quarterly)
		rc = section_quarter_counts(r);
	return rc;
}

static enum sw_status section_compliance(struct rep *r)
{
	struct table t = {.csv = "compliance.csv", .caption = _("Compliance per type"), .ncols = 6};
	struct table c = {.csv = "compliance.csv", .ncols = 7};
	struct table tt = {.csv = "compliance_trend.csv",
	                   .caption = _("Compliance over the check runs in the period"),
	                   .ncols = 6};
	struct table tc = {.csv = "compliance_trend.csv", .ncols = 8};
	enum sw_status rc;
	const struct run *last = r->nruns > 0 ? &r->runs[r->nruns - 1] : NULL;
	char buf[512];

	heading(r, 2, _("Compliance with the norms"));
	if (last == NULL) {
		para(r, _("There was no check run ('schouw check') in this period, so there are no "
		          "compliance figures for it."));
	} else {
		snprintf(buf, sizeof buf,
		         _("From the latest check run in the period: run %lld of %s, profile %s."),
		         last->id, instant_day(r, last->at), last->profile);
		para(r, buf);
	}
	tb_row(&t, _("type"), _("points"), _("pass"), _("fail"), _("incomplete"), _("pass share"));
	tb_row(&c, "run", "type", "points", "pass", "fail", "incomplete", "pass_pct");
	for (size_t ty = 0; last != NULL && ty <= r->ntypes; ty++) {
		const long long *v = &last->per_type[ty * NVERDICTS];
		long long n = v[0] + v[1] + v[2];
		char cr[32], cn[32], c0[32], c1[32], c2[32], cp[32];

		if (n == 0)
			continue;
		snprintf(cr, sizeof cr, "%lld", last->id);
		snprintf(cn, sizeof cn, "%lld", n);
		snprintf(c0, sizeof c0, "%lld", v[0]);
		snprintf(c1, sizeof c1, "%lld", v[1]);
		snprintf(c2, sizeof c2, "%lld", v[2]);
		sw_num_format_fixed(100.0 * (double)v[0] / (double)n, 1, cp, sizeof cp);
		tb_row(&t, type_label(r, (int)ty), inum(r, n), inum(r, v[0]), inum(r, v[1]),
		       inum(r, v[2]), pct(r, v[0], n));
		tb_row(&c, cr, ty < r->ntypes ? r->forms->forms[ty].type : "other", cn, c0, c1, c2,
		       cp);
	}
	rc = tb_write(r, &t, &c);
	tb_free(&t);
	tb_free(&c);
	if (rc != SW_OK)
		return rc;
	heading(r, 3, _("Trend over the check runs"));
	tb_row(&tt, _("run"), _("date"), _("profile"), _("points"), _("pass share"),
	       _("fail share"));
	tb_row(&tc, "run", "at", "profile", "points", "pass", "fail", "incomplete", "pass_pct");
	for (size_t i = 0; i < r->nruns; i++) {
		const struct run *u = &r->runs[i];
		long long n = u->n[0] + u->n[1] + u->n[2];
		char id[32], cn[32], c0[32], c1[32], c2[32], cp[32];

		snprintf(id, sizeof id, "%lld", u->id);
		snprintf(cn, sizeof cn, "%lld", n);
		snprintf(c0, sizeof c0, "%lld", u->n[0]);
		snprintf(c1, sizeof c1, "%lld", u->n[1]);
		snprintf(c2, sizeof c2, "%lld", u->n[2]);
		if (n > 0)
			sw_num_format_fixed(100.0 * (double)u->n[0] / (double)n, 1, cp, sizeof cp);
		else
			cp[0] = '\0';
		tb_row(&tt, id, instant_day(r, u->at), u->profile, inum(r, n), pct(r, u->n[0], n),
		       pct(r, u->n[1], n));
		tb_row(&tc, id, u->at, u->profile, cn, c0, c1, c2, cp);
	}
	rc = tb_write(r, &tt, &tc);
	tb_free(&tt);
	tb_free(&tc);
	if (rc != SW_OK)
		return rc;
	{
		double pass[MAX_QUARTERS * 4], fail[MAX_QUARTERS * 4];
		char labels[MAX_QUARTERS * 4][48];
		const char *cats[MAX_QUARTERS * 4];
		size_t n0 = r->nruns > MAX_QUARTERS * 4 ? r->nruns - MAX_QUARTERS * 4 : 0, k = 0;
		struct sw_chart_series series[2] = {
		    {_("pass"), pass, {0.0, 0.620, 0.451}},
		    {_("fail"), fail, {0.835, 0.369, 0.0}},
		};
		struct sw_chart ch = {.title = _("Compliance over the check runs"),
		                      .y_label = _("share of points"),
		                      .categories = cats,
		                      .series = series,
		                      .nseries = 2,
		                      .percent = true,
		                      .decimal_comma = r->o->dutch,
		                      .empty_text = _("no check run in the period")};
		char *path = path_in(r->tmpdir, "chart_compliance.png");

		for (size_t i = n0; i < r->nruns; i++, k++) {
			const struct run *u = &r->runs[i];
			long long n = u->n[0] + u->n[1] + u->n[2];

			pass[k] = n > 0 ? 100.0 * (double)u->n[0] / (double)n : NAN;
			fail[k] = n > 0 ? 100.0 * (double)u->n[1] / (double)n : NAN;
			snprintf(labels[k], sizeof labels[k], "%s", instant_day(r, u->at));
			cats[k] = labels[k];
		}
		ch.ncat = k;
		if (path == NULL)
			return sw_error_nomem(r->err);
		rc = sw_chart_lines(&ch, 1200, 600, 150, path, r->err);
		free(path);
	}
	if (rc == SW_OK)
		rc = note_file(r, "chart_compliance.png");
	if (rc == SW_OK)
		rc = image(r, "chart_compliance.png", _("Compliance over the check runs"));
	return rc;
}

/* The areas of a point as text ("binnenstad, Stationsbuurt"). */
static void areas_text(const struct rep *r, uint64_t m, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->nareas && n < len; i++)
		if (m & ((uint64_t)1 << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
			                      sw_area_label(r->area[i], r->o->dutch ? "nl" : "en"));
}

static enum sw_status section_lists(struct rep *r)
{
	struct state *e = &r->st[1];
	struct table t = {
	    .csv = "failing.csv", .caption = _("Rejected and failing points"), .ncols = 6};
	struct table c = {.csv = "failing.csv", .ncols = 7};
	enum sw_status rc;
	char ar[512], id[32];
	static const char *const vnames[] = {"pass", "fail", "incomplete"};

	heading(r, 2, _("Lists"));
	heading(r, 3, _("Rejected and failing points"));
	tb_row(&t, _("id"), _("type"), _("status"), _("area"), _("check"), _("reasons"));
	tb_row(&c, "id", "uuid", "type", "status", "area", "verdict", "reasons");
	for (size_t i = 0; i < e->n; i++) {
		struct pinfo *p = &e->p[i];
		const char *reasons;

		if (p->status != r->rejected_state && p->verdict != 1)
			continue;
		reasons = p->reasons ? p->reasons : p->note ? p->note : "";
		areas_text(r, p->areas, ar, sizeof ar);
		snprintf(id, sizeof id, "%lld", p->id);
		tb_row(&t, id, type_label(r, p->type), state_label(r, p->status), ar,
		       p->verdict == 1   ? _("fail")
		       : p->verdict == 0 ? _("pass")
		       : p->verdict == 2 ? _("incomplete")
		                         : "",
		       reasons);
		tb_row(&c, id, p->uuid,
		       p->type < (int)r->ntypes ? r->forms->forms[p->type].type : "other",
		       p->status < (int)r->nstates ? r->forms->states[p->status].name : "other", ar,
		       p->verdict >= 0 ? vnames[p->verdict] : "", reasons);
	}
	rc = tb_write(r, &t, &c);
	tb_free(&t);
	tb_free(&c);
	if (rc != SW_OK)
		return rc;

	heading(r, 3, _("Planned but not realised, per area"));
	t = (struct table){.csv = "open_planned.csv",
	                   .caption = _("Planned but not realised, per area"),
	                   .ncols = 6};
	c = (struct table){.csv = "open_planned.csv", .ncols = 7};
	tb_row(&t, _("area"), _("id"), _("type"), _("status"), _("observed"), _("note"));
	tb_row(&c, "area", "id", "uuid", "type", "status", "observed_at", "note");
	for (size_t sc = 0; sc < r->nscopes; sc++) {
		/* per area, then the points in no area (scope total) */
		for (size_t i = 0; i < e->n; i++) {
			struct pinfo *p = &e->p[i];

			if (p->status != r->planned_state && p->status != r->progress_state)
				continue;
			if (sc < r->nareas ? !(p->areas & ((uint64_t)1 << sc)) : p->areas != 0)
				continue;
			snprintf(id, sizeof id, "%lld", p->id);
			tb_row(&t, sc < r->nareas ? scope_label(r, sc) : _("outside the areas"), id,
			       type_label(r, p->type), state_label(r, p->status),
			       instant_day(r, p->observed_at), p->note);
			tb_row(&c, sc < r->nareas ? r->area[sc]->name : "", id, p->uuid,
			       p->type < (int)r->ntypes ? r->forms->forms[p->type].type : "other",
			       p->status < (int)r->nstates ? r->forms->states[p->status].name
			                                   : "other",
			       p->observed_at, p->note);
		}
	}
	rc = tb_write(r, &t, &c);
	tb_free(&t);
	tb_free(&c);
	if (rc != SW_OK)
		return rc;

	heading(r, 3, _("Not inspected for more than a year"));
	{
		char buf[256];

		snprintf(buf, sizeof buf,
		         _("Points whose last observation is more than 365 days before %s."),
		         day_text(r, r->ty, r->tm, r->td));
		para(r, buf);
	}
	t = (struct table){.csv = "not_inspected.csv",
	                   .caption = _("Not inspected for more than a year"),
	                   .ncols = 6};
	c = (struct table){.csv = "not_inspected.csv", .ncols = 7};
	tb_row(&t, _("id"), _("type"), _("status"), _("area"), _("last observed"), _("days"));
	tb_row(&c, "id", "uuid", "type", "status", "area", "observed_at", "days");
	for (size_t i = 0; i < e->n; i++) {
		struct pinfo *p = &e->p[i];
		long long ot, days = -1;
		char cd[32];

		if (p->observed_at != NULL && sw_date_parse_instant(p->observed_at, &ot))
			days = (r->end - ot) / 86400;
		if (days >= 0 && days <= 365)
			continue;
		areas_text(r, p->areas, ar, sizeof ar);
		snprintf(id, sizeof id, "%lld", p->id);
		if (days >= 0)
			snprintf(cd, sizeof cd, "%lld", days);
		else
			cd[0] = '\0';
		tb_row(&t, id, type_label(r, p->type), state_label(r, p->status), ar,
		       p->observed_at ? instant_day(r, p->observed_at) : _("never"),
		       days >= 0 ? inum(r, days) : "");
		tb_row(&c, id, p->uuid,
		       p->type < (int)r->ntypes ? r->forms->forms[p->type].type : "other",
		       p->status < (int)r->nstates ? r->forms->states[p->status].name : "other", ar,
		       p->observed_at, cd);
	}
	rc = tb_write(r, &t, &c);
	tb_free(&t);
	tb_free(&c);
	return rc;
}

/* A file name part from an area name: [a-z0-9_-] only. */
static void safe_name(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s != '\0' && n + 1 < len; s++) {
		char ch = *s;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		buf[n++] =
		    (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ? ch : '_';
	}
	buf[n] = '\0';
}

static enum sw_status section_maps(struct rep *r)
{
	enum sw_status rc = SW_OK;

	if (r->o->no_maps || r->nareas == 0)
		return SW_OK;
	heading(r, 2, _("Status maps"));
	for (size_t i = 0; i < r->nareas && rc == SW_OK; i++) {
		const struct sw_area *a = r->area[i];
		struct sw_map_options mo = {0};
		struct sw_map_result res;
		char name[160], safe[96], title[512], *path;
		double mx = (a->poly->maxx - a->poly->minx) * 0.05,
		       my = (a->poly->maxy - a->poly->miny) * 0.05;

		long long inside = 0;

		for (size_t k = 0; k < (r->ntypes + 1) * (r->nstates + 1); k++)
			inside += r->st[1].counts[i * (r->ntypes + 1) * (r->nstates + 1) + k];
		if (inside == 0)
			continue; /* an empty map says nothing */
		safe_name(a->name, safe, sizeof safe);
		snprintf(name, sizeof name, "map_%s.png", safe);
		snprintf(title, sizeof title, _("%s: status on %s"),
		         sw_area_label(a, r->o->dutch ? "nl" : "en"),
		         day_text(r, r->ty, r->tm, r->td));
		path = path_in(r->tmpdir, name);
		if (path == NULL)
			return sw_error_nomem(r->err);
		mo.out = path;
		mo.filter.type = r->o->type;
		mo.filter.within = a->poly;
		mo.filter.as_of = r->end_iso;
		mo.extent = (struct sw_map_extent){true, a->poly->minx - mx, a->poly->miny - my,
		                                   a->poly->maxx + mx, a->poly->maxy + my};
		mo.width = 1240;
		mo.height = 877;
		mo.dpi = 150;
		mo.by = SW_MAP_BY_STATUS;
		mo.style_path = r->o->style_path;
		mo.title = title;
		mo.english = !r->o->dutch;
		mo.forms = r->forms;
		rc = sw_map_render(r->s, &mo, &res, r->err);
		free(path);
		if (rc == SW_OK)
			rc = note_file(r, name);
		if (rc == SW_OK) {
			char side[200];

			snprintf(side, sizeof side, "map_%s.pgw", safe);
			rc = note_file(r, side);
			snprintf(side, sizeof side, "%s.aux.xml", name);
			if (rc == SW_OK)
				rc = note_file(r, side);
		}
		if (rc == SW_OK)
			rc = image(r, name, title);
	}
	return rc;
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>%s</title>\n<style>\n"
    "body{font-family:\"DejaVu Sans\",Arial,sans-serif;font-size:10.5pt;line-height:1.4;"
    "color:#111;max-width:60em;margin:2em auto;padding:0 1em}\n"
    "h1{font-size:18pt}h2{font-size:14pt;margin-top:1.6em;border-bottom:1px solid #999}"
    "h3{font-size:12pt}\n"
    "table{border-collapse:collapse;margin:0.6em 0 1.2em;width:100%%}\n"
    "caption{text-align:left;font-weight:bold;padding-bottom:0.3em}\n"
    "th,td{border:1px solid #bbb;padding:0.2em 0.45em;vertical-align:top}\n"
    "th{background:#eee;text-align:left}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}\n"
    "figure{margin:1em 0}img{max-width:100%%;height:auto}figcaption{font-size:9pt;color:#444}\n"
    "@page{size:A4;margin:18mm 15mm}\n"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:9.5pt}"
    "h2{break-before:auto;break-after:avoid}h3{break-after:avoid}"
    "table,figure{break-inside:avoid}tr{break-inside:avoid}thead{display:table-header-group}}\n"
    "</style>\n</head>\n<body>\n";

static enum sw_status write_text(struct rep *r, const char *name, const struct text *t)
{
	char *path = path_in(r->tmpdir, name);
	FILE *fp;
	enum sw_status rc = SW_OK;

	if (path == NULL || t->oom) {
		free(path);
		return sw_error_nomem(r->err);
	}
	fp = fopen(path, "w");
	if (fp == NULL || fwrite(t->p, 1, t->len, fp) != t->len || fclose(fp) != 0) {
		rc = sw_error_set(r->err, SW_ERR_IO, _("%s: cannot write: %s"), path,
		                  strerror(errno));
		fp = NULL;
	}
	free(path);
	if (rc == SW_OK)
		rc = note_file(r, name);
	return rc;
}

static enum sw_status build(struct rep *r)
{
	enum sw_status rc;
	char title[256], buf[1024];

	snprintf(title, sizeof title, _("Progress of the inclusive-city programme, %s to %s"),
	         day_text(r, r->fy, r->fm, r->fd), day_text(r, r->ty, r->tm, r->td));
	tx_printf(&r->md, "# %s\n\n", title);
	tx_printf(&r->html, html_head, r->o->dutch ? "nl" : "en", title);
	tx_puts(&r->html, "<h1>");
	tx_html(&r->html, title);
	tx_puts(&r->html, "</h1>\n");
	{
		char areas[512] = "";
		size_t n = 0;

		for (size_t i = 0; i < r->nareas && n < sizeof areas; i++)
			n += (size_t)snprintf(areas + n, sizeof areas - n, "%s%s", i ? ", " : "",
			                      scope_label(r, i));
		snprintf(buf, sizeof buf,
		         _("Figures from the store, rebuilt from its history for %s and %s. Areas: "
		           "%s. Type: %s. Points at the end: %s (at the start: %s)."),
		         day_text(r, r->fy, r->fm, r->fd), day_text(r, r->ty, r->tm, r->td),
		         r->nareas ? areas : _("none"),
		         r->o->type ? type_label(r, type_index(r, r->o->type)) : _("all types"),
		         inum(r, (long long)r->st[1].n), inum(r, (long long)r->st[0].n));
		para(r, buf);
	}
	rc = section_counts(r);
	if (rc == SW_OK)
		rc = section_quarters(r);
	if (rc == SW_OK)
		rc = section_compliance(r);
	if (rc == SW_OK)
		rc = section_lists(r);
	if (rc == SW_OK)
		rc = section_maps(r);
	if (rc != SW_OK)
		return rc;
	tx_puts(&r->html, "</body>\n</html>\n");
	rc = write_text(r, "report.md", &r->md);
	if (rc == SW_OK)
		rc = write_text(r, "report.html", &r->html);
	return rc;
}

/* ---- setup and the whole ---- */

static enum sw_status setup(struct rep *r)
{
	const struct sw_report_options *o = r->o;
	size_t per;

	if (o->forms == NULL || o->dir == NULL)
		return sw_error_set(r->err, SW_ERR_INPUT, "%s",
		                    _("report: no forms or no directory"));
	if (!sw_date_parse_day(o->from, &r->fy, &r->fm, &r->fd))
		return sw_error_set(r->err, SW_ERR_INPUT,
		                    _("--from: expected a date YYYY-MM-DD, got '%s'"),
		                    o->from ? o->from : "");
	if (!sw_date_parse_day(o->to, &r->ty, &r->tm, &r->td))
		return sw_error_set(r->err, SW_ERR_INPUT,
		                    _("--to: expected a date YYYY-MM-DD, got '%s'"),
		                    o->to ? o->to : "");
	r->start = sw_date_ams_midnight(r->fy, r->fm, r->fd);
	r->end = sw_date_ams_midnight(r->ty, r->tm, r->td + 1);
	if (r->end <= r->start)
		return sw_error_set(r->err, SW_ERR_INPUT,
		                    _("the period %s to %s is empty: the first day comes after the "
		                      "last"),
		                    o->from, o->to);
	sw_date_iso_utc(r->start, r->start_iso, sizeof r->start_iso);
	sw_date_iso_utc(r->end, r->end_iso, sizeof r->end_iso);
	r->forms = o->forms;
	r->ntypes = o->forms->nforms;
	r->nstates = o->forms->nstates;
	if (o->type != NULL && sw_forms_find_or_error(o->forms, o->type, r->err) == NULL)
		return SW_ERR_INPUT;
	if (o->narea_names > 0) {
		if (o->areas == NULL)
			return sw_error_set(r->err, SW_ERR_INPUT, "%s",
			                    _("--area: no areas are loaded"));
		for (size_t i = 0; i < o->narea_names; i++) {
			const struct sw_area *a = sw_area_find(o->areas, o->area_names[i], r->err);
			bool dup = false;

			if (a == NULL)
				return SW_ERR_INPUT;
			for (size_t k = 0; k < r->nareas; k++)
				dup = dup || r->area[k] == a;
			if (dup)
				continue;
			if (r->nareas == MAX_AREAS)
				return sw_error_set(r->err, SW_ERR_INPUT,
				                    _("at most %d areas in a report"), MAX_AREAS);
			r->area[r->nareas++] = a;
		}
		r->restrict_areas = true;
	} else if (o->areas != NULL) {
		for (size_t i = 0; i < o->areas->n && r->nareas < MAX_AREAS; i++)
			r->area[r->nareas++] = &o->areas->items[i];
	}
	r->nscopes = r->nareas + 1;
	per = (r->ntypes + 1) * (r->nstates + 1);
	for (int k = 0; k < 2; k++) {
		r->st[k].counts = calloc(r->nscopes * per, sizeof *r->st[k].counts);
		if (r->st[k].counts == NULL)
			return sw_error_nomem(r->err);
	}
	r->planned_state = state_index(r, "planned");
	r->progress_state = state_index(r, "in_progress");
	r->realised_state = state_index(r, "realised");
	r->inspected_state = state_index(r, "inspected_ok");
	r->rejected_state = state_index(r, "rejected");
	make_quarters(r);
	if (o->quarterly) {
		r->q_counts = calloc(r->nq * per + 1, sizeof *r->q_counts);
		if (r->q_counts == NULL)
			return sw_error_nomem(r->err);
	}
	return SW_OK;
}

static enum sw_status gather(struct rep *r)
{
	enum sw_status rc;

	rc = read_state(r, 0, r->start, 0);
	if (rc == SW_OK)
		rc = read_state(r, 1, r->end, 0);
	if (rc != SW_OK)
		return rc;
	for (int k = 0; k < 2; k++)
		if (r->st[k].n > 1)
			qsort(r->st[k].p, r->st[k].n, sizeof *r->st[k].p, pinfo_uuid_cmp);
	for (size_t q = 0; rc == SW_OK && q < r->nq; q++)
		rc = read_state(r, 2, r->qstart[q], q);
	for (size_t q = 0; rc == SW_OK && r->o->quarterly && q < r->nq; q++)
		rc = read_state(r, 3, r->qend[q], q);
	if (rc == SW_OK)
		rc = sw_store_history_range(r->s, r->start_iso, r->end_iso, transition_cb, r,
		                            r->err);
	if (rc == SW_OK)
		rc = read_runs(r);
	/* the lists go by id */
	if (rc == SW_OK && r->st[1].n > 1) {
		struct pinfo *copy = malloc(r->st[1].n * sizeof *copy);

		if (copy == NULL)
			return sw_error_nomem(r->err);
		memcpy(copy, r->st[1].p, r->st[1].n * sizeof *copy);
		qsort(copy, r->st[1].n, sizeof *copy, pinfo_id_cmp);
		/* the uuid order is no longer needed: runs and history are read */
		free(r->st[1].p);
		r->st[1].p = copy;
	}
	return rc;
}

/* Move the files of tmpdir into dir, then remove tmpdir. */
static enum sw_status publish(struct rep *r)
{
	for (size_t i = 0; i < r->nfiles; i++) {
		char *from = path_in(r->tmpdir, r->files[i]), *to = path_in(r->o->dir, r->files[i]);
		int ok = from != NULL && to != NULL && rename(from, to) == 0;
		int e = errno;

		if (!ok) {
			enum sw_status rc =
			    from == NULL || to == NULL
			        ? sw_error_nomem(r->err)
			        : sw_error_set(r->err, SW_ERR_IO, _("%s: cannot write: %s"), to,
			                       strerror(e));
			free(from);
			free(to);
			return rc;
		}
		free(from);
		free(to);
	}
	return SW_OK;
}

static void cleanup_tmp(struct rep *r)
{
	if (r->tmpdir == NULL)
		return;
	for (size_t i = 0; i < r->nfiles; i++) {
		char *p = path_in(r->tmpdir, r->files[i]);

		if (p != NULL)
			unlink(p);
		free(p);
	}
	rmdir(r->tmpdir);
}

enum sw_status sw_report_write(struct sw_store *s, const struct sw_report_options *o,
                               struct sw_report_result *res, struct sw_error *err)
{
	struct rep r = {.s = s, .o = o, .err = err};
	enum sw_status rc;
	size_t n;

	if (res != NULL)
		memset(res, 0, sizeof *res);
	rc = setup(&r);
	if (rc != SW_OK)
		goto out;
	if (mkdir(o->dir, 0777) != 0 && errno != EEXIST) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot create the directory: %s"), o->dir,
		                  strerror(errno));
		goto out;
	}
	n = strlen(o->dir) + 32;
	r.tmpdir = malloc(n);
	if (r.tmpdir == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	snprintf(r.tmpdir, n, "%s/.report-%ld", o->dir, (long)getpid());
	if (mkdir(r.tmpdir, 0777) != 0) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot create the directory: %s"),
		                  r.tmpdir, strerror(errno));
		free(r.tmpdir);
		r.tmpdir = NULL;
		goto out;
	}
	rc = gather(&r);
	if (rc == SW_OK)
		rc = build(&r);
	if (rc == SW_OK)
		rc = publish(&r);
	if (rc == SW_OK && res != NULL) {
		res->npoints_start = (long long)r.st[0].n;
		res->npoints_end = (long long)r.st[1].n;
		res->nruns = r.nruns;
		res->nfiles = r.nfiles;
	}
out:
	cleanup_tmp(&r);
	free(r.tmpdir);
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < r.st[k].n; i++) {
			free(r.st[k].p[i].note);
			free(r.st[k].p[i].observed_at);
			free(r.st[k].p[i].reasons);
		}
		free(r.st[k].p);
		free(r.st[k].counts);
	}
	for (size_t i = 0; i < r.nruns; i++) {
		free(r.runs[i].profile);
		free(r.runs[i].per_type);
	}
	free(r.runs);
	free(r.q_counts);
	for (size_t i = 0; i < r.nfiles; i++)
		free(r.files[i]);
	free(r.files);
	free(r.md.p);
	free(r.html.p);
	return rc;
}
