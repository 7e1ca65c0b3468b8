/* report.h -- what the report feature's pages share inside the feature (report_svg.c); the
 * feature's public interface is figures.h. */
#ifndef TT_REPORT_H
#define TT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/arena.h"
#include "figures.h"

typedef struct {
    const char *label;   /* a unit's name, a month */
    const char *text;    /* the value as printed: "92,5%", "–" */
    double value;
    bool has;            /* false: no value (drawn empty) */
    bool alert;          /* drawn in red (under the threshold the page chose) */
} report_bar;

/* A horizontal bar chart as an inline <svg>; percent scales bars to 100. In a. */
const char *report_svg_bars(arena *a, const char *title, const report_bar *bars, size_t n, bool percent);

#endif
