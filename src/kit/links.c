/* links.c -- the addresses of the pages with a parameter in their path (see links.h). */
#include "links.h"

#include "form.h"

static const char *code_link(arena *a, const char *prefix, const char *code, const char *suffix)
{
    char *enc = NULL;
    form_url_encode(a, code ? code : "", &enc);
    return arena_printf(a, "%s%s%s", prefix, enc, suffix);
}

const char *link_unit(arena *a, const char *code) { return code_link(a, "/don-vi/", code, ""); }
const char *link_procedure(arena *a, int64_t id) { return arena_printf(a, "/thu-tuc/%lld", (long long)id); }
const char *link_dossier(arena *a, int64_t id) { return arena_printf(a, "/ho-so/%lld", (long long)id); }

const char *link_dossier_pdf(arena *a, int64_t id, const char *form)
{
    return code_link(a, arena_printf(a, "/ho-so/%lld/", (long long)id), form, ".pdf");
}

const char *link_booking(arena *a, const char *code) { return code_link(a, "/dat-lich/", code, ""); }

const char *link_booking_action(arena *a, const char *code, const char *action)
{
    return arena_printf(a, "%s/%s", link_booking(a, code), action);
}

const char *link_letter(arena *a, int64_t id) { return arena_printf(a, "/thu/%lld", (long long)id); }
const char *link_letter_pdf(arena *a, int64_t id) { return arena_printf(a, "/thu/%lld.pdf", (long long)id); }
const char *link_letter_template(arena *a, const char *occasion) { return code_link(a, "/thu/mau/", occasion, ""); }
const char *link_admin_unit(arena *a, const char *code) { return code_link(a, "/quan-tri/don-vi/", code, ""); }
const char *link_admin_user(arena *a, int64_t id) { return arena_printf(a, "/quan-tri/nguoi-dung/%lld", (long long)id); }
/* /danh-gia?ma={code}&bm={secret}: the citizen's rating page (a query, like tracking's) */
const char *link_rating(arena *a, const char *code, const char *secret)
{
    char *c = NULL, *s = NULL;
    form_url_encode(a, code ? code : "", &c);
    form_url_encode(a, secret ? secret : "", &s);
    return arena_printf(a, "/danh-gia?ma=%s&bm=%s", c ? c : "", s ? s : "");
}
const char *link_rating_answer(arena *a, int64_t id) { return arena_printf(a, "/danh-gia/%lld/tra-loi", (long long)id); }

/* the citizen's voice (src/feedback) and the letter that thanks for it */
const char *link_feedback(arena *a, int64_t id) { return arena_printf(a, "/phan-anh/%lld", (long long)id); }
const char *link_feedback_pdf(arena *a, int64_t id, int seq)
{
    return arena_printf(a, "/phan-anh/%lld/van-ban/%d.pdf", (long long)id, seq);
}
const char *link_letter_new(arena *a, const char *occasion)
{
    char *enc;
    form_url_encode(a, occasion ? occasion : "", &enc);
    return arena_printf(a, "/thu/moi?dip=%s", enc);
}
const char *link_criteria_set(arena *a, int64_t id) { return arena_printf(a, "/danh-gia/bo-tieu-chi/%lld", (long long)id); }
