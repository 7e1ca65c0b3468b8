/* test_citizen_dates.c -- dates as the page shows and takes them, whatever the browser's
 * locale (issue "What users hit first", item 2): the fixed dd/mm/yyyy format, the date in
 * words echoed back to the officer, and typed date-and-time values. Pure core, no clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "../../src/core/calendar.h"

static cal_day D(int y, int m, int d)
{
    return cal_from_ymd(y, m, d);
}

/* 07/01/2027 is 7 January to a Vietnamese officer: day first, and the words say so. */
static void day_first_and_in_words(void **state)
{
    (void)state;
    cal_day d;
    assert_true(cal_parse_typed_date("07/01/2027", &d));
    assert_int_equal(d, D(2027, 1, 7));
    char dmy[11], words[CAL_WORDS_MAX];
    cal_format_dmy(d, dmy);
    assert_string_equal(dmy, "07/01/2027");
    cal_format_words(d, words);
    assert_string_equal(words, "thứ Năm, ngày 07 tháng 01 năm 2027");
    /* every weekday, from a wall calendar: 3 to 9 January 2027 is Sunday to Saturday */
    const char *expect[] = {"Chủ nhật, ngày 03 tháng 01 năm 2027", "thứ Hai, ngày 04 tháng 01 năm 2027",
                            "thứ Ba, ngày 05 tháng 01 năm 2027",   "thứ Tư, ngày 06 tháng 01 năm 2027",
                            "thứ Năm, ngày 07 tháng 01 năm 2027",  "thứ Sáu, ngày 08 tháng 01 năm 2027",
                            "thứ Bảy, ngày 09 tháng 01 năm 2027"};
    for (int i = 0; i < 7; i++) {
        cal_format_words(D(2027, 1, 3 + i), words);
        assert_string_equal(words, expect[i]);
    }
    cal_format_words(D(2026, 12, 31), words);
    assert_string_equal(words, "thứ Năm, ngày 31 tháng 12 năm 2026");
    cal_format_dmy(D(2026, 3, 5), dmy);
    assert_string_equal(dmy, "05/03/2026");
}

static void typed_times(void **state)
{
    (void)state;
    int64_t t, want = cal_instant(D(2026, 3, 5), 9 * 60 + 30);
    const char *good[] = {"05/03/2026 09:30", "5/3/2026 9:30", "2026-03-05T09:30", "05/03/2026  09:30"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        if (!cal_parse_typed_time(good[i], &t)) fail_msg("refused \"%s\"", good[i]);
        assert_int_equal(t, want);
    }
    const char *bad[] = {"05/03/2026", "05/03/2026 24:00", "05/03/2026 09:60", "31/02/2026 09:00", "05/03/2026 09:3",
                         "05/03/2026 09:30x", "03/05/2026T09:30", "", "mai 9 giờ", "05/03/2026 -9:30"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (cal_parse_typed_time(bad[i], &t)) fail_msg("accepted \"%s\"", bad[i]);
    assert_false(cal_parse_typed_time(NULL, &t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(day_first_and_in_words),
        cmocka_unit_test(typed_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
