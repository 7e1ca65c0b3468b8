/* test_indicators.c -- cmocka unit tests of the indicators, the register book's lines and the
 * demo dossiers, against real SQLite files.
 *
 * The indicator tests build one month of dossiers by hand through dossier_create and the
 * actions, each at a chosen instant (March 2026: no holiday in it, so the dates below hold
 * for the weekends-only calendar and for the real one), then check every count, rate and
 * average against figures worked out by hand in the comments, and read the XLSX back with
 * unzip. The demo tests check the generated history for the rules of the state machine and
 * that the same seed gives the same rows. */
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

#include "../../src/core/arena.h"
#include "../../src/core/calendar.h"
#include "../../src/demo/demo.h"
#include "../../src/dossier/dossier.h"
#include "../../src/dossier/indicators.h"
#include "../../src/store/db.h"

static char dir[64];

/* ---- helpers ------------------------------------------------------------------------------ */

static int64_t at(int y, int m, int d, int h, int min) { return cal_instant(cal_from_ymd(y, m, d), h * 60 + min); }

static cal_day day(int y, int m, int d) { return cal_from_ymd(y, m, d); }

static db *fresh_db(const char *name)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    err e = {0};
    db *d = db_open(path, &e);
    if (!d || db_migrate(d, &e) || demo_create(d, &e)) fail_msg("fresh_db: %s / %s", e.user, e.log);
    return d;
}

static int64_t sql_int(db *d, const char *sql, const char *arg)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s) fail_msg("bad sql: %s", sql);
    if (arg) db_bind_text(s, 1, arg);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static int64_t sql_intn(db *d, const char *sql, int64_t arg)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s) fail_msg("bad sql: %s", sql);
    db_bind_int(s, 1, arg);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static int64_t user_id(db *d, const char *username) { return sql_int(d, "SELECT id FROM users WHERE username = ?", username); }
static int64_t unit_id(db *d, const char *code) { return sql_int(d, "SELECT id FROM units WHERE code = ?", code); }
static int64_t proc_id(db *d, const char *code)
{
    return sql_int(d, "SELECT id FROM procedures WHERE code = ?", code);
}

typedef struct {
    db *d;
    arena *a;
    int64_t unit, other_unit, desk, specialist, leader, p3, same_day;
} world;

static int64_t intake(world *w, int64_t unit, int64_t proc, const char *channel, int64_t t)
{
    dossier_intake in = {.unit_id = unit, .procedure_id = proc, .applicant_name = "Nguyễn Thị Hồng Nhung",
                         .applicant_phone = "0912345678", .applicant_address = "Tổ 5", .channel = channel,
                         .return_method = "desk", .received_at = t};
    dossier_created out;
    err e = {0};
    if (dossier_create(w->d, w->a, &in, unit == w->unit ? w->desk : 0, &out, &e))
        fail_msg("intake: %s / %s", e.user, e.log);
    return out.id;
}

typedef int (*action_fn)(db *, arena *, int64_t, const dossier_action *, err *);

static void act(world *w, action_fn fn, int64_t id, int64_t actor, int64_t now, const dossier_action *extra)
{
    dossier_action a = extra ? *extra : (dossier_action){0};
    a.actor_id = actor;
    a.now = now;
    err e = {0};
    if (fn(w->d, w->a, id, &a, &e)) fail_msg("action on %lld: %s / %s", (long long)id, e.user, e.log);
}

static void finish(world *w, int64_t id, int64_t who, int64_t t) { act(w, dossier_finish, id, who, t, NULL); }

/* Reads one member of a zip file (unzip -p). */
static char *unzip_member(const char *zip, const char *member)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", zip, member);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0, got;
    char *out = malloc(cap);
    while ((got = fread(out + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 == cap) out = realloc(out, cap *= 2);
    }
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
    return out;
}

/* The <v> of cell ref ("B6") in a worksheet's XML, as text; "" when the cell is absent. */
static const char *cell(const char *xml, const char *ref)
{
    static char v[128];
    char key[32];
    snprintf(key, sizeof key, "<c r=\"%s\"", ref);
    const char *c = strstr(xml, key), *end = c ? strstr(c, "</c>") : NULL, *open = c ? strstr(c, "<v>") : NULL;
    v[0] = '\0';
    if (!c || !open || !end || open > end) return v;
    open += 3;
    const char *close = strstr(open, "</v>");
    snprintf(v, sizeof v, "%.*s", (int)(close - open), open);
    return v;
}

/* The shared string a text cell points to. */
static const char *text_cell(const char *sheet, const char *strings, const char *ref)
{
    static char t[512];
    int idx = atoi(cell(sheet, ref));
    const char *p = strings;
    for (int i = 0; i <= idx && p; i++) p = strstr(p + 1, "<si>");
    t[0] = '\0';
    if (!p) return t;
    const char *open = strchr(strstr(p, "<t"), '>') + 1, *close = strstr(open, "</t>");
    snprintf(t, sizeof t, "%.*s", (int)(close - open), open);
    return t;
}

static double num(const char *xml, const char *ref) { return atof(cell(xml, ref)); }

/* ---- the hand-made month ------------------------------------------------------------------------ */

static world W;
static int64_t ids[16];   /* A..N below */
enum { A, B, C, D, E, F, G, H, I, J, K, L, M, N };

/* March 2026, unit 05443 (the dossiers of 05602 must not count), procedure P3 of 3 working
 * days unless said otherwise. Closing hour 17:00, cut-off 15:00. now = Tue 10/3 12:00.
 *
 *   A  Mon 2/3 09:00, due Thu 5/3 17:00; done Tue 3/3 10:00 by the leader      early    25 h, 1 wd
 *   B  Mon 2/3 09:00, due Thu 5/3;       done Thu 5/3 16:00 by the leader      on time  79 h, 3 wd
 *   C  Mon 2/3 16:00 (after cut-off, D0 Tue), due Fri 6/3 17:00; done 17:00    on time  97 h, 3 wd
 *   D  Mon 2/3 09:00, due Thu 5/3; apology Thu 10:00, new date Mon 9/3;
 *      done Fri 6/3 11:00 by the leader: late (an apology does not make it on time)   98 h, 4 wd
 *   E  Tue 3/3 09:00, due Fri 6/3; still open on 10/3                          open late
 *   F  Mon 9/3 09:00, due Thu 12/3; open                                       open within time
 *   G  Mon 2/3 09:00, due 5/3; supplement Tue 3/3, resume Mon 9/3 09:00: due Thu 12/3;
 *      done Wed 11/3 10:00 by the specialist: early (the restarted clock)     217 h, 7 wd
 *   H  same-day procedure, Wed 4/3 10:00, due 4/3 17:00; done 11:00 by the desk  on time  1 h, 0 wd
 *   I  refused Wed 4/3;  J  withdrawn Thu 5/3;  K  supplement asked Wed 4/3, still waiting (paused)
 *   L  received Fri 27/2 09:00 (carried over), due Wed 4/3; done 4/3 15:00 by the desk  on time 126 h, 3 wd
 *   M  unit 05602, done late: not ours
 *   N  Mon 23/2 09:00, done Tue 24/2: finished before March, not in the period
 *
 * Totals: carried 1 (L); received 11; early 2 (A, G); on time 4 (B, C, H, L); late 1 (D);
 * open late 1 (E); open within time 2 (F, K); refused 1; withdrawn 1; apologies 1.
 * Graded 8: early 25 %, on time 50 %, timely 75 %, late 25 %.
 * Resolved 7: 643 hours (91,857 h each), 21 working days (3,0 each). */
