/* xlsx.c -- see xlsx.h. */
#include "xlsx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "print.h"

typedef struct {
    lxw_format *title, *subtitle, *header, *text, *date, *datetime, *number;
} formats;

static void make_formats(lxw_workbook *wb, formats *f)
{
    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);
    format_set_align(f->title, LXW_ALIGN_CENTER);
    format_set_align(f->title, LXW_ALIGN_VERTICAL_CENTER);

    f->subtitle = workbook_add_format(wb);
    format_set_italic(f->subtitle);
    format_set_align(f->subtitle, LXW_ALIGN_CENTER);

    f->header = workbook_add_format(wb);
    format_set_bold(f->header);
    format_set_text_wrap(f->header);
    format_set_align(f->header, LXW_ALIGN_CENTER);
    format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(f->header, LXW_BORDER_THIN);
    format_set_bg_color(f->header, 0xE7E6E6);

    f->text = workbook_add_format(wb);
    format_set_text_wrap(f->text);
    format_set_align(f->text, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(f->text, LXW_BORDER_THIN);

    f->date = workbook_add_format(wb);
    format_set_num_format(f->date, "dd/mm/yyyy");
    format_set_align(f->date, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(f->date, LXW_BORDER_THIN);

    f->datetime = workbook_add_format(wb);
    format_set_num_format(f->datetime, "dd/mm/yyyy hh:mm");
    format_set_align(f->datetime, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(f->datetime, LXW_BORDER_THIN);

    f->number = workbook_add_format(wb);
    format_set_align(f->number, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(f->number, LXW_BORDER_THIN);
}

static lxw_datetime vn_datetime(int64_t t)
{
    int y, mo, d, h, mi;
    pdoc_vn_time(t, &y, &mo, &d, &h, &mi);
    return (lxw_datetime){.year = y, .month = mo, .day = d, .hour = h, .min = mi, .sec = 0};
}

/* One cell; num_fmt is the column's number format (made once per column). */
static lxw_error write_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const xl_column *col, const xl_cell *cell,
                            const formats *f, lxw_format *num_fmt, arena *a)
{
    switch (col->type) {
    case XL_NUMBER:
        if (cell->blank) return worksheet_write_blank(ws, r, c, num_fmt);
        return worksheet_write_number(ws, r, c, cell->number, num_fmt);
    case XL_DATE:
    case XL_DATETIME: {
        lxw_format *fmt = col->type == XL_DATE ? f->date : f->datetime;
        if (!cell->instant) return worksheet_write_blank(ws, r, c, fmt);
        lxw_datetime dt = vn_datetime(cell->instant);
        if (col->type == XL_DATE) dt.hour = dt.min = 0;   /* the day alone, so filters match it */
        return worksheet_write_datetime(ws, r, c, &dt, fmt);
    }
    case XL_TEXT:
    default:
        if (!cell->text || !*cell->text) return worksheet_write_blank(ws, r, c, f->text);
        return worksheet_write_string(ws, r, c, print_clean(a, cell->text), f->text);
    }
}

static lxw_error write_sheet(lxw_workbook *wb, const xl_sheet *s, const formats *f, arena *a)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, s->name ? print_clean(a, s->name) : NULL);
    if (!ws) return LXW_ERROR_SHEETNAME_ALREADY_USED;   /* or a name Excel refuses */
    if (!s->ncols) return LXW_ERROR_PARAMETER_VALIDATION;
    lxw_col_t last = (lxw_col_t)(s->ncols - 1);
    lxw_error rc = LXW_NO_ERROR;
    lxw_row_t row = 0;

    if (s->title) {
        const char *t = print_clean(a, s->title);
        rc = last ? worksheet_merge_range(ws, row, 0, row, last, t, f->title)
                  : worksheet_write_string(ws, row, 0, t, f->title);
        if (rc) return rc;
        worksheet_set_row(ws, row, 22, NULL);
        row++;
    }
    if (s->subtitle) {
        const char *t = print_clean(a, s->subtitle);
        rc = last ? worksheet_merge_range(ws, row, 0, row, last, t, f->subtitle)
                  : worksheet_write_string(ws, row, 0, t, f->subtitle);
        if (rc) return rc;
        row++;
    }
    if (s->title || s->subtitle) row++;   /* a blank line before the table */

    lxw_row_t head = row;
    lxw_format **num_fmt = arena_alloc(a, s->ncols * sizeof *num_fmt);
    for (size_t c = 0; c < s->ncols; c++) {
        const xl_column *col = &s->cols[c];
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, col->width > 0 ? col->width : 12, NULL);
        rc = worksheet_write_string(ws, head, (lxw_col_t)c, print_clean(a, col->header), f->header);
        if (rc) return rc;
        num_fmt[c] = f->number;
        if (col->type == XL_NUMBER && col->num_format) {
            num_fmt[c] = workbook_add_format(wb);
            format_set_num_format(num_fmt[c], col->num_format);
            format_set_align(num_fmt[c], LXW_ALIGN_VERTICAL_TOP);
            format_set_border(num_fmt[c], LXW_BORDER_THIN);
        }
    }
    for (size_t r = 0; r < s->nrows; r++)
        for (size_t c = 0; c < s->ncols; c++) {
            rc = write_cell(ws, (lxw_row_t)(head + 1 + r), (lxw_col_t)c, &s->cols[c], &s->cells[r * s->ncols + c], f,
                            num_fmt[c], a);
            if (rc) return rc;
        }

    worksheet_freeze_panes(ws, head + 1, 0);
    rc = worksheet_autofilter(ws, head, 0, (lxw_row_t)(head + s->nrows), last);
    if (rc) return rc;
    worksheet_set_paper(ws, 9);   /* A4 */
    if (s->landscape) worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    return worksheet_repeat_rows(ws, head, head);
}

