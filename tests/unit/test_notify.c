/* test_notify.c -- the notification outbox against real parts: a migrated SQLite file, a
 * local SMTP server (tests/notify/smtp_server.c, a thread speaking SMTP on a loopback port)
 * and a local HTTP gateway (tests/notify/http_gateway.c, libmicrohttpd), both started here.
 *
 * Every test gets a fresh database (migrations 001 and 004 only) with three units. The
 * sender's clock is the test's own (notify_config.clock), so backoff is checked to the
 * second without sleeping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../src/core/arena.h"
#include "../../src/notify/message.h"
#include "../../src/notify/notify.h"
#include "../../src/store/db.h"
#include "testutil.h"
#include "../notify/http_gateway.c"
#include "../notify/mime_decode.c"
#include "../notify/smtp_server.c"

#define CODE "000.00.19.H56-260107-0001"
#define SECRET "K7M2QX"

typedef struct {
    char dir[64], path[160];
    db_pool *pool;
    int64_t province, commune, commune2;
    arena *a;
} fixture;

static int64_t fake_now;
static int64_t test_clock(void) { return fake_now; }

static int counter;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/thanthien-notify-XXXXXX");
    if (!mkdtemp(fx->dir)) return -1;
    snprintf(fx->path, sizeof fx->path, "%s/t%d.db", fx->dir, counter++);
    err e = {0};
    db *d = db_open(fx->path, &e);
    if (!d || db_migrate(d, &e) != 0) {
        fprintf(stderr, "setup: %s %s\n", e.user, e.log);
        return -1;
    }
    fx->province = test_add_unit(d, "19", "province", "Tỉnh Thái Nguyên", 0);
    fx->commune = test_add_unit(d, "05443", "commune", "Phường Phan Đình Phùng", fx->province);
    fx->commune2 = test_add_unit(d, "05602", "commune", "Xã Phú Đình", fx->province);
    db_close(d);
    fx->pool = db_pool_open(fx->path, 2, &e);
    fx->a = arena_new();
    fake_now = (int64_t)time(NULL);
    *state = fx;
    return fx->pool && fx->commune > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    db_pool_close(fx->pool);
    arena_free(fx->a);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", fx->dir);
    free(fx);
    return 0;
}

/* ---- helpers -------------------------------------------------------------------------- */

static notify_msg receipt(int64_t unit, const char *email, const char *phone, bool zalo)
{
    return (notify_msg){.unit_id = unit, .dossier_id = 42, .event = "receipt", .email = email, .phone = phone,
                        .zalo = zalo, .code = CODE, .secret = SECRET, .name = "Nguyễn Văn An",
                        .procedure = "Đăng ký khai sinh", .due = "12/01/2026", .link = "https://dichvu.example.vn/tra-cuu"};
}

/* Enqueues inside a write transaction and commits, as a feature does. */
/* Rows are stamped with the real time (next_at): the test clock must not run behind them,
 * or a second ticking between the setup and an enqueue would leave them not yet due. */
static void clock_catch_up(void)
{
    int64_t t = (int64_t)time(NULL);
    if (t > fake_now) fake_now = t;
}

static int enqueue_committed(fixture *fx, const notify_msg *m)
{
    db *d = db_acquire(fx->pool);
    err e = {0};
    assert_int_equal(db_begin_write(d), DB_DONE);
    int n = notify_enqueue(d, m, &e);
    if (n < 0) db_rollback(d);
    else assert_int_equal(db_commit(d), DB_DONE);
    db_release(fx->pool, d);
    clock_catch_up();
    return n;
}

typedef struct {
    char status[16], channel[8], recipient[128], last_error[400];
    int64_t attempts, next_at, sent_at, dossier_id;
    char *subject, *body;   /* in the fixture's arena */
} row;

static row get_row(fixture *fx, const char *channel)
{
    row r = {0};
    db *d = db_acquire(fx->pool);
    db_stmt *s = db_prepare(d, "SELECT status, channel, recipient, last_error, attempts, next_at, sent_at, subject, "
                               "body, dossier_id FROM outbox WHERE channel = ? ORDER BY id DESC LIMIT 1");
    db_bind_text(s, 1, channel);
    if (db_step(s) == DB_ROW) {
        snprintf(r.status, sizeof r.status, "%s", db_col_text(s, 0));
        snprintf(r.channel, sizeof r.channel, "%s", db_col_text(s, 1));
        snprintf(r.recipient, sizeof r.recipient, "%s", db_col_text(s, 2));
        snprintf(r.last_error, sizeof r.last_error, "%s", db_col_text(s, 3));
        r.attempts = db_col_int(s, 4);
        r.next_at = db_col_int(s, 5);
        r.sent_at = db_col_null(s, 6) ? 0 : db_col_int(s, 6);
        r.subject = arena_strdup(fx->a, db_col_text(s, 7));
        r.body = arena_strdup(fx->a, db_col_text(s, 8));
        r.dossier_id = db_col_int(s, 9);
    }
    db_done(s);
    db_release(fx->pool, d);
    return r;
}

static int64_t count_rows(fixture *fx, const char *where)
{
    db *d = db_acquire(fx->pool);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", where);
    db_stmt *s = db_prepare(d, sql);
    int64_t n = s && db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    db_release(fx->pool, d);
    return n;
}

