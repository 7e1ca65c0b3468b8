/* report_pdf.c -- the report on the model on paper: an A4 administrative report in the layout
 * of Decree 30/2020/NĐ-CP (Appendix I) through src/print/:
 *
 *   ỦY BAN NHÂN DÂN                      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
 *   PHƯỜNG PHAN ĐÌNH PHÙNG                   Độc lập - Tự do - Hạnh phúc
 *   Số: …/BC-UBND                  Phan Đình Phùng, ngày 04 tháng 12 năm 2026
 *                                   BÁO CÁO
 *        Kết quả xây dựng mô hình "Chính quyền thân thiện, vì Nhân dân phục vụ" năm 2026
 *   I. ... VI. (report_model.c), the figures as tables, the leader's words as paragraphs
 *   Nơi nhận: ...                                    TM. ỦY BAN NHÂN DÂN
 *                                                          CHỦ TỊCH
 *                                                        (name)
 *
 * A part the leader has not written prints a dotted line to be filled in by hand, like the
 * paper forms. The province's roll-up (rollup_pdf) is the same header over a table per unit. */
#include <string.h>

#include "../assess/assess.h"
#include "../core/text.h"
#include "../print/print.h"
#include "report_impl.h"

static bool blank(const char *s) { return !s || text_is_blank(s); }

static const char *DOTS = "…………………………………………………………………………………………";  /* one line of the text width at 13 pt */

/* Paragraphs of a leader's text (blank lines or line ends separate them); dots when none. */
static void words(pdoc *p, const char *text)
{
    if (blank(text)) {
        pdoc_par(p, DOTS, PDOC_NOINDENT);
        pdoc_par(p, DOTS, PDOC_NOINDENT);
        return;
    }
    arena *a = pdoc_arena(p);
    char *copy = arena_strdup(a, text), *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (!text_is_blank(line)) pdoc_par(p, text_trim(a, line), 0);
}

static void heading(pdoc *p, const char *text) { pdoc_par(p, text, PDOC_BOLD | PDOC_KEEP_NEXT); }

static const char *period_words(arena *a, const report_doc *r)
{
    return r->period == REPORT_HALF ? arena_printf(a, "6 tháng đầu năm %d", r->year) : arena_printf(a, "năm %d", r->year);
}

/* The table of one group's figures: TT, Nội dung, one column per period. */
static void figures_table(pdoc *p, const report_doc *r, const report_group *g)
{
    arena *a = pdoc_arena(p);
    size_t nlines = 0;
    while (g->keys[nlines]) nlines++;
    size_t nc = 2 + (size_t)r->ncols;
    pdoc_row *rows = arena_alloc(a, (nlines + 1) * sizeof *rows);
    pdoc_cell *head = arena_alloc(a, nc * sizeof *head);
    head[0] = (pdoc_cell){.text = "TT"};
    head[1] = (pdoc_cell){.text = "Nội dung"};
    for (int k = 0; k < r->ncols; k++) head[2 + k] = (pdoc_cell){.text = r->cols[k].label};
    rows[0] = (pdoc_row){head, nc, false};
    for (size_t i = 0; i < nlines; i++) {
        const figures_metric_def *def = report_metric_def(g->keys[i]);
        pdoc_cell *c = arena_alloc(a, nc * sizeof *c);
        c[0] = (pdoc_cell){.text = arena_printf(a, "%zu", i + 1), .flags = PDOC_CENTER};
        const char *label = def ? def->label : g->keys[i];
        if (def && *def->unit && strcmp(def->unit, "%")) label = arena_printf(a, "%s (%s)", label, def->unit);
        c[1] = (pdoc_cell){.text = label};
        for (int k = 0; k < r->ncols; k++) {
            double v = 0;
            bool has = report_metric(&r->cols[k], g->keys[i], &v);
            c[2 + k] = (pdoc_cell){.text = figures_format(a, def, has, v), .flags = PDOC_RIGHT};
        }
        rows[i + 1] = (pdoc_row){c, nc, false};
    }
    static const double w1[] = {0.08, 0.64, 0.28}, w2[] = {0.08, 0.52, 0.20, 0.20};
    pdoc_table_block(p, &(pdoc_table){.ncols = nc, .widths = r->ncols == 1 ? w1 : w2, .rows = rows,
                                      .nrows = nlines + 1, .header_rows = 1, .size_pt = 12});
    pdoc_space(p, 6);
}

