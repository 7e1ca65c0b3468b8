/* test_survey.c -- the pure parts of surveys (src/survey): the SIPAS questionnaire read from its
 * data file, decoding a posted answer (choices, conditional questions hidden along a chain,
 * required questions, refusals), the SIPAS indices and the QĐ 766 figures on known numbers
 * worked out by hand in the comments, the 766 rules by date, and the SVG chart's escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../src/kit/form.h"
#include "../../src/survey/survey.h"
#include "testutil.h"

static int setup(void **state)
{
    *state = arena_new();
    return 0;
}

static int teardown(void **state)
{
    arena_free(*state);
    return 0;
}

static const survey_question *by_code(const survey_def *d, const char *code)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->q[i].code, code)) return &d->q[i];
    fail_msg("no question %s", code);
    return NULL;
}

static void test_sipas_template(void **state)
{
    arena *a = *state;
    survey_template t;
    err e = {0};
    assert_int_equal(survey_template_sipas(a, &t, &e), 0);
    assert_string_equal(t.key, "sipas-2023");
    assert_string_equal(t.from, "2023-12-11");
    assert_non_null(strstr(t.basis, "1001/QĐ-BNV"));
    assert_int_equal(t.def.n, 22);
    int per_element[SIPAS_NELEMENTS] = {0};
    for (size_t i = 0; i < t.def.n; i++)
        for (int el = 0; el < SIPAS_NELEMENTS; el++)
            if (!strcmp(t.def.q[i].element, sipas_elements[el][0])) per_element[el]++;
    /* II.A 3 items, II.B 4, II.C 3, II.D 3, II.E 3 */
    const int want[SIPAS_NELEMENTS] = {3, 4, 3, 3, 3};
    for (int el = 0; el < SIPAS_NELEMENTS; el++) assert_int_equal(per_element[el], want[el]);
    const survey_question *a1 = by_code(&t.def, "A1"), *item = by_code(&t.def, "II.C.1");
    assert_int_equal(a1->kind, SQ_SINGLE);
    assert_true(a1->required);
    assert_string_equal(a1->options[0], "Có");
    assert_int_equal(item->kind, SQ_SCALE);
    assert_int_equal(item->cond, 0);   /* shown after A1 = 1 */
    assert_int_equal(item->show_if_option, 1);
    assert_string_equal(item->text, "Công chức có thái độ lịch sự, tôn trọng người dân");
    assert_int_equal(by_code(&t.def, "C3")->kind, SQ_MULTI);
    assert_int_equal(by_code(&t.def, "C4")->kind, SQ_TEXT);
}

static void test_template_refusals(void **state)
{
    arena *a = *state;
    survey_template t;
    err e = {0};
    const char *bad_kind = "@key\tx\nQ1\t\tbogus\t\t0\t\tText\t\n";
    assert_int_equal(survey_template_parse(a, bad_kind, strlen(bad_kind), &t, &e), -1);
    const char *one_option = "@key\tx\nQ1\t\tsingle\t\t0\t\tText\tonly\n";
    assert_int_equal(survey_template_parse(a, one_option, strlen(one_option), &t, &e), -1);
    /* a condition must point backwards to a choice question */
    const char *forward = "@key\tx\nQ1\t\ttext\t\t0\tQ2=1\tA\t\nQ2\t\tsingle\t\t0\t\tB\tx|y\n";
    assert_int_equal(survey_template_parse(a, forward, strlen(forward), &t, &e), -1);
    assert_int_equal(e.status, 422);
}

/* A small survey: Q1 single (yes/no), Q2 multi shown when Q1 = 1, Q3 scale shown when Q2 has
 * option 2, Q4 text, Q5 single required. */
static survey_def small_def(arena *a)
{
    survey_question *q = arena_alloc(a, 5 * sizeof *q);
    q[0] = (survey_question){.id = 11, .code = "Q1", .kind = SQ_SINGLE, .options = {"Có", "Không"}, .noptions = 2,
                             .show_if_code = ""};
    q[1] = (survey_question){.id = 12, .code = "Q2", .kind = SQ_MULTI, .options = {"a", "b", "c"}, .noptions = 3,
                             .show_if_code = "Q1", .show_if_option = 1};
    q[2] = (survey_question){.id = 13, .code = "Q3", .kind = SQ_SCALE, .show_if_code = "Q2", .show_if_option = 2};
    q[3] = (survey_question){.id = 14, .code = "Q4", .kind = SQ_TEXT, .show_if_code = ""};
    q[4] = (survey_question){.id = 15, .code = "Q5", .kind = SQ_SINGLE, .options = {"x", "y"}, .noptions = 2,
                             .required = true, .show_if_code = ""};
    survey_def d = {q, 5};
    err e = {0};
    assert_int_equal(survey_def_link(&d, &e), 0);
    return d;
}

