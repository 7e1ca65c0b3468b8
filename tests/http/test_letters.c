/* test_letters.c -- letters of care: letters that follow a dossier's events, the report
 * command, letters written by staff, the template editor, the counts page and its JSON,
 * searches taken literally, a batch by filter in one scope, bounded templates, stale letters,
 * and "ông" or "bà" (src/letter). */
#include "harness.h"

static int64_t letters_where(const char *cond, int64_t dossier)
{
    return sql_int("SELECT COUNT(*) FROM letters WHERE dossier_id = %lld AND %s", (long long)dossier, cond);
}

static void letters_follow_dossier_events(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t birth = sql_int("SELECT id FROM procedures WHERE code = '1.001193'");
    int64_t death = sql_int("SELECT id FROM procedures WHERE code = '1.000656'");
    int64_t other = sql_int("SELECT id FROM procedures WHERE code = '1.001022'");   /* no letter in the catalogue */
    /* a finished birth registration proposes one congratulation letter to the applicant */
    intake_result b;
    assert_int_equal(intake(&desk, birth, NULL, &b), 201);
    assert_int_equal(letters_where("1", b.id), 0);
    assert_int_equal(act(&desk, b.id, "hoan-thanh", "", NULL), 200);
    assert_int_equal(letters_where("kind = 'congratulation' AND occasion = 'birth' AND status = 'proposed' AND "
                                   "recipient_name = 'Nguyễn Thị Hồng Nhung'", b.id), 1);
    /* Phường Phan Đình Phùng hands them over at a ceremony: a slot at 09:00 */
    assert_int_equal(letters_where("ceremony_at IS NOT NULL AND delivery_method = 'ceremony' AND "
                                   "(ceremony_at + 7 * 3600) % 86400 = 9 * 3600", b.id), 1);
    /* the same event twice: the action is refused, still one letter */
    assert_int_equal(act(&desk, b.id, "hoan-thanh", "", NULL), 409);
    assert_int_equal(letters_where("1", b.id), 1);
    /* the applicant calls to say no after all: the letter not yet handed over is cancelled */
    assert_int_equal(act(&desk, b.id, "nhan-thu", "&letters_ok=maybe", NULL), 400);
    assert_int_equal(letters_where("status = 'proposed'", b.id), 1);
    assert_int_equal(act(&desk, b.id, "nhan-thu", "&letters_ok=0", NULL), 200);
    assert_int_equal(sql_int("SELECT letters_ok FROM dossiers WHERE id = %lld", (long long)b.id), 0);
    assert_int_equal(letters_where("status = 'cancelled' AND delivery_method = ''", b.id), 1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM audit_log WHERE action = 'dossier.letters' AND entity_id = %lld",
                             (long long)b.id), 1);
    assert_int_equal(act(&desk, b.id, "nhan-thu", "&letters_ok=1", NULL), 200);
    assert_int_equal(sql_int("SELECT letters_ok FROM dossiers WHERE id = %lld", (long long)b.id), 1);
    /* a death registration: condolence */
    intake_result dd;
    assert_int_equal(intake(&desk, death, NULL, &dd), 201);
    assert_int_equal(act(&desk, dd.id, "hoan-thanh", "", NULL), 200);
    assert_int_equal(letters_where("kind = 'condolence' AND occasion = 'death'", dd.id), 1);
    /* a procedure the catalogue gives no letter: none */
    intake_result o;
    assert_int_equal(intake(&desk, other, NULL, &o), 201);
    assert_int_equal(act(&desk, o.id, "hoan-thanh", "", NULL), 200);
    assert_int_equal(letters_where("1", o.id), 0);
    /* "do not send" at intake is kept and respected */
    intake_result no;
    assert_int_equal(intake(&desk, birth, "&no_letters=1", &no), 201);
    assert_int_equal(sql_int("SELECT letters_ok FROM dossiers WHERE id = %lld", (long long)no.id), 0);
    assert_int_equal(act(&desk, no.id, "hoan-thanh", "", NULL), 200);
    assert_int_equal(letters_where("1", no.id), 0);
    char path[64];
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)no.id);
    response r = request("GET", path, NULL, desk.cookie, NULL);
    assert_contains(r.body, "không muốn nhận thư chúc mừng");
    response_free(&r);
    /* a late dossier's apology: an apology letter with the reason, even for one who declined */
    intake_result late;
    assert_int_equal(intake(&desk, other, "&no_letters=1", &late), 201);
    clock_advance(sql_int("SELECT due_at FROM dossiers WHERE id = %lld", (long long)late.id) + 86400 - server_now());
    sign_in("canbo1", &desk);
    char latest[11], form[128];
    apology_latest(&desk, late.id, latest);
    snprintf(form, sizeof form, "&reason=Ch%%E1%%BB%%9D+x%%C3%%A1c+minh&new_due_date=%s", latest);
    assert_int_equal(act(&desk, late.id, "xin-loi", form, NULL), 200);
    assert_int_equal(letters_where("kind = 'apology' AND occasion = 'late' AND detail = 'Chờ xác minh' AND "
                                   "new_due_at > old_due_at", late.id), 1);
    clock_reset();
    /* the catalogue says which procedures propose which letter: the procedure page shows it */
    snprintf(path, sizeof path, "/thu-tuc/%lld", (long long)birth);
    r = get(path);
    assert_contains(r.body, "Thư chúc mừng khai sinh");
    response_free(&r);
}

