/* mime_decode.c -- test scaffolding: reads back what src/notify/message.c writes (a header's
 * unfolded value, RFC 2047 encoded words, a base64 body), independently of the writer, so
 * the tests and the fuzz target check the e-mail as a mail reader would. Included. */
#include <glib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The value of header `name` in msg (up to the blank line), unfolded; malloc'd, or NULL. */
static char *mime_header(const char *msg, const char *name)
{
    const char *end = strstr(msg, "\r\n\r\n");
    size_t nl = strlen(name);
    const char *p = msg;
    while (p && (!end || p < end)) {
        if (!strncasecmp(p, name, nl) && p[nl] == ':') {
            const char *v = p + nl + 1;
            if (*v == ' ') v++;   /* the one space after the colon */
            GString *out = g_string_new(NULL);
            for (;;) {
                const char *eol = strstr(v, "\r\n");
                if (!eol) eol = v + strlen(v);
                g_string_append_len(out, v, eol - v);
                if (eol[0] && (eol[2] == ' ' || eol[2] == '\t')) {   /* folded: CRLF WSP */
                    v = eol + 2;
                    continue;
                }
                break;
            }
            return g_string_free(out, FALSE);
        }
        p = strstr(p, "\r\n");
        if (p) p += 2;
    }
    return NULL;
}

/* Decodes =?UTF-8?B?...?= words; white space between two adjacent words is dropped. */
static char *mime_decode_words(const char *v)
{
    GString *out = g_string_new(NULL);
    const char *p = v;
    bool after_word = false;
    while (*p) {
        if (!strncmp(p, "=?UTF-8?B?", 10)) {
            const char *end = strstr(p + 10, "?=");
            if (!end) break;
            char *b64 = g_strndup(p + 10, (gsize)(end - p - 10));
            gsize len = 0;
            guchar *raw = g_base64_decode(b64, &len);
            g_string_append_len(out, (const char *)raw, (gssize)len);
            g_free(raw);
            g_free(b64);
            p = end + 2;
            after_word = true;
            continue;
        }
        if (after_word && (*p == ' ' || *p == '\t')) {
            const char *q = p;
            while (*q == ' ' || *q == '\t') q++;
            if (!strncmp(q, "=?UTF-8?B?", 10)) {
                p = q;
                continue;
            }
        }
        after_word = false;
        g_string_append_c(out, *p++);
    }
    return g_string_free(out, FALSE);
}

/* The body after the blank line, base64-decoded; malloc'd. */
static char *mime_body(const char *msg)
{
    const char *b = strstr(msg, "\r\n\r\n");
    if (!b) return g_strdup("");
    gsize len = 0;
    guchar *raw = g_base64_decode(b + 4, &len);   /* skips the CRLFs between lines */
    char *out = g_strndup((const char *)raw, len);
    g_free(raw);
    return out;
}
