/* sqlite.c -- db.h on SQLite (research/c-stack.md §2).
 *
 * Every connection: WAL, synchronous=FULL (an acknowledged write survives power loss),
 * foreign keys on, busy_timeout, double-quoted strings off (as in PostgreSQL). The
 * statement cache is a small open-addressing table keyed by the SQL text; features pass
 * string literals, so most lookups end at a pointer comparison.
 *
 * Group commit. SQLite has one writer at a time and each commit costs an fsync, so a pool
 * has one writer thread with a connection of its own. db_write() on a pooled connection
 * queues the write and waits; the writer takes everything queued (up to WRITE_BATCH), opens
 * one transaction, runs each write inside its own SAVEPOINT (a failing write is rolled back
 * to its savepoint alone and its caller gets its own error), commits once, and only then
 * answers every caller of the batch. If the commit fails, nothing of the batch is kept and
 * every caller gets the commit's error. Sixteen writers then cost one fsync, not sixteen,
 * and wait in a queue instead of SQLite's busy handler (which sleeps). A lone connection
 * (commands, tests) writes inline, one transaction per call.
 *
 * Recent reads. Every read transaction costs SQLite a lock and an unlock of the WAL index and
 * a look at the file's size: system calls, which cost microseconds each on a virtual machine,
 * as much as the citizen's whole lookup. db_read_recent() lets a pooled connection keep its
 * read transaction open after the request, and the next lookup on it reads the same snapshot
 * as long as it is still current: nothing has been committed through this pool since (the
 * pool counts its commits), and it is less than RECENT_NS old (a commit by another process,
 * a command run beside the server, shows after at most that). Any other use of the
 * connection ends the kept transaction first, so nothing but db_read_recent ever reads it. */
#include "db.h"

#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/log.h"
#include "embedded.h"

#define STMT_CACHE 256

struct db_stmt {
    sqlite3_stmt *st;
    db *owner;
};

typedef struct {
    char *copy;        /* our copy of the SQL, compared after the hash and length agree */
    size_t len;
    uint64_t hash;
    db_stmt *stmt;
} cache_slot;

#define WRITE_BATCH 64   /* writes in one transaction at most: bounds a batch's latency */

struct db {
    sqlite3 *h;
    cache_slot cache[STMT_CACHE];
    bool busy;         /* checked out of its pool */
    db_pool *pool;     /* the pool it belongs to; NULL for a lone connection */
    bool in_write;     /* a db_write function is running on this connection */
    bool kept;         /* a read transaction left open by db_read_recent_done */
    bool in_recent;    /* between db_read_recent and db_read_recent_done */
    uint64_t kept_changes;   /* the pool's change count when the kept transaction began */
    int64_t kept_ns;         /* and the monotonic time */
};

/* How long a kept read transaction may be reused when nothing was committed through the pool:
 * the most a commit by another process can go unseen by a lookup. */
#define RECENT_NS 1000000

/* One queued db_write: lives on its caller's stack until the writer answers it. */
typedef struct write_job {
    db_write_fn fn;
    void *ctx;
    err e;             /* the write's own error, copied to the caller's */
    int rc;
    bool full;         /* a statement of the write found the disk full */
    bool done;         /* answered: guarded by the pool's wmu */
    pthread_cond_t cv;
    struct write_job *next;
} write_job;

struct db_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    db **all;          /* handed out lowest index first (db_acquire) */
    int count, free_count;

    /* the writer: its queue, guarded by wmu */
    pthread_mutex_t wmu;
    pthread_cond_t wcv;     /* work for the writer, or time to stop */
    write_job *head, *tail;
    bool stopping;
    bool writer_running;
    pthread_t writer;
    db *wdb;                /* the writer's own connection */
    uint64_t writes, commits, pending;
    uint64_t changes;       /* commits that changed data on any of the pool's connections
                             * (atomic: read by db_read_recent without a lock) */
    int64_t recent_ns;      /* how long a kept read transaction may serve (RECENT_NS) */
    int waiting;            /* callers inside write_queued: close frees the pool after them */
    pthread_cond_t left;    /* the last waiting caller left a closing pool */
};

/* The writer's connection on the writer thread, NULL elsewhere: a db_write called from a
 * write function on the writer thread joins the running transaction instead of queueing
 * behind itself. */
