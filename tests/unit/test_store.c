/* test_store.c -- cmocka unit tests against a real SQLite file: schema, demo data, accounts,
 * scoping, the audit chain and the procedure catalogue (with CSV import and export).
 *
 * The group setup creates a temporary directory, a database in it, migrates it and loads
 * the demo data; the tests run in order on that database (later tests see what earlier ones
 * saved). Tests that need a database of their own make one in the same directory. The
 * group teardown removes the directory.
 *
 * Tests marked "Regression (fixed)" were written when they caught a defect in src/; they
 * keep it from coming back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "testdir.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../src/account/account.h"
#include "../../src/audit/audit.h"
#include "../../src/catalog/catalog.h"
#include "../../src/core/arena.h"
#include "../../src/core/text.h"
#include "../../src/demo/demo.h"
#include "../../src/store/db.h"
#include "../../src/store/embedded.h"

typedef struct {
    char dir[64];
    char path[160];
    db *d;
    arena *a;   /* a fresh arena for every test */
} fixture;

static fixture fx_storage;

static void path_in(const fixture *fx, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", fx->dir, name);
}

/* A migrated database with the demo data, in the fixture's directory. */
static db *fresh_demo_db(const fixture *fx, const char *name)
{
    char p[192];
    path_in(fx, name, p, sizeof p);
    return test_demo_db(p, false);
}

