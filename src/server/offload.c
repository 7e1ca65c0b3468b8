/* offload.c -- see offload.h. A mutex, a condition variable and a FIFO list: jobs are few
 * (one per slow request) and short-lived, so nothing cleverer pays for itself. */
#include "offload.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>

struct offload {
    pthread_mutex_t mu;
    pthread_cond_t wake;
    offload_job *head, *tail;
    int busy;          /* queued + running */
    bool stopping;
    int nthreads;
    pthread_t threads[];
};

static void *worker(void *arg)
{
    offload *o = arg;
    pthread_mutex_lock(&o->mu);
    for (;;) {
        while (!o->head && !o->stopping) pthread_cond_wait(&o->wake, &o->mu);
        offload_job *job = o->head;
        if (!job) break;   /* stopping, and nothing left to run */
        o->head = job->next;
        if (!o->head) o->tail = NULL;
        pthread_mutex_unlock(&o->mu);
        job->run(job);   /* may free job: not touched after this */
        pthread_mutex_lock(&o->mu);
        o->busy--;
    }
    pthread_mutex_unlock(&o->mu);
    return NULL;
}

offload *offload_start(int threads)
{
    if (threads < 1) threads = 1;
    offload *o = calloc(1, sizeof *o + (size_t)threads * sizeof(pthread_t));
    if (!o) return NULL;
    pthread_mutex_init(&o->mu, NULL);
    pthread_cond_init(&o->wake, NULL);
    /* the stop signals belong to the thread that waits for them (sigwait), never to a worker */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&o->threads[i], NULL, worker, o) != 0) break;
        o->nthreads++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (o->nthreads == 0) {
        offload_stop(o);
        return NULL;
    }
    return o;
}

void offload_push(offload *o, offload_job *job)
{
    job->next = NULL;
    pthread_mutex_lock(&o->mu);
    if (o->tail) o->tail->next = job;
    else o->head = job;
    o->tail = job;
    o->busy++;
    pthread_cond_signal(&o->wake);
    pthread_mutex_unlock(&o->mu);
}

int offload_busy(offload *o)
{
    pthread_mutex_lock(&o->mu);
    int n = o->busy;
    pthread_mutex_unlock(&o->mu);
    return n;
}

void offload_stop(offload *o)
{
    if (!o) return;
    pthread_mutex_lock(&o->mu);
    o->stopping = true;
    pthread_cond_broadcast(&o->wake);
    pthread_mutex_unlock(&o->mu);
    for (int i = 0; i < o->nthreads; i++) pthread_join(o->threads[i], NULL);
    pthread_mutex_destroy(&o->mu);
    pthread_cond_destroy(&o->wake);
    free(o);
}
