/* test_forms.c -- the one-stop forms as a desk prints them from a real server: every form as
 * a PDF, the apology headed and signed like the unit's letters, the control sheet naming
 * bodies (not people) and its dossier on every page, long notes printed whole, and the desk's
 * own telephone, a unit setting the administrator edits, on the supplement request. Text read
 * with pdftotext (src/dossier/forms.c). */
#include "harness.h"

static void forms_print_as_pdf(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result d;
    new_dossier(&desk, "khai+sinh", &d);
    char path[128], pdf[320], txt[320];
    snprintf(path, sizeof path, "/ho-so/%lld/giay-hen.pdf", (long long)d.id);
    response r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.headers, "application/pdf");
    snprintf(pdf, sizeof pdf, "%s/slip.pdf", dir);
    snprintf(txt, sizeof txt, "%s/slip.txt", dir);
    FILE *f = fopen(pdf, "wb");
    fwrite(r.body, 1, r.len, f);
    fclose(f);
    response_free(&r);
    char *argv[] = {"/usr/bin/pdftotext", "-layout", pdf, txt, NULL};
    assert_int_equal(run(NULL, argv, NULL), 0);
    char *text = slurp(txt);
    assert_contains(text, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    assert_contains(text, d.code);
    assert_contains(text, d.secret);
    assert_contains(text, "Nguyễn Thị Hồng Nhung");
    free(text);
    /* a form the dossier does not have yet is a 404 with a message; unknown forms too */
    snprintf(path, sizeof path, "/ho-so/%lld/phieu-xin-loi.pdf", (long long)d.id);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 404);
    assert_contains(r.body, "chưa có phiếu");
    response_free(&r);
    snprintf(path, sizeof path, "/ho-so/%lld/khac.pdf", (long long)d.id);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 404);
    response_free(&r);
    /* anonymous visitors get no form */
    snprintf(path, sizeof path, "/ho-so/%lld/giay-hen.pdf", (long long)d.id);
    r = get(path);
    assert_status(r, 303);
    response_free(&r);
}

/* Runs of white space (justified or wrapped lines) become one space, malloc'd. */
static char *squash(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    int space = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\f') {
            space = 1;
            continue;
        }
        if (space && o != out) *o++ = ' ';
        space = 0;
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

/* pdftotext -raw: text in drawing order, so a wrapped table cell reads as one (malloc'd). */
static char *pdf_raw(const response *r, const char *name)
{
    char pdf[320], txt[320];
    snprintf(pdf, sizeof pdf, "%s/%s.pdf", dir, name);
    snprintf(txt, sizeof txt, "%s/%s.txt", dir, name);
    FILE *f = fopen(pdf, "wb");
    fwrite(r->body, 1, r->len, f);
    fclose(f);
    char *argv[] = {"/usr/bin/pdftotext", "-raw", pdf, txt, NULL};
    assert_int_equal(run(NULL, argv, NULL), 0);
    if (getenv("TT_KEEP_FORMS")) {
        char cmd[700];
        snprintf(cmd, sizeof cmd, "cp '%s' /tmp/forms-%s.pdf", pdf, name);
        if (system(cmd) != 0) fprintf(stderr, "could not keep %s\n", pdf);
    }
    return slurp(txt);
}

static response form_pdf(session *s, int64_t id, const char *form)
{
    char path[128];
    snprintf(path, sizeof path, "/ho-so/%lld/%s.pdf", (long long)id, form);
    response r = request("GET", path, NULL, s->cookie, NULL);
    assert_status(r, 200);
    assert_non_null(strstr(r.headers, "application/pdf"));
    return r;
}

/* The apology is issued by the resolving commune: "ỦY BAN NHÂN DÂN / PHƯỜNG …" without the
 * province above it, signed "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", and the procedure reads in the
 * sentence as "thủ tục đăng ký nhận cha, mẹ, con", not "thủ tục: Thủ tục …". */
