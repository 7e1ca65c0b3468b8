/* cycle_demo.c -- the demonstration's assessment cycles (cycle.h, cycle_demo).
 *
 * Publishes the shipped example sets for the demo province when it has none (the commune set
 * criteria-hai-duong.json, else the first commune example; the department set
 * criteria-cong-so-than-thien.json when shipped), then gives the units cycles in every state:
 * this year the communes and departments take draft, submitted, returned, recognised in turn;
 * last year every commune is recognised (so the province has levels to show), and the year
 * before holds the states this year could not place (few communes) or is recognised too.
 *
 * Written straight into the tables, without audit rows: the history a demonstration starts
 * from, not its users' actions. Points are entered for every criterion, the computed ones too
 * (the command has no figures source); a draft or returned cycle takes its figures when the
 * server first shows it. The same seed gives the same points. */
#include <string.h>

#include "../core/calendar.h"
#include "../core/rng.h"
#include "../store/embedded.h"
#include "cycle.h"

typedef struct {
    int64_t province, now;
    rng r;
    arena *a;
    int year;
} demo_ctx;

static int64_t first_user(db *d, int64_t unit_id, const char *role)
{
    db_stmt *q = db_prepare(d, "SELECT id FROM users WHERE unit_id = ? AND role = ? AND active = 1 ORDER BY id LIMIT 1");
    if (!q) return 0;
    db_bind_int(q, 1, unit_id);
    db_bind_text(q, 2, role);
    int64_t id = db_step(q) == DB_ROW ? db_col_int(q, 0) : 0;
    db_done(q);
    return id;
}

/* Publishes an example file as the province's set (inside the write); 0 when not shipped. */
static int64_t publish_example(db *d, demo_ctx *t, const char *file, const char *applies_to, err *e)
{
    const static_asset *f = data_file_find(file);
    if (!f) return 0;
    assess_set s;
    if (assess_set_parse(t->a, (const char *)f->data, f->size, NULL, &s, e)) return -1;
    if (strcmp(s.applies_to, applies_to)) return 0;
    int64_t id;
    if (assess_set_save_draft(d, t->province, &s, 0, t->now, &id, e)) return -1;
    if (assess_set_publish(d, id, 0, t->now, e)) return -1;
    return id;
}

static int ensure_sets(db *d, demo_ctx *t, err *e)
{
    if (!assess_set_for(d, t->province, "commune", t->year)) {
        int64_t id = publish_example(d, t, "criteria-hai-duong.json", "commune", e);
        for (const char *const *n = assess_example_files(); id == 0 && *n; n++) id = publish_example(d, t, *n, "commune", e);
        if (id < 0) return -1;
    }
    if (!assess_set_for(d, t->province, "department", t->year)) {
        if (publish_example(d, t, "criteria-cong-so-than-thien.json", "department", e) < 0) return -1;
    }
    return 0;
}

/* Points between 75 % and 100 % of the max in half points; a bonus from nothing to its max. */
static int demo_points(demo_ctx *t, const assess_criterion *c)
{
    if (c->kind == ASSESS_PENALTY) return 0;
    int halves = c->max10 / 5;
    int lo = c->kind == ASSESS_BONUS ? 0 : halves * 3 / 4;
    return (lo + rng_pick(&t->r, halves - lo + 1)) * 5;
}

static const char *const demo_notes[] = {
    "Có kế hoạch, báo cáo kết quả thực hiện trong năm.",
    "Niêm yết công khai tại trụ sở và trên trang thông tin điện tử.",
    "Biên bản kiểm tra của Ban Chỉ đạo; ảnh chụp hiện trạng.",
    "Quyết định ban hành quy chế; sổ theo dõi.",
};

