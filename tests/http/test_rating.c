/* test_rating.c -- the rating of a dossier over HTTP (src/survey/rating.h): only after its
 * result, only with the slip's secret, one per dossier (also when posts race), the desk
 * tablet's kiosk and the paper slips keyed in by an officer, a "không hài lòng" that waits for
 * the leader's answer, and the figures per official and per unit. */
#include <pthread.h>

#define MAX_PER_IP 24   /* the race sends many posts at once */
#include "harness.h"

/* A dossier of commune 05443 received by canbo1, handed to `resolver` (a username; NULL: the
 * desk finishes it itself) who records the result; returned at the desk when `returned`. */
static void finished_dossier(const char *resolver, bool returned, intake_result *d)
{
    session desk, res;
    sign_in("canbo1", &desk);
    int64_t proc = procedure_id("dang+ky+khai+sinh");
    new_dossier(&desk, "dang+ky+khai+sinh", d);
    session *who = &desk;
    if (resolver) {
        char form[64];
        snprintf(form, sizeof form, "&to_user_id=%lld", (long long)user_id(resolver));
        assert_int_equal(act(&desk, d->id, "chuyen", form, NULL), 200);
        sign_in(resolver, &res);
        who = &res;
    }
    assert_int_equal(act(who, d->id, "hoan-thanh", "", NULL), 200);
    if (returned) {
        char form[128];
        snprintf(form, sizeof form, "&return_method=desk&fee_paid=%lld",
                 (long long)sql_int("SELECT COALESCE(fee, 0) FROM procedures WHERE id = %lld", (long long)proc));
        assert_int_equal(act(&desk, d->id, "tra-ket-qua", form, NULL), 200);
    }
}

/* An anonymous visitor's CSRF cookie and token (the booking page gives one, as any page does). */
static void visitor_csrf(char *cookie, size_t ncookie, char *csrf, size_t ncsrf)
{
    static int64_t proc;
    if (!proc) proc = khai_sinh_id();
    anon_csrf(proc, cookie, ncookie, csrf, ncsrf);
}

/* The citizen's POST /danh-gia; extra: more fields ("&ly_do=..."), json: ask for JSON. */
static response citizen_rate(const char *code, const char *secret, const char *level, const char *extra, bool json)
{
    char cookie[128], csrf[80], body[1024];
    visitor_csrf(cookie, sizeof cookie, csrf, sizeof csrf);
    snprintf(body, sizeof body, "_csrf=%s&ma=%s&bm=%s&muc=%s%s", csrf, code, secret, level, extra ? extra : "");
    return request("POST", "/danh-gia", body, cookie, json ? "Accept: application/json" : NULL);
}

static int64_t ratings_of(int64_t dossier_id)
{
    return sql_int("SELECT COUNT(*) FROM ratings WHERE dossier_id = %lld", (long long)dossier_id);
}

