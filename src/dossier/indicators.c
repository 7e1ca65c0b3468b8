/* indicators.c -- on-time indicators and the register book (see indicators.h).
 *
 * Counting is done by SQL aggregates: one GROUP BY per table over the dossiers that were open
 * at some moment of the period (received before its end, not finished before its start). The
 * one thing SQL cannot do is count working days, so a second pass reads the resolved dossiers
 * of the period (received_at, done_at and the table's key) and adds their working days with
 * the calendar. Months are the same report for each month's span, counted in C from one read
 * of the period's dossiers (fill_months).
 *
 * Every SQL text here is a string literal, never built at run time: the statement cache
 * (store/sqlite.c) keys statements by their text and remembers its address. */
#include "indicators.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "../core/text.h"
#include "../core/vntime.h"
#include "../holiday/holiday.h"
#include "../print/xlsx.h"
#include "../account/unit.h"
#include "dossier.h"

/* ---- SQL ------------------------------------------------------------------------------- */

/* The legal due time of dossier d: the due time before the first apology made since the clock
 * last (re)started. Without an apology it is due_at; with one but no supplement, the slip's
 * original_due_at; with both, the old_due_at of the first apology after the last resume. */
#define LEGAL_DUE                                                                                        \
    "CASE WHEN d.apology_count = 0 THEN d.due_at WHEN d.supplement_count = 0 THEN d.original_due_at "      \
    "ELSE COALESCE((SELECT n.old_due_at FROM dossier_notices n WHERE n.dossier_id = d.id "               \
    "AND n.kind = 'apology' AND n.at >= COALESCE((SELECT MAX(s.at) FROM dossier_steps s "                 \
    "WHERE s.dossier_id = d.id AND s.kind = 'resume'), 0) ORDER BY n.at, n.id LIMIT 1), d.due_at) END"

#define LOCAL_DAY(t) VN_LOCAL_DAY_SQL(t)

/* Parameters: ?1 unit, ?2 start of the period, ?3 its end (exclusive), ?4 when open dossiers
 * are judged (the end, or now if sooner). KEY, LABEL and JOIN make one table. */
#define COUNT_SQL(KEY, LABEL, JOIN) COUNT_SQL_K("COALESCE(" KEY ", '')", LABEL, JOIN)
/* KEXPR is the key as written: a bare indexed column (the unit) lets SQLite group in index order
 * instead of sorting every row in a temporary B-tree */
#define COUNT_SQL_K(KEXPR, LABEL, JOIN)                                                                   \
    UNIT_SUBTREE_CTE("") "SELECT k, MIN(label), "                                                                              \
    "SUM(CASE WHEN received_at < ?2 THEN 1 ELSE 0 END), "                                                 \
    "SUM(CASE WHEN received_at >= ?2 THEN 1 ELSE 0 END), "                                                \
    "SUM(CASE WHEN res = 1 AND " LOCAL_DAY("done_at") " < " LOCAL_DAY("g") " THEN 1 ELSE 0 END), "        \
    "SUM(CASE WHEN res = 1 AND " LOCAL_DAY("done_at") " >= " LOCAL_DAY("g") " AND done_at <= g "           \
    "THEN 1 ELSE 0 END), "                                                                                \
    "SUM(CASE WHEN res = 1 AND done_at > g THEN 1 ELSE 0 END), "                                          \
    "SUM(CASE WHEN pending = 1 AND g < ?4 AND (paused_at IS NULL OR paused_at > ?4) THEN 1 ELSE 0 END), " \
    "SUM(CASE WHEN pending = 1 AND NOT (g < ?4 AND (paused_at IS NULL OR paused_at > ?4)) "               \
    "THEN 1 ELSE 0 END), "                                                                                \
    "SUM(CASE WHEN pending = 0 AND status = 'refused' THEN 1 ELSE 0 END), "                               \
    "SUM(CASE WHEN pending = 0 AND status = 'withdrawn' THEN 1 ELSE 0 END), "                             \
    "SUM(apologies), SUM(apologies_late), "                                                               \
    "SUM(CASE WHEN res = 1 THEN done_at - received_at ELSE 0 END) "                                       \
    "FROM (SELECT d.received_at, d.done_at, d.status, d.paused_at, "                                      \
    KEXPR " AS k, COALESCE(" LABEL ", '') AS label, "                                                     \
    "CASE WHEN d.done_at IS NULL OR d.done_at >= ?3 THEN 1 ELSE 0 END AS pending, "                       \
    "CASE WHEN d.done_at < ?3 AND d.status IN ('done', 'returned') THEN 1 ELSE 0 END AS res, "            \
    LEGAL_DUE " AS g, "                                                                                   \
    "CASE WHEN d.apology_count = 0 THEN 0 ELSE (SELECT COUNT(*) FROM dossier_notices n "                  \
    "WHERE n.dossier_id = d.id AND n.kind = 'apology' AND n.at >= ?2 AND n.at < ?3) END AS apologies, "   \
    /* made after the due time it broke: the law wants it at least a day before (legal.md §1.3) */     \
    "CASE WHEN d.apology_count = 0 THEN 0 ELSE (SELECT COUNT(*) FROM dossier_notices n "                  \
    "WHERE n.dossier_id = d.id AND n.kind = 'apology' AND n.at >= ?2 AND n.at < ?3 "                      \
    "AND n.at > n.old_due_at) END AS apologies_late "                                                     \
    "FROM dossiers d " JOIN " WHERE d.unit_id IN (SELECT id FROM sub) AND d.received_at < ?3 "                               \
    "AND (d.done_at IS NULL OR d.done_at >= ?2)) x GROUP BY k"

/* The resolved dossiers of the period with the table's key, for their working days. */
#define WDAYS_SQL(KEY, JOIN)                                                                              \
    UNIT_SUBTREE_CTE("") "SELECT COALESCE(" KEY ", ''), d.received_at, d.done_at, d.unit_id FROM dossiers d " JOIN \
    " WHERE d.unit_id IN (SELECT id FROM sub) AND d.status IN ('done', 'returned') AND d.done_at >= ?2 AND d.done_at < ?3"

