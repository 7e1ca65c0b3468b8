/* fuzz_rating_scan.c -- libFuzzer target for src/survey/rating_scan.c: what the desk tablet's
 * code field receives, typed by a citizen or by a QR scanner (any bytes).
 *
 * Input: the field and the secret field, split at the first NUL (no NUL: no secret).
 * Properties (abort() when violated):
 *   - the code and the secret come out printed: no ASCII space, tab, CR, LF or a-z;
 *   - printing is idempotent: a printed code printed again is itself;
 *   - a tracking link built from a code and a secret of letters, digits, '-' and '.' gives
 *     them back (as printed), whatever was typed in the secret field. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/survey/rating.h"
#include "../../src/core/text.h"

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz_rating_scan: property violated: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                                 \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static bool printed_ok(const char *s)
{
    for (; *s; s++)
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || (*s >= 'a' && *s <= 'z')) return false;
    return true;
}

/* The bytes of s that a dossier code may hold (letters, digits, '-', '.'), at most 40. */
static void code_chars(const char *s, char *out)
{
    size_t n = 0;
    for (; *s && n < 40; s++)
        if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '.')
            out[n++] = *s;
    out[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 2);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = '\0';
    const char *typed = buf, *typed_secret = buf + strlen(buf) + (strlen(buf) < size ? 1 : 0);
    arena *a = arena_new();
    const char *code, *secret;
    rating_scan(a, typed, typed_secret, &code, &secret);
    CHECK(printed_ok(code) && printed_ok(secret));
    CHECK(!strcmp(text_code_printed(a, code), code));

    char c[41], s[41];
    code_chars(typed, c);
    code_chars(typed_secret, s);
    if (*c && *s) {
        char link[160];
        snprintf(link, sizeof link, "https://motcua.example.vn/tra-cuu?ma=%s&bm=%s", c, s);
        rating_scan(a, link, typed_secret, &code, &secret);
        CHECK(!strcmp(code, text_code_printed(a, c)) && !strcmp(secret, text_code_printed(a, s)));
    }
    arena_free(a);
    free(buf);
    return 0;
}
