/* feedback.h -- the citizen's voice (issue 12): góp ý, biểu dương, phản ánh, kiến nghị, khiếu nại
 * and tố cáo, from every channel (the public page, the desk, the suggestion box and the hotline
 * keyed in, the reception register, a dissatisfied rating, Open311), each kind on the clock the
 * law gives it.
 *
 * The clocks are data (table feedback_deadlines, migration 016): per kind and step (accept,
 * resolve, extend, publish) the days, calendar or working, the remote-area days and the date from
 * which the row holds. A case keeps the rows in force on the local day it was received
 * (feedback.rule_from), so a complaint of 30/6/2026 has 10 working days to be accepted and one of
 * 1/7/2026 has 7 (Law 136/2025/QH15, NĐ 155/2026). Working days come from the unit's calendar
 * (holiday.h), Tết and nghỉ bù included.
 *
 * Anonymity is data too (feedback_kinds): allowed for góp ý and biểu dương, refused for khiếu nại,
 * phản ánh and kiến nghị, and an anonymous tố cáo is received "as information" (Luật Tố cáo Art.
 * 25): no acceptance clock, no resolution deadline.
 *
 * Every change is one db_write whose function also appends to the audit log (audit.h). */
#ifndef TT_FEEDBACK_H
#define TT_FEEDBACK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/calendar.h"
#include "../core/err.h"
#include "../store/db.h"

/* ---- intake: the contract every channel uses ---- */

typedef struct feedback_new {
    int64_t unit_id;
    const char *kind;      /* "gop_y" | "bieu_duong" | "phan_anh" | "kien_nghi" | "khieu_nai" | "to_cao" */
    const char *channel;   /* "web" | "desk" | "box" | "hotline" | "reception" | "rating" | "open311" */
    const char *subject, *content;
    const char *name, *phone, *email, *address;   /* NULL or "" = anonymous, where the kind allows it */
    int64_t dossier_id;    /* the dossier it concerns, 0 if none */
    int64_t user_id;       /* the officer who keyed it in, 0 when the public filed it */
    const char *source_ref;/* where it came from: "rating:12", "reception:7", "open311:<app>" or NULL */
    const char *service_code; const char *location_text; double lat, lon; bool has_location; /* Open311 */
    /* optional additions (zero = none) */
    const char *id_number;     /* the 12-digit citizen ID, when given */
    bool consent_publish;      /* the citizen agrees that the answer be published (masked) */
    int64_t received_at;       /* when it was received, if earlier than now (a box opened late); 0 = now */
} feedback_new;

typedef struct { int64_t id; char code[40]; char secret[16]; int64_t due_at; } feedback_ticket;

/* Files a new case from any channel. Runs INSIDE the caller's db_write function (it writes, never
 * begins or commits). 0 and *out filled, or -1 with e set (422 with a Vietnamese message for bad input).
 * out->due_at is the first deadline that runs (acceptance, else resolution; 0 when none).
 *
 * What each kind needs (table feedback_kinds, checked here; e->field names the field at fault):
 *   gop_y, bieu_duong   nothing: an anonymous dissatisfied rating files as "gop_y";
 *   phan_anh, kien_nghi a name and one of address, phone, e-mail (NĐ 20/2008 Art. 7);
 *   khieu_nai           a name and an address (Luật Khiếu nại Art. 8);
 *   to_cao              a name, or it is kept as information (as_information, no clock).
 * phone, email and id_number are checked and normalised when given (422 when wrong). The case is
 * audited as "feedback.create" with actor in->user_id (0: the public). */
int feedback_intake(db *d, arena *a, const feedback_new *in, int64_t now, feedback_ticket *out, err *e);

/* The address citizens reach the site at, for the follow-up link in messages to a named sender
 * who gave an e-mail or a phone (events "feedback_receipt" at intake and "feedback_answer" when the
 * case is resolved or refused, through the outbox: notify.h). Set once at start (serve). */
void feedback_set_public_url(const char *url);
const char *feedback_public_url(void);   /* as set, without a trailing slash */

/* The warnings to staff of cases whose running deadline (acceptance, else resolution) is within
 * the working days of table feedback_warn_thresholds, or has passed (feedback_warn.c): each
 * queued once per case, step, threshold and deadline (table feedback_warnings), in a write of
 * its own per case, through the outbox (event "feedback_due", to the unit's e-mail and its first
 * leader's phone). The server's housekeeping calls it every five minutes. How many cases had a
 * message queued, or -1 with e set. */
int feedback_warn_due(db *d, arena *a, int64_t now, err *e);
/* Records as already sent, without sending, the warnings of unit's cases that are due at now
 * (the demo's history: its open cases were warned of when they were real). Inside the caller's
 * db_write. How many were recorded, or -1 with e set. */
