/* cycle.c -- the yearly assessment cycle (cycle.h): opening it by the set in force, reading it
 * with both scores, the commune's points, notes, declared blockers and evidence, the
 * chairman's sign-off, the appraisal, the correction loop and the recognition. Every change
 * runs inside db_write and is audited; the rules of who may do what by role are the pages'
 * (cycle_web.c), the rules of when are here (the status). */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../account/unit.h"
#include "../audit/audit.h"
#include "../core/calendar.h"
#include "../feedback/feedback.h"
#include "cycle.h"

/* ---- figures -------------------------------------------------------------------------------- */

static cycle_figures_fn figures_source;

void cycle_set_figures(cycle_figures_fn fn) { figures_source = fn; }

/* The figures as stored on the cycle's lines (computed_value10), keyed by metric; a key no line
 * stores (a blocker's) is asked of the live source when there is one. */
typedef struct {
    const char **keys;
    double *values;
    bool *has;
    int n;
    assess_metric_fn live;
    void *live_ctx;
} stored_figures;

static bool stored_metric(void *ctx, const char *key, double *value)
{
    stored_figures *f = ctx;
    for (int i = 0; i < f->n; i++)
        if (f->keys[i] && !strcmp(f->keys[i], key)) {
            if (f->has[i]) *value = f->values[i];
            return f->has[i];
        }
    return f->live ? f->live(f->live_ctx, key, value) : false;
}

static int to_tenths(double v) { return (int)lround(v * 10.0); }

const char *cycle_metric_link(arena *a, const char *metric, const char *unit_code, int year, bool overseer)
{
    if (!metric) return NULL;
    const char *period = arena_printf(a, "don_vi=%s&tu=%d-01-01&den=%d-12-31", unit_code, year, year);
    /* the reception register names the citizens and is the unit's own; the province reads
     * the sessions and dialogues held, month by month, on its view of the unit */
    if (overseer && (!strncmp(metric, "reception.", 10) || !strncmp(metric, "dialogue.", 9)))
        return arena_printf(a, "/tinh/don-vi/%s?tu=%d-01-01&den=%d-12-31", unit_code, year, year);
    if (!strncmp(metric, "dossier.", 8)) return arena_printf(a, "/chi-so?%s", period);
    if (!strncmp(metric, "rating.", 7)) return arena_printf(a, "/danh-gia/thong-ke?%s", period);
    if (!strncmp(metric, "letter.", 7)) return arena_printf(a, "/thu/thong-ke?%s", period);
    if (!strncmp(metric, "feedback.", 9)) return arena_printf(a, "/phan-anh?don_vi=%s", unit_code);
    if (!strncmp(metric, "complaint.", 10)) return arena_printf(a, "/phan-anh?don_vi=%s&loai=khieu_nai", unit_code);
    if (!strncmp(metric, "reception.", 10)) return arena_printf(a, "/tiep-cong-dan?don_vi=%s", unit_code);
    if (!strncmp(metric, "dialogue.", 9)) return arena_printf(a, "/doi-thoai?don_vi=%s", unit_code);
    if (!strncmp(metric, "survey.", 7)) return arena_printf(a, "/khao-sat/chi-so?%s", period);
    return NULL;
}

/* ---- small reads ---------------------------------------------------------------------------- */

int64_t cycle_find(db *d, int64_t unit_id, int year)
{
    db_stmt *q = db_prepare(d, "SELECT id FROM assessments WHERE unit_id = ? AND year = ?");
    if (!q) return 0;
    db_bind_int(q, 1, unit_id);
    db_bind_int(q, 2, year);
    int64_t id = db_step(q) == DB_ROW ? db_col_int(q, 0) : 0;
    db_done(q);
    return id;
}

int64_t cycle_unit_of(db *d, int64_t id)
{
    db_stmt *q = db_prepare(d, "SELECT unit_id FROM assessments WHERE id = ?");
    if (!q) return -1;
    db_bind_int(q, 1, id);
    int64_t u = db_step(q) == DB_ROW ? db_col_int(q, 0) : -1;
    db_done(q);
    return u;
}

int cycle_years(db *d, arena *a, int64_t unit_id, int64_t **ids, int **years, size_t *n)
{
    *n = 0;
    db_stmt *q = db_prepare(d, "SELECT id, year FROM assessments WHERE unit_id = ? ORDER BY year DESC LIMIT 50");
    if (!q) return -1;
    db_bind_int(q, 1, unit_id);
    *ids = arena_alloc(a, 50 * sizeof **ids);
    *years = arena_alloc(a, 50 * sizeof **years);
    while (db_step(q) == DB_ROW) {
        (*ids)[*n] = db_col_int(q, 0);
        (*years)[*n] = (int)db_col_int(q, 1);
        (*n)++;
    }
    db_done(q);
    return 0;
}

bool cycle_editable(const cycle *c) { return !strcmp(c->status, "draft") || !strcmp(c->status, "returned"); }

/* ---- refreshing the figures ------------------------------------------------------------------ */

/* Writes the live figures into the computed lines of a cycle (inside db_write). */
static int refresh_figures(db *d, arena *a, int64_t id, int64_t unit_id, int year, const assess_set *s, int64_t now)
{
    if (!figures_source) return 0;
    assess_metric_fn fn = NULL;
    void *ctx = NULL;
    if (figures_source(d, a, unit_id, year, now, &fn, &ctx) != 0 || !fn) return 0;
    db_stmt *q = db_prepare(d, "UPDATE assessment_items SET computed_value10 = ? WHERE assessment_id = ? AND criterion = ?");
    if (!q) return -1;
    for (int i = 0; i < s->nitems; i++) {
        const assess_criterion *c = &s->items[i];
        if (c->by == ASSESS_BY_ENTERED || !c->metric) continue;
        double v;
        if (fn(ctx, c->metric, &v)) db_bind_int(q, 1, to_tenths(v));
        else db_bind_null(q, 1);
        db_bind_int(q, 2, id);
        db_bind_text(q, 3, c->code);
        int rc = db_step(q);
        db_done(q);
        if (rc != DB_DONE) {
            db_done(q);
            return -1;
        }
    }
    db_done(q);
    return 0;
}

