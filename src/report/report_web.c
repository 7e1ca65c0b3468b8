/* report_web.c -- the province's view (issue 13), for provincial assessors and administrators:
 *
 *   GET /tinh/so-sanh        one row per commune or department below the viewer's unit (or
 *                            ?don_vi=) with its figures (figures.h) for the period (?tu= ?den=,
 *                            default this year to today) and the previous period of the same
 *                            length beside each, sortable by any column (?sap_xep=KEY&chieu=
 *                            tang|giam, server-side), filtered by kind (?loai=xa|so), an SVG
 *                            chart of the on-time rate per unit; JSON by Accept or .json;
 *   GET /tinh/so-sanh.xlsx   the same table as a workbook (this period, the previous one);
 *   GET /tinh/don-vi/{code}  one unit: its figures, by month, links to its own pages, and a
 *                            random sample of its dossiers of the period for an audit (?mau=N,
 *                            10 by default, ?hat=SEED to draw the same sample again), masked.
 * Read-only: nothing here writes. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../core/text.h"
#include "../kit/form.h"
#include "../kit/web.h"
#include "../print/xlsx.h"
#include "report.h"

int64_t scope_province_unit(req *r)
{
    const char *code = req_param(r, "code");
    if (code) return account_unit_id(req_db(r), code);
    return web_unit_param(r);
}

static int64_t root_unit(req *r)
{
    int64_t unit = scope_province_unit(r);
    return unit > 0 ? unit : r->user->unit_id;
}

/* ---- the request ------------------------------------------------------------------------- */

typedef struct {
    cal_day from, to, pfrom, pto;
    const char *kind;        /* "commune", "department" or NULL */
    const char *loai;        /* as asked: "xa", "so" or "" */
    const char *sort;        /* a metric key, or "ten" (the name) */
    bool desc;
    int status;              /* 400 for a bad period (then the default one is shown) */
    err e;
} view_args;

static const figures_metric_def *def_of(const char *key)
{
    size_t n;
    const figures_metric_def *defs = figures_metric_defs(&n);
    for (size_t i = 0; key && i < n; i++)
        if (!strcmp(defs[i].key, key)) return &defs[i];
    return NULL;
}

static void read_args(req *r, view_args *v)
{
    memset(v, 0, sizeof *v);
    v->status = 200;
    if (indicators_period(req_query(r, "tu"), req_query(r, "den"), req_now(r), &v->from, &v->to, &v->e)) {
        v->status = v->e.status;
        indicators_period(NULL, NULL, req_now(r), &v->from, &v->to, NULL);
    }
    figures_previous(v->from, v->to, &v->pfrom, &v->pto);
    const char *loai = req_query(r, "loai");
    v->loai = "";
    if (loai && !strcmp(loai, "xa")) v->kind = "commune", v->loai = "xa";
    if (loai && !strcmp(loai, "so")) v->kind = "department", v->loai = "so";
    const char *sort = req_query(r, "sap_xep");
    v->sort = def_of(sort) ? def_of(sort)->key : "ten";
    const char *dir = req_query(r, "chieu");
    /* rates and counts read best highest first; names A to Z */
    v->desc = dir ? !strcmp(dir, "giam") : strcmp(v->sort, "ten") != 0;
}

/* ---- sorting ------------------------------------------------------------------------------ */

typedef struct {
    unit_figures *cur, *prev;
} pair;

static int by_sort(const void *x, const void *y, void *ctx)
{
    const pair *a = x, *b = y;
    const view_args *v = ctx;
    if (strcmp(v->sort, "ten")) {
        double va = 0, vb = 0;
        bool ha = figures_metric(a->cur, v->sort, &va), hb = figures_metric(b->cur, v->sort, &vb);
        if (ha != hb) return ha ? -1 : 1;   /* units without a value last, either way */
        if (ha && va != vb) return (va < vb) == v->desc ? 1 : -1;
    }
    int c = strcmp(a->cur->unit_name, b->cur->unit_name);
    return strcmp(v->sort, "ten") || !v->desc ? c : -c;
}

