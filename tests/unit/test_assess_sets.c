/* test_assess_sets.c -- the shipped example sets and a set's CSV (src/assess/sets_csv.c,
 * sets_metrics.c, data/assess/criteria-*.json): every example parses with the system's own
 * figures, has 100 points and levels from the highest down, says its source; a set written
 * as CSV reads back as the same set; the rule parameters read and print; bad CSV is refused
 * naming the line or the criterion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/assess/assess.h"
#include "../../src/report/figures.h"
#include "../../src/store/embedded.h"

static void load_example(arena *a, const char *name, assess_set *s)
{
    const static_asset *f = data_file_find(name);
    if (!f) fail_msg("%s is not embedded", name);
    err e = {0};
    if (assess_set_parse(a, (const char *)f->data, f->size, assess_metric_known, s, &e))
        fail_msg("%s: %s", name, e.user);
}

static void every_example_parses_with_100_points_and_ordered_levels(void **state)
{
    (void)state;
    const char *const *files = assess_example_files();
    int n = 0, departments = 0, computed = 0;
    bool dong_nai = false;
    for (; files[n]; n++) {
        arena *a = arena_new();
        assess_set s;
        load_example(a, files[n], &s);
        assert_int_equal(s.max_total10, 1000);
        assert_true(s.nlevels >= 1);
        for (int i = 1; i < s.nlevels; i++) {
            assert_true(s.levels[i].level < s.levels[i - 1].level);
            assert_true(s.levels[i].min_total10 <= s.levels[i - 1].min_total10);
        }
        assert_true(strlen(s.source) > 100);   /* the decision, what is confirmed and what not */
        if (!strcmp(s.applies_to, "department")) departments++;
        for (int i = 0; i < s.nitems; i++) {
            if (s.items[i].by != ASSESS_BY_ENTERED) {
                computed++;
                assert_non_null(assess_metric_find(s.items[i].metric));
            }
        }
        if (!strcmp(s.code, "dong-nai")) {
            dong_nai = true;
            /* QĐ 54/2025: 4 sao from 95, 3 from 90, 2 from 80; the initiative is a bonus */
            assert_int_equal(s.nlevels, 4);
            assert_int_equal(s.levels[0].min_total10, 950);
            assert_string_equal(s.levels[0].name, "4 sao");
            assert_int_equal(s.levels[1].min_total10, 900);
            assert_int_equal(s.levels[2].min_total10, 800);
            int v = assess_criterion_index(&s, "V");
            assert_true(v >= 0);
            assert_int_equal(s.items[v].kind, ASSESS_BONUS);
            assert_int_equal(s.items[assess_criterion_index(&s, "IV")].max10, 500);
        }
        if (!strcmp(s.code, "bac-giang")) {
            /* five criteria 20/25/20/15/20; 80 points and half of each, no disciplined head */
            assert_int_equal(s.ngroups, 5);
            int group_max[5] = {0};
            for (int g = 0; g < 5; g++)
                for (int i = s.groups[g].first; i < s.groups[g].first + s.groups[g].count; i++)
                    group_max[g] += s.items[i].max10;
            assert_int_equal(group_max[0], 200);
            assert_int_equal(group_max[1], 250);
            assert_int_equal(group_max[2], 200);
            assert_int_equal(group_max[3], 150);
            assert_int_equal(group_max[4], 200);
            assert_int_equal(s.levels[0].min_total10, 800);
            /* half of each criterion as the province wrote it (a group), not of each part */
            assert_int_equal(s.levels[0].min_pct_each, 0);
            assert_int_equal(s.levels[0].min_pct_group, 50);
            assert_int_equal(s.nblockers, 1);
            assert_null(s.blockers[0].metric);
        }
        arena_free(a);
    }
    assert_int_equal(n, 4);
    assert_true(dong_nai);
    assert_int_equal(departments, 1);
    assert_true(computed >= 10);
}

/* A good commune scores on Hải Dương's proposed set: the figures count, the rest is entered. */
typedef struct {
    const char *key;
    double value;
} figure;

static bool lookup(void *ctx, const char *key, double *v)
{
    for (const figure *f = ctx; f->key; f++)
        if (!strcmp(f->key, key)) {
            *v = f->value;
            return true;
        }
    return false;
}

static void an_example_scores_a_commune(void **state)
{
    (void)state;
    arena *a = arena_new();
    assess_set s;
    load_example(a, "criteria-hai-duong.json", &s);
    const figure f[] = {{"reception.weekly_rate", 100}, {"dialogue.held", 4},        {"rating.satisfied_rate", 95},
                        {"dossier.apology_on_time_rate", 100}, {"letter.delivered_rate", 90},
                        {"letter.congratulation", 20}, {"feedback.on_time_rate", 96}, {NULL, 0}};
    assess_input in[ASSESS_MAX_ITEMS] = {0};
    for (int i = 0; i < s.nitems; i++)
        if (s.items[i].by == ASSESS_BY_ENTERED) in[i] = (assess_input){true, s.items[i].max10 * 9 / 10};
    assess_score_result r;
    assess_score(&s, in, NULL, lookup, (void *)f, true, &r);
    /* figures: 5 + 4 + 7,5 + 5 + 3 + 5 + 5 = 34,5; entered at 90 %: 18 + 9 + 4,5 + 18 + 4,5 = 54 */
    assert_int_equal(r.total10, 885);
    assert_int_equal(r.level, 2);
    assert_int_equal(r.missing, 0);
    arena_free(a);
}

