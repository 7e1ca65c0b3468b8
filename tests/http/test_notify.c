/* test_notify.c -- the outbox of SMS, Zalo and e-mail messages: its page, and the SMS
 * templates' parts and a unit sending without diacritics (src/notify). */
#include "harness.h"

/* The outbox page (src/notify): the unit's own staff see messages and errors, send a failed
 * one again (audited), and only a leader edits the templates, unknown variables refused;
 * another commune's officer is kept out, and an administrator above sees masked recipients.
 * Then `thanthien notify --once` tries the row again against a gateway that is down. */
static int64_t notify_sql(const char *sql)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(dbpath, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    int rc = sqlite3_step(st);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    assert_true(rc == SQLITE_ROW || rc == SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

static void notify_outbox_page(void **state)
{
    (void)state;
    notify_sql("INSERT INTO outbox (unit_id, event, channel, recipient, subject, body, status, attempts, next_at, "
               "last_error, created_at, sent_at) VALUES ((SELECT id FROM units WHERE code = '05443'), 'receipt', "
               "'email', 'nguyenvana@example.vn', 'Đã tiếp nhận hồ sơ H56-THU', 'Kính gửi ông Nguyễn Văn A', 'sent', 1, "
               "0, '', strftime('%s', 'now'), strftime('%s', 'now'))");
    notify_sql("INSERT INTO outbox (unit_id, event, channel, recipient, body, status, attempts, next_at, last_error, "
               "created_at) VALUES ((SELECT id FROM units WHERE code = '05443'), 'receipt', 'sms', '0912345678', "
               "'UBND phường đã tiếp nhận hồ sơ H56-THU', 'failed', 10, 0, 'Cổng SMS trả lời HTTP 500: hỏng', "
               "strftime('%s', 'now'))");
    int64_t id = notify_sql("SELECT max(id) FROM outbox WHERE channel = 'sms'");
    session officer, leader, other, admin;
    sign_in("canbo1", &officer);
    sign_in("lanhdao1", &leader);
    sign_in("canbo2", &other);
    sign_in("admin", &admin);

    response r = request("GET", "/thong-bao", NULL, officer.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Phường Phan Đình Phùng");
    assert_contains(r.body, "nguyenvana@example.vn");
    assert_contains(r.body, "Cổng SMS trả lời HTTP 500: hỏng");
    assert_contains(r.body, "Gửi không được");
    assert_contains(r.body, "Gửi lại ngay");
    assert_contains(r.body, "<code>{{code}}</code>");
    assert_contains(r.body, "Mẫu mặc định");
    assert_lacks(r.body, "action=\"/thong-bao/mau\"");   /* an officer reads the templates */
    response_free(&r);

    char path[96], body[1024];
    snprintf(path, sizeof path, "/thong-bao/%lld/gui-lai", (long long)id);
    r = request("POST", path, NULL, other.cookie, NULL);   /* no CSRF token: refused before anything */
    assert_status(r, 403);
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s", other.csrf);
    r = request("POST", path, body, other.cookie, NULL);   /* another commune's officer */
    assert_status(r, 403);
    response_free(&r);
    r = request("GET", "/thong-bao?don_vi=05443", NULL, other.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s", officer.csrf);
    r = request("POST", path, body, officer.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    char where[160];
    snprintf(where, sizeof where, "SELECT attempts FROM outbox WHERE id = %lld AND status = 'pending'", (long long)id);
    assert_int_equal(notify_sql(where), 0);
    snprintf(where, sizeof where, "SELECT count(*) FROM audit_log WHERE action = 'notify.retry' AND entity_id = %lld",
             (long long)id);
    assert_int_equal(notify_sql(where), 1);
    r = request("POST", path, body, officer.cookie, NULL);   /* pending now: nothing to send again */
    assert_status(r, 409);
    assert_contains(r.body, "Chỉ gửi lại được thông báo");
    response_free(&r);

    /* templates: a leader's, checked */
    CURL *c = curl_easy_init();
    char *bad = curl_easy_escape(c, "Kính gửi {{ho_ten}}: đã nhận hồ sơ {{code}}", 0);
    char *good = curl_easy_escape(c, "UBND phuong da nhan ho so {{code}}, hen tra {{due}}", 0);
    snprintf(body, sizeof body, "_csrf=%s&don_vi=05443&event=receipt&channel=sms&body=%s", officer.csrf, good);
    r = request("POST", "/thong-bao/mau", body, officer.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&don_vi=05443&event=receipt&channel=sms&body=%s", leader.csrf, bad);
    r = request("POST", "/thong-bao/mau", body, leader.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Mẫu chỉ được dùng các biến {{code}} (mã hồ sơ)");
    assert_contains(r.body, "<code>{{ho_ten}}</code>");
    assert_contains(r.body, "Kính gửi {{ho_ten}}: đã nhận hồ sơ {{code}}</textarea>");   /* kept as typed */
    response_free(&r);
    assert_int_equal(notify_sql("SELECT count(*) FROM notify_templates"), 0);
    snprintf(body, sizeof body, "_csrf=%s&don_vi=05602&event=receipt&channel=sms&body=%s", leader.csrf, good);
    r = request("POST", "/thong-bao/mau", body, leader.cookie, NULL);   /* not the leader's commune */
    assert_status(r, 403);
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&don_vi=05443&event=receipt&channel=sms&body=%s", leader.csrf, good);
    r = request("POST", "/thong-bao/mau", body, leader.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    curl_free(bad);
    curl_free(good);
    curl_easy_cleanup(c);
    assert_int_equal(notify_sql("SELECT count(*) FROM notify_templates WHERE body LIKE 'UBND phuong da nhan%'"), 1);
    assert_int_equal(notify_sql("SELECT count(*) FROM audit_log WHERE action = 'notify.template.save'"), 1);
    r = request("GET", "/thong-bao", NULL, leader.cookie, NULL);
    assert_contains(r.body, "Mẫu riêng của đơn vị");
    assert_contains(r.body, "UBND phuong da nhan ho so {{code}}, hen tra {{due}}</textarea>");
    response_free(&r);

    /* an administrator above the commune sees the list with recipients masked */
    r = request("GET", "/thong-bao?don_vi=05443", NULL, admin.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "ng***@example.vn");
    assert_contains(r.body, "091****678");
    assert_lacks(r.body, "nguyenvana@example.vn");
    assert_lacks(r.body, "Kính gửi ông Nguyễn Văn A");
    response_free(&r);

    /* the command line sends what is due: the gateway is down, so the row waits */
    char out[320];
    snprintf(out, sizeof out, "%s/notify.out", dir);
    char *once[] = {(char *)bin, "notify", "--db", dbpath, "--once", "--sms-url", "http://127.0.0.1:1/sms", NULL};
    assert_int_equal(run(out, once, NULL), 0);
    char *text = slurp(out);
    assert_contains(text, "1 notifications attempted");
    free(text);
    snprintf(where, sizeof where, "SELECT attempts FROM outbox WHERE id = %lld AND status = 'pending' AND "
             "last_error LIKE 'Cổng SMS:%%' AND next_at > strftime('%%s', 'now')", (long long)id);
    assert_int_equal(notify_sql(where), 1);
    char *nothing[] = {(char *)bin, "notify", "--db", dbpath, "--once", NULL};
    assert_int_equal(run("/dev/null", nothing, NULL), 2);
    char *badfile[] = {(char *)bin, "notify", "--db", dbpath, "--once", "--sms-url", "http://127.0.0.1:1/",
                       "--gateway-key-file", "/khong/co/tep", NULL};
    assert_int_equal(run("/dev/null", badfile, NULL), 2);
}

/* The part of the templates page about one template's cost ("mau-receipt-sms-parts"). */
static char *parts_hint(const char *page, const char *id, char *out, size_t n)
{
    char key[80];
    snprintf(key, sizeof key, "id=\"%s-parts\">", id);
    const char *p = strstr(page, key);
    if (!p) fail_msg("no %s in the page", key);
    p += strlen(key);
    snprintf(out, n, "%.*s", (int)strcspn(p, "<") + 60, p);
    return out;
}

/* The issue: a receipt with diacritics costs several UCS-2 parts. The templates page shows
 * each SMS template's parts, and the leader chooses SMS without diacritics for the unit. */
static void templates_show_sms_parts_and_unit_sends_without_diacritics(void **state)
{
    (void)state;
    session leader, officer;
    sign_in("lanhdao1", &leader);
    sign_in("canbo1", &officer);
    response r = request("GET", "/thong-bao?don_vi=05443", NULL, leader.cookie, NULL);
    assert_status(r, 200);
    char hint[400];
    parts_hint(r.body, "mau-receipt-sms", hint, sizeof hint);
    assert_non_null(strstr(hint, "Với giá trị ví dụ: "));
    assert_non_null(strstr(r.body, "ký tự có dấu (Unicode: 70 ký tự một tin, 67 mỗi phần khi ghép)"));
    assert_null(strstr(r.body, "<strong class=\"tt-sms-parts\">1 tin SMS</strong> · 1"));
    const char *strong = strstr(r.body, "id=\"mau-receipt-sms-parts\">");
    strong = strstr(strong, "tt-sms-parts\">") + strlen("tt-sms-parts\">");
    assert_true(atoi(strong) >= 2);
    assert_contains(r.body, "id=\"sms_plain\"");
    response_free(&r);
    /* an officer may not choose */
    char body[256];
    snprintf(body, sizeof body, "_csrf=%s&don_vi=05443&sms_plain=1", officer.csrf);
    r = request("POST", "/thong-bao/sms-khong-dau", body, officer.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&don_vi=05443&sms_plain=1", leader.csrf);
    r = request("POST", "/thong-bao/sms-khong-dau", body, leader.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'notify.sms_plain'"), 1);
    r = request("GET", "/thong-bao?don_vi=05443", NULL, leader.cookie, NULL);
    parts_hint(r.body, "mau-receipt-sms", hint, sizeof hint);
    assert_non_null(strstr(hint, "1 tin SMS"));
    assert_non_null(strstr(r.body, "ký tự không dấu (GSM-7: 160 ký tự một tin, 153 mỗi phần khi ghép)"));
    assert_contains(r.body, "value=\"1\" checked");
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        /* first: the outbox page's case changes the receipt template it counts the parts of */
        cmocka_unit_test(templates_show_sms_parts_and_unit_sends_without_diacritics),
        cmocka_unit_test(notify_outbox_page),
    };
    int failed = cmocka_run_group_tests_name("notify", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
