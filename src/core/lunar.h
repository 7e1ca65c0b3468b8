/* lunar.h -- the Vietnamese lunisolar calendar (âm lịch), pure, no I/O.
 *
 * Hồ Ngọc Đức's astronomical algorithm: a month starts on the local day of the new moon, and
 * month 11 is the month holding the winter solstice; a year with 13 months doubles the
 * first month that holds no major solar term (trung khí). "Local" is Vietnam's meridian,
 * UTC+7 (Quyết định 121-CP, 1967). China reckons the same rules at UTC+8, so when a new moon
 * or a term falls between 16:00 and 17:00 UTC the two calendars part: Tết 1985 was
 * 1985-01-21 in Vietnam and 1985-02-20 in China, Tết 2007 2007-02-17 and 2007-02-18.
 * The *_tz variants take the zone in hours so the tests can show exactly that.
 *
 * Days are counted as in calendar.h: days since 1970-01-01 (proleptic Gregorian). The
 * algorithm is accurate for about 1800–2199; outside LUNAR_FIRST_YEAR..LUNAR_LAST_YEAR the
 * functions answer "no such date" rather than a guess. */
#ifndef TT_LUNAR_H
#define TT_LUNAR_H

#include <stdbool.h>
#include <stdint.h>

#define LUNAR_TZ 7.0
#define LUNAR_FIRST_YEAR 1800
#define LUNAR_LAST_YEAR 2199

typedef struct {
    int day;      /* 1..30 */
    int month;    /* 1..12 */
    int year;     /* the lunar year, named by the solar year its Tết falls in */
    bool leap;    /* the doubled (nhuận) month */
} lunar_date;

/* The lunar date of a day; false (and *out zeroed) outside the supported years. */
bool lunar_from_day(int32_t day, lunar_date *out);
bool lunar_from_day_tz(int32_t day, double tz, lunar_date *out);

/* The day of a lunar date; false when there is no such date: no leap month of that number
 * that year, day 30 of a 29-day month, a month or day out of range, a year not supported. */
bool lunar_to_day(const lunar_date *l, int32_t *out);
bool lunar_to_day_tz(const lunar_date *l, double tz, int32_t *out);

/* Days in a lunar month (29 or 30); 0 when there is no such month. */
int lunar_month_days(int year, int month, bool leap);

/* The number of the month that is doubled in lunar year `year` (the leap month follows the
 * regular month of the same number), or 0 in a year of twelve months. */
int lunar_leap_month(int year);
int lunar_leap_month_tz(int year, double tz);

#endif
