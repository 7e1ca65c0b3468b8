/* survey_demo.c -- the demo's surveys (thanthien demo): Phường Phan Đình Phùng ran a SIPAS round
 * last quarter (closed) and runs one now (open), with answers from the public link and from
 * paper forms keyed in at the desk, so the results, the SIPAS figures and the XLSX have
 * something to show. Every other commune and department ran a smaller round each half-year
 * of the two years and runs one now; its respondents are less happy the more of its
 * dossiers were late (the demo's profiles, data/demo/units.json), so the province can
 * compare. Deterministic (a seeded generator); every answer is dated at least two
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
    int shift;   /* moves respondents' mood down (late desks) or up */
} demo_ctx;

/* One respondent's form: mostly satisfied, some not; a few said they did not use the desk. */
static void one_form(demo_ctx *c, const survey_def *def, survey_answers *out)
{
    out->a = arena_alloc(c->a, (def->n * SURVEY_MAX_OPTIONS + 1) * sizeof(survey_answer));
    out->n = 0;
    bool used_desk = rng_pick(&c->seed, 10) < 9;
    int mood = rng_pick(&c->seed, 10) - c->shift;   /* 0-1 unhappy, 2-4 neutral-ish, 5-9 happy */
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

/* The other communes and departments: a round each half-year (closed), one now (open). The
 * share of a unit's finished dossiers that were late or apologised for sets its mood. */
static int other_units(db *d, demo_ctx *c, int64_t skip, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT u.id, (SELECT id FROM users WHERE unit_id = u.id AND role = 'officer' ORDER BY id "
                               "LIMIT 1), (SELECT CAST(1000 * AVG(apology_count > 0 OR done_at > due_at) AS INTEGER) FROM dossiers "
                               "WHERE unit_id = u.id AND done_at IS NOT NULL) FROM units u "
                               "WHERE u.kind IN ('commune', 'department') AND u.id <> ? ORDER BY u.id");
    int64_t ids[64], officers[64];
    int64_t late[64];   /* per mille */
    int n = 0;
    db_bind_int(s, 1, skip);
    while (n < 64 && db_step(s) == DB_ROW) {
        ids[n] = db_col_int(s, 0), officers[n] = db_col_null(s, 1) ? 0 : db_col_int(s, 1);
        late[n++] = db_col_null(s, 2) ? 100 : db_col_int(s, 2);
    }
    db_done(s);
    const int64_t day = 86400;
    for (int i = 0; i < n; i++) {
        rng keep = c->seed;
        c->seed.s ^= 0x9E3779B97F4A7C15ull * (uint64_t)ids[i];   /* each unit its own answers */
        c->shift = late[i] > 200 ? 3 : late[i] > 120 ? 2 : late[i] > 70 ? 1 : late[i] < 30 ? -1 : 0;
        for (int h = 4; h >= 1; h--) {
            const char *title = arena_printf(c->a, "Khảo sát sự hài lòng (SIPAS), đợt %d", 5 - h);
            int64_t from = c->now - (int64_t)h * 182 * day, to = from + 60 * day;
            if (round_of(d, c, ids[i], officers[i], title, 14 + rng_pick(&c->seed, 8), from, to, true, e)) return -1;
        }
        if (round_of(d, c, ids[i], officers[i], "Khảo sát sự hài lòng (SIPAS), đợt này", 8 + rng_pick(&c->seed, 6),
                     c->now - 40 * day, c->now - 3 * day, false, e))
            return -1;
        c->seed = keep;
        c->shift = 0;
    }
    return 0;
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
    if (round_of(d, c, unit, officer, "Khảo sát sự hài lòng quý này (SIPAS)", 24, c->now - 25 * day,
                 c->now - 2 * day, false, e))
        return -1;
    return other_units(d, c, unit, e);
}

int survey_demo(db *d, arena *a, int64_t now, uint64_t seed, err *e)
{
    demo_ctx c = {.a = a, .now = now, .seed = {seed ^ 0x5EED5u}};
    if (db_write(d, demo_write, &c, e)) return -1;
    return c.answers;
}
