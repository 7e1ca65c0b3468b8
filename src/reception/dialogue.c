/* dialogue.c -- dialogues with the people (reception.h, "dialogues"; legal.md §2.5, §2.1).
 *
 * A dialogue is planned, then announced -- no later than the days of notice the rule in force
 * on its day asks (reception_rules "dialogue_notice_days.<kind>": 5 days for a dialogue in a
 * complaint's settlement from 01/7/2026, NĐ 155/2026), counted as calendar days between the
 * day of the announcement and the day of the dialogue -- then held (attendance and minutes),
 * then its minutes published. The issues raised are recorded once it is held, each followed
 * up to its closure. The public sees a dialogue from its announcement (a cancelled one too,
 * with its reason, as Art. 24(4) Luật TCD asks of a postponed session), the minutes and the
 * issues once published. */
#include <stdio.h>
#include <string.h>

#include "../core/calendar.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "reception.h"
#include "reception_impl.h"

const char *const dialogue_kinds[DIALOGUE_NKINDS][2] = {
    {"people", N_("Hội nghị đối thoại với Nhân dân")},
    {"thematic", N_("Đối thoại chuyên đề")},
    {"complaint", N_("Đối thoại trong giải quyết khiếu nại")},
};

static const char *const STATUSES[][2] = {
    {"planned", N_("Dự kiến")},
    {"announced", N_("Đã thông báo")},
    {"held", N_("Đã tổ chức")},
    {"cancelled", N_("Đã hủy")},
};

int dialogue_notice_days(db *d, arena *a, const char *kind, int64_t starts_at, const char **basis)
{
    return (int)reception_rule(d, a, arena_printf(a, "dialogue_notice_days.%s", kind), rc_iso_day(a, starts_at), 0,
                               basis);
}

typedef struct {
    arena *a;
    const dialogue_input *in;
    int64_t id, issue_id, actor, now, starts, ends, attendance, *out_id;
    const char *title, *agenda, *place, *chair, *invited, *text, *raised_by, *answer, *assignee, *due;
} dl_tx;

