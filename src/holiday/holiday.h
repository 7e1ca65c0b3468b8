/* holiday.h -- the working-day calendar as the program uses it: the built-in holiday rules
 * and published schedules (the embedded .tsv files of data/calendar), plus the schedules an
 * administrator adds in the browser or imports (table calendar_days), plus each unit's
 * settings (cut-off hour, Saturday service). The pure rules live in core/calendar.h. */
#ifndef TT_HOLIDAY_H
#define TT_HOLIDAY_H

#include <stdint.h>

#include "../core/calendar.h"
#include "../core/err.h"
#include "../store/db.h"

/* The calendar for the database d: built-in data plus calendar_days rows. Cached and shared
 * (read-only); rebuilt after a change. The caller must not free it. NULL on error. */
const calendar *holiday_calendar(db *d, err *e);
/* Drops the cache (after calendar_days changed). */
void holiday_invalidate(void);

/* A unit's calendar settings (units.cutoff_minutes, saturday_service, saturday_counts). */
cal_unit holiday_unit(db *d, int64_t unit_id);

/* `thanthien calendar ...` (issue 4): prints a year's days off or a due date. */
int holiday_cli(int argc, char **argv);

#endif
