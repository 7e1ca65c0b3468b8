/* test_feedback.c -- the citizen's voice over HTTP (src/feedback): the public form with
 * attachments checked by content, the anonymity rules of each kind, the clocks (acceptance before
 * and after 1 July 2026, working days across Tết, resolution in calendar days, extension,
 * suspension and resumption, withdrawal), the due board, the documents read back with pdftotext,
 * the citizen's follow-up by code and secret with wrong guesses limited, answers published with
 * personal data masked, the People's Inspection Board read-only, the thanks letter. */
#include "harness.h"

/* ---- helpers ----------------------------------------------------------------------------- */

typedef struct {
    const char *name, *value;     /* a text field */
} field;

typedef struct {
    const char *name;             /* as uploaded */
    const void *data;
    size_t len;
} upload;

/* A multipart POST (as the browser sends the form with files) with an optional Accept header. */
static response post_multipart(const char *path, const char *cookie, const field *fields, size_t nf,
                               const upload *files, size_t nfiles, bool json)
{
    response r = {0};
    r.body = calloc(1, 1);
    r.headers = calloc(1, 1);
    CURL *c = curl_easy_init();
    char url[1024];
    snprintf(url, sizeof url, "%s%s", base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_headers);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (cookie) curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
    curl_mime *mime = curl_mime_init(c);
    for (size_t i = 0; i < nf; i++) {
        curl_mimepart *p = curl_mime_addpart(mime);
        curl_mime_name(p, fields[i].name);
        curl_mime_data(p, fields[i].value, CURL_ZERO_TERMINATED);
    }
    for (size_t i = 0; i < nfiles; i++) {
        curl_mimepart *p = curl_mime_addpart(mime);
        curl_mime_name(p, "tep");
        curl_mime_filename(p, files[i].name);
        curl_mime_type(p, "image/jpeg");   /* what the browser claims is never trusted */
        curl_mime_data(p, files[i].data, files[i].len);
    }
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
    struct curl_slist *h = NULL;
    if (json) h = curl_slist_append(h, "Accept: application/json");
    if (h) curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) fail_msg("POST %s: %s", path, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_mime_free(mime);
    curl_easy_cleanup(c);
    return r;
}

/* An anonymous visitor: the CSRF cookie and token of the public form. */
typedef struct {
    char cookie[128], csrf[80];
} visitor;

static void visit(visitor *v)
{
    response r = get("/gop-y");
    assert_status(r, 200);
    char anon[80];
    set_cookie(&r, "tt_csrf", anon, sizeof anon);
    hidden_csrf(&r, v->csrf, sizeof v->csrf);
    assert_true(anon[0] && !strcmp(anon, v->csrf));
    snprintf(v->cookie, sizeof v->cookie, "tt_csrf=%s", anon);
    response_free(&r);
}

static const unsigned char JPEG[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1};
static const char PDF[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
static const char HTML[] = "<!DOCTYPE html><html><script>alert(document.cookie)</script></html>";

/* The public form's answer: 201 and code/secret (out may be NULL), or the error status. */
static long public_send(const char *kind, const char *name, const char *address, const char *phone,
                        const char *content, bool consent, const upload *files, size_t nfiles, char code[40],
                        char secret[16])
{
    visitor v;
    visit(&v);
    field f[10];
    size_t n = 0;
    f[n++] = (field){"_csrf", v.csrf};
    f[n++] = (field){"don_vi", "05443"};
    f[n++] = (field){"kind", kind};
    f[n++] = (field){"content", content};
    if (name) f[n++] = (field){"name", name};
    if (address) f[n++] = (field){"address", address};
    if (phone) f[n++] = (field){"phone", phone};
    if (consent) f[n++] = (field){"consent", "1"};
    response r = post_multipart("/gop-y", v.cookie, f, n, files, nfiles, true);
    long status = r.status;
    if (status == 201 && code) {
        json_t *j = json_loads(r.body, 0, NULL);
        assert_non_null(j);
        snprintf(code, 40, "%s", json_string_value(json_object_get(j, "code")));
        snprintf(secret, 16, "%s", json_string_value(json_object_get(j, "secret")));
        json_decref(j);
    }
    response_free(&r);
    return status;
}

/* The desk keys a case in (JSON): its id, or -status. */
static int64_t desk_file(session *s, const char *kind, const char *channel, const char *received, const char *name,
                         const char *address, const char *extra)
{
    char body[2048];
    snprintf(body, sizeof body, "_csrf=%s&don_vi=05443&kind=%s&channel=%s&content=%s&received_at=%s&name=%s&address=%s%s",
             s->csrf, kind, channel, enc("Nội dung vụ việc cần giải quyết"), received ? enc(received) : "",
             name ? enc(name) : "", address ? enc(address) : "", extra ? extra : "");
    response r = request("POST", "/phan-anh", body, s->cookie, "Accept: application/json");
    int64_t id = -r.status;
    if (r.status == 201) {
        json_t *j = json_loads(r.body, 0, NULL);
        id = json_integer_value(json_object_get(j, "id"));
        json_decref(j);
    }
    response_free(&r);
    return id;
}

/* A step on a case as the browser does it (303 back to the case) or its error status. */
static long step(session *s, int64_t id, const char *action, const char *form)
{
    char path[96];
    snprintf(path, sizeof path, "/phan-anh/%lld/%s", (long long)id, action);
    response r = post_form(s, path, form ? form : "");
    long status = r.status;
    response_free(&r);
    return status;
}

static char *text_of(int64_t id, const char *col)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM feedback WHERE id = %lld", col, (long long)id);
    return sql_text(sql);
}

