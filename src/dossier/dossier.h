/* dossier.h -- the one-stop dossier (hồ sơ): intake, the control sheet, states, apologies,
 * return, and tracking by citizens (research/legal.md §1, DESIGN.md "The one-stop dossier").
 *
 * States and the actions that move them:
 *
 *   received ──handover──▶ in_progress ──handover──▶ in_progress
 *      │ │ │                  │ │ │
 *      │ │ └──finish──────────┼─┼─┴──finish──▶ done ──return──▶ returned
 *      │ └───supplement───────┴─┼──────────▶ supplement ──resume──▶ in_progress
 *      └─────refuse / withdraw──┴──────────▶ refused / withdrawn
 *
 * A supplement may be requested once; it stops the clock, and the resume restarts it: the
 * due time is counted again from the resume, in full. A dossier past its due time is late;
 * only an apology (with a reason and a new date, counted and notified) moves the due time.
 * Every action is one write transaction with its control-sheet row, its audit row and its
 * notification: all or nothing. */
#ifndef TT_DOSSIER_H
#define TT_DOSSIER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/calendar.h"
#include "../core/err.h"
#include "../store/db.h"
#include "forms.h"

typedef struct {
    int64_t unit_id;              /* the receiving unit */
    int64_t procedure_id;
    const char *applicant_name;
    const char *applicant_phone;
    const char *applicant_id_number;
    const char *applicant_address;
    const char *applicant_email;
    const char *channel;          /* desk, online, post, post_office, mobile, home */
    const char *return_method;    /* desk, post, online */
    const bool *papers_checked;   /* one per line of the procedure's papers; NULL = all */
    size_t npapers_checked;
    const char *const *papers_kind; /* one per line: "original" (bản chính), "copy" (bản sao) or
                                       NULL; NULL = none recorded */
    int sets;                     /* 0 = 1 */
    const char *booking_code;     /* a citizen's booking that turns into this dossier, or NULL */
    bool no_letters;              /* the applicant declines congratulation / condolence letters */
    const char *applicant_sex;    /* "male" or "female" as on the citizen ID card; NULL or "" not recorded
                                     (letters then cannot say ông or bà) */
    const char *intake_key;       /* the form's idempotency key, reserved in intake_keys, or NULL:
                                     it records the dossier in the same commit, so a crash never
                                     leaves a saved dossier whose key says otherwise */
    int64_t received_at;
} dossier_intake;

typedef struct {
    int64_t id;
    char code[64];
    char secret[16];
    int64_t due_at;
} dossier_created;

/* Checks, issues the code and secret, saves durably (the commit is fsync'd), audits and
 * queues the receipt notification. Field errors name the form field (e->field). */
int dossier_create(db *d, arena *a, const dossier_intake *in, int64_t actor_id, dossier_created *out,
                   err *e);
/* Every fault of the applicant's fields at once (the intake form lists them all), at most
 * max into errs; returns how many. dossier_create still checks and reports the first. */
int dossier_intake_faults(arena *a, const dossier_intake *in, err *errs, int max);

/* The actions; each checks the state machine and refuses an illegal move with a message. */
typedef struct {
    int64_t actor_id;
    int64_t now;
    int64_t to_user_id;           /* handover */
    int64_t step_due_at;          /* handover: the step's own deadline; 0 = the dossier's */
    const char *note;
    const char *reason;           /* supplement, refusal, withdrawal, apology */
    const char *papers;           /* supplement: papers to add, one a line */
    const char *new_due_date;     /* apology: YYYY-MM-DD */
    const char *return_method;    /* return: desk, post, online */
    const char *postal_tracking;  /* return by post */
    const char *fee_paid;         /* return: đồng, as typed */
    const char *fee_note;
    const char *visits;           /* return: trips the citizen made */
    /* finish, for a procedure that proposes a letter (catalog_letter_occasion): whom the result
     * names -- the child, the other spouse, the deceased -- their sex ("male", "female") and the
     * day of the birth, marriage or death ("DD/MM/YYYY" or "YYYY-MM-DD"); each may be blank */
    const char *result_person, *result_person_sex, *result_event_date;
} dossier_action;

