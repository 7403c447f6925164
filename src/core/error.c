/* error.c - the error struct. */
#include "schouw/error.h"

#include "schouw/i18n.h"

#include <stdarg.h>
#include <stdlib.h>
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
	size_t plen, mlen;
	va_list ap;
	int n;

	if (err == NULL)
		return SW_ERR_INTERNAL;
	va_start(ap, fmt);
	n = vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err->code;
	plen = strlen(prefix);
	mlen = strnlen(err->msg, sizeof err->msg - 1);
	/* shift the message right, cutting its tail if the buffer is full */
	if (plen + mlen > sizeof err->msg - 1)
		mlen = sizeof err->msg - 1 - plen;
	memmove(err->msg + plen, err->msg, mlen);
	memcpy(err->msg, prefix, plen);
	err->msg[plen + mlen] = '\0';
	return err->code;
}

void sw_error_clear(struct sw_error *err)
{
	if (err == NULL)
		return;
	err->code = SW_OK;
	err->msg[0] = '\0';
}

enum sw_status sw_error_nomem(struct sw_error *err)
{
	return sw_error_set(err, SW_ERR_NOMEM, "%s", _("out of memory"));
}

char *sw_strdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}
