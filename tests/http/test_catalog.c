/* test_catalog.c -- the catalogue of procedures: search (diacritics folded, everyday phrasing,
 * keywords), the procedure page and API, bad parameters, the CSV import's limits and formula
 * cells, and agency codes (src/catalog). */
#include "harness.h"

/* The same search typed three ways, and in decomposed Unicode, finds the same list. */
static void catalogue_search_folds_diacritics(void **state)
{
    (void)state;
    const char *queries[] = {"dang+ky+ket+hon", "%C4%90%C4%82NG+K%C3%9D+K%E1%BA%BET+H%C3%94N",
                             "%C4%91%C4%83ng+k%C3%BD+k%E1%BA%BFt+h%C3%B4n",
                             /* NFD: d-stroke, a + breve, n, g ... as Unikey's "Unicode to hop" types it */
                             "%C4%91a%CC%86ng+ky%CC%81+ke%CC%82%CC%81t+ho%CC%82n"};
    char first[64] = "";
    for (size_t i = 0; i < 4; i++) {
        char path[256];
        snprintf(path, sizeof path, "/thu-tuc?don_vi=05443&q=%s", queries[i]);
        response r = get(path);
        assert_status(r, 200);
        assert_contains(r.body, ">Thủ tục đăng ký kết hôn</a>");
        assert_lacks(r.body, "đăng ký khai sinh</a>");
        const char *count = strstr(r.body, "tt-count");
        assert_non_null(count);
        char got[64];
        snprintf(got, sizeof got, "%.40s", strstr(count, "<strong>"));
        if (i == 0) snprintf(first, sizeof first, "%s", got);
        else assert_string_equal(got, first);
        response_free(&r);
    }
    response r = get("/thu-tuc?don_vi=05443&q=khong+co+thu+tuc+nay");
    assert_contains(r.body, "<strong>0</strong>");
    response_free(&r);
    r = get("/thu-tuc?don_vi=05443&linh_vuc=Ch%E1%BB%A9ng+th%E1%BB%B1c");
    assert_contains(r.body, "Chứng thực");
    assert_lacks(r.body, ">Thủ tục đăng ký kết hôn</a>");
    response_free(&r);
}

static void query_is_echoed_escaped(void **state)
{
    (void)state;
    response r = get("/thu-tuc?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27");
    assert_status(r, 200);
    assert_contains(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;");
    assert_lacks(r.body, "<script>alert");
    response_free(&r);
}

static void bad_utf8_is_refused(void **state)
{
    (void)state;
    response r = get("/thu-tuc?q=%C3%28");
    assert_status(r, 400);
    assert_contains(r.body, "UTF-8");
    response_free(&r);
    r = request("POST", "/dang-nhap", "username=%FF%FE&password=x", NULL, NULL);
    assert_true(r.status == 400 || r.status == 403);
    response_free(&r);
}

static void procedure_page_and_json(void **state)
{
    (void)state;
    response r = get("/thu-tuc/1");
    assert_status(r, 200);
    assert_contains(r.body, "<h1 class=\"govuk-heading-l\">");
    assert_contains(r.body, "Thời hạn giải quyết");
    assert_contains(r.body, "Lệ phí");
    assert_contains(r.body, "Căn cứ pháp lý");
    assert_contains(r.body, "Thành phần hồ sơ");
    assert_contains(r.body, "<svg class=\"tt-qr\"");
    response_free(&r);

    r = get("/api/v1/procedures?don_vi=05443&q=khai+sinh");
    assert_status(r, 200);
    assert_contains(r.headers, "application/json");
    assert_lacks(r.headers, "Set-Cookie");   /* the API sets no cookie: shared caches may keep it */
    json_error_t je;
    json_t *j = json_loads(r.body, 0, &je);
    assert_non_null(j);
    json_t *items = json_object_get(j, "items");
    assert_true(json_is_array(items) && json_array_size(items) > 0);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) assert_non_null(strstr(json_string_value(json_object_get(it, "name")), "khai sinh"));
    json_int_t id = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
    json_decref(j);
    response_free(&r);

    char path[64];
    snprintf(path, sizeof path, "/api/v1/procedures/%lld", (long long)id);
    r = get(path);
    assert_status(r, 200);
    j = json_loads(r.body, 0, &je);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), id);
    assert_true(json_is_array(json_object_get(j, "papers")));
    json_decref(j);
    response_free(&r);

    r = get("/api/v1/procedures/999999");
    assert_status(r, 404);
    j = json_loads(r.body, 0, &je);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
                        "Không tìm thấy thủ tục.");
    json_decref(j);
    response_free(&r);

    /* the page and the API come from one handler: the page answers JSON when asked */
    r = request("GET", "/thu-tuc/1", NULL, NULL, "Accept: application/json");
    assert_status(r, 200);
    j = json_loads(r.body, 0, &je);
    assert_non_null(json_object_get(j, "procedure"));
    json_decref(j);
    response_free(&r);
}

