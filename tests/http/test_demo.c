/* test_demo.c -- the demo province (data/demo/units.json, src/demo/): enough communes and
 * departments, each with about two years of history, for the province's view to compare,
 * and desks that differ the way their profiles say (exemplary Tích Lương and Phổ Yên, poor
 * Bình Yên and Quan Triều; data/demo/SOURCES.md). The assessor checks it where the province
 * looks, the ratings' figures by unit; the rest is read from the database the server uses. */
#include "harness.h"

static const char *const GOOD[] = {"Phường Tích Lương", "Phường Phổ Yên"};
static const char *const POOR[] = {"Xã Bình Yên", "Phường Quan Triều"};

/* Every commune and department has dossiers from the demo's first month to its last, and the
 * letters, ratings and surveys that follow; every commune its receptions. */
static void every_unit_has_two_years_of_history(void **state)
{
    (void)state;
    assert_true(sql_int("SELECT COUNT(*) FROM units WHERE kind = 'commune'") >= 12);
    assert_true(sql_int("SELECT COUNT(*) FROM units WHERE kind = 'department'") >= 3);
    const char *lacking[] = {
        /* dossiers in December 2024 and in the last month */
        "SELECT COUNT(*) FROM units u WHERE kind IN ('commune', 'department') AND NOT EXISTS (SELECT 1 FROM dossiers d "
        "WHERE d.unit_id = u.id AND d.received_at < CAST(strftime('%s', '2025-01-01') AS INTEGER))",
        "SELECT COUNT(*) FROM units u WHERE kind IN ('commune', 'department') AND NOT EXISTS (SELECT 1 FROM dossiers d "
        "WHERE d.unit_id = u.id AND d.received_at > CAST(strftime('%s', 'now', '-30 days') AS INTEGER))",
        "SELECT COUNT(*) FROM units u WHERE kind IN ('commune', 'department') AND (SELECT COUNT(*) FROM letters l WHERE "
        "l.unit_id = u.id) < 10",
        "SELECT COUNT(*) FROM units u WHERE kind IN ('commune', 'department') AND (SELECT COUNT(*) FROM ratings r WHERE "
        "r.unit_id = u.id) < 100",
        /* a survey round each half-year and one now, with answers */
        "SELECT COUNT(*) FROM units u WHERE kind IN ('commune', 'department') AND (SELECT COUNT(DISTINCT s.id) FROM "
        "surveys s JOIN survey_responses r ON r.survey_id = s.id WHERE s.unit_id = u.id) < 2",
        "SELECT COUNT(*) FROM units u WHERE kind = 'commune' AND NOT EXISTS (SELECT 1 FROM receptions x WHERE "
        "x.unit_id = u.id)",
    };
    for (size_t i = 0; i < sizeof lacking / sizeof lacking[0]; i++) {
        int64_t n = sql_int("%s", lacking[i]);
        if (n != 0) fail_msg("%lld units lack: %s", (long long)n, lacking[i]);
    }
    /* the province itself receives nothing */
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.kind = 'province'"), 0);
    /* departments register no births, so they write no congratulations */
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letters l JOIN units u ON u.id = l.unit_id WHERE u.kind = 'department' "
                             "AND l.kind <> 'apology'"),
                     0);
}

static double share_of(json_t *by_unit, const char *name)
{
    size_t i;
    json_t *u;
    json_array_foreach(by_unit, i, u) {
        if (!strcmp(json_string_value(json_object_get(u, "name")), name)) {
            assert_true(json_integer_value(json_object_get(u, "total")) > 100);
            return json_real_value(json_object_get(u, "satisfied_share"));
        }
    }
    fail_msg("%s is not in the province's figures", name);
    return 0;
}

/* The province's assessor sees every unit rated over 2025, and the exemplary desks' citizens
 * more satisfied than the poor desks' by a clear margin; the page names every unit. */