static void rating_after_result_with_secret(void **state)
{
    (void)state;
    session desk, spec;
    sign_in("canbo1", &desk);
    intake_result d;
    new_dossier(&desk, "dang+ky+khai+sinh", &d);
    char path[256];
    /* before the result: the page says to wait, a post is refused */
    snprintf(path, sizeof path, "/danh-gia?ma=%s&bm=%s", d.code, d.secret);
    response r = get(path);
    assert_status(r, 200);
    assert_contains(r.body, "Ông/bà đánh giá sau khi hồ sơ có kết quả.");
    assert_lacks(r.body, "name=\"muc\"");
    response_free(&r);
    r = citizen_rate(d.code, d.secret, "satisfied", NULL, false);
    assert_status(r, 409);
    assert_contains(r.body, "Hồ sơ chưa có kết quả giải quyết");
    response_free(&r);
    /* the tracking page offers no rating yet */
    snprintf(path, sizeof path, "/tra-cuu?ma=%s&bm=%s", d.code, d.secret);
    r = get(path);
    assert_lacks(r.body, "/danh-gia?ma=");
    response_free(&r);

    snprintf(path, sizeof path, "&to_user_id=%lld", (long long)user_id("chuyenvien1"));
    assert_int_equal(act(&desk, d.id, "chuyen", path, NULL), 200);
    sign_in("chuyenvien1", &spec);
    assert_int_equal(act(&spec, d.id, "hoan-thanh", "", NULL), 200);
    /* done (not yet returned): the tracking page links to the rating */
    snprintf(path, sizeof path, "/tra-cuu?ma=%s&bm=%s", d.code, d.secret);
    r = get(path);
    assert_status(r, 200);
    char link[160];
    snprintf(link, sizeof link, "/danh-gia?ma=%s&amp;bm=%s", d.code, d.secret);
    assert_contains(r.body, link);
    assert_contains(r.body, "Đánh giá sự phục vụ");
    response_free(&r);

    /* the secret is required: none is a 400, a wrong one is 404, and nothing is saved */
    r = citizen_rate(d.code, "", "satisfied", NULL, false);
    assert_status(r, 400);
    assert_contains(r.body, "Cần mã tra cứu");
    response_free(&r);
    r = citizen_rate(d.code, "ZZZZZZ", "satisfied", NULL, true);
    assert_status(r, 404);
    assert_contains(r.body, "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này");
    response_free(&r);
    r = citizen_rate(d.code, d.secret, "excellent", NULL, false);   /* not a level */
    assert_status(r, 400);
    assert_contains(r.body, "Xin chọn một mức đánh giá.");
    response_free(&r);
    assert_int_equal(ratings_of(d.id), 0);

    /* the page shows the four levels with the portal's labels */
    snprintf(path, sizeof path, "/danh-gia?ma=%s&bm=%s", d.code, d.secret);
    r = get(path);
    assert_status(r, 200);
    assert_contains(r.body, ">Rất hài lòng</label>");
    assert_contains(r.body, ">Hài lòng</label>");
    assert_contains(r.body, ">Bình thường</label>");
    assert_contains(r.body, ">Không hài lòng</label>");
    response_free(&r);

    /* the secret typed in lower case is the secret */
    char lower[16];
    for (size_t i = 0; i <= strlen(d.secret); i++) lower[i] = (char)tolower((unsigned char)d.secret[i]);
    r = citizen_rate(d.code, lower, "satisfied", NULL, false);
    assert_status(r, 303);
    assert_contains(r.headers, "da_gui=1");
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM ratings WHERE dossier_id = %lld AND level = 'satisfied' AND "
                             "channel = 'web' AND official_id = %lld AND follow_status = 'none' AND entered_by IS NULL",
                             (long long)d.id, (long long)user_id("chuyenvien1")), 1);
    int64_t rid = sql_int("SELECT id FROM ratings WHERE dossier_id = %lld", (long long)d.id);
    assert_int_equal(audits("rating.create", rid), 1);

    /* one rating per dossier: a second is refused with a Vietnamese message, the first stays */
    r = citizen_rate(d.code, d.secret, "dissatisfied", "&ly_do=Ch%E1%BA%ADm", false);
    assert_status(r, 409);
    assert_contains(r.body, "Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.");
    response_free(&r);
    assert_int_equal(ratings_of(d.id), 1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM ratings WHERE dossier_id = %lld AND level = 'satisfied'", (long long)d.id), 1);
    /* the page now shows the rating instead of the form */
    r = get(path);
    assert_contains(r.body, "<strong>Hài lòng</strong>");
    assert_contains(r.body, "Mỗi hồ sơ chỉ được đánh giá một lần.");
    assert_lacks(r.body, "name=\"muc\"");
    response_free(&r);
}

/* the result message carries the rating link (notify's {{rating_link}} in the result_ready
 * e-mail), which opens the rating page and records the channel */