/* A private file for libxlsxwriter to write into, in $TMPDIR. */
static int temp_path(char *path, size_t n, const char **dir)
{
    *dir = getenv("TMPDIR");
    if (!*dir || !**dir) *dir = "/tmp";
    snprintf(path, n, "%s/thanthien-XXXXXX.xlsx", *dir);
    int fd = mkstemps(path, 5);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

static int slurp(const char *path, buf *out)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return -1;
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) buf_add(out, chunk, n);
    int bad = ferror(fp);
    fclose(fp);
    return bad ? -1 : 0;
}

lxw_workbook *xlsx_open(char *path, size_t n, err *e)
{
    const char *dir;
    if (temp_path(path, n, &dir) != 0) {
        err_set(e, 500, N_("Không tạo được tệp Excel."), "xlsx: mkstemps in %s: %s", dir, strerror(errno));
        return NULL;
    }
    lxw_workbook_options opt = {.constant_memory = 0, .tmpdir = (char *)dir};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) {
        unlink(path);
        err_set(e, 500, N_("Không tạo được tệp Excel."), "xlsx: workbook_new_opt failed");
    }
    return wb;
}

int xlsx_finish(lxw_workbook *wb, const char *path, lxw_error rc, buf *out, err *e)
{
    lxw_error closed = workbook_close(wb);   /* writes the file; frees wb even on error */
    if (!rc) rc = closed;
    size_t start = out->len;
    int read = rc ? 0 : slurp(path, out);
    unlink(path);
    if (rc || read) {
        out->len = start;   /* nothing half-read */
        if (out->data) out->data[start] = '\0';
        err_set(e, 500, N_("Không tạo được tệp Excel."), "xlsx: %s", rc ? lxw_strerror(rc) : "reading back failed");
        return -1;
    }
    return 0;
}

int xlsx_write(const char *title, const xl_sheet *sheets, size_t nsheets, buf *out, err *e)
{
    char path[4096];
    lxw_workbook *wb = xlsx_open(path, sizeof path, e);
    if (!wb) return -1;
    arena *a = out->a;
    lxw_doc_properties props = {.title = (char *)print_clean(a, title), .author = "Thân Thiện"};
    workbook_set_properties(wb, &props);
    formats f;
    make_formats(wb, &f);
    lxw_error rc = LXW_NO_ERROR;
    for (size_t i = 0; i < nsheets && !rc; i++) rc = write_sheet(wb, &sheets[i], &f, a);
    return xlsx_finish(wb, path, rc, out, e);
}