/* `thanthien report letters` against the same counts made independently in SQL. */
static void report_letters_command(void **state)
{
    (void)state;
    static const char *const kinds[] = {"apology", "thanks", "congratulation", "condolence"};
    /* last year: the demo's two years of history cover all of it */
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char year[8];
    snprintf(year, sizeof year, "%d", tm.tm_year + 1900 - 1);
    for (int pass = 0; pass < 2; pass++) {
        char out[320];
        snprintf(out, sizeof out, "%s/report.out", dir);
        char *argv[] = {(char *)bin, "report", "letters", "--db", dbpath, "--year", year,
                        pass ? "--unit" : NULL, "05443", NULL};
        assert_int_equal(run(out, argv, NULL), 0);
        char *text = slurp(out);
        for (int k = 0; k < 4; k++) {
            /* delivered that year, Vietnam time (UTC+7) */
            int64_t n = sql_int("SELECT COUNT(*) FROM letters l JOIN units u ON u.id = l.unit_id WHERE l.kind = '%s' "
                                "AND l.status = 'delivered' AND strftime('%%Y', l.delivered_at + 7 * 3600, 'unixepoch') "
                                "= '%s' AND (%d = 0 OR u.code = '05443')", kinds[k], year, pass);
            char line[64];
            snprintf(line, sizeof line, "%s\t%lld\n", kinds[k], (long long)n);
            assert_contains(text, line);
            assert_true(n > 0);   /* the demo delivered some of each kind that year */
        }
        free(text);
    }
    char *bad[] = {(char *)bin, "report", "letters", "--db", dbpath, "--year", year, "--unit", "99999", NULL};
    assert_int_equal(run("/dev/null", bad, NULL), 2);
    char *noyear[] = {(char *)bin, "report", "letters", "--db", dbpath, NULL};
    assert_int_equal(run("/dev/null", noyear, NULL), 2);
}

