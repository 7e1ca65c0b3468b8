/* sets_web.c -- the pages of criteria sets (sets_web.h).
 *
 * Who: the administrators and assessors of a province manage its sets (list, new, import,
 * edit, publish, download); every other signed-in user reads only the published set in force
 * for their unit (assess_set_for), and a set of another province is not found. The routes
 * are ACCESS_STAFF; the checks are here because a commune reads its province's set, which
 * the route's unit scope (one's own unit and below) would refuse.
 *
 * The editor is one form holding the whole set (groups, criteria with their rule, levels,
 * blockers) as numbered fields; buttons that add a group, a criterion, a level or a blocker
 * send the form back and get it again with an empty row, so it works without JavaScript and
 * nothing is saved until "Lưu". Saving reads the fields into the set JSON of assess.h, checks
 * it as any import (422 naming the criterion, the form shown again as typed) and stores it as
 * the next draft version; the version it was made from is left as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../core/calendar.h"
#include "../core/vntime.h"
#include "../kit/links.h"
#include "../kit/web.h"
#include "../store/embedded.h"
#include "assess.h"
#include "sets_web.h"

#define FORM_MAX 200   /* rows of one kind the editor reads back */

typedef struct {
    int64_t id, unit_id;
    const char *code, *name, *status, *applies_to;
    int version, year;
    int64_t created_at, published_at;
} set_row;

static bool row_get(db *d, arena *a, int64_t id, set_row *o)
{
    db_stmt *q = db_prepare(d, "SELECT id, unit_id, code, name, status, applies_to, version, year, created_at, "
                               "COALESCE(published_at, 0) FROM assess_sets WHERE id = ?");
    if (!q) return false;
    db_bind_int(q, 1, id);
    bool found = db_step(q) == DB_ROW;
    if (found)
        *o = (set_row){db_col_int(q, 0),
                       db_col_int(q, 1),
                       arena_strdup(a, db_col_text(q, 2)),
                       arena_strdup(a, db_col_text(q, 3)),
                       arena_strdup(a, db_col_text(q, 4)),
                       arena_strdup(a, db_col_text(q, 5)),
                       (int)db_col_int(q, 6),
                       (int)db_col_int(q, 7),
                       db_col_int(q, 8),
                       db_col_int(q, 9)};
    db_done(q);
    return found;
}

/* The province's administrators and assessors manage its sets. */
static bool manages(req *r)
{
    return r->user && (!strcmp(r->user->role, "admin") || !strcmp(r->user->role, "assessor")) &&
           !strcmp(account_unit_kind(req_db(r), r->a, r->user->unit_id), "province");
}

static bool may_edit(req *r, const set_row *s)
{
    return manages(r) && s->unit_id == r->user->unit_id;
}

/* A manager reads the province's every version; anyone else a published (or retired, as a
 * cycle may have been assessed by it) set of their own unit's chain. */
static bool may_read(req *r, const set_row *s)
{
    if (may_edit(r, s)) return true;
    if (!strcmp(s->status, "draft")) return false;
    db_stmt *q = db_prepare(req_db(r), "WITH RECURSIVE up(id, parent) AS (SELECT id, parent_id FROM units WHERE id = ? "
                                       "UNION ALL SELECT u.id, u.parent_id FROM units u JOIN up ON u.id = up.parent) "
                                       "SELECT 1 FROM up WHERE id = ?");
    if (!q) return false;
    db_bind_int(q, 1, r->user->unit_id);
    db_bind_int(q, 2, s->unit_id);
    bool ok = db_step(q) == DB_ROW;
    db_done(q);
    return ok;
}

static int this_year(req *r)
{
    int y, m, d;
    cal_to_ymd(cal_local_day(req_now(r)), &y, &m, &d);
    return y;
}

static const char *status_label(const char *status)
{
    if (!strcmp(status, "published")) return N_("Đang áp dụng");
    if (!strcmp(status, "retired")) return N_("Đã thay thế");
    return N_("Bản nháp");
}

static const char *applies_label(const char *applies_to)
{
    return !strcmp(applies_to, "department") ? N_("Sở, ban, ngành") : N_("Xã, phường, đặc khu");
}

/* The set's row id of a {id}, {id}.json or {id}.csv route, readable by this user, else the
 * answer is sent (404) and false returned. */
static bool row_param(req *r, set_row *s)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy bộ tiêu chí."), &id)) return false;
    if (!row_get(req_db(r), r->a, id, s) || !may_read(r, s)) {
        web_error(r, 404, N_("Không tìm thấy bộ tiêu chí."));
        return false;
    }
    return true;
}

/* ---- a rule in words ------------------------------------------------------------------- */

static const char *figure_text(req *r, const assess_metric_info *m, double v)
{
    return arena_printf(r->a, "%s%s", assess_number_text(r->a, v), m && m->percent ? "%" : "");
}

static const char *metric_label(req *r, const char *key)
{
    const assess_metric_info *m = assess_metric_find(key);
    return m ? T(r, m->label) : key;
}

