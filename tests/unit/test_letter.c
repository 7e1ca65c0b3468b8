/* test_letter.c -- cmocka unit tests of letters of care (src/letter/letter.c) against real
 * SQLite files: the proposals that dossier results and apologies make (through the same
 * listener the server registers), the applicant's "do not send" choice, one letter per event
 * and kind, staff-written letters and their checks, delivery (frozen words, the outbox for
 * electronic copies, nothing half-saved), lists and the counts by kind and month. */
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

#include "../../src/account/account.h"
#include "../../src/core/arena.h"
#include "../../src/core/calendar.h"
#include "../../src/demo/demo.h"
#include "../../src/dossier/dossier.h"
#include "../../src/letter/letter.h"
#include "../../src/store/db.h"
#include "testdir.h"

static char dir[64];

static int64_t at(int y, int m, int d, int h, int min) { return cal_instant(cal_from_ymd(y, m, d), h * 60 + min); }

static int64_t sql1(db *d, const char *sql, int64_t arg)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s) fail_msg("bad sql: %s", sql);
    db_bind_int(s, 1, arg);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static int64_t sqls(db *d, const char *sql, const char *arg)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s) fail_msg("bad sql: %s", sql);
    db_bind_text(s, 1, arg);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

typedef struct {
    db *d;
    arena *a;
    int64_t unit, province, other_unit, desk, leader, birth, death, plain;
} world;

static int setup(void **state)
{
    static int n;
    world *w = calloc(1, sizeof *w);
    char path[160];
    snprintf(path, sizeof path, "%s/letters-%d.db", dir, n++);
    err e = {0};
    w->d = db_open(path, &e);
    if (!w->d || db_migrate(w->d, &e) || demo_create(w->d, &e)) fail_msg("db: %s / %s", e.user, e.log);
    w->a = arena_new();
    w->unit = sqls(w->d, "SELECT id FROM units WHERE code = ?", "05443");
    w->other_unit = sqls(w->d, "SELECT id FROM units WHERE code = ?", "05602");
    w->province = sqls(w->d, "SELECT id FROM units WHERE code = ?", "19");
    w->desk = sqls(w->d, "SELECT id FROM users WHERE username = ?", "canbo1");
    w->leader = sqls(w->d, "SELECT id FROM users WHERE username = ?", "lanhdao1");
    w->birth = sqls(w->d, "SELECT id FROM procedures WHERE code = ?", "1.001193");
    w->death = sqls(w->d, "SELECT id FROM procedures WHERE code = ?", "1.000656");
    w->plain = sqls(w->d, "SELECT id FROM procedures WHERE code = ?", "1.001022");   /* nhận cha, mẹ, con: no letter */
    dossier_listen(letter_on_dossier_event);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    db_close(w->d);
    arena_free(w->a);
    free(w);
    return 0;
}

static int64_t intake(world *w, int64_t proc, bool no_letters, int64_t t)
{
    dossier_intake in = {.unit_id = w->unit, .procedure_id = proc, .applicant_name = "Nguyễn Thị Hồng Nhung",
                         .applicant_phone = "0912345678", .applicant_address = "Tổ 5, phường Phan Đình Phùng",
                         .applicant_email = "nhung@example.vn", .channel = "desk", .return_method = "desk",
                         .no_letters = no_letters, .received_at = t, .applicant_sex = "female"};
    dossier_created out;
    err e = {0};
    if (dossier_create(w->d, w->a, &in, w->desk, &out, &e)) fail_msg("intake: %s / %s", e.user, e.log);
    return out.id;
}

static int finish(world *w, int64_t id, int64_t t)
{
    dossier_action act = {.actor_id = w->desk, .now = t};
    err e = {0};
    return dossier_finish(w->d, w->a, id, &act, &e);
}

static int64_t letters_of(world *w, int64_t dossier, const char *kind)
{
    db_stmt *s = db_prepare(w->d, "SELECT COUNT(*) FROM letters WHERE dossier_id = ? AND kind = ?");
    db_bind_int(s, 1, dossier);
    db_bind_text(s, 2, kind);
    int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return n;
}

/* ---- proposals ------------------------------------------------------------------------------ */

