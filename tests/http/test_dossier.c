/* test_dossier.c -- the one-stop dossier over HTTP: its life from intake to return, intake's
 * refusals, the one supplement request, a late dossier's apology, the citizen's tracking
 * against guessing, and the indicators and register book (src/dossier). */
#include "harness.h"

static void dossier_lifecycle(void **state)
{
    (void)state;
    session desk, spec;
    sign_in("canbo1", &desk);
    sign_in("lanhdao1", &spec);
    int64_t proc = procedure_id("dang+ky+nhan+cha");   /* 3 working days, fee set by the province */
    int64_t fee = sql_int("SELECT COALESCE(fee, 0) FROM procedures WHERE id = %lld", (long long)proc);
    intake_result d;
    assert_int_equal(intake(&desk, proc, NULL, &d), 201);
    /* the code is {agency}-{yymmdd}-{sequence of the day}; the secret 6 unambiguous characters */
    assert_non_null(strstr(d.code, "05443-"));
    assert_int_equal(strlen(d.secret), 6);
    assert_null(strpbrk(d.secret, "01OIL"));
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers WHERE code = '%s' AND applicant_phone = '0912345678' "
                             "AND status = 'received' AND due_at > received_at", d.code), 1);
    /* the citizen is told by SMS, with the code (the wording is the unit's template; an earlier
     * test has changed it) */
    assert_int_equal(sql_int("SELECT COUNT(*) FROM outbox WHERE dossier_id = %lld AND event = 'receipt' AND channel = 'sms' "
                             "AND recipient = '0912345678' AND body LIKE '%%%s%%'", (long long)d.id, d.code), 1);
    /* a board member does not work dossiers: no hand-over to them */
    char form[256];
    snprintf(form, sizeof form, "&to_user_id=%lld", (long long)sql_int("SELECT id FROM users WHERE username = 'bantt1'"));
    response bad;
    assert_int_equal(act(&desk, d.id, "chuyen", form, &bad), 400);
    assert_contains(bad.body, "Chọn một cán bộ khác");
    response_free(&bad);
    /* the desk finds it by the name typed without diacritics, by the phone as people write it */
    static const char *const finds[] = {"/ho-so?q=nguyen+thi+hong", "/ho-so?q=NGUY%E1%BB%84N", "/ho-so?q=0912.345.678"};
    for (size_t i = 0; i < 3; i++) {
        response f = request("GET", finds[i], NULL, desk.cookie, NULL);
        assert_status(f, 200);
        assert_contains(f.body, d.code);
        response_free(&f);
    }
    response none = request("GET", "/ho-so?q=%25", NULL, desk.cookie, NULL);
    assert_lacks(none.body, d.code);   /* a bare % is a character, not "everything" */
    response_free(&none);
    /* the desk hands it to the specialist, whose inbox lists it */
    int64_t spec_id = sql_int("SELECT id FROM users WHERE username = 'lanhdao1'");
    snprintf(form, sizeof form, "&to_user_id=%lld&note=Th%%E1%%BA%%A9m+%%C4%%91%%E1%%BB%%8Bnh", (long long)spec_id);
    assert_int_equal(act(&desk, d.id, "chuyen", form, NULL), 200);
    response r = request("GET", "/ho-so/cho-xu-ly", NULL, spec.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, d.code);
    response_free(&r);
    /* returning before there is a result is refused, nothing changes */
    response out;
    assert_int_equal(act(&desk, d.id, "tra-ket-qua", "", &out), 409);
    assert_contains(out.body, "Chỉ trả được hồ sơ đã có kết quả");
    response_free(&out);
    assert_string_equal(status_of(&desk, d.id), "in_progress");
    assert_int_equal(act(&spec, d.id, "hoan-thanh", "&note=QĐ+s%E1%BB%91+12", NULL), 200);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM outbox WHERE dossier_id = %lld AND event = 'result_ready'", (long long)d.id), 1);
    /* a fee other than the catalogue's needs a reason */
    snprintf(form, sizeof form, "&return_method=desk&fee_paid=%lld&visits=2", (long long)fee + 5000);
    assert_int_equal(act(&desk, d.id, "tra-ket-qua", form, &out), 400);
    assert_contains(out.body, "phải ghi rõ lý do");
    response_free(&out);
    assert_string_equal(status_of(&desk, d.id), "done");
    snprintf(form, sizeof form, "&return_method=post&postal_tracking=EB123456789VN&fee_paid=%lld&visits=1", (long long)fee);
    assert_int_equal(act(&desk, d.id, "tra-ket-qua", form, NULL), 200);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers WHERE id = %lld AND status = 'returned' AND "
                             "postal_tracking = 'EB123456789VN' AND visits = 1 AND fee_paid = %lld", (long long)d.id,
                             (long long)fee), 1);
    /* the control sheet: receive, handover, done, return; the hand-over step is closed */
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossier_steps WHERE dossier_id = %lld", (long long)d.id), 4);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossier_steps WHERE dossier_id = %lld AND kind = 'handover' AND "
                             "done_at IS NOT NULL AND to_user_id = %lld", (long long)d.id, (long long)spec_id), 1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM audit_log WHERE entity = 'dossier' AND entity_id = %lld", (long long)d.id), 4);
    /* the citizen tracks it with the code and secret: status and timeline, no personal data */
    char path[256];
    snprintf(path, sizeof path, "/tra-cuu?ma=%s&bm=%s", d.code, d.secret);
    r = get(path);
    assert_status(r, 200);
    assert_contains(r.body, "Đã trả kết quả");
    assert_contains(r.body, "Chuyển xử lý");
    assert_lacks(r.body, "Nhung");
    assert_lacks(r.body, "0912345678");
    assert_lacks(r.body, "019190012345");
    response_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%s?secret=%s", d.code, d.secret);
    r = get(path);
    assert_status(r, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "returned");
    assert_int_equal(json_array_size(json_object_get(j, "steps")), 4);
    assert_null(json_object_get(j, "applicant_name"));
    json_decref(j);
    assert_lacks(r.body, "Nhung");
    response_free(&r);
}