/* Part III: the self-assessment table of the year's cycle. */
static void self_table(pdoc *p, const report_doc *r)
{
    arena *a = pdoc_arena(p);
    if (!r->has_cycle) {
        pdoc_par(p, "Đơn vị chưa mở kỳ tự đánh giá, chấm điểm của năm.", PDOC_ITALIC);
        return;
    }
    pdoc_row *rows = arena_alloc(a, (size_t)(r->ncriteria + 2) * sizeof *rows);
    static const pdoc_cell head[] = {{.text = "Mã"}, {.text = "Tiêu chí"}, {.text = "Điểm chuẩn"},
                                     {.text = "Điểm tự chấm"}, {.text = "Ghi chú, minh chứng"}};
    rows[0] = (pdoc_row){head, 5, false};
    for (int i = 0; i < r->ncriteria; i++) {
        const report_criterion *c = &r->criteria[i];
        pdoc_cell *cells = arena_alloc(a, 5 * sizeof *cells);
        const char *max = assess_points_text(a, c->max10);
        if (!strcmp(c->kind, "bonus")) max = arena_printf(a, "+%s", max);
        else if (!strcmp(c->kind, "penalty")) max = arena_printf(a, "−%s", max);
        cells[0] = (pdoc_cell){.text = c->code};
        cells[1] = (pdoc_cell){.text = c->name};
        cells[2] = (pdoc_cell){.text = max, .flags = PDOC_RIGHT};
        cells[3] = (pdoc_cell){.text = assess_points_text(a, c->points10), .flags = PDOC_RIGHT};
        cells[4] = (pdoc_cell){.text = c->note};
        rows[i + 1] = (pdoc_row){cells, 5, false};
    }
    pdoc_cell *tot = arena_alloc(a, 5 * sizeof *tot);
    tot[0] = (pdoc_cell){.text = "Tổng điểm", .flags = PDOC_BOLD, .span = 2};
    tot[1] = (pdoc_cell){.text = assess_points_text(a, r->cycle_max10), .flags = PDOC_BOLD | PDOC_RIGHT};
    tot[2] = (pdoc_cell){.text = assess_points_text(a, r->cycle_total10), .flags = PDOC_BOLD | PDOC_RIGHT};
    tot[3] = (pdoc_cell){.text = ""};
    rows[r->ncriteria + 1] = (pdoc_row){tot, 4, false};
    static const double w[] = {0.09, 0.45, 0.12, 0.12, 0.22};
    pdoc_table_block(p, &(pdoc_table){.ncols = 5, .widths = w, .rows = rows, .nrows = (size_t)r->ncriteria + 2,
                                      .header_rows = 1, .size_pt = 11});
    pdoc_space(p, 4);
    int lv = r->cycle_proposed > 0 ? r->cycle_proposed : r->cycle_level;
    if (lv > 0) pdoc_par(p, arena_printf(a, "Đơn vị đề nghị công nhận đạt chuẩn mức độ %d.", lv), 0);
    if (r->cycle_recognised > 0)
        pdoc_par(p, arena_printf(a, "Kết quả công nhận: đạt chuẩn mức độ %d.", r->cycle_recognised), 0);
}

typedef struct {
    const char *body, *parent, *place, *short_name;
    bool council;
} issuer;

static issuer issuer_of(arena *a, const char *name, const char *parent_name, const char *kind)
{
    pdoc_unit u = {.name = name, .parent_name = parent_name, .council = strcmp(kind, "department") != 0};
    return (issuer){pdoc_unit_body(a, &u), pdoc_unit_parent(a, &u), pdoc_unit_place(a, &u), pdoc_unit_short(a, &u),
                    u.council};
}

/* The recipients: the leader's list (one a line), else the usual ones of the outline. */
static void closing(pdoc *p, const char *list, bool council, const char *head_name, const char *head_title)
{
    arena *a = pdoc_arena(p);
    const char *defaults[] = {"- Ban Chỉ đạo xây dựng chính quyền thân thiện tỉnh (Ban Dân vận Tỉnh ủy);",
                              "- Sở Nội vụ;", "- Thường trực Đảng ủy, HĐND;", "- Lưu: VT."};
    const char **to = defaults;
    size_t n = 4;
    if (!blank(list)) {
        to = arena_alloc(a, 64 * sizeof *to);
        n = 0;
        char *copy = arena_strdup(a, list), *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line && n < 64; line = strtok_r(NULL, "\n", &save)) {
            const char *t = text_trim(a, line);
            if (*t) to[n++] = *t == '-' ? t : arena_printf(a, "- %s", t);
        }
    }
    pdoc_signer s = {.caption = pdoc_signer_caption(a, council, blank(head_title) ? "Chủ tịch" : head_title),
                     .note = "", .name = blank(head_name) ? NULL : head_name};
    pdoc_closing(p, (const char *const *)to, n, &s);
}

