/* metrics.c -- request counters by route and status, a latency histogram and the open
 * connection gauge, and the database writer's writes and commits, in the Prometheus text format
 * (GET /metrics). */
#include <stdlib.h>
#include <string.h>

#include "app.h"

#define MAX_SERIES 256
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

typedef struct {
    const char *route;   /* points into the static route table or a literal */
    int status;
    uint64_t count;
} series;

typedef struct {
    series s[MAX_SERIES];
    int n;
    uint64_t bucket_counts[NBUCKETS];
    uint64_t total;
    double sum;
} metrics;

void metrics_init(app *ap)
{
    ap->metrics = calloc(1, sizeof(metrics));
    if (!ap->metrics) abort();
}

void metrics_free(app *ap)
{
    free(ap->metrics);
    ap->metrics = NULL;
}

void metrics_record(app *ap, const char *route_name, int status, double seconds)
{
    metrics *m = ap->metrics;
    pthread_mutex_lock(&ap->mu);
    int i;
    for (i = 0; i < m->n; i++)
        if (m->s[i].status == status && !strcmp(m->s[i].route, route_name)) break;
    if (i == m->n && m->n < MAX_SERIES) m->s[m->n++] = (series){route_name, status, 0};
    if (i < MAX_SERIES) m->s[i].count++;
    for (size_t b = 0; b < NBUCKETS; b++)
        if (seconds <= buckets[b]) m->bucket_counts[b]++;
    m->total++;
    m->sum += seconds;
    pthread_mutex_unlock(&ap->mu);
}

void metrics_render(app *ap, buf *out)
{
    metrics *m = ap->metrics;
    pthread_mutex_lock(&ap->mu);
    buf_puts(out, "# HELP thanthien_http_requests_total HTTP requests answered, by route and status.\n"
                  "# TYPE thanthien_http_requests_total counter\n");
    for (int i = 0; i < m->n; i++)
        buf_printf(out, "thanthien_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n", m->s[i].route,
                   m->s[i].status, (unsigned long long)m->s[i].count);
    buf_puts(out, "# HELP thanthien_http_request_duration_seconds Time from the first byte of a request to "
                  "its response being sent.\n# TYPE thanthien_http_request_duration_seconds histogram\n");
    for (size_t b = 0; b < NBUCKETS; b++)
        buf_printf(out, "thanthien_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[b],
                   (unsigned long long)m->bucket_counts[b]);
    buf_printf(out, "thanthien_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
               (unsigned long long)m->total);
    buf_printf(out, "thanthien_http_request_duration_seconds_sum %.6f\n", m->sum);
    buf_printf(out, "thanthien_http_request_duration_seconds_count %llu\n", (unsigned long long)m->total);
    buf_printf(out, "# HELP thanthien_http_open_connections Client connections open now.\n"
                    "# TYPE thanthien_http_open_connections gauge\nthanthien_http_open_connections %d\n",
               ap->open_connections);
    pthread_mutex_unlock(&ap->mu);
    db_write_stats ws = {0};
    if (ap->pool) db_pool_write_stats(ap->pool, &ws);
    buf_printf(out, "# HELP thanthien_db_writes_total Writes through the one write path.\n"
                    "# TYPE thanthien_db_writes_total counter\nthanthien_db_writes_total %llu\n"
                    "# HELP thanthien_db_commits_total Transactions the writer committed (a batch of writes each).\n"
                    "# TYPE thanthien_db_commits_total counter\nthanthien_db_commits_total %llu\n",
               (unsigned long long)ws.writes, (unsigned long long)ws.commits);
}
