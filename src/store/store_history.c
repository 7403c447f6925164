/* store_history.c - the history of points: every insert, update and delete
 * leaves rows in schouw_history (a record as JSON, or one changed field),
 * written one by one or, in bulk imports, in batches; and reading them back. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/i18n.h"
#include "schouw/num.h"
#include "schouw/store.h"
#include "schouw/utf8.h"
#include "store_priv.h"

/* ---- record JSON for history ---- */

/* The record JSON is written straight into a buffer (an import writes one
 * per row, and building and dumping a jansson tree was a third of its time):
 * keys in insertion order, strings escaped as jansson escapes them, every real
 * the shortest text that reads back exactly (sw_num_format_json: 1.4, not
 * 1.3999999999999999). test_history_json reads it back with jansson. */
struct jbuf {
	char *p;
	size_t len, cap;
	bool heap, bad; /* bad: out of memory or text that is not UTF-8 */
	char stack[1024];
};

static void jb_init(struct jbuf *b)
{
	b->p = b->stack;
	b->len = 0;
	b->cap = sizeof b->stack;
	b->heap = b->bad = false;
}

static void jb_free(struct jbuf *b)
{
	if (b->heap)
		free(b->p);
	jb_init(b);
}

static bool jb_room(struct jbuf *b, size_t n)
{
	size_t cap;
	char *q;

	if (b->bad)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	cap = (b->len + n + 1) * 2;
	q = b->heap ? realloc(b->p, cap) : malloc(cap);
	if (q == NULL) {
		b->bad = true;
		return false;
	}
	if (!b->heap)
		memcpy(q, b->p, b->len);
	b->p = q;
	b->cap = cap;
	b->heap = true;
	return true;
}

