/* letter_demo.c -- the demonstration's letters (letter_demo in letter.h).
 *
 * The demo's dossier history (src/demo/demo_dossiers.c) is replayed through the same listener
 * the server uses, so its birth, marriage and death registrations and its apologies propose
 * exactly the letters live use would. Then each commune gets the thanks letters a commune
 * writes by hand (a few a quarter, for land, labour and money given to hamlet projects and
 * for feedback that led to a fix), and letters older than a week are mostly delivered, the
 * way communes report doing it: congratulations at the office (or at home for a birth),
 * condolences at the family's home, apologies handed at the desk or taken home, a few by
 * post; a few are cancelled. Nothing is sent: electronic delivery is left to live use.
 * Like the dossiers, these rows are history and are not audited. */
#include <stdio.h>
#include <string.h>

#include "../core/calendar.h"
#include "../core/rng.h"
#include "../core/text.h"
#include "letter_impl.h"


static bool chance(rng *r, int percent) { return rng_pick(r, 100) < percent; }

static const char *const FAMILY[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Dương"};
static const char *const GIVEN[] = {"Văn Hùng", "Thị Lan", "Đức Thắng", "Thị Hằng", "Quang Huy",
                                    "Thị Thu Trang", "Minh Đức", "Thị Ngọc Ánh", "Văn Toàn", "Hữu Nghĩa"};

static const char *const CHILD[] = {"Gia Bảo", "Minh Khang", "Bảo Ngọc", "Khánh An", "Tuệ Lâm", "Hà My", "Đức Anh"};

static const char *const CONTRIBUTIONS[] = {
    "hiến 120 m² đất để mở rộng đường liên tổ dân phố",
    "đóng góp 15 ngày công làm nhà văn hóa tổ dân phố",
    "ủng hộ 20.000.000 đồng xây dựng sân thể thao của tổ dân phố",
    "tự nguyện tháo dỡ tường rào, trồng cây xanh làm đẹp đường ngõ",
    "hiến 45 m² đất và cây cối để làm rãnh thoát nước chung",
};
static const char *const FEEDBACK[] = {
    "góp ý lắp đèn chiếu sáng ngõ 12, nay đã được lắp đặt",
    "phản ánh điểm tập kết rác gây ô nhiễm, nay đã được di dời",
    "góp ý bố trí thêm ghế chờ và nước uống tại Trung tâm Phục vụ hành chính công",
    "phản ánh biển báo giao thông bị che khuất trước cổng trường tiểu học",
};

static const char *person(rng *r, arena *a)
{
    return arena_printf(a, "%s %s", FAMILY[rng_pick(r, 10)], GIVEN[rng_pick(r, 10)]);
}

/* The demo's names say their sex: "Thị" is a woman's middle name here. */
static const char *sex_of(const char *name)
{
    return strstr(name, " Thị ") ? "female" : "male";
}

/* A few thanks letters a quarter per commune, over the demo's two years. */
static int thanks_letters(db *d, arena *a, rng *r, int64_t now, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT id, name FROM units WHERE kind = 'commune' AND id IN (SELECT unit_id FROM dossiers) "
                               "ORDER BY id");
    int64_t units[64];
    int n = 0;
    while (n < 64 && db_step(s) == DB_ROW) units[n++] = db_col_int(s, 0);
    db_done(s);
    for (int u = 0; u < n; u++) {
        for (int64_t t = now - 720 * 86400LL; t < now - 86400; t += (20 + rng_pick(r, 30)) * 86400LL) {
            bool gift = chance(r, 60);
            const char *who = person(r, a);
            letter_input in = {.unit_id = units[u], .occasion = gift ? "contribution" : "feedback",
                               .recipient_name = who, .recipient_sex = sex_of(who),
                               .recipient_address = arena_printf(a, "Tổ dân phố %d", 1 + rng_pick(r, 20)),
                               .detail = gift ? CONTRIBUTIONS[rng_pick(r, 5)] : FEEDBACK[rng_pick(r, 4)]};
            if (letter_insert(d, a, &in, 0, t + rng_pick(r, 8 * 3600), e) < 0) return -1;
        }
    }
    return 0;
}

/* What staff type in when the result is recorded: the newborn's, the spouse's or the
 * deceased's name, their sex and the day of the event (the demo's dossiers name only the
 * applicant). */
static int fill_event_details(db *d, arena *a, rng *r, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT id, occasion, recipient_name, created_at, recipient_sex FROM letters WHERE source = 'dossier' "
                               "AND occasion IN ('birth', 'marriage', 'death') AND person = '' ORDER BY id");
    db_stmt *u = db_prepare(d, "UPDATE letters SET person = ?, event_date = ?, event_at = ?, person_sex = ? WHERE id = ?");
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *occ = db_col_text(s, 1), *family = db_col_text(s, 2);
        const char *sp = strchr(family, ' ');
        const char *who = !strcmp(occ, "birth")
                              ? arena_printf(a, "%.*s %s", sp ? (int)(sp - family) : (int)strlen(family), family, CHILD[rng_pick(r, 7)])
                              : person(r, a);
        /* a spouse of the other sex (the law registers no other marriage) */
        const char *spouse_sex = !strcmp(db_col_text(s, 4), "female") ? "male" : "female";
        for (int tries = 0; !strcmp(occ, "marriage") && strcmp(sex_of(who), spouse_sex) && tries < 20; tries++)
            who = person(r, a);
        char day[11];
        cal_format(cal_local_day(db_col_int(s, 3)) - (!strcmp(occ, "marriage") ? 0 : 3 + rng_pick(r, 20)), day);
        db_bind_text(u, 1, who);
        db_bind_text(u, 2, day);
        cal_day event;
        db_bind_int(u, 3, cal_parse_date(day, &event) ? cal_instant(event, 12 * 60) : db_col_int(s, 3));
        const char *sex = !strcmp(occ, "birth") ? (chance(r, 50) ? "male" : "female") : sex_of(who);
        db_bind_text(u, 4, sex);
        db_bind_int(u, 5, db_col_int(s, 0));
        int urc = db_step(u);
        db_done(u);
        if (urc != DB_DONE) break;
    }
    db_done(u);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, N_("Không lưu được thư, xin thử lại."), "demo letter details: %s", db_errmsg(d));
        return -1;
    }
    return 0;
}

