/* store_bulk.c - bulk imports: no per-row R-tree work, then one packed
 * Sort-Tile-Recursive load of the whole R-tree.
 *
 * SQLite's rtree module costs 20-30 us per inserted box whatever the order;
 * a million-point import spends most of its time there. In bulk mode the
 * insert trigger is dropped (inside the import's transaction, so no other
 * connection ever sees it missing) and sw_store_bulk_end writes full nodes
 * straight into the shadow tables, in the layout documented at the top of
 * SQLite's ext/rtree/rtree.c:
 *   %_node(nodeno INTEGER PRIMARY KEY, data BLOB)   node 1 is the root
 *   %_rowid(rowid INTEGER PRIMARY KEY, nodeno)      leaf holding each row
 *   %_parent(nodeno INTEGER PRIMARY KEY, parentnode) for every non-root node
 * A node blob is: 2 bytes tree depth (root only, big-endian), 2 bytes cell
 * count, then cells of an 8-byte big-endian id (rowid in leaves, child node
 * number above) and minx, maxx, miny, maxy as big-endian float32, zero
 * padded to the node size the table was created with.
 */
#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpkg_geom.h"
#include "schouw/i18n.h"
#include "store_priv.h"

/* SQLite rounds boxes outward to float32 exactly so (rtree.c). */
#define RNDTOWARDS (1.0 - 1.0 / 8388608.0)
#define RNDAWAY (1.0 + 1.0 / 8388608.0)
#define RTREE_MAXCELLS 51
#define CELL_BYTES 24

static float round_down(double d)
{
	float f = (float)d;

	if (f > d)
		f = (float)(d * (d < 0 ? RNDAWAY : RNDTOWARDS));
	return f;
}

static float round_up(double d)
{
	float f = (float)d;

	if (f < d)
		f = (float)(d * (d < 0 ? RNDTOWARDS : RNDAWAY));
	return f;
}

/* One cell to place: a row (leaf level) or a node (levels above). */
struct item {
	int64_t id;
	float box[4]; /* minx, maxx, miny, maxy */
	double cx, cy;
};

/* A (rowid or node, parent node) pair for _rowid / _parent. */
struct link {
	int64_t id, node;
};

struct links {
	struct link *v;
	size_t n, cap;
};

static bool links_add(struct links *l, int64_t id, int64_t node)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct link *v = realloc(l->v, cap * sizeof *v);

		if (v == NULL)
			return false;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].id = id;
	l->v[l->n].node = node;
	l->n++;
	return true;
}

static int cmp_x(const void *a, const void *b)
{
	const struct item *p = a, *q = b;

	return (p->cx > q->cx) - (p->cx < q->cx);
}

static int cmp_y(const void *a, const void *b)
{
	const struct item *p = a, *q = b;

	return (p->cy > q->cy) - (p->cy < q->cy);
}

static int cmp_link(const void *a, const void *b)
{
	const struct link *p = a, *q = b;

	return (p->id > q->id) - (p->id < q->id);
}

/* ---- stable radix sort (qsort's comparisons were a tenth of an import) ---- */

/* A key that orders as the double does (-0 as +0, as the comparisons did). */
static uint64_t double_key(double d)
{
	uint64_t u;

	d += 0.0;
	memcpy(&u, &d, sizeof u);
	return (u >> 63) ? ~u : u | 0x8000000000000000ULL;
}

/* The order of elements base[0..n) (of size sz) by key(element): a stable
 * LSD radix sort, 11 bits a pass, skipping passes where every key has the
 * same digit. Only the element numbers are sorted (8 bytes an element with
 * ord and tmp, against qsort's copy of all elements); the keys are read
 * again on each pass. Returns ord or tmp, whichever holds the order. */
