/* test_reception_ical.c -- cmocka tests of the iCalendar writer (src/reception/reception_ical.c):
 * RFC 5545 content lines end with CRLF and are folded at 75 octets without cutting a UTF-8
 * character, unfolding gives the line back; TEXT values escape backslash, semicolon, comma and
 * newlines; a weekly event has its local DTSTART/DTEND in Asia/Ho_Chi_Minh, its RRULE by
 * weekday and a DTSTAMP in UTC. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folds_at_75_octets_between_characters),
        cmocka_unit_test(text_values_are_escaped),
        cmocka_unit_test(weekly_event_in_vietnam_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
