/* test_dossier_states.c -- the dossier's state machine (src/dossier/dossier.h) as a table, in
 * the manner of SQLite's tests: one row per state and action, with the outcome the law and the
 * desk expect, either the new state or the refusal's status.
 *
 * Every row starts a new dossier on a real SQLite file with the demo's units, users and
 * catalogue, takes it to the row's state through the real actions, applies the row's action
 * through the real function, and checks the answer and the state the database then holds. A
 * refused action must leave the dossier as it was. A second table holds the guards that are
 * not about the state: one supplement only, no supplement once late, only the holder moves a
 * dossier on. */
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
#include "../../src/store/db.h"
#include "testdir.h"

static char dir[64];
static db *d;
static int64_t unit, desk, specialist, leader, procedure;

/* Monday 2 March 2026, 08:00 in Vietnam: a working day. */
#define T0 (cal_instant(cal_from_ymd(2026, 3, 2), 8 * 60))

static int64_t sqls(const char *sql, const char *arg)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s) fail_msg("bad sql: %s", sql);
    db_bind_text(s, 1, arg);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

/* ---- the actions, each with inputs that are valid but for the state ------------------------ */

typedef enum { HANDOVER, SUPPLEMENT, RESUME, FINISH, RETURN, REFUSE, WITHDRAW, APOLOGY, LETTERS_OFF, NACTIONS } action;
static const char *const ACTION_NAMES[] = {"handover", "supplement", "resume", "finish", "return",
                                           "refuse", "withdraw", "apology", "letters_off"};

/* Runs one action on dossier id at `now` by actor; its return code, *e filled on refusal. */
static int apply(action k, int64_t id, int64_t actor, int64_t now, err *e)
{
    arena *a = arena_new();
    dossier_action act = {.actor_id = actor, .now = now, .note = "ghi chú", .reason = "Lý do ghi rõ."};
    int rc = -1;
    switch (k) {
    case HANDOVER:
        act.to_user_id = actor == specialist ? leader : specialist;
        rc = dossier_handover(d, a, id, &act, e);
        break;
    case SUPPLEMENT:
        act.papers = "Giấy chứng sinh\nBản sao giấy chứng nhận kết hôn";
        rc = dossier_request_supplement(d, a, id, &act, e);
        break;
    case RESUME: rc = dossier_resume(d, a, id, &act, e); break;
    case FINISH: rc = dossier_finish(d, a, id, &act, e); break;
    case RETURN:
        act.return_method = "desk";
        act.fee_note = "theo danh mục";   /* whatever the catalogue's fee, the amount is explained */
        rc = dossier_return(d, a, id, &act, e);
        break;
    case REFUSE: rc = dossier_refuse(d, a, id, &act, e); break;
    case WITHDRAW: rc = dossier_withdraw(d, a, id, &act, e); break;
    case APOLOGY: {
        /* the latest new day the apology may promise, which is valid whenever one is */
        char day[11];
        cal_format(dossier_apology_latest(d, id, now), day);
        act.new_due_date = day;
        rc = dossier_apologize(d, a, id, &act, e);
        break;
    }
    case LETTERS_OFF: rc = dossier_set_letters_ok(d, a, id, false, &act, e); break;
    case NACTIONS: break;
    }
    arena_free(a);
    return rc;
}

static void must(action k, int64_t id, int64_t actor, int64_t now)
{
    err e = {0};
    if (apply(k, id, actor, now, &e)) fail_msg("setting up, %s: %d %s / %s", ACTION_NAMES[k], e.status, e.user, e.log);
}