static const char *rule_words(req *r, const assess_criterion *c)
{
    const assess_metric_info *m = assess_metric_find(c->metric);
    const char *label = metric_label(r, c->metric);
    switch (c->by) {
    case ASSESS_BY_BANDS: {
        buf b;
        buf_init(&b, r->a);
        for (int i = 0; i < c->nbands; i++)
            buf_printf(&b, "%s%s %s %s %s %s", i ? "; " : "", c->lower_better ? "≤" : "≥",
                       figure_text(r, m, c->band_at[i]), T(r, "được"), assess_points_text(r->a, c->band_points10[i]),
                       T(r, "điểm"));
        return arena_printf(r->a, "%s: %s %s; %s", T(r, "Tự động"), label, buf_cstr(&b),
                            T(r, "còn lại 0 điểm"));
    }
    case ASSESS_BY_LINEAR:
        return arena_printf(r->a, T(r, "Tự động: %s từ %s (0 điểm) đến %s (%s điểm), tính theo tỷ lệ"), label,
                            figure_text(r, m, c->zero_at), figure_text(r, m, c->full_at),
                            assess_points_text(r->a, c->max10));
    case ASSESS_BY_COUNT:
        return arena_printf(r->a, T(r, "Tự động: %s, mỗi lần được %s điểm, tối đa %s điểm"), label,
                            assess_points_text(r->a, c->each10), assess_points_text(r->a, c->max10));
    default:
        return T(r, "Chấm theo minh chứng");
    }
}

static const char *blocker_words(req *r, const assess_blocker *b)
{
    if (!b->metric) return T(r, "Đơn vị tự khai, người thẩm định kiểm tra");
    return arena_printf(r->a, "%s: %s %s %s", T(r, "Tự động"), metric_label(r, b->metric), b->op,
                        figure_text(r, assess_metric_find(b->metric), b->value));
}

/* ---- the list --------------------------------------------------------------------------- */

static json_t *row_json(req *r, const set_row *s)
{
    return json_pack("{s:I, s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)s->id, "code", s->code,
                     "name", s->name, "version", s->version, "year", s->year, "status", s->status, "status_label",
                     T(r, status_label(s->status)), "applies_to", T(r, applies_label(s->applies_to)), "created",
                     vn_date(r->a, s->created_at), "published", !strcmp(s->status, "published"));
}

void page_criteria_list(req *r)
{
    db *d = req_db(r);
    if (!manages(r)) {
        /* the set in force for one's own unit, read-only */
        const char *kind = account_unit_kind(d, r->a, r->user->unit_id);
        int64_t id = assess_set_for(d, r->user->unit_id, !strcmp(kind, "department") ? "department" : "commune",
                                    this_year(r));
        if (id > 0) {
            web_redirect(r, link_criteria_set(r->a, id));
            return;
        }
        web_error(r, 404, N_("Tỉnh chưa ban hành bộ tiêu chí đánh giá áp dụng cho đơn vị."));
        return;
    }
    json_t *sets = json_array();
    db_stmt *q = db_prepare(d, "SELECT id FROM assess_sets WHERE unit_id = ? ORDER BY year DESC, code, version DESC");
    if (q) {
        db_bind_int(q, 1, r->user->unit_id);
        int64_t ids[500];
        int n = 0;
        while (db_step(q) == DB_ROW && n < 500) ids[n++] = db_col_int(q, 0);
        db_done(q);
        for (int i = 0; i < n; i++) {
            set_row s;
            if (row_get(d, r->a, ids[i], &s)) json_array_append_new(sets, row_json(r, &s));
        }
    }
    json_t *model = json_pack("{s:o, s:s}", "sets", sets, "unit", r->user->unit_name ? r->user->unit_name : "");
    json_object_set_new(model, "page", web_page_info(r, N_("Bộ tiêu chí đánh giá")));
    web_render(r, 200, "assess/criteria_list", model);
}

/* ---- new: from an example or a file ------------------------------------------------------- */

static void new_page(req *r, int status, const err *e)
{
    json_t *examples = json_array();
    for (const char *const *f = assess_example_files(); *f; f++) {
        const static_asset *a = data_file_find(*f);
        assess_set s;
        err pe = {0};
        if (!a || assess_set_parse(r->a, (const char *)a->data, a->size, assess_metric_known, &s, &pe)) continue;
        json_array_append_new(examples, json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:i}", "file", *f, "code", s.code,
                                                  "name", s.name, "year", s.year, "applies_to",
                                                  T(r, applies_label(s.applies_to)), "source", s.source, "this_year",
                                                  this_year(r)));
    }
    json_t *metrics = json_array();
    for (const assess_metric_info *m = assess_metrics(); m->key; m++)
        json_array_append_new(metrics, json_pack("{s:s, s:s}", "key", m->key, "label", T(r, m->label)));
    json_t *model = json_pack("{s:o, s:o, s:s}", "examples", examples, "metrics", metrics, "header", assess_csv_header);
    web_model_err(r, model, e);
    json_object_set_new(model, "page", web_page_info(r, N_("Bộ tiêu chí mới")));
    web_render(r, status, "assess/criteria_new", model);
}

void page_criteria_new(req *r)
{
    if (!manages(r)) {
        web_error(r, 403, N_("Chỉ quản trị viên và cán bộ thẩm định cấp tỉnh quản lý bộ tiêu chí."));
        return;
    }
    new_page(r, 200, NULL);
}