static uint32_t *radix_order(const void *base, size_t sz, size_t n,
                             uint64_t (*key)(const void *), uint32_t *ord, uint32_t *tmp)
{
	const unsigned char *b = base;
	size_t count[2048];

	for (size_t j = 0; j < n; j++)
		ord[j] = (uint32_t)j;
	for (int shift = 0; shift < 64; shift += 11) {
		size_t sum = 0, d0 = (size_t)(key(b) >> shift) & 2047;

		memset(count, 0, sizeof count);
		for (size_t j = 0; j < n; j++)
			count[(key(b + j * sz) >> shift) & 2047]++;
		if (count[d0] == n)
			continue;
		for (size_t d = 0; d < 2048; d++) {
			size_t c = count[d];

			count[d] = sum;
			sum += c;
		}
		for (size_t j = 0; j < n; j++)
			tmp[count[(key(b + (size_t)ord[j] * sz) >> shift) & 2047]++] = ord[j];
		{
			uint32_t *t = ord;

			ord = tmp;
			tmp = t;
		}
	}
	return ord;
}

/* Put elements (of size sz) in the order of ord: ord[j] is the element that
 * goes to j. In place, following cycles; ord is used up. */
static void permute(void *base, size_t sz, uint32_t *ord, size_t n)
{
	unsigned char *b = base, hold[64];

	for (size_t j = 0; j < n; j++) {
		size_t k = j;

		if (ord[j] == j)
			continue;
		memcpy(hold, b + j * sz, sz);
		while (ord[k] != j) {
			size_t src = ord[k];

			memcpy(b + k * sz, b + src * sz, sz);
			ord[k] = (uint32_t)k;
			k = src;
		}
		memcpy(b + k * sz, hold, sz);
		ord[k] = (uint32_t)k;
	}
}

_Static_assert(sizeof(struct item) <= 64 && sizeof(struct link) <= 64, "permute holds one");

static uint64_t key_cx(const void *e)
{
	return double_key(((const struct item *)e)->cx);
}

static uint64_t key_cy(const void *e)
{
	return double_key(((const struct item *)e)->cy);
}

static uint64_t key_link(const void *e)
{
	return (uint64_t)((const struct link *)e)->id ^ 0x8000000000000000ULL;
}

/* Sort n elements by key with ord and tmp of at least n numbers. */
static void radix_sort(void *base, size_t sz, size_t n, uint64_t (*key)(const void *),
                       uint32_t *ord, uint32_t *tmp)
{
	if (n < 2)
		return;
	permute(base, sz, radix_order(base, sz, n, key, ord, tmp), n);
}

/* Sort-Tile-Recursive order: vertical slices by x, each sorted by y, so
 * that runs of cap consecutive items are compact tiles. */
static void str_order(struct item *it, size_t n, size_t cap)
{
	size_t pages = (n + cap - 1) / cap;
	size_t slices = (size_t)ceil(sqrt((double)pages));
	size_t per = slices * cap;
	uint32_t *ord = n > 1 && n <= UINT32_MAX ? malloc(2 * n * sizeof *ord) : NULL;

	if (n < 2)
		return;
	if (ord == NULL) { /* the slow way */
		qsort(it, n, sizeof *it, cmp_x);
		for (size_t i = 0; i < n; i += per)
			qsort(it + i, n - i < per ? n - i : per, sizeof *it, cmp_y);
		return;
	}
	radix_sort(it, sizeof *it, n, key_cx, ord, ord + n);
	for (size_t i = 0; i < n; i += per)
		radix_sort(it + i, sizeof *it, n - i < per ? n - i : per, key_cy, ord, ord + n);
	free(ord);
}

static void put_be16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put_be64(unsigned char *p, int64_t v)
{
	uint64_t u = (uint64_t)v;

	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(u >> (56 - 8 * i));
}

static void put_bef(unsigned char *p, float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof u);
	p[0] = (unsigned char)(u >> 24);
	p[1] = (unsigned char)(u >> 16);
	p[2] = (unsigned char)(u >> 8);
	p[3] = (unsigned char)u;
}

struct writer {
	struct sw_store *s;
	sqlite3_stmt *node;
	unsigned char *buf;
	size_t size; /* node blob size */
};

