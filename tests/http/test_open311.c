/* test_open311.c -- the Open311 GeoReport v2 API at /open311/v2/ as an app uses it: every
 * endpoint in .json and .xml (the XML checked well-formed by xmllint), its errors in the
 * spec's shape and status, keys issued, listed and revoked with `thanthien api-key`, the
 * per-key limit, anonymous complaints refused, and the legal due date and the overdue reason
 * in expected_datetime and status_notes. */
#include "harness.h"

#define UNIT "05443"

/* the key of the case's app for Phường Phan Đình Phùng: each case issues its own (use_key), as
 * every POST, good or bad, counts against its key's limit */
static char key1[64];

/* `thanthien api-key ...`: exit status; its standard output in out (malloc'd) when out. */
static int api_key(char **out, const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
                   const char *a6)
{
    char path[400];
    snprintf(path, sizeof path, "%s/api-key.out", dir);
    char *argv[] = {(char *)bin, "api-key", (char *)a1, "--db", dbpath, (char *)a2, (char *)a3,
                    (char *)a4, (char *)a5, (char *)a6, NULL};
    int rc = run(path, argv, NULL);
    if (out) *out = slurp(path);
    return rc;
}

static void issue_key(const char *unit, const char *name, char out[64])
{
    char *text = NULL;
    assert_int_equal(api_key(&text, "add", "--unit", unit, "--name", name, NULL), 0);
    text[strcspn(text, "\n")] = '\0';
    assert_int_equal(strlen(text), 49);
    assert_true(!strncmp(text, "tt311_", 6));
    snprintf(out, 64, "%s", text);
    free(text);
}

static void use_key(const char *name) { issue_key(UNIT, name, key1); }

static response post311(const char *fmt, const char *body)
{
    char path[64];
    snprintf(path, sizeof path, "/open311/v2/requests.%s", fmt);
    return request("POST", path, body, NULL, "Content-Type: application/x-www-form-urlencoded; charset=utf-8");
}

static json_t *json_of(const response *r)
{
    json_error_t je;
    json_t *j = json_loads(r->body, 0, &je);
    if (!j) fail_msg("not JSON (%s): %.300s", je.text, r->body);
    return j;
}

