/* print.c -- the A4 document builder (see print.h): page flow, text, header, tables,
 * signatures. Tables are in table.c, the QR code and signature blocks in blocks.c. Coordinates are PDF points from the top left. */
#include "print_impl.h"

#include <fontconfig/fontconfig.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/vntime.h"

/* ---- font maps -----------------------------------------------------------------------------
 * A Pango font map holds the matched fonts, their FreeType faces and shaping caches. It is not
 * thread-safe, but it may serve one document at a time in any thread: a document borrows a map
 * from this pool when it opens and gives it back when it finishes (the mutex orders the two
 * threads' uses). Measured with bench/slip_pdf.c, an appointment slip takes ~10 ms with a warm
 * map and ~25 ms with a new one (fonts matched and loaded again), so a map per document would
 * cost 2.5 times as much; a map per thread would be as slow for the server, whose workers
 * come and go with the load. The pool keeps as many maps as documents were ever rendered at once
 * (up to POOL_MAX). */
#define POOL_MAX 32
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;   /* (not GMutex: ThreadSanitizer sees this one) */
static PangoFontMap *pool[POOL_MAX];
static int pool_n;

PangoFontMap *pdoc_fontmap_take(void)
{
    pthread_mutex_lock(&pool_lock);
    PangoFontMap *fm = pool_n ? pool[--pool_n] : NULL;
    pthread_mutex_unlock(&pool_lock);
    if (!fm) {
        fm = pango_cairo_font_map_new();
        /* Pango assumes 96 dpi; at 72 a size in points is a size in PDF units. */
        pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(fm), 72.0);
    }
    return fm;
}

void pdoc_fontmap_give(PangoFontMap *fm)
{
    pthread_mutex_lock(&pool_lock);
    if (pool_n < POOL_MAX) {
        pool[pool_n++] = fm;
        fm = NULL;
    }
    pthread_mutex_unlock(&pool_lock);
    if (fm) g_object_unref(fm);
}

void print_shutdown(void)
{
    pthread_mutex_lock(&pool_lock);
    while (pool_n) g_object_unref(pool[--pool_n]);
    pthread_mutex_unlock(&pool_lock);
    cairo_debug_reset_static_data();
    FcFini();
}

/* ---- errors and text ------------------------------------------------------------------------ */

void pdoc_fail(pdoc *d, const char *why)
{
    if (!d->failed) {
        d->failed = true;
        snprintf(d->why, sizeof d->why, "%s", why);
    }
}

/* Valid UTF-8, no control characters but newline, NFC: what every string becomes before it
 * reaches Pango. NFD input (Unikey's "Unicode tổ hợp") would print correctly anyway, but its
 * extracted text (copy-paste, search, pdftotext) would differ from the NFC one. */
const char *print_clean(arena *a, const char *s)
{
    if (!s) return "";
    bool plain = true;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x80 || (*p < 0x20 && *p != '\n')) {
            plain = false;
            break;
        }
    if (plain) return s;
    gchar *valid = g_utf8_make_valid(s, -1);
    for (char *p = valid; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n') *p = ' ';
    gchar *nfc = g_utf8_normalize(valid, -1, G_NORMALIZE_NFC);
    g_free(valid);
    char *out = arena_strdup(a, nfc ? nfc : "");
    g_free(nfc);
    return out;
}

const char *pdoc_clean(pdoc *d, const char *s)
{
    return print_clean(d->a, s);
}

char *pdoc_escape(pdoc *d, const char *s)
{
    gchar *e = g_markup_escape_text(s ? s : "", -1);
    char *out = arena_strdup(d->a, e);
    g_free(e);
    return out;
}

static bool blank(const char *s)
{
    if (!s) return true;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n') return false;
    return true;
}

const char *pdoc_or_dots(pdoc *d, const char *s, int n)
{
    if (!blank(s)) return s;
    char *dots = arena_alloc(d->a, (size_t)n + 1);
    memset(dots, '.', (size_t)n);
    return dots;
}

/* ---- layouts -------------------------------------------------------------------------------- */

