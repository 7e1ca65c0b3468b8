/* sniff.c -- what an uploaded file is, from its first bytes (never from its name or the type the
 * browser claims). Only what a citizen needs to send as evidence is accepted: JPEG, PNG, WebP
 * and PDF. Pure; fuzzed by tests/fuzz/fuzz_sniff.c. */
#include <string.h>

#include "feedback.h"

const char *feedback_sniff(const unsigned char *p, size_t n)
{
    if (!p) return NULL;
    /* JPEG: SOI then a marker (FF D8 FF) */
    if (n >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return "image/jpeg";
    /* PNG: the 8-byte signature, then the IHDR chunk */
    if (n >= 16 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8) && !memcmp(p + 12, "IHDR", 4)) return "image/png";
    /* WebP: RIFF....WEBP then a VP8 / VP8L / VP8X chunk */
    if (n >= 16 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBPVP8", 7)) return "image/webp";
    /* PDF: "%PDF-" then a version digit, within the first 1024 bytes (ISO 32000 allows
     * leading bytes; readers look that far) */
    size_t lim = n < 1024 ? n : 1024;
    for (size_t i = 0; i + 6 <= lim; i++)
        if (p[i] == '%' && !memcmp(p + i, "%PDF-", 5) && p[i + 5] >= '1' && p[i + 5] <= '9') return "application/pdf";
    return NULL;
}
