/* check.h - judging stored points: the store-backed neighbour lookup that
 * spatial rules ask (through the store's R-tree), and the record of check
 * runs in the store's check_run / check_result tables (their columns:
 * store.h, "check runs").
 */
#ifndef SCHOUW_CHECK_H
#define SCHOUW_CHECK_H

#include <stdbool.h>

#include "schouw/error.h"
#include "schouw/norm.h"
#include "schouw/store.h"

struct sw_check_near;

/* A neighbour lookup on s (which must outlive it). Caller owns *out; close
 * with sw_check_near_close. */
enum sw_status sw_check_near_open(struct sw_store *s, struct sw_check_near **out,
                                  struct sw_error *err);
void sw_check_near_close(struct sw_check_near *n); /* NULL ok */

/* The sw_norm_near_fn to pass with ud = a struct sw_check_near: candidates
 * from the R-tree, then the exact distance (at exactly radius: found).
 * *nearest_m is the nearest point of the type within twice the radius (NAN
 * when none), so a message can say "nearest at 5.01 m". The R-tree is asked
 * once per tile of the plane and the answer kept, so the store must not gain
 * or lose points while the lookup is in use (a check run only reads them). */
enum sw_status sw_check_near_fn(void *ud, const struct sw_point *p, const char *type,
                                double radius_m, size_t *found, double *nearest_m,
                                struct sw_error *err);

struct sw_check_run;

/* Start recording a run of prof on s: opens a transaction (s must be open
 * for writing) and inserts the check_run row. Caller owns *out and must end
 * it with sw_check_run_end. */
enum sw_status sw_check_run_begin(struct sw_store *s, const struct sw_profile *prof,
                                  struct sw_check_run **out, struct sw_error *err);
/* Record one point's verdict (and its findings). */
enum sw_status sw_check_run_add(struct sw_check_run *run, const struct sw_point *p,
                                const struct sw_verdict *v, struct sw_error *err);
/* Store the counts and commit (ok) or roll everything back (!ok); frees run
 * (NULL ok). *run_id (may be NULL) gets the id of the stored run. */
enum sw_status sw_check_run_end(struct sw_check_run *run, bool ok, long long *run_id,
                                struct sw_error *err);

#endif
