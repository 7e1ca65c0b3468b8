/* test_holiday.c -- cmocka tests of the calendar as the program keeps it (src/holiday):
 * a real SQLite file with the demo data, the built-in schedules, the days and imports an
 * administrator saves, the unit settings, and the cache that must notice every change.
 *
 * The group setup makes a temporary directory with a migrated demo database; the tests run
 * in order on it (later tests see what earlier ones saved); the teardown removes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "testdir.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/account/account.h"
#include "../../src/core/arena.h"
#include "../../src/core/calendar.h"
#include "../../src/demo/demo.h"
#include "../../src/holiday/holiday.h"
#include "../../src/store/db.h"

static struct {
    char dir[64];
    char path[160];
    db *d;
    int64_t admin;   /* the demo administrator's user id */
} fx;

static int64_t q_int(db *d, const char *sql, const char *param)
{
    db_stmt *s = db_prepare(d, sql);
    assert_non_null(s);
    if (param) db_bind_text(s, 1, param);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(fx.dir, sizeof fx.dir, "/tmp/thanthien-holiday-XXXXXX");
    if (!mkdtemp(fx.dir)) return -1;
    snprintf(fx.path, sizeof fx.path, "%s/main.db", fx.dir);
    err e = {0};
    fx.d = db_open(fx.path, &e);
    if (!fx.d || db_migrate(fx.d, &e) != 0 || demo_create(fx.d, &e) != 0) {
        fprintf(stderr, "setup: %s / %s\n", e.user, e.log);
        return -1;
    }
    db_stmt *s = db_prepare(fx.d, "SELECT id FROM users WHERE username = 'admin'");
    fx.admin = s && db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    if (s) db_done(s);
    holiday_invalidate();   /* a calendar of another database must not be reused */
    return fx.admin > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    db_close(fx.d);
    holiday_cleanup();
    testdir_remove(fx.dir);
    return 0;
}

static cal_day D(const char *iso)
{
    cal_day d = 0;
    if (!cal_parse_date(iso, &d)) fail_msg("bad date in test: %s", iso);
    return d;
}

static const calendar *cal(void)
{
    err e = {0};
    const calendar *c = holiday_calendar(fx.d, &e);
    if (!c) fail_msg("holiday_calendar: %s (%s)", e.user, e.log);
    return c;
}

/* The due day of N working days for a dossier received at local "YYYY-MM-DD HH:MM". */
static const char *due(const cal_unit *u, const char *received, int days)
{
    static char out[11];
    char date[11];
    memcpy(date, received, 10);
    date[10] = '\0';
    int64_t t = cal_instant(D(date), atoi(received + 11) * 60 + atoi(received + 14));
    cal_format(calendar_due_day(cal(), u, t, days), out);
    return out;
}

static int64_t rows(void) { return q_int(fx.d, "SELECT count(*) FROM calendar_days", NULL); }
static int64_t version(void) { return q_int(fx.d, "SELECT version FROM calendar_state WHERE id = 1", NULL); }
static int64_t audits(const char *action) { return q_int(fx.d, "SELECT count(*) FROM audit_log WHERE action = ?", action); }

/* ---- the tests ---------------------------------------------------------------------------- */

static void builtin_data_without_rows(void **state)
{
    (void)state;
    assert_int_equal(rows(), 0);
    const calendar *c = cal();
    assert_true(calendar_year_published(c, 2024));
    assert_true(calendar_year_published(c, 2026));
    assert_false(calendar_year_published(c, 2027));
    assert_string_equal(calendar_reason(c, NULL, D("2026-11-24")), "Ngày Văn hóa Việt Nam (24/11)");
    /* the same object until something changes */
    assert_ptr_equal(cal(), c);
    /* the built-in calendar alone (no database) agrees */
    err e = {0};
    const calendar *b = holiday_calendar(NULL, &e);
    assert_non_null(b);
    assert_string_equal(calendar_reason(b, NULL, D("2026-02-17")), "Tết Nguyên đán (mùng 1 Tết Bính Ngọ)");
}

