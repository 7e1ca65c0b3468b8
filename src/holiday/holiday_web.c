/* holiday_web.c -- the administrator's calendar page, GET /quan-tri/lich-nghi?nam=YYYY:
 * the year's days off with their reasons, whether the year comes from a published schedule
 * or from the computed rules, and three forms: add one day, import a year's schedule (TSV),
 * a unit's cut-off hour and Saturday counting.
 *
 * The national calendar is one for every unit, so only an administrator of a top unit (a
 * province) may change it; any administrator may set the units in their scope. */
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../kit/form.h"
#include "../kit/web.h"
#include "holiday.h"

static const char *const weekday_names[] = {N_("Chủ nhật"), N_("Thứ Hai"), N_("Thứ Ba"), N_("Thứ Tư"),
                                            N_("Thứ Năm"),  N_("Thứ Sáu"), N_("Thứ Bảy")};

/* An administrator of a unit with no parent. */
static bool may_edit_calendar(req *r)
{
    unit_chain chain;
    return unit_chain_of(req_db(r), r->user->unit_id, &chain) == 1;
}

static int year_param(req *r, const char *value)
{
    int64_t y;
    if (value && text_parse_uint(value, 2199, &y) && y >= 1900) return (int)y;
    int yy, m, d;
    cal_to_ymd(cal_local_day(req_now(r)), &yy, &m, &d);
    return yy;
}

/* The unit whose settings the page shows: ?don_vi=CODE (in the user's scope), else theirs. */
static int64_t shown_unit(req *r, const char *code)
{
    db *d = req_db(r);
    int64_t id = code && *code ? account_unit_id(d, code) : r->user->unit_id;
    return id > 0 && account_can_access(d, r->user, id) ? id : -1;
}

static json_t *days_model(req *r, const calendar *c, const cal_unit *u, int year, int *weekdays_off)
{
    json_t *days = json_array();
    cal_entry *v = NULL;
    int n = calendar_year(c, u, year, &v);
    *weekdays_off = 0;
    for (int i = 0; i < n; i++) {
        int y, m, d, w = cal_weekday(v[i].day);
        char iso[11];
        cal_to_ymd(v[i].day, &y, &m, &d);
        cal_format(v[i].day, iso);
        bool off = v[i].kind == CAL_OFF;
        if (off && w != 0 && w != 6) ++*weekdays_off;
        json_array_append_new(days, json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "iso", iso, "date",
                                              vn_day_date(r->a, v[i].day), "weekday",
                                              T(r, weekday_names[w]), "reason", v[i].reason, "off", off, "work", !off));
    }
    free(v);
    return days;
}