static int group_setup(void **state)
{
    fixture *fx = &fx_storage;
    memset(fx, 0, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/thanthien-test-XXXXXX");
    if (!mkdtemp(fx->dir)) return -1;
    path_in(fx, "main.db", fx->path, sizeof fx->path);
    fx->d = fresh_demo_db(fx, "main.db");
    if (!fx->d) return -1;
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *fx = *state;
    db_close(fx->d);
    testdir_remove(fx->dir);
    return 0;
}

static int test_setup(void **state)
{
    fixture *fx = *state;
    fx->a = arena_new();
    return 0;
}

static int test_teardown(void **state)
{
    fixture *fx = *state;
    db_rollback(fx->d);   /* a failed test must not leave a transaction open */
    arena_free(fx->a);
    fx->a = NULL;
    return 0;
}

/* ---- helpers ---------------------------------------------------------------------------- */

/* Runs a one-value query (a string literal, as the statement cache expects) with an
 * optional text parameter. */
static int64_t q_int(db *d, const char *sql, const char *param)
{
    db_stmt *s = db_prepare(d, sql);
    assert_non_null(s);
    if (param) db_bind_text(s, 1, param);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static int64_t count_units(db *d) { return q_int(d, "SELECT count(*) FROM units", NULL); }
static int64_t count_users(db *d) { return q_int(d, "SELECT count(*) FROM users", NULL); }
static int64_t count_procs(db *d) { return q_int(d, "SELECT count(*) FROM procedures", NULL); }
static int64_t count_audit(db *d) { return q_int(d, "SELECT count(*) FROM audit_log", NULL); }
static int64_t proc_id_by_code(db *d, const char *code)
{
    return q_int(d, "SELECT id FROM procedures WHERE code = ?", code);
}

static int64_t unit(db *d, const char *code)
{
    int64_t id = account_unit_id(d, code);
    if (id <= 0) fail_msg("unit %s is not in the demo data", code);
    return id;
}

/* A user as the session would load it, read straight from the table (no argon2). */
static account_user *load_user(db *d, arena *a, const char *username)
{
    db_stmt *s = db_prepare(d, "SELECT u.id, u.unit_id, u.username, u.role, n.code FROM users u "
                               "JOIN units n ON n.id = u.unit_id WHERE u.username = ?");
    assert_non_null(s);
    db_bind_text(s, 1, username);
    account_user *u = NULL;
    if (db_step(s) == DB_ROW) {
        u = arena_alloc(a, sizeof *u);
        u->id = db_col_int(s, 0);
        u->unit_id = db_col_int(s, 1);
        u->username = arena_strdup(a, db_col_text(s, 2));
        u->role = arena_strdup(a, db_col_text(s, 3));
        u->unit_code = arena_strdup(a, db_col_text(s, 4));
    }
    db_done(s);
    if (!u) fail_msg("user %s is not in the demo data", username);
    return u;
}

static bool is_hex64(const char *s)
{
    if (!s || strlen(s) != 64) return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return false;
    return true;
}

static const char *jstr(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "(missing)";
}

/* ---- schema ------------------------------------------------------------------------------ */

static void test_schema_migrate(void **state)
{
    fixture *fx = *state;
    char p[192];
    path_in(fx, "schema.db", p, sizeof p);
    err e = {0};
    db *d = db_open(p, &e);
    assert_non_null(d);
    assert_int_equal(db_schema_version(d), 0);   /* nothing yet */
    assert_true(db_ping(d));
    assert_int_equal(db_migrate(d, &e), 0);
    int v = db_schema_version(d);
    assert_true(v >= 1);
    assert_int_equal(v, migrations[migrations_count - 1].version);
    int64_t tables = q_int(d, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('units', "
                              "'unit_leaders', 'hamlets', 'users', 'sessions', 'audit_log', 'procedures', "
                              "'schema_migrations')", NULL);
    assert_int_equal(tables, 8);
    int64_t applied = q_int(d, "SELECT count(*) FROM schema_migrations", NULL);
    assert_int_equal(applied, (int64_t)migrations_count);
    assert_int_equal(q_int(d, "PRAGMA foreign_keys", NULL), 1);
    /* a second migrate is a no-op */
    assert_int_equal(db_migrate(d, &e), 0);
    assert_int_equal(db_schema_version(d), v);
    assert_int_equal(q_int(d, "SELECT count(*) FROM schema_migrations", NULL), applied);
    assert_int_equal(count_units(d), 0);
    db_close(d);
    /* and after reopening */
    d = db_open(p, &e);
    assert_non_null(d);
    assert_int_equal(db_schema_version(d), v);
    assert_int_equal(db_migrate(d, &e), 0);
    assert_int_equal(q_int(d, "SELECT count(*) FROM schema_migrations", NULL), applied);
    /* the schema's CHECKs hold */
    assert_int_equal(db_exec(d, "INSERT INTO units (code, kind, name, created_at) VALUES ('X1', 'village', 'x', 0)"),
                     DB_CONSTRAINT);
    db_close(d);
}

/* Statements between db_begin_read and db_end_read see one state of the database, whatever
 * another connection commits meanwhile; after db_end_read the next read sees the change. */
static void test_read_snapshot(void **state)
{
    fixture *fx = *state;
    err e = {0};
    db *other = db_open(fx->path, &e);
    assert_non_null(other);
    int64_t before = q_int(fx->d, "SELECT count(*) FROM hamlets", NULL);
    assert_int_equal(db_begin_read(fx->d), DB_DONE);
    assert_int_equal(q_int(fx->d, "SELECT count(*) FROM hamlets", NULL), before);
    assert_int_equal(db_exec(other, "INSERT INTO hamlets (unit_id, name) SELECT id, 'Thôn Snapshot' FROM units LIMIT 1"),
                     DB_DONE);
    assert_int_equal(q_int(fx->d, "SELECT count(*) FROM hamlets", NULL), before);   /* still the snapshot */
    db_end_read(fx->d);
    assert_int_equal(q_int(fx->d, "SELECT count(*) FROM hamlets", NULL), before + 1);
    db_end_read(fx->d);   /* a second end, with nothing begun, does nothing */
    assert_int_equal(db_exec(other, "DELETE FROM hamlets WHERE name = 'Thôn Snapshot'"), DB_DONE);
    db_close(other);
}

/* A pool hands out its lowest free connection, so the steady load stays on the first ones,
 * and only those get the larger page cache. */
static void test_pool_lowest_first(void **state)
{
    fixture *fx = *state;
    err e = {0};
    db_pool *p = db_pool_open(fx->path, 4, &e);
    assert_non_null(p);
    assert_int_equal(db_pool_cache(p, 2, 8192), 0);
    db *a = db_acquire(p), *b = db_acquire(p), *c = db_acquire(p);
    assert_int_equal(q_int(a, "PRAGMA cache_size", NULL), -8192);
    assert_int_equal(q_int(b, "PRAGMA cache_size", NULL), -8192);
    assert_int_equal(q_int(c, "PRAGMA cache_size", NULL), -2000);   /* SQLite's default */
    /* released a then b: a stack would give b back first */
    db_release(p, a);
    db_release(p, b);
    db *first = db_acquire(p), *second = db_acquire(p);
    assert_ptr_equal(first, a);
    assert_ptr_equal(second, b);
    db_release(p, first);
    db_release(p, second);
    db_release(p, c);
    db_pool_close(p);
}

static void test_db_open_bad_path(void **state)
{
    (void)state;
    err e = {0};
    db *d = db_open("/nonexistent-thanthien-dir/sub/x.db", &e);
    assert_null(d);
    assert_int_equal(e.status, 500);
    assert_true(e.user[0] != '\0');
}

/* ---- demo -------------------------------------------------------------------------------- */

static void test_demo_created_once(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    /* the group setup ran demo_create on the empty database */
    int64_t units = count_units(d), users = count_users(d), procs = count_procs(d), audit = count_audit(d);
    assert_true(units >= 3);
    assert_true(users >= 8);
    assert_true(procs > 0);
    assert_true(audit > 0);
    assert_true(account_unit_id(d, "19") > 0);
    assert_true(account_unit_id(d, "05443") > 0);
    assert_true(account_unit_id(d, "05602") > 0);
    err e = {0};
    assert_int_equal(demo_create(d, &e), -1);
    assert_int_equal(e.status, 409);
    assert_int_equal(count_units(d), units);
    assert_int_equal(count_users(d), users);
    assert_int_equal(count_procs(d), procs);
    assert_int_equal(count_audit(d), audit);
}

/* ---- accounts ---------------------------------------------------------------------------- */

static void test_user_add_validation(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    static const struct {
        const char *unit, *role, *username, *full_name, *password;
        int status;
        const char *field;
    } cases[] = {
        {"05443", "officer", "AB", "Nguyễn Văn A", "MatKhau@2026", 400, "username"},
        {"05443", "officer", "ab", "Nguyễn Văn A", "MatKhau@2026", 400, "username"},
        {"05443", "officer", "CanBo9", "Nguyễn Văn A", "MatKhau@2026", 400, "username"},
        {"05443", "officer", "cán.bộ", "Nguyễn Văn A", "MatKhau@2026", 400, "username"},
        {"05443", "officer", "can bo", "Nguyễn Văn A", "MatKhau@2026", 400, "username"},
        {"05443", "officer", "a23456789012345678901234567890123", "Nguyễn Văn A", "MatKhau@2026", 400, "username"},
        {"05443", "officer", NULL, "Nguyễn Văn A", "MatKhau@2026", 400, "username"},
        {"05443", "king", "hople.moi", "Nguyễn Văn A", "MatKhau@2026", 400, "role"},
        {"05443", NULL, "hople.moi", "Nguyễn Văn A", "MatKhau@2026", 400, "role"},
        {"05443", "officer", "hople.moi", "   ", "MatKhau@2026", 400, "full_name"},
        {"05443", "officer", "hople.moi", "Nguyễn Văn A", "ngan", 400, "password"},
        {"05443", "officer", "hople.moi", "Nguyễn Văn A", "123456789", 400, "password"},
        {"05443", "officer", "hople.moi", "Nguyễn Văn A", NULL, 400, "password"},
        {"99999", "officer", "hople.moi", "Nguyễn Văn A", "MatKhau@2026", 400, "unit"},
        {NULL, "officer", "hople.moi", "Nguyễn Văn A", "MatKhau@2026", 400, "unit"},
        {"05443", "officer", "canbo1", "Trùng Tên", "MatKhau@2026", 409, "username"},   /* duplicate */
    };
    int64_t users = count_users(d), audit = count_audit(d);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err e = {0};
        int64_t id = -7;
        int rc = account_user_add(d, cases[i].unit, cases[i].role, cases[i].username, cases[i].full_name,
                                  cases[i].password, 0, &id, &e);
        if (rc != -1) fail_msg("case %zu: accepted", i);
        if (e.status != cases[i].status) fail_msg("case %zu: status %d, want %d", i, e.status, cases[i].status);
        if (strcmp(e.field, cases[i].field) != 0)
            fail_msg("case %zu: field \"%s\", want \"%s\"", i, e.field, cases[i].field);
        if (!e.user[0]) fail_msg("case %zu: no message for the user", i);
        assert_int_equal(id, -7);
    }
    assert_int_equal(count_users(d), users);
    assert_int_equal(count_audit(d), audit);
}

/* A user added with a hash made for another (the demo's accounts share one): the same
 * password signs both in, the creation is audited; anything but an argon2id hash is refused,
 * and the field checks are those of account_user_add. */
static void test_user_added_with_a_shared_hash(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    arena *a = fx->a;
    err e = {0};
    int64_t first = 0, second = 0, audit = count_audit(d);
    assert_int_equal(account_user_add(d, "05443", "officer", "chung.1", "Nguyễn Văn Chung", "MatKhau@2026!", 0, &first,
                                      &e), 0);
    db_stmt *st = db_prepare(d, "SELECT password_hash FROM users WHERE id = ?");
    db_bind_int(st, 1, first);
    assert_int_equal(db_step(st), DB_ROW);
    char *hash = arena_strdup(a, db_col_text(st, 0));
    db_done(st);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_int_equal(account_user_add_hashed(d, "05602", "leader", "chung.2", "Trần Thị Chung", hash, 0, &second, &e), 0);
    assert_true(second > first);
    assert_int_equal(count_audit(d), audit + 2);
    assert_int_equal(account_user_unit(d, second), unit(d, "05602"));
    char *token = NULL;
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(account_login(d, a, "chung.2", "MatKhau@2026!", now, &token, &e), 0);
    assert_int_equal(account_login(d, a, "chung.2", "MatKhau@2027!", now, &token, &e), -1);
    /* not a hash, a bad username, an unknown unit: 400, nobody added */
    err e2 = {0};
    assert_int_equal(account_user_add_hashed(d, "05602", "leader", "chung.3", "Lê Chung", "MatKhau@2026!", 0, NULL, &e2), -1);
    assert_int_equal(e2.status, 400);
    err e3 = {0};
    assert_int_equal(account_user_add_hashed(d, "05602", "leader", "Chung 3", "Lê Chung", hash, 0, NULL, &e3), -1);
    assert_int_equal(e3.status, 400);
    err e4 = {0};
    assert_int_equal(account_user_add_hashed(d, "99999", "leader", "chung.3", "Lê Chung", hash, 0, NULL, &e4), -1);
    assert_int_equal(e4.status, 400);
    err e5 = {0};
    assert_int_equal(account_user_add_hashed(d, "05602", "leader", "chung.2", "Lê Chung", hash, 0, NULL, &e5), -1);
    assert_int_equal(e5.status, 409);
    assert_int_equal(count_audit(d), audit + 2);
}

static void test_login_session_logout(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    arena *a = fx->a;
    err e = {0};
    int64_t id = 0, audit = count_audit(d);
    assert_int_equal(account_user_add(d, "05443", "officer", "kiem.thu-1", "Nguyễn Thị Kiểm Thử", "MatKhau@2026!", 0,
                                      &id, &e), 0);
    assert_true(id > 0);
    assert_int_equal(count_audit(d), audit + 1);   /* user.create is audited */
    assert_int_equal(account_user_unit(d, id), unit(d, "05443"));

    int64_t now = (int64_t)time(NULL);
    char *token = NULL;
    assert_int_equal(account_login(d, a, "kiem.thu-1", "MatKhau@2026!", now, &token, &e), 0);
    assert_true(is_hex64(token));

    char *csrf = NULL;
    account_user *u = account_session(d, a, token, now + 1, &csrf);
    assert_non_null(u);
    assert_int_equal(u->id, id);
    assert_string_equal(u->username, "kiem.thu-1");
    assert_string_equal(u->full_name, "Nguyễn Thị Kiểm Thử");
    assert_string_equal(u->role, "officer");
    assert_int_equal(u->unit_id, unit(d, "05443"));
    assert_string_equal(u->unit_code, "05443");
    assert_true(u->unit_name && *u->unit_name);
    assert_true(is_hex64(csrf));
    assert_string_not_equal(csrf, token);
    /* the session expires */
    assert_null(account_session(d, a, token, now + ACCOUNT_SESSION_SECONDS + 1, NULL));
    assert_non_null(account_session(d, a, token, now + ACCOUNT_SESSION_SECONDS - 1, NULL));
    /* the database keeps only a hash of the token */
    assert_int_equal(q_int(d, "SELECT count(*) FROM sessions WHERE token_hash = ?", token), 0);

    /* bad tokens */
    assert_null(account_session(d, a, NULL, now, NULL));
    assert_null(account_session(d, a, "", now, NULL));
    assert_null(account_session(d, a, "abc", now, NULL));
    char other[65];
    memcpy(other, token, 65);
    other[0] = other[0] == '0' ? '1' : '0';
    assert_null(account_session(d, a, other, now, NULL));

    /* wrong password, unknown user */
    char *t2 = (char *)"x";
    memset(&e, 0, sizeof e);
    assert_int_equal(account_login(d, a, "kiem.thu-1", "MatKhau@2027!", now, &t2, &e), -1);
    assert_int_equal(e.status, 401);
    assert_null(t2);
    memset(&e, 0, sizeof e);
    assert_int_equal(account_login(d, a, "khong.co.ai", "MatKhau@2026!", now, &t2, &e), -1);
    assert_int_equal(e.status, 401);
    memset(&e, 0, sizeof e);
    assert_int_equal(account_login(d, a, "kiem.thu-1", NULL, now, &t2, &e), -1);
    assert_int_equal(e.status, 401);
    memset(&e, 0, sizeof e);
    assert_int_equal(account_login(d, a, NULL, "x", now, &t2, &e), -1);
    assert_int_equal(e.status, 401);

    /* the failed attempts did not end the session */
    assert_non_null(account_session(d, a, token, now, NULL));
    account_logout(d, token);
    assert_null(account_session(d, a, token, now, NULL));
    account_logout(d, token);   /* twice is harmless */
    account_logout(d, NULL);

    /* a deactivated user loses the session and cannot log in */
    assert_int_equal(account_login(d, a, "kiem.thu-1", "MatKhau@2026!", now, &token, &e), 0);
    assert_non_null(account_session(d, a, token, now, NULL));
    assert_int_equal(account_user_set_active(d, id, false, 0, &e), 0);
    assert_null(account_session(d, a, token, now, NULL));
    memset(&e, 0, sizeof e);
    assert_int_equal(account_login(d, a, "kiem.thu-1", "MatKhau@2026!", now, &t2, &e), -1);
    assert_int_equal(e.status, 401);
    assert_int_equal(account_user_set_active(d, id, true, 0, &e), 0);
    memset(&e, 0, sizeof e);
    assert_int_equal(account_user_set_active(d, 99999999, true, 0, &e), -1);
    assert_int_equal(e.status, 404);
}

static void test_login_lockout(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    arena *a = fx->a;
    err e = {0};
    int64_t id = 0;
    assert_int_equal(account_user_add(d, "05602", "specialist", "kiem.thu-2", "Trần Văn Khóa", "DungMatKhau#1", 0,
                                      &id, &e), 0);
    int64_t now = (int64_t)time(NULL);
    char *token = NULL;
    for (int i = 0; i < ACCOUNT_MAX_FAILED_LOGINS; i++) {
        memset(&e, 0, sizeof e);
        assert_int_equal(account_login(d, a, "kiem.thu-2", "SaiMatKhau#1", now + i, &token, &e), -1);
        if (e.status != 401) fail_msg("wrong password %d: status %d, want 401", i + 1, e.status);
    }
    int64_t t = now + ACCOUNT_MAX_FAILED_LOGINS;
    /* locked: even the right password is refused */
    memset(&e, 0, sizeof e);
    assert_int_equal(account_login(d, a, "kiem.thu-2", "DungMatKhau#1", t, &token, &e), -1);
    assert_int_equal(e.status, 429);
    assert_null(token);
    assert_int_equal(q_int(d, "SELECT count(*) FROM audit_log WHERE action = 'user.locked' AND entity_id = "
                              "(SELECT id FROM users WHERE username = ?)", "kiem.thu-2"), 1);
    /* the lock ends after ACCOUNT_LOCK_SECONDS */
    memset(&e, 0, sizeof e);
    assert_int_equal(account_login(d, a, "kiem.thu-2", "DungMatKhau#1", now + ACCOUNT_LOCK_SECONDS + 60, &token, &e),
                     0);
    assert_true(is_hex64(token));
    account_user *u = account_session(d, a, token, now + ACCOUNT_LOCK_SECONDS + 61, NULL);
    assert_non_null(u);
    assert_string_equal(u->role, "specialist");
    assert_string_equal(u->unit_code, "05602");
    account_logout(d, token);
}

static void test_roles(void **state)
{
    (void)state;
    static const char *const all[] = {"officer", "specialist", "leader", "board", "assessor", "admin"};
    for (size_t i = 0; i < 6; i++) {
        assert_true(account_role_valid(all[i]));
        assert_true(*account_role_label(all[i]));
    }
    assert_false(account_role_valid("root"));
    assert_false(account_role_valid(NULL));
    assert_false(account_role_valid("Admin"));
    assert_true(account_role_sees_subtree("admin"));
    assert_true(account_role_sees_subtree("assessor"));
    assert_false(account_role_sees_subtree("leader"));
    assert_false(account_role_sees_subtree(NULL));
    assert_true(account_role_edits_catalog("officer"));
    assert_false(account_role_edits_catalog("board"));
}

/* ---- scoping ----------------------------------------------------------------------------- */

static void test_scoping(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    arena *a = fx->a;
    int64_t province = unit(d, "19"), c1 = unit(d, "05443"), c2 = unit(d, "05602"), dept = unit(d, "19-SNV");
    account_user *canbo1 = load_user(d, a, "canbo1");
    account_user *canbo2 = load_user(d, a, "canbo2");
    account_user *lanhdao1 = load_user(d, a, "lanhdao1");
    account_user *admin = load_user(d, a, "admin");
    account_user *thamdinh = load_user(d, a, "thamdinh");
    account_user *so = load_user(d, a, "congchuc.so");
    assert_string_equal(canbo1->unit_code, "05443");
    assert_string_equal(canbo1->role, "officer");
    assert_string_equal(admin->unit_code, "19");
    assert_string_equal(thamdinh->role, "assessor");

    static const struct {
        int who;   /* index into users[] */
        int where; /* index into units[] */
        bool ok;
    } cases[] = {
        {0, 1, true},  {0, 2, false}, {0, 0, false}, {0, 3, false},   /* canbo1 (officer, 05443) */
        {1, 2, true},  {1, 1, false}, {1, 0, false},                  /* canbo2 (officer, 05602) */
        {2, 1, true},  {2, 2, false}, {2, 0, false},                  /* lanhdao1 (leader, 05443) */
        {3, 0, true},  {3, 1, true},  {3, 2, true},  {3, 3, true},    /* admin (19) */
        {4, 0, true},  {4, 1, true},  {4, 2, true},  {4, 3, true},    /* thamdinh (assessor, 19) */
        {5, 3, true},  {5, 0, false}, {5, 1, false},                  /* congchuc.so (officer, 19-SNV) */
    };
    const account_user *users[] = {canbo1, canbo2, lanhdao1, admin, thamdinh, so};
    const int64_t units[] = {province, c1, c2, dept};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool got = account_can_access(d, users[cases[i].who], units[cases[i].where]);
        if (got != cases[i].ok)
            fail_msg("case %zu: %s on unit %lld: %d, want %d", i, users[cases[i].who]->username,
                     (long long)units[cases[i].where], got, cases[i].ok);
    }
    /* an assessor of a commune does not see the province or a sibling */
    account_user commune_assessor = {.id = 999, .unit_id = c1, .role = "assessor", .username = "x"};
    assert_true(account_can_access(d, &commune_assessor, c1));
    assert_false(account_can_access(d, &commune_assessor, province));
    assert_false(account_can_access(d, &commune_assessor, c2));
    /* nothing and nowhere */
    assert_false(account_can_access(d, NULL, c1));
    assert_false(account_can_access(d, admin, 0));
    assert_false(account_can_access(d, admin, -1));
    assert_false(account_can_access(d, admin, 987654));

    /* the lists follow the same rule */
    json_t *l1 = account_units_list(d, canbo1);
    json_t *la = account_units_list(d, admin);
    json_t *lall = account_units_list(d, NULL);
    size_t n1 = json_array_size(l1), na = json_array_size(la), nall = json_array_size(lall);
    const char *only = jstr(json_array_get(l1, 0), "code");
    bool only_c1 = !strcmp(only, "05443");
    json_decref(l1);
    json_decref(la);
    json_decref(lall);
    assert_int_equal(n1, 1);
    assert_true(only_c1);
    assert_int_equal(na, (size_t)count_units(d));
    assert_int_equal(nall, (size_t)count_units(d));

    json_t *u1 = account_users_list(d, canbo1);
    size_t bad = 0;
    size_t i;
    json_t *row;
    json_array_foreach(u1, i, row) if (strcmp(jstr(row, "unit_code"), "05443") != 0) bad++;
    size_t nu1 = json_array_size(u1);
    json_decref(u1);
    assert_true(nu1 >= 4);
    assert_int_equal(bad, 0);
}

/* ---- audit ------------------------------------------------------------------------------- */

static void test_audit_chain(void **state)
{
    fixture *fx = *state;
    db *d = fresh_demo_db(fx, "audit.db");
    assert_non_null(d);
    char why[256] = "";
    int64_t rows = 0;
    int64_t total = count_audit(d);
    assert_true(total >= 4);
    int64_t broken = audit_verify(d, why, sizeof why, &rows);
    if (broken) {
        db_close(d);
        fail_msg("fresh chain broken at %lld: %s", (long long)broken, why);
    }
    assert_int_equal(rows, total);

    /* change a row's detail */
    db_stmt *s = db_prepare(d, "SELECT detail FROM audit_log WHERE id = 2");
    assert_int_equal(db_step(s), DB_ROW);
    char *orig = arena_strdup(fx->a, db_col_text(s, 0));
    db_done(s);
    assert_string_not_equal(orig, "{}");
    s = db_prepare(d, "UPDATE audit_log SET detail = '{}' WHERE id = 2");
    int rc = db_step(s);
    db_done(s);
    assert_int_equal(rc, DB_DONE);
    why[0] = '\0';
    broken = audit_verify(d, why, sizeof why, &rows);
    char why_detail[256];
    snprintf(why_detail, sizeof why_detail, "%s", why);
    int64_t rows_detail = rows;

    /* put it back: the chain holds again */
    s = db_prepare(d, "UPDATE audit_log SET detail = ? WHERE id = ?");
    db_bind_text(s, 1, orig);
    db_bind_int(s, 2, 2);
    db_step(s);
    db_done(s);
    int64_t restored = audit_verify(d, why, sizeof why, &rows);

    /* change another field (the time) */
    db_exec(d, "UPDATE audit_log SET at = at + 1 WHERE id = 3");
    int64_t broken_at = audit_verify(d, why, sizeof why, &rows);
    db_exec(d, "UPDATE audit_log SET at = at - 1 WHERE id = 3");

    /* recompute nothing, just delete a middle row */
    db_exec(d, "DELETE FROM audit_log WHERE id = 3");
    char why_delete[256] = "";
    int64_t broken_delete = audit_verify(d, why_delete, sizeof why_delete, &rows);
    int64_t rows_delete = rows;
    db_close(d);

    assert_int_equal(broken, 2);
    if (!strstr(why_detail, "row 2")) fail_msg("why does not name row 2: %s", why_detail);
    assert_int_equal(rows_detail, 1);
    assert_int_equal(restored, 0);
    assert_int_equal(broken_at, 3);
    assert_true(broken_delete != 0);
    assert_int_equal(broken_delete, 4);
    if (!strstr(why_delete, "row 4")) fail_msg("why does not name row 4: %s", why_delete);
    assert_int_equal(rows_delete, 2);
}

static void test_audit_main_chain_holds(void **state)
{
    fixture *fx = *state;
    char why[256] = "";
    int64_t rows = 0;
    int64_t broken = audit_verify(fx->d, why, sizeof why, &rows);
    if (broken) fail_msg("chain broken at %lld: %s", (long long)broken, why);
    assert_int_equal(rows, count_audit(fx->d));
    json_t *recent = audit_recent(fx->d, 0, true, "", 5);
    size_t n = json_array_size(recent);
    json_decref(recent);
    assert_int_equal(n, 5);
}

/* A jansson allocator that remembers what is live and how big, so a leaked json_t can be
 * counted. audit_append() frees json_dumps()'s string with free() (right for the default
 * allocator), so that one 3-byte "{}" never reaches track_free: only blocks bigger than it
 * count. The table keeps the leaked blocks reachable and __lsan_disable() keeps them out of
 * LeakSanitizer's exit report, so the rest of the run stays clean. */
/* weak, so the file still links in a build without LeakSanitizer */
void __lsan_disable(void) __attribute__((weak));
void __lsan_enable(void) __attribute__((weak));
#define LIVE_MAX 4096
static struct {
    void *p;
    size_t n;
} live[LIVE_MAX];
static void *track_malloc(size_t n)
{
    void *p = malloc(n);
    for (size_t i = 0; p && i < LIVE_MAX; i++)
        if (!live[i].p) {
            live[i].p = p;
            live[i].n = n;
            break;
        }
    return p;
}
static void track_free(void *p)
{
    for (size_t i = 0; p && i < LIVE_MAX; i++)
        if (live[i].p == p) {
            live[i].p = NULL;
            break;
        }
    free(p);
}

/* Regression (fixed) (src/audit/audit.c, audit_append): with detail NULL (which the code explicitly allows,
 * and which also happens when a caller's json_pack() fails, e.g. on a full name that is not
 * valid UTF-8) it serialises a fresh json_object() and never releases it: one json_t leaks
 * per call. Expected: no jansson allocation outlives the call. */
static void audit_append_null_detail_does_not_leak(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    int rc = -1;
    if (db_begin_write(d) != DB_DONE) fail_msg("begin");
    if (__lsan_disable) __lsan_disable();
    json_set_alloc_funcs(track_malloc, track_free);
    rc = audit_append(d, (int64_t)time(NULL), 0, 0, "test.null_detail", "test", 0, NULL);
    json_set_alloc_funcs(malloc, free);
    if (__lsan_enable) __lsan_enable();
    if (rc == 0 && db_commit(d) != DB_DONE) rc = -1;
    size_t leaked = 0, bytes = 0;
    for (size_t i = 0; i < LIVE_MAX; i++)
        if (live[i].p && live[i].n > 3) leaked++, bytes += live[i].n;
    assert_int_equal(rc, 0);
    char why[256] = "";
    int64_t rows;
    assert_int_equal(audit_verify(d, why, sizeof why, &rows), 0);
    if (leaked)
        fail_msg("regression: audit_append(..., NULL) left %zu jansson allocation(s) (%zu bytes) unreleased", leaked, bytes);
}

/* ---- catalogue: checks ------------------------------------------------------------------- */

static procedure_fields good_fields(void)
{
    return (procedure_fields){
        .unit_code = "05443",
        .code = "TT.0001",
        .name = "  Thủ tục thử nghiệm cấp giấy xác nhận  ",
        .field = "Thử nghiệm",
        .days = "3",
        .time_text = "03 ngày làm việc",
        .fee = "10000",
        .fee_text = "Mười nghìn đồng",
        .papers = "Tờ khai (theo mẫu)\n- Bản sao căn cước\n\n  Giấy ủy quyền, nếu có  \n",
        .submit_where = "Trung tâm Phục vụ hành chính công phường",
        .online_level = "partial",
        .legal_basis = "Nghị định 123/2015/NĐ-CP",
        .result = "Giấy xác nhận",
    };
}

static void test_catalog_check_errors(void **state)
{
    fixture *fx = *state;
    static const struct {
        int which;
        const char *value;
        const char *field;
    } cases[] = {
        {0, "99999", "unit_code"},
        {0, "", "unit_code"},
        {0, NULL, "unit_code"},
        {1, "mã có dấu", "code"},
        {1, "1.001 193", "code"},
        {2, "", "name"},
        {2, "   ", "name"},
        {2, NULL, "name"},
        {3, NULL, NULL},   /* placeholder for the long field, filled below */
        {4, "ba ngày", "days"},
        {4, "-1", "days"},
        {4, "3651", "days"},
        {4, "1,5", "days"},
        {5, "mười nghìn", "fee"},
        {5, "10k", "fee"},
        {5, "-5000", "fee"},
        {5, "abc", "fee"},
        {6, "cao", "online_level"},
        {6, "Full", "online_level"},
    };
    char *long_field = arena_alloc(fx->a, 202);
    memset(long_field, 'x', 101);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        procedure_fields in = good_fields();
        const char *value = cases[i].value, *field = cases[i].field;
        switch (cases[i].which) {
        case 0: in.unit_code = value; break;
        case 1: in.code = value; break;
        case 2: in.name = value; break;
        case 3: in.field = long_field, field = "field"; break;
        case 4: in.days = value; break;
        case 5: in.fee = value; break;
        case 6: in.online_level = value; break;
        }
        procedure p;
        err e = {0};
        int rc = catalog_check(fx->d, fx->a, &in, &p, &e);
        if (rc != -1) fail_msg("case %zu (%s) accepted", i, value ? value : "(null)");
        if (e.status != 400) fail_msg("case %zu: status %d", i, e.status);
        if (strcmp(e.field, field) != 0) fail_msg("case %zu: field \"%s\", want \"%s\"", i, e.field, field);
        if (!e.user[0]) fail_msg("case %zu: no message", i);
    }
    /* a text over 4000 characters */
    procedure_fields in = good_fields();
    char *huge = arena_alloc(fx->a, 4100);
    memset(huge, 'a', 4001);
    in.papers = huge;
    procedure p;
    err e = {0};
    assert_int_equal(catalog_check(fx->d, fx->a, &in, &p, &e), -1);
    assert_string_equal(e.field, "papers");
}