static void a_birth_result_proposes_one_congratulation(void **state)
{
    world *w = *state;
    int64_t id = intake(w, w->birth, false, at(2026, 3, 2, 8, 0));
    assert_int_equal(letters_of(w, id, "congratulation"), 0);
    assert_int_equal(finish(w, id, at(2026, 3, 2, 10, 0)), 0);
    assert_int_equal(letters_of(w, id, "congratulation"), 1);
    int64_t lid = sql1(w->d, "SELECT id FROM letters WHERE dossier_id = ?", id);
    json_t *l = letter_get(w->d, w->a, lid);
    assert_string_equal(json_string_value(json_object_get(l, "recipient_name")), "Nguyễn Thị Hồng Nhung");
    assert_string_equal(json_string_value(json_object_get(l, "occasion")), "birth");
    assert_string_equal(json_string_value(json_object_get(l, "status")), "proposed");
    /* the unit's head signs it */
    assert_string_equal(json_string_value(json_object_get(l, "signer_name")), "Lê Minh Tuấn");
    /* 05443 holds ceremonies: 09:00 on the next working day (the same-day result is due today) */
    assert_string_equal(json_string_value(json_object_get(l, "delivery_method")), "ceremony");
    assert_int_equal(json_integer_value(json_object_get(l, "ceremony_at")), at(2026, 3, 3, 9, 0));
    json_decref(l);
    /* the same event again (a replay) adds nothing */
    err e = {0};
    dossier_event ev = {"done", id, 0, w->desk, at(2026, 3, 2, 10, 0)};
    assert_int_equal(letter_on_dossier_event(w->d, w->a, &ev, &e), 0);
    assert_int_equal(letters_of(w, id, "congratulation"), 1);
    /* and the action itself cannot happen twice */
    assert_int_not_equal(finish(w, id, at(2026, 3, 2, 11, 0)), 0);
    assert_int_equal(letters_of(w, id, "congratulation"), 1);
    /* it is handed over only once staff have typed the newborn's name and birthday */
    letter_delivery dl = {.method = "ceremony", .actor_id = w->leader, .now = at(2026, 3, 3, 9, 30)};
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_deliver(w->d, w->a, lid, &dl, &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "person");
    letter_input in = {.recipient_name = "Nguyễn Thị Hồng Nhung", .person = "Trần Gia Bảo", .event_date = "2026-02-27"};
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_update(w->d, w->a, lid, &in, w->desk, at(2026, 3, 3, 9, 0), &e), 0);
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_deliver(w->d, w->a, lid, &dl, &e), 0);
    json_t *frozen = json_object_get((l = letter_get(w->d, w->a, lid)), "frozen");
    assert_non_null(strstr(json_string_value(json_object_get(frozen, "body")), "Trần Gia Bảo"));
    assert_non_null(strstr(json_string_value(json_object_get(frozen, "body")), "ngày 27 tháng 02 năm 2026"));
    json_decref(l);
}

static void a_death_proposes_condolence_and_plain_procedures_nothing(void **state)
{
    world *w = *state;
    int64_t death = intake(w, w->death, false, at(2026, 3, 4, 8, 0));
    int64_t plain = intake(w, w->plain, false, at(2026, 3, 4, 8, 0));
    assert_int_equal(finish(w, death, at(2026, 3, 4, 9, 0)), 0);
    assert_int_equal(finish(w, plain, at(2026, 3, 4, 9, 0)), 0);
    assert_int_equal(letters_of(w, death, "condolence"), 1);
    assert_int_equal(sql1(w->d, "SELECT ceremony_at IS NULL FROM letters WHERE dossier_id = ?", death), 1);
    assert_int_equal(sql1(w->d, "SELECT COUNT(*) FROM letters WHERE dossier_id = ?", plain), 0);
}