static void build_month(void)
{
    world *w = &W;
    w->d = fresh_db("month.db");
    w->a = arena_new();
    w->unit = unit_id(w->d, "05443");
    w->other_unit = unit_id(w->d, "05602");
    w->desk = user_id(w->d, "canbo1");
    w->specialist = user_id(w->d, "chuyenvien1");
    w->leader = user_id(w->d, "lanhdao1");
    w->p3 = proc_id(w->d, "1.001022");        /* đăng ký nhận cha, mẹ, con: 3 working days */
    w->same_day = proc_id(w->d, "1.001193");  /* đăng ký khai sinh: same day */
    assert_int_equal(sql_int(w->d, "SELECT days FROM procedures WHERE code = ?", "1.001022"), 3);
    assert_int_equal(sql_int(w->d, "SELECT days FROM procedures WHERE code = ?", "1.001193"), 0);
    int64_t u = w->unit, p = w->p3;

    ids[N] = intake(w, u, p, "desk", at(2026, 2, 23, 9, 0));
    finish(w, ids[N], w->leader, at(2026, 2, 24, 10, 0));
    ids[L] = intake(w, u, p, "desk", at(2026, 2, 27, 9, 0));
    finish(w, ids[L], w->desk, at(2026, 3, 4, 15, 0));

    ids[A] = intake(w, u, p, "desk", at(2026, 3, 2, 9, 0));
    dossier_action hand = {.to_user_id = w->leader};
    act(w, dossier_handover, ids[A], w->desk, at(2026, 3, 2, 9, 30), &hand);
    finish(w, ids[A], w->leader, at(2026, 3, 3, 10, 0));
    dossier_action ret = {.return_method = "desk", .fee_paid = "0", .visits = "2"};
    act(w, dossier_return, ids[A], w->desk, at(2026, 3, 4, 8, 0), &ret);

    ids[B] = intake(w, u, p, "online", at(2026, 3, 2, 9, 0));
    finish(w, ids[B], w->leader, at(2026, 3, 5, 16, 0));
    act(w, dossier_return, ids[B], w->desk, at(2026, 3, 6, 8, 0), &ret);

    ids[C] = intake(w, u, p, "desk", at(2026, 3, 2, 16, 0));
    finish(w, ids[C], w->leader, at(2026, 3, 6, 17, 0));

    ids[D] = intake(w, u, p, "post", at(2026, 3, 2, 9, 0));
    dossier_action sorry = {.reason = "Cần xác minh thêm", .new_due_date = "2026-03-09"};
    act(w, dossier_apologize, ids[D], w->desk, at(2026, 3, 5, 10, 0), &sorry);
    finish(w, ids[D], w->leader, at(2026, 3, 6, 11, 0));

    ids[E] = intake(w, u, p, "desk", at(2026, 3, 3, 9, 0));
    ids[F] = intake(w, u, p, "online", at(2026, 3, 9, 9, 0));

    ids[G] = intake(w, u, p, "desk", at(2026, 3, 2, 9, 0));
    dossier_action sup = {.reason = "Thiếu giấy tờ", .papers = "Bản sao giấy khai sinh"};
    act(w, dossier_request_supplement, ids[G], w->desk, at(2026, 3, 3, 10, 0), &sup);
    act(w, dossier_resume, ids[G], w->desk, at(2026, 3, 9, 9, 0), NULL);
    finish(w, ids[G], w->specialist, at(2026, 3, 11, 10, 0));

    ids[H] = intake(w, u, w->same_day, "desk", at(2026, 3, 4, 10, 0));
    finish(w, ids[H], w->desk, at(2026, 3, 4, 11, 0));

    ids[I] = intake(w, u, p, "desk", at(2026, 3, 4, 9, 0));
    dossier_action no = {.reason = "Không thuộc thẩm quyền"};
    act(w, dossier_refuse, ids[I], w->leader, at(2026, 3, 4, 10, 0), &no);
    ids[J] = intake(w, u, p, "desk", at(2026, 3, 4, 9, 30));
    dossier_action out = {.reason = "Người nộp xin rút"};
    act(w, dossier_withdraw, ids[J], w->desk, at(2026, 3, 5, 9, 0), &out);
    ids[K] = intake(w, u, p, "online", at(2026, 3, 3, 9, 0));
    act(w, dossier_request_supplement, ids[K], w->desk, at(2026, 3, 4, 10, 0), &sup);

    ids[M] = intake(w, w->other_unit, p, "desk", at(2026, 3, 2, 9, 0));
    finish(w, ids[M], user_id(w->d, "canbo2"), at(2026, 3, 10, 9, 0));
}

static int month_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/thanthien-ind-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    build_month();
    return 0;
}

