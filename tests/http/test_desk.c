/* test_desk.c -- HTTP tests of what the one-stop desk hits first: finding dossiers, the
 * dashboard's counters, forms that keep what was typed, the dossier page's actions and
 * papers, and the hand-over list (harness.h starts the server). */
#include "harness.h"

#include <stdbool.h>

/* GET as JSON with the session; the parsed body (decref it). */
static json_t *get_json(const session *s, const char *path)
{
    response r = request("GET", path, NULL, s->cookie, "Accept: application/json");
    assert_status(r, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    response_free(&r);
    return j;
}

/* Whether a search of the desk's dossiers for q lists dossier id. */
static bool search_finds(const session *s, const char *q, int64_t id)
{
    char path[512];
    snprintf(path, sizeof path, "/ho-so?q=%s", enc(q));
    json_t *j = get_json(s, path), *o;
    size_t i;
    bool found = false;
    json_array_foreach(json_object_get(j, "dossiers"), i, o) found |= json_integer_value(json_object_get(o, "id")) == id;
    json_decref(j);
    return found;
}

/* The number shown in the dashboard's counter with this id ("tt-count-mine"), -1 if absent. */
static long counter(const char *html, const char *id)
{
    char needle[96];
    snprintf(needle, sizeof needle, "id=\"%s\"", id);
    const char *p = strstr(html, needle);
    if (!p) return -1;
    p = strstr(p, "tt-count__n\">");
    if (!p) return -1;
    return strtol(p + strlen("tt-count__n\">"), NULL, 10);
}

/* ---- 6: finding dossiers ----------------------------------------------------------------- */

static void demo_dossiers_are_found_by_name(void **state)
{
    (void)state;
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers WHERE applicant_key = ''"), 0);
    session desk;
    sign_in("canbo1", &desk);
    int64_t id = sql_int("SELECT d.id FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.code = '05443' "
                         "ORDER BY d.received_at DESC LIMIT 1");
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT applicant_name FROM dossiers WHERE id = %lld", (long long)id);
    char *name = sql_text(sql);
    assert_true(search_finds(&desk, name, id));
    /* the given name alone, without diacritics in capitals as a hurried officer types it */
    snprintf(sql, sizeof sql, "SELECT applicant_key FROM dossiers WHERE id = %lld", (long long)id);
    char *key = sql_text(sql), *last = strrchr(key, ' ');
    for (char *c = last ? last + 1 : key; *c; c++) *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    assert_true(search_finds(&desk, last ? last + 1 : key, id));
    free(name);
    free(key);
}

static void search_by_citizen_id_phone_part_and_code_part(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result in;
    /* the harness's applicant: phone 0912 345 678, citizen ID 019190012345 */
    new_dossier(&desk, "khai+sinh", &in);
    assert_true(search_finds(&desk, "019190012345", in.id));       /* the citizen ID number */
    assert_true(search_finds(&desk, "345 678", in.id));            /* the end of the phone */
    assert_true(search_finds(&desk, "0912345", in.id));            /* its start */
    const char *tail = strchr(in.code, '-');                        /* "261203-0007": the date and number */
    assert_non_null(tail);
    assert_true(search_finds(&desk, tail + 1, in.id));
    char lower[64];
    snprintf(lower, sizeof lower, "%s", in.code);
    for (char *c = lower; *c; c++) *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    assert_true(search_finds(&desk, lower, in.id));
    /* a short fragment is not a search of every phone number */
    assert_false(search_finds(&desk, "84", in.id));
}

/* ---- 9: dashboards with numbers ------------------------------------------------------------ */

static void dashboard_counts_per_role(void **state)
{
    (void)state;
    session desk, spec, lead;
    sign_in("canbo1", &desk);
    intake_result in;
    new_dossier(&desk, "khai+sinh", &in);
    /* the desk officer: the desk's dossiers (to hand over, results to return) are his inbox */
    response r = request("GET", "/bang-dieu-khien", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    long mine = counter(r.body, "tt-count-mine");
    json_t *inbox = get_json(&desk, "/ho-so/cho-xu-ly");
    assert_true(mine >= 1);
    assert_int_equal(mine, json_integer_value(json_object_get(inbox, "total")));
    bool listed = false;
    json_t *o;
    size_t i;
    json_array_foreach(json_object_get(inbox, "dossiers"), i, o) listed |= json_integer_value(json_object_get(o, "id")) == in.id;
    assert_true(listed);
    json_decref(inbox);
    int64_t unit = sql_int("SELECT id FROM units WHERE code = '05443'");
    assert_int_equal(counter(r.body, "tt-count-return"),
                     sql_int("SELECT COUNT(*) FROM dossiers WHERE unit_id = %lld AND status = 'done'", (long long)unit));
    /* letters still to hand over: proposed and not gone stale ("quá hạn trao" is listed apart) */
    assert_int_equal(counter(r.body, "tt-count-letters"),
                     sql_int("SELECT COUNT(*) FROM letters l JOIN units u ON u.id = l.unit_id WHERE l.unit_id = %lld "
                             "AND l.status = 'proposed' AND NOT (l.kind IN ('congratulation', 'condolence') AND "
                             "COALESCE(l.event_at, l.created_at) < strftime('%%s', 'now') - u.letter_stale_days * 86400)",
                             (long long)unit));
    long late = counter(r.body, "tt-count-late");
    assert_int_equal(late, sql_int("SELECT COUNT(*) FROM dossiers WHERE (unit_id = %lld OR resolving_unit_id = %lld) "
                                   "AND status IN ('received', 'in_progress') AND due_at < strftime('%%s', 'now')",
                                   (long long)unit, (long long)unit));
    assert_true(counter(r.body, "tt-count-today") >= 0);
    assert_contains(r.body, "href=\"/ho-so/cho-xu-ly\"");
    assert_contains(r.body, "href=\"/ho-so?trang_thai=done\"");
    assert_contains(r.body, "href=\"/thu?trang_thai=proposed\"");
    assert_contains(r.body, "href=\"/ho-so/tre-han?han=qua-han\"");
    response_free(&r);
    /* the lists behind the counters hold as many */
    json_t *lj = get_json(&desk, "/ho-so/tre-han?han=qua-han");
    assert_int_equal(json_integer_value(json_object_get(lj, "total")), late);
    json_decref(lj);
    /* the specialist: what was handed to him */
    sign_in("chuyenvien1", &spec);
    r = request("GET", "/bang-dieu-khien", NULL, spec.cookie, NULL);
    int64_t sid = sql_int("SELECT id FROM users WHERE username = 'chuyenvien1'");
    assert_int_equal(counter(r.body, "tt-count-mine"),
                     sql_int("SELECT COUNT(*) FROM dossiers WHERE assignee_id = %lld AND status IN ('received', "
                             "'in_progress', 'supplement')", (long long)sid));
    assert_int_equal(counter(r.body, "tt-count-return"), -1);   /* returning results is the desk's */
    response_free(&r);
    /* the leader: the unit's late dossiers */
    sign_in("lanhdao1", &lead);
    r = request("GET", "/bang-dieu-khien", NULL, lead.cookie, NULL);
    assert_int_equal(counter(r.body, "tt-count-late"), late);
    response_free(&r);
}

/* ---- 11: forms keep what was typed ------------------------------------------------------------ */

static void failed_actions_keep_what_was_typed(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result in;
    new_dossier(&desk, "khai+sinh", &in);
    char path[64], body[512];
    /* an apology too early: the reason typed comes back */
    snprintf(path, sizeof path, "/ho-so/%lld/xin-loi", (long long)in.id);
    snprintf(body, sizeof body, "_csrf=%s&reason=%s&new_due_date=", desk.csrf, enc("Chờ xác minh hộ tịch"));
    response r = request("POST", path, body, desk.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "value=\"Chờ xác minh hộ tịch\"");
    assert_contains(r.body, "href=\"#new_due_date\"");
    response_free(&r);
    /* a supplement without a reason: the papers listed come back */
    snprintf(path, sizeof path, "/ho-so/%lld/bo-sung", (long long)in.id);
    snprintf(body, sizeof body, "_csrf=%s&reason=&papers=%s", desk.csrf, enc("Giấy chứng sinh\nSổ hộ khẩu"));
    r = request("POST", path, body, desk.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Giấy chứng sinh\nSổ hộ khẩu</textarea>");
    assert_contains(r.body, "href=\"#supplement_reason\"");
    response_free(&r);
}

static void intake_lists_every_error(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t proc = procedure_id("khai+sinh"), before = sql_int("SELECT COUNT(*) FROM dossiers");
    char body[1024];
    snprintf(body, sizeof body, "_csrf=%s&procedure_id=%lld&applicant_name=Tr%%E1%%BA%%A7n+B&applicant_phone=12345"
             "&applicant_id_number=0191&applicant_email=b%%40&applicant_address=X%%C3%%B3m+1&channel=desk&sets=2",
             desk.csrf, (long long)proc);
    response r = request("POST", "/ho-so", body, desk.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "href=\"#applicant_phone\"");
    assert_contains(r.body, "href=\"#applicant_id_number\"");
    assert_contains(r.body, "href=\"#applicant_email\"");
    assert_contains(r.body, "Số điện thoại không hợp lệ");
    assert_contains(r.body, "đúng 12 chữ số");
    assert_contains(r.body, "thư điện tử không hợp lệ");
    assert_contains(r.body, "value=\"Trần B\"");   /* what was typed stays */
    assert_contains(r.body, "value=\"2\"");
    response_free(&r);
    /* JSON clients get every error too */
    r = request("POST", "/ho-so", body, desk.cookie, "Accept: application/json");
    assert_status(r, 400);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(json_object_get(j, "error"), "errors")), 3);
    json_decref(j);
    response_free(&r);
    /* no sets is refused, not stored as one */
    snprintf(body, sizeof body, "_csrf=%s&procedure_id=%lld&applicant_name=B&applicant_address=X&channel=desk&sets=0",
             desk.csrf, (long long)proc);
    r = request("POST", "/ho-so", body, desk.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Số lượng hồ sơ phải từ 1 đến 100 bộ");
    assert_contains(r.body, "href=\"#sets\"");
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers"), before);
}

/* ---- 12: the dossier page ------------------------------------------------------------------- */

static void intake_checklist_and_kinds_reach_the_slip(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t proc = procedure_id("khai+sinh");
    char path[128];
    snprintf(path, sizeof path, "/tiep-nhan?thu_tuc=%lld", (long long)proc);
    response r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "id=\"paper_0\"");
    assert_lacks(r.body, "value=\"1\" checked");          /* nothing ticked before the papers are seen */
    assert_contains(r.body, "id=\"all_papers\"");         /* the shortcut */
    assert_contains(r.body, "name=\"paper_0_kind\"");
    response_free(&r);
    /* the first paper an original, the second a copy, the rest not received */
    intake_result in;
    assert_int_equal(intake(&desk, proc, "&paper_count=3&paper_0=1&paper_0_kind=original&paper_1=1&paper_1_kind=copy", &in),
                     201);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT papers FROM dossiers WHERE id = %lld", (long long)in.id);
    char *papers = sql_text(sql);
    json_t *arr = json_loads(papers, 0, NULL);
    assert_int_equal(json_array_size(arr), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0), "kind")), "Bản chính");
    assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 1), "kind")), "Bản sao");
    json_decref(arr);
    free(papers);
    /* the page shows the papers received */
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)in.id);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_contains(r.body, "id=\"tt-papers\"");
    assert_contains(r.body, "Bản chính");
    assert_contains(r.body, "Bản sao");
    response_free(&r);
    /* the slip's "Loại bản" column */
    snprintf(path, sizeof path, "/ho-so/%lld/giay-hen.pdf", (long long)in.id);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    char *text = pdf_text(&r, "desk-slip");
    assert_non_null(strstr(text, "Bản chính"));
    assert_non_null(strstr(text, "Bản sao"));
    free(text);
    response_free(&r);
    /* "all received" ticks every line */
    assert_int_equal(intake(&desk, proc, "&paper_count=3&all_papers=1", &in), 201);
    assert_int_equal(sql_int("SELECT json_array_length(papers) FROM dossiers WHERE id = %lld", (long long)in.id), 3);
}

