/* lunar.c -- see lunar.h. Hồ Ngọc Đức's algorithm ("Thuật toán tính âm lịch"), written
 * again in C: the new moons from the series of Meeus' "Astronomical Algorithms" (ch. 49,
 * shortened as Hồ Ngọc Đức shortens it), the sun's longitude from his low-precision series,
 * both evaluated at local midnight of the Vietnamese meridian.
 *
 * The sine and floor are our own, so the calendar needs no libm and gives the same answer
 * on every machine; the series need no more than about 1e-9 of precision. */
#include "lunar.h"

#include <stddef.h>

#define PI 3.14159265358979323846
#define JDN_1970 2440588   /* the Julian day number of 1970-01-01 */

/* ---- small numerics ------------------------------------------------------------------ */

static double fl(double x)   /* floor for |x| < 2^52 */
{
    double t = (double)(int64_t)x;
    return t > x ? t - 1.0 : t;
}

static long ifl(double x) { return (long)fl(x); }

/* sin(x) for the arguments the series produce (|x| up to a few 1e5 radians): reduce to
 * [-pi/2, pi/2] by the period and the symmetry, then the Taylor series to x^23, whose
 * error there is below 1e-17. */
static double lsin(double x)
{
    x -= 2 * PI * fl(x / (2 * PI) + 0.5);   /* now in [-pi, pi) */
    if (x > PI / 2) x = PI - x;
    else if (x < -PI / 2) x = -PI - x;
    double x2 = x * x, term = x, sum = x;
    for (int n = 1; n <= 11; n++) {
        term *= -x2 / (double)((2 * n) * (2 * n + 1));
        sum += term;
    }
    return sum;
}

/* ---- astronomy -------------------------------------------------------------------------- */

/* The Julian date (UT) of the k-th new moon counted from 1900-01-01. */
static double new_moon(long k)
{
    double T = (double)k / 1236.85, T2 = T * T, T3 = T2 * T, dr = PI / 180;
    double jd1 = 2415020.75933 + 29.53058868 * (double)k + 0.0001178 * T2 - 0.000000155 * T3;
    jd1 += 0.00033 * lsin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
    double M = 359.2242 + 29.10535608 * (double)k - 0.0000333 * T2 - 0.00000347 * T3;     /* sun's anomaly */
    double Mpr = 306.0253 + 385.81691806 * (double)k + 0.0107306 * T2 + 0.00001236 * T3; /* moon's anomaly */
    double F = 21.2964 + 390.67050646 * (double)k - 0.0016528 * T2 - 0.00000239 * T3;   /* moon's latitude */
    double c1 = (0.1734 - 0.000393 * T) * lsin(M * dr) + 0.0021 * lsin(2 * dr * M);
    c1 = c1 - 0.4068 * lsin(Mpr * dr) + 0.0161 * lsin(dr * 2 * Mpr);
    c1 = c1 - 0.0004 * lsin(dr * 3 * Mpr);
    c1 = c1 + 0.0104 * lsin(dr * 2 * F) - 0.0051 * lsin(dr * (M + Mpr));
    c1 = c1 - 0.0074 * lsin(dr * (M - Mpr)) + 0.0004 * lsin(dr * (2 * F + M));
    c1 = c1 - 0.0004 * lsin(dr * (2 * F - M)) - 0.0006 * lsin(dr * (2 * F + Mpr));
    c1 = c1 + 0.0010 * lsin(dr * (2 * F - Mpr)) + 0.0005 * lsin(dr * (2 * Mpr + M));
    double deltat = T < -11 ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3
                            : -0.000278 + 0.000265 * T + 0.000262 * T2;
    return jd1 + c1 - deltat;
}

/* The sun's apparent longitude at Julian date jd, in radians in [0, 2 pi). */
static double sun_longitude(double jd)
{
    double T = (jd - 2451545.0) / 36525, T2 = T * T, dr = PI / 180;
    double M = 357.52910 + 35999.05030 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
    double L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
    double DL = (1.914600 - 0.004817 * T - 0.000014 * T2) * lsin(dr * M);
    DL += (0.019993 - 0.000101 * T) * lsin(dr * 2 * M) + 0.000290 * lsin(dr * 3 * M);
    double L = (L0 + DL) * dr;
    return L - 2 * PI * fl(L / (2 * PI));
}

/* The 30-degree sector (0..11) the sun is in at the local midnight that starts day jdn. */
static int sun_sector(long jdn, double tz) { return (int)ifl(sun_longitude((double)jdn - 0.5 - tz / 24) / PI * 6); }

/* The local day (JDN) of the k-th new moon. */
static long new_moon_day(long k, double tz) { return ifl(new_moon(k) + 0.5 + tz / 24); }

/* The first day (JDN) of lunar month 11, the month of the winter solstice, that starts in
 * solar year yy. */
static long month11(int yy, double tz)
{
    /* the JDN of yy-12-31, then the new moon before it */
    long y = yy + 4800, m = 9;   /* December in the March-based year */
    long jd = 31 + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045;
    long off = jd - 2415021;
    long k = ifl((double)off / 29.530588853);
    long nm = new_moon_day(k, tz);
    if (sun_sector(nm, tz) >= 9) nm = new_moon_day(k - 1, tz);   /* the solstice is not reached yet */
    return nm;
}