static char url_buf[4][64];
static const char *smtp_url(int port)
{
    snprintf(url_buf[0], sizeof url_buf[0], "smtp://127.0.0.1:%d", port);
    return url_buf[0];
}
static const char *gw_url(int port, const char *path, int slot)
{
    snprintf(url_buf[slot], sizeof url_buf[slot], "http://127.0.0.1:%d%s", port, path);
    return url_buf[slot];
}

/* A loopback port with nobody listening (a server that is down). */
static int dead_port(void)
{
    smtp_server *s = smtp_start(0);
    int port = s->port;
    smtp_stop(s);
    return port;
}

static const char *FROM = "UBND phường Phan Đình Phùng <mot-cua@phandinhphung.example.vn>";

/* ---- pure parts -------------------------------------------------------------------------- */

static void substitution_and_its_check(void **state)
{
    fixture *fx = *state;
    const char *v[NOTIFY_NVARS] = {[NV_CODE] = "H56-1", [NV_NAME] = "Lê Thị Bình", [NV_DUE] = NULL};
    assert_string_equal(notify_subst(fx->a, "Hồ sơ {{code}} của {{ name }}, hẹn {{due}}.", v),
                        "Hồ sơ H56-1 của Lê Thị Bình, hẹn .");
    /* what is not a placeholder of ours is copied as written */
    assert_string_equal(notify_subst(fx->a, "{{ho_ten}} {code} {{code} {{{code}}}", v), "{{ho_ten}} {code} {{code} {H56-1}");
    /* values are not substituted again */
    const char *v2[NOTIFY_NVARS] = {[NV_CODE] = "{{secret}}", [NV_SECRET] = "XYZ"};
    assert_string_equal(notify_subst(fx->a, "{{code}}", v2), "{{secret}}");

    const char *bad = NULL;
    assert_int_equal(notify_subst_check(fx->a, "Hồ sơ {{code}} – {{ procedure }} {{new_due}} }}", &bad), 0);
    assert_null(bad);
    assert_int_equal(notify_subst_check(fx->a, "Kính gửi {{ho_ten}}, hồ sơ {{code}}", &bad), -1);
    assert_string_equal(bad, "{{ho_ten}}");
    assert_int_equal(notify_subst_check(fx->a, "Hồ sơ {{code", &bad), -1);
    assert_string_equal(bad, "{{code");
    assert_int_equal(notify_subst_check(fx->a, "{{Code}}", &bad), -1);
    assert_string_equal(bad, "{{Code}}");   /* an upper-case letter is no name */
    assert_int_equal(notify_subst_check(fx->a, "{{{code}}}", &bad), -1);
}

static void addresses_phones_and_unaccented_text(void **state)
{
    fixture *fx = *state;
    assert_true(notify_email_ok("nguyen.van.an@gmail.com"));
    assert_false(notify_email_ok("an@localhost"));
    assert_false(notify_email_ok("an @gmail.com"));
    assert_false(notify_email_ok("an@gmail.com\r\nBcc: x@y.z"));
    assert_false(notify_email_ok("a@b@c.vn"));
    assert_false(notify_email_ok("<a@b.vn>"));
    assert_string_equal(notify_phone_normalize(fx->a, "0912 345 678"), "0912345678");
    assert_string_equal(notify_phone_normalize(fx->a, "+84 (912) 345-678"), "+84912345678");
    assert_null(notify_phone_normalize(fx->a, "0912"));
    assert_null(notify_phone_normalize(fx->a, "09123a5678"));
    assert_null(notify_phone_normalize(fx->a, "09+12345678"));
    assert_string_equal(notify_unaccent(fx->a, "ĐĂNG KÝ khai sinh – Phường Phan Đình Phùng, Nguyễn Thị Ánh"),
                        "DANG KY khai sinh – Phuong Phan Dinh Phung, Nguyen Thi Anh");
    const char *name, *addr;
    assert_true(notify_mailbox_split(fx->a, FROM, &name, &addr));
    assert_string_equal(name, "UBND phường Phan Đình Phùng");
    assert_string_equal(addr, "mot-cua@phandinhphung.example.vn");
    assert_true(notify_mailbox_split(fx->a, "\"Mot cua\" <a@b.vn>", &name, &addr));
    assert_string_equal(name, "Mot cua");
    assert_false(notify_mailbox_split(fx->a, "Mot cua <a@b.vn> x", &name, &addr));
}

static void the_mail_is_well_formed(void **state)
{
    fixture *fx = *state;
    const char *subject = "Thông báo về hồ sơ đăng ký khai sinh, kết hôn, thường trú và tạm trú của ông Nguyễn "
                          "Văn An – mã " CODE;
    notify_mail m = {.from = FROM, .to = "an@example.vn", .subject = subject, .body = "Dòng một\nDòng hai\n.\n",
                     .date = 1767754800 /* 2026-01-07 03:00 UTC */, .message_id = "<tt.1.ab@example.vn>"};
    const char *msg = notify_mail_build(fx->a, &m);
    assert_non_null(msg);
    /* header lines never longer than 76, all 7-bit */
    const char *head_end = strstr(msg, "\r\n\r\n");
    for (const char *p = msg; p < head_end;) {
        const char *eol = strstr(p, "\r\n");
        assert_true(eol - p <= 76);
        for (const char *q = p; q < eol; q++) assert_true((unsigned char)*q >= 0x20 && (unsigned char)*q < 0x7f);
        p = eol + 2;
    }
    char *subj = mime_header(msg, "Subject");
    char *decoded = mime_decode_words(subj);
    assert_string_equal(decoded, subject);
    g_free(decoded);
    g_free(subj);
    char *from = mime_header(msg, "From");
    decoded = mime_decode_words(from);
    assert_string_equal(decoded, "UBND phường Phan Đình Phùng <mot-cua@phandinhphung.example.vn>");
    g_free(decoded);
    g_free(from);
    char *h = mime_header(msg, "Date");
    assert_string_equal(h, "Wed, 07 Jan 2026 10:00:00 +0700");
    g_free(h);
    h = mime_header(msg, "Content-Type");
    assert_string_equal(h, "text/plain; charset=UTF-8");
    g_free(h);
    h = mime_header(msg, "Message-ID");
    assert_string_equal(h, "<tt.1.ab@example.vn>");
    g_free(h);
    char *body = mime_body(msg);
    assert_string_equal(body, "Dòng một\r\nDòng hai\r\n.\r\n");
    g_free(body);
    /* a bad recipient makes no message at all (no header injection) */
    m.to = "an@example.vn\r\nBcc: all@example.vn";
    assert_null(notify_mail_build(fx->a, &m));
}

