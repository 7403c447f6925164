/* test_support.h - small helpers shared by unit tests (header-only, static
 * inline, so a test includes only what it uses). Include after cmocka.h. */
#ifndef SW_TEST_SUPPORT_H
#define SW_TEST_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>

#include "schouw/form.h"

/* The whole file at path, NUL-terminated; fails the test when unreadable.
 * Caller frees. */
static inline char *sw_test_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* A fresh scratch directory under $TMPDIR named after the test program, and
 * the shipped forms ($SCHOUW_DATA, else the source tree). 0 on success, for
 * a cmocka group setup. */
static inline int sw_test_setup_dir_and_forms(char *dir, size_t len, const char *name,
					      struct sw_forms **forms)
{
	struct sw_error err = {0};
	const char *data = getenv("SCHOUW_DATA");
	const char *t = getenv("TMPDIR");

	snprintf(dir, len, "%s/%s.XXXXXX", t != NULL ? t : "/tmp", name);
	if (mkdtemp(dir) == NULL)
		return -1;
	if (sw_forms_load(data != NULL ? data : SW_TEST_DATA "/../../survey", forms, &err) !=
	    SW_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

/* Undo sw_test_setup_dir_and_forms. */
static inline int sw_test_teardown_dir_and_forms(const char *dir, struct sw_forms *forms)
{
	char cmd[600];

	sw_forms_free(forms);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
