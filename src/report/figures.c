/* figures.c -- one unit's figures, or every unit's below a root, for a period (figures.h).
 *
 * Each feature gives its counts for every unit of a subtree in one query (indicators_by_unit,
 * rating_counts_by_unit, feedback_counts_by_unit, letter_counts_by_unit,
 * reception_counts_by_unit); this file puts them side by side under a read snapshot, so the
 * figures of one page agree with each other, and turns them into the named metrics. */
#include "figures.h"

#include <stdlib.h>
#include <string.h>

#include "../account/unit.h"
#include "../core/rng.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../dossier/dossier.h"
#include "../feedback/feedback.h"
#include "../reception/reception.h"
#include "../survey/rating.h"

/* ---- pure helpers ------------------------------------------------------------------------ */

int64_t figures_weeks(cal_day from, cal_day to, cal_day today)
{
    if (today < to) to = today;
    if (to < from) return 0;
    /* day 0 (1/1/1970) was a Thursday: (day + 3) / 7 numbers the Monday-based weeks */
    return (int64_t)((to + 3) / 7) - (int64_t)((from + 3) / 7) + 1;
}

void figures_previous(cal_day from, cal_day to, cal_day *pfrom, cal_day *pto)
{
    int32_t len = to - from + 1;
    *pto = from - 1;
    *pfrom = from - len;
}

/* ---- computing --------------------------------------------------------------------------- */

static int failed(err *e, const char *what)
{
    err_set(e, 500, N_("Không đọc được số liệu, xin thử lại."), "figures: %s", what);
    return -1;
}

/* The rows of every feature for the subtree of root, spread onto figs (sorted by unit id):
 * with sum, every row lands on figs[0] (one unit and its subtree summed). */
typedef struct {
    unit_figures *figs;
    size_t n;
    bool sum;
} target;

static unit_figures *find(const target *t, int64_t unit_id)
{
    if (t->sum) return &t->figs[0];
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->figs[mid].unit_id == unit_id) return &t->figs[mid];
        if (t->figs[mid].unit_id < unit_id) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static void add_counts(ind_counts *to, const ind_counts *c)
{
    to->carried += c->carried;
    to->received += c->received;
    to->early += c->early;
    to->on_time += c->on_time;
    to->late += c->late;
    to->open_late += c->open_late;
    to->open_ok += c->open_ok;
    to->refused += c->refused;
    to->withdrawn += c->withdrawn;
    to->apologies += c->apologies;
    to->apologies_late += c->apologies_late;
    to->secs += c->secs;
    to->wdays += c->wdays;
}

static int gather(db *d, arena *a, int64_t root, cal_day from, cal_day to, int64_t now, const target *t, err *e)
{
    int64_t t0 = cal_instant(from, 0), t1 = cal_instant(to + 1, 0);
    ind_unit_row *ir;
    size_t n;
    if (indicators_by_unit(d, a, root, from, to, now, &ir, &n, e)) return -1;
    for (size_t i = 0; i < n; i++) {
        unit_figures *f = find(t, ir[i].unit_id);
        if (!f) continue;
        add_counts(&f->dossier, &ir[i].c);
        f->online += ir[i].online;
        f->trips += ir[i].trips;
        f->trips_n += ir[i].trips_n;
    }
    rating_unit_counts *rr;
    if (rating_counts_by_unit(d, a, root, from, to, &rr, &n)) return failed(e, "ratings");
    for (size_t i = 0; i < n; i++) {
        unit_figures *f = find(t, rr[i].unit_id);
        if (!f) continue;
        f->ratings += rr[i].total;
        f->satisfied += rr[i].satisfied;
        f->very_satisfied += rr[i].very_satisfied;
        f->dissatisfied += rr[i].dissatisfied;
        f->answered += rr[i].answered;
    }
    feedback_unit_counts *fr;
    if (feedback_counts_by_unit(d, a, root, t0, t1, now, &fr, &n)) return failed(e, "feedback");
    for (size_t i = 0; i < n; i++) {
        unit_figures *f = find(t, fr[i].unit_id);
        if (!f) continue;
        f->fb_received += fr[i].received;
        f->fb_resolved += fr[i].resolved;
        f->fb_on_time += fr[i].resolved_on_time;
        f->cp_received += fr[i].complaints;
        f->cp_resolved += fr[i].complaints_resolved;
        f->cp_on_time += fr[i].complaints_on_time;
        f->fb_overdue_open += fr[i].overdue_open;
    }
    letter_unit_counts *lr;
    if (letter_counts_by_unit(d, a, root, t0, t1, &lr, &n)) return failed(e, "letters");
    for (size_t i = 0; i < n; i++) {
        unit_figures *f = find(t, lr[i].unit_id);
        if (!f) continue;
        for (int k = 0; k < LETTER_NKINDS; k++) f->letters[k] += lr[i].delivered[k];
        f->letters_made += lr[i].made;
        f->letters_made_delivered += lr[i].made_delivered;
    }
    reception_unit_counts *cr;
    if (reception_counts_by_unit(d, a, root, t0, t1, &cr, &n)) return failed(e, "reception");
    for (size_t i = 0; i < n; i++) {
        unit_figures *f = find(t, cr[i].unit_id);
        if (!f) continue;
        f->receptions += cr[i].receptions;
        f->reception_people += cr[i].people;
        f->sessions += cr[i].sessions;
        f->weeks_with_session += cr[i].weeks_with_session;
        f->dialogues_held += cr[i].dialogues_held;
    }
    return 0;
}