typedef struct {
    int64_t unit_id, actor, now, id;
    const assess_set *set;
} save_tx;

static int save_write(db *d, void *ctx, err *e)
{
    save_tx *t = ctx;
    return assess_set_save_draft(d, t->unit_id, t->set, t->actor, t->now, &t->id, e);
}

/* Saves s as the next draft of its code for the user's province and answers: 201 with the
 * id and address for JSON, else to the set's page. */
static void save_and_go(req *r, const assess_set *s, void (*again)(req *, int, const err *))
{
    save_tx t = {.unit_id = r->user->unit_id, .actor = r->user->id, .now = req_now(r), .set = s};
    err e = {0};
    if (db_write(req_db(r), save_write, &t, &e)) {
        if (r->want_json) web_err(r, &e);
        else again(r, e.status, &e);
        return;
    }
    const char *url = link_criteria_set(r->a, t.id);
    if (r->want_json) web_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)t.id, "url", url));
    else web_redirect(r, url);
}

static void refuse(req *r, const err *e, void (*again)(req *, int, const err *))
{
    if (r->want_json) web_err(r, e);
    else again(r, e->status, e);
}

void page_criteria_from_example(req *r)
{
    if (!manages(r)) {
        web_error(r, 403, N_("Chỉ quản trị viên và cán bộ thẩm định cấp tỉnh quản lý bộ tiêu chí."));
        return;
    }
    const char *name = req_form(r, "mau");
    bool listed = false;
    for (const char *const *f = assess_example_files(); *f && name; f++) listed |= !strcmp(*f, name);
    const static_asset *a = listed ? data_file_find(name) : NULL;
    err e = {0};
    assess_set s;
    if (!a) {
        err_set(&e, 404, N_("Không có bộ tiêu chí mẫu này."), "example %s", name ? name : "");
        refuse(r, &e, new_page);
        return;
    }
    if (assess_set_parse(r->a, (const char *)a->data, a->size, assess_metric_known, &s, &e)) {
        refuse(r, &e, new_page);
        return;
    }
    /* the province adopts it for a year of its own (the example's year when none is given) */
    const char *year = req_form(r, "nam");
    if (year && *year) {
        double y;
        if (!assess_number_parse(year, &y) || y != (int)y || y < 2000 || y > 2100) {
            err_set(&e, 422, N_("Năm áp dụng phải là một năm từ 2000 đến 2100."), "year %s", year);
            refuse(r, &e, new_page);
            return;
        }
        s.year = (int)y;
    }
    save_and_go(r, &s, new_page);
}

void page_criteria_import(req *r)
{
    if (!manages(r)) {
        web_error(r, 403, N_("Chỉ quản trị viên và cán bộ thẩm định cấp tỉnh quản lý bộ tiêu chí."));
        return;
    }
    const kv *file = req_file(r, "file");
    err e = {0};
    if (!file || file->len == 0) {
        err_set(&e, 400, N_("Hãy chọn một tệp JSON hoặc CSV để nhập."), "no file");
        refuse(r, &e, new_page);
        return;
    }
    /* JSON when it says so or begins with "{", else CSV */
    size_t skip = 0;
    while (skip < file->len && strchr(" \t\r\n", file->value[skip])) skip++;
    if (skip + 3 <= file->len && !memcmp(file->value + skip, "\xEF\xBB\xBF", 3)) skip += 3;
    const char *fn = file->filename ? file->filename : "";
    size_t fl = strlen(fn);
    bool json = (skip < file->len && file->value[skip] == '{') || (fl > 5 && !strcasecmp(fn + fl - 5, ".json"));
    assess_set s;
    int rc = json ? assess_set_parse(r->a, file->value + skip, file->len - skip, assess_metric_known, &s, &e)
                  : assess_set_from_csv(r->a, file->value, file->len, assess_metric_known, &s, &e);
    if (rc) {
        refuse(r, &e, new_page);
        return;
    }
    save_and_go(r, &s, new_page);
}