/* ---- opening ------------------------------------------------------------------------------ */

typedef struct {
    arena *a;
    int64_t unit_id, actor, now, set_id, id;
    int year;
    assess_set set;
    bool existed;
} open_ctx;

static int open_write(db *d, void *vctx, err *e)
{
    open_ctx *t = vctx;
    t->id = cycle_find(d, t->unit_id, t->year);
    if (t->id) {
        t->existed = true;
        return 0;
    }
    db_stmt *q = db_prepare(d, "INSERT INTO assessments (unit_id, year, set_id, created_at) VALUES (?, ?, ?, ?)");
    if (!q) goto fail;
    db_bind_int(q, 1, t->unit_id);
    db_bind_int(q, 2, t->year);
    db_bind_int(q, 3, t->set_id);
    db_bind_int(q, 4, t->now);
    int rc = db_step(q);
    db_done(q);
    if (rc != DB_DONE) goto fail;
    t->id = db_last_id(d);
    q = db_prepare(d, "INSERT INTO assessment_items (assessment_id, criterion) VALUES (?, ?)");
    if (!q) goto fail;
    for (int i = 0; i < t->set.nitems; i++) {
        db_bind_int(q, 1, t->id);
        db_bind_text(q, 2, t->set.items[i].code);
        rc = db_step(q);
        db_done(q);
        if (rc != DB_DONE) {
            db_done(q);
            goto fail;
        }
    }
    db_done(q);
    if (refresh_figures(d, t->a, t->id, t->unit_id, t->year, &t->set, t->now)) goto fail;
    if (audit_append(d, t->now, t->actor, t->unit_id, "assessment.open", "assessment", t->id,
                     json_pack("{s:i, s:s, s:I}", "year", t->year, "set", t->set.code, "set_id", (json_int_t)t->set_id)))
        goto fail;
    return 0;
fail:
    err_set(e, 500, N_("Không mở được kỳ đánh giá."), "cycle_open: %s", db_errmsg(d));
    return -1;
}

int cycle_open(db *d, arena *a, int64_t unit_id, int year, int64_t actor, int64_t now, int64_t *id, err *e)
{
    if (year < 2000 || year > 2100) {
        err_set(e, 422, N_("Năm đánh giá không hợp lệ."), "year %d", year);
        return -1;
    }
    int64_t existing = cycle_find(d, unit_id, year);
    if (existing) {
        *id = existing;
        return 0;
    }
    const char *kind = account_unit_kind(d, a, unit_id);
    if (strcmp(kind, "commune") && strcmp(kind, "department")) {
        err_set(e, 422, N_("Chỉ xã, phường và cơ quan chuyên môn được đánh giá."), "unit kind %s", kind);
        return -1;
    }
    open_ctx t = {.a = a, .unit_id = unit_id, .actor = actor, .now = now, .year = year};
    t.set_id = assess_set_for(d, unit_id, kind, year);
    if (!t.set_id) {
        err_set(e, 409, N_("Tỉnh chưa ban hành bộ tiêu chí đánh giá cho năm này."), "no set for %lld/%d",
                (long long)unit_id, year);
        return -1;
    }
    if (assess_set_load(d, a, t.set_id, &t.set, e)) return -1;
    if (db_write(d, open_write, &t, e)) return -1;
    *id = t.id;
    return 0;
}

/* ---- reading ------------------------------------------------------------------------------ */

static void load_items(db *d, arena *a, cycle *c)
{
    c->items = arena_alloc(a, (size_t)(c->set.nitems ? c->set.nitems : 1) * sizeof *c->items);
    memset(c->items, 0, (size_t)(c->set.nitems ? c->set.nitems : 1) * sizeof *c->items);
    for (int i = 0; i < c->set.nitems; i++) c->items[i].self_note = c->items[i].comment = "";
    db_stmt *q = db_prepare(d, "SELECT criterion, computed_value10, self_points10, self_note, appraised_points10, "
                               "appraisal_comment FROM assessment_items WHERE assessment_id = ?");
    if (!q) return;
    db_bind_int(q, 1, c->id);
    while (db_step(q) == DB_ROW) {
        int k = assess_criterion_index(&c->set, db_col_text(q, 0));
        if (k < 0) continue;
        cycle_item *it = &c->items[k];
        if ((it->has_value = !db_col_null(q, 1))) it->value = (double)db_col_int(q, 1) / 10.0;
        if ((it->has_self = !db_col_null(q, 2))) it->self10 = (int)db_col_int(q, 2);
        it->self_note = arena_strdup(a, db_col_text(q, 3));
        if ((it->has_appraised = !db_col_null(q, 4))) it->appraised10 = (int)db_col_int(q, 4);
        it->comment = arena_strdup(a, db_col_text(q, 5));
    }
    db_done(q);
    q = db_prepare(d, "SELECT e.id, e.criterion, e.kind, e.title, e.url, e.mime, e.size, COALESCE(u.full_name, ''), "
                      "e.added_at FROM assessment_evidence e LEFT JOIN users u ON u.id = e.added_by "
                      "WHERE e.assessment_id = ? ORDER BY e.id");
    if (!q) return;
    db_bind_int(q, 1, c->id);
    while (db_step(q) == DB_ROW) {
        int k = assess_criterion_index(&c->set, db_col_text(q, 1));
        if (k < 0) continue;
        cycle_item *it = &c->items[k];
        if (it->nevidence % 8 == 0) {
            cycle_evidence *more = arena_alloc(a, (size_t)(it->nevidence + 8) * sizeof *more);
            if (it->nevidence) memcpy(more, it->evidence, (size_t)it->nevidence * sizeof *more);
            it->evidence = more;
        }
        cycle_evidence *ev = &it->evidence[it->nevidence++];
        *ev = (cycle_evidence){.id = db_col_int(q, 0), .kind = arena_strdup(a, db_col_text(q, 2)),
                               .title = arena_strdup(a, db_col_text(q, 3)), .url = arena_strdup(a, db_col_text(q, 4)),
                               .mime = arena_strdup(a, db_col_text(q, 5)), .size = db_col_int(q, 6),
                               .added_by_name = arena_strdup(a, db_col_text(q, 7)), .added_at = db_col_int(q, 8)};
    }
    db_done(q);
    q = db_prepare(d, "SELECT blocker, value, note FROM assessment_flags WHERE assessment_id = ?");
    if (!q) return;
    db_bind_int(q, 1, c->id);
    while (db_step(q) == DB_ROW)
        for (int k = 0; k < c->set.nblockers; k++)
            if (!strcmp(c->set.blockers[k].code, db_col_text(q, 0))) {
                c->flags[k] = db_col_int(q, 1) != 0;
                c->flag_notes[k] = arena_strdup(a, db_col_text(q, 2));
            }
    db_done(q);
}

