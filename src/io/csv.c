/* csv.c - CSV exchange: a streaming reader on libcsv and an atomic writer. */
#include "schouw/csv.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schouw/crs.h"
#include "schouw/form.h"
#include "schouw/i18n.h"
#include "schouw/num.h"
#include "schouw/utf8.h"

#define READ_BLOCK 65536

/* ---- shared helpers ---- */

static const char formula_chars[] = "=+-@";

/* A text needs the formula guard when, after any leading single quotes, it
 * begins with = + - @. Counting the quotes makes the guard reversible. */
static bool needs_guard(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] == '\'')
		i++;
	return i < len && s[i] != '\0' && strchr(formula_chars, s[i]) != NULL;
}

size_t sw_csv_format_cell(char *buf, size_t cap, const char *cell, enum sw_csv_dialect d,
                          bool guard)
{
	char delim = d == SW_CSV_EXCEL_NL ? ';' : ',';
	size_t len = cell != NULL ? strlen(cell) : 0;
	bool quote = false;
	size_t need = 0, i;

	if (len > 0 &&
	    (cell[0] == ' ' || cell[0] == '\t' || cell[len - 1] == ' ' || cell[len - 1] == '\t'))
		quote = true; /* libcsv and others trim unquoted blanks */
	for (i = 0; i < len && !quote; i++)
		if (cell[i] == delim || cell[i] == '"' || cell[i] == '\r' || cell[i] == '\n')
			quote = true;
	guard = guard && needs_guard(cell, len);

#define PUT(ch)                                                                                    \
	do {                                                                                       \
		if (need + 1 < cap)                                                                \
			buf[need] = (ch);                                                          \
		need++;                                                                            \
	} while (0)
	if (quote)
		PUT('"');
	if (guard)
		PUT('\'');
	for (i = 0; i < len; i++) {
		if (cell[i] == '"')
			PUT('"');
		PUT(cell[i]);
	}
	if (quote)
		PUT('"');
#undef PUT
	if (cap > 0)
		buf[need < cap ? need : cap - 1] = '\0';
	return need;
}

/* ---- reader ---- */

struct rd_ctx {
	const char *path;
	const struct sw_read_opts *o;
	sw_record_cb cb;
	void *ud;
	struct sw_error *err;
	iconv_t cd; /* (iconv_t)-1: input is UTF-8 */
	const char *encoding;
	char delim;

	long line;     /* physical line being fed, 1-based */
	long rec_line; /* line where the current record starts; 0: none yet */

	/* cells of the current row, as offsets into rowbuf */
	char *rowbuf;
	size_t rowlen, rowcap;
	size_t *offs;
	size_t ncells, cellcap;

	/* header */
	bool have_header;
	long header_line;
	size_t ncols;
	char **names; /* per file column, after --map; NULL: dropped */
	bool *unnamed; /* per file column: no name in the header (Excel's "x;y;;;"),
	                * ignored as long as it is empty in every row */
	size_t nunnamed;
	size_t nkeep;
	const char **keys; /* kept names */
	const char **vals;
	long cx, cy; /* file column of x (lon) and y (lat); -1 none */
	bool geo;

	long nrows;
	bool failed;
	enum sw_status rc;
};

static void rd_fail(struct rd_ctx *c, enum sw_status code, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void rd_fail(struct rd_ctx *c, enum sw_status code, long line, const char *fmt, ...)
{
	char msg[SW_ERROR_MSG_MAX / 2];
	va_list ap;

	if (c->failed)
		return;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line > 0)
		c->rc = sw_error_set(c->err, code, "%s:%ld: %s", c->path, line, msg);
	else
		c->rc = sw_error_set(c->err, code, "%s: %s", c->path, msg);
}

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap > 0 ? *cap : 16;
	void *np;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * elem);
	if (np == NULL)
		return false;
	*p = np;
	*cap = ncap;
	return true;
}

/* "column 'note'" once the header is known, else "cell 3", for messages. */
static const char *col_desc(const struct rd_ctx *c, size_t i, char *buf, size_t len)
{
	if (c->have_header && i < c->ncols && c->names[i] != NULL)
		snprintf(buf, len, _("column '%.100s'"), c->names[i]);
	else
		snprintf(buf, len, _("cell %zu"), i + 1);
	return buf;
}