void page_criteria_template(req *r)
{
    /* the template: a small set with one line of every kind, to fill in a spreadsheet */
    static const char tmpl[] =
        "\xEF\xBB\xBF"
        "row,group_code,group_name,code,name,max,kind,by,metric,params,guide\r\n"
        "set,,,bo-tieu-chi-cua-tinh,Bộ tiêu chí Chính quyền thân thiện,2026,commune,,,,Quyết định số .../QĐ-UBND "
        "ngày ... của UBND tỉnh\r\n"
        "criterion,I,Cải cách hành chính,I.1,Hồ sơ giải quyết đúng hạn,30,score,bands,dossier.on_time_rate,"
        "98:30;95:20;90:10,\r\n"
        "criterion,I,,I.2,Hồ sơ trễ hạn,10,score,bands,dossier.late_rate,<=0:10;2:6;5:2,\r\n"
        "criterion,I,,I.3,Người dân hài lòng,20,score,linear,rating.satisfied_rate,80-100,\r\n"
        "criterion,II,Gắn kết với Nhân dân,II.1,Thư chúc mừng người dân,10,score,count,letter.congratulation,0.5,\r\n"
        "criterion,II,,II.2,Tuyên truyền về Chính quyền thân thiện,30,score,entered,,,\"Kế hoạch, bài viết, hình "
        "ảnh\"\r\n"
        "criterion,III,Điểm thưởng,III.1,\"Sáng kiến, mô hình mới\",5,bonus,entered,,,Quyết định công nhận\r\n"
        "level,,,2,Mức độ 2,90,,,,50,\r\n"
        "level,,,1,Mức độ 1,70,,,,,\r\n"
        "blocker,,,ky-luat,Người đứng đầu bị kỷ luật hoặc truy cứu trách nhiệm hình sự trong năm,1,,,,,\r\n"
        "blocker,,,tre-han,Tỷ lệ hồ sơ trễ hạn trên 5%,2,,,dossier.late_rate,> 5,\r\n";
    web_header(r, "Content-Disposition", "attachment; filename=\"bo-tieu-chi-mau.csv\"");
    web_body(r, 200, "text/csv; charset=utf-8", tmpl, sizeof tmpl - 1);
}

/* ---- show and download -------------------------------------------------------------------- */

static json_t *set_model(req *r, const set_row *row, const assess_set *s)
{
    json_t *groups = json_array();
    for (int g = 0; g < s->ngroups; g++) {
        json_t *list = json_array();
        int gmax = 0;
        for (int i = s->groups[g].first; i < s->groups[g].first + s->groups[g].count; i++) {
            const assess_criterion *c = &s->items[i];
            if (c->kind == ASSESS_SCORE) gmax += c->max10;
            json_array_append_new(
                list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "code", c->code, "name", c->name, "max",
                                assess_points_text(r->a, c->max10), "kind",
                                c->kind == ASSESS_BONUS     ? T(r, "Điểm thưởng")
                                : c->kind == ASSESS_PENALTY ? T(r, "Điểm trừ")
                                                            : "",
                                "rule", rule_words(r, c), "guide", c->guide ? c->guide : "", "computed",
                                c->by != ASSESS_BY_ENTERED));
        }
        json_array_append_new(groups, json_pack("{s:s, s:s, s:s, s:o}", "code", s->groups[g].code, "name",
                                                s->groups[g].name, "max", assess_points_text(r->a, gmax),
                                                "criteria", list));
    }
    json_t *levels = json_array(), *blockers = json_array();
    for (int i = 0; i < s->nlevels; i++)
        json_array_append_new(levels, json_pack("{s:i, s:s, s:s, s:i, s:i}", "level", s->levels[i].level, "name",
                                                s->levels[i].name, "min_total",
                                                assess_points_text(r->a, s->levels[i].min_total10), "min_pct_each",
                                                s->levels[i].min_pct_each, "min_pct_group", s->levels[i].min_pct_group));
    for (int i = 0; i < s->nblockers; i++)
        json_array_append_new(blockers, json_pack("{s:s, s:s, s:i, s:s}", "code", s->blockers[i].code, "name",
                                                  s->blockers[i].name, "from_level", s->blockers[i].from_level,
                                                  "how", blocker_words(r, &s->blockers[i])));
    json_t *set = row_json(r, row);
    json_object_set_new(set, "source", json_str(s->source));
    json_object_set_new(set, "max_total", json_string(assess_points_text(r->a, s->max_total10)));
    json_object_set_new(set, "draft", json_boolean(!strcmp(row->status, "draft")));
    if (row->published_at) json_object_set_new(set, "published_at", json_string(vn_date(r->a, row->published_at)));
    bool edit = may_edit(r, row);
    json_t *versions = json_array();
    if (edit) {
        db_stmt *q = db_prepare(req_db(r), "SELECT id, version, status, created_at FROM assess_sets WHERE unit_id = ? "
                                           "AND code = ? ORDER BY version DESC LIMIT 50");
        if (q) {
            db_bind_int(q, 1, row->unit_id);
            db_bind_text(q, 2, row->code);
            while (db_step(q) == DB_ROW)
                json_array_append_new(
                    versions, json_pack("{s:I, s:i, s:s, s:s, s:b}", "id", (json_int_t)db_col_int(q, 0), "version",
                                        (int)db_col_int(q, 1), "status_label", T(r, status_label(db_col_text(q, 2))),
                                        "created", vn_date(r->a, db_col_int(q, 3)), "current",
                                        db_col_int(q, 0) == row->id));
            db_done(q);
        }
    }
    json_t *m = json_pack("{s:o, s:o, s:o, s:o, s:b, s:b, s:b}", "set", set, "groups", groups, "levels", levels,
                     "blockers", blockers, "may_edit", edit, "may_publish", edit && !strcmp(row->status, "draft"),
                     "has_blockers", s->nblockers > 0);
    json_object_set_new(m, "versions", versions);
    return m;
}

