/* report_model.c -- the commune's (or department's) report on the model for a half-year or a
 * year (report.h, "reports"), as one structure the page, the JSON, the PDF and the XLSX all
 * print from.
 *
 * The outline is research/assessment.md §5 (a proposal: no full commune report was found; seed
 * 003, Báo cáo 994/BC-UBND of Phú Mỹ, shows the parts a yearly report has):
 *   I.   Công tác lãnh đạo, chỉ đạo                         the leader's words
 *   II.  Kết quả thực hiện: one table per group of figures   figures (report/figures.h)
 *        and the leader's words on what the figures do not show
 *   III. Tự chấm điểm (yearly report only)                   the year's assessment cycle
 *   IV.  Đánh giá chung: ưu điểm; hạn chế, nguyên nhân       the leader's words
 *   V.   Phương hướng, nhiệm vụ                              the leader's words
 *   VI.  Đề xuất, kiến nghị                                  the leader's words
 *
 * Periods: the 6-month report covers 1/1-30/6, which is also the year to date, so it has one
 * column of figures; the yearly report has two, the second half (1/7-31/12) and the whole year
 * (the year to date). A period not over yet is counted up to now (figures.h: as_of). */
#include <string.h>

#include "../account/account.h"
#include "../assess/cycle.h"
#include "../audit/audit.h"
#include "../core/text.h"
#include "../survey/survey.h"
#include "../kit/web.h"
#include "figures.h"
#include "report_impl.h"

/* The figures each group of part II prints, by key (figures.h names them). */
static const char *const g_dossier[] = {"dossier.received", "dossier.online_rate", "dossier.on_time_rate",
                                        "dossier.early_rate", "dossier.late_rate", "dossier.apologies",
                                        "dossier.avg_days", NULL};
static const char *const g_rating[] = {"rating.count", "rating.satisfied_rate", "rating.dissatisfied",
                                       "rating.answered_rate", NULL};
static const char *const g_feedback[] = {"feedback.received", "feedback.on_time_rate", "feedback.overdue_open", NULL};
static const char *const g_reception[] = {"reception.sessions", "reception.count", "dialogue.held",
                                          "complaint.received", "complaint.on_time_rate", NULL};
static const char *const g_survey[] = {"survey.responses", "survey.sipas", NULL};
static const char *const g_letters[] = {"letter.congratulation", "letter.condolence", "letter.thanks",
                                        "letter.apology", NULL};

const report_group report_groups[REPORT_NGROUPS] = {
    {"1", N_("Giải quyết thủ tục hành chính"), g_dossier},
    {"2", N_("Mức độ hài lòng của người dân"), g_rating},
    {"3", N_("Tiếp nhận, xử lý phản ánh, kiến nghị"), g_feedback},
    {"4", N_("Tiếp công dân, đối thoại, giải quyết khiếu nại, tố cáo"), g_reception},
    {"5", N_("Gắn kết chính quyền với Nhân dân: thư chúc mừng, chia buồn, cảm ơn, xin lỗi"), g_letters},
    {"6", N_("Khảo sát sự hài lòng của người dân"), g_survey},
};

/* The report's own figures beside figures.h's: the satisfaction surveys of the period. */
static const figures_metric_def survey_defs[] = {
    {"survey.responses", N_("Phiếu khảo sát đã trả lời"), ""},
    {"survey.sipas", N_("Chỉ số hài lòng (SIPAS, tỷ lệ câu trả lời hài lòng, rất hài lòng)"), "%"},
};

bool report_metric(const report_col *c, const char *key, double *v)
{
    if (!strcmp(key, "survey.responses")) {
        *v = (double)c->survey_responses;
        return true;
    }
    if (!strcmp(key, "survey.sipas")) {
        *v = c->sipas;
        return c->has_sipas;
    }
    return figures_metric(&c->f, key, v);
}

/* The parts the leader writes, in the order they print; labels are msgids. */
const report_part report_parts[REPORT_NPARTS] = {
    {"leadership", N_("Công tác lãnh đạo, chỉ đạo")},
    {"results", N_("Kết quả khác (văn hóa công sở, cơ sở vật chất, sáng kiến, mô hình mới)")},
    {"strengths", N_("Ưu điểm")},
    {"weaknesses", N_("Hạn chế, nguyên nhân")},
    {"directions", N_("Phương hướng, nhiệm vụ thời gian tới")},
    {"proposals", N_("Đề xuất, kiến nghị")},
    {"number", N_("Số báo cáo (để trống nếu chưa cấp số)")},
    {"recipients", N_("Nơi nhận (mỗi dòng một nơi)")},
};

