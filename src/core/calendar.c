/* calendar.c -- see calendar.h.
 *
 * Three layers answer "is this day off?", the first that knows wins:
 *   1. an entry (a published schedule's day, or an administrator's single day);
 *   2. a published year: only weekends, besides its entries;
 *   3. the rules, computed per year (holidays, then nghỉ bù in date order) and cached in
 *      one atomic slot per year, so readers on many threads never lock.
 * Reasons are stored once, in the rules and entries; the computed years hold indexes. */
#include "calendar.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "lunar.h"
#include "text.h"

const cal_unit CAL_UNIT_DEFAULT = {.cutoff_minutes = 900, .close_minutes = 1020};

/* ---- dates ----------------------------------------------------------------------------- */

/* Howard Hinnant's days_from_civil / civil_from_days. */
cal_day cal_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (cal_day)(era * 146097 + (int)doe - 719468);
}

void cal_to_ymd(cal_day day, int *y, int *m, int *d)
{
    int z = day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)yoe + era * 400 + (*m <= 2);
}

int cal_weekday(cal_day day)
{
    int w = (day + 4) % 7;   /* 1970-01-01 was a Thursday */
    return w < 0 ? w + 7 : w;
}

static int month_days(int y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return 29;
    return n[m - 1];
}

bool cal_valid_ymd(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

/* n (at most 9) decimal digits, or -1 */
static int digits(const char *s, int n)
{
    int v = 0;
    if (n < 1 || n > 9) return -1;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "YYYY-MM-DD" in exactly n bytes */
static bool parse_date_n(const char *s, size_t n, cal_day *out)
{
    if (n != 10 || s[4] != '-' || s[7] != '-') return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 0 || d < 0 || !cal_valid_ymd(y, m, d)) return false;
    *out = cal_from_ymd(y, m, d);
    return true;
}

bool cal_parse_date(const char *s, cal_day *out)
{
    return s && parse_date_n(s, strnlen(s, 11), out);
}

bool cal_parse_typed_date(const char *s, cal_day *out)
{
    if (!s) return false;
    if (cal_parse_date(s, out)) return true;
    int d, m, y, n = 0;
    if (sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &n) == 3 && s[n] == '\0' && y >= 1900 && cal_valid_ymd(y, m, d)) {
        *out = cal_from_ymd(y, m, d);
        return true;
    }
    return false;
}

bool cal_parse_local_time(const char *s, int64_t *out)
{
    char day[11];
    int minutes;
    cal_day cd;
    if (!s || strlen(s) != 16 || s[10] != 'T') return false;
    memcpy(day, s, 10);
    day[10] = '\0';
    if (!cal_parse_date(day, &cd) || !vn_parse_hhmm(s + 11, &minutes)) return false;
    *out = cal_instant(cd, minutes);
    return true;
}

bool cal_parse_typed_time(const char *s, int64_t *out)
{
    if (!s) return false;
    if (cal_parse_local_time(s, out)) return true;
    const char *sp = strchr(s, ' ');
    char day[16];
    int h, mi, n = 0;
    cal_day cd;
    if (!sp || sp - s >= (ptrdiff_t)sizeof day) return false;
    memcpy(day, s, (size_t)(sp - s));
    day[sp - s] = '\0';
    while (*sp == ' ') sp++;
    if (!cal_parse_typed_date(day, &cd) || *sp < '0' || *sp > '9' || sscanf(sp, "%2d:%2d%n", &h, &mi, &n) != 2 ||
        sp[n] != '\0' || h < 0 || h > 23 || mi < 0 || mi > 59 || sp[n - 3] != ':')
        return false;
    *out = cal_instant(cd, h * 60 + mi);
    return true;
}

void cal_format_dmy(cal_day day, char out[11])
{
    int y, m, d;
    cal_to_ymd(day, &y, &m, &d);
    snprintf(out, 11, "%02d/%02d/%04d", d, m, y);
}

