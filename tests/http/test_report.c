/* test_report.c -- the province's targets and the reports on the model (src/report): the
 * targets dashboard against levels the test records itself (shares, met or not, how many
 * communes short, the communes closest to their next level), an administrator's edit of one
 * year (audited, a range split around it); the commune's report whose every figure is
 * recomputed here in SQL, its PDF read back with pdftotext (title, a figure, the signer) and
 * its XLSX read back with unzip; the leader's words saved, shown, audited, and refused to
 * anyone but the unit's leader; the province's roll-up equal to the sum of its units. */
#include "harness.h"

/* ---- helpers ------------------------------------------------------------------------------- */

static json_t *get_json(const session *s, const char *path)
{
    response r = request("GET", path, NULL, s->cookie, "Accept: application/json");
    if (r.status != 200) fail_msg("GET %s answered %ld: %.300s", path, r.status, r.body);
    json_error_t je;
    json_t *j = json_loads(r.body, 0, &je);
    if (!j) fail_msg("GET %s: not JSON: %s", path, je.text);
    response_free(&r);
    return j;
}

/* One part of an XLSX answer (unzip -p), malloc'd. */
static char *xlsx_part(const response *r, const char *name, const char *part)
{
    char path[320], out[320];
    snprintf(path, sizeof path, "%s/%s.xlsx", dir, name);
    snprintf(out, sizeof out, "%s/%s-%d.xml", dir, name, (int)strlen(part));
    FILE *f = fopen(path, "wb");
    fwrite(r->body, 1, r->len, f);
    fclose(f);
    char *argv[] = {"/usr/bin/unzip", "-p", path, (char *)part, NULL};
    assert_int_equal(run(out, argv, NULL), 0);
    return slurp(out);
}

static int64_t unit_id_of(const char *code)
{
    return sql_int("SELECT id FROM units WHERE code = '%s'", code);
}

