/* holiday.h -- the working-day calendar as the program uses it: the built-in holiday rules
 * and published schedules (the embedded .tsv files of data/calendar), plus the schedules an
 * administrator adds in the browser or imports (table calendar_days), plus each unit's
 * settings (cut-off hour, Saturday service). The pure rules live in core/calendar.h. */
#ifndef TT_HOLIDAY_H
#define TT_HOLIDAY_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/calendar.h"
#include "../core/err.h"
#include "../store/db.h"

/* The calendar for the database d: built-in data plus calendar_days rows; d NULL gives the
 * built-in data alone. Cached and shared (read-only) by every thread; a change to
 * calendar_days (here or by another process) bumps calendar_state.version and the next call
 * builds a new one. A calendar handed out stays valid until holiday_cleanup(); the caller
 * must not free it. NULL on error. */
const calendar *holiday_calendar(db *d, err *e);
/* Drops the cache (after calendar_days changed, or before another database is used). */
void holiday_invalidate(void);
/* Frees every calendar ever handed out (at exit, when no thread uses them any more). */
void holiday_cleanup(void);

/* A unit's calendar settings (units.cutoff_minutes, saturday_service, saturday_counts);
 * CAL_UNIT_DEFAULT for an unknown unit. */
cal_unit holiday_unit(db *d, int64_t unit_id);

/* An administrator's single day, as typed: day "YYYY-MM-DD", kind "off" or "work", reason.
 * Replaces a row of the same day; audited; the cache is dropped. */
int holiday_day_save(db *d, const char *day, const char *kind, const char *reason, int64_t actor_id, err *e);

/* Imports the published schedule of `year` (the schedule TSV of calendar.h): every line is
 * checked first and each problem goes to *report as "dòng N: ..." (an arena string); if
 * any, nothing is saved. Otherwise the year's rows are replaced by the file's, the year is
 * marked imported (its days off are exactly these), audited, and *count says how many. */
int holiday_import(db *d, arena *a, int year, const char *data, size_t len, const char *source,
                   int64_t actor_id, int *count, char **report, err *e);

/* The file an imported year came from ("" if none was named); NULL when the year was not
 * imported (its days come from the built-in schedule or the rules). An arena string. */
const char *holiday_year_source(db *d, arena *a, int year);

/* A unit's cut-off "HH:MM" (00:00–23:59) and whether its Saturday service counts. */
int holiday_unit_save(db *d, int64_t unit_id, const char *cutoff, bool saturday_counts, int64_t actor_id, err *e);

/* The years the calendar knows (the published schedules and the rules' lunar tables). */
#define HOLIDAY_YEAR_FIRST 1900
#define HOLIDAY_YEAR_LAST 2199

/* Page handlers (holiday_web.c): the administrator's calendar page. */
struct req;
void page_holidays(struct req *r);
void page_holiday_add(struct req *r);
void page_holiday_import(struct req *r);
void page_holiday_unit(struct req *r);

#endif
