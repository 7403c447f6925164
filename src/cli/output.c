/* output.c - points on stdout. */
#include "output.h"

#include <csv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

json_t *sw_out_point_json(const struct sw_forms *forms, const struct sw_point *p)
{
	json_t *o = json_object();
	json_t *m = json_object();
	const struct sw_form *form = sw_forms_find(forms, p->type);

	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "uuid", json_string(p->uuid));
	json_object_set_new(o, "type", json_string(p->type));
	json_object_set_new(o, "status", json_string(p->status));
	json_object_set_new(o, "x", json_real(round(p->x * 1000.0) / 1000.0));
	json_object_set_new(o, "y", json_real(round(p->y * 1000.0) / 1000.0));
	json_object_set_new(o, "surveyor", p->surveyor ? json_string(p->surveyor) : json_null());
	json_object_set_new(o, "observed_at",
			    p->observed_at ? json_string(p->observed_at) : json_null());
	json_object_set_new(o, "gps_accuracy_m",
			    isnan(p->gps_accuracy_m) ? json_null() : json_real(p->gps_accuracy_m));
	json_object_set_new(o, "note", p->note ? json_string(p->note) : json_null());
	json_object_set_new(o, "created_at", p->created_at ? json_string(p->created_at) : json_null());
	json_object_set_new(o, "updated_at", p->updated_at ? json_string(p->updated_at) : json_null());
	for (size_t i = 0; i < p->nattrs; i++) {
		const struct sw_value *v = &p->attrs[i].v;
		const struct sw_field *f = form ? sw_form_field(form, p->attrs[i].name) : NULL;
		json_t *j;

		if (v->t == SW_V_REAL)
			j = json_real(v->r);
		else if (v->t == SW_V_INT)
			j = (f && f->kind == SW_KIND_BOOL) ? json_boolean(v->i) : json_integer(v->i);
		else if (v->t == SW_V_TEXT)
			j = json_string(v->s);
		else
			j = json_null();
		json_object_set_new(m, p->attrs[i].name, j);
	}
	json_object_set_new(o, "measurements", m);
	return o;
}

/* RFC 4180: quote only cells that need it, so headers stay plain. */
static void cell(FILE *f, const char *s, int first)
{
	if (!first)
		fputc(',', f);
	if (s == NULL || *s == '\0')
		return;
	if (strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[strlen(s) - 1] == ' ')
		csv_fwrite(f, s, strlen(s));
	else
		fputs(s, f);
}

void sw_out_csv_cell(FILE *f, const char *s, int first)
{
	cell(f, s, first);
}

void sw_out_csv_header(FILE *f, const struct sw_field *const *fields, size_t nfields)
{
	static const char *const fixed[] = {"id",	  "uuid",	 "type",	   "status",
					    "x",	  "y",		 "surveyor",	   "observed_at",
					    "gps_accuracy_m", "note"};

	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		cell(f, fixed[i], i == 0);
	for (size_t i = 0; i < nfields; i++)
		cell(f, fields[i]->name, 0);
	fputs("\r\n", f);
}

void sw_out_csv_row(FILE *f, const struct sw_point *p, const struct sw_field *const *fields,
		    size_t nfields)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%lld", p->id);
	cell(f, buf, 1);
	cell(f, p->uuid, 0);
	cell(f, p->type, 0);
	cell(f, p->status, 0);
	snprintf(buf, sizeof buf, "%.3f", p->x);
	cell(f, buf, 0);
	snprintf(buf, sizeof buf, "%.3f", p->y);
	cell(f, buf, 0);
	cell(f, p->surveyor, 0);
	cell(f, p->observed_at, 0);
	if (isnan(p->gps_accuracy_m))
		buf[0] = '\0';
	else
		snprintf(buf, sizeof buf, "%g", p->gps_accuracy_m);
	cell(f, buf, 0);
	cell(f, p->note, 0);
	for (size_t i = 0; i < nfields; i++) {
		const struct sw_value *v = sw_point_get_attr(p, fields[i]->name);
		char *t = v ? sw_value_to_text(v) : NULL;
		cell(f, t, 0);
		free(t);
	}
	fputs("\r\n", f);
}

size_t sw_out_width(const char *s)
{
	size_t w = 0;

	for (; s != NULL && *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

void sw_out_table(const char *const *head, const char *const *cells, size_t nrows, int ncols,
                  const int *right)
{
	size_t w[64] = {0};

	if (ncols > 64)
		ncols = 64;
	for (int c = 0; c < ncols; c++)
		w[c] = sw_out_width(head[c]);
	for (size_t r = 0; r < nrows; r++)
		for (int c = 0; c < ncols; c++) {
			size_t cw = sw_out_width(cells[r * (size_t)ncols + (size_t)c]);
			if (cw > w[c])
				w[c] = cw;
		}
	for (size_t r = 0; r <= nrows; r++) {
		const char *const *row = r == 0 ? head : cells + (r - 1) * (size_t)ncols;
		for (int c = 0; c < ncols; c++) {
			size_t pad = c < ncols - 1 || right[c] ? w[c] - sw_out_width(row[c]) : 0;
			if (right[c])
				printf("%*s%s", (int)pad, "", row[c]);
			else
				printf("%s%*s", row[c], (int)pad, "");
			if (c < ncols - 1)
				fputs("  ", stdout);
		}
		fputc('\n', stdout);
	}
}
