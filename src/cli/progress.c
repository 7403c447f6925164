/* progress.c - a progress bar on stderr. */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "schouw/i18n.h"

#define BAR 25

void sw_progress_start(struct sw_progress *pg, bool quiet, long long total, const char *unit)
{
	pg->on = !quiet && isatty(STDERR_FILENO);
	pg->total = total;
	pg->done = 0;
	pg->unit = unit;
	pg->shown = false;
}

static void draw(struct sw_progress *pg, long long pos)
{
	if (pg->total > 0) {
		long long at = pos > 0 ? pos : pg->done;
		int pct = (int)(100.0 * (double)at / (double)pg->total);
		if (pct > 100)
			pct = 100;
		fprintf(stderr, "\r[%.*s%*s] %3d%%  %lld %s", pct * BAR / 100,
			"#########################", BAR - pct * BAR / 100, "", pct, pg->done,
			pg->unit);
	} else {
		fprintf(stderr, "\r%lld %s", pg->done, pg->unit);
	}
	fflush(stderr);
	pg->shown = true;
}

void sw_progress_tick(struct sw_progress *pg, long long pos)
{
	if (!pg->on)
		return;
	if (++pg->done % 4096 == 0)
		draw(pg, pos);
}

void sw_progress_end(struct sw_progress *pg)
{
	if (pg->shown)
		fprintf(stderr, "\r%70s\r", "");
	pg->shown = false;
}
