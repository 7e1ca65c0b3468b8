/* test_audit.c -- cmocka tests of the audit log (src/audit) against a real SQLite file: the
 * chain, the rows written before migration 013 (format 1) still verifying, NULL hashed apart
 * from 0, and the anchor outside the database -- a key file and signed checkpoints -- that
 * catches the deletion of the last rows (or all), a recomputed chain, a forged checkpoint and
 * a head written down elsewhere that is gone; and the chain kept whole when many threads'
 * audited writes (units, hamlets, calendar days, SMS settings) go through a pool's writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "testdir.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pthread.h>

#include "../../src/account/account.h"
#include "../../src/audit/audit.h"
#include "../../src/holiday/holiday.h"
#include "../../src/notify/notify.h"
#include "../../src/store/db.h"

typedef struct {
    char dir[64], path[192], key[224], log[224];
    db *d;
} fixture;

static fixture fx_storage;

static int setup(void **state)
{
    fixture *fx = &fx_storage;
    memset(fx, 0, sizeof *fx);
    memcpy(fx->dir, "/tmp/thanthien-audit-XXXXXX", sizeof "/tmp/thanthien-audit-XXXXXX");
    if (!mkdtemp(fx->dir)) return -1;
    snprintf(fx->path, sizeof fx->path, "%.63s/main.db", fx->dir);
    snprintf(fx->key, sizeof fx->key, "%.191s.audit-key", fx->path);
    snprintf(fx->log, sizeof fx->log, "%.191s.audit-log", fx->path);
    err e = {0};
    fx->d = db_open(fx->path, &e);
    if (!fx->d || db_migrate(fx->d, &e) != 0) return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    audit_anchor_close();
    db_close(fx->d);
    testdir_remove(fx->dir);
    return 0;
}

static void exec(fixture *fx, const char *sql)
{
    assert_int_equal(db_begin_write(fx->d), DB_DONE);
    db_stmt *s = db_prepare(fx->d, sql);
    assert_non_null(s);
    assert_int_equal(db_step(s), DB_DONE);
    db_done(s);
    assert_int_equal(db_commit(fx->d), DB_DONE);
}

static void append(fixture *fx, int64_t at, int64_t actor, int64_t unit, const char *action, int64_t entity_id)
{
    assert_int_equal(db_begin_write(fx->d), DB_DONE);
    assert_int_equal(audit_append(fx->d, at, actor, unit, action, "thing", entity_id, json_pack("{s:I}", "n", (json_int_t)at)), 0);
    assert_int_equal(db_commit(fx->d), DB_DONE);
}

/* 0, or the broken row (-1 for what no row shows), verified with the files of the fixture */
static int64_t verify(fixture *fx, const char *expect, char why[512])
{
    audit_check c = {.key_path = fx->key, .log_path = fx->log, .expect_head = expect};
    int64_t checked;
    char head[96];
    why[0] = '\0';
    return audit_verify_with(fx->d, &c, why, 512, &checked, head);
}

/* A row as written before migration 013: SHA-256 of "prev|id|at|user|unit|action|entity|
 * entity_id|detail" with NULLs written as 0, format 1. */
static void append_format1(fixture *fx, int64_t id, const char *prev, bool user_null, char out[65])
{
    char text[512];
    snprintf(text, sizeof text, "%s|%lld|1700000000|%d|0|old.action|thing|0|{}", prev, (long long)id,
             user_null ? 0 : 7);
    unsigned char h[32];
    crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
    sodium_bin2hex(out, 65, h, sizeof h);
    char sql[600];
    snprintf(sql, sizeof sql, "INSERT INTO audit_log (id, at, user_id, unit_id, action, entity, entity_id, detail, "
             "prev_hash, hash, format) VALUES (%lld, 1700000000, %s, NULL, 'old.action', 'thing', NULL, '{}', '%s', "
             "'%s', 1)", (long long)id, user_null ? "NULL" : "7", prev, out);
    exec(fx, sql);
}

