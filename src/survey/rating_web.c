/* rating_web.c -- the rating pages (rating.h): the citizen's (code + lookup secret, from the
 * tracking page or the result message's link), the desk tablet's kiosk (big buttons, resets
 * itself), the officer's key-in of paper slips, the leaders' list of "không hài lòng" to
 * answer, and the figures per unit and official (a page and JSON).
 *
 * The citizen's page works without script; wrong code/secret guesses count against the same
 * limit as tracking (track_limit_*). The kiosk runs under the desk officer's session, without
 * the staff menu (page.kiosk): a citizen there types the code and the secret of the slip, or
 * scans its QR code (the tracking link, which holds both) with the desk's scanner; the code
 * alone is enough for a dossier whose result was handed over at the desk today. */
#include <string.h>

#include "../account/account.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../dossier/indicators.h"
#include "../kit/form.h"
#include "../kit/links.h"
#include "../kit/web.h"
#include "rating.h"

#define KIOSK_RESET_SECONDS 10     /* the thanks screen goes back to the start */

static const char *printed(req *r, const char *typed) { return text_code_printed(r->a, typed); }

static const char *url_enc(req *r, const char *s)
{
    char *out = NULL;
    form_url_encode(r->a, s ? s : "", &out);
    return out ? out : "";
}

static bool is_leader(const req *r)
{
    return r->user && (!strcmp(r->user->role, "leader") || !strcmp(r->user->role, "admin"));
}

/* The dossier the model shows: code, procedure, status and whether it may be rated. */
static json_t *dossier_model(const dossier_handled *h)
{
    bool has_result = !strcmp(h->status, "done") || !strcmp(h->status, "returned");
    return json_pack("{s:s, s:s, s:s, s:b}", "code", h->code, "procedure_name", h->procedure_name, "status_label",
                     dossier_status_label(h->status), "has_result", has_result);
}

/* Fills the model with the dossier, its rating if it has one, else the levels to choose. */
static void rating_model(req *r, json_t *model, const dossier_handled *h, const char *chosen)
{
    json_object_set_new(model, "d", dossier_model(h));
    json_t *done = rating_of_dossier(req_db(r), r->a, h->id);
    if (done) json_object_set_new(model, "rated", done);
    else json_object_set_new(model, "levels", rating_levels_json(req_db(r), r->a, cal_local_day(req_now(r)), chosen));
}

/* ---- the citizen: code + secret -------------------------------------------------------------- */

/* Looks the dossier up for a citizen, under tracking's limit on wrong guesses; false with
 * *status 404 or 429 and a message in the model. */
static bool citizen_lookup(req *r, const char *code, const char *secret, dossier_handled *h, json_t *model, int *status)
{
    int64_t now = req_now(r), wait = track_limit_wait(r->client, code, now);
    if (wait > 0) {
        web_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)wait));
        json_object_set_new(model, "error", json_string(arena_printf(r->a,
            T(r, N_("Bạn đã nhập sai nhiều lần. Xin đợi %lld phút rồi thử lại.")), (long long)(wait + 59) / 60)));
        *status = 429;
        return false;
    }
    if (!dossier_handled_get(req_db(r), r->a, code, secret, h)) {
        track_limit_failed(r->client, code, now);
        json_object_set_new(model, "error", json_string(T(r,
            N_("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Xin kiểm tra lại trên giấy hẹn."))));
        *status = 404;
        return false;
    }
    return true;
}

static const char *citizen_channel(const char *kenh)
{
    return kenh && !strcmp(kenh, "tin-nhan") ? "message" : "web";
}

static void render_citizen(req *r, int status, json_t *model)
{
    json_object_set_new(model, "page", web_page_info(r, "Đánh giá sự phục vụ"));
    web_render(r, status, "survey/rating_form", model);
}

