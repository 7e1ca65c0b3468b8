/* test_booking.c -- cmocka tests of booking (src/booking) against a real SQLite file with the
 * demo data: settings, which days and slots open (Saturday service), the checks of a
 * booking, capacity and the phone rules, cancelling, the desk's queue with its audit, the
 * hand-over to intake, and -- the test -- concurrent bookings never exceeding a
 * slot's capacity, with 16 threads each on its own pooled connection.
 *
 * Time is passed in (`now`), so the tests do not depend on today's date. They use the week
 * of Monday 9 March 2026, which has no holiday in any calendar, so they hold with the real
 * holiday calendar as with the temporary no-holiday one of this branch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "testdir.h"

#include "../../src/core/text.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/account/account.h"
#include "../../src/booking/booking.h"
#include "../../src/catalog/catalog.h"
#include "../../src/core/arena.h"
#include "../../src/core/calendar.h"
#include "../../src/demo/demo.h"
#include "../../src/store/db.h"

typedef struct {
    char dir[64];
    char path[192];
    db *d;
    arena *a;
    int64_t phuong, xa;          /* 05443 (Saturday service), 05602 (none) */
    int64_t khai_sinh;           /* a procedure of their catalogue */
} fixture;

static fixture fx_storage;

/* Monday 9 March 2026, 06:00 in Vietnam */
#define MON cal_from_ymd(2026, 3, 9)
static int64_t at(cal_day day, int h, int m) { return cal_instant(day, h * 60 + m); }
#define NOW at(MON, 6, 0)

static int group_setup(void **state)
{
    fixture *fx = &fx_storage;
    memset(fx, 0, sizeof *fx);
    memcpy(fx->dir, "/tmp/thanthien-booking-XXXXXX", sizeof "/tmp/thanthien-booking-XXXXXX");
    if (!mkdtemp(fx->dir)) return -1;
    snprintf(fx->path, sizeof fx->path, "%.63s/main.db", fx->dir);
    err e = {0};
    fx->d = db_open(fx->path, &e);
    if (!fx->d || db_migrate(fx->d, &e) != 0 || demo_create(fx->d, &e) != 0) {
        fprintf(stderr, "setup: %s / %s\n", e.user, e.log);
        return -1;
    }
    fx->phuong = account_unit_id(fx->d, "05443");
    fx->xa = account_unit_id(fx->d, "05602");
    db_stmt *s = db_prepare(fx->d, "SELECT id FROM procedures WHERE code = '1.001193'");
    fx->khai_sinh = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    if (fx->phuong <= 0 || fx->xa <= 0 || fx->khai_sinh <= 0) return -1;
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *fx = *state;
    db_close(fx->d);
    testdir_remove(fx->dir);
    return 0;
}

static int test_setup(void **state)
{
    fixture *fx = *state;
    fx->a = arena_new();
    return 0;
}

