/* fuzz_csv.c -- libFuzzer target for catalog_csv_parse() (src/catalog/csvparse.c).
 *
 * Properties (abort() when violated): the callback sees lines 1, 2, 3, ... in order,
 * ncells >= 0, every cell a non-NULL NUL-terminated string no longer than the input; the
 * result is 0, -1 (with a message in errbuf) or, when the callback stops early, 1; a
 * callback that stops after the first row is never called again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/catalog/catalog.h"

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "fuzz_csv: property violated: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                         \
            abort();                                                                   \
        }                                                                              \
    } while (0)

typedef struct {
    size_t size;
    int rows;
    int last_line;
    long cells;
    int stop_after;   /* 0: never stop */
} counter;

static int on_row(void *ctx, int line, char **cells, int ncells)
{
    counter *c = ctx;
    CHECK(c->stop_after == 0 || c->rows < c->stop_after);
    CHECK(line == c->last_line + 1);
    c->last_line = line;
    c->rows++;
    CHECK(ncells >= 0);
    CHECK(ncells == 0 || cells != NULL);
    for (int i = 0; i < ncells; i++) {
        CHECK(cells[i] != NULL);
        CHECK(strlen(cells[i]) <= c->size);
    }
    c->cells += ncells;
    return c->stop_after && c->rows >= c->stop_after ? 1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char errbuf[200];
    counter c = {.size = size};
    errbuf[0] = '\0';
    int rc = catalog_csv_parse((const char *)data, size, on_row, &c, errbuf, sizeof errbuf);
    CHECK(rc == 0 || rc == -1);
    CHECK(c.rows <= (int)size + 1);
    if (rc == -1) CHECK(errbuf[0] && memchr(errbuf, '\0', sizeof errbuf));

    counter c1 = {.size = size, .stop_after = 1};
    int rc1 = catalog_csv_parse((const char *)data, size, on_row, &c1, errbuf, sizeof errbuf);
    CHECK(rc1 == 0 || rc1 == -1 || rc1 == 1);
    CHECK(c1.rows <= 1);
    if (rc1 == 1) CHECK(c1.rows == 1);
    return 0;
}
