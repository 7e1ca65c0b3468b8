/* dossier_web.c -- the one-stop pages: intake (keyboard-first), the dossier with its
 * control sheet and actions, the lists (search, inbox, late board), the printed forms, and
 * the citizen's tracking page and JSON lookup. */
#include <glib.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../booking/booking.h"
#include "../catalog/catalog.h"
#include "../core/calendar.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../holiday/holiday.h"
#include "../kit/links.h"
#include "../kit/web.h"
#include "../kit/form.h"
#include "dossier.h"
#include "indicators.h"

static bool parse_id(req *r, int64_t *id) { return web_id_or_404(r, "id", N_("Không tìm thấy hồ sơ."), id); }

int64_t scope_dossier_param(req *r) { return web_scope_by_table(r, "dossiers"); }

/* [{message, field}] of the faults, translated */
static json_t *errors_list(req *r, const err *errs, int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "message", T(r, errs[i].user), "field", errs[i].field));
    return arr;
}

/* The first fault as {error: {status, message, field}}, and every fault in error.errors. */
static json_t *errors_json(req *r, const err *errs, int n)
{
    json_t *o = json_pack("{s:{s:i, s:s, s:s}}", "error", "status", errs[0].status, "message", T(r, errs[0].user), "field",
                          errs[0].field);
    json_object_set_new(json_object_get(o, "error"), "errors", errors_list(r, errs, n));
    return o;
}

static json_t *error_json(req *r, const err *e)
{
    return errors_json(r, e, 1);
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

static void intake_page(req *r, int status, json_t *values, const err *errs, int nerrs)
{
    db *d = req_db(r);
    int64_t unit = r->user->unit_id;
    json_t *model = json_pack("{s:o}", "v", values);
    const char *sex = json_string_value(json_object_get(values, "applicant_sex"));
    json_object_set_new(model, "sex_male", json_boolean(sex && !strcmp(sex, "male")));
    json_object_set_new(model, "sex_female", json_boolean(sex && !strcmp(sex, "female")));
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
            json_object_set_new(proc, "due_text", json_string(vn_time_date(r->a, due, ", ")));
        }
        json_t *papers = json_array(), *line;
        size_t i;
        bool all = json_object_get(values, "all_papers") != NULL;
        json_array_foreach(json_object_get(proc, "papers"), i, line) {
            const char *field = arena_printf(r->a, "paper_%zu", i);
            /* nothing is ticked before the officer has seen the papers; a form sent back keeps
             * the officer's ticks and kinds */
            bool ticked = all || json_object_get(values, field);
            const char *kind = json_string_value(json_object_get(values, arena_printf(r->a, "%s_kind", field)));
            json_array_append_new(papers, json_pack("{s:O, s:s, s:b, s:b}", "name", line, "field", field, "checked", ticked,
                                                    "copy", kind && !strcmp(kind, "copy")));
        }
        json_object_set_new(model, "paper_count", json_integer((json_int_t)json_array_size(papers)));
        json_object_set_new(model, "papers", papers);
        json_object_set_new(model, "procedure", proc);
    }
    const char *ch = json_string_value(json_object_get(values, "channel"));
    const char *rm = json_string_value(json_object_get(values, "return_method"));
    json_object_set_new(model, "channels", options(r, CHANNEL_KEYS, 6, dossier_channel_label, ch ? ch : "desk"));
    json_object_set_new(model, "returns", options(r, RETURN_KEYS, 3, dossier_return_label, rm ? rm : "desk"));
    if (nerrs) json_object_set_new(model, "errors", errors_list(r, errs, nerrs));
    json_object_set_new(model, "page", web_page_info(r, "Tiếp nhận hồ sơ"));
    web_render(r, status, "dossier/intake", model);
}

/* ---- the intake's idempotency key ----------------------------------------------------
 *
 * The form carries a random key (intake_key); the first POST with it reserves the key, then
 * records the dossier it made. A repeat (the answer was lost to a restart or a dropped
 * connection, and the clerk sends again) gets that dossier back instead of a second one. */

static const char *new_intake_key(req *r)
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    char *hex = arena_alloc(r->a, 33);
    sodium_bin2hex(hex, 33, raw, sizeof raw);
    return hex;
}