static void consent_is_respected_but_apologies_are_owed(void **state)
{
    world *w = *state;
    int64_t id = intake(w, w->birth, true, at(2026, 3, 5, 8, 0));
    assert_int_equal(finish(w, id, at(2026, 3, 5, 9, 0)), 0);
    assert_int_equal(sql1(w->d, "SELECT COUNT(*) FROM letters WHERE dossier_id = ?", id), 0);
    /* staff cannot write one by hand for that dossier either */
    dossier_brief br;
    assert_true(dossier_brief_get(w->d, w->a, id, &br));
    const char *code = br.code;
    letter_input in = {.unit_id = w->unit, .occasion = "birth", .dossier_code = code,
                       .recipient_name = "Nguyễn Thị Hồng Nhung"};
    int64_t lid = 0;
    err e = {0};
    assert_int_equal(letter_create(w->d, w->a, &in, w->desk, at(2026, 3, 5, 9, 30), &lid, &e), -1);
    assert_int_equal(e.status, 409);
    assert_string_equal(e.field, "dossier_code");
    assert_int_equal(sql1(w->d, "SELECT COUNT(*) FROM letters WHERE dossier_id = ?", id), 0);
    /* a late dossier of someone who declined still gets its apology letter */
    int64_t late = intake(w, w->plain, true, at(2026, 3, 2, 8, 0));
    dossier_brief b;
    assert_true(dossier_brief_get(w->d, w->a, late, &b));
    dossier_action act = {.actor_id = w->desk, .now = b.due_at + 3600, .reason = "Chờ xác minh thông tin",
                          .new_due_date = "2026-03-10"};   /* within 3 working days again */
    memset(&e, 0, sizeof e);
    if (dossier_apologize(w->d, w->a, late, &act, &e)) fail_msg("apology: %s / %s", e.user, e.log);
    assert_int_equal(letters_of(w, late, "apology"), 1);
    json_t *l = letter_get(w->d, w->a, sql1(w->d, "SELECT id FROM letters WHERE dossier_id = ?", late));
    assert_string_equal(json_string_value(json_object_get(l, "detail")), "Chờ xác minh thông tin");
    assert_int_equal(json_integer_value(json_object_get(l, "old_due_at")), b.due_at);
    assert_true(json_integer_value(json_object_get(l, "new_due_at")) > b.due_at);
    json_decref(l);
    /* a second apology is a second event: a second letter */
    act.now = at(2026, 3, 10, 18, 0);
    act.new_due_date = "2026-03-13";
    memset(&e, 0, sizeof e);
    if (dossier_apologize(w->d, w->a, late, &act, &e)) fail_msg("apology 2: %s / %s", e.user, e.log);
    assert_int_equal(letters_of(w, late, "apology"), 2);
}

static void a_marriage_and_a_hand_written_letter_share_one_event(void **state)
{
    world *w = *state;
    int64_t marriage = sqls(w->d, "SELECT id FROM procedures WHERE code = ?", "1.000894");
    int64_t id = intake(w, marriage, false, at(2026, 3, 6, 8, 0));   /* a Friday */
    dossier_brief br;
    assert_true(dossier_brief_get(w->d, w->a, id, &br));
    /* staff write the congratulation before the result: it is the dossier's letter */
    letter_input in = {.unit_id = w->unit, .occasion = "marriage", .dossier_code = br.code,
                       .recipient_name = "Nguyễn Thị Hồng Nhung", .person = "Phạm Quốc Việt"};
    int64_t lid = 0;
    err e = {0};
    assert_int_equal(letter_create(w->d, w->a, &in, w->desk, at(2026, 3, 6, 8, 30), &lid, &e), 0);
    /* a second by hand is refused; the result proposes none of its own */
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_create(w->d, w->a, &in, w->desk, at(2026, 3, 6, 8, 40), &lid, &e), -1);
    assert_int_equal(e.status, 409);
    assert_int_equal(finish(w, id, at(2026, 3, 6, 16, 0)), 0);
    assert_int_equal(letters_of(w, id, "congratulation"), 1);
    /* a thanks letter may still mention the same dossier */
    letter_input th = {.unit_id = w->unit, .occasion = "feedback", .dossier_code = br.code,
                       .recipient_name = "Nguyễn Thị Hồng Nhung", .detail = "góp ý về giờ tiếp dân"};
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_create(w->d, w->a, &th, w->desk, at(2026, 3, 6, 17, 0), &lid, &e), 0);
    /* another dossier's marriage, finished on a Friday afternoon: its ceremony is on Monday */
    int64_t next = intake(w, marriage, false, at(2026, 3, 6, 8, 0));
    assert_int_equal(finish(w, next, at(2026, 3, 6, 16, 0)), 0);
    assert_int_equal(sql1(w->d, "SELECT ceremony_at FROM letters WHERE dossier_id = ?", next), at(2026, 3, 9, 9, 0));
}

