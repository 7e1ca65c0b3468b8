/* refusal.c -- refusing to receive a citizen (từ chối tiếp công dân), reception.h.
 *
 * Luật Tiếp công dân 42/2013/QH13, Điều 9 lists when the receiving officer may refuse; Thông tư
 * 04/2021/TT-TTCP, Điều 4 asks the reason to be explained and, for the one who keeps bringing a
 * matter already settled (Art. 9(3)), a written notice from the head of the unit. The grounds
 * and the notice's form are dated rows (reception_refusal_grounds, reception_refusal_forms,
 * migration 021): the set in force on the day the citizen came. The refusal is kept beside the
 * register row (reception_refusals), so the Sổ tiếp công dân shows it, and the notice takes the
 * next number of the unit's register of refusal notices for the year ("05/TB-TCD"). */
#include <string.h>

#include "../core/calendar.h"
#include "../core/text.h"
#include "../print/print.h"
#include "reception.h"
#include "reception_impl.h"

/* The valid_from of the grounds in force on day, or "" when none. */
static const char *grounds_set(db *d, arena *a, const char *day)
{
    db_stmt *s = db_prepare(d, "SELECT MAX(valid_from) FROM reception_refusal_grounds WHERE valid_from <= ?");
    db_bind_text(s, 1, day);
    const char *v = db_step(s) == DB_ROW && !db_col_null(s, 0) ? arena_strdup(a, db_col_text(s, 0)) : "";
    db_done(s);
    return v;
}

json_t *reception_refusal_grounds(db *d, const char *day)
{
    json_t *list = json_array();
    db_stmt *s = db_prepare(d, "SELECT code, label, basis, notice FROM reception_refusal_grounds WHERE valid_from = "
                               "(SELECT MAX(valid_from) FROM reception_refusal_grounds WHERE valid_from <= ?) "
                               "ORDER BY position");
    db_bind_text(s, 1, day);
    while (db_step(s) == DB_ROW)
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "code", db_col_text(s, 0), "label",
                                              db_col_text(s, 1), "basis", db_col_text(s, 2), "notice",
                                              db_col_int(s, 3) != 0));
    db_done(s);
    return list;
}

typedef struct {
    arena *a;
    int64_t id, actor, now;
    const char *ground, *reason, *signer, *signer_title;
} refuse_tx;

