/* blocks.c -- the document builder's fixed blocks (see print.h): QR code with a caption,
 * signature blocks, and the "Nơi nhận" closing. */
#include "print_impl.h"

#include <qrencode.h>
#include <stdint.h>
#include <string.h>

/* ---- QR code -------------------------------------------------------------------------------- */

/* The modules as a 1-bit image, one pixel a module, scaled up without smoothing: the PDF gets
 * a small stencil mask (/ImageMask, /Interpolate false) that prints sharp at any size. Drawn
 * as one rectangle per run of dark modules instead, a slip took 3 ms longer to render (cairo's
 * PDF surface analyses every rectangle) and the file grew by 3 KB. */
/* cairo's A1 pixels fill 32-bit words from the low bit on little-endian machines, from the
 * high bit on big-endian ones */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define A1_BIT(i) (31 - (i))
#else
#define A1_BIT(i) (i)
#endif

static void draw_qr(pdoc *d, const QRcode *q, double x, double y, double size)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_A1, q->width, q->width);
    unsigned char *px = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    cairo_surface_flush(img);
    for (int r = 0; r < q->width; r++) {
        uint32_t *row = (uint32_t *)(void *)(px + (size_t)r * (size_t)stride);
        memset(row, 0, (size_t)stride);
        for (int c = 0; c < q->width; c++)
            if (q->data[(size_t)r * (size_t)q->width + (size_t)c] & 1)
                row[c / 32] |= (uint32_t)1 << A1_BIT(c % 32);
    }
    cairo_surface_mark_dirty(img);
    cairo_save(d->cr);
    cairo_translate(d->cr, x, y);
    cairo_scale(d->cr, size / q->width, size / q->width);
    cairo_pattern_t *p = cairo_pattern_create_for_surface(img);
    cairo_pattern_set_filter(p, CAIRO_FILTER_NEAREST);
    cairo_mask(d->cr, p);
    cairo_pattern_destroy(p);
    cairo_restore(d->cr);
    cairo_surface_destroy(img);
}

void pdoc_qr(pdoc *d, const char *data, double size_mm, const char *caption, unsigned flags)
{
    QRcode *q = QRcode_encodeString(pdoc_clean(d, data), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) {
        pdoc_fail(d, "QR code: the data cannot be encoded");
        return;
    }
    double size = size_mm * PDOC_MM, gap = 6 * PDOC_MM;   /* gap > the 4-module quiet zone */
    PangoLayout *l = pdoc_layout(d, caption ? caption : "", PDOC_MARKUP, PDOC_BODY_PT, PDOC_TEXT_W - size - gap);
    double ch = pdoc_layout_height(l);
    double h = ch > size ? ch : size;
    pdoc_need(d, h);
    bool left = flags & PDOC_LEFT;
    double qx = left ? PDOC_X0 : PDOC_X0 + PDOC_TEXT_W - size;
    double cx = left ? PDOC_X0 + size + gap : PDOC_X0;
    draw_qr(d, q, qx, d->y + (h - size) / 2, size);
    pdoc_draw_at(d, l, cx, d->y + (h - ch) / 2);
    g_object_unref(l);
    QRcode_free(q);
    d->y += h + 6;
}

/* ---- signatures ----------------------------------------------------------------------------- */

#define SIGN_SPACE (22 * PDOC_MM)   /* room for a signature (and a seal) */

typedef struct {
    PangoLayout *above, *caption, *note, *name;
    double h;
} sign_col;

static PangoLayout *maybe(pdoc *d, const char *s, unsigned flags, double size, double w)
{
    if (!s || !*s) return NULL;
    return pdoc_layout(d, s, flags | PDOC_CENTER, size, w);
}

static double hof(PangoLayout *l)
{
    return l ? pdoc_layout_height(l) : 0;
}

static void lay_signer(pdoc *d, const pdoc_signer *s, double w, sign_col *c)
{
    *c = (sign_col){0};
    if (!s) return;
    c->above = maybe(d, s->above, PDOC_ITALIC, PDOC_BODY_PT, w);
    c->caption = maybe(d, s->caption, PDOC_BOLD | PDOC_UPPER, PDOC_BODY_PT, w);
    c->note = maybe(d, s->note ? s->note : "(Ký và ghi rõ họ tên)", PDOC_ITALIC, PDOC_BODY_PT, w);
    c->name = maybe(d, s->name, PDOC_BOLD, PDOC_BODY_PT, w);
    c->h = hof(c->above) + hof(c->caption) + hof(c->note) + SIGN_SPACE + hof(c->name);
}

static void draw_signer(pdoc *d, sign_col *c, double x, double y)
{
    PangoLayout *parts[] = {c->above, c->caption, c->note};
    for (size_t i = 0; i < 3; i++) {
        if (!parts[i]) continue;
        pdoc_draw_at(d, parts[i], x, y);
        y += pdoc_layout_height(parts[i]);
        g_object_unref(parts[i]);
    }
    y += SIGN_SPACE;
    if (c->name) {
        pdoc_draw_at(d, c->name, x, y);
        g_object_unref(c->name);
    }
}

void pdoc_signatures(pdoc *d, const pdoc_signer *left, const pdoc_signer *right)
{
    double w = PDOC_TEXT_W / 2;
    sign_col l, r;
    lay_signer(d, left, w, &l);
    lay_signer(d, right, w, &r);
    double h = l.h > r.h ? l.h : r.h;
    pdoc_space(d, 6);
    pdoc_need(d, h);
    draw_signer(d, &l, PDOC_X0, d->y);
    draw_signer(d, &r, PDOC_X0 + w, d->y);
    d->y += h + 6;
}

void pdoc_closing(pdoc *d, const char *const *recipients, size_t n, const pdoc_signer *signer)
{
    double lw = PDOC_TEXT_W * 0.45, rw = PDOC_TEXT_W - lw;
    PangoLayout *head = pdoc_layout(d, "Nơi nhận:", PDOC_BOLD | PDOC_ITALIC, 12, lw);
    buf list;
    buf_init(&list, d->a);
    for (size_t i = 0; i < n; i++) {
        if (i) buf_putc(&list, '\n');
        buf_puts(&list, recipients[i] ? recipients[i] : "");
    }
    PangoLayout *items = pdoc_layout(d, buf_cstr(&list), 0, 11, lw);
    double left_h = pdoc_layout_height(head) + pdoc_layout_height(items);
    sign_col r;
    lay_signer(d, signer, rw, &r);
    double h = left_h > r.h ? left_h : r.h;
    pdoc_space(d, 6);
    pdoc_need(d, h);
    pdoc_draw_at(d, head, PDOC_X0, d->y);
    pdoc_draw_at(d, items, PDOC_X0, d->y + pdoc_layout_height(head));
    g_object_unref(head);
    g_object_unref(items);
    draw_signer(d, &r, PDOC_X0 + lw, d->y);
    d->y += h + 6;
}