/* Both scores of a loaded cycle from its stored lines. */
static void score_cycle(cycle *c, assess_metric_fn live, void *live_ctx)
{
    int n = c->set.nitems;
    stored_figures f = {.n = n, .live = live, .live_ctx = live_ctx};
    assess_input self_in[ASSESS_MAX_ITEMS] = {0}, appr_in[ASSESS_MAX_ITEMS] = {0};
    const char *keys[ASSESS_MAX_ITEMS] = {0};
    double values[ASSESS_MAX_ITEMS] = {0};
    bool has[ASSESS_MAX_ITEMS] = {0};
    for (int i = 0; i < n; i++) {
        keys[i] = c->set.items[i].by == ASSESS_BY_ENTERED ? NULL : c->set.items[i].metric;
        values[i] = c->items[i].value;
        has[i] = c->items[i].has_value;
        self_in[i] = (assess_input){.has_entered = c->items[i].has_self, .entered10 = c->items[i].self10};
    }
    f.keys = keys;
    f.values = values;
    f.has = has;
    assess_score(&c->set, self_in, c->flags, stored_metric, &f, true, &c->self);
    /* the appraisal: the assessor's points, else the commune's for what it entered, else figures */
    for (int i = 0; i < n; i++) {
        const cycle_item *it = &c->items[i];
        if (it->has_appraised) appr_in[i] = (assess_input){true, it->appraised10};
        else if (it->has_self && !c->self.lines[i].computed) appr_in[i] = (assess_input){true, it->self10};
        else appr_in[i] = (assess_input){false, 0};
    }
    assess_score(&c->set, appr_in, c->flags, stored_metric, &f, false, &c->appraisal);
}

static int read_row(db *d, arena *a, int64_t id, cycle *c, err *e)
{
    db_stmt *q = db_prepare(
        d, "SELECT a.unit_id, a.year, a.set_id, a.status, a.proposed_level, a.self_total10, a.signed_by, "
           "COALESCE(su.full_name, ''), a.submitted_at, a.rounds, a.returned_at, a.return_reason, a.appraised_by, "
           "COALESCE(au.full_name, ''), a.appraised_total10, a.recognised_level, a.recognised_at, a.decision_no, "
           "a.decision_date, a.level_reason, a.created_at, u.code, u.name, u.kind "
           "FROM assessments a JOIN units u ON u.id = a.unit_id LEFT JOIN users su ON su.id = a.signed_by "
           "LEFT JOIN users au ON au.id = a.appraised_by WHERE a.id = ?");
    if (!q) {
        err_set(e, 500, N_("Không đọc được kỳ đánh giá."), "cycle_get: %s", db_errmsg(d));
        return -1;
    }
    db_bind_int(q, 1, id);
    if (db_step(q) != DB_ROW) {
        db_done(q);
        err_set(e, 404, N_("Không tìm thấy kỳ đánh giá."), "assessment %lld", (long long)id);
        return -1;
    }
    *c = (cycle){
        .id = id, .unit_id = db_col_int(q, 0), .year = (int)db_col_int(q, 1), .set_id = db_col_int(q, 2),
        .status = arena_strdup(a, db_col_text(q, 3)),
        .proposed_level = db_col_null(q, 4) ? -1 : (int)db_col_int(q, 4),
        .self_total10 = db_col_null(q, 5) ? -1 : (int)db_col_int(q, 5),
        .signed_by = db_col_int(q, 6), .signed_name = arena_strdup(a, db_col_text(q, 7)),
        .submitted_at = db_col_int(q, 8), .rounds = (int)db_col_int(q, 9), .returned_at = db_col_int(q, 10),
        .return_reason = arena_strdup(a, db_col_text(q, 11)), .appraised_by = db_col_int(q, 12),
        .appraised_name = arena_strdup(a, db_col_text(q, 13)),
        .appraised_total10 = db_col_null(q, 14) ? -1 : (int)db_col_int(q, 14),
        .recognised_level = db_col_null(q, 15) ? -1 : (int)db_col_int(q, 15), .recognised_at = db_col_int(q, 16),
        .decision_no = arena_strdup(a, db_col_text(q, 17)), .decision_date = arena_strdup(a, db_col_text(q, 18)),
        .level_reason = arena_strdup(a, db_col_text(q, 19)), .created_at = db_col_int(q, 20),
        .unit_code = arena_strdup(a, db_col_text(q, 21)), .unit_name = arena_strdup(a, db_col_text(q, 22)),
        .unit_kind = arena_strdup(a, db_col_text(q, 23)),
    };
    db_done(q);
    return 0;
}

typedef struct {
    arena *a;
    cycle *c;
    int64_t now;
} refresh_ctx;

static int refresh_write(db *d, void *vctx, err *e)
{
    refresh_ctx *t = vctx;
    if (refresh_figures(d, t->a, t->c->id, t->c->unit_id, t->c->year, &t->c->set, t->now)) {
        err_set(e, 500, N_("Không cập nhật được số liệu."), "refresh: %s", db_errmsg(d));
        return -1;
    }
    return 0;
}