int dossier_handover(db *d, arena *a, int64_t id, const dossier_action *act, err *e);
int dossier_request_supplement(db *d, arena *a, int64_t id, const dossier_action *act, err *e);
int dossier_resume(db *d, arena *a, int64_t id, const dossier_action *act, err *e);
int dossier_finish(db *d, arena *a, int64_t id, const dossier_action *act, err *e);
int dossier_return(db *d, arena *a, int64_t id, const dossier_action *act, err *e);
int dossier_refuse(db *d, arena *a, int64_t id, const dossier_action *act, err *e);
int dossier_withdraw(db *d, arena *a, int64_t id, const dossier_action *act, err *e);
int dossier_apologize(db *d, arena *a, int64_t id, const dossier_action *act, err *e);
/* Whether an apology may be made now for a dossier of this unit due at due_at: it is late, or
 * due within one working day (the apology goes out at the latest the day before the due date,
 * research/legal.md §1.3). The dossier page offers the apology only then. */
bool dossier_apology_window(db *d, int64_t unit_id, int64_t due_at, int64_t now);

/* The latest new due day an apology may promise at `now`: the procedure's own time limit
 * again (at least one working day), in the unit's working days from today or from the old
 * due day if that is later; -1 for an unknown dossier. Pages name it next to the field. */
cal_day dossier_apology_latest(db *d, int64_t id, int64_t now);
/* The applicant's choice about congratulation and condolence letters, changed after intake
 * (a call, a visit): any state; audited; listeners hear "letters_declined" when it turns off. */
int dossier_set_letters_ok(db *d, arena *a, int64_t id, bool ok, const dossier_action *act, err *e);

/* Events other features act on (letters of care). A listener runs inside the action's write
 * transaction, after the action's own rows: its rows commit with the action, and its
 * failure (-1 with e filled) rolls the whole action back. */
typedef struct {
    const char *kind;             /* "done": the result is ready; "apology": a late dossier's apology;
                                     "letters_declined": the applicant no longer wants letters */
    int64_t dossier_id;
    int64_t notice_id;            /* apology: its notice (dossier_notice_get) */
    int64_t actor_id;
    int64_t at;
} dossier_event;
typedef int (*dossier_event_fn)(db *d, arena *a, const dossier_event *ev, err *e);

/* Adds a listener; at start-up, before any action runs (at most four; twice is once). */
void dossier_listen(dossier_event_fn fn);
/* Calls fn for every result and apology since `since` (Unix seconds), oldest first, as the
 * listener would have heard them (the demo's history). Inside the caller's transaction.
 * Returns how many, or -1 with e filled when fn fails. */
int dossier_replay(db *d, arena *a, int64_t since, dossier_event_fn fn, err *e);

/* What another feature may read of a dossier (strings in a). false when unknown. */
typedef struct {
    int64_t id, unit_id, procedure_id, received_at, due_at, done_at;
    const char *code, *status, *procedure_name;
    const char *applicant_name, *applicant_address, *applicant_phone, *applicant_email;
    bool letters_ok;              /* false: the applicant declined congratulation / condolence letters */
    const char *applicant_sex;    /* "male", "female" or "" */
    const char *result_person, *result_person_sex, *result_event_date;   /* as finished; "" unknown; date ISO */
} dossier_brief;
bool dossier_brief_get(db *d, arena *a, int64_t id, dossier_brief *out);
/* A sex as forms send it: "male", "female", or blank (not recorded). */
bool dossier_sex_ok(const char *sex);
int64_t dossier_id_by_code(db *d, const char *code);               /* -1 when unknown */
/* What a rating of the dossier needs (src/survey/rating.c): the dossier whose code matches
 * and, when secret is not NULL, whose lookup secret matches too (compared in constant time,
 * letters in any case). false when the code is unknown or the secret wrong (not told apart). */
typedef struct {
    int64_t id, unit_id, procedure_id, done_at, returned_at;
    int64_t resolver_id;          /* who recorded the result (the 'done' step); 0 when none */
    const char *code, *status, *procedure_name, *resolver_name;
} dossier_handled;
bool dossier_handled_get(db *d, arena *a, const char *code, const char *secret, dossier_handled *out);

typedef struct {
    int64_t id, dossier_id, at, old_due_at, new_due_at;
    const char *kind, *reason;
} dossier_notice_brief;
bool dossier_notice_get(db *d, arena *a, int64_t notice_id, dossier_notice_brief *out);

/* Reading. */
json_t *dossier_get(db *d, arena *a, int64_t id, int64_t now);      /* staff view; NULL if unknown */
int64_t dossier_unit_of(db *d, int64_t id);                        /* receiving unit; -1 unknown */
int64_t dossier_resolving_unit_of(db *d, int64_t id);
/* Who may receive the dossier from actor_id: active officers, specialists and leaders of the
 * receiving or resolving unit, never the giver; specialists first. One is "selected": the
 * one who most often received this procedure's dossiers at this unit over the last year. */