/* One cycle of the unit and year in the state, with every line scored. */
static int make_cycle(db *d, demo_ctx *t, int64_t unit_id, const char *kind, int year, const char *state, err *e)
{
    if (cycle_find(d, unit_id, year)) return 0;
    int64_t set_id = assess_set_for(d, unit_id, kind, year);
    if (!set_id) return 0;
    assess_set s;
    if (assess_set_load(d, t->a, set_id, &s, e)) return -1;
    bool draft = !strcmp(state, "draft");
    bool recognised = !strcmp(state, "recognised");
    db_stmt *q = db_prepare(d, "INSERT INTO assessments (unit_id, year, set_id, created_at) VALUES (?, ?, ?, ?)");
    if (!q) goto fail;
    db_bind_int(q, 1, unit_id);
    db_bind_int(q, 2, year);
    db_bind_int(q, 3, set_id);
    db_bind_int(q, 4, t->now - 86400 * (int64_t)(30 + 365 * (t->year - year)));
    int rc = db_step(q);
    db_done(q);
    if (rc != DB_DONE) goto fail;
    int64_t id = db_last_id(d);
    assess_input self[ASSESS_MAX_ITEMS] = {0}, appr[ASSESS_MAX_ITEMS] = {0};
    q = db_prepare(d, "INSERT INTO assessment_items (assessment_id, criterion, self_points10, self_note, "
                      "appraised_points10, appraisal_comment) VALUES (?, ?, ?, ?, ?, ?)");
    if (!q) goto fail;
    for (int i = 0; i < s.nitems; i++) {
        const assess_criterion *c = &s.items[i];
        /* a draft leaves its last criteria to do */
        bool entered = !draft || i < s.nitems - 2;
        int p = demo_points(t, c);
        int ap = p - (rng_pick(&t->r, 4) == 0 ? (p >= 10 ? 10 : p) : 0);
        self[i] = (assess_input){entered, p};
        appr[i] = (assess_input){true, ap};
        db_bind_int(q, 1, id);
        db_bind_text(q, 2, c->code);
        if (entered) db_bind_int(q, 3, p);
        else db_bind_null(q, 3);
        db_bind_text(q, 4, entered ? demo_notes[rng_pick(&t->r, 4)] : "");
        if (recognised) db_bind_int(q, 5, ap);
        else db_bind_null(q, 5);
        db_bind_text(q, 6, recognised && ap < p ? "Minh chứng chưa đầy đủ, trừ điểm." : "");
        rc = db_step(q);
        db_done(q);
        if (rc != DB_DONE) goto fail;
    }
    if (!draft) {
        /* an evidence link on the first criterion */
        q = db_prepare(d, "INSERT INTO assessment_evidence (assessment_id, criterion, kind, title, url, added_at) "
                          "VALUES (?, ?, 'link', ?, ?, ?)");
        if (!q) goto fail;
        db_bind_int(q, 1, id);
        db_bind_text(q, 2, s.items[0].code);
        db_bind_text(q, 3, "Báo cáo kết quả xây dựng chính quyền thân thiện");
        db_bind_text(q, 4, "https://thainguyen.gov.vn/");
        db_bind_int(q, 5, t->now - 86400 * 20);
        rc = db_step(q);
        db_done(q);
        if (rc != DB_DONE) goto fail;
    }
    if (draft) return 0;
    assess_score_result sr, ar;
    assess_score(&s, self, NULL, NULL, NULL, true, &sr);
    assess_score(&s, appr, NULL, NULL, NULL, false, &ar);
    int64_t submitted = t->now - 86400 * (int64_t)(10 + 365 * (t->year - year));
    int64_t leader = first_user(d, unit_id, "leader"), assessor = first_user(d, t->province, "assessor");
    bool returned = !strcmp(state, "returned");
    q = db_prepare(d, "UPDATE assessments SET status = ?, proposed_level = ?, self_total10 = ?, signed_by = ?, "
                      "submitted_at = ?, rounds = ?, returned_at = ?, return_reason = ?, appraised_by = ?, "
                      "appraised_total10 = ?, recognised_level = ?, recognised_at = ?, decision_no = ?, "
                      "decision_date = ? WHERE id = ?");
    if (!q) goto fail;
    db_bind_text(q, 1, state);
    db_bind_int(q, 2, sr.level);
    db_bind_int(q, 3, sr.total10);
    if (leader) db_bind_int(q, 4, leader);
    else db_bind_null(q, 4);
    db_bind_int(q, 5, submitted);
    db_bind_int(q, 6, returned ? 1 : recognised ? 1 + rng_pick(&t->r, 2) : 1);
    if (returned) db_bind_int(q, 7, submitted + 86400 * 3);
    else db_bind_null(q, 7);
    db_bind_text(q, 8, returned ? "Bổ sung minh chứng cho các tiêu chí chấm theo minh chứng; ảnh chụp niêm yết còn thiếu." : "");
    if (recognised && assessor) db_bind_int(q, 9, assessor);
    else db_bind_null(q, 9);
    if (recognised) {
        char date[11];
        cal_format(cal_from_ymd(year, 12, 20 + rng_pick(&t->r, 8)), date);
        db_bind_int(q, 10, ar.total10);
        db_bind_int(q, 11, ar.level);
        db_bind_int(q, 12, submitted + 86400 * 7);
        db_bind_text(q, 13, arena_printf(t->a, "%d/QĐ-UBND", 3000 + rng_pick(&t->r, 900)));
        db_bind_text(q, 14, date);
    } else {
        for (int k = 10; k <= 12; k++) db_bind_null(q, k);
        db_bind_text(q, 13, "");
        db_bind_text(q, 14, "");
    }
    db_bind_int(q, 15, id);
    rc = db_step(q);
    db_done(q);
    if (rc != DB_DONE) goto fail;
    return 0;
fail:
    err_set(e, 500, N_("Không tạo được kỳ đánh giá mẫu."), "cycle_demo: %s", db_errmsg(d));
    return -1;
}

