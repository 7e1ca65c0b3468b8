/* rating.c -- the rating of a dossier: its levels (data, rating_levels), saving one rating per
 * dossier, the leader's answer to a "không hài lòng", and the figures per unit and official
 * (rating.h). Pages are in rating_web.c. */
#include "rating.h"
#include "../feedback/feedback.h"

#include <stdio.h>
#include <string.h>

#include "../audit/audit.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../kit/links.h"

/* ---- levels -------------------------------------------------------------------------------- */

int rating_levels(db *d, arena *a, cal_day day, rating_level *out, int max)
{
    char iso[11];
    cal_format(day, iso);
    db_stmt *s = db_prepare(d, "SELECT code, label, score, satisfied, reason_required FROM rating_levels "
                               "WHERE valid_from = (SELECT MAX(valid_from) FROM rating_levels WHERE valid_from <= ?) "
                               "ORDER BY position");
    if (!s) return 0;
    db_bind_text(s, 1, iso);
    int n = 0;
    while (n < max && db_step(s) == DB_ROW)
        out[n++] = (rating_level){.code = arena_strdup(a, db_col_text(s, 0)), .label = arena_strdup(a, db_col_text(s, 1)),
                                  .score = (int)db_col_int(s, 2), .satisfied = db_col_int(s, 3) != 0,
                                  .reason_required = db_col_int(s, 4) != 0};
    db_done(s);
    return n;
}

json_t *rating_levels_json(db *d, arena *a, cal_day day, const char *chosen)
{
    rating_level lv[8];
    int n = rating_levels(d, a, day, lv, 8);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:b}", "code", lv[i].code, "level_label", lv[i].label,
                                             "reason_required", lv[i].reason_required, "checked",
                                             chosen && !strcmp(chosen, lv[i].code)));
    return arr;
}

static bool level_find(db *d, arena *a, cal_day day, const char *code, rating_level *out)
{
    rating_level lv[8];
    int n = rating_levels(d, a, day, lv, 8);
    for (int i = 0; code && i < n; i++)
        if (!strcmp(lv[i].code, code)) {
            *out = lv[i];
            return true;
        }
    return false;
}

static const char *const CHANNELS[][2] = {
    {"web", N_("Trang tra cứu hồ sơ")}, {"message", N_("Đường dẫn trong tin báo kết quả")},
    {"kiosk", N_("Máy tính bảng tại quầy")}, {"paper", N_("Phiếu giấy")},
};

const char *rating_channel_label(const char *channel)
{
    for (size_t i = 0; i < sizeof CHANNELS / sizeof CHANNELS[0]; i++)
        if (channel && !strcmp(CHANNELS[i][0], channel)) return CHANNELS[i][1];
    return "";
}

const char *rating_follow_label(const char *status)
{
    if (!status) return "";
    if (!strcmp(status, "awaiting")) return N_("Chờ lãnh đạo trả lời");
    if (!strcmp(status, "answered")) return N_("Lãnh đạo đã trả lời");
    return "";
}

/* ---- saving a rating ------------------------------------------------------------------------- */

int rating_open_feedback_hook(db *c, arena *a, const rating_feedback *f, err *e)
{
    /* a "không hài lòng" is also a case of the citizen's voice, on the feedback feature's own
     * clock and counted by QĐ 766's ratios; the rating carries no name, so it files as an
     * anonymous góp ý (feedback.h), linked to the dossier and to this rating */
    feedback_new in = {
        .unit_id = f->unit_id,
        .kind = "gop_y",
        .channel = "rating",
        .subject = arena_printf(a, "%s: hồ sơ %s", f->level_label, f->dossier_code),
        .content = arena_printf(a, "%s\n\nThủ tục: %s", f->reason && *f->reason ? f->reason : f->level_label,
                                f->procedure_name),
        .dossier_id = f->dossier_id,
        .source_ref = arena_printf(a, "rating:%lld", (long long)f->rating_id),
        .received_at = f->at,
    };
    feedback_ticket t;
    return feedback_intake(c, a, &in, f->at, &t, e);
}