/* Append one cell (converted to UTF-8, checked, formula guard removed). */
static void rd_cell(void *s, size_t len, void *data)
{
	struct rd_ctx *c = data;
	const char *in = s != NULL ? s : "";
	size_t start = c->rowlen;
	char desc[160];

	if (c->failed)
		return;
	if (len > 0 && memchr(in, '\0', len) != NULL) {
		rd_fail(c, SW_ERR_INPUT, c->line, _("NUL byte in %s (is this a text file?)"),
		        col_desc(c, c->ncells, desc, sizeof desc));
		return;
	}
	if (!grow((void **)&c->offs, &c->cellcap, c->ncells + 1, sizeof *c->offs)) {
		c->rc = sw_error_nomem(c->err);
		c->failed = true;
		return;
	}
	if (c->cd != (iconv_t)-1) {
		char *ip = (char *)in;
		size_t il = len;

		for (;;) {
			char *op;
			size_t ol, r;

			if (!grow((void **)&c->rowbuf, &c->rowcap, c->rowlen + il * 4 + 16, 1)) {
				c->rc = sw_error_nomem(c->err);
				c->failed = true;
				return;
			}
			op = c->rowbuf + c->rowlen;
			ol = c->rowcap - c->rowlen - 1;
			r = iconv(c->cd, &ip, &il, &op, &ol);
			c->rowlen = (size_t)(op - c->rowbuf);
			if (r != (size_t)-1)
				break;
			if (errno != E2BIG) {
				rd_fail(c, SW_ERR_INPUT, c->rec_line, _("%s is not valid %s text"),
				        col_desc(c, c->ncells, desc, sizeof desc), c->encoding);
				return;
			}
		}
		iconv(c->cd, NULL, NULL, NULL, NULL);
	} else {
		if (!grow((void **)&c->rowbuf, &c->rowcap, c->rowlen + len + 1, 1)) {
			c->rc = sw_error_nomem(c->err);
			c->failed = true;
			return;
		}
		memcpy(c->rowbuf + c->rowlen, in, len);
		c->rowlen += len;
	}
	c->rowbuf[c->rowlen] = '\0';
	if (!sw_utf8_valid(c->rowbuf + start, c->rowlen - start)) {
		rd_fail(
		    c, SW_ERR_INPUT, c->rec_line,
		    _("invalid UTF-8 in %s (pass --encoding, e.g. "
		      "--encoding WINDOWS-1252 for a file saved by Excel, when it is not UTF-8)"),
		    col_desc(c, c->ncells, desc, sizeof desc));
		return;
	}
	/* undo the formula guard of our writer (and of careful others) */
	if (c->rowlen - start > 1 && c->rowbuf[start] == '\'' &&
	    needs_guard(c->rowbuf + start + 1, c->rowlen - start - 1)) {
		memmove(c->rowbuf + start, c->rowbuf + start + 1, c->rowlen - start);
		c->rowlen--;
	}
	c->offs[c->ncells++] = start;
	c->rowlen++; /* keep the NUL */
}

static const char *rd_cellstr(const struct rd_ctx *c, size_t i)
{
	return c->rowbuf + c->offs[i];
}

static void rd_reset_row(struct rd_ctx *c)
{
	c->ncells = 0;
	c->rowlen = 0;
	c->rec_line = 0;
}