/* The recipient's link token of a letter, read from the database. */
static void letter_token(int64_t id, char *out, size_t n)
{
    sqlite3 *d;
    sqlite3_stmt *st;
    out[0] = '\0';
    assert_int_equal(sqlite3_open_v2(dbpath, &d, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(d, "SELECT token FROM letters WHERE id = ?", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(d);
    assert_true(out[0] != '\0');
}

static long post_letter(session *s, const char *fields, response *out)
{
    char body[2048];
    snprintf(body, sizeof body, "_csrf=%s%s", s->csrf, fields);
    response r = request("POST", "/thu", body, s->cookie, "Accept: application/json");
    long status = r.status;
    if (out) *out = r;
    else response_free(&r);
    return status;
}

/* A thanks letter written by staff: saved, listed, filtered, printed, delivered, its public
 * copy; refused input saves nothing; another commune sees none of it. */
static void letters_written_by_staff(void **state)
{
    (void)state;
    session lead, other;
    sign_in("lanhdao1", &lead);
    sign_in("canbo2", &other);
    int64_t before = sql_int("SELECT COUNT(*) FROM letters");
    /* a missing name: 400, the message beside the field, nothing saved */
    char body[2048];
    snprintf(body, sizeof body, "_csrf=%s&occasion=contribution&recipient_name=&detail=%s", lead.csrf,
             enc("Hiến 40 m² đất mở rộng ngõ 7"));
    response r = request("POST", "/thu", body, lead.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "id=\"recipient_name-error\"");
    assert_contains(r.body, "Nhập họ tên người nhận thư.");
    assert_contains(r.body, "Hiến 40 m² đất mở rộng ngõ 7");   /* what was typed is kept */
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letters"), before);
    /* an occasion staff may not write (apologies come from dossiers): refused too */
    snprintf(body, sizeof body, "&occasion=late&recipient_name=%s", enc("Trịnh Văn Bảo"));
    assert_int_equal(post_letter(&lead, body, NULL), 400);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letters"), before);

    /* the letter itself */
    snprintf(body, sizeof body, "&occasion=contribution&recipient_name=%s&recipient_sex=male"
             "&recipient_email=bao.tv%%40example.vn&detail=%s", enc("Trịnh Văn Bảo"), enc("Hiến 40 m² đất mở rộng ngõ 7"));
    assert_int_equal(post_letter(&lead, body, &r), 201);
    json_t *j = json_loads(r.body, 0, NULL);
    int64_t id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    response_free(&r);
    assert_true(id > 0);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letters WHERE id = %lld AND kind = 'thanks' AND status = 'proposed' "
                             "AND source = 'manual' AND recipient_name = 'Trịnh Văn Bảo'", (long long)id), 1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letters"), before + 1);

    /* the list finds it by the name without diacritics, filtered by kind; not under another kind */
    r = request("GET", "/thu?loai=thanks&q=trinh+van+bao", NULL, lead.cookie, "Accept: application/json");
    assert_status(r, 200);
    j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "letters"), 0), "id")), id);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "proposed")), 1);
    json_decref(j);
    response_free(&r);
    r = request("GET", "/thu?loai=condolence&q=trinh+van+bao", NULL, lead.cookie, "Accept: application/json");
    j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
    json_decref(j);
    response_free(&r);
    r = request("GET", "/thu?loai=thanks&q=Tr%E1%BB%8Bnh", NULL, lead.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Trịnh Văn Bảo");
    assert_contains(r.body, "name=\"id\" value=\"");   /* a checkbox to print it */
    response_free(&r);

    /* its page and its PDF; another commune's officer gets neither */
    char path[160];
    snprintf(path, sizeof path, "/thu/%lld", (long long)id);
    r = request("GET", path, NULL, lead.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Hiến 40 m² đất mở rộng ngõ 7");
    assert_contains(r.body, "/trao\"");
    response_free(&r);
    r = request("GET", path, NULL, other.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    snprintf(path, sizeof path, "/thu/%lld.pdf", (long long)id);
    r = request("GET", path, NULL, lead.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.headers, "application/pdf");
    char *text = pdf_text(&r, "letter");
    assert_contains(text, "Trịnh Văn Bảo");
    free(text);
    response_free(&r);
    r = request("GET", path, NULL, other.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);

    /* printing a selection: two letters, two pages; a letter of another commune is refused */
    int64_t second = sql_int("SELECT l.id FROM letters l JOIN units u ON u.id = l.unit_id WHERE u.code = '05443' "
                             "AND l.id <> %lld ORDER BY l.id LIMIT 1", (long long)id);
    int64_t foreign = sql_int("SELECT l.id FROM letters l JOIN units u ON u.id = l.unit_id WHERE u.code = '05602' LIMIT 1");
    assert_true(second > 0 && foreign > 0);
    snprintf(body, sizeof body, "_csrf=%s&id=%lld&id=%lld", lead.csrf, (long long)id, (long long)second);
    r = request("POST", "/thu/in", body, lead.cookie, NULL);
    assert_status(r, 200);
    text = pdf_text(&r, "batch");
    assert_contains(text, "Trịnh Văn Bảo");
    assert_true(pages(text) == 2);
    free(text);
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&id=%lld&id=%lld", lead.csrf, (long long)id, (long long)foreign);
    r = request("POST", "/thu/in", body, lead.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s", lead.csrf);
    r = request("POST", "/thu/in", body, lead.cookie, NULL);
    assert_status(r, 400);
    response_free(&r);
    /* printing by the filters: this one letter; the whole demo is more than one print run */
    r = request("GET", "/thu/in.pdf?loai=thanks&q=trinh+van+bao", NULL, lead.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.headers, "application/pdf");
    response_free(&r);
    r = request("GET", "/thu/in.pdf", NULL, lead.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "hơn 500 thư");
    response_free(&r);

    /* the recipient's copy: nothing before an electronic delivery, the letter after it */
    char token[64], pub[128];
    letter_token(id, token, sizeof token);
    snprintf(pub, sizeof pub, "/thu/x/%s.pdf", token);
    r = get(pub);
    assert_status(r, 404);
    assert_contains(r.body, "Không tìm thấy thư");
    response_free(&r);
    r = get("/thu/x/00000000000000000000000000000000.pdf");
    assert_status(r, 404);
    response_free(&r);
    /* a delivery by post needs its tracking number: refused, still proposed */
    snprintf(path, sizeof path, "/thu/%lld/trao", (long long)id);
    snprintf(body, sizeof body, "_csrf=%s&method=post&postal_tracking=", lead.csrf);
    r = request("POST", path, body, lead.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "govuk-error-summary");
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letters WHERE id = %lld AND status = 'proposed'", (long long)id), 1);
    snprintf(body, sizeof body, "_csrf=%s&method=electronic&note=%s", lead.csrf, enc("Gửi qua thư điện tử"));
    r = request("POST", path, body, lead.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letters WHERE id = %lld AND status = 'delivered' AND "
                             "delivery_method = 'electronic'", (long long)id), 1);
    r = get(pub);
    assert_status(r, 200);
    assert_contains(r.headers, "application/pdf");
    text = pdf_text(&r, "public");
    assert_contains(text, "Trịnh Văn Bảo");
    free(text);
    response_free(&r);
    /* the staff page shows the link it was sent; a delivered letter is not delivered again */
    snprintf(path, sizeof path, "/thu/%lld", (long long)id);
    r = request("GET", path, NULL, lead.cookie, NULL);
    assert_contains(r.body, pub);
    assert_lacks(r.body, "/trao\"");
    response_free(&r);
    snprintf(path, sizeof path, "/thu/%lld/trao", (long long)id);
    snprintf(body, sizeof body, "_csrf=%s&method=home", lead.csrf);
    r = request("POST", path, body, lead.cookie, "Accept: application/json");
    assert_status(r, 409);
    response_free(&r);
}

static int64_t own_templates(const char *occasion)
{
    return sql_int("SELECT COUNT(*) FROM letter_templates t JOIN units u ON u.id = t.unit_id WHERE u.code = '05443' "
                   "AND t.occasion = '%s'", occasion);
}

/* The template editor: an unknown placeholder is refused and nothing saved; the preview
 * says why; a good template is saved, shown again, and dropped by "back to the default". */
static void letter_template_editor(void **state)
{
    (void)state;
    session lead;
    sign_in("lanhdao1", &lead);
    assert_int_equal(own_templates("marriage"), 0);
    response r = request("GET", "/thu/mau", NULL, lead.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "/thu/mau/marriage");
    response_free(&r);
    r = request("GET", "/thu/mau/marriage", NULL, lead.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "{{recipient}}");   /* the placeholder list */
    assert_contains(r.body, "data-preview=\"/thu/mau/marriage/xem-truoc\"");
    response_free(&r);
    r = request("GET", "/thu/mau/khong-co", NULL, lead.cookie, NULL);
    assert_status(r, 404);
    response_free(&r);

    char body[2048];
    const char *bad = "Chúc mừng {{recipient}} và {{khong_co}}.";
    snprintf(body, sizeof body, "_csrf=%s&title=%s&greeting=%s&body=%s&closing=%s", lead.csrf, enc("THƯ CHÚC MỪNG"),
             enc("Kính gửi: {{recipient}}"), enc(bad), enc("Trân trọng!"));
    /* the preview: not ok, the body at fault, the words still shown */
    r = request("POST", "/thu/mau/marriage/xem-truoc", body, lead.cookie, "Accept: application/json");
    assert_status(r, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_true(json_is_false(json_object_get(j, "ok")));
    assert_string_equal(json_string_value(json_object_get(j, "field")), "body");
    assert_non_null(strstr(json_string_value(json_object_get(j, "error")), "không hợp lệ: {{khong_co}}"));
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "words"), "body")), "{{khong_co}}"));
    json_decref(j);
    response_free(&r);
    /* saving it: 400, the form again with what was typed, nothing saved */
    r = request("POST", "/thu/mau/marriage", body, lead.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "govuk-error-summary");
    assert_contains(r.body, "id=\"body-error\">Mẫu thư có chỗ điền không hợp lệ: {{khong_co}}.");
    assert_contains(r.body, "Chúc mừng {{recipient}} và {{khong_co}}.</textarea>");   /* as typed */
    response_free(&r);
    assert_int_equal(own_templates("marriage"), 0);
    r = request("POST", "/thu/mau/marriage", body, lead.cookie, "Accept: application/json");
    assert_status(r, 400);
    response_free(&r);
    assert_int_equal(own_templates("marriage"), 0);

    /* a good one: the preview fills the placeholders, the save keeps it */
    const char *good = "Chúc mừng {{recipient}} nên duyên.\n\n# Trăm năm hạnh phúc";
    snprintf(body, sizeof body, "_csrf=%s&title=%s&greeting=%s&body=%s&closing=%s", lead.csrf, enc("THƯ CHÚC MỪNG"),
             enc("Kính gửi: {{recipient}}"), enc(good), enc("Trân trọng!"));
    r = request("POST", "/thu/mau/marriage/xem-truoc", body, lead.cookie, "Accept: application/json");
    j = json_loads(r.body, 0, NULL);
    assert_true(json_is_true(json_object_get(j, "ok")));
    const char *shown = json_string_value(json_object_get(json_object_get(j, "words"), "body"));
    assert_non_null(strstr(shown, "nên duyên"));
    assert_null(strstr(shown, "{{"));
    json_decref(j);
    response_free(&r);
    r = request("POST", "/thu/mau/marriage/xem-truoc?pdf=1", body, lead.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.headers, "application/pdf");
    char *text = pdf_text(&r, "preview");
    assert_contains(text, "Trăm năm hạnh phúc");
    free(text);
    response_free(&r);
    r = request("POST", "/thu/mau/marriage", body, lead.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(own_templates("marriage"), 1);
    r = request("GET", "/thu/mau/marriage", NULL, lead.cookie, NULL);
    assert_contains(r.body, "nên duyên");
    assert_contains(r.body, "Mẫu riêng của đơn vị");
    response_free(&r);
    /* back to the default */
    snprintf(body, sizeof body, "_csrf=%s", lead.csrf);
    r = request("POST", "/thu/mau/marriage/mac-dinh", body, lead.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(own_templates("marriage"), 0);
}

/* The yearly counts by kind and month: the same numbers as SQL, as a page, as JSON, through
 * the API; another commune's counts are not the leader's to read. */
static void letter_counts_page_and_json(void **state)
{
    (void)state;
    session lead;
    sign_in("lanhdao1", &lead);
    static const char *const kinds[] = {"apology", "thanks", "congratulation", "condolence"};
    response r = request("GET", "/thu/thong-ke?nam=2025", NULL, lead.cookie, "Accept: application/json");
    assert_status(r, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "year")), 2025);
    assert_string_equal(json_string_value(json_object_get(j, "unit_code")), "05443");
    json_t *ks = json_object_get(j, "kinds");
    assert_int_equal(json_array_size(ks), 4);
    int64_t all = 0;
    for (size_t k = 0; k < 4; k++) {
        json_t *o = json_array_get(ks, k);
        assert_string_equal(json_string_value(json_object_get(o, "kind")), kinds[k]);
        int64_t n = sql_int("SELECT COUNT(*) FROM letters l JOIN units u ON u.id = l.unit_id WHERE u.code = '05443' AND "
                            "l.kind = '%s' AND l.status = 'delivered' AND strftime('%%Y', l.delivered_at + 7 * 3600, "
                            "'unixepoch') = '2025'", kinds[k]);
        assert_int_equal(json_integer_value(json_object_get(o, "total")), n);
        int64_t months = 0;
        for (size_t m = 0; m < 12; m++) months += json_integer_value(json_array_get(json_object_get(o, "months"), m));
        assert_int_equal(months, n);
        all += n;
    }
    assert_true(all > 0);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), all);
    json_decref(j);
    response_free(&r);
    /* the page: the same total */
    r = request("GET", "/thu/thong-ke?nam=2025", NULL, lead.cookie, NULL);
    assert_status(r, 200);
    char total[64];
    snprintf(total, sizeof total, "id=\"tt-letters-total\">%lld<", (long long)all);
    assert_contains(r.body, total);
    response_free(&r);
    /* the API's spelling */
    r = request("GET", "/api/v1/letters/stats?year=2025&unit=05443", NULL, lead.cookie, NULL);
    assert_status(r, 200);
    j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), all);
    json_decref(j);
    response_free(&r);
    /* not another commune's, not anonymously, not a year that is no year */
    r = request("GET", "/api/v1/letters/stats?year=2025&unit=05602", NULL, lead.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    r = request("GET", "/thu/thong-ke?don_vi=05602", NULL, lead.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    r = get("/api/v1/letters/stats?year=2025");
    assert_status(r, 401);
    response_free(&r);
    r = request("GET", "/thu/thong-ke?nam=hai-nghin", NULL, lead.cookie, NULL);
    assert_status(r, 400);
    response_free(&r);
    /* the dashboard shows this year's counts with a link to the page */
    r = request("GET", "/bang-dieu-khien", NULL, lead.cookie, NULL);
    assert_contains(r.body, "tt-dashboard-letters");
    assert_contains(r.body, "href=\"/thu/thong-ke\"");
    response_free(&r);
}

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
    sign_in("canbo1", &desk);
    assert_true(list_total(&desk, "") > 10);
    assert_int_equal(list_total(&desk, "q=%25"), 0);
    assert_int_equal(list_total(&desk, "q=_"), 0);
    assert_int_equal(list_total(&desk, "q=n_uyen"), 0);
    /* a name that holds them is found by them (a delivered letter: a stale proposal is listed
     * only when asked for) */
    int64_t id = sql_int("SELECT MIN(l.id) FROM letters l JOIN units u ON u.id = l.unit_id WHERE u.code = '05443' "
                         "AND l.status = 'delivered'");
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
    sign_in("admin", &admin);
    char body[512];
    snprintf(body, sizeof body, "_csrf=%s&username=canbo.tinh&full_name=L%%C3%%AA+V%%C4%%83n+T%%E1%%BB%%89nh"
             "&role=officer&don_vi=19&password=mat-khau-du-dai", admin.csrf);
    response r = request("POST", "/quan-tri/nguoi-dung", body, admin.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(login("canbo.tinh", "mat-khau-du-dai", &officer), 303);
    /* one of the commune's letters: its own page is refused */
    int64_t child = sql_int("SELECT MIN(l.id) FROM letters l JOIN units u ON u.id = l.unit_id WHERE u.code = '05443' "
                            "AND l.status = 'delivered'");
    char path[128];
    snprintf(path, sizeof path, "/thu/%lld", (long long)child);
    r = request("GET", path, NULL, officer.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    snprintf(path, sizeof path, "/thu/%lld.pdf", (long long)child);
    r = request("GET", path, NULL, officer.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    /* so neither the list nor printing by filter shows it */
    int64_t own = sql_int("SELECT COUNT(*) FROM letters l JOIN units u ON u.id = l.unit_id WHERE u.code = '19'");
    assert_int_equal(list_total(&officer, ""), own);
    r = request("GET", "/thu/in.pdf?trang_thai=delivered", NULL, officer.cookie, NULL);
    assert_status(r, own ? 200 : 404);
    response_free(&r);
    /* the administrator sees the whole province, in the list and on paper */
    assert_true(list_total(&admin, "trang_thai=delivered&loai=thanks") > 0);
    r = request("GET", "/thu/in.pdf?trang_thai=delivered&loai=thanks", NULL, admin.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.headers, "application/pdf");
    response_free(&r);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Item 23 (first half): a template cannot turn a letter into a CPU bomb or a page of
 * garbage. {{detail}} six hundred times is refused when saved; one already in the table
 * (saved before the limit, or a parent's) is refused when printed, at once, alone or in a
 * batch; a long letter within the limit prints over pages; only leaders edit templates. */
static void letter_templates_are_bounded(void **state)
{
    (void)state;
    session lead, desk;
    sign_in("lanhdao1", &lead);
    sign_in("canbo1", &desk);
    static char bomb[6200], body[32768];
    bomb[0] = '\0';
    for (int i = 0; i < 600; i++) strcat(bomb, "{{detail}}");
    char *bomb_enc = curl_easy_escape(NULL, bomb, 0);   /* longer than enc()'s buffers */
    snprintf(body, sizeof body, "_csrf=%s&title=%s&greeting=%s&body=%s&closing=%s", lead.csrf, enc("THƯ CẢM ƠN"),
             enc("Kính gửi: {{recipient}}"), bomb_enc, enc("Trân trọng!"));
    curl_free(bomb_enc);
    response r = request("POST", "/thu/mau/feedback", body, lead.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Mẫu thư có quá nhiều chỗ điền (tối đa 40).");
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letter_templates WHERE occasion = 'feedback'"), 0);
    /* an officer may read the templates but not change them */
    snprintf(body, sizeof body, "_csrf=%s&title=%s&greeting=%s&body=%s&closing=%s", desk.csrf, enc("THƯ CẢM ƠN"),
             enc("Kính gửi: {{recipient}}"), enc("Cảm ơn {{recipient}}."), enc("Trân trọng!"));
    r = request("POST", "/thu/mau/feedback", body, desk.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    r = request("POST", "/thu/mau/feedback/xem-truoc", body, desk.cookie, "Accept: application/json");
    assert_status(r, 403);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letter_templates WHERE occasion = 'feedback'"), 0);
    r = request("GET", "/thu/mau/feedback", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Chỉ lãnh đạo đơn vị mới được sửa mẫu thư.");
    assert_lacks(r.body, "id=\"tt-save\"");
    response_free(&r);

    /* the bomb as it may sit in the table already, with a 2000-character detail */
    int64_t unit = sql_int("SELECT id FROM units WHERE code = '05443'");
    snprintf(body, sizeof body, "_csrf=%s&occasion=feedback&recipient_name=%s&recipient_sex=male&detail=%s", desk.csrf,
             enc("Đỗ Văn Bình"), enc("góp ý"));
    r = request("POST", "/thu", body, desk.cookie, "Accept: application/json");
    assert_status(r, 201);
    json_t *made = json_loads(r.body, 0, NULL);
    int64_t id = json_integer_value(json_object_get(made, "id"));
    json_decref(made);
    response_free(&r);
    assert_true(id > 0);
    sql_int("INSERT INTO letter_templates (unit_id, occasion, title, greeting, body, closing, updated_at) VALUES "
            "(%lld, 'feedback', 'THƯ CẢM ƠN', 'Kính gửi: {{recipient}}', replace(hex(zeroblob(600)), '00', '{{detail}}'), "
            "'Trân trọng!', 0)", (long long)unit);
    /* 1988 characters, within the 2000 a detail may have */
    sql_int("UPDATE letters SET detail = replace(hex(zeroblob(180)), '00', 'góp ý chân ') || 'cuoicung', "
            "created_at = strftime('%%s', 'now') WHERE id = %lld", (long long)id);
    assert_int_equal(sql_int("SELECT length(detail) FROM letters WHERE id = %lld", (long long)id), 1988);
    char path[128];
    snprintf(path, sizeof path, "/thu/%lld.pdf", (long long)id);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 422);
    assert_contains(r.body, "Thư quá dài để in");
    response_free(&r);
    assert_true(seconds_since(&t0) < 2.0);
    /* in a batch: the whole batch is refused, nothing printed wrong */
    snprintf(body, sizeof body, "_csrf=%s&id=%lld", desk.csrf, (long long)id);
    r = request("POST", "/thu/in", body, desk.cookie, NULL);
    assert_status(r, 422);
    response_free(&r);
    /* nor is it handed over (its words would be frozen that way) */
    snprintf(path, sizeof path, "/thu/%lld/trao", (long long)id);
    snprintf(body, sizeof body, "_csrf=%s&method=home", desk.csrf);
    r = request("POST", path, body, desk.cookie, "Accept: application/json");
    assert_status(r, 422);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letters WHERE id = %lld AND status = 'proposed'", (long long)id), 1);

    /* within the limits: four times the detail is a long letter, printed over pages in order */
    sql_int("UPDATE letter_templates SET body = 'Lần một: {{detail}}.\n\nLần hai: {{detail}}.\n\nLần ba: {{detail}}.\n\n"
            "Lần bốn: {{detail}}. Hết thư.' WHERE unit_id = %lld AND occasion = 'feedback'", (long long)unit);
    snprintf(path, sizeof path, "/thu/%lld.pdf", (long long)id);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = request("GET", path, NULL, desk.cookie, NULL);
    double took = seconds_since(&t0);
    assert_status(r, 200);
    char *text = pdf_text(&r, "long-letter");
    response_free(&r);
    assert_true(pages(text) >= 2);
    const char *one = strstr(text, "Lần một"), *four = strstr(text, "Lần bốn"), *end = strstr(text, "Hết thư");
    assert_non_null(one);
    assert_non_null(four);
    assert_non_null(end);
    assert_true(one < four && four < end);
    assert_non_null(strstr(four, "cuoicung"));
    /* lines of the body, not one overprinted line: no line of the text is longer than a page is wide */
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        assert_true(n < 400);
        line += n + (nl ? 1 : 0);
    }
    free(text);
    assert_true(took < 20.0);   /* the sanitizer build; about 0.1 s without it */
    sql_int("DELETE FROM letter_templates WHERE occasion = 'feedback'");
}

/* Proposed congratulations and condolences whose event is more than 30 days old, counted in
 * SQL from what staff see: the event's day when known, else the day the letter was proposed. */
#define STALE_SQL "status = 'proposed' AND kind IN ('congratulation', 'condolence') AND unit_id = " \
                  "(SELECT id FROM units WHERE code = '05443') AND CASE WHEN event_date <> '' THEN " \
                  "strftime('%%s', event_date) + 5 * 3600 ELSE created_at END < strftime('%%s', 'now') - 30 * 86400"

static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

/* Item 1: a proposal has its event's age; past the unit's limit (30 days by default) it is
 * "quá hạn trao": not in the lists or the batches unless chosen, counted apart in reports. */
static void stale_letters_of_care(void **state)
{
    (void)state;
    session desk, lead;
    sign_in("canbo1", &desk);
    sign_in("lanhdao1", &lead);
    int64_t stale = sql_int("SELECT COUNT(*) FROM letters WHERE " STALE_SQL);
    int64_t proposed = sql_int("SELECT COUNT(*) FROM letters WHERE status = 'proposed' AND unit_id = "
                               "(SELECT id FROM units WHERE code = '05443')");
    int64_t all = sql_int("SELECT COUNT(*) FROM letters WHERE unit_id = (SELECT id FROM units WHERE code = '05443')");
    assert_true(stale > 0);   /* the demo holds proposals from December 2024 */
    assert_int_equal(list_total(&desk, "trang_thai=stale"), stale);
    assert_int_equal(list_total(&desk, "trang_thai=proposed"), proposed - stale);
    assert_int_equal(list_total(&desk, ""), all - stale);
    /* the batch of condolences waiting: none for a death long past, none dated today for 2024 */
    int64_t waiting = list_total(&desk, "trang_thai=proposed&loai=condolence");
    response r = request("GET", "/thu/in.pdf?trang_thai=proposed&loai=condolence", NULL, desk.cookie, NULL);
    if (waiting) {
        assert_status(r, 200);
        char *text = pdf_text(&r, "waiting-condolences");
        assert_int_equal(count_of(text, "THƯ CHIA BUỒN"), waiting);
        assert_null(strstr(text, "năm 2024"));
        free(text);
    } else {
        assert_status(r, 404);
    }
    response_free(&r);
    /* chosen by name, the stale ones print: the filter, or one letter */
    r = request("GET", "/thu/in.pdf?trang_thai=stale&loai=condolence", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    response_free(&r);
    int64_t old = sql_int("SELECT MIN(id) FROM letters WHERE kind = 'condolence' AND " STALE_SQL);
    assert_true(old > 0);
    char path[128];
    snprintf(path, sizeof path, "/thu/%lld", (long long)old);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Quá hạn trao");
    assert_contains(r.body, "Thư đã quá hạn trao");
    response_free(&r);
    snprintf(path, sizeof path, "/thu/%lld.pdf", (long long)old);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    response_free(&r);

    /* a fresh result is waiting; typed in as a birth 40 days ago it is stale */
    session s = desk;
    intake_result b;
    assert_int_equal(intake(&s, sql_int("SELECT id FROM procedures WHERE code = '1.001193'"), NULL, &b), 201);
    assert_int_equal(act(&s, b.id, "hoan-thanh", "", NULL), 200);
    int64_t fresh = sql_int("SELECT id FROM letters WHERE dossier_id = %lld", (long long)b.id);
    assert_int_equal(list_total(&desk, "trang_thai=stale"), stale);
    time_t t = time(NULL) - 40 * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    char body[512];
    snprintf(body, sizeof body, "_csrf=%s&recipient_name=%s&person=%s&event_date=%02d%%2F%02d%%2F%04d", desk.csrf,
             enc("Nguyễn Thị Hồng Nhung"), enc("Trần Gia Bảo"), tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
    snprintf(path, sizeof path, "/thu/%lld", (long long)fresh);
    r = request("POST", path, body, desk.cookie, "Accept: application/json");
    assert_status(r, 200);
    response_free(&r);
    assert_int_equal(list_total(&desk, "trang_thai=stale"), stale + 1);

    /* the limit is the unit's: a leader sets it; an officer may not; nonsense is refused */
    snprintf(body, sizeof body, "_csrf=%s&so_ngay=3650", desk.csrf);
    r = request("POST", "/thu/han-trao", body, desk.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&so_ngay=0", lead.csrf);
    r = request("POST", "/thu/han-trao", body, lead.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Thời hạn trao thư là số ngày từ 1 đến 3660.");
    response_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&so_ngay=3650", lead.csrf);
    r = request("POST", "/thu/han-trao", body, lead.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(list_total(&desk, "trang_thai=stale"), 0);
    snprintf(body, sizeof body, "_csrf=%s&so_ngay=30", lead.csrf);
    r = request("POST", "/thu/han-trao", body, lead.cookie, NULL);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(list_total(&desk, "trang_thai=stale"), stale + 1);

    /* the reports count them apart, by the year they went stale; never as delivered */
    time_t now = time(NULL);
    gmtime_r(&now, &tm);
    int year = tm.tm_year + 1900 - 1;
    int64_t went_stale = sql_int("SELECT COUNT(*) FROM letters WHERE kind = 'condolence' AND " STALE_SQL " AND "
                                 "strftime('%%Y', CASE WHEN event_date <> '' THEN strftime('%%s', event_date) + 5 * 3600 "
                                 "ELSE created_at END + 30 * 86400 + 7 * 3600, 'unixepoch') = '%d'", year);
    snprintf(path, sizeof path, "/api/v1/letters/stats?nam=%d&don_vi=05443", year);
    long st;
    json_t *j = get_json(&desk, path, &st);
    assert_int_equal(st, 200);
    json_t *row = json_array_get(json_object_get(j, "stale"), 1);
    assert_string_equal(json_string_value(json_object_get(row, "kind")), "condolence");
    assert_int_equal(json_integer_value(json_object_get(row, "total")), went_stale);
    json_decref(j);
    char out[320], y[8];
    snprintf(out, sizeof out, "%s/report.out", dir);
    snprintf(y, sizeof y, "%d", year);
    char *argv[] = {(char *)bin, "report", "letters", "--db", dbpath, "--year", y, "--unit", "05443", NULL};
    assert_int_equal(run(out, argv, NULL), 0);
    char *text = slurp(out), line[64];
    snprintf(line, sizeof line, "stale_condolence\t%lld\n", (long long)went_stale);
    assert_contains(text, line);
    free(text);
    snprintf(path, sizeof path, "/thu/thong-ke?nam=%d", year);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_contains(r.body, "quá hạn trao trong năm");
    response_free(&r);
}

/* The text of a PDF answer with every run of white space made one space (lines wrap). */
static char *flat_pdf_text(const response *r, const char *name)
{
    char *t = pdf_text(r, name), *o = t;
    bool space = false;
    for (const char *p = t; *p; p++) {
        bool ws = *p == ' ' || *p == '\n' || *p == '\f' || *p == '\r' || *p == '\t';
        if (ws && space) continue;
        *o++ = ws ? ' ' : *p;
        space = ws;
    }
    *o = '\0';
    return t;
}

static char *letter_pdf_of(const session *s, int64_t dossier, const char *name)
{
    int64_t id = sql_int("SELECT id FROM letters WHERE dossier_id = %lld", (long long)dossier);
    assert_true(id > 0);
    char path[64];
    snprintf(path, sizeof path, "/thu/%lld.pdf", (long long)id);
    response r = request("GET", path, NULL, s->cookie, NULL);
    assert_status(r, 200);
    char *text = flat_pdf_text(&r, name);
    response_free(&r);
    return text;
}

/* Item 3: letters read as letters. The applicant's sex is asked at intake, whom the result
 * names (the child, the deceased, the other spouse: name, sex, day) when it is recorded, and
 * the letter says Ông or Bà, names them, and greets both spouses. */
static void letters_say_ong_or_ba(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t birth = sql_int("SELECT id FROM procedures WHERE code = '1.001193'");
    int64_t death = sql_int("SELECT id FROM procedures WHERE code = '1.000656'");
    int64_t marriage = sql_int("SELECT id FROM procedures WHERE code = '1.000894'");
    char path[128], form[512], day[16];
    time_t t = time(NULL) - 5 * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    snprintf(day, sizeof day, "%02d%%2F%02d%%2F%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
    /* the intake form asks it; nonsense is refused and nothing saved */
    snprintf(path, sizeof path, "/tiep-nhan?thu_tuc=%lld", (long long)death);
    response r = request("GET", path, NULL, desk.cookie, NULL);
    assert_contains(r.body, "name=\"applicant_sex\" type=\"radio\" value=\"female\"");
    response_free(&r);
    int64_t before = sql_int("SELECT COUNT(*) FROM dossiers");
    assert_int_equal(intake(&desk, death, "&applicant_sex=x", NULL), 400);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers"), before);

    /* a death: the deceased, a woman, is "Bà" where the letter prays for her */
    intake_result dd;
    assert_int_equal(intake(&desk, death, "&applicant_sex=female", &dd), 201);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dossiers WHERE id = %lld AND applicant_sex = 'female'", (long long)dd.id), 1);
    snprintf(path, sizeof path, "/ho-so/%lld", (long long)dd.id);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_contains(r.body, "Họ và tên người đã mất");
    assert_contains(r.body, "name=\"result_person_sex\"");
    response_free(&r);
    /* a day in the future is refused, the dossier stays open */
    snprintf(form, sizeof form, "&result_person=%s&result_person_sex=female&result_event_date=01%%2F01%%2F2099",
             enc("Trần Thị Mai"));
    assert_int_equal(act(&desk, dd.id, "hoan-thanh", form, NULL), 400);
    assert_string_not_equal(status_of(&desk, dd.id), "done");
    assert_int_equal(sql_int("SELECT COUNT(*) FROM letters WHERE dossier_id = %lld", (long long)dd.id), 0);
    snprintf(form, sizeof form, "&result_person=%s&result_person_sex=female&result_event_date=%s", enc("Trần Thị Mai"), day);
    assert_int_equal(act(&desk, dd.id, "hoan-thanh", form, NULL), 200);
    char *text = letter_pdf_of(&desk, dd.id, "condolence");
    assert_contains(text, "Kính gửi: Gia đình Bà Nguyễn Thị Hồng Nhung");
    assert_contains(text, "tin buồn: Bà Trần Thị Mai đã từ trần vào ngày");
    assert_contains(text, "Cầu mong Bà Trần Thị Mai được yên nghỉ");
    assert_lacks(text, "Ông/Bà");
    assert_lacks(text, "ông/bà");
    assert_lacks(text, "………");
    free(text);

    /* a birth: the child's name and day, the father is "Ông" */
    intake_result b;
    assert_int_equal(intake(&desk, birth, "&applicant_sex=male", &b), 201);
    snprintf(form, sizeof form, "&result_person=%s&result_person_sex=male&result_event_date=%s", enc("Nguyễn Gia Huy"), day);
    assert_int_equal(act(&desk, b.id, "hoan-thanh", form, NULL), 200);
    text = letter_pdf_of(&desk, b.id, "birth");
    assert_contains(text, "Kính gửi: Gia đình Ông Nguyễn Thị Hồng Nhung");
    assert_contains(text, "cháu Nguyễn Gia Huy, sinh ngày");
    assert_lacks(text, "Ông/Bà");
    assert_lacks(text, "………");
    free(text);

    /* a marriage: addressed to both spouses */
    intake_result m;
    assert_int_equal(intake(&desk, marriage, "&applicant_sex=female", &m), 201);
    snprintf(form, sizeof form, "&result_person=%s&result_person_sex=male&result_event_date=%s", enc("Lê Văn Nam"), day);
    assert_int_equal(act(&desk, m.id, "hoan-thanh", form, NULL), 200);
    text = letter_pdf_of(&desk, m.id, "marriage");
    assert_contains(text, "Kính gửi: Bà Nguyễn Thị Hồng Nhung và Ông Lê Văn Nam");
    assert_contains(text, "Bà Nguyễn Thị Hồng Nhung và Ông Lê Văn Nam đã đăng ký kết hôn ngày");
    assert_lacks(text, "Ông/Bà");
    assert_lacks(text, "………");
    free(text);

    /* a letter whose recipient's sex nobody recorded is not handed over as "Ông/Bà" */
    snprintf(form, sizeof form, "_csrf=%s&occasion=feedback&recipient_name=%s&detail=%s", desk.csrf, enc("Phạm Minh Châu"),
             enc("góp ý sửa đèn đường"));
    r = request("POST", "/thu", form, desk.cookie, "Accept: application/json");
    assert_status(r, 201);
    json_t *j = json_loads(r.body, 0, NULL);
    int64_t id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    response_free(&r);
    snprintf(path, sizeof path, "/thu/%lld/trao", (long long)id);
    snprintf(form, sizeof form, "_csrf=%s&method=home", desk.csrf);
    r = request("POST", path, form, desk.cookie, NULL);
    assert_status(r, 400);
    assert_contains(r.body, "Chọn người nhận là Ông hay Bà (giới tính) trước khi trao.");
    assert_contains(r.body, "<option value=\"female\" >Bà (nữ)</option>");
    response_free(&r);
    snprintf(path, sizeof path, "/thu/%lld", (long long)id);
    snprintf(form, sizeof form, "_csrf=%s&recipient_name=%s&recipient_sex=female&detail=%s", desk.csrf,
             enc("Phạm Minh Châu"), enc("góp ý sửa đèn đường"));
    r = request("POST", path, form, desk.cookie, "Accept: application/json");
    assert_status(r, 200);
    response_free(&r);
    snprintf(path, sizeof path, "/thu/%lld/trao", (long long)id);
    snprintf(form, sizeof form, "_csrf=%s&method=home", desk.csrf);
    r = request("POST", path, form, desk.cookie, "Accept: application/json");
    assert_status(r, 200);
    response_free(&r);
    snprintf(path, sizeof path, "/thu/%lld.pdf", (long long)id);
    r = request("GET", path, NULL, desk.cookie, NULL);
    text = flat_pdf_text(&r, "thanks");
    response_free(&r);
    assert_contains(text, "Kính gửi: Bà Phạm Minh Châu");
    assert_lacks(text, "Ông/Bà");
    free(text);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(letters_follow_dossier_events),
        cmocka_unit_test(report_letters_command),
        cmocka_unit_test(letters_written_by_staff),
        cmocka_unit_test(letter_template_editor),
        cmocka_unit_test(letter_counts_page_and_json),
        cmocka_unit_test(letter_search_is_literal),
        cmocka_unit_test(batch_by_filter_has_one_scope),
        cmocka_unit_test(letter_templates_are_bounded),
        cmocka_unit_test(stale_letters_of_care),
        cmocka_unit_test(letters_say_ong_or_ba),
    };
    int failed = cmocka_run_group_tests_name("letters", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