static void result_message_links_to_rating(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result d;
    assert_int_equal(intake(&desk, procedure_id("dang+ky+khai+sinh"), "&applicant_email=hoa%40example.vn", &d), 201);
    assert_int_equal(act(&desk, d.id, "hoan-thanh", "", NULL), 200);
    char want[256];
    snprintf(want, sizeof want, "/danh-gia?ma=%s&bm=%s&kenh=tin-nhan", d.code, d.secret);
    char *body = sql_text("SELECT body FROM outbox WHERE event = 'result_ready' AND channel = 'email' ORDER BY id DESC LIMIT 1");
    assert_contains(body, want);
    assert_contains(body, "mời ông/bà đánh giá sự phục vụ");
    free(body);
    response r = get(want);
    assert_status(r, 200);
    assert_contains(r.body, "name=\"kenh\" value=\"tin-nhan\"");
    response_free(&r);
    r = citizen_rate(d.code, d.secret, "very_satisfied", "&kenh=tin-nhan", true);
    assert_status(r, 201);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM ratings WHERE dossier_id = %lld AND channel = 'message'", (long long)d.id), 1);
}

/* ---- many posts at once -------------------------------------------------------------------- */

typedef struct {
    const char *code, *secret, *level;
    char cookie[128], csrf[80];
    long status;
    char body[512];
} racer;

static void *race_one(void *arg)
{
    racer *x = arg;
    char body[512];
    snprintf(body, sizeof body, "_csrf=%s&ma=%s&bm=%s&muc=%s&ly_do=x", x->csrf, x->code, x->secret, x->level);
    response r = request("POST", "/danh-gia", body, x->cookie, "Accept: application/json");
    x->status = r.status;
    snprintf(x->body, sizeof x->body, "%s", r.body ? r.body : "");
    response_free(&r);
    return NULL;
}

static void concurrent_ratings_one_wins(void **state)
{
    (void)state;
    intake_result d;
    finished_dossier("chuyenvien1", true, &d);
    enum { N = 12 };
    static const char *const levels[] = {"very_satisfied", "satisfied", "neutral", "dissatisfied"};
    racer xs[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        memset(&xs[i], 0, sizeof xs[i]);
        xs[i].code = d.code, xs[i].secret = d.secret, xs[i].level = levels[i % 4];
        visitor_csrf(xs[i].cookie, sizeof xs[i].cookie, xs[i].csrf, sizeof xs[i].csrf);
    }
    for (int i = 0; i < N; i++) pthread_create(&th[i], NULL, race_one, &xs[i]);
    for (int i = 0; i < N; i++) pthread_join(th[i], NULL);
    int created = 0, refused = 0;
    for (int i = 0; i < N; i++) {
        if (xs[i].status == 201) created++;
        else if (xs[i].status == 409) {
            refused++;
            assert_contains(xs[i].body, "Hồ sơ này đã được đánh giá");
        } else fail_msg("a racing post answered %ld: %s", xs[i].status, xs[i].body);
    }
    assert_int_equal(created, 1);
    assert_int_equal(refused, N - 1);
    assert_int_equal(ratings_of(d.id), 1);
    settle_connections();
}

/* ---- "không hài lòng" and the leader's answer ------------------------------------------------ */