typedef struct {
    arena *a;
    const dossier_handled *h;
    const rating_input *in;
    rating_level level;
    const char *reason;
    int64_t id;
} submit_tx;

static int submit_fn(db *c, void *ctx, err *e)
{
    submit_tx *t = ctx;
    const dossier_handled *h = t->h;
    const rating_input *in = t->in;
    db_stmt *s = db_prepare(c, "INSERT INTO ratings (dossier_id, unit_id, official_id, official_name, dossier_code, "
                               "procedure_name, level, label, score, satisfied, reason, channel, entered_by, rated_at, "
                               "created_at, follow_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s) goto dberr;
    db_bind_int(s, 1, h->id);
    db_bind_int(s, 2, h->unit_id);
    if (h->resolver_id) db_bind_int(s, 3, h->resolver_id);
    else db_bind_null(s, 3);
    db_bind_text(s, 4, h->resolver_name);
    db_bind_text(s, 5, h->code);
    db_bind_text(s, 6, h->procedure_name);
    db_bind_text(s, 7, t->level.code);
    db_bind_text(s, 8, t->level.label);
    db_bind_int(s, 9, t->level.score);
    db_bind_int(s, 10, t->level.satisfied);
    db_bind_text(s, 11, t->reason);
    db_bind_text(s, 12, in->channel);
    if (in->entered_by) db_bind_int(s, 13, in->entered_by);
    else db_bind_null(s, 13);
    db_bind_int(s, 14, in->rated_at);
    db_bind_int(s, 15, in->now);
    db_bind_text(s, 16, t->level.reason_required ? "awaiting" : "none");
    int rc = db_step(s);
    db_done(s);
    if (rc == DB_CONSTRAINT) {
        err_set(e, 409, N_("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần."), "rating: dossier %lld rated",
                (long long)h->id);
        return -1;
    }
    if (rc != DB_DONE) goto dberr;
    t->id = db_last_id(c);
    /* a citizen's own rating has no account: actor 0, the detail says by which channel */
    if (audit_append(c, in->now, in->entered_by, h->unit_id, "rating.create", "rating", t->id,
                     json_pack("{s:s, s:s, s:s, s:I}", "dossier", h->code, "level", t->level.code, "channel",
                               in->channel, "rated_at", (json_int_t)in->rated_at)))
        goto dberr;
    if (t->level.reason_required) {
        rating_feedback f = {.rating_id = t->id, .dossier_id = h->id, .unit_id = h->unit_id,
                             .official_id = h->resolver_id, .dossier_code = h->code,
                             .procedure_name = h->procedure_name, .level_label = t->level.label, .reason = t->reason,
                             .at = in->rated_at};
        if (rating_open_feedback_hook(c, t->a, &f, e)) return -1;
    }
    return 0;
dberr:
    err_set(e, 500, N_("Không lưu được đánh giá, xin thử lại."), "rating insert: %s", db_errmsg(c));
    return -1;
}

static bool valid_channel(const char *channel)
{
    for (size_t i = 0; i < sizeof CHANNELS / sizeof CHANNELS[0]; i++)
        if (channel && !strcmp(CHANNELS[i][0], channel)) return true;
    return false;
}

int rating_submit(db *d, arena *a, const dossier_handled *h, const rating_input *in, int64_t *id_out, err *e)
{
    if (strcmp(h->status, "done") && strcmp(h->status, "returned")) {
        err_set(e, 409, N_("Hồ sơ chưa có kết quả giải quyết. Ông/bà đánh giá sau khi nhận kết quả."), "rating: status %s",
                h->status);
        return -1;
    }
    if (!valid_channel(in->channel)) {
        err_set(e, 400, N_("Không rõ hình thức đánh giá."), "rating: channel %s", in->channel ? in->channel : "");
        return -1;
    }
    if (in->rated_at > in->now || cal_local_day(in->rated_at) < cal_local_day(h->done_at)) {
        err_set(e, 400, N_("Ngày đánh giá phải từ ngày hồ sơ có kết quả đến hôm nay."), "rating: rated_at %lld",
                (long long)in->rated_at);
        err_field(e, "ngay");
        return -1;
    }
    submit_tx t = {.a = a, .h = h, .in = in};
    if (!level_find(d, a, cal_local_day(in->rated_at), in->level, &t.level)) {
        err_set(e, 400, N_("Xin chọn một mức đánh giá."), "rating: level %s", in->level ? in->level : "");
        err_field(e, "muc");
        return -1;
    }
    t.reason = text_trim(a, in->reason ? in->reason : "");
    if (text_char_count(t.reason) > RATING_REASON_MAX) {
        err_set(e, 422, N_("Lý do dài quá 2.000 ký tự, xin viết ngắn hơn."), "rating: reason too long");
        err_field(e, "ly_do");
        return -1;
    }
    if (t.level.reason_required && !*t.reason) {
        err_set(e, 422, N_("Xin cho biết lý do ông/bà không hài lòng."), "rating: reason missing");
        err_field(e, "ly_do");
        return -1;
    }
    if (db_write(d, submit_fn, &t, e)) return -1;
    if (id_out) *id_out = t.id;
    return 0;
}

/* ---- reading ------------------------------------------------------------------------------- */

json_t *rating_of_dossier(db *d, arena *a, int64_t dossier_id)
{
    db_stmt *s = db_prepare(d, "SELECT id, level, label, reason, channel, rated_at, follow_status, answer, "
                               "COALESCE(answered_at, 0) FROM ratings WHERE dossier_id = ?");
    db_bind_int(s, 1, dossier_id);
    json_t *o = NULL;
    if (db_step(s) == DB_ROW) {
        const char *follow = db_col_text(s, 6);
        int64_t answered = db_col_int(s, 8);
        o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0), "level",
                      db_col_text(s, 1), "level_label", db_col_text(s, 2), "reason", db_col_text(s, 3), "channel_label",
                      rating_channel_label(db_col_text(s, 4)), "rated_text", vn_date(a, db_col_int(s, 5)),
                      "follow_status", follow, "follow_label", rating_follow_label(follow), "answer", db_col_text(s, 7),
                      "answered_text", answered ? vn_date(a, answered) : "");
    }
    db_done(s);
    return o;
}