static int load(req *r, int64_t root, const view_args *v, pair **out, size_t *n, err *e)
{
    unit_figures *cur, *prev;
    size_t nc, np;
    db *d = req_db(r);
    if (figures_compute_units(d, r->a, root, v->kind, v->from, v->to, req_now(r), &cur, &nc, e) ||
        figures_compute_units(d, r->a, root, v->kind, v->pfrom, v->pto, req_now(r), &prev, &np, e))
        return -1;
    pair *p = arena_alloc(r->a, (nc ? nc : 1) * sizeof *p);
    for (size_t i = 0; i < nc; i++) {
        p[i].cur = &cur[i];
        p[i].prev = i < np && prev[i].unit_id == cur[i].unit_id ? &prev[i] : NULL;   /* both by name */
        for (size_t j = 0; !p[i].prev && j < np; j++)
            if (prev[j].unit_id == cur[i].unit_id) p[i].prev = &prev[j];
    }
    if (nc > 1) qsort_r(p, nc, sizeof *p, by_sort, (void *)v);
    *out = p;
    *n = nc;
    return 0;
}

/* ---- the page ----------------------------------------------------------------------------- */

/* "+2,1" / "−3" / "0": the change from the previous period, in the figure's unit (points for
 * rates). */
static const char *delta_text(arena *a, const figures_metric_def *def, double now, double before)
{
    double d = now - before;
    bool pct = !strcmp(def->unit, "%");
    bool integral = !pct && strcmp(def->unit, "ngày") && strcmp(def->key, "dossier.trips_avg");
    char *s = integral ? arena_printf(a, "%+lld", (long long)(d + (d < 0 ? -0.5 : 0.5))) : arena_printf(a, "%+.1f", d);
    for (char *p = s; *p; p++)
        if (*p == '.') *p = ',';
    if (!strcmp(s, "+0") || !strcmp(s, "+0,0") || !strcmp(s, "-0,0")) return "0";
    return s;
}

/* The columns, each with the link that sorts by it (the other way when it is the sort now). */
static json_t *columns_json(req *r, const char *base, const view_args *v)
{
    size_t n;
    const figures_metric_def *defs = figures_metric_defs(&n);
    json_t *cols = json_array();
    for (size_t i = 0; i < n; i++) {
        bool on = !strcmp(v->sort, defs[i].key);
        const char *dir = on && v->desc ? "tang" : "giam";
        json_array_append_new(cols, json_pack("{s:s, s:s, s:s, s:b, s:s}", "key", defs[i].key, "label", T(r, defs[i].label),
                                              "unit", defs[i].unit, "sorted", on, "sort_url",
                                              arena_printf(r->a, "%s&sap_xep=%s&chieu=%s", base, defs[i].key, dir)));
    }
    return cols;
}

static json_t *cells_json(req *r, const unit_figures *cur, const unit_figures *prev)
{
    size_t n;
    const figures_metric_def *defs = figures_metric_defs(&n);
    json_t *cells = json_array();
    for (size_t i = 0; i < n; i++) {
        double v = 0, pv = 0;
        bool has = figures_metric(cur, defs[i].key, &v), phas = prev && figures_metric(prev, defs[i].key, &pv);
        json_t *c = json_pack("{s:s, s:s, s:s}", "key", defs[i].key, "text", figures_format(r->a, &defs[i], has, v),
                              "prev_text", figures_format(r->a, &defs[i], phas, pv));
        if (has && phas) {
            const char *dt = delta_text(r->a, &defs[i], v, pv);
            json_object_set_new(c, "delta", json_string(dt));
            json_object_set_new(c, "up", json_boolean(dt[0] == '+'));
            json_object_set_new(c, "down", json_boolean(dt[0] == '-'));
        }
        json_array_append_new(cells, c);
    }
    return cells;
}

static const char *kind_label(const char *kind)
{
    return !strcmp(kind, "commune") ? N_("Xã, phường") : !strcmp(kind, "department") ? N_("Sở, ngành") : N_("Đơn vị");
}

/* ?don_vi=&tu=&den=&loai= as a query string (without sap_xep), for links that keep them. */
static const char *view_query(req *r, const char *unit_code, const view_args *v)
{
    char from[11], to[11];
    cal_format(v->from, from);
    cal_format(v->to, to);
    char *code = NULL;
    form_url_encode(r->a, unit_code, &code);
    return arena_printf(r->a, "don_vi=%s&tu=%s&den=%s&loai=%s", code ? code : "", from, to, v->loai);
}

static json_t *period_json(req *r, cal_day from, cal_day to)
{
    char f[11], t[11], fd[11], td[11];
    cal_format(from, f);
    cal_format(to, t);
    cal_format_dmy(from, fd);
    cal_format_dmy(to, td);
    (void)r;
    return json_pack("{s:s, s:s, s:s, s:s}", "from", f, "to", t, "from_text", fd, "to_text", td);
}