/* ---- queueing ------------------------------------------------------------------------------ */

static void enqueue_renders_one_row_per_channel(void **state)
{
    fixture *fx = *state;
    notify_msg m = receipt(fx->commune, " an@example.vn ", "0912 345 678", true);
    assert_int_equal(enqueue_committed(fx, &m), 3);
    row email = get_row(fx, "email"), sms = get_row(fx, "sms"), zalo = get_row(fx, "zalo");
    assert_string_equal(email.status, "pending");
    assert_string_equal(email.recipient, "an@example.vn");
    assert_int_equal(email.dossier_id, 42);
    assert_string_equal(email.subject, "Đã tiếp nhận hồ sơ " CODE);
    assert_non_null(strstr(email.body, "Kính gửi ông/bà Nguyễn Văn An,"));
    assert_non_null(strstr(email.body, "UBND phường Phan Đình Phùng đã tiếp nhận hồ sơ"));
    assert_non_null(strstr(email.body, "mã bí mật " SECRET));
    assert_null(strstr(email.body, "{{"));
    assert_string_equal(sms.recipient, "0912345678");
    assert_string_equal(sms.body, "UBND phường Phan Đình Phùng đã nhận hồ sơ " CODE ", hẹn trả 12/01/2026. Tra cứu "
                                  "https://dichvu.example.vn/tra-cuu mã " SECRET);
    assert_string_equal(zalo.body, sms.body);
    assert_int_equal(email.attempts, 0);

    /* no phone: e-mail only; no Zalo unless asked */
    m = receipt(fx->commune, "an@example.vn", NULL, true);
    assert_int_equal(enqueue_committed(fx, &m), 1);
    m = receipt(fx->commune, "", "0912345678", false);
    assert_int_equal(enqueue_committed(fx, &m), 1);
    assert_int_equal(count_rows(fx, "outbox"), 5);
    assert_int_equal(count_rows(fx, "outbox WHERE channel = 'zalo'"), 1);

    /* bad input is refused and nothing is queued */
    err e = {0};
    db *d = db_acquire(fx->pool);
    m = receipt(fx->commune, "an@", NULL, false);
    assert_int_equal(notify_enqueue(d, &m, &e), -1);
    assert_int_equal(e.status, 400);
    m = receipt(fx->commune, NULL, "12ab", false);
    assert_int_equal(notify_enqueue(d, &m, &e), -1);
    m = receipt(fx->commune, "an@example.vn", NULL, false);
    m.event = "birthday";
    assert_int_equal(notify_enqueue(d, &m, &e), -1);
    db_release(fx->pool, d);
    assert_int_equal(count_rows(fx, "outbox"), 5);
}

static void a_rolled_back_transaction_leaves_no_row(void **state)
{
    fixture *fx = *state;
    db *d = db_acquire(fx->pool);
    err e = {0};
    assert_int_equal(db_begin_write(d), DB_DONE);
    notify_msg m = receipt(fx->commune, "an@example.vn", "0912345678", true);
    assert_int_equal(notify_enqueue(d, &m, &e), 3);
    db_rollback(d);
    db_release(fx->pool, d);
    assert_int_equal(count_rows(fx, "outbox"), 0);
}

/* ---- delivery ------------------------------------------------------------------------------ */

