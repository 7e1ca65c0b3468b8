/* fuzz_calendar.c -- libFuzzer target for the working-day calendar (src/core/calendar.c,
 * src/core/lunar.c).
 *
 * The input is split at its first two NUL bytes: rules text, schedule text, and the rest,
 * whose bytes choose instants, day counts, a year and a unit. Also cal_parse_date,
 * cal_parse_typed_date, cal_parse_local_time, cal_parse_typed_time and cal_schedule_line on the raw bytes. Properties (abort() when violated): a text that is
 * refused adds nothing (the answers do not change) and its message names a line; the start
 * day is never before the day of receipt; the due day is never before the start day and is
 * a working day whenever it is after it; calendar_year lists days of that year in order;
 * working_between is antisymmetric; lunar dates round-trip. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/calendar.h"
#include "../../src/core/lunar.h"

#define CHECK(cond)                                                                             \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "fuzz_calendar: property violated: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                                  \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

static uint32_t take(const uint8_t **p, const uint8_t *end, int bytes)
{
    uint32_t v = 0;
    for (int i = 0; i < bytes; i++) v = v << 8 | (*p < end ? *(*p)++ : 0x5a);
    return v;
}

/* A fingerprint of what the calendar answers around a few days, to see that a refused
 * text changed nothing. */