static void apology_is_headed_and_signed_like_a_letter(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result d;
    new_dossier(&desk, "dang+ky+nhan+cha", &d);
    travel_past_due(d.id, 86400);
    sign_in("canbo1", &desk);
    char latest[11], form[128];   /* a new date the apology may promise: within the procedure's time again */
    apology_latest(&desk, d.id, latest);
    snprintf(form, sizeof form, "&reason=Ch%%E1%%BB%%9D+x%%C3%%A1c+minh&new_due_date=%s", latest);
    assert_int_equal(act(&desk, d.id, "xin-loi", form, NULL), 200);
    clock_reset();
    sign_in("canbo1", &desk);
    response r = form_pdf(&desk, d.id, "phieu-xin-loi");
    char *t = pdf_raw(&r, "apology");
    char *sq = squash(t);
    assert_contains(t, "ỦY BAN NHÂN DÂN");
    assert_contains(t, "PHƯỜNG PHAN ĐÌNH PHÙNG");
    assert_lacks(t, "UBND TỈNH THÁI NGUYÊN");
    assert_contains(t, "TM. ỦY BAN NHÂN DÂN");
    assert_contains(t, "CHỦ TỊCH");
    assert_lacks(t, "CHỦ TỊCH UBND PHƯỜNG");
    assert_contains(sq, "đề nghị giải quyết thủ tục đăng ký nhận cha, mẹ, con.");
    assert_lacks(sq, "thủ tục: Thủ tục");
    assert_contains(sq, "Tuy nhiên đến nay, Ủy ban nhân dân phường Phan Đình Phùng chưa trả kết quả");
    assert_contains(t, "Phan Đình Phùng, ngày");
    /* received in 2026: the 2025 set's title and number (TT 03/2025/TT-VPCP) */
    assert_contains(sq, "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT");
    assert_contains(sq, "Mẫu số 04 (Thông tư 03/2025/TT-VPCP)");
    free(sq);
    free(t);
    response_free(&r);
    /* the dossier's page names the paper as printed, not by the 2018 title */
    char page[64];
    snprintf(page, sizeof page, "/ho-so/%lld", (long long)d.id);
    r = request("GET", page, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết số");
    assert_lacks(r.body, "Phiếu xin lỗi");
    response_free(&r);
    /* the same dossier, had it been received on 12/9/2025, prints the 2018 form */
    sql_int("UPDATE dossiers SET received_at = 1757646000 WHERE id = %lld", (long long)d.id);
    r = form_pdf(&desk, d.id, "phieu-xin-loi");
    t = pdf_raw(&r, "apology-2018");
    sq = squash(t);
    assert_contains(sq, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
    assert_contains(sq, "Mẫu số 04 (Thông tư 01/2018/TT-VPCP)");
    assert_lacks(sq, "VĂN BẢN XIN LỖI");
    free(sq);
    free(t);
    response_free(&r);
    r = request("GET", page, NULL, desk.cookie, NULL);
    assert_contains(r.body, "Phiếu xin lỗi và hẹn lại ngày trả kết quả số");
    response_free(&r);
}

/* Seven hand-overs run the control sheet onto a second page: that page names the dossier;
 * TÊN CƠ QUAN holds the bodies (the desk, the specialists), the people are under Người giao /
 * Người nhận. */
static void control_sheet_names_bodies_and_the_dossier_on_every_page(void **state)
{
    (void)state;
    session desk, spec;
    sign_in("canbo1", &desk);
    sign_in("chuyenvien1", &spec);
    intake_result d;
    new_dossier(&desk, "dang+ky+nhan+cha", &d);
    char to_spec[64], to_desk[64];
    snprintf(to_spec, sizeof to_spec, "&to_user_id=%lld", (long long)user_id("chuyenvien1"));
    snprintf(to_desk, sizeof to_desk, "&to_user_id=%lld", (long long)user_id("canbo1"));
    for (int i = 0; i < 7; i++)
        assert_int_equal(act(i % 2 ? &spec : &desk, d.id, "chuyen", i % 2 ? to_desk : to_spec, NULL), 200);
    response r = form_pdf(&desk, d.id, "phieu-kiem-soat");
    char *t = pdf_raw(&r, "control");
    assert_true(pages(t) >= 2);
    /* the second page on its own */
    const char *p2 = strchr(t, '\f');
    assert_non_null(p2);
    char want[96];
    snprintf(want, sizeof want, "Mã hồ sơ: %s", d.code);
    assert_contains(p2, want);
    char *sq = squash(t);
    assert_contains(sq, "2. Giao: Trung tâm Phục vụ hành chính công Nhận: Công chức chuyên môn, UBND Phường Phan Đình Phùng");
    assert_contains(sq, "3. Giao: Công chức chuyên môn, UBND Phường Phan Đình Phùng Nhận: Trung tâm Phục vụ hành chính công");
    assert_lacks(sq, "Giao: Nguyễn");
    assert_lacks(sq, "Nhận: Nguyễn");
    /* the people still sign by name */
    char *name = NULL;
    {
        sqlite3 *h;
        sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL);
        sqlite3_stmt *st;
        sqlite3_prepare_v2(h, "SELECT full_name FROM users WHERE username = 'chuyenvien1'", -1, &st, NULL);
        if (sqlite3_step(st) == SQLITE_ROW) name = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(h);
    }
    assert_non_null(name);
    assert_contains(sq, name);
    free(name);
    free(sq);
    free(t);
    response_free(&r);
}

/* A note of 700 characters (a long hand-over note) is printed whole on the control sheet. */
static void control_sheet_prints_a_long_note_whole(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result d;
    new_dossier(&desk, "dang+ky+nhan+cha", &d);
    char note[1200] = "";
    for (int i = 1; strlen(note) < 700; i++) {
        char w[40];
        snprintf(w, sizeof w, "%sxác minh %02d", i > 1 ? "; " : "", i);
        strcat(note, w);
    }
    strcat(note, "; HẾT GHI CHÚ.");
    /* (act()'s body is too short for it) */
    char body[4096], path[64];
    snprintf(body, sizeof body, "_csrf=%s&to_user_id=%lld&note=%s", desk.csrf, (long long)user_id("chuyenvien1"), enc(note));
    snprintf(path, sizeof path, "/ho-so/%lld/chuyen", (long long)d.id);
    response h = request("POST", path, body, desk.cookie, "Accept: application/json");
    assert_status(h, 200);
    response_free(&h);
    response r = form_pdf(&desk, d.id, "phieu-kiem-soat");
    char *t = pdf_raw(&r, "control-long");
    char *sq = squash(t);
    /* whole: every item in order (the page break may fall inside it) and its end */
    const char *at = sq;
    for (int i = 1; i <= 51; i++) {
        char item[32];
        snprintf(item, sizeof item, " %02d;", i);   /* a page break may fall anywhere between words */
        const char *p = strstr(at, item);
        if (!p) fail_msg("note item %d missing after:\n%.300s", i, at);
        at = p;
    }
    assert_contains(at, "HẾT GHI CHÚ.");
    free(sq);
    free(t);
    response_free(&r);
}

/* The desk's telephone is a unit setting: an administrator sets it (a bad number is refused
 * with a message and nothing saved), and the supplement request prints it. */
static void desk_phone_is_set_and_printed(void **state)
{
    (void)state;
    session admin, desk;
    sign_in("admin", &admin);
    sign_in("canbo1", &desk);
    response page = request("GET", "/quan-tri/don-vi/05443", NULL, admin.cookie, NULL);
    assert_status(page, 200);
    assert_contains(page.body, "name=\"desk_phone\"");
    response_free(&page);
    char body[1024];
    snprintf(body, sizeof body, "_csrf=%s&name=%s&desk_name=%s&desk_phone=abc", admin.csrf, enc("Phường Phan Đình Phùng"),
             enc("Trung tâm Phục vụ hành chính công"));
    response r = request("POST", "/quan-tri/don-vi/05443", body, admin.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Số điện thoại của bộ phận tiếp nhận");
    response_free(&r);
    assert_int_equal(sql_int("SELECT desk_phone = '0208 3000 101' FROM units WHERE code = '05443'"), 1);
    snprintf(body, sizeof body, "_csrf=%s&name=%s&desk_name=%s&desk_phone=%s", admin.csrf, enc("Phường Phan Đình Phùng"),
             enc("Trung tâm Phục vụ hành chính công"), enc("0208 3855 246"));
    r = request("POST", "/quan-tri/don-vi/05443", body, admin.cookie, NULL);
    assert_true(r.status == 303 || r.status == 200);
    response_free(&r);
    assert_int_equal(sql_int("SELECT desk_phone = '0208 3855 246' FROM units WHERE code = '05443'"), 1);

    intake_result d;
    new_dossier(&desk, "dang+ky+nhan+cha", &d);
    assert_int_equal(act(&desk, d.id, "bo-sung", "&papers=T%E1%BB%9D+khai&reason=Thi%E1%BA%BFu+t%E1%BB%9D+khai", NULL), 200);
    response p = form_pdf(&desk, d.id, "phieu-bo-sung");
    char *t = pdf_text(&p, "supplement");
    char *sq = squash(t);
    assert_contains(sq, "số điện thoại 0208 3855 246 để được hướng dẫn");
    free(sq);
    free(t);
    response_free(&p);
}

/* The dossier page offers the apology only to a dossier that is late or due within a working
 * day (the apology goes out at the latest the day before the due date). */
static void apology_is_offered_only_when_due(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result d;
    new_dossier(&desk, "dang+ky+nhan+cha", &d);
    char path[64];
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)d.id);
    response r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_lacks(r.body, "/xin-loi\"");   /* three working days left: no apology form */
    response_free(&r);
    r = request("GET", path, NULL, desk.cookie, "Accept: application/json");
    assert_contains(r.body, "\"can_apologize\":false");
    response_free(&r);
    travel_past_due(d.id, 3600);
    sign_in("canbo1", &desk);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_contains(r.body, "/xin-loi\"");
    response_free(&r);
    clock_reset();
}

