/* server.c -- the HTTP server: libmicrohttpd's epoll thread pool, and a pool of workers
 * for the requests that may block.
 *
 * Why that mode: a few event-loop threads (--threads, one per core by default) serve every
 * connection, so a lookup costs its index read and its rendering, not a thread wake-up and
 * a database-connection hand-off. Measured on 1M dossiers (bench/, wrk -t2 -c64), against
 * thread-per-connection on the same code: the same lookups per second, p99 6-10 ms instead
 * of 17-22 ms, 24 MiB instead of 59, about 10% less CPU per lookup. MHD pins each
 * connection to one loop thread, so a request
 * that may block for long (any write, which waits for its group commit; a PDF or XLSX file)
 * is suspended and run on the offload pool (offload.h, --workers) instead: one slow request
 * never holds up the connections beside it (tests/http/test_slow.c).
 *
 * A request goes through: limits (per-IP connections: refused at accept past one more than
 * the limit, 429 at the limit; headers not in within header_timeout -> 408 from a watchdog;
 * Content-Length -> 413 before
 * the body is read, body time -> 408; MHD itself answers 431 for oversized headers), body
 * collection (urlencoded by form.c, multipart by MHD's post processor), cleaning of every
 * value (UTF-8, no control characters, NFC), the session and CSRF check, the route's role
 * and unit scope, then the handler. The response body lives in the request's arena, which
 * is freed after MHD has sent it (request_completed). */
#include <microhttpd.h>
#include <signal.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "../core/log.h"
#include "../account/account.h"
#include "../core/text.h"
#include "../print/print.h"
#include "app.h"
#include "../kit/form.h"
#include "../kit/static.h"
#include "../kit/templates.h"
#include "offload.h"
#include "../kit/compress.h"

typedef struct {
    req r;
    app *ap;
    double start;
    size_t received;
    bool too_large, timed_out, answered, bad_body;
    bool multipart, urlencoded;
    buf raw;                        /* urlencoded body */
    struct MHD_PostProcessor *pp;
    kv *cur;                        /* multipart: the part being filled */
    buf cur_value;
    kv *form_tail;
    offload_job job;                /* a request run on the offload pool */
    bool offloaded, worked;         /* handed to the pool; its handler has run there */
    bool disk_full;                 /* a write met a full disk while the handler ran */
} request_state;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- per-IP connection counts ------------------------------------------------------- */

typedef struct ip_count {
    char ip[INET6_ADDRSTRLEN];
    int n;
    struct ip_count *next;
} ip_count;

static void client_ip(struct MHD_Connection *c, char *out, size_t len)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, len, "?");
    if (!info || !info->client_addr) return;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)len);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)len);
}

static int ip_adjust(app *ap, const char *ip, int delta)
{
    pthread_mutex_lock(&ap->mu);
    ip_count **pp = (ip_count **)&ap->ip_counts, *e;
    for (e = *pp; e && strcmp(e->ip, ip); e = e->next) pp = &e->next;
    if (!e && delta > 0) {
        e = calloc(1, sizeof *e);
        if (!e) abort();
        snprintf(e->ip, sizeof e->ip, "%s", ip);
        e->next = ap->ip_counts;
        ap->ip_counts = e;
    }
    int n = 0;
    if (e) {
        e->n += delta;
        n = e->n;
        if (e->n <= 0) {   /* unlink empty entries so the list holds only live clients */
            ip_count **q = (ip_count **)&ap->ip_counts;
            while (*q != e) q = &(*q)->next;
            *q = e->next;
            free(e);
        }
    }
    ap->open_connections += delta;
    pthread_mutex_unlock(&ap->mu);
    return n;
}

static int ip_current(app *ap, const char *ip)
{
    pthread_mutex_lock(&ap->mu);
    int n = 0;
    for (ip_count *e = ap->ip_counts; e; e = e->next)
        if (!strcmp(e->ip, ip)) n = e->n;
    pthread_mutex_unlock(&ap->mu);
    return n;
}

/* ---- the time to send headers -------------------------------------------------------
 *
 * A client that trickles one header line at a time keeps MHD's idle timeout from ever
 * firing and holds a thread for as long as it likes (slowloris). Every connection is
 * watched from accept until its first request's headers are in; past header_timeout a
 * watchdog thread answers 408 and shuts the socket, which ends MHD's read. MHD closes the
 * socket only after it has told on_connection, which unlinks the watch under ap->mu, so the
 * watchdog never touches a descriptor that was closed and reused. */

typedef struct conn_watch {
    int fd;
    double since;
    bool waiting;   /* the headers are not all in yet */
    struct conn_watch *next, **pprev;
} conn_watch;

static conn_watch *watch_head;
static pthread_t watch_thread;
static pthread_cond_t watch_cond = PTHREAD_COND_INITIALIZER;
static bool watch_stopping;