int report_part_index(const char *key)
{
    for (int i = 0; key && i < REPORT_NPARTS; i++)
        if (!strcmp(report_parts[i].key, key)) return i;
    return -1;
}

const figures_metric_def *report_metric_def(const char *key)
{
    for (size_t i = 0; i < sizeof survey_defs / sizeof survey_defs[0]; i++)
        if (!strcmp(survey_defs[i].key, key)) return &survey_defs[i];
    size_t n;
    const figures_metric_def *defs = figures_metric_defs(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(defs[i].key, key)) return &defs[i];
    return NULL;
}

bool report_period_parse(const char *ky, report_period *p)
{
    if (!ky || !*ky || !strcmp(ky, "nam")) *p = REPORT_YEAR;
    else if (!strcmp(ky, "6t")) *p = REPORT_HALF;
    else return false;
    return true;
}

const char *report_period_key(report_period p) { return p == REPORT_HALF ? "6t" : "nam"; }

/* The words written for the unit's report; parts never written are NULL. */
static void load_texts(db *d, arena *a, report_doc *r)
{
    db_stmt *s = db_prepare(d, "SELECT part, body, updated_at FROM report_texts WHERE unit_id = ? AND year = ? "
                               "AND period = ?");
    if (!s) return;
    db_bind_int(s, 1, r->unit_id);
    db_bind_int(s, 2, r->year);
    db_bind_text(s, 3, report_period_key(r->period));
    while (db_step(s) == DB_ROW) {
        int k = report_part_index(db_col_text(s, 0));
        if (k >= 0) r->texts[k] = arena_strdup(a, db_col_text(s, 1));
        if (db_col_int(s, 2) > r->texts_updated_at) r->texts_updated_at = db_col_int(s, 2);
    }
    db_done(s);
}

/* Part III: the year's self-assessment, when the unit has a cycle that year. */
static void load_self_assessment(db *d, arena *a, report_doc *r, int64_t now)
{
    int64_t id = cycle_find(d, r->unit_id, r->year);
    if (id <= 0) return;
    cycle *c = NULL;
    err e = {0};
    if (cycle_get(d, a, id, now, &c, &e) || !c) return;
    r->has_cycle = true;
    r->cycle_status = c->status;
    r->cycle_proposed = c->proposed_level;
    r->cycle_recognised = c->recognised_level;
    r->cycle_total10 = c->self.total10;
    r->cycle_max10 = c->self.max_total10;
    r->cycle_level = c->self.level;
    r->ncriteria = c->set.nitems;
    r->criteria = arena_alloc(a, (size_t)(c->set.nitems ? c->set.nitems : 1) * sizeof *r->criteria);
    for (int i = 0; i < c->set.nitems; i++) {
        const assess_criterion *ci = &c->set.items[i];
        r->criteria[i] = (report_criterion){
            .code = ci->code,
            .name = ci->name,
            .max10 = ci->max10,
            .kind = ci->kind == ASSESS_BONUS ? "bonus" : ci->kind == ASSESS_PENALTY ? "penalty" : "score",
            .points10 = c->self.lines[i].points10,
            .note = c->items[i].self_note ? c->items[i].self_note : "",
        };
    }
}

