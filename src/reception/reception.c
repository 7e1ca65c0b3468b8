/* reception.c -- the reception schedule and the register (Sổ tiếp công dân), reception.h.
 *
 * Every change is one db_write with its audit row ("reception.*" actions). Input arrives
 * cleaned (UTF-8, NFC) from the HTTP edge; here it is trimmed, bounded and checked, with a
 * Vietnamese message naming the field at fault, and nothing is saved when anything is wrong.
 * The rules that change with the law (days of notice, register columns) are rows of the
 * migration's tables, read by the day they apply to. */
#include <stdio.h>
#include <string.h>

#include "../audit/audit.h"
#include "../core/calendar.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../feedback/feedback.h"
#include "reception.h"
#include "reception_impl.h"

const char *const reception_kinds[RECEPTION_NKINDS][3] = {
    {"khieu_nai", N_("Khiếu nại"), "KN"},
    {"to_cao", N_("Tố cáo"), "TC"},
    {"kien_nghi", N_("Kiến nghị"), "KNg"},
    {"phan_anh", N_("Phản ánh"), "PA"},
    {"khac", N_("Khác (hỏi chính sách, pháp luật)"), "K"},
};

const char *const reception_sessions[RECEPTION_NSESSIONS][2] = {
    {"regular", N_("Tiếp thường xuyên")},
    {"periodic", N_("Chủ tịch tiếp định kỳ")},
    {"adhoc", N_("Chủ tịch tiếp đột xuất")},
};

const char *const reception_handlings[RECEPTION_NHANDLINGS][2] = {
    {"answered", N_("Trả lời, giải thích trực tiếp")},
    {"accepted", N_("Tiếp nhận đơn để giải quyết theo thẩm quyền")},
    {"guided", N_("Hướng dẫn công dân đến cơ quan có thẩm quyền")},
    {"transferred", N_("Chuyển đơn đến cơ quan có thẩm quyền")},
};

static const char *const WEEKDAYS[7] = {N_("Chủ nhật"), N_("Thứ Hai"), N_("Thứ Ba"), N_("Thứ Tư"),
                                        N_("Thứ Năm"), N_("Thứ Sáu"), N_("Thứ Bảy")};

const char *reception_weekday_label(int wd) { return wd >= 0 && wd < 7 ? WEEKDAYS[wd] : ""; }

int rc_fail(err *e, int status, const char *msgid, const char *field)
{
    err_set(e, status, msgid, "reception: %s", field ? field : "");
    if (field) err_field(e, field);
    return -1;
}

/* s trimmed into *out: required and at most max characters, else 400 naming field. */
int rc_text(arena *a, const char *s, size_t max, bool required, const char *field, const char *missing,
            const char **out, err *e)
{
    const char *t = s ? text_trim(a, s) : "";
    if (required && !*t) return rc_fail(e, 400, missing, field);
    if (text_char_count(t) > max) return rc_fail(e, 400, N_("Nội dung quá dài."), field);
    *out = t;
    return 0;
}

int rc_key(const char *const (*table)[2], size_t n, const char *key)
{
    for (size_t i = 0; key && i < n; i++)
        if (!strcmp(table[i][0], key)) return (int)i;
    return -1;
}

const char *rc_label(const char *const (*table)[2], size_t n, const char *key)
{
    int i = rc_key(table, n, key);
    return i < 0 ? "" : table[i][1];
}

int rc_audit(db *c, int64_t now, int64_t actor, int64_t unit, const char *action, const char *entity, int64_t id,
             json_t *detail, err *e)
{
    if (audit_append(c, now, actor, unit, action, entity, id, detail)) {
        err_set(e, 500, N_("Không lưu được, xin thử lại."), "%s: %s", action, db_errmsg(c));
        return -1;
    }
    return 0;
}

/* "YYYY-MM-DD" of an instant's local day, in a. */
const char *rc_iso_day(arena *a, int64_t t)
{
    char *s = arena_alloc(a, 11);
    cal_format(cal_local_day(t), s);
    return s;
}

/* ---- rules ------------------------------------------------------------------------------- */

int64_t reception_rule(db *d, arena *a, const char *rule, const char *day, int64_t fallback, const char **basis)
{
    db_stmt *s = db_prepare(d, "SELECT value, basis FROM reception_rules WHERE rule = ? AND valid_from <= ? "
                               "ORDER BY valid_from DESC LIMIT 1");
    db_bind_text(s, 1, rule);
    db_bind_text(s, 2, day);
    int64_t v = fallback;
    if (basis) *basis = "";
    if (db_step(s) == DB_ROW) {
        v = db_col_int(s, 0);
        if (basis) *basis = arena_strdup(a, db_col_text(s, 1));
    }
    db_done(s);
    return v;
}

