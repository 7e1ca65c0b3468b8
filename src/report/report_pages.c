/* report_pages.c -- the report pages.
 *
 *   GET  /bao-cao?don_vi=&nam=&ky=6t|nam      the unit's report (HTML, or JSON when asked),
 *   GET  /bao-cao.pdf, /bao-cao.xlsx          the same on paper and as a workbook,
 *   POST /bao-cao/loi-van                     the leader's words (the unit's leader only; audited),
 *   GET  /bao-cao/tong-hop?don_vi=&nam=&ky=   the province's roll-up (assessor, admin),
 *   GET  /bao-cao/tong-hop.pdf, .xlsx
 *
 * ?don_vi= is checked by the route's scope (scope_report_unit); the year defaults to this one,
 * the period to the year. Rendering a PDF or workbook runs on the server's worker pool like
 * every other handler. */
#include <string.h>

#include "../account/account.h"
#include "../core/text.h"
#include "../kit/form.h"
#include "../kit/web.h"
#include "report_impl.h"

typedef struct {
    int64_t unit;
    int year;
    report_period period;
} report_query;

static int this_year(req *r)
{
    int y, m, d;
    cal_to_ymd(cal_local_day(req_now(r)), &y, &m, &d);
    return y;
}

/* ?don_vi=, ?nam=, ?ky= (or the form's, for POST); false when answered with an error. */
static bool read_query(req *r, bool form, report_query *q)
{
    const char *(*get)(req *, const char *) = form ? req_form : req_query;
    const char *code = get(r, "don_vi");
    q->unit = code && *code ? account_unit_id(req_db(r), code) : r->user->unit_id;
    if (q->unit < 0) {
        web_error(r, 404, N_("Không tìm thấy đơn vị."));
        return false;
    }
    const char *ys = get(r, "nam");
    int64_t y = this_year(r);
    if (ys && *ys && (!text_parse_uint(ys, 2100, &y) || y < 2000)) {
        web_error(r, 400, N_("Năm không hợp lệ."));
        return false;
    }
    q->year = (int)y;
    if (!report_period_parse(get(r, "ky"), &q->period)) {
        web_error(r, 400, N_("Kỳ báo cáo là 6t (6 tháng đầu năm) hoặc nam (cả năm)."));
        return false;
    }
    return true;
}

static const char *query_string(req *r, const char *code, const report_query *q)
{
    char *c = NULL;
    form_url_encode(r->a, code, &c);
    return arena_printf(r->a, "don_vi=%s&nam=%d&ky=%s", c ? c : "", q->year, report_period_key(q->period));
}

static bool is_unit_leader(req *r, int64_t unit)
{
    return r->user && !strcmp(r->user->role, "leader") && r->user->unit_id == unit;
}

static void send_file(req *r, const buf *out, const char *type, const char *disposition)
{
    web_header(r, "Content-Disposition", disposition);
    web_header(r, "Cache-Control", "private, no-store");
    web_body(r, 200, type, out->data, out->len);
}

/* ---- the unit's report ----------------------------------------------------------------------- */