static void dossier_page_one_primary_action(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    intake_result in;
    new_dossier(&desk, "khai+sinh", &in);
    char path[64];
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)in.id);
    response r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    const char *actions = strstr(r.body, "tt-actions");
    assert_non_null(actions);
    const char *folded = strstr(actions, "<details");
    assert_non_null(folded);
    /* the hand-over is the one action out in the open; refusal and apology are folded */
    const char *handover = strstr(actions, "action=\"/ho-so/"), *refuse = strstr(actions, "/tu-choi\""),
               *apology = strstr(actions, "/xin-loi\"");
    assert_non_null(handover);
    assert_true(handover < folded);
    assert_non_null(strstr(handover, "/chuyen\""));
    assert_true(refuse > folded && apology > folded);
    /* one primary button before the fold */
    int primary = 0;
    for (const char *p = actions; (p = strstr(p, "class=\"govuk-button\"")) && p < folded; p++) primary++;
    assert_int_equal(primary, 1);
    response_free(&r);
    /* in progress, the result is the action out in the open; the hand-over folds */
    char form[96];
    snprintf(form, sizeof form, "&to_user_id=%lld", (long long)sql_int("SELECT id FROM users WHERE username = 'chuyenvien1'"));
    assert_int_equal(act(&desk, in.id, "chuyen", form, NULL), 200);
    r = request("GET", path, NULL, desk.cookie, NULL);
    actions = strstr(r.body, "tt-actions");
    folded = strstr(actions, "<details");
    assert_non_null(folded);
    const char *finish = strstr(actions, "/hoan-thanh\""), *handover2 = strstr(actions, "/chuyen\"");
    assert_true(finish && finish < folded);
    assert_true(handover2 > folded);
    response_free(&r);
}