static int load_cycle(db *d, arena *a, int64_t id, int64_t now, bool refresh, cycle **out, err *e)
{
    cycle *c = arena_alloc(a, sizeof *c);
    if (read_row(d, a, id, c, e)) return -1;
    if (assess_set_load(d, a, c->set_id, &c->set, e)) return -1;
    if (refresh && cycle_editable(c) && figures_source) {
        refresh_ctx t = {a, c, now};
        if (db_write(d, refresh_write, &t, e)) return -1;
    }
    load_items(d, a, c);
    /* blockers that read a figure no line stores are asked of the live source */
    assess_metric_fn live = NULL;
    void *live_ctx = NULL;
    bool need_live = false;
    for (int k = 0; k < c->set.nblockers; k++) need_live |= c->set.blockers[k].metric != NULL;
    if (need_live && figures_source && now) figures_source(d, a, c->unit_id, c->year, now, &live, &live_ctx);
    score_cycle(c, live, live_ctx);
    *out = c;
    return 0;
}

int cycle_get(db *d, arena *a, int64_t id, int64_t now, cycle **out, err *e)
{
    return load_cycle(d, a, id, now, true, out, e);
}

/* ---- the commune's entries ---------------------------------------------------------------- */

static int refuse_locked(const cycle *c, err *e)
{
    if (cycle_editable(c)) return 0;
    err_set(e, 409,
            !strcmp(c->status, "recognised") ? N_("Kỳ đánh giá đã được công nhận; không sửa được nữa.")
                                             : N_("Bản tự đánh giá đã được ký gửi; chỉ sửa được khi tỉnh trả lại để bổ sung."),
            "cycle %lld is %s", (long long)c->id, c->status);
    return -1;
}

/* One line's points as typed, checked against the criterion (422 naming it). */
static int parse_points(arena *a, const assess_criterion *cr, const char *text, bool *has, int *p10, err *e)
{
    *has = false;
    if (!text) return 0;
    while (*text == ' ') text++;
    if (!*text) return 0;
    if (!assess_points_parse(text, p10) || *p10 < 0) {
        err_set(e, 422, arena_printf(a, "Tiêu chí %s: điểm “%s” không hợp lệ (ví dụ: 12 hoặc 12,5).", cr->code, text),
                "points %s", cr->code);
        return -1;
    }
    if (*p10 > cr->max10) {
        err_set(e, 422,
                arena_printf(a, "Tiêu chí %s: điểm %s vượt điểm chuẩn %s.", cr->code, assess_points_text(a, *p10),
                             assess_points_text(a, cr->max10)),
                "points over max %s", cr->code);
        return -1;
    }
    *has = true;
    return 0;
}

typedef struct {
    arena *a;
    cycle *c;
    const cycle_entry *lines;
    size_t n;
    const cycle_declared *flags;
    size_t nflags;
    int64_t actor, now;
    bool appraisal;
} save_ctx;

static int save_write(db *d, void *vctx, err *e)
{
    save_ctx *t = vctx;
    cycle *c = t->c;
    /* a line's points or note not given (NULL) keep what they were */
    db_stmt *q = db_prepare(d, t->appraisal ? "UPDATE assessment_items SET appraised_points10 = CASE WHEN ?5 THEN ?1 ELSE "
                                              "appraised_points10 END, appraisal_comment = COALESCE(?2, appraisal_comment) "
                                              "WHERE assessment_id = ?3 AND criterion = ?4"
                                            : "UPDATE assessment_items SET self_points10 = CASE WHEN ?5 THEN ?1 ELSE "
                                              "self_points10 END, self_note = COALESCE(?2, self_note) "
                                              "WHERE assessment_id = ?3 AND criterion = ?4");
    if (!q) goto fail;
    json_t *changed = json_array();
    for (size_t i = 0; i < t->n; i++) {
        int k = assess_criterion_index(&c->set, t->lines[i].criterion);
        if (k < 0) {
            db_done(q);
            json_decref(changed);
            err_set(e, 422, arena_printf(t->a, "Bộ tiêu chí không có tiêu chí %s.", t->lines[i].criterion),
                    "unknown criterion");
            return -1;
        }
        bool has;
        int p10 = 0;
        if (parse_points(t->a, &c->set.items[k], t->lines[i].points, &has, &p10, e)) {
            db_done(q);
            json_decref(changed);
            return -1;
        }
        if (has) db_bind_int(q, 1, p10);
        else db_bind_null(q, 1);
        db_bind_text(q, 2, t->lines[i].note);
        db_bind_int(q, 3, c->id);
        db_bind_text(q, 4, c->set.items[k].code);
        db_bind_int(q, 5, t->lines[i].points != NULL);
        int rc = db_step(q);
        db_done(q);
        if (rc != DB_DONE) {
            db_done(q);
            json_decref(changed);
            goto fail;
        }
        if (t->lines[i].points)
            json_array_append_new(changed, json_pack("{s:s, s:o}", "criterion", c->set.items[k].code, "points",
                                                     has ? json_integer(p10) : json_null()));
    }
    db_done(q);
    for (size_t i = 0; i < t->nflags; i++) {
        bool known = false;
        for (int k = 0; k < c->set.nblockers; k++)
            known |= !c->set.blockers[k].metric && !strcmp(c->set.blockers[k].code, t->flags[i].blocker);
        if (!known) {
            json_decref(changed);
            err_set(e, 422, arena_printf(t->a, "Bộ tiêu chí không có điều kiện %s.", t->flags[i].blocker), "flag");
            return -1;
        }
        q = db_prepare(d, "INSERT INTO assessment_flags (assessment_id, blocker, value, note) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT (assessment_id, blocker) DO UPDATE SET value = excluded.value, note = excluded.note");
        if (!q) {
            json_decref(changed);
            goto fail;
        }
        db_bind_int(q, 1, c->id);
        db_bind_text(q, 2, t->flags[i].blocker);
        db_bind_int(q, 3, t->flags[i].holds ? 1 : 0);
        db_bind_text(q, 4, t->flags[i].note ? t->flags[i].note : "");
        int rc = db_step(q);
        db_done(q);
        if (rc != DB_DONE) {
            json_decref(changed);
            goto fail;
        }
    }
    if (audit_append(d, t->now, t->actor, c->unit_id, t->appraisal ? "assessment.appraise" : "assessment.save",
                     "assessment", c->id, json_pack("{s:i, s:o}", "year", c->year, "lines", changed)))
        goto fail;
    return 0;
fail:
    err_set(e, 500, N_("Không lưu được điểm."), "cycle save: %s", db_errmsg(d));
    return -1;
}

