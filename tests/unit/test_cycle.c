/* test_cycle.c -- the assessment cycle's demo and the province's view (src/assess/cycle.h):
 * cycle_demo gives the demo province a cycle in every state (draft, submitted, returned,
 * recognised) with last year recognised for every commune, the same on a second run; and
 * cycle_levels reads every commune and department of the province with its status, levels,
 * totals and the points short of the next level. */
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

#include "../../src/assess/cycle.h"
#include "../../src/core/calendar.h"
#include "../../src/demo/demo.h"
#include "../../src/store/db.h"

#define SET_JSON                                                                                                    \
    "{\"code\":\"thu-nghiem\",\"name\":\"Bộ tiêu chí thử nghiệm\",\"applies_to\":\"commune\",\"year\":2020,"      \
    "\"source\":\"Quyết định thử nghiệm\",\"groups\":[{\"code\":\"I\",\"name\":\"Nhóm I\",\"criteria\":["         \
    "{\"code\":\"I.1\",\"name\":\"Đúng hạn\",\"max\":40,\"rule\":{\"by\":\"bands\",\"metric\":"                     \
    "\"dossier.on_time_rate\",\"bands\":[[98,40],[90,20]]}},{\"code\":\"I.2\",\"name\":\"Công khai\",\"max\":30},"   \
    "{\"code\":\"I.3\",\"name\":\"Ứng xử\",\"max\":30},{\"code\":\"I.4\",\"name\":\"Sáng kiến\",\"max\":5,"           \
    "\"kind\":\"bonus\"}]}],\"levels\":[{\"level\":3,\"name\":\"Mức độ 3\",\"min_total\":95},"                       \
    "{\"level\":2,\"name\":\"Mức độ 2\",\"min_total\":85},{\"level\":1,\"name\":\"Mức độ 1\",\"min_total\":70}]}"

static struct {
    char dir[64], path[160];
    db *d;
    int64_t province, now;
    int year;
} fx;

