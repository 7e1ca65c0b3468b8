/* report_impl.h -- what the files of src/report share and no other feature sees. */
#ifndef TT_REPORT_IMPL_H
#define TT_REPORT_IMPL_H

#include "figures.h"
#include "reports.h"

#define REPORT_MAX_LEVEL 10   /* levels a criteria set may define (assess.h ASSESS_MAX_LEVELS) */

/* A commune's or department's standing in a year's assessment cycle. */
typedef struct {
    int64_t unit_id;
    const char *code, *name, *kind;
    const char *status;         /* "" when no cycle this year; draft, submitted, returned, recognised */
    int proposed;               /* the level the unit asked for; 0 none */
    int recognised;             /* -1 when not (yet) recognised; 0 appraised at no level */
    int level;                  /* the level its score reaches now; 0 none */
    int total10;                /* its points (appraised when appraised, else self), tenths; -1 none */
    int next_level;             /* the level above where it stands; 0 none (at the top or no set) */
    int short10;                /* points short of next_level (tenths); -1 unknown */
} level_row;

/* Every commune and department under the province with its standing in the year, sorted with
 * those closest to their next level (smallest short10) first, then by name. */
int report_levels(db *d, arena *a, int64_t province_id, int year, level_row **rows, size_t *n, err *e);

/* ---- the commune's report (report_model.c) ----------------------------------------------- */

typedef enum { REPORT_HALF, REPORT_YEAR } report_period;
bool report_period_parse(const char *ky, report_period *p);   /* "6t", "nam" (NULL or "" = nam) */
const char *report_period_key(report_period p);

typedef struct {
    const char *number;         /* "1" */
    const char *title;          /* msgid */
    const char *const *keys;    /* figures.h keys, NULL-terminated */
} report_group;
#define REPORT_NGROUPS 6
extern const report_group report_groups[REPORT_NGROUPS];

typedef struct {
    const char *key;            /* report_texts.part */
    const char *label;          /* msgid */
} report_part;
#define REPORT_NPARTS 8
enum { PART_LEADERSHIP, PART_RESULTS, PART_STRENGTHS, PART_WEAKNESSES, PART_DIRECTIONS, PART_PROPOSALS,
       PART_NUMBER, PART_RECIPIENTS };
extern const report_part report_parts[REPORT_NPARTS];
int report_part_index(const char *key);   /* -1 unknown */
/* A figure's definition: figures.h's, or the report's own survey figures ("survey.responses",
 * "survey.sipas"); NULL when unknown. */
const figures_metric_def *report_metric_def(const char *key);

typedef struct {
    const char *key;            /* "h1", "h2", "year" */
    const char *label;          /* msgid */
    cal_day from, to;
    bool future;                /* starts after today */
    unit_figures f;
    /* the satisfaction surveys answered in the period (survey.h): responses, and the SIPAS-like
       index of their SIPAS questions (answers at 4 or 5, research/assessment.md §2.1 proposal) */
    int64_t survey_responses;
    bool has_sipas;
    double sipas;
} report_col;
/* A figure of a column: the survey figures or figures_metric. */
bool report_metric(const report_col *c, const char *key, double *v);

typedef struct {
    const char *code, *name, *kind, *note;
    int max10, points10;
} report_criterion;

typedef struct {
    int64_t unit_id;
    const char *unit_code, *unit_name, *unit_kind, *parent_name;
    const char *head_name, *head_title;   /* NULL when the unit has no leader on record */
    int year;
    report_period period;
    cal_day as_of_day;          /* figures up to this day */
    report_col cols[2];
    int ncols;
    const char *texts[REPORT_NPARTS];   /* NULL: never written */
    int64_t texts_updated_at;
    /* part III (yearly report): the year's assessment cycle */
    bool has_cycle;
    const char *cycle_status;
    int cycle_proposed, cycle_recognised, cycle_level, cycle_total10, cycle_max10;
    report_criterion *criteria;
    int ncriteria;
} report_doc;

int report_build(db *d, arena *a, int64_t unit_id, int year, report_period period, int64_t now, report_doc *out,
                 err *e);
json_t *report_json(arena *a, const report_doc *r);

/* The report on paper (report_pdf.c) and as a workbook (report_xlsx.c). */
int report_pdf(arena *a, const report_doc *r, buf *out, err *e);
int report_xlsx(arena *a, const report_doc *r, buf *out, err *e);

/* The leader's words saved (report_model.c): every part given, audited 'report.text'. */
typedef struct {
    const char *part, *body;
} report_text_in;
int report_texts_save(db *d, int64_t unit_id, int year, report_period p, const report_text_in *in, size_t n,
                      int64_t actor, int64_t now, err *e);

/* ---- the province's roll-up (report_rollup.c) ------------------------------------------- */

/* The keys the roll-up's table shows, NULL-terminated. */
extern const char *const rollup_keys[];
typedef struct {
    int64_t province_id;
    const char *province_code, *province_name;
    int year;
    report_period period;
    cal_day from, to;
    unit_figures *units;
    size_t n;
    unit_figures total;         /* the units' counts summed */
} report_rollup;
int rollup_build(db *d, arena *a, int64_t province_id, int year, report_period p, int64_t now, report_rollup *out,
                 err *e);
json_t *rollup_json(arena *a, const report_rollup *r);
int rollup_pdf(arena *a, const report_rollup *r, buf *out, err *e);
int rollup_xlsx(arena *a, const report_rollup *r, buf *out, err *e);
/* acc += f, every count (rates are computed from the sums by figures_metric). */
void rollup_add(unit_figures *acc, const unit_figures *f);

#endif
