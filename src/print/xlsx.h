/* xlsx.h -- tables as an Excel workbook (XLSX, libxlsxwriter), as bytes.
 *
 * One sheet per table: an optional title row (bold, merged across the columns) and subtitle
 * row, then a header row (bold, centred, wrapped, with borders), then the rows, every cell
 * bordered. The header row is frozen, has an autofilter, and repeats on every printed page;
 * sheets print on A4, fitted to the page width. Used by the register book (Sổ theo dõi hồ sơ)
 * and the indicators export.
 *
 * Dates are written as real Excel dates (so they sort and filter), in Vietnam time (UTC+7).
 * Strings are cleaned like the PDF builder's (print_clean: valid UTF-8, NFC).
 *
 * libxlsxwriter only writes files: the workbook is written to a private temporary file in
 * $TMPDIR (default /tmp), read back into the buffer and removed. Thread-safe. */
#ifndef TT_XLSX_H
#define TT_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include <xlsxwriter.h>

typedef enum {
    XL_TEXT = 0,      /* cell.text; wrapped */
    XL_NUMBER,        /* cell.number, in the column's num_format */
    XL_DATE,          /* cell.instant as dd/mm/yyyy */
    XL_DATETIME,      /* cell.instant as dd/mm/yyyy hh:mm */
} xl_type;

typedef struct {
    const char *header;
    double width;            /* in Excel's character widths; 0 = 12 */
    xl_type type;            /* how this column's cells are written */
    const char *num_format;  /* XL_NUMBER: Excel format ("0", "0.0%", "#,##0"); NULL = General */
} xl_column;

typedef struct {
    const char *text;        /* XL_TEXT; NULL = empty */
    double number;           /* XL_NUMBER */
    int64_t instant;         /* XL_DATE, XL_DATETIME: Unix seconds; 0 = empty */
    bool blank;              /* XL_NUMBER: leave the cell empty */
} xl_cell;

typedef struct {
    const char *name;        /* sheet tab, ≤ 31 characters, none of []:*?/\ ; NULL = "Sheet1" */
    const char *title;       /* first row; NULL = none */
    const char *subtitle;    /* next row, italic; NULL = none */
    const xl_column *cols;
    size_t ncols;
    const xl_cell *cells;    /* nrows × ncols, row after row */
    size_t nrows;
    bool landscape;          /* print across the page */
} xl_sheet;

/* The workbook of nsheets sheets, appended to out. title goes to the document properties
 * (the author is "Thân Thiện"). 0, or -1 with e filled. */
int xlsx_write(const char *title, const xl_sheet *sheets, size_t nsheets, buf *out, err *e);

/* For workbooks laid out by hand: a new workbook writing to a private temporary file (path
 * receives its name), and the finish that closes it, reads it into out and removes the file.
 * rc is the first error met while writing sheets (LXW_NO_ERROR when none). */
lxw_workbook *xlsx_open(char *path, size_t n, err *e);
int xlsx_finish(lxw_workbook *wb, const char *path, lxw_error rc, buf *out, err *e);

#endif
