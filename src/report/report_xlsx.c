/* report_xlsx.c -- the report's figures and the province's roll-up as XLSX workbooks
 * (src/print/xlsx.h), numbers as numbers so they sum and chart in a spreadsheet: rates are
 * percent values (92.5, format "0.0"), counts whole numbers; a figure without data is an empty
 * cell.
 *
 *   report_xlsx: sheet "Số liệu" (group, figure, one column per period), and for the yearly
 *                report with a cycle, sheet "Tự chấm điểm" (criterion, max, self points, note);
 *   rollup_xlsx: sheet "Tổng hợp" (code, unit, kind, one column per figure), the total last. */
#include <string.h>

#include "../assess/assess.h"
#include "../print/xlsx.h"
#include "report_impl.h"

static const char *col_header(arena *a, const char *key)
{
    const figures_metric_def *def = report_metric_def(key);
    if (!def) return key;
    return *def->unit ? arena_printf(a, "%s (%s)", def->label, def->unit) : def->label;
}

static xl_cell number_cell(const unit_figures *f, const char *key)
{
    double v = 0;
    bool has = figures_metric(f, key, &v);
    return (xl_cell){.number = v, .blank = !has};
}

static xl_cell col_cell(const report_col *c, const char *key)
{
    double v = 0;
    bool has = report_metric(c, key, &v);
    return (xl_cell){.number = v, .blank = !has};
}

int report_xlsx(arena *a, const report_doc *r, buf *out, err *e)
{
    size_t nlines = 0;
    for (int g = 0; g < REPORT_NGROUPS; g++)
        for (const char *const *k = report_groups[g].keys; *k; k++) nlines++;
    size_t nc = 3 + (size_t)r->ncols;
    xl_column *cols = arena_alloc(a, nc * sizeof *cols);
    cols[0] = (xl_column){"Mục", 8, XL_TEXT, NULL};
    cols[1] = (xl_column){"Nhóm", 36, XL_TEXT, NULL};
    cols[2] = (xl_column){"Chỉ tiêu", 50, XL_TEXT, NULL};
    /* a column holds counts and rates alike: Excel's General shows 1234 and 92.5 as they are */
    for (int k = 0; k < r->ncols; k++) cols[3 + k] = (xl_column){r->cols[k].label, 16, XL_NUMBER, NULL};
    xl_cell *cells = arena_alloc(a, nlines * nc * sizeof *cells);
    size_t row = 0;
    for (int g = 0; g < REPORT_NGROUPS; g++) {
        int i = 0;
        for (const char *const *k = report_groups[g].keys; *k; k++, row++) {
            xl_cell *c = &cells[row * nc];
            c[0] = (xl_cell){.text = arena_printf(a, "II.%s.%d", report_groups[g].number, ++i)};
            c[1] = (xl_cell){.text = report_groups[g].title};
            c[2] = (xl_cell){.text = col_header(a, *k)};
            for (int j = 0; j < r->ncols; j++) c[3 + j] = col_cell(&r->cols[j], *k);
        }
    }
    const char *title = arena_printf(a, "%s: kết quả xây dựng mô hình “Chính quyền thân thiện, vì Nhân dân phục vụ” %s",
                                     r->unit_name,
                                     r->period == REPORT_HALF ? arena_printf(a, "6 tháng đầu năm %d", r->year)
                                                              : arena_printf(a, "năm %d", r->year));
    char asof[11];
    cal_format_dmy(r->as_of_day, asof);
    xl_sheet sheets[2] = {{.name = "Số liệu",
                           .title = title,
                           .subtitle = arena_printf(a, "Số liệu tính đến ngày %s", asof),
                           .cols = cols,
                           .ncols = nc,
                           .cells = cells,
                           .nrows = nlines}};
    size_t nsheets = 1;
    if (r->has_cycle) {
        static const xl_column sc[] = {{"Mã", 8, XL_TEXT, NULL},
                                       {"Tiêu chí", 60, XL_TEXT, NULL},
                                       {"Điểm chuẩn", 12, XL_NUMBER, "0.0"},
                                       {"Điểm tự chấm", 12, XL_NUMBER, "0.0"},
                                       {"Ghi chú, minh chứng", 40, XL_TEXT, NULL}};
        size_t n = (size_t)r->ncriteria + 1;
        xl_cell *sc_cells = arena_alloc(a, n * 5 * sizeof *sc_cells);
        for (int i = 0; i < r->ncriteria; i++) {
            const report_criterion *c = &r->criteria[i];
            xl_cell *x = &sc_cells[(size_t)i * 5];
            x[0] = (xl_cell){.text = c->code};
            x[1] = (xl_cell){.text = c->name};
            x[2] = (xl_cell){.number = c->max10 / 10.0};
            x[3] = (xl_cell){.number = c->points10 / 10.0};
            x[4] = (xl_cell){.text = c->note};
        }
        xl_cell *t = &sc_cells[(size_t)r->ncriteria * 5];
        t[0] = (xl_cell){.text = ""};
        t[1] = (xl_cell){.text = "Tổng điểm"};
        t[2] = (xl_cell){.number = r->cycle_max10 / 10.0};
        t[3] = (xl_cell){.number = r->cycle_total10 / 10.0};
        t[4] = (xl_cell){.text = ""};
        sheets[1] = (xl_sheet){.name = "Tự chấm điểm", .title = "Tự đánh giá, chấm điểm", .cols = sc, .ncols = 5,
                               .cells = sc_cells, .nrows = n};
        nsheets = 2;
    }
    return xlsx_write(title, sheets, nsheets, out, e);
}