static int test_teardown(void **state)
{
    fixture *fx = *state;
    db_rollback(fx->d);
    arena_free(fx->a);
    fx->a = NULL;
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static int64_t q_int(db *d, const char *sql, int64_t param)
{
    db_stmt *s = db_prepare(d, sql);
    assert_non_null(s);
    db_bind_int(s, 1, param);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static int64_t bookings_at(db *d, int64_t slot_start)
{
    return q_int(d, "SELECT count(*) FROM bookings WHERE slot_start = ? AND status <> 'cancelled'", slot_start);
}

static int64_t q_count(db *d, const char *sql)
{
    db_stmt *s = db_prepare(d, sql);
    assert_non_null(s);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static int64_t all_bookings(db *d) { return q_count(d, "SELECT count(*) FROM bookings"); }

static void assert_settings_equal(const booking_settings *a, const booking_settings *b)
{
    assert_int_equal(a->enabled, b->enabled);
    assert_int_equal(a->slot_minutes, b->slot_minutes);
    assert_int_equal(a->capacity, b->capacity);
    assert_int_equal(a->morning_start, b->morning_start);
    assert_int_equal(a->morning_end, b->morning_end);
    assert_int_equal(a->afternoon_start, b->afternoon_start);
    assert_int_equal(a->afternoon_end, b->afternoon_end);
    assert_int_equal(a->saturday_start, b->saturday_start);
    assert_int_equal(a->saturday_end, b->saturday_end);
    assert_int_equal(a->days_ahead, b->days_ahead);
}

static int book(fixture *fx, int64_t unit, int64_t slot, const char *name, const char *phone, const char *cid,
                int64_t now, booking_row *out, err *e)
{
    booking_request in = {.unit_id = unit, .procedure_id = fx->khai_sinh, .slot_start = slot, .name = name,
                          .phone = phone, .citizen_id = cid};
    booking_row tmp;
    return booking_create(fx->d, fx->a, &in, now, out ? out : &tmp, e);
}

/* ---- pure helpers ------------------------------------------------------------------------- */

static void test_phone_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } good[] = {
        {"0912345678", "0912345678"},   {"0912 345 678", "0912345678"}, {"0912.345.678", "0912345678"},
        {"+84 912 345 678", "0912345678"}, {"84912345678", "0912345678"}, {"0356-789-012", "0356789012"},
        {"02083 123 456", "02083123456"}, {"+842083123456", "02083123456"}, {" 0868123456", "0868123456"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char out[16];
        if (!text_phone_vn(good[i].in, out)) fail_msg("refused good number %s", good[i].in);
        assert_string_equal(out, good[i].out);
    }
    static const char *const bad[] = {"",           "091234567",     "09123456789", "0112345678", "0412345678",
                                      "912345678",  "+1 912 345 678", "0912a45678", "+0912345678", "0912345678x",
                                      "0212345678", "841234567890"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[16];
        if (text_phone_vn(bad[i], out)) fail_msg("accepted bad number '%s' as %s", bad[i], out);
    }
    char out[16];
    assert_false(text_phone_vn(NULL, out));
}

static void test_codes_and_masks(void **state)
{
    fixture *fx = *state;
    char out[16];
    assert_true(booking_code_normalize("DL-7K3Q9P", out));
    assert_string_equal(out, "DL-7K3Q9P");
    assert_true(booking_code_normalize("dl-7k3q9p", out));
    assert_string_equal(out, "DL-7K3Q9P");
    assert_true(booking_code_normalize("7K3Q9P", out));
    assert_string_equal(out, "DL-7K3Q9P");
    assert_true(booking_code_normalize("dl 7k3 q9p", out));
    assert_string_equal(out, "DL-7K3Q9P");
    /* 0, 1, I, L and O are never in a code: a code with one was mistyped */
    assert_false(booking_code_normalize("DL-7K3Q9O", out));
    assert_false(booking_code_normalize("DL-1K3Q9P", out));
    assert_false(booking_code_normalize("DL-7K3Q9", out));
    assert_false(booking_code_normalize("DL-7K3Q9PP", out));
    assert_false(booking_code_normalize("", out));
    assert_string_equal(booking_mask_name(fx->a, "Nguyễn Văn An"), "N. V. A.");
    assert_string_equal(booking_mask_name(fx->a, "  Đặng   thị Ánh "), "Đ. t. Á.");
    /* two digits shown: with five shown, the four hidden ones were guessed in a few thousand tries */
    assert_string_equal(booking_mask_phone(fx->a, "0912345678"), "********78");
    assert_string_equal(booking_mask_phone(fx->a, "02083123456"), "*********56");
}

/* ---- settings ----------------------------------------------------------------------------- */

static void test_settings_defaults_save_and_refuse(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    booking_settings s;
    booking_settings_get(d, fx->xa, &s);
    assert_settings_equal(&s, &BOOKING_DEFAULTS);
    assert_int_equal(s.slot_minutes, 30);
    assert_int_equal(s.capacity, 3);
    assert_int_equal(s.morning_start, 450);
    assert_int_equal(s.afternoon_end, 1020);
    assert_int_equal(s.days_ahead, 14);
    int64_t audits = q_count(d, "SELECT count(*) FROM audit_log WHERE action = 'booking.settings'");

    /* refused values: a message for the field at fault, nothing saved */
    static const struct {
        int what, value;
        const char *field;
    } bad[] = {{0, 25, "slot_minutes"}, {1, 0, "capacity"}, {1, 51, "capacity"}, {2, 690, "morning_start"},
               {3, 600, "afternoon_start"}, {4, 61, "days_ahead"}, {5, 700, "saturday_start"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        booking_settings b = BOOKING_DEFAULTS;
        if (bad[i].what == 0) b.slot_minutes = bad[i].value;
        if (bad[i].what == 1) b.capacity = bad[i].value;
        if (bad[i].what == 2) b.morning_start = bad[i].value;   /* = morning_end */
        if (bad[i].what == 3) b.afternoon_start = bad[i].value; /* inside the morning */
        if (bad[i].what == 4) b.days_ahead = bad[i].value;
        if (bad[i].what == 5) b.saturday_start = bad[i].value;  /* after saturday_end */
        err e = {0};
        assert_int_equal(booking_settings_save(d, fx->xa, &b, 1, NOW, &e), -1);
        assert_int_equal(e.status, 400);
        assert_string_equal(e.field, bad[i].field);
        assert_true(strlen(e.user) > 10);
    }
    assert_int_equal(q_int(d, "SELECT count(*) FROM booking_settings WHERE unit_id = ?", fx->xa), 0);

    /* a good change is read back and audited */
    booking_settings b = BOOKING_DEFAULTS;
    b.slot_minutes = 60;
    b.capacity = 2;
    b.afternoon_start = b.afternoon_end = 17 * 60;   /* mornings only */
    b.days_ahead = 7;
    err e = {0};
    assert_int_equal(booking_settings_save(d, fx->xa, &b, 1, NOW, &e), 0);
    booking_settings back;
    booking_settings_get(d, fx->xa, &back);
    assert_settings_equal(&back, &b);
    assert_int_equal(q_count(d, "SELECT count(*) FROM audit_log WHERE action = 'booking.settings'"),
                     audits + 1);
    booking_slot slots[BOOKING_MAX_SLOTS];
    int n = booking_day_slots(d, fx->xa, MON + 1, NOW, slots, BOOKING_MAX_SLOTS, &e);
    assert_int_equal(n, 4);   /* 07:30, 08:30, 09:30, 10:30 -- 11:30 would end past the morning */
    assert_int_equal(slots[0].minutes, 450);
    assert_int_equal(slots[3].minutes, 630);
    assert_int_equal(slots[0].capacity, 2);
    assert_int_equal(slots[0].length, 60);
    /* seven days ahead, no more */
    assert_true(booking_day_slots(d, fx->xa, MON + 7, NOW, slots, BOOKING_MAX_SLOTS, &e) > 0);
    assert_int_equal(booking_day_slots(d, fx->xa, MON + 8, NOW, slots, BOOKING_MAX_SLOTS, &e), 0);
    /* switched off: no slot at all, and back to the defaults for the other tests */
    b.enabled = false;
    assert_int_equal(booking_settings_save(d, fx->xa, &b, 1, NOW, &e), 0);
    assert_int_equal(booking_day_slots(d, fx->xa, MON + 1, NOW, slots, BOOKING_MAX_SLOTS, &e), 0);
    err e2 = {0};
    assert_int_equal(book(fx, fx->xa, at(MON + 1, 7, 30), "Lê Văn Bình", "0912000001", NULL, NOW, NULL, &e2), -1);
    assert_int_equal(e2.status, 400);
    assert_int_equal(booking_settings_save(d, fx->xa, &BOOKING_DEFAULTS, 1, NOW, &e), 0);
}

/* ---- which days and slots open ------------------------------------------------------------ */

/* The one test that speaks of the calendar, through booking_day_slots: a unit with Saturday
 * service has Saturday-morning slots, a unit without has none, and Sunday never has any. */
static void test_saturday_service_and_sunday(void **state)
{
    fixture *fx = *state;
    booking_slot slots[BOOKING_MAX_SLOTS];
    err e = {0};
    cal_day sat = MON + 5, sun = MON + 6;
    assert_int_equal(cal_weekday(sat), 6);
    int n = booking_day_slots(fx->d, fx->phuong, sat, NOW, slots, BOOKING_MAX_SLOTS, &e);
    assert_int_equal(n, 8);   /* 07:30 to 11:00, mornings only */
    assert_int_equal(slots[0].minutes, 450);
    assert_int_equal(slots[7].minutes, 660);
    assert_int_equal(slots[0].start, at(sat, 7, 30));
    assert_int_equal(booking_day_slots(fx->d, fx->xa, sat, NOW, slots, BOOKING_MAX_SLOTS, &e), 0);
    assert_int_equal(booking_day_slots(fx->d, fx->phuong, sun, NOW, slots, BOOKING_MAX_SLOTS, &e), 0);
    assert_int_equal(booking_day_slots(fx->d, fx->xa, sun, NOW, slots, BOOKING_MAX_SLOTS, &e), 0);
    /* and a Saturday morning can really be booked there, not at the other commune */
    booking_row b;
    assert_int_equal(book(fx, fx->phuong, at(sat, 8, 0), "Phạm Thị Sáu", "0983000006", NULL, NOW, &b, &e), 0);
    err e2 = {0};
    assert_int_equal(book(fx, fx->xa, at(sat, 8, 0), "Phạm Thị Sáu", "0983000007", NULL, NOW, NULL, &e2), -1);
    assert_int_equal(e2.status, 400);
    assert_string_equal(e2.field, "time");
}

static void test_weekday_slots_and_time_window(void **state)
{
    fixture *fx = *state;
    booking_slot slots[BOOKING_MAX_SLOTS];
    err e = {0};
    cal_day tue = MON + 1;
    int n = booking_day_slots(fx->d, fx->phuong, tue, NOW, slots, BOOKING_MAX_SLOTS, &e);
    assert_int_equal(n, 15);   /* 8 in the morning (07:30-11:30), 7 in the afternoon (13:30-17:00) */
    assert_int_equal(slots[7].minutes, 11 * 60);
    assert_int_equal(slots[8].minutes, 13 * 60 + 30);
    assert_int_equal(slots[14].minutes, 16 * 60 + 30);
    for (int i = 1; i < n; i++) assert_true(slots[i].start > slots[i - 1].start);
    /* today: slots that have begun are gone */
    n = booking_day_slots(fx->d, fx->phuong, tue, at(tue, 9, 10), slots, BOOKING_MAX_SLOTS, &e);
    assert_int_equal(n, 11);   /* 09:30 to 11:00, and the afternoon */
    assert_int_equal(slots[0].minutes, 9 * 60 + 30);
    /* yesterday and past the fourteen days: nothing */
    assert_int_equal(booking_day_slots(fx->d, fx->phuong, MON - 1, NOW, slots, BOOKING_MAX_SLOTS, &e), 0);
    assert_true(booking_day_slots(fx->d, fx->phuong, MON + 14, NOW, slots, BOOKING_MAX_SLOTS, &e) > 0);
    assert_int_equal(booking_day_slots(fx->d, fx->phuong, MON + 15, NOW, slots, BOOKING_MAX_SLOTS, &e), 0);
}

/* ---- a booking's checks ------------------------------------------------------------------- */

static void test_create_refuses_bad_input(void **state)
{
    fixture *fx = *state;
    int64_t before = all_bookings(fx->d);
    int64_t slot = at(MON + 1, 14, 0);
    static const struct {
        const char *name, *phone, *cid, *field;
    } cases[] = {
        {"", "0912345678", NULL, "name"},
        {"A", "0912345678", NULL, "name"},
        {"Nguyễn Văn 3", "0912345678", NULL, "name"},
        {"Nguyễn Văn An", "12345", NULL, "phone"},
        {"Nguyễn Văn An", "0112345678", NULL, "phone"},
        {"Nguyễn Văn An", NULL, NULL, "phone"},
        {"Nguyễn Văn An", "0912345678", "01234567890", "citizen_id"},
        {"Nguyễn Văn An", "0912345678", "01234567890a", "citizen_id"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err e = {0};
        assert_int_equal(book(fx, fx->phuong, slot, cases[i].name, cases[i].phone, cases[i].cid, NOW, NULL, &e), -1);
        assert_int_equal(e.status, 400);
        if (strcmp(e.field, cases[i].field)) fail_msg("case %zu: field %s, expected %s", i, e.field, cases[i].field);
    }
    /* slots that do not exist: not aligned, lunch time, Sunday, before now */
    int64_t bad_slots[] = {at(MON + 1, 7, 45), at(MON + 1, 12, 0), at(MON + 6, 8, 0), at(MON, 5, 30),
                           at(MON + 1, 17, 0)};
    for (size_t i = 0; i < sizeof bad_slots / sizeof bad_slots[0]; i++) {
        err e = {0};
        assert_int_equal(book(fx, fx->phuong, bad_slots[i], "Nguyễn Văn An", "0912345678", NULL, NOW, NULL, &e), -1);
        assert_int_equal(e.status, 400);
        assert_string_equal(e.field, "time");
    }
    /* a procedure outside the unit's catalogue: another commune's own, or none */
    procedure p = {.unit_id = fx->xa, .code = "9.000001", .name = "Thủ tục riêng của xã Phú Đình", .field = "",
                   .time_text = "", .fee_text = "", .papers = "", .submit_where = "", .online_level = "",
                   .legal_basis = "", .result = "", .days = 1, .fee = 0};
    int64_t own = 0;
    err e = {0};
    assert_int_equal(catalog_save(fx->d, fx->a, 0, &p, 1, &own, &e), 0);
    booking_request in = {.unit_id = fx->phuong, .procedure_id = own, .slot_start = slot, .name = "Nguyễn Văn An",
                          .phone = "0912345678"};
    booking_row b;
    assert_int_equal(booking_create(fx->d, fx->a, &in, NOW, &b, &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "procedure_id");
    in.procedure_id = 999999;
    memset(&e, 0, sizeof e);
    assert_int_equal(booking_create(fx->d, fx->a, &in, NOW, &b, &e), -1);
    assert_string_equal(e.field, "procedure_id");
    /* ... but the commune's own procedure is bookable at that commune */
    in.unit_id = fx->xa;
    in.procedure_id = own;
    assert_int_equal(booking_create(fx->d, fx->a, &in, NOW, &b, &e), 0);
    assert_int_equal(b.procedure_id, own);
    assert_int_equal(all_bookings(fx->d), before + 1);
}

static void test_create_saves_what_was_asked(void **state)
{
    fixture *fx = *state;
    booking_row b, f;
    err e = {0};
    int64_t slot = at(MON + 1, 15, 0);
    assert_int_equal(book(fx, fx->phuong, slot, "  Trần Thị Hoa ", "+84 983 111 222", "001234567890", NOW, &b, &e), 0);
    assert_true(b.id > 0);
    assert_int_equal(b.unit_id, fx->phuong);
    assert_int_equal(b.procedure_id, fx->khai_sinh);
    assert_int_equal(b.slot_start, slot);
    assert_int_equal(b.slot_minutes, 30);
    assert_int_equal(b.created_at, NOW);
    assert_int_equal(b.dossier_id, 0);
    assert_string_equal(b.name, "Trần Thị Hoa");
    assert_string_equal(b.phone, "0983111222");
    assert_string_equal(b.citizen_id, "001234567890");
    assert_string_equal(b.status, "booked");
    char norm[16];
    assert_true(booking_code_normalize(b.code, norm));
    assert_string_equal(norm, b.code);
    /* found again by its code as a citizen would type it */
    char typed[16] = {0};
    memcpy(typed, b.code + 3, 6);
    for (char *p = typed; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    assert_int_equal(booking_find(fx->d, typed, &f, &e), 0);
    assert_int_equal(f.id, b.id);
    assert_string_equal(f.name, "Trần Thị Hoa");
    assert_int_equal(q_int(fx->d, "SELECT day FROM bookings WHERE id = ?", b.id), MON + 1);
    err e2 = {0};
    assert_int_equal(booking_find(fx->d, "DL-ZZZZZZ", &f, &e2), -1);
    assert_int_equal(e2.status, 404);
}

/* ---- capacity, phones, cancelling ---------------------------------------------------------- */

static void test_capacity_phone_and_cancel(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    int64_t slot = at(MON + 2, 7, 30);   /* Wednesday */
    booking_row b[3];
    const char *phones[] = {"0912000101", "0912000102", "0912000103"};
    for (int i = 0; i < 3; i++) {
        err e = {0};
        assert_int_equal(book(fx, fx->phuong, slot, "Người Đặt Lịch", phones[i], NULL, NOW, &b[i], &e), 0);
    }
    assert_int_equal(bookings_at(d, slot), 3);
    booking_slot slots[BOOKING_MAX_SLOTS];
    err e = {0};
    int n = booking_day_slots(d, fx->phuong, MON + 2, NOW, slots, BOOKING_MAX_SLOTS, &e);
    assert_true(n > 1);
    assert_int_equal(slots[0].start, slot);
    assert_int_equal(slots[0].taken, 3);
    assert_int_equal(slots[1].taken, 0);
    /* the fourth: full, nothing saved */
    memset(&e, 0, sizeof e);
    assert_int_equal(book(fx, fx->phuong, slot, "Người Thứ Tư", "0912000104", NULL, NOW, NULL, &e), -1);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.user, "Khung giờ này đã hết chỗ. Vui lòng chọn khung giờ khác.");
    assert_int_equal(bookings_at(d, slot), 3);
    /* the same phone, written differently, cannot take a second place of one slot */
    int64_t next = at(MON + 2, 8, 0);
    memset(&e, 0, sizeof e);
    assert_int_equal(book(fx, fx->phuong, next, "Người Đặt Lịch", "0912000105", NULL, NOW, NULL, &e), 0);
    assert_int_equal(book(fx, fx->phuong, next, "Người Đặt Lịch", "+84 912 000 105", NULL, NOW, NULL, &e), -1);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.field, "phone");
    assert_int_equal(bookings_at(d, next), 1);

    /* cancelling: the wrong phone is refused, the right one frees the place */
    memset(&e, 0, sizeof e);
    assert_int_equal(booking_cancel(d, b[1].code, "0912000109", "127.0.0.1", NOW, &e), -1);
    assert_int_equal(e.status, 403);
    assert_int_equal(bookings_at(d, slot), 3);
    memset(&e, 0, sizeof e);
    assert_int_equal(booking_cancel(d, b[1].code, "0912 000 102", "127.0.0.1", NOW, &e), 0);
    assert_int_equal(bookings_at(d, slot), 2);
    booking_row c;
    assert_int_equal(booking_get(d, b[1].id, &c, &e), 0);
    assert_string_equal(c.status, "cancelled");
    memset(&e, 0, sizeof e);
    assert_int_equal(booking_cancel(d, b[1].code, "0912000102", "127.0.0.1", NOW, &e), -1);   /* twice */
    assert_int_equal(e.status, 409);
    /* after the slot began it cannot be cancelled any more */
    memset(&e, 0, sizeof e);
    assert_int_equal(booking_cancel(d, b[0].code, "0912000101", "127.0.0.1", slot + 60, &e), -1);
    assert_int_equal(e.status, 409);
    /* the freed place is taken by the next citizen, and the phone that cancelled may book again */
    memset(&e, 0, sizeof e);
    assert_int_equal(book(fx, fx->phuong, slot, "Người Thứ Tư", "0912000104", NULL, NOW, NULL, &e), 0);
    assert_int_equal(book(fx, fx->phuong, slot, "Người Đặt Lịch", "0912000102", NULL, NOW, NULL, &e), -1);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.field, "time");   /* full again */
    assert_int_equal(bookings_at(d, slot), 3);
}


/* ---- holds, SMS codes and guessing (the flood of the issue) ------------------------------- */

/* The code of the last SMS queued for a booking code (the outbox row's text). */
static void sms_code_of(fixture *fx, const char *code, char out[8])
{
    db_stmt *s = db_prepare(fx->d, "SELECT body FROM outbox WHERE event = 'booking_code' AND instr(body, ?) > 0 "
                                   "ORDER BY id DESC LIMIT 1");
    db_bind_text(s, 1, code);
    assert_int_equal(db_step(s), DB_ROW);
    const char *p = strstr(db_col_text(s, 0), code) + strlen(code);
    while (*p && (*p < '0' || *p > '9')) p++;
    assert_int_equal(strspn(p, "0123456789"), 6);
    snprintf(out, 8, "%.6s", p);
    db_done(s);
}

static int hold(fixture *fx, int64_t slot, const char *phone, booking_row *out, err *e)
{
    booking_request in = {.unit_id = fx->xa, .procedure_id = fx->khai_sinh, .slot_start = slot,
                          .name = "Phạm Thị Giữ Chỗ", .phone = phone, .hold_seconds = BOOKING_HOLD_SECONDS};
    return booking_create(fx->d, fx->a, &in, NOW, out, e);
}

static void test_hold_confirmed_by_sms_code(void **state)
{
    fixture *fx = *state;
    int64_t slot = at(MON + 8, 15, 0);
    booking_row b, c;
    err e = {0};
    assert_int_equal(hold(fx, slot, "0977000001", &b, &e), 0);
    assert_string_equal(b.status, "held");
    assert_int_equal(b.hold_until, NOW + BOOKING_HOLD_SECONDS);
    assert_int_equal(bookings_at(fx->d, slot), 1);
    char sms[8], wrong[8];
    sms_code_of(fx, b.code, sms);
    snprintf(wrong, sizeof wrong, "%06d", (atoi(sms) + 1) % 1000000);
    assert_int_equal(booking_confirm(fx->d, b.code, wrong, NOW + 10, &e), -1);
    assert_int_equal(e.status, 400);
    assert_int_equal(booking_confirm(fx->d, b.code, "12a456", NOW + 10, &e), -1);
    assert_int_equal(booking_confirm(fx->d, b.code, "", NOW + 10, &e), -1);
    /* spaces between the digits are fine: "123 456" as the phone shows it */
    char spaced[16];
    snprintf(spaced, sizeof spaced, "%.3s %.3s", sms, sms + 3);
    memset(&e, 0, sizeof e);
    assert_int_equal(booking_confirm(fx->d, b.code, spaced, NOW + 20, &e), 0);
    assert_int_equal(booking_get(fx->d, b.id, &c, &e), 0);
    assert_string_equal(c.status, "booked");
    assert_int_equal(c.confirm_fails, 3);
    assert_int_equal(booking_confirm(fx->d, b.code, sms, NOW + 30, &e), -1);
    assert_int_equal(e.status, 409);
    /* a hold cannot be served or turned into a dossier before it is confirmed */
    booking_row h;
    assert_int_equal(hold(fx, slot, "0977000002", &h, &e), 0);
    err e2 = {0};
    assert_int_equal(booking_set_status(fx->d, h.id, "served", 1, NOW, &e2), -1);
    assert_int_equal(e2.status, 409);
}

static void test_holds_expire_and_wrong_codes_release(void **state)
{
    fixture *fx = *state;
    int64_t slot = at(MON + 9, 15, 30);
    booking_row a, b, c;
    err e = {0};
    assert_int_equal(hold(fx, slot, "0977000011", &a, &e), 0);
    assert_int_equal(hold(fx, slot, "0977000012", &b, &e), 0);
    /* not confirmed in time: expired by the sweep, the place is free */
    assert_int_equal(booking_expire_holds(fx->d, NOW + BOOKING_HOLD_SECONDS - 1), 0);
    assert_true(booking_expire_holds(fx->d, NOW + BOOKING_HOLD_SECONDS) >= 2);   /* with the last test's */
    assert_int_equal(booking_get(fx->d, a.id, &c, &e), 0);
    assert_string_equal(c.status, "expired");
    assert_int_equal(bookings_at(fx->d, slot), 2);   /* counted as rows, not as places: */
    assert_int_equal(q_int(fx->d, "SELECT count(*) FROM bookings WHERE slot_start = ? AND status = 'held'", slot), 0);
    char sms[8];
    sms_code_of(fx, a.code, sms);
    assert_int_equal(booking_confirm(fx->d, a.code, sms, NOW + 400, &e), -1);
    assert_int_equal(e.status, 409);
    /* the same phone may hold the slot again; five wrong codes release it */
    booking_row d2;
    assert_int_equal(hold(fx, slot, "0977000011", &d2, &e), 0);
    for (int i = 0; i < BOOKING_CONFIRM_MAX_FAILS; i++) {
        err w = {0};
        assert_int_equal(booking_confirm(fx->d, d2.code, "000000", NOW + 1, &w), -1);
        assert_int_equal(w.status, i + 1 < BOOKING_CONFIRM_MAX_FAILS ? 400 : 409);
    }
    assert_int_equal(booking_get(fx->d, d2.id, &c, &e), 0);
    assert_string_equal(c.status, "expired");
}

static void test_codes_per_phone_and_cancel_lock(void **state)
{
    fixture *fx = *state;
    err e = {0};
    booking_row b;
    /* five codes a day to one phone, whatever became of the holds */
    for (int i = 0; i < BOOKING_CODES_PER_PHONE; i++) {
        assert_int_equal(hold(fx, at(MON + 10, 8, 30 * i), "0977000021", &b, &e), 0);
        assert_int_equal(booking_cancel(fx->d, b.code, "0977000021", "10.0.0.1", NOW, &e), 0);
    }
    assert_int_equal(hold(fx, at(MON + 10, 14, 0), "0977000021", &b, &e), -1);
    assert_int_equal(e.status, 429);
    /* wrong phones are counted per booking; after five only the desk can cancel */
    memset(&e, 0, sizeof e);
    assert_int_equal(hold(fx, at(MON + 10, 14, 0), "0977000022", &b, &e), 0);
    int64_t audits = q_count(fx->d, "SELECT count(*) FROM audit_log WHERE action = 'booking.cancel_locked'");
    for (int i = 0; i < BOOKING_CANCEL_MAX_FAILS; i++) {
        err w = {0};
        assert_int_equal(booking_cancel(fx->d, b.code, "0977999999", "10.0.0.2", NOW, &w), -1);
        assert_int_equal(w.status, 403);
    }
    assert_int_equal(booking_cancel(fx->d, b.code, "0977000022", "10.0.0.2", NOW, &e), -1);
    assert_int_equal(e.status, 423);
    assert_int_equal(q_count(fx->d, "SELECT count(*) FROM audit_log WHERE action = 'booking.cancel_locked'"), audits + 1);
    /* the desk cancels it, audited with its reason */
    int64_t ids[] = {b.id, 987654};
    assert_int_equal(booking_cancel_many(fx->d, fx->xa, ids, 2, "Đặt tràn lan", 1, NOW, &e), 1);
    assert_int_equal(booking_cancel_many(fx->d, fx->phuong, ids, 1, "Không phải đơn vị mình", 1, NOW, &e), 0);
    booking_row c;
    assert_int_equal(booking_get(fx->d, b.id, &c, &e), 0);
    assert_string_equal(c.status, "cancelled");
    assert_int_equal(q_int(fx->d, "SELECT count(*) FROM audit_log WHERE action = 'booking.cancel' AND entity_id = ? "
                                  "AND json_extract(detail, '$.by') = 'desk'", b.id), 1);
}


static void test_resent_code_replaces_the_old_one(void **state)
{
    fixture *fx = *state;
    booking_row b, c;
    err e = {0};
    assert_int_equal(hold(fx, at(MON + 11, 9, 0), "0977000031", &b, &e), 0);
    char first[8], second[8];
    sms_code_of(fx, b.code, first);
    assert_int_equal(booking_resend_code(fx->d, fx->a, b.code, NOW + 200, &e), 0);
    assert_int_equal(booking_get(fx->d, b.id, &c, &e), 0);
    assert_int_equal(c.hold_until, NOW + 200 + BOOKING_HOLD_SECONDS);   /* the hold runs again */
    sms_code_of(fx, b.code, second);
    assert_int_equal(q_count(fx->d, "SELECT count(*) FROM outbox WHERE event = 'booking_code' AND recipient = '0977000031'"), 2);
    if (strcmp(first, second)) {   /* one chance in a million that the new code is the old one */
        err w = {0};
        assert_int_equal(booking_confirm(fx->d, b.code, first, NOW + 210, &w), -1);
        assert_int_equal(w.status, 400);
    }
    /* three more codes, then the phone's five a day are used up */
    for (int i = 0; i < 3; i++) assert_int_equal(booking_resend_code(fx->d, fx->a, b.code, NOW + 220 + i, &e), 0);
    err w = {0};
    assert_int_equal(booking_resend_code(fx->d, fx->a, b.code, NOW + 230, &w), -1);
    assert_int_equal(w.status, 429);
    sms_code_of(fx, b.code, second);
    assert_int_equal(booking_confirm(fx->d, b.code, second, NOW + 240, &e), 0);
    err w2 = {0};
    assert_int_equal(booking_resend_code(fx->d, fx->a, b.code, NOW + 250, &w2), -1);   /* nothing to confirm */
    assert_int_equal(w2.status, 409);
}

static void test_upcoming_bookings_per_phone(void **state)
{
    fixture *fx = *state;
    const char *phone = "0977000300";
    cal_day wed = MON + 2;
    err e = {0};
    assert_int_equal(book(fx, fx->phuong, at(wed, 9, 0), "Hoàng Văn Ba", phone, NULL, NOW, NULL, &e), 0);
    assert_int_equal(book(fx, fx->phuong, at(wed, 9, 30), "Hoàng Văn Ba", phone, NULL, NOW, NULL, &e), 0);
    assert_int_equal(book(fx, fx->phuong, at(wed, 10, 0), "Hoàng Văn Ba", phone, NULL, NOW, NULL, &e), 0);
    assert_int_equal(book(fx, fx->phuong, at(wed, 10, 30), "Hoàng Văn Ba", phone, NULL, NOW, NULL, &e), -1);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.field, "phone");
    /* at another unit the phone is free */
    memset(&e, 0, sizeof e);
    assert_int_equal(book(fx, fx->xa, at(wed, 10, 30), "Hoàng Văn Ba", phone, NULL, NOW, NULL, &e), 0);
    /* once those hours have passed, the phone may book again */
    memset(&e, 0, sizeof e);
    assert_int_equal(book(fx, fx->phuong, at(wed + 2, 7, 30), "Hoàng Văn Ba", phone, NULL, at(wed, 10, 5), NULL, &e), 0);
}

/* ---- the desk ----------------------------------------------------------------------------- */

static void test_queue_status_is_audited(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    cal_day thu = MON + 3;
    booking_row a, b, c;
    err e = {0};
    assert_int_equal(book(fx, fx->phuong, at(thu, 13, 30), "Đỗ Văn Một", "0901000001", NULL, NOW, &a, &e), 0);
    assert_int_equal(book(fx, fx->phuong, at(thu, 13, 30), "Đỗ Văn Hai", "0901000002", "001099000002", NOW, &b, &e), 0);
    assert_int_equal(book(fx, fx->phuong, at(thu, 14, 0), "Đỗ Văn Ba", "0901000003", NULL, NOW, &c, &e), 0);
    assert_int_equal(booking_cancel(d, c.code, "0901000003", "127.0.0.1", NOW, &e), 0);
    int64_t audits = q_count(d, "SELECT count(*) FROM audit_log WHERE action = 'booking.status'");
    int64_t officer = q_count(d, "SELECT id FROM users WHERE username = 'canbo1'");
    assert_int_equal(booking_set_status(d, a.id, "served", officer, at(thu, 13, 40), &e), 0);
    assert_int_equal(booking_set_status(d, b.id, "no_show", officer, at(thu, 14, 0), &e), 0);
    assert_int_equal(booking_set_status(d, b.id, "booked", officer, at(thu, 14, 5), &e), 0);   /* came late */
    assert_int_equal(q_count(d, "SELECT count(*) FROM audit_log WHERE action = 'booking.status'"),
                     audits + 3);
    db_stmt *s = db_prepare(d, "SELECT user_id, unit_id, entity_id, detail FROM audit_log WHERE action = "
                               "'booking.status' ORDER BY id DESC LIMIT 1");
    assert_int_equal(db_step(s), DB_ROW);
    assert_int_equal(db_col_int(s, 0), officer);
    assert_int_equal(db_col_int(s, 1), fx->phuong);
    assert_int_equal(db_col_int(s, 2), b.id);
    json_t *detail = json_loads(db_col_text(s, 3), 0, NULL);
    db_done(s);
    assert_string_equal(json_string_value(json_object_get(detail, "from")), "no_show");
    assert_string_equal(json_string_value(json_object_get(detail, "to")), "booked");
    assert_string_equal(json_string_value(json_object_get(detail, "code")), b.code);
    json_decref(detail);
    /* refused: a made-up status, a cancelled booking, an unknown one -- no audit row */
    err e1 = {0}, e2 = {0}, e3 = {0};
    assert_int_equal(booking_set_status(d, a.id, "cancelled", officer, NOW, &e1), -1);
    assert_int_equal(e1.status, 400);
    assert_int_equal(booking_set_status(d, c.id, "served", officer, NOW, &e2), -1);
    assert_int_equal(e2.status, 409);
    assert_int_equal(booking_set_status(d, 987654, "served", officer, NOW, &e3), -1);
    assert_int_equal(e3.status, 404);
    assert_int_equal(q_count(d, "SELECT count(*) FROM audit_log WHERE action = 'booking.status'"),
                     audits + 3);

    /* the day as the desk sees it: by slot, full names and phones, cancelled ones too */
    json_t *day = booking_day_list(d, fx->a, fx->phuong, thu);
    assert_int_equal(json_array_size(day), 2);
    json_t *first = json_array_get(day, 0);
    assert_string_equal(json_string_value(json_object_get(first, "time")), "13:30");
    assert_string_equal(json_string_value(json_object_get(first, "until")), "14:00");
    json_t *list = json_object_get(first, "bookings");
    assert_int_equal(json_array_size(list), 2);
    json_t *one = json_array_get(list, 0), *two = json_array_get(list, 1);
    assert_string_equal(json_string_value(json_object_get(one, "name")), "Đỗ Văn Một");
    assert_string_equal(json_string_value(json_object_get(one, "status")), "served");
    assert_string_equal(json_string_value(json_object_get(one, "procedure_name")), "Thủ tục đăng ký khai sinh");
    assert_string_equal(json_string_value(json_object_get(two, "status")), "booked");
    assert_true(json_is_true(json_object_get(two, "waiting")));
    assert_string_equal(json_string_value(json_object_get(two, "citizen_id")), "001099000002");
    json_t *second = json_object_get(json_array_get(day, 1), "bookings");
    assert_true(json_is_true(json_object_get(json_array_get(second, 0), "cancelled")));
    json_decref(day);
    /* another unit's desk sees none of them */
    day = booking_day_list(d, fx->a, fx->xa, thu);
    assert_int_equal(json_array_size(day), 0);
    json_decref(day);
}

static void test_intake_marks_booking_used(void **state)
{
    fixture *fx = *state;
    db *d = fx->d;
    cal_day fri = MON + 4;
    booking_row b, c, back;
    err e = {0};
    assert_int_equal(book(fx, fx->phuong, at(fri, 9, 0), "Vũ Thị Năm", "0905000005", NULL, NOW, &b, &e), 0);
    assert_int_equal(book(fx, fx->phuong, at(fri, 9, 0), "Vũ Thị Sáu", "0905000006", NULL, NOW, &c, &e), 0);
    assert_int_equal(booking_cancel(d, c.code, "0905000006", "127.0.0.1", NOW, &e), 0);
    /* as intake does it: inside its own write transaction */
    assert_int_equal(db_begin_write(d), DB_DONE);
    err e1 = {0};
    assert_int_equal(booking_mark_used(d, b.id, fx->xa, 4242, &e1), -1);   /* another unit's desk */
    assert_int_equal(e1.status, 403);
    assert_int_equal(booking_mark_used(d, b.id, fx->phuong, 4242, &e), 0);
    err e2 = {0}, e3 = {0}, e4 = {0};
    assert_int_equal(booking_mark_used(d, b.id, fx->phuong, 4243, &e2), -1);   /* already used */
    assert_int_equal(e2.status, 409);
    assert_int_equal(booking_mark_used(d, c.id, fx->phuong, 4243, &e3), -1);   /* cancelled */
    assert_int_equal(e3.status, 409);
    assert_int_equal(booking_mark_used(d, 987654, fx->phuong, 4243, &e4), -1);
    assert_int_equal(e4.status, 404);
    assert_int_equal(db_commit(d), DB_DONE);
    assert_int_equal(booking_find(d, b.code, &back, &e), 0);
    assert_int_equal(back.dossier_id, 4242);
    assert_string_equal(back.status, "served");
    /* used: the desk cannot change it, the citizen cannot cancel it */
    err e5 = {0}, e6 = {0};
    assert_int_equal(booking_set_status(d, b.id, "no_show", 1, NOW, &e5), -1);
    assert_int_equal(e5.status, 409);
    assert_int_equal(booking_cancel(d, b.code, "0905000005", "127.0.0.1", NOW, &e6), -1);
    assert_int_equal(e6.status, 409);
    /* a rolled-back intake leaves the booking as it was */
    booking_row f;
    assert_int_equal(book(fx, fx->phuong, at(fri, 9, 30), "Vũ Thị Bảy", "0905000007", NULL, NOW, &f, &e), 0);
    assert_int_equal(db_begin_write(d), DB_DONE);
    assert_int_equal(booking_mark_used(d, f.id, fx->phuong, 4244, &e), 0);
    db_rollback(d);
    assert_int_equal(booking_get(d, f.id, &back, &e), 0);
    assert_int_equal(back.dossier_id, 0);
    assert_string_equal(back.status, "booked");
}

/* ---- concurrency: the test -------------------------------------------------------- */

#define THREADS 16

typedef struct {
    db_pool *pool;
    fixture *fx;
    pthread_barrier_t *start;
    int64_t slot;
    int index;
    int rc, status;
    char user[512];
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    db *d = db_acquire(r->pool);
    arena *a = arena_new();
    char name[64], phone[16];
    snprintf(name, sizeof name, "Người Thứ %c", 'A' + r->index % 26);
    snprintf(phone, sizeof phone, "09880005%02d", r->index);
    booking_request in = {.unit_id = r->fx->phuong, .procedure_id = r->fx->khai_sinh, .slot_start = r->slot,
                          .name = name, .phone = phone};
    booking_row b;
    err e = {0};
    pthread_barrier_wait(r->start);   /* all at once */
    r->rc = booking_create(d, a, &in, NOW, &b, &e);
    r->status = e.status;
    snprintf(r->user, sizeof r->user, "%s", e.user);
    arena_free(a);
    db_release(r->pool, d);
    return NULL;
}

static void test_concurrent_bookings_never_exceed_capacity(void **state)
{
    fixture *fx = *state;
    err e = {0};
    db_pool *pool = db_pool_open(fx->path, THREADS, &e);
    assert_non_null(pool);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, THREADS);
    /* two rounds: an empty slot, then one with a place left */
    int64_t slots[2] = {at(MON + 4, 10, 0), at(MON + 4, 10, 30)};
    int left[2] = {3, 1};
    err pre = {0};
    assert_int_equal(book(fx, fx->phuong, slots[1], "Người Đến Trước", "0988000400", NULL, NOW, NULL, &pre), 0);
    assert_int_equal(book(fx, fx->phuong, slots[1], "Người Đến Trước", "0988000401", NULL, NOW, NULL, &pre), 0);
    for (int round = 0; round < 2; round++) {
        racer r[THREADS];
        pthread_t t[THREADS];
        for (int i = 0; i < THREADS; i++) {
            r[i] = (racer){.pool = pool, .fx = fx, .start = &start, .slot = slots[round], .index = i + 20 * round};
            assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
        }
        int ok = 0, full = 0;
        for (int i = 0; i < THREADS; i++) {
            pthread_join(t[i], NULL);
            if (r[i].rc == 0) ok++;
            else if (r[i].status == 409 && !strcmp(r[i].user, "Khung giờ này đã hết chỗ. Vui lòng chọn khung giờ khác."))
                full++;
            else fail_msg("thread %d: status %d, %s", i, r[i].status, r[i].user);
        }
        assert_int_equal(ok, left[round]);
        assert_int_equal(full, THREADS - left[round]);
        assert_int_equal(bookings_at(fx->d, slots[round]), 3);
    }
    pthread_barrier_destroy(&start);
    db_pool_close(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_phone_numbers, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_codes_and_masks, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_settings_defaults_save_and_refuse, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_saturday_service_and_sunday, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_weekday_slots_and_time_window, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_create_refuses_bad_input, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_create_saves_what_was_asked, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_capacity_phone_and_cancel, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_upcoming_bookings_per_phone, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_hold_confirmed_by_sms_code, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_holds_expire_and_wrong_codes_release, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_codes_per_phone_and_cancel_lock, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_resent_code_replaces_the_old_one, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_queue_status_is_audited, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_intake_marks_booking_used, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_bookings_never_exceed_capacity, test_setup, test_teardown),
    };
    return cmocka_run_group_tests_name("booking", tests, group_setup, group_teardown);
}
