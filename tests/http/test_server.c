/* test_server.c -- the server itself from the outside: /healthz and metrics, the home page,
 * Vietnamese error pages, the limits on bodies, headers, slow and many connections, the
 * language switch, static assets, the command line's checks, backups while serving, the
 * benchmark database, the trusted proxy, and the audit log's anchor (its tampering case is in
 * test_accounts.c: each breaks the log the other verifies). */
#include "harness.h"

static void healthz_and_metrics(void **state)
{
    (void)state;
    response r = get("/healthz");
    assert_status(r, 200);
    assert_string_equal(r.body, "ok\n");
    response_free(&r);
    r = get("/metrics");
    assert_status(r, 200);
    assert_contains(r.body, "thanthien_http_requests_total{route=\"/healthz\",status=\"200\"}");
    assert_contains(r.body, "thanthien_http_request_duration_seconds_bucket{le=\"+Inf\"}");
    assert_contains(r.body, "thanthien_http_open_connections ");
    response_free(&r);
}

static void home_page_shows_the_unit(void **state)
{
    (void)state;
    response r = get("/don-vi/05443");   /* "/" is the chooser of units (test_citizen.c) */
    assert_status(r, 200);
    assert_contains(r.body, "<html lang=\"vi\"");
    assert_contains(r.body, "Phường Phan Đình Phùng");
    assert_contains(r.body, "Lãnh đạo – số điện thoại công khai");
    assert_contains(r.body, "href=\"tel:");
    assert_contains(r.body, "Tiếp công dân");
    assert_contains(r.body, "href=\"/thu-tuc?don_vi=05443\"");
    response_free(&r);
    r = get("/don-vi/05602");
    assert_status(r, 200);
    assert_contains(r.body, "Xã Phú Đình");
    response_free(&r);
    r = get("/don-vi/99999");
    assert_status(r, 404);
    assert_contains(r.body, "Không tìm thấy đơn vị");
    response_free(&r);
}

static void error_pages_are_vietnamese(void **state)
{
    (void)state;
    response r = get("/khong-co-trang-nay");
    assert_status(r, 404);
    assert_contains(r.body, "Không tìm thấy trang");
    response_free(&r);
    r = request("DELETE", "/thu-tuc", NULL, NULL, NULL);
    assert_status(r, 405);
    assert_contains(r.body, "Phương thức");
    assert_contains(r.headers, "Allow: GET, HEAD, POST");
    response_free(&r);
    r = get("/dang-xuat");
    assert_status(r, 405);
    assert_contains(r.headers, "Allow: POST\r\n");
    response_free(&r);
}

static void oversized_body_gets_413_before_it_is_read(void **state)
{
    (void)state;
    int fd = raw_connect();
    const char *head = "POST /dang-nhap HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                       "Content-Length: 100000000\r\n\r\n";
    raw_send(fd, head, strlen(head));   /* not one byte of the body is sent */
    assert_int_equal(raw_status(fd), 413);
    assert_contains(raw_answer, "Dữ liệu gửi lên quá lớn.");
    close(fd);
    /* a chunked body is counted as it comes and refused once it passes the limit */
    fd = raw_connect();
    const char *chunked = "POST /dang-nhap HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n";
    raw_send(fd, chunked, strlen(chunked));
    char *chunk = malloc(8300);
    int n = snprintf(chunk, 16, "2000\r\n");
    memset(chunk + n, 'a', 8192);
    memcpy(chunk + n + 8192, "\r\n", 2);
    chunk[n + 8194] = '\0';
    for (int i = 0; i < 12; i++) raw_send(fd, chunk, (size_t)n + 8194);   /* 96 KiB > --max-body 64 KiB */
    raw_send(fd, "0\r\n\r\n", 5);
    assert_int_equal(raw_status(fd), 413);
    close(fd);
    /* one that streams on and on is cut off at twice the limit, unanswered */
    fd = raw_connect();
    raw_send(fd, chunked, strlen(chunked));
    for (int i = 0; i < 40; i++) raw_send(fd, chunk, (size_t)n + 8194);
    assert_int_equal(raw_status(fd), -1);
    close(fd);
    free(chunk);
}

