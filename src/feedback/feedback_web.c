/* feedback_web.c -- the pages of the citizen's voice: the public form (/gop-y), the citizen's
 * follow-up by code and secret (rate-limited like the dossier tracking page), the published
 * answers with personal data masked, and the staff pages: the desk's intake of what came by
 * desk, suggestion box, hotline or reception; the list; the due-soon and overdue board; a case
 * with its steps, documents and files; the table of clocks. The People's Inspection Board
 * (role "board") sees the list, the board and the cases read-only, with a denouncer's identity
 * hidden (Luật Tố cáo Art. 47: the denouncer's identity is protected). */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../core/ratelimit.h"
#include "../core/text.h"
#include "../kit/form.h"
#include "../kit/links.h"
#include "../holiday/holiday.h"
#include "../kit/web.h"
#include "feedback.h"

/* ---- small helpers ---------------------------------------------------------------------------- */

static const char *when_text(arena *a, int64_t t)
{
    if (!t) return "";
    char d[11];
    cal_format_dmy(cal_local_day(t), d);
    int m = cal_local_minutes(t);
    return arena_printf(a, "%s %02d:%02d", d, m / 60, m % 60);
}

static const char *day_text(arena *a, int64_t t)
{
    if (!t) return "";
    char d[11];
    cal_format_dmy(cal_local_day(t), d);
    return arena_strdup(a, d);
}

static const char *form_str(req *r, const char *name)
{
    const char *v = req_form(r, name);
    return v ? v : "";
}

static bool is_desk(req *r)
{
    const char *role = r->user ? r->user->role : "";
    return !strcmp(role, "officer") || !strcmp(role, "specialist") || !strcmp(role, "leader") || !strcmp(role, "admin");
}

/* The uploaded files of the form (field "tep", several allowed; an empty part is no file). */
static int form_files(req *r, feedback_upload *out, int max, int *n)
{
    *n = 0;
    for (kv *k = r->form; k; k = k->next) {
        if (!k->filename || strcmp(k->name, "tep") || k->len == 0) continue;
        if (*n == max) return -1;
        out[(*n)++] = (feedback_upload){.name = k->filename, .data = (const unsigned char *)k->value, .len = k->len};
    }
    return 0;
}

static json_t *options(req *r, const char *const *keys, size_t n, const char *(*label)(const char *),
                       const char *selected)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", keys[i], "label", T(r, label(keys[i])),
                                             "selected", selected && !strcmp(selected, keys[i])));
    return arr;
}

static const char *const KIND_KEYS[] = {"gop_y", "bieu_duong", "phan_anh", "kien_nghi", "khieu_nai", "to_cao"};
static const char *const DESK_CHANNELS[] = {"desk", "box", "hotline", "reception"};
static const char *const STATUS_KEYS[] = {"received", "accepted", "suspended", "resolved", "refused", "withdrawn",
                                          "forwarded"};
#define N(a) (sizeof a / sizeof a[0])

static const char *step_label(const char *kind)
{
    static const struct { const char *k, *l; } L[] = {
        {"receive", N_("Tiếp nhận")}, {"accept", N_("Thụ lý")}, {"refuse", N_("Không thụ lý")},
        {"extend", N_("Gia hạn giải quyết")}, {"suspend", N_("Tạm đình chỉ")}, {"resume", N_("Tiếp tục giải quyết")},
        {"withdraw", N_("Rút đơn")}, {"resolve", N_("Giải quyết, trả lời")}, {"publish", N_("Công khai")},
        {"forward", N_("Chuyển cơ quan có thẩm quyền")},
    };
    for (size_t i = 0; i < N(L); i++)
        if (!strcmp(L[i].k, kind)) return L[i].l;
    return "";
}

static const char *doc_label(const char *doc)
{
    static const struct { const char *k, *l; } L[] = {
        {"accept_notice", N_("Thông báo thụ lý")}, {"refuse_notice", N_("Thông báo không thụ lý")},
        {"extension", N_("Quyết định gia hạn")}, {"suspension", N_("Quyết định tạm đình chỉ")},
        {"resumption", N_("Quyết định tiếp tục giải quyết")}, {"decision", N_("Quyết định giải quyết khiếu nại")},
        {"conclusion", N_("Kết luận nội dung tố cáo")}, {"answer", N_("Văn bản trả lời")},
    };
    for (size_t i = 0; i < N(L); i++)
        if (!strcmp(L[i].k, doc)) return L[i].l;
    return "";
}

