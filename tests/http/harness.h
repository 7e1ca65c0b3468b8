/* harness.h -- what every HTTP test file shares: HTTP tests against a real `thanthien serve` on a free loopback port.
 *
 * The group setup copies a demo database into a temporary directory, starts the server built
 * with the sanitizers (THANTHIEN_BIN), and waits for /healthz; teardown stops it with
 * SIGTERM and requires a clean exit, so a leak or sanitizer report in the server fails the
 * run. Requests go through libcurl; the limit tests speak raw HTTP over a socket, because
 * they need to misbehave (huge headers, a body that stalls, too many connections).
 *
 * Each tests/http/test_FEATURE.c includes this file and gets its own server and database. The
 * fixtures the cases share live here, not in the files: sign_in(), new_dossier(), intake(),
 * act(), procedure_id(), post_form(), sql_int() and friends. assert_status(r, 200) prints
 * both statuses in decimal and the start of the body; assert_int_equal prints decimal too.
 * TEST=pattern runs only the matching cases. The server's clock (src/core/clock.h) is moved
 * with clock_advance() and travel_past_due(): a dossier becomes late because days pass. */
#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* Each test file uses some of these helpers, not all. */
#pragma GCC diagnostic ignored "-Wunused-function"

/* TEST=name build/chk/http/test_x runs only the cases whose name matches (cmocka's pattern: *
 * and ? as in the shell); set before main() so no test file needs to know. */
__attribute__((constructor)) static void test_filter_from_env(void)
{
    const char *t = getenv("TEST");
    if (t && *t) cmocka_set_test_filter(t);
}

/* cmocka prints integers in hexadecimal ("0x194 != 0xc8"); statuses and counts read better in
 * decimal, so every assert_int_equal of these files says "404, expected 200". */
#undef assert_int_equal
#define assert_int_equal(a, b) check_int_equal((long long)(a), (long long)(b), #a, __FILE__, __LINE__)
static void check_int_equal(long long got, long long want, const char *what, const char *file, int line)
{
    if (got == want) return;
    print_error("%s is %lld, expected %lld\n", what, got, want);
    _fail(file, line);
}

#define PASSWORD "ThanThien@2026"
#ifndef MAX_PER_IP   /* a test file that needs many connections at once defines its own */
#define MAX_PER_IP 6
#endif

static char dir[256], dbpath[300], base[64];
static const char *bin;
static pid_t server;
static int port;
static char clock_path[320];   /* THANTHIEN_CLOCK_FILE of the server (src/core/clock.h) */
static long long clock_offset;  /* seconds the server's clock is ahead of ours */

/* ---- helpers ---------------------------------------------------------------------- */

typedef struct {
    long status;
    char *body;
    size_t len;
    char *headers;
    size_t hlen;
} response;