static void oversized_headers_get_431(void **state)
{
    (void)state;
    int fd = raw_connect();
    char *big = malloc(70000);
    int n = snprintf(big, 100, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(big + n, 'a', 60000);
    memcpy(big + n + 60000, "\r\n\r\n", 4);
    raw_send(fd, big, (size_t)n + 60004);
    free(big);
    assert_int_equal(raw_status(fd), 431);
    assert_contains(raw_answer, "quá lớn");
    close(fd);
}

static void slow_body_gets_408(void **state)
{
    (void)state;
    int fd = raw_connect();
    const char *head = "POST /dang-nhap HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                       "Content-Length: 20\r\n\r\nusername=ab";
    raw_send(fd, head, strlen(head));
    sleep(3);   /* the server was started with --request-timeout 2 */
    raw_send(fd, "&password=", 9);
    assert_int_equal(raw_status(fd), 408);
    assert_contains(raw_answer, "Quá thời gian gửi dữ liệu");
    close(fd);
    /* a client still dribbling at twice the limit is cut off */
    fd = raw_connect();
    raw_send(fd, head, strlen(head));
    sleep(5);
    raw_send(fd, "&", 1);
    assert_int_equal(raw_status(fd), -1);
    close(fd);
}

static void too_many_connections_get_429(void **state)
{
    (void)state;
    int fds[MAX_PER_IP + 1];
    for (int i = 0; i < MAX_PER_IP; i++) fds[i] = raw_connect();
    usleep(200 * 1000);
    int extra = raw_connect();
    const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    raw_send(extra, req, strlen(req));
    assert_int_equal(raw_status(extra), 429);
    close(extra);
    for (int i = 0; i < MAX_PER_IP; i++) close(fds[i]);
    usleep(300 * 1000);
    response r = get("/healthz");   /* the limit counts open connections, not history */
    assert_status(r, 200);
    response_free(&r);
}

static void language_switch(void **state)
{
    (void)state;
    response r = get("/ngon-ngu?lang=en&next=/thu-tuc");
    assert_status(r, 303);
    assert_contains(r.headers, "Set-Cookie: lang=en");
    assert_contains(r.headers, "Location: /thu-tuc");
    response_free(&r);
    r = request("GET", "/thu-tuc", NULL, "lang=en", NULL);
    assert_contains(r.body, "<html lang=\"en\"");
    assert_contains(r.body, "Administrative procedures");
    assert_contains(r.body, "Tiếng Việt");
    response_free(&r);
    /* labels and values from fixed lists follow the language too */
    r = request("GET", "/thu-tuc/1", NULL, "lang=en", NULL);
    assert_contains(r.body, "Processing time");
    assert_contains(r.body, "Same day");
    assert_contains(r.body, "Free");
    assert_contains(r.body, "Fully online public service");
    assert_lacks(r.body, "Trong ngày");
    response_free(&r);
    r = get("/thu-tuc/1");
    assert_contains(r.body, "Trong ngày");
    assert_contains(r.body, "Miễn phí");
    assert_contains(r.body, "Dịch vụ công trực tuyến toàn trình");
    response_free(&r);
    r = get("/ngon-ngu?lang=en&next=//evil.example/");
    assert_contains(r.headers, "Location: /\r\n");
    response_free(&r);
}

static void static_assets_cache(void **state)
{
    (void)state;
    response r = get("/static/app.css");
    assert_status(r, 200);
    assert_contains(r.headers, "text/css");
    const char *etag = strcasestr(r.headers, "ETag: ");
    assert_non_null(etag);
    char header[128];
    snprintf(header, sizeof header, "If-None-Match: %.*s", (int)strcspn(etag + 6, "\r\n"), etag + 6);
    response_free(&r);
    r = request("GET", "/static/app.css", NULL, NULL, header);
    assert_status(r, 304);
    response_free(&r);
    r = get("/static/govuk-frontend.min.css");
    assert_status(r, 200);
    response_free(&r);
}

/* A second server started on the port of a running one stops with a message: it must not
 * share the port with it (SO_REUSEPORT), or half the requests would go to whichever of the
 * two is stale -- as a forgotten benchmark server once did. */
static void second_server_on_a_busy_port_refuses(void **state)
{
    (void)state;
    char portstr[16], out[320];
    snprintf(portstr, sizeof portstr, "%d", port);
    snprintf(out, sizeof out, "%s/second.out", dir);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "exec timeout 20 '%s' serve --db '%s' --port %s 2>&1", bin, dbpath, portstr);
    char *second[] = {"/bin/sh", "-c", cmd, NULL};
    assert_int_equal(run(out, second, NULL), 1);
    char *text = slurp(out);
    assert_contains(text, "cannot listen");
    free(text);
    response r = get("/healthz");
    assert_status(r, 200);
    response_free(&r);
}