/* The official: whoever recorded the result (the 'done' step), by account or, for rows
 * without one, by name. Only for dossiers finished before the end of the period. */
#define OFFICIAL_KEY                                                                                      \
    "CASE WHEN d.done_at < ?3 THEN COALESCE(CAST(o.from_user_id AS TEXT), 'n:' || o.from_name) END"
#define OFFICIAL_JOIN "LEFT JOIN dossier_steps o ON o.dossier_id = d.id AND o.kind = 'done'"

enum { DIM_TOTAL, DIM_PROCEDURE, DIM_OFFICIAL, DIM_CHANNEL, DIM_UNIT };

static const struct {
    const char *count, *wdays;
} DIM_SQL[] = {
    [DIM_TOTAL] = {COUNT_SQL("''", "''", ""), WDAYS_SQL("''", "")},
    [DIM_PROCEDURE] = {COUNT_SQL("CAST(d.procedure_id AS TEXT)", "d.procedure_name", ""),
                       WDAYS_SQL("CAST(d.procedure_id AS TEXT)", "")},
    [DIM_OFFICIAL] = {COUNT_SQL(OFFICIAL_KEY, "CASE WHEN d.done_at < ?3 THEN o.from_name END", OFFICIAL_JOIN),
                      WDAYS_SQL(OFFICIAL_KEY, OFFICIAL_JOIN)},
    [DIM_CHANNEL] = {COUNT_SQL("d.channel", "d.channel", ""), WDAYS_SQL("d.channel", "")},
    /* by unit the key is the id as a number (no text made per row); the working days find their
       row by the unit_id column */
    [DIM_UNIT] = {COUNT_SQL_K("d.unit_id", "''", ""), WDAYS_SQL("''", "")},
};

/* ---- the period ------------------------------------------------------------------------ */

#define MAX_PERIOD_DAYS 3660

int indicators_period(const char *tu, const char *den, int64_t now, cal_day *from, cal_day *to, err *e)
{
    cal_day today = cal_local_day(now);
    int y, m, dd;
    cal_to_ymd(today, &y, &m, &dd);
    *from = cal_from_ymd(y, 1, 1);
    *to = today;
    if (!text_is_blank(tu) && !cal_parse_typed_date(tu, from)) {
        err_set(e, 400, N_("Ngày bắt đầu kỳ báo cáo không hợp lệ (ngày/tháng/năm, ví dụ 01/01/2026)."), "tu");
        err_field(e, "tu");
        return -1;
    }
    if (!text_is_blank(den) && !cal_parse_typed_date(den, to)) {
        err_set(e, 400, N_("Ngày kết thúc kỳ báo cáo không hợp lệ (ngày/tháng/năm, ví dụ 31/12/2026)."), "den");
        err_field(e, "den");
        return -1;
    }
    if (*from > *to) {
        err_set(e, 400, N_("Ngày bắt đầu phải trước hoặc trùng ngày kết thúc kỳ báo cáo."), "from > to");
        err_field(e, "tu");
        return -1;
    }
    if (*to - *from >= MAX_PERIOD_DAYS) {
        err_set(e, 400, N_("Kỳ báo cáo dài tối đa mười năm."), "period too long");
        err_field(e, "tu");
        return -1;
    }
    return 0;
}

/* ---- counting -------------------------------------------------------------------------- */

/* The units counted (the unit and every unit below it), by id, each with its own calendar
 * settings: a dossier's working days are its receiving unit's. */
typedef struct {
    int64_t *ids;
    cal_unit *cu;
    size_t n;
} unit_cals;

typedef struct {
    int64_t unit_id, start, end, as_of;   /* instants; end exclusive */
    const calendar *cal;
    const unit_cals *units;
} span;

static span make_span(const calendar *cal, const unit_cals *units, int64_t unit_id, cal_day from, cal_day to,
                      int64_t now)
{
    span s = {.unit_id = unit_id, .start = cal_instant(from, 0), .end = cal_instant(to + 1, 0), .cal = cal,
              .units = units};
    s.as_of = now < s.end ? now : s.end;
    return s;
}