static bool rd_header(struct rd_ctx *c)
{
	const struct sw_read_opts *o = c->o;
	long lat = -1, lon = -1, x = -1, y = -1;
	size_t i, j;

	c->ncols = c->ncells;
	c->header_line = c->rec_line;
	c->names = calloc(c->ncols, sizeof *c->names);
	c->keys = calloc(c->ncols, sizeof *c->keys);
	c->vals = calloc(c->ncols, sizeof *c->vals);
	c->unnamed = calloc(c->ncols, sizeof *c->unnamed);
	if (c->names == NULL || c->keys == NULL || c->vals == NULL || c->unnamed == NULL) {
		c->rc = sw_error_nomem(c->err);
		c->failed = true;
		return false;
	}
	for (i = 0; i < c->ncols; i++) {
		c->names[i] = sw_strdup(rd_cellstr(c, i));
		if (c->names[i] == NULL) {
			c->rc = sw_error_nomem(c->err);
			c->failed = true;
			return false;
		}
	}
	for (j = 0; o != NULL && j < o->nmap; j++) {
		const char *dst = o->map_dst[j];
		bool found = false;

		for (i = 0; i < c->ncols; i++) {
			if (c->names[i] == NULL || strcasecmp(c->names[i], o->map_src[j]) != 0)
				continue;
			found = true;
			free(c->names[i]);
			c->names[i] = NULL;
			if (dst != NULL && *dst != '\0' && strcmp(dst, "-") != 0) {
				c->names[i] = sw_strdup(dst);
				if (c->names[i] == NULL) {
					c->rc = sw_error_nomem(c->err);
					c->failed = true;
					return false;
				}
			}
			break;
		}
		if (!found) {
			rd_fail(c, SW_ERR_INPUT, c->header_line,
			        _("--map %s=...: the header has no column of that name"),
			        o->map_src[j]);
			return false;
		}
	}
	for (i = 0; i < c->ncols; i++) {
		if (c->names[i] == NULL)
			continue;
		if (c->names[i][0] == '\0') {
			/* Excel saves the empty columns after the data: left out
			 * while every row leaves them empty (checked per row) */
			free(c->names[i]);
			c->names[i] = NULL;
			c->unnamed[i] = true;
			c->nunnamed++;
			continue;
		}
		for (j = 0; j < i; j++) {
			if (c->names[j] != NULL && strcasecmp(c->names[i], c->names[j]) == 0) {
				rd_fail(c, SW_ERR_INPUT, c->header_line,
				        _("column '%s' appears twice (columns %ld and %ld)"),
				        c->names[i], (long)j + 1, (long)i + 1);
				return false;
			}
		}
		switch (sw_exchange_coord_role(c->names[i])) {
		case SW_COORD_LAT:
			lat = (long)i;
			break;
		case SW_COORD_LON:
			lon = (long)i;
			break;
		case SW_COORD_X:
			x = (long)i;
			break;
		case SW_COORD_Y:
			y = (long)i;
			break;
		case SW_COORD_NONE:
			break;
		}
		c->keys[c->nkeep++] = c->names[i];
	}
	if (x >= 0 && y >= 0) {
		c->cx = x;
		c->cy = y;
		c->geo = false;
	} else if (lat >= 0 && lon >= 0) {
		c->cx = lon;
		c->cy = lat;
		c->geo = true;
	} else {
		rd_fail(
		    c, SW_ERR_INPUT, c->header_line,
		    _("no coordinate columns: expected lat and lon (lat, latitude, "
		      "breedtegraad, lon, lng, longitude, lengtegraad) or x and y (x, rd_x, x_rd, "
		      "y, rd_y, y_rd); name others with --map COLUMN=lat"));
		return false;
	}
	c->have_header = true;
	return true;
}

static void rd_row(int term, void *data)
{
	struct rd_ctx *c = data;
	struct sw_record r = {0};
	size_t i, k = 0;
	double vx, vy;

	(void)term;
	if (c->failed)
		return;
	/* a line of blanks is no row; a row of only separators (Excel's ";;;;")
	 * is none either, and is counted for the report */
	for (i = 0; i < c->ncells; i++)
		if (rd_cellstr(c, i)[0] != '\0')
			break;
	if (i == c->ncells) {
		if (c->ncells > 1 && c->have_header && c->o != NULL && c->o->stats != NULL)
			c->o->stats->empty_rows++;
		rd_reset_row(c);
		return;
	}
	if (!c->have_header) {
		rd_header(c);
		rd_reset_row(c);
		return;
	}
	if (c->ncells != c->ncols) {
		rd_fail(c, SW_ERR_INPUT, c->rec_line,
		        _("expected %ld cells as in the header, got %ld"), (long)c->ncols,
		        (long)c->ncells);
		return;
	}
	for (i = 0; i < c->ncols; i++) {
		if (c->unnamed[i] && rd_cellstr(c, i)[0] != '\0') {
			rd_fail(c, SW_ERR_INPUT, c->rec_line,
			        _("column %ld has no name in the header, but this row has "
			          "'%.100s' in it; name the column in the header or remove it"),
			        (long)i + 1, rd_cellstr(c, i));
			return;
		}
		if (c->names[i] != NULL) /* NULL: dropped by --map or unnamed */
			c->vals[k++] = rd_cellstr(c, i);
	}
	r.file = c->path;
	r.pos = c->rec_line;
	r.pos_kind = "line";
	/* Dutch Excel writes "51,81"; "1,000.5" is refused, not guessed */
	if (sw_num_parse(rd_cellstr(c, (size_t)c->cx), SW_NUM_COMMA | SW_NUM_TRIM, &vx) &&
	    sw_num_parse(rd_cellstr(c, (size_t)c->cy), SW_NUM_COMMA | SW_NUM_TRIM, &vy)) {
		r.has_xy = true;
		r.x = vx;
		r.y = vy;
	}
	r.crs =
	    (c->o != NULL && c->o->crs != NULL) ? c->o->crs : (c->geo ? SW_CRS_WGS84 : SW_CRS_RD);
	r.xy_is_rd_cols = !c->geo;
	r.day_first = c->delim == ';'; /* Dutch Excel: 1-3-2025 is 1 March */
	r.n = c->nkeep;
	r.keys = c->keys;
	r.vals = c->vals;
	c->nrows++;
	c->rc = c->cb(&r, c->ud, c->err);
	if (c->rc != SW_OK)
		c->failed = true;
	rd_reset_row(c);
}

