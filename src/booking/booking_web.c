/* booking_web.c -- the booking pages: the citizen's (no account: choose a procedure, a day
 * and a slot; see or cancel a booking by its code) and the desk's (the day's queue, the
 * unit's slot settings). The public pages stay light for cheap phones: no script, a few
 * links and radio buttons. */
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../catalog/catalog.h"
#include "../core/ratelimit.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../kit/links.h"
#include "../kit/web.h"
#include "../kit/form.h"
#include "booking.h"

/* Per client address (core/ratelimit.h): holds asked for, each of which sends an SMS, and
 * wrong guesses (SMS codes, phone numbers when cancelling). Loose enough for a commune hall's
 * Wi-Fi or a carrier's shared address, tight enough that one machine cannot take a day's
 * places (a day has about 45) or try phone numbers until one fits. */
#define HOLDS_PER_ADDRESS 20         /* an hour */
#define GUESSES_PER_ADDRESS 10       /* ten minutes */
static ratelimit_slot hold_slots[2048], guess_slots[2048];
static ratelimit holds_by_address = RATELIMIT_INIT(hold_slots, 3600, HOLDS_PER_ADDRESS);
static ratelimit guesses_by_address = RATELIMIT_INIT(guess_slots, 600, GUESSES_PER_ADDRESS);

static const char *const WEEKDAYS[] = {N_("Chủ nhật"), N_("Thứ Hai"), N_("Thứ Ba"), N_("Thứ Tư"),
                                       N_("Thứ Năm"),  N_("Thứ Sáu"), N_("Thứ Bảy")};

/* "Thứ Ba, 10/03/2026" */
static const char *day_label(req *r, cal_day day)
{
    return arena_printf(r->a, "%s, %s", T(r, WEEKDAYS[cal_weekday(day)]), vn_day_date(r->a, day));
}

static const char *day_iso(req *r, cal_day day)
{
    char *s = arena_alloc(r->a, 11);
    cal_format(day, s);
    return s;
}

static const char *hhmm(req *r, int minutes)
{
    return vn_hhmm(r->a, minutes);
}

static const char *unit_code_param(req *r, bool form)
{
    const char *code = form ? req_form(r, "don_vi") : req_query(r, "don_vi");
    if (!code && !form) code = req_query(r, "don-vi");   /* the spelling of printed links */
    return code && *code ? code : NULL;
}

int64_t scope_booking_unit(req *r)
{
    const char *code = unit_code_param(r, false);
    return code ? account_unit_id(req_db(r), code) : 0;
}

int64_t scope_booking_param(req *r) { return web_scope_by_table(r, "bookings"); }

/* The page's frame (title, CSRF token...); a JSON client gets neither it nor a cookie. */
static void set_page(req *r, json_t *model, const char *title)
{
    if (!r->want_json) json_object_set_new(model, "page", web_page_info(r, title));
}

static const char *form_value(req *r, const char *field)
{
    const char *v = req_form(r, field);
    return v ? v : "";
}

static void error_into(req *r, json_t *model, const err *e)
{
    web_model_err(r, model, e);
    json_object_set_new(model, arena_printf(r->a, "error_%s", e->field[0] ? e->field : "form"), json_true());
}

/* ---- the citizen's pages ------------------------------------------------------------- */

/* The unit whose desk is booked: ?don_vi= (or the form's), else the unit the visitor last
 * chose (its cookie), else the default commune. */
static json_t *public_unit(req *r, bool form, int64_t *id)
{
    db *d = req_db(r);
    const char *code = unit_code_param(r, form), *last = req_cookie(r, ACCOUNT_UNIT_COOKIE);
    *id = code ? account_unit_id(d, code) : account_default_unit(d);
    if (!code && last && account_unit_id(d, last) > 0) *id = account_unit_id(d, last);
    return *id > 0 ? account_unit_get_by_id(d, *id) : NULL;
}

static bool offered(db *d, int64_t unit_id, int64_t procedure_id)
{
    int64_t owner = catalog_unit_of(d, procedure_id);
    unit_chain chain;
    return owner >= 0 && unit_chain_of(d, unit_id, &chain) && unit_chain_has(&chain, owner);
}

/* The procedure chooser: folded search in the unit's catalogue. */
static void add_procedure_choice(req *r, json_t *model, int64_t unit_id, const char *unit_code)
{
    const char *q = req_query(r, "q");
    catalog_query cq = {.unit_id = unit_id, .q = q, .limit = 300};
    int64_t total = 0;
    json_t *items = catalog_search(req_db(r), r->a, &cq, &total);
    json_t *results = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(items, i, p) {
        json_int_t id = json_integer_value(json_object_get(p, "id"));
        json_array_append_new(results, json_pack("{s:I, s:s, s:s, s:s}", "id", id, "name", json_get_str(p, "name"),
                                                 "field", json_get_str(p, "field"), "url",
                                                 arena_printf(r->a, "/dat-lich?don_vi=%s&thu_tuc=%lld", unit_code,
                                                              (long long)id)));
    }
    json_decref(items);
    json_object_set_new(model, "choose_procedure", json_true());
    json_object_set_new(model, "results", results);
    json_object_set_new(model, "total", json_integer(total));
    json_object_set_new(model, "q", json_str(q));
}

