/* test_vntime.c -- cmocka tests of Vietnam time (src/core/vntime.h): the day turns at 17:00
 * UTC, the shapes staff read, and the one HH:MM parser, which takes exactly 00:00-23:59. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "../../src/core/arena.h"
#include "../../src/core/calendar.h"
#include "../../src/core/vntime.h"

/* Unix seconds of a UTC civil time */
static int64_t utc(int y, int m, int d, int h, int mi, int s)
{
    return (int64_t)cal_from_ymd(y, m, d) * 86400 + h * 3600 + mi * 60 + s;
}

static void day_turns_at_17_utc(void **state)
{
    (void)state;
    int64_t before = utc(2026, 3, 4, 16, 59, 59), at = utc(2026, 3, 4, 17, 0, 0);
    assert_int_equal(vn_day(before), cal_from_ymd(2026, 3, 4));
    assert_int_equal(vn_day(at), cal_from_ymd(2026, 3, 5));
    assert_int_equal(vn_second_of_day(before), 86399);
    assert_int_equal(vn_second_of_day(at), 0);
    assert_int_equal(cal_local_day(at), cal_from_ymd(2026, 3, 5));   /* the calendar agrees */
    vn_civil c;
    vn_civil_time(at, &c);
    assert_int_equal(c.year, 2026);
    assert_int_equal(c.month, 3);
    assert_int_equal(c.day, 5);
    assert_int_equal(c.hour, 0);
    assert_int_equal(c.weekday, 4);   /* Thursday */
    /* before 1970 too: 1969-12-31 16:59:59 UTC is 23:59:59 local */
    assert_int_equal(vn_day(-7 * 3600 - 1), -1);
    assert_int_equal(vn_day(-7 * 3600), 0);
    assert_int_equal(vn_second_of_day(-7 * 3600 - 1), 86399);
    /* no overflow at the ends */
    assert_true(vn_day(INT64_MAX) > 0);
    assert_true(vn_day(INT64_MIN) < 0);
}

static void shapes(void **state)
{
    (void)state;
    arena *a = arena_new();
    int64_t t = utc(2026, 3, 4, 17, 5, 30);   /* 00:05 on 05/03 in Hà Nội */
    assert_string_equal(vn_date(a, t), "05/03/2026");
    assert_string_equal(vn_day_date(a, cal_from_ymd(2027, 1, 7)), "07/01/2027");
    /* the calendar's ends keep four digits of year */
    assert_string_equal(vn_day_date(a, CAL_DAY_MIN), "01/01/0001");
    assert_string_equal(vn_day_date(a, CAL_DAY_MAX), "31/12/9999");
    assert_string_equal(vn_time_date(a, utc(2026, 12, 31, 23, 59, 0), ""), "06:5901/01/2027");
    assert_string_equal(vn_datetime(a, t), "05/03/2026 00:05");
    assert_string_equal(vn_time_date(a, t, ", "), "00:05, 05/03/2026");
    assert_string_equal(vn_time_date(a, utc(2026, 3, 4, 9, 30, 0), " "), "16:30 04/03/2026");
    assert_string_equal(vn_hhmm(a, 450), "07:30");
    assert_string_equal(vn_hhmm(a, 0), "00:00");
    assert_string_equal(vn_hhmm(a, 23 * 60 + 59), "23:59");
    arena_free(a);
}

static void parse_hhmm(void **state)
{
    (void)state;
    int m = -1;
    assert_true(vn_parse_hhmm("07:30", &m));
    assert_int_equal(m, 450);
    assert_true(vn_parse_hhmm("00:00", &m));
    assert_int_equal(m, 0);
    assert_true(vn_parse_hhmm("23:59", &m));
    assert_int_equal(m, 1439);
    static const char *const bad[] = {"24:00", "7:5", "7:30", "07:5", "07:60", " 07:30", "07:30 ", "07.30",
                                      "0730", "", "ab:cd", "-1:00", "07:3a", "99:99"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        m = -1;
        if (vn_parse_hhmm(bad[i], &m)) fail_msg("took '%s'", bad[i]);
        assert_int_equal(m, -1);   /* untouched */
    }
    assert_false(vn_parse_hhmm(NULL, &m));
}

/* A datetime-local field's value goes through the same parser: no " 9:05", no "+9:05". */
static void datetime_local(void **state)
{
    (void)state;
    int64_t t = 0;
    assert_true(cal_parse_local_time("2026-11-25T09:05", &t));
    assert_int_equal(t, utc(2026, 11, 25, 2, 5, 0));
    static const char *const bad[] = {"2026-11-25T 9:05", "2026-11-25T+9:05", "2026-11-25T24:00", "2026-11-25T09:05:00",
                                      "2026-11-25 09:05", "2026-02-30T09:05"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (cal_parse_local_time(bad[i], &t)) fail_msg("took '%s'", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(day_turns_at_17_utc),
        cmocka_unit_test(shapes),
        cmocka_unit_test(parse_hhmm),
        cmocka_unit_test(datetime_local),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
