/* test_rating.c -- cmocka unit tests of the ratings (src/survey/rating.h) against a real SQLite
 * file with the demo's units, users and catalogue: the level set in force by its effective
 * date, the checks of rating_submit, and the figures of a period worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/core/arena.h"
#include "../../src/core/calendar.h"
#include "../../src/demo/demo.h"
#include "../../src/dossier/dossier.h"
#include "../../src/survey/rating.h"
#include "../../src/store/db.h"

static char dir[64];
static db *D;
static arena *A;

static int64_t at(int y, int m, int d, int h) { return cal_instant(cal_from_ymd(y, m, d), h * 60); }

static int64_t sql_int(const char *sql, const char *arg)
{
    db_stmt *s = db_prepare(D, sql);
    if (!s) fail_msg("bad sql: %s", sql);
    if (arg) db_bind_text(s, 1, arg);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static int64_t user(const char *username) { return sql_int("SELECT id FROM users WHERE username = ?", username); }

/* A dossier of 05443 received on 2 March 2026, finished by `resolver` on 5 March when
 * `finish`; its code and secret are read back. */
static void dossier(bool finish, dossier_handled *h)
{
    int64_t unit = sql_int("SELECT id FROM units WHERE code = ?", "05443");
    int64_t proc = sql_int("SELECT id FROM procedures WHERE code = ?", "1.001022");   /* đăng ký nhận cha, mẹ, con */
    dossier_intake in = {.unit_id = unit, .procedure_id = proc, .applicant_name = "Nguyễn Thị Hồng Nhung",
                         .applicant_phone = "0912345678", .applicant_address = "Tổ 5", .channel = "desk",
                         .return_method = "desk", .received_at = at(2026, 3, 2, 9)};
    dossier_created out;
    err e = {0};
    if (dossier_create(D, A, &in, user("canbo1"), &out, &e)) fail_msg("intake: %s / %s", e.user, e.log);
    if (finish) {
        dossier_action act = {.actor_id = user("chuyenvien1"), .now = at(2026, 3, 5, 10)};
        if (dossier_finish(D, A, out.id, &act, &e)) fail_msg("finish: %s / %s", e.user, e.log);
    }
    assert_true(dossier_handled_get(D, A, out.code, out.secret, h));
}

static int rate(const dossier_handled *h, const char *level, const char *reason, int64_t when, err *e)
{
    rating_input in = {.level = level, .reason = reason, .channel = "web", .rated_at = when, .now = when};
    return rating_submit(D, A, h, &in, NULL, e);
}

static void levels_follow_their_effective_date(void **state)
{
    (void)state;
    rating_level lv[8];
    assert_int_equal(rating_levels(D, A, cal_from_ymd(2026, 3, 31), lv, 8), 4);
    assert_string_equal(lv[0].label, "Rất hài lòng");
    assert_string_equal(lv[3].label, "Không hài lòng");
    assert_true(lv[0].satisfied && lv[1].satisfied && !lv[2].satisfied && !lv[3].satisfied);
    assert_true(lv[3].reason_required && !lv[2].reason_required);
    /* a province that moves to the five-level SIPAS scale from 1 April 2026 adds rows */
    assert_int_equal(db_exec(D, "INSERT INTO rating_levels (code, valid_from, position, label, score, satisfied, "
                                "reason_required) VALUES ('very_satisfied', '2026-04-01', 1, 'Rất hài lòng', 5, 1, 0), "
                                "('satisfied', '2026-04-01', 2, 'Hài lòng', 4, 1, 0), "
                                "('neutral', '2026-04-01', 3, 'Bình thường', 3, 0, 0), "
                                "('dissatisfied', '2026-04-01', 4, 'Không hài lòng', 2, 0, 1), "
                                "('very_dissatisfied', '2026-04-01', 5, 'Rất không hài lòng', 1, 0, 1)"),
                     DB_DONE);
    assert_int_equal(rating_levels(D, A, cal_from_ymd(2026, 3, 31), lv, 8), 4);
    assert_int_equal(rating_levels(D, A, cal_from_ymd(2026, 4, 1), lv, 8), 5);
    assert_string_equal(lv[4].label, "Rất không hài lòng");
    /* the fifth level is refused on a day before it applies, taken after */
    dossier_handled h;
    dossier(true, &h);
    err e = {0};
    assert_int_equal(rate(&h, "very_dissatisfied", "Chậm", at(2026, 3, 20, 9), &e), -1);
    assert_int_equal(e.status, 400);
    e = (err){0};
    assert_int_equal(rate(&h, "very_dissatisfied", "Chậm", at(2026, 4, 2, 9), &e), 0);
    assert_int_equal(sql_int("SELECT score FROM ratings WHERE level = ?", "very_dissatisfied"), 1);
    assert_int_equal(db_exec(D, "DELETE FROM rating_levels WHERE valid_from = '2026-04-01'"), DB_DONE);
}

