/* calibrate.h - re-calibrating a norm profile with the experts by
 * experience: what two profiles say differently (profile diff), which
 * points change verdict between them (check --compare), and how one
 * rule's candidate limits judge the surveyed points (check --sweep), each
 * next to the experts' own judgement of the element (the optional form
 * field `experience`: easy, doable, hard, impassable).
 *
 * Everything here only reads the store. Results are owned by the caller;
 * free each with its _free function (NULL ok).
 */
#ifndef SCHOUW_CALIBRATE_H
#define SCHOUW_CALIBRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/area.h"
#include "schouw/error.h"
#include "schouw/norm.h"
#include "schouw/store.h"

/* The form field holding the experts' judgement, and its note. */
#define SW_CALIB_EXPERIENCED "experience"
#define SW_CALIB_EXPERIENCED_NOTE "exp_note"

/* The judgement of p: "hard" and "impassable" count as hard, "easy" as
 * easy, anything else (doable, none) as neither. */
enum sw_calib_judged { SW_JUDGED_NONE = 0, SW_JUDGED_EASY, SW_JUDGED_HARD };
enum sw_calib_judged sw_calib_judged(const struct sw_point *p);

/* How a set of verdicts agrees with the experts: of the points judged hard
 * or impassable, how many pass; of those judged easy, how many fail. */
struct sw_calib_agree {
	long long hard, hard_pass;
	long long easy, easy_fail;
};

/* ---- profile diff -------------------------------------------------------- */

struct sw_calib_diff_row {
	const char *id;
	const struct sw_rule *a, *b; /* NULL: only in the other profile */
	unsigned diff;               /* SW_RULE_DIFF_* when both */
};

struct sw_calib_diff {
	struct sw_calib_diff_row *rows; /* only in A, differing, only in B */
	size_t nrows;
	size_t same;        /* rules that judge alike and read alike */
	size_t source_only; /* rules that judge alike but differ in source or message */
};

/* The rules of a and b that judge differently: only in a (a's order), only
 * in b, or in both with another type, field, condition, limit, unit or
 * severity (a's order). Rows borrow from a and b. */
enum sw_status sw_calib_profile_diff(const struct sw_profile *a, const struct sw_profile *b,
                                     struct sw_calib_diff **out, struct sw_error *err);
void sw_calib_diff_free(struct sw_calib_diff *d);

/* ---- check --compare ------------------------------------------------------ */

/* One point whose verdict changes, under one rule that makes the difference
 * (a point under two such rules gives two rows). */
struct sw_calib_change {
	long long point_id;
	char uuid[SW_UUID_LEN + 1];
	char *type, *status, *experienced; /* experienced may be NULL */
	char *rule_id;
	enum sw_outcome verdict_a, verdict_b; /* the point's verdicts */
	enum sw_outcome rule_a, rule_b;       /* that rule's part: PASS, FAIL or INCOMPLETE */
	char measured[192];                   /* "12 %", "missing width_m", "0 (nearest 5.01 m)" */
	char limit_a[256], limit_b[256];      /* "" when the profile lacks the rule */
};

/* Points per type and status by their verdict under a and under b. */
struct sw_calib_group {
	char *type, *status;
	long long n[3][3]; /* [verdict a][verdict b] */
};

struct sw_calib_compare {
	struct sw_calib_change *changes; /* sorted by rule id, then point id */
	size_t nchanges;
	long long npoints, nchanged;
	struct sw_calib_group *groups; /* sorted by type, status */
	size_t ngroups;
	long long total[3][3];
	struct sw_calib_agree agree_a, agree_b; /* the points' verdicts vs the experts */
};

/* Judge the points of s that f selects under a and b (spatial rules through
 * the store's R-tree over every point) and collect the changes. */
enum sw_status sw_calib_compare(struct sw_store *s, const struct sw_filter *f,
                                const struct sw_profile *a, const struct sw_profile *b,
                                struct sw_calib_compare **out, struct sw_error *err);
void sw_calib_compare_free(struct sw_calib_compare *c);

/* ---- check --sweep -------------------------------------------------------- */

/* What the chart draws one line for. */
enum sw_calib_lines { SW_LINES_TYPE, SW_LINES_AREA, SW_LINES_EXPERIENCED };

struct sw_calib_sweep_opts {
	const struct sw_profile *prof;
	const char *rule_id;
	const double *limits; /* candidates in base units */
	size_t nlimits;
	enum sw_calib_lines lines;
	const struct sw_areas *areas; /* for SW_LINES_AREA */
};

/* The counts of one candidate limit. */
struct sw_calib_sweep_row {
	double limit;         /* base units */
	long long rule[3];    /* the rule's outcome on the points it applies to, by sw_outcome */
	long long overall[3]; /* every selected point's verdict with this limit */
	struct sw_calib_agree agree; /* the rule's pass/fail vs the experts */
};

struct sw_calib_sweep {
	const struct sw_rule *rule;      /* borrowed from the profile */
	struct sw_calib_sweep_row *rows; /* one per limit, in the order given */
	size_t nrows;
	long long npoints;  /* selected */
	long long napplies; /* points the rule applies to (measured or missing) */
	long long nmissing; /* of those, lacking the measurement */
	/* chart lines: group g's rule pass and fail counts at limit i are
	 * gpass[g * nrows + i], gfail[...] */
	char **groups;
	size_t ngroups;
	long long *gpass, *gfail;
};

/* Sweep o->rule_id of o->prof over the candidates: one pass over the points
 * that f selects; each point's other rules are judged once. An unknown rule
 * or one without a single numeric limit: SW_ERR_INPUT naming it. */
enum sw_status sw_calib_sweep(struct sw_store *s, const struct sw_filter *f,
                              const struct sw_calib_sweep_opts *o, struct sw_calib_sweep **out,
                              struct sw_error *err);
void sw_calib_sweep_free(struct sw_calib_sweep *sw);

/* Draw the sweep as a PNG chart at path: the share of the measured points
 * passing the rule against the limit (in unit u), one line per group, the
 * profile's own limit marked. Written under a temporary name and renamed:
 * a failure leaves nothing. */
enum sw_status sw_calib_sweep_chart(const struct sw_calib_sweep *sw, const struct sw_unit *u,
                                    const char *path, const char *title, bool english,
                                    struct sw_error *err);

#endif
