/* test_figures.c -- the pure parts of the province's figures (src/report/figures.h): the weeks a
 * period meets, the previous period, figures from counts (a rate over nothing is no figure, not
 * 0 %), their Vietnamese text, the metric keys the criteria score, and the masks an assessor
 * reads personal data through (src/dossier/dossier_mask.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "../../src/dossier/dossier.h"
#include "../../src/report/figures.h"

static void weeks_are_monday_to_sunday_up_to_today(void **state)
{
    (void)state;
    cal_day mon = cal_from_ymd(2026, 11, 30), sun = cal_from_ymd(2026, 12, 6);
    assert_int_equal(figures_weeks(mon, sun, sun), 1);
    assert_int_equal(figures_weeks(sun, sun + 1, sun + 1), 2);   /* a Sunday and the Monday after */
    /* the year 2026 seen on 4/12/2026: 1/1/2026 was a Thursday, so 49 weeks have begun */
    assert_int_equal(figures_weeks(cal_from_ymd(2026, 1, 1), cal_from_ymd(2026, 12, 31), cal_from_ymd(2026, 12, 4)), 49);
    assert_int_equal(figures_weeks(cal_from_ymd(2027, 1, 1), cal_from_ymd(2027, 12, 31), cal_from_ymd(2026, 12, 4)), 0);
}

static void the_previous_period_is_as_long(void **state)
{
    (void)state;
    cal_day pf, pt;
    figures_previous(cal_from_ymd(2026, 1, 1), cal_from_ymd(2026, 12, 31), &pf, &pt);
    assert_int_equal(pt, cal_from_ymd(2025, 12, 31));
    assert_int_equal(pf, cal_from_ymd(2025, 1, 1));
    figures_previous(cal_from_ymd(2026, 3, 1), cal_from_ymd(2026, 3, 1), &pf, &pt);
    assert_int_equal(pf, cal_from_ymd(2026, 2, 28));
    assert_int_equal(pt, pf);
}

static void metrics_from_counts(void **state)
{
    (void)state;
    unit_figures f;
    memset(&f, 0, sizeof f);
    f.dossier.received = 200;
    f.dossier.early = 30;
    f.dossier.on_time = 140;
    f.dossier.late = 20;
    f.dossier.open_late = 10;
    f.dossier.apologies = 8;
    f.dossier.apologies_late = 2;
    f.dossier.wdays = 380;
    f.online = 50;
    f.trips = 25;
    f.trips_n = 20;
    f.ratings = 40;
    f.satisfied = 34;
    f.dissatisfied = 4;
    f.answered = 3;
    f.letters[LETTER_CONDOLENCE] = 5;
    f.weeks = 10;
    f.weeks_with_session = 9;
    double v;
    assert_true(figures_metric(&f, "dossier.on_time_rate", &v));
    assert_true(v > 84.999 && v < 85.001);   /* (30 + 140) / 200 graded */
    assert_true(figures_metric(&f, "dossier.late_rate", &v) && v > 14.999 && v < 15.001);
    assert_true(figures_metric(&f, "dossier.early_rate", &v) && v > 14.999 && v < 15.001);
    assert_true(figures_metric(&f, "dossier.online_rate", &v) && v > 24.999 && v < 25.001);
    assert_true(figures_metric(&f, "dossier.apology_on_time_rate", &v) && v > 74.999 && v < 75.001);
    assert_true(figures_metric(&f, "dossier.avg_days", &v) && v > 1.9999 && v < 2.0001);   /* 380 / 190 resolved */
    assert_true(figures_metric(&f, "dossier.trips_avg", &v) && v > 1.2499 && v < 1.2501);
    assert_true(figures_metric(&f, "rating.satisfied_rate", &v) && v > 84.999 && v < 85.001);
    assert_true(figures_metric(&f, "rating.answered_rate", &v) && v > 74.999 && v < 75.001);
    assert_true(figures_metric(&f, "letter.condolence", &v) && v == 5);
    assert_true(figures_metric(&f, "reception.weekly_rate", &v) && v > 89.999 && v < 90.001);
    /* nothing to count is no figure, and an unknown key neither */
    assert_false(figures_metric(&f, "feedback.on_time_rate", &v));
    assert_false(figures_metric(&f, "letter.delivered_rate", &v));
    assert_false(figures_metric(&f, "dossier.unknown", &v));
    assert_true(figures_metric(&f, "feedback.received", &v) && v == 0);   /* a count of none is 0 */
}

