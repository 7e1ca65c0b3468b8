/* notify.h -- the notification outbox: receipt, supplement request, refusal, due-soon warning,
 * apology and result-ready messages, by e-mail (SMTP through libcurl) and by an SMS / Zalo OA
 * HTTP gateway.
 *
 * A feature enqueues inside its own write (its db_write function, on the connection it is
 * given), so a message exists exactly when the change that caused it was committed (a
 * rolled-back intake leaves no message). A sender thread delivers due rows, retrying
 * failures with exponential backoff up to a limit; rows live in the database, so nothing is
 * lost when the server stops. Delivery is at least once: a message sent just before a crash,
 * whose result was not yet recorded, is sent again (the gateway receives the outbox id to
 * drop such a repeat).
 *
 * Message texts are per-unit templates in Vietnamese: a unit's own, else its nearest
 * ancestor's (a province words them once for its communes), else the built-in default.
 * SMS: a template written without diacritics is sent without diacritics, the values (names,
 * procedure) included, so a message fits the 160 characters of one GSM SMS instead of the 70
 * of a Unicode one; the built-in defaults keep their diacritics (and are short), and a unit
 * may choose to send every SMS without diacritics (notify_sms_plain; its communes inherit the
 * choice), as clean GSM-7 text (core/text.h text_gsm7). */
#ifndef TT_NOTIFY_H
#define TT_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../core/text.h"
#include "../store/db.h"

/* Events, by name: "receipt", "supplement", "refusal", "due_soon", "apology", "result_ready",
 * "letter" (a letter of care sent electronically: its link, src/letter), "booking_code" (the
 * 6-digit code that confirms a public booking, src/booking: {{code}} the booking, {{secret}}
 * the code, {{due}} the time booked).
 * due_soon is a warning to the official in charge (the caller gives their e-mail / phone);
 * the others go to the applicant. */
typedef struct {
    int64_t unit_id;            /* whose templates; whose staff see the row */
    int64_t dossier_id;         /* 0 when not about a dossier */
    const char *event;
    const char *email;          /* recipient address or NULL/"": one 'email' row when given */
    const char *phone;          /* recipient phone or NULL/"": one 'sms' row when given */
    bool zalo;                  /* ... and one 'zalo' row: the citizen asked for Zalo messages */
    /* template variables: {{code}} {{secret}} {{name}} {{procedure}} {{due}} {{new_due}}
     * {{reason}} {{unit}} {{link}} {{title}} {{rating_link}}; unit NULL means "UBND <the unit's name>" */
    const char *code, *secret, *name, *procedure, *due, *new_due, *reason, *unit, *link;
    const char *rating_link;    /* {{rating_link}}: the dossier's rating page (src/survey), for the result */
    const char *title;          /* {{title}}: a letter's name, "thư chúc mừng" (event "letter") */
} notify_msg;

/* Queues one row per channel that has a recipient, whatever is configured: a sender with
 * no endpoint for a channel marks its rows 'skipped' (staff may send them again once it is
 * configured). Must be called inside the caller's write (db_write). Returns rows queued,
 * -1 with e filled (400 for a bad address, phone or event). */
int notify_enqueue(db *d, const notify_msg *m, err *e);

typedef struct {
    const char *smtp_url;       /* "smtp://127.0.0.1:2525" or smtps://...; NULL = no email */
    const char *smtp_user, *smtp_password;
    const char *mail_from;      /* "Thân Thiện <no-reply@...>" */
    const char *sms_url;        /* SMS gateway endpoint (HTTP POST JSON); NULL = none */
    const char *zalo_url;       /* Zalo OA gateway endpoint; NULL = none */
    const char *gateway_key;    /* sent as "Authorization: Bearer KEY" */
    int poll_seconds;           /* how often the sender looks for due rows; 0 = 10 */
    int max_attempts;           /* then the row is 'failed' for good; 0 = 10 */
    int backoff_seconds;        /* first retry delay; doubles each attempt; 0 = 60 */
    int connect_timeout;        /* seconds; 0 = 5 */
    int timeout;                /* seconds for a whole delivery; 0 = 20 */
    int64_t (*clock)(void);     /* NULL = time(NULL); tests move time forward */
} notify_config;

