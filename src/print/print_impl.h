/* print_impl.h -- the insides of the document builder, shared by print.c, table.c and
 * blocks.c only. Everyone else uses print.h. */
#ifndef TT_PRINT_IMPL_H
#define TT_PRINT_IMPL_H

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "print.h"

/* A4 portrait, or landscape (pdoc_open_landscape) with the same margins: the page's width and
 * height are the document's, so these read the document `d` in scope. */
#define PDOC_A4_SHORT (210.0 * PDOC_MM) /* 595.28 pt */
#define PDOC_A4_LONG (297.0 * PDOC_MM)  /* 841.89 pt */
#define PDOC_PAGE_W (d->page_w)
#define PDOC_PAGE_H (d->page_h)
#define PDOC_X0 (30.0 * PDOC_MM)        /* left margin */
#define PDOC_TEXT_W (PDOC_PAGE_W - 30.0 * PDOC_MM - 15.0 * PDOC_MM)
#define PDOC_Y0 (20.0 * PDOC_MM)        /* top margin */
#define PDOC_Y1 (PDOC_PAGE_H - 20.0 * PDOC_MM)   /* where the bottom margin starts */

struct pdoc {
    arena *a;
    buf pdf;                    /* cairo writes the PDF here */
    cairo_surface_t *surface;
    double page_w, page_h;      /* points: A4 portrait 595.28 x 841.89, landscape the other way */
    cairo_t *cr;
    PangoFontMap *fontmap;      /* borrowed from the pool until pdoc_finish */
    PangoContext *ctx;
    PangoFontDescription *font; /* Times New Roman 13 */
    int page;                   /* 1-based */
    int part_page;              /* the page the current part started on (pdoc_new_part) */
    double y;                   /* top of the free space on the page */
    const char *running;        /* pdoc_running_head: under the page number from page 2 */
    bool failed;
    char why[256];
};

PangoFontMap *pdoc_fontmap_take(void);
void pdoc_fontmap_give(PangoFontMap *fm);
void pdoc_fail(pdoc *d, const char *why);
const char *pdoc_clean(pdoc *d, const char *s);

/* A layout of text (flags: bold, italic, markup, upper, alignment) at size points wrapped to
 * width points (-1: no wrapping). The caller unrefs it. */
PangoLayout *pdoc_layout(pdoc *d, const char *text, unsigned flags, double size, double width);
double pdoc_layout_height(PangoLayout *l);
double pdoc_layout_width(PangoLayout *l);
void pdoc_draw_at(pdoc *d, PangoLayout *l, double x, double y);
void pdoc_hline(pdoc *d, double x0, double x1, double y);

void pdoc_new_page(pdoc *d);
bool pdoc_at_top(const pdoc *d);
void pdoc_need(pdoc *d, double h);          /* a new page unless h more points fit */
void pdoc_flow(pdoc *d, PangoLayout *l, double x);   /* draw, breaking pages between lines */

#endif