/* ---- the schedule ---------------------------------------------------------------------- */

typedef struct {
    arena *a;
    int64_t unit_id, actor, now, id, *out_id;
    const char *host, *title, *place, *attendees, *topics, *from;
    int64_t weekday;
    int start, end;
    bool single;
} slot_tx;

static int slot_write(db *c, void *ctx, err *e)
{
    slot_tx *t = ctx;
    db_stmt *s = db_prepare(c, "INSERT INTO reception_schedules (unit_id, host_name, host_title, weekday, start_min, "
                               "end_min, place, attendees, topics, valid_from, single, created_by, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    int i = 1;
    db_bind_int(s, i++, t->unit_id);
    db_bind_text(s, i++, t->host);
    db_bind_text(s, i++, t->title);
    db_bind_int(s, i++, t->weekday);
    db_bind_int(s, i++, t->start);
    db_bind_int(s, i++, t->end);
    db_bind_text(s, i++, t->place);
    db_bind_text(s, i++, t->attendees);
    db_bind_text(s, i++, t->topics);
    db_bind_text(s, i++, t->from);
    db_bind_int(s, i++, t->single);
    db_bind_int(s, i++, t->actor);
    db_bind_int(s, i++, t->now);
    db_bind_int(s, i++, t->now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    *t->out_id = db_last_id(c);
    return rc_audit(c, t->now, t->actor, t->unit_id, "reception.schedule_add", "reception_schedule", *t->out_id,
                    json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:b}", "host", t->host, "weekday", (json_int_t)t->weekday,
                              "start", vn_hhmm(t->a, t->start), "end", vn_hhmm(t->a, t->end), "place", t->place,
                              "from", t->from, "single", t->single),
                    e);
}

int reception_schedule_add(db *d, arena *a, const reception_slot_input *in, int64_t actor_id, int64_t now,
                           int64_t *id, err *e)
{
    slot_tx t = {.a = a, .unit_id = in->unit_id, .actor = actor_id, .now = now, .out_id = id};
    if (rc_text(a, in->host_name, 200, true, "host_name", N_("Nhập họ tên người tiếp công dân."), &t.host, e) ||
        rc_text(a, in->host_title, 200, false, "host_title", NULL, &t.title, e) ||
        rc_text(a, in->place, 300, true, "place", N_("Nhập địa điểm tiếp công dân."), &t.place, e) ||
        rc_text(a, in->attendees, 1000, false, "attendees", NULL, &t.attendees, e) ||
        rc_text(a, in->topics, 2000, false, "topics", NULL, &t.topics, e))
        return -1;
    t.single = in->on_date && !text_is_blank(in->on_date);
    if (!t.single && (!in->weekday || !text_parse_uint(in->weekday, 6, &t.weekday) || strlen(in->weekday) != 1))
        return rc_fail(e, 400, N_("Chọn ngày trong tuần."), "weekday");
    if (!in->start || !vn_parse_hhmm(in->start, &t.start))
        return rc_fail(e, 400, N_("Giờ bắt đầu phải có dạng HH:MM, ví dụ 07:30."), "start");
    if (!in->end || !vn_parse_hhmm(in->end, &t.end))
        return rc_fail(e, 400, N_("Giờ kết thúc phải có dạng HH:MM, ví dụ 11:30."), "end");
    if (t.end <= t.start) return rc_fail(e, 400, N_("Giờ kết thúc phải sau giờ bắt đầu."), "end");
    cal_day from = cal_local_day(now);
    if (in->valid_from && !text_is_blank(in->valid_from) && !cal_parse_typed_date(text_trim(a, in->valid_from), &from))
        return rc_fail(e, 400, N_("Ngày áp dụng phải có dạng dd/mm/yyyy."), "valid_from");
    if (t.single) {
        /* an ad hoc session: that day only, never in the past */
        if (!cal_parse_typed_date(text_trim(a, in->on_date), &from))
            return rc_fail(e, 400, N_("Ngày tiếp đột xuất phải có dạng dd/mm/yyyy."), "on_date");
        if (from < cal_local_day(now)) return rc_fail(e, 400, N_("Ngày tiếp đột xuất không được ở quá khứ."), "on_date");
        t.weekday = cal_weekday(from);
    }
    char *f = arena_alloc(a, 11);
    cal_format(from, f);
    t.from = f;
    return db_write(d, slot_write, &t, e);
}

