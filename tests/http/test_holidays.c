/* test_holidays.c -- the working-day calendar: its page, a day's settings, the command, the
 * import and a unit's own days (src/holiday). */
#include "harness.h"

static int64_t calendar_rows(int year)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    int64_t n = -1;
    if (sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) return -1;
    sqlite3_busy_timeout(h, 5000);
    if (sqlite3_prepare_v2(h, "SELECT count(*) FROM calendar_days WHERE year = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int(st, 1, year);
        if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return n;
}

/* The administrator's calendar page shows a published and a computed year; a day added there
 * changes what `thanthien calendar` prints from the same database, and a due date. */
static void calendar_page_day_and_command(void **state)
{
    (void)state;
    session admin, officer;
    sign_in("admin", &admin);
    sign_in("canbo1", &officer);
    response r = request("GET", "/quan-tri/lich-nghi?nam=2026", NULL, admin.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Năm này theo lịch nghỉ Nhà nước đã công bố");
    assert_contains(r.body, "<time datetime=\"2026-11-24\">24/11/2026</time>");
    assert_contains(r.body, "Ngày Văn hóa Việt Nam (24/11)");
    assert_contains(r.body, "Làm bù cho thứ Sáu 02/01/2026");
    response_free(&r);
    r = request("GET", "/quan-tri/lich-nghi?nam=2027", NULL, admin.cookie, NULL);
    assert_contains(r.body, "Năm này chưa có lịch công bố");
    assert_contains(r.body, "Nghỉ bù Ngày Quốc tế Lao động (1/5)");
    response_free(&r);
    r = request("GET", "/quan-tri/lich-nghi?nam=2027", NULL, officer.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    /* a storm day on Thu 11/03/2027: Wed 10 + 1 working day moves from Thu 11 to Fri 12 */
    char out[320];
    snprintf(out, sizeof out, "%s/calendar.out", dir);
    char *due_argv[] = {(char *)bin, "calendar", "--due", "--from", "2027-03-10 10:00", "--days", "1", "--db", dbpath, NULL};
    assert_int_equal(run(out, due_argv, NULL), 0);
    char *text = slurp(out);
    assert_contains(text, "\n2027-03-11\n");
    free(text);
    char body[512];
    snprintf(body, sizeof body, "_csrf=%s&nam=2027&ngay=2027-03-11&loai=off&ly_do=Ngh%%E1%%BB%%89+do+b%%C3%%A3o", admin.csrf);
    r = request("POST", "/quan-tri/lich-nghi", body, admin.cookie, NULL);
    assert_status(r, 303);
    assert_contains(r.headers, "Location: /quan-tri/lich-nghi?nam=2027&da_luu=1");
    response_free(&r);
    assert_int_equal(calendar_rows(2027), 1);
    r = request("GET", "/quan-tri/lich-nghi?nam=2027&da_luu=1", NULL, admin.cookie, NULL);
    assert_contains(r.body, "Đã lưu.");
    assert_contains(r.body, "Nghỉ do bão");
    response_free(&r);
    assert_int_equal(run(out, due_argv, NULL), 0);
    text = slurp(out);
    assert_contains(text, "\n2027-03-12\n");
    free(text);
    char *year_argv[] = {(char *)bin, "calendar", "--year", "2027", "--db", dbpath, NULL};
    assert_int_equal(run(out, year_argv, NULL), 0);
    text = slurp(out);
    assert_contains(text, "2027-03-11\tNghỉ do bão\n");
    assert_contains(text, "2027-05-03\tNghỉ bù Ngày Quốc tế Lao động (1/5)\n");
    free(text);
    /* without --db: the built-in data only */
    char *builtin[] = {(char *)bin, "calendar", "--year", "2027", NULL};
    assert_int_equal(run(out, builtin, NULL), 0);
    text = slurp(out);
    assert_lacks(text, "Nghỉ do bão");
    assert_contains(text, "2027-01-01\tTết Dương lịch\n");
    free(text);
    /* bad input: a message and exit 2 */
    char *bad1[] = {(char *)bin, "calendar", "--due", "--from", "2027-02-30 10:00", "--days", "1", NULL};
    char *bad2[] = {(char *)bin, "calendar", "--due", "--from", "2027-03-10 10:00", "--days", "-1", NULL};
    char *bad3[] = {(char *)bin, "calendar", "--year", "2027", "--due", NULL};
    char *bad4[] = {(char *)bin, "calendar", "--year", "2027", "--unit", "05443", NULL};
    char *bad5[] = {(char *)bin, "calendar", "--year", "2027", "--unit", "00000", "--db", dbpath, NULL};
    assert_int_equal(run("/dev/null", bad1, NULL), 2);
    assert_int_equal(run("/dev/null", bad2, NULL), 2);
    assert_int_equal(run("/dev/null", bad3, NULL), 2);
    assert_int_equal(run("/dev/null", bad4, NULL), 2);
    assert_int_equal(run("/dev/null", bad5, NULL), 2);
}

/* An import with bad lines names them and saves nothing; a good one replaces the year; the
 * unit's cut-off hour is set on the same page. */
static void calendar_import_and_unit_settings(void **state)
{
    (void)state;
    session admin;
    sign_in("admin", &admin);
    CURL *c = curl_easy_init();
    char *bad = curl_easy_escape(c, "2028-01-01\toff\tTết Dương lịch\n2028-01-02\tmaybe\tX\n2029-01-01\toff\tY\n", 0);
    char *good = curl_easy_escape(c, "# 2028\n2028-01-01\toff\tTết Dương lịch\n2028-01-03\toff\tNghỉ bù Tết Dương lịch\n", 0);
    char body[1024];
    snprintf(body, sizeof body, "_csrf=%s&nam=2028&noi_dung=%s", admin.csrf, bad);
    response r = request("POST", "/quan-tri/lich-nghi/nhap", body, admin.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Tệp lịch có lỗi; chưa có dòng nào được lưu.");
    assert_contains(r.body, "dòng 2: cột thứ hai phải là off");
    assert_contains(r.body, "dòng 3: ngày 2029-01-01 không thuộc năm 2028");
    response_free(&r);
    assert_int_equal(calendar_rows(2028), 0);
    snprintf(body, sizeof body, "_csrf=%s&nam=2028&noi_dung=%s", admin.csrf, good);
    r = request("POST", "/quan-tri/lich-nghi/nhap", body, admin.cookie, NULL);
    assert_status(r, 303);
    assert_contains(r.headers, "da_nhap=2");
    response_free(&r);
    assert_int_equal(calendar_rows(2028), 2);
    r = request("GET", "/quan-tri/lich-nghi?nam=2028", NULL, admin.cookie, NULL);
    assert_contains(r.body, "Năm này theo lịch nghỉ đã nhập");
    assert_lacks(r.body, "Tết Nguyên đán");   /* the imported year has only its own days */
    response_free(&r);
    curl_free(bad);
    curl_free(good);
    curl_easy_cleanup(c);
    /* the ward's cut-off hour and Saturday counting */
    snprintf(body, sizeof body, "_csrf=%s&nam=2027&don_vi=05443&gio_chot=16%%3A30&thu_bay_tinh=1", admin.csrf);
    r = request("POST", "/quan-tri/lich-nghi/don-vi", body, admin.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    r = request("GET", "/quan-tri/lich-nghi?nam=2027&don_vi=05443", NULL, admin.cookie, NULL);
    assert_contains(r.body, "value=\"16:30\"");
    assert_contains(r.body, "value=\"1\" checked");
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&nam=2027&don_vi=05443&gio_chot=25%%3A00", admin.csrf);
    r = request("POST", "/quan-tri/lich-nghi/don-vi", body, admin.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Giờ tiếp nhận cuối trong ngày phải có dạng HH:MM");
    response_free(&r);
    /* the command line applies the unit: Thu 20/05/2027 16:00 is on time, Saturday counts */
    char out[320];
    snprintf(out, sizeof out, "%s/calendar-unit.out", dir);
    char *argv[] = {(char *)bin, "calendar", "--due", "--from", "2027-05-20 16:00", "--days", "2", "--unit", "05443",
                    "--db", dbpath, NULL};
    assert_int_equal(run(out, argv, NULL), 0);
    char *text = slurp(out);
    assert_contains(text, "\n2027-05-22\n");
    free(text);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calendar_page_day_and_command),
        cmocka_unit_test(calendar_import_and_unit_settings),
    };
    int failed = cmocka_run_group_tests_name("holidays", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
