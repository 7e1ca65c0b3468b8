/* letter_counts.c -- the letters of care of every unit of a subtree for a period, in one pass of
 * SQL (letter.h, letter_counts_by_unit), for the province's view and the assessment:
 *
 *   delivered[kind]    letters handed over in the period (delivered_at), by kind, as the
 *                      yearly report counts them (letter_counts);
 *   made, made_delivered  letters proposed or written in the period (created_at) and not
 *                      cancelled, and how many of them have been handed over since: the share
 *                      of care that reached its citizen. */
#include <string.h>

#include "../account/unit.h"
#include "letter.h"

int letter_counts_by_unit(db *d, arena *a, int64_t root_id, int64_t from, int64_t to, letter_unit_counts **rows,
                          size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, UNIT_SUBTREE_CTE("") "SELECT unit_id, kind, "
        "SUM(CASE WHEN status = 'delivered' AND delivered_at >= ?2 AND delivered_at < ?3 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status <> 'cancelled' AND created_at >= ?2 AND created_at < ?3 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = 'delivered' AND created_at >= ?2 AND created_at < ?3 THEN 1 ELSE 0 END) "
        "FROM letters WHERE unit_id IN (SELECT id FROM sub) AND ((created_at >= ?2 AND created_at < ?3) OR "
        "(delivered_at >= ?2 AND delivered_at < ?3)) GROUP BY unit_id, kind ORDER BY unit_id");
    if (!s) return -1;
    db_bind_int(s, 1, root_id);
    db_bind_int(s, 2, from);
    db_bind_int(s, 3, to);
    size_t cap = 16;
    letter_unit_counts *out = arena_alloc(a, cap * sizeof *out);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t unit = db_col_int(s, 0);
        if (!*n || out[*n - 1].unit_id != unit) {
            if (*n == cap) {
                letter_unit_counts *bigger = arena_alloc(a, 2 * cap * sizeof *bigger);
                memcpy(bigger, out, cap * sizeof *bigger);
                out = bigger;
                cap *= 2;
            }
            out[(*n)++] = (letter_unit_counts){.unit_id = unit};
        }
        letter_unit_counts *u = &out[*n - 1];
        int k = letter_kind_index(db_col_text(s, 1));
        if (k >= 0) u->delivered[k] += db_col_int(s, 2);
        u->made += db_col_int(s, 3);
        u->made_delivered += db_col_int(s, 4);
    }
    db_done(s);
    if (rc != DB_DONE) return -1;
    *rows = out;
    return 0;
}
