/* report_impl.h -- what the files of src/report share and no other feature sees. */
#ifndef TT_REPORT_IMPL_H
#define TT_REPORT_IMPL_H

#include "report.h"

#define REPORT_MAX_LEVEL 10   /* levels a criteria set may define (assess.h ASSESS_MAX_LEVELS) */

/* A commune's or department's standing in a year's assessment cycle. */
typedef struct {
    int64_t unit_id;
    const char *code, *name, *kind;
    const char *status;         /* "" when no cycle this year; draft, submitted, returned, recognised */
    int proposed;               /* the level the unit asked for; 0 none */
    int recognised;             /* -1 when not (yet) recognised; 0 appraised at no level */
    int total10;                /* its points (appraised when appraised, else self), tenths; -1 none */
    int next_level;             /* the level above where it stands; 0 none (at the top or no set) */
    int short10;                /* points short of next_level; -1 unknown */
} level_row;

/* Every commune and department under the province with its standing in the year, sorted with
 * those closest to their next level (smallest short10) first, then by name. */
int report_levels(db *d, arena *a, int64_t province_id, int year, level_row **rows, size_t *n, err *e);

#endif
