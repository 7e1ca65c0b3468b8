/* fuzz_sniff.c -- libFuzzer target for src/feedback/sniff.c: the type of an uploaded file from its
 * bytes, as any citizen may send them.
 *
 * Properties (abort() when violated):
 *   - the answer is one of the four accepted types or NULL, the same on every call;
 *   - an image answer has its signature at the start (JPEG FF D8 FF, PNG's 8 bytes and IHDR,
 *     RIFF....WEBPVP8); a PDF answer has "%PDF-" and a version digit in the first 1024 bytes;
 *   - bytes after the first 1024 never change the answer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/feedback/feedback.h"

#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "fuzz_sniff: property violated: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort();                                                                              \
        }                                                                                         \
    } while (0)

static int has_pdf_header(const uint8_t *p, size_t n)
{
    size_t lim = n < 1024 ? n : 1024;
    for (size_t i = 0; i + 6 <= lim; i++)
        if (!memcmp(p + i, "%PDF-", 5) && p[i + 5] >= '1' && p[i + 5] <= '9') return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a private copy, so a read past the end is caught by ASan */
    uint8_t *p = malloc(size ? size : 1);
    if (!p) return 0;
    memcpy(p, data, size);
    const char *t = feedback_sniff(p, size);
    CHECK(t == feedback_sniff(p, size));
    if (t) {
        if (!strcmp(t, "image/jpeg")) CHECK(size >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF);
        else if (!strcmp(t, "image/png")) CHECK(size >= 16 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8) && !memcmp(p + 12, "IHDR", 4));
        else if (!strcmp(t, "image/webp")) CHECK(size >= 16 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBPVP8", 7));
        else if (!strcmp(t, "application/pdf")) CHECK(has_pdf_header(p, size));
        else CHECK(0);
    }
    if (size > 1024) {
        const char *head = feedback_sniff(p, 1024);
        /* PNG and WebP look at 16 bytes, JPEG at 4, PDF within 1024: the head decides */
        CHECK((head == NULL) == (t == NULL));
        CHECK(!t || !strcmp(head, t));
    }
    free(p);
    return 0;
}
