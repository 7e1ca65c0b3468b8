/* test_province.c -- the province's view and the figures behind it (issue 13): every figure of
 * `thanthien report model` and of /tinh/so-sanh.json equals a count this test recomputes with
 * SQL on the demo database; a provincial assessor reads every unit in scope, read-only, with
 * personal data masked; a commune officer sees only its own unit; the workbook reads back; the
 * audit sample draws the same dossiers again from its seed. */
#include "harness.h"

#define LEGAL_DUE                                                                                        \
    "CASE WHEN d.apology_count = 0 THEN d.due_at WHEN d.supplement_count = 0 THEN d.original_due_at "      \
    "ELSE COALESCE((SELECT n.old_due_at FROM dossier_notices n WHERE n.dossier_id = d.id "               \
    "AND n.kind = 'apology' AND n.at >= COALESCE((SELECT MAX(s.at) FROM dossier_steps s "                 \
    "WHERE s.dossier_id = d.id AND s.kind = 'resume'), 0) ORDER BY n.at, n.id LIMIT 1), d.due_at) END"

/* An integer from SQL longer than sql_int's buffer. */
static int64_t q(const char *fmt, ...)
{
    static char sql[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("sql: %s: %s", sql, sqlite3_errmsg(h));
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

static int this_year(void)
{
    time_t now = (time_t)server_now() + 7 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    return tm.tm_year + 1900;
}

/* The unit's figures from the command line, parsed. */
static json_t *model(const char *unit, int year, const char *half, int *rc)
{
    char out[320], y[8];
    snprintf(out, sizeof out, "%s/model.out", dir);
    snprintf(y, sizeof y, "%d", year);
    char *argv[] = {(char *)bin, "report", "model", "--db", dbpath, "--unit", (char *)unit, "--year", y,
                    half ? "--half" : NULL, (char *)half, NULL};
    *rc = run(out, argv, NULL);
    char *text = slurp(out);
    json_t *j = json_loads(text, 0, NULL);
    free(text);
    return j;
}

static int64_t count_of(json_t *f, const char *key)
{
    json_t *v = json_object_get(json_object_get(f, "counts"), key);
    if (!json_is_integer(v)) fail_msg("counts.%s missing", key);
    return json_integer_value(v);
}

static void assert_metric(json_t *f, const char *key, int64_t part, int64_t whole)
{
    json_t *v = json_object_get(json_object_get(f, "metrics"), key);
    if (whole == 0) {
        if (!json_is_null(v)) fail_msg("%s: expected null (nothing to count), got %g", key, json_number_value(v));
        return;
    }
    double want = 100.0 * (double)part / (double)whole;
    if (!json_is_number(v) || json_number_value(v) < want - 1e-3 || json_number_value(v) > want + 1e-3)
        fail_msg("%s: got %g, expected %lld/%lld = %g", key, json_number_value(v), (long long)part, (long long)whole,
                 want);
}

static void assert_count_metric(json_t *f, const char *key, int64_t want)
{
    json_t *v = json_object_get(json_object_get(f, "metrics"), key);
    if (!json_is_number(v) || (int64_t)json_number_value(v) != want)
        fail_msg("%s: got %g, expected %lld", key, json_number_value(v), (long long)want);
}

/* [t0, t1) of a local year, as SQL expressions */
#define T0(y) "(strftime('%%s', '" y "-01-01') - 25200)"
#define T1(y) "(strftime('%%s', '" y "-12-31') + 86400 - 25200)"

/* The one-stop figures of a past year (nothing open is judged at "now"), the ratings and letters. */
static void dossier_rating_letter_figures_match_sql(void **state)
{
    (void)state;
    int year = this_year() - 1, rc;
    char y[8];
    snprintf(y, sizeof y, "%d", year);
    json_t *f = model("05443", year, NULL, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(f);
    int64_t unit = sql_int("SELECT id FROM units WHERE code = '05443'");
    char w[512];   /* the unit's dossiers open at some moment of the year */
    snprintf(w, sizeof w, "d.unit_id = %lld AND d.received_at < " T1("%s") " AND (d.done_at IS NULL OR d.done_at >= " T0("%s") ")",
             (long long)unit, y, y);
#define RES "d.status IN ('done', 'returned') AND d.done_at < " T1("%s")
#define DAY(t) "((" t ") + 25200) / 86400"
    int64_t received = q("SELECT COUNT(*) FROM dossiers d WHERE d.unit_id = %lld AND d.received_at >= " T0("%s")
                         " AND d.received_at < " T1("%s"), (long long)unit, y, y);
    int64_t early = q("SELECT COUNT(*) FROM dossiers d WHERE %s AND " RES " AND " DAY("d.done_at") " < " DAY(LEGAL_DUE), w, y);
    int64_t on_time = q("SELECT COUNT(*) FROM dossiers d WHERE %s AND " RES " AND " DAY("d.done_at") " >= " DAY(LEGAL_DUE)
                        " AND d.done_at <= " LEGAL_DUE, w, y);
    int64_t late = q("SELECT COUNT(*) FROM dossiers d WHERE %s AND " RES " AND d.done_at > " LEGAL_DUE, w, y);
    int64_t open_late = q("SELECT COUNT(*) FROM dossiers d WHERE %s AND (d.done_at IS NULL OR d.done_at >= " T1("%s")
                          ") AND " LEGAL_DUE " < " T1("%s") " AND (d.paused_at IS NULL OR d.paused_at > " T1("%s") ")",
                          w, y, y, y);
    int64_t apologies = q("SELECT COUNT(*) FROM dossier_notices n JOIN dossiers d ON d.id = n.dossier_id WHERE %s AND "
                          "n.kind = 'apology' AND n.at >= " T0("%s") " AND n.at < " T1("%s"), w, y, y);
    int64_t apologies_late = q("SELECT COUNT(*) FROM dossier_notices n JOIN dossiers d ON d.id = n.dossier_id WHERE %s AND "
                               "n.kind = 'apology' AND n.at >= " T0("%s") " AND n.at < " T1("%s") " AND n.at > n.old_due_at",
                               w, y, y);
    int64_t online = q("SELECT COUNT(*) FROM dossiers d WHERE d.unit_id = %lld AND d.channel = 'online' AND d.received_at >= "
                       T0("%s") " AND d.received_at < " T1("%s"), (long long)unit, y, y);
    int64_t trips = q("SELECT COALESCE(SUM(visits), 0) FROM dossiers d WHERE d.unit_id = %lld AND d.visits IS NOT NULL AND "
                      "d.returned_at >= " T0("%s") " AND d.returned_at < " T1("%s"), (long long)unit, y, y);
    int64_t trips_n = q("SELECT COUNT(*) FROM dossiers d WHERE d.unit_id = %lld AND d.visits IS NOT NULL AND "
                        "d.returned_at >= " T0("%s") " AND d.returned_at < " T1("%s"), (long long)unit, y, y);
    assert_true(received > 1000 && early > 0 && late > 0 && apologies > 0 && trips_n > 0);   /* the demo's history */
    assert_int_equal(count_of(f, "received"), received);
    assert_int_equal(count_of(f, "early"), early);
    assert_int_equal(count_of(f, "on_time"), on_time);
    assert_int_equal(count_of(f, "late"), late);
    assert_int_equal(count_of(f, "open_late"), open_late);
    assert_int_equal(count_of(f, "apologies"), apologies);
    assert_int_equal(count_of(f, "online"), online);
    assert_int_equal(count_of(f, "trips"), trips);
    int64_t graded = early + on_time + late + open_late;
    assert_count_metric(f, "dossier.received", received);
    assert_metric(f, "dossier.on_time_rate", early + on_time, graded);
    assert_metric(f, "dossier.early_rate", early, graded);
    assert_metric(f, "dossier.late_rate", late + open_late, graded);
    assert_metric(f, "dossier.online_rate", online, received);
    assert_metric(f, "dossier.apology_on_time_rate", apologies - apologies_late, apologies);
    double trips_avg = json_number_value(json_object_get(json_object_get(f, "metrics"), "dossier.trips_avg"));
    assert_true(trips_avg > (double)trips / (double)trips_n - 1e-6 && trips_avg < (double)trips / (double)trips_n + 1e-6);
    /* ratings given that year to the unit's dossiers */
    char rw[256];
    snprintf(rw, sizeof rw, "unit_id = %lld AND rated_at >= " T0("%s") " AND rated_at < " T1("%s"), (long long)unit, y, y);
    int64_t ratings = q("SELECT COUNT(*) FROM ratings WHERE %s", rw);
    int64_t satisfied = q("SELECT COUNT(*) FROM ratings WHERE %s AND level IN ('very_satisfied', 'satisfied')", rw);
    int64_t unhappy = q("SELECT COUNT(*) FROM ratings WHERE %s AND follow_status <> 'none'", rw);
    int64_t answered = q("SELECT COUNT(*) FROM ratings WHERE %s AND follow_status = 'answered'", rw);
    assert_true(ratings > 100 && unhappy > 0);
    assert_count_metric(f, "rating.count", ratings);
    assert_metric(f, "rating.satisfied_rate", satisfied, ratings);
    assert_count_metric(f, "rating.dissatisfied", unhappy);
    assert_metric(f, "rating.answered_rate", answered, unhappy);
    /* letters handed over that year, by kind; and the share of that year's letters handed over */
    static const char *const kinds[] = {"apology", "thanks", "congratulation", "condolence"};
    for (int k = 0; k < 4; k++) {
        char key[40];
        snprintf(key, sizeof key, "letter.%s", kinds[k]);
        assert_count_metric(f, key, q("SELECT COUNT(*) FROM letters WHERE unit_id = %lld AND kind = '%s' AND status = "
                                      "'delivered' AND delivered_at >= " T0("%s") " AND delivered_at < " T1("%s"),
                                      (long long)unit, kinds[k], y, y));
    }
    int64_t made = q("SELECT COUNT(*) FROM letters WHERE unit_id = %lld AND status <> 'cancelled' AND created_at >= " T0("%s")
                     " AND created_at < " T1("%s"), (long long)unit, y, y);
    int64_t made_delivered = q("SELECT COUNT(*) FROM letters WHERE unit_id = %lld AND status = 'delivered' AND created_at >= "
                               T0("%s") " AND created_at < " T1("%s"), (long long)unit, y, y);
    assert_true(made > 0);
    assert_metric(f, "letter.delivered_rate", made_delivered, made);
    json_decref(f);
}

/* The citizen's voice and reception of this year (the demo's are recent), and the half-year. */
static void feedback_reception_figures_match_sql(void **state)
{
    (void)state;
    int year = this_year(), rc;
    char y[8];
    snprintf(y, sizeof y, "%d", year);
    json_t *f = model("05443", year, NULL, &rc);
    assert_int_equal(rc, 0);
    int64_t unit = sql_int("SELECT id FROM units WHERE code = '05443'");
    char in[200], res[300];
    snprintf(in, sizeof in, "unit_id = %lld AND received_at >= " T0("%s") " AND received_at < " T1("%s"), (long long)unit, y, y);
    snprintf(res, sizeof res, "unit_id = %lld AND status = 'resolved' AND resolved_at >= " T0("%s") " AND resolved_at < " T1("%s"),
             (long long)unit, y, y);
#define ONTIME " AND (COALESCE(due_at, accept_due_at) IS NULL OR resolved_at <= COALESCE(due_at, accept_due_at))"
    int64_t received = q("SELECT COUNT(*) FROM feedback WHERE %s", in);
    int64_t complaints = q("SELECT COUNT(*) FROM feedback WHERE %s AND kind IN ('khieu_nai', 'to_cao')", in);
    int64_t resolved = q("SELECT COUNT(*) FROM feedback WHERE %s", res);
    int64_t resolved_on_time = q("SELECT COUNT(*) FROM feedback WHERE %s" ONTIME, res);
    int64_t cp_resolved = q("SELECT COUNT(*) FROM feedback WHERE %s AND kind IN ('khieu_nai', 'to_cao')", res);
    int64_t cp_on_time = q("SELECT COUNT(*) FROM feedback WHERE %s AND kind IN ('khieu_nai', 'to_cao')" ONTIME, res);
    int64_t overdue = q("SELECT COUNT(*) FROM feedback WHERE %s AND status IN ('received', 'accepted') AND clock_at < %lld", in,
                        (long long)server_now());
    assert_true(received > 0 && complaints > 0);
    assert_count_metric(f, "feedback.received", received);
    assert_count_metric(f, "complaint.received", complaints);
    assert_metric(f, "feedback.on_time_rate", resolved_on_time, resolved);
    assert_metric(f, "complaint.on_time_rate", cp_on_time, cp_resolved);
    assert_count_metric(f, "feedback.overdue_open", overdue);
    /* the chairman's reception days (periodic or ad hoc), the weeks that had one, dialogues held */
    int64_t sessions = q("SELECT COUNT(DISTINCT (received_at + 25200) / 86400) FROM receptions WHERE %s AND session IN "
                         "('periodic', 'adhoc')", in);
    int64_t weeks_with = q("SELECT COUNT(DISTINCT ((received_at + 25200) / 86400 + 3) / 7) FROM receptions WHERE %s AND "
                           "session IN ('periodic', 'adhoc')", in);
    int64_t rows = q("SELECT COUNT(*) FROM receptions WHERE %s", in);
    int64_t held = q("SELECT COUNT(*) FROM dialogues WHERE unit_id = %lld AND status = 'held' AND starts_at >= " T0("%s")
                     " AND starts_at < " T1("%s"), (long long)unit, y, y);
    assert_true(sessions > 0 && held > 0);
    assert_count_metric(f, "reception.sessions", sessions);
    assert_count_metric(f, "reception.count", rows);
    assert_count_metric(f, "dialogue.held", held);
    /* weeks of the year up to today, Monday to Sunday */
    int64_t today = (server_now() + 25200) / 86400;
    int64_t first = q("SELECT (strftime('%%s', '%s-01-01')) / 86400", y);
    int64_t weeks = (today + 3) / 7 - (first + 3) / 7 + 1;
    assert_int_equal(count_of(f, "weeks"), weeks);
    assert_metric(f, "reception.weekly_rate", weeks_with, weeks);
    json_decref(f);
    /* the second half of the year: its own period */
    f = model("05443", year, "2", &rc);
    assert_int_equal(rc, 0);
    char from[16];
    snprintf(from, sizeof from, "%d-07-01", year);
    assert_string_equal(json_string_value(json_object_get(f, "from")), from);
    snprintf(from, sizeof from, "%d-12-31", year);
    assert_string_equal(json_string_value(json_object_get(f, "to")), from);
    assert_int_equal(json_integer_value(json_object_get(f, "half")), 2);
    json_decref(f);
}

static void report_model_refuses_bad_input(void **state)
{
    (void)state;
    int rc;
    json_t *f = model("99999", 2026, NULL, &rc);
    assert_int_equal(rc, 2);   /* no such unit */
    json_decref(f);
    f = model("05443", 2026, "3", &rc);
    assert_int_equal(rc, 2);   /* a third half */
    json_decref(f);
    char out[320];
    snprintf(out, sizeof out, "%s/model.out", dir);
    char *argv[] = {(char *)bin, "report", "model", "--db", dbpath, "--year", "2026", NULL};
    assert_int_equal(run(out, argv, NULL), 2);   /* --unit is required */
}

/* The page's JSON gives every commune and department below the province, each with the same
 * figures the command gives, and the previous period of the same length beside it. */
static void province_json_matches_the_command(void **state)
{
    (void)state;
    session s;
    sign_in("thamdinh", &s);
    int year = this_year() - 1, rc;
    char path[256];
    snprintf(path, sizeof path, "/tinh/so-sanh.json?tu=%d-01-01&den=%d-12-31", year, year);
    response r = request("GET", path, NULL, s.cookie, NULL);
    assert_status(r, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    json_t *units = json_object_get(j, "units");
    assert_int_equal(json_array_size(units), sql_int("SELECT COUNT(*) FROM units WHERE kind IN ('commune', 'department')"));
    json_t *f = model("05443", year, NULL, &rc), *u, *mine = NULL;
    size_t i;
    json_array_foreach(units, i, u) if (!strcmp(json_string_value(json_object_get(u, "unit_code")), "05443")) mine = u;
    assert_non_null(mine);
    const char *key;
    json_t *cv;
    json_object_foreach(json_object_get(f, "metrics"), key, cv) {
        json_t *w = json_object_get(json_object_get(mine, "metrics"), key);
        if (json_is_null(cv) != json_is_null(w) ||
            (!json_is_null(cv) && (json_number_value(w) < json_number_value(cv) - 1e-6 ||
                                   json_number_value(w) > json_number_value(cv) + 1e-6)))
            fail_msg("%s: the page says %g, the command %g", key, json_number_value(w), json_number_value(cv));
    }
    assert_true(json_equal(json_object_get(mine, "counts"), json_object_get(f, "counts")));
    /* the year before, as long as the period (a leap year or not) */
    json_t *prev = json_object_get(mine, "previous");
    assert_non_null(prev);
    char want[16];
    snprintf(want, sizeof want, "%d-12-31", year - 1);
    assert_string_equal(json_string_value(json_object_get(prev, "to")), want);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(prev, "counts"), "received")),
                     q("SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.code = '05443' AND "
                       "d.received_at >= strftime('%%s', '%s') - 25200 AND d.received_at < strftime('%%s', '%d-01-01') - 25200",
                       json_string_value(json_object_get(prev, "from")), year));
    json_decref(f);
    json_decref(j);
    response_free(&r);
    /* only communes when asked; sorted by the column asked, both ways */
    r = request("GET", "/tinh/so-sanh.json?loai=xa&sap_xep=dossier.received&chieu=giam", NULL, s.cookie, NULL);
    assert_status(r, 200);
    j = json_loads(r.body, 0, NULL);
    units = json_object_get(j, "units");
    assert_int_equal(json_array_size(units), sql_int("SELECT COUNT(*) FROM units WHERE kind = 'commune'"));
    double last = 1e18;
    json_array_foreach(units, i, u) {
        assert_string_equal(json_string_value(json_object_get(u, "unit_kind")), "commune");
        double v = json_number_value(json_object_get(json_object_get(u, "metrics"), "dossier.received"));
        assert_true(v <= last);
        last = v;
    }
    json_decref(j);
    response_free(&r);
    r = request("GET", "/tinh/so-sanh?sap_xep=dossier.received&chieu=tang", NULL, s.cookie, NULL);
    assert_status(r, 200);
    char *a = strstr(r.body, "data-code=\"05602\""), *b = strstr(r.body, "data-code=\"05443\"");
    assert_true(a && b && a < b);   /* Phú Đình received fewer */
    assert_contains(r.body, "<svg class=\"tt-chart\"");
    assert_contains(r.body, "Tỷ lệ giải quyết đúng hạn theo đơn vị");
    response_free(&r);
    r = request("GET", "/tinh/so-sanh?tu=31/12/2026&den=01/01/2026", NULL, s.cookie, NULL);
    assert_status(r, 400);
    response_free(&r);
}

static char *unzip_part(const response *r, const char *name, const char *part)
{
    char path[320], out[320];
    snprintf(path, sizeof path, "%s/%s.xlsx", dir, name);
    snprintf(out, sizeof out, "%s/%s.part", dir, name);
    FILE *f = fopen(path, "wb");
    fwrite(r->body, 1, r->len, f);
    fclose(f);
    char *argv[] = {"/usr/bin/unzip", "-p", path, (char *)part, NULL};
    assert_int_equal(run(out, argv, NULL), 0);
    return slurp(out);
}

static void province_workbook_reads_back(void **state)
{
    (void)state;
    session s;
    sign_in("thamdinh", &s);
    int year = this_year() - 1;
    char path[256];
    snprintf(path, sizeof path, "/tinh/so-sanh.xlsx?tu=%d-01-01&den=%d-12-31", year, year);
    response r = request("GET", path, NULL, s.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.headers, "spreadsheetml");
    char *strings = unzip_part(&r, "province", "xl/sharedStrings.xml");
    assert_contains(strings, "Phường Phan Đình Phùng");
    assert_contains(strings, "Xã Phú Đình");
    assert_contains(strings, "Tỷ lệ giải quyết đúng hạn");
    assert_contains(strings, "Hồ sơ tiếp nhận");
    free(strings);
    char *book = unzip_part(&r, "province", "xl/workbook.xml");
    assert_contains(book, "Kỳ này");
    assert_contains(book, "Kỳ trước");
    free(book);
    /* the count of dossiers each unit received is a number in the first sheet */
    char *sheet = unzip_part(&r, "province", "xl/worksheets/sheet1.xml");
    char cell[64];
    snprintf(cell, sizeof cell, "<v>%lld</v>",
             (long long)q("SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.code = '05443' AND "
                          "d.received_at >= strftime('%%s', '%d-01-01') - 25200 AND d.received_at < strftime('%%s', "
                          "'%d-01-01') - 25200", year, year + 1));
    assert_contains(sheet, cell);
    free(sheet);
    response_free(&r);
}

/* A provincial assessor reads every unit below the province -- lists, a dossier, indicators and
 * the register -- with the applicant's personal data masked, and changes nothing. */
static void assessor_reads_every_unit_and_changes_nothing(void **state)
{
    (void)state;
    session s;
    sign_in("thamdinh", &s);
    static const char *const codes[] = {"05443", "05602"};
    for (int i = 0; i < 2; i++) {
        char path[128];
        int64_t id = sql_int("SELECT d.id FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.code = '%s' "
                             "ORDER BY d.received_at DESC, d.id DESC LIMIT 1", codes[i]);
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT applicant_name FROM dossiers WHERE id = %lld", (long long)id);
        char *name = sql_text(sql);
        snprintf(sql, sizeof sql, "SELECT applicant_phone FROM dossiers WHERE id = %lld", (long long)id);
        char *phone = sql_text(sql);
        snprintf(path, sizeof path, "/ho-so?don_vi=%s", codes[i]);
        response r = request("GET", path, NULL, s.cookie, NULL);
        assert_status(r, 200);
        char href[64];
        snprintf(href, sizeof href, "/ho-so/%lld", (long long)id);
        assert_contains(r.body, href);
        assert_lacks(r.body, name);
        response_free(&r);
        r = request("GET", href, NULL, s.cookie, NULL);
        assert_status(r, 200);
        assert_contains(r.body, "tt-read-only");
        assert_lacks(r.body, name);
        if (strlen(phone) > 4) assert_lacks(r.body, phone);
        assert_lacks(r.body, "/hoan-thanh\"");   /* no action forms */
        response_free(&r);
        r = request("GET", href, NULL, s.cookie, "Accept: application/json");
        assert_status(r, 200);
        json_t *j = json_loads(r.body, 0, NULL);
        assert_true(json_is_true(json_object_get(j, "masked")));
        assert_string_equal(json_string_value(json_object_get(j, "secret")), "");
        json_decref(j);
        response_free(&r);
        /* every POST is refused, and the dossier is as it was */
        snprintf(sql, sizeof sql, "SELECT status FROM dossiers WHERE id = %lld", (long long)id);
        char *before = sql_text(sql);
        char action[96];
        snprintf(action, sizeof action, "/ho-so/%lld/hoan-thanh", (long long)id);
        r = post_form(&s, action, "&note=x");
        assert_status(r, 403);
        response_free(&r);
        snprintf(sql, sizeof sql, "SELECT status FROM dossiers WHERE id = %lld", (long long)id);
        char *after = sql_text(sql);
        assert_string_equal(after, before);
        free(after);
        free(before);
        snprintf(path, sizeof path, "/chi-so?don_vi=%s", codes[i]);
        r = request("GET", path, NULL, s.cookie, NULL);
        assert_status(r, 200);
        response_free(&r);
        snprintf(path, sizeof path, "/chi-so.xlsx?don_vi=%s", codes[i]);
        r = request("GET", path, NULL, s.cookie, NULL);
        assert_status(r, 200);
        response_free(&r);
        snprintf(path, sizeof path, "/so-theo-doi.xlsx?don_vi=%s", codes[i]);
        r = request("GET", path, NULL, s.cookie, NULL);
        assert_status(r, 200);
        char *strings = unzip_part(&r, "register", "xl/sharedStrings.xml");
        assert_lacks(strings, name);
        free(strings);
        response_free(&r);
        snprintf(path, sizeof path, "/tinh/don-vi/%s", codes[i]);
        r = request("GET", path, NULL, s.cookie, NULL);
        assert_status(r, 200);
        response_free(&r);
        /* the printed forms carry the personal data: not for the assessor */
        snprintf(path, sizeof path, "/ho-so/%lld/giay-hen.pdf", (long long)id);
        r = request("GET", path, NULL, s.cookie, NULL);
        assert_status(r, 403);
        response_free(&r);
        free(name);
        free(phone);
    }
    int64_t dossiers = sql_int("SELECT COUNT(*) FROM dossiers"), letters = sql_int("SELECT COUNT(*) FROM letters");
    int64_t proc = procedure_id("khai+sinh");
    char fields[256];
    snprintf(fields, sizeof fields, "&procedure_id=%lld&applicant_name=Nguy%%E1%%BB%%85n+V%%C4%%83n+A&channel=desk",
             (long long)proc);
    response r = post_form(&s, "/ho-so", fields);
    assert_status(r, 403);
    response_free(&r);
    r = post_form(&s, "/thu", "&occasion=contribution&recipient_name=A");
    assert_status(r, 403);
    response_free(&r);
    r = post_form(&s, "/phan-anh", "&don_vi=05443&kind=gop_y&subject=x&content=y");
    assert_status(r, 403);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers"), dossiers);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letters"), letters);
    /* the menu and the start page lead there */
    r = request("GET", "/bang-dieu-khien", NULL, s.cookie, NULL);
    assert_contains(r.body, "href=\"/tinh/so-sanh\"");
    assert_contains(r.body, "tt-dashboard-province");
    response_free(&r);
}

