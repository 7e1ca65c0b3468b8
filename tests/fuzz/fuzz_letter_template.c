/* fuzz_letter_template.c -- libFuzzer target for src/letter/letter_words.c: the check of a
 * letter template as staff type it and its rendering.
 *
 * Input: title \0 greeting \0 body \0 closing \0 value (missing parts: the title and body
 * empty, the greeting and closing NULL); the value fills every placeholder.
 * Properties (abort() when violated):
 *   - letter_template_check returns 0 or -1; a refusal is a 400 naming one of the four fields
 *     with a message in valid UTF-8;
 *   - accepted words are valid UTF-8 in NFC, trimmed, within their lengths (200 characters,
 *     6000 for the body), the title and body not blank, and checking them again accepts
 *     them unchanged;
 *   - rendering never crashes, keeps UTF-8 valid, leaves a field without "{{" unchanged, and
 *     accepted words filled with a value without braces keep no "{{". */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/arena.h"
#include "../../src/core/text.h"
#include "../../src/letter/letter.h"

#define CHECK(cond)                                                                                       \
    do {                                                                                                  \
        if (!(cond)) {                                                                                    \
            fprintf(stderr, "fuzz_letter_template: property violated: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort();                                                                                      \
        }                                                                                                 \
    } while (0)

/* The next NUL-separated part of the input, or NULL when the input has run out. */
static const char *part(arena *a, const uint8_t **p, const uint8_t *end)
{
    if (*p > end) return NULL;
    const uint8_t *nul = memchr(*p, 0, (size_t)(end - *p));
    size_t n = nul ? (size_t)(nul - *p) : (size_t)(end - *p);
    const char *s = arena_strndup(a, (const char *)*p, n);
    *p += n + 1;
    return s;
}

static bool trimmed(const char *s)
{
    if (!*s) return true;
    const char *last = g_utf8_prev_char(s + strlen(s));
    return !g_unichar_isspace(g_utf8_get_char(s)) && !g_unichar_isspace(g_utf8_get_char(last));
}

static void check_accepted(const char *s, size_t max, bool required)
{
    CHECK(g_utf8_validate(s, -1, NULL));
    gchar *nfc = g_utf8_normalize(s, -1, G_NORMALIZE_NFC);
    CHECK(nfc && !strcmp(nfc, s));
    g_free(nfc);
    CHECK(trimmed(s));
    CHECK((size_t)g_utf8_strlen(s, -1) <= max);
    if (required) CHECK(!text_is_blank(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new();
    const uint8_t *p = data, *end = data + size;
    const char *title = part(a, &p, end), *greeting = part(a, &p, end), *body = part(a, &p, end),
               *closing = part(a, &p, end), *value = part(a, &p, end);
    letter_words in = {title ? title : "", greeting, body ? body : "", closing};
    if (!value) value = "";

    letter_words out;
    err e = {0};
    int rc = letter_template_check(a, &in, &out, &e);
    CHECK(rc == 0 || rc == -1);
    if (rc) {
        CHECK(e.status == 400);
        CHECK(!strcmp(e.field, "title") || !strcmp(e.field, "greeting") || !strcmp(e.field, "body") ||
              !strcmp(e.field, "closing"));
        CHECK(e.user[0] && g_utf8_validate(e.user, -1, NULL));
    } else {
        CHECK(e.status == 0);
        check_accepted(out.title, 200, true);
        check_accepted(out.greeting, 200, false);
        check_accepted(out.body, 6000, true);
        check_accepted(out.closing, 200, false);
        letter_words again;
        CHECK(letter_template_check(a, &out, &again, &e) == 0);
        CHECK(!strcmp(again.title, out.title) && !strcmp(again.greeting, out.greeting) &&
              !strcmp(again.body, out.body) && !strcmp(again.closing, out.closing));
    }

    const char *values[LETTER_NVARS];
    for (int i = 0; i < LETTER_NVARS; i++) values[i] = value;
    bool utf8 = g_utf8_validate(value, -1, NULL);
    letter_words r = letter_render_words(a, &in, values);
    const char *tf[4] = {in.title, in.greeting, in.body, in.closing};
    const char *rf[4] = {r.title, r.greeting, r.body, r.closing};
    for (int f = 0; f < 4; f++) {
        CHECK(rf[f] != NULL);
        const char *t = tf[f] ? tf[f] : "";
        if (!strstr(t, "{{")) CHECK(!strcmp(rf[f], t));
        if (utf8 && g_utf8_validate(t, -1, NULL)) CHECK(g_utf8_validate(rf[f], -1, NULL));
    }
    if (rc == 0) {
        letter_words ro = letter_render_words(a, &out, values);
        const char *of[4] = {ro.title, ro.greeting, ro.body, ro.closing};
        for (int f = 0; f < 4; f++) {
            if (utf8) CHECK(g_utf8_validate(of[f], -1, NULL));
            if (!strpbrk(value, "{}")) CHECK(!strstr(of[f], "{{"));
        }
    }
    arena_free(a);
    return 0;
}