static void test_catalog_check_converts(void **state)
{
    fixture *fx = *state;
    procedure_fields in = good_fields();
    procedure p;
    err e = {0};
    assert_int_equal(catalog_check(fx->d, fx->a, &in, &p, &e), 0);
    assert_int_equal(p.unit_id, unit(fx->d, "05443"));
    assert_string_equal(p.name, "Thủ tục thử nghiệm cấp giấy xác nhận");   /* trimmed */
    assert_int_equal(p.days, 3);
    assert_int_equal(p.fee, 10000);
    assert_string_equal(p.online_level, "partial");

    static const struct {
        const char *days, *fee;
        int64_t want_days, want_fee;
    } cases[] = {
        {"", "", -1, -1},
        {"0", "0", 0, 0},
        {" 15 ", "10.000", 15, 10000},
        {"3650", "10.000đ", 3650, 10000},
        {"1", "10.000 đ", 1, 10000},
        {"2", "1.000.000", 2, 1000000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        in = good_fields();
        in.days = cases[i].days;
        in.fee = cases[i].fee;
        memset(&e, 0, sizeof e);
        if (catalog_check(fx->d, fx->a, &in, &p, &e) != 0) fail_msg("case %zu: %s (%s)", i, e.user, e.field);
        if (p.days != cases[i].want_days) fail_msg("case %zu: days %lld", i, (long long)p.days);
        if (p.fee != cases[i].want_fee) fail_msg("case %zu: fee %lld", i, (long long)p.fee);
    }
    /* optional fields may be absent */
    procedure_fields minimal = {.unit_code = "19", .name = "Thủ tục tối thiểu"};
    memset(&e, 0, sizeof e);
    assert_int_equal(catalog_check(fx->d, fx->a, &minimal, &p, &e), 0);
    assert_int_equal(p.days, -1);
    assert_int_equal(p.fee, -1);
    assert_string_equal(p.code, "");
    assert_string_equal(p.papers, "");
}

/* ---- catalogue: save and read ------------------------------------------------------------ */

static void test_catalog_save_get(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    procedure_fields in = good_fields();
    procedure p;
    err e = {0};
    assert_int_equal(catalog_check(d, fx->a, &in, &p, &e), 0);
    int64_t procs = count_procs(d), audit = count_audit(d);
    int64_t id = 0;
    assert_int_equal(catalog_save(d, fx->a, 0, &p, 0, &id, &e), 0);
    assert_true(id > 0);
    assert_int_equal(count_procs(d), procs + 1);
    assert_int_equal(count_audit(d), audit + 1);
    assert_int_equal(catalog_unit_of(d, id), unit(d, "05443"));
    assert_int_equal(catalog_unit_of(d, 99999999), -1);

    json_t *o = catalog_get(d, fx->a, id);
    assert_non_null(o);
    char *dump = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_t *papers = json_object_get(o, "papers");
    bool ok_name = !strcmp(jstr(o, "name"), "Thủ tục thử nghiệm cấp giấy xác nhận");
    bool ok_code = !strcmp(jstr(o, "code"), "TT.0001");
    bool ok_field = !strcmp(jstr(o, "field"), "Thử nghiệm");
    bool ok_fee = json_integer_value(json_object_get(o, "fee")) == 10000;
    bool ok_fee_display = !strcmp(jstr(o, "fee_display"), "10.000 đồng");
    bool ok_days = json_integer_value(json_object_get(o, "days")) == 3;
    bool ok_days_display = !strcmp(jstr(o, "days_display"), "3 ngày làm việc");
    bool ok_papers = json_is_array(papers) && json_array_size(papers) == 3 &&
                     !strcmp(json_string_value(json_array_get(papers, 0)), "Tờ khai (theo mẫu)") &&
                     !strcmp(json_string_value(json_array_get(papers, 1)), "Bản sao căn cước") &&
                     !strcmp(json_string_value(json_array_get(papers, 2)), "Giấy ủy quyền, nếu có");
    bool ok_unit = !strcmp(jstr(o, "unit_code"), "05443");
    bool ok_online = !strcmp(jstr(o, "online_level"), "partial") && strcmp(jstr(o, "online_label"), "") != 0;
    bool ok_legal = !strcmp(jstr(o, "legal_basis"), "Nghị định 123/2015/NĐ-CP");
    bool ok_result = !strcmp(jstr(o, "result"), "Giấy xác nhận");
    bool ok_url = !strcmp(jstr(o, "url"), arena_printf(fx->a, "/thu-tuc/%lld", (long long)id));
    json_decref(o);
    bool all = ok_name && ok_code && ok_field && ok_fee && ok_fee_display && ok_days && ok_days_display &&
               ok_papers && ok_unit && ok_online && ok_legal && ok_result && ok_url;
    if (!all) {
        char *copy = arena_strdup(fx->a, dump);
        free(dump);
        fail_msg("read back wrong: %s", copy);
    }
    free(dump);

    /* update */
    in.name = "Thủ tục thử nghiệm (đã sửa)";
    in.fee = "";
    in.days = "0";
    assert_int_equal(catalog_check(d, fx->a, &in, &p, &e), 0);
    int64_t same = 0;
    assert_int_equal(catalog_save(d, fx->a, id, &p, 0, &same, &e), 0);
    assert_int_equal(same, id);
    assert_int_equal(count_procs(d), procs + 1);
    o = catalog_get(d, fx->a, id);
    assert_non_null(o);
    bool up_name = !strcmp(jstr(o, "name"), "Thủ tục thử nghiệm (đã sửa)");
    bool up_fee = json_is_null(json_object_get(o, "fee")) && !strcmp(jstr(o, "fee_display"), "");
    bool up_days = json_integer_value(json_object_get(o, "days")) == 0 && !strcmp(jstr(o, "days_display"), "Trong ngày");
    json_decref(o);
    assert_true(up_name);
    assert_true(up_fee);
    assert_true(up_days);

    /* the same code again in the same unit is refused; in another unit it is fine */
    memset(&e, 0, sizeof e);
    assert_int_equal(catalog_save(d, fx->a, 0, &p, 0, NULL, &e), -1);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.field, "code");
    /* an unknown id */
    memset(&e, 0, sizeof e);
    assert_int_equal(catalog_save(d, fx->a, 99999999, &p, 0, NULL, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(count_procs(d), procs + 1);
    assert_null(catalog_get(d, fx->a, 99999999));
}

/* ---- catalogue: search ------------------------------------------------------------------- */

static json_t *search(fixture *fx, const char *unit_code, const char *q, const char *field, int limit, int offset,
                      int64_t *total)
{
    catalog_query cq = {.unit_id = unit(fx->d, unit_code), .q = q, .field = field, .limit = limit, .offset = offset};
    return catalog_search(fx->d, fx->a, &cq, total);
}

static char *ids_of(arena *a, json_t *rows)
{
    buf b;
    buf_init(&b, a);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) buf_printf(&b, "%lld,", (long long)json_integer_value(json_object_get(r, "id")));
    return (char *)buf_cstr(&b);
}

static void test_catalog_search(void **state)
{
    fixture *fx = *state;
    arena *a = fx->a;
    static const char *const queries[] = {
        "dang ky khai sinh",
        "ĐĂNG KÝ KHAI SINH",
        "đăng ký khai sinh",
        "\xC4\x91" "a\xCC\x86" "ng ky\xCC\x81 khai sinh",   /* NFD */
        "  Đăng-ký,  khai   sinh ",
    };
    char *first_ids = NULL;
    int64_t first_total = 0;
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        int64_t total = -1;
        json_t *rows = search(fx, "05443", queries[i], NULL, 200, 0, &total);
        char *ids = ids_of(a, rows);
        /* the commune sees the province's procedure (inheritance) */
        bool found = false, top_is_phrase = false;
        size_t k;
        json_t *r;
        json_array_foreach(rows, k, r) {
            if (!strcmp(jstr(r, "name"), "Thủ tục đăng ký khai sinh") && !strcmp(jstr(r, "unit_code"), "19"))
                found = true;
        }
        if (json_array_size(rows))
            top_is_phrase = strstr(text_fold(a, jstr(json_array_get(rows, 0), "name")), "dang ky khai sinh") != NULL;
        size_t n = json_array_size(rows);
        json_decref(rows);
        if (!found) fail_msg("query %zu (%s): \"Thủ tục đăng ký khai sinh\" not found (%s)", i, queries[i], ids);
        assert_true(top_is_phrase);
        assert_int_equal((int64_t)n, total);
        if (i == 0) {
            first_ids = ids;
            first_total = total;
        } else if (strcmp(ids, first_ids) != 0) {
            fail_msg("query %zu (%s) found %s, query 0 found %s", i, queries[i], ids, first_ids);
        }
    }
    assert_true(first_total >= 1);

    /* the other commune sees the same province procedures */
    int64_t total2 = -1;
    json_t *rows = search(fx, "05602", "dang ky khai sinh", NULL, 200, 0, &total2);
    char *ids2 = ids_of(a, rows);
    json_decref(rows);
    assert_string_equal(ids2, first_ids);

    /* a commune's own procedure is not seen by its sibling or by the province */
    int64_t t_own = -1, t_sibling = -1, t_province = -1;
    json_decref(search(fx, "05443", "TT.0001", NULL, 0, 0, &t_own));
    json_decref(search(fx, "05602", "TT.0001", NULL, 0, 0, &t_sibling));
    json_decref(search(fx, "19", "TT.0001", NULL, 0, 0, &t_province));
    assert_int_equal(t_own, 1);
    assert_int_equal(t_sibling, 0);
    assert_int_equal(t_province, 0);

    /* the field filter */
    int64_t all = -1, filtered = -1;
    json_decref(search(fx, "05443", "", NULL, 500, 0, &all));
    rows = search(fx, "05443", NULL, "Chứng thực", 500, 0, &filtered);
    size_t wrong = 0, k;
    json_t *r;
    json_array_foreach(rows, k, r) if (strcmp(jstr(r, "field"), "Chứng thực") != 0) wrong++;
    json_decref(rows);
    assert_true(filtered > 0);
    assert_true(filtered < all);
    assert_int_equal(wrong, 0);
    int64_t none_field = -1;
    json_decref(search(fx, "05443", NULL, "Không có lĩnh vực này", 500, 0, &none_field));
    assert_int_equal(none_field, 0);
    /* field and query together */
    int64_t both = -1;
    json_decref(search(fx, "05443", "khai sinh", "Chứng thực", 500, 0, &both));
    assert_int_equal(both, 0);

    /* nonsense */
    int64_t nothing = -1;
    rows = search(fx, "05443", "xyzzy qwertyuiop", NULL, 50, 0, &nothing);
    size_t nn = json_array_size(rows);
    json_decref(rows);
    assert_int_equal(nothing, 0);
    assert_int_equal(nn, 0);

    /* paging */
    int64_t t = -1;
    rows = search(fx, "05443", "", NULL, 3, 0, &t);
    size_t page = json_array_size(rows);
    json_decref(rows);
    assert_int_equal(page, 3);
    assert_int_equal(t, all);
    rows = search(fx, "05443", "", NULL, 10, (int)all - 1, &t);
    page = json_array_size(rows);
    json_decref(rows);
    assert_int_equal(page, 1);

    /* fields with counts */
    json_t *fields = catalog_fields(fx->d, unit(fx->d, "05443"));
    bool has_hotich = false;
    json_array_foreach(fields, k, r) if (!strcmp(jstr(r, "name"), "Hộ tịch") && json_integer_value(json_object_get(r, "count")) > 0) has_hotich = true;
    json_decref(fields);
    assert_true(has_hotich);
}

