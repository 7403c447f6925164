/* store_user.c - the surveyors of `schouw serve` (see user.h): the schema 3
 * DDL of schouw_users and every statement on it. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "schouw/i18n.h"
#include "schouw/user.h"
#include "schouw/utf8.h"
#include "store_priv.h"

/* Schema version 3, part two (store.c's migrations). */
const char sw_store_user_schema_v3[] =
    "CREATE TABLE schouw_users (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
    " name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, token_sha256 TEXT NOT NULL UNIQUE,"
    " created_at TEXT NOT NULL, revoked_at TEXT);\n"
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)"
    " VALUES ('schouw_users', 'attributes', 'schouw_users',"
    " 'schouw: surveyors of the field server (token hashes only)');\n";

static bool valid_hash(const char *h)
{
	size_t i;

	for (i = 0; h != NULL && h[i] != '\0'; i++)
		if (!isxdigit((unsigned char)h[i]))
			return false;
	return h != NULL && i == 64;
}

enum sw_status sw_store_user_add(struct sw_store *s, const char *name, const char *role,
                                 const char *token_sha256, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	enum sw_status rc;
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n >= sizeof((struct sw_user *)0)->name || !sw_utf8_valid(name, n))
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("a user name must be UTF-8 text of 1 to 255 bytes"));
	if (role == NULL || (strcmp(role, "surveyor") != 0 && strcmp(role, "staff") != 0))
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("role '%s': expected surveyor or staff"), role ? role : "");
	if (!valid_hash(token_sha256))
		return sw_error_set(err, SW_ERR_INTERNAL, _("a token hash must be 64 hex digits"));
	rc = sw_store_wbegin(s, err);
	if (rc != SW_OK)
		return rc;
	sw_now_iso(now, sizeof now);
	rc = sw_store_prepare(s,
	                      "INSERT INTO schouw_users (name, role, token_sha256, created_at)"
	                      " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET"
	                      " role = ?2, token_sha256 = ?3, created_at = ?4, revoked_at = NULL"
	                      " WHERE revoked_at IS NOT NULL",
	                      &st, err);
	if (rc != SW_OK)
		goto out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, token_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	rc = sw_store_step_done(s, st, _("adding a user"), err);
	if (rc == SW_OK && sqlite3_changes(s->db) == 0)
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("user '%s' already exists; revoke it first to give a new token"),
		                  name);
out:
	sqlite3_finalize(st);
	return sw_store_wend(s, rc, err);
}

enum sw_status sw_store_user_revoke(struct sw_store *s, const char *name, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	enum sw_status rc = sw_store_wbegin(s, err);

	if (rc != SW_OK)
		return rc;
	sw_now_iso(now, sizeof now);
	rc = sw_store_prepare(s,
	                      "UPDATE schouw_users SET revoked_at = ? WHERE name = ? AND"
	                      " revoked_at IS NULL",
	                      &st, err);
	if (rc != SW_OK)
		goto out;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sw_store_step_done(s, st, _("revoking a user"), err);
	if (rc == SW_OK && sqlite3_changes(s->db) == 0)
		rc = sw_error_set(err, SW_ERR_NOTFOUND, _("no active user '%s'"), name);
out:
	sqlite3_finalize(st);
	return sw_store_wend(s, rc, err);
}

static void fill_user(sqlite3_stmt *st, struct sw_user *u)
{
	const char *name = (const char *)sqlite3_column_text(st, 1);
	const char *role = (const char *)sqlite3_column_text(st, 2);
	const char *at = (const char *)sqlite3_column_text(st, 3);

	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, 0);
	snprintf(u->name, sizeof u->name, "%s", name ? name : "");
	snprintf(u->role, sizeof u->role, "%s", role ? role : "");
	snprintf(u->created_at, sizeof u->created_at, "%s", at ? at : "");
	u->revoked = sqlite3_column_type(st, 4) != SQLITE_NULL;
}

enum sw_status sw_store_user_by_token(struct sw_store *s, const char *token_sha256,
                                      struct sw_user *out, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	int src;

	rc = sw_store_prepare(s,
	                      "SELECT id, name, role, created_at, revoked_at FROM schouw_users"
	                      " WHERE token_sha256 = ? AND revoked_at IS NULL",
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_text(st, 1, token_sha256, -1, SQLITE_STATIC);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		fill_user(st, out);
	else if (src == SQLITE_DONE)
		rc = sw_error_set(err, SW_ERR_NOTFOUND, _("unknown or revoked token"));
	else
		rc = sw_store_sqlerr(s, err, _("reading the users"));
	sqlite3_finalize(st);
	return rc;
}

enum sw_status sw_store_user_list(struct sw_store *s, sw_user_cb cb, void *ud,
                                  struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	struct sw_user u;
	enum sw_status rc;
	int src;

	rc = sw_store_prepare(s,
	                      "SELECT id, name, role, created_at, revoked_at FROM schouw_users"
	                      " ORDER BY name",
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		fill_user(st, &u);
		rc = cb(&u, ud);
		if (rc != SW_OK)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading the users"));
out:
	sqlite3_finalize(st);
	return rc;
}