static int slot_remove_write(db *c, void *ctx, err *e)
{
    slot_tx *t = ctx;
    db_stmt *s = db_prepare(c, "UPDATE reception_schedules SET active = 0, updated_at = ? WHERE id = ? AND unit_id = ? "
                               "AND active = 1");
    db_bind_int(s, 1, t->now);
    db_bind_int(s, 2, t->id);
    db_bind_int(s, 3, t->unit_id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    if (db_changes(c) != 1) return rc_fail(e, 404, N_("Không tìm thấy lịch tiếp công dân."), NULL);
    return rc_audit(c, t->now, t->actor, t->unit_id, "reception.schedule_remove", "reception_schedule", t->id,
                    json_object(), e);
}

int reception_schedule_remove(db *d, int64_t unit_id, int64_t id, int64_t actor_id, int64_t now, err *e)
{
    slot_tx t = {.unit_id = unit_id, .id = id, .actor = actor_id, .now = now};
    return db_write(d, slot_remove_write, &t, e);
}

json_t *reception_schedule_list(db *d, arena *a, int64_t unit_id, int64_t now)
{
    json_t *list = json_array();
    db_stmt *s = db_prepare(d, "SELECT id, host_name, host_title, weekday, start_min, end_min, place, attendees, topics, "
                               "valid_from, single FROM reception_schedules WHERE unit_id = ? AND active = 1 "
                               "AND (single = 0 OR valid_from >= ?) "
                               "ORDER BY single, CASE WHEN single = 1 THEN valid_from ELSE '' END, (weekday + 6) % 7, "
                               "start_min, id");
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, rc_iso_day(a, now));
    while (db_step(s) == DB_ROW) {
        int wd = (int)db_col_int(s, 3);
        cal_day from = 0;
        cal_parse_date(db_col_text(s, 9), &from);
        char dmy[11];
        cal_format_dmy(from, dmy);
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                            (json_int_t)db_col_int(s, 0), "host_name", db_col_text(s, 1), "host_title", db_col_text(s, 2),
                            "weekday", wd, "weekday_label", reception_weekday_label(wd), "start",
                            vn_hhmm(a, (int)db_col_int(s, 4)), "end", vn_hhmm(a, (int)db_col_int(s, 5)), "place",
                            db_col_text(s, 6), "attendees", db_col_text(s, 7), "topics", db_col_text(s, 8), "valid_from",
                            db_col_text(s, 9), "valid_from_text", dmy));
        json_object_set_new(json_array_get(list, json_array_size(list) - 1), "single",
                            json_boolean(db_col_int(s, 10) != 0));
    }
    db_done(s);
    return list;
}

json_t *reception_home(db *d, arena *a, int64_t unit_id, const char *unit_code, int64_t now)
{
    json_t *slots = reception_schedule_list(d, a, unit_id, now);
    json_t *next = json_array();
    json_t *all = dialogue_list(d, a, unit_id, true, now);
    size_t i;
    json_t *dl;
    /* the list is newest first: the three soonest still to come are at its end */
    for (i = json_array_size(all); i-- > 0;) {
        dl = json_array_get(all, i);
        if (json_integer_value(json_object_get(dl, "ends_at")) >= now && json_array_size(next) < 3 &&
            strcmp(json_get_str_r(dl, "status"), "cancelled"))
            json_array_append(next, dl);
    }
    json_decref(all);
    if (!json_array_size(slots) && !json_array_size(next)) {
        json_decref(slots);
        json_decref(next);
        return NULL;
    }
    return json_pack("{s:o, s:o, s:s, s:s, s:s}", "slots", slots, "dialogues", next, "ics",
                     arena_printf(a, "/don-vi/%s/lich-tiep-dan.ics", unit_code), "page",
                     arena_printf(a, "/don-vi/%s/lich-tiep-dan", unit_code), "dialogues_page",
                     arena_printf(a, "/don-vi/%s/doi-thoai", unit_code));
}

/* ---- the register ------------------------------------------------------------------------ */

typedef struct {
    arena *a;
    const reception_input *in;
    int64_t actor, now, at, people, id, *out_id;
    const char *host, *host_title, *name, *id_number, *address, *phone, *email, *content, *prior, *request;
    const char *handling, *note, *followup, *conclusion, *deadline, *contact, *kind;
} rec_tx;

