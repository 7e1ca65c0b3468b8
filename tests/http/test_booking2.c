/* test_booking2.c -- the public booking against floods and guessing: a place is held until
 * the citizen types the SMS code, holds expire, one address cannot take a day's places, a
 * booking cannot be cancelled by trying phone numbers, cancellations are audited, and the
 * desk cancels a flood at once. */
#include "harness.h"

#include <sys/stat.h>


static void anon_csrf(int64_t proc, char *cookie, size_t ncookie, char *csrf, size_t ncsrf)
{
    char path[96];
    snprintf(path, sizeof path, "/dat-lich?don-vi=05602&thu_tuc=%lld", (long long)proc);
    response r = get(path);
    assert_int_equal(r.status, 200);
    char anon[80];
    set_cookie(&r, "tt_csrf", anon, sizeof anon);
    hidden_csrf(&r, csrf, ncsrf);
    snprintf(cookie, ncookie, "tt_csrf=%s", anon);
    response_free(&r);
}

/* The page's JSON for a day: its slots (value, free, capacity). Caller decrefs. */
static json_t *day_slots(int64_t proc, int day_index, char day[16])
{
    char path[160];
    snprintf(path, sizeof path, "/dat-lich?don_vi=05602&thu_tuc=%lld", (long long)proc);
    response r = request("GET", path, NULL, NULL, "Accept: application/json");
    json_t *j = json_loads(r.body, 0, NULL);
    json_t *days = json_object_get(j, "days");
    assert_true((int)json_array_size(days) > day_index);
    snprintf(day, 16, "%s", json_string_value(json_object_get(json_array_get(days, (size_t)day_index), "date")));
    json_decref(j);
    response_free(&r);
    snprintf(path, sizeof path, "/dat-lich?don_vi=05602&thu_tuc=%lld&ngay=%s", (long long)proc, day);
    r = request("GET", path, NULL, NULL, "Accept: application/json");
    j = json_loads(r.body, 0, NULL);
    response_free(&r);
    json_t *slots = json_incref(json_object_get(j, "slots"));
    json_decref(j);
    return slots;
}

/* Free places of a slot ("08:00") on day_index. */
static long free_places(int64_t proc, int day_index, const char *time)
{
    char day[16];
    json_t *slots = day_slots(proc, day_index, day), *s;
    size_t i;
    long free = -1;
    json_array_foreach(slots, i, s)
        if (!strcmp(json_string_value(json_object_get(s, "value")), time)) free = (long)json_integer_value(json_object_get(s, "free"));
    json_decref(slots);
    return free;
}

/* The time of the k-th slot of day_index with every place free. */
static void empty_slot(int64_t proc, int day_index, int k, char day[16], char time[8])
{
    json_t *slots = day_slots(proc, day_index, day), *s;
    size_t i;
    time[0] = '\0';
    json_array_foreach(slots, i, s) {
        if (json_integer_value(json_object_get(s, "free")) == json_integer_value(json_object_get(s, "capacity")) &&
            k-- == 0) {
            snprintf(time, 8, "%s", json_string_value(json_object_get(s, "value")));
            break;
        }
    }
    json_decref(slots);
    assert_true(time[0] != '\0');
}

/* A request from another loopback address (each test its own, as the limits are per address). */
static response request_from(const char *ip, const char *method, const char *path, const char *body,
                             const char *cookie)
{
    response r = {0};
    r.body = calloc(1, 1);
    r.headers = calloc(1, 1);
    CURL *c = curl_easy_init();
    char url[2048], iface[48];
    snprintf(url, sizeof url, "%s%s", base, path);
    snprintf(iface, sizeof iface, "host!%s", ip);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_headers);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    if (cookie) curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) fail_msg("request %s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(c);
    return r;
}

typedef struct {
    int64_t proc;
    char cookie[128], csrf[80];
} visitor;

static void visitor_init(visitor *v)
{
    v->proc = khai_sinh_id();
    anon_csrf(v->proc, v->cookie, sizeof v->cookie, v->csrf, sizeof v->csrf);
}

