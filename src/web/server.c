/* server.c -- the HTTP server: libmicrohttpd in thread-per-connection mode.
 *
 * Why that mode: handlers block on SQLite (and later PDF and notification work). MHD's
 * thread pool pins each connection to one thread, so one slow handler would stall every
 * connection that landed beside it (research/c-stack.md §1). One thread per connection,
 * bounded by max_connections, keeps a slow request from holding up the others.
 *
 * A request goes through: limits (per-IP connections -> 429, Content-Length -> 413 before
 * the body is read, body time -> 408; MHD itself answers 431 for oversized headers), body
 * collection (urlencoded by form.c, multipart by MHD's post processor), cleaning of every
 * value (UTF-8, no control characters, NFC), the session and CSRF check, the route's role
 * and unit scope, then the handler. The response body lives in the request's arena, which
 * is freed after MHD has sent it (request_completed). */
#include <microhttpd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include "../catalog/catalog.h"
#include "../core/text.h"
#include "../print/print.h"
#include "app.h"
#include "form.h"
#include "static.h"
#include "templates.h"

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

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    app *ap = cls;
    char ip[INET6_ADDRSTRLEN];
    client_ip(c, ip, sizeof ip);
    (void)socket_context;
    ip_adjust(ap, ip, code == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
}

/* ---- request helpers used by handlers (web.h) -------------------------------------- */

const char *req_param(req *r, const char *name)
{
    for (int i = 0; i < r->nparams; i++)
        if (!strcmp(r->param_names[i], name)) return r->param_values[i];
    return NULL;
}

static const char *kv_find(const kv *list, const char *name)
{
    for (const kv *k = list; k; k = k->next)
        if (!k->filename && !strcmp(k->name, name)) return k->value;
    return NULL;
}

const char *req_query(req *r, const char *name) { return kv_find(r->query, name); }
const char *req_cookie(req *r, const char *name) { return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name); }
const char *req_form(req *r, const char *name) { return kv_find(r->form, name); }

const kv *req_file(req *r, const char *name)
{
    for (const kv *k = r->form; k; k = k->next)
        if (k->filename && !strcmp(k->name, name)) return k;
    return NULL;
}

const char *req_header(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

db *req_db(req *r)
{
    if (!r->dbc) r->dbc = db_acquire(r->app->pool);
    return r->dbc;
}

void req_db_release(req *r)
{
    if (r->dbc) db_release(r->app->pool, r->dbc);
    r->dbc = NULL;
}

int64_t req_now(req *r)
{
    (void)r;
    return (int64_t)time(NULL);
}

const char *T(req *r, const char *msgid)
{
    return i18n_translate(r ? r->lang : "vi", msgid);
}

/* ---- reading the request ------------------------------------------------------------ */

typedef struct {
    req *r;
    kv *head, *tail;
    bool bad;
} query_collect;

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    query_collect *qc = cls;
    char *clean_key = NULL, *clean_value = NULL;
    if (!key || text_clean(qc->r->a, key, strlen(key), false, 200, &clean_key) != TEXT_OK ||
        text_clean(qc->r->a, value ? value : "", value ? strlen(value) : 0, true, 2000, &clean_value) != TEXT_OK) {
        qc->bad = true;
        return MHD_NO;
    }
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

/* Cleans every text field of the form; files keep their bytes. */
static bool clean_form(req *r)
{
    for (kv *k = r->form; k; k = k->next) {
        char *name = NULL, *value = NULL;
        if (text_clean(r->a, k->name, strlen(k->name), false, 200, &name) != TEXT_OK) return false;
        k->name = name;
        if (k->filename) {
            char *fn = NULL;
            if (text_clean(r->a, k->filename, strlen(k->filename), false, 255, &fn) != TEXT_OK) return false;
            k->filename = fn;
            continue;
        }
        if (strlen(k->value) != k->len) return false;   /* a NUL inside a text field */
        if (text_clean(r->a, k->value, k->len, true, 100000, &value) != TEXT_OK) return false;
        k->value = value;
        k->len = strlen(value);
    }
    return true;
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

static enum MHD_Result send_response(request_state *st)
{
    req *r = &st->r;
    if (!r->status) web_error(r, 500, "Đã có lỗi trong hệ thống. Vui lòng thử lại sau.");
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
    web_header(r, "ETag", s->etag);
    web_header(r, "Cache-Control", "public, max-age=86400");
    const char *inm = req_header(r, "If-None-Match");
    if (inm && !strcmp(inm, s->etag)) {
        web_body(r, 304, s->content_type, "", 0);
        return;
    }
    web_body(r, 200, s->content_type, s->data, s->size);
}

void page_static(req *r) { serve_static(r); }

void page_healthz(req *r)
{
    bool ok = db_ping(req_db(r));
    web_body(r, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "database unavailable\n", ok ? 3 : 21);
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
            r->session_token = arena_strdup(r->a, tok);
            r->csrf = csrf;
            return;
        }
    }
    const char *anon = cookie(r, "tt_csrf");
    if (anon && strlen(anon) == 64) r->csrf = arena_strdup(r->a, anon);
}

