/* survey_xlsx.c -- a survey's results as an XLSX workbook through the print layer's writer
 * (src/print/xlsx.h): "Tổng hợp" (each question's choices, counts and shares), "SIPAS" (items,
 * elements and the index, with the formula used) and "Phiếu" (one row per response, one column
 * per question, for those who want to count differently). Anonymous: no token is exported. */
#include <string.h>

#include "../print/xlsx.h"
#include "survey.h"

#define MAX_ROWS 20000   /* responses in the "Phiếu" sheet */

static const xl_column summary_cols[] = {
    {"Mã câu", 8, XL_TEXT, NULL},      {"Câu hỏi", 50, XL_TEXT, NULL},        {"Lựa chọn", 36, XL_TEXT, NULL},
    {"Số phiếu", 10, XL_NUMBER, "0"}, {"Tỷ lệ", 10, XL_NUMBER, "0.0%"},
};
static const xl_column sipas_cols[] = {
    {"Yếu tố", 30, XL_TEXT, NULL},      {"Mã", 8, XL_TEXT, NULL},
    {"Tiêu chí", 50, XL_TEXT, NULL},    {"Số câu trả lời (1–5)", 12, XL_NUMBER, "0"},
    {"Tỷ lệ hài lòng (mức 4, 5)", 14, XL_NUMBER, "0.0%"}, {"Điểm trung bình (1–5)", 12, XL_NUMBER, "0.00"},
};

static const char *element_label(const char *key)
{
    for (int el = 0; el < SIPAS_NELEMENTS; el++)
        if (!strcmp(key, sipas_elements[el][0])) return sipas_elements[el][1];
    return key;
}

static void sipas_row(xl_cell *c, const char *el, const char *code, const char *text, const sipas_figure *f)
{
    c[0].text = el;
    c[1].text = code;
    c[2].text = text;
    c[3].number = (double)f->valid;
    c[4].number = f->pct / 100.0;
    c[4].blank = !f->has;
    c[5].number = f->mean;
    c[5].blank = !f->has;
}

/* One row per response: its answers as text (options by name, scores as numbers). */
static int responses_sheet(db *d, arena *a, const survey_info *info, const survey_def *def, int64_t from, int64_t to,
                           xl_sheet *s)
{
    size_t ncols = 3 + def->n;
    xl_column *cols = arena_alloc(a, ncols * sizeof *cols);
    cols[0] = (xl_column){"STT", 6, XL_NUMBER, "0"};
    cols[1] = (xl_column){"Kênh", 10, XL_TEXT, NULL};
    cols[2] = (xl_column){"Ngày trả lời", 12, XL_DATE, NULL};
    for (size_t i = 0; i < def->n; i++) cols[3 + i] = (xl_column){def->q[i].code, 14, XL_TEXT, NULL};
    int64_t nresp = db_int_by_id(d, "SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?", info->id, 0);
    if (nresp > MAX_ROWS) nresp = MAX_ROWS;
    xl_cell *cells = arena_alloc(a, (size_t)(nresp + 1) * ncols * sizeof *cells);
    int64_t *ids = arena_alloc(a, (size_t)(nresp + 1) * sizeof *ids);
    size_t n = 0;
    db_stmt *st = db_prepare(d, "SELECT id, channel, answered_at FROM survey_responses WHERE survey_id = ? AND "
                                "answered_at >= ? AND answered_at < ? ORDER BY id LIMIT 20000");
    if (!st) return -1;
    db_bind_int(st, 1, info->id);
    db_bind_int(st, 2, from);
    db_bind_int(st, 3, to ? to : INT64_MAX / 2);
    while ((int64_t)n < nresp && db_step(st) == DB_ROW) {
        xl_cell *c = &cells[n * ncols];
        ids[n] = db_col_int(st, 0);
        c[0].number = (double)(n + 1);
        c[1].text = strcmp(db_col_text(st, 1), "paper") ? "Trực tuyến" : "Phiếu giấy";
        c[2].instant = db_col_int(st, 2);
        n++;
    }
    db_done(st);
    st = db_prepare(d, "SELECT a.response_id, a.question_id, a.value, a.text FROM survey_answers a JOIN survey_responses r "
                       "ON r.id = a.response_id WHERE r.survey_id = ? AND r.answered_at >= ? AND r.answered_at < ? "
                       "ORDER BY a.response_id, a.question_id, a.value");
    if (!st) return -1;
    db_bind_int(st, 1, info->id);
    db_bind_int(st, 2, from);
    db_bind_int(st, 3, to ? to : INT64_MAX / 2);
    size_t row = 0;
    while (db_step(st) == DB_ROW) {
        int64_t rid = db_col_int(st, 0), qid = db_col_int(st, 1), v = db_col_int(st, 2);
        while (row < n && ids[row] < rid) row++;   /* both ordered by id within the period */
        if (row >= n || ids[row] != rid) {
            /* responses ordered by answered_at may not be ordered by id: look it up */
            size_t k = 0;
            while (k < n && ids[k] != rid) k++;
            if (k == n) continue;
            row = k;
        }
        for (size_t i = 0; i < def->n; i++) {
            if (def->q[i].id != qid) continue;
            const survey_question *q = &def->q[i];
            const char *add = q->kind == SQ_TEXT ? arena_strdup(a, db_col_text(st, 3))
                              : q->kind == SQ_SCALE ? arena_printf(a, "%lld", (long long)v)
                              : (v >= 1 && v <= q->noptions) ? q->options[v - 1]
                                                             : "";
            xl_cell *c = &cells[row * ncols + 3 + i];
            c->text = c->text ? arena_printf(a, "%s; %s", c->text, add) : add;
        }
    }
    db_done(st);
    *s = (xl_sheet){.name = "Phiếu", .title = "TỪNG PHIẾU TRẢ LỜI", .subtitle = info->title, .cols = cols,
                    .ncols = ncols, .cells = cells, .nrows = n, .landscape = true};
    return 0;
}

