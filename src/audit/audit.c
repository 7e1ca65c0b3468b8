/* audit.c -- see audit.h.
 *
 * Format 1 (rows written before migration 013): the hashed text is
 * "prev_hash|id|at|user_id|unit_id|action|entity|entity_id|detail" with NULLs written as 0.
 * Format 2: "2|prev_hash|id|at|user_id|unit_id|len:action|len:entity|entity_id|detail" with
 * NULLs written as empty fields (so a NULL and a 0 differ) and the two short texts
 * length-prefixed (so no '|' inside them can shift a field); detail is the JSON text exactly
 * as stored.
 *
 * Checkpoints: one line per checkpoint, "T ID HASH MAC", T the Unix time, ID and HASH the
 * head row, MAC the hex crypto_auth (HMAC-SHA-512-256) of "thanthien-audit|T|ID|HASH" under
 * the key. */
#include "../account/unit.h"
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/arena.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define FORMAT_NOW 2

/* ---- row hashes ------------------------------------------------------------------------ */

typedef struct {
    int64_t id, at, user_id, unit_id, entity_id;
    bool user_null, unit_null, entity_null;
    const char *action, *entity, *detail;
    int format;
} audit_row;

static void add(crypto_hash_sha256_state *st, const char *s, size_t n)
{
    crypto_hash_sha256_update(st, (const unsigned char *)s, (unsigned long long)n);
}

static void add_int(crypto_hash_sha256_state *st, int64_t v, bool null, bool v2)
{
    char num[32];
    int n = null && v2 ? 0 : snprintf(num, sizeof num, "%lld", (long long)(null ? 0 : v));
    add(st, num, (size_t)n);
    add(st, "|", 1);
}

static void row_hash(const char *prev, const audit_row *r, char out[65])
{
    bool v2 = r->format >= 2;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    if (v2) add(&st, "2|", 2);
    add(&st, prev, strlen(prev));
    add(&st, "|", 1);
    add_int(&st, r->id, false, v2);
    add_int(&st, r->at, false, v2);
    add_int(&st, r->user_id, r->user_null, v2);
    add_int(&st, r->unit_id, r->unit_null, v2);
    char len[24];
    if (v2) add(&st, len, (size_t)snprintf(len, sizeof len, "%zu:", strlen(r->action)));
    add(&st, r->action, strlen(r->action));
    add(&st, "|", 1);
    if (v2) add(&st, len, (size_t)snprintf(len, sizeof len, "%zu:", strlen(r->entity)));
    add(&st, r->entity, strlen(r->entity));
    add(&st, "|", 1);
    add_int(&st, r->entity_id, r->entity_null, v2);
    add(&st, r->detail, strlen(r->detail));
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
    audit_row row = {.id = id, .at = now, .user_id = actor_id, .user_null = !actor_id, .unit_id = unit_id,
                     .unit_null = !unit_id, .action = action, .entity = entity, .entity_id = entity_id,
                     .entity_null = !entity_id, .detail = text, .format = FORMAT_NOW};
    char hash[65];
    row_hash(prev, &row, hash);
    s = db_prepare(d, "INSERT INTO audit_log (id, at, user_id, unit_id, action, entity, entity_id, detail, "
                      "prev_hash, hash, format) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
    db_bind_int(s, 11, FORMAT_NOW);
    int rc = db_step(s);
    db_done(s);
    free(text);
    return rc == DB_DONE ? 0 : -1;
fail:
    free(text);
    return -1;
}

/* ---- the anchor: key and checkpoints ------------------------------------------------------ */

static struct {
    pthread_mutex_t mu;
    bool open;
    unsigned char key[crypto_auth_KEYBYTES];
    char log_path[PATH_MAX];
    int64_t last_id;          /* the head of the last checkpoint written, -1 none yet */
    char last_hash[65];
} anchor = {.mu = PTHREAD_MUTEX_INITIALIZER, .last_id = -1};

void audit_default_paths(const char *db_path, const char *key_path, const char *log_path, char key_out[PATH_MAX],
                         char log_out[PATH_MAX])
{
    if (key_path) snprintf(key_out, PATH_MAX, "%s", key_path);
    else snprintf(key_out, PATH_MAX, "%s.audit-key", db_path);
    if (log_path) snprintf(log_out, PATH_MAX, "%s", log_path);
    else snprintf(log_out, PATH_MAX, "%s.audit-log", db_path);
}

/* The key file: 64 hex digits (and a newline). 0, or -1 with why. */
static int read_key(const char *path, unsigned char key[crypto_auth_KEYBYTES], char *why, size_t whylen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, whylen, "cannot read the audit key %s: %s", path, strerror(errno));
        return -1;
    }
    char hex[2 * crypto_auth_KEYBYTES + 8] = "";
    size_t n = fread(hex, 1, sizeof hex - 1, f);
    fclose(f);
    while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' ')) n--;
    size_t got = 0;
    if (n != 2 * crypto_auth_KEYBYTES ||
        sodium_hex2bin(key, crypto_auth_KEYBYTES, hex, n, NULL, &got, NULL) != 0 || got != crypto_auth_KEYBYTES) {
        snprintf(why, whylen, "the audit key %s is not %d hex digits", path, 2 * crypto_auth_KEYBYTES);
        sodium_memzero(hex, sizeof hex);
        return -1;
    }
    sodium_memzero(hex, sizeof hex);
    return 0;
}

