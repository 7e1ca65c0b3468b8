/* test_compress.c -- the choice of a content coding from Accept-Encoding (src/kit/compress.c),
 * one row per header a client may send: weights, q=0, "*", spacing, case, malformed values,
 * and what the server has on offer. tests/http/test_compress.c checks the bytes on the wire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>

#include "../../src/kit/compress.h"

static const char *name(content_coding c)
{
    return c == CODING_BR ? "br" : c == CODING_GZIP ? "gzip" : "identity";
}

static void accept_encoding_table(void **state)
{
    (void)state;
    static const struct {
        const char *ae;
        bool br, gzip;          /* what is on offer */
        content_coding want;
    } rows[] = {
        {NULL, true, true, CODING_IDENTITY},
        {"", true, true, CODING_IDENTITY},
        {"identity", true, true, CODING_IDENTITY},
        {"br, gzip", true, true, CODING_BR},
        {"gzip, deflate, br", true, true, CODING_BR},
        {"gzip", true, true, CODING_GZIP},
        {"br", false, true, CODING_IDENTITY},          /* a small file kept only as it is */
        {"br, gzip", false, true, CODING_GZIP},
        {"br, gzip", false, false, CODING_IDENTITY},
        {"br;q=0, gzip", true, true, CODING_GZIP},
        {"br;q=0.000, gzip;q=0.001", true, true, CODING_GZIP},
        {"gzip;q=0", true, true, CODING_IDENTITY},
        {"*;q=0", true, true, CODING_IDENTITY},
        {"*", true, true, CODING_BR},
        {"*;q=0.5, br;q=0", true, true, CODING_GZIP},
        {"gzip;q=0.9, br;q=0.8", true, true, CODING_GZIP},
        {"gzip;q=0.8, br;q=0.8", true, true, CODING_BR},
        {"gzip ; q=0 , br ;q=0", true, true, CODING_IDENTITY},
        {"GZip;Q=0.5", true, true, CODING_GZIP},
        {"x-gzip", true, true, CODING_GZIP},
        {"gzip;level=9;q=0", true, true, CODING_IDENTITY},
        {"brotli, gzipped, br2", true, true, CODING_IDENTITY},   /* names are compared whole */
        {",, ,br", true, true, CODING_BR},
        {"br;q=1.5", true, true, CODING_BR},          /* past 1 reads as 1 */
        {"br;q=oops, gzip;q=0.5", true, true, CODING_BR},   /* malformed reads as the default weight */
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        content_coding got = compress_choose(rows[i].ae, rows[i].br, rows[i].gzip);
        if (got != rows[i].want)
            fail_msg("Accept-Encoding: %s (offer br %d, gzip %d): %s, expected %s", rows[i].ae ? rows[i].ae : "(none)",
                     rows[i].br, rows[i].gzip, name(got), name(rows[i].want));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accept_encoding_table),
    };
    return cmocka_run_group_tests_name("compress", tests, NULL, NULL);
}