static const char bad_csv[] =
    "unit_code,code,name,field,days,time_text,fee,fee_text,papers,submit_where,online_level,legal_basis,result\r\n"
    "19,8.000001,Thủ tục tốt,Khác,3,,0,,Tờ khai,,full,,\r\n"
    "19,8.000002,Thủ tục lỗi,Khác,3,,abc,,Tờ khai,,full,,\r\n";

static void bad_csv_import_saves_nothing(void **state)
{
    (void)state;
    session s;
    sign_in("admin", &s);
    int64_t before = procedure_total();
    CURL *c = curl_easy_init();
    response r = {0};
    r.body = calloc(1, 1);
    char url[128];
    snprintf(url, sizeof url, "%s/thu-tuc/nhap", base);
    curl_mime *mime = curl_mime_init(c);
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_name(part, "_csrf");
    curl_mime_data(part, s.csrf, CURL_ZERO_TERMINATED);
    part = curl_mime_addpart(mime);
    curl_mime_name(part, "file");
    curl_mime_filename(part, "thu-tuc.csv");
    curl_mime_type(part, "text/csv");
    curl_mime_data(part, bad_csv, CURL_ZERO_TERMINATED);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
    curl_easy_setopt(c, CURLOPT_COOKIE, s.cookie);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_mime_free(mime);
    curl_easy_cleanup(c);
    assert_status(r, 400);
    assert_contains(r.body, "dòng 3");
    assert_contains(r.body, "chưa có dòng nào được lưu");
    response_free(&r);
    assert_int_equal(procedure_total(), before);

    /* the same file through the command line: refused, nothing saved */
    char csv[320];
    snprintf(csv, sizeof csv, "%s/bad.csv", dir);
    FILE *f = fopen(csv, "w");
    fputs(bad_csv, f);
    fclose(f);
    char *argv[] = {(char *)bin, "import", "procedures", "--db", dbpath, csv, NULL};
    assert_int_equal(run("/dev/null", argv, NULL), 1);
    assert_int_equal(procedure_total(), before);
}