/* ---- catalogue: CSV ------------------------------------------------------------------------ */

static int import(fixture *fx, const char *csv, int *imported, char **report, err *e)
{
    return catalog_import_csv(fx->d, fx->a, csv, strlen(csv), 0, NULL, NULL, imported, report, e);
}

static void test_csv_import_good(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    static const char csv[] =
        "\xEF\xBB\xBF" "unit_code,code,name,field,days,fee,papers,online_level\r\n"
        "05602,CSV.001,Thủ tục nhập từ CSV một,Thử nghiệm CSV,5,15.000,\"Tờ khai, theo mẫu\r\n"
        "Giấy tờ \"\"gốc\"\" để đối chiếu\",full\r\n"
        "05602,CSV.002,\"Thủ tục nhập từ CSV hai\",Thử nghiệm CSV,,,,\r\n";
    int64_t procs = count_procs(d);
    int imported = -1;
    char *report = NULL;
    err e = {0};
    int rc = import(fx, csv, &imported, &report, &e);
    if (rc != 0) fail_msg("import failed: %s / %s", e.user, report ? report : "");
    assert_int_equal(imported, 2);
    assert_int_equal(count_procs(d), procs + 2);

    int64_t id1 = proc_id_by_code(d, "CSV.001"), id2 = proc_id_by_code(d, "CSV.002");
    assert_true(id1 > 0 && id2 > 0);
    json_t *o = catalog_get(d, fx->a, id1);
    assert_non_null(o);
    json_t *papers = json_object_get(o, "papers");
    bool ok = !strcmp(jstr(o, "name"), "Thủ tục nhập từ CSV một") && !strcmp(jstr(o, "unit_code"), "05602") &&
              json_integer_value(json_object_get(o, "fee")) == 15000 &&
              json_integer_value(json_object_get(o, "days")) == 5 && !strcmp(jstr(o, "online_level"), "full") &&
              json_array_size(papers) == 2 &&
              !strcmp(json_string_value(json_array_get(papers, 0)), "Tờ khai, theo mẫu") &&
              !strcmp(json_string_value(json_array_get(papers, 1)), "Giấy tờ \"gốc\" để đối chiếu") &&
              !strcmp(jstr(o, "papers_text"), "Tờ khai, theo mẫu\nGiấy tờ \"gốc\" để đối chiếu");
    char *dump = json_dumps(o, JSON_COMPACT);
    char *copy = arena_strdup(fx->a, dump);
    free(dump);
    json_decref(o);
    if (!ok) fail_msg("CSV.001 read back wrong: %s", copy);
    o = catalog_get(d, fx->a, id2);
    assert_non_null(o);
    ok = !strcmp(jstr(o, "name"), "Thủ tục nhập từ CSV hai") && json_is_null(json_object_get(o, "fee")) &&
         json_is_null(json_object_get(o, "days")) && json_array_size(json_object_get(o, "papers")) == 0;
    json_decref(o);
    assert_true(ok);

    /* found by search in the importing commune */
    int64_t t = -1;
    json_decref(search(fx, "05602", "thu tuc nhap tu csv", NULL, 10, 0, &t));
    assert_int_equal(t, 2);

    /* importing the same file again updates (same unit and code) */
    assert_int_equal(import(fx, csv, &imported, &report, &e), 0);
    assert_int_equal(imported, 2);
    assert_int_equal(count_procs(d), procs + 2);
    assert_int_equal(proc_id_by_code(d, "CSV.001"), id1);
}