/* The separator that occurs most outside quotes in the first line. */
static char detect_delim(const char *buf, size_t len)
{
	size_t comma = 0, semi = 0, tab = 0, i = 0;
	bool inq = false;

	while (i < len && (buf[i] == '\r' || buf[i] == '\n'))
		i++; /* blank lines before the header */
	for (; i < len; i++) {
		char ch = buf[i];
		if (ch == '"')
			inq = !inq;
		else if (!inq && ch == '\n')
			break;
		else if (!inq && ch == ',')
			comma++;
		else if (!inq && ch == ';')
			semi++;
		else if (!inq && ch == '\t')
			tab++;
	}
	if (semi > comma && semi >= tab)
		return ';';
	if (tab > comma && tab > semi)
		return '\t';
	return ',';
}

static int is_blank_char(unsigned char ch)
{
	return ch == ' ' || ch == '\t';
}

static int is_term_char(unsigned char ch)
{
	return ch == '\r' || ch == '\n';
}

/* Feed buf to the parser one physical line at a time, so that we know the
 * line every record starts on. */
static bool rd_feed(struct rd_ctx *c, struct csv_parser *p, const char *buf, size_t len)
{
	while (len > 0 && !c->failed) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl != NULL ? (size_t)(nl - buf) + 1 : len;
		size_t i;

		if (c->rec_line == 0) {
			for (i = 0; i < n; i++) {
				if (buf[i] != '\r' && buf[i] != '\n') {
					c->rec_line = c->line;
					break;
				}
			}
		}
		if (csv_parse(p, buf, n, rd_cell, rd_row, c) != n && !c->failed) {
			if (csv_error(p) == CSV_ENOMEM || csv_error(p) == CSV_ETOOBIG)
				c->rc = sw_error_nomem(c->err);
			else
				rd_fail(
				    c, SW_ERR_INPUT, c->line,
				    _("malformed quoting: a quote inside an unquoted cell, or "
				      "text after a closing quote (a quote in a cell is written as "
				      "\"\" inside a quoted cell)"));
			c->failed = true;
		}
		if (nl != NULL)
			c->line++;
		buf += n;
		len -= n;
	}
	return !c->failed;
}

enum sw_csv_dialect sw_csv_sniff_dialect(const char *path)
{
	char buf[4096];
	const char *b = buf;
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return SW_CSV_RFC4180;
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) {
		b += 3;
		n -= 3;
	}
	return detect_delim(b, n) == ';' ? SW_CSV_EXCEL_NL : SW_CSV_RFC4180;
}

static bool is_utf8_name(const char *enc)
{
	return strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0;
}