json_t *dossier_handover_candidates(db *d, arena *a, int64_t id, int64_t actor_id, int64_t now);
/* The citizen's view: status and timeline, no personal data. NULL when the code is unknown
 * or the secret wrong (the two are not told apart). */
json_t *dossier_track(db *d, arena *a, const char *code, const char *secret, int64_t now);
/* The same view as JSON text in the arena, written without a jansson tree (the API's answer:
 * the most frequent request there is); NULL as above. */
const char *dossier_track_json(db *d, arena *a, const char *code, const char *secret, int64_t now);

typedef struct {
    int64_t unit_id;              /* 0: every unit of the viewer is checked by the caller */
    int64_t assignee_id;          /* inbox: what waits on this official */
    const char *status;           /* NULL: any; "open": received/in_progress/supplement */
    const char *q;                /* code, name or phone (folded) */
    bool late_board;              /* open dossiers late or due within two working days */
    int64_t desk_unit_id;         /* with assignee_id, a desk officer's inbox: also the desk's own
                                     dossiers of this unit (not handed over, results to return) */
    const char *due;              /* NULL; "late": open and past due; "today": open, due later today */
    bool subtree;                 /* unit_id and every unit below it (an administrator's, an assessor's view) */
    int limit, offset;
} dossier_query;
json_t *dossier_list(db *d, arena *a, const dossier_query *q, int64_t now, int64_t *total);

/* The dashboard's numbers, each the total of the list it links to. mine: the inbox (for a
 * desk officer with the desk's dossiers); due_today, late: open dossiers of the unit, or the
 * user's own when unit_wide is false; to_return: results waiting at the unit's desk. */
typedef struct {
    int64_t mine, due_today, late, to_return;
} dossier_counts_t;
void dossier_counts(db *d, arena *a, int64_t unit_id, int64_t user_id, bool desk_officer, bool unit_wide, int64_t now,
                    dossier_counts_t *out);

/* The official forms for one dossier. kind: "slip", "supplement", "refusal", "apology",
 * "control". notice_id picks an earlier supplement request, refusal or apology (0: the
 * latest). base_url makes the QR code's tracking link absolute. */
int dossier_form(db *d, arena *a, int64_t id, const char *kind, int64_t notice_id, const char *base_url, buf *out,
                 err *e);

/* Validators shared by intake and other public forms; each returns a normalised copy in the
 * arena, or NULL with e filled (field set). */
const char *dossier_check_phone(arena *a, const char *s, const char *field, err *e);
const char *dossier_check_citizen_id(arena *a, const char *s, const char *field, err *e);
const char *dossier_check_email(arena *a, const char *s, const char *field, err *e);

/* Labels (Vietnamese msgids) for the fixed lists. */
const char *dossier_status_label(const char *status);
const char *dossier_channel_label(const char *channel);
const char *dossier_return_label(const char *method);

/* The address citizens reach the site at ("https://motcua.example.vn"), for the tracking
 * links in messages; set once by `serve` before it starts. */
void dossier_set_public_url(const char *url);

/* Due-soon warnings: queues one notification per open dossier due within a working day that
 * has not been warned yet. Returns how many were queued. */
int dossier_warn_due_soon(db *d, arena *a, int64_t now, err *e);

/* The limit on wrong code/secret guesses at tracking (track_limit.c): per dossier code and
 * client address (an IPv6 address by its /64) 10 an hour, per address 100 in 10 minutes;
 * only failures count, and one client's failures never make another wait.
 * wait: seconds the lookup must still wait, 0 when it may go ahead. */
int64_t track_limit_wait(const char *ip, const char *code, int64_t now);
void track_limit_failed(const char *ip, const char *code, int64_t now);
void track_limit_reset(void);   /* tests */

/* Pages (dossier_web.c). */
struct req;
void page_intake_form(struct req *r);
void page_intake(struct req *r);
void page_dossier_list(struct req *r);
void page_dossier_inbox(struct req *r);
void page_dossier_board(struct req *r);
void page_dossier_show(struct req *r);
void page_dossier_action(struct req *r);
void page_dossier_pdf(struct req *r);
void page_track(struct req *r);
void api_dossier(struct req *r);
int64_t scope_dossier_param(struct req *r);

/* Personal data as viewers outside the dossier's own unit see it (dossier_mask.c): an
 * administrator or a provincial assessor above the unit reads "N. V. A.", "**********78", no
 * address, no lookup secret. dossier_mask_json masks those keys of a dossier's view model (a
 * list row or dossier_get) where present, and sets "masked": true. */
const char *dossier_mask_name(arena *a, const char *name);
const char *dossier_mask_digits(arena *a, const char *s);
void dossier_mask_json(arena *a, json_t *o);

#endif