/* ---- the leader's answer ------------------------------------------------------------------ */

typedef struct {
    int64_t id, actor_id, now, unit_id;
    const char *answer;
} answer_tx;

/* The same answer closes the feedback case the rating opened (rating_open_feedback_hook), so
 * the leader answers a "không hài lòng" once, not in two places; a case already closed by an
 * officer stays as it is. */
static int answer_feedback_case(db *c, const answer_tx *t, err *e)
{
    arena *a = arena_new();
    int64_t fid = feedback_id_by_source(c, arena_printf(a, "rating:%lld", (long long)t->id));
    feedback_case fc;
    int rc = fid < 0 ? -1 : 0;
    if (fid > 0 && feedback_get(c, a, fid, &fc) == 1 && feedback_open(fc.status)) {
        feedback_step_in in = {.action = FB_RESOLVE, .note = t->answer, .user_id = t->actor_id};
        rc = feedback_apply(c, a, fid, &in, t->now, e);
    }
    if (fid < 0) err_set(e, 500, N_("Không lưu được câu trả lời, xin thử lại."), "rating answer: feedback lookup");
    arena_free(a);
    return rc;
}

static int answer_fn(db *c, void *ctx, err *e)
{
    answer_tx *t = ctx;
    db_stmt *s = db_prepare(c, "SELECT unit_id, follow_status FROM ratings WHERE id = ?");
    db_bind_int(s, 1, t->id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        err_set(e, 404, N_("Không tìm thấy đánh giá."), "rating %lld unknown", (long long)t->id);
        return -1;
    }
    t->unit_id = db_col_int(s, 0);
    bool awaiting = !strcmp(db_col_text(s, 1), "awaiting");
    db_done(s);
    if (!awaiting) {
        err_set(e, 409, N_("Đánh giá này không chờ trả lời (đã được trả lời, hoặc không phải ý kiến không hài lòng)."),
                "rating %lld not awaiting", (long long)t->id);
        return -1;
    }
    s = db_prepare(c, "UPDATE ratings SET follow_status = 'answered', answer = ?, answered_by = ?, answered_at = ? "
                      "WHERE id = ? AND follow_status = 'awaiting'");
    db_bind_text(s, 1, t->answer);
    db_bind_int(s, 2, t->actor_id);
    db_bind_int(s, 3, t->now);
    db_bind_int(s, 4, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || audit_append(c, t->now, t->actor_id, t->unit_id, "rating.answer", "rating", t->id,
                                      json_pack("{s:s}", "answer", t->answer))) {
        err_set(e, 500, N_("Không lưu được câu trả lời, xin thử lại."), "rating answer: %s", db_errmsg(c));
        return -1;
    }
    return answer_feedback_case(c, t, e);
}

