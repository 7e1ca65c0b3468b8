/* test_letter_words.c -- the words of letters of care and their printing, against real parts:
 * a migrated SQLite file with a province, two communes and a department (leaders and hamlets
 * as the demo has them), letters made and delivered through letter.c, and the PDFs read back
 * with pdftotext and pdfinfo, as a reader's tools see them.
 *
 * Words: every built-in default is a valid template and renders without a leftover
 * placeholder; a template naming an unknown placeholder is refused with the field and the
 * placeholder named and nothing is saved; a unit's own template wins over its province's,
 * which wins over the default; reset falls back. Printing: the layout of an official letter
 * (national motto, the council and its place, title, greeting, signature as Decree 30 has a
 * Ủy ban nhân dân sign), one page a letter, a batch numbered letter by letter, and a
 * delivered letter printing its frozen words whatever the template says later. Set
 * TT_KEEP_LETTERS=1 to keep the PDFs (their directory is printed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../src/account/account.h"
#include "../../src/core/arena.h"
#include "../../src/letter/letter.h"
#include "../../src/letter/letter_impl.h"
#include "../../src/print/print.h"
#include "../../src/store/db.h"
#include "testdir.h"
#include "testutil.h"

static char pdf_dir[256];   /* the PDFs of this run */
static int counter;

typedef struct {
    char dir[64], path[160];
    db *d;
    arena *a;
    int64_t province, commune, commune2, dept;
} fixture;

/* ---- helpers ---------------------------------------------------------------------------------- */

#define assert_has(hay, needle)                                                            \
    do {                                                                                   \
        if (!strstr((hay), (needle))) {                                                    \
            print_error("missing \"%s\" in:\n%s\n", (needle), (hay));                      \
            fail();                                                                        \
        }                                                                                  \
    } while (0)
#define assert_lacks(hay, needle)                                                          \
    do {                                                                                   \
        if (strstr((hay), (needle))) {                                                     \
            print_error("unexpected \"%s\" in:\n%s\n", (needle), (hay));                   \
            fail();                                                                        \
        }                                                                                  \
    } while (0)

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/thanthien-letter-XXXXXX");
    if (!mkdtemp(fx->dir)) return -1;
    snprintf(fx->path, sizeof fx->path, "%s/t%d.db", fx->dir, counter++);
    err e = {0};
    fx->d = db_open(fx->path, &e);
    if (!fx->d || db_migrate(fx->d, &e) != 0) {
        fprintf(stderr, "setup: %s %s\n", e.user, e.log);
        return -1;
    }
    db *d = fx->d;
    fx->province = test_add_unit(d, "19", "province", "Tỉnh Thái Nguyên", 0);
    fx->commune = test_add_unit(d, "05443", "commune", "Phường Phan Đình Phùng", fx->province);
    fx->commune2 = test_add_unit(d, "05602", "commune", "Xã Phú Đình", fx->province);
    fx->dept = test_add_unit(d, "19-SNV", "department", "Sở Nội vụ tỉnh Thái Nguyên", fx->province);
    if (account_leader_add(d, fx->commune, "Lê Minh Tuấn", "Chủ tịch UBND phường", "", 0) != DB_DONE ||
        account_leader_add(d, fx->commune, "Phạm Thị Hương", "Phó Chủ tịch UBND phường", "", 1) != DB_DONE ||
        account_leader_add(d, fx->commune2, "Ma Văn Thành", "Chủ tịch UBND xã", "", 0) != DB_DONE ||
        account_leader_add(d, fx->province, "Nguyễn Văn Hùng", "Chủ tịch UBND tỉnh", "", 0) != DB_DONE ||
        account_leader_add(d, fx->dept, "Đặng Quốc Khánh", "Giám đốc Sở Nội vụ", "", 0) != DB_DONE ||
        account_hamlet_add(d, fx->commune, "Tổ dân phố 1", 320, 900) != DB_DONE ||
        account_hamlet_add(d, fx->commune2, "Xóm Tỉn Keo", 120, 400) != DB_DONE)
        return -1;
    fx->a = arena_new();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    db_close(fx->d);
    arena_free(fx->a);
    testdir_remove(fx->dir);
    free(fx);
    return 0;
}

static int64_t count(db *d, const char *sql)
{
    db_stmt *s = db_prepare(d, sql);
    int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return n;
}

static const char *save_pdf(arena *a, const char *name, const buf *b)
{
    const char *path = arena_printf(a, "%s/%s", pdf_dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
    fclose(f);
    return path;
}

/* pdftotext -layout of pages first..last (0: all), its runs of spaces and newlines made one
 * space, so a sentence can be looked for whatever the line breaks and justification. */
static char *pdf_text(const char *path, int first, int last, bool squash)
{
    char cmd[700];
    if (first)
        snprintf(cmd, sizeof cmd, "pdftotext -layout -f %d -l %d '%s' -", first, last, path);
    else
        snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", path);
    char *t = test_command_output(cmd);
    if (!squash) return t;
    char *o = t;
    bool space = false;
    for (const char *s = t; *s; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\f') {
            space = true;
            continue;
        }
        if (space && o != t) *o++ = ' ';
        space = false;
        *o++ = *s;
    }
    *o = '\0';
    return t;
}

static int pdf_pages(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", path);
    char *info = test_command_output(cmd);
    assert_has(info, "Page size:       595.276 x 841.89 pts (A4)");
    const char *p = strstr(info, "Pages:");
    assert_non_null(p);
    int n = atoi(p + 6);
    free(info);
    return n;
}