void cal_format_words(cal_day day, char out[CAL_WORDS_MAX])
{
    static const char *const weekday[] = {"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"};
    int y, m, d;
    cal_to_ymd(day, &y, &m, &d);
    snprintf(out, CAL_WORDS_MAX, "%s, ngày %02d tháng %02d năm %04d", weekday[cal_weekday(day)], d, m, y);
}

void cal_format(cal_day day, char out[11])
{
    int y, m, d;
    cal_to_ymd(day, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static cal_day clamp_day(int64_t d)
{
    return d < CAL_DAY_MIN ? CAL_DAY_MIN : d > CAL_DAY_MAX ? CAL_DAY_MAX : (cal_day)d;
}

/* The local day and the seconds into it (vntime.h). */
static cal_day local_split(int64_t t, int *seconds)
{
    *seconds = vn_second_of_day(t);
    return clamp_day(vn_day(t));
}

cal_day cal_local_day(int64_t t)
{
    int s;
    return local_split(t, &s);
}

static int local_seconds(int64_t t)
{
    int s;
    local_split(t, &s);
    return s;
}

int cal_local_minutes(int64_t t) { return local_seconds(t) / 60; }

int64_t cal_instant(cal_day day, int minutes) { return (int64_t)day * 86400 + (int64_t)minutes * 60 - CAL_TZ_SECONDS; }

static bool is_weekend(cal_day d)
{
    int w = cal_weekday(d);
    return w == 0 || w == 6;
}

/* ---- the calendar ---------------------------------------------------------------------- */

enum { RULE_SOLAR, RULE_LUNAR, RULE_ADJACENT };

typedef struct {
    cal_day from, to;
    int kind, month, day, days;
    bool bu;
    char reason[160];
    char bu_reason[160];   /* "Nghỉ bù " + reason */
} rule;

typedef struct {
    cal_day day;
    int rule;        /* index into rules */
    bool bu;         /* a compensatory day for that rule's holiday */
} hday;

typedef struct {
    int n;
    hday *v;
} yearset;

#define CACHE_FIRST LUNAR_FIRST_YEAR
#define CACHE_YEARS (LUNAR_LAST_YEAR - LUNAR_FIRST_YEAR + 1)

struct calendar {
    rule *rules;
    int nrules, caprules;
    cal_entry *entries;   /* sorted by day, one per day */
    int nentries, capentries;
    int *published;       /* sorted years */
    int npublished, cappublished;
    _Atomic(yearset *) cache[CACHE_YEARS];
};

calendar *calendar_new(void) { return calloc(1, sizeof(calendar)); }

static void drop_cache(calendar *c)
{
    for (int i = 0; i < CACHE_YEARS; i++) {
        yearset *s = atomic_exchange(&c->cache[i], NULL);
        if (s) {
            free(s->v);
            free(s);
        }
    }
}

void calendar_free(calendar *c)
{
    if (!c) return;
    drop_cache(c);
    free(c->rules);
    free(c->entries);
    free(c->published);
    free(c);
}

static bool grow(void **p, int *cap, int need, size_t size)
{
    if (need <= *cap) return true;
    int n = *cap ? *cap * 2 : 16;
    while (n < need) n *= 2;
    void *q = realloc(*p, (size_t)n * size);
    if (!q) return false;
    *p = q;
    *cap = n;
    return true;
}

/* Copies a UTF-8 string into out[n], cutting at a character boundary. */
static void copy_utf8(char *out, size_t n, const char *s)
{
    size_t len = strlen(s);
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80) len--;
    }
    memcpy(out, s, len);
    out[len] = '\0';
}

/* ---- parsing --------------------------------------------------------------------------- */

typedef struct {
    const char *p;
    size_t n;
} span;

/* The next line of text (without \n, \r and the '#' comment), and its number. */
static bool next_line(const char **text, const char *end, span *line)
{
    if (*text >= end) return false;
    const char *s = *text, *nl = memchr(s, '\n', (size_t)(end - s));
    const char *e = nl ? nl : end;
    *text = nl ? nl + 1 : end;
    const char *hash = memchr(s, '#', (size_t)(e - s));
    if (hash) e = hash;
    while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) e--;
    line->p = s;
    line->n = (size_t)(e - s);
    return true;
}