/* The body is well-formed XML whose root element is root. */
static void assert_xml(const response *r, const char *root)
{
    char path[400];
    snprintf(path, sizeof path, "%s/answer.xml", dir);
    FILE *f = fopen(path, "w");
    fwrite(r->body, 1, r->len, f);
    fclose(f);
    char *argv[] = {"/usr/bin/xmllint", "--noout", path, NULL};
    if (run(NULL, argv, NULL) != 0) fail_msg("not well-formed XML: %.400s", r->body);
    assert_true(!strncmp(r->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>", 38));
    char open[64];
    snprintf(open, sizeof open, "\n<%s>", root);
    assert_contains(r->body, open);
}

/* An Open311 error answer: the status, and in the body the array [{code, description}] whose
 * first description contains want. */
static void assert_error_json(const response *r, long status, const char *want)
{
    assert_int_equal(r->status, status);
    assert_contains(r->headers, "application/json");
    json_t *j = json_of(r);
    assert_true(json_is_array(j) && json_array_size(j) >= 1);
    json_t *e = json_array_get(j, 0);
    assert_int_equal(json_integer_value(json_object_get(e, "code")), status);
    const char *d = json_string_value(json_object_get(e, "description"));
    assert_non_null(d);
    if (want) assert_contains(d, want);
    json_decref(j);
}

static void assert_error_xml(const response *r, long status, const char *want)
{
    assert_int_equal(r->status, status);
    assert_contains(r->headers, "text/xml; charset=utf-8");
    assert_xml(r, "errors");
    char code[64];
    snprintf(code, sizeof code, "<error><code>%ld</code><description>", status);
    assert_contains(r->body, code);
    if (want) assert_contains(r->body, want);
}

/* A named phản ánh with a place, filed with key: the case's code (malloc'd). */
static char *file_case(const char *key, const char *service, const char *extra)
{
    char body[2048];
    int n = snprintf(body, sizeof body,
                     "api_key=%s&jurisdiction_id=" UNIT "&service_code=%s&lat=21.593477&long=105.844136"
                     "&address_string=%s&first_name=%s&last_name=%s",
                     key, service, enc("Ngõ 5 đường Phan Đình Phùng"), enc("An"), enc("Nguyễn Văn"));
    /* enc() has four buffers: the rest in a second call */
    snprintf(body + n, sizeof body - (size_t)n, "&phone=0912345678&attribute%%5Bsender_address%%5D=%s&description=%s%s",
             enc("Tổ 3, phường Phan Đình Phùng"), enc("Đèn đường trước số 12 bị hỏng đã một tuần."), extra ? extra : "");
    response r = post311("json", body);
    assert_status(r, 200);
    json_t *j = json_of(&r);
    const char *code = json_string_value(json_object_get(json_array_get(j, 0), "service_request_id"));
    if (!code) fail_msg("no service_request_id: %s", r.body);
    char *out = strdup(code);
    json_decref(j);
    response_free(&r);
    return out;
}

/* ---- keys ---------------------------------------------------------------------------- */

static void api_key_add_list_revoke(void **state)
{
    (void)state;
    char other[64];
    issue_key(UNIT, "Ứng dụng thử", key1);
    issue_key(UNIT, "App to revoke", other);
    /* only the hash is kept */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM api_keys WHERE key_hash = '%s' OR name = '%s'", other, other);
    assert_int_equal(db_count(sql), 0);
    assert_int_equal(db_count("SELECT COUNT(*) FROM api_keys WHERE length(key_hash) = 64"), 2);
    assert_int_equal(db_count("SELECT COUNT(*) FROM audit_log WHERE action = 'api_key.add'"), 2);

    char *list = NULL;
    assert_int_equal(api_key(&list, "list", NULL, NULL, NULL, NULL, NULL), 0);
    assert_contains(list, "Ứng dụng thử");
    char prefix[16];
    snprintf(prefix, sizeof prefix, "%.10s", other);
    assert_contains(list, prefix);
    assert_lacks(list, other);   /* never the key itself */
    assert_lacks(list, "revoked");
    free(list);

    int64_t id = sql_int("SELECT id FROM api_keys WHERE name = 'App to revoke'");
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    char *out = NULL;
    assert_int_equal(api_key(&out, "revoke", "--id", ids, NULL, NULL, NULL), 0);
    free(out);
    assert_int_equal(api_key(NULL, "revoke", "--id", ids, NULL, NULL, NULL), 2);   /* already revoked */
    assert_int_equal(api_key(NULL, "revoke", "--id", "99999", NULL, NULL, NULL), 2);
    assert_int_equal(api_key(NULL, "add", "--unit", "00000", "--name", "x", NULL), 2);   /* unknown unit */
    assert_int_equal(api_key(NULL, "add", "--unit", UNIT, NULL, NULL, NULL), 2);          /* no --name */
    assert_int_equal(api_key(&list, "list", "--unit", UNIT, NULL, NULL, NULL), 0);
    assert_contains(list, "revoked");
    free(list);
    assert_int_equal(db_count("SELECT COUNT(*) FROM audit_log WHERE action = 'api_key.revoke'"), 1);

    /* a revoked key files nothing */
    char body[256];
    snprintf(body, sizeof body, "api_key=%s&service_code=gop_y&address_string=x&description=y", other);
    response r = post311("json", body);
    assert_error_json(&r, 403, "api_key");
    response_free(&r);
}

/* ---- services ------------------------------------------------------------------------- */

static void services_list_in_both_formats(void **state)
{
    (void)state;
    response r = get("/open311/v2/services.json");
    assert_status(r, 200);
    assert_contains(r.headers, "Content-Type: application/json; charset=utf-8");
    json_t *j = json_of(&r);
    assert_int_equal(json_array_size(j), 6);
    json_t *s0 = json_array_get(j, 0);
    assert_string_equal(json_string_value(json_object_get(s0, "service_code")), "phan_anh");
    assert_string_equal(json_string_value(json_object_get(s0, "service_name")), "Phản ánh");
    assert_true(json_is_true(json_object_get(s0, "metadata")));
    assert_string_equal(json_string_value(json_object_get(s0, "type")), "realtime");
    assert_non_null(json_string_value(json_object_get(s0, "group")));
    assert_non_null(json_string_value(json_object_get(s0, "keywords")));
    json_decref(j);
    response_free(&r);

    r = get("/open311/v2/services.xml?jurisdiction_id=" UNIT);
    assert_status(r, 200);
    assert_contains(r.headers, "Content-Type: text/xml; charset=utf-8");
    assert_xml(&r, "services");
    assert_contains(r.body, "<service><service_code>phan_anh</service_code><service_name>Phản ánh</service_name>");
    assert_contains(r.body, "<metadata>true</metadata><type>realtime</type>");
    response_free(&r);

    r = get("/open311/v2/services.json?jurisdiction_id=99999");
    assert_error_json(&r, 404, "99999");
    response_free(&r);
    r = get("/open311/v2/services.csv");
    assert_error_xml(&r, 404, ".json");
    response_free(&r);
}

static void service_definition_and_unknown_service(void **state)
{
    (void)state;
    response r = get("/open311/v2/services/khieu_nai.json");
    assert_status(r, 200);
    json_t *j = json_of(&r);
    assert_string_equal(json_string_value(json_object_get(j, "service_code")), "khieu_nai");
    json_t *attrs = json_object_get(j, "attributes");
    bool sender_required = false, identity_note = false, consent_list = false;
    size_t i;
    json_t *a;
    json_array_foreach(attrs, i, a)
    {
        const char *code = json_string_value(json_object_get(a, "code"));
        assert_int_equal(json_integer_value(json_object_get(a, "order")), (long long)i + 1);
        if (!strcmp(code, "sender_address")) sender_required = json_is_true(json_object_get(a, "required"));
        if (!strcmp(code, "identity")) identity_note = json_is_false(json_object_get(a, "variable"));
        if (!strcmp(code, "consent_publish"))
            consent_list = !strcmp(json_string_value(json_object_get(a, "datatype")), "singlevaluelist") &&
                           json_array_size(json_object_get(a, "values")) == 2;
    }
    assert_true(sender_required && identity_note && consent_list);
    json_decref(j);
    response_free(&r);

    r = get("/open311/v2/services/gop_y.xml");
    assert_status(r, 200);
    assert_xml(&r, "service_definition");
    assert_contains(r.body, "<attributes><attribute><variable>true</variable><code>subject</code>");
    assert_contains(r.body, "<values><value><key>1</key><name>");
    assert_contains(r.body, "<code>sender_address</code><datatype>string</datatype><required>false</required>");
    response_free(&r);

    r = get("/open311/v2/services/khong_co.json");
    assert_error_json(&r, 404, "khong_co");
    response_free(&r);
    r = get("/open311/v2/services/khong_co.xml");
    assert_error_xml(&r, 404, "khong_co");
    response_free(&r);
}

/* ---- filing ------------------------------------------------------------------------------ */

static void post_needs_a_valid_key(void **state)
{
    (void)state;
    use_key("Needs key");
    response r = post311("json", "service_code=gop_y&address_string=x&description=y");
    assert_error_json(&r, 403, "api_key");
    response_free(&r);
    r = post311("xml", "api_key=tt311_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&service_code=gop_y&address_string=x&description=y");
    assert_error_xml(&r, 403, "api_key");
    response_free(&r);
    /* a key of one unit files nothing for another */
    char body[512];
    snprintf(body, sizeof body, "api_key=%s&jurisdiction_id=05602&service_code=gop_y&address_string=x&description=y", key1);
    r = post311("json", body);
    assert_error_json(&r, 403, "jurisdiction_id");
    response_free(&r);
    assert_int_equal(db_count("SELECT COUNT(*) FROM feedback WHERE channel = 'open311'"), 0);
}

static void post_files_a_case_and_the_app_follows_it(void **state)
{
    (void)state;
    use_key("Ứng dụng Phản ánh hiện trường");
    int64_t before = server_now();
    char *code = file_case(key1, "phan_anh", "&attribute%5Bconsent_publish%5D=1&media_url=https%3A%2F%2Fanh.example%2F1.jpg&account_id=u42");
    assert_true(!strncmp(code, UNIT "-PA", 8));
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM feedback f JOIN open311_requests o ON o.feedback_id = f.id JOIN api_keys k ON "
             "k.id = o.api_key_id WHERE f.code = '%s' AND f.channel = 'open311' AND f.kind = 'phan_anh' AND "
             "f.service_code = 'phan_anh' AND f.name = 'Nguyễn Văn An' AND f.lat_e6 = 21593477 AND "
             "o.media_url = 'https://anh.example/1.jpg' AND k.name = 'Ứng dụng Phản ánh hiện trường'",
             code);
    assert_int_equal(db_count(sql), 1);

    char path[128];
    snprintf(path, sizeof path, "/open311/v2/requests/%s.json", code);
    response r = get(path);
    assert_status(r, 200);
    assert_contains(r.headers, "Access-Control-Allow-Origin: *");
    json_t *j = json_of(&r);
    assert_int_equal(json_array_size(j), 1);
    json_t *q = json_array_get(j, 0);
    assert_string_equal(json_string_value(json_object_get(q, "service_request_id")), code);
    assert_string_equal(json_string_value(json_object_get(q, "status")), "open");
    assert_string_equal(json_string_value(json_object_get(q, "service_code")), "phan_anh");
    assert_string_equal(json_string_value(json_object_get(q, "description")), "Đèn đường trước số 12 bị hỏng đã một tuần.");
    assert_string_equal(json_string_value(json_object_get(q, "address")), "Ngõ 5 đường Phan Đình Phùng");
    assert_string_equal(json_string_value(json_object_get(q, "media_url")), "https://anh.example/1.jpg");
    assert_true(json_real_value(json_object_get(q, "lat")) > 21.59 && json_real_value(json_object_get(q, "lat")) < 21.6);
    const char *req_dt = json_string_value(json_object_get(q, "requested_datetime"));
    const char *exp_dt = json_string_value(json_object_get(q, "expected_datetime"));
    assert_non_null(req_dt);
    assert_non_null(exp_dt);
    assert_int_equal(strlen(exp_dt), 25);
    assert_string_equal(exp_dt + 19, "+07:00");
    /* the due date is the case's own running deadline, written at +07:00 */
    snprintf(sql, sizeof sql,
             "SELECT strftime('%%Y-%%m-%%dT%%H:%%M:%%S+07:00', clock_at + 25200, 'unixepoch') "
             "FROM feedback WHERE code = '%s'",
             code);
    char *due = sql_text(sql);
    assert_string_equal(exp_dt, due);
    free(due);
    snprintf(sql, sizeof sql, "SELECT received_at >= %lld FROM feedback WHERE code = '%s'", (long long)before - 1, code);
    assert_int_equal(db_count(sql), 1);
    assert_lacks(r.body, "0912345678");   /* no personal data in the answer */
    assert_lacks(r.body, "Tổ 3");
    json_decref(j);
    response_free(&r);

    snprintf(path, sizeof path, "/open311/v2/requests/%s.xml?jurisdiction_id=" UNIT, code);
    r = get(path);
    assert_status(r, 200);
    assert_xml(&r, "service_requests");
    char want[128];
    snprintf(want, sizeof want, "<request><service_request_id>%s</service_request_id><status>open</status>", code);
    assert_contains(r.body, want);
    assert_contains(r.body, "<address_id></address_id><zipcode></zipcode>");
    response_free(&r);

    /* another unit's jurisdiction does not see it; an unknown code is 404 */
    snprintf(path, sizeof path, "/open311/v2/requests/%s.json?jurisdiction_id=05602", code);
    r = get(path);
    assert_error_json(&r, 404, code);
    response_free(&r);
    r = get("/open311/v2/requests/05443-PA000000-999.xml");
    assert_error_xml(&r, 404, "05443-PA000000-999");
    response_free(&r);
    free(code);
}

static void post_answer_in_xml_names_the_code_and_the_secret(void **state)
{
    (void)state;
    use_key("XML app");
    char body[1024];
    snprintf(body, sizeof body,
             "api_key=%s&service_code=gop_y&address_string=%s&description=%s&account_id=",
             key1, enc("Bộ phận Một cửa"), enc("Nên có thêm ghế chờ."));
    response r = post311("xml", body);
    assert_status(r, 200);
    assert_xml(&r, "service_requests");
    assert_contains(r.body, "<request><service_request_id>" UNIT "-GY");
    assert_contains(r.body, "</service_request_id><service_notice>");
    assert_contains(r.body, "<account_id></account_id>");
    char *secret = sql_text("SELECT secret FROM feedback WHERE kind = 'gop_y' ORDER BY id DESC LIMIT 1");
    assert_int_equal(strlen(secret), 6);
    assert_contains(r.body, secret);   /* the citizen tracks it on the site with this */
    free(secret);
    response_free(&r);
}

static void post_bad_input_is_400_with_every_error(void **state)
{
    (void)state;
    use_key("Bad input app");
    int64_t cases = db_count("SELECT COUNT(*) FROM feedback");
    char body[1024];
    snprintf(body, sizeof body, "api_key=%s", key1);
    response r = post311("json", body);
    assert_error_json(&r, 400, "service_code");
    response_free(&r);

    snprintf(body, sizeof body, "api_key=%s&service_code=o_ga", key1);
    r = post311("json", body);
    assert_error_json(&r, 404, "o_ga");
    response_free(&r);

    /* no place, no description: both said at once */
    snprintf(body, sizeof body, "api_key=%s&service_code=gop_y&jurisdiction_id=", key1);
    r = post311("json", body);
    assert_int_equal(r.status, 400);
    json_t *j = json_of(&r);
    assert_int_equal(json_array_size(j), 2);
    assert_contains(json_string_value(json_object_get(json_array_get(j, 0), "description")), "lat");
    assert_contains(json_string_value(json_object_get(json_array_get(j, 1), "description")), "description");
    json_decref(j);
    response_free(&r);

    const char *bad[] = {
        "&lat=21.5&description=x",                                 /* lat without long */
        "&lat=91&long=105&description=x",                          /* out of range */
        "&lat=21.5e1&long=105&description=x",                      /* not a plain degree */
        "&address_string=x&description=x&attribute%5Bnope%5D=1",    /* unknown attribute */
        "&address_string=x&description=x&attribute%5Bconsent_publish%5D=yes",
        "&address_string=x&description=x&attribute%5Bid_number%5D=123",
        "&address_string=x&description=x&media_url=javascript%3Aalert(1)",
        "&address_string=x&description=x&phone=123",               /* the feature's own check */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body, "api_key=%s&service_code=gop_y%s", key1, bad[i]);
        r = post311(i % 2 ? "xml" : "json", body);
        if (r.status != 400) fail_msg("%s answered %ld: %s", bad[i], r.status, r.body);
        if (i % 2) assert_error_xml(&r, 400, NULL);
        else assert_error_json(&r, 400, NULL);
        response_free(&r);
    }
    /* a description over the spec's 4,000 characters */
    char *long_body = malloc(9000);
    int n = snprintf(long_body, 9000, "api_key=%s&service_code=gop_y&address_string=x&description=", key1);
    memset(long_body + n, 'a', 4001);
    long_body[n + 4001] = '\0';
    r = post311("json", long_body);
    assert_error_json(&r, 400, "4.000");
    response_free(&r);
    free(long_body);
    assert_int_equal(db_count("SELECT COUNT(*) FROM feedback"), cases);   /* nothing half-saved */
}