static int this_year(void)
{
    time_t t = (time_t)(server_now() + 7 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

/* ---- targets --------------------------------------------------------------------------------- */

/* A published set with one entered criterion of 100 points and four levels. */
static const char *SET_BODY =
    "{\"code\": \"thu-nghiem\", \"name\": \"Bộ tiêu chí thử nghiệm\", \"applies_to\": \"commune\", \"year\": 2026,"
    " \"groups\": [{\"code\": \"I\", \"name\": \"Chung\", \"criteria\": ["
    "   {\"code\": \"I.1\", \"name\": \"Tổng hợp\", \"max\": 100}]}],"
    " \"levels\": [{\"level\": 4, \"name\": \"Mức độ 4\", \"min_total\": 95},"
    "  {\"level\": 3, \"name\": \"Mức độ 3\", \"min_total\": 90},"
    "  {\"level\": 2, \"name\": \"Mức độ 2\", \"min_total\": 80},"
    "  {\"level\": 1, \"name\": \"Mức độ 1\", \"min_total\": 70}]}";

/* Eight more communes under Thái Nguyên (beside the demo's) and cycles of 2029 (a year the demo's own
 * cycles never reach): four recognised at level
 * 1, three at level 2, one at level 4; one submitted at 68 points (2 short of level 1), one
 * without a cycle. Returns the set's id. */
static int64_t record_levels(void)
{
    int64_t province = unit_id_of("19");
    int64_t set = sql_int("SELECT id FROM assess_sets WHERE code = 'thu-nghiem'");
    if (set > 0) return set;
    sqlite3 *h;
    assert_int_equal(sqlite3_open(dbpath, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "INSERT INTO assess_sets (unit_id, code, version, year, applies_to, name, status, "
                                        "body, created_at, published_at) VALUES (?, 'thu-nghiem', 1, 2026, 'commune', "
                                        "'Bộ tiêu chí thử nghiệm', 'published', ?, 0, 0)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, province);
    sqlite3_bind_text(st, 2, SET_BODY, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(h);
    set = sql_int("SELECT id FROM assess_sets WHERE code = 'thu-nghiem'");
    for (int i = 1; i <= 8; i++)
        sql_int("INSERT INTO units (code, kind, name, parent_id, created_at) VALUES ('T%02d', 'commune', "
                "'Xã Thử Nghiệm %02d', %lld, 0)",
                i, i, (long long)province);
    /* the two demo communes and T01..T06 recognised; T07 submitted; T08 none */
    static const struct {
        const char *code;
        int level, total10;
    } rec[] = {{"05443", 1, 750}, {"05602", 1, 720}, {"T01", 1, 700}, {"T02", 1, 770},
               {"T03", 2, 850}, {"T04", 2, 860},  {"T05", 2, 820}, {"T06", 4, 960}};
    for (size_t i = 0; i < sizeof rec / sizeof rec[0]; i++)
        sql_int("INSERT INTO assessments (unit_id, year, set_id, status, proposed_level, self_total10, "
                "appraised_total10, recognised_level, recognised_at, rounds, created_at) VALUES (%lld, 2029, %lld, "
                "'recognised', %d, %d, %d, %d, 0, 1, 0)",
                (long long)unit_id_of(rec[i].code), (long long)set, rec[i].level, rec[i].total10, rec[i].total10,
                rec[i].level);
    sql_int("INSERT INTO assessments (unit_id, year, set_id, status, proposed_level, self_total10, rounds, "
            "created_at) VALUES (%lld, 2029, %lld, 'submitted', 0, 680, 1, 0)",
            (long long)unit_id_of("T07"), (long long)set);
    /* the one criterion's points, as the cycle scores them: the self-assessment and the appraisal */
    sql_int("INSERT INTO assessment_items (assessment_id, criterion, self_points10, appraised_points10) "
            "SELECT id, 'I.1', COALESCE(appraised_total10, self_total10), appraised_total10 FROM assessments "
            "WHERE set_id = %lld",
            (long long)set);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM assessments WHERE year = 2029"), 9);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM assessment_items WHERE criterion = 'I.1'"), 9);
    return set;
}

static json_t *target_line(json_t *m, const char *key)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(m, "targets"), i, l)
        if (!strcmp(json_string_value(json_object_get(l, "key")), key)) return l;
    fail_msg("no target line %s", key);
    return NULL;
}

static void targets_show_shares_against_the_plan(void **state)
{
    (void)state;
    record_levels();
    session s;
    sign_in("thamdinh", &s);
    json_t *m = get_json(&s, "/muc-tieu?don_vi=19&nam=2029");
    /* the demo's communes (twelve or more) and the eight added: only ten have a 2029 cycle */
    long long n = sql_int("SELECT COUNT(*) FROM units WHERE kind = 'commune'");
    assert_true(n >= 20);
    assert_int_equal(json_integer_value(json_object_get(m, "communes")), n);
    /* 2027-2030 (the copy of Kế hoạch 154-KH/HU): >= 90% at level 1, of which >= 70% above, >= 5 at level 4 */
    json_t *l1 = target_line(m, "level1"), *a1 = target_line(m, "above1"), *l4 = target_line(m, "level4");
    assert_int_equal(json_integer_value(json_object_get(l1, "target")), 90);
    assert_int_equal(json_integer_value(json_object_get(l1, "have")), 8);
    assert_false(json_is_true(json_object_get(l1, "met")));
    assert_int_equal(json_integer_value(json_object_get(l1, "short")), (90 * n + 99) / 100 - 8);
    assert_int_equal(json_integer_value(json_object_get(a1, "have")), 4);   /* levels 2 and 4: "of which" */
    assert_false(json_is_true(json_object_get(a1, "met")));
    assert_int_equal(json_integer_value(json_object_get(a1, "short")), (70 * n + 99) / 100 - 4);
    assert_int_equal(json_integer_value(json_object_get(l4, "have")), 1);
    assert_false(json_is_true(json_object_get(l4, "met")));
    assert_int_equal(json_integer_value(json_object_get(l4, "short")), 4);
    assert_false(json_is_true(json_object_get(m, "all_met")));
    /* the closest to the next level first: T07 at 68 lacks 2 points of level 1 (T02 at 77 lacks 3 of level 2) */
    json_t *close = json_array_get(json_object_get(m, "close"), 0);
    assert_string_equal(json_string_value(json_object_get(close, "code")), "T07");
    assert_int_equal(json_integer_value(json_object_get(close, "next_level")), 1);
    assert_int_equal(json_integer_value(json_object_get(close, "short10")), 20);
    json_decref(m);
    /* the target's basis goes with it */
    m = get_json(&s, "/muc-tieu?don_vi=19&nam=2025");
    assert_true(strstr(json_string_value(json_object_get(json_object_get(m, "target"), "basis")), "154-KH/HU") != NULL);
    json_decref(m);
    /* the page: the table, the chart, the basis */
    response r = request("GET", "/muc-tieu?don_vi=19&nam=2029", NULL, s.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "tt-targets-chart");
    assert_contains(r.body, "Chưa đạt");
    assert_contains(r.body, "154-KH/HU");
    assert_contains(r.body, "Xã Thử Nghiệm 07");
    if (800 % n == 0) {   /* 8 communes at level 1 or above, as Vietnamese prints the share */
        char share[16];
        snprintf(share, sizeof share, ">%lld%%<", 800 / n);
        assert_contains(r.body, share);
    }
    response_free(&r);
    /* a commune's officer does not see it */
    session o;
    sign_in("canbo1", &o);
    r = request("GET", "/muc-tieu", NULL, o.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
}

static void admin_edits_one_year_of_a_range(void **state)
{
    (void)state;
    record_levels();
    session s;
    sign_in("admin", &s);
    /* 2028 sits in the 2027-2030 row: only 2028 changes */
    response r = post_form(&s, "/muc-tieu", "&don_vi=19&nam=2028&muc1=85&tren_muc1=60&muc4=3&can_cu=K%E1%BA%BF%20ho%E1%BA%A1ch%20s%E1%BB%91%2012%2FKH-UBND");
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM report_targets WHERE unit_code = '19' AND year_from = 2027 AND year_to = 2027 AND level1_pct = 90"), 1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM report_targets WHERE unit_code = '19' AND year_from = 2028 AND year_to = 2028 AND level1_pct = 85 AND above1_pct = 60 AND level4_min = 3"), 1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM report_targets WHERE unit_code = '19' AND year_from = 2029 AND year_to = 2030 AND above1_pct = 70"), 1);
    assert_int_equal(audits("report.target", 2028), 1);
    /* 2029 lowered to what the province reached: every line met, 2030 keeps the plan's */
    long long n = sql_int("SELECT COUNT(*) FROM units WHERE kind = 'commune'");
    char lowered[160];
    snprintf(lowered, sizeof lowered, "&don_vi=19&nam=2029&muc1=%lld&tren_muc1=%lld&muc4=1&can_cu=S%%E1%%BB%%ADa%%20th%%E1%%BB%%AD",
             800 / n, 400 / n);
    r = post_form(&s, "/muc-tieu", lowered);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM report_targets WHERE unit_code = '19' AND year_from = 2030 AND year_to = 2030 AND level1_pct = 90"), 1);
    json_t *m = get_json(&s, "/muc-tieu?don_vi=19&nam=2029");
    assert_true(json_is_true(json_object_get(m, "all_met")));
    json_decref(m);
    /* above level 1 is part of level 1: it cannot be larger (422, nothing saved) */
    int64_t before = sql_int("SELECT COUNT(*) FROM report_targets");
    r = post_form(&s, "/muc-tieu", "&don_vi=19&nam=2027&muc1=50&tren_muc1=60&muc4=0&can_cu=x");
    assert_status(r, 422);
    assert_contains(r.body, "không được lớn hơn");
    response_free(&r);
    r = post_form(&s, "/muc-tieu", "&don_vi=19&nam=2027&muc1=abc&can_cu=x");
    assert_status(r, 422);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM report_targets"), before);
    /* an assessor reads but does not edit */
    session t;
    sign_in("thamdinh", &t);
    r = post_form(&t, "/muc-tieu", "&don_vi=19&nam=2027&muc1=10&tren_muc1=5&muc4=0&can_cu=x");
    assert_status(r, 403);
    response_free(&r);
}

/* ---- the commune's report ---------------------------------------------------------------------- */

/* The value of a figure in the report's JSON for a column ("year", "h2", "h1"); -1 for null. */
static double figure(json_t *m, const char *key, const char *col)
{
    size_t i, j;
    json_t *g, *l;
    json_array_foreach(json_object_get(m, "groups"), i, g) json_array_foreach(json_object_get(g, "lines"), j, l) {
        if (strcmp(json_string_value(json_object_get(l, "key")), key)) continue;
        json_t *v = json_object_get(json_object_get(l, "values"), col);
        return json_is_null(v) ? -1 : json_number_value(v);
    }
    fail_msg("no figure %s", key);
    return 0;
}

static const char *figure_text(json_t *m, const char *key, const char *col)
{
    size_t i, j;
    json_t *g, *l;
    json_array_foreach(json_object_get(m, "groups"), i, g) json_array_foreach(json_object_get(g, "lines"), j, l) {
        if (!strcmp(json_string_value(json_object_get(l, "key")), key))
            return json_string_value(json_object_get(json_object_get(l, "text"), col));
    }
    return "";
}


/* Local midnight (UTC+7) of y-m-d as Unix seconds. */
static int64_t local_midnight(int y, int m, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    return (int64_t)timegm(&tm) - 7 * 3600;
}

/* Checks one count of the report against SQL over [from, to). */
static void check_count(json_t *m, const char *key, const char *col, const char *sql_fmt, long long unit, long long from,
                        long long to)
{
    char sql[1024];
    snprintf(sql, sizeof sql, sql_fmt, unit, from, to);
    int64_t want = sql_int("%s", sql);
    double got = figure(m, key, col);
    if (got != (double)want) fail_msg("%s (%s): report %g, SQL %lld", key, col, got, (long long)want);
}

/* Checks a rate of the report: 100 * part / whole from SQL, or null when whole is 0. */
static void check_rate(json_t *m, const char *key, const char *col, const char *part_fmt, const char *whole_fmt,
                       long long unit, long long from, long long to)
{
    char sql[1024];
    snprintf(sql, sizeof sql, part_fmt, unit, from, to);
    int64_t part = sql_int("%s", sql);
    snprintf(sql, sizeof sql, whole_fmt, unit, from, to);
    int64_t whole = sql_int("%s", sql);
    double got = figure(m, key, col);
    if (!whole) {
        if (got != -1) fail_msg("%s (%s): report %g, SQL has no data", key, col, got);
        return;
    }
    double want = 100.0 * (double)part / (double)whole;
    if (got - want > 1e-6 || want - got > 1e-6)
        fail_msg("%s (%s): report %g, SQL %lld/%lld = %g", key, col, got, (long long)part, (long long)whole, want);
}

static void every_figure_is_recomputed_in_sql(void **state)
{
    (void)state;
    session s;
    sign_in("lanhdao1", &s);
    int years[2] = {this_year() - 1, this_year()};
    long long unit = unit_id_of("05443");
    int checked = 0;
    for (int yi = 0; yi < 2; yi++) {
        int y = years[yi];
        char path[160];
        snprintf(path, sizeof path, "/bao-cao?don_vi=05443&nam=%d&ky=nam", y);
        json_t *m = get_json(&s, path);
        struct {
            const char *col;
            long long from, to;
        } cols[3] = {{"year", local_midnight(y, 1, 1), local_midnight(y + 1, 1, 1)},
                     {"h2", local_midnight(y, 7, 1), local_midnight(y + 1, 1, 1)},
                     {"h1", local_midnight(y, 1, 1), local_midnight(y, 7, 1)}};
        json_t *half = NULL;
        for (int c = 0; c < 3; c++) {
            json_t *mm = m;
            if (c == 2) {
                snprintf(path, sizeof path, "/bao-cao?don_vi=05443&nam=%d&ky=6t", y);
                mm = half = get_json(&s, path);
            }
            const char *col = cols[c].col;
            long long f = cols[c].from, t = cols[c].to;
            /* the sql formats take (unit, ignored, from, to) through positional arguments */
#define ARGS unit, f, t
            check_count(mm, "dossier.received", col,
                        "SELECT COUNT(*) FROM dossiers WHERE unit_id = %1$lld AND received_at >= %2$lld AND received_at < %3$lld", ARGS);
            check_rate(mm, "dossier.online_rate", col,
                       "SELECT COUNT(*) FROM dossiers WHERE unit_id = %1$lld AND received_at >= %2$lld AND received_at < %3$lld AND channel = 'online'",
                       "SELECT COUNT(*) FROM dossiers WHERE unit_id = %1$lld AND received_at >= %2$lld AND received_at < %3$lld", ARGS);
            check_count(mm, "dossier.apologies", col,
                        "SELECT COUNT(*) FROM dossier_notices n JOIN dossiers d ON d.id = n.dossier_id WHERE d.unit_id = %1$lld "
                        "AND n.kind = 'apology' AND n.at >= %2$lld AND n.at < %3$lld", ARGS);
            check_count(mm, "rating.count", col,
                        "SELECT COUNT(*) FROM ratings WHERE unit_id = %1$lld AND rated_at >= %2$lld AND rated_at < %3$lld", ARGS);
            check_rate(mm, "rating.satisfied_rate", col,
                       "SELECT COUNT(*) FROM ratings WHERE unit_id = %1$lld AND rated_at >= %2$lld AND rated_at < %3$lld AND satisfied = 1",
                       "SELECT COUNT(*) FROM ratings WHERE unit_id = %1$lld AND rated_at >= %2$lld AND rated_at < %3$lld", ARGS);
            check_count(mm, "rating.dissatisfied", col,
                        "SELECT COUNT(*) FROM ratings WHERE unit_id = %1$lld AND rated_at >= %2$lld AND rated_at < %3$lld AND follow_status <> 'none'", ARGS);
            check_rate(mm, "rating.answered_rate", col,
                       "SELECT COUNT(*) FROM ratings WHERE unit_id = %1$lld AND rated_at >= %2$lld AND rated_at < %3$lld AND follow_status = 'answered'",
                       "SELECT COUNT(*) FROM ratings WHERE unit_id = %1$lld AND rated_at >= %2$lld AND rated_at < %3$lld AND follow_status <> 'none'", ARGS);
            check_count(mm, "feedback.received", col,
                        "SELECT COUNT(*) FROM feedback WHERE unit_id = %1$lld AND received_at >= %2$lld AND received_at < %3$lld", ARGS);
            check_rate(mm, "feedback.on_time_rate", col,
                       "SELECT COUNT(*) FROM feedback WHERE unit_id = %1$lld AND status = 'resolved' AND resolved_at >= %2$lld AND resolved_at < %3$lld "
                       "AND (resolved_at <= COALESCE(due_at, accept_due_at) OR COALESCE(due_at, accept_due_at) IS NULL)",
                       "SELECT COUNT(*) FROM feedback WHERE unit_id = %1$lld AND status = 'resolved' AND resolved_at >= %2$lld AND resolved_at < %3$lld", ARGS);
            check_count(mm, "complaint.received", col,
                        "SELECT COUNT(*) FROM feedback WHERE unit_id = %1$lld AND received_at >= %2$lld AND received_at < %3$lld "
                        "AND kind IN ('khieu_nai', 'to_cao')", ARGS);
            check_rate(mm, "complaint.on_time_rate", col,
                       "SELECT COUNT(*) FROM feedback WHERE unit_id = %1$lld AND status = 'resolved' AND resolved_at >= %2$lld AND resolved_at < %3$lld "
                       "AND kind IN ('khieu_nai', 'to_cao') AND (resolved_at <= COALESCE(due_at, accept_due_at) OR COALESCE(due_at, accept_due_at) IS NULL)",
                       "SELECT COUNT(*) FROM feedback WHERE unit_id = %1$lld AND status = 'resolved' AND resolved_at >= %2$lld AND resolved_at < %3$lld "
                       "AND kind IN ('khieu_nai', 'to_cao')", ARGS);
            static const char *const kinds[][2] = {{"letter.congratulation", "congratulation"}, {"letter.condolence", "condolence"},
                                                   {"letter.thanks", "thanks"}, {"letter.apology", "apology"}};
            for (int k = 0; k < 4; k++) {
                char fmt[400];
                snprintf(fmt, sizeof fmt,
                         "SELECT COUNT(*) FROM letters WHERE unit_id = %%1$lld AND kind = '%s' AND status = 'delivered' "
                         "AND delivered_at >= %%2$lld AND delivered_at < %%3$lld", kinds[k][1]);
                check_count(mm, kinds[k][0], col, fmt, ARGS);
            }
            check_count(mm, "reception.count", col,
                        "SELECT COUNT(*) FROM receptions WHERE unit_id = %1$lld AND received_at >= %2$lld AND received_at < %3$lld", ARGS);
            check_count(mm, "reception.sessions", col,
                        "SELECT COUNT(DISTINCT (received_at + 25200) / 86400) FROM receptions WHERE unit_id = %1$lld "
                        "AND received_at >= %2$lld AND received_at < %3$lld AND session IN ('periodic', 'adhoc')", ARGS);
            check_count(mm, "dialogue.held", col,
                        "SELECT COUNT(*) FROM dialogues WHERE unit_id = %1$lld AND status = 'held' AND starts_at >= %2$lld AND starts_at < %3$lld", ARGS);
            check_count(mm, "survey.responses", col,
                        "SELECT COUNT(*) FROM survey_responses r JOIN surveys v ON v.id = r.survey_id WHERE v.unit_id = %1$lld "
                        "AND r.answered_at >= %2$lld AND r.answered_at < %3$lld", ARGS);
#undef ARGS
            /* the on-time and late shares split the dossiers graded between them */
            double on = figure(mm, "dossier.on_time_rate", col), late = figure(mm, "dossier.late_rate", col),
                   early = figure(mm, "dossier.early_rate", col);
            if (on >= 0) {
                assert_true(on + late > 99.999 && on + late < 100.001);
                assert_true(early <= on);
            }
            checked++;
        }
        json_decref(half);
        /* the demo's dossiers are there: the check is not of zeros only */
        if (yi == 0) assert_true(figure(m, "dossier.received", "year") > 0);
        json_decref(m);
    }
    assert_int_equal(checked, 6);
}

static void pdf_and_xlsx_read_back(void **state)
{
    (void)state;
    session s;
    sign_in("lanhdao1", &s);
    int y = this_year();
    char path[160];
    snprintf(path, sizeof path, "/bao-cao?don_vi=05443&nam=%d&ky=nam", y);
    json_t *m = get_json(&s, path);
    const char *received = figure_text(m, "dossier.received", "year");
    char *signer = sql_text("SELECT l.name FROM unit_leaders l JOIN units u ON u.id = l.unit_id WHERE u.code = '05443' "
                            "ORDER BY l.sort, l.id LIMIT 1");
    assert_true(strlen(signer) > 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(m, "signer"), "name")), signer);
    snprintf(path, sizeof path, "/bao-cao.pdf?don_vi=05443&nam=%d&ky=nam", y);
    response r = request("GET", path, NULL, s.cookie, NULL);
    assert_status(r, 200);
    char *text = pdf_flat_text(&r, "report");
    assert_contains(text, "BÁO CÁO");
    char want[200];
    snprintf(want, sizeof want, "Chính quyền thân thiện, vì Nhân dân phục vụ” năm %d", y);
    assert_contains(text, want);
    assert_contains(text, "/BC-UBND");
    assert_contains(text, "TM. ỦY BAN NHÂN DÂN");
    assert_contains(text, signer);
    assert_contains(text, "Nơi nhận");
    /* a figure: the dossiers received in the year, as the page prints it */
    assert_contains(text, received);
    assert_contains(text, "III. TỰ ĐÁNH GIÁ, CHẤM ĐIỂM");
    free(text);
    response_free(&r);
    /* the 6-month report has no part III */
    snprintf(path, sizeof path, "/bao-cao.pdf?don_vi=05443&nam=%d&ky=6t", y);
    r = request("GET", path, NULL, s.cookie, NULL);
    assert_status(r, 200);
    text = pdf_flat_text(&r, "report6");
    snprintf(want, sizeof want, "6 tháng đầu năm %d", y);
    assert_contains(text, want);
    assert_lacks(text, "TỰ ĐÁNH GIÁ, CHẤM ĐIỂM");
    free(text);
    response_free(&r);
    /* the workbook: the labels and the number itself */
    snprintf(path, sizeof path, "/bao-cao.xlsx?don_vi=05443&nam=%d&ky=nam", y);
    r = request("GET", path, NULL, s.cookie, NULL);
    assert_status(r, 200);
    char *strings = xlsx_part(&r, "report", "xl/sharedStrings.xml");
    assert_contains(strings, "Phường Phan Đình Phùng");
    assert_contains(strings, "Cả năm");
    assert_contains(strings, "Giải quyết thủ tục hành chính");
    char *sheet = xlsx_part(&r, "report", "xl/worksheets/sheet1.xml");
    snprintf(want, sizeof want, "<v>%lld</v>", (long long)figure(m, "dossier.received", "year"));
    assert_contains(sheet, want);
    free(strings);
    free(sheet);
    response_free(&r);
    free(signer);
    json_decref(m);
    /* a department's report: issued under the province's committee, numbered .../BC */
    session dep;
    sign_in("congchuc.so", &dep);
    snprintf(path, sizeof path, "/bao-cao.pdf?nam=%d&ky=nam", y);
    r = request("GET", path, NULL, dep.cookie, NULL);
    assert_status(r, 200);
    text = pdf_flat_text(&r, "department");
    assert_contains(text, "SỞ NỘI VỤ");
    assert_contains(text, "UBND TỈNH THÁI NGUYÊN");
    assert_contains(text, "/BC ");
    assert_lacks(text, "TM. ỦY BAN NHÂN DÂN");
    free(text);
    response_free(&r);
}

