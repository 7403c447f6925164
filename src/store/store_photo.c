/* store_photo.c - photos of points through the OGC Related Tables Extension
 * (see photo.h): the schema 3 DDL of the media and mapping tables and every
 * statement on them. */
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schouw/i18n.h"
#include "schouw/photo.h"
#include "store_priv.h"

#define RTE_DEF "http://www.geopackage.org/18-000.html"

/* Schema version 3, part one (store.c's migrations). The tables as GDAL
 * creates them for a relationship, so GDAL and QGIS recognise it. */
const char sw_store_photo_schema_v3[] =
    "CREATE TABLE IF NOT EXISTS gpkgext_relations (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " base_table_name TEXT NOT NULL, base_primary_column TEXT NOT NULL DEFAULT 'id',"
    " related_table_name TEXT NOT NULL, related_primary_column TEXT NOT NULL DEFAULT 'id',"
    " relation_name TEXT NOT NULL, mapping_table_name TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE photos (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, data BLOB NOT NULL,"
    " content_type TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE, bytes INTEGER NOT NULL,"
    " created_at TEXT NOT NULL, created_by TEXT);\n"
    /* an integer key besides the pair: GeoPackage attributes tables need one */
    "CREATE TABLE points_photos (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,"
    " base_id INTEGER NOT NULL, related_id INTEGER NOT NULL, UNIQUE (base_id, related_id));\n"
    "CREATE INDEX points_photos_related ON points_photos(related_id);\n"
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)"
    " VALUES ('photos', 'attributes', 'photos', 'schouw: photos of points (media)');\n"
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)"
    " VALUES ('points_photos', 'attributes', 'points_photos',"
    " 'schouw: which photo shows which point');\n"
    "INSERT INTO gpkgext_relations (base_table_name, base_primary_column,"
    " related_table_name, related_primary_column, relation_name, mapping_table_name)"
    " VALUES ('points', 'id', 'photos', 'id', 'media', 'points_photos');\n"
    "INSERT OR IGNORE INTO gpkg_extensions VALUES ('gpkgext_relations', NULL,"
    " 'gpkg_related_tables', '" RTE_DEF "', 'read-write');\n"
    "INSERT OR IGNORE INTO gpkg_extensions VALUES ('points_photos', NULL,"
    " 'gpkg_related_tables', '" RTE_DEF "', 'read-write');\n";

const char *sw_store_photo_sniff(const void *data, size_t n)
{
	const unsigned char *b = data;

	if (b == NULL)
		return NULL;
	if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		return "image/jpeg";
	if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
		return "image/webp";
	/* ISO BMFF: size, 'ftyp', major brand */
	if (n >= 12 && memcmp(b + 4, "ftyp", 4) == 0) {
		static const char *const heic[] = {"heic", "heix", "heim", "heis", "hevc", "hevx"};
		for (size_t i = 0; i < sizeof heic / sizeof heic[0]; i++)
			if (memcmp(b + 8, heic[i], 4) == 0)
				return "image/heic";
		if (memcmp(b + 8, "mif1", 4) == 0 || memcmp(b + 8, "msf1", 4) == 0)
			return "image/heif";
	}
	return NULL;
}

const char *sw_store_photo_ext(const char *content_type)
{
	static const char *const map[][2] = {{"image/jpeg", "jpg"},
	                                     {"image/png", "png"},
	                                     {"image/webp", "webp"},
	                                     {"image/heic", "heic"},
	                                     {"image/heif", "heif"}};

	for (size_t i = 0; content_type != NULL && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(content_type, map[i][0]) == 0)
			return map[i][1];
	return "bin";
}

