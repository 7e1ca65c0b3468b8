/* test_track_limit.c -- the limit on wrong guesses at the citizen's tracking lookup
 * (src/dossier/track_limit.c): right answers cost nothing, however many codes are looked up;
 * wrong ones are counted per address (an IPv6 /64 as one) and per code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "../../src/dossier/dossier.h"

#define NOW 1795400000

static int reset(void **state)
{
    (void)state;
    track_limit_reset();
    return 0;
}

/* The bench found it: lookups of many distinct valid codes took slots and, past a few
 * thousand codes, every lookup was refused for a day. */
static void right_answers_leave_nothing_behind(void **state)
{
    (void)state;
    char code[32];
    for (int i = 0; i < 50000; i++) {
        snprintf(code, sizeof code, "H19.05443-261123-%05d", i);
        assert_int_equal(track_limit_wait("127.0.0.1", code, NOW + i / 100), 0);
    }
}

static void ten_wrong_guesses_from_an_address_make_it_wait(void **state)
{
    (void)state;
    char code[32];
    for (int i = 0; i < 10; i++) {
        snprintf(code, sizeof code, "X-%d", i);
        assert_int_equal(track_limit_wait("203.0.113.7", code, NOW), 0);
        track_limit_failed("203.0.113.7", code, NOW);
    }
    int64_t wait = track_limit_wait("203.0.113.7", "ANY", NOW + 60);
    assert_true(wait > 0 && wait <= 600);
    /* another address is not held up; the first may try again once its window has passed */
    assert_int_equal(track_limit_wait("203.0.113.8", "ANY", NOW + 60), 0);
    assert_int_equal(track_limit_wait("203.0.113.7", "ANY", NOW + 601), 0);
}

static void an_ipv6_household_is_one_address(void **state)
{
    (void)state;
    for (int i = 0; i < 10; i++) {
        char ip[64];
        snprintf(ip, sizeof ip, "2001:db8:1:2:0:0:0:%x", i);   /* a new address each time, same /64 */
        track_limit_failed(ip, "C", NOW);
    }
    assert_true(track_limit_wait("2001:db8:1:2:ffff:0:0:1", "D", NOW) > 0);
    assert_int_equal(track_limit_wait("2001:db8:1:3:0:0:0:1", "D", NOW), 0);
}

static void twenty_wrong_secrets_for_one_code_hold_it_for_the_day(void **state)
{
    (void)state;
    for (int i = 0; i < 20; i++) {
        char ip[32];
        snprintf(ip, sizeof ip, "198.51.100.%d", i);   /* spread over addresses, each under its limit */
        track_limit_failed(ip, "H19.05443-261123-0001", NOW);
    }
    assert_true(track_limit_wait("192.0.2.1", "H19.05443-261123-0001", NOW + 3600) > 0);
    assert_int_equal(track_limit_wait("192.0.2.1", "H19.05443-261123-0002", NOW + 3600), 0);
    assert_int_equal(track_limit_wait("192.0.2.1", "H19.05443-261123-0001", NOW + 86400), 0);
}

static void colliding_keys_do_not_reset_each_other(void **state)
{
    (void)state;
    /* many addresses failing at once: none loses its count to another */
    char ip[32];
    for (int round = 0; round < 10; round++)
        for (int i = 0; i < 2000; i++) {
            snprintf(ip, sizeof ip, "10.%d.%d.1", i / 250, i % 250);
            track_limit_failed(ip, "Z", NOW);
        }
    int held = 0;
    for (int i = 0; i < 2000; i++) {
        snprintf(ip, sizeof ip, "10.%d.%d.1", i / 250, i % 250);
        held += track_limit_wait(ip, "Y", NOW + 1) > 0;
    }
    assert_int_equal(held, 2000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(right_answers_leave_nothing_behind, reset),
        cmocka_unit_test_setup(ten_wrong_guesses_from_an_address_make_it_wait, reset),
        cmocka_unit_test_setup(an_ipv6_household_is_one_address, reset),
        cmocka_unit_test_setup(twenty_wrong_secrets_for_one_code_hold_it_for_the_day, reset),
        cmocka_unit_test_setup(colliding_keys_do_not_reset_each_other, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