/* A column that holds an instant, as the local day "YYYY-MM-DD" ("" when NULL). */
static char *day_of(int64_t id, const char *col)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COALESCE(date(%s + 7 * 3600, 'unixepoch'), '') FROM feedback WHERE id = %lld",
             col, (long long)id);
    return sql_text(sql);
}

static void assert_day(int64_t id, const char *col, const char *want)
{
    char *got = day_of(id, col);
    if (strcmp(got, want)) fail_msg("feedback %lld %s is %s, expected %s", (long long)id, col, got, want);
    free(got);
}

/* Moves the server's clock to local "YYYY-MM-DD HH:MM" (Vietnam time). */
static void travel_to(const char *local)
{
    struct tm tm = {0};
    if (!strptime(local, "%Y-%m-%d %H:%M", &tm)) fail_msg("bad time %s", local);
    int64_t target = (int64_t)timegm(&tm) - 7 * 3600;
    clock_advance(target - server_now());
}

static response get_as(const session *s, const char *path) { return request("GET", path, NULL, s->cookie, NULL); }

/* ---- the cases --------------------------------------------------------------------------- */

static void public_feedback_with_an_image_and_follow_up(void **state)
{
    (void)state;
    upload img = {"den-duong.jpg", JPEG, sizeof JPEG};
    char code[40], secret[16];
    assert_int_equal(public_send("gop_y", NULL, NULL, NULL, "Đèn đường tổ 5 hỏng đã một tuần", false, &img, 1, code,
                                 secret), 201);
    assert_true(!strncmp(code, "05443-GY", 8));
    assert_int_equal(strlen(secret), 6);
    int64_t id = sql_int("SELECT id FROM feedback WHERE code = '%s'", code);
    assert_true(id > 0);
    assert_int_equal(sql_int("SELECT anonymous FROM feedback WHERE id = %lld", (long long)id), 1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM feedback_files WHERE feedback_id = %lld AND mime = 'image/jpeg' "
                             "AND size = %zu", (long long)id, sizeof JPEG), 1);
    assert_int_equal(audits("feedback.create", id), 1);
    /* góp ý runs on the portal's 15 working days from receipt */
    assert_true(sql_int("SELECT due_at IS NOT NULL AND clock_at = due_at FROM feedback WHERE id = %lld", (long long)id));
    /* the citizen follows it with code and secret (as typed: lower case, spaces) */
    char path[256];
    snprintf(path, sizeof path, "/gop-y/tra-cuu?ma=%s&bm=%s", code, secret);
    response r = get(path);
    assert_status(r, 200);
    assert_contains(r.body, "Đã tiếp nhận");
    assert_contains(r.body, "Góp ý");
    response_free(&r);
    /* the staff see the file, served as the type its bytes have, never as HTML */
    session desk;
    sign_in("canbo1", &desk);
    int64_t file = sql_int("SELECT id FROM feedback_files WHERE feedback_id = %lld", (long long)id);
    snprintf(path, sizeof path, "/phan-anh/%lld/tep/%lld", (long long)id, (long long)file);
    r = get_as(&desk, path);
    assert_status(r, 200);
    assert_int_equal(r.len, sizeof JPEG);
    assert_int_equal(memcmp(r.body, JPEG, sizeof JPEG), 0);
    assert_non_null(strcasestr(r.headers, "Content-Type: image/jpeg"));
    assert_non_null(strcasestr(r.headers, "X-Content-Type-Options: nosniff"));
    response_free(&r);
}

