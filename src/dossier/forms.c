/* forms.c -- the one-stop forms (see forms.h) on the document builder (src/print/print.h).
 *
 * The wording and the fields follow research/legal.md §1.2 (rebuilt from 2024–26 print
 * templates); titles and numbers come from the dated form sets (form_version_on). Forms issued by the desk (01, 02, 03, 05) carry the
 * unit as parent body and the desk, named as the unit names it ("Bộ phận Một cửa" or "Trung
 * tâm Phục vụ hành chính công"), as issuing body; the apology (04) is issued by the body that
 * resolves the dossier, under its own parent. */
#include "forms.h"

#include <glib.h>
#include <string.h>

#include "../core/text.h"
#include "../core/vntime.h"
#include "../print/print.h"
#include "../print/xlsx.h"
#include "../store/embedded.h"

/* ---- the form set in force (data/forms/form-sets.tsv) -------------------------------------- */

bool form_version_on(arena *a, const char *kind, int64_t t, form_version *out)
{
    const static_asset *f = data_file_find("form-sets.tsv");
    if (!f) return false;
    int y, m, dd;
    pdoc_vn_time(t, &y, &m, &dd, NULL, NULL);
    char day[16];
    snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, dd);
    char best[16] = "";
    bool found = false;
    gchar *text = g_strndup(f->data, f->size);
    gchar **lines = g_strsplit(text, "\n", -1);
    for (gchar **l = lines; *l; l++) {
        if (**l == '#' || !**l) continue;
        gchar **c = g_strsplit(*l, "\t", 5);
        /* the latest row of this kind that starts on or before the day */
        if (g_strv_length(c) == 5 && !strcmp(c[2], kind) && strcmp(c[0], day) <= 0 && strcmp(c[0], best) >= 0) {
            snprintf(best, sizeof best, "%s", c[0]);
            *out = (form_version){arena_strdup(a, c[3]), arena_strdup(a, g_strstrip(c[4])), arena_strdup(a, c[1])};
            found = true;
        }
        g_strfreev(c);
    }
    g_strfreev(lines);
    g_free(text);
    return found;
}

/* The version a dossier's forms follow: the set of the day it was received. */
static form_version version_of(arena *a, const form_dossier *f, const char *kind)
{
    form_version v;
    int64_t t = f->received_at ? f->received_at : f->issued_at;
    if (!form_version_on(a, kind, t, &v)) v = (form_version){"", "", ""};
    return v;
}

static const char *upper(arena *a, const char *s)
{
    gchar *g = g_utf8_strup(s, -1);
    char *u = arena_strdup(a, g);
    g_free(g);
    return u;
}

/* Opens a form's document titled by its version, with "Mẫu số NN" and the circular in the top
 * right corner, as the circular's appendix prints it. */
static pdoc *open_form(buf *out, const form_version *v, const char *fallback, const char *author, const char *code)
{
    pdoc *d = pdoc_open(out->a, *v->title ? v->title : fallback, author, code);
    if (*v->number)
        pdoc_par_ex(d, arena_printf(pdoc_arena(d), "Mẫu số %s (Thông tư %s)", v->number, v->circular),
                    PDOC_RIGHT | PDOC_ITALIC, 11, 4);
    return d;
}

static const char *title_of(arena *a, const form_version *v, const char *fallback)
{
    return upper(a, *v->title ? v->title : fallback);
}

/* ---- shared pieces -------------------------------------------------------------------------- */

static bool blank(const char *s)
{
    return !s || text_is_blank(s);
}

static const char *or_default(const char *s, const char *dflt)
{
    return blank(s) ? dflt : s;
}

/* "07" for small positive counts (as forms print them), dots for 0. */
static const char *count2(pdoc *d, int n)
{
    return n > 0 ? arena_printf(pdoc_arena(d), "%02d", n) : pdoc_or_dots(d, NULL, 6);
}

