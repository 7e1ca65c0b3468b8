/* rating_scan.c -- what the desk tablet's code field holds, read without I/O (rating.h): a
 * dossier code typed by hand ("05443-261203-0001", in any case, with spaces), or the slip's QR
 * code typed in by the desk's scanner, which is the tracking link
 * "https://…/tra-cuu?ma=CODE&bm=SECRET". Pure, so tests/fuzz/fuzz_rating_scan.c drives it. */
#include <string.h>

#include "../kit/form.h"
#include "rating.h"

const char *rating_printed(arena *a, const char *typed)
{
    char *out = arena_alloc(a, strlen(typed ? typed : "") + 1), *o = out;
    for (const char *p = typed ? typed : ""; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') *o++ = (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p;
    *o = '\0';
    return out;
}

void rating_scan(arena *a, const char *typed, const char *typed_secret, const char **code, const char **secret)
{
    *code = rating_printed(a, typed);
    *secret = rating_printed(a, typed_secret);
    const char *q = typed ? strchr(typed, '?') : NULL;
    kv *args = NULL;
    if (q && form_parse_urlencoded(a, q + 1, strlen(q + 1), &args) == 0)
        for (kv *k = args; k; k = k->next) {
            if (!strcmp(k->name, "ma")) *code = rating_printed(a, k->value);
            else if (!strcmp(k->name, "bm")) *secret = rating_printed(a, k->value);
        }
}