static void test_csv_import_bad_row_saves_nothing(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    int64_t procs = count_procs(d), audit = count_audit(d);
    static const char csv[] = "unit_code,code,name,fee\n"
                              "05443,BAD.001,Thủ tục tốt,10000\n"
                              "05443,BAD.002,Thủ tục lệ phí sai,abc\n";
    int imported = -1;
    char *report = NULL;
    err e = {0};
    assert_int_equal(import(fx, csv, &imported, &report, &e), -1);
    assert_int_equal(e.status, 400);
    assert_int_equal(imported, 0);
    assert_non_null(report);
    if (!strstr(report, "dòng 3")) fail_msg("report does not name line 3: %s", report);
    if (!strstr(report, "fee")) fail_msg("report does not name the column: %s", report);
    if (strstr(report, "dòng 2")) fail_msg("report blames the good line: %s", report);
    assert_int_equal(count_procs(d), procs);
    assert_int_equal(count_audit(d), audit);
    assert_int_equal(proc_id_by_code(d, "BAD.001"), -1);

    static const struct {
        const char *csv;
        const char *in_report;
    } cases[] = {
        {"unit_code,code,name\n05443,DUP.1,Một\n05443,DUP.1,Hai\n", "dòng 3"},            /* duplicate code */
        {"unit_code,code,name\n05443,DUP.1,Một\n05443,DUP.1,Hai\n", "trùng với dòng 2"},
        {"unit_code,code,name,color\n05443,C.1,Một,đỏ\n", "color"},                        /* unknown column */
        {"unit_code,code\n05443,C.1\n", "unit_code hoặc name"},                             /* missing column */
        {"unit_code,code,name\n", "không có dòng"},                                        /* no rows */
        {"unit_code,code,name\n99999,C.1,Một\n", "dòng 2"},                                /* unknown unit */
        {"unit_code,code,name\n05443,C.1,\"Tên\x01lạ\"\n", "dòng 2"},                      /* control char */
        {"unit_code,code,name\n05443,C.1,\"T\xC3\x28n\"\n", "UTF-8"},                      /* bad UTF-8 */
        {"unit_code,code,name,days\n05443,C.1,Một,ba ngày\n", "days"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&e, 0, sizeof e);
        report = NULL;
        int rc = import(fx, cases[i].csv, &imported, &report, &e);
        if (rc != -1) fail_msg("case %zu was imported", i);
        if (!report || !strstr(report, cases[i].in_report))
            fail_msg("case %zu: report \"%s\" lacks \"%s\"", i, report ? report : "(null)", cases[i].in_report);
    }
    assert_int_equal(count_procs(d), procs);
    assert_int_equal(count_audit(d), audit);
}