static void *watchdog(void *arg)
{
    app *ap = arg;
    static const char answer[] =
        "HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
        "Content-Length: 35\r\n\r\nQuá thời gian gửi yêu cầu.\n";
    pthread_mutex_lock(&ap->mu);
    while (!watch_stopping) {
        double now = now_seconds();
        for (conn_watch *w = watch_head; w; w = w->next) {
            if (!w->waiting || now - w->since < ap->cfg.header_timeout) continue;
            w->waiting = false;
            ssize_t sent = send(w->fd, answer, sizeof answer - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            (void)sent;
            shutdown(w->fd, SHUT_RDWR);
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&watch_cond, &ap->mu, &until);
    }
    pthread_mutex_unlock(&ap->mu);
    return NULL;
}

static void watch_connection(app *ap, struct MHD_Connection *c, void **socket_context)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!info) return;
    conn_watch *w = calloc(1, sizeof *w);
    if (!w) abort();
    w->fd = info->connect_fd;
    w->since = now_seconds();
    w->waiting = true;
    pthread_mutex_lock(&ap->mu);
    w->next = watch_head;
    if (watch_head) watch_head->pprev = &w->next;
    w->pprev = &watch_head;
    watch_head = w;
    pthread_mutex_unlock(&ap->mu);
    *socket_context = w;
}

static void unwatch_connection(app *ap, void **socket_context)
{
    conn_watch *w = *socket_context;
    if (!w) return;
    pthread_mutex_lock(&ap->mu);
    *w->pprev = w->next;
    if (w->next) w->next->pprev = w->pprev;
    pthread_mutex_unlock(&ap->mu);
    free(w);
    *socket_context = NULL;
}

/* The headers of the connection's request are in: the watchdog lets it be. */
static void headers_arrived(app *ap, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (!info || !info->socket_context) return;
    pthread_mutex_lock(&ap->mu);
    ((conn_watch *)info->socket_context)->waiting = false;
    pthread_mutex_unlock(&ap->mu);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    app *ap = cls;
    char ip[INET6_ADDRSTRLEN];
    client_ip(c, ip, sizeof ip);
    ip_adjust(ap, ip, code == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) watch_connection(ap, c, socket_context);
    else unwatch_connection(ap, socket_context);
}

/* ---- reading the request ------------------------------------------------------------ */

typedef struct {
    req *r;
    kv *head, *tail;
    text_status bad;
} query_collect;

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    query_collect *qc = cls;
    char *clean_key = NULL, *clean_value = NULL;
    if (!key) key = "";
    if ((qc->bad = text_clean(qc->r->a, key, strlen(key), false, 200, &clean_key)) != TEXT_OK ||
        (qc->bad = text_clean(qc->r->a, value ? value : "", value ? strlen(value) : 0, true, 2000, &clean_value)) !=
            TEXT_OK)
        return MHD_NO;
    kv *k = arena_alloc(qc->r->a, sizeof *k);
    k->name = clean_key;
    k->value = clean_value;
    k->len = strlen(clean_value);
    if (qc->tail) qc->tail->next = k;
    else qc->head = k;
    qc->tail = k;
    return MHD_YES;
}

static const char *cookie(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static bool wants_json(req *r)
{
    if (!strncmp(r->path, "/api/", 5)) return true;
    const char *accept = req_header(r, "Accept");
    if (!accept) return false;
    const char *json = strstr(accept, "application/json");
    const char *html = strstr(accept, "text/html");
    return json && (!html || json < html);
}

/* multipart parts arrive in pieces: (key, off=0) starts a part, later pieces continue it */
static void finish_part(request_state *st)
{
    if (!st->cur) return;
    st->cur->value = buf_cstr(&st->cur_value);
    st->cur->len = st->cur_value.len;
    st->cur = NULL;
}

static enum MHD_Result on_post_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                    const char *content_type, const char *transfer_encoding, const char *data,
                                    uint64_t off, size_t size)
{
    (void)kind, (void)content_type, (void)transfer_encoding;
    request_state *st = cls;
    if (!key) return MHD_YES;
    if (off == 0 || !st->cur || strcmp(st->cur->name, key)) {
        finish_part(st);
        kv *k = arena_alloc(st->r.a, sizeof *k);
        k->name = arena_strdup(st->r.a, key);
        k->filename = filename ? arena_strdup(st->r.a, filename) : NULL;
        if (st->form_tail) st->form_tail->next = k;
        else st->r.form = k;
        st->form_tail = k;
        st->cur = k;
        buf_init(&st->cur_value, st->r.a);
        buf_add(&st->cur_value, "", 0);
    }
    if (size) buf_add(&st->cur_value, data, size);
    return MHD_YES;
}