static void dissatisfied_waits_for_the_leader(void **state)
{
    (void)state;
    intake_result d;
    finished_dossier("chuyenvien1", true, &d);
    response r = citizen_rate(d.code, d.secret, "dissatisfied", "&ly_do=++", false);
    assert_status(r, 422);
    assert_contains(r.body, "Xin cho biết lý do ông/bà không hài lòng.");
    response_free(&r);
    assert_int_equal(ratings_of(d.id), 0);
    r = citizen_rate(d.code, d.secret, "dissatisfied",
                     "&kenh=tin-nhan&ly_do=Ph%E1%BA%A3i+%C4%91i+l%E1%BA%A1i+ba+l%E1%BA%A7n", false);
    assert_status(r, 303);
    response_free(&r);
    int64_t rid = sql_int("SELECT id FROM ratings WHERE dossier_id = %lld AND follow_status = 'awaiting' AND "
                          "channel = 'message' AND reason = 'Phải đi lại ba lần'", (long long)d.id);
    assert_true(rid > 0);
    /* it is also a case of the citizen's voice about the dossier, on its own clock */
    int64_t fid = sql_int("SELECT id FROM feedback WHERE source_ref = 'rating:%lld' AND channel = 'rating' AND "
                          "kind = 'gop_y' AND dossier_id = %lld AND status = 'received' AND content LIKE "
                          "'Phải đi lại ba lần%%' AND clock_at > 0", (long long)rid, (long long)d.id);
    assert_true(fid > 0);

    /* the leaders' list shows it waiting */
    session leader, desk, other;
    sign_in("lanhdao1", &leader);
    sign_in("canbo1", &desk);
    sign_in("canbo2", &other);
    r = request("GET", "/danh-gia/phan-hoi", NULL, leader.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, d.code);
    assert_contains(r.body, "Phải đi lại ba lần");
    assert_contains(r.body, "Chờ lãnh đạo trả lời");
    response_free(&r);
    /* the leader's dashboard counts what waits (the demo's history has some too) */
    static const char awaiting_sql[] = "SELECT COUNT(*) FROM ratings WHERE follow_status = 'awaiting' AND unit_id = "
                                       "(SELECT id FROM units WHERE code = '05443')";
    int64_t waiting = sql_int(awaiting_sql);
    assert_true(waiting >= 1);
    r = request("GET", "/bang-dieu-khien", NULL, leader.cookie, NULL);
    char counter[160];
    snprintf(counter, sizeof counter, "href=\"/danh-gia/phan-hoi\"><span class=\"tt-count__n\">%lld<", (long long)waiting);
    assert_contains(r.body, counter);
    response_free(&r);
    char path[160], form[256];
    snprintf(path, sizeof path, "/danh-gia/%lld/tra-loi", (long long)rid);
    /* only a leader answers, only of the unit, never blank */
    r = post_form(&desk, path, "&tra_loi=Xin+l%E1%BB%97i");
    assert_status(r, 403);
    response_free(&r);
    r = post_form(&other, path, "&tra_loi=Xin+l%E1%BB%97i");
    assert_status(r, 403);
    response_free(&r);
    r = post_form(&leader, path, "&tra_loi=+");
    assert_status(r, 422);
    assert_contains(r.body, "Xin viết câu trả lời cho người dân.");
    response_free(&r);
    snprintf(form, sizeof form, "&tra_loi=%s", enc("Đơn vị xin lỗi ông/bà; từ tháng sau hồ sơ khai sinh trả trong ngày."));
    r = post_form(&leader, path, form);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM ratings WHERE id = %lld AND follow_status = 'answered' AND "
                             "answered_by = %lld AND answer LIKE 'Đơn vị xin lỗi%%'", (long long)rid,
                             (long long)user_id("lanhdao1")), 1);
    assert_int_equal(audits("rating.answer", rid), 1);
    /* the same answer closes the feedback case: the leader answers once */
    assert_int_equal(sql_int("SELECT COUNT(*) FROM feedback WHERE id = %lld AND status = 'resolved' AND "
                             "answer LIKE 'Đơn vị xin lỗi%%' AND closed_at IS NOT NULL", (long long)fid), 1);
    /* one fewer waits */
    assert_int_equal(sql_int(awaiting_sql), waiting - 1);
    r = request("GET", "/bang-dieu-khien", NULL, leader.cookie, NULL);
    snprintf(counter, sizeof counter, "href=\"/danh-gia/phan-hoi\"><span class=\"tt-count__n\">%lld<", (long long)waiting - 1);
    assert_contains(r.body, counter);
    response_free(&r);
    /* answered once */
    r = post_form(&leader, path, "&tra_loi=L%E1%BA%A7n+hai");
    assert_status(r, 409);
    response_free(&r);
    /* the citizen reads the answer on the rating page */
    snprintf(path, sizeof path, "/danh-gia?ma=%s&bm=%s", d.code, d.secret);
    r = get(path);
    assert_contains(r.body, "Lãnh đạo đã trả lời");
    assert_contains(r.body, "từ tháng sau hồ sơ khai sinh trả trong ngày");
    response_free(&r);
}

/* ---- the desk's tablet and paper slips ---------------------------------------------------------- */

