/* dossier_mask.c -- a dossier's personal data as viewers outside its own unit see it (an
 * administrator or a provincial assessor above it; ../shared/DESIGN.md, Security: personal data
 * only for the staff of the owning unit). The name keeps its initials ("N. V. A."), a phone or ID
 * number its last two digits, an e-mail its first two letters and its domain; the address and
 * the lookup secret are hidden. Pure but for the arena. */
#include <string.h>

#include "dossier.h"

const char *dossier_mask_name(arena *a, const char *name)
{
    buf b;
    buf_init(&b, a);
    buf_add(&b, "", 0);
    bool start = true;
    for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p;) {
        size_t len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        len = strnlen((const char *)p, len);
        if (*p == ' ') {
            start = true;
            p++;
            continue;
        }
        if (start) {
            if (b.len) buf_putc(&b, ' ');
            buf_add(&b, (const char *)p, len);
            buf_putc(&b, '.');
            start = false;
        }
        p += len;
    }
    return buf_cstr(&b);
}

const char *dossier_mask_digits(arena *a, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0) return "";
    if (n < 6) return "***";
    return arena_printf(a, "%.*s%s", (int)(n - 2), "************************", s + n - 2);
}

static const char *mask_email(arena *a, const char *s)
{
    const char *at = s ? strchr(s, '@') : NULL;
    if (!s || !*s) return "";
    if (!at) return "***";
    return arena_printf(a, "%.*s***%s", at - s > 2 ? 2 : (int)(at - s), s, at);
}

static void replace(json_t *o, const char *key, const char *value)
{
    if (json_object_get(o, key)) json_object_set_new(o, key, json_string(value));
}

void dossier_mask_json(arena *a, json_t *o)
{
    if (!json_is_object(o)) return;
    json_t *v;
    if ((v = json_object_get(o, "applicant_name"))) replace(o, "applicant_name", dossier_mask_name(a, json_string_value(v)));
    if ((v = json_object_get(o, "applicant_phone"))) replace(o, "applicant_phone", dossier_mask_digits(a, json_string_value(v)));
    if ((v = json_object_get(o, "applicant_id_number")))
        replace(o, "applicant_id_number", dossier_mask_digits(a, json_string_value(v)));
    if ((v = json_object_get(o, "applicant_email"))) replace(o, "applicant_email", mask_email(a, json_string_value(v)));
    if (json_object_get(o, "applicant_address")) replace(o, "applicant_address", "***");
    if (json_object_get(o, "secret")) replace(o, "secret", "");
    json_object_set_new(o, "masked", json_true());
}