int cycle_save_self(db *d, arena *a, int64_t id, const cycle_entry *lines, size_t n, const cycle_declared *flags,
                    size_t nflags, int64_t actor, int64_t now, err *e)
{
    cycle *c;
    if (load_cycle(d, a, id, now, false, &c, e)) return -1;
    if (refuse_locked(c, e)) return -1;
    save_ctx t = {a, c, lines, n, flags, nflags, actor, now, false};
    return db_write(d, save_write, &t, e);
}

int cycle_save_appraisal(db *d, arena *a, int64_t id, const cycle_entry *lines, size_t n, int64_t actor,
                         int64_t now, err *e)
{
    cycle *c;
    if (load_cycle(d, a, id, now, false, &c, e)) return -1;
    if (strcmp(c->status, "submitted")) {
        err_set(e, 409, N_("Chỉ thẩm định được bản tự đánh giá đã ký gửi."), "appraise %s", c->status);
        return -1;
    }
    save_ctx t = {a, c, lines, n, NULL, 0, actor, now, true};
    return db_write(d, save_write, &t, e);
}

/* ---- evidence ---------------------------------------------------------------------------- */

typedef struct {
    int64_t id, unit_id, actor, now, eid;
    const char *criterion, *kind, *title, *url, *mime;
    const unsigned char *data;
    size_t len;
} evidence_ctx;

static int evidence_write(db *d, void *vctx, err *e)
{
    evidence_ctx *t = vctx;
    db_stmt *q = db_prepare(d, "SELECT COUNT(*) FROM assessment_evidence WHERE assessment_id = ? AND criterion = ?");
    if (!q) goto fail;
    db_bind_int(q, 1, t->id);
    db_bind_text(q, 2, t->criterion);
    int64_t have = db_step(q) == DB_ROW ? db_col_int(q, 0) : 0;
    db_done(q);
    if (have >= CYCLE_FILES_MAX) {
        err_set(e, 422, N_("Mỗi tiêu chí có tối đa 20 minh chứng."), "too many evidence");
        return -1;
    }
    gchar *b64 = t->data ? g_base64_encode(t->data, t->len) : NULL;
    q = db_prepare(d, "INSERT INTO assessment_evidence (assessment_id, criterion, kind, title, url, mime, size, content, "
                      "added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q) {
        g_free(b64);
        goto fail;
    }
    db_bind_int(q, 1, t->id);
    db_bind_text(q, 2, t->criterion);
    db_bind_text(q, 3, t->kind);
    db_bind_text(q, 4, t->title);
    db_bind_text(q, 5, t->url ? t->url : "");
    db_bind_text(q, 6, t->mime ? t->mime : "");
    db_bind_int(q, 7, (int64_t)t->len);
    db_bind_text(q, 8, b64 ? b64 : "");
    if (t->actor) db_bind_int(q, 9, t->actor);
    else db_bind_null(q, 9);   /* the command line */
    db_bind_int(q, 10, t->now);
    int rc = db_step(q);
    db_done(q);
    g_free(b64);
    if (rc != DB_DONE) goto fail;
    t->eid = db_last_id(d);
    if (audit_append(d, t->now, t->actor, t->unit_id, "assessment.evidence", "assessment", t->id,
                     json_pack("{s:s, s:s, s:s, s:I}", "criterion", t->criterion, "kind", t->kind, "title", t->title,
                               "evidence_id", (json_int_t)t->eid)))
        goto fail;
    return 0;
fail:
    err_set(e, 500, N_("Không lưu được minh chứng."), "evidence: %s", db_errmsg(d));
    return -1;
}

int cycle_add_evidence(db *d, int64_t id, const char *criterion, const char *title, const char *url,
                       const unsigned char *data, size_t len, int64_t actor, int64_t now, int64_t *eid, err *e)
{
    arena *a = arena_new();
    cycle *c;
    int rc = -1;
    if (load_cycle(d, a, id, now, false, &c, e) || refuse_locked(c, e)) goto out;
    int k = criterion ? assess_criterion_index(&c->set, criterion) : -1;
    if (k < 0) {
        err_set(e, 422, N_("Hãy chọn tiêu chí của minh chứng."), "evidence criterion");
        goto out;
    }
    evidence_ctx t = {.id = id, .unit_id = c->unit_id, .actor = actor, .now = now, .criterion = c->set.items[k].code};
    title = title ? title : "";
    while (*title == ' ') title++;
    if (data && len > 0) {
        if (len > CYCLE_FILE_MAX) {
            err_set(e, 413, N_("Tệp minh chứng quá lớn (tối đa 5 MB)."), "evidence %zu bytes", len);
            goto out;
        }
        const char *mime = feedback_sniff(data, len);
        if (!mime || !strcmp(mime, "image/webp")) {
            err_set(e, 415, N_("Chỉ nhận minh chứng là tệp PDF, JPEG hoặc PNG."), "evidence type");
            goto out;
        }
        t.kind = "file";
        t.mime = mime;
        t.data = data;
        t.len = len;
    } else if (url && *url) {
        if ((strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) || strlen(url) > 2000 || strpbrk(url, " \"<>")) {
            err_set(e, 422, N_("Đường dẫn minh chứng phải bắt đầu bằng http:// hoặc https://."), "evidence url");
            goto out;
        }
        t.kind = "link";
        t.url = url;
    } else {
        err_set(e, 422, N_("Hãy chọn tệp hoặc nhập đường dẫn minh chứng."), "evidence empty");
        goto out;
    }
    if (!*title) {
        err_set(e, 422, N_("Hãy nhập tên minh chứng."), "evidence title");
        goto out;
    }
    if (strlen(title) > 300) {
        err_set(e, 422, N_("Tên minh chứng quá dài (tối đa 300 ký tự)."), "evidence title");
        goto out;
    }
    t.title = title;
    rc = db_write(d, evidence_write, &t, e);
    if (rc == 0 && eid) *eid = t.eid;
out:
    arena_free(a);
    return rc;
}

