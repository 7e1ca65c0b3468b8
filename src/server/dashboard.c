/* dashboard.c -- the staff's start page, composed of several features: the user's unit and
 * the number of its procedures (account, catalog), what waits for the user by role (dossier,
 * letter) and this year's delivered letters. A page that reads across features belongs to
 * the server, above them, so no feature has to include another only to draw it. */
#include <string.h>

#include "../account/account.h"
#include "../assess/cycle.h"
#include "../catalog/catalog.h"
#include "../core/calendar.h"
#include "../dossier/dossier.h"
#include "../feedback/feedback.h"
#include "../letter/letter.h"
#include "../survey/rating.h"
#include "app.h"

static void add_counter(req *r, json_t *list, const char *id, const char *label, int64_t n, const char *href, bool alert)
{
    json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:s, s:b}", "id", id, "label", T(r, label), "n", (json_int_t)n,
                                          "href", href, "alert", alert && n > 0));
}

/* What waits, by role, each number linking to its list (dossier.h, letter.h, rating.h): the desk
 * officer and the leader see the unit's, the specialist his own. */
static json_t *dashboard_counters(req *r)
{
    json_t *list = json_array();
    const char *role = r->user->role;
    bool officer = !strcmp(role, "officer"), leader = !strcmp(role, "leader"), spec = !strcmp(role, "specialist");
    db *d = req_db(r);
    /* the yearly assessment (cycle.h): the province's assessor appraises, the commune corrects */
    if (!strcmp(role, "assessor"))
        add_counter(r, list, "tt-count-appraise", N_("Bản tự đánh giá chờ thẩm định"),
                    cycle_count(d, r->user->unit_id, "submitted"), "/tham-dinh", true);
    if (!officer && !leader && !spec) return list;
    int64_t unit = r->user->unit_id;
    dossier_counts_t c;
    dossier_counts(d, r->a, unit, r->user->id, officer, !spec, req_now(r), &c);
    add_counter(r, list, "tt-count-mine", N_("Hồ sơ chờ tôi xử lý"), c.mine, "/ho-so/cho-xu-ly", false);
    const char *base = spec ? "/ho-so/cho-xu-ly" : "/ho-so/tre-han";
    add_counter(r, list, "tt-count-today", N_("Đến hạn hôm nay"), c.due_today, arena_printf(r->a, "%s?han=hom-nay", base),
                false);
    add_counter(r, list, "tt-count-late", N_("Quá hạn"), c.late, arena_printf(r->a, "%s?han=qua-han", base), true);
    if (spec) return list;
    add_counter(r, list, "tt-count-return", N_("Kết quả chờ trả"), c.to_return, "/ho-so?trang_thai=done", false);
    letter_query lq = {.unit_id = unit, .status = "proposed", .limit = 1};
    int64_t letters = 0;
    json_decref(letter_list(d, r->a, &lq, &letters));
    add_counter(r, list, "tt-count-letters", N_("Thư chờ trao"), letters, "/thu?trang_thai=proposed", false);
    /* "không hài lòng" ratings waiting for the leader's answer (rating.h): the leader's work */
    if (leader)
        add_counter(r, list, "tt-count-ratings", N_("Ý kiến không hài lòng chờ trả lời"), rating_awaiting_count(d, unit),
                    "/danh-gia/phan-hoi", true);
    /* the citizen's voice (feedback.h): cases still open, and those past their deadline */
    feedback_filter fo = {.unit_id = unit, .status = "open"}, fl = {.unit_id = unit, .due = FEEDBACK_DUE_OVERDUE,
                                                                   .now = req_now(r)};
    add_counter(r, list, "tt-count-feedback", N_("Ý kiến đang giải quyết"), feedback_count(d, &fo),
                "/phan-anh?trang_thai=open", false);
    add_counter(r, list, "tt-count-feedback-late", N_("Ý kiến quá hạn"), feedback_count(d, &fl), "/phan-anh/han", true);
    /* the unit's self-assessment sent back for correction, while it is */
    int64_t returned = cycle_count(d, unit, "returned");
    if (returned)
        add_counter(r, list, "tt-count-assessment-returned", N_("Bản tự đánh giá bị trả lại"), returned, "/tu-danh-gia", true);
    return list;
}

void page_dashboard(req *r)
{
    db *d = req_db(r);
    json_t *model = json_object();
    json_object_set_new(model, "unit", account_unit_get_by_id(d, r->user->unit_id));
    catalog_query q = {.unit_id = r->user->unit_id, .limit = 1};
    int64_t total = 0;
    json_decref(catalog_search(d, r->a, &q, &total));
    json_object_set_new(model, "procedure_count", json_integer(total));
    json_object_set_new(model, "units", account_units_list(d, r->user));
    /* this year's delivered letters by kind, as reports count them (letter.h) */
    int y, m, dd;
    cal_to_ymd(cal_local_day(req_now(r)), &y, &m, &dd);
    json_t *letters = letter_counts_json(d, r->a, r->user->unit_id, y), *k;
    size_t i;
    json_array_foreach(json_object_get(letters, "kinds"), i, k)
        json_object_set_new(k, "kind_label", json_string(json_get_str(k, "label")));
    if (letters) json_object_set_new(model, "letters", letters);
    json_t *counts = dashboard_counters(r);
    if (json_array_size(counts)) json_object_set_new(model, "counters", counts);
    else json_decref(counts);
    json_object_set_new(model, "page", web_page_info(r, "Bảng điều khiển"));
    web_render(r, 200, "server/dashboard", model);
}