static void anonymous_complaints_are_refused(void **state)
{
    (void)state;
    use_key("Anonymous app");
    int64_t cases = db_count("SELECT COUNT(*) FROM feedback");
    const char *services[] = {"khieu_nai", "to_cao"};
    for (int i = 0; i < 2; i++) {
        char body[1024];
        snprintf(body, sizeof body, "api_key=%s&service_code=%s&address_string=x&description=%s", key1, services[i],
                 enc("Cán bộ địa chính đòi tiền khi cấp giấy."));
        response r = post311("json", body);
        assert_error_json(&r, 400, "nặc danh");
        response_free(&r);
        /* a name without the sender's address is still refused */
        snprintf(body, sizeof body, "api_key=%s&service_code=%s&address_string=x&first_name=B&last_name=Tran&description=y",
                 key1, services[i]);
        r = post311("xml", body);
        assert_error_xml(&r, 400, "sender_address");
        response_free(&r);
    }
    /* an anonymous phản ánh is refused too (NĐ 20/2008 Art. 7), an anonymous góp ý is not */
    char body[512];
    snprintf(body, sizeof body, "api_key=%s&service_code=phan_anh&address_string=x&description=y", key1);
    response r = post311("json", body);
    assert_error_json(&r, 400, "họ tên");
    response_free(&r);
    assert_int_equal(db_count("SELECT COUNT(*) FROM feedback"), cases);
    int64_t praise = db_count("SELECT COUNT(*) FROM feedback WHERE anonymous = 1 AND kind = 'bieu_duong'");
    snprintf(body, sizeof body, "api_key=%s&service_code=bieu_duong&address_string=x&description=%s", key1,
             enc("Chị cán bộ một cửa rất tận tình."));
    r = post311("json", body);
    assert_status(r, 200);
    response_free(&r);
    assert_int_equal(db_count("SELECT COUNT(*) FROM feedback WHERE anonymous = 1 AND kind = 'bieu_duong'"), praise + 1);
}

