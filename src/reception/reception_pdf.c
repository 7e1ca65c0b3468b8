/* reception_pdf.c -- the register (Sổ tiếp công dân) as PDF and XLSX, and the written
 * conclusion of a reception ("Thông báo kết luận việc tiếp công dân", NĐ 154/2026 Art. 25) as
 * an A4 document in the Decree 30/2020 layout (src/print/print.h).
 *
 * The register's columns are data (reception_register_columns, migration 018): the set in
 * force on the last day of the period printed, each column naming the field it shows. */
#include <string.h>

#include "../account/account.h"
#include "../core/calendar.h"
#include "../core/vntime.h"
#include "../print/print.h"
#include "../print/xlsx.h"
#include "reception.h"
#include "reception_impl.h"

bool rc_unit_get(db *d, arena *a, int64_t unit_id, rc_unit *out)
{
    json_t *u = account_unit_get_by_id(d, unit_id);
    if (!u) return false;
    pdoc_unit pu = {.name = arena_strdup(a, json_get_str_r(u, "name")),
                    .parent_name = arena_strdup(a, json_get_str_r(u, "parent_name")),
                    .council = strcmp(json_get_str_r(u, "kind"), "department") != 0};
    out->name = pu.name;
    out->code = arena_strdup(a, json_get_str_r(u, "code"));
    out->council = pu.council;
    out->body = pdoc_unit_body(a, &pu);
    out->parent = pdoc_unit_parent(a, &pu);
    out->place = pdoc_unit_place(a, &pu);
    json_decref(u);
    return true;
}

typedef struct {
    const char *field, *header;
    double width;
} reg_col;

/* The columns in force on day; n = 0 when the table has none (then 500). */
static reg_col *columns_on(db *d, arena *a, cal_day day, size_t *n, const char **since, const char **basis)
{
    char iso[11];
    cal_format(day, iso);
    db_stmt *s = db_prepare(d, "SELECT field, header, width, valid_from, basis FROM reception_register_columns WHERE valid_from = "
                               "(SELECT MAX(valid_from) FROM reception_register_columns WHERE valid_from <= ?) "
                               "ORDER BY position");
    db_bind_text(s, 1, iso);
    reg_col *cols = arena_alloc(a, 32 * sizeof *cols);
    *n = 0;
    while (db_step(s) == DB_ROW && *n < 32) {
        cols[*n] = (reg_col){arena_strdup(a, db_col_text(s, 0)), arena_strdup(a, db_col_text(s, 1)), (double)db_col_int(s, 2) / 10.0};
        if (since) *since = arena_strdup(a, db_col_text(s, 3));
        if (basis) *basis = arena_strdup(a, db_col_text(s, 4));
        (*n)++;
    }
    db_done(s);
    return cols;
}

static const char *kind_abbr_people(arena *a, json_t *r)
{
    return arena_printf(a, "%s/%lld", json_get_str_r(r, "kind_abbr"),
                        (long long)json_integer_value(json_object_get(r, "people")));
}

