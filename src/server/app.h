/* app.h -- the server's shared state (configuration, the database pool, metrics), the route
 * table and the server's own pages. Only the server (src/server/) and the command line
 * (src/cli/) include it: features see the page kit (kit/web.h), never this. */
#ifndef TT_APP_H
#define TT_APP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/db.h"
#include "../kit/web.h"

typedef struct {
    const char *db_path;
    const char *listen;          /* "127.0.0.1" */
    int port;
    int max_connections;         /* open connections, all threads together */
    int threads;                 /* event-loop threads (MHD's epoll pool) */
    int workers;                 /* threads for requests that may block (offload.h) */
    int max_per_ip;              /* open connections per client address; more get 429 */
    size_t max_body;             /* bytes; larger bodies get 413 before they are read */
    size_t max_header;           /* bytes of request line + headers; more get 431 */
    int idle_timeout;            /* seconds a silent connection is kept */
    int request_timeout;         /* seconds to receive a whole request body; then 408 */
    int header_timeout;          /* seconds from accept to the end of the headers; then 408 */
    int db_connections;
    const char *locale_dir;
    bool quiet;                  /* no request log lines */
    bool trust_proxy;            /* X-Forwarded-For from a loopback peer names the client */
} app_config;

typedef void (*handler_fn)(req *r);
typedef int64_t (*scope_fn)(req *r);

typedef struct {
    const char *method;
    const char *pattern;         /* "/thu-tuc/{id}" */
    handler_fn handler;
    int access;
    scope_fn scope;              /* the unit the request touches: -1 none found (404); 0 none */
    bool keyed;                  /* an API for apps (Open311): the handler checks the app's key, so
                                    no session is read and a POST needs no CSRF token */
} route;

extern const route routes[];
extern const size_t routes_count;
/* Frees what the features keep for the server's lifetime (caches), at shutdown: the
 * server knows the features only through routes.c. */
void routes_cleanup(void);
/* What the features register with the kit before the first request (error shapes of APIs). */
void routes_init(void);

struct app {
    app_config cfg;
    db_pool *pool;
    struct offload *offload;     /* runs the requests that may block (offload.h) */
    pthread_mutex_t mu;          /* metrics and per-IP counters */
    void *metrics;
    void *ip_counts;
    int open_connections;
    int in_flight;               /* requests begun and not yet answered (shutdown waits) */
    char damage[256];            /* PRAGMA quick_check's complaint at start; "" when sound */
};

int app_serve(app_config *cfg);   /* runs until SIGINT/SIGTERM; returns the exit code */

/* server.c: the pages the server itself serves */
void page_static(req *r);
void page_favicon(req *r);
void page_healthz(req *r);
void page_metrics(req *r);
void page_language(req *r);

/* dashboard.c: the staff start page, across features */
void page_dashboard(req *r);

/* router.c */
/* The route for method and path; NULL when none. When the path exists under other methods,
 * *allow lists them ("GET, HEAD, POST"), else it is NULL. */
const route *router_match(const char *method, const char *path, req *r, const char **allow);
bool router_role_allows(int access, const char *role);

/* housekeeping.c: periodic chores (due-soon warnings) on a background thread */
void housekeeping_start(db_pool *pool);
void housekeeping_stop(void);

/* metrics.c */
void metrics_init(app *ap);
void metrics_free(app *ap);
void metrics_record(app *ap, const char *route, int status, double seconds);
void metrics_render(app *ap, buf *out);

#endif