/* POST /dat-lich from ip; the booking code in code when held (201). */
static long hold(const visitor *v, const char *ip, const char *day, const char *time, const char *phone, char code[16])
{
    char body[512];
    snprintf(body, sizeof body,
             "_csrf=%s&don_vi=05602&procedure_id=%lld&day=%s&time=%s&name=Tr%%E1%%BA%%A7n+V%%C4%%83n+B%%C3%%ACnh"
             "&phone=%s",
             v->csrf, (long long)v->proc, day, time, phone);
    response r = request_from(ip, "POST", "/dat-lich", body, v->cookie);
    long status = r.status;
    if (status == 201) booking_code_of(&r, code);
    else if (code) code[0] = '\0';
    response_free(&r);
    return status;
}

static response post_code(const visitor *v, const char *ip, const char *code, const char *sms)
{
    char path[64], body[160];
    snprintf(path, sizeof path, "/dat-lich/%s/xac-nhan", code);
    snprintf(body, sizeof body, "_csrf=%s&sms_code=%s", v->csrf, sms);
    return request_from(ip, "POST", path, body, v->cookie);
}

static const char *status_of_booking(const char *code)
{
    static char out[16];
    int64_t n = sql_int("SELECT CASE status WHEN 'held' THEN 1 WHEN 'booked' THEN 2 WHEN 'expired' THEN 3 "
                        "WHEN 'cancelled' THEN 4 ELSE 9 END FROM bookings WHERE code = '%s'", code);
    snprintf(out, sizeof out, "%s", n == 1 ? "held" : n == 2 ? "booked" : n == 3 ? "expired" : n == 4 ? "cancelled" : "?");
    return out;
}

/* The issue: a place became a booking at once, with any phone number. Now it is held, an SMS
 * with a 6-digit code is queued, and only that code makes it a booking. */
static void hold_becomes_booking_only_with_the_sms_code(void **state)
{
    (void)state;
    visitor v;
    visitor_init(&v);
    char day[16], time[8], code[16];
    empty_slot(v.proc, 1, 0, day, time);
    assert_int_equal(hold(&v, "127.0.0.71", day, time, "0912345678", code), 201);
    assert_string_equal(status_of_booking(code), "held");
    assert_int_equal(free_places(v.proc, 1, time), 2);   /* the hold keeps its place */
    assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE event = 'booking_code' AND channel = 'sms' "
                             "AND recipient = '0912345678' AND instr(body, '%s') > 0", code), 1);
    /* the booking's page asks for the code and hides the phone but for two digits */
    char path[64];
    snprintf(path, sizeof path, "/dat-lich/%s", code);
    response r = get(path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Mã xác nhận trong tin nhắn SMS");
    assert_contains(r.body, "********78");
    assert_lacks(r.body, "0912345678");
    assert_lacks(r.body, "091****678");
    response_free(&r);
    /* a wrong code: refused, still held */
    char sms[8], wrong[8];
    booking_sms_code(code, sms);
    snprintf(wrong, sizeof wrong, "%06d", (atoi(sms) + 1) % 1000000);
    r = post_code(&v, "127.0.0.71", code, wrong);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Mã xác nhận không đúng");
    response_free(&r);
    assert_string_equal(status_of_booking(code), "held");
    /* the SMS did not come: another code, which replaces the first */
    snprintf(path, sizeof path, "/dat-lich/%s/gui-lai-ma", code);
    char body[160];
    snprintf(body, sizeof body, "_csrf=%s", v.csrf);
    r = request_from("127.0.0.71", "POST", path, body, v.cookie);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Đã gửi mã mới");
    response_free(&r);
    assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE event = 'booking_code' AND recipient = '0912345678'"), 2);
    char old_sms[8];
    snprintf(old_sms, sizeof old_sms, "%s", sms);
    booking_sms_code(code, sms);
    if (strcmp(old_sms, sms)) {
        r = post_code(&v, "127.0.0.71", code, old_sms);
        assert_int_equal(r.status, 400);
        response_free(&r);
    }
    /* the right one: booked */
    r = post_code(&v, "127.0.0.71", code, sms);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Đã đặt lịch hẹn");
    assert_contains(r.body, "0912345678");   /* to the one who just proved the phone */
    response_free(&r);
    assert_string_equal(status_of_booking(code), "booked");
    r = post_code(&v, "127.0.0.71", code, sms);   /* twice: nothing to confirm */
    assert_int_equal(r.status, 409);
    response_free(&r);
}