/* The identity is hidden from whoever is not the unit's desk: a denouncer's always, and an
 * anonymous sender has none to show; a provincial assessor, who reads every unit's cases, never
 * sees a sender's personal data (issue 13; DESIGN.md: only the owning unit's staff do). */
static bool hide_identity(req *r, const feedback_case *c)
{
    if (r->user && !strcmp(r->user->role, "assessor")) return true;
    return !is_desk(r) && !strcmp(c->kind, "to_cao");
}

static json_t *case_json(req *r, const feedback_case *c, bool full)
{
    arena *a = r->a;
    int64_t now = req_now(r);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)c->id, "code",
                          c->code, "kind", c->kind, "kind_label", T(r, feedback_kind_label(c->kind)), "channel",
                          c->channel, "channel_label", T(r, feedback_channel_label(c->channel)), "status", c->status,
                          "status_label", T(r, feedback_status_label(c->status)), "subject", c->subject,
                          "received_text", when_text(a, c->received_at), "unit_name", c->unit_name);
    json_object_set_new(o, "link", json_string(link_feedback(a, c->id)));
    if (c->clock_at) {
        json_object_set_new(o, "clock_text", json_string(day_text(a, c->clock_at)));
        json_object_set_new(o, "overdue", json_boolean(c->clock_at < now));
        const char *label = !strcmp(c->status, "resolved") ? N_("Hạn công khai")
                            : !strcmp(c->status, "received") && c->accept_due_at == c->clock_at ? N_("Hạn thụ lý")
                                                                                                 : N_("Hạn giải quyết");
        json_object_set_new(o, "clock_label", json_string(T(r, label)));
    }
    if (c->anonymous) json_object_set_new(o, "anonymous", json_true());
    if (c->as_information) json_object_set_new(o, "as_information", json_true());
    if (!full) return o;
    bool hide = hide_identity(r, c);
    /* a denouncer may name himself in his own words: masked too for whoever may not know him */
    json_object_set_new(o, "content", json_string(hide ? feedback_mask(a, c, c->content) : c->content));
    if (hide) json_object_set_new(o, "subject", json_string(feedback_mask(a, c, c->subject)));
    if (!hide) {
        json_object_set_new(o, "name", json_string(c->name));
        json_object_set_new(o, "phone", json_string(c->phone));
        json_object_set_new(o, "email", json_string(c->email));
        json_object_set_new(o, "address", json_string(c->address));
    } else {
        json_object_set_new(o, "identity_hidden", json_true());
    }
    json_object_set_new(o, "accept_due_text", json_string(day_text(a, c->accept_due_at)));
    json_object_set_new(o, "due_text", json_string(day_text(a, c->due_at)));
    json_object_set_new(o, "accepted_text", json_string(when_text(a, c->accepted_at)));
    json_object_set_new(o, "closed_text", json_string(when_text(a, c->closed_at)));
    json_object_set_new(o, "extensions", json_integer(c->extensions));
    json_object_set_new(o, "remote_area", json_boolean(c->remote_area));
    json_object_set_new(o, "consent_publish", json_boolean(c->consent_publish));
    json_object_set_new(o, "answer", json_string(c->answer));
    json_object_set_new(o, "public_answer", json_string(c->public_answer));
    json_object_set_new(o, "published_text", json_string(when_text(a, c->published_at)));
    json_object_set_new(o, "outcome_note", json_string(c->outcome_note));
    json_object_set_new(o, "source_ref", json_string(c->source_ref));
    json_object_set_new(o, "rule_from", json_string(c->rule_from));
    json_object_set_new(o, "helpful", json_boolean(c->helpful));
    return o;
}

/* ---- the public form ------------------------------------------------------------------------- */

static json_t *units_options(req *r, const char *selected)
{
    json_t *all = account_units_list(req_db(r), NULL), *arr = json_array();
    size_t i;
    json_t *u;
    json_array_foreach(all, i, u) {
        const char *code = json_get_str(u, "code");
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", code, "label", json_get_str(u, "name"),
                                             "selected", selected && !strcmp(selected, code)));
    }
    json_decref(all);
    return arr;
}

