/* fuzz_text.c -- libFuzzer target for src/core/text.c.
 *
 * Properties (abort() when violated):
 *   - text_clean() == TEXT_OK implies valid UTF-8, NFC, no control characters, no bidi
 *     controls or invisible characters, no letter with more than two accents;
 *   - text_fold() output is valid UTF-8 with no đ/Đ (U+0111/U+0110), no combining marks
 *     U+0300..U+036F, no upper case ASCII, no leading/trailing or doubled space;
 *   - folding is idempotent on valid input: fold(fold(x)) == fold(x);
 *   - text_trim() output is a substring of its input without outer spaces;
 *   - text_parse_uint(s, max) never reports a value above max (or below 0);
 *   - text_money(v) (v from the first 8 input bytes) parses back to |v| with text_parse_uint;
 *   - text_gsm7() output is sent as GSM-7 (text_sms_parts says not Unicode) and is idempotent.
 * corpus/text/parse_uint_above_max is the input that once got "7" past a max of 5. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/arena.h"
#include "../../src/core/text.h"

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "fuzz_text: property violated: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                         \
            abort();                                                                   \
        }                                                                              \
    } while (0)

static void check_folded(arena *a, const char *s)
{
    const char *f = text_fold(a, s);
    CHECK(f != NULL);
    CHECK(g_utf8_validate(f, -1, NULL));
    for (const char *p = f; *p; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        CHECK(u != 0x0111 && u != 0x0110);
        CHECK(!(u >= 0x0300 && u <= 0x036f));
        CHECK(!(u >= 'A' && u <= 'Z'));
    }
    size_t n = strlen(f);
    if (n) CHECK(f[0] != ' ' && f[n - 1] != ' ');
    CHECK(strstr(f, "  ") == NULL);
    const char *ff = text_fold(a, f);
    if (strcmp(f, ff) != 0) {
        fprintf(stderr, "fuzz_text: fold is not idempotent:\n  fold(x)       = \"%s\"\n  fold(fold(x)) = \"%s\"\n",
                f, ff);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    arena *a = arena_new();

    char *z = arena_strndup(a, s, size);   /* NUL-terminated copy (may stop early at a NUL) */
    bool valid = g_utf8_validate(s, (gssize)size, NULL);

    for (int nl = 0; nl < 2; nl++) {
        char *out = (char *)1;
        text_status st = text_clean(a, s, size, nl, nl ? 0 : 40, &out);
        CHECK(st == TEXT_OK || st == TEXT_BAD_UTF8 || st == TEXT_CONTROL_CHAR || st == TEXT_TOO_LONG ||
              st == TEXT_HIDDEN_CHAR || st == TEXT_STACKED_MARKS);
        if (st != TEXT_OK) {
            CHECK(out == NULL);
            if (st == TEXT_BAD_UTF8) CHECK(!valid);
            continue;
        }
        CHECK(valid);
        CHECK(out && g_utf8_validate(out, -1, NULL));
        gchar *nfc = g_utf8_normalize(out, -1, G_NORMALIZE_NFC);
        CHECK(nfc && !strcmp(nfc, out));
        g_free(nfc);
        for (const char *p = out; *p; p = g_utf8_next_char(p)) {
            gunichar u = g_utf8_get_char(p);
            CHECK(u == '\t' || (u == '\n' && nl) || (u >= 0x20 && u != 0x7f && !(u >= 0x80 && u <= 0x9f)));
        }
        if (!nl) CHECK(text_char_count(out) <= 40);
        CHECK(text_check_shown(out) == TEXT_OK);   /* no bidi controls, invisibles, stacked marks */
        for (const char *p = out; *p; p = g_utf8_next_char(p)) {
            gunichar u = g_utf8_get_char(p);
            CHECK(!(u >= 0x202a && u <= 0x202e) && !(u >= 0x2066 && u <= 0x2069) && u != 0x200b && u != 0xfeff);
        }
        check_folded(a, out);
        const char *g = text_gsm7(a, out);
        CHECK(!text_sms_parts(g).unicode);
        CHECK(!strcmp(text_gsm7(a, g), g));
        /* the folded key of NFC and of the raw (maybe NFD) input meet */
        CHECK(!strcmp(text_fold(a, out), text_fold(a, z)));
    }

    if (valid) {
        check_folded(a, z);
        const char *t = text_trim(a, z);
        CHECK(t && strstr(z, t) != NULL);
        if (*t) {
            CHECK(!g_unichar_isspace(g_utf8_get_char(t)));
            const char *last = g_utf8_find_prev_char(t, t + strlen(t));
            CHECK(last && !g_unichar_isspace(g_utf8_get_char(last)));
        }
        CHECK(text_is_blank(z) == (*t == '\0'));
        CHECK(text_char_count(z) == (size_t)g_utf8_strlen(z, -1));
    }
    CHECK(text_fold(a, NULL) && !*text_fold(a, NULL));

    static const int64_t maxes[] = {0, 1, 5, 9, 10, 99, 500, 3650, 65535, 100000, 1000000000000LL,
                                    INT64_MAX};
    for (size_t i = 0; i < sizeof maxes / sizeof *maxes; i++) {
        int64_t v = -12345;
        if (text_parse_uint(z, maxes[i], &v)) {
            if (v < 0 || v > maxes[i]) {
                fprintf(stderr, "fuzz_text: text_parse_uint(\"%s\", %lld) reported %lld\n", z,
                        (long long)maxes[i], (long long)v);
                abort();
            }
        } else {
            CHECK(v == -12345);   /* *out untouched on failure */
        }
    }

    if (size >= 8) {
        int64_t dong;
        memcpy(&dong, data, sizeof dong);
        const char *m = text_money(a, dong);
        CHECK(m && *m);
        for (const char *p = m; *p; p++) CHECK((*p >= '0' && *p <= '9') || *p == '.' || (*p == '-' && p == m));
        CHECK((dong < 0) == (m[0] == '-'));
        int64_t back = -1;
        if (dong >= 0) {
            CHECK(text_parse_uint(m, INT64_MAX, &back) && back == dong);
        } else if (dong != INT64_MIN) {
            CHECK(text_parse_uint(m + 1, INT64_MAX, &back) && back == -dong);
        } else {
            CHECK(!strcmp(m, "-9.223.372.036.854.775.808"));
        }
    }

    arena_free(a);
    return 0;
}