static bool refuse_all(void *ctx, int64_t unit_id)
{
    (void)ctx;
    (void)unit_id;
    return false;
}

static bool only_unit(void *ctx, int64_t unit_id)
{
    return unit_id == *(int64_t *)ctx;
}

static void test_csv_import_permission(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    static const char csv[] = "unit_code,code,name\n05443,P.1,Một\n05602,P.2,Hai\n";
    int64_t procs = count_procs(d);
    int imported = -1;
    char *report = NULL;
    err e = {0};
    assert_int_equal(catalog_import_csv(d, fx->a, csv, strlen(csv), 0, refuse_all, NULL, &imported, &report, &e), -1);
    assert_non_null(strstr(report, "quyền"));
    int64_t c1 = unit(d, "05443");
    report = NULL;
    assert_int_equal(catalog_import_csv(d, fx->a, csv, strlen(csv), 0, only_unit, &c1, &imported, &report, &e), -1);
    if (!strstr(report, "dòng 3") || strstr(report, "dòng 2")) fail_msg("report: %s", report);
    assert_int_equal(count_procs(d), procs);
}

static void test_csv_parse_errors(void **state)
{
    fixture *fx = *state;
    int64_t procs = count_procs(fx->d);
    static const char *const bad[] = {
        "unit_code,name\n05443,\"Thủ tục chưa đóng ngoặc\n",   /* unterminated quote */
        "unit_code,name\n05443,\"Thủ tục\",\"x\n",
        "unit_code,name\n05443,Thủ \"tục\" lạ\n",              /* a quote inside an unquoted cell */
        "unit_code,name\n05443,\"Tên\"rác\n",                  /* text after a closing quote */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int imported = -1;
        char *report = NULL;
        err e = {0};
        int rc = import(fx, bad[i], &imported, &report, &e);
        if (rc != -1) fail_msg("case %zu was imported", i);
        if (!report || !strstr(report, "dòng 2") || !strstr(report, "CSV"))
            fail_msg("case %zu: report \"%s\"", i, report ? report : "(null)");
        assert_int_equal(e.status, 400);
    }
    assert_int_equal(count_procs(fx->d), procs);
}