void page_rating_form(req *r)
{
    const char *code = printed(r, req_query(r, "ma")), *secret = printed(r, req_query(r, "bm"));
    const char *kenh = req_query(r, "kenh");
    json_t *model = json_pack("{s:s, s:s, s:s, s:b}", "code", code, "secret", secret, "kenh",
                              kenh && !strcmp(kenh, "tin-nhan") ? "tin-nhan" : "", "sent",
                              req_query(r, "da_gui") != NULL);
    int status = 200;
    dossier_handled h;
    if (*code && *secret && citizen_lookup(r, code, secret, &h, model, &status)) rating_model(r, model, &h, NULL);
    render_citizen(r, status, model);
}

void page_rating_submit(req *r)
{
    const char *code = printed(r, req_form(r, "ma")), *secret = printed(r, req_form(r, "bm"));
    const char *kenh = req_form(r, "kenh"), *level = req_form(r, "muc"), *reason = req_form(r, "ly_do");
    json_t *model = json_pack("{s:s, s:s, s:s, s:s}", "code", code, "secret", secret, "kenh",
                              kenh && !strcmp(kenh, "tin-nhan") ? "tin-nhan" : "", "reason", reason ? reason : "");
    int status = 200;
    dossier_handled h;
    if (!*secret) {   /* not a guess: the form was sent without it */
        status = 400;
        json_object_set_new(model, "error", json_string(T(r,
            N_("Cần mã tra cứu (6 ký tự in cạnh mã QR trên giấy hẹn) để đánh giá hồ sơ."))));
    }
    if (status != 200 || !citizen_lookup(r, code, secret, &h, model, &status)) {
        if (r->want_json) {
            json_decref(model);
            web_error(r, status, status == 429   ? N_("Quá nhiều lần tra cứu sai; xin thử lại sau.")
                                 : status == 400 ? N_("Cần mã tra cứu (6 ký tự in cạnh mã QR trên giấy hẹn) để đánh giá hồ sơ.")
                                                 : N_("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này."));
            return;
        }
        render_citizen(r, status, model);
        return;
    }
    err e = {0};
    int64_t now = req_now(r), id = 0;
    rating_input in = {.level = level, .reason = reason, .channel = citizen_channel(kenh), .rated_at = now, .now = now};
    if (rating_submit(req_db(r), r->a, &h, &in, &id, &e)) {
        if (r->want_json) {
            json_decref(model);
            web_err(r, &e);
            return;
        }
        web_model_err(r, model, &e);
        rating_model(r, model, &h, level);
        render_citizen(r, e.status, model);
        return;
    }
    if (r->want_json) {
        json_decref(model);
        web_json(r, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "dossier", h.code, "level", level));
        return;
    }
    json_decref(model);
    web_redirect(r, arena_printf(r->a, "%s&da_gui=1", link_rating(r->a, h.code, secret)));
}

/* ---- the desk's tablet ------------------------------------------------------------------------ */

/* The dossier a kiosk may rate: of the officer's units; with the slip's secret, or without it
 * when its result was handed over at the desk today. false with *status and a message. */
static bool kiosk_lookup(req *r, const char *code, const char *secret, dossier_handled *h, json_t *model, int *status)
{
    bool found = *code && dossier_handled_get(req_db(r), r->a, code, *secret ? secret : NULL, h) &&
                 account_can_access(req_db(r), r->user, h->unit_id);
    if (!found) {
        *status = 404;
        json_object_set_new(model, "error", json_string(T(r, *secret
            ? N_("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Xin kiểm tra lại trên giấy hẹn.")
            : N_("Không tìm thấy hồ sơ có mã này tại đơn vị. Xin kiểm tra lại mã trên giấy hẹn."))));
        return false;
    }
    bool today = h->returned_at && cal_local_day(h->returned_at) == cal_local_day(req_now(r));
    if (!*secret && !today) {
        *status = 403;   /* the GET that asks for it answers 200 */
        json_object_set_new(model, "need_secret", json_true());
        json_object_set_new(model, "error", json_string(T(r,
            N_("Xin nhập thêm mã tra cứu in cạnh mã QR trên giấy hẹn, hoặc quét mã QR."))));
        return false;
    }
    return true;
}