static void sha256_hex(const void *data, size_t n, char hex[65])
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	static const char digits[] = "0123456789abcdef";

	sha256_init(&ctx);
	sha256_update(&ctx, n, data);
	sha256_digest(&ctx, sizeof d, d);
	for (size_t i = 0; i < sizeof d; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

/* The id of the stored photo with this hash, 0 when none. */
enum sw_status sw_store_photo_find(struct sw_store *s, const char *hex, long long *id,
                                   struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = sw_store_prepare(s, "SELECT id FROM photos WHERE sha256 = ?", &st, err);
	int src;

	*id = 0;
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading the photos"));
	sqlite3_finalize(st);
	return rc;
}

static enum sw_status point_uuid(struct sw_store *s, long long point_id, char **uuid,
                                 struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = sw_store_prepare(s, "SELECT uuid FROM points WHERE id = ?", &st, err);
	int src;

	*uuid = NULL;
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, point_id);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		*uuid = strdup((const char *)sqlite3_column_text(st, 0));
		if (*uuid == NULL)
			rc = sw_error_nomem(err);
	} else if (src == SQLITE_DONE) {
		rc = sw_error_set(err, SW_ERR_NOTFOUND, _("no point with id %lld"), point_id);
	} else {
		rc = sw_store_sqlerr(s, err, _("reading a point"));
	}
	sqlite3_finalize(st);
	return rc;
}

enum sw_status sw_store_photo_add(struct sw_store *s, long long point_id, const void *data,
                                  size_t n, const char *who, long long *photo_id,
                                  struct sw_error *err)
{
	const char *type = sw_store_photo_sniff(data, n);
	sqlite3_stmt *st = NULL;
	char hex[65], now[32];
	char *uuid = NULL;
	long long id = 0;
	enum sw_status rc;

	if (n == 0)
		return sw_error_set(err, SW_ERR_INPUT, _("the photo is empty"));
	if (n > SW_PHOTO_MAX_BYTES)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("the photo has %zu bytes; at most %u are accepted"), n,
		                    SW_PHOTO_MAX_BYTES);
	if (type == NULL)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("not a photo: expected a JPEG, PNG, WebP or HEIC image"));
	sha256_hex(data, n, hex);
	rc = sw_store_wbegin(s, err);
	if (rc != SW_OK)
		return rc;
	rc = point_uuid(s, point_id, &uuid, err);
	if (rc == SW_OK)
		rc = sw_store_photo_find(s, hex, &id, err);
	if (rc != SW_OK)
		goto out;
	sw_now_iso(now, sizeof now);
	if (id == 0) {
		rc = sw_store_prepare(s,
		                      "INSERT INTO photos (data, content_type, sha256, bytes,"
		                      " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
		                      &st, err);
		if (rc != SW_OK)
			goto out;
		sqlite3_bind_blob64(st, 1, data, n, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, hex, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)n);
		sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
		sw_store_bind_str(st, 6, who);
		rc = sw_store_step_done(s, st, _("storing a photo"), err);
		if (rc != SW_OK)
			goto out;
		id = sqlite3_last_insert_rowid(s->db);
		sqlite3_finalize(st);
		st = NULL;
	}
	rc = sw_store_prepare(s, "INSERT OR IGNORE INTO points_photos (base_id, related_id) VALUES (?, ?)", &st, err);
	if (rc != SW_OK)
		goto out;
	sqlite3_bind_int64(st, 1, point_id);
	sqlite3_bind_int64(st, 2, id);
	rc = sw_store_step_done(s, st, _("storing a photo"), err);
	if (rc == SW_OK && sqlite3_changes(s->db) > 0)
		rc = sw_store_hist_row(s, point_id, uuid, "update", "photo", NULL, hex, who, now,
		                       err);
out:
	sqlite3_finalize(st);
	free(uuid);
	rc = sw_store_wend(s, rc, err);
	if (rc == SW_OK && photo_id != NULL)
		*photo_id = id;
	return rc;
}

