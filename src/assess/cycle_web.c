/* cycle_web.c -- the pages of the assessment cycle (cycle.h): the commune's page of its
 * year (/tu-danh-gia), one cycle with its self-assessment, evidence, sign-off, appraisal,
 * return and recognition (/tu-danh-gia/{id}), the two printed documents, and the province
 * assessor's list of the cycles in scope (/tham-dinh).
 *
 * Who may do what (the server has already checked the session, CSRF and that the user may
 * see the cycle's unit): the unit's officers and leaders enter points, notes, blockers and
 * evidence; only its leader signs off; only an assessor (of the province above) appraises,
 * returns and recognises; everybody else who sees the unit only reads. Every step is a plain
 * form POST that ends in a redirect, so the pages work without JavaScript. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/calendar.h"
#include "../core/text.h"
#include "../account/account.h"
#include "../kit/web.h"
#include "cycle.h"

static const char *status_label(const char *status)
{
    if (!strcmp(status, "draft")) return N_("Đang tự chấm");
    if (!strcmp(status, "submitted")) return N_("Đã ký gửi, chờ thẩm định");
    if (!strcmp(status, "returned")) return N_("Trả lại để bổ sung");
    if (!strcmp(status, "recognised")) return N_("Đã công nhận");
    return N_("Chưa mở");
}

static const char *points(req *r, int p10) { return p10 < 0 ? "" : assess_points_text(r->a, p10); }

static const char *date_text(req *r, int64_t t)
{
    if (!t) return "";
    char iso[11];
    cal_format(cal_local_day(t), iso);
    return arena_printf(r->a, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

static const char *iso_text(req *r, const char *iso)
{
    if (!iso || strlen(iso) != 10) return "";
    return arena_printf(r->a, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

static int current_year(req *r)
{
    int y, m, dd;
    cal_to_ymd(cal_local_day(req_now(r)), &y, &m, &dd);
    return y;
}

static bool role_is(req *r, const char *role) { return r->user && !strcmp(r->user->role, role); }

/* The unit's own officers and leaders enter the self-assessment. */
static bool may_edit(req *r, const cycle *c)
{
    return r->user->unit_id == c->unit_id && (role_is(r, "officer") || role_is(r, "leader"));
}
static bool may_sign(req *r, const cycle *c) { return r->user->unit_id == c->unit_id && role_is(r, "leader"); }
/* The province's assessors appraise units below them (the route's scope let them see it). */
static bool may_appraise(req *r, const cycle *c) { return role_is(r, "assessor") && r->user->unit_id != c->unit_id; }

static const char *level_name(const assess_set *s, int level)
{
    for (int i = 0; i < s->nlevels; i++)
        if (s->levels[i].level == level) return s->levels[i].name;
    return "";
}

static json_t *level_json(req *r, const assess_set *s, int level)
{
    if (level < 0) return json_null();
    return json_pack("{s:i, s:s}", "level", level, "name",
                     level == 0 ? T(r, N_("Chưa đạt mức nào")) : level_name(s, level));
}

/* ---- the model of one cycle --------------------------------------------------------------- */

/* A typed value after a failed POST, else what is stored. */
static const char *typed_or(req *r, bool typed, const char *field, const char *stored)
{
    const char *v = typed ? req_form(r, field) : NULL;
    return v ? v : stored;
}

static json_t *evidence_json(req *r, const cycle *c, const cycle_item *it, bool removable)
{
    json_t *ev = json_array();
    for (int k = 0; k < it->nevidence; k++) {
        const cycle_evidence *x = &it->evidence[k];
        bool file = !strcmp(x->kind, "file");
        const char *href =
            file ? arena_printf(r->a, "/tu-danh-gia/%lld/minh-chung/%lld", (long long)c->id, (long long)x->id) : x->url;
        json_array_append_new(ev, json_pack("{s:I, s:s, s:b, s:s, s:s, s:b}", "id", (json_int_t)x->id, "title", x->title,
                                            "file", file, "href", href, "added", date_text(r, x->added_at), "removable",
                                            removable));
    }
    return ev;
}