static void kiosk_at_the_desk(void **state)
{
    (void)state;
    session desk, other;
    sign_in("canbo1", &desk);
    sign_in("canbo2", &other);
    /* the start screen: no staff menu for the citizen at the tablet */
    response r = request("GET", "/danh-gia/tai-quay", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Mã hồ sơ in trên giấy hẹn, hoặc quét mã QR");
    assert_lacks(r.body, "href=\"/tiep-nhan\"");
    assert_lacks(r.body, "href=\"/ho-so\"");
    response_free(&r);
    /* citizens need an account-less page; the kiosk needs the desk's session */
    r = get("/danh-gia/tai-quay");
    assert_status(r, 303);
    response_free(&r);

    /* returned at the desk today: the code alone is enough */
    intake_result d;
    finished_dossier(NULL, true, &d);
    char path[512], body[512];
    snprintf(path, sizeof path, "/danh-gia/tai-quay?ma=%s", d.code);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "name=\"muc\" value=\"very_satisfied\"");
    assert_contains(r.body, "name=\"muc\" value=\"dissatisfied\"");
    response_free(&r);
    /* another commune's officer does not find it */
    r = request("GET", path, NULL, other.cookie, NULL);
    assert_status(r, 404);
    response_free(&r);
    /* "không hài lòng" without a reason: the next screen asks only for it */
    snprintf(body, sizeof body, "&ma=%s&muc=dissatisfied", d.code);
    r = post_form(&desk, "/danh-gia/tai-quay", body);
    assert_status(r, 422);
    assert_contains(r.body, "Xin cho biết lý do ông/bà không hài lòng");
    assert_contains(r.body, "type=\"hidden\" name=\"muc\" value=\"dissatisfied\"");
    response_free(&r);
    snprintf(body, sizeof body, "&ma=%s&muc=very_satisfied", d.code);
    r = post_form(&desk, "/danh-gia/tai-quay", body);
    assert_status(r, 303);
    assert_contains(r.headers, "cam_on=1");
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM ratings WHERE dossier_id = %lld AND channel = 'kiosk' AND "
                             "level = 'very_satisfied' AND entered_by = %lld AND official_id = %lld",
                             (long long)d.id, (long long)user_id("canbo1"), (long long)user_id("canbo1")), 1);
    /* the thanks screen resets itself, with or without script */
    r = request("GET", "/danh-gia/tai-quay?cam_on=1", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.headers, "Refresh: 10; url=/danh-gia/tai-quay");
    assert_contains(r.body, "Cảm ơn ông/bà đã đánh giá!");
    response_free(&r);
    /* the same dossier again: already rated */
    r = post_form(&desk, "/danh-gia/tai-quay", body);
    assert_status(r, 409);
    assert_contains(r.body, "Mỗi hồ sơ chỉ được đánh giá một lần");
    response_free(&r);

    /* a result not handed over today needs the slip's secret, or its QR code scanned */
    intake_result e;
    finished_dossier("chuyenvien1", false, &e);
    snprintf(path, sizeof path, "/danh-gia/tai-quay?ma=%s", e.code);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Xin nhập thêm mã tra cứu");
    assert_lacks(r.body, "name=\"muc\"");
    response_free(&r);
    snprintf(body, sizeof body, "&ma=%s&muc=satisfied", e.code);
    r = post_form(&desk, "/danh-gia/tai-quay", body);
    assert_status(r, 403);
    response_free(&r);
    /* the scanner types the slip's tracking link into the field */
    snprintf(path, sizeof path, "/danh-gia/tai-quay?ma=%s", enc("https://motcua.example.vn/tra-cuu?ma="));
    snprintf(path + strlen(path), sizeof path - strlen(path), "%s%s%s", e.code, enc("&bm="), e.secret);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "name=\"muc\" value=\"satisfied\"");
    char hidden[128];
    snprintf(hidden, sizeof hidden, "name=\"bm\" value=\"%s\"", e.secret);
    assert_contains(r.body, hidden);
    response_free(&r);
    snprintf(body, sizeof body, "&ma=%s&bm=%s&muc=satisfied", e.code, e.secret);
    r = post_form(&desk, "/danh-gia/tai-quay", body);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(ratings_of(e.id), 1);
}

