/* TEMP until letter_template.c and letter_pdf.c land (branch h-words) */
/* temp_stubs.c -- TEMPORARY, branch h-web only: just enough of letter_template.c and
 * letter_pdf.c (written in parallel against letter.h) to build and test the pages of
 * letter_web.c; it replaces main's temp_words.c, whose template_get ignores saved templates.
 * Delete this file as soon as the real ones are merged from main. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../account/account.h"
#include "../core/calendar.h"
#include "../core/subst.h"
#include "../core/text.h"
#include "../print/print.h"
#include "letter.h"

const char *const letter_var_names[LETTER_NVARS] = {"recipient", "address", "person", "event_date", "detail",
                                                     "code", "procedure", "received", "due", "new_due",
                                                     "unit", "place", "signer", "signer_title", "date"};
static const char *const VAR_LABELS[LETTER_NVARS] = {
    N_("họ tên người nhận"), N_("địa chỉ người nhận"), N_("người được nhắc tới (trẻ, vợ/chồng, người mất)"),
    N_("ngày của sự kiện"), N_("nội dung cảm ơn, lý do chậm"), N_("mã hồ sơ"), N_("tên thủ tục"),
    N_("ngày tiếp nhận hồ sơ"), N_("ngày hẹn trả đã lỡ"), N_("ngày hẹn trả mới"), N_("tên đơn vị"),
    N_("địa danh"), N_("người ký"), N_("chức vụ người ký"), N_("ngày của thư")};
const char *letter_var_label(int var) { return var >= 0 && var < LETTER_NVARS ? VAR_LABELS[var] : ""; }

static const letter_words DEFAULT = {"THƯ CHÚC MỪNG", "Kính gửi: Ông/Bà {{recipient}}",
                                     "{{unit}} xin gửi lời chúc mừng tới gia đình.\n\n# Trăm năm hạnh phúc",
                                     "Trân trọng!"};
const letter_words *letter_default_words(const char *occasion)
{
    return letter_occasion_find(occasion) ? &DEFAULT : NULL;
}

int letter_template_get(db *d, arena *a, int64_t unit_id, const char *occasion, letter_words *out, bool *own)
{
    if (!letter_occasion_find(occasion)) return -1;
    int64_t chain[16];
    int n = account_unit_chain(d, unit_id, chain, 16);
    *out = DEFAULT;
    if (own) *own = false;
    for (int i = 0; i < n && chain[i] > 0; i++) {
        db_stmt *s = db_prepare(d, "SELECT title, greeting, body, closing FROM letter_templates WHERE unit_id = ? AND occasion = ?");
        db_bind_int(s, 1, chain[i]);
        db_bind_text(s, 2, occasion);
        bool found = db_step(s) == DB_ROW;
        if (found) {
            *out = (letter_words){arena_strdup(a, db_col_text(s, 0)), arena_strdup(a, db_col_text(s, 1)),
                                  arena_strdup(a, db_col_text(s, 2)), arena_strdup(a, db_col_text(s, 3))};
            if (own) *own = i == 0;
        }
        db_done(s);
        if (found) break;
    }
    return 0;
}

int letter_template_check(arena *a, const letter_words *in, letter_words *out, err *e)
{
    const char *f[4] = {in->title, in->greeting, in->body, in->closing};
    static const char *const names[4] = {"title", "greeting", "body", "closing"};
    for (int i = 0; i < 4; i++) {
        const char *bad = NULL;
        if (!f[i] || (i == 0 && text_is_blank(f[i])) || (i == 2 && text_is_blank(f[i]))) {
            err_set(e, 400, N_("Tiêu đề và nội dung thư không được để trống."), "empty");
            err_field(e, names[i]);
            return -1;
        }
        if (subst_check(a, f[i], letter_var_names, LETTER_NVARS, &bad)) {
            err_set(e, 400, N_("Mẫu thư có chỗ điền không hợp lệ."), "bad %s", bad);
            err_field(e, names[i]);
            return -1;
        }
    }
    *out = (letter_words){text_trim(a, f[0]), text_trim(a, f[1]), text_trim(a, f[2]), text_trim(a, f[3])};
    return 0;
}

int letter_template_save(db *d, arena *a, int64_t unit_id, const char *occasion, const letter_words *in,
                         int64_t actor_id, int64_t now, err *e)
{
    letter_words w;
    if (!letter_occasion_find(occasion)) {
        err_set(e, 404, N_("Không có loại thư này."), "occasion");
        return -1;
    }
    if (letter_template_check(a, in, &w, e)) return -1;
    db_stmt *s = db_prepare(d, "INSERT INTO letter_templates (unit_id, occasion, title, greeting, body, closing, updated_at, "
                               "updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, occasion) DO UPDATE SET "
                               "title = excluded.title, greeting = excluded.greeting, body = excluded.body, "
                               "closing = excluded.closing, updated_at = excluded.updated_at");
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, occasion);
    db_bind_text(s, 3, w.title);
    db_bind_text(s, 4, w.greeting);
    db_bind_text(s, 5, w.body);
    db_bind_text(s, 6, w.closing);
    db_bind_int(s, 7, now);
    db_bind_int(s, 8, actor_id);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

int letter_template_reset(db *d, int64_t unit_id, const char *occasion, int64_t actor_id, int64_t now, err *e)
{
    (void)actor_id, (void)now, (void)e;
    db_stmt *s = db_prepare(d, "DELETE FROM letter_templates WHERE unit_id = ? AND occasion = ?");
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, occasion);
    db_step(s);
    db_done(s);
    return 0;
}

letter_words letter_render_words(arena *a, const letter_words *t, const char *const values[LETTER_NVARS])
{
    return (letter_words){subst(a, t->title, letter_var_names, LETTER_NVARS, values),
                          subst(a, t->greeting, letter_var_names, LETTER_NVARS, values),
                          subst(a, t->body, letter_var_names, LETTER_NVARS, values),
                          subst(a, t->closing, letter_var_names, LETTER_NVARS, values)};
}

void letter_sample_values(db *d, arena *a, int64_t unit_id, const char *values[LETTER_NVARS])
{
    (void)d, (void)unit_id;
    for (int i = 0; i < LETTER_NVARS; i++) values[i] = "";
    values[LV_RECIPIENT] = "Nguyễn Thị Minh Khai";
    values[LV_PERSON] = "Trần Bảo An";
    values[LV_UNIT] = "Ủy ban nhân dân phường Phan Đình Phùng";
    values[LV_PLACE] = "Phan Đình Phùng";
    values[LV_SIGNER] = "Lê Văn Lãnh";
    values[LV_SIGNER_TITLE] = "Chủ tịch";
    values[LV_DATE] = arena_strdup(a, "ngày 23 tháng 11 năm 2026");
}

/* ---- printing ---------------------------------------------------------------------------- */