static int64_t q_int(const char *sql, int64_t param)
{
    db_stmt *s = db_prepare(fx.d, sql);
    assert_non_null(s);
    if (param >= 0) db_bind_int(s, 1, param);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static int publish_write(db *d, void *ctx, err *e)
{
    (void)ctx;
    arena *a = arena_new();
    assess_set s;
    int64_t id;
    int rc = assess_set_parse(a, SET_JSON, strlen(SET_JSON), NULL, &s, e) ||
             assess_set_save_draft(d, fx.province, &s, 0, fx.now, &id, e) || assess_set_publish(d, id, 0, fx.now, e);
    arena_free(a);
    return rc ? -1 : 0;
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(fx.dir, sizeof fx.dir, "/tmp/thanthien-cycle-XXXXXX");
    if (!mkdtemp(fx.dir)) return -1;
    snprintf(fx.path, sizeof fx.path, "%s/main.db", fx.dir);
    err e = {0};
    fx.d = db_open(fx.path, &e);
    if (!fx.d || db_migrate(fx.d, &e) != 0 || demo_create(fx.d, &e) != 0) {
        fprintf(stderr, "setup: %s / %s\n", e.user, e.log);
        return -1;
    }
    fx.now = 1796360400;   /* 2026-12-04 12:00 in Vietnam */
    int m, dd;
    cal_to_ymd(cal_local_day(fx.now), &fx.year, &m, &dd);
    db_stmt *s = db_prepare(fx.d, "SELECT id FROM units WHERE kind = 'province'");
    fx.province = s && db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    if (s) db_done(s);
    if (db_write(fx.d, publish_write, NULL, &e)) {
        fprintf(stderr, "publish: %s / %s\n", e.user, e.log);
        return -1;
    }
    return fx.province > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    db_close(fx.d);
    testdir_remove(fx.dir);
    return 0;
}

static void demo_has_every_state(void **state)
{
    (void)state;
    err e = {0};
    assert_int_equal(cycle_demo(fx.d, fx.province, fx.now, DEMO_SEED, &e), 0);
    const char *states[] = {"draft", "submitted", "returned", "recognised"};
    for (int i = 0; i < 4; i++) {
        db_stmt *s = db_prepare(fx.d, "SELECT COUNT(*) FROM assessments WHERE status = ?");
        db_bind_text(s, 1, states[i]);
        int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_done(s);
        if (n < 1) fail_msg("no %s cycle", states[i]);
    }
    /* last year every commune is recognised, with a decision and a level the appraisal reaches */
    assert_int_equal(q_int("SELECT COUNT(*) FROM assessments a JOIN units u ON u.id = a.unit_id WHERE "
                           "u.kind = 'commune' AND a.year = ? AND a.status = 'recognised' AND a.decision_no <> '' AND "
                           "a.recognised_level IS NOT NULL AND a.appraised_total10 IS NOT NULL",
                           fx.year - 1),
                     q_int("SELECT COUNT(*) FROM units WHERE kind = 'commune' AND parent_id = ?", fx.province));
    /* no decision is dated after today, nor before the year it recognises */
    assert_int_equal(q_int("SELECT COUNT(*) FROM assessments WHERE decision_date <> '' AND (decision_date > '2026-12-04' OR "
                           "CAST(substr(decision_date, 1, 4) AS INTEGER) < year)",
                           -1),
                     0);
    /* a draft has its last criteria still to do; every line exists */
    int64_t draft = q_int("SELECT id FROM assessments WHERE status = 'draft' LIMIT 1", -1);
    assert_int_equal(q_int("SELECT COUNT(*) FROM assessment_items WHERE assessment_id = ?", draft), 4);
    assert_int_equal(q_int("SELECT COUNT(*) FROM assessment_items WHERE assessment_id = ? AND self_points10 IS NULL", draft), 2);
    /* what the demo stored is what the cycle scores */
    int64_t rec = q_int("SELECT id FROM assessments WHERE status = 'recognised' ORDER BY id LIMIT 1", -1);
    arena *a = arena_new();
    cycle *c;
    assert_int_equal(cycle_get(fx.d, a, rec, fx.now, &c, &e), 0);
    assert_int_equal(c->appraisal.total10, c->appraised_total10);
    assert_int_equal(c->appraisal.level, c->recognised_level);
    assert_true(c->recognised_level <= c->self.level);
    assert_false(cycle_editable(c));
    arena_free(a);
    /* no audit rows: history, not actions */
    assert_int_equal(q_int("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'assessment.%'", -1), 0);
    /* a second run adds nothing */
    int64_t before = q_int("SELECT COUNT(*) FROM assessments", -1);
    assert_int_equal(cycle_demo(fx.d, fx.province, fx.now, DEMO_SEED, &e), 0);
    assert_int_equal(q_int("SELECT COUNT(*) FROM assessments", -1), before);
}

static void levels_of_the_province(void **state)
{
    (void)state;
    arena *a = arena_new();
    cycle_level *rows;
    size_t n;
    err e = {0};
    assert_int_equal(cycle_levels(fx.d, a, fx.province, fx.year - 1, &rows, &n, &e), 0);
    assert_int_equal(n, (size_t)q_int("SELECT COUNT(*) FROM units WHERE kind IN ('commune', 'department')", -1));
    int communes = 0;
    for (size_t i = 0; i < n; i++) {
        const cycle_level *r = &rows[i];
        if (!strcmp(r->kind, "department")) {
            /* no department set: no cycle, nothing to reach */
            assert_string_equal(r->status, "");
            assert_int_equal(r->assessment_id, 0);
            assert_int_equal(r->recognised_level, -1);
            assert_int_equal(r->next_level, 0);
            continue;
        }
        communes++;
        assert_string_equal(r->status, "recognised");
        assert_true(r->recognised_level >= 0);
        assert_int_equal(r->level, r->recognised_level);
        assert_int_equal(r->appraised_total10,
                         q_int("SELECT appraised_total10 FROM assessments WHERE id = ?", r->assessment_id));
        assert_true(r->self_total10 >= r->appraised_total10);
        if (r->next_level) {
            /* the points short of the next level, from the set's thresholds */
            int min = r->next_level == 3 ? 950 : r->next_level == 2 ? 850 : 700;
            int want = min - r->appraised_total10;
            assert_int_equal(r->to_next10, want > 0 ? want : 0);
        }
    }
    assert_true(communes >= 2);
    /* one commune's scope is itself */
    int64_t c1 = q_int("SELECT id FROM units WHERE code = '05443'", -1);
    assert_int_equal(cycle_levels(fx.d, a, c1, fx.year, &rows, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].code, "05443");
    assert_string_equal(rows[0].status, "draft");
    assert_int_equal(rows[0].recognised_level, -1);
    assert_int_equal(rows[0].appraised_total10, -1);
    /* a year with no cycles: every commune has the lowest level ahead, all its points short */
    assert_int_equal(cycle_levels(fx.d, a, fx.province, 2021, &rows, &n, &e), 0);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].kind, "commune")) {
            assert_string_equal(rows[i].status, "");
            assert_int_equal(rows[i].next_level, 1);
            assert_int_equal(rows[i].to_next10, 700);
        }
    arena_free(a);
}