/* What a register cell shows for field. */
static const char *cell(arena *a, json_t *r, const char *field)
{
    if (!strcmp(field, "seq")) return arena_printf(a, "%lld", (long long)json_integer_value(json_object_get(r, "seq")));
    if (!strcmp(field, "date")) return json_get_str_r(r, "received_date");
    if (!strcmp(field, "host")) return json_get_str_r(r, "host_name");
    if (!strcmp(field, "name")) return json_get_str_r(r, "citizen_name");
    if (!strcmp(field, "id_number")) return json_get_str_r(r, "id_number");
    if (!strcmp(field, "address")) return json_get_str_r(r, "address");
    if (!strcmp(field, "citizen")) {   /* "Họ tên - Địa chỉ" (TT 04/2021, Mẫu số 03) */
        const char *addr = json_get_str_r(r, "address");
        return arena_printf(a, "%s%s%s", json_get_str_r(r, "citizen_name"), *addr ? "\n" : "", addr);
    }
    if (!strcmp(field, "content")) {
        const char *rq = json_get_str_r(r, "request");
        return *rq ? arena_printf(a, "%s\nYêu cầu: %s", json_get_str_r(r, "content"), rq) : json_get_str_r(r, "content");
    }
    if (!strcmp(field, "kind_people")) return kind_abbr_people(a, r);
    if (!strcmp(field, "kind")) return json_get_str_r(r, "kind_abbr");
    if (!strcmp(field, "people")) return arena_printf(a, "%lld", (long long)json_integer_value(json_object_get(r, "people")));
    if (!strcmp(field, "prior")) return json_get_str_r(r, "prior_handling");
    json_t *x = json_object_get(r, "refusal");
    if (!strcmp(field, "handling") && json_is_object(x))
        return arena_printf(a, "Từ chối tiếp (%s; TB số %lld/TB-TCD): %s", json_get_str_r(x, "ground_basis"),
                            (long long)json_integer_value(json_object_get(x, "number")), json_get_str_r(x, "reason"));
    if (!strcmp(field, "handling")) {
        const char *l = json_get_str_r(r, "handling_label"), *n = json_get_str_r(r, "handling_note");
        return arena_printf(a, "%s%s%s", l, *l && *n ? ": " : "", n);
    }
    if (!strcmp(field, "followup")) return json_get_str_r(r, "followup");
    if (!strcmp(field, "note")) {
        const char *conv = json_get_str_r(r, "converted_code");
        return arena_printf(a, "%s%s%s", json_get_str_r(r, "session_label"), *conv ? "\nĐã chuyển: " : "", conv);
    }
    return "";
}

static const char *period_text(arena *a, cal_day from, cal_day to)
{
    char f[11], t[11];
    cal_format_dmy(from, f);
    cal_format_dmy(to, t);
    return arena_printf(a, "Từ ngày %s đến ngày %s", f, t);
}

int reception_register_pdf(db *d, arena *a, int64_t unit_id, int32_t from_day, int32_t to_day, buf *out, err *e)
{
    rc_unit u;
    if (!rc_unit_get(d, a, unit_id, &u)) return rc_fail(e, 404, N_("Không tìm thấy đơn vị."), NULL);
    size_t nc;
    const char *since = "", *basis = "";
    reg_col *cols = columns_on(d, a, to_day, &nc, &since, &basis);
    if (!nc) return rc_fail(e, 500, N_("Chưa có mẫu sổ tiếp công dân áp dụng cho thời gian này."), NULL);
    json_t *list = reception_list(d, a, unit_id, from_day, to_day, NULL);
    size_t nr = json_array_size(list);
    pdoc_row *rows = arena_alloc(a, (nr + 1) * sizeof *rows);
    double *widths = arena_alloc(a, nc * sizeof *widths);
    pdoc_cell *head = arena_alloc(a, nc * sizeof *head);
    for (size_t c = 0; c < nc; c++) {
        widths[c] = cols[c].width;
        head[c] = (pdoc_cell){.text = cols[c].header, .flags = PDOC_BOLD | PDOC_CENTER | PDOC_VCENTER};
    }
    rows[0] = (pdoc_row){head, nc, false};
    for (size_t i = 0; i < nr; i++) {
        json_t *r = json_array_get(list, i);
        pdoc_cell *cells = arena_alloc(a, nc * sizeof *cells);
        for (size_t c = 0; c < nc; c++)
            cells[c] = (pdoc_cell){.text = cell(a, r, cols[c].field),
                                   .flags = !strcmp(cols[c].field, "seq") || !strcmp(cols[c].field, "people") ? PDOC_CENTER : PDOC_LEFT};
        rows[i + 1] = (pdoc_row){cells, nc, false};
    }
    /* a register of nine to twelve columns: A4 landscape, as the paper register is kept */
    pdoc *p = pdoc_open_landscape(a, "Sổ tiếp công dân", u.name, period_text(a, from_day, to_day));
    if (!p) {
        json_decref(list);
        return rc_fail(e, 500, N_("Không tạo được tệp PDF."), NULL);
    }
    pdoc_header_block(p, &(pdoc_header){.parent_body = u.parent, .body = u.body, .no_number = true, .place = u.place,
                                        .date = 0});
    pdoc_title(p, "SỔ TIẾP CÔNG DÂN", period_text(a, from_day, to_day));
    cal_day since_day = 0;
    char since_dmy[11] = "";
    if (cal_parse_date(since, &since_day)) cal_format_dmy(since_day, since_dmy);
    pdoc_par_ex(p, arena_printf(a, "Mẫu sổ áp dụng từ ngày %s (%s).", since_dmy, basis), PDOC_ITALIC | PDOC_CENTER | PDOC_NOINDENT,
                11, 6);
    pdoc_table_block(p, &(pdoc_table){.ncols = nc, .widths = widths, .rows = rows, .nrows = nr + 1, .header_rows = 1,
                                      .size_pt = 9});
    if (!nr) pdoc_par(p, "Không có lượt tiếp công dân nào trong thời gian này.", PDOC_ITALIC | PDOC_NOINDENT);
    pdoc_par_ex(p, arena_printf(a, "Tổng số: %zu lượt tiếp.", nr), PDOC_NOINDENT, 12, 6);
    int rc = pdoc_finish(p, out, e);
    json_decref(list);   /* the cells point into it */
    return rc;
}