static void attachments_are_checked_by_content(void **state)
{
    (void)state;
    int64_t before = db_count("SELECT COUNT(*) FROM feedback");
    /* an HTML page named .jpg is refused, and nothing is saved */
    upload fake = {"anh.jpg", HTML, sizeof HTML - 1};
    assert_int_equal(public_send("gop_y", NULL, NULL, NULL, "Có ảnh", false, &fake, 1, NULL, NULL), 415);
    /* a real image beside it does not let it through */
    upload two[] = {{"a.jpg", JPEG, sizeof JPEG}, {"b.png", HTML, sizeof HTML - 1}};
    assert_int_equal(public_send("gop_y", NULL, NULL, NULL, "Hai ảnh", false, two, 2, NULL, NULL), 415);
    /* more than three files */
    upload four[] = {{"1.jpg", JPEG, sizeof JPEG}, {"2.jpg", JPEG, sizeof JPEG}, {"3.jpg", JPEG, sizeof JPEG},
                     {"4.jpg", JPEG, sizeof JPEG}};
    assert_int_equal(public_send("gop_y", NULL, NULL, NULL, "Bốn ảnh", false, four, 4, NULL, NULL), 413);
    assert_int_equal(db_count("SELECT COUNT(*) FROM feedback"), before);
    assert_int_equal(db_count("SELECT COUNT(*) FROM feedback_files f JOIN feedback c ON c.id = f.feedback_id "
                              "WHERE c.content IN ('Có ảnh', 'Hai ảnh', 'Bốn ảnh')"), 0);
    /* a PDF named .txt is a PDF */
    upload pdf = {"bien-ban.txt", PDF, sizeof PDF - 1};
    char code[40], secret[16];
    assert_int_equal(public_send("gop_y", NULL, NULL, NULL, "Biên bản kèm theo", false, &pdf, 1, code, secret), 201);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM feedback_files f JOIN feedback c ON c.id = f.feedback_id "
                             "WHERE c.code = '%s' AND f.mime = 'application/pdf'", code), 1);
    /* the page says why, in Vietnamese */
    visitor v;
    visit(&v);
    field f[] = {{"_csrf", v.csrf}, {"don_vi", "05443"}, {"kind", "gop_y"}, {"content", "Có ảnh"}};
    response r = post_multipart("/gop-y", v.cookie, f, 4, &fake, 1, false);
    assert_status(r, 415);
    assert_contains(r.body, "Chỉ nhận tệp ảnh (JPEG, PNG, WebP) hoặc PDF");
    response_free(&r);
}

static void anonymous_versus_named(void **state)
{
    (void)state;
    /* a complaint is never anonymous, and needs an address */
    assert_int_equal(public_send("khieu_nai", NULL, NULL, NULL, "Khiếu nại quyết định xử phạt", false, NULL, 0, NULL,
                                 NULL), 422);
    assert_int_equal(public_send("khieu_nai", "Trần Văn Bình", NULL, NULL, "Khiếu nại quyết định xử phạt", false, NULL,
                                 0, NULL, NULL), 422);
    char code[40], secret[16];
    assert_int_equal(public_send("khieu_nai", "Trần Văn Bình", "Tổ 3, phường Phan Đình Phùng", NULL,
                                 "Khiếu nại quyết định xử phạt", false, NULL, 0, code, secret), 201);
    assert_true(!strncmp(code, "05443-KN", 8));
    /* phản ánh, kiến nghị: a name and a way to answer (NĐ 20/2008 Art. 7) */
    assert_int_equal(public_send("phan_anh", NULL, NULL, "0912345678", "Đường ngập", false, NULL, 0, NULL, NULL), 422);
    assert_int_equal(public_send("kien_nghi", "Lê Thị Cúc", NULL, NULL, "Kiến nghị lắp đèn", false, NULL, 0, NULL, NULL),
                     422);
    assert_int_equal(public_send("kien_nghi", "Lê Thị Cúc", NULL, "0912345678", "Kiến nghị lắp đèn", false, NULL, 0,
                                 NULL, NULL), 201);
    /* a bad phone number is a clear 422 */
    assert_int_equal(public_send("kien_nghi", "Lê Thị Cúc", NULL, "12345", "Kiến nghị", false, NULL, 0, NULL, NULL), 422);
    /* biểu dương may be anonymous */
    assert_int_equal(public_send("bieu_duong", NULL, NULL, NULL, "Cảm ơn cán bộ một cửa tận tình", false, NULL, 0, code,
                                 secret), 201);
    assert_int_equal(sql_int("SELECT clock_at IS NULL FROM feedback WHERE code = '%s'", code), 1);
    /* an anonymous denunciation is received as information: no clock, no acceptance */
    assert_int_equal(public_send("to_cao", NULL, NULL, NULL, "Cán bộ địa chính nhận tiền", false, NULL, 0, code, secret),
                     201);
    int64_t id = sql_int("SELECT id FROM feedback WHERE code = '%s'", code);
    assert_int_equal(sql_int("SELECT as_information + (accept_due_at IS NULL) + (clock_at IS NULL) FROM feedback "
                             "WHERE id = %lld", (long long)id), 3);
    session desk;
    sign_in("canbo1", &desk);
    assert_int_equal(step(&desk, id, "accept", ""), 409);
    /* it can be closed once checked */
    assert_int_equal(step(&desk, id, "resolve", "&note=" "Đã kiểm tra, không có căn cứ"), 303);
    /* a named one has the 7 working days of Art. 24 */
    assert_int_equal(public_send("to_cao", "Phạm Văn Dũng", "Tổ 1", NULL, "Cán bộ nhận tiền", false, NULL, 0, code,
                                 secret), 201);
    assert_int_equal(sql_int("SELECT as_information = 0 AND accept_due_at IS NOT NULL AND clock_at = accept_due_at "
                             "FROM feedback WHERE code = '%s'", code), 1);
}

