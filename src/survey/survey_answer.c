/* survey_answer.c -- a survey's questions as the program holds them, and decoding a posted
 * answer form into answers (survey.h). Pure: no database, no request, so the fuzzer
 * (tests/fuzz/fuzz_survey_answer.c) drives survey_decode directly.
 *
 * The form's fields are "q<id>" (the question's record id): one value for a single choice or
 * a scale (the option's number, 1-based, or the score 1..5), one field per ticked option for a
 * multiple choice, the words for free text. A blank value is no answer. Other field names
 * (_csrf, the token, the date of a paper form) are not this decoder's business. */
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "survey.h"

const char *const survey_kinds[SQ_NKINDS] = {"single", "multi", "scale", "text"};

const char *const survey_scale_labels[SURVEY_SCALE_N] = {N_("Rất không hài lòng"), N_("Không hài lòng"),
                                                         N_("Bình thường"), N_("Hài lòng"), N_("Rất hài lòng")};

int survey_kind_index(const char *kind)
{
    for (int i = 0; kind && i < SQ_NKINDS; i++)
        if (!strcmp(kind, survey_kinds[i])) return i;
    return -1;
}

const char *survey_kind_label(int kind)
{
    switch (kind) {
    case SQ_SINGLE: return N_("Chọn một");
    case SQ_MULTI: return N_("Chọn nhiều");
    case SQ_SCALE: return N_("Thang điểm 1–5");
    case SQ_TEXT: return N_("Trả lời tự do");
    default: return "";
    }
}

int survey_question_choices(const survey_question *q)
{
    if (q->kind == SQ_SCALE) return SURVEY_SCALE_N;
    if (q->kind == SQ_TEXT) return 0;
    return q->noptions;
}

int survey_def_link(survey_def *def, err *e)
{
    for (size_t i = 0; i < def->n; i++) {
        survey_question *q = &def->q[i];
        q->cond = -1;
        if (!q->show_if_code || !*q->show_if_code) continue;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(def->q[j].code, q->show_if_code)) q->cond = (int)j;
        if (q->cond < 0) {
            err_set(e, 422, N_("Điều kiện hiển thị phải là một câu hỏi đứng trước câu này."), "show_if %s of %s",
                    q->show_if_code, q->code);
            err_field(e, "show_if_code");
            return -1;
        }
        const survey_question *c = &def->q[q->cond];
        if ((c->kind != SQ_SINGLE && c->kind != SQ_MULTI) || q->show_if_option < 1 ||
            q->show_if_option > c->noptions) {
            err_set(e, 422, N_("Điều kiện hiển thị phải là một lựa chọn của câu hỏi chọn một hoặc chọn nhiều."),
                    "show_if %s=%d of %s", q->show_if_code, q->show_if_option, q->code);
            err_field(e, "show_if_option");
            return -1;
        }
    }
    return 0;
}

static bool answered_with(const survey_answers *ans, int qi, int value)
{
    for (size_t k = 0; k < ans->n; k++)
        if (ans->a[k].qi == qi && ans->a[k].value == value) return true;
    return false;
}

bool survey_shown(const survey_def *def, const survey_answers *ans, int i)
{
    /* conditions point only backwards (survey_def_link), so this walks a chain to its root */
    for (int depth = 0; i >= 0 && depth <= SURVEY_MAX_QUESTIONS; depth++) {
        const survey_question *q = &def->q[i];
        if (q->cond < 0) return true;
        if (!answered_with(ans, q->cond, q->show_if_option)) return false;
        i = q->cond;
    }
    return true;
}

