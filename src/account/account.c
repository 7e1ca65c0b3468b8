/* account.c -- users, sessions and scoping (see account.h). Units are in unit.c. */
#include "account.h"

#include <errno.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/clock.h"
#include "../audit/audit.h"
#include "../core/ratelimit.h"
#include "../core/text.h"

/* ---- the password hash's memory ------------------------------------------------------
 *
 * argon2id takes 64 MiB per check: 32 logins at once took the server from 132 MiB to 1.69
 * GiB. At most ACCOUNT_HASH_SLOTS checks run at once; a login waits a moment for a slot and
 * is then answered "busy" (503), with nothing counted against the account. */
static sem_t hash_slots;
static pthread_once_t hash_slots_once = PTHREAD_ONCE_INIT;

static void hash_slots_init(void)
{
    sem_init(&hash_slots, 0, ACCOUNT_HASH_SLOTS);
}

bool account_hash_slot_take(void)
{
    pthread_once(&hash_slots_once, hash_slots_init);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ACCOUNT_HASH_WAIT_SECONDS;
    int rc;
    while ((rc = sem_timedwait(&hash_slots, &until)) != 0 && errno == EINTR) {
    }
    return rc == 0;
}

void account_hash_slot_give(void)
{
    sem_post(&hash_slots);
}

static const struct {
    const char *role, *label;
} roles[] = {
    {"officer", N_("Công chức Một cửa")},
    {"specialist", N_("Công chức chuyên môn")},
    {"leader", N_("Lãnh đạo UBND")},
    {"board", N_("Thành viên Ban Thanh tra nhân dân / Ban Giám sát đầu tư")},
    {"assessor", N_("Cán bộ thẩm định")},
    {"admin", N_("Quản trị hệ thống")},
};

bool account_role_valid(const char *role)
{
    for (size_t i = 0; role && i < sizeof roles / sizeof roles[0]; i++)
        if (!strcmp(roles[i].role, role)) return true;
    return false;
}

const char *account_role_label(const char *role)
{
    for (size_t i = 0; role && i < sizeof roles / sizeof roles[0]; i++)
        if (!strcmp(roles[i].role, role)) return roles[i].label;
    return "";
}

bool account_role_sees_subtree(const char *role)
{
    return role && (!strcmp(role, "assessor") || !strcmp(role, "admin"));
}

bool account_role_edits_catalog(const char *role)
{
    return role && (!strcmp(role, "officer") || !strcmp(role, "leader") || !strcmp(role, "admin"));
}