typedef struct {
    int64_t id, unit_id, eid, actor, now;
} remove_ctx;

static int remove_write(db *d, void *vctx, err *e)
{
    remove_ctx *t = vctx;
    db_stmt *q = db_prepare(d, "DELETE FROM assessment_evidence WHERE id = ? AND assessment_id = ?");
    if (!q) goto fail;
    db_bind_int(q, 1, t->eid);
    db_bind_int(q, 2, t->id);
    int rc = db_step(q);
    db_done(q);
    if (rc != DB_DONE) goto fail;
    if (db_changes(d) == 0) {
        err_set(e, 404, N_("Không tìm thấy minh chứng."), "evidence %lld", (long long)t->eid);
        return -1;
    }
    if (audit_append(d, t->now, t->actor, t->unit_id, "assessment.evidence_remove", "assessment", t->id,
                     json_pack("{s:I}", "evidence_id", (json_int_t)t->eid)))
        goto fail;
    return 0;
fail:
    err_set(e, 500, N_("Không xóa được minh chứng."), "evidence remove: %s", db_errmsg(d));
    return -1;
}

int cycle_remove_evidence(db *d, int64_t id, int64_t eid, int64_t actor, int64_t now, err *e)
{
    arena *a = arena_new();
    cycle *c;
    int rc = -1;
    if (!load_cycle(d, a, id, now, false, &c, e) && !refuse_locked(c, e)) {
        remove_ctx t = {id, c->unit_id, eid, actor, now};
        rc = db_write(d, remove_write, &t, e);
    }
    arena_free(a);
    return rc;
}

int cycle_evidence_file(db *d, arena *a, int64_t id, int64_t eid, const char **mime, const char **title,
                        unsigned char **data, size_t *len, err *e)
{
    db_stmt *q = db_prepare(d, "SELECT mime, title, content FROM assessment_evidence WHERE id = ? AND assessment_id = ? "
                               "AND kind = 'file'");
    if (!q) {
        err_set(e, 500, N_("Không đọc được minh chứng."), "evidence: %s", db_errmsg(d));
        return -1;
    }
    db_bind_int(q, 1, eid);
    db_bind_int(q, 2, id);
    if (db_step(q) != DB_ROW) {
        db_done(q);
        err_set(e, 404, N_("Không tìm thấy minh chứng."), "evidence %lld", (long long)eid);
        return -1;
    }
    *mime = arena_strdup(a, db_col_text(q, 0));
    *title = arena_strdup(a, db_col_text(q, 1));
    gsize n = 0;
    guchar *raw = g_base64_decode(db_col_text(q, 2), &n);
    db_done(q);
    *data = arena_alloc(a, n ? n : 1);
    if (n) memcpy(*data, raw, n);
    g_free(raw);
    *len = n;
    return 0;
}

/* ---- sign-off, return, recognition -------------------------------------------------------- */

typedef struct {
    arena *a;
    cycle *c;
    int64_t actor, now;
    int level;
    const char *text, *signer_name, *decision_no, *decision_date;
} step_ctx;

static int submit_write(db *d, void *vctx, err *e)
{
    step_ctx *t = vctx;
    cycle *c = t->c;
    /* the figures freeze as they stand: the lines already hold them (refreshed on reading) */
    db_stmt *q = db_prepare(d, "UPDATE assessments SET status = 'submitted', proposed_level = ?, self_total10 = ?, "
                               "signed_by = ?, submitted_at = ?, rounds = rounds + 1 WHERE id = ? AND status IN "
                               "('draft', 'returned')");
    if (!q) goto fail;
    db_bind_int(q, 1, t->level);
    db_bind_int(q, 2, c->self.total10);
    db_bind_int(q, 3, t->actor);
    db_bind_int(q, 4, t->now);
    db_bind_int(q, 5, c->id);
    int rc = db_step(q);
    db_done(q);
    if (rc != DB_DONE) goto fail;
    if (db_changes(d) != 1) {
        err_set(e, 409, N_("Bản tự đánh giá đã được ký gửi."), "submit race");
        return -1;
    }
    if (audit_append(d, t->now, t->actor, c->unit_id, "assessment.submit", "assessment", c->id,
                     json_pack("{s:i, s:s, s:i, s:i, s:i}", "year", c->year, "signed_by", t->signer_name,
                               "proposed_level", t->level, "total10", c->self.total10, "round", c->rounds + 1)))
        goto fail;
    return 0;
fail:
    err_set(e, 500, N_("Không ký gửi được bản tự đánh giá."), "submit: %s", db_errmsg(d));
    return -1;
}

static bool is_leader_of(db *d, int64_t user, int64_t unit_id)
{
    db_stmt *q = db_prepare(d, "SELECT 1 FROM users WHERE id = ? AND unit_id = ? AND role = 'leader' AND active = 1");
    if (!q) return false;
    db_bind_int(q, 1, user);
    db_bind_int(q, 2, unit_id);
    bool ok = db_step(q) == DB_ROW;
    db_done(q);
    return ok;
}

