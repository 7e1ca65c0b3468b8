/* open311_keys.c -- the keys apps file feedback with (open311.h): issued by an administrator
 * for one unit (`thanthien api-key add`), printed once, stored only as a BLAKE2b-256 hash
 * (libsodium crypto_generichash), revoked by id. Every issue and revocation is audited. */
#include <sodium.h>
#include <string.h>

#include "../account/account.h"
#include "../audit/audit.h"
#include "../core/text.h"
#include "open311.h"

static void key_hash(const char *key, char hex[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)key, strlen(key), NULL, 0);
    sodium_bin2hex(hex, 65, h, sizeof h);
}

typedef struct {
    int64_t unit_id;
    const char *name;
    const char *hash;
    const char *prefix;
    int64_t now;
    int64_t id;
} key_add_ctx;

static int key_add_fn(db *d, void *ctx, err *e)
{
    key_add_ctx *c = ctx;
    db_stmt *s = db_prepare(d, "INSERT INTO api_keys (unit_id, name, key_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)");
    if (!s) {
        err_set(e, 500, N_("Không lưu được khóa."), "prepare api_keys insert");
        return -1;
    }
    db_bind_int(s, 1, c->unit_id);
    db_bind_text(s, 2, c->name);
    db_bind_text(s, 3, c->hash);
    db_bind_text(s, 4, c->prefix);
    db_bind_int(s, 5, c->now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, N_("Không lưu được khóa."), "insert api_keys: %s", db_errmsg(d));
        return -1;
    }
    c->id = db_last_id(d);
    json_t *detail = json_pack("{s:s, s:s}", "name", c->name, "prefix", c->prefix);
    if (audit_append(d, c->now, 0, c->unit_id, "api_key.add", "api_key", c->id, detail) != 0) {
        err_set(e, 500, N_("Không ghi được nhật ký."), "audit api_key.add");
        return -1;
    }
    return 0;
}

int open311_key_add(db *d, const char *unit_code, const char *name, int64_t now, char key[OPEN311_KEY_LEN + 1],
                    int64_t *id, err *e)
{
    int64_t unit = unit_code ? account_unit_id(d, unit_code) : -1;
    if (unit < 0) {
        err_set(e, 404, N_("Không có đơn vị với mã này."), "unknown unit %s", unit_code ? unit_code : "(none)");
        return -1;
    }
    if (text_is_blank(name) || strlen(name) > 200) {
        err_set(e, 400, N_("Tên ứng dụng phải có, dài tối đa 200 ký tự."), "bad app name");
        return -1;
    }
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    memcpy(key, OPEN311_KEY_PREFIX, strlen(OPEN311_KEY_PREFIX));
    sodium_bin2base64(key + strlen(OPEN311_KEY_PREFIX), OPEN311_KEY_LEN + 1 - strlen(OPEN311_KEY_PREFIX), raw,
                      sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    char hex[65], prefix[16];
    key_hash(key, hex);
    snprintf(prefix, sizeof prefix, "%.10s", key);
    key_add_ctx c = {.unit_id = unit, .name = name, .hash = hex, .prefix = prefix, .now = now};
    if (db_write(d, key_add_fn, &c, e) != 0) {
        sodium_memzero(key, OPEN311_KEY_LEN + 1);
        return -1;
    }
    *id = c.id;
    return 0;
}

typedef struct {
    int64_t id, now;
} key_revoke_ctx;

static int key_revoke_fn(db *d, void *ctx, err *e)
{
    key_revoke_ctx *c = ctx;
    db_stmt *s = db_prepare(d, "SELECT unit_id, revoked_at IS NOT NULL FROM api_keys WHERE id = ?");
    if (!s) {
        err_set(e, 500, N_("Không thu hồi được khóa."), "prepare api_keys select");
        return -1;
    }
    db_bind_int(s, 1, c->id);
    int rc = db_step(s);
    int64_t unit = rc == DB_ROW ? db_col_int(s, 0) : -1;
    bool revoked = rc == DB_ROW && db_col_int(s, 1);
    db_done(s);
    if (unit < 0) {
        err_set(e, 404, N_("Không có khóa với số này."), "api key %lld unknown", (long long)c->id);
        return -1;
    }
    if (revoked) {
        err_set(e, 409, N_("Khóa này đã bị thu hồi trước đó."), "api key %lld already revoked", (long long)c->id);
        return -1;
    }
    s = db_prepare(d, "UPDATE api_keys SET revoked_at = ? WHERE id = ?");
    db_bind_int(s, 1, c->now);
    db_bind_int(s, 2, c->id);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || audit_append(d, c->now, 0, unit, "api_key.revoke", "api_key", c->id, json_object()) != 0) {
        err_set(e, 500, N_("Không thu hồi được khóa."), "revoke api key %lld", (long long)c->id);
        return -1;
    }
    return 0;
}

int open311_key_revoke(db *d, int64_t id, int64_t now, err *e)
{
    key_revoke_ctx c = {.id = id, .now = now};
    return db_write(d, key_revoke_fn, &c, e);
}

json_t *open311_key_list(db *d, const char *unit_code)
{
    db_stmt *s = db_prepare(d, "SELECT k.id, u.code, k.name, k.prefix, k.created_at, k.revoked_at FROM api_keys k "
                               "JOIN units u ON u.id = k.unit_id WHERE ? IS NULL OR u.code = ? ORDER BY k.id");
    json_t *out = json_array();
    if (!s) return out;
    db_bind_text(s, 1, unit_code);
    db_bind_text(s, 2, unit_code);
    while (db_step(s) == DB_ROW) {
        json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)db_col_int(s, 0), "unit",
                                db_col_text(s, 1), "name", db_col_text(s, 2), "prefix", db_col_text(s, 3),
                                "created_at", (json_int_t)db_col_int(s, 4));
        json_object_set_new(row, "revoked_at", db_col_null(s, 5) ? json_null() : json_integer(db_col_int(s, 5)));
        json_array_append_new(out, row);
    }
    db_done(s);
    return out;
}

int64_t open311_key_check(db *d, arena *a, const char *key, int64_t *unit_id, const char **name)
{
    if (!key || strncmp(key, OPEN311_KEY_PREFIX, strlen(OPEN311_KEY_PREFIX)) || strlen(key) != OPEN311_KEY_LEN)
        return -1;
    char hex[65];
    key_hash(key, hex);
    db_stmt *s = db_prepare(d, "SELECT id, unit_id, name FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL");
    if (!s) return -1;
    db_bind_text(s, 1, hex);
    int64_t id = -1;
    if (db_step(s) == DB_ROW) {
        id = db_col_int(s, 0);
        *unit_id = db_col_int(s, 1);
        if (name) *name = arena_strdup(a, db_col_text(s, 2));
    }
    db_done(s);
    return id;
}
