/* test_track.c -- the citizen's view of a dossier comes out of two writers: a jansson tree for
 * the tracking page's template (dossier_track) and JSON text written without a tree for the
 * API (dossier_track_json). They must give the same bytes for every dossier there is: every
 * status, with notices, desks and fees in "what to do next", early, on time and late. The demo
 * (demo_create and its two years of history, as `thanthien demo` makes it) has them all; each
 * of its dossiers of each status, up to 400, is looked up both ways and compared. */
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

#include "../../src/core/arena.h"
#include "../../src/core/clock.h"
#include "../../src/demo/demo.h"
#include "../../src/dossier/dossier.h"
#include "../../src/store/db.h"

typedef struct {
    char dir[64];
    db *d;
} fixture;

static fixture fx_storage;

static int group_setup(void **state)
{
    fixture *fx = &fx_storage;
    memset(fx, 0, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/thanthien-track-XXXXXX");
    if (!mkdtemp(fx->dir)) return -1;
    char path[160];
    snprintf(path, sizeof path, "%.63s/main.db", fx->dir);
    fx->d = test_demo_db(path, true);
    if (!fx->d) return -1;
    err e = {0};
    /* no demo dossier waits for papers now: ask for them on an open one, as its holder would */
    int64_t now = (int64_t)clock_now();
    db_stmt *s = db_prepare(fx->d, "SELECT d.id, (SELECT to_user_id FROM dossier_steps WHERE dossier_id = d.id "
                                   "ORDER BY seq DESC LIMIT 1) FROM dossiers d WHERE d.status IN ('received', "
                                   "'in_progress') AND d.due_at > ? ORDER BY d.id LIMIT 1");
    db_bind_int(s, 1, now);
    int64_t id = 0, holder = 0;
    if (db_step(s) == DB_ROW) id = db_col_int(s, 0), holder = db_col_int(s, 1);
    db_done(s);
    arena *a = arena_new();
    dossier_action act = {.actor_id = holder, .now = now, .reason = "Thiếu giấy tờ.",
                          .papers = "Giấy chứng sinh\nBản sao giấy chứng nhận kết hôn"};
    int rc = id ? dossier_request_supplement(fx->d, a, id, &act, &e) : -1;
    arena_free(a);
    if (rc != 0) {
        fprintf(stderr, "supplement on %lld by %lld: %s / %s\n", (long long)id, (long long)holder, e.user, e.log);
        return -1;
    }
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *fx = *state;
    db_close(fx->d);
    testdir_remove(fx->dir);
    return 0;
}

static void test_tree_and_text_agree_on_every_dossier(void **state)
{
    fixture *fx = *state;
    int64_t now = (int64_t)clock_now();
    /* up to 400 of each status (all of the few open ones): a few seconds under the sanitizers */
    db_stmt *s = db_prepare(fx->d, "SELECT code, secret, status FROM (SELECT code, secret, status, id, row_number() "
                                   "OVER (PARTITION BY status ORDER BY id) AS n FROM dossiers) WHERE n <= 400 ORDER BY id");
    int compared = 0, late = 0;
    char statuses[512] = "";
    while (db_step(s) == DB_ROW) {
        arena *a = arena_new();
        const char *code = arena_strdup(a, db_col_text(s, 0)), *secret = arena_strdup(a, db_col_text(s, 1));
        const char *status = db_col_text(s, 2);
        json_t *tree = dossier_track(fx->d, a, code, secret, now);
        const char *text = dossier_track_json(fx->d, a, code, secret, now);
        assert_non_null(tree);
        assert_non_null(text);
        const char *dumped = arena_json_dumps(a, tree);
        if (strcmp(dumped, text) != 0) fail_msg("dossier %s:\ntree %s\ntext %s", code, dumped, text);
        if (json_is_true(json_object_get(tree, "late"))) late++;
        char tag[40];
        snprintf(tag, sizeof tag, "[%s]", status);
        if (!strstr(statuses, tag) && strlen(statuses) + strlen(tag) < sizeof statuses) strcat(statuses, tag);
        json_decref(tree);
        arena_free(a);
        compared++;
    }
    db_done(s);
    /* the demo covers what "next" can say: every status, and some late */
    assert_true(compared > 100);
    assert_true(late > 0);
    for (const char *st = "received\0in_progress\0supplement\0done\0returned\0refused\0"; *st; st += strlen(st) + 1) {
        char tag[40];
        snprintf(tag, sizeof tag, "[%s]", st);
        if (!strstr(statuses, tag)) fail_msg("the demo has no dossier in status %s (has %s)", st, statuses);
    }
}

static void test_wrong_secret_finds_nothing_either_way(void **state)
{
    fixture *fx = *state;
    int64_t id = db_int_by_id(fx->d, "SELECT min(id) FROM dossiers WHERE ? > 0", 1, 0);
    arena *a = arena_new();
    db_stmt *s = db_prepare(fx->d, "SELECT code FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, id);
    assert_int_equal(db_step(s), DB_ROW);
    const char *code = arena_strdup(a, db_col_text(s, 0));
    db_done(s);
    assert_null(dossier_track(fx->d, a, code, "ZZZZZZ", 0));
    assert_null(dossier_track_json(fx->d, a, code, "ZZZZZZ", 0));
    assert_null(dossier_track_json(fx->d, a, "NO-SUCH-CODE", "ZZZZZZ", 0));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_and_text_agree_on_every_dossier),
        cmocka_unit_test(test_wrong_secret_finds_nothing_either_way),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
