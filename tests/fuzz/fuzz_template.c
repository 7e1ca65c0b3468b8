/* fuzz_template.c -- libFuzzer target for src/core/template.c.
 *
 * Input: template source, a 0x00 byte, a string value. A template that compiles is rendered
 * with {"x": v, "list": [v, v], "flag": true, "o": {"y": v}, "n": 42, "empty": ""}.
 * Properties (abort() when violated):
 *   - compiling either succeeds or leaves a NUL-terminated "name: line N: ..." message;
 *   - rendering a compiled template never crashes (ASan/UBSan) and yields a string;
 *   - if the source holds none of < > " ' then neither does the output (values escaped);
 *   - html_escape(v) never contains < > " ' and only '&' starts an entity. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/arena.h"
#include "../../src/core/template.h"

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "fuzz_template: property violated: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                         \
            abort();                                                                   \
        }                                                                              \
    } while (0)

static const char *translate(void *ctx, const char *msgid)
{
    (void)ctx;
    return msgid;
}

static bool has_html_specials(const char *s)
{
    return strpbrk(s, "<>\"'") != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t src_len = nul ? (size_t)(nul - data) : size;
    const char *vraw = nul ? (const char *)nul + 1 : "";
    size_t vlen = nul ? size - src_len - 1 : 0;

    arena *a = arena_new();
    char *src = arena_strndup(a, (const char *)data, src_len);
    char *value = arena_strndup(a, vraw, vlen);   /* C-string view: stops at a NUL */

    /* html_escape on its own */
    buf b;
    buf_init(&b, a);
    html_escape(&b, value);
    const char *esc = buf_cstr(&b);
    CHECK(!has_html_specials(esc));
    CHECK(strlen(esc) >= strlen(value));
    for (const char *p = strchr(esc, '&'); p; p = strchr(p + 1, '&'))
        CHECK(!strncmp(p, "&amp;", 5) || !strncmp(p, "&lt;", 4) || !strncmp(p, "&gt;", 4) ||
              !strncmp(p, "&quot;", 6) || !strncmp(p, "&#39;", 5));
    (void)url_is_safe(value);

    char errbuf[256];
    memset(errbuf, 'X', sizeof errbuf);
    tmpl *t = tmpl_compile("fuzz", src, errbuf, sizeof errbuf);
    if (!t) {
        CHECK(memchr(errbuf, '\0', sizeof errbuf) != NULL);
        CHECK(!strncmp(errbuf, "fuzz: line ", 11));
    } else {
        json_t *v = json_stringn(vraw, vlen);
        if (!v) v = json_string("giá trị <b>\"cố định\"</b> & 'x'");
        CHECK(v != NULL);
        json_t *model = json_pack("{s:O, s:[O,O], s:b, s:{s:O}, s:i, s:s}", "x", v, "list", v, v,
                                  "flag", 1, "o", "y", v, "n", 42, "empty", "");
        CHECK(model != NULL);
        json_decref(v);

        tmpl_env env = {.translate = translate, .translate_ctx = NULL, .body = "[body]"};
        const char *out = tmpl_render(t, a, model, &env);
        CHECK(out != NULL);
        if (!has_html_specials(src) && has_html_specials(out)) {
            fprintf(stderr, "fuzz_template: unescaped output\n  src: %s\n  out: %s\n", src, out);
            abort();
        }
        /* without an env, and with an empty model, rendering must not crash either */
        json_t *empty = json_object();
        CHECK(tmpl_render(t, a, empty, NULL) != NULL);
        CHECK(tmpl_render(t, a, NULL, NULL) != NULL);
        json_decref(empty);

        const char *ids[64];
        size_t nids = tmpl_msgids(t, ids, 64);
        CHECK(nids <= 64);
        for (size_t i = 0; i < nids; i++) CHECK(ids[i] && !strchr(ids[i], '"'));

        json_decref(model);
        tmpl_free(t);
    }

    arena_free(a);
    return 0;
}