void page_province(req *r)
{
    if (!strcmp(r->route, "/tinh/so-sanh.json")) r->want_json = true;
    view_args v;
    read_args(r, &v);
    int64_t root = root_unit(r);
    json_t *unit = account_unit_get_by_id(req_db(r), root);
    const char *unit_code = json_get_str(unit, "code");
    pair *p;
    size_t n;
    err e = {0};
    if (load(r, root, &v, &p, &n, &e)) {
        json_decref(unit);
        web_err(r, &e);
        return;
    }
    if (r->want_json) {
        json_t *rows = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *o = figures_json(r->a, p[i].cur);
            if (p[i].prev) json_object_set_new(o, "previous", figures_json(r->a, p[i].prev));
            json_array_append_new(rows, o);
        }
        json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:o}", "unit_code", unit_code, "unit_name",
                              json_get_str(unit, "name"), "period", period_json(r, v.from, v.to), "previous",
                              period_json(r, v.pfrom, v.pto), "sort", v.sort, "order", v.desc ? "desc" : "asc",
                              "units", rows);
        json_decref(unit);
        if (v.status != 200) {
            json_decref(o);
            web_err(r, &v.e);
            return;
        }
        web_json(r, 200, o);
        return;
    }
    const char *q = view_query(r, unit_code, &v);
    const char *base = arena_printf(r->a, "/tinh/so-sanh?%s", q);
    json_t *rows = json_array();
    report_bar *bars = arena_alloc(r->a, (n ? n : 1) * sizeof *bars);
    for (size_t i = 0; i < n; i++) {
        const unit_figures *f = p[i].cur;
        char *code = NULL;
        form_url_encode(r->a, f->unit_code, &code);
        char from[11], to[11];
        cal_format(v.from, from);
        cal_format(v.to, to);
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:o}", "code", f->unit_code, "name", f->unit_name,
                                              "kind_label", kind_label(f->unit_kind), "url",
                                              arena_printf(r->a, "/tinh/don-vi/%s?tu=%s&den=%s", code, from, to),
                                              "cells", cells_json(r, f, p[i].prev)));
        double val = 0;
        bool has = figures_metric(f, "dossier.on_time_rate", &val);
        bars[i] = (report_bar){.label = f->unit_name, .value = val, .has = has, .alert = has && val < 95.0,
                               .text = figures_format(r->a, def_of("dossier.on_time_rate"), has, val)};
    }
    json_t *model = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:I}", "unit_name", json_get_str(unit, "name"),
                              "unit_code", unit_code, "period", period_json(r, v.from, v.to), "previous",
                              period_json(r, v.pfrom, v.pto), "columns", columns_json(r, base, &v), "rows", rows,
                              "count", (json_int_t)n);
    json_decref(unit);
    json_object_set_new(model, "name_sort_url",
                        json_string(arena_printf(r->a, "%s&sap_xep=ten&chieu=%s", base,
                                                 !strcmp(v.sort, "ten") && !v.desc ? "giam" : "tang")));
    json_object_set_new(model, "xlsx_url",
                        json_string(arena_printf(r->a, "/tinh/so-sanh.xlsx?%s&sap_xep=%s&chieu=%s", q, v.sort,
                                                 v.desc ? "giam" : "tang")));
    json_object_set_new(model, "json_url",
                        json_string(arena_printf(r->a, "/tinh/so-sanh.json?%s&sap_xep=%s&chieu=%s", q, v.sort,
                                                 v.desc ? "giam" : "tang")));
    json_object_set_new(model, "loai_all", json_boolean(!*v.loai));
    json_object_set_new(model, "loai_xa", json_boolean(!strcmp(v.loai, "xa")));
    json_object_set_new(model, "loai_so", json_boolean(!strcmp(v.loai, "so")));
    json_object_set_new(model, "sap_xep", json_string(v.sort));
    json_object_set_new(model, "chieu", json_string(v.desc ? "giam" : "tang"));
    if (v.status != 200) web_model_err(r, model, &v.e);
    json_object_set_new(model, "page", web_page_info(r, "So sánh các đơn vị"));
    const char *svg = n ? report_svg_bars(r->a, T(r, "Tỷ lệ giải quyết đúng hạn theo đơn vị"), bars, n, true) : NULL;
    web_render_raw(r, v.status, "report/province", model, svg);
}

/* ---- the workbook ----------------------------------------------------------------------- */

