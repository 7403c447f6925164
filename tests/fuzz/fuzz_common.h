/* fuzz_common.h - shared by the libFuzzer targets: the readers take a path,
 * so each input is written to a scratch file first. */
#ifndef SW_FUZZ_COMMON_H
#define SW_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schouw/error.h"
#include "schouw/exchange.h"

/* A private scratch directory, removed at exit; in /dev/shm when there is
 * one, since writing a file per input to disk is most of a run's time. */
static char fuzz_dir[256];
static char fuzz_files[4][320];

static void fuzz_cleanup(void)
{
	for (size_t i = 0; i < sizeof fuzz_files / sizeof fuzz_files[0]; i++)
		if (fuzz_files[i][0] != '\0')
			unlink(fuzz_files[i]);
	if (fuzz_dir[0] != '\0')
		rmdir(fuzz_dir);
}

/* Path of scratch file number i named name (e.g. "in.shp"). */
static const char *fuzz_path(size_t i, const char *name)
{
	if (fuzz_dir[0] == '\0') {
		const char *t = getenv("TMPDIR");

		if (access("/dev/shm", W_OK) == 0)
			t = "/dev/shm";
		snprintf(fuzz_dir, sizeof fuzz_dir, "%s/swfuzz-XXXXXX", t != NULL ? t : "/tmp");
		if (mkdtemp(fuzz_dir) == NULL)
			abort();
		atexit(fuzz_cleanup);
	}
	snprintf(fuzz_files[i], sizeof fuzz_files[i], "%s/%s", fuzz_dir, name);
	return fuzz_files[i];
}

static void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
}

/* Touch every byte of the record so ASan sees any bad pointer. */
static enum sw_status fuzz_record(const struct sw_record *r, void *ud, struct sw_error *err)
{
	size_t *sum = ud;

	(void)err;
	*sum += r->file != NULL ? strlen(r->file) : 0;
	*sum += r->crs != NULL ? strlen(r->crs) : 0;
	*sum += r->pos_kind != NULL ? strlen(r->pos_kind) : 0;
	for (size_t i = 0; i < r->n; i++) {
		*sum += strlen(r->keys[i]);
		*sum += r->vals[i] != NULL ? strlen(r->vals[i]) : 0;
	}
	return SW_OK;
}

#endif