static void receipt_is_mailed_through_smtp(void **state)
{
    fixture *fx = *state;
    smtp_server *srv = smtp_start(0);
    srv->offer_auth = true;
    notify_msg m = receipt(fx->commune, "an@example.vn", NULL, false);
    assert_int_equal(enqueue_committed(fx, &m), 1);
    notify_config cfg = {.smtp_url = smtp_url(srv->port), .mail_from = FROM, .smtp_user = "motcua",
                         .smtp_password = "mật-khẩu-thư", .clock = test_clock};
    assert_int_equal(notify_run_once(fx->pool, &cfg), 1);
    assert_int_equal(smtp_count(srv), 1);
    smtp_mail *mail = &srv->mails[0];
    assert_string_equal(mail->from, "mot-cua@phandinhphung.example.vn");
    assert_int_equal(mail->nrcpt, 1);
    assert_string_equal(mail->rcpt[0], "an@example.vn");
    assert_string_equal(mail->user, "motcua");
    assert_string_equal(mail->pass, "mật-khẩu-thư");
    char *h = mime_header(mail->data, "To");
    assert_string_equal(h, "an@example.vn");
    g_free(h);
    h = mime_header(mail->data, "From");
    char *from = mime_decode_words(h);
    assert_string_equal(from, FROM);
    g_free(from);
    g_free(h);
    h = mime_header(mail->data, "Subject");
    char *subject = mime_decode_words(h);
    assert_string_equal(subject, "Đã tiếp nhận hồ sơ " CODE);
    g_free(subject);
    g_free(h);
    h = mime_header(mail->data, "Message-ID");
    assert_non_null(h);
    assert_non_null(strstr(h, "@phandinhphung.example.vn>"));
    g_free(h);
    h = mime_header(mail->data, "Date");
    assert_non_null(h);
    assert_non_null(strstr(h, " +0700"));
    g_free(h);
    char *body = mime_body(mail->data);
    assert_non_null(strstr(body, "Mã hồ sơ: " CODE "\r\n"));
    assert_non_null(strstr(body, "mã bí mật " SECRET));
    g_free(body);
    row r = get_row(fx, "email");
    assert_string_equal(r.status, "sent");
    assert_int_equal(r.attempts, 1);
    assert_int_equal(r.sent_at, fake_now);
    assert_string_equal(r.last_error, "");
    /* nothing is sent twice */
    assert_int_equal(notify_run_once(fx->pool, &cfg), 0);
    assert_int_equal(smtp_count(srv), 1);
    smtp_stop(srv);
}

static void sms_and_zalo_are_posted_to_the_gateway(void **state)
{
    fixture *fx = *state;
    gateway *gw = gw_start();
    assert_non_null(gw);
    notify_msg m = receipt(fx->commune, NULL, "0912 345 678", true);
    assert_int_equal(enqueue_committed(fx, &m), 2);
    notify_config cfg = {.sms_url = gw_url(gw->port, "/sms", 1), .zalo_url = gw_url(gw->port, "/zalo", 2),
                         .gateway_key = "khoa-thu-nghiem", .clock = test_clock};
    assert_int_equal(notify_run_once(fx->pool, &cfg), 2);
    assert_int_equal(gw_count(gw), 2);
    for (int i = 0; i < 2; i++) {
        gw_request *rq = &gw->reqs[i];
        assert_string_equal(rq->method, "POST");
        assert_string_equal(rq->auth, "Bearer khoa-thu-nghiem");
        assert_non_null(strstr(rq->content_type, "application/json"));
        json_t *j = json_loads(rq->body, 0, NULL);
        assert_non_null(j);
        const char *channel = json_string_value(json_object_get(j, "channel"));
        assert_string_equal(rq->path, !strcmp(channel, "sms") ? "/sms" : "/zalo");
        assert_string_equal(json_string_value(json_object_get(j, "to")), "0912345678");
        assert_non_null(strstr(json_string_value(json_object_get(j, "text")), "đã nhận hồ sơ " CODE));
        assert_true(json_integer_value(json_object_get(j, "id")) > 0);
        json_decref(j);
    }
    assert_string_equal(get_row(fx, "sms").status, "sent");
    assert_string_equal(get_row(fx, "zalo").status, "sent");
    gw_stop(gw);
}

/* Both servers fail; the rows wait with their attempts counted and next_at pushed back by
 * backoff * 2^(attempts-1); they go out once the servers answer again. */
static void failures_back_off_then_deliver(void **state)
{
    fixture *fx = *state;
    int port = dead_port();
    gateway *gw = gw_start();
    gw->fail_next = 2;
    gw->fail_status = 500;
    notify_msg m = receipt(fx->commune, "an@example.vn", "0912345678", false);
    assert_int_equal(enqueue_committed(fx, &m), 2);
    notify_config cfg = {.smtp_url = smtp_url(port), .mail_from = FROM, .sms_url = gw_url(gw->port, "/sms", 1),
                         .gateway_key = "k", .backoff_seconds = 30, .max_attempts = 5, .clock = test_clock};
    int64_t t0 = fake_now;
    assert_int_equal(notify_run_once(fx->pool, &cfg), 2);
    row email = get_row(fx, "email"), sms = get_row(fx, "sms");
    assert_string_equal(email.status, "pending");
    assert_int_equal(email.attempts, 1);
    assert_int_equal(email.next_at, t0 + 30);
    assert_non_null(strstr(email.last_error, "Máy chủ thư"));
    assert_string_equal(sms.status, "pending");
    assert_int_equal(sms.attempts, 1);
    assert_int_equal(sms.next_at, t0 + 30);
    assert_non_null(strstr(sms.last_error, "HTTP 500"));

    /* not due yet: nothing is tried */
    fake_now = t0 + 29;
    assert_int_equal(notify_run_once(fx->pool, &cfg), 0);
    assert_int_equal(gw_count(gw), 1);

    /* second attempt: both fail again, the wait doubles */
    fake_now = t0 + 30;
    assert_int_equal(notify_run_once(fx->pool, &cfg), 2);
    email = get_row(fx, "email");
    sms = get_row(fx, "sms");
    assert_int_equal(email.attempts, 2);
    assert_int_equal(email.next_at, t0 + 30 + 60);
    assert_int_equal(sms.attempts, 2);
    assert_int_equal(sms.next_at, t0 + 30 + 60);

    /* the mail server comes back on its port, the gateway stops failing */
    smtp_server *srv = smtp_start(port);
    assert_non_null(srv);
    fake_now = t0 + 90;
    assert_int_equal(notify_run_once(fx->pool, &cfg), 2);
    email = get_row(fx, "email");
    sms = get_row(fx, "sms");
    assert_string_equal(email.status, "sent");
    assert_int_equal(email.attempts, 3);
    assert_string_equal(email.last_error, "");
    assert_string_equal(sms.status, "sent");
    assert_int_equal(smtp_count(srv), 1);
    assert_int_equal(gw_count(gw), 3);
    smtp_stop(srv);
    gw_stop(gw);
}