int feedback_warn_mark(db *d, int64_t unit_id, int64_t now, err *e);

/* One uploaded file, checked by feedback_file_check() before it is attached. */
typedef struct {
    const char *name;          /* as uploaded; shown only */
    const unsigned char *data;
    size_t len;
} feedback_upload;

#define FEEDBACK_FILE_MAX (5u * 1024u * 1024u)  /* bytes per file */
#define FEEDBACK_FILES_MAX 3                    /* files per case */

/* The type of a file from its first bytes: "image/jpeg", "image/png", "image/webp",
 * "application/pdf", or NULL for anything else (sniff.c, pure; fuzzed). */
const char *feedback_sniff(const unsigned char *data, size_t len);
/* 0, or -1 with e set: 413 too large, 415 not an image or PDF by its content, 400 empty. */
int feedback_file_check(const feedback_upload *f, err *e);
/* Attaches checked files to a case; inside the caller's db_write. 0 or -1 with e set. */
int feedback_attach(db *d, int64_t feedback_id, const feedback_upload *files, int n, int64_t now, err *e);

/* intake + attachments in one db_write of its own: for pages and helpers that are not already in
 * a write. */
int feedback_file(db *d, arena *a, const feedback_new *in, const feedback_upload *files, int nfiles, int64_t now,
                  feedback_ticket *out, err *e);

/* ---- reading ---- */

typedef struct feedback_case {
    int64_t id, unit_id, dossier_id, user_id, assignee_id;
    const char *code, *secret, *kind, *channel, *status;
    const char *subject, *content, *name, *phone, *email, *address, *id_number;
    bool anonymous, as_information, consent_publish, remote_area, helpful, has_location;
    const char *source_ref, *service_code, *location_text;
    double lat, lon;
    const char *rule_from;          /* YYYY-MM-DD */
    int64_t received_at, accept_due_at, accepted_at, due_at, original_due_at, paused_at;
    int64_t resolved_at, closed_at, published_at, publish_due_at, updated_at;   /* 0 = none */
    int64_t clock_at;               /* the deadline running now; 0 = none (closed, suspended, no clock) */
    int extensions, paused_days;
    const char *answer, *public_answer, *outcome_note;
    const char *unit_code, *unit_name;
} feedback_case;

/* 1 and *out filled (arena strings), 0 when there is no such case, -1 on a database error. */
int feedback_get(db *d, arena *a, int64_t id, feedback_case *out);
int feedback_get_by_code(db *d, arena *a, const char *code, feedback_case *out);
/* The secret matches (constant time). */
/* The case filed from elsewhere ("rating:12", "reception:7"): its id, 0 when none, -1 on error. */
int64_t feedback_id_by_source(db *d, const char *source_ref);
bool feedback_secret_ok(const feedback_case *c, const char *secret);

enum { FEEDBACK_DUE_ANY = 0, FEEDBACK_DUE_SOON = 1, FEEDBACK_DUE_OVERDUE = 2 };

typedef struct feedback_filter {
    int64_t unit_id;           /* required */
    const char *kind;          /* NULL = all */
    const char *status;        /* NULL = all; "open" = received, accepted or suspended */
    const char *channel;       /* NULL = all */
    const char *service_code;  /* NULL = all (Open311) */
    int64_t from, to;          /* received in [from, to); 0 = open */
    int due;                   /* FEEDBACK_DUE_*: soon = the running deadline within soon_days */
    int soon_days;             /* calendar days; 0 = 3 */
    int64_t soon_until;        /* or this instant (the board: 3 working days ahead); 0 = use soon_days */
    int64_t now;               /* for due filters */
    int limit, offset;         /* limit 0 = 50 */
} feedback_filter;

/* The matching cases, newest first (due filters: earliest deadline first); *n rows in *rows
 * (arena). 0 or -1. */
int feedback_list(db *d, arena *a, const feedback_filter *f, feedback_case **rows, int *n);
/* How many match (ignores limit and offset); -1 on error. */
int64_t feedback_count(db *d, const feedback_filter *f);

/* QĐ 766's counts of PAKN (phản ánh, kiến nghị) received by a unit in [from, to), those
 * forwarded elsewhere left out as outside its competence: on time = closed by the deadline that
 * ran (resolution, else acceptance); overdue = closed after it, or still open past it at now. */
typedef struct { int64_t total, on_time, overdue; } feedback_pakn;
int feedback_pakn_counts(db *d, int64_t unit_id, int64_t from, int64_t to, int64_t now, feedback_pakn *out);

