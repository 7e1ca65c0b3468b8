/* report_svg.c -- the province's charts drawn on the server as inline SVG (the style of
 * survey_svg.c): one horizontal bar per line, its label above it, the bar scaled to 100 for
 * rates (else to the largest value), the value's text after it; a line without a value says
 * "–". Labels are unit names and months; every one goes through xml_escaped (core/template.h). */
#include <string.h>

#include "../core/template.h"
#include "report.h"

#define W 640
#define ROW 40
#define BAR_MAX 500

const char *report_svg_bars(arena *a, const char *title, const report_bar *bars, size_t n, bool percent)
{
    double max = percent ? 100.0 : 0.0;
    for (size_t i = 0; i < n; i++)
        if (bars[i].has && bars[i].value > max) max = bars[i].value;
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
        int len = bars[i].has && max > 0 ? (int)((double)BAR_MAX * bars[i].value / max) : 0;
        if (bars[i].has && bars[i].value > 0 && len < 2) len = 2;
        buf_printf(&b, "<text x=\"0\" y=\"%d\" fill=\"#0b0c0c\">", y + 14);
        buf_puts(&b, xml_escaped(a, bars[i].label));
        buf_printf(&b, "</text><rect x=\"0\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"%s\"/>", y + 19, len,
                   bars[i].alert ? "#d4351c" : "#1d70b8");
        buf_printf(&b, "<text x=\"%d\" y=\"%d\" fill=\"#0b0c0c\">", len + 6, y + 31);
        buf_puts(&b, xml_escaped(a, bars[i].text));
        buf_puts(&b, "</text>");
    }
    buf_puts(&b, "</svg>");
    return buf_cstr(&b);
}