static size_t collect(char *p, size_t sz, size_t n, void *ud)
{
    response *r = ud;
    size_t add = sz * n;
    r->body = realloc(r->body, r->len + add + 1);
    memcpy(r->body + r->len, p, add);
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

static size_t collect_headers(char *p, size_t sz, size_t n, void *ud)
{
    response *r = ud;
    size_t add = sz * n;
    r->headers = realloc(r->headers, r->hlen + add + 1);
    memcpy(r->headers + r->hlen, p, add);
    r->hlen += add;
    r->headers[r->hlen] = '\0';
    return add;
}

static void response_free(response *r)
{
    free(r->body);
    free(r->headers);
    memset(r, 0, sizeof *r);
}

/* method, path, optional body (urlencoded), cookie string, extra header */
static response request(const char *method, const char *path, const char *body, const char *cookie,
                        const char *header)
{
    response r = {0};
    r.body = calloc(1, 1);
    r.headers = calloc(1, 1);
    CURL *c = curl_easy_init();
    char url[2048];
    snprintf(url, sizeof url, "%s%s", base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_headers);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    if (cookie) curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
    struct curl_slist *h = NULL;
    if (header) h = curl_slist_append(h, header);
    if (h) curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) fail_msg("request %s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r;
}

static response get(const char *path) { return request("GET", path, NULL, NULL, NULL); }

/* Waits (up to 5 s) until the server has seen this address's closed connections go: after
 * many connections at once, the next request could otherwise meet the per-address limit
 * (refused at accept, or 429) while the server has not yet noticed the closes. */
static void settle_connections(void)
{
    char url[128];
    snprintf(url, sizeof url, "%s/healthz", base);
    for (int i = 0; i < 100; i++) {
        CURL *c = curl_easy_init();
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
        long status = 0;
        if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_cleanup(c);
        if (status == 200) return;
        usleep(50 * 1000);
    }
    fail_msg("the server still refuses this address 5 s after its connections closed");
}

/* The response's status must be `expected`; if not, both statuses in decimal and the start of
 * the body (an error page says why) are printed. */
#define assert_status(resp, expected) check_status(&(resp), (expected), #resp, __FILE__, __LINE__)
static void check_status(const response *r, long expected, const char *what, const char *file, int line)
{
    if (r->status == expected) return;
    print_error("%s.status is %ld, expected %ld; the body begins:\n%.200s\n", what, r->status, expected,
                r->body ? r->body : "");
    _fail(file, line);
}

/* A libcurl write callback that throws the body away. */
static size_t discard(char *p, size_t sz, size_t n, void *ud)
{
    (void)p, (void)ud;
    return sz * n;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) fail_msg("expected to find \"%s\" in:\n%.2000s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle)) fail_msg("did not expect \"%s\" in:\n%.2000s", needle, hay);
}

/* The value of a cookie set by the response, or "" */
static void set_cookie(const response *r, const char *name, char *out, size_t n)
{
    out[0] = '\0';
    char key[64];
    snprintf(key, sizeof key, "Set-Cookie: %s=", name);
    const char *p = strcasestr(r->headers, key);
    if (!p) return;
    p += strlen(key);
    size_t k = 0;
    while (p[k] && p[k] != ';' && p[k] != '\r' && k + 1 < n) k++;
    memcpy(out, p, k);
    out[k] = '\0';
}

static void hidden_csrf(const response *r, char *out, size_t n)
{
    out[0] = '\0';
    const char *p = strstr(r->body, "name=\"_csrf\" value=\"");
    if (!p) return;
    p += strlen("name=\"_csrf\" value=\"");
    size_t k = 0;
    while (p[k] && p[k] != '"' && k + 1 < n) k++;
    memcpy(out, p, k);
    out[k] = '\0';
}

typedef struct {
    char cookie[256];   /* "tt_session=...; tt_csrf=..." */
    char csrf[80];
} session;

/* Signs in through the real login form; returns the HTTP status of the POST. */
static long login(const char *user, const char *password, session *s)
{
    response form = get("/dang-nhap");
    char anon[80];
    set_cookie(&form, "tt_csrf", anon, sizeof anon);
    hidden_csrf(&form, s->csrf, sizeof s->csrf);
    assert_true(anon[0] && !strcmp(anon, s->csrf));
    response_free(&form);
    char body[256], cookie[128];
    snprintf(body, sizeof body, "_csrf=%s&username=%s&password=%s", s->csrf, user, password);
    snprintf(cookie, sizeof cookie, "tt_csrf=%s", anon);
    response r = request("POST", "/dang-nhap", body, cookie, NULL);
    long status = r.status;
    char sess[80];
    set_cookie(&r, "tt_session", sess, sizeof sess);
    response_free(&r);
    if (status != 303) return status;
    snprintf(s->cookie, sizeof s->cookie, "tt_session=%s", sess);
    /* the signed-in pages carry the session's own CSRF token */
    response dash = request("GET", "/bang-dieu-khien", NULL, s->cookie, NULL);
    hidden_csrf(&dash, s->csrf, sizeof s->csrf);
    response_free(&dash);
    return status;
}

/* Signs in with the demo password, which must succeed. */
static void sign_in(const char *user, session *s)
{
    long status = login(user, PASSWORD, s);
    if (status != 303) fail_msg("signing in as %s answered %ld, expected 303", user, status);
}

