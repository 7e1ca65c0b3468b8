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
 *    working Saturdays), which replaces the computed rules for that whole year;
 *  - single days an administrator adds (calendar_add_entry), which override either.
 * A year with no published schedule falls back to the rules.
 *
 * The counting rule (issue 4): D0 is the day of receipt if it is a working day and the
 * dossier arrived at or before the unit's cut-off (default 15:00:00; 15:00:01 is after it);
 * otherwise the next working day. A procedure of N working days is due on the Nth working
 * day strictly after D0; a same-day procedure (N = 0) is due on D0.
 *
 * Weekends: Saturday and Sunday are the civil service's weekly rest days, and nghỉ bù is
 * counted against them. A unit that serves citizens on Saturday mornings ("thứ bảy vì
 * dân") and says those mornings count (cal_unit.saturday_counts) has Saturdays as working
 * days for its deadlines, except Saturdays that are holidays or listed days off.
 *
 * A built calendar is read by many threads at once (it caches each year's computed
 * holidays with atomics); the calendar_add_* and calendar_*_year calls that build it must
 * not run while others read it. */
#ifndef TT_CALENDAR_H
#define TT_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "vntime.h"

typedef int32_t cal_day;

#define CAL_TZ_SECONDS VN_UTC_OFFSET   /* vntime.h */
#define CAL_DAY_MIN (-719162)   /* 0001-01-01 */
#define CAL_DAY_MAX 2932896     /* 9999-12-31 */
/* A procedure longer than this many working days is counted as this long, and a search
 * for the next working day gives up after CAL_SEARCH_DAYS days (a calendar whose data
 * leave no working day in ten years is broken, not a reason to loop for ever). */
#define CAL_MAX_DAYS 3650
#define CAL_SEARCH_DAYS 3660

cal_day cal_from_ymd(int y, int m, int d);          /* for a valid date */
void cal_to_ymd(cal_day day, int *y, int *m, int *d);
int cal_weekday(cal_day day);                       /* 0 Sunday .. 6 Saturday */
bool cal_valid_ymd(int y, int m, int d);            /* years 1..9999 */
bool cal_parse_date(const char *s, cal_day *out);   /* strict "YYYY-MM-DD", a real date */
/* A date as staff type it: "2026-03-05", "05/03/2026" or "5/3/2026" (years from 1900). */
bool cal_parse_typed_date(const char *s, cal_day *out);
/* "2026-11-25T09:00" (an <input type=datetime-local>) as an instant in Vietnam time. */
bool cal_parse_local_time(const char *s, int64_t *out);
/* A time as staff type it: "05/03/2026 09:30" (also "5/3/2026 9:30") or a datetime-local
 * value "2026-03-05T09:30", as an instant in Vietnam time. */
bool cal_parse_typed_time(const char *s, int64_t *out);
void cal_format(cal_day day, char out[11]);         /* "YYYY-MM-DD" */
/* The page's fixed format, whatever the browser's locale: "07/01/2027" (day first). */
void cal_format_dmy(cal_day day, char out[11]);
/* The date in words, to echo a typed date back: "thứ Năm, ngày 07 tháng 01 năm 2027"
 * (the weekday in lower case as inside a sentence; "Chủ nhật" keeps its capital). out
 * needs CAL_WORDS_MAX bytes. */
#define CAL_WORDS_MAX 64
void cal_format_words(cal_day day, char out[CAL_WORDS_MAX]);
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

/* Holiday rules, one a line, tab-separated; '#' starts a comment (to the end of the line):
 *   from<TAB>to<TAB>kind<TAB>MM-DD<TAB>days<TAB>reason[<TAB>bù|không bù]
 * from/to are YYYY-MM-DD or "-" (open); the rule holds for holidays that START in
 * [from, to]. kind is
 *   solar     the Gregorian date MM-DD;
 *   lunar     the lunar date MM-DD of the Vietnamese calendar (regular, not leap, month);
 *             day 30 of a 29-day month means its last day ("ba mươi Tết");
 *   adjacent  the day next to the solar date MM-DD that joins it to a weekend: after it
 *             when MM-DD is a Monday, Thursday or Sunday, before it otherwise (the pattern of
 *             the Quốc khánh notices 2021–2026; a published schedule overrides it).
 * days (1..15) consecutive days from that date are off ("adjacent": 1). The last column
 * says whether a holiday day on a Saturday or Sunday gives a nghỉ bù on the next day that
 * is neither a weekend nor a holiday (Art. 111(3)); the default is "bù". Errors name the
 * line ("dòng N: ..."); on an error nothing of the text is added. */
int calendar_add_rules_tsv(calendar *c, const char *text, size_t len, err *e);

/* A published schedule, one day a line: YYYY-MM-DD<TAB>off|work<TAB>reason ('#' comments).
 * Every year that appears becomes "published": its days off are exactly the listed off
 * days plus weekends, minus the listed work days. A later line for the same day replaces
 * an earlier one. On an error nothing is added. */
int calendar_add_schedule_tsv(calendar *c, const char *text, size_t len, err *e);
/* One schedule line: 1 and *out filled; 0 for a blank or comment line; -1 with a
 * Vietnamese reason in *why (a static string). For importers that report every line. */
int cal_schedule_line(const char *line, size_t len, cal_entry *out, const char **why);

/* One day that overrides the rules or the schedule of its year (an administrator's
 * addition); it does not make the year published. Replaces an entry of the same day. */
int calendar_add_entry(calendar *c, const cal_entry *en, err *e);
/* Marks a year published (its schedule arrives by calendar_add_entry), or forgets every
 * entry of a year and its published mark (before an import replaces the year). */
void calendar_publish_year(calendar *c, int year);
void calendar_clear_year(calendar *c, int year);
bool calendar_year_published(const calendar *c, int year);

/* A NULL unit means CAL_UNIT_DEFAULT. */
bool calendar_is_working(const calendar *c, const cal_unit *u, cal_day day);
/* Why a day is off: the holiday's reason, "Thứ Bảy", "Chủ nhật"; NULL on a working day.
 * The string lives as long as the calendar. */
const char *calendar_reason(const calendar *c, const cal_unit *u, cal_day day);

cal_day calendar_next_working(const calendar *c, const cal_unit *u, cal_day day); /* > day */
cal_day calendar_start_day(const calendar *c, const cal_unit *u, int64_t received_at);  /* D0 */
/* days < 0 counts as 0, days > CAL_MAX_DAYS as CAL_MAX_DAYS. */
cal_day calendar_due_day(const calendar *c, const cal_unit *u, int64_t received_at, int days);
/* The due instant: the due day at the unit's close_minutes. */
int64_t calendar_due_at(const calendar *c, const cal_unit *u, int64_t received_at, int days);
/* Working days in (from, to]; negative when to < from. For "late by N working days".
 * Spans longer than 100 years are cut to 100 years. */
int calendar_working_between(const calendar *c, const cal_unit *u, cal_day from, cal_day to);

/* The year's days off that are not plain weekends (holidays, nghỉ bù, listed days, also on
 * a weekend) and its make-up working days, in date order. Returns the count (-1 when out
 * of memory); *out is malloc'd, the caller frees it. */
int calendar_year(const calendar *c, const cal_unit *u, int year, cal_entry **out);

#endif
