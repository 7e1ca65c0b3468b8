/* calendar_stub_for_booking.c -- TEMPORARY, for the booking branch only: the few functions of
 * core/calendar.h that booking calls, with weekends off and no holidays. The real calendar is
 * written in another branch; the lead deletes this file when merging the two. */
#include <stdio.h>
#include <string.h>

#include "calendar.h"

struct calendar {
    int unused;
};

/* days from 1970-01-01 (H. Hinnant's civil-date algorithm) */
cal_day cal_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (cal_day)(era * 146097 + doe - 719468);
}

void cal_to_ymd(cal_day day, int *y, int *m, int *d)
{
    int z = day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

int cal_weekday(cal_day day) { return (int)(((day % 7) + 7 + 4) % 7); }   /* 1970-01-01: Thursday */

bool cal_parse_date(const char *s, cal_day *out)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int y, m, d;
    if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31) return false;
    cal_day day = cal_from_ymd(y, m, d);
    int y2, m2, d2;
    cal_to_ymd(day, &y2, &m2, &d2);
    if (y2 != y || m2 != m || d2 != d) return false;
    *out = day;
    return true;
}

void cal_format(cal_day day, char out[11])
{
    int y, m, d;
    cal_to_ymd(day, &y, &m, &d);
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

cal_day cal_local_day(int64_t t)
{
    int64_t s = t + CAL_TZ_SECONDS;
    return (cal_day)((s >= 0 ? s : s - 86399) / 86400);
}

int cal_local_minutes(int64_t t) { return (int)((t + CAL_TZ_SECONDS - (int64_t)cal_local_day(t) * 86400) / 60); }

int64_t cal_instant(cal_day day, int minutes) { return (int64_t)day * 86400 + minutes * 60 - CAL_TZ_SECONDS; }

bool calendar_is_working(const calendar *c, const cal_unit *u, cal_day day)
{
    (void)c;
    int wd = cal_weekday(day);
    if (wd == 0) return false;
    if (wd == 6) return u && u->saturday_service && u->saturday_counts;
    return true;
}