/* The province's indicators sum the units below it, for the administrator and the assessor. */
static void province_indicators_sum_the_units(void **state)
{
    (void)state;
    static const char *const who[] = {"admin", "thamdinh"};
    int year = this_year() - 1;
    for (int i = 0; i < 2; i++) {
        session s;
        sign_in(who[i], &s);
        char path[128];
        snprintf(path, sizeof path, "/chi-so?don_vi=19&tu=%d-01-01&den=%d-12-31", year, year);
        response r = request("GET", path, NULL, s.cookie, "Accept: application/json");
        assert_status(r, 200);
        json_t *j = json_loads(r.body, 0, NULL);
        json_t *total = json_object_get(json_object_get(j, "r"), "total");
        int64_t want = q("SELECT COUNT(*) FROM dossiers WHERE received_at >= strftime('%%s', '%d-01-01') - 25200 AND "
                         "received_at < strftime('%%s', '%d-01-01') - 25200", year, year + 1);
        assert_true(want > 1000);
        assert_int_equal(json_integer_value(json_object_get(total, "received")), want);
        json_decref(j);
        response_free(&r);
        /* and the list of the province's dossiers holds those of its communes */
        r = request("GET", "/ho-so?don_vi=19", NULL, s.cookie, "Accept: application/json");
        assert_status(r, 200);
        j = json_loads(r.body, 0, NULL);
        assert_int_equal(json_integer_value(json_object_get(j, "total")), sql_int("SELECT COUNT(*) FROM dossiers"));
        json_decref(j);
        response_free(&r);
    }
}