PangoLayout *pdoc_layout(pdoc *d, const char *text, unsigned flags, double size, double width)
{
    PangoLayout *l = pango_layout_new(d->ctx);
    PangoFontDescription *fd = pango_font_description_copy(d->font);
    pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE + 0.5));
    if (flags & PDOC_BOLD) pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    if (flags & PDOC_ITALIC) pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    if (flags & PDOC_CENTER)
        pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    else if (flags & PDOC_RIGHT)
        pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);

    text = pdoc_clean(d, text);
    if (flags & PDOC_MARKUP) {
        PangoAttrList *attrs = NULL;
        char *plain = NULL;
        GError *ge = NULL;
        if (pango_parse_markup(text, -1, 0, &attrs, &plain, NULL, &ge)) {
            pango_layout_set_text(l, plain, -1);
            pango_layout_set_attributes(l, attrs);
            pango_attr_list_unref(attrs);
            g_free(plain);
        } else {
            /* a programming error in the caller's markup: say so, print the raw text */
            pdoc_fail(d, ge ? ge->message : "bad markup");
            g_clear_error(&ge);
            pango_layout_set_text(l, text, -1);
        }
    } else if (flags & PDOC_UPPER) {
        gchar *up = g_utf8_strup(text, -1);
        pango_layout_set_text(l, up, -1);
        g_free(up);
    } else {
        pango_layout_set_text(l, text, -1);
    }
    return l;
}

double pdoc_layout_height(PangoLayout *l)
{
    PangoRectangle r;
    pango_layout_get_extents(l, NULL, &r);
    return (double)r.height / PANGO_SCALE;
}

double pdoc_layout_width(PangoLayout *l)
{
    PangoRectangle r;
    pango_layout_get_extents(l, NULL, &r);
    return (double)r.width / PANGO_SCALE;
}

/* Draws l with its top left at (x, y); no page logic. */
void pdoc_draw_at(pdoc *d, PangoLayout *l, double x, double y)
{
    cairo_move_to(d->cr, x, y);
    pango_cairo_show_layout(d->cr, l);
}

void pdoc_hline(pdoc *d, double x0, double x1, double y)
{
    cairo_move_to(d->cr, x0, y);
    cairo_line_to(d->cr, x1, y);
    cairo_stroke(d->cr);
}

/* ---- pages ---------------------------------------------------------------------------------- */

/* Page numbers: from page 2 of each part, centred in the top margin, 13 pt (Decree 30). */
static void page_number(pdoc *d)
{
    char n[16];
    snprintf(n, sizeof n, "%d", d->page - d->part_page + 1);
    PangoLayout *l = pdoc_layout(d, n, PDOC_CENTER, PDOC_BODY_PT, PDOC_TEXT_W);
    pdoc_draw_at(d, l, PDOC_X0, 8 * PDOC_MM);
    g_object_unref(l);
    if (d->running) {
        l = pdoc_layout(d, d->running, PDOC_ITALIC | PDOC_RIGHT, 11, PDOC_TEXT_W);
        pdoc_draw_at(d, l, PDOC_X0, 14 * PDOC_MM);
        g_object_unref(l);
    }
}

void pdoc_running_head(pdoc *d, const char *text)
{
    d->running = text && !blank(text) ? arena_strdup(d->a, text) : NULL;
}

void pdoc_new_page(pdoc *d)
{
    cairo_show_page(d->cr);
    d->page++;
    d->y = PDOC_Y0;
    page_number(d);
}

void pdoc_page_break(pdoc *d)
{
    pdoc_new_page(d);
}

void pdoc_new_part(pdoc *d)
{
    cairo_show_page(d->cr);
    d->page++;
    d->part_page = d->page;
    d->y = PDOC_Y0;
}

bool pdoc_at_top(const pdoc *d)
{
    return d->y <= PDOC_Y0 + 0.01;
}

void pdoc_need(pdoc *d, double h)
{
    if (d->y + h > PDOC_Y1 && !pdoc_at_top(d)) pdoc_new_page(d);
}

void pdoc_space(pdoc *d, double pt)
{
    if (pdoc_at_top(d)) return;
    d->y += pt;
}

/* Draws l at x, its top at d->y, line by line, starting a new page where a line would cross
 * the bottom margin; leaves d->y under the last line. */