static _Thread_local db *writer_conn;

/* A write on this thread failed because the disk is full (see db.h). Thread-local: the
 * server answers each request on a thread of its own. */
static _Thread_local bool disk_full_seen;

bool db_full_seen(void) { return disk_full_seen; }
void db_full_clear(void) { disk_full_seen = false; }

static void log_sqlite(const char *what, sqlite3 *h)
{
    if (h && (sqlite3_extended_errcode(h) & 0xff) == SQLITE_FULL) disk_full_seen = true;
    log_json("error", "sqlite", "{s:s, s:s}", "what", what ? what : "", "err", h ? sqlite3_errmsg(h) : "open failed");
}

static int64_t monotonic_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Ends the read transaction db_read_recent_done left open, before any other use of d. */
static void end_kept(db *d)
{
    d->kept = false;
    if (!sqlite3_get_autocommit(d->h)) sqlite3_exec(d->h, "COMMIT", NULL, NULL, NULL);
}

/* A commit changed the database through a connection of p: kept transactions are stale. */
static void count_change(db_pool *p)
{
    if (p) __atomic_add_fetch(&p->changes, 1, __ATOMIC_RELEASE);
}

/* SQLite counts every allocation under one process-wide mutex unless told not to; two threads
 * looking dossiers up then queue on it (futex waits in a profile of the citizen's lookup). No
 * one reads those counts here. Must run before SQLite initialises. */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

db *db_open(const char *path, err *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                                 SQLITE_OPEN_EXRESCODE,
                             NULL);
    if (rc != SQLITE_OK) {
        err_set(e, 500, "Không mở được cơ sở dữ liệu.", "open %s: %s", path, h ? sqlite3_errmsg(h) : "?");
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)0);
    sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)0);
    sqlite3_busy_timeout(h, 5000);
    const char *pragmas =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        "PRAGMA trusted_schema=OFF; PRAGMA temp_store=MEMORY;";
    char *msg = NULL;
    if (sqlite3_exec(h, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, 500, "Không mở được cơ sở dữ liệu.", "pragmas on %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(h);
        return NULL;
    }
    db *d = calloc(1, sizeof *d);
    if (!d) abort();
    d->h = h;
    return d;
}

void db_close(db *d)
{
    if (!d) return;
    if (d->kept) end_kept(d);
    for (int i = 0; i < STMT_CACHE; i++) {
        if (d->cache[i].stmt) {
            sqlite3_finalize(d->cache[i].stmt->st);
            free(d->cache[i].stmt);
            free(d->cache[i].copy);
        }
    }
    sqlite3_close(d->h);
    free(d);
}

static void *writer_main(void *arg);

db_pool *db_pool_open(const char *path, int connections, err *e)
{
    db_pool *p = calloc(1, sizeof *p);
    if (!p) abort();
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    pthread_mutex_init(&p->wmu, NULL);
    pthread_cond_init(&p->wcv, NULL);
    pthread_cond_init(&p->left, NULL);
    p->recent_ns = RECENT_NS;
    p->all = calloc((size_t)connections, sizeof *p->all);
    if (!p->all) abort();
    for (int i = 0; i < connections; i++) {
        db *d = db_open(path, e);
        if (!d) {
            db_pool_close(p);
            return NULL;
        }
        d->pool = p;
        p->all[p->count++] = d;
        p->free_count++;
    }
    /* the writer's connection is opened like every other, so it has the same pragmas */
    p->wdb = db_open(path, e);
    if (!p->wdb) {
        db_pool_close(p);
        return NULL;
    }
    /* the writer inherits a mask with every signal blocked: SIGINT and SIGTERM stay for the
     * thread that waits for them (serve opens the pool before it blocks them itself) */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int started = pthread_create(&p->writer, NULL, writer_main, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (started != 0) {
        err_set(e, 500, "Không mở được cơ sở dữ liệu.", "cannot start the writer thread");
        db_pool_close(p);
        return NULL;
    }
    p->writer_running = true;
    return p;
}

void db_pool_close(db_pool *p)
{
    if (!p) return;
    if (p->writer_running) {
        /* the writer answers everything queued before it stops */
        pthread_mutex_lock(&p->wmu);
        p->stopping = true;
        pthread_cond_signal(&p->wcv);
        pthread_mutex_unlock(&p->wmu);
        pthread_join(p->writer, NULL);
        /* every write is answered; wait for its callers to stop touching the pool's lock */
        pthread_mutex_lock(&p->wmu);
        while (p->waiting > 0) pthread_cond_wait(&p->left, &p->wmu);
        pthread_mutex_unlock(&p->wmu);
    }
    db_close(p->wdb);
    for (int i = 0; i < p->count; i++) db_close(p->all[i]);
    free(p->all);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->wmu);
    pthread_cond_destroy(&p->wcv);
    pthread_cond_destroy(&p->left);
    free(p);
}