/* True when any channel has an endpoint (serve starts the sender only then). */
bool notify_configured(const notify_config *cfg);
/* 0, or -1 with e filled (e->log in English for the command line): smtp(s):// and
 * http(s):// URLs, a valid --mail-from mailbox when e-mail is on, no password without a user. */
int notify_config_check(const notify_config *cfg, err *e);

/* Starts / stops the sender thread (serve). The thread blocks every signal, so the main
 * thread's sigwait() still gets SIGINT/SIGTERM; stop wakes it at once and aborts a delivery
 * in flight (the row is retried). The configuration is copied. */
int notify_start(db_pool *pool, const notify_config *cfg, err *e);
void notify_stop(void);
/* Asks a running sender to look now (after a commit that queued rows, or a retry). */
void notify_wake(void);

/* Rows of an event queued for a recipient (normalised as notify_enqueue does) since a time:
 * what a feature limits, e.g. the SMS codes a phone received in a day. -1 on error. */
int64_t notify_count_sent_to(db *d, const char *event, const char *recipient, int64_t since);

/* Whether the outbox can send to this e-mail address (the rule intake also applies). */
bool notify_email_ok(const char *s);
/* One pass over the rows due now, synchronously (tests, `thanthien notify --once`): rows
 * attempted, -1 when the database failed. */
int notify_run_once(db_pool *pool, const notify_config *cfg);

/* ---- SMS without diacritics, and what a message costs --------------------------------- */

/* The unit's choice, else its nearest ancestor's, else false. */
bool notify_sms_plain(db *d, int64_t unit_id);
/* Saves it in its own transaction, audited. */
int notify_sms_plain_save(db *d, int64_t unit_id, bool plain, int64_t actor_id, err *e);
/* The parts an SMS of this template costs at the unit, with typical values filled in. */
text_sms notify_sms_preview(db *d, arena *a, int64_t unit_id, const char *body);

/* ---- templates and the staff page ----------------------------------------------------- */

extern const char *const notify_events[];     /* the events above, NULL-terminated */
extern const char *const notify_channels[];   /* "email", "sms", "zalo", NULL */
const char *notify_event_label(const char *event);       /* Vietnamese msgid */
const char *notify_channel_label(const char *channel);   /* Vietnamese msgid */
const char *notify_status_label(const char *status);     /* Vietnamese msgid */

/* The template a unit uses: *source is "unit" (its own), "parent" (an ancestor's; *from_unit
 * names it) or "default". Strings live in a. */
typedef struct {
    const char *subject, *body, *source;
    int64_t from_unit;
} notify_template;
int notify_template_get(db *d, arena *a, int64_t unit_id, const char *event, const char *channel,
                        notify_template *out);

/* Saves a unit's own template in its own transaction, audited. An empty body deletes it
 * (back to the inherited or default text). Unknown {{variables}} are refused (400) with
 * *bad the placeholder as written. */
int notify_template_save(db *d, arena *a, int64_t unit_id, const char *event, const char *channel,
                         const char *subject, const char *body, int64_t actor_id, const char **bad, err *e);

/* A 'failed' or 'skipped' row back to 'pending', due now, with a fresh count of attempts;
 * in its own transaction, audited. */
int notify_retry(db *d, int64_t outbox_id, int64_t actor_id, err *e);
int64_t notify_outbox_unit(db *d, int64_t outbox_id);   /* -1 when unknown */

/* A unit's rows, newest first; status NULL for all. *total counts the matching rows. */
json_t *notify_outbox_list(db *d, int64_t unit_id, const char *status, int limit, int offset, int64_t *total);
json_t *notify_outbox_counts(db *d, int64_t unit_id);   /* {"pending": n, "sent": n, ...} */

/* Page handlers (notify_web.c). */
struct req;
void page_notify(struct req *r);
void page_notify_template_save(struct req *r);
void page_notify_retry(struct req *r);
void page_notify_sms_plain(struct req *r);   /* POST /thong-bao/sms-khong-dau */
int64_t scope_notify_query(struct req *r);    /* ?don_vi=CODE, else the viewer's unit */
int64_t scope_notify_outbox(struct req *r);   /* the unit of outbox row {id} */

#endif