static int cmp_id(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* The subtree of unit_id in id order, with each unit's calendar settings. */
static int load_unit_cals(db *d, arena *a, int64_t unit_id, unit_cals *out)
{
    size_t cap = 16;
    out->n = 0;
    out->ids = arena_alloc(a, cap * sizeof *out->ids);
    db_stmt *s = db_prepare(d, UNIT_SUBTREE_CTE("") "SELECT id FROM sub ORDER BY id");
    if (!s) return -1;
    db_bind_int(s, 1, unit_id);
    while (db_step(s) == DB_ROW) {
        if (out->n == cap) {
            int64_t *bigger = arena_alloc(a, 2 * cap * sizeof *bigger);
            memcpy(bigger, out->ids, cap * sizeof *bigger);
            out->ids = bigger;
            cap *= 2;
        }
        out->ids[out->n++] = db_col_int(s, 0);
    }
    db_done(s);
    out->cu = arena_alloc(a, (out->n ? out->n : 1) * sizeof *out->cu);
    for (size_t i = 0; i < out->n; i++) out->cu[i] = holiday_unit(d, out->ids[i]);
    return 0;
}

static const cal_unit *unit_cal(const unit_cals *u, int64_t unit_id)
{
    const int64_t *hit = u->n ? bsearch(&unit_id, u->ids, u->n, sizeof *u->ids, cmp_id) : NULL;
    return hit ? &u->cu[hit - u->ids] : NULL;
}

static ind_row *table_add(arena *a, ind_table *t, size_t *cap)
{
    if (t->n == *cap) {
        size_t bigger = *cap ? *cap * 2 : 16;
        ind_row *rows = arena_alloc(a, bigger * sizeof *rows);
        if (t->n) memcpy(rows, t->rows, t->n * sizeof *rows);
        t->rows = rows;
        *cap = bigger;
    }
    return &t->rows[t->n++];
}

static int by_key(const void *x, const void *y)
{
    return strcmp(((const ind_row *)x)->key, ((const ind_row *)y)->key);
}

/* A table by unit: keys are unit ids, sorted as numbers. */
static int by_unit_key(const void *x, const void *y)
{
    long long a = atoll(((const ind_row *)x)->key), b = atoll(((const ind_row *)y)->key);
    return a < b ? -1 : a > b;
}

static ind_row *table_find_unit(ind_table *t, int64_t unit_id)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        long long k = atoll(t->rows[mid].key);
        if (k == unit_id) return &t->rows[mid];
        if (k < unit_id) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* The row of a key, in a table sorted by key (fill_table sorts it before the working days: a
 * table by unit has 150 rows and its second pass hundreds of thousands of lines). */
static ind_row *table_find(ind_table *t, const char *key)
{
    ind_row want = {.key = key};
    return t->n ? bsearch(&want, t->rows, t->n, sizeof *t->rows, by_key) : NULL;
}

static void bind_span(db_stmt *s, const span *sp, bool with_as_of)
{
    db_bind_int(s, 1, sp->unit_id);
    db_bind_int(s, 2, sp->start);
    db_bind_int(s, 3, sp->end);
    if (with_as_of) db_bind_int(s, 4, sp->as_of);
}

static int db_failed(db *d, err *e, const char *what)
{
    err_set(e, 500, N_("Không đọc được số liệu, xin thử lại."), "%s: %s", what, db_errmsg(d));
    return -1;
}

/* Working days a resolved dossier took: from its start day D0 to the day it was done. */
static int64_t working_days(const span *sp, int64_t unit_id, int64_t received_at, int64_t done_at)
{
    const cal_unit *cu = unit_cal(sp->units, unit_id);
    cal_day d0 = calendar_start_day(sp->cal, cu, received_at);
    int n = calendar_working_between(sp->cal, cu, d0, cal_local_day(done_at));
    return n > 0 ? n : 0;
}

/* One table: its rows with their counts, then their working days. */
static int fill_table(db *d, arena *a, const span *sp, int dim, ind_table *t, err *e)
{
    size_t cap = 0;
    t->rows = NULL;
    t->n = 0;
    db_stmt *s = db_prepare(d, DIM_SQL[dim].count);
    if (!s) return db_failed(d, e, "indicator counts");
    bind_span(s, sp, true);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        ind_row *row = table_add(a, t, &cap);
        row->key = arena_strdup(a, db_col_text(s, 0));
        row->label = arena_strdup(a, db_col_text(s, 1));
        int64_t *f[] = {&row->c.carried, &row->c.received, &row->c.early, &row->c.on_time, &row->c.late,
                        &row->c.open_late, &row->c.open_ok, &row->c.refused, &row->c.withdrawn, &row->c.apologies,
                        &row->c.apologies_late, &row->c.secs};
        for (int i = 0; i < 12; i++) *f[i] = db_col_int(s, i + 2);
        row->c.wdays = 0;
    }
    db_done(s);
    if (rc != DB_DONE) return db_failed(d, e, "indicator counts");
    if (t->n > 1) qsort(t->rows, t->n, sizeof *t->rows, dim == DIM_UNIT ? by_unit_key : by_key);
    s = db_prepare(d, DIM_SQL[dim].wdays);
    if (!s) return db_failed(d, e, "indicator working days");
    bind_span(s, sp, false);
    while ((rc = db_step(s)) == DB_ROW) {
        ind_row *row = dim == DIM_UNIT ? table_find_unit(t, db_col_int(s, 3)) : table_find(t, db_col_text(s, 0));
        if (row) row->c.wdays += working_days(sp, db_col_int(s, 3), db_col_int(s, 1), db_col_int(s, 2));
    }
    db_done(s);
    if (rc != DB_DONE) return db_failed(d, e, "indicator working days");
    return 0;
}

static int64_t resolved(const ind_counts *c) { return c->early + c->on_time + c->late; }
static int64_t to_handle(const ind_counts *c) { return c->carried + c->received; }

static int by_volume(const void *x, const void *y)
{
    const ind_row *a = x, *b = y;
    int64_t va = to_handle(&a->c), vb = to_handle(&b->c);
    if (va != vb) return va > vb ? -1 : 1;
    return strcmp(a->label, b->label);
}

static int by_resolved(const void *x, const void *y)
{
    const ind_row *a = x, *b = y;
    int64_t va = resolved(&a->c), vb = resolved(&b->c);
    if (va != vb) return va > vb ? -1 : 1;
    return strcmp(a->label, b->label);
}

static void sort_rows(ind_table *t, int (*cmp)(const void *, const void *))
{
    if (t->n > 1) qsort(t->rows, t->n, sizeof t->rows[0], cmp);
}

/* ---- by month, in one pass --------------------------------------------------------------- */

/* Each month of the period is a period of its own: the same counts as fill_table(DIM_TOTAL)
 * would give over the span [first day of the month (or the period's start), last day (or the
 * period's end)], judged at min(now, the span's end). Running that query once per month read
 * the unit's dossiers twelve times a year (the province's page: 6.5-9.6 s at 750,000 dossiers),
 * so the months come from ONE read of the dossiers open at some moment of the whole period,
 * each added in C to every month it belongs to, with COUNT_SQL's definitions applied to that
 * month's span (start S, end E, as_of A):
 *
 *   in the month's set  received_at < E and (done_at IS NULL or done_at >= S): the months from
 *                       the one it was received in (or the first) to the one it was finished in
 *                       (or the last), a contiguous run
 *   carried / received  received_at < S / >= S: received only in its month of receipt
 *   pending             done_at IS NULL or done_at >= E: every month of the run but the one it was
 *                       finished in; there: early / on_time / late and the seconds (a result),
 *                       refused, withdrawn -- by its status, as the SQL
 *   open_late / open_ok pending, and g < A with no pause at A: judged at EACH month's A
 *   apologies (_late)   its apology notices made in [S, E) (and after the due time they broke),
 *                       when the dossier is in the month's set: read with the dossier (one
 *                       correlated subquery, as COUNT_SQL's) as "at late at late ..."
 *   working days        WDAYS_SQL's: status done or returned, done_at in [S, E), in the month of
 *                       done_at, on the receiving unit's calendar; a month without a dossier in
 *                       its set has no row in the SQL and so shows zero (done_at precedes
 *                       received_at in no row, so every such dossier is read here)
 *
 * tests/unit/test_indicators.c checks every count of every month against indicators_compute()
 * run over each month as a period (fill_table), on the demo's communes, department and province. */