static uint64_t answers(const calendar *c, cal_day around)
{
    uint64_t h = 1469598103934665603ull;
    for (cal_day d = around - 40; d <= around + 40; d++) {
        const char *why = calendar_reason(c, NULL, d);
        h = (h ^ (uint64_t)(why ? strlen(why) + 1 : 0)) * 1099511628211ull;
    }
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const uint8_t *nul1 = memchr(data, 0, size);
    size_t rules_len = nul1 ? (size_t)(nul1 - data) : size;
    const uint8_t *rest = nul1 ? nul1 + 1 : data + size, *end = data + size;
    const uint8_t *nul2 = memchr(rest, 0, (size_t)(end - rest));
    const char *sched = (const char *)rest;
    size_t sched_len = nul2 ? (size_t)(nul2 - rest) : (size_t)(end - rest);
    const uint8_t *p = nul2 ? nul2 + 1 : end;

    /* the raw bytes as a date and as one schedule line */
    char buf[16] = {0};
    memcpy(buf, data, size < 15 ? size : 15);
    cal_day parsed;
    if (cal_parse_date(buf, &parsed)) {
        char back[11];
        cal_format(parsed, back);
        CHECK(!memcmp(back, buf, 10) && buf[10] == '\0');
    }
    /* the forms' typed dates and datetime-local values: what parses formats back to the same day */
    char typed[24] = {0};
    memcpy(typed, data, size < 23 ? size : 23);
    if (cal_parse_typed_date(typed, &parsed)) {
        char back[11];
        cal_format(parsed, back);
        cal_day again;
        CHECK(cal_parse_date(back, &again) && again == parsed);
    }
    int64_t instant;
    if (cal_parse_local_time(typed, &instant)) {
        CHECK(cal_parse_date((char[11]){typed[0], typed[1], typed[2], typed[3], typed[4], typed[5], typed[6], typed[7],
                                        typed[8], typed[9], 0}, &parsed));
        CHECK(cal_local_day(instant) == parsed && cal_local_minutes(instant) < 24 * 60);
    }
    /* a typed date and time (dd/mm/yyyy HH:MM): the day in dd/mm/yyyy and in words reads back */
    if (cal_parse_typed_time(typed, &instant)) {
        char dmy[11], words[CAL_WORDS_MAX];
        cal_day day = cal_local_day(instant), again;
        cal_format_dmy(day, dmy);
        cal_format_words(day, words);
        CHECK(cal_parse_typed_date(dmy, &again) && again == day && cal_local_minutes(instant) < 24 * 60);
        CHECK(strstr(words, dmy + 6) != NULL);   /* the year */
    }
    cal_entry en;
    const char *why = NULL;
    int rc = cal_schedule_line(text, rules_len, &en, &why);
    CHECK(rc >= -1 && rc <= 1);
    if (rc < 0) CHECK(why && *why);
    if (rc == 1) CHECK(en.reason[0] && memchr(en.reason, '\0', sizeof en.reason));

    calendar *c = calendar_new();
    if (!c) return 0;
    err e = {0};
    cal_day probe = cal_from_ymd(2025 + (int)(take(&p, end, 1) % 8), 1 + (int)(take(&p, end, 1) % 12), 15);
    uint64_t before = answers(c, probe);
    if (calendar_add_rules_tsv(c, text, rules_len, &e) != 0) {
        CHECK(!strncmp(e.user, "dòng ", strlen("dòng ")));
        CHECK(answers(c, probe) == before);
    }
    before = answers(c, probe);
    err e2 = {0};
    if (calendar_add_schedule_tsv(c, sched, sched_len, &e2) != 0) {
        CHECK(e2.status == 400 || e2.status == 500);
        if (e2.status == 400) CHECK(answers(c, probe) == before);
    }

    cal_unit u = CAL_UNIT_DEFAULT;
    uint32_t flags = take(&p, end, 1);
    u.saturday_service = flags & 1;
    u.saturday_counts = flags & 2;
    u.cutoff_minutes = (int)(take(&p, end, 2) % 1440);
    for (int k = 0; k < 3; k++) {
        /* an instant within 1990..2110 most of the time, anywhere sometimes */
        int64_t t = (int64_t)take(&p, end, 4) * (flags & 4 ? 1 : 3) + (flags & 8 ? INT64_C(-2000000000) : 0);
        if (flags & 16 && k == 2) t = (int64_t)((uint64_t)take(&p, end, 4) << 31 | take(&p, end, 4));
        int days = (int)(take(&p, end, 2) % 400) - 3;
        cal_day received = cal_local_day(t);
        cal_day start = calendar_start_day(c, &u, t);
        CHECK(start >= received);
        cal_day due = calendar_due_day(c, &u, t, days);
        CHECK(due >= start);
        /* a working day, unless the data left none and the search gave up */
        if (due > start && due < CAL_DAY_MAX) CHECK(calendar_is_working(c, &u, due) || due - start >= CAL_SEARCH_DAYS);
        int64_t at = calendar_due_at(c, &u, t, days);
        CHECK(cal_local_day(at) == due || due == CAL_DAY_MAX || due == CAL_DAY_MIN);
        int n = calendar_working_between(c, &u, received, due);
        CHECK(n == -calendar_working_between(c, &u, due, received));
        CHECK(n >= 0);
    }
    int year = 1790 + (int)(take(&p, end, 2) % 430);
    cal_entry *v = NULL;
    int n = calendar_year(c, &u, year, &v);
    CHECK(n >= -1 && n <= 366);
    for (int i = 0; i < n; i++) {
        int y, m, d;
        cal_to_ymd(v[i].day, &y, &m, &d);
        CHECK(y == year);
        CHECK(i == 0 || v[i].day > v[i - 1].day);
        CHECK(v[i].kind == CAL_OFF || v[i].kind == CAL_WORK);
        CHECK(memchr(v[i].reason, '\0', sizeof v[i].reason) != NULL);
    }
    free(v);
    calendar_free(c);

    /* lunar round trip on a day the input picks (1800..2199 and beyond) */
    cal_day day = cal_from_ymd(1790, 1, 1) + (cal_day)(take(&p, end, 3) % 150000);
    lunar_date l;
    if (lunar_from_day(day, &l)) {
        cal_day back;
        CHECK(l.day >= 1 && l.day <= 30 && l.month >= 1 && l.month <= 12);
        CHECK(lunar_to_day(&l, &back) && back == day);
    }
    lunar_date any = {(int)take(&p, end, 1) % 32, (int)take(&p, end, 1) % 14, 1790 + (int)(take(&p, end, 2) % 430),
                      take(&p, end, 1) & 1};
    cal_day out;
    if (lunar_to_day(&any, &out)) {
        CHECK(lunar_from_day(out, &l));
        CHECK(l.day == any.day && l.month == any.month && l.year == any.year && l.leap == any.leap);
    }
    return 0;
}