static bool blank(span l)
{
    for (size_t i = 0; i < l.n; i++)
        if (l.p[i] != ' ' && l.p[i] != '\t' && l.p[i] != '\r') return false;
    return true;
}

/* Splits a line at tabs into at most max fields; returns the count (max + 1 if more). */
static int split_tabs(span l, span *f, int max)
{
    int n = 0;
    const char *s = l.p, *end = l.p + l.n;
    for (;;) {
        const char *t = memchr(s, '\t', (size_t)(end - s));
        const char *e = t ? t : end;
        if (n == max) return max + 1;
        f[n].p = s;
        f[n].n = (size_t)(e - s);
        n++;
        if (!t) return n;
        s = t + 1;
    }
}

static bool field_is(span f, const char *s) { return f.n == strlen(s) && !memcmp(f.p, s, f.n); }

/* A reason: valid UTF-8 without control characters, not blank, NFC, under 160 bytes. */
static const char *parse_reason(span f, char out[160])
{
    arena *a = arena_new();
    if (!a) return "hết bộ nhớ";
    char *clean = NULL;
    const char *why = NULL;
    if (text_clean(a, f.p, f.n, false, 0, &clean) != TEXT_OK) why = "lý do không phải văn bản UTF-8 hợp lệ";
    else if (text_is_blank(clean)) why = "thiếu lý do";
    else if (strlen(clean) >= 160) why = "lý do dài quá 159 byte";
    else copy_utf8(out, 160, clean);
    arena_free(a);
    return why;
}