/* How a commune hands over a letter of this kind. */
static const char *method_for(rng *r, const char *kind, bool ceremony)
{
    if (!strcmp(kind, "congratulation")) return ceremony || chance(r, 50) ? "ceremony" : "home";
    if (!strcmp(kind, "condolence")) return "home";
    if (!strcmp(kind, "apology")) return chance(r, 70) ? "ceremony" : chance(r, 70) ? "home" : "post";
    return chance(r, 60) ? "home" : "ceremony";   /* thanks */
}

/* The commune official who hands letters over: its leader's account, else any official. */
static int64_t deliverer(db *d, int64_t unit_id)
{
    db_stmt *s = db_prepare(d, "SELECT id FROM users WHERE unit_id = ? AND role IN ('leader', 'officer') "
                               "ORDER BY role = 'leader' DESC, id LIMIT 1");
    db_bind_int(s, 1, unit_id);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    return id;
}

typedef struct {
    int64_t id, unit_id, created_at;
    char kind[16], occasion[24];
    bool ceremony;
} pending;

static int deliver_old_letters(db *d, arena *a, rng *r, int64_t now, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT id, unit_id, created_at, kind, occasion, ceremony_at IS NOT NULL FROM letters "
                               "WHERE status = 'proposed' AND created_at < ? ORDER BY id");
    db_bind_int(s, 1, now - 7 * 86400);
    size_t n = 0, cap = 256;
    pending *list = arena_alloc(a, cap * sizeof *list);
    while (db_step(s) == DB_ROW) {
        if (n == cap) {
            pending *grown = arena_alloc(a, 2 * cap * sizeof *grown);
            memcpy(grown, list, cap * sizeof *list);
            list = grown, cap *= 2;
        }
        pending *p = &list[n++];
        p->id = db_col_int(s, 0), p->unit_id = db_col_int(s, 1), p->created_at = db_col_int(s, 2);
        snprintf(p->kind, sizeof p->kind, "%s", db_col_text(s, 3));
        snprintf(p->occasion, sizeof p->occasion, "%s", db_col_text(s, 4));
        p->ceremony = db_col_int(s, 5) != 0;
    }
    db_done(s);
    for (size_t i = 0; i < n; i++) {
        pending *p = &list[i];
        if (chance(r, 4)) {
            db_stmt *c = db_prepare(d, "UPDATE letters SET status = 'cancelled', cancel_reason = ?, updated_at = ? WHERE id = ?");
            db_bind_text(c, 1, "Gia đình đã chuyển đến nơi ở mới, không liên lạc được.");
            db_bind_int(c, 2, p->created_at + 3 * 86400);
            db_bind_int(c, 3, p->id);
            int rc = db_step(c);
            db_done(c);
            if (rc != DB_DONE) goto dberr;
            continue;
        }
        if (chance(r, 8)) continue;   /* a few still wait */
        const char *method = method_for(r, p->kind, p->ceremony);
        int64_t at = p->created_at + (1 + rng_pick(r, 4)) * 86400LL;
        letter_delivery dl = {.method = method, .actor_id = deliverer(d, p->unit_id), .now = at,
                              .postal_tracking = !strcmp(method, "post") ? arena_printf(a, "EA%09dVN", rng_pick(r, 1000000000)) : ""};
        if (letter_record_delivery(d, a, p->id, p->unit_id, p->occasion, method, at, &dl, e)) return -1;
    }
    return 0;
dberr:
    err_set(e, 500, N_("Không lưu được thư, xin thử lại."), "demo letters: %s", db_errmsg(d));
    return -1;
}

typedef struct {
    arena *a;
    rng r;
    int64_t now;
} demo_tx;

static int demo_write(db *c, void *ctx, err *e)
{
    demo_tx *t = ctx;
    if (dossier_replay(c, t->a, 0, letter_on_dossier_event, e) < 0 || thanks_letters(c, t->a, &t->r, t->now, e) ||
        fill_event_details(c, t->a, &t->r, e) || deliver_old_letters(c, t->a, &t->r, t->now, e))
        return -1;
    return 0;
}

int letter_demo(db *d, arena *a, int64_t now, uint64_t seed, err *e)
{
    demo_tx t = {.a = a, .r = {seed ^ 0x1e77e5ull}, .now = now};
    if (db_write(d, demo_write, &t, e)) return -1;
    return (int)db_int_by_id(d, "SELECT COUNT(*) FROM letters WHERE ? > 0", 1, 0);   /* all of them: the demo starts empty */
}