static void every_key_the_criteria_score(void **state)
{
    (void)state;
    static const char *const keys[] = {
        "dossier.received", "dossier.online_rate", "dossier.on_time_rate", "dossier.early_rate", "dossier.late_rate",
        "dossier.apologies", "dossier.apology_on_time_rate", "dossier.avg_days", "dossier.trips_avg", "rating.count",
        "rating.satisfied_rate", "rating.dissatisfied", "rating.answered_rate", "feedback.received",
        "feedback.on_time_rate", "complaint.received", "complaint.on_time_rate", "feedback.overdue_open",
        "letter.apology", "letter.thanks", "letter.congratulation", "letter.condolence", "letter.delivered_rate",
        "reception.sessions", "reception.weekly_rate", "dialogue.held"};
    size_t n;
    const figures_metric_def *defs = figures_metric_defs(&n);
    unit_figures f;
    memset(&f, 0, sizeof f);
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        bool found = false;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(defs[i].key, keys[k])) {
                found = true;
                assert_true(*defs[i].label);
            }
        if (!found) fail_msg("no metric %s", keys[k]);
        double v;
        /* every key is known: a count answers 0, a rate over nothing answers false */
        if (!figures_metric(&f, keys[k], &v) && !strstr(keys[k], "rate") && !strstr(keys[k], "avg"))
            fail_msg("%s unknown to figures_metric", keys[k]);
    }
}

static void numbers_as_vietnamese_pages_write_them(void **state)
{
    (void)state;
    arena *a = arena_new();
    figures_metric_def pct = {"x.rate", "", "%"}, cnt = {"x.count", "", ""}, days = {"dossier.avg_days", "", "ngày"};
    assert_string_equal(figures_format(a, &pct, true, 92.5), "92,5%");
    assert_string_equal(figures_format(a, &pct, false, 0), "–");
    assert_string_equal(figures_format(a, &cnt, true, 1234567), "1.234.567");
    assert_string_equal(figures_format(a, &cnt, true, 0), "0");
    assert_string_equal(figures_format(a, &days, true, 3.45), "3,5");
    arena_free(a);
}

static void personal_data_masked(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_string_equal(dossier_mask_name(a, "Nguyễn Văn An"), "N. V. A.");
    assert_string_equal(dossier_mask_name(a, "  Đặng  Thị Ánh "), "Đ. T. Á.");
    assert_string_equal(dossier_mask_name(a, ""), "");
    assert_string_equal(dossier_mask_digits(a, "0912345678"), "********78");
    assert_string_equal(dossier_mask_digits(a, "123"), "***");
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "applicant_name", "Trần Thị Bình", "applicant_phone",
                          "0987654321", "applicant_id_number", "001203004005", "applicant_address", "12 Hoàng Văn Thụ",
                          "applicant_email", "binh.tran@example.vn", "secret", "ABC123", "code", "05443-261204-0001");
    dossier_mask_json(a, o);
    assert_string_equal(json_string_value(json_object_get(o, "applicant_name")), "T. T. B.");
    assert_string_equal(json_string_value(json_object_get(o, "applicant_phone")), "********21");
    assert_string_equal(json_string_value(json_object_get(o, "applicant_id_number")), "**********05");
    assert_string_equal(json_string_value(json_object_get(o, "applicant_address")), "***");
    assert_string_equal(json_string_value(json_object_get(o, "applicant_email")), "bi***@example.vn");
    assert_string_equal(json_string_value(json_object_get(o, "secret")), "");
    assert_string_equal(json_string_value(json_object_get(o, "code")), "05443-261204-0001");
    assert_true(json_is_true(json_object_get(o, "masked")));
    json_decref(o);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weeks_are_monday_to_sunday_up_to_today),
        cmocka_unit_test(the_previous_period_is_as_long),
        cmocka_unit_test(metrics_from_counts),
        cmocka_unit_test(every_key_the_criteria_score),
        cmocka_unit_test(numbers_as_vietnamese_pages_write_them),
        cmocka_unit_test(personal_data_masked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