/* One criterion's line: the set's words, the figure and its link, both scores, the form fields. */
static json_t *item_json(req *r, const cycle *c, int i, bool typed, bool can_edit)
{
    const assess_criterion *cr = &c->set.items[i];
    const cycle_item *it = &c->items[i];
    const assess_line *sl = &c->self.lines[i], *al = &c->appraisal.lines[i];
    bool computed = cr->by != ASSESS_BY_ENTERED;
    const char *pfield = arena_printf(r->a, "p_%s", cr->code), *nfield = arena_printf(r->a, "n_%s", cr->code);
    const char *afield = arena_printf(r->a, "a_%s", cr->code), *cfield = arena_printf(r->a, "c_%s", cr->code);
    const char *link = computed ? cycle_metric_link(r->a, cr->metric, c->unit_code, c->year, account_role_sees_subtree(r->user->role)) : NULL;
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(cr->code));
    json_object_set_new(o, "name", json_string(cr->name));
    json_object_set_new(o, "guide", json_string(cr->guide ? cr->guide : ""));
    json_object_set_new(o, "max", json_string(points(r, cr->max10)));
    json_object_set_new(o, "kind", json_string(cr->kind == ASSESS_BONUS     ? T(r, N_("Điểm thưởng"))
                                               : cr->kind == ASSESS_PENALTY ? T(r, N_("Điểm trừ"))
                                                                            : ""));
    json_object_set_new(o, "computed", json_boolean(computed && sl->has_value));
    json_object_set_new(o, "computable", json_boolean(computed));
    json_object_set_new(o, "value", json_string(sl->has_value ? assess_points_text(r->a, (int)lround(sl->value * 10.0)) : ""));
    json_object_set_new(o, "link", json_string(link ? link : ""));
    json_object_set_new(o, "metric", json_string(computed && cr->metric ? cr->metric : ""));
    json_object_set_new(o, "pfield", json_string(pfield));
    json_object_set_new(o, "nfield", json_string(nfield));
    json_object_set_new(o, "afield", json_string(afield));
    json_object_set_new(o, "cfield", json_string(cfield));
    json_object_set_new(o, "points", json_string(typed_or(r, typed, pfield, it->has_self ? points(r, it->self10) : "")));
    json_object_set_new(o, "note", json_string(typed_or(r, typed, nfield, it->self_note)));
    json_object_set_new(o, "appraised",
                        json_string(typed_or(r, typed, afield, it->has_appraised ? points(r, it->appraised10) : "")));
    json_object_set_new(o, "comment", json_string(typed_or(r, typed, cfield, it->comment)));
    json_object_set_new(o, "self_points", json_string(sl->missing ? "" : points(r, sl->points10)));
    json_object_set_new(o, "appraisal_points", json_string(al->missing ? "" : points(r, al->points10)));
    json_object_set_new(o, "missing", json_boolean(sl->missing));
    json_object_set_new(o, "below_min", json_boolean(sl->below_min && !sl->missing));
    json_object_set_new(o, "evidence", evidence_json(r, c, it, can_edit));
    /* for the live total (cycle_live.js) */
    json_object_set_new(o, "max10", json_integer(cr->max10));
    json_object_set_new(o, "kind_code", json_string(cr->kind == ASSESS_BONUS     ? "bonus"
                                                    : cr->kind == ASSESS_PENALTY ? "penalty"
                                                                                 : "score"));
    json_object_set_new(o, "points10", json_integer(sl->points10));
    json_object_set_new(o, "group", json_string(cr->group));
    return o;
}

static json_t *groups_json(req *r, const cycle *c, bool typed, bool can_edit)
{
    json_t *groups = json_array();
    for (int g = 0; g < c->set.ngroups; g++) {
        const assess_group *gr = &c->set.groups[g];
        json_t *items = json_array();
        for (int i = gr->first; i < gr->first + gr->count; i++) json_array_append_new(items, item_json(r, c, i, typed, can_edit));
        json_array_append_new(groups, json_pack("{s:s, s:s, s:o}", "code", gr->code, "name", gr->name, "items", items));
    }
    return groups;
}