/* "q123" -> 123; -1 when the name is not q followed by digits only. */
static int64_t field_id(const char *name)
{
    if (name[0] != 'q' || !name[1]) return -1;
    int64_t v = 0;
    for (const char *p = name + 1; *p; p++) {
        if (*p < '0' || *p > '9' || v > 100000000000LL) return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

static int find_question(const survey_def *def, int64_t id)
{
    for (size_t i = 0; i < def->n; i++)
        if (def->q[i].id == id) return (int)i;
    return -1;
}

static int refuse(err *e, int status, const char *msg, const survey_question *q, const char *why)
{
    err_set(e, status, msg, "answer to %s: %s", q ? q->code : "?", why);
    if (q) {
        char f[32];
        snprintf(f, sizeof f, "q%lld", (long long)q->id);
        err_field(e, f);
    }
    return -1;
}

int survey_decode(arena *a, const survey_def *def, const kv *form, survey_answers *out, err *e)
{
    size_t cap = 0;
    for (const kv *f = form; f; f = f->next) cap++;
    survey_answers got = {.a = arena_alloc(a, (cap + 1) * sizeof(survey_answer)), .n = 0};
    for (const kv *f = form; f; f = f->next) {
        if (!f->name || f->filename) continue;
        int64_t id = field_id(f->name);
        if (id < 0) continue;
        int qi = find_question(def, id);
        if (qi < 0) return refuse(e, 400, N_("Phiếu trả lời có câu hỏi không thuộc khảo sát này. Xin tải lại trang."), NULL, f->name);
        const survey_question *q = &def->q[qi];
        const char *v = f->value ? f->value : "";
        if (strlen(v) != f->len) return refuse(e, 400, N_("Câu trả lời không hợp lệ."), q, "NUL byte");
        if (q->kind == SQ_TEXT) {
            char *clean = NULL;
            text_status st = text_clean(a, v, f->len, true, SURVEY_TEXT_MAX, &clean);
            if (st == TEXT_TOO_LONG)
                return refuse(e, 422, N_("Ý kiến quá dài (tối đa 2.000 ký tự)."), q, "too long");
            if (st != TEXT_OK) return refuse(e, 422, N_("Ý kiến có ký tự không hợp lệ."), q, "bad text");
            if (text_is_blank(clean)) continue;
            for (size_t k = 0; k < got.n; k++)
                if (got.a[k].qi == qi) return refuse(e, 400, N_("Câu trả lời không hợp lệ."), q, "twice");
            got.a[got.n++] = (survey_answer){.qi = qi, .value = 0, .text = text_trim(a, clean)};
            continue;
        }
        if (!*v) continue;   /* a blank select: no answer */
        int64_t n;
        if (!text_parse_uint(v, SURVEY_MAX_OPTIONS, &n) || n < 1 || n > survey_question_choices(q))
            return refuse(e, 400, N_("Câu trả lời không nằm trong các lựa chọn của câu hỏi."), q, "not a choice");
        bool dup = false;
        for (size_t k = 0; k < got.n; k++) {
            if (got.a[k].qi != qi) continue;
            if (q->kind != SQ_MULTI) return refuse(e, 400, N_("Câu hỏi này chỉ được chọn một câu trả lời."), q, "twice");
            if (got.a[k].value == (int)n) dup = true;
        }
        if (!dup) got.a[got.n++] = (survey_answer){.qi = qi, .value = (int)n, .text = NULL};
    }
    /* drop the answers to hidden questions, in question order so a hidden question hides the
     * questions that depend on it */
    survey_answers kept = {.a = arena_alloc(a, (got.n + 1) * sizeof(survey_answer)), .n = 0};
    for (size_t i = 0; i < def->n; i++) {
        bool shown = survey_shown(def, &kept, (int)i);
        bool any = false;
        for (size_t k = 0; k < got.n; k++) {
            if (got.a[k].qi != (int)i) continue;
            any = true;
            if (shown) kept.a[kept.n++] = got.a[k];
        }
        if (shown && !any && def->q[i].required)
            return refuse(e, 422, N_("Xin trả lời câu hỏi bắt buộc."), &def->q[i], "required");
    }
    if (!kept.n) {
        err_set(e, 422, N_("Phiếu chưa có câu trả lời nào."), "empty answer");
        return -1;
    }
    *out = kept;
    return 0;
}