int rollup_xlsx(arena *a, const report_rollup *r, buf *out, err *e)
{
    size_t nk = 0;
    while (rollup_keys[nk]) nk++;
    size_t nc = 3 + nk;
    xl_column *cols = arena_alloc(a, nc * sizeof *cols);
    cols[0] = (xl_column){"Mã", 8, XL_TEXT, NULL};
    cols[1] = (xl_column){"Đơn vị", 30, XL_TEXT, NULL};
    cols[2] = (xl_column){"Loại", 10, XL_TEXT, NULL};
    for (size_t k = 0; k < nk; k++) {
        const figures_metric_def *def = report_metric_def(rollup_keys[k]);
        bool count = def && !*def->unit;
        cols[3 + k] = (xl_column){col_header(a, rollup_keys[k]), 14, XL_NUMBER, count ? "#,##0" : "0.0"};
    }
    size_t nrows = r->n + 1;
    xl_cell *cells = arena_alloc(a, nrows * nc * sizeof *cells);
    for (size_t i = 0; i < nrows; i++) {
        const unit_figures *f = i < r->n ? &r->units[i] : &r->total;
        xl_cell *c = &cells[i * nc];
        c[0] = (xl_cell){.text = i < r->n ? f->unit_code : ""};
        c[1] = (xl_cell){.text = i < r->n ? f->unit_name : "Tổng cộng"};
        c[2] = (xl_cell){.text = i < r->n ? (!strcmp(f->unit_kind, "department") ? "Sở, ngành" : "Xã, phường") : ""};
        for (size_t k = 0; k < nk; k++) c[3 + k] = number_cell(f, rollup_keys[k]);
    }
    const char *title = arena_printf(a, "%s: tổng hợp kết quả xây dựng mô hình “Chính quyền thân thiện, vì Nhân dân phục vụ” %s",
                                     r->province_name,
                                     r->period == REPORT_HALF ? arena_printf(a, "6 tháng đầu năm %d", r->year)
                                                              : arena_printf(a, "năm %d", r->year));
    xl_sheet s = {.name = "Tổng hợp",
                  .title = title,
                  .subtitle = "Tỷ lệ của dòng Tổng cộng tính lại từ tổng các số đếm, không lấy trung bình tỷ lệ các đơn vị",
                  .cols = cols,
                  .ncols = nc,
                  .cells = cells,
                  .nrows = nrows,
                  .landscape = true};
    return xlsx_write(title, &s, 1, out, e);
}