/* Cleans every text field of the form; files keep their bytes. TEXT_OK, or what was wrong. */
static text_status clean_form(req *r)
{
    text_status st;
    for (kv *k = r->form; k; k = k->next) {
        char *name = NULL, *value = NULL;
        if ((st = text_clean(r->a, k->name, strlen(k->name), false, 200, &name)) != TEXT_OK) return st;
        k->name = name;
        if (k->filename) {
            char *fn = NULL;
            if ((st = text_clean(r->a, k->filename, strlen(k->filename), false, 255, &fn)) != TEXT_OK) return st;
            k->filename = fn;
            continue;
        }
        if (strlen(k->value) != k->len) return TEXT_CONTROL_CHAR;   /* a NUL inside a text field */
        if ((st = text_clean(r->a, k->value, k->len, true, 100000, &value)) != TEXT_OK) return st;
        k->value = value;
        k->len = strlen(value);
    }
    return TEXT_OK;
}

static bool too_many_fields(const buf *body)
{
    size_t fields = 1;
    for (size_t i = 0; i < body->len; i++) fields += body->data[i] == '&';
    return fields > FORM_MAX_FIELDS;
}

/* What the 400 page says about text refused at the edge: the fault itself, not always
 * "bad UTF-8". */
static const char *text_refusal(text_status st)
{
    switch (st) {
    case TEXT_BAD_UTF8: return N_("Dữ liệu gửi lên không phải văn bản UTF-8 hợp lệ.");
    case TEXT_CONTROL_CHAR: return N_("Dữ liệu gửi lên có ký tự điều khiển không được phép.");
    case TEXT_TOO_LONG: return N_("Một trường trong dữ liệu gửi lên dài quá mức cho phép.");
    case TEXT_HIDDEN_CHAR:
        return N_("Dữ liệu gửi lên có ký tự ẩn hoặc ký tự đảo chiều chữ (thường do sao chép từ nơi khác). "
                  "Vui lòng gõ lại phần đó.");
    case TEXT_STACKED_MARKS:
        return N_("Dữ liệu gửi lên có chữ mang quá nhiều dấu. Vui lòng gõ lại phần đó.");
    case TEXT_OK: break;
    }
    return N_("Biểu mẫu gửi lên không đúng định dạng.");
}

/* ---- answering ---------------------------------------------------------------------- */

static void add_common_headers(struct MHD_Response *resp, req *r)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
    if (r->content_type && !strncmp(r->content_type, "text/html", 9)) {
        MHD_add_response_header(resp, "Vary", "Accept, Cookie");
        MHD_add_response_header(resp, "Cache-Control", r->user ? "private, no-store" : "no-cache");
    }
}

/* /healthz's last successful write (health_write) */
static int64_t health_last_ok;   /* reset when a request meets a full disk */
static pthread_mutex_t health_mu = PTHREAD_MUTEX_INITIALIZER;

static enum MHD_Result send_response(request_state *st)
{
    req *r = &st->r;
    if (!r->status) web_error(r, 500, "Đã có lỗi trong hệ thống. Vui lòng thử lại sau.");
    /* a write failed for want of disk space: say so, not "busy" or "error" */
    if ((r->status == 500 || r->status == 503) && st->disk_full && strcmp(r->route, "/healthz")) {
        web_error(r, 507, "Ổ đĩa của máy chủ đã đầy nên không lưu được dữ liệu. Xin báo quản trị viên "
                          "giải phóng dung lượng rồi thử lại.");
        pthread_mutex_lock(&health_mu);
        health_last_ok = 0;   /* /healthz looks again */
        pthread_mutex_unlock(&health_mu);
    }
    compress_response(r);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r->body_len, (void *)(r->body ? r->body : ""), MHD_RESPMEM_PERSISTENT);
    if (!resp) return MHD_NO;
    if (r->content_type) MHD_add_response_header(resp, "Content-Type", r->content_type);
    add_common_headers(resp, r);
    if (r->set_csrf_cookie)
        MHD_add_response_header(resp, "Set-Cookie",
                                arena_printf(r->a, "tt_csrf=%s; Path=/; HttpOnly; SameSite=Strict%s", r->csrf,
                                             r->secure ? "; Secure" : ""));
    for (header *h = r->headers; h; h = h->next) MHD_add_response_header(resp, h->name, h->value);
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    st->answered = true;
    return ok;
}

static void serve_static(req *r)
{
    const static_asset *s = static_find(req_param(r, "name"));
    if (!s) {
        web_error(r, 404, "Không tìm thấy trang bạn yêu cầu.");
        return;
    }
    compress_static(r, s);
}

void page_static(req *r) { serve_static(r); }

/* /favicon.ico, asked for by browsers and tools that do not read the layout's icon link */
void page_favicon(req *r)
{
    const static_asset *s = static_find("favicon.ico");
    if (s) compress_static(r, s);
    else web_error(r, 404, "Không tìm thấy trang bạn yêu cầu.");
}

/* Whether the database takes a write: one row rewritten, at most every HEALTH_WRITE_EVERY
 * seconds while it works and on every call once it has failed. 0, or the HTTP status. */
#define HEALTH_WRITE_EVERY 10