static void command_line_checks_its_arguments(void **state)
{
    (void)state;
    char *unknown[] = {(char *)bin, "serve", "--db", dbpath, "--port", "1", "--nope", NULL};
    assert_int_equal(run("/dev/null", unknown, NULL), 2);
    char *badport[] = {(char *)bin, "serve", "--db", dbpath, "--port", "http", NULL};
    assert_int_equal(run("/dev/null", badport, NULL), 2);
    char *help[] = {(char *)bin, "serve", "--help", NULL};
    assert_int_equal(run("/dev/null", help, NULL), 0);
    char *badrole[] = {(char *)bin, "user", "add", "--db", dbpath, "--unit", "05443", "--role", "boss", "--username",
                       "ai", "--password-stdin", NULL};
    assert_int_equal(run("/dev/null", badrole, "mat-khau-dai-du\n"), 2);
    char *add[] = {(char *)bin, "user", "add", "--db", dbpath, "--unit", "05602", "--role", "specialist",
                   "--username", "chuyenvien2", "--full-name", "Lý Thị Hai", "--password-stdin", NULL};
    assert_int_equal(run("/dev/null", add, "mat-khau-dai-du\n"), 0);
    session s;
    assert_int_equal(login("chuyenvien2", "mat-khau-dai-du", &s), 303);
    char out[320];
    snprintf(out, sizeof out, "%s/export.csv", dir);
    char *exp[] = {(char *)bin, "export", "procedures", "--db", dbpath, "--unit", "19", NULL};
    assert_int_equal(run(out, exp, NULL), 0);
    char *csv = slurp(out);
    assert_contains(csv, "unit_code,code,name,field,days");
    assert_contains(csv, "\"Thủ tục đăng ký khai sinh\"");
    free(csv);
}

