/* TEMPORARY: weekends-only calendar until the h-cal branch lands. Deleted at merge. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "holiday.h"
struct calendar { int x; };
const cal_unit CAL_UNIT_DEFAULT = {900, 1020, false, false};
static struct calendar the_cal;
cal_day cal_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int)doe - 719468;
}
void cal_to_ymd(cal_day z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = (int)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yy + (*m <= 2);
}
int cal_weekday(cal_day day) { return (int)(((day % 7) + 11) % 7); }
bool cal_parse_date(const char *s, cal_day *out)
{
    int y, m, d; char extra;
    if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 || d < 1 || d > 31) return false;
    *out = cal_from_ymd(y, m, d);
    return true;
}
void cal_format(cal_day day, char out[11]) { int y, m, d; cal_to_ymd(day, &y, &m, &d); char t[32]; snprintf(t, sizeof t, "%04d-%02d-%02d", y, m, d); memcpy(out, t, 10); out[10] = 0; }
cal_day cal_local_day(int64_t t) { int64_t x = t + CAL_TZ_SECONDS; return (cal_day)(x >= 0 ? x / 86400 : (x - 86399) / 86400); }
int cal_local_minutes(int64_t t) { int64_t x = t + CAL_TZ_SECONDS; return (int)(((x % 86400) + 86400) % 86400 / 60); }
int64_t cal_instant(cal_day day, int minutes) { return (int64_t)day * 86400 + minutes * 60 - CAL_TZ_SECONDS; }
bool calendar_is_working(const calendar *c, const cal_unit *u, cal_day day) { (void)c; (void)u; int w = cal_weekday(day); return w != 0 && w != 6; }
cal_day calendar_next_working(const calendar *c, const cal_unit *u, cal_day day) { do day++; while (!calendar_is_working(c, u, day)); return day; }
cal_day calendar_start_day(const calendar *c, const cal_unit *u, int64_t t)
{
    cal_day d = cal_local_day(t);
    if (calendar_is_working(c, u, d) && cal_local_minutes(t) <= u->cutoff_minutes) return d;
    return calendar_next_working(c, u, d);
}
cal_day calendar_due_day(const calendar *c, const cal_unit *u, int64_t t, int days)
{
    cal_day d = calendar_start_day(c, u, t);
    for (int i = 0; i < days; i++) d = calendar_next_working(c, u, d);
    return d;
}
int64_t calendar_due_at(const calendar *c, const cal_unit *u, int64_t t, int days) { return cal_instant(calendar_due_day(c, u, t, days), u->close_minutes); }
int calendar_working_between(const calendar *c, const cal_unit *u, cal_day from, cal_day to)
{
    int n = 0, sign = 1;
    if (to < from) { cal_day x = from; from = to; to = x; sign = -1; }
    for (cal_day d = from + 1; d <= to; d++) n += calendar_is_working(c, u, d);
    return n * sign;
}
const calendar *holiday_calendar(db *d, err *e) { (void)d; (void)e; return &the_cal; }
cal_unit holiday_unit(db *d, int64_t unit_id)
{
    cal_unit u = CAL_UNIT_DEFAULT;
    db_stmt *s = db_prepare(d, "SELECT saturday_service FROM units WHERE id = ?");
    db_bind_int(s, 1, unit_id);
    if (db_step(s) == DB_ROW) u.saturday_service = db_col_int(s, 0) != 0;
    db_done(s);
    return u;
}
