/* test_intake_write.c -- dossier intakes on the one write path (db_write) of a pool, as the
 * server runs them: concurrent intakes share commits (fewer commits than writes), and an
 * intake that fails half-way (its booking was taken by the intake beside it in the same
 * batch) leaves nothing behind -- no dossier, no step, no number taken, no audit row -- while
 * its batch-mates are all saved, numbered without a gap, and the audit chain verifies.
 *
 * A "gate" write holds the pool's writer until the intakes are all queued behind it, so they
 * form one known batch (db_pool_write_stats counts what is pending). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/audit/audit.h"
#include "../../src/core/arena.h"
#include "../../src/core/calendar.h"
#include "../../src/demo/demo.h"
#include "../../src/dossier/dossier.h"
#include "../../src/store/db.h"
#include "testdir.h"

static char dir[64];

typedef struct {
    char path[160];
    db_pool *pool;
    int64_t unit, desk, proc, booking;
} world;

static int64_t sql1(db *d, const char *sql, const char *arg)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s) fail_msg("bad sql: %s", sql);
    if (arg) db_bind_text(s, 1, arg);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static int64_t count(world *w, const char *sql, const char *arg)
{
    db *d = db_acquire(w->pool);
    int64_t n = sql1(d, sql, arg);
    db_release(w->pool, d);
    return n;
}

static int setup(void **state)
{
    static int n;
    world *w = calloc(1, sizeof *w);
    snprintf(w->path, sizeof w->path, "%s/intake-%d.db", dir, n++);
    err e = {0};
    db *d = db_open(w->path, &e);
    if (!d || db_migrate(d, &e) || demo_create(d, &e)) fail_msg("db: %s / %s", e.user, e.log);
    w->unit = sql1(d, "SELECT id FROM units WHERE code = ?", "05443");
    w->desk = sql1(d, "SELECT id FROM users WHERE username = ?", "canbo1");
    w->proc = sql1(d, "SELECT id FROM procedures WHERE code = ?", "1.001193");
    /* a confirmed booking the citizen brings to the desk */
    int64_t slot = cal_instant(cal_from_ymd(2026, 11, 23), 9 * 60);
    db_stmt *s = db_prepare(d, "INSERT INTO bookings (code, unit_id, procedure_id, day, slot_start, slot_minutes, name, "
                               "phone, status, created_at, updated_at) VALUES ('DL-7K3Q9P', ?, ?, ?, ?, 30, "
                               "'Trần Văn Bình', '0912000111', 'booked', ?, ?) RETURNING id");
    db_bind_int(s, 1, w->unit);
    db_bind_int(s, 2, w->proc);
    db_bind_int(s, 3, cal_local_day(slot));
    db_bind_int(s, 4, slot);
    db_bind_int(s, 5, slot - 86400);
    db_bind_int(s, 6, slot - 86400);
    w->booking = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    db_close(d);
    if (w->unit < 0 || w->desk < 0 || w->proc < 0 || w->booking < 0) fail_msg("demo data missing");
    w->pool = db_pool_open(w->path, 12, &e);
    if (!w->pool) fail_msg("pool: %s", e.log);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    db_pool_close(w->pool);
    free(w);
    return 0;
}

static db_write_stats stats(db_pool *p)
{
    db_write_stats s;
    db_pool_write_stats(p, &s);
    return s;
}

/* ---- the gate ------------------------------------------------------------------------ */

typedef struct {
    db_pool *pool;
    uint64_t wait_n;
    bool all_queued;
} gate;

/* Holds the writer until wait_n writes are pending (itself included); 5 seconds at most. */
static int gate_write(db *c, void *ctx, err *e)
{
    (void)c;
    (void)e;
    gate *g = ctx;
    for (int i = 0; i < 5000 && !g->all_queued; i++) {
        if (stats(g->pool).pending >= g->wait_n) g->all_queued = true;
        else usleep(1000);
    }
    return 0;
}

static void *gate_main(void *arg)
{
    gate *g = arg;
    db *d = db_acquire(g->pool);
    err e = {0};
    db_write(d, gate_write, g, &e);
    db_release(g->pool, d);
    return NULL;
}

/* ---- intakes on threads of their own ------------------------------------------------- */

typedef struct {
    world *w;
    int count;
    bool with_booking;   /* the first intake brings the booking */
    int saved, failures;
    err last;
    int64_t day;          /* when it is received */
} clerk;

static void *clerk_main(void *arg)
{
    clerk *k = arg;
    world *w = k->w;
    arena *a = arena_new();
    db *d = db_acquire(w->pool);
    for (int i = 0; i < k->count; i++) {
        dossier_intake in = {.unit_id = w->unit, .procedure_id = w->proc, .applicant_name = "Trần Văn Bình",
                             .applicant_phone = "0912000111", .applicant_address = "Tổ 3, phường Phan Đình Phùng",
                             .channel = "desk", .return_method = "desk", .received_at = k->day,
                             .applicant_sex = "male", .booking_code = k->with_booking && i == 0 ? "DL-7K3Q9P" : NULL};
        dossier_created out;
        err e = {0};
        if (dossier_create(d, a, &in, w->desk, &out, &e) == 0) {
            k->saved++;
        } else {
            k->failures++;
            k->last = e;
        }
    }
    db_release(w->pool, d);
    arena_free(a);
    return NULL;
}

static void audit_ok(world *w)
{
    db *d = db_acquire(w->pool);
    char why[256] = "";
    int64_t checked = 0;
    int64_t bad = audit_verify(d, why, sizeof why, &checked);
    db_release(w->pool, d);
    if (bad != 0) fail_msg("audit chain broken at %lld: %s", (long long)bad, why);
    assert_true(checked > 0);
}

