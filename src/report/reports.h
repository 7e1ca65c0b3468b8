/* reports.h -- the province's targets for the model and the reports on it (issue 13).
 *
 * Targets (targets*.c): each province sets, per year, the minimum share of its communes
 * recognised at level 1 or above, the share of them above level 1, and the number at level 4
 * (seed 002, Kế hoạch 154-KH/HU). They are data (report_targets, migration 024), edited by an
 * administrator; the dashboard (/muc-tieu) shows where the province stands for a year, with the
 * communes closest to their next level.
 *
 * Reports (report_*.c): the commune's (or department's) 6-month and yearly report on the model
 * (/bao-cao), in the outline of research/assessment.md §5, every figure computed by
 * report/figures.h for the period and the year to date, the words around them written by the
 * unit's leader (report_texts); as a page, JSON, an A4 PDF (Decree 30/2020) and XLSX. The
 * province's roll-up (/bao-cao/tong-hop) sums the same figures over its units. */
#ifndef TT_REPORTS_H
#define TT_REPORTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/calendar.h"
#include "../core/err.h"
#include "../store/db.h"

struct req;

/* ---- targets (pure: targets_calc.c) ---------------------------------------------------- */

typedef struct {
    int64_t id;                 /* 0: none */
    const char *unit_code;      /* the province */
    int year_from, year_to;
    int level1_pct;             /* communes at level >= 1, % of all communes; 0 = none */
    int above1_pct;             /* of which above level 1, % of all communes; 0 = none */
    int level4_min;             /* communes at level 4 (or above); 0 = none */
    const char *basis;
    int64_t updated_by, updated_at;
} report_target;

enum { TARGET_LEVEL1, TARGET_ABOVE1, TARGET_LEVEL4 };

typedef struct {
    int kind;                   /* TARGET_* */
    int target;                 /* the percent, or the count for TARGET_LEVEL4 */
    bool set;                   /* target > 0 */
    int have;                   /* communes that count */
    double share;               /* have / communes, percent */
    int needed;                 /* communes needed to meet it */
    bool met;                   /* true too when not set */
    int short_by;               /* communes still missing; 0 when met */
} target_line;

typedef struct {
    int communes;
    int none;                   /* communes at no level */
    target_line lines[3];       /* TARGET_LEVEL1, TARGET_ABOVE1, TARGET_LEVEL4 */
    bool all_met;
} target_eval;

/* Communes needed for pct percent of communes: the ceiling of pct x communes / 100. */
int targets_needed(int pct, int communes);
/* at_level[lv] = communes recognised at level lv (0: none), for lv < nlevels; t may be NULL
 * (no targets: every line met and unset). */
void targets_evaluate(const report_target *t, const int *at_level, int nlevels, int communes, target_eval *out);

/* ---- targets (stored: targets.c) -------------------------------------------------------- */

/* The province above a unit (or the unit itself): its id and code; -1 when there is none. */
int64_t report_province_of(db *d, arena *a, int64_t unit_id, const char **code);
/* The target in force for the province's year: 1 found, 0 none (out zeroed). */
int targets_for_year(db *d, arena *a, const char *province_code, int year, report_target *out);
/* Every row of the province, by year, as JSON [{id, year_from, year_to, ...}]. */
json_t *targets_list(db *d, const char *province_code);
/* Sets one year's target (a range covering it is split so only that year changes), audited
 * ('report.target'). 422 with a Vietnamese message for values out of range. */
int targets_set_year(db *d, int64_t province_id, const char *province_code, int year, int level1_pct,
                     int above1_pct, int level4_min, const char *basis, int64_t actor_id, int64_t now, err *e);

/* The dashboard's model for a province and year (also its JSON). NULL with e filled. */
json_t *targets_dashboard(db *d, arena *a, int64_t province_id, int year, err *e);

/* ---- reports (report_model.c) ------------------------------------------------------------ */

/* The unit's report for the year and period ("6t": 1/1-30/6, "nam": the year; NULL = "nam")
 * as JSON: {unit_*, year, period, as_of, columns: [{key, label, from, to}], groups: [{number,
 * title, lines: [{key, label, unit, values: {col: number|null}, text: {col: "92,5%"}}]}],
 * texts: {part: string|null}, signer, self_assessment?}. For `thanthien report model` and
 * other systems. 400 for a bad period, 404 for an unknown unit, 422 for a province. */
int report_model_json(db *d, arena *a, int64_t unit_id, int year, const char *ky, int64_t now, json_t **out, err *e);

/* The province's roll-up for the year and period as JSON: {province_*, year, period, columns,
 * units: [{code, name, kind, values: {key: number|null}}], total: {values}}; rates of the
 * total recomputed from the summed counts. */
int report_rollup_json(db *d, arena *a, int64_t province_id, int year, const char *ky, int64_t now, json_t **out,
                       err *e);

/* ---- pages -------------------------------------------------------------------------------- */

void page_targets(struct req *r);          /* GET /muc-tieu?don_vi=&nam= (assessor, admin) */
void page_targets_save(struct req *r);     /* POST /muc-tieu (admin) */
void page_report(struct req *r);           /* GET /bao-cao?don_vi=&nam=&ky=6t|nam (HTML, JSON) */
void page_report_pdf(struct req *r);       /* GET /bao-cao.pdf?... */
void page_report_xlsx(struct req *r);      /* GET /bao-cao.xlsx?... */
void page_report_texts(struct req *r);     /* POST /bao-cao/loi-van (the unit's leader) */
void page_rollup(struct req *r);           /* GET /bao-cao/tong-hop?don_vi=&nam=&ky= (assessor, admin) */
void page_rollup_pdf(struct req *r);       /* GET /bao-cao/tong-hop.pdf?... */
void page_rollup_xlsx(struct req *r);      /* GET /bao-cao/tong-hop.xlsx?... */

#endif