int rating_feedback_answered(db *d, const char *source_ref, const char *answer, int64_t user_id, int64_t now, err *e)
{
    long long id;
    char rest;
    if (sscanf(source_ref, "rating:%lld%c", &id, &rest) != 1 || id <= 0) return 0;
    db_stmt *s = db_prepare(d, "SELECT unit_id FROM ratings WHERE id = ? AND follow_status = 'awaiting'");
    if (!s) goto fail;
    db_bind_int(s, 1, id);
    int64_t unit_id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    if (!unit_id) return 0;   /* answered already (by the leader, in this very write), or gone */
    s = db_prepare(d, "UPDATE ratings SET follow_status = 'answered', answer = ?, answered_by = ?, answered_at = ? "
                      "WHERE id = ? AND follow_status = 'awaiting'");
    if (!s) goto fail;
    db_bind_text(s, 1, answer);
    if (user_id) db_bind_int(s, 2, user_id);
    else db_bind_null(s, 2);
    db_bind_int(s, 3, now);
    db_bind_int(s, 4, id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) goto fail;
    if (audit_append(d, now, user_id, unit_id, "rating.answer", "rating", id,
                     json_pack("{s:s, s:s}", "answer", answer, "through", "feedback")))
        goto fail;
    return 0;
fail:
    err_set(e, 500, N_("Không lưu được câu trả lời, xin thử lại."), "rating from feedback: %s", db_errmsg(d));
    return -1;
}

int rating_answer(db *d, arena *a, int64_t rating_id, const char *answer, int64_t actor_id, int64_t now, err *e)
{
    answer_tx t = {.id = rating_id, .actor_id = actor_id, .now = now, .answer = text_trim(a, answer ? answer : "")};
    if (!*t.answer) {
        err_set(e, 422, N_("Xin viết câu trả lời cho người dân."), "answer blank");
        err_field(e, "tra_loi");
        return -1;
    }
    if (text_char_count(t.answer) > RATING_REASON_MAX) {
        err_set(e, 422, N_("Câu trả lời dài quá 2.000 ký tự, xin viết ngắn hơn."), "answer too long");
        err_field(e, "tra_loi");
        return -1;
    }
    return db_write(d, answer_fn, &t, e);
}

#define FOLLOWUP_COLS                                                                                      \
    "SELECT r.id, r.dossier_code, r.procedure_name, r.official_name, r.label, r.reason, r.rated_at, r.channel, " \
    "r.follow_status, r.answer, COALESCE(r.answered_at, 0), COALESCE(u.full_name, '') FROM ratings r "           \
    "LEFT JOIN users u ON u.id = r.answered_by "