/* A new key, mode 0600, never over an existing file. */
static int create_key(const char *path, char *why, size_t whylen)
{
    unsigned char key[crypto_auth_KEYBYTES];
    char hex[2 * crypto_auth_KEYBYTES + 2];
    crypto_auth_keygen(key);
    sodium_bin2hex(hex, sizeof hex, key, sizeof key);
    sodium_memzero(key, sizeof key);
    size_t n = strlen(hex);
    hex[n++] = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    bool ok = fd >= 0 && write(fd, hex, n) == (ssize_t)n && fsync(fd) == 0;
    if (fd >= 0) close(fd);
    sodium_memzero(hex, sizeof hex);
    if (!ok) snprintf(why, whylen, "cannot create the audit key %s: %s", path, strerror(errno));
    return ok ? 0 : -1;
}

int audit_anchor_open(const char *db_path, const char *key_path, const char *log_path, err *e)
{
    char key_file[PATH_MAX], why[PATH_MAX + 128];
    pthread_mutex_lock(&anchor.mu);
    audit_default_paths(db_path, key_path, log_path, key_file, anchor.log_path);
    int rc = 0;
    if (access(key_file, F_OK) != 0) rc = create_key(key_file, why, sizeof why);
    if (rc == 0) rc = read_key(key_file, anchor.key, why, sizeof why);
    anchor.open = rc == 0;
    anchor.last_id = -1;
    pthread_mutex_unlock(&anchor.mu);
    if (rc != 0) err_set(e, 500, "Không đọc được khóa của nhật ký thay đổi.", "%s", why);
    return rc;
}

void audit_anchor_close(void)
{
    pthread_mutex_lock(&anchor.mu);
    sodium_memzero(anchor.key, sizeof anchor.key);
    anchor.open = false;
    pthread_mutex_unlock(&anchor.mu);
}

static void checkpoint_mac(const unsigned char *key, int64_t t, int64_t id, const char *hash, char out[65])
{
    char msg[160];
    int n = snprintf(msg, sizeof msg, "thanthien-audit|%lld|%lld|%s", (long long)t, (long long)id, hash);
    unsigned char mac[crypto_auth_BYTES];
    crypto_auth(mac, (const unsigned char *)msg, (unsigned long long)n, key);
    sodium_bin2hex(out, 65, mac, sizeof mac);
}

