/* subst.h -- {{name}} placeholders in plain-text templates: the words of messages
 * (src/notify) and of letters (src/letter), which staff write and the program fills in.
 *
 * A placeholder is "{{", optional spaces, a name of a-z, 0-9 and _ (1 to 32 characters),
 * optional spaces, "}}". Only names in the caller's list count; anything else, an unknown
 * name or braces that never close, is copied as written by subst() and reported by
 * subst_check(), so a typo is caught when the template is saved, not by a citizen.
 *
 * Why not core/template.h: that engine escapes every value for HTML, and these texts are
 * plain (an SMS, a text/plain e-mail, a PDF), where "&amp;" would reach the reader as written. */
#ifndef TT_SUBST_H
#define TT_SUBST_H

#include <stddef.h>

#include "arena.h"

/* Replaces each placeholder of names[i] by values[i] (NULL values are empty). Never fails. */
char *subst(arena *a, const char *tmpl, const char *const *names, size_t n, const char *const *values);

/* 0 when every "{{" in tmpl opens a placeholder of a known name; otherwise -1 and *bad is the
 * offending text as written (at most 40 bytes, whole UTF-8 characters). */
int subst_check(arena *a, const char *tmpl, const char *const *names, size_t n, const char **bad);

#endif