/* Write node `no` holding items[0..n); depth only for the root. */
static enum sw_status write_node(struct writer *w, int64_t no, const struct item *it, size_t n,
                                 unsigned depth, struct sw_error *err)
{
	memset(w->buf, 0, w->size);
	put_be16(w->buf, no == 1 ? depth : 0);
	put_be16(w->buf + 2, (unsigned)n);
	for (size_t i = 0; i < n; i++) {
		unsigned char *c = w->buf + 4 + i * CELL_BYTES;

		put_be64(c, it[i].id);
		for (int k = 0; k < 4; k++)
			put_bef(c + 8 + 4 * k, it[i].box[k]);
	}
	sqlite3_reset(w->node);
	sqlite3_bind_int64(w->node, 1, no);
	sqlite3_bind_blob(w->node, 2, w->buf, (int)w->size, SQLITE_STATIC);
	if (sqlite3_step(w->node) != SQLITE_DONE)
		return sw_store_sqlerr(w->s, err, _("writing the spatial index"));
	return SW_OK;
}

/* Read every point's box; fills the exact extent too. */
static enum sw_status read_items(struct sw_store *s, struct item **out, size_t *nout, double ext[4],
                                 struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	struct item *it = NULL;
	size_t n = 0, cap = 0;
	enum sw_status rc = SW_OK;
	int src;

	ext[0] = ext[1] = ext[2] = ext[3] = NAN;
	if (sqlite3_prepare_v2(s->db, "SELECT id, geom FROM points WHERE geom IS NOT NULL", -1, &st,
	                       NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(s, err, _("reading points for the spatial index"));
		goto out;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct sw_gpkg_geom g;

		/* a blob that is no GeoPackage geometry has no box: it stays out
		 * of the index, as the spec's triggers leave it (schouw doctor
		 * names it) */
		if (sw_gpkg_geom_decode(sqlite3_column_blob(st, 1),
		                        (size_t)sqlite3_column_bytes(st, 1), &g, NULL) != SW_OK ||
		    g.empty)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			struct item *grown = realloc(it, ncap * sizeof *grown);

			if (grown == NULL) {
				rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
				goto out;
			}
			it = grown;
			cap = ncap;
		}
		it[n].id = sqlite3_column_int64(st, 0);
		it[n].box[0] = round_down(g.minx);
		it[n].box[1] = round_up(g.maxx);
		it[n].box[2] = round_down(g.miny);
		it[n].box[3] = round_up(g.maxy);
		it[n].cx = (g.minx + g.maxx) / 2;
		it[n].cy = (g.miny + g.maxy) / 2;
		ext[0] = n == 0 ? g.minx : fmin(ext[0], g.minx);
		ext[1] = n == 0 ? g.miny : fmin(ext[1], g.miny);
		ext[2] = n == 0 ? g.maxx : fmax(ext[2], g.maxx);
		ext[3] = n == 0 ? g.maxy : fmax(ext[3], g.maxy);
		n++;
	}
	if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading points for the spatial index"));
out:
	sqlite3_finalize(st);
	if (rc != SW_OK) {
		free(it);
		it = NULL;
		n = 0;
	}
	*out = it;
	*nout = n;
	return rc;
}

/* The leaf of each rowid when the rowids are dense (a fresh import: 1..N),
 * 4 bytes a rowid instead of a 16-byte link to sort; node 0 = no row. */
struct dense {
	int64_t min;
	size_t range;
	uint32_t *node;
};

static void dense_init(struct dense *d, const struct item *it, size_t n, int64_t nodes_max)
{
	int64_t lo, hi;

	memset(d, 0, sizeof *d);
	if (n == 0 || nodes_max > (int64_t)UINT32_MAX)
		return;
	lo = hi = it[0].id;
	for (size_t i = 1; i < n; i++) {
		lo = it[i].id < lo ? it[i].id : lo;
		hi = it[i].id > hi ? it[i].id : hi;
	}
	if (lo < 0 || (uint64_t)(hi - lo) >= 2 * (uint64_t)n)
		return;
	d->min = lo;
	d->range = (size_t)(hi - lo) + 1;
	d->node = calloc(d->range, sizeof *d->node); /* NULL: links instead */
}

static bool link_add(struct links *l, struct dense *d, int64_t id, int64_t node)
{
	if (d != NULL && d->node != NULL) {
		d->node[id - d->min] = (uint32_t)node;
		return true;
	}
	return links_add(l, id, node);
}