/* ---- staff-written letters -------------------------------------------------------------------- */

static void staff_letters_are_checked_and_nothing_half_saved(void **state)
{
    world *w = *state;
    int64_t before = sql1(w->d, "SELECT COUNT(*) FROM letters WHERE ? > 0", 1);
    int64_t lid = 0;
    struct {
        letter_input in;
        int status;
        const char *field;
    } bad[] = {
        {{.unit_id = w->unit, .occasion = "contribution", .recipient_name = "  ", .detail = "hiến đất"}, 400, "recipient_name"},
        {{.unit_id = w->unit, .occasion = "contribution", .recipient_name = "Trần Văn Bình"}, 400, "detail"},
        {{.unit_id = w->unit, .occasion = "late", .recipient_name = "Trần Văn Bình"}, 400, "occasion"},
        {{.unit_id = w->unit, .occasion = "nope", .recipient_name = "Trần Văn Bình"}, 400, "occasion"},
        {{.unit_id = w->unit, .occasion = "death", .recipient_name = "Trần Văn Bình", .event_date = "31/02/2026"}, 400, "event_date"},
        {{.unit_id = w->unit, .occasion = "death", .recipient_name = "Trần Văn Bình", .recipient_phone = "12"}, 400, "recipient_phone"},
        {{.unit_id = w->unit, .occasion = "death", .recipient_name = "Trần Văn Bình", .dossier_code = "KHONG-CO"}, 400, "dossier_code"},
        {{.unit_id = w->unit, .occasion = "birth", .recipient_name = "Trần Văn Bình", .ceremony_at = "mai"}, 400, "ceremony_at"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err e = {0};
        assert_int_equal(letter_create(w->d, w->a, &bad[i].in, w->desk, at(2026, 3, 6, 9, 0), &lid, &e), -1);
        assert_int_equal(e.status, bad[i].status);
        assert_string_equal(e.field, bad[i].field);
    }
    assert_int_equal(sql1(w->d, "SELECT COUNT(*) FROM letters WHERE ? > 0", 1), before);
    letter_input ok = {.unit_id = w->unit, .occasion = "contribution", .recipient_name = "Trần Văn Bình",
                       .recipient_address = "Tổ dân phố 7", .detail = "hiến 120 m² đất mở rộng đường liên tổ",
                       .event_date = "05/03/2026", .ceremony_at = "2026-03-10T09:30"};
    err e = {0};
    assert_int_equal(letter_create(w->d, w->a, &ok, w->desk, at(2026, 3, 6, 9, 0), &lid, &e), 0);
    json_t *l = letter_get(w->d, w->a, lid);
    assert_string_equal(json_string_value(json_object_get(l, "kind")), "thanks");
    assert_string_equal(json_string_value(json_object_get(l, "event_date")), "2026-03-05");
    assert_int_equal(json_integer_value(json_object_get(l, "ceremony_at")), at(2026, 3, 10, 9, 30));
    assert_string_equal(json_string_value(json_object_get(l, "signer_title")), "Chủ tịch UBND phường");
    json_decref(l);
    assert_int_equal(sql1(w->d, "SELECT COUNT(*) FROM audit_log WHERE action = 'letter.create' AND entity_id = ?", lid), 1);
    /* the values a template is filled with */
    const char *v[LETTER_NVARS];
    assert_true(letter_values(w->d, w->a, lid, v));
    assert_string_equal(v[LV_RECIPIENT], "Trần Văn Bình");
    assert_string_equal(v[LV_EVENT_DATE], "ngày 05 tháng 3 năm 2026");
    assert_string_equal(v[LV_UNIT], "Ủy ban nhân dân phường Phan Đình Phùng");
    assert_string_equal(v[LV_PLACE], "Phan Đình Phùng");
    /* editing: fine while proposed */
    letter_input edit = ok;
    edit.recipient_name = "Trần Văn Bính";
    assert_int_equal(letter_update(w->d, w->a, lid, &edit, w->desk, at(2026, 3, 6, 10, 0), &e), 0);
    assert_int_equal(sqls(w->d, "SELECT COUNT(*) FROM letters WHERE recipient_name = ?", "Trần Văn Bính"), 1);
}

/* ---- delivery ----------------------------------------------------------------------------------- */

static int64_t thanks(world *w, int64_t unit, const char *name, const char *email, int64_t t)
{
    letter_input in = {.unit_id = unit, .occasion = "feedback", .recipient_name = name, .recipient_email = email,
                       .recipient_sex = strstr(name, " Văn ") ? "male" : "female",
                       .detail = "góp ý lắp đèn chiếu sáng ngõ 12"};
    int64_t id = 0;
    err e = {0};
    if (letter_create(w->d, w->a, &in, w->desk, t, &id, &e)) fail_msg("create: %s / %s", e.user, e.log);
    return id;
}

static int deliver(world *w, int64_t id, const char *method, const char *on, const char *tracking, int64_t now, err *e)
{
    letter_delivery dl = {.method = method, .delivered_on = on, .postal_tracking = tracking, .actor_id = w->leader,
                          .now = now, .note = "Trao tận tay"};
    return letter_deliver(w->d, w->a, id, &dl, e);
}

static void delivery_freezes_words_and_sends_electronic_copies(void **state)
{
    world *w = *state;
    int64_t now = at(2026, 3, 20, 10, 0);
    int64_t id = thanks(w, w->unit, "Lê Thị Mai", "", at(2026, 3, 9, 9, 0));
    err e = {0};
    assert_int_equal(deliver(w, id, "fax", NULL, NULL, now, &e), -1);
    assert_string_equal(e.field, "method");
    memset(&e, 0, sizeof e);
    assert_int_equal(deliver(w, id, "post", NULL, "", now, &e), -1);
    assert_string_equal(e.field, "postal_tracking");
    memset(&e, 0, sizeof e);
    assert_int_equal(deliver(w, id, "home", "2026-03-21", NULL, now, &e), -1);   /* tomorrow */
    assert_string_equal(e.field, "delivered_on");
    memset(&e, 0, sizeof e);
    assert_int_equal(deliver(w, id, "home", "2026-03-08", NULL, now, &e), -1);   /* before it was written */
    assert_string_equal(e.field, "delivered_on");
    memset(&e, 0, sizeof e);
    assert_int_equal(deliver(w, id, "home", "0001-01-01", NULL, now, &e), -1);
    assert_int_equal(e.status, 400);
    /* electronic needs an address or a phone: refused, and the letter is untouched */
    memset(&e, 0, sizeof e);
    assert_int_equal(deliver(w, id, "electronic", NULL, NULL, now, &e), -1);
    assert_int_equal(e.status, 400);
    assert_int_equal(sql1(w->d, "SELECT status = 'proposed' AND frozen IS NULL FROM letters WHERE id = ?", id), 1);
    /* delivered at home on a past day: frozen words, the deliverer's name, the letter's date */
    memset(&e, 0, sizeof e);
    assert_int_equal(deliver(w, id, "home", "18/03/2026", NULL, now, &e), 0);
    json_t *l = letter_get(w->d, w->a, id);
    assert_string_equal(json_string_value(json_object_get(l, "status")), "delivered");
    assert_int_equal(json_integer_value(json_object_get(l, "delivered_at")), at(2026, 3, 18, 12, 0));
    assert_int_equal(json_integer_value(json_object_get(l, "letter_date")), at(2026, 3, 18, 12, 0));
    assert_int_equal(sqls(w->d, "SELECT COUNT(*) FROM letters l JOIN users u ON u.full_name = l.delivered_by_name "
                                "WHERE u.username = ? AND l.delivered_by = u.id", "lanhdao1"), 1);
    assert_true(json_is_object(json_object_get(l, "frozen")));
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(l, "frozen"), "greeting")), "Lê Thị Mai"));
    json_decref(l);
    /* signed and headed as that day: a later renaming does not reach it */
    l = letter_get(w->d, w->a, id);
    assert_true(json_is_string(json_object_get(json_object_get(l, "frozen"), "header")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(l, "frozen"), "signer")), "Lê Minh Tuấn");
    json_decref(l);
    /* once delivered, it cannot change */
    letter_input edit = {.recipient_name = "Lê Thị Mai Anh", .detail = "góp ý"};
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_update(w->d, w->a, id, &edit, w->desk, now, &e), -1);
    assert_int_equal(e.status, 409);
    memset(&e, 0, sizeof e);
    assert_int_equal(deliver(w, id, "home", NULL, NULL, now, &e), -1);
    assert_int_equal(e.status, 409);
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_cancel(w->d, w->a, id, "nhầm", w->desk, now, &e), -1);
    assert_int_equal(e.status, 409);
    /* electronic: one 'letter' message with the recipient's link, the link finds the letter */
    int64_t el = thanks(w, w->unit, "Đỗ Văn Nam", "nam@example.vn", at(2026, 3, 9, 9, 0));
    memset(&e, 0, sizeof e);
    assert_int_equal(deliver(w, el, "electronic", NULL, NULL, now, &e), 0);
    json_t *j = letter_get(w->d, w->a, el);
    const char *token = json_string_value(json_object_get(j, "token"));
    assert_int_equal(strlen(token), 32);
    assert_int_equal(letter_id_by_token(w->d, token), el);
    assert_int_equal(letter_id_by_token(w->d, "0123"), -1);
    char like[96];
    snprintf(like, sizeof like, "%%/thu/x/%s.pdf%%", token);
    assert_int_equal(sqls(w->d, "SELECT COUNT(*) FROM outbox WHERE event = 'letter' AND channel = 'email' AND "
                                "recipient = 'nam@example.vn' AND body LIKE ?", like), 1);
    assert_int_equal(sqls(w->d, "SELECT COUNT(*) FROM outbox WHERE event = 'letter' AND subject LIKE ?", "%thư cảm ơn%"), 1);
    json_decref(j);
    /* cancelling needs a reason */
    int64_t c = thanks(w, w->unit, "Vũ Thị Hoa", "", at(2026, 3, 9, 9, 0));
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_cancel(w->d, w->a, c, "  ", w->desk, now, &e), -1);
    assert_string_equal(e.field, "reason");
    memset(&e, 0, sizeof e);
    assert_int_equal(letter_cancel(w->d, w->a, c, "Trùng thư đã gửi", w->desk, now, &e), 0);
    assert_int_equal(sql1(w->d, "SELECT status = 'cancelled' FROM letters WHERE id = ?", c), 1);
}