/* POST an HTML form (no JSON Accept) with the session's CSRF token: the page a browser gets. */
static response post_form(const session *s, const char *path, const char *fields)
{
    char body[4096];
    snprintf(body, sizeof body, "_csrf=%s%s", s->csrf, fields);
    return request("POST", path, body, s->cookie, NULL);
}

static int run(const char *out_path, char *const argv[], const char *stdin_text)
{
    pid_t p = fork();
    if (p == 0) {
        if (stdin_text) {
            int fds[2];
            if (pipe(fds) == 0) {
                if (write(fds[1], stdin_text, strlen(stdin_text)) < 0) _exit(99);
                close(fds[1]);
                dup2(fds[0], 0);
            }
        }
        if (out_path) {
            FILE *f = freopen(out_path, "w", stdout);
            (void)f;
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return strdup("");
    static char data[1 << 20];
    size_t n = fread(data, 1, sizeof data - 1, f);
    fclose(f);
    data[n] = '\0';
    return strdup(data);
}

static int raw_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) fail_msg("connect: %s", strerror(errno));
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static void raw_send(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0) return;   /* the server may close early; the answer is what counts */
        s += w;
        n -= (size_t)w;
    }
}

static char raw_answer[8192];   /* what raw_status read, for checks of the page */

static int raw_status(int fd)
{
    size_t got = 0;
    raw_answer[0] = '\0';
    while (got < sizeof raw_answer - 1) {
        ssize_t n = recv(fd, raw_answer + got, sizeof raw_answer - 1 - got, 0);
        if (n <= 0) break;
        got += (size_t)n;
        raw_answer[got] = '\0';
        if (strstr(raw_answer, "</html>")) break;
    }
    if (got == 0) return -1;
    int status = 0;
    sscanf(raw_answer, "HTTP/1.%*d %d", &status);
    return status;
}

static int64_t procedure_total(void)
{
    response r = get("/api/v1/procedures?don_vi=19&limit=1");
    json_t *j = json_loads(r.body, 0, NULL);
    int64_t total = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    response_free(&r);
    return total;
}

