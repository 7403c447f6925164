/* bench_check.c - speed of the norm engine.
 *
 *   bench_check [NPOINTS [NBAYS]]    (defaults 1000000 and 100000)
 *
 * 1. single-point rules: NPOINTS generated points of every type, judged
 *    against kor-dordrecht in memory (spatial rules answered by a stub), in
 *    points per second; target >= 1M/s.
 * 2. cross-layer rule: a store with NBAYS disabled parking bays and as many
 *    kerb ramps (each 0-7 m from its bay), every bay judged, the kerb ramp
 *    within 5 m looked up through the R-tree; target < 2 s for 100k + 100k.
 * Prints the figures; exit status 1 when a target is missed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "schouw/check.h"
#include "schouw/form.h"
#include "schouw/norm.h"
#include "schouw/store.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process: other jobs on a shared machine do not count. */
static double cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Deterministic xorshift, so runs compare. */
static unsigned long long rng = 28992;
static double rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static void set_attr(struct sw_point *p, const struct sw_field *f)
{
	struct sw_value v = {0};

	switch (f->kind) {
	case SW_KIND_BOOL:
		v.t = SW_V_INT;
		v.i = rnd() < 0.8;
		break;
	case SW_KIND_INTEGER:
		v.t = SW_V_INT;
		v.i = (long long)(rnd() * 5);
		break;
	case SW_KIND_ENUM:
		v.t = SW_V_TEXT;
		v.s = f->values[(size_t)(rnd() * (double)f->nvalues) % f->nvalues];
		break;
	case SW_KIND_NUMBER: {
		double lo = f->has_min ? f->min : 0, hi = f->has_max ? f->max : 10;
		/* mostly in the lower part of the range, where the limits are */
		v.t = SW_V_REAL;
		v.r = lo + (hi - lo) * rnd() * rnd() * 0.5;
		break;
	}
	default:
		return;
	}
	if (rnd() < 0.05)
		return; /* some measurements missing */
	sw_point_set_attr(p, f->name, &v, NULL);
}

static enum sw_status stub_near(void *ud, const struct sw_point *p, const char *type, double radius,
                                size_t *found, double *nearest, struct sw_error *err)
{
	(void)ud;
	(void)p;
	(void)type;
	(void)err;
	*found = 1;
	*nearest = radius / 2;
	return SW_OK;
}

struct bay_state {
	const struct sw_profile *prof;
	struct sw_verdict v;
	struct sw_check_near *near;
	const struct sw_rule *rule;
	long long n, pass_rule;
	struct sw_error err;
};

static enum sw_status count_bay(const struct sw_point *p, void *ud)
{
	(void)p;
	(*(long long *)ud)++;
	return SW_OK;
}

static enum sw_status judge_bay(const struct sw_point *p, void *ud)
{
	struct bay_state *st = ud;
	enum sw_status rc =
	    sw_norm_check_point(st->prof, p, sw_check_near_fn, st->near, &st->v, &st->err);
	bool failed = false;

	for (size_t i = 0; i < st->v.nfindings; i++)
		failed = failed || st->v.findings[i].rule == st->rule;
	st->n++;
	st->pass_rule += !failed;
	return rc;
}

