/* feedback_warn.c -- the warnings to a unit's staff when a case's running deadline (acceptance,
 * else resolution) is near or has passed, queued by the server's housekeeping loop like the
 * dossiers' due-soon warnings (dossier_warn_due_soon).
 *
 * "Near" is N working days of the unit's calendar before the deadline, for every N of table
 * feedback_warn_thresholds in force today (migration 021); "passed" is threshold -1. Each
 * warning is recorded in table feedback_warnings (case, step, threshold, the deadline as it
 * stood) in the same write that queues the message, so a restart, a second server round or a
 * second server never sends it twice. The deadlines watched: acceptance (thụ lý) while the case
 * is received and not yet accepted, resolution while it is received or accepted; a case closed
 * or suspended gets none. An extension or a resumption moves the deadline, and
 * the new one is warned of again.
 *
 * The message (notify event "feedback_due") goes to the unit's e-mail (the desk that handles
 * the case) and by SMS to the unit's first leader (table unit_leaders) when a phone is given;
 * it names the officer the case is assigned to, if any. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/log.h"
#include "../holiday/holiday.h"
#include "../notify/notify.h"
#include "feedback.h"

#define WARN_MAX_THRESHOLDS 8
#define WARN_BATCH 500

/* The thresholds in force on day (the rows of the latest valid_from not after it), largest
 * first; how many. */
static int thresholds_on(db *d, cal_day day, int out[WARN_MAX_THRESHOLDS])
{
    char ymd[11];
    cal_format(day, ymd);
    db_stmt *s = db_prepare(d, "SELECT days FROM feedback_warn_thresholds WHERE valid_from = "
                               "(SELECT max(valid_from) FROM feedback_warn_thresholds WHERE valid_from <= ?) "
                               "ORDER BY days DESC");
    if (!s) return 0;
    db_bind_text(s, 1, ymd);
    int n = 0;
    while (n < WARN_MAX_THRESHOLDS && db_step(s) == DB_ROW) out[n++] = (int)db_col_int(s, 0);
    db_done(s);
    return n;
}

typedef struct {
    arena *a;
    int64_t id, due_at, now;
    const char *step;           /* "accept" | "resolve" */
    int thresholds[WARN_MAX_THRESHOLDS + 1], nthresholds;   /* to record; the first is the one told */
    int left;                   /* working days left, or -1 past due */
    bool queued;
} warn_tx;

static const char *kind_words(const char *kind)
{
    const char *l = feedback_kind_label(kind);
    return *l ? l : kind;
}

/* The message for one case, inside the write. */
static int warn_enqueue(db *d, warn_tx *t, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT f.unit_id, f.code, f.kind, f.subject, u.email, COALESCE(a.full_name, ''), "
                               "(SELECT phone FROM unit_leaders l WHERE l.unit_id = f.unit_id AND phone <> '' "
                               " ORDER BY sort, id LIMIT 1) "
                               "FROM feedback f JOIN units u ON u.id = f.unit_id "
                               "LEFT JOIN users a ON a.id = f.assignee_id WHERE f.id = ?");
    if (!s) return err_set(e, 500, "", "feedback warn: prepare"), -1;
    db_bind_int(s, 1, t->id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return err_set(e, 404, "", "feedback warn: no case %lld", (long long)t->id), -1;
    }
    arena *a = t->a;
    char day[11];
    cal_format_dmy(cal_local_day(t->due_at), day);
    const char *what = !strcmp(t->step, "accept") ? "thụ lý" : "giải quyết";
    const char *reason = t->left < 0 ? arena_printf(a, "đã quá hạn %s", what)
                         : t->left == 0 ? arena_printf(a, "đến hạn %s hôm nay", what)
                                        : arena_printf(a, "còn %d ngày làm việc đến hạn %s", t->left, what);
    notify_msg m = {
        .unit_id = db_col_int(s, 0), .event = "feedback_due",
        .code = arena_strdup(a, db_col_text(s, 1)), .procedure = kind_words(db_col_text(s, 2)),
        .title = arena_strdup(a, db_col_text(s, 3)), .email = arena_strdup(a, db_col_text(s, 4)),
        .name = *db_col_text(s, 5) ? arena_strdup(a, db_col_text(s, 5)) : "(chưa giao)",
        .phone = db_col_null(s, 6) ? "" : arena_strdup(a, db_col_text(s, 6)),
        .due = arena_strdup(a, day), .reason = reason, .secret = "", .new_due = "", .unit = NULL,
        .link = arena_printf(a, "%s/phan-anh/%lld", feedback_public_url(), (long long)t->id),
    };
    db_done(s);
    if (!*m.email && !*m.phone) return 0;   /* nobody to tell: recorded, logged by the caller */
    return notify_enqueue(d, &m, e) < 0 ? -1 : 0;
}