/* Insert the dense (rowid, leaf) pairs in rowid order. */
static enum sw_status write_dense(struct sw_store *s, const char *sql, const struct dense *d,
                                  struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = SW_OK;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sw_store_sqlerr(s, err, _("writing the spatial index"));
	for (size_t i = 0; i < d->range && rc == SW_OK; i++) {
		if (d->node[i] == 0)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, d->min + (int64_t)i);
		sqlite3_bind_int64(st, 2, d->node[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = sw_store_sqlerr(s, err, _("writing the spatial index"));
	}
	sqlite3_finalize(st);
	return rc;
}

/* Insert sorted (id, node) pairs into table (a _rowid or _parent table). */
static enum sw_status write_links(struct sw_store *s, const char *sql, struct links *l,
                                  struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = SW_OK;

	if (l->n == 0)
		return SW_OK;
	{
		uint32_t *ord = l->n > 1 && l->n <= UINT32_MAX ? malloc(2 * l->n * sizeof *ord) : NULL;

		if (ord != NULL) {
			radix_sort(l->v, sizeof *l->v, l->n, key_link, ord, ord + l->n);
			free(ord);
		} else {
			qsort(l->v, l->n, sizeof *l->v, cmp_link);
		}
	}
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sw_store_sqlerr(s, err, _("writing the spatial index"));
	for (size_t i = 0; i < l->n && rc == SW_OK; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, l->v[i].id);
		sqlite3_bind_int64(st, 2, l->v[i].node);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = sw_store_sqlerr(s, err, _("writing the spatial index"));
	}
	sqlite3_finalize(st);
	return rc;
}