static int create_write(db *c, void *ctx, err *e)
{
    rec_tx *t = ctx;
    int y, m, dd;
    cal_to_ymd(cal_local_day(t->at), &y, &m, &dd);
    db_stmt *s = db_prepare(c, "SELECT COALESCE(MAX(seq), 0) + 1 FROM receptions WHERE unit_id = ? AND year = ?");
    db_bind_int(s, 1, t->in->unit_id);
    db_bind_int(s, 2, y);
    int64_t seq = db_step(s) == DB_ROW ? db_col_int(s, 0) : 1;
    db_done(s);
    s = db_prepare(c, "INSERT INTO receptions (unit_id, year, seq, received_at, session, host_name, host_title, "
                      "citizen_name, citizen_key, id_number, address, phone, email, people, kind, content, "
                      "prior_handling, request, created_by, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    int i = 1;
    db_bind_int(s, i++, t->in->unit_id);
    db_bind_int(s, i++, y);
    db_bind_int(s, i++, seq);
    db_bind_int(s, i++, t->at);
    db_bind_text(s, i++, t->in->session);
    db_bind_text(s, i++, t->host);
    db_bind_text(s, i++, t->host_title);
    db_bind_text(s, i++, t->name);
    db_bind_text(s, i++, text_fold(t->a, t->name));
    db_bind_text(s, i++, t->id_number);
    db_bind_text(s, i++, t->address);
    db_bind_text(s, i++, t->phone);
    db_bind_text(s, i++, t->email);
    db_bind_int(s, i++, t->people);
    db_bind_text(s, i++, t->in->kind);
    db_bind_text(s, i++, t->content);
    db_bind_text(s, i++, t->prior);
    db_bind_text(s, i++, t->request);
    db_bind_int(s, i++, t->actor);
    db_bind_int(s, i++, t->now);
    db_bind_int(s, i++, t->now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    *t->out_id = db_last_id(c);
    return rc_audit(c, t->now, t->actor, t->in->unit_id, "reception.create", "reception", *t->out_id,
                    json_pack("{s:I, s:I, s:s, s:s}", "year", (json_int_t)y, "seq", (json_int_t)seq, "kind",
                              t->in->kind, "session", t->in->session),
                    e);
}

/* A citizen ID (CCCD 12 digits, CMND 9, a passport's letters and digits): 6-20 characters,
 * letters and digits only. */
static bool id_number_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 6 || n > 20) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
            return false;
    return true;
}

/* Inside a write: the reception's unit (404 when unknown). */
static int rec_unit(db *c, int64_t id, int64_t *unit, err *e)
{
    *unit = db_int_by_id(c, "SELECT unit_id FROM receptions WHERE id = ?", id, -1);
    return *unit < 0 ? rc_fail(e, 404, N_("Không tìm thấy lượt tiếp công dân."), NULL) : 0;
}

/* Checks a reception as typed into t (trimmed, bounded, the phone normalised): 0, or -1 with e
 * naming the field at fault. */
static int check_input(arena *a, const reception_input *in, int64_t now, rec_tx *t, err *e)
{
    if (rc_key(reception_sessions, RECEPTION_NSESSIONS, in->session) < 0)
        return rc_fail(e, 400, N_("Chọn hình thức tiếp công dân."), "session");
    bool kind_ok = false;
    for (int i = 0; i < RECEPTION_NKINDS; i++) kind_ok |= in->kind && !strcmp(in->kind, reception_kinds[i][0]);
    if (!kind_ok) return rc_fail(e, 400, N_("Chọn loại vụ việc."), "kind");
    if (rc_text(a, in->citizen_name, 200, true, "citizen_name", N_("Nhập họ tên công dân."), &t->name, e) ||
        rc_text(a, in->id_number, 20, false, "id_number", NULL, &t->id_number, e) ||
        rc_text(a, in->address, 300, false, "address", NULL, &t->address, e) ||
        rc_text(a, in->email, 200, false, "email", NULL, &t->email, e) ||
        rc_text(a, in->host_name, 200, true, "host_name", N_("Nhập họ tên người tiếp công dân."), &t->host, e) ||
        rc_text(a, in->host_title, 200, false, "host_title", NULL, &t->host_title, e) ||
        rc_text(a, in->content, 5000, true, "content", N_("Nhập nội dung vụ việc."), &t->content, e) ||
        rc_text(a, in->prior_handling, 2000, false, "prior_handling", NULL, &t->prior, e) ||
        rc_text(a, in->request, 2000, false, "request", NULL, &t->request, e))
        return -1;
    if (*t->id_number && !id_number_ok(t->id_number))
        return rc_fail(e, 400, N_("Số CCCD/CMND/Hộ chiếu chỉ gồm chữ và số, từ 6 đến 20 ký tự."), "id_number");
    if (*t->email && (!strchr(t->email, '@') || strchr(t->email, ' ')))
        return rc_fail(e, 400, N_("Địa chỉ thư điện tử không hợp lệ."), "email");
    t->phone = "";
    if (in->phone && !text_is_blank(in->phone)) {
        char *p = arena_alloc(a, 16);
        if (!text_phone_vn(in->phone, p)) return rc_fail(e, 400, N_("Số điện thoại không hợp lệ."), "phone");
        t->phone = p;
    }
    t->people = 1;
    if (in->people && !text_is_blank(in->people) && (!text_parse_uint(text_trim(a, in->people), 10000, &t->people) || t->people < 1))
        return rc_fail(e, 400, N_("Số người phải là số từ 1 đến 10.000."), "people");
    if (in->received_at && !text_is_blank(in->received_at)) {
        if (!cal_parse_typed_time(text_trim(a, in->received_at), &t->at))
            return rc_fail(e, 400, N_("Thời gian tiếp phải có dạng dd/mm/yyyy HH:MM."), "received_at");
        if (t->at > now + 3600) return rc_fail(e, 400, N_("Thời gian tiếp không được ở tương lai."), "received_at");
    }
    return 0;
}