static void submit_checks(void **state)
{
    (void)state;
    dossier_handled open, done;
    dossier(false, &open);
    dossier(true, &done);
    err e = {0};
    assert_int_equal(rate(&open, "satisfied", "", at(2026, 3, 6, 9), &e), -1);
    assert_int_equal(e.status, 409);
    e = (err){0};
    assert_int_equal(rate(&done, "satisfied", "", at(2026, 3, 4, 9), &e), -1);   /* before the result */
    assert_int_equal(e.status, 400);
    e = (err){0};
    assert_int_equal(rate(&done, "dissatisfied", "   ", at(2026, 3, 6, 9), &e), -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.field, "ly_do");
    e = (err){0};
    rating_input future = {.level = "satisfied", .channel = "web", .rated_at = at(2026, 3, 7, 9), .now = at(2026, 3, 6, 9)};
    assert_int_equal(rating_submit(D, A, &done, &future, NULL, &e), -1);
    assert_int_equal(e.status, 400);
    e = (err){0};
    rating_input odd = {.level = "satisfied", .channel = "fax", .rated_at = at(2026, 3, 6, 9), .now = at(2026, 3, 6, 9)};
    assert_int_equal(rating_submit(D, A, &done, &odd, NULL, &e), -1);
    assert_int_equal(e.status, 400);
    char *reason = malloc(RATING_REASON_MAX + 2);
    memset(reason, 'x', RATING_REASON_MAX + 1);
    reason[RATING_REASON_MAX + 1] = '\0';
    e = (err){0};
    assert_int_equal(rate(&done, "dissatisfied", reason, at(2026, 3, 6, 9), &e), -1);
    assert_int_equal(e.status, 422);
    free(reason);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM ratings WHERE dossier_id = (SELECT id FROM dossiers WHERE code = ?)",
                             done.code), 0);
    e = (err){0};
    assert_int_equal(rate(&done, "neutral", "", at(2026, 3, 6, 9), &e), 0);
    assert_int_equal(rate(&done, "satisfied", "", at(2026, 3, 6, 10), &e), -1);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.user, "Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.");
}

static void figures_of_a_period(void **state)
{
    (void)state;
    /* a clean slate: the cases above rated in March and April */
    assert_int_equal(db_exec(D, "DELETE FROM ratings"), DB_DONE);
    dossier_handled a, b, c, x;
    dossier(true, &a);
    dossier(true, &b);
    dossier(true, &c);
    dossier(true, &x);
    err e = {0};
    /* March: very satisfied, satisfied, dissatisfied -> 2 of 3 satisfied, 66,7%; mean (4+3+1)/3 = 2,7 */
    assert_int_equal(rate(&a, "very_satisfied", "", at(2026, 3, 10, 9), &e), 0);
    assert_int_equal(rate(&b, "satisfied", "", at(2026, 3, 31, 16), &e), 0);
    assert_int_equal(rate(&c, "dissatisfied", "Phải đi lại nhiều lần", at(2026, 3, 12, 9), &e), 0);
    /* 1 April, 00:30 in Vietnam: outside March */
    assert_int_equal(rate(&x, "neutral", "", cal_instant(cal_from_ymd(2026, 4, 1), 30), &e), 0);
    int64_t unit = sql_int("SELECT id FROM units WHERE code = ?", "05443");
    int64_t other = sql_int("SELECT id FROM units WHERE code = ?", "05602");
    int64_t ids[2] = {unit, other};
    json_t *f = rating_figures(D, A, unit, cal_from_ymd(2026, 3, 1), cal_from_ymd(2026, 3, 31), ids, 2);
    json_t *t = json_object_get(f, "total");
    assert_int_equal(json_integer_value(json_object_get(t, "total")), 3);
    assert_int_equal(json_integer_value(json_object_get(t, "satisfied")), 2);
    assert_int_equal(json_integer_value(json_object_get(t, "dissatisfied")), 1);
    assert_string_equal(json_string_value(json_object_get(t, "satisfied_share_text")), "66,7%");
    assert_string_equal(json_string_value(json_object_get(t, "mean_score_text")), "2,7");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(t, "counts"), "neutral")), 0);
    /* every rating was of a dossier chuyenvien1 finished: one row, the same figures */
    json_t *officials = json_object_get(f, "by_official");
    assert_int_equal(json_array_size(officials), 1);
    json_t *o = json_array_get(officials, 0);
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)user("chuyenvien1"));
    assert_string_equal(json_string_value(json_object_get(o, "key")), key);
    assert_int_equal(json_integer_value(json_object_get(o, "total")), 3);
    /* by unit: the ward's three, none for the other commune */
    json_t *units = json_object_get(f, "by_unit");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(units, 0), "total")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(units, 1), "total")), 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(units, 1), "satisfied_share_text")), "–");
    json_decref(f);
    /* April holds the one rated just after midnight */
    f = rating_figures(D, A, unit, cal_from_ymd(2026, 4, 1), cal_from_ymd(2026, 4, 30), NULL, 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(f, "total"), "counts"), "neutral")), 1);
    json_decref(f);
    /* the dissatisfied one waits for the leader; answered once */
    int64_t rid = sql_int("SELECT id FROM ratings WHERE level = ?", "dissatisfied");
    assert_int_equal(rating_awaiting_count(D, unit), 1);
    e = (err){0};
    assert_int_equal(rating_answer(D, A, rid, "Đơn vị xin lỗi ông/bà.", user("lanhdao1"), at(2026, 3, 13, 9), &e), 0);
    assert_int_equal(rating_awaiting_count(D, unit), 0);
    assert_int_equal(rating_answer(D, A, rid, "Lần hai", user("lanhdao1"), at(2026, 3, 13, 10), &e), -1);
    assert_int_equal(e.status, 409);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/thanthien-rating-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    char path[160];
    snprintf(path, sizeof path, "%s/rating.db", dir);
    err e = {0};
    D = db_open(path, &e);
    if (!D || db_migrate(D, &e) || demo_create(D, &e)) return -1;
    A = arena_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(A);
    db_close(D);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(levels_follow_their_effective_date),
        cmocka_unit_test(submit_checks),
        cmocka_unit_test(figures_of_a_period),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