static void form_page(req *r, int status, bool desk, const err *e)
{
    json_t *m = json_object();
    const char *unit = req_form(r, "don_vi");
    if (!unit) unit = req_query(r, "don_vi");
    if (!unit && r->user) unit = r->user->unit_code;
    if (!unit) unit = req_cookie(r, ACCOUNT_UNIT_COOKIE);   /* the unit the citizen chose on / */
    const char *kind = req_form(r, "kind");
    if (!kind) kind = req_query(r, "loai");
    json_object_set_new(m, "desk", json_boolean(desk));
    json_object_set_new(m, "units", units_options(r, unit));
    json_object_set_new(m, "kinds", options(r, KIND_KEYS, N(KIND_KEYS), feedback_kind_label, kind ? kind : "gop_y"));
    json_object_set_new(m, "channels", options(r, DESK_CHANNELS, N(DESK_CHANNELS), feedback_channel_label,
                                               req_form(r, "channel") ? req_form(r, "channel") : "desk"));
    static const char *const fields[] = {"subject", "content", "name", "phone", "email", "address", "id_number",
                                         "received_at", "dossier_code"};
    for (size_t i = 0; i < N(fields); i++) json_object_set_new(m, fields[i], json_string(form_str(r, fields[i])));
    json_object_set_new(m, "consent", json_boolean(req_form(r, "consent") != NULL));
    json_object_set_new(m, "action", json_string(desk ? "/phan-anh" : "/gop-y"));
    if (e) web_model_err(r, m, e);
    json_object_set_new(m, "page", web_page_info(r, desk ? "Nhập phản ánh, kiến nghị, khiếu nại, tố cáo" : "Gửi ý kiến, phản ánh, kiến nghị"));
    web_render(r, status, "feedback/form", m);
}

void page_feedback_public_form(req *r) { form_page(r, 200, false, NULL); }
void page_feedback_desk_form(req *r) { form_page(r, 200, true, NULL); }

static int64_t unit_id_of(req *r, const char *code)
{
    json_t *u = code && *code ? account_unit_get(req_db(r), code) : NULL;
    int64_t id = u ? (int64_t)json_integer_value(json_object_get(u, "id")) : 0;
    json_decref(u);
    return id;
}

/* The public form: at most 20 cases an hour from one address (a commune's Wi-Fi holds many
 * honest citizens; a flood is not one of them). */
static ratelimit_slot submit_slots[4096];
static ratelimit submits_by_address = RATELIMIT_INIT(submit_slots, 3600, 20);

static void submit(req *r, bool desk)
{
    feedback_upload files[FEEDBACK_FILES_MAX];
    int nfiles = 0;
    err e = {0};
    char key[72];
    if (!desk && !ratelimit_allowed(&submits_by_address, ratelimit_addr(r->client, key), req_now(r))) {
        web_header(r, "Retry-After", "3600");
        err_set(&e, 429, N_("Địa chỉ mạng này đã gửi nhiều ý kiến trong một giờ. Xin thử lại sau hoặc gửi tại bộ phận tiếp nhận."),
                "feedback submit limit");
        goto failed;
    }
    if (form_files(r, files, FEEDBACK_FILES_MAX, &nfiles)) {
        err_set(&e, 413, N_("Gửi kèm nhiều nhất 3 tệp."), "too many files");
        err_field(&e, "tep");
        goto failed;
    }
    feedback_new in = {
        .unit_id = unit_id_of(r, req_form(r, "don_vi")),
        .kind = req_form(r, "kind"),
        .channel = desk ? form_str(r, "channel") : "web",
        .subject = req_form(r, "subject"), .content = req_form(r, "content"),
        .name = req_form(r, "name"), .phone = req_form(r, "phone"), .email = req_form(r, "email"),
        .address = req_form(r, "address"), .id_number = req_form(r, "id_number"),
        .consent_publish = req_form(r, "consent") != NULL,
        .user_id = desk && r->user ? r->user->id : 0,
    };
    if (desk && r->user && !*form_str(r, "don_vi")) in.unit_id = r->user->unit_id;
    if (desk && strcmp(in.channel, "desk") && strcmp(in.channel, "box") && strcmp(in.channel, "hotline") &&
        strcmp(in.channel, "reception")) {
        err_set(&e, 422, N_("Chọn kênh: tại bộ phận tiếp nhận, hòm thư góp ý, đường dây nóng hoặc tiếp công dân."), "desk channel");
        err_field(&e, "channel");
        goto failed;
    }
    if (desk && *form_str(r, "received_at")) {
        int64_t t;
        if (!cal_parse_typed_time(form_str(r, "received_at"), &t)) {
            err_set(&e, 422, N_("Nhập thời điểm nhận theo dạng dd/mm/yyyy hh:mm."), "received_at");
            err_field(&e, "received_at");
            goto failed;
        }
        in.received_at = t;
    }
    if (desk && *form_str(r, "dossier_code")) {
        db_stmt *s = db_prepare(req_db(r), "SELECT id FROM dossiers WHERE code = ?");
        db_bind_text(s, 1, form_str(r, "dossier_code"));
        in.dossier_id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_done(s);
        if (in.dossier_id < 0) {
            err_set(&e, 422, N_("Không tìm thấy hồ sơ với mã này."), "dossier code");
            err_field(&e, "dossier_code");
            goto failed;
        }
    }
    feedback_ticket t;
    if (feedback_file(req_db(r), r->a, &in, files, nfiles, req_now(r), &t, &e)) goto failed;
    if (!desk) ratelimit_hit(&submits_by_address, key, req_now(r));   /* only what was filed counts */
    if (r->want_json) {
        web_json(r, 201, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)t.id, "code", t.code, "secret", t.secret,
                                   "url", desk ? link_feedback(r->a, t.id) : "/gop-y/tra-cuu"));
        return;
    }
    if (desk) {
        web_redirect(r, arena_printf(r->a, "%s?moi=1", link_feedback(r->a, t.id)));
        return;
    }
    json_t *m = json_pack("{s:s, s:s, s:s}", "code", t.code, "secret", t.secret, "due_text", day_text(r->a, t.due_at));
    json_object_set_new(m, "track", json_string(arena_printf(r->a, "/gop-y/tra-cuu?ma=%s&bm=%s", t.code, t.secret)));
    json_object_set_new(m, "page", web_page_info(r, "Đã nhận ý kiến"));
    web_render(r, 201, "feedback/done", m);
    return;
