/* config.h - per-user settings, kept the way git keeps user.name.
 *
 * One small INI file per user, $XDG_CONFIG_HOME/schouw/config (else
 * ~/.config/schouw/config), with `key = value` lines and no sections:
 *
 *   surveyor = An de Vries
 *
 * Known keys (sw_config_key_name lists them):
 *   surveyor  the name set, delete, import and log record in the history
 *             when no --by is given
 *
 * A missing file is an empty configuration. An unknown key, a section or a
 * bad value in the file is SW_ERR_INPUT naming file and line. Writes go to a
 * temporary file in the same directory that is renamed over the old one, so a
 * reader sees the old file or the new one, never half of one.
 *
 * Ownership: struct sw_config owns its path and values; create with
 * sw_config_new, release with sw_config_free (NULL ok). Returned strings live
 * until the next change or sw_config_free.
 */
#ifndef SCHOUW_CONFIG_H
#define SCHOUW_CONFIG_H

#include <stddef.h>

#include "schouw/error.h"

struct sw_config;

/* The path of the user's config file: $XDG_CONFIG_HOME/schouw/config when
 * that is an absolute path, else $HOME/.config/schouw/config. Caller frees.
 * SW_ERR_NOTFOUND when neither variable gives a directory. */
enum sw_status sw_config_default_path(char **out, struct sw_error *err);

/* Read the config file at path (which need not exist) into *out. */
enum sw_status sw_config_new(const char *path, struct sw_config **out, struct sw_error *err);
void sw_config_free(struct sw_config *c);

/* The file this config reads and writes. */
const char *sw_config_path(const struct sw_config *c);

/* The known keys: name and a one-line description (untranslated, pass
 * through _()), i < sw_config_nkeys(). */
size_t sw_config_nkeys(void);
const char *sw_config_key_name(size_t i);
const char *sw_config_key_help(size_t i);

/* SW_ERR_INPUT, naming the known keys, when key is not one of them. */
enum sw_status sw_config_check_key(const char *key, struct sw_error *err);
/* SW_ERR_INPUT when value is no good value of key (empty, too long, not
 * UTF-8, control characters, leading or trailing blanks, a ';' after a blank
 * that the INI syntax would read as a comment). */
enum sw_status sw_config_check_value(const char *key, const char *value, struct sw_error *err);

/* The value of key, or NULL when it is not set (or not a known key). */
const char *sw_config_get(const struct sw_config *c, const char *key);

/* Set key to value (value NULL: unset it) and write the file, creating its
 * directory. Nothing changes, in memory or on disk, on failure. */
enum sw_status sw_config_set(struct sw_config *c, const char *key, const char *value,
                             struct sw_error *err);

#endif