static bool intake_key_ok(const char *k)
{
    if (!k || strlen(k) != 32) return false;
    for (const char *p = k; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return false;
    return true;
}

typedef struct {
    const char *key;
    int64_t unit, now;
    int reserved;         /* out: 1 ours, 0 already used */
    int64_t dossier_id;   /* out, when already used: the dossier it made (0: still saving) */
} key_tx;

static int key_reserve_write(db *c, void *ctx, err *e)
{
    key_tx *t = ctx;
    db_stmt *s = db_prepare(c, "INSERT INTO intake_keys (intake_key, unit_id, created_at) VALUES (?, ?, ?)");
    db_bind_text(s, 1, t->key);
    db_bind_int(s, 2, t->unit);
    db_bind_int(s, 3, t->now);
    int rc = db_step(s);
    db_done(s);
    t->reserved = rc == DB_DONE;
    if (rc == DB_DONE) return 0;
    if (rc != DB_CONSTRAINT) {
        err_set(e, 503, N_("Hệ thống đang bận, vui lòng thử lại."), "intake key: %s", db_errmsg(c));
        return -1;
    }
    s = db_prepare(c, "SELECT dossier_id FROM intake_keys WHERE intake_key = ? AND unit_id = ?");
    db_bind_text(s, 1, t->key);
    db_bind_int(s, 2, t->unit);
    t->dossier_id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    return 0;
}

/* 1: the key is ours to use now; 0: already used, *dossier_id the dossier it made (0: the
 * first POST is still saving); -1 with e filled: the database failed. The reservation is
 * durable before the intake starts, so a repeat POST finds it. */
static int intake_key_reserve(db *d, const char *key, int64_t unit, int64_t now, int64_t *dossier_id, err *e)
{
    key_tx t = {.key = key, .unit = unit, .now = now};
    if (db_write(d, key_reserve_write, &t, e)) return -1;
    if (!t.reserved) *dossier_id = t.dossier_id;
    return t.reserved;
}

static int key_release_write(db *c, void *ctx, err *e)
{
    (void)e;
    db_stmt *s = db_prepare(c, "DELETE FROM intake_keys WHERE intake_key = ?");
    db_bind_text(s, 1, (const char *)ctx);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

/* The intake failed: the key is free again, for the officer's next try. */
static void intake_key_release(db *d, const char *key)
{
    err e = {0};
    db_write(d, key_release_write, (void *)key, &e);
}

static void intake_answer(req *r, int status, int64_t id, const char *code, const char *secret, int64_t due_at)
{
    if (r->want_json)
        web_json(r, status, json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)id, "code", code, "secret", secret,
                                      "due_at", (json_int_t)due_at, "url",
                                      link_dossier(r->a, id)));
    else
        web_redirect(r, arena_printf(r->a, "%s?moi=1", link_dossier(r->a, id)));
}

/* A repeated POST: the dossier the key already made (200). A double click sends the second
 * while the first is still saving: wait a few seconds for it, then say so (409). */
static bool intake_repeat(req *r, const char *key, int64_t dossier_id)
{
    for (int i = 0; !dossier_id && i < 50; i++) {
        g_usleep(100 * 1000);
        db_stmt *s = db_prepare(req_db(r), "SELECT dossier_id FROM intake_keys WHERE intake_key = ? AND unit_id = ?");
        db_bind_text(s, 1, key);
        db_bind_int(s, 2, r->user->unit_id);
        bool row = db_step(s) == DB_ROW;
        if (row) dossier_id = db_col_int(s, 0);
        db_done(s);
        if (!row) return false;   /* the first POST failed and gave the key back: this one goes on */
    }
    json_t *o = dossier_id ? dossier_get(req_db(r), r->a, dossier_id, req_now(r)) : NULL;
    if (!o) {
        err e = {0};
        err_set(&e, 409, N_("Hồ sơ này đang được lưu. Xin đợi giây lát rồi mở danh sách hồ sơ."), "intake key busy");
        if (r->want_json) web_json(r, e.status, error_json(r, &e));
        else web_error(r, 409, e.user);
        return true;
    }
    intake_answer(r, 200, dossier_id, json_get_str(o, "code"), json_get_str(o, "secret"),
                  json_integer_value(json_object_get(o, "due_at")));
    json_decref(o);
    return true;
}