static void agency_code_starts_dossier_codes(void **state)
{
    (void)state;
    session admin, officer;
    sign_in("admin", &admin);
    sign_in("canbo2", &officer);
    char body[512];
    snprintf(body, sizeof body, "_csrf=%s&name=X%%C3%%A3+Ph%%C3%%BA+%%C4%%90%%C3%%ACnh&agency_code=h19.05602", admin.csrf);
    response r = request("POST", "/quan-tri/don-vi/05602", body, admin.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Mã định danh chỉ gồm chữ in hoa");
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM units WHERE code = '05602' AND agency_code = ''"), 1);
    snprintf(body, sizeof body, "_csrf=%s&name=X%%C3%%A3+Ph%%C3%%BA+%%C4%%90%%C3%%ACnh&saturday_service=0&agency_code=H19.05602",
             admin.csrf);
    r = request("POST", "/quan-tri/don-vi/05602", body, admin.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    intake_result d;
    new_dossier(&officer, "khai+tu", &d);
    assert_non_null(strstr(d.code, "H19.05602-"));
    assert_int_equal(strlen(d.code), strlen("H19.05602-261123-0001"));
}

/* The name of the first procedure the API finds for commune 05443 ("" when none). */
static const char *first_found(const char *q, int64_t *total)
{
    static char name[256];
    char path[512];
    snprintf(path, sizeof path, "/api/v1/procedures?don_vi=05443&q=%s", q);
    response r = get(path);
    assert_status(r, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    const char *n = json_string_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "name"));
    snprintf(name, sizeof name, "%s", n ? n : "");
    if (total) *total = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    response_free(&r);
    return name;
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
    assert_status(r, 200);
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
    sign_in("admin", &s);
    int64_t total = -1;
    first_found("sat+lo+dat", &total);
    assert_int_equal(total, 0);
    char fields[1024];
    snprintf(fields, sizeof fields, "&don_vi=19&code=9.777001&name=%s&field=Kh%%C3%%A1c&days=5&keywords=%s",
             enc("Thủ tục hỗ trợ khắc phục thiên tai"), enc("sạt lở đất, bão lũ"));
    response r = post_form(&s, "/thu-tuc", fields);
    assert_status(r, 303);
    response_free(&r);
    assert_string_equal(first_found("sat+lo+dat", NULL), "Thủ tục hỗ trợ khắc phục thiên tai");
    assert_string_equal(first_found("b%C3%A3o+l%C5%A9", NULL), "Thủ tục hỗ trợ khắc phục thiên tai");
    int64_t id = sql_int("SELECT id FROM procedures WHERE code = '9.777001'");
    /* the edit form shows them */
    char path[64];
    snprintf(path, sizeof path, "/thu-tuc/%lld/sua", (long long)id);
    r = request("GET", path, NULL, s.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "id=\"keywords\"");
    assert_contains(r.body, "value=\"sạt lở đất, bão lũ\"");
    response_free(&r);
    /* the export has the column */
    r = get("/thu-tuc.csv?don_vi=19");
    assert_status(r, 200);
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

static void bad_paging_answers_400_cleanly(void **state)
{
    (void)state;
    const char *bad[] = {"limit=0", "limit=501", "limit=abc", "offset=-1", "offset=x", "limit=10&offset=9999999"};
    for (size_t i = 0; i < 6; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/procedures?don_vi=05443&%s", bad[i]);
        response r = get(path);
        assert_status(r, 400);
        assert_contains(r.body, "limit");
        response_free(&r);
    }
    /* the server's clean exit at teardown (LeakSanitizer) is the other half of this test */
}

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

static void csv_export_defuses_formulas_and_round_trips(void **state)
{
    (void)state;
    session s;
    sign_in("admin", &s);
    char fields[2048];
    /* enc() keeps four answers at a time */
    int n = snprintf(fields, sizeof fields, "&don_vi=19&code=9.777002&name=%s&field=%s&days=1&fee_text=%s",
                     enc("=HYPERLINK(\"http://x.invalid\";\"Bấm vào\")"), enc("@SUM(A1)"), enc("+84 lệ phí"));
    snprintf(fields + n, sizeof fields - (size_t)n, "&papers=%s&result=%s&legal_basis=%s", enc("-Tờ khai\n- Bản sao"),
             enc("'=đã có dấu nháy"), enc("Luật số 1"));
    response r = post_form(&s, "/thu-tuc", fields);
    assert_status(r, 303);
    response_free(&r);
    r = get("/thu-tuc.csv?don_vi=19");
    assert_status(r, 200);
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

static void duplicate_agency_code_is_refused(void **state)
{
    (void)state;
    session admin;
    sign_in("admin", &admin);
    /* 05602 may not take 05443's code (05443 has no agency code of its own: its unit code) */
    char fields[512];
    snprintf(fields, sizeof fields, "&name=%s&agency_code=05443", enc("Xã Phú Đình"));
    response r = post_form(&admin, "/quan-tri/don-vi/05602", fields);
    assert_status(r, 409);
    assert_contains(r.body, "Mã định danh này đã là mã của một đơn vị khác");
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM units WHERE code = '05602' AND agency_code = '05443'"), 0);
    /* nor one that another unit set for itself */
    snprintf(fields, sizeof fields, "&name=%s&agency_code=H19.99001", enc("Phường Phan Đình Phùng"));
    r = post_form(&admin, "/quan-tri/don-vi/05443", fields);
    assert_status(r, 303);
    response_free(&r);
    snprintf(fields, sizeof fields, "&name=%s&agency_code=H19.99001", enc("Xã Phú Đình"));
    r = post_form(&admin, "/quan-tri/don-vi/05602", fields);
    assert_status(r, 409);
    response_free(&r);
    sql_int("UPDATE units SET agency_code = '' WHERE code = '05443'");
}

/* A database that already has two units with one agency code (older data, or a code changed
 * by hand): both desks go on taking dossiers, each with its own code. */
static void agency_code_collision_does_not_stop_intake(void **state)
{
    (void)state;
    session desk1, desk2;
    sign_in("canbo1", &desk1);
    sign_in("canbo2", &desk2);
    sql_int("UPDATE units SET agency_code = 'H19.99001' WHERE code IN ('05443', '05602')");
    intake_result a, b, c;
    new_dossier(&desk1, "khai+tu", &a);
    /* 05602's next number today is the one 05443 has just used */
    sql_int("DELETE FROM dossier_counters WHERE unit_id = (SELECT id FROM units WHERE code = '05602') "
            "AND period LIKE 'D%%'");
    sql_int("INSERT INTO dossier_counters (unit_id, period, last) SELECT (SELECT id FROM units WHERE code = '05602'), "
            "period, last - 1 FROM dossier_counters WHERE unit_id = (SELECT id FROM units WHERE code = '05443') "
            "AND period LIKE 'D%%' ORDER BY period DESC LIMIT 1");
    new_dossier(&desk2, "khai+tu", &b);
    new_dossier(&desk2, "khai+tu", &c);
    assert_string_not_equal(a.code, b.code);
    assert_string_not_equal(b.code, c.code);
    assert_non_null(strstr(b.code, "H19.99001-"));
    /* leave the units as the demo had them */
    sql_int("UPDATE units SET agency_code = '' WHERE code IN ('05443', '05602')");
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalogue_search_folds_diacritics),
        cmocka_unit_test(query_is_echoed_escaped),
        cmocka_unit_test(bad_utf8_is_refused),
        cmocka_unit_test(procedure_page_and_json),
        cmocka_unit_test(bad_csv_import_saves_nothing),
        cmocka_unit_test(agency_code_starts_dossier_codes),
        cmocka_unit_test(everyday_phrasing_finds_the_procedure),
        cmocka_unit_test(keywords_are_searched_and_kept),
        cmocka_unit_test(bad_paging_answers_400_cleanly),
        cmocka_unit_test(import_refuses_too_many_rows),
        cmocka_unit_test(csv_export_defuses_formulas_and_round_trips),
        cmocka_unit_test(duplicate_agency_code_is_refused),
        cmocka_unit_test(agency_code_collision_does_not_stop_intake),
    };
    int failed = cmocka_run_group_tests_name("catalog", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