/* A commune's officer sees its own unit only, unmasked; the province's view is not for it. */
static void commune_sees_only_itself(void **state)
{
    (void)state;
    session s;
    sign_in("canbo1", &s);
    static const char *const refused[] = {"/tinh/so-sanh", "/tinh/so-sanh.xlsx", "/tinh/so-sanh.json",
                                          "/tinh/don-vi/05443", "/tinh/don-vi/05602", "/chi-so?don_vi=05602",
                                          "/chi-so?don_vi=19", "/ho-so?don_vi=05602", "/so-theo-doi.xlsx?don_vi=05602"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        response r = request("GET", refused[i], NULL, s.cookie, NULL);
        if (r.status != 403) fail_msg("%s answered %ld to canbo1, expected 403", refused[i], r.status);
        response_free(&r);
    }
    int64_t other = sql_int("SELECT d.id FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.code = '05602' LIMIT 1");
    char path[64];
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)other);
    response r = request("GET", path, NULL, s.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    /* its own dossier, in full */
    int64_t own = sql_int("SELECT d.id FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.code = '05443' "
                          "ORDER BY d.id DESC LIMIT 1");
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT applicant_name FROM dossiers WHERE id = %lld", (long long)own);
    char *name = sql_text(sql);
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)own);
    r = request("GET", path, NULL, s.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, name);
    assert_lacks(r.body, "tt-read-only");
    response_free(&r);
    free(name);
}