/* The case's steps as JSON [{seq, kind, at, note, old_due_at, new_due_at, doc_kind, doc_number,
 * doc_year, user}] (new reference), and its files [{id, name, mime, size}]. NULL on error. */
json_t *feedback_steps_json(db *d, int64_t id);
json_t *feedback_files_json(db *d, int64_t id);
/* One file's bytes (arena) and type; 1, 0 when absent, -1 on error. */
int feedback_file_get(db *d, arena *a, int64_t feedback_id, int64_t file_id, const char **mime, const char **name,
                      unsigned char **data, size_t *len);

/* ---- the steps ---- */

/* What an officer does to a case. */
typedef enum {
    FB_ACCEPT,     /* thụ lý: starts the resolution clock; remote_area may be set here */
    FB_REFUSE,     /* không thụ lý: note = the reasons (required) */
    FB_EXTEND,     /* gia hạn: complex case, note = the written grounds (required); at most max_count */
    FB_SUSPEND,    /* tạm đình chỉ: the clock stops; note = why (required) */
    FB_RESUME,     /* tiếp tục: the clock runs on from today with the time it had left */
    FB_WITHDRAW,   /* rút: the citizen withdrew; note = how; a tố cáo may go on (keep_going) */
    FB_RESOLVE,    /* quyết định / kết luận / trả lời: note = the substance (required) */
    FB_PUBLISH,    /* công khai: only with the citizen's consent; personal data masked */
    FB_FORWARD,    /* chuyển đơn: outside the unit's competence; note = to whom */
} feedback_action;

typedef struct feedback_step_in {
    feedback_action action;
    const char *note;          /* reasons, grounds, the answer */
    int64_t user_id;           /* the officer */
    bool remote_area;          /* FB_ACCEPT: vùng sâu, vùng xa đi lại khó khăn */
    bool keep_going;           /* FB_WITHDRAW of a tố cáo: signs of a violation, resolution continues */
    bool helpful;              /* FB_RESOLVE: the feedback helped (proposes a thanks letter) */
    const char *const *grounds;/* FB_EXTEND: codes of table feedback_complex_grounds chosen; where the
                                  law in force lists grounds, at least one is required (422) */
    int ngrounds;
} feedback_step_in;

/* The grounds of a complex case the law in force for this case lists ([{code, label}], empty when
 * none: the written grounds alone suffice). NULL on error. */
json_t *feedback_grounds_json(db *d, const feedback_case *c);

/* Inside the caller's db_write: applies the step, audits it ("feedback.<action>"), numbers its
 * document in the unit's register. 0, or -1 with e set (404 no case, 409 not possible in its
 * status or past the extension limit, 422 missing note). */
int feedback_apply(db *d, arena *a, int64_t id, const feedback_step_in *in, int64_t now, err *e);
/* The same in a db_write of its own. */
int feedback_step(db *d, arena *a, int64_t id, const feedback_step_in *in, int64_t now, err *e);

/* Told inside the write of every answer (resolve) of a case filed from elsewhere, so that the
 * feature it came from can close its own follow-up: source_ref ("rating:12"), the answer, who,
 * when. The server wires the listeners at start; one that fails rolls the answer back. */
typedef int (*feedback_answered_fn)(db *d, const char *source_ref, const char *answer, int64_t user_id, int64_t now,
                                    err *e);
void feedback_on_answered(feedback_answered_fn fn);

/* "accept" -> FB_ACCEPT ...; false for an unknown name. */
bool feedback_action_parse(const char *name, feedback_action *out);
const char *feedback_action_name(feedback_action a);

/* Labels (Vietnamese msgids) for kinds, channels and statuses; "" for unknown. */
const char *feedback_kind_label(const char *kind);
const char *feedback_channel_label(const char *channel);
const char *feedback_status_label(const char *status);
bool feedback_kind_valid(const char *kind);
bool feedback_channel_valid(const char *channel);
/* The case is still open (received, accepted or suspended). */
bool feedback_open(const char *status);

/* The answer with personal data masked for publication: the case's name, phone, e-mail, address
 * and ID number, and any phone-like or ID-like digit runs and e-mail addresses. Arena string. */
char *feedback_mask(arena *a, const feedback_case *c, const char *text);

/* ---- the clock (feedback_clock.c): pure given a calendar and the rule rows ---- */

typedef struct feedback_rule {
    char kind[16], step[12];
    int days;
    bool working;              /* day_type 'working' */
    int remote_days;           /* -1 when the law gives none */
    int max_count;
    cal_day from, to;          /* effective [from, to]; to = CAL_DAY_MAX when open */
    char source[256];
} feedback_rule;