/* Through the one write path, as every change: a healthy answer means the writer commits. */
static int health_write_row(db *c, void *ctx, err *e)
{
    db_stmt *s = db_prepare(c, "INSERT INTO health_checks (id, checked_at) VALUES (1, ?) "
                               "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at");
    db_bind_int(s, 1, *(const int64_t *)ctx);
    int rc = db_step(s);
    db_done(s);
    if (rc == DB_DONE) return 0;
    err_set(e, 503, N_("Hệ thống đang bận, vui lòng thử lại."), "health write: %s", db_errmsg(c));
    return -1;
}

static int health_write(req *r)
{
    int64_t now = req_now(r);
    pthread_mutex_lock(&health_mu);
    bool fresh = health_last_ok && now - health_last_ok < HEALTH_WRITE_EVERY;
    pthread_mutex_unlock(&health_mu);
    if (fresh) return 0;
    err e = {0};
    if (db_write(req_db(r), health_write_row, &now, &e) != 0) return db_full_seen() ? 507 : 503;
    pthread_mutex_lock(&health_mu);
    health_last_ok = now;
    pthread_mutex_unlock(&health_mu);
    return 0;
}

/* Free space where the database lives: SQLite reuses room a failed write already took, so a
 * small test write can pass on a disk that refuses an intake. */
#define HEALTH_MIN_FREE (1024 * 1024)
static bool disk_nearly_full(const char *db_path)
{
    char dirpath[4096];
    snprintf(dirpath, sizeof dirpath, "%s", db_path);
    char *slash = strrchr(dirpath, '/');
    if (slash) *slash = '\0';
    else snprintf(dirpath, sizeof dirpath, "%s", ".");
    struct statvfs fs;
    if (statvfs(*dirpath ? dirpath : "/", &fs) != 0) return false;
    return (unsigned long long)fs.f_bavail * fs.f_frsize < HEALTH_MIN_FREE;
}

void page_healthz(req *r)
{
    const char *text = "ok\n";
    int status = 200;
    pthread_mutex_lock(&r->app->mu);
    const char *damage = r->app->damage[0] ? arena_strdup(r->a, r->app->damage) : NULL;
    pthread_mutex_unlock(&r->app->mu);
    if (damage) {
        status = 503;
        text = arena_printf(r->a, "database damaged: %s\n", damage);
    } else if (!db_ping(req_db(r))) {
        status = 503;
        text = "database unavailable\n";
    } else if (disk_nearly_full(r->app->cfg.db_path)) {
        status = 507;
        text = "disk full: less than 1 MiB left for the database\n";
    } else if ((status = health_write(r)) != 0) {
        text = status == 507 ? "disk full: the database cannot be written\n" : "database not writable\n";
    } else {
        status = 200;
    }
    web_body(r, status, "text/plain; charset=utf-8", text, strlen(text));
}

/* The counters tell who works when and how busy the server is: for the machine itself (a
 * scraper on loopback, not through a proxy) and for administrators. */
static bool metrics_allowed(req *r)
{
    bool loopback = !strncmp(r->ip, "127.", 4) || !strcmp(r->ip, "::1");
    if (loopback && !req_header(r, "X-Forwarded-For")) return true;
    return r->user && !strcmp(r->user->role, "admin");
}

void page_metrics(req *r)
{
    buf b;
    buf_init(&b, r->a);
    metrics_render(r->app, &b);
    web_body(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf_cstr(&b), b.len);
}

/* ---- sessions, CSRF, access --------------------------------------------------------- */

static void load_session(req *r)
{
    const char *tok = cookie(r, "tt_session");
    if (tok && *tok) {
        char *csrf = NULL;
        r->user = account_session(req_db(r), r->a, tok, req_now(r), &csrf);
        if (r->user) {
            r->user->role_label = account_role_label(r->user->role);
            for (int bit = ACCESS_STAFF; bit <= ACCESS_OVERSEE; bit <<= 1)
                if (router_role_allows(bit, r->user->role)) r->user->access |= bit;
            r->session_token = arena_strdup(r->a, tok);
            r->csrf = csrf;
            return;
        }
    }
    const char *anon = cookie(r, "tt_csrf");
    if (anon && strlen(anon) == 64) r->csrf = arena_strdup(r->a, anon);
}

static bool csrf_ok(req *r)
{
    const char *sent = req_form(r, "_csrf");
    if (!sent) sent = req_header(r, "X-CSRF-Token");
    if (!sent || !*sent || !r->csrf || r->set_csrf_cookie || strlen(sent) != strlen(r->csrf)) return false;
    return sodium_memcmp(sent, r->csrf, strlen(sent)) == 0;
}