int reception_create(db *d, arena *a, const reception_input *in, int64_t actor_id, int64_t now, int64_t *id,
                     err *e)
{
    rec_tx t = {.a = a, .in = in, .actor = actor_id, .now = now, .out_id = id, .at = now};
    *id = -1;
    if (check_input(a, in, now, &t, e)) return -1;
    return db_write(d, create_write, &t, e);
}

static int update_write(db *c, void *ctx, err *e)
{
    rec_tx *t = ctx;
    int64_t unit;
    if (rec_unit(c, t->id, &unit, e)) return -1;
    db_stmt *s = db_prepare(c, "UPDATE receptions SET session = ?, host_name = ?, host_title = ?, citizen_name = ?, "
                               "citizen_key = ?, id_number = ?, address = ?, phone = ?, email = ?, people = ?, kind = ?, "
                               "content = ?, prior_handling = ?, request = ?, updated_at = ? WHERE id = ?");
    int i = 1;
    db_bind_text(s, i++, t->in->session);
    db_bind_text(s, i++, t->host);
    db_bind_text(s, i++, t->host_title);
    db_bind_text(s, i++, t->name);
    db_bind_text(s, i++, text_fold(t->a, t->name));
    db_bind_text(s, i++, t->id_number);
    db_bind_text(s, i++, t->address);
    db_bind_text(s, i++, t->phone);
    db_bind_text(s, i++, t->email);
    db_bind_int(s, i++, t->people);
    db_bind_text(s, i++, t->in->kind);
    db_bind_text(s, i++, t->content);
    db_bind_text(s, i++, t->prior);
    db_bind_text(s, i++, t->request);
    db_bind_int(s, i++, t->now);
    db_bind_int(s, i++, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    return rc_audit(c, t->now, t->actor, unit, "reception.update", "reception", t->id,
                    json_pack("{s:s, s:s}", "kind", t->in->kind, "session", t->in->session), e);
}

int reception_update(db *d, arena *a, int64_t id, const reception_input *in, int64_t actor_id, int64_t now, err *e)
{
    rec_tx t = {.a = a, .in = in, .id = id, .actor = actor_id, .now = now, .at = now};
    reception_input keep = *in;
    keep.received_at = "";   /* the day received, and so its number, stay as recorded */
    t.in = &keep;
    if (check_input(a, &keep, now, &t, e)) return -1;
    return db_write(d, update_write, &t, e);
}


static int handle_write(db *c, void *ctx, err *e)
{
    rec_tx *t = ctx;
    int64_t unit;
    if (rec_unit(c, t->id, &unit, e)) return -1;
    db_stmt *s = db_prepare(c, "UPDATE receptions SET handling = ?, handling_note = ?, followup = ?, updated_at = ? "
                               "WHERE id = ?");
    db_bind_text(s, 1, t->handling);
    db_bind_text(s, 2, t->note);
    db_bind_text(s, 3, t->followup);
    db_bind_int(s, 4, t->now);
    db_bind_int(s, 5, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    return rc_audit(c, t->now, t->actor, unit, "reception.handle", "reception", t->id,
                    json_pack("{s:s, s:s}", "handling", t->handling, "followup", t->followup), e);
}

int reception_handle(db *d, arena *a, int64_t id, const char *handling, const char *note, const char *followup,
                     int64_t actor_id, int64_t now, err *e)
{
    rec_tx t = {.a = a, .id = id, .actor = actor_id, .now = now};
    if (rc_key(reception_handlings, RECEPTION_NHANDLINGS, handling) < 0)
        return rc_fail(e, 400, N_("Chọn hướng xử lý."), "handling");
    t.handling = handling;
    if (rc_text(a, note, 2000, false, "handling_note", NULL, &t.note, e) ||
        rc_text(a, followup, 2000, false, "followup", NULL, &t.followup, e))
        return -1;
    return db_write(d, handle_write, &t, e);
}

static int conclude_write(db *c, void *ctx, err *e)
{
    rec_tx *t = ctx;
    int64_t unit;
    if (rec_unit(c, t->id, &unit, e)) return -1;
    db_stmt *s = db_prepare(c, "UPDATE receptions SET conclusion = ?, conclusion_deadline = ?, conclusion_contact = ?, "
                               "conclusion_at = ?, conclusion_by = ?, updated_at = ? WHERE id = ?");
    db_bind_text(s, 1, t->conclusion);
    db_bind_text(s, 2, t->deadline);
    db_bind_text(s, 3, t->contact);
    db_bind_int(s, 4, t->now);
    db_bind_int(s, 5, t->actor);
    db_bind_int(s, 6, t->now);
    db_bind_int(s, 7, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    return rc_audit(c, t->now, t->actor, unit, "reception.conclude", "reception", t->id,
                    json_pack("{s:s, s:s}", "deadline", t->deadline, "contact", t->contact), e);
}

int reception_conclude(db *d, arena *a, int64_t id, const char *text, const char *deadline, const char *contact,
                       int64_t actor_id, int64_t now, err *e)
{
    rec_tx t = {.a = a, .id = id, .actor = actor_id, .now = now, .deadline = ""};
    if (rc_text(a, text, 5000, true, "conclusion", N_("Nhập nội dung kết luận."), &t.conclusion, e) ||
        rc_text(a, contact, 300, false, "contact", NULL, &t.contact, e))
        return -1;
    if (deadline && !text_is_blank(deadline)) {
        cal_day day;
        if (!cal_parse_typed_date(text_trim(a, deadline), &day))
            return rc_fail(e, 400, N_("Thời hạn trả lời phải có dạng dd/mm/yyyy."), "deadline");
        if (day < cal_local_day(now)) return rc_fail(e, 400, N_("Thời hạn trả lời không được ở quá khứ."), "deadline");
        char *iso = arena_alloc(a, 11);
        cal_format(day, iso);
        t.deadline = iso;
    }
    return db_write(d, conclude_write, &t, e);
}

int64_t reception_unit_of(db *d, int64_t id)
{
    return db_int_by_id(d, "SELECT unit_id FROM receptions WHERE id = ?", id, -1);
}

#define REC_COLS                                                                                                \
    "r.id, r.unit_id, r.year, r.seq, r.received_at, r.session, r.host_name, r.host_title, r.citizen_name, "    \
    "r.id_number, r.address, r.phone, r.email, r.people, r.kind, r.content, r.prior_handling, r.request, "     \
    "r.handling, r.handling_note, r.followup, r.conclusion, r.conclusion_deadline, r.conclusion_contact, "      \
    "r.conclusion_at, r.converted_ref, r.converted_kind, u.name, u.code, r.converted_code, "                   \
    "x.number, x.year, x.ground, x.reason, x.refused_at, x.signer_name, x.signer_title, g.label, g.basis"

/* the refusal to receive, if any (refusal.c) */
#define REC_FROM                                                                                                \
    "FROM receptions r JOIN units u ON u.id = r.unit_id "                                                       \
    "LEFT JOIN reception_refusals x ON x.reception_id = r.id "                                                  \
    "LEFT JOIN reception_refusal_grounds g ON g.valid_from = x.ground_from AND g.code = x.ground "

static const char *kind_label(const char *k, int col)
{
    for (int i = 0; i < RECEPTION_NKINDS; i++)
        if (!strcmp(reception_kinds[i][0], k)) return reception_kinds[i][col];
    return "";
}

static json_t *rec_row(arena *a, db_stmt *s)
{
    int64_t at = db_col_int(s, 4);
    const char *deadline = db_col_text(s, 22);
    cal_day dl;
    char dmy[11] = "";
    if (*deadline && cal_parse_date(deadline, &dl)) cal_format_dmy(dl, dmy);
    json_t *o = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s}",
        "id", (json_int_t)db_col_int(s, 0), "unit_id", (json_int_t)db_col_int(s, 1), "year",
        (json_int_t)db_col_int(s, 2), "seq", (json_int_t)db_col_int(s, 3), "received_at", (json_int_t)at,
        "received_text", vn_datetime(a, at), "received_date", vn_date(a, at), "session", db_col_text(s, 5),
        "session_label", rc_label(reception_sessions, RECEPTION_NSESSIONS, db_col_text(s, 5)), "host_name",
        db_col_text(s, 6), "host_title", db_col_text(s, 7), "citizen_name", db_col_text(s, 8), "id_number",
        db_col_text(s, 9), "address", db_col_text(s, 10), "phone", db_col_text(s, 11), "people",
        (json_int_t)db_col_int(s, 13), "kind", db_col_text(s, 14), "kind_label", kind_label(db_col_text(s, 14), 1),
        "kind_abbr", kind_label(db_col_text(s, 14), 2), "content", db_col_text(s, 15), "email", db_col_text(s, 12));
    json_object_update_missing_new(
        o, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "prior_handling",
                     db_col_text(s, 16), "request", db_col_text(s, 17), "handling", db_col_text(s, 18), "handling_label",
                     rc_label(reception_handlings, RECEPTION_NHANDLINGS, db_col_text(s, 18)), "handling_note",
                     db_col_text(s, 19), "followup", db_col_text(s, 20), "conclusion", db_col_text(s, 21),
                     "conclusion_deadline", deadline, "conclusion_deadline_text", dmy, "conclusion_contact",
                     db_col_text(s, 23), "converted_ref", db_col_text(s, 25), "converted_kind", db_col_text(s, 26),
                     "unit_name", db_col_text(s, 27)));
    json_object_set_new(o, "unit_code", json_string(db_col_text(s, 28)));
    json_object_set_new(o, "converted_code", json_string(db_col_text(s, 29)));
    const char *ref = db_col_text(s, 25);
    if (!strncmp(ref, "feedback:", 9))
        json_object_set_new(o, "converted_url", json_string(arena_printf(a, "/phan-anh/%s", ref + 9)));
    if (!db_col_null(s, 30)) {
        int64_t at30 = db_col_int(s, 34);
        json_object_set_new(
            o, "refusal",
            json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "number", (json_int_t)db_col_int(s, 30),
                      "year", (json_int_t)db_col_int(s, 31), "ground", db_col_text(s, 32), "reason", db_col_text(s, 33),
                      "refused_text", vn_datetime(a, at30), "refused_at", (json_int_t)at30, "signer_name",
                      db_col_text(s, 35), "signer_title", db_col_text(s, 36), "ground_label", db_col_text(s, 37),
                      "ground_basis", db_col_text(s, 38)));
    }
    if (!db_col_null(s, 24)) {
        json_object_set_new(o, "conclusion_at", json_integer(db_col_int(s, 24)));
        json_object_set_new(o, "conclusion_text_at", json_string(vn_datetime(a, db_col_int(s, 24))));
    }
    return o;
}

