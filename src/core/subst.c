/* subst.c -- {{name}} placeholders in plain-text templates (subst.h). */
#include "subst.h"

#include <glib.h>
#include <string.h>

/* At p (which starts with "{{"): the name's index and the placeholder's length, or -1 when
 * this is not a placeholder of a known name (*len then covers what was read). */
static int placeholder(const char *p, const char *const *names, size_t n, size_t *len)
{
    const char *q = p + 2;
    while (*q == ' ') q++;
    const char *name = q;
    while ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_') q++;
    size_t nl = (size_t)(q - name);
    while (*q == ' ') q++;
    if (nl == 0 || nl > 32 || q[0] != '}' || q[1] != '}') {
        *len = (size_t)(q - p);
        return -1;
    }
    *len = (size_t)(q + 2 - p);
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == nl && !strncmp(names[i], name, nl)) return (int)i;
    return -1;
}

char *subst(arena *a, const char *tmpl, const char *const *names, size_t n, const char *const *values)
{
    buf b;
    buf_init(&b, a);
    const char *p = tmpl ? tmpl : "";
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            buf_puts(&b, p);
            break;
        }
        buf_add(&b, p, (size_t)(open - p));
        size_t len;
        int v = placeholder(open, names, n, &len);
        if (v < 0) {                      /* not ours: copy one brace and look again after it */
            buf_putc(&b, '{');
            p = open + 1;
            continue;
        }
        if (values && values[v]) buf_puts(&b, values[v]);
        p = open + len;
    }
    return (char *)buf_cstr(&b);
}

int subst_check(arena *a, const char *tmpl, const char *const *names, size_t n, const char **bad)
{
    *bad = NULL;
    for (const char *open = strstr(tmpl ? tmpl : "", "{{"); open; open = strstr(open, "{{")) {
        size_t len;
        if (placeholder(open, names, n, &len) < 0) {
            /* show it up to its closing braces, when they are near */
            const char *close = strstr(open + 2, "}}");
            size_t k = close && close + 2 - open <= 40 ? (size_t)(close + 2 - open) : strnlen(open, 40);
            const char *end = open + k;
            while (end > open && !g_utf8_validate(open, end - open, NULL)) end--;   /* whole characters */
            *bad = arena_strndup(a, open, (size_t)(end - open));
            return -1;
        }
        open += len;
    }
    return 0;
}
