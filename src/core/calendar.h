/* calendar.h -- the working-day calendar: pure, no I/O (DESIGN.md, core layer).
 *
 * A day is a cal_day, the number of days since 1970-01-01 in the proleptic Gregorian
 * calendar. Instants are Unix seconds (UTC); Vietnam is UTC+7 all year (no summer time), so
 * "the local day of an instant" is floor((t + 7*3600) / 86400).
 *
 * Which days are off comes from data, never from constants in code:
 *  - holiday RULES with effective dates (Labour Code 2019 Art. 112: New Year, Tết, Hùng
 *    Kings' day 10/3 lunar, 30/4, 1/5, 2/9 and an adjacent day; Vietnamese Culture Day 24/11
 *    from 2026), with lunar dates computed by the Vietnamese calendar (lunar.h, UTC+7) and a
 *    compensatory day (nghỉ bù, Art. 111(3)) when a holiday falls on a weekend;
 *  - the government's PUBLISHED SCHEDULE of a year (Tết days given, swapped days, make-up
 *    working Saturdays), which replaces the computed rules for that whole year.
 * A year with no published schedule falls back to the rules.
 *
 * The counting rule (issue 4): D0 is the day of receipt if it is a working day and the
 * dossier arrived at or before the unit's cut-off (default 15:00); otherwise the next working
 * day. A procedure of N working days is due on the Nth working day strictly after D0; a
 * same-day procedure (N = 0) is due on D0. */
#ifndef TT_CALENDAR_H
#define TT_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef int32_t cal_day;

#define CAL_TZ_SECONDS (7 * 3600)

cal_day cal_from_ymd(int y, int m, int d);
void cal_to_ymd(cal_day day, int *y, int *m, int *d);
int cal_weekday(cal_day day);                       /* 0 Sunday .. 6 Saturday */
bool cal_parse_date(const char *s, cal_day *out);   /* strict "YYYY-MM-DD", a real date */
void cal_format(cal_day day, char out[11]);         /* "YYYY-MM-DD" */
cal_day cal_local_day(int64_t unix_seconds);        /* the day in Vietnam (UTC+7) */
int cal_local_minutes(int64_t unix_seconds);        /* minutes since local midnight */
int64_t cal_instant(cal_day day, int minutes);      /* Unix seconds of local day + minutes */

enum { CAL_OFF = 1, CAL_WORK = 2 };                 /* a day off / a (make-up) working day */

typedef struct {
    cal_day day;
    int kind;                                        /* CAL_OFF or CAL_WORK */
    char reason[160];                                /* Vietnamese, e.g. "Tết Nguyên đán" */
} cal_entry;

/* A unit's own settings. */
typedef struct {
    int cutoff_minutes;        /* receipt after this counts from the next working day; 900 = 15:00 */
    int close_minutes;         /* the hour a due day's result is promised by; 1020 = 17:00 */
    bool saturday_service;     /* "thứ bảy vì dân": Saturday mornings open (desk hours only) */
    bool saturday_counts;      /* ... and the unit counts those mornings as working days */
} cal_unit;

extern const cal_unit CAL_UNIT_DEFAULT;

typedef struct calendar calendar;   /* rules + published schedules; immutable once built */

calendar *calendar_new(void);
void calendar_free(calendar *c);

/* Holiday rules, one a line, tab-separated; '#' starts a comment:
 *   from<TAB>to<TAB>solar|lunar<TAB>MM-DD<TAB>days<TAB>reason
 * from/to are YYYY-MM-DD or "-" (open). Errors name the line ("dòng N"). */
int calendar_add_rules_tsv(calendar *c, const char *text, size_t len, err *e);

/* A published schedule, one day a line: YYYY-MM-DD<TAB>off|work<TAB>reason. Every year that
 * appears becomes "published": its days off are exactly the listed off days plus weekends,
 * minus the listed work days. */
int calendar_add_schedule_tsv(calendar *c, const char *text, size_t len, err *e);
int calendar_add_entry(calendar *c, const cal_entry *en, err *e);   /* same, one day */
bool calendar_year_published(const calendar *c, int year);

/* A calendar with the built-in rules and the published 2024–2026 schedules (from the text
 * the caller passes: the embedded data/calendar files). */

bool calendar_is_working(const calendar *c, const cal_unit *u, cal_day day);
/* Why a day is off: the holiday's reason, "Thứ Bảy", "Chủ nhật"; NULL on a working day. */
const char *calendar_reason(const calendar *c, const cal_unit *u, cal_day day);

cal_day calendar_next_working(const calendar *c, const cal_unit *u, cal_day day); /* > day */
cal_day calendar_start_day(const calendar *c, const cal_unit *u, int64_t received_at);  /* D0 */
cal_day calendar_due_day(const calendar *c, const cal_unit *u, int64_t received_at, int days);
/* The due instant: the due day at the unit's close_minutes. */
int64_t calendar_due_at(const calendar *c, const cal_unit *u, int64_t received_at, int days);
/* Working days in (from, to]; negative when to < from. For "late by N working days". */
int calendar_working_between(const calendar *c, const cal_unit *u, cal_day from, cal_day to);

/* The year's weekday days off and why (weekends are not listed unless a holiday sits on
 * one), and its make-up working days, in date order. Returns the count; *out is malloc'd. */
int calendar_year(const calendar *c, const cal_unit *u, int year, cal_entry **out);

#endif