/* Days and slots for the chosen procedure; `want_day` and `want_time` keep the citizen's
 * choice across a refused form. Without a choice the first day with a free place is shown. */
static void add_slot_choice(req *r, json_t *model, int64_t unit_id, const char *unit_code, int64_t procedure_id,
                            const char *want_day, const char *want_time)
{
    db *d = req_db(r);
    int64_t now = req_now(r);
    booking_settings s;
    booking_settings_get(d, unit_id, &s);
    cal_day today = cal_local_day(now), chosen = -1, first_free = -1, first = -1, want = -1;
    if (want_day) cal_parse_date(want_day, &want);
    json_t *days = json_array();
    booking_slot slots[BOOKING_MAX_SLOTS];
    err e = {0};
    for (cal_day day = today; day <= today + s.days_ahead; day++) {
        int n = booking_day_slots(d, unit_id, day, now, slots, BOOKING_MAX_SLOTS, &e);
        if (n <= 0) continue;
        int free = 0;
        for (int i = 0; i < n; i++) free += slots[i].capacity > slots[i].taken ? slots[i].capacity - slots[i].taken : 0;
        if (first < 0) first = day;
        if (first_free < 0 && free > 0) first_free = day;
        if (day == want) chosen = day;
        json_array_append_new(
            days, json_pack("{s:s, s:s, s:i, s:b, s:s}", "date", day_iso(r, day), "label", day_label(r, day), "free",
                            free, "full", free == 0, "url",
                            arena_printf(r->a, "/dat-lich?don_vi=%s&thu_tuc=%lld&ngay=%s#khung-gio", unit_code,
                                         (long long)procedure_id, day_iso(r, day))));
    }
    if (chosen < 0) chosen = first_free >= 0 ? first_free : first;
    int n = chosen < 0 ? 0 : booking_day_slots(d, unit_id, chosen, now, slots, BOOKING_MAX_SLOTS, &e);
    size_t i;
    json_t *dj;
    json_array_foreach(days, i, dj) {
        bool sel = chosen >= 0 && !strcmp(json_get_str(dj, "date"), day_iso(r, chosen));
        json_object_set_new(dj, "selected", json_boolean(sel));
    }
    json_t *jslots = json_array();
    for (int k = 0; k < n; k++) {
        booking_slot *b = &slots[k];
        int free = b->capacity > b->taken ? b->capacity - b->taken : 0;
        const char *value = hhmm(r, b->minutes);
        json_array_append_new(
            jslots, json_pack("{s:s, s:s, s:s, s:i, s:i, s:b, s:b, s:s}", "value", value, "until",
                              hhmm(r, b->minutes + b->length), "label",
                              arena_printf(r->a, "%s–%s", value, hhmm(r, b->minutes + b->length)), "free", free,
                              "capacity", b->capacity, "full", free == 0, "checked",
                              want_time && !strcmp(want_time, value) && free > 0, "id",
                              arena_printf(r->a, "gio-%02d%02d", b->minutes / 60, b->minutes % 60)));
    }
    json_object_set_new(model, "days", days);
    json_object_set_new(model, "slots", jslots);
    json_object_set_new(model, "has_days", json_boolean(json_array_size(days) > 0));
    if (chosen >= 0)
        json_object_set_new(model, "day", json_pack("{s:s, s:s}", "date", day_iso(r, chosen), "label", day_label(r, chosen)));
}

/* The booking page in any state: choosing the procedure, or the day, slot and contact. */
static void booking_page(req *r, int status, bool from_form, const err *e)
{
    int64_t unit_id;
    json_t *unit = public_unit(r, from_form, &unit_id);
    if (!unit) {
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    db *d = req_db(r);
    const char *code = json_get_str(unit, "code");
    char *unit_code = arena_strdup(r->a, code);
    char *enc_code = NULL;
    form_url_encode(r->a, unit_code, &enc_code);
    json_t *model = json_pack("{s:o}", "unit", unit);
    booking_settings s;
    booking_settings_get(d, unit_id, &s);
    json_object_set_new(model, "enabled", json_boolean(s.enabled));
    const char *pid_text = from_form ? req_form(r, "procedure_id") : req_query(r, "thu_tuc");
    int64_t pid = 0;
    json_t *proc = NULL;
    if (s.enabled && pid_text && text_parse_uint(pid_text, INT64_MAX, &pid) && offered(d, unit_id, pid))
        proc = catalog_get(d, r->a, pid);
    if (s.enabled && !proc) {
        add_procedure_choice(r, model, unit_id, enc_code);
    } else if (proc) {
        json_object_set_new(model, "procedure",
                            json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)pid, "name", json_get_str(proc, "name"),
                                      "days_display", json_get_str(proc, "days_display"), "change_url",
                                      arena_printf(r->a, "/dat-lich?don_vi=%s", enc_code)));
        json_decref(proc);
        add_slot_choice(r, model, unit_id, enc_code, pid, from_form ? req_form(r, "day") : req_query(r, "ngay"),
                        from_form ? req_form(r, "time") : NULL);
        /* a refused form keeps what the citizen typed */
        json_object_set_new(model, "form", json_pack("{s:s, s:s, s:s}", "name",
                                                     from_form ? form_value(r, "name") : "", "phone",
                                                     from_form ? form_value(r, "phone") : "", "citizen_id",
                                                     from_form ? form_value(r, "citizen_id") : ""));
    }
    if (e) error_into(r, model, e);
    set_page(r, model, "Đặt lịch hẹn nộp hồ sơ");
    web_render(r, status, "booking/book", model);
}