enum sw_status sw_csv_read(const char *path, const struct sw_read_opts *o, sw_record_cb cb,
                           void *ud, struct sw_error *err)
{
	struct rd_ctx c = {0};
	struct csv_parser p;
	bool parser = false;
	char *buf = NULL;
	FILE *f = NULL;
	size_t n;
	bool first = true;
	size_t i;

	c.path = path;
	c.o = o;
	c.cb = cb;
	c.ud = ud;
	c.err = err;
	c.cd = (iconv_t)-1;
	c.line = 1;
	c.cx = c.cy = -1;
	c.rc = SW_OK;
	if (o != NULL && o->encoding != NULL && !is_utf8_name(o->encoding)) {
		c.encoding = o->encoding;
		c.cd = iconv_open("UTF-8", o->encoding);
		if (c.cd == (iconv_t)-1) {
			c.rc = sw_error_set(err, SW_ERR_INPUT,
			                    _("--encoding %s: unknown encoding (try UTF-8, "
			                      "ISO-8859-1, WINDOWS-1252)"),
			                    o->encoding);
			goto out;
		}
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		c.rc = sw_error_set(err, errno == ENOENT ? SW_ERR_NOTFOUND : SW_ERR_IO,
		                    _("%s: cannot open: %s"), path, strerror(errno));
		goto out;
	}
	buf = malloc(READ_BLOCK);
	if (buf == NULL) {
		c.rc = sw_error_nomem(err);
		goto out;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		c.rc = sw_error_nomem(err);
		goto out;
	}
	parser = true;
	csv_set_space_func(&p, is_blank_char);
	csv_set_term_func(&p, is_term_char);
	while ((n = fread(buf, 1, READ_BLOCK, f)) > 0) {
		const char *b = buf;

		if (first) {
			first = false;
			if (n >= 2 &&
			    (memcmp(b, "\xFF\xFE", 2) == 0 || memcmp(b, "\xFE\xFF", 2) == 0)) {
				/* libcsv reads bytes: UTF-16 cannot be converted per cell */
				c.rc = sw_error_set(err, SW_ERR_INPUT,
				                    _("%s:1: the file is UTF-16 text; save it as "
				                      "CSV UTF-8 (e.g. Excel: \"CSV UTF-8\")"),
				                    path);
				goto out;
			}
			if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) {
				b += 3;
				n -= 3;
			}
			c.delim = detect_delim(b, n);
			csv_set_delim(&p, (unsigned char)c.delim);
		}
		if (!rd_feed(&c, &p, b, n))
			goto out;
	}
	if (ferror(f)) {
		c.rc = sw_error_set(err, SW_ERR_IO, _("%s: read error: %s"), path, strerror(errno));
		goto out;
	}
	if (csv_fini(&p, rd_cell, rd_row, &c) != 0 && !c.failed) {
		rd_fail(&c, SW_ERR_INPUT, c.rec_line,
		        _("a quote opened in the record starting on this line is never closed"));
	}
	if (c.failed)
		goto out;
	if (!c.have_header) {
		c.rc = sw_error_set(err, SW_ERR_INPUT, _("%s: empty file, expected a header line"),
		                    path);
		goto out;
	}
	if (c.nrows == 0)
		rd_fail(&c, SW_ERR_INPUT, c.header_line, _("no rows, only a header"));
	if (o != NULL && o->stats != NULL)
		o->stats->empty_columns += (long long)c.nunnamed;
out:
	if (parser)
		csv_free(&p);
	if (f != NULL)
		fclose(f);
	if (c.cd != (iconv_t)-1)
		iconv_close(c.cd);
	for (i = 0; c.names != NULL && i < c.ncols; i++)
		free(c.names[i]);
	free(c.names);
	free(c.unnamed);
	free(c.keys);
	free(c.vals);
	free(c.rowbuf);
	free(c.offs);
	free(buf);
	return c.rc;
}

/* ---- plain row writer ---- */

struct sw_csv_out {
	FILE *f;
	char *path;
	char *tmp;
	enum sw_csv_dialect d;
	char *buf;
	size_t cap;
	bool failed;
};

enum sw_status sw_csv_out_open(const char *path, enum sw_csv_dialect d, struct sw_csv_out **out,
                               struct sw_error *err)
{
	struct sw_csv_out *w = NULL;
	enum sw_status rc = SW_OK;
	mode_t mask;
	int fd = -1;
	size_t n;

