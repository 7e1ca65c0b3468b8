/* TEMP until letter.c lands */
/* temp_stubs.c -- TEMPORARY, branch h-web only: just enough of letter.c, letter_template.c and
 * letter_pdf.c (written in parallel by others against letter.h) to build and test the pages
 * of letter_web.c. Delete this file as soon as the real ones are merged from main. */
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

const char *const letter_kinds[LETTER_NKINDS] = {"apology", "thanks", "congratulation", "condolence"};
static const char *const KIND_LABELS[LETTER_NKINDS] = {N_("Thư xin lỗi"), N_("Thư cảm ơn"), N_("Thư chúc mừng"),
                                                       N_("Thư chia buồn")};
const letter_occasion letter_occasions[] = {
    {"late", "apology", N_("Xin lỗi vì trả kết quả chậm"), false},
    {"contribution", "thanks", N_("Cảm ơn đóng góp (đất, công sức, kinh phí)"), true},
    {"feedback", "thanks", N_("Cảm ơn ý kiến góp ý, phản ánh"), true},
    {"birth", "congratulation", N_("Chúc mừng khai sinh"), true},
    {"marriage", "congratulation", N_("Chúc mừng kết hôn"), true},
    {"other_congratulation", "congratulation", N_("Chúc mừng dịp khác (mừng thọ, thành tích…)"), true},
    {"death", "condolence", N_("Chia buồn"), true},
};
const size_t letter_noccasions = sizeof letter_occasions / sizeof letter_occasions[0];

int letter_kind_index(const char *kind)
{
    for (int k = 0; kind && k < LETTER_NKINDS; k++)
        if (!strcmp(kind, letter_kinds[k])) return k;
    return -1;
}
const char *letter_kind_label(const char *kind)
{
    int k = letter_kind_index(kind);
    return k < 0 ? "" : KIND_LABELS[k];
}
const letter_occasion *letter_occasion_find(const char *key)
{
    for (size_t i = 0; key && i < letter_noccasions; i++)
        if (!strcmp(key, letter_occasions[i].key)) return &letter_occasions[i];
    return NULL;
}

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

bool letter_values(db *d, arena *a, int64_t id, const char *values[LETTER_NVARS])
{
    letter_sample_values(d, a, 0, values);
    db_stmt *s = db_prepare(d, "SELECT recipient_name FROM letters WHERE id = ?");
    db_bind_int(s, 1, id);
    bool ok = db_step(s) == DB_ROW;
    if (ok) values[LV_RECIPIENT] = arena_strdup(a, db_col_text(s, 0));
    db_done(s);
    return ok;
}

/* ---- letters --------------------------------------------------------------------------- */

int letter_on_dossier_event(db *d, arena *a, const dossier_event *ev, err *e)
{
    (void)d, (void)a, (void)ev, (void)e;
    return 0;
}

int letter_create(db *d, arena *a, const letter_input *in, int64_t actor_id, int64_t now, int64_t *id, err *e)
{
    const letter_occasion *o = letter_occasion_find(in->occasion);
    if (!o || !o->staff_written) {
        err_set(e, 400, N_("Chọn loại thư."), "occasion");
        err_field(e, "occasion");
        return -1;
    }
    if (text_is_blank(in->recipient_name)) {
        err_set(e, 400, N_("Nhập họ tên người nhận thư."), "name");
        err_field(e, "recipient_name");
        return -1;
    }
    unsigned char rnd[16];
    char token[33];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(token, sizeof token, rnd, sizeof rnd);
    db_stmt *s = db_prepare(d, "INSERT INTO letters (unit_id, kind, occasion, source, dossier_code, recipient_name, "
                               "recipient_key, recipient_email, recipient_phone, detail, token, created_at, created_by, "
                               "updated_at) VALUES (?, ?, ?, 'manual', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    db_bind_int(s, 1, in->unit_id);
    db_bind_text(s, 2, o->kind);
    db_bind_text(s, 3, o->key);
    db_bind_text(s, 4, in->dossier_code ? in->dossier_code : "");
    db_bind_text(s, 5, text_trim(a, in->recipient_name));
    db_bind_text(s, 6, text_fold(a, in->recipient_name));
    db_bind_text(s, 7, in->recipient_email ? in->recipient_email : "");
    db_bind_text(s, 8, in->recipient_phone ? in->recipient_phone : "");
    db_bind_text(s, 9, in->detail ? in->detail : "");
    db_bind_text(s, 10, token);
    db_bind_int(s, 11, now);
    db_bind_int(s, 12, actor_id);
    db_bind_int(s, 13, now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, N_("Không lưu được thư, xin thử lại."), "insert");
        return -1;
    }
    *id = db_last_id(d);
    return 0;
}