static bool username_ok(const char *u)
{
    size_t n = strlen(u);
    if (n < 3 || n > 32) return false;
    for (const char *p = u; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
            return false;
    return true;
}

typedef struct {
    int64_t unit_id, actor_id, now;
    const char *username, *full_name, *role, *hash;
    int64_t id;   /* out */
} user_add_ctx;

static int user_add_tx(db *c, void *ctx, err *e)
{
    user_add_ctx *x = ctx;
    db_stmt *s = db_prepare(c, "INSERT INTO users (unit_id, username, full_name, role, password_hash, created_at) "
                               "VALUES (?, ?, ?, ?, ?, ?)");
    db_bind_int(s, 1, x->unit_id);
    db_bind_text(s, 2, x->username);
    db_bind_text(s, 3, x->full_name);
    db_bind_text(s, 4, x->role);
    db_bind_text(s, 5, x->hash);
    db_bind_int(s, 6, x->now);
    int rc = db_step(s);
    db_done(s);
    if (rc == DB_CONSTRAINT) {
        err_set(e, 409, "Tên đăng nhập đã có người dùng.", "duplicate username %s", x->username);
        err_field(e, "username");
        return -1;
    }
    x->id = db_last_id(c);
    if (rc != DB_DONE ||
        audit_append(c, x->now, x->actor_id, x->unit_id, "user.create", "user", x->id,
                     json_pack("{s:s, s:s, s:s}", "username", x->username, "full_name", x->full_name, "role", x->role))) {
        err_set(e, 500, "Không lưu được người dùng.", "insert user: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

/* The checks of a new user's fields; the unit's id, or -1 with e set. */
static int64_t user_fields_unit(db *d, const char *unit_code, const char *role, const char *username,
                                const char *full_name, err *e)
{
    if (!username || !username_ok(username)) {
        err_set(e, 400, "Tên đăng nhập gồm 3–32 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang.",
                "bad username");
        err_field(e, "username");
        return -1;
    }
    if (!account_role_valid(role)) {
        err_set(e, 400, "Vai trò không hợp lệ.", "bad role %s", role ? role : "(null)");
        err_field(e, "role");
        return -1;
    }
    if (text_is_blank(full_name) || text_char_count(full_name) > 100) {
        err_set(e, 400, "Họ và tên không được để trống và không quá 100 ký tự.", "bad full name");
        err_field(e, "full_name");
        return -1;
    }
    int64_t unit_id = account_unit_id(d, unit_code ? unit_code : "");
    if (unit_id < 0) {
        err_set(e, 400, "Không tìm thấy đơn vị.", "unknown unit %s", unit_code ? unit_code : "(null)");
        err_field(e, "unit");
        return -1;
    }
    return unit_id;
}

int account_user_add(db *d, const char *unit_code, const char *role, const char *username,
                     const char *full_name, const char *password, int64_t actor_id, int64_t *id, err *e)
{
    int64_t unit_id = user_fields_unit(d, unit_code, role, username, full_name, e);
    if (unit_id < 0) return -1;
    if (!password || strlen(password) < 10 || strlen(password) > 200) {
        err_set(e, 400, "Mật khẩu phải có ít nhất 10 ký tự.", "short password");
        err_field(e, "password");
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (!account_hash_slot_take()) {
        err_set(e, 503, "Hệ thống đang bận, vui lòng thử lại sau giây lát.", "no hash slot");
        return -1;
    }
    int hashed = crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                   crypto_pwhash_MEMLIMIT_INTERACTIVE);
    account_hash_slot_give();
    if (hashed != 0) {
        err_set(e, 500, "Không lưu được mật khẩu.", "argon2id out of memory");
        return -1;
    }
    /* hashed above, before the write: argon2id must not hold the writer */
    user_add_ctx x = {.unit_id = unit_id, .actor_id = actor_id, .now = (int64_t)clock_now(), .username = username,
                      .full_name = full_name, .role = role, .hash = hash};
    int rc = db_write(d, user_add_tx, &x, e);
    sodium_memzero(hash, sizeof hash);
    if (rc != 0) return -1;
    if (id) *id = x.id;
    return 0;
}

int account_user_add_hashed(db *d, const char *unit_code, const char *role, const char *username,
                            const char *full_name, const char *hash, int64_t actor_id, int64_t *id, err *e)
{
    int64_t unit_id = user_fields_unit(d, unit_code, role, username, full_name, e);
    if (unit_id < 0) return -1;
    if (!hash || strncmp(hash, "$argon2id$", 10) != 0) {
        err_set(e, 400, "Mật khẩu không hợp lệ.", "not an argon2id hash");
        err_field(e, "password");
        return -1;
    }
    user_add_ctx x = {.unit_id = unit_id, .actor_id = actor_id, .now = (int64_t)clock_now(), .username = username,
                      .full_name = full_name, .role = role, .hash = hash};
    if (db_write(d, user_add_tx, &x, e) != 0) return -1;
    if (id) *id = x.id;
    return 0;
}

static const char *jstr(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

/* Would the province be left without an active administrator if this user were no longer
 * one? Asked inside the write (db_write), so two administrators cannot lock each other out
 * at the same moment. */
static bool last_admin(db *d, int64_t user_id, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT (SELECT role = 'admin' AND active = 1 FROM users WHERE id = ?1) AND "
                               "NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active = 1 AND id <> ?1)");
    db_bind_int(s, 1, user_id);
    bool last = db_step(s) == DB_ROW && db_col_int(s, 0) == 1;
    db_done(s);
    if (last) {
        err_set(e, 409, "Đây là tài khoản quản trị cuối cùng đang hoạt động; hãy thêm hoặc mở khóa một quản trị viên khác trước.",
                "last admin %lld", (long long)user_id);
        err_field(e, "role");
    }
    return last;
}

typedef struct {
    int64_t user_id, unit_id, actor_id;
    bool active;
} set_active_ctx;

static int set_active_tx(db *c, void *ctx, err *e)
{
    set_active_ctx *x = ctx;
    if (!x->active && last_admin(c, x->user_id, e)) return -1;
    db_stmt *s = db_prepare(c, "UPDATE users SET active = ?, failed_logins = 0, locked_until = 0 WHERE id = ?");
    db_bind_int(s, 1, x->active ? 1 : 0);
    db_bind_int(s, 2, x->user_id);
    int rc = db_step(s);
    db_done(s);
    if (!x->active) {
        s = db_prepare(c, "DELETE FROM sessions WHERE user_id = ?");
        db_bind_int(s, 1, x->user_id);
        if (db_step(s) != DB_DONE) rc = DB_ERROR;
        db_done(s);
    }
    if (rc != DB_DONE ||
        audit_append(c, (int64_t)clock_now(), x->actor_id, x->unit_id, x->active ? "user.activate" : "user.deactivate",
                     "user", x->user_id, json_object())) {
        err_set(e, 500, "Không lưu được thay đổi.", "set active: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int account_user_set_active(db *d, int64_t user_id, bool active, int64_t actor_id, err *e)
{
    int64_t unit_id = account_user_unit(d, user_id);
    if (unit_id < 0) {
        err_set(e, 404, "Không tìm thấy người dùng.", "no user %lld", (long long)user_id);
        return -1;
    }
    set_active_ctx x = {.user_id = user_id, .unit_id = unit_id, .actor_id = actor_id, .active = active};
    return db_write(d, set_active_tx, &x, e);
}

static json_t *user_row(db_stmt *s);

json_t *account_user_get(db *d, int64_t user_id)
{
    db_stmt *s = db_prepare(d, "SELECT u.id, u.username, u.full_name, u.role, n.code, n.name, u.active, "
                               "u.locked_until FROM users u JOIN units n ON n.id = u.unit_id WHERE u.id = ?");
    db_bind_int(s, 1, user_id);
    json_t *o = db_step(s) == DB_ROW ? user_row(s) : NULL;
    db_done(s);
    return o;
}

typedef struct {
    int64_t user_id, unit_id, actor_id;
    const char *unit_code, *role, *full_name;
} user_update_ctx;

/* The user as it was is read inside the write: the audit's "before" and the decision to
 * end the sessions are those of the row this write changes. */
static int user_update_tx(db *c, void *ctx, err *e)
{
    user_update_ctx *x = ctx;
    json_t *before = account_user_get(c, x->user_id);
    if (!before) {
        err_set(e, 404, "Không tìm thấy người dùng.", "no user %lld", (long long)x->user_id);
        return -1;
    }
    if (strcmp(x->role, "admin") && last_admin(c, x->user_id, e)) {
        json_decref(before);
        return -1;
    }
    db_stmt *s = db_prepare(c, "UPDATE users SET unit_id = ?, role = ?, full_name = ? WHERE id = ?");
    db_bind_int(s, 1, x->unit_id);
    db_bind_text(s, 2, x->role);
    db_bind_text(s, 3, x->full_name);
    db_bind_int(s, 4, x->user_id);
    int rc = db_step(s);
    db_done(s);
    /* a session carries the role it was opened with: a changed role or unit signs the user out */
    if (rc == DB_DONE && (strcmp(x->role, jstr(before, "role")) || strcmp(x->unit_code, jstr(before, "unit_code")))) {
        s = db_prepare(c, "DELETE FROM sessions WHERE user_id = ?");
        db_bind_int(s, 1, x->user_id);
        rc = db_step(s);
        db_done(s);
    }
    json_t *detail = json_pack("{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}}", "before", "unit",
                               jstr(before, "unit_code"), "role", jstr(before, "role"), "full_name",
                               jstr(before, "full_name"), "after", "unit", x->unit_code, "role", x->role,
                               "full_name", x->full_name);
    json_decref(before);
    if (rc != DB_DONE ||
        audit_append(c, (int64_t)clock_now(), x->actor_id, x->unit_id, "user.update", "user", x->user_id, detail)) {
        err_set(e, 500, "Không lưu được thay đổi.", "user update: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int account_user_update(db *d, int64_t user_id, const char *unit_code, const char *role, const char *full_name,
                        int64_t actor_id, err *e)
{
    if (!account_role_valid(role)) {
        err_set(e, 400, "Vai trò không hợp lệ.", "bad role %s", role ? role : "(null)");
        err_field(e, "role");
        return -1;
    }
    if (text_is_blank(full_name) || text_char_count(full_name) > 100) {
        err_set(e, 400, "Họ và tên không được để trống và không quá 100 ký tự.", "bad full name");
        err_field(e, "full_name");
        return -1;
    }
    int64_t unit_id = account_unit_id(d, unit_code ? unit_code : "");
    if (unit_id < 0) {
        err_set(e, 400, "Không tìm thấy đơn vị.", "unknown unit %s", unit_code ? unit_code : "(null)");
        err_field(e, "don_vi");
        return -1;
    }
    user_update_ctx x = {.user_id = user_id, .unit_id = unit_id, .actor_id = actor_id, .unit_code = unit_code,
                         .role = role, .full_name = full_name};
    return db_write(d, user_update_tx, &x, e);
}

typedef struct {
    int64_t user_id, unit_id, actor_id;
    const char *hash;
} password_ctx;

static int password_tx(db *c, void *ctx, err *e)
{
    password_ctx *x = ctx;
    /* a reset also lifts a lock from wrong guesses and ends the user's open sessions */
    db_stmt *s = db_prepare(c, "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0 WHERE id = ?");
    db_bind_text(s, 1, x->hash);
    db_bind_int(s, 2, x->user_id);
    int rc = db_step(s);
    db_done(s);
    if (rc == DB_DONE) {
        s = db_prepare(c, "DELETE FROM sessions WHERE user_id = ?");
        db_bind_int(s, 1, x->user_id);
        rc = db_step(s);
        db_done(s);
    }
    if (rc != DB_DONE ||
        audit_append(c, (int64_t)clock_now(), x->actor_id, x->unit_id, "user.password_reset", "user", x->user_id,
                     json_object())) {
        err_set(e, 500, "Không lưu được mật khẩu.", "password reset: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int account_user_set_password(db *d, int64_t user_id, const char *password, int64_t actor_id, err *e)
{
    if (!password || strlen(password) < 10 || strlen(password) > 200) {
        err_set(e, 400, "Mật khẩu phải có ít nhất 10 ký tự.", "short password");
        err_field(e, "password");
        return -1;
    }
    int64_t unit_id = account_user_unit(d, user_id);
    if (unit_id < 0) {
        err_set(e, 404, "Không tìm thấy người dùng.", "no user %lld", (long long)user_id);
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        err_set(e, 500, "Không lưu được mật khẩu.", "argon2id out of memory");
        return -1;
    }
    /* hashed above, before the write: argon2id must not hold the writer */
    password_ctx x = {.user_id = user_id, .unit_id = unit_id, .actor_id = actor_id, .hash = hash};
    int rc = db_write(d, password_tx, &x, e);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

int64_t account_user_unit(db *d, int64_t user_id)
{
    return db_int_by_id(d, "SELECT unit_id FROM users WHERE id = ?", user_id, -1);
}

const char *account_user_name(db *d, arena *a, int64_t user_id)
{
    if (user_id <= 0) return "";
    db_stmt *s = db_prepare(d, "SELECT full_name FROM users WHERE id = ?");
    db_bind_int(s, 1, user_id);
    const char *n = db_step(s) == DB_ROW ? arena_strdup(a, db_col_text(s, 0)) : "";
    db_done(s);
    return n;
}

static json_t *user_row(db_stmt *s)
{
    int64_t locked = db_col_int(s, 7);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "id", (json_int_t)db_col_int(s, 0), "username",
                     db_col_text(s, 1), "full_name", db_col_text(s, 2), "role", db_col_text(s, 3), "role_label",
                     account_role_label(db_col_text(s, 3)), "unit_code", db_col_text(s, 4), "unit_name",
                     db_col_text(s, 5), "active", db_col_int(s, 6) != 0, "locked", locked > (int64_t)clock_now());
}

json_t *account_users_list(db *d, const account_user *viewer)
{
    json_t *rows = json_array();
    db_stmt *s = db_prepare(d, "SELECT u.id, u.username, u.full_name, u.role, n.code, n.name, u.active, "
                               "u.locked_until, u.unit_id FROM users u JOIN units n ON n.id = u.unit_id "
                               "ORDER BY n.code, u.username");
    while (db_step(s) == DB_ROW) {
        if (viewer && !account_can_access(d, viewer, db_col_int(s, 8))) continue;
        json_array_append_new(rows, user_row(s));
    }
    db_done(s);
    return rows;
}

json_t *account_unit_staff(db *d, int64_t unit_id)
{
    json_t *rows = json_array();
    db_stmt *s = db_prepare(d, "SELECT u.id, u.username, u.full_name, u.role, n.code, n.name, u.active, "
                               "u.locked_until FROM users u JOIN units n ON n.id = u.unit_id "
                               "WHERE u.unit_id = ? ORDER BY u.role, u.username");
    db_bind_int(s, 1, unit_id);
    while (db_step(s) == DB_ROW) json_array_append_new(rows, user_row(s));
    db_done(s);
    return rows;
}

/* ---- sessions ----------------------------------------------------------------------- */

static void token_hash(const char *token, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, h, sizeof h);
}

static char *random_token(arena *a)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char *hex = arena_alloc(a, 65);
    sodium_bin2hex(hex, 65, raw, sizeof raw);
    return hex;
}

/* Usernames that do not exist are locked out like real ones (5 tries, then 15 minutes), in
 * memory, so that the sixth try does not tell which accounts are real. */
static ratelimit_slot unknown_slots[4096];
static ratelimit unknown_names = RATELIMIT_INIT(unknown_slots, ACCOUNT_LOCK_SECONDS, ACCOUNT_MAX_FAILED_LOGINS);

static void set_locked(err *e, const char *username)
{
    err_set(e, 429, "Tài khoản tạm khóa vì đăng nhập sai nhiều lần. Vui lòng thử lại sau 15 phút.",
            "locked account %s", username ? username : "");
}

/* Login happens in three steps so that the slow password check (argon2id, ~0.1 s and
 * 64 MiB) runs without holding a database connection or the writer:
 *   1. account_login_begin: inside one write, refuse a locked account and count this
 *      attempt before the password is checked, so parallel guesses cannot all slip in
 *      before the first failure is recorded;
 *   2. account_password_ok: the check itself, no database;
 *   3. account_login_finish: on success, clear the count and open a session; on failure,
 *      lock the account once it has used up its attempts. */
typedef struct {
    const char *username;
    int64_t now;
    login_attempt *at;
} login_begin_ctx;

static int login_begin_tx(db *c, void *ctx, err *e)
{
    login_begin_ctx *x = ctx;
    login_attempt *at = x->at;
    db_stmt *s = db_prepare(c, "SELECT id, password_hash, active, failed_logins, locked_until FROM users "
                               "WHERE username = ?");
    db_bind_text(s, 1, x->username);
    int64_t failed = 0, locked_until = 0;
    if (db_step(s) == DB_ROW) {
        at->user_id = db_col_int(s, 0);
        snprintf(at->hash, sizeof at->hash, "%s", db_col_text(s, 1));
        at->active = db_col_int(s, 2) != 0;
        failed = db_col_int(s, 3);
        locked_until = db_col_int(s, 4);
    }
    db_done(s);
    if (!at->user_id) return 0;   /* counted in memory by the caller */
    if (locked_until > x->now || failed >= ACCOUNT_MAX_FAILED_LOGINS) {
        set_locked(e, x->username);
        return -1;
    }
    s = db_prepare(c, "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?");
    db_bind_int(s, 1, at->user_id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 503, "Hệ thống đang bận, vui lòng thử lại.", "count attempt: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int account_login_begin(db *d, const char *username, int64_t now, login_attempt *at, err *e)
{
    memset(at, 0, sizeof *at);
    /* an unknown username is checked against a throwaway hash, so that response times do
     * not tell which usernames exist */
    snprintf(at->hash, sizeof at->hash, "%s",
             "$argon2id$v=19$m=65536,t=2,p=1$JKsmL3SA2S0LjOM0FEME5g$yVMd24Zg18mqi6m9R4uNe2YsSLrZ3skRvldHflstmVs");
    login_begin_ctx x = {.username = username ? username : "", .now = now, .at = at};
    if (db_write(d, login_begin_tx, &x, e) != 0) return -1;
    if (!at->user_id) {
        /* counted before the check, as for real accounts */
        if (ratelimit_wait(&unknown_names, x.username, now) > 0) {
            set_locked(e, username);
            return -1;
        }
        ratelimit_fail(&unknown_names, x.username, now);
    }
    return 0;
}

bool account_password_ok(const login_attempt *at, const char *password)
{
    return password && crypto_pwhash_str_verify(at->hash, password, strlen(password)) == 0;
}

typedef struct {
    int64_t user_id, now;
} failure_ctx;

static int record_failure_tx(db *c, void *ctx, err *e)
{
    failure_ctx *x = ctx;
    db_stmt *s = db_prepare(c, "SELECT failed_logins FROM users WHERE id = ?");
    db_bind_int(s, 1, x->user_id);
    int64_t failed = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    if (failed < ACCOUNT_MAX_FAILED_LOGINS) return 0;
    s = db_prepare(c, "UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?");
    db_bind_int(s, 1, x->now + ACCOUNT_LOCK_SECONDS);
    db_bind_int(s, 2, x->user_id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || audit_append(c, x->now, 0, account_user_unit(c, x->user_id), "user.locked", "user", x->user_id,
                                      json_pack("{s:I}", "failed_logins", (json_int_t)failed))) {
        err_set(e, 500, "Không lưu được thay đổi.", "lock user: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

/* The attempt was counted in account_login_begin; this locks the account once it has used
 * them up. A failure to write is not the user's business: the count stands. */
static void record_failure(db *d, int64_t user_id, int64_t now)
{
    failure_ctx x = {.user_id = user_id, .now = now};
    err ignored = {0};
    db_write(d, record_failure_tx, &x, &ignored);
}

typedef struct {
    int64_t user_id, now;
    const char *token_hash, *csrf;
} session_ctx;

static int session_open_tx(db *c, void *ctx, err *e)
{
    session_ctx *x = ctx;
    db_stmt *s = db_prepare(c, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) "
                               "VALUES (?, ?, ?, ?, ?)");
    db_bind_text(s, 1, x->token_hash);
    db_bind_int(s, 2, x->user_id);
    db_bind_text(s, 3, x->csrf);
    db_bind_int(s, 4, x->now);
    db_bind_int(s, 5, x->now + ACCOUNT_SESSION_SECONDS);
    int rc = db_step(s);
    db_done(s);
    s = db_prepare(c, "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?");
    db_bind_int(s, 1, x->user_id);
    if (db_step(s) != DB_DONE) rc = DB_ERROR;
    db_done(s);
    s = db_prepare(c, "DELETE FROM sessions WHERE expires_at < ?");
    db_bind_int(s, 1, x->now);
    if (db_step(s) != DB_DONE) rc = DB_ERROR;
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, "Không đăng nhập được.", "session insert: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int account_login_finish(db *d, arena *a, const login_attempt *at, bool verified, int64_t now, char **token,
                         err *e)
{
    *token = NULL;
    if (!at->user_id || !at->active || !verified) {
        if (at->user_id) record_failure(d, at->user_id, now);
        err_set(e, 401, "Tên đăng nhập hoặc mật khẩu không đúng.", "bad login for user %lld", (long long)at->user_id);
        return -1;
    }
    char *tok = random_token(a);
    char th[65];
    token_hash(tok, th);
    session_ctx x = {.user_id = at->user_id, .now = now, .token_hash = th, .csrf = random_token(a)};
    if (db_write(d, session_open_tx, &x, e) != 0) return -1;
    *token = tok;
    return 0;
}

int account_login(db *d, arena *a, const char *username, const char *password, int64_t now, char **token, err *e)
{
    *token = NULL;
    login_attempt at;
    if (account_login_begin(d, username, now, &at, e) != 0) return -1;
    return account_login_finish(d, a, &at, account_password_ok(&at, password), now, token, e);
}

account_user *account_session(db *d, arena *a, const char *token, int64_t now, char **csrf)
{
    if (!token || strlen(token) != 64) return NULL;
    char th[65];
    token_hash(token, th);
    db_stmt *s = db_prepare(d, "SELECT u.id, u.unit_id, u.username, u.full_name, u.role, n.code, n.name, s.csrf "
                               "FROM sessions s JOIN users u ON u.id = s.user_id JOIN units n ON n.id = u.unit_id "
                               "WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1");
    db_bind_text(s, 1, th);
    db_bind_int(s, 2, now);
    account_user *u = NULL;
    if (db_step(s) == DB_ROW) {
        u = arena_alloc(a, sizeof *u);
        u->id = db_col_int(s, 0);
        u->unit_id = db_col_int(s, 1);
        u->username = arena_strdup(a, db_col_text(s, 2));
        u->full_name = arena_strdup(a, db_col_text(s, 3));
        u->role = arena_strdup(a, db_col_text(s, 4));
        u->unit_code = arena_strdup(a, db_col_text(s, 5));
        u->unit_name = arena_strdup(a, db_col_text(s, 6));
        if (csrf) *csrf = arena_strdup(a, db_col_text(s, 7));
    }
    db_done(s);
    return u;
}

static int logout_tx(db *c, void *ctx, err *e)
{
    db_stmt *s = db_prepare(c, "DELETE FROM sessions WHERE token_hash = ?");
    db_bind_text(s, 1, ctx);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, "Không lưu được thay đổi.", "logout: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

/* Signing out cannot fail for the user: the cookie is cleared whatever happens here. */
void account_logout(db *d, const char *token)
{
    if (!token) return;
    char th[65];
    token_hash(token, th);
    err ignored = {0};
    db_write(d, logout_tx, th, &ignored);
}

bool account_can_access(db *d, const account_user *u, int64_t unit_id)
{
    if (!u || unit_id <= 0) return false;
    if (u->unit_id == unit_id) return true;
    if (!account_role_sees_subtree(u->role)) return false;
    unit_chain chain;
    unit_chain_of(d, unit_id, &chain);
    return unit_chain_has(&chain, u->unit_id);
}