static void render_kiosk(req *r, int status, json_t *model)
{
    json_t *page = web_page_info(r, "Đánh giá sự phục vụ");
    json_object_set_new(page, "kiosk", json_true());
    json_object_set_new(model, "page", page);
    json_object_set_new(model, "reset_seconds", json_integer(KIOSK_RESET_SECONDS));
    web_render(r, status, "survey/rating_kiosk", model);
}

void page_rating_kiosk(req *r)
{
    json_t *model = json_object();
    int status = 200;
    if (req_query(r, "cam_on")) {   /* the thanks screen, which goes back to the start by itself */
        json_object_set_new(model, "thanks", json_true());
        web_header(r, "Refresh", arena_printf(r->a, "%d; url=/danh-gia/tai-quay", KIOSK_RESET_SECONDS));
        render_kiosk(r, status, model);
        return;
    }
    const char *code, *secret;
    rating_scan(r->a, req_query(r, "ma"), req_query(r, "bm"), &code, &secret);
    json_object_set_new(model, "code", json_string(code));
    json_object_set_new(model, "secret", json_string(secret));
    dossier_handled h;
    if (*code && kiosk_lookup(r, code, secret, &h, model, &status)) {
        rating_model(r, model, &h, NULL);
        json_object_set_new(model, "step_rate", json_true());
    }
    if (status == 403) status = 200;   /* the form asks for the secret */
    render_kiosk(r, status, model);
}

void page_rating_kiosk_submit(req *r)
{
    const char *code, *secret, *level = req_form(r, "muc"), *reason = req_form(r, "ly_do");
    rating_scan(r->a, req_form(r, "ma"), req_form(r, "bm"), &code, &secret);
    json_t *model = json_pack("{s:s, s:s, s:s}", "code", code, "secret", secret, "reason", reason ? reason : "");
    int status = 200;
    dossier_handled h;
    if (!kiosk_lookup(r, code, secret, &h, model, &status)) {
        render_kiosk(r, status, model);
        return;
    }
    err e = {0};
    int64_t now = req_now(r), id = 0;
    rating_input in = {.level = level, .reason = reason, .channel = "kiosk", .entered_by = r->user->id,
                       .rated_at = now, .now = now};
    if (rating_submit(req_db(r), r->a, &h, &in, &id, &e)) {
        if (r->want_json) {
            json_decref(model);
            web_err(r, &e);
            return;
        }
        web_model_err(r, model, &e);
        rating_model(r, model, &h, level);
        json_object_set_new(model, "step_rate", json_true());
        /* a "không hài lòng" without its reason: the next screen asks only for the reason */
        if (e.status == 422 && !strcmp(e.field, "ly_do")) {
            json_object_set_new(model, "ask_reason", json_true());
            json_object_set_new(model, "level", json_string(level));
        }
        render_kiosk(r, e.status, model);
        return;
    }
    json_decref(model);
    if (r->want_json) web_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "dossier", h.code));
    else web_redirect(r, "/danh-gia/tai-quay?cam_on=1");
}

/* ---- paper slips keyed in by the desk --------------------------------------------------------- */

static void render_paper(req *r, int status, json_t *model, const char *chosen)
{
    if (!json_object_get(model, "levels"))
        json_object_set_new(model, "levels", rating_levels_json(req_db(r), r->a, cal_local_day(req_now(r)), chosen));
    json_object_set_new(model, "page", web_page_info(r, "Nhập phiếu đánh giá"));
    web_render(r, status, "survey/rating_paper", model);
}

void page_rating_paper(req *r)
{
    char today[11];
    cal_format_dmy(cal_local_day(req_now(r)), today);
    json_t *model = json_pack("{s:s, s:s}", "code", "", "day", today);
    const char *saved = req_query(r, "da_ghi");
    if (saved) json_object_set_new(model, "saved", json_string(saved));
    render_paper(r, 200, model, NULL);
}

