/* intake_load.c -- durable intakes over HTTP, for bench/dossier.sh.
 *
 * Signs in as an officer through the real login form, then CLIENTS threads post real intakes
 * (POST /ho-so, Accept: application/json) for DURATION seconds. An intake counts when the
 * server answered 201 with the dossier's code: the server commits (fsync) before it answers,
 * so every counted intake must survive a crash. Each acknowledged "code<TAB>secret<TAB>id" is
 * appended to --acked FILE as soon as it arrives (the kill test reads it after kill -9).
 *
 *   intake_load --base http://127.0.0.1:PORT --user canbo1 --password PW --procedure ID
 *               [--clients 16] [--duration 10] [--acked FILE] [--stop-on-error] [--slips K]
 *               [--kind dossier|feedback|rating] [--codes FILE]
 *
 * --kind feedback: the citizen's voice instead, keyed in at the desk (POST /phan-anh: a named
 * phản ánh taken by the hotline, its clock started, audited). --kind rating: paper rating slips
 * keyed in (POST /danh-gia/phieu), one for each code of --codes FILE (returned dossiers of the
 * officer's unit, one code a line; a rating per dossier, so the run ends early when they run
 * out); one slip in ten is "không hài lòng" with its reason, which also files a feedback case in
 * the same transaction. Both count a 201 as acknowledged, as for dossiers.
 *
 * --stop-on-error: a client stops at its first failed request (the kill test: the server is
 * gone). Without it a failure is counted and the client goes on.
 * --slips K: afterwards, fetches the appointment slip PDF of K acknowledged dossiers one by
 * one and reports the time per slip (the forms feature renders it).
 *
 * Prints one summary line per part, e.g.
 *   intakes: 5321 acknowledged in 10.0 s = 532.1/s (16 clients); failed 0; latency p50 28.1 ms, p99 61.0 ms
 * Build: cc -O2 -o intake_load intake_load.c -lcurl -lpthread */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char *data;
    size_t len;
} text;

static size_t collect(char *p, size_t sz, size_t n, void *ud)
{
    text *t = ud;
    size_t add = sz * n;
    char *grown = realloc(t->data, t->len + add + 1);
    if (!grown) return 0;
    t->data = grown;
    memcpy(t->data + t->len, p, add);
    t->len += add;
    t->data[t->len] = '\0';
    return add;
}

static const char *base, *user, *password, *procedure, *acked_path, *kind = "dossier", *codes_path;
static char **codes;
static size_t ncodes, next_code;
static int clients = 16, duration = 10, slips = 0;
static bool stop_on_error;
static char cookie[256], csrf[128];
static double t_end;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *acked;
static long ok_count, failed;
static double *lat;
static size_t nlat, caplat;
static char **ack_ids;
static size_t nack, capack;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One request; the body and headers are collected; returns the HTTP status (0: no answer). */
static long http(CURL *c, const char *method, const char *path, const char *body, const char *cookies,
                 const char *accept, text *out, text *headers)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", base, path);
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    if (headers) {
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, headers);
    }
    if (cookies && *cookies) curl_easy_setopt(c, CURLOPT_COOKIE, cookies);
    struct curl_slist *h = NULL;
    if (accept) {
        char line[128];
        snprintf(line, sizeof line, "Accept: %s", accept);
        h = curl_slist_append(h, line);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    }
    if (!strcmp(method, "POST")) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    return status;
}

/* The value of attribute `value` after `name="_csrf"` in a page. */
static bool hidden_csrf(const char *html, char *out, size_t n)
{
    const char *p = html ? strstr(html, "name=\"_csrf\" value=\"") : NULL;
    if (!p) return false;
    p += strlen("name=\"_csrf\" value=\"");
    const char *q = strchr(p, '"');
    if (!q || (size_t)(q - p) >= n) return false;
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = '\0';
    return true;
}