static int64_t late_apologies(session *s)
{
    response r = request("GET", "/chi-so", NULL, s->cookie, "Accept: application/json");
    assert_status(r, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    json_t *n = json_object_get(json_object_get(json_object_get(j, "r"), "total"), "apologies_late");
    if (!n) n = json_object_get(json_object_get(j, "total"), "apologies_late");
    if (!json_is_integer(n)) fail_msg("no apologies_late in:\n%.1500s", r.body);
    int64_t v = json_integer_value(n);
    json_decref(j);
    response_free(&r);
    return v;
}

/* An apology made after the due date (the law wants it a day before) is counted apart in the
 * indicators, on the page and in the workbook. */
static void late_apologies_are_counted_apart(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result d;
    new_dossier(&desk, "dang+ky+nhan+cha", &d);
    travel_past_due(d.id, 7200);
    sign_in("canbo1", &desk);
    int64_t before = late_apologies(&desk);   /* this year's, counted on the day of the apology */
    char latest[11], form[128];   /* a new date the apology may promise: within the procedure's time again */
    apology_latest(&desk, d.id, latest);
    snprintf(form, sizeof form, "&reason=Ch%%E1%%BB%%9D+x%%C3%%A1c+minh&new_due_date=%s", latest);
    assert_int_equal(act(&desk, d.id, "xin-loi", form, NULL), 200);
    assert_int_equal(late_apologies(&desk), before + 1);
    response r = request("GET", "/chi-so", NULL, desk.cookie, NULL);
    assert_contains(r.body, "lập sau ngày hẹn");
    response_free(&r);
    r = request("GET", "/chi-so.xlsx", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    char path[320], out[320];
    snprintf(path, sizeof path, "%s/ind.xlsx", dir);
    snprintf(out, sizeof out, "%s/ind.txt", dir);
    FILE *f = fopen(path, "wb");
    fwrite(r.body, 1, r.len, f);
    fclose(f);
    response_free(&r);
    char *argv[] = {"/usr/bin/unzip", "-p", path, "xl/sharedStrings.xml", NULL};
    assert_int_equal(run(out, argv, NULL), 0);
    char *xml = slurp(out);
    assert_contains(xml, "Trong đó lập sau ngày hẹn");
    free(xml);
    clock_reset();
}

/* A withdrawal issues the stop notice (TT 03/2025/TT-VPCP, Mẫu 05), a PDF linked from the
 * dossier page like the other notices. */
static void withdrawal_issues_the_stop_notice(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result d;
    new_dossier(&desk, "dang+ky+nhan+cha", &d);
    char path[96];
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)d.id);
    response r = request("GET", path, NULL, desk.cookie, NULL);
    assert_lacks(r.body, "thong-bao-dung.pdf");
    response_free(&r);
    assert_int_equal(act(&desk, d.id, "rut", "&reason=Ng%C6%B0%E1%BB%9Di+n%E1%BB%99p+xin+r%C3%BAt+%C4%91%E1%BB%83+n%E1%BB%99p+l%E1%BA%A1i",
                         NULL), 200);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossier_notices WHERE dossier_id = %lld AND kind = 'stop'", (long long)d.id), 1);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_contains(r.body, "thong-bao-dung.pdf?so=");
    assert_contains(r.body, "Thông báo dừng giải quyết hồ sơ");
    response_free(&r);
    r = form_pdf(&desk, d.id, "thong-bao-dung");
    char *t = pdf_raw(&r, "stop"), *sq = squash(t);
    assert_contains(sq, "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ");
    assert_contains(sq, "Mẫu số 05 (Thông tư 03/2025/TT-VPCP)");
    assert_contains(sq, d.code);
    assert_contains(sq, "Lý do: Người nộp xin rút để nộp lại");
    assert_contains(sq, "thông báo dừng giải quyết hồ sơ nêu trên");
    free(sq);
    free(t);
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forms_print_as_pdf),
        cmocka_unit_test(apology_is_headed_and_signed_like_a_letter),
        cmocka_unit_test(control_sheet_names_bodies_and_the_dossier_on_every_page),
        cmocka_unit_test(control_sheet_prints_a_long_note_whole),
        cmocka_unit_test(desk_phone_is_set_and_printed),
        cmocka_unit_test(apology_is_offered_only_when_due),
        cmocka_unit_test(late_apologies_are_counted_apart),
        cmocka_unit_test(withdrawal_issues_the_stop_notice),
    };
    int failed = cmocka_run_group_tests_name("forms", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
