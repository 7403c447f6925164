/* verdict.h - printing norm verdicts (check, and feedback after log/set). */
#ifndef SCHOUW_VERDICT_H
#define SCHOUW_VERDICT_H

#include <stdio.h>

#include "cli.h"
#include "schouw/norm.h"

/* The profile to judge with: store meta "default_profile", else
 * "kor-dordrecht". Caller frees. NULL after printing an error. */
char *sw_cli_default_profile(struct sw_cli *cli);

/* Load profile name (datadir/norms/<name>.csv) against the forms; prints
 * "file:line: reason" and returns NULL on error. Free with sw_profile_free. */
struct sw_profile *sw_cli_profile(struct sw_cli *cli, const char *name);

/* A rule's message in the user's language (Dutch when the messages are,
 * see sw_cli_dutch), falling back to the other, else "". */
const char *sw_cli_rule_message(const struct sw_rule *r);

/* "PASS", "FAIL", "INCOMPLETE" (translated). */
const char *sw_cli_outcome_label(enum sw_outcome o);

/* The findings of v, one per line (two with the source), each prefixed by
 * indent: severity, rule id, measured against the limit, message. */
void sw_cli_print_findings(FILE *f, const struct sw_verdict *v, const char *indent);

/* Judge p (a stored point) under the store's default profile and print the
 * verdict and findings to stdout. Problems (no profile, bad profile) are
 * printed as warnings on stderr; the caller's exit status is not affected.
 * Prints nothing with --quiet. */
void sw_cli_print_verdict(struct sw_cli *cli, const struct sw_point *p);

#endif
