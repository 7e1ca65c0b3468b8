/* test_feedback_warn.c -- the warnings to staff when a feedback case's legal deadline is near or
 * past (src/feedback/feedback_warn.c, called by the server's housekeeping): queued once per case,
 * step, threshold and deadline, also after a restart; none for a closed case; the message names
 * the case, what is due and when. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "testdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/calendar.h"
#include "../../src/demo/demo.h"
#include "../../src/feedback/feedback.h"
#include "../../src/holiday/holiday.h"
#include "../../src/store/db.h"

static struct {
    char dir[64], path[160];
    db *d;
    int64_t unit;
} fx;

static int64_t q_int(const char *sql, int64_t param)
{
    db_stmt *s = db_prepare(fx.d, sql);
    assert_non_null(s);
    if (param) db_bind_int(s, 1, param);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static char *q_text(arena *a, const char *sql, int64_t param)
{
    db_stmt *s = db_prepare(fx.d, sql);
    assert_non_null(s);
    db_bind_int(s, 1, param);
    char *v = db_step(s) == DB_ROW ? arena_strdup(a, db_col_text(s, 0)) : NULL;
    db_done(s);
    return v;
}

static int open_db(void)
{
    err e = {0};
    fx.d = db_open(fx.path, &e);
    holiday_invalidate();
    return fx.d ? 0 : -1;
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(fx.dir, sizeof fx.dir, "/tmp/thanthien-fbwarn-XXXXXX");
    if (!mkdtemp(fx.dir)) return -1;
    snprintf(fx.path, sizeof fx.path, "%s/main.db", fx.dir);
    err e = {0};
    if (open_db() || db_migrate(fx.d, &e) != 0 || demo_create(fx.d, &e) != 0) {
        fprintf(stderr, "setup: %s / %s\n", e.user, e.log);
        return -1;
    }
    db_stmt *s = db_prepare(fx.d, "SELECT id FROM units WHERE code = '05443'");
    fx.unit = s && db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    if (s) db_done(s);
    /* the desk's address and the chairman's phone the warnings go to */
    db_exec(fx.d, "UPDATE units SET email = 'motcua@phandinhphung.example.vn' WHERE code = '05443'");
    db_exec(fx.d, "UPDATE unit_leaders SET phone = '0912000111' WHERE unit_id = (SELECT id FROM units WHERE code = '05443')");
    return fx.unit > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    db_close(fx.d);
    holiday_cleanup();
    if (!getenv("KEEP")) testdir_remove(fx.dir);
    return 0;
}

static int64_t file_case(arena *a, const char *kind, const char *name, int64_t at)
{
    feedback_new in = {.unit_id = fx.unit, .kind = kind, .channel = "desk", .subject = "Rác thải tổ 5",
                       .content = "Rác không được thu gom ba ngày nay.", .name = name, .phone = "0987000222",
                       .address = "Tổ 5, phường Phan Đình Phùng", .user_id = 0};
    feedback_ticket t;
    err e = {0};
    assert_int_equal(feedback_file(fx.d, a, &in, NULL, 0, at, &t, &e), 0);
    return t.id;
}

static int64_t warnings(int64_t id) { return q_int("SELECT COUNT(*) FROM feedback_warnings WHERE feedback_id = ?", id); }

static int64_t due_messages(void)
{
    return q_int("SELECT COUNT(*) FROM outbox WHERE event = 'feedback_due'", 0);
}

static void once_near_and_once_past_not_for_closed(void **state)
{
    (void)state;
    arena *a = arena_new();
    err e = {0};
    int64_t received = cal_instant(cal_from_ymd(2026, 12, 3), 10 * 60);   /* Thu 3/12/2026 10:00 */
    /* a góp ý: resolution in 15 working days, Thu 24/12/2026 */
    int64_t open = file_case(a, "gop_y", "Nguyễn Văn Bình", received);
    int64_t closed = file_case(a, "gop_y", "Trần Thị Cúc", received);
    feedback_step_in done = {.action = FB_RESOLVE, .note = "Đã thu gom rác ngày hôm sau.", .user_id = 0};
    assert_int_equal(feedback_step(fx.d, a, closed, &done, received + 3600, &e), 0);

    /* Wed 16/12: six working days left, nothing yet */
    assert_int_equal(feedback_warn_due(fx.d, a, cal_instant(cal_from_ymd(2026, 12, 16), 9 * 60), &e), 0);
    assert_int_equal(warnings(open), 0);

    /* Mon 21/12 09:00: three working days left (22, 23, 24) -> one warning, to the desk's e-mail
     * and the chairman's phone */
    int64_t mon = cal_instant(cal_from_ymd(2026, 12, 21), 9 * 60);
    assert_int_equal(feedback_warn_due(fx.d, a, mon, &e), 1);
    assert_int_equal(e.status, 0);
    assert_int_equal(warnings(open), 1);
    assert_int_equal(q_int("SELECT threshold FROM feedback_warnings WHERE feedback_id = ?", open), 3);
    assert_int_equal(q_int("SELECT COUNT(*) FROM feedback_warnings WHERE feedback_id = ? AND step = 'resolve'", open), 1);
    assert_int_equal(due_messages(), 2);
    const char *subject = q_text(a, "SELECT subject FROM outbox WHERE event = 'feedback_due' AND channel = 'email' "
                                    "AND ? > 0 ORDER BY id DESC LIMIT 1", 1);
    assert_non_null(subject);
    assert_non_null(strstr(subject, "Góp ý 05443-GY261203-"));
    assert_non_null(strstr(subject, "còn 3 ngày làm việc đến hạn giải quyết"));
    assert_non_null(strstr(subject, "24/12/2026"));
    assert_int_equal(q_int("SELECT COUNT(*) FROM outbox WHERE event = 'feedback_due' AND recipient = "
                           "'motcua@phandinhphung.example.vn' AND ? > 0", 1), 1);
    /* the closed case has no warning */
    assert_int_equal(warnings(closed), 0);

    /* the next round, and after a restart: nothing again */
    assert_int_equal(feedback_warn_due(fx.d, a, mon + 300, &e), 0);
    db_close(fx.d);
    assert_int_equal(open_db(), 0);
    assert_int_equal(feedback_warn_due(fx.d, a, mon + 600, &e), 0);
    assert_int_equal(due_messages(), 2);

    /* Fri 25/12: past the deadline -> the overdue warning, once */
    int64_t fri = cal_instant(cal_from_ymd(2026, 12, 25), 9 * 60);
    assert_int_equal(feedback_warn_due(fx.d, a, fri, &e), 1);
    assert_int_equal(q_int("SELECT COUNT(*) FROM feedback_warnings WHERE feedback_id = ? AND threshold = -1", open), 1);
    const char *overdue = q_text(a, "SELECT body FROM outbox WHERE event = 'feedback_due' AND channel = 'email' "
                                    "AND ? > 0 ORDER BY id DESC LIMIT 1", 1);
    assert_non_null(strstr(overdue, "đã quá hạn giải quyết (hạn 24/12/2026)"));
    assert_non_null(strstr(overdue, "/phan-anh/"));
    /* the chairman's SMS, in the unit's SMS style */
    assert_int_equal(q_int("SELECT COUNT(*) FROM outbox WHERE event = 'feedback_due' AND channel = 'sms' AND "
                           "recipient = '0912000111' AND ? > 0", 1), 2);
    assert_int_equal(feedback_warn_due(fx.d, a, fri + 300, &e), 0);
    assert_int_equal(due_messages(), 4);
    assert_int_equal(warnings(closed), 0);
    arena_free(a);
}