int cycle_submit(db *d, arena *a, int64_t id, int proposed_level, int64_t signer, int64_t now, err *e)
{
    cycle *c;
    if (load_cycle(d, a, id, now, true, &c, e)) return -1;
    if (refuse_locked(c, e)) return -1;
    if (!is_leader_of(d, signer, c->unit_id)) {
        err_set(e, 403, N_("Chỉ lãnh đạo của đơn vị được ký gửi bản tự đánh giá."), "signer not leader");
        return -1;
    }
    for (int i = 0; i < c->set.nitems; i++)
        if (c->self.lines[i].missing) {
            err_set(e, 422,
                    arena_printf(a, "Tiêu chí %s (%s) chưa có điểm tự chấm; chấm đủ mọi tiêu chí rồi mới ký gửi.",
                                 c->set.items[i].code, c->set.items[i].name),
                    "missing %s", c->set.items[i].code);
            return -1;
        }
    if (proposed_level < 0) proposed_level = c->self.level;
    if (proposed_level > c->self.level) {
        err_set(e, 422,
                arena_printf(a, "Mức đề nghị (%d) cao hơn mức mà điểm tự chấm đạt được (%d).", proposed_level,
                             c->self.level),
                "proposed %d > %d", proposed_level, c->self.level);
        return -1;
    }
    bool known = proposed_level == 0;
    for (int i = 0; i < c->set.nlevels; i++) known |= c->set.levels[i].level == proposed_level;
    if (!known) {
        err_set(e, 422, N_("Mức đề nghị không có trong bộ tiêu chí."), "level %d", proposed_level);
        return -1;
    }
    step_ctx t = {.a = a, .c = c, .actor = signer, .now = now, .level = proposed_level,
                  .signer_name = account_user_name(d, a, signer)};
    return db_write(d, submit_write, &t, e);
}

static int return_write(db *d, void *vctx, err *e)
{
    step_ctx *t = vctx;
    db_stmt *q = db_prepare(d, "UPDATE assessments SET status = 'returned', returned_at = ?, return_reason = ? "
                               "WHERE id = ? AND status = 'submitted'");
    if (!q) goto fail;
    db_bind_int(q, 1, t->now);
    db_bind_text(q, 2, t->text);
    db_bind_int(q, 3, t->c->id);
    int rc = db_step(q);
    db_done(q);
    if (rc != DB_DONE) goto fail;
    if (db_changes(d) != 1) {
        err_set(e, 409, N_("Chỉ trả lại được bản tự đánh giá đã ký gửi."), "return race");
        return -1;
    }
    if (audit_append(d, t->now, t->actor, t->c->unit_id, "assessment.return", "assessment", t->c->id,
                     json_pack("{s:i, s:s, s:i}", "year", t->c->year, "reason", t->text, "round", t->c->rounds)))
        goto fail;
    return 0;
fail:
    err_set(e, 500, N_("Không trả lại được bản tự đánh giá."), "return: %s", db_errmsg(d));
    return -1;
}

int cycle_return(db *d, int64_t id, const char *reason, int64_t actor, int64_t now, err *e)
{
    arena *a = arena_new();
    cycle *c;
    int rc = -1;
    while (reason && *reason == ' ') reason++;
    if (load_cycle(d, a, id, now, false, &c, e)) goto out;
    if (strcmp(c->status, "submitted")) {
        err_set(e, 409, N_("Chỉ trả lại được bản tự đánh giá đã ký gửi."), "return %s", c->status);
        goto out;
    }
    if (!reason || !*reason) {
        err_set(e, 422, N_("Hãy ghi rõ nội dung cần bổ sung, sửa đổi."), "no reason");
        err_field(e, "reason");
        goto out;
    }
    step_ctx t = {.a = a, .c = c, .actor = actor, .now = now, .text = reason};
    rc = db_write(d, return_write, &t, e);
out:
    arena_free(a);
    return rc;
}

static int recognise_write(db *d, void *vctx, err *e)
{
    step_ctx *t = vctx;
    cycle *c = t->c;
    db_stmt *q = db_prepare(d, "UPDATE assessments SET status = 'recognised', appraised_by = ?, appraised_total10 = ?, "
                               "recognised_level = ?, recognised_at = ?, decision_no = ?, decision_date = ?, "
                               "level_reason = ? WHERE id = ? AND status = 'submitted'");
    if (!q) goto fail;
    db_bind_int(q, 1, t->actor);
    db_bind_int(q, 2, c->appraisal.total10);
    db_bind_int(q, 3, t->level);
    db_bind_int(q, 4, t->now);
    db_bind_text(q, 5, t->decision_no);
    db_bind_text(q, 6, t->decision_date);
    db_bind_text(q, 7, t->text ? t->text : "");
    db_bind_int(q, 8, c->id);
    int rc = db_step(q);
    db_done(q);
    if (rc != DB_DONE) goto fail;
    if (db_changes(d) != 1) {
        err_set(e, 409, N_("Chỉ công nhận được bản tự đánh giá đã ký gửi."), "recognise race");
        return -1;
    }
    /* the appraisal's points as they count, kept on the lines for the printed table */
    q = db_prepare(d, "UPDATE assessment_items SET appraised_points10 = ? WHERE assessment_id = ? AND criterion = ? "
                      "AND appraised_points10 IS NULL");
    if (!q) goto fail;
    for (int i = 0; i < c->set.nitems; i++) {
        db_bind_int(q, 1, c->appraisal.lines[i].points10);
        db_bind_int(q, 2, c->id);
        db_bind_text(q, 3, c->set.items[i].code);
        rc = db_step(q);
        db_done(q);
        if (rc != DB_DONE) {
            db_done(q);
            goto fail;
        }
    }
    db_done(q);
    if (audit_append(d, t->now, t->actor, c->unit_id, "assessment.recognise", "assessment", c->id,
                     json_pack("{s:i, s:i, s:i, s:i, s:s, s:s, s:s}", "year", c->year, "level", t->level,
                               "score_level", c->appraisal.level, "total10", c->appraisal.total10, "decision_no",
                               t->decision_no, "decision_date", t->decision_date, "reason", t->text ? t->text : "")))
        goto fail;
    return 0;
fail:
    err_set(e, 500, N_("Không công nhận được."), "recognise: %s", db_errmsg(d));
    return -1;
}

