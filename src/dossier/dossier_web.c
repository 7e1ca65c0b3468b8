/* dossier_web.c -- the one-stop pages: intake (keyboard-first), the dossier with its
 * control sheet and actions, the lists (search, inbox, late board), the printed forms, and
 * the citizen's tracking page and JSON lookup. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../booking/booking.h"
#include "../catalog/catalog.h"
#include "../core/calendar.h"
#include "../core/text.h"
#include "../holiday/holiday.h"
#include "../web/app.h"
#include "../web/form.h"
#include "dossier.h"

static bool parse_id(req *r, int64_t *id)
{
    if (!text_parse_uint(req_param(r, "id"), INT64_MAX, id)) {
        web_error(r, 404, N_("Không tìm thấy hồ sơ."));
        return false;
    }
    return true;
}

int64_t scope_dossier_param(req *r)
{
    int64_t id;
    if (!text_parse_uint(req_param(r, "id"), INT64_MAX, &id)) return -1;
    return dossier_unit_of(req_db(r), id);
}

static json_t *error_json(req *r, const err *e)
{
    return json_pack("{s:{s:i, s:s, s:s}}", "error", "status", e->status, "message", T(r, e->user), "field", e->field);
}

static json_t *options(req *r, const char *const keys[], int n, const char *(*label)(const char *), const char *sel)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", keys[i], "label", T(r, label(keys[i])),
                                             "selected", sel && !strcmp(sel, keys[i])));
    return arr;
}

static const char *const CHANNEL_KEYS[] = {"desk", "online", "post", "post_office", "mobile", "home"};
static const char *const RETURN_KEYS[] = {"desk", "post", "online"};

/* ---- intake ------------------------------------------------------------------------------- */

static void intake_page(req *r, int status, json_t *values, const err *e)
{
    db *d = req_db(r);
    int64_t unit = r->user->unit_id;
    json_t *model = json_pack("{s:o}", "v", values);
    const char *q = req_query(r, "q");
    catalog_query cq = {.unit_id = unit, .q = q, .limit = 200};
    int64_t total = 0;
    json_object_set_new(model, "procedures", catalog_search(d, r->a, &cq, &total));
    json_object_set_new(model, "q", json_str(q));
    int64_t pid = json_integer_value(json_object_get(values, "procedure_id"));
    json_t *proc = pid ? catalog_get(d, r->a, pid) : NULL;
    if (proc) {
        const calendar *cal = holiday_calendar(d, NULL);
        cal_unit cu = holiday_unit(d, unit);
        if (cal && json_is_integer(json_object_get(proc, "days"))) {
            int64_t due = calendar_due_at(cal, &cu, req_now(r), (int)json_integer_value(json_object_get(proc, "days")));
            int y, m, dd, min = cal_local_minutes(due);
            cal_to_ymd(cal_local_day(due), &y, &m, &dd);
            json_object_set_new(proc, "due_text", json_string(arena_printf(r->a, "%02d:%02d, %02d/%02d/%04d", min / 60,
                                                                           min % 60, dd, m, y)));
        }
        json_t *papers = json_array(), *line;
        size_t i;
        bool posted = json_is_true(json_object_get(values, "posted"));
        json_array_foreach(json_object_get(proc, "papers"), i, line) {
            const char *field = arena_printf(r->a, "paper_%zu", i);
            /* a fresh form has every paper ticked; a form sent back keeps the officer's ticks */
            bool ticked = !posted || json_object_get(values, field);
            json_array_append_new(papers, json_pack("{s:O, s:s, s:b}", "name", line, "field", field, "checked", ticked));
        }
        json_object_set_new(model, "paper_count", json_integer((json_int_t)json_array_size(papers)));
        json_object_set_new(model, "papers", papers);
        json_object_set_new(model, "procedure", proc);
    }
    const char *ch = json_string_value(json_object_get(values, "channel"));
    const char *rm = json_string_value(json_object_get(values, "return_method"));
    json_object_set_new(model, "channels", options(r, CHANNEL_KEYS, 6, dossier_channel_label, ch ? ch : "desk"));
    json_object_set_new(model, "returns", options(r, RETURN_KEYS, 3, dossier_return_label, rm ? rm : "desk"));
    if (e) {
        json_object_set_new(model, "error", json_string(T(r, e->user)));
        json_object_set_new(model, "error_field", json_string(e->field));
    }
    json_object_set_new(model, "page", web_page_info(r, "Tiếp nhận hồ sơ"));
    web_render(r, status, "dossier/intake", model);
}