static void render_report(req *r, const report_query *q, const err *form_err, bool saved)
{
    report_doc doc;
    err e = {0};
    if (report_build(req_db(r), r->a, q->unit, q->year, q->period, req_now(r), &doc, &e)) {
        web_err(r, &e);
        return;
    }
    json_t *m = report_json(r->a, &doc);
    if (r->want_json) {
        if (form_err) {
            json_decref(m);
            web_err(r, form_err);
            return;
        }
        web_json(r, 200, m);
        return;
    }
    /* the page: labels translated, the parts as a list the form and the text show */
    size_t i, j;
    json_t *g, *l, *c;
    json_array_foreach(json_object_get(m, "groups"), i, g) {
        json_object_set_new(g, "title", json_string(T(r, json_get_str(g, "title"))));
        json_array_foreach(json_object_get(g, "lines"), j, l) {
            const char *unit = json_get_str(l, "unit");
            const char *label = T(r, json_get_str(l, "label"));
            /* a unit other than the percent sign the figures carry: "Thời gian ... (ngày)" */
            if (*unit && strcmp(unit, "%")) label = arena_printf(r->a, "%s (%s)", label, T(r, unit));
            json_object_set_new(l, "label", json_string(label));
            json_t *cells = json_array();
            for (int k = 0; k < doc.ncols; k++)
                json_array_append_new(cells, json_string(json_get_str(json_object_get(l, "text"), doc.cols[k].key)));
            json_object_set_new(l, "cells", cells);
        }
    }
    json_array_foreach(json_object_get(m, "columns"), i, c) json_object_set_new(c, "label", json_string(T(r, json_get_str(c, "label"))));
    json_t *parts = json_array();
    bool edit = is_unit_leader(r, q->unit);
    for (int k = 0; k < REPORT_NPARTS; k++) {
        const char *body = doc.texts[k];
        if (form_err && edit) body = req_form(r, report_parts[k].key);   /* as typed */
        json_array_append_new(parts, json_pack("{s:s, s:s, s:s, s:b, s:b}", "key", report_parts[k].key, "label",
                                               T(r, report_parts[k].label), "body", body ? body : "", "written",
                                               body && !text_is_blank(body), "short", k >= PART_NUMBER));
    }
    json_object_set_new(m, "parts", parts);
    /* the written parts as paragraphs, one a line */
    json_t *paras = json_object();
    for (int k = 0; k < PART_NUMBER; k++) {
        json_t *lines = json_array();
        char *copy = arena_strdup(r->a, doc.texts[k] ? doc.texts[k] : ""), *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
            if (!text_is_blank(line)) json_array_append_new(lines, json_string(text_trim(r->a, line)));
        json_object_set_new(paras, report_parts[k].key, lines);
    }
    json_object_set_new(m, "paras", paras);
    json_object_set_new(m, "can_edit", json_boolean(edit));
    char asof[11];
    cal_format_dmy(doc.as_of_day, asof);
    json_object_set_new(m, "as_of_text", json_string(asof));
    json_object_set_new(m, "saved", json_boolean(saved));
    json_object_set_new(m, "half", json_boolean(q->period == REPORT_HALF));
    const char *qs = query_string(r, doc.unit_code, q);
    json_object_set_new(m, "pdf_url", json_string(arena_printf(r->a, "/bao-cao.pdf?%s", qs)));
    json_object_set_new(m, "xlsx_url", json_string(arena_printf(r->a, "/bao-cao.xlsx?%s", qs)));
    json_object_set_new(m, "half_url", json_string(arena_printf(r->a, "/bao-cao?%s", query_string(r, doc.unit_code, &(report_query){q->unit, q->year, REPORT_HALF}))));
    json_object_set_new(m, "year_url", json_string(arena_printf(r->a, "/bao-cao?%s", query_string(r, doc.unit_code, &(report_query){q->unit, q->year, REPORT_YEAR}))));
    if (form_err) web_model_err(r, m, form_err);
    json_object_set_new(m, "page", web_page_info(r, "Báo cáo kết quả xây dựng chính quyền thân thiện"));
    web_render(r, form_err ? form_err->status : 200, "report/report", m);
}

void page_report(req *r)
{
    report_query q;
    if (!read_query(r, false, &q)) return;
    render_report(r, &q, NULL, req_query(r, "da_luu") != NULL);
}

static bool build_doc(req *r, report_query *q, report_doc *doc)
{
    if (!read_query(r, false, q)) return false;
    err e = {0};
    if (report_build(req_db(r), r->a, q->unit, q->year, q->period, req_now(r), doc, &e)) {
        web_err(r, &e);
        return false;
    }
    req_db_release(r);   /* the rest is drawing */
    return true;
}

/* The report drawn by write (report_pdf or report_xlsx) and sent as a file named
 * bao-cao-UNIT-YEAR-PERIOD.ext, shown in the browser (inline) or downloaded (attachment). */
static void send_report(req *r, int (*write)(arena *, const report_doc *, buf *, err *), const char *type,
                        const char *disposition, const char *ext)
{
    report_query q;
    report_doc doc;
    if (!build_doc(r, &q, &doc)) return;
    buf out;
    buf_init(&out, r->a);
    err e = {0};
    if (write(r->a, &doc, &out, &e)) {
        web_err(r, &e);
        return;
    }
    send_file(r, &out, type,
              arena_printf(r->a, "%s; filename=\"bao-cao-%s-%d-%s.%s\"", disposition, doc.unit_code, q.year,
                           report_period_key(q.period), ext));
}

void page_report_pdf(req *r) { send_report(r, report_pdf, "application/pdf", "inline", "pdf"); }

void page_report_xlsx(req *r)
{
    send_report(r, report_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment",
                "xlsx");
}

