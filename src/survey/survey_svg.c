/* survey_svg.c -- charts of a survey's results drawn on the server as inline SVG, so the
 * results page needs no script and prints as it shows. A horizontal bar chart: each choice on
 * its own line (Vietnamese labels are long), its bar under it scaled to the largest count,
 * and "count (percent)" after the bar. Every text that came from a user (question, options)
 * goes through xml_escaped (core/template.h); numbers are formatted here. */
#include <string.h>

#include "../core/template.h"
#include "survey.h"

/* "12,5%" (Vietnamese decimal comma) */
static const char *pct_text(arena *a, int64_t part, int64_t whole)
{
    if (whole <= 0) return "0%";
    char *s = arena_printf(a, "%.1f%%", 100.0 * (double)part / (double)whole);
    for (char *p = s; *p; p++)
        if (*p == '.') *p = ',';
    return s;
}

#define W 640
#define ROW 44
#define BAR_MAX 470

const char *survey_svg_bars(arena *a, const char *title, const svg_bar *bars, size_t n, int64_t total)
{
    int64_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (bars[i].count > max) max = bars[i].count;
    int h = (int)n * ROW + 8;
    buf b;
    buf_init(&b, a);
    buf_printf(&b,
               "<svg class=\"tt-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"100%%\" "
               "style=\"max-width:%dpx\" role=\"img\" font-family=\"Arial, sans-serif\" font-size=\"14\"><title>",
               W, h, W);
    buf_puts(&b, xml_escaped(a, title));
    buf_puts(&b, "</title>");
    for (size_t i = 0; i < n; i++) {
        int y = (int)i * ROW;
        int len = max > 0 ? (int)((double)BAR_MAX * (double)bars[i].count / (double)max) : 0;
        if (bars[i].count > 0 && len < 2) len = 2;
        buf_printf(&b, "<text x=\"0\" y=\"%d\" fill=\"#0b0c0c\">", y + 15);
        buf_puts(&b, xml_escaped(a, bars[i].label));
        buf_printf(&b, "</text><rect x=\"0\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#1d70b8\"/>", y + 21, len);
        buf_printf(&b, "<text x=\"%d\" y=\"%d\" fill=\"#0b0c0c\">%lld (%s)</text>", len + 6, y + 34,
                   (long long)bars[i].count, pct_text(a, bars[i].count, total));
    }
    buf_puts(&b, "</svg>");
    return buf_cstr(&b);
}