int cal_schedule_line(const char *line, size_t len, cal_entry *out, const char **why)
{
    const char *p = line;
    span l;
    if (!next_line(&p, line + len, &l) || blank(l)) return 0;
    if (p < line + len) {
        *why = "dòng có ký tự xuống dòng ở giữa";
        return -1;
    }
    span f[4];
    int n = split_tabs(l, f, 3);
    if (n != 3) {
        *why = "cần đúng 3 cột cách nhau bằng dấu tab: ngày, off|work, lý do";
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (!parse_date_n(f[0].p, f[0].n, &out->day)) {
        *why = "ngày không hợp lệ (cần YYYY-MM-DD, một ngày có thật)";
        return -1;
    }
    if (field_is(f[1], "off")) out->kind = CAL_OFF;
    else if (field_is(f[1], "work")) out->kind = CAL_WORK;
    else {
        *why = "cột thứ hai phải là off (nghỉ) hoặc work (làm việc)";
        return -1;
    }
    if ((*why = parse_reason(f[2], out->reason))) return -1;
    return 1;
}

static void line_error(err *e, int line, const char *why)
{
    char msg[300];
    snprintf(msg, sizeof msg, "dòng %d: %s", line, why);
    err_set(e, 400, msg, "calendar data, line %d: %s", line, why);
}

/* MM-DD, with a day up to max_day(month) */
static bool parse_md(span f, int kind, int *m, int *d)
{
    if (f.n != 5 || f.p[2] != '-') return false;
    *m = digits(f.p, 2);
    *d = digits(f.p + 3, 2);
    if (*m < 1 || *m > 12 || *d < 1) return false;
    if (kind == RULE_LUNAR) return *d <= 30;
    return *d <= month_days(2000, *m);   /* a leap year: 02-29 is a date some years have */
}

static bool parse_bound(span f, cal_day *out, cal_day open)
{
    if (field_is(f, "-")) {
        *out = open;
        return true;
    }
    return parse_date_n(f.p, f.n, out);
}

static const char *parse_rule(span l, rule *r)
{
    span f[8];
    int n = split_tabs(l, f, 7);
    if (n < 6 || n > 7) return "cần 6 hoặc 7 cột cách nhau bằng dấu tab: từ, đến, loại, MM-DD, số ngày, lý do[, bù]";
    memset(r, 0, sizeof *r);
    if (!parse_bound(f[0], &r->from, CAL_DAY_MIN) || !parse_bound(f[1], &r->to, CAL_DAY_MAX))
        return "ngày bắt đầu và kết thúc hiệu lực phải là YYYY-MM-DD hoặc -";
    if (r->from > r->to) return "ngày bắt đầu hiệu lực sau ngày kết thúc";
    if (field_is(f[2], "solar")) r->kind = RULE_SOLAR;
    else if (field_is(f[2], "lunar")) r->kind = RULE_LUNAR;
    else if (field_is(f[2], "adjacent")) r->kind = RULE_ADJACENT;
    else return "loại phải là solar (dương lịch), lunar (âm lịch) hoặc adjacent (ngày liền kề)";
    if (!parse_md(f[3], r->kind, &r->month, &r->day)) return "ngày trong năm phải là MM-DD có thật";
    r->days = f[4].n <= 2 ? digits(f[4].p, (int)f[4].n) : -1;   /* Regression (fixed): fuzz found an overflow */
    if (r->days < 1 || r->days > 15) return "số ngày phải từ 1 đến 15";
    if (r->kind == RULE_ADJACENT && r->days != 1) return "ngày liền kề chỉ có 1 ngày";
    const char *why = parse_reason(f[5], r->reason);
    if (why) return why;
    r->bu = true;
    if (n == 7) {
        if (field_is(f[6], "bù")) r->bu = true;
        else if (field_is(f[6], "không bù")) r->bu = false;
        else return "cột thứ bảy phải là \"bù\" hoặc \"không bù\"";
    }
    char bu[400];
    snprintf(bu, sizeof bu, "Nghỉ bù %s", r->reason);
    copy_utf8(r->bu_reason, sizeof r->bu_reason, bu);
    return NULL;
}

int calendar_add_rules_tsv(calendar *c, const char *text, size_t len, err *e)
{
    const char *p = text, *end = text + len;
    int lineno = 0, start = c->nrules;
    span l;
    while (next_line(&p, end, &l)) {
        lineno++;
        if (blank(l)) continue;
        rule r;
        const char *why = parse_rule(l, &r);
        if (!why && !grow((void **)&c->rules, &c->caprules, c->nrules + 1, sizeof(rule))) why = "hết bộ nhớ";
        if (why) {
            c->nrules = start;   /* nothing of this text stays */
            line_error(e, lineno, why);
            return -1;
        }
        c->rules[c->nrules++] = r;
    }
    drop_cache(c);
    return 0;
}

/* ---- entries and published years --------------------------------------------------------- */

static int entry_index(const calendar *c, cal_day day, bool *found)
{
    int lo = 0, hi = c->nentries;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (c->entries[mid].day < day) lo = mid + 1;
        else hi = mid;
    }
    *found = lo < c->nentries && c->entries[lo].day == day;
    return lo;
}

static const cal_entry *find_entry(const calendar *c, cal_day day)
{
    bool found;
    int i = entry_index(c, day, &found);
    return found ? &c->entries[i] : NULL;
}

static int put_entry(calendar *c, const cal_entry *en)
{
    bool found;
    int i = entry_index(c, en->day, &found);
    if (found) {
        c->entries[i] = *en;
        return 0;
    }
    if (!grow((void **)&c->entries, &c->capentries, c->nentries + 1, sizeof(cal_entry))) return -1;
    memmove(&c->entries[i + 1], &c->entries[i], (size_t)(c->nentries - i) * sizeof(cal_entry));
    c->entries[i] = *en;
    c->nentries++;
    return 0;
}

static int year_index(const calendar *c, int year, bool *found)
{
    int i = 0;
    while (i < c->npublished && c->published[i] < year) i++;
    *found = i < c->npublished && c->published[i] == year;
    return i;
}

bool calendar_year_published(const calendar *c, int year)
{
    bool found;
    year_index(c, year, &found);
    return found;
}