/* ---- server lifetime -------------------------------------------------------------- */

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    bind(fd, (struct sockaddr *)&a, sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

/* ---- the demo database ------------------------------------------------------------ */

/* `thanthien demo` takes seconds under the sanitizers (every unit's two years of history),
 * so a binary's demo is built once and copied for each test file: a template next to the
 * binary (demo-template.db), built under a lock (demo-template.lock) aside and renamed into
 * place, so no reader sees half of it. It is built again when the binary is newer than it,
 * when it is older than TEMPLATE_MAX_AGE (the demo's history runs up to the moment it was
 * made, and cases count what is open or late now) or from another day in Vietnam. A test
 * file that needs a demo made for it defines HARNESS_FRESH_DEMO before including this file;
 * THANTHIEN_FRESH_DEMO=1 does it for every file. */
#define TEMPLATE_MAX_AGE (30 * 60)

static bool template_fresh(const char *path, const struct stat *binst)
{
    struct stat st;
    if (stat(path, &st) != 0 || st.st_size == 0) return false;
    time_t now = time(NULL);
    if (st.st_mtime < binst->st_mtime || now - st.st_mtime > TEMPLATE_MAX_AGE || st.st_mtime > now + 60) return false;
    return (now + 7 * 3600) / 86400 == (st.st_mtime + 7 * 3600) / 86400;   /* the same day at UTC+7 */
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    int rc = in && out ? 0 : -1;
    static char chunk[1 << 16];
    size_t n;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
        if (fwrite(chunk, 1, n, out) != n) rc = -1;
    if (in && ferror(in)) rc = -1;
    if (out && fclose(out) != 0) rc = -1;
    if (in) fclose(in);
    return rc;
}

/* Builds a demo database at path with the binary (its output in out); the clock is the real one. */
static int build_demo(const char *path, const char *out)
{
    char *demo[] = {(char *)bin, "demo", "--db", (char *)path, NULL};
    const char *clock = getenv("THANTHIEN_CLOCK_FILE");
    char *saved = clock ? strdup(clock) : NULL;
    unsetenv("THANTHIEN_CLOCK_FILE");
    int rc = run(out, demo, NULL);
    if (saved) setenv("THANTHIEN_CLOCK_FILE", saved, 1), free(saved);
    return rc;
}

static int demo_database(const char *path, const char *out)
{
#ifdef HARNESS_FRESH_DEMO
    bool fresh = true;
#else
    bool fresh = getenv("THANTHIEN_FRESH_DEMO") && !strcmp(getenv("THANTHIEN_FRESH_DEMO"), "1");
#endif
    struct stat binst;
    if (fresh || stat(bin, &binst) != 0) return build_demo(path, out);
    char bindir[240], tpl[300], lock[300], tmp[320];
    snprintf(bindir, sizeof bindir, "%s", bin);
    char *slash = strrchr(bindir, '/');
    if (slash) *slash = '\0';
    else snprintf(bindir, sizeof bindir, ".");
    snprintf(tpl, sizeof tpl, "%s/demo-template.db", bindir);
    snprintf(lock, sizeof lock, "%s/demo-template.lock", bindir);
    int fd = open(lock, O_RDWR | O_CREAT, 0644);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        if (fd >= 0) close(fd);
        return build_demo(path, out);
    }
    int rc = 0;
    if (!template_fresh(tpl, &binst)) {
        snprintf(tmp, sizeof tmp, "%s.tmp.%d", tpl, (int)getpid());
        unlink(tmp);
        rc = build_demo(tmp, out);
        /* fold the write-ahead log into the file, so the file alone is the database */
        sqlite3 *h = NULL;
        if (rc == 0 && sqlite3_open(tmp, &h) == SQLITE_OK)
            rc = sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
        else if (rc == 0) rc = -1;
        if (h) sqlite3_close(h);
        if (rc == 0) rc = rename(tmp, tpl);
        if (rc != 0) unlink(tmp);
    }
    if (rc == 0) rc = copy_file(tpl, path);
    flock(fd, LOCK_UN);
    close(fd);
    return rc;
}