int letter_update(db *d, arena *a, int64_t id, const letter_input *in, int64_t actor_id, int64_t now, err *e)
{
    (void)actor_id;
    if (text_is_blank(in->recipient_name)) {
        err_set(e, 400, N_("Nhập họ tên người nhận thư."), "name");
        err_field(e, "recipient_name");
        return -1;
    }
    db_stmt *s = db_prepare(d, "UPDATE letters SET recipient_name = ?, recipient_key = ?, detail = ?, updated_at = ? "
                               "WHERE id = ? AND status = 'proposed'");
    db_bind_text(s, 1, text_trim(a, in->recipient_name));
    db_bind_text(s, 2, text_fold(a, in->recipient_name));
    db_bind_text(s, 3, in->detail ? in->detail : "");
    db_bind_int(s, 4, now);
    db_bind_int(s, 5, id);
    db_step(s);
    db_done(s);
    if (db_changes(d) != 1) {
        err_set(e, 409, N_("Thư đã được trao hoặc đã hủy, không sửa được nữa."), "not proposed");
        return -1;
    }
    return 0;
}

int letter_deliver(db *d, arena *a, int64_t id, const letter_delivery *dl, err *e)
{
    (void)a;
    db_stmt *s = db_prepare(d, "UPDATE letters SET status = 'delivered', delivery_method = ?, delivered_at = ?, "
                               "delivered_by = ?, delivery_note = ?, postal_tracking = ?, updated_at = ? "
                               "WHERE id = ? AND status = 'proposed'");
    db_bind_text(s, 1, dl->method);
    db_bind_int(s, 2, dl->now);
    db_bind_int(s, 3, dl->actor_id);
    db_bind_text(s, 4, dl->note ? dl->note : "");
    db_bind_text(s, 5, dl->postal_tracking ? dl->postal_tracking : "");
    db_bind_int(s, 6, dl->now);
    db_bind_int(s, 7, id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || db_changes(d) != 1) {
        err_set(e, 409, N_("Chỉ trao được thư đang chờ trao."), "deliver");
        err_field(e, "method");
        return -1;
    }
    return 0;
}

int letter_cancel(db *d, arena *a, int64_t id, const char *reason, int64_t actor_id, int64_t now, err *e)
{
    (void)a, (void)actor_id;
    if (text_is_blank(reason)) {
        err_set(e, 400, N_("Ghi lý do hủy thư."), "reason");
        err_field(e, "reason");
        return -1;
    }
    db_stmt *s = db_prepare(d, "UPDATE letters SET status = 'cancelled', cancel_reason = ?, updated_at = ? "
                               "WHERE id = ? AND status = 'proposed'");
    db_bind_text(s, 1, reason);
    db_bind_int(s, 2, now);
    db_bind_int(s, 3, id);
    db_step(s);
    db_done(s);
    if (db_changes(d) != 1) {
        err_set(e, 409, N_("Chỉ hủy được thư đang chờ trao."), "cancel");
        return -1;
    }
    return 0;
}

#define COLS "l.id, l.kind, l.occasion, l.status, l.dossier_code, l.recipient_name, l.delivery_method, " \
             "COALESCE(l.delivered_at, 0), l.created_at, l.token, l.detail, l.recipient_email, u.name, u.code, l.unit_id"

static json_t *row(db_stmt *s, arena *a)
{
    int64_t id = db_col_int(s, 0);
    const letter_occasion *o = letter_occasion_find(db_col_text(s, 2));
    bool proposed = !strcmp(db_col_text(s, 3), "proposed");
    bool electronic = !strcmp(db_col_text(s, 3), "delivered") && !strcmp(db_col_text(s, 6), "electronic");
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:b, s:b}",
                          "id", (json_int_t)id, "kind", db_col_text(s, 1), "kind_label", letter_kind_label(db_col_text(s, 1)),
                          "occasion", db_col_text(s, 2), "occasion_label", o ? o->label : "", "status", db_col_text(s, 3),
                          "status_label", proposed ? "Chờ trao" : "Đã trao", "dossier_code", db_col_text(s, 4),
                          "recipient_name", db_col_text(s, 5), "delivered_at", (json_int_t)db_col_int(s, 7), "created_at",
                          (json_int_t)db_col_int(s, 8), "detail", db_col_text(s, 10), "recipient_email", db_col_text(s, 11),
                          "unit_name", db_col_text(s, 12), "unit_code", db_col_text(s, 13), "unit_id",
                          (json_int_t)db_col_int(s, 14), "can_edit", proposed, "can_deliver", proposed);
    json_object_set_new(j, "delivery_method", json_string(db_col_text(s, 6)));
    json_object_set_new(j, "url", json_string(arena_printf(a, "/thu/%lld", (long long)id)));
    json_object_set_new(j, "pdf", json_string(arena_printf(a, "/thu/%lld.pdf", (long long)id)));
    json_object_set_new(j, "public_pdf", electronic ? json_string(arena_printf(a, "/thu/x/%s.pdf", db_col_text(s, 9))) : json_null());
    return j;
}

json_t *letter_get(db *d, arena *a, int64_t id)
{
    db_stmt *s = db_prepare(d, "SELECT " COLS " FROM letters l JOIN units u ON u.id = l.unit_id WHERE l.id = ?");
    db_bind_int(s, 1, id);
    json_t *j = db_step(s) == DB_ROW ? row(s, a) : NULL;
    db_done(s);
    return j;
}

