/* test_clock.c -- the injectable clock (src/core/clock.c): time(NULL) by default; with
 * THANTHIEN_CLOCK_FILE, time(NULL) plus the signed offset written in the file, read at most
 * once a second; a missing or invalid file adds nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/core/clock.h"
#include "testutil.h"

static char path[64];

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Waits for the next second to begin, so the clock's once-a-second cache reads the file again
 * and the checks that follow run within one second. */
static void next_second(void)
{
    time_t t = time(NULL);
    while (time(NULL) == t) usleep(10 * 1000);
}

/* |clock_now() - (time(NULL) + offset)| <= 1: the two calls may straddle a second. */
static void assert_offset(long long offset)
{
    long long d = (long long)clock_now() - ((long long)time(NULL) + offset);
    if (d < -1 || d > 1) fail_msg("clock_now is %lld s away from time(NULL) + %lld", d, offset);
}

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/thanthien-clock-%d", (int)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    unsetenv("THANTHIEN_CLOCK_FILE");
    return 0;
}

static void without_the_variable_it_is_time(void **state)
{
    (void)state;
    unsetenv("THANTHIEN_CLOCK_FILE");
    assert_offset(0);
    setenv("THANTHIEN_CLOCK_FILE", "", 1);
    assert_offset(0);
}

static void the_file_moves_the_clock_both_ways(void **state)
{
    (void)state;
    setenv("THANTHIEN_CLOCK_FILE", path, 1);
    write_file("86400\n");
    next_second();
    assert_offset(86400);
    write_file("-3600");
    next_second();
    assert_offset(-3600);
    write_file("+90 ");
    next_second();
    assert_offset(90);
}

static void a_missing_or_invalid_file_adds_nothing(void **state)
{
    (void)state;
    setenv("THANTHIEN_CLOCK_FILE", path, 1);
    const char *bad[] = {"", "tomorrow", "12 days", "3600x", "\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_file(bad[i]);
        next_second();
        assert_offset(0);
    }
    unlink(path);
    next_second();
    assert_offset(0);
}

/* The file is read at most once a second: a change shows within a second, not at once. */
static void the_file_is_read_once_a_second(void **state)
{
    (void)state;
    setenv("THANTHIEN_CLOCK_FILE", path, 1);
    write_file("1000");
    next_second();
    time_t t = time(NULL);
    assert_offset(1000);
    write_file("5000");
    long long off = (long long)clock_now() - (long long)time(NULL);
    if (time(NULL) == t) assert_true(off >= 999 && off <= 1001);   /* still the cached offset */
    next_second();
    assert_offset(5000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(without_the_variable_it_is_time),
        cmocka_unit_test(the_file_moves_the_clock_both_ways),
        cmocka_unit_test(a_missing_or_invalid_file_adds_nothing),
        cmocka_unit_test(the_file_is_read_once_a_second),
    };
    return cmocka_run_group_tests_name("clock", tests, setup, teardown);
}