static int start_server(void **state)
{
    (void)state;
    bin = getenv("THANTHIEN_BIN") ? getenv("THANTHIEN_BIN") : "build/chk/thanthien";
    snprintf(dir, sizeof dir, "/tmp/thanthien-http-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    snprintf(dbpath, sizeof dbpath, "%s/test.db", dir);
    /* the server and the commands the cases run share the clock clock_advance() moves */
    snprintf(clock_path, sizeof clock_path, "%s/clock", dir);
    clock_offset = 0;
    setenv("THANTHIEN_CLOCK_FILE", clock_path, 1);
    char out[320];
    snprintf(out, sizeof out, "%s/demo.out", dir);
    if (demo_database(dbpath, out) != 0) return -1;
    port = free_port();
    snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
    char portstr[16], log[320];
    snprintf(portstr, sizeof portstr, "%d", port);
    snprintf(log, sizeof log, "%s/server.log", dir);
    server = fork();
    if (server == 0) {
        FILE *f = freopen(log, "w", stderr);
        (void)f;
        char per_ip[8];
        snprintf(per_ip, sizeof per_ip, "%d", MAX_PER_IP);
        execl(bin, bin, "serve", "--db", dbpath, "--port", portstr, "--max-body", "65536", "--request-timeout", "2",
              "--max-per-ip", per_ip, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        usleep(100 * 1000);
        CURL *c = curl_easy_init();
        char url[128];
        snprintf(url, sizeof url, "%s/healthz", base);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        long status = 0;
        if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_cleanup(c);
        if (status == 200) return 0;
    }
    fprintf(stderr, "server did not start; log:\n%s\n", slurp(log));
    return -1;
}

static int stop_server(void **state)
{
    (void)state;
    kill(server, SIGTERM);
    int st = 0;
    waitpid(server, &st, 0);
    char log[320];
    snprintf(log, sizeof log, "%s/server.log", dir);
    int clean = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    if (!clean) {
        char *text = slurp(log);
        fprintf(stderr, "server exited badly (status %d); its log ends:\n%s\n", st,
                strlen(text) > 4000 ? text + strlen(text) - 4000 : text);
        free(text);
    }
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return clean ? 0 : -1;
}

/* ---- time travel ---------------------------------------------------------------------- */

/* Moves the server's clock (and that of the commands the cases run) by seconds, forward or
 * back, by writing the offset into its THANTHIEN_CLOCK_FILE; returns once the server sees it.
 * The server reads the file at most once a second, at the first request of a new second, so
 * waiting for the next second is enough. A case that travels comes back (clock_reset) before
 * it ends, so the next case starts at the real time. */
static void clock_advance(long long seconds)
{
    clock_offset += seconds;
    FILE *f = fopen(clock_path, "w");
    if (!f) fail_msg("cannot write %s", clock_path);
    fprintf(f, "%lld\n", clock_offset);
    fclose(f);
    time_t t = time(NULL);
    while (time(NULL) == t) usleep(20 * 1000);
}

static void clock_reset(void)
{
    if (clock_offset) clock_advance(-clock_offset);
}

/* The server's "now": the real time plus the offset clock_advance() has set. */
static int64_t server_now(void)
{
    return (int64_t)time(NULL) + clock_offset;
}

/* ---- shared helpers of the cases ----------------------------------------------------- */

/* The first text the SQL answers (malloc'd; "" when no row). */
static char *sql_text(const char *sql)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    const char *t = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    char *out = strdup(t ? t : "");
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out;
}

static int64_t db_count(const char *sql)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

/* The first integer the SQL answers, read straight from the server's database file. */
static int64_t sql_int(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3 *d;
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_open_v2(dbpath, &d, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(d, 5000);
        if (sqlite3_prepare_v2(d, sql, -1, &st, NULL) == SQLITE_OK) {
            int rc = sqlite3_step(st);
            if (rc == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
            else if (rc == SQLITE_DONE) v = 0;
            sqlite3_finalize(st);
        } else fail_msg("sql: %s: %s", sql, sqlite3_errmsg(d));
    }
    sqlite3_close(d);
    return v;
}

static int64_t user_id(const char *username)
{
    return sql_int("SELECT id FROM users WHERE username = '%s'", username);
}

/* How many audit rows record action on entity_id. */
static int64_t audits(const char *action, int64_t entity_id)
{
    return sql_int("SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND entity_id = %lld", action,
                   (long long)entity_id);
}

/* The id of the first procedure the catalogue search finds for commune 05443. */
static int64_t procedure_id(const char *q)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/procedures?don_vi=05443&q=%s", q);
    response r = get(path);
    json_t *j = json_loads(r.body, 0, NULL);
    int64_t id = json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "id"));
    json_decref(j);
    response_free(&r);
    if (!id) fail_msg("no procedure for %s", q);
    return id;
}

typedef struct {
    int64_t id;
    char code[64];
    char secret[16];
} intake_result;

/* Posts an intake as JSON; extra holds more form fields ("&applicant_email=..."). */
static long intake(session *s, int64_t procedure, const char *extra, intake_result *out)
{
    char body[1024];
    snprintf(body, sizeof body,
             "_csrf=%s&procedure_id=%lld&applicant_name=Nguy%%E1%%BB%%85n+Th%%E1%%BB%%8B+H%%E1%%BB%%93ng+Nhung"
             "&applicant_phone=0912+345+678&applicant_id_number=019190012345&applicant_address=T%%E1%%BB%%95+5"
             "&channel=desk&return_method=desk%s",
             s->csrf, (long long)procedure, extra ? extra : "");
    response r = request("POST", "/ho-so", body, s->cookie, "Accept: application/json");
    long status = r.status;
    if (out) {
        memset(out, 0, sizeof *out);
        json_t *j = json_loads(r.body, 0, NULL);
        out->id = json_integer_value(json_object_get(j, "id"));
        snprintf(out->code, sizeof out->code, "%s", json_string_value(json_object_get(j, "code")) ? json_string_value(json_object_get(j, "code")) : "");
        snprintf(out->secret, sizeof out->secret, "%s", json_string_value(json_object_get(j, "secret")) ? json_string_value(json_object_get(j, "secret")) : "");
        json_decref(j);
    }
    response_free(&r);
    return status;
}

