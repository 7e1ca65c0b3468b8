/* reception.h -- citizen reception (tiếp công dân) and dialogues with the people (đối thoại).
 *
 * Research: ../shared/research/legal.md §2.3 (Luật Tiếp công dân 42/2013/QH13, amended by Luật
 * 136/2025/QH15 from 01/7/2026; NĐ 154/2026/NĐ-CP), §2.5 and §2.1 (dialogues); the seeds on
 * the chairman's public schedule and "Nghe dân nói – nói dân hiểu – làm dân tin".
 *
 * Three things:
 *   - the chairman's weekly reception schedule (Art. 15: at least one day a week in person at
 *     the office; Art. 24(2): the place, the hours, who attends and the expected content are
 *     published): rows of reception_schedules, shown on the unit's home page, on a public page
 *     and as iCalendar (RFC 5545, a weekly RRULE per row, reception_ical.c);
 *   - the register (Sổ tiếp công dân): one row per citizen or group received, numbered per
 *     unit and year; its handling and follow-up; the written conclusion of the session
 *     ("Thông báo kết luận việc tiếp công dân", NĐ 154/2026 Art. 25) as an A4 PDF; the register
 *     as PDF and XLSX with the columns in force (reception_register_columns, dated data); and
 *     the turn of a reception into feedback, a complaint or a denunciation without retyping
 *     (reception_convert, through feedback_intake of src/feedback inside the same write);
 *   - dialogues (dialogue.c): planned -> announced (at least the days of notice the rule in
 *     force asks, reception_rules) -> held (attendance, minutes) -> published; the issues
 *     raised and their follow-up to closure; public once announced.
 *
 * Every change is one db_write with its audit row. The register is for the unit's staff
 * (officers, leaders); the schedule and the announced or held dialogues are public. */
#ifndef TT_RECEPTION_H
#define TT_RECEPTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/calendar.h"
#include "../core/err.h"
#include "../store/db.h"

struct req;

/* ---- rules (dated data) ------------------------------------------------------------------- */

/* The value of rule in force on day "YYYY-MM-DD" (the row with the latest valid_from not
 * after it); fallback when none. basis (may be NULL) gets the text it comes from, in a. */
int64_t reception_rule(db *d, arena *a, const char *rule, const char *day, int64_t fallback, const char **basis);

/* ---- the schedule ----------------------------------------------------------------------- */

typedef struct {
    int64_t unit_id;
    const char *host_name, *host_title;
    const char *weekday;          /* "0".."6", 0 Sunday */
    const char *start, *end;      /* "HH:MM" */
    const char *place, *attendees, *topics;
    const char *valid_from;       /* dd/mm/yyyy or YYYY-MM-DD; "" = today */
    const char *on_date;          /* a single (ad hoc) session on this day instead of weekly; "" = weekly */
} reception_slot_input;

int reception_schedule_add(db *d, arena *a, const reception_slot_input *in, int64_t actor_id, int64_t now,
                           int64_t *id, err *e);
int reception_schedule_remove(db *d, int64_t unit_id, int64_t id, int64_t actor_id, int64_t now, err *e);
/* The unit's active schedule rows: [{id, host_name, host_title, weekday, weekday_label,
 * start, end, place, attendees, topics, valid_from, valid_from_text, single}], the weekly ones
 * by weekday and hour, then the single sessions from today on by date. */
json_t *reception_schedule_list(db *d, arena *a, int64_t unit_id, int64_t now);
/* The block of the unit's home page: {slots, ics, page, dialogues (next announced)}; NULL
 * when the unit publishes neither a schedule nor a dialogue. */
json_t *reception_home(db *d, arena *a, int64_t unit_id, const char *unit_code, int64_t now);

/* The schedule as an iCalendar document (text/calendar, CRLF lines folded at 75 octets),
 * with the announced and held dialogues as single events. */
