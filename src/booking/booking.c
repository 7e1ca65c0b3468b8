/* booking.c -- settings, slots, bookings and the desk's queue (see booking.h). */
#include "booking.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/clock.h"
#include "../account/account.h"
#include "../audit/audit.h"
#include "../catalog/catalog.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../holiday/holiday.h"
#include "../notify/notify.h"

const booking_settings BOOKING_DEFAULTS = {
    .enabled = true,
    .slot_minutes = 30,
    .capacity = 3,
    .morning_start = 7 * 60 + 30,
    .morning_end = 11 * 60 + 30,
    .afternoon_start = 13 * 60 + 30,
    .afternoon_end = 17 * 60,
    .saturday_start = 7 * 60 + 30,
    .saturday_end = 11 * 60 + 30,
    .days_ahead = 14,
};

/* ---- small pure helpers --------------------------------------------------------------- */

static const char CODE_ALPHABET[] = TEXT_CODE_ALPHABET;
#define CODE_CHARS 6

bool booking_code_normalize(const char *in, char out[16])
{
    if (!in) return false;
    char up[16];
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p == ' ') continue;
        if (n + 1 >= sizeof up) return false;
        up[n++] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p;
    }
    up[n] = '\0';
    const char *body = up;
    if (!strncmp(up, "DL-", 3)) body = up + 3;
    else if (!strncmp(up, "DL", 2) && n == 2 + CODE_CHARS) body = up + 2;
    if (strlen(body) != CODE_CHARS) return false;
    for (const char *p = body; *p; p++)
        if (!strchr(CODE_ALPHABET, *p)) return false;
    memcpy(out, "DL-", 3);
    memcpy(out + 3, body, CODE_CHARS + 1);
    return true;
}

static void new_code(char out[16])
{
    char body[CODE_CHARS + 1];
    for (int i = 0; i < CODE_CHARS; i++) body[i] = CODE_ALPHABET[randombytes_uniform(sizeof CODE_ALPHABET - 1)];
    body[CODE_CHARS] = '\0';
    snprintf(out, 16, "DL-%s", body);
}

/* The first letter of each word: the citizen recognises the booking, nobody else learns
 * the name. */
char *booking_mask_name(arena *a, const char *name)
{
    buf b;
    buf_init(&b, a);
    buf_add(&b, "", 0);
    bool start = true;
    for (const unsigned char *p = (const unsigned char *)name; p && *p;) {
        size_t len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        if (*p == ' ') {
            start = true;
            p++;
            continue;
        }
        if (start) {
            if (b.len) buf_putc(&b, ' ');
            buf_add(&b, (const char *)p, strnlen((const char *)p, len));
            buf_putc(&b, '.');
            start = false;
        }
        p += strnlen((const char *)p, len);
    }
    return (char *)buf_cstr(&b);
}

/* Only the last two digits: with the prefix and the last three shown, four hidden digits
 * were guessed in a few thousand tries; now eight or nine are hidden (and tries are counted). */
char *booking_mask_phone(arena *a, const char *phone)
{
    size_t n = strlen(phone);
    if (n < 7) return arena_strdup(a, "***");
    return arena_printf(a, "%.*s%s", (int)(n - 2), "****************", phone + n - 2);
}

const char *booking_status_label(const char *status)
{
    if (!strcmp(status, "held")) return N_("Chờ xác nhận mã SMS");
    if (!strcmp(status, "expired")) return N_("Hết hạn giữ chỗ");
    if (!strcmp(status, "booked")) return N_("Đang chờ");
    if (!strcmp(status, "served")) return N_("Đã phục vụ");
    if (!strcmp(status, "no_show")) return N_("Không đến");
    if (!strcmp(status, "cancelled")) return N_("Đã hủy");
    return "";
}

/* ---- settings ------------------------------------------------------------------------- */

void booking_settings_get(db *d, int64_t unit_id, booking_settings *out)
{
    *out = BOOKING_DEFAULTS;
    db_stmt *s = db_prepare(d, "SELECT enabled, slot_minutes, capacity, morning_start, morning_end, afternoon_start, "
                               "afternoon_end, saturday_start, saturday_end, days_ahead FROM booking_settings "
                               "WHERE unit_id = ?");
    if (!s) return;
    db_bind_int(s, 1, unit_id);
    if (db_step(s) == DB_ROW) {
        out->enabled = db_col_int(s, 0) != 0;
        out->slot_minutes = (int)db_col_int(s, 1);
        out->capacity = (int)db_col_int(s, 2);
        out->morning_start = (int)db_col_int(s, 3);
        out->morning_end = (int)db_col_int(s, 4);
        out->afternoon_start = (int)db_col_int(s, 5);
        out->afternoon_end = (int)db_col_int(s, 6);
        out->saturday_start = (int)db_col_int(s, 7);
        out->saturday_end = (int)db_col_int(s, 8);
        out->days_ahead = (int)db_col_int(s, 9);
    }
    db_done(s);
}

static bool hours_ok(int start, int end, bool may_be_empty)
{
    return start >= 5 * 60 && end <= 21 * 60 && (start < end || (may_be_empty && start == end));
}