/* Travels until `after` seconds past dossier id's due time (a dossier becomes late as days
 * pass, not by rewriting its due_at). Sessions last 12 hours: sign in again after a long trip. */
static void travel_past_due(int64_t id, int64_t after)
{
    clock_advance(sql_int("SELECT due_at FROM dossiers WHERE id = %lld", (long long)id) + after - server_now());
}

/* A new dossier at the desk for the first procedure the search q finds (commune 05443). */
static void new_dossier(session *s, const char *q, intake_result *out)
{
    long status = intake(s, procedure_id(q), NULL, out);
    if (status != 201) fail_msg("intake of %s answered %ld, expected 201", q, status);
}

/* POST /ho-so/{id}/{action} as JSON; the response is kept in *out when given. */
static long act(session *s, int64_t id, const char *action, const char *form, response *out)
{
    char path[128], body[1024];
    snprintf(path, sizeof path, "/ho-so/%lld/%s", (long long)id, action);
    snprintf(body, sizeof body, "_csrf=%s%s", s->csrf, form ? form : "");
    response r = request("POST", path, body, s->cookie, "Accept: application/json");
    long status = r.status;
    if (out) *out = r;
    else response_free(&r);
    return status;
}

/* The first "dd/mm/yyyy" after `after` in text, copied to out (11 bytes); 0 if none. */
static int dmy_after(const char *text, const char *after, char *out)
{
    for (const char *p = text ? strstr(text, after) : NULL; p && *p; p++) {
        int dd, mm, yy, n = 0;
        if (sscanf(p, "%2d/%2d/%4d%n", &dd, &mm, &yy, &n) == 3 && n == 10) {
            memcpy(out, p, 10);
            out[10] = '\0';
            return 1;
        }
    }
    return 0;
}

/* The latest new due date a late dossier's apology may promise (dd/mm/yyyy), as the page
 * refusing a far one names it. */
static void apology_latest(session *s, int64_t id, char out[11])
{
    char path[64], body[256];
    snprintf(path, sizeof path, "/ho-so/%lld/xin-loi", (long long)id);
    snprintf(body, sizeof body, "_csrf=%s&reason=x&new_due_date=05/01/2099", s->csrf);
    response r = request("POST", path, body, s->cookie, NULL);
    if (!dmy_after(r.body, "muộn nhất:", out)) fail_msg("no limit in %s", r.body);
    response_free(&r);
}

static const char *status_of(const session *s, int64_t id)
{
    static char st[32];
    char path[64];
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)id);
    response r = request("GET", path, NULL, s->cookie, "Accept: application/json");
    json_t *j = json_loads(r.body, 0, NULL);
    snprintf(st, sizeof st, "%s", json_string_value(json_object_get(j, "status")) ? json_string_value(json_object_get(j, "status")) : "");
    json_decref(j);
    response_free(&r);
    return st;
}

/* s percent-encoded for a form body (a static buffer per call site is enough here). */
static const char *enc(const char *s)
{
    static char out[4][2048];
    static int k;
    char *e = curl_easy_escape(NULL, s, 0);
    k = (k + 1) % 4;
    snprintf(out[k], sizeof out[k], "%s", e ? e : "");
    curl_free(e);
    return out[k];
}

/* The text of a PDF answer (pdftotext), malloc'd. */
static char *pdf_text(const response *r, const char *name)
{
    char pdf[320], txt[320];
    snprintf(pdf, sizeof pdf, "%s/%s.pdf", dir, name);
    snprintf(txt, sizeof txt, "%s/%s.txt", dir, name);
    FILE *f = fopen(pdf, "wb");
    fwrite(r->body, 1, r->len, f);
    fclose(f);
    char *argv[] = {"/usr/bin/pdftotext", "-layout", pdf, txt, NULL};
    assert_int_equal(run(NULL, argv, NULL), 0);
    return slurp(txt);
}

