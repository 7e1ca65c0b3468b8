/* vntime.h -- Vietnam time: the one UTC offset, the formats staff read, the one HH:MM parser.
 *
 * Instants are Unix seconds (UTC). Vietnam is UTC+7 all year (no summer time since 1975), so
 * the civil time of t is UTC's civil time of t + VN_UTC_OFFSET and its day number (days since
 * 1970-01-01, the cal_day of calendar.h) is floor((t + VN_UTC_OFFSET) / 86400). Every page,
 * form, letter, message and report prints times in these shapes, day first, whatever the
 * browser's locale:
 *
 *     dd/mm/yyyy          vn_date, vn_day_date
 *     dd/mm/yyyy HH:MM    vn_datetime
 *     HH:MM<sep>dd/mm/yyyy  vn_time_date (sep ", " on pages, " " on slips)
 *     HH:MM               vn_hhmm
 *
 * Pure: no I/O, no clock (core layer). The strings live in the caller's arena. */
#ifndef TT_VNTIME_H
#define TT_VNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"

#define VN_UTC_OFFSET (7 * 3600)
/* The local day number of the SQL expression t, for queries (SQLite's integer division). */
#define VN_LOCAL_DAY_SQL(t) "((" t ") + 25200) / 86400"
_Static_assert(VN_UTC_OFFSET == 25200, "VN_LOCAL_DAY_SQL holds the offset");

typedef struct {
    int year, month, day;      /* 1..12, 1..31 */
    int hour, minute, second;
    int weekday;               /* 0 Sunday .. 6 Saturday */
} vn_civil;

void vn_civil_time(int64_t t, vn_civil *out);
int64_t vn_day(int64_t t);                  /* the local day number (unclamped) */
int vn_second_of_day(int64_t t);            /* 0 .. 86399 since local midnight */

const char *vn_date(arena *a, int64_t t);                        /* "05/03/2026" */
const char *vn_day_date(arena *a, int64_t day);                  /* the same, of a day number */
const char *vn_datetime(arena *a, int64_t t);                    /* "05/03/2026 09:30" */
const char *vn_time_date(arena *a, int64_t t, const char *sep);  /* "09:30, 05/03/2026" */
const char *vn_hhmm(arena *a, int minutes);                      /* minutes since midnight: "07:30" */

/* Exactly "HH:MM", 00:00 to 23:59 -> minutes since midnight. Refuses "24:00", "7:30",
 * "07:5", "07:60", " 07:30" and anything else. */
bool vn_parse_hhmm(const char *s, int *minutes);

#endif
