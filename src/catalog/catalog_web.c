/* catalog_web.c -- the public catalogue pages, the JSON API, and the staff forms for
 * adding, editing, importing and exporting procedures. */
#include <pthread.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../core/text.h"
#include "../kit/form.h"
#include "../kit/links.h"
#include "../kit/web.h"
#include "catalog.h"

int64_t scope_procedure_param(req *r) { return web_scope_by_table(r, "procedures"); }

/* The unit whose catalogue a public page shows: ?don_vi=CODE, else the signed-in user's
 * unit, else the unit the visitor last chose, else the default unit. */
static int64_t catalog_unit(req *r, json_t **unit_out)
{
    db *d = req_db(r);
    const char *code = req_query(r, "don_vi");
    int64_t id = -1;
    if (code && *code) id = account_unit_id(d, code);
    else if (r->user) id = r->user->unit_id;
    else if ((id = account_unit_id(d, req_cookie(r, ACCOUNT_UNIT_COOKIE) ? req_cookie(r, ACCOUNT_UNIT_COOKIE) : "")) < 0)
        id = account_default_unit(d);
    *unit_out = id > 0 ? account_unit_get_by_id(d, id) : NULL;
    return *unit_out ? id : -1;
}

#define PAGE_SIZE 50

void page_catalog_list(req *r)
{
    json_t *unit = NULL;
    int64_t unit_id = catalog_unit(r, &unit);
    if (unit_id < 0) {
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    const char *q = req_query(r, "q");
    const char *field = req_query(r, "linh_vuc");
    int page = web_page_number(r);
    catalog_query cq = {.unit_id = unit_id, .q = q, .field = field && *field ? field : NULL, .limit = PAGE_SIZE,
                        .offset = (page - 1) * PAGE_SIZE};
    int64_t total = 0;
    db *d = req_db(r);
    json_t *items = catalog_search(d, r->a, &cq, &total);
    json_t *fields = catalog_fields(d, unit_id);
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f) {
        if (field && !strcmp(json_get_str(f, "name"), field)) json_object_set_new(f, "selected", json_true());
    }
    /* a procedure opened from this list keeps the commune: its page links back here and books here */
    json_t *it;
    json_array_foreach(items, i, it) {
        json_object_set_new(it, "url", json_string(arena_printf(r->a, "%s?don_vi=%s", json_get_str(it, "url"),
                                                                json_get_str(unit, "code"))));
    }
    json_t *model = json_pack("{s:o, s:o, s:o, s:I, s:s, s:s, s:i}", "unit", unit, "items", items, "fields", fields,
                              "total", (json_int_t)total, "q", q ? q : "", "field", field ? field : "", "page_number",
                              page);
    json_object_set_new(model, "searched", json_boolean((q && *q) || (field && *field)));
    char *q_enc = NULL, *field_enc = NULL;
    form_url_encode(r->a, q ? q : "", &q_enc);
    form_url_encode(r->a, field ? field : "", &field_enc);
    const char *base = arena_printf(r->a, "/thu-tuc?don_vi=%s&q=%s&linh_vuc=%s", json_get_str(unit, "code"), q_enc,
                                    field_enc);
    if (page > 1) json_object_set_new(model, "prev_url", json_string(arena_printf(r->a, "%s&trang=%d", base, page - 1)));
    if ((int64_t)page * PAGE_SIZE < total)
        json_object_set_new(model, "next_url", json_string(arena_printf(r->a, "%s&trang=%d", base, page + 1)));
    json_object_set_new(model, "page", web_page_info(r, "Thủ tục hành chính"));
    web_render(r, 200, "catalog/list", model);
}