/* Which month after month 11 (1, 2, ...) is the first without a major term: the leap one. */
static int leap_offset(long a11, double tz)
{
    long k = ifl(((double)a11 - 2415021.076998695) / 29.530588853 + 0.5);
    int i = 1, last, arc = sun_sector(new_moon_day(k + 1, tz), tz);
    do {
        last = arc;
        i++;
        arc = sun_sector(new_moon_day(k + i, tz), tz);
    } while (arc != last && i < 14);
    return i - 1;
}

/* ---- conversions ------------------------------------------------------------------------ */

/* The proleptic Gregorian year of a JDN (for the month-11 anchors). */
static int jdn_year(long jdn)
{
    long a = jdn + 32044, b = (4 * a + 3) / 146097, c = a - 146097 * b / 4;
    long d = (4 * c + 3) / 1461, e = c - 1461 * d / 4, m = (5 * e + 2) / 153;
    return (int)(100 * b + d - 4800 + m / 10);
}

bool lunar_from_day_tz(int32_t day, double tz, lunar_date *out)
{
    *out = (lunar_date){0};
    if (day < -80000 || day > 100000) return false;   /* far outside 1800..2199: no arithmetic */
    long jdn = (long)day + JDN_1970;
    int yy = jdn_year(jdn);
    if (yy < LUNAR_FIRST_YEAR || yy > LUNAR_LAST_YEAR) return false;
    long k = ifl(((double)jdn - 2415021.076998695) / 29.530588853);
    /* the estimate of k can be one too high when a new moon falls near midnight */
    long start = new_moon_day(k + 1, tz);
    while (start > jdn) start = new_moon_day(k--, tz);
    long a11 = month11(yy, tz), b11 = a11;
    int year;
    if (a11 >= start) {
        year = yy;
        a11 = month11(yy - 1, tz);
    } else {
        year = yy + 1;
        b11 = month11(yy + 1, tz);
    }
    int diff = (int)((start - a11) / 29);
    int month = diff + 11;
    bool leap = false;
    if (b11 - a11 > 365) {
        int lo = leap_offset(a11, tz);
        if (diff >= lo) {
            month = diff + 10;
            leap = diff == lo;
        }
    }
    if (month > 12) month -= 12;
    if (month >= 11 && diff < 4) year -= 1;
    if (year < LUNAR_FIRST_YEAR || year > LUNAR_LAST_YEAR) return false;   /* e.g. Jan 1800: lunar 1799 */
    out->day = (int)(jdn - start + 1);
    out->month = month;
    out->year = year;
    out->leap = leap;
    return true;
}

bool lunar_from_day(int32_t day, lunar_date *out) { return lunar_from_day_tz(day, LUNAR_TZ, out); }

/* The first day (JDN) of a lunar month and its length; false when there is no such month. */
static bool month_start(int year, int month, bool leap, double tz, long *start, int *length)
{
    if (month < 1 || month > 12 || year < LUNAR_FIRST_YEAR || year > LUNAR_LAST_YEAR) return false;
    long a11, b11;
    if (month < 11) {
        a11 = month11(year - 1, tz);
        b11 = month11(year, tz);
    } else {
        a11 = month11(year, tz);
        b11 = month11(year + 1, tz);
    }
    long k = ifl(0.5 + ((double)a11 - 2415021.076998695) / 29.530588853);
    int off = month - 11;
    if (off < 0) off += 12;
    if (b11 - a11 > 365) {
        int lo = leap_offset(a11, tz);
        int leap_month = (lo + 9) % 12 + 1;   /* offset 1 doubles month 11, 2 month 12, 3 month 1 ... */
        if (leap && month != leap_month) return false;
        if (leap || off >= lo) off += 1;
    } else if (leap) {
        return false;
    }
    *start = new_moon_day(k + off, tz);
    *length = (int)(new_moon_day(k + off + 1, tz) - *start);
    return true;
}

bool lunar_to_day_tz(const lunar_date *l, double tz, int32_t *out)
{
    long start;
    int length;
    if (!month_start(l->year, l->month, l->leap, tz, &start, &length)) return false;
    if (l->day < 1 || l->day > length) return false;
    long jdn = start + l->day - 1;
    int yy = jdn_year(jdn);
    if (yy < LUNAR_FIRST_YEAR || yy > LUNAR_LAST_YEAR) return false;   /* e.g. month 12 of 2199 */
    *out = (int32_t)(jdn - JDN_1970);
    return true;
}

bool lunar_to_day(const lunar_date *l, int32_t *out) { return lunar_to_day_tz(l, LUNAR_TZ, out); }

int lunar_month_days(int year, int month, bool leap)
{
    long start;
    int length;
    return month_start(year, month, leap, LUNAR_TZ, &start, &length) ? length : 0;
}

int lunar_leap_month_tz(int year, double tz)
{
    for (int m = 1; m <= 12; m++) {
        long start;
        int length;
        if (month_start(year, m, true, tz, &start, &length)) return m;
    }
    return 0;
}

int lunar_leap_month(int year) { return lunar_leap_month_tz(year, LUNAR_TZ); }