void page_intake_form(req *r)
{
    int64_t pid = 0;
    const char *t = req_query(r, "thu_tuc");
    if (t && !text_parse_uint(t, INT64_MAX, &pid)) pid = 0;
    json_t *v = json_pack("{s:I, s:s}", "procedure_id", (json_int_t)pid, "sets", "1");
    /* a citizen's booking pre-fills the intake: procedure, name, phone, ID */
    const char *booking = req_query(r, "lich_hen");
    booking_row b;
    err e = {0};
    if (booking && booking_find(req_db(r), booking, &b, &e) == 0 && b.unit_id == r->user->unit_id && !b.dossier_id) {
        if (!pid) json_object_set_new(v, "procedure_id", json_integer(b.procedure_id));
        json_object_set_new(v, "booking_code", json_string(b.code));
        json_object_set_new(v, "applicant_name", json_string(b.name));
        json_object_set_new(v, "applicant_phone", json_string(b.phone));
        json_object_set_new(v, "applicant_id_number", json_string(b.citizen_id));
    }
    intake_page(r, 200, v, NULL);
}

static json_t *values_from_form(req *r)
{
    json_t *v = json_object();
    for (const kv *k = r->form; k; k = k->next)
        if (strcmp(k->name, "_csrf")) json_object_set_new(v, k->name, json_string(k->value));
    json_object_set_new(v, "posted", json_true());
    int64_t pid = 0;
    text_parse_uint(req_form(r, "procedure_id"), INT64_MAX, &pid);
    json_object_set_new(v, "procedure_id", json_integer(pid));
    return v;
}

void page_intake(req *r)
{
    db *d = req_db(r);
    err e = {0};
    int64_t pid = 0, sets = 1;
    if (!text_parse_uint(req_form(r, "procedure_id"), INT64_MAX, &pid)) {
        err_set(&e, 400, N_("Chọn thủ tục trước khi tiếp nhận."), "no procedure");
        err_field(&e, "q");
    } else if (!text_is_blank(req_form(r, "sets")) && !text_parse_uint(req_form(r, "sets"), 1000, &sets)) {
        err_set(&e, 400, N_("Số lượng hồ sơ phải từ 1 đến 100 bộ."), "sets");
        err_field(&e, "sets");
    }
    /* the checklist: paper_N present = the officer ticked line N */
    int64_t npapers = 0;
    text_parse_uint(req_form(r, "paper_count"), 200, &npapers);
    bool *checked = arena_alloc(r->a, (size_t)(npapers + 1) * sizeof *checked);
    for (int64_t i = 0; i < npapers; i++) checked[i] = req_form(r, arena_printf(r->a, "paper_%lld", (long long)i)) != NULL;
    dossier_intake in = {
        .unit_id = r->user->unit_id, .procedure_id = pid,
        .applicant_name = req_form(r, "applicant_name"), .applicant_phone = req_form(r, "applicant_phone"),
        .applicant_id_number = req_form(r, "applicant_id_number"),
        .applicant_address = req_form(r, "applicant_address"), .applicant_email = req_form(r, "applicant_email"),
        .channel = req_form(r, "channel"), .return_method = req_form(r, "return_method"),
        .papers_checked = npapers ? checked : NULL, .npapers_checked = (size_t)npapers, .sets = (int)sets,
        .booking_code = req_form(r, "booking_code"), .no_letters = req_form(r, "no_letters") && !strcmp(req_form(r, "no_letters"), "1"),
        .received_at = req_now(r),
    };
    dossier_created out;
    if (!e.status && dossier_create(d, r->a, &in, r->user->id, &out, &e) == 0) {
        if (r->want_json) {
            web_json(r, 201, json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)out.id, "code", out.code, "secret",
                                       out.secret, "due_at", (json_int_t)out.due_at, "url",
                                       arena_printf(r->a, "/ho-so/%lld", (long long)out.id)));
        } else {
            web_redirect(r, arena_printf(r->a, "/ho-so/%lld?moi=1", (long long)out.id));
        }
        return;
    }
    if (r->want_json) web_json(r, e.status, error_json(r, &e));
    else intake_page(r, e.status, values_from_form(r), &e);
}