/* The free connection of lowest index: the busiest work (the loop threads' lookups) keeps
 * landing on the first few connections, whose page caches db_pool_cache() can make large,
 * while connections taken only when those are busy keep small ones. */
db *db_acquire(db_pool *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->free_count == 0) pthread_cond_wait(&p->cv, &p->mu);
    db *d = NULL;
    for (int i = 0; i < p->count && !d; i++)
        if (!p->all[i]->busy) d = p->all[i];
    d->busy = true;
    p->free_count--;
    pthread_mutex_unlock(&p->mu);
    return d;
}

void db_release(db_pool *p, db *d)
{
    if (!d) return;
    /* A handler that failed half-way must not leave a transaction open on a pooled
     * connection (the read transaction kept by db_read_recent_done stays: it is meant to) */
    if (!d->kept && !sqlite3_get_autocommit(d->h)) sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_lock(&p->mu);
    d->busy = false;
    p->free_count++;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

int db_pool_cache(db_pool *p, int first, int kib)
{
    for (int i = 0; i < first && i < p->count; i++) {
        if (p->all[i]->kept) end_kept(p->all[i]);
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", kib);
        if (sqlite3_exec(p->all[i]->h, sql, NULL, NULL, NULL) != SQLITE_OK) return -1;
    }
    return 0;
}

/* Eight bytes a step: the lookup's statements are hundreds of bytes long and are found by
 * their text on every request (a byte-wise hash showed in its profile). */
static uint64_t sql_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 1099511628211u;
        h ^= h >> 29;
    }
    for (; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h ^ (h >> 32);
}

db_stmt *db_prepare(db *d, const char *sql)
{
    if (d->kept && !d->in_recent) end_kept(d);
    size_t n = strlen(sql);
    uint64_t hash = sql_hash(sql, n);
    for (size_t probe = 0; probe < STMT_CACHE; probe++) {
        cache_slot *slot = &d->cache[(hash + probe) % STMT_CACHE];
        if (!slot->stmt) {
            sqlite3_stmt *st = NULL;
            if (sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
                log_sqlite(sql, d->h);
                return NULL;
            }
            slot->copy = strdup(sql);
            slot->len = n;
            slot->hash = hash;
            slot->stmt = calloc(1, sizeof *slot->stmt);
            if (!slot->copy || !slot->stmt) abort();
            slot->stmt->st = st;
            slot->stmt->owner = d;
            return slot->stmt;
        }
        /* by text, never by address: SQL built in a request's arena may reuse the address of
         * other SQL from an earlier request */
        if (slot->hash == hash && slot->len == n && !memcmp(slot->copy, sql, n)) return slot->stmt;
    }
    /* The cache is full (should not happen: the program has fewer statements than slots). */
    log_sqlite("statement cache full", d->h);
    return NULL;
}

void db_bind_int(db_stmt *s, int i, int64_t v) { sqlite3_bind_int64(s->st, i, v); }
void db_bind_null(db_stmt *s, int i) { sqlite3_bind_null(s->st, i); }

void db_bind_text(db_stmt *s, int i, const char *v)
{
    if (v) sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(s->st, i);
}

int db_step(db_stmt *s)
{
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW) return DB_ROW;
    if (rc == SQLITE_DONE) {
        /* a change committed on its own (outside db_write) makes kept snapshots stale too */
        db *d = s->owner;
        if (d->pool && !sqlite3_stmt_readonly(s->st) && sqlite3_get_autocommit(d->h)) count_change(d->pool);
        return DB_DONE;
    }
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return DB_CONSTRAINT;
    log_sqlite(sqlite3_sql(s->st), s->owner->h);
    return DB_ERROR;
}

