/* audit_web.c -- the administrator's view of the audit log, with the chain checked. */
#include "../account/account.h"
#include "../web/web.h"
#include "audit.h"

void page_audit(req *r)
{
    db *d = req_db(r);
    char why[256] = "";
    int64_t checked = 0;
    int64_t broken = audit_verify(d, why, sizeof why, &checked);
    json_t *model = json_pack("{s:o, s:b, s:I, s:s}", "rows",
                              audit_recent(d, account_role_sees_subtree(r->user->role) ? 0 : r->user->unit_id, 200),
                              "chain_ok", broken == 0, "checked", (json_int_t)checked, "why", why);
    json_object_set_new(model, "page", web_page_info(r, "Nhật ký thay đổi"));
    web_render(r, 200, "audit/log", model);
}