static void the_province_sees_desks_that_differ(void **state)
{
    (void)state;
    session s;
    sign_in("thamdinh", &s);
    response r = request("GET", "/api/v1/ratings/figures?tu=2025-01-01&den=2025-12-31", NULL, s.cookie, NULL);
    assert_status(r, 200);
    json_t *f = json_loads(r.body, 0, NULL);
    assert_non_null(f);
    json_t *by_unit = json_object_get(f, "by_unit");
    assert_true(json_array_size(by_unit) >= 16);   /* the province, 12 communes, 3 departments */
    size_t i;
    json_t *u;
    int rated = 0;
    json_array_foreach(by_unit, i, u) rated += json_integer_value(json_object_get(u, "total")) > 100;
    assert_true(rated >= 15);
    double worst_good = 100, best_poor = 0;
    for (int k = 0; k < 2; k++) {
        double g = share_of(by_unit, GOOD[k]), p = share_of(by_unit, POOR[k]);
        worst_good = g < worst_good ? g : worst_good;
        best_poor = p > best_poor ? p : best_poor;
    }
    if (worst_good - best_poor < 5) fail_msg("satisfied: exemplary %.1f %%, poor %.1f %%", worst_good, best_poor);
    json_decref(f);
    response_free(&r);
    r = request("GET", "/danh-gia/thong-ke?tu=01%2F01%2F2025&den=31%2F12%2F2025", NULL, s.cookie, NULL);
    assert_status(r, 200);
    char *names = sql_text("SELECT group_concat(name, '|') FROM units WHERE kind IN ('commune', 'department')");
    for (char *save = NULL, *name = strtok_r(names, "|", &save); name; name = strtok_r(NULL, "|", &save))
        assert_contains(r.body, name);
    free(names);
    response_free(&r);
}

/* Survey respondents of the exemplary desks score the service higher than the poor desks'. */
static void surveys_follow_the_desks(void **state)
{
    (void)state;
    const char *mean = "SELECT CAST(100 * AVG(a.value) AS INTEGER) FROM surveys s JOIN units u ON u.id = s.unit_id "
                       "JOIN survey_responses r ON r.survey_id = s.id JOIN survey_answers a ON a.response_id = r.id "
                       "JOIN survey_questions q ON q.id = a.question_id WHERE q.kind = 'scale' AND u.name = '%s'";
    int64_t worst_good = 500, best_poor = 0;
    for (int k = 0; k < 2; k++) {
        int64_t g = sql_int(mean, GOOD[k]), p = sql_int(mean, POOR[k]);
        assert_true(g > 0 && p > 0);
        worst_good = g < worst_good ? g : worst_good;
        best_poor = p > best_poor ? p : best_poor;
    }
    if (worst_good - best_poor < 20) fail_msg("mean score x100: exemplary %lld, poor %lld", (long long)worst_good,
                                              (long long)best_poor);
}

/* The first integer an SQL statement answers on another database file. */
static int64_t sql_int_in(const char *path, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    int64_t v = -1;
    assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    } else fail_msg("sql: %s: %s", sql, sqlite3_errmsg(h));
    sqlite3_close(h);
    return v;
}

/* The benchmark database of the province's view (bench/province.sh): with --voice every one of
 * its communes has ratings, feedback and receptions beside its dossiers, not the dossiers alone;
 * --voice alone is refused. */
static void a_benchmark_province_has_every_feature(void **state)
{
    (void)state;
    char path[400], out[400];
    snprintf(path, sizeof path, "%s/bench.db", dir);
    snprintf(out, sizeof out, "%s/bench.out", dir);
    char *make[] = {(char *)bin, "demo", "--db", path, "--dossiers", "3000", "--communes", "20", "--voice", NULL};
    assert_int_equal(run(out, make, NULL), 0);
    int64_t communes = sql_int_in(path, "SELECT COUNT(*) FROM units WHERE kind = 'commune'");
    assert_true(communes >= 20);
    assert_int_equal(sql_int_in(path, "SELECT COUNT(*) FROM dossiers"), 3000);
    assert_int_equal(sql_int_in(path, "SELECT COUNT(*) FROM units u WHERE u.kind = 'commune' AND NOT EXISTS "
                                      "(SELECT 1 FROM feedback f WHERE f.unit_id = u.id)"),
                     0);
    assert_true(sql_int_in(path, "SELECT COUNT(DISTINCT unit_id) FROM ratings") >= 20);
    assert_true(sql_int_in(path, "SELECT COUNT(DISTINCT unit_id) FROM receptions") >= 20);
    char other[400];
    snprintf(other, sizeof other, "%s/alone.db", dir);
    char *alone[] = {(char *)bin, "demo", "--db", other, "--voice", NULL};
    assert_int_equal(run(out, alone, NULL), 2);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_unit_has_two_years_of_history),
        cmocka_unit_test(the_province_sees_desks_that_differ),
        cmocka_unit_test(surveys_follow_the_desks),
        cmocka_unit_test(a_benchmark_province_has_every_feature),
    };
    int failed = cmocka_run_group_tests_name("demo", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