void page_intake_form(req *r)
{
    int64_t pid = 0;
    const char *t = req_query(r, "thu_tuc");
    if (t && !text_parse_uint(t, INT64_MAX, &pid)) pid = 0;
    json_t *v = json_pack("{s:I, s:s, s:s}", "procedure_id", (json_int_t)pid, "sets", "1", "intake_key",
                          new_intake_key(r));
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
    intake_page(r, 200, v, NULL, 0);
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

#define INTAKE_MAX_ERRORS 12

void page_intake(req *r)
{
    db *d = req_db(r);
    err errs[INTAKE_MAX_ERRORS] = {{0}};
    int nerr = 0;
    int64_t pid = 0, sets = 1;
    if (!text_parse_uint(req_form(r, "procedure_id"), INT64_MAX, &pid)) {
        err_set(&errs[nerr], 400, N_("Chọn thủ tục trước khi tiếp nhận."), "no procedure");
        err_field(&errs[nerr++], "q");
    }
    /* blank is one set; 0 is a typing slip the officer must see, not a silent 1 */
    const char *sets_text = req_form(r, "sets");
    if (!text_is_blank(sets_text) && (!text_parse_uint(text_trim(r->a, sets_text), 1000, &sets) || sets < 1 || sets > 100)) {
        err_set(&errs[nerr], 400, N_("Số lượng hồ sơ phải từ 1 đến 100 bộ."), "sets");
        err_field(&errs[nerr++], "sets");
        sets = 1;
    }
    /* the checklist: paper_N present = the officer ticked line N, paper_N_kind how it came
     * (original or copy); all_papers = every line received */
    int64_t npapers = 0;
    text_parse_uint(req_form(r, "paper_count"), 200, &npapers);
    bool *checked = arena_alloc(r->a, (size_t)(npapers + 1) * sizeof *checked);
    const char **kinds = arena_alloc(r->a, (size_t)(npapers + 1) * sizeof *kinds);
    bool all = req_form(r, "all_papers") != NULL;
    for (int64_t i = 0; i < npapers; i++) {
        checked[i] = all || req_form(r, arena_printf(r->a, "paper_%lld", (long long)i)) != NULL;
        kinds[i] = req_form(r, arena_printf(r->a, "paper_%lld_kind", (long long)i));
    }
    dossier_intake in = {
        .unit_id = r->user->unit_id, .procedure_id = pid,
        .applicant_name = req_form(r, "applicant_name"), .applicant_phone = req_form(r, "applicant_phone"),
        .applicant_id_number = req_form(r, "applicant_id_number"),
        .applicant_address = req_form(r, "applicant_address"), .applicant_email = req_form(r, "applicant_email"),
        .channel = req_form(r, "channel"), .return_method = req_form(r, "return_method"),
        .papers_checked = npapers ? checked : NULL, .npapers_checked = (size_t)npapers,
        .papers_kind = npapers ? kinds : NULL, .sets = (int)sets,
        .booking_code = req_form(r, "booking_code"), .no_letters = req_form(r, "no_letters") && !strcmp(req_form(r, "no_letters"), "1"),
        .applicant_sex = req_form(r, "applicant_sex"),
        .received_at = req_now(r),
    };
    /* every fault of the form at once, so the officer corrects them in one pass */
    nerr += dossier_intake_faults(r->a, &in, errs + nerr, INTAKE_MAX_ERRORS - nerr);
    const char *key = req_form(r, "intake_key");
    if (!intake_key_ok(key)) key = NULL;   /* a form from before keys, or a tool: no repeat check */
    int64_t made = 0;
    bool keyed = key && !nerr;
    err key_err = {0};
    int reserved = keyed ? intake_key_reserve(d, key, in.unit_id, req_now(r), &made, &key_err) : 1;
    if (reserved == 0 && intake_repeat(r, key, made)) return;
    if (reserved == 0) reserved = intake_key_reserve(d, key, in.unit_id, req_now(r), &made, &key_err);
    if (reserved == 0 && intake_repeat(r, key, made)) return;
    if (reserved == 0)
        err_set(&errs[nerr++], 409, N_("Hồ sơ này đang được lưu. Xin đợi giây lát rồi mở danh sách hồ sơ."), "intake key taken");
    if (reserved < 0) errs[nerr++] = key_err;   /* busy (503), or the disk is full (507) */
    if (keyed) in.intake_key = key;   /* dossier_create names the dossier on the key in its commit */
    dossier_created out;
    if (!nerr && dossier_create(d, r->a, &in, r->user->id, &out, &errs[0]) == 0) {
        intake_answer(r, 201, out.id, out.code, out.secret, out.due_at);
        return;
    }
    if (keyed && reserved > 0) intake_key_release(d, key);
    if (!nerr) nerr = 1;
    if (r->want_json) web_json(r, errs[0].status, errors_json(r, errs, nerr));
    else intake_page(r, errs[0].status, values_from_form(r), errs, nerr);
}

/* ---- one dossier --------------------------------------------------------------------------- */

/* The "result ready" form of a procedure that proposes a letter (the catalogue's occasion)
 * asks whom the result names, so the letter names them: d.letter_details with its labels,
 * and what was typed when the form was refused. */
static void letter_details(req *r, json_t *o, const err *e)
{
    static const char *const LABELS[][4] = {
        {"birth", N_("Cháu bé được khai sinh (cho thư chúc mừng)"), N_("Họ và tên cháu bé"), N_("Ngày sinh")},
        {"marriage", N_("Người kết hôn cùng người nộp (thư chúc mừng gửi cả hai vợ chồng)"), N_("Họ và tên vợ hoặc chồng của người nộp"),
         N_("Ngày đăng ký kết hôn")},
        {"death", N_("Người đã mất (cho thư chia buồn)"), N_("Họ và tên người đã mất"), N_("Ngày mất")},
    };
    if (!json_is_true(json_object_get(o, "can_finish")) || !json_is_true(json_object_get(o, "letters_ok"))) return;
    const char *occ = catalog_letter_occasion(req_db(r), json_integer_value(json_object_get(o, "procedure_id")));
    for (size_t i = 0; occ && i < sizeof LABELS / sizeof LABELS[0]; i++) {
        if (strcmp(occ, LABELS[i][0])) continue;
        bool typed = e && req_form(r, "result_person");
        const char *sex = typed ? req_form(r, "result_person_sex") : NULL;
        json_object_set_new(o, "letter_details",
                            json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "legend", T(r, LABELS[i][1]), "person_label",
                                      T(r, LABELS[i][2]), "date_label", T(r, LABELS[i][3]), "person",
                                      typed ? req_form(r, "result_person") : "", "date",
                                      typed && req_form(r, "result_event_date") ? req_form(r, "result_event_date") : "",
                                      "male", sex && !strcmp(sex, "male"), "female", sex && !strcmp(sex, "female")));
    }
}