int reception_register_xlsx(db *d, arena *a, int64_t unit_id, int32_t from_day, int32_t to_day, buf *out, err *e)
{
    rc_unit u;
    if (!rc_unit_get(d, a, unit_id, &u)) return rc_fail(e, 404, N_("Không tìm thấy đơn vị."), NULL);
    size_t nc;
    reg_col *cols = columns_on(d, a, to_day, &nc, NULL, NULL);
    if (!nc) return rc_fail(e, 500, N_("Chưa có mẫu sổ tiếp công dân áp dụng cho thời gian này."), NULL);
    json_t *list = reception_list(d, a, unit_id, from_day, to_day, NULL);
    size_t nr = json_array_size(list);
    xl_column *xc = arena_alloc(a, nc * sizeof *xc);
    for (size_t c = 0; c < nc; c++) {
        bool num = !strcmp(cols[c].field, "seq") || !strcmp(cols[c].field, "people");
        bool date = !strcmp(cols[c].field, "date");
        xc[c] = (xl_column){.header = cols[c].header, .width = cols[c].width * 1.5,
                            .type = num ? XL_NUMBER : date ? XL_DATE : XL_TEXT, .num_format = num ? "0" : NULL};
    }
    xl_cell *cells = arena_alloc(a, (nr ? nr : 1) * nc * sizeof *cells);
    for (size_t i = 0; i < nr; i++) {
        json_t *r = json_array_get(list, i);
        for (size_t c = 0; c < nc; c++) {
            xl_cell *x = &cells[i * nc + c];
            *x = (xl_cell){0};
            if (xc[c].type == XL_NUMBER)
                x->number = (double)json_integer_value(
                    json_object_get(r, !strcmp(cols[c].field, "seq") ? "seq" : "people"));
            else if (xc[c].type == XL_DATE)
                x->instant = json_integer_value(json_object_get(r, "received_at"));
            else
                x->text = cell(a, r, cols[c].field);
        }
    }
    xl_sheet sh = {.name = "So tiep cong dan", .title = arena_printf(a, "SỔ TIẾP CÔNG DÂN – %s", u.name),
                   .subtitle = period_text(a, from_day, to_day), .cols = xc, .ncols = nc, .cells = cells, .nrows = nr,
                   .landscape = true};
    int rc = xlsx_write("Sổ tiếp công dân", &sh, 1, out, e);
    json_decref(list);   /* the cells point into it */
    return rc;
}