static void leader_writes_the_words_others_read(void **state)
{
    (void)state;
    int y = this_year();
    session s;
    sign_in("lanhdao1", &s);
    char form[512], path[160];
    snprintf(form, sizeof form,
             "&don_vi=05443&nam=%d&ky=6t&leadership=%s&strengths=%s&number=%s", y,
             enc("Ban hành Kế hoạch số 15/KH-UBND về xây dựng chính quyền thân thiện."),
             enc("Không có hồ sơ trễ hạn kéo dài."), enc("27"));
    response r = post_form(&s, "/bao-cao/loi-van", form);
    assert_status(r, 303);
    response_free(&r);
    int64_t unit = unit_id_of("05443");
    assert_int_equal(audits("report.text", unit), 1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM report_texts WHERE unit_id = %lld AND year = %d AND period = '6t'",
                             (long long)unit, y),
                     3);
    /* the same words again: nothing changes, nothing more is recorded */
    r = post_form(&s, "/bao-cao/loi-van", form);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(audits("report.text", unit), 1);
    /* an officer of the unit reads them ... */
    session o;
    sign_in("canbo1", &o);
    snprintf(path, sizeof path, "/bao-cao?don_vi=05443&nam=%d&ky=6t", y);
    json_t *m = get_json(&o, path);
    assert_string_equal(json_string_value(json_object_get(json_object_get(m, "texts"), "leadership")),
                        "Ban hành Kế hoạch số 15/KH-UBND về xây dựng chính quyền thân thiện.");
    json_decref(m);
    r = request("GET", path, NULL, o.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Ban hành Kế hoạch số 15/KH-UBND");
    assert_lacks(r.body, "action=\"/bao-cao/loi-van\"");
    response_free(&r);
    /* ... in the PDF too, with the number */
    snprintf(path, sizeof path, "/bao-cao.pdf?don_vi=05443&nam=%d&ky=6t", y);
    r = request("GET", path, NULL, o.cookie, NULL);
    char *text = pdf_flat_text(&r, "words");
    assert_contains(text, "Ban hành Kế hoạch số 15/KH-UBND");
    assert_contains(text, "Số: 27/BC-UBND");
    free(text);
    response_free(&r);
    /* ... but may not write them; nor may the assessor, nor another unit's leader */
    snprintf(form, sizeof form, "&don_vi=05443&nam=%d&ky=6t&leadership=x", y);
    r = post_form(&o, "/bao-cao/loi-van", form);
    assert_status(r, 403);
    response_free(&r);
    session t;
    sign_in("thamdinh", &t);
    r = post_form(&t, "/bao-cao/loi-van", form);
    assert_status(r, 403);
    response_free(&r);
    snprintf(form, sizeof form, "&don_vi=05602&nam=%d&ky=6t&leadership=x", y);
    r = post_form(&s, "/bao-cao/loi-van", form);
    assert_status(r, 403);
    response_free(&r);
    assert_int_equal(audits("report.text", unit), 1);
    /* a bad period is refused */
    r = request("GET", "/bao-cao?don_vi=05443&ky=quy", NULL, o.cookie, NULL);
    assert_status(r, 400);
    response_free(&r);
}