void pdoc_flow(pdoc *d, PangoLayout *l, double x)
{
    PangoLayoutIter *it = pango_layout_get_iter(l);
    double origin = d->y;    /* page position of the layout's y = shift */
    double shift = 0;
    do {
        PangoRectangle r;
        pango_layout_iter_get_line_extents(it, NULL, &r);
        double top = (double)r.y / PANGO_SCALE, bottom = (double)(r.y + r.height) / PANGO_SCALE;
        if (origin + bottom - shift > PDOC_Y1 && origin + top - shift > PDOC_Y0 + 0.01) {
            pdoc_new_page(d);
            origin = d->y;
            shift = top;
        }
        double baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
        cairo_move_to(d->cr, x + (double)r.x / PANGO_SCALE, origin + baseline - shift);
        pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
        d->y = origin + bottom - shift;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

/* ---- the document --------------------------------------------------------------------------- */

static cairo_status_t write_pdf(void *closure, const unsigned char *data, unsigned int n)
{
    buf_add(closure, (const char *)data, n);
    return CAIRO_STATUS_SUCCESS;
}

static pdoc *open_sized(arena *a, const char *title, const char *author, const char *subject, bool landscape)
{
    pdoc *d = arena_alloc(a, sizeof *d);
    d->a = a;
    d->page_w = landscape ? PDOC_A4_LONG : PDOC_A4_SHORT;
    d->page_h = landscape ? PDOC_A4_SHORT : PDOC_A4_LONG;
    buf_init(&d->pdf, a);
    d->surface = cairo_pdf_surface_create_for_stream(write_pdf, &d->pdf, PDOC_PAGE_W, PDOC_PAGE_H);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, pdoc_clean(d, title));
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "Thân Thiện");
    if (author) cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_AUTHOR, pdoc_clean(d, author));
    if (subject)
        cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_SUBJECT, pdoc_clean(d, subject));
    d->cr = cairo_create(d->surface);
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    cairo_set_line_width(d->cr, 0.6);

    d->fontmap = pdoc_fontmap_take();
    d->ctx = pango_font_map_create_context(d->fontmap);
    pango_cairo_update_context(d->cr, d->ctx);
    /* Linear glyph positions: hinted metrics would round every advance to whole points and
     * make justified lines uneven in a PDF. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(d->ctx, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(d->ctx, FALSE);
    pango_context_set_language(d->ctx, pango_language_from_string("vi"));
    /* set by hand: parsed from "Times New Roman 13", "Roman" would be read as a style */
    d->font = pango_font_description_new();
    pango_font_description_set_family_static(d->font, "Times New Roman");
    pango_font_description_set_size(d->font, 13 * PANGO_SCALE);

    d->page = d->part_page = 1;
    d->y = PDOC_Y0;
    return d;
}

pdoc *pdoc_open(arena *a, const char *title, const char *author, const char *subject)
{
    return open_sized(a, title, author, subject, false);
}

pdoc *pdoc_open_landscape(arena *a, const char *title, const char *author, const char *subject)
{
    return open_sized(a, title, author, subject, true);
}

arena *pdoc_arena(pdoc *d)
{
    return d->a;
}

int pdoc_finish(pdoc *d, buf *out, err *e)
{
    cairo_status_t st = cairo_status(d->cr);
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surface);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(d->surface);
    cairo_surface_destroy(d->surface);
    g_object_unref(d->ctx);
    pdoc_fontmap_give(d->fontmap);
    pango_font_description_free(d->font);
    if (st != CAIRO_STATUS_SUCCESS) pdoc_fail(d, cairo_status_to_string(st));
    if (d->failed) {
        err_set(e, 500, N_("Không tạo được tệp PDF."), "pdf: %s", d->why);
        return -1;
    }
    buf_add(out, d->pdf.data, d->pdf.len);
    return 0;
}

/* ---- the Decree 30/2020 header -------------------------------------------------------------- */

/* The two columns reach 8 mm into the left margin, as the usual Word templates do, so the
 * national name fits on one line at 13 pt and "UBND PHƯỜNG …" at 12 pt bold in most units. */
#define HEADER_OUT (8 * PDOC_MM)
#define HEADER_RIGHT_W (96 * PDOC_MM)
#define HEADER_LEFT_W (PDOC_TEXT_W + HEADER_OUT - HEADER_RIGHT_W)

/* Draws a centred block in the column [x, x + w) with its top at y; returns its height.
 * A block that wraps is balanced -- made as narrow as it can be without one more line -- so
 * "TRUNG TÂM PHỤC VỤ / HÀNH CHÍNH CÔNG" rather than a last line of one word. *widest gets the
 * widest line's width. */
static double col_block(pdoc *d, const char *text, unsigned flags, double size, double x, double w, double y,
                        double *widest)
{
    PangoLayout *l = pdoc_layout(d, text, flags | PDOC_CENTER, size, w);
    int lines = pango_layout_get_line_count(l);
    if (lines > 1) {
        double lo = w / lines, hi = w;
        while (hi - lo > 1) {
            double mid = (lo + hi) / 2;
            pango_layout_set_width(l, (int)(mid * PANGO_SCALE));
            if (pango_layout_get_line_count(l) > lines)
                lo = mid;
            else
                hi = mid;
        }
        pango_layout_set_width(l, (int)(hi * PANGO_SCALE));
        x += (w - hi) / 2;
    }
    pdoc_draw_at(d, l, x, y);
    double h = pdoc_layout_height(l);
    if (widest) *widest = pdoc_layout_width(l);
    g_object_unref(l);
    return h;
}

