/* test_assess.c -- criteria sets read and checked, and units scored on known inputs
 * (src/assess/criteria.c, score.c, sets.c): each rule (bands either way, linear, count,
 * entered), bonus and penalty, the level thresholds, the minimum share of each criterion,
 * blockers declared and computed that stop a level, a missing criterion, a figure without data
 * falling back to entered points, the appraiser's points beating the figure, the canonical JSON
 * round trip, refusals that name the criterion, and versions in the database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "testdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/assess/assess.h"
#include "../../src/store/db.h"

/* A small set: 100 points in three groups, four levels, two blockers. */
static const char *SET_JSON =
    "{\"code\": \"thu-nghiem\", \"name\": \"Bộ tiêu chí thử nghiệm\", \"applies_to\": \"commune\", \"year\": 2026,"
    " \"groups\": ["
    "  {\"code\": \"I\", \"name\": \"Cải cách hành chính\", \"criteria\": ["
    "    {\"code\": \"I.1\", \"name\": \"Hồ sơ đúng hạn\", \"max\": 30,"
    "     \"rule\": {\"by\": \"bands\", \"metric\": \"dossier.on_time_rate\", \"bands\": [[98, 30], [95, 20], [90, 10]]}},"
    "    {\"code\": \"I.2\", \"name\": \"Hồ sơ trễ hạn\", \"max\": 10,"
    "     \"rule\": {\"by\": \"bands\", \"metric\": \"dossier.late_rate\", \"lower_better\": true,"
    "                \"bands\": [[0, 10], [2, 6], [5, 2]]}},"
    "    {\"code\": \"I.3\", \"name\": \"Hài lòng\", \"max\": 20,"
    "     \"rule\": {\"by\": \"linear\", \"metric\": \"rating.satisfied_rate\", \"zero_at\": 80, \"full_at\": 100}}]},"
    "  {\"code\": \"II\", \"name\": \"Gắn kết với Nhân dân\", \"criteria\": ["
    "    {\"code\": \"II.1\", \"name\": \"Thư chúc mừng\", \"max\": 10,"
    "     \"rule\": {\"by\": \"count\", \"metric\": \"letter.congratulation\", \"each\": 0.5}},"
    "    {\"code\": \"II.2\", \"name\": \"Tuyên truyền\", \"max\": 30, \"guide\": \"Kế hoạch, ảnh\"}]},"
    "  {\"code\": \"III\", \"name\": \"Cộng, trừ điểm\", \"criteria\": ["
    "    {\"code\": \"III.1\", \"name\": \"Sáng kiến\", \"max\": 5, \"kind\": \"bonus\"},"
    "    {\"code\": \"III.2\", \"name\": \"Vi phạm\", \"max\": 10, \"kind\": \"penalty\"}]}],"
    " \"levels\": ["
    "  {\"level\": 4, \"name\": \"Mức độ 4\", \"min_total\": 95, \"min_pct_each\": 80},"
    "  {\"level\": 3, \"name\": \"Mức độ 3\", \"min_total\": 90, \"min_pct_each\": 50},"
    "  {\"level\": 2, \"name\": \"Mức độ 2\", \"min_total\": 80, \"min_pct_each\": 50},"
    "  {\"level\": 1, \"name\": \"Mức độ 1\", \"min_total\": 70}],"
    " \"blockers\": ["
    "  {\"code\": \"ky-luat\", \"name\": \"Người đứng đầu bị kỷ luật trong năm\", \"from_level\": 1},"
    "  {\"code\": \"tre-nhieu\", \"name\": \"Trễ hạn trên 5%\", \"from_level\": 3,"
    "   \"metric\": \"dossier.late_rate\", \"op\": \">\", \"value\": 5}]}";

typedef struct {
    const char *key;
    double value;
} figure;

/* The figures of a unit, as report/figures.h would give them; a key absent has no data. */
static bool lookup(void *ctx, const char *key, double *v)
{
    for (const figure *f = ctx; f->key; f++)
        if (!strcmp(f->key, key)) {
            *v = f->value;
            return true;
        }
    return false;
}