static int count_rows_cb(void *ctx, int line, char **cells, int ncells)
{
    int *n = ctx;
    (void)cells;
    if (line != *n + 1 || ncells < 1) return -1;
    (*n)++;
    return 0;
}

static void test_csv_parse_direct(void **state)
{
    (void)state;
    static const char csv[] = "a,b\r\n\"x\r\ny\",2\r\n3,\"\"\"\"\r\n";
    int rows = 0;
    char errbuf[128] = "";
    assert_int_equal(catalog_csv_parse(csv, strlen(csv), count_rows_cb, &rows, errbuf, sizeof errbuf), 0);
    assert_int_equal(rows, 3);
    assert_int_equal(catalog_csv_parse("", 0, count_rows_cb, &rows, errbuf, sizeof errbuf), 0);
    rows = 0;
    assert_int_equal(catalog_csv_parse("a\n\"b", 4, count_rows_cb, &rows, errbuf, sizeof errbuf), -1);
    assert_non_null(strstr(errbuf, "dòng 2"));
    assert_int_equal(catalog_csv_columns[0] != NULL, 1);
    assert_string_equal(catalog_csv_columns[2], "name");
}

/* The catalogue says which procedures propose a letter: the column is read, checked and
 * kept when a file does not have it (an older export must not switch letters off). */
static void test_csv_letter_column(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    int imported = -1;
    char *report = NULL;
    err e = {0};
    static const char with[] = "unit_code,code,name,days,letter\r\n05602,CSV.L1,Thủ tục có thư,0,death\r\n";
    assert_int_equal(import(fx, with, &imported, &report, &e), 0);
    int64_t id = proc_id_by_code(d, "CSV.L1");
    assert_string_equal(catalog_letter_occasion(d, id), "death");
    static const char without[] = "unit_code,code,name,days\r\n05602,CSV.L1,Thủ tục có thư (sửa tên),0\r\n";
    assert_int_equal(import(fx, without, &imported, &report, &e), 0);
    assert_string_equal(catalog_letter_occasion(d, id), "death");
    static const char cleared[] = "unit_code,code,name,days,letter\r\n05602,CSV.L1,Thủ tục có thư,0,\r\n";
    assert_int_equal(import(fx, cleared, &imported, &report, &e), 0);
    assert_string_equal(catalog_letter_occasion(d, id), "");
    static const char bad[] = "unit_code,code,name,days,letter\r\n05602,CSV.L1,Thủ tục có thư,0,wedding\r\n";
    assert_int_equal(import(fx, bad, &imported, &report, &e), -1);
    assert_non_null(strstr(report, "letter"));
    assert_string_equal(catalog_letter_occasion(d, id), "");
    json_t *o = catalog_get(d, fx->a, proc_id_by_code(d, "1.001193"));
    assert_string_equal(jstr(o, "letter"), "birth");
    json_decref(o);
}

static void test_csv_export_round_trip(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    int64_t procs = count_procs(d);
    buf out;
    buf_init(&out, fx->a);
    int n = catalog_export_csv(d, fx->a, 0, &out);
    assert_int_equal(n, (int)q_int(d, "SELECT count(*) FROM procedures WHERE active = 1", NULL));
    const char *first = buf_cstr(&out);
    assert_int_equal(strncmp(first, "unit_code,code,name,", 20), 0);
    assert_non_null(strstr(first, "\"Tờ khai, theo mẫu\nGiấy tờ \"\"gốc\"\" để đối chiếu\""));

    int imported = -1;
    char *report = NULL;
    err e = {0};
    int rc = catalog_import_csv(d, fx->a, out.data, out.len, 0, NULL, NULL, &imported, &report, &e);
    if (rc != 0) fail_msg("re-import failed: %s / %s", e.user, report ? report : "");
    assert_int_equal(imported, n);
    assert_int_equal(count_procs(d), procs);   /* same unit + code: updated, not added */

    buf again;
    buf_init(&again, fx->a);
    assert_int_equal(catalog_export_csv(d, fx->a, 0, &again), n);
    assert_string_equal(buf_cstr(&again), first);   /* nothing changed on the way */

    /* one unit's export holds only that unit's own procedures */
    buf one;
    buf_init(&one, fx->a);
    int n1 = catalog_export_csv(d, fx->a, unit(d, "05443"), &one);
    assert_int_equal(n1, (int)q_int(d, "SELECT count(*) FROM procedures WHERE active = 1 AND unit_id = "
                                       "(SELECT id FROM units WHERE code = ?)", "05443"));
    assert_non_null(strstr(buf_cstr(&one), "\"TT.0001\""));
    assert_null(strstr(buf_cstr(&one), "\"1.001193\""));

    char why[256] = "";
    int64_t rows;
    assert_int_equal(audit_verify(d, why, sizeof why, &rows), 0);
}