/* An inline SVG of the QR code: one path, no raster, a few hundred bytes on a slow link. */
static char *qr_svg_make(arena *a, const char *text)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr) return NULL;
    int w = qr->width, quiet = 4, size = w + 2 * quiet;
    buf b;
    buf_init(&b, a);
    buf_printf(&b, "<svg class=\"tt-qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"160\" "
                   "height=\"160\" shape-rendering=\"crispEdges\" role=\"img\" aria-labelledby=\"qr-title\">"
                   "<title id=\"qr-title\">",
               size, size);
    buf_puts(&b, "QR</title><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
    /* one rectangle per run of dark modules in a row: a third of the path, no printf per module */
    for (int y = 0; y < w; y++) {
        for (int x = 0; x < w;) {
            if (!(qr->data[y * w + x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < w && (qr->data[y * w + x + run] & 1)) run++;
            char rect[48];
            int n = snprintf(rect, sizeof rect, "M%d %dh%dv1h-%dz", x + quiet, y + quiet, run, run);
            buf_add(&b, rect, (size_t)n);
            x += run;
        }
    }
    buf_puts(&b, "\"/></svg>");
    QRcode_free(qr);
    return (char *)buf_cstr(&b);
}

/* Encoding a QR code (choosing its mask) costs more than the rest of the page, and a
 * procedure's link seldom changes: keep the last SVGs, one slot per hash of the link. */
#define QR_CACHE 512
static struct {
    char *link, *svg;
} qr_cache[QR_CACHE];
static pthread_mutex_t qr_mu = PTHREAD_MUTEX_INITIALIZER;

static char *qr_svg(arena *a, const char *link)
{
    size_t h = 5381;
    for (const char *p = link; *p; p++) h = h * 33 + (unsigned char)*p;
    h %= QR_CACHE;
    char *svg = NULL;
    pthread_mutex_lock(&qr_mu);
    if (qr_cache[h].link && !strcmp(qr_cache[h].link, link)) svg = arena_strdup(a, qr_cache[h].svg);
    pthread_mutex_unlock(&qr_mu);
    if (svg) return svg;
    svg = qr_svg_make(a, link);
    if (!svg) return NULL;
    char *link_copy = strdup(link), *svg_copy = strdup(svg);
    if (!link_copy || !svg_copy) abort();
    pthread_mutex_lock(&qr_mu);
    free(qr_cache[h].link);
    free(qr_cache[h].svg);
    qr_cache[h].link = link_copy;
    qr_cache[h].svg = svg_copy;
    pthread_mutex_unlock(&qr_mu);
    return svg;
}

void catalog_web_cleanup(void)
{
    for (int i = 0; i < QR_CACHE; i++) {
        free(qr_cache[i].link);
        free(qr_cache[i].svg);
        qr_cache[i].link = qr_cache[i].svg = NULL;
    }
}

static bool parse_id(req *r, int64_t *id) { return web_id_or_404(r, "id", "Không tìm thấy thủ tục.", id); }

/* The commune a procedure page is read for: ?don_vi=CODE (from its catalogue), else the
 * unit the visitor last chose (the "don_vi" cookie), as long as that unit offers the
 * procedure (its own catalogue or an ancestor's); else the procedure's own unit. */
static json_t *reading_unit(req *r, int64_t procedure_unit)
{
    db *d = req_db(r);
    const char *tries[] = {req_query(r, "don_vi"), req_cookie(r, ACCOUNT_UNIT_COOKIE)};
    for (int t = 0; t < 2; t++) {
        int64_t id = tries[t] && *tries[t] ? account_unit_id(d, tries[t]) : -1;
        unit_chain chain;
        if (id > 0 && unit_chain_of(d, id, &chain) && unit_chain_has(&chain, procedure_unit))
            return account_unit_get_by_id(d, id);
    }
    return account_unit_get_by_id(d, procedure_unit);
}

void page_catalog_show(req *r)
{
    int64_t id;
    if (!parse_id(r, &id)) return;
    json_t *p = catalog_get(req_db(r), r->a, id);
    if (!p) {
        web_error(r, 404, "Không tìm thấy thủ tục.");
        return;
    }
    const char *link = arena_printf(r->a, "%s/thu-tuc/%lld", web_public_base(r), (long long)id);
    json_t *model = json_pack("{s:o, s:s}", "procedure", p, "link", link);
    json_t *unit = reading_unit(r, json_integer_value(json_object_get(p, "unit_id")));
    if (unit) {
        const char *code = json_get_str(unit, "code");
        json_object_set_new(model, "unit", json_pack("{s:s, s:s}", "code", code, "name", json_get_str(unit, "name")));
        json_object_set_new(model, "booking_url", json_string(arena_printf(r->a, "/dat-lich?don_vi=%s&thu_tuc=%lld", code,
                                                                           (long long)id)));
        json_object_set_new(model, "catalogue_url", json_string(arena_printf(r->a, "/thu-tuc?don_vi=%s", code)));
        json_decref(unit);
    }
    /* a form template is linked only over the web or on this site, never another scheme */
    const char *form = json_get_str(p, "form_url");
    if (strncmp(form, "https://", 8) && strncmp(form, "http://", 7) && !(form[0] == '/' && form[1] != '/'))
        json_object_set_new(p, "form_url", json_string(""));
    if (r->user && account_role_edits_catalog(r->user->role) &&
        account_can_access(req_db(r), r->user, catalog_unit_of(req_db(r), id)))
        json_object_set_new(model, "can_edit", json_true());
    json_object_set_new(model, "page", web_page_info(r, json_get_str(p, "name")));
    if (r->want_json) {
        web_json(r, 200, model);
        return;
    }
    /* the SVG is program-made markup, so it goes through the one raw slot of a template of
     * its own, never through the view model */
    web_render_raw(r, 200, "catalog/show", model, qr_svg(r->a, link));
}

void api_procedures(req *r)
{
    json_t *unit = NULL;
    int64_t unit_id = catalog_unit(r, &unit);
    if (unit_id < 0) {
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    int64_t limit = 50, offset = 0;
    const char *l = req_query(r, "limit"), *o = req_query(r, "offset");
    if ((l && (!text_parse_uint(l, 500, &limit) || limit < 1)) || (o && !text_parse_uint(o, 1000000, &offset))) {
        json_decref(unit);
        web_error(r, 400, "Tham số limit (1–500) hoặc offset không hợp lệ.");
        return;
    }
    const char *field = req_query(r, "linh_vuc");
    catalog_query cq = {.unit_id = unit_id, .q = req_query(r, "q"), .field = field && *field ? field : NULL,
                        .limit = (int)limit, .offset = (int)offset};
    int64_t total = 0;
    json_t *items = catalog_search(req_db(r), r->a, &cq, &total);
    json_t *out = json_pack("{s:o, s:I, s:I, s:I, s:s}", "items", items, "total", (json_int_t)total, "limit",
                            (json_int_t)limit, "offset", (json_int_t)offset, "unit", json_get_str(unit, "code"));
    json_decref(unit);
    web_json(r, 200, out);
}

void api_procedure(req *r)
{
    int64_t id;
    if (!parse_id(r, &id)) return;
    json_t *p = catalog_get(req_db(r), r->a, id);
    if (!p) {
        web_error(r, 404, "Không tìm thấy thủ tục.");
        return;
    }
    web_json(r, 200, p);
}

/* ---- staff: add, edit ------------------------------------------------------------- */

static procedure_fields fields_from_form(req *r)
{
    procedure_fields f = {req_form(r, "don_vi"),   req_form(r, "code"),        req_form(r, "name"),
                          req_form(r, "field"),    req_form(r, "days"),        req_form(r, "time_text"),
                          req_form(r, "fee"),      req_form(r, "fee_text"),    req_form(r, "papers"),
                          req_form(r, "submit_where"), req_form(r, "online_level"), req_form(r, "legal_basis"),
                          req_form(r, "result"),   req_form(r, "letter"),      req_form(r, "keywords"),
                          req_form(r, "form_url")};
    return f;
}

static void form_page(req *r, int status, json_t *values, int64_t id, const err *e)
{
    json_t *model = json_pack("{s:o}", "p", values);
    json_object_set_new(model, "units", account_units_list(req_db(r), r->user));
    if (id) json_object_set_new(model, "action", json_string(link_procedure(r->a, id)));
    else json_object_set_new(model, "action", json_string("/thu-tuc"));
    json_object_set_new(model, "editing", json_boolean(id != 0));
    const char *lvl = json_get_str(values, "online_level");
    json_object_set_new(model, "lvl_none", json_boolean(!strcmp(lvl, "none")));
    json_object_set_new(model, "lvl_partial", json_boolean(!strcmp(lvl, "partial")));
    json_object_set_new(model, "lvl_full", json_boolean(!strcmp(lvl, "full")));
    json_t *letters = json_array();
    static const char *const occasions[] = {"", "birth", "marriage", "death"};
    for (size_t k = 0; k < 4; k++)
        json_array_append_new(letters, json_pack("{s:s, s:s, s:b}", "value", occasions[k], "label",
                                                 T(r, catalog_letter_label(occasions[k])), "selected",
                                                 !strcmp(json_get_str(values, "letter"), occasions[k])));
    json_object_set_new(model, "letters", letters);
    web_model_err(r, model, e);
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(model, "units"), i, u) {
        if (!strcmp(json_get_str(u, "code"), json_get_str(values, "unit_code")))
            json_object_set_new(u, "selected", json_true());
    }
    json_object_set_new(model, "page", web_page_info(r, id ? "Sửa thủ tục" : "Thêm thủ tục"));
    web_render(r, status, "catalog/form", model);
}

static json_t *values_from_form(req *r)
{
    json_t *v = json_object();
    for (const kv *k = r->form; k; k = k->next)
        if (strcmp(k->name, "_csrf")) json_object_set_new(v, k->name, json_string(k->value));
    json_object_set_new(v, "unit_code", json_str(req_form(r, "don_vi")));
    json_object_set_new(v, "papers_text", json_str(req_form(r, "papers")));
    return v;
}

void page_catalog_new(req *r)
{
    json_t *v = json_pack("{s:s}", "unit_code", r->user->unit_code);
    form_page(r, 200, v, 0, NULL);
}

static void save_from_form(req *r, int64_t id)
{
    procedure_fields f = fields_from_form(r);
    procedure p;
    err e = {0};
    db *d = req_db(r);
    int64_t new_id = 0;
    if (catalog_check(d, r->a, &f, &p, &e) == 0 && !account_can_access(d, r->user, p.unit_id)) {
        err_set(&e, 403, "Bạn không có quyền cập nhật danh mục của đơn vị này.", "unit scope");
        err_field(&e, "don_vi");
    }
    if (!e.status && catalog_save(d, r->a, id, &p, r->user->id, &new_id, &e) == 0) {
        if (r->want_json) web_json(r, id ? 200 : 201, catalog_get(d, r->a, new_id));
        else web_redirect(r, link_procedure(r->a, new_id));
        return;
    }
    if (r->want_json) web_json(r, e.status, json_pack("{s:{s:i, s:s, s:s}}", "error", "status", e.status, "message",
                                                   T(r, e.user), "field", e.field));
    else form_page(r, e.status, values_from_form(r), id, &e);
}

void page_catalog_create(req *r) { save_from_form(r, 0); }

void page_catalog_edit(req *r)
{
    int64_t id;
    if (!parse_id(r, &id)) return;
    json_t *p = catalog_get(req_db(r), r->a, id);
    if (!p) {
        web_error(r, 404, "Không tìm thấy thủ tục.");
        return;
    }
    if (!json_is_null(json_object_get(p, "days")))
        json_object_set_new(p, "days", json_string(arena_printf(r->a, "%lld", (long long)json_integer_value(json_object_get(p, "days")))));
    else json_object_set_new(p, "days", json_string(""));
    if (!json_is_null(json_object_get(p, "fee")))
        json_object_set_new(p, "fee", json_string(arena_printf(r->a, "%lld", (long long)json_integer_value(json_object_get(p, "fee")))));
    else json_object_set_new(p, "fee", json_string(""));
    form_page(r, 200, p, id, NULL);
}

void page_catalog_update(req *r)
{
    int64_t id;
    if (!parse_id(r, &id)) return;
    save_from_form(r, id);
}

/* ---- staff: CSV import, and the public export ------------------------------------- */

static bool user_may_write(void *ctx, int64_t unit_id)
{
    req *r = ctx;
    return account_can_access(req_db(r), r->user, unit_id);
}

static void import_page(req *r, int status, const char *error, const char *report, int imported)
{
    json_t *model = json_pack("{s:s, s:s, s:i}", "error", error ? T(r, error) : "", "report", report ? report : "",
                              "imported", imported);
    json_object_set_new(model, "page", web_page_info(r, "Nhập danh mục thủ tục từ tệp CSV"));
    web_render(r, status, "catalog/import", model);
}

void page_catalog_import_form(req *r) { import_page(r, 200, NULL, NULL, 0); }

void page_catalog_import(req *r)
{
    const kv *file = req_file(r, "file");
    if (!file || file->len == 0) {
        import_page(r, 400, "Hãy chọn một tệp CSV để nhập.", NULL, 0);
        return;
    }
    int imported = 0;
    char *report = NULL;
    err e = {0};
    if (catalog_import_csv(req_db(r), r->a, file->value, file->len, r->user->id, user_may_write, r, &imported,
                           &report, &e) != 0) {
        if (r->want_json)
            web_json(r, e.status, json_pack("{s:{s:i, s:s, s:s}}", "error", "status", e.status, "message",
                                            T(r, e.user), "report", report ? report : ""));
        else import_page(r, e.status, e.user, report, 0);
        return;
    }
    if (r->want_json) web_json(r, 200, json_pack("{s:i}", "imported", imported));
    else import_page(r, 200, NULL, NULL, imported);
}

void page_catalog_export(req *r)
{
    json_t *unit = NULL;
    int64_t unit_id = catalog_unit(r, &unit);
    if (unit_id < 0) {
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    buf b;
    buf_init(&b, r->a);
    catalog_export_csv(req_db(r), r->a, req_query(r, "don_vi") ? unit_id : 0, &b);
    web_header(r, "Content-Disposition",
               arena_printf(r->a, "attachment; filename=\"thu-tuc-%s.csv\"", json_get_str(unit, "code")));
    json_decref(unit);
    web_body(r, 200, "text/csv; charset=utf-8", buf_cstr(&b), b.len);
}
