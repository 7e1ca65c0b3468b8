/* fuzz_open311.c -- libFuzzer target for src/feedback/open311_fmt.c: what an Open311 app
 * sends (a path's format suffix, W3C datetimes, degrees, comma-delimited lists, attribute[...]
 * field names) and the XML written from any text.
 *
 * The input is used whole by every reader, and as the string value of the XML document.
 * Properties (abort() when violated):
 *   - o311_split: a name only with O311_JSON/O311_XML, 1-64 bytes of [A-Za-z0-9_-], and
 *     name + ".json"/".xml" is the input;
 *   - o311_parse_datetime: an accepted time written back by o311_datetime (+07:00) reads as
 *     the same instant;
 *   - o311_parse_degree: an accepted value is within its bounds;
 *   - o311_split_list: items 1-64 bytes without commas or edge spaces, at most max;
 *   - o311_attribute_field: a code of 1-64 bytes of [A-Za-z0-9_-] that the name contains;
 *   - o311_xml: valid UTF-8 with no control character but LF; every '<' opens a tag, every
 *     '&' one of the six entities; the text, unescaped, is the input with the characters XML
 *     cannot carry dropped (a subsequence of it). */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/feedback/open311_fmt.h"

#define CHECK(cond)                                                                                   \
    do {                                                                                              \
        if (!(cond)) {                                                                                \
            fprintf(stderr, "fuzz_open311: property violated: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort();                                                                                  \
        }                                                                                             \
    } while (0)

static bool code_chars(const char *s, size_t n)
{
    if (n == 0 || n > 64) return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", s[i]) || !s[i]) return false;
    return true;
}

/* Minimal UTF-8 validity (what o311_put_escaped lets through). */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!len || i + len > n) return false;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80) return false;
        i += len;
    }
    return true;
}

static void check_xml(arena *a, const char *in, size_t n)
{
    json_t *doc = json_pack("[{s:o}]", "description", json_stringn_nocheck(in, n));
    const char *x = o311_xml(a, doc, "service_requests");
    json_decref(doc);
    size_t len = strlen(x);
    CHECK(utf8_ok((const unsigned char *)x, len));
    const char *open = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request><description>";
    const char *close = "</description></request></service_requests>\n";
    CHECK(!strncmp(x, open, strlen(open)));
    CHECK(len >= strlen(open) + strlen(close) && !strcmp(x + len - strlen(close), close));
    const char *t = x + strlen(open), *end = x + len - strlen(close);
    static const char *const ents[][2] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},
                                          {"&quot;", "\""}, {"&apos;", "'"}, {"&#13;", "\r"}};
    size_t j = 0;   /* position in the input: the unescaped text must be a subsequence */
    while (t < end) {
        char c = *t;
        CHECK(c != '<' && c != '>');
        CHECK((unsigned char)c >= 0x20 || c == '\n' || c == '\t');
        const char *one = t;
        size_t step = 1;
        if (c == '&') {
            one = NULL;
            for (size_t e = 0; e < 6; e++)
                if (!strncmp(t, ents[e][0], strlen(ents[e][0]))) one = ents[e][1], step = strlen(ents[e][0]);
            CHECK(one != NULL);
        }
        while (j < n && in[j] != *one) j++;
        CHECK(j < n);
        j++;
        t += step;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = '\0';   /* a query or form value as the server hands it over: stops at a NUL */
    size_t n = strlen(s);
    arena *a = arena_new();

    char name[65];
    o311_format f = o311_split(s, name);
    if (f == O311_BAD) {
        CHECK(name[0] == '\0');
    } else {
        CHECK(code_chars(name, strlen(name)));
        char back[80];
        snprintf(back, sizeof back, "%s%s", name, f == O311_JSON ? ".json" : ".xml");
        CHECK(!strcmp(back, s));
    }

    int64_t t;
    if (o311_parse_datetime(s, &t)) {
        char w3c[32];
        o311_datetime(t, w3c);
        int64_t again;
        CHECK(strlen(w3c) == 25 && !strcmp(w3c + 19, "+07:00"));
        CHECK(o311_parse_datetime(w3c, &again) && again == t);
    }

    double deg;
    if (o311_parse_degree(s, -90, 90, &deg)) CHECK(deg >= -90 && deg <= 90);

    const char *items[8];
    int k = o311_split_list(a, s, items, 8);
    CHECK(k >= -1 && k <= 8);
    for (int i = 0; i < k; i++) {
        size_t l = strlen(items[i]);
        CHECK(l >= 1 && l <= 64 && !strchr(items[i], ',') && items[i][0] != ' ' && items[i][l - 1] != ' ');
    }

    char code[65];
    bool multi = false;
    if (o311_attribute_field(s, code, &multi)) {
        CHECK(code_chars(code, strlen(code)) && strstr(s, code));
        CHECK(!strncmp(s, "attribute[", 10));
    }

    check_xml(a, s, n);
    arena_free(a);
    free(s);
    return 0;
}