int report_pdf(arena *a, const report_doc *r, buf *out, err *e)
{
    const char *subject = arena_printf(a, "Kết quả xây dựng mô hình “Chính quyền thân thiện, vì Nhân dân phục vụ” %s",
                                       period_words(a, r));
    pdoc *p = pdoc_open(a, arena_printf(a, "Báo cáo %s", subject), r->unit_name, subject);
    if (!p) {
        err_set(e, 500, N_("Không in được báo cáo."), "pdoc_open");
        return -1;
    }
    issuer u = issuer_of(a, r->unit_name, r->parent_name, r->unit_kind);
    /* a number typed alone ("27") gets the document's symbol: "27/BC-UBND" */
    const char *number = r->texts[PART_NUMBER];
    if (!blank(number) && !strchr(number, '/'))
        number = arena_printf(a, "%s/%s", text_trim(a, number), u.council ? "BC-UBND" : "BC");
    pdoc_header h = {.parent_body = u.parent,
                     .body = u.body,
                     .number = blank(number) ? NULL : number,
                     .number_suffix = u.council ? "BC-UBND" : "BC",
                     .place = u.place,
                     .date = r->texts_updated_at};
    pdoc_header_block(p, &h);
    pdoc_title(p, "BÁO CÁO", subject);
    pdoc_running_head(p, arena_printf(a, "Báo cáo %s của %s", period_words(a, r), r->unit_name));
    cal_day last = r->cols[r->ncols - 1].to;
    char asof[11];
    cal_format_dmy(r->as_of_day, asof);
    pdoc_par(p,
             arena_printf(a, "%s báo cáo kết quả xây dựng mô hình “Chính quyền thân thiện, vì Nhân dân phục vụ” %s%s, "
                             "cụ thể như sau:",
                          u.short_name, period_words(a, r),
                          r->as_of_day < last ? arena_printf(a, " (số liệu tính đến ngày %s)", asof) : ""),
             0);
    heading(p, "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO");
    words(p, r->texts[PART_LEADERSHIP]);
    heading(p, "II. KẾT QUẢ THỰC HIỆN");
    for (int g = 0; g < REPORT_NGROUPS; g++) {
        pdoc_par(p, arena_printf(a, "%s. %s", report_groups[g].number, report_groups[g].title),
                 PDOC_BOLD | PDOC_ITALIC | PDOC_KEEP_NEXT);
        figures_table(p, r, &report_groups[g]);
    }
    pdoc_par(p, arena_printf(a, "%d. Kết quả khác", REPORT_NGROUPS + 1), PDOC_BOLD | PDOC_ITALIC | PDOC_KEEP_NEXT);
    words(p, r->texts[PART_RESULTS]);
    int n = 3;
    if (r->period == REPORT_YEAR) {
        heading(p, "III. TỰ ĐÁNH GIÁ, CHẤM ĐIỂM");
        self_table(p, r);
        n = 4;
    }
    static const char *const roman[] = {"", "I", "II", "III", "IV", "V", "VI"};
    heading(p, arena_printf(a, "%s. ĐÁNH GIÁ CHUNG", roman[n]));
    pdoc_par(p, "1. Ưu điểm", PDOC_BOLD | PDOC_ITALIC | PDOC_KEEP_NEXT);
    words(p, r->texts[PART_STRENGTHS]);
    pdoc_par(p, "2. Hạn chế, nguyên nhân", PDOC_BOLD | PDOC_ITALIC | PDOC_KEEP_NEXT);
    words(p, r->texts[PART_WEAKNESSES]);
    heading(p, arena_printf(a, "%s. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", roman[n + 1]));
    words(p, r->texts[PART_DIRECTIONS]);
    heading(p, arena_printf(a, "%s. ĐỀ XUẤT, KIẾN NGHỊ", roman[n + 2]));
    words(p, r->texts[PART_PROPOSALS]);
    pdoc_par(p,
             arena_printf(a, "Trên đây là báo cáo kết quả xây dựng mô hình “Chính quyền thân thiện, vì Nhân dân phục vụ” "
                             "%s của %s./.",
                          period_words(a, r), u.short_name),
             0);
    closing(p, r->texts[PART_RECIPIENTS], u.council, r->head_name, r->head_title);
    return pdoc_finish(p, out, e);
}

/* ---- the province's roll-up ------------------------------------------------------------------- */