/* The actions of the dossier page: the path's name, the template's name, and where a
 * field's error points (the form's own ids, as several forms share a field name). */
static const struct {
    const char *slug, *key, *fields[3][2];
} ACTIONS[] = {
    {"chuyen", "handover", {{"note", "handover_note"}}},
    {"hoan-thanh", "finish", {{"note", "finish_note"}}},
    {"tra-ket-qua", "return", {{NULL}}},
    {"bo-sung", "supplement", {{"reason", "supplement_reason"}, {"papers", "supplement_papers"}}},
    {"tiep-tuc", "resume", {{NULL}}},
    {"xin-loi", "apology", {{"reason", "apology_reason"}}},
    {"tu-choi", "refuse", {{"reason", "refuse_reason"}}},
    {"rut", "withdraw", {{"reason", "withdraw_reason"}}},
};

/* The one action a state leads to; the others are folded away. */
static const char *primary_action(const char *status)
{
    static const char *const by_status[][2] = {
        {"received", "handover"}, {"in_progress", "finish"}, {"supplement", "resume"}, {"done", "return"},
    };
    for (size_t i = 0; i < sizeof by_status / sizeof by_status[0]; i++)
        if (!strcmp(status, by_status[i][0])) return by_status[i][1];
    return "";
}

/* act: {key: {primary, open, v: what was posted}}; a failed action comes back unfolded, with
 * what was typed, and *href the id of the field at fault. */
