/* audit.c -- see audit.h.
 *
 * The hashed text of a row is "prev_hash|id|at|user_id|unit_id|action|entity|entity_id|detail"
 * with NULLs written as empty fields; detail is the JSON text exactly as stored. */
#include "audit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/arena.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static void row_hash(const char *prev, int64_t id, int64_t at, int64_t user_id, int64_t unit_id,
                     const char *action, const char *entity, int64_t entity_id, const char *detail,
                     char out[65])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    char head[256];
    int n = snprintf(head, sizeof head, "%s|%lld|%lld|%lld|%lld|", prev, (long long)id, (long long)at,
                     (long long)user_id, (long long)unit_id);
    crypto_hash_sha256_update(&st, (const unsigned char *)head, (unsigned long long)n);
    crypto_hash_sha256_update(&st, (const unsigned char *)action, strlen(action));
    crypto_hash_sha256_update(&st, (const unsigned char *)"|", 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)entity, strlen(entity));
    n = snprintf(head, sizeof head, "|%lld|", (long long)entity_id);
    crypto_hash_sha256_update(&st, (const unsigned char *)head, (unsigned long long)n);
    crypto_hash_sha256_update(&st, (const unsigned char *)detail, strlen(detail));
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

int audit_append(db *d, int64_t now, int64_t actor_id, int64_t unit_id, const char *action,
                 const char *entity, int64_t entity_id, json_t *detail)
{
    json_t *owned = detail ? detail : json_object();
    char *text = json_dumps(owned, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(owned);
    if (!text) return -1;
    char prev[65] = GENESIS;
    int64_t id = 1;
    db_stmt *s = db_prepare(d, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    if (!s) goto fail;
    if (db_step(s) == DB_ROW) {
        id = db_col_int(s, 0) + 1;
        snprintf(prev, sizeof prev, "%s", db_col_text(s, 1));
    }
    db_done(s);
    char hash[65];
    row_hash(prev, id, now, actor_id, unit_id, action, entity, entity_id, text, hash);
    s = db_prepare(d, "INSERT INTO audit_log (id, at, user_id, unit_id, action, entity, entity_id, detail, "
                      "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s) goto fail;
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, now);
    if (actor_id) db_bind_int(s, 3, actor_id); else db_bind_null(s, 3);
    if (unit_id) db_bind_int(s, 4, unit_id); else db_bind_null(s, 4);
    db_bind_text(s, 5, action);
    db_bind_text(s, 6, entity);
    if (entity_id) db_bind_int(s, 7, entity_id); else db_bind_null(s, 7);
    db_bind_text(s, 8, text);
    db_bind_text(s, 9, prev);
    db_bind_text(s, 10, hash);
    int rc = db_step(s);
    db_done(s);
    free(text);
    return rc == DB_DONE ? 0 : -1;
fail:
    free(text);
    return -1;
}

int64_t audit_verify(db *d, char *why, size_t whylen, int64_t *rows_checked)
{
    *rows_checked = 0;
    db_stmt *s = db_prepare(d, "SELECT id, at, user_id, unit_id, action, entity, entity_id, detail, prev_hash, "
                               "hash FROM audit_log ORDER BY id");
    if (!s) {
        snprintf(why, whylen, "cannot read the audit log");
        return -1;
    }
    char prev[65] = GENESIS;
    int64_t expect_id = 1, broken = 0;
    while (db_step(s) == DB_ROW) {
        int64_t id = db_col_int(s, 0);
        char hash[65];
        row_hash(prev, id, db_col_int(s, 1), db_col_int(s, 2), db_col_int(s, 3), db_col_text(s, 4),
                 db_col_text(s, 5), db_col_int(s, 6), db_col_text(s, 7), hash);
        if (id != expect_id) {
            snprintf(why, whylen, "row %lld follows row %lld: rows are missing", (long long)id,
                     (long long)(expect_id - 1));
            broken = id;
        } else if (strcmp(db_col_text(s, 8), prev) != 0) {
            snprintf(why, whylen, "row %lld does not point to the hash of the row before it", (long long)id);
            broken = id;
        } else if (strcmp(db_col_text(s, 9), hash) != 0) {
            snprintf(why, whylen, "row %lld was changed after it was written (its hash does not match)",
                     (long long)id);
            broken = id;
        }
        if (broken) break;
        snprintf(prev, sizeof prev, "%s", db_col_text(s, 9));
        expect_id++;
        (*rows_checked)++;
    }
    db_done(s);
    return broken;
}

json_t *audit_recent(db *d, int64_t unit_id, int limit)
{
    json_t *rows = json_array();
    db_stmt *s = db_prepare(d, "SELECT a.id, a.at, COALESCE(u.username, ''), a.action, a.entity, "
                               "COALESCE(a.entity_id, 0), a.detail, a.hash, COALESCE(a.unit_id, 0) FROM audit_log a "
                               "LEFT JOIN users u ON u.id = a.user_id "
                               "WHERE (? = 0 OR a.unit_id = ?) ORDER BY a.id DESC LIMIT ?");
    if (!s) return rows;
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, unit_id);
    db_bind_int(s, 3, limit);
    while (db_step(s) == DB_ROW) {
        json_array_append_new(rows, json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "id",
                                              (json_int_t)db_col_int(s, 0), "at", (json_int_t)db_col_int(s, 1),
                                              "user", db_col_text(s, 2), "action", db_col_text(s, 3), "entity",
                                              db_col_text(s, 4), "entity_id", (json_int_t)db_col_int(s, 5),
                                              "detail", db_col_text(s, 6), "hash", db_col_text(s, 7)));
        json_object_set_new(json_array_get(rows, json_array_size(rows) - 1), "unit_id",
                            json_integer(db_col_int(s, 8)));
    }
    db_done(s);
    return rows;
}
