/* i18n.h - gettext wrappers (layer: model; header only). User-facing text
 * goes through _() so a Dutch catalogue (po/nl.po) can follow without
 * touching the code. */
#ifndef SCHOUW_I18N_H
#define SCHOUW_I18N_H

#include <libintl.h>

#define _(s) dgettext("schouw", s)
#define N_(s) (s)

#endif
