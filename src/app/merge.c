/* merge.c - bring another store's changes into a store: per point, per
 * field, from both histories since the stores last met (merge.h). */
#include "schouw/merge.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schouw/i18n.h"
#include "schouw/photo.h"
#include "schouw/store_sync.h"

/* A history row of one side, kept for the merge (values only for theirs). */
struct mrow {
	char *uuid, *action, *field, *old_value, *new_value, *who, *at, *origin;
	long long origin_seq;
	size_t ord; /* arrival order, for a stable sort */
};

struct mrows {
	struct mrow *r;
	size_t n, cap;
	bool values; /* keep old/new values and origin */
	struct sw_error *err;
};

static void mrows_free(struct mrows *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct mrow *r = &m->r[i];

		free(r->uuid);
		free(r->action);
		free(r->field);
		free(r->old_value);
		free(r->new_value);
		free(r->who);
		free(r->at);
		free(r->origin);
	}
	free(m->r);
	m->r = NULL;
	m->n = m->cap = 0;
}

/* strdup that reports failure through *bad; NULL stays NULL. */
static char *sdup(const char *s, bool *bad)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*bad = true;
	return d;
}

static enum sw_status collect_row(const struct sw_sync_row *r, void *ud)
{
	struct mrows *m = ud;
	struct mrow *x;
	bool bad = false;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		struct mrow *g = realloc(m->r, cap * sizeof *g);

		if (g == NULL)
			return sw_error_nomem(m->err);
		m->r = g;
		m->cap = cap;
	}
	x = &m->r[m->n];
	memset(x, 0, sizeof *x);
	m->n++;
	x->ord = m->n;
	x->uuid = sdup(r->uuid, &bad);
	x->action = sdup(r->action, &bad);
	x->field = sdup(r->field, &bad);
	x->who = sdup(r->who, &bad);
	x->at = sdup(r->at, &bad);
	x->origin_seq = r->origin_seq;
	if (m->values) {
		x->old_value = sdup(r->old_value, &bad);
		x->new_value = sdup(r->new_value, &bad);
		x->origin = sdup(r->origin, &bad);
	}
	return bad ? sw_error_nomem(m->err) : SW_OK;
}

static int cmp_mrow(const void *a, const void *b)
{
	const struct mrow *x = a, *y = b;
	int c = strcmp(x->uuid, y->uuid);

	if (c != 0)
		return c;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* The rows of uuid in sorted m: *first and the count. */
static size_t group_of(const struct mrows *m, const char *uuid, size_t *first)
{
	size_t lo = 0, hi = m->n, n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(m->r[mid].uuid, uuid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < m->n && strcmp(m->r[lo + n].uuid, uuid) == 0)
		n++;
	return n;
}

/* Does a row of g change field f? Latest who/at of those rows. */
static bool side_changed(const struct mrow *g, size_t n, const char *f, const char **who,
                         const char **at)
{
	bool hit = false;

	*who = *at = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct mrow *r = &g[i];
		bool m =
		    strcmp(r->action, "insert") == 0 ||
		    (strcmp(r->action, "update") == 0 && r->field != NULL &&
		     (strcmp(r->field, f) == 0 || (strcmp(r->field, "geom") == 0 &&
		                                   (strcmp(f, "x") == 0 || strcmp(f, "y") == 0))));

		if (!m)
			continue;
		hit = true;
		if (*at == NULL || strcmp(r->at, *at) >= 0) {
			*at = r->at;
			*who = r->who;
		}
	}
	return hit;
}

/* Latest row of g (any action), NULL when none. */
static const struct mrow *side_last(const struct mrow *g, size_t n, bool deletes_only)
{
	const struct mrow *last = NULL;

	for (size_t i = 0; i < n; i++) {
		if (deletes_only && strcmp(g[i].action, "delete") != 0)
			continue;
		if (last == NULL || strcmp(g[i].at, last->at) >= 0)
			last = &g[i];
	}
	return last;
}

static const char *const fixed_fields[] = {"type",        "status",         "x",   "y", "surveyor",
                                           "observed_at", "gps_accuracy_m", "note"};