static int month_teardown(void **state)
{
    (void)state;
    arena_free(W.a);
    db_close(W.d);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static ind_report march(arena *a)
{
    ind_report r;
    err e = {0};
    if (indicators_compute(W.d, a, W.unit, day(2026, 3, 1), day(2026, 3, 31), at(2026, 3, 10, 12, 0), &r, &e))
        fail_msg("compute: %s / %s", e.user, e.log);
    return r;
}

static void assert_counts(const ind_counts *c, int64_t carried, int64_t received, int64_t early, int64_t on_time,
                          int64_t late, int64_t open_late, int64_t open_ok, int64_t refused, int64_t withdrawn,
                          int64_t apologies)
{
    assert_int_equal(c->carried, carried);
    assert_int_equal(c->received, received);
    assert_int_equal(c->early, early);
    assert_int_equal(c->on_time, on_time);
    assert_int_equal(c->late, late);
    assert_int_equal(c->open_late, open_late);
    assert_int_equal(c->open_ok, open_ok);
    assert_int_equal(c->refused, refused);
    assert_int_equal(c->withdrawn, withdrawn);
    assert_int_equal(c->apologies, apologies);
}

static void totals_match_the_hand_count(void **state)
{
    (void)state;
    arena *a = arena_new();
    ind_report r = march(a);
    assert_string_equal(r.unit_code, "05443");
    assert_int_equal(r.as_of, at(2026, 3, 10, 12, 0));
    assert_counts(&r.total, 1, 11, 2, 4, 1, 1, 2, 1, 1, 1);
    assert_int_equal(indicators_graded(&r.total), 8);
    assert_int_equal(r.total.secs, 643 * 3600);
    assert_int_equal(r.total.wdays, 21);
    /* the view model: rates of the graded dossiers, Vietnamese decimal comma */
    json_t *j = indicators_json(a, &r), *t = json_object_get(j, "total");
    assert_string_equal(json_string_value(json_object_get(t, "early_rate_text")), "25,0%");
    assert_string_equal(json_string_value(json_object_get(t, "on_time_rate_text")), "50,0%");
    assert_string_equal(json_string_value(json_object_get(t, "timely_rate_text")), "75,0%");
    assert_string_equal(json_string_value(json_object_get(t, "late_rate_text")), "25,0%");
    assert_string_equal(json_string_value(json_object_get(t, "avg_wdays_text")), "3,0");
    assert_string_equal(json_string_value(json_object_get(t, "avg_hours_text")), "91,9");
    assert_int_equal(json_integer_value(json_object_get(t, "to_handle")), 12);
    assert_int_equal(json_integer_value(json_object_get(t, "resolved")), 7);
    assert_string_equal(json_string_value(json_object_get(j, "from")), "2026-03-01");
    json_decref(j);
    arena_free(a);
}

static void an_apology_does_not_make_it_on_time(void **state)
{
    (void)state;
    /* D was done before its new date but after the slip's: late, in every table */
    db_stmt *s = db_prepare(W.d, "SELECT apology_count, due_at > done_at, original_due_at < done_at FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, ids[D]);
    assert_int_equal(db_step(s), DB_ROW);
    assert_int_equal(db_col_int(s, 0), 1);
    assert_int_equal(db_col_int(s, 1), 1);
    assert_int_equal(db_col_int(s, 2), 1);
    db_done(s);
    arena *a = arena_new();
    ind_report r = march(a);
    const ind_row *post = NULL;
    for (size_t i = 0; i < r.by_channel.n; i++)
        if (!strcmp(r.by_channel.rows[i].key, "post")) post = &r.by_channel.rows[i];
    assert_non_null(post);
    assert_counts(&post->c, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1);
    /* and a supplement's restart is the law: G is early against its restarted clock */
    s = db_prepare(W.d, "SELECT done_at > original_due_at, done_at < due_at FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, ids[G]);
    assert_int_equal(db_step(s), DB_ROW);
    assert_int_equal(db_col_int(s, 0), 1);
    assert_int_equal(db_col_int(s, 1), 1);
    db_done(s);
    arena_free(a);
}

static void tables_by_procedure_official_channel(void **state)
{
    (void)state;
    arena *a = arena_new();
    ind_report r = march(a);
    /* procedures: P3 first (12 to handle: L carried, 10 received), then khai sinh (H) */
    assert_int_equal(r.by_procedure.n, 2);
    assert_int_equal(atoll(r.by_procedure.rows[0].key), W.p3);
    assert_counts(&r.by_procedure.rows[0].c, 1, 10, 2, 3, 1, 1, 2, 1, 1, 1);
    assert_string_equal(r.by_procedure.rows[1].label, "Thủ tục đăng ký khai sinh");
    assert_counts(&r.by_procedure.rows[1].c, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0);
    assert_int_equal(r.by_procedure.rows[1].c.wdays, 0);
    /* officials, most resolved first: the leader A B C D, the desk H L, the specialist G;
     * dossiers without a result are in no official's row */
    assert_int_equal(r.by_official.n, 3);
    assert_string_equal(r.by_official.rows[0].label, "Phạm Văn Lãnh Đạo");
    assert_counts(&r.by_official.rows[0].c, 0, 4, 1, 2, 1, 0, 0, 0, 0, 1);
    assert_int_equal(r.by_official.rows[0].c.wdays, 1 + 3 + 3 + 4);
    assert_int_equal(r.by_official.rows[0].c.secs, (25 + 79 + 97 + 98) * 3600);
    assert_string_equal(r.by_official.rows[1].label, "Trần Văn Một Cửa");
    assert_counts(&r.by_official.rows[1].c, 1, 1, 0, 2, 0, 0, 0, 0, 0, 0);
    assert_string_equal(r.by_official.rows[2].label, "Lê Thị Chuyên Viên");
    assert_counts(&r.by_official.rows[2].c, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0);
    assert_int_equal(r.by_official.rows[2].c.wdays, 7);
    /* channels, most first: desk A C E G H I J L, online B F K, post D */
    assert_int_equal(r.by_channel.n, 3);
    assert_string_equal(r.by_channel.rows[0].key, "desk");
    assert_string_equal(r.by_channel.rows[0].label, "Trực tiếp tại Bộ phận Một cửa");
    assert_counts(&r.by_channel.rows[0].c, 1, 7, 2, 3, 0, 1, 0, 1, 1, 0);
    assert_string_equal(r.by_channel.rows[1].key, "online");
    assert_counts(&r.by_channel.rows[1].c, 0, 3, 0, 1, 0, 0, 2, 0, 0, 0);
    json_t *j = indicators_json(a, &r);
    json_t *desk = json_array_get(json_object_get(j, "by_channel"), 0);
    assert_string_equal(json_string_value(json_object_get(desk, "timely_rate_text")), "83,3%");
    json_decref(j);
    arena_free(a);
}

static void months_are_periods_of_their_own(void **state)
{
    (void)state;
    arena *a = arena_new();
    ind_report r;
    err e = {0};
    assert_int_equal(indicators_compute(W.d, a, W.unit, day(2026, 2, 23), day(2026, 3, 31), at(2026, 3, 10, 12, 0), &r, &e), 0);
    assert_int_equal(r.by_month.n, 2);
    /* February (23-28): N received and done early; L received, still within time at the end */
    assert_string_equal(r.by_month.rows[0].key, "2026-02");
    assert_string_equal(r.by_month.rows[0].label, "02/2026");
    assert_counts(&r.by_month.rows[0].c, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0);
    /* March is the month above: L carried over */
    assert_counts(&r.by_month.rows[1].c, 1, 11, 2, 4, 1, 1, 2, 1, 1, 1);
    /* the whole period counts N and L as received */
    assert_counts(&r.total, 0, 13, 3, 4, 1, 1, 2, 1, 1, 1);
    /* a past period judges open dossiers at its end, 6/3 00:00. Received 2-5/3: A B C D E G H
     * I J K, and L carried. Resolved by then: A early; B, H, L on time. Open at the end: D is
     * late (its legal due, 5/3 17:00, had passed; the apology on the 5th does not change it);
     * C, E (due 6/3 17:00), G and K (paused) are within time. I refused, J withdrawn. */
    assert_int_equal(indicators_compute(W.d, a, W.unit, day(2026, 3, 2), day(2026, 3, 5), at(2026, 3, 10, 12, 0), &r, &e), 0);
    assert_int_equal(r.as_of, at(2026, 3, 6, 0, 0));
    assert_counts(&r.total, 1, 10, 1, 3, 0, 1, 4, 1, 1, 1);
    arena_free(a);
}

static void workbook_reads_back(void **state)
{
    (void)state;
    arena *a = arena_new();
    ind_report r = march(a);
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(indicators_xlsx(a, &r, &out, &e), 0);
    assert_true(out.len > 1000);
    assert_memory_equal(out.data, "PK", 2);
    char path[128];
    snprintf(path, sizeof path, "%s/chi-so.xlsx", dir);
    FILE *f = fopen(path, "wb");
    fwrite(out.data, 1, out.len, f);
    fclose(f);
    char *book = unzip_member(path, "xl/workbook.xml");
    const char *sheets[] = {"Tổng hợp", "Theo thủ tục", "Theo cán bộ", "Theo kênh", "Theo tháng"};
    for (int i = 0; i < 5; i++) assert_non_null(strstr(book, sheets[i]));
    char *strings = unzip_member(path, "xl/sharedStrings.xml");
    char *s1 = unzip_member(path, "xl/worksheets/sheet1.xml");
    assert_string_equal(text_cell(s1, strings, "A2"), "Phường Phan Đình Phùng");
    /* Tổng hợp: label in A, count in B, rate (a fraction, shown as %) in C, from row 6 */
    assert_string_equal(text_cell(s1, strings, "A6"), "Hồ sơ kỳ trước chuyển sang");
    assert_int_equal(atoi(cell(s1, "B6")), 1);
    assert_int_equal(atoi(cell(s1, "B7")), 11);
    assert_int_equal(atoi(cell(s1, "B8")), 12);
    assert_int_equal(atoi(cell(s1, "B9")), 7);
    assert_string_equal(text_cell(s1, strings, "A10"), "– Trước hạn");
    assert_int_equal(atoi(cell(s1, "B10")), 2);
    assert_true(num(s1, "C10") > 0.2499 && num(s1, "C10") < 0.2501);
    assert_int_equal(atoi(cell(s1, "B11")), 4);
    assert_true(num(s1, "C11") > 0.4999 && num(s1, "C11") < 0.5001);
    assert_int_equal(atoi(cell(s1, "B12")), 1);
    assert_int_equal(atoi(cell(s1, "B13")), 1);
    assert_int_equal(atoi(cell(s1, "B14")), 2);
    assert_int_equal(atoi(cell(s1, "B17")), 1);
    /* D's apology was made on its due day, before the due time: not a late one */
    assert_string_equal(text_cell(s1, strings, "A18"), "– Trong đó lập sau ngày hẹn trả kết quả (muộn so với quy định)");
    assert_int_equal(atoi(cell(s1, "B18")), 0);
    assert_string_equal(text_cell(s1, strings, "A19"), "Trước hạn và đúng hạn");
    assert_true(num(s1, "C19") > 0.7499 && num(s1, "C19") < 0.7501);
    assert_true(num(s1, "B21") > 2.999 && num(s1, "B21") < 3.001);
    assert_true(num(s1, "B22") > 91.85 && num(s1, "B22") < 91.86);
    /* Theo cán bộ: the leader's row, then the sum of the rows */
    char *s3 = unzip_member(path, "xl/worksheets/sheet3.xml");
    assert_string_equal(text_cell(s3, strings, "A5"), "Phạm Văn Lãnh Đạo");
    assert_int_equal(atoi(cell(s3, "E5")), 1);   /* early */
    assert_int_equal(atoi(cell(s3, "F5")), 2);   /* on time */
    assert_int_equal(atoi(cell(s3, "G5")), 1);   /* late */
    assert_true(num(s3, "N5") > 0.2499 && num(s3, "N5") < 0.2501);   /* after the late-apology column */
    assert_string_equal(text_cell(s3, strings, "A8"), "Tổng cộng");
    assert_int_equal(atoi(cell(s3, "F8")), 4);
    /* Theo tháng: one row, March */
    char *s5 = unzip_member(path, "xl/worksheets/sheet5.xml");
    assert_string_equal(text_cell(s5, strings, "A5"), "03/2026");
    assert_int_equal(atoi(cell(s5, "C5")), 11);
    assert_string_equal(cell(s5, "A6"), "");
    free(book);
    free(strings);
    free(s1);
    free(s3);
    free(s5);
    arena_free(a);
}

static void register_lines_for_the_period(void **state)
{
    (void)state;
    arena *a = arena_new();
    form_register_row *rows = NULL;
    size_t n = 0;
    err e = {0};
    assert_int_equal(indicators_register_rows(W.d, a, W.unit, day(2026, 3, 1), day(2026, 3, 31), at(2026, 3, 10, 12, 0),
                                              &rows, &n, &e), 0);
    assert_int_equal(n, 11);   /* received in March at 05443: not L, M, N */
    /* in order of receipt: A B D G (2/3 09:00, by id), C (2/3 16:00), E K (3/3), I J H (4/3), F */
    int64_t order[] = {ids[A], ids[B], ids[D], ids[G], ids[C], ids[E], ids[K], ids[I], ids[J], ids[H], ids[F]};
    for (size_t i = 0; i < n; i++) {
        db_stmt *s = db_prepare(W.d, "SELECT code, book_seq FROM dossiers WHERE id = ?");
        db_bind_int(s, 1, order[i]);
        assert_int_equal(db_step(s), DB_ROW);
        assert_string_equal(rows[i].code, db_col_text(s, 0));
        assert_int_equal(rows[i].seq, db_col_int(s, 1));
        db_done(s);
    }
    const form_register_row *a0 = &rows[0], *d = &rows[2], *g = &rows[3], *e0 = &rows[5], *refused = &rows[7];
    assert_string_equal(a0->procedure_name, "Thủ tục đăng ký nhận cha, mẹ, con");
    assert_string_equal(a0->applicant_contact, "Tổ 5; 0912345678");
    assert_string_equal(a0->resolving_body, "Phường Phan Đình Phùng");
    assert_int_equal(a0->received_at, at(2026, 3, 2, 9, 0));
    assert_int_equal(a0->due_at, at(2026, 3, 5, 17, 0));
    assert_int_equal(a0->transferred_at, at(2026, 3, 2, 9, 30));
    assert_int_equal(a0->done_at, at(2026, 3, 3, 10, 0));
    assert_int_equal(a0->returned_at, at(2026, 3, 4, 8, 0));
    assert_string_equal(a0->note, "Đã trả kết quả");
    /* the book keeps the slip's date; the note tells the apology and the lateness */
    assert_int_equal(d->due_at, at(2026, 3, 5, 17, 0));
    assert_string_equal(d->note, "Đã có kết quả; quá hạn; đã xin lỗi, hẹn lại 09/03/2026");
    assert_string_equal(g->note, "Đã có kết quả");
    assert_string_equal(e0->note, "Đã tiếp nhận; quá hạn");
    assert_int_equal(refused->done_at, 0);
    assert_string_equal(refused->note, "Từ chối giải quyết ngày 04/03/2026: Không thuộc thẩm quyền");
    arena_free(a);
}

static void period_defaults_and_refusals(void **state)
{
    (void)state;
    cal_day from, to;
    err e = {0};
    int64_t now = at(2026, 11, 23, 10, 0);
    assert_int_equal(indicators_period(NULL, "", now, &from, &to, &e), 0);
    assert_int_equal(from, day(2026, 1, 1));
    assert_int_equal(to, day(2026, 11, 23));
    assert_int_equal(indicators_period("2025-04-01", "2025-06-30", now, &from, &to, &e), 0);
    assert_int_equal(from, day(2025, 4, 1));
    assert_int_equal(to, day(2025, 6, 30));
    assert_int_equal(indicators_period("2025-13-01", NULL, now, &from, &to, &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "tu");
    memset(&e, 0, sizeof e);
    assert_int_equal(indicators_period("2025-06-01", "2025-05-31", now, &from, &to, &e), -1);
    assert_non_null(strstr(e.user, "trước hoặc trùng"));
    memset(&e, 0, sizeof e);
    assert_int_equal(indicators_period("2010-01-01", "2025-01-01", now, &from, &to, &e), -1);
    assert_non_null(strstr(e.user, "mười năm"));
    memset(&e, 0, sizeof e);
    assert_int_equal(indicators_period(NULL, "ngày mai", now, &from, &to, &e), -1);
    assert_string_equal(e.field, "den");
    /* an empty unit and period: zeros, no rows, no division by zero (the department receives
     * no dossiers; the province would sum its communes') */
    arena *a = arena_new();
    ind_report r;
    assert_int_equal(indicators_compute(W.d, a, unit_id(W.d, "19-SNV"), day(2026, 3, 1), day(2026, 3, 31), now, &r, &e), 0);
    assert_int_equal(indicators_graded(&r.total), 0);
    assert_int_equal(r.by_procedure.n, 0);
    json_t *j = indicators_json(a, &r);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "total"), "timely_rate_text")), "–");
    json_decref(j);
    assert_int_equal(indicators_compute(W.d, a, 999999, day(2026, 3, 1), day(2026, 3, 31), now, &r, &e), -1);
    assert_int_equal(e.status, 404);
    arena_free(a);
}