failed:
    if (r->want_json) {
        web_json(r, e.status ? e.status : 500, json_pack("{s:{s:i, s:s, s:s}}", "error", "status", e.status, "message",
                                                         T(r, e.user), "field", e.field));
        return;
    }
    form_page(r, e.status ? e.status : 500, desk, &e);
}

void page_feedback_public_submit(req *r) { submit(r, false); }
void page_feedback_desk_submit(req *r) { submit(r, true); }

/* ---- the citizen's follow-up ----------------------------------------------------------------- */

static ratelimit_slot addr_slots[4096], pair_slots[4096];
static ratelimit track_addrs = RATELIMIT_INIT(addr_slots, 600, 100);   /* per address, all codes */
static ratelimit track_pairs = RATELIMIT_INIT(pair_slots, 3600, 10);   /* per code and address */

static const char *pair_key(const char *ip, const char *code, char out[300])
{
    char a[72];
    snprintf(out, 300, "%.200s\n%s", code, ratelimit_addr(ip, a));
    return out;
}

/* The case for code + secret, or 0 with *status 404 or 429. */
static int track_lookup(req *r, const char *code, const char *secret, feedback_case *c, int *status, int64_t *wait)
{
    code = text_code_printed(r->a, code);
    secret = text_code_printed(r->a, secret);
    char key[300];
    int64_t now = req_now(r);
    int64_t w1 = ratelimit_wait(&track_addrs, ratelimit_addr(r->client, key), now);
    int64_t w2 = ratelimit_wait(&track_pairs, pair_key(r->client, code, key), now);
    *wait = w1 > w2 ? w1 : w2;
    if (*wait > 0) {
        web_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)*wait));
        *status = 429;
        return 0;
    }
    if (feedback_get_by_code(req_db(r), r->a, code, c) == 1 && feedback_secret_ok(c, secret)) return 1;
    ratelimit_fail(&track_addrs, ratelimit_addr(r->client, key), now);
    ratelimit_fail(&track_pairs, pair_key(r->client, code, key), now);
    *status = 404;
    return 0;
}

