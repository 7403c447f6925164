/* store_sync.h - what a store knows of other stores (store_sync.c), the
 * primitives of merge (app/merge.c) and push/pull.
 *
 * Schema 5:
 *   schouw_meta 'store_id'  a random uuid made when the store is made or
 *                   upgraded: the store's name among stores (a copied file
 *                   keeps it; merging two copies is refused)
 *   schouw_history.origin, .origin_seq  NULL for rows this store wrote; for
 *                   rows brought in by a merge the store id that wrote them
 *                   and their seq there. So a row is named everywhere by
 *                   (origin, origin_seq), origin NULL meaning (store_id, seq).
 *   schouw_sync(origin, last_seq)  the version vector: for every other store,
 *                   the highest seq of its rows this store holds. Merges
 *                   bring every row above it, so the rows held of an origin
 *                   are always 1..last_seq of it.
 *   schouw_conflicts  a field changed on both sides to different values (or
 *                   an edit against a delete, field "point"): both values,
 *                   who and when on each side, which one the point shows, and
 *                   how it was settled.
 */
#ifndef SCHOUW_STORE_SYNC_H
#define SCHOUW_STORE_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/point.h"
#include "schouw/store.h"

/* One entry of a version vector. */
struct sw_sync_vv {
	char *origin; /* owned */
	long long seq;
};
struct sw_sync_vector {
	struct sw_sync_vv *v; /* owned */
	size_t n;
};
void sw_sync_vector_free(struct sw_sync_vector *v); /* frees the members, NULL ok */
/* The seq of origin in v, 0 when absent. */
long long sw_sync_vector_get(const struct sw_sync_vector *v, const char *origin);

/* The store's id into *id (caller frees). */
enum sw_status sw_store_sync_id(struct sw_store *s, char **id, struct sw_error *err);

/* What s holds: its schouw_sync rows and its own id with its highest seq.
 * out is filled (caller frees with sw_sync_vector_free). */
enum sw_status sw_store_sync_vector(struct sw_store *s, struct sw_sync_vector *out,
                                    struct sw_error *err);

/* A history row as it travels: origin and origin_seq always set. */
struct sw_sync_row {
	long long seq; /* in the store read */
	const char *uuid, *action, *field, *old_value, *new_value, *who, *at;
	const char *origin;
	long long origin_seq;
};
typedef enum sw_status (*sw_sync_row_cb)(const struct sw_sync_row *r, void *ud);

/* Every history row of s that the vector seen does not cover (origin_seq >
 * seen's seq of its origin), per origin in seq order. Strings live during
 * the call. Non-SW_OK from cb stops and is returned. */
enum sw_status sw_store_sync_rows(struct sw_store *s, const struct sw_sync_vector *seen,
                                  sw_sync_row_cb cb, void *ud, struct sw_error *err);

/* Append r to s's history as a row of r->origin (the point id is the stored
 * point's with that uuid, else that of its earlier rows, else 0). */
enum sw_status sw_store_sync_import(struct sw_store *s, const struct sw_sync_row *r,
                                    struct sw_error *err);

/* Raise schouw_sync's last_seq of origin to seq (never lowers it). */
enum sw_status sw_store_sync_seen(struct sw_store *s, const char *origin, long long seq,
                                  struct sw_error *err);

/* Quiet on: the point writers (insert, update, delete, photo add) write no
 * history rows, because a merge brings the rows that describe the change. */
void sw_store_sync_quiet(struct sw_store *s, bool on);

/* A history row of s's own (now, origin NULL). */
enum sw_status sw_store_sync_note(struct sw_store *s, long long id, const char *uuid,
                                  const char *action, const char *field, const char *old_value,
                                  const char *new_value, const char *who, struct sw_error *err);
/* An "insert" row of s's own holding the record of stored point p. */
enum sw_status sw_store_sync_note_insert(struct sw_store *s, const struct sw_point *p,
                                         const char *who, struct sw_error *err);

/* Set created_at and updated_at of the point uuid (NULL: leave). */
enum sw_status sw_store_sync_stamp(struct sw_store *s, const char *uuid, const char *created_at,
                                   const char *updated_at, struct sw_error *err);

/* One row of schouw_conflicts; strings not owned. */
struct sw_conflict {
	long long id;
	const char *point_uuid, *field;
	const char *ours, *theirs; /* values as history text, NULL for none */
	const char *ours_who, *ours_at, *theirs_who, *theirs_at;
	const char *shown; /* "ours" or "theirs": what the point shows meanwhile */
	const char *other_store;
	const char *found_at;
	const char *resolved_at, *resolved_by, *resolution; /* NULL while open */
};
typedef enum sw_status (*sw_conflict_cb)(const struct sw_conflict *c, void *ud);

/* Record c (id, found_at and the resolution are set by the store). */
enum sw_status sw_store_sync_conflict_add(struct sw_store *s, const struct sw_conflict *c,
                                          struct sw_error *err);
/* The conflicts (all, or only the open ones), of the point uuid (NULL: every
 * point), by id. Non-SW_OK from cb stops. */
enum sw_status sw_store_sync_conflicts(struct sw_store *s, bool all, const char *uuid,
                                       sw_conflict_cb cb, void *ud, struct sw_error *err);
/* Mark conflict id settled with resolution (the value kept) by who, now. */
enum sw_status sw_store_sync_conflict_settle(struct sw_store *s, long long id,
                                             const char *resolution, const char *who,
                                             struct sw_error *err);

#endif