static bool known(const char *key)
{
    static const char *keys[] = {"dossier.on_time_rate", "dossier.late_rate", "rating.satisfied_rate",
                                 "letter.congratulation", NULL};
    for (const char **k = keys; *k; k++)
        if (!strcmp(*k, key)) return true;
    return false;
}

static void load(arena *a, assess_set *s)
{
    err e = {0};
    int rc = assess_set_parse(a, SET_JSON, strlen(SET_JSON), known, s, &e);
    if (rc) fail_msg("%s", e.user);
}

static assess_input entered(int tenths)
{
    return (assess_input){.has_entered = true, .entered10 = tenths};
}

static void set_reads_with_its_totals(void **state)
{
    (void)state;
    arena *a = arena_new();
    assess_set s;
    load(a, &s);
    assert_int_equal(s.nitems, 7);
    assert_int_equal(s.ngroups, 3);
    assert_int_equal(s.max_total10, 1000);   /* bonus and penalty do not add to the maximum */
    assert_int_equal(s.nlevels, 4);
    assert_int_equal(s.levels[0].level, 4);
    assert_int_equal(s.nblockers, 2);
    assert_null(s.blockers[0].metric);
    assert_string_equal(s.items[4].guide, "Kế hoạch, ảnh");
    assert_int_equal(assess_criterion_index(&s, "II.1"), 3);
    assert_int_equal(assess_criterion_index(&s, "IX"), -1);
    arena_free(a);
}

static void each_rule_gives_its_points(void **state)
{
    (void)state;
    arena *a = arena_new();
    assess_set s;
    load(a, &s);
    /* bands, higher is better: the first threshold reached */
    assert_int_equal(assess_rule_points(&s.items[0], 99.0), 300);
    assert_int_equal(assess_rule_points(&s.items[0], 98.0), 300);
    assert_int_equal(assess_rule_points(&s.items[0], 97.9), 200);
    assert_int_equal(assess_rule_points(&s.items[0], 90.0), 100);
    assert_int_equal(assess_rule_points(&s.items[0], 89.9), 0);
    /* bands, lower is better */
    assert_int_equal(assess_rule_points(&s.items[1], 0.0), 100);
    assert_int_equal(assess_rule_points(&s.items[1], 1.5), 60);
    assert_int_equal(assess_rule_points(&s.items[1], 5.0), 20);
    assert_int_equal(assess_rule_points(&s.items[1], 5.1), 0);
    /* linear from 80 % (0) to 100 % (20), down to half points */
    assert_int_equal(assess_rule_points(&s.items[2], 80.0), 0);
    assert_int_equal(assess_rule_points(&s.items[2], 90.0), 100);
    assert_int_equal(assess_rule_points(&s.items[2], 92.6), 125);   /* 12,6 -> 12,5 */
    assert_int_equal(assess_rule_points(&s.items[2], 100.0), 200);
    assert_int_equal(assess_rule_points(&s.items[2], 70.0), 0);
    /* count: 0,5 a letter up to the maximum */
    assert_int_equal(assess_rule_points(&s.items[3], 7), 35);
    assert_int_equal(assess_rule_points(&s.items[3], 40), 100);
    assert_int_equal(assess_rule_points(&s.items[3], 0), 0);
    arena_free(a);
}

static const figure GOOD[] = {{"dossier.on_time_rate", 99.2}, {"dossier.late_rate", 0.0},
                              {"rating.satisfied_rate", 97.0}, {"letter.congratulation", 24}, {NULL, 0}};