static void gives_up_after_max_attempts(void **state)
{
    fixture *fx = *state;
    gateway *gw = gw_start();
    gw->always_status = 503;
    smtp_server *srv = smtp_start(0);
    srv->fail_mail_from = 100;   /* 451 every time: temporary, so retried */
    notify_msg m = receipt(fx->commune, "an@example.vn", "0912345678", false);
    assert_int_equal(enqueue_committed(fx, &m), 2);
    notify_config cfg = {.smtp_url = smtp_url(srv->port), .mail_from = FROM, .sms_url = gw_url(gw->port, "/", 1),
                         .backoff_seconds = 10, .max_attempts = 3, .clock = test_clock};
    int64_t t0 = fake_now;
    int64_t when[] = {t0, t0 + 10, t0 + 30};   /* 10, then 20 */
    for (int i = 0; i < 3; i++) {
        fake_now = when[i];
        assert_int_equal(notify_run_once(fx->pool, &cfg), 2);
    }
    row email = get_row(fx, "email"), sms = get_row(fx, "sms");
    assert_string_equal(sms.status, "failed");
    assert_int_equal(sms.attempts, 3);
    assert_non_null(strstr(sms.last_error, "HTTP 503"));
    assert_string_equal(email.status, "failed");
    assert_int_equal(email.attempts, 3);
    assert_non_null(strstr(email.last_error, "451"));
    fake_now = t0 + 100000;
    assert_int_equal(notify_run_once(fx->pool, &cfg), 0);   /* failed for good */
    assert_int_equal(gw_count(gw), 3);

    /* a refusal of the request itself (4xx, SMTP 5xx) is not tried again */
    gw->always_status = 400;
    srv->fail_mail_from = 0;
    srv->rcpt_code = 550;
    assert_int_equal(enqueue_committed(fx, &m), 2);
    assert_int_equal(notify_run_once(fx->pool, &cfg), 2);
    email = get_row(fx, "email");
    sms = get_row(fx, "sms");
    assert_string_equal(sms.status, "failed");
    assert_int_equal(sms.attempts, 1);
    assert_non_null(strstr(sms.last_error, "HTTP 400"));
    assert_string_equal(email.status, "failed");
    assert_int_equal(email.attempts, 1);
    assert_non_null(strstr(email.last_error, "550"));
    smtp_stop(srv);
    gw_stop(gw);
}

/* Nothing is lost when the server stops: the queue is in the database file. */
static void rows_survive_closing_the_database(void **state)
{
    fixture *fx = *state;
    notify_msg m = receipt(fx->commune, "an@example.vn", NULL, false);
    assert_int_equal(enqueue_committed(fx, &m), 1);
    db_pool_close(fx->pool);
    err e = {0};
    fx->pool = db_pool_open(fx->path, 1, &e);
    assert_non_null(fx->pool);
    smtp_server *srv = smtp_start(0);
    notify_config cfg = {.smtp_url = smtp_url(srv->port), .mail_from = FROM, .clock = test_clock};
    assert_int_equal(notify_run_once(fx->pool, &cfg), 1);
    assert_int_equal(smtp_count(srv), 1);
    char *body = mime_body(srv->mails[0].data);
    assert_non_null(strstr(body, CODE));
    g_free(body);
    assert_string_equal(get_row(fx, "email").status, "sent");
    smtp_stop(srv);
}

/* The sender's claim and its record of the outcome are writes through db_write(): on a pool
 * they go to the pool's writer (and are counted there), two short writes with the delivery
 * between them; staff's retry too. */
static void the_outbox_writes_through_the_pools_writer(void **state)
{
    fixture *fx = *state;
    notify_msg m = receipt(fx->commune, NULL, "0912345678", false);
    assert_int_equal(enqueue_committed(fx, &m), 1);
    gateway *gw = gw_start();
    gw->fail_next = 1;
    gw->fail_status = 400;   /* final: the row fails at once */
    notify_config cfg = {.sms_url = gw_url(gw->port, "/sms", 1), .clock = test_clock};
    db_write_stats before, after;
    db_pool_write_stats(fx->pool, &before);
    assert_int_equal(notify_run_once(fx->pool, &cfg), 1);
    db_pool_write_stats(fx->pool, &after);
    /* the claim, the record, and the claim that finds nothing left */
    assert_int_equal(after.writes - before.writes, 3);
    assert_string_equal(get_row(fx, "sms").status, "failed");

    db *d = db_acquire(fx->pool);
    db_stmt *s = db_prepare(d, "SELECT id FROM outbox WHERE channel = 'sms'");
    assert_int_equal(db_step(s), DB_ROW);
    int64_t id = db_col_int(s, 0);
    db_done(s);
    err e = {0};
    assert_int_equal(notify_retry(d, id, 0, &e), 0);
    db_release(fx->pool, d);
    db_pool_write_stats(fx->pool, &before);
    assert_int_equal(before.writes - after.writes, 1);
    assert_string_equal(get_row(fx, "sms").status, "pending");
    gw_stop(gw);
}

