/* point_input.c - command-line words to point members. */
#include "point_input.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/crs.h"
#include "schouw/i18n.h"
#include "schouw/num.h"
#include "schouw/utf8.h"
#include "schouw/when.h"

#define SW_TEXT_MAX 4000

enum sw_status sw_input_text(char **member, const char *what, const char *text,
			     struct sw_error *err)
{
	size_t len = strlen(text);

	if (len > SW_TEXT_MAX)
		return sw_error_set(err, SW_ERR_INPUT, _("%s: text of %zu bytes is longer than %d"),
				    what, len, SW_TEXT_MAX);
	if (!sw_utf8_valid(text, len))
		return sw_error_set(err, SW_ERR_INPUT,
				    _("%s: not valid UTF-8 text (check the terminal or file encoding)"),
				    what);
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		if ((*c < 0x20 && *c != '\t' && *c != '\n') || *c == 0x7f)
			return sw_error_set(err, SW_ERR_INPUT,
					    _("%s: control character 0x%02x is not allowed"), what,
					    *c);
	return sw_point_set_str(member, len ? text : NULL, err);
}

static enum sw_status parse_accuracy(struct sw_point *p, const char *v, struct sw_error *err)
{
	double d;

	if (*v == '\0') {
		p->gps_accuracy_m = NAN;
		return SW_OK;
	}
	/* like a form field and the import: "3,5" too */
	if (!sw_num_parse(v, SW_NUM_COMMA | SW_NUM_TRIM, &d) || d < 0 || d > 10000)
		return sw_error_set(err, SW_ERR_INPUT,
				    _("gps_accuracy_m: expected a distance in metres from 0 to "
				      "10000, got '%s'"),
				    v);
	p->gps_accuracy_m = d;
	return SW_OK;
}

enum sw_status sw_input_assign(const struct sw_forms *forms, struct sw_point *p, const char *assign,
			       struct sw_error *err)
{
	const struct sw_form *form;
	const struct sw_field *field;
	struct sw_value v = {0};
	const char *eq = strchr(assign, '=');
	char name[128];
	const char *val;
	enum sw_status rc;

	if (eq == NULL || eq == assign || (size_t)(eq - assign) >= sizeof name)
		return sw_error_set(err, SW_ERR_INPUT, _("expected FIELD=VALUE, got '%s'"), assign);
	memcpy(name, assign, (size_t)(eq - assign));
	name[eq - assign] = '\0';
	val = eq + 1;

	if (strcmp(name, "status") == 0) {
		/* the key or a label: "gerealiseerd", "Realised" */
		const struct sw_state_def *st = sw_forms_read_state(forms, val, NULL, err);
		return st == NULL ? SW_ERR_INPUT : sw_point_set_str(&p->status, st->name, err);
	}
	if (strcmp(name, "note") == 0 || strcmp(name, "surveyor") == 0)
		return sw_input_text(name[0] == 'n' ? &p->note : &p->surveyor, name, val, err);
	if (strcmp(name, "observed_at") == 0) {
		/* without a zone: Europe/Amsterdam; d-m-y only when unambiguous */
		char iso[SW_TIME_BUF];

		rc = sw_time_parse(val, false, iso, NULL, err);
		if (rc != SW_OK)
			return sw_error_prefix(err, "observed_at: ");
		return sw_point_set_str(&p->observed_at, iso, err);
	}
	if (strcmp(name, "gps_accuracy_m") == 0)
		return parse_accuracy(p, val, err);
	if (strcmp(name, "type") == 0 || strcmp(name, "uuid") == 0 || strcmp(name, "id") == 0)
		return sw_error_set(err, SW_ERR_INPUT,
				    _("%s cannot be changed; delete the point and log a new one"),
				    name);

	form = sw_forms_find_or_error(forms, p->type, err);
	if (form == NULL)
		return SW_ERR_INPUT;
	field = sw_form_field_or_error(form, name, err);
	if (field == NULL)
		return SW_ERR_INPUT;
	rc = sw_field_parse(field, val, &v, err);
	if (rc == SW_OK)
		rc = sw_point_set_attr(p, field->name, &v, err);
	sw_value_clear(&v);
	return rc;
}

enum sw_status sw_input_rd(double x, double y, struct sw_error *err)
{
	if (!isfinite(x) || !isfinite(y))
		return sw_error_set(err, SW_ERR_INPUT, _("coordinates must be finite numbers"));
	if (sw_rd_in_nl(x, y))
		return SW_OK;
	if (sw_rd_in_nl(y, x))
		return sw_error_set(err, SW_ERR_INPUT,
				    _("RD position x=%.3f y=%.3f lies outside the Netherlands; "
				      "x and y look swapped (x is 0-280 km, y 300-625 km)"),
				    x, y);
	return sw_error_set(err, SW_ERR_INPUT,
			    _("RD position x=%.3f y=%.3f lies outside the Netherlands "
			      "(RD New: x 0-280000, y 300000-625000 metres)"),
			    x, y);
}

enum sw_status sw_input_latlon(double lat, double lon, double *x, double *y, struct sw_error *err)
{
	struct sw_crs *crs = NULL;
	enum sw_status rc;

	if (!isfinite(lat) || !isfinite(lon))
		return sw_error_set(err, SW_ERR_INPUT, _("coordinates must be finite numbers"));
	if (!sw_wgs84_in_nl(lon, lat)) {
		if (sw_wgs84_in_nl(lat, lon))
			return sw_error_set(err, SW_ERR_INPUT,
					    _("lat %.7f lon %.7f lies outside the Netherlands; lat "
					      "and lon look swapped (Dordrecht is lat 51.8, lon 4.7)"),
					    lat, lon);
		return sw_error_set(err, SW_ERR_INPUT,
				    _("lat %.7f lon %.7f lies outside the Netherlands "
				      "(expected lat 50.7-53.6, lon 3.2-7.3)"),
				    lat, lon);
	}
	*x = lon;
	*y = lat;
	rc = sw_crs_new(SW_CRS_WGS84, SW_CRS_RD, &crs, err);
	if (rc == SW_OK)
		rc = sw_crs_trans(crs, x, y, 1, NULL, err);
	sw_crs_free(crs);
	if (rc != SW_OK)
		return rc;
	return sw_input_rd(*x, *y, err);
}