typedef struct {
    int64_t id;
    char kind[16];
} demo_unit;

static int demo_write(db *d, void *vctx, err *e)
{
    demo_ctx *t = vctx;
    if (ensure_sets(d, t, e)) return -1;
    demo_unit units[64];
    int n = 0, ncommunes = 0;
    db_stmt *q = db_prepare(d, "SELECT id, kind FROM units WHERE parent_id = ? AND kind IN ('commune', 'department') "
                               "ORDER BY kind = 'department', code LIMIT 64");
    if (!q) return -1;
    db_bind_int(q, 1, t->province);
    while (db_step(q) == DB_ROW) {
        units[n].id = db_col_int(q, 0);
        snprintf(units[n].kind, sizeof units[n].kind, "%s", db_col_text(q, 1));
        ncommunes += !strcmp(units[n].kind, "commune");
        n++;
    }
    db_done(q);
    static const char *const states[] = {"draft", "submitted", "returned", "recognised"};
    bool placed[4] = {false};
    /* this year: the states in turn over the units that have a set */
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!assess_set_for(d, units[i].id, units[i].kind, t->year)) continue;
        const char *st = states[k % 4];
        if (make_cycle(d, t, units[i].id, units[i].kind, t->year, st, e)) return -1;
        placed[k % 4] = true;
        k++;
    }
    /* last year: every commune recognised; the year before: what is left, else recognised */
    int left = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(units[i].kind, "commune")) continue;
        if (make_cycle(d, t, units[i].id, "commune", t->year - 1, "recognised", e)) return -1;
        while (left < 3 && placed[left]) left++;
        const char *st = left < 3 ? states[left] : "recognised";
        if (left < 3) placed[left] = true;
        if (make_cycle(d, t, units[i].id, "commune", t->year - 2, st, e)) return -1;
    }
    (void)ncommunes;
    return 0;
}

int cycle_demo(db *d, int64_t province_id, int64_t now, uint64_t seed, err *e)
{
    demo_ctx t = {.province = province_id, .now = now, .r = {seed ^ 0x5eedc7c1eULL}, .a = arena_new()};
    int y, m, dd;
    cal_to_ymd(cal_local_day(now), &y, &m, &dd);
    t.year = y;
    int rc = db_write(d, demo_write, &t, e);
    arena_free(t.a);
    return rc;
}