static void test_old_rows_verify_and_null_differs_from_zero(void **state)
{
    fixture *fx = *state;
    char why[512], h1[65], h2[65];
    append_format1(fx, 1, "0000000000000000000000000000000000000000000000000000000000000000", true, h1);
    append_format1(fx, 2, h1, false, h2);
    append(fx, 1700000100, 0, 0, "new.action", 0);    /* format 2: NULL user, unit and entity */
    append(fx, 1700000200, 3, 5, "new.action", 9);
    assert_int_equal(verify(fx, NULL, why), 0);
    /* a NULL turned into 0 (or back) is now seen ... */
    exec(fx, "UPDATE audit_log SET user_id = 0 WHERE id = 3");
    assert_int_equal(verify(fx, NULL, why), 3);
    exec(fx, "UPDATE audit_log SET user_id = NULL WHERE id = 3");
    exec(fx, "UPDATE audit_log SET entity_id = 0 WHERE id = 3");
    assert_int_equal(verify(fx, NULL, why), 3);
    exec(fx, "UPDATE audit_log SET entity_id = NULL WHERE id = 3");
    assert_int_equal(verify(fx, NULL, why), 0);
    /* ... and a row cannot go back to the old format to hide it */
    exec(fx, "UPDATE audit_log SET format = 1 WHERE id = 4");
    assert_int_equal(verify(fx, NULL, why), 4);
    exec(fx, "UPDATE audit_log SET format = 2 WHERE id = 4");
    assert_int_equal(verify(fx, NULL, why), 0);
}