void page_feedback_track(req *r)
{
    const char *code = req_query(r, "ma"), *secret = req_query(r, "bm");
    json_t *m = json_pack("{s:s, s:s}", "code", code ? code : "", "secret", secret ? secret : "");
    int status = 200;
    if (code && secret && *code && *secret) {
        feedback_case c;
        int64_t wait = 0;
        if (track_lookup(r, code, secret, &c, &status, &wait)) {
            /* no personal data: the citizen may read this page on a shared screen */
            json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", c.code, "kind_label",
                                  T(r, feedback_kind_label(c.kind)), "status_label", T(r, feedback_status_label(c.status)),
                                  "unit_name", c.unit_name, "received_text", when_text(r->a, c.received_at), "subject",
                                  c.subject);
            if (c.clock_at && feedback_open(c.status)) json_object_set_new(o, "due_text", json_string(day_text(r->a, c.clock_at)));
            if (!strcmp(c.status, "resolved")) json_object_set_new(o, "answer", json_string(c.answer));
            if (*c.outcome_note) json_object_set_new(o, "outcome_note", json_string(c.outcome_note));
            json_t *steps = feedback_steps_json(req_db(r), c.id), *out = json_array(), *s;
            size_t i;
            json_array_foreach(steps, i, s) json_array_append_new(out, json_pack("{s:s, s:s}", "at_text",
                when_text(r->a, json_integer_value(json_object_get(s, "at"))), "kind_label",
                T(r, step_label(json_get_str(s, "kind")))));
            json_decref(steps);
            json_object_set_new(o, "steps", out);
            json_object_set_new(m, "f", o);
        } else if (status == 429) {
            json_object_set_new(m, "error", json_string(arena_printf(r->a,
                T(r, N_("Bạn đã nhập sai nhiều lần. Xin đợi %lld phút rồi thử lại.")), (long long)(wait + 59) / 60)));
        } else {
            json_object_set_new(m, "error", json_string(T(r, N_("Không tìm thấy ý kiến với mã và mã tra cứu này."))));
        }
    }
    if (r->want_json) {
        json_t *f = json_object_get(m, "f");
        if (f) web_json(r, 200, json_incref(f));
        else web_json(r, status == 200 ? 400 : status, json_pack("{s:{s:i}}", "error", "status", status == 200 ? 400 : status));
        json_decref(m);
        return;
    }
    json_object_set_new(m, "page", web_page_info(r, "Theo dõi ý kiến"));
    web_render(r, status, "feedback/track", m);
}

/* ---- published answers ----------------------------------------------------------------------- */

void page_feedback_published(req *r)
{
    int64_t unit = web_unit_param(r);
    if (unit <= 0 && !req_query(r, "don_vi")) unit = unit_id_of(r, req_cookie(r, ACCOUNT_UNIT_COOKIE));
    json_t *m = json_object(), *arr = json_array();
    if (unit > 0) {
        db_stmt *s = db_prepare(req_db(r), "SELECT code, kind, subject, public_answer, published_at, content, name, "
                                           "phone, email, address, id_number FROM feedback WHERE unit_id = ? AND "
                                           "published_at IS NOT NULL ORDER BY published_at DESC LIMIT 100");
        db_bind_int(s, 1, unit);
        while (db_step(s) == DB_ROW) {
            feedback_case c = {.name = db_col_text(s, 6), .phone = db_col_text(s, 7), .email = db_col_text(s, 8),
                               .address = db_col_text(s, 9), .id_number = db_col_text(s, 10)};
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", db_col_text(s, 0),
                "kind_label", T(r, feedback_kind_label(db_col_text(s, 1))), "subject", feedback_mask(r->a, &c, db_col_text(s, 2)),
                "answer", db_col_text(s, 3), "published_text", day_text(r->a, db_col_int(s, 4)),
                "content", feedback_mask(r->a, &c, db_col_text(s, 5))));
        }
        db_done(s);
    }
    json_object_set_new(m, "items", arr);
    /* the chooser of units, the one shown selected */
    const char *code = "";
    json_t *u = unit > 0 ? account_unit_get_by_id(req_db(r), unit) : NULL;
    if (u) {
        code = arena_strdup(r->a, json_get_str(u, "code"));
        json_object_set_new(m, "unit_name", json_string(json_get_str(u, "name")));
        json_decref(u);
    }
    json_object_set_new(m, "units", units_options(r, code));
    json_object_set_new(m, "page", web_page_info(r, "Trả lời công khai"));
    web_render(r, 200, "feedback/published", m);
}

/* ---- staff: list, board, case ---------------------------------------------------------------- */

static json_t *rows_json(req *r, feedback_case *rows, int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, case_json(r, &rows[i], false));
    return arr;
}