/* A channel without an endpoint is skipped, and staff can send the row again. */
static void unconfigured_channel_is_skipped_and_retried(void **state)
{
    fixture *fx = *state;
    notify_msg m = receipt(fx->commune, NULL, "0912345678", true);
    assert_int_equal(enqueue_committed(fx, &m), 2);
    gateway *gw = gw_start();
    notify_config cfg = {.sms_url = gw_url(gw->port, "/sms", 1), .clock = test_clock};
    assert_int_equal(notify_run_once(fx->pool, &cfg), 2);
    row zalo = get_row(fx, "zalo");
    assert_string_equal(zalo.status, "skipped");
    assert_int_equal(zalo.attempts, 0);
    assert_non_null(strstr(zalo.last_error, "--zalo-url"));
    assert_string_equal(get_row(fx, "sms").status, "sent");

    db *d = db_acquire(fx->pool);
    db_stmt *s = db_prepare(d, "SELECT id FROM outbox WHERE channel = 'zalo'");
    assert_int_equal(db_step(s), DB_ROW);
    int64_t zid = db_col_int(s, 0);
    db_done(s);
    s = db_prepare(d, "SELECT id FROM outbox WHERE channel = 'sms'");
    assert_int_equal(db_step(s), DB_ROW);
    int64_t sid = db_col_int(s, 0);
    db_done(s);
    err e = {0};
    assert_int_equal(notify_outbox_unit(d, zid), fx->commune);
    assert_int_equal(notify_retry(d, sid, 0, &e), -1);   /* a sent row is not sent again */
    assert_int_equal(e.status, 409);
    assert_int_equal(notify_retry(d, 999999, 0, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(notify_retry(d, zid, 0, &e), 0);
    db_release(fx->pool, d);
    clock_catch_up();
    assert_int_equal(count_rows(fx, "audit_log WHERE action = 'notify.retry' AND entity = 'outbox'"), 1);
    zalo = get_row(fx, "zalo");
    assert_string_equal(zalo.status, "pending");

    cfg.zalo_url = gw_url(gw->port, "/zalo", 2);
    assert_int_equal(notify_run_once(fx->pool, &cfg), 1);
    assert_string_equal(get_row(fx, "zalo").status, "sent");
    assert_int_equal(gw_count(gw), 2);
    assert_string_equal(gw->reqs[1].path, "/zalo");
    gw_stop(gw);
}

/* ---- templates ------------------------------------------------------------------------------- */

static void templates_are_checked_inherited_and_audited(void **state)
{
    fixture *fx = *state;
    db *d = db_acquire(fx->pool);
    err e = {0};
    const char *bad = NULL;
    notify_template t;
    assert_int_equal(notify_template_get(d, fx->a, fx->commune, "apology", "sms", &t), 0);
    assert_string_equal(t.source, "default");
    assert_non_null(strstr(t.body, "{{new_due}}"));
    /* the desk's due-soon warning names the apology of the forms in force (TT 03/2025), not the
     * 2018 "Phiếu xin lỗi" */
    assert_int_equal(notify_template_get(d, fx->a, fx->commune, "due_soon", "email", &t), 0);
    assert_non_null(strstr(t.body, "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"));
    assert_null(strstr(t.body, "Phiếu xin lỗi"));
    assert_int_equal(notify_template_get(d, fx->a, fx->commune, "due_soon", "sms", &t), 0);
    assert_null(strstr(t.body, "Phiếu xin lỗi"));

    /* unknown variables are refused, with the allowed ones named */
    assert_int_equal(notify_template_save(d, fx->a, fx->commune, "receipt", "email", "Hồ sơ {{ma_ho_so}}",
                                          "Kính gửi {{name}}", 0, &bad, &e),
                     -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(bad, "{{ma_ho_so}}");
    assert_string_equal(e.field, "subject");
    assert_non_null(strstr(e.user, "{{code}} (mã hồ sơ)"));
    assert_non_null(strstr(e.user, "{{link}}"));
    assert_int_equal(notify_template_save(d, fx->a, fx->commune, "receipt", "email", "", "Kính gửi", 0, &bad, &e), -1);
    assert_string_equal(e.field, "subject");
    assert_int_equal(notify_template_save(d, fx->a, fx->commune, "receipt", "fax", "", "x", 0, &bad, &e), -1);

    /* the province words an SMS without diacritics for every commune below it */
    assert_int_equal(notify_template_save(d, fx->a, fx->province, "receipt", "sms", "",
                                          "{{unit}} da nhan ho so {{code}} ({{procedure}}), hen tra {{due}}.", 0, &bad, &e),
                     0);
    assert_int_equal(notify_template_get(d, fx->a, fx->commune2, "receipt", "sms", &t), 0);
    assert_string_equal(t.source, "parent");
    assert_int_equal(t.from_unit, fx->province);
    /* the commune's own wording wins over the province's */
    assert_int_equal(notify_template_save(d, fx->a, fx->commune, "receipt", "sms", "ignored",
                                          "Phường đã nhận hồ sơ {{code}}.", 0, &bad, &e),
                     0);
    assert_int_equal(notify_template_get(d, fx->a, fx->commune, "receipt", "sms", &t), 0);
    assert_string_equal(t.source, "unit");
    assert_string_equal(t.subject, "");
    db_release(fx->pool, d);
    assert_int_equal(count_rows(fx, "audit_log WHERE action = 'notify.template.save'"), 2);

    notify_msg m = receipt(fx->commune2, NULL, "0912345678", false);
    assert_int_equal(enqueue_committed(fx, &m), 1);
    /* unaccented template: the values lose their marks too, so the SMS stays 7-bit */
    assert_string_equal(get_row(fx, "sms").body,
                        "UBND xa Phu Dinh da nhan ho so " CODE " (Dang ky khai sinh), hen tra 12/01/2026.");
    m = receipt(fx->commune, NULL, "0912345678", false);
    assert_int_equal(enqueue_committed(fx, &m), 1);
    assert_string_equal(get_row(fx, "sms").body, "Phường đã nhận hồ sơ " CODE ".");

    /* an empty body goes back to the inherited text */
    d = db_acquire(fx->pool);
    assert_int_equal(notify_template_save(d, fx->a, fx->commune, "receipt", "sms", "", "  ", 0, &bad, &e), 0);
    assert_int_equal(notify_template_get(d, fx->a, fx->commune, "receipt", "sms", &t), 0);
    assert_string_equal(t.source, "parent");
    db_release(fx->pool, d);
    assert_int_equal(count_rows(fx, "audit_log WHERE action = 'notify.template.reset'"), 1);
    assert_int_equal(count_rows(fx, "notify_templates"), 1);
}


/* ---- what an SMS costs ----------------------------------------------------------------------- */

static char *repeat(fixture *fx, const char *unit, int n)
{
    buf b;
    buf_init(&b, fx->a);
    buf_add(&b, "", 0);
    for (int i = 0; i < n; i++) buf_puts(&b, unit);
    return (char *)buf_cstr(&b);
}

static void sms_parts_are_counted_as_operators_do(void **state)
{
    fixture *fx = *state;
    text_sms p = text_sms_parts("");
    assert_int_equal(p.parts, 0);
    /* GSM-7: 160 in one message, 153 a part of a longer one */
    struct { const char *unit; int n, parts, units; bool unicode; } cases[] = {
        {"a", 160, 1, 160, false}, {"a", 161, 2, 161, false}, {"a", 306, 2, 306, false}, {"a", 307, 3, 307, false},
        {"[", 80, 1, 160, false},  {"[", 81, 2, 162, false},  /* the extension table takes two septets */
        {"é", 160, 1, 160, false}, /* in the GSM alphabet */
        {"ă", 70, 1, 70, true},    {"ă", 71, 2, 71, true},    {"ă", 134, 2, 134, true}, {"ă", 135, 3, 135, true},
        {"`", 70, 1, 70, true},    /* not in GSM-7: the whole message is UCS-2 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        p = text_sms_parts(repeat(fx, cases[i].unit, cases[i].n));
        assert_int_equal(p.parts, cases[i].parts);
        assert_int_equal(p.units, cases[i].units);
        assert_int_equal(p.unicode, cases[i].unicode);
    }
    p = text_sms_parts("😀");   /* outside the BMP: two UTF-16 units */
    assert_int_equal(p.units, 2);
    assert_true(p.unicode);
}

static void sms_fold_is_clean_gsm7(void **state)
{
    fixture *fx = *state;
    const char *folded = text_gsm7(fx->a, "ĐẶNG Thị Ánh – “Đường” số 5… đã nhận\thồ sơ ư ơ ă â ê ô ‘A’ 中 €");
    assert_string_equal(folded, "DANG Thi Anh - \"Duong\" so 5... da nhan ho so u o a a e o 'A' ? €");
    assert_false(text_sms_parts(folded).unicode);
    /* the old unaccenting kept the dash, which made the whole SMS Unicode again */
    assert_true(text_sms_parts(notify_unaccent(fx->a, "Phường – Xã")).unicode);
    assert_false(text_sms_parts(text_gsm7(fx->a, "Phường – Xã")).unicode);
    /* NFD input (Unikey's "Unicode tổ hợp") folds the same */
    assert_string_equal(text_gsm7(fx->a, "Đa\xcc\x86ng"), "Dang");
}

/* The issue: a receipt with diacritics is several UCS-2 parts; a unit that chooses SMS
 * without diacritics (its communes inherit the choice) sends one GSM-7 part. */
static void unit_chooses_sms_without_diacritics(void **state)
{
    fixture *fx = *state;
    notify_msg m = receipt(fx->commune2, NULL, "0912345678", true);
    assert_int_equal(enqueue_committed(fx, &m), 2);
    text_sms before = text_sms_parts(get_row(fx, "sms").body);
    assert_true(before.unicode);
    assert_true(before.parts >= 2);
    db *d = db_acquire(fx->pool);
    assert_false(notify_sms_plain(d, fx->commune2));
    text_sms preview = notify_sms_preview(d, fx->a, fx->commune2, "{{unit}} đã nhận hồ sơ {{code}}");
    assert_true(preview.unicode);
    err e = {0};
    assert_int_equal(notify_sms_plain_save(d, fx->province, true, 0, &e), 0);
    assert_true(notify_sms_plain(d, fx->commune2));   /* inherited */
    preview = notify_sms_preview(d, fx->a, fx->commune2, "{{unit}} đã nhận hồ sơ {{code}}");
    assert_false(preview.unicode);
    assert_int_equal(preview.parts, 1);
    db_release(fx->pool, d);
    assert_int_equal(count_rows(fx, "audit_log WHERE action = 'notify.sms_plain'"), 1);
    assert_int_equal(enqueue_committed(fx, &m), 2);
    const char *body = get_row(fx, "sms").body;
    assert_string_equal(body, "UBND xa Phu Dinh da nhan ho so " CODE ", hen tra 12/01/2026. Tra cuu "
                              "https://dichvu.example.vn/tra-cuu ma " SECRET);
    text_sms after = text_sms_parts(body);
    assert_false(after.unicode);
    assert_int_equal(after.parts, 1);
    assert_non_null(strstr(get_row(fx, "zalo").body, "Phú Đình"));   /* Zalo is not charged per part */
    /* a commune may choose otherwise than its province */
    d = db_acquire(fx->pool);
    assert_int_equal(notify_sms_plain_save(d, fx->commune2, false, 0, &e), 0);
    assert_false(notify_sms_plain(d, fx->commune2));
    assert_true(notify_sms_plain(d, fx->commune));
    db_release(fx->pool, d);
}

/* ---- the sender thread ------------------------------------------------------------------------ */

static void sender_thread_wakes_and_stops_at_once(void **state)
{
    fixture *fx = *state;
    smtp_server *srv = smtp_start(0);
    /* an hour between polls: only notify_wake can make it send within the test */
    notify_config cfg = {.smtp_url = smtp_url(srv->port), .mail_from = FROM, .poll_seconds = 3600};
    err e = {0};
    assert_int_equal(notify_start(fx->pool, &cfg, &e), 0);
    assert_int_equal(notify_start(fx->pool, &cfg, &e), -1);   /* one sender */
    usleep(200 * 1000);   /* its first pass finds nothing */
    notify_msg m = receipt(fx->commune, "an@example.vn", NULL, false);
    assert_int_equal(enqueue_committed(fx, &m), 1);
    notify_wake();
    for (int i = 0; i < 100 && strcmp(get_row(fx, "email").status, "sent"); i++) usleep(50 * 1000);
    assert_string_equal(get_row(fx, "email").status, "sent");
    assert_int_equal(smtp_count(srv), 1);
    /* serve starts the sender before it blocks SIGTERM for its sigwait(): the sender must
     * block it itself, or a SIGTERM could land on it and kill the server uncleanly. With
     * this thread blocking it, only the sender could take it. */
    sigset_t term, old;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, &old);
    kill(getpid(), SIGTERM);
    int sig = 0;
    assert_int_equal(sigwait(&term, &sig), 0);
    assert_int_equal(sig, SIGTERM);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    notify_stop();   /* returns although the next poll is an hour away */
    notify_stop();   /* twice is harmless */
    smtp_stop(srv);
}

static void config_is_checked(void **state)
{
    (void)state;
    err e = {0};
    notify_config ok = {.smtp_url = "smtps://mail.example.vn:465", .mail_from = FROM, .sms_url = "https://sms.example.vn/send"};
    assert_int_equal(notify_config_check(&ok, &e), 0);
    assert_true(notify_configured(&ok));
    notify_config none = {.poll_seconds = 5};
    assert_false(notify_configured(&none));
    notify_config c = ok;
    c.smtp_url = "http://mail.example.vn";
    assert_int_equal(notify_config_check(&c, &e), -1);
    c = ok;
    c.mail_from = "không phải địa chỉ";
    assert_int_equal(notify_config_check(&c, &e), -1);
    c = ok;
    c.sms_url = "ftp://x";
    assert_int_equal(notify_config_check(&c, &e), -1);
    c = ok;
    c.smtp_password = "secret";
    assert_int_equal(notify_config_check(&c, &e), -1);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(substitution_and_its_check, setup, teardown),
        cmocka_unit_test_setup_teardown(addresses_phones_and_unaccented_text, setup, teardown),
        cmocka_unit_test_setup_teardown(the_mail_is_well_formed, setup, teardown),
        cmocka_unit_test_setup_teardown(enqueue_renders_one_row_per_channel, setup, teardown),
        cmocka_unit_test_setup_teardown(a_rolled_back_transaction_leaves_no_row, setup, teardown),
        cmocka_unit_test_setup_teardown(receipt_is_mailed_through_smtp, setup, teardown),
        cmocka_unit_test_setup_teardown(sms_and_zalo_are_posted_to_the_gateway, setup, teardown),
        cmocka_unit_test_setup_teardown(failures_back_off_then_deliver, setup, teardown),
        cmocka_unit_test_setup_teardown(gives_up_after_max_attempts, setup, teardown),
        cmocka_unit_test_setup_teardown(rows_survive_closing_the_database, setup, teardown),
        cmocka_unit_test_setup_teardown(the_outbox_writes_through_the_pools_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(unconfigured_channel_is_skipped_and_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(templates_are_checked_inherited_and_audited, setup, teardown),
        cmocka_unit_test_setup_teardown(sms_parts_are_counted_as_operators_do, setup, teardown),
        cmocka_unit_test_setup_teardown(sms_fold_is_clean_gsm7, setup, teardown),
        cmocka_unit_test_setup_teardown(unit_chooses_sms_without_diacritics, setup, teardown),
        cmocka_unit_test_setup_teardown(sender_thread_wakes_and_stops_at_once, setup, teardown),
        cmocka_unit_test(config_is_checked),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