void calendar_publish_year(calendar *c, int year)
{
    bool found;
    int i = year_index(c, year, &found);
    if (found || !grow((void **)&c->published, &c->cappublished, c->npublished + 1, sizeof(int))) return;
    memmove(&c->published[i + 1], &c->published[i], (size_t)(c->npublished - i) * sizeof(int));
    c->published[i] = year;
    c->npublished++;
}

void calendar_clear_year(calendar *c, int year)
{
    bool found;
    int i = year_index(c, year, &found);
    if (found) {
        memmove(&c->published[i], &c->published[i + 1], (size_t)(c->npublished - i - 1) * sizeof(int));
        c->npublished--;
    }
    int k = 0;
    for (int j = 0; j < c->nentries; j++) {
        int y, m, d;
        cal_to_ymd(c->entries[j].day, &y, &m, &d);
        if (y != year) c->entries[k++] = c->entries[j];
    }
    c->nentries = k;
}

static bool entry_ok(const cal_entry *en, err *e)
{
    if (en->day < CAL_DAY_MIN || en->day > CAL_DAY_MAX || (en->kind != CAL_OFF && en->kind != CAL_WORK) ||
        !memchr(en->reason, '\0', sizeof en->reason) || text_is_blank(en->reason)) {
        err_set(e, 400, "Ngày, loại (nghỉ hoặc làm việc) và lý do đều phải có và hợp lệ.", "bad calendar entry");
        return false;
    }
    return true;
}

int calendar_add_entry(calendar *c, const cal_entry *en, err *e)
{
    if (!entry_ok(en, e)) return -1;
    if (put_entry(c, en) != 0) {
        err_set(e, 500, "Hết bộ nhớ.", "calendar entry: out of memory");
        return -1;
    }
    return 0;
}

int calendar_add_schedule_tsv(calendar *c, const char *text, size_t len, err *e)
{
    /* check every line before adding any */
    const char *p = text, *end = text + len;
    int lineno = 0;
    span l;
    while (next_line(&p, end, &l)) {
        lineno++;
        cal_entry en;
        const char *why = NULL;
        if (cal_schedule_line(l.p, l.n, &en, &why) < 0) {
            line_error(e, lineno, why);
            return -1;
        }
    }
    p = text;
    while (next_line(&p, end, &l)) {
        cal_entry en;
        const char *why = NULL;
        if (cal_schedule_line(l.p, l.n, &en, &why) != 1) continue;
        int y, m, d;
        cal_to_ymd(en.day, &y, &m, &d);
        if (put_entry(c, &en) != 0) {
            err_set(e, 500, "Hết bộ nhớ.", "calendar schedule: out of memory");
            return -1;
        }
        calendar_publish_year(c, y);
    }
    return 0;
}

/* ---- the computed years ------------------------------------------------------------------ */

typedef struct {
    hday *v;
    int n, cap;
    bool failed;
} hlist;

static void hl_add(hlist *h, cal_day day, int rule_index, bool bu)
{
    if (!grow((void **)&h->v, &h->cap, h->n + 1, sizeof(hday))) {
        h->failed = true;
        return;
    }
    h->v[h->n++] = (hday){day, rule_index, bu};
}

static int by_day(const void *a, const void *b)
{
    const hday *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->rule - y->rule;
}

/* The first day of the occurrence of rule r in solar (or, for lunar rules, lunar) year y. */
static bool occurrence(const rule *r, int y, cal_day *out)
{
    if (r->kind == RULE_LUNAR) {
        int len = lunar_month_days(y, r->month, false);
        if (!len) return false;
        lunar_date l = {r->day > len ? len : r->day, r->month, y, false};
        return lunar_to_day(&l, out);
    }
    if (!cal_valid_ymd(y, r->month, r->day)) return false;
    cal_day d = cal_from_ymd(y, r->month, r->day);
    if (r->kind == RULE_ADJACENT) {
        int w = cal_weekday(d);
        d += (w == 1 || w == 4 || w == 0) ? 1 : -1;
    }
    *out = d;
    return true;
}

static bool in_list(const hlist *h, cal_day day)
{
    for (int i = 0; i < h->n; i++)
        if (h->v[i].day == day) return true;
    return false;
}

