/* comma_locale.h - test helper shared by unit tests: run code under a locale
 * whose decimal separator is a comma, as on a Dutch desktop. Header-only
 * (static inline) so each test program includes what it uses. */
#ifndef SW_TEST_COMMA_LOCALE_H
#define SW_TEST_COMMA_LOCALE_H

#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Switch LC_NUMERIC to a locale with a decimal comma, as a Dutch desktop
 * has. The machine may have none installed, so build a tiny one (LC_NUMERIC
 * only, ASCII) with localedef under TMPDIR. False when that is impossible. */
static char comma_dir[1024];

static inline bool comma_locale_on(void)
{
	const char *tmp = getenv("TMPDIR");
	char src[1100], cmd[3400];
	FILE *fp;

	snprintf(comma_dir, sizeof comma_dir, "%s/comma-locale-%ld", tmp != NULL ? tmp : "/tmp",
	         (long)getpid());
	if (mkdir(comma_dir, 0700) != 0)
		return false;
	snprintf(src, sizeof src, "%s/comma.src", comma_dir);
	fp = fopen(src, "w");
	if (fp == NULL)
		return false;
	fputs("LC_NUMERIC\ndecimal_point \",\"\nthousands_sep \".\"\ngrouping 3;3\n"
	      "END LC_NUMERIC\n",
	      fp);
	fclose(fp);
	snprintf(cmd, sizeof cmd,
	         "localedef -c -i '%s' -f ANSI_X3.4-1968 '%s/xx_COMMA' >/dev/null 2>&1", src,
	         comma_dir);
	if (system(cmd) == -1)
		return false;
	setenv("LOCPATH", comma_dir, 1);
	return setlocale(LC_NUMERIC, "xx_COMMA") != NULL &&
	       strcmp(localeconv()->decimal_point, ",") == 0;
}

static inline void comma_locale_off(void)
{
	char cmd[1100];

	setlocale(LC_NUMERIC, "C");
	unsetenv("LOCPATH");
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", comma_dir);
	if (comma_dir[0] != '\0' && system(cmd) == -1)
		comma_dir[0] = '\0';
}

/* The whole process in the Dutch locale, as a library called from anywhere
 * (a server thread, a test) may find it: no main() resets LC_NUMERIC here.
 * scripts/deps.sh generates nl_NL.UTF-8; false (with a hint on stderr) when
 * it is missing or has no decimal comma. */
static inline bool comma_locale_nl_on(void)
{
	if (setlocale(LC_ALL, "nl_NL.UTF-8") == NULL) {
		fprintf(stderr, "the nl_NL.UTF-8 locale is missing: run scripts/deps.sh as root\n");
		return false;
	}
	return strcmp(localeconv()->decimal_point, ",") == 0;
}

static inline void comma_locale_nl_off(void)
{
	setlocale(LC_ALL, "C");
}

#endif
