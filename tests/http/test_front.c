/* test_front.c -- nginx in front of the server, with the shipped deploy/nginx/thanthien.conf.
 *
 * libmicrohttpd answers a request it cannot parse (a bad request line, an HTTP version it does
 * not speak, HTTP/1.1 without Host) with its own English page before any of our code runs, and
 * has no hook to replace it. In production nginx is in front (README), so those requests never
 * reach the application: these cases start a real nginx with the shipped site configuration in
 * front of a real server and check that every such refusal, and the application being down,
 * is answered with the status that fits and a page in Vietnamese, while our own pages and
 * errors pass through unchanged. */
#include <dirent.h>
#include <sys/stat.h>

#include "harness.h"

#define NGINX "/usr/sbin/nginx"

static char front_dir[300], errors_dir[64];
static int front_port, dead_port;
static pid_t nginx_pid;

/* The shipped site file with its ports and paths pointed at this test's. */
static int write_site(FILE *out, const char *site, int listen, const char *upstream, int up_port, const char *errors)
{
    char *text = slurp(site);
    char *line = strtok(text, "\n");
    for (; line; line = strtok(NULL, "\n")) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", line);
        if (strstr(buf, "listen 80;")) snprintf(buf, sizeof buf, "    listen 127.0.0.1:%d;", listen);
        else if (strstr(buf, "server 127.0.0.1:8080;")) snprintf(buf, sizeof buf, "    server 127.0.0.1:%d;", up_port);
        else if (strstr(buf, "root /usr/share/thanthien/nginx-errors;")) snprintf(buf, sizeof buf, "        root %s;", errors);
        else if (strstr(buf, "upstream thanthien {")) snprintf(buf, sizeof buf, "upstream %s {", upstream);
        else if (strstr(buf, "proxy_pass http://thanthien;")) snprintf(buf, sizeof buf, "        proxy_pass http://%s;", upstream);
        fprintf(out, "%s\n", buf);
    }
    free(text);
    return 0;
}

/* nginx's workers run as nobody and read the error pages on every request, so the pages must
 * be where nobody can read them: a checkout under a private directory (mktemp -d, a home
 * directory) is not. They are copied into a world-readable directory of their own. */
static int copy_error_pages(const char *from)
{
    snprintf(errors_dir, sizeof errors_dir, "/tmp/thanthien-nginx-errors-XXXXXX");
    if (!mkdtemp(errors_dir) || chmod(errors_dir, 0755) != 0) return -1;
    DIR *d = opendir(from);
    if (!d) return -1;
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char src[600], dst[400];
        snprintf(src, sizeof src, "%s/%s", from, de->d_name);
        snprintf(dst, sizeof dst, "%s/%s", errors_dir, de->d_name);
        char *page = slurp(src);
        FILE *f = fopen(dst, "w");
        if (!page || !f || fputs(page, f) < 0) rc = -1;
        if (f) fclose(f);
        free(page);
        if (rc == 0) rc = chmod(dst, 0644);
    }
    closedir(d);
    return rc;
}

static void remove_error_pages(void)
{
    DIR *d = opendir(errors_dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char p[400];
        snprintf(p, sizeof p, "%s/%s", errors_dir, de->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(errors_dir);
}

static int wait_for_port(int p)
{
    for (int i = 0; i < 100; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p)};
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        if (ok) return 0;
        usleep(50 * 1000);
    }
    return -1;
}