/* ---- one dossier --------------------------------------------------------------------------- */

/* An error about a date field says which day the server read, in words, as the page's
 * script did while the officer typed: a day and month swapped shows at once. A refused
 * apology date also names the latest day the apology may promise. */
static const char *date_error(req *r, int64_t id, const err *e)
{
    const char *msg = T(r, e->user);
    char words[CAL_WORDS_MAX], dmy[11];
    cal_day day;
    if (*e->field && cal_parse_typed_date(req_form(r, e->field), &day)) {
        cal_format_words(day, words);
        msg = arena_printf(r->a, "%s %s %s.", msg, T(r, N_("Ngày đã nhập:")), words);
    }
    if (e->status == 400 && !strcmp(e->field, "new_due_date") && (day = dossier_apology_latest(req_db(r), id, req_now(r))) >= 0) {
        cal_format_words(day, words);
        cal_format_dmy(day, dmy);
        msg = arena_printf(r->a, "%s %s %s (%s).", msg, T(r, N_("Ngày hẹn muộn nhất:")), words, dmy);
    }
    return msg;
}

static void show_page(req *r, int64_t id, int status, const err *e)
{
    db *d = req_db(r);
    json_t *o = dossier_get(d, r->a, id, req_now(r));
    if (!o) {
        web_error(r, 404, N_("Không tìm thấy hồ sơ."));
        return;
    }
    if (r->want_json && !e) {
        web_json(r, status, o);
        return;
    }
    json_t *model = json_pack("{s:o, s:b}", "d", o, "fresh", req_query(r, "moi") != NULL);
    json_object_set_new(model, "staff", account_unit_staff(d, json_integer_value(json_object_get(o, "unit_id"))));
    json_object_set_new(model, "returns", options(r, RETURN_KEYS, 3, dossier_return_label, "desk"));
    if (e) {
        json_object_set_new(model, "error", json_string(date_error(r, id, e)));
        json_object_set_new(model, "error_field", json_string(e->field));
        /* the date fields keep what was typed */
        json_object_set_new(model, "new_due_date", json_string(req_form(r, "new_due_date") ? req_form(r, "new_due_date") : ""));
        json_object_set_new(model, "step_due", json_string(req_form(r, "step_due") ? req_form(r, "step_due") : ""));
    }
    json_object_set_new(model, "page", web_page_info(r, arena_printf(r->a, "Hồ sơ %s", json_string_value(json_object_get(o, "code")))));
    web_render(r, status, "dossier/show", model);
}

void page_dossier_show(req *r)
{
    int64_t id;
    if (parse_id(r, &id)) show_page(r, id, 200, NULL);
}

/* The step's own deadline as typed (dd/mm/yyyy), at the unit's closing hour; 0 if blank. */
static int64_t step_due(req *r, err *e)
{
    const char *s = req_form(r, "step_due");
    cal_day day;
    if (text_is_blank(s)) return 0;
    if (!cal_parse_typed_date(s, &day)) {
        err_set(e, 400, N_("Hạn của bước xử lý phải là một ngày (ngày/tháng/năm, ví dụ 07/01/2027)."), "step due");
        err_field(e, "step_due");
        return -1;
    }
    cal_unit cu = holiday_unit(req_db(r), r->user->unit_id);
    return cal_instant(day, cu.close_minutes);
}