static void dispatch(req *r)
{
    const char *allow = NULL;
    const route *rt = router_match(r->method, r->path, r, &allow);
    if (!rt) {
        r->route = allow ? "(method)" : "(none)";
        if (allow) {
            web_header(r, "Allow", allow);
            web_error(r, 405, "Phương thức này không được hỗ trợ cho địa chỉ này.");
        } else {
            web_error(r, 404, "Không tìm thấy trang bạn yêu cầu.");
        }
        return;
    }
    r->route = rt->pattern;
    if (rt->handler == page_static) {
        rt->handler(r);
        return;
    }
    if (rt->keyed) {   /* the app's key is the credential: no cookies, no CSRF (routes.c) */
        rt->handler(r);
        return;
    }
    load_session(r);
    if (rt->handler == page_metrics && !metrics_allowed(r)) {
        web_error(r, 403, "Bạn không có quyền truy cập trang này.");
        return;
    }
    if (!strcmp(r->method, "POST") && !csrf_ok(r)) {
        web_error(r, 403, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.");
        return;
    }
    if (rt->access != ACCESS_PUBLIC && !r->user) {
        if (r->want_json) {
            web_error(r, 401, "Vui lòng đăng nhập.");
        } else {
            char *enc = NULL;
            form_url_encode(r->a, r->path, &enc);
            web_redirect(r, arena_printf(r->a, "/dang-nhap?next=%s", enc));
        }
        return;
    }
    if (!router_role_allows(rt->access, r->user ? r->user->role : NULL)) {
        web_error(r, 403, "Bạn không có quyền truy cập trang này.");
        return;
    }
    if (rt->scope) {
        int64_t unit = rt->scope(r);
        if (unit < 0) {
            web_error(r, 404, "Không tìm thấy trang bạn yêu cầu.");
            return;
        }
        if (unit > 0 && !account_can_access(req_db(r), r->user, unit)) {
            web_error(r, 403, "Bạn không có quyền truy cập dữ liệu của đơn vị này.");
            return;
        }
    }
    rt->handler(r);
}

/* ---- MHD callbacks ------------------------------------------------------------------ */

/* The last address in X-Forwarded-For (the one our own proxy appended), when the peer is a
 * loopback proxy the administrator told us to trust; otherwise the peer itself. */
static const char *forwarded_client(req *r, bool trust)
{
    const char *xff = trust ? req_header(r, "X-Forwarded-For") : NULL;
    bool loopback = !strncmp(r->ip, "127.", 4) || !strcmp(r->ip, "::1");
    if (!xff || !loopback) return r->ip;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ') last++;
    size_t n = strspn(last, "0123456789abcdefABCDEF:.");
    if (n == 0 || n > 45 || (last[n] && last[n] != ' ')) return r->ip;
    return arena_strndup(r->a, last, n);
}

static request_state *state_new(app *ap, struct MHD_Connection *c, const char *url, const char *method)
{
    db_full_clear();
    arena *a = arena_new();
    request_state *st = arena_alloc(a, sizeof *st);
    st->ap = ap;
    st->start = now_seconds();
    req *r = &st->r;
    r->a = a;
    r->app = ap;
    r->pool = ap->pool;
    r->conn = c;
    r->method = arena_strdup(a, method);
    r->path = arena_strdup(a, url);
    r->route = "(none)";
    char ip[INET6_ADDRSTRLEN];
    client_ip(c, ip, sizeof ip);
    r->ip = arena_strdup(a, ip);
    r->client = forwarded_client(r, ap->cfg.trust_proxy);
    const char *lang = cookie(r, "lang");
    r->lang = lang && !strcmp(lang, "en") ? "en" : "vi";
    const char *proto = req_header(r, "X-Forwarded-Proto");
    r->secure = proto && !strcmp(proto, "https");
    r->want_json = wants_json(r);
    buf_init(&st->raw, a);
    return st;
}

static enum MHD_Result count_header_bytes(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    *(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

static bool content_type_is(req *r, const char *want)
{
    const char *ct = req_header(r, "Content-Type");
    return ct && !strncasecmp(ct, want, strlen(want));
}

/* The thread-local "disk full" flag is read on the thread that ran the handler. */
static void run_handler(request_state *st)
{
    db_full_clear();
    dispatch(&st->r);
    st->disk_full = db_full_seen();
}

/* On a worker: the handler, then the connection back to its loop thread, which calls
 * on_request again and sends the answer. */
static void run_offloaded(offload_job *job)
{
    request_state *st = (request_state *)((char *)job - offsetof(request_state, job));
    run_handler(st);
    st->worked = true;
    MHD_resume_connection(st->r.conn);
}

/* A request that may take long: every change (a write waits for its group commit, a login
 * hashes a password, a result may send a message) and every generated file. */
static bool may_block(const req *r)
{
    if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) return true;
    /* the reports on the model and the targets read a period's rows of a unit or of every unit
     * of a province (src/report): seconds at 150 communes, not for a loop thread */
    if (!strncmp(r->path, "/bao-cao", 8) || !strncmp(r->path, "/muc-tieu", 9)) return true;
    size_t n = strlen(r->path);
    /* the province's view reads every unit's rows of two periods: tenths of a second at 150
     * communes, too long for a loop thread whose other connections wait behind it */
    if (!strncmp(r->path, "/tinh/", 6)) return true;
    /* and so do the indicators of a unit with units below it (the province): by month */
    if (!strcmp(r->path, "/chi-so") && req_query((req *)r, "don_vi")) return true;
    return (n > 4 && !strcmp(r->path + n - 4, ".pdf")) || (n > 5 && !strcmp(r->path + n - 5, ".xlsx"));
}

/* The loop threads run a little below the workers (nice +LOOP_NICE, which needs no privilege):
 * when the machine is saturated by lookups, the officer's slip or intake on a worker -- a
 * citizen waiting at the desk -- gets the processor first, and the lookups, each a few
 * microseconds of work, queue a little instead. Without it a slip took 24 ms at the 99th
 * percentile under 20,000 lookups a second on two cores. */
#define LOOP_NICE 4
static void loop_thread_below_workers(void)
{
    static _Thread_local bool done;
    if (done) return;
    done = true;
    errno = 0;
    int now = getpriority(PRIO_PROCESS, (id_t)gettid());
    if (errno == 0) setpriority(PRIO_PROCESS, (id_t)gettid(), now + LOOP_NICE);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    app *ap = cls;
    request_state *st = *con_cls;
    loop_thread_below_workers();
    if (!st) {
        headers_arrived(ap, c);
        pthread_mutex_lock(&ap->mu);
        ap->in_flight++;
        pthread_mutex_unlock(&ap->mu);
        st = state_new(ap, c, url, method);
        *con_cls = st;
        req *r = &st->r;
        if (ip_current(ap, r->ip) > ap->cfg.max_per_ip) {
            web_header(r, "Retry-After", "5");
            web_header(r, "Connection", "close");
            web_error(r, 429, "Có quá nhiều kết nối từ địa chỉ của bạn. Vui lòng thử lại sau ít phút.");
            return send_response(st);
        }
        size_t header_bytes = strlen(url) + strlen(method) + 16;
        MHD_get_connection_values(c, MHD_HEADER_KIND, count_header_bytes, &header_bytes);
        if (header_bytes > ap->cfg.max_header) {
            web_header(r, "Connection", "close");
            web_error(r, 431, "Phần đầu của yêu cầu (header) quá lớn.");
            return send_response(st);
        }
        const char *cl = req_header(r, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > ap->cfg.max_body) {
            web_header(r, "Connection", "close");
            web_error(r, 413, "Dữ liệu gửi lên quá lớn.");
            return send_response(st);
        }
        if (!strcmp(method, "POST") || !strcmp(method, "PUT")) {
            st->urlencoded = content_type_is(r, "application/x-www-form-urlencoded");
            st->multipart = content_type_is(r, "multipart/form-data");
            if (st->multipart) {
                st->pp = MHD_create_post_processor(c, 16 * 1024, on_post_part, st);
                if (!st->pp) {
                    web_error(r, 400, "Biểu mẫu gửi lên không đúng định dạng.");
                    return send_response(st);
                }
            }
        }
        return MHD_YES;
    }
    if (st->offloaded)   /* called again once resumed: the worker has the answer ready */
        return st->worked ? send_response(st) : MHD_YES;
    if (st->answered) {   /* an early answer was queued; drop whatever body follows */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        st->received += n;
        if (st->received > ap->cfg.max_body) st->too_large = true;
        if (now_seconds() - st->start > ap->cfg.request_timeout) st->timed_out = true;
        if (st->too_large || st->timed_out) {
            /* MHD 0.9.75 cannot queue an answer in the middle of a body (research/c-stack.md
             * §1), so the rest is read and dropped and 413/408 answered at its end -- but only
             * up to twice the limit: a client that keeps streaming or dribbling past that
             * loses its connection, so it cannot hold a thread for long */
            bool hopeless = st->received > 2 * ap->cfg.max_body ||
                            now_seconds() - st->start > 2.0 * ap->cfg.request_timeout;
            return hopeless ? MHD_NO : MHD_YES;
        }
        if (st->pp) {
            if (MHD_post_process(st->pp, upload_data, n) != MHD_YES) st->bad_body = true;
        } else if (st->urlencoded) {
            buf_add(&st->raw, upload_data, n);
        }
        return MHD_YES;
    }
    req *r = &st->r;
    if (st->too_large) {
        web_header(r, "Connection", "close");
        web_error(r, 413, "Dữ liệu gửi lên quá lớn.");
        return send_response(st);
    }
    if (st->timed_out) {
        web_header(r, "Connection", "close");
        web_error(r, 408, "Quá thời gian gửi dữ liệu. Vui lòng thử lại.");
        return send_response(st);
    }
    if (st->bad_body) {
        web_error(r, 400, "Biểu mẫu gửi lên không đúng định dạng.");
        return send_response(st);
    }
    query_collect qc = {.r = r};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, &qc);
    r->query = qc.head;
    if (st->pp) finish_part(st);
    if (st->urlencoded && form_parse_urlencoded(r->a, buf_cstr(&st->raw), st->raw.len, &r->form) != 0) {
        web_error(r, 400, too_many_fields(&st->raw) ? "Biểu mẫu gửi lên có quá nhiều trường."
                                                   : "Biểu mẫu gửi lên không đúng định dạng.");
        return send_response(st);
    }
    text_status bad = qc.bad;
    if (bad == TEXT_OK) bad = clean_form(r);
    if (bad == TEXT_OK && !form_path_ok(r->path)) bad = TEXT_BAD_UTF8;
    if (bad != TEXT_OK) {
        web_error(r, 400, text_refusal(bad));
        return send_response(st);
    }
    if (may_block(r)) {
        st->offloaded = true;
        st->job.run = run_offloaded;
        MHD_suspend_connection(c);
        offload_push(ap->offload, &st->job);
        return MHD_YES;
    }
    run_handler(st);
    return send_response(st);
}

static void request_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    (void)c;
    app *ap = cls;
    request_state *st = *con_cls;
    if (!st) return;
    req *r = &st->r;
    double elapsed = now_seconds() - st->start;
    int status = st->answered ? r->status : 0;
    metrics_record(ap, r->route, status, elapsed);
    if (!ap->cfg.quiet) {
        json_t *line = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:f, s:I, s:s}", "ts", (json_int_t)time(NULL),
                                 "method", r->method, "path", r->path, "route", r->route, "ip", r->ip, "status",
                                 status, "ms", elapsed * 1000.0, "bytes", (json_int_t)r->body_len, "user",
                                 r->user ? r->user->username : "");
        if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK) json_object_set_new(line, "aborted", json_integer(toe));
        char *text = json_dumps(line, JSON_COMPACT);
        if (text) {
            size_t n = strlen(text);
            text[n] = '\n';   /* one write per line keeps lines whole across threads */
            fwrite(text, 1, n + 1, stderr);
            free(text);
        }
        json_decref(line);
    }
    if (st->pp) MHD_destroy_post_processor(st->pp);
    if (r->dbc) db_release(ap->pool, r->dbc);
    *con_cls = NULL;
    arena_free(r->a);
    pthread_mutex_lock(&ap->mu);
    ap->in_flight--;
    pthread_mutex_unlock(&ap->mu);
}