static void admin_day_changes_a_due_date(void **state)
{
    (void)state;
    /* Wed 10/03/2027, 1 working day: Thu 11 -- then a storm closes offices on Thu 11 */
    assert_string_equal(due(NULL, "2027-03-10 10:00", 1), "2027-03-11");
    const calendar *before = cal();
    int64_t v = version(), a = audits("calendar.day");
    err e = {0};
    assert_int_equal(holiday_day_save(fx.d, "2027-03-11", "off", "Nghỉ do bão số 3", fx.admin, &e), 0);
    assert_int_equal(version(), v + 1);
    assert_int_equal(audits("calendar.day"), a + 1);
    assert_string_equal(due(NULL, "2027-03-10 10:00", 1), "2027-03-12");
    const calendar *c = cal();
    assert_ptr_not_equal(c, before);
    assert_string_equal(calendar_reason(c, NULL, D("2027-03-11")), "Nghỉ do bão số 3");
    /* one day does not publish the year: Tết 2027 is still computed */
    assert_false(calendar_year_published(c, 2027));
    assert_string_equal(calendar_reason(c, NULL, D("2027-02-09")), "Tết Nguyên đán");
    /* saving the same day again replaces it: a make-up Saturday instead */
    assert_int_equal(holiday_day_save(fx.d, "2027-03-13", "work", "Làm bù cho ngày nghỉ do bão", fx.admin, &e), 0);
    assert_string_equal(due(NULL, "2027-03-12 10:00", 1), "2027-03-13");
    assert_int_equal(holiday_day_save(fx.d, "2027-03-13", "off", "Không làm bù nữa", fx.admin, &e), 0);
    assert_string_equal(due(NULL, "2027-03-12 10:00", 1), "2027-03-15");
    assert_int_equal(q_int(fx.d, "SELECT count(*) FROM calendar_days WHERE day = ?", "2027-03-13"), 1);
    /* a day in a published year overrides its schedule too */
    assert_int_equal(holiday_day_save(fx.d, "2026-12-31", "off", "Nghỉ cuối năm (thử)", fx.admin, &e), 0);
    assert_string_equal(due(NULL, "2026-12-30 10:00", 1), "2027-01-04");   /* 31 off, 1/1 off, (2–3) Mon 4 */
    assert_true(calendar_year_published(cal(), 2026));
}

