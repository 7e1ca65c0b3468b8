/* rating_demo.c -- the demonstration's ratings (rating_demo in rating.h).
 *
 * About two in three dossiers the demo's history returned get a rating, the way desks that
 * ask report it: mostly "rất hài lòng" and "hài lòng", some "bình thường", a few "không hài
 * lòng" with the reasons citizens give. How the dossier went shows: a late result (after
 * its due time, or apologised for) is rated lower, lower still without an apology, and a paper asked for
 * afterwards costs a little; so the units whose desks are late more often (the demo's
 * profiles, data/demo/units.json) are the less satisfied ones. Most come from the desk's tablet and paper slips,
 * fewer from the tracking page and the result message's link; each is made within three days
 * of the return. A "không hài lòng" older than two weeks has the unit leader's answer; newer
 * ones wait for it, so the leaders' page has work to show. Like the demo's dossiers and
 * letters these rows are history, not audited. The same seed gives the same ratings. */
#include <string.h>

#include "rating.h"

#include "../core/rng.h"



static const char *const REASONS[] = {
    "Phải đi lại hai lần vì lần đầu hướng dẫn chưa đủ giấy tờ.",
    "Chờ ở quầy lâu, không có số thứ tự.",
    "Trả kết quả chậm hơn ngày hẹn mà không được báo trước.",
    "Công chức trả lời qua loa, chưa nhiệt tình.",
};
static const char *const ANSWERS[] = {
    "Đơn vị xin lỗi ông/bà. Từ tháng này Bộ phận Một cửa hướng dẫn đầy đủ thành phần hồ sơ bằng phiếu in sẵn.",
    "Cảm ơn ông/bà đã góp ý. Đơn vị đã bố trí máy cấp số thứ tự và thêm một công chức trực quầy giờ cao điểm.",
    "Đơn vị xin lỗi ông/bà; đã nhắc nhở công chức liên quan và kiểm tra việc gửi văn bản xin lỗi, hẹn lại.",
};

typedef struct {
    int64_t id, unit_id, official_id, officer_id, returned_at;
    const char *official_name, *code, *procedure_name;
    bool late, apologised, supplemented;
} returned_row;

typedef struct {
    arena *a;
    int64_t now;
    uint64_t seed;
    int made;
} demo_tx;

static int64_t unit_leader(db *c, int64_t unit_id)
{
    return db_int_by_id(c, "SELECT id FROM users WHERE unit_id = ? AND role = 'leader' AND active = 1 ORDER BY id LIMIT 1",
                        unit_id, 0);
}

