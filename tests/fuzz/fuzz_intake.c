/* fuzz_intake.c -- libFuzzer target for the intake form: the urlencoded body is decoded as
 * the server does (form.c, text_clean), then every value goes through the applicant checks
 * (src/dossier/validate.c) as phone, citizen ID and e-mail.
 *
 * Properties (abort() when violated):
 *   - an accepted phone is 0 and 9 digits starting 3/5/7/8/9, or 0 and 10 digits starting 2,
 *     and checking it again gives the same number;
 *   - an accepted citizen ID is exactly 12 digits whose first three are 001..096;
 *   - an accepted e-mail has one '@', no space or control byte, a dot after the '@';
 *   - a refusal always names the field and carries a 400 and a message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/arena.h"
#include "../../src/core/text.h"
#include "../../src/dossier/dossier.h"
#include "../../src/kit/form.h"

#define CHECK(cond)                                                                              \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz_intake: property violated: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

static bool all_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

static void refused_well(const err *e, const char *field)
{
    CHECK(e->status == 400);
    CHECK(e->user[0] != '\0');
    CHECK(!strcmp(e->field, field));
}

static void check_value(arena *a, const char *v)
{
    err e = {0};
    const char *p = dossier_check_phone(a, v, "applicant_phone", &e);
    if (p) {
        size_t n = strlen(p);
        CHECK(all_digits(p) && p[0] == '0');
        CHECK((n == 10 && strchr("35789", p[1])) || (n == 11 && p[1] == '2'));
        err e2 = {0};
        const char *again = dossier_check_phone(a, p, "applicant_phone", &e2);
        CHECK(again && !strcmp(again, p));
    } else refused_well(&e, "applicant_phone");
    memset(&e, 0, sizeof e);
    const char *id = dossier_check_citizen_id(a, v, "applicant_id_number", &e);
    if (id) {
        CHECK(strlen(id) == 12 && all_digits(id));
        int province = (id[0] - '0') * 100 + (id[1] - '0') * 10 + (id[2] - '0');
        CHECK(province >= 1 && province <= 96);
    } else refused_well(&e, "applicant_id_number");
    memset(&e, 0, sizeof e);
    const char *mail = dossier_check_email(a, v, "applicant_email", &e);
    if (mail) {
        const char *at = strchr(mail, '@');
        CHECK(at && !strchr(at + 1, '@') && strchr(at, '.'));
        for (const char *q = mail; *q; q++) CHECK((unsigned char)*q > ' ');
    } else refused_well(&e, "applicant_email");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new();
    kv *form = NULL;
    if (form_parse_urlencoded(a, (const char *)data, size, &form) == 0) {
        for (kv *k = form; k; k = k->next) {
            char *clean = NULL;
            if (text_clean(a, k->value, k->len, false, 1000, &clean) == TEXT_OK) check_value(a, clean);
        }
    }
    arena_free(a);
    return 0;
}
