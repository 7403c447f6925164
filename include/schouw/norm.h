/* norm.h - norm profiles: rules read from survey/norms/<profile>.csv, and the
 * engine that judges one point against them.
 *
 * A profile is data that staff edit (see survey/norms/README.md): one rule a
 * row, each with its element type, field, optional condition, operator, limit,
 * unit, severity, Dutch and English message and source. A profile may extend
 * another and override single rules by id. Units are converted by the engine:
 * lengths compare in metres, slopes in percent (a ratio 1:12 is 8.333 %).
 *
 * Spatial rules ("every disabled parking bay has a kerb ramp within 5 m") ask
 * a caller-supplied neighbour callback, so this module does not depend on the
 * store; include/schouw/check.h has the store-backed one.
 *
 * A struct sw_profile owns everything it points to; free with sw_profile_free.
 * Rules keep no pointer into the sw_forms they were checked against.
 */
#ifndef SCHOUW_NORM_H
#define SCHOUW_NORM_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/form.h"
#include "schouw/point.h"

enum sw_norm_op {
	SW_NOP_LE,
	SW_NOP_GE,
	SW_NOP_LT,
	SW_NOP_GT,
	SW_NOP_EQ,
	SW_NOP_NE,      /* only in conditions */
	SW_NOP_BETWEEN, /* limit "a..b", both ends included */
	SW_NOP_ONE_OF,  /* limit "a|b|c" */
	SW_NOP_REQUIRED,
	SW_NOP_WITHIN /* spatial: limit is the distance, field "[N ]type" */
};

enum sw_severity { SW_SEV_ERROR, SW_SEV_WARNING, SW_SEV_ADVICE };

/* Dimension of a unit; values of one dimension compare in its base unit. */
enum sw_dim { SW_DIM_NONE, SW_DIM_LENGTH, SW_DIM_SLOPE };

/* A unit as written in a profile or form. Slope "ratio" prints as 1:N. */
struct sw_unit {
	const char *name; /* canonical: m, cm, mm, in, ft, %, permille, ratio, "" */
	enum sw_dim dim;
	double mul, div; /* base = value * mul / div (metres, percent) */
};

/* The unit called s ("m", "cm", "%", "‰", "1:n", "ratio", "in", ...); "" or
 * NULL is the dimensionless unit. NULL when unknown. Static storage. */
const struct sw_unit *sw_unit_find(const char *s);

/* Parse a number in unit u into base units: accepts a decimal comma and, for
 * slopes, "1:12". false when s is not such a number. */
bool sw_unit_parse(const struct sw_unit *u, const char *s, double *base);

/* Format a base value in unit u ("8.333 %", "1:12", "0.9 m", "36 in"). */
void sw_unit_format(const struct sw_unit *u, double base, char *buf, size_t len);

/* A value in unit u to base units and back. */
double sw_unit_to_base(const struct sw_unit *u, double v);
double sw_unit_from_base(const struct sw_unit *u, double base);

/* Space-separated names of the known units, for messages. */
const char *sw_unit_names(void);

/* One compiled condition "field op value" of a rule's `when` column. */
struct sw_norm_cond {
	char *field;
	enum sw_norm_op op; /* LE GE LT GT EQ NE */
	enum sw_kind kind;
	double num; /* base units of the field's dimension; bools 0/1 */
	char *text; /* enum value */
	const struct sw_unit *field_unit;
};

struct sw_rule {
	char *id;
	char *type;                 /* element type (form name) */
	char *field;                /* form field; for WITHIN the neighbour type */
	char *when;                 /* the condition as written, or NULL */
	struct sw_norm_cond *conds; /* all must hold ("and") */
	size_t nconds;
	enum sw_norm_op op;
	char *limit;                      /* as written */
	const struct sw_unit *unit;       /* the rule's unit (printing, limits) */
	enum sw_kind kind;                /* the field's kind */
	const struct sw_unit *field_unit; /* the form field's unit */
	double lo, hi;                    /* limits in base units; bools 0/1 */
	char **values;                    /* ONE_OF / EQ on enums */
	size_t nvalues;
	size_t near_count; /* WITHIN: how many neighbours are needed (>= 1) */
	enum sw_severity severity;
	char *message_nl, *message_en;
	char *source;
	char *file; /* where the rule was last defined */
	int line;
};