static int demo_fn(db *c, void *ctx, err *e)
{
    demo_tx *t = ctx;
    rating_level lv[8];
    if (rating_levels(c, t->a, cal_local_day(t->now), lv, 8) < 4) return 0;   /* a set this demo does not know */
    /* the returned dossiers, collected before writing */
    db_stmt *s = db_prepare(c, "SELECT d.id, d.unit_id, COALESCE(o.from_user_id, 0), COALESCE(d.officer_id, 0), "
                               "d.returned_at, COALESCE(o.from_name, ''), d.code, d.procedure_name, "
                               "(d.apology_count > 0 OR d.done_at > d.due_at), d.apology_count > 0, "
                               "d.supplement_count > 0 FROM dossiers d "
                               "LEFT JOIN dossier_steps o ON o.dossier_id = d.id AND o.kind = 'done' "
                               "WHERE d.status = 'returned' AND d.returned_at IS NOT NULL ORDER BY d.id");
    size_t cap = 256, n = 0;
    returned_row *rows = arena_alloc(t->a, cap * sizeof *rows);
    while (db_step(s) == DB_ROW) {
        if (n == cap) {
            returned_row *more = arena_alloc(t->a, 2 * cap * sizeof *rows);
            memcpy(more, rows, n * sizeof *rows);
            rows = more, cap *= 2;
        }
        rows[n++] = (returned_row){.id = db_col_int(s, 0), .unit_id = db_col_int(s, 1), .official_id = db_col_int(s, 2),
                                   .officer_id = db_col_int(s, 3), .returned_at = db_col_int(s, 4),
                                   .official_name = arena_strdup(t->a, db_col_text(s, 5)),
                                   .code = arena_strdup(t->a, db_col_text(s, 6)),
                                   .procedure_name = arena_strdup(t->a, db_col_text(s, 7)),
                                   .late = db_col_int(s, 8) != 0, .apologised = db_col_int(s, 9) != 0,
                                   .supplemented = db_col_int(s, 10) != 0};
    }
    db_done(s);
    rng r = {t->seed ^ 0x5241544Eull};
    db_stmt *ins = db_prepare(c, "INSERT INTO ratings (dossier_id, unit_id, official_id, official_name, dossier_code, "
                                 "procedure_name, level, label, score, satisfied, reason, channel, entered_by, rated_at, "
                                 "created_at, follow_status, answer, answered_by, answered_at) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (size_t i = 0; i < n; i++) {
        const returned_row *d = &rows[i];
        if (rng_pick(&r, 100) >= 65) continue;
        /* the four levels, best first: the cut points for an on-time dossier, a late one with
         * and without an apology, one that needed a paper added */
        static const int CUTS[4][3] = {{52, 85, 95}, {22, 55, 82}, {8, 30, 60}, {42, 78, 93}};
        const int *cut = CUTS[d->late ? (d->apologised ? 1 : 2) : d->supplemented ? 3 : 0];
        int p = rng_pick(&r, 100), k = p < cut[0] ? 0 : p < cut[1] ? 1 : p < cut[2] ? 2 : 3;
        int q = rng_pick(&r, 100);
        const char *channel = q < 40 ? "kiosk" : q < 70 ? "paper" : q < 90 ? "web" : "message";
        int64_t at = d->returned_at + 60 + rng_pick(&r, 3 * 86400);
        if (at > t->now) at = t->now;
        if (at < d->returned_at) continue;
        bool follow = lv[k].reason_required;
        const char *reason = follow ? REASONS[rng_pick(&r, 4)] : "";
        int64_t leader = follow ? unit_leader(c, d->unit_id) : 0;
        bool answered = follow && leader && at < t->now - 14 * 86400;
        int j = 1;
        db_bind_int(ins, j++, d->id);
        db_bind_int(ins, j++, d->unit_id);
        if (d->official_id) db_bind_int(ins, j++, d->official_id);
        else db_bind_null(ins, j++);
        db_bind_text(ins, j++, d->official_name);
        db_bind_text(ins, j++, d->code);
        db_bind_text(ins, j++, d->procedure_name);
        db_bind_text(ins, j++, lv[k].code);
        db_bind_text(ins, j++, lv[k].label);
        db_bind_int(ins, j++, lv[k].score);
        db_bind_int(ins, j++, lv[k].satisfied);
        db_bind_text(ins, j++, reason);
        db_bind_text(ins, j++, channel);
        if ((!strcmp(channel, "kiosk") || !strcmp(channel, "paper")) && d->officer_id) db_bind_int(ins, j++, d->officer_id);
        else db_bind_null(ins, j++);
        db_bind_int(ins, j++, at);
        db_bind_int(ins, j++, !strcmp(channel, "paper") ? at + 86400 < t->now ? at + 86400 : t->now : at);
        db_bind_text(ins, j++, !follow ? "none" : answered ? "answered" : "awaiting");
        db_bind_text(ins, j++, answered ? ANSWERS[rng_pick(&r, 3)] : "");
        if (answered) db_bind_int(ins, j++, leader);
        else db_bind_null(ins, j++);
        if (answered) db_bind_int(ins, j++, at + 3 * 86400);
        else db_bind_null(ins, j++);
        int rc = db_step(ins);
        db_done(ins);
        if (rc != DB_DONE) {
            err_set(e, 500, N_("Không lưu được đánh giá, xin thử lại."), "rating demo: %s", db_errmsg(c));
            return -1;
        }
        t->made++;
    }
    return 0;
}

int rating_demo(db *d, arena *a, int64_t now, uint64_t seed, err *e)
{
    demo_tx t = {.a = a, .now = now, .seed = seed};
    return db_write(d, demo_fn, &t, e) ? -1 : t.made;
}