void page_booking_form(req *r) { booking_page(r, 200, false, NULL); }

/* What a booking shows: the full contact to its maker right after booking, masked later. */
static json_t *booking_model(req *r, const booking_row *b, bool masked)
{
    db *d = req_db(r);
    json_t *unit = account_unit_get_by_id(d, b->unit_id);
    json_t *proc = catalog_get(d, r->a, b->procedure_id);
    cal_day day = cal_local_day(b->slot_start);
    int m = cal_local_minutes(b->slot_start);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code", b->code,
                          "status", b->status, "status_label", booking_status_label(b->status), "date",
                          day_iso(r, day), "day_label", day_label(r, day), "time", hhmm(r, m), "until",
                          hhmm(r, m + b->slot_minutes), "procedure_name", proc ? json_get_str(proc, "name") : "",
                          "unit_code", json_get_str(unit, "code"), "unit_name", json_get_str(unit, "name"),
                          "desk_name", json_get_str(unit, "desk_name"), "address", json_get_str(unit, "address"), "url",
                          link_booking(r->a, b->code));
    json_object_set_new(o, "name", json_string(masked ? booking_mask_name(r->a, b->name) : b->name));
    json_object_set_new(o, "phone", json_string(masked ? booking_mask_phone(r->a, b->phone) : b->phone));
    bool held = !strcmp(b->status, "held") && b->hold_until > req_now(r);
    json_object_set_new(o, "can_cancel",
                        json_boolean((!strcmp(b->status, "booked") || held) && !b->dossier_id && b->slot_start > req_now(r)));
    json_object_set_new(o, "held", json_boolean(held));
    if (held) {
        json_object_set_new(o, "hold_until", json_string(hhmm(r, cal_local_minutes(b->hold_until))));
        json_object_set_new(o, "confirm_url", json_string(link_booking_action(r->a, b->code, "xac-nhan")));
        json_object_set_new(o, "resend_url", json_string(link_booking_action(r->a, b->code, "gui-lai-ma")));
    }
    json_decref(unit);
    json_decref(proc);
    return o;
}