static void desk_header(pdoc *d, const form_dossier *f, const char *suffix, bool no_number)
{
    pdoc_header h = {
        .parent_body = blank(f->desk_name) ? f->parent_body : f->unit_name,
        .body = blank(f->desk_name) ? f->unit_name : f->desk_name,
        .number = f->number,
        .number_suffix = suffix,
        .no_number = no_number && blank(f->number),
        .place = f->place,
        .date = f->issued_at,
    };
    pdoc_header_block(d, &h);
}

/* "Mã hồ sơ: H19.05443-240305-0007", centred under the title. */
static void code_line(pdoc *d, const form_dossier *f)
{
    if (!blank(f->code)) pdoc_running_head(d, arena_printf(pdoc_arena(d), "Mã hồ sơ: %s", f->code));
    const char *m = arena_printf(pdoc_arena(d), "Mã hồ sơ: <b>%s</b>",
                                 pdoc_escape(d, pdoc_or_dots(d, f->code, 30)));
    pdoc_par_ex(d, m, PDOC_MARKUP | PDOC_CENTER, 0, 8);
}

static void phone_email(pdoc *d, const form_dossier *f)
{
    pdoc_field pe[2] = {{"Số điện thoại", f->applicant_phone, 0}, {"Email", f->applicant_email, 0}};
    pdoc_fields(d, pe, 2);
}

static void applicant_block(pdoc *d, const form_dossier *f, const char *who_label)
{
    pdoc_field_line(d, who_label, f->applicant_name, PDOC_BOLD);
    pdoc_field_line(d, "Địa chỉ", f->applicant_address, 0);
    phone_email(d, f);
    pdoc_field_line(d, "Nội dung yêu cầu giải quyết", f->procedure_name, PDOC_BOLD);
}

/* The papers as a table STT | Tên giấy tờ | Loại bản | Số lượng. */
static void papers_table(pdoc *d, const form_paper *p, size_t n, const char *name_header)
{
    arena *a = pdoc_arena(d);
    static const double widths[] = {1.1, 7.4, 2.2, 1.8};
    size_t nrows = n + 1;
    pdoc_row *rows = arena_alloc(a, nrows * sizeof *rows);
    pdoc_cell *hdr = arena_alloc(a, 4 * sizeof *hdr);
    hdr[0].text = "STT";
    hdr[1].text = name_header;
    hdr[2].text = "Loại bản";
    hdr[3].text = "Số lượng";
    rows[0] = (pdoc_row){hdr, 4, false};
    for (size_t i = 0; i < n; i++) {
        pdoc_cell *c = arena_alloc(a, 4 * sizeof *c);
        c[0] = (pdoc_cell){arena_printf(a, "%zu", i + 1), PDOC_CENTER};
        c[1] = (pdoc_cell){p[i].name, 0};
        c[2] = (pdoc_cell){p[i].copy_kind, PDOC_CENTER};
        c[3] = (pdoc_cell){p[i].count > 0 ? arena_printf(a, "%02d", p[i].count) : "", PDOC_CENTER};
        rows[i + 1] = (pdoc_row){c, 4, false};
    }
    pdoc_table t = {.ncols = 4, .widths = widths, .rows = rows, .nrows = nrows, .header_rows = 1};
    pdoc_table_block(d, &t);
}

/* ---- Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả -------------------------------------- */

