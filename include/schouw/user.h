/* user.h - the surveyors who may write through `schouw serve`
 * (store_user.c), schema 3.
 *
 * schouw_users (gpkg_contents 'attributes'): id, name (unique), role
 * ('surveyor' or 'staff'), token_sha256 (hex SHA-256 of the sign-in token:
 * the token itself is never stored), created_at, revoked_at (NULL while
 * valid). Tokens are made and hashed by the caller (app layer).
 */
#ifndef SCHOUW_USER_H
#define SCHOUW_USER_H

#include <stdbool.h>

#include "schouw/error.h"
#include "schouw/store.h"

struct sw_user {
	long long id;
	char name[256];
	char role[16]; /* surveyor | staff */
	bool revoked;
	char created_at[40];
};

/* Add a user (or give a revoked one a new token and role). An active user of
 * that name: SW_ERR_INPUT. name: non-empty UTF-8 under 256 bytes; role
 * surveyor or staff; token_sha256 64 hex digits. */
enum sw_status sw_store_user_add(struct sw_store *s, const char *name, const char *role,
                                 const char *token_sha256, struct sw_error *err);

/* Revoke the user name at once. Unknown or already revoked: SW_ERR_NOTFOUND. */
enum sw_status sw_store_user_revoke(struct sw_store *s, const char *name, struct sw_error *err);

/* The active (not revoked) user whose token hashes to token_sha256, into
 * *out. None: SW_ERR_NOTFOUND. */
enum sw_status sw_store_user_by_token(struct sw_store *s, const char *token_sha256,
                                      struct sw_user *out, struct sw_error *err);

/* Every user, revoked ones too, by name. Non-SW_OK from cb stops. */
typedef enum sw_status (*sw_user_cb)(const struct sw_user *u, void *ud);
enum sw_status sw_store_user_list(struct sw_store *s, sw_user_cb cb, void *ud,
                                  struct sw_error *err);

#endif
