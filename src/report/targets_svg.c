/* targets_svg.c -- the targets dashboard's chart, drawn on the server as inline SVG (no
 * script; it prints as it shows), in the manner of src/survey/survey_svg.c: one line per
 * target, its label above, a bar of the share reached (0-100 %, or the count for the level-4
 * target against a scale of twice the target), a dark mark where the target stands, the bar
 * green when met and red when not, and "share / target" after it. The labels are the
 * program's own (translated) words, escaped all the same. */
#include <string.h>

#include "../core/template.h"
#include "report_impl.h"

/* "12,5" with a Vietnamese decimal comma, no ",0" */
static const char *num(arena *a, double v)
{
    char *s = arena_printf(a, "%.1f", v);
    size_t n = strlen(s);
    if (n > 2 && !strcmp(s + n - 2, ".0")) s[n - 2] = 0;
    for (char *p = s; *p; p++)
        if (*p == '.') *p = ',';
    return s;
}

#define W 640
#define ROW 48
#define BAR 460

const char *targets_svg(arena *a, const char *title, const char *const labels[3], const target_eval *ev)
{
    int shown = 0;
    for (int k = 0; k < 3; k++) shown += ev->lines[k].set;
    buf b;
    buf_init(&b, a);
    buf_printf(&b,
               "<svg class=\"tt-chart\" id=\"tt-targets-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
               "width=\"100%%\" style=\"max-width:%dpx\" role=\"img\" font-family=\"Arial, sans-serif\" font-size=\"14\"><title>",
               W, shown * ROW + 8, W);
    xml_escape(&b, title);
    buf_puts(&b, "</title>");
    int row = 0;
    for (int k = 0; k < 3; k++) {
        const target_line *l = &ev->lines[k];
        if (!l->set) continue;
        int y = row++ * ROW;
        bool count = k == TARGET_LEVEL4;
        double scale = count ? 2.0 * l->target : 100.0;   /* a count: the target sits mid-way */
        double value = count ? l->have : l->share, goal = count ? l->target : l->target;
        int len = (int)(BAR * (value > scale ? 1.0 : value / scale));
        int mark = (int)(BAR * goal / scale);
        buf_printf(&b, "<text x=\"0\" y=\"%d\" fill=\"#0b0c0c\">", y + 15);
        xml_escape(&b, labels[k]);
        buf_printf(&b,
                   "</text><rect x=\"0\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#f3f2f1\"/>"
                   "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"%s\"/>"
                   "<rect x=\"%d\" y=\"%d\" width=\"3\" height=\"24\" fill=\"#0b0c0c\"/>",
                   y + 21, BAR, y + 21, len, l->met ? "#00703c" : "#d4351c", mark > 1 ? mark - 1 : 0, y + 18);
        if (count)
            buf_printf(&b, "<text x=\"%d\" y=\"%d\" fill=\"#0b0c0c\">%d / %d</text>", BAR + 8, y + 35, l->have, l->target);
        else
            buf_printf(&b, "<text x=\"%d\" y=\"%d\" fill=\"#0b0c0c\">%s%% / %d%%</text>", BAR + 8, y + 35,
                       num(a, l->share), l->target);
    }
    buf_puts(&b, "</svg>");
    return buf_cstr(&b);
}