static void show_page(req *r, const set_row *row, int status, const err *e)
{
    assess_set s;
    err le = {0};
    if (assess_set_load(req_db(r), r->a, row->id, &s, &le)) {
        web_err(r, &le);
        return;
    }
    json_t *model = set_model(r, row, &s);
    web_model_err(r, model, e);
    if (req_query(r, "da_luu")) json_object_set_new(model, "saved", json_true());
    json_object_set_new(model, "page", web_page_info(r, N_("Bộ tiêu chí đánh giá")));
    web_render(r, status, "assess/criteria_show", model);
}

void page_criteria_show(req *r)
{
    set_row row;
    if (!row_param(r, &row)) return;
    show_page(r, &row, 200, NULL);
}

/* The {id} set, read whole for a download; false when the answer is already an error. */
static bool load_for_download(req *r, set_row *row, assess_set *s)
{
    if (!row_param(r, row)) return false;
    err e = {0};
    if (assess_set_load(req_db(r), r->a, row->id, s, &e)) {
        web_err(r, &e);
        return false;
    }
    return true;
}

void page_criteria_json(req *r)
{
    set_row row;
    assess_set s;
    if (!load_for_download(r, &row, &s)) return;
    json_t *doc = assess_set_to_json(&s);
    char *text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    const char *body = arena_strdup(r->a, text ? text : "{}");
    free(text);
    web_header(r, "Content-Disposition",
               arena_printf(r->a, "attachment; filename=\"%s-v%d.json\"", row.code, row.version));
    web_body(r, 200, "application/json; charset=utf-8", body, strlen(body));
}

void page_criteria_csv(req *r)
{
    set_row row;
    assess_set s;
    if (!load_for_download(r, &row, &s)) return;
    size_t len;
    const char *csv = assess_set_to_csv(r->a, &s, &len);
    web_header(r, "Content-Disposition", arena_printf(r->a, "attachment; filename=\"%s-v%d.csv\"", row.code, row.version));
    web_body(r, 200, "text/csv; charset=utf-8", csv, len);
}

/* ---- publish ----------------------------------------------------------------------------- */

typedef struct {
    int64_t id, actor, now;
} publish_tx;

static int publish_write(db *d, void *ctx, err *e)
{
    publish_tx *t = ctx;
    return assess_set_publish(d, t->id, t->actor, t->now, e);
}

void page_criteria_publish(req *r)
{
    set_row row;
    if (!row_param(r, &row)) return;
    if (!may_edit(r, &row)) {
        web_error(r, 403, N_("Chỉ quản trị viên và cán bộ thẩm định cấp tỉnh quản lý bộ tiêu chí."));
        return;
    }
    publish_tx t = {.id = row.id, .actor = r->user->id, .now = req_now(r)};
    err e = {0};
    if (db_write(req_db(r), publish_write, &t, &e)) {
        if (r->want_json) web_err(r, &e);
        else show_page(r, &row, e.status, &e);
        return;
    }
    if (r->want_json) web_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)row.id, "status", "published"));
    else web_redirect(r, link_criteria_set(r->a, row.id));
}

/* ---- the editor -------------------------------------------------------------------------- */

/* A value of the document as the form shows it: numbers the Vietnamese way. */
static const char *vtext(req *r, json_t *v)
{
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_integer(v)) return arena_printf(r->a, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) return assess_number_text(r->a, json_real_value(v));
    return "";
}

static json_t *options(req *r, const char *const *values, const char *const *labels, const char *chosen)
{
    json_t *list = json_array();
    for (int i = 0; values[i]; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", values[i], "label", T(r, labels[i]),
                                              "selected", chosen && !strcmp(chosen, values[i])));
    return list;
}

static json_t *metric_options(req *r, const char *chosen, const char *none_label)
{
    json_t *list = json_array();
    json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", "", "label", T(r, none_label), "selected",
                                          !chosen || !*chosen));
    for (const assess_metric_info *m = assess_metrics(); m->key; m++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", m->key, "label",
                                              arena_printf(r->a, "%s (%s)", T(r, m->label), m->key), "selected",
                                              chosen && !strcmp(chosen, m->key)));
    return list;
}

static const char *const KIND_V[] = {"score", "bonus", "penalty", NULL};
static const char *const KIND_L[] = {N_("Điểm chuẩn"), N_("Điểm thưởng"), N_("Điểm trừ"), NULL};
static const char *const BY_V[] = {"entered", "bands", "linear", "count", NULL};
static const char *const BY_L[] = {N_("Chấm theo minh chứng"), N_("Tự động theo mức"), N_("Tự động tuyến tính"),
                                   N_("Tự động theo số lượng"), NULL};
static const char *const APPLIES_V[] = {"commune", "department", NULL};
static const char *const APPLIES_L[] = {N_("Xã, phường, đặc khu"), N_("Sở, ban, ngành"), NULL};
static const char *const OP_V[] = {">", ">=", "<", "<=", NULL};
static const char *const OP_L[] = {">", "≥", "<", "≤", NULL};

