/* test_catalog2.c -- HTTP tests of what users hit first in the catalogue and the
 * administration: everyday search phrasing, keywords, the API's bad parameters, the CSV
 * import's limits and formula cells, agency codes, and the administrator's user, hamlet and
 * leader forms (harness.h starts the server). */
#include "harness.h"

/* The name of the first procedure the API finds for commune 05443 ("" when none). */
static const char *first_found(const char *q, int64_t *total)
{
    static char name[256];
    char path[512];
    snprintf(path, sizeof path, "/api/v1/procedures?don_vi=05443&q=%s", q);
    response r = get(path);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    const char *n = json_string_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "name"));
    snprintf(name, sizeof name, "%s", n ? n : "");
    if (total) *total = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    response_free(&r);
    return name;
}

/* Posts a form as the session; the response is returned. */
static response post_form(const session *s, const char *path, const char *fields)
{
    char body[4096];
    snprintf(body, sizeof body, "_csrf=%s%s", s->csrf, fields);
    return request("POST", path, body, s->cookie, NULL);
}

/* Writes text to a file in the test directory; the path is returned (static). */
static const char *write_file(const char *name, const char *text)
{
    static char path[2][320];
    static int k;
    k = !k;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    FILE *f = fopen(path[k], "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path[k];
}

/* Runs `thanthien import procedures` on FILE into DB; the exit code, the output in *out. */
static int import_cli(const char *db, const char *file, char **out)
{
    char outpath[320];
    snprintf(outpath, sizeof outpath, "%s/import.out", dir);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "'%s' import procedures --db '%s' '%s' > '%s' 2>&1", bin, db, file, outpath);
    int rc = system(cmd);
    if (out) *out = slurp(outpath);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

/* ---- item 10: search by everyday phrasing --------------------------------------------- */

static void everyday_phrasing_finds_the_procedure(void **state)
{
    (void)state;
    /* i for y, filler words around the name, a missing "đăng ký" */
    const char *queries[] = {"dang+ki+khai+sinh", "l%C3%A0m+gi%E1%BA%A5y+khai+sinh", "khai+sinh+cho+con",
                             "xin+c%E1%BA%A5p+gi%E1%BA%A5y+khai+sinh", "DANG+KI+KET+HON"};
    const char *expect[] = {"Thủ tục đăng ký khai sinh", "Thủ tục đăng ký khai sinh", "Thủ tục đăng ký khai sinh",
                            "Thủ tục đăng ký khai sinh", "Thủ tục đăng ký kết hôn"};
    for (size_t i = 0; i < 5; i++) {
        int64_t total = 0;
        const char *got = first_found(queries[i], &total);
        if (strcmp(got, expect[i])) fail_msg("q=%s: first is \"%s\", not \"%s\"", queries[i], got, expect[i]);
        assert_true(total >= 1);
    }
    /* the page says the same */
    response r = get("/thu-tuc?don_vi=05443&q=lam+giay+khai+sinh+cho+con");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, ">Thủ tục đăng ký khai sinh</a>");
    assert_lacks(r.body, ">Thủ tục đăng ký kết hôn</a>");
    response_free(&r);
    /* filler words alone do not list the whole catalogue, and nonsense still finds nothing */
    int64_t total = -1;
    first_found("khong+co+thu+tuc+nay", &total);
    assert_int_equal(total, 0);
}

/* A procedure's everyday names (keywords) are searched with its name; they are edited in the
 * form, exported, and a CSV without the column leaves them as they are. */
