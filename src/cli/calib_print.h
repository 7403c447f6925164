/* calib_print.h - printing profile diff, check --compare and check --sweep
 * (the analyses are in the app layer, include/schouw/calibrate.h). */
#ifndef SCHOUW_CLI_CALIB_PRINT_H
#define SCHOUW_CLI_CALIB_PRINT_H

#include "cli.h"
#include "schouw/calibrate.h"

/* schouw profile diff A B: prints; returns the exit status. */
int sw_cli_profile_diff(struct sw_cli *cli, const char *a, const char *b);

/* check --compare A B on the store's points that f selects: prints the
 * changes, the summary and the agreement; returns the exit status (0 unless
 * an error). */
int sw_cli_check_compare(struct sw_cli *cli, struct sw_store *s, const struct sw_filter *f,
                         const char *a, const char *b, enum sw_out_fmt fmt);

/* What check --sweep was asked. */
struct sw_cli_sweep {
	const char *rule_id;
	const char *values;           /* --values list, or NULL */
	const char *from, *to, *step; /* --from --to --step, or NULL */
	const char *unit;             /* --unit, or NULL: the field's unit */
	const char *output;           /* -o chart.png, or NULL */
	const char *title;            /* chart title, or NULL */
	enum sw_calib_lines lines;
};

int sw_cli_check_sweep(struct sw_cli *cli, struct sw_store *s, const struct sw_filter *f,
                       const char *profile, const struct sw_cli_sweep *o, enum sw_out_fmt fmt);

#endif
