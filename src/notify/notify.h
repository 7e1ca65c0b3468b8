/* notify.h -- the notification outbox: receipt, supplement request, due-soon warning,
 * apology and result-ready messages to citizens, by email (SMTP through libcurl) and by an
 * SMS / Zalo OA HTTP gateway.
 *
 * A feature enqueues inside its own write transaction, so a message exists exactly when the
 * change that caused it was committed. A sender thread delivers due rows, retrying failures
 * with exponential backoff up to a limit; rows live in the database, so nothing is lost when
 * the server stops. Message texts are per-unit templates (Vietnamese), with defaults. */
#ifndef TT_NOTIFY_H
#define TT_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/err.h"
#include "../store/db.h"

/* Events, by name: "receipt", "supplement", "refusal", "due_soon", "apology", "result_ready". */
typedef struct {
    int64_t unit_id;            /* whose templates and sender name */
    int64_t dossier_id;         /* 0 when not about a dossier */
    const char *event;
    const char *email;          /* recipient address or NULL/"" */
    const char *phone;          /* recipient phone (SMS / Zalo) or NULL/"" */
    /* template variables: {{code}} {{secret}} {{name}} {{procedure}} {{due}} {{new_due}}
     * {{reason}} {{unit}} {{link}} */
    const char *code, *secret, *name, *procedure, *due, *new_due, *reason, *unit, *link;
} notify_msg;

/* Queues one row per channel that has a recipient (email; sms and/or zalo when a gateway of
 * that kind is configured... or always, and the sender marks them 'skipped'). Must be called
 * inside the caller's write transaction. Returns rows queued, -1 on error. */
int notify_enqueue(db *d, const notify_msg *m, err *e);

typedef struct {
    const char *smtp_url;       /* "smtp://127.0.0.1:2525" or smtps://...; NULL = no email */
    const char *smtp_user, *smtp_password;
    const char *mail_from;      /* "Thân Thiện <no-reply@...>" */
    const char *sms_url;        /* SMS gateway endpoint (HTTP POST JSON); NULL = none */
    const char *zalo_url;       /* Zalo OA gateway endpoint; NULL = none */
    const char *gateway_key;    /* sent as "Authorization: Bearer KEY" */
    int poll_seconds;           /* how often the sender looks for due rows */
    int max_attempts;           /* then the row is 'failed' for good */
    int backoff_seconds;        /* first retry delay; doubles each attempt */
} notify_config;

/* Starts / stops the sender thread (serve). */
int notify_start(db_pool *pool, const notify_config *cfg, err *e);
void notify_stop(void);
/* One pass over due rows, synchronously (tests, `thanthien notify --once`): rows attempted. */
int notify_run_once(db_pool *pool, const notify_config *cfg);

#endif