static void acceptance_clock_changes_on_1_july_2026(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    /* the same complaint received the day before and the day the 2026 amendments took effect */
    int64_t before = desk_file(&desk, "khieu_nai", "desk", "30/06/2026 09:00", "Trần Văn Bình", "Tổ 3", NULL);
    int64_t after = desk_file(&desk, "khieu_nai", "desk", "01/07/2026 09:00", "Trần Văn Bình", "Tổ 3", NULL);
    assert_true(before > 0 && after > 0);
    assert_day(before, "accept_due_at", "2026-07-14");   /* 10 working days */
    assert_day(after, "accept_due_at", "2026-07-10");    /* 7 working days */
    char *from = text_of(after, "rule_from");
    assert_string_equal(from, "2026-07-01");
    free(from);
    /* the case page shows it, day first */
    char path[64];
    snprintf(path, sizeof path, "/phan-anh/%lld", (long long)after);
    response r = get_as(&desk, path);
    assert_status(r, 200);
    assert_contains(r.body, "10/07/2026");
    response_free(&r);
    /* the table of clocks shows both versions and their sources */
    r = get_as(&desk, "/phan-anh/thoi-han");
    assert_status(r, 200);
    assert_contains(r.body, "155/2026");
    assert_contains(r.body, "30/06/2026");
    response_free(&r);
    /* a denunciation received before Tết 2026 counts 7 working days past it */
    int64_t tc = desk_file(&desk, "to_cao", "hotline", "12/02/2026 10:00", "Phạm Văn Dũng", "Tổ 1", NULL);
    assert_day(tc, "accept_due_at", "2026-03-02");
    /* a time that is not a date */
    assert_int_equal(desk_file(&desk, "gop_y", "box", "31/02/2026 10:00", NULL, NULL, NULL), -422);
}

