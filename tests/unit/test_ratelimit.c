/* test_ratelimit.c -- the in-memory limiter (src/core/ratelimit.c) on its own: events counted
 * per key in a window from the first (bookings per address), failures holding a key from
 * its last (logins, tracking), IPv6 clients by their /64, and what a full table does -- it
 * forgets the least counted key rather than refuse every newcomer (fail open), and a key
 * held at its limit outlasts a flood of new ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "../../src/core/ratelimit.h"

#define SLOTS 2048
static ratelimit_slot slots[SLOTS];
static ratelimit events = RATELIMIT_INIT(slots, 600, 3);
static ratelimit_slot fail_slots[64];
static ratelimit failures = RATELIMIT_INIT(fail_slots, 600, 3);

static int reset(void **state)
{
    (void)state;
    ratelimit_reset(&events);
    ratelimit_reset(&failures);
    return 0;
}

/* "10.x.y.z" for the i-th address of a flood */
static const char *flood_key(int i, char key[72])
{
    snprintf(key, 72, "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
    return key;
}

static void events_are_counted_per_address_in_a_window(void **state)
{
    (void)state;
    char k1[72], k2[72];
    assert_string_equal(ratelimit_addr("203.0.113.7", k1), "203.0.113.7");
    /* an IPv6 client by its /64: a household or a phone changes the rest at will */
    assert_string_equal(ratelimit_addr("2001:db8:1:2:aaaa::1", k1), "2001:db8:1:2:");
    assert_string_equal(ratelimit_addr("2001:db8:1:2:bbbb::9", k2), "2001:db8:1:2:");
    for (int i = 0; i < 3; i++) assert_true(ratelimit_take(&events, k1, 1000 + i));
    assert_false(ratelimit_take(&events, k2, 1010));        /* the same /64 */
    assert_false(ratelimit_allowed(&events, k1, 1599));     /* the window runs from the first event */
    assert_true(ratelimit_allowed(&events, "198.51.100.1", 1010));   /* another address */
    assert_true(ratelimit_allowed(&events, k1, 1600));      /* the window has passed */
    assert_true(ratelimit_take(&events, k1, 1600));
    /* hit counts without asking */
    ratelimit_hit(&events, "198.51.100.2", 1700);
    ratelimit_hit(&events, "198.51.100.2", 1700);
    assert_true(ratelimit_allowed(&events, "198.51.100.2", 1700));
    ratelimit_hit(&events, "198.51.100.2", 1700);
    assert_false(ratelimit_allowed(&events, "198.51.100.2", 1700));
}

/* A flood of distinct addresses fills the table: a newcomer still gets its own count (the
 * table forgets one of the flood's keys), it is not refused for the flood's sake. Failed
 * before: keyed_limit refused every new key until the flood's windows ran out. */
static void a_full_table_evicts_rather_than_refuses(void **state)
{
    (void)state;
    char key[72];
    for (int i = 0; i < 3 * SLOTS; i++) ratelimit_hit(&events, flood_key(i, key), 2000);
    assert_true(ratelimit_allowed(&events, "192.0.2.200", 2001));
    for (int i = 0; i < 3; i++) assert_true(ratelimit_take(&events, "192.0.2.200", 2001));
    assert_false(ratelimit_take(&events, "192.0.2.200", 2002));   /* and its limit still holds */
    assert_true(ratelimit_allowed(&events, "192.0.2.200", 2601));
}

/* The keys a flood evicts are the least counted: an address held at its limit stays held. */
static void a_key_at_its_limit_outlasts_a_flood(void **state)
{
    (void)state;
    char key[72];
    for (int i = 0; i < 3; i++) assert_true(ratelimit_take(&events, "192.0.2.7", 3000));
    for (int i = 0; i < 10 * SLOTS; i++) ratelimit_hit(&events, flood_key(i, key), 3001);
    assert_false(ratelimit_allowed(&events, "192.0.2.7", 3002));
    assert_false(ratelimit_take(&events, "192.0.2.7", 3002));
}

/* Failures: held for a whole window from the last counted failure; a right answer counted in
 * advance is taken back. */
static void failures_hold_from_the_last_one(void **state)
{
    (void)state;
    assert_int_equal(ratelimit_fail(&failures, "u", 100), 0);
    assert_int_equal(ratelimit_fail(&failures, "u", 200), 0);
    ratelimit_forgive(&failures, "u", 200);
    assert_int_equal(ratelimit_fail(&failures, "u", 300), 0);
    assert_int_equal(ratelimit_fail(&failures, "u", 400), 600);
    assert_int_equal(ratelimit_wait(&failures, "u", 500), 500);
    assert_int_equal(ratelimit_wait(&failures, "other", 500), 0);
    assert_int_equal(ratelimit_wait(&failures, "u", 1000), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(events_are_counted_per_address_in_a_window, reset),
        cmocka_unit_test_setup(a_full_table_evicts_rather_than_refuses, reset),
        cmocka_unit_test_setup(a_key_at_its_limit_outlasts_a_flood, reset),
        cmocka_unit_test_setup(failures_hold_from_the_last_one, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