/* Regression (fixed) (src/catalog/catalog.c, catalog_import_csv / existing_id): a procedure without a code
 * (allowed: code is optional) has no key to match on, so re-importing an export inserts it
 * again -- export -> import duplicates every code-less procedure. Expected: the round trip
 * leaves the procedure count unchanged (e.g. export an id column, or match code-less rows
 * on unit + name). */
static void csv_round_trip_keeps_procedures_without_code(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    procedure_fields in = {.unit_code = "05602", .name = "Thủ tục không có mã số", .field = "Thử nghiệm"};
    procedure p;
    err e = {0};
    assert_int_equal(catalog_check(d, fx->a, &in, &p, &e), 0);
    assert_int_equal(catalog_save(d, fx->a, 0, &p, 0, NULL, &e), 0);
    int64_t before = count_procs(d);
    buf out;
    buf_init(&out, fx->a);
    int n = catalog_export_csv(d, fx->a, unit(d, "05602"), &out);
    assert_true(n >= 1);
    int imported = -1;
    char *report = NULL;
    assert_int_equal(catalog_import_csv(d, fx->a, out.data, out.len, 0, NULL, NULL, &imported, &report, &e), 0);
    int64_t after = count_procs(d);
    if (after != before)
        fail_msg("regression: export + re-import of unit 05602 changed the procedure count from %lld to %lld",
                 (long long)before, (long long)after);
}

/* Cells a spreadsheet would run as a formula leave the export behind an apostrophe (OWASP),
 * tab and carriage return first included, and the import takes it off again. */
static void csv_export_defuses_formula_cells(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    err e = {0};
    procedure_fields in = {.unit_code = "05602", .code = "9.123456", .name = "Thủ tục thử công thức", .field = "x",
                           .result = "r"};
    procedure p;
    int64_t id = 0;
    assert_int_equal(catalog_check(d, fx->a, &in, &p, &e), 0);
    assert_int_equal(catalog_save(d, fx->a, 0, &p, 0, &id, &e), 0);
    /* the forms trim spaces: put the tab and CR in as another program might have */
    db_stmt *s = db_prepare(d, "UPDATE procedures SET field = ?, result = ?, fee_text = ?, time_text = ? WHERE id = ?");
    db_bind_text(s, 1, "\t=1+1");
    db_bind_text(s, 2, "\r=cmd|' /C calc'!A0");
    db_bind_text(s, 3, "-5");
    db_bind_text(s, 4, "''@x");
    db_bind_int(s, 5, id);
    assert_int_equal(db_step(s), DB_DONE);
    db_done(s);
    buf out;
    buf_init(&out, fx->a);
    catalog_export_csv(d, fx->a, unit(d, "05602"), &out);
    const char *csv = buf_cstr(&out);
    assert_non_null(strstr(csv, "\"'\t=1+1\""));
    assert_non_null(strstr(csv, "\"'\r=cmd|' /C calc'!A0\""));
    assert_non_null(strstr(csv, "\"'-5\""));
    assert_non_null(strstr(csv, "\"'''@x\""));
    int imported = 0;
    char *report = NULL;
    assert_int_equal(catalog_import_csv(d, fx->a, out.data, out.len, 0, NULL, NULL, &imported, &report, &e), 0);
    /* the import trims spaces as the forms do, so a leading tab or CR may go; nothing else changes */
    assert_int_equal(q_int(d, "SELECT count(*) FROM procedures WHERE code = '9.123456' AND field IN ('=1+1', "
                              "char(9) || '=1+1') AND fee_text = '-5' AND time_text = '''''@x' AND "
                              "result LIKE '%=cmd|%'", NULL), 1);
}

/* The province always keeps an active administrator: neither a role change nor locking may
 * take away the last one, whoever asks (the web pages also stop an administrator from
 * demoting or locking himself). */
static void last_admin_cannot_be_removed(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    err e = {0};
    /* a database of its own with the demo's one administrator */
    db *own = fresh_demo_db(fx, "admins.db");
    assert_non_null(own);
    int64_t admin = q_int(own, "SELECT id FROM users WHERE username = ?", "admin");
    assert_int_equal(q_int(own, "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1", NULL), 1);
    assert_int_equal(account_user_update(own, admin, "19", "officer", "Quản trị", 0, &e), -1);
    assert_int_equal(e.status, 409);
    memset(&e, 0, sizeof e);
    assert_int_equal(account_user_set_active(own, admin, false, 0, &e), -1);
    assert_int_equal(e.status, 409);
    assert_int_equal(q_int(own, "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1", NULL), 1);
    /* with a second administrator either change is allowed, and audited */
    memset(&e, 0, sizeof e);
    int64_t second = 0;
    assert_int_equal(account_user_add(own, "19", "admin", "quantri2", "Quản trị hai", "MatKhau@2026!", 0, &second, &e), 0);
    assert_int_equal(account_user_update(own, admin, "19", "assessor", "Quản trị", 0, &e), 0);
    assert_int_equal(q_int(own, "SELECT count(*) FROM audit_log WHERE action = 'user.update'", NULL), 1);
    /* and now the second is the last */
    assert_int_equal(account_user_set_active(own, second, false, 0, &e), -1);
    assert_int_equal(e.status, 409);
    db_close(own);
    (void)d;
}

/* Everyday phrasing: i for y, filler words, ranked by the words matched. */
static void search_by_everyday_phrasing(void **state)
{
    fixture *fx = *state;
    static const char *const queries[] = {"dang ki khai sinh", "làm giấy khai sinh", "khai sinh cho con",
                                          "thủ tục xin cấp giấy khai sinh", "Đăng kí khai sinh"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        int64_t total = -1;
        json_t *rows = search(fx, "05443", queries[i], NULL, 50, 0, &total);
        const char *first = json_array_size(rows) ? jstr(json_array_get(rows, 0), "name") : "";
        if (strcmp(first, "Thủ tục đăng ký khai sinh"))
            fail_msg("query \"%s\": first is \"%s\"", queries[i], first);
        json_decref(rows);
    }
    /* only filler words: they are searched for after all, not the whole catalogue */
    int64_t all = -1, fillers = -1;
    json_decref(search(fx, "05443", "", NULL, 500, 0, &all));
    json_decref(search(fx, "05443", "giấy tờ", NULL, 500, 0, &fillers));
    assert_true(fillers < all);
}

#define TS(fn) cmocka_unit_test_setup_teardown(fn, test_setup, test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TS(test_schema_migrate),
        TS(test_db_open_bad_path),
        TS(test_read_snapshot),
        TS(test_pool_lowest_first),
        TS(test_demo_created_once),
        TS(test_roles),
        TS(test_user_add_validation),
        TS(test_login_session_logout),
        TS(test_login_lockout),
        TS(test_scoping),
        TS(test_audit_chain),
        TS(test_catalog_check_errors),
        TS(test_catalog_check_converts),
        TS(test_catalog_save_get),
        TS(test_catalog_search),
        TS(test_csv_import_good),
        TS(test_csv_import_bad_row_saves_nothing),
        TS(test_csv_import_permission),
        TS(test_csv_parse_errors),
        TS(test_csv_parse_direct),
        TS(test_csv_letter_column),
        TS(test_csv_export_round_trip),
        TS(test_audit_main_chain_holds),
        TS(audit_append_null_detail_does_not_leak),
        TS(csv_round_trip_keeps_procedures_without_code),
        TS(last_admin_cannot_be_removed),
        TS(csv_export_defuses_formula_cells),
        TS(search_by_everyday_phrasing),
        TS(test_user_added_with_a_shared_hash),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