static void period_of(unit_figures *f, cal_day from, cal_day to, int64_t now)
{
    f->from = from;
    f->to = to;
    int64_t end = cal_instant(to + 1, 0);
    f->as_of = now < end ? now : end;
    f->weeks = figures_weeks(from, to, cal_local_day(now));
}

int figures_compute(db *d, arena *a, int64_t unit_id, cal_day from, cal_day to, int64_t now, unit_figures *out,
                    err *e)
{
    memset(out, 0, sizeof *out);
    db_stmt *s = db_prepare(d, "SELECT code, name, kind FROM units WHERE id = ?");
    if (!s) return failed(e, "unit");
    db_bind_int(s, 1, unit_id);
    if (db_step(s) == DB_ROW) {
        out->unit_code = arena_strdup(a, db_col_text(s, 0));
        out->unit_name = arena_strdup(a, db_col_text(s, 1));
        out->unit_kind = arena_strdup(a, db_col_text(s, 2));
    }
    db_done(s);
    if (!out->unit_code) {
        err_set(e, 404, N_("Không tìm thấy đơn vị."), "unit %lld", (long long)unit_id);
        return -1;
    }
    out->unit_id = unit_id;
    period_of(out, from, to, now);
    bool snap = db_begin_read(d) == DB_DONE;
    target t = {.figs = out, .n = 1, .sum = true};
    int rc = gather(d, a, unit_id, from, to, now, &t, e);
    if (snap) db_end_read(d);
    return rc;
}

static int by_id(const void *x, const void *y)
{
    const unit_figures *a = x, *b = y;
    return a->unit_id < b->unit_id ? -1 : a->unit_id > b->unit_id;
}

static int by_name(const void *x, const void *y)
{
    const unit_figures *a = x, *b = y;
    return strcmp(a->unit_name, b->unit_name);
}

int figures_compute_units(db *d, arena *a, int64_t root_id, const char *kind, cal_day from, cal_day to, int64_t now,
                          unit_figures **out, size_t *n, err *e)
{
    *out = NULL;
    *n = 0;
    bool snap = db_begin_read(d) == DB_DONE;
    db_stmt *s = db_prepare(d, UNIT_SUBTREE_CTE("") "SELECT u.id, u.code, u.name, u.kind FROM units u "
                               "WHERE u.id IN (SELECT id FROM sub) AND u.id <> ?1 "
                               "AND u.kind IN ('commune', 'department') AND (?2 IS NULL OR u.kind = ?2) ORDER BY u.id");
    if (!s) {
        if (snap) db_end_read(d);
        return failed(e, "units");
    }
    db_bind_int(s, 1, root_id);
    db_bind_text(s, 2, kind);
    size_t cap = 32;
    unit_figures *figs = arena_alloc(a, cap * sizeof *figs);
    while (db_step(s) == DB_ROW) {
        if (*n == cap) {
            unit_figures *bigger = arena_alloc(a, 2 * cap * sizeof *bigger);
            memcpy(bigger, figs, cap * sizeof *bigger);
            figs = bigger;
            cap *= 2;
        }
        unit_figures *f = &figs[(*n)++];
        memset(f, 0, sizeof *f);
        f->unit_id = db_col_int(s, 0);
        f->unit_code = arena_strdup(a, db_col_text(s, 1));
        f->unit_name = arena_strdup(a, db_col_text(s, 2));
        f->unit_kind = arena_strdup(a, db_col_text(s, 3));
        period_of(f, from, to, now);
    }
    db_done(s);
    qsort(figs, *n, sizeof *figs, by_id);   /* already in id order; find() relies on it */
    target t = {.figs = figs, .n = *n};
    int rc = gather(d, a, root_id, from, to, now, &t, e);
    if (snap) db_end_read(d);
    if (rc) return -1;
    if (*n > 1) qsort(figs, *n, sizeof *figs, by_name);
    *out = figs;
    return 0;
}