static int create_write(db *c, void *ctx, err *e)
{
    dl_tx *t = ctx;
    db_stmt *s = db_prepare(c, "INSERT INTO dialogues (unit_id, kind, title, agenda, place, starts_at, ends_at, "
                               "chair_name, invited, created_by, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    int i = 1;
    db_bind_int(s, i++, t->in->unit_id);
    db_bind_text(s, i++, t->in->kind);
    db_bind_text(s, i++, t->title);
    db_bind_text(s, i++, t->agenda);
    db_bind_text(s, i++, t->place);
    db_bind_int(s, i++, t->starts);
    db_bind_int(s, i++, t->ends);
    db_bind_text(s, i++, t->chair);
    db_bind_text(s, i++, t->invited);
    db_bind_int(s, i++, t->actor);
    db_bind_int(s, i++, t->now);
    db_bind_int(s, i++, t->now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    *t->out_id = db_last_id(c);
    return rc_audit(c, t->now, t->actor, t->in->unit_id, "dialogue.create", "dialogue", *t->out_id,
                    json_pack("{s:s, s:s, s:I}", "kind", t->in->kind, "title", t->title, "starts_at",
                              (json_int_t)t->starts),
                    e);
}

/* The start ("dd/mm/yyyy HH:MM") and end ("HH:MM" the same day, a full time, or "" for two
 * hours) of a dialogue as typed. */
static int dl_times(arena *a, const char *starts_at, const char *ends_at, int64_t *starts, int64_t *ends, err *e)
{
    if (!starts_at || !cal_parse_typed_time(text_trim(a, starts_at), starts))
        return rc_fail(e, 400, N_("Thời gian bắt đầu phải có dạng dd/mm/yyyy HH:MM."), "starts_at");
    const char *end = ends_at ? text_trim(a, ends_at) : "";
    int minutes;
    if (!*end) {
        *ends = *starts + 2 * 3600;   /* a morning's or an afternoon's session */
    } else if (vn_parse_hhmm(end, &minutes)) {
        *ends = cal_instant(cal_local_day(*starts), minutes);
    } else if (!cal_parse_typed_time(end, ends)) {
        return rc_fail(e, 400, N_("Thời gian kết thúc phải có dạng HH:MM hoặc dd/mm/yyyy HH:MM."), "ends_at");
    }
    if (*ends <= *starts) return rc_fail(e, 400, N_("Thời gian kết thúc phải sau thời gian bắt đầu."), "ends_at");
    return 0;
}

int dialogue_create(db *d, arena *a, const dialogue_input *in, int64_t actor_id, int64_t now, int64_t *id, err *e)
{
    dl_tx t = {.a = a, .in = in, .actor = actor_id, .now = now, .out_id = id};
    *id = -1;
    if (rc_key(dialogue_kinds, DIALOGUE_NKINDS, in->kind) < 0)
        return rc_fail(e, 400, N_("Chọn loại đối thoại."), "kind");
    if (rc_text(a, in->title, 300, true, "title", N_("Nhập tên buổi đối thoại."), &t.title, e) ||
        rc_text(a, in->agenda, 5000, false, "agenda", NULL, &t.agenda, e) ||
        rc_text(a, in->place, 300, true, "place", N_("Nhập địa điểm đối thoại."), &t.place, e) ||
        rc_text(a, in->chair_name, 200, false, "chair_name", NULL, &t.chair, e) ||
        rc_text(a, in->invited, 2000, false, "invited", NULL, &t.invited, e))
        return -1;
    if (dl_times(a, in->starts_at, in->ends_at, &t.starts, &t.ends, e)) return -1;
    return db_write(d, create_write, &t, e);
}

/* Inside a write: the dialogue's unit, status and start. */
static int dl_row(db *c, int64_t id, int64_t *unit, char status[16], int64_t *starts, char kind[16], err *e)
{
    db_stmt *s = db_prepare(c, "SELECT unit_id, status, starts_at, kind, minutes FROM dialogues WHERE id = ?");
    db_bind_int(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *unit = db_col_int(s, 0);
        snprintf(status, 16, "%s", db_col_text(s, 1));
        *starts = db_col_int(s, 2);
        if (kind) snprintf(kind, 16, "%s", db_col_text(s, 3));
    }
    db_done(s);
    return rc == DB_ROW ? 0 : rc_fail(e, 404, N_("Không tìm thấy buổi đối thoại."), NULL);
}

static int set_status(db *c, dl_tx *t, const char *sql, const char *action, json_t *detail, err *e)
{
    int64_t unit, starts;
    char status[16];
    if (dl_row(c, t->id, &unit, status, &starts, NULL, e)) {
        json_decref(detail);
        return -1;
    }
    db_stmt *s = db_prepare(c, sql);
    db_bind_int(s, 1, t->now);
    db_bind_int(s, 2, t->attendance);
    db_bind_text(s, 3, t->text ? t->text : "");
    db_bind_int(s, 4, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        json_decref(detail);
        return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    }
    return rc_audit(c, t->now, t->actor, unit, action, "dialogue", t->id, detail, e);
}

static int announce_write(db *c, void *ctx, err *e)
{
    dl_tx *t = ctx;
    int64_t unit, starts;
    char status[16], kind[16];
    if (dl_row(c, t->id, &unit, status, &starts, kind, e)) return -1;
    if (strcmp(status, "planned")) return rc_fail(e, 409, N_("Chỉ thông báo được buổi đối thoại đang dự kiến."), NULL);
    if (starts <= t->now) return rc_fail(e, 422, N_("Buổi đối thoại đã qua thời gian bắt đầu, không thể thông báo."), NULL);
    const char *basis;
    int days = dialogue_notice_days(c, t->a, kind, starts, &basis);
    int64_t ahead = (int64_t)cal_local_day(starts) - cal_local_day(t->now);
    if (ahead < days) {
        err_set(e, 422, N_("Chưa đủ thời gian thông báo trước theo quy định."),
                "dialogue %lld: %lld days ahead, %d required (%s)", (long long)t->id, (long long)ahead, days, basis);
        /* the message names the days and the rule; it is Vietnamese whatever the language */
        snprintf(e->user, sizeof e->user,
                 "Chưa đủ thời gian thông báo trước: buổi đối thoại phải được thông báo trước ít nhất %d ngày (%s).",
                 days, basis);
        return -1;
    }
    return set_status(c, t, "UPDATE dialogues SET status = 'announced', announced_at = ?1, updated_at = ?1 "
                            "WHERE id = ?4 AND ?2 = ?2 AND ?3 = ?3",
                      "dialogue.announce", json_pack("{s:I, s:i}", "days_ahead", (json_int_t)ahead, "notice_days", days), e);
}

int dialogue_announce(db *d, arena *a, int64_t id, int64_t actor_id, int64_t now, err *e)
{
    dl_tx t = {.a = a, .id = id, .actor = actor_id, .now = now};
    return db_write(d, announce_write, &t, e);
}

static int hold_write(db *c, void *ctx, err *e)
{
    dl_tx *t = ctx;
    int64_t unit, starts;
    char status[16];
    if (dl_row(c, t->id, &unit, status, &starts, NULL, e)) return -1;
    if (strcmp(status, "planned") && strcmp(status, "announced"))
        return rc_fail(e, 409, N_("Buổi đối thoại đã được ghi kết quả hoặc đã hủy."), NULL);
    if (t->now < starts) return rc_fail(e, 409, N_("Buổi đối thoại chưa diễn ra."), NULL);
    return set_status(c, t, "UPDATE dialogues SET status = 'held', held_at = ?1, attendance = ?2, minutes = ?3, "
                            "updated_at = ?1 WHERE id = ?4",
                      "dialogue.hold", json_pack("{s:I}", "attendance", (json_int_t)t->attendance), e);
}

int dialogue_hold(db *d, arena *a, int64_t id, const char *attendance, const char *minutes, int64_t actor_id,
                  int64_t now, err *e)
{
    dl_tx t = {.a = a, .id = id, .actor = actor_id, .now = now};
    if (!attendance || !text_parse_uint(text_trim(a, attendance), 100000, &t.attendance))
        return rc_fail(e, 400, N_("Nhập số người tham dự (một số từ 0 đến 100.000)."), "attendance");
    if (rc_text(a, minutes, 20000, true, "minutes", N_("Nhập biên bản buổi đối thoại."), &t.text, e)) return -1;
    return db_write(d, hold_write, &t, e);
}

static int publish_write(db *c, void *ctx, err *e)
{
    dl_tx *t = ctx;
    int64_t unit, starts;
    char status[16];
    if (dl_row(c, t->id, &unit, status, &starts, NULL, e)) return -1;
    if (strcmp(status, "held")) return rc_fail(e, 409, N_("Chỉ công khai được buổi đối thoại đã tổ chức và có biên bản."), NULL);
    return set_status(c, t, "UPDATE dialogues SET published_at = COALESCE(published_at, ?1), updated_at = ?1 "
                            "WHERE id = ?4 AND ?2 = ?2 AND ?3 = ?3",
                      "dialogue.publish", json_object(), e);
}

int dialogue_publish(db *d, arena *a, int64_t id, int64_t actor_id, int64_t now, err *e)
{
    dl_tx t = {.a = a, .id = id, .actor = actor_id, .now = now};
    return db_write(d, publish_write, &t, e);
}

static int cancel_write(db *c, void *ctx, err *e)
{
    dl_tx *t = ctx;
    int64_t unit, starts;
    char status[16];
    if (dl_row(c, t->id, &unit, status, &starts, NULL, e)) return -1;
    if (strcmp(status, "planned") && strcmp(status, "announced"))
        return rc_fail(e, 409, N_("Buổi đối thoại đã tổ chức hoặc đã hủy, không thể hủy."), NULL);
    return set_status(c, t, "UPDATE dialogues SET status = 'cancelled', cancel_reason = ?3, updated_at = ?1 "
                            "WHERE id = ?4 AND ?2 = ?2",
                      "dialogue.cancel", json_pack("{s:s}", "reason", t->text), e);
}

int dialogue_cancel(db *d, arena *a, int64_t id, const char *reason, int64_t actor_id, int64_t now, err *e)
{
    dl_tx t = {.a = a, .id = id, .actor = actor_id, .now = now};
    if (rc_text(a, reason, 1000, true, "reason", N_("Nhập lý do hủy hoặc hoãn."), &t.text, e)) return -1;
    return db_write(d, cancel_write, &t, e);
}

static int issue_add_write(db *c, void *ctx, err *e)
{
    dl_tx *t = ctx;
    int64_t unit, starts;
    char status[16];
    if (dl_row(c, t->id, &unit, status, &starts, NULL, e)) return -1;
    if (strcmp(status, "held")) return rc_fail(e, 409, N_("Ghi vấn đề sau khi buổi đối thoại đã tổ chức."), NULL);
    db_stmt *s = db_prepare(c, "INSERT INTO dialogue_issues (dialogue_id, unit_id, content, raised_by, answer, assignee, "
                               "due_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    int i = 1;
    db_bind_int(s, i++, t->id);
    db_bind_int(s, i++, unit);
    db_bind_text(s, i++, t->text);
    db_bind_text(s, i++, t->raised_by);
    db_bind_text(s, i++, t->answer);
    db_bind_text(s, i++, t->assignee);
    db_bind_text(s, i++, t->due);
    db_bind_int(s, i++, t->now);
    db_bind_int(s, i++, t->now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    *t->out_id = db_last_id(c);
    return rc_audit(c, t->now, t->actor, unit, "dialogue.issue_add", "dialogue", t->id,
                    json_pack("{s:I, s:s}", "issue", (json_int_t)*t->out_id, "assignee", t->assignee), e);
}

int dialogue_issue_add(db *d, arena *a, int64_t id, const char *content, const char *raised_by, const char *answer,
                       const char *assignee, const char *due, int64_t actor_id, int64_t now, int64_t *issue_id,
                       err *e)
{
    dl_tx t = {.a = a, .id = id, .actor = actor_id, .now = now, .out_id = issue_id, .due = ""};
    if (rc_text(a, content, 3000, true, "content", N_("Nhập nội dung vấn đề người dân nêu."), &t.text, e) ||
        rc_text(a, raised_by, 200, false, "raised_by", NULL, &t.raised_by, e) ||
        rc_text(a, answer, 3000, false, "answer", NULL, &t.answer, e) ||
        rc_text(a, assignee, 200, false, "assignee", NULL, &t.assignee, e))
        return -1;
    if (due && !text_is_blank(due)) {
        cal_day day;
        if (!cal_parse_typed_date(text_trim(a, due), &day))
            return rc_fail(e, 400, N_("Hạn xử lý phải có dạng dd/mm/yyyy."), "due");
        char *iso = arena_alloc(a, 11);
        cal_format(day, iso);
        t.due = iso;
    }
    return db_write(d, issue_add_write, &t, e);
}

static int issue_close_write(db *c, void *ctx, err *e)
{
    dl_tx *t = ctx;
    db_stmt *s = db_prepare(c, "SELECT unit_id, status FROM dialogue_issues WHERE id = ? AND dialogue_id = ?");
    db_bind_int(s, 1, t->issue_id);
    db_bind_int(s, 2, t->id);
    int rc = db_step(s);
    int64_t unit = rc == DB_ROW ? db_col_int(s, 0) : -1;
    bool open = rc == DB_ROW && !strcmp(db_col_text(s, 1), "open");
    db_done(s);
    if (unit < 0) return rc_fail(e, 404, N_("Không tìm thấy vấn đề."), NULL);
    if (!open) return rc_fail(e, 409, N_("Vấn đề này đã được đóng."), NULL);
    s = db_prepare(c, "UPDATE dialogue_issues SET status = 'closed', result = ?, closed_at = ?, updated_at = ? WHERE id = ?");
    db_bind_text(s, 1, t->text);
    db_bind_int(s, 2, t->now);
    db_bind_int(s, 3, t->now);
    db_bind_int(s, 4, t->issue_id);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    return rc_audit(c, t->now, t->actor, unit, "dialogue.issue_close", "dialogue", t->id,
                    json_pack("{s:I}", "issue", (json_int_t)t->issue_id), e);
}

int dialogue_issue_close(db *d, arena *a, int64_t id, int64_t issue_id, const char *result, int64_t actor_id,
                         int64_t now, err *e)
{
    dl_tx t = {.a = a, .id = id, .issue_id = issue_id, .actor = actor_id, .now = now};
    if (rc_text(a, result, 3000, true, "result", N_("Nhập kết quả giải quyết vấn đề."), &t.text, e)) return -1;
    return db_write(d, issue_close_write, &t, e);
}

static int reschedule_write(db *c, void *ctx, err *e)
{
    dl_tx *t = ctx;
    int64_t unit, starts;
    char status[16], kind[16];
    if (dl_row(c, t->id, &unit, status, &starts, kind, e)) return -1;
    bool announced = !strcmp(status, "announced");
    if (!announced && strcmp(status, "planned"))
        return rc_fail(e, 409, N_("Chỉ dời lịch được buổi đối thoại chưa tổ chức."), NULL);
    if (t->starts <= t->now) return rc_fail(e, 400, N_("Thời gian mới phải ở tương lai."), "starts_at");
    if (announced && !*t->text) return rc_fail(e, 400, N_("Nhập lý do dời lịch để thông báo lại."), "reason");
    if (announced) {
        /* the new time is announced now: the same notice applies to it */
        const char *basis;
        int days = dialogue_notice_days(c, t->a, kind, t->starts, &basis);
        int64_t ahead = (int64_t)cal_local_day(t->starts) - cal_local_day(t->now);
        if (ahead < days) {
            err_set(e, 422, N_("Chưa đủ thời gian thông báo trước theo quy định."), "dialogue %lld moved %lld days ahead",
                    (long long)t->id, (long long)ahead);
            snprintf(e->user, sizeof e->user,
                     "Chưa đủ thời gian thông báo trước: thời gian mới phải sau ít nhất %d ngày kể từ hôm nay (%s).", days,
                     basis);
            err_field(e, "starts_at");
            return -1;
        }
    }
    db_stmt *s = db_prepare(c, "UPDATE dialogues SET rescheduled_from = CASE WHEN status = 'announced' THEN starts_at "
                               "ELSE rescheduled_from END, starts_at = ?, ends_at = ?, reschedule_reason = ?, "
                               "revision = revision + 1, updated_at = ? WHERE id = ?");
    db_bind_int(s, 1, t->starts);
    db_bind_int(s, 2, t->ends);
    db_bind_text(s, 3, t->text);
    db_bind_int(s, 4, t->now);
    db_bind_int(s, 5, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
    return rc_audit(c, t->now, t->actor, unit, "dialogue.reschedule", "dialogue", t->id,
                    json_pack("{s:I, s:I, s:s}", "from", (json_int_t)starts, "to", (json_int_t)t->starts, "reason", t->text),
                    e);
}

int dialogue_reschedule(db *d, arena *a, int64_t id, const char *starts_at, const char *ends_at, const char *reason,
                        int64_t actor_id, int64_t now, err *e)
{
    dl_tx t = {.a = a, .id = id, .actor = actor_id, .now = now};
    if (rc_text(a, reason, 1000, false, "reason", NULL, &t.text, e)) return -1;
    if (dl_times(a, starts_at, ends_at, &t.starts, &t.ends, e)) return -1;
    return db_write(d, reschedule_write, &t, e);
}

int64_t dialogue_unit_of(db *d, int64_t id)
{
    return db_int_by_id(d, "SELECT unit_id FROM dialogues WHERE id = ?", id, -1);
}

#define DL_COLS                                                                                                 \
    "d.id, d.unit_id, d.kind, d.title, d.agenda, d.place, d.starts_at, d.ends_at, d.chair_name, d.invited, "  \
    "d.status, d.announced_at, d.held_at, d.attendance, d.minutes, d.published_at, d.cancel_reason, u.name, u.code, " \
    "d.rescheduled_from, d.reschedule_reason, d.revision"

static json_t *dl_row_json(db *d, arena *a, db_stmt *s, int64_t now)
{
    int64_t starts = db_col_int(s, 6), ends = db_col_int(s, 7);
    const char *status = db_col_text(s, 10), *kind = db_col_text(s, 2);
    bool published = !db_col_null(s, 15);
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
                          (json_int_t)db_col_int(s, 0), "unit_id", (json_int_t)db_col_int(s, 1), "kind", kind,
                          "kind_label", rc_label(dialogue_kinds, DIALOGUE_NKINDS, kind), "title", db_col_text(s, 3),
                          "agenda", db_col_text(s, 4), "place", db_col_text(s, 5), "starts_at", (json_int_t)starts,
                          "ends_at", (json_int_t)ends, "when", vn_time_date(a, starts, ", "), "ends_text",
                          vn_hhmm(a, vn_second_of_day(ends) / 60), "chair_name", db_col_text(s, 8), "invited",
                          db_col_text(s, 9), "status", status, "status_label",
                          rc_label(STATUSES, sizeof STATUSES / sizeof *STATUSES, status), "published", published);
    json_object_set_new(o, "unit_name", json_string(db_col_text(s, 17)));
    json_object_set_new(o, "unit_code", json_string(db_col_text(s, 18)));
    json_object_set_new(o, "cancel_reason", json_string(db_col_text(s, 16)));
    json_object_set_new(o, "minutes", json_string(db_col_text(s, 14)));
    json_object_set_new(o, "revision", json_integer(db_col_int(s, 21)));
    if (!db_col_null(s, 19)) {
        json_object_set_new(o, "rescheduled_from", json_string(vn_time_date(a, db_col_int(s, 19), ", ")));
        json_object_set_new(o, "reschedule_reason", json_string(db_col_text(s, 20)));
    }
    json_object_set_new(o, "is_planned", json_boolean(!strcmp(status, "planned")));
    json_object_set_new(o, "is_announced", json_boolean(!strcmp(status, "announced")));
    json_object_set_new(o, "is_held", json_boolean(!strcmp(status, "held")));
    json_object_set_new(o, "is_cancelled", json_boolean(!strcmp(status, "cancelled")));
    json_object_set_new(o, "can_hold", json_boolean((!strcmp(status, "planned") || !strcmp(status, "announced")) &&
                                                    now >= starts));
    if (!db_col_null(s, 11)) json_object_set_new(o, "announced_text", json_string(vn_datetime(a, db_col_int(s, 11))));
    if (!db_col_null(s, 13)) json_object_set_new(o, "attendance", json_integer(db_col_int(s, 13)));
    if (published) json_object_set_new(o, "published_text", json_string(vn_datetime(a, db_col_int(s, 15))));
    const char *basis;
    int days = dialogue_notice_days(d, a, kind, starts, &basis);
    json_object_set_new(o, "notice_days", json_integer(days));
    json_object_set_new(o, "notice_basis", json_string(basis));
    char dmy[11];
    cal_format_dmy(cal_local_day(starts) - days, dmy);
    json_object_set_new(o, "announce_by", json_string(days ? dmy : ""));
    return o;
}

static json_t *issues_of(db *d, arena *a, int64_t id, int *open)
{
    json_t *list = json_array();
    *open = 0;
    db_stmt *s = db_prepare(d, "SELECT id, content, raised_by, answer, assignee, due_date, status, result, closed_at "
                               "FROM dialogue_issues WHERE dialogue_id = ? ORDER BY id");
    db_bind_int(s, 1, id);
    while (db_step(s) == DB_ROW) {
        bool closed = !strcmp(db_col_text(s, 6), "closed");
        cal_day due;
        char dmy[11] = "";
        if (cal_parse_date(db_col_text(s, 5), &due)) cal_format_dmy(due, dmy);
        *open += !closed;
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0),
                            "content", db_col_text(s, 1), "raised_by", db_col_text(s, 2), "answer", db_col_text(s, 3),
                            "assignee", db_col_text(s, 4), "due_text", dmy, "closed", closed, "result",
                            db_col_text(s, 7), "closed_text", closed ? vn_date(a, db_col_int(s, 8)) : ""));
    }
    db_done(s);
    return list;
}

json_t *dialogue_get(db *d, arena *a, int64_t id, int64_t now)
{
    db_stmt *s = db_prepare(d, "SELECT " DL_COLS " FROM dialogues d JOIN units u ON u.id = d.unit_id WHERE d.id = ?");
    db_bind_int(s, 1, id);
    json_t *o = NULL;
    if (db_step(s) == DB_ROW) o = dl_row_json(d, a, s, now);
    db_done(s);
    if (o) {
        int open;
        json_object_set_new(o, "issues", issues_of(d, a, id, &open));
        json_object_set_new(o, "open_issues", json_integer(open));
    }
    return o;
}

json_t *dialogue_list(db *d, arena *a, int64_t unit_id, bool public_only, int64_t now)
{
    json_t *list = json_array();
    db_stmt *s = db_prepare(d, "SELECT " DL_COLS ", (SELECT COUNT(*) FROM dialogue_issues i WHERE i.dialogue_id = d.id), "
                               "(SELECT COUNT(*) FROM dialogue_issues i WHERE i.dialogue_id = d.id AND i.status = 'open') "
                               "FROM dialogues d JOIN units u ON u.id = d.unit_id WHERE d.unit_id = ? "
                               "AND (? = 0 OR d.status IN ('announced', 'held') OR "
                               "(d.status = 'cancelled' AND d.announced_at IS NOT NULL)) "
                               "ORDER BY d.starts_at DESC, d.id DESC LIMIT 200");
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, public_only ? 1 : 0);
    while (db_step(s) == DB_ROW) {
        json_t *o = dl_row_json(d, a, s, now);
        json_object_set_new(o, "issues_total", json_integer(db_col_int(s, 22)));
        json_object_set_new(o, "issues_open", json_integer(db_col_int(s, 23)));
        json_array_append_new(list, o);
    }
    db_done(s);
    return list;
}