/* ---- the province's roll-up ------------------------------------------------------------------- */

static void rollup_is_the_sum_of_its_units(void **state)
{
    (void)state;
    int y = this_year();
    session s;
    sign_in("thamdinh", &s);
    char path[160];
    snprintf(path, sizeof path, "/bao-cao/tong-hop?don_vi=19&nam=%d&ky=nam", y);
    json_t *m = get_json(&s, path);
    json_t *units = json_object_get(m, "units"), *total = json_object_get(json_object_get(m, "total"), "values");
    assert_true(json_array_size(units) >= 3);
    static const char *const counts[] = {"dossier.received", "dossier.apologies", "rating.count", "feedback.received",
                                         "complaint.received", "reception.sessions", "dialogue.held",
                                         "letter.congratulation", "letter.condolence", "letter.thanks"};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        double sum = 0;
        size_t i;
        json_t *u;
        json_array_foreach(units, i, u) {
            json_t *v = json_object_get(json_object_get(u, "values"), counts[k]);
            if (json_is_number(v)) sum += json_number_value(v);
        }
        json_t *t = json_object_get(total, counts[k]);
        double got = json_is_number(t) ? json_number_value(t) : 0;
        if (got - sum > 1e-9 || sum - got > 1e-9)
            fail_msg("%s: total %g, sum of units %g", counts[k], json_number_value(t), sum);
    }
    /* the total's satisfied rate from the summed counts, not the mean of the units' rates */
    double ratings = json_number_value(json_object_get(total, "rating.count"));
    if (ratings > 0) {
        int64_t satisfied = 0, all = 0;
        size_t i;
        json_t *u;
        json_array_foreach(units, i, u) {
            json_t *rate = json_object_get(json_object_get(u, "values"), "rating.satisfied_rate");
            json_t *n = json_object_get(json_object_get(u, "values"), "rating.count");
            if (json_is_number(rate)) satisfied += (int64_t)(json_number_value(rate) * json_number_value(n) / 100.0 + 0.5);
            all += (int64_t)json_number_value(n);
        }
        double want = 100.0 * (double)satisfied / (double)all;
        double got = json_number_value(json_object_get(total, "rating.satisfied_rate"));
        assert_true(got - want < 0.01 && want - got < 0.01);
    }
    json_decref(m);
    /* page, PDF and workbook */
    response r = request("GET", path, NULL, s.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "tt-rollup-total");
    assert_contains(r.body, "Sở Nội vụ");
    response_free(&r);
    snprintf(path, sizeof path, "/bao-cao/tong-hop.pdf?don_vi=19&nam=%d&ky=nam", y);
    r = request("GET", path, NULL, s.cookie, NULL);
    assert_status(r, 200);
    char *text = pdf_flat_text(&r, "rollup");
    assert_contains(text, "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN");
    assert_contains(text, "Tổng cộng");
    assert_contains(text, "Phường Phan Đình Phùng");
    free(text);
    response_free(&r);
    snprintf(path, sizeof path, "/bao-cao/tong-hop.xlsx?don_vi=19&nam=%d&ky=6t", y);
    r = request("GET", path, NULL, s.cookie, NULL);
    assert_status(r, 200);
    char *strings = xlsx_part(&r, "rollup", "xl/sharedStrings.xml");
    assert_contains(strings, "Tổng cộng");
    assert_contains(strings, "Xã Phú Đình");
    free(strings);
    response_free(&r);
    /* a commune's staff do not get the province's roll-up */
    session o;
    sign_in("lanhdao1", &o);
    r = request("GET", "/bao-cao/tong-hop?don_vi=19", NULL, o.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(targets_show_shares_against_the_plan),
        cmocka_unit_test(admin_edits_one_year_of_a_range),
        cmocka_unit_test(every_figure_is_recomputed_in_sql),
        cmocka_unit_test(pdf_and_xlsx_read_back),
        cmocka_unit_test(leader_writes_the_words_others_read),
        cmocka_unit_test(rollup_is_the_sum_of_its_units),
    };
    int failed = cmocka_run_group_tests_name("report", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