void page_rating_paper_submit(req *r)
{
    const char *code = printed(r, req_form(r, "ma")), *level = req_form(r, "muc"), *reason = req_form(r, "ly_do");
    const char *day_typed = req_form(r, "ngay");
    json_t *model = json_pack("{s:s, s:s, s:s}", "code", code, "day", day_typed ? day_typed : "", "reason",
                              reason ? reason : "");
    err e = {0};
    dossier_handled h;
    if (!*code || !dossier_handled_get(req_db(r), r->a, code, NULL, &h) ||
        !account_can_access(req_db(r), r->user, h.unit_id)) {
        err_set(&e, 404, N_("Không tìm thấy hồ sơ có mã này tại đơn vị. Xin kiểm tra lại mã trên phiếu."), "paper: %s",
                code);
        err_field(&e, "ma");
        goto fail;
    }
    int64_t now = req_now(r), rated_at = now, id = 0;
    cal_day day = cal_local_day(now);
    if (!text_is_blank(day_typed) && !cal_parse_typed_date(text_trim(r->a, day_typed), &day)) {
        err_set(&e, 400, N_("Ngày trên phiếu phải có dạng ngày/tháng/năm."), "paper: day %s", day_typed);
        err_field(&e, "ngay");
        goto fail;
    }
    if (day != cal_local_day(now)) rated_at = cal_instant(day, 12 * 60);   /* a day before today: its noon */
    if (day > cal_local_day(now)) rated_at = now + 86400;                   /* refused below as in the future */
    rating_input in = {.level = level, .reason = reason, .channel = "paper", .entered_by = r->user->id,
                       .rated_at = rated_at, .now = now};
    if (rating_submit(req_db(r), r->a, &h, &in, &id, &e)) goto fail;
    json_decref(model);
    if (r->want_json) web_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "dossier", h.code));
    else web_redirect(r, arena_printf(r->a, "/danh-gia/phieu?da_ghi=%s", url_enc(r, h.code)));
    return;
fail:
    if (r->want_json) {
        json_decref(model);
        web_err(r, &e);
        return;
    }
    web_model_err(r, model, &e);
    render_paper(r, e.status, model, level);
}

void page_rating_slip_pdf(req *r)
{
    buf out;
    buf_init(&out, r->a);
    err e = {0};
    if (rating_slip_pdf(req_db(r), r->a, r->user->unit_id, web_public_base(r), req_now(r), &out, &e)) {
        web_err(r, &e);
        return;
    }
    web_header(r, "Content-Disposition", "inline; filename=\"phieu-danh-gia.pdf\"");
    web_body(r, 200, "application/pdf", out.data, out.len);
}

/* ---- the leaders' answers ---------------------------------------------------------------------- */

int64_t scope_rating_param(req *r) { return web_scope_by_table(r, "ratings"); }

static int64_t viewer_unit(req *r)
{
    int64_t unit = web_unit_param(r);
    return unit > 0 ? unit : r->user->unit_id;
}

static void render_followups(req *r, int status, int64_t unit, json_t *model)
{
    json_object_set_new(model, "items", rating_followups(req_db(r), r->a, unit, 200));
    json_object_set_new(model, "awaiting", json_integer(rating_awaiting_count(req_db(r), unit)));
    json_object_set_new(model, "can_answer", json_boolean(is_leader(r)));
    json_object_set_new(model, "page", web_page_info(r, "Ý kiến không hài lòng"));
    web_render(r, status, "survey/rating_followups", model);
}

void page_rating_followups(req *r)
{
    json_t *model = json_pack("{s:b}", "answered", req_query(r, "da_tra_loi") != NULL);
    render_followups(r, 200, viewer_unit(r), model);
}

