/* indicators.h -- how well a unit's one-stop desk keeps its promises (issue 4, "Indicators"),
 * and the register book (Sổ theo dõi hồ sơ) for any period.
 *
 * The counts follow the shape of the official report on resolving procedures (received,
 * carried over, resolved before / on / after the deadline, still open within time or overdue)
 * and the on-time indicator of QĐ 766/QĐ-TTg (research/assessment.md §2.2), for one unit
 * (the receiving desk, dossiers.unit_id) and one period of local days [from, to]:
 *
 *   carried    open when the period began (received before it, not finished before it)
 *   received   received during the period
 *   early      resolved with a result (done, returned) in the period, on a local day before
 *              the due day
 *   on_time    resolved in the period on the due day, by the due time
 *   late       resolved in the period after the due time
 *   open_late  still open at the end of the period (or now, if sooner) and past the due time;
 *              a dossier waiting for a supplement is paused, never late
 *   open_ok    still open at the end, within time or paused
 *   refused, withdrawn   closed without a result in the period (not graded)
 *   apologies  apology slips issued in the period; apologies_late: those issued after the due
 *              time they moved, when the law wants them a day before it
 *
 * "The due time" is the LEGAL one: the promise as it stood before any apology. An apology
 * moves dossiers.due_at but does not make a late dossier on time; without a supplement the
 * legal due time is original_due_at, the date on the slip. After a supplement the clock
 * restarted by law (dossier_resume), so the due time counted from the resume is the legal one,
 * again before any later apology.
 *
 * Rates are shares of the graded dossiers (early + on_time + late + open_late), so early,
 * on-time and late rates add up to 100 %. Average processing time is over the dossiers
 * resolved with a result in the period: hours from received_at to done_at, and working days
 * from the start day D0 (core/calendar.h) to the day it was done.
 *
 * A unit with units below it (the province, a district) counts the dossiers of them all, each
 * dossier's working days on its own receiving unit's calendar. */
#ifndef TT_INDICATORS_H
#define TT_INDICATORS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/calendar.h"
#include "../core/err.h"
#include "../store/db.h"
#include "forms.h"

typedef struct {
    int64_t carried, received;
    int64_t early, on_time, late;
    int64_t open_late, open_ok;
    int64_t refused, withdrawn;
    int64_t apologies;
    int64_t apologies_late;   /* of which made after the due time they broke (due the day before) */
    int64_t secs;      /* sum over early + on_time + late of done_at - received_at */
    int64_t wdays;     /* sum over the same of working days from D0 to the done day */
} ind_counts;

typedef struct {
    const char *key;   /* procedure id, official, channel, "YYYY-MM"; "" when none */
    const char *label; /* as shown: procedure name, official's name, channel label, "03/2026" */
    ind_counts c;
} ind_row;

typedef struct {
    ind_row *rows;
    size_t n;
} ind_table;

typedef struct {
    int64_t unit_id;
    const char *unit_code, *unit_name;
    cal_day from, to;      /* the period, local days, both included */
    int64_t as_of;         /* when "open" and "late" are judged: the end of the period or now */
    ind_counts total;
    ind_table by_procedure;   /* most dossiers first */
    ind_table by_official;    /* resolved dossiers by who finished them (the 'done' step's from_user) */
    ind_table by_channel;     /* in the intake form's order */
    ind_table by_month;       /* each month of the period as a period of its own */
} ind_report;

/* The period from the query's ?tu= and ?den= (YYYY-MM-DD; either may be blank): the default
 * is this year up to today. Refuses a bad date, from after to, or more than ten years. */
int indicators_period(const char *tu, const char *den, int64_t now, cal_day *from, cal_day *to, err *e);

/* Computes every table for the unit and period; rows live in the arena. */
int indicators_compute(db *d, arena *a, int64_t unit_id, cal_day from, cal_day to, int64_t now, ind_report *out,
                       err *e);

/* Every unit of the subtree of root_id (itself included), each with its own counts for the
 * period -- one pass of SQL for them all, for the province's view -- and what that view adds:
 * dossiers received online in the period, and the trips (dossiers.visits, recorded at return)
 * of those returned in it. Rows in unit id order, one per unit, with or without dossiers. */
typedef struct {
    int64_t unit_id;
    ind_counts c;
    int64_t online;              /* received in the period through the online channel */
    int64_t trips, trips_n;      /* sum of visits over the dossiers returned in the period with visits, and how many */
} ind_unit_row;
int indicators_by_unit(db *d, arena *a, int64_t root_id, cal_day from, cal_day to, int64_t now, ind_unit_row **rows,
                       size_t *n, err *e);

int64_t indicators_graded(const ind_counts *c);      /* early + on_time + late + open_late */
double indicators_rate(int64_t part, int64_t whole);  /* percent; 0 when whole is 0 */

/* The report as a view model (counts, rates as numbers and as "92,5%" text, averages). */
json_t *indicators_json(arena *a, const ind_report *r);

/* The report as an XLSX workbook: sheets Tổng hợp, Theo thủ tục, Theo cán bộ, Theo kênh,
 * Theo tháng. */
int indicators_xlsx(arena *a, const ind_report *r, buf *out, err *e);

/* The register book's lines: the unit's dossiers received in the period, in order of receipt,
 * with the note the book carries (status, late, apology, refusal, postal return). */
int indicators_register_rows(db *d, arena *a, int64_t unit_id, cal_day from, cal_day to, int64_t now,
                             form_register_row **rows, size_t *n, err *e);

/* Pages (indicators_web.c, register_web.c). */
struct req;
void page_indicators(struct req *r);
void page_indicators_xlsx(struct req *r);
void page_register_xlsx(struct req *r);
int64_t scope_report_unit(struct req *r);   /* ?don_vi=CODE, else the signed-in user's unit */

#endif
