/* http_gateway.c -- test scaffolding, not product code: an SMS / Zalo OA gateway on a loopback
 * port (libmicrohttpd), which records every request (method, path, Authorization header,
 * body) and answers 200 {"ok":true}, or fail_status the next fail_next times, or
 * always_status for good. Included by the tests that use it. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GW_MAX 32

typedef struct {
    char method[8], path[128], auth[160], content_type[96];
    char *body;
} gw_request;

typedef struct {
    struct MHD_Daemon *d;
    int port;
    pthread_mutex_t mu;
    gw_request reqs[GW_MAX];
    int nreqs;
    int fail_next, fail_status;   /* answer fail_status to the next fail_next requests */
    int always_status;            /* 0, or the status every request gets */
} gateway;

typedef struct {
    char *data;
    size_t len;
} gw_body;

static enum MHD_Result gw_answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                 const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void)version;
    gateway *g = cls;
    gw_body *b = *state;
    if (!b) {
        *state = calloc(1, sizeof *b);
        return MHD_YES;
    }
    if (*upload_size) {
        b->data = realloc(b->data, b->len + *upload_size + 1);
        memcpy(b->data + b->len, upload, *upload_size);
        b->len += *upload_size;
        b->data[b->len] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    gw_request r = {0};
    snprintf(r.method, sizeof r.method, "%s", method);
    snprintf(r.path, sizeof r.path, "%s", url);
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    snprintf(r.auth, sizeof r.auth, "%s", auth ? auth : "");
    snprintf(r.content_type, sizeof r.content_type, "%s", ct ? ct : "");
    r.body = strdup(b->data ? b->data : "");
    int status = 200;
    pthread_mutex_lock(&g->mu);
    if (g->nreqs < GW_MAX) g->reqs[g->nreqs++] = r;
    else free(r.body);
    if (g->always_status) status = g->always_status;
    else if (g->fail_next > 0) g->fail_next--, status = g->fail_status;
    pthread_mutex_unlock(&g->mu);
    const char *text = status == 200 ? "{\"ok\":true}" : "{\"error\":\"gateway says no\"}";
    struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static void gw_done(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    gw_body *b = *state;
    if (b) free(b->data);
    free(b);
    *state = NULL;
}

static gateway *gw_start(void)
{
    gateway *g = calloc(1, sizeof *g);
    pthread_mutex_init(&g->mu, NULL);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sigset_t all, old;   /* its threads take no signals (see smtp_server.c) */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    g->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, gw_answer, g, MHD_OPTION_SOCK_ADDR,
                            (struct sockaddr *)&a, MHD_OPTION_NOTIFY_COMPLETED, gw_done, g, MHD_OPTION_END);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!g->d) {
        free(g);
        return NULL;
    }
    g->port = MHD_get_daemon_info(g->d, MHD_DAEMON_INFO_BIND_PORT)->port;
    return g;
}

static int gw_count(gateway *g)
{
    pthread_mutex_lock(&g->mu);
    int n = g->nreqs;
    pthread_mutex_unlock(&g->mu);
    return n;
}

static void gw_stop(gateway *g)
{
    if (!g) return;
    MHD_stop_daemon(g->d);
    for (int i = 0; i < g->nreqs; i++) free(g->reqs[i].body);
    pthread_mutex_destroy(&g->mu);
    free(g);
}