static json_t *actions_model(req *r, const char *status, const char *failed, const err *e, const char **href)
{
    json_t *act = json_object();
    const char *primary = primary_action(status);
    *href = e && *e->field ? e->field : NULL;
    for (size_t i = 0; i < sizeof ACTIONS / sizeof ACTIONS[0]; i++) {
        bool is_failed = failed && !strcmp(failed, ACTIONS[i].slug);
        json_t *o = json_pack("{s:b, s:b}", "primary", !strcmp(primary, ACTIONS[i].key), "open", is_failed);
        if (is_failed) {
            json_t *v = json_object();
            for (const kv *k = r->form; k; k = k->next)
                if (strcmp(k->name, "_csrf")) json_object_set_new(v, k->name, json_string(k->value));
            json_object_set_new(o, "v", v);
            for (int f = 0; f < 3 && ACTIONS[i].fields[f][0] && *href; f++)
                if (!strcmp(*href, ACTIONS[i].fields[f][0])) *href = ACTIONS[i].fields[f][1];
        }
        json_object_set_new(act, ACTIONS[i].key, o);
    }
    return act;
}

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

/* Personal data only for the staff of the dossier's own units (the receiving desk, the resolving
 * unit); an administrator or assessor above them reads it masked (dossier_mask.c). */
static bool own_dossier(req *r, const json_t *o)
{
    int64_t unit = json_integer_value(json_object_get(o, "unit_id"));
    int64_t resolving = json_integer_value(json_object_get(o, "resolving_unit_id"));
    return r->user->unit_id == unit || (resolving && r->user->unit_id == resolving);
}

/* Who may only read: a provincial assessor (its routes never include a POST). */
static bool read_only(req *r) { return !(r->user->access & (ACCESS_DESK | ACCESS_ADMIN)); }

static void show_page(req *r, int64_t id, int status, const err *e)
{
    db *d = req_db(r);
    json_t *o = dossier_get(d, r->a, id, req_now(r));
    if (!o) {
        web_error(r, 404, N_("Không tìm thấy hồ sơ."));
        return;
    }
    bool masked = !own_dossier(r, o);
    if (masked) dossier_mask_json(r->a, o);
    if (read_only(r)) {
        json_t *model = json_pack("{s:o, s:b}", "d", o, "read_only", true);
        if (r->want_json) {
            web_json(r, status, json_incref(o));
            json_decref(model);
            return;
        }
        json_object_set_new(model, "page", web_page_info(r, arena_printf(r->a, "Hồ sơ %s", json_string_value(json_object_get(o, "code")))));
        web_render(r, status, "dossier/show", model);
        return;
    }
    if (r->want_json && !e) {
        web_json(r, status, o);
        return;
    }
    const char *href = NULL;
    json_t *act = actions_model(r, json_get_str(o, "status"), e ? req_param(r, "action") : NULL, e, &href);
    json_t *model = json_pack("{s:o, s:b, s:o}", "d", o, "fresh", req_query(r, "moi") != NULL, "act", act);
    json_object_set_new(model, "paper_count", json_integer((json_int_t)json_array_size(json_object_get(o, "papers"))));
    /* only those who can receive it, the usual one for this procedure first chosen */
    json_t *staff = dossier_handover_candidates(d, r->a, id, r->user->id, req_now(r)), *u;
    size_t i;
    const char *posted_to = e && !strcmp(req_param(r, "action"), "chuyen") ? req_form(r, "to_user_id") : NULL;
    json_array_foreach(staff, i, u) {
        json_object_set_new(u, "role_label", json_string(T(r, json_get_str(u, "role_label"))));
        if (posted_to && *posted_to)   /* the officer's own choice comes back after an error */
            json_object_set_new(u, "selected", json_boolean(atoll(posted_to) == json_integer_value(json_object_get(u, "id"))));
    }
    json_object_set_new(model, "staff", staff);
    const char *rm = e ? req_form(r, "return_method") : NULL;
    json_object_set_new(model, "returns", options(r, RETURN_KEYS, 3, dossier_return_label, rm ? rm : "desk"));
    letter_details(r, o, e);
    if (e) {
        json_object_set_new(model, "error", json_string(date_error(r, id, e)));
        json_object_set_new(model, "error_field", json_string(href ? href : ""));
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
        .result_person = req_form(r, "result_person"), .result_person_sex = req_form(r, "result_person_sex"),
        .result_event_date = req_form(r, "result_event_date"),
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
        else web_redirect(r, link_dossier(r->a, id));
        return;
    }
    if (r->want_json) web_json(r, e.status, error_json(r, &e));
    else show_page(r, id, e.status, &e);
}