static void sheet_of(req *r, pair *p, size_t n, bool previous, const char *title, xl_sheet *sh)
{
    size_t nd;
    const figures_metric_def *defs = figures_metric_defs(&nd);
    size_t ncols = 3 + nd;
    xl_column *cols = arena_alloc(r->a, ncols * sizeof *cols);
    cols[0] = (xl_column){.header = T(r, "Mã đơn vị"), .width = 10};
    cols[1] = (xl_column){.header = T(r, "Đơn vị"), .width = 34};
    cols[2] = (xl_column){.header = T(r, "Loại"), .width = 12};
    for (size_t i = 0; i < nd; i++) {
        bool pct = !strcmp(defs[i].unit, "%"), dec = !strcmp(defs[i].unit, "ngày") || !strcmp(defs[i].key, "dossier.trips_avg");
        cols[3 + i] = (xl_column){.header = T(r, defs[i].label), .width = 12, .type = XL_NUMBER,
                                  .num_format = pct ? "0.0%" : dec ? "0.0" : "#,##0"};
    }
    xl_cell *cells = arena_alloc(r->a, (n ? n : 1) * ncols * sizeof *cells);
    memset(cells, 0, (n ? n : 1) * ncols * sizeof *cells);
    for (size_t row = 0; row < n; row++) {
        const unit_figures *f = previous ? p[row].prev : p[row].cur;
        xl_cell *c = &cells[row * ncols];
        c[0].text = p[row].cur->unit_code;
        c[1].text = p[row].cur->unit_name;
        c[2].text = T(r, kind_label(p[row].cur->unit_kind));
        for (size_t i = 0; i < nd; i++) {
            double v = 0;
            bool has = f && figures_metric(f, defs[i].key, &v);
            c[3 + i].blank = !has;
            c[3 + i].number = !strcmp(defs[i].unit, "%") ? v / 100.0 : v;
        }
    }
    *sh = (xl_sheet){.name = previous ? "Kỳ trước" : "Kỳ này", .title = title, .cols = cols, .ncols = ncols,
                     .cells = cells, .nrows = n, .landscape = true};
}