struct sw_profile {
	char *name;
	char *title;           /* from @title, or NULL */
	char *chain;           /* "kor-dordrecht < nl-crow" */
	char hash[65];         /* SHA-256 hex of the files of the chain, root first */
	struct sw_rule *rules; /* resolved, in file order (parents first) */
	size_t nrules;
	size_t max_rules_per_type; /* capacity a verdict needs */
	/* per type: rules[type_first[i] .. + type_count[i]) through order[] */
	char **types;
	size_t ntypes;
	size_t *type_first, *type_count, *order;
};

/* Load datadir/norms/<name>.csv and the profiles it extends, checking every
 * rule against forms (known type and field, unit of the field's dimension,
 * values allowed by an enum). Errors name "file:line: reason": a CSV syntax
 * error, an unknown column, field, type, unit, operator or severity, a bad
 * limit, a circular or missing @extends. Caller owns *out. */
enum sw_status sw_profile_load(const char *datadir, const char *name, const struct sw_forms *forms,
                               struct sw_profile **out, struct sw_error *err);
/* The same from an explicit file path (tests); @extends names are looked up
 * in the file's directory. */
enum sw_status sw_profile_load_file(const char *path, const struct sw_forms *forms,
                                    struct sw_profile **out, struct sw_error *err);
void sw_profile_free(struct sw_profile *p); /* NULL ok */

/* True for a profile name: [a-z0-9][a-z0-9_.-]*. */
bool sw_profile_name_valid(const char *name);

const char *sw_norm_op_name(enum sw_norm_op op);
const char *sw_severity_name(enum sw_severity s);

/* Neighbour lookup for spatial rules: count the points of `type` (other than
 * p itself) whose exact distance to p is <= radius_m; *nearest_m gets the
 * distance of the nearest one seen (NAN when none). */
typedef enum sw_status (*sw_norm_near_fn)(void *ud, const struct sw_point *p, const char *type,
                                          double radius_m, size_t *found, double *nearest_m,
                                          struct sw_error *err);

enum sw_outcome { SW_OUT_PASS = 0, SW_OUT_INCOMPLETE, SW_OUT_FAIL };

/* One rule's finding for a point. Pointers borrow from the profile and the
 * point and live as long as both. */
struct sw_finding {
	const struct sw_rule *rule;
	enum sw_outcome outcome;
	bool has_measured;
	double measured;     /* base units (WITHIN: neighbours found) */
	double nearest_m;    /* WITHIN: nearest neighbour seen, NAN if none */
	const char *text;    /* measured enum value, or NULL */
	const char *missing; /* INCOMPLETE: the field that is missing */
};

/* The verdict on one point. Initialise once per profile with
 * sw_verdict_init (it sizes the findings array), reuse for many points:
 * sw_norm_check_point does not allocate. */
struct sw_verdict {
	enum sw_outcome outcome;          /* FAIL when an error-severity rule fails */
	size_t nrules;                    /* rules that applied (condition held) */
	size_t nfail, nincomplete, nwarn; /* nwarn: failed warning/advice rules */
	struct sw_finding *findings;      /* only rules that did not pass */
	size_t nfindings, cap;
};

enum sw_status sw_verdict_init(struct sw_verdict *v, const struct sw_profile *prof,
                               struct sw_error *err);
void sw_verdict_clear(struct sw_verdict *v); /* NULL ok */

/* Judge p against every rule of the profile for p's type. A rule whose
 * condition does not hold does not apply. A missing field (or condition
 * field) makes the rule INCOMPLETE, except for `required`, which fails.
 * The point is FAIL when an error rule fails, else INCOMPLETE when a rule is
 * incomplete, else PASS; failed warnings and advice are findings too.
 * near may be NULL: spatial rules are then INCOMPLETE ("neighbours"). */
