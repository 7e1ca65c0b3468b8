/* report_levels.c -- where each commune and department of a province stands in a year's
 * assessment cycle (report_impl.h, report_levels), read through the cycle feature's face
 * (assess/cycle.h, cycle_levels): the level recognised, the points as they stand (appraised
 * once appraised, else self-assessed), the next level and the points short of it; sorted with
 * those closest to their next level first. */
#include <stdlib.h>
#include <string.h>

#include "../assess/cycle.h"
#include "report_impl.h"

static int by_closeness(const void *pa, const void *pb)
{
    const level_row *a = pa, *b = pb;
    bool ka = a->next_level > 0 && a->short10 >= 0, kb = b->next_level > 0 && b->short10 >= 0;
    if (ka != kb) return ka ? -1 : 1;
    if (ka && a->short10 != b->short10) return a->short10 < b->short10 ? -1 : 1;
    return strcmp(a->name, b->name);
}

int report_levels(db *d, arena *a, int64_t province_id, int year, level_row **rows, size_t *n, err *e)
{
    cycle_level *cl = NULL;
    size_t k = 0;
    if (cycle_levels(d, a, province_id, year, &cl, &k, e)) return -1;
    level_row *out = arena_alloc(a, (k ? k : 1) * sizeof *out);
    for (size_t i = 0; i < k; i++) {
        const cycle_level *c = &cl[i];
        int total = c->appraised_total10 >= 0 ? c->appraised_total10 : c->self_total10;
        /* "close to the next level": only a unit with a cycle this year has points to speak of */
        bool scored = c->assessment_id > 0 && total >= 0 && c->next_level > 0;
        out[i] = (level_row){
            .unit_id = c->unit_id,
            .code = c->code,
            .name = c->name,
            .kind = c->kind,
            .status = c->status ? c->status : "",
            .proposed = c->proposed_level < 0 ? 0 : c->proposed_level,
            .recognised = c->recognised_level,
            .level = c->level,
            .total10 = total,
            .next_level = scored ? c->next_level : 0,
            .short10 = scored ? c->to_next10 : -1,
        };
    }
    qsort(out, k, sizeof *out, by_closeness);
    *rows = out;
    *n = k;
    return 0;
}
