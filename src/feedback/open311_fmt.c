/* open311_fmt.c -- reading an app's Open311 input and writing XML answers (open311_fmt.h).
 * Pure: the fuzz target tests/fuzz/fuzz_open311.c links this file with core alone. */
#include "open311_fmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/calendar.h"
#include "../core/vntime.h"

static bool code_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool code_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64) return false;
    for (size_t i = 0; i < n; i++)
        if (!code_char(s[i])) return false;
    return true;
}

o311_format o311_split(const char *file, char name[65])
{
    name[0] = '\0';
    const char *dot = file ? strrchr(file, '.') : NULL;
    if (!dot || !code_ok(file, (size_t)(dot - file))) return O311_BAD;
    o311_format f = !strcmp(dot, ".json") ? O311_JSON : !strcmp(dot, ".xml") ? O311_XML : O311_BAD;
    if (f == O311_BAD) return O311_BAD;
    memcpy(name, file, (size_t)(dot - file));
    name[dot - file] = '\0';
    return f;
}

/* exactly n digits at s */
static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool o311_parse_datetime(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (!s || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
        return false;
    if (y < 1970 || !cal_valid_ymd(y, mo, d)) return false;
    int64_t day = cal_from_ymd(y, mo, d);
    const char *p = s + 10;
    if (!*p) {   /* a date alone: midnight in Vietnam */
        *out = day * 86400 - VN_UTC_OFFSET;
        return true;
    }
    if (*p != 'T' || !digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi)) return false;
    p += 6;
    if (*p == ':') {
        if (!digits(p + 1, 2, &sec)) return false;
        p += 3;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9') return false;
            while (*p >= '0' && *p <= '9') p++;
        }
    }
    if (h > 23 || mi > 59 || sec > 59) return false;
    int64_t zone = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int zh, zm;
        if (!digits(p + 1, 2, &zh) || p[3] != ':' || !digits(p + 4, 2, &zm) || zh > 14 || zm > 59) return false;
        zone = (int64_t)(zh * 3600 + zm * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;   /* a time needs its zone */
    }
    if (*p) return false;
    *out = day * 86400 + h * 3600 + mi * 60 + sec - zone;
    return true;
}

void o311_datetime(int64_t t, char out[32])
{
    vn_civil c;
    vn_civil_time(t, &c);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year, c.month, c.day, c.hour, c.minute,
             c.second);
}

bool o311_parse_degree(const char *s, double lo, double hi, double *out)
{
    if (!s) return false;
    const char *p = s;
    if (*p == '-' || *p == '+') p++;
    size_t whole = strspn(p, "0123456789");
    if (whole == 0 || whole > 3) return false;
    p += whole;
    if (*p == '.') {
        size_t frac = strspn(p + 1, "0123456789");
        if (frac == 0 || frac > 15) return false;
        p += 1 + frac;
    }
    if (*p) return false;
    double v = strtod(s, NULL);
    if (!isfinite(v) || v < lo || v > hi) return false;
    *out = v;
    return true;
}

int o311_split_list(arena *a, const char *s, const char **items, int max)
{
    int n = 0;
    while (s && *s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        const char *b = s, *e = s + len;
        while (b < e && *b == ' ') b++;
        while (e > b && e[-1] == ' ') e--;
        if (e > b) {
            if (e - b > 64 || n >= max) return -1;
            items[n++] = arena_strndup(a, b, (size_t)(e - b));
        }
        if (!comma) break;
        s = comma + 1;
    }
    return n;
}

bool o311_attribute_field(const char *name, char code[65], bool *multi)
{
    static const char pre[] = "attribute[";
    code[0] = '\0';
    if (!name || strncmp(name, pre, sizeof pre - 1)) return false;
    const char *b = name + sizeof pre - 1;
    const char *close = strchr(b, ']');
    if (!close || !code_ok(b, (size_t)(close - b))) return false;
    if (!strcmp(close, "]")) *multi = false;
    else if (!strcmp(close, "][]")) *multi = true;
    else return false;
    memcpy(code, b, (size_t)(close - b));
    code[close - b] = '\0';
    return true;
}

/* ---- XML ------------------------------------------------------------------------------ */

/* The length of the UTF-8 sequence at s (of n bytes) when it is a character XML 1.0 allows,
 * else 0 (the byte is dropped). */
static size_t xml_char(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
    size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (c > 0xF4 || len == 0 || len > n) return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    uint32_t cp = len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t i = 1; i < len; i++) cp = (cp << 6) | (s[i] & 0x3F);
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;   /* overlong */
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) return 0;
    return len;
}

void o311_put_escaped(buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t len = xml_char(u + i, n - i);
        if (len == 0) {
            i++;
            continue;
        }
        if (len == 1) {
            switch (u[i]) {
            case '&': buf_puts(b, "&amp;"); break;
            case '<': buf_puts(b, "&lt;"); break;
            case '>': buf_puts(b, "&gt;"); break;
            case '"': buf_puts(b, "&quot;"); break;
            case '\'': buf_puts(b, "&apos;"); break;
            case '\r': buf_puts(b, "&#13;"); break;   /* kept through parsers' line-end normalisation */
            default: buf_putc(b, (char)u[i]);
            }
        } else {
            buf_add(b, s + i, len);
        }
        i += len;
    }
}

/* The element name of an item of the array named name. */
static const char *item_name(const char *name)
{
    static const char *const pairs[][2] = {
        {"services", "service"}, {"service_requests", "request"}, {"errors", "error"},
        {"attributes", "attribute"}, {"values", "value"}, {"endpoints", "endpoint"}, {"formats", "format"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (!strcmp(name, pairs[i][0])) return pairs[i][1];
    return "item";
}

/* An element name from a document key: the keys are the program's own, but the writer
 * never emits a name that is not one. */
static bool name_ok(const char *k)
{
    if (!*k || !((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_')) return false;
    return code_ok(k, strlen(k));
}

static void element(buf *b, const char *name, json_t *v, int depth)
{
    if (!name_ok(name) || depth > 16) return;
    buf_printf(b, "<%s>", name);
    if (json_is_array(v)) {
        size_t i;
        json_t *it;
        const char *in = item_name(name);
        json_array_foreach(v, i, it) element(b, in, it, depth + 1);
    } else if (json_is_object(v)) {
        const char *k;
        json_t *it;
        json_object_foreach(v, k, it) element(b, k, it, depth + 1);
    } else if (json_is_string(v)) {
        o311_put_escaped(b, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        buf_printf(b, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        buf_printf(b, "%.9g", json_real_value(v));
    } else if (json_is_true(v)) {
        buf_puts(b, "true");
    } else if (json_is_false(v)) {
        buf_puts(b, "false");
    }
    buf_printf(b, "</%s>", name);
}

const char *o311_xml(arena *a, json_t *doc, const char *root)
{
    buf b;
    buf_init(&b, a);
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    element(&b, root, doc, 0);
    buf_putc(&b, '\n');
    return buf_cstr(&b);
}
