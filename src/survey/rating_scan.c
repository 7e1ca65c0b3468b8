/* rating_scan.c -- what the desk tablet's code field holds, read without I/O (rating.h): a
 * dossier code typed by hand ("05443-261203-0001", in any case, with spaces), or the slip's QR
 * code typed in by the desk's scanner, which is the tracking link
 * "https://…/tra-cuu?ma=CODE&bm=SECRET". Pure, so tests/fuzz/fuzz_rating_scan.c drives it. */
#include <string.h>

#include "../core/text.h"
#include "../kit/form.h"
#include "rating.h"

void rating_scan(arena *a, const char *typed, const char *typed_secret, const char **code, const char **secret)
{
    *code = text_code_printed(a, typed);
    *secret = text_code_printed(a, typed_secret);
    const char *q = typed ? strchr(typed, '?') : NULL;
    kv *args = NULL;
    if (q && form_parse_urlencoded(a, q + 1, strlen(q + 1), &args) == 0)
        for (kv *k = args; k; k = k->next) {
            if (!strcmp(k->name, "ma")) *code = text_code_printed(a, k->value);
            else if (!strcmp(k->name, "bm")) *secret = text_code_printed(a, k->value);
        }
}