static json_t *blockers_json(req *r, const cycle *c)
{
    json_t *out = json_array();
    for (int k = 0; k < c->set.nblockers; k++) {
        const assess_blocker *b = &c->set.blockers[k];
        json_array_append_new(out, json_pack("{s:s, s:s, s:i, s:b, s:b, s:b, s:s, s:s, s:s}", "code", b->code, "name",
                                             b->name, "from_level", b->from_level, "declared", b->metric == NULL, "holds",
                                             c->self.blocker_holds[k], "appraisal_holds", c->appraisal.blocker_holds[k],
                                             "field", arena_printf(r->a, "f_%s", b->code), "note_field",
                                             arena_printf(r->a, "fn_%s", b->code), "note",
                                             c->flag_notes[k] ? c->flag_notes[k] : ""));
    }
    return out;
}

/* The levels one may choose (a leader proposes, an assessor recognises): none above reached,
 * reached selected, and "no level". */
static json_t *level_options(req *r, const assess_set *s, int reached)
{
    json_t *out = json_array();
    for (int i = 0; i < s->nlevels; i++)
        if (s->levels[i].level <= reached)
            json_array_append_new(out, json_pack("{s:i, s:s, s:b}", "level", s->levels[i].level, "name", s->levels[i].name,
                                                 "selected", s->levels[i].level == reached));
    json_array_append_new(out, json_pack("{s:i, s:s, s:b}", "level", 0, "name", T(r, N_("Chưa đạt mức nào")), "selected",
                                         reached == 0));
    return out;
}

/* The levels and what the figures block, for the live total (cycle_live.js), as JSON text. */
static const char *live_config(req *r, const cycle *c)
{
    const assess_set *s = &c->set;
    json_t *live = json_array();
    for (int i = 0; i < s->nlevels; i++)
        json_array_append_new(live, json_pack("{s:i, s:s, s:i, s:i, s:i}", "level", s->levels[i].level, "name",
                                              s->levels[i].name, "min", s->levels[i].min_total10, "pct",
                                              s->levels[i].min_pct_each, "gpct", s->levels[i].min_pct_group));
    int blocked = 0;
    for (int k = 0; k < s->nblockers; k++)
        if (s->blockers[k].metric && c->self.blocker_holds[k] && (!blocked || s->blockers[k].from_level < blocked))
            blocked = s->blockers[k].from_level;
    json_t *doc = json_pack("{s:o, s:i, s:s}", "levels", live, "blocked", blocked, "none", T(r, N_("Chưa đạt mức nào")));
    const char *text = arena_json_dumps(r->a, doc);
    json_decref(doc);
    return text ? text : "{}";
}