int survey_xlsx(db *d, arena *a, const survey_info *info, const survey_def *def, const survey_tally *t,
                const sipas_result *sipas, const sipas_item *items, size_t nitems, int64_t from, int64_t to,
                buf *out, err *e)
{
    /* Tổng hợp */
    size_t rows = 0;
    for (size_t i = 0; i < def->n; i++) rows += def->q[i].kind == SQ_TEXT ? 1 : (size_t)survey_question_choices(&def->q[i]);
    xl_cell *sc = arena_alloc(a, (rows + 1) * 5 * sizeof *sc);
    size_t r = 0;
    for (size_t i = 0; i < def->n; i++) {
        const survey_question *q = &def->q[i];
        int n = survey_question_choices(q);
        if (q->kind == SQ_TEXT) {
            xl_cell *c = &sc[r++ * 5];
            c[0].text = q->code;
            c[1].text = q->text;
            c[2].text = "(ý kiến tự do)";
            c[3].number = (double)t->answered[i];
            c[4].blank = true;
            continue;
        }
        for (int v = 1; v <= n; v++) {
            xl_cell *c = &sc[r++ * 5];
            c[0].text = q->code;
            c[1].text = q->text;
            c[2].text = q->kind == SQ_SCALE ? arena_printf(a, "%d – %s", v, survey_scale_labels[v - 1]) : q->options[v - 1];
            c[3].number = (double)t->counts[i][v];
            c[4].number = t->answered[i] ? (double)t->counts[i][v] / (double)t->answered[i] : 0;
            c[4].blank = !t->answered[i];
        }
    }
    /* SIPAS: items, then elements, then the index */
    size_t srows = nitems + SIPAS_NELEMENTS + 1;
    xl_cell *pc = arena_alloc(a, (srows + 1) * 6 * sizeof *pc);
    size_t k = 0;
    for (size_t i = 0; i < nitems; i++, k++)
        sipas_row(&pc[k * 6], element_label(items[i].element), items[i].code, items[i].text, &sipas->item[i]);
    for (int el = 0; el < SIPAS_NELEMENTS; el++, k++)
        sipas_row(&pc[k * 6], sipas_elements[el][1], "", "Chỉ số yếu tố (trung bình các tiêu chí)", &sipas->element[el]);
    sipas_row(&pc[k * 6], "SIPAS", "", "Chỉ số chung (trung bình các yếu tố)", &sipas->overall);
    k++;
    xl_sheet sheets[3] = {
        {.name = "Tổng hợp", .title = "KẾT QUẢ KHẢO SÁT", .subtitle = arena_printf(a, "%s – %s – %lld phiếu", info->unit_name, info->title, (long long)t->responses),
         .cols = summary_cols, .ncols = 5, .cells = sc, .nrows = r},
        {.name = "SIPAS", .title = "CHỈ SỐ HÀI LÒNG (SIPAS)",
         .subtitle = "Tỷ lệ hài lòng = số trả lời mức 4, 5 / số trả lời 1–5; yếu tố = trung bình tiêu chí; SIPAS = trung bình yếu tố (đề xuất; phương pháp chính thức chưa xác nhận)",
         .cols = sipas_cols, .ncols = 6, .cells = pc, .nrows = k},
    };
    if (responses_sheet(d, a, info, def, from, to, &sheets[2])) {
        err_set(e, 500, N_("Không tạo được tệp Excel kết quả khảo sát, xin thử lại."), "survey xlsx: %s", db_errmsg(d));
        return -1;
    }
    return xlsx_write(info->title, sheets, 3, out, e);
}