static const char *const PDF_KINDS[][3] = {
    {"giay-hen", "slip", "giay-tiep-nhan-hen-tra"},   {"phieu-bo-sung", "supplement", "phieu-yeu-cau-bo-sung"},
    {"phieu-tu-choi", "refusal", "phieu-tu-choi"},    {"phieu-xin-loi", "apology", "phieu-xin-loi"},
    {"phieu-kiem-soat", "control", "phieu-kiem-soat"}, {"thong-bao-dung", "stop", "thong-bao-dung-giai-quyet"},
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
    int64_t page = web_page_number(r), total = 0;
    q->limit = 50;
    q->offset = web_page_offset(r, 50);
    json_t *rows = dossier_list(req_db(r), r->a, q, req_now(r), &total), *row;
    size_t i;
    json_array_foreach(rows, i, row) {
        int64_t unit = json_integer_value(json_object_get(row, "unit_id"));
        int64_t resolving = json_integer_value(json_object_get(row, "resolving_unit_id"));
        if (r->user->unit_id != unit && r->user->unit_id != resolving) dossier_mask_json(r->a, row);
    }
    if (r->want_json) {
        web_json(r, 200, json_pack("{s:o, s:I}", "dossiers", rows, "total", (json_int_t)total));
        return;
    }
    json_t *model = json_pack("{s:o, s:I, s:s, s:s}", "dossiers", rows, "total", (json_int_t)total, "q", q->q ? q->q : "",
                              "status", q->status ? q->status : "");
    char *q_enc = NULL;   /* the query inside the page links, percent-encoded */
    form_url_encode(r->a, q->q ? q->q : "", &q_enc);
    json_object_set_new(model, "q_enc", json_string(q_enc ? q_enc : ""));
    /* the due filter (?han=) carried to the next page */
    json_object_set_new(model, "han", json_string(!q->due ? "" : !strcmp(q->due, "late") ? "qua-han" : "hom-nay"));
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
    /* ?don_vi=: another unit in the viewer's scope (the router checked it); an administrator or
     * assessor reads the unit and every unit below it */
    int64_t unit = scope_report_unit(r);
    dossier_query q = {.unit_id = unit > 0 ? unit : r->user->unit_id, .q = req_query(r, "q"), .status = st,
                       .subtree = account_role_sees_subtree(r->user->role)};
    list_page(r, &q, "Hồ sơ", "search");
}

/* ?han=qua-han: only the late; ?han=hom-nay: only those due later today (the dashboard's
 * counters link here). */
static const char *due_filter(req *r)
{
    const char *h = req_query(r, "han");
    return !h ? NULL : !strcmp(h, "qua-han") ? "late" : !strcmp(h, "hom-nay") ? "today" : NULL;
}

void page_dossier_inbox(req *r)
{
    /* the desk's own dossiers wait on its officers */
    bool desk = !strcmp(r->user->role, "officer");
    dossier_query q = {.assignee_id = r->user->id, .status = "open", .desk_unit_id = desk ? r->user->unit_id : 0,
                       .due = due_filter(r)};
    list_page(r, &q, "Hồ sơ chờ tôi xử lý", "inbox");
}

void page_dossier_board(req *r)
{
    int64_t unit = scope_report_unit(r);
    dossier_query q = {.unit_id = unit > 0 ? unit : r->user->unit_id, .due = due_filter(r),
                       .subtree = account_role_sees_subtree(r->user->role)};
    q.late_board = !q.due;
    list_page(r, &q, !q.due ? "Hồ sơ quá hạn và sắp đến hạn" : !strcmp(q.due, "late") ? "Hồ sơ quá hạn"
                                                                                       : "Hồ sơ đến hạn hôm nay",
              "board");
}

