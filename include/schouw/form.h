/* form.h - survey forms and statuses, read at run time from plain INI files.
 *
 * Layout of a data directory (SCHOUW_DATA, or survey/ in the source tree):
 *   forms/<type>.ini   one survey form per element type
 *   statuses.ini       the statuses shared by all types, with labels and colours
 *
 * In code the workflow status of a point (planned, in_progress, ...) is its
 * "state" (struct sw_state_def, sw_forms_check_state), so that enum sw_status
 * only ever means the result of a call. Users, files, DB columns and the
 * point's `status` field keep the word "status".
 *
 * A struct sw_forms owns everything it points to; free it with sw_forms_free.
 * Pointers returned by the lookup functions live as long as the sw_forms.
 */
#ifndef SCHOUW_FORM_H
#define SCHOUW_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "schouw/error.h"
#include "schouw/point.h"

enum sw_kind { SW_KIND_NUMBER, SW_KIND_INTEGER, SW_KIND_ENUM, SW_KIND_BOOL, SW_KIND_TEXT };

struct sw_field {
	char *name; /* [a-z][a-z0-9_]*, also the store column name */
	char *label_nl;
	char *label_en;
	enum sw_kind kind;
	char *unit; /* "%", "m", "mm", "cm", ... or NULL */
	bool has_min, has_max;
	double min, max;
	bool required;
	char **values; /* allowed values for SW_KIND_ENUM */
	size_t nvalues;
	/* optional labels of the values (values_nl, values_en in the form), in
	 * the order of values; input may use them instead of the value */
	char **values_nl, **values_en;
	size_t nvalues_nl, nvalues_en;
	char *help; /* optional guidance for the surveyor */
};

struct sw_form {
	char *type; /* file stem, e.g. "kerb_ramp" */
	char *label_nl;
	char *label_en;
	char *symbol; /* map symbol (sw_symbol_names), NULL: circle */
	char *path; /* the .ini it came from, for messages */
	struct sw_field *fields;
	size_t nfields;
};

struct sw_state_def {
	char *name; /* planned, in_progress, ... */
	char *label_nl;
	char *label_en;
	char *color; /* "#rrggbb", used by maps and exported styles */
	char *fill;  /* map fill (sw_fill_names), NULL: solid */
	/* only staff may set it (`staff_only = yes`: the verdicts of an
	 * inspection); the field server refuses it from surveyors */
	bool staff_only;
};

/* The map symbols a form may name (`symbol = triangle`) and the fills a
 * status may name (`fill = hollow`), so a map tells statuses apart without
 * colour. NULL-terminated. */
extern const char *const sw_symbol_names[];
extern const char *const sw_fill_names[];
#define SW_SYMBOL_LIST "circle, square, triangle, diamond, star"
#define SW_FILL_LIST "solid, hollow, half, cross, dot"

struct sw_forms {
	char *dir;
	struct sw_form *forms; /* sorted by type */
	size_t nforms;
	struct sw_state_def *states; /* in workflow order */
	size_t nstates;
};

/* Load every forms/<type>.ini and statuses.ini below datadir. A syntax error, an
 * unknown key or kind, a bad identifier, or one field name with two different
 * kinds in two forms fails with "file:line: reason". Labels are never NULL:
 * a missing one falls back to the other language, then to the name. */
enum sw_status sw_forms_load(const char *datadir, struct sw_forms **out, struct sw_error *err);
void sw_forms_free(struct sw_forms *forms);

/* Lookups; NULL when absent. The *_or_error variants fill err with a message
 * that lists the valid names. */
const struct sw_form *sw_forms_find(const struct sw_forms *forms, const char *type);
const struct sw_form *sw_forms_find_or_error(const struct sw_forms *forms, const char *type,
					     struct sw_error *err);
const struct sw_field *sw_form_field(const struct sw_form *form, const char *name);
const struct sw_field *sw_form_field_or_error(const struct sw_form *form, const char *name,
					      struct sw_error *err);
const struct sw_state_def *sw_forms_state(const struct sw_forms *forms, const char *name);
enum sw_status sw_forms_check_state(const struct sw_forms *forms, const char *name,
				     struct sw_error *err);

/* The status named by text: its key or its Dutch or English label, in any
 * case, surrounding blanks ignored ("Gerealiseerd", "REALISED"). *by_label
 * (may be NULL) says a label matched. NULL when none. */
const struct sw_state_def *sw_forms_state_find(const struct sw_forms *forms, const char *text,
                                               bool *by_label);

/* sw_forms_state_find or an error listing the statuses with their labels. */
const struct sw_state_def *sw_forms_read_state(const struct sw_forms *forms, const char *text,
                                               bool *by_label, struct sw_error *err);

/* Every distinct field over all forms (first definition wins; kinds agree),
 * for the store's columns and union exports. Caller frees the array only. */
enum sw_status sw_forms_all_fields(const struct sw_forms *forms, const struct sw_field ***out,
				   size_t *n, struct sw_error *err);

/* Parse text typed by a user or read from a file into a value of the field's
 * kind, and check it (range, allowed values, finite, valid UTF-8). Numbers
 * accept a decimal comma. Bools accept true/false, yes/no, ja/nee, 1/0.
 * Empty text gives SW_V_NULL. The message names the field and what was expected. */
enum sw_status sw_field_parse(const struct sw_field *f, const char *text, struct sw_value *out,
			      struct sw_error *err);

/* What sw_field_parse_noted interpreted, for import reports. */
struct sw_field_note {
	bool label;    /* an enum value given by its label (or a key in another case) */
	bool unit;     /* a number written with a unit, converted to the field's */
	char from[64]; /* the label or the unit as written ("cm", "1:n", "Asfalt") */
};

/* sw_field_parse, saying in *note (may be NULL; cleared first) what it read
 * beyond a plain value. Both accept, besides the plain value:
 *   enum: a value in any case, or its label from values_nl / values_en;
 *   number, integer: a number with a unit ("8%", "8 %", "1:12", "1,20 m",
 *   "120 cm") when the unit measures what the field's unit measures (a
 *   length into a length field, a slope into a slope field), converted into
 *   the field's unit; a unit that does not fit ("8 kg", "8 m" for a slope)
 *   is refused, naming the units that would. */
enum sw_status sw_field_parse_noted(const struct sw_field *f, const char *text,
                                    struct sw_value *out, struct sw_field_note *note,
                                    struct sw_error *err);

/* Check an already typed value against the field (kind, range, allowed values). */
enum sw_status sw_field_check(const struct sw_field *f, const struct sw_value *v,
			      struct sw_error *err);

/* Check a whole point: known type and status, every attribute a field of the
 * form and valid, every required field present. */
enum sw_status sw_form_validate(const struct sw_forms *forms, const struct sw_point *p,
				struct sw_error *err);

const char *sw_kind_name(enum sw_kind k);

#endif