/* name=value of a Set-Cookie header. */
static bool set_cookie(const char *headers, const char *name, char *out, size_t n)
{
    char key[64];
    snprintf(key, sizeof key, "Set-Cookie: %s=", name);
    const char *p = headers ? strcasestr(headers, key) : NULL;
    if (!p) return false;
    p += strlen("Set-Cookie: ");
    size_t k = strcspn(p, ";\r\n");
    if (k >= n) return false;
    memcpy(out, p, k);
    out[k] = '\0';
    return true;
}

static bool login(void)
{
    CURL *c = curl_easy_init();
    text body = {0}, head = {0};
    char anon[160] = "", sess[160] = "", form[512];
    bool ok = http(c, "GET", "/dang-nhap", NULL, NULL, NULL, &body, &head) == 200 &&
              set_cookie(head.data, "tt_csrf", anon, sizeof anon) && hidden_csrf(body.data, csrf, sizeof csrf);
    free(body.data);
    free(head.data);
    body = (text){0};
    head = (text){0};
    if (ok) {
        char *pw = curl_easy_escape(c, password, 0);
        snprintf(form, sizeof form, "_csrf=%s&username=%s&password=%s", csrf, user, pw);
        curl_free(pw);
        ok = http(c, "POST", "/dang-nhap", form, anon, NULL, &body, &head) == 303 &&
             set_cookie(head.data, "tt_session", sess, sizeof sess);
        free(body.data);
        free(head.data);
        body = (text){0};
    }
    if (ok) {
        snprintf(cookie, sizeof cookie, "%s", sess);
        /* the signed-in pages carry the session's own CSRF token */
        ok = http(c, "GET", "/bang-dieu-khien", NULL, cookie, NULL, &body, NULL) == 200 &&
             hidden_csrf(body.data, csrf, sizeof csrf);
        free(body.data);
    }
    curl_easy_cleanup(c);
    return ok;
}

/* "key":"value" or "key":number from a flat JSON answer. */
static bool json_field(const char *json, const char *key, char *out, size_t n)
{
    char k[64];
    snprintf(k, sizeof k, "\"%s\":", key);
    const char *p = json ? strstr(json, k) : NULL;
    if (!p) return false;
    p += strlen(k);
    while (*p == ' ') p++;
    bool quoted = *p == '"';
    if (quoted) p++;
    size_t len = quoted ? strcspn(p, "\"") : strcspn(p, ",} ");
    if (len == 0 || len >= n) return false;
    memcpy(out, p, len);
    out[len] = '\0';
    return true;
}

/* The next unrated code of --codes, or NULL when none is left. */
static const char *take_code(void)
{
    pthread_mutex_lock(&mu);
    const char *c = next_code < ncodes ? codes[next_code++] : NULL;
    pthread_mutex_unlock(&mu);
    return c;
}

/* The request one client sends next: false when there is nothing left to send. */
static bool next_request(long me, long seq, char *path, size_t np, char *body, size_t nb)
{
    if (!strcmp(kind, "feedback")) {
        /* a named phản ánh by the hotline: name, phone and address, as the law asks of one */
        snprintf(path, np, "/phan-anh");
        snprintf(body, nb,
                 "_csrf=%s&kind=phan_anh&channel=hotline&subject=%%C4%%90%%C3%%A8n+%%C4%%91%%C6%%B0%%E1%%BB%%9Dng+"
                 "h%%E1%%BB%%8Fng+%ld-%ld&content=%%C4%%90%%C3%%A8n+%%C4%%91%%C6%%B0%%E1%%BB%%9Dng+%%E1%%BB%%9F+"
                 "t%%E1%%BB%%95+5+h%%E1%%BB%%8Fng+%%C4%%91%%C3%%A3+m%%E1%%BB%%99t+tu%%E1%%BA%%A7n."
                 "&name=Tr%%E1%%BA%%A7n+V%%C4%%83n+B%%C3%%ACnh+%ld-%ld&phone=09%08ld&address=T%%E1%%BB%%95+5",
                 csrf, me, seq, me, seq, (me * 1000003 + seq) % 100000000);
        return true;
    }
    if (!strcmp(kind, "rating")) {
        const char *code = take_code();
        if (!code) return false;
        snprintf(path, np, "/danh-gia/phieu");
        if (seq % 10 == 9)   /* "không hài lòng" needs its reason, and opens a feedback case */
            snprintf(body, nb, "_csrf=%s&ma=%s&muc=dissatisfied&ly_do=Ph%%E1%%BA%%A3i+%%C4%%91i+l%%E1%%BA%%A1i+hai+l%%E1%%BA%%A7n",
                     csrf, code);
        else
            snprintf(body, nb, "_csrf=%s&ma=%s&muc=%s", csrf, code, seq % 3 ? "satisfied" : "very_satisfied");
        return true;
    }
    /* a real intake: a Vietnamese name, a valid phone and citizen ID, every paper ticked */
    snprintf(path, np, "/ho-so");
    snprintf(body, nb,
             "_csrf=%s&procedure_id=%s&applicant_name=Nguy%%E1%%BB%%85n+Th%%E1%%BB%%8B+Lan+%ld-%ld"
             "&applicant_phone=09%08ld&applicant_id_number=0191900%05ld&applicant_address=T%%E1%%BB%%95+5"
             "&channel=desk&return_method=desk",
             csrf, procedure, me, seq, (me * 1000003 + seq) % 100000000, (me * 7919 + seq) % 100000);
    return true;
}