enum sw_status sw_store_photo_list(struct sw_store *s, long long point_id, sw_photo_cb cb,
                                   void *ud, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	int src;

	rc = sw_store_prepare(s,
	                      "SELECT p.id, m.base_id, p.sha256, p.content_type, p.bytes,"
	                      " p.created_at, p.created_by, pt.uuid FROM points_photos m"
	                      " JOIN photos p ON p.id = m.related_id"
	                      " LEFT JOIN points pt ON pt.id = m.base_id"
	                      " WHERE ?1 < 0 OR m.base_id = ?1 ORDER BY m.base_id, p.id",
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, point_id);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct sw_photo ph = {
		    .id = sqlite3_column_int64(st, 0),
		    .point_id = sqlite3_column_int64(st, 1),
		    .sha256 = (const char *)sqlite3_column_text(st, 2),
		    .content_type = (const char *)sqlite3_column_text(st, 3),
		    .bytes = sqlite3_column_int64(st, 4),
		    .created_at = (const char *)sqlite3_column_text(st, 5),
		    .created_by = (const char *)sqlite3_column_text(st, 6),
		    .point_uuid = (const char *)sqlite3_column_text(st, 7),
		};
		rc = cb(&ph, ud);
		if (rc != SW_OK)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = sw_store_sqlerr(s, err, _("reading the photos"));
out:
	sqlite3_finalize(st);
	return rc;
}

enum sw_status sw_store_photo_count(struct sw_store *s, long long *n, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc = sw_store_prepare(s, "SELECT count(*) FROM points_photos", &st, err);

	*n = 0;
	if (rc != SW_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = sw_store_sqlerr(s, err, _("reading the photos"));
	sqlite3_finalize(st);
	return rc;
}

enum sw_status sw_store_photo_get(struct sw_store *s, long long id, void **data, size_t *n,
                                  char **content_type, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	int src;

	*data = NULL;
	*n = 0;
	if (content_type != NULL)
		*content_type = NULL;
	rc = sw_store_prepare(s, "SELECT data, content_type FROM photos WHERE id = ?", &st, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	src = sqlite3_step(st);
	if (src == SQLITE_DONE) {
		rc = sw_error_set(err, SW_ERR_NOTFOUND, _("no photo with id %lld"), id);
		goto out;
	}
	if (src != SQLITE_ROW) {
		rc = sw_store_sqlerr(s, err, _("reading a photo"));
		goto out;
	}
	{
		const void *b = sqlite3_column_blob(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		void *copy = malloc(len ? len : 1);

		if (copy == NULL) {
			rc = sw_error_nomem(err);
			goto out;
		}
		if (len)
			memcpy(copy, b, len);
		if (content_type != NULL) {
			*content_type = strdup((const char *)sqlite3_column_text(st, 1));
			if (*content_type == NULL) {
				free(copy);
				rc = sw_error_nomem(err);
				goto out;
			}
		}
		*data = copy;
		*n = len;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* The hashes of point id's photos as a JSON array text into *json (caller
 * frees; NULL when it has none), and its mapping rows removed: for
 * sw_store_delete, inside its write. */
enum sw_status sw_store_photo_detach_all(struct sw_store *s, long long point_id, char **json,
                                         struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum sw_status rc;
	int src;
	struct sw_store_sbuf b = {0};

	*json = NULL;
	rc = sw_store_prepare(s,
	                      "SELECT p.sha256 FROM points_photos m JOIN photos p ON p.id ="
	                      " m.related_id WHERE m.base_id = ? ORDER BY p.id",
	                      &st, err);
	if (rc != SW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, point_id);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		/* hex digits: no quoting needed */
		sw_store_sb_add(&b, b.len == 0 ? "[\"" : ",\"");
		sw_store_sb_add(&b, (const char *)sqlite3_column_text(st, 0));
		sw_store_sb_add(&b, "\"");
	}
	if (src != SQLITE_DONE) {
		rc = sw_store_sqlerr(s, err, _("reading the photos"));
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (b.len == 0)
		goto out;
	sw_store_sb_add(&b, "]");
	if (b.oom) {
		rc = sw_error_nomem(err);
		goto out;
	}
	rc = sw_store_prepare(s, "DELETE FROM points_photos WHERE base_id = ?", &st, err);
	if (rc != SW_OK)
		goto out;
	sqlite3_bind_int64(st, 1, point_id);
	rc = sw_store_step_done(s, st, _("deleting a point"), err);
	if (rc == SW_OK) {
		*json = b.p;
		b.p = NULL;
	}
out:
	sqlite3_finalize(st);
	free(b.p);
	return rc;
}
