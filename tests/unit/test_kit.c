/* test_kit.c -- the page kit's helpers (src/kit/page.c, src/kit/links.c): the link builders
 * spell each page's address as the route table does, a {id} that is not a record number
 * answers 404 with the feature's message, a list's ?trang= page, a route's unit scope read
 * from a table, the ?don_vi= unit parameter and an err shown in the page model.
 *
 * A req is built by hand, as the server would fill it, over a migrated database in a
 * temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/kit/links.h"
#include "../../src/kit/templates.h"
#include "../../src/kit/web.h"
#include "../../src/store/db.h"
#include "testdir.h"
#include "testutil.h"

typedef struct {
    char dir[64];
    db *d;
    int64_t unit;       /* X-KIT, the unit of thing 7 */
    arena *a;
    req r;
    kv q[2];            /* room for the query arguments a test sets */
} fixture;

static fixture fx_storage;

static int group_setup(void **state)
{
    fixture *fx = &fx_storage;
    memset(fx, 0, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/thanthien-test-XXXXXX");
    if (!mkdtemp(fx->dir)) return -1;
    char p[512];
    snprintf(p, sizeof p, "%s/kit.db", fx->dir);
    err e = {0};
    fx->d = db_open(p, &e);
    if (!fx->d || db_migrate(fx->d, &e) != 0) return -1;
    fx->unit = test_add_unit(fx->d, "X-KIT", "commune", "Xã Thử", 0);
    if (fx->unit < 0) return -1;
    /* a feature's table with a unit column, as dossiers, letters and bookings have */
    if (db_exec(fx->d, "CREATE TABLE things (id INTEGER PRIMARY KEY, unit_id INTEGER NOT NULL)") != 0) return -1;
    db_stmt *s = db_prepare(fx->d, "INSERT INTO things (id, unit_id) VALUES (7, ?)");
    db_bind_int(s, 1, fx->unit);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return -1;
    char errbuf[256];
    if (templates_load(errbuf, sizeof errbuf) != 0) return -1;
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *fx = *state;
    templates_unload();
    db_close(fx->d);
    testdir_remove(fx->dir);
    return 0;
}

/* A fresh request for every test: GET /x, Vietnamese, anonymous, the fixture's connection. */
static int setup(void **state)
{
    fixture *fx = *state;
    fx->a = arena_new();
    memset(&fx->r, 0, sizeof fx->r);
    memset(fx->q, 0, sizeof fx->q);
    fx->r.a = fx->a;
    fx->r.method = "GET";
    fx->r.path = "/x";
    fx->r.lang = "vi";
    fx->r.dbc = fx->d;   /* req_db() hands out the connection already checked out */
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    arena_free(fx->a);
    return 0;
}

static void set_param(req *r, const char *name, const char *value)
{
    r->param_names[r->nparams] = name;
    r->param_values[r->nparams] = value;
    r->nparams++;
}

static void set_query(fixture *fx, const char *name, const char *value)
{
    kv *k = &fx->q[0];
    k->name = name;
    k->value = value;
    k->len = strlen(value);
    fx->r.query = k;
}

static void links_spell_the_routes(void **state)
{
    fixture *fx = *state;
    arena *a = fx->a;
    assert_string_equal(link_unit(a, "X-KIT"), "/don-vi/X-KIT");
    assert_string_equal(link_procedure(a, 12), "/thu-tuc/12");
    assert_string_equal(link_dossier(a, 345), "/ho-so/345");
    assert_string_equal(link_dossier_pdf(a, 345, "phieu-hen"), "/ho-so/345/phieu-hen.pdf");
    assert_string_equal(link_booking(a, "B7K2Q"), "/dat-lich/B7K2Q");
    assert_string_equal(link_booking_action(a, "B7K2Q", "xac-nhan"), "/dat-lich/B7K2Q/xac-nhan");
    assert_string_equal(link_letter(a, 9), "/thu/9");
    assert_string_equal(link_letter_pdf(a, 9), "/thu/9.pdf");
    assert_string_equal(link_letter_template(a, "sinh-nhat"), "/thu/mau/sinh-nhat");
    assert_string_equal(link_admin_unit(a, "X-KIT"), "/quan-tri/don-vi/X-KIT");
    assert_string_equal(link_admin_user(a, 3), "/quan-tri/nguoi-dung/3");
    /* a code with a space or a quote cannot break out of its path segment or attribute */
    assert_string_equal(link_unit(a, "A B\"<"), "/don-vi/A%20B%22%3C");
    assert_string_equal(link_booking(a, NULL), "/dat-lich/");
}

static void an_id_parameter_is_a_number_or_404(void **state)
{
    fixture *fx = *state;
    req *r = &fx->r;
    set_param(r, "id", "42");
    set_param(r, "code", "abc");
    int64_t id = 0;
    assert_true(web_id_or_404(r, "id", "Không tìm thấy thư.", &id));
    assert_int_equal(id, 42);
    assert_int_equal(r->status, 0);   /* nothing answered: the handler goes on */
    assert_int_equal(req_param_id(r, "id"), 42);
    assert_int_equal(req_param_id(r, "code"), -1);
    assert_int_equal(req_param_id(r, "absent"), -1);

    /* not a number: a 404 page with the feature's message */
    assert_false(web_id_or_404(r, "code", "Không tìm thấy thư.", &id));
    assert_int_equal(r->status, 404);
    assert_non_null(strstr(r->content_type, "text/html"));
    assert_non_null(strstr(r->body, "Không tìm thấy thư."));
}

static void an_id_404_in_json(void **state)
{
    fixture *fx = *state;
    req *r = &fx->r;
    r->want_json = true;
    int64_t id = 0;
    assert_false(web_id_or_404(r, "id", "Không tìm thấy hồ sơ.", &id));   /* absent */
    assert_int_equal(r->status, 404);
    assert_non_null(strstr(r->body, "\"status\":404"));
    assert_non_null(strstr(r->body, "Không tìm thấy hồ sơ."));
}

static void the_page_of_a_list(void **state)
{
    fixture *fx = *state;
    req *r = &fx->r;
    assert_int_equal(web_page_number(r), 1);   /* no ?trang= */
    assert_int_equal(web_page_offset(r, 50), 0);
    set_query(fx, "trang", "3");
    assert_int_equal(web_page_number(r), 3);
    assert_int_equal(web_page_offset(r, 50), 100);
    const char *bad[] = {"0", "-2", "abc", "", "100001", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        set_query(fx, "trang", bad[i]);
        assert_int_equal(web_page_number(r), 1);
    }
    set_query(fx, "trang", "100000");
    assert_int_equal(web_page_number(r), 100000);
}

static void a_scope_read_from_a_table(void **state)
{
    fixture *fx = *state;
    req *r = &fx->r;
    set_param(r, "id", "7");
    assert_int_equal(web_scope_by_table(r, "things"), fx->unit);
    r->nparams = 0;
    set_param(r, "id", "8");   /* no such row */
    assert_int_equal(web_scope_by_table(r, "things"), -1);
    r->nparams = 0;
    set_param(r, "id", "7 OR 1");   /* not an id: never reaches the database */
    assert_int_equal(web_scope_by_table(r, "things"), -1);
    r->nparams = 0;
    assert_int_equal(web_scope_by_table(r, "things"), -1);   /* no {id} */
}

static void the_unit_parameter(void **state)
{
    fixture *fx = *state;
    req *r = &fx->r;
    assert_int_equal(web_unit_param(r), -1);   /* anonymous and no ?don_vi= */
    web_user u = {.id = 1, .unit_id = 99, .role = "officer"};
    r->user = &u;
    assert_int_equal(web_unit_param(r), 99);   /* the user's own unit */
    set_query(fx, "don_vi", "");
    assert_int_equal(web_unit_param(r), 99);
    set_query(fx, "don_vi", "X-KIT");
    assert_int_equal(web_unit_param(r), fx->unit);
    set_query(fx, "don_vi", "NO-SUCH");
    assert_int_equal(web_unit_param(r), -1);
}

static void an_err_into_the_model(void **state)
{
    fixture *fx = *state;
    req *r = &fx->r;
    json_t *model = json_object();
    web_model_err(r, model, NULL);
    assert_int_equal(json_object_size(model), 0);
    err e = {0};
    err_set(&e, 400, "Vui lòng nhập họ và tên.", "full_name empty");
    err_field(&e, "full_name");
    web_model_err(r, model, &e);
    assert_string_equal(json_get_str(model, "error"), "Vui lòng nhập họ và tên.");
    assert_string_equal(json_get_str(model, "error_field"), "full_name");
    json_decref(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(links_spell_the_routes, setup, teardown),
        cmocka_unit_test_setup_teardown(an_id_parameter_is_a_number_or_404, setup, teardown),
        cmocka_unit_test_setup_teardown(an_id_404_in_json, setup, teardown),
        cmocka_unit_test_setup_teardown(the_page_of_a_list, setup, teardown),
        cmocka_unit_test_setup_teardown(a_scope_read_from_a_table, setup, teardown),
        cmocka_unit_test_setup_teardown(the_unit_parameter, setup, teardown),
        cmocka_unit_test_setup_teardown(an_err_into_the_model, setup, teardown),
    };
    return cmocka_run_group_tests_name("kit", tests, group_setup, group_teardown);
}