static void print_words(pdoc *p, const letter_words *w)
{
    pdoc_title(p, w->title, NULL);
    pdoc_par(p, w->greeting, PDOC_NOINDENT);
    pdoc_par(p, w->body, 0);
    pdoc_par(p, w->closing, 0);
}

int letter_pdf(db *d, arena *a, const int64_t *ids, size_t n, buf *out, err *e)
{
    if (!n) {
        err_set(e, 400, N_("Chưa chọn thư nào để in."), "none");
        return -1;
    }
    pdoc *p = pdoc_open(a, "Thư", "Thân Thiện", "letter");
    for (size_t i = 0; i < n; i++) {
        const char *values[LETTER_NVARS];
        if (!letter_values(d, a, ids[i], values)) {
            pdoc_finish(p, out, NULL);
            err_set(e, 404, N_("Không tìm thấy thư."), "unknown");
            return -1;
        }
        if (i) pdoc_page_break(p);
        json_t *l = letter_get(d, a, ids[i]);
        letter_words t;
        letter_template_get(d, a, json_integer_value(json_object_get(l, "unit_id")),
                            json_string_value(json_object_get(l, "occasion")), &t, NULL);
        json_decref(l);
        letter_words w = letter_render_words(a, &t, values);
        print_words(p, &w);
    }
    return pdoc_finish(p, out, e);
}

int letter_preview_pdf(db *d, arena *a, int64_t unit_id, const char *occasion, const letter_words *tmpl, buf *out,
                       err *e)
{
    (void)occasion;
    letter_words w;
    if (letter_template_check(a, tmpl, &w, e)) return -1;
    const char *values[LETTER_NVARS];
    letter_sample_values(d, a, unit_id, values);
    w = letter_render_words(a, &w, values);
    pdoc *p = pdoc_open(a, "Thư", "Thân Thiện", "letter");
    print_words(p, &w);
    return pdoc_finish(p, out, e);
}