static char *real_text(double v)
{
	struct sw_value val = {.t = SW_V_REAL, .r = v};

	return isnan(v) ? NULL : sw_value_to_text(&val);
}

/* Field f of p as history text (caller frees; NULL for none). *bad on OOM. */
static char *field_text(const struct sw_point *p, const char *f, bool *bad)
{
	if (strcmp(f, "type") == 0)
		return sdup(p->type, bad);
	if (strcmp(f, "status") == 0)
		return sdup(p->status, bad);
	if (strcmp(f, "surveyor") == 0)
		return sdup(p->surveyor, bad);
	if (strcmp(f, "observed_at") == 0)
		return sdup(p->observed_at, bad);
	if (strcmp(f, "note") == 0)
		return sdup(p->note, bad);
	if (strcmp(f, "x") == 0 || strcmp(f, "y") == 0 || strcmp(f, "gps_accuracy_m") == 0) {
		double v = f[0] == 'x' ? p->x : f[0] == 'y' ? p->y : p->gps_accuracy_m;
		char *t = real_text(v);

		if (t == NULL && !isnan(v))
			*bad = true;
		return t;
	}
	{
		const struct sw_value *v = sw_point_get_attr(p, f);
		char *t;

		if (v == NULL || v->t == SW_V_NULL)
			return NULL;
		t = sw_value_to_text(v);
		if (t == NULL)
			*bad = true;
		return t;
	}
}

/* Copy field f from src to dst. */
static enum sw_status field_take(struct sw_point *dst, const struct sw_point *src, const char *f,
                                 struct sw_error *err)
{
	static const struct sw_value none = {.t = SW_V_NULL};
	const struct sw_value *v;

	if (strcmp(f, "type") == 0)
		return sw_point_set_str(&dst->type, src->type, err);
	if (strcmp(f, "status") == 0)
		return sw_point_set_str(&dst->status, src->status, err);
	if (strcmp(f, "surveyor") == 0)
		return sw_point_set_str(&dst->surveyor, src->surveyor, err);
	if (strcmp(f, "observed_at") == 0)
		return sw_point_set_str(&dst->observed_at, src->observed_at, err);
	if (strcmp(f, "note") == 0)
		return sw_point_set_str(&dst->note, src->note, err);
	if (strcmp(f, "x") == 0)
		dst->x = src->x;
	else if (strcmp(f, "y") == 0)
		dst->y = src->y;
	else if (strcmp(f, "gps_accuracy_m") == 0)
		dst->gps_accuracy_m = src->gps_accuracy_m;
	else {
		v = sw_point_get_attr(src, f);
		return sw_point_set_attr(dst, f, v ? v : &none, err);
	}
	return SW_OK;
}

static bool same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Does prefer pick their side? newer: the later change; a tie goes to the
 * larger value, so merging either way round picks the same. */
static bool pick_theirs(enum sw_merge_prefer prefer, const char *ours_at, const char *theirs_at,
                        const char *ours, const char *theirs)
{
	int c;

	if (prefer != SW_PREFER_NEWER)
		return prefer == SW_PREFER_THEIRS;
	c = strcmp(theirs_at ? theirs_at : "", ours_at ? ours_at : "");
	if (c != 0)
		return c > 0;
	return strcmp(theirs ? theirs : "", ours ? ours : "") > 0;
}

struct merge {
	struct sw_store *ours, *theirs;
	const struct sw_merge_opts *o;
	struct sw_merge_stats *st;
	char *our_id, *their_id;
	const char *who;
	struct mrows mine, their;
	struct sw_error *err;
};

static enum sw_status conflict(struct merge *m, const char *uuid, const char *f, const char *ov,
                               const char *tv, const char *owho, const char *oat, const char *twho,
                               const char *tat, bool theirs_shown)
{
	struct sw_conflict c = {.point_uuid = uuid,
	                        .field = f,
	                        .ours = ov,
	                        .theirs = tv,
	                        .ours_who = owho,
	                        .ours_at = oat,
	                        .theirs_who = twho,
	                        .theirs_at = tat,
	                        .shown = theirs_shown ? "theirs" : "ours",
	                        .other_store = m->their_id};

	m->st->conflicts++;
	return sw_store_sync_conflict_add(m->ours, &c, m->err);
}