void page_feedback_list(req *r)
{
    int64_t unit = web_unit_param(r);
    if (unit <= 0) {
        web_error(r, 404, N_("Không tìm thấy đơn vị."));
        return;
    }
    feedback_filter f = {.unit_id = unit, .kind = req_query(r, "loai"), .status = req_query(r, "trang_thai"),
                         .channel = req_query(r, "kenh"), .now = req_now(r), .limit = 50,
                         .offset = web_page_offset(r, 50)};
    feedback_case *rows;
    int n;
    if (feedback_list(req_db(r), r->a, &f, &rows, &n)) {
        web_error(r, 500, N_("Không đọc được danh sách."));
        return;
    }
    json_t *m = json_object();
    int64_t total = feedback_count(req_db(r), &f);
    json_object_set_new(m, "items", rows_json(r, rows, n));
    json_object_set_new(m, "total", json_integer(total));
    /* the pages before and after, with the same filters */
    int page = web_page_number(r);
    char *kind = NULL, *status = NULL;
    form_url_encode(r->a, f.kind ? f.kind : "", &kind);
    form_url_encode(r->a, f.status ? f.status : "", &status);
    if (page > 1)
        json_object_set_new(m, "prev_url", json_string(arena_printf(r->a, "/phan-anh?loai=%s&trang_thai=%s&trang=%d", kind,
                                                                    status, page - 1)));
    if (f.offset + n < total)
        json_object_set_new(m, "next_url", json_string(arena_printf(r->a, "/phan-anh?loai=%s&trang_thai=%s&trang=%d", kind,
                                                                    status, page + 1)));
    json_object_set_new(m, "kinds", options(r, KIND_KEYS, N(KIND_KEYS), feedback_kind_label, f.kind));
    json_object_set_new(m, "statuses", options(r, STATUS_KEYS, N(STATUS_KEYS), feedback_status_label, f.status));
    json_object_set_new(m, "can_act", json_boolean(is_desk(r)));
    json_object_set_new(m, "page", web_page_info(r, "Ý kiến, phản ánh, khiếu nại, tố cáo"));
    web_render(r, 200, "feedback/list", m);
}

void page_feedback_board(req *r)
{
    int64_t unit = web_unit_param(r);
    if (unit <= 0) {
        web_error(r, 404, N_("Không tìm thấy đơn vị."));
        return;
    }
    err e = {0};
    const calendar *cal = holiday_calendar(req_db(r), &e);
    if (!cal) {
        web_err(r, &e);
        return;
    }
    cal_unit cu = holiday_unit(req_db(r), unit);
    /* due soon: by the end of the third working day from today */
    int64_t until = feedback_deadline(cal, &cu, req_now(r), 3, true);
    json_t *m = json_object();
    for (int k = 0; k < 2; k++) {
        feedback_filter f = {.unit_id = unit, .due = k ? FEEDBACK_DUE_SOON : FEEDBACK_DUE_OVERDUE, .now = req_now(r),
                             .soon_until = until + 1, .limit = 200};
        feedback_case *rows;
        int n;
        if (feedback_list(req_db(r), r->a, &f, &rows, &n)) {
            json_decref(m);
            web_error(r, 500, N_("Không đọc được danh sách."));
            return;
        }
        json_object_set_new(m, k ? "soon" : "overdue", rows_json(r, rows, n));
    }
    json_object_set_new(m, "page", web_page_info(r, "Ý kiến sắp đến hạn, quá hạn"));
    web_render(r, 200, "feedback/board", m);
}

int64_t scope_feedback_param(req *r) { return web_scope_by_table(r, "feedback"); }