/* ---- the demo ---------------------------------------------------------------------------------- */

/* A fingerprint of every dossier, step and notice: equal for equal databases. */
static int64_t fingerprint(db *d)
{
    return sql_int(d, "SELECT (SELECT SUM(length(code || secret || status || applicant_name || applicant_phone) * (id % 97) "
                      "+ received_at % 1000003 + due_at % 999983 + COALESCE(done_at, 7) % 1009) FROM dossiers) "
                      "+ (SELECT SUM(at % 1000003 + seq * length(kind || from_name || to_name)) FROM dossier_steps) "
                      "+ (SELECT SUM(number * 31 + at % 1013) FROM dossier_notices)", NULL);
}

static void demo_history_is_realistic_and_consistent(void **state)
{
    (void)state;
    db *d = fresh_db("demo.db");
    err e = {0};
    int64_t now = at(2026, 3, 10, 12, 0);
    assert_int_equal(demo_dossiers(d, now, DEMO_SEED, &e), 0);
    int64_t total = sql_int(d, "SELECT COUNT(*) FROM dossiers", NULL);
    /* about 15 months of the first two desks, 14 and 7 a working day (their rows do not
     * depend on the other units: those draw from streams of their own) */
    int64_t first_two = sql_int(d, "SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.code IN "
                                   "('05443', '05602')", NULL);
    assert_true(first_two > 6000 && first_two < 9000);
    /* every commune and department of the province has its history; the province none */
    assert_true(sql_int(d, "SELECT COUNT(*) FROM units WHERE kind = 'commune'", NULL) >= 12);
    assert_true(sql_int(d, "SELECT COUNT(*) FROM units WHERE kind = 'department'", NULL) >= 3);
    assert_int_equal(sql_int(d, "SELECT COUNT(*) FROM units u WHERE u.kind IN ('commune', 'department') AND (SELECT "
                                "COUNT(*) FROM dossiers d WHERE d.unit_id = u.id) < 100", NULL),
                     0);
    assert_int_equal(sql_int(d, "SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.kind = "
                                "'province'", NULL),
                     0);
    assert_int_equal(sql_intn(d, "SELECT COUNT(*) FROM dossiers WHERE received_at > ?", now), 0);
    assert_int_equal(sql_int(d, "SELECT MIN(received_at) >= CAST(strftime('%s', '2024-11-30T17:00:00') AS INTEGER) FROM dossiers", NULL), 1);
    /* on time 85-92 % over 2025 for each commune; some early; late and apologised ones */
    arena *a = arena_new();
    const char *communes[] = {"05443", "05602"};
    for (int i = 0; i < 2; i++) {
        ind_report r;
        assert_int_equal(indicators_compute(d, a, unit_id(d, communes[i]), day(2025, 1, 1), day(2025, 12, 31), now, &r, &e), 0);
        double timely = indicators_rate(r.total.early + r.total.on_time, indicators_graded(&r.total));
        if (timely < 85 || timely > 92.5) fail_msg("commune %s: %.1f %% on time", communes[i], timely);
        assert_true(r.total.early > r.total.received / 20);
        assert_true(r.total.apologies > 20);
        assert_true(r.total.refused > 0 && r.total.withdrawn > 0);
        assert_true(r.by_channel.n >= 5);
        assert_true(r.by_procedure.n >= 10);
    }
    /* the profiles (units.json "demo") make desks that differ: Tích Lương and Phổ Yên nearly
     * always on time, Bình Yên and Quan Triều late far more often, the rest between */
    double best = 100, worst = 0;
    const char *good[] = {"05500", "05860"}, *poor[] = {"05587", "05482"};
    for (int i = 0; i < 2; i++) {
        ind_report r;
        assert_int_equal(indicators_compute(d, a, unit_id(d, good[i]), day(2025, 1, 1), day(2025, 12, 31), now, &r, &e), 0);
        double timely = indicators_rate(r.total.early + r.total.on_time, indicators_graded(&r.total));
        if (timely < 96) fail_msg("exemplary %s: %.1f %% on time", good[i], timely);
        best = timely < best ? timely : best;
        assert_int_equal(indicators_compute(d, a, unit_id(d, poor[i]), day(2025, 1, 1), day(2025, 12, 31), now, &r, &e), 0);
        timely = indicators_rate(r.total.early + r.total.on_time, indicators_graded(&r.total));
        if (timely > 85) fail_msg("poor %s: %.1f %% on time", poor[i], timely);
        worst = timely > worst ? timely : worst;
    }
    assert_true(best - worst > 10);
    arena_free(a);
    /* the rules of the state machine hold for every row */
    const char *never[] = {
        /* codes: agency-yymmdd-seq of the day of receipt, unique */
        "SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE d.code NOT LIKE u.code || '-' || "
        "strftime('%y%m%d', d.received_at + 25200, 'unixepoch') || '-____'",
        "SELECT COUNT(*) FROM (SELECT unit_id, substr(code, -11, 6) AS dd, COUNT(*) AS n, MAX(CAST(substr(code, -4) AS "
        "INTEGER)) AS top FROM dossiers GROUP BY 1, 2) WHERE n <> top",
        "SELECT COUNT(*) FROM dossiers WHERE length(secret) <> 6 OR secret GLOB '*[01OIL]*'",
        /* the counters continue from the rows */
        "SELECT COUNT(*) FROM (SELECT unit_id, 'D' || strftime('%Y-%m-%d', received_at + 25200, 'unixepoch') AS p, "
        "COUNT(*) AS n FROM dossiers GROUP BY 1, 2) x LEFT JOIN dossier_counters c ON c.unit_id = x.unit_id AND "
        "c.period = x.p WHERE c.last IS NOT x.n",
        "SELECT COUNT(*) FROM (SELECT unit_id, strftime('%Y', received_at + 25200, 'unixepoch') AS y, MAX(book_seq) AS m, "
        "COUNT(*) AS n FROM dossiers GROUP BY 1, 2) x LEFT JOIN dossier_counters c ON c.unit_id = x.unit_id AND "
        "c.period = 'Y' || x.y WHERE c.last IS NOT x.m OR x.m <> x.n",
        /* times run forwards */
        "SELECT COUNT(*) FROM dossiers WHERE done_at < received_at OR returned_at < done_at OR due_at < received_at "
        "OR updated_at > CAST(strftime('%s', '2026-03-10T05:00:00') AS INTEGER)",
        "SELECT COUNT(*) FROM dossier_steps s JOIN dossier_steps t ON t.dossier_id = s.dossier_id AND t.seq = s.seq + 1 "
        "WHERE t.at < s.at",
        /* statuses agree with their columns */
        "SELECT COUNT(*) FROM dossiers WHERE (status IN ('done', 'returned', 'refused', 'withdrawn')) <> (done_at IS NOT NULL)",
        "SELECT COUNT(*) FROM dossiers WHERE (status = 'returned') <> (returned_at IS NOT NULL AND visits IS NOT NULL "
        "AND fee_paid IS NOT NULL)",
        "SELECT COUNT(*) FROM dossiers WHERE (status = 'supplement') <> (paused_at IS NOT NULL)",
        /* the fee is the catalogue's, the postal return has a tracking number */
        "SELECT COUNT(*) FROM dossiers d JOIN procedures p ON p.id = d.procedure_id WHERE d.fee <> COALESCE(p.fee, 0) "
        "OR d.fee_paid <> d.fee OR d.days <> p.days",
        "SELECT COUNT(*) FROM dossiers WHERE status = 'returned' AND return_method = 'post' AND postal_tracking NOT GLOB "
        "'EB[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]VN'",
        /* one open step while a dossier is worked on, none when it waits or is closed */
        "SELECT COUNT(*) FROM dossiers d WHERE (SELECT COUNT(*) FROM dossier_steps s WHERE s.dossier_id = d.id AND "
        "s.done_at IS NULL AND s.kind IN ('receive', 'handover', 'resume')) <> (d.status IN ('received', 'in_progress'))",
        /* steps counted and numbered 1..n; the notices match their counts; apologies move the date later */
        "SELECT COUNT(*) FROM dossiers d WHERE (SELECT COUNT(*) FROM dossier_steps s WHERE s.dossier_id = d.id) <> "
        "(SELECT MAX(seq) FROM dossier_steps s WHERE s.dossier_id = d.id)",
        "SELECT COUNT(*) FROM dossiers d WHERE apology_count <> (SELECT COUNT(*) FROM dossier_notices n WHERE "
        "n.dossier_id = d.id AND n.kind = 'apology') OR supplement_count <> (SELECT COUNT(*) FROM dossier_notices n "
        "WHERE n.dossier_id = d.id AND n.kind = 'supplement')",
        "SELECT COUNT(*) FROM dossier_notices WHERE kind = 'apology' AND (new_due_at <= old_due_at OR new_due_at <= at)",
        "SELECT COUNT(*) FROM dossiers WHERE supplement_count = 0 AND apology_count = 0 AND due_at <> original_due_at",
        /* notices numbered 1..n per unit, year and kind */
        "SELECT COUNT(*) FROM (SELECT d.unit_id, n.kind, strftime('%Y', n.at + 25200, 'unixepoch') AS y, COUNT(*) AS c, "
        "MAX(n.number) AS m, COUNT(DISTINCT n.number) AS k FROM dossier_notices n JOIN dossiers d ON d.id = n.dossier_id "
        "GROUP BY 1, 2, 3) WHERE c <> m OR c <> k",
        /* who: the demo officials; the first commune's results signed by its leader or done at the desk */
        "SELECT COUNT(*) FROM dossier_steps s JOIN dossiers d ON d.id = s.dossier_id JOIN units u ON u.id = d.unit_id "
        "WHERE u.code = '05443' AND s.kind = 'done' AND s.from_user_id NOT IN (SELECT id FROM users WHERE username IN "
        "('canbo1', 'chuyenvien1', 'lanhdao1'))",
    };
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
        int64_t bad = sql_int(d, never[i], NULL);
        if (bad != 0) fail_msg("%lld rows break: %s", (long long)bad, never[i]);
    }
    /* a realistic mix */
    assert_true(sql_int(d, "SELECT COUNT(*) FROM dossiers WHERE status = 'returned' AND return_method = 'post'", NULL) > 100);
    assert_true(sql_int(d, "SELECT COUNT(*) FROM dossiers WHERE supplement_count = 1", NULL) > 10);
    assert_true(sql_int(d, "SELECT 100 * SUM(visits <= 2) / COUNT(*) FROM dossiers WHERE visits IS NOT NULL", NULL) >= 90);
    assert_true(sql_int(d, "SELECT 100 * SUM(channel = 'desk') / COUNT(*) FROM dossiers", NULL) > 50);
    assert_true(sql_int(d, "SELECT COUNT(DISTINCT channel) FROM dossiers", NULL) == 6);
    assert_int_equal(sql_int(d, "SELECT COUNT(*) FROM dossiers WHERE channel = 'mobile' AND strftime('%w', received_at + "
                                "25200, 'unixepoch') <> '6'", NULL), 0);
    /* open now: some due soon, a few already late, none received in the future */
    int64_t open = sql_int(d, "SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.code IN "
                              "('05443', '05602') AND status IN ('received', 'in_progress', 'supplement')", NULL);
    int64_t late = sql_int(d, "SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.code IN "
                              "('05443', '05602') AND status IN ('received', 'in_progress') AND due_at < "
                              "CAST(strftime('%s', '2026-03-10T05:00:00') AS INTEGER)", NULL);
    assert_true(open >= 10);
    if (!(late >= 1 && late <= 10)) fail_msg("open %lld, late %lld", (long long)open, (long long)late);
    /* no audit rows and no messages for history */
    assert_int_equal(sql_int(d, "SELECT COUNT(*) FROM audit_log WHERE entity = 'dossier'", NULL), 0);
    /* the same seed and now give the same rows */
    db *twin = fresh_db("demo2.db");
    assert_int_equal(demo_dossiers(twin, now, DEMO_SEED, &e), 0);
    assert_int_equal(sql_int(twin, "SELECT COUNT(*) FROM dossiers", NULL), total);
    assert_int_equal(fingerprint(twin), fingerprint(d));
    db_close(twin);
    /* the next intake continues the day's sequence and the year's register */
    int64_t c1 = unit_id(d, "05443");
    int64_t seq_before = sql_intn(d, "SELECT last FROM dossier_counters WHERE period = 'D2026-03-10' AND unit_id = ?", c1);
    int64_t book_before = sql_intn(d, "SELECT last FROM dossier_counters WHERE period = 'Y2026' AND unit_id = ?", c1);
    assert_true(seq_before > 0 && book_before > 0);
    world w = {.d = d, .a = arena_new(), .unit = c1, .desk = user_id(d, "canbo1")};
    int64_t id = intake(&w, c1, proc_id(d, "1.001193"), "desk", now);
    assert_int_equal(sql_intn(d, "SELECT CAST(substr(code, -4) AS INTEGER) FROM dossiers WHERE id = ?", id), seq_before + 1);
    assert_int_equal(sql_intn(d, "SELECT book_seq FROM dossiers WHERE id = ?", id), book_before + 1);
    arena_free(w.a);
    db_close(d);
}

