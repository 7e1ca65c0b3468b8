/* err.h -- the error every fallible function fills: a message for the user (Vietnamese,
 * a msgid translated at the edge), a message for the log, and the HTTP status that fits. */
#ifndef TT_ERR_H
#define TT_ERR_H

#include <stdio.h>

typedef struct {
    int status;         /* HTTP status that fits (400, 403, 404, 409, 500, ...); 0 = no error */
    char user[512];     /* Vietnamese, safe to show; a gettext msgid */
    char log[512];      /* detail for the log, never shown to the user */
    char field[64];     /* the form field at fault, if any */
} err;

/* Marks a Vietnamese UI string for translation where it is defined (xgettext -kN_); the
 * web layer translates it where it is shown. */
#define N_(s) s

/* Fills e (which may be NULL): umsg is the user's message, the rest a printf for the log. */
void err_set(err *e, int status, const char *umsg, const char *logfmt, ...)
    __attribute__((format(printf, 4, 5)));
void err_field(err *e, const char *name);

#endif
