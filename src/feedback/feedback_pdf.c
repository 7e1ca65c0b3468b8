/* feedback_pdf.c -- the documents the steps of a case produce, as A4 PDFs in the Decree 30/2020
 * layout (src/print): acceptance and refusal notices (Thông báo thụ lý / không thụ lý), the
 * decisions to extend, suspend and resume, the decision on a complaint, the conclusion on a
 * denunciation and the answer to a phản ánh or kiến nghị. The number is the one the step took in
 * the unit's register when it was done ("12/TB-UBND"), so a document prints the same every time.
 * An anonymous denunciation's notices are never made (nobody to send them to). */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../print/print.h"
#include "feedback.h"

typedef struct {
    const char *title, *subtitle, *reg;
} doc_words;

static const char *kind_words(const char *kind)
{
    if (!strcmp(kind, "khieu_nai")) return "khiếu nại";
    if (!strcmp(kind, "to_cao")) return "tố cáo";
    if (!strcmp(kind, "kien_nghi")) return "kiến nghị";
    if (!strcmp(kind, "phan_anh")) return "phản ánh";
    if (!strcmp(kind, "bieu_duong")) return "ý kiến biểu dương";
    return "góp ý";
}

static bool doc_words_for(arena *a, const char *doc, const char *kind, doc_words *w)
{
    const char *k = kind_words(kind);
    if (!strcmp(doc, "accept_notice"))
        *w = (doc_words){"THÔNG BÁO", arena_printf(a, "Về việc thụ lý giải quyết %s", k), "TB-UBND"};
    else if (!strcmp(doc, "refuse_notice"))
        *w = (doc_words){"THÔNG BÁO", arena_printf(a, "Về việc không thụ lý giải quyết %s", k), "TB-UBND"};
    else if (!strcmp(doc, "extension"))
        *w = (doc_words){"QUYẾT ĐỊNH", arena_printf(a, "Về việc gia hạn thời hạn giải quyết %s", k), "QĐ-UBND"};
    else if (!strcmp(doc, "suspension"))
        *w = (doc_words){"QUYẾT ĐỊNH", arena_printf(a, "Về việc tạm đình chỉ việc giải quyết %s", k), "QĐ-UBND"};
    else if (!strcmp(doc, "resumption"))
        *w = (doc_words){"QUYẾT ĐỊNH", arena_printf(a, "Về việc tiếp tục giải quyết %s", k), "QĐ-UBND"};
    else if (!strcmp(doc, "decision"))
        *w = (doc_words){"QUYẾT ĐỊNH", "Về việc giải quyết khiếu nại (lần đầu)", "QĐ-UBND"};
    else if (!strcmp(doc, "conclusion"))
        *w = (doc_words){"KẾT LUẬN", "Nội dung tố cáo", "KL-UBND"};
    else if (!strcmp(doc, "answer"))
        *w = (doc_words){"", arena_printf(a, "V/v trả lời %s", k), "UBND"};
    else
        return false;
    return true;
}

/* The unit inside a sentence: "Ủy ban nhân dân phường Phan Đình Phùng", a department by its name. */
static const char *unit_words(arena *a, const pdoc_unit *u)
{
    if (!u->council || !*u->name) return u->name;
    char first[8];
    int n = g_unichar_to_utf8(g_unichar_tolower(g_utf8_get_char(u->name)), first);
    return arena_printf(a, "Ủy ban nhân dân %.*s%s", n, first, g_utf8_next_char(u->name));
}