static void *client(void *arg)
{
    long me = (long)arg;
    CURL *c = curl_easy_init();
    char body[1024], path[64];
    long seq = 0;
    bool dossier = !strcmp(kind, "dossier");
    while (now() < t_end && next_request(me, seq, path, sizeof path, body, sizeof body)) {
        seq++;
        text out = {0};
        double t0 = now();
        long status = http(c, "POST", path, body, cookie, "application/json", &out, NULL);
        double dt = now() - t0;
        char code[80] = "", secret[16] = "", id[24] = "";
        bool good = status == 201 && json_field(out.data, "id", id, sizeof id) &&
                    (!dossier || (json_field(out.data, "code", code, sizeof code) &&
                                  json_field(out.data, "secret", secret, sizeof secret)));
        if (!good && failed < 3) fprintf(stderr, "intake_load: %s answered %ld: %.200s\n", path, status, out.data ? out.data : "");
        free(out.data);
        pthread_mutex_lock(&mu);
        if (good) {
            ok_count++;
            if (acked && dossier) {
                fprintf(acked, "%s\t%s\t%s\n", code, secret, id);
                fflush(acked);
            }
            if (nlat == caplat) lat = realloc(lat, (caplat = caplat ? caplat * 2 : 4096) * sizeof *lat);
            lat[nlat++] = dt;
            if (dossier) {
                if (nack == capack) ack_ids = realloc(ack_ids, (capack = capack ? capack * 2 : 4096) * sizeof *ack_ids);
                ack_ids[nack++] = strdup(id);
            }
        } else {
            failed++;
        }
        pthread_mutex_unlock(&mu);
        if (!good && stop_on_error) break;
    }
    curl_easy_cleanup(c);
    return NULL;
}

/* One code a line. */
static bool read_codes(const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f) return false;
    char line[128];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\t\r\n")] = '\0';
        if (!*line) continue;
        if (ncodes == cap) codes = realloc(codes, (cap = cap ? cap * 2 : 4096) * sizeof *codes);
        codes[ncodes++] = strdup(line);
    }
    fclose(f);
    return ncodes > 0;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    if (!n) return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i];
}

