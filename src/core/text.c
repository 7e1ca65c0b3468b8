/* text.c -- see text.h. GLib does the Unicode work; folding is ours because no library
 * folds đ (U+0111), which has no decomposition. */
#include "text.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

text_status text_clean(arena *a, const char *s, size_t n, bool allow_newlines,
                       size_t max_chars, char **out)
{
    *out = NULL;
    const char *end = NULL;
    if (!g_utf8_validate(s, (gssize)n, &end) || end != s + n) return TEXT_BAD_UTF8;
    buf b;
    buf_init(&b, a);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' && i + 1 < n && s[i + 1] == '\n') continue;
        if (c == '\r') c = '\n';
        if (c == '\n' && !allow_newlines) return TEXT_CONTROL_CHAR;
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) return TEXT_CONTROL_CHAR;
        buf_putc(&b, (char)c);
    }
    const char *raw = buf_cstr(&b);
    /* C1 controls (U+0080..U+009F) are as unwelcome as C0 ones. */
    for (const char *p = raw; *p; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        if (u >= 0x80 && u <= 0x9f) return TEXT_CONTROL_CHAR;
    }
    gchar *nfc = g_utf8_normalize(raw, -1, G_NORMALIZE_NFC);
    if (!nfc) return TEXT_BAD_UTF8;
    text_status shown = text_check_shown(nfc);
    if (shown != TEXT_OK) {
        g_free(nfc);
        return shown;
    }
    if (max_chars && (size_t)g_utf8_strlen(nfc, -1) > max_chars) {
        g_free(nfc);
        return TEXT_TOO_LONG;
    }
    *out = arena_strdup(a, nfc);
    g_free(nfc);
    return TEXT_OK;
}

static bool is_combining_mark(gunichar u)
{
    return (u >= 0x0300 && u <= 0x036f) || (u >= 0x1ab0 && u <= 0x1aff) ||
           (u >= 0x1dc0 && u <= 0x1dff) || (u >= 0x20d0 && u <= 0x20ff);
}

/* Bidi embeddings, overrides, isolates and marks; zero-width and other invisible format
 * characters (a soft hyphen, word joiner, byte-order mark, Mongolian vowel separator, tags). */
static bool is_hidden(gunichar u)
{
    return u == 0x00ad || u == 0x061c || u == 0x180e || (u >= 0x200b && u <= 0x200f) ||
           (u >= 0x202a && u <= 0x202e) || (u >= 0x2060 && u <= 0x2069) || u == 0xfeff ||
           (u >= 0xe0000 && u <= 0xe007f);
}

text_status text_check_shown(const char *s)
{
    int marks = 0;
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        if (is_hidden(u)) return TEXT_HIDDEN_CHAR;
        bool mark = is_combining_mark(u) || g_unichar_ismark(u);
        marks = mark ? marks + 1 : 0;
        if (marks > TEXT_MAX_MARKS) return TEXT_STACKED_MARKS;
    }
    return TEXT_OK;
}

char *text_fold(arena *a, const char *s)
{
    if (!s) return arena_strdup(a, "");
    gchar *nfd = g_utf8_normalize(s, -1, G_NORMALIZE_NFD);
    if (!nfd) return arena_strdup(a, "");
    buf b;
    buf_init(&b, a);
    bool pending_space = false;
    for (const char *p = nfd; *p; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        if (is_combining_mark(u)) continue;
        if (u == 0x0111 || u == 0x0110) u = 'd';   /* đ Đ */
        if (g_unichar_isspace(u) || u == '-' || u == ',' || u == '.' || u == '/' ||
            u == '(' || u == ')' || u == ';' || u == ':' || u == 0x2013 || u == 0x2014) {
            pending_space = b.len > 0;
            continue;
        }
        u = g_unichar_tolower(u);
        if (pending_space) buf_putc(&b, ' ');
        pending_space = false;
        char tmp[8];
        int len = g_unichar_to_utf8(u, tmp);
        buf_add(&b, tmp, (size_t)len);
    }
    g_free(nfd);
    return (char *)buf_cstr(&b);
}

char *text_trim(arena *a, const char *s)
{
    if (!s) return arena_strdup(a, "");
    const char *start = s;
    while (*start && g_unichar_isspace(g_utf8_get_char(start))) start = g_utf8_next_char(start);
    const char *end = start + strlen(start);
    while (end > start) {
        const char *prev = g_utf8_find_prev_char(start, end);
        if (!prev || !g_unichar_isspace(g_utf8_get_char(prev))) break;
        end = prev;
    }
    return arena_strndup(a, start, (size_t)(end - start));
}

size_t text_char_count(const char *s)
{
    return s ? (size_t)g_utf8_strlen(s, -1) : 0;
}

bool text_is_blank(const char *s)
{
    if (!s) return true;
    for (const char *p = s; *p; p = g_utf8_next_char(p))
        if (!g_unichar_isspace(g_utf8_get_char(p))) return false;
    return true;
}

/* "10.000" is ten thousand; "1.5" and "10.00" are not numbers of đồng or days. */
static bool separators_ok(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot) return true;
    if (dot - s < 1 || dot - s > 3) return false;
    for (const char *p = dot; *p; p += 4) {
        if (p[0] != '.') return false;
        for (int k = 1; k <= 3; k++)
            if (p[k] < '0' || p[k] > '9') return false;
    }
    return true;
}

bool text_parse_uint(const char *s, int64_t max, int64_t *out)
{
    if (!s || !*s || !separators_ok(s)) return false;
    int64_t v = 0;
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.') continue;
        if (*p < '0' || *p > '9') return false;
        int d = *p - '0';
        if (d > max || v > (max - d) / 10) return false;
        v = v * 10 + d;
        digits++;
    }
    if (!digits) return false;
    *out = v;
    return true;
}

