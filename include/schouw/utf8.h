/* utf8.h - UTF-8 text: validation and cutting on a character boundary.
 *
 * Valid means what RFC 3629 and jansson accept: no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated or
 * stray continuation bytes. The functions only read s; nothing is kept.
 */
#ifndef SCHOUW_UTF8_H
#define SCHOUW_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes (1-4) of the valid character at the start of s[0..len), 0 when the
 * bytes there are not one (or len is 0). */
size_t sw_utf8_char_len(const char *s, size_t len);

/* Bytes of the longest valid prefix of s[0..len): len when all of it is
 * valid, else the offset of the first bad byte (for messages). */
size_t sw_utf8_valid_prefix(const char *s, size_t len);

/* True when s[0..len) is valid UTF-8: no overlongs, surrogates or code
 * points above U+10FFFF (s may be NULL when len is 0). */
bool sw_utf8_valid(const char *s, size_t len);

/* The length to keep of s[0..len) so that it is at most max bytes and ends
 * on a character boundary: len when it fits, else max stepped back over the
 * continuation bytes of the character max would split (DBF text fields hold
 * 254 bytes and shapelib cuts byte-wise). */
size_t sw_utf8_cut(const char *s, size_t len, size_t max);

/* Room sw_utf8_json_quote needs for len bytes of text: every byte may
 * become a six-byte \u00XX, plus the quotes and the NUL. */
#define SW_UTF8_JSON_ROOM(len) (6 * (len) + 3)

/* s[0..len) as a JSON string literal, quotes included, escaped as jansson's
 * dump does without flags (\" \\ \b \f \n \r \t, other control bytes
 * \u00XX, UTF-8 as is). out has SW_UTF8_JSON_ROOM(len) bytes; returns the
 * length written (NUL-terminated), 0 when s is not valid UTF-8. */
size_t sw_utf8_json_quote(const char *s, size_t len, char *out);

#endif