/* A backup taken while the server runs is a complete, working database. */
static void backup_while_serving(void **state)
{
    (void)state;
    char copy[320], out[320];
    snprintf(copy, sizeof copy, "%s/backup.db", dir);
    snprintf(out, sizeof out, "%s/backup.out", dir);
    char *backup[] = {(char *)bin, "backup", "--db", dbpath, "--to", copy, NULL};
    assert_int_equal(run(out, backup, NULL), 0);
    assert_int_equal(run(out, backup, NULL), 2);   /* never overwrites */
    char *verify[] = {(char *)bin, "verify-audit", "--db", copy, NULL};
    assert_int_equal(run(out, verify, NULL), 0);
    const char *sql = "SELECT (SELECT count(*) FROM procedures) || '/' || (SELECT count(*) FROM users) || '/' || "
                      "(SELECT count(*) FROM audit_log)";
    char counts[2][64];
    const char *paths[2] = {dbpath, copy};
    for (int i = 0; i < 2; i++) {
        sqlite3 *h;
        assert_int_equal(sqlite3_open_v2(paths[i], &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        snprintf(counts[i], sizeof counts[i], "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(h);
    }
    assert_string_equal(counts[1], counts[0]);   /* procedures/users/audit rows alike */
}

/* The first integer the SQL answers from another database file. */
static int64_t sql_int_in(const char *path, const char *sql, const char *a1, const char *a2)
{
    sqlite3 *d;
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_open_v2(path, &d, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(d, sql, -1, &st, NULL) == SQLITE_OK) {
        if (a1) sqlite3_bind_text(st, 1, a1, -1, SQLITE_TRANSIENT);
        if (a2) sqlite3_bind_text(st, 2, a2, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(d);
    return v;
}

static void benchmark_database_from_the_command_line(void **state)
{
    (void)state;
    char bulk[320], out[320], codes[320];
    snprintf(bulk, sizeof bulk, "%s/bulk.db", dir);
    snprintf(out, sizeof out, "%s/bulk.out", dir);
    snprintf(codes, sizeof codes, "%s/codes.tsv", dir);
    char *make[] = {(char *)bin, "demo", "--db", bulk, "--dossiers", "2000", NULL};
    assert_int_equal(run(out, make, NULL), 0);
    char *text = slurp(out);
    assert_contains(text, "2000 dossiers");
    free(text);
    assert_int_equal(sql_int_in(bulk, "SELECT COUNT(*) FROM dossiers", NULL, NULL), 2000);
    assert_int_equal(sql_int_in(bulk, "SELECT COUNT(DISTINCT unit_id) FROM dossiers", NULL, NULL), 50);
    int64_t steps = sql_int_in(bulk, "SELECT COUNT(*) FROM dossier_steps", NULL, NULL);
    assert_true(steps > 6000 && steps < 10000);
    char *sample[] = {(char *)bin, "export", "codes", "--db", bulk, "--sample", "100", NULL};
    assert_int_equal(run(codes, sample, NULL), 0);
    text = slurp(codes);
    int lines = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), lines++) {
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        if (sql_int_in(bulk, "SELECT COUNT(*) FROM dossiers WHERE code = ? AND secret = ?", line, tab + 1) != 1)
            fail_msg("exported %s / %s is not a dossier", line, tab + 1);
    }
    free(text);
    assert_int_equal(lines, 100);
    /* bad arguments are refused */
    char *neg[] = {(char *)bin, "demo", "--db", bulk, "--dossiers", "-5", NULL};
    assert_int_equal(run(NULL, neg, NULL), 2);
    char *nosample[] = {(char *)bin, "export", "codes", "--db", bulk, NULL};
    assert_int_equal(run(NULL, nosample, NULL), 2);
    /* a second demo on the same file is refused, nothing added */
    assert_int_equal(run(NULL, make, NULL), 1);
    assert_int_equal(sql_int_in(bulk, "SELECT COUNT(*) FROM dossiers", NULL, NULL), 2000);
}

/* Behind nginx (serve --trust-proxy) the limit counts the citizen's address from the last
 * X-Forwarded-For hop, so one citizen's typos do not lock out everyone behind the proxy. */
static void trusted_proxy_limits_each_citizen(void **state)
{
    (void)state;
    int p2 = free_port();
    char portstr[16], log[320], url[128];
    snprintf(portstr, sizeof portstr, "%d", p2);
    snprintf(log, sizeof log, "%s/proxy-server.log", dir);
    pid_t pid = fork();
    if (pid == 0) {
        FILE *f = freopen(log, "w", stderr);
        (void)f;
        execl(bin, bin, "serve", "--db", dbpath, "--port", portstr, "--trust-proxy", "--quiet", (char *)NULL);
        _exit(127);
    }
    long status = 0;
    for (int i = 0; i < 100 && status != 200; i++) {
        usleep(100 * 1000);
        CURL *c = curl_easy_init();
        snprintf(url, sizeof url, "http://127.0.0.1:%d/healthz", p2);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_cleanup(c);
    }
    assert_int_equal(status, 200);
    long got[12];
    for (int i = 0; i < 12; i++) {
        /* 11 wrong guesses at one code from one citizen, then one from a neighbour behind the
         * same proxy (the limit per code and address; the per-address one is loose) */
        CURL *c = curl_easy_init();
        struct curl_slist *h = curl_slist_append(NULL, i < 11 ? "X-Forwarded-For: 10.9.8.7, 198.51.100.1"
                                                             : "X-Forwarded-For: 198.51.100.2");
        snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/dossiers/NO-SUCH?secret=ZZZZ%02d", p2, i);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        got[i] = 0;
        if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &got[i]);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
    }
    for (int i = 0; i < 10; i++) assert_int_equal(got[i], 404);
    assert_int_equal(got[10], 429);   /* that citizen waits */
    assert_int_equal(got[11], 404);   /* the neighbour does not */
    kill(pid, SIGTERM);
    int st;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) fail_msg("proxy server exit %d:\n%s", st, slurp(log));
}


/* The serving server signed the audit log's head in the file next to the database (with a
 * key it created, 0600); verify-audit checks the checkpoints and a head written down. */
static void server_anchors_the_audit_log(void **state)
{
    (void)state;
    char key[400], log[400], out[400];
    snprintf(key, sizeof key, "%s.audit-key", dbpath);
    snprintf(log, sizeof log, "%s.audit-log", dbpath);
    snprintf(out, sizeof out, "%s/verify.out", dir);
    struct stat st;
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *text = slurp(log);
    assert_true(strlen(text) > 64);
    free(text);
    char *argv[] = {(char *)bin, "verify-audit", "--db", dbpath, NULL};
    assert_int_equal(run(out, argv, NULL), 0);
    text = slurp(out);
    assert_non_null(strstr(text, "checkpoints signed and matching"));
    char head[128] = "";
    const char *h = strstr(text, "head ");
    assert_non_null(h);
    snprintf(head, sizeof head, "%.*s", (int)strcspn(h + 5, "\n"), h + 5);
    free(text);
    char *expect[] = {(char *)bin, "verify-audit", "--db", dbpath, "--expect-head", head, NULL};
    assert_int_equal(run(out, expect, NULL), 0);
    /* a command that writes the log anchors its rows at once, and removing them is seen */
    char *add[] = {(char *)bin, "user", "add", "--db", dbpath, "--unit", "05602", "--role", "officer", "--username",
                   "canbo.neo", "--password-stdin", NULL};
    assert_int_equal(run(out, add, "mot-mat-khau-dai-2026\n"), 0);
    assert_int_equal(run(out, argv, NULL), 0);
    int64_t last = sql_int("SELECT max(id) FROM audit_log");
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE id = %lld AND action LIKE 'user.%%'", (long long)last), 1);
    sql_int("DELETE FROM audit_log WHERE id = %lld", (long long)last);
    assert_int_equal(run(out, argv, NULL), 1);
    text = slurp(out);
    assert_non_null(strstr(text, "the last rows were deleted"));
    free(text);
    char *gone[] = {(char *)bin, "verify-audit", "--db", dbpath, "--expect-head", "999999:abc", NULL};
    assert_int_equal(run(out, gone, NULL), 1);
    text = slurp(out);
    assert_non_null(strstr(text, "BROKEN: "));
    free(text);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(healthz_and_metrics),
        cmocka_unit_test(home_page_shows_the_unit),
        cmocka_unit_test(error_pages_are_vietnamese),
        cmocka_unit_test(oversized_body_gets_413_before_it_is_read),
        cmocka_unit_test(oversized_headers_get_431),
        cmocka_unit_test(slow_body_gets_408),
        cmocka_unit_test(too_many_connections_get_429),
        cmocka_unit_test(language_switch),
        cmocka_unit_test(static_assets_cache),
        cmocka_unit_test(command_line_checks_its_arguments),
        cmocka_unit_test(second_server_on_a_busy_port_refuses),
        cmocka_unit_test(backup_while_serving),
        cmocka_unit_test(benchmark_database_from_the_command_line),
        cmocka_unit_test(trusted_proxy_limits_each_citizen),
        cmocka_unit_test(server_anchors_the_audit_log),
    };
    int failed = cmocka_run_group_tests_name("server", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
