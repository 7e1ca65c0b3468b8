/* fuzz_form.c -- libFuzzer target for src/kit/form.c (+ text_clean on what it decodes).
 *
 * Properties (abort() when violated):
 *   - every decoded kv: name is a NUL-terminated string, value has len readable bytes and
 *     value[len] == '\0';
 *   - text_clean() == TEXT_OK implies its output is valid UTF-8 and already NFC;
 *   - form_url_encode() of a decoded value parses back to the same value;
 *   - form_local_path(s) implies s[0] == '/' && s[1] != '/' (and form_path_ok(s)). */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/arena.h"
#include "../../src/core/text.h"
#include "../../src/kit/form.h"

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "fuzz_form: property violated: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                         \
            abort();                                                                   \
        }                                                                              \
    } while (0)

static void check_clean(arena *a, const char *s, size_t n, bool allow_newlines, size_t max_chars)
{
    char *out = (char *)1;
    text_status st = text_clean(a, s, n, allow_newlines, max_chars, &out);
    if (st != TEXT_OK) {
        CHECK(out == NULL);
        return;
    }
    CHECK(out != NULL);
    CHECK(g_utf8_validate(out, -1, NULL));
    gchar *nfc = g_utf8_normalize(out, -1, G_NORMALIZE_NFC);
    CHECK(nfc != NULL);
    CHECK(strcmp(nfc, out) == 0);
    g_free(nfc);
    if (!allow_newlines) CHECK(strchr(out, '\n') == NULL);
    CHECK(strchr(out, '\r') == NULL);
    if (max_chars) CHECK((size_t)g_utf8_strlen(out, -1) <= max_chars);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    arena *a = arena_new();

    kv *list = NULL;
    int rc = form_parse_urlencoded(a, s, size, &list);
    CHECK(rc == 0 || rc == -1);
    int count = 0;
    if (rc == 0) {
        for (kv *k = list; k; k = k->next) {
            count++;
            CHECK(k->name != NULL && k->value != NULL);
            size_t nl = strlen(k->name);           /* ASan: the name is NUL-terminated */
            CHECK(nl <= size);
            CHECK(k->len <= size);
            volatile unsigned sum = 0;              /* ASan: len bytes are readable */
            for (size_t i = 0; i < k->len; i++) sum += (unsigned char)k->value[i];
            (void)sum;
            CHECK(k->value[k->len] == '\0');
            CHECK(k->filename == NULL);

            check_clean(a, k->name, nl, false, 0);
            check_clean(a, k->value, k->len, true, 0);
            check_clean(a, k->value, k->len, false, 16);

            /* round trip: encode the value (as a C string) and decode it again */
            char *enc = NULL;
            form_url_encode(a, k->value, &enc);
            CHECK(enc != NULL);
            for (const char *p = enc; *p; p++)
                CHECK(g_ascii_isalnum(*p) || strchr("-_.~/%", *p));
            char *field = arena_printf(a, "v=%s", enc);
            kv *back = NULL;
            CHECK(form_parse_urlencoded(a, field, strlen(field), &back) == 0);
            CHECK(back && !back->next && !strcmp(back->name, "v"));
            CHECK(back->len == strlen(k->value) && !strcmp(back->value, k->value));
        }
        CHECK(count <= FORM_MAX_FIELDS);
    }

    char *z = malloc(size + 1);
    if (!z) abort();
    memcpy(z, data, size);
    z[size] = '\0';
    bool ok = form_path_ok(z);
    bool local = form_local_path(z);
    if (ok) CHECK(z[0] == '/' && g_utf8_validate(z, -1, NULL));
    if (local) {
        CHECK(z[0] == '/' && z[1] != '/');
        CHECK(z[1] != '\\');
        CHECK(ok);
    }
    free(z);

    arena_free(a);
    return 0;
}