static json_t *criterion_model(req *r, json_t *c, int ci)
{
    json_t *rule = json_object_get(c, "rule");
    const char *by = json_is_string(json_object_get(rule, "by")) ? json_string_value(json_object_get(rule, "by"))
                                                                 : "entered";
    const char *p = arena_printf(r->a, "c%d", ci);
    json_t *bands = json_array(), *given = json_object_get(rule, "bands");
    size_t n = json_array_size(given);
    for (size_t i = 0; i < n + 2 && i < ASSESS_MAX_BANDS; i++) {
        json_t *b = json_array_get(given, i);
        json_array_append_new(bands, json_pack("{s:s, s:s, s:s, s:s, s:i}", "n_at",
                                               arena_printf(r->a, "%s_b%zu_at", p, i), "n_pts",
                                               arena_printf(r->a, "%s_b%zu_pts", p, i), "at",
                                               vtext(r, json_array_get(b, 0)), "pts", vtext(r, json_array_get(b, 1)),
                                               "no", (int)i + 1));
    }
    json_t *m = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:b, s:s, s:s, s:s, s:i}", "p", p,
                          "ci", ci, "code", vtext(r, json_object_get(c, "code")), "name",
                          vtext(r, json_object_get(c, "name")), "max", vtext(r, json_object_get(c, "max")), "guide",
                          vtext(r, json_object_get(c, "guide")), "kinds",
                          options(r, KIND_V, KIND_L, json_is_string(json_object_get(c, "kind"))
                                                         ? json_string_value(json_object_get(c, "kind"))
                                                         : "score"),
                          "bys", options(r, BY_V, BY_L, by), "metrics",
                          metric_options(r, json_string_value(json_object_get(rule, "metric")), N_("(không dùng)")),
                          "bands", bands, "lower_better", json_is_true(json_object_get(rule, "lower_better")),
                          "zero_at", vtext(r, json_object_get(rule, "zero_at")), "full_at",
                          vtext(r, json_object_get(rule, "full_at")), "each", vtext(r, json_object_get(rule, "each")),
                          "nb", (int)json_array_size(bands));
    return m;
}

/* The editor's model from a set document (stored, or read back from the form as typed). */
static json_t *edit_model(req *r, const set_row *row, json_t *doc)
{
    json_t *groups = json_array(), *g;
    size_t gi, k;
    int ci = 0;
    json_array_foreach(json_object_get(doc, "groups"), gi, g) {
        json_t *list = json_array(), *c;
        json_array_foreach(json_object_get(g, "criteria"), k, c) json_array_append_new(list, criterion_model(r, c, ci++));
        json_array_append_new(groups, json_pack("{s:s, s:i, s:s, s:s, s:o}", "p", arena_printf(r->a, "g%zu", gi),
                                                "gi", (int)gi, "code", vtext(r, json_object_get(g, "code")), "name",
                                                vtext(r, json_object_get(g, "name")), "criteria", list));
    }
    json_t *levels = json_array(), *l;
    json_array_foreach(json_object_get(doc, "levels"), k, l)
        json_array_append_new(levels, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "p", arena_printf(r->a, "l%zu", k),
                                                "level", vtext(r, json_object_get(l, "level")), "name",
                                                vtext(r, json_object_get(l, "name")), "min_total",
                                                vtext(r, json_object_get(l, "min_total")), "min_pct_each",
                                                vtext(r, json_object_get(l, "min_pct_each")), "min_pct_group",
                                                vtext(r, json_object_get(l, "min_pct_group"))));
    json_t *blockers = json_array(), *b;
    json_array_foreach(json_object_get(doc, "blockers"), k, b) {
        const char *op = json_is_string(json_object_get(b, "op")) ? json_string_value(json_object_get(b, "op")) : ">";
        json_array_append_new(
            blockers, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s}", "p", arena_printf(r->a, "k%zu", k), "code",
                                vtext(r, json_object_get(b, "code")), "name", vtext(r, json_object_get(b, "name")),
                                "from_level", vtext(r, json_object_get(b, "from_level")), "metrics",
                                metric_options(r, json_string_value(json_object_get(b, "metric")),
                                               N_("(đơn vị tự khai)")),
                                "ops", options(r, OP_V, OP_L, op), "value", vtext(r, json_object_get(b, "value"))));
    }
    const char *applies = json_string_value(json_object_get(doc, "applies_to"));
    json_t *set = row_json(r, row);
    json_t *m = json_pack("{s:o, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:i, s:i, s:i, s:i}", "set", set, "name",
                          vtext(r, json_object_get(doc, "name")), "year", vtext(r, json_object_get(doc, "year")),
                          "source", vtext(r, json_object_get(doc, "source")), "applies",
                          options(r, APPLIES_V, APPLIES_L, applies ? applies : "commune"), "code", row->code,
                          "groups", groups, "levels", levels, "blockers", blockers, "ng",
                          (int)json_array_size(groups), "nc", ci, "nl", (int)json_array_size(levels), "nk",
                          (int)json_array_size(blockers));
    return m;
}

/* The fieldset of the criterion a refusal names ("... tiêu chí 2.1: ..."), for the error's link. */
static const char *criterion_named(req *r, json_t *doc, const char *msg)
{
    json_t *g, *c;
    size_t gi, k;
    int ci = 0;
    json_array_foreach(json_object_get(doc, "groups"), gi, g) json_array_foreach(json_object_get(g, "criteria"), k, c)
    {
        const char *code = json_string_value(json_object_get(c, "code"));
        if (code && msg && strstr(msg, arena_printf(r->a, "tiêu chí %s:", code))) return arena_printf(r->a, "c%d", ci);
        ci++;
    }
    return NULL;
}