json_t *reception_get(db *d, arena *a, int64_t id)
{
    db_stmt *s = db_prepare(d, "SELECT " REC_COLS " " REC_FROM "WHERE r.id = ?");
    db_bind_int(s, 1, id);
    json_t *o = db_step(s) == DB_ROW ? rec_row(a, s) : NULL;
    db_done(s);
    return o;
}

json_t *reception_list(db *d, arena *a, int64_t unit_id, int32_t from_day, int32_t to_day, const char *q)
{
    json_t *list = json_array();
    const char *key = NULL;
    if (q && !text_is_blank(q)) {
        /* the search is literal: % and _ typed by the user match themselves */
        buf b;
        buf_init(&b, a);
        buf_putc(&b, '%');
        for (const char *p = text_fold(a, text_trim(a, q)); *p; p++) {
            if (*p == '%' || *p == '_' || *p == '\\') buf_putc(&b, '\\');
            buf_putc(&b, *p);
        }
        buf_putc(&b, '%');
        key = buf_cstr(&b);
    }
    db_stmt *s = db_prepare(d, "SELECT " REC_COLS " " REC_FROM
                               "WHERE r.unit_id = ? AND r.received_at >= ? AND r.received_at < ? "
                               "AND (? IS NULL OR r.citizen_key LIKE ? ESCAPE '\\') ORDER BY r.received_at, r.id");
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, cal_instant(from_day, 0));
    db_bind_int(s, 3, cal_instant(to_day + 1, 0));
    db_bind_text(s, 4, key);
    db_bind_text(s, 5, key);
    while (db_step(s) == DB_ROW) json_array_append_new(list, rec_row(a, s));
    db_done(s);
    return list;
}