static void paper_slips_keyed_in(void **state)
{
    (void)state;
    session desk, other;
    sign_in("canbo1", &desk);
    sign_in("canbo2", &other);
    intake_result d;
    finished_dossier("chuyenvien1", true, &d);
    response r = request("GET", "/danh-gia/phieu", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Nhập phiếu đánh giá");
    response_free(&r);
    /* the blank slip the desk prints: the four boxes, the code to write in, the QR's address */
    r = request("GET", "/danh-gia/phieu.pdf", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.headers, "application/pdf");
    char *text = pdf_text(&r, "slip");
    response_free(&r);
    assert_contains(text, "PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG");
    assert_contains(text, "Mã hồ sơ (in trên giấy hẹn)");
    assert_contains(text, "□ Rất hài lòng");
    assert_contains(text, "□ Không hài lòng");
    assert_contains(text, "/danh-gia");
    assert_int_equal(pages(text), 1);
    free(text);
    char body[512];
    /* a day after today, another unit's officer, an unknown code: refused */
    snprintf(body, sizeof body, "&ma=%s&muc=neutral&ngay=01/01/2099", d.code);
    r = post_form(&desk, "/danh-gia/phieu", body);
    assert_status(r, 400);
    assert_contains(r.body, "Ngày đánh giá phải từ ngày hồ sơ có kết quả đến hôm nay.");
    response_free(&r);
    snprintf(body, sizeof body, "&ma=%s&muc=neutral&ngay=31/02/2026", d.code);
    r = post_form(&desk, "/danh-gia/phieu", body);
    assert_status(r, 400);
    assert_contains(r.body, "Ngày trên phiếu phải có dạng ngày/tháng/năm.");
    response_free(&r);
    snprintf(body, sizeof body, "&ma=%s&muc=neutral", d.code);
    r = post_form(&other, "/danh-gia/phieu", body);
    assert_status(r, 404);
    response_free(&r);
    r = post_form(&desk, "/danh-gia/phieu", "&ma=KHONG-CO&muc=neutral");
    assert_status(r, 404);
    assert_contains(r.body, "Không tìm thấy hồ sơ có mã này tại đơn vị");
    response_free(&r);
    assert_int_equal(ratings_of(d.id), 0);
    /* the slip, keyed in with today's date as the form proposes; lower case code as typed */
    char code_lower[64];
    for (size_t i = 0; i <= strlen(d.code); i++) code_lower[i] = (char)tolower((unsigned char)d.code[i]);
    snprintf(body, sizeof body, "&ma=%s&muc=neutral&ngay=", code_lower);
    r = post_form(&desk, "/danh-gia/phieu", body);
    assert_status(r, 303);
    assert_contains(r.headers, "da_ghi=");
    response_free(&r);
    int64_t rid = sql_int("SELECT id FROM ratings WHERE dossier_id = %lld AND channel = 'paper' AND level = 'neutral' "
                          "AND entered_by = %lld", (long long)d.id, (long long)user_id("canbo1"));
    assert_true(rid > 0);
    assert_int_equal(sql_int("SELECT user_id FROM audit_log WHERE action = 'rating.create' AND entity_id = %lld",
                             (long long)rid), user_id("canbo1"));
    /* the citizen cannot rate the same dossier online afterwards */
    r = citizen_rate(d.code, d.secret, "very_satisfied", NULL, false);
    assert_status(r, 409);
    response_free(&r);
}

/* ---- figures ------------------------------------------------------------------------------------ */

static json_t *figures_json(session *s, const char *query)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/ratings/figures%s", query);
    response r = request("GET", path, NULL, s->cookie, "Accept: application/json");
    assert_status(r, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    response_free(&r);
    assert_non_null(j);
    return j;
}

/* The row of `list` whose `field` is `value`; NULL when none. */
static json_t *row_named(json_t *list, const char *field, const char *value)
{
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row) if (!strcmp(json_string_value(json_object_get(row, field)) ?: "", value)) return row;
    return NULL;
}

static int64_t count_in(json_t *row, const char *level)
{
    return row ? json_integer_value(json_object_get(json_object_get(row, "counts"), level)) : 0;
}

static int64_t int_in(json_t *row, const char *field)
{
    return row ? json_integer_value(json_object_get(row, field)) : 0;
}

