/* notify_web.c -- the staff page of the outbox (GET /thong-bao): what was sent to whom, what
 * waits or failed and why, a button to send a failed message again, and the unit's message
 * templates, which its leader or an administrator edits. */
#include <string.h>
#include <time.h>

#include "../account/account.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../kit/form.h"
#include "../kit/web.h"
#include "message.h"
#include "notify.h"

#define PAGE_SIZE 50

static const char *const statuses[] = {"pending", "sent", "failed", "skipped", NULL};

static const char *const var_labels[NOTIFY_NVARS] = {
    [NV_CODE] = N_("mã hồ sơ"),           [NV_SECRET] = N_("mã bí mật tra cứu"), [NV_NAME] = N_("họ tên người nộp"),
    [NV_PROCEDURE] = N_("tên thủ tục"),   [NV_DUE] = N_("ngày hẹn trả"),         [NV_NEW_DUE] = N_("ngày hẹn lại"),
    [NV_REASON] = N_("lý do, nội dung cần bổ sung"), [NV_UNIT] = N_("tên đơn vị (UBND …)"),
    [NV_LINK] = N_("địa chỉ tra cứu"),     [NV_TITLE] = N_("tên thư (thư gửi người dân)"),
    [NV_RATING_LINK] = N_("địa chỉ đánh giá sự phục vụ (báo kết quả)")};

int64_t scope_notify_query(req *r) { return web_unit_param(r); }

int64_t scope_notify_outbox(req *r) { return web_scope_by_table(r, "outbox"); }

static bool may_edit_templates(const req *r)
{
    return !strcmp(r->user->role, "leader") || !strcmp(r->user->role, "admin");
}

/* dd/mm/yyyy HH:MM in Vietnam time */
static const char *local_time(req *r, int64_t t)
{
    return vn_datetime(r->a, t);
}

/* Personal data only for the staff of the owning unit (DESIGN.md, Security): others who may
 * see the unit (an administrator or assessor above it) get "ng***@gmail.com", "091****678". */
static const char *masked(req *r, const char *recipient)
{
    const char *at = strchr(recipient, '@');
    if (at) return arena_printf(r->a, "%.*s***%s", at - recipient > 2 ? 2 : (int)(at - recipient), recipient, at);
    size_t n = strlen(recipient);
    if (n < 7) return "***";
    return arena_printf(r->a, "%.3s****%s", recipient, recipient + n - 3);
}

static void decorate_rows(req *r, json_t *rows, bool own_unit)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *status = json_get_str(row, "status");
        const char *channel = json_get_str(row, "channel");
        json_object_set_new(row, "status_label", json_string(notify_status_label(status)));
        json_object_set_new(row, "event_label", json_string(notify_event_label(json_get_str(row, "event"))));
        json_object_set_new(row, "channel_label", json_string(notify_channel_label(channel)));
        json_object_set_new(row, "created", json_string(local_time(r, json_integer_value(json_object_get(row, "created_at")))));
        if (!strcmp(status, "pending"))
            json_object_set_new(row, "next", json_string(local_time(r, json_integer_value(json_object_get(row, "next_at")))));
        if (json_is_integer(json_object_get(row, "sent_at")))
            json_object_set_new(row, "sent", json_string(local_time(r, json_integer_value(json_object_get(row, "sent_at")))));
        json_object_set_new(row, "can_retry", json_boolean(!strcmp(status, "failed") || !strcmp(status, "skipped")));
        json_object_set_new(row, "retry_action",
                            json_string(arena_printf(r->a, "/thong-bao/%lld/gui-lai",
                                                     (long long)json_integer_value(json_object_get(row, "id")))));
        if (!own_unit) {
            json_object_set_new(row, "recipient", json_string(masked(r, json_get_str(row, "recipient"))));
            json_object_set_new(row, "subject", json_string(""));
            json_object_set_new(row, "body", json_string(""));
        }
        json_object_set_new(row, "is_email", json_boolean(!strcmp(channel, "email")));
    }
}

