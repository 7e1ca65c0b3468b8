/* page.c -- small helpers for what several features' handlers did alike: a {id} that must
 * be a record number (else 404), a route's unit scope read from a table, the ?don_vi= unit
 * parameter, the ?trang= page of a list, an err shown in the page model (see web.h). Only
 * code that at least two features repeated belongs here. */
#include <stdint.h>
#include <string.h>

#include "../core/text.h"
#include "web.h"

#define PAGE_MAX 100000

int64_t req_param_id(req *r, const char *name)
{
    int64_t id;
    return text_parse_uint(req_param(r, name), INT64_MAX, &id) ? id : -1;
}

bool web_id_or_404(req *r, const char *name, const char *msgid, int64_t *id)
{
    *id = req_param_id(r, name);
    if (*id >= 0) return true;
    web_error(r, 404, msgid);
    return false;
}

int64_t web_scope_by_table(req *r, const char *table)
{
    int64_t id = req_param_id(r, "id");
    if (id < 0) return -1;
    return db_int_by_id(req_db(r), arena_printf(r->a, "SELECT unit_id FROM %s WHERE id = ?", table), id, -1);
}

int64_t web_unit_param(req *r)
{
    const char *code = req_query(r, "don_vi");
    if (!code || !*code) return r->user ? r->user->unit_id : -1;
    db_stmt *s = db_prepare(req_db(r), "SELECT id FROM units WHERE code = ?");
    if (!s) return -1;
    db_bind_text(s, 1, code);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return id;
}

int web_page_number(req *r)
{
    int64_t page = 1;
    const char *p = req_query(r, "trang");
    if (p && (!text_parse_uint(p, PAGE_MAX, &page) || page < 1)) page = 1;
    return (int)page;
}

int web_page_offset(req *r, int size) { return (web_page_number(r) - 1) * size; }

void web_model_err(req *r, json_t *model, const err *e)
{
    if (!e) return;
    json_object_set_new(model, "error", json_string(T(r, e->user)));
    json_object_set_new(model, "error_field", json_string(e->field));
}