#define MONTHS_SQL                                                                                       \
    UNIT_SUBTREE_CTE("") "SELECT d.received_at, d.done_at, "                                             \
    "CASE WHEN d.status IN ('done', 'returned') THEN 1 WHEN d.status = 'refused' THEN 2 "                  \
    "WHEN d.status = 'withdrawn' THEN 3 ELSE 0 END, d.paused_at, " LEGAL_DUE ", d.unit_id, "               \
    "CASE WHEN d.apology_count = 0 THEN NULL ELSE (SELECT group_concat(n.at || ' ' || "                    \
    "COALESCE(n.at > n.old_due_at, 0), ' ') FROM dossier_notices n WHERE n.dossier_id = d.id "             \
    "AND n.kind = 'apology' AND n.at >= ?2 AND n.at < ?3) END "                                           \
    "FROM dossiers d WHERE d.unit_id IN (SELECT id FROM sub) AND d.received_at < ?3 "                      \
    "AND (d.done_at IS NULL OR d.done_at >= ?2)"

enum { M_OPEN = 0, M_RESULT = 1, M_REFUSED = 2, M_WITHDRAWN = 3 };   /* MONTHS_SQL's third column */

/* One dossier as the months read it. */
typedef struct {
    int64_t received_at, done_at, paused_at, g, unit_id;
    bool done, paused;   /* done_at, paused_at not NULL */
    int kind;            /* M_* */
} month_dossier;

/* The months of the period: each one's span, whether a dossier is in its set, and its row. */
typedef struct {
    size_t n;
    int64_t *start, *end, *as_of;
    bool *present;
    ind_row *rows;
} month_table;

/* The local day of an instant, as LOCAL_DAY() computes it in SQL (integer division). */
static int64_t local_day_sql(int64_t t) { return (t + VN_UTC_OFFSET) / 86400; }

static void month_table_init(arena *a, cal_day from, cal_day to, int64_t now, month_table *mt)
{
    int y, m, dd, ty, tm, td;
    cal_to_ymd(from, &y, &m, &dd);
    cal_to_ymd(to, &ty, &tm, &td);
    size_t cap = from <= to ? (size_t)((ty - y) * 12 + (tm - m) + 1) : 0;
    mt->n = 0;
    mt->start = arena_alloc(a, (cap ? cap : 1) * sizeof *mt->start);
    mt->end = arena_alloc(a, (cap ? cap : 1) * sizeof *mt->end);
    mt->as_of = arena_alloc(a, (cap ? cap : 1) * sizeof *mt->as_of);
    mt->present = arena_alloc(a, (cap ? cap : 1) * sizeof *mt->present);
    mt->rows = arena_alloc(a, (cap ? cap : 1) * sizeof *mt->rows);
    for (cal_day first = from; first <= to && mt->n < cap;) {
        int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
        cal_day next = cal_from_ymd(ny, nm, 1);
        cal_day last = next - 1 < to ? next - 1 : to;
        size_t i = mt->n++;
        mt->start[i] = cal_instant(first, 0);   /* as make_span() */
        mt->end[i] = cal_instant(last + 1, 0);
        mt->as_of[i] = now < mt->end[i] ? now : mt->end[i];
        mt->present[i] = false;
        mt->rows[i].key = arena_printf(a, "%04d-%02d", y, m);
        mt->rows[i].label = arena_printf(a, "%02d/%04d", m, y);
        memset(&mt->rows[i].c, 0, sizeof mt->rows[i].c);
        first = next;
        y = ny;
        m = nm;
    }
}

/* The month an instant of the period falls in (start[0] <= t < end[n - 1]). */
static size_t month_of(const month_table *mt, int64_t t)
{
    size_t lo = 0, hi = mt->n;   /* the last month whose start is <= t */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (mt->start[mid] <= t) lo = mid;
        else hi = mid;
    }
    return lo;
}

/* Is the dossier in month i's set: received before its end, not finished before its start. */
static bool in_month(const month_table *mt, size_t i, const month_dossier *x)
{
    return x->received_at < mt->end[i] && (!x->done || x->done_at >= mt->start[i]);
}

/* COUNT_SQL's counts of one dossier in one month's span (the apologies apart). */
static void count_in_month(ind_counts *c, const month_dossier *x, int64_t start, int64_t end, int64_t as_of)
{
    if (x->received_at < start) c->carried++;
    else c->received++;
    bool pending = !x->done || x->done_at >= end;
    if (pending) {
        if (x->g < as_of && (!x->paused || x->paused_at > as_of)) c->open_late++;
        else c->open_ok++;
        return;
    }
    if (x->kind == M_RESULT) {
        int64_t done_day = local_day_sql(x->done_at), due_day = local_day_sql(x->g);
        if (done_day < due_day) c->early++;
        if (done_day >= due_day && x->done_at <= x->g) c->on_time++;
        if (x->done_at > x->g) c->late++;
        c->secs += x->done_at - x->received_at;
    } else if (x->kind == M_REFUSED) {
        c->refused++;
    } else if (x->kind == M_WITHDRAWN) {
        c->withdrawn++;
    }
}

/* The apology notices of a dossier made in the period, "at late at late ...", each in its month
 * when the dossier is in that month's set. */
static void count_apologies(month_table *mt, const month_dossier *x, const char *list)
{
    const char *p = list;
    for (;;) {
        char *end;
        long long at = strtoll(p, &end, 10);
        if (end == p) return;
        p = end;
        long long late = strtoll(p, &end, 10);
        if (end == p) return;
        p = end;
        size_t i = month_of(mt, at);
        if (!in_month(mt, i, x)) continue;
        mt->rows[i].c.apologies++;
        mt->rows[i].c.apologies_late += late != 0;
    }
}