/* pdftotext without -layout, every run of white space made one space: the words of a wrapped
 * table cell read in order (malloc'd). */
static char *pdf_flat_text(const response *r, const char *name)
{
    char pdf[320], txt[320];
    snprintf(pdf, sizeof pdf, "%s/%s.pdf", dir, name);
    snprintf(txt, sizeof txt, "%s/%s.txt", dir, name);
    FILE *f = fopen(pdf, "wb");
    fwrite(r->body, 1, r->len, f);
    fclose(f);
    char *argv[] = {"/usr/bin/pdftotext", pdf, txt, NULL};
    assert_int_equal(run(NULL, argv, NULL), 0);
    char *s = slurp(txt), *w = s;
    bool space = false;
    for (char *p = s; *p; p++) {
        if (isspace((unsigned char)*p)) {
            space = true;
            continue;
        }
        if (space && w != s) *w++ = ' ';
        space = false;
        *w++ = *p;
    }
    *w = '\0';
    return s;
}

static int pages(const char *text)
{
    int n = 0;   /* pdftotext ends every page with a form feed */
    for (; *text; text++) n += *text == '\f';
    return n;
}

/* ---- public booking: the SMS code that confirms a hold ------------------------------- */

/* The 6-digit code of the SMS a public booking's hold queued (read from the outbox row). */
static void booking_sms_code(const char *booking_code, char out[8])
{
    sqlite3 *h;
    sqlite3_stmt *st;
    out[0] = '\0';
    assert_int_equal(sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT body FROM outbox WHERE event = 'booking_code' AND channel = 'sms' "
                                           "AND instr(body, ?) > 0 ORDER BY id DESC LIMIT 1", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, booking_code, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *p = strstr((const char *)sqlite3_column_text(st, 0), booking_code) + strlen(booking_code);
        while (*p && (*p < '0' || *p > '9')) p++;
        if (strspn(p, "0123456789") == 6) snprintf(out, 8, "%.6s", p);
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    if (!out[0]) fail_msg("no SMS code queued for %s", booking_code);
}

/* An anonymous visitor's CSRF cookie and token, from the booking page of procedure proc. */
static void anon_csrf(int64_t proc, char *cookie, size_t ncookie, char *csrf, size_t ncsrf)
{
    char path[96];
    snprintf(path, sizeof path, "/dat-lich?don-vi=05602&thu_tuc=%lld", (long long)proc);
    response r = get(path);
    assert_status(r, 200);
    char anon[80];
    set_cookie(&r, "tt_csrf", anon, sizeof anon);
    hidden_csrf(&r, csrf, ncsrf);
    assert_true(anon[0] && !strcmp(anon, csrf));
    snprintf(cookie, ncookie, "tt_csrf=%s", anon);
    response_free(&r);
}

/* The booking code ("DL-XXXXXX") on a hold's page. */
static void booking_code_of(const response *r, char code[16])
{
    const char *c = strstr(r->body, "<strong>DL-");
    if (!c) fail_msg("no booking code in:\n%.2000s", r->body);
    snprintf(code, 16, "%.9s", c + strlen("<strong>"));
}

/* Types the SMS code of a hold: the answer of POST /dat-lich/{code}/xac-nhan. */
static response confirm_booking(const char *code, const char *cookie, const char *csrf)
{
    char sms[8], path[64], body[160];
    booking_sms_code(code, sms);
    snprintf(path, sizeof path, "/dat-lich/%s/xac-nhan", code);
    snprintf(body, sizeof body, "_csrf=%s&sms_code=%s", csrf, sms);
    return request("POST", path, body, cookie, NULL);
}

/* The commune 05602's birth registration: what the booking tests book. */
static int64_t khai_sinh_id(void)
{
    response r = get("/api/v1/procedures?don_vi=05602&q=dang+ky+khai+sinh&limit=1");
    json_t *j = json_loads(r.body, 0, NULL);
    int64_t id = json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "id"));
    json_decref(j);
    response_free(&r);
    assert_true(id > 0);
    return id;
}