/* typed: the values of a template form that was refused ({event, channel, subject, body}) */
static json_t *templates_model(req *r, int64_t unit_id, json_t *typed)
{
    db *d = req_db(r);
    json_t *events = json_array();
    for (int i = 0; notify_events[i]; i++) {
        json_t *channels = json_array();
        for (int k = 0; notify_channels[k]; k++) {
            notify_template t;
            notify_template_get(d, r->a, unit_id, notify_events[i], notify_channels[k], &t);
            const char *source = !strcmp(t.source, "unit")     ? N_("Mẫu riêng của đơn vị")
                                 : !strcmp(t.source, "parent") ? N_("Mẫu của đơn vị cấp trên")
                                                               : N_("Mẫu mặc định");
            json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "channel", notify_channels[k], "channel_label",
                                  notify_channel_label(notify_channels[k]), "subject", t.subject, "body", t.body,
                                  "source_label", source, "is_email", !strcmp(notify_channels[k], "email"), "own",
                                  !strcmp(t.source, "unit"));
            json_object_set_new(c, "id", json_string(arena_printf(r->a, "mau-%s-%s", notify_events[i], notify_channels[k])));
            if (!strcmp(notify_channels[k], "sms")) {
                /* what one message costs: parts of 160/153 (GSM-7) or 70/67 (UCS-2) characters */
                text_sms p = notify_sms_preview(d, r->a, unit_id, t.body);
                json_object_set_new(c, "sms", json_pack("{s:i, s:i, s:b}", "parts", p.parts, "units", p.units,
                                                        "unicode", p.unicode));
            }
            if (typed && !strcmp(json_get_str(typed, "event"), notify_events[i]) &&
                !strcmp(json_get_str(typed, "channel"), notify_channels[k])) {
                json_object_set(c, "subject", json_object_get(typed, "subject"));
                json_object_set(c, "body", json_object_get(typed, "body"));
                json_object_set_new(c, "refused", json_true());
            }
            json_array_append_new(channels, c);
        }
        json_array_append_new(events, json_pack("{s:s, s:s, s:o}", "event", notify_events[i], "event_label",
                                                notify_event_label(notify_events[i]), "channels", channels));
    }
    return events;
}

