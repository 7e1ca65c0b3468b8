/* report_levels.c -- where each commune and department of a province stands in a year's
 * assessment cycle (report_impl.h, report_levels): its status, the level recognised, its
 * points and how many it lacks for the next level of its criteria set.
 *
 * Read from the cycle's table (assessments, migration 020) and the set it was assessed by
 * (assess.h): the points are the appraised total once appraised, else the self-assessed total;
 * the next level is the lowest level of the set above the recognised one (or above the
 * proposed one while not recognised), and the shortfall its min_total minus the points. */
#include <stdlib.h>
#include <string.h>

#include "../account/unit.h"
#include "../assess/assess.h"
#include "report_impl.h"

static int by_closeness(const void *pa, const void *pb)
{
    const level_row *a = pa, *b = pb;
    bool ka = a->next_level > 0 && a->short10 >= 0, kb = b->next_level > 0 && b->short10 >= 0;
    if (ka != kb) return ka ? -1 : 1;
    if (ka && a->short10 != b->short10) return a->short10 < b->short10 ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* The sets read so far (a province uses one or two a year): each is parsed once. */
#define SET_CACHE 16
typedef struct {
    int64_t id[SET_CACHE];
    assess_set set[SET_CACHE];
    bool ok[SET_CACHE];
    int n;
} set_cache;

static const assess_set *cached_set(db *d, arena *a, set_cache *c, int64_t set_id)
{
    for (int i = 0; i < c->n; i++)
        if (c->id[i] == set_id) return c->ok[i] ? &c->set[i] : NULL;
    int i = c->n < SET_CACHE ? c->n++ : SET_CACHE - 1;
    err e = {0};
    c->id[i] = set_id;
    c->ok[i] = !assess_set_load(d, a, set_id, &c->set[i], &e);
    return c->ok[i] ? &c->set[i] : NULL;
}

/* The next level of the set above `above` and its threshold; false when none. */
static bool next_of(const assess_set *s, int above, int *level, int *min10)
{
    bool found = false;
    for (int i = 0; s && i < s->nlevels; i++) {   /* highest first: the last one above wins */
        if (s->levels[i].level > above) {
            *level = s->levels[i].level;
            *min10 = s->levels[i].min_total10;
            found = true;
        }
    }
    return found;
}

int report_levels(db *d, arena *a, int64_t province_id, int year, level_row **rows, size_t *n, err *e)
{
    db_stmt *s = db_prepare(d, UNIT_SUBTREE_CTE("") "SELECT u.id, u.code, u.name, u.kind, "
                               "COALESCE(x.status, ''), COALESCE(x.proposed_level, 0), "
                               "CASE WHEN x.status = 'recognised' THEN COALESCE(x.recognised_level, 0) ELSE -1 END, "
                               "COALESCE(x.appraised_total10, x.self_total10, -1), COALESCE(x.set_id, 0) "
                               "FROM units u JOIN sub ON sub.id = u.id "
                               "LEFT JOIN assessments x ON x.unit_id = u.id AND x.year = ?2 "
                               "WHERE u.kind IN ('commune', 'department') ORDER BY u.name");
    if (!s) {
        err_set(e, 500, N_("Không đọc được kết quả đánh giá."), "report_levels: prepare");
        return -1;
    }
    db_bind_int(s, 1, province_id);
    db_bind_int(s, 2, year);
    size_t cap = 64, k = 0;
    level_row *out = arena_alloc(a, cap * sizeof *out);
    int64_t *sets = arena_alloc(a, cap * sizeof *sets);
    while (db_step(s) == DB_ROW) {
        if (k == cap) {
            level_row *bigger = arena_alloc(a, 2 * cap * sizeof *bigger);
            int64_t *bsets = arena_alloc(a, 2 * cap * sizeof *bsets);
            memcpy(bigger, out, cap * sizeof *out);
            memcpy(bsets, sets, cap * sizeof *sets);
            out = bigger;
            sets = bsets;
            cap *= 2;
        }
        out[k] = (level_row){
            .unit_id = db_col_int(s, 0),
            .code = arena_strdup(a, db_col_text(s, 1)),
            .name = arena_strdup(a, db_col_text(s, 2)),
            .kind = arena_strdup(a, db_col_text(s, 3)),
            .status = arena_strdup(a, db_col_text(s, 4)),
            .proposed = (int)db_col_int(s, 5),
            .recognised = (int)db_col_int(s, 6),
            .total10 = (int)db_col_int(s, 7),
            .short10 = -1,
        };
        sets[k] = db_col_int(s, 8);
        k++;
    }
    db_done(s);
    set_cache *cache = arena_alloc(a, sizeof *cache);
    cache->n = 0;
    for (size_t i = 0; i < k; i++) {
        level_row *r = &out[i];
        if (!sets[i] || r->total10 < 0) continue;
        int stands = r->recognised >= 0 ? r->recognised : 0;
        int level, min10;
        if (next_of(cached_set(d, a, cache, sets[i]), stands, &level, &min10)) {
            r->next_level = level;
            r->short10 = min10 > r->total10 ? min10 - r->total10 : 0;
        }
    }
    qsort(out, k, sizeof *out, by_closeness);
    *rows = out;
    *n = k;
    return 0;
}