static int refuse_write(db *c, void *ctx, err *e)
{
    refuse_tx *t = ctx;
    db_stmt *s = db_prepare(c, "SELECT r.unit_id, r.received_at, r.converted_ref, "
                               "(SELECT 1 FROM reception_refusals x WHERE x.reception_id = r.id) "
                               "FROM receptions r WHERE r.id = ?");
    db_bind_int(s, 1, t->id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return rc_fail(e, 404, N_("Không tìm thấy lượt tiếp công dân."), NULL);
    }
    int64_t unit = db_col_int(s, 0), at = db_col_int(s, 1);
    bool converted = *db_col_text(s, 2), refused = !db_col_null(s, 3);
    db_done(s);
    if (refused) return rc_fail(e, 409, N_("Lượt tiếp này đã được ghi từ chối tiếp trước đó."), NULL);
    if (converted)
        return rc_fail(e, 409, N_("Lượt tiếp này đã được chuyển thành đơn, phản ánh; không thể từ chối tiếp."), NULL);
    /* the ground must be one of the set in force on the day the citizen came */
    const char *set = grounds_set(c, t->a, rc_iso_day(t->a, at));
    s = db_prepare(c, "SELECT 1 FROM reception_refusal_grounds WHERE valid_from = ? AND code = ?");
    db_bind_text(s, 1, set);
    db_bind_text(s, 2, t->ground);
    bool known = db_step(s) == DB_ROW;
    db_done(s);
    if (!known) return rc_fail(e, 400, N_("Chọn trường hợp từ chối tiếp công dân theo Điều 9 Luật Tiếp công dân."), "ground");
    int y, m, dd;
    cal_to_ymd(cal_local_day(t->now), &y, &m, &dd);
    s = db_prepare(c, "SELECT COALESCE(MAX(number), 0) + 1 FROM reception_refusals WHERE unit_id = ? AND year = ?");
    db_bind_int(s, 1, unit);
    db_bind_int(s, 2, y);
    int64_t number = db_step(s) == DB_ROW ? db_col_int(s, 0) : 1;
    db_done(s);
    s = db_prepare(c, "INSERT INTO reception_refusals (reception_id, unit_id, year, number, ground, ground_from, reason, "
                      "signer_name, signer_title, refused_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    int i = 1;
    db_bind_int(s, i++, t->id);
    db_bind_int(s, i++, unit);
    db_bind_int(s, i++, y);
    db_bind_int(s, i++, number);
    db_bind_text(s, i++, t->ground);
    db_bind_text(s, i++, set);
    db_bind_text(s, i++, t->reason);
    db_bind_text(s, i++, t->signer);
    db_bind_text(s, i++, t->signer_title);
    db_bind_int(s, i++, t->now);
    if (t->actor > 0) db_bind_int(s, i++, t->actor);
    else db_bind_null(s, i++);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    s = db_prepare(c, "UPDATE receptions SET updated_at = ? WHERE id = ?");
    db_bind_int(s, 1, t->now);
    db_bind_int(s, 2, t->id);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    return rc_audit(c, t->now, t->actor, unit, "reception.refuse", "reception", t->id,
                    json_pack("{s:s, s:s, s:I, s:I}", "ground", t->ground, "ground_from", set, "year", (json_int_t)y,
                              "number", (json_int_t)number),
                    e);
}

int reception_refuse(db *d, arena *a, int64_t id, const char *ground, const char *reason, const char *signer_name,
                     const char *signer_title, int64_t actor_id, int64_t now, err *e)
{
    refuse_tx t = {.a = a, .id = id, .actor = actor_id, .now = now};
    if (rc_text(a, ground, 40, true, "ground", N_("Chọn trường hợp từ chối tiếp công dân theo Điều 9 Luật Tiếp công dân."),
                &t.ground, e) ||
        rc_text(a, reason, 2000, true, "reason", N_("Nhập lý do cụ thể của việc từ chối tiếp."), &t.reason, e) ||
        rc_text(a, signer_name, 200, true, "signer_name", N_("Nhập họ tên người đứng đầu ký thông báo."), &t.signer, e) ||
        rc_text(a, signer_title, 200, false, "signer_title", NULL, &t.signer_title, e))
        return -1;
    return db_write(d, refuse_write, &t, e);
}

int reception_refusal_pdf(db *d, arena *a, int64_t id, buf *out, err *e)
{
    json_t *r = reception_get(d, a, id);
    if (!r) return rc_fail(e, 404, N_("Không tìm thấy lượt tiếp công dân."), NULL);
    json_t *x = json_object_get(r, "refusal");
    if (!json_is_object(x)) {
        json_decref(r);
        return rc_fail(e, 404, N_("Lượt tiếp này không có thông báo từ chối tiếp."), NULL);
    }
    rc_unit u;
    if (!rc_unit_get(d, a, json_integer_value(json_object_get(r, "unit_id")), &u)) {
        json_decref(r);
        return rc_fail(e, 404, N_("Không tìm thấy đơn vị."), NULL);
    }
    int64_t at = json_integer_value(json_object_get(r, "received_at"));
    int64_t refused = json_integer_value(json_object_get(x, "refused_at"));
    /* the form in force on the day of the notice */
    const char *form = "", *form_title = "Về việc từ chối tiếp công dân", *form_basis = "";
    db_stmt *s = db_prepare(d, "SELECT form_code, title, basis FROM reception_refusal_forms WHERE valid_from <= ? "
                               "ORDER BY valid_from DESC LIMIT 1");
    db_bind_text(s, 1, rc_iso_day(a, refused));
    if (db_step(s) == DB_ROW) {
        form = arena_strdup(a, db_col_text(s, 0));
        form_title = arena_strdup(a, db_col_text(s, 1));
        form_basis = arena_strdup(a, db_col_text(s, 2));
    }
    db_done(s);
    const char *name = json_get_str_r(r, "citizen_name");
    pdoc *p = pdoc_open(a, "Thông báo về việc từ chối tiếp công dân", u.name, name);
    if (!p) {
        json_decref(r);
        return rc_fail(e, 500, N_("Không tạo được tệp PDF."), NULL);
    }
    if (*form) pdoc_par_ex(p, form, PDOC_RIGHT | PDOC_BOLD | PDOC_NOINDENT, 12, 2);
    pdoc_header_block(p, &(pdoc_header){.parent_body = u.parent, .body = u.body,
                                        .number = arena_printf(a, "%lld/TB-TCD",
                                                               (long long)json_integer_value(json_object_get(x, "number"))),
                                        .place = u.place, .date = refused});
    pdoc_title(p, "THÔNG BÁO", form_title);
    pdoc_par(p, "Căn cứ Luật Tiếp công dân ngày 25 tháng 11 năm 2013;", PDOC_ITALIC);
    if (*form_basis) pdoc_par(p, arena_printf(a, "Căn cứ %s;", form_basis), PDOC_ITALIC);
    pdoc_par(p, arena_printf(a, "Vào hồi %s, tại %s, %s đến trình bày:", pdoc_time_date(a, at), u.name,
                             json_integer_value(json_object_get(r, "people")) > 1 ? "nhóm công dân do ông/bà" : "ông/bà"),
             0);
    pdoc_field_line(p, "Họ và tên", name, PDOC_BOLD);
    pdoc_field_line(p, "Số CCCD/CMND/Hộ chiếu", json_get_str_r(r, "id_number"), 0);
    pdoc_field_line(p, "Địa chỉ", json_get_str_r(r, "address"), 0);
    pdoc_par(p, arena_printf(a, "Nội dung (%s): %s", json_get_str_r(r, "kind_label"), json_get_str_r(r, "content")), 0);
    pdoc_par(p, arena_printf(a, "%s thông báo từ chối tiếp ông/bà %s vì thuộc trường hợp: %s (%s).", u.name, name,
                             json_get_str_r(x, "ground_label"), json_get_str_r(x, "ground_basis")),
             0);
    pdoc_par(p, arena_printf(a, "Lý do cụ thể: %s", json_get_str_r(x, "reason")), 0);
    pdoc_par(p, "Đề nghị ông/bà chấp hành nội quy nơi tiếp công dân và thực hiện việc khiếu nại, tố cáo, kiến nghị, "
                "phản ánh theo đúng quy định của pháp luật.",
             0);
    static const char *const to[] = {"Công dân có tên trên;", "Người phụ trách tiếp công dân;", "Lưu: VT, hồ sơ tiếp công dân."};
    const char *signer = json_get_str_r(x, "signer_name"), *title = json_get_str_r(x, "signer_title");
    pdoc_signer sg = {.caption = pdoc_signer_caption(a, u.council, title), .note = "", .name = signer};
    pdoc_closing(p, to, 3, &sg);
    int rc = pdoc_finish(p, out, e);
    json_decref(r);
    return rc;
}
