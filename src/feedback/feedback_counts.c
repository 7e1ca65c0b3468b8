/* feedback_counts.c -- the citizen's voice of every unit of a subtree for a period, in one pass
 * of SQL (feedback.h, feedback_counts_by_unit), for the province's view and the assessment:
 *
 *   received           cases received in the period, every kind and channel;
 *   resolved           cases resolved (status 'resolved') in the period, by resolved_at;
 *   resolved_on_time   of those, resolved by their legal deadline: the resolution deadline as
 *                      extensions and suspensions moved it (due_at), else the acceptance one; a
 *                      case without any clock (biểu dương, an anonymous tố cáo kept as
 *                      information) cannot be late and counts as on time;
 *   complaints*        the same three for khiếu nại and tố cáo;
 *   overdue_open       cases received in the period still open now (received, accepted) past
 *                      the deadline running now (clock_at).
 * Refused, withdrawn and forwarded cases are received but never resolved. */
#include <string.h>

#include "../account/unit.h"
#include "feedback.h"

#define ON_TIME "(resolved_at <= COALESCE(due_at, accept_due_at) OR COALESCE(due_at, accept_due_at) IS NULL)"
#define RESOLVED_IN "(status = 'resolved' AND resolved_at >= ?2 AND resolved_at < ?3)"
#define RECEIVED_IN "(received_at >= ?2 AND received_at < ?3)"
#define COMPLAINT "kind IN ('khieu_nai', 'to_cao')"

int feedback_counts_by_unit(db *d, arena *a, int64_t root_id, int64_t from, int64_t to, int64_t now,
                            feedback_unit_counts **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    db_stmt *s = db_prepare(d, UNIT_SUBTREE_CTE("") "SELECT unit_id, "
        "SUM(CASE WHEN " RECEIVED_IN " THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN " RESOLVED_IN " THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN " RESOLVED_IN " AND " ON_TIME " THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN " RECEIVED_IN " AND " COMPLAINT " THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN " RESOLVED_IN " AND " COMPLAINT " THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN " RESOLVED_IN " AND " COMPLAINT " AND " ON_TIME " THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN " RECEIVED_IN " AND status IN ('received', 'accepted') AND clock_at < ?4 THEN 1 ELSE 0 END) "
        "FROM feedback WHERE unit_id IN (SELECT id FROM sub) AND (" RECEIVED_IN " OR " RESOLVED_IN ") "
        "GROUP BY unit_id ORDER BY unit_id");
    if (!s) return -1;
    db_bind_int(s, 1, root_id);
    db_bind_int(s, 2, from);
    db_bind_int(s, 3, to);
    db_bind_int(s, 4, now);
    size_t cap = 16;
    feedback_unit_counts *out = arena_alloc(a, cap * sizeof *out);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (*n == cap) {
            feedback_unit_counts *bigger = arena_alloc(a, 2 * cap * sizeof *bigger);
            memcpy(bigger, out, cap * sizeof *bigger);
            out = bigger;
            cap *= 2;
        }
        out[(*n)++] = (feedback_unit_counts){
            .unit_id = db_col_int(s, 0), .received = db_col_int(s, 1), .resolved = db_col_int(s, 2),
            .resolved_on_time = db_col_int(s, 3), .complaints = db_col_int(s, 4),
            .complaints_resolved = db_col_int(s, 5), .complaints_on_time = db_col_int(s, 6),
            .overdue_open = db_col_int(s, 7)};
    }
    db_done(s);
    if (rc != DB_DONE) return -1;
    *rows = out;
    return 0;
}