static void evidence_is_checked_by_size_and_content(void **state)
{
    (void)state;
    arena *a = arena_new();
    err e = {0};
    int64_t c1 = q_int("SELECT id FROM units WHERE code = '05443'", -1), id = 0;
    assert_int_equal(cycle_open(fx.d, a, c1, 2021, 0, fx.now, &id, &e), 0);
    assert_true(id > 0);
    /* over 5 MB, even a real PDF: 413 */
    size_t big = CYCLE_FILE_MAX + 1;
    unsigned char *data = calloc(1, big);
    memcpy(data, "%PDF-1.7\n", 9);
    assert_int_equal(cycle_add_evidence(fx.d, id, "I.2", "Lớn", NULL, data, big, 0, fx.now, NULL, &e), -1);
    assert_int_equal(e.status, 413);
    /* exactly the limit passes */
    assert_int_equal(cycle_add_evidence(fx.d, id, "I.2", "Vừa", NULL, data, CYCLE_FILE_MAX, 0, fx.now, NULL, &e), 0);
    free(data);
    /* a WebP picture is evidence for a citizen's feedback, not for the assessment: 415 */
    static const unsigned char webp[] = "RIFF\x10\0\0\0WEBPVP8 \0\0\0\0\0\0\0";
    memset(&e, 0, sizeof e);
    assert_int_equal(cycle_add_evidence(fx.d, id, "I.2", "Ảnh", NULL, webp, sizeof webp - 1, 0, fx.now, NULL, &e), -1);
    assert_int_equal(e.status, 415);
    /* a PNG passes, and comes back as it went */
    static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1";
    int64_t eid = 0;
    assert_int_equal(cycle_add_evidence(fx.d, id, "I.3", "Ảnh chụp", NULL, png, sizeof png - 1, 0, fx.now, &eid, &e), 0);
    const char *mime, *title;
    unsigned char *back;
    size_t len;
    assert_int_equal(cycle_evidence_file(fx.d, a, id, eid, &mime, &title, &back, &len, &e), 0);
    assert_string_equal(mime, "image/png");
    assert_int_equal(len, sizeof png - 1);
    assert_memory_equal(back, png, len);
    /* another cycle's evidence is not this one's */
    assert_int_equal(cycle_evidence_file(fx.d, a, id + 1000, eid, &mime, &title, &back, &len, &e), -1);
    assert_int_equal(e.status, 404);
    arena_free(a);
}

/* A computed criterion links to the records behind it; the reception register names citizens,
 * so the province's assessor is sent to its own view of the unit instead (the register's
 * routes answer 403 to an assessor). */
static void links_behind_a_figure_suit_the_reader(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_string_equal(cycle_metric_link(a, "dossier.on_time_rate", "05443", 2026, false),
                        "/chi-so?don_vi=05443&tu=2026-01-01&den=2026-12-31");
    assert_string_equal(cycle_metric_link(a, "dossier.on_time_rate", "05443", 2026, true),
                        "/chi-so?don_vi=05443&tu=2026-01-01&den=2026-12-31");
    assert_string_equal(cycle_metric_link(a, "reception.weekly_rate", "05443", 2026, false),
                        "/tiep-cong-dan?don_vi=05443");
    assert_string_equal(cycle_metric_link(a, "reception.weekly_rate", "05443", 2026, true),
                        "/tinh/don-vi/05443?tu=2026-01-01&den=2026-12-31");
    assert_string_equal(cycle_metric_link(a, "dialogue.held", "05443", 2026, true),
                        "/tinh/don-vi/05443?tu=2026-01-01&den=2026-12-31");
    assert_null(cycle_metric_link(a, NULL, "05443", 2026, true));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_has_every_state),
        cmocka_unit_test(levels_of_the_province),
        cmocka_unit_test(evidence_is_checked_by_size_and_content),
        cmocka_unit_test(links_behind_a_figure_suit_the_reader),
    };
    return cmocka_run_group_tests_name("cycle", tests, group_setup, group_teardown);
}