void page_report_texts(req *r)
{
    report_query q;
    if (!read_query(r, true, &q)) return;
    if (!is_unit_leader(r, q.unit)) {
        web_error(r, 403, N_("Chỉ lãnh đạo của đơn vị được sửa nội dung báo cáo."));
        return;
    }
    report_text_in in[REPORT_NPARTS];
    size_t n = 0;
    for (int k = 0; k < REPORT_NPARTS; k++) {
        const char *v = req_form(r, report_parts[k].key);
        if (v) in[n++] = (report_text_in){report_parts[k].key, text_trim(r->a, v)};
    }
    err e = {0};
    if (report_texts_save(req_db(r), q.unit, q.year, q.period, in, n, r->user->id, req_now(r), &e)) {
        render_report(r, &q, &e, false);
        return;
    }
    if (r->want_json) {
        web_json(r, 200, json_pack("{s:b}", "saved", true));
        return;
    }
    json_t *u = account_unit_get_by_id(req_db(r), q.unit);
    const char *qs = query_string(r, u ? json_get_str(u, "code") : "", &q);
    json_decref(u);
    web_redirect(r, arena_printf(r->a, "/bao-cao?%s&da_luu=1", qs));
}

/* ---- the province's roll-up -------------------------------------------------------------------- */

static bool read_rollup(req *r, report_query *q, report_rollup *ru)
{
    if (!r->user || (strcmp(r->user->role, "assessor") && strcmp(r->user->role, "admin"))) {
        web_error(r, 403, N_("Báo cáo tổng hợp dành cho cán bộ thẩm định và quản trị cấp tỉnh."));
        return false;
    }
    if (!read_query(r, false, q)) return false;
    db *d = req_db(r);
    int64_t p = report_province_of(d, r->a, q->unit, NULL);
    if (p < 0 || !account_can_access(d, r->user, p)) {
        web_error(r, p < 0 ? 422 : 403,
                  p < 0 ? N_("Báo cáo tổng hợp dành cho cấp tỉnh: chọn một tỉnh.")
                        : N_("Bạn không có quyền truy cập dữ liệu của đơn vị này."));
        return false;
    }
    err e = {0};
    if (rollup_build(d, r->a, p, q->year, q->period, req_now(r), ru, &e)) {
        web_err(r, &e);
        return false;
    }
    return true;
}

void page_rollup(req *r)
{
    report_query q;
    report_rollup ru;
    if (!read_rollup(r, &q, &ru)) return;
    json_t *m = rollup_json(r->a, &ru);
    if (r->want_json) {
        web_json(r, 200, m);
        return;
    }
    size_t i;
    json_t *c, *u;
    json_array_foreach(json_object_get(m, "columns"), i, c) json_object_set_new(c, "label", json_string(T(r, json_get_str(c, "label"))));
    json_array_foreach(json_object_get(m, "units"), i, u) {
        json_t *cells = json_array();
        for (const char *const *k = rollup_keys; *k; k++)
            json_array_append_new(cells, json_string(json_get_str(json_object_get(u, "text"), *k)));
        json_object_set_new(u, "cells", cells);
    }
    json_t *cells = json_array();
    for (const char *const *k = rollup_keys; *k; k++)
        json_array_append_new(cells, json_string(json_get_str(json_object_get(json_object_get(m, "total"), "text"), *k)));
    json_object_set_new(m, "total_cells", cells);
    const char *qs = query_string(r, ru.province_code, &q);
    json_object_set_new(m, "pdf_url", json_string(arena_printf(r->a, "/bao-cao/tong-hop.pdf?%s", qs)));
    json_object_set_new(m, "xlsx_url", json_string(arena_printf(r->a, "/bao-cao/tong-hop.xlsx?%s", qs)));
    json_object_set_new(m, "half", json_boolean(q.period == REPORT_HALF));
    json_object_set_new(m, "page", web_page_info(r, "Báo cáo tổng hợp của tỉnh"));
    web_render(r, 200, "report/rollup", m);
}

void page_rollup_pdf(req *r)
{
    report_query q;
    report_rollup ru;
    if (!read_rollup(r, &q, &ru)) return;
    req_db_release(r);
    buf out;
    buf_init(&out, r->a);
    err e = {0};
    if (rollup_pdf(r->a, &ru, &out, &e)) {
        web_err(r, &e);
        return;
    }
    send_file(r, &out, "application/pdf",
              arena_printf(r->a, "inline; filename=\"tong-hop-%s-%d-%s.pdf\"", ru.province_code, q.year,
                           report_period_key(q.period)));
}

void page_rollup_xlsx(req *r)
{
    report_query q;
    report_rollup ru;
    if (!read_rollup(r, &q, &ru)) return;
    req_db_release(r);
    buf out;
    buf_init(&out, r->a);
    err e = {0};
    if (rollup_xlsx(r->a, &ru, &out, &e)) {
        web_err(r, &e);
        return;
    }
    send_file(r, &out, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              arena_printf(r->a, "attachment; filename=\"tong-hop-%s-%d-%s.xlsx\"", ru.province_code, q.year,
                           report_period_key(q.period)));
}