static const char *status_of(int64_t id)
{
    static char st[32];
    db_stmt *s = db_prepare(d, "SELECT status FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, id);
    snprintf(st, sizeof st, "%s", db_step(s) == DB_ROW ? db_col_text(s, 0) : "?");
    db_done(s);
    return st;
}

static int64_t due_of(int64_t id)
{
    db_stmt *s = db_prepare(d, "SELECT due_at FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, id);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

/* A new dossier taken to state through the actions of the desk. */
static int64_t dossier_in(const char *state)
{
    arena *a = arena_new();
    dossier_intake in = {.unit_id = unit, .procedure_id = procedure, .applicant_name = "Nguyễn Thị Hồng Nhung",
                         .applicant_phone = "0912345678", .applicant_address = "Tổ 5, phường Phan Đình Phùng",
                         .channel = "desk", .return_method = "desk", .received_at = T0};
    dossier_created out;
    err e = {0};
    if (dossier_create(d, a, &in, desk, &out, &e)) fail_msg("intake: %s / %s", e.user, e.log);
    arena_free(a);
    int64_t id = out.id, t = T0 + 600;
    if (!strcmp(state, "in_progress")) must(HANDOVER, id, desk, t);
    else if (!strcmp(state, "supplement")) must(SUPPLEMENT, id, desk, t);
    else if (!strcmp(state, "done")) must(FINISH, id, desk, t);
    else if (!strcmp(state, "returned")) must(FINISH, id, desk, t), must(RETURN, id, desk, t + 600);
    else if (!strcmp(state, "refused")) must(REFUSE, id, desk, t);
    else if (!strcmp(state, "withdrawn")) must(WITHDRAW, id, desk, t);
    else assert_string_equal(state, "received");
    assert_string_equal(status_of(id), state);
    return id;
}

/* ---- the table ------------------------------------------------------------------------------ */

typedef struct {
    const char *state;
    action act;
    const char *then;   /* the state after the action, or NULL when it is refused */
    int status;         /* the refusal's status (409: not from this state) */
} row;

static const row TABLE[] = {
    {"received", HANDOVER, "in_progress", 0},
    {"received", SUPPLEMENT, "supplement", 0},
    {"received", RESUME, NULL, 409},
    {"received", FINISH, "done", 0},
    {"received", RETURN, NULL, 409},
    {"received", REFUSE, "refused", 0},
    {"received", WITHDRAW, "withdrawn", 0},
    {"received", APOLOGY, "received", 0},
    {"received", LETTERS_OFF, "received", 0},

    {"in_progress", HANDOVER, "in_progress", 0},
    {"in_progress", SUPPLEMENT, "supplement", 0},
    {"in_progress", RESUME, NULL, 409},
    {"in_progress", FINISH, "done", 0},
    {"in_progress", RETURN, NULL, 409},
    {"in_progress", REFUSE, "refused", 0},
    {"in_progress", WITHDRAW, "withdrawn", 0},
    {"in_progress", APOLOGY, "in_progress", 0},
    {"in_progress", LETTERS_OFF, "in_progress", 0},

    /* waiting for the citizen's papers: only the resume, or the end of the dossier */
    {"supplement", HANDOVER, NULL, 409},
    {"supplement", SUPPLEMENT, NULL, 409},
    {"supplement", RESUME, "in_progress", 0},
    {"supplement", FINISH, NULL, 409},
    {"supplement", RETURN, NULL, 409},
    {"supplement", REFUSE, "refused", 0},
    {"supplement", WITHDRAW, "withdrawn", 0},
    {"supplement", APOLOGY, NULL, 409},
    {"supplement", LETTERS_OFF, "supplement", 0},

    /* a result is only handed over */
    {"done", HANDOVER, NULL, 409},
    {"done", SUPPLEMENT, NULL, 409},
    {"done", RESUME, NULL, 409},
    {"done", FINISH, NULL, 409},
    {"done", RETURN, "returned", 0},
    {"done", REFUSE, NULL, 409},
    {"done", WITHDRAW, NULL, 409},
    {"done", APOLOGY, NULL, 409},
    {"done", LETTERS_OFF, "done", 0},

    /* the ends: nothing moves them, the applicant's choice about letters still counts */
    {"returned", HANDOVER, NULL, 409},
    {"returned", SUPPLEMENT, NULL, 409},
    {"returned", RESUME, NULL, 409},
    {"returned", FINISH, NULL, 409},
    {"returned", RETURN, NULL, 409},
    {"returned", REFUSE, NULL, 409},
    {"returned", WITHDRAW, NULL, 409},
    {"returned", APOLOGY, NULL, 409},
    {"returned", LETTERS_OFF, "returned", 0},

    {"refused", HANDOVER, NULL, 409},
    {"refused", SUPPLEMENT, NULL, 409},
    {"refused", RESUME, NULL, 409},
    {"refused", FINISH, NULL, 409},
    {"refused", RETURN, NULL, 409},
    {"refused", REFUSE, NULL, 409},
    {"refused", WITHDRAW, NULL, 409},
    {"refused", APOLOGY, NULL, 409},
    {"refused", LETTERS_OFF, "refused", 0},

    {"withdrawn", HANDOVER, NULL, 409},
    {"withdrawn", SUPPLEMENT, NULL, 409},
    {"withdrawn", RESUME, NULL, 409},
    {"withdrawn", FINISH, NULL, 409},
    {"withdrawn", RETURN, NULL, 409},
    {"withdrawn", REFUSE, NULL, 409},
    {"withdrawn", WITHDRAW, NULL, 409},
    {"withdrawn", APOLOGY, NULL, 409},
    {"withdrawn", LETTERS_OFF, "withdrawn", 0},
};

static const char *const STATES[] = {"received", "in_progress", "supplement", "done", "returned", "refused", "withdrawn"};
#define NSTATES (sizeof STATES / sizeof STATES[0])

/* The table covers every state with every action, once. */
static void the_table_covers_every_state_and_action(void **state)
{
    (void)state;
    for (size_t s = 0; s < NSTATES; s++)
        for (int k = 0; k < NACTIONS; k++) {
            int rows = 0;
            for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++)
                rows += !strcmp(TABLE[i].state, STATES[s]) && TABLE[i].act == (action)k;
            if (rows != 1) fail_msg("%d rows for %s / %s", rows, STATES[s], ACTION_NAMES[k]);
        }
}

static void every_state_and_action(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
        const row *r = &TABLE[i];
        int64_t id = dossier_in(r->state);
        /* an apology is owed only by a late dossier: the row's action comes an hour after the due time */
        int64_t now = r->act == APOLOGY ? due_of(id) + 3600 : T0 + 3600;
        err e = {0};
        int rc = apply(r->act, id, desk, now, &e);
        const char *after = status_of(id);
        const char *want = r->then ? r->then : r->state;   /* a refusal changes nothing */
        if ((rc == 0) != (r->then != NULL) || (!r->then && e.status != r->status) || strcmp(after, want)) {
            print_error("%s + %s: rc %d, status %d (%s), now %s; expected %s %d\n", r->state, ACTION_NAMES[r->act], rc,
                        e.status, e.log, after, r->then ? r->then : "refusal", r->status);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

/* ---- the guards that are not about the state ------------------------------------------------ */

/* A supplement is requested once; after the resume, a second one is refused. */
static void one_supplement_only(void **state)
{
    (void)state;
    int64_t id = dossier_in("supplement");
    must(RESUME, id, desk, T0 + 1200);
    err e = {0};
    assert_int_equal(apply(SUPPLEMENT, id, desk, T0 + 1800, &e), -1);
    assert_int_equal(e.status, 409);
    assert_string_equal(status_of(id), "in_progress");
}

/* A late dossier is not redated by a supplement: it owes an apology. */
static void no_supplement_once_late(void **state)
{
    (void)state;
    int64_t id = dossier_in("received");
    err e = {0};
    assert_int_equal(apply(SUPPLEMENT, id, desk, due_of(id) + 60, &e), -1);
    assert_int_equal(e.status, 409);
    assert_string_equal(status_of(id), "received");
}

/* An apology is made when the dossier is late or nearly so, not days before its due time. */
static void no_apology_long_before_the_due_time(void **state)
{
    (void)state;
    int64_t id = dossier_in("received");
    err e = {0};
    assert_int_equal(apply(APOLOGY, id, desk, T0 + 60, &e), -1);
    assert_int_equal(e.status, 409);
}

/* A specialist does not move on a dossier another official holds; the desk does. */
static void only_the_holder_or_the_desk_moves_it_on(void **state)
{
    (void)state;
    int64_t id = dossier_in("received");
    err e = {0};
    dossier_action to_leader = {.actor_id = desk, .now = T0 + 600, .to_user_id = leader};
    arena *a = arena_new();
    assert_int_equal(dossier_handover(d, a, id, &to_leader, &e), 0);
    arena_free(a);
    assert_int_equal(apply(FINISH, id, specialist, T0 + 1200, &e), -1);
    assert_int_equal(e.status, 403);
    assert_string_equal(status_of(id), "in_progress");
    must(FINISH, id, desk, T0 + 1800);
    assert_string_equal(status_of(id), "done");
}

static int setup(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "%s/states.db", dir);
    err e = {0};
    d = db_open(path, &e);
    if (!d || db_migrate(d, &e) || demo_create(d, &e)) fail_msg("db: %s / %s", e.user, e.log);
    unit = sqls("SELECT id FROM units WHERE code = ?", "05443");
    desk = sqls("SELECT id FROM users WHERE username = ?", "canbo1");
    specialist = sqls("SELECT id FROM users WHERE username = ?", "chuyenvien1");
    leader = sqls("SELECT id FROM users WHERE username = ?", "lanhdao1");
    procedure = sqls("SELECT id FROM procedures WHERE code = ?", "1.001022");   /* nhận cha, mẹ, con: 3 days */
    return unit > 0 && desk > 0 && specialist > 0 && leader > 0 && procedure > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    db_close(d);
    return 0;
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/thanthien-states-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_table_covers_every_state_and_action),
        cmocka_unit_test(every_state_and_action),
        cmocka_unit_test(one_supplement_only),
        cmocka_unit_test(no_supplement_once_late),
        cmocka_unit_test(no_apology_long_before_the_due_time),
        cmocka_unit_test(only_the_holder_or_the_desk_moves_it_on),
    };
    int failed = cmocka_run_group_tests_name("dossier_states", tests, setup, teardown);
    testdir_remove(dir);
    return failed;
}