void db_done(db_stmt *s)
{
    if (!s) return;
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
}

int64_t db_col_int(db_stmt *s, int i) { return sqlite3_column_int64(s->st, i); }
bool db_col_null(db_stmt *s, int i) { return sqlite3_column_type(s->st, i) == SQLITE_NULL; }

const char *db_col_text(db_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s->st, i);
    return t ? (const char *)t : "";
}

int db_exec(db *d, const char *sql)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s) return DB_ERROR;
    int rc = db_step(s);
    db_done(s);
    return rc == DB_ROW ? DB_DONE : rc;
}

static int exec_plain(db *d, const char *sql)
{
    if (d->kept) end_kept(d);
    if (sqlite3_exec(d->h, sql, NULL, NULL, NULL) != SQLITE_OK) {
        log_sqlite(sql, d->h);
        return DB_ERROR;
    }
    return DB_DONE;
}

int db_begin_write(db *d) { return exec_plain(d, "BEGIN IMMEDIATE"); }
int db_begin_write_or_busy(db *d, err *e)
{
    if (db_begin_write(d) == DB_DONE) return 0;
    err_set(e, 503, "Hệ thống đang bận, vui lòng thử lại.", "begin write: %s", sqlite3_errmsg(d->h));
    return -1;
}

bool db_in_write(db *d) { return d && d->in_write; }

/* The error for a commit or begin that failed: the disk is full, else busy. */
static void write_failed(db *d, const char *what, err *e)
{
    if ((sqlite3_extended_errcode(d->h) & 0xff) == SQLITE_FULL) {
        disk_full_seen = true;
        err_set(e, 507, "Ổ đĩa của máy chủ đã đầy nên không lưu được dữ liệu. Xin báo quản trị viên "
                "giải phóng dung lượng rồi thử lại.", "%s: %s", what,
                sqlite3_errmsg(d->h));
    } else {
        err_set(e, 503, "Hệ thống đang bận, vui lòng thử lại.", "%s: %s", what, sqlite3_errmsg(d->h));
    }
}

/* One write in its own transaction on d. */
static int write_inline(db *d, db_write_fn fn, void *ctx, err *e)
{
    if (db_begin_write(d) != DB_DONE) {
        write_failed(d, "begin write", e);
        return -1;
    }
    d->in_write = true;
    int rc = fn(d, ctx, e);
    d->in_write = false;
    if (rc != 0) {
        if (e && e->status == 0) err_set(e, 500, "Không lưu được, vui lòng thử lại.", "write failed: %s", db_errmsg(d));
        db_rollback(d);
        return -1;
    }
    if (db_commit(d) != DB_DONE) {
        write_failed(d, "commit", e);
        db_rollback(d);
        return -1;
    }
    return 0;
}

/* fn inside a SAVEPOINT of the transaction open on d: 0, or -1 with e filled and fn's
 * changes undone (the rest of the transaction stays). When even the rollback to the
 * savepoint fails, the whole transaction is rolled back: a failed write is never kept. */
static int write_savepoint(db *d, db_write_fn fn, void *ctx, err *e)
{
    if (exec_plain(d, "SAVEPOINT w") != DB_DONE) {
        write_failed(d, "savepoint", e);
        return -1;
    }
    bool was = d->in_write;
    d->in_write = true;
    int rc = fn(d, ctx, e);
    d->in_write = was;
    if (rc != 0 && e && e->status == 0)
        err_set(e, 500, "Không lưu được, vui lòng thử lại.", "write failed: %s", db_errmsg(d));
    /* An I/O error or a full disk may have rolled back the whole transaction already. */
    if (sqlite3_get_autocommit(d->h)) {
        if (rc == 0) write_failed(d, "write rolled back", e);
        return -1;
    }
    if (rc != 0 && exec_plain(d, "ROLLBACK TO w") != DB_DONE) {
        db_rollback(d);
        return -1;
    }
    exec_plain(d, "RELEASE w");
    return rc != 0 ? -1 : 0;
}