/* Replace the whole R-tree by a packed one built from the points table. */
static enum sw_status rebuild_rtree(struct sw_store *s, struct sw_error *err)
{
	struct writer w = {.s = s};
	struct links rowids = {0}, parents = {0};
	struct dense dense = {0};
	struct item *items = NULL, *up = NULL;
	size_t n = 0, cap;
	unsigned depth = 0;
	int64_t next_no = 2;
	double ext[4];
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	/* the node size the table was created with: the root's length */
	if (sqlite3_prepare_v2(s->db,
	                       "SELECT length(data) FROM rtree_points_geom_node WHERE "
	                       "nodeno = 1",
	                       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		rc = sw_store_sqlerr(s, err, _("reading the spatial index"));
		goto out;
	}
	w.size = (size_t)sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	cap = w.size > 4 ? (w.size - 4) / CELL_BYTES : 0;
	if (cap > RTREE_MAXCELLS)
		cap = RTREE_MAXCELLS;
	if (cap < 4) {
		rc = sw_error_set(err, SW_ERR_STORE, _("%s: unexpected R-tree node size %zu"),
		                  s->path, w.size);
		goto out;
	}
	w.buf = malloc(w.size);
	if (w.buf == NULL) {
		rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	rc = read_items(s, &items, &n, ext, err);
	if (rc != SW_OK)
		goto out;
	rc =
	    sw_store_exec(s,
	                  "DELETE FROM rtree_points_geom_node; DELETE FROM rtree_points_geom_rowid;"
	                  " DELETE FROM rtree_points_geom_parent",
	                  err);
	if (rc != SW_OK)
		goto out;
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT INTO rtree_points_geom_node (nodeno, data) VALUES (?, ?)",
	                       -1, &w.node, NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(s, err, _("writing the spatial index"));
		goto out;
	}
	dense_init(&dense, items, n, (int64_t)n + 2);
	for (;;) {
		size_t nnodes = (n + cap - 1) / cap;
		struct links *l = depth == 0 ? &rowids : &parents;
		struct dense *d = depth == 0 ? &dense : NULL;

		if (nnodes <= 1) {
			for (size_t i = 0; i < n; i++)
				if (!link_add(l, d, items[i].id, 1)) {
					rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
					goto out;
				}
			rc = write_node(&w, 1, items, n, depth, err);
			break;
		}
		str_order(items, n, cap);
		up = malloc(nnodes * sizeof *up);
		if (up == NULL) {
			rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
			goto out;
		}
		for (size_t g = 0; g < nnodes && rc == SW_OK; g++) {
			size_t first = g * cap, cnt = n - first < cap ? n - first : cap;
			struct item *u = &up[g];

			u->id = next_no++;
			memcpy(u->box, items[first].box, sizeof u->box);
			for (size_t i = first; i < first + cnt; i++) {
				u->box[0] = fminf(u->box[0], items[i].box[0]);
				u->box[1] = fmaxf(u->box[1], items[i].box[1]);
				u->box[2] = fminf(u->box[2], items[i].box[2]);
				u->box[3] = fmaxf(u->box[3], items[i].box[3]);
				if (!link_add(l, d, items[i].id, u->id)) {
					rc = sw_error_set(err, SW_ERR_NOMEM, _("out of memory"));
					goto out;
				}
			}
			u->cx = ((double)u->box[0] + u->box[1]) / 2;
			u->cy = ((double)u->box[2] + u->box[3]) / 2;
			rc = write_node(&w, u->id, items + first, cnt, 0, err);
		}
		if (rc != SW_OK)
			goto out;
		free(items);
		items = up;
		up = NULL;
		n = nnodes;
		depth++;
	}
	if (rc == SW_OK && dense.node != NULL)
		rc = write_dense(
		    s, "INSERT INTO rtree_points_geom_rowid (rowid, nodeno) VALUES (?, ?)", &dense,
		    err);
	else if (rc == SW_OK)
		rc = write_links(
		    s, "INSERT INTO rtree_points_geom_rowid (rowid, nodeno) VALUES (?, ?)", &rowids,
		    err);
	if (rc == SW_OK)
		rc = write_links(s,
		                 "INSERT INTO rtree_points_geom_parent (nodeno, parentnode) VALUES "
		                 "(?, ?)",
		                 &parents, err);
	if (rc != SW_OK)
		goto out;
	/* the exact extent, from the coordinates just read */
	if (sqlite3_prepare_v2(
	        s->db,
	        "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?,"
	        " last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now')"
	        " WHERE table_name = 'points'",
	        -1, &st, NULL) != SQLITE_OK) {
		rc = sw_store_sqlerr(s, err, _("updating the extent"));
		goto out;
	}
	for (int i = 0; i < 4; i++) {
		if (isnan(ext[i]))
			sqlite3_bind_null(st, i + 1);
		else
			sqlite3_bind_double(st, i + 1, ext[i]);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("updating the extent"));
out:
	sqlite3_finalize(st);
	sqlite3_finalize(w.node);
	free(w.buf);
	free(items);
	free(up);
	free(rowids.v);
	free(dense.node);
	free(parents.v);
	return rc;
}

/* Memory stays flat in N: the rebuild's arrays (40 bytes a point, 8 more
 * while sorting) must not come on top of the full page cache of the insert
 * phase. Its dirty pages go to the WAL now (still uncommitted), it shrinks
 * to 2 MB for the rebuild's appends, and the freed pages go back to the
 * system. */
static enum sw_status cache_shrink(struct sw_store *s, struct sw_error *err)
{
	enum sw_status rc;