static void acceptance_clock_then_a_moved_deadline(void **state)
{
    (void)state;
    arena *a = arena_new();
    err e = {0};
    /* a kiến nghị: acceptance within 2 working days (QĐ 766), Mon 7/12 -> Wed 9/12/2026 */
    int64_t received = cal_instant(cal_from_ymd(2026, 12, 7), 8 * 60);
    int64_t id = file_case(a, "kien_nghi", "Lê Văn Dũng", received);
    int64_t before = due_messages();
    assert_int_equal(feedback_warn_due(fx.d, a, received + 3600, &e), 1);
    assert_int_equal(q_int("SELECT COUNT(*) FROM feedback_warnings WHERE feedback_id = ? AND step = 'accept'", id), 1);
    assert_int_equal(q_int("SELECT COUNT(*) FROM feedback_warnings WHERE feedback_id = ? AND step = 'resolve'", id), 0);
    const char *subject = q_text(a, "SELECT subject FROM outbox WHERE event = 'feedback_due' AND channel = 'email' "
                                    "AND ? > 0 ORDER BY id DESC LIMIT 1", 1);
    assert_non_null(strstr(subject, "còn 2 ngày làm việc đến hạn thụ lý (09/12/2026)"));
    /* accepted: no more acceptance warning, even past its day; the resolution's when near, once */
    feedback_step_in acc = {.action = FB_ACCEPT, .user_id = 0};
    assert_int_equal(feedback_step(fx.d, a, id, &acc, received + 7200, &e), 0);
    assert_int_equal(feedback_warn_due(fx.d, a, cal_instant(cal_from_ymd(2026, 12, 10), 9 * 60), &e), 0);
    feedback_case c;
    assert_int_equal(feedback_get(fx.d, a, id, &c), 1);
    int64_t near = c.due_at - 2 * 86400;
    assert_int_equal(feedback_warn_due(fx.d, a, near, &e), 1);
    assert_int_equal(feedback_warn_due(fx.d, a, near + 60, &e), 0);
    assert_int_equal(q_int("SELECT COUNT(*) FROM feedback_warnings WHERE feedback_id = ? AND step = 'resolve'", id), 1);
    assert_true(due_messages() > before);
    arena_free(a);
}

/* The demo's history: its open cases' warnings are recorded as sent, so the server's first round
 * queues none of them; a later threshold still comes. */
static int mark_write(db *d, void *ctx, err *e)
{
    int64_t *now = ctx;
    return feedback_warn_mark(d, fx.unit, *now, e) < 0 ? -1 : 0;
}

static void demo_history_is_not_sent_again(void **state)
{
    (void)state;
    arena *a = arena_new();
    err e = {0};
    /* a phản ánh of Mon 14/12/2026: accept by Wed 16/12, resolve in 15 working days */
    int64_t received = cal_instant(cal_from_ymd(2026, 12, 14), 8 * 60);
    int64_t id = file_case(a, "phan_anh", "Phạm Văn Hòa", received);
    int64_t now = cal_instant(cal_from_ymd(2026, 12, 17), 9 * 60);   /* acceptance overdue */
    assert_int_equal(db_write(fx.d, mark_write, &now, &e), 0);
    assert_true(warnings(id) >= 1);
    int64_t before = due_messages();
    assert_int_equal(feedback_warn_due(fx.d, a, now + 60, &e), 0);
    assert_int_equal(due_messages(), before);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(once_near_and_once_past_not_for_closed),
        cmocka_unit_test(acceptance_clock_then_a_moved_deadline),
        cmocka_unit_test(demo_history_is_not_sent_again),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
