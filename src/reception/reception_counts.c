/* reception_counts.c -- citizen reception and dialogues of every unit of a subtree for a
 * period, in one pass of SQL each (reception.h, reception_counts_by_unit), for the province's
 * view and the assessment:
 *
 *   receptions, people  rows of the register (Sổ tiếp công dân) received in the period, and the
 *                       citizens they stand for (a group counts its people);
 *   sessions            the chairman's reception sessions held: the local days with at least
 *                       one reception by the chairman, periodic (định kỳ) or ad hoc (đột xuất)
 *                       (Luật Tiếp công dân 42/2013 Art. 15(3)(b): at least one day a week);
 *   weeks_with_session  the weeks (Monday to Sunday) with such a session;
 *   dialogues_held      dialogues held (status 'held') that began in the period. */
#include <stdlib.h>
#include <string.h>

#include "../account/unit.h"
#include "../core/vntime.h"
#include "reception.h"

static reception_unit_counts *row_for(arena *a, reception_unit_counts **out, size_t *n, size_t *cap, int64_t unit)
{
    for (size_t i = 0; i < *n; i++)
        if ((*out)[i].unit_id == unit) return &(*out)[i];
    if (*n == *cap) {
        reception_unit_counts *bigger = arena_alloc(a, 2 * *cap * sizeof *bigger);
        memcpy(bigger, *out, *cap * sizeof *bigger);
        *out = bigger;
        *cap *= 2;
    }
    (*out)[*n] = (reception_unit_counts){.unit_id = unit};
    return &(*out)[(*n)++];
}

static int by_unit(const void *x, const void *y)
{
    const reception_unit_counts *a = x, *b = y;
    return a->unit_id < b->unit_id ? -1 : a->unit_id > b->unit_id;
}

/* the local day of t, and its Monday-based week (day 0, 1/1/1970, was a Thursday) */
#define DAY VN_LOCAL_DAY_SQL("received_at")
#define CHAIRMAN "session IN ('periodic', 'adhoc')"

int reception_counts_by_unit(db *d, arena *a, int64_t root_id, int64_t from, int64_t to,
                             reception_unit_counts **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    size_t cap = 16;
    reception_unit_counts *out = arena_alloc(a, cap * sizeof *out);
    db_stmt *s = db_prepare(d, UNIT_SUBTREE_CTE("") "SELECT unit_id, COUNT(*), SUM(people), "
        "COUNT(DISTINCT CASE WHEN " CHAIRMAN " THEN " DAY " END), "
        "COUNT(DISTINCT CASE WHEN " CHAIRMAN " THEN (" DAY " + 3) / 7 END) "
        "FROM receptions WHERE unit_id IN (SELECT id FROM sub) AND received_at >= ?2 AND received_at < ?3 "
        "GROUP BY unit_id");
    if (!s) return -1;
    db_bind_int(s, 1, root_id);
    db_bind_int(s, 2, from);
    db_bind_int(s, 3, to);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        reception_unit_counts *u = row_for(a, &out, n, &cap, db_col_int(s, 0));
        u->receptions = db_col_int(s, 1);
        u->people = db_col_int(s, 2);
        u->sessions = db_col_int(s, 3);
        u->weeks_with_session = db_col_int(s, 4);
    }
    db_done(s);
    if (rc != DB_DONE) return -1;
    s = db_prepare(d, UNIT_SUBTREE_CTE("") "SELECT unit_id, COUNT(*) FROM dialogues WHERE unit_id IN "
                      "(SELECT id FROM sub) AND status = 'held' AND starts_at >= ?2 AND starts_at < ?3 GROUP BY unit_id");
    if (!s) return -1;
    db_bind_int(s, 1, root_id);
    db_bind_int(s, 2, from);
    db_bind_int(s, 3, to);
    while ((rc = db_step(s)) == DB_ROW) row_for(a, &out, n, &cap, db_col_int(s, 0))->dialogues_held = db_col_int(s, 1);
    db_done(s);
    if (rc != DB_DONE) return -1;
    if (*n > 1) qsort(out, *n, sizeof *out, by_unit);
    *rows = out;
    return 0;
}