void page_booking_create(req *r)
{
    int64_t unit_id;
    json_t *unit = public_unit(r, true, &unit_id);
    if (!unit) {
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    json_decref(unit);
    err e = {0};
    int64_t pid = 0;
    cal_day day;
    int minutes;
    booking_row b;
    if (!text_parse_uint(req_form(r, "procedure_id"), INT64_MAX, &pid)) {
        err_set(&e, 400, "Hãy chọn một thủ tục trong danh mục của đơn vị.", "no procedure");
        err_field(&e, "procedure_id");
    } else if (!cal_parse_date(req_form(r, "day"), &day) || !vn_parse_hhmm(req_form(r, "time"), &minutes)) {
        err_set(&e, 400, "Hãy chọn ngày và khung giờ còn chỗ.", "no slot chosen");
        err_field(&e, "time");
    } else {
        booking_request in = {.unit_id = unit_id, .procedure_id = pid, .slot_start = cal_instant(day, minutes),
                              .name = req_form(r, "name"), .phone = req_form(r, "phone"),
                              .citizen_id = req_form(r, "citizen_id"), .hold_seconds = BOOKING_HOLD_SECONDS};
        char key[72];
        if (!ratelimit_take(&holds_by_address, ratelimit_addr(r->client, key), req_now(r))) {
            err_set(&e, 429, "Có quá nhiều lượt đặt lịch từ địa chỉ mạng này trong một giờ qua. Vui lòng thử lại sau hoặc liên hệ trực tiếp Bộ phận Một cửa.",
                    "holds per address");
        } else if (booking_create(req_db(r), r->a, &in, req_now(r), &b, &e) == 0) {
            /* a hold: the place is kept while the citizen types the code sent by SMS */
            json_t *model = json_pack("{s:o}", "booking", booking_model(r, &b, true));
            set_page(r, model, "Nhập mã xác nhận");
            web_render(r, 201, "booking/confirm", model);
            return;
        }
    }
    if (r->want_json) {
        web_json(r, e.status, json_pack("{s:{s:i, s:s, s:s}}", "error", "status", e.status, "message", T(r, e.user),
                                        "field", e.field));
        return;
    }
    booking_page(r, e.status, true, &e);
}

static void show_page(req *r, int status, const booking_row *b, const err *e, bool cancelled_now)
{
    json_t *model = json_pack("{s:o}", "booking", booking_model(r, b, true));
    if (e) error_into(r, model, e);
    if (json_is_true(json_object_get(json_object_get(model, "booking"), "held"))) {
        set_page(r, model, "Nhập mã xác nhận");
        web_render(r, status, "booking/confirm", model);
        return;
    }
    json_object_set_new(model, "cancelled_now", json_boolean(cancelled_now));
    set_page(r, model, "Lịch hẹn");
    web_render(r, status, "booking/show", model);
}

void page_booking_show(req *r)
{
    booking_row b;
    err e = {0};
    if (booking_find(req_db(r), req_param(r, "code"), &b, &e) != 0) {
        web_err(r, &e);
        return;
    }
    const char *done = req_query(r, "da_huy");
    show_page(r, 200, &b, NULL, done && !strcmp(done, "1") && !strcmp(b.status, "cancelled"));
}

/* A code typed on the booking page: to the booking, or back with a message. */
void page_booking_lookup(req *r)
{
    const char *ma = req_query(r, "ma");
    booking_row b;
    err e = {0};
    if (ma && *ma && booking_find(req_db(r), ma, &b, &e) == 0) {
        web_redirect(r, link_booking(r->a, b.code));
        return;
    }
    json_t *model = json_pack("{s:s}", "ma", ma ? ma : "");
    if (ma && *ma) error_into(r, model, &e);
    set_page(r, model, "Xem lịch hẹn");
    web_render(r, ma && *ma ? 404 : 200, "booking/lookup", model);
}

/* The booking the path names, for a citizen about to type a secret (the phone's digits, the
 * SMS code): false when there is none (answered); e set to 429 when this address has guessed
 * wrong too often. key: the address's key in guesses_by_address. */
static bool booking_to_guess(req *r, booking_row *b, err *e, char key[72])
{
    if (booking_find(req_db(r), req_param(r, "code"), b, e) != 0) {
        web_err(r, e);
        return false;
    }
    ratelimit_addr(r->client, key);
    if (!ratelimit_allowed(&guesses_by_address, key, req_now(r)))
        err_set(e, 429, "Đã nhập sai quá nhiều lần từ địa chỉ mạng này. Vui lòng thử lại sau 10 phút.", "guesses");
    return true;
}

void page_booking_cancel(req *r)
{
    booking_row b;
    err e = {0};
    db *d = req_db(r);
    char key[72];
    if (!booking_to_guess(r, &b, &e, key)) return;
    if (!e.status && booking_cancel(d, b.code, req_form(r, "phone"), r->client, req_now(r), &e) != 0) {
        if (e.status == 403) ratelimit_hit(&guesses_by_address, key, req_now(r));
    }
    if (e.status) {
        if (r->want_json) web_err(r, &e);
        else show_page(r, e.status, &b, &e, false);
        return;
    }
    if (r->want_json) {
        booking_get(d, b.id, &b, &e);
        web_json(r, 200, json_pack("{s:o}", "booking", booking_model(r, &b, true)));
        return;
    }
    web_redirect(r, arena_printf(r->a, "%s?da_huy=1", link_booking(r->a, b.code)));
}

/* The citizen types the 6-digit code of the SMS: the hold becomes a booking. */
void page_booking_confirm(req *r)
{
    booking_row b;
    err e = {0};
    db *d = req_db(r);
    char key[72];
    if (!booking_to_guess(r, &b, &e, key)) return;
    if (!e.status && booking_confirm(d, b.code, req_form(r, "sms_code"), req_now(r), &e) == 0) {
        booking_get(d, b.id, &b, &e);
        json_t *model = json_pack("{s:o}", "booking", booking_model(r, &b, false));
        set_page(r, model, "Đã đặt lịch hẹn");
        web_render(r, 200, "booking/done", model);
        return;
    } else if (e.status == 400 || e.status == 409) {
        ratelimit_hit(&guesses_by_address, key, req_now(r));
    }
    if (r->want_json) {
        web_err(r, &e);
        return;
    }
    booking_get(d, b.id, &b, &e);
    show_page(r, e.status, &b, &e, false);
}

/* Another SMS code for a running hold; each costs an SMS, so it counts as a hold asked for. */
void page_booking_resend(req *r)
{
    booking_row b;
    err e = {0};
    db *d = req_db(r);
    if (booking_find(d, req_param(r, "code"), &b, &e) != 0) {
        web_err(r, &e);
        return;
    }
    char key[72];
    bool resent = false;
    if (!ratelimit_take(&holds_by_address, ratelimit_addr(r->client, key), req_now(r)))
        err_set(&e, 429, "Có quá nhiều lượt đặt lịch từ địa chỉ mạng này trong một giờ qua. Vui lòng thử lại sau hoặc liên hệ trực tiếp Bộ phận Một cửa.",
                "holds per address");
    else resent = booking_resend_code(d, r->a, b.code, req_now(r), &e) == 0;
    if (r->want_json) {
        if (resent) web_json(r, 200, json_pack("{s:b}", "resent", 1));
        else web_err(r, &e);
        return;
    }
    booking_get(d, b.id, &b, &e);
    json_t *model = json_pack("{s:o, s:b}", "booking", booking_model(r, &b, true), "resent", resent);
    if (!resent) error_into(r, model, &e);
    set_page(r, model, "Nhập mã xác nhận");
    web_render(r, resent ? 200 : e.status, "booking/confirm", model);
}

/* ---- the desk's pages ---------------------------------------------------------------- */

/* The unit a staff page is about: ?don_vi= (checked by the route's scope) or the user's. */
static int64_t staff_unit(req *r, bool form, json_t **unit)
{
    const char *code = unit_code_param(r, form);
    int64_t id = code ? account_unit_id(req_db(r), code) : r->user->unit_id;
    *unit = id > 0 ? account_unit_get_by_id(req_db(r), id) : NULL;
    return *unit ? id : -1;
}

static bool may_edit_settings(req *r)
{
    return !strcmp(r->user->role, "leader") || !strcmp(r->user->role, "admin");
}

void page_booking_queue(req *r)
{
    db *d = req_db(r);
    json_t *unit = NULL;
    int64_t unit_id = staff_unit(r, false, &unit);
    if (unit_id < 0) {
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    char *enc_code = NULL;
    form_url_encode(r->a, json_get_str(unit, "code"), &enc_code);
    /* the code a citizen shows at the desk: jump to its day with its row chosen */
    const char *find = req_query(r, "ma");
    if (find && *find) {
        booking_row b;
        err e = {0};
        if (booking_find(d, find, &b, &e) == 0 && b.unit_id == unit_id) {
            json_decref(unit);
            web_redirect(r, arena_printf(r->a, "/lich-hen?don_vi=%s&ngay=%s&chon=%lld#b-%lld", enc_code,
                                         day_iso(r, cal_local_day(b.slot_start)), (long long)b.id, (long long)b.id));
            return;
        }
        json_t *model = json_pack("{s:o}", "unit", unit);
        set_page(r, model, "Lịch hẹn tại Bộ phận Một cửa");
        err_set(&e, 404, "Không tìm thấy lịch hẹn với mã này tại đơn vị.", "find %s", find);
        error_into(r, model, &e);
        json_object_set_new(model, "find", json_string(find));
        json_object_set_new(model, "not_found", json_true());
        web_render(r, 404, "booking/queue", model);
        return;
    }
    cal_day day = cal_local_day(req_now(r));
    const char *ngay = req_query(r, "ngay");
    if (ngay && *ngay && !cal_parse_date(ngay, &day)) {
        json_decref(unit);
        web_error(r, 400, "Ngày phải có dạng NNNN-TT-NN, ví dụ 2026-03-10.");
        return;
    }
    int64_t chosen = 0;
    const char *chon = req_query(r, "chon");
    if (chon) text_parse_uint(chon, INT64_MAX, &chosen);
    json_t *slots = booking_day_list(d, r->a, unit_id, day);
    int waiting = 0, served = 0, no_show = 0, cancelled = 0, held = 0;
    bool focused = false;
    size_t i, k;
    json_t *slot, *b;
    /* the first one waiting (or the one looked up) gets the focus: Enter serves it */
    json_array_foreach(slots, i, slot) {
        json_array_foreach(json_object_get(slot, "bookings"), k, b) {
            waiting += json_is_true(json_object_get(b, "waiting"));
            served += json_is_true(json_object_get(b, "served"));
            no_show += json_is_true(json_object_get(b, "no_show"));
            cancelled += json_is_true(json_object_get(b, "cancelled"));
            held += json_is_true(json_object_get(b, "held"));
            if (chosen && json_integer_value(json_object_get(b, "id")) == chosen) {
                json_object_set_new(b, "chosen", json_true());
                if (json_is_true(json_object_get(b, "waiting"))) json_object_set_new(b, "autofocus", json_true());
                focused = true;
            }
        }
    }
    json_array_foreach(slots, i, slot) {
        json_array_foreach(json_object_get(slot, "bookings"), k, b) {
            if (!focused && json_is_true(json_object_get(b, "waiting"))) {
                json_object_set_new(b, "autofocus", json_true());
                focused = true;
            }
        }
    }
    const char *base = arena_printf(r->a, "/lich-hen?don_vi=%s&ngay=", enc_code);
    json_t *model = json_pack("{s:o, s:o, s:{s:s, s:s}, s:i, s:i, s:i, s:i, s:i}", "unit", unit, "slots", slots, "day",
                              "date", day_iso(r, day), "label", day_label(r, day), "waiting", waiting, "served", served,
                              "no_show", no_show, "cancelled", cancelled, "total",
                              waiting + served + no_show + cancelled);
    json_object_set_new(model, "prev_url", json_string(arena_printf(r->a, "%s%s", base, day_iso(r, day - 1))));
    json_object_set_new(model, "next_url", json_string(arena_printf(r->a, "%s%s", base, day_iso(r, day + 1))));
    json_object_set_new(model, "today_url",
                        json_string(arena_printf(r->a, "%s%s", base, day_iso(r, cal_local_day(req_now(r))))));
    json_object_set_new(model, "can_settings", json_boolean(may_edit_settings(r)));
    json_object_set_new(model, "has_slots", json_boolean(json_array_size(slots) > 0));
    json_object_set_new(model, "held", json_integer(held));
    json_object_set_new(model, "flood_url", json_string(arena_printf(r->a, "/lich-hen/huy-hang-loat?don_vi=%s&ngay=%s",
                                                                     enc_code, day_iso(r, day))));
    int64_t cancelled_now = 0;
    if (req_query(r, "da_huy") && text_parse_uint(req_query(r, "da_huy"), 100000, &cancelled_now))
        json_object_set_new(model, "cancelled_now", json_integer(cancelled_now));
    set_page(r, model, "Lịch hẹn tại Bộ phận Một cửa");
    web_render(r, 200, "booking/queue", model);
}

void page_booking_status(req *r)
{
    int64_t id;
    err e = {0};
    db *d = req_db(r);
    booking_row b;
    if (!text_parse_uint(req_param(r, "id"), INT64_MAX, &id) || booking_get(d, id, &b, &e) != 0) {
        web_error(r, 404, "Không tìm thấy lịch hẹn.");
        return;
    }
    if (booking_set_status(d, id, req_form(r, "status"), r->user->id, req_now(r), &e) != 0) {
        web_err(r, &e);
        return;
    }
    if (r->want_json) {
        booking_get(d, id, &b, &e);
        web_json(r, 200, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)b.id, "code", b.code, "status", b.status));
        return;
    }
    json_t *unit = account_unit_get_by_id(d, b.unit_id);
    char *enc_code = NULL;
    form_url_encode(r->a, json_get_str(unit, "code"), &enc_code);
    json_decref(unit);
    web_redirect(r, arena_printf(r->a, "/lich-hen?don_vi=%s&ngay=%s#b-%lld", enc_code,
                                 day_iso(r, cal_local_day(b.slot_start)), (long long)id));
}