static void a_good_unit_reaches_level_4_and_a_blocker_stops_it(void **state)
{
    (void)state;
    arena *a = arena_new();
    assess_set s;
    load(a, &s);
    assess_input in[7] = {0};
    in[4] = entered(240);   /* Tuyên truyền 24 of 30: 80 % */
    in[5] = entered(0);     /* no bonus */
    in[6] = entered(0);     /* no penalty */
    bool flags[2] = {false, false};
    assess_score_result r;
    assess_score(&s, in, flags, lookup, (void *)GOOD, true, &r);
    /* 30 + 10 + 17 + 10 + 24 + 0 - 0 = 91 */
    assert_int_equal(r.lines[0].points10, 300);
    assert_true(r.lines[0].computed);
    assert_int_equal(r.lines[1].points10, 100);
    assert_int_equal(r.lines[2].points10, 170);
    assert_int_equal(r.lines[3].points10, 100);
    assert_int_equal(r.total10, 910);
    assert_int_equal(r.missing, 0);
    assert_int_equal(r.level, 3);
    assert_int_equal(r.next_level, 4);
    assert_int_equal(r.to_next10, 40);

    in[5] = entered(50);   /* five bonus points: 96, and every criterion at 80 % or more */
    assess_score(&s, in, flags, lookup, (void *)GOOD, true, &r);
    assert_int_equal(r.total10, 960);
    assert_int_equal(r.level, 4);
    assert_int_equal(r.next_level, 0);

    flags[0] = true;   /* the chairman was disciplined: no level at all */
    assess_score(&s, in, flags, lookup, (void *)GOOD, true, &r);
    assert_int_equal(r.level, 0);
    assert_true(r.blocker_holds[0]);
    assert_int_equal(r.blocked_from, 1);
    arena_free(a);
}

static void a_computed_blocker_stops_the_levels_above_it(void **state)
{
    (void)state;
    arena *a = arena_new();
    assess_set s;
    load(a, &s);
    const figure late[] = {{"dossier.on_time_rate", 99.5}, {"dossier.late_rate", 6.0},
                           {"rating.satisfied_rate", 100.0}, {"letter.congratulation", 30}, {NULL, 0}};
    assess_input in[7] = {0};
    in[4] = entered(300);
    in[5] = entered(50);
    in[6] = entered(0);
    assess_score_result r;
    assess_score(&s, in, NULL, lookup, (void *)late, true, &r);
    /* 30 + 0 + 20 + 10 + 30 + 5 = 95 points, but more than 5 % late stops levels 3 and 4;
     * level 2 also wants half of every criterion, and I.2 has none: level 1 */
    assert_int_equal(r.total10, 950);
    assert_true(r.blocker_holds[1]);
    assert_int_equal(r.blocked_from, 3);
    assert_int_equal(r.level, 1);
    assert_true(r.lines[1].below_min == false);   /* level 1 has no minimum per criterion */
    arena_free(a);
}

static void minimum_share_of_each_criterion_holds_a_level_back(void **state)
{
    (void)state;
    arena *a = arena_new();
    assess_set s;
    load(a, &s);
    assess_input in[7] = {0};
    in[4] = entered(100);   /* Tuyên truyền 10 of 30: under half */
    in[5] = entered(50);
    in[6] = entered(0);
    const figure top[] = {{"dossier.on_time_rate", 100}, {"dossier.late_rate", 0}, {"rating.satisfied_rate", 100},
                          {"letter.congratulation", 50}, {NULL, 0}};
    assess_score_result r;
    assess_score(&s, in, NULL, lookup, (void *)top, true, &r);
    /* 30 + 10 + 20 + 10 + 10 + 5 = 85: enough for level 2 by points, but II.2 is under 50 % */
    assert_int_equal(r.total10, 850);
    assert_int_equal(r.level, 1);
    assert_true(r.lines[4].below_min == false);   /* the reached level 1 has no minimum */
    in[4] = entered(150);   /* exactly half */
    assess_score(&s, in, NULL, lookup, (void *)top, true, &r);
    assert_int_equal(r.total10, 900);
    assert_int_equal(r.level, 3);
    arena_free(a);
}

/* A province's criterion split into parts the system computes: the minimum share holds for
 * the group (the criterion as the province wrote it), not for each part. */
