/* fuzz_notify_template.c -- libFuzzer target for src/notify/message.c: the {{variable}}
 * substitution of message templates, its check, unaccented SMS text and the e-mail writer.
 *
 * Input: template text, a 0x00 byte, a value (used for every variable and as a body).
 * Properties (abort() when violated):
 *   - notify_subst never crashes; a template without "{{" comes out unchanged; valid UTF-8
 *     in gives valid UTF-8 out;
 *   - a template that passes notify_subst_check, filled with values without braces, leaves
 *     no "{{" in the message; a refused one names a placeholder of at most 40 bytes that
 *     starts with "{{" and occurs in the template;
 *   - notify_unaccent keeps UTF-8 valid, leaves no combining mark U+0300..U+036F nor đ/Đ,
 *     and is idempotent;
 *   - notify_header_words writes lines of at most 76 printable ASCII bytes that decode back
 *     to the text (CR/LF/TAB as spaces);
 *   - notify_mail_build's body decodes to the value with CRLF line ends;
 *   - notify_phone_normalize gives 9..15 digits with at most a leading '+'. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/arena.h"
#include "../../src/notify/message.h"
#include "../notify/mime_decode.c"

#define CHECK(cond)                                                                                      \
    do {                                                                                                 \
        if (!(cond)) {                                                                                   \
            fprintf(stderr, "fuzz_notify_template: property violated: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort();                                                                                     \
        }                                                                                                \
    } while (0)

static void check_header_words(arena *a, const char *text)
{
    buf b;
    buf_init(&b, a);
    buf_puts(&b, "Subject: ");
    size_t last = notify_header_words(&b, text, 9);
    const char *h = buf_cstr(&b);
    const char *line = h;
    size_t len = 0;
    for (const char *p = h;; p++) {
        if (*p == '\0' || (*p == '\r' && p[1] == '\n')) {
            len = (size_t)(p - line);
            CHECK(len <= 76);
            if (!*p) break;
            line = p + 2;
            p++;
            continue;
        }
        CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
    }
    CHECK(last == len);
    if (g_utf8_validate(text, -1, NULL)) {
        char *value = mime_header(h, "Subject");
        char *decoded = mime_decode_words(value ? value : "");
        CHECK(!strcmp(decoded, notify_one_line(a, text)));
        g_free(decoded);
        g_free(value);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t tl = nul ? (size_t)(nul - data) : size;
    arena *a = arena_new();
    char *tmpl = arena_strndup(a, (const char *)data, tl);
    char *value = arena_strndup(a, nul ? (const char *)nul + 1 : "", nul ? size - tl - 1 : 0);
    bool utf8 = g_utf8_validate(tmpl, -1, NULL) && g_utf8_validate(value, -1, NULL);

    const char *values[NOTIFY_NVARS];
    for (int i = 0; i < NOTIFY_NVARS; i++) values[i] = value;
    char *out = notify_subst(a, tmpl, values);
    CHECK(out != NULL);
    if (!strstr(tmpl, "{{")) CHECK(!strcmp(out, tmpl));
    if (utf8) CHECK(g_utf8_validate(out, -1, NULL));

    const char *bad = NULL;
    if (notify_subst_check(a, tmpl, &bad) == 0) {
        CHECK(bad == NULL);
        if (!strpbrk(value, "{}")) CHECK(!strstr(out, "{{"));
    } else {
        CHECK(bad && !strncmp(bad, "{{", 2) && strlen(bad) <= 40 && strstr(tmpl, bad));
        if (utf8) CHECK(g_utf8_validate(bad, -1, NULL));
    }

    if (utf8) {
        char *plain = notify_unaccent(a, out);
        CHECK(g_utf8_validate(plain, -1, NULL));
        for (const char *p = plain; *p; p = g_utf8_next_char(p)) {
            gunichar u = g_utf8_get_char(p);
            CHECK(!(u >= 0x0300 && u <= 0x036f) && u != 0x0110 && u != 0x0111);
        }
        CHECK(!strcmp(notify_unaccent(a, plain), plain));
    }

    check_header_words(a, tmpl);

    notify_mail m = {.from = "Một cửa <mot-cua@example.vn>", .to = "an@example.vn", .subject = tmpl, .body = value,
                     .date = 1767754800, .message_id = "<x@example.vn>"};
    char *msg = notify_mail_build(a, &m);
    CHECK(msg != NULL);
    char *body = mime_body(msg);
    buf want;
    buf_init(&want, a);
    for (const char *p = value; *p; p++) {
        if (*p == '\r') continue;
        if (*p == '\n') buf_putc(&want, '\r');
        buf_putc(&want, *p);
    }
    CHECK(!strcmp(body, buf_cstr(&want)));
    g_free(body);

    char *phone = notify_phone_normalize(a, value);
    if (phone) {
        int digits = 0;
        for (const char *p = phone; *p; p++) {
            CHECK((*p >= '0' && *p <= '9') || (*p == '+' && p == phone));
            digits += *p != '+';
        }
        CHECK(digits >= 9 && digits <= 15);
    }
    if (notify_email_ok(value)) CHECK(!strpbrk(value, " \r\n<>"));
    arena_free(a);
    return 0;
}