static void figures_per_official_and_unit(void **state)
{
    (void)state;
    session leader, desk, assessor;
    sign_in("lanhdao1", &leader);
    sign_in("canbo1", &desk);
    sign_in("thamdinh", &assessor);
    char spec_key[32], desk_key[32];
    snprintf(spec_key, sizeof spec_key, "%lld", (long long)user_id("chuyenvien1"));
    snprintf(desk_key, sizeof desk_key, "%lld", (long long)user_id("canbo1"));
    json_t *before = figures_json(&leader, "?tu=2020-01-01");   /* the demo rated its history too */
    json_t *spec0 = row_named(json_object_get(before, "by_official"), "key", spec_key);
    json_t *desk0 = row_named(json_object_get(before, "by_official"), "key", desk_key);
    json_t *total0 = json_object_get(before, "total");

    /* chuyenvien1: very satisfied and dissatisfied; canbo1: satisfied */
    intake_result a, b, c;
    finished_dossier("chuyenvien1", true, &a);
    finished_dossier("chuyenvien1", true, &b);
    finished_dossier(NULL, true, &c);
    response r = citizen_rate(a.code, a.secret, "very_satisfied", NULL, true);
    assert_status(r, 201);
    response_free(&r);
    r = citizen_rate(b.code, b.secret, "dissatisfied", "&ly_do=Thi%E1%BA%BFu+h%C6%B0%E1%BB%9Bng+d%E1%BA%ABn", true);
    assert_status(r, 201);
    response_free(&r);
    r = citizen_rate(c.code, c.secret, "satisfied", NULL, true);
    assert_status(r, 201);
    response_free(&r);

    json_t *after = figures_json(&leader, "?tu=2020-01-01");
    json_t *spec1 = row_named(json_object_get(after, "by_official"), "key", spec_key);
    json_t *desk1 = row_named(json_object_get(after, "by_official"), "key", desk_key);
    json_t *total1 = json_object_get(after, "total");
    assert_non_null(spec1);
    assert_int_equal(count_in(spec1, "very_satisfied") - count_in(spec0, "very_satisfied"), 1);
    assert_int_equal(count_in(spec1, "dissatisfied") - count_in(spec0, "dissatisfied"), 1);
    assert_int_equal(int_in(spec1, "total") - int_in(spec0, "total"), 2);
    assert_int_equal(int_in(spec1, "satisfied") - int_in(spec0, "satisfied"), 1);
    assert_int_equal(int_in(spec1, "dissatisfied") - int_in(spec0, "dissatisfied"), 1);
    assert_int_equal(count_in(desk1, "satisfied") - count_in(desk0, "satisfied"), 1);
    assert_int_equal(int_in(total1, "total") - int_in(total0, "total"), 3);
    assert_int_equal(int_in(total1, "satisfied") - int_in(total0, "satisfied"), 2);
    /* the share is (very satisfied + satisfied) / all, for each row */
    int64_t n = int_in(spec1, "total"), sat = count_in(spec1, "very_satisfied") + count_in(spec1, "satisfied");
    assert_int_equal(int_in(spec1, "satisfied"), sat);
    double share = json_real_value(json_object_get(spec1, "satisfied_share"));
    assert_true(share > 100.0 * (double)sat / (double)n - 0.001 && share < 100.0 * (double)sat / (double)n + 0.001);
    /* the unit's own figures equal the sum over its officials */
    int64_t sum = 0;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(after, "by_official"), i, row) sum += int_in(row, "total");
    assert_int_equal(sum, int_in(total1, "total"));
    assert_int_equal(int_in(total1, "total"),
                     sql_int("SELECT COUNT(*) FROM ratings WHERE unit_id = (SELECT id FROM units WHERE code = '05443')"));
    int64_t unit_total = int_in(total1, "total");
    json_decref(before);
    json_decref(after);

    /* per unit: the province's assessor sees both communes, each with its own count (the
       ward's includes this case's three, the other commune's only the demo's) */
    json_t *prov = figures_json(&assessor, "?don_vi=19&tu=2020-01-01");
    json_t *units = json_object_get(prov, "by_unit");
    char *name = sql_text("SELECT name FROM units WHERE code = '05443'");
    json_t *ward = row_named(units, "name", name);
    free(name);
    assert_non_null(ward);
    assert_int_equal(int_in(ward, "total"), unit_total);
    name = sql_text("SELECT name FROM units WHERE code = '05602'");
    json_t *commune = row_named(units, "name", name);
    free(name);
    assert_non_null(commune);
    assert_int_equal(int_in(commune, "total"),
                     sql_int("SELECT COUNT(*) FROM ratings WHERE unit_id = (SELECT id FROM units WHERE code = '05602')"));
    json_decref(prov);
    /* a period before any rating counts nothing */
    json_t *old = figures_json(&leader, "?tu=2020-01-01&den=2020-12-31");
    assert_int_equal(int_in(json_object_get(old, "total"), "total"), 0);
    json_decref(old);

    /* the page for leaders; an officer is refused */
    r = request("GET", "/danh-gia/thong-ke", NULL, leader.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Tỷ lệ hài lòng");
    char *spec_name = sql_text("SELECT full_name FROM users WHERE username = 'chuyenvien1'");
    assert_contains(r.body, spec_name);
    free(spec_name);
    response_free(&r);
    /* the province's assessor chooses the unit */
    r = request("GET", "/danh-gia/thong-ke?don_vi=05602", NULL, assessor.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "<option value=\"05602\" selected>");
    assert_contains(r.body, "<option value=\"05443\" >");
    response_free(&r);
    r = request("GET", "/danh-gia/thong-ke", NULL, desk.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    r = request("GET", "/api/v1/ratings/figures?tu=2026-13-01", NULL, leader.cookie, "Accept: application/json");
    assert_status(r, 400);
    response_free(&r);
}

/* The other way round: an officer answers the rating's feedback case on the desk pages, and
 * the rating takes the same answer, no longer waiting for the leader. */
static void answering_the_case_answers_the_rating(void **state)
{
    (void)state;
    intake_result d;
    finished_dossier("chuyenvien1", true, &d);
    response r = citizen_rate(d.code, d.secret, "dissatisfied", "&ly_do=Thi%E1%BA%BFu+gh%E1%BA%BF+ch%E1%BB%9D", false);
    assert_status(r, 303);
    response_free(&r);
    int64_t rid = sql_int("SELECT id FROM ratings WHERE dossier_id = %lld AND follow_status = 'awaiting'", (long long)d.id);
    int64_t fid = sql_int("SELECT id FROM feedback WHERE source_ref = 'rating:%lld'", (long long)rid);
    assert_true(rid > 0 && fid > 0);
    session desk;
    sign_in("canbo1", &desk);
    char path[96];
    snprintf(path, sizeof path, "/phan-anh/%lld/resolve", (long long)fid);
    r = post_form(&desk, path, "&note=%C4%90%C3%A3+k%C3%AA+th%C3%AAm+gh%E1%BA%BF+ch%E1%BB%9D.");
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM ratings WHERE id = %lld AND follow_status = 'answered' AND "
                             "answer = 'Đã kê thêm ghế chờ.' AND answered_by = %lld", (long long)rid,
                             (long long)user_id("canbo1")),
                     1);
    assert_int_equal(audits("rating.answer", rid), 1);
    /* the leader's list no longer shows it waiting */
    session leader;
    sign_in("lanhdao1", &leader);
    snprintf(path, sizeof path, "/danh-gia/%lld/tra-loi", (long long)rid);
    r = post_form(&leader, path, "&tra_loi=L%E1%BA%A7n+hai");
    assert_status(r, 409);
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rating_after_result_with_secret),
        cmocka_unit_test(result_message_links_to_rating),
        cmocka_unit_test(concurrent_ratings_one_wins),
        cmocka_unit_test(dissatisfied_waits_for_the_leader),
        cmocka_unit_test(answering_the_case_answers_the_rating),
        cmocka_unit_test(kiosk_at_the_desk),
        cmocka_unit_test(paper_slips_keyed_in),
        cmocka_unit_test(figures_per_official_and_unit),
    };
    int failed = cmocka_run_group_tests_name("rating", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