/* ---- lists and counts ------------------------------------------------------------------------------ */

static void counts_by_kind_and_month(void **state)
{
    world *w = *state;
    int64_t now = at(2026, 12, 31, 20, 0);
    struct {
        int64_t unit;
        const char *on;
    } plan[] = {
        {w->unit, "2026-03-15"}, {w->unit, "2026-03-31"}, {w->unit, "2026-07-01"},
        {w->other_unit, "2026-07-02"}, {w->unit, "2025-12-31"}, {w->unit, ""},   /* "" = today, 31/12 20:00 */
    };
    for (size_t i = 0; i < sizeof plan / sizeof plan[0]; i++) {
        int64_t id = thanks(w, plan[i].unit, "Hoàng Văn Đức", "", at(2025, 12, 1, 9, 0));
        err e = {0};
        if (deliver(w, id, "ceremony", plan[i].on, NULL, now, &e)) fail_msg("deliver: %s / %s", e.user, e.log);
    }
    /* 03:00 on 1 January in Vietnam is still 31 December in UTC: it counts in the new year */
    int64_t early = thanks(w, w->unit, "Hoàng Văn Đức", "", at(2026, 12, 31, 9, 0));
    err e = {0};
    if (deliver(w, early, "home", "", NULL, at(2027, 1, 1, 3, 0), &e)) fail_msg("deliver: %s / %s", e.user, e.log);
    thanks(w, w->unit, "Hoàng Văn Đức", "", at(2026, 5, 1, 9, 0));   /* not delivered: not counted */
    int64_t c[LETTER_NKINDS][13];
    assert_int_equal(letter_counts(w->d, w->unit, 2026, c), 0);
    assert_int_equal(c[LETTER_THANKS][0], 4);
    assert_int_equal(c[LETTER_THANKS][3], 2);
    assert_int_equal(c[LETTER_THANKS][7], 1);
    assert_int_equal(c[LETTER_THANKS][12], 1);
    assert_int_equal(c[LETTER_CONGRATULATION][0], 0);
    assert_int_equal(c[LETTER_APOLOGY][0], 0);
    /* the province counts its communes */
    assert_int_equal(letter_counts(w->d, w->province, 2026, c), 0);
    assert_int_equal(c[LETTER_THANKS][0], 5);
    assert_int_equal(c[LETTER_THANKS][7], 2);
    assert_int_equal(letter_counts(w->d, w->unit, 2027, c), 0);
    assert_int_equal(c[LETTER_THANKS][0], 1);
    assert_int_equal(c[LETTER_THANKS][1], 1);
    assert_int_equal(letter_counts(w->d, w->unit, 2025, c), 0);
    assert_int_equal(c[LETTER_THANKS][0], 1);
    assert_int_equal(c[LETTER_THANKS][12], 1);
    assert_int_equal(letter_counts(w->d, 999999, 2026, c), -1);
    json_t *j = letter_counts_json(w->d, w->a, w->unit, 2026);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 4);
    json_t *th = json_array_get(json_object_get(j, "kinds"), LETTER_THANKS);
    assert_string_equal(json_string_value(json_object_get(th, "kind")), "thanks");
    assert_int_equal(json_integer_value(json_array_get(json_object_get(th, "months"), 2)), 2);   /* March */
    json_decref(j);
}