int64_t letter_unit_of(db *d, int64_t id) { return db_int_by_id(d, "SELECT unit_id FROM letters WHERE id = ?", id, -1); }

int64_t letter_id_by_token(db *d, const char *token)
{
    db_stmt *s = db_prepare(d, "SELECT id FROM letters WHERE token = ?");
    db_bind_text(s, 1, token);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return id;
}

#define WHERE "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) " \
              "SELECT %s FROM letters l JOIN units u ON u.id = l.unit_id WHERE l.unit_id IN (SELECT id FROM sub) "        \
              "AND (?2 = '' OR l.kind = ?2) AND (?3 = '' OR l.occasion = ?3) AND (?4 = '' OR l.status = ?4) "             \
              "AND (?5 = '' OR l.recipient_key LIKE ?5 OR l.dossier_code = ?6) %s"

static void bind(db_stmt *s, arena *a, const letter_query *q)
{
    db_bind_int(s, 1, q->unit_id);
    db_bind_text(s, 2, q->kind ? q->kind : "");
    db_bind_text(s, 3, q->occasion ? q->occasion : "");
    db_bind_text(s, 4, q->status ? q->status : "");
    db_bind_text(s, 5, q->q && *q->q ? arena_printf(a, "%%%s%%", text_fold(a, q->q)) : "");
    db_bind_text(s, 6, q->q ? q->q : "");
}

json_t *letter_list(db *d, arena *a, const letter_query *q, int64_t *total)
{
    db_stmt *s = db_prepare(d, arena_printf(a, WHERE, COLS, arena_printf(a, "ORDER BY l.id DESC LIMIT %d OFFSET %d",
                                                                            q->limit ? q->limit : 50, q->offset)));
    bind(s, a, q);
    json_t *arr = json_array();
    while (db_step(s) == DB_ROW) json_array_append_new(arr, row(s, a));
    db_done(s);
    s = db_prepare(d, arena_printf(a, WHERE, "COUNT(*)", ""));
    bind(s, a, q);
    *total = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    return arr;
}

size_t letter_list_ids(db *d, arena *a, const letter_query *q, int64_t *ids, size_t max)
{
    db_stmt *s = db_prepare(d, arena_printf(a, WHERE, "l.id", arena_printf(a, "ORDER BY l.id LIMIT %zu", max)));
    bind(s, a, q);
    size_t n = 0;
    while (n < max && db_step(s) == DB_ROW) ids[n++] = db_col_int(s, 0);
    db_done(s);
    return n;
}

int letter_counts(db *d, int64_t unit_id, int year, int64_t out[LETTER_NKINDS][13])
{
    memset(out, 0, sizeof(int64_t) * LETTER_NKINDS * 13);
    if (db_int_by_id(d, "SELECT id FROM units WHERE id = ?", unit_id, -1) < 0) return -1;
    db_stmt *s = db_prepare(d, "SELECT kind, delivered_at FROM letters WHERE status = 'delivered' AND unit_id = ?");
    db_bind_int(s, 1, unit_id);
    while (db_step(s) == DB_ROW) {
        int k = letter_kind_index(db_col_text(s, 0)), y, m, dd;
        cal_to_ymd(cal_local_day(db_col_int(s, 1)), &y, &m, &dd);
        if (k < 0 || y != year) continue;
        out[k][0]++;
        out[k][m]++;
    }
    db_done(s);
    return 0;
}

json_t *letter_counts_json(db *d, arena *a, int64_t unit_id, int year)
{
    (void)a;
    int64_t c[LETTER_NKINDS][13];
    if (letter_counts(d, unit_id, year, c)) return NULL;
    json_t *unit = account_unit_get_by_id(d, unit_id), *kinds = json_array();
    int64_t total = 0;
    for (int k = 0; k < LETTER_NKINDS; k++) {
        json_t *months = json_array();
        for (int m = 1; m <= 12; m++) json_array_append_new(months, json_integer(c[k][m]));
        json_array_append_new(kinds, json_pack("{s:s, s:s, s:I, s:o}", "kind", letter_kinds[k], "label", KIND_LABELS[k],
                                               "total", (json_int_t)c[k][0], "months", months));
        total += c[k][0];
    }
    json_t *o = json_pack("{s:i, s:s, s:s, s:o, s:I}", "year", year, "unit_code", json_string_value(json_object_get(unit, "code")),
                          "unit_name", json_string_value(json_object_get(unit, "name")), "kinds", kinds, "total",
                          (json_int_t)total);
    json_decref(unit);
    return o;
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
        letter_words w = letter_render_words(a, &DEFAULT, values);
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

void letter_set_public_url(const char *url) { (void)url; }

int letter_demo(db *d, arena *a, int64_t now, uint64_t seed, err *e)
{
    (void)d, (void)a, (void)now, (void)seed, (void)e;
    return 0;
}