/* An anonymous visitor gets a CSRF token (and its cookie) only when a page with a form is
 * rendered, so JSON answers and static files carry no Set-Cookie. */
const char *req_csrf(req *r)
{
    if (!r->csrf) {
        unsigned char raw[32];
        randombytes_buf(raw, sizeof raw);
        char *hex = arena_alloc(r->a, 65);
        sodium_bin2hex(hex, 65, raw, sizeof raw);
        r->csrf = hex;
        r->set_csrf_cookie = true;
    }
    return r->csrf;
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
    if (rt->handler == page_static || rt->handler == page_metrics) {
        rt->handler(r);
        return;
    }
    load_session(r);
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
    arena *a = arena_new();
    request_state *st = arena_alloc(a, sizeof *st);
    st->ap = ap;
    st->start = now_seconds();
    req *r = &st->r;
    r->a = a;
    r->app = ap;
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    app *ap = cls;
    request_state *st = *con_cls;
    if (!st) {
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
    if (st->urlencoded && form_parse_urlencoded(r->a, buf_cstr(&st->raw), st->raw.len, &r->form) != 0) qc.bad = true;
    if (qc.bad || !clean_form(r) || !form_path_ok(r->path)) {
        web_error(r, 400, "Dữ liệu gửi lên không phải văn bản UTF-8 hợp lệ.");
        return send_response(st);
    }
    dispatch(r);
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
}

/* ---- start and stop ----------------------------------------------------------------- */

int app_serve(app_config *cfg)
{
    char errbuf[512];
    if (templates_load(errbuf, sizeof errbuf) != 0) {
        fprintf(stderr, "thanthien: %s\n", errbuf);
        return 1;
    }
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
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, (uint16_t)cfg->port,
        NULL, NULL, on_request, &ap, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
        /* MHD answers 431 itself (in English) when headers overflow its pool: make the pool
         * larger than our own limit so that our Vietnamese 431 answers first */
        (unsigned)cfg->idle_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, 4 * cfg->max_header,
        MHD_OPTION_NOTIFY_COMPLETED, request_completed, &ap, MHD_OPTION_NOTIFY_CONNECTION, on_connection, &ap,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
    if (!daemon) {
        fprintf(stderr, "thanthien: cannot listen on %s:%d (in use, or not allowed)\n", cfg->listen, cfg->port);
        db_pool_close(ap.pool);
        return 1;
    }
    fprintf(stderr, "{\"level\":\"info\",\"msg\":\"listening\",\"url\":\"http://%s:%d/\",\"db\":\"%s\"}\n",
            cfg->listen, cfg->port, cfg->db_path);
    housekeeping_start(ap.pool);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "{\"level\":\"info\",\"msg\":\"stopping\",\"signal\":%d}\n", sig);
    housekeeping_stop();
    MHD_stop_daemon(daemon);
    print_shutdown();   /* the font caches PDF rendering keeps, so the exit is leak-free */
    db_pool_close(ap.pool);
    metrics_free(&ap);
    while (ap.ip_counts) {
        ip_count *e2 = ap.ip_counts;
        ap.ip_counts = e2->next;
        free(e2);
    }
    templates_unload();
    catalog_web_cleanup();
    return 0;
}