static json_t *cycle_model(req *r, const cycle *c, const err *e)
{
    const assess_set *s = &c->set;
    bool editable = cycle_editable(c), can_edit = may_edit(r, c) && editable, can_sign = may_sign(r, c) && editable;
    bool submitted = !strcmp(c->status, "submitted"), can_appraise = may_appraise(r, c) && submitted;
    bool recognised = !strcmp(c->status, "recognised");
    bool typed = e && r->form;   /* a failed POST shows what was typed */
    json_t *groups = groups_json(r, c, typed, can_edit);
    json_t *blockers = blockers_json(r, c);
    json_t *propose = level_options(r, s, c->self.level), *recognise = level_options(r, s, c->appraisal.level);
    const char *live_text = live_config(r, c);
    json_t *levels = json_array();
    for (int i = 0; i < s->nlevels; i++)
        json_array_append_new(levels, json_pack("{s:i, s:s, s:s, s:i}", "level", s->levels[i].level, "name",
                                                s->levels[i].name, "min_total", points(r, s->levels[i].min_total10),
                                                "min_pct_each", s->levels[i].min_pct_each));
    json_t *m = json_object();
    json_object_set_new(m, "c", json_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "id", (json_int_t)c->id, "year",
                                          c->year, "status", c->status, "status_label", T(r, status_label(c->status)),
                                          "unit_name", c->unit_name, "unit_code", c->unit_code, "set_name", s->name,
                                          "set_source", s->source ? s->source : "", "rounds", c->rounds));
    json_t *cj = json_object_get(m, "c");
    json_object_set_new(cj, "return_reason", json_string(c->return_reason));
    json_object_set_new(cj, "returned", json_string(date_text(r, c->returned_at)));
    json_object_set_new(cj, "signed_name", json_string(c->signed_name));
    json_object_set_new(cj, "submitted", json_string(date_text(r, c->submitted_at)));
    json_object_set_new(cj, "proposed", level_json(r, s, c->proposed_level));
    json_object_set_new(cj, "recognised", level_json(r, s, c->recognised_level));
    json_object_set_new(cj, "appraised_name", json_string(c->appraised_name));
    json_object_set_new(cj, "decision_no", json_string(c->decision_no));
    json_object_set_new(cj, "decision_date", json_string(iso_text(r, c->decision_date)));
    json_object_set_new(cj, "level_reason", json_string(c->level_reason));
    json_object_set_new(cj, "appraised_total", json_string(points(r, c->appraised_total10)));
    json_object_set_new(cj, "self_submitted_total", json_string(points(r, c->self_total10)));
    json_object_set_new(m, "self", json_pack("{s:s, s:i, s:o, s:i, s:s, s:i, s:i, s:s}", "total", points(r, c->self.total10),
                                             "total10", c->self.total10, "level", level_json(r, s, c->self.level),
                                             "next_level", c->self.next_level, "to_next", points(r, c->self.to_next10),
                                             "missing", c->self.missing, "blocked_from", c->self.blocked_from, "max",
                                             points(r, s->max_total10)));
    json_object_set_new(m, "appraisal", json_pack("{s:s, s:i, s:o, s:i, s:i}", "total", points(r, c->appraisal.total10),
                                                  "total10", c->appraisal.total10, "level",
                                                  level_json(r, s, c->appraisal.level), "missing", c->appraisal.missing,
                                                  "blocked_from", c->appraisal.blocked_from));
    json_object_set_new(m, "live", json_string(live_text));
    /* enough points, yet the next level is held back: a criterion under its minimum or a blocker */
    json_object_set_new(m, "held_back", json_boolean(c->self.next_level && c->self.to_next10 == 0));
    json_object_set_new(m, "groups", groups);
    json_object_set_new(m, "blockers", blockers);
    json_object_set_new(m, "has_blockers", json_boolean(s->nblockers > 0));
    json_object_set_new(m, "levels", levels);
    json_object_set_new(m, "propose_levels", propose);
    json_object_set_new(m, "recognise_levels", recognise);
    json_object_set_new(m, "can_edit", json_boolean(can_edit));
    json_object_set_new(m, "can_sign", json_boolean(can_sign));
    json_object_set_new(m, "can_appraise", json_boolean(can_appraise));
    json_object_set_new(m, "show_appraisal", json_boolean(submitted || recognised || c->appraised_total10 >= 0));
    json_object_set_new(m, "recognised", json_boolean(recognised));
    json_object_set_new(m, "submitted", json_boolean(submitted));
    json_object_set_new(m, "returned", json_boolean(!strcmp(c->status, "returned")));
    json_object_set_new(m, "is_assessor", json_boolean(role_is(r, "assessor")));
    json_object_set_new(m, "home", json_string(arena_printf(r->a, "/tu-danh-gia?don_vi=%s", c->unit_code)));
    json_object_set_new(m, "today", json_string(date_text(r, req_now(r))));
    if (typed) {
        json_object_set_new(m, "typed", json_pack("{s:s, s:s, s:s, s:s}", "reason", req_form(r, "reason") ?: "",
                                                  "decision_no", req_form(r, "decision_no") ?: "", "decision_date",
                                                  req_form(r, "decision_date") ?: "", "level_reason",
                                                  req_form(r, "level_reason") ?: ""));
    }
    return m;
}