static void minimum_share_of_a_group_holds_for_the_group_not_its_parts(void **state)
{
    (void)state;
    arena *a = arena_new();
    const char *json =
        "{\"code\": \"nhom\", \"name\": \"Theo nhóm\", \"year\": 2026, \"groups\": ["
        " {\"code\": \"1\", \"name\": \"Cải cách hành chính\", \"criteria\": ["
        "   {\"code\": \"1.1\", \"name\": \"Đúng hạn\", \"max\": 20},"
        "   {\"code\": \"1.2\", \"name\": \"Trực tuyến\", \"max\": 5}]},"
        " {\"code\": \"2\", \"name\": \"Hài lòng\", \"criteria\": ["
        "   {\"code\": \"2.1\", \"name\": \"Hài lòng\", \"max\": 25}]}],"
        " \"levels\": [{\"level\": 2, \"name\": \"Đạt chuẩn\", \"min_total\": 30, \"min_pct_group\": 50},"
        "              {\"level\": 1, \"name\": \"Ghi nhận\", \"min_total\": 10}]}";
    assess_set s;
    err e = {0};
    assert_int_equal(assess_set_parse(a, json, strlen(json), NULL, &s, &e), 0);
    assert_int_equal(s.levels[0].min_pct_group, 50);
    assess_input in[3] = {entered(200), entered(0), entered(120)};
    assess_score_result r;
    assess_score(&s, in, NULL, NULL, NULL, true, &r);
    /* no online dossiers (1.2 = 0) but group 1 has 20 of 25; group 2 has 12 of 25, under half */
    assert_int_equal(r.total10, 320);
    assert_int_equal(r.level, 1);
    in[2] = entered(125);   /* exactly half of group 2 */
    assess_score(&s, in, NULL, NULL, NULL, true, &r);
    assert_int_equal(r.level, 2);
    json_t *j = assess_set_to_json(&s);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "levels"), 0), "min_pct_group")), 50);
    json_decref(j);
    const char *bad_pct = "{\"code\": \"x\", \"name\": \"X\", \"year\": 2026, \"groups\": [{\"code\": \"1\", \"name\": \"N\","
                          " \"criteria\": [{\"code\": \"1.1\", \"name\": \"A\", \"max\": 5}]}],"
                          " \"levels\": [{\"level\": 1, \"name\": \"M\", \"min_total\": 1, \"min_pct_group\": 120}]}";
    assert_int_equal(assess_set_parse(a, bad_pct, strlen(bad_pct), NULL, &s, &e), -1);
    assert_non_null(strstr(e.user, "min_pct_group"));
    arena_free(a);
}

static void missing_and_no_data_fall_back_to_entered_points(void **state)
{
    (void)state;
    arena *a = arena_new();
    assess_set s;
    load(a, &s);
    const figure none[] = {{"dossier.on_time_rate", 100}, {NULL, 0}};   /* no late rate, no ratings */
    assess_input in[7] = {0};
    in[2] = entered(150);   /* satisfaction shown by a survey on paper */
    assess_score_result r;
    assess_score(&s, in, NULL, lookup, (void *)none, true, &r);
    assert_true(r.lines[0].computed);
    assert_false(r.lines[1].has_value);
    assert_true(r.lines[1].missing);   /* no figure, nothing entered */
    assert_false(r.lines[2].computed);
    assert_int_equal(r.lines[2].points10, 150);
    assert_true(r.lines[4].missing);
    assert_int_equal(r.missing, 5);    /* I.2, II.1, II.2, III.1, III.2 */
    assert_int_equal(r.total10, 450);
    assert_int_equal(r.level, 0);
    assert_int_equal(r.next_level, 1);
    assert_int_equal(r.to_next10, 250);
    arena_free(a);
}

static void the_appraiser_may_overrule_a_figure_and_points_are_capped(void **state)
{
    (void)state;
    arena *a = arena_new();
    assess_set s;
    load(a, &s);
    assess_input in[7] = {0};
    in[0] = entered(250);   /* the council found some on-time returns were not */
    in[4] = entered(999);   /* more than the maximum: capped to 30 */
    in[6] = entered(40);    /* 4 points off for a violation */
    assess_score_result r;
    assess_score(&s, in, NULL, lookup, (void *)GOOD, false, &r);
    assert_false(r.lines[0].computed);
    assert_int_equal(r.lines[0].points10, 250);
    assert_int_equal(r.lines[4].points10, 300);
    assert_true(r.lines[5].missing);
    /* 25 + 10 + 17 + 10 + 30 + 0 - 4 = 88 */
    assert_int_equal(r.total10, 880);
    assess_score(&s, in, NULL, lookup, (void *)GOOD, true, &r);   /* the commune: the figure stands */
    assert_int_equal(r.lines[0].points10, 300);
    arena_free(a);
}