static void edit_page(req *r, const set_row *row, json_t *doc, int status, const err *e, const char *field)
{
    json_t *model = edit_model(r, row, doc);
    web_model_err(r, model, e);
    if (field) json_object_set_new(model, "error_field", json_string(field));
    json_object_set_new(model, "page", web_page_info(r, N_("Sửa bộ tiêu chí")));
    web_render(r, status, "assess/criteria_edit", model);
}

void page_criteria_edit(req *r)
{
    set_row row;
    if (!row_param(r, &row)) return;
    if (!may_edit(r, &row)) {
        web_error(r, 403, N_("Chỉ quản trị viên và cán bộ thẩm định cấp tỉnh quản lý bộ tiêu chí."));
        return;
    }
    assess_set s;
    err e = {0};
    if (assess_set_load(req_db(r), r->a, row.id, &s, &e)) {
        web_err(r, &e);
        return;
    }
    json_t *doc = assess_set_to_json(&s);
    edit_page(r, &row, doc, 200, NULL, NULL);
    json_decref(doc);
}

/* ---- the form read back into a set document -------------------------------------------- */

static const char *fv(req *r, const char *fmt, int i)
{
    char name[48];
    snprintf(name, sizeof name, fmt, i);
    const char *v = req_form(r, name);
    if (!v) return "";
    while (*v == ' ') v++;
    return v;
}

static const char *fv2(req *r, int ci, int bi, const char *what)
{
    char name[48];
    snprintf(name, sizeof name, "c%d_b%d_%s", ci, bi, what);
    const char *v = req_form(r, name);
    return v ? v : "";
}

static int form_count(req *r, const char *name)
{
    const char *v = req_form(r, name);
    int n = v ? atoi(v) : 0;
    return n < 0 ? 0 : n > FORM_MAX ? FORM_MAX : n;
}

/* A number as typed: a JSON number when it reads, else the text itself, which the set's
 * check then refuses naming the criterion (and the form shows again as typed). */
static json_t *num_or_text(const char *s)
{
    double v;
    if (assess_number_parse(s, &v)) return v == (double)(long long)v ? json_integer((json_int_t)v) : json_real(v);
    return json_string(s);
}

static void set_if(json_t *o, const char *key, const char *v, bool number)
{
    if (v && *v) json_object_set_new(o, key, number ? num_or_text(v) : json_string(v));
}

static json_t *criterion_from_form(req *r, int ci)
{
    json_t *c = json_object();
    set_if(c, "code", fv(r, "c%d_code", ci), false);
    set_if(c, "name", fv(r, "c%d_name", ci), false);
    set_if(c, "max", fv(r, "c%d_max", ci), true);
    set_if(c, "kind", fv(r, "c%d_kind", ci), false);
    set_if(c, "guide", fv(r, "c%d_guide", ci), false);
    const char *by = fv(r, "c%d_by", ci);
    json_t *rule = json_pack("{s:s}", "by", *by ? by : "entered");
    set_if(rule, "metric", fv(r, "c%d_metric", ci), false);
    if (!strcmp(by, "bands")) {
        json_t *bands = json_array();
        int nb = form_count(r, arena_printf(r->a, "c%d_nb", ci));
        for (int b = 0; b < nb && b < ASSESS_MAX_BANDS; b++) {
            const char *at = fv2(r, ci, b, "at"), *pts = fv2(r, ci, b, "pts");
            if (!*at && !*pts) continue;
            json_array_append_new(bands, json_pack("[oo]", num_or_text(at), num_or_text(pts)));
        }
        json_object_set_new(rule, "bands", bands);
        if (*fv(r, "c%d_lower", ci)) json_object_set_new(rule, "lower_better", json_true());
    } else if (!strcmp(by, "linear")) {
        set_if(rule, "zero_at", fv(r, "c%d_zero", ci), true);
        set_if(rule, "full_at", fv(r, "c%d_full", ci), true);
    } else if (!strcmp(by, "count")) {
        set_if(rule, "each", fv(r, "c%d_each", ci), true);
    }
    json_object_set_new(c, "rule", rule);
    return c;
}

static json_t *blank_criterion(void)
{
    return json_pack("{s:s, s:s, s:s, s:{s:s}}", "code", "", "name", "", "kind", "score", "rule", "by", "entered");
}