static void intake_refuses_bad_input(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t proc = procedure_id("khai+tu"), before = sql_int("SELECT COUNT(*) FROM dossiers");
    static const struct {
        const char *extra, *message;
    } cases[] = {
        {"&applicant_phone=12345", "Số điện thoại không hợp lệ"},
        {"&applicant_phone=0112345678", "Số điện thoại không hợp lệ"},
        {"&applicant_id_number=01919001234", "đúng 12 chữ số"},
        {"&applicant_id_number=999190012345", "mã tỉnh"},
        {"&applicant_email=nhung%40", "thư điện tử không hợp lệ"},
        {"&channel=fax", "hình thức nộp"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[1024];
        /* a later field of the same name wins in our form reader? No: build the form without the default */
        snprintf(body, sizeof body, "_csrf=%s&procedure_id=%lld&applicant_name=Tr%%E1%%BA%%A7n+V%%C4%%83n+B&"
                 "applicant_address=X%%C3%%B3m+1&channel=desk%s", desk.csrf, (long long)proc, cases[i].extra);
        if (strstr(cases[i].extra, "channel=")) snprintf(body, sizeof body, "_csrf=%s&procedure_id=%lld&applicant_name=B&"
                 "applicant_address=X%s", desk.csrf, (long long)proc, cases[i].extra);
        response r = request("POST", "/ho-so", body, desk.cookie, NULL);
        assert_status(r, 400);
        assert_contains(r.body, cases[i].message);
        response_free(&r);
    }
    /* a forged token is refused before anything is read */
    response r = request("POST", "/ho-so", "_csrf=x", desk.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    char body[256];
    /* no name; the papers the officer left unticked stay unticked on the form sent back */
    snprintf(body, sizeof body, "_csrf=%s&procedure_id=%lld&applicant_name=&applicant_phone=0912345678&channel=desk"
             "&paper_count=2&paper_1=1&sets=3", desk.csrf, (long long)proc);
    r = request("POST", "/ho-so", body, desk.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Nhập họ và tên người nộp");
    assert_contains(r.body, "id=\"paper_0\" name=\"paper_0\" type=\"checkbox\" value=\"1\" >");
    assert_contains(r.body, "id=\"paper_1\" name=\"paper_1\" type=\"checkbox\" value=\"1\" checked>");
    assert_contains(r.body, "name=\"sets\" value=\"3\"");
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&procedure_id=999999&applicant_name=A&applicant_phone=0912345678&channel=desk", desk.csrf);
    r = request("POST", "/ho-so", body, desk.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Chọn một thủ tục có trong danh mục");
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers"), before);
    /* the intake page itself: the search narrows the list, a chosen procedure shows its papers */
    r = request("GET", "/tiep-nhan?q=KHAI+TU", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Thủ tục đăng ký khai tử");
    assert_lacks(r.body, "Thủ tục đăng ký kết hôn<");
    response_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/tiep-nhan?thu_tuc=%lld", (long long)proc);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_contains(r.body, "Thành phần hồ sơ đã nhận");
    assert_contains(r.body, "paper_0");
    assert_contains(r.body, "Hẹn trả kết quả nếu tiếp nhận bây giờ");
    response_free(&r);
    /* a provincial assessor does not work a commune's desk */
    session board;
    sign_in("thamdinh", &board);
    r = request("GET", "/tiep-nhan", NULL, board.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
}

static void supplement_once_and_refusal(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t proc = procedure_id("giam+ho");
    intake_result d;
    assert_int_equal(intake(&desk, proc, NULL, &d), 201);
    response out;
    assert_int_equal(act(&desk, d.id, "bo-sung", "&papers=&reason=Thi%E1%BA%BFu", &out), 400);
    assert_contains(out.body, "Liệt kê các giấy tờ cần bổ sung");
    response_free(&out);
    assert_int_equal(act(&desk, d.id, "bo-sung", "&papers=Gi%E1%BA%A5y+ch%E1%BB%A9ng+sinh%0AT%E1%BB%9D+khai&reason=Thi%E1%BA%BFu+gi%E1%BA%A5y+t%E1%BB%9D", NULL), 200);
    assert_string_equal(status_of(&desk, d.id), "supplement");
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossier_notices WHERE dossier_id = %lld AND kind = 'supplement' AND "
                             "papers LIKE '%%Tờ khai%%'", (long long)d.id), 1);
    /* the clock stopped; when the papers come, a week later, it restarts in full from then */
    sqlite3_int64 due0 = sql_int("SELECT due_at FROM dossiers WHERE id = %lld", (long long)d.id);
    clock_advance(7 * 86400);
    sign_in("canbo1", &desk);   /* a new day, a new session */
    assert_int_equal(act(&desk, d.id, "tiep-tuc", "", NULL), 200);
    assert_string_equal(status_of(&desk, d.id), "in_progress");
    assert_true(sql_int("SELECT due_at FROM dossiers WHERE id = %lld", (long long)d.id) > due0 + 5 * 86400);
    assert_true(sql_int("SELECT due_at FROM dossiers WHERE id = %lld", (long long)d.id) > server_now());
    /* a supplement may be asked once */
    assert_int_equal(act(&desk, d.id, "bo-sung", "&papers=X&reason=Y", &out), 409);
    assert_contains(out.body, "một lần");
    response_free(&out);
    /* refusal needs a reason; afterwards the dossier is closed to every action */
    assert_int_equal(act(&desk, d.id, "tu-choi", "&reason=", NULL), 400);
    assert_int_equal(act(&desk, d.id, "tu-choi", "&reason=Kh%C3%B4ng+thu%E1%BB%99c+th%E1%BA%A9m+quy%E1%BB%81n", NULL), 200);
    assert_string_equal(status_of(&desk, d.id), "refused");
    assert_int_equal(act(&desk, d.id, "hoan-thanh", "", &out), 409);
    assert_contains(out.body, "không ở trạng thái đang giải quyết");
    response_free(&out);
    assert_int_equal(act(&desk, d.id, "xin-loi", "&reason=a&new_due_date=2030-01-02", NULL), 409);
    assert_int_equal(act(&desk, d.id, "no-such", "", NULL), 404);
    /* withdrawal of another */
    assert_int_equal(intake(&desk, proc, NULL, &d), 201);
    assert_int_equal(act(&desk, d.id, "rut", "&reason=Ng%C6%B0%E1%BB%9Di+n%E1%BB%99p+xin+r%C3%BAt", NULL), 200);
    assert_string_equal(status_of(&desk, d.id), "withdrawn");
    clock_reset();
}

static void late_dossier_needs_an_apology(void **state)
{
    (void)state;
    session desk, other;
    sign_in("canbo1", &desk);
    sign_in("canbo2", &other);
    int64_t proc = procedure_id("dang+ky+nhan+cha");
    intake_result d;
    assert_int_equal(intake(&desk, proc, NULL, &d), 201);
    /* not yet late: no apology */
    response out;
    assert_int_equal(act(&desk, d.id, "xin-loi", "&reason=Ch%E1%BA%ADm&new_due_date=2099-01-05", &out), 409);
    assert_contains(out.body, "chưa đến hạn");
    response_free(&out);
    /* time passes: the promised day was yesterday */
    clock_advance(sql_int("SELECT due_at FROM dossiers WHERE id = %lld", (long long)d.id) + 86400 - server_now());
    sign_in("canbo1", &desk);
    sign_in("canbo2", &other);
    response r = request("GET", "/ho-so/tre-han", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, d.code);
    assert_contains(r.body, "Quá hạn");
    response_free(&r);
    /* another commune's officer can neither see nor apologise for it */
    char path[64];
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)d.id);
    r = request("GET", path, NULL, other.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    assert_int_equal(act(&other, d.id, "xin-loi", "&reason=x&new_due_date=2099-01-05", NULL), 403);
    /* the new date must be a real later working day, and a reason is required */
    assert_int_equal(act(&desk, d.id, "xin-loi", "&reason=&new_due_date=2099-01-05", NULL), 400);
    assert_int_equal(act(&desk, d.id, "xin-loi", "&reason=Ch%E1%BA%ADm&new_due_date=2020-01-06", &out), 400);
    assert_contains(out.body, "sau ngày hẹn cũ");
    response_free(&out);
    assert_int_equal(act(&desk, d.id, "xin-loi", "&reason=Ch%E1%BA%ADm&new_due_date=2099-01-04", &out), 400);   /* a Sunday */
    assert_contains(out.body, "ngày làm việc");
    response_free(&out);
    char latest[11], form[128];   /* within the procedure's own time limit again */
    apology_latest(&desk, d.id, latest);
    snprintf(form, sizeof form, "&reason=Ch%%E1%%BB%%9D+x%%C3%%A1c+minh&new_due_date=%s", latest);
    assert_int_equal(act(&desk, d.id, "xin-loi", form, NULL), 200);
    assert_int_equal(sql_int("SELECT apology_count FROM dossiers WHERE id = %lld", (long long)d.id), 1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM outbox WHERE dossier_id = %lld AND event = 'apology' AND "
                             "body LIKE '%%%s%%'", (long long)d.id, latest), 1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossier_notices WHERE dossier_id = %lld AND kind = 'apology' AND "
                             "new_due_at > old_due_at", (long long)d.id), 1);
    /* no longer late, and the original promise is kept for the record */
    r = request("GET", "/ho-so/tre-han", NULL, desk.cookie, NULL);
    assert_lacks(r.body, d.code);
    response_free(&r);
    assert_true(sql_int("SELECT original_due_at < due_at FROM dossiers WHERE id = %lld", (long long)d.id) == 1);
    clock_reset();
}

static void indicators_page_and_workbook(void **state)
{
    (void)state;
    response r = get("/chi-so");
    assert_status(r, 303);
    response_free(&r);
    session desk, admin, board;
    sign_in("canbo1", &desk);
    r = request("GET", "/chi-so", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Chỉ số giải quyết hồ sơ");
    assert_contains(r.body, "Phường Phan Đình Phùng");
    assert_contains(r.body, "Theo cán bộ giải quyết");
    response_free(&r);
    /* the figures are the database's: every dossier the ward received in 2025, graded */
    r = request("GET", "/chi-so?tu=2025-01-01&den=2025-12-31", NULL, desk.cookie, "Accept: application/json");
    assert_status(r, 200);
    json_t *j = json_loads(r.body, 0, NULL), *t = json_object_get(json_object_get(j, "r"), "total");
    int64_t received = sql_int("SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.code = '05443' "
                               "AND d.received_at >= CAST(strftime('%%s', '2024-12-31T17:00:00') AS INTEGER) "
                               "AND d.received_at < CAST(strftime('%%s', '2025-12-31T17:00:00') AS INTEGER)");
    assert_true(received > 1000);
    assert_int_equal(json_integer_value(json_object_get(t, "received")), received);
    int64_t graded = json_integer_value(json_object_get(t, "graded"));
    assert_int_equal(graded, json_integer_value(json_object_get(t, "early")) + json_integer_value(json_object_get(t, "on_time")) +
                                 json_integer_value(json_object_get(t, "late")) + json_integer_value(json_object_get(t, "open_late")));
    double timely = json_real_value(json_object_get(t, "timely_rate"));
    assert_true(timely > 80 && timely < 95);
    assert_true(json_array_size(json_object_get(json_object_get(j, "r"), "by_month")) == 12);
    json_decref(j);
    response_free(&r);
    r = request("GET", "/chi-so?tu=2025-02-30x", NULL, desk.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Ngày bắt đầu kỳ báo cáo không hợp lệ");
    response_free(&r);
    /* the workbook */
    r = request("GET", "/chi-so.xlsx?tu=2025-01-01&den=2025-12-31", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.headers, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_contains(r.headers, "chi-so-05443-2025-01-01-2025-12-31.xlsx");
    assert_true(r.len > 2000 && !memcmp(r.body, "PK", 2));
    response_free(&r);
    /* the register book of the period (laid out by the forms feature) */
    r = request("GET", "/so-theo-doi.xlsx?tu=2025-01-01&den=2025-03-31", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.headers, "spreadsheetml.sheet");
    assert_contains(r.headers, "so-theo-doi-ho-so-05443-2025-01-01-2025-03-31.xlsx");
    response_free(&r);
    /* another commune's figures: not for this officer; unknown units are not found */
    r = request("GET", "/chi-so?don_vi=05602", NULL, desk.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    r = request("GET", "/so-theo-doi.xlsx?don_vi=05602", NULL, desk.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    r = request("GET", "/chi-so?don_vi=KHONG-CO", NULL, desk.cookie, NULL);
    assert_status(r, 404);
    response_free(&r);
    /* the administrator chooses any unit below the province; an assessor has no such page */
    sign_in("admin", &admin);
    r = request("GET", "/chi-so?don_vi=05602", NULL, admin.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Xã Phú Đình");
    assert_contains(r.body, "<select");
    response_free(&r);
    /* a provincial assessor reads them too (issue 13): the province's own sum its units' */
    sign_in("thamdinh", &board);
    r = request("GET", "/chi-so", NULL, board.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Tỉnh Thái Nguyên");
    response_free(&r);
}

/* Must run after every other tracking lookup: it uses up this address's allowance. */
static void tracking_refuses_guessing(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result d;
    new_dossier(&desk, "khai+sinh", &d);
    char path[256], lower[64];
    /* the code typed in lower case is the same code, not a wrong guess */
    for (size_t i = 0; i <= strlen(d.code); i++) lower[i] = (char)(d.code[i] >= 'A' && d.code[i] <= 'Z' ? d.code[i] + 32 : d.code[i]);
    snprintf(path, sizeof path, "/api/v1/dossiers/%s?secret=%s", lower, d.secret);
    response ok = get(path);
    assert_status(ok, 200);
    response_free(&ok);
    for (int i = 0; i < 10; i++) {
        snprintf(path, sizeof path, "/api/v1/dossiers/%s?secret=ZZZZ%02d", d.code, i);
        response r = get(path);
        assert_status(r, 404);
        response_free(&r);
    }
    /* now even the right secret waits */
    snprintf(path, sizeof path, "/api/v1/dossiers/%s?secret=%s", d.code, d.secret);
    response r = get(path);
    assert_status(r, 429);
    assert_contains(r.headers, "Retry-After");
    response_free(&r);
    snprintf(path, sizeof path, "/tra-cuu?ma=%s&bm=%s", d.code, d.secret);
    r = get(path);
    assert_status(r, 429);
    assert_contains(r.body, "sai nhiều lần");
    response_free(&r);
    /* a made-up X-Forwarded-For does not buy a fresh allowance (no --trust-proxy here) */
    r = request("GET", path, NULL, NULL, "X-Forwarded-For: 203.0.113.9");
    assert_status(r, 429);
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dossier_lifecycle),
        cmocka_unit_test(intake_refuses_bad_input),
        cmocka_unit_test(supplement_once_and_refusal),
        cmocka_unit_test(late_dossier_needs_an_apology),
        cmocka_unit_test(tracking_refuses_guessing),
        cmocka_unit_test(indicators_page_and_workbook),
    };
    int failed = cmocka_run_group_tests_name("dossier", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