static void complaint_shows_only_its_status(void **state)
{
    (void)state;
    use_key("Complaint app");
    char *code = file_case(key1, "khieu_nai", "&attribute%5Bconsent_publish%5D=1");
    assert_true(!strncmp(code, UNIT "-KN", 8));
    char path[128];
    snprintf(path, sizeof path, "/open311/v2/requests/%s.json", code);
    response r = get(path);
    assert_status(r, 200);
    json_t *j = json_of(&r);
    json_t *q = json_array_get(j, 0);
    assert_string_equal(json_string_value(json_object_get(q, "status")), "open");
    assert_true(json_is_null(json_object_get(q, "description")));
    assert_true(json_is_null(json_object_get(q, "address")));
    assert_true(json_is_null(json_object_get(q, "lat")));
    assert_non_null(json_string_value(json_object_get(q, "expected_datetime")));
    assert_lacks(r.body, "Đèn đường");
    assert_lacks(r.body, "Nguyễn");
    json_decref(j);
    response_free(&r);
    free(code);
}

/* ---- GET requests ------------------------------------------------------------------------ */

static void requests_list_and_its_filters(void **state)
{
    (void)state;
    use_key("List app");
    char *code = file_case(key1, "kien_nghi", NULL);
    response r = get("/open311/v2/requests.json");
    assert_error_json(&r, 400, "jurisdiction_id");
    response_free(&r);
    r = get("/open311/v2/requests.xml?jurisdiction_id=77777");
    assert_error_xml(&r, 404, "77777");
    response_free(&r);

    r = get("/open311/v2/requests.json?jurisdiction_id=" UNIT);
    assert_status(r, 200);
    assert_contains(r.body, code);
    json_t *j = json_of(&r);
    assert_true(json_array_size(j) >= 4);
    /* newest first */
    assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "service_request_id")), code);
    json_decref(j);
    response_free(&r);
    /* the province sees the communes below it */
    r = get("/open311/v2/requests.xml?jurisdiction_id=19&service_code=kien_nghi");
    assert_status(r, 200);
    assert_xml(&r, "service_requests");
    assert_contains(r.body, code);
    assert_lacks(r.body, "<service_code>gop_y</service_code>");
    response_free(&r);
    r = get("/open311/v2/requests.json?jurisdiction_id=" UNIT "&status=closed");
    assert_status(r, 200);
    assert_lacks(r.body, code);
    assert_lacks(r.body, "\"status\":\"open\"");
    response_free(&r);
    r = get("/open311/v2/requests.json?jurisdiction_id=" UNIT "&status=open,closed&service_code=gop_y,bieu_duong");
    assert_status(r, 200);
    assert_lacks(r.body, code);
    assert_contains(r.body, "\"service_code\":\"gop_y\"");
    response_free(&r);
    /* service_request_id overrides the rest */
    char path[256];
    snprintf(path, sizeof path, "/open311/v2/requests.json?jurisdiction_id=" UNIT "&status=closed&service_request_id=%s,nope", code);
    r = get(path);
    assert_status(r, 200);
    j = json_of(&r);
    assert_int_equal(json_array_size(j), 1);
    json_decref(j);
    response_free(&r);
    /* dates: W3C, at most 90 days apart; a range in the past holds nothing of today */
    r = get("/open311/v2/requests.json?jurisdiction_id=" UNIT "&start_date=2020-01-01T00:00:00Z&end_date=2020-03-01T00:00:00%2B07:00");
    assert_status(r, 200);
    assert_string_equal(r.body, "[]");
    response_free(&r);
    r = get("/open311/v2/requests.json?jurisdiction_id=" UNIT "&start_date=2020-01-01&end_date=2020-06-01");
    assert_error_json(&r, 400, "90");
    response_free(&r);
    r = get("/open311/v2/requests.json?jurisdiction_id=" UNIT "&start_date=01/12/2026&status=pending");
    assert_int_equal(r.status, 400);
    j = json_of(&r);
    assert_int_equal(json_array_size(j), 2);   /* both faults at once */
    json_decref(j);
    response_free(&r);
    r = get("/open311/v2/requests.json?jurisdiction_id=" UNIT "&service_code=o_ga");
    assert_error_json(&r, 404, "o_ga");
    response_free(&r);
    free(code);
}

