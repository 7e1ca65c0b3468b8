/* vntime.c -- Vietnam time (see vntime.h). */
#include "vntime.h"

#include <string.h>

#include "calendar.h"

/* The local day and the seconds into it, without overflow for any t. */
static int64_t split(int64_t t, int *seconds)
{
    int64_t day = t / 86400, rem = t % 86400;
    if (rem < 0) {
        day--;
        rem += 86400;
    }
    rem += VN_UTC_OFFSET;
    if (rem >= 86400) {
        day++;
        rem -= 86400;
    }
    *seconds = (int)rem;
    return day;
}

int64_t vn_day(int64_t t)
{
    int s;
    return split(t, &s);
}

int vn_second_of_day(int64_t t)
{
    int s;
    split(t, &s);
    return s;
}

void vn_civil_time(int64_t t, vn_civil *out)
{
    int64_t day = vn_day(t);
    if (day < CAL_DAY_MIN) day = CAL_DAY_MIN;
    if (day > CAL_DAY_MAX) day = CAL_DAY_MAX;
    cal_to_ymd((cal_day)day, &out->year, &out->month, &out->day);
    out->weekday = cal_weekday((cal_day)day);
    int s = vn_second_of_day(t);
    out->hour = s / 3600;
    out->minute = s / 60 % 60;
    out->second = s % 60;
}

/* Every page of dossiers prints a few dozen of these, so they are written digit by digit
 * rather than through printf (a twentieth of the citizen's lookup went to printf). The
 * calendar's days lie within years 1..9999, so four digits always hold the year. */
static char *put2(char *p, int v)
{
    *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

static char *put_date(char *p, int d, int m, int y)
{
    p = put2(p, d);
    *p++ = '/';
    p = put2(p, m);
    *p++ = '/';
    p = put2(p, y / 100);
    return put2(p, y % 100);
}

static char *put_hhmm(char *p, int h, int min)
{
    p = put2(p, h);
    *p++ = ':';
    return put2(p, min);
}

const char *vn_day_date(arena *a, int64_t day)
{
    int y, m, d;
    cal_to_ymd((cal_day)(day < CAL_DAY_MIN ? CAL_DAY_MIN : day > CAL_DAY_MAX ? CAL_DAY_MAX : day), &y, &m, &d);
    char *out = arena_alloc(a, 11);
    *put_date(out, d, m, y) = '\0';
    return out;
}

const char *vn_date(arena *a, int64_t t) { return vn_day_date(a, vn_day(t)); }

const char *vn_datetime(arena *a, int64_t t)
{
    vn_civil c;
    vn_civil_time(t, &c);
    char *out = arena_alloc(a, 17), *p = put_date(out, c.day, c.month, c.year);
    *p++ = ' ';
    *put_hhmm(p, c.hour, c.minute) = '\0';
    return out;
}

const char *vn_time_date(arena *a, int64_t t, const char *sep)
{
    vn_civil c;
    vn_civil_time(t, &c);
    size_t n = strlen(sep);
    char *out = arena_alloc(a, 16 + n), *p = put_hhmm(out, c.hour, c.minute);
    memcpy(p, sep, n);
    *put_date(p + n, c.day, c.month, c.year) = '\0';
    return out;
}

const char *vn_hhmm(arena *a, int minutes) { return arena_printf(a, "%02d:%02d", minutes / 60, minutes % 60); }

bool vn_parse_hhmm(const char *s, int *minutes)
{
    if (!s || strlen(s) != 5 || s[2] != ':') return false;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9')) return false;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59) return false;
    *minutes = h * 60 + m;
    return true;
}