static json_t *settings_json(req *r, const booking_settings *s)
{
    json_t *o = json_pack("{s:b, s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "enabled", s->enabled, "slot_minutes",
                          s->slot_minutes, "capacity", s->capacity, "morning_start", hhmm(r, s->morning_start),
                          "morning_end", hhmm(r, s->morning_end), "afternoon_start", hhmm(r, s->afternoon_start),
                          "afternoon_end", hhmm(r, s->afternoon_end), "saturday_start", hhmm(r, s->saturday_start),
                          "saturday_end", hhmm(r, s->saturday_end), "days_ahead", s->days_ahead);
    static const int lengths[] = {10, 15, 20, 30, 45, 60};
    json_t *opts = json_array();
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++)
        json_array_append_new(opts, json_pack("{s:i, s:b}", "value", lengths[i], "selected", lengths[i] == s->slot_minutes));
    json_object_set_new(o, "lengths", opts);
    return o;
}

static void settings_page(req *r, int status, json_t *unit, json_t *values, const err *e, bool saved)
{
    bool saturday = json_is_true(json_object_get(unit, "saturday_service"));
    json_t *model = json_pack("{s:o, s:o, s:b}", "unit", unit, "s", values, "saturday_service", saturday);
    if (e) error_into(r, model, e);
    json_object_set_new(model, "saved", json_boolean(saved));
    set_page(r, model, "Cài đặt đặt lịch hẹn");
    web_render(r, status, "booking/settings", model);
}