/* The rule for kind and step in force on day: a pointer into rules, or NULL (no clock). */
const feedback_rule *feedback_rule_for(const feedback_rule *rules, int n, const char *kind, const char *step,
                                       cal_day day);
/* The deadline `days` after the instant start, at the unit's close time:
 *  - working: the days-th working day strictly after start's day (calendar_due_day with no
 *    cut-off: a case received on a holiday counts from the next working day);
 *  - calendar: start's local day + days; when that day is not a working day, the next working day
 *    (Bộ luật Dân sự 2015 Art. 148(5): a period ending on a day off ends on the next working day). */
int64_t feedback_deadline(const calendar *c, const cal_unit *u, int64_t start, int days, bool working);
/* The days a suspension from paused_at to resumed_at adds to the clock: calendar days between
 * their local days, or the working days in (paused day, resumed day]. The resolution deadline is
 * always feedback_deadline(start, days + extensions + paused days), so the time left when the case
 * was suspended runs on from the resumption ("tiếp tục được tính từ ngày ban hành quyết định tiếp
 * tục", Luật Khiếu nại Art. 11a from 1/7/2026). */
int feedback_paused_days(const calendar *c, const cal_unit *u, int64_t paused_at, int64_t resumed_at, bool working);

/* The rule rows of the database (table feedback_deadlines); *n rows, arena. 0 or -1. */
int feedback_rules_load(db *d, arena *a, feedback_rule **rows, int *n);

/* The demonstration's cases (feedback_demo.c). feedback_demo writes them for the demo's first
 * units (the two communes and the department of data/demo) in one db_write of its own: how many
 * were made, or -1. feedback_demo_unit writes about two years (2024-12-01 to the day of now) of
 * one unit's cases and must run INSIDE the caller's db_write: all six kinds (about 100-300 a
 * year for a commune, fewer for a department), every channel, some anonymous, answered and
 * published, late, extended, suspended, withdrawn, refused, forwarded, the recent ones open;
 * through feedback_intake and feedback_apply, so each has its steps, numbers and audit rows. The
 * same seed, unit and now give the same cases. How many were made, or -1 with e set. */
int feedback_demo(db *d, arena *a, int64_t now, err *e);
int feedback_demo_unit(db *d, int64_t unit_id, int64_t now, uint64_t seed, err *e);

/* ---- pages (feedback_web.c, feedback_pdf.c) ---- */
struct req;
void page_feedback_public_form(struct req *r);   /* GET  /gop-y */
void page_feedback_public_submit(struct req *r); /* POST /gop-y */
void page_feedback_track(struct req *r);         /* GET  /gop-y/tra-cuu?ma=&bm= */
void page_feedback_published(struct req *r);     /* GET  /gop-y/cong-khai */
void page_feedback_desk_form(struct req *r);     /* GET  /phan-anh/moi */
void page_feedback_desk_submit(struct req *r);   /* POST /phan-anh */
void page_feedback_list(struct req *r);          /* GET  /phan-anh */
void page_feedback_board(struct req *r);         /* GET  /phan-anh/han */
void page_feedback_show(struct req *r);          /* GET  /phan-anh/{id} */
void page_feedback_action(struct req *r);        /* POST /phan-anh/{id}/{action} */
void page_feedback_file(struct req *r);          /* GET  /phan-anh/{id}/tep/{file} */
void page_feedback_pdf(struct req *r);           /* GET  /phan-anh/{id}/van-ban/{seq}.pdf */
void page_feedback_rules(struct req *r);         /* GET  /phan-anh/thoi-han */
int64_t scope_feedback_param(struct req *r);

/* The PDF of the document a step produced (accept_notice, refuse_notice, extension, suspension,
 * resumption, decision, conclusion, answer): 0 and *pdf (malloc'd) or -1 with e. base_url
 * ("https://host", may be NULL) makes the follow-up link and QR code printed on a named sender's
 * copy absolute. */
int feedback_pdf(db *d, arena *a, int64_t id, int seq, const char *base_url, unsigned char **pdf, size_t *len, err *e);

/* The cases of each unit of the subtree of root_id for the period [from, to) (instants), one
 * row per unit that has any, in unit id order (feedback_counts.c says what each count is).
 * 0, or -1 on a database error. */
typedef struct {
    int64_t unit_id;
    int64_t received, resolved, resolved_on_time;
    int64_t complaints, complaints_resolved, complaints_on_time;   /* khiếu nại + tố cáo */
    int64_t overdue_open;
} feedback_unit_counts;
int feedback_counts_by_unit(db *d, arena *a, int64_t root_id, int64_t from, int64_t to, int64_t now,
                            feedback_unit_counts **rows, size_t *n);

#endif