/* Add f to the list (no duplicates). */
static enum sw_status names_add(const char ***v, size_t *n, const char *f, struct sw_error *err)
{
	const char **g;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], f) == 0)
			return SW_OK;
	g = realloc(*v, (*n + 1) * sizeof *g);
	if (g == NULL)
		return sw_error_nomem(err);
	g[(*n)++] = f;
	*v = g;
	return SW_OK;
}

/* The new value of the last update row of g on field f (the value a replay
 * of the history ends with once g is appended); *found false when none. */
static const char *last_update(const struct mrow *g, size_t n, const char *f, bool *found)
{
	const char *v = NULL;

	*found = false;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(g[i].action, "insert") == 0) {
			*found = false; /* a record: its value is the point's */
			continue;
		}
		if (strcmp(g[i].action, "update") == 0 && g[i].field != NULL &&
		    strcmp(g[i].field, f) == 0) {
			*found = true;
			v = g[i].new_value;
		}
	}
	return *found ? v : NULL;
}

/* Both sides hold the point: merge it field by field into o. */
static enum sw_status merge_fields(struct merge *m, struct sw_point *o, const struct sw_point *t,
                                   const struct mrow *tg, size_t tn, const struct mrow *og,
                                   size_t on)
{
	const char **names = NULL;
	struct sw_point mp;
	size_t nn = 0;
	enum sw_status rc = SW_OK;
	bool changed = false, bad = false;

	sw_point_init(&mp);
	for (size_t i = 0; i < sizeof fixed_fields / sizeof fixed_fields[0] && rc == SW_OK; i++)
		rc = names_add(&names, &nn, fixed_fields[i], m->err);
	for (size_t i = 0; i < o->nattrs && rc == SW_OK; i++)
		rc = names_add(&names, &nn, o->attrs[i].name, m->err);
	for (size_t i = 0; i < t->nattrs && rc == SW_OK; i++)
		rc = names_add(&names, &nn, t->attrs[i].name, m->err);
	if (rc == SW_OK)
		rc = sw_point_copy(&mp, o, m->err);
	for (size_t i = 0; i < nn && rc == SW_OK; i++) {
		const char *f = names[i], *twho, *tat, *owho, *oat;
		char *tv, *ov;
		bool theirs;

		if (!side_changed(tg, tn, f, &twho, &tat))
			continue;
		tv = field_text(t, f, &bad);
		ov = field_text(o, f, &bad);
		if (bad) {
			free(tv);
			free(ov);
			rc = sw_error_nomem(m->err);
			break;
		}
		theirs = !same(tv, ov);
		if (theirs && side_changed(og, on, f, &owho, &oat)) {
			theirs = pick_theirs(m->o->prefer, oat, tat, ov, tv);
			rc = conflict(m, o->uuid, f, ov, tv, owho, oat, twho, tat, theirs);
		}
		if (rc == SW_OK && theirs) {
			rc = field_take(&mp, t, f, m->err);
			changed = true;
		}
		free(tv);
		free(ov);
	}
	if (rc == SW_OK && changed) {
		rc = sw_store_update(m->ours, &mp, m->who, NULL, m->err);
		if (rc == SW_OK) {
			m->st->updated++;
			/* the later updated_at of the two */
			if (t->updated_at != NULL &&
			    (o->updated_at == NULL || strcmp(t->updated_at, o->updated_at) > 0))
				rc = sw_store_sync_stamp(m->ours, o->uuid, NULL, t->updated_at,
				                         m->err);
		}
	}
	free(names);
	sw_point_clear(&mp);
	return rc;
}

/* After their rows are appended to ours: where the last of them on a field
 * does not end with the value kept (ours won a conflict, or their value was
 * overtaken by one they have not seen yet), a row of our own says so, so the
 * history leads to the stored point and the value travels back. */
