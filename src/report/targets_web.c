/* targets_web.c -- the province's targets dashboard (GET /muc-tieu?don_vi=&nam=, HTML or JSON)
 * for provincial assessors and administrators, and an administrator's edit of one year's
 * target (POST /muc-tieu). A commune's code in ?don_vi= shows its province. */
#include <string.h>

#include "../account/account.h"
#include "../assess/assess.h"
#include "../core/text.h"
#include "../kit/web.h"
#include "report_impl.h"

static bool sees_targets(req *r)
{
    return r->user && (!strcmp(r->user->role, "assessor") || !strcmp(r->user->role, "admin"));
}

static int this_year(req *r)
{
    int y, m, d;
    cal_to_ymd(cal_local_day(req_now(r)), &y, &m, &d);
    return y;
}

/* ?nam= (or the form's nam): the year, this year when absent; false (400 answered) when bad. */
static bool read_year(req *r, const char *value, int *year)
{
    int64_t y = this_year(r);
    if (value && *value && (!text_parse_uint(value, 2100, &y) || y < 2000)) {
        web_error(r, 400, N_("Năm không hợp lệ."));
        return false;
    }
    *year = (int)y;
    return true;
}

const char *targets_svg(arena *a, const char *title, const char *const labels[3], const target_eval *ev);

static void render(req *r, int64_t province, int year, const err *form_err, bool saved)
{
    db *d = req_db(r);
    err e = {0};
    json_t *m = targets_dashboard(d, r->a, province, year, &e);
    if (!m) {
        web_err(r, &e);
        return;
    }
    /* the chart from the same figures the model carries */
    target_eval ev = {.communes = (int)json_integer_value(json_object_get(m, "communes"))};
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(m, "targets"), i, l) {
        ev.lines[i] = (target_line){.kind = (int)i,
                                    .target = (int)json_integer_value(json_object_get(l, "target")),
                                    .set = json_is_true(json_object_get(l, "set")),
                                    .have = (int)json_integer_value(json_object_get(l, "have")),
                                    .share = json_real_value(json_object_get(l, "share")),
                                    .met = json_is_true(json_object_get(l, "met"))};
    }
    if (r->want_json) {
        if (form_err) {
            json_decref(m);
            web_err(r, form_err);
            return;
        }
        web_json(r, 200, m);
        return;
    }
    static const char *const labels_vi[3] = {N_("Đạt chuẩn mức độ 1 trở lên"), N_("Trong đó: đạt chuẩn trên mức độ 1"),
                                             N_("Đạt chuẩn mức độ 4 (số đơn vị)")};
    const char *labels[3];
    for (int k = 0; k < 3; k++) labels[k] = T(r, labels_vi[k]);
    json_array_foreach(json_object_get(m, "targets"), i, l) {
        json_object_set_new(l, "label", json_string(labels[i]));
        json_object_set_new(l, "is_count", json_boolean(i == TARGET_LEVEL4));
        json_object_set_new(l, "share_text",
                            json_string(assess_points_text(r->a, (int)(json_real_value(json_object_get(l, "share")) * 10 + 0.5))));
    }
    json_t *c;
    json_array_foreach(json_object_get(m, "close"), i, c) {
        json_object_set_new(c, "short_text", json_string(assess_points_text(r->a, (int)json_integer_value(json_object_get(c, "short10")))));
        json_object_set_new(c, "total_text", json_string(assess_points_text(r->a, (int)json_integer_value(json_object_get(c, "total10")))));
    }
    json_t *u = account_unit_get_by_id(d, province);
    json_object_set_new(m, "province_name", json_string(u ? json_get_str(u, "name") : ""));
    json_decref(u);
    json_object_set_new(m, "rows", targets_list(d, json_get_str(m, "province_code")));
    json_object_set_new(m, "can_edit", json_boolean(!strcmp(r->user->role, "admin")));
    json_object_set_new(m, "saved", json_boolean(saved));
    if (form_err) web_model_err(r, m, form_err);
    json_object_set_new(m, "page", web_page_info(r, "Mục tiêu xây dựng chính quyền thân thiện"));
    const char *svg = ev.lines[0].set || ev.lines[1].set || ev.lines[2].set
                          ? targets_svg(r->a, T(r, "Tỷ lệ đạt so với mục tiêu"), labels, &ev)
                          : "";
    web_render_raw(r, form_err ? form_err->status : 200, "report/targets", m, svg);
}

/* The province of ?don_vi= (or of the user's unit); -1 answered. */
static int64_t province_param(req *r, int64_t unit)
{
    if (unit < 0) {
        web_error(r, 404, N_("Không tìm thấy đơn vị."));
        return -1;
    }
    int64_t p = report_province_of(req_db(r), r->a, unit, NULL);
    if (p < 0) web_error(r, 404, N_("Trang mục tiêu dành cho cấp tỉnh: chọn một tỉnh."));
    /* the route's scope checked the unit; the province above it is checked here */
    else if (!account_can_access(req_db(r), r->user, p)) {
        web_error(r, 403, N_("Bạn không có quyền truy cập dữ liệu của đơn vị này."));
        return -1;
    }
    return p;
}

void page_targets(req *r)
{
    if (!sees_targets(r)) {
        web_error(r, 403, N_("Trang mục tiêu dành cho cán bộ thẩm định và quản trị cấp tỉnh."));
        return;
    }
    int year;
    if (!read_year(r, req_query(r, "nam"), &year)) return;
    int64_t p = province_param(r, web_unit_param(r));
    if (p < 0) return;
    render(r, p, year, NULL, req_query(r, "da_luu") != NULL);
}

/* A whole percent or count from the form; -1 when it is not one. */
static int form_number(req *r, const char *name)
{
    const char *v = req_form(r, name);
    int64_t n;
    if (!v || !*v) return 0;
    v = text_trim(r->a, v);
    size_t len = strlen(v);
    if (len && v[len - 1] == '%') v = arena_printf(r->a, "%.*s", (int)len - 1, v);
    return text_parse_uint(v, 100000, &n) ? (int)n : -1;
}

void page_targets_save(req *r)
{
    db *d = req_db(r);
    int year;
    if (!read_year(r, req_form(r, "nam"), &year)) return;
    const char *code = req_form(r, "don_vi");
    int64_t unit = code && *code ? account_unit_id(d, code) : r->user->unit_id;
    int64_t p = province_param(r, unit);
    if (p < 0) return;
    const char *pcode = NULL;
    report_province_of(d, r->a, p, &pcode);
    int l1 = form_number(r, "muc1"), a1 = form_number(r, "tren_muc1"), l4 = form_number(r, "muc4");
    err e = {0};
    if (l1 < 0 || a1 < 0 || l4 < 0) {
        err_set(&e, 422, N_("Nhập số nguyên: tỷ lệ phần trăm (0–100) và số đơn vị."), "not a number");
    } else {
        targets_set_year(d, p, pcode, year, l1, a1, l4, req_form(r, "can_cu"), r->user->id, req_now(r), &e);
    }
    if (e.status) {
        render(r, p, year, &e, false);
        return;
    }
    web_redirect(r, arena_printf(r->a, "/muc-tieu?don_vi=%s&nam=%d&da_luu=1", pcode, year));
}
