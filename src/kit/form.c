/* form.c -- see form.h. Percent-decoding is MHD's own (MHD_http_unescape); what is ours
 * is the splitting and the strictness: a '%' not followed by two hex digits is an error
 * rather than something to pass through. */
#include "form.h"

#include <ctype.h>
#include <glib.h>
#include <microhttpd.h>
#include <string.h>

static bool escapes_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '%' && (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2])))
            return false;
    return true;
}

static char *decode(arena *a, const char *s, size_t n, size_t *out_len)
{
    char *d = arena_strndup(a, s, n);
    for (char *p = d; *p; p++)
        if (*p == '+') *p = ' ';
    *out_len = MHD_http_unescape(d);
    d[*out_len] = '\0';
    return d;
}

int form_parse_urlencoded(arena *a, const char *data, size_t len, kv **out)
{
    *out = NULL;
    kv *tail = NULL;
    int count = 0;
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && data[end] != '&') end++;
        if (end > i) {
            if (++count > FORM_MAX_FIELDS) return -1;
            const char *field = data + i;
            size_t flen = end - i;
            const char *eq = memchr(field, '=', flen);
            size_t klen = eq ? (size_t)(eq - field) : flen;
            if (!escapes_ok(field, flen)) return -1;
            kv *k = arena_alloc(a, sizeof *k);
            size_t n;
            k->name = decode(a, field, klen, &n);
            if (strlen(k->name) != n) return -1;   /* %00 in a name */
            k->value = eq ? decode(a, eq + 1, flen - klen - 1, &k->len) : arena_strdup(a, "");
            if (tail) tail->next = k;
            else *out = k;
            tail = k;
        }
        i = end + 1;
    }
    return 0;
}

void form_url_encode(arena *a, const char *s, char **out)
{
    static const char hex[] = "0123456789ABCDEF";
    buf b;
    buf_init(&b, a);
    buf_add(&b, "", 0);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~' || *p == '/') {
            buf_putc(&b, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            buf_add(&b, e, 3);
        }
    }
    *out = (char *)buf_cstr(&b);
}

bool form_path_ok(const char *path)
{
    if (!path || path[0] != '/') return false;
    if (!g_utf8_validate(path, -1, NULL)) return false;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return false;
    return true;
}

bool form_local_path(const char *s)
{
    return s && s[0] == '/' && s[1] != '/' && s[1] != '\\' && form_path_ok(s) && !strchr(s, '\n');
}