static void complaint_clock_extension_suspension(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    /* a complaint received before 1 July 2026 cannot be suspended: the Complaints Law had no
     * suspension of the resolution before Luật 136/2025 added Art. 11a */
    int64_t old = desk_file(&desk, "khieu_nai", "desk", "15/06/2026 09:00", "Trần Văn Bình", "Tổ 3", NULL);
    assert_int_equal(step(&desk, old, "accept", ""), 303);
    assert_int_equal(step(&desk, old, "suspend", "&note=" "Chờ giám định"), 409);
    travel_to("2026-07-06 09:00");
    int64_t id = desk_file(&desk, "khieu_nai", "desk", NULL, "Trần Văn Bình", "Tổ 3, phường Phan Đình Phùng", NULL);
    assert_true(id > 0);
    /* no extension before acceptance; acceptance starts 30 days (Wed 5/8) */
    assert_int_equal(step(&desk, id, "extend", "&note=x"), 409);
    assert_int_equal(step(&desk, id, "accept", ""), 303);
    assert_day(id, "due_at", "2026-08-05");
    /* an extension needs its written grounds */
    assert_int_equal(step(&desk, id, "extend", ""), 422);
    assert_int_equal(step(&desk, id, "extend", "&note=" "Vụ việc phức tạp: phải xác minh tại hai địa điểm"), 303);
    assert_day(id, "due_at", "2026-08-20");   /* 45 days */
    assert_int_equal(step(&desk, id, "extend", "&note=again"), 409);   /* once for a complaint */
    /* suspended on 13/7, resumed on 27/7: 14 days more, past the Quốc khánh days off */
    travel_to("2026-07-13 09:00");
    assert_int_equal(step(&desk, id, "suspend", ""), 422);
    assert_int_equal(step(&desk, id, "suspend", "&note=" "Chờ kết quả giám định"), 303);
    assert_int_equal(sql_int("SELECT clock_at IS NULL FROM feedback WHERE id = %lld", (long long)id), 1);
    travel_to("2026-07-27 09:00");
    assert_int_equal(step(&desk, id, "resume", ""), 303);
    assert_day(id, "due_at", "2026-09-03");
    assert_int_equal(sql_int("SELECT paused_days FROM feedback WHERE id = %lld", (long long)id), 14);
    /* the decision */
    assert_int_equal(step(&desk, id, "resolve", "&note=" "Giữ nguyên quyết định xử phạt"), 303);
    char *st = text_of(id, "status");
    assert_string_equal(st, "resolved");
    free(st);
    clock_reset();
    /* every step audited */
    static const char *const acts[] = {"feedback.create", "feedback.accept", "feedback.extend", "feedback.suspend",
                                       "feedback.resume", "feedback.resolve"};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) assert_int_equal(audits(acts[i], id), 1);
    /* the documents, numbered in the unit's registers, read back */
    int64_t seq = sql_int("SELECT seq FROM feedback_steps WHERE feedback_id = %lld AND kind = 'accept'", (long long)id);
    char path[96];
    snprintf(path, sizeof path, "/phan-anh/%lld/van-ban/%lld.pdf", (long long)id, (long long)seq);
    response r = get_as(&desk, path);
    assert_status(r, 200);
    char *t = pdf_text(&r, "accept");
    assert_non_null(strstr(t, "THÔNG BÁO"));
    assert_non_null(strstr(t, "thụ lý giải quyết khiếu nại"));
    assert_non_null(strstr(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert_non_null(strstr(t, "/TB-UBND"));
    assert_non_null(strstr(t, "Trần Văn Bình"));
    assert_non_null(strstr(t, "05 tháng 8 năm 2026"));
    free(t);
    response_free(&r);
    seq = sql_int("SELECT seq FROM feedback_steps WHERE feedback_id = %lld AND kind = 'resolve'", (long long)id);
    int64_t num = sql_int("SELECT doc_number FROM feedback_steps WHERE feedback_id = %lld AND kind = 'resolve'",
                          (long long)id);
    int64_t ext = sql_int("SELECT doc_number FROM feedback_steps WHERE feedback_id = %lld AND kind = 'extend'",
                          (long long)id);
    assert_int_equal(num, ext + 3);   /* extension, suspension, resumption, decision: one register */
    snprintf(path, sizeof path, "/phan-anh/%lld/van-ban/%lld.pdf", (long long)id, (long long)seq);
    r = get_as(&desk, path);
    assert_status(r, 200);
    t = pdf_text(&r, "decision");
    assert_non_null(strstr(t, "QUYẾT ĐỊNH"));
    assert_non_null(strstr(t, "giải quyết khiếu nại"));
    assert_non_null(strstr(t, "Giữ nguyên quyết định xử phạt"));
    char num_text[32];
    snprintf(num_text, sizeof num_text, "%lld/QĐ-UBND", (long long)num);
    assert_non_null(strstr(t, num_text));
    free(t);
    response_free(&r);
    /* a step with no document */
    snprintf(path, sizeof path, "/phan-anh/%lld/van-ban/1.pdf", (long long)id);
    r = get_as(&desk, path);
    assert_status(r, 404);
    response_free(&r);
}

static void denunciation_extends_twice_and_withdrawal(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    travel_to("2026-09-01 09:00");
    int64_t id = desk_file(&desk, "to_cao", "reception", NULL, "Phạm Văn Dũng", "Tổ 1", NULL);
    assert_int_equal(step(&desk, id, "accept", ""), 303);
    assert_day(id, "due_at", "2026-10-01");            /* 30 days */
    assert_int_equal(step(&desk, id, "extend", "&note=" "Phức tạp"), 303);
    assert_day(id, "due_at", "2026-11-02");            /* 60: Sat 31/10 -> Mon 2/11 */
    assert_int_equal(step(&desk, id, "extend", "&note=" "Đặc biệt phức tạp"), 303);
    assert_day(id, "due_at", "2026-11-30");            /* 90 */
    assert_int_equal(step(&desk, id, "extend", "&note=" "Lần ba"), 409);
    /* the denouncer withdraws, but there are signs of a violation: resolution continues */
    assert_int_equal(step(&desk, id, "withdraw", "&note=" "Đơn rút ngày 5/9&keep_going=1"), 303);
    char *st = text_of(id, "status");
    assert_string_equal(st, "accepted");
    free(st);
    /* a complaint withdrawn is closed, its clock stops */
    int64_t kn = desk_file(&desk, "khieu_nai", "desk", NULL, "Trần Văn Bình", "Tổ 3", NULL);
    assert_int_equal(step(&desk, kn, "withdraw", ""), 422);
    assert_int_equal(step(&desk, kn, "withdraw", "&note=" "Văn bản rút khiếu nại ngày 2/9"), 303);
    st = text_of(kn, "status");
    assert_string_equal(st, "withdrawn");
    free(st);
    assert_int_equal(sql_int("SELECT clock_at IS NULL FROM feedback WHERE id = %lld", (long long)kn), 1);
    assert_int_equal(step(&desk, kn, "accept", ""), 409);
    /* refusal prints its notice with the reasons */
    int64_t r2 = desk_file(&desk, "khieu_nai", "desk", NULL, "Ngô Thị Én", "Tổ 2", NULL);
    assert_int_equal(step(&desk, r2, "refuse", "&note=" "Quá thời hiệu 90 ngày (Điều 9)"), 303);
    int64_t seq = sql_int("SELECT seq FROM feedback_steps WHERE feedback_id = %lld AND kind = 'refuse'", (long long)r2);
    char path[96];
    snprintf(path, sizeof path, "/phan-anh/%lld/van-ban/%lld.pdf", (long long)r2, (long long)seq);
    response r = get_as(&desk, path);
    assert_status(r, 200);
    char *t = pdf_text(&r, "refuse");
    assert_non_null(strstr(t, "không thụ lý giải quyết khiếu nại"));
    assert_non_null(strstr(t, "Quá thời hiệu 90 ngày"));
    free(t);
    response_free(&r);
    clock_reset();
}

static void due_board_lists_overdue(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t late = desk_file(&desk, "phan_anh", "hotline", "01/06/2026 08:00", "Hoàng Văn Giang", "Tổ 7", NULL);
    int64_t done = desk_file(&desk, "phan_anh", "hotline", "02/06/2026 08:00", "Hoàng Thị Hà", "Tổ 8", NULL);
    assert_int_equal(step(&desk, done, "resolve", "&note=" "Đã sửa"), 303);
    char *late_code = text_of(late, "code"), *done_code = text_of(done, "code");
    response r = get_as(&desk, "/phan-anh/han");
    assert_status(r, 200);
    const char *overdue = strstr(r.body, "id=\"tt-overdue\""), *soon = strstr(r.body, "id=\"tt-soon\"");
    assert_non_null(overdue);
    assert_non_null(soon);
    const char *at = strstr(r.body, late_code);
    assert_true(at && at > overdue && at < soon);
    assert_lacks(r.body, done_code);
    response_free(&r);
    /* the dashboard counts the overdue cases and links to the board */
    long late_n = sql_int("SELECT COUNT(*) FROM feedback f JOIN units u ON u.id = f.unit_id WHERE u.code = '05443' AND "
                          "f.clock_at IS NOT NULL AND f.clock_at < strftime('%%s', 'now')");
    r = get_as(&desk, "/bang-dieu-khien");
    const char *tile = strstr(r.body, "id=\"tt-count-feedback-late\"");
    assert_non_null(tile);
    tile = strstr(tile, "tt-count__n\">");
    assert_non_null(tile);
    assert_int_equal(strtol(tile + strlen("tt-count__n\">"), NULL, 10), late_n);
    assert_true(late_n >= 1);
    response_free(&r);
    /* the list filters by kind and status */
    r = get_as(&desk, "/phan-anh?loai=phan_anh&trang_thai=resolved");
    assert_status(r, 200);
    assert_contains(r.body, done_code);
    assert_lacks(r.body, late_code);
    response_free(&r);
    free(late_code);
    free(done_code);
}

static void follow_up_needs_the_secret(void **state)
{
    (void)state;
    char code[40], secret[16];
    assert_int_equal(public_send("kien_nghi", "Lê Thị Cúc", "Tổ 4", "0912345678", "Kiến nghị làm cầu", false, NULL, 0,
                                 code, secret), 201);
    char path[256];
    snprintf(path, sizeof path, "/gop-y/tra-cuu?ma=%s&bm=ZZZZZZ", code);
    for (int i = 0; i < 10; i++) {
        response r = get(path);
        assert_status(r, 404);
        assert_lacks(r.body, "Lê Thị Cúc");
        response_free(&r);
    }
    response r = get(path);
    assert_status(r, 429);
    assert_non_null(strcasestr(r.headers, "Retry-After:"));
    response_free(&r);
    /* even the right secret waits now, from this address, for this code */
    snprintf(path, sizeof path, "/gop-y/tra-cuu?ma=%s&bm=%s", code, secret);
    r = get(path);
    assert_status(r, 429);
    response_free(&r);
}

static void published_answers_are_masked(void **state)
{
    (void)state;
    char code[40], secret[16];
    assert_int_equal(public_send("phan_anh", "Đỗ Văn Khoa", "Số 12 đường Hoàng Văn Thụ", "0987654321",
                                 "Ông Đỗ Văn Khoa phản ánh cống thoát nước tắc", true, NULL, 0, code, secret), 201);
    int64_t id = sql_int("SELECT id FROM feedback WHERE code = '%s'", code);
    assert_int_equal(public_send("phan_anh", "Vũ Thị Lan", "Tổ 9", "0977111222", "Rác thải", false, NULL, 0, code,
                                 secret), 201);
    int64_t no_consent = sql_int("SELECT id FROM feedback WHERE code = '%s'", code);
    session desk;
    sign_in("canbo1", &desk);
    assert_int_equal(step(&desk, id, "publish", ""), 409);   /* not answered yet */
    assert_int_equal(step(&desk, id, "resolve",
                          "&note=" "UBND đã thông cống; đã báo ông Đỗ Văn Khoa qua số 0987654321"), 303);
    /* publishing has its own clock (2 working days), on the board until it is done */
    assert_int_equal(sql_int("SELECT clock_at = publish_due_at AND clock_at > resolved_at FROM feedback WHERE id = %lld",
                             (long long)id), 1);
    response b = get_as(&desk, "/phan-anh/han");
    assert_contains(b.body, "Hạn công khai");
    response_free(&b);
    assert_int_equal(step(&desk, id, "publish", ""), 303);
    assert_int_equal(step(&desk, id, "publish", ""), 409);
    assert_int_equal(sql_int("SELECT clock_at IS NULL AND published_at IS NOT NULL FROM feedback WHERE id = %lld",
                             (long long)id), 1);
    assert_int_equal(step(&desk, no_consent, "resolve", "&note=" "Đã thu gom"), 303);
    assert_int_equal(step(&desk, no_consent, "publish", ""), 409);
    response r = get("/gop-y/cong-khai?don_vi=05443");
    assert_status(r, 200);
    assert_contains(r.body, "UBND đã thông cống");
    assert_contains(r.body, "***");
    assert_lacks(r.body, "Đỗ Văn Khoa");
    assert_lacks(r.body, "0987654321");
    assert_lacks(r.body, "Đã thu gom");
    response_free(&r);
    /* the citizen reads the whole answer by code and secret */
    char *c = text_of(id, "code"), *s = text_of(id, "secret"), path[256];
    snprintf(path, sizeof path, "/gop-y/tra-cuu?ma=%s&bm=%s", c, s);
    r = get(path);
    assert_status(r, 200);
    assert_contains(r.body, "Đã giải quyết");
    assert_contains(r.body, "UBND đã thông cống");
    response_free(&r);
    free(c);
    free(s);
}

static void inspection_board_reads_only(void **state)
{
    (void)state;
    session desk, board;
    sign_in("canbo1", &desk);
    sign_in("bantt1", &board);
    int64_t id = desk_file(&desk, "to_cao", "desk", NULL, "Bùi Văn Long", "Tổ 6, phường Phan Đình Phùng", NULL);
    char path[64];
    snprintf(path, sizeof path, "/phan-anh/%lld", (long long)id);
    response r = get_as(&board, path);
    assert_status(r, 200);
    assert_contains(r.body, "Thông tin người tố cáo được giữ bí mật");
    assert_lacks(r.body, "Bùi Văn Long");
    assert_lacks(r.body, "/accept\"");
    response_free(&r);
    r = get_as(&board, "/phan-anh");
    assert_status(r, 200);
    response_free(&r);
    r = get_as(&board, "/phan-anh/han");
    assert_status(r, 200);
    response_free(&r);
    assert_int_equal(step(&board, id, "accept", ""), 403);
    /* the acceptance notice names the denouncer: the desk prints it, the board may not */
    assert_int_equal(step(&desk, id, "accept", ""), 303);
    int64_t seq = sql_int("SELECT seq FROM feedback_steps WHERE feedback_id = %lld AND kind = 'accept'", (long long)id);
    char pdf[96];
    snprintf(pdf, sizeof pdf, "/phan-anh/%lld/van-ban/%lld.pdf", (long long)id, (long long)seq);
    r = get_as(&board, pdf);
    assert_status(r, 403);
    response_free(&r);
    r = get_as(&desk, pdf);
    assert_status(r, 200);
    response_free(&r);
    r = get_as(&board, path);
    assert_lacks(r.body, "van-ban/");
    response_free(&r);
    r = get_as(&board, "/phan-anh/moi");
    assert_status(r, 403);
    response_free(&r);
    /* the desk sees the name */
    r = get_as(&desk, path);
    assert_contains(r.body, "Bùi Văn Long");
    response_free(&r);
    /* another commune's officer cannot open it, nor key in a case for this commune */
    session other;
    sign_in("canbo2", &other);
    assert_int_equal(desk_file(&other, "gop_y", "box", NULL, NULL, NULL, NULL), -403);
    /* nor pick a channel that is not the desk's */
    assert_int_equal(desk_file(&desk, "gop_y", "rating", NULL, NULL, NULL, NULL), -422);
    r = get_as(&other, path);
    assert_true(r.status == 403 || r.status == 404);
    response_free(&r);
}

static void helpful_feedback_proposes_a_thanks_letter(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t id = desk_file(&desk, "gop_y", "box", NULL, "Đinh Văn Minh", "Tổ 10", NULL);
    assert_int_equal(step(&desk, id, "resolve", "&note=" "Đã áp dụng sáng kiến xếp hàng theo số&helpful=1"), 303);
    char path[64];
    snprintf(path, sizeof path, "/phan-anh/%lld", (long long)id);
    response r = get_as(&desk, path);
    assert_contains(r.body, "/thu/moi?dip=feedback");
    response_free(&r);
    r = get_as(&desk, "/thu/moi?dip=feedback");
    assert_status(r, 200);
    assert_contains(r.body, "value=\"feedback\" selected");
    response_free(&r);
    /* not helpful: no proposal */
    int64_t other = desk_file(&desk, "gop_y", "box", NULL, "Đinh Văn Nam", "Tổ 10", NULL);
    assert_int_equal(step(&desk, other, "resolve", "&note=" "Ghi nhận"), 303);
    snprintf(path, sizeof path, "/phan-anh/%lld", (long long)other);
    r = get_as(&desk, path);
    assert_lacks(r.body, "/thu/moi?dip=feedback");
    response_free(&r);
}

/* Last: it uses up this address's public submissions for the hour. */
static void public_flood_is_limited(void **state)
{
    (void)state;
    int64_t before = db_count("SELECT COUNT(*) FROM feedback WHERE channel = 'web'");
    long status = 201;
    int sent = 0;
    for (int i = 0; i < 25 && status == 201; i++, sent++)
        status = public_send("gop_y", NULL, NULL, NULL, "Góp ý lặp lại", false, NULL, 0, NULL, NULL);
    assert_int_equal(status, 429);
    assert_true(sent <= 21);
    assert_int_equal(db_count("SELECT COUNT(*) FROM feedback WHERE channel = 'web'"), before + sent - 1);
    /* the desk still keys in what the citizen brings */
    session desk;
    sign_in("canbo1", &desk);
    assert_true(desk_file(&desk, "gop_y", "desk", NULL, NULL, NULL, NULL) > 0);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(public_feedback_with_an_image_and_follow_up),
        cmocka_unit_test(attachments_are_checked_by_content),
        cmocka_unit_test(anonymous_versus_named),
        cmocka_unit_test(acceptance_clock_changes_on_1_july_2026),
        cmocka_unit_test(complaint_clock_extension_suspension),
        cmocka_unit_test(denunciation_extends_twice_and_withdrawal),
        cmocka_unit_test(due_board_lists_overdue),
        cmocka_unit_test(follow_up_needs_the_secret),
        cmocka_unit_test(published_answers_are_masked),
        cmocka_unit_test(inspection_board_reads_only),
        cmocka_unit_test(helpful_feedback_proposes_a_thanks_letter),
        cmocka_unit_test(public_flood_is_limited),
    };
    int failed = cmocka_run_group_tests_name("feedback", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
