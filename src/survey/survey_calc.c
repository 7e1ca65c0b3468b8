/* survey_calc.c -- the figures of a survey: the SIPAS indices and the satisfaction figures of
 * QĐ 766/QĐ-TTg (survey.h). Pure arithmetic over counts, so tests check them by hand.
 *
 * SIPAS (Bộ Nội vụ; QĐ 2640/QĐ-BNV 2017, method 2023-2026 QĐ 1001/QĐ-BNV): published results
 * are percentages per element and overall. How they are computed is UNCONFIRMED (searched on
 * 04/12/2026: the decision's text was found without its annexed method); this file uses the
 * proposal of research/assessment.md §2.1, printed beside the figures on the pages:
 *   item = % of valid answers at 4 or 5; element = mean of its items; SIPAS = mean of the
 *   elements; the mean score (1..5) alike, so either convention can be read.
 *
 * QĐ 766/QĐ-TTg (23/6/2022), group "Mức độ hài lòng" (research/assessment.md §2.2; the ratios
 * confirmed from the full text):
 *   Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC (5.4)
 *     = 100% - (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ có PAKN hoặc không hài lòng),
 *     full points from full_at % up, below that pct × points / full_at (data/survey/qd766.tsv);
 *   Tỷ lệ PAKN xử lý đúng hạn = PAKN đúng hoặc trước hạn / tổng PAKN × 100%;
 *   Tỷ lệ hài lòng trong xử lý PAKN = (tổng PAKN - PAKN không hài lòng hoặc quá hạn) / tổng PAKN.
 * The rates of 5.4 are added as the formula writes them (a late dossier that was also rated
 * badly counts twice); the result is not allowed below 0. */
#include <stdlib.h>
#include <string.h>

#include "../store/embedded.h"
#include "survey.h"

const char *const sipas_elements[SIPAS_NELEMENTS][2] = {
    {"access", N_("Tiếp cận dịch vụ hành chính công")},
    {"procedure", N_("Thủ tục hành chính")},
    {"official", N_("Công chức giải quyết công việc")},
    {"result", N_("Kết quả giải quyết")},
    {"feedback", N_("Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị")},
};

static void figure_of_counts(const int64_t counts[SURVEY_SCALE_N + 1], sipas_figure *f)
{
    int64_t valid = 0, good = 0, sum = 0;
    for (int s = 1; s <= SURVEY_SCALE_N; s++) {
        valid += counts[s];
        sum += counts[s] * s;
        if (s >= 4) good += counts[s];
    }
    *f = (sipas_figure){.valid = valid, .has = valid > 0};
    if (valid) {
        f->pct = 100.0 * (double)good / (double)valid;
        f->mean = (double)sum / (double)valid;
    }
}

void survey_sipas(const sipas_item *items, size_t n, sipas_result *out)
{
    memset(out, 0, sizeof *out);
    if (n > SURVEY_MAX_QUESTIONS) n = SURVEY_MAX_QUESTIONS;
    double pct[SIPAS_NELEMENTS] = {0}, mean[SIPAS_NELEMENTS] = {0};
    int k[SIPAS_NELEMENTS] = {0};
    for (size_t i = 0; i < n; i++) {
        figure_of_counts(items[i].counts, &out->item[i]);
        if (!out->item[i].has) continue;
        for (int el = 0; el < SIPAS_NELEMENTS; el++) {
            if (!items[i].element || strcmp(items[i].element, sipas_elements[el][0])) continue;
            pct[el] += out->item[i].pct;
            mean[el] += out->item[i].mean;
            out->element[el].valid += out->item[i].valid;
            k[el]++;
        }
    }
    double opct = 0, omean = 0;
    int ok = 0;
    for (int el = 0; el < SIPAS_NELEMENTS; el++) {
        if (!k[el]) continue;
        out->element[el].has = true;
        out->element[el].pct = pct[el] / k[el];
        out->element[el].mean = mean[el] / k[el];
        opct += out->element[el].pct;
        omean += out->element[el].mean;
        out->overall.valid += out->element[el].valid;
        ok++;
    }
    if (ok) {
        out->overall.has = true;
        out->overall.pct = opct / ok;
        out->overall.mean = omean / ok;
    }
}

void survey_766(const s766_input *in, const s766_rules *rules, s766_figures *out)
{
    memset(out, 0, sizeof *out);
    if (in->dossiers > 0) {
        out->tthc_has = true;
        out->late_pct = 100.0 * (double)in->dossiers_late / (double)in->dossiers;
        out->unhappy_pct = in->have_unhappy ? 100.0 * (double)in->dossiers_unhappy / (double)in->dossiers : 0;
        out->tthc_pct = 100.0 - (out->late_pct + out->unhappy_pct);
        if (out->tthc_pct < 0) out->tthc_pct = 0;
        if (rules->full_at > 0)
            out->tthc_points = out->tthc_pct >= rules->full_at ? rules->full_points
                                                                : out->tthc_pct * rules->full_points / rules->full_at;
    }
    if (in->have_pakn && in->pakn > 0) {
        out->pakn_has = true;
        out->pakn_on_time_pct = 100.0 * (double)in->pakn_on_time / (double)in->pakn;
        int64_t happy = in->pakn - in->pakn_unhappy;
        out->pakn_happy_pct = happy > 0 ? 100.0 * (double)happy / (double)in->pakn : 0;
    }
}

int survey_766_rules(const char *day, s766_rules *out, err *e)
{
    *out = (s766_rules){0};
    const static_asset *f = data_file_find("qd766.tsv");
    if (!f) {
        err_set(e, 500, N_("Thiếu bảng quy tắc tính điểm theo Quyết định 766."), "qd766.tsv not embedded");
        return -1;
    }
    char best_points[11] = "", best_full[11] = "";
    const char *p = f->data, *end = f->data + f->size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char line[160];
        if (ll >= sizeof line) ll = sizeof line - 1;
        memcpy(line, p, ll);
        line[ll] = '\0';
        p = nl ? nl + 1 : end;
        if (!ll || line[0] == '#') continue;
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2 || t1 - line != 10) continue;
        *t1 = *t2 = '\0';
        if (strcmp(line, day) > 0) continue;   /* not yet in force on that day */
        char *best = !strcmp(t1 + 1, "tthc_points") ? best_points : !strcmp(t1 + 1, "tthc_full_at") ? best_full : NULL;
        if (!best || strcmp(line, best) < 0) continue;
        memcpy(best, line, 11);
        if (best == best_points) out->full_points = atof(t2 + 1);
        else out->full_at = atof(t2 + 1);
    }
    return 0;
}

/* ---- sources wired by the server -------------------------------------------------------------- */

#define MAX_SOURCES 4
static survey_766_source_fn sources[MAX_SOURCES];

void survey_add_766_source(survey_766_source_fn fn)
{
    for (int i = 0; i < MAX_SOURCES; i++)
        if (!sources[i] || sources[i] == fn) {
            sources[i] = fn;
            return;
        }
}

/* Used by survey_web.c: asks every wired source. */
int survey_766_sources_fill(db *d, int64_t unit_id, int64_t from, int64_t to, s766_input *in);
int survey_766_sources_fill(db *d, int64_t unit_id, int64_t from, int64_t to, s766_input *in)
{
    for (int i = 0; i < MAX_SOURCES && sources[i]; i++)
        if (sources[i](d, unit_id, from, to, in)) return -1;
    return 0;
}