static void sampled_codes_resolve(void **state)
{
    (void)state;
    db *d = fresh_db("bulk.db");
    err e = {0};
    int64_t now = at(2026, 3, 10, 12, 0);
    assert_int_equal(demo_dossiers_bulk(d, 2000, now, DEMO_SEED, NULL, &e), 0);
    assert_int_equal(sql_int(d, "SELECT COUNT(*) FROM dossiers", NULL), 2000);
    assert_int_equal(sql_int(d, "SELECT COUNT(*) FROM units WHERE kind = 'commune'", NULL), 50);
    assert_int_equal(sql_int(d, "SELECT COUNT(DISTINCT unit_id) FROM dossiers", NULL), 50);
    assert_int_equal(sql_int(d, "SELECT COUNT(*) FROM dossiers WHERE received_at >= CAST(strftime('%s', '2026-03-09T17:00:00') AS INTEGER)", NULL), 0);
    int64_t steps = sql_int(d, "SELECT COUNT(*) FROM dossier_steps", NULL);
    assert_true(steps > 3 * 2000 && steps < 5 * 2000);   /* about four each */
    /* 100 codes spread over the table: from the first rows to the last */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    assert_int_equal(demo_sample_codes(d, 100, mem, &e), 0);
    fclose(mem);
    arena *a = arena_new();
    int lines = 0;
    char *save = NULL, first[64] = "", last[64] = "";
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), lines++) {
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        json_t *o = dossier_track(d, a, line, tab + 1, now);
        if (!o) fail_msg("sampled code %s does not resolve", line);
        assert_string_equal(json_string_value(json_object_get(o, "code")), line);
        json_decref(o);
        if (!lines) snprintf(first, sizeof first, "%s", line);
        snprintf(last, sizeof last, "%s", line);
        /* a wrong secret does not */
        assert_null(dossier_track(d, a, line, "ZZZZZZ", now));
    }
    assert_int_equal(lines, 100);
    assert_true(sql_int(d, "SELECT id FROM dossiers WHERE code = ?", first) <= 20);
    assert_true(sql_int(d, "SELECT id FROM dossiers WHERE code = ?", last) >= 1980);
    free(text);
    arena_free(a);
    db_close(d);
}

