/* booking.h -- appointments at the one-stop desk (đặt lịch hẹn).
 *
 * A citizen, without an account, books a time slot at a unit's desk for a procedure of its
 * catalogue. Each unit has slot settings (length, places per slot, morning and afternoon
 * hours, Saturday-morning hours, how many days ahead; defaults when the unit never set
 * them). The days open for booking are the calendar's working days (holiday.h) plus Saturday
 * mornings where the unit offers Saturday service.
 *
 * No slot is ever over-booked: counting the slot's bookings and inserting the new one happen
 * in one write (db_write), so concurrent requests are served one after another and the last
 * ones find the slot full (409). The same phone number cannot hold two
 * bookings of one slot (a partial unique index says so too).
 *
 * A citizen's booking is first a hold: the place is kept for BOOKING_HOLD_SECONDS while the
 * citizen types the 6-digit code sent to the phone by SMS (through the notification outbox);
 * only then is it booked. A hold not confirmed in time, or after BOOKING_CONFIRM_MAX_FAILS
 * wrong codes, expires and frees the place. A phone receives at most BOOKING_CODES_PER_PHONE
 * codes a day. Cancelling by phone number allows BOOKING_CANCEL_MAX_FAILS wrong numbers per
 * booking; cancellations are audited, and the desk can cancel a flood of bookings at once.
 * (The per-address limits are the web layer's: booking_web.c.)
 *
 * At the desk the officer sees the day's bookings by slot with a queue status (waiting,
 * served, no-show); at intake the dossier feature finds a booking by its code and marks it
 * used by the new dossier, inside the intake's own transaction.
 *
 * Note for later: a reminder the day before could go through the outbox too. */
#ifndef TT_BOOKING_H
#define TT_BOOKING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/calendar.h"
#include "../core/err.h"
#include "../store/db.h"

/* ---- settings (table booking_settings) ---------------------------------------------- */

typedef struct {
    bool enabled;                          /* the unit takes bookings */
    int slot_minutes;                      /* 10, 15, 20, 30, 45 or 60 */
    int capacity;                          /* citizens per slot, 1..50 */
    int morning_start, morning_end;        /* minutes since local midnight: 450 = 07:30 */
    int afternoon_start, afternoon_end;    /* equal start and end: no afternoon slots */
    int saturday_start, saturday_end;      /* used only where the unit has Saturday service */
    int days_ahead;                        /* how far ahead one may book, 1..60 days */
} booking_settings;

extern const booking_settings BOOKING_DEFAULTS;   /* 30 min, 3 places, 07:30–11:30, 13:30–17:00 */

/* The unit's settings, or the defaults when it has none. */
void booking_settings_get(db *d, int64_t unit_id, booking_settings *out);
/* Fills e (with e->field) on the first bad value. */
int booking_settings_check(const booking_settings *s, err *e);
/* Checks, saves and audits, in its own transaction. */
int booking_settings_save(db *d, int64_t unit_id, const booking_settings *s, int64_t actor_id, int64_t now,
                          err *e);

/* ---- slots -------------------------------------------------------------------------- */

typedef struct {
    int64_t start;      /* Unix seconds */
    int minutes;        /* the start, minutes since local midnight */
    int length;         /* minutes */
    int capacity;
    int taken;          /* bookings not cancelled */
} booking_slot;

#define BOOKING_MAX_SLOTS 128

/* The bookable slots of a day, in order, with their places taken: none when the unit takes
 * no bookings, the day is closed, past or beyond days_ahead; slots that have begun by `now`
 * are left out. Returns the count (at most max), -1 with e filled on error. */
int booking_day_slots(db *d, int64_t unit_id, cal_day day, int64_t now, booking_slot *out, int max, err *e);

/* ---- bookings (table bookings) ------------------------------------------------------ */

typedef struct {
    int64_t unit_id, procedure_id;
    int64_t slot_start;                     /* Unix seconds: one of booking_day_slots' starts */
    const char *name, *phone, *citizen_id;  /* as typed; citizen_id may be NULL or "" */
    int hold_seconds;   /* > 0: a hold confirmed by an SMS code (the public page); 0: booked at once */
} booking_request;

#define BOOKING_HOLD_SECONDS 300        /* a held place waits 5 minutes for its SMS code */
#define BOOKING_CONFIRM_MAX_FAILS 5     /* wrong SMS codes, then the hold is released */
#define BOOKING_CANCEL_MAX_FAILS 5      /* wrong phone numbers, then only the desk can cancel */
#define BOOKING_CODES_PER_PHONE 5       /* SMS codes a phone number receives in 24 hours */

typedef struct {
    int64_t id, unit_id, procedure_id;
    int64_t dossier_id;      /* 0 until intake turned the booking into a dossier */
    int64_t slot_start, created_at;
    int slot_minutes;
    char code[16];           /* "DL-7K3Q9P" */
    int64_t hold_until;      /* a held booking's deadline for its SMS code */
    int confirm_fails, cancel_fails;
    char status[16];         /* held, booked (waiting), served, no_show, cancelled, expired */
    char name[512];
    char phone[16];          /* normalised: 0 and 9 or 10 more digits */
    char citizen_id[16];     /* 12 digits or "" */
} booking_row;

#define BOOKING_MAX_UPCOMING_PER_PHONE 3

