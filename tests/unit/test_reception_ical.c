/* test_reception_ical.c -- cmocka tests of the iCalendar writer (src/reception/reception_ical.c):
 * RFC 5545 content lines end with CRLF and are folded at 75 octets without cutting a UTF-8
 * character, unfolding gives the line back; TEXT values escape backslash, semicolon, comma and
 * newlines; a weekly event has its local DTSTART/DTEND in Asia/Ho_Chi_Minh, its RRULE by
 * weekday and a DTSTAMP in UTC; the sessions a holiday cancels are EXDATEs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../src/core/arena.h"
#include "../../src/core/calendar.h"
#include "../../src/reception/reception.h"

/* Checks every physical line of text (CRLF, at most 75 octets, a continuation starts with a
 * space followed by the first byte of a character) and returns it unfolded (malloc'd). */
static char *checked_unfold(const char *text)
{
    const char *line = text;
    while (*line) {
        const char *end = strstr(line, "\r\n");
        assert_non_null(end);
        assert_true(end - line <= 75);
        if (line != text && *line == ' ') assert_true(((unsigned char)line[1] & 0xC0) != 0x80);
        line = end + 2;
    }
    char *out = malloc(strlen(text) + 1), *w = out;
    for (const char *p = text; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
            p += 2;
            continue;
        }
        *w++ = *p;
    }
    *w = '\0';
    return out;
}

static void folds_at_75_octets_between_characters(void **state)
{
    (void)state;
    arena *a = arena_new();
    for (int shift = 0; shift < 4; shift++) {   /* the two-byte letters fall on every boundary */
        buf b;
        buf_init(&b, a);
        char value[1024] = "";
        for (int i = 0; i < shift; i++) strcat(value, "x");
        for (int i = 0; i < 150; i++) strcat(value, i % 3 ? "đ" : "ệ");   /* 2 and 3 bytes */
        ical_line(&b, "DESCRIPTION", value, true);
        char *flat = checked_unfold(buf_cstr(&b));
        char want[1100];
        snprintf(want, sizeof want, "DESCRIPTION:%s\r\n", value);
        assert_string_equal(flat, want);
        free(flat);
    }
    /* a short line is not folded */
    buf b;
    buf_init(&b, a);
    ical_line(&b, "VERSION", "2.0", false);
    assert_string_equal(buf_cstr(&b), "VERSION:2.0\r\n");
    arena_free(a);
}

static void text_values_are_escaped(void **state)
{
    (void)state;
    arena *a = arena_new();
    buf b;
    buf_init(&b, a);
    ical_line(&b, "LOCATION", "Phòng 1, tầng 2; trụ sở\\UBND\r\ndòng 2\ndòng 3", true);
    assert_string_equal(buf_cstr(&b), "LOCATION:Phòng 1\\, tầng 2\\; trụ sở\\\\UBND\\ndòng 2\\ndòng 3\r\n");
    /* unescaped values (RRULE) keep their ; and , */
    buf_init(&b, a);
    ical_line(&b, "RRULE", "FREQ=WEEKLY;BYDAY=TH", false);
    assert_string_equal(buf_cstr(&b), "RRULE:FREQ=WEEKLY;BYDAY=TH\r\n");
    arena_free(a);
}

