/* reception_ical.c -- the reception schedule as iCalendar (RFC 5545), reception.h.
 *
 * What a calendar application needs to subscribe to the chairman's schedule: one VEVENT per
 * weekly session with RRULE:FREQ=WEEKLY;BYDAY=.. and an EXDATE for each session a holiday
 * cancels, and one per announced dialogue. Times are
 * local with TZID=Asia/Ho_Chi_Minh and a VTIMEZONE of the one offset (+07:00, no summer time
 * since 1975), DTSTAMP in UTC. Lines end with CRLF and are folded at 75 octets (a continuation
 * starts with one space, RFC 5545 §3.1) without cutting a UTF-8 sequence; TEXT values escape
 * backslash, semicolon, comma and newlines (§3.3.11). Pure: no database (the holidays come as
 * a calendar, core/calendar.h). */
#include <string.h>

#include "../core/calendar.h"
#include "../core/vntime.h"
#include "reception.h"

static const char *const BYDAY[7] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

void ical_line(buf *b, const char *name, const char *value, bool escape)
{
    buf line;
    buf_init(&line, b->a);
    buf_puts(&line, name);
    buf_putc(&line, ':');
    for (const char *p = value ? value : ""; *p; p++) {
        if (escape && (*p == '\\' || *p == ';' || *p == ',')) {
            buf_putc(&line, '\\');
            buf_putc(&line, *p);
        } else if (escape && *p == '\r') {
            if (p[1] == '\n') p++;
            buf_puts(&line, "\\n");
        } else if (escape && *p == '\n') {
            buf_puts(&line, "\\n");
        } else if ((unsigned char)*p < 0x20 && *p != '\t') {
            buf_putc(&line, ' ');   /* no other control characters in a content line */
        } else {
            buf_putc(&line, *p);
        }
    }
    /* fold: at most 75 octets a physical line, the continuation's leading space included */
    const char *s = line.data;
    size_t n = line.len, room = 75;
    while (n > room) {
        size_t cut = room;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;   /* not inside a character */
        buf_add(b, s, cut);
        buf_puts(b, "\r\n ");
        s += cut;
        n -= cut;
        room = 74;
    }
    buf_add(b, s, n);
    buf_puts(b, "\r\n");
}

/* "20261210T073000" in Vietnam time, or with utc "20261210T003000Z". */
static const char *stamp(arena *a, int64_t t, bool utc)
{
    vn_civil c;
    vn_civil_time(utc ? t - VN_UTC_OFFSET : t, &c);
    return arena_printf(a, "%04d%02d%02dT%02d%02d%02d%s", c.year, c.month, c.day, c.hour, c.minute, c.second,
                        utc ? "Z" : "");
}

#define EXDATE_MAX 60

size_t reception_exdates(const calendar *cal, const cal_unit *cu, int64_t first, int64_t now, arena *a,
                         const int64_t **out)
{
    *out = NULL;
    if (!cal) return 0;
    cal_day day = cal_local_day(first), today = cal_local_day(now);
    int wd = cal_weekday(day);
    if (wd == 0 || wd == 6) return 0;   /* a weekend session: the weekend is its day */
    while (day < today - 365) day += 7;
    int minutes = cal_local_minutes(first);
    int64_t *v = arena_alloc(a, EXDATE_MAX * sizeof *v);
    size_t n = 0;
    for (; day <= today + 366 && n < EXDATE_MAX; day += 7)
        if (!calendar_is_working(cal, cu, day)) v[n++] = cal_instant(day, minutes);
    *out = v;
    return n;
}

const char *reception_ical(arena *a, const char *calname, const ical_event *ev, size_t n)
{
    buf b;
    buf_init(&b, a);
    ical_line(&b, "BEGIN", "VCALENDAR", false);
    ical_line(&b, "VERSION", "2.0", false);
    ical_line(&b, "PRODID", "-//Than Thien//Lich tiep cong dan//VI", false);
    ical_line(&b, "CALSCALE", "GREGORIAN", false);
    ical_line(&b, "METHOD", "PUBLISH", false);
    ical_line(&b, "X-WR-CALNAME", calname, true);
    ical_line(&b, "X-WR-TIMEZONE", "Asia/Ho_Chi_Minh", false);
    ical_line(&b, "BEGIN", "VTIMEZONE", false);
    ical_line(&b, "TZID", "Asia/Ho_Chi_Minh", false);
    ical_line(&b, "BEGIN", "STANDARD", false);
    ical_line(&b, "DTSTART", "19750613T000000", false);
    ical_line(&b, "TZOFFSETFROM", "+0700", false);
    ical_line(&b, "TZOFFSETTO", "+0700", false);
    ical_line(&b, "TZNAME", "ICT", false);
    ical_line(&b, "END", "STANDARD", false);
    ical_line(&b, "END", "VTIMEZONE", false);
    for (size_t i = 0; i < n; i++) {
        const ical_event *e = &ev[i];
        ical_line(&b, "BEGIN", "VEVENT", false);
        ical_line(&b, "UID", e->uid, false);
        if (e->sequence > 0) ical_line(&b, "SEQUENCE", arena_printf(a, "%d", e->sequence), false);
        ical_line(&b, "DTSTAMP", stamp(a, e->stamp, true), false);
        ical_line(&b, "DTSTART;TZID=Asia/Ho_Chi_Minh", stamp(a, e->start, false), false);
        ical_line(&b, "DTEND;TZID=Asia/Ho_Chi_Minh", stamp(a, e->end, false), false);
        if (e->weekday >= 0 && e->weekday < 7)
            ical_line(&b, "RRULE", arena_printf(a, "FREQ=WEEKLY;BYDAY=%s", BYDAY[e->weekday]), false);
        if (e->weekday >= 0 && e->nexdates) {
            /* one property, the dates comma-separated in the DTSTART's form and zone */
            buf x;
            buf_init(&x, a);
            for (size_t k = 0; k < e->nexdates; k++) {
                if (k) buf_putc(&x, ',');
                buf_puts(&x, stamp(a, e->exdates[k], false));
            }
            ical_line(&b, "EXDATE;TZID=Asia/Ho_Chi_Minh", buf_cstr(&x), false);
        }
        ical_line(&b, "SUMMARY", e->summary, true);
        if (e->location && *e->location) ical_line(&b, "LOCATION", e->location, true);
        if (e->description && *e->description) ical_line(&b, "DESCRIPTION", e->description, true);
        ical_line(&b, "END", "VEVENT", false);
    }
    ical_line(&b, "END", "VCALENDAR", false);
    return buf_cstr(&b);
}