/* Unconfirmed holds free their place: when their time is up, and after five wrong codes. */
static void unconfirmed_holds_expire_and_free_the_place(void **state)
{
    (void)state;
    visitor v;
    visitor_init(&v);
    char day[16], time[8], code[16], other[16];
    empty_slot(v.proc, 1, 0, day, time);
    assert_int_equal(hold(&v, "127.0.0.72", day, time, "0913000001", code), 201);
    assert_int_equal(hold(&v, "127.0.0.72", day, time, "0913000002", other), 201);
    assert_int_equal(free_places(v.proc, 1, time), 1);
    /* five minutes later (moved back in the database): the place is free again */
    assert_int_equal(sql_int("UPDATE bookings SET hold_until = hold_until - 301 WHERE code = '%s'", code), 0);
    assert_int_equal(free_places(v.proc, 1, time), 2);
    char sms[8];
    booking_sms_code(code, sms);
    response r = post_code(&v, "127.0.0.72", code, sms);
    assert_int_equal(r.status, 409);
    assert_contains(r.body, "Đã hết thời gian giữ chỗ");
    response_free(&r);
    assert_string_equal(status_of_booking(code), "expired");
    /* five wrong codes release the other hold, even if the sixth would be right */
    booking_sms_code(other, sms);
    char wrong[8];
    snprintf(wrong, sizeof wrong, "%06d", (atoi(sms) + 7) % 1000000);
    for (int i = 0; i < 4; i++) {
        r = post_code(&v, "127.0.0.73", other, wrong);
        assert_int_equal(r.status, 400);
        response_free(&r);
    }
    r = post_code(&v, "127.0.0.73", other, wrong);
    assert_int_equal(r.status, 409);
    response_free(&r);
    r = post_code(&v, "127.0.0.73", other, sms);
    assert_int_equal(r.status, 409);
    response_free(&r);
    assert_string_equal(status_of_booking(other), "expired");
    assert_int_equal(free_places(v.proc, 1, time), 3);
}

/* The test: the guessing of the four hidden digits is limited per booking (then only
 * the desk cancels it, audited) and per address; a cancellation is audited. */
static void cancelling_by_guessing_the_phone_is_limited(void **state)
{
    (void)state;
    visitor v;
    visitor_init(&v);
    char day[16], time[8], code[16], path[64], body[160];
    empty_slot(v.proc, 2, 0, day, time);
    assert_int_equal(hold(&v, "127.0.0.74", day, time, "0914000074", code), 201);
    response r = confirm_booking(code, v.cookie, v.csrf);
    assert_int_equal(r.status, 200);
    response_free(&r);
    snprintf(path, sizeof path, "/dat-lich/%s/huy", code);
    /* per booking: five wrong numbers from five addresses, then even the right one is refused */
    for (int i = 0; i < 5; i++) {
        char ip[32];
        snprintf(ip, sizeof ip, "127.0.0.%d", 80 + i);
        snprintf(body, sizeof body, "_csrf=%s&phone=091400%04d", v.csrf, 1000 + i);
        r = request_from(ip, "POST", path, body, v.cookie);
        assert_int_equal(r.status, 403);
        response_free(&r);
    }
    snprintf(body, sizeof body, "_csrf=%s&phone=0914000074", v.csrf);
    r = request_from("127.0.0.86", "POST", path, body, v.cookie);
    assert_int_equal(r.status, 423);
    assert_contains(r.body, "chỉ có thể hủy tại Bộ phận Một cửa");
    response_free(&r);
    assert_string_equal(status_of_booking(code), "booked");
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'booking.cancel_locked' "
                             "AND json_extract(detail, '$.code') = '%s'", code), 1);
    /* per address: ten wrong guesses over three other bookings, then this address waits */
    char codes[3][16];
    empty_slot(v.proc, 2, 0, day, time);
    for (int i = 0; i < 3; i++) {
        char phone[24];
        snprintf(phone, sizeof phone, "09150000%02d", i);
        assert_int_equal(hold(&v, "127.0.0.75", day, time, phone, codes[i]), 201);
        r = confirm_booking(codes[i], v.cookie, v.csrf);
        assert_int_equal(r.status, 200);
        response_free(&r);
    }
    for (int i = 0; i < 10; i++) {
        snprintf(path, sizeof path, "/dat-lich/%s/huy", codes[i % 3]);
        snprintf(body, sizeof body, "_csrf=%s&phone=091600%04d", v.csrf, i);
        r = request_from("127.0.0.87", "POST", path, body, v.cookie);
        assert_int_equal(r.status, 403);
        response_free(&r);
    }
    snprintf(path, sizeof path, "/dat-lich/%s/huy", codes[0]);
    snprintf(body, sizeof body, "_csrf=%s&phone=0915000000", v.csrf);
    r = request_from("127.0.0.87", "POST", path, body, v.cookie);
    assert_int_equal(r.status, 429);
    assert_contains(r.body, "thử lại sau 10 phút");
    response_free(&r);
    /* from another address the right number cancels it, and the cancellation is audited */
    r = request_from("127.0.0.88", "POST", path, body, v.cookie);
    assert_int_equal(r.status, 303);
    response_free(&r);
    assert_string_equal(status_of_booking(codes[0]), "cancelled");
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'booking.cancel' AND "
                             "json_extract(detail, '$.code') = '%s' AND json_extract(detail, '$.by') = 'citizen' "
                             "AND json_extract(detail, '$.ip') = '127.0.0.88'", codes[0]), 1);
}