static void show_page(req *r, int64_t id, int status, const err *e)
{
    feedback_case c;
    int got = feedback_get(req_db(r), r->a, id, &c);
    if (got != 1) {
        web_error(r, got ? 500 : 404, got ? N_("Không đọc được ý kiến.") : N_("Không tìm thấy ý kiến."));
        return;
    }
    json_t *m = json_object(), *o = case_json(r, &c, true);
    json_t *steps = feedback_steps_json(req_db(r), id), *s;
    size_t i;
    json_array_foreach(steps, i, s) {
        json_object_set_new(s, "kind_label", json_string(T(r, step_label(json_get_str(s, "kind")))));
        json_object_set_new(s, "at_text", json_string(when_text(r->a, json_integer_value(json_object_get(s, "at")))));
        if (json_object_get(s, "new_due_at"))
            json_object_set_new(s, "due_text", json_string(day_text(r->a, json_integer_value(json_object_get(s, "new_due_at")))));
        const char *doc = json_get_str(s, "doc_kind");
        if (*doc && !hide_identity(r, &c)) {
            json_object_set_new(s, "doc_label", json_string(T(r, doc_label(doc))));
            json_object_set_new(s, "doc_link", json_string(link_feedback_pdf(r->a, id, (int)json_integer_value(json_object_get(s, "seq")))));
        }
        if (hide_identity(r, &c)) json_object_set_new(s, "note", json_string(feedback_mask(r->a, &c, json_get_str(s, "note"))));
    }
    json_object_set_new(o, "steps", steps);
    json_t *files = hide_identity(r, &c) ? json_array() : feedback_files_json(req_db(r), id), *f;
    json_array_foreach(files, i, f)
        json_object_set_new(f, "link", json_string(arena_printf(r->a, "%s/tep/%lld", link_feedback(r->a, id),
                                                                (long long)json_integer_value(json_object_get(f, "id")))));
    json_object_set_new(o, "files", files);
    bool desk = is_desk(r), open = feedback_open(c.status);
    json_t *acts = json_object();
    if (desk) {
        bool received = !strcmp(c.status, "received"), accepted = !strcmp(c.status, "accepted");
        json_object_set_new(acts, "accept", json_boolean(received && !c.as_information && c.accept_due_at));
        json_object_set_new(acts, "keep_going", json_boolean(!strcmp(c.kind, "to_cao")));
        json_object_set_new(acts, "refuse", json_boolean(received));
        json_object_set_new(acts, "forward", json_boolean(received));
        json_object_set_new(acts, "extend", json_boolean(accepted));
        if (accepted) {
            json_t *g = feedback_grounds_json(req_db(r), &c);
            if (g) json_object_set_new(m, "grounds", g);
        }
        json_object_set_new(acts, "suspend", json_boolean(accepted));
        json_object_set_new(acts, "resume", json_boolean(!strcmp(c.status, "suspended")));
        json_object_set_new(acts, "withdraw", json_boolean(open));
        json_object_set_new(acts, "resolve", json_boolean(received || accepted));
        json_object_set_new(acts, "publish", json_boolean(!strcmp(c.status, "resolved") && c.consent_publish && !c.published_at));
        json_object_set_new(acts, "any", json_boolean(open || (!strcmp(c.status, "resolved") && c.consent_publish && !c.published_at)));
        if (!strcmp(c.status, "resolved") && c.helpful && !c.anonymous)
            json_object_set_new(m, "thanks_link", json_string(link_letter_new(r->a, "feedback")));
    }
    json_object_set_new(m, "acts", acts);
    for (int k = 0; k <= FB_FORWARD; k++)
        json_object_set_new(m, arena_printf(r->a, "u_%s", feedback_action_name((feedback_action)k)),
                            json_string(arena_printf(r->a, "%s/%s", link_feedback(r->a, id), feedback_action_name((feedback_action)k))));
    json_object_set_new(m, "can_act", json_boolean(desk));
    json_object_set_new(m, "f", o);
    if (req_query(r, "moi")) json_object_set_new(m, "notice", json_string(arena_printf(r->a, "%s %s · %s %s",
        T(r, N_("Đã tiếp nhận. Mã:")), c.code, T(r, N_("Mã tra cứu:")), c.secret)));
    if (e) web_model_err(r, m, e);
    if (r->want_json) {
        json_object_del(m, "page");
        web_json(r, status, m);
        return;
    }
    json_object_set_new(m, "page", web_page_info(r, c.code));
    web_render(r, status, "feedback/show", m);
}

void page_feedback_show(req *r)
{
    int64_t id;
    if (web_id_or_404(r, "id", N_("Không tìm thấy ý kiến."), &id)) show_page(r, id, 200, NULL);
}

void page_feedback_action(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy ý kiến."), &id)) return;
    /* the grounds of a complex case: every "ground" field */
    int ng = 0;
    for (kv *k = r->form; k; k = k->next) ng += !strcmp(k->name, "ground");
    const char **grounds = arena_alloc(r->a, (size_t)(ng + 1) * sizeof *grounds);
    ng = 0;
    for (kv *k = r->form; k; k = k->next)
        if (!strcmp(k->name, "ground") && ng < 32) grounds[ng++] = k->value;
    feedback_step_in in = {.note = req_form(r, "note"), .user_id = r->user->id, .grounds = grounds, .ngrounds = ng,
                           .remote_area = req_form(r, "remote_area") != NULL,
                           .keep_going = req_form(r, "keep_going") != NULL, .helpful = req_form(r, "helpful") != NULL};
    if (!feedback_action_parse(req_param(r, "action"), &in.action)) {
        web_error(r, 404, N_("Không tìm thấy trang."));
        return;
    }
    err e = {0};
    if (feedback_step(req_db(r), r->a, id, &in, req_now(r), &e) == 0) {
        if (r->want_json) show_page(r, id, 200, NULL);
        else web_redirect(r, link_feedback(r->a, id));
        return;
    }
    show_page(r, id, e.status ? e.status : 500, &e);
}