/* The slip PDF of k acknowledged dossiers, one after another. */
static void time_slips(int k)
{
    if (!nack || k <= 0) return;
    CURL *c = curl_easy_init();
    double *t = calloc((size_t)k, sizeof *t);
    int n = 0, real = 0, bad = 0;
    for (int i = 0; i < k; i++) {
        char path[96];
        snprintf(path, sizeof path, "/ho-so/%s/giay-hen.pdf", ack_ids[(size_t)i * nack / (size_t)k]);
        text out = {0};
        double t0 = now();
        long status = http(c, "GET", path, NULL, cookie, NULL, &out, NULL);
        double dt = now() - t0;
        if (status == 200) {
            t[n++] = dt;
            real += out.len > 1000 && !strncmp(out.data, "%PDF-1.", 7);
        } else {
            bad++;
        }
        free(out.data);
    }
    qsort(t, (size_t)n, sizeof *t, by_double);
    double sum = 0;
    for (int i = 0; i < n; i++) sum += t[i];
    printf("slips: %d fetched, %d real PDFs, %d failed; per slip mean %.1f ms, p50 %.1f ms, p99 %.1f ms%s\n", n, real, bad,
           n ? sum / n * 1000 : 0, pct(t, (size_t)n, 0.5) * 1000, pct(t, (size_t)n, 0.99) * 1000,
           real < n ? " (not real PDFs: the forms feature is not merged yet)" : "");
    free(t);
    curl_easy_cleanup(c);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--stop-on-error")) { stop_on_error = true; continue; }
        if (!v) { fprintf(stderr, "intake_load: %s needs a value\n", a); return 2; }
        if (!strcmp(a, "--base")) base = v;
        else if (!strcmp(a, "--user")) user = v;
        else if (!strcmp(a, "--password")) password = v;
        else if (!strcmp(a, "--procedure")) procedure = v;
        else if (!strcmp(a, "--acked")) acked_path = v;
        else if (!strcmp(a, "--clients")) clients = atoi(v);
        else if (!strcmp(a, "--duration")) duration = atoi(v);
        else if (!strcmp(a, "--slips")) slips = atoi(v);
        else if (!strcmp(a, "--kind")) kind = v;
        else if (!strcmp(a, "--codes")) codes_path = v;
        else { fprintf(stderr, "intake_load: unknown option %s\n", a); return 2; }
        i++;
    }
    bool kind_ok = !strcmp(kind, "dossier") || !strcmp(kind, "feedback") || !strcmp(kind, "rating");
    if (!base || !user || !password || !procedure || clients < 1 || clients > 1000 || duration < 1 || !kind_ok ||
        (!strcmp(kind, "rating") && !codes_path)) {
        fprintf(stderr, "usage: intake_load --base URL --user U --password P --procedure ID [--clients N] "
                        "[--duration S] [--acked FILE] [--stop-on-error] [--slips K] [--kind dossier|feedback|rating] "
                        "[--codes FILE (for rating)]\n");
        return 2;
    }
    if (codes_path && !read_codes(codes_path)) {
        fprintf(stderr, "intake_load: no codes in %s\n", codes_path);
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!login()) {
        fprintf(stderr, "intake_load: cannot sign in as %s at %s\n", user, base);
        return 1;
    }
    if (acked_path && !(acked = fopen(acked_path, "a"))) {
        fprintf(stderr, "intake_load: cannot write %s\n", acked_path);
        return 1;
    }
    pthread_t *th = calloc((size_t)clients, sizeof *th);
    double t0 = now();
    t_end = t0 + duration;
    for (long i = 0; i < clients; i++) pthread_create(&th[i], NULL, client, (void *)i);
    for (int i = 0; i < clients; i++) pthread_join(th[i], NULL);
    double secs = now() - t0;
    qsort(lat, nlat, sizeof *lat, by_double);
    const char *what = !strcmp(kind, "feedback") ? "feedback cases" : !strcmp(kind, "rating") ? "ratings" : "intakes";
    printf("%s: %ld acknowledged in %.1f s = %.1f/s (%d clients); failed %ld; latency p50 %.1f ms, p99 %.1f ms\n",
           what, ok_count, secs, (double)ok_count / secs, clients, failed, pct(lat, nlat, 0.5) * 1000,
           pct(lat, nlat, 0.99) * 1000);
    fflush(stdout);
    time_slips(slips);
    if (acked) fclose(acked);
    for (size_t i = 0; i < nack; i++) free(ack_ids[i]);
    for (size_t i = 0; i < ncodes; i++) free(codes[i]);
    free(codes);
    free(ack_ids);
    free(lat);
    free(th);
    curl_global_cleanup();
    return 0;
}
