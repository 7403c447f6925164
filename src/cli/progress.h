/* progress.h - a progress bar on stderr for long imports and exports, drawn
 * only when stderr is a terminal (quiet in scripts and logs). */
#ifndef SCHOUW_PROGRESS_H
#define SCHOUW_PROGRESS_H

#include <stdbool.h>

struct sw_progress {
	bool on;
	long long total; /* for a percentage; 0: unknown, only a count */
	long long done;
	const char *unit; /* "rows", "points" */
	bool shown;
};

/* Start: on only when !quiet and stderr is a terminal. */
void sw_progress_start(struct sw_progress *pg, bool quiet, long long total, const char *unit);
/* One more item; position (e.g. line number) drives the percentage when
 * pos > 0, else the count does. Redraws every 4096 items. */
void sw_progress_tick(struct sw_progress *pg, long long pos);
/* Wipe the bar so the summary that follows starts on a clean line. */
void sw_progress_end(struct sw_progress *pg);

#endif
