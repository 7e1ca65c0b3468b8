/* test_write.c -- the one write path (db_write) on a pool over a real SQLite file: group
 * commit batches many callers' writes into one commit, a failing write is undone alone while
 * its batch-mates commit, a nested db_write joins the enclosing write, a failed commit
 * reaches every caller of its batch, and closing the pool answers the writes in flight.
 * Also the lookups' kept read snapshots (db_read_recent): never staler than the pool's last
 * commit, nor than a millisecond for another process's, and ended by any other use.
 *
 * Every test has a database of its own. To put several writes into one known batch, a
 * "gate" write holds the writer until the others are queued behind it (db_pool_write_stats
 * counts what is pending): they then form the next batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "testdir.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../src/store/db.h"

typedef struct {
    char dir[64];
    char path[160];
    db_pool *pool;   /* opened by each test that needs it, closed by the teardown if left */
} fixture;

static fixture fx_storage;

static int test_setup(void **state)
{
    fixture *fx = &fx_storage;
    memset(fx, 0, sizeof *fx);
    memcpy(fx->dir, "/tmp/thanthien-write-XXXXXX", sizeof "/tmp/thanthien-write-XXXXXX");
    if (!mkdtemp(fx->dir)) return -1;
    snprintf(fx->path, sizeof fx->path, "%.63s/main.db", fx->dir);
    err e = {0};
    db *d = db_open(fx->path, &e);
    if (!d) return -1;
    int rc = db_exec(d, "CREATE TABLE t (who INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (who, n)) STRICT");
    rc |= db_exec(d, "CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT");
    /* checked at COMMIT only: a way to make a batch's commit fail */
    rc |= db_exec(d, "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL"
                     " REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED) STRICT");
    db_close(d);
    if (rc != DB_DONE) return -1;
    *state = fx;
    return 0;
}

static int test_teardown(void **state)
{
    fixture *fx = *state;
    db_pool_close(fx->pool);
    testdir_remove(fx->dir);
    return 0;
}

static db_pool *open_pool(fixture *fx, int connections)
{
    err e = {0};
    fx->pool = db_pool_open(fx->path, connections, &e);
    if (!fx->pool) fail_msg("pool: %s / %s", e.user, e.log);
    return fx->pool;
}

/* Rows of t with this who (or all rows with who < 0), read on a connection of its own. */
static int rows(fixture *fx, int64_t who)
{
    err e = {0};
    db *d = db_open(fx->path, &e);
    assert_non_null(d);
    int n = (int)db_int_by_id(d, who < 0 ? "SELECT count(*) FROM t WHERE ? < 0" : "SELECT count(*) FROM t WHERE who = ?",
                              who, -1);
    db_close(d);
    return n;
}

static db_write_stats stats(db_pool *p)
{
    db_write_stats s;
    db_pool_write_stats(p, &s);
    return s;
}

/* Waits until at least n writes are pending on p; false after 5 seconds. */
static bool wait_pending(db_pool *p, uint64_t n)
{
    for (int i = 0; i < 5000; i++) {
        if (stats(p).pending >= n) return true;
        usleep(1000);
    }
    return false;
}

/* ---- write functions ---------------------------------------------------------------- */

typedef struct {
    int64_t who, n;
    int fail_status;          /* fn inserts its row, then fails with this status when set */
    bool orphan;              /* fn also inserts a child without a parent (COMMIT fails) */
    db_pool *wait_for;        /* the gate: holds the writer until wait_n writes are pending */
    uint64_t wait_n;
    volatile int *running;    /* the gate: set once its function runs on the writer */
    int sleep_ms;
} row_job;

static int insert_row(db *d, void *ctx, err *e)
{
    row_job *j = ctx;
    if (j->running) __atomic_store_n(j->running, 1, __ATOMIC_RELEASE);
    if (j->sleep_ms) usleep((useconds_t)j->sleep_ms * 1000);
    if (j->wait_for && !wait_pending(j->wait_for, j->wait_n)) {
        err_set(e, 500, "gate", "the others never queued");
        return -1;
    }
    db_stmt *s = db_prepare(d, "INSERT INTO t (who, n) VALUES (?, ?)");
    db_bind_int(s, 1, j->who);
    db_bind_int(s, 2, j->n);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, "insert", "insert: %s", db_errmsg(d));
        return -1;
    }
    if (j->orphan && db_exec(d, "INSERT INTO child (id, parent_id) VALUES (1, 999)") != DB_DONE) {
        err_set(e, 500, "orphan", "orphan insert: %s", db_errmsg(d));
        return -1;
    }
    if (j->fail_status) {
        err_set(e, j->fail_status, "Đã có người khác sửa hồ sơ này.", "refused on purpose");
        return -1;
    }
    return 0;
}

