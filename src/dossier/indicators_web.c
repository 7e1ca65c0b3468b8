/* indicators_web.c -- the indicators page (GET /chi-so) and its workbook (GET /chi-so.xlsx)
 * for a unit and a period: ?don_vi=CODE (default: the signed-in user's unit; the router checks
 * the viewer may see it), ?tu=YYYY-MM-DD&den=YYYY-MM-DD (default: this year to today). */
#include <string.h>

#include "../account/account.h"
#include "../kit/web.h"
#include "../kit/form.h"
#include "indicators.h"

int64_t scope_report_unit(req *r) { return web_unit_param(r); }

static int64_t report_unit(req *r)
{
    int64_t unit = scope_report_unit(r);
    return unit > 0 ? unit : r->user->unit_id;
}

/* The query string that names the same unit and period, for links to the downloads. */
static const char *same_query(req *r, const ind_report *rep)
{
    char from[11], to[11];
    cal_format(rep->from, from);
    cal_format(rep->to, to);
    char *code = NULL;
    form_url_encode(r->a, rep->unit_code, &code);
    return arena_printf(r->a, "don_vi=%s&tu=%s&den=%s", code, from, to);
}

/* The units the viewer may report on, for the unit chooser (only when there is a choice). */
static json_t *unit_choices(req *r, int64_t selected)
{
    json_t *all = account_units_list(req_db(r), r->user), *out = json_array(), *u;
    size_t i;
    json_array_foreach(all, i, u) {
        json_int_t id = json_integer_value(json_object_get(u, "id"));
        json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "code", json_get_str(u, "code"), "name",
                                             json_get_str(u, "name"), "selected", id == selected));
    }
    json_decref(all);
    return out;
}

void page_indicators(req *r)
{
    db *d = req_db(r);
    err e = {0};
    cal_day from, to;
    int status = 200;
    if (indicators_period(req_query(r, "tu"), req_query(r, "den"), req_now(r), &from, &to, &e)) {
        status = e.status;
        indicators_period(NULL, NULL, req_now(r), &from, &to, NULL);
    }
    ind_report rep;
    err ce = {0};
    if (indicators_compute(d, r->a, report_unit(r), from, to, req_now(r), &rep, &ce)) {
        web_err(r, &ce);
        return;
    }
    json_t *model = json_pack("{s:o}", "r", indicators_json(r->a, &rep));
    char from_dmy[11], to_dmy[11];   /* the fields' fixed format, whatever the browser's locale */
    cal_format_dmy(rep.from, from_dmy);
    cal_format_dmy(rep.to, to_dmy);
    json_object_set_new(model, "from_dmy", json_string(from_dmy));
    json_object_set_new(model, "to_dmy", json_string(to_dmy));
    const char *q = same_query(r, &rep);
    json_object_set_new(model, "xlsx_url", json_string(arena_printf(r->a, "/chi-so.xlsx?%s", q)));
    json_object_set_new(model, "register_url", json_string(arena_printf(r->a, "/so-theo-doi.xlsx?%s", q)));
    json_t *units = unit_choices(r, rep.unit_id);
    if (json_array_size(units) > 1) json_object_set_new(model, "units", units);
    else json_decref(units);
    if (status != 200) web_model_err(r, model, &e);
    json_object_set_new(model, "page", web_page_info(r, "Chỉ số giải quyết hồ sơ"));
    web_render(r, status, "dossier/indicators", model);
}

void page_indicators_xlsx(req *r)
{
    err e = {0};
    cal_day from, to;
    ind_report rep;
    if (indicators_period(req_query(r, "tu"), req_query(r, "den"), req_now(r), &from, &to, &e) ||
        indicators_compute(req_db(r), r->a, report_unit(r), from, to, req_now(r), &rep, &e)) {
        web_err(r, &e);
        return;
    }
    buf out;
    buf_init(&out, r->a);
    if (indicators_xlsx(r->a, &rep, &out, &e)) {
        web_err(r, &e);
        return;
    }
    char f[11], t[11];
    cal_format(from, f);
    cal_format(to, t);
    web_header(r, "Content-Disposition",
               arena_printf(r->a, "attachment; filename=\"chi-so-%s-%s-%s.xlsx\"", rep.unit_code, f, t));
    web_header(r, "Cache-Control", "no-store");
    web_body(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", out.data, out.len);
}