/* A denunciation's documents and files name the denouncer: only the desk opens them. */
static bool identity_closed(req *r, int64_t id)
{
    if (is_desk(r)) return false;
    feedback_case c;
    if (feedback_get(req_db(r), r->a, id, &c) != 1 || !hide_identity(r, &c)) return false;
    web_error(r, 403, N_("Văn bản, tệp của tố cáo chỉ cán bộ giải quyết được xem (bảo vệ người tố cáo)."));
    return true;
}

void page_feedback_file(req *r)
{
    int64_t id, file = req_param_id(r, "file");
    if (!web_id_or_404(r, "id", N_("Không tìm thấy ý kiến."), &id) || identity_closed(r, id)) return;
    const char *mime, *name;
    unsigned char *data;
    size_t len;
    if (file < 0 || feedback_file_get(req_db(r), r->a, id, file, &mime, &name, &data, &len) != 1) {
        web_error(r, 404, N_("Không tìm thấy tệp."));
        return;
    }
    /* served as the sniffed type, never rendered as HTML by the browser */
    web_header(r, "X-Content-Type-Options", "nosniff");
    web_header(r, "Content-Disposition", "attachment");
    web_body(r, 200, mime, (const char *)data, len);
}

void page_feedback_pdf(req *r)
{
    int64_t id, seq = req_param_id(r, "seq");
    if (!web_id_or_404(r, "id", N_("Không tìm thấy ý kiến."), &id) || identity_closed(r, id)) return;
    unsigned char *pdf = NULL;
    size_t len = 0;
    err e = {0};
    if (seq <= 0 || seq > 100000) {
        web_error(r, 404, N_("Không tìm thấy văn bản."));
        return;
    }
    if (feedback_pdf(req_db(r), r->a, id, (int)seq, web_public_base(r), &pdf, &len, &e)) {
        web_err(r, &e);
        return;
    }
    char *copy = arena_alloc(r->a, len);
    memcpy(copy, pdf, len);
    free(pdf);
    web_body(r, 200, "application/pdf", copy, len);
}

/* ---- the clocks ------------------------------------------------------------------------------ */

void page_feedback_rules(req *r)
{
    feedback_rule *rules;
    int n;
    if (feedback_rules_load(req_db(r), r->a, &rules, &n)) {
        web_error(r, 500, N_("Không đọc được thời hạn."));
        return;
    }
    static const struct { const char *k, *l; } STEPS[] = {
        {"accept", N_("Thụ lý hoặc từ chối")}, {"resolve", N_("Giải quyết")}, {"extend", N_("Gia hạn (vụ việc phức tạp)")},
        {"suspend", N_("Tạm đình chỉ (gửi quyết định)")}, {"publish", N_("Công khai trả lời")},
    };
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        const char *step = rules[i].step;
        for (size_t k = 0; k < N(STEPS); k++)
            if (!strcmp(STEPS[k].k, rules[i].step)) step = T(r, STEPS[k].l);
        char from[11] = "", to[11] = "";
        cal_format_dmy(rules[i].from, from);
        if (rules[i].to != CAL_DAY_MAX) cal_format_dmy(rules[i].to, to);
        json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "kind_label", T(r, feedback_kind_label(rules[i].kind)),
                              "step_label", step, "days", rules[i].days, "day_type",
                              T(r, rules[i].working ? N_("ngày làm việc") : N_("ngày")), "from", from, "to", to,
                              "source", rules[i].source);
        if (rules[i].remote_days >= 0) json_object_set_new(o, "remote_days", json_integer(rules[i].remote_days));
        json_array_append_new(arr, o);
    }
    json_t *m = json_pack("{s:o}", "rules", arr), *grounds = json_array();
    db_stmt *g = db_prepare(req_db(r), "SELECT kind, effective_from, label, source FROM feedback_complex_grounds "
                                       "ORDER BY kind, effective_from, rowid");
    while (g && db_step(g) == DB_ROW) {
        cal_day day = 0;
        char from[11] = "";
        if (cal_parse_date(db_col_text(g, 1), &day)) cal_format_dmy(day, from);
        json_array_append_new(grounds, json_pack("{s:s, s:s, s:s, s:s}", "kind_label",
                                                 T(r, feedback_kind_label(db_col_text(g, 0))), "from", from, "label",
                                                 db_col_text(g, 2), "source", db_col_text(g, 3)));
    }
    if (g) db_done(g);
    json_object_set_new(m, "grounds", grounds);
    json_object_set_new(m, "page", web_page_info(r, "Thời hạn giải quyết ý kiến, khiếu nại, tố cáo"));
    web_render(r, 200, "feedback/rules", m);
}
