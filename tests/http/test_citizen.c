/* test_citizen.c -- what citizens and desk officers hit first (issue "What users hit first"):
 * dates typed day first whatever the browser, a new due date within reason, the tracking
 * page's next step, and a home page for every unit. harness.h starts the server. */
#include "harness.h"

#include <ctype.h>
#include <time.h>

/* Every date field is text in dd/mm/yyyy: no native picker that follows the browser's locale. */
static void date_fields_are_day_first_text(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result d;
    new_dossier(&desk, "dang+ky+nhan+cha", &d);
    char path[64];
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)d.id);
    const char *pages[] = {path, "/chi-so", "/thu", "/thu/moi"};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        response r = request("GET", pages[i], NULL, desk.cookie, NULL);
        assert_status(r, 200);
        assert_lacks(r.body, "type=\"date\"");
        assert_lacks(r.body, "type=\"datetime-local\"");
        assert_contains(r.body, "data-date");
        response_free(&r);
    }
    /* a hand-over's own deadline typed day first: a day past the dossier's is refused and read
     * back in words, the dossier's own due day (typed dd/mm/yyyy) is taken as that day */
    int64_t spec = sql_int("SELECT id FROM users WHERE username = 'chuyenvien1'");
    char form[128];
    snprintf(form, sizeof form, "&to_user_id=%lld&step_due=07/01/2099", (long long)spec);
    snprintf(path, sizeof path, "/ho-so/%lld/chuyen", (long long)d.id);
    response r = post_form(&desk, path, form);
    assert_status(r, 400);
    assert_contains(r.body, "thứ Tư, ngày 07 tháng 01 năm 2099");
    assert_contains(r.body, "value=\"07/01/2099\"");
    response_free(&r);
    time_t due = (time_t)sql_int("SELECT due_at FROM dossiers WHERE id = %lld", (long long)d.id) + 7 * 3600;
    struct tm t;
    gmtime_r(&due, &t);
    char dmy[16];
    snprintf(dmy, sizeof dmy, "%02d/%02d/%04d", t.tm_mday, t.tm_mon + 1, t.tm_year + 1900);
    snprintf(form, sizeof form, "&to_user_id=%lld&step_due=%s", (long long)spec, dmy);
    assert_int_equal(act(&desk, d.id, "chuyen", form, NULL), 200);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossier_steps WHERE dossier_id = %lld AND kind = 'handover' AND "
                             "strftime('%%d/%%m/%%Y', due_at + 25200, 'unixepoch') = '%s'", (long long)d.id, dmy), 1);
    /* the indicators' period typed day first, and shown back the same way */
    r = request("GET", "/chi-so?tu=07/01/2026&den=31/03/2026", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "value=\"07/01/2026\"");
    assert_contains(r.body, "value=\"31/03/2026\"");
    response_free(&r);
    r = request("GET", "/chi-so?tu=31/02/2026", NULL, desk.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "ngày/tháng/năm");
    response_free(&r);
}

/* 07/01 is 7 January; a new due date beyond the procedure's own time limit again is refused,
 * the limit named in the message, and the typed date echoed in words. */
static void apology_date_is_day_first_and_bounded(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result d;
    new_dossier(&desk, "dang+ky+nhan+cha", &d);   /* 3 working days */
    travel_past_due(d.id, 86400);
    sign_in("canbo1", &desk);
    char path[64];
    snprintf(path, sizeof path, "/ho-so/%lld/xin-loi", (long long)d.id);
    response r = post_form(&desk, path, "&reason=Ch%E1%BB%9D+x%C3%A1c+minh&new_due_date=07/01/2099");
    assert_status(r, 400);
    assert_contains(r.body, "quá thời hạn giải quyết của thủ tục");
    assert_contains(r.body, "Ngày hẹn muộn nhất:");
    assert_contains(r.body, "thứ Tư, ngày 07 tháng 01 năm 2099");   /* what was read, in words */
    assert_contains(r.body, "value=\"07/01/2099\"");                /* the field keeps what was typed */
    char latest[11];
    assert_true(dmy_after(r.body, "Ngày hẹn muộn nhất:", latest));
    response_free(&r);
    assert_int_equal(sql_int("SELECT apology_count FROM dossiers WHERE id = %lld", (long long)d.id), 0);
    /* the limit itself is accepted, read day first, and the SMS says the same day */
    char fields[256];
    snprintf(fields, sizeof fields, "&reason=Ch%%E1%%BB%%9D+x%%C3%%A1c+minh&new_due_date=%s", latest);
    r = post_form(&desk, path, fields);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers WHERE id = %lld AND apology_count = 1 AND "
                             "strftime('%%d/%%m/%%Y', due_at + 25200, 'unixepoch') = '%s'", (long long)d.id, latest), 1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM outbox WHERE dossier_id = %lld AND event = 'apology' AND body LIKE '%%%s%%'",
                             (long long)d.id, latest), 1);
    clock_reset();
}