/* ---- metrics ------------------------------------------------------------------------------ */

static const figures_metric_def DEFS[] = {
    {"dossier.received", N_("Hồ sơ tiếp nhận"), ""},
    {"dossier.online_rate", N_("Tỷ lệ hồ sơ trực tuyến"), "%"},
    {"dossier.on_time_rate", N_("Tỷ lệ giải quyết đúng hạn"), "%"},
    {"dossier.early_rate", N_("Tỷ lệ trước hạn"), "%"},
    {"dossier.late_rate", N_("Tỷ lệ quá hạn"), "%"},
    {"dossier.apologies", N_("Phiếu xin lỗi"), ""},
    {"dossier.apology_on_time_rate", N_("Tỷ lệ xin lỗi đúng thời điểm"), "%"},
    {"dossier.avg_days", N_("Thời gian giải quyết trung bình"), "ngày"},
    {"dossier.trips_avg", N_("Số lần đi lại trung bình"), ""},
    {"rating.count", N_("Lượt đánh giá"), ""},
    {"rating.satisfied_rate", N_("Tỷ lệ hài lòng"), "%"},
    {"rating.dissatisfied", N_("Đánh giá không hài lòng"), ""},
    {"rating.answered_rate", N_("Tỷ lệ không hài lòng được trả lời"), "%"},
    {"feedback.received", N_("Phản ánh, kiến nghị tiếp nhận"), ""},
    {"feedback.on_time_rate", N_("Tỷ lệ phản ánh giải quyết đúng hạn"), "%"},
    {"complaint.received", N_("Khiếu nại, tố cáo"), ""},
    {"complaint.on_time_rate", N_("Tỷ lệ khiếu nại, tố cáo giải quyết đúng hạn"), "%"},
    {"feedback.overdue_open", N_("Ý kiến quá hạn chưa giải quyết"), ""},
    {"letter.apology", N_("Thư xin lỗi"), ""},
    {"letter.thanks", N_("Thư cảm ơn"), ""},
    {"letter.congratulation", N_("Thư chúc mừng"), ""},
    {"letter.condolence", N_("Thư chia buồn"), ""},
    {"letter.delivered_rate", N_("Tỷ lệ thư đã trao"), "%"},
    {"reception.sessions", N_("Buổi Chủ tịch tiếp công dân"), ""},
    {"reception.weekly_rate", N_("Tỷ lệ tuần có tiếp công dân"), "%"},
    {"reception.count", N_("Lượt tiếp công dân"), ""},
    {"dialogue.held", N_("Cuộc đối thoại đã tổ chức"), ""},
};
#define NDEFS (sizeof DEFS / sizeof DEFS[0])

const figures_metric_def *figures_metric_defs(size_t *n)
{
    *n = NDEFS;
    return DEFS;
}

static bool count(int64_t v, double *out)
{
    *out = (double)v;
    return true;
}

static bool rate(int64_t part, int64_t whole, double *out)
{
    if (whole <= 0) return false;
    *out = 100.0 * (double)part / (double)whole;
    return true;
}

static bool mean(int64_t sum, int64_t n, double *out)
{
    if (n <= 0) return false;
    *out = (double)sum / (double)n;
    return true;
}

