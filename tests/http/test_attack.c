/* test_attack.c -- what users hit first when the server is attacked or faults: shared
 * addresses and the tracking limiter, slow and flooding clients, login floods, shutdown,
 * missing or damaged database files, and input that prints wrongly. */
#include "harness.h"

/* ---- tracking (src/dossier/track_limit.c) ------------------------------------------ */

/* A commune's Wi-Fi is one address for everyone on it: ten citizens mistyping their codes
 * must not lock out the eleventh, who has the right secret. */
static void a_shared_address_does_not_lock_out_citizens(void **state)
{
    (void)state;
    session desk;
    assert_int_equal(login("canbo1", PASSWORD, &desk), 303);
    intake_result d;
    assert_int_equal(intake(&desk, procedure_id("khai+sinh"), NULL, &d), 201);
    char path[256];
    for (int i = 0; i < 12; i++) {
        snprintf(path, sizeof path, "/api/v1/dossiers/H19.05443-260101-%04d?secret=ZZZZZZ", i);
        response r = get(path);
        assert_int_equal(r.status, 404);
        response_free(&r);
    }
    snprintf(path, sizeof path, "/tra-cuu?ma=%s&bm=%s", d.code, d.secret);
    response r = get(path);
    assert_int_equal(r.status, 200);
    response_free(&r);
}

/* Ten wrong secrets at one code make that guesser wait, and the page says how long. */
static void tracking_tells_the_real_wait(void **state)
{
    (void)state;
    char path[256];
    for (int i = 0; i < 10; i++) {
        snprintf(path, sizeof path, "/tra-cuu?ma=H19.05443-260102-0001&bm=ZZZZ%02d", i);
        response r = get(path);
        assert_int_equal(r.status, 404);
        response_free(&r);
    }
    response r = get("/tra-cuu?ma=H19.05443-260102-0001&bm=ZZZZZZ");
    assert_int_equal(r.status, 429);
    assert_contains(r.headers, "Retry-After: 3600");
    assert_contains(r.body, "Xin đợi 60 phút");
    response_free(&r);
}

/* ---- routes and pages ------------------------------------------------------------- */

/* "/ho-so/11.193" read as dossier 11193: an {id} is digits only, on every route. */
static void ids_with_thousands_separators_are_not_ids(void **state)
{
    (void)state;
    session desk;
    assert_int_equal(login("canbo1", PASSWORD, &desk), 303);
    intake_result d;
    assert_int_equal(intake(&desk, procedure_id("khai+sinh"), NULL, &d), 201);
    char path[128];
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)d.id);
    response r = request("GET", path, NULL, desk.cookie, NULL);
    assert_int_equal(r.status, 200);
    response_free(&r);
    /* the same number with a separator, a leading zero, a sign */
    char dotted[32];
    snprintf(dotted, sizeof dotted, "%lld", (long long)d.id);
    size_t n = strlen(dotted);
    assert_true(n >= 4);
    memmove(dotted + n - 2, dotted + n - 3, 4);
    dotted[n - 3] = '.';
    const char *forms[] = {"/ho-so/%s", "/ho-so/0%lld", "/ho-so/+%lld"};
    for (int i = 0; i < 3; i++) {
        if (i == 0) snprintf(path, sizeof path, forms[i], dotted);
        else snprintf(path, sizeof path, forms[i], (long long)d.id);
        r = request("GET", path, NULL, desk.cookie, NULL);
        if (r.status != 404) fail_msg("%s answered %ld", path, r.status);
        assert_contains(r.body, "Không tìm thấy trang");
        response_free(&r);
    }
    r = get("/thu-tuc/1.000");
    assert_int_equal(r.status, 404);
    response_free(&r);
}

/* /metrics told anyone who works when: the machine itself and administrators only. */
static void metrics_only_for_the_machine_and_admins(void **state)
{
    (void)state;
    response r = get("/metrics");
    assert_int_equal(r.status, 200);
    response_free(&r);
    r = request("GET", "/metrics", NULL, NULL, "X-Forwarded-For: 203.0.113.5");   /* through a proxy */
    assert_int_equal(r.status, 403);
    assert_lacks(r.body, "http_requests");
    response_free(&r);
    session officer, admin;
    assert_int_equal(login("canbo1", PASSWORD, &officer), 303);
    r = request("GET", "/metrics", NULL, officer.cookie, "X-Forwarded-For: 203.0.113.5");
    assert_int_equal(r.status, 403);
    response_free(&r);
    assert_int_equal(login("admin", PASSWORD, &admin), 303);
    r = request("GET", "/metrics", NULL, admin.cookie, "X-Forwarded-For: 203.0.113.5");
    assert_int_equal(r.status, 200);
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_shared_address_does_not_lock_out_citizens),
        cmocka_unit_test(tracking_tells_the_real_wait),
        cmocka_unit_test(ids_with_thousands_separators_are_not_ids),
        cmocka_unit_test(metrics_only_for_the_machine_and_admins),
    };
    int failed = cmocka_run_group_tests_name("attack", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
