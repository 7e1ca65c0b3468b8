/* validate.c -- the checks of what an applicant gives at intake (phone, citizen ID, e-mail):
 * pure functions over the text, so the fuzz target can run them without a database. */
#include <ctype.h>
#include <string.h>

#include "../core/text.h"
#include "../notify/notify.h"
#include "dossier.h"

/* Digits of s with spaces, dots and hyphens dropped; NULL if anything else is in it. */
static char *digits_only(arena *a, const char *s)
{
    size_t n = strlen(s);
    char *out = arena_alloc(a, n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isdigit(c)) *o++ = (char)c;
        else if (c != ' ' && c != '.' && c != '-') return NULL;
    }
    *o = 0;
    return out;
}

const char *dossier_check_phone(arena *a, const char *s, const char *field, err *e)
{
    char out[16];
    if (!text_phone_vn(s, out)) {
        err_set(e, 400, N_("Số điện thoại không hợp lệ: nhập 10 chữ số bắt đầu bằng 03, 05, 07, 08, 09 (hoặc số bàn 11 chữ số bắt đầu bằng 02)."),
                "bad phone");
        err_field(e, field);
        return NULL;
    }
    return arena_strdup(a, out);
}

const char *dossier_check_citizen_id(arena *a, const char *s, const char *field, err *e)
{
    char *d = digits_only(a, s ? s : "");
    /* 12 digits; the first three are the province of birth registration (001–096) */
    int province = d && strlen(d) == 12 ? (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0') : 0;
    if (!d || strlen(d) != 12 || province < 1 || province > 96) {
        err_set(e, 400, N_("Số định danh cá nhân (căn cước) phải có đúng 12 chữ số, bắt đầu bằng mã tỉnh nơi đăng ký khai sinh (001–096)."),
                "bad citizen id");
        err_field(e, field);
        return NULL;
    }
    return d;
}

const char *dossier_check_email(arena *a, const char *s, const char *field, err *e)
{
    /* the outbox's rule, so an address accepted here is one a message can be sent to */
    if (!s || !notify_email_ok(s)) {
        err_set(e, 400, N_("Địa chỉ thư điện tử không hợp lệ (ví dụ đúng: ten@example.vn)."), "bad email");
        err_field(e, field);
        return NULL;
    }
    return arena_strdup(a, s);
}