int audit_checkpoint(db *d, int64_t now)
{
    int64_t id = 0;
    char hash[65] = GENESIS;
    db_stmt *s = db_prepare(d, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    if (!s) return -1;
    if (db_step(s) == DB_ROW) {
        id = db_col_int(s, 0);
        snprintf(hash, sizeof hash, "%s", db_col_text(s, 1));
    }
    db_done(s);
    pthread_mutex_lock(&anchor.mu);
    int rc = 0;
    if (anchor.open && !(anchor.last_id == id && !strcmp(anchor.last_hash, hash))) {
        char mac[65], line[256];
        checkpoint_mac(anchor.key, now, id, hash, mac);
        int n = snprintf(line, sizeof line, "%lld %lld %s %s\n", (long long)now, (long long)id, hash, mac);
        /* appended and synced: a line is whole or absent (one write of < PIPE_BUF bytes) */
        int fd = open(anchor.log_path, O_WRONLY | O_APPEND | O_CREAT, 0640);
        rc = fd >= 0 && write(fd, line, (size_t)n) == n && fsync(fd) == 0 ? 1 : -1;
        if (fd >= 0) close(fd);
        if (rc == 1) anchor.last_id = id, snprintf(anchor.last_hash, sizeof anchor.last_hash, "%s", hash);
    }
    pthread_mutex_unlock(&anchor.mu);
    return rc;
}

/* ---- verification ------------------------------------------------------------------------ */

typedef struct {
    int64_t t, id;
    char hash[65];
} checkpoint;

/* Reads and authenticates every line of the checkpoint file. *n = 0 when there is no file.
 * Returns the array (free it), or NULL with why on a bad line or a bad key. */
static checkpoint *read_checkpoints(const char *path, const unsigned char *key, int *n, char *why, size_t whylen,
                                    bool *failed)
{
    *n = 0;
    *failed = false;
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    checkpoint *cps = NULL;
    int cap = 0, lineno = 0;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        lineno++;
        checkpoint c;
        char mac[200], want[65];
        long long t, id;
        if (sscanf(line, "%lld %lld %64s %199s", &t, &id, c.hash, mac) != 4 || strlen(c.hash) != 64) {
            snprintf(why, whylen, "checkpoint line %d of %s is not a checkpoint", lineno, path);
            *failed = true;
            break;
        }
        c.t = t, c.id = id;
        checkpoint_mac(key, c.t, c.id, c.hash, want);
        if (strlen(mac) != 64 || sodium_memcmp(mac, want, 64) != 0) {
            snprintf(why, whylen, "checkpoint line %d of %s is not signed by the audit key (forged, or another key)",
                     lineno, path);
            *failed = true;
            break;
        }
        if (*n && c.id < cps[*n - 1].id) {
            snprintf(why, whylen, "checkpoint line %d of %s goes back to row %lld", lineno, path, id);
            *failed = true;
            break;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            cps = realloc(cps, (size_t)cap * sizeof *cps);
        }
        cps[(*n)++] = c;
    }
    fclose(f);
    if (*failed) {
        free(cps);
        *n = 0;
        return NULL;
    }
    return cps;
}

/* The chain, and when key is given the checkpoints of log_path against it. */
static int64_t verify_core(db *d, const unsigned char *key, const char *log_path, const char *expect_head, char *why,
                           size_t whylen, int64_t *rows_checked, char head[96])
{
    *rows_checked = 0;
    if (head) head[0] = '\0';
    checkpoint *cps = NULL;
    int ncp = 0;
    if (key && log_path) {
        bool failed;
        cps = read_checkpoints(log_path, key, &ncp, why, whylen, &failed);
        if (failed) return -1;
    }
    db_stmt *s = db_prepare(d, "SELECT id, at, user_id, unit_id, action, entity, entity_id, detail, prev_hash, "
                               "hash, format FROM audit_log ORDER BY id");
    if (!s) {
        free(cps);
        snprintf(why, whylen, "cannot read the audit log");
        return -1;
    }
    char prev[65] = GENESIS;
    int64_t expect_id = 1, broken = 0;
    int format = 1, cp = 0;
    bool expected_seen = !(expect_head && *expect_head);
    while (cp < ncp && cps[cp].id == 0) cp++;   /* checkpoints of an empty log */
    while (db_step(s) == DB_ROW) {
        audit_row r = {.id = db_col_int(s, 0), .at = db_col_int(s, 1), .user_id = db_col_int(s, 2),
                       .user_null = db_col_null(s, 2), .unit_id = db_col_int(s, 3), .unit_null = db_col_null(s, 3),
                       .action = db_col_text(s, 4), .entity = db_col_text(s, 5), .entity_id = db_col_int(s, 6),
                       .entity_null = db_col_null(s, 6), .detail = db_col_text(s, 7), .format = (int)db_col_int(s, 10)};
        char hash[65];
        row_hash(prev, &r, hash);
        if (r.id != expect_id) {
            snprintf(why, whylen, "row %lld follows row %lld: rows are missing", (long long)r.id,
                     (long long)(expect_id - 1));
            broken = r.id;
        } else if (r.format < format || r.format > FORMAT_NOW) {
            snprintf(why, whylen, "row %lld has hash format %d after format %d", (long long)r.id, r.format, format);
            broken = r.id;
        } else if (strcmp(db_col_text(s, 8), prev) != 0) {
            snprintf(why, whylen, "row %lld does not point to the hash of the row before it", (long long)r.id);
            broken = r.id;
        } else if (strcmp(db_col_text(s, 9), hash) != 0) {
            snprintf(why, whylen, "row %lld was changed after it was written (its hash does not match)",
                     (long long)r.id);
            broken = r.id;
        }
        for (; !broken && cp < ncp && cps[cp].id == r.id; cp++)
            if (strcmp(cps[cp].hash, hash)) {
                snprintf(why, whylen, "row %lld is not the row the checkpoint of time %lld signed (the log was "
                         "rewritten)", (long long)r.id, (long long)cps[cp].t);
                broken = r.id;
            }
        if (broken) break;
        if (!expected_seen) {
            const char *want = expect_head, *colon = strchr(want, ':');
            char idpart[32];
            snprintf(idpart, sizeof idpart, "%lld", (long long)r.id);
            expected_seen = colon ? (size_t)(colon - want) == strlen(idpart) && !strncmp(want, idpart, strlen(idpart)) &&
                                        !strcmp(colon + 1, hash)
                                  : !strcmp(want, hash);
        }
        snprintf(prev, sizeof prev, "%s", hash);
        format = r.format;
        if (head) snprintf(head, 96, "%lld:%s", (long long)r.id, hash);
        expect_id++;
        (*rows_checked)++;
    }
    db_done(s);
    if (!broken && cp < ncp) {
        snprintf(why, whylen, "rows %lld to %lld, signed by the checkpoint of time %lld, are missing (the last rows "
                 "were deleted)", (long long)expect_id, (long long)cps[ncp - 1].id, (long long)cps[ncp - 1].t);
        broken = -1;
    }
    if (!broken && !expected_seen) {
        snprintf(why, whylen, "the expected head %s is not in the log", expect_head);
        broken = -1;
    }
    free(cps);
    return broken;
}

