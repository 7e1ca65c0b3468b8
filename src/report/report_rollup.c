/* report_rollup.c -- the province's roll-up of the report's figures over its communes and
 * departments for a half-year or a year (report.h, report_rollup_json): each unit's figures
 * and their total.
 *
 * Speed: the units' figures come from figures_compute_units (report/figures.h), which counts
 * each feature's rows for every unit of the subtree in one GROUP BY pass, so 150 communes cost
 * the same handful of queries as one. The total is the units' counts summed (rollup_add), and
 * its rates are recomputed from those sums by figures_metric -- never an average of the
 * units' rates, which would weigh a commune of 10 dossiers like one of 10,000. */
#include <string.h>

#include "../account/account.h"
#include "../kit/web.h"
#include "report_impl.h"

const char *const rollup_keys[] = {"dossier.received",   "dossier.online_rate",   "dossier.on_time_rate",
                                   "dossier.late_rate",  "dossier.apologies",     "rating.count",
                                   "rating.satisfied_rate", "feedback.received", "feedback.on_time_rate",
                                   "complaint.received", "reception.sessions",    "dialogue.held",
                                   "letter.congratulation", "letter.condolence",  "letter.thanks",
                                   "letter.apology",     NULL};

static void add_ind(ind_counts *a, const ind_counts *b)
{
    a->carried += b->carried;
    a->received += b->received;
    a->early += b->early;
    a->on_time += b->on_time;
    a->late += b->late;
    a->open_late += b->open_late;
    a->open_ok += b->open_ok;
    a->refused += b->refused;
    a->withdrawn += b->withdrawn;
    a->apologies += b->apologies;
    a->apologies_late += b->apologies_late;
    a->secs += b->secs;
    a->wdays += b->wdays;
}

void rollup_add(unit_figures *acc, const unit_figures *f)
{
    add_ind(&acc->dossier, &f->dossier);
    acc->online += f->online;
    acc->trips += f->trips;
    acc->trips_n += f->trips_n;
    acc->ratings += f->ratings;
    acc->satisfied += f->satisfied;
    acc->very_satisfied += f->very_satisfied;
    acc->dissatisfied += f->dissatisfied;
    acc->answered += f->answered;
    acc->fb_received += f->fb_received;
    acc->fb_resolved += f->fb_resolved;
    acc->fb_on_time += f->fb_on_time;
    acc->cp_received += f->cp_received;
    acc->cp_resolved += f->cp_resolved;
    acc->cp_on_time += f->cp_on_time;
    acc->fb_overdue_open += f->fb_overdue_open;
    for (int k = 0; k < LETTER_NKINDS; k++) acc->letters[k] += f->letters[k];
    acc->letters_made += f->letters_made;
    acc->letters_made_delivered += f->letters_made_delivered;
    acc->receptions += f->receptions;
    acc->reception_people += f->reception_people;
    acc->sessions += f->sessions;
    /* weeks are the period's, the same for every unit: summed they count unit-weeks, so the
       total's weekly rate is the share of unit-weeks with a reception day */
    acc->weeks += f->weeks;
    acc->weeks_with_session += f->weeks_with_session;
    acc->dialogues_held += f->dialogues_held;
}

int rollup_build(db *d, arena *a, int64_t province_id, int year, report_period p, int64_t now, report_rollup *out,
                 err *e)
{
    *out = (report_rollup){.province_id = province_id, .year = year, .period = p};
    const char *code = NULL;
    if (report_province_of(d, a, province_id, &code) != province_id) {
        err_set(e, 422, N_("Báo cáo tổng hợp dành cho cấp tỉnh: chọn một tỉnh."), "unit %lld is no province",
                (long long)province_id);
        return -1;
    }
    json_t *u = account_unit_get_by_id(d, province_id);
    out->province_code = code;
    out->province_name = arena_strdup(a, u ? json_get_str(u, "name") : "");
    json_decref(u);
    out->from = cal_from_ymd(year, 1, 1);
    out->to = p == REPORT_HALF ? cal_from_ymd(year, 6, 30) : cal_from_ymd(year, 12, 31);
    if (figures_compute_units(d, a, province_id, NULL, out->from, out->to, now, &out->units, &out->n, e)) return -1;
    out->total = (unit_figures){.unit_id = province_id,
                                .unit_code = code,
                                .unit_name = out->province_name,
                                .unit_kind = "province",
                                .from = out->from,
                                .to = out->to};
    for (size_t i = 0; i < out->n; i++) {
        rollup_add(&out->total, &out->units[i]);
        out->total.as_of = out->units[i].as_of;
    }
    return 0;
}

static json_t *values_of(arena *a, const unit_figures *f, json_t **texts)
{
    json_t *v = json_object();
    *texts = json_object();
    for (const char *const *k = rollup_keys; *k; k++) {
        double x = 0;
        bool has = figures_metric(f, *k, &x);
        json_object_set_new(v, *k, !has ? json_null() : x == (double)(json_int_t)x ? json_integer((json_int_t)x)
                                                                                 : json_real(x));
        json_object_set_new(*texts, *k, json_string(figures_format(a, report_metric_def(*k), has, x)));
    }
    return v;
}

json_t *rollup_json(arena *a, const report_rollup *r)
{
    char from[11], to[11];
    cal_format(r->from, from);
    cal_format(r->to, to);
    json_t *cols = json_array();
    for (const char *const *k = rollup_keys; *k; k++) {
        const figures_metric_def *def = report_metric_def(*k);
        json_array_append_new(cols, json_pack("{s:s, s:s, s:s}", "key", *k, "label", def ? def->label : *k, "unit",
                                              def ? def->unit : ""));
    }
    json_t *units = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const unit_figures *f = &r->units[i];
        json_t *texts, *values = values_of(a, f, &texts);
        json_array_append_new(units, json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "unit_id", (json_int_t)f->unit_id,
                                               "code", f->unit_code, "name", f->unit_name, "kind", f->unit_kind,
                                               "values", values, "text", texts));
    }
    json_t *texts, *values = values_of(a, &r->total, &texts);
    return json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:s, s:o, s:o, s:{s:o, s:o}, s:i}", "province_id",
                     (json_int_t)r->province_id, "province_code", r->province_code, "province_name", r->province_name,
                     "year", r->year, "period", report_period_key(r->period), "from", from, "to", to, "columns", cols,
                     "units", units, "total", "values", values, "text", texts, "unit_count", (int)r->n);
}

int report_rollup_json(db *d, arena *a, int64_t province_id, int year, const char *ky, int64_t now, json_t **out,
                       err *e)
{
    report_period p;
    if (!report_period_parse(ky, &p)) {
        err_set(e, 400, N_("Kỳ báo cáo là 6t (6 tháng đầu năm) hoặc nam (cả năm)."), "period %s", ky);
        return -1;
    }
    report_rollup r;
    if (rollup_build(d, a, province_id, year, p, now, &r, e)) return -1;
    *out = rollup_json(a, &r);
    return 0;
}