/* The error every caller of a lost batch gets: 507 when the disk is full, else 503. */
static void batch_lost(db *w, const char *what, bool full, err *e)
{
    if (full) {
        err_set(e, 507, "Ổ đĩa của máy chủ đã đầy nên không lưu được dữ liệu. Xin báo quản trị viên "
                "giải phóng dung lượng rồi thử lại.", "%s: %s", what, sqlite3_errmsg(w->h));
    } else {
        write_failed(w, what, e);
    }
}

/* Runs jobs[0..n) in one transaction on the writer's connection and commits it once. A job
 * that fails is rolled back alone; a begin or commit that fails (or a transaction that
 * SQLite rolled back on its own) fails every job still counting on it. */
static void run_batch(db_pool *p, write_job **jobs, int n)
{
    db *w = p->wdb;
    int first = 0;   /* the first job of the transaction now open */
    while (first < n) {
        disk_full_seen = false;
        if (db_begin_write(w) != DB_DONE) {
            bool full = disk_full_seen;
            for (int i = first; i < n; i++) {
                batch_lost(w, "begin write", full, &jobs[i]->e);
                jobs[i]->rc = -1;
                jobs[i]->full = full;
            }
            return;
        }
        int i;
        for (i = first; i < n; i++) {
            write_job *j = jobs[i];
            disk_full_seen = false;
            j->rc = write_savepoint(w, j->fn, j->ctx, &j->e);
            j->full = disk_full_seen;
            if (sqlite3_get_autocommit(w->h)) break;   /* the transaction is gone */
        }
        if (i < n) {
            /* SQLite rolled the whole transaction back inside job i: the jobs before it lost
             * their writes; the ones after it go into a new transaction */
            for (int k = first; k < i; k++) {
                if (jobs[k]->rc != 0) continue;
                batch_lost(w, "write rolled back", jobs[i]->full, &jobs[k]->e);
                jobs[k]->rc = -1;
                jobs[k]->full = jobs[i]->full;
            }
            first = i + 1;
            continue;
        }
        disk_full_seen = false;
        int crc = db_commit(w);
        if (crc == DB_DONE) {
            count_change(p);
            pthread_mutex_lock(&p->wmu);
            p->commits++;
            pthread_mutex_unlock(&p->wmu);
        } else {
            bool full = disk_full_seen;
            err lost = {0};
            batch_lost(w, "commit", full, &lost);
            db_rollback(w);
            for (int k = first; k < n; k++) {
                if (jobs[k]->rc != 0) continue;
                jobs[k]->e = lost;
                jobs[k]->rc = -1;
                jobs[k]->full = full;
            }
        }
        return;
    }
}

static void *writer_main(void *arg)
{
    db_pool *p = arg;
    writer_conn = p->wdb;
    write_job *jobs[WRITE_BATCH];
    for (;;) {
        pthread_mutex_lock(&p->wmu);
        while (!p->head && !p->stopping) pthread_cond_wait(&p->wcv, &p->wmu);
        if (!p->head) {   /* stopping, and nothing left to answer */
            pthread_mutex_unlock(&p->wmu);
            break;
        }
        int n = 0;
        while (p->head && n < WRITE_BATCH) {
            jobs[n++] = p->head;
            p->head = p->head->next;
        }
        if (!p->head) p->tail = NULL;
        pthread_mutex_unlock(&p->wmu);

        run_batch(p, jobs, n);

        /* Answer under the lock: a caller frees its job (its stack frame) as soon as it sees
         * done, so the job is not touched after the unlock. */
        pthread_mutex_lock(&p->wmu);
        p->writes += (uint64_t)n;
        p->pending -= (uint64_t)n;
        for (int i = 0; i < n; i++) {
            jobs[i]->done = true;
            pthread_cond_signal(&jobs[i]->cv);
        }
        pthread_mutex_unlock(&p->wmu);
    }
    writer_conn = NULL;
    return NULL;
}

