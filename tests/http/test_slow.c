/* test_slow.c -- a slow request never holds up a fast one.
 *
 * The server answers on a few event-loop threads (one per processor); a request that may
 * take long (here a batch of letters as one PDF, over a second with the sanitizers) runs on
 * the worker pool instead (src/server/offload.h). Twice as many slow PDFs as there are loop
 * threads start first (50 ms apart), then 50 tracking lookups, ten at a time: every lookup must come back
 * long before the PDFs do. Were the PDFs rendered on the loop threads, every lookup that
 * landed beside one would wait for it. */
#define MAX_PER_IP 64
#include "harness.h"

#include <stdbool.h>

#define LOOKUPS 50
#define LOOKUPS_AT_ONCE 10

typedef struct {
    CURL *c;
    double started, seconds;
    long status;
    size_t bytes;
} transfer;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t count_bytes(char *p, size_t sz, size_t n, void *ud)
{
    (void)p;
    ((transfer *)ud)->bytes += sz * n;
    return sz * n;
}

static void start(CURLM *m, transfer *t, const char *path, const char *cookie)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", base, path);
    t->c = curl_easy_init();
    curl_easy_setopt(t->c, CURLOPT_URL, url);
    curl_easy_setopt(t->c, CURLOPT_WRITEFUNCTION, count_bytes);
    curl_easy_setopt(t->c, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(t->c, CURLOPT_PRIVATE, t);
    curl_easy_setopt(t->c, CURLOPT_TIMEOUT, 60L);
    if (cookie) curl_easy_setopt(t->c, CURLOPT_COOKIE, cookie);
    t->started = now_s();
    curl_multi_add_handle(m, t->c);
}

/* Runs the multi handle until nothing is left in it; each finished transfer gets its time. */
static void finish_done(CURLM *m)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        transfer *t;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        t->seconds = now_s() - t->started;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &t->status);
        assert_int_equal(msg->data.result, CURLE_OK);
        curl_multi_remove_handle(m, msg->easy_handle);
        curl_easy_cleanup(msg->easy_handle);
    }
}

static int running(CURLM *m)
{
    int n = 0;
    curl_multi_perform(m, &n);
    finish_done(m);
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void lookups_not_held_up_by_slow_pdfs(void **state)
{
    (void)state;
    session lead;
    assert_int_equal(login("admin", PASSWORD, &lead), 303);
    char code[64], secret[16], lookup[160];
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT code, secret FROM dossiers ORDER BY id LIMIT 1", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(code, sizeof code, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(secret, sizeof secret, "%s", (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    sqlite3_close(h);
    snprintf(lookup, sizeof lookup, "/api/v1/dossiers/%s?secret=%s", code, secret);

    /* the slow request: every proposed letter of care as one PDF */
    const char *slow_path = "/thu/in.pdf?trang_thai=proposed";
    response probe = request("GET", slow_path, NULL, lead.cookie, NULL);
    assert_int_equal(probe.status, 200);
    assert_true(probe.len > 50000);
    response_free(&probe);

    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int nslow = 2 * (int)(cpus > 1 ? cpus : 1);
    if (nslow > 16) nslow = 16;
    transfer slow[16] = {0}, fast[LOOKUPS] = {0};
    CURLM *m = curl_multi_init();
    /* one PDF every 50 ms: an idle loop thread takes each one, so that were the PDFs rendered
     * there, every loop thread would be busy with one when the lookups come */
    for (int i = 0; i < nslow; i++) {
        start(m, &slow[i], slow_path, lead.cookie);
        double until = now_s() + 0.05;
        while (now_s() < until) {
            running(m);
            curl_multi_wait(m, NULL, 0, 10, NULL);
        }
    }
    int next = 0, slow_done_first = -1;
    while (running(m) > 0 || next < LOOKUPS) {
        int in_flight_fast = 0;
        for (int i = 0; i < next; i++) in_flight_fast += fast[i].c && fast[i].seconds == 0;
        while (next < LOOKUPS && in_flight_fast < LOOKUPS_AT_ONCE) {
            start(m, &fast[next++], lookup, NULL);
            in_flight_fast++;
        }
        for (int i = 0; i < nslow && slow_done_first < 0; i++)
            if (slow[i].seconds > 0) slow_done_first = next;
        curl_multi_wait(m, NULL, 0, 10, NULL);
    }
    curl_multi_cleanup(m);

    double times[LOOKUPS], slow_min = 1e9;
    for (int i = 0; i < LOOKUPS; i++) {
        assert_int_equal(fast[i].status, 200);
        times[i] = fast[i].seconds;
    }
    for (int i = 0; i < nslow; i++) {
        assert_int_equal(slow[i].status, 200);
        if (slow[i].seconds < slow_min) slow_min = slow[i].seconds;
    }
    qsort(times, LOOKUPS, sizeof times[0], cmp_double);
    double p99 = times[LOOKUPS - 1];   /* of 50: the slowest */
    fprintf(stderr, "  %d slow PDFs: the quickest took %.0f ms; 50 lookups meanwhile: p50 %.0f ms, p99 %.0f ms\n",
            nslow, slow_min * 1000, times[LOOKUPS / 2] * 1000, p99 * 1000);
    /* every lookup was sent and answered while the PDFs were still rendering */
    assert_true(slow_done_first < 0 || slow_done_first == LOOKUPS);
    assert_true(p99 < slow_min / 4);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lookups_not_held_up_by_slow_pdfs),
    };
    int rc = cmocka_run_group_tests(tests, start_server, stop_server);
    curl_global_cleanup();
    return rc;
}