void page_rating_answer(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy đánh giá."), &id)) return;
    if (!is_leader(r)) {
        web_error(r, 403, N_("Chỉ lãnh đạo đơn vị mới trả lời ý kiến không hài lòng."));
        return;
    }
    err e = {0};
    if (rating_answer(req_db(r), r->a, id, req_form(r, "tra_loi"), r->user->id, req_now(r), &e)) {
        if (r->want_json) {
            web_err(r, &e);
            return;
        }
        json_t *model = json_pack("{s:I, s:s}", "error_id", (json_int_t)id, "answer_typed",
                                  req_form(r, "tra_loi") ? req_form(r, "tra_loi") : "");
        web_model_err(r, model, &e);
        render_followups(r, e.status, db_int_by_id(req_db(r), "SELECT unit_id FROM ratings WHERE id = ?", id,
                                                    r->user->unit_id), model);
        return;
    }
    if (r->want_json) web_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "follow_status", "answered"));
    else web_redirect(r, "/danh-gia/phan-hoi?da_tra_loi=1");
}

/* ---- figures ----------------------------------------------------------------------------------- */

/* Leaders, administrators and the province's assessors read the figures. */
static bool reads_figures(const req *r)
{
    return is_leader(r) || !strcmp(r->user->role, "assessor");
}

/* The figures for ?don_vi= and ?tu= ?den=, with a row for each unit the viewer may see;
 * NULL with e filled for a bad period. */
static json_t *figures(req *r, err *e)
{
    cal_day from, to;
    if (indicators_period(req_query(r, "tu"), req_query(r, "den"), req_now(r), &from, &to, e)) return NULL;
    json_t *units = account_units_list(req_db(r), r->user), *u;
    size_t n = json_array_size(units), i;
    int64_t *ids = arena_alloc(r->a, (n + 1) * sizeof *ids);
    json_array_foreach(units, i, u) ids[i] = json_integer_value(json_object_get(u, "id"));
    json_decref(units);
    return rating_figures(req_db(r), r->a, viewer_unit(r), from, to, ids, n);
}

void page_rating_figures(req *r)
{
    if (!reads_figures(r)) {
        web_error(r, 403, N_("Chỉ lãnh đạo đơn vị xem số liệu đánh giá theo cán bộ."));
        return;
    }
    err e = {0};
    json_t *f = figures(r, &e);
    if (!f) {
        web_err(r, &e);
        return;
    }
    cal_day from, to;
    cal_parse_date(json_get_str(f, "from"), &from);
    cal_parse_date(json_get_str(f, "to"), &to);
    char from_dmy[11], to_dmy[11];
    cal_format_dmy(from, from_dmy);
    cal_format_dmy(to, to_dmy);
    const char *unit_code = r->user->unit_code;
    const char *q = req_query(r, "don_vi");
    if (q && *q) unit_code = q;
    json_t *model = json_pack("{s:o, s:s, s:s, s:s}", "f", f, "from_dmy", from_dmy, "to_dmy", to_dmy, "json_url",
                              arena_printf(r->a, "/api/v1/ratings/figures?don_vi=%s&tu=%s&den=%s", url_enc(r, unit_code),
                                           json_get_str(f, "from"), json_get_str(f, "to")));
    json_object_set_new(model, "unit_code", json_string(unit_code));
    /* the units the viewer may see, to choose from when there is a choice */
    json_t *all = account_units_list(req_db(r), r->user), *u, *units = json_array();
    size_t i;
    int64_t shown = viewer_unit(r);
    json_array_foreach(all, i, u) json_array_append_new(units, json_pack("{s:s, s:s, s:b}", "code", json_get_str(u, "code"),
        "name", json_get_str(u, "name"), "selected", json_integer_value(json_object_get(u, "id")) == shown));
    json_decref(all);
    if (json_array_size(units) > 1) json_object_set_new(model, "units", units);
    else json_decref(units);
    json_object_set_new(model, "page", web_page_info(r, "Đánh giá sự hài lòng"));
    web_render(r, 200, "survey/rating_figures", model);
}

void api_rating_figures(req *r)
{
    if (!reads_figures(r)) {
        web_error(r, 403, N_("Chỉ lãnh đạo đơn vị xem số liệu đánh giá theo cán bộ."));
        return;
    }
    err e = {0};
    json_t *f = figures(r, &e);
    if (!f) {
        web_err(r, &e);
        return;
    }
    web_json(r, 200, f);
}
