/* write_bench.c -- durable writes per second through db_write() on a file database: N threads
 * x M inserts, inline (each thread writes on a connection of its own, one transaction and one
 * fsync per write, contending in SQLite's busy handler: how pooled connections wrote before
 * group commit) against group commit (the same threads on a pool: its writer batches them).
 *
 *   make build/write_bench && build/write_bench [DIR] [THREADS] [EACH]
 *
 * DIR (default bench/.work) must be on the disk being measured (not a tmpfs). Each mode gets a
 * fresh database; the figures are writes/s, the commits, and the p50, p99 and maximum time of
 * one db_write. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../src/store/db.h"

typedef struct {
    db_pool *pool;      /* group commit; NULL: inline on a connection of its own */
    const char *path;
    int who, each;
    int failures;
    double *lat;        /* seconds, one per write */
} worker;

typedef struct {
    int who, n;
} row;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int insert(db *d, void *ctx, err *e)
{
    row *r = ctx;
    db_stmt *s = db_prepare(d, "INSERT INTO t (who, n, payload) VALUES (?, ?, ?)");
    db_bind_int(s, 1, r->who);
    db_bind_int(s, 2, r->n);
    db_bind_text(s, 3, "một hồ sơ: about the size of a small row of a feature's table");
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, "insert", "insert: %s", db_errmsg(d));
        return -1;
    }
    return 0;
}

static void *work(void *arg)
{
    worker *w = arg;
    err e = {0};
    db *d = w->pool ? db_acquire(w->pool) : db_open(w->path, &e);
    if (!d) {
        w->failures = w->each;
        return NULL;
    }
    for (int i = 0; i < w->each; i++) {
        row r = {w->who, i};
        err we = {0};
        double t0 = now();
        if (db_write(d, insert, &r, &we) != 0) w->failures++;
        w->lat[i] = now() - t0;
    }
    if (w->pool) db_release(w->pool, d);
    else db_close(d);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void run(const char *dir, const char *mode, int threads, int each)
{
    char path[512];
    snprintf(path, sizeof path, "%s/write_bench_%s.db", dir, mode);
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        unlink(p);
    }
    err e = {0};
    db *setup = db_open(path, &e);
    if (!setup || db_exec(setup, "CREATE TABLE t (who INTEGER NOT NULL, n INTEGER NOT NULL, payload TEXT NOT NULL,"
                                 " PRIMARY KEY (who, n)) STRICT") != DB_DONE) {
        fprintf(stderr, "setup %s: %s\n", path, e.log);
        exit(1);
    }
    db_pool *pool = NULL;
    if (!strcmp(mode, "group")) {
        pool = db_pool_open(path, threads, &e);
        if (!pool) {
            fprintf(stderr, "pool: %s\n", e.log);
            exit(1);
        }
    }
    worker *w = calloc((size_t)threads, sizeof *w);
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    double *lat = calloc((size_t)threads * (size_t)each, sizeof *lat);
    if (!w || !t || !lat) abort();
    double t0 = now();
    for (int i = 0; i < threads; i++) {
        w[i] = (worker){.pool = pool, .path = path, .who = i, .each = each, .lat = lat + (size_t)i * (size_t)each};
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    int failures = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        failures += w[i].failures;
    }
    double secs = now() - t0;
    size_t n = (size_t)threads * (size_t)each;
    qsort(lat, n, sizeof *lat, cmp);
    db_write_stats st = {0};
    if (pool) db_pool_write_stats(pool, &st);
    int64_t rows = db_int_by_id(setup, "SELECT count(*) FROM t WHERE ? = 0", 0, -1);
    printf("%-6s %3d threads x %4d: %8.0f writes/s  p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms  commits %6llu  failures %d  rows %lld\n",
           mode, threads, each, (double)(n - (size_t)failures) / secs, lat[n / 2] * 1e3, lat[n * 99 / 100] * 1e3, lat[n - 1] * 1e3,
           pool ? (unsigned long long)st.commits : (unsigned long long)(n - (size_t)failures), failures,
           (long long)rows);
    db_pool_close(pool);
    db_close(setup);
    free(w);
    free(t);
    free(lat);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "bench/.work";
    int threads = argc > 2 ? atoi(argv[2]) : 16;
    int each = argc > 3 ? atoi(argv[3]) : 200;
    if (threads < 1 || each < 1) {
        fprintf(stderr, "usage: write_bench [DIR] [THREADS] [EACH]\n");
        return 2;
    }
    mkdir(dir, 0755);
    run(dir, "inline", threads, each);
    run(dir, "group", threads, each);
    return 0;
}