/* The desk finds the bookings of a day by phone number and cancels them at once, audited. */
static void desk_cancels_a_flood_at_once(void **state)
{
    (void)state;
    visitor v;
    visitor_init(&v);
    char day[16], time[8], codes[3][16], path[256], body[512];
    for (int i = 0; i < 3; i++) {
        empty_slot(v.proc, 3, 0, day, time);
        assert_int_equal(hold(&v, "127.0.0.90", day, time, "0917000017", codes[i]), 201);
    }
    session one;
    assert_int_equal(login("canbo2", PASSWORD, &one), 303);
    /* the day's queue counts the holds apart, with no button to serve them */
    snprintf(path, sizeof path, "/lich-hen?don_vi=05602&ngay=%s", day);
    response r = request("GET", path, NULL, one.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Chờ xác nhận mã SMS: <strong>3</strong>");
    response_free(&r);
    snprintf(path, sizeof path, "/lich-hen/huy-hang-loat?don_vi=05602&ngay=%s&sdt=0917+000+017", day);
    r = request("GET", path, NULL, one.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Số lịch hẹn khớp: <strong>3</strong>");
    for (int i = 0; i < 3; i++) assert_contains(r.body, codes[i]);
    assert_lacks(r.body, "type=\"date\"");   /* a browser's locale must not reorder the day */
    response_free(&r);
    /* the same day typed day first, as the visible field shows it */
    int yy, mm, dd;
    assert_int_equal(sscanf(day, "%d-%d-%d", &yy, &mm, &dd), 3);
    snprintf(path, sizeof path, "/lich-hen/huy-hang-loat?don_vi=05602&ngay=%02d%%2F%02d%%2F%04d&sdt=0917+000+017", dd, mm, yy);
    r = request("GET", path, NULL, one.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Số lịch hẹn khớp: <strong>3</strong>");
    char shown[64];
    snprintf(shown, sizeof shown, "value=\"%02d/%02d/%04d\"", dd, mm, yy);
    assert_contains(r.body, shown);
    response_free(&r);
    /* the ticked ids: read from the database, as the page's checkboxes carry them */
    int64_t ids[3];
    for (int i = 0; i < 3; i++) ids[i] = sql_int("SELECT id FROM bookings WHERE code = '%s'", codes[i]);
    /* without a reason: refused, nothing cancelled */
    snprintf(body, sizeof body, "_csrf=%s&don_vi=05602&ngay=%s&sdt=0917000017&id=%lld&id=%lld&id=%lld&ly_do=",
             one.csrf, day, (long long)ids[0], (long long)ids[1], (long long)ids[2]);
    r = request("POST", "/lich-hen/huy-hang-loat", body, one.cookie, NULL);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Hãy ghi lý do hủy");
    response_free(&r);
    assert_string_equal(status_of_booking(codes[0]), "held");
    /* another commune's officer cannot */
    session other;
    assert_int_equal(login("canbo1", PASSWORD, &other), 303);
    snprintf(body, sizeof body, "_csrf=%s&don_vi=05602&ngay=%s&id=%lld&ly_do=%s", other.csrf, day, (long long)ids[0],
             "Dat+tran+lan");
    r = request("POST", "/lich-hen/huy-hang-loat", body, other.cookie, NULL);
    assert_int_equal(r.status, 403);
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&don_vi=05602&ngay=%s&id=%lld&id=%lld&id=%lld&ly_do=%s", one.csrf, day,
             (long long)ids[0], (long long)ids[1], (long long)ids[2], "%C4%90%E1%BA%B7t+tr%C3%A0n+lan");
    r = request("POST", "/lich-hen/huy-hang-loat", body, one.cookie, NULL);
    assert_int_equal(r.status, 303);
    assert_contains(r.headers, "da_huy=3");
    response_free(&r);
    for (int i = 0; i < 3; i++) assert_string_equal(status_of_booking(codes[i]), "cancelled");
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'booking.cancel' AND "
                             "json_extract(detail, '$.by') = 'desk' AND json_extract(detail, '$.phone') = '0917000017' "
                             "AND json_extract(detail, '$.reason') = 'Đặt tràn lan'"), 3);
}