/* ---- the months in one pass ------------------------------------------------------------------- */

/* Fails naming the month and the count when one differs. */
static void same_counts(const char *what, const ind_counts *want, const ind_counts *got)
{
    const struct {
        const char *name;
        int64_t want, got;
    } f[] = {
        {"carried", want->carried, got->carried},       {"received", want->received, got->received},
        {"early", want->early, got->early},             {"on_time", want->on_time, got->on_time},
        {"late", want->late, got->late},                {"open_late", want->open_late, got->open_late},
        {"open_ok", want->open_ok, got->open_ok},       {"refused", want->refused, got->refused},
        {"withdrawn", want->withdrawn, got->withdrawn}, {"apologies", want->apologies, got->apologies},
        {"apologies_late", want->apologies_late, got->apologies_late},
        {"secs", want->secs, got->secs},                {"wdays", want->wdays, got->wdays},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].want != f[i].got)
            fail_msg("%s: %s is %lld as a period of its own, %lld in the by-month table", what, f[i].name,
                     (long long)f[i].want, (long long)f[i].got);
}

static void add_counts(ind_counts *sum, const ind_counts *c)
{
    int64_t *to[] = {&sum->carried, &sum->received, &sum->early, &sum->on_time, &sum->late, &sum->open_late,
                     &sum->open_ok, &sum->refused, &sum->withdrawn, &sum->apologies, &sum->apologies_late,
                     &sum->secs, &sum->wdays};
    const int64_t from[] = {c->carried, c->received, c->early, c->on_time, c->late, c->open_late, c->open_ok,
                            c->refused, c->withdrawn, c->apologies, c->apologies_late, c->secs, c->wdays};
    for (size_t k = 0; k < sizeof from / sizeof from[0]; k++) *to[k] += from[k];
}