/* The holidays and nghỉ bù of year y by the rules, sorted by day. NULL when out of memory. */
static yearset *compute_year(const calendar *c, int y)
{
    cal_day first = cal_from_ymd(y, 1, 1), last = cal_from_ymd(y, 12, 31);
    hlist h = {0};
    /* holidays that start a year either side, for spans and nghỉ bù across New Year */
    for (int i = 0; i < c->nrules; i++) {
        const rule *r = &c->rules[i];
        for (int oy = y - 1; oy <= y + 1; oy++) {
            cal_day start;
            if (oy < 1 || oy > 9999 || !occurrence(r, oy, &start)) continue;
            if (start < r->from || start > r->to) continue;
            for (int k = 0; k < r->days; k++) hl_add(&h, start + k, i, false);
        }
    }
    if (h.n) qsort(h.v, (size_t)h.n, sizeof(hday), by_day);
    int k = 0;   /* one holiday per day: the first rule's */
    for (int i = 0; i < h.n; i++)
        if (k == 0 || h.v[k - 1].day != h.v[i].day) h.v[k++] = h.v[i];
    h.n = k;
    /* Art. 111(3): a holiday on a weekend gives the next day that is neither */
    hlist bu = {0};
    for (int i = 0; i < h.n; i++) {
        if (!c->rules[h.v[i].rule].bu || !is_weekend(h.v[i].day)) continue;
        cal_day d = h.v[i].day + 1;
        while (is_weekend(d) || in_list(&h, d) || in_list(&bu, d)) d++;
        hl_add(&bu, d, h.v[i].rule, true);
    }
    yearset *s = calloc(1, sizeof *s);
    if (s && !h.failed && !bu.failed) s->v = malloc(((size_t)(h.n + bu.n) + 1) * sizeof(hday));
    if (!s || !s->v) {
        free(h.v);
        free(bu.v);
        free(s);
        return NULL;
    }
    for (int i = 0; i < h.n; i++)
        if (h.v[i].day >= first && h.v[i].day <= last) s->v[s->n++] = h.v[i];
    for (int i = 0; i < bu.n; i++)
        if (bu.v[i].day >= first && bu.v[i].day <= last) s->v[s->n++] = bu.v[i];
    qsort(s->v, (size_t)s->n, sizeof(hday), by_day);
    free(h.v);
    free(bu.v);
    return s;
}

/* The computed set of year y: cached inside the lunar calendar's years, else made for the
 * caller (*owned set: free it). */
static const yearset *year_set(const calendar *c, int y, yearset **owned)
{
    *owned = NULL;
    if (y >= CACHE_FIRST && y < CACHE_FIRST + CACHE_YEARS) {
        calendar *mc = (calendar *)c;   /* the cache is the one mutable part, and it is atomic */
        _Atomic(yearset *) *slot = &mc->cache[y - CACHE_FIRST];
        yearset *s = atomic_load(slot);
        if (s) return s;
        s = compute_year(c, y);
        if (!s) return NULL;
        yearset *expected = NULL;
        if (atomic_compare_exchange_strong(slot, &expected, s)) return s;
        free(s->v);   /* another thread was first */
        free(s);
        return expected;
    }
    return *owned = compute_year(c, y);
}

static void free_set(yearset *s)
{
    if (s) free(s->v);
    free(s);
}

/* The rules' reason for day d being off, or NULL. */
static const char *computed_reason(const calendar *c, cal_day d)
{
    int y, m, dd;
    cal_to_ymd(d, &y, &m, &dd);
    yearset *owned;
    const yearset *s = year_set(c, y, &owned);
    const char *why = NULL;
    if (s) {
        int lo = 0, hi = s->n;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (s->v[mid].day < d) lo = mid + 1;
            else hi = mid;
        }
        if (lo < s->n && s->v[lo].day == d) {
            const rule *r = &c->rules[s->v[lo].rule];
            why = s->v[lo].bu ? r->bu_reason : r->reason;
        }
    }
    free_set(owned);
    return why;
}