/* On SIGTERM: take no new connections, and give the requests under way (an intake already
 * committed, its answer not yet sent) up to SHUTDOWN_GRACE seconds to finish, so that the
 * clerk gets the slip instead of entering the dossier again. */
#define SHUTDOWN_GRACE 10.0
/* Page cache of each loop thread's connection (db_pool_cache). The citizen's lookups touch the
 * interior pages of two B-trees (about 3,300 pages at one million dossiers) and a leaf of each
 * at random, which push the interior pages out of a small cache: a lookup read 4.1 pages from
 * the OS at 8 MiB before the index of migration 027, 3.3 with it at 10 MiB, 3.1 at 12 MiB,
 * 2.9 at 16 MiB. 10 MiB for each of the two loop threads keeps the server under 64 MiB after
 * long runs of lookups and pages (bench/ceiling.sh's); 16 MiB did not after the shared kit's
 * (66 MiB), nor 12 MiB after bench/ceiling.sh's (65 MiB). */
#define LOOP_CACHE_KIB 10240
static void drain(app *ap, struct MHD_Daemon *daemon)
{
    MHD_socket listener = MHD_quiesce_daemon(daemon);
    if (listener != MHD_INVALID_SOCKET) close(listener);
    double until = now_seconds() + SHUTDOWN_GRACE;
    for (;;) {
        pthread_mutex_lock(&ap->mu);
        int left = ap->in_flight;
        pthread_mutex_unlock(&ap->mu);
        if (left <= 0 || now_seconds() > until) break;
        usleep(20 * 1000);
    }
}