static void show(req *r, int64_t id, int status, const err *e)
{
    cycle *c;
    err le = {0};
    if (cycle_get(req_db(r), r->a, id, req_now(r), &c, &le)) {
        web_err(r, &le);
        return;
    }
    json_t *m = cycle_model(r, c, e);
    static const char *const notices[][2] = {
        {"mo", N_("Đã mở kỳ tự đánh giá. Các tiêu chí tính được đã điền sẵn từ số liệu của hệ thống.")},
        {"cham", N_("Đã lưu điểm tự chấm.")},
        {"minh-chung", N_("Đã thêm minh chứng.")},
        {"xoa", N_("Đã xóa minh chứng.")},
        {"ky", N_("Đã ký và gửi bản tự đánh giá lên tỉnh thẩm định.")},
        {"tham-dinh", N_("Đã lưu điểm thẩm định.")},
        {"tra-lai", N_("Đã trả lại bản tự đánh giá để đơn vị bổ sung.")},
        {"cong-nhan", N_("Đã công nhận kết quả.")},
    };
    const char *done = req_query(r, "xong");
    for (size_t i = 0; done && !e && i < sizeof notices / sizeof notices[0]; i++)
        if (!strcmp(done, notices[i][0])) json_object_set_new(m, "notice", json_string(T(r, notices[i][1])));
    web_model_err(r, m, e);
    json_object_set_new(m, "page", web_page_info(r, arena_printf(r->a, "%s %d · %s", T(r, N_("Tự đánh giá")), c->year,
                                                                 c->unit_name)));
    web_render(r, status, "assess/cycle_show", m);
}

int64_t scope_cycle_param(req *r) { return web_scope_by_table(r, "assessments"); }

void page_cycle_show(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy kỳ đánh giá."), &id)) return;
    show(r, id, 200, NULL);
}

/* ---- the commune's page of its years -------------------------------------------------------- */

void page_cycle_home(req *r)
{
    db *d = req_db(r);
    int64_t unit = web_unit_param(r);
    if (unit <= 0) unit = r->user->unit_id;
    /* the province's assessors start from their list */
    if (!req_query(r, "don_vi") && (role_is(r, "assessor") || role_is(r, "admin"))) {
        web_redirect(r, "/tham-dinh");
        return;
    }
    int year = current_year(r);
    const char *ny = req_query(r, "nam");
    int64_t v;
    if (ny && text_parse_uint(ny, 2100, &v) && v >= 2000) year = (int)v;
    int64_t ids_n = cycle_find(d, unit, year);
    if (ids_n && !r->want_json) {
        web_redirect(r, arena_printf(r->a, "/tu-danh-gia/%lld", (long long)ids_n));
        return;
    }
    json_t *u = NULL;
    db_stmt *q = db_prepare(d, "SELECT code, name, kind FROM units WHERE id = ?");
    db_bind_int(q, 1, unit);
    if (q && db_step(q) == DB_ROW)
        u = json_pack("{s:s, s:s, s:s}", "code", db_col_text(q, 0), "name", db_col_text(q, 1), "kind", db_col_text(q, 2));
    db_done(q);
    if (!u) {
        web_error(r, 404, N_("Không tìm thấy đơn vị."));
        return;
    }
    const char *kind = json_get_str(u, "kind");
    int64_t set_id = assess_set_for(d, unit, kind, year);
    int64_t *ids;
    int *years;
    size_t n;
    json_t *past = json_array();
    if (cycle_years(d, r->a, unit, &ids, &years, &n) == 0)
        for (size_t i = 0; i < n; i++) {
            cycle *c;
            err e = {0};
            if (cycle_get(d, r->a, ids[i], req_now(r), &c, &e)) continue;
            json_array_append_new(past, json_pack("{s:I, s:i, s:s, s:s, s:o}", "id", (json_int_t)ids[i], "year", years[i],
                                                  "status_label", T(r, status_label(c->status)), "total",
                                                  points(r, c->self.total10), "recognised",
                                                  level_json(r, &c->set, c->recognised_level)));
        }
    bool own = r->user->unit_id == unit && (role_is(r, "officer") || role_is(r, "leader"));
    json_t *m = json_pack("{s:o, s:i, s:o, s:b, s:b, s:I}", "unit", u, "year", year, "past", past, "has_set", set_id != 0,
                          "can_open", own && set_id != 0, "cycle_id", (json_int_t)ids_n);
    json_object_set_new(m, "page", web_page_info(r, arena_printf(r->a, "%s %d", T(r, N_("Tự đánh giá")), year)));
    web_render(r, 200, "assess/cycle_home", m);
}