/* One table of the roll-up: a row per unit and the total, the given figures as columns. */
static void rollup_table(pdoc *p, const report_rollup *r, const char *const *keys, const char *const *heads, size_t nk)
{
    arena *a = pdoc_arena(p);
    size_t nc = 2 + nk, nrows = r->n + 2;
    pdoc_row *rows = arena_alloc(a, nrows * sizeof *rows);
    pdoc_cell *head = arena_alloc(a, nc * sizeof *head);
    head[0] = (pdoc_cell){.text = "TT"};
    head[1] = (pdoc_cell){.text = "Đơn vị"};
    for (size_t k = 0; k < nk; k++) head[2 + k] = (pdoc_cell){.text = heads[k]};
    rows[0] = (pdoc_row){head, nc, false};
    for (size_t i = 0; i <= r->n; i++) {
        const unit_figures *f = i < r->n ? &r->units[i] : &r->total;
        unsigned bold = i < r->n ? 0 : PDOC_BOLD;
        pdoc_cell *c = arena_alloc(a, nc * sizeof *c);
        c[0] = (pdoc_cell){.text = i < r->n ? arena_printf(a, "%zu", i + 1) : "", .flags = PDOC_CENTER};
        c[1] = (pdoc_cell){.text = i < r->n ? f->unit_name : "Tổng cộng", .flags = bold};
        for (size_t k = 0; k < nk; k++) {
            double v = 0;
            bool has = figures_metric(f, keys[k], &v);
            c[2 + k] = (pdoc_cell){.text = figures_format(a, report_metric_def(keys[k]), has, v), .flags = PDOC_RIGHT | bold};
        }
        rows[i + 1] = (pdoc_row){c, nc, false};
    }
    double *w = arena_alloc(a, nc * sizeof *w);
    w[0] = 0.05;
    w[1] = 0.25;
    for (size_t k = 0; k < nk; k++) w[2 + k] = 0.70 / (double)nk;
    pdoc_table_block(p, &(pdoc_table){.ncols = nc, .widths = w, .rows = rows, .nrows = nrows, .header_rows = 1,
                                      .size_pt = 9});
    pdoc_space(p, 6);
}

int rollup_pdf(arena *a, const report_rollup *r, buf *out, err *e)
{
    const char *when = r->period == REPORT_HALF ? arena_printf(a, "6 tháng đầu năm %d", r->year)
                                                : arena_printf(a, "năm %d", r->year);
    const char *subject = arena_printf(a, "Tổng hợp kết quả xây dựng mô hình “Chính quyền thân thiện, vì Nhân dân phục vụ” "
                                          "%s của các xã, phường và sở, ngành",
                                       when);
    pdoc *p = pdoc_open(a, subject, r->province_name, subject);
    if (!p) {
        err_set(e, 500, N_("Không in được báo cáo."), "pdoc_open");
        return -1;
    }
    issuer u = issuer_of(a, r->province_name, "", "province");
    pdoc_header_block(p, &(pdoc_header){.parent_body = u.parent, .body = u.body, .number_suffix = "BC-UBND",
                                        .place = u.place, .date = 0});
    pdoc_title(p, "BÁO CÁO", subject);
    pdoc_running_head(p, arena_printf(a, "Tổng hợp %s", when));
    pdoc_par(p,
             arena_printf(a, "Số đơn vị tổng hợp: %zu. Tỷ lệ của dòng Tổng cộng tính lại từ tổng các số đếm của các đơn vị.",
                          r->n),
             0);
    pdoc_par(p, "1. Giải quyết thủ tục hành chính và mức độ hài lòng", PDOC_BOLD | PDOC_KEEP_NEXT);
    static const char *const k1[] = {"dossier.received", "dossier.online_rate", "dossier.on_time_rate",
                                     "dossier.late_rate", "dossier.apologies", "rating.count", "rating.satisfied_rate"};
    static const char *const h1[] = {"Hồ sơ tiếp nhận", "Trực tuyến", "Đúng hạn", "Trễ hạn", "Phiếu xin lỗi",
                                     "Lượt đánh giá", "Hài lòng"};
    rollup_table(p, r, k1, h1, 7);
    pdoc_par(p, "2. Phản ánh, kiến nghị, tiếp công dân và thư gửi người dân", PDOC_BOLD | PDOC_KEEP_NEXT);
    static const char *const k2[] = {"feedback.received", "feedback.on_time_rate", "complaint.received",
                                     "reception.sessions", "dialogue.held", "letter.congratulation",
                                     "letter.condolence", "letter.thanks"};
    static const char *const h2[] = {"PAKN tiếp nhận", "PAKN đúng hạn", "KN, TC", "Buổi tiếp dân", "Đối thoại",
                                     "Thư chúc mừng", "Thư chia buồn", "Thư cảm ơn"};
    rollup_table(p, r, k2, h2, 8);
    static const char *const to[] = {"- Ban Chỉ đạo xây dựng chính quyền thân thiện tỉnh;", "- Sở Nội vụ;",
                                     "- Lưu: VT."};
    pdoc_signer s = {.caption = pdoc_signer_caption(a, true, "Chủ tịch"), .note = "", .name = NULL};
    pdoc_closing(p, to, 3, &s);
    return pdoc_finish(p, out, e);
}
