/* test_track_limit.c -- the limit on wrong guesses at the citizen's tracking lookup
 * (src/dossier/track_limit.c): right answers cost nothing, however many codes are looked up;
 * wrong ones are counted per code and address, and loosely per address (an IPv6 /64 as
 * one); other people's failures never make a citizen wait. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "testutil.h"

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

/* One address is often many citizens (a commune's Wi-Fi, a carrier's shared address): ten
 * of them mistyping does not lock out the others; only a flood of failures does. */
static void a_shared_address_is_not_locked_out_by_a_few_mistakes(void **state)
{
    (void)state;
    char code[32];
    for (int i = 0; i < 10; i++) {
        snprintf(code, sizeof code, "X-%d", i);
        assert_int_equal(track_limit_wait("203.0.113.7", code, NOW), 0);
        track_limit_failed("203.0.113.7", code, NOW);
    }
    assert_int_equal(track_limit_wait("203.0.113.7", "H19.05443-261123-0001", NOW + 60), 0);
    for (int i = 10; i < 100; i++) {
        snprintf(code, sizeof code, "X-%d", i);
        track_limit_failed("203.0.113.7", code, NOW);
    }
    int64_t wait = track_limit_wait("203.0.113.7", "ANY", NOW + 60);
    assert_true(wait > 0 && wait <= 600);
    /* another address is not held up; the first may try again once its window has passed */
    assert_int_equal(track_limit_wait("203.0.113.8", "ANY", NOW + 60), 0);
    assert_int_equal(track_limit_wait("203.0.113.7", "ANY", NOW + 601), 0);
}

static void ten_wrong_secrets_for_a_code_make_that_address_wait_for_it(void **state)
{
    (void)state;
    for (int i = 0; i < 10; i++) track_limit_failed("203.0.113.7", "H19.05443-261123-0001", NOW);
    int64_t wait = track_limit_wait("203.0.113.7", "H19.05443-261123-0001", NOW + 60);
    assert_int_equal(wait, 3600 - 60);   /* the real wait, which the page tells */
    assert_int_equal(track_limit_wait("203.0.113.7", "H19.05443-261123-0002", NOW + 60), 0);
    assert_int_equal(track_limit_wait("198.51.100.9", "H19.05443-261123-0001", NOW + 60), 0);
    assert_int_equal(track_limit_wait("203.0.113.7", "H19.05443-261123-0001", NOW + 3600), 0);
}

static void an_ipv6_household_is_one_address(void **state)
{
    (void)state;
    for (int i = 0; i < 10; i++) {
        char ip[64];
        snprintf(ip, sizeof ip, "2001:db8:1:2:0:0:0:%x", i);   /* a new address each time, same /64 */
        track_limit_failed(ip, "C", NOW);
    }
    assert_true(track_limit_wait("2001:db8:1:2:ffff:0:0:1", "C", NOW) > 0);
    assert_int_equal(track_limit_wait("2001:db8:1:3:0:0:0:1", "C", NOW), 0);
}

/* The attack found it: twenty wrong secrets from elsewhere held the citizen's own code for a
 * day. Guessers wait; the citizen, who made no mistake, does not. */
static void wrong_secrets_from_others_do_not_lock_out_the_citizen(void **state)
{
    (void)state;
    for (int i = 0; i < 200; i++) {
        char ip[32];
        snprintf(ip, sizeof ip, "198.51.%d.%d", i / 10, i % 10);
        track_limit_failed(ip, "H19.05443-261123-0001", NOW);
    }
    assert_int_equal(track_limit_wait("192.0.2.1", "H19.05443-261123-0001", NOW + 3600), 0);
}

/* FNV-1a, the unkeyed hash the table used: anyone could compute which keys share a slot. */
static unsigned fnv(const char *k)
{
    unsigned h = 2166136261u;
    for (; *k; k++) h = (h ^ (unsigned char)*k) * 16777619u;
    return h;
}

/* The attack found it: with --trust-proxy and IPv6, nine wrong guesses from /64s chosen to
 * collide filled their probe run, the table "failed closed" and every citizen waited 10
 * minutes. */
static void colliding_addresses_do_not_lock_out_everyone(void **state)
{
    (void)state;
    int found = 0;
    for (unsigned i = 0; found < 9 && i < 10000000; i++) {
        char key[32], ip[48];
        snprintf(key, sizeof key, "2001:db8:%x:%x", i >> 16, i & 0xffff);
        if (fnv(key) % 4096 != 77) continue;
        snprintf(ip, sizeof ip, "%s::1", key);
        track_limit_failed(ip, "NO-SUCH", NOW);
        found++;
    }
    assert_int_equal(found, 9);
    assert_int_equal(track_limit_wait("192.0.2.1", "H19.05443-261123-0001", NOW + 1), 0);
}

static void a_flood_of_addresses_does_not_lock_out_everyone(void **state)
{
    (void)state;
    char ip[32];
    for (int i = 0; i < 100000; i++) {
        snprintf(ip, sizeof ip, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
        track_limit_failed(ip, "NO-SUCH", NOW);
    }
    assert_int_equal(track_limit_wait("192.0.2.1", "H19.05443-261123-0001", NOW + 1), 0);
    /* and a guesser's own count, the largest around, survives the flood */
    for (int i = 0; i < 10; i++) track_limit_failed("192.0.2.66", "H19.05443-261123-0001", NOW);
    for (int i = 0; i < 100000; i++) {
        snprintf(ip, sizeof ip, "10.%d.%d.%d", 100 + (i >> 16), (i >> 8) & 255, i & 255);
        track_limit_failed(ip, "NO-SUCH", NOW);
    }
    assert_true(track_limit_wait("192.0.2.66", "H19.05443-261123-0001", NOW + 1) > 0);
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
        held += track_limit_wait(ip, "Z", NOW + 1) > 0;
    }
    assert_int_equal(held, 2000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(right_answers_leave_nothing_behind, reset),
        cmocka_unit_test_setup(a_shared_address_is_not_locked_out_by_a_few_mistakes, reset),
        cmocka_unit_test_setup(ten_wrong_secrets_for_a_code_make_that_address_wait_for_it, reset),
        cmocka_unit_test_setup(an_ipv6_household_is_one_address, reset),
        cmocka_unit_test_setup(wrong_secrets_from_others_do_not_lock_out_the_citizen, reset),
        cmocka_unit_test_setup(colliding_addresses_do_not_lock_out_everyone, reset),
        cmocka_unit_test_setup(a_flood_of_addresses_does_not_lock_out_everyone, reset),
        cmocka_unit_test_setup(colliding_keys_do_not_reset_each_other, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