enum sw_status sw_norm_check_point(const struct sw_profile *prof, const struct sw_point *p,
                                   sw_norm_near_fn near, void *near_ud, struct sw_verdict *v,
                                   struct sw_error *err);

const char *sw_outcome_name(enum sw_outcome o); /* "pass", "incomplete", "fail" */

/* Text of a finding for people: measured against the limit in the rule's
 * unit, e.g. "running_slope_pct 12 % > 10 %" or "missing width_m". */
void sw_finding_describe(const struct sw_finding *f, char *buf, size_t len);
/* The measured value (in the rule's unit) and the limit ("<= 10 %") alone. */
void sw_finding_measured(const struct sw_finding *f, char *buf, size_t len);
void sw_rule_limit_text(const struct sw_rule *r, char *buf, size_t len);

/* ---- comparing profiles and sweeping a limit (calibration) ------------- */

/* The rule called id in prof, or NULL. Lives as long as prof. */
const struct sw_rule *sw_profile_rule(const struct sw_profile *prof, const char *id);

/* What two rules (usually of one id in two profiles) differ in: a mask of
 * SW_RULE_DIFF_*. The condition is compared as compiled (field, operator,
 * value), the limit by operator and value in base units (1:10 and 10 % are
 * one limit written in two units), the unit by name. 0 when they judge
 * alike and read alike. */
enum {
	SW_RULE_DIFF_TYPE = 1u << 0,
	SW_RULE_DIFF_FIELD = 1u << 1,
	SW_RULE_DIFF_WHEN = 1u << 2,
	SW_RULE_DIFF_LIMIT = 1u << 3,
	SW_RULE_DIFF_UNIT = 1u << 4,
	SW_RULE_DIFF_SEVERITY = 1u << 5,
	SW_RULE_DIFF_MESSAGE = 1u << 6,
	SW_RULE_DIFF_SOURCE = 1u << 7,
};
unsigned sw_rule_diff(const struct sw_rule *a, const struct sw_rule *b);

/* True when r has one numeric limit to sweep: <= >= < > = on a number
 * field, or the distance of within. */
bool sw_rule_sweepable(const struct sw_rule *r);

/* The limit text of r as if its limit were lo (base units), written in
 * unit u (NULL: the rule's): "<= 6 %". */
void sw_rule_limit_text_at(const struct sw_rule *r, double lo, const struct sw_unit *u, char *buf,
                           size_t len);

/* The swept rule's state on one point, whatever the limit. */
enum sw_sweep_state {
	SW_SWEEP_NA = 0,  /* other type, or its condition does not hold */
	SW_SWEEP_MISSING, /* a measurement (or the condition's) is missing */
	SW_SWEEP_MEASURED /* judged against each candidate */
};

/* One point judged for a sweep: every other rule once, the swept rule
 * against each candidate limit. */
struct sw_sweep_point {
	enum sw_outcome others; /* verdict under every rule but the swept one */
	enum sw_sweep_state state;
	double measured; /* base units; within: nearest neighbour (NAN: none) */
};

/* Judge p for a sweep of rule r (a rule of prof, sw_rule_sweepable) over
 * the candidate limits lim[0..n) in base units: out->others once, and
 * rule_out[i] the rule's outcome with limit lim[i] (PASS or FAIL when
 * measured; INCOMPLETE when missing; PASS when it does not apply). One
 * evaluation of the other rules per point however many candidates; within
 * asks near once per point (twice or more only for "N type" counts above
 * one). v is scratch from sw_verdict_init. */
enum sw_status sw_norm_sweep_point(const struct sw_profile *prof, const struct sw_rule *r,
                                   const struct sw_point *p, sw_norm_near_fn near, void *near_ud,
                                   const double *lim, size_t n, struct sw_verdict *v,
                                   struct sw_sweep_point *out, enum sw_outcome *rule_out,
                                   struct sw_error *err);

/* The point's verdict under the profile with the swept rule's outcome o. */
enum sw_outcome sw_sweep_overall(enum sw_outcome others, const struct sw_rule *r,
                                 enum sw_outcome o);

#endif