static enum sw_status note_kept(struct merge *m, const char *uuid, const struct mrow *tg, size_t tn)
{
	struct sw_point p;
	enum sw_status rc;
	bool bad = false;

	sw_point_init(&p);
	rc = sw_store_get_by_uuid(m->ours, uuid, &p, m->err);
	for (size_t i = 0; i < tn && rc == SW_OK; i++) {
		bool found, later = false;
		const char *f = tg[i].field, *last;
		char *now;

		if (f == NULL || strcmp(tg[i].action, "update") != 0 || strcmp(f, "photo") == 0 ||
		    strcmp(f, "geom") == 0)
			continue;
		for (size_t k = i + 1; k < tn && !later; k++)
			later = tg[k].field != NULL && strcmp(tg[k].field, f) == 0;
		if (later)
			continue; /* one note per field, at its last row */
		last = last_update(tg, tn, f, &found);
		if (!found)
			continue;
		now = field_text(&p, f, &bad);
		if (bad)
			rc = sw_error_nomem(m->err);
		else if (!same(last, now))
			rc = sw_store_sync_note(m->ours, p.id, p.uuid, "update", f, last, now,
			                        m->who, m->err);
		free(now);
	}
	sw_point_clear(&p);
	return rc;
}

/* Insert their point t here (a new point, or one brought back). */
static enum sw_status insert_theirs(struct merge *m, const struct sw_point *t, bool note)
{
	struct sw_point p;
	enum sw_status rc;

	sw_point_init(&p);
	rc = sw_point_copy(&p, t, m->err);
	if (rc == SW_OK) {
		p.id = 0;
		rc = sw_store_insert(m->ours, &p, m->who, m->err);
	}
	if (rc == SW_OK)
		rc = sw_store_sync_stamp(m->ours, p.uuid, t->created_at, t->updated_at, m->err);
	if (rc == SW_OK && note)
		rc = sw_store_sync_note_insert(m->ours, &p, m->who, m->err);
	if (rc == SW_OK)
		m->st->inserted++;
	sw_point_clear(&p);
	return rc;
}

struct shas {
	char **v;
	size_t n;
	bool bad;
};

static enum sw_status sha_add(const struct sw_photo *ph, void *ud)
{
	struct shas *s = ud;
	char **g = realloc(s->v, (s->n + 1) * sizeof *g);

	if (g == NULL || (g[s->n] = strdup(ph->sha256)) == NULL) {
		if (g != NULL)
			s->v = g;
		s->bad = true;
		return SW_ERR_NOMEM;
	}
	s->v = g;
	s->n++;
	return SW_OK;
}

struct photo_ctx {
	struct merge *m;
	long long our_id;
	struct shas have;
	enum sw_status rc;
};

static enum sw_status photo_copy(const struct sw_photo *ph, void *ud)
{
	struct photo_ctx *c = ud;
	void *data = NULL;
	size_t n = 0;
	enum sw_status rc;

	for (size_t i = 0; i < c->have.n; i++)
		if (strcmp(c->have.v[i], ph->sha256) == 0)
			return SW_OK;
	rc = sw_store_photo_get(c->m->theirs, ph->id, &data, &n, NULL, c->m->err);
	if (rc == SW_OK)
		rc = sw_store_photo_add(c->m->ours, c->our_id, data, n,
		                        ph->created_by ? ph->created_by : c->m->who, NULL,
		                        c->m->err);
	if (rc == SW_OK)
		c->m->st->photos++;
	free(data);
	return rc;
}

/* Their photos of t that our point uuid lacks, by sha256. */
static enum sw_status merge_photos(struct merge *m, const struct sw_point *t, const char *uuid)
{
	struct photo_ctx c = {.m = m};
	struct sw_point o;
	enum sw_status rc;

	sw_point_init(&o);
	rc = sw_store_get_by_uuid(m->ours, uuid, &o, m->err);
	if (rc == SW_OK) {
		c.our_id = o.id;
		rc = sw_store_photo_list(m->ours, o.id, sha_add, &c.have, m->err);
		if (c.have.bad)
			rc = sw_error_nomem(m->err);
	}
	if (rc == SW_OK)
		rc = sw_store_photo_list(m->theirs, t->id, photo_copy, &c, m->err);
	for (size_t i = 0; i < c.have.n; i++)
		free(c.have.v[i]);
	free(c.have.v);
	sw_point_clear(&o);
	return rc;
}