/* Checks the request (unit takes bookings, procedure of the unit's catalogue, name, phone,
 * citizen ID, slot open and not begun), then in one write transaction releases expired
 * holds, counts the slot and inserts: 409 when the slot is full, when the phone already holds
 * this slot, or when it holds BOOKING_MAX_UPCOMING_PER_PHONE upcoming bookings at the unit;
 * 429 when the phone had BOOKING_CODES_PER_PHONE codes in 24 hours. With hold_seconds the
 * row is 'held' and its SMS code is queued in the same transaction. *out is the saved row. */
int booking_create(db *d, arena *a, const booking_request *in, int64_t now, booking_row *out, err *e);

/* By code (any case, with or without "DL-") or by id: 0, or -1 with 404 in e. */
int booking_find(db *d, const char *code, booking_row *out, err *e);
int booking_get(db *d, int64_t id, booking_row *out, err *e);
int64_t booking_unit_of(db *d, int64_t id);   /* -1 when unknown */

/* The citizen confirms a hold with the SMS code: 0 (now 'booked'); 400 for a wrong code
 * (counted; the last allowed one releases the hold, 409); 409 when the hold expired or the
 * booking is not held. */
int booking_confirm(db *d, const char *code, const char *sms_code, int64_t now, err *e);

/* A new SMS code for a hold still running (the first SMS did not come): the hold runs
 * BOOKING_HOLD_SECONDS again; 429 when the phone had BOOKING_CODES_PER_PHONE codes in 24
 * hours, 409 when the booking is not held any more. */
int booking_resend_code(db *d, arena *a, const char *code, int64_t now, err *e);

/* Holds past their time become 'expired' (the housekeeping does this every minute; creating
 * a booking does it first too). Returns how many, -1 on a database error. */
int booking_expire_holds(db *d, int64_t now);

/* The citizen cancels a booking (held or booked) not yet begun, proving it with the phone
 * number it was made with: 403 when it differs (counted: after BOOKING_CANCEL_MAX_FAILS wrong
 * numbers 423, only the desk can cancel it). Audited, with the client address `ip`. */
int booking_cancel(db *d, const char *code, const char *phone, const char *ip, int64_t now, err *e);

/* The desk cancels bookings of its unit at once (a flood): each of ids that is held or
 * booked and not yet used by a dossier; the others are left alone. One transaction, one audit
 * row per booking with the reason. Returns how many were cancelled, -1 with e filled. */
int booking_cancel_many(db *d, int64_t unit_id, const int64_t *ids, int n, const char *reason, int64_t actor_id,
                        int64_t now, err *e);

/* The desk's queue: status "booked" (waiting), "served" or "no_show"; audited. Refused for
 * a cancelled booking and for one already turned into a dossier. */
int booking_set_status(db *d, int64_t id, const char *status, int64_t actor_id, int64_t now, err *e);

/* For the dossier feature, inside the intake's write transaction: the booking becomes
 * "served" and remembers the dossier. Refused (403) when the booking belongs to another unit
 * than unit_id, the unit receiving the dossier; (409) when it was already used or cancelled.
 * Why unit_id is an argument: the dossier's unit is the caller's to know (its table lives in
 * the dossier feature), and the check belongs here, beside the update it guards. */
int booking_mark_used(db *d, int64_t booking_id, int64_t unit_id, int64_t dossier_id, err *e);

/* A day's bookings at a unit for the desk, grouped by slot (staff only: personal data). */
json_t *booking_day_list(db *d, arena *a, int64_t unit_id, cal_day day);

/* Small pure helpers, public for the tests and for the forms. */
bool booking_code_normalize(const char *in, char out[16]);    /* "dl-7k3q9p", "7K3Q9P" -> "DL-7K3Q9P" */
char *booking_mask_name(arena *a, const char *name);          /* "Nguyễn Văn An" -> "N. V. A." */
char *booking_mask_phone(arena *a, const char *phone);        /* "0912345678" -> "********78" */
const char *booking_status_label(const char *status);        /* Vietnamese msgid */

/* Page handlers (booking_web.c). */
struct req;
void page_booking_form(struct req *r);       /* GET  /dat-lich */
void page_booking_create(struct req *r);     /* POST /dat-lich */
void page_booking_lookup(struct req *r);     /* GET  /dat-lich/tra-cuu?ma=CODE */
void page_booking_show(struct req *r);       /* GET  /dat-lich/{code} */
void page_booking_cancel(struct req *r);     /* POST /dat-lich/{code}/huy */
void page_booking_confirm(struct req *r);    /* POST /dat-lich/{code}/xac-nhan */
void page_booking_resend(struct req *r);     /* POST /dat-lich/{code}/gui-lai-ma */
void page_booking_flood(struct req *r);      /* GET  /lich-hen/huy-hang-loat */
void page_booking_flood_cancel(struct req *r);   /* POST /lich-hen/huy-hang-loat */
void page_booking_queue(struct req *r);      /* GET  /lich-hen */
void page_booking_status(struct req *r);     /* POST /lich-hen/{id}/trang-thai */
void page_booking_settings(struct req *r);   /* GET  /lich-hen/cai-dat */
void page_booking_settings_save(struct req *r);  /* POST /lich-hen/cai-dat */
int64_t scope_booking_param(struct req *r);  /* the unit of booking {id} */
int64_t scope_booking_unit(struct req *r);     /* the don_vi of the query; 0 when absent */

#endif