typedef struct {
    const char *uid;              /* unique and stable: "reception-12@05443.thanthien" */
    const char *summary, *location, *description;
    int64_t start, end;           /* instants; a weekly event: its first occurrence */
    int weekday;                  /* -1: a single event; else 0..6 with RRULE:FREQ=WEEKLY;BYDAY= */
    int64_t stamp;                /* DTSTAMP */
    int sequence;                 /* SEQUENCE: revisions after publication (0 = none printed) */
    const int64_t *exdates;       /* a weekly event: the start instants of the sessions a holiday of the
                                     unit's calendar cancels, printed as EXDATE (RFC 5545 §3.8.5.1) */
    size_t nexdates;
} ical_event;
const char *reception_ical(arena *a, const char *calname, const ical_event *ev, size_t n);
/* The sessions of a weekly event first held at `first` that the calendar cancels: a weekday that
 * is not a working day of the unit (Tết, a holiday, a nghỉ bù), from a year before now to a year
 * after, never before first, at most 60; their start instants in *out (arena). A weekend session
 * is never cancelled. For ical_event.exdates. */
size_t reception_exdates(const calendar *cal, const cal_unit *cu, int64_t first, int64_t now, arena *a,
                         const int64_t **out);
/* RFC 5545 TEXT escaping of s (\\ \; \, and newlines as \n) and folding of one content line
 * "NAME:value" into b at 75 octets (never inside a UTF-8 sequence), with CRLF. */
void ical_line(buf *b, const char *name, const char *value, bool escape);

/* ---- the register ------------------------------------------------------------------------ */

/* kinds (Loại đơn): key, label (msgid), register abbreviation */
#define RECEPTION_NKINDS 5
extern const char *const reception_kinds[RECEPTION_NKINDS][3];
#define RECEPTION_NSESSIONS 3
extern const char *const reception_sessions[RECEPTION_NSESSIONS][2];
#define RECEPTION_NHANDLINGS 4
extern const char *const reception_handlings[RECEPTION_NHANDLINGS][2];

typedef struct {
    int64_t unit_id;
    const char *received_at;      /* "dd/mm/yyyy HH:MM"; "" = now */
    const char *session;          /* regular, periodic, adhoc */
    const char *host_name, *host_title;
    const char *citizen_name, *id_number, *address, *phone, *email;
    const char *people;           /* "1".. */
    const char *kind;
    const char *content, *prior_handling, *request;
} reception_input;

int reception_create(db *d, arena *a, const reception_input *in, int64_t actor_id, int64_t now, int64_t *id,
                     err *e);
/* Corrects what was recorded (the citizen, the matter, the host); the time received and the
 * number stay. */
int reception_update(db *d, arena *a, int64_t id, const reception_input *in, int64_t actor_id, int64_t now, err *e);
/* How it is handled (hướng xử lý) and its follow-up (theo dõi kết quả). */
int reception_handle(db *d, arena *a, int64_t id, const char *handling, const char *note, const char *followup,
                     int64_t actor_id, int64_t now, err *e);
/* The written conclusion of the session: its text, a deadline (dd/mm/yyyy or "") for a
 * complex case and who the citizen asks meanwhile. */
int reception_conclude(db *d, arena *a, int64_t id, const char *text, const char *deadline, const char *contact,
                       int64_t actor_id, int64_t now, err *e);

json_t *reception_get(db *d, arena *a, int64_t id);   /* NULL when unknown */
int64_t reception_unit_of(db *d, int64_t id);          /* -1 when unknown */
/* The unit's register between two local days (inclusive), in order of number. */
json_t *reception_list(db *d, arena *a, int64_t unit_id, int32_t from_day, int32_t to_day, const char *q);

/* The register as A4 landscape PDF and as XLSX, with the
 * columns in force on to_day; and the conclusion notice of one reception. */
int reception_register_pdf(db *d, arena *a, int64_t unit_id, int32_t from_day, int32_t to_day, buf *out, err *e);
int reception_register_xlsx(db *d, arena *a, int64_t unit_id, int32_t from_day, int32_t to_day, buf *out, err *e);
int reception_conclusion_pdf(db *d, arena *a, int64_t id, buf *out, err *e);

/* ---- refusing to receive (từ chối tiếp công dân) -------------------------------------------- */

/* The grounds the law in force on day "YYYY-MM-DD" gives (table reception_refusal_grounds,
 * migration 021: Luật Tiếp công dân 42/2013 Art. 9): [{code, label, basis, notice}], notice true
 * where the head of the unit issues the written notice (TT 04/2021/TT-TTCP Art. 4). */
json_t *reception_refusal_grounds(db *d, const char *day);