static void every_example_round_trips_through_csv(void **state)
{
    (void)state;
    for (const char *const *f = assess_example_files(); *f; f++) {
        arena *a = arena_new();
        assess_set s, back;
        load_example(a, *f, &s);
        size_t len;
        const char *csv = assess_set_to_csv(a, &s, &len);
        assert_memory_equal(csv, "\xEF\xBB\xBFrow,group_code", 17);
        err e = {0};
        if (assess_set_from_csv(a, csv, len, assess_metric_known, &back, &e)) fail_msg("%s: %s", *f, e.user);
        json_t *j1 = assess_set_to_json(&s), *j2 = assess_set_to_json(&back);
        if (!json_equal(j1, j2)) {
            char *t1 = json_dumps(j1, 0), *t2 = json_dumps(j2, 0);
            fail_msg("%s differs after CSV:\n%s\n%s", *f, t1, t2);
        }
        json_decref(j1);
        json_decref(j2);
        arena_free(a);
    }
}

static const char *GOOD_CSV =
    "row,group_code,group_name,code,name,max,kind,by,metric,params,guide\n"
    "set,,,thu-csv,Bộ tiêu chí nhập từ CSV,2026,commune,,,,Đề xuất thử\n"
    "criterion,I,Cải cách hành chính,I.1,Hồ sơ đúng hạn,30,,bands,dossier.on_time_rate,98:30; 95:20;90:10,\n"
    ",I,,I.2,Trễ hạn,10,score,bands,dossier.late_rate,<=0:10;2:6;5:2,\n"
    "tieu-chi,II,Gắn kết,II.1,Hài lòng,\"20\",,linear,rating.satisfied_rate,80–100,\n"
    "criterion,II,,II.2,Thư chúc mừng,\"7,5\",,count,letter.congratulation,\"0,5\",\n"
    "criterion,II,,II.3,\"Tuyên truyền, vận động\",32.5,,,,,\"Kế hoạch, ảnh\"\n"
    "criterion,III,Thưởng,III.1,Sáng kiến,5,bonus,,,,\n"
    "level,,,2,Mức độ 2,90,,,,50,\n"
    "muc,,,1,Mức độ 1,70,,,,0;40,\n"
    "blocker,,,ky-luat,Người đứng đầu bị kỷ luật,,,,,,\n"
    "dieu-kien,,,tre,Trễ hạn trên 5%,2,,,dossier.late_rate,> 5,\n";

static void csv_reads_every_kind_of_line(void **state)
{
    (void)state;
    arena *a = arena_new();
    assess_set s;
    err e = {0};
    if (assess_set_from_csv(a, GOOD_CSV, strlen(GOOD_CSV), assess_metric_known, &s, &e)) fail_msg("%s", e.user);
    assert_string_equal(s.code, "thu-csv");
    assert_int_equal(s.year, 2026);
    assert_string_equal(s.source, "Đề xuất thử");
    assert_int_equal(s.ngroups, 3);
    assert_int_equal(s.nitems, 6);
    assert_int_equal(s.max_total10, 1000);
    assert_int_equal(s.items[0].nbands, 3);
    assert_int_equal(s.items[0].band_points10[1], 200);
    assert_true(s.items[1].lower_better);
    assert_int_equal(s.items[2].by, ASSESS_BY_LINEAR);
    assert_true(s.items[2].zero_at == 80 && s.items[2].full_at == 100);
    assert_int_equal(s.items[3].each10, 5);
    assert_int_equal(s.items[3].max10, 75);
    assert_string_equal(s.items[4].name, "Tuyên truyền, vận động");
    assert_string_equal(s.items[4].guide, "Kế hoạch, ảnh");
    assert_int_equal(s.items[5].kind, ASSESS_BONUS);
    assert_int_equal(s.nlevels, 2);
    assert_int_equal(s.levels[0].min_pct_each, 50);
    assert_int_equal(s.levels[0].min_pct_group, 0);
    assert_int_equal(s.levels[1].min_pct_each, 0);
    assert_int_equal(s.levels[1].min_pct_group, 40);
    assert_int_equal(s.nblockers, 2);
    assert_null(s.blockers[0].metric);
    assert_string_equal(s.blockers[1].op, ">");
    assert_true(s.blockers[1].value == 5);
    assert_int_equal(s.blockers[1].from_level, 2);
    assert_string_equal(assess_rule_params(a, &s.items[1]), "<=0:10;2:6;5:2");
    assert_string_equal(assess_rule_params(a, &s.items[2]), "80-100");
    assert_string_equal(assess_rule_params(a, &s.items[3]), "0.5");
    arena_free(a);
}

