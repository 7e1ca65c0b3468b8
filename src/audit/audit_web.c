/* audit_web.c -- the administrator's view of the audit log, with the chain checked. */
#include "../account/account.h"
#include "../kit/web.h"
#include "audit.h"

#include <string.h>

/* An administrator sees the rows of their unit and the units below it; rows written from the
 * command line (no unit) only an administrator at the top of the tree. ?thao_tac= keeps one
 * action or the actions under it ("user", "feedback.resolve"). */
void page_audit(req *r)
{
    db *d = req_db(r);
    char why[256] = "";
    int64_t checked = 0;
    int64_t broken = audit_verify(d, why, sizeof why, &checked);
    unit_chain chain;
    bool top = unit_chain_of(d, r->user->unit_id, &chain) == 1;
    const char *action = req_query(r, "thao_tac");
    if (!action || strlen(action) > 64 || strspn(action, "abcdefghijklmnopqrstuvwxyz_.") != strlen(action)) action = "";
    json_t *model = json_pack("{s:o, s:b, s:I, s:s, s:s}", "rows",
                              audit_recent(d, r->user->unit_id, top, action, 500), "chain_ok", broken == 0,
                              "checked", (json_int_t)checked, "why", why, "action", action);
    json_object_set_new(model, "page", web_page_info(r, "Nhật ký thay đổi"));
    web_render(r, 200, "audit/log", model);
}
