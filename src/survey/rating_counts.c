/* rating_counts.c -- the ratings of every unit of a subtree for a period, in one pass of SQL
 * (rating.h, rating_counts_by_unit): what the province's view and the assessment's figures
 * count. A rating belongs to the unit that received its dossier and to the period of the local
 * day it was given (rated_at), as in rating_figures. */
#include <string.h>

#include "../account/unit.h"
#include "rating.h"

int rating_counts_by_unit(db *d, arena *a, int64_t root_id, cal_day from, cal_day to, rating_unit_counts **rows,
                          size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, UNIT_SUBTREE_CTE("") "SELECT r.unit_id, COUNT(*), SUM(r.satisfied), "
                               "SUM(CASE WHEN r.level = 'very_satisfied' THEN 1 ELSE 0 END), "
                               "SUM(CASE WHEN r.follow_status <> 'none' THEN 1 ELSE 0 END), "
                               "SUM(CASE WHEN r.follow_status = 'answered' THEN 1 ELSE 0 END) "
                               "FROM ratings r WHERE r.unit_id IN (SELECT id FROM sub) AND r.rated_at >= ?2 "
                               "AND r.rated_at < ?3 GROUP BY r.unit_id ORDER BY r.unit_id");
    if (!s) return -1;
    db_bind_int(s, 1, root_id);
    db_bind_int(s, 2, cal_instant(from, 0));
    db_bind_int(s, 3, cal_instant(to + 1, 0));
    size_t cap = 16;
    rating_unit_counts *out = arena_alloc(a, cap * sizeof *out);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (*n == cap) {
            rating_unit_counts *bigger = arena_alloc(a, 2 * cap * sizeof *bigger);
            memcpy(bigger, out, cap * sizeof *bigger);
            out = bigger;
            cap *= 2;
        }
        out[(*n)++] = (rating_unit_counts){.unit_id = db_col_int(s, 0), .total = db_col_int(s, 1),
                                           .satisfied = db_col_int(s, 2), .very_satisfied = db_col_int(s, 3),
                                           .dissatisfied = db_col_int(s, 4), .answered = db_col_int(s, 5)};
    }
    db_done(s);
    if (rc != DB_DONE) return -1;
    *rows = out;
    return 0;
}
