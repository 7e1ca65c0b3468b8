/* test_feedback_intake.c -- the intake contract other features call (src/feedback/feedback.h):
 * feedback_intake() runs inside the caller's own db_write, as the rating and reception features
 * do, files the case with its source, code, secret and first deadline, and on bad input fails
 * with 422 so that the caller's whole write is undone. */
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

static int64_t q_int(const char *sql, const char *param)
{
    db_stmt *s = db_prepare(fx.d, sql);
    assert_non_null(s);
    if (param) db_bind_text(s, 1, param);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(fx.dir, sizeof fx.dir, "/tmp/thanthien-fbintake-XXXXXX");
    if (!mkdtemp(fx.dir)) return -1;
    snprintf(fx.path, sizeof fx.path, "%s/main.db", fx.dir);
    err e = {0};
    fx.d = db_open(fx.path, &e);
    if (!fx.d || db_migrate(fx.d, &e) != 0 || demo_create(fx.d, &e) != 0) {
        fprintf(stderr, "setup: %s / %s\n", e.user, e.log);
        return -1;
    }
    holiday_invalidate();
    db_stmt *s = db_prepare(fx.d, "SELECT id FROM units WHERE code = '05443'");
    fx.unit = s && db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    if (s) db_done(s);
    return fx.unit > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    db_close(fx.d);
    holiday_cleanup();
    testdir_remove(fx.dir);
    return 0;
}

/* What a rating feature does: its own row and the case, in one write. */
typedef struct {
    arena *a;
    feedback_new in;
    feedback_ticket t;
    int64_t now;
} rating_tx;

static int rating_write(db *d, void *ctx, err *e)
{
    rating_tx *t = ctx;
    /* the caller's own change in the same transaction (here: a counter row) */
    db_stmt *s = db_prepare(d, "INSERT INTO feedback_counters (unit_id, period, last) VALUES (?, 'test-caller', 1) "
                               "ON CONFLICT (unit_id, period) DO UPDATE SET last = last + 1");
    db_bind_int(s, 1, fx.unit);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return -1;
    return feedback_intake(d, t->a, &t->in, t->now, &t->t, e);
}

static void intake_inside_the_callers_write(void **state)
{
    (void)state;
    arena *a = arena_new();
    int64_t now = cal_instant(cal_from_ymd(2026, 12, 3), 10 * 60);   /* Thu 3/12/2026 10:00 */
    rating_tx t = {.a = a, .now = now,
                   .in = {.unit_id = fx.unit, .kind = "gop_y", .channel = "rating",
                          .content = "Đánh giá: không hài lòng. Chờ lâu ở quầy tiếp nhận.", .source_ref = "rating:12"}};
    err e = {0};
    assert_int_equal(db_write(fx.d, rating_write, &t, &e), 0);
    assert_true(t.t.id > 0);
    assert_true(!strncmp(t.t.code, "05443-GY261203-", 15));
    assert_int_equal(strlen(t.t.secret), 6);
    /* góp ý: 15 working days from receipt, Thu 3/12 -> Thu 24/12/2026 */
    char day[11];
    cal_format(cal_local_day(t.t.due_at), day);
    assert_string_equal(day, "2026-12-24");
    assert_int_equal(q_int("SELECT COUNT(*) FROM feedback WHERE source_ref = ? AND channel = 'rating' AND anonymous = 1",
                           "rating:12"), 1);
    assert_int_equal(q_int("SELECT last FROM feedback_counters WHERE period = ?", "test-caller"), 1);
    /* the subject, when the caller gives none, is the content's first words */
    assert_int_equal(q_int("SELECT COUNT(*) FROM feedback WHERE subject LIKE 'Đánh giá: không hài lòng%' AND code = ?",
                           t.t.code), 1);
    arena_free(a);
}

static void bad_input_undoes_the_callers_write(void **state)
{
    (void)state;
    arena *a = arena_new();
    int64_t before = q_int("SELECT COUNT(*) FROM feedback", NULL);
    /* an anonymous complaint from the reception register */
    rating_tx t = {.a = a, .now = cal_instant(cal_from_ymd(2026, 12, 3), 11 * 60),
                   .in = {.unit_id = fx.unit, .kind = "khieu_nai", .channel = "reception", .content = "Khiếu nại",
                          .source_ref = "reception:7"}};
    err e = {0};
    assert_int_equal(db_write(fx.d, rating_write, &t, &e), -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.field, "name");
    assert_int_equal(q_int("SELECT COUNT(*) FROM feedback", NULL), before);
    assert_int_equal(q_int("SELECT last FROM feedback_counters WHERE period = ?", "test-caller"), 1);   /* undone */
    /* unknown kind, channel, empty content, bad coordinates */
    feedback_new bad[] = {
        {.unit_id = fx.unit, .kind = "thu_khen", .channel = "web", .content = "x"},
        {.unit_id = fx.unit, .kind = "gop_y", .channel = "fax", .content = "x"},
        {.unit_id = fx.unit, .kind = "gop_y", .channel = "web", .content = "   "},
        {.unit_id = fx.unit, .kind = "gop_y", .channel = "open311", .content = "x", .has_location = true, .lat = 91},
        {.unit_id = 999999, .kind = "gop_y", .channel = "web", .content = "x"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t.in = bad[i];
        memset(&e, 0, sizeof e);
        assert_int_equal(db_write(fx.d, rating_write, &t, &e), -1);
        assert_int_equal(e.status, 422);
    }
    assert_int_equal(q_int("SELECT COUNT(*) FROM feedback", NULL), before);
    /* Open311 coordinates are kept in millionths of a degree */
    t.in = (feedback_new){.unit_id = fx.unit, .kind = "phan_anh", .channel = "open311", .name = "Nguyễn Văn A",
                          .phone = "0912345678", .content = "Ổ gà", .service_code = "duong-sa", .has_location = true,
                          .lat = 21.5942, .lon = 105.8482, .location_text = "Đường Bến Oánh", .source_ref = "open311:app1"};
    assert_int_equal(db_write(fx.d, rating_write, &t, &e), 0);
    feedback_case c;
    assert_int_equal(feedback_get(fx.d, a, t.t.id, &c), 1);
    assert_true(c.has_location);
    assert_true(c.lat > 21.594199 && c.lat < 21.594201);
    assert_true(c.lon > 105.848199 && c.lon < 105.848201);
    assert_string_equal(c.service_code, "duong-sa");
    assert_true(feedback_secret_ok(&c, t.t.secret));
    assert_false(feedback_secret_ok(&c, "AAAAAA"));
    feedback_filter f = {.unit_id = fx.unit, .service_code = "duong-sa"};
    assert_int_equal(feedback_count(fx.d, &f), 1);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(intake_inside_the_callers_write),
        cmocka_unit_test(bad_input_undoes_the_callers_write),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
