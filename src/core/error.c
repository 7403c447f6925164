/* error.c - the error struct. */
#include "schouw/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum sw_status sw_error_set(struct sw_error *err, enum sw_status code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

enum sw_status sw_error_prefix(struct sw_error *err, const char *fmt, ...)
{
	char prefix[512];
	char old[SW_ERROR_MSG_MAX];
	va_list ap;

	if (err == NULL)
		return SW_ERR_INTERNAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	snprintf(err->msg, sizeof err->msg, "%s%s", prefix, old);
	return err->code;
}

void sw_error_clear(struct sw_error *err)
{
	if (err == NULL)
		return;
	err->code = SW_OK;
	err->msg[0] = '\0';
}