/* The by-month table (one read of the period's dossiers) against the definition it replaced:
 * each month of the period, cut to the period, computed as a period of its own -- the total of
 * indicators_compute over that span is fill_table(DIM_TOTAL) over it, the very query the months
 * used to run once each. Every count of every month must be equal; seen sums them all. */
static void check_months(db *d, arena *a, int64_t unit, cal_day from, cal_day to, int64_t now, ind_counts *seen)
{
    ind_report r;
    err e = {0};
    if (indicators_compute(d, a, unit, from, to, now, &r, &e)) fail_msg("compute: %s / %s", e.user, e.log);
    char f[11], t[11];
    cal_format(from, f);
    cal_format(to, t);
    int y, m, dd;
    cal_to_ymd(from, &y, &m, &dd);
    size_t n = 0;
    for (cal_day first = from; first <= to; n++) {
        cal_day next = m == 12 ? day(y + 1, 1, 1) : day(y, m + 1, 1);
        cal_day last = next - 1 < to ? next - 1 : to;
        if (n >= r.by_month.n) fail_msg("unit %lld, %s..%s: only %zu months", (long long)unit, f, t, r.by_month.n);
        ind_report one;
        if (indicators_compute(d, a, unit, first, last, now, &one, &e)) fail_msg("compute: %s / %s", e.user, e.log);
        const ind_row *row = &r.by_month.rows[n];
        assert_string_equal(row->key, arena_printf(a, "%04d-%02d", y, m));
        assert_string_equal(row->label, arena_printf(a, "%02d/%04d", m, y));
        same_counts(arena_printf(a, "unit %lld, period %s..%s, month %s", (long long)unit, f, t, row->key), &one.total,
                    &row->c);
        add_counts(seen, &row->c);
        first = next;
        y = m == 12 ? y + 1 : y;
        m = m == 12 ? 1 : m + 1;
    }
    assert_int_equal(r.by_month.n, n);
}