void page_cycle_open(req *r)
{
    db *d = req_db(r);
    int64_t unit = web_unit_param(r);
    const char *dv = req_form(r, "don_vi");
    if (dv) {
        db_stmt *q = db_prepare(d, "SELECT id FROM units WHERE code = ?");
        db_bind_text(q, 1, dv);
        unit = q && db_step(q) == DB_ROW ? db_col_int(q, 0) : -1;
        db_done(q);
    }
    if (unit <= 0) unit = r->user->unit_id;
    if (unit != r->user->unit_id || !(role_is(r, "officer") || role_is(r, "leader"))) {
        web_error(r, 403, N_("Chỉ cán bộ, lãnh đạo của đơn vị được mở kỳ tự đánh giá."));
        return;
    }
    int64_t v;
    const char *ny = req_form(r, "nam");
    int year = ny && text_parse_uint(ny, 2100, &v) && v >= 2000 ? (int)v : current_year(r);
    int64_t id;
    err e = {0};
    if (cycle_open(d, r->a, unit, year, r->user->id, req_now(r), &id, &e)) {
        web_err(r, &e);
        return;
    }
    if (r->want_json) web_json(r, 200, json_pack("{s:I}", "id", (json_int_t)id));
    else web_redirect(r, arena_printf(r->a, "/tu-danh-gia/%lld?xong=mo", (long long)id));
}

/* ---- the steps -------------------------------------------------------------------------- */

static void entries_from_form(req *r, const cycle *c, const char *pp, const char *np, cycle_entry **out, size_t *n)
{
    *out = arena_alloc(r->a, (size_t)(c->set.nitems + 1) * sizeof **out);
    *n = 0;
    for (int i = 0; i < c->set.nitems; i++) {
        const char *code = c->set.items[i].code;
        const char *p = req_form(r, arena_printf(r->a, "%s%s", pp, code));
        const char *note = req_form(r, arena_printf(r->a, "%s%s", np, code));
        if (!p && !note) continue;
        (*out)[(*n)++] = (cycle_entry){code, p, note};
    }
}

static void after(req *r, int64_t id, int rc, const err *e, const char *done)
{
    if (rc == 0) {
        if (r->want_json) web_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "done", done));
        else web_redirect(r, arena_printf(r->a, "/tu-danh-gia/%lld?xong=%s", (long long)id, done));
        return;
    }
    if (r->want_json) web_err(r, e);
    else show(r, id, e->status, e);
}

static void refuse(req *r, int64_t id, const char *msgid)
{
    err e = {0};
    err_set(&e, 403, msgid, "cycle %lld: not allowed", (long long)id);
    after(r, id, -1, &e, "");
}