/* Eight intakes queued behind the gate form one batch; two of them bring the same booking:
 * one is saved with it, the other fails (409) after it had taken its numbers and written
 * its rows, and is undone alone. */
static void a_failing_intake_in_a_batch_leaves_nothing(void **state)
{
    world *w = *state;
    enum { CLERKS = 8 };
    int64_t day = cal_instant(cal_from_ymd(2026, 11, 23), 9 * 60 + 5);
    const char *period = "D2026-11-23";
    int64_t dossiers0 = count(w, "SELECT COUNT(*) FROM dossiers", NULL);
    int64_t steps0 = count(w, "SELECT COUNT(*) FROM dossier_steps", NULL);
    int64_t audits0 = count(w, "SELECT COUNT(*) FROM audit_log WHERE action = 'dossier.create'", NULL);
    int64_t last0 = count(w, "SELECT COALESCE(MAX(last), 0) FROM dossier_counters WHERE period = ?", period);
    db_write_stats s0 = stats(w->pool);

    gate g = {.pool = w->pool, .wait_n = 1 + CLERKS};
    pthread_t gt, t[CLERKS];
    clerk k[CLERKS];
    assert_int_equal(pthread_create(&gt, NULL, gate_main, &g), 0);
    while (stats(w->pool).pending < 1) usleep(1000);
    for (int i = 0; i < CLERKS; i++) {
        k[i] = (clerk){.w = w, .count = 1, .with_booking = i < 2, .day = day};
        assert_int_equal(pthread_create(&t[i], NULL, clerk_main, &k[i]), 0);
    }
    pthread_join(gt, NULL);
    for (int i = 0; i < CLERKS; i++) pthread_join(t[i], NULL);
    int saved = 0, failed = 0;
    for (int i = 0; i < CLERKS; i++) {
        saved += k[i].saved;
        failed += k[i].failures;
        if (k[i].failures) {
            assert_true(i < 2);   /* only a booking's second use fails */
            assert_int_equal(k[i].last.status, 409);
            assert_string_equal(k[i].last.user, "Lịch hẹn này đã được dùng để tiếp nhận một hồ sơ khác.");
        }
    }
    assert_true(g.all_queued);   /* the intakes went through the pool's writer */
    assert_int_equal(saved, CLERKS - 1);
    assert_int_equal(failed, 1);

    /* the batch: the gate's commit, then one commit for the eight intakes */
    db_write_stats s1 = stats(w->pool);
    assert_int_equal(s1.writes - s0.writes, 1 + CLERKS);
    assert_int_equal(s1.commits - s0.commits, 2);

    /* nothing half-saved: every row counted is a saved intake's */
    assert_int_equal(count(w, "SELECT COUNT(*) FROM dossiers", NULL) - dossiers0, saved);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM dossier_steps", NULL) - steps0, saved);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit_log WHERE action = 'dossier.create'", NULL) - audits0, saved);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM dossiers WHERE booking_id IS NOT NULL", NULL), 1);
    /* the failed intake's number was given back: the day's numbers have no gap */
    assert_int_equal(count(w, "SELECT MAX(last) FROM dossier_counters WHERE period = ?", period) - last0, saved);
    audit_ok(w);
}

/* Many clerks at once: every intake saved, each with its own number, in fewer commits. */
static void concurrent_intakes_share_commits(void **state)
{
    world *w = *state;
    enum { CLERKS = 8, EACH = 15 };
    int64_t day = cal_instant(cal_from_ymd(2026, 11, 24), 8 * 60);
    int64_t dossiers0 = count(w, "SELECT COUNT(*) FROM dossiers", NULL);
    int64_t last0 = count(w, "SELECT COALESCE(MAX(last), 0) FROM dossier_counters WHERE period = ?", "D2026-11-24");
    db_write_stats s0 = stats(w->pool);
    pthread_t t[CLERKS];
    clerk k[CLERKS];
    for (int i = 0; i < CLERKS; i++) {
        k[i] = (clerk){.w = w, .count = EACH, .day = day};
        assert_int_equal(pthread_create(&t[i], NULL, clerk_main, &k[i]), 0);
    }
    for (int i = 0; i < CLERKS; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < CLERKS; i++) {
        if (k[i].failures) fail_msg("clerk %d: %d failed, last %d %s", i, k[i].failures, k[i].last.status, k[i].last.log);
    }
    assert_int_equal(count(w, "SELECT COUNT(*) FROM dossiers", NULL) - dossiers0, CLERKS * EACH);
    assert_int_equal(count(w, "SELECT COUNT(DISTINCT code) FROM dossiers", NULL),
                     count(w, "SELECT COUNT(*) FROM dossiers", NULL));
    assert_int_equal(count(w, "SELECT MAX(last) FROM dossier_counters WHERE period = ?", "D2026-11-24") - last0,
                     CLERKS * EACH);
    db_write_stats s1 = stats(w->pool);
    assert_int_equal(s1.writes - s0.writes, CLERKS * EACH);
    assert_true(s1.commits - s0.commits < s1.writes - s0.writes);
    fprintf(stderr, "   %llu intakes in %llu commits\n", (unsigned long long)(s1.writes - s0.writes),
            (unsigned long long)(s1.commits - s0.commits));
    audit_ok(w);
}

int main(void)
{
    memcpy(dir, "/tmp/thanthien-intake-XXXXXX", sizeof "/tmp/thanthien-intake-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_failing_intake_in_a_batch_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_intakes_share_commits, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    testdir_remove(dir);
    return rc;
}