/* The audit sample: ?mau= dossiers of the unit and period, the same ones again from the seed
 * shown, masked. */
static void audit_sample_draws_again_from_its_seed(void **state)
{
    (void)state;
    session s;
    sign_in("thamdinh", &s);
    int year = this_year() - 1;
    char path[160];
    snprintf(path, sizeof path, "/tinh/don-vi/05602?tu=%d-01-01&den=%d-12-31&mau=7&hat=4242", year, year);
    response a = request("GET", path, NULL, s.cookie, NULL), b = request("GET", path, NULL, s.cookie, NULL);
    assert_status(a, 200);
    assert_status(b, 200);
    char *ta = strstr(a.body, "id=\"tt-sample\""), *tb = strstr(b.body, "id=\"tt-sample\"");
    assert_non_null(ta);
    assert_non_null(tb);
    assert_string_equal(ta, tb);
    assert_contains(a.body, ">4242<");
    /* seven dossiers of Phú Đình received that year */
    int n = 0;
    for (const char *p = ta; (p = strstr(p, "href=\"/ho-so/")); p++) {
        long long id = atoll(p + strlen("href=\"/ho-so/"));
        assert_int_equal(q("SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE d.id = %lld AND "
                           "u.code = '05602' AND d.received_at >= strftime('%%s', '%d-01-01') - 25200 AND "
                           "d.received_at < strftime('%%s', '%d-01-01') - 25200", id, year, year + 1), 1);
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT applicant_name FROM dossiers WHERE id = %lld", id);
        char *name = sql_text(sql);
        assert_lacks(ta, name);
        free(name);
        n++;
    }
    assert_int_equal(n, 7);
    response_free(&a);
    response_free(&b);
    /* another seed, another sample */
    snprintf(path, sizeof path, "/tinh/don-vi/05602?tu=%d-01-01&den=%d-12-31&mau=7&hat=99", year, year);
    b = request("GET", path, NULL, s.cookie, NULL);
    assert_status(b, 200);
    a = request("GET", "/tinh/don-vi/05602?mau=0", NULL, s.cookie, NULL);
    assert_status(a, 400);
    response_free(&a);
    a = request("GET", "/tinh/don-vi/05602?hat=abc", NULL, s.cookie, NULL);
    assert_status(a, 400);
    response_free(&a);
    a = request("GET", "/tinh/don-vi/khong-co", NULL, s.cookie, NULL);
    assert_status(a, 404);
    response_free(&a);
    /* the unit's page links to its indicators and draws its months */
    assert_contains(b.body, "href=\"/chi-so?don_vi=05602");
    assert_contains(b.body, "Tỷ lệ giải quyết đúng hạn theo tháng");
    assert_contains(b.body, "12/");
    response_free(&b);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dossier_rating_letter_figures_match_sql),
        cmocka_unit_test(feedback_reception_figures_match_sql),
        cmocka_unit_test(report_model_refuses_bad_input),
        cmocka_unit_test(province_json_matches_the_command),
        cmocka_unit_test(province_workbook_reads_back),
        cmocka_unit_test(assessor_reads_every_unit_and_changes_nothing),
        cmocka_unit_test(province_indicators_sum_the_units),
        cmocka_unit_test(commune_sees_only_itself),
        cmocka_unit_test(audit_sample_draws_again_from_its_seed),
    };
    int failed = cmocka_run_group_tests_name("province", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