/* Queues fn for the pool's writer and waits for the commit that holds it. */
static int write_queued(db_pool *p, db_write_fn fn, void *ctx, err *e)
{
    /* fn sees the caller's err as it would inline */
    write_job j = {.fn = fn, .ctx = ctx};
    if (e) j.e = *e;
    pthread_cond_init(&j.cv, NULL);
    pthread_mutex_lock(&p->wmu);
    if (p->stopping) {
        pthread_mutex_unlock(&p->wmu);
        pthread_cond_destroy(&j.cv);
        err_set(e, 503, "Hệ thống đang bận, vui lòng thử lại.", "write after the pool began to close");
        return -1;
    }
    if (p->tail) p->tail->next = &j;
    else p->head = &j;
    p->tail = &j;
    p->pending++;
    p->waiting++;
    pthread_cond_signal(&p->wcv);
    while (!j.done) pthread_cond_wait(&j.cv, &p->wmu);
    if (--p->waiting == 0 && p->stopping) pthread_cond_signal(&p->left);
    pthread_mutex_unlock(&p->wmu);
    pthread_cond_destroy(&j.cv);
    /* the server answers 507 from this thread's flag (db_full_seen) */
    if (j.full) disk_full_seen = true;
    if (e) *e = j.e;
    return j.rc;
}

int db_write(db *d, db_write_fn fn, void *ctx, err *e)
{
    /* nested: inside a running write, fn joins its transaction */
    if (d->in_write) return write_savepoint(d, fn, ctx, e);
    if (writer_conn) return write_savepoint(writer_conn, fn, ctx, e);
    /* a feature that began its own transaction on d (db_begin_write) and calls a helper
     * written with db_write: the helper joins it (queueing would wait for d's own lock) */
    if (sqlite3_txn_state(d->h, NULL) == SQLITE_TXN_WRITE) return write_savepoint(d, fn, ctx, e);
    if (d->pool && d->pool->writer_running) return write_queued(d->pool, fn, ctx, e);
    return write_inline(d, fn, ctx, e);
}

void db_pool_write_stats(db_pool *p, db_write_stats *out)
{
    pthread_mutex_lock(&p->wmu);
    out->writes = p->writes;
    out->commits = p->commits;
    out->pending = p->pending;
    pthread_mutex_unlock(&p->wmu);
}

/* A read snapshot: the statements between these two see one state of the database and share
 * one read transaction (one WAL-index lookup and lock instead of one per statement). Both
 * statements are prepared once per connection. */
int db_begin_read(db *d)
{
    db_stmt *s = db_prepare(d, "BEGIN");
    int rc = s ? db_step(s) : DB_ERROR;
    if (s) db_done(s);
    return rc == DB_DONE ? DB_DONE : DB_ERROR;
}

void db_end_read(db *d)
{
    if (sqlite3_get_autocommit(d->h)) return;   /* nothing began, or SQLite ended it on an error */
    db_stmt *s = db_prepare(d, "COMMIT");
    if (s) {
        db_step(s);
        db_done(s);
    }
}
int db_commit(db *d)
{
    int rc = exec_plain(d, "COMMIT");
    if (rc == DB_DONE) count_change(d->pool);
    return rc;
}

int db_read_recent(db *d)
{
    if (!d->pool) return db_begin_read(d);
    uint64_t changes = __atomic_load_n(&d->pool->changes, __ATOMIC_ACQUIRE);
    int64_t now = monotonic_ns();
    if (d->kept) {
        if (d->kept_changes == changes && now - d->kept_ns < d->pool->recent_ns && !sqlite3_get_autocommit(d->h)) {
            d->in_recent = true;
            return DB_DONE;
        }
        end_kept(d);
    }
    /* the count is read before the snapshot is taken (at the first statement): a commit in
     * between is in the snapshot and only makes the next call begin a new one */
    if (db_begin_read(d) != DB_DONE) return DB_ERROR;
    d->kept_changes = changes;
    d->kept_ns = now;
    d->in_recent = true;
    return DB_DONE;
}

void db_read_recent_done(db *d)
{
    d->in_recent = false;
    if (!d->pool) {
        db_end_read(d);
        return;
    }
    /* SQLite may have ended the transaction on an error: then there is nothing to keep */
    d->kept = !sqlite3_get_autocommit(d->h);
}

void db_pool_recent_window(db_pool *p, int64_t ns) { p->recent_ns = ns; }

void db_pool_end_stale_reads(db_pool *p)
{
    int64_t now = monotonic_ns();
    for (int i = 0; i < p->count; i++) {
        db *d = NULL;
        pthread_mutex_lock(&p->mu);
        if (!p->all[i]->busy && p->all[i]->kept && now - p->all[i]->kept_ns >= p->recent_ns) {
            d = p->all[i];
            d->busy = true;
            p->free_count--;
        }
        pthread_mutex_unlock(&p->mu);
        if (!d) continue;
        end_kept(d);
        db_release(p, d);
    }
}