/* ---- the integrity check at start ---------------------------------------------------
 *
 * Damage in the middle of the file goes unnoticed until a page on it is read. PRAGMA
 * quick_check reads every page once at start -- in a thread of its own, since it takes
 * about 8 s on a 1 GiB database and the site need not wait -- and /healthz tells the
 * monitoring what it found. */

static pthread_t check_thread;
static db *check_db;   /* under ap->mu, so that the stop can interrupt it */

static void *integrity_check(void *arg)
{
    app *ap = arg;
    err e = {0};
    db *d = db_open(ap->cfg.db_path, &e);
    if (!d) return NULL;
    pthread_mutex_lock(&ap->mu);
    check_db = d;
    pthread_mutex_unlock(&ap->mu);
    char found[sizeof ap->damage];
    bool damaged = db_quick_check(d, found, sizeof found) != 0;
    pthread_mutex_lock(&ap->mu);
    check_db = NULL;
    bool stopping = watch_stopping;
    if (damaged && !stopping) snprintf(ap->damage, sizeof ap->damage, "%s", found[0] ? found : "?");
    pthread_mutex_unlock(&ap->mu);
    db_close(d);
    if (damaged && !stopping) {
        log_json("error", "database damaged (PRAGMA quick_check)", "{s:s}", "detail", found);
    }
    return NULL;
}