/* One dossier: in every month of its run, its working days in the month it was done. */
static void add_to_months(month_table *mt, const span *whole, const month_dossier *x)
{
    size_t i = x->received_at < mt->start[0] ? 0 : month_of(mt, x->received_at);
    for (; i < mt->n && in_month(mt, i, x); i++) {
        mt->present[i] = true;
        count_in_month(&mt->rows[i].c, x, mt->start[i], mt->end[i], mt->as_of[i]);
    }
    if (x->kind == M_RESULT && x->done && x->done_at >= mt->start[0] && x->done_at < mt->end[mt->n - 1])
        mt->rows[month_of(mt, x->done_at)].c.wdays += working_days(whole, x->unit_id, x->received_at, x->done_at);
}

static int fill_months(db *d, arena *a, const span *whole, cal_day from, cal_day to, int64_t now, ind_table *out,
                       err *e)
{
    month_table mt;
    month_table_init(a, from, to, now, &mt);
    out->rows = mt.rows;
    out->n = mt.n;
    if (!mt.n) return 0;
    db_stmt *s = db_prepare(d, MONTHS_SQL);
    if (!s) return db_failed(d, e, "indicators by month");
    bind_span(s, whole, false);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        month_dossier x = {.received_at = db_col_int(s, 0), .done = !db_col_null(s, 1), .done_at = db_col_int(s, 1),
                           .kind = (int)db_col_int(s, 2), .paused = !db_col_null(s, 3), .paused_at = db_col_int(s, 3),
                           .g = db_col_int(s, 4), .unit_id = db_col_int(s, 5)};
        add_to_months(&mt, whole, &x);
        if (!db_col_null(s, 6)) count_apologies(&mt, &x, db_col_text(s, 6));
    }
    db_done(s);
    if (rc != DB_DONE) return db_failed(d, e, "indicators by month");
    /* a month without a dossier in its set had no row: zero, its working days too */
    for (size_t i = 0; i < mt.n; i++)
        if (!mt.present[i]) memset(&mt.rows[i].c, 0, sizeof mt.rows[i].c);
    return 0;
}

int indicators_compute(db *d, arena *a, int64_t unit_id, cal_day from, cal_day to, int64_t now, ind_report *out,
                       err *e)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_prepare(d, "SELECT code, name FROM units WHERE id = ?");
    db_bind_int(s, 1, unit_id);
    if (db_step(s) == DB_ROW) {
        out->unit_code = arena_strdup(a, db_col_text(s, 0));
        out->unit_name = arena_strdup(a, db_col_text(s, 1));
    }
    db_done(s);
    if (!out->unit_code) {
        err_set(e, 404, N_("Không tìm thấy đơn vị."), "unit %lld", (long long)unit_id);
        return -1;
    }
    const calendar *cal = holiday_calendar(d, e);
    if (!cal) return -1;
    unit_cals units;
    if (load_unit_cals(d, a, unit_id, &units)) return db_failed(d, e, "units");
    span sp = make_span(cal, &units, unit_id, from, to, now);
    out->unit_id = unit_id;
    out->from = from;
    out->to = to;
    out->as_of = sp.as_of;
    ind_table total;
    if (fill_table(d, a, &sp, DIM_TOTAL, &total, e) || fill_table(d, a, &sp, DIM_PROCEDURE, &out->by_procedure, e) ||
        fill_table(d, a, &sp, DIM_OFFICIAL, &out->by_official, e) ||
        fill_table(d, a, &sp, DIM_CHANNEL, &out->by_channel, e) ||
        fill_months(d, a, &sp, from, to, now, &out->by_month, e))
        return -1;
    if (total.n) out->total = total.rows[0].c;
    for (size_t i = 0; i < out->by_channel.n; i++)
        out->by_channel.rows[i].label = dossier_channel_label(out->by_channel.rows[i].key);
    /* officials are graded on what they finished; dossiers without a result have no row */
    size_t kept = 0;
    for (size_t i = 0; i < out->by_official.n; i++)
        if (*out->by_official.rows[i].key) out->by_official.rows[kept++] = out->by_official.rows[i];
    out->by_official.n = kept;
    sort_rows(&out->by_procedure, by_volume);
    sort_rows(&out->by_channel, by_volume);
    sort_rows(&out->by_official, by_resolved);
    return 0;
}

/* What the province's view adds to the counts, per receiving unit: dossiers received online in
 * the period, and the trips recorded at return for those returned in it. */
#define EXTRA_SQL                                                                                         \
    UNIT_SUBTREE_CTE("") "SELECT d.unit_id, "                                                             \
    "SUM(CASE WHEN d.received_at >= ?2 AND d.received_at < ?3 AND d.channel = 'online' THEN 1 ELSE 0 END), " \
    "SUM(CASE WHEN d.returned_at >= ?2 AND d.returned_at < ?3 AND d.visits IS NOT NULL THEN d.visits ELSE 0 END), " \
    "SUM(CASE WHEN d.returned_at >= ?2 AND d.returned_at < ?3 AND d.visits IS NOT NULL THEN 1 ELSE 0 END) "  \
    "FROM dossiers d WHERE d.unit_id IN (SELECT id FROM sub) AND ((d.received_at >= ?2 AND d.received_at < ?3) " \
    "OR (d.returned_at >= ?2 AND d.returned_at < ?3)) GROUP BY d.unit_id"

static int by_unit_id(const void *x, const void *y)
{
    const ind_unit_row *a = x, *b = y;
    return a->unit_id < b->unit_id ? -1 : a->unit_id > b->unit_id;
}

int indicators_by_unit(db *d, arena *a, int64_t root_id, cal_day from, cal_day to, int64_t now, ind_unit_row **rows,
                       size_t *n, err *e)
{
    *rows = NULL;
    *n = 0;
    const calendar *cal = holiday_calendar(d, e);
    if (!cal) return -1;
    unit_cals units;
    if (load_unit_cals(d, a, root_id, &units)) return db_failed(d, e, "units");
    span sp = make_span(cal, &units, root_id, from, to, now);
    ind_table t;
    if (fill_table(d, a, &sp, DIM_UNIT, &t, e)) return -1;
    /* every unit of the subtree gets a row, with or without dossiers */
    ind_unit_row *out = arena_alloc(a, (units.n ? units.n : 1) * sizeof *out);
    for (size_t i = 0; i < units.n; i++) out[i] = (ind_unit_row){.unit_id = units.ids[i]};
    for (size_t i = 0; i < t.n; i++) {
        int64_t id = atoll(t.rows[i].key);
        ind_unit_row key = {.unit_id = id}, *hit = bsearch(&key, out, units.n, sizeof *out, by_unit_id);
        if (hit) hit->c = t.rows[i].c;
    }
    db_stmt *s = db_prepare(d, EXTRA_SQL);
    if (!s) return db_failed(d, e, "province extras");
    bind_span(s, &sp, false);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        ind_unit_row key = {.unit_id = db_col_int(s, 0)}, *hit = bsearch(&key, out, units.n, sizeof *out, by_unit_id);
        if (!hit) continue;
        hit->online = db_col_int(s, 1);
        hit->trips = db_col_int(s, 2);
        hit->trips_n = db_col_int(s, 3);
    }
    db_done(s);
    if (rc != DB_DONE) return db_failed(d, e, "province extras");
    *rows = out;
    *n = units.n;
    return 0;
}