char *text_money(arena *a, int64_t dong)
{
    char digits[32];
    /* through unsigned, so the most negative value has a magnitude too */
    unsigned long long mag = dong < 0 ? 0ull - (unsigned long long)dong : (unsigned long long)dong;
    snprintf(digits, sizeof digits, "%llu", mag);
    buf b;
    buf_init(&b, a);
    if (dong < 0) buf_putc(&b, '-');
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) buf_putc(&b, '.');
        buf_putc(&b, digits[i]);
    }
    return (char *)buf_cstr(&b);
}

/* Vietnamese phone numbers as people write them: spaces, dots, hyphens, a +84 or 84 prefix.
 * Mobile: 0 and nine digits starting 3, 5, 7, 8 or 9; landline: 0 and ten digits starting 2. */
bool text_phone_vn(const char *in, char out[16])
{
    char digits[24];
    size_t n = 0;
    if (!in) return false;
    const char *p = in;
    while (*p == ' ') p++;
    bool plus = *p == '+';
    if (plus) p++;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n + 1 >= sizeof digits) return false;
            digits[n++] = *p;
        } else if (*p != ' ' && *p != '.' && *p != '-') {
            return false;
        }
    }
    digits[n] = '\0';
    const char *rest;
    if ((plus || n == 11 || n == 12) && !strncmp(digits, "84", 2)) rest = digits + 2;   /* +84 912..., 84 912... */
    else if (plus) return false;
    else if (digits[0] == '0') rest = digits + 1;
    else return false;
    size_t len = strlen(rest);
    bool mobile = len == 9 && strchr("35789", rest[0]);
    bool landline = len == 10 && rest[0] == '2';
    if (!mobile && !landline) return false;
    out[0] = '0';
    memcpy(out + 1, rest, len + 1);   /* at most 11 bytes with the NUL */
    return true;
}

/* ---- SMS: GSM 03.38 ------------------------------------------------------------------------ */

/* 1 for the basic GSM-7 table, 2 for its extension (an escape and the character), 0 outside */
static int gsm7_septets(gunichar u)
{
    if (u == '\n' || u == '\r' || (u >= ' ' && u <= '_' && u != '`' && u != '[' && u != '\\' && u != ']' && u != '^') ||
        (u >= 'a' && u <= 'z'))
        return 1;
    if (u == '[' || u == '\\' || u == ']' || u == '^' || u == '{' || u == '|' || u == '}' || u == '~' || u == 0x20ac)
        return 2;
    static const gunichar basic[] = {0xa3,  0xa5,  0xe8,  0xe9,  0xf9,  0xec,  0xf2,  0xc7,  0xd8,  0xf8,  0xc5,
                                     0xe5,  0x394, 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e,
                                     0xc6,  0xe6,  0xdf,  0xc9,  0xa4,  0xa1,  0xc4,  0xd6,  0xd1,  0xdc,  0xa7,
                                     0xbf,  0xe4,  0xf6,  0xf1,  0xfc,  0xe0};
    for (size_t i = 0; i < sizeof basic / sizeof basic[0]; i++)
        if (basic[i] == u) return 1;
    return 0;
}

char *text_gsm7(arena *a, const char *s)
{
    gchar *nfd = g_utf8_normalize(s ? s : "", -1, G_NORMALIZE_NFD);
    if (!nfd) return arena_strdup(a, "");
    buf b;
    buf_init(&b, a);
    buf_add(&b, "", 0);
    for (const char *p = nfd; *p; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        if (is_combining_mark(u)) continue;
        const char *ascii = NULL;
        if (u == 0x0111) ascii = "d";
        else if (u == 0x0110) ascii = "D";
        else if (u == 0x2018 || u == 0x2019 || u == 0x201a || u == 0x2032 || u == '`' || u == 0xb4) ascii = "'";
        else if (u == 0x201c || u == 0x201d || u == 0x201e || u == 0x2033 || u == 0xab || u == 0xbb) ascii = "\"";
        else if (u == 0x2010 || u == 0x2011 || u == 0x2012 || u == 0x2013 || u == 0x2014 || u == 0x2212 ||
                 u == 0x2022 || u == 0xb7)
            ascii = "-";
        else if (u == 0x2026) ascii = "...";
        else if (u == '\t' || g_unichar_isspace(u)) ascii = u == '\n' ? "\n" : " ";
        if (ascii) {
            buf_puts(&b, ascii);
            continue;
        }
        char tmp[8];
        if (gsm7_septets(u)) buf_add(&b, tmp, (size_t)g_unichar_to_utf8(u, tmp));
        else buf_putc(&b, '?');
    }
    g_free(nfd);
    return (char *)buf_cstr(&b);
}

text_sms text_sms_parts(const char *s)
{
    text_sms out = {0};
    int septets = 0, utf16 = 0;
    bool gsm = true;
    for (const char *p = s ? s : ""; *p; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        int n = gsm7_septets(u);
        if (!n) gsm = false;
        septets += n;
        utf16 += u > 0xffff ? 2 : 1;
    }
    out.unicode = !gsm;
    out.units = gsm ? septets : utf16;
    int single = gsm ? 160 : 70, part = gsm ? 153 : 67;
    out.parts = out.units == 0 ? 0 : out.units <= single ? 1 : (out.units + part - 1) / part;
    return out;
}

char *text_code_printed(arena *a, const char *typed)
{
    char *out = arena_alloc(a, strlen(typed ? typed : "") + 1), *o = out;
    for (const char *p = typed ? typed : ""; *p; p++)
        if (!g_ascii_isspace(*p)) *o++ = g_ascii_toupper(*p);
    *o = '\0';
    return out;
}