/* A letter's dates are typed day first too, and a refused one is read back in words. */
static void letter_dates_are_day_first(void **state)
{
    (void)state;
    session lead;
    sign_in("lanhdao1", &lead);
    /* a thanks letter with an event day and a ceremony time typed as dd/mm/yyyy [HH:MM] */
    response r = post_form(&lead, "/thu",
                           "&occasion=contribution&recipient_name=Tr%E1%BB%8Bnh+V%C4%83n+B%E1%BA%A3o"
                           "&detail=Hi%E1%BA%BFn+%C4%91%E1%BA%A5t&event_date=07/01/2026&ceremony_at=05/02/2026+09:30");
    assert_status(r, 303);
    response_free(&r);
    int64_t id = sql_int("SELECT MAX(id) FROM letters WHERE recipient_name = 'Trịnh Văn Bảo'");
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letters WHERE id = %lld AND event_date = '2026-01-07' AND "
                             "strftime('%%d/%%m/%%Y %%H:%%M', ceremony_at + 25200, 'unixepoch') = '05/02/2026 09:30'",
                             (long long)id), 1);
    /* the edit form shows them back day first */
    char path[64];
    snprintf(path, sizeof path, "/thu/%lld", (long long)id);
    r = request("GET", path, NULL, lead.cookie, NULL);
    assert_contains(r.body, "value=\"07/01/2026\"");
    assert_contains(r.body, "value=\"05/02/2026 09:30\"");
    assert_contains(r.body, "data-date=\"time\"");
    response_free(&r);
    /* a delivery day in the future, typed day first: refused, and the day read named in words */
    snprintf(path, sizeof path, "/thu/%lld/trao", (long long)id);
    r = post_form(&lead, path, "&method=home&delivered_on=07/01/2099");
    assert_status(r, 400);
    assert_contains(r.body, "không thể sau hôm nay");
    assert_contains(r.body, "thứ Tư, ngày 07 tháng 01 năm 2099");
    assert_contains(r.body, "value=\"07/01/2099\"");
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letters WHERE id = %lld AND status = 'proposed'", (long long)id), 1);
}

/* ---- item 7: tracking says what to do next ----------------------------------------------- */

/* The tracking page as a citizen reaches it: code and secret as typed (spaces, lower case). */
static response track_typed(const intake_result *d)
{
    char code[80], secret[24], path[256];
    size_t n = 0;
    for (const char *p = d->code; *p && n < sizeof code - 4; p++) {   /* "h19.05443-261203-0001" in groups */
        code[n++] = (char)tolower((unsigned char)*p);
        if (*p == '-') code[n++] = '+';
    }
    code[n] = '\0';
    snprintf(secret, sizeof secret, "%c%c%c+%c%c%c", tolower(d->secret[0]), tolower(d->secret[1]), tolower(d->secret[2]),
             tolower(d->secret[3]), tolower(d->secret[4]), tolower(d->secret[5]));
    snprintf(path, sizeof path, "/tra-cuu?ma=%s&bm=%s", code, secret);
    return get(path);
}

static void no_personal_data(const char *body)
{
    assert_lacks(body, "Nhung");              /* the applicant */
    assert_lacks(body, "019190012345");
    assert_lacks(body, "0912");
    assert_lacks(body, "Trần Văn Một Cửa");   /* the officials */
    assert_lacks(body, "Lê Thị Chuyên Viên");
}