/* ---- 13: the hand-over list ----------------------------------------------------------------- */

static void handover_list_holds_only_who_can_receive(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t proc = procedure_id("khai+sinh");
    intake_result in;
    assert_int_equal(intake(&desk, proc, NULL, &in), 201);
    char path[64];
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)in.id);
    response r = request("GET", path, NULL, desk.cookie, NULL);
    const char *sel = strstr(r.body, "id=\"to_user_id\"");
    assert_non_null(sel);
    const char *end = strstr(sel, "</select>");
    char *list = strndup(sel, (size_t)(end - sel));
    assert_null(strstr(list, "Hoàng Thị Thanh Tra"));   /* the board member cannot receive dossiers */
    assert_null(strstr(list, "Trần Văn Một Cửa"));      /* nor the officer from himself */
    assert_non_null(strstr(list, "Lê Thị Chuyên Viên"));
    /* the default is the one who most often received this procedure's dossiers here */
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT u.full_name FROM dossier_steps s JOIN dossiers d ON d.id = s.dossier_id "
             "JOIN users u ON u.id = s.to_user_id WHERE s.kind = 'handover' AND d.procedure_id = %lld AND d.unit_id = "
             "(SELECT id FROM units WHERE code = '05443') AND u.role IN ('officer', 'specialist', 'leader') "
             "AND u.username <> 'canbo1' GROUP BY u.id ORDER BY COUNT(*) DESC LIMIT 1", (long long)proc);
    char *usual = sql_text(sql), *selected = strstr(list, " selected>");
    assert_true(*usual);
    assert_non_null(selected);
    const char *close = strstr(selected, "</option>");
    char *opt = strndup(selected, (size_t)(close - selected));
    assert_non_null(strstr(opt, usual));
    free(opt);
    free(usual);
    free(list);
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_dossiers_are_found_by_name),
        cmocka_unit_test(search_by_citizen_id_phone_part_and_code_part),
        cmocka_unit_test(dashboard_counts_per_role),
        cmocka_unit_test(failed_actions_keep_what_was_typed),
        cmocka_unit_test(intake_lists_every_error),
        cmocka_unit_test(intake_checklist_and_kinds_reach_the_slip),
        cmocka_unit_test(dossier_page_one_primary_action),
        cmocka_unit_test(handover_list_holds_only_who_can_receive),
    };
    int failed = cmocka_run_group_tests_name("desk", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
