/* feedback_clock.c -- the deadlines of feedback, complaints and denunciations: pure functions of
 * the working-day calendar (core/calendar.h) and the rule rows of table feedback_deadlines.
 *
 * Counting follows the Civil Code 2015 (Bộ luật Dân sự 91/2015/QH13): a period in days starts
 * the day after the event (Art. 147(1)), and a period whose last day is a day off ends at the
 * end of the next working day (Art. 148(5)). Working-day periods count only working days of
 * the unit's calendar, so Tết and nghỉ bù are skipped. The deadline instant is the unit's
 * closing time on the last day. */
#include <string.h>

#include "feedback.h"

const feedback_rule *feedback_rule_for(const feedback_rule *rules, int n, const char *kind, const char *step,
                                       cal_day day)
{
    const feedback_rule *best = NULL;
    for (int i = 0; i < n; i++) {
        const feedback_rule *r = &rules[i];
        if (strcmp(r->kind, kind) || strcmp(r->step, step)) continue;
        if (day < r->from || day > r->to) continue;
        if (!best || r->from > best->from) best = r;   /* the latest version that holds */
    }
    return best;
}

static int close_minutes(const cal_unit *u)
{
    return u ? u->close_minutes : CAL_UNIT_DEFAULT.close_minutes;
}

int64_t feedback_deadline(const calendar *c, const cal_unit *u, int64_t start, int days, bool working)
{
    if (days < 0) days = 0;
    if (days > CAL_MAX_DAYS) days = CAL_MAX_DAYS;
    cal_day d = cal_local_day(start);
    if (working) {
        if (days == 0 && !calendar_is_working(c, u, d)) d = calendar_next_working(c, u, d);
        for (int i = 0; i < days; i++) d = calendar_next_working(c, u, d);
    } else {
        d += days;
        if (!calendar_is_working(c, u, d)) d = calendar_next_working(c, u, d);
    }
    return cal_instant(d, close_minutes(u));
}

int feedback_paused_days(const calendar *c, const cal_unit *u, int64_t paused_at, int64_t resumed_at, bool working)
{
    cal_day from = cal_local_day(paused_at), to = cal_local_day(resumed_at);
    if (to <= from) return 0;
    if (!working) return (int)(to - from);
    int n = calendar_working_between(c, u, from, to);
    return n > 0 ? n : 0;
}