/* ---- the questions ------------------------------------------------------------------------- */

static const cal_unit *unit_or_default(const cal_unit *u) { return u ? u : &CAL_UNIT_DEFAULT; }

/* Why day is off and whether it is a plain weekend; NULL when it is a working day. */
static const char *off_reason(const calendar *c, const cal_unit *u, cal_day day, bool *plain_weekend)
{
    *plain_weekend = false;
    const cal_entry *en = find_entry(c, day);
    if (en) return en->kind == CAL_OFF ? en->reason : NULL;
    int y, m, d;
    cal_to_ymd(day, &y, &m, &d);
    if (!calendar_year_published(c, y)) {
        const char *why = computed_reason(c, day);
        if (why) return why;
    }
    int w = cal_weekday(day);
    *plain_weekend = w == 0 || (w == 6 && !(u->saturday_service && u->saturday_counts));
    return w == 0 ? "Chủ nhật" : *plain_weekend ? "Thứ Bảy" : NULL;
}

const char *calendar_reason(const calendar *c, const cal_unit *u, cal_day day)
{
    bool plain;
    return off_reason(c, unit_or_default(u), day, &plain);
}

bool calendar_is_working(const calendar *c, const cal_unit *u, cal_day day) { return !calendar_reason(c, u, day); }

cal_day calendar_next_working(const calendar *c, const cal_unit *u, cal_day day)
{
    cal_day d = day;
    for (int i = 0; i < CAL_SEARCH_DAYS && d < CAL_DAY_MAX; i++)
        if (calendar_is_working(c, u, ++d)) return d;
    return d;
}

cal_day calendar_start_day(const calendar *c, const cal_unit *u, int64_t received_at)
{
    u = unit_or_default(u);
    cal_day d = cal_local_day(received_at);
    if (calendar_is_working(c, u, d) && local_seconds(received_at) <= u->cutoff_minutes * 60) return d;
    return calendar_next_working(c, u, d);
}

cal_day calendar_due_day(const calendar *c, const cal_unit *u, int64_t received_at, int days)
{
    if (days < 0) days = 0;
    if (days > CAL_MAX_DAYS) days = CAL_MAX_DAYS;
    cal_day d = calendar_start_day(c, u, received_at);
    for (int i = 0; i < days; i++) d = calendar_next_working(c, u, d);
    return d;
}

int64_t calendar_due_at(const calendar *c, const cal_unit *u, int64_t received_at, int days)
{
    return cal_instant(calendar_due_day(c, u, received_at, days), unit_or_default(u)->close_minutes);
}

int calendar_working_between(const calendar *c, const cal_unit *u, cal_day from, cal_day to)
{
    int sign = 1;
    if (to < from) {
        cal_day t = from;
        from = to;
        to = t;
        sign = -1;
    }
    if ((int64_t)to - from > 36525) to = from + 36525;
    int n = 0;
    for (cal_day d = from + 1; d <= to; d++) n += calendar_is_working(c, u, d);
    return sign * n;
}

int calendar_year(const calendar *c, const cal_unit *u, int year, cal_entry **out)
{
    *out = NULL;
    if (year < 1 || year > 9999) return 0;
    u = unit_or_default(u);
    cal_entry *v = malloc(367 * sizeof *v);
    if (!v) return -1;
    int n = 0;
    for (cal_day d = cal_from_ymd(year, 1, 1), last = cal_from_ymd(year, 12, 31); d <= last; d++) {
        bool plain;
        const char *why = off_reason(c, u, d, &plain);
        const cal_entry *en = find_entry(c, d);
        if (why && !plain) {   /* a holiday, a nghỉ bù or a listed day, weekend or not */
            v[n] = (cal_entry){.day = d, .kind = CAL_OFF};
            copy_utf8(v[n++].reason, sizeof v->reason, why);
        } else if (!why && en && en->kind == CAL_WORK) {
            v[n++] = *en;
        }
    }
    *out = v;
    return n;
}