void db_rollback(db *d)
{
    if (!sqlite3_get_autocommit(d->h)) sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
}

int64_t db_last_id(db *d) { return sqlite3_last_insert_rowid(d->h); }
int db_changes(db *d) { return sqlite3_changes(d->h); }
const char *db_errmsg(db *d) { return sqlite3_errmsg(d->h); }

bool db_ping(db *d)
{
    db_stmt *s = db_prepare(d, "SELECT 1");
    if (!s) return false;
    bool ok = db_step(s) == DB_ROW && db_col_int(s, 0) == 1;
    db_done(s);
    return ok;
}

int db_schema_version(db *d)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->h, "SELECT max(version) FROM schema_migrations", -1, &st, NULL) != SQLITE_OK)
        return 0;
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return v;
}

int db_migrate(db *d, err *e)
{
    if (exec_plain(d, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                      " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT") != DB_DONE) {
        err_set(e, 500, "Không cập nhật được cấu trúc cơ sở dữ liệu.", "schema_migrations: %s", sqlite3_errmsg(d->h));
        return -1;
    }
    int have = db_schema_version(d);
    for (size_t i = 0; i < migrations_count; i++) {
        const migration *m = &migrations[i];
        if (m->version <= have) continue;
        char *msg = NULL;
        if (exec_plain(d, "BEGIN IMMEDIATE") != DB_DONE ||
            sqlite3_exec(d->h, m->sql, NULL, NULL, &msg) != SQLITE_OK) {
            err_set(e, 500, "Không cập nhật được cấu trúc cơ sở dữ liệu.", "migration %d (%s): %s", m->version,
                    m->name, msg ? msg : sqlite3_errmsg(d->h));
            sqlite3_free(msg);
            db_rollback(d);
            return -1;
        }
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(d->h, "INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)", -1, &st, NULL);
        sqlite3_bind_int(st, 1, m->version);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE || exec_plain(d, "COMMIT") != DB_DONE) {
            err_set(e, 500, "Không cập nhật được cấu trúc cơ sở dữ liệu.", "recording migration %d", m->version);
            db_rollback(d);
            return -1;
        }
    }
    return 0;
}

int db_backup(db *d, const char *to_path, err *e)
{
    sqlite3 *dst = NULL;
    if (sqlite3_open_v2(to_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE, NULL) !=
        SQLITE_OK) {
        err_set(e, 400, "Không tạo được tệp sao lưu.", "open %s: %s", to_path, dst ? sqlite3_errmsg(dst) : "?");
        sqlite3_close(dst);
        return -1;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", d->h, "main");
    int rc = SQLITE_OK;
    if (b) {
        /* a step at a time, so a busy server's writers are never held up for long */
        while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            if (rc != SQLITE_OK) sqlite3_sleep(50);
        sqlite3_backup_finish(b);
    }
    bool ok = b && rc == SQLITE_DONE;
    if (ok) {
        sqlite3_stmt *st = NULL;
        ok = sqlite3_prepare_v2(dst, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
        sqlite3_finalize(st);
    }
    if (!ok) err_set(e, 500, "Sao lưu không thành công.", "backup to %s: %s", to_path, sqlite3_errmsg(dst));
    sqlite3_close(dst);
    if (!ok) remove(to_path);
    return ok ? 0 : -1;
}

int64_t db_int_by_id(db *d, const char *sql, int64_t id, int64_t fallback)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s) return fallback;
    db_bind_int(s, 1, id);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : fallback;
    db_done(s);
    return v;
}

void db_interrupt(db *d) { sqlite3_interrupt(d->h); }

int db_quick_check(db *d, char *out, size_t n)
{
    sqlite3_stmt *st = NULL;
    snprintf(out, n, "%s", "ok");
    if (sqlite3_prepare_v2(d->h, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK) {
        snprintf(out, n, "%s", sqlite3_errmsg(d->h));
        return -1;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    else snprintf(out, n, "%s", sqlite3_errmsg(d->h));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW && !strcmp(out, "ok") ? 0 : -1;
}