static void tracking_says_what_to_do_next(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result d;
    new_dossier(&desk, "dang+ky+nhan+cha", &d);
    /* in progress: nothing to do yet; the secret is called by the slip's name */
    response r = track_typed(&d);
    assert_status(r, 200);
    assert_contains(r.body, d.code);
    /* looking a dossier up sets no cookie: the page has no form that posts */
    assert_lacks(r.headers, "Set-Cookie");
    assert_contains(r.body, "Việc ông/bà cần làm");
    assert_contains(r.body, "Ông/bà chưa cần làm gì");
    assert_contains(r.body, "Mã tra cứu");
    assert_lacks(r.body, "Mã bí mật");
    no_personal_data(r.body);
    response_free(&r);
    /* a supplement request lists the papers asked for, the reason, where and what to bring */
    assert_int_equal(act(&desk, d.id, "bo-sung",
                         "&papers=B%E1%BA%A3n+sao+gi%E1%BA%A5y+khai+sinh+c%E1%BB%A7a+con%0A%E1%BA%A2nh+4x6"
                         "&reason=Thi%E1%BA%BFu+gi%E1%BA%A5y+t%E1%BB%9D+ch%E1%BB%A9ng+minh", NULL), 200);
    r = track_typed(&d);
    assert_status(r, 200);
    assert_contains(r.body, "cần nộp bổ sung");
    assert_contains(r.body, "Bản sao giấy khai sinh của con");
    assert_contains(r.body, "Ảnh 4x6");
    assert_contains(r.body, "Thiếu giấy tờ chứng minh");
    assert_contains(r.body, "Phường Phan Đình Phùng");
    assert_contains(r.body, "7:30");
    assert_contains(r.body, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả");
    no_personal_data(r.body);
    response_free(&r);
    /* an internal step handed over late: its "Quá hạn" is the officials' business */
    assert_int_equal(act(&desk, d.id, "tiep-tuc", "", NULL), 200);
    int64_t spec = sql_int("SELECT id FROM users WHERE username = 'chuyenvien1'");
    char form[128], tomorrow[16];
    time_t t = (time_t)(server_now() + 7 * 3600 + 86400);   /* Vietnam's date tomorrow */
    strftime(tomorrow, sizeof tomorrow, "%d/%m/%Y", gmtime(&t));
    snprintf(form, sizeof form, "&to_user_id=%lld&step_due=%s", (long long)spec, tomorrow);
    assert_int_equal(act(&desk, d.id, "chuyen", form, NULL), 200);
    /* the step's deadline passes (the dossier's, days later, does not) */
    clock_advance(sql_int("SELECT max(due_at) FROM dossier_steps WHERE dossier_id = %lld AND kind = 'handover'",
                          (long long)d.id) + 3600 - server_now());
    sign_in("canbo1", &desk);
    assert_true(sql_int("SELECT due_at > %lld FROM dossiers WHERE id = %lld", (long long)server_now(), (long long)d.id) == 1);
    assert_int_equal(act(&desk, d.id, "hoan-thanh", "", NULL), 200);
    assert_int_equal(sql_int("SELECT count(*) FROM dossier_steps WHERE dossier_id = %lld AND kind = 'handover' AND "
                             "done_at > due_at", (long long)d.id), 1);   /* the step was late */
    /* result ready: where, when, what to bring and the fee */
    r = track_typed(&d);
    assert_status(r, 200);
    assert_contains(r.body, "Mời ông/bà đến nhận kết quả");
    assert_contains(r.body, "Trụ sở cũ của UBND thành phố Thái Nguyên");
    assert_contains(r.body, "Sáng 7:30");
    assert_contains(r.body, "Mang theo");
    assert_contains(r.body, "Phí, lệ phí");
    assert_contains(r.body, "Nghị quyết của HĐND tỉnh");
    assert_lacks(r.body, "Quá hạn");
    no_personal_data(r.body);
    response_free(&r);
    /* the JSON says the same, without names */
    char path[256];
    snprintf(path, sizeof path, "/api/v1/dossiers/%s?secret=%s", d.code, d.secret);
    r = get(path);
    assert_status(r, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    json_t *next = json_object_get(j, "next");
    assert_non_null(next);
    assert_non_null(strstr(json_string_value(json_object_get(next, "todo_label")), "nhận kết quả"));
    assert_non_null(json_object_get(next, "where"));
    json_decref(j);
    assert_lacks(r.body, "Quá hạn");
    no_personal_data(r.body);
    response_free(&r);
    clock_reset();
}

static void tracking_shows_a_refusal_reason(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result d;
    new_dossier(&desk, "dang+ky+nhan+cha", &d);
    assert_int_equal(act(&desk, d.id, "tu-choi", "&reason=Kh%C3%B4ng+thu%E1%BB%99c+th%E1%BA%A9m+quy%E1%BB%81n+c%E1%BB%A7a+x%C3%A3",
                         NULL), 200);
    response r = track_typed(&d);
    assert_status(r, 200);
    assert_contains(r.body, "không được giải quyết vì lý do");
    assert_contains(r.body, "Không thuộc thẩm quyền của xã");
    no_personal_data(r.body);
    response_free(&r);
    /* a wrong secret still finds nothing */
    char path[256];
    snprintf(path, sizeof path, "/tra-cuu?ma=%s&bm=ZZZZZZ", d.code);
    r = get(path);
    assert_status(r, 404);
    assert_contains(r.body, "mã tra cứu");
    response_free(&r);
}

/* ---- item 8: a home for every unit ----------------------------------------------------- */

/* The value of a Set-Cookie header for name, or "" (a static buffer). */
static const char *cookie_set(const response *r, const char *name)
{
    static char out[128];
    out[0] = '\0';
    char want[64];
    snprintf(want, sizeof want, "Set-Cookie: %s=", name);
    const char *p = r->headers ? strcasestr(r->headers, want) : NULL;
    if (p) sscanf(p + strlen(want), "%127[^;\r\n]", out);
    return out;
}

static void home_chooses_and_remembers_the_unit(void **state)
{
    (void)state;
    /* a first visit: every unit, folded under the province, none preferred */
    response r = get("/");
    assert_status(r, 200);
    assert_contains(r.body, "Chọn xã, phường của ông/bà");
    assert_contains(r.body, "href=\"/don-vi/05443\"");
    assert_contains(r.body, "href=\"/don-vi/05602\"");
    assert_contains(r.body, "<details");
    assert_contains(r.body, "Tỉnh Thái Nguyên");
    response_free(&r);
    /* searched without diacritics: only the matching commune, its group open */
    r = get("/?q=phu+dinh");
    assert_status(r, 200);
    assert_contains(r.body, "href=\"/don-vi/05602\"");
    assert_lacks(r.body, "href=\"/don-vi/05443\"");
    assert_contains(r.body, " open>");
    response_free(&r);
    /* opening a commune remembers it; "/" then shows that commune, with a way to choose again */
    r = get("/don-vi/05602");
    assert_status(r, 200);
    assert_string_equal(cookie_set(&r, "don_vi"), "05602");
    response_free(&r);
    r = request("GET", "/", NULL, "don_vi=05602", NULL);
    assert_status(r, 200);
    assert_contains(r.body, "<h1 class=\"govuk-heading-xl\">Xã Phú Đình</h1>");
    assert_contains(r.body, "href=\"/?chon=1\"");
    response_free(&r);
    r = request("GET", "/?chon=1", NULL, "don_vi=05602", NULL);
    assert_contains(r.body, "Chọn xã, phường của ông/bà");
    assert_contains(r.body, "Lần trước ông/bà đã xem");
    response_free(&r);
    /* the catalogue and the booking open the remembered commune too */
    r = request("GET", "/thu-tuc", NULL, "don_vi=05602", NULL);
    assert_contains(r.body, "href=\"/don-vi/05602\">Xã Phú Đình</a>");
    response_free(&r);
    r = request("GET", "/dat-lich", NULL, "don_vi=05602", NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Xã Phú Đình");
    assert_lacks(r.body, "Phường Phan Đình Phùng");
    response_free(&r);
    /* a stale or forged cookie is no unit: the chooser */
    r = request("GET", "/", NULL, "don_vi=99999", NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Chọn xã, phường của ông/bà");
    response_free(&r);
}

static void procedure_page_books_and_returns_to_the_commune(void **state)
{
    (void)state;
    /* the province's procedure read from Xã Phú Đình's catalogue */
    response r = get("/thu-tuc?don_vi=05602&q=nhan+cha");
    assert_status(r, 200);
    const char *link = strstr(r.body, "href=\"/thu-tuc/");
    assert_non_null(link);
    long long id = 0;
    assert_int_equal(sscanf(link, "href=\"/thu-tuc/%lld?don_vi=05602\"", &id), 1);
    response_free(&r);
    char path[128], want[160];
    snprintf(path, sizeof path, "/thu-tuc/%lld?don_vi=05602", id);
    r = get(path);
    assert_status(r, 200);
    snprintf(want, sizeof want, "href=\"/dat-lich?don_vi=05602&amp;thu_tuc=%lld\"", id);
    assert_contains(r.body, want);
    assert_contains(r.body, "Đặt lịch nộp hồ sơ");
    assert_contains(r.body, "href=\"/thu-tuc?don_vi=05602\"");
    assert_lacks(r.body, "Tải mẫu tờ khai");   /* the demo catalogue has no form templates */
    response_free(&r);
    /* the booking link opens that procedure's booking at that commune */
    snprintf(path, sizeof path, "/dat-lich?don_vi=05602&thu_tuc=%lld", id);
    r = get(path);
    assert_status(r, 200);
    assert_contains(r.body, "Xã Phú Đình");
    assert_contains(r.body, "nhận cha, mẹ, con");
    response_free(&r);
    /* without ?don_vi the last chosen commune is used; a form template shows when there is one */
    sql_int("UPDATE procedures SET form_url = 'https://dichvucong.gov.vn/mau/to-khai.docx' WHERE id = %lld", id);
    snprintf(path, sizeof path, "/thu-tuc/%lld", id);
    r = request("GET", path, NULL, "don_vi=05602", NULL);
    assert_contains(r.body, "href=\"/thu-tuc?don_vi=05602\"");
    assert_contains(r.body, "href=\"https://dichvucong.gov.vn/mau/to-khai.docx\"");
    assert_contains(r.body, "Tải mẫu tờ khai");
    response_free(&r);
    sql_int("UPDATE procedures SET form_url = 'javascript:alert(1)' WHERE id = %lld", id);
    r = get(path);
    assert_lacks(r.body, "javascript:");
    assert_lacks(r.body, "Tải mẫu tờ khai");
    response_free(&r);
    sql_int("UPDATE procedures SET form_url = '' WHERE id = %lld", id);
}

/* The catalogue CSV carries the form template: imported, shown, exported; a link of another
 * scheme is refused and nothing of the file is saved. */
static void form_template_comes_from_the_catalogue_csv(void **state)
{
    (void)state;
    char file[400];
    snprintf(file, sizeof file, "%s/form.csv", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("unit_code,code,name,field,days,form_url\r\n"
          "05602,9.990001,Thủ tục thử mẫu tờ khai,Hộ tịch,5,https://dichvucong.gov.vn/mau/to-khai-thu.docx\r\n", f);
    fclose(f);
    char *const import[] = {(char *)bin, "import", "procedures", "--db", dbpath, file, NULL};
    assert_int_equal(run("/dev/null", import, NULL), 0);
    int64_t id = sql_int("SELECT id FROM procedures WHERE code = '9.990001'");
    assert_true(id > 0);
    char path[64];
    snprintf(path, sizeof path, "/thu-tuc/%lld", (long long)id);
    response r = get(path);
    assert_status(r, 200);
    assert_contains(r.body, "href=\"https://dichvucong.gov.vn/mau/to-khai-thu.docx\"");
    assert_contains(r.body, "Tải mẫu tờ khai");
    assert_contains(r.body, "href=\"/thu-tuc?don_vi=05602\"");
    response_free(&r);
    r = get("/thu-tuc.csv?don_vi=05602");
    assert_contains(r.body, ",letter,keywords,form_url\r\n");
    assert_contains(r.body, "https://dichvucong.gov.vn/mau/to-khai-thu.docx");
    response_free(&r);
    /* another scheme: the whole file refused, the link kept */
    f = fopen(file, "w");
    fputs("unit_code,code,name,field,days,form_url\r\n"
          "05602,9.990001,Thủ tục thử mẫu tờ khai,Hộ tịch,5,javascript:alert(1)\r\n", f);
    fclose(f);
    assert_true(run("/dev/null", import, NULL) != 0);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM procedures WHERE id = %lld AND form_url LIKE 'https://%%'", (long long)id), 1);
    /* a file without the column leaves it as it was */
    f = fopen(file, "w");
    fputs("unit_code,code,name,field,days\r\n05602,9.990001,Thủ tục thử mẫu tờ khai,Hộ tịch,6\r\n", f);
    fclose(f);
    assert_int_equal(run("/dev/null", import, NULL), 0);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM procedures WHERE id = %lld AND days = 6 AND form_url LIKE 'https://%%'",
                             (long long)id), 1);
}

/* ---- the program ------------------------------------------------------------------------- */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(date_fields_are_day_first_text),
        cmocka_unit_test(apology_date_is_day_first_and_bounded),
        cmocka_unit_test(letter_dates_are_day_first),
        cmocka_unit_test(tracking_says_what_to_do_next),
        cmocka_unit_test(tracking_shows_a_refusal_reason),
        cmocka_unit_test(home_chooses_and_remembers_the_unit),
        cmocka_unit_test(procedure_page_books_and_returns_to_the_commune),
        cmocka_unit_test(form_template_comes_from_the_catalogue_csv),
    };
    int failed = cmocka_run_group_tests_name("citizen", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