int main(int argc, char **argv)
{
	const char *data = getenv("SCHOUW_DATA");
	size_t npoints = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	size_t nbays = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
	struct sw_forms *forms = NULL;
	struct sw_profile *prof = NULL;
	struct sw_point *pts = NULL;
	struct sw_store *store = NULL;
	struct bay_state bs = {0};
	struct sw_verdict v = {0};
	struct sw_error err = {0};
	struct sw_filter filter = {.type = "disabled_parking"};
	char path[512] = "";
	bool keep = false;
	long long counts[3] = {0};
	double t0, t1, c0, c1, rate, cross = 0;
	int rc = 1;

	if (data == NULL || *data == '\0')
		data = SW_SOURCE_DATADIR;
	if (sw_forms_load(data, &forms, &err) != SW_OK ||
	    sw_profile_load(data, "kor-dordrecht", forms, &prof, &err) != SW_OK ||
	    sw_verdict_init(&v, prof, &err) != SW_OK)
		goto fail;

	{
		/* wall times on a shared machine mean little without this */
		FILE *la = fopen("/proc/loadavg", "r");
		char buf[64] = "?";
		if (la != NULL) {
			if (fgets(buf, sizeof buf, la) == NULL)
				buf[0] = '\0';
			fclose(la);
		}
		printf("load average at start: %.14s (2 cores here: above 2, wall times stretch)\n",
		       buf);
	}

	/* 1. single-point rules */
	pts = calloc(npoints, sizeof *pts);
	if (pts == NULL)
		goto fail;
	for (size_t i = 0; i < npoints; i++) {
		const struct sw_form *f = &forms->forms[i % forms->nforms];
		sw_point_init(&pts[i]);
		sw_point_set_str(&pts[i].type, f->type, NULL);
		pts[i].x = 95000 + rnd() * 25000;
		pts[i].y = 415000 + rnd() * 20000;
		for (size_t k = 0; k < f->nfields; k++)
			set_attr(&pts[i], &f->fields[k]);
	}
	t0 = now();
	c0 = cpu();
	for (size_t i = 0; i < npoints; i++) {
		if (sw_norm_check_point(prof, &pts[i], stub_near, NULL, &v, &err) != SW_OK)
			goto fail;
		counts[v.outcome]++;
	}
	t1 = now();
	c1 = cpu();
	rate = (double)npoints / (t1 - t0);
	printf("single-point rules: %zu points x %zu rules of kor-dordrecht: %.3f s wall (%.3f s "
	       "cpu) = %.2f M points/s wall, %.2f M/s cpu (target >= 1 M/s)%s\n",
	       npoints, prof->nrules, t1 - t0, c1 - c0, rate / 1e6,
	       (double)npoints / (c1 - c0) / 1e6, rate < 1e6 ? "  MISSED" : "");
	printf("  verdicts: %lld pass, %lld fail, %lld incomplete\n", counts[SW_OUT_PASS],
	       counts[SW_OUT_FAIL], counts[SW_OUT_INCOMPLETE]);

	/* 2. cross-layer rule through the store's R-tree */
	/* BENCH_STORE=file keeps the store between runs (made when missing) */
	if (getenv("BENCH_STORE") != NULL && *getenv("BENCH_STORE") != '\0') {
		snprintf(path, sizeof path, "%s", getenv("BENCH_STORE"));
		keep = true;
	} else {
		snprintf(path, sizeof path, "%s/bench_check_%d.gpkg",
		         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
		unlink(path);
	}
	if (keep && access(path, F_OK) == 0) {
		if (sw_store_open(path, SW_STORE_READ, &store, &err) != SW_OK)
			goto fail;
		printf("cross-layer setup: reusing %s\n", path);
	} else {
		t0 = now();
		if (sw_store_create(path, &err) != SW_OK ||
		    sw_store_open(path, SW_STORE_WRITE, &store, &err) != SW_OK ||
		    sw_store_sync_fields(store, forms, &err) != SW_OK ||
		    sw_store_begin(store, &err) != SW_OK)
			goto fail;
		for (size_t i = 0; i < nbays; i++) {
			struct sw_point bay, ramp;
			double x = 95000 + rnd() * 25000, y = 415000 + rnd() * 20000;
			double a = rnd() * 6.283185307179586, d = rnd() * 7;
			struct sw_value len = {.t = SW_V_REAL, .r = 6},
			                wid = {.t = SW_V_REAL, .r = 3.5};
			struct sw_value par = {.t = SW_V_TEXT, .s = "parallel"};
			sw_point_init(&bay);
			sw_point_init(&ramp);
			sw_point_set_str(&bay.type, "disabled_parking", NULL);
			sw_point_set_str(&bay.status, "realised", NULL);
			sw_point_set_attr(&bay, "length_m", &len, NULL);
			sw_point_set_attr(&bay, "width_m", &wid, NULL);
			sw_point_set_attr(&bay, "orientation", &par, NULL);
			bay.x = x;
			bay.y = y;
			sw_point_set_str(&ramp.type, "kerb_ramp", NULL);
			sw_point_set_str(&ramp.status, "realised", NULL);
			ramp.x = x + d * cos(a);
			ramp.y = y + d * sin(a);
			rc = sw_store_insert(store, &bay, "bench", &err) == SW_OK &&
			     sw_store_insert(store, &ramp, "bench", &err) == SW_OK;
			sw_point_clear(&bay);
			sw_point_clear(&ramp);
			if (!rc) {
				rc = 1;
				goto fail;
			}
		}
		rc = 1;
		if (sw_store_commit(store, &err) != SW_OK)
			goto fail;
		t1 = now();
		printf("cross-layer setup: %zu bays + %zu kerb ramps stored in %.2f s (not timed "
		       "below)\n",
		       nbays, nbays, t1 - t0);
	}
	bs.prof = prof;
	for (size_t i = 0; i < prof->nrules; i++)
		if (strcmp(prof->rules[i].id, "dp-kerb-ramp") == 0)
			bs.rule = &prof->rules[i];
	if (bs.rule == NULL || sw_verdict_init(&bs.v, prof, &err) != SW_OK ||
	    sw_check_near_open(store, &bs.near, &err) != SW_OK)
		goto fail;
	t0 = now();
	c0 = cpu();
	if (sw_store_query(store, &filter, judge_bay, &bs, &err) != SW_OK)
		goto fail;
	t1 = now();
	c1 = cpu();
	cross = t1 - t0;
	printf("cross-layer rule dp-kerb-ramp (a kerb ramp within 5 m): %lld bays judged against "
	       "%zu kerb ramps: %.3f s wall (%.3f s cpu) (target < 2 s)%s; %lld have one, %lld "
	       "do not\n",
	       bs.n, nbays, cross, c1 - c0, nbays >= 100000 && cross >= 2 ? "  MISSED" : "",
	       bs.pass_rule, bs.n - bs.pass_rule);
	{
		long long nread = 0;
		t0 = now();
		c0 = cpu();
		if (sw_store_query(store, &filter, count_bay, &nread, &err) != SW_OK)
			goto fail;
		printf("  of which reading the %lld bays from the store (sw_store_query alone): "
		       "%.3f s wall (%.3f s cpu)\n",
		       nread, now() - t0, cpu() - c0);
	}
	rc = rate >= 1e6 && (nbays < 100000 || cross < 2) ? 0 : 1;
	goto out;
fail:
	fprintf(stderr, "bench_check: %s\n", err.msg[0] ? err.msg : "out of memory");
out:
	sw_check_near_close(bs.near);
	sw_verdict_clear(&bs.v);
	sw_store_close(store);
	if (path[0] != '\0' && !keep) {
		char side[600];
		unlink(path);
		snprintf(side, sizeof side, "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", path);
		unlink(side);
	}
	for (size_t i = 0; pts != NULL && i < npoints; i++)
		sw_point_clear(&pts[i]);
	free(pts);
	sw_verdict_clear(&v);
	sw_profile_free(prof);
	sw_forms_free(forms);
	return rc;
}