static int warn_write(db *d, void *ctx, err *e)
{
    (void)e;
    warn_tx *t = ctx;
    /* still running, with this deadline: a step taken since the candidates were read wins */
    db_stmt *c = db_prepare(d, !strcmp(t->step, "accept")
                                   ? "SELECT 1 FROM feedback WHERE id = ? AND accept_due_at = ? AND status = 'received'"
                                   : "SELECT 1 FROM feedback WHERE id = ? AND due_at = ? AND status IN ('received', 'accepted')");
    db_bind_int(c, 1, t->id);
    db_bind_int(c, 2, t->due_at);
    bool running = db_step(c) == DB_ROW;
    db_done(c);
    if (!running) return 0;
    int fresh = 0;
    for (int i = 0; i < t->nthresholds; i++) {
        db_stmt *u = db_prepare(d, "INSERT INTO feedback_warnings (feedback_id, step, threshold, due_at, sent_at) "
                                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
        db_bind_int(u, 1, t->id);
        db_bind_text(u, 2, t->step);
        db_bind_int(u, 3, t->thresholds[i]);
        db_bind_int(u, 4, t->due_at);
        db_bind_int(u, 5, t->now);
        int rc = db_step(u);
        db_done(u);
        if (rc != DB_DONE) return -1;
        fresh += db_changes(d) == 1;
    }
    if (!fresh) return 0;
    err one = {0};
    /* a unit's unusable address must not stop the others' warnings: recorded, logged */
    if (warn_enqueue(d, t, &one))
        log_json("warn", "feedback warning not queued", "{s:I, s:s}", "feedback", (json_int_t)t->id, "why", one.log);
    t->queued = one.status == 0;
    return 0;
}

/* The warnings due at now (of one unit, or of all when unit_id is 0): the running deadlines past,
 * or within the widest threshold, not yet warned of as past; each with the thresholds it has
 * reached. *out is malloc'd (the caller frees it); how many, or -1 with e set. */
static int collect(db *d, arena *a, int64_t unit_id, int64_t now, warn_tx **out, err *e)
{
    *out = NULL;
    const calendar *cal = holiday_calendar(d, e);
    if (!cal) return -1;
    cal_day today = cal_local_day(now);
    int th[WARN_MAX_THRESHOLDS];
    int nth = thresholds_on(d, today, th);
    int widest = nth ? th[0] : 0;
    /* the default calendar's horizon plus a Tết-long margin: each unit's own calendar decides */
    int64_t horizon = calendar_due_at(cal, &CAL_UNIT_DEFAULT, now, widest + 1) + 10 * 86400;
    /* the acceptance deadline of a case not yet accepted, and the resolution deadline of an open,
     * not suspended case (a kiến nghị runs both from receipt) */
    db_stmt *s = db_prepare(d, "SELECT id, unit_id, step, due FROM ("
                               " SELECT id, unit_id, 'accept' AS step, accept_due_at AS due FROM feedback "
                               " WHERE status = 'received' AND accept_due_at IS NOT NULL AND accept_due_at <= ?1 "
                               "   AND (?2 = 0 OR unit_id = ?2) "
                               " UNION ALL "
                               " SELECT id, unit_id, 'resolve', due_at FROM feedback "
                               " WHERE status IN ('received', 'accepted') AND due_at IS NOT NULL AND due_at <= ?1 "
                               "   AND (?2 = 0 OR unit_id = ?2)) c "
                               "WHERE NOT EXISTS (SELECT 1 FROM feedback_warnings w WHERE w.feedback_id = c.id "
                               "  AND w.step = c.step AND w.due_at = c.due AND w.threshold = -1) "
                               "ORDER BY due LIMIT 500");
    if (!s) return err_set(e, 500, "", "feedback warn: prepare"), -1;
    db_bind_int(s, 1, horizon);
    db_bind_int(s, 2, unit_id);
    warn_tx *pending = calloc(WARN_BATCH, sizeof *pending);
    if (!pending) {
        db_done(s);
        return err_set(e, 500, "", "feedback warn: out of memory"), -1;
    }
    int n = 0;
    while (n < WARN_BATCH && db_step(s) == DB_ROW) {
        warn_tx *t = &pending[n];
        memset(t, 0, sizeof *t);
        t->a = a;
        t->id = db_col_int(s, 0);
        t->step = !strcmp(db_col_text(s, 2), "accept") ? "accept" : "resolve";
        t->due_at = db_col_int(s, 3);
        t->now = now;
        if (t->due_at <= now) {
            t->left = -1;
            t->thresholds[t->nthresholds++] = -1;
        } else {
            cal_unit cu = holiday_unit(d, db_col_int(s, 1));
            t->left = calendar_working_between(cal, &cu, today, cal_local_day(t->due_at));
            /* every threshold reached, smallest first: the one told is the nearest */
            for (int i = nth - 1; i >= 0; i--)
                if (t->left <= th[i]) t->thresholds[t->nthresholds++] = th[i];
        }
        n += t->nthresholds > 0;
    }
    db_done(s);
    *out = pending;
    return n;
}

int feedback_warn_due(db *d, arena *a, int64_t now, err *e)
{
    warn_tx *pending;
    int n = collect(d, a, 0, now, &pending, e);
    if (n < 0) return -1;
    int queued = 0;
    for (int i = 0; i < n; i++) {
        if (db_write(d, warn_write, &pending[i], e)) break;
        queued += pending[i].queued;
    }
    free(pending);
    notify_wake();
    return e->status ? -1 : queued;
}

int feedback_warn_mark(db *d, int64_t unit_id, int64_t now, err *e)
{
    arena *a = arena_new();
    warn_tx *pending;
    int n = collect(d, a, unit_id, now, &pending, e), marked = 0;
    for (int i = 0; i < n && marked >= 0; i++) {
        for (int k = 0; k < pending[i].nthresholds; k++) {
            db_stmt *u = db_prepare(d, "INSERT INTO feedback_warnings (feedback_id, step, threshold, due_at, sent_at) "
                                       "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
            db_bind_int(u, 1, pending[i].id);
            db_bind_text(u, 2, pending[i].step);
            db_bind_int(u, 3, pending[i].thresholds[k]);
            db_bind_int(u, 4, pending[i].due_at);
            db_bind_int(u, 5, now);
            int rc = db_step(u);
            db_done(u);
            if (rc != DB_DONE) {
                err_set(e, 500, "", "feedback warn mark: insert");
                marked = -1;
                break;
            }
            marked++;
        }
    }
    free(pending);
    arena_free(a);
    return n < 0 ? -1 : marked;
}
