/* test_letters2.c -- letters of care as users first meet them: stale proposals, letters that
 * read as filled-in letters (ông or bà, the child, the deceased, both spouses), templates
 * that cannot blow up a printout, one scope for lists and printing, a literal search. */
#include "harness.h"

/* The JSON of GET path as user s; the caller frees it. */
static json_t *get_json(const session *s, const char *path, long *status)
{
    response r = request("GET", path, NULL, s->cookie, "Accept: application/json");
    if (status) *status = r.status;
    json_t *j = json_loads(r.body, 0, NULL);
    response_free(&r);
    return j;
}

static int64_t list_total(const session *s, const char *query)
{
    char path[512];
    snprintf(path, sizeof path, "/thu?%s", query);
    long st;
    json_t *j = get_json(s, path, &st);
    assert_int_equal(st, 200);
    int64_t n = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return n;
}

/* Item 28: "%" and "_" typed into the letter search are letters, not wildcards. */
static void letter_search_is_literal(void **state)
{
    (void)state;
    session desk;
    assert_int_equal(login("canbo1", PASSWORD, &desk), 303);
    assert_true(list_total(&desk, "") > 10);
    assert_int_equal(list_total(&desk, "q=%25"), 0);
    assert_int_equal(list_total(&desk, "q=_"), 0);
    assert_int_equal(list_total(&desk, "q=n_uyen"), 0);
    /* a name that holds them is found by them */
    int64_t id = sql_int("SELECT MIN(l.id) FROM letters l JOIN units u ON u.id = l.unit_id WHERE u.code = '05443'");
    sql_int("UPDATE letters SET recipient_name = 'Hội 100%% Đoàn_Kết', recipient_key = 'hoi 100%% doan_ket', "
            "created_at = strftime('%%s', 'now') WHERE id = %lld", (long long)id);
    assert_int_equal(list_total(&desk, "q=100%25+doan_"), 1);
    assert_int_equal(list_total(&desk, "q=doan_ket"), 1);
    assert_int_equal(list_total(&desk, "q=doanxket"), 0);
}

/* Item 25: the list and printing by filter show the letters /thu/{id} opens, no more: an
 * officer of the province does not see a commune's letters there either. */
static void batch_by_filter_has_one_scope(void **state)
{
    (void)state;
    session admin, officer;
    assert_int_equal(login("admin", PASSWORD, &admin), 303);
    char body[512];
    snprintf(body, sizeof body, "_csrf=%s&username=canbo.tinh&full_name=L%%C3%%AA+V%%C4%%83n+T%%E1%%BB%%89nh"
             "&role=officer&don_vi=19&password=mat-khau-du-dai", admin.csrf);
    response r = request("POST", "/quan-tri/nguoi-dung", body, admin.cookie, NULL);
    assert_int_equal(r.status, 303);
    response_free(&r);
    assert_int_equal(login("canbo.tinh", "mat-khau-du-dai", &officer), 303);
    /* one of the commune's letters: its own page is refused */
    int64_t child = sql_int("SELECT MIN(l.id) FROM letters l JOIN units u ON u.id = l.unit_id WHERE u.code = '05443' "
                            "AND l.status = 'delivered'");
    char path[128];
    snprintf(path, sizeof path, "/thu/%lld", (long long)child);
    r = request("GET", path, NULL, officer.cookie, NULL);
    assert_int_equal(r.status, 403);
    response_free(&r);
    snprintf(path, sizeof path, "/thu/%lld.pdf", (long long)child);
    r = request("GET", path, NULL, officer.cookie, NULL);
    assert_int_equal(r.status, 403);
    response_free(&r);
    /* so neither the list nor printing by filter shows it */
    int64_t own = sql_int("SELECT COUNT(*) FROM letters l JOIN units u ON u.id = l.unit_id WHERE u.code = '19'");
    assert_int_equal(list_total(&officer, ""), own);
    r = request("GET", "/thu/in.pdf?trang_thai=delivered", NULL, officer.cookie, NULL);
    assert_int_equal(r.status, own ? 200 : 404);
    response_free(&r);
    /* the administrator sees the whole province, in the list and on paper */
    assert_true(list_total(&admin, "trang_thai=delivered&loai=thanks") > 0);
    r = request("GET", "/thu/in.pdf?trang_thai=delivered&loai=thanks", NULL, admin.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.headers, "application/pdf");
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(letter_search_is_literal),
        cmocka_unit_test(batch_by_filter_has_one_scope),
    };
    int failed = cmocka_run_group_tests_name("letters2", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
