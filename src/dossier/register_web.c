/* register_web.c -- the register book (Sổ theo dõi hồ sơ, Mẫu 06) as a workbook for any
 * period: GET /so-theo-doi.xlsx?don_vi=CODE&tu=YYYY-MM-DD&den=YYYY-MM-DD (defaults as on the
 * indicators page). The lines come from indicators_register_rows; the forms feature lays
 * out the book (form_register_xlsx). A unit with units below it lists theirs too. */
#include "../account/account.h"
#include "../kit/web.h"
#include "dossier.h"
#include "indicators.h"

void page_register_xlsx(req *r)
{
    err e = {0};
    cal_day from, to;
    if (indicators_period(req_query(r, "tu"), req_query(r, "den"), req_now(r), &from, &to, &e)) {
        web_err(r, &e);
        return;
    }
    db *d = req_db(r);
    int64_t unit = scope_report_unit(r);
    if (unit <= 0) unit = r->user->unit_id;
    json_t *u = account_unit_get_by_id(d, unit);
    if (!u) {
        web_error(r, 404, N_("Không tìm thấy đơn vị."));
        return;
    }
    const char *unit_name = arena_strdup(r->a, json_get_str(u, "name")), *code = arena_strdup(r->a, json_get_str(u, "code"));
    json_decref(u);
    form_register_row *rows = NULL;
    size_t n = 0;
    if (indicators_register_rows(d, r->a, unit, from, to, req_now(r), &rows, &n, &e)) {
        web_err(r, &e);
        return;
    }
    /* personal data only for the unit's own staff: an administrator or assessor, who reads the
     * units below it, gets the book masked (dossier_mask.c) */
    if (unit != r->user->unit_id || account_role_sees_subtree(r->user->role)) {
        for (size_t i = 0; i < n; i++) {
            rows[i].applicant_name = dossier_mask_name(r->a, rows[i].applicant_name);
            rows[i].applicant_contact = "***";
        }
    }
    int fy, fm, fd, ty, tm, td;
    cal_to_ymd(from, &fy, &fm, &fd);
    cal_to_ymd(to, &ty, &tm, &td);
    const char *period = arena_printf(r->a, "Từ ngày %02d/%02d/%04d đến ngày %02d/%02d/%04d", fd, fm, fy, td, tm, ty);
    buf out;
    buf_init(&out, r->a);
    if (form_register_xlsx(unit_name, period, rows, n, &out, &e)) {
        web_err(r, &e);
        return;
    }
    web_header(r, "Content-Disposition",
               arena_printf(r->a, "attachment; filename=\"so-theo-doi-ho-so-%s-%04d-%02d-%02d-%04d-%02d-%02d.xlsx\"", code,
                            fy, fm, fd, ty, tm, td));
    web_header(r, "Cache-Control", "no-store");
    web_body(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", out.data, out.len);
}
