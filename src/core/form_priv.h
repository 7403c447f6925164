/* form_priv.h - what form.c and form_validate.c share; not a public header. */
#ifndef SCHOUW_FORM_PRIV_H
#define SCHOUW_FORM_PRIV_H

#include <stdbool.h>
#include <stddef.h>

/* Longest text value in bytes. */
#define SW_TEXT_MAX 4000

/* Copy of s without surrounding ASCII whitespace; NULL when out of memory.
 * Caller frees. */
char *sw_form_trimmed(const char *s);

/* yes/true/ja/1 or no/false/nee/0 (any case); false for anything else. */
bool sw_form_parse_yesno(const char *v, bool *out);

#endif