int feedback_pdf(db *d, arena *a, int64_t id, int seq, unsigned char **pdf, size_t *len, err *e)
{
    feedback_case c;
    if (feedback_get(d, a, id, &c) != 1) {
        err_set(e, 404, N_("Không tìm thấy ý kiến."), "pdf: no case");
        return -1;
    }
    db_stmt *s = db_prepare(d, "SELECT doc_kind, doc_number, doc_year, at, note, old_due_at, new_due_at "
                               "FROM feedback_steps WHERE feedback_id = ? AND seq = ?");
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, seq);
    if (db_step(s) != DB_ROW || !*db_col_text(s, 0)) {
        db_done(s);
        err_set(e, 404, N_("Bước này không có văn bản."), "pdf: no document");
        return -1;
    }
    const char *doc = arena_strdup(a, db_col_text(s, 0)), *note = arena_strdup(a, db_col_text(s, 4));
    int64_t number = db_col_int(s, 1), at = db_col_int(s, 3), new_due = db_col_null(s, 6) ? 0 : db_col_int(s, 6);
    db_done(s);
    doc_words w;
    if (!doc_words_for(a, doc, c.kind, &w)) {
        err_set(e, 404, N_("Bước này không có văn bản."), "pdf: unknown document");
        return -1;
    }
    json_t *u = account_unit_get_by_id(d, c.unit_id);
    if (!u) {
        err_set(e, 500, N_("Không đọc được đơn vị."), "pdf: unit");
        return -1;
    }
    pdoc_unit pu = {.name = arena_strdup(a, json_string_value(json_object_get(u, "name"))),
                    .parent_name = arena_strdup(a, json_string_value(json_object_get(u, "parent_name"))),
                    .council = strcmp(json_string_value(json_object_get(u, "kind")), "department") != 0};
    json_decref(u);
    const char *head = "", *head_title = "";
    account_unit_head(d, a, c.unit_id, &head, &head_title);

    pdoc *p = pdoc_open(a, arena_printf(a, "%s %s", *w.title ? w.title : "Công văn", w.subtitle), "Thân Thiện", c.code);
    if (!p) {
        err_set(e, 500, N_("Không tạo được văn bản."), "pdoc_open");
        return -1;
    }
    pdoc_header h = {.parent_body = pdoc_unit_parent(a, &pu), .body = pdoc_unit_body(a, &pu),
                     .number = arena_printf(a, "%lld/%s", (long long)number, w.reg), .place = pdoc_unit_place(a, &pu),
                     .date = at, .subject = *w.title ? NULL : w.subtitle};
    pdoc_header_block(p, &h);
    if (*w.title) pdoc_title(p, w.title, w.subtitle);
    pdoc_running_head(p, arena_printf(a, "Mã: %s", c.code));
    const char *body = unit_words(a, &pu);
    const char *who = c.anonymous || !*c.name ? "người gửi (không ghi tên)" : arena_printf(a, "ông/bà %s", c.name);
    const char *received = pdoc_date(a, c.received_at);
    pdoc_par(p, arena_printf(a, "Ngày %s, %s nhận được %s của %s%s%s, mã %s, về việc: %s.", received + strlen("ngày "),
                             body, kind_words(c.kind), who,
                             *c.address && !c.anonymous ? ", địa chỉ: " : "", c.anonymous ? "" : c.address, c.code,
                             c.subject), 0);
    if (!strcmp(doc, "accept_notice")) {
        pdoc_par(p, arena_printf(a, "Xét thấy %s đủ điều kiện thụ lý, %s thông báo thụ lý giải quyết.", kind_words(c.kind),
                                 body), 0);
        if (c.due_at) pdoc_par(p, arena_printf(a, "Thời hạn giải quyết: đến hết %s.", pdoc_date(a, c.original_due_at ? c.original_due_at : c.due_at)), 0);
    } else if (!strcmp(doc, "refuse_notice")) {
        pdoc_par(p, arena_printf(a, "%s không thụ lý giải quyết vì lý do sau:", body), 0);
    } else if (!strcmp(doc, "extension")) {
        pdoc_par(p, "Vụ việc phức tạp; gia hạn thời hạn giải quyết. Căn cứ gia hạn:", 0);
    } else if (!strcmp(doc, "suspension")) {
        pdoc_par(p, "Tạm đình chỉ việc giải quyết kể từ ngày ký Quyết định này. Lý do:", 0);
    } else if (!strcmp(doc, "resumption")) {
        pdoc_par(p, "Tiếp tục giải quyết kể từ ngày ký Quyết định này; thời hạn giải quyết tiếp tục được tính từ ngày này.", 0);
    } else if (!strcmp(doc, "decision")) {
        pdoc_par(p, "Kết quả xác minh và nội dung giải quyết:", 0);
    } else if (!strcmp(doc, "conclusion")) {
        pdoc_par(p, "Kết luận nội dung tố cáo:", 0);
    } else {
        pdoc_par(p, arena_printf(a, "%s trả lời như sau:", body), 0);
    }
    /* the note, one paragraph per line */
    for (char *line = arena_strdup(a, note), *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (*line) pdoc_par(p, line, 0);
    }
    if (new_due && (!strcmp(doc, "extension") || !strcmp(doc, "resumption")))
        pdoc_par(p, arena_printf(a, "Thời hạn giải quyết: đến hết %s.", pdoc_date(a, new_due)), 0);
    const char *recipients[] = {c.anonymous ? "- Lưu: VT." : arena_printf(a, "- %s;", who), "- Lưu: VT, hồ sơ."};
    pdoc_signer signer = {.caption = pdoc_signer_caption(a, pu.council, head_title), .name = *head ? head : NULL,
                          .note = ""};
    pdoc_closing(p, recipients, c.anonymous ? 1 : 2, &signer);
    buf out;
    buf_init(&out, a);
    if (pdoc_finish(p, &out, e)) return -1;
    *len = out.len;
    *pdf = malloc(out.len ? out.len : 1);
    if (!*pdf) {
        err_set(e, 500, N_("Không tạo được văn bản."), "oom");
        return -1;
    }
    memcpy(*pdf, buf_cstr(&out), out.len);
    return 0;
}