int cycle_recognise(db *d, arena *a, int64_t id, const cycle_recognition *rec, int64_t actor, int64_t now, err *e)
{
    cycle *c;
    if (load_cycle(d, a, id, now, false, &c, e)) return -1;
    if (strcmp(c->status, "submitted")) {
        err_set(e, 409, N_("Chỉ công nhận được bản tự đánh giá đã ký gửi."), "recognise %s", c->status);
        return -1;
    }
    for (int i = 0; i < c->set.nitems; i++)
        if (c->appraisal.lines[i].missing) {
            err_set(e, 422, arena_printf(a, "Tiêu chí %s chưa có điểm thẩm định.", c->set.items[i].code), "missing");
            return -1;
        }
    int level = rec->level < 0 ? c->appraisal.level : rec->level;
    const char *reason = rec->reason ? rec->reason : "";
    while (*reason == ' ') reason++;
    if (level > c->appraisal.level) {
        err_set(e, 422,
                arena_printf(a, "Không công nhận được mức %d: điểm thẩm định chỉ đạt mức %d.", level, c->appraisal.level),
                "level %d > %d", level, c->appraisal.level);
        err_field(e, "level");
        return -1;
    }
    if (level < c->appraisal.level && !*reason) {
        err_set(e, 422, N_("Công nhận mức thấp hơn mức điểm thẩm định đạt được phải ghi rõ lý do."), "no reason");
        err_field(e, "level_reason");
        return -1;
    }
    const char *no = rec->decision_no ? rec->decision_no : "";
    while (*no == ' ') no++;
    if (!*no || strlen(no) > 60) {
        err_set(e, 422, N_("Hãy nhập số quyết định công nhận (ví dụ 125/QĐ-UBND)."), "decision no");
        err_field(e, "decision_no");
        return -1;
    }
    cal_day day;
    if (!rec->decision_date || !cal_parse_typed_date(rec->decision_date, &day)) {
        err_set(e, 422, N_("Ngày quyết định không hợp lệ (ngày/tháng/năm)."), "decision date");
        err_field(e, "decision_date");
        return -1;
    }
    int dy, dm, dd;
    cal_to_ymd(day, &dy, &dm, &dd);
    if (dy < c->year || day > cal_local_day(now)) {
        err_set(e, 422, N_("Ngày quyết định phải trong khoảng từ đầu năm đánh giá đến hôm nay."), "decision date range");
        err_field(e, "decision_date");
        return -1;
    }
    char iso[11];
    cal_format(day, iso);
    step_ctx t = {.a = a, .c = c, .actor = actor, .now = now, .level = level, .text = reason, .decision_no = no,
                  .decision_date = arena_strdup(a, iso)};
    return db_write(d, recognise_write, &t, e);
}

/* ---- the province's view ------------------------------------------------------------------ */

int cycle_levels(db *d, arena *a, int64_t scope_unit, int year, cycle_level **rows, size_t *n, err *e)
{
    *rows = NULL;
    *n = 0;
    db_stmt *q = db_prepare(d, UNIT_SUBTREE_CTE("") "SELECT u.id, u.code, u.name, u.kind, COALESCE(a.id, 0) "
                                                   "FROM units u LEFT JOIN assessments a ON a.unit_id = u.id AND a.year = ?2 "
                                                   "WHERE u.id IN (SELECT id FROM sub) AND u.kind IN ('commune', 'department') "
                                                   "ORDER BY u.kind, u.code");
    if (!q) {
        err_set(e, 500, N_("Không đọc được kết quả đánh giá."), "cycle_levels: %s", db_errmsg(d));
        return -1;
    }
    db_bind_int(q, 1, scope_unit);
    db_bind_int(q, 2, year);
    size_t cap = 16;
    cycle_level *out = arena_alloc(a, cap * sizeof *out);
    while (db_step(q) == DB_ROW) {
        if (*n == cap) {
            cycle_level *more = arena_alloc(a, 2 * cap * sizeof *more);
            memcpy(more, out, cap * sizeof *out);
            out = more;
            cap *= 2;
        }
        out[(*n)++] = (cycle_level){.unit_id = db_col_int(q, 0), .code = arena_strdup(a, db_col_text(q, 1)),
                                    .name = arena_strdup(a, db_col_text(q, 2)), .kind = arena_strdup(a, db_col_text(q, 3)),
                                    .assessment_id = db_col_int(q, 4), .status = "", .proposed_level = -1,
                                    .recognised_level = -1, .self_total10 = -1, .appraised_total10 = -1};
    }
    db_done(q);
    for (size_t i = 0; i < *n; i++) {
        cycle_level *r = &out[i];
        if (!r->assessment_id) {
            int64_t set_id = assess_set_for(d, r->unit_id, r->kind, year);
            assess_set s;
            err ignore = {0};
            if (set_id && assess_set_load(d, a, set_id, &s, &ignore) == 0 && s.nlevels > 0) {
                r->next_level = s.levels[s.nlevels - 1].level;
                r->to_next10 = s.levels[s.nlevels - 1].min_total10;
            }
            continue;
        }
        cycle *c;
        if (load_cycle(d, a, r->assessment_id, 0, false, &c, e)) return -1;
        r->status = c->status;
        r->proposed_level = c->proposed_level;
        r->recognised_level = c->recognised_level;
        r->rounds = c->rounds;
        r->self_total10 = c->self.total10;
        bool appraised = !strcmp(c->status, "recognised");
        r->appraised_total10 = appraised ? c->appraised_total10 : -1;
        const assess_score_result *sc = appraised ? &c->appraisal : &c->self;
        r->level = appraised ? c->recognised_level : sc->level;
        r->next_level = sc->next_level;
        r->to_next10 = sc->to_next10;
        if (appraised && r->level < sc->level) {   /* recognised lower than the score: the next is one up */
            r->next_level = sc->level;
            r->to_next10 = 0;
        }
    }
    *rows = out;
    return 0;
}

int64_t cycle_count(db *d, int64_t scope_unit, const char *status)
{
    db_stmt *q = db_prepare(d, UNIT_SUBTREE_CTE("") "SELECT COUNT(*) FROM assessments WHERE unit_id IN (SELECT id FROM sub) "
                                                   "AND status = ?2");
    if (!q) return 0;
    db_bind_int(q, 1, scope_unit);
    db_bind_text(q, 2, status);
    int64_t n = db_step(q) == DB_ROW ? db_col_int(q, 0) : 0;
    db_done(q);
    return n;
}
