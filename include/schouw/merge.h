/* merge.h - bring another store's changes into a store (app/merge.c).
 *
 * Points are matched by uuid. The changes of each side are the history rows
 * the other side has not seen (store_sync.h: a version vector per store).
 * Per point and per field:
 *   - changed on their side only: their value is taken;
 *   - changed on both sides to different values: a conflict, kept in
 *     schouw_conflicts with both values, who and when; the point shows the
 *     value prefer picks (newer: the later change, ties to the larger value,
 *     so both directions pick the same);
 *   - new on their side: inserted; deleted on their side and unchanged here:
 *     deleted; deleted on one side and edited on the other: a conflict on
 *     field "point", settled by prefer the same way;
 *   - photos of their changed points come along by their sha256.
 * Their history rows come along with their origin; the changes a merge makes
 * write no rows of their own except where this store keeps its value in a
 * conflict (a row from their value back to ours, so the history still leads
 * to the stored point and the other store takes it on the way back). Then
 * schouw_sync is raised to what they had seen. All in one transaction: a
 * failed or killed merge leaves the store as it was. Merging again without
 * new changes changes nothing.
 */
#ifndef SCHOUW_MERGE_H
#define SCHOUW_MERGE_H

#include <stdbool.h>

#include "schouw/error.h"
#include "schouw/store.h"

enum sw_merge_prefer { SW_PREFER_NEWER = 0, SW_PREFER_OURS, SW_PREFER_THEIRS };

struct sw_merge_opts {
	enum sw_merge_prefer prefer;
	bool dry_run;    /* do everything, then roll back */
	const char *who; /* for the rows the merge writes itself */
	/* leave the transaction open on success (dry_run ignored): the caller
	 * commits or rolls back ours, e.g. together with a database */
	bool hold;
};

struct sw_merge_stats {
	long long rows;      /* history rows brought in */
	long long inserted;  /* points new here */
	long long updated;   /* points changed here */
	long long deleted;   /* points deleted here */
	long long conflicts; /* conflicts recorded */
	long long photos;    /* photos attached */
};

/* Parse "newer", "ours" or "theirs"; false for anything else. */
bool sw_merge_prefer_parse(const char *s, enum sw_merge_prefer *out);

/* Merge theirs (open for reading) into ours (open for writing, form columns
 * synced). Their store with ours' own id: SW_ERR_INPUT. The test hook
 * SCHOUW_TEST_MERGE_KILL=N kills the process (SIGKILL) after N points. */
enum sw_status sw_merge(struct sw_store *ours, struct sw_store *theirs,
                        const struct sw_merge_opts *o, struct sw_merge_stats *stats,
                        struct sw_error *err);

#endif