static void overdue_case_says_so_in_status_notes(void **state)
{
    (void)state;
    use_key("Overdue app");
    char *code = file_case(key1, "phan_anh", NULL);
    char path[128];
    snprintf(path, sizeof path, "/open311/v2/requests/%s.json", code);
    response r = get(path);
    assert_lacks(r.body, "Quá hạn");
    response_free(&r);
    clock_advance(40 * 86400);   /* far past the 15 working days to answer (QĐ 766 portal clock) */
    r = get(path);
    assert_status(r, 200);
    json_t *j = json_of(&r);
    json_t *q = json_array_get(j, 0);
    const char *notes = json_string_value(json_object_get(q, "status_notes"));
    assert_contains(notes, "Quá hạn từ");
    assert_contains(notes, "Chưa có văn bản nêu lý do");
    json_decref(j);
    response_free(&r);
    clock_reset();
    free(code);
}

/* What officers do on the desk pages reaches the app: acceptance moves expected_datetime to
 * the resolution deadline, an extension's written grounds become the overdue reason, the
 * decision closes the request. */
static void officers_steps_reach_the_app(void **state)
{
    (void)state;
    use_key("Steps app");
    char *code = file_case(key1, "khieu_nai", NULL);
    int64_t id = sql_int("SELECT id FROM feedback WHERE code = '%s'", code);
    session s;
    sign_in("canbo1", &s);
    char path[128], sql[256];
    snprintf(path, sizeof path, "/phan-anh/%lld/accept", (long long)id);
    response r = post_form(&s, path, "");
    assert_status(r, 303);
    response_free(&r);

    char api[128];
    snprintf(api, sizeof api, "/open311/v2/requests/%s.json", code);
    r = get(api);
    json_t *j = json_of(&r);
    json_t *q = json_array_get(j, 0);
    snprintf(sql, sizeof sql,
             "SELECT strftime('%%Y-%%m-%%dT%%H:%%M:%%S+07:00', due_at + 25200, 'unixepoch') FROM feedback WHERE id = %lld",
             (long long)id);
    char *due = sql_text(sql);
    assert_true(*due);
    assert_string_equal(json_string_value(json_object_get(q, "expected_datetime")), due);
    free(due);
    json_decref(j);
    response_free(&r);

    snprintf(path, sizeof path, "/phan-anh/%lld/extend", (long long)id);
    /* from 1/7/2026 a complex complaint names its grounds (NĐ 155/2026 Art. 3a) */
    r = post_form(&s, path, "&note=V%E1%BB%A5+vi%E1%BB%87c+ph%E1%BB%A9c+t%E1%BA%A1p%2C+c%E1%BA%A7n+x%C3%A1c+minh+t%E1%BA%A1i+hai+n%C6%A1i.&ground=places");
    assert_status(r, 303);
    response_free(&r);
    clock_advance(70 * 86400);
    r = get(api);
    j = json_of(&r);
    q = json_array_get(j, 0);
    const char *notes = json_string_value(json_object_get(q, "status_notes"));
    assert_contains(notes, "Đã gia hạn 1 lần. Quá hạn từ");   /* one full stop between sentences */
    assert_contains(notes, "Lý do: Căn cứ vụ việc phức tạp: Phải xác minh tại hai địa điểm trở lên.");
    assert_contains(notes, "Vụ việc phức tạp, cần xác minh tại hai nơi.");
    json_decref(j);
    response_free(&r);

    /* the decision on a complaint is the chairman's */
    session leader;
    sign_in("lanhdao1", &leader);
    snprintf(path, sizeof path, "/phan-anh/%lld/resolve", (long long)id);
    r = post_form(&leader, path, "&note=Gi%E1%BB%AF+nguy%C3%AAn+quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh.");
    assert_status(r, 303);
    response_free(&r);
    r = get(api);
    j = json_of(&r);
    q = json_array_get(j, 0);
    assert_string_equal(json_string_value(json_object_get(q, "status")), "closed");
    assert_lacks(json_string_value(json_object_get(q, "status_notes")), "Quá hạn");
    json_decref(j);
    response_free(&r);
    clock_reset();
    free(code);
}