static void json_round_trip_is_stable(void **state)
{
    (void)state;
    arena *a = arena_new();
    assess_set s, t;
    load(a, &s);
    json_t *j = assess_set_to_json(&s);
    char *once = json_dumps(j, JSON_COMPACT);
    err e = {0};
    assert_int_equal(assess_set_from_json(a, j, known, &t, &e), 0);
    json_t *k = assess_set_to_json(&t);
    char *twice = json_dumps(k, JSON_COMPACT);
    assert_string_equal(once, twice);
    assert_non_null(strstr(once, "\"lower_better\":true"));
    assert_non_null(strstr(once, "\"each\":0.5"));
    assert_int_equal(t.max_total10, s.max_total10);
    free(once);
    free(twice);
    json_decref(j);
    json_decref(k);
    arena_free(a);
}

/* Replaces the first `from` in SET_JSON by `to` and parses it: the refusal's message. */
static const char *refusal(arena *a, const char *from, const char *to)
{
    const char *at = strstr(SET_JSON, from);
    assert_non_null(at);
    char *json = arena_printf(a, "%.*s%s%s", (int)(at - SET_JSON), SET_JSON, to, at + strlen(from));
    assess_set s;
    err e = {0};
    if (assess_set_parse(a, json, strlen(json), known, &s, &e) != -1) fail_msg("accepted: %s -> %s", from, to);
    assert_int_equal(e.status, 422);
    return arena_strdup(a, e.user);
}

static void bad_sets_are_refused_naming_the_criterion(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_non_null(strstr(refusal(a, "\"dossier.late_rate\", \"lower", "\"dossier.khong_co\", \"lower"), "I.2"));
    assert_non_null(strstr(refusal(a, "[95, 20]", "[95, 35]"), "I.1"));
    assert_non_null(strstr(refusal(a, "[95, 20], [90, 10]", "[90, 20], [95, 10]"), "I.1"));
    assert_non_null(strstr(refusal(a, "\"code\": \"II.1\"", "\"code\": \"I.1\""), "trùng"));
    assert_non_null(strstr(refusal(a, "\"level\": 3, \"name\": \"Mức độ 3\", \"min_total\": 90",
                                   "\"level\": 3, \"name\": \"Mức độ 3\", \"min_total\": 96"),
                           "cao xuống thấp"));
    assert_non_null(strstr(refusal(a, "\"max\": 30, \"guide\"", "\"max\": 0.25, \"guide\""), "II.2"));
    assert_non_null(strstr(refusal(a, "\"year\": 2026", "\"year\": \"2026\""), "year"));
    assert_non_null(strstr(refusal(a, "\"op\": \">\"", "\"op\": \"=>\""), "tre-nhieu"));
    const char *broken = "{\"code\": ";
    assess_set s;
    err e = {0};
    assert_int_equal(assess_set_parse(a, broken, strlen(broken), known, &s, &e), -1);
    assert_non_null(strstr(e.user, "JSON"));
    arena_free(a);
}

static void points_read_and_print_with_a_decimal_comma(void **state)
{
    (void)state;
    arena *a = arena_new();
    int p;
    assert_true(assess_points_parse("92,5", &p));
    assert_int_equal(p, 925);
    assert_true(assess_points_parse("92.5", &p));
    assert_int_equal(p, 925);
    assert_true(assess_points_parse(" 7 ", &p));
    assert_int_equal(p, 70);
    assert_false(assess_points_parse("9,25", &p));
    assert_false(assess_points_parse("-1", &p));
    assert_false(assess_points_parse("abc", &p));
    assert_false(assess_points_parse("", &p));
    assert_string_equal(assess_points_text(a, 925), "92,5");
    assert_string_equal(assess_points_text(a, 900), "90");
    assert_string_equal(assess_points_text(a, 5), "0,5");
    arena_free(a);
}