bool figures_metric(const unit_figures *f, const char *key, double *v)
{
    const ind_counts *c = &f->dossier;
    int64_t graded = indicators_graded(c), resolved = c->early + c->on_time + c->late;
    if (!strcmp(key, "dossier.received")) return count(c->received, v);
    if (!strcmp(key, "dossier.online_rate")) return rate(f->online, c->received, v);
    if (!strcmp(key, "dossier.on_time_rate")) return rate(c->early + c->on_time, graded, v);
    if (!strcmp(key, "dossier.early_rate")) return rate(c->early, graded, v);
    if (!strcmp(key, "dossier.late_rate")) return rate(c->late + c->open_late, graded, v);
    if (!strcmp(key, "dossier.apologies")) return count(c->apologies, v);
    if (!strcmp(key, "dossier.apology_on_time_rate")) return rate(c->apologies - c->apologies_late, c->apologies, v);
    if (!strcmp(key, "dossier.avg_days")) return mean(c->wdays, resolved, v);
    if (!strcmp(key, "dossier.trips_avg")) return mean(f->trips, f->trips_n, v);
    if (!strcmp(key, "rating.count")) return count(f->ratings, v);
    if (!strcmp(key, "rating.satisfied_rate")) return rate(f->satisfied, f->ratings, v);
    if (!strcmp(key, "rating.dissatisfied")) return count(f->dissatisfied, v);
    if (!strcmp(key, "rating.answered_rate")) return rate(f->answered, f->dissatisfied, v);
    if (!strcmp(key, "feedback.received")) return count(f->fb_received, v);
    if (!strcmp(key, "feedback.on_time_rate")) return rate(f->fb_on_time, f->fb_resolved, v);
    if (!strcmp(key, "complaint.received")) return count(f->cp_received, v);
    if (!strcmp(key, "complaint.on_time_rate")) return rate(f->cp_on_time, f->cp_resolved, v);
    if (!strcmp(key, "feedback.overdue_open")) return count(f->fb_overdue_open, v);
    if (!strcmp(key, "letter.apology")) return count(f->letters[LETTER_APOLOGY], v);
    if (!strcmp(key, "letter.thanks")) return count(f->letters[LETTER_THANKS], v);
    if (!strcmp(key, "letter.congratulation")) return count(f->letters[LETTER_CONGRATULATION], v);
    if (!strcmp(key, "letter.condolence")) return count(f->letters[LETTER_CONDOLENCE], v);
    if (!strcmp(key, "letter.delivered_rate")) return rate(f->letters_made_delivered, f->letters_made, v);
    if (!strcmp(key, "reception.sessions")) return count(f->sessions, v);
    if (!strcmp(key, "reception.weekly_rate")) return rate(f->weeks_with_session, f->weeks, v);
    if (!strcmp(key, "reception.count")) return count(f->receptions, v);
    if (!strcmp(key, "dialogue.held")) return count(f->dialogues_held, v);
    return false;
}

/* "1.234" (a dot between thousands, as Vietnamese writes counts) */
static const char *thousands(arena *a, int64_t v)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", (long long)(v < 0 ? -v : v));
    buf b;
    buf_init(&b, a);
    if (v < 0) buf_putc(&b, '-');
    size_t len = strlen(digits);
    for (size_t i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) buf_putc(&b, '.');
        buf_putc(&b, digits[i]);
    }
    return buf_cstr(&b);
}

const char *figures_format(arena *a, const figures_metric_def *def, bool has, double v)
{
    if (!has) return "–";
    bool pct = !strcmp(def->unit, "%");
    bool integral = !pct && strcmp(def->unit, "ngày") && strcmp(def->key, "dossier.trips_avg");
    if (integral) return thousands(a, (int64_t)(v + (v < 0 ? -0.5 : 0.5)));
    char *s = arena_printf(a, "%.1f%s", v, pct ? "%" : "");
    char *dot = strchr(s, '.');
    if (dot) *dot = ',';
    return s;
}