int report_build(db *d, arena *a, int64_t unit_id, int year, report_period period, int64_t now, report_doc *out,
                 err *e)
{
    *out = (report_doc){.unit_id = unit_id, .year = year, .period = period};
    json_t *u = account_unit_get_by_id(d, unit_id);
    if (!u) {
        err_set(e, 404, N_("Không tìm thấy đơn vị."), "unit %lld", (long long)unit_id);
        return -1;
    }
    out->unit_code = arena_strdup(a, json_get_str(u, "code"));
    out->unit_name = arena_strdup(a, json_get_str(u, "name"));
    out->unit_kind = arena_strdup(a, json_get_str(u, "kind"));
    out->parent_name = arena_strdup(a, json_get_str(u, "parent_name"));
    json_decref(u);
    if (!strcmp(out->unit_kind, "province") || !strcmp(out->unit_kind, "district")) {
        err_set(e, 422, N_("Báo cáo này là của một xã, phường hoặc sở, ngành; tỉnh xem báo cáo tổng hợp."),
                "unit %lld is a %s", (long long)unit_id, out->unit_kind);
        return -1;
    }
    const char *hn = NULL, *ht = NULL;
    if (account_unit_head(d, a, unit_id, &hn, &ht)) {
        out->head_name = hn;
        out->head_title = ht;
    }
    cal_day jan1 = cal_from_ymd(year, 1, 1), jun30 = cal_from_ymd(year, 6, 30), jul1 = cal_from_ymd(year, 7, 1),
            dec31 = cal_from_ymd(year, 12, 31);
    if (period == REPORT_HALF) {
        out->ncols = 1;
        out->cols[0] = (report_col){"h1", N_("6 tháng đầu năm"), jan1, jun30};
    } else {
        out->ncols = 2;
        out->cols[0] = (report_col){"h2", N_("6 tháng cuối năm"), jul1, dec31};
        out->cols[1] = (report_col){"year", N_("Cả năm"), jan1, dec31};
    }
    cal_day today = cal_local_day(now);
    out->as_of_day = today < out->cols[out->ncols - 1].to ? today : out->cols[out->ncols - 1].to;
    for (int k = 0; k < out->ncols; k++) {
        report_col *c = &out->cols[k];
        c->future = c->from > today;
        if (figures_compute(d, a, unit_id, c->from, c->to, now, &c->f, e)) return -1;
        sipas_item *items = NULL;
        size_t nitems = 0;
        if (survey_unit_items(d, a, unit_id, cal_instant(c->from, 0), cal_instant(c->to + 1, 0), &items, &nitems,
                              &c->survey_responses, e))
            return -1;
        sipas_result sr;
        survey_sipas(items, nitems, &sr);
        c->has_sipas = sr.overall.has;
        c->sipas = sr.overall.pct;
    }
    load_texts(d, a, out);
    if (period == REPORT_YEAR) load_self_assessment(d, a, out, now);
    return 0;
}

/* ---- as JSON (the page's model, the API and `thanthien report model`) ---------------------- */

static json_t *number_or_null(bool has, double v)
{
    if (!has) return json_null();
    if (v == (double)(json_int_t)v) return json_integer((json_int_t)v);
    return json_real(v);
}

json_t *report_json(arena *a, const report_doc *r)
{
    char from[11], to[11], asof[11];
    json_t *cols = json_array();
    for (int k = 0; k < r->ncols; k++) {
        const report_col *c = &r->cols[k];
        cal_format(c->from, from);
        cal_format(c->to, to);
        json_array_append_new(cols, json_pack("{s:s, s:s, s:s, s:s}", "key", c->key, "label", c->label, "from", from,
                                              "to", to));
    }
    json_t *groups = json_array();
    for (int g = 0; g < REPORT_NGROUPS; g++) {
        json_t *lines = json_array();
        for (const char *const *key = report_groups[g].keys; *key; key++) {
            const figures_metric_def *def = report_metric_def(*key);
            json_t *values = json_object(), *texts = json_object();
            for (int k = 0; k < r->ncols; k++) {
                double v = 0;
                bool has = report_metric(&r->cols[k], *key, &v);
                json_object_set_new(values, r->cols[k].key, number_or_null(has, v));
                json_object_set_new(texts, r->cols[k].key, json_string(figures_format(a, def, has, v)));
            }
            json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:o, s:o}", "key", *key, "label",
                                                   def ? def->label : *key, "unit", def ? def->unit : "", "values",
                                                   values, "text", texts));
        }
        json_array_append_new(groups, json_pack("{s:s, s:s, s:o}", "number", report_groups[g].number, "title",
                                                report_groups[g].title, "lines", lines));
    }
    json_t *texts = json_object();
    for (int i = 0; i < REPORT_NPARTS; i++)
        json_object_set_new(texts, report_parts[i].key, r->texts[i] ? json_string(r->texts[i]) : json_null());
    cal_format(r->as_of_day, asof);
    json_t *m = json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:o, s:o, s:o}", "unit_id", (json_int_t)r->unit_id,
                          "unit_code", r->unit_code, "unit_name", r->unit_name, "unit_kind", r->unit_kind, "year",
                          r->year, "period", report_period_key(r->period), "as_of", asof, "columns", cols, "groups",
                          groups, "texts", texts);
    json_object_set_new(m, "signer", json_pack("{s:s, s:s}", "name", r->head_name ? r->head_name : "", "title",
                                               r->head_title ? r->head_title : ""));
    if (r->has_cycle) {
        json_t *items = json_array();
        for (int i = 0; i < r->ncriteria; i++) {
            const report_criterion *c = &r->criteria[i];
            json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:f, s:f, s:s}", "code", c->code, "name", c->name,
                                                   "kind", c->kind, "max", c->max10 / 10.0, "points",
                                                   c->points10 / 10.0, "note", c->note));
        }
        json_object_set_new(m, "self_assessment",
                            json_pack("{s:s, s:i, s:i, s:i, s:f, s:f, s:o}", "status", r->cycle_status,
                                      "proposed_level", r->cycle_proposed, "recognised_level", r->cycle_recognised,
                                      "level", r->cycle_level, "total", r->cycle_total10 / 10.0, "max",
                                      r->cycle_max10 / 10.0, "criteria", items));
    }
    return m;
}