/* ---- tracking by citizens ---------------------------------------------------------------- */

/* Looks up code + secret for the citizen: the view, or NULL with *status 404 or 429 (and
 * *wait, the seconds to wait). */
/* The limiter before a lookup: false, with 429 and Retry-After, while this visitor must wait
 * after too many wrong codes or secrets; code and secret as printed on the slip. */
static bool track_may_look(req *r, const char **code, const char **secret, int *status, int64_t *wait_out)
{
    *code = text_code_printed(r->a, *code);
    *secret = text_code_printed(r->a, *secret);
    int64_t wait = track_limit_wait(r->client, *code, req_now(r));
    *wait_out = wait;
    if (wait <= 0) return true;
    web_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)wait));
    *status = 429;
    return false;
}

/* Nothing found: 404, and the wrong guess is counted. */
static void track_missed(req *r, const char *code, int *status)
{
    track_limit_failed(r->client, code, req_now(r));
    *status = 404;
}

static json_t *track_lookup(req *r, const char *code, const char *secret, int *status, int64_t *wait_out)
{
    if (!track_may_look(r, &code, &secret, status, wait_out)) return NULL;
    json_t *o = dossier_track(req_db(r), r->a, code, secret, req_now(r));
    if (!o) track_missed(r, code, status);
    return o;
}

void page_track(req *r)
{
    const char *code = req_query(r, "ma"), *secret = req_query(r, "bm");
    if (!secret) secret = req_query(r, "secret");   /* the API's name, for links built by other tools */
    json_t *model = json_pack("{s:s, s:s}", "code", code ? code : "", "secret", secret ? secret : "");
    int status = 200;
    int64_t wait = 0;
    if (code && secret && *code && *secret) {
        json_t *o = track_lookup(r, code, secret, &status, &wait);
        if (o) {
            /* after the result, the citizen rates the service (src/survey/rating.h) */
            const char *st = json_string_value(json_object_get(o, "status"));
            if (st && (!strcmp(st, "done") || !strcmp(st, "returned")))
                json_object_set_new(o, "rate_url", json_string(link_rating(r->a, text_code_printed(r->a, code), text_code_printed(r->a, secret))));
            json_object_set_new(model, "d", o);
        } else if (status == 429)   /* the real wait, in whole minutes */
            json_object_set_new(model, "error", json_string(arena_printf(r->a,
                T(r, N_("Bạn đã nhập sai nhiều lần. Xin đợi %lld phút rồi thử lại.")), (long long)(wait + 59) / 60)));
        else json_object_set_new(model, "error", json_string(T(r,
            N_("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Xin kiểm tra lại trên giấy hẹn."))));
    } else if (code && *code) {
        json_object_set_new(model, "need_secret", json_true());
    }
    json_object_set_new(model, "page", web_page_info_public(r, "Tra cứu hồ sơ"));
    web_render(r, status, "dossier/track", model);
}

void api_dossier(req *r)
{
    int status = 200;
    int64_t wait = 0;
    const char *code = req_param(r, "code"), *secret = req_query(r, "secret");
    if (!secret) secret = "";
    const char *text = NULL;
    if (track_may_look(r, &code, &secret, &status, &wait)) {
        text = dossier_track_json(req_db(r), r->a, code, secret, req_now(r));
        if (!text) track_missed(r, code, &status);
    }
    if (!text) {
        json_t *body = json_pack("{s:{s:i, s:s}}", "error", "status", status, "message",
                                 T(r, status == 429 ? N_("Quá nhiều lần tra cứu sai; xin thử lại sau.")
                                                    : N_("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này.")));
        if (status == 429)   /* the real wait, in seconds, as in Retry-After */
            json_object_set_new(json_object_get(body, "error"), "retry_after", json_integer(wait));
        web_json(r, status, body);
        return;
    }
    web_body(r, 200, "application/json; charset=utf-8", text, strlen(text));
}