static void weekly_event_in_vietnam_time(void **state)
{
    (void)state;
    arena *a = arena_new();
    /* Thursday 03/12/2026 07:30 in Vietnam is 00:30 UTC */
    int64_t start = cal_instant(cal_from_ymd(2026, 12, 3), 7 * 60 + 30);
    int64_t stamp = (int64_t)cal_from_ymd(2026, 12, 4) * 86400 + 8 * 3600 + 5 * 60;   /* 08:05:00 UTC */
    ical_event ev[2] = {
        {.uid = "a@x", .summary = "Tiếp công dân", .location = "Phòng tiếp công dân", .start = start,
         .end = start + 4 * 3600, .weekday = 4, .stamp = stamp},
        {.uid = "b@x", .summary = "Đối thoại", .start = start + 86400, .end = start + 86400 + 3600, .weekday = -1,
         .stamp = stamp},
    };
    char *text = checked_unfold(reception_ical(a, "Lịch, tiếp dân", ev, 2));
    assert_non_null(strstr(text, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    assert_non_null(strstr(text, "X-WR-CALNAME:Lịch\\, tiếp dân\r\n"));
    assert_non_null(strstr(text, "TZID:Asia/Ho_Chi_Minh\r\n"));
    assert_non_null(strstr(text, "TZOFFSETTO:+0700\r\n"));
    assert_non_null(strstr(text, "UID:a@x\r\nDTSTAMP:20261204T080500Z\r\n"
                                 "DTSTART;TZID=Asia/Ho_Chi_Minh:20261203T073000\r\n"
                                 "DTEND;TZID=Asia/Ho_Chi_Minh:20261203T113000\r\n"
                                 "RRULE:FREQ=WEEKLY;BYDAY=TH\r\n"));
    /* the single event has no RRULE */
    const char *b = strstr(text, "UID:b@x");
    assert_non_null(b);
    assert_null(strstr(b, "RRULE"));
    assert_non_null(strstr(b, "DTSTART;TZID=Asia/Ho_Chi_Minh:20261204T073000\r\n"));
    assert_int_equal(strcmp(text + strlen(text) - 15, "END:VCALENDAR\r\n"), 0);
    free(text);
    arena_free(a);
}

/* A weekly session on a Wednesday that a holiday cancels: reception_exdates finds the holiday
 * Wednesdays of the calendar (never a normal week, never before the first session), and the
 * event carries them as one EXDATE in the DTSTART's zone, parsed back. */
static void holiday_cancels_a_weekly_session(void **state)
{
    (void)state;
    arena *a = arena_new();
    calendar *c = calendar_new();
    /* 30/4 and 1/5 off (2027: Friday and Saturday, the Saturday gives a nghỉ bù on Monday 3/5),
     * and a local day off on Wednesday 16/6/2027 */
    const char *rules = "-\t-\tsolar\t04-30\t1\tGiải phóng miền Nam\n"
                        "-\t-\tsolar\t05-01\t1\tQuốc tế Lao động\n"
                        "-\t-\tsolar\t06-16\t1\tNgày nghỉ của tỉnh\n";
    err e = {0};
    assert_int_equal(calendar_add_rules_tsv(c, rules, strlen(rules), &e), 0);
    /* Wednesday 02/12/2026 14:00, now Friday 04/12/2026 */
    int64_t first = cal_instant(cal_from_ymd(2026, 12, 2), 14 * 60);
    int64_t now = cal_instant(cal_from_ymd(2026, 12, 4), 10 * 60);
    const int64_t *ex;
    size_t n = reception_exdates(c, &CAL_UNIT_DEFAULT, first, now, a, &ex);
    assert_int_equal(n, 1);   /* 16/6/2027; 30/4 is a Friday, 3/5 a Monday */
    assert_true(ex[0] == cal_instant(cal_from_ymd(2027, 6, 16), 14 * 60));
    /* a Friday session loses 30/4/2027; one that starts after it does not */
    n = reception_exdates(c, &CAL_UNIT_DEFAULT, cal_instant(cal_from_ymd(2026, 12, 4), 8 * 60), now, a, &ex);
    assert_int_equal(n, 1);
    assert_true(ex[0] == cal_instant(cal_from_ymd(2027, 4, 30), 8 * 60));
    assert_int_equal(reception_exdates(c, &CAL_UNIT_DEFAULT, cal_instant(cal_from_ymd(2027, 5, 7), 8 * 60), now, a, &ex), 0);
    /* a Saturday session is never cancelled by the weekend */
    assert_int_equal(reception_exdates(c, &CAL_UNIT_DEFAULT, cal_instant(cal_from_ymd(2026, 12, 5), 8 * 60), now, a, &ex), 0);

    /* the weekly Wednesday event with its EXDATE, parsed back */
    n = reception_exdates(c, &CAL_UNIT_DEFAULT, first, now, a, &ex);
    ical_event ev = {.uid = "w@x", .summary = "Tiếp công dân", .start = first, .end = first + 2 * 3600, .weekday = 3,
                     .stamp = now, .exdates = ex, .nexdates = n};
    char *text = checked_unfold(reception_ical(a, "Lịch", &ev, 1));
    const char *p = strstr(text, "RRULE:FREQ=WEEKLY;BYDAY=WE\r\nEXDATE;TZID=Asia/Ho_Chi_Minh:");
    assert_non_null(p);
    p = strchr(p + strlen("RRULE:"), ':') + 1;   /* after "EXDATE;TZID=Asia/Ho_Chi_Minh:" */
    int y, mo, d, h, mi, s;
    assert_int_equal(sscanf(p, "%4d%2d%2dT%2d%2d%2d", &y, &mo, &d, &h, &mi, &s), 6);
    assert_true(cal_instant(cal_from_ymd(y, mo, d), h * 60 + mi) == ex[0]);
    assert_int_equal(p[15], '\r');   /* one date: no comma */
    /* two dates: comma-separated in one property */
    int64_t two[2] = {ex[0], cal_instant(cal_from_ymd(2027, 6, 23), 14 * 60)};
    ev.exdates = two;
    ev.nexdates = 2;
    char *text2 = checked_unfold(reception_ical(a, "Lịch", &ev, 1));
    assert_non_null(strstr(text2, "EXDATE;TZID=Asia/Ho_Chi_Minh:20270616T140000,20270623T140000\r\n"));
    /* a single event never has one */
    ev.weekday = -1;
    char *text3 = checked_unfold(reception_ical(a, "Lịch", &ev, 1));
    assert_null(strstr(text3, "EXDATE"));
    free(text);
    free(text2);
    free(text3);
    calendar_free(c);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folds_at_75_octets_between_characters),
        cmocka_unit_test(text_values_are_escaped),
        cmocka_unit_test(weekly_event_in_vietnam_time),
        cmocka_unit_test(holiday_cancels_a_weekly_session),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
