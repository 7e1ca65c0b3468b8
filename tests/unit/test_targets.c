/* test_targets.c -- where a province stands against seed 002's targets (src/report/
 * targets_calc.c, pure): the ceiling of a share, "trong đó" (the communes above level 1 are
 * counted of all communes and also count in the level-1 share), the level-4 count, a target of
 * 0 meaning none, and how many communes are short. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "../../src/report/reports.h"

/* Kế hoạch 154-KH/HU, mục II.1.2 */
static const report_target Y2024 = {.year_from = 2024, .year_to = 2024, .level1_pct = 20};
static const report_target Y2025 = {.year_from = 2025, .year_to = 2025, .level1_pct = 50, .above1_pct = 20};
static const report_target Y2026 = {.year_from = 2026, .year_to = 2026, .level1_pct = 90, .above1_pct = 50, .level4_min = 1};
static const report_target Y2027 = {.year_from = 2027, .year_to = 2030, .level1_pct = 90, .above1_pct = 70, .level4_min = 5};

static void needed_is_the_ceiling(void **state)
{
    (void)state;
    assert_int_equal(targets_needed(20, 10), 2);
    assert_int_equal(targets_needed(20, 11), 3);    /* 2,2 communes: 3 are needed */
    assert_int_equal(targets_needed(90, 150), 135);
    assert_int_equal(targets_needed(90, 151), 136); /* 135,9 */
    assert_int_equal(targets_needed(0, 150), 0);
    assert_int_equal(targets_needed(50, 0), 0);
}

static void of_which_counts_above_level_1_in_both_shares(void **state)
{
    (void)state;
    target_eval ev;
    /* 10 communes: 3 at level 1, 2 at level 2 -> 5 (50%) at level 1 or above, 2 (20%) above */
    int at[5] = {5, 3, 2, 0, 0};
    targets_evaluate(&Y2025, at, 5, 10, &ev);
    assert_int_equal(ev.lines[TARGET_LEVEL1].have, 5);
    assert_true(ev.lines[TARGET_LEVEL1].met);
    assert_int_equal(ev.lines[TARGET_ABOVE1].have, 2);
    assert_true(ev.lines[TARGET_ABOVE1].met);
    assert_true(ev.all_met);
    assert_int_equal(ev.none, 5);
    /* 5 at level 1, none above: the first share is met, "of which" is not (2 short) */
    int flat[5] = {5, 5, 0, 0, 0};
    targets_evaluate(&Y2025, flat, 5, 10, &ev);
    assert_true(ev.lines[TARGET_LEVEL1].met);
    assert_false(ev.lines[TARGET_ABOVE1].met);
    assert_int_equal(ev.lines[TARGET_ABOVE1].short_by, 2);
    assert_false(ev.all_met);
    /* 2 at level 3 only: 20% above level 1 is met, but they are all of the level-1 share (20%
     * of 50%): 3 short there -- the communes above are not counted twice */
    int top[5] = {8, 0, 0, 2, 0};
    targets_evaluate(&Y2025, top, 5, 10, &ev);
    assert_int_equal(ev.lines[TARGET_LEVEL1].have, 2);
    assert_false(ev.lines[TARGET_LEVEL1].met);
    assert_int_equal(ev.lines[TARGET_LEVEL1].short_by, 3);
    assert_true(ev.lines[TARGET_ABOVE1].met);
    assert_true(ev.lines[TARGET_LEVEL1].share > 19.9 && ev.lines[TARGET_LEVEL1].share < 20.1);
}

static void level_4_is_a_count(void **state)
{
    (void)state;
    target_eval ev;
    /* 150 communes, 2026: 135 needed at level >= 1, 75 above, 1 at level 4 */
    int at[5] = {10, 60, 40, 40, 0};
    targets_evaluate(&Y2026, at, 5, 150, &ev);
    assert_int_equal(ev.lines[TARGET_LEVEL1].have, 140);
    assert_true(ev.lines[TARGET_LEVEL1].met);
    assert_int_equal(ev.lines[TARGET_ABOVE1].have, 80);
    assert_true(ev.lines[TARGET_ABOVE1].met);
    assert_int_equal(ev.lines[TARGET_LEVEL4].have, 0);
    assert_false(ev.lines[TARGET_LEVEL4].met);
    assert_int_equal(ev.lines[TARGET_LEVEL4].short_by, 1);
    /* 2027-2030: 70% above (105) and 5 at level 4; levels above 4 count as level 4 */
    int later[7] = {10, 30, 40, 40, 25, 0, 5};
    targets_evaluate(&Y2027, later, 7, 150, &ev);
    assert_int_equal(ev.lines[TARGET_ABOVE1].have, 110);
    assert_true(ev.lines[TARGET_ABOVE1].met);
    assert_int_equal(ev.lines[TARGET_LEVEL4].have, 30);
    assert_true(ev.lines[TARGET_LEVEL4].met);
    assert_true(ev.all_met);
}

static void unset_targets_are_met_and_say_so(void **state)
{
    (void)state;
    target_eval ev;
    int at[5] = {8, 2, 0, 0, 0};
    targets_evaluate(&Y2024, at, 5, 10, &ev);
    assert_true(ev.lines[TARGET_LEVEL1].set);
    assert_true(ev.lines[TARGET_LEVEL1].met);          /* 2 of 10 = 20% */
    assert_false(ev.lines[TARGET_ABOVE1].set);
    assert_true(ev.lines[TARGET_ABOVE1].met);
    assert_false(ev.lines[TARGET_LEVEL4].set);
    assert_true(ev.all_met);
    int fewer[5] = {9, 1, 0, 0, 0};
    targets_evaluate(&Y2024, fewer, 5, 10, &ev);
    assert_false(ev.lines[TARGET_LEVEL1].met);
    assert_int_equal(ev.lines[TARGET_LEVEL1].short_by, 1);
    /* no target at all */
    targets_evaluate(NULL, fewer, 5, 10, &ev);
    assert_false(ev.lines[TARGET_LEVEL1].set);
    assert_true(ev.all_met);
    /* no communes: nothing to divide, nothing short */
    int none[5] = {0};
    targets_evaluate(&Y2026, none, 5, 0, &ev);
    assert_int_equal(ev.lines[TARGET_LEVEL1].short_by, 0);
    assert_int_equal(ev.lines[TARGET_LEVEL4].short_by, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(needed_is_the_ceiling),
        cmocka_unit_test(of_which_counts_above_level_1_in_both_shares),
        cmocka_unit_test(level_4_is_a_count),
        cmocka_unit_test(unset_targets_are_met_and_say_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