static void keywords_are_searched_and_kept(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login("admin", PASSWORD, &s), 303);
    int64_t total = -1;
    first_found("sat+lo+dat", &total);
    assert_int_equal(total, 0);
    char fields[1024];
    snprintf(fields, sizeof fields, "&don_vi=19&code=9.777001&name=%s&field=Kh%%C3%%A1c&days=5&keywords=%s",
             enc("Thủ tục hỗ trợ khắc phục thiên tai"), enc("sạt lở đất, bão lũ"));
    response r = post_form(&s, "/thu-tuc", fields);
    assert_int_equal(r.status, 303);
    response_free(&r);
    assert_string_equal(first_found("sat+lo+dat", NULL), "Thủ tục hỗ trợ khắc phục thiên tai");
    assert_string_equal(first_found("b%C3%A3o+l%C5%A9", NULL), "Thủ tục hỗ trợ khắc phục thiên tai");
    int64_t id = sql_int("SELECT id FROM procedures WHERE code = '9.777001'");
    /* the edit form shows them */
    char path[64];
    snprintf(path, sizeof path, "/thu-tuc/%lld/sua", (long long)id);
    r = request("GET", path, NULL, s.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "id=\"keywords\"");
    assert_contains(r.body, "value=\"sạt lở đất, bão lũ\"");
    response_free(&r);
    /* the export has the column */
    r = get("/thu-tuc.csv?don_vi=19");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, ",keywords,form_url\r\n");
    assert_contains(r.body, "\"sạt lở đất, bão lũ\",\"\"\r\n");
    response_free(&r);
    /* a file without the column changes the name and keeps the keywords */
    const char *csv = write_file("nokeywords.csv", "unit_code,code,name,field,days\r\n"
                                                   "19,9.777001,Thủ tục hỗ trợ khắc phục hậu quả thiên tai,Khác,5\r\n");
    assert_int_equal(import_cli(dbpath, csv, NULL), 0);
    assert_string_equal(first_found("sat+lo+dat", NULL), "Thủ tục hỗ trợ khắc phục hậu quả thiên tai");
    /* a file with the column replaces them */
    csv = write_file("keywords.csv", "unit_code,code,name,keywords\r\n"
                                     "19,9.777001,Thủ tục hỗ trợ khắc phục hậu quả thiên tai,lũ quét\r\n");
    assert_int_equal(import_cli(dbpath, csv, NULL), 0);
    first_found("sat+lo+dat", &total);
    assert_int_equal(total, 0);
    assert_string_equal(first_found("lu+quet", NULL), "Thủ tục hỗ trợ khắc phục hậu quả thiên tai");
}

/* ---- item 17: a bad limit or offset answers 400 without leaking ---------------------- */

static void bad_paging_answers_400_cleanly(void **state)
{
    (void)state;
    const char *bad[] = {"limit=0", "limit=501", "limit=abc", "offset=-1", "offset=x", "limit=10&offset=9999999"};
    for (size_t i = 0; i < 6; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/procedures?don_vi=05443&%s", bad[i]);
        response r = get(path);
        assert_int_equal(r.status, 400);
        assert_contains(r.body, "limit");
        response_free(&r);
    }
    /* the server's clean exit at teardown (LeakSanitizer) is the other half of this test */
}

/* ---- item 18: an import never holds the write lock for long --------------------------- */

static void import_refuses_too_many_rows(void **state)
{
    (void)state;
    /* its own database: the server's catalogue stays as other tests expect it */
    char db2[320], out[320];
    snprintf(db2, sizeof db2, "%s/import.db", dir);
    snprintf(out, sizeof out, "%s/import-demo.out", dir);
    char *demo[] = {(char *)bin, "demo", "--db", db2, NULL};
    assert_int_equal(run(out, demo, NULL), 0);
    int64_t before = 0;
    {
        sqlite3 *h;
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_open(db2, &h), SQLITE_OK);
        sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM procedures", -1, &st, NULL);
        sqlite3_step(st);
        before = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(h);
    }
    /* 5,001 rows: refused at once, in Vietnamese, nothing saved */
    size_t cap = 5002 * 64;
    char *big = malloc(cap);
    size_t n = (size_t)snprintf(big, cap, "unit_code,code,name\r\n");
    for (int i = 1; i <= 5001; i++) n += (size_t)snprintf(big + n, cap - n, "19,7.%06d,Thủ tục số %d\r\n", i, i);
    const char *path = write_file("big.csv", big);
    char *text = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(import_cli(db2, path, &text), 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_non_null(strstr(text, "quá 5.000 dòng"));
    assert_non_null(strstr(text, "chưa có dòng nào được lưu"));
    free(text);
    assert_true(t1.tv_sec - t0.tv_sec < 10);
    /* 5,000 rows are accepted, twice (inserts, then updates found by code), each quickly */
    char *last = strstr(big, "19,7.005001");
    *last = '\0';
    path = write_file("max.csv", big);
    for (int round = 0; round < 2; round++) {
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(import_cli(db2, path, NULL), 0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        assert_true(t1.tv_sec - t0.tv_sec < 15);
    }
    /* code-less rows update their procedure by name, without duplicates */
    path = write_file("nocode.csv", "unit_code,code,name,days\r\n19,,Thủ tục không mã,3\r\n");
    assert_int_equal(import_cli(db2, path, NULL), 0);
    assert_int_equal(import_cli(db2, path, NULL), 0);
    free(big);
    sqlite3 *h;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(db2, &h), SQLITE_OK);
    sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM procedures", -1, &st, NULL);
    sqlite3_step(st);
    assert_int_equal(sqlite3_column_int64(st, 0), before + 5000 + 1);
    sqlite3_finalize(st);
    sqlite3_close(h);
}

