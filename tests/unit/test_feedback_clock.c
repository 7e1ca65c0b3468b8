/* test_feedback_clock.c -- the deadlines of feedback, complaints and denunciations as the law
 * counts them (src/feedback/feedback_clock.c) over the rule rows migration 016 seeds and the
 * built-in working-day calendar: the change of 1 July 2026, working days across Tết, calendar-day
 * periods that end on a day off, suspensions; and the attachment sniffer and the masking of
 * published answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "testdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/calendar.h"
#include "../../src/feedback/feedback.h"
#include "../../src/holiday/holiday.h"
#include "../../src/store/db.h"

static struct {
    char dir[64], path[160];
    db *d;
    arena *a;
    feedback_rule *rules;
    int n;
    const calendar *cal;
} fx;

static int group_setup(void **state)
{
    (void)state;
    snprintf(fx.dir, sizeof fx.dir, "/tmp/thanthien-fbclock-XXXXXX");
    if (!mkdtemp(fx.dir)) return -1;
    snprintf(fx.path, sizeof fx.path, "%s/main.db", fx.dir);
    err e = {0};
    fx.d = db_open(fx.path, &e);
    if (!fx.d || db_migrate(fx.d, &e) != 0) {
        fprintf(stderr, "setup: %s / %s\n", e.user, e.log);
        return -1;
    }
    fx.a = arena_new();
    holiday_invalidate();
    if (feedback_rules_load(fx.d, fx.a, &fx.rules, &fx.n) || fx.n == 0) return -1;
    fx.cal = holiday_calendar(fx.d, &e);
    return fx.cal ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    arena_free(fx.a);
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

/* local "YYYY-MM-DD" at 09:00 */
static int64_t at9(const char *iso) { return cal_instant(D(iso), 9 * 60); }

static const char *day_of(int64_t t)
{
    static char out[11];
    cal_format(cal_local_day(t), out);
    return out;
}

static const feedback_rule *rule(const char *kind, const char *step, const char *day)
{
    return feedback_rule_for(fx.rules, fx.n, kind, step, D(day));
}

/* The deadline of kind/step counted from an instant received on `day` at 09:00. */
static const char *deadline(const char *kind, const char *step, const char *day, bool remote)
{
    const feedback_rule *r = rule(kind, step, day);
    if (!r) fail_msg("no rule %s/%s on %s", kind, step, day);
    int days = remote && r->remote_days >= 0 ? r->remote_days : r->days;
    return day_of(feedback_deadline(fx.cal, NULL, at9(day), days, r->working));
}

static void complaint_acceptance_changes_on_1_july_2026(void **state)
{
    (void)state;
    const feedback_rule *before = rule("khieu_nai", "accept", "2026-06-30"),
                        *after = rule("khieu_nai", "accept", "2026-07-01");
    assert_non_null(before);
    assert_non_null(after);
    assert_int_equal(before->days, 10);
    assert_int_equal(after->days, 7);
    assert_true(before->working && after->working);
    assert_non_null(strstr(after->source, "155/2026"));
    /* Tue 30/6/2026 + 10 working days = Tue 14/7; Wed 1/7/2026 + 7 working days = Fri 10/7 */
    assert_string_equal(deadline("khieu_nai", "accept", "2026-06-30", false), "2026-07-14");
    assert_string_equal(deadline("khieu_nai", "accept", "2026-07-01", false), "2026-07-10");
    /* a case received earlier keeps the old row: 1/6/2020 is under the 2012 law */
    assert_int_equal(rule("khieu_nai", "accept", "2020-06-01")->days, 10);
    /* suspending a complaint's resolution exists only from 1/7/2026 (Art. 11a); a denunciation's
     * since the 2018 law */
    assert_null(rule("khieu_nai", "suspend", "2026-06-30"));
    assert_non_null(rule("khieu_nai", "suspend", "2026-07-01"));
    assert_non_null(rule("to_cao", "suspend", "2020-01-01"));
    assert_null(rule("phan_anh", "suspend", "2026-08-01"));
    /* before the Complaints Law took effect there is no row at all */
    assert_null(rule("khieu_nai", "accept", "2012-06-30"));
}

static void working_days_skip_tet(void **state)
{
    (void)state;
    /* Tết Bính Ngọ: the 2026 schedule has Sat 14/2 to Sun 22/2 off. A denunciation received on
     * Thu 12/2/2026 has 7 working days: 13/2, 23, 24, 25, 26, 27/2, 2/3. */
    assert_true(calendar_is_working(fx.cal, NULL, D("2026-02-13")));
    assert_false(calendar_is_working(fx.cal, NULL, D("2026-02-16")));
    assert_false(calendar_is_working(fx.cal, NULL, D("2026-02-20")));
    assert_string_equal(deadline("to_cao", "accept", "2026-02-12", false), "2026-03-02");
    /* the portal's 15 working days for a phản ánh received on 10/2/2026 */
    assert_string_equal(deadline("phan_anh", "resolve", "2026-02-10", false), "2026-03-10");
}