void page_dossier_action(req *r)
{
    int64_t id, to = 0;
    if (!parse_id(r, &id)) return;
    const char *what = req_param(r, "action");
    err e = {0};
    dossier_action act = {
        .actor_id = r->user->id, .now = req_now(r), .note = req_form(r, "note"), .reason = req_form(r, "reason"),
        .papers = req_form(r, "papers"), .new_due_date = req_form(r, "new_due_date"),
        .return_method = req_form(r, "return_method"), .postal_tracking = req_form(r, "postal_tracking"),
        .fee_paid = req_form(r, "fee_paid"), .fee_note = req_form(r, "fee_note"), .visits = req_form(r, "visits"),
    };
    db *d = req_db(r);
    int rc = -1;
    if (!strcmp(what, "chuyen")) {
        text_parse_uint(req_form(r, "to_user_id"), INT64_MAX, &to);
        act.to_user_id = to;
        act.step_due_at = step_due(r, &e);
        if (act.step_due_at >= 0) rc = dossier_handover(d, r->a, id, &act, &e);
    } else if (!strcmp(what, "bo-sung")) rc = dossier_request_supplement(d, r->a, id, &act, &e);
    else if (!strcmp(what, "tiep-tuc")) rc = dossier_resume(d, r->a, id, &act, &e);
    else if (!strcmp(what, "hoan-thanh")) rc = dossier_finish(d, r->a, id, &act, &e);
    else if (!strcmp(what, "tra-ket-qua")) rc = dossier_return(d, r->a, id, &act, &e);
    else if (!strcmp(what, "tu-choi")) rc = dossier_refuse(d, r->a, id, &act, &e);
    else if (!strcmp(what, "rut")) rc = dossier_withdraw(d, r->a, id, &act, &e);
    else if (!strcmp(what, "xin-loi")) rc = dossier_apologize(d, r->a, id, &act, &e);
    else if (!strcmp(what, "nhan-thu")) {
        const char *ok = req_form(r, "letters_ok");
        if (!ok || (strcmp(ok, "0") && strcmp(ok, "1"))) {
            err_set(&e, 400, N_("Chọn có hay không nhận thư chúc mừng, thư chia buồn."), "letters_ok");
            err_field(&e, "letters_ok");
        } else {
            rc = dossier_set_letters_ok(d, r->a, id, !strcmp(ok, "1"), &act, &e);
        }
    }
    else {
        web_error(r, 404, N_("Không có thao tác này."));
        return;
    }
    if (rc == 0) {
        if (r->want_json) web_json(r, 200, dossier_get(d, r->a, id, req_now(r)));
        else web_redirect(r, arena_printf(r->a, "/ho-so/%lld", (long long)id));
        return;
    }
    if (r->want_json) web_json(r, e.status, error_json(r, &e));
    else show_page(r, id, e.status, &e);
}

static const char *const PDF_KINDS[][3] = {
    {"giay-hen", "slip", "giay-tiep-nhan-hen-tra"},   {"phieu-bo-sung", "supplement", "phieu-yeu-cau-bo-sung"},
    {"phieu-tu-choi", "refusal", "phieu-tu-choi"},    {"phieu-xin-loi", "apology", "phieu-xin-loi"},
    {"phieu-kiem-soat", "control", "phieu-kiem-soat"},
};

void page_dossier_pdf(req *r)
{
    int64_t id;
    if (!parse_id(r, &id)) return;
    const char *form = req_param(r, "form");
    for (size_t i = 0; i < sizeof PDF_KINDS / sizeof PDF_KINDS[0]; i++) {
        if (strcmp(form, PDF_KINDS[i][0])) continue;
        buf out;
        buf_init(&out, r->a);
        err e = {0};
        int64_t notice = 0;   /* ?so=N: an earlier notice of that kind, printed again as issued */
        if (req_query(r, "so")) text_parse_uint(req_query(r, "so"), INT64_MAX, &notice);
        if (dossier_form(req_db(r), r->a, id, PDF_KINDS[i][1], notice, web_public_base(r), &out, &e)) {
            web_err(r, &e);
            return;
        }
        web_header(r, "Content-Disposition", arena_printf(r->a, "inline; filename=\"%s-%lld.pdf\"", PDF_KINDS[i][2], (long long)id));
        web_header(r, "Cache-Control", "no-store");
        web_body(r, 200, "application/pdf", out.data, out.len);
        return;
    }
    web_error(r, 404, N_("Không có mẫu phiếu này."));
}

/* ---- lists ---------------------------------------------------------------------------------- */