int booking_settings_check(const booking_settings *s, err *e)
{
    static const int lengths[] = {10, 15, 20, 30, 45, 60};
    bool length_ok = false;
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) length_ok |= s->slot_minutes == lengths[i];
    if (!length_ok) {
        err_set(e, 400, N_("Độ dài mỗi khung giờ phải là 10, 15, 20, 30, 45 hoặc 60 phút."), "slot %d", s->slot_minutes);
        err_field(e, "slot_minutes");
        return -1;
    }
    if (s->capacity < 1 || s->capacity > 50) {
        err_set(e, 400, N_("Số người mỗi khung giờ phải từ 1 đến 50."), "capacity %d", s->capacity);
        err_field(e, "capacity");
        return -1;
    }
    if (!hours_ok(s->morning_start, s->morning_end, false)) {
        err_set(e, 400, N_("Giờ buổi sáng không hợp lệ: giờ bắt đầu phải trước giờ kết thúc, trong khoảng 05:00–21:00."),
                "morning");
        err_field(e, "morning_start");
        return -1;
    }
    if (!hours_ok(s->afternoon_start, s->afternoon_end, true) ||
        (s->afternoon_end > s->afternoon_start && s->afternoon_start < s->morning_end)) {
        err_set(e, 400, N_("Giờ buổi chiều không hợp lệ: phải bắt đầu sau khi buổi sáng kết thúc và trước giờ kết thúc."),
                "afternoon");
        err_field(e, "afternoon_start");
        return -1;
    }
    if (!hours_ok(s->saturday_start, s->saturday_end, false)) {
        err_set(e, 400, N_("Giờ sáng thứ Bảy không hợp lệ: giờ bắt đầu phải trước giờ kết thúc, trong khoảng 05:00–21:00."),
                "saturday");
        err_field(e, "saturday_start");
        return -1;
    }
    if (s->days_ahead < 1 || s->days_ahead > 60) {
        err_set(e, 400, N_("Số ngày được đặt trước phải từ 1 đến 60."), "days_ahead %d", s->days_ahead);
        err_field(e, "days_ahead");
        return -1;
    }
    return 0;
}

typedef struct {
    int64_t unit_id, actor_id, now;
    const booking_settings *s;
} settings_tx;