void page_cycle_action(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy kỳ đánh giá."), &id)) return;
    const char *action = req_param(r, "action");
    db *d = req_db(r);
    cycle *c;
    err e = {0};
    if (cycle_get(d, r->a, id, req_now(r), &c, &e)) {
        web_err(r, &e);
        return;
    }
    int rc = -1;
    int64_t now = req_now(r), actor = r->user->id;
    if (!strcmp(action, "cham")) {
        if (!may_edit(r, c)) { refuse(r, id, N_("Chỉ cán bộ, lãnh đạo của đơn vị được tự chấm điểm.")); return; }
        cycle_entry *lines;
        size_t n;
        entries_from_form(r, c, "p_", "n_", &lines, &n);
        cycle_declared *flags = arena_alloc(r->a, (size_t)(c->set.nblockers + 1) * sizeof *flags);
        size_t nf = 0;
        for (int k = 0; k < c->set.nblockers; k++) {
            const assess_blocker *b = &c->set.blockers[k];
            if (b->metric) continue;
            const char *note = req_form(r, arena_printf(r->a, "fn_%s", b->code));
            if (!note && !req_form(r, "co_dieu_kien")) continue;   /* the form did not show the blockers */
            const char *v = req_form(r, arena_printf(r->a, "f_%s", b->code));
            flags[nf++] = (cycle_declared){b->code, v && !strcmp(v, "1"), note ? note : ""};
        }
        rc = cycle_save_self(d, r->a, id, lines, n, flags, nf, actor, now, &e);
    } else if (!strcmp(action, "minh-chung")) {
        if (!may_edit(r, c)) { refuse(r, id, N_("Chỉ cán bộ, lãnh đạo của đơn vị được thêm minh chứng.")); return; }
        const kv *f = req_file(r, "file");
        const char *title = req_form(r, "title");
        if ((!title || !*title) && f && f->len && f->filename) title = f->filename;   /* named by its file */
        rc = cycle_add_evidence(d, id, req_form(r, "criterion"), title, req_form(r, "url"),
                                f ? (const unsigned char *)f->value : NULL, f ? f->len : 0, actor, now, NULL, &e);
    } else if (!strcmp(action, "ky")) {
        if (!may_sign(r, c)) { refuse(r, id, N_("Chỉ lãnh đạo (Chủ tịch) của đơn vị được ký gửi bản tự đánh giá.")); return; }
        int64_t lv = -1;
        const char *l = req_form(r, "level");
        if (l && *l && !text_parse_uint(l, 20, &lv)) lv = 99;
        rc = cycle_submit(d, r->a, id, (int)lv, actor, now, &e);
    } else if (!strcmp(action, "tham-dinh")) {
        if (!may_appraise(r, c)) { refuse(r, id, N_("Chỉ cán bộ thẩm định của tỉnh được chấm điểm thẩm định.")); return; }
        cycle_entry *lines;
        size_t n;
        entries_from_form(r, c, "a_", "c_", &lines, &n);
        rc = cycle_save_appraisal(d, r->a, id, lines, n, actor, now, &e);
    } else if (!strcmp(action, "tra-lai")) {
        if (!may_appraise(r, c)) { refuse(r, id, N_("Chỉ cán bộ thẩm định của tỉnh được trả lại bản tự đánh giá.")); return; }
        rc = cycle_return(d, id, req_form(r, "reason"), actor, now, &e);
    } else if (!strcmp(action, "cong-nhan")) {
        if (!may_appraise(r, c)) { refuse(r, id, N_("Chỉ cán bộ thẩm định của tỉnh được công nhận kết quả.")); return; }
        int64_t lv = -1;
        const char *l = req_form(r, "level");
        if (l && *l && !text_parse_uint(l, 20, &lv)) lv = 99;
        cycle_recognition rec = {.level = (int)lv, .reason = req_form(r, "level_reason"),
                                 .decision_no = req_form(r, "decision_no"), .decision_date = req_form(r, "decision_date")};
        rc = cycle_recognise(d, r->a, id, &rec, actor, now, &e);
    } else {
        web_error(r, 404, N_("Không có thao tác này."));
        return;
    }
    after(r, id, rc, &e, action);
}

void page_cycle_evidence(req *r)
{
    int64_t id, eid;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy kỳ đánh giá."), &id)) return;
    if (!web_id_or_404(r, "eid", N_("Không tìm thấy minh chứng."), &eid)) return;
    const char *mime, *title;
    unsigned char *data;
    size_t len;
    err e = {0};
    if (cycle_evidence_file(req_db(r), r->a, id, eid, &mime, &title, &data, &len, &e)) {
        web_err(r, &e);
        return;
    }
    const char *ext = !strcmp(mime, "application/pdf") ? "pdf" : !strcmp(mime, "image/png") ? "png" : "jpg";
    web_header(r, "Content-Disposition",
               arena_printf(r->a, "inline; filename=\"minh-chung-%lld.%s\"", (long long)eid, ext));
    web_header(r, "X-Content-Type-Options", "nosniff");
    web_body(r, 200, mime, (const char *)data, len);
}

void page_cycle_evidence_remove(req *r)
{
    int64_t id, eid;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy kỳ đánh giá."), &id)) return;
    if (!web_id_or_404(r, "eid", N_("Không tìm thấy minh chứng."), &eid)) return;
    cycle *c;
    err e = {0};
    if (cycle_get(req_db(r), r->a, id, req_now(r), &c, &e)) {
        web_err(r, &e);
        return;
    }
    if (!may_edit(r, c)) { refuse(r, id, N_("Chỉ cán bộ, lãnh đạo của đơn vị được xóa minh chứng.")); return; }
    int rc = cycle_remove_evidence(req_db(r), id, eid, r->user->id, req_now(r), &e);
    after(r, id, rc, &e, "xoa");
}