int64_t indicators_graded(const ind_counts *c) { return c->early + c->on_time + c->late + c->open_late; }

double indicators_rate(int64_t part, int64_t whole) { return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0; }

/* ---- as a view model -------------------------------------------------------------------- */

/* "92,5" (Vietnamese writes a decimal comma). */
static const char *decimal(arena *a, double v)
{
    char *s = arena_printf(a, "%.1f", v);
    char *dot = strchr(s, '.');
    if (dot) *dot = ',';
    return s;
}

static const char *format_day(arena *a, cal_day day)
{
    return vn_day_date(a, day);
}

static const char *format_instant(arena *a, int64_t t)
{
    return vn_time_date(a, t, ", ");
}

/* When open dossiers were judged: "hết ngày 31/12/2025" at the end of a past period, else the
 * instant (now). */
static const char *as_of_text(arena *a, const ind_report *r)
{
    if (r->as_of == cal_instant(r->to + 1, 0)) return arena_printf(a, "hết ngày %s", format_day(a, r->to));
    return format_instant(a, r->as_of);
}

static void set_int(json_t *o, const char *k, int64_t v) { json_object_set_new(o, k, json_integer((json_int_t)v)); }

static void set_rate(arena *a, json_t *o, const char *k, int64_t part, int64_t whole)
{
    double r = indicators_rate(part, whole);
    json_object_set_new(o, k, json_real(r));
    json_object_set_new(o, arena_printf(a, "%s_text", k), json_string(whole ? arena_printf(a, "%s%%", decimal(a, r)) : "–"));
}

static json_t *counts_json(arena *a, const ind_counts *c)
{
    json_t *o = json_object();
    int64_t graded = indicators_graded(c), res = resolved(c);
    set_int(o, "carried", c->carried);
    set_int(o, "received", c->received);
    set_int(o, "to_handle", to_handle(c));
    set_int(o, "resolved", res);
    set_int(o, "early", c->early);
    set_int(o, "on_time", c->on_time);
    set_int(o, "late", c->late);
    set_int(o, "open_late", c->open_late);
    set_int(o, "late_all", c->late + c->open_late);
    set_int(o, "open_ok", c->open_ok);
    set_int(o, "refused", c->refused);
    set_int(o, "withdrawn", c->withdrawn);
    set_int(o, "apologies", c->apologies);
    set_int(o, "apologies_late", c->apologies_late);
    set_int(o, "graded", graded);
    set_rate(a, o, "early_rate", c->early, graded);
    set_rate(a, o, "on_time_rate", c->on_time, graded);
    set_rate(a, o, "timely_rate", c->early + c->on_time, graded);
    set_rate(a, o, "late_rate", c->late + c->open_late, graded);
    double wd = res ? (double)c->wdays / (double)res : 0, hours = res ? (double)c->secs / 3600.0 / (double)res : 0;
    json_object_set_new(o, "avg_wdays", json_real(wd));
    json_object_set_new(o, "avg_hours", json_real(hours));
    json_object_set_new(o, "avg_wdays_text", json_string(res ? decimal(a, wd) : "–"));
    json_object_set_new(o, "avg_hours_text", json_string(res ? decimal(a, hours) : "–"));
    return o;
}

static json_t *table_json(arena *a, const ind_table *t)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < t->n; i++) {
        json_t *o = counts_json(a, &t->rows[i].c);
        json_object_set_new(o, "key", json_string(t->rows[i].key));
        json_object_set_new(o, "row_label", json_string(t->rows[i].label));   /* *_label: translated on pages */
        json_array_append_new(arr, o);
    }
    return arr;
}

json_t *indicators_json(arena *a, const ind_report *r)
{
    char from[11], to[11];
    cal_format(r->from, from);
    cal_format(r->to, to);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "unit_id", (json_int_t)r->unit_id, "unit_code",
                          r->unit_code, "unit_name", r->unit_name, "from", from, "to", to, "from_text",
                          format_day(a, r->from), "to_text", format_day(a, r->to), "as_of_text",
                          as_of_text(a, r));
    json_object_set_new(o, "total", counts_json(a, &r->total));
    json_object_set_new(o, "by_procedure", table_json(a, &r->by_procedure));
    json_object_set_new(o, "by_official", table_json(a, &r->by_official));
    json_object_set_new(o, "by_channel", table_json(a, &r->by_channel));
    json_object_set_new(o, "by_month", table_json(a, &r->by_month));
    return o;
}

/* ---- as a workbook ------------------------------------------------------------------------ */

typedef struct {
    lxw_format *title, *head, *num, *pct, *dec, *bold_num;
} xfmt;

static const char *const TABLE_HEAD[] = {
    N_("Kỳ trước chuyển sang"), N_("Tiếp nhận trong kỳ"), N_("Tổng số phải giải quyết"), N_("Trước hạn"),
    N_("Đúng hạn"), N_("Quá hạn"), N_("Đang giải quyết quá hạn"), N_("Đang giải quyết trong hạn"),
    N_("Từ chối"), N_("Rút hồ sơ"), N_("Phiếu xin lỗi"), N_("Trong đó lập sau ngày hẹn"), N_("Tỷ lệ trước hạn"), N_("Tỷ lệ đúng hạn"),
    N_("Tỷ lệ quá hạn"), N_("Thời gian trung bình (ngày làm việc)"), N_("Thời gian trung bình (giờ)"),
};
#define TABLE_COLS (sizeof TABLE_HEAD / sizeof TABLE_HEAD[0])