void page_province_xlsx(req *r)
{
    view_args v;
    read_args(r, &v);
    if (v.status != 200) {
        web_err(r, &v.e);
        return;
    }
    int64_t root = root_unit(r);
    json_t *unit = account_unit_get_by_id(req_db(r), root);
    pair *p;
    size_t n;
    err e = {0};
    if (load(r, root, &v, &p, &n, &e)) {
        json_decref(unit);
        web_err(r, &e);
        return;
    }
    char f[11], t[11], pf[11], pt[11];
    cal_format_dmy(v.from, f);
    cal_format_dmy(v.to, t);
    cal_format_dmy(v.pfrom, pf);
    cal_format_dmy(v.pto, pt);
    const char *name = json_get_str(unit, "name");
    xl_sheet sheets[2];
    sheet_of(r, p, n, false, arena_printf(r->a, "%s – %s %s – %s", name, T(r, "kỳ"), f, t), &sheets[0]);
    sheet_of(r, p, n, true, arena_printf(r->a, "%s – %s %s – %s", name, T(r, "kỳ trước"), pf, pt), &sheets[1]);
    buf out;
    buf_init(&out, r->a);
    if (xlsx_write(T(r, "So sánh các đơn vị"), sheets, 2, &out, &e)) {
        json_decref(unit);
        web_err(r, &e);
        return;
    }
    char cf[11], ct[11];
    cal_format(v.from, cf);
    cal_format(v.to, ct);
    web_header(r, "Content-Disposition", arena_printf(r->a, "attachment; filename=\"so-sanh-%s-%s-%s.xlsx\"",
                                                      json_get_str(unit, "code"), cf, ct));
    json_decref(unit);
    web_header(r, "Cache-Control", "no-store");
    web_body(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", out.data, out.len);
}

/* ---- one unit ------------------------------------------------------------------------------ */

#define SAMPLE_DEFAULT 10
#define SAMPLE_MAX 100

void page_province_unit(req *r)
{
    view_args v;
    read_args(r, &v);
    int64_t unit_id = scope_province_unit(r);
    db *d = req_db(r);
    unit_figures cur, prev;
    err e = {0};
    if (figures_compute(d, r->a, unit_id, v.from, v.to, req_now(r), &cur, &e) ||
        figures_compute(d, r->a, unit_id, v.pfrom, v.pto, req_now(r), &prev, &e)) {
        web_err(r, &e);
        return;
    }
    /* by month: each month of the period as a period of its own */
    json_t *months = json_array();
    report_bar bars[130];
    size_t nbars = 0;
    int y, m, dd;
    cal_to_ymd(v.from, &y, &m, &dd);
    for (cal_day first = v.from; first <= v.to && nbars < 130;) {
        int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
        cal_day next = cal_from_ymd(ny, nm, 1), last = next - 1 < v.to ? next - 1 : v.to;
        unit_figures mf;
        if (figures_compute(d, r->a, unit_id, first, last, req_now(r), &mf, &e)) {
            json_decref(months);
            web_err(r, &e);
            return;
        }
        const char *label = arena_printf(r->a, "%02d/%04d", m, y);
        json_array_append_new(months, json_pack("{s:s, s:o}", "label", label, "cells", cells_json(r, &mf, NULL)));
        double val = 0;
        bool has = figures_metric(&mf, "dossier.on_time_rate", &val);
        bars[nbars++] = (report_bar){.label = label, .value = val, .has = has, .alert = has && val < 95.0,
                                     .text = figures_format(r->a, def_of("dossier.on_time_rate"), has, val)};
        first = next;
        y = ny;
        m = nm;
    }
    /* the audit sample: ?mau= dossiers, drawn from ?hat= (a new seed when none is given) */
    int64_t k = SAMPLE_DEFAULT, seed = 0;
    const char *mau = req_query(r, "mau"), *hat = req_query(r, "hat");
    if (mau && *mau && (!text_parse_uint(mau, SAMPLE_MAX, &k) || k < 1)) {
        json_decref(months);
        web_error(r, 400, N_("Số hồ sơ lấy mẫu phải từ 1 đến 100."));
        return;
    }
    if (hat && *hat) {
        if (!text_parse_uint(hat, 999999999, &seed)) {
            json_decref(months);
            web_error(r, 400, N_("Mã lần rút mẫu không hợp lệ."));
            return;
        }
    } else {
        seed = 1 + (int64_t)randombytes_uniform(999999999);
    }
    json_t *sample = figures_audit_sample(d, r->a, unit_id, v.from, v.to, (int)k, (uint64_t)seed);
    if (!sample) {
        json_decref(months);
        web_error(r, 500, N_("Không đọc được số liệu, xin thử lại."));
        return;
    }
    size_t n;
    const figures_metric_def *defs = figures_metric_defs(&n);
    json_t *lines = json_array(), *cells = cells_json(r, &cur, &prev);
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(cells, i);
        json_object_set_new(c, "label", json_string(T(r, defs[i].label)));
        json_array_append(lines, c);
    }
    json_decref(cells);
    json_t *heads = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(heads, json_string(T(r, defs[i].label)));
    char *code = NULL;
    form_url_encode(r->a, cur.unit_code, &code);
    char from[11], to[11];
    cal_format(v.from, from);
    cal_format(v.to, to);
    const char *q = arena_printf(r->a, "don_vi=%s&tu=%s&den=%s", code, from, to);
    json_t *model = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I}", "f", figures_json(r->a, &cur), "period",
                              period_json(r, v.from, v.to), "previous", period_json(r, v.pfrom, v.pto), "lines", lines,
                              "heads", heads, "months", months, "sample", sample, "seed", (json_int_t)seed, "k",
                              (json_int_t)k);
    json_object_set_new(model, "links",
                        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "indicators", arena_printf(r->a, "/chi-so?%s", q),
                                  "indicators_xlsx", arena_printf(r->a, "/chi-so.xlsx?%s", q), "dossiers",
                                  arena_printf(r->a, "/ho-so?don_vi=%s", code), "ratings",
                                  arena_printf(r->a, "/danh-gia/thong-ke?%s", q), "letters",
                                  arena_printf(r->a, "/thu/thong-ke?don_vi=%s", code), "feedback",
                                  arena_printf(r->a, "/phan-anh?don_vi=%s", code)));
    json_object_set_new(model, "again_url",
                        json_string(arena_printf(r->a, "/tinh/don-vi/%s?tu=%s&den=%s&mau=%lld&hat=%lld", code, from,
                                                 to, (long long)k, (long long)seed)));
    json_object_set_new(model, "new_url", json_string(arena_printf(r->a, "/tinh/don-vi/%s?tu=%s&den=%s&mau=%lld", code,
                                                                   from, to, (long long)k)));
    json_object_set_new(model, "back_url", json_string(arena_printf(r->a, "/tinh/so-sanh?tu=%s&den=%s", from, to)));
    if (v.status != 200) web_model_err(r, model, &v.e);
    json_object_set_new(model, "page", web_page_info(r, cur.unit_name));
    const char *svg = report_svg_bars(r->a, T(r, "Tỷ lệ giải quyết đúng hạn theo tháng"), bars, nbars, true);
    web_render_raw(r, v.status, "report/unit", model, svg);
}
