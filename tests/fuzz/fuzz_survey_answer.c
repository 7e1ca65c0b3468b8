/* fuzz_survey_answer.c -- libFuzzer target for the survey answer decoder (src/survey/survey_answer.c):
 * an urlencoded answer body decoded as the server does (form_parse_urlencoded, then
 * survey_decode) against a fixed survey with every kind of question and a chain of conditions.
 *
 * Properties (abort() when violated):
 *   - a refusal has a status of 400 or 422 and a message;
 *   - every accepted answer names a question of the survey; a choice is within 1..the question's
 *     choices and a single or scale question has at most one; a multiple choice repeats no
 *     option; a text answer is valid UTF-8, NFC, at most SURVEY_TEXT_MAX characters and not blank;
 *   - no answer is kept for a question whose condition does not hold (survey_shown);
 *   - a required question that is shown has an answer; at least one answer is kept. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/arena.h"
#include "../../src/core/text.h"
#include "../../src/kit/form.h"
#include "../../src/survey/survey.h"

#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "fuzz_survey_answer: property violated: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                                    \
            abort();                                                                              \
        }                                                                                         \
    } while (0)

static survey_def def_of(arena *a)
{
    survey_question *q = arena_alloc(a, 6 * sizeof *q);
    q[0] = (survey_question){.id = 1, .code = "A1", .kind = SQ_SINGLE, .options = {"Có", "Không"}, .noptions = 2,
                             .required = true, .show_if_code = ""};
    q[1] = (survey_question){.id = 2, .code = "A2", .kind = SQ_MULTI, .options = {"a", "b", "c", "d"}, .noptions = 4,
                             .show_if_code = "A1", .show_if_option = 1};
    q[2] = (survey_question){.id = 3, .code = "B1", .kind = SQ_SCALE, .element = "access", .required = true,
                             .show_if_code = "A2", .show_if_option = 3};
    q[3] = (survey_question){.id = 4, .code = "B2", .kind = SQ_SCALE, .show_if_code = ""};
    q[4] = (survey_question){.id = 5, .code = "C1", .kind = SQ_TEXT, .show_if_code = "A1", .show_if_option = 2};
    q[5] = (survey_question){.id = 6, .code = "C2", .kind = SQ_TEXT, .show_if_code = ""};
    survey_def d = {q, 6};
    err e = {0};
    CHECK(survey_def_link(&d, &e) == 0);
    return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new();
    survey_def d = def_of(a);
    kv *form = NULL;
    if (form_parse_urlencoded(a, (const char *)data, size, &form) == 0) {
        survey_answers s;
        err e = {0};
        if (survey_decode(a, &d, form, &s, &e)) {
            CHECK(e.status == 400 || e.status == 422);
            CHECK(e.user[0] != '\0');
        } else {
            CHECK(s.n > 0);
            for (size_t i = 0; i < s.n; i++) {
                const survey_answer *an = &s.a[i];
                CHECK(an->qi >= 0 && (size_t)an->qi < d.n);
                const survey_question *q = &d.q[an->qi];
                CHECK(survey_shown(&d, &s, an->qi));
                if (q->kind == SQ_TEXT) {
                    CHECK(an->text && g_utf8_validate(an->text, -1, NULL));
                    CHECK(!text_is_blank(an->text));
                    CHECK(text_char_count(an->text) <= SURVEY_TEXT_MAX);
                    gchar *nfc = g_utf8_normalize(an->text, -1, G_NORMALIZE_NFC);
                    CHECK(nfc && !strcmp(nfc, an->text));
                    g_free(nfc);
                } else {
                    CHECK(an->value >= 1 && an->value <= survey_question_choices(q));
                }
                for (size_t j = 0; j < i; j++) {
                    if (s.a[j].qi != an->qi) continue;
                    CHECK(q->kind == SQ_MULTI);
                    CHECK(s.a[j].value != an->value);
                }
            }
            for (size_t k = 0; k < d.n; k++) {
                if (!d.q[k].required || !survey_shown(&d, &s, (int)k)) continue;
                bool any = false;
                for (size_t i = 0; i < s.n; i++) any |= s.a[i].qi == (int)k;
                CHECK(any);
            }
        }
    }
    arena_free(a);
    return 0;
}