static void followups_add(db_stmt *s, arena *a, json_t *arr)
{
    while (db_step(s) == DB_ROW) {
        const char *follow = db_col_text(s, 8);
        int64_t answered = db_col_int(s, 10);
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "id",
                              (json_int_t)db_col_int(s, 0), "dossier_code", db_col_text(s, 1), "procedure_name",
                              db_col_text(s, 2), "official_name", db_col_text(s, 3), "level_label", db_col_text(s, 4),
                              "reason", db_col_text(s, 5), "rated_text", vn_date(a, db_col_int(s, 6)), "channel_label",
                              rating_channel_label(db_col_text(s, 7)), "follow_label", rating_follow_label(follow),
                              "awaiting", !strcmp(follow, "awaiting"), "answer", db_col_text(s, 9), "answered_text",
                              answered ? vn_date(a, answered) : "", "answered_by", db_col_text(s, 11));
        json_object_set_new(o, "answer_url", json_string(link_rating_answer(a, db_col_int(s, 0))));
        json_array_append_new(arr, o);
    }
    db_done(s);
}

json_t *rating_followups(db *d, arena *a, int64_t unit_id, int limit)
{
    json_t *arr = json_array();
    db_stmt *s = db_prepare(d, FOLLOWUP_COLS "WHERE r.unit_id = ? AND r.follow_status = 'awaiting' "
                                             "ORDER BY r.rated_at, r.id LIMIT ?");
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, limit);
    followups_add(s, a, arr);
    s = db_prepare(d, FOLLOWUP_COLS "WHERE r.unit_id = ? AND r.follow_status = 'answered' "
                                    "ORDER BY r.answered_at DESC, r.id DESC LIMIT ?");
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, RATING_ANSWERED_SHOWN);
    followups_add(s, a, arr);
    return arr;
}

int64_t rating_awaiting_count(db *d, int64_t unit_id)
{
    return db_int_by_id(d, "SELECT COUNT(*) FROM ratings WHERE unit_id = ? AND follow_status = 'awaiting'", unit_id, 0);
}

/* ---- figures ------------------------------------------------------------------------------- */

typedef struct {
    const char *key, *name;
    int64_t n[8], other, total, satisfied, score_sum, dissatisfied;
} fig_row;

/* "92,5%" and "3,6": a decimal comma, as Vietnamese pages write numbers. */
static const char *decimal_text(arena *a, double v, const char *suffix)
{
    char *s = arena_printf(a, "%.1f%s", v, suffix);
    for (char *p = s; *p; p++)
        if (*p == '.') *p = ',';
    return s;
}

static json_t *fig_json(arena *a, const fig_row *r, const rating_level *lv, int nlv)
{
    json_t *counts = json_object(), *cells = json_array();
    for (int i = 0; i < nlv; i++) {
        json_object_set_new(counts, lv[i].code, json_integer(r->n[i]));
        json_array_append_new(cells, json_pack("{s:s, s:I}", "code", lv[i].code, "n", (json_int_t)r->n[i]));
    }
    double share = r->total ? 100.0 * (double)r->satisfied / (double)r->total : 0.0;
    double mean = r->total ? (double)r->score_sum / (double)r->total : 0.0;
    json_t *o = json_pack("{s:s, s:o, s:o, s:I, s:I, s:f, s:s, s:f, s:s, s:I}", "name", r->name, "counts", counts, "cells",
                          cells, "total", (json_int_t)r->total, "satisfied", (json_int_t)r->satisfied,
                          "satisfied_share", share, "satisfied_share_text", r->total ? decimal_text(a, share, "%") : "–",
                          "mean_score", mean, "mean_score_text", r->total ? decimal_text(a, mean, "") : "–",
                          "dissatisfied", (json_int_t)r->dissatisfied);
    if (r->key) json_object_set_new(o, "key", json_string(r->key));
    return o;
}

/* Adds one grouped line (level, count, satisfied, score sum, follow-ups) to a row. */
static void fig_add(fig_row *r, const rating_level *lv, int nlv, db_stmt *s, int col)
{
    const char *level = db_col_text(s, col);
    int64_t n = db_col_int(s, col + 1);
    int i = 0;
    while (i < nlv && strcmp(lv[i].code, level)) i++;
    if (i < nlv) r->n[i] += n;
    else r->other += n;   /* a level of an earlier set: in the total only */
    r->total += n;
    r->satisfied += db_col_int(s, col + 2);
    r->score_sum += db_col_int(s, col + 3);
    r->dissatisfied += db_col_int(s, col + 4);
}