static int decode(arena *a, const survey_def *d, const char *body, survey_answers *out, err *e)
{
    kv *form = NULL;
    assert_int_equal(form_parse_urlencoded(a, body, strlen(body), &form), 0);
    return survey_decode(a, d, form, out, e);
}

static int answers_to(const survey_answers *s, int qi)
{
    int n = 0;
    for (size_t i = 0; i < s->n; i++) n += s->a[i].qi == qi;
    return n;
}

static void test_decode_conditions(void **state)
{
    arena *a = *state;
    survey_def d = small_def(a);
    survey_answers s;
    err e = {0};
    /* every condition holds: all kept; a repeated option of a multi counts once */
    assert_int_equal(decode(a, &d, "q11=1&q12=2&q12=3&q12=2&q13=5&q14=+Hay+qu%C3%A1+&q15=2&_csrf=x&token=y", &s, &e), 0);
    assert_int_equal(s.n, 6);
    assert_int_equal(answers_to(&s, 1), 2);
    assert_int_equal(answers_to(&s, 2), 1);
    for (size_t i = 0; i < s.n; i++)
        if (s.a[i].qi == 3) assert_string_equal(s.a[i].text, "Hay quá");
    /* Q1 = Không hides Q2, and so Q3 along the chain: both dropped, not refused */
    assert_int_equal(decode(a, &d, "q11=2&q12=2&q13=4&q15=1", &s, &e), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(answers_to(&s, 1) + answers_to(&s, 2), 0);
    /* Q2 without option 2 hides Q3 */
    assert_int_equal(decode(a, &d, "q11=1&q12=1&q13=4&q15=1", &s, &e), 0);
    assert_int_equal(answers_to(&s, 2), 0);
    assert_int_equal(answers_to(&s, 1), 1);
    /* blank values are no answer */
    assert_int_equal(decode(a, &d, "q11=&q14=+++&q15=1", &s, &e), 0);
    assert_int_equal(s.n, 1);
}

static void test_decode_refusals(void **state)
{
    arena *a = *state;
    survey_def d = small_def(a);
    survey_answers s;
    err e = {0};
    assert_int_equal(decode(a, &d, "q11=1", &s, &e), -1);   /* Q5 is required */
    assert_int_equal(e.status, 422);
    assert_string_equal(e.field, "q15");
    assert_int_equal(decode(a, &d, "q15=3", &s, &e), -1);   /* not a choice */
    assert_int_equal(e.status, 400);
    assert_int_equal(decode(a, &d, "q13=6&q15=1", &s, &e), -1);   /* a scale is 1..5 */
    assert_int_equal(decode(a, &d, "q11=0&q15=1", &s, &e), -1);
    assert_int_equal(decode(a, &d, "q11=1&q11=2&q15=1", &s, &e), -1);   /* one answer only */
    assert_int_equal(e.status, 400);
    assert_int_equal(decode(a, &d, "q99=1&q15=1", &s, &e), -1);   /* not a question of this survey */
    assert_int_equal(decode(a, &d, "q11=x&q15=1", &s, &e), -1);
    assert_int_equal(decode(a, &d, "q14=%00&q15=1", &s, &e), -1);   /* a NUL in text */
    assert_int_equal(decode(a, &d, "q14=%C3%28&q15=1", &s, &e), -1);   /* not UTF-8 */
    assert_int_equal(e.status, 422);
    char *longtext = arena_alloc(a, 2100 + 32);
    strcpy(longtext, "q15=1&q14=");
    memset(longtext + strlen(longtext), 'a', 2001);
    assert_int_equal(decode(a, &d, longtext, &s, &e), -1);
    assert_int_equal(e.status, 422);
    /* other fields only: nothing answered */
    survey_def opt = d;
    opt.q[4].required = false;
    assert_int_equal(decode(a, &opt, "_csrf=1&token=2", &s, &e), -1);
    assert_int_equal(e.status, 422);
}

/* Hand-worked SIPAS: element "access" has items A (counts 1,0,1,1,1 for scores 1..5: 4 answers,
 * 2 at 4-5: 50%, mean (1+3+4+5)/4 = 3.25) and B (0,0,0,0,2: 100%, mean 5); element "official"
 * item C (2,2,0,0,0: 0%, mean 1.5); an item with no answer (D, "result") counts nowhere.
 * access = (50 + 100) / 2 = 75%, mean (3.25 + 5) / 2 = 4.125; official 0%, mean 1.5;
 * SIPAS = (75 + 0) / 2 = 37.5%, mean (4.125 + 1.5) / 2 = 2.8125. */
static void test_sipas_figures(void **state)
{
    (void)state;
    sipas_item items[4] = {
        {"A", "", "access", {0, 1, 0, 1, 1, 1}},
        {"B", "", "access", {0, 0, 0, 0, 0, 2}},
        {"C", "", "official", {0, 2, 2, 0, 0, 0}},
        {"D", "", "result", {0}},
    };
    sipas_result r;
    survey_sipas(items, 4, &r);
    assert_true(fabs(r.item[0].pct - 50) < 1e-9);
    assert_true(fabs(r.item[0].mean - 3.25) < 1e-9);
    assert_false(r.item[3].has);
    assert_true(r.element[0].has);
    assert_true(fabs(r.element[0].pct - 75) < 1e-9);
    assert_true(fabs(r.element[0].mean - 4.125) < 1e-9);
    assert_false(r.element[1].has);   /* procedure: no item */
    assert_true(fabs(r.element[2].pct - 0) < 1e-9);
    assert_false(r.element[3].has);   /* result: an item without answers */
    assert_true(r.overall.has);
    assert_true(fabs(r.overall.pct - 37.5) < 1e-9);
    assert_true(fabs(r.overall.mean - 2.8125) < 1e-9);
    assert_int_equal(r.overall.valid, 10);
}

/* QĐ 766 by hand, with the rules of qd766.tsv (6 points, full from 90%):
 *   200 dossiers, 10 late (5%), 6 unhappy (3%): 100 - 8 = 92% >= 90 -> 6 points;
 *   100 dossiers, 15 late, 5 unhappy: 80% -> 80 × 6 / 90 = 5.333...;
 *   60 late and 50 unhappy of 100: below 0 -> 0%;
 *   40 PAKN, 30 on time (75%), 8 unhappy or late: (40 - 8) / 40 = 80%. */
static void test_766_figures(void **state)
{
    (void)state;
    s766_rules rules;
    err e = {0};
    assert_int_equal(survey_766_rules("2026-06-30", &rules, &e), 0);
    assert_true(fabs(rules.full_points - 6) < 1e-9);
    assert_true(fabs(rules.full_at - 90) < 1e-9);
    s766_rules before;
    assert_int_equal(survey_766_rules("2022-01-01", &before, &e), 0);   /* before the decision */
    assert_true(before.full_points == 0 && before.full_at == 0);

    s766_figures f;
    survey_766(&(s766_input){.dossiers = 200, .dossiers_late = 10, .dossiers_unhappy = 6, .have_unhappy = true}, &rules, &f);
    assert_true(f.tthc_has);
    assert_true(fabs(f.tthc_pct - 92) < 1e-9);
    assert_true(fabs(f.tthc_points - 6) < 1e-9);
    survey_766(&(s766_input){.dossiers = 100, .dossiers_late = 15, .dossiers_unhappy = 5, .have_unhappy = true}, &rules, &f);
    assert_true(fabs(f.tthc_pct - 80) < 1e-9);
    assert_true(fabs(f.tthc_points - 80.0 * 6 / 90) < 1e-9);
    /* without a source of dissatisfaction, only the late count */
    survey_766(&(s766_input){.dossiers = 100, .dossiers_late = 15, .dossiers_unhappy = 5}, &rules, &f);
    assert_true(fabs(f.tthc_pct - 85) < 1e-9);
    survey_766(&(s766_input){.dossiers = 100, .dossiers_late = 60, .dossiers_unhappy = 50, .have_unhappy = true}, &rules, &f);
    assert_true(f.tthc_pct == 0 && f.tthc_points == 0);
    survey_766(&(s766_input){.dossiers = 0}, &rules, &f);
    assert_false(f.tthc_has);
    survey_766(&(s766_input){.pakn = 40, .pakn_on_time = 30, .pakn_unhappy = 8, .have_pakn = true}, &rules, &f);
    assert_true(f.pakn_has);
    assert_true(fabs(f.pakn_on_time_pct - 75) < 1e-9);
    assert_true(fabs(f.pakn_happy_pct - 80) < 1e-9);
}

static void test_svg_escapes(void **state)
{
    arena *a = *state;
    svg_bar bars[2] = {{"<script>alert(1)</script> & \"x\"", 3}, {"Không", 1}};
    const char *svg = survey_svg_bars(a, "Câu <1> & 'x'", bars, 2, 4);
    assert_null(strstr(svg, "<script>"));
    assert_non_null(strstr(svg, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
    assert_non_null(strstr(svg, "<title>Câu &lt;1&gt; &amp; &#39;x&#39;</title>"));
    assert_non_null(strstr(svg, ">3 (75,0%)</text>"));
    assert_non_null(strstr(svg, ">1 (25,0%)</text>"));
    /* the longest bar is the full width, the others in proportion */
    assert_non_null(strstr(svg, "width=\"470\""));
    assert_non_null(strstr(svg, "width=\"156\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sipas_template, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_conditions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sipas_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_766_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_svg_escapes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