/* Merge the point uuid, whose rows new to us are tg[0..tn). */
static enum sw_status merge_point(struct merge *m, const char *uuid, const struct mrow *tg,
                                  size_t tn)
{
	struct sw_point o, t;
	bool have_o, have_t, photo = false;
	const struct mrow *og = NULL;
	size_t on, first;
	enum sw_status rc;

	sw_point_init(&o);
	sw_point_init(&t);
	on = group_of(&m->mine, uuid, &first);
	if (on > 0)
		og = &m->mine.r[first];
	rc = sw_store_get_by_uuid(m->ours, uuid, &o, m->err);
	have_o = rc == SW_OK;
	if (rc == SW_ERR_NOTFOUND)
		rc = SW_OK;
	if (rc == SW_OK) {
		rc = sw_store_get_by_uuid(m->theirs, uuid, &t, m->err);
		have_t = rc == SW_OK;
		if (rc == SW_ERR_NOTFOUND)
			rc = SW_OK;
	}
	if (rc != SW_OK)
		goto out;
	for (size_t i = 0; i < tn; i++)
		if (tg[i].field != NULL && strcmp(tg[i].field, "photo") == 0)
			photo = true;
	if (have_o && have_t) {
		rc = merge_fields(m, &o, &t, tg, tn, og, on);
	} else if (have_o && !have_t) {
		/* deleted there */
		if (on == 0) {
			rc = sw_store_delete(m->ours, o.id, m->who, m->err);
			if (rc == SW_OK)
				m->st->deleted++;
		} else {
			const struct mrow *ol = side_last(og, on, false),
			                  *td = side_last(tg, tn, true);
			const char *tat = td ? td->at : NULL, *twho = td ? td->who : NULL;
			bool theirs = pick_theirs(m->o->prefer, ol->at, tat, "edited", "deleted");

			rc = conflict(m, uuid, "point", "edited", "deleted", ol->who, ol->at, twho,
			              tat, theirs);
			if (rc == SW_OK && theirs) {
				rc = sw_store_delete(m->ours, o.id, m->who, m->err);
				if (rc == SW_OK)
					m->st->deleted++;
			} else if (rc == SW_OK) {
				rc = sw_store_sync_note_insert(m->ours, &o, m->who, m->err);
			}
		}
	} else if (!have_o && have_t) {
		const struct mrow *od = on > 0 ? side_last(og, on, true) : NULL;

		if (od == NULL) {
			rc = insert_theirs(m, &t, false);
		} else {
			/* deleted here, edited there */
			const struct mrow *tl = side_last(tg, tn, false);
			bool theirs =
			    pick_theirs(m->o->prefer, od->at, tl->at, "deleted", "edited");

			rc = conflict(m, uuid, "point", "deleted", "edited", od->who, od->at,
			              tl->who, tl->at, theirs);
			if (rc == SW_OK && theirs)
				rc = insert_theirs(m, &t, true);
			else
				photo = false;
		}
	} else {
		photo = false;
	}
	if (rc == SW_OK && photo && have_t)
		rc = merge_photos(m, &t, uuid);
	/* their rows come along, after the point is in place (point_id) */
	for (size_t i = 0; i < tn && rc == SW_OK; i++) {
		struct sw_sync_row r = {.uuid = tg[i].uuid,
		                        .action = tg[i].action,
		                        .field = tg[i].field,
		                        .old_value = tg[i].old_value,
		                        .new_value = tg[i].new_value,
		                        .who = tg[i].who,
		                        .at = tg[i].at,
		                        .origin = tg[i].origin,
		                        .origin_seq = tg[i].origin_seq};

		rc = sw_store_sync_import(m->ours, &r, m->err);
		if (rc == SW_OK)
			m->st->rows++;
	}
	if (rc == SW_OK && have_o && have_t)
		rc = note_kept(m, uuid, tg, tn);
out:
	sw_point_clear(&o);
	sw_point_clear(&t);
	return rc;
}