/* ---- item 28: the public CSV does not carry formulas into spreadsheets ---------------- */

static void csv_export_defuses_formulas_and_round_trips(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login("admin", PASSWORD, &s), 303);
    char fields[2048];
    /* enc() keeps four answers at a time */
    int n = snprintf(fields, sizeof fields, "&don_vi=19&code=9.777002&name=%s&field=%s&days=1&fee_text=%s",
                     enc("=HYPERLINK(\"http://x.invalid\";\"Bấm vào\")"), enc("@SUM(A1)"), enc("+84 lệ phí"));
    snprintf(fields + n, sizeof fields - (size_t)n, "&papers=%s&result=%s&legal_basis=%s", enc("-Tờ khai\n- Bản sao"),
             enc("'=đã có dấu nháy"), enc("Luật số 1"));
    response r = post_form(&s, "/thu-tuc", fields);
    assert_int_equal(r.status, 303);
    response_free(&r);
    r = get("/thu-tuc.csv?don_vi=19");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "\"'=HYPERLINK(\"\"http://x.invalid\"\";\"\"Bấm vào\"\")\"");
    assert_contains(r.body, "\"'@SUM(A1)\"");
    assert_contains(r.body, "\"'+84 lệ phí\"");
    assert_contains(r.body, "\"'-Tờ khai\n- Bản sao\"");
    assert_contains(r.body, "\"''=đã có dấu nháy\"");
    assert_lacks(r.body, ",\"=");
    assert_lacks(r.body, ",\"@");
    assert_lacks(r.body, ",\"+");
    /* what export wrote imports back as it was */
    const char *csv = write_file("export.csv", r.body);
    response_free(&r);
    char *out = NULL;
    int rc = import_cli(dbpath, csv, &out);
    if (rc != 0) fail_msg("re-import failed: %s", out);
    free(out);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM procedures WHERE code = '9.777002' AND "
                             "name = '=HYPERLINK(\"http://x.invalid\";\"Bấm vào\")' AND field = '@SUM(A1)' AND "
                             "fee_text = '+84 lệ phí' AND papers = '-Tờ khai' || char(10) || '- Bản sao' AND "
                             "result = '''=đã có dấu nháy'"),
                     1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM procedures WHERE name LIKE '''%%'"), 0);
}

/* ---- item 24: agency codes are one per agency; a collision does not stop intake ------- */

static void duplicate_agency_code_is_refused(void **state)
{
    (void)state;
    session admin;
    assert_int_equal(login("admin", PASSWORD, &admin), 303);
    /* 05602 may not take 05443's code (05443 has no agency code of its own: its unit code) */
    char fields[512];
    snprintf(fields, sizeof fields, "&name=%s&agency_code=05443", enc("Xã Phú Đình"));
    response r = post_form(&admin, "/quan-tri/don-vi/05602", fields);
    assert_int_equal(r.status, 409);
    assert_contains(r.body, "Mã định danh này đã là mã của một đơn vị khác");
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM units WHERE code = '05602' AND agency_code = '05443'"), 0);
    /* nor one that another unit set for itself */
    snprintf(fields, sizeof fields, "&name=%s&agency_code=H19.99001", enc("Phường Phan Đình Phùng"));
    r = post_form(&admin, "/quan-tri/don-vi/05443", fields);
    assert_int_equal(r.status, 303);
    response_free(&r);
    snprintf(fields, sizeof fields, "&name=%s&agency_code=H19.99001", enc("Xã Phú Đình"));
    r = post_form(&admin, "/quan-tri/don-vi/05602", fields);
    assert_int_equal(r.status, 409);
    response_free(&r);
    sql_int("UPDATE units SET agency_code = '' WHERE code = '05443'");
}

/* A database that already has two units with one agency code (older data, or a code changed
 * by hand): both desks go on taking dossiers, each with its own code. */
static void agency_code_collision_does_not_stop_intake(void **state)
{
    (void)state;
    session desk1, desk2;
    assert_int_equal(login("canbo1", PASSWORD, &desk1), 303);
    assert_int_equal(login("canbo2", PASSWORD, &desk2), 303);
    sql_int("UPDATE units SET agency_code = 'H19.99001' WHERE code IN ('05443', '05602')");
    intake_result a, b, c;
    assert_int_equal(intake(&desk1, procedure_id("khai+tu"), NULL, &a), 201);
    /* 05602's next number today is the one 05443 has just used */
    sql_int("DELETE FROM dossier_counters WHERE unit_id = (SELECT id FROM units WHERE code = '05602') "
            "AND period LIKE 'D%%'");
    sql_int("INSERT INTO dossier_counters (unit_id, period, last) SELECT (SELECT id FROM units WHERE code = '05602'), "
            "period, last - 1 FROM dossier_counters WHERE unit_id = (SELECT id FROM units WHERE code = '05443') "
            "AND period LIKE 'D%%' ORDER BY period DESC LIMIT 1");
    assert_int_equal(intake(&desk2, procedure_id("khai+tu"), NULL, &b), 201);
    assert_int_equal(intake(&desk2, procedure_id("khai+tu"), NULL, &c), 201);
    assert_string_not_equal(a.code, b.code);
    assert_string_not_equal(b.code, c.code);
    assert_non_null(strstr(b.code, "H19.99001-"));
    /* leave the units as the demo had them */
    sql_int("UPDATE units SET agency_code = '' WHERE code IN ('05443', '05602')");
}

/* ---- item 14: the administrator edits users, hamlets and leaders ---------------------- */

static int64_t user_id(const char *username)
{
    return sql_int("SELECT id FROM users WHERE username = '%s'", username);
}

static int64_t audits(const char *action, int64_t entity_id)
{
    return sql_int("SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND entity_id = %lld", action,
                   (long long)entity_id);
}

static void admin_edits_a_user(void **state)
{
    (void)state;
    session admin, officer;
    assert_int_equal(login("admin", PASSWORD, &admin), 303);
    assert_int_equal(login("chuyenvien1", PASSWORD, &officer), 303);
    int64_t id = user_id("chuyenvien1");
    char path[128];
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld", (long long)id);
    /* the list links to the user's page; the page has the forms */
    response r = request("GET", "/quan-tri/nguoi-dung", NULL, admin.cookie, NULL);
    assert_contains(r.body, path);
    response_free(&r);
    r = request("GET", path, NULL, admin.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Sửa người dùng");
    assert_contains(r.body, "id=\"role\"");
    assert_contains(r.body, "Đặt lại mật khẩu");
    response_free(&r);
    /* without the CSRF token nothing changes */
    r = request("POST", path, "role=leader&don_vi=05602&full_name=X", admin.cookie, NULL);
    assert_int_equal(r.status, 403);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM users WHERE id = %lld AND role = 'specialist'", (long long)id), 1);
    /* a bad value: a Vietnamese message, nothing saved */
    char fields[512];
    snprintf(fields, sizeof fields, "&role=emperor&don_vi=05602&full_name=%s", enc("Lê Văn Chuyên"));
    r = post_form(&admin, path, fields);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Vai trò không hợp lệ");
    response_free(&r);
    /* role, unit and name change, audited; the user's open session ends */
    snprintf(fields, sizeof fields, "&role=leader&don_vi=05602&full_name=%s", enc("Lê Văn Chuyên"));
    r = post_form(&admin, path, fields);
    assert_int_equal(r.status, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM users u JOIN units n ON n.id = u.unit_id WHERE u.id = %lld AND "
                             "u.role = 'leader' AND n.code = '05602' AND u.full_name = 'Lê Văn Chuyên'",
                             (long long)id),
                     1);
    assert_int_equal(audits("user.update", id), 1);
    r = request("GET", "/bang-dieu-khien", NULL, officer.cookie, NULL);
    assert_int_equal(r.status, 303);
    response_free(&r);
    /* a new password: too short is refused; a good one works, the old one no longer */
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld/mat-khau", (long long)id);
    r = post_form(&admin, path, "&new_password=ngan");
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "ít nhất 10 ký tự");
    response_free(&r);
    r = post_form(&admin, path, "&new_password=Mat-khau-moi-2026");
    assert_int_equal(r.status, 303);
    response_free(&r);
    assert_int_equal(audits("user.password_reset", id), 1);
    session again;
    assert_int_not_equal(login("chuyenvien1", PASSWORD, &again), 303);
    assert_int_equal(login("chuyenvien1", "Mat-khau-moi-2026", &again), 303);
}

/* The administrator cannot lock or demote himself, nor leave the province without an
 * administrator; a commune's administrator reaches only his commune. */
static void admin_keeps_an_administrator(void **state)
{
    (void)state;
    session admin;
    assert_int_equal(login("admin", PASSWORD, &admin), 303);
    int64_t me = user_id("admin");
    char path[128], fields[512];
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld", (long long)me);
    snprintf(fields, sizeof fields, "&role=officer&don_vi=19&full_name=%s", enc("Quản trị viên"));
    response r = post_form(&admin, path, fields);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Bạn không thể tự đổi vai trò hay đơn vị của chính mình");
    response_free(&r);
    snprintf(fields, sizeof fields, "&role=admin&don_vi=05602&full_name=%s", enc("Quản trị viên"));
    r = post_form(&admin, path, fields);
    assert_int_equal(r.status, 400);
    response_free(&r);
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld/trang-thai", (long long)me);
    r = post_form(&admin, path, "&active=0");
    assert_int_equal(r.status, 400);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM users WHERE id = %lld AND role = 'admin' AND active = 1", (long long)me), 1);
    /* his own name he may change */
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld", (long long)me);
    snprintf(fields, sizeof fields, "&role=admin&don_vi=19&full_name=%s", enc("Quản trị viên tỉnh"));
    r = post_form(&admin, path, fields);
    assert_int_equal(r.status, 303);
    response_free(&r);

    /* a commune's administrator */
    snprintf(fields, sizeof fields, "&username=qtphudinh&full_name=%s&role=admin&don_vi=05602&password=%s",
             enc("Quản trị xã Phú Đình"), PASSWORD);
    r = post_form(&admin, "/quan-tri/nguoi-dung", fields);
    assert_int_equal(r.status, 303);
    response_free(&r);
    session commune;
    assert_int_equal(login("qtphudinh", PASSWORD, &commune), 303);
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld", (long long)user_id("canbo1"));   /* 05443 */
    r = request("GET", path, NULL, commune.cookie, NULL);
    assert_int_equal(r.status, 403);
    response_free(&r);
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld", (long long)user_id("canbo2"));   /* 05602 */
    snprintf(fields, sizeof fields, "&role=officer&don_vi=05443&full_name=%s", enc("Cán bộ hai"));
    r = post_form(&commune, path, fields);
    assert_int_equal(r.status, 403);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM users u JOIN units n ON n.id = u.unit_id WHERE u.username = 'canbo2' "
                             "AND n.code = '05602'"),
                     1);
    /* the province's administrator locks the commune's: allowed, he stays */
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld/trang-thai", (long long)user_id("qtphudinh"));
    r = post_form(&admin, path, "&active=0");
    assert_int_equal(r.status, 303);
    response_free(&r);
    assert_int_equal(audits("user.deactivate", user_id("qtphudinh")), 1);
}

static void admin_edits_and_removes_hamlets_and_leaders(void **state)
{
    (void)state;
    session admin;
    assert_int_equal(login("admin", PASSWORD, &admin), 303);
    int64_t hamlet = sql_int("SELECT h.id FROM hamlets h JOIN units u ON u.id = h.unit_id WHERE u.code = '05602' "
                             "ORDER BY h.id LIMIT 1");
    int64_t other = sql_int("SELECT h.id FROM hamlets h JOIN units u ON u.id = h.unit_id WHERE u.code = '05443' "
                            "ORDER BY h.id LIMIT 1");
    int64_t leader = sql_int("SELECT l.id FROM unit_leaders l JOIN units u ON u.id = l.unit_id WHERE u.code = '05602' "
                             "ORDER BY l.sort DESC, l.id DESC LIMIT 1");
    assert_true(hamlet > 0 && other > 0 && leader > 0);
    /* the unit's page has a form for each */
    response r = request("GET", "/quan-tri/don-vi/05602", NULL, admin.cookie, NULL);
    char needle[128];
    snprintf(needle, sizeof needle, "/quan-tri/don-vi/05602/thon/%lld/xoa", (long long)hamlet);
    assert_contains(r.body, needle);
    snprintf(needle, sizeof needle, "/quan-tri/don-vi/05602/lanh-dao/%lld", (long long)leader);
    assert_contains(r.body, needle);
    response_free(&r);
    /* a hamlet: renamed with new counts, audited */
    char path[128], fields[512];
    snprintf(path, sizeof path, "/quan-tri/don-vi/05602/thon/%lld", (long long)hamlet);
    r = post_form(&admin, path, "&hamlet_name=x&households=nhi%E1%BB%81u&voters=3");
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Số hộ và số cử tri phải là số nguyên không âm");
    response_free(&r);
    snprintf(fields, sizeof fields, "&hamlet_name=%s&households=150&voters=", enc("Xóm Đồng Tâm"));
    r = post_form(&admin, path, fields);
    assert_int_equal(r.status, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM hamlets WHERE id = %lld AND name = 'Xóm Đồng Tâm' AND "
                             "households = 150 AND voters IS NULL", (long long)hamlet),
                     1);
    assert_int_equal(audits("hamlet.update", hamlet), 1);
    /* another unit's hamlet is not reached through this unit's address */
    snprintf(path, sizeof path, "/quan-tri/don-vi/05602/thon/%lld/xoa", (long long)other);
    r = post_form(&admin, path, "");
    assert_int_equal(r.status, 404);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM hamlets WHERE id = %lld", (long long)other), 1);
    /* without the token nothing is removed */
    snprintf(path, sizeof path, "/quan-tri/don-vi/05602/thon/%lld/xoa", (long long)hamlet);
    r = request("POST", path, "", admin.cookie, NULL);
    assert_int_equal(r.status, 403);
    response_free(&r);
    r = post_form(&admin, path, "");
    assert_int_equal(r.status, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM hamlets WHERE id = %lld", (long long)hamlet), 0);
    assert_int_equal(audits("hamlet.delete", hamlet), 1);
    /* a leader: a bad phone is refused; a new title saved; then removed */
    snprintf(path, sizeof path, "/quan-tri/don-vi/05602/lanh-dao/%lld", (long long)leader);
    snprintf(fields, sizeof fields, "&leader_name=%s&leader_title=%s&leader_phone=abc", enc("Ngô Thị Lan"),
             enc("Phó Chủ tịch UBND xã"));
    r = post_form(&admin, path, fields);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "Số điện thoại");
    response_free(&r);
    snprintf(fields, sizeof fields, "&leader_name=%s&leader_title=%s&leader_phone=0912+000+299", enc("Ngô Thị Lan"),
             enc("Chủ tịch UBND xã"));
    r = post_form(&admin, path, fields);
    assert_int_equal(r.status, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM unit_leaders WHERE id = %lld AND title = 'Chủ tịch UBND xã' AND "
                             "phone = '0912 000 299'", (long long)leader),
                     1);
    r = get("/don-vi/05602");
    assert_contains(r.body, "0912 000 299");
    response_free(&r);
    snprintf(path, sizeof path, "/quan-tri/don-vi/05602/lanh-dao/%lld/xoa", (long long)leader);
    r = post_form(&admin, path, "");
    assert_int_equal(r.status, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM unit_leaders WHERE id = %lld", (long long)leader), 0);
    assert_int_equal(audits("leader.update", leader), 1);
    assert_int_equal(audits("leader.delete", leader), 1);
    /* an officer may not */
    session officer;
    assert_int_equal(login("canbo2", PASSWORD, &officer), 303);
    snprintf(path, sizeof path, "/quan-tri/don-vi/05602/thon/%lld/xoa", (long long)other);
    r = post_form(&officer, path, "");
    assert_int_equal(r.status, 403);
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(everyday_phrasing_finds_the_procedure),
        cmocka_unit_test(keywords_are_searched_and_kept),
        cmocka_unit_test(bad_paging_answers_400_cleanly),
        cmocka_unit_test(import_refuses_too_many_rows),
        cmocka_unit_test(csv_export_defuses_formulas_and_round_trips),
        cmocka_unit_test(duplicate_agency_code_is_refused),
        cmocka_unit_test(agency_code_collision_does_not_stop_intake),
        cmocka_unit_test(admin_edits_a_user),
        cmocka_unit_test(admin_keeps_an_administrator),
        cmocka_unit_test(admin_edits_and_removes_hamlets_and_leaders),
    };
    int failed = cmocka_run_group_tests_name("catalog2", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