int report_model_json(db *d, arena *a, int64_t unit_id, int year, const char *ky, int64_t now, json_t **out, err *e)
{
    report_period p;
    if (!report_period_parse(ky, &p)) {
        err_set(e, 400, N_("Kỳ báo cáo là 6t (6 tháng đầu năm) hoặc nam (cả năm)."), "period %s", ky);
        return -1;
    }
    report_doc r;
    if (report_build(d, a, unit_id, year, p, now, &r, e)) return -1;
    *out = report_json(a, &r);
    return 0;
}

/* ---- the leader's words ---------------------------------------------------------------------- */

#define REPORT_TEXT_MAX 20000   /* characters in one part */

typedef struct {
    int64_t unit_id;
    int year;
    report_period p;
    const report_text_in *in;
    size_t n;
    int64_t actor, now;
} text_write;

static int texts_write(db *d, void *ctx, err *e)
{
    text_write *t = ctx;
    json_t *changed = json_array();
    for (size_t i = 0; i < t->n; i++) {
        db_stmt *s = db_prepare(d, "INSERT INTO report_texts (unit_id, year, period, part, body, updated_by, updated_at) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, year, period, part) DO UPDATE "
                                   "SET body = excluded.body, updated_by = excluded.updated_by, "
                                   "updated_at = excluded.updated_at WHERE body <> excluded.body");
        if (!s) {
            json_decref(changed);
            err_set(e, 500, N_("Không lưu được nội dung báo cáo."), "report_texts prepare");
            return -1;
        }
        db_bind_int(s, 1, t->unit_id);
        db_bind_int(s, 2, t->year);
        db_bind_text(s, 3, report_period_key(t->p));
        db_bind_text(s, 4, t->in[i].part);
        db_bind_text(s, 5, t->in[i].body);
        db_bind_int(s, 6, t->actor);
        db_bind_int(s, 7, t->now);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) {
            json_decref(changed);
            err_set(e, 500, N_("Không lưu được nội dung báo cáo."), "report_texts: %s", db_errmsg(d));
            return -1;
        }
        if (db_changes(d) > 0) json_array_append_new(changed, json_string(t->in[i].part));
    }
    if (!json_array_size(changed)) {
        json_decref(changed);
        return 0;   /* nothing changed: nothing to record */
    }
    json_t *detail = json_pack("{s:i, s:s, s:o}", "year", t->year, "period", report_period_key(t->p), "parts", changed);
    if (audit_append(d, t->now, t->actor, t->unit_id, "report.text", "units", t->unit_id, detail)) {
        err_set(e, 500, N_("Không lưu được nội dung báo cáo."), "audit");
        return -1;
    }
    return 0;
}

int report_texts_save(db *d, int64_t unit_id, int year, report_period p, const report_text_in *in, size_t n,
                      int64_t actor, int64_t now, err *e)
{
    for (size_t i = 0; i < n; i++) {
        if (report_part_index(in[i].part) < 0) {
            err_set(e, 422, N_("Phần báo cáo không hợp lệ."), "part %s", in[i].part);
            return -1;
        }
        if (text_char_count(in[i].body) > REPORT_TEXT_MAX) {
            err_set(e, 413, N_("Mỗi phần của báo cáo dài tối đa 20.000 ký tự."), "part %s too long", in[i].part);
            err_field(e, in[i].part);
            return -1;
        }
    }
    text_write t = {unit_id, year, p, in, n, actor, now};
    return db_write(d, texts_write, &t, e);
}
