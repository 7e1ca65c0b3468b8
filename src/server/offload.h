/* offload.h -- a pool of threads for the requests that may block for long.
 *
 * The server answers on a few event-loop threads (MHD's epoll thread pool), each serving
 * many connections: a lookup that takes 50 µs never waits for a thread. A request that may
 * take milliseconds or more -- a write waiting for its group commit, a PDF, an XLSX file,
 * a password hash, an outbound call -- would hold up every connection of its loop thread.
 * Such a request is suspended (MHD_suspend_connection), handed to this pool, and resumed
 * when its answer is ready, so a slow request never delays a fast one. */
#ifndef TT_OFFLOAD_H
#define TT_OFFLOAD_H

/* One queued piece of work; embed it in the caller's own state. */
typedef struct offload_job {
    void (*run)(struct offload_job *job);
    struct offload_job *next;
} offload_job;

typedef struct offload offload;

/* Starts `threads` threads (at least 1) with every signal blocked; NULL when none starts. */
offload *offload_start(int threads);
/* Queues job; a free thread runs job->run(job) soon after, in the order queued. */
void offload_push(offload *o, offload_job *job);
/* Jobs queued or running now. */
int offload_busy(offload *o);
/* Runs what is still queued, then joins the threads and frees the pool. */
void offload_stop(offload *o);

#endif
