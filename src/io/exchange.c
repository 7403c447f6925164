/* exchange.c - what the format modules share (see exchange.h). */
#include "schouw/exchange.h"

#include <string.h>

const char *sw_read_map_key(const struct sw_read_opts *o, const char *k)
{
	if (o == NULL)
		return k;
	for (size_t i = 0; i < o->nmap; i++) {
		const char *dst = o->map_dst[i];
		if (strcmp(o->map_src[i], k) != 0)
			continue;
		return (dst == NULL || dst[0] == '\0' || strcmp(dst, "-") == 0) ? NULL : dst;
	}
	return k;
}