/* A caller on a thread of its own, with a pooled connection it keeps (release=false: the
 * pool may be closed while the write is in flight). */
typedef struct {
    db_pool *pool;
    row_job job;
    int count;                /* writes, each with n = job.n + i */
    bool release;
    int rc, status, failures;
    err e;
} caller;

static void *call(void *arg)
{
    caller *c = arg;
    db *d = db_acquire(c->pool);
    for (int i = 0; i < (c->count ? c->count : 1); i++) {
        row_job j = c->job;
        j.n = c->job.n + i;
        err e = {0};
        int rc = db_write(d, insert_row, &j, &e);
        if (rc != 0) {
            c->failures++;
            c->e = e;
        }
        c->rc = rc;
        c->status = e.status;
    }
    if (c->release) db_release(c->pool, d);
    return NULL;
}

/* ---- tests -------------------------------------------------------------------------- */

/* 16 threads x 200 writes: every row is there, and there were fewer commits than writes. */
static void test_many_threads_group_commit(void **state)
{
    fixture *fx = *state;
    enum { THREADS = 16, EACH = 200 };
    db_pool *p = open_pool(fx, THREADS);
    caller c[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        c[i] = (caller){.pool = p, .job = {.who = i}, .count = EACH, .release = true};
        assert_int_equal(pthread_create(&t[i], NULL, call, &c[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        if (c[i].failures) fail_msg("thread %d: %d failures, last %d %s", i, c[i].failures, c[i].status, c[i].e.log);
    }
    assert_int_equal(rows(fx, -1), THREADS * EACH);
    db_write_stats s = stats(p);
    assert_int_equal(s.writes, THREADS * EACH);
    assert_int_equal(s.pending, 0);
    assert_true(s.commits >= 1);
    assert_true(s.commits < s.writes);
    fprintf(stderr, "   %llu writes in %llu commits\n", (unsigned long long)s.writes, (unsigned long long)s.commits);
}

/* The gate on its own thread, then k callers queued behind it: they form one batch. */
static void gate_then_batch(fixture *fx, caller *gate, pthread_t *gt, caller *c, pthread_t *t, int k)
{
    db_pool *p = fx->pool;
    static volatile int gate_running;
    gate_running = 0;
    *gate = (caller){.pool = p, .job = {.who = 100, .wait_for = p, .wait_n = 1 + (uint64_t)k, .running = &gate_running},
                     .release = true};
    assert_int_equal(pthread_create(gt, NULL, call, gate), 0);
    /* the gate runs on the writer, alone in its batch, before the others queue: merely
     * queued, a slow writer could still take some of them into the gate's batch */
    int waited = 0;
    while (!__atomic_load_n(&gate_running, __ATOMIC_ACQUIRE) && waited++ < 5000) usleep(1000);
    if (!gate_running) {
        pthread_join(*gt, NULL);
        fail_msg("the gate's write never ran on the writer");
    }
    for (int i = 0; i < k; i++) {
        c[i].pool = p;
        c[i].release = true;
        assert_int_equal(pthread_create(&t[i], NULL, call, &c[i]), 0);
    }
    pthread_join(*gt, NULL);
    for (int i = 0; i < k; i++) pthread_join(t[i], NULL);
    assert_int_equal(gate->rc, 0);
}

/* A write that fails in a batch is undone alone, with its own error; the others commit in
 * the same commit. */
static void test_failing_write_rolls_back_alone(void **state)
{
    fixture *fx = *state;
    enum { K = 6, BAD = 2 };
    open_pool(fx, K + 1);
    caller gate, c[K];
    pthread_t gt, t[K];
    for (int i = 0; i < K; i++) c[i] = (caller){.job = {.who = i, .fail_status = i == BAD ? 409 : 0}};
    gate_then_batch(fx, &gate, &gt, c, t, K);
    for (int i = 0; i < K; i++) {
        if (i == BAD) {
            assert_int_equal(c[i].rc, -1);
            assert_int_equal(c[i].status, 409);
            assert_string_equal(c[i].e.user, "Đã có người khác sửa hồ sơ này.");
            assert_int_equal(rows(fx, i), 0);
        } else {
            assert_int_equal(c[i].rc, 0);
            assert_int_equal(rows(fx, i), 1);
        }
    }
    db_write_stats s = stats(fx->pool);
    assert_int_equal(s.writes, K + 1);
    assert_int_equal(s.commits, 2);   /* the gate's, then the batch's */
}

/* A commit that fails (a deferred foreign key one write broke) fails every write of its
 * batch with the commit's error, and none of them is kept. */
static void test_commit_failure_reaches_every_caller(void **state)
{
    fixture *fx = *state;
    enum { K = 5, BAD = 3 };
    open_pool(fx, K + 1);
    caller gate, c[K];
    pthread_t gt, t[K];
    for (int i = 0; i < K; i++) c[i] = (caller){.job = {.who = i, .orphan = i == BAD}};
    gate_then_batch(fx, &gate, &gt, c, t, K);
    for (int i = 0; i < K; i++) {
        assert_int_equal(c[i].rc, -1);
        assert_int_equal(c[i].status, 503);
        assert_int_equal(rows(fx, i), 0);
    }
    assert_int_equal(rows(fx, 100), 1);   /* the gate's batch committed before */
    db_write_stats s = stats(fx->pool);
    assert_int_equal(s.writes, K + 1);
    assert_int_equal(s.commits, 1);
    /* the writer carries on */
    caller after = {.pool = fx->pool, .job = {.who = 200}, .release = true};
    call(&after);
    assert_int_equal(after.rc, 0);
    assert_int_equal(rows(fx, 200), 1);
}

typedef struct {
    db *callers_conn;   /* the caller's pooled connection, which fn must not use */
    int step;
} outer_job;

static int outer_write(db *d, void *ctx, err *e)
{
    outer_job *o = ctx;
    row_job a = {.who = 1, .n = 1}, b = {.who = 2, .n = 1}, bad = {.who = 3, .n = 1, .fail_status = 409};
    row_job wrong = {.who = 4, .n = 1};
    if (insert_row(d, &a, e) != 0) return -1;
    if (db_write(d, insert_row, &b, e) != 0) return -1;   /* joins */
    err ignored = {0};
    assert_int_equal(db_write(d, insert_row, &bad, &ignored), -1);   /* undone alone */
    assert_int_equal(ignored.status, 409);
    /* called with the wrong connection from the writer: joins rather than waiting on itself */
    if (o->callers_conn && db_write(o->callers_conn, insert_row, &wrong, e) != 0) return -1;
    o->step++;
    return 0;
}

static int outer_then_fail(db *d, void *ctx, err *e)
{
    (void)ctx;
    row_job a = {.who = 5, .n = 1};
    if (db_write(d, insert_row, &a, e) != 0) return -1;
    err_set(e, 409, "Đã có người khác sửa hồ sơ này.", "outer fails after its nested write");
    return -1;
}

/* A db_write inside a write joins its transaction: one commit; a nested write that fails is
 * undone alone; an outer write that fails takes its nested writes with it. */
static void test_nested_write_joins(void **state)
{
    fixture *fx = *state;
    db_pool *p = open_pool(fx, 2);
    db *d = db_acquire(p);
    outer_job o = {.callers_conn = d};
    err e = {0};
    assert_int_equal(db_write(d, outer_write, &o, &e), 0);
    assert_int_equal(o.step, 1);
    assert_int_equal(rows(fx, 1), 1);
    assert_int_equal(rows(fx, 2), 1);
    assert_int_equal(rows(fx, 3), 0);
    assert_int_equal(rows(fx, 4), 1);
    db_write_stats s = stats(p);
    assert_int_equal(s.writes, 1);
    assert_int_equal(s.commits, 1);

    err e2 = {0};
    assert_int_equal(db_write(d, outer_then_fail, NULL, &e2), -1);
    assert_int_equal(e2.status, 409);
    assert_int_equal(rows(fx, 5), 0);
    db_release(p, d);
    db_pool_close(p);
    fx->pool = NULL;

    /* the same on a lone connection (commands): inline, same answers */
    testdir_remove(fx->dir);
    assert_int_equal(test_setup(state), 0);
    err oe = {0};
    db *lone = db_open(fx->path, &oe);
    assert_non_null(lone);
    outer_job lo = {0};
    assert_int_equal(db_write(lone, outer_write, &lo, &oe), 0);
    assert_int_equal(db_write(lone, outer_then_fail, NULL, &e2), -1);
    db_close(lone);
    assert_int_equal(rows(fx, 1), 1);
    assert_int_equal(rows(fx, 2), 1);
    assert_int_equal(rows(fx, 3), 0);
    assert_int_equal(rows(fx, 5), 0);
}

/* Features not yet moved onto db_write keep their own transactions on pooled connections:
 * they wait for the writer through SQLite's busy timeout, and a db_write helper called inside
 * such a transaction joins it instead of waiting for it. */
static void test_hand_written_transactions_still_work(void **state)
{
    fixture *fx = *state;
    enum { THREADS = 4, EACH = 50 };
    db_pool *p = open_pool(fx, THREADS + 1);
    caller c[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        c[i] = (caller){.pool = p, .job = {.who = i}, .count = EACH, .release = true};
        assert_int_equal(pthread_create(&t[i], NULL, call, &c[i]), 0);
    }
    db *d = db_acquire(p);
    for (int i = 0; i < EACH; i++) {
        err e = {0};
        assert_int_equal(db_begin_write_or_busy(d, &e), 0);
        row_job own = {.who = 50, .n = i}, helper = {.who = 51, .n = i};
        assert_int_equal(insert_row(d, &own, &e), 0);
        assert_int_equal(db_write(d, insert_row, &helper, &e), 0);   /* joins d's transaction */
        if (i % 2) assert_int_equal(db_commit(d), DB_DONE);
        else db_rollback(d);
    }
    db_release(p, d);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(c[i].failures, 0);
    }
    assert_int_equal(rows(fx, 50), EACH / 2);
    assert_int_equal(rows(fx, 51), EACH / 2);
    assert_int_equal(rows(fx, -1), THREADS * EACH + EACH);
}

/* Closing the pool with writes queued answers every one of them (committed), then stops. */
static void test_close_drains_writes_in_flight(void **state)
{
    fixture *fx = *state;
    enum { K = 8 };
    db_pool *p = open_pool(fx, K);
    caller c[K];
    pthread_t t[K];
    for (int i = 0; i < K; i++) {
        /* each write takes 20 ms, so most are still queued when the close begins */
        c[i] = (caller){.pool = p, .job = {.who = i, .sleep_ms = 20}};
        assert_int_equal(pthread_create(&t[i], NULL, call, &c[i]), 0);
    }
    assert_true(wait_pending(p, K));
    db_pool_close(p);
    fx->pool = NULL;
    for (int i = 0; i < K; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(c[i].rc, 0);
    }
    assert_int_equal(rows(fx, -1), K);
}

/* serve opens the pool before it blocks SIGTERM for its sigwait(): the writer thread must
 * block it itself, or a SIGTERM could land on it and kill the server uncleanly. With this
 * thread blocking it, only the writer could take it. (Regression (fixed): it did.) */
static void test_writer_takes_no_signals(void **state)
{
    fixture *fx = *state;
    open_pool(fx, 1);
    /* one write through the writer: it is past its start, where a new thread (under ASan)
     * still has every signal blocked */
    caller c = {.pool = fx->pool, .job = {.who = 1}, .release = true};
    call(&c);
    assert_int_equal(c.rc, 0);
    sigset_t term, old;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, &old);
    kill(getpid(), SIGTERM);
    int sig = 0;
    assert_int_equal(sigwait(&term, &sig), 0);
    assert_int_equal(sig, SIGTERM);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}


/* ---- recent reads (db_read_recent) --------------------------------------------------- */

/* The rows of who seen by a recent read on d, which is left kept as the lookup leaves it. */
static int recent_rows(db *d, int64_t who)
{
    assert_int_equal(db_read_recent(d), DB_DONE);
    int n = (int)db_int_by_id(d, "SELECT count(*) FROM t WHERE who = ?", who, -1);
    db_read_recent_done(d);
    return n;
}

/* Inserts (who, n) through the pool's writer, as every feature writes. */
static void write_row(db *d, int64_t who, int64_t n)
{
    row_job j = {.who = who, .n = n};
    err e = {0};
    assert_int_equal(db_write(d, insert_row, &j, &e), 0);
}

/* Inserts (who, n) from another connection, as a command run beside the server would. */
static void write_row_elsewhere(fixture *fx, int64_t who, int64_t n)
{
    err e = {0};
    db *o = db_open(fx->path, &e);
    assert_non_null(o);
    char sql[96];
    snprintf(sql, sizeof sql, "INSERT INTO t (who, n) VALUES (%lld, %lld)", (long long)who, (long long)n);
    assert_int_equal(db_exec(o, sql), DB_DONE);
    db_close(o);
}

static void test_recent_read_sees_the_pools_commits(void **state)
{
    fixture *fx = *state;
    db_pool *p = open_pool(fx, 2);
    db_pool_recent_window(p, 10000000000);   /* ten seconds: only a commit may end it */
    db *d = db_acquire(p);
    assert_int_equal(recent_rows(d, 7), 0);
    db_release(p, d);
    /* committed through the pool: the very next lookup sees it, however soon */
    db *w = db_acquire(p);
    write_row(w, 7, 1);
    db_release(p, w);
    d = db_acquire(p);
    assert_int_equal(recent_rows(d, 7), 1);
    write_row(d, 7, 2);
    assert_int_equal(recent_rows(d, 7), 2);
    db_release(p, d);
}

/* Another process's commit is not seen within the window (the kept snapshot is served
 * again), and is seen once the window, a millisecond by default, has passed. */
static void test_recent_read_sees_other_processes_after_its_window(void **state)
{
    fixture *fx = *state;
    db_pool *p = open_pool(fx, 1);
    db_pool_recent_window(p, 10000000000);
    db *d = db_acquire(p);
    assert_int_equal(recent_rows(d, 11), 0);
    write_row_elsewhere(fx, 11, 1);
    assert_int_equal(recent_rows(d, 11), 0);
    db_pool_recent_window(p, 1000000);
    usleep(2000);
    assert_int_equal(recent_rows(d, 11), 1);
    db_release(p, d);
}

static void test_other_reads_end_the_kept_snapshot(void **state)
{
    fixture *fx = *state;
    db_pool *p = open_pool(fx, 1);
    db *d = db_acquire(p);
    assert_int_equal(recent_rows(d, 9), 0);
    db_release(p, d);   /* kept: a release does not end it */
    write_row_elsewhere(fx, 9, 1);
    /* any statement but a recent read's starts from a fresh snapshot, at once */
    d = db_acquire(p);
    assert_int_equal(db_int_by_id(d, "SELECT count(*) FROM t WHERE who = ?", 9, -1), 1);
    /* and a transaction of its own can begin */
    assert_int_equal(recent_rows(d, 9), 1);
    assert_int_equal(db_begin_read(d), DB_DONE);
    db_end_read(d);
    db_release(p, d);
}

/* The WAL can be checkpointed to its end only when no reader holds an older snapshot. */
static int checkpoint_blocked(fixture *fx)
{
    err e = {0};
    db *o = db_open(fx->path, &e);
    assert_non_null(o);
    db_stmt *s = db_prepare(o, "PRAGMA wal_checkpoint(TRUNCATE)");
    int busy = db_step(s) == DB_ROW ? (int)db_col_int(s, 0) : -1;
    db_done(s);
    db_close(o);
    return busy;
}

static void test_idle_kept_snapshots_are_ended(void **state)
{
    fixture *fx = *state;
    db_pool *p = open_pool(fx, 2);
    db *d = db_acquire(p);
    assert_int_equal(recent_rows(d, 10), 0);
    db_release(p, d);
    write_row_elsewhere(fx, 10, 1);
    assert_int_equal(checkpoint_blocked(fx), 1);   /* the kept snapshot holds the log back */
    usleep(2000);
    db_pool_end_stale_reads(p);
    assert_int_equal(checkpoint_blocked(fx), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup, test_teardown)
    const struct CMUnitTest tests[] = {
        T(test_many_threads_group_commit),
        T(test_failing_write_rolls_back_alone),
        T(test_commit_failure_reaches_every_caller),
        T(test_nested_write_joins),
        T(test_hand_written_transactions_still_work),
        T(test_close_drains_writes_in_flight),
        T(test_writer_takes_no_signals),
        T(test_recent_read_sees_the_pools_commits),
        T(test_recent_read_sees_other_processes_after_its_window),
        T(test_other_reads_end_the_kept_snapshot),
        T(test_idle_kept_snapshots_are_ended),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
