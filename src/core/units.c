/* units.c - the units a norm profile may write, converted to one base unit
 * per dimension (length: metre, slope: percent) so a profile author never
 * converts by hand. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schouw/norm.h"
#include "schouw/num.h"

/* mul/div kept apart so 1400 mm -> 1400 / 1000 is correctly rounded. */
static const struct sw_unit units[] = {
    {"", SW_DIM_NONE, 1, 1},           {"m", SW_DIM_LENGTH, 1, 1},
    {"cm", SW_DIM_LENGTH, 1, 100},     {"mm", SW_DIM_LENGTH, 1, 1000},
    {"in", SW_DIM_LENGTH, 254, 10000}, {"ft", SW_DIM_LENGTH, 3048, 10000},
    {"%", SW_DIM_SLOPE, 1, 1},         {"permille", SW_DIM_SLOPE, 1, 10},
    {"ratio", SW_DIM_SLOPE, 1, 1}, /* 1:N, see is_ratio */
};

static const struct {
	const char *alias;
	size_t unit;
} aliases[] = {
    {"meter", 1},    {"metre", 1},     {"inch", 4},    {"feet", 5},
    {"pct", 6},      {"percent", 6},   {"procent", 6}, {"\xe2\x80\xb0", 7},
    {"promille", 7}, {"per-mille", 7}, {"1:n", 8},     {"verhouding", 8},
};

static bool is_ratio(const struct sw_unit *u)
{
	return u == &units[8];
}

const struct sw_unit *sw_unit_find(const char *s)
{
	if (s == NULL || *s == '\0')
		return &units[0];
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(units[i].name, s) == 0)
			return &units[i];
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcasecmp(aliases[i].alias, s) == 0)
			return &units[aliases[i].unit];
	return NULL;
}

const char *sw_unit_names(void)
{
	return "m cm mm in ft % permille (\xe2\x80\xb0) ratio (1:N)";
}

double sw_unit_to_base(const struct sw_unit *u, double v)
{
	if (is_ratio(u))
		return v > 0 ? 100.0 / v : INFINITY;
	return v * u->mul / u->div;
}

double sw_unit_from_base(const struct sw_unit *u, double base)
{
	if (is_ratio(u))
		return base > 0 ? 100.0 / base : INFINITY;
	return base * u->div / u->mul;
}

/* A finite number with '.' or ',' as decimal mark, surrounding blanks ok,
 * whatever the locale. */
static bool parse_number(const char *s, double *out)
{
	return sw_num_parse(s, SW_NUM_COMMA | SW_NUM_TRIM, out);
}

bool sw_unit_parse(const struct sw_unit *u, const char *s, double *base)
{
	double v;

	while (*s == ' ')
		s++;
	if (strncmp(s, "1:", 2) == 0) {
		if (u->dim != SW_DIM_SLOPE || !parse_number(s + 2, &v) || v <= 0)
			return false;
		*base = 100.0 / v;
		return true;
	}
	if (!parse_number(s, &v))
		return false;
	if (is_ratio(u) && v <= 0)
		return false;
	*base = sw_unit_to_base(u, v);
	return true;
}

/* Up to `decimals` decimals, trailing zeros dropped: 8.3333, 1.2, 36. */
void sw_unit_format(const struct sw_unit *u, double base, char *buf, size_t len)
{
	char num[48];

	if (is_ratio(u)) {
		if (!(base > 0)) {
			snprintf(buf, len, "0 %%");
			return;
		}
		sw_num_format_upto(100.0 / base, 2, num, sizeof num);
		snprintf(buf, len, "1:%s", num);
		return;
	}
	sw_num_format_upto(sw_unit_from_base(u, base), 4, num, sizeof num);
	if (u->name[0] == '\0')
		snprintf(buf, len, "%s", num);
	else if (strcmp(u->name, "permille") == 0)
		snprintf(buf, len, "%s \xe2\x80\xb0", num);
	else
		snprintf(buf, len, "%s %s", num, u->name);
}