/* Versions in the database: drafts count up, publishing retires the one before, and the set
 * in force for a commune is its province's latest published year not after the one asked. */
static void versions_publish_and_the_set_in_force(void **state)
{
    (void)state;
    char dir[64], path[160];
    snprintf(dir, sizeof dir, "/tmp/thanthien-assess-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/main.db", dir);
    err e = {0};
    db *d = db_open(path, &e);
    assert_non_null(d);
    assert_int_equal(db_migrate(d, &e), 0);
    assert_int_equal(db_exec(d, "INSERT INTO units (id, code, kind, name, parent_id, created_at) VALUES "
                                "(1, '19', 'province', 'Tỉnh', NULL, 0), (2, '05443', 'commune', 'Phường', 1, 0)"),
                     0);
    arena *a = arena_new();
    assess_set s;
    load(a, &s);
    int64_t v1, v2, v3;
    assert_int_equal(db_begin_write(d), 0);
    assert_int_equal(assess_set_save_draft(d, 1, &s, 0, 1000, &v1, &e), 0);
    assert_int_equal(assess_set_save_draft(d, 1, &s, 0, 1001, &v2, &e), 0);
    assert_int_equal(assess_set_for(d, 2, "commune", 2026), 0);   /* drafts are not in force */
    assert_int_equal(assess_set_publish(d, v1, 0, 1002, &e), 0);
    assert_int_equal(assess_set_for(d, 2, "commune", 2026), v1);
    assert_int_equal(assess_set_for(d, 2, "commune", 2027), v1);   /* still in force a year later */
    assert_int_equal(assess_set_for(d, 2, "commune", 2025), 0);    /* not before its year */
    assert_int_equal(assess_set_for(d, 2, "department", 2026), 0);
    assert_int_equal(assess_set_publish(d, v1, 0, 1003, &e), -1);
    assert_int_equal(e.status, 409);
    assert_int_equal(assess_set_publish(d, v2, 0, 1004, &e), 0);
    assert_int_equal(assess_set_for(d, 2, "commune", 2026), v2);
    assert_int_equal(db_int_by_id(d, "SELECT version FROM assess_sets WHERE id = ?", v2, 0), 2);
    s.year = 2027;
    assert_int_equal(assess_set_save_draft(d, 1, &s, 0, 1005, &v3, &e), 0);
    assert_int_equal(assess_set_publish(d, v3, 0, 1006, &e), 0);
    assert_int_equal(assess_set_for(d, 2, "commune", 2026), v2);
    assert_int_equal(assess_set_for(d, 2, "commune", 2028), v3);
    assert_int_equal(db_commit(d), 0);

    assess_set back;
    assert_int_equal(assess_set_load(d, a, v2, &back, &e), 0);
    assert_int_equal(back.max_total10, 1000);
    assert_string_equal(back.items[2].metric, "rating.satisfied_rate");
    assert_int_equal(assess_set_load(d, a, 999, &back, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(db_int_by_id(d, "SELECT count(*) FROM audit_log WHERE entity = 'assess_set' AND ? > 0", 1, 0), 6);   /* three drafts, three publications */
    arena_free(a);
    db_close(d);
    testdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_reads_with_its_totals),
        cmocka_unit_test(each_rule_gives_its_points),
        cmocka_unit_test(a_good_unit_reaches_level_4_and_a_blocker_stops_it),
        cmocka_unit_test(a_computed_blocker_stops_the_levels_above_it),
        cmocka_unit_test(minimum_share_of_each_criterion_holds_a_level_back),
        cmocka_unit_test(minimum_share_of_a_group_holds_for_the_group_not_its_parts),
        cmocka_unit_test(missing_and_no_data_fall_back_to_entered_points),
        cmocka_unit_test(the_appraiser_may_overrule_a_figure_and_points_are_capped),
        cmocka_unit_test(json_round_trip_is_stable),
        cmocka_unit_test(bad_sets_are_refused_naming_the_criterion),
        cmocka_unit_test(points_read_and_print_with_a_decimal_comma),
        cmocka_unit_test(versions_publish_and_the_set_in_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