/* The first line of a page's text that is not blank. */
static bool page_starts_with(const char *path, int page, const char *prefix)
{
    char *t = pdf_text(path, page, page, false);
    const char *p = t + strspn(t, " \n\f");
    bool ok = !strncmp(p, prefix, strlen(prefix));
    if (!ok) print_error("page %d starts with: %.60s\n", page, p);
    free(t);
    return ok;
}

static const char *const *full_values(void)
{
    static const char *v[LETTER_NVARS];
    for (int i = 0; i < LETTER_NVARS; i++) v[i] = "giá trị";
    return v;
}

static letter_input input(int64_t unit, const char *occasion, const char *name)
{
    return (letter_input){.unit_id = unit, .occasion = occasion, .recipient_name = name,
                          .recipient_address = "Số nhà 5, Tổ dân phố 1, phường Phan Đình Phùng"};
}

static int64_t make_letter(fixture *fx, const letter_input *in)
{
    int64_t id = 0;
    err e = {0};
    int rc = letter_create(fx->d, fx->a, in, 0, (int64_t)time(NULL), &id, &e);
    if (rc) print_error("letter_create: %s (%s) %s\n", e.user, e.field, e.log);
    assert_int_equal(rc, 0);
    return id;
}

/* ---- the words ---------------------------------------------------------------------------------- */

/* Every occasion has a default; each passes the check unchanged (already trimmed, NFC),
 * names only known placeholders, and leaves no "{{" once filled. */
static void test_defaults_valid(void **state)
{
    fixture *fx = *state;
    assert_true(letter_noccasions == 7);
    for (size_t i = 0; i < letter_noccasions; i++) {
        const char *key = letter_occasions[i].key;
        const letter_words *w = letter_default_words(key);
        assert_non_null(w);
        letter_words out;
        err e = {0};
        if (letter_template_check(fx->a, w, &out, &e)) print_error("%s: %s (%s)\n", key, e.user, e.field);
        assert_int_equal(e.status, 0);
        assert_string_equal(out.title, w->title);
        assert_string_equal(out.greeting, w->greeting);
        assert_string_equal(out.body, w->body);
        assert_string_equal(out.closing, w->closing);
        const char *fields[] = {w->title, w->greeting, w->body, w->closing};
        for (int f = 0; f < 4; f++) {
            gchar *nfc = g_utf8_normalize(fields[f], -1, G_NORMALIZE_NFC);
            assert_string_equal(nfc, fields[f]);
            g_free(nfc);
        }
        assert_non_null(strstr(w->greeting, "Kính gửi: "));
        assert_non_null(strstr(w->body, "{{unit}}"));
        letter_words r = letter_render_words(fx->a, w, full_values());
        const char *rendered[] = {r.title, r.greeting, r.body, r.closing};
        for (int f = 0; f < 4; f++) assert_null(strstr(rendered[f], "{{"));
        assert_non_null(strstr(r.greeting, "giá trị"));
    }
    assert_null(letter_default_words("unknown"));
    assert_null(letter_default_words(NULL));
    /* what each default must say (research/assessment.md §4) */
    const letter_words *late = letter_default_words("late");
    const char *need[] = {"{{received}}", "{{code}}", "{{procedure}}", "{{due}}", "{{detail}}", "{{new_due}}", "xin lỗi"};
    for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) assert_non_null(strstr(late->body, need[k]));
    assert_non_null(strstr(letter_default_words("marriage")->body, "\n\n# Trăm năm hạnh phúc\n\n"));
    assert_non_null(strstr(letter_default_words("birth")->body, "{{person}}"));
    assert_string_equal(letter_default_words("death")->greeting, "Kính gửi: Gia đình {{recipient_title}} {{recipient}}");
    assert_non_null(strstr(letter_default_words("death")->body, "Cầu mong {{person_title}} {{person}} được yên nghỉ"));
    assert_string_equal(letter_default_words("marriage")->greeting,
                        "Kính gửi: {{recipient_title}} {{recipient}} và {{person_title}} {{person}}");
    for (size_t i = 0; i < letter_noccasions; i++) {   /* no form-like "Ông/Bà" left in the words */
        const letter_words *w = letter_default_words(letter_occasions[i].key);
        assert_null(strstr(w->greeting, "/"));
        assert_null(strstr(w->body, "Ông/Bà"));
        assert_null(strstr(w->body, "ông/bà"));
    }
    assert_non_null(strstr(letter_default_words("death")->body, "{{event_date}}"));
    assert_non_null(strstr(letter_default_words("contribution")->body, "{{detail}}"));
    assert_non_null(strstr(letter_default_words("feedback")->body, "{{detail}}"));
    assert_non_null(strstr(letter_default_words("other_congratulation")->body, "{{detail}}"));
}

static void test_var_names(void **state)
{
    (void)state;
    const char *want[LETTER_NVARS] = {"recipient", "recipient_title", "address", "person", "person_title", "event_date", "detail",
                                      "code", "procedure", "received", "due", "new_due",
                                      "unit", "place", "signer", "signer_title", "date"};
    for (int i = 0; i < LETTER_NVARS; i++) {
        assert_string_equal(letter_var_names[i], want[i]);
        assert_true(strlen(letter_var_label(i)) > 4);
    }
    assert_string_equal(letter_var_label(-1), "");
    assert_string_equal(letter_var_label(LETTER_NVARS), "");
}