/* ---- turning into feedback -------------------------------------------------------------- */

/* The feedback feature (src/feedback, feedback_intake) files the case inside this write. */
static int feedback_converter(db *c, arena *a, const reception_feedback *f, int64_t actor, int64_t now,
                              const char **ref, const char **code, err *e)
{
    feedback_new in = {.unit_id = f->unit_id, .kind = f->kind, .channel = f->channel, .subject = f->subject,
                       .content = f->content, .name = f->name, .phone = f->phone, .email = f->email,
                       .address = f->address, .user_id = actor, .source_ref = f->source_ref,
                       .id_number = f->id_number && *f->id_number ? f->id_number : NULL, .received_at = f->received_at};
    feedback_ticket t;
    if (feedback_intake(c, a, &in, now, &t, e)) return -1;
    *ref = arena_printf(a, "feedback:%lld", (long long)t.id);
    *code = arena_strdup(a, t.code);
    return 0;
}

static const char *const FEEDBACK_KINDS[] = {"gop_y", "bieu_duong", "phan_anh", "kien_nghi", "khieu_nai", "to_cao"};

const char *reception_feedback_kind(const char *k)
{
    if (!k) return "phan_anh";
    if (!strcmp(k, "khieu_nai") || !strcmp(k, "to_cao") || !strcmp(k, "kien_nghi") || !strcmp(k, "phan_anh")) return k;
    return "kien_nghi";
}