static void send_pdf(req *r, bool decision)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy kỳ đánh giá."), &id)) return;
    buf out;
    buf_init(&out, r->a);
    err e = {0};
    int rc = decision ? cycle_pdf_decision(req_db(r), r->a, id, req_now(r), &out, &e)
                      : cycle_pdf_table(req_db(r), r->a, id, req_now(r), &out, &e);
    if (rc) {
        web_err(r, &e);
        return;
    }
    web_header(r, "Content-Disposition", arena_printf(r->a, "inline; filename=\"%s-%lld.pdf\"",
                                                      decision ? "quyet-dinh-cong-nhan" : "bang-tu-cham-diem", (long long)id));
    web_body(r, 200, "application/pdf", out.data, out.len);
}

void page_cycle_table_pdf(req *r) { send_pdf(r, false); }
void page_cycle_decision_pdf(req *r) { send_pdf(r, true); }

/* ---- the assessor's list ---------------------------------------------------------------- */

static int status_rank(const char *s)
{
    if (!strcmp(s, "submitted")) return 0;
    if (!strcmp(s, "returned")) return 1;
    if (!strcmp(s, "draft")) return 2;
    if (!strcmp(s, "recognised")) return 3;
    return 4;
}

static int by_status(const void *x, const void *y)
{
    const cycle_level *a = x, *b = y;
    int d = status_rank(a->status) - status_rank(b->status);
    return d ? d : strcmp(a->code, b->code);
}

void page_cycle_list(req *r)
{
    int year = current_year(r);
    const char *ny = req_query(r, "nam");
    int64_t v;
    if (ny && text_parse_uint(ny, 2100, &v) && v >= 2000) year = (int)v;
    int64_t scope = web_unit_param(r);
    if (scope <= 0) scope = r->user->unit_id;
    cycle_level *rows;
    size_t n;
    err e = {0};
    if (cycle_levels(req_db(r), r->a, scope, year, &rows, &n, &e)) {
        web_err(r, &e);
        return;
    }
    qsort(rows, n, sizeof *rows, by_status);
    json_t *list = json_array();
    int counts[5] = {0};
    for (size_t i = 0; i < n; i++) {
        const cycle_level *x = &rows[i];
        counts[status_rank(x->status)]++;
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "code", x->code, "name", x->name, "kind",
                              x->kind, "status", x->status, "status_label", T(r, status_label(x->status)), "self_total",
                              points(r, x->self_total10), "appraised_total", points(r, x->appraised_total10), "rounds",
                              x->rounds);
        json_object_set_new(o, "href", json_string(x->assessment_id ? arena_printf(r->a, "/tu-danh-gia/%lld",
                                                                                   (long long)x->assessment_id)
                                                                    : ""));
        json_object_set_new(o, "proposed_level", x->proposed_level >= 0 ? json_integer(x->proposed_level) : json_null());
        json_object_set_new(o, "recognised_level",
                            x->recognised_level >= 0 ? json_integer(x->recognised_level) : json_null());
        json_object_set_new(o, "level", json_integer(x->level));
        json_object_set_new(o, "next_level", json_integer(x->next_level));
        json_object_set_new(o, "to_next", json_string(points(r, x->to_next10)));
        json_array_append_new(list, o);
    }
    json_t *m = json_pack("{s:i, s:i, s:i, s:o, s:i, s:i, s:i, s:i, s:i}", "year", year, "prev", year - 1, "next",
                          year + 1, "rows", list, "submitted", counts[0], "returned", counts[1], "draft", counts[2],
                          "recognised", counts[3], "none", counts[4]);
    json_object_set_new(m, "page", web_page_info(r, arena_printf(r->a, "%s %d", T(r, N_("Thẩm định, công nhận")), year)));
    web_render(r, 200, "assess/cycle_list", m);
}