static void expect_refused(arena *a, letter_words w, const char *field, const char *in_message)
{
    letter_words out;
    err e = {0};
    assert_int_equal(letter_template_check(a, &w, &out, &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, field);
    if (in_message) assert_has(e.user, in_message);
}

static void test_check_refuses(void **state)
{
    fixture *fx = *state;
    arena *a = fx->a;
    letter_words ok = {"THƯ CẢM ƠN", "Kính gửi: Ông/Bà {{recipient}}", "Cảm ơn {{ detail }}.", "Trân trọng!"};
    /* an unknown placeholder, named in the message, in whichever field it is */
    letter_words w = ok;
    w.body = "Chúc mừng {{ten}} nhé.";
    expect_refused(a, w, "body", "Mẫu thư có chỗ điền không hợp lệ: {{ten}}.");
    w = ok;
    w.title = "THƯ GỬI {{Recipient}}";
    expect_refused(a, w, "title", "{{Recipient}}");
    w = ok;
    w.greeting = "Kính gửi: {{recipient";
    expect_refused(a, w, "greeting", "{{recipient");
    w = ok;
    w.closing = "Trân trọng, {{nguoi_ky}}";
    expect_refused(a, w, "closing", "{{nguoi_ky}}");
    /* title and body required; greeting and closing may be empty */
    w = ok;
    w.title = "   ";
    expect_refused(a, w, "title", "tiêu đề");
    w = ok;
    w.body = NULL;
    expect_refused(a, w, "body", "nội dung");
    /* lengths: 200 characters (not bytes) for the title and greeting, 6000 for the body */
    GString *g = g_string_new("");
    for (int i = 0; i < 201; i++) g_string_append(g, "ư");
    w = ok;
    w.greeting = g->str;
    expect_refused(a, w, "greeting", "200");
    g_string_truncate(g, g->len - strlen("ư"));
    w.greeting = g->str;
    letter_words out;
    err e = {0};
    assert_int_equal(letter_template_check(a, &w, &out, &e), 0);
    g_string_free(g, TRUE);
    char *body = arena_alloc(a, 6002);
    memset(body, 'a', 6001);
    w = ok;
    w.body = body;
    expect_refused(a, w, "body", "6000");
    /* not UTF-8, control characters */
    w = ok;
    w.title = "TH\xc6";
    expect_refused(a, w, "title", NULL);
    w = ok;
    w.body = "Cảm ơn\x01";
    expect_refused(a, w, "body", NULL);

    /* accepted: NFD typed by Unikey comes out NFC, ends trimmed, empty greeting and closing */
    w = (letter_words){"  THU\xcc\x9b CA\xcc\x89M O\xcc\x9bN \n", NULL, "\r\nCảm ơn {{recipient}}.\r\n\r\n# Cảm ơn!\n", ""};
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_template_check(a, &w, &out, &e), 0);
    assert_string_equal(out.title, "THƯ CẢM ƠN");
    assert_string_equal(out.greeting, "");
    assert_string_equal(out.body, "Cảm ơn {{recipient}}.\n\n# Cảm ơn!");
    assert_string_equal(out.closing, "");
}