/* The issue: 45 places booked out in 0.3 s from one machine. One address now gets 20 holds an
 * hour (each needs its own SMS code to become a booking); another address is still served. */
static void one_address_cannot_hold_a_day(void **state)
{
    (void)state;
    visitor v;
    visitor_init(&v);
    char day[16], code[16];
    json_t *slots = day_slots(v.proc, 4, day);
    assert_true(json_array_size(slots) >= 11);
    int held = 0, refused = 0;
    for (int i = 0; i < 30; i++) {
        const char *time = json_string_value(json_object_get(json_array_get(slots, (size_t)(i / 2)), "value"));
        char phone[24];
        snprintf(phone, sizeof phone, "09180001%02d", i);
        long status = hold(&v, "127.0.0.91", day, time, phone, code);
        if (status == 201) held++;
        else if (status == 429) refused++;
        else fail_msg("hold %d answered %ld", i, status);
    }
    assert_int_equal(held, 20);
    assert_int_equal(refused, 10);
    char body[512];
    snprintf(body, sizeof body,
             "_csrf=%s&don_vi=05602&procedure_id=%lld&day=%s&time=%s&name=An&phone=0918000199", v.csrf,
             (long long)v.proc, day, json_string_value(json_object_get(json_array_get(slots, 14), "value")));
    response r = request_from("127.0.0.91", "POST", "/dat-lich", body, v.cookie);
    assert_int_equal(r.status, 429);
    assert_contains(r.body, "Có quá nhiều lượt đặt lịch từ địa chỉ mạng này");
    response_free(&r);
    r = request_from("127.0.0.92", "POST", "/dat-lich", body, v.cookie);
    assert_int_equal(r.status, 201);
    response_free(&r);
    json_decref(slots);
    assert_int_equal(sql_int("SELECT count(*) FROM bookings WHERE phone LIKE '091800%%' AND status = 'held'"), 21);
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
    assert_int_equal(login("lanhdao1", PASSWORD, &leader), 303);
    assert_int_equal(login("canbo1", PASSWORD, &officer), 303);
    response r = request("GET", "/thong-bao?don_vi=05443", NULL, leader.cookie, NULL);
    assert_int_equal(r.status, 200);
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
    assert_int_equal(r.status, 403);
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&don_vi=05443&sms_plain=1", leader.csrf);
    r = request("POST", "/thong-bao/sms-khong-dau", body, leader.cookie, NULL);
    assert_int_equal(r.status, 303);
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
        cmocka_unit_test(hold_becomes_booking_only_with_the_sms_code),
        cmocka_unit_test(unconfirmed_holds_expire_and_free_the_place),
        cmocka_unit_test(cancelling_by_guessing_the_phone_is_limited),
        cmocka_unit_test(desk_cancels_a_flood_at_once),
        cmocka_unit_test(one_address_cannot_hold_a_day),
        cmocka_unit_test(server_anchors_the_audit_log),
        cmocka_unit_test(templates_show_sms_parts_and_unit_sends_without_diacritics),
    };
    int failed = cmocka_run_group_tests_name("booking2", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
