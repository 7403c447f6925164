/* utf8.c - UTF-8 validation and cutting on a character boundary. */
#include "schouw/utf8.h"

#include <stdint.h>
#include <string.h>

size_t sw_utf8_char_len(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n, k;

	if (len == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		cp = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		cp = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0; /* continuation byte, C0/C1 overlong lead, above U+10FFFF */
	}
	if (len < n)
		return 0;
	for (k = 1; k < n; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

size_t sw_utf8_valid_prefix(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		n = sw_utf8_char_len(s + i, len - i);
		if (n == 0)
			break;
		i += n;
	}
	return i;
}

size_t sw_utf8_cut(const char *s, size_t len, size_t max)
{
	size_t n = max;

	if (len <= max)
		return len;
	/* step back over at most three continuation bytes to the start of the
	 * character that would be split */
	while (n > 0 && max - n < 3 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return ((unsigned char)s[n] & 0xC0) == 0x80 ? max : n;
}

size_t sw_utf8_json_quote(const char *s, size_t len, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	char *o = out;
	size_t i = 0, n;

	*o++ = '"';
	while (i < len) {
		unsigned c = p[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			*o++ = (char)c;
			i++;
			continue;
		}
		if (c >= 0x80) {
			n = sw_utf8_char_len(s + i, len - i);
			if (n == 0)
				return 0;
			memcpy(o, s + i, n);
			o += n;
			i += n;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"':
			*o++ = '"';
			break;
		case '\\':
			*o++ = '\\';
			break;
		case '\b':
			*o++ = 'b';
			break;
		case '\f':
			*o++ = 'f';
			break;
		case '\n':
			*o++ = 'n';
			break;
		case '\r':
			*o++ = 'r';
			break;
		case '\t':
			*o++ = 't';
			break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 15];
			o += 5;
			break;
		}
		i++;
	}
	*o++ = '"';
	*o = '\0';
	return (size_t)(o - out);
}

bool sw_utf8_valid(const char *s, size_t len)
{
	if (s == NULL)
		return len == 0;
	return sw_utf8_valid_prefix(s, len) == len;
}
