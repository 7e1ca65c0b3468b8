/* message.h -- the pure parts of the notification outbox (no I/O), inside src/notify only:
 * the {{variable}} substitution of message templates, the checks of addresses and phone
 * numbers, Vietnamese text without diacritics for SMS, and the RFC 5322 / MIME e-mail.
 * Kept apart so the unit tests and the fuzz target drive them directly.
 *
 * Why a substitution of our own rather than core/template.h: that engine escapes every value
 * for HTML, and these messages are plain text (an SMS, a text/plain e-mail), where
 * "&amp;" would reach the citizen as written. */
#ifndef TT_NOTIFY_MESSAGE_H
#define TT_NOTIFY_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"

/* The variables a template may use, in the order the staff page lists them. */
enum { NV_CODE, NV_SECRET, NV_NAME, NV_PROCEDURE, NV_DUE, NV_NEW_DUE, NV_REASON, NV_UNIT, NV_LINK, NV_TITLE, NV_RATING_LINK, NOTIFY_NVARS };
extern const char *const notify_var_names[NOTIFY_NVARS];

/* Replaces each {{name}} (spaces allowed inside the braces) by values[i] of the variable
 * named notify_var_names[i]; a NULL value is empty. Anything else -- an unknown name, braces
 * that do not close -- is copied as written. Never fails. */
char *notify_subst(arena *a, const char *tmpl, const char *const values[NOTIFY_NVARS]);

/* 0 when every "{{" in tmpl opens a placeholder of a known variable; otherwise -1 and *bad
 * is the offending placeholder as written (at most 40 bytes, whole UTF-8 characters). */
int notify_subst_check(arena *a, const char *tmpl, const char **bad);

/* Vietnamese letters without their marks, case kept ("Đăng ký" -> "Dang ky"): what an SMS
 * gateway sends as 7-bit GSM text, 160 characters a message instead of 70. s must be UTF-8. */
char *notify_unaccent(arena *a, const char *s);
bool notify_is_ascii(const char *s);

/* Replaces CR, LF and TAB by spaces (a subject is one line). */
char *notify_one_line(arena *a, const char *s);

/* An e-mail address we are willing to put in RCPT TO and a To: header: printable ASCII,
 * one '@', a dotted domain, no spaces or header specials, at most 254 bytes. */
bool notify_email_ok(const char *s);
/* "0912 345 678", "+84 912.345.678" -> "0912345678", "+84912345678"; NULL when it is not 9
 * to 15 digits (with an optional leading +) after spaces, dots, dashes and parentheses. */
char *notify_phone_normalize(arena *a, const char *s);

/* Splits "Tên hiển thị <addr@host>" or "addr@host" into its parts (name may be ""); false
 * when the address is not notify_email_ok. */
bool notify_mailbox_split(arena *a, const char *mailbox, const char **name, const char **addr);

/* Appends text as a header value after `used` bytes of the line ("Subject: " is 9): as is
 * when it is short printable ASCII, else as RFC 2047 =?UTF-8?B?...?= words split at whole
 * UTF-8 characters, folded with CRLF SP, no line longer than 76. CR/LF in text become
 * spaces. Returns the length of the last line written. */
size_t notify_header_words(buf *b, const char *text, size_t used);

typedef struct {
    const char *from;         /* "Thân Thiện <no-reply@example.vn>" */
    const char *to;           /* a bare address */
    const char *subject;
    const char *body;         /* UTF-8 plain text, \n line ends */
    int64_t date;             /* Unix seconds; written in Vietnam time, +0700 */
    const char *message_id;   /* "<...@...>" */
} notify_mail;

/* The whole message, CRLF line ends: From, To, Subject, Date, Message-ID, MIME-Version,
 * Content-Type text/plain; charset=UTF-8, Content-Transfer-Encoding base64 (7-bit safe,
 * short lines, no dot-stuffing surprises), Auto-Submitted, then the body. NULL when from or
 * to is not a good address. */
char *notify_mail_build(arena *a, const notify_mail *m);

/* "Tue, 07 Apr 2026 09:15:00 +0700" (RFC 5322, English names whatever the locale). */
void notify_rfc5322_date(int64_t t, char out[40]);

#endif