	if (sqlite3_db_cacheflush(s->db) != SQLITE_OK)
		return sw_store_sqlerr(s, err, _("writing the imported points"));
	rc = sw_store_exec(s, "PRAGMA cache_size = -2048", err);
	if (rc != SW_OK)
		return rc;
	sqlite3_db_release_memory(s->db);
#ifdef __GLIBC__
	malloc_trim(0);
#endif
	return SW_OK;
}

/* The rows of the import record: the points inserted under it. */
static enum sw_status import_count(struct sw_store *s, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = sw_store_prepare(s, "UPDATE schouw_imports SET rows = ?1 WHERE id = ?2",
	                                     &st, err);

	if (rc == SW_OK) {
		sqlite3_bind_int64(st, 1, s->import_rows);
		sqlite3_bind_int64(st, 2, s->import_id);
		rc = sw_store_step_done(s, st, _("writing the import record"), err);
	}
	sqlite3_finalize(st);
	return rc;
}

enum sw_status sw_store_bulk_source(struct sw_store *s, const char *file, const char *sha256,
                                    const char *format, const char *who, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;

	if (!s->bulk)
		return sw_error_set(err, SW_ERR_INTERNAL, _("%s: no bulk import is open"), s->path);
	rc = sw_store_hist_flush(s, err); /* rows so far keep their JSON */
	if (rc != SW_OK)
		return rc;
	sw_now_iso(s->import_at, sizeof s->import_at);
	rc = sw_store_prepare(s,
	                      "INSERT INTO schouw_imports (file, sha256, format, who, at)"
	                      " VALUES (?, ?, ?, ?, ?)",
	                      &st, err);
	if (rc == SW_OK) {
		sw_store_bind_str(st, 1, file != NULL ? file : "-");
		sw_store_bind_str(st, 2, sha256);
		sw_store_bind_str(st, 3, format);
		sw_store_bind_str(st, 4, who);
		sw_store_bind_str(st, 5, s->import_at);
		rc = sw_store_step_done(s, st, _("writing the import record"), err);
	}
	sqlite3_finalize(st);
	if (rc == SW_OK) {
		s->import_id = sqlite3_last_insert_rowid(s->db);
		s->import_rows = 0;
	}
	return rc;
}

enum sw_status sw_store_bulk_begin(struct sw_store *s, struct sw_error *err)
{
	enum sw_status rc = sw_store_begin(s, err);

	if (rc != SW_OK)
		return rc;
	/* 48 MB during a bulk import: the reader's buffers come on top and
	 * peak memory stays under 100 MB at a million points */
	rc = sw_store_exec(s,
	                   "PRAGMA cache_size = -49152;"
	                   " DROP TRIGGER IF EXISTS rtree_points_geom_insert",
	                   err);
	/* the history insert trigger would skip schouw's rows anyway (the
	 * writer mark); set aside it costs nothing per row */
	if (rc == SW_OK && s->guarded)
		rc = sw_store_exec(s, "DROP TRIGGER IF EXISTS schouw_history_insert", err);
	if (rc != SW_OK) {
		sw_store_rollback(s);
		return rc;
	}
	sw_store_txn_bulk(s, true);
	return SW_OK;
}

enum sw_status sw_store_bulk_end(struct sw_store *s, struct sw_error *err)
{
	enum sw_status rc;

	if (!s->bulk)
		return sw_error_set(err, SW_ERR_INTERNAL, _("%s: no bulk import is open"), s->path);
	s->ext_pending = false; /* the rebuild writes the exact extent */
	if (s->bulk_broken)
		rc = sw_error_set(err, SW_ERR_STORE,
		                  _("%s: a point of the import was written only in part; "
		                    "nothing imported"),
		                  s->path);
	else
		rc = sw_store_hist_flush(s, err);
	if (rc == SW_OK && s->import_id != 0)
		rc = import_count(s, err);
	if (rc == SW_OK)
		rc = cache_shrink(s, err);
	if (rc == SW_OK)
		rc = rebuild_rtree(s, err);
	if (rc == SW_OK)
		rc = sw_store_exec(s, sw_store_rtree_insert_trigger, err);
	if (rc == SW_OK && s->guarded)
		rc = sw_store_guard_create(s, 0, err);
	sw_store_txn_bulk(s, false);
	if (rc != SW_OK) {
		sw_store_rollback(s);
		sw_store_exec(s, CACHE_PRAGMA, NULL);
		return rc;
	}
	rc = sw_store_exec(s, CACHE_PRAGMA, err);
	if (rc != SW_OK) {
		sw_store_rollback(s);
		return rc;
	}
	return sw_store_commit(s, err);
}

enum sw_status sw_store_rebuild_index(struct sw_store *s, struct sw_error *err)
{
	enum sw_status rc = sw_store_wbegin(s, err);

	if (rc != SW_OK)
		return rc;
	rc = sw_store_extent_flush(s, err);
	if (rc == SW_OK)
		rc = rebuild_rtree(s, err);
	return sw_store_wend(s, rc, err);
}