static void write_counts(lxw_worksheet *ws, lxw_row_t row, const ind_counts *c, const xfmt *f, lxw_format *numf)
{
    int64_t graded = indicators_graded(c), res = resolved(c);
    int64_t ints[] = {c->carried, c->received, to_handle(c), c->early, c->on_time, c->late, c->open_late,
                      c->open_ok, c->refused, c->withdrawn, c->apologies, c->apologies_late};
    lxw_col_t col = 1;
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) worksheet_write_number(ws, row, col++, (double)ints[i], numf);
    double rates[] = {indicators_rate(c->early, graded), indicators_rate(c->on_time, graded),
                      indicators_rate(c->late + c->open_late, graded)};
    for (int i = 0; i < 3; i++) worksheet_write_number(ws, row, col++, rates[i] / 100.0, f->pct);
    worksheet_write_number(ws, row, col++, res ? (double)c->wdays / (double)res : 0, f->dec);
    worksheet_write_number(ws, row, col, res ? (double)c->secs / 3600.0 / (double)res : 0, f->dec);
}

static void sheet_heading(lxw_worksheet *ws, const ind_report *r, arena *a, const char *title, const xfmt *f)
{
    worksheet_write_string(ws, 0, 0, title, f->title);
    worksheet_write_string(ws, 1, 0, r->unit_name, NULL);
    worksheet_write_string(ws, 2, 0,
                           arena_printf(a, "Kỳ báo cáo: %s – %s; hồ sơ đang giải quyết tính đến %s", format_day(a, r->from),
                                        format_day(a, r->to), as_of_text(a, r)),
                           NULL);
}

/* Header in row 4, data from row 5 (0-based 3 and 4), then the sum of the rows when it means
 * something (not for months, where a dossier open across months is in each of them). */
static void table_sheet(lxw_workbook *wb, arena *a, const ind_report *r, const char *name, const char *first_col,
                        const ind_table *t, bool with_total, const xfmt *f)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    sheet_heading(ws, r, a, name, f);
    worksheet_set_column(ws, 0, 0, 48, NULL);
    worksheet_set_column(ws, 1, TABLE_COLS, 12, NULL);
    worksheet_write_string(ws, 3, 0, first_col, f->head);
    for (size_t i = 0; i < TABLE_COLS; i++) worksheet_write_string(ws, 3, (lxw_col_t)(i + 1), TABLE_HEAD[i], f->head);
    lxw_row_t row = 4;
    ind_counts sum = {0};
    for (size_t i = 0; i < t->n; i++, row++) {
        const ind_counts *c = &t->rows[i].c;
        worksheet_write_string(ws, row, 0, t->rows[i].label, NULL);
        write_counts(ws, row, c, f, f->num);
        int64_t *to[] = {&sum.carried, &sum.received, &sum.early, &sum.on_time, &sum.late, &sum.open_late, &sum.open_ok,
                         &sum.refused, &sum.withdrawn, &sum.apologies, &sum.apologies_late, &sum.secs, &sum.wdays};
        const int64_t from[] = {c->carried, c->received, c->early, c->on_time, c->late, c->open_late, c->open_ok,
                                c->refused, c->withdrawn, c->apologies, c->apologies_late, c->secs, c->wdays};
        for (size_t k = 0; k < sizeof from / sizeof from[0]; k++) *to[k] += from[k];
    }
    if (with_total) {
        worksheet_write_string(ws, row, 0, "Tổng cộng", f->head);
        write_counts(ws, row, &sum, f, f->bold_num);
    }
    worksheet_freeze_panes(ws, 4, 1);
}

static void summary_sheet(lxw_workbook *wb, arena *a, const ind_report *r, const xfmt *f)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Tổng hợp");
    sheet_heading(ws, r, a, "Chỉ số giải quyết hồ sơ thủ tục hành chính", f);
    worksheet_set_column(ws, 0, 0, 56, NULL);
    worksheet_set_column(ws, 1, 2, 14, NULL);
    worksheet_write_string(ws, 4, 0, "Chỉ tiêu", f->head);
    worksheet_write_string(ws, 4, 1, "Số lượng", f->head);
    worksheet_write_string(ws, 4, 2, "Tỷ lệ", f->head);
    const ind_counts *c = &r->total;
    int64_t graded = indicators_graded(c), res = resolved(c);
    const struct {
        const char *label;
        int64_t n;
        int64_t rate_of;   /* -1: no rate */
    } lines[] = {
        {"Hồ sơ kỳ trước chuyển sang", c->carried, -1},
        {"Hồ sơ tiếp nhận trong kỳ", c->received, -1},
        {"Tổng số hồ sơ phải giải quyết", to_handle(c), -1},
        {"Đã giải quyết có kết quả", res, -1},
        {"– Trước hạn", c->early, c->early},
        {"– Đúng hạn", c->on_time, c->on_time},
        {"– Quá hạn", c->late, c->late},
        {"Đang giải quyết, quá hạn", c->open_late, c->open_late},
        {"Đang giải quyết, trong hạn (kể cả chờ bổ sung)", c->open_ok, -1},
        {"Từ chối giải quyết", c->refused, -1},
        {"Rút hồ sơ", c->withdrawn, -1},
        {"Phiếu xin lỗi và hẹn lại đã phát hành", c->apologies, -1},
        {"– Trong đó lập sau ngày hẹn trả kết quả (muộn so với quy định)", c->apologies_late, -1},
        {"Trước hạn và đúng hạn", c->early + c->on_time, c->early + c->on_time},
        {"Quá hạn (đã giải quyết và đang giải quyết)", c->late + c->open_late, c->late + c->open_late},
    };
    lxw_row_t row = 5;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++, row++) {
        worksheet_write_string(ws, row, 0, lines[i].label, NULL);
        worksheet_write_number(ws, row, 1, (double)lines[i].n, f->num);
        if (lines[i].rate_of >= 0)
            worksheet_write_number(ws, row, 2, indicators_rate(lines[i].rate_of, graded) / 100.0, f->pct);
    }
    worksheet_write_string(ws, row, 0, "Thời gian giải quyết trung bình (ngày làm việc)", NULL);
    worksheet_write_number(ws, row++, 1, res ? (double)c->wdays / (double)res : 0, f->dec);
    worksheet_write_string(ws, row, 0, "Thời gian giải quyết trung bình (giờ)", NULL);
    worksheet_write_number(ws, row++, 1, res ? (double)c->secs / 3600.0 / (double)res : 0, f->dec);
    worksheet_write_string(ws, row + 1, 0,
                           "Tỷ lệ tính trên số hồ sơ đã đến hạn: đã giải quyết có kết quả và đang giải quyết quá hạn. "
                           "Hạn là hạn theo quy định, trước mọi phiếu xin lỗi và hẹn lại.",
                           NULL);
}