static void calendar_days_end_on_a_working_day(void **state)
{
    (void)state;
    /* complaint accepted Fri 6/3/2026: 30 days = Sun 5/4 -> Mon 6/4 (Civil Code Art. 148(5)) */
    assert_string_equal(deadline("khieu_nai", "resolve", "2026-03-06", false), "2026-04-06");
    /* accepted Tue 31/3/2026: 30 days = Thu 30/4 (holiday), 1/5 holiday, weekend -> Mon 4/5 */
    assert_string_equal(deadline("khieu_nai", "resolve", "2026-03-31", false), "2026-05-04");
    /* remote area: 45 days from Mon 2/3/2026 = Thu 16/4 */
    assert_string_equal(deadline("khieu_nai", "resolve", "2026-03-02", true), "2026-04-16");
    /* the extension of a complex complaint adds 15 (so 45 in all), of a denunciation 30 (twice) */
    assert_int_equal(rule("khieu_nai", "extend", "2026-08-01")->days, 15);
    assert_int_equal(rule("khieu_nai", "extend", "2026-08-01")->max_count, 1);
    assert_int_equal(rule("to_cao", "extend", "2026-08-01")->days, 30);
    assert_int_equal(rule("to_cao", "extend", "2026-08-01")->max_count, 2);
    /* biểu dương has no clock */
    assert_null(rule("bieu_duong", "resolve", "2026-08-01"));
}

static void suspension_adds_the_days_it_lasted(void **state)
{
    (void)state;
    /* calendar clock: suspended Mon 4/5/2026, resumed Mon 18/5: 14 days */
    assert_int_equal(feedback_paused_days(fx.cal, NULL, at9("2026-05-04"), at9("2026-05-18"), false), 14);
    /* working clock: suspended Fri 13/2/2026, resumed Tue 24/2: working days in (13/2, 24/2] = 23, 24 */
    assert_int_equal(feedback_paused_days(fx.cal, NULL, at9("2026-02-13"), at9("2026-02-24"), true), 2);
    /* resumed the same day or before: nothing */
    assert_int_equal(feedback_paused_days(fx.cal, NULL, at9("2026-05-04"), at9("2026-05-04"), false), 0);
    assert_int_equal(feedback_paused_days(fx.cal, NULL, at9("2026-05-04"), at9("2026-05-01"), true), 0);
}

static void sniffer_reads_content_not_names(void **state)
{
    (void)state;
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'};
    static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0";
    static const unsigned char webp[] = "RIFF\x24\0\0\0WEBPVP8 \0\0";
    static const unsigned char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    static const unsigned char html[] = "<html><script>alert(1)</script></html>";
    static const unsigned char exe[] = "MZ\x90\0\3\0\0\0";
    assert_string_equal(feedback_sniff(jpeg, sizeof jpeg), "image/jpeg");
    assert_string_equal(feedback_sniff(png, sizeof png - 1), "image/png");
    assert_string_equal(feedback_sniff(webp, sizeof webp - 1), "image/webp");
    assert_string_equal(feedback_sniff(pdf, sizeof pdf - 1), "application/pdf");
    assert_null(feedback_sniff(html, sizeof html - 1));
    assert_null(feedback_sniff(exe, sizeof exe - 1));
    assert_null(feedback_sniff(jpeg, 2));
    assert_null(feedback_sniff(NULL, 0));
    /* "%PDF-" without a version digit is not a PDF */
    assert_null(feedback_sniff((const unsigned char *)"%PDF-x", 6));
    err e = {0};
    feedback_upload big = {.name = "a.jpg", .data = jpeg, .len = FEEDBACK_FILE_MAX + 1};
    assert_int_equal(feedback_file_check(&big, &e), -1);
    assert_int_equal(e.status, 413);
    feedback_upload fake = {.name = "anh.jpg", .data = html, .len = sizeof html - 1};
    assert_int_equal(feedback_file_check(&fake, &e), -1);
    assert_int_equal(e.status, 415);
}

static void mask_hides_personal_data(void **state)
{
    (void)state;
    feedback_case c = {.name = "Nguyễn Văn An", .phone = "0912345678", .email = "an@example.vn",
                       .address = "Tổ 5, phường Phan Đình Phùng", .id_number = "001099012345"};
    const char *m = feedback_mask(fx.a, &c,
        "Ông Nguyễn Văn An (0912 345 678, an@example.vn, CCCD 001099012345) ở Tổ 5, phường Phan Đình Phùng phản ánh "
        "đèn đường hỏng; bà Lan gọi 0987.654.321 hoặc lan.tran@mail.vn.");
    assert_null(strstr(m, "Nguyễn Văn An"));
    assert_null(strstr(m, "345"));
    assert_null(strstr(m, "example"));
    assert_null(strstr(m, "001099012345"));
    assert_null(strstr(m, "Tổ 5"));
    assert_null(strstr(m, "654"));
    assert_null(strstr(m, "lan.tran"));
    assert_null(strstr(m, "mail.vn"));
    assert_non_null(strstr(m, "đèn đường hỏng"));
    assert_non_null(strstr(m, "***"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(complaint_acceptance_changes_on_1_july_2026),
        cmocka_unit_test(working_days_skip_tet),
        cmocka_unit_test(calendar_days_end_on_a_working_day),
        cmocka_unit_test(suspension_adds_the_days_it_lasted),
        cmocka_unit_test(sniffer_reads_content_not_names),
        cmocka_unit_test(mask_hides_personal_data),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