bool sw_merge_prefer_parse(const char *s, enum sw_merge_prefer *out)
{
	if (strcmp(s, "newer") == 0)
		*out = SW_PREFER_NEWER;
	else if (strcmp(s, "ours") == 0)
		*out = SW_PREFER_OURS;
	else if (strcmp(s, "theirs") == 0)
		*out = SW_PREFER_THEIRS;
	else
		return false;
	return true;
}

enum sw_status sw_merge(struct sw_store *ours, struct sw_store *theirs,
                        const struct sw_merge_opts *o, struct sw_merge_stats *stats,
                        struct sw_error *err)
{
	struct merge m = {.ours = ours, .theirs = theirs, .o = o, .st = stats, .err = err};
	struct sw_sync_vector our_vv = {0}, their_vv = {0};
	const char *kill_env = getenv("SCHOUW_TEST_MERGE_KILL");
	long long kill_after = kill_env ? atoll(kill_env) : -1, done = 0;
	bool open = false;
	enum sw_status rc;

	memset(stats, 0, sizeof *stats);
	m.who = o->who ? o->who : "schouw merge";
	m.mine.err = m.their.err = err;
	m.their.values = true;
	rc = sw_store_sync_id(ours, &m.our_id, err);
	if (rc == SW_OK)
		rc = sw_store_sync_id(theirs, &m.their_id, err);
	if (rc != SW_OK)
		goto out;
	if (strcmp(m.our_id, m.their_id) == 0) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("the other store has this store's own id %s: it is this store "
		                    "or a copy of its file, and a copy cannot be merged back"),
		                  m.our_id);
		goto out;
	}
	rc = sw_store_begin(ours, err);
	if (rc != SW_OK)
		goto out;
	open = true;
	rc = sw_store_sync_vector(ours, &our_vv, err);
	if (rc == SW_OK)
		rc = sw_store_sync_vector(theirs, &their_vv, err);
	/* ours not yet seen by them; theirs not yet seen by us */
	if (rc == SW_OK)
		rc = sw_store_sync_rows(ours, &their_vv, collect_row, &m.mine, err);
	if (rc == SW_OK)
		rc = sw_store_sync_rows(theirs, &our_vv, collect_row, &m.their, err);
	if (rc != SW_OK)
		goto out;
	if (m.mine.n > 0)
		qsort(m.mine.r, m.mine.n, sizeof *m.mine.r, cmp_mrow);
	if (m.their.n > 0)
		qsort(m.their.r, m.their.n, sizeof *m.their.r, cmp_mrow);
	sw_store_sync_quiet(ours, true);
	for (size_t i = 0; i < m.their.n && rc == SW_OK;) {
		size_t j = i;

		while (j < m.their.n && strcmp(m.their.r[j].uuid, m.their.r[i].uuid) == 0)
			j++;
		rc = merge_point(&m, m.their.r[i].uuid, &m.their.r[i], j - i);
		i = j;
		if (++done == kill_after)
			kill(getpid(), SIGKILL); /* test hook: a merge killed half-way */
	}
	sw_store_sync_quiet(ours, false);
	for (size_t i = 0; i < their_vv.n && rc == SW_OK; i++)
		if (strcmp(their_vv.v[i].origin, m.our_id) != 0)
			rc = sw_store_sync_seen(ours, their_vv.v[i].origin, their_vv.v[i].seq, err);
	if (rc == SW_OK && o->hold) {
		open = false;
	} else if (rc == SW_OK && !o->dry_run) {
		open = false;
		rc = sw_store_commit(ours, err);
	}
out:
	if (open)
		sw_store_rollback(ours);
	sw_store_sync_quiet(ours, false);
	sw_sync_vector_free(&our_vv);
	sw_sync_vector_free(&their_vv);
	mrows_free(&m.mine);
	mrows_free(&m.their);
	free(m.our_id);
	free(m.their_id);
	return rc;
}