/* The message of a refused CSV: the line with one cell replaced. */
static const char *refusal(arena *a, const char *csv)
{
    assess_set s;
    err e = {0};
    assert_int_equal(assess_set_from_csv(a, csv, strlen(csv), assess_metric_known, &s, &e), -1);
    assert_int_equal(e.status, 422);
    return arena_strdup(a, e.user);
}

static void bad_csv_is_refused_naming_the_line_or_criterion(void **state)
{
    (void)state;
    arena *a = arena_new();
    const char *head = "row,group_code,group_name,code,name,max,kind,by,metric,params,guide\n"
                       "set,,,thu,Thử,2026,commune,,,,\n";
    const char *m;
    m = refusal(a, arena_printf(a, "%scriterion,I,Nhóm,I.1,Đúng hạn,100,,bands,dossier.nope,98:100,\nlevel,,,1,M,50,,,,,\n",
                                head));
    assert_non_null(strstr(m, "I.1"));
    assert_non_null(strstr(m, "metric"));
    m = refusal(a, arena_printf(a, "%scriterion,I,Nhóm,I.1,Đúng hạn,100,,bands,dossier.on_time_rate,98-100,\n", head));
    assert_non_null(strstr(m, "dòng 3 (I.1)"));
    m = refusal(a, arena_printf(a, "%scriterion,I,Nhóm,I.2,Đúng hạn,mười,,,,,\n", head));
    assert_non_null(strstr(m, "dòng 3 (I.2)"));
    m = refusal(a, arena_printf(a, "%scriterion,I,Nhóm,I.1,A,60,,,,,\ncriterion,I,,I.1,B,40,,,,,\nlevel,,,1,M,50,,,,,\n",
                                head));
    assert_non_null(strstr(m, "I.1"));
    assert_non_null(strstr(m, "trùng"));
    m = refusal(a, "row,group_code,code,name,max,colour\n");
    assert_non_null(strstr(m, "colour"));
    m = refusal(a, "row,group_code,group_name,code,name,max\ncriterion,I,N,I.1,A,10\nlevel,,,1,M,5\n");
    assert_non_null(strstr(m, "dòng set"));
    m = refusal(a, arena_printf(a, "%scriterion,I,\"Nhóm,I.1\n", head));
    assert_non_null(strstr(m, "CSV"));
    m = refusal(a, arena_printf(a, "%swhatever,I,N,I.1,A,10,,,,,\n", head));
    assert_non_null(strstr(m, "dòng 3"));
    m = refusal(a, "");
    assert_non_null(strstr(m, "trống"));
    arena_free(a);
}

static void numbers_read_and_print_the_vietnamese_way(void **state)
{
    (void)state;
    arena *a = arena_new();
    double v;
    assert_true(assess_number_parse("97,5", &v) && v == 97.5);
    assert_true(assess_number_parse(" 98 ", &v) && v == 98);
    assert_true(assess_number_parse("0.25", &v) && v == 0.25);
    assert_false(assess_number_parse("9 8", &v));
    assert_false(assess_number_parse("", &v));
    assert_false(assess_number_parse("1e5", &v));
    assert_string_equal(assess_number_text(a, 97.5), "97,5");
    assert_string_equal(assess_number_text(a, 100), "100");
    assert_string_equal(assess_number_text(a, 0.25), "0,25");
    const char *why = NULL;
    assert_null(assess_rule_from_params("bands", "dossier.on_time_rate", "98", &why));
    assert_non_null(why);
    json_t *r = assess_rule_from_params("linear", "dossier.late_rate", "5-0", &why);
    assert_int_equal(json_integer_value(json_object_get(r, "zero_at")), 5);
    assert_int_equal(json_integer_value(json_object_get(r, "full_at")), 0);
    json_decref(r);
    arena_free(a);
}

/* A set may name exactly the figures the report feature computes: the two lists (the set's
 * words in sets_metrics.c, the figures in report/figures.c) name the same keys. */
static void criteria_name_exactly_the_computed_figures(void **state)
{
    (void)state;
    size_t n = 0, listed = 0;
    const figures_metric_def *defs = figures_metric_defs(&n);
    for (const assess_metric_info *m = assess_metrics(); m->key; m++, listed++)
        if (!figures_metric_known(m->key)) fail_msg("a criterion may name %s, which figures.h does not compute", m->key);
    for (size_t i = 0; i < n; i++)
        if (!assess_metric_known(defs[i].key))
            fail_msg("figures.h computes %s, which a criterion may not name", defs[i].key);
    assert_int_equal(listed, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_example_parses_with_100_points_and_ordered_levels),
        cmocka_unit_test(an_example_scores_a_commune),
        cmocka_unit_test(every_example_round_trips_through_csv),
        cmocka_unit_test(csv_reads_every_kind_of_line),
        cmocka_unit_test(bad_csv_is_refused_naming_the_line_or_criterion),
        cmocka_unit_test(numbers_read_and_print_the_vietnamese_way),
        cmocka_unit_test(criteria_name_exactly_the_computed_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
