/* audit_web.c -- the administrator's view of the audit log, with the chain checked. */
#include "../account/account.h"
#include "../kit/web.h"
#include "audit.h"

/* An administrator sees the rows of the units in their scope; rows written from the command
 * line (no unit) only an administrator at the top of the tree. */
static json_t *rows_in_scope(req *r, json_t *rows)
{
    db *d = req_db(r);
    unit_chain chain;
    bool top = unit_chain_of(d, r->user->unit_id, &chain) == 1;
    json_t *kept = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        int64_t unit = json_integer_value(json_object_get(row, "unit_id"));
        if (unit ? account_can_access(d, r->user, unit) : top) json_array_append(kept, row);
    }
    json_decref(rows);
    return kept;
}

void page_audit(req *r)
{
    db *d = req_db(r);
    char why[256] = "";
    int64_t checked = 0;
    int64_t broken = audit_verify(d, why, sizeof why, &checked);
    json_t *model = json_pack("{s:o, s:b, s:I, s:s}", "rows", rows_in_scope(r, audit_recent(d, 0, 500)),
                              "chain_ok", broken == 0, "checked", (json_int_t)checked, "why", why);
    json_object_set_new(model, "page", web_page_info(r, "Nhật ký thay đổi"));
    web_render(r, 200, "audit/log", model);
}