/* Records that the citizen of reception id was refused (one write, audited "reception.refuse"):
 * the ground (a code in force on the day received), the facts (required), who decides (the head:
 * name and title). The written notice takes the next number of the unit's register of notices
 * for the year. 400 bad input, 404 no reception, 409 already refused or turned into feedback. */
int reception_refuse(db *d, arena *a, int64_t id, const char *ground, const char *reason, const char *signer_name,
                     const char *signer_title, int64_t actor_id, int64_t now, err *e);
/* The written notice "Thông báo về việc từ chối tiếp công dân" as A4 PDF (404 none). */
int reception_refusal_pdf(db *d, arena *a, int64_t id, buf *out, err *e);

/* ---- turning a reception into feedback, a complaint or a denunciation --------------------- */

/* What the feedback feature receives: the reception's own words, nothing retyped. */
typedef struct {
    int64_t unit_id;
    const char *kind;             /* gop_y, bieu_duong, phan_anh, kien_nghi, khieu_nai, to_cao */
    const char *channel;          /* "reception" */
    const char *subject, *content, *name, *phone, *email, *address;
    const char *source_ref;       /* "reception:<id>" */
    const char *id_number;        /* the citizen's ID as recorded, or "" */
    int64_t received_at;          /* when the citizen was received */
} reception_feedback;
/* The feedback kind a reception of this kind proposes ("khieu_nai" -> "khieu_nai", ...). */
const char *reception_feedback_kind(const char *reception_kind);
/* Turns reception id into feedback of kind (one of the six), one write with the feedback's
 * own intake: 409 when already turned; the feedback's own refusals (422) undo everything. */
int reception_convert(db *d, arena *a, int64_t id, const char *kind, int64_t actor_id, int64_t now, const char **ref,
                      err *e);
/* The feedback a reception becomes, prefilled (for a form or the converter). */
bool reception_feedback_of(db *d, arena *a, int64_t id, const char *kind, reception_feedback *out);

/* ---- dialogues (dialogue.c) ---------------------------------------------------------------- */

#define DIALOGUE_NKINDS 3
extern const char *const dialogue_kinds[DIALOGUE_NKINDS][2];

typedef struct {
    int64_t unit_id;
    const char *kind, *title, *agenda, *place;
    const char *starts_at, *ends_at;   /* "dd/mm/yyyy HH:MM"; ends_at may be "HH:MM" the same day */
    const char *chair_name, *invited;
} dialogue_input;

int dialogue_create(db *d, arena *a, const dialogue_input *in, int64_t actor_id, int64_t now, int64_t *id, err *e);
/* announced: 422 when fewer days remain than the notice the rule in force asks. */
int dialogue_announce(db *d, arena *a, int64_t id, int64_t actor_id, int64_t now, err *e);
int dialogue_hold(db *d, arena *a, int64_t id, const char *attendance, const char *minutes, int64_t actor_id,
                  int64_t now, err *e);
int dialogue_publish(db *d, arena *a, int64_t id, int64_t actor_id, int64_t now, err *e);
/* A new time for a planned or announced dialogue; an announced one needs a reason and the
 * notice again, and shows its earlier time publicly ("dời lịch", Luật TCD Art. 24(4) alike). */
int dialogue_reschedule(db *d, arena *a, int64_t id, const char *starts_at, const char *ends_at, const char *reason,
                        int64_t actor_id, int64_t now, err *e);
int dialogue_cancel(db *d, arena *a, int64_t id, const char *reason, int64_t actor_id, int64_t now, err *e);
int dialogue_issue_add(db *d, arena *a, int64_t id, const char *content, const char *raised_by, const char *answer,
                       const char *assignee, const char *due, int64_t actor_id, int64_t now, int64_t *issue_id,
                       err *e);
int dialogue_issue_close(db *d, arena *a, int64_t id, int64_t issue_id, const char *result, int64_t actor_id,
                         int64_t now, err *e);

json_t *dialogue_get(db *d, arena *a, int64_t id, int64_t now);   /* with its issues; NULL unknown */
int64_t dialogue_unit_of(db *d, int64_t id);
/* public: only announced and held dialogues (minutes and issues once published) */
json_t *dialogue_list(db *d, arena *a, int64_t unit_id, bool public_only, int64_t now);
/* The dialogue's written notice (minutes = false; not once cancelled) or its minutes with the
 * issues and their follow-up (minutes = true; once held), as A4 PDF (reception_pdf.c). */