void page_booking_settings(req *r)
{
    if (!may_edit_settings(r)) {
        web_error(r, 403, "Chỉ lãnh đạo đơn vị hoặc quản trị viên được đổi cài đặt đặt lịch.");
        return;
    }
    json_t *unit = NULL;
    int64_t unit_id = staff_unit(r, false, &unit);
    if (unit_id < 0) {
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    booking_settings s;
    booking_settings_get(req_db(r), unit_id, &s);
    const char *saved = req_query(r, "da_luu");
    settings_page(r, 200, unit, settings_json(r, &s), NULL, saved && !strcmp(saved, "1"));
}

static bool form_minutes(req *r, const char *name, int *out, err *e)
{
    if (vn_parse_hhmm(req_form(r, name), out)) return true;
    err_set(e, 400, "Giờ phải có dạng GG:PP, ví dụ 07:30.", "bad time %s", name);
    err_field(e, name);
    return false;
}

static bool form_int(req *r, const char *name, int max, int *out, err *e)
{
    int64_t v;
    if (text_parse_uint(req_form(r, name), max, &v)) {
        *out = (int)v;
        return true;
    }
    err_set(e, 400, "Hãy nhập một số nguyên hợp lệ.", "bad number %s", name);
    err_field(e, name);
    return false;
}

void page_booking_settings_save(req *r)
{
    if (!may_edit_settings(r)) {
        web_error(r, 403, "Chỉ lãnh đạo đơn vị hoặc quản trị viên được đổi cài đặt đặt lịch.");
        return;
    }
    json_t *unit = NULL;
    int64_t unit_id = staff_unit(r, true, &unit);
    if (unit_id < 0) {
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    booking_settings s = {0};
    const char *en = req_form(r, "enabled");
    s.enabled = en && !strcmp(en, "1");
    err e = {0};
    bool ok = form_int(r, "slot_minutes", 1000, &s.slot_minutes, &e) && form_int(r, "capacity", 1000, &s.capacity, &e) &&
              form_minutes(r, "morning_start", &s.morning_start, &e) &&
              form_minutes(r, "morning_end", &s.morning_end, &e) &&
              form_minutes(r, "afternoon_start", &s.afternoon_start, &e) &&
              form_minutes(r, "afternoon_end", &s.afternoon_end, &e) &&
              form_minutes(r, "saturday_start", &s.saturday_start, &e) &&
              form_minutes(r, "saturday_end", &s.saturday_end, &e) && form_int(r, "days_ahead", 1000, &s.days_ahead, &e);
    if (ok && booking_settings_save(req_db(r), unit_id, &s, r->user->id, req_now(r), &e) == 0) {
        char *enc_code = NULL;
        form_url_encode(r->a, json_get_str(unit, "code"), &enc_code);
        json_decref(unit);
        if (r->want_json) {
            booking_settings_get(req_db(r), unit_id, &s);
            web_json(r, 200, settings_json(r, &s));
        } else {
            web_redirect(r, arena_printf(r->a, "/lich-hen/cai-dat?don_vi=%s&da_luu=1", enc_code));
        }
        return;
    }
    if (r->want_json) {
        json_decref(unit);
        web_json(r, e.status, json_pack("{s:{s:i, s:s, s:s}}", "error", "status", e.status, "message", T(r, e.user),
                                        "field", e.field));
        return;
    }
    /* the form as typed, so nothing the leader wrote is lost */
    json_t *values = json_object();
    for (const kv *k = r->form; k; k = k->next)
        if (strcmp(k->name, "_csrf")) json_object_set_new(values, k->name, json_string(k->value));
    json_object_set_new(values, "enabled", json_boolean(s.enabled));
    json_t *typed = settings_json(r, &s);
    json_object_set(values, "lengths", json_object_get(typed, "lengths"));
    json_decref(typed);
    settings_page(r, e.status, unit, values, &e, false);
}

/* ---- the desk's tool against a flood ------------------------------------------------- */

/* "08:05 10/03/2026", in Vietnam time */
static const char *local_datetime(req *r, int64_t t)
{
    return vn_time_date(r->a, t, " ");
}

/* The bookings of a day that the desk may still cancel (held or booked, no dossier), kept
 * when they match the filters: the phone number, and when they were made (from, to). */
static json_t *flood_matches(req *r, int64_t unit_id, cal_day day, const char *phone, int64_t from, int64_t to)
{
    json_t *slots = booking_day_list(req_db(r), r->a, unit_id, day), *out = json_array();
    size_t i, k;
    json_t *slot, *b;
    json_array_foreach(slots, i, slot) {
        json_array_foreach(json_object_get(slot, "bookings"), k, b) {
            const char *status = json_get_str(b, "status");
            int64_t made = json_integer_value(json_object_get(b, "created_at"));
            if ((strcmp(status, "held") && strcmp(status, "booked")) || json_is_true(json_object_get(b, "has_dossier")))
                continue;
            if (*phone && strcmp(json_get_str(b, "phone"), phone)) continue;
            if ((from && made < from) || (to && made > to)) continue;
            json_object_set_new(b, "time", json_string(json_get_str(slot, "time")));
            json_object_set_new(b, "made", json_string(local_datetime(r, made)));
            json_array_append(out, b);
        }
    }
    json_decref(slots);
    return out;
}

/* a filter of the flood page: in the query, or in the cancelling form that carries it */
static const char *filter(req *r, const char *name)
{
    const char *v = req_query(r, name);
    return v ? v : req_form(r, name);
}

static void flood_page(req *r, int status, json_t *unit, int64_t unit_id, cal_day day, const err *e)
{
    const char *phone_in = filter(r, "sdt"), *from_in = filter(r, "dat_tu"), *to_in = filter(r, "dat_den");
    char phone[16] = "";
    int64_t from = 0, to = 0;
    err bad = {0};
    if (phone_in && *phone_in && !text_phone_vn(phone_in, phone)) {
        err_set(&bad, 400, "Số điện thoại không hợp lệ: nhập số di động 10 chữ số (ví dụ 0912 345 678) hoặc số cố định 11 chữ số.", "flood phone");
        err_field(&bad, "sdt");
    } else if ((from_in && *from_in && !cal_parse_typed_time(from_in, &from)) ||
               (to_in && *to_in && !cal_parse_typed_time(to_in, &to))) {
        err_set(&bad, 400, "Thời điểm đặt lịch phải có dạng ngày/tháng/năm giờ:phút, ví dụ 10/03/2026 08:05.", "flood time");
        err_field(&bad, "dat_tu");
    }
    if (bad.status) e = &bad, status = 400;
    bool filtered = *phone || from || to;
    json_t *matches = bad.status || !filtered ? json_array() : flood_matches(r, unit_id, day, phone, from, to);
    json_t *model = json_pack("{s:o, s:{s:s, s:s}, s:o, s:i, s:b, s:s, s:s, s:s}", "unit", unit, "day", "date",
                              day_iso(r, day), "label", day_label(r, day), "matches", matches, "count",
                              (int)json_array_size(matches), "filtered", filtered, "sdt", phone_in ? phone_in : "",
                              "dat_tu", from_in ? from_in : "", "dat_den", to_in ? to_in : "");
    json_object_set_new(model, "reason", json_string(form_value(r, "ly_do")));
    char dmy[11];   /* the visible field is day first, whatever the browser's locale */
    cal_format_dmy(day, dmy);
    json_object_set_new(json_object_get(model, "day"), "dmy", json_string(dmy));
    if (e) error_into(r, model, e);
    set_page(r, model, "Hủy nhiều lịch hẹn");
    web_render(r, status, "booking/flood", model);
}

void page_booking_flood(req *r)
{
    json_t *unit = NULL;
    int64_t unit_id = staff_unit(r, false, &unit);
    if (unit_id < 0) {
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    cal_day day = cal_local_day(req_now(r));
    const char *ngay = req_query(r, "ngay");
    if (ngay && *ngay && !cal_parse_typed_date(ngay, &day)) {
        json_decref(unit);
        web_error(r, 400, "Ngày phải có dạng ngày/tháng/năm, ví dụ 10/03/2026.");
        return;
    }
    flood_page(r, 200, unit, unit_id, day, NULL);
}

/* Cancels the ticked bookings at once, audited with the reason. */
void page_booking_flood_cancel(req *r)
{
    json_t *unit = NULL;
    int64_t unit_id = staff_unit(r, true, &unit);
    if (unit_id < 0) {
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    cal_day day;
    if (!cal_parse_typed_date(req_form(r, "ngay"), &day)) {
        json_decref(unit);
        web_error(r, 400, "Ngày phải có dạng ngày/tháng/năm, ví dụ 10/03/2026.");
        return;
    }
    int n = 0;
    for (const kv *k = r->form; k; k = k->next) n += !strcmp(k->name, "id");
    int64_t *ids = arena_alloc(r->a, sizeof *ids * (size_t)(n ? n : 1));
    n = 0;
    for (const kv *k = r->form; k; k = k->next)
        if (!strcmp(k->name, "id") && text_parse_uint(k->value, INT64_MAX, &ids[n])) n++;
    const char *reason = text_trim(r->a, form_value(r, "ly_do"));
    err e = {0};
    if (n == 0) {
        err_set(&e, 400, "Hãy chọn ít nhất một lịch hẹn để hủy.", "none chosen");
        err_field(&e, "id");
    } else if (text_char_count(reason) < 3 || text_char_count(reason) > 500) {
        err_set(&e, 400, "Hãy ghi lý do hủy (từ 3 đến 500 ký tự); lý do được ghi vào nhật ký.", "no reason");
        err_field(&e, "ly_do");
    }
    int done = e.status ? -1 : booking_cancel_many(req_db(r), unit_id, ids, n, reason, r->user->id, req_now(r), &e);
    if (done < 0) {
        if (r->want_json) {
            json_decref(unit);
            web_err(r, &e);
        } else {
            flood_page(r, e.status, unit, unit_id, day, &e);
        }
        return;
    }
    if (r->want_json) {
        json_decref(unit);
        web_json(r, 200, json_pack("{s:i}", "cancelled", done));
        return;
    }
    char *enc_code = NULL;
    form_url_encode(r->a, json_get_str(unit, "code"), &enc_code);
    json_decref(unit);
    web_redirect(r, arena_printf(r->a, "/lich-hen?don_vi=%s&ngay=%s&da_huy=%d", enc_code, day_iso(r, day), done));
}