int64_t audit_verify_with(db *d, const audit_check *c, char *why, size_t whylen, int64_t *rows_checked,
                          char head[96])
{
    /* a checkpoint file needs its key; without the file only the chain is checked */
    bool has_log = c->log_path && access(c->log_path, F_OK) == 0;
    unsigned char key[crypto_auth_KEYBYTES];
    if (has_log && read_key(c->key_path, key, why, whylen) != 0) {
        *rows_checked = 0;
        return -1;
    }
    int64_t rc = verify_core(d, has_log ? key : NULL, c->log_path, c->expect_head, why, whylen, rows_checked, head);
    sodium_memzero(key, sizeof key);
    return rc;
}

int64_t audit_verify(db *d, char *why, size_t whylen, int64_t *rows_checked)
{
    unsigned char key[crypto_auth_KEYBYTES];
    char log_path[PATH_MAX];
    pthread_mutex_lock(&anchor.mu);
    bool open = anchor.open;
    memcpy(key, anchor.key, sizeof key);
    snprintf(log_path, sizeof log_path, "%s", anchor.log_path);
    pthread_mutex_unlock(&anchor.mu);
    int64_t rc = verify_core(d, open ? key : NULL, open ? log_path : NULL, NULL, why, whylen, rows_checked, NULL);
    sodium_memzero(key, sizeof key);
    return rc;
}

json_t *audit_recent(db *d, int64_t scope_unit, bool unitless, const char *action, int limit)
{
    json_t *rows = json_array();
    /* the scope in SQL, so that a commune's administrator sees the commune's latest rows however
     * many the rest of the province wrote since */
    db_stmt *s = db_prepare(d, UNIT_SUBTREE_CTE("") "SELECT a.id, a.at, COALESCE(u.username, ''), a.action, a.entity, "
                               "COALESCE(a.entity_id, 0), a.detail, a.hash, COALESCE(a.unit_id, 0) FROM audit_log a "
                               "LEFT JOIN users u ON u.id = a.user_id "
                               "WHERE (?1 = 0 OR a.unit_id IN (SELECT id FROM sub) OR (?2 AND a.unit_id IS NULL)) "
                               "AND (?3 = '' OR a.action = ?3 OR a.action LIKE ?3 || '.%') "
                               "ORDER BY a.id DESC LIMIT ?4");
    if (!s) return rows;
    db_bind_int(s, 1, scope_unit);
    db_bind_int(s, 2, unitless);
    db_bind_text(s, 3, action ? action : "");
    db_bind_int(s, 4, limit);
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