int dialogue_pdf(db *d, arena *a, int64_t id, bool minutes, int64_t now, buf *out, err *e);
/* The days of notice a dialogue of kind on day asks, and the rule's basis. */
int dialogue_notice_days(db *d, arena *a, const char *kind, int64_t starts_at, const char **basis);

/* The demo's schedules, receptions and dialogues (reception_demo.c): reception_demo writes them
 * for the demo's first units (the two communes and the department of data/demo) in a db_write of
 * its own; reception_demo_unit writes about two years (2024-12-01 to the day of now) for one
 * unit and must run INSIDE the caller's db_write (it writes, never begins or commits): the
 * chairman's weekly schedule and sessions, regular and ad hoc receptions (some turned into
 * feedback, some concluded in writing, a few refused), and a few dialogues a year with their
 * issues followed to closure. The same seed, unit and now give the same rows. 0 or -1. */
int reception_demo(db *d, arena *a, int64_t now, err *e);
int reception_demo_unit(db *d, int64_t unit_id, int64_t now, uint64_t seed, err *e);

/* ---- pages (reception_web.c) ------------------------------------------------------------ */

int64_t scope_reception_unit(struct req *r);     /* ?don_vi=CODE, else the user's unit */
int64_t scope_reception_param(struct req *r);    /* the unit of reception {id} */
int64_t scope_dialogue_param(struct req *r);     /* the unit of dialogue {id} */
int64_t scope_reception_slot_param(struct req *r); /* the unit of schedule row {id} */

void page_reception_schedule_public(struct req *r);   /* GET /don-vi/{code}/lich-tiep-dan */
void page_reception_ics(struct req *r);                /* GET /don-vi/{code}/lich-tiep-dan.ics */
void page_dialogues_public(struct req *r);             /* GET /don-vi/{code}/doi-thoai */
void page_dialogue_show(struct req *r);                /* GET /doi-thoai/{id} */

void page_reception_list(struct req *r);          /* GET /tiep-cong-dan */
void page_reception_new(struct req *r);           /* GET /tiep-cong-dan/moi */
void page_reception_create(struct req *r);        /* POST /tiep-cong-dan */
void page_reception_register_pdf(struct req *r);  /* GET /tiep-cong-dan/so.pdf */
void page_reception_register_xlsx(struct req *r); /* GET /tiep-cong-dan/so.xlsx */
void page_reception_schedule(struct req *r);      /* GET /tiep-cong-dan/lich */
void page_reception_schedule_add(struct req *r);  /* POST /tiep-cong-dan/lich */
void page_reception_schedule_remove(struct req *r); /* POST /tiep-cong-dan/lich/{id}/xoa */
void page_reception_show(struct req *r);          /* GET /tiep-cong-dan/{id} */
void page_reception_action(struct req *r);        /* POST /tiep-cong-dan/{id}/{action} */
void page_reception_conclusion_pdf(struct req *r); /* GET /tiep-cong-dan/{id}/ket-luan.pdf */
void page_reception_refusal_pdf(struct req *r);   /* GET /tiep-cong-dan/{id}/tu-choi.pdf */

void page_dialogue_list(struct req *r);           /* GET /doi-thoai */
void page_dialogue_create(struct req *r);         /* POST /doi-thoai */
void page_dialogue_action(struct req *r);         /* POST /doi-thoai/{id}/{action} */
void page_dialogue_issue_close(struct req *r);    /* POST /doi-thoai/{id}/van-de/{issue}/dong */
void page_dialogue_pdf(struct req *r);            /* GET /doi-thoai/{id}/{doc}.pdf: thong-bao, bien-ban */

/* Reception and dialogues of each unit of the subtree of root_id for the period [from, to)
 * (instants), one row per unit that has any, in unit id order (reception_counts.c says what
 * each count is). 0, or -1 on a database error. */
typedef struct {
    int64_t unit_id;
    int64_t receptions, people;         /* register rows received, citizens they stand for */
    int64_t sessions;                   /* days the chairman received citizens (periodic or ad hoc) */
    int64_t weeks_with_session;         /* Monday-to-Sunday weeks with such a day */
    int64_t dialogues_held;
} reception_unit_counts;
int reception_counts_by_unit(db *d, arena *a, int64_t root_id, int64_t from, int64_t to,
                             reception_unit_counts **rows, size_t *n);

#endif