static void lists_filter_and_fold(void **state)
{
    world *w = *state;
    int64_t now = at(2026, 3, 20, 10, 0);
    thanks(w, w->unit, "Đặng Thị Ngọc Ánh", "", at(2026, 3, 1, 9, 0));
    thanks(w, w->other_unit, "Đặng Văn Khác", "", at(2026, 3, 1, 9, 0));
    int64_t id = intake(w, w->birth, false, at(2026, 3, 2, 8, 0));
    assert_int_equal(finish(w, id, at(2026, 3, 2, 10, 0)), 0);
    int64_t total = 0;
    letter_query q = {.unit_id = w->unit, .q = "dang thi ngoc anh", .now = now};
    json_t *items = letter_list(w->d, w->a, &q, &total);
    assert_int_equal(total, 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "recipient_name")), "Đặng Thị Ngọc Ánh");
    json_decref(items);
    q = (letter_query){.unit_id = w->unit, .kind = "congratulation", .now = now};
    json_decref(letter_list(w->d, w->a, &q, &total));
    assert_int_equal(total, 1);
    q = (letter_query){.unit_id = w->unit, .status = "ceremony", .now = now};
    json_decref(letter_list(w->d, w->a, &q, &total));
    assert_int_equal(total, 1);
    /* the province sees both communes; a commune only itself */
    q = (letter_query){.unit_id = w->province, .q = "Đặng", .now = now};
    json_decref(letter_list(w->d, w->a, &q, &total));
    assert_int_equal(total, 2);
    int64_t ids[8];
    q = (letter_query){.unit_id = w->unit, .now = now};
    assert_int_equal(letter_list_ids(w->d, w->a, &q, ids, 8), 2);
    /* months later the congratulation is stale: out of the lists unless asked for */
    q = (letter_query){.unit_id = w->unit, .kind = "congratulation", .now = at(2026, 4, 20, 10, 0)};
    json_decref(letter_list(w->d, w->a, &q, &total));
    assert_int_equal(total, 0);
    q.status = "stale";
    json_decref(letter_list(w->d, w->a, &q, &total));
    assert_int_equal(total, 1);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/thanthien-letter-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_birth_result_proposes_one_congratulation, setup, teardown),
        cmocka_unit_test_setup_teardown(a_death_proposes_condolence_and_plain_procedures_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(consent_is_respected_but_apologies_are_owed, setup, teardown),
        cmocka_unit_test_setup_teardown(a_marriage_and_a_hand_written_letter_share_one_event, setup, teardown),
        cmocka_unit_test_setup_teardown(staff_letters_are_checked_and_nothing_half_saved, setup, teardown),
        cmocka_unit_test_setup_teardown(delivery_freezes_words_and_sends_electronic_copies, setup, teardown),
        cmocka_unit_test_setup_teardown(counts_by_kind_and_month, setup, teardown),
        cmocka_unit_test_setup_teardown(lists_filter_and_fold, setup, teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    testdir_remove(dir);
    return failed;
}