json_t *figures_json(arena *a, const unit_figures *f)
{
    char from[11], to[11];
    cal_format(f->from, from);
    cal_format(f->to, to);
    json_t *metrics = json_object(), *text = json_object();
    for (size_t i = 0; i < NDEFS; i++) {
        double v = 0;
        bool has = figures_metric(f, DEFS[i].key, &v);
        json_object_set_new(metrics, DEFS[i].key, has ? json_real(v) : json_null());
        json_object_set_new(text, DEFS[i].key, json_string(figures_format(a, &DEFS[i], has, v)));
    }
    const ind_counts *c = &f->dossier;
    json_t *counts = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "carried", (json_int_t)c->carried,
        "received", (json_int_t)c->received, "early", (json_int_t)c->early, "on_time", (json_int_t)c->on_time, "late",
        (json_int_t)c->late, "open_late", (json_int_t)c->open_late, "open_ok", (json_int_t)c->open_ok, "refused",
        (json_int_t)c->refused, "withdrawn", (json_int_t)c->withdrawn, "apologies", (json_int_t)c->apologies,
        "apologies_late", (json_int_t)c->apologies_late, "online", (json_int_t)f->online, "trips", (json_int_t)f->trips,
        "trips_n", (json_int_t)f->trips_n);
    json_object_set_new(counts, "ratings", json_integer(f->ratings));
    json_object_set_new(counts, "satisfied", json_integer(f->satisfied));
    json_object_set_new(counts, "very_satisfied", json_integer(f->very_satisfied));
    json_object_set_new(counts, "dissatisfied", json_integer(f->dissatisfied));
    json_object_set_new(counts, "answered", json_integer(f->answered));
    json_object_set_new(counts, "feedback_resolved", json_integer(f->fb_resolved));
    json_object_set_new(counts, "feedback_on_time", json_integer(f->fb_on_time));
    json_object_set_new(counts, "complaints_resolved", json_integer(f->cp_resolved));
    json_object_set_new(counts, "complaints_on_time", json_integer(f->cp_on_time));
    json_object_set_new(counts, "letters_made", json_integer(f->letters_made));
    json_object_set_new(counts, "letters_made_delivered", json_integer(f->letters_made_delivered));
    json_object_set_new(counts, "reception_people", json_integer(f->reception_people));
    json_object_set_new(counts, "weeks", json_integer(f->weeks));
    json_object_set_new(counts, "weeks_with_session", json_integer(f->weeks_with_session));
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "unit_id", (json_int_t)f->unit_id,
                     "unit_code", f->unit_code ? f->unit_code : "", "unit_name", f->unit_name ? f->unit_name : "",
                     "unit_kind", f->unit_kind ? f->unit_kind : "", "from", from, "to", to, "from_text",
                     vn_day_date(a, f->from), "to_text", vn_day_date(a, f->to), "metrics", metrics, "text", text,
                     "counts", counts);
}

/* ---- the audit sample ---------------------------------------------------------------------- */

static int cmp_id(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

json_t *figures_audit_sample(db *d, arena *a, int64_t unit_id, cal_day from, cal_day to, int k, uint64_t seed)
{
    db_stmt *s = db_prepare(d, "SELECT id FROM dossiers WHERE unit_id = ? AND received_at >= ? AND received_at < ? "
                               "ORDER BY id");
    if (!s) return NULL;
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, cal_instant(from, 0));
    db_bind_int(s, 3, cal_instant(to + 1, 0));
    size_t n = 0, cap = 256;
    int64_t *ids = arena_alloc(a, cap * sizeof *ids);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == cap) {
            int64_t *bigger = arena_alloc(a, 2 * cap * sizeof *bigger);
            memcpy(bigger, ids, cap * sizeof *bigger);
            ids = bigger;
            cap *= 2;
        }
        ids[n++] = db_col_int(s, 0);
    }
    db_done(s);
    if (rc != DB_DONE) return NULL;
    /* the first k of a Fisher-Yates shuffle, then in order of receipt (ids grow with it) */
    rng r = {seed};
    size_t take = k < 0 ? 0 : (size_t)k < n ? (size_t)k : n;
    for (size_t i = 0; i < take; i++) {
        size_t j = i + (size_t)rng_pick(&r, (int)(n - i));
        int64_t t = ids[i];
        ids[i] = ids[j];
        ids[j] = t;
    }
    qsort(ids, take, sizeof *ids, cmp_id);
    json_t *out = json_array();
    for (size_t i = 0; i < take; i++) {
        json_t *o = dossier_get(d, a, ids[i], cal_instant(to + 1, 0));
        if (!o) continue;
        dossier_mask_json(a, o);
        json_t *row = json_pack("{s:I, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "id", (json_int_t)ids[i], "code",
                                json_object_get(o, "code"), "procedure_name", json_object_get(o, "procedure_name"),
                                "received_text", json_object_get(o, "received_text"), "status_label",
                                json_object_get(o, "status_label"), "result_label", json_object_get(o, "result_label"),
                                "applicant_name", json_object_get(o, "applicant_name"), "url", json_object_get(o, "url"));
        json_array_append_new(out, row);
        json_decref(o);
    }
    return out;
}
