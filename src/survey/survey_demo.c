/* survey_demo.c -- the demo's surveys (thanthien demo): Phường Phan Đình Phùng ran a SIPAS round
 * last quarter (closed) and runs one now (open), with answers from the public link and from
 * paper forms keyed in at the desk, so the results, the SIPAS figures and the XLSX have
 * something to show. Deterministic (a seeded generator); every answer is dated at least two
 * days before now, so a test's own answers of today are counted apart. One transaction. */
#include <string.h>

#include "survey.h"

#include "../core/rng.h"

#define DEMO_UNIT "05443"


static const char *const COMMENTS[] = {
    "Cán bộ một cửa hướng dẫn tận tình, cảm ơn phường.",
    "Đề nghị bố trí thêm ghế ngồi chờ vào buổi sáng thứ Hai.",
    "Nên có chỗ để xe cho người đến làm thủ tục.",
    "Mong phường nhắn tin khi hồ sơ có kết quả.",
};

typedef struct {
    arena *a;
    int64_t now;
    rng seed;
    int answers;
} demo_ctx;

/* One respondent's form: mostly satisfied, some not; a few said they did not use the desk. */
static void one_form(demo_ctx *c, const survey_def *def, survey_answers *out)
{
    out->a = arena_alloc(c->a, (def->n * SURVEY_MAX_OPTIONS + 1) * sizeof(survey_answer));
    out->n = 0;
    bool used_desk = rng_pick(&c->seed, 10) < 9;
    int mood = rng_pick(&c->seed, 10);   /* 0-1 unhappy, 2-4 neutral-ish, 5-9 happy */
    for (size_t i = 0; i < def->n; i++) {
        const survey_question *q = &def->q[i];
        if (!survey_shown(def, out, (int)i)) continue;
        int v = 0;
        if (!strcmp(q->code, "A1")) v = used_desk ? 1 : 2;
        else if (q->kind == SQ_SCALE) {
            int base = mood < 2 ? 2 : mood < 5 ? 3 : 4;
            v = base + rng_pick(&c->seed, 3) - (rng_pick(&c->seed, 4) == 0);
            if (v < 1) v = 1;
            if (v > 5) v = 5;
            if (rng_pick(&c->seed, 12) == 0) continue;   /* an item left blank */
        } else if (q->kind == SQ_SINGLE) v = rng_pick(&c->seed, 10) < 8 ? 1 : 1 + rng_pick(&c->seed, q->noptions);
        else if (q->kind == SQ_MULTI) {
            for (int k = 0, n = 1 + rng_pick(&c->seed, 2); k < n; k++) {
                int o = 1 + rng_pick(&c->seed, q->noptions);
                bool dup = false;
                for (size_t j = 0; j < out->n; j++) dup |= out->a[j].qi == (int)i && out->a[j].value == o;
                if (!dup) out->a[out->n++] = (survey_answer){.qi = (int)i, .value = o};
            }
            continue;
        } else if (q->kind == SQ_TEXT) {
            if (rng_pick(&c->seed, 5) == 0)
                out->a[out->n++] = (survey_answer){.qi = (int)i, .text = COMMENTS[rng_pick(&c->seed, 4)]};
            continue;
        }
        if (v) out->a[out->n++] = (survey_answer){.qi = (int)i, .value = v};
    }
}

static int round_of(db *d, demo_ctx *c, int64_t unit, int64_t officer, const char *title, int n, int64_t from,
                    int64_t to, bool close, err *e)
{
    int64_t id;
    if (survey_create(d, c->a, unit, title, "sipas", 0, from, &id, e)) return -1;
    if (survey_set_status(d, id, "open", 0, from, e)) return -1;
    survey_info info;
    survey_def def;
    if (survey_load(d, c->a, id, &info, &def, e)) return -1;
    for (int k = 0; k < n; k++) {
        survey_answers ans;
        one_form(c, &def, &ans);
        bool paper = rng_pick(&c->seed, 10) < 3;
        int64_t at = from + (int64_t)(rng_next(&c->seed) % (uint64_t)(to - from));
        survey_submit_in in = {.token = paper ? NULL : survey_visitor_token(c->a), .channel = paper ? "paper" : "online",
                               .entered_by = paper ? officer : 0, .answered_at = at};
        if (survey_submit(d, c->a, id, &def, &ans, &in, at, NULL, e)) return -1;
        c->answers++;
    }
    return close ? survey_set_status(d, id, "closed", 0, to, e) : 0;
}

static int demo_write(db *d, void *ctx, err *e)
{
    demo_ctx *c = ctx;
    int64_t unit = -1, officer = 0;
    db_stmt *s = db_prepare(d, "SELECT id FROM units WHERE code = '" DEMO_UNIT "'");
    if (s && db_step(s) == DB_ROW) unit = db_col_int(s, 0);
    if (s) db_done(s);
    if (unit < 0) return 0;   /* not the demo's units: nothing to do */
    s = db_prepare(d, "SELECT id FROM users WHERE username = 'canbo1'");
    if (s && db_step(s) == DB_ROW) officer = db_col_int(s, 0);
    if (s) db_done(s);
    const int64_t day = 86400;
    if (round_of(d, c, unit, officer, "Khảo sát sự hài lòng quý trước (SIPAS)", 48, c->now - 120 * day,
                 c->now - 30 * day, true, e))
        return -1;
    return round_of(d, c, unit, officer, "Khảo sát sự hài lòng quý này (SIPAS)", 24, c->now - 25 * day,
                    c->now - 2 * day, false, e);
}

int survey_demo(db *d, arena *a, int64_t now, uint64_t seed, err *e)
{
    demo_ctx c = {.a = a, .now = now, .seed = {seed ^ 0x5EED5u}};
    if (db_write(d, demo_write, &c, e)) return -1;
    return c.answers;
}