int reception_conclusion_pdf(db *d, arena *a, int64_t id, buf *out, err *e)
{
    json_t *r = reception_get(d, a, id);
    if (!r) return rc_fail(e, 404, N_("Không tìm thấy lượt tiếp công dân."), NULL);
    if (!*json_get_str_r(r, "conclusion")) {
        json_decref(r);
        return rc_fail(e, 409, N_("Lượt tiếp này chưa có kết luận."), NULL);
    }
    rc_unit u;
    if (!rc_unit_get(d, a, json_integer_value(json_object_get(r, "unit_id")), &u)) {
        json_decref(r);
        return rc_fail(e, 404, N_("Không tìm thấy đơn vị."), NULL);
    }
    pdoc *p = pdoc_open(a, "Thông báo kết luận việc tiếp công dân", u.name, json_get_str_r(r, "citizen_name"));
    if (!p) {
        json_decref(r);
        return rc_fail(e, 500, N_("Không tạo được tệp PDF."), NULL);
    }
    int64_t at = json_integer_value(json_object_get(r, "received_at"));
    int64_t concl = json_integer_value(json_object_get(r, "conclusion_at"));
    pdoc_header_block(p, &(pdoc_header){.parent_body = u.parent, .body = u.body, .number_suffix = "TB", .place = u.place,
                                        .date = concl});
    pdoc_title(p, "THÔNG BÁO", "Kết luận việc tiếp công dân");
    const char *host = json_get_str_r(r, "host_name"), *title = json_get_str_r(r, "host_title");
    pdoc_par(p, arena_printf(a, "Vào hồi %s, tại trụ sở %s, %s%s%s đã tiếp công dân:", pdoc_time_date(a, at), u.name, host,
                             *title ? ", " : "", title),
             0);
    pdoc_field_line(p, "Họ và tên", json_get_str_r(r, "citizen_name"), PDOC_BOLD);
    pdoc_field_line(p, "Số CCCD/CMND/Hộ chiếu", json_get_str_r(r, "id_number"), 0);
    pdoc_field_line(p, "Địa chỉ", json_get_str_r(r, "address"), 0);
    long long people = json_integer_value(json_object_get(r, "people"));
    if (people > 1) pdoc_field_line(p, "Số người cùng nội dung", arena_printf(a, "%lld", people), 0);
    pdoc_par(p, arena_printf(a, "Nội dung công dân trình bày (%s): %s", json_get_str_r(r, "kind_label"),
                             json_get_str_r(r, "content")),
             0);
    const char *rq = json_get_str_r(r, "request");
    if (*rq) pdoc_par(p, arena_printf(a, "Yêu cầu, đề nghị: %s", rq), 0);
    pdoc_par(p, arena_printf(a, "Sau khi nghe công dân trình bày, %s kết luận như sau:", host), 0);
    pdoc_par(p, json_get_str_r(r, "conclusion"), 0);
    const char *dl = json_get_str_r(r, "conclusion_deadline_text"), *contact = json_get_str_r(r, "conclusion_contact");
    if (*dl) pdoc_par(p, arena_printf(a, "Thời hạn trả lời công dân: trước ngày %s.", dl), 0);
    if (*contact) pdoc_par(p, arena_printf(a, "Đầu mối theo dõi, trả lời công dân: %s.", contact), 0);
    pdoc_par(p, arena_printf(a, "Thông báo này được gửi đến công dân %s và các cơ quan, đơn vị có liên quan để biết, thực hiện.",
                             json_get_str_r(r, "citizen_name")),
             0);
    static const char *const to[] = {"Công dân có tên trên;", "Các cơ quan, đơn vị có liên quan;", "Lưu: VT, hồ sơ tiếp công dân."};
    pdoc_signer sg = {.caption = pdoc_signer_caption(a, u.council, title), .note = "", .name = host};
    pdoc_closing(p, to, 3, &sg);
    int rc = pdoc_finish(p, out, e);
    json_decref(r);
    return rc;
}

