/* fuzz_geojson.c - libFuzzer target for sw_geojson_read. */
#include "fuzz_common.h"

#include "schouw/geojson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path(0, "in.geojson");
	struct sw_error err = {0};
	size_t sum = 0;

	fuzz_write(path, data, size);
	(void)sw_geojson_read(path, NULL, fuzz_record, &sum, &err);
	return 0;
}