static int settings_write(db *c, void *ctx, err *e)
{
    settings_tx *t = ctx;
    const booking_settings *s = t->s;
    db_stmt *st = db_prepare(
        c, "INSERT INTO booking_settings (unit_id, enabled, slot_minutes, capacity, morning_start, morning_end, "
           "afternoon_start, afternoon_end, saturday_start, saturday_end, days_ahead, updated_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (unit_id) DO UPDATE SET "
           "enabled = excluded.enabled, slot_minutes = excluded.slot_minutes, capacity = excluded.capacity, "
           "morning_start = excluded.morning_start, morning_end = excluded.morning_end, "
           "afternoon_start = excluded.afternoon_start, afternoon_end = excluded.afternoon_end, "
           "saturday_start = excluded.saturday_start, saturday_end = excluded.saturday_end, "
           "days_ahead = excluded.days_ahead, updated_at = excluded.updated_at");
    int vals[] = {s->enabled ? 1 : 0, s->slot_minutes, s->capacity, s->morning_start, s->morning_end,
                  s->afternoon_start, s->afternoon_end, s->saturday_start, s->saturday_end, s->days_ahead};
    int rc = DB_ERROR;
    if (st) {
        db_bind_int(st, 1, t->unit_id);
        for (int i = 0; i < 10; i++) db_bind_int(st, i + 2, vals[i]);
        db_bind_int(st, 12, t->now);
        rc = db_step(st);
        db_done(st);
    }
    json_t *detail = json_pack("{s:b, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "enabled", s->enabled,
                               "slot_minutes", s->slot_minutes, "capacity", s->capacity, "morning_start",
                               s->morning_start, "morning_end", s->morning_end, "afternoon_start", s->afternoon_start,
                               "afternoon_end", s->afternoon_end, "saturday_start", s->saturday_start,
                               "saturday_end", s->saturday_end, "days_ahead", s->days_ahead);
    if (rc != DB_DONE) json_decref(detail);
    if (rc != DB_DONE || audit_append(c, t->now, t->actor_id, t->unit_id, "booking.settings", "unit", t->unit_id, detail)) {
        err_set(e, 500, N_("Không lưu được cài đặt đặt lịch."), "save booking settings: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int booking_settings_save(db *d, int64_t unit_id, const booking_settings *s, int64_t actor_id, int64_t now, err *e)
{
    if (booking_settings_check(s, e) != 0) return -1;
    settings_tx t = {.unit_id = unit_id, .actor_id = actor_id, .now = now, .s = s};
    return db_write(d, settings_write, &t, e);
}

/* ---- slots ---------------------------------------------------------------------------- */

/* The desk's opening windows on a day: a working day of the calendar has the morning and
 * the afternoon; a Saturday that is not a working day has the Saturday morning where the unit
 * offers Saturday service and the calendar does not make it a holiday. Returns how many. */
static int day_windows(const calendar *c, cal_unit u, const booking_settings *s, cal_day day, int win[2][2])
{
    /* asked without Saturday service, so that only real working days (a make-up Saturday
     * included) get the full day, whatever the unit counts for deadlines */
    cal_unit plain = u;
    plain.saturday_service = plain.saturday_counts = false;
    if (calendar_is_working(c, &plain, day)) {
        int n = 0;
        win[n][0] = s->morning_start, win[n][1] = s->morning_end, n++;
        if (s->afternoon_end > s->afternoon_start) win[n][0] = s->afternoon_start, win[n][1] = s->afternoon_end, n++;
        return n;
    }
    if (cal_weekday(day) == 6 && u.saturday_service) {
        /* a Saturday morning counted as open: the calendar still says no on a holiday */
        cal_unit sat = u;
        sat.saturday_counts = true;
        if (calendar_is_working(c, &sat, day)) {
            win[0][0] = s->saturday_start, win[0][1] = s->saturday_end;
            return 1;
        }
    }
    return 0;
}

static int day_slots(db *d, int64_t unit_id, const booking_settings *s, cal_day day, int64_t now, booking_slot *out,
                     int max, err *e)
{
    if (!s->enabled) return 0;
    cal_day today = cal_local_day(now);
    if (day < today || day > today + s->days_ahead) return 0;
    const calendar *c = holiday_calendar(d, e);
    if (!c) return -1;
    int win[2][2];
    int nwin = day_windows(c, holiday_unit(d, unit_id), s, day, win);
    int n = 0;
    for (int w = 0; w < nwin; w++) {
        for (int m = win[w][0]; m + s->slot_minutes <= win[w][1] && n < max; m += s->slot_minutes) {
            int64_t start = cal_instant(day, m);
            if (start <= now) continue;
            out[n++] = (booking_slot){.start = start, .minutes = m, .length = s->slot_minutes,
                                      .capacity = s->capacity};
        }
    }
    if (n == 0) return 0;
    /* a hold counts until its time is up, whether or not it was swept yet */
    db_stmt *st = db_prepare(d, "SELECT slot_start, count(*) FROM bookings WHERE unit_id = ? AND day = ? "
                                "AND (status IN ('booked', 'served', 'no_show') OR (status = 'held' AND hold_until > ?)) "
                                "GROUP BY slot_start");
    if (!st) {
        err_set(e, 500, N_("Không đọc được lịch hẹn."), "prepare slot counts");
        return -1;
    }
    db_bind_int(st, 1, unit_id);
    db_bind_int(st, 2, day);
    db_bind_int(st, 3, now);
    while (db_step(st) == DB_ROW) {
        int64_t start = db_col_int(st, 0);
        for (int i = 0; i < n; i++)
            if (out[i].start == start) out[i].taken = (int)db_col_int(st, 1);
    }
    db_done(st);
    return n;
}

int booking_day_slots(db *d, int64_t unit_id, cal_day day, int64_t now, booking_slot *out, int max, err *e)
{
    booking_settings s;
    booking_settings_get(d, unit_id, &s);
    return day_slots(d, unit_id, &s, day, now, out, max, e);
}

/* ---- bookings ------------------------------------------------------------------------- */

#define BOOKING_COLUMNS                                                                             \
    "id, unit_id, procedure_id, COALESCE(dossier_id, 0), slot_start, created_at, slot_minutes, code, " \
    "status, name, phone, citizen_id, hold_until, confirm_fails, cancel_fails"

static void read_row(db_stmt *s, booking_row *out)
{
    memset(out, 0, sizeof *out);
    out->id = db_col_int(s, 0);
    out->unit_id = db_col_int(s, 1);
    out->procedure_id = db_col_int(s, 2);
    out->dossier_id = db_col_int(s, 3);
    out->slot_start = db_col_int(s, 4);
    out->created_at = db_col_int(s, 5);
    out->slot_minutes = (int)db_col_int(s, 6);
    snprintf(out->code, sizeof out->code, "%s", db_col_text(s, 7));
    snprintf(out->status, sizeof out->status, "%s", db_col_text(s, 8));
    snprintf(out->name, sizeof out->name, "%s", db_col_text(s, 9));
    snprintf(out->phone, sizeof out->phone, "%s", db_col_text(s, 10));
    snprintf(out->citizen_id, sizeof out->citizen_id, "%s", db_col_text(s, 11));
    out->hold_until = db_col_int(s, 12);
    out->confirm_fails = (int)db_col_int(s, 13);
    out->cancel_fails = (int)db_col_int(s, 14);
}

int booking_find(db *d, const char *code, booking_row *out, err *e)
{
    char norm[16];
    if (!booking_code_normalize(code, norm)) {
        err_set(e, 404, N_("Không tìm thấy lịch hẹn với mã này. Mã có dạng DL-7K3Q9P."), "bad code");
        err_field(e, "code");
        return -1;
    }
    db_stmt *s = db_prepare(d, "SELECT " BOOKING_COLUMNS " FROM bookings WHERE code = ?");
    int rc = DB_ERROR;
    if (s) {
        db_bind_text(s, 1, norm);
        rc = db_step(s);
        if (rc == DB_ROW) read_row(s, out);
        db_done(s);
    }
    if (rc != DB_ROW) {
        err_set(e, 404, N_("Không tìm thấy lịch hẹn với mã này. Mã có dạng DL-7K3Q9P."), "no booking %s", norm);
        err_field(e, "code");
        return -1;
    }
    return 0;
}

int booking_get(db *d, int64_t id, booking_row *out, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT " BOOKING_COLUMNS " FROM bookings WHERE id = ?");
    int rc = DB_ERROR;
    if (s) {
        db_bind_int(s, 1, id);
        rc = db_step(s);
        if (rc == DB_ROW) read_row(s, out);
        db_done(s);
    }
    if (rc != DB_ROW) {
        err_set(e, 404, N_("Không tìm thấy lịch hẹn."), "no booking %lld", (long long)id);
        return -1;
    }
    return 0;
}

int64_t booking_unit_of(db *d, int64_t id)
{
    db_stmt *s = db_prepare(d, "SELECT unit_id FROM bookings WHERE id = ?");
    if (!s) return -1;
    db_bind_int(s, 1, id);
    int64_t u = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return u;
}

/* The procedure must be in the unit's catalogue: its own or an ancestor's, and active. */
static bool procedure_offered(db *d, arena *a, int64_t unit_id, int64_t procedure_id)
{
    int64_t owner = catalog_unit_of(d, procedure_id);
    if (owner < 0) return false;
    unit_chain chain;
    unit_chain_of(d, unit_id, &chain);
    if (!unit_chain_has(&chain, owner)) return false;
    json_t *p = catalog_get(d, a, procedure_id);
    json_decref(p);
    return p != NULL;
}

static int check_request(db *d, arena *a, const booking_request *in, int64_t now, const booking_settings *s,
                         char **name, char phone[16], char **citizen_id, err *e)
{
    if (!s->enabled) {
        err_set(e, 400, N_("Đơn vị này chưa nhận đặt lịch trực tuyến. Vui lòng liên hệ trực tiếp Bộ phận Một cửa."),
                "booking disabled for unit %lld", (long long)in->unit_id);
        return -1;
    }
    if (!procedure_offered(d, a, in->unit_id, in->procedure_id)) {
        err_set(e, 400, N_("Hãy chọn một thủ tục trong danh mục của đơn vị."), "procedure %lld not offered",
                (long long)in->procedure_id);
        err_field(e, "procedure_id");
        return -1;
    }
    *name = text_trim(a, in->name ? in->name : "");
    size_t chars = text_char_count(*name);
    if (chars < 2 || chars > 100) {
        err_set(e, 400, N_("Hãy nhập họ và tên (từ 2 đến 100 ký tự)."), "bad name");
        err_field(e, "name");
        return -1;
    }
    for (const char *p = *name; *p; p++)
        if ((*p >= '0' && *p <= '9') || *p == '<' || *p == '>' || *p == '\n' || *p == '\t') {
            err_set(e, 400, N_("Họ và tên không được chứa chữ số hoặc ký tự đặc biệt."), "bad name char");
            err_field(e, "name");
            return -1;
        }
    if (!text_phone_vn(in->phone, phone)) {
        err_set(e, 400, N_("Số điện thoại không hợp lệ: nhập số di động 10 chữ số (ví dụ 0912 345 678) hoặc số cố định 11 chữ số."),
                "bad phone");
        err_field(e, "phone");
        return -1;
    }
    *citizen_id = text_trim(a, in->citizen_id ? in->citizen_id : "");
    size_t idlen = strlen(*citizen_id);
    bool digits = idlen == 12;
    for (size_t i = 0; digits && i < idlen; i++) digits = (*citizen_id)[i] >= '0' && (*citizen_id)[i] <= '9';
    if (idlen && !digits) {
        err_set(e, 400, N_("Số định danh cá nhân (căn cước) gồm đúng 12 chữ số; có thể để trống."), "bad citizen id");
        err_field(e, "citizen_id");
        return -1;
    }
    booking_slot slots[BOOKING_MAX_SLOTS];
    cal_day day = cal_local_day(in->slot_start);
    int n = day_slots(d, in->unit_id, s, day, now, slots, BOOKING_MAX_SLOTS, e);
    if (n < 0) return -1;
    bool found = false;
    for (int i = 0; i < n; i++) found |= slots[i].start == in->slot_start;
    if (!found) {
        err_set(e, 400, N_("Khung giờ này không nhận đặt lịch (ngoài giờ làm việc, ngày nghỉ hoặc đã qua). Hãy chọn khung giờ khác."),
                "slot %lld not offered", (long long)in->slot_start);
        err_field(e, "time");
        return -1;
    }
    return 0;
}

static int64_t count_one(db_stmt *s)
{
    int64_t n = s && db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return n;
}

/* The hex hash kept of an SMS code: the code alone is a million guesses, so it is bound to
 * the booking (its code) and checked only BOOKING_CONFIRM_MAX_FAILS times. */
static void code_hash(const char *booking_code, const char *sms_code, char out[65])
{
    unsigned char h[32];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)booking_code, strlen(booking_code));
    crypto_generichash_update(&st, (const unsigned char *)"|", 1);
    crypto_generichash_update(&st, (const unsigned char *)sms_code, strlen(sms_code));
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* Releases the holds whose time is up, inside the write running on c; how many, or -1. */
static int expire_holds(db *c, int64_t now)
{
    db_stmt *s = db_prepare(c, "UPDATE bookings SET status = 'expired', updated_at = ?1 "
                               "WHERE status = 'held' AND hold_until <= ?1");
    if (!s) return -1;
    db_bind_int(s, 1, now);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? db_changes(c) : -1;
}

typedef struct {
    int64_t now;
    int n;   /* out: the holds released */
} expire_tx;

static int expire_write(db *c, void *ctx, err *e)
{
    expire_tx *t = ctx;
    t->n = expire_holds(c, t->now);
    if (t->n >= 0) return 0;
    err_set(e, 500, N_("Không lưu được lịch hẹn."), "expire holds: %s", db_errmsg(c));
    return -1;
}

int booking_expire_holds(db *d, int64_t now)
{
    expire_tx t = {.now = now};
    err e = {0};
    return db_write(d, expire_write, &t, &e) == 0 ? t.n : -1;
}

/* A write of the booking failed on c: the database's error, as a 500. */
static int save_failed(db *c, err *e, const char *what)
{
    err_set(e, 500, N_("Không lưu được lịch hẹn."), "%s: %s", what, db_errmsg(c));
    return -1;
}

/* The SMS with the code, queued in the booking's transaction (notify.h, event
 * "booking_code"): it exists exactly when the hold does. */
static int queue_code(db *d, arena *a, const booking_request *in, const char *phone, const char *code,
                      const char *sms_code, err *e)
{
    notify_msg msg = {.unit_id = in->unit_id, .event = "booking_code", .phone = phone, .code = code,
                      .secret = sms_code,
                      .due = vn_time_date(a, in->slot_start, " ")};
    return notify_enqueue(d, &msg, e) == 1 ? 0 : -1;
}

typedef struct {
    arena *a;
    const char *code;
    int64_t now;
} resend_tx;

static int resend_write(db *c, void *ctx, err *e)
{
    resend_tx *t = ctx;
    int64_t now = t->now;
    booking_row b;
    if (booking_find(c, t->code, &b, e) != 0) return -1;
    if (strcmp(b.status, "held") || b.hold_until <= now) {
        err_set(e, 409, N_("Lịch hẹn này không chờ xác nhận."), "resend %s: status %s", b.code, b.status);
        return -1;
    }
    int64_t codes_today = notify_count_sent_to(c, "booking_code", b.phone, now - 86400);
    if (codes_today < 0 || codes_today >= BOOKING_CODES_PER_PHONE) {
        err_set(e, codes_today < 0 ? 500 : 429,
                codes_today < 0 ? N_("Không lưu được lịch hẹn.")
                                : N_("Số điện thoại này đã nhận 5 mã xác nhận trong 24 giờ qua. Vui lòng thử lại sau hoặc liên hệ trực tiếp Bộ phận Một cửa."),
                "resend %s: codes %lld", b.code, (long long)codes_today);
        return -1;
    }
    /* a new code replaces the old one; the wrong tries already made still count */
    char sms_code[8], hash[65];
    snprintf(sms_code, sizeof sms_code, "%06u", (unsigned)randombytes_uniform(1000000));
    code_hash(b.code, sms_code, hash);
    db_stmt *s = db_prepare(c, "UPDATE bookings SET confirm_hash = ?, hold_until = ?, updated_at = ? WHERE id = ?");
    int rc = DB_ERROR;
    if (s) {
        db_bind_text(s, 1, hash);
        db_bind_int(s, 2, now + BOOKING_HOLD_SECONDS);
        db_bind_int(s, 3, now);
        db_bind_int(s, 4, b.id);
        rc = db_step(s);
        db_done(s);
    }
    booking_request in = {.unit_id = b.unit_id, .slot_start = b.slot_start};
    err qe = {0};
    int ok = rc == DB_DONE && queue_code(c, t->a, &in, b.phone, b.code, sms_code, &qe) == 0 ? 0 : -1;
    sodium_memzero(sms_code, sizeof sms_code);
    return ok == 0 ? 0 : save_failed(c, e, "resend code");
}

int booking_resend_code(db *d, arena *a, const char *code, int64_t now, err *e)
{
    resend_tx t = {.a = a, .code = code, .now = now};
    if (db_write(d, resend_write, &t, e) != 0) return -1;
    notify_wake();
    return 0;
}

/* A booking's write: the places are counted and the booking inserted on the writing
 * connection, so concurrent bookings of one slot each count what the earlier ones wrote. */
typedef struct {
    arena *a;
    const booking_request *in;
    int64_t now;
    const char *name, *phone, *citizen_id;
    char sms_code[8];   /* the code the SMS carries ("" when no hold) */
    char hash[65];      /* out: what is kept of it */
    int64_t id;         /* out */
} create_tx;

static int create_write(db *c, void *ctx, err *e)
{
    create_tx *t = ctx;
    const booking_request *in = t->in;
    int64_t now = t->now;
    const char *phone = t->phone;
    booking_settings s;
    /* Holds whose time is up are released first, so their places and phones are free again. */
    booking_settings_get(c, in->unit_id, &s);   /* the capacity as it is now */
    int expired = expire_holds(c, now);
    db_stmt *st = db_prepare(c, "SELECT count(*) FROM bookings WHERE unit_id = ? AND slot_start = ? "
                                "AND status IN ('held', 'booked', 'served', 'no_show')");
    if (st) db_bind_int(st, 1, in->unit_id), db_bind_int(st, 2, in->slot_start);
    int64_t taken = count_one(st);
    st = db_prepare(c, "SELECT count(*) FROM bookings WHERE unit_id = ? AND slot_start = ? AND phone = ? "
                       "AND status IN ('held', 'booked', 'served', 'no_show')");
    if (st) db_bind_int(st, 1, in->unit_id), db_bind_int(st, 2, in->slot_start), db_bind_text(st, 3, phone);
    int64_t same_phone = count_one(st);
    st = db_prepare(c, "SELECT count(*) FROM bookings WHERE phone = ? AND unit_id = ? AND slot_start > ? "
                       "AND status IN ('held', 'booked')");
    if (st) db_bind_text(st, 1, phone), db_bind_int(st, 2, in->unit_id), db_bind_int(st, 3, now);
    int64_t upcoming = count_one(st);
    /* the codes the phone received (the SMS the unit pays for), resent ones included */
    int64_t codes_today = notify_count_sent_to(c, "booking_code", phone, now - 86400);
    if (expired < 0 || taken < 0 || same_phone < 0 || upcoming < 0 || codes_today < 0) {
        err_set(e, 500, N_("Không lưu được lịch hẹn."), "count bookings: %s", db_errmsg(c));
        return -1;
    }
    if (same_phone > 0) {
        err_set(e, 409, N_("Số điện thoại này đã có lịch hẹn trong khung giờ này."), "phone holds slot");
        err_field(e, "phone");
        return -1;
    }
    if (taken >= s.capacity) {
        err_set(e, 409, N_("Khung giờ này đã hết chỗ. Vui lòng chọn khung giờ khác."), "slot full (%lld/%d)",
                (long long)taken, s.capacity);
        err_field(e, "time");
        return -1;
    }
    if (upcoming >= BOOKING_MAX_UPCOMING_PER_PHONE) {
        err_set(e, 409, N_("Mỗi số điện thoại giữ được tối đa 3 lịch hẹn chưa đến tại một đơn vị. Hãy hủy lịch cũ trước khi đặt thêm."),
                "too many upcoming for phone");
        err_field(e, "phone");
        return -1;
    }
    if (in->hold_seconds > 0 && codes_today >= BOOKING_CODES_PER_PHONE) {
        err_set(e, 429, N_("Số điện thoại này đã nhận 5 mã xác nhận trong 24 giờ qua. Vui lòng thử lại sau hoặc liên hệ trực tiếp Bộ phận Một cửa."),
                "too many codes for phone");
        err_field(e, "phone");
        return -1;
    }
    int rc = DB_ERROR;
    char code[16];
    const char *sms_code = t->sms_code;
    /* a code already taken (one chance in millions) only costs another draw */
    for (int attempt = 0; attempt < 8; attempt++) {
        new_code(code);
        if (*sms_code) code_hash(code, sms_code, t->hash);
        st = db_prepare(c, "INSERT INTO bookings (code, unit_id, procedure_id, day, slot_start, slot_minutes, name, "
                           "phone, citizen_id, status, created_at, updated_at, hold_until, confirm_hash) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!st) break;
        db_bind_text(st, 1, code);
        db_bind_int(st, 2, in->unit_id);
        db_bind_int(st, 3, in->procedure_id);
        db_bind_int(st, 4, cal_local_day(in->slot_start));
        db_bind_int(st, 5, in->slot_start);
        db_bind_int(st, 6, s.slot_minutes);
        db_bind_text(st, 7, t->name);
        db_bind_text(st, 8, phone);
        db_bind_text(st, 9, t->citizen_id);
        db_bind_text(st, 10, *sms_code ? "held" : "booked");
        db_bind_int(st, 11, now);
        db_bind_int(st, 12, now);
        db_bind_int(st, 13, *sms_code ? now + in->hold_seconds : 0);
        db_bind_text(st, 14, t->hash);
        rc = db_step(st);
        db_done(st);
        if (rc != DB_CONSTRAINT) break;
    }
    t->id = db_last_id(c);
    err qe = {0};
    if (rc != DB_DONE || (*sms_code && queue_code(c, t->a, in, phone, code, sms_code, &qe) != 0)) {
        err_set(e, 500, N_("Không lưu được lịch hẹn."), "insert booking: %s %s", db_errmsg(c), qe.log);
        return -1;
    }
    return 0;
}

int booking_create(db *d, arena *a, const booking_request *in, int64_t now, booking_row *out, err *e)
{
    booking_settings s;
    booking_settings_get(d, in->unit_id, &s);
    char *name = NULL, *citizen_id = NULL, phone[16];
    if (check_request(d, a, in, now, &s, &name, phone, &citizen_id, e) != 0) return -1;
    create_tx t = {.a = a, .in = in, .now = now, .name = name, .phone = phone, .citizen_id = citizen_id};
    if (in->hold_seconds > 0) snprintf(t.sms_code, sizeof t.sms_code, "%06u", (unsigned)randombytes_uniform(1000000));
    int rc = db_write(d, create_write, &t, e);
    sodium_memzero(t.sms_code, sizeof t.sms_code);
    if (rc != 0) return -1;
    if (*t.hash) notify_wake();
    return out ? booking_get(d, t.id, out, e) : 0;
}

static int exec_update(db *d, const char *sql, int64_t a1, int64_t a2)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s) return -1;
    db_bind_int(s, 1, a1);
    db_bind_int(s, 2, a2);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

/* The citizen's answer to a code: some refusals are themselves saved (a wrong code counts, a
 * late answer frees the place), so the write commits and the refusal comes after it. */
typedef struct {
    const char *code, *sms_code, *phone, *ip;
    int64_t now;
    err refused;   /* out: the answer when the write was a refusal */
} answer_tx;

static int confirm_write(db *c, void *ctx, err *e)
{
    answer_tx *t = ctx;
    int64_t now = t->now;
    err *r = &t->refused;
    booking_row b;
    if (booking_find(c, t->code, &b, e) != 0) return -1;
    if (strcmp(b.status, "held") || b.hold_until <= now) {
        bool late = !strcmp(b.status, "expired") || (!strcmp(b.status, "held") && b.hold_until <= now);
        int rc = late && !strcmp(b.status, "held")
                     ? exec_update(c, "UPDATE bookings SET status = 'expired', updated_at = ?1 WHERE id = ?2", now, b.id)
                     : 0;
        if (rc != 0) return save_failed(c, e, "expire");
        if (late)
            err_set(r, 409, N_("Đã hết thời gian giữ chỗ hoặc đã nhập sai mã quá nhiều lần; chỗ đã được trả lại. Vui lòng đặt lịch lại."),
                    "confirm %s: expired", b.code);
        else
            err_set(r, 409, N_("Lịch hẹn này không chờ xác nhận."), "confirm %s: status %s", b.code, b.status);
        return 0;
    }
    char want[65], got[65];
    db_stmt *s = db_prepare(c, "SELECT confirm_hash FROM bookings WHERE id = ?");
    if (s) db_bind_int(s, 1, b.id);
    snprintf(want, sizeof want, "%s", s && db_step(s) == DB_ROW ? db_col_text(s, 0) : "");
    db_done(s);
    char digits[8];
    size_t n = 0;
    bool six = true;   /* six digits, spaces allowed between them */
    for (const char *p = t->sms_code ? t->sms_code : ""; *p && six; p++) {
        if (*p == ' ') continue;
        if (*p < '0' || *p > '9' || n >= 6) six = false;
        else digits[n++] = *p;
    }
    digits[n] = '\0';
    six = six && n == 6;
    code_hash(b.code, digits, got);
    if (six && strlen(want) == 64 && sodium_memcmp(want, got, 64) == 0) {
        int rc = exec_update(c, "UPDATE bookings SET status = 'booked', confirm_hash = '', updated_at = ?1 "
                                "WHERE id = ?2", now, b.id);
        return rc == 0 ? 0 : save_failed(c, e, "confirm");
    }
    int fails = b.confirm_fails + 1;
    bool last = fails >= BOOKING_CONFIRM_MAX_FAILS;
    int rc = exec_update(c, last ? "UPDATE bookings SET confirm_fails = confirm_fails + 1, status = 'expired', "
                                   "updated_at = ?1 WHERE id = ?2"
                                 : "UPDATE bookings SET confirm_fails = confirm_fails + 1, updated_at = ?1 WHERE id = ?2",
                         now, b.id);
    if (rc != 0) return save_failed(c, e, "count wrong code");
    if (last)
        err_set(r, 409, N_("Đã hết thời gian giữ chỗ hoặc đã nhập sai mã quá nhiều lần; chỗ đã được trả lại. Vui lòng đặt lịch lại."),
                "confirm %s: too many wrong codes", b.code);
    else
        err_set(r, 400, N_("Mã xác nhận không đúng. Hãy nhập 6 chữ số trong tin nhắn SMS."), "confirm %s: wrong code (%d)",
                b.code, fails);
    err_field(r, "sms_code");
    return 0;
}

/* Runs an answer's write; a refusal it saved is the caller's error. */
static int answer(db *d, db_write_fn fn, answer_tx *t, err *e)
{
    if (db_write(d, fn, t, e) != 0) return -1;
    if (!t->refused.status) return 0;
    if (e) *e = t->refused;
    return -1;
}

int booking_confirm(db *d, const char *code, const char *sms_code, int64_t now, err *e)
{
    answer_tx t = {.code = code, .sms_code = sms_code, .now = now};
    return answer(d, confirm_write, &t, e);
}

static int cancel_write(db *c, void *ctx, err *e)
{
    answer_tx *t = ctx;
    int64_t now = t->now;
    const char *ip = t->ip;
    booking_row b;
    if (booking_find(c, t->code, &b, e) != 0) return -1;
    if (b.cancel_fails >= BOOKING_CANCEL_MAX_FAILS) {
        err_set(e, 423, N_("Đã nhập sai số điện thoại quá nhiều lần. Lịch hẹn này chỉ có thể hủy tại Bộ phận Một cửa."),
                "cancel %s: locked", b.code);
        return -1;
    }
    char norm[16];
    /* compared in constant time: the phone is the proof; a wrong one is counted */
    if (!text_phone_vn(t->phone, norm) || strlen(norm) != strlen(b.phone) ||
        sodium_memcmp(norm, b.phone, strlen(norm)) != 0) {
        int rc = exec_update(c, "UPDATE bookings SET cancel_fails = cancel_fails + 1, updated_at = ?1 WHERE id = ?2",
                             now, b.id);
        if (rc == 0 && b.cancel_fails + 1 >= BOOKING_CANCEL_MAX_FAILS)
            rc = audit_append(c, now, 0, b.unit_id, "booking.cancel_locked", "booking", b.id,
                              json_pack("{s:s, s:s, s:i}", "code", b.code, "ip", ip ? ip : "", "wrong_phones",
                                        b.cancel_fails + 1));
        if (rc != 0) return save_failed(c, e, "count wrong phone");
        err_set(&t->refused, 403, N_("Số điện thoại không khớp với số đã dùng khi đặt lịch."), "cancel %s: wrong phone",
                b.code);
        err_field(&t->refused, "phone");
        return 0;
    }
    db_stmt *s = db_prepare(c, "UPDATE bookings SET status = 'cancelled', updated_at = ? WHERE id = ? "
                               "AND status IN ('held', 'booked') AND dossier_id IS NULL AND slot_start > ?");
    int rc = DB_ERROR;
    if (s) {
        db_bind_int(s, 1, now);
        db_bind_int(s, 2, b.id);
        db_bind_int(s, 3, now);
        rc = db_step(s);
        db_done(s);
    }
    if (rc != DB_DONE) {
        err_set(e, 500, N_("Không hủy được lịch hẹn."), "cancel: %s", db_errmsg(c));
        return -1;
    }
    if (db_changes(c) == 0) {
        err_set(e, 409, N_("Lịch hẹn này không thể hủy nữa: đã hủy, đã qua giờ hẹn hoặc đã được tiếp nhận."),
                "cancel %s: status %s", b.code, b.status);
        return -1;
    }
    rc = audit_append(c, now, 0, b.unit_id, "booking.cancel", "booking", b.id,
                      json_pack("{s:s, s:s, s:s, s:s}", "code", b.code, "by", "citizen", "from", b.status, "ip",
                                ip ? ip : ""));
    if (rc != 0) {
        err_set(e, 500, N_("Không hủy được lịch hẹn."), "cancel commit: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int booking_cancel(db *d, const char *code, const char *phone, const char *ip, int64_t now, err *e)
{
    answer_tx t = {.code = code, .phone = phone, .ip = ip, .now = now};
    return answer(d, cancel_write, &t, e);
}

typedef struct {
    int64_t unit_id, actor_id, now;
    const int64_t *ids;
    int n, done;   /* done: out, the bookings cancelled */
    const char *reason;
} cancel_many_tx;

static int cancel_many_write(db *c, void *ctx, err *e)
{
    cancel_many_tx *t = ctx;
    t->done = 0;
    for (int i = 0; i < t->n; i++) {
        booking_row b;
        err ignore = {0};
        if (booking_get(c, t->ids[i], &b, &ignore) != 0 || b.unit_id != t->unit_id || b.dossier_id ||
            (strcmp(b.status, "held") && strcmp(b.status, "booked")))
            continue;
        if (exec_update(c, "UPDATE bookings SET status = 'cancelled', updated_at = ?1 WHERE id = ?2", t->now, b.id) ||
            audit_append(c, t->now, t->actor_id, t->unit_id, "booking.cancel", "booking", b.id,
                         json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", b.code, "by", "desk", "from", b.status, "phone",
                                   b.phone, "reason", t->reason ? t->reason : ""))) {
            err_set(e, 500, N_("Không hủy được các lịch hẹn."), "cancel many: %s", db_errmsg(c));
            return -1;
        }
        t->done++;
    }
    return 0;
}

int booking_cancel_many(db *d, int64_t unit_id, const int64_t *ids, int n, const char *reason, int64_t actor_id,
                        int64_t now, err *e)
{
    cancel_many_tx t = {.unit_id = unit_id, .actor_id = actor_id, .now = now, .ids = ids, .n = n, .reason = reason};
    return db_write(d, cancel_many_write, &t, e) == 0 ? t.done : -1;
}

typedef struct {
    int64_t id, actor_id, now;
    const char *status;
} status_tx;

static int status_write(db *c, void *ctx, err *e)
{
    status_tx *t = ctx;
    booking_row b;
    if (booking_get(c, t->id, &b, e) != 0) return -1;
    bool unconfirmed = !strcmp(b.status, "held") || !strcmp(b.status, "expired");
    if (!strcmp(b.status, "cancelled") || b.dossier_id || unconfirmed) {
        err_set(e, 409,
                b.dossier_id  ? N_("Lịch hẹn đã được tiếp nhận thành hồ sơ, không đổi trạng thái được nữa.")
                : unconfirmed ? N_("Lịch hẹn chưa được người dân xác nhận bằng mã SMS.")
                              : N_("Lịch hẹn đã bị hủy."),
                "status of %s", b.code);
        return -1;
    }
    db_stmt *s = db_prepare(c, "UPDATE bookings SET status = ?, updated_at = ? WHERE id = ?");
    int rc = DB_ERROR;
    if (s) {
        db_bind_text(s, 1, t->status);
        db_bind_int(s, 2, t->now);
        db_bind_int(s, 3, t->id);
        rc = db_step(s);
        db_done(s);
    }
    if (rc != DB_DONE ||
        audit_append(c, t->now, t->actor_id, b.unit_id, "booking.status", "booking", t->id,
                     json_pack("{s:s, s:s, s:s}", "code", b.code, "from", b.status, "to", t->status))) {
        err_set(e, 500, N_("Không lưu được trạng thái lịch hẹn."), "set status: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int booking_set_status(db *d, int64_t id, const char *status, int64_t actor_id, int64_t now, err *e)
{
    if (!status || (strcmp(status, "booked") && strcmp(status, "served") && strcmp(status, "no_show"))) {
        err_set(e, 400, N_("Trạng thái không hợp lệ."), "status %s", status ? status : "(none)");
        return -1;
    }
    status_tx t = {.id = id, .actor_id = actor_id, .now = now, .status = status};
    return db_write(d, status_write, &t, e);
}

/* Inside the intake's write (dossier_create): the booking now names its dossier. */
int booking_mark_used(db *d, int64_t booking_id, int64_t unit_id, int64_t dossier_id, err *e)
{
    booking_row b;
    if (booking_get(d, booking_id, &b, e) != 0) return -1;
    if (b.unit_id != unit_id) {
        err_set(e, 403, N_("Lịch hẹn này được đặt tại đơn vị khác."), "booking %s of unit %lld, not %lld", b.code,
                (long long)b.unit_id, (long long)unit_id);
        return -1;
    }
    bool unconfirmed = !strcmp(b.status, "held") || !strcmp(b.status, "expired");
    if (b.dossier_id || !strcmp(b.status, "cancelled") || unconfirmed) {
        err_set(e, 409,
                b.dossier_id  ? N_("Lịch hẹn này đã được dùng để tiếp nhận một hồ sơ khác.")
                : unconfirmed ? N_("Lịch hẹn chưa được người dân xác nhận bằng mã SMS.")
                              : N_("Lịch hẹn này đã bị hủy."),
                "booking %s: dossier %lld, status %s", b.code, (long long)b.dossier_id, b.status);
        return -1;
    }
    db_stmt *s = db_prepare(d, "UPDATE bookings SET status = 'served', dossier_id = ?, updated_at = ? "
                               "WHERE id = ? AND dossier_id IS NULL AND status IN ('booked', 'served', 'no_show')");
    int rc = DB_ERROR;
    if (s) {
        db_bind_int(s, 1, dossier_id);
        db_bind_int(s, 2, (int64_t)clock_now());
        db_bind_int(s, 3, booking_id);
        rc = db_step(s);
        db_done(s);
    }
    if (rc != DB_DONE || db_changes(d) != 1) {
        err_set(e, 500, N_("Không cập nhật được lịch hẹn."), "mark used %s: %s", b.code, db_errmsg(d));
        return -1;
    }
    return 0;
}

/* ---- the desk's day ------------------------------------------------------------------- */

static const char *hhmm(arena *a, int minutes)
{
    return vn_hhmm(a, minutes);
}

json_t *booking_day_list(db *d, arena *a, int64_t unit_id, cal_day day)
{
    json_t *slots = json_array(), *names = json_object();
    json_t *slot = NULL;
    int64_t slot_start = -1;
    db_stmt *s = db_prepare(d, "SELECT " BOOKING_COLUMNS " FROM bookings WHERE unit_id = ? AND day = ? "
                               "ORDER BY slot_start, id");
    if (!s) return slots;
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, day);
    while (db_step(s) == DB_ROW) {
        booking_row b;
        read_row(s, &b);
        if (b.slot_start != slot_start) {
            slot_start = b.slot_start;
            int m = cal_local_minutes(b.slot_start);
            slot = json_pack("{s:s, s:s, s:I, s:o}", "time", hhmm(a, m), "until", hhmm(a, m + b.slot_minutes),
                             "start", (json_int_t)b.slot_start, "bookings", json_array());
            json_array_append_new(slots, slot);
        }
        /* the procedure's name, read once per procedure through the catalogue's face */
        const char *key = arena_printf(a, "%lld", (long long)b.procedure_id);
        json_t *pname = json_object_get(names, key);
        if (!pname) {
            json_t *p = catalog_get(d, a, b.procedure_id);
            const char *pn = p ? json_string_value(json_object_get(p, "name")) : NULL;
            pname = json_string(pn ? pn : "");
            json_decref(p);
            json_object_set_new(names, key, pname);
        }
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:O, s:I, s:s, s:s}", "id", (json_int_t)b.id, "code", b.code,
                              "name", b.name, "phone", b.phone, "citizen_id", b.citizen_id, "procedure_name", pname,
                              "procedure_id", (json_int_t)b.procedure_id, "status", b.status, "status_label",
                              booking_status_label(b.status));
        json_object_set_new(o, "waiting", json_boolean(!strcmp(b.status, "booked")));
        json_object_set_new(o, "served", json_boolean(!strcmp(b.status, "served")));
        json_object_set_new(o, "no_show", json_boolean(!strcmp(b.status, "no_show")));
        json_object_set_new(o, "cancelled", json_boolean(!strcmp(b.status, "cancelled")));
        /* no desk action on a hold, an expired hold or a cancelled booking */
        json_object_set_new(o, "inactive", json_boolean(!strcmp(b.status, "cancelled") || !strcmp(b.status, "held") ||
                                                        !strcmp(b.status, "expired")));
        json_object_set_new(o, "held", json_boolean(!strcmp(b.status, "held")));
        json_object_set_new(o, "expired", json_boolean(!strcmp(b.status, "expired")));
        json_object_set_new(o, "created_at", json_integer(b.created_at));
        json_object_set_new(o, "dossier_id", json_integer(b.dossier_id));
        json_object_set_new(o, "has_dossier", json_boolean(b.dossier_id != 0));
        json_array_append_new(json_object_get(slot, "bookings"), o);
    }
    db_done(s);
    json_decref(names);
    return slots;
}
