/* test_unit_chain.c -- cmocka tests of the unit chain (src/account/unit.h): what a unit
 * inherits from its ancestors reaches the whole depth the tree may have (UNIT_CHAIN_MAX), and
 * the tree refuses to grow deeper. Before the chain had one helper, the catalogue bound only
 * the first four units of it, so a procedure published five levels up was silently missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/account/account.h"
#include "../../src/catalog/catalog.h"
#include "../../src/core/arena.h"
#include "../../src/store/db.h"
#include "testutil.h"

typedef struct {
    char dir[64], path[192];
    db *d;
    int64_t level[UNIT_CHAIN_MAX];   /* level[0] is the root, level[UNIT_CHAIN_MAX - 1] the deepest */
} fixture;

static fixture fx_storage;

/* A tree exactly UNIT_CHAIN_MAX levels deep, and one procedure published at its root. */
static int setup(void **state)
{
    fixture *fx = &fx_storage;
    memset(fx, 0, sizeof *fx);
    memcpy(fx->dir, "/tmp/thanthien-chain-XXXXXX", sizeof "/tmp/thanthien-chain-XXXXXX");
    if (!mkdtemp(fx->dir)) return -1;
    snprintf(fx->path, sizeof fx->path, "%.63s/main.db", fx->dir);
    err e = {0};
    fx->d = db_open(fx->path, &e);
    if (!fx->d || db_migrate(fx->d, &e) != 0) return -1;
    for (int i = 0; i < UNIT_CHAIN_MAX; i++) {
        char code[16], name[32];
        snprintf(code, sizeof code, "L%d", i + 1);
        snprintf(name, sizeof name, "Cấp %d", i + 1);
        fx->level[i] = test_add_unit(fx->d, code, i ? "commune" : "province", name, i ? fx->level[i - 1] : 0);
        if (fx->level[i] < 0) return -1;
    }
    db_stmt *s = db_prepare(fx->d, "INSERT INTO procedures (unit_id, name, field, search_key, created_at, updated_at) "
                                   "VALUES (?, 'Đăng ký khai sinh', 'Hộ tịch', 'dang ky khai sinh', 0, 0)");
    db_bind_int(s, 1, fx->level[0]);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    db_close(fx->d);
    testdir_remove(fx->dir);
    return 0;
}

static void chain_is_nearest_first(void **state)
{
    fixture *fx = *state;
    unit_chain c;
    assert_int_equal(unit_chain_of(fx->d, fx->level[UNIT_CHAIN_MAX - 1], &c), UNIT_CHAIN_MAX);
    for (int i = 0; i < UNIT_CHAIN_MAX; i++) assert_int_equal(c.id[i], fx->level[UNIT_CHAIN_MAX - 1 - i]);
    assert_true(unit_chain_has(&c, fx->level[0]));
    assert_int_equal(unit_chain_of(fx->d, fx->level[0], &c), 1);
    assert_false(unit_chain_has(&c, fx->level[1]));
    assert_int_equal(unit_chain_of(fx->d, 999999, &c), 0);
}

/* The deepest unit's catalogue holds the procedure its root publishes, and its field. */
static void deepest_unit_sees_the_root_catalogue(void **state)
{
    fixture *fx = *state;
    arena *a = arena_new();
    for (int i = 0; i < UNIT_CHAIN_MAX; i++) {
        catalog_query q = {.unit_id = fx->level[i], .q = "khai sinh"};
        int64_t total = 0;
        json_t *page = catalog_search(fx->d, a, &q, &total);
        if (total != 1) print_error("level %d sees %lld procedures\n", i + 1, (long long)total);
        assert_int_equal(total, 1);
        json_decref(page);
        q.field = "Hộ tịch";
        q.q = "";
        page = catalog_search(fx->d, a, &q, &total);
        assert_int_equal(total, 1);
        json_decref(page);
        json_t *fields = catalog_fields(fx->d, fx->level[i]);
        assert_int_equal(json_array_size(fields), 1);
        json_decref(fields);
    }
    arena_free(a);
}

/* An administrator at the root may open the deepest unit's pages. */
static void root_admin_reaches_the_deepest_unit(void **state)
{
    fixture *fx = *state;
    account_user u = {.id = 1, .unit_id = fx->level[0], .role = "admin"};
    assert_true(account_can_access(fx->d, &u, fx->level[UNIT_CHAIN_MAX - 1]));
    u.unit_id = fx->level[1];
    assert_false(account_can_access(fx->d, &u, fx->level[0]));
}

/* A unit below the deepest level is refused with a message; one above it is taken. */
static void tree_refuses_to_grow_deeper(void **state)
{
    fixture *fx = *state;
    err e = {0};
    unit_fields f = {.code = "L9", .kind = "commune", .name = "Cấp quá sâu", .parent_code = "L8"};
    assert_int_equal(account_unit_save(fx->d, &f, true, 0, fx->level[0], &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "parent_code");
    assert_non_null(strstr(e.user, "đủ số cấp tối đa"));
    assert_int_equal(account_unit_id(fx->d, "L9"), -1);
    err ok = {0};
    f = (unit_fields){.code = "L8B", .kind = "commune", .name = "Cấp 8 khác", .parent_code = "L7"};
    assert_int_equal(account_unit_save(fx->d, &f, true, 0, fx->level[0], &ok), 0);
    assert_true(account_unit_id(fx->d, "L8B") > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chain_is_nearest_first),
        cmocka_unit_test(deepest_unit_sees_the_root_catalogue),
        cmocka_unit_test(root_admin_reaches_the_deepest_unit),
        cmocka_unit_test(tree_refuses_to_grow_deeper),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
