/* TEMP until letter_template.c lands (branch h-words): the smallest words so letter.c links. */
#include "../core/subst.h"
#include "letter.h"

const char *const letter_var_names[LETTER_NVARS] = {"recipient", "address", "person", "event_date", "detail",
                                                    "code", "procedure", "received", "due", "new_due",
                                                    "unit", "place", "signer", "signer_title", "date"};

int letter_template_get(db *d, arena *a, int64_t unit_id, const char *occasion, letter_words *out, bool *own)
{
    (void)d, (void)a, (void)unit_id, (void)occasion;
    *out = (letter_words){"THƯ", "Kính gửi: {{recipient}}", "{{detail}}", "Trân trọng!"};
    if (own) *own = false;
    return 0;
}

letter_words letter_render_words(arena *a, const letter_words *t, const char *const values[LETTER_NVARS])
{
    return (letter_words){subst(a, t->title, letter_var_names, LETTER_NVARS, values),
                          subst(a, t->greeting, letter_var_names, LETTER_NVARS, values),
                          subst(a, t->body, letter_var_names, LETTER_NVARS, values),
                          subst(a, t->closing, letter_var_names, LETTER_NVARS, values)};
}
