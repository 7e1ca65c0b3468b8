/* csvparse.c -- RFC 4180 parsing with libcsv, row by row, with no database in sight so the
 * fuzzer can drive it (see catalog.h). */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

typedef struct {
    csv_row_fn fn;
    void *ctx;
    char **cells;
    int ncells, cap;
    int line;
    int stop;
} csv_state;

static void on_cell(void *s, size_t len, void *data)
{
    csv_state *st = data;
    if (st->stop) return;
    if (st->ncells == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 16;
        st->cells = realloc(st->cells, (size_t)st->cap * sizeof *st->cells);
        if (!st->cells) abort();
    }
    char *c = malloc(len + 1);
    if (!c) abort();
    if (len) memcpy(c, s, len);
    c[len] = '\0';
    st->cells[st->ncells++] = c;
}

static void on_row(int term, void *data)
{
    (void)term;
    csv_state *st = data;
    st->line++;
    if (!st->stop && st->fn(st->ctx, st->line, st->cells, st->ncells) != 0) st->stop = 1;
    for (int i = 0; i < st->ncells; i++) free(st->cells[i]);
    st->ncells = 0;
}

int catalog_csv_parse(const char *data, size_t len, csv_row_fn fn, void *ctx, char *errbuf, size_t errlen)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        snprintf(errbuf, errlen, "csv_init");
        return -1;
    }
    csv_state st = {.fn = fn, .ctx = ctx};
    /* a UTF-8 byte order mark, as spreadsheet programs write, is not part of the header */
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) data += 3, len -= 3;
    int rc = 0;
    if (csv_parse(&p, data, len, on_cell, on_row, &st) != len || csv_fini(&p, on_cell, on_row, &st) != 0) {
        snprintf(errbuf, errlen, "dòng %d: %s", st.line + 1,
                 csv_error(&p) == CSV_EPARSE ? "dấu ngoặc kép không đúng quy cách CSV (RFC 4180)"
                                              : "tệp CSV không đọc được");
        rc = -1;
    }
    for (int i = 0; i < st.ncells; i++) free(st.cells[i]);
    free(st.cells);
    csv_free(&p);
    if (st.stop && rc == 0) rc = 1;   /* the callback asked to stop */
    return rc;
}