static void integrity_check_stop(app *ap)
{
    pthread_mutex_lock(&ap->mu);
    if (check_db) db_interrupt(check_db);
    pthread_mutex_unlock(&ap->mu);
    pthread_join(check_thread, NULL);
}

/* ---- start and stop ----------------------------------------------------------------- */

int app_serve(app_config *cfg)
{
    char errbuf[512];
    if (templates_load(errbuf, sizeof errbuf) != 0) {
        fprintf(stderr, "thanthien: %s\n", errbuf);
        return 1;
    }
    routes_init();
    static app ap;
    memset(&ap, 0, sizeof ap);
    ap.cfg = *cfg;
    pthread_mutex_init(&ap.mu, NULL);
    metrics_init(&ap);
    err e = {0};
    db *d = db_open(cfg->db_path, &e);
    if (!d || db_migrate(d, &e) != 0) {
        fprintf(stderr, "thanthien: %s (%s)\n", e.user, e.log);
        db_close(d);
        return 1;
    }
    db_close(d);
    ap.pool = db_pool_open(cfg->db_path, cfg->db_connections, &e);
    if (!ap.pool) {
        fprintf(stderr, "thanthien: %s (%s)\n", e.user, e.log);
        return 1;
    }
    /* One connection a loop thread gets 8 MiB of page cache: enough to keep every interior
     * page of the dossier, code and step B-trees of a million dossiers, so a citizen's lookup
     * reads only its three leaf pages from the OS (4.8 reads a lookup with SQLite's 2 MB). */
    if (db_pool_cache(ap.pool, cfg->threads, LOOP_CACHE_KIB) != 0)
        log_json("warn", "page cache size not set", "{s:i}", "kib", LOOP_CACHE_KIB);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
    if (inet_pton(AF_INET, cfg->listen, &addr.sin_addr) != 1) {
        fprintf(stderr, "thanthien: --listen must be an IPv4 address, got %s\n", cfg->listen);
        return 2;
    }
    /* Block the stop signals in every thread; the main thread waits for them below. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    ap.offload = offload_start(cfg->workers);
    if (!ap.offload) {
        fprintf(stderr, "thanthien: cannot start the worker threads\n");
        db_pool_close(ap.pool);
        return 1;
    }
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG | MHD_USE_ITC,
        (uint16_t)cfg->port,
        NULL, NULL, on_request, &ap, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
        /* MHD answers 431 itself (in English) when headers overflow its pool: make the pool
         * larger than our own limit so that our Vietnamese 431 answers first (up to 64 KiB of
         * headers). Not larger: MHD zeroes the whole pool after every request, which at 4x
         * (128 KiB) was 7% of a citizen's lookup. */
        (unsigned)cfg->idle_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, 2 * cfg->max_header,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, &ap, MHD_OPTION_NOTIFY_CONNECTION, on_connection, &ap,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
        /* refused at accept, before a thread is spent on it: one address cannot fill every
         * slot; one more than the limit gets in to be answered 429 in Vietnamese. Behind a
         * trusted proxy every client has the proxy's address, and the proxy limits them. */
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->trust_proxy ? 0u : (unsigned)cfg->max_per_ip + 1, MHD_OPTION_END);
    if (!daemon) {
        fprintf(stderr, "thanthien: cannot listen on %s:%d (in use, or not allowed)\n", cfg->listen, cfg->port);
        offload_stop(ap.offload);
        db_pool_close(ap.pool);
        return 1;
    }
    char url[300];
    snprintf(url, sizeof url, "http://%s:%d/", cfg->listen, cfg->port);
    log_json("info", "listening", "{s:s, s:s}", "url", url, "db", cfg->db_path);
    housekeeping_start(ap.pool);
    watch_stopping = false;
    if (pthread_create(&watch_thread, NULL, watchdog, &ap) != 0) abort();
    if (pthread_create(&check_thread, NULL, integrity_check, &ap) != 0) abort();
    int sig = 0;
    sigwait(&stop, &sig);
    log_json("info", "stopping", "{s:i}", "signal", sig);
    drain(&ap, daemon);
    housekeeping_stop();
    offload_stop(ap.offload);   /* first: MHD must not stop with a connection suspended */
    MHD_stop_daemon(daemon);
    pthread_mutex_lock(&ap.mu);
    watch_stopping = true;
    pthread_cond_signal(&watch_cond);
    pthread_mutex_unlock(&ap.mu);
    pthread_join(watch_thread, NULL);
    integrity_check_stop(&ap);
    print_shutdown();   /* the font caches PDF rendering keeps, so the exit is leak-free */
    db_pool_close(ap.pool);
    metrics_free(&ap);
    while (ap.ip_counts) {
        ip_count *e2 = ap.ip_counts;
        ap.ip_counts = e2->next;
        free(e2);
    }
    templates_unload();
    routes_cleanup();
    return 0;
}