	*out = NULL;
	w = calloc(1, sizeof *w);
	if (w == NULL)
		return sw_error_nomem(err);
	w->d = d;
	w->path = sw_strdup(path);
	n = strlen(path) + sizeof ".tmp-XXXXXX";
	w->tmp = malloc(n);
	if (w->path == NULL || w->tmp == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	snprintf(w->tmp, n, "%s.tmp-XXXXXX", path);
	fd = mkstemp(w->tmp);
	if (fd < 0) {
		rc =
		    sw_error_set(err, SW_ERR_IO, _("%s: cannot create: %s"), path, strerror(errno));
		free(w->tmp);
		w->tmp = NULL;
		goto out;
	}
	/* mkstemp makes 0600; give the file the usual permissions */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0) {
		rc =
		    sw_error_set(err, SW_ERR_IO, _("%s: cannot create: %s"), path, strerror(errno));
		goto out;
	}
	w->f = fdopen(fd, "wb");
	if (w->f == NULL) {
		rc =
		    sw_error_set(err, SW_ERR_IO, _("%s: cannot create: %s"), path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (d == SW_CSV_EXCEL_NL)
		fputs("\xEF\xBB\xBF", w->f);
out:
	if (fd >= 0)
		close(fd);
	if (rc != SW_OK) {
		sw_csv_out_close(w, false, NULL);
		return rc;
	}
	*out = w;
	return SW_OK;
}

static bool out_cell(struct sw_csv_out *w, const char *cell, bool number, bool first)
{
	size_t need;

	if (!first)
		putc(w->d == SW_CSV_EXCEL_NL ? ';' : ',', w->f);
	if (cell == NULL || *cell == '\0')
		return true;
	if (number) {
		if (w->d == SW_CSV_EXCEL_NL) {
			for (; *cell != '\0'; cell++)
				putc(*cell == '.' ? ',' : *cell, w->f);
		} else {
			fputs(cell, w->f);
		}
		return true;
	}
	need = sw_csv_format_cell(w->buf, w->cap, cell, w->d, true);
	if (need + 1 > w->cap) {
		char *nb = realloc(w->buf, need + 1);
		if (nb == NULL)
			return false;
		w->buf = nb;
		w->cap = need + 1;
		sw_csv_format_cell(w->buf, w->cap, cell, w->d, true);
	}
	fwrite(w->buf, 1, need, w->f);
	return true;
}

static enum sw_status out_row(struct sw_csv_out *w, size_t n, const char *const *cells,
                              const bool *number, struct sw_error *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!out_cell(w, cells[i], number != NULL && number[i], i == 0)) {
			w->failed = true;
			return sw_error_nomem(err);
		}
	}
	fputs("\r\n", w->f);
	if (ferror(w->f)) {
		w->failed = true;
		return sw_error_set(err, SW_ERR_IO, _("%s: write error: %s"), w->path,
		                    strerror(errno));
	}
	return SW_OK;
}

enum sw_status sw_csv_out_row(struct sw_csv_out *w, size_t n, const char *const *cells,
                              struct sw_error *err)
{
	return out_row(w, n, cells, NULL, err);
}

enum sw_status sw_csv_out_close(struct sw_csv_out *w, bool commit, struct sw_error *err)
{
	enum sw_status rc = SW_OK;

	if (w == NULL)
		return SW_OK;
	if (w->f != NULL) {
		if (commit &&
		    (w->failed || fflush(w->f) != 0 || ferror(w->f) || fsync(fileno(w->f)) != 0)) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: write error: %s"), w->path,
			                  strerror(errno));
			commit = false;
		}
		if (fclose(w->f) != 0 && commit) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: write error: %s"), w->path,
			                  strerror(errno));
			commit = false;
		}
	} else {
		commit = false;
	}
	if (w->tmp != NULL) {
		if (commit && rename(w->tmp, w->path) != 0) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot rename into place: %s"),
			                  w->path, strerror(errno));
			commit = false;
		}
		if (!commit)
			unlink(w->tmp);
	}
	free(w->tmp);
	free(w->path);
	free(w->buf);
	free(w);
	return rc;
}

/* ---- point writer ---- */

enum {
	COL_ID,
	COL_UUID,
	COL_TYPE,
	COL_STATUS,
	COL_X,
	COL_Y,
	COL_SURVEYOR,
	COL_OBSERVED,
	COL_ACC,
	COL_NOTE,
	COL_CREATED,
	COL_UPDATED,
	NFIXED
};

struct sw_csv_writer {
	struct sw_csv_out *out;
	struct sw_export_opts o; /* a copy; type and crs owned */
	char *type, *crs_name;
	const struct sw_field **fields;
	size_t nfields;
	struct sw_crs *crs;
	bool geo;
	long long count;
	char *op;
	double acc;
	/* per row scratch */
	char **cells;
	bool *number;
	size_t ncells;
};