/* ---- tokens, limits, unknown addresses ----------------------------------------------- */

static void batch_service_answers_a_token(void **state)
{
    (void)state;
    use_key("Batch app");
    assert_int_equal(sql_int("UPDATE open311_services SET type = 'batch' WHERE code = 'gop_y'"), 0);
    response s = get("/open311/v2/services.json");
    assert_contains(s.body, "\"service_code\":\"gop_y\",\"service_name\":\"Góp ý\"");
    assert_contains(s.body, "\"type\":\"batch\"");
    response_free(&s);
    char body[512];
    snprintf(body, sizeof body, "api_key=%s&service_code=gop_y&address_string=x&description=%s", key1, enc("Ý kiến"));
    response r = post311("json", body);
    assert_status(r, 200);
    json_t *j = json_of(&r);
    json_t *o = json_array_get(j, 0);
    assert_null(json_object_get(o, "service_request_id"));
    const char *token = json_string_value(json_object_get(o, "token"));
    assert_non_null(token);
    char path[128];
    snprintf(path, sizeof path, "/open311/v2/tokens/%s.json", token);
    response t = get(path);
    assert_status(t, 200);
    json_t *tj = json_of(&t);
    char *code = sql_text("SELECT code FROM feedback ORDER BY id DESC LIMIT 1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(tj, 0), "service_request_id")), code);
    assert_string_equal(json_string_value(json_object_get(json_array_get(tj, 0), "token")), token);
    json_decref(tj);
    response_free(&t);
    snprintf(path, sizeof path, "/open311/v2/tokens/%s.xml", token);
    t = get(path);
    assert_xml(&t, "service_requests");
    char want[160];
    snprintf(want, sizeof want, "<request><service_request_id>%s</service_request_id><token>%s</token></request>", code, token);
    assert_contains(t.body, want);
    response_free(&t);
    free(code);
    json_decref(j);
    response_free(&r);
    t = get("/open311/v2/tokens/0123456789abcdef.json");
    assert_error_json(&t, 404, "0123456789abcdef");
    response_free(&t);
    assert_int_equal(sql_int("UPDATE open311_services SET type = 'realtime' WHERE code = 'gop_y'"), 0);
}

static void posts_are_limited_per_key(void **state)
{
    (void)state;
    char busy[64], calm[64];
    issue_key(UNIT, "Busy app", busy);
    issue_key(UNIT, "Calm app", calm);
    char body[512];
    for (int i = 0; i < 20; i++) {
        snprintf(body, sizeof body, "api_key=%s&service_code=gop_y&address_string=x&description=n%d", busy, i);
        response r = post311("json", body);
        if (r.status != 200) fail_msg("post %d answered %ld: %s", i, r.status, r.body);
        response_free(&r);
    }
    snprintf(body, sizeof body, "api_key=%s&service_code=gop_y&address_string=x&description=one+more", busy);
    response r = post311("json", body);
    assert_error_json(&r, 429, "20");
    assert_contains(r.headers, "Retry-After:");
    response_free(&r);
    snprintf(body, sizeof body, "api_key=%s&service_code=gop_y&address_string=x&description=calm", calm);
    r = post311("xml", body);
    assert_status(r, 200);
    response_free(&r);
}

static void unknown_addresses_answer_in_the_spec_shape(void **state)
{
    (void)state;
    response r = get("/open311/v2/nothing.json");
    assert_error_json(&r, 404, NULL);
    response_free(&r);
    r = request("POST", "/open311/v2/services.xml", "a=b", NULL, NULL);
    assert_error_xml(&r, 404, NULL);
    response_free(&r);
    r = get("/open311/v2/discovery.json");
    assert_status(r, 200);
    json_t *j = json_of(&r);
    json_t *ep = json_array_get(json_object_get(j, "endpoints"), 0);
    assert_string_equal(json_string_value(json_object_get(ep, "specification")), "http://wiki.open311.org/GeoReport_v2");
    assert_contains(json_string_value(json_object_get(ep, "url")), "/open311/v2");
    json_decref(j);
    response_free(&r);
    r = get("/open311/discovery.xml");
    assert_xml(&r, "discovery");
    assert_contains(r.body, "<formats><format>text/xml</format><format>application/json</format></formats>");
    response_free(&r);
}

static void xml_escapes_what_citizens_type(void **state)
{
    (void)state;
    use_key("Escape app");
    char *code = file_case(key1, "phan_anh", "&attribute%5Bconsent_publish%5D=1&attribute%5Bsubject%5D=a");
    /* an officer's reason with markup reaches status_notes escaped */
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE feedback SET content = '<b>&\"x\"</b> ''q''' WHERE code = '%s'", code);
    assert_int_equal(sql_int("%s", sql), 0);
    char path[128];
    snprintf(path, sizeof path, "/open311/v2/requests/%s.xml", code);
    response r = get(path);
    assert_status(r, 200);
    assert_xml(&r, "service_requests");
    assert_contains(r.body, "<description>&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt; &apos;q&apos;</description>");
    response_free(&r);
    free(code);
}

/* The server's own refusals, before any handler, keep the spec's shape under /open311/. */
static void server_refusals_keep_the_error_shape(void **state)
{
    (void)state;
    response r = request("PUT", "/open311/v2/requests.json", "a=b", NULL, NULL);
    assert_error_json(&r, 405, NULL);
    assert_contains(r.headers, "Allow: ");
    response_free(&r);
    r = get("/open311/v2/requests.xml?jurisdiction_id=%FF%FE");   /* not UTF-8 */
    assert_error_xml(&r, 400, "UTF-8");
    response_free(&r);
    /* a body over the server's limit (64 KiB in the tests) is refused before it is read */
    char *big = malloc(70000);
    memset(big, 'a', 69999);
    big[69999] = '\0';
    memcpy(big, "description=", 12);
    r = post311("json", big);
    assert_error_json(&r, 413, NULL);
    response_free(&r);
    free(big);
    /* the site's own pages keep theirs */
    r = get("/khong-co-trang-nay");
    assert_int_equal(r.status, 404);
    assert_contains(r.body, "<!DOCTYPE html>");
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(api_key_add_list_revoke),
        cmocka_unit_test(services_list_in_both_formats),
        cmocka_unit_test(service_definition_and_unknown_service),
        cmocka_unit_test(post_needs_a_valid_key),
        cmocka_unit_test(post_files_a_case_and_the_app_follows_it),
        cmocka_unit_test(post_answer_in_xml_names_the_code_and_the_secret),
        cmocka_unit_test(post_bad_input_is_400_with_every_error),
        cmocka_unit_test(anonymous_complaints_are_refused),
        cmocka_unit_test(complaint_shows_only_its_status),
        cmocka_unit_test(requests_list_and_its_filters),
        cmocka_unit_test(overdue_case_says_so_in_status_notes),
        cmocka_unit_test(officers_steps_reach_the_app),
        cmocka_unit_test(batch_service_answers_a_token),
        cmocka_unit_test(posts_are_limited_per_key),
        cmocka_unit_test(unknown_addresses_answer_in_the_spec_shape),
        cmocka_unit_test(xml_escapes_what_citizens_type),
        cmocka_unit_test(server_refusals_keep_the_error_shape),
    };
    int rc = cmocka_run_group_tests(tests, start_server, stop_server);
    curl_global_cleanup();
    return rc;
}