int form_slip_pdf(const form_dossier *f, buf *out, err *e)
{
    form_version v = version_of(out->a, f, "slip");
    pdoc *d = open_form(out, &v, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", f->desk_name, f->code);
    arena *a = pdoc_arena(d);
    desk_header(d, f, "TNHS", false);
    pdoc_title(d, title_of(a, &v, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), NULL);
    code_line(d, f);

    pdoc_field_line(d, "Bộ phận tiếp nhận và trả kết quả", f->desk_name, 0);
    applicant_block(d, f, "Tiếp nhận hồ sơ của");
    if (!blank(f->resolving_body)) pdoc_field_line(d, "Cơ quan giải quyết", f->resolving_body, 0);

    pdoc_par_ex(d, "1. Thành phần hồ sơ nộp gồm:", PDOC_NOINDENT | PDOC_KEEP_NEXT, 0, 3);
    papers_table(d, f->papers, f->npapers, "Tên giấy tờ");
    pdoc_field_line(d, "2. Số lượng hồ sơ", arena_printf(a, "%s (bộ)", count2(d, f->sets)), 0);
    pdoc_field_line(d, "3. Thời gian giải quyết hồ sơ theo quy định là",
                    f->procedure_days > 0 ? arena_printf(a, "%02d ngày làm việc", f->procedure_days)
                                          : "trong ngày",
                    0);
    pdoc_field_line(d, "4. Thời gian nhận hồ sơ", pdoc_time_date(a, f->received_at), 0);
    pdoc_field_line(d, "5. Thời gian trả kết quả giải quyết hồ sơ", pdoc_time_date(a, f->due_at), PDOC_BOLD);
    pdoc_field_line(d, "6. Đăng ký nhận kết quả tại", f->return_method, 0);
    pdoc_field_line(d, "Vào Sổ theo dõi hồ sơ, Quyển số",
                    arena_printf(a, "%s, Số thứ tự: %s", count2(d, f->book_volume),
                                 f->book_seq > 0 ? arena_printf(a, "%d", f->book_seq) : pdoc_or_dots(d, NULL, 8)),
                    0);

    /* the citizen tracks the dossier with the code and the secret, never with a name */
    pdoc_space(d, 4);
    const char *cap = arena_printf(
        a,
        "<b>Tra cứu tình trạng hồ sơ</b>: quét mã QR hoặc vào\n<span size=\"11pt\">%s</span>\n"
        "Mã hồ sơ: <b>%s</b>\nMã tra cứu: <b>%s</b>",
        pdoc_escape(d, pdoc_or_dots(d, f->track_url, 30)), pdoc_escape(d, pdoc_or_dots(d, f->code, 20)),
        pdoc_escape(d, pdoc_or_dots(d, f->secret, 10)));
    if (!blank(f->track_url))
        pdoc_qr(d, f->track_url, 26, cap, 0);
    else
        pdoc_par(d, cap, PDOC_MARKUP | PDOC_NOINDENT | PDOC_LEFT);

    pdoc_signer l = {.caption = "NGƯỜI NỘP HỒ SƠ", .name = f->applicant_name};
    pdoc_signer r = {.caption = "NGƯỜI TIẾP NHẬN HỒ SƠ", .name = f->officer_name};
    pdoc_signatures(d, &l, &r);
    return pdoc_finish(d, out, e);
}

/* ---- Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ -------------------------------------- */

/* Which count column a paper's copy kind belongs to: 0 bản chính, 1 bản chứng thực (a
 * certified copy), 2 bản photo; -1 unknown. */
static int kind_column(arena *a, const char *kind)
{
    if (blank(kind)) return -1;
    const char *k = text_fold(a, kind);
    if (strstr(k, "chinh")) return 0;
    if (strstr(k, "chup") || strstr(k, "photo")) return 2;
    if (strstr(k, "sao") || strstr(k, "chung thuc")) return 1;
    return -1;
}

int form_supplement_pdf(const form_dossier *f, buf *out, err *e)
{
    form_version v = version_of(out->a, f, "supplement");
    pdoc *d = open_form(out, &v, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", f->desk_name, f->code);
    arena *a = pdoc_arena(d);
    desk_header(d, f, "HDHS", false);
    pdoc_title(d, title_of(a, &v, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"), NULL);
    code_line(d, f);

    pdoc_field_line(d, "Hồ sơ của", f->applicant_name, PDOC_BOLD);
    pdoc_field_line(d, "Nội dung yêu cầu giải quyết", f->procedure_name, PDOC_BOLD);
    pdoc_field_line(d, "Địa chỉ", f->applicant_address, 0);
    phone_email(d, f);
    pdoc_field_line(d, "Ngày nhận hồ sơ", pdoc_time_date(a, f->received_at), 0);

    pdoc_par_ex(d, "Yêu cầu hoàn thiện hồ sơ gồm những nội dung như sau:", PDOC_NOINDENT | PDOC_KEEP_NEXT, 0, 3);
    static const double widths[] = {0.9, 6.2, 1.7, 1.9, 1.7};
    size_t n = f->nmissing;
    pdoc_row *rows = arena_alloc(a, (n + 1) * sizeof *rows);
    pdoc_cell *hdr = arena_alloc(a, 5 * sizeof *hdr);
    const char *heads[] = {"TT", "Thành phần hồ sơ", "Số bản chính", "Số bản chứng thực", "Số bản photo"};
    for (int i = 0; i < 5; i++) hdr[i].text = heads[i];
    rows[0] = (pdoc_row){hdr, 5, false};
    for (size_t i = 0; i < n; i++) {
        const form_paper *p = &f->missing[i];
        pdoc_cell *c = arena_alloc(a, 5 * sizeof *c);
        c[0] = (pdoc_cell){arena_printf(a, "%zu", i + 1), PDOC_CENTER};
        int col = kind_column(a, p->copy_kind);
        /* a kind the three columns do not name stays in words beside the paper */
        c[1].text = (col < 0 && !blank(p->copy_kind)) ? arena_printf(a, "%s (%s)", p->name, p->copy_kind) : p->name;
        for (int k = 0; k < 3; k++) c[2 + k].flags = PDOC_CENTER;
        if (p->count > 0) c[2 + (col < 0 ? 0 : col)].text = arena_printf(a, "%02d", p->count);
        rows[i + 1] = (pdoc_row){c, 5, false};
    }
    pdoc_table t = {.ncols = 5, .widths = widths, .rows = rows, .nrows = n + 1, .header_rows = 1};
    pdoc_table_block(d, &t);

    pdoc_par(d, arena_printf(a, "Lý do: %s", pdoc_or_dots(d, f->reason, 60)), PDOC_NOINDENT);
    pdoc_par(d,
             arena_printf(a,
                          "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với %s số điện thoại "
                          "%s để được hướng dẫn./.",
                          pdoc_or_dots(d, f->contact_name, 30), pdoc_or_dots(d, f->contact_phone, 16)),
             0);
    pdoc_signer r = {.caption = "NGƯỜI HƯỚNG DẪN", .name = f->officer_name};
    pdoc_signatures(d, NULL, &r);
    return pdoc_finish(d, out, e);
}

/* ---- Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ ------------------------------------- */

int form_refusal_pdf(const form_dossier *f, buf *out, err *e)
{
    form_version v = version_of(out->a, f, "refusal");
    pdoc *d = open_form(out, &v, "Phiếu từ chối tiếp nhận giải quyết hồ sơ", f->desk_name, f->code);
    arena *a = pdoc_arena(d);
    desk_header(d, f, NULL, false);
    pdoc_title(d, title_of(a, &v, "Phiếu từ chối tiếp nhận giải quyết hồ sơ"), NULL);
    if (!blank(f->code)) code_line(d, f);

    applicant_block(d, f, "Tiếp nhận hồ sơ của");
    pdoc_space(d, 3);
    pdoc_par(d,
             arena_printf(a,
                          "Qua xem xét, %s thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như "
                          "sau: %s",
                          or_default(f->desk_name, or_default(f->unit_name, "cơ quan tiếp nhận")),
                          pdoc_or_dots(d, f->reason, 60)),
             0);
    pdoc_par(d, "Xin thông báo cho Ông/Bà được biết và thực hiện./.", 0);
    pdoc_signer l = {.caption = "NGƯỜI NỘP HỒ SƠ", .name = f->applicant_name};
    pdoc_signer r = {.caption = "NGƯỜI TIẾP NHẬN HỒ SƠ", .name = f->officer_name};
    pdoc_signatures(d, &l, &r);
    return pdoc_finish(d, out, e);
}

/* ---- Mẫu 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả ------------------------------------- */

/* "Phường Phan Đình Phùng" -> "phường Phan Đình Phùng": a name inside a sentence. */
static const char *lower_first(arena *a, const char *s)
{
    if (!s || !*s) return "";
    char first[8];
    int n = g_unichar_to_utf8(g_unichar_tolower(g_utf8_get_char(s)), first);
    return arena_printf(a, "%.*s%s", n, first, g_utf8_next_char(s));
}

/* A procedure inside a sentence: "thủ tục đăng ký khai sinh" for "Thủ tục đăng ký khai sinh"
 * as well as for "Đăng ký khai sinh" (catalogue names come both ways). */
static const char *procedure_in_text(pdoc *d, const char *name)
{
    arena *a = pdoc_arena(d);
    if (blank(name)) return arena_printf(a, "thủ tục %s", pdoc_or_dots(d, NULL, 40));
    const char *k = text_fold(a, name);
    if (!strncmp(k, "thu tuc ", 8)) return lower_first(a, name);
    return arena_printf(a, "thủ tục %s", lower_first(a, name));
}

int form_apology_pdf(const form_dossier *f, buf *out, err *e)
{
    /* issued and signed by the resolving unit, headed as its letters are (src/print) */
    pdoc_unit r = f->resolver;
    if (blank(r.name)) r = (pdoc_unit){.name = or_default(f->resolving_body, f->unit_name), .council = true};
    form_version v = version_of(out->a, f, "apology");
    pdoc *d = open_form(out, &v, "Phiếu xin lỗi và hẹn lại ngày trả kết quả", r.name, f->code);
    arena *a = pdoc_arena(d);
    pdoc_running_head(d, blank(f->code) ? NULL : arena_printf(a, "Mã hồ sơ: %s", f->code));
    pdoc_header h = {
        .parent_body = pdoc_unit_parent(a, &r),
        .body = pdoc_unit_body(a, &r),
        .number = f->number,
        .number_suffix = "PXL",
        .place = pdoc_unit_place(a, &r),
        .date = f->issued_at,
    };
    pdoc_header_block(d, &h);
    pdoc_title(d, title_of(a, &v, "Phiếu xin lỗi và hẹn lại ngày trả kết quả"), NULL);
    pdoc_par(d, arena_printf(a, "Kính gửi: Ông/Bà %s", pdoc_or_dots(d, f->applicant_name, 40)), PDOC_CENTER);

    /* the unit in running text: "Ủy ban nhân dân phường Phan Đình Phùng" */
    const char *who = r.council ? arena_printf(a, "Ủy ban nhân dân %s", lower_first(a, r.name)) : r.name;
    pdoc_par(d,
             arena_printf(a, "Vào %s, %s tiếp nhận hồ sơ của Ông/Bà đề nghị giải quyết %s.",
                          pdoc_date(a, f->received_at), or_default(f->desk_name, who),
                          procedure_in_text(d, f->procedure_name)),
             0);
    pdoc_field_line(d, "Số biên nhận / Mã hồ sơ", f->code, PDOC_BOLD);
    pdoc_field_line(d, "Ngày hẹn trả kết quả giải quyết hồ sơ", pdoc_time_date(a, f->due_at), 0);
    pdoc_space(d, 3);
    pdoc_par(d,
             arena_printf(a,
                          "Tuy nhiên đến nay, %s chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng thời hạn quy "
                          "định ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
                          who),
             0);
    pdoc_par(d, arena_printf(a, "Lý do: %s", pdoc_or_dots(d, f->reason, 60)), 0);
    pdoc_par(d,
             arena_printf(a,
                          "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. %s thành thật "
                          "xin lỗi Ông/Bà và hẹn lại thời gian trả kết quả như sau:",
                          who),
             0);
    pdoc_field_line(d, "Thời gian hẹn trả kết quả lại", pdoc_time_date(a, f->new_due_at), PDOC_BOLD);
    pdoc_space(d, 3);
    pdoc_par(d, "Rất mong nhận được sự thông cảm của Ông/Bà./.", 0);

    const char *recipients[] = {
        arena_printf(a, "- Ông/Bà %s;", pdoc_or_dots(d, f->applicant_name, 20)),
        arena_printf(a, "- %s;", or_default(f->desk_name, "Bộ phận Một cửa")),
        "- Lưu: VT.",
    };
    pdoc_signer s = {
        .caption = pdoc_signer_caption(a, r.council, f->signer_title),
        .note = "(Ký, ghi rõ họ tên và đóng dấu)",
        .name = f->signer_name,
    };
    pdoc_closing(d, recipients, 3, &s);
    return pdoc_finish(d, out, e);
}

/* ---- 2025 Mẫu 05: Thông báo dừng giải quyết hồ sơ ------------------------------------------
 * The circular's own text of this form was not found (research/legal.md §1.2): the fields are
 * those a stop needs -- who asked, which dossier, why, from when, what becomes of the papers --
 * in the wording of the other desk forms (unconfirmed). */

int form_stop_pdf(const form_dossier *f, buf *out, err *e)
{
    form_version v = version_of(out->a, f, "stop");
    pdoc *d = open_form(out, &v, "Thông báo dừng giải quyết hồ sơ", f->desk_name, f->code);
    arena *a = pdoc_arena(d);
    desk_header(d, f, "TB", false);
    pdoc_title(d, title_of(a, &v, "Thông báo dừng giải quyết hồ sơ"), NULL);
    code_line(d, f);
    pdoc_par(d, arena_printf(a, "Kính gửi: Ông/Bà %s", pdoc_or_dots(d, f->applicant_name, 40)), PDOC_CENTER);
    applicant_block(d, f, "Hồ sơ của");
    pdoc_field_line(d, "Thời gian nhận hồ sơ", pdoc_time_date(a, f->received_at), 0);
    pdoc_space(d, 3);
    const char *desk = or_default(f->desk_name, or_default(f->unit_name, "cơ quan tiếp nhận"));
    pdoc_par(d,
             arena_printf(a,
                          "Theo đề nghị của Ông/Bà, %s thông báo dừng giải quyết hồ sơ nêu trên kể từ %s.",
                          desk, pdoc_date(a, f->issued_at)),
             0);
    pdoc_par(d, arena_printf(a, "Lý do: %s", pdoc_or_dots(d, f->reason, 60)), 0);
    pdoc_par(d,
             "Các giấy tờ đã nộp (bản chính) được trả lại cho Ông/Bà tại nơi tiếp nhận hồ sơ. Ông/Bà có thể nộp lại "
             "hồ sơ khi có nhu cầu./.",
             0);
    pdoc_signer l = {.caption = "NGƯỜI NỘP HỒ SƠ", .name = f->applicant_name};
    pdoc_signer r = {.caption = "NGƯỜI TIẾP NHẬN HỒ SƠ", .name = f->officer_name};
    pdoc_signatures(d, &l, &r);
    return pdoc_finish(d, out, e);
}

/* ---- Mẫu 05: Phiếu kiểm soát quá trình giải quyết hồ sơ ----------------------------------- */

const char *form_grade(int64_t done_at, int64_t due_at)
{
    if (!done_at || !due_at) return "";
    if (done_at > due_at) return "Quá hạn";
    /* the local day: finished on an earlier day than the due day is early */
    return vn_day(done_at) < vn_day(due_at) ? "Trước hạn" : "Đúng hạn";
}

/* "17:00 08/03/2024" for the narrow result column */
static const char *short_time(arena *a, int64_t t)
{
    return vn_time_date(a, t, " ");
}

/* A note longer than this does not go in the narrow GHI CHÚ cell, which a row cannot outgrow
 * without leaving the page: the cell points to it, and it is printed whole under the table. */
#define NOTE_IN_CELL 160

int form_control_pdf(const form_dossier *f, buf *out, err *e)
{
    form_version v = version_of(out->a, f, "control");
    pdoc *d = open_form(out, &v, "Phiếu kiểm soát quá trình giải quyết hồ sơ", f->desk_name, f->code);
    arena *a = pdoc_arena(d);
    desk_header(d, f, NULL, true);
    pdoc_title(d, title_of(a, &v, "Phiếu kiểm soát quá trình giải quyết hồ sơ"), NULL);
    code_line(d, f);

    pdoc_field_line(d, "Kèm theo hồ sơ của", f->applicant_name, PDOC_BOLD);
    pdoc_field_line(d, "Số điện thoại", f->applicant_phone, 0);
    pdoc_field_line(d, "Nội dung yêu cầu giải quyết", f->procedure_name, PDOC_BOLD);
    pdoc_field_line(d, "Thời gian nhận hồ sơ", pdoc_time_date(a, f->received_at), 0);
    pdoc_field_line(d, "Thời gian hẹn trả kết quả", pdoc_time_date(a, f->due_at), 0);
    pdoc_space(d, 4);

    /* a step is four rows kept together: the bodies (TÊN CƠ QUAN) and the time; the captions
     * Người giao / Người nhận; room for the two signatures; the two people's names. The body,
     * result and note cells span all four. */
    static const double widths[] = {3.2, 2.0, 2.0, 2.6, 1.6};
    size_t nrows = 1 + 4 * f->nsteps;
    pdoc_row *rows = arena_alloc(a, nrows * sizeof *rows);
    pdoc_cell *hdr = arena_alloc(a, 4 * sizeof *hdr);
    hdr[0] = (pdoc_cell){"TÊN CƠ QUAN", 0, 1, 0};
    hdr[1] = (pdoc_cell){"THỜI GIAN GIAO, NHẬN HỒ SƠ", 0, 2, 0};
    hdr[2] = (pdoc_cell){"KẾT QUẢ GIẢI QUYẾT HỒ SƠ\n<span weight=\"normal\"><i>(Trước hạn/ Đúng hạn/ Quá hạn)</i></span>",
                         PDOC_MARKUP, 1, 0};
    hdr[3] = (pdoc_cell){"GHI CHÚ", 0, 1, 0};
    rows[0] = (pdoc_row){hdr, 4, false};
    size_t nlong = 0;
    for (size_t i = 0; i < f->nsteps; i++) {
        const form_step *s = &f->steps[i];
        pdoc_cell *r1 = arena_alloc(a, 4 * sizeof *r1);
        r1[0].text = arena_printf(a, "%zu. Giao: %s\nNhận: %s", i + 1,
                                  pdoc_or_dots(d, or_default(s->from_body, s->from_name), 24),
                                  pdoc_or_dots(d, or_default(s->to_body, s->to_name), 24));
        r1[1] = (pdoc_cell){pdoc_time_date(a, s->at), PDOC_CENTER, 2, 0};
        const char *grade = form_grade(s->done_at, s->due_at);
        buf res;
        buf_init(&res, a);
        if (*grade) buf_printf(&res, "<b>%s</b>", grade);
        if (s->due_at) buf_printf(&res, "%sHạn: %s", *grade ? "\n" : "", short_time(a, s->due_at));
        if (s->done_at) buf_printf(&res, "\nXong: %s", short_time(a, s->done_at));
        r1[2] = (pdoc_cell){buf_cstr(&res), PDOC_MARKUP | PDOC_CENTER, 1, 0};
        bool long_note = !blank(s->note) && text_char_count(s->note) > NOTE_IN_CELL;
        r1[3] = (pdoc_cell){long_note ? arena_printf(a, "Xem ghi chú %zu dưới bảng", ++nlong) : s->note,
                            long_note ? PDOC_ITALIC : 0, 1, 0};
        pdoc_cell *r2 = arena_alloc(a, 5 * sizeof *r2);
        r2[0].flags = r2[3].flags = r2[4].flags = PDOC_JOIN_UP;
        r2[1] = (pdoc_cell){"Người giao", PDOC_BOLD | PDOC_CENTER, 1, 0};
        r2[2] = (pdoc_cell){"Người nhận", PDOC_BOLD | PDOC_CENTER, 1, 0};
        pdoc_cell *r3 = arena_alloc(a, 5 * sizeof *r3);
        r3[0].flags = r3[3].flags = r3[4].flags = PDOC_JOIN_UP;
        r3[1].flags = r3[2].flags = PDOC_JOIN_UP;
        r3[1].min_height = r3[2].min_height = 14 * PDOC_MM;
        pdoc_cell *r4 = arena_alloc(a, 5 * sizeof *r4);
        r4[0].flags = r4[3].flags = r4[4].flags = PDOC_JOIN_UP;
        r4[1] = (pdoc_cell){s->from_name, PDOC_CENTER | PDOC_JOIN_UP, 1, 0};
        r4[2] = (pdoc_cell){s->to_name, PDOC_CENTER | PDOC_JOIN_UP, 1, 0};
        rows[1 + 4 * i] = (pdoc_row){r1, 4, true};
        rows[2 + 4 * i] = (pdoc_row){r2, 5, true};
        rows[3 + 4 * i] = (pdoc_row){r3, 5, true};
        rows[4 + 4 * i] = (pdoc_row){r4, 5, false};
    }
    pdoc_table t = {.ncols = 5, .widths = widths, .rows = rows, .nrows = nrows, .header_rows = 1, .size_pt = 12};
    pdoc_table_block(d, &t);

    /* the long notes, whole: a paragraph flows across pages, a table row cannot */
    for (size_t i = 0, k = 0; i < f->nsteps; i++) {
        const char *note = f->steps[i].note;
        if (blank(note) || text_char_count(note) <= NOTE_IN_CELL) continue;
        pdoc_par(d, arena_printf(a, "<b>Ghi chú %zu</b> (bước %zu): %s", ++k, i + 1, pdoc_escape(d, note)),
                 PDOC_MARKUP | PDOC_NOINDENT);
    }
    return pdoc_finish(d, out, e);
}

/* ---- Mẫu 06: Sổ theo dõi hồ sơ ---------------------------------------------------------------- */

static const xl_column register_columns[] = {
    {"STT", 6, XL_NUMBER, "0"},
    {"Mã hồ sơ", 24, XL_TEXT, NULL},
    {"Tên thủ tục hành chính", 32, XL_TEXT, NULL},
    {"Số lượng hồ sơ (bộ)", 9, XL_NUMBER, "0"},
    {"Tên cá nhân, tổ chức", 24, XL_TEXT, NULL},
    {"Địa chỉ, số điện thoại", 30, XL_TEXT, NULL},
    {"Cơ quan chủ trì giải quyết", 24, XL_TEXT, NULL},
    {"Nhận hồ sơ", 17, XL_DATETIME, NULL},
    {"Hẹn trả kết quả", 17, XL_DATETIME, NULL},
    {"Chuyển hồ sơ đến cơ quan giải quyết", 17, XL_DATETIME, NULL},
    {"Nhận kết quả", 17, XL_DATETIME, NULL},
    {"Trả kết quả", 17, XL_DATETIME, NULL},
    {"Ký nhận", 12, XL_TEXT, NULL},
    {"Ghi chú", 26, XL_TEXT, NULL},
};
#define REGISTER_NCOLS (sizeof register_columns / sizeof register_columns[0])

int form_register_xlsx(const char *unit_name, const char *period, const form_register_row *rows, size_t n,
                       buf *out, err *e)
{
    arena *a = out->a;
    xl_cell *cells = arena_alloc(a, (n ? n : 1) * REGISTER_NCOLS * sizeof *cells);
    for (size_t i = 0; i < n; i++) {
        const form_register_row *r = &rows[i];
        xl_cell *c = &cells[i * REGISTER_NCOLS];
        c[0].number = r->seq;
        c[1].text = r->code;
        c[2].text = r->procedure_name;
        c[3].number = r->sets;
        c[3].blank = r->sets <= 0;
        c[4].text = r->applicant_name;
        c[5].text = r->applicant_contact;
        c[6].text = r->resolving_body;
        c[7].instant = r->received_at;
        c[8].instant = r->due_at;
        c[9].instant = r->transferred_at;
        c[10].instant = r->done_at;
        c[11].instant = r->returned_at;
        c[13].text = r->note;   /* c[12], Ký nhận, is signed on paper */
    }
    xl_sheet s = {
        .name = "Sổ theo dõi hồ sơ",
        .title = "SỔ THEO DÕI HỒ SƠ",
        .subtitle = arena_printf(a, "%s%s%s", unit_name ? unit_name : "", !blank(unit_name) && !blank(period) ? " – " : "",
                                 period ? period : ""),
        .cols = register_columns,
        .ncols = REGISTER_NCOLS,
        .cells = cells,
        .nrows = n,
        .landscape = true,
    };
    return xlsx_write("Sổ theo dõi hồ sơ", &s, 1, out, e);
}