static bool crs_is_rd(const char *crs)
{
	return crs == NULL || strcasecmp(crs, SW_CRS_RD) == 0;
}

static bool crs_is_geographic(const char *crs)
{
	return crs != NULL &&
	       (strcasecmp(crs, "EPSG:4326") == 0 || strcasecmp(crs, "EPSG:4258") == 0 ||
	        strcasecmp(crs, "OGC:CRS84") == 0 || strcasecmp(crs, "WGS84") == 0);
}

enum sw_status sw_csv_writer_open(const char *path, const struct sw_export_opts *o,
                                  struct sw_csv_writer **out, struct sw_error *err)
{
	static const char *const fixed[NFIXED] = {
	    "id",       "uuid",        "type",           "status", "x",          "y",
	    "surveyor", "observed_at", "gps_accuracy_m", "note",   "created_at", "updated_at"};
	struct sw_csv_writer *w = NULL;
	const char **header = NULL;
	enum sw_status rc = SW_OK;
	size_t i, k = 0;

	*out = NULL;
	w = calloc(1, sizeof *w);
	if (w == NULL)
		return sw_error_nomem(err);
	w->o = *o;
	w->acc = -1;
	w->type = sw_strdup(o->type);
	w->crs_name = sw_strdup(o->crs);
	if ((o->type != NULL && w->type == NULL) || (o->crs != NULL && w->crs_name == NULL)) {
		rc = sw_error_nomem(err);
		goto out;
	}
	w->o.type = w->type;
	w->o.crs = w->crs_name;
	if (o->forms != NULL && o->type != NULL) {
		const struct sw_form *form = sw_forms_find_or_error(o->forms, o->type, err);
		if (form == NULL) {
			rc = SW_ERR_INPUT;
			goto out;
		}
		w->nfields = form->nfields;
		w->fields = calloc(form->nfields + 1, sizeof *w->fields);
		if (w->fields == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
		for (i = 0; i < form->nfields; i++)
			w->fields[i] = &form->fields[i];
	} else if (o->forms != NULL) {
		rc = sw_forms_all_fields(o->forms, &w->fields, &w->nfields, err);
		if (rc != SW_OK)
			goto out;
	}
	if (!crs_is_rd(o->crs)) {
		rc = sw_crs_new(SW_CRS_RD, o->crs, &w->crs, err);
		if (rc != SW_OK)
			goto out;
		w->geo = crs_is_geographic(o->crs);
	}
	w->ncells = NFIXED + w->nfields;
	w->cells = calloc(w->ncells, sizeof *w->cells);
	w->number = calloc(w->ncells, sizeof *w->number);
	header = calloc(w->ncells, sizeof *header);
	if (w->cells == NULL || w->number == NULL || header == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	for (i = 0; i < NFIXED; i++) {
		if (i == COL_SURVEYOR && o->anonymize)
			continue;
		if (i == COL_X)
			header[k++] = w->geo ? "lon" : "x";
		else if (i == COL_Y)
			header[k++] = w->geo ? "lat" : "y";
		else
			header[k++] = fixed[i];
	}
	for (i = 0; i < w->nfields; i++)
		header[k++] = w->fields[i]->name;
	rc = sw_csv_out_open(path, o->dialect, &w->out, err);
	if (rc != SW_OK)
		goto out;
	rc = sw_csv_out_row(w->out, k, header, err);
out:
	free(header);
	if (rc != SW_OK) {
		sw_csv_writer_close(w, false, NULL);
		return rc;
	}
	*out = w;
	return SW_OK;
}

/* Shortest round-tripping text of r with at least min_dec decimals. */
static char *number_text(double r, int min_dec)
{
	struct sw_value v = {.t = SW_V_REAL, .r = r};
	char *s = sw_value_to_text(&v);
	const char *dot;
	size_t len, have;
	char *grown;

	if (s == NULL || min_dec <= 0 || strpbrk(s, "eEn") != NULL)
		return s;
	dot = strchr(s, '.');
	have = dot != NULL ? strlen(dot + 1) : 0;
	if (have >= (size_t)min_dec)
		return s;
	len = strlen(s);
	grown = realloc(s, len + (size_t)min_dec + 2);
	if (grown == NULL) {
		free(s);
		return NULL;
	}
	if (dot == NULL)
		grown[len++] = '.';
	while (have < (size_t)min_dec) {
		grown[len++] = '0';
		have++;
	}
	grown[len] = '\0';
	return grown;
}

static void writer_free_cells(struct sw_csv_writer *w)
{
	size_t i;

	for (i = 0; i < w->ncells; i++) {
		free(w->cells[i]);
		w->cells[i] = NULL;
		w->number[i] = false;
	}
}

enum sw_status sw_csv_writer_add(struct sw_csv_writer *w, const struct sw_point *p,
                                 struct sw_error *err)
{
	const struct sw_export_opts *o = &w->o;
	enum sw_status rc = SW_OK;
	double x = p->x, y = p->y;
	char idbuf[32];
	size_t i, k = 0;

#define TEXT(s)                                                                                    \
	do {                                                                                       \
		if ((s) != NULL && (w->cells[k] = sw_strdup(s)) == NULL) {                           \
			rc = sw_error_nomem(err);                                                           \
			goto out;                                                                  \
		}                                                                                  \
		k++;                                                                               \
	} while (0)
#define NUMBER(text)                                                                               \
	do {                                                                                       \
		w->number[k] = true;                                                               \
		if ((w->cells[k] = (text)) == NULL) {                                              \
			rc = sw_error_nomem(err);                                                           \
			goto out;                                                                  \
		}                                                                                  \
		k++;                                                                               \
	} while (0)

	if (w->crs != NULL) {
		rc = sw_crs_trans(w->crs, &x, &y, 1, NULL, err);
		if (rc != SW_OK) {
			sw_error_prefix(err, _("point %s: "), p->uuid);
			goto out;
		}
		if (w->op == NULL && sw_crs_operation(w->crs) != NULL) {
			w->op = sw_strdup(sw_crs_operation(w->crs));
			w->acc = sw_crs_accuracy(w->crs);
		}
	}
	snprintf(idbuf, sizeof idbuf, "%lld", p->id);
	if (p->id > 0)
		NUMBER(sw_strdup(idbuf));
	else
		k++;
	TEXT(p->uuid[0] != '\0' ? p->uuid : NULL);
	TEXT(p->type);
	TEXT(p->status);
	NUMBER(number_text(x, w->geo ? 0 : 3));
	NUMBER(number_text(y, w->geo ? 0 : 3));
	if (!o->anonymize)
		TEXT(p->surveyor);
	TEXT(p->observed_at);
	if (isnan(p->gps_accuracy_m))
		k++;
	else
		NUMBER(number_text(p->gps_accuracy_m, 0));
	TEXT(p->note);
	TEXT(p->created_at);
	TEXT(p->updated_at);
	for (i = 0; i < w->nfields; i++) {
		const struct sw_value *v = sw_point_get_attr(p, w->fields[i]->name);

		if (v == NULL || v->t == SW_V_NULL) {
			k++;
			continue;
		}
		w->number[k] = v->t != SW_V_TEXT;
		w->cells[k] = sw_value_to_text(v);
		if (w->cells[k] == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
		k++;
	}
#undef TEXT
#undef NUMBER
	rc = out_row(w->out, k, (const char *const *)w->cells, w->number, err);
	if (rc == SW_OK)
		w->count++;
out:
	writer_free_cells(w);
	return rc;
}

long long sw_csv_writer_count(const struct sw_csv_writer *w)
{
	return w != NULL ? w->count : 0;
}

const char *sw_csv_writer_operation(const struct sw_csv_writer *w, double *accuracy)
{
	if (w == NULL || w->op == NULL)
		return NULL;
	if (accuracy != NULL)
		*accuracy = w->acc;
	return w->op;
}

enum sw_status sw_csv_writer_close(struct sw_csv_writer *w, bool commit, struct sw_error *err)
{
	enum sw_status rc;

	if (w == NULL)
		return SW_OK;
	rc = sw_csv_out_close(w->out, commit, err);
	sw_crs_free(w->crs);
	if (w->cells != NULL)
		writer_free_cells(w);
	free(w->cells);
	free(w->number);
	free(w->fields);
	free(w->op);
	free(w->type);
	free(w->crs_name);
	free(w);
	return rc;
}
