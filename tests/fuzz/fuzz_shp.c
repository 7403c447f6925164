/* fuzz_shp.c - libFuzzer target for sw_shp_read.
 *
 * A shapefile is three files, so an input is .shp, .shx and .dbf bytes
 * joined by SEP (corpus/shp/ holds real layers packed that way; pack more
 * with tests/fuzz/pack_shp.sh). */
#include "fuzz_common.h"

#include "schouw/shp.h"

#define SEP "\n@@SWFUZZ@@\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ext[3] = {"in.shp", "in.shx", "in.dbf"};
	struct sw_read_opts o = {.crs = "EPSG:28992"};
	struct sw_error err = {0};
	const uint8_t *p = data, *end = data + size;
	size_t sum = 0;

	for (size_t i = 0; i < 3; i++) {
		const uint8_t *s = i < 2 ? memmem(p, (size_t)(end - p), SEP, strlen(SEP)) : NULL;
		const uint8_t *stop = s != NULL ? s : end;

		fuzz_write(fuzz_path(i, ext[i]), p, (size_t)(stop - p));
		p = s != NULL ? s + strlen(SEP) : end;
	}
	(void)sw_shp_read(fuzz_files[0], &o, fuzz_record, &sum, &err);
	return 0;
}
