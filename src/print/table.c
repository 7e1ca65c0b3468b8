/* table.c -- bordered tables for the document builder (see print.h): cells wrap their text,
 * a cell may span columns or join the cell above, rows are never split, a group of rows tied
 * by keep_next moves to the next page whole, and the header rows are drawn again at the top
 * of every page the table reaches. */
#include "print_impl.h"

#define PAD_X 3.0
#define PAD_Y 2.5

typedef struct {
    PangoLayout **cells;
    double h;
} laid_row;

static size_t span_of(const pdoc_cell *c)
{
    return c->span > 1 ? (size_t)c->span : 1;
}

/* Lays out every cell of r (widths from the column edges xs) and measures the row. */
static void lay_row(pdoc *d, const pdoc_table *t, const double *xs, const pdoc_row *r, bool header, double size,
                    laid_row *out)
{
    out->cells = arena_alloc(d->a, (r->ncells ? r->ncells : 1) * sizeof *out->cells);
    out->h = 0;
    size_t col = 0;
    for (size_t i = 0; i < r->ncells && col < t->ncols; i++) {
        const pdoc_cell *c = &r->cells[i];
        size_t span = span_of(c);
        if (col + span > t->ncols) span = t->ncols - col;
        double w = xs[col + span] - xs[col] - 2 * PAD_X;
        unsigned flags = c->flags;
        if (header) flags |= PDOC_BOLD | PDOC_CENTER;
        out->cells[i] = pdoc_layout(d, c->text ? c->text : "", flags, size, w);
        double h = pdoc_layout_height(out->cells[i]) + 2 * PAD_Y;
        if (c->min_height > h) h = c->min_height;
        if (h > out->h) out->h = h;
        col += span;
    }
}

static void free_row(const pdoc_row *r, laid_row *lr)
{
    for (size_t i = 0; i < r->ncells; i++)
        if (lr->cells[i]) g_object_unref(lr->cells[i]);
    lr->cells = NULL;
}

/* Draws a laid-out row with its top at d->y: text, the rule above each cell (unless it joins
 * the cell above) and the rules between cells. */
static void draw_row(pdoc *d, const pdoc_table *t, const double *xs, const pdoc_row *r, bool header, laid_row *lr)
{
    double y = d->y;
    size_t col = 0;
    for (size_t i = 0; i < r->ncells && col < t->ncols; i++) {
        const pdoc_cell *c = &r->cells[i];
        size_t span = span_of(c);
        if (col + span > t->ncols) span = t->ncols - col;
        double x0 = xs[col], x1 = xs[col + span];
        if (!(c->flags & PDOC_JOIN_UP)) pdoc_hline(d, x0, x1, y);
        cairo_move_to(d->cr, x0, y);
        cairo_line_to(d->cr, x0, y + lr->h);
        cairo_stroke(d->cr);
        double lh = pdoc_layout_height(lr->cells[i]);
        double ty = (header || (c->flags & PDOC_VCENTER)) ? y + (lr->h - lh) / 2 : y + PAD_Y;
        pdoc_draw_at(d, lr->cells[i], x0 + PAD_X, ty);
        col += span;
    }
    cairo_move_to(d->cr, xs[t->ncols], y);
    cairo_line_to(d->cr, xs[t->ncols], y + lr->h);
    cairo_stroke(d->cr);
    d->y = y + lr->h;
}

void pdoc_table_block(pdoc *d, const pdoc_table *t)
{
    if (!t->ncols || !t->widths || t->header_rows > t->nrows) {
        pdoc_fail(d, "table: no columns or more header rows than rows");
        return;
    }
    double size = t->size_pt > 0 ? t->size_pt : PDOC_BODY_PT;
    double *xs = arena_alloc(d->a, (t->ncols + 1) * sizeof *xs);
    double sum = 0;
    for (size_t i = 0; i < t->ncols; i++) sum += t->widths[i] > 0 ? t->widths[i] : 0;
    if (sum <= 0) {
        pdoc_fail(d, "table: column widths add up to nothing");
        return;
    }
    xs[0] = PDOC_X0;
    for (size_t i = 0; i < t->ncols; i++)
        xs[i + 1] = xs[i] + PDOC_TEXT_W * (t->widths[i] > 0 ? t->widths[i] : 0) / sum;

    size_t nh = t->header_rows;
    laid_row *hdr = arena_alloc(d->a, (nh ? nh : 1) * sizeof *hdr);
    double hh = 0;
    for (size_t i = 0; i < nh; i++) {
        lay_row(d, t, xs, &t->rows[i], true, size, &hdr[i]);
        hh += hdr[i].h;
    }
    laid_row *grp = arena_alloc(d->a, t->nrows * sizeof *grp + 1);
    double body_top = 0;   /* y under the header on the current page */

    size_t i = nh;
    bool first = true;
    do {
        /* the next group: rows tied by keep_next, ending at the first row without it */
        size_t j = i;
        double gh = 0;
        while (j < t->nrows) {
            lay_row(d, t, xs, &t->rows[j], false, size, &grp[j]);
            gh += grp[j].h;
            if (!t->rows[j++].keep_next) break;
        }
        bool new_page = false;
        if (first) {
            pdoc_need(d, hh + gh);    /* no header alone at the foot of a page */
            new_page = true;
            first = false;
        } else if (d->y + gh > PDOC_Y1 && d->y > body_top + 0.01) {
            pdoc_hline(d, xs[0], xs[t->ncols], d->y);
            pdoc_new_page(d);
            new_page = true;
        }
        if (new_page) {
            for (size_t k = 0; k < nh; k++) draw_row(d, t, xs, &t->rows[k], true, &hdr[k]);
            body_top = d->y;
        }
        for (size_t k = i; k < j; k++) {
            /* a group taller than a page breaks between its rows after all */
            if (d->y + grp[k].h > PDOC_Y1 && d->y > body_top + 0.01) {
                pdoc_hline(d, xs[0], xs[t->ncols], d->y);
                pdoc_new_page(d);
                for (size_t h = 0; h < nh; h++) draw_row(d, t, xs, &t->rows[h], true, &hdr[h]);
                body_top = d->y;
            }
            draw_row(d, t, xs, &t->rows[k], false, &grp[k]);
            free_row(&t->rows[k], &grp[k]);
        }
        i = j;
    } while (i < t->nrows);
    pdoc_hline(d, xs[0], xs[t->ncols], d->y);
    for (size_t k = 0; k < nh; k++) free_row(&t->rows[k], &hdr[k]);
    d->y += 6;
}