#define FIG_COLS "r.level, COUNT(*), SUM(r.satisfied), SUM(r.score), SUM(CASE WHEN r.follow_status <> 'none' THEN 1 ELSE 0 END)"

static void fig_unit_total(db *d, int64_t unit_id, int64_t t0, int64_t t1, const rating_level *lv, int nlv, fig_row *r)
{
    db_stmt *s = db_prepare(d, "SELECT " FIG_COLS " FROM ratings r WHERE r.unit_id = ? AND r.rated_at >= ? AND "
                               "r.rated_at < ? GROUP BY r.level");
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, t0);
    db_bind_int(s, 3, t1);
    while (db_step(s) == DB_ROW) fig_add(r, lv, nlv, s, 0);
    db_done(s);
}

static const char *unit_name(db *d, arena *a, int64_t unit_id)
{
    db_stmt *s = db_prepare(d, "SELECT name FROM units WHERE id = ?");
    db_bind_int(s, 1, unit_id);
    const char *name = db_step(s) == DB_ROW ? arena_strdup(a, db_col_text(s, 0)) : "";
    db_done(s);
    return name;
}

json_t *rating_figures(db *d, arena *a, int64_t unit_id, cal_day from, cal_day to, const int64_t *by_unit_ids, size_t n)
{
    rating_level lv[8];
    int nlv = rating_levels(d, a, to, lv, 8);
    int64_t t0 = cal_instant(from, 0), t1 = cal_instant(to + 1, 0);
    bool snapshot = db_begin_read(d) == DB_DONE;
    fig_row total = {.name = unit_name(d, a, unit_id)};
    fig_unit_total(d, unit_id, t0, t1, lv, nlv, &total);

    /* by official: by account, or by name for a result recorded without one */
    json_t *officials = json_array();
    db_stmt *s = db_prepare(d, "SELECT COALESCE(CAST(r.official_id AS TEXT), 'n:' || r.official_name) AS k, "
                               "MAX(r.official_name), " FIG_COLS " FROM ratings r WHERE r.unit_id = ? AND "
                               "r.rated_at >= ? AND r.rated_at < ? GROUP BY k, r.level ORDER BY k");
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, t0);
    db_bind_int(s, 3, t1);
    fig_row cur = {0};
    while (db_step(s) == DB_ROW) {
        const char *k = db_col_text(s, 0);
        if (!cur.key || strcmp(cur.key, k)) {
            if (cur.key) json_array_append_new(officials, fig_json(a, &cur, lv, nlv));
            const char *name = db_col_text(s, 1);
            cur = (fig_row){.key = arena_strdup(a, k), .name = arena_strdup(a, *name ? name : "(không ghi tên)")};
        }
        fig_add(&cur, lv, nlv, s, 2);
    }
    if (cur.key) json_array_append_new(officials, fig_json(a, &cur, lv, nlv));
    db_done(s);

    json_t *units = json_array();
    for (size_t i = 0; i < n; i++) {
        fig_row u = {.name = unit_name(d, a, by_unit_ids[i])};
        fig_unit_total(d, by_unit_ids[i], t0, t1, lv, nlv, &u);
        json_array_append_new(units, fig_json(a, &u, lv, nlv));
    }
    if (snapshot) db_end_read(d);

    char f[11], t[11];
    cal_format(from, f);
    cal_format(to, t);
    json_t *levels = json_array();
    for (int i = 0; i < nlv; i++)
        json_array_append_new(levels, json_pack("{s:s, s:s, s:b}", "code", lv[i].code, "level_label", lv[i].label,
                                                "satisfied", lv[i].satisfied));
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "unit", total.name, "from", f, "to", t,
                     "from_text", vn_day_date(a, from), "to_text", vn_day_date(a, to), "levels", levels, "total",
                     fig_json(a, &total, lv, nlv), "by_official", officials, "by_unit", units);
}