/* The form into a document; *add_to is set to the group a "them-tc-N" button names. */
static json_t *doc_from_form(req *r, const set_row *row, const char *act)
{
    json_t *doc = json_pack("{s:s}", "code", row->code);
    set_if(doc, "name", fv(r, "name", 0), false);
    set_if(doc, "year", fv(r, "year", 0), true);
    set_if(doc, "applies_to", fv(r, "applies_to", 0), false);
    set_if(doc, "source", fv(r, "source", 0), false);
    if (json_is_real(json_object_get(doc, "year"))) json_object_set_new(doc, "year", json_string(fv(r, "year", 0)));
    int ng = form_count(r, "ng"), nc = form_count(r, "nc"), nl = form_count(r, "nl"), nk = form_count(r, "nk");
    json_t *groups = json_array();
    json_t **by_index = arena_alloc(r->a, (size_t)(ng + 1) * sizeof *by_index);
    for (int g = 0; g < ng; g++) {
        if (*fv(r, "g%d_del", g)) continue;
        json_t *o = json_object();
        set_if(o, "code", fv(r, "g%d_code", g), false);
        set_if(o, "name", fv(r, "g%d_name", g), false);
        json_object_set_new(o, "criteria", json_array());
        json_array_append_new(groups, o);
        by_index[g] = o;
    }
    for (int c = 0; c < nc; c++) {
        const char *gs = fv(r, "c%d_g", c);
        int g = atoi(gs);
        if (!*gs || g < 0 || g >= ng || !by_index[g] || *fv(r, "c%d_del", c)) continue;
        if (!*fv(r, "c%d_code", c) && !*fv(r, "c%d_name", c) && !*fv(r, "c%d_max", c)) continue;   /* an empty row */
        json_array_append_new(json_object_get(by_index[g], "criteria"), criterion_from_form(r, c));
    }
    if (act && !strncmp(act, "them-tc-", 8)) {
        int g = atoi(act + 8);
        if (g >= 0 && g < ng && by_index[g]) json_array_append_new(json_object_get(by_index[g], "criteria"), blank_criterion());
    }
    if (act && !strcmp(act, "them-nhom"))
        json_array_append_new(groups, json_pack("{s:s, s:s, s:[o]}", "code", "", "name", "", "criteria",
                                                blank_criterion()));
    json_object_set_new(doc, "groups", groups);
    json_t *levels = json_array();
    for (int l = 0; l < nl; l++) {
        if (*fv(r, "l%d_del", l)) continue;
        if (!*fv(r, "l%d_level", l) && !*fv(r, "l%d_name", l) && !*fv(r, "l%d_min", l)) continue;
        json_t *o = json_object();
        set_if(o, "level", fv(r, "l%d_level", l), true);
        set_if(o, "name", fv(r, "l%d_name", l), false);
        set_if(o, "min_total", fv(r, "l%d_min", l), true);
        set_if(o, "min_pct_each", fv(r, "l%d_pct", l), true);
        set_if(o, "min_pct_group", fv(r, "l%d_gpct", l), true);
        json_array_append_new(levels, o);
    }
    if (act && !strcmp(act, "them-muc")) json_array_append_new(levels, json_pack("{s:s}", "name", ""));
    json_object_set_new(doc, "levels", levels);
    json_t *blockers = json_array();
    for (int k = 0; k < nk; k++) {
        if (*fv(r, "k%d_del", k)) continue;
        if (!*fv(r, "k%d_code", k) && !*fv(r, "k%d_name", k)) continue;
        json_t *o = json_object();
        set_if(o, "code", fv(r, "k%d_code", k), false);
        set_if(o, "name", fv(r, "k%d_name", k), false);
        set_if(o, "from_level", fv(r, "k%d_from", k), true);
        const char *metric = fv(r, "k%d_metric", k);
        if (*metric) {
            json_object_set_new(o, "metric", json_string(metric));
            set_if(o, "op", fv(r, "k%d_op", k), false);
            set_if(o, "value", fv(r, "k%d_value", k), true);
        }
        json_array_append_new(blockers, o);
    }
    if (act && !strcmp(act, "them-dk")) json_array_append_new(blockers, json_pack("{s:s, s:i}", "code", "", "from_level", 1));
    json_object_set_new(doc, "blockers", blockers);
    return doc;
}

void page_criteria_save(req *r)
{
    set_row row;
    if (!row_param(r, &row)) return;
    if (!may_edit(r, &row)) {
        web_error(r, 403, N_("Chỉ quản trị viên và cán bộ thẩm định cấp tỉnh quản lý bộ tiêu chí."));
        return;
    }
    const char *act = req_form(r, "hanh_dong");
    if (!act) act = "luu";
    json_t *doc = doc_from_form(r, &row, act);
    if (strcmp(act, "luu")) {
        /* a row added or removed: the form again, nothing saved */
        edit_page(r, &row, doc, 200, NULL, NULL);
        json_decref(doc);
        return;
    }
    assess_set s;
    err e = {0};
    if (assess_set_from_json(r->a, doc, assess_metric_known, &s, &e)) {
        if (r->want_json) web_err(r, &e);
        else edit_page(r, &row, doc, e.status, &e, criterion_named(r, doc, e.user));
        json_decref(doc);
        return;
    }
    save_tx t = {.unit_id = row.unit_id, .actor = r->user->id, .now = req_now(r), .set = &s};
    if (db_write(req_db(r), save_write, &t, &e)) {
        if (r->want_json) web_err(r, &e);
        else edit_page(r, &row, doc, e.status, &e, NULL);
        json_decref(doc);
        return;
    }
    json_decref(doc);
    const char *url = link_criteria_set(r->a, t.id);
    if (r->want_json) web_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)t.id, "url", url));
    else web_redirect(r, arena_printf(r->a, "%s?da_luu=1", url));
}