static void list_page(req *r, dossier_query *q, const char *title, const char *mode)
{
    int64_t page = 1, total = 0;
    if (req_query(r, "trang") && (!text_parse_uint(req_query(r, "trang"), 100000, &page) || page < 1)) page = 1;
    q->limit = 50;
    q->offset = (int)((page - 1) * 50);
    json_t *rows = dossier_list(req_db(r), r->a, q, req_now(r), &total);
    if (r->want_json) {
        web_json(r, 200, json_pack("{s:o, s:I}", "dossiers", rows, "total", (json_int_t)total));
        return;
    }
    json_t *model = json_pack("{s:o, s:I, s:s, s:s}", "dossiers", rows, "total", (json_int_t)total, "q", q->q ? q->q : "",
                              "status", q->status ? q->status : "");
    char *q_enc = NULL;   /* the query inside the page links, percent-encoded */
    form_url_encode(r->a, q->q ? q->q : "", &q_enc);
    json_object_set_new(model, "q_enc", json_string(q_enc ? q_enc : ""));
    if (page > 1) json_object_set_new(model, "prev", json_integer(page - 1));
    if (page * 50 < total) json_object_set_new(model, "next", json_integer(page + 1));
    json_object_set_new(model, mode, json_true());
    json_object_set_new(model, "title", json_string(T(r, title)));
    json_object_set_new(model, "page", web_page_info(r, title));
    web_render(r, 200, "dossier/list", model);
}

void page_dossier_list(req *r)
{
    const char *st = req_query(r, "trang_thai");
    if (st && *st && strcmp(st, "open") && !*dossier_status_label(st)) st = NULL;
    dossier_query q = {.unit_id = r->user->unit_id, .q = req_query(r, "q"), .status = st};
    list_page(r, &q, "Hồ sơ", "search");
}

void page_dossier_inbox(req *r)
{
    dossier_query q = {.assignee_id = r->user->id, .status = "open"};
    list_page(r, &q, "Hồ sơ chờ tôi xử lý", "inbox");
}

void page_dossier_board(req *r)
{
    dossier_query q = {.unit_id = r->user->unit_id, .late_board = true};
    list_page(r, &q, "Hồ sơ quá hạn và sắp đến hạn", "board");
}

/* ---- tracking by citizens ---------------------------------------------------------------- */

/* A code as printed: capitals, no spaces. A citizen copying "05443-261203-0001" or "abc 123"
 * from the slip in lower case or in groups is not guessing. */
static const char *as_printed(req *r, const char *typed)
{
    char *out = arena_alloc(r->a, strlen(typed ? typed : "") + 1), *o = out;
    for (const char *p = typed ? typed : ""; *p; p++)
        if (!g_ascii_isspace(*p)) *o++ = g_ascii_toupper(*p);
    *o = '\0';
    return out;
}

/* Looks up code + secret for the citizen: the view, or NULL with *status 404 or 429. */
static json_t *track_lookup(req *r, const char *code, const char *secret, int *status)
{
    code = as_printed(r, code);
    secret = as_printed(r, secret);
    int64_t now = req_now(r), wait = track_limit_wait(r->client, code, now);
    if (wait > 0) {
        web_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)wait));
        *status = 429;
        return NULL;
    }
    json_t *o = dossier_track(req_db(r), r->a, code, secret, now);
    if (!o) {
        track_limit_failed(r->client, code, now);
        *status = 404;
    }
    return o;
}

void page_track(req *r)
{
    const char *code = req_query(r, "ma"), *secret = req_query(r, "bm");
    if (!secret) secret = req_query(r, "secret");   /* the API's name, for links built by other tools */
    json_t *model = json_pack("{s:s, s:s}", "code", code ? code : "", "secret", secret ? secret : "");
    int status = 200;
    if (code && secret && *code && *secret) {
        json_t *o = track_lookup(r, code, secret, &status);
        if (o) json_object_set_new(model, "d", o);
        else json_object_set_new(model, "error", json_string(T(r, status == 429
            ? N_("Bạn đã nhập sai nhiều lần. Xin đợi ít phút rồi thử lại.")
            : N_("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Xin kiểm tra lại trên giấy hẹn."))));
    } else if (code && *code) {
        json_object_set_new(model, "need_secret", json_true());
    }
    json_object_set_new(model, "page", web_page_info(r, "Tra cứu hồ sơ"));
    web_render(r, status, "dossier/track", model);
}

void api_dossier(req *r)
{
    int status = 200;
    const char *secret = req_query(r, "secret");
    json_t *o = track_lookup(r, req_param(r, "code"), secret ? secret : "", &status);
    if (!o) {
        web_json(r, status, json_pack("{s:{s:i, s:s}}", "error", "status", status, "message",
                                      T(r, status == 429 ? N_("Quá nhiều lần tra cứu sai; xin thử lại sau.")
                                                         : N_("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này."))));
        return;
    }
    web_json(r, 200, o);
}