static void test_key_file_and_checkpoints(void **state)
{
    fixture *fx = *state;
    err e = {0};
    char why[512];
    assert_int_equal(audit_anchor_open(fx->path, NULL, NULL, &e), 0);
    struct stat st;
    assert_int_equal(stat(fx->key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(audit_checkpoint(fx->d, 1000), 1);   /* an empty log is signed too */
    assert_int_equal(audit_checkpoint(fx->d, 1060), 0);   /* nothing moved: no line */
    for (int i = 0; i < 5; i++) append(fx, 1100 + i, 1, 1, "x.change", i + 1);
    assert_int_equal(audit_checkpoint(fx->d, 1120), 1);
    assert_int_equal(verify(fx, NULL, why), 0);
    /* the server's own check (the audit page) uses the open anchor */
    int64_t checked;
    assert_int_equal(audit_verify(fx->d, why, sizeof why, &checked), 0);
    assert_int_equal(checked, 5);
    audit_anchor_close();
    /* reopened, the same key is read again (not replaced) and still verifies */
    assert_int_equal(audit_anchor_open(fx->path, NULL, NULL, &e), 0);
    assert_int_equal(verify(fx, "5", why), -1);   /* not a head */
    char head[96], last[65];
    audit_check c = {.key_path = fx->key, .log_path = fx->log};
    assert_int_equal(audit_verify_with(fx->d, &c, why, sizeof why, &checked, head), 0);
    snprintf(last, sizeof last, "%s", strchr(head, ':') + 1);
    assert_int_equal(verify(fx, head, why), 0);
    assert_int_equal(verify(fx, last, why), 0);
}

/* The issue: deleting the last rows, or all of them, went unnoticed. */
static void test_deleting_the_last_rows_is_caught(void **state)
{
    fixture *fx = *state;
    err e = {0};
    char why[512];
    assert_int_equal(audit_anchor_open(fx->path, NULL, NULL, &e), 0);
    for (int i = 0; i < 4; i++) append(fx, 2000 + i, 1, 1, "x.change", i + 1);
    assert_int_equal(audit_checkpoint(fx->d, 2010), 1);
    char head[96];
    int64_t checked;
    audit_check c = {.key_path = fx->key, .log_path = fx->log};
    assert_int_equal(audit_verify_with(fx->d, &c, why, sizeof why, &checked, head), 0);
    exec(fx, "DELETE FROM audit_log WHERE id = 4");
    assert_int_equal(verify(fx, NULL, why), -1);
    assert_non_null(strstr(why, "rows 4 to 4"));
    assert_non_null(strstr(why, "missing"));
    exec(fx, "DELETE FROM audit_log");
    assert_int_equal(verify(fx, NULL, why), -1);
    assert_non_null(strstr(why, "rows 1 to 4"));
    /* without the checkpoint file, the head written down elsewhere still catches it */
    unlink(fx->log);
    assert_int_equal(verify(fx, NULL, why), 0);
    assert_int_equal(verify(fx, head, why), -1);
    assert_non_null(strstr(why, "is not in the log"));
}

/* The issue: anyone who can write the database could recompute the plain SHA-256 chain. */
static void test_recomputed_chain_and_forged_checkpoint_are_caught(void **state)
{
    fixture *fx = *state;
    err e = {0};
    char why[512];
    assert_int_equal(audit_anchor_open(fx->path, NULL, NULL, &e), 0);
    for (int i = 0; i < 3; i++) append(fx, 3000 + i, 1, 1, "x.change", i + 1);
    assert_int_equal(audit_checkpoint(fx->d, 3010), 1);
    /* rewrite row 2 and everything after it with a chain that holds by itself */
    exec(fx, "DELETE FROM audit_log WHERE id >= 2");
    append(fx, 3001, 1, 1, "x.other", 99);
    append(fx, 3002, 1, 1, "x.change", 3);
    int64_t checked;
    assert_int_equal(audit_verify_with(fx->d, &(audit_check){0}, why, sizeof why, &checked, NULL), 0);   /* chain alone */
    assert_int_equal(verify(fx, NULL, why), 3);
    assert_non_null(strstr(why, "checkpoint"));
    /* a checkpoint line written without the key is refused */
    FILE *f = fopen(fx->log, "a");
    fprintf(f, "3020 3 %064d %064d\n", 0, 0);
    fclose(f);
    assert_int_equal(verify(fx, NULL, why), -1);
    assert_non_null(strstr(why, "not signed by the audit key"));
    /* and another key does not verify the server's checkpoints */
    unlink(fx->key);
    FILE *k = fopen(fx->key, "w");
    fprintf(k, "%064d\n", 1);
    fclose(k);
    assert_int_equal(verify(fx, NULL, why), -1);
}

/* ---- audited writes through a pool's writer ------------------------------------------------ */

enum { THREADS = 8, PER_THREAD = 12 };

typedef struct {
    db_pool *pool;
    int64_t unit;
    int n;
    int failed;
} writer_arg;

/* Three features' audited writes in turn, each a db_write on this thread's pooled connection. */
static void *audited_writes(void *p)
{
    writer_arg *w = p;
    db *d = db_acquire(w->pool);
    for (int i = 0; i < PER_THREAD; i++) {
        err e = {0};
        char name[64], day[16];
        int rc;
        if (i % 3 == 0) {
            snprintf(name, sizeof name, "Tổ dân phố %d-%d", w->n, i);
            rc = account_hamlet_create(d, w->unit, name, "120", "300", 0, &e);
        } else if (i % 3 == 1) {
            snprintf(day, sizeof day, "2031-%02d-%02d", 1 + w->n, 1 + i);
            rc = holiday_day_save(d, day, "off", "Nghỉ thử", 0, &e);
        } else {
            rc = notify_sms_plain_save(d, w->unit, i % 2, 0, &e);
        }
        if (rc != 0) {
            fprintf(stderr, "write %d/%d: %s (%s)\n", w->n, i, e.user, e.log);
            w->failed++;
        }
    }
    db_release(w->pool, d);
    return NULL;
}

static void test_audited_writes_through_a_pool_keep_the_chain(void **state)
{
    fixture *fx = *state;
    err e = {0};
    unit_fields u = {.code = "19", .kind = "province", .name = "Tỉnh Thái Nguyên"};
    assert_int_equal(account_unit_save(fx->d, &u, true, 0, 0, &e), 0);
    int64_t unit = account_unit_id(fx->d, "19");
    db_pool *pool = db_pool_open(fx->path, THREADS, &e);
    assert_non_null(pool);
    db_write_stats before, after;
    db_pool_write_stats(pool, &before);
    pthread_t t[THREADS];
    writer_arg w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (writer_arg){.pool = pool, .unit = unit, .n = i};
        assert_int_equal(pthread_create(&t[i], NULL, audited_writes, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failed, 0);
    }
    db_pool_write_stats(pool, &after);
    db_pool_close(pool);
    holiday_cleanup();
    /* every write went to the writer, batched into its commits */
    assert_int_equal(after.writes - before.writes, THREADS * PER_THREAD);
    assert_true(after.commits - before.commits <= after.writes - before.writes);
    char why[512];
    int64_t checked = 0;
    assert_int_equal(audit_verify(fx->d, why, sizeof why, &checked), 0);
    assert_int_equal(checked, 1 + THREADS * PER_THREAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_old_rows_verify_and_null_differs_from_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_file_and_checkpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleting_the_last_rows_is_caught, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recomputed_chain_and_forged_checkpoint_are_caught, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audited_writes_through_a_pool_keep_the_chain, setup, teardown),
    };
    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