static void jb_put(struct jbuf *b, const char *s, size_t n)
{
	if (!jb_room(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

#define JB_LIT(b, lit) jb_put((b), (lit), sizeof(lit) - 1)

/* A JSON string as jansson writes it (b->bad when it is not UTF-8). */
static void jb_str(struct jbuf *b, const char *str)
{
	size_t n, w;

	if (str == NULL) {
		JB_LIT(b, "null");
		return;
	}
	n = strlen(str);
	if (!jb_room(b, SW_UTF8_JSON_ROOM(n)))
		return;
	w = sw_utf8_json_quote(str, n, b->p + b->len);
	if (w == 0) {
		b->bad = true;
		return;
	}
	b->len += w;
}

/* "key": (keys are written as strings and must be UTF-8 as well). */
static void jb_key(struct jbuf *b, const char *key, bool first)
{
	if (!first)
		JB_LIT(b, ",");
	jb_str(b, key);
	JB_LIT(b, ":");
}

static void jb_int(struct jbuf *b, long long v)
{
	char buf[24], *e = buf + sizeof buf, *q = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--q = '-';
	jb_put(b, q, (size_t)(e - q));
}

static void jb_real(struct jbuf *b, double v)
{
	char buf[SW_NUM_BUF];

	jb_put(b, buf, sw_num_format_json(v, buf));
}

static void jb_value(struct jbuf *b, const struct sw_value *v)
{
	switch (v->t) {
	case SW_V_REAL:
		jb_real(b, v->r);
		break;
	case SW_V_INT:
		jb_int(b, v->i);
		break;
	case SW_V_TEXT:
		jb_str(b, v->s);
		break;
	default:
		JB_LIT(b, "null");
		break;
	}
}

/* The compact JSON text of the whole record into b (b->bad on OOM or text
 * that is not UTF-8, which jansson refused too). */
static void record_json(struct jbuf *b, const struct sw_point *p)
{
	size_t i;

	JB_LIT(b, "{\"id\":");
	jb_int(b, p->id);
	JB_LIT(b, ",\"uuid\":");
	jb_str(b, p->uuid);
	JB_LIT(b, ",\"type\":");
	jb_str(b, p->type);
	JB_LIT(b, ",\"status\":");
	jb_str(b, p->status);
	JB_LIT(b, ",\"x\":");
	jb_real(b, p->x);
	JB_LIT(b, ",\"y\":");
	jb_real(b, p->y);
	JB_LIT(b, ",\"surveyor\":");
	jb_str(b, p->surveyor);
	JB_LIT(b, ",\"observed_at\":");
	jb_str(b, p->observed_at);
	JB_LIT(b, ",\"gps_accuracy_m\":");
	jb_real(b, p->gps_accuracy_m);
	JB_LIT(b, ",\"note\":");
	jb_str(b, p->note);
	JB_LIT(b, ",\"created_at\":");
	jb_str(b, p->created_at);
	JB_LIT(b, ",\"updated_at\":");
	jb_str(b, p->updated_at);
	JB_LIT(b, ",\"fields\":{");
	for (i = 0; i < p->nattrs; i++) {
		if (p->attrs[i].name == NULL) {
			b->bad = true;
			return;
		}
		jb_key(b, p->attrs[i].name, i == 0);
		jb_value(b, &p->attrs[i].v);
	}
	JB_LIT(b, "}}");
}

/* ---- writing ---- */

static enum sw_status history_write(struct sw_store *s, long long id, const char *uuid,
                                    const char *action, const char *field,
                                    const char *old_value, const char *new_value,
                                    const char *who, const char *at, struct sw_error *err)
{
	sqlite3_stmt *st;
	enum sw_status rc;

	st = sw_store_stmt(s, SW_ST_HISTORY,
	                   "INSERT INTO schouw_history (point_id, point_uuid, action, field,"
	                   " old_value, new_value, who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                   err);
	if (st == NULL)
		return err ? err->code : SW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sw_store_bind_str(st, 2, uuid);
	sw_store_bind_str(st, 3, action);
	sw_store_bind_str(st, 4, field);
	sw_store_bind_str(st, 5, old_value);
	sw_store_bind_str(st, 6, new_value);
	sw_store_bind_str(st, 7, who);
	sw_store_bind_str(st, 8, at);
	rc = sw_store_step_done(s, st, _("writing history"), err);
	sqlite3_reset(st);
	return rc;
}

/* History rows of bulk inserts wait here and go in HIST_BATCH at a time by
 * one multi-row INSERT: a statement per row cost its own start and end (and
 * the AUTOINCREMENT bookkeeping) every time. */
#define HIST_BATCH 32

struct sw_hist_batch {
	size_t n;
	struct {
		long long id;
		char uuid[SW_UUID_LEN + 1];
		char at[32];
		size_t json, who; /* offsets into text */
	} row[HIST_BATCH];
	char *text;
	size_t len, cap;
};

static bool hist_text(struct sw_hist_batch *h, const char *t, size_t *off)
{
	size_t n = strlen(t) + 1;

	if (h->len + n > h->cap) {
		size_t cap = (h->len + n) * 2;
		char *q = realloc(h->text, cap);

		if (q == NULL)
			return false;
		h->text = q;
		h->cap = cap;
	}
	memcpy(h->text + h->len, t, n);
	*off = h->len;
	h->len += n;
	return true;
}

void sw_store_hist_drop(struct sw_store *s)
{
	if (s == NULL)
		return;
	s->import_lo = s->import_hi = 0;
	s->import_id = 0;
	if (s->hist == NULL)
		return;
	free(s->hist->text);
	free(s->hist);
	s->hist = NULL;
}

/* The history rows of the points inserted under an import record since the
 * last flush: ids import_lo..import_hi (ids only grow inside the import's
 * transaction; a failed insert left no row, so none is found), by one
 * INSERT ... SELECT. Any other history row flushes these first, so the
 * order by seq stays the order of events. */
static enum sw_status import_flush(struct sw_store *s, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	if (s->import_lo == 0)
		return SW_OK;
	rc = sw_store_prepare(
	    s,
	    "INSERT INTO schouw_history (point_id, point_uuid, action, who, at, import_id)"
	    " SELECT id, uuid, 'insert', (SELECT who FROM schouw_imports WHERE id = ?3),"
	    " (SELECT at FROM schouw_imports WHERE id = ?3), ?3 FROM points"
	    " WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
	    &st, err);
	if (rc == SW_OK) {
		sqlite3_bind_int64(st, 1, s->import_lo);
		sqlite3_bind_int64(st, 2, s->import_hi);
		sqlite3_bind_int64(st, 3, s->import_id);
		rc = sw_store_step_done(s, st, _("writing history"), err);
	}
	sqlite3_finalize(st);
	s->import_lo = s->import_hi = 0;
	if (rc != SW_OK)
		sw_store_txn_broken(s);
	return rc;
}

enum sw_status sw_store_hist_flush(struct sw_store *s, struct sw_error *err)
{
	struct sw_hist_batch *h = s->hist;
	enum sw_status rc = import_flush(s, err);
	size_t i = 0;

	if (rc != SW_OK || h == NULL || h->n == 0)
		return rc;
	if (h->n == HIST_BATCH) {
		sqlite3_stmt *st = s->st[SW_ST_HISTORY_BATCH];

		if (st == NULL) {
			struct sw_store_sbuf b = {0};

			sw_store_sb_add(
			    &b, "INSERT INTO schouw_history (point_id, point_uuid, action, field,"
			        " old_value, new_value, who, at) VALUES ");
			for (size_t k = 0; k < HIST_BATCH; k++)
				sw_store_sb_add(&b, k > 0
				                        ? ", (?, ?, 'insert', NULL, NULL, ?, ?, ?)"
				                        : "(?, ?, 'insert', NULL, NULL, ?, ?, ?)");
			if (b.oom) {
				free(b.p);
				return sw_error_nomem(err);
			}
			st = sw_store_stmt(s, SW_ST_HISTORY_BATCH, b.p, err);
			free(b.p);
		} else {
			st = sw_store_stmt(s, SW_ST_HISTORY_BATCH, NULL, err);
		}
		if (st == NULL)
			return err ? err->code : SW_ERR_STORE;
		for (size_t k = 0; k < HIST_BATCH; k++) {
			int p = (int)k * 5;

			sqlite3_bind_int64(st, p + 1, h->row[k].id);
			sw_store_bind_str(st, p + 2, h->row[k].uuid);
			sw_store_bind_str(st, p + 3, h->text + h->row[k].json);
			sw_store_bind_str(st, p + 4, h->text + h->row[k].who);
			sw_store_bind_str(st, p + 5, h->row[k].at);
		}
		rc = sw_store_step_done(s, st, _("writing history"), err);
		sqlite3_reset(st);
		i = HIST_BATCH;
	}
	for (; rc == SW_OK && i < h->n; i++)
		rc = history_write(s, h->row[i].id, h->row[i].uuid, "insert", NULL, NULL,
		                   h->text + h->row[i].json, h->text + h->row[i].who,
		                   h->row[i].at, err);
	h->n = 0;
	h->len = 0;
	if (rc != SW_OK)
		sw_store_txn_broken(s); /* rows are lost: the import must not commit */
	return rc;
}

/* Keep the history row of a bulk insert back (see above). */
static enum sw_status hist_add(struct sw_store *s, long long id, const char *uuid,
                               const char *json, const char *who, const char *at,
                               struct sw_error *err)
{
	struct sw_hist_batch *h = s->hist;
	size_t k;

	if (h == NULL) {
		h = s->hist = calloc(1, sizeof *h);
		if (h == NULL)
			return sw_error_nomem(err);
	}
	if (who == NULL || strlen(uuid) > SW_UUID_LEN || strlen(at) >= sizeof h->row[0].at) {
		/* never in an import; keep the plain path for it */
		enum sw_status rc = sw_store_hist_flush(s, err);

		return rc != SW_OK ? rc
		                   : history_write(s, id, uuid, "insert", NULL, NULL, json, who,
		                                   at, err);
	}
	k = h->n;
	if (!hist_text(h, json, &h->row[k].json) || !hist_text(h, who, &h->row[k].who))
		return sw_error_nomem(err);
	h->row[k].id = id;
	memcpy(h->row[k].uuid, uuid, strlen(uuid) + 1);
	memcpy(h->row[k].at, at, strlen(at) + 1);
	h->n++;
	return h->n == HIST_BATCH ? sw_store_hist_flush(s, err) : SW_OK;
}

enum sw_status sw_store_hist_row(struct sw_store *s, long long id, const char *uuid,
                                 const char *action, const char *field, const char *old_value,
                                 const char *new_value, const char *who, const char *at,
                                 struct sw_error *err)
{
	enum sw_status rc;

	if (s->quiet)
		return SW_OK;
	rc = sw_store_hist_flush(s, err);
	if (rc != SW_OK)
		return rc;
	return history_write(s, id, uuid, action, field, old_value, new_value, who, at, err);
}


enum sw_status sw_store_hist_insert(struct sw_store *s, const struct sw_point *p, const char *who,
                                    const char *at, struct sw_error *err)
{
	struct jbuf json;
	enum sw_status rc;

	if (s->quiet)
		return SW_OK;
	if (s->bulk && s->import_id != 0 && who != NULL && at == s->import_at) {
		/* points to the import record; written at the next flush */
		if (s->import_lo == 0)
			s->import_lo = p->id;
		s->import_hi = p->id;
		s->import_rows++;
		/* in runs, so the points just written are still in the cache */
		return s->import_hi - s->import_lo >= 4095 ? sw_store_hist_flush(s, err) : SW_OK;
	}
	jb_init(&json);
	record_json(&json, p);
	if (json.bad)
		rc = sw_error_nomem(err);
	else if (s->bulk)
		rc = hist_add(s, p->id, p->uuid, json.p, who, at, err);
	else
		rc = sw_store_hist_row(s, p->id, p->uuid, "insert", NULL, NULL, json.p, who, at,
		                       err);
	jb_free(&json);
	return rc;
}

enum sw_status sw_store_hist_delete(struct sw_store *s, long long id, const struct sw_point *old,
                                    const char *photos, const char *who, const char *at,
                                    struct sw_error *err)
{
	struct jbuf json;
	enum sw_status rc;

	jb_init(&json);
	record_json(&json, old);
	if (photos != NULL && !json.bad && json.len > 0) {
		json.len--; /* reopen the record's object */
		JB_LIT(&json, ",\"photos\":");
		jb_put(&json, photos, strlen(photos));
		JB_LIT(&json, "}");
	}
	if (json.bad)
		rc = sw_error_nomem(err);
	else
		rc =
		    sw_store_hist_row(s, id, old->uuid, "delete", NULL, json.p, NULL, who, at, err);
	jb_free(&json);
	return rc;
}

/* ---- reading ---- */

/* A record the guard triggers wrote has x and y null and the blob in hex as
 * "geom": fill x and y from it and drop it. */
#define TRIGGER_RECORD(v)                                                                          \
	"(CASE WHEN json_valid(" v ") AND json_type(" v ", '$.geom') = 'text' THEN"               \
	" json_remove(json_set(" v ", '$.x', json(schouw_coord_text(json_extract(" v              \
	", '$.geom'), 0)), '$.y', json(schouw_coord_text(json_extract(" v ", '$.geom'), 1))),"     \
	" '$.geom') ELSE " v " END)"

/* A geometry change the guard triggers wrote (field 'geom', the blobs in
 * hex) as schouw writes one: an x row and a y row, each only when it changed.
 * Blobs that are no GeoPackage point stay one 'geom' row. */
static enum sw_status geom_rows(const struct sw_history_row *h, sw_history_cb cb, void *ud)
{
	double ox = 0, oy = 0, nx = 0, ny = 0;
	bool has_o = h->old_value != NULL, has_n = h->new_value != NULL;
	char obuf[2][SW_NUM_BUF], nbuf[2][SW_NUM_BUF];
	struct sw_history_row r = *h;
	enum sw_status rc = SW_OK;

	if ((has_o && !sw_store_hex_point(h->old_value, &ox, &oy)) ||
	    (has_n && !sw_store_hex_point(h->new_value, &nx, &ny)))
		return cb(h, ud);
	sw_num_format(ox, obuf[0]);
	sw_num_format(oy, obuf[1]);
	sw_num_format(nx, nbuf[0]);
	sw_num_format(ny, nbuf[1]);
	for (int a = 0; a < 2 && rc == SW_OK; a++) {
		r.field = a == 0 ? "x" : "y";
		r.old_value = has_o ? obuf[a] : NULL;
		r.new_value = has_n ? nbuf[a] : NULL;
		if (has_o && has_n && strcmp(obuf[a], nbuf[a]) == 0)
			continue;
		rc = cb(&r, ud);
	}
	return rc;
}

/* The columns of a history row, with the records the guard triggers wrote
 * read as schouw writes them. */
#define HISTORY_COLUMNS_BASE                                                                       \
	"seq, point_id, point_uuid, action, field,"                                                \
	" CASE WHEN action = 'delete' THEN " TRIGGER_RECORD("old_value") " ELSE old_value END,"    \
	" CASE WHEN action = 'insert' THEN " TRIGGER_RECORD("new_value") " ELSE new_value END,"    \
	" who, at"
/* the import record of a row (schema 6), NULLs before */
#define IMPORT_OF(col)                                                                             \
	" CASE WHEN import_id IS NULL THEN NULL ELSE (SELECT " col                                 \
	" FROM schouw_imports WHERE schouw_imports.id = schouw_history.import_id) END"
#define HISTORY_COLUMNS                                                                            \
	HISTORY_COLUMNS_BASE ", import_id," IMPORT_OF("file") "," IMPORT_OF("sha256") ","         \
	    IMPORT_OF("format")
#define HISTORY_COLUMNS_V4 HISTORY_COLUMNS_BASE ", NULL, NULL, NULL, NULL"

/* The record of an insert that points to an import record: the point as it
 * was right after the insert, rebuilt from the point and its later history. */
static enum sw_status import_record(struct sw_store *s, const struct sw_history_row *h,
                                    struct jbuf *json, struct sw_error *err)
{
	struct sw_point p;
	bool present = false;
	enum sw_status rc;

	sw_point_init(&p);
	rc = sw_store_point_after(s, h->point_uuid, h->seq, &p, &present, err);
	if (rc == SW_OK && present) {
		p.id = h->point_id;
		if ((rc = sw_point_set_str(&p.created_at, h->at, err)) == SW_OK &&
		    (rc = sw_point_set_str(&p.updated_at, h->at, err)) == SW_OK) {
			record_json(json, &p);
			if (json->bad)
				rc = sw_error_nomem(err);
		}
	}
	sw_point_clear(&p);
	return rc;
}

static enum sw_status history_rows(struct sw_store *s, sqlite3_stmt *st, bool records,
                                   sw_history_cb cb, void *ud, struct sw_error *err)
{
	enum sw_status rc = SW_OK;
	int src;

	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct sw_history_row h = {
		    .seq = sqlite3_column_int64(st, 0),
		    .point_id = sqlite3_column_int64(st, 1),
		    .point_uuid = (const char *)sqlite3_column_text(st, 2),
		    .action = (const char *)sqlite3_column_text(st, 3),
		    .field = (const char *)sqlite3_column_text(st, 4),
		    .old_value = (const char *)sqlite3_column_text(st, 5),
		    .new_value = (const char *)sqlite3_column_text(st, 6),
		    .who = (const char *)sqlite3_column_text(st, 7),
		    .at = (const char *)sqlite3_column_text(st, 8),
		    .import_id = sqlite3_column_int64(st, 9),
		    .import_file = (const char *)sqlite3_column_text(st, 10),
		    .import_sha256 = (const char *)sqlite3_column_text(st, 11),
		    .import_format = (const char *)sqlite3_column_text(st, 12),
		};
		struct jbuf json;

		jb_init(&json);
		if (records && h.import_id != 0 && h.new_value == NULL && h.point_uuid != NULL &&
		    h.action != NULL && strcmp(h.action, "insert") == 0) {
			rc = import_record(s, &h, &json, err);
			if (rc == SW_OK && json.len > 0)
				h.new_value = json.p;
		}
		if (rc != SW_OK) {
			jb_free(&json);
			return rc;
		}
		if (h.field != NULL && strcmp(h.field, "geom") == 0 &&
		    strcmp(h.action, "update") == 0)
			rc = geom_rows(&h, cb, ud);
		else
			rc = cb(&h, ud);
		jb_free(&json);
		if (rc != SW_OK)
			return rc;
	}
	if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading history"));
	return rc;
}

enum sw_status sw_store_history_range(struct sw_store *s, const char *from, const char *to,
                                      sw_history_cb cb, void *ud, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	rc = sw_store_hist_flush(s, err);
	if (rc != SW_OK)
		return rc;
#define RANGE_SQL(cols)                                                                            \
	"SELECT " cols " FROM schouw_history WHERE (?1 IS NULL OR julianday(at) >= julianday(?1))" \
	" AND (?2 IS NULL OR julianday(at) < julianday(?2)) ORDER BY seq"
	rc = sw_store_prepare(s, s->imports ? RANGE_SQL(HISTORY_COLUMNS) : RANGE_SQL(HISTORY_COLUMNS_V4),
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	sw_store_bind_str(st, 1, from);
	sw_store_bind_str(st, 2, to);
	rc = history_rows(s, st, false, cb, ud, err);
	sqlite3_finalize(st);
	return rc;
}

enum sw_status sw_store_history(struct sw_store *s, const char *uuid, sw_history_cb cb, void *ud,
                                struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	rc = sw_store_hist_flush(s, err);
	if (rc != SW_OK)
		return rc;
#define POINT_SQL(cols)                                                                            \
	"SELECT " cols " FROM schouw_history WHERE point_id IN"                                    \
	" (SELECT id FROM points WHERE uuid = ?1 UNION SELECT point_id FROM"                       \
	" schouw_history WHERE point_uuid = ?1 AND action = 'delete') AND"                         \
	" point_uuid = ?1 ORDER BY seq"
	rc = sw_store_prepare(s, s->imports ? POINT_SQL(HISTORY_COLUMNS) : POINT_SQL(HISTORY_COLUMNS_V4),
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	rc = history_rows(s, st, true, cb, ud, err);
	sqlite3_finalize(st);
	return rc;
}