int indicators_xlsx(arena *a, const ind_report *r, buf *out, err *e)
{
    char path[4096];
    lxw_workbook *wb = xlsx_open(path, sizeof path, e);
    if (!wb) return -1;
    xfmt f = {workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb),
              workbook_add_format(wb), workbook_add_format(wb)};
    format_set_bold(f.title);
    format_set_font_size(f.title, 14);
    format_set_bold(f.head);
    format_set_text_wrap(f.head);
    format_set_border(f.head, LXW_BORDER_THIN);
    format_set_num_format(f.num, "#,##0");
    format_set_num_format(f.bold_num, "#,##0");
    format_set_bold(f.bold_num);
    format_set_num_format(f.pct, "0.0%");
    format_set_num_format(f.dec, "0.0");
    summary_sheet(wb, a, r, &f);
    table_sheet(wb, a, r, "Theo thủ tục", "Thủ tục", &r->by_procedure, true, &f);
    table_sheet(wb, a, r, "Theo cán bộ", "Cán bộ giải quyết", &r->by_official, true, &f);
    table_sheet(wb, a, r, "Theo kênh", "Hình thức nộp", &r->by_channel, true, &f);
    table_sheet(wb, a, r, "Theo tháng", "Tháng", &r->by_month, false, &f);
    return xlsx_finish(wb, path, LXW_NO_ERROR, out, e);
}

/* ---- the register book ---------------------------------------------------------------------- */

int indicators_register_rows(db *d, arena *a, int64_t unit_id, cal_day from, cal_day to, int64_t now,
                             form_register_row **rows, size_t *n, err *e)
{
    db_stmt *s = db_prepare(d, UNIT_SUBTREE_CTE("")
        "SELECT d.book_seq, d.code, d.procedure_name, d.sets, d.applicant_name, d.applicant_address, "
        "d.applicant_phone, ru.name, d.received_at, d.original_due_at, "
        "COALESCE((SELECT MIN(s.at) FROM dossier_steps s WHERE s.dossier_id = d.id AND s.kind = 'handover'), 0), "
        "CASE WHEN d.status IN ('done', 'returned') THEN d.done_at ELSE 0 END, COALESCE(d.returned_at, 0), "
        "d.status, d.due_at, " LEGAL_DUE ", d.apology_count, d.outcome_note, d.postal_tracking, d.return_method, "
        "COALESCE(d.done_at, 0) "
        "FROM dossiers d JOIN units ru ON ru.id = d.resolving_unit_id "
        "WHERE d.unit_id IN (SELECT id FROM sub) AND d.received_at >= ?2 AND d.received_at < ?3 "
        "ORDER BY d.received_at, d.id");
    if (!s) return db_failed(d, e, "register");
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, cal_instant(from, 0));
    db_bind_int(s, 3, cal_instant(to + 1, 0));
    size_t cap = 64;
    form_register_row *out = arena_alloc(a, cap * sizeof *out);
    *n = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (*n == cap) {
            form_register_row *bigger = arena_alloc(a, 2 * cap * sizeof *out);
            memcpy(bigger, out, cap * sizeof *out);
            out = bigger;
            cap *= 2;
        }
        form_register_row *x = &out[(*n)++];
        x->seq = (int)db_col_int(s, 0);
        x->code = arena_strdup(a, db_col_text(s, 1));
        x->procedure_name = arena_strdup(a, db_col_text(s, 2));
        x->sets = (int)db_col_int(s, 3);
        x->applicant_name = arena_strdup(a, db_col_text(s, 4));
        const char *addr = db_col_text(s, 5), *phone = db_col_text(s, 6);
        x->applicant_contact = arena_printf(a, "%s%s%s", addr, *addr && *phone ? "; " : "", phone);
        x->resolving_body = arena_strdup(a, db_col_text(s, 7));
        x->received_at = db_col_int(s, 8);
        x->due_at = db_col_int(s, 9);
        x->transferred_at = db_col_int(s, 10);
        x->done_at = db_col_int(s, 11);
        x->returned_at = db_col_int(s, 12);
        /* the note: the status, then lateness, apology, closing reason, postal return */
        const char *status = db_col_text(s, 13);
        int64_t due = db_col_int(s, 14), legal = db_col_int(s, 15), finished = db_col_int(s, 20);
        buf note;
        buf_init(&note, a);
        buf_puts(&note, dossier_status_label(status));
        bool open = !strcmp(status, "received") || !strcmp(status, "in_progress");
        if ((x->done_at && x->done_at > legal) || (open && now > legal)) buf_puts(&note, "; quá hạn");
        if (db_col_int(s, 16) > 0)
            buf_printf(&note, "; đã xin lỗi, hẹn lại %s", format_day(a, cal_local_day(due)));
        if ((!strcmp(status, "refused") || !strcmp(status, "withdrawn")) && *db_col_text(s, 17))
            buf_printf(&note, " ngày %s: %s", format_day(a, cal_local_day(finished)), db_col_text(s, 17));
        if (!strcmp(db_col_text(s, 19), "post") && *db_col_text(s, 18))
            buf_printf(&note, "; trả qua bưu chính, số hiệu %s", db_col_text(s, 18));
        x->note = buf_cstr(&note);
    }
    db_done(s);
    if (rc != DB_DONE) return db_failed(d, e, "register");
    *rows = out;
    return 0;
}