static void notify_page(req *r, int64_t unit_id, int status, const err *e, const char *bad, json_t *typed)
{
    db *d = req_db(r);
    json_t *unit = account_unit_get_by_id(d, unit_id);
    if (!unit) {
        json_decref(typed);
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    const char *code = json_get_str(unit, "code");
    const char *st = req_query(r, "trang_thai");
    bool st_ok = false;
    for (int i = 0; st && statuses[i]; i++) st_ok |= !strcmp(statuses[i], st);
    if (!st_ok) st = NULL;
    int64_t page = web_page_number(r);

    int64_t total = 0;
    json_t *rows = notify_outbox_list(d, unit_id, st, PAGE_SIZE, (int)((page - 1) * PAGE_SIZE), &total);
    decorate_rows(r, rows, r->user->unit_id == unit_id);
    json_t *counts = notify_outbox_counts(d, unit_id);
    json_t *filters = json_array();
    json_int_t all = 0;
    for (int i = 0; statuses[i]; i++) all += json_integer_value(json_object_get(counts, statuses[i]));
    json_array_append_new(filters, json_pack("{s:s, s:I, s:s, s:b}", "status_label", N_("Tất cả"), "count", all,
                                             "href", arena_printf(r->a, "/thong-bao?don_vi=%s", code), "current",
                                             st == NULL));
    for (int i = 0; statuses[i]; i++)
        json_array_append_new(filters, json_pack("{s:s, s:O, s:s, s:b}", "status_label", notify_status_label(statuses[i]),
                                                 "count", json_object_get(counts, statuses[i]), "href",
                                                 arena_printf(r->a, "/thong-bao?don_vi=%s&trang_thai=%s", code, statuses[i]),
                                                 "current", st && !strcmp(st, statuses[i])));

    json_t *model = json_pack("{s:o, s:o, s:o, s:o, s:I}", "unit", unit, "rows", rows, "counts", counts, "filters",
                              filters, "total", (json_int_t)total);
    const char *base = arena_printf(r->a, "/thong-bao?don_vi=%s%s%s", code, st ? "&trang_thai=" : "", st ? st : "");
    if (page > 1)
        json_object_set_new(model, "prev_url", json_string(arena_printf(r->a, "%s&trang=%lld", base, (long long)page - 1)));
    if (page * PAGE_SIZE < total)
        json_object_set_new(model, "next_url", json_string(arena_printf(r->a, "%s&trang=%lld", base, (long long)page + 1)));

    json_t *units = account_units_list(d, r->user);
    if (json_array_size(units) > 1) {
        size_t i;
        json_t *u;
        json_array_foreach(units, i, u) {
            if (!strcmp(json_get_str(u, "code"), code)) json_object_set_new(u, "selected", json_true());
        }
        json_object_set_new(model, "units", units);
    } else {
        json_decref(units);
    }

    json_t *vars = json_array();
    for (int i = 0; i < NOTIFY_NVARS; i++)
        json_array_append_new(vars, json_pack("{s:s, s:s}", "name", arena_printf(r->a, "{{%s}}", notify_var_names[i]),
                                              "label", T(r, var_labels[i])));
    json_object_set_new(model, "vars", vars);
    json_object_set_new(model, "templates", templates_model(r, unit_id, typed));
    json_object_set_new(model, "can_edit", json_boolean(may_edit_templates(r)));
    json_object_set_new(model, "sms_plain", json_boolean(notify_sms_plain(d, unit_id)));
    if (e) {
        json_object_set_new(model, "error", json_string(T(r, e->user)));
        if (bad) json_object_set_new(model, "bad_variable", json_string(bad));
    }
    if (req_query(r, "da_luu")) json_object_set_new(model, "saved", json_true());
    if (req_query(r, "da_gui_lai")) json_object_set_new(model, "retried", json_true());
    json_decref(typed);
    json_object_set_new(model, "page", web_page_info(r, "Thông báo gửi người dân"));
    web_render(r, status, "notify/outbox", model);
}

void page_notify(req *r) { notify_page(r, scope_notify_query(r), 200, NULL, NULL, NULL); }

void page_notify_template_save(req *r)
{
    const char *code = req_form(r, "don_vi");   /* the route's scope has checked it is the viewer's */
    int64_t unit_id = code ? account_unit_id(req_db(r), code) : -1;
    if (unit_id <= 0) {
        web_error(r, 400, "Không tìm thấy đơn vị.");
        return;
    }
    if (!may_edit_templates(r)) {
        web_error(r, 403, "Chỉ lãnh đạo đơn vị hoặc quản trị viên được sửa mẫu thông báo.");
        return;
    }
    const char *event = req_form(r, "event"), *channel = req_form(r, "channel");
    const char *subject = req_form(r, "subject"), *body = req_form(r, "body");
    err e = {0};
    const char *bad = NULL;
    if (notify_template_save(req_db(r), r->a, unit_id, event, channel, subject, body, r->user->id, &bad, &e) == 0) {
        if (r->want_json) web_json(r, 200, json_pack("{s:b}", "saved", 1));
        else web_redirect(r, arena_printf(r->a, "/thong-bao?don_vi=%s&da_luu=1#mau-%s-%s", code, event, channel));
        return;
    }
    if (r->want_json) {
        web_json(r, e.status, json_pack("{s:{s:i, s:s, s:s, s:s}}", "error", "status", e.status, "message", T(r, e.user),
                                        "field", e.field, "variable", bad ? bad : ""));
        return;
    }
    json_t *typed = json_pack("{s:s, s:s, s:s, s:s}", "event", event ? event : "", "channel", channel ? channel : "",
                              "subject", subject ? subject : "", "body", body ? body : "");
    notify_page(r, unit_id, e.status, &e, bad, typed);
}

void page_notify_retry(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", "Không tìm thấy thông báo.", &id)) return;
    int64_t unit_id = notify_outbox_unit(req_db(r), id);
    err e = {0};
    if (notify_retry(req_db(r), id, r->user->id, &e) != 0) {
        if (e.status == 409 && !r->want_json) notify_page(r, unit_id, 409, &e, NULL, NULL);
        else web_err(r, &e);
        return;
    }
    if (r->want_json) {
        web_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "pending"));
        return;
    }
    json_t *unit = account_unit_get_by_id(req_db(r), unit_id);
    web_redirect(r, arena_printf(r->a, "/thong-bao?don_vi=%s&da_gui_lai=1", json_get_str(unit, "code")));
    json_decref(unit);
}

/* The unit's choice of SMS without diacritics (a leader's or an administrator's). */
void page_notify_sms_plain(req *r)
{
    const char *code = req_form(r, "don_vi");   /* the route's scope has checked it is the viewer's */
    int64_t unit_id = code ? account_unit_id(req_db(r), code) : -1;
    if (unit_id <= 0) {
        web_error(r, 400, "Không tìm thấy đơn vị.");
        return;
    }
    if (!may_edit_templates(r)) {
        web_error(r, 403, "Chỉ lãnh đạo đơn vị hoặc quản trị viên được sửa mẫu thông báo.");
        return;
    }
    const char *v = req_form(r, "sms_plain");
    bool plain = v && !strcmp(v, "1");
    err e = {0};
    if (notify_sms_plain_save(req_db(r), unit_id, plain, r->user->id, &e) != 0) {
        web_err(r, &e);
        return;
    }
    if (r->want_json) web_json(r, 200, json_pack("{s:b}", "sms_plain", plain));
    else web_redirect(r, arena_printf(r->a, "/thong-bao?don_vi=%s&da_luu=1#mau", code));
}