/* ---- dialogues on paper ------------------------------------------------------------------------ */

/* The written notice of a dialogue (time, place, content: NĐ 155/2026 for a complaint's
 * dialogue; Luật 10/2022 Art. 32 for the conference with the people), or its minutes (biên
 * bản, Luật Khiếu nại Art. 30), with the issues raised and how each was followed up. */
int dialogue_pdf(db *d, arena *a, int64_t id, bool minutes, int64_t now, buf *out, err *e)
{
    json_t *dl = dialogue_get(d, a, id, now);
    if (!dl) return rc_fail(e, 404, N_("Không tìm thấy buổi đối thoại."), NULL);
    const char *status = json_get_str_r(dl, "status");
    if (minutes && strcmp(status, "held")) {
        json_decref(dl);
        return rc_fail(e, 409, N_("Buổi đối thoại chưa có biên bản."), NULL);
    }
    if (!minutes && !strcmp(status, "cancelled")) {
        json_decref(dl);
        return rc_fail(e, 409, N_("Buổi đối thoại đã hủy."), NULL);
    }
    rc_unit u;
    if (!rc_unit_get(d, a, json_integer_value(json_object_get(dl, "unit_id")), &u)) {
        json_decref(dl);
        return rc_fail(e, 404, N_("Không tìm thấy đơn vị."), NULL);
    }
    const char *title = json_get_str_r(dl, "title");
    pdoc *p = pdoc_open(a, minutes ? "Biên bản đối thoại" : "Thông báo tổ chức đối thoại", u.name, title);
    if (!p) {
        json_decref(dl);
        return rc_fail(e, 500, N_("Không tạo được tệp PDF."), NULL);
    }
    int64_t starts = json_integer_value(json_object_get(dl, "starts_at"));
    const char *chair = json_get_str_r(dl, "chair_name"), *invited = json_get_str_r(dl, "invited");
    const char *agenda = json_get_str_r(dl, "agenda");
    if (!minutes) {
        pdoc_header_block(p, &(pdoc_header){.parent_body = u.parent, .body = u.body, .number_suffix = "TB",
                                            .place = u.place, .date = now});
        pdoc_title(p, "THÔNG BÁO", arena_printf(a, "Về việc tổ chức %s", json_get_str_r(dl, "kind_label")));
        pdoc_par(p, arena_printf(a, "%s thông báo tổ chức %s như sau:", u.name, title), 0);
        pdoc_field_line(p, "Thời gian", arena_printf(a, "%s, kết thúc lúc %s", pdoc_time_date(a, starts),
                                                     json_get_str_r(dl, "ends_text")),
                        PDOC_BOLD);
        pdoc_field_line(p, "Địa điểm", json_get_str_r(dl, "place"), PDOC_BOLD);
        if (*chair) pdoc_field_line(p, "Chủ trì", chair, 0);
        if (*invited) pdoc_field_line(p, "Thành phần mời", invited, 0);
        pdoc_field_line(p, "Nội dung", agenda, 0);
        pdoc_par(p, "Đề nghị các thành phần được mời tham dự đầy đủ, đúng giờ. Trường hợp vắng mặt đề nghị báo lại "
                    "trước để được sắp xếp.",
                 0);
        static const char *const to[] = {"Thành phần mời;", "Ủy ban MTTQ Việt Nam cùng cấp;", "Niêm yết tại trụ sở, "
                                         "đăng Trang thông tin điện tử;", "Lưu: VT."};
        pdoc_signer sg = {.caption = pdoc_signer_caption(a, u.council, "Chủ tịch"), .note = "", .name = *chair ? chair : NULL};
        pdoc_closing(p, to, 4, &sg);
    } else {
        pdoc_header_block(p, &(pdoc_header){.parent_body = u.parent, .body = u.body, .no_number = true, .place = u.place,
                                            .date = starts});
        pdoc_title(p, "BIÊN BẢN", title);
        pdoc_par(p, arena_printf(a, "Hồi %s, tại %s, %s tổ chức %s.", pdoc_time_date(a, starts),
                                 json_get_str_r(dl, "place"), u.name, json_get_str_r(dl, "kind_label")), 0);
        if (*chair) pdoc_field_line(p, "Chủ trì", chair, 0);
        if (*invited) pdoc_field_line(p, "Thành phần mời", invited, 0);
        pdoc_field_line(p, "Số người tham dự",
                        arena_printf(a, "%lld", (long long)json_integer_value(json_object_get(dl, "attendance"))), 0);
        if (*agenda) pdoc_field_line(p, "Nội dung", agenda, 0);
        pdoc_par(p, "Diễn biến và kết quả:", PDOC_BOLD | PDOC_KEEP_NEXT);
        pdoc_par(p, json_get_str_r(dl, "minutes"), 0);
        json_t *issues = json_object_get(dl, "issues");
        size_t n = json_array_size(issues);
        if (n) {
            pdoc_par(p, "Các vấn đề người dân nêu và việc theo dõi giải quyết:", PDOC_BOLD | PDOC_KEEP_NEXT);
            static const double widths[] = {5, 30, 25, 20, 20};
            pdoc_row *rows = arena_alloc(a, (n + 1) * sizeof *rows);
            static const pdoc_cell head[] = {{.text = "STT"}, {.text = "Vấn đề, người nêu"}, {.text = "Trả lời tại buổi đối thoại"},
                                             {.text = "Người theo dõi, hạn"}, {.text = "Kết quả"}};
            rows[0] = (pdoc_row){head, 5, false};
            for (size_t i = 0; i < n; i++) {
                json_t *it = json_array_get(issues, i);
                const char *by = json_get_str_r(it, "raised_by"), *due = json_get_str_r(it, "due_text");
                pdoc_cell *c = arena_alloc(a, 5 * sizeof *c);
                c[0] = (pdoc_cell){.text = arena_printf(a, "%zu", i + 1), .flags = PDOC_CENTER};
                c[1] = (pdoc_cell){.text = arena_printf(a, "%s%s%s", json_get_str_r(it, "content"), *by ? "\n" : "", by),
                                   .flags = PDOC_LEFT};
                c[2] = (pdoc_cell){.text = json_get_str_r(it, "answer"), .flags = PDOC_LEFT};
                c[3] = (pdoc_cell){.text = arena_printf(a, "%s%s%s", json_get_str_r(it, "assignee"), *due ? "\nHạn: " : "",
                                                        due),
                                   .flags = PDOC_LEFT};
                c[4] = (pdoc_cell){.text = json_is_true(json_object_get(it, "closed"))
                                               ? arena_printf(a, "Đã giải quyết ngày %s: %s", json_get_str_r(it, "closed_text"),
                                                              json_get_str_r(it, "result"))
                                               : "Đang giải quyết",
                                   .flags = PDOC_LEFT};
                rows[i + 1] = (pdoc_row){c, 5, false};
            }
            pdoc_table_block(p, &(pdoc_table){.ncols = 5, .widths = widths, .rows = rows, .nrows = n + 1,
                                              .header_rows = 1, .size_pt = 11});
        }
        pdoc_par(p, arena_printf(a, "Buổi đối thoại kết thúc lúc %s cùng ngày. Biên bản được đọc lại cho những người "
                                    "tham dự nghe và cùng ký tên.",
                                 json_get_str_r(dl, "ends_text")),
                 0);
        pdoc_signer left = {.caption = "NGƯỜI GHI BIÊN BẢN"};
        pdoc_signer right = {.caption = "CHỦ TRÌ", .name = *chair ? chair : NULL};
        pdoc_signatures(p, &left, &right);
    }
    int rc = pdoc_finish(p, out, e);
    json_decref(dl);
    return rc;
}
