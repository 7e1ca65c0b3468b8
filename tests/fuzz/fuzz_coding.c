/* fuzz_coding.c -- libFuzzer target for src/kit/coding.c: Accept-Encoding and If-None-Match
 * as any client may send them.
 *
 * Properties (abort() when violated):
 *   - a coding not on offer is never chosen; with nothing on offer the answer is identity;
 *   - offering more never turns an accepted coding into identity;
 *   - "*" and the entity tag itself are always listed in If-None-Match; "" never is. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/kit/coding.h"

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "fuzz_coding: property violated: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                           \
            abort();                                                                     \
        }                                                                                \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *h = malloc(size + 1);
    if (!h) return 0;
    memcpy(h, data, size);
    h[size] = '\0';   /* a header value as MHD hands it over: stops at the first NUL */

    content_coding none = compress_choose(h, false, false);
    content_coding br = compress_choose(h, true, false);
    content_coding gz = compress_choose(h, false, true);
    content_coding both = compress_choose(h, true, true);
    CHECK(none == CODING_IDENTITY);
    CHECK(br == CODING_IDENTITY || br == CODING_BR);
    CHECK(gz == CODING_IDENTITY || gz == CODING_GZIP);
    CHECK(both == CODING_IDENTITY || both == CODING_BR || both == CODING_GZIP);
    if (br == CODING_BR || gz == CODING_GZIP) CHECK(both != CODING_IDENTITY);
    if (both == CODING_BR) CHECK(br == CODING_BR);
    if (both == CODING_GZIP) CHECK(gz == CODING_GZIP);

    CHECK(coding_etag_listed("*", h));
    CHECK(!coding_etag_listed("", h));
    if (h[0] && !strpbrk(h, ", \t") && strncmp(h, "W/", 2)) CHECK(coding_etag_listed(h, h));
    coding_etag_listed(h, "\"abc-br\"");
    free(h);
    return 0;
}