/* The page, with the forms' values and an error when a POST failed. */
static void calendar_page(req *r, int status, int year, const char *unit_code, const err *e, const char *report)
{
    db *d = req_db(r);
    err ce = {0};
    const calendar *c = holiday_calendar(d, &ce);
    if (!c) {
        web_err(r, &ce);
        return;
    }
    int64_t unit_id = shown_unit(r, unit_code);
    if (unit_id < 0) {
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    cal_unit u = holiday_unit(d, unit_id);
    json_t *unit = account_unit_get_by_id(d, unit_id);
    json_object_set_new(unit, "cutoff", json_string(vn_hhmm(r->a, u.cutoff_minutes)));
    json_object_set_new(unit, "saturday_counts", json_boolean(u.saturday_counts));
    int weekdays_off = 0;
    json_t *days = days_model(r, c, &u, year, &weekdays_off);
    const char *source = holiday_year_source(d, r->a, year);
    bool published = calendar_year_published(c, year);
    json_t *model = json_pack("{s:i, s:i, s:i, s:o, s:i, s:b, s:b, s:s, s:o, s:b}", "year", year, "prev_year",
                              year - 1, "next_year", year + 1, "days", days, "weekdays_off", weekdays_off, "published",
                              published, "imported", source != NULL, "source", source ? source : "", "unit", unit,
                              "can_edit", may_edit_calendar(r));
    json_t *units = account_units_list(d, r->user);
    size_t i;
    json_t *row;
    json_array_foreach(units, i, row) {
        if (!strcmp(json_get_str(row, "code"), json_get_str(unit, "code"))) json_object_set_new(row, "selected", json_true());
    }
    json_object_set_new(model, "units", units);
    char *code = NULL;
    form_url_encode(r->a, json_get_str(unit, "code"), &code);
    json_object_set_new(model, "prev_url", json_string(arena_printf(r->a, "/quan-tri/lich-nghi?nam=%d&don_vi=%s", year - 1, code)));
    json_object_set_new(model, "next_url", json_string(arena_printf(r->a, "/quan-tri/lich-nghi?nam=%d&don_vi=%s", year + 1, code)));
    const char *saved = req_query(r, "da_luu"), *imported = req_query(r, "da_nhap");
    json_object_set_new(model, "saved", json_boolean(saved && !strcmp(saved, "1")));
    json_object_set_new(model, "imported_count", json_string(imported && *imported ? imported : ""));
    json_t *form = json_object();
    for (const kv *k = r->form; k; k = k->next)
        if (strcmp(k->name, "_csrf") && !k->filename) json_object_set_new(form, k->name, json_string(k->value));
    const char *kind = req_form(r, "loai");
    json_object_set_new(form, "work", json_boolean(kind && !strcmp(kind, "work")));
    json_object_set_new(model, "form", form);
    web_model_err(r, model, e);
    if (e) {
        json_object_set_new(model, "report", json_string(report ? report : ""));
    }
    json_object_set_new(model, "page", web_page_info(r, "Lịch nghỉ lễ, Tết và ngày làm việc"));
    if (r->want_json && e) {
        web_json(r, status, json_pack("{s:{s:i, s:s, s:s, s:s}}", "error", "status", status, "message", T(r, e->user),
                                      "field", e->field, "report", report ? report : ""));
        json_decref(model);
        return;
    }
    web_render(r, status, "holiday/year", model);
}

void page_holidays(req *r) { calendar_page(r, 200, year_param(r, req_query(r, "nam")), req_query(r, "don_vi"), NULL, NULL); }

static void done(req *r, int year, const char *unit_code, const char *what)
{
    if (r->want_json) {
        web_json(r, 200, json_pack("{s:b, s:i}", "saved", 1, "year", year));
        return;
    }
    char *code = NULL;
    form_url_encode(r->a, unit_code ? unit_code : "", &code);
    web_redirect(r, arena_printf(r->a, "/quan-tri/lich-nghi?nam=%d%s%s&%s", year, *code ? "&don_vi=" : "", code, what));
}

static bool refuse_unless_top(req *r, int year)
{
    if (may_edit_calendar(r)) return false;
    err e = {0};
    err_set(&e, 403, "Chỉ quản trị viên cấp tỉnh được sửa lịch nghỉ chung.", "calendar edit by a lower unit");
    calendar_page(r, 403, year, NULL, &e, NULL);
    return true;
}

void page_holiday_add(req *r)
{
    const char *day = text_trim(r->a, req_form(r, "ngay"));
    cal_day when;
    int year = year_param(r, req_form(r, "nam")), m, d;
    if (cal_parse_date(day, &when)) cal_to_ymd(when, &year, &m, &d);   /* show the year of the day */
    if (refuse_unless_top(r, year)) return;
    err e = {0};
    if (holiday_day_save(req_db(r), day, req_form(r, "loai"), text_trim(r->a, req_form(r, "ly_do")), r->user->id, &e) != 0) {
        calendar_page(r, e.status, year, NULL, &e, NULL);
        return;
    }
    done(r, year, NULL, "da_luu=1");
}

void page_holiday_import(req *r)
{
    int64_t y;
    const char *ys = req_form(r, "nam");
    int year = ys && text_parse_uint(ys, 2199, &y) && y >= 1900 ? (int)y : 0;
    if (refuse_unless_top(r, year ? year : year_param(r, NULL))) return;
    err e = {0};
    if (!year) {
        err_set(&e, 400, "Năm phải từ 1900 đến 2199.", "import year");
        err_field(&e, "nam");
        calendar_page(r, 400, year_param(r, NULL), NULL, &e, NULL);
        return;
    }
    const kv *file = req_file(r, "file");
    const char *data = file && file->len ? file->value : req_form(r, "noi_dung");
    size_t len = file && file->len ? file->len : data ? strlen(data) : 0;
    const char *source = file && file->len && file->filename && *file->filename ? file->filename : "nhập trên trang";
    if (!len) {
        err_set(&e, 400, "Hãy chọn một tệp lịch (TSV) hoặc dán nội dung của nó.", "import empty");
        err_field(&e, "file");
        calendar_page(r, 400, year, NULL, &e, NULL);
        return;
    }
    int count = 0;
    char *report = NULL;
    if (holiday_import(req_db(r), r->a, year, data, len, source, r->user->id, &count, &report, &e) != 0) {
        calendar_page(r, e.status, year, NULL, &e, report);
        return;
    }
    done(r, year, NULL, arena_printf(r->a, "da_nhap=%d", count));
}

void page_holiday_unit(req *r)
{
    const char *code = req_form(r, "don_vi");
    int year = year_param(r, req_form(r, "nam"));
    int64_t unit_id = code ? account_unit_id(req_db(r), code) : -1;
    const char *sat = req_form(r, "thu_bay_tinh");
    err e = {0};
    if (holiday_unit_save(req_db(r), unit_id, text_trim(r->a, req_form(r, "gio_chot")), sat && !strcmp(sat, "1"),
                          r->user->id, &e) != 0) {
        calendar_page(r, e.status, year, code, &e, NULL);
        return;
    }
    done(r, year, code, "da_luu=1");
}