/* On the demo's fifteen months of history (ending 10/3/2026 at noon): a commune, a department
 * and the province, for a full past year, for a period starting and ending mid-month, and for
 * one that runs past now (its last months judge open dossiers now, the future month holds only
 * those carried into it); then the hand-built month of the other tests, with its pause,
 * apologies after a supplement, refusal and withdrawal. */
static void months_in_one_pass_equal_each_month_as_a_period(void **state)
{
    (void)state;
    db *d = fresh_db("months.db");
    err e = {0};
    int64_t now = at(2026, 3, 10, 12, 0);
    assert_int_equal(demo_dossiers(d, now, DEMO_SEED, &e), 0);
    /* the demo apologises before the due time; make a third of its apologies late ones, made
     * halfway between the due time they broke and the result (some in the next month) */
    assert_int_equal(db_exec(d, "UPDATE dossier_notices SET at = old_due_at + (SELECT (x.done_at - old_due_at) / 2 "
                                "FROM dossiers x WHERE x.id = dossier_id) WHERE kind = 'apology' AND id % 3 = 0 AND "
                                "(SELECT x.done_at FROM dossiers x WHERE x.id = dossier_id) > old_due_at + 60"),
                     DB_DONE);
    int64_t units[] = {unit_id(d, "05443"),
                       sql_int(d, "SELECT u.id FROM units u WHERE u.kind = 'department' AND EXISTS (SELECT 1 FROM "
                                  "dossiers d WHERE d.unit_id = u.id) ORDER BY u.id LIMIT 1", NULL),
                       sql_int(d, "SELECT id FROM units WHERE kind = 'province' ORDER BY id LIMIT 1", NULL)};
    const cal_day periods[][2] = {{day(2025, 1, 1), day(2025, 12, 31)},
                                  {day(2025, 2, 14), day(2025, 11, 20)},
                                  {day(2025, 10, 17), day(2026, 4, 20)}};
    arena *a = arena_new();
    for (size_t u = 0; u < 3; u++) {
        assert_true(units[u] > 0);
        ind_counts seen = {0};
        for (size_t p = 0; p < 3; p++) check_months(d, a, units[u], periods[p][0], periods[p][1], now, &seen);
        /* every count was exercised, so equal means something */
        const int64_t each[] = {seen.carried,   seen.received, seen.early,   seen.on_time,   seen.late,
                                seen.open_late, seen.open_ok,  seen.refused, seen.withdrawn, seen.apologies,
                                seen.apologies_late, seen.secs, seen.wdays};
        const char *names[] = {"carried", "received", "early", "on_time", "late", "open_late", "open_ok",
                               "refused", "withdrawn", "apologies", "apologies_late", "secs", "wdays"};
        for (size_t i = 0; i < sizeof each / sizeof each[0]; i++)
            if (each[i] <= 0) fail_msg("unit %lld: %s is never above zero", (long long)units[u], names[i]);
    }
    /* the province counts what its units count: more than the commune alone */
    ind_report commune, province;
    assert_int_equal(indicators_compute(d, a, units[0], day(2025, 1, 1), day(2025, 12, 31), now, &commune, &e), 0);
    assert_int_equal(indicators_compute(d, a, units[2], day(2025, 1, 1), day(2025, 12, 31), now, &province, &e), 0);
    assert_true(province.by_month.rows[5].c.received > commune.by_month.rows[5].c.received);
    ind_counts seen = {0};
    check_months(W.d, a, W.unit, day(2026, 2, 23), day(2026, 4, 30), now, &seen);
    check_months(W.d, a, W.unit, day(2026, 2, 23), day(2026, 4, 30), at(2026, 3, 5, 10, 0), &seen);
    assert_true(seen.apologies > 0 && seen.open_late > 0 && seen.refused > 0);
    arena_free(a);
    db_close(d);
}

/* The apology must go out at the latest the working day before the due date (legal.md §1.3):
 * the desk is warned on that day, not earlier, and the apology is offered from then on. Last
 * in the group: its dossier (April) stays out of the March counts. */
static void desk_is_warned_the_day_before_and_the_apology_offered_then(void **state)
{
    (void)state;
    /* Mon 13/4/2026 09:00, three working days: due Thu 16/4 17:00 */
    int64_t id = intake(&W, W.unit, W.p3, "desk", at(2026, 4, 13, 9, 0));
    int64_t due = sql_int(W.d, "SELECT due_at FROM dossiers WHERE id = ?", arena_printf(W.a, "%lld", (long long)id));
    assert_int_equal(due, at(2026, 4, 16, 17, 0));
    const char *warned = arena_printf(W.a, "%lld", (long long)id);
    err e = {0};
    /* Tue 14/4: two working days left, no warning yet, no apology offered */
    assert_true(dossier_warn_due_soon(W.d, W.a, at(2026, 4, 14, 10, 0), &e) >= 0);
    assert_int_equal(sql_int(W.d, "SELECT due_soon_sent FROM dossiers WHERE id = ?", warned), 0);
    assert_false(dossier_apology_window(W.d, W.unit, due, at(2026, 4, 14, 10, 0)));
    /* Wed 15/4, the last day for a timely apology: the desk hears of it, the apology is offered */
    assert_true(dossier_warn_due_soon(W.d, W.a, at(2026, 4, 15, 8, 0), &e) >= 0);
    assert_int_equal(sql_int(W.d, "SELECT due_soon_sent FROM dossiers WHERE id = ?", warned), 1);
    assert_true(dossier_apology_window(W.d, W.unit, due, at(2026, 4, 15, 8, 0)));
    assert_true(dossier_apology_window(W.d, W.unit, due, at(2026, 4, 17, 8, 0)));   /* late */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(totals_match_the_hand_count),
        cmocka_unit_test(an_apology_does_not_make_it_on_time),
        cmocka_unit_test(tables_by_procedure_official_channel),
        cmocka_unit_test(months_are_periods_of_their_own),
        cmocka_unit_test(workbook_reads_back),
        cmocka_unit_test(register_lines_for_the_period),
        cmocka_unit_test(period_defaults_and_refusals),
        cmocka_unit_test(demo_history_is_realistic_and_consistent),
        cmocka_unit_test(sampled_codes_resolve),
        cmocka_unit_test(months_in_one_pass_equal_each_month_as_a_period),
        cmocka_unit_test(desk_is_warned_the_day_before_and_the_apology_offered_then),
    };
    return cmocka_run_group_tests(tests, month_setup, month_teardown);
}