static int start_front(void **state)
{
    if (start_server(state) != 0) return -1;
    if (access(NGINX, X_OK) != 0) {
        fprintf(stderr, "nginx is missing (scripts/deps.sh test installs nginx-light)\n");
        return -1;
    }
    snprintf(front_dir, sizeof front_dir, "%s/nginx", dir);
    mkdir(front_dir, 0700);
    char cwd[256], site[300], errors[300], conf[340];
    if (!getcwd(cwd, sizeof cwd)) return -1;
    snprintf(site, sizeof site, "%s/deploy/nginx/thanthien.conf", cwd);
    snprintf(errors, sizeof errors, "%s/deploy/nginx/errors", cwd);
    if (copy_error_pages(errors) != 0) {
        fprintf(stderr, "could not copy the error pages from %s to %s\n", errors, errors_dir);
        return -1;
    }
    snprintf(errors, sizeof errors, "%s", errors_dir);
    front_port = free_port();
    dead_port = free_port();   /* nothing listens there: the application is "down" */
    int dead_front = free_port();
    snprintf(conf, sizeof conf, "%s/nginx.conf", front_dir);
    FILE *f = fopen(conf, "w");
    if (!f) return -1;
    fprintf(f,
            "daemon off; pid %s/nginx.pid; error_log %s/error.log;\nevents {}\n"
            "http {\n access_log off;\n client_body_temp_path %s/cb; proxy_temp_path %s/px;\n"
            " fastcgi_temp_path %s/f; uwsgi_temp_path %s/u; scgi_temp_path %s/s;\n",
            front_dir, front_dir, front_dir, front_dir, front_dir, front_dir, front_dir);
    write_site(f, site, front_port, "thanthien", port, errors);
    write_site(f, site, dead_front, "thanthien_down", dead_port, errors);
    fprintf(f, "}\n");
    fclose(f);
    dead_port = dead_front;   /* from here on: the front whose application is down */
    nginx_pid = fork();
    if (nginx_pid == 0) {
        char log[340];
        snprintf(log, sizeof log, "%s/error.log", front_dir);
        execl(NGINX, NGINX, "-p", front_dir, "-e", log, "-c", conf, (char *)NULL);
        _exit(127);
    }
    if (wait_for_port(front_port) != 0 || wait_for_port(dead_port) != 0) {
        char log[340];
        snprintf(log, sizeof log, "%s/error.log", front_dir);
        char *text = slurp(log);
        fprintf(stderr, "nginx did not start:\n%s\n", text);
        free(text);
        return -1;
    }
    return 0;
}

static int stop_front(void **state)
{
    kill(nginx_pid, SIGQUIT);
    waitpid(nginx_pid, NULL, 0);
    remove_error_pages();
    return stop_server(state);
}

/* Sends raw bytes to a front port and returns the status; the page is in raw_answer. */
static int front_send(int to_port, const char *request)
{
    int keep = port;
    port = to_port;
    int fd = raw_connect();
    port = keep;
    raw_send(fd, request, strlen(request));
    int status = raw_status(fd);
    close(fd);
    return status;
}

static void assert_vietnamese_page(const char *heading)
{
    assert_contains(raw_answer, "charset=utf-8");
    assert_contains(raw_answer, "<html lang=\"vi\">");
    assert_contains(raw_answer, heading);
    assert_lacks(raw_answer, "<center>nginx");
    assert_lacks(raw_answer, "syntactically");
}

static void malformed_requests_get_vietnamese_pages(void **state)
{
    (void)state;

    assert_int_equal(front_send(front_port, "GARBAGE\r\n\r\n"), 400);
    assert_vietnamese_page("Yêu cầu không hợp lệ");
    assert_int_equal(front_send(front_port, "GET / HTTP/1.1\r\n\r\n"), 400);   /* no Host */
    assert_vietnamese_page("Yêu cầu không hợp lệ");
    assert_int_equal(front_send(front_port, "GET / HTTP/2.5\r\nHost: x\r\n\r\n"), 505);
    assert_vietnamese_page("Phiên bản HTTP không được hỗ trợ");

    static char huge[24000];
    memset(huge, 'a', sizeof huge - 1);
    char *req = malloc(sizeof huge + 100);
    snprintf(req, sizeof huge + 100, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", huge);
    assert_int_equal(front_send(front_port, req), 400);
    assert_vietnamese_page("Yêu cầu không hợp lệ");
    free(req);

    char body_too_big[200];
    snprintf(body_too_big, sizeof body_too_big,
             "POST /dang-nhap HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", 20 * 1024 * 1024);
    assert_int_equal(front_send(front_port, body_too_big), 413);
    assert_vietnamese_page("Tệp hoặc nội dung quá lớn");
}

static void our_pages_and_errors_pass_through(void **state)
{
    (void)state;
    assert_int_equal(front_send(front_port, "GET /tra-cuu HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 200);
    assert_contains(raw_answer, "Mã tra cứu");
    /* the application's own 404 page, not nginx's */
    assert_int_equal(front_send(front_port, "GET /thu-tuc/999999999 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                     404);
    assert_contains(raw_answer, "lang=\"vi\"");
    assert_lacks(raw_answer, "<center>nginx");
}

static void application_down_gets_the_maintenance_page(void **state)
{
    (void)state;
    assert_int_equal(front_send(dead_port, "GET /tra-cuu HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 502);
    assert_vietnamese_page("Hệ thống đang bảo trì");
    assert_contains(raw_answer, "Hồ sơ đã nộp không bị ảnh hưởng");
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_requests_get_vietnamese_pages),
        cmocka_unit_test(our_pages_and_errors_pass_through),
        cmocka_unit_test(application_down_gets_the_maintenance_page),
    };
    int failed = cmocka_run_group_tests_name("front", tests, start_front, stop_front);
    curl_global_cleanup();
    return failed;
}