void pdoc_header_block(pdoc *d, const pdoc_header *h)
{
    double lx = PDOC_X0 - HEADER_OUT, lw = HEADER_LEFT_W;
    double rx = lx + lw, rw = HEADER_RIGHT_W;
    double top = d->y;

    /* left: parent body, issuing body with a rule 40% of its width under it */
    double ly = top;
    if (!blank(h->parent_body)) ly += col_block(d, h->parent_body, PDOC_UPPER, 12, lx, lw, ly, NULL);
    if (!blank(h->body)) {
        double bw;
        ly += col_block(d, h->body, PDOC_UPPER | PDOC_BOLD, 12, lx, lw, ly, &bw);
        double rule = bw * 0.4;
        if (rule < 20 * PDOC_MM) rule = bw < 20 * PDOC_MM ? bw : 20 * PDOC_MM;
        ly += 3;
        pdoc_hline(d, lx + (lw - rule) / 2, lx + (lw + rule) / 2, ly);
        ly += 2;
    }

    /* right: the national name and motto, a rule as long as the motto */
    double ry = top, mw;
    ry += col_block(d, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", PDOC_BOLD, 13, rx, rw, ry, NULL);
    ry += col_block(d, "Độc lập - Tự do - Hạnh phúc", PDOC_BOLD, 13, rx, rw, ry, &mw);
    ry += 3;
    pdoc_hline(d, rx + (rw - mw) / 2, rx + (rw + mw) / 2, ry);
    ry += 2;

    /* "Số: …" and the place and date share a line under the taller column */
    double y = (ly > ry ? ly : ry) + 6;
    double left_end = y;
    if (!h->no_number) {
        const char *num;
        if (!blank(h->number))
            num = arena_printf(d->a, "Số: %s", h->number);
        else if (!blank(h->number_suffix))
            num = arena_printf(d->a, "Số: ………/%s", h->number_suffix);
        else
            num = "Số: ………";
        left_end += col_block(d, num, 0, PDOC_BODY_PT, lx, lw, y, NULL);
    }
    if (!blank(h->subject)) left_end += 2 + col_block(d, h->subject, 0, 12, lx, lw, left_end + 2, NULL);
    const char *dateline = arena_printf(d->a, "%s, %s", blank(h->place) ? "…………" : h->place,
                                        pdoc_date(d->a, h->date));
    double right_end = y + col_block(d, dateline, PDOC_ITALIC, PDOC_BODY_PT, rx, rw, y, NULL);

    d->y = (left_end > right_end ? left_end : right_end) + 10;
}

void pdoc_title(pdoc *d, const char *title, const char *subtitle)
{
    pdoc_need(d, 80);
    pdoc_space(d, 6);
    PangoLayout *l = pdoc_layout(d, title, PDOC_BOLD | PDOC_CENTER | PDOC_UPPER, PDOC_TITLE_PT, PDOC_TEXT_W);
    pdoc_flow(d, l, PDOC_X0);
    g_object_unref(l);
    if (!blank(subtitle)) {
        PangoLayout *s = pdoc_layout(d, subtitle, PDOC_BOLD | PDOC_CENTER, PDOC_TITLE_PT, PDOC_TEXT_W);
        pdoc_flow(d, s, PDOC_X0);
        double w = pdoc_layout_width(s) * 0.4;
        g_object_unref(s);
        d->y += 5;   /* clear of the descenders: a rule, not an underline */
        pdoc_hline(d, PDOC_X0 + (PDOC_TEXT_W - w) / 2, PDOC_X0 + (PDOC_TEXT_W + w) / 2, d->y);
    }
    d->y += 12;
}

/* ---- text blocks ---------------------------------------------------------------------------- */

void pdoc_par_ex(pdoc *d, const char *text, unsigned flags, double size, double after)
{
    if (size <= 0) size = PDOC_BODY_PT;
    PangoLayout *l = pdoc_layout(d, text, flags, size, PDOC_TEXT_W);
    if (!(flags & (PDOC_CENTER | PDOC_RIGHT | PDOC_LEFT))) pango_layout_set_justify(l, TRUE);
    if (!(flags & (PDOC_NOINDENT | PDOC_CENTER | PDOC_RIGHT)))
        pango_layout_set_indent(l, (int)(PDOC_INDENT_PT * PANGO_SCALE));
    /* a heading-like line kept with what follows: want it and two more lines on this page */
    if (flags & PDOC_KEEP_NEXT) pdoc_need(d, pdoc_layout_height(l) + 2.5 * size);
    pdoc_flow(d, l, PDOC_X0);
    g_object_unref(l);
    d->y += after;
}

void pdoc_par(pdoc *d, const char *text, unsigned flags)
{
    pdoc_par_ex(d, text, flags, PDOC_BODY_PT, PDOC_PARA_GAP_PT);
}

/* "label: value", or "label: ......" with dots to the end of the line when value is blank. */
static PangoLayout *field_layout(pdoc *d, const pdoc_field *f, double w)
{
    const char *label = pdoc_escape(d, pdoc_clean(d, f->label));
    if (!blank(f->value)) {
        const char *v = pdoc_escape(d, pdoc_clean(d, f->value));
        const char *m = (f->flags & PDOC_BOLD) ? arena_printf(d->a, "%s: <b>%s</b>", label, v)
                                                : arena_printf(d->a, "%s: %s", label, v);
        return pdoc_layout(d, m, PDOC_MARKUP, PDOC_BODY_PT, w);
    }
    PangoLayout *probe = pdoc_layout(d, arena_printf(d->a, "%s: ", label), PDOC_MARKUP, PDOC_BODY_PT, -1);
    double lw = pdoc_layout_width(probe);
    pango_layout_set_text(probe, "..........", -1);
    double dot = pdoc_layout_width(probe) / 10;
    g_object_unref(probe);
    double room = w - lw - 1;
    if (room < 0) room = w - 1;   /* the label itself wraps: dots on its last line, roughly */
    int n = (int)(room / dot);
    if (n < 3) n = 3;
    return pdoc_layout(d, arena_printf(d->a, "%s: %s", label, pdoc_or_dots(d, NULL, n)), PDOC_MARKUP,
                       PDOC_BODY_PT, w);
}

void pdoc_fields(pdoc *d, const pdoc_field *f, size_t n)
{
    if (n == 0) return;
    double w = PDOC_TEXT_W / (double)n;
    if (n == 1) {
        PangoLayout *l = field_layout(d, f, w);
        pdoc_flow(d, l, PDOC_X0);
        g_object_unref(l);
        d->y += 3;
        return;
    }
    PangoLayout **ls = arena_alloc(d->a, n * sizeof *ls);
    double h = 0;
    for (size_t i = 0; i < n; i++) {
        ls[i] = field_layout(d, &f[i], w - 4);
        double hi = pdoc_layout_height(ls[i]);
        if (hi > h) h = hi;
    }
    pdoc_need(d, h);
    for (size_t i = 0; i < n; i++) {
        pdoc_draw_at(d, ls[i], PDOC_X0 + w * (double)i, d->y);
        g_object_unref(ls[i]);
    }
    d->y += h + 3;
}

void pdoc_field_line(pdoc *d, const char *label, const char *value, unsigned flags)
{
    pdoc_field f = {label, value, flags};
    pdoc_fields(d, &f, 1);
}

/* ---- dates ---------------------------------------------------------------------------------- */

void pdoc_vn_time(int64_t t, int *year, int *month, int *day, int *hour, int *minute)
{
    vn_civil c;
    vn_civil_time(t, &c);
    if (year) *year = c.year;
    if (month) *month = c.month;
    if (day) *day = c.day;
    if (hour) *hour = c.hour;
    if (minute) *minute = c.minute;
}

const char *pdoc_date(arena *a, int64_t t)
{
    if (!t) return "ngày …… tháng …… năm ………";
    int y, m, dd;
    pdoc_vn_time(t, &y, &m, &dd, NULL, NULL);
    /* Decree 30: a 0 before days under 10 and before months 1 and 2 */
    return arena_printf(a, "ngày %02d tháng %s%d năm %d", dd, m <= 2 ? "0" : "", m, y);
}

const char *pdoc_time_date(arena *a, int64_t t)
{
    if (!t) return "…… giờ …… phút, ngày …… tháng …… năm ………";
    int h, mi;
    pdoc_vn_time(t, NULL, NULL, NULL, &h, &mi);
    return arena_printf(a, "%02d giờ %02d phút, %s", h, mi, pdoc_date(a, t));
}