static void admin_day_checks_its_input(void **state)
{
    (void)state;
    int64_t n = rows(), v = version();
    struct {
        const char *day, *kind, *reason, *field;
    } bad[] = {
        {"2027-02-30", "off", "X", "ngay"},   {"11/03/2027", "off", "X", "ngay"},  {"1850-01-01", "off", "X", "ngay"},
        {"2027-03-16", "nghỉ", "X", "loai"},  {"2027-03-16", NULL, "X", "loai"},   {"2027-03-16", "off", "  ", "ly_do"},
        {"2027-03-16", "off", NULL, "ly_do"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err e = {0};
        assert_int_equal(holiday_day_save(fx.d, bad[i].day, bad[i].kind, bad[i].reason, fx.admin, &e), -1);
        assert_int_equal(e.status, 400);
        assert_string_equal(e.field, bad[i].field);
    }
    char long_reason[400];
    memset(long_reason, 'a', 101);
    long_reason[101] = '\0';
    err e = {0};
    assert_int_equal(holiday_day_save(fx.d, "2027-03-16", "off", long_reason, fx.admin, &e), -1);
    assert_int_equal(rows(), n);
    assert_int_equal(version(), v);
}

static const char bad_tsv[] =
    "# lịch năm 2027 (thử)\n"
    "2027-02-05\toff\tTết Nguyên đán\n"
    "2027-02-08\tnghỉ\tTết Nguyên đán\n"           /* line 3: not off|work */
    "2028-01-01\toff\tTết Dương lịch 2028\n"       /* line 4: another year */
    "2027-02-30\toff\tNgày không có\n"             /* line 5: no such date */
    "2027-02-05\toff\tLặp lại\n"                   /* line 6: the same day as line 2 */
    "2027-02-09\toff\n";                           /* line 7: a column missing */

static void import_errors_save_nothing(void **state)
{
    (void)state;
    arena *a = arena_new();
    int64_t n = rows(), v = version(), years = q_int(fx.d, "SELECT count(*) FROM calendar_years", NULL);
    const calendar *c = cal();
    int count = -1;
    char *report = NULL;
    err e = {0};
    assert_int_equal(holiday_import(fx.d, a, 2027, bad_tsv, strlen(bad_tsv), "lich-2027.tsv", fx.admin, &count, &report, &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.user, "Tệp lịch có lỗi; chưa có dòng nào được lưu.");
    assert_int_equal(count, 0);
    const char *expect[] = {"dòng 3: cột thứ hai phải là off", "dòng 4: ngày 2028-01-01 không thuộc năm 2027",
                            "dòng 5: ngày không hợp lệ", "dòng 6: ngày 2027-02-05 đã có ở dòng 2",
                            "dòng 7: cần đúng 3 cột"};
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++)
        if (!strstr(report, expect[i])) fail_msg("report lacks \"%s\":\n%s", expect[i], report);
    assert_null(strstr(report, "dòng 2:"));
    /* nothing saved, nothing changed: rows, years, version, the cached calendar */
    assert_int_equal(rows(), n);
    assert_int_equal(version(), v);
    assert_int_equal(q_int(fx.d, "SELECT count(*) FROM calendar_years", NULL), years);
    assert_ptr_equal(cal(), c);
    assert_false(calendar_year_published(c, 2027));
    /* an empty file, a file of comments, a year out of range: refused the same way */
    assert_int_equal(holiday_import(fx.d, a, 2027, "# chỉ có ghi chú\n", 17, "x", fx.admin, &count, &report, &e), -1);
    assert_non_null(strstr(report, "không có ngày nào"));
    assert_int_equal(holiday_import(fx.d, a, 1850, "1850-01-01\toff\tX\n", 17, "x", fx.admin, &count, &report, &e), -1);
    assert_int_equal(rows(), n);
    arena_free(a);
}

static const char good_tsv[] =
    "# Lịch nghỉ năm 2027 (thử): Tết khác với quy tắc mặc định\r\n"
    "2027-01-01\toff\tTết Dương lịch\r\n"
    "2027-02-04\toff\tTết Nguyên đán (29 tháng Chạp)\r\n"
    "2027-02-05\toff\tTết Nguyên đán (30 tháng Chạp)\r\n"
    "2027-02-08\toff\tTết Nguyên đán (mùng 3)\r\n"
    "2027-02-09\toff\tNghỉ bù Tết Nguyên đán\r\n"
    "2027-02-10\toff\tNghỉ bù Tết Nguyên đán\r\n"
    "2027-02-20\twork\tLàm bù\r\n";

static void import_replaces_the_year(void **state)
{
    (void)state;
    arena *a = arena_new();
    int count = 0;
    char *report = NULL;
    err e = {0};
    int64_t imports = audits("calendar.import");
    assert_int_equal(holiday_import(fx.d, a, 2027, good_tsv, strlen(good_tsv), "lich-2027.tsv", fx.admin, &count, &report, &e), 0);
    assert_int_equal(count, 7);
    assert_int_equal(audits("calendar.import"), imports + 1);
    assert_int_equal(q_int(fx.d, "SELECT count(*) FROM calendar_days WHERE year = 2027", NULL), 7);
    assert_string_equal(holiday_year_source(fx.d, a, 2027), "lich-2027.tsv");
    assert_null(holiday_year_source(fx.d, a, 2028));
    const calendar *c = cal();
    assert_true(calendar_year_published(c, 2027));
    /* the storm day added before the import is gone with the rest of the year's rows */
    assert_null(calendar_reason(c, NULL, D("2027-03-11")));
    assert_string_equal(due(NULL, "2027-03-10 10:00", 1), "2027-03-11");
    /* the imported Tết: Wed 3/2, 1 day -> Thu 4 and Fri 5 off, (6–7), Mon 8–Wed 10 off: Thu 11
     * (the rules would have given Fri 12); Thu 11 3 days -> Fri 12, Mon 15, ... */
    assert_string_equal(due(NULL, "2027-02-03 10:00", 1), "2027-02-11");
    assert_string_equal(calendar_reason(c, NULL, D("2027-02-04")), "Tết Nguyên đán (29 tháng Chạp)");
    assert_null(calendar_reason(c, NULL, D("2027-02-11")));
    /* the make-up Saturday 20/2 */
    assert_string_equal(due(NULL, "2027-02-19 10:00", 1), "2027-02-20");
    /* in an imported year, a rule's holiday that the file leaves out is a working day:
     * Giỗ Tổ 2027 (Fri 16/4) is not in this test file */
    assert_true(calendar_is_working(c, NULL, D("2027-04-16")));
    /* importing again replaces the year again */
    const char small[] = "2027-04-16\toff\tGiỗ Tổ Hùng Vương\n";
    assert_int_equal(holiday_import(fx.d, a, 2027, small, strlen(small), "", fx.admin, &count, &report, &e), 0);
    assert_int_equal(q_int(fx.d, "SELECT count(*) FROM calendar_days WHERE year = 2027", NULL), 1);
    c = cal();
    assert_false(calendar_is_working(c, NULL, D("2027-04-16")));
    assert_true(calendar_is_working(c, NULL, D("2027-02-04")));
    /* an import for a built-in year replaces the built-in schedule */
    const char y2026[] = "2026-11-24\toff\tNgày Văn hóa Việt Nam\n2026-11-23\toff\tNghỉ hoán đổi (thử)\n";
    assert_int_equal(holiday_import(fx.d, a, 2026, y2026, strlen(y2026), "2026.tsv", fx.admin, &count, &report, &e), 0);
    c = cal();
    assert_true(calendar_is_working(c, NULL, D("2026-02-17")));   /* the built-in Tết is gone */
    assert_false(calendar_is_working(c, NULL, D("2026-11-23")));
    assert_null(calendar_reason(c, NULL, D("2026-12-31")));        /* the admin day of 2026 went too */
    arena_free(a);
}

static void unit_settings(void **state)
{
    (void)state;
    int64_t unit = account_unit_id(fx.d, "05443");   /* the demo's Saturday-service ward */
    assert_true(unit > 0);
    cal_unit u = holiday_unit(fx.d, unit);
    assert_int_equal(u.cutoff_minutes, 900);
    assert_true(u.saturday_service);
    assert_false(u.saturday_counts);
    /* Thu 20/05/2027 at 16:00, 1 working day: after 15:00, so D0 Fri 21 and due Mon 24 */
    assert_string_equal(due(&u, "2027-05-20 16:00", 1), "2027-05-24");
    err e = {0};
    int64_t a = audits("unit.calendar");
    assert_int_equal(holiday_unit_save(fx.d, unit, "16:30", true, fx.admin, &e), 0);
    assert_int_equal(audits("unit.calendar"), a + 1);
    u = holiday_unit(fx.d, unit);
    assert_int_equal(u.cutoff_minutes, 16 * 60 + 30);
    assert_true(u.saturday_counts);
    /* now 16:00 is on time (D0 Thu 20) and Saturday 22 counts */
    assert_string_equal(due(&u, "2027-05-20 16:00", 1), "2027-05-21");
    assert_string_equal(due(&u, "2027-05-20 16:00", 2), "2027-05-22");
    /* bad input changes nothing */
    const char *bad[] = {"25:00", "16:60", "4pm", "", "16:3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err be = {0};
        assert_int_equal(holiday_unit_save(fx.d, unit, bad[i], false, fx.admin, &be), -1);
        assert_int_equal(be.status, 400);
        assert_string_equal(be.field, "gio_chot");
    }
    err ne = {0};
    assert_int_equal(holiday_unit_save(fx.d, 999999, "15:00", false, fx.admin, &ne), -1);
    assert_int_equal(ne.status, 404);
    u = holiday_unit(fx.d, unit);
    assert_int_equal(u.cutoff_minutes, 16 * 60 + 30);
    /* an unknown unit has the defaults */
    cal_unit none = holiday_unit(fx.d, 999999);
    assert_int_equal(none.cutoff_minutes, 900);
    assert_false(none.saturday_counts);
}

/* A change made through another connection (another process: the command line while the
 * server runs) is seen at the next call, through calendar_state.version. */
static void another_connection_is_noticed(void **state)
{
    (void)state;
    const calendar *c = cal();
    assert_true(calendar_is_working(c, NULL, D("2028-03-15")));
    err e = {0};
    db *other = db_open(fx.path, &e);
    assert_non_null(other);
    assert_int_equal(db_exec(other, "INSERT INTO calendar_days (day, year, kind, reason, created_at) "
                                    "VALUES ('2028-03-15', 2028, 'off', 'Ngày thêm từ nơi khác', 0)"),
                     DB_DONE);
    assert_int_equal(db_exec(other, "UPDATE calendar_state SET version = version + 1 WHERE id = 1"), DB_DONE);
    db_close(other);
    c = cal();
    assert_string_equal(calendar_reason(c, NULL, D("2028-03-15")), "Ngày thêm từ nơi khác");
}

#define T(fn) cmocka_unit_test(fn)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(builtin_data_without_rows),
        T(admin_day_changes_a_due_date),
        T(admin_day_checks_its_input),
        T(import_errors_save_nothing),
        T(import_replaces_the_year),
        T(unit_settings),
        T(another_connection_is_noticed),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
