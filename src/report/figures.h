/* figures.h -- one unit's figures for a period, from every feature (issue 13): the one-stop
 * desk (indicators.h), the ratings (rating.h), the citizen's voice (feedback.h), letters of care
 * (letter.h), citizen reception and dialogues (reception.h). Each feature counts its own rows
 * through its header, for every unit of a subtree in one pass of SQL, so the province's view
 * of 150 communes costs a handful of queries, not 150 times as many.
 *
 * A figure is read by its key (figures_metric): counts as they are, rates in percent 0..100,
 * averages in their unit. The keys are what the criteria sets score; they never change
 * (figures_metric_defs lists them with their Vietnamese labels).
 *
 *   dossier.received          dossiers received in the period
 *   dossier.online_rate       of those, received online
 *   dossier.on_time_rate      (early + on time) / graded (indicators.h: graded = early + on time
 *                             + late + still open past the legal due time)
 *   dossier.early_rate        early / graded
 *   dossier.late_rate         (late + open late) / graded
 *   dossier.apologies         apology slips issued in the period
 *   dossier.apology_on_time_rate  apologies made before the due time they moved / apologies
 *   dossier.avg_days          working days from D0 to the result, over the resolved
 *   dossier.trips_avg         trips the citizen made (dossiers.visits at return), over the
 *                             dossiers returned in the period that recorded it
 *   rating.count, rating.satisfied_rate ((rất hài lòng + hài lòng) / ratings),
 *   rating.dissatisfied, rating.answered_rate (dissatisfied ratings the leader answered /
 *                             dissatisfied)
 *   feedback.received, feedback.on_time_rate (resolved by the legal due date / resolved, all
 *                             kinds), complaint.received (khiếu nại + tố cáo),
 *   complaint.on_time_rate, feedback.overdue_open
 *   letter.apology, letter.thanks, letter.congratulation, letter.condolence (handed over in
 *                             the period), letter.delivered_rate (letters made in the period
 *                             and handed over since / made, not cancelled)
 *   reception.sessions        the chairman's reception days held (periodic or ad hoc)
 *   reception.weekly_rate     weeks of the period (up to today) with at least one such day
 *   reception.count           register rows; dialogue.held  dialogues held
 *
 * A unit with units below it (the province) sums them. */
#ifndef TT_FIGURES_H
#define TT_FIGURES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/calendar.h"
#include "../core/err.h"
#include "../dossier/indicators.h"
#include "../letter/letter.h"
#include "../store/db.h"

typedef struct unit_figures unit_figures;
struct unit_figures {
    int64_t unit_id;
    const char *unit_code, *unit_name, *unit_kind;
    cal_day from, to;            /* the period, local days, both included */
    int64_t as_of;               /* when open things are judged: the period's end, or now if sooner */
    /* the one-stop desk */
    ind_counts dossier;
    int64_t online;              /* received online in the period */
    int64_t trips, trips_n;      /* sum of visits at return, and the dossiers returned with it */
    /* ratings */
    int64_t ratings, satisfied, very_satisfied, dissatisfied, answered;
    /* the citizen's voice */
    int64_t fb_received, fb_resolved, fb_on_time;
    int64_t cp_received, cp_resolved, cp_on_time;
    int64_t fb_overdue_open;
    /* letters of care */
    int64_t letters[LETTER_NKINDS];
    int64_t letters_made, letters_made_delivered;
    /* reception and dialogues */
    int64_t receptions, reception_people, sessions, weeks, weeks_with_session, dialogues_held;
};

/* The unit's figures (its subtree summed) for [from, to]; 0, or -1 with e filled (404 for an
 * unknown unit, 500 when the database fails). */
int figures_compute(db *d, arena *a, int64_t unit_id, cal_day from, cal_day to, int64_t now, unit_figures *out,
                    err *e);

/* Every unit strictly below root_id of kind commune or department (kind: "commune",
 * "department" or NULL for both), each with its own figures, in the order of the units' names;
 * *n of them in *out (arena). The same few queries whatever the number of units. */
int figures_compute_units(db *d, arena *a, int64_t root_id, const char *kind, cal_day from, cal_day to, int64_t now,
                          unit_figures **out, size_t *n, err *e);

/* A named figure as a number; rates are percent 0..100. false when the unit has no data for it
 * (a rate with a zero denominator) or the key is unknown. */
bool figures_metric(const unit_figures *f, const char *key, double *value);

typedef struct {
    const char *key, *label /* Vietnamese msgid */, *unit /* "%", "", "ngày" */;
} figures_metric_def;
const figures_metric_def *figures_metric_defs(size_t *n);

/* Every figure: {unit_id, unit_code, unit_name, unit_kind, from, to, metrics: {key: number or
 * null}, text: {key: "92,5%"}, counts: {...}}. */
json_t *figures_json(arena *a, const unit_figures *f);

/* A number as Vietnamese pages write it: "92,5%" for "%", "3,4" for other decimals, "1.234"
 * for counts; "–" when there is no value. */
const char *figures_format(arena *a, const figures_metric_def *def, bool has, double v);

/* The weeks (Monday to Sunday) that meet [from, min(to, today)]; 0 when the period lies in the
 * future. Pure. */
int64_t figures_weeks(cal_day from, cal_day to, cal_day today);

/* The previous period of the same length: [from - len, from - 1]. Pure. */
void figures_previous(cal_day from, cal_day to, cal_day *pfrom, cal_day *pto);

/* k dossiers drawn at random (reproducibly, from seed) among the unit's dossiers received in the
 * period, for an audit: {id, code, procedure_name, received_text, status_label, late, applicant
 * (masked)} in order of receipt; json array. NULL on a database error. */
json_t *figures_audit_sample(db *d, arena *a, int64_t unit_id, cal_day from, cal_day to, int k, uint64_t seed);

/* Pages (report_web.c). */
struct req;
void page_province(struct req *r);          /* GET /tinh/so-sanh */
void page_province_xlsx(struct req *r);     /* GET /tinh/so-sanh.xlsx */
void page_province_unit(struct req *r);     /* GET /tinh/don-vi/{code} */
int64_t scope_province_unit(struct req *r); /* {code} of the path, else ?don_vi=, else the viewer's unit */

#endif
