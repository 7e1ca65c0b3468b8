/* err.c -- see err.h. */
#include "err.h"

#include <stdarg.h>

void err_set(err *e, int status, const char *umsg, const char *logfmt, ...)
{
    if (!e) return;
    e->status = status;
    snprintf(e->user, sizeof e->user, "%s", umsg);
    va_list ap;
    va_start(ap, logfmt);
    vsnprintf(e->log, sizeof e->log, logfmt, ap);
    va_end(ap);
}

void err_field(err *e, const char *name)
{
    if (e) snprintf(e->field, sizeof e->field, "%s", name);
}
