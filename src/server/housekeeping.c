/* housekeeping.c -- the server's periodic chores, on one background thread: every minute it
 * signs a checkpoint of the audit log's head (audit.h) and releases booking holds whose SMS
 * code did not come in time (booking.h); every five minutes it queues the due-soon warnings
 * of dossiers about to be late, and those of feedback cases near or past their legal deadline
 * (feedback_warn_due; the notification outbox delivers them). Each round also ends the read
 * transactions the citizen's lookups left open on idle connections (db_pool_end_stale_reads).
 * The thread sleeps on
 * a condition variable so a stop is immediate. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "../core/clock.h"
#include "../audit/audit.h"
#include "../booking/booking.h"
#include "../dossier/dossier.h"
#include "../feedback/feedback.h"
#include "app.h"
#include "../core/log.h"

#define HOUSEKEEPING_SECONDS 60
#define DUE_SOON_EVERY 5          /* rounds: every five minutes */

static pthread_t thread;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static bool running, stopping;

static void chores(db_pool *pool, int round)
{
    db_pool_end_stale_reads(pool);   /* lookups' kept snapshots must not hold the WAL back */
    db *d = db_acquire(pool);
    int64_t now = clock_now();
    if (audit_checkpoint(d, now) < 0) log_json("error", "audit checkpoint not written", NULL);
    err e = {0};
    booking_expire_holds(d, now);   /* a write of its own; a busy database frees them next round */
    if (round % DUE_SOON_EVERY == 0) {
        arena *a = arena_new();
        int n = dossier_warn_due_soon(d, a, now, &e);
        if (n > 0) log_json("info", "due-soon warnings queued", "{s:i}", "count", n);
        if (e.status) log_json("error", "due-soon", "{s:s}", "detail", e.log);
        err fe = {0};
        n = feedback_warn_due(d, a, now, &fe);
        if (n > 0) log_json("info", "feedback warnings queued", "{s:i}", "count", n);
        if (fe.status) log_json("error", "feedback warnings", "{s:s}", "detail", fe.log);
        arena_free(a);
    }
    db_release(pool, d);
}

static void *loop(void *arg)
{
    db_pool *pool = arg;
    int round = 0;
    pthread_mutex_lock(&mu);
    while (!stopping) {
        pthread_mutex_unlock(&mu);
        chores(pool, round++);
        pthread_mutex_lock(&mu);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += HOUSEKEEPING_SECONDS;
        while (!stopping && pthread_cond_timedwait(&wake, &mu, &until) == 0) {}
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

void housekeeping_start(db_pool *pool)
{
    stopping = false;
    running = pthread_create(&thread, NULL, loop, pool) == 0;
}

void housekeeping_stop(void)
{
    if (!running) return;
    pthread_mutex_lock(&mu);
    stopping = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&mu);
    pthread_join(thread, NULL);
    running = false;
}
