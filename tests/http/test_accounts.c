/* test_accounts.c -- signing in and out, the session cookie, lockouts, CSRF, scoping between
 * communes, the audit page and verify-audit, and the administrator's units, users, hamlets
 * and leaders (src/account, src/audit). */
#include "harness.h"

static void login_logout(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login("canbo1", "sai-mat-khau", &s), 401);
    sign_in("canbo1", &s);
    response r = request("GET", "/bang-dieu-khien", NULL, s.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Xin chào");
    assert_contains(r.body, "Trần Văn Một Cửa");
    assert_contains(r.headers, "no-store");
    response_free(&r);
    char body[128];
    snprintf(body, sizeof body, "_csrf=%s", s.csrf);
    r = request("POST", "/dang-xuat", body, s.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    r = request("GET", "/bang-dieu-khien", NULL, s.cookie, NULL);
    assert_status(r, 303);
    assert_contains(r.headers, "Location: /dang-nhap");
    response_free(&r);
}

static void session_cookie_flags(void **state)
{
    (void)state;
    response form = get("/dang-nhap");
    char anon[80], csrf[80];
    set_cookie(&form, "tt_csrf", anon, sizeof anon);
    hidden_csrf(&form, csrf, sizeof csrf);
    response_free(&form);
    char body[256], cookie[128];
    snprintf(body, sizeof body, "_csrf=%s&username=lanhdao1&password=%s", csrf, PASSWORD);
    snprintf(cookie, sizeof cookie, "tt_csrf=%s", anon);
    response r = request("POST", "/dang-nhap", body, cookie, "X-Forwarded-Proto: https");
    assert_status(r, 303);
    const char *sc = strcasestr(r.headers, "Set-Cookie: tt_session=");
    assert_non_null(sc);
    char line[256];
    snprintf(line, sizeof line, "%.*s", (int)strcspn(sc, "\r\n"), sc);
    assert_contains(line, "HttpOnly");
    assert_contains(line, "SameSite=Strict");
    assert_contains(line, "Secure");
    response_free(&r);
}

static void lockout_after_repeated_failures(void **state)
{
    (void)state;
    session s;
    for (int i = 0; i < 5; i++) assert_int_equal(login("bantt1", "sai-mat-khau", &s), 401);
    assert_int_equal(login("bantt1", PASSWORD, &s), 429);
}

static void lockout_holds_under_parallel_guesses(void **state)
{
    (void)state;
    settle_connections();
    response form = get("/dang-nhap");
    char anon[80], csrf[80];
    set_cookie(&form, "tt_csrf", anon, sizeof anon);
    hidden_csrf(&form, csrf, sizeof csrf);
    response_free(&form);
    char body[256], cookie[128], url[128];
    snprintf(body, sizeof body, "_csrf=%s&username=chuyenvien1&password=doan-bua", csrf);
    snprintf(cookie, sizeof cookie, "tt_csrf=%s", anon);
    snprintf(url, sizeof url, "%s/dang-nhap", base);
    enum { N = MAX_PER_IP };   /* as many at once as the test server lets one address open */
    CURLM *m = curl_multi_init();
    CURL *h[N];
    for (int i = 0; i < N; i++) {
        CURL *c = h[i] = curl_easy_init();
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        curl_multi_add_handle(m, c);
    }
    int running = 1;
    while (running) {
        curl_multi_perform(m, &running);
        curl_multi_wait(m, NULL, 0, 100, NULL);
    }
    int checked = 0;
    for (int i = 0; i < N; i++) {
        long status = 0;
        curl_easy_getinfo(h[i], CURLINFO_RESPONSE_CODE, &status);
        assert_true(status == 401 || status == 429);
        checked += status == 401;
        curl_multi_remove_handle(m, h[i]);
        curl_easy_cleanup(h[i]);
    }
    curl_multi_cleanup(m);
    settle_connections();
    /* some may have met the per-address connection limit instead: guess on, one at a time,
     * until the account locks; in all, exactly five guesses may have been checked */
    session s;
    for (int i = 0; i < 10 && checked <= 5; i++) {
        long status = login("chuyenvien1", "doan-bua", &s);
        if (status == 429) break;
        assert_int_equal(status, 401);
        checked++;
    }
    assert_int_equal(checked, 5);
    assert_int_equal(login("chuyenvien1", PASSWORD, &s), 429);
}

static void post_without_csrf_is_refused(void **state)
{
    (void)state;
    session s;
    sign_in("admin", &s);
    int64_t before = procedure_total();
    response r = request("POST", "/thu-tuc", "don_vi=19&name=Th%E1%BB%A7+t%E1%BB%A5c+gi%E1%BA%A3&days=1", s.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    r = request("POST", "/thu-tuc", "_csrf=0000&don_vi=19&name=Gia&days=1", s.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    assert_int_equal(procedure_total(), before);
    /* with the token the same form saves, and the new procedure is found by search */
    char body[512];
    snprintf(body, sizeof body,
             "_csrf=%s&don_vi=19&code=9.999999&name=Th%%E1%%BB%%A7+t%%E1%%BB%%A5c+th%%E1%%BB%%AD+nghi%%E1%%BB%%87m"
             "&field=Kh%%C3%%A1c&days=2&fee=10.000&papers=T%%E1%%BB%%9D+khai%%0AB%%E1%%BA%%A3n+sao",
             s.csrf);
    r = request("POST", "/thu-tuc", body, s.cookie, NULL);
    assert_status(r, 303);
    assert_contains(r.headers, "Location: /thu-tuc/");
    response_free(&r);
    assert_int_equal(procedure_total(), before + 1);
    r = get("/thu-tuc?don_vi=05443&q=thu+nghiem");
    assert_contains(r.body, ">Thủ tục thử nghiệm</a>");
    assert_contains(r.body, "10.000 đồng");
    response_free(&r);
    /* a bad value is refused with a Vietnamese message and nothing is saved */
    snprintf(body, sizeof body, "_csrf=%s&don_vi=19&name=Sai&days=ba+ng%%C3%%A0y", s.csrf);
    r = request("POST", "/thu-tuc", body, s.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Thời hạn giải quyết phải là số ngày làm việc");
    response_free(&r);
    assert_int_equal(procedure_total(), before + 1);
}

static void scoping_between_communes(void **state)
{
    (void)state;
    session one, two, admin;
    sign_in("canbo1", &one);
    sign_in("canbo2", &two);
    sign_in("admin", &admin);
    response r = request("GET", "/don-vi/05443/can-bo", NULL, one.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "canbo1");
    response_free(&r);
    r = request("GET", "/don-vi/05602/can-bo", NULL, one.cookie, NULL);
    assert_status(r, 403);
    assert_lacks(r.body, "canbo2");
    response_free(&r);
    r = request("GET", "/don-vi/05602/can-bo", NULL, admin.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "canbo2");
    response_free(&r);
    /* the province's procedures belong to the province: a commune officer may read, not edit */
    r = request("GET", "/thu-tuc/1/sua", NULL, two.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    char body[256];
    snprintf(body, sizeof body, "_csrf=%s&don_vi=19&name=Doi+ten", two.csrf);
    r = request("POST", "/thu-tuc/1", body, two.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    r = get("/thu-tuc/1");
    assert_lacks(r.body, "Doi ten");
    response_free(&r);
    /* administration pages are for administrators */
    r = request("GET", "/quan-tri/nguoi-dung", NULL, one.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    r = request("GET", "/quan-tri/nguoi-dung", NULL, admin.cookie, NULL);
    assert_status(r, 200);
    response_free(&r);
    /* anonymous: staff pages send to the login page; the JSON API says 401 */
    r = get("/don-vi/05443/can-bo");
    assert_status(r, 303);
    response_free(&r);
}

/* The administrator keeps the unit's public facts: leaders' phones and hamlets. */
static void admin_edits_leaders_and_hamlets(void **state)
{
    (void)state;
    session admin, officer;
    sign_in("admin", &admin);
    sign_in("canbo2", &officer);
    char body[512];
    snprintf(body, sizeof body, "_csrf=%s&leader_name=Ng%%C3%%B4+Th%%E1%%BB%%8B+Lan&leader_title=Ph%%C3%%B3+Ch%%E1%%BB%%A7"
             "+t%%E1%%BB%%8Bch+UBND&leader_phone=0912+000+199", admin.csrf);
    response r = request("POST", "/quan-tri/don-vi/05602/lanh-dao", body, admin.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&hamlet_name=X%%C3%%B3m+M%%E1%%BB%%9Bi&households=120&voters=310", admin.csrf);
    r = request("POST", "/quan-tri/don-vi/05602/thon", body, admin.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    r = get("/don-vi/05602");
    assert_contains(r.body, "Ngô Thị Lan");
    assert_contains(r.body, "href=\"tel:0912000199\"");
    assert_contains(r.body, "Xóm Mới");
    assert_contains(r.body, ">310</td>");
    response_free(&r);
    /* bad input: a clear message, nothing saved */
    snprintf(body, sizeof body, "_csrf=%s&hamlet_name=X%%C3%%B3m+Sai&households=m%%E1%%BB%%99t+tr%%C4%%83m&voters=1",
             admin.csrf);
    r = request("POST", "/quan-tri/don-vi/05602/thon", body, admin.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Số hộ và số cử tri phải là số nguyên không âm.");
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&leader_name=A&leader_title=B&leader_phone=g%%E1%%BB%%8Di+t%%C3%%B4i",
             admin.csrf);
    r = request("POST", "/quan-tri/don-vi/05602/lanh-dao", body, admin.cookie, NULL);
    assert_status(r, 400);
    response_free(&r);
    r = get("/don-vi/05602");
    assert_lacks(r.body, "Xóm Sai");
    response_free(&r);
    /* an officer is not an administrator */
    snprintf(body, sizeof body, "_csrf=%s&hamlet_name=Xom+Khac&households=1&voters=1", officer.csrf);
    r = request("POST", "/quan-tri/don-vi/05602/thon", body, officer.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
}

static void admin_manages_units_and_users(void **state)
{
    (void)state;
    session admin, officer;
    sign_in("admin", &admin);
    char body[768];
    /* a new commune under the province */
    snprintf(body, sizeof body, "_csrf=%s&code=05999&name=X%%C3%%A3+Th%%E1%%BB%%AD+Nghi%%E1%%BB%%87m&kind=commune"
             "&don_vi=19&address=X%%C3%%B3m+Trung+T%%C3%%A2m", admin.csrf);
    response r = request("POST", "/quan-tri/don-vi", body, admin.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    r = get("/don-vi/05999");
    assert_status(r, 200);
    assert_contains(r.body, "Xã Thử Nghiệm");
    assert_contains(r.body, "Xóm Trung Tâm");
    /* it offers the province's catalogue */
    assert_contains(r.body, "Hộ tịch");
    response_free(&r);
    /* the same code again: refused with a message, nothing changed */
    r = request("POST", "/quan-tri/don-vi", body, admin.cookie, NULL);
    assert_status(r, 409);
    assert_contains(r.body, "Mã đơn vị đã tồn tại.");
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&code=ab%%3Cx&name=T%%C3%%AAn&kind=commune&don_vi=19", admin.csrf);
    r = request("POST", "/quan-tri/don-vi", body, admin.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Mã đơn vị gồm 2–16 ký tự");
    assert_lacks(r.body, "ab<x");
    response_free(&r);
    /* a user for it; a short password is refused and nothing is saved */
    snprintf(body, sizeof body, "_csrf=%s&username=canbo.thunghiem&full_name=L%%C3%%AA+V%%C4%%83n+Th%%E1%%BB%%AD"
             "&role=officer&don_vi=05999&password=ngan", admin.csrf);
    r = request("POST", "/quan-tri/nguoi-dung", body, admin.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Mật khẩu phải có ít nhất 10 ký tự.");
    response_free(&r);
    assert_int_equal(login("canbo.thunghiem", "ngan", &officer), 401);
    snprintf(body, sizeof body, "_csrf=%s&username=canbo.thunghiem&full_name=L%%C3%%AA+V%%C4%%83n+Th%%E1%%BB%%AD"
             "&role=officer&don_vi=05999&password=mat-khau-du-dai", admin.csrf);
    r = request("POST", "/quan-tri/nguoi-dung", body, admin.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(login("canbo.thunghiem", "mat-khau-du-dai", &officer), 303);
    r = request("GET", "/don-vi/05999/can-bo", NULL, officer.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Lê Văn Thử");
    response_free(&r);
    /* deactivating the account ends its session at once */
    r = request("GET", "/quan-tri/nguoi-dung", NULL, admin.cookie, NULL);
    const char *row = strstr(r.body, "canbo.thunghiem");
    assert_non_null(row);
    const char *form = strstr(row, "/quan-tri/nguoi-dung/");
    assert_non_null(form);
    char action[96];
    snprintf(action, sizeof action, "%.*s", (int)strcspn(form, "\""), form);
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&active=0", admin.csrf);
    r = request("POST", action, body, admin.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    r = request("GET", "/bang-dieu-khien", NULL, officer.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(login("canbo.thunghiem", "mat-khau-du-dai", &officer), 401);
}

/* A commune's administrator reads its own unit's audit rows, not the neighbour's. */
static void audit_page_is_scoped(void **state)
{
    (void)state;
    char *add[] = {(char *)bin, "user", "add", "--db", dbpath, "--unit", "05602", "--role", "admin",
                   "--username", "quantri.phudinh", "--password-stdin", NULL};
    assert_int_equal(run("/dev/null", add, "mat-khau-quan-tri\n"), 0);
    session local, top;
    assert_int_equal(login("quantri.phudinh", "mat-khau-quan-tri", &local), 303);
    sign_in("admin", &top);
    /* the commune's two years of feedback come first; the accounts are found by their action */
    response r = request("GET", "/quan-tri/nhat-ky?thao_tac=user", NULL, local.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "canbo2");          /* created in 05602 */
    assert_lacks(r.body, "canbo1");             /* created in 05443 */
    assert_lacks(r.body, "congchuc.so");        /* created in the department */
    assert_lacks(r.body, "feedback.create");
    response_free(&r);
    r = request("GET", "/quan-tri/nhat-ky", NULL, local.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "feedback.");       /* the commune's own latest rows, not the province's */
    response_free(&r);
    r = request("GET", "/quan-tri/nhat-ky?thao_tac=user", NULL, top.cookie, NULL);
    assert_contains(r.body, "canbo1");
    assert_contains(r.body, "canbo2");
    response_free(&r);
    r = request("GET", "/quan-tri/nhat-ky?thao_tac=%27%20OR%201", NULL, top.cookie, NULL);
    assert_status(r, 200);                      /* a bad filter is ignored */
    response_free(&r);
}

static void admin_edits_a_user(void **state)
{
    (void)state;
    session admin, officer;
    sign_in("admin", &admin);
    sign_in("chuyenvien1", &officer);
    int64_t id = user_id("chuyenvien1");
    char path[128];
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld", (long long)id);
    /* the list links to the user's page; the page has the forms */
    response r = request("GET", "/quan-tri/nguoi-dung", NULL, admin.cookie, NULL);
    assert_contains(r.body, path);
    response_free(&r);
    r = request("GET", path, NULL, admin.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Sửa người dùng");
    assert_contains(r.body, "id=\"role\"");
    assert_contains(r.body, "Đặt lại mật khẩu");
    response_free(&r);
    /* without the CSRF token nothing changes */
    r = request("POST", path, "role=leader&don_vi=05602&full_name=X", admin.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM users WHERE id = %lld AND role = 'specialist'", (long long)id), 1);
    /* a bad value: a Vietnamese message, nothing saved */
    char fields[512];
    snprintf(fields, sizeof fields, "&role=emperor&don_vi=05602&full_name=%s", enc("Lê Văn Chuyên"));
    r = post_form(&admin, path, fields);
    assert_status(r, 400);
    assert_contains(r.body, "Vai trò không hợp lệ");
    response_free(&r);
    /* role, unit and name change, audited; the user's open session ends */
    snprintf(fields, sizeof fields, "&role=leader&don_vi=05602&full_name=%s", enc("Lê Văn Chuyên"));
    r = post_form(&admin, path, fields);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM users u JOIN units n ON n.id = u.unit_id WHERE u.id = %lld AND "
                             "u.role = 'leader' AND n.code = '05602' AND u.full_name = 'Lê Văn Chuyên'",
                             (long long)id),
                     1);
    assert_int_equal(audits("user.update", id), 1);
    r = request("GET", "/bang-dieu-khien", NULL, officer.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    /* a new password: too short is refused; a good one works, the old one no longer */
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld/mat-khau", (long long)id);
    r = post_form(&admin, path, "&new_password=ngan");
    assert_status(r, 400);
    assert_contains(r.body, "ít nhất 10 ký tự");
    response_free(&r);
    r = post_form(&admin, path, "&new_password=Mat-khau-moi-2026");
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(audits("user.password_reset", id), 1);
    session again;
    assert_int_not_equal(login("chuyenvien1", PASSWORD, &again), 303);
    assert_int_equal(login("chuyenvien1", "Mat-khau-moi-2026", &again), 303);
}

/* The administrator cannot lock or demote himself, nor leave the province without an
 * administrator; a commune's administrator reaches only his commune. */
static void admin_keeps_an_administrator(void **state)
{
    (void)state;
    session admin;
    sign_in("admin", &admin);
    int64_t me = user_id("admin");
    char path[128], fields[512];
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld", (long long)me);
    snprintf(fields, sizeof fields, "&role=officer&don_vi=19&full_name=%s", enc("Quản trị viên"));
    response r = post_form(&admin, path, fields);
    assert_status(r, 400);
    assert_contains(r.body, "Bạn không thể tự đổi vai trò hay đơn vị của chính mình");
    response_free(&r);
    snprintf(fields, sizeof fields, "&role=admin&don_vi=05602&full_name=%s", enc("Quản trị viên"));
    r = post_form(&admin, path, fields);
    assert_status(r, 400);
    response_free(&r);
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld/trang-thai", (long long)me);
    r = post_form(&admin, path, "&active=0");
    assert_status(r, 400);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM users WHERE id = %lld AND role = 'admin' AND active = 1", (long long)me), 1);
    /* his own name he may change */
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld", (long long)me);
    snprintf(fields, sizeof fields, "&role=admin&don_vi=19&full_name=%s", enc("Quản trị viên tỉnh"));
    r = post_form(&admin, path, fields);
    assert_status(r, 303);
    response_free(&r);

    /* a commune's administrator */
    snprintf(fields, sizeof fields, "&username=qtphudinh&full_name=%s&role=admin&don_vi=05602&password=%s",
             enc("Quản trị xã Phú Đình"), PASSWORD);
    r = post_form(&admin, "/quan-tri/nguoi-dung", fields);
    assert_status(r, 303);
    response_free(&r);
    session commune;
    sign_in("qtphudinh", &commune);
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld", (long long)user_id("canbo1"));   /* 05443 */
    r = request("GET", path, NULL, commune.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld", (long long)user_id("canbo2"));   /* 05602 */
    snprintf(fields, sizeof fields, "&role=officer&don_vi=05443&full_name=%s", enc("Cán bộ hai"));
    r = post_form(&commune, path, fields);
    assert_status(r, 403);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM users u JOIN units n ON n.id = u.unit_id WHERE u.username = 'canbo2' "
                             "AND n.code = '05602'"),
                     1);
    /* the province's administrator locks the commune's: allowed, he stays */
    snprintf(path, sizeof path, "/quan-tri/nguoi-dung/%lld/trang-thai", (long long)user_id("qtphudinh"));
    r = post_form(&admin, path, "&active=0");
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(audits("user.deactivate", user_id("qtphudinh")), 1);
}

static void admin_edits_and_removes_hamlets_and_leaders(void **state)
{
    (void)state;
    session admin;
    sign_in("admin", &admin);
    int64_t hamlet = sql_int("SELECT h.id FROM hamlets h JOIN units u ON u.id = h.unit_id WHERE u.code = '05602' "
                             "ORDER BY h.id LIMIT 1");
    int64_t other = sql_int("SELECT h.id FROM hamlets h JOIN units u ON u.id = h.unit_id WHERE u.code = '05443' "
                            "ORDER BY h.id LIMIT 1");
    int64_t leader = sql_int("SELECT l.id FROM unit_leaders l JOIN units u ON u.id = l.unit_id WHERE u.code = '05602' "
                             "ORDER BY l.sort DESC, l.id DESC LIMIT 1");
    assert_true(hamlet > 0 && other > 0 && leader > 0);
    /* the unit's page has a form for each */
    response r = request("GET", "/quan-tri/don-vi/05602", NULL, admin.cookie, NULL);
    char needle[128];
    snprintf(needle, sizeof needle, "/quan-tri/don-vi/05602/thon/%lld/xoa", (long long)hamlet);
    assert_contains(r.body, needle);
    snprintf(needle, sizeof needle, "/quan-tri/don-vi/05602/lanh-dao/%lld", (long long)leader);
    assert_contains(r.body, needle);
    response_free(&r);
    /* a hamlet: renamed with new counts, audited */
    char path[128], fields[512];
    snprintf(path, sizeof path, "/quan-tri/don-vi/05602/thon/%lld", (long long)hamlet);
    r = post_form(&admin, path, "&hamlet_name=x&households=nhi%E1%BB%81u&voters=3");
    assert_status(r, 400);
    assert_contains(r.body, "Số hộ và số cử tri phải là số nguyên không âm");
    response_free(&r);
    snprintf(fields, sizeof fields, "&hamlet_name=%s&households=150&voters=", enc("Xóm Đồng Tâm"));
    r = post_form(&admin, path, fields);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM hamlets WHERE id = %lld AND name = 'Xóm Đồng Tâm' AND "
                             "households = 150 AND voters IS NULL", (long long)hamlet),
                     1);
    assert_int_equal(audits("hamlet.update", hamlet), 1);
    /* another unit's hamlet is not reached through this unit's address */
    snprintf(path, sizeof path, "/quan-tri/don-vi/05602/thon/%lld/xoa", (long long)other);
    r = post_form(&admin, path, "");
    assert_status(r, 404);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM hamlets WHERE id = %lld", (long long)other), 1);
    /* without the token nothing is removed */
    snprintf(path, sizeof path, "/quan-tri/don-vi/05602/thon/%lld/xoa", (long long)hamlet);
    r = request("POST", path, "", admin.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    r = post_form(&admin, path, "");
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM hamlets WHERE id = %lld", (long long)hamlet), 0);
    assert_int_equal(audits("hamlet.delete", hamlet), 1);
    /* a leader: a bad phone is refused; a new title saved; then removed */
    snprintf(path, sizeof path, "/quan-tri/don-vi/05602/lanh-dao/%lld", (long long)leader);
    snprintf(fields, sizeof fields, "&leader_name=%s&leader_title=%s&leader_phone=abc", enc("Ngô Thị Lan"),
             enc("Phó Chủ tịch UBND xã"));
    r = post_form(&admin, path, fields);
    assert_status(r, 400);
    assert_contains(r.body, "Số điện thoại");
    response_free(&r);
    snprintf(fields, sizeof fields, "&leader_name=%s&leader_title=%s&leader_phone=0912+000+299", enc("Ngô Thị Lan"),
             enc("Chủ tịch UBND xã"));
    r = post_form(&admin, path, fields);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM unit_leaders WHERE id = %lld AND title = 'Chủ tịch UBND xã' AND "
                             "phone = '0912 000 299'", (long long)leader),
                     1);
    r = get("/don-vi/05602");
    assert_contains(r.body, "0912 000 299");
    response_free(&r);
    snprintf(path, sizeof path, "/quan-tri/don-vi/05602/lanh-dao/%lld/xoa", (long long)leader);
    r = post_form(&admin, path, "");
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM unit_leaders WHERE id = %lld", (long long)leader), 0);
    assert_int_equal(audits("leader.update", leader), 1);
    assert_int_equal(audits("leader.delete", leader), 1);
    /* an officer may not */
    session officer;
    sign_in("canbo2", &officer);
    snprintf(path, sizeof path, "/quan-tri/don-vi/05602/thon/%lld/xoa", (long long)other);
    r = post_form(&officer, path, "");
    assert_status(r, 403);
    response_free(&r);
}

static void verify_audit_catches_tampering(void **state)
{
    (void)state;
    char out[320];
    snprintf(out, sizeof out, "%s/verify.out", dir);
    char *argv[] = {(char *)bin, "verify-audit", "--db", dbpath, NULL};
    assert_int_equal(run(out, argv, NULL), 0);
    char *text = slurp(out);
    assert_contains(text, "OK");
    free(text);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(dbpath, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    assert_int_equal(sqlite3_exec(h, "UPDATE audit_log SET detail = '{\"name\":\"khác\"}' WHERE id = 3", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(run(out, argv, NULL), 1);
    text = slurp(out);
    assert_contains(text, "BROKEN at row 3");
    free(text);
}

/* The demo province has the communes that took in the pilot communes of seed 001 and three
 * departments (data/demo/units.json): each has its public page with its leaders and hamlets,
 * an officer and a leader who can sign in, and its own dossiers, which only its own officer
 * sees on the desk list. */
static void every_demo_unit_has_its_page_and_people(void **state)
{
    (void)state;
    assert_true(sql_int("SELECT COUNT(*) FROM units WHERE kind = 'commune'") >= 12);
    assert_true(sql_int("SELECT COUNT(*) FROM units WHERE kind = 'department'") >= 3);
    char *codes = sql_text("SELECT group_concat(code, ' ') FROM (SELECT code FROM units WHERE kind IN ('commune', "
                           "'department') ORDER BY id)");
    int seen = 0;
    for (char *save = NULL, *code = strtok_r(codes, " ", &save); code; code = strtok_r(NULL, " ", &save), seen++) {
        char path[64], sql[400];
        snprintf(path, sizeof path, "/don-vi/%s", code);
        response r = get(path);
        assert_status(r, 200);
        snprintf(sql, sizeof sql, "SELECT l.name FROM unit_leaders l JOIN units u ON u.id = l.unit_id WHERE u.code = '%s' "
                                  "ORDER BY l.sort, l.id LIMIT 1", code);
        char *leader = sql_text(sql);
        assert_true(*leader);
        assert_contains(r.body, leader);
        free(leader);
        snprintf(sql, sizeof sql, "SELECT COALESCE((SELECT h.name FROM hamlets h JOIN units u ON u.id = h.unit_id WHERE "
                                  "u.code = '%s' ORDER BY h.id LIMIT 1), '')", code);
        char *hamlet = sql_text(sql);
        if (*hamlet) assert_contains(r.body, hamlet);
        free(hamlet);
        response_free(&r);
        /* the units added for the province's view: an officer and a leader each (the first
         * three keep the accounts every test knows) */
        bool added = strcmp(code, "05443") && strcmp(code, "05602") && strcmp(code, "19-SNV");
        assert_true(sql_int("SELECT COUNT(DISTINCT u.role) FROM users u JOIN units n ON n.id = u.unit_id WHERE n.code = "
                            "'%s' AND u.role IN ('officer', 'leader') AND u.active = 1", code) >= (added ? 2 : 1));
        assert_true(sql_int("SELECT COUNT(*) FROM dossiers d JOIN units n ON n.id = d.unit_id WHERE n.code = '%s'", code) >
                    100);
    }
    free(codes);
    assert_true(seen >= 15);
    session officer, leader;
    sign_in("canbo.tichluong", &officer);
    sign_in("lanhdao.quantrieu", &leader);
    response r = request("GET", "/ho-so", NULL, officer.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "05500-");
    assert_lacks(r.body, "05443-");
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_demo_unit_has_its_page_and_people),   /* first: on the demo as made */
        cmocka_unit_test(login_logout),
        cmocka_unit_test(session_cookie_flags),
        cmocka_unit_test(post_without_csrf_is_refused),
        cmocka_unit_test(scoping_between_communes),
        cmocka_unit_test(admin_edits_leaders_and_hamlets),
        cmocka_unit_test(admin_manages_units_and_users),
        cmocka_unit_test(audit_page_is_scoped),
        cmocka_unit_test(admin_edits_a_user),
        cmocka_unit_test(admin_keeps_an_administrator),
        cmocka_unit_test(admin_edits_and_removes_hamlets_and_leaders),
        /* last: they lock accounts out (chuyenvien1 among them) for longer than this run */
        cmocka_unit_test(lockout_after_repeated_failures),
        cmocka_unit_test(lockout_holds_under_parallel_guesses),
        cmocka_unit_test(verify_audit_catches_tampering),   /* last: it breaks the audit log */
    };
    int failed = cmocka_run_group_tests_name("accounts", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