bool reception_feedback_of(db *d, arena *a, int64_t id, const char *kind, reception_feedback *out)
{
    json_t *r = reception_get(d, a, id);
    if (!r) return false;
    const char *content = json_get_str_r(r, "content");
    const char *request = json_get_str_r(r, "request");
    const char *prior = json_get_str_r(r, "prior_handling");
    buf b;
    buf_init(&b, a);
    buf_puts(&b, content);
    if (*request) buf_printf(&b, "\n\nYêu cầu, đề nghị: %s", request);
    if (*prior) buf_printf(&b, "\n\nQuá trình xem xét giải quyết trước đó: %s", prior);
    buf_printf(&b, "\n\n(Tiếp công dân ngày %s, số thứ tự %lld/%lld, người tiếp: %s)", json_get_str_r(r, "received_text"),
               (long long)json_integer_value(json_object_get(r, "seq")),
               (long long)json_integer_value(json_object_get(r, "year")), json_get_str_r(r, "host_name"));
    /* the subject: the first line of the content, at most 120 characters */
    size_t n = strcspn(content, "\r\n"), chars = 0, cut = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)content[i] & 0xC0) != 0x80 && chars++ == 120) break; else cut = i + 1;
    *out = (reception_feedback){
        .unit_id = json_integer_value(json_object_get(r, "unit_id")),
        .kind = arena_strdup(a, kind && *kind ? kind : reception_feedback_kind(json_get_str_r(r, "kind"))),
        .channel = "reception",
        .subject = arena_printf(a, "%.*s", (int)cut, content),
        .content = buf_cstr(&b),
        .name = arena_strdup(a, json_get_str_r(r, "citizen_name")),
        .phone = arena_strdup(a, json_get_str_r(r, "phone")),
        .email = arena_strdup(a, json_get_str_r(r, "email")),
        .address = arena_strdup(a, json_get_str_r(r, "address")),
        .source_ref = arena_printf(a, "reception:%lld", (long long)id),
        .id_number = arena_strdup(a, json_get_str_r(r, "id_number")),
        .received_at = json_integer_value(json_object_get(r, "received_at")),
    };
    json_decref(r);
    return true;
}

typedef struct {
    arena *a;
    int64_t id, actor, now;
    const char *kind, **ref;
} conv_tx;

static int convert_write(db *c, void *ctx, err *e)
{
    conv_tx *t = ctx;
    int64_t unit;
    if (rec_unit(c, t->id, &unit, e)) return -1;
    db_stmt *s = db_prepare(c, "SELECT converted_ref FROM receptions WHERE id = ?");
    db_bind_int(s, 1, t->id);
    bool done = db_step(s) == DB_ROW && *db_col_text(s, 0);
    db_done(s);
    if (done) return rc_fail(e, 409, N_("Lượt tiếp này đã được chuyển thành đơn, phản ánh trước đó."), NULL);
    reception_feedback f;
    if (!reception_feedback_of(c, t->a, t->id, t->kind, &f)) return rc_fail(e, 404, N_("Không tìm thấy lượt tiếp công dân."), NULL);
    const char *ref = "", *code = "";
    if (feedback_converter(c, t->a, &f, t->actor, t->now, &ref, &code, e)) return -1;
    s = db_prepare(c, "UPDATE receptions SET converted_ref = ?, converted_kind = ?, converted_code = ?, converted_at = ?, "
                      "updated_at = ? WHERE id = ?");
    db_bind_text(s, 1, ref);
    db_bind_text(s, 2, f.kind);
    db_bind_text(s, 3, code);
    db_bind_int(s, 4, t->now);
    db_bind_int(s, 5, t->now);
    db_bind_int(s, 6, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    *t->ref = ref;
    return rc_audit(c, t->now, t->actor, unit, "reception.convert", "reception", t->id,
                    json_pack("{s:s, s:s, s:s}", "kind", f.kind, "ref", ref, "code", code), e);
}

int reception_convert(db *d, arena *a, int64_t id, const char *kind, int64_t actor_id, int64_t now, const char **ref,
                      err *e)
{
    bool ok = false;
    for (size_t i = 0; kind && i < sizeof FEEDBACK_KINDS / sizeof *FEEDBACK_KINDS; i++) ok |= !strcmp(kind, FEEDBACK_KINDS[i]);
    if (!ok) return rc_fail(e, 400, N_("Chọn loại đơn, phản ánh cần chuyển."), "kind");
    conv_tx t = {.a = a, .id = id, .actor = actor_id, .now = now, .kind = kind, .ref = ref};
    return db_write(d, convert_write, &t, e);
}