/* A refused template leaves the table (and the audit log) as it was. */
static void test_save_refused_saves_nothing(void **state)
{
    fixture *fx = *state;
    letter_words w = *letter_default_words("birth");
    w.body = "Chúc mừng gia đình {{ho_ten}} đón cháu {{person}}.";
    err e = {0};
    int64_t audits = count(fx->d, "SELECT count(*) FROM audit_log");
    assert_int_equal(letter_template_save(fx->d, fx->a, fx->commune, "birth", &w, 0, 1000, &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "body");
    assert_has(e.user, "{{ho_ten}}");
    assert_int_equal(count(fx->d, "SELECT count(*) FROM letter_templates"), 0);
    assert_int_equal(count(fx->d, "SELECT count(*) FROM audit_log"), audits);
    /* an unknown occasion or unit */
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_template_save(fx->d, fx->a, fx->commune, "birthday", letter_default_words("birth"), 0, 1000, &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "occasion");
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_template_save(fx->d, fx->a, 9999, "birth", letter_default_words("birth"), 0, 1000, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(count(fx->d, "SELECT count(*) FROM letter_templates"), 0);
    /* and the unit still gets the default */
    letter_words got;
    bool own = true;
    assert_int_equal(letter_template_get(fx->d, fx->a, fx->commune, "birth", &got, &own), 0);
    assert_false(own);
    assert_string_equal(got.body, letter_default_words("birth")->body);
}

static void test_save_then_get(void **state)
{
    fixture *fx = *state;
    letter_words w = {"THƯ CHÚC MỪNG NĂM MỚI", "Kính gửi: Cụ {{recipient}}", "Nhân dịp {{detail}}, phường kính chúc cụ.",
                      "Kính thư!"};
    err e = {0};
    assert_int_equal(letter_template_save(fx->d, fx->a, fx->commune, "other_congratulation", &w, 0, 1000, &e), 0);
    letter_words got;
    bool own = false;
    assert_int_equal(letter_template_get(fx->d, fx->a, fx->commune, "other_congratulation", &got, &own), 0);
    assert_true(own);
    assert_string_equal(got.title, w.title);
    assert_string_equal(got.greeting, w.greeting);
    assert_string_equal(got.body, w.body);
    assert_string_equal(got.closing, w.closing);
    /* audited, with who and when */
    assert_int_equal(count(fx->d, "SELECT count(*) FROM audit_log WHERE action = 'letter.template' AND "
                                  "entity = 'letter_template' AND at = 1000"), 1);
    /* saved again: the one row is updated */
    w.closing = "Trân trọng!";
    assert_int_equal(letter_template_save(fx->d, fx->a, fx->commune, "other_congratulation", &w, 0, 2000, &e), 0);
    assert_int_equal(count(fx->d, "SELECT count(*) FROM letter_templates"), 1);
    assert_int_equal(count(fx->d, "SELECT updated_at FROM letter_templates"), 2000);
    assert_int_equal(letter_template_get(fx->d, fx->a, fx->commune, "other_congratulation", &got, &own), 0);
    assert_string_equal(got.closing, "Trân trọng!");
    /* other occasions and units are untouched */
    assert_int_equal(letter_template_get(fx->d, fx->a, fx->commune, "birth", &got, &own), 0);
    assert_false(own);
    assert_string_equal(got.body, letter_default_words("birth")->body);
    assert_int_equal(letter_template_get(fx->d, fx->a, fx->commune2, "other_congratulation", &got, &own), 0);
    assert_string_equal(got.body, letter_default_words("other_congratulation")->body);
    assert_int_equal(letter_template_get(fx->d, fx->a, fx->commune, "nope", &got, &own), -1);
}

/* The province words a letter once for its communes and departments; a commune's own wins. */
static void test_inherit_and_reset(void **state)
{
    fixture *fx = *state;
    letter_words prov = {"THƯ CHIA BUỒN", "Kính gửi: Gia đình {{recipient}}", "Tỉnh chia buồn: {{person}}.", "Kính viếng!"};
    letter_words own_w = {"THƯ CHIA BUỒN", "Kính gửi: Gia đình {{recipient}}", "Phường chia buồn: {{person}}.", ""};
    err e = {0};
    assert_int_equal(letter_template_save(fx->d, fx->a, fx->province, "death", &prov, 0, 1000, &e), 0);
    letter_words got;
    bool own = true;
    int64_t units[] = {fx->commune, fx->commune2, fx->dept};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(letter_template_get(fx->d, fx->a, units[i], "death", &got, &own), 0);
        assert_false(own);
        assert_string_equal(got.body, prov.body);
        assert_string_equal(got.closing, "Kính viếng!");
    }
    assert_int_equal(letter_template_save(fx->d, fx->a, fx->commune, "death", &own_w, 0, 1100, &e), 0);
    assert_int_equal(letter_template_get(fx->d, fx->a, fx->commune, "death", &got, &own), 0);
    assert_true(own);
    assert_string_equal(got.body, own_w.body);
    assert_string_equal(got.closing, "");
    assert_int_equal(letter_template_get(fx->d, fx->a, fx->commune2, "death", &got, &own), 0);
    assert_string_equal(got.body, prov.body);

    /* reset: the commune falls back to the province's, the province to the default */
    assert_int_equal(letter_template_reset(fx->d, fx->commune, "death", 0, 1200, &e), 0);
    assert_int_equal(letter_template_get(fx->d, fx->a, fx->commune, "death", &got, &own), 0);
    assert_false(own);
    assert_string_equal(got.body, prov.body);
    assert_int_equal(letter_template_reset(fx->d, fx->province, "death", 0, 1300, &e), 0);
    assert_int_equal(letter_template_get(fx->d, fx->a, fx->commune, "death", &got, &own), 0);
    assert_string_equal(got.body, letter_default_words("death")->body);
    assert_int_equal(count(fx->d, "SELECT count(*) FROM letter_templates"), 0);
    assert_int_equal(count(fx->d, "SELECT count(*) FROM audit_log WHERE action = 'letter.template.reset'"), 2);
    /* resetting what is not there changes and records nothing */
    assert_int_equal(letter_template_reset(fx->d, fx->commune, "death", 0, 1400, &e), 0);
    assert_int_equal(count(fx->d, "SELECT count(*) FROM audit_log WHERE action = 'letter.template.reset'"), 2);
    assert_int_equal(letter_template_reset(fx->d, fx->commune, "deaths", 0, 1400, &e), -1);
    assert_int_equal(e.status, 400);
}

static void test_render_values(void **state)
{
    fixture *fx = *state;
    letter_words t = {"THƯ GỬI {{recipient}}", "Kính gửi: Ông/Bà {{ recipient }}",
                      "Cháu {{person}} sinh {{event_date}} tại {{address}}.\n\n{{unknown}} {{detail}}|", "{{signer}}"};
    const char *v[LETTER_NVARS] = {0};
    v[LV_RECIPIENT] = "Nguyễn Thị Hồng Nhung";
    v[LV_PERSON] = "Trần Gia Bảo";
    v[LV_EVENT_DATE] = "ngày 05 tháng 3 năm 2026";
    v[LV_ADDRESS] = "Tổ dân phố 1, phường Phan Đình Phùng";
    letter_words r = letter_render_words(fx->a, &t, v);
    assert_string_equal(r.title, "THƯ GỬI Nguyễn Thị Hồng Nhung");
    assert_string_equal(r.greeting, "Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung");
    /* an unknown name stays as written; a NULL value is empty */
    assert_string_equal(r.body, "Cháu Trần Gia Bảo sinh ngày 05 tháng 3 năm 2026 tại Tổ dân phố 1, phường Phan Đình "
                                "Phùng.\n\n{{unknown}} |");
    assert_string_equal(r.closing, "");
    /* a value holding braces is not filled in again */
    v[LV_SIGNER] = "{{recipient}}";
    r = letter_render_words(fx->a, &t, v);
    assert_string_equal(r.closing, "{{recipient}}");
}

/* ---- printing ---------------------------------------------------------------------------------- */

/* The preview of every default: one A4 page in the layout of a letter, with the sample
 * recipient, the unit's council and its head signing for it. */
static void test_preview_every_default(void **state)
{
    fixture *fx = *state;
    for (size_t i = 0; i < letter_noccasions; i++) {
        const char *key = letter_occasions[i].key;
        buf out;
        buf_init(&out, fx->a);
        err e = {0};
        int rc = letter_preview_pdf(fx->d, fx->a, fx->commune, key, letter_default_words(key), &out, &e);
        if (rc) print_error("%s: %s %s\n", key, e.user, e.log);
        assert_int_equal(rc, 0);
        const char *path = save_pdf(fx->a, arena_printf(fx->a, "preview-%s.pdf", key), &out);
        assert_int_equal(pdf_pages(path), 1);
        char *t = pdf_text(path, 0, 0, true);
        assert_has(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
        assert_has(t, "Độc lập - Tự do - Hạnh phúc");
        assert_has(t, "ỦY BAN NHÂN DÂN");
        assert_has(t, "PHƯỜNG PHAN ĐÌNH PHÙNG");
        assert_has(t, "Phan Đình Phùng, ngày");
        assert_has(t, letter_default_words(key)->title);
        assert_has(t, "Nguyễn Thị Hồng Nhung");
        assert_has(t, "Ủy ban nhân dân phường Phan Đình Phùng");
        assert_has(t, "TM. ỦY BAN NHÂN DÂN");
        assert_has(t, "CHỦ TỊCH");
        assert_has(t, "Lê Minh Tuấn");
        assert_lacks(t, "{{");
        assert_lacks(t, "Số:");
        assert_lacks(t, "Ký và ghi rõ họ tên");
        assert_lacks(t, "……");   /* every sample value is there */
        /* only the apology keeps "Nơi nhận" (research §4.1) */
        if (!strcmp(key, "late")) {
            assert_has(t, "Nơi nhận:");
            assert_has(t, "- Như trên;");
            assert_has(t, "- Lưu: VT.");
            assert_has(t, "Lý do: Cần xác minh thêm thông tin");
            assert_has(t, "thành thật xin lỗi");
        } else {
            assert_lacks(t, "Nơi nhận");
        }
        if (!strcmp(key, "marriage")) assert_has(t, "Trăm năm hạnh phúc");
        if (!strcmp(key, "birth") || !strcmp(key, "marriage") || !strcmp(key, "death")) assert_has(t, "Trần Gia Bảo");
        if (!strcmp(key, "death")) assert_has(t, "Kính gửi: Gia đình Bà Nguyễn Thị Hồng Nhung");
        free(t);
    }
}

/* The display line: centred on a line of its own, apart from the paragraphs around it. */
static void test_preview_display_line_and_refusal(void **state)
{
    fixture *fx = *state;
    letter_words w = {"Thư chúc mừng", "Kính gửi: Ông/Bà {{recipient}}",
                      "Đoạn thứ nhất của thư, gửi về {{address}}.\n\n# Trăm năm hạnh phúc\n\nĐoạn thứ hai của thư.",
                      "Trân trọng!"};
    buf out;
    buf_init(&out, fx->a);
    err e = {0};
    assert_int_equal(letter_preview_pdf(fx->d, fx->a, fx->commune2, "marriage", &w, &out, &e), 0);
    const char *path = save_pdf(fx->a, "preview-display.pdf", &out);
    char *t = pdf_text(path, 0, 0, false);
    /* the title in capitals; the display line alone on its line, centred (indented far more
     * than a paragraph's first line) */
    assert_has(t, "THƯ CHÚC MỪNG");
    const char *line = strstr(t, "Trăm năm hạnh phúc");
    assert_non_null(line);
    const char *start = line;
    while (start > t && start[-1] == ' ') start--;
    assert_true(start == t || start[-1] == '\n');
    assert_true(line - start > 12);   /* pdftotext -layout: the paragraphs start at column 0 */
    assert_true(line[strlen("Trăm năm hạnh phúc")] == '\n');
    assert_has(t, "Phú Đình, ngày");   /* the place: the commune's name after its kind */
    assert_lacks(t, "Xã Phú Đình, ngày");
    free(t);
    t = pdf_text(path, 0, 0, true);
    assert_has(t, "XÃ PHÚ ĐÌNH");
    assert_has(t, "Ma Văn Thành");
    assert_has(t, "Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung");
    assert_has(t, "gửi về Số nhà 18, Xóm Tỉn Keo, xã Phú Đình.");
    free(t);

    /* a bad placeholder: refused as the editor's check refuses it, and no PDF */
    w.body = "Chúc mừng {{vo_chong}}.";
    buf_init(&out, fx->a);
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_preview_pdf(fx->d, fx->a, fx->commune2, "marriage", &w, &out, &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "body");
    assert_has(e.user, "{{vo_chong}}");
    assert_int_equal(out.len, 0);
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_preview_pdf(fx->d, fx->a, fx->commune2, "wedding", letter_default_words("marriage"), &out, &e), -1);
    assert_int_equal(e.status, 400);
    assert_int_equal(out.len, 0);
}

static const char *print_ids(fixture *fx, const char *name, const int64_t *ids, size_t n)
{
    buf out;
    buf_init(&out, fx->a);
    err e = {0};
    int rc = letter_pdf(fx->d, fx->a, ids, n, &out, &e);
    if (rc) print_error("letter_pdf: %s %s\n", e.user, e.log);
    assert_int_equal(rc, 0);
    return save_pdf(fx->a, name, &out);
}

/* Three letters in one PDF: a page each, each numbered as if alone (no "2" on the second). */
static void test_batch(void **state)
{
    fixture *fx = *state;
    letter_input b = input(fx->commune, "birth", "Hoàng Thị Ánh Dương");
    b.person = "Hoàng Minh Khôi";
    b.event_date = "2026-03-05";
    letter_input d = input(fx->commune, "death", "Đỗ Văn Quý");
    d.recipient_sex = "male";
    d.person = "Đỗ Văn Lộc";
    d.person_sex = "male";
    d.event_date = "02/01/2026";
    letter_input c = input(fx->commune, "contribution", "Bùi Thị Thu Hà");
    c.detail = "hiến 120 m² đất để mở rộng đường liên tổ dân phố";
    int64_t ids[3] = {make_letter(fx, &b), make_letter(fx, &d), make_letter(fx, &c)};
    const char *path = print_ids(fx, "batch.pdf", ids, 3);
    assert_int_equal(pdf_pages(path), 3);
    const char *names[3] = {"Hoàng Thị Ánh Dương", "Đỗ Văn Quý", "Bùi Thị Thu Hà"};
    for (int p = 1; p <= 3; p++) {
        char *t = pdf_text(path, p, p, true);
        for (int k = 0; k < 3; k++) {
            if (k == p - 1) assert_has(t, names[k]);
            else assert_lacks(t, names[k]);
        }
        assert_has(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
        assert_has(t, "TM. ỦY BAN NHÂN DÂN");
        assert_has(t, "Lê Minh Tuấn");
        free(t);
        assert_true(page_starts_with(path, p, "ỦY BAN NHÂN DÂN"));
    }
    char *t = pdf_text(path, 1, 1, true);
    assert_has(t, "THƯ CHÚC MỪNG");
    assert_has(t, "Kính gửi: Gia đình Ông/Bà Hoàng Thị Ánh Dương");
    assert_has(t, "cháu Hoàng Minh Khôi, sinh ngày 05 tháng 3 năm 2026.");
    free(t);
    t = pdf_text(path, 2, 2, true);
    assert_has(t, "THƯ CHIA BUỒN");
    assert_has(t, "Kính gửi: Gia đình Ông Đỗ Văn Quý");
    assert_has(t, "tin buồn: Ông Đỗ Văn Lộc đã từ trần vào ngày 02 tháng 01 năm 2026.");
    assert_lacks(t, "Ông/Bà Đỗ");
    assert_has(t, "Thành kính chia buồn!");
    free(t);
    t = pdf_text(path, 3, 3, true);
    assert_has(t, "THƯ CẢM ƠN");
    assert_has(t, "vì đã hiến 120 m² đất để mở rộng đường liên tổ dân phố.");
    free(t);

    /* none, or an unknown letter among them: an error and no PDF */
    buf out;
    buf_init(&out, fx->a);
    err e = {0};
    assert_int_equal(letter_pdf(fx->d, fx->a, ids, 0, &out, &e), -1);
    assert_int_equal(e.status, 400);
    int64_t bad[2] = {ids[0], 987654};
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_pdf(fx->d, fx->a, bad, 2, &out, &e), -1);
    assert_int_equal(e.status, 404);
    assert_int_equal(out.len, 0);
}

/* Letters longer than a page: each restarts its numbering (print.h, pdoc_new_part). */
static void test_batch_numbering(void **state)
{
    fixture *fx = *state;
    GString *body = g_string_new("");
    for (int p = 0; p < 5; p++) {
        if (p) g_string_append(body, "\n\n");
        for (int s = 0; s < 9; s++)
            g_string_append_printf(body, "Đoạn %d câu %d: %s cảm ơn Ông/Bà đã chung tay xây dựng quê hương. ", p + 1, s + 1,
                                   s ? "Ủy ban" : "{{unit}}");   /* at most 40 placeholders */
    }
    letter_words w = {"THƯ CẢM ƠN", "Kính gửi: Ông/Bà {{recipient}}", body->str, "Trân trọng cảm ơn!"};
    err e = {0};
    assert_int_equal(letter_template_save(fx->d, fx->a, fx->commune, "feedback", &w, 0, 1000, &e), 0);
    g_string_free(body, TRUE);
    letter_input a1 = input(fx->commune, "feedback", "Vũ Thị Mai Anh");
    a1.detail = "góp ý về giờ làm việc";
    letter_input a2 = input(fx->commune, "feedback", "Dương Văn Tú");
    a2.detail = "góp ý về bãi đỗ xe";
    int64_t ids[2] = {make_letter(fx, &a1), make_letter(fx, &a2)};
    const char *path = print_ids(fx, "batch-long.pdf", ids, 2);
    assert_int_equal(pdf_pages(path), 4);
    assert_true(page_starts_with(path, 1, "ỦY BAN NHÂN DÂN"));
    assert_true(page_starts_with(path, 2, "2\n"));
    assert_true(page_starts_with(path, 3, "ỦY BAN NHÂN DÂN"));
    assert_true(page_starts_with(path, 4, "2\n"));
    char *t = pdf_text(path, 3, 4, true);
    assert_has(t, "Dương Văn Tú");
    assert_lacks(t, "Vũ Thị Mai Anh");
    assert_has(t, "Đoạn 5 câu 9");
    free(t);
}

/* Delivered: the words frozen at delivery print forever; a proposed letter follows the
 * template as it is now. */
static void test_delivered_prints_frozen_words(void **state)
{
    fixture *fx = *state;
    letter_input in = input(fx->commune, "birth", "Lý Thị Bích Ngọc");
    in.recipient_sex = "female";
    in.person = "Lý Gia Huy";
    in.event_date = "2026-03-01";
    int64_t id = make_letter(fx, &in);
    int64_t now = (int64_t)time(NULL);
    letter_delivery dl = {.method = "home", .delivered_on = "", .note = "Trao tại nhà", .actor_id = 0, .now = now};
    err e = {0};
    int rc = letter_deliver(fx->d, fx->a, id, &dl, &e);
    if (rc) print_error("deliver: %s %s\n", e.user, e.log);
    assert_int_equal(rc, 0);
    letter_words w = {"THƯ CHÚC MỪNG", "Kính gửi: Ông/Bà {{recipient}}", "Mẫu mới của phường: chúc mừng cháu {{person}}.", ""};
    assert_int_equal(letter_template_save(fx->d, fx->a, fx->commune, "birth", &w, 0, now, &e), 0);
    letter_input in2 = input(fx->commune, "birth", "Tạ Thị Kim Oanh");
    in2.person = "Tạ Bảo Ngọc";
    int64_t id2 = make_letter(fx, &in2);

    const char *path = print_ids(fx, "frozen.pdf", (int64_t[]){id}, 1);
    char *t = pdf_text(path, 0, 0, true);
    assert_has(t, "Lý Thị Bích Ngọc");
    assert_has(t, "vừa đón chào thành viên mới: cháu Lý Gia Huy");
    assert_lacks(t, "Mẫu mới");
    /* dated the day it was handed over */
    assert_has(t, arena_printf(fx->a, "Phan Đình Phùng, %s", pdoc_date(fx->a, now)));
    free(t);
    path = print_ids(fx, "after-change.pdf", (int64_t[]){id2}, 1);
    t = pdf_text(path, 0, 0, true);
    assert_has(t, "Mẫu mới của phường: chúc mừng cháu Tạ Bảo Ngọc.");
    free(t);
}

/* A proposed letter whose details are not known yet prints dots to fill in by hand. */
static void test_missing_values_print_dots(void **state)
{
    fixture *fx = *state;
    letter_input in = input(fx->commune2, "birth", "Triệu Thị Duyên");
    int64_t id = make_letter(fx, &in);
    const char *path = print_ids(fx, "dots.pdf", &id, 1);
    char *t = pdf_text(path, 0, 0, true);
    assert_has(t, "cháu ………………, sinh ………………");
    assert_has(t, "Kính gửi: Gia đình Ông/Bà Triệu Thị Duyên");
    assert_has(t, "Ủy ban nhân dân xã Phú Đình");
    assert_has(t, "Ma Văn Thành");
    free(t);
}

/* An apology signed by a vice-chair: "TM." over "KT. CHỦ TỊCH", and "Nơi nhận". Apologies come
 * from dossiers only (letter.c), so the row is written here as the listener writes it. */
static void test_apology_vice_chair(void **state)
{
    fixture *fx = *state;
    int64_t received = 1767225600 + 3 * 3600, due = received + 5 * 86400, new_due = due + 4 * 86400;
    db_stmt *s = db_prepare(fx->d, "INSERT INTO letters (unit_id, kind, occasion, source, dossier_code, recipient_name, "
                                   "procedure_name, received_at, old_due_at, new_due_at, detail, signer_name, "
                                   "signer_title, token, created_at, updated_at) VALUES (?, 'apology', 'late', "
                                   "'manual', 'H19.05443-260101-0042', 'Nguyễn Thị Hồng Nhung', 'Đăng ký kết hôn', ?, "
                                   "?, ?, 'Cần lấy ý kiến của cơ quan chuyên môn cấp tỉnh', 'Phạm Thị Hương', "
                                   "'Phó Chủ tịch UBND phường', 'tok1', 0, 0)");
    db_bind_int(s, 1, fx->commune);
    db_bind_int(s, 2, received);
    db_bind_int(s, 3, due);
    db_bind_int(s, 4, new_due);
    assert_int_equal(db_step(s), DB_DONE);
    db_done(s);
    int64_t id = db_last_id(fx->d);
    const char *path = print_ids(fx, "apology.pdf", &id, 1);
    assert_int_equal(pdf_pages(path), 1);
    char *t = pdf_text(path, 0, 0, true);
    assert_has(t, "THƯ XIN LỖI");
    assert_has(t, "Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung");
    assert_has(t, arena_printf(fx->a, "vào %s để giải quyết thủ tục Đăng ký kết hôn, mã hồ sơ H19.05443-260101-0042, "
                                      "hẹn trả kết quả vào %s.", pdoc_date(fx->a, received), pdoc_date(fx->a, due)));
    assert_has(t, "Lý do: Cần lấy ý kiến của cơ quan chuyên môn cấp tỉnh.");
    assert_has(t, arena_printf(fx->a, "xin hẹn trả kết quả vào %s.", pdoc_date(fx->a, new_due)));
    assert_has(t, "Nơi nhận:");
    assert_has(t, "TM. ỦY BAN NHÂN DÂN");
    assert_has(t, "KT. CHỦ TỊCH");
    assert_has(t, "PHÓ CHỦ TỊCH");
    assert_has(t, "Phạm Thị Hương");
    assert_lacks(t, "Lê Minh Tuấn");
    free(t);
}

/* A department signs by its head's title, under its province, dated at the province's seat. */
static void test_department_letter(void **state)
{
    fixture *fx = *state;
    letter_input in = input(fx->dept, "feedback", "Phan Văn Đức");
    in.detail = "góp ý rút ngắn thời gian giải quyết hồ sơ";
    int64_t id = make_letter(fx, &in);
    const char *path = print_ids(fx, "department.pdf", &id, 1);
    char *t = pdf_text(path, 0, 0, true);
    assert_has(t, "UBND TỈNH THÁI NGUYÊN");
    assert_has(t, "SỞ NỘI VỤ TỈNH THÁI NGUYÊN");
    assert_has(t, "Thái Nguyên, ngày");
    assert_has(t, "GIÁM ĐỐC SỞ NỘI VỤ");
    assert_has(t, "Đặng Quốc Khánh");
    assert_has(t, "Sở Nội vụ tỉnh Thái Nguyên trân trọng cảm ơn Ông/Bà đã quan tâm, góp ý rút ngắn");
    assert_lacks(t, "TM.");
    assert_lacks(t, "Ủy ban nhân dân");
    free(t);
}

/* {{unit}} and {{place}} as the header names the unit: a kind of two words, a capital Đ. */
static void test_unit_words(void **state)
{
    fixture *fx = *state;
    int64_t island = test_add_unit(fx->d, "26", "commune", "Đặc khu Côn Đảo", fx->province);
    const char *words, *place;
    assert_true(letter_unit_words(fx->d, fx->a, island, &words, &place));
    assert_string_equal(words, "Ủy ban nhân dân đặc khu Côn Đảo");
    assert_string_equal(place, "Côn Đảo");
    assert_true(letter_unit_words(fx->d, fx->a, fx->commune, &words, &place));
    assert_string_equal(words, "Ủy ban nhân dân phường Phan Đình Phùng");
    assert_string_equal(place, "Phan Đình Phùng");
    assert_true(letter_unit_words(fx->d, fx->a, fx->province, &words, &place));
    assert_string_equal(words, "Ủy ban nhân dân tỉnh Thái Nguyên");
    assert_string_equal(place, "Thái Nguyên");
    assert_true(letter_unit_words(fx->d, fx->a, fx->dept, &words, &place));
    assert_string_equal(words, "Sở Nội vụ tỉnh Thái Nguyên");
    assert_string_equal(place, "Thái Nguyên");
    assert_false(letter_unit_words(fx->d, fx->a, 424242, &words, &place));
    /* and the header of its letters */
    buf out;
    buf_init(&out, fx->a);
    err e = {0};
    assert_int_equal(letter_preview_pdf(fx->d, fx->a, island, "birth", letter_default_words("birth"), &out, &e), 0);
    char *t = pdf_text(save_pdf(fx->a, "island.pdf", &out), 0, 0, true);
    assert_has(t, "ĐẶC KHU CÔN ĐẢO");
    assert_has(t, "Côn Đảo, ngày");
    free(t);
    /* the sample values: a made-up recipient living in the unit, its real name and head */
    const char *v[LETTER_NVARS];
    letter_sample_values(fx->d, fx->a, island, v);
    assert_string_equal(v[LV_ADDRESS], "Số nhà 18, đặc khu Côn Đảo");   /* no hamlet on record */
    assert_string_equal(v[LV_SIGNER], "");                                /* no leader on record */
    letter_sample_values(fx->d, fx->a, fx->commune, v);
    for (int i = 0; i < LETTER_NVARS; i++) assert_true(v[i] && *v[i]);
    assert_string_equal(v[LV_RECIPIENT], "Nguyễn Thị Hồng Nhung");
    assert_string_equal(v[LV_PERSON], "Trần Gia Bảo");
    assert_string_equal(v[LV_ADDRESS], "Số nhà 18, Tổ dân phố 1, phường Phan Đình Phùng");
    assert_string_equal(v[LV_UNIT], "Ủy ban nhân dân phường Phan Đình Phùng");
    assert_string_equal(v[LV_PLACE], "Phan Đình Phùng");
    assert_string_equal(v[LV_SIGNER], "Lê Minh Tuấn");
    assert_string_equal(v[LV_SIGNER_TITLE], "Chủ tịch UBND phường");
    assert_string_equal(v[LV_DATE], pdoc_date(fx->a, (int64_t)time(NULL)));
    assert_true(!strncmp(v[LV_CODE], "05443-", 6));
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(pdf_dir, sizeof pdf_dir, "%s/tt-letters-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(pdf_dir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_var_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_refused_saves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_then_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inherit_and_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preview_every_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preview_display_line_and_refusal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_numbering, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delivered_prints_frozen_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_values_print_dots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apology_vice_chair, setup, teardown),
        cmocka_unit_test_setup_teardown(test_department_letter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unit_words, setup, teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    print_shutdown();   /* fontconfig's and cairo's caches, so LeakSanitizer sees only ours */
    if (getenv("TT_KEEP_LETTERS")) {
        fprintf(stderr, "letters kept in %s\n", pdf_dir);
    } else {
        testdir_remove(pdf_dir);
    }
    return failed;
}
