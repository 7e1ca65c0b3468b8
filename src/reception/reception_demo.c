/* reception_demo.c -- the demonstration's citizen reception and dialogues (reception.h).
 *
 * Two years (2024-12-01 to the day of now) of one unit (reception_demo_unit):
 *   - a commune's chairman receives weekly (the day its unit record names, "thứ Ba" or "thứ
 *     Năm", else Thursday; 07:30-11:30 at its reception room), except on the days its calendar
 *     has off (the .ics says so with EXDATE); a department's head once a month (the second
 *     Wednesday, as single sessions on the schedule);
 *   - the register: zero to three citizens at most of the head's sessions (land, order, social
 *     policy, roads), the officers' regular reception on some other working days, a few ad hoc
 *     sessions with a group; handled, the older ones concluded in writing; one or two refused a
 *     year (Luật TCD Art. 9), with their notice numbered;
 *   - dialogues: the yearly conference with the people (2025 held, its issues all closed; 2026
 *     held two months ago, its minutes published and issues followed up, some still open), a
 *     thematic dialogue held in 2025, a complaint's dialogue in 2026, and a thematic one announced
 *     for the coming weeks.
 * Names and matters are fictional. Like the demo's dossiers and letters these rows are history,
 * not audited; the same seed, unit and now give the same rows. */
#include <stdio.h>
#include <string.h>

#include "../core/calendar.h"
#include "../core/text.h"
#include "../holiday/holiday.h"
#include "reception.h"
#include "reception_impl.h"
#include "../core/rng.h"



static const char *const FAMILY[] = {"Nguyễn", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Dương", "Ngô", "Lý"};
static const char *const GIVEN[] = {"Văn Sơn", "Thị Mai", "Đức Long", "Thị Hoa", "Quang Vinh", "Thị Yến",
                                    "Minh Tâm", "Văn Quý", "Thị Loan", "Hữu Phúc"};

typedef struct {
    const char *kind, *content, *request, *handling, *note, *conclusion;
} matter;

static const matter MATTERS[] = {
    {"khieu_nai", "Khiếu nại mức bồi thường khi thu hồi đất làm đường liên tổ", "Đề nghị xem xét lại đơn giá bồi thường",
     "accepted", "Thụ lý giải quyết khiếu nại lần đầu",
     "Giao công chức Địa chính - Xây dựng kiểm tra hồ sơ thu hồi đất, báo cáo Chủ tịch trong 10 ngày làm việc"},
    {"kien_nghi", "Kiến nghị lắp đèn chiếu sáng ngõ xóm", "Đề nghị đưa vào kế hoạch chiếu sáng năm sau", "answered",
     "Đã giải thích kế hoạch chiếu sáng của phường",
     "Ghi nhận kiến nghị, đưa vào danh mục công trình chiếu sáng năm tới; trả lời công dân bằng văn bản"},
    {"phan_anh", "Phản ánh hộ kinh doanh lấn chiếm vỉa hè gây cản trở đi lại", "Đề nghị kiểm tra, xử lý", "accepted",
     "Giao Công an phường phối hợp tổ dân phố kiểm tra",
     "Giao Công an phường kiểm tra, xử lý theo quy định và thông báo kết quả cho công dân"},
    {"kien_nghi", "Kiến nghị về chế độ trợ cấp xã hội cho người cao tuổi", "Đề nghị xem xét hồ sơ hưởng trợ cấp",
     "guided", "Hướng dẫn nộp hồ sơ tại Bộ phận Một cửa", ""},
    {"to_cao", "Tố cáo hành vi xây dựng không phép trên đất nông nghiệp", "Đề nghị kiểm tra, xử lý vi phạm", "accepted",
     "Thụ lý tố cáo theo thẩm quyền", "Giao Đội kiểm tra trật tự xây dựng xác minh, lập biên bản nếu có vi phạm"},
    {"khac", "Hỏi thủ tục tách thửa đất ở", "Đề nghị hướng dẫn thủ tục", "answered",
     "Đã hướng dẫn thủ tục và hồ sơ cần nộp", ""},
    {"phan_anh", "Phản ánh rác thải tồn đọng ở điểm tập kết đầu tổ", "Đề nghị tăng chuyến thu gom", "transferred",
     "Chuyển đơn vị thu gom rác thải", ""},
};


typedef struct {
    arena *a;
    rng r;
    int64_t unit, now;
    const char *chair, *chair_title, *place;
} gen;

static int exec_ok(db_stmt *s, err *e)
{
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
}

static int schedule_row(db *c, gen *g, int weekday, const char *valid_from, bool single, err *e)
{
    db_stmt *s = db_prepare(c, "INSERT INTO reception_schedules (unit_id, host_name, host_title, weekday, start_min, end_min, "
                               "place, attendees, topics, valid_from, single, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?, 450, 690, ?, ?, ?, ?, ?, ?, ?)");
    int i = 1;
    db_bind_int(s, i++, g->unit);
    db_bind_text(s, i++, g->chair);
    db_bind_text(s, i++, g->chair_title);
    db_bind_int(s, i++, weekday);
    db_bind_text(s, i++, g->place);
    db_bind_text(s, i++, "Công chức Tư pháp - Hộ tịch; công chức Địa chính - Xây dựng; đại diện Ủy ban MTTQ");
    db_bind_text(s, i++, "Khiếu nại, tố cáo, kiến nghị, phản ánh của công dân thuộc thẩm quyền của người đứng đầu");
    db_bind_text(s, i++, valid_from);
    db_bind_int(s, i++, single);
    db_bind_int(s, i++, cal_instant(cal_from_ymd(2024, 11, 25), 9 * 60));
    db_bind_int(s, i++, g->now);
    return exec_ok(s, e);
}

/* One row of the register at instant at. */
static int register_row(db *c, gen *g, int64_t at, const char *session, const char *host, const char *host_title,
                        int people, bool refuse, err *e)
{
    const matter *m = &MATTERS[rng_pick(&g->r, (int)(sizeof MATTERS / sizeof *MATTERS))];
    int y, mo, d;
    cal_to_ymd(cal_local_day(at), &y, &mo, &d);
    db_stmt *q = db_prepare(c, "SELECT COALESCE(MAX(seq), 0) + 1 FROM receptions WHERE unit_id = ? AND year = ?");
    db_bind_int(q, 1, g->unit);
    db_bind_int(q, 2, y);
    int64_t seq = db_step(q) == DB_ROW ? db_col_int(q, 0) : 1;
    db_done(q);
    const char *name = arena_printf(g->a, "%s %s", FAMILY[rng_pick(&g->r, 10)], GIVEN[rng_pick(&g->r, 10)]);
    bool old = g->now - at > 14 * 86400;
    bool concluded = old && *m->conclusion && !refuse;
    db_stmt *s = db_prepare(c, "INSERT INTO receptions (unit_id, year, seq, received_at, session, host_name, host_title, "
                               "citizen_name, citizen_key, id_number, address, phone, people, kind, content, request, "
                               "handling, handling_note, followup, conclusion, conclusion_contact, conclusion_at, "
                               "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                               "?, ?, ?, ?, ?)");
    int i = 1;
    db_bind_int(s, i++, g->unit);
    db_bind_int(s, i++, y);
    db_bind_int(s, i++, seq);
    db_bind_int(s, i++, at);
    db_bind_text(s, i++, session);
    db_bind_text(s, i++, host);
    db_bind_text(s, i++, host_title);
    db_bind_text(s, i++, name);
    db_bind_text(s, i++, text_fold(g->a, name));
    db_bind_text(s, i++, arena_printf(g->a, "0190%08d", rng_pick(&g->r, 100000000)));
    db_bind_text(s, i++, arena_printf(g->a, "Tổ %d", 1 + rng_pick(&g->r, 20)));
    db_bind_text(s, i++, arena_printf(g->a, "09%08d", rng_pick(&g->r, 100000000)));
    db_bind_int(s, i++, people);
    db_bind_text(s, i++, refuse ? "khieu_nai" : m->kind);
    db_bind_text(s, i++, refuse ? "Tiếp tục khiếu nại việc thu hồi đất đã được giải quyết, rà soát và trả lời bằng văn bản"
                                : m->content);
    db_bind_text(s, i++, m->request);
    db_bind_text(s, i++, refuse ? "" : m->handling);
    db_bind_text(s, i++, refuse ? "" : m->note);
    db_bind_text(s, i++, old && !refuse ? "Đã trả lời công dân" : "");
    db_bind_text(s, i++, concluded ? m->conclusion : "");
    db_bind_text(s, i++, concluded ? "Văn phòng HĐND và UBND" : "");
    if (concluded) db_bind_int(s, i++, at + 3 * 3600);
    else db_bind_null(s, i++);
    db_bind_int(s, i++, at);
    db_bind_int(s, i++, at);
    if (exec_ok(s, e)) return -1;
    if (!refuse) return 0;
    /* refused (Luật TCD Art. 9): the notice numbered in the unit's register of the year */
    int64_t id = db_last_id(c);
    q = db_prepare(c, "SELECT COALESCE(MAX(number), 0) + 1 FROM reception_refusals WHERE unit_id = ? AND year = ?");
    db_bind_int(q, 1, g->unit);
    db_bind_int(q, 2, y);
    int64_t number = db_step(q) == DB_ROW ? db_col_int(q, 0) : 1;
    db_done(q);
    bool threat = rng_pick(&g->r, 3) == 0;
    s = db_prepare(c, "INSERT INTO reception_refusals (reception_id, unit_id, year, number, ground, ground_from, reason, "
                      "signer_name, signer_title, refused_at) VALUES (?, ?, ?, ?, ?, "
                      "(SELECT MAX(valid_from) FROM reception_refusal_grounds WHERE valid_from <= ?), ?, ?, ?, ?)");
    i = 1;
    db_bind_int(s, i++, id);
    db_bind_int(s, i++, g->unit);
    db_bind_int(s, i++, y);
    db_bind_int(s, i++, number);
    db_bind_text(s, i++, threat ? "de_doa" : "da_giai_quyet");
    db_bind_text(s, i++, rc_iso_day(g->a, at));
    db_bind_text(s, i++, threat ? "Công dân có lời lẽ xúc phạm, đe dọa người tiếp công dân, đã được nhắc nhở nhưng không chấp hành."
                                : "Vụ việc đã được giải quyết đúng pháp luật, đã rà soát và trả lời bằng văn bản; công dân đã được "
                                  "tiếp, giải thích nhiều lần.");
    db_bind_text(s, i++, g->chair);
    db_bind_text(s, i++, g->chair_title);
    db_bind_int(s, i++, at + 3600);
    return exec_ok(s, e);
}

typedef struct {
    const char *kind, *title, *agenda, *place, *invited, *status, *minutes;
    cal_day day;
    bool published;
} dialogue_def;

static int64_t dialogue_row(db *c, gen *g, const dialogue_def *dd, err *e)
{
    int64_t starts = cal_instant(dd->day, 8 * 60), ends = starts + 3 * 3600;
    bool held = !strcmp(dd->status, "held");
    db_stmt *s = db_prepare(c, "INSERT INTO dialogues (unit_id, kind, title, agenda, place, starts_at, ends_at, chair_name, "
                               "invited, status, announced_at, held_at, attendance, minutes, published_at, created_at, "
                               "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    int i = 1;
    db_bind_int(s, i++, g->unit);
    db_bind_text(s, i++, dd->kind);
    db_bind_text(s, i++, dd->title);
    db_bind_text(s, i++, dd->agenda);
    db_bind_text(s, i++, dd->place);
    db_bind_int(s, i++, starts);
    db_bind_int(s, i++, ends);
    db_bind_text(s, i++, g->chair);
    db_bind_text(s, i++, dd->invited);
    db_bind_text(s, i++, dd->status);
    db_bind_int(s, i++, starts - 10 * 86400);
    if (held) db_bind_int(s, i++, ends);
    else db_bind_null(s, i++);
    if (held) db_bind_int(s, i++, 40 + rng_pick(&g->r, 100));
    else db_bind_null(s, i++);
    db_bind_text(s, i++, held ? dd->minutes : "");
    if (dd->published) db_bind_int(s, i++, starts + 2 * 86400);
    else db_bind_null(s, i++);
    db_bind_int(s, i++, starts - 20 * 86400);
    db_bind_int(s, i++, held ? starts + 2 * 86400 : starts - 10 * 86400);
    return exec_ok(s, e) ? -1 : db_last_id(c);
}

/* An issue raised at dialogue dl (held at `held`), closed `closed_after` days later (0: open). */
static int issue_row(db *c, gen *g, int64_t dl, int64_t held, const char *const it[4], int k, int closed_after, err *e)
{
    bool closed = closed_after > 0 && *it[3] && held + (int64_t)closed_after * 86400 < g->now;
    db_stmt *s = db_prepare(c, "INSERT INTO dialogue_issues (dialogue_id, unit_id, content, raised_by, answer, assignee, "
                               "due_date, status, result, closed_at, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    char due[11];
    cal_format(cal_local_day(held) + 45 + k * 30, due);
    int i = 1;
    db_bind_int(s, i++, dl);
    db_bind_int(s, i++, g->unit);
    db_bind_text(s, i++, it[0]);
    db_bind_text(s, i++, arena_printf(g->a, "Cử tri tổ %d", 3 + k * 4));
    db_bind_text(s, i++, it[1]);
    db_bind_text(s, i++, it[2]);
    db_bind_text(s, i++, due);
    db_bind_text(s, i++, closed ? "closed" : "open");
    db_bind_text(s, i++, closed ? it[3] : "");
    if (closed) db_bind_int(s, i++, held + (int64_t)closed_after * 86400);
    else db_bind_null(s, i++);
    db_bind_int(s, i++, held + 3 * 3600);
    db_bind_int(s, i++, closed ? held + (int64_t)closed_after * 86400 : held + 3 * 3600);
    return exec_ok(s, e);
}

static const char *const ISSUES_2026[][4] = {
    {"Đường bê tông tổ 3 xuống cấp", "Đưa vào kế hoạch duy tu quý IV", "Công chức Địa chính - Xây dựng",
     "Đã sửa chữa 250 m đường"},
    {"Thời gian trả kết quả chứng thực còn chậm", "Bố trí thêm công chức vào buổi sáng", "Bộ phận Một cửa",
     "Đã bố trí thêm 01 công chức, trả kết quả trong ngày"},
    {"Chưa có điểm sinh hoạt cộng đồng cho tổ 12", "Nghiên cứu quỹ đất công", "Văn phòng HĐND và UBND", ""},
};
static const char *const ISSUES_2025[][4] = {
    {"Mương thoát nước tổ 7 bị bồi lấp", "Nạo vét trước mùa mưa", "Công chức Địa chính - Xây dựng",
     "Đã nạo vét 400 m mương thoát nước"},
    {"Đèn đường liên tổ thường xuyên hỏng", "Giao kiểm tra, thay thế bóng đèn", "Công chức Địa chính - Xây dựng",
     "Đã thay 35 bóng đèn LED"},
    {"Hồ sơ trợ cấp người cao tuổi giải quyết chậm", "Rà soát, giải quyết dứt điểm hồ sơ tồn", "Công chức Văn hóa - Xã hội",
     "Đã giải quyết xong 12 hồ sơ tồn"},
    {"Chợ tạm lấn chiếm lòng đường", "Sắp xếp lại khu vực họp chợ", "Công an xã; Văn phòng HĐND và UBND",
     "Đã sắp xếp lại chợ vào khu đất quy hoạch"},
};

int reception_demo_unit(db *c, int64_t unit_id, int64_t now, uint64_t seed, err *e)
{
    db_stmt *s = db_prepare(c, "SELECT u.kind, u.reception_place, u.reception_hours, "
                               "(SELECT name FROM unit_leaders l WHERE l.unit_id = u.id ORDER BY sort, id LIMIT 1), "
                               "(SELECT title FROM unit_leaders l WHERE l.unit_id = u.id ORDER BY sort, id LIMIT 1) "
                               "FROM units u WHERE u.id = ?");
    db_bind_int(s, 1, unit_id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return rc_fail(e, 404, N_("Không tìm thấy đơn vị."), NULL);
    }
    arena *a = arena_new();
    gen g = {.a = a, .r = {seed ^ (0x7443u + (uint64_t)unit_id)}, .unit = unit_id, .now = now};
    bool commune = strcmp(db_col_text(s, 0), "department") != 0;
    const char *place = arena_strdup(a, db_col_text(s, 1)), *hours = arena_strdup(a, db_col_text(s, 2));
    g.chair = db_col_null(s, 3) ? "" : arena_strdup(a, db_col_text(s, 3));
    g.chair_title = db_col_null(s, 4) ? "" : arena_strdup(a, db_col_text(s, 4));
    db_done(s);
    g.place = *place ? place : "Phòng tiếp công dân";
    if (!*g.chair) {   /* no head on record: nobody to schedule */
        arena_free(a);
        return 0;
    }
    const calendar *cal = holiday_calendar(c, e);
    if (!cal) {
        arena_free(a);
        return -1;
    }
    cal_unit cu = holiday_unit(c, unit_id);
    int rc = 0;
    cal_day first = cal_from_ymd(2024, 12, 1), today = cal_local_day(now);
    int weekday = strstr(hours, "thứ Ba") ? 2 : 4;
    /* the schedule: a commune's weekly session; a department's monthly ones ahead */
    if (commune) {
        cal_day d0 = first;
        while (cal_weekday(d0) != weekday) d0++;
        rc = schedule_row(c, &g, weekday, rc_iso_day(a, cal_instant(d0, 0)), false, e);
    } else {
        for (cal_day d = today; d < today + 62 && rc == 0; d++) {
            int y, m, dd;
            cal_to_ymd(d, &y, &m, &dd);
            if (cal_weekday(d) == 3 && dd >= 8 && dd <= 14 && calendar_is_working(cal, &cu, d))
                rc = schedule_row(c, &g, 3, rc_iso_day(a, cal_instant(d, 0)), true, e);
        }
    }
    /* the register */
    int refusals_this_year = 0, year_seen = 0;
    for (cal_day d = first; d < today && rc == 0; d++) {
        if (!calendar_is_working(cal, &cu, d)) continue;
        int y, m, dd;
        cal_to_ymd(d, &y, &m, &dd);
        if (y != year_seen) year_seen = y, refusals_this_year = 0;
        bool head_day = commune ? cal_weekday(d) == weekday : cal_weekday(d) == 3 && dd >= 8 && dd <= 14;
        if (head_day) {
            int n = rng_pick(&g.r, 4);
            for (int k = 0; k < n && rc == 0; k++) {
                bool refuse = refusals_this_year < 2 && rng_pick(&g.r, 60) == 0;
                refusals_this_year += refuse;
                rc = register_row(c, &g, cal_instant(d, 465 + k * 40 + rng_pick(&g.r, 20)), "periodic", g.chair,
                                  g.chair_title, rng_pick(&g.r, 6) ? 1 : 2 + rng_pick(&g.r, 4), refuse, e);
            }
        } else if (rng_pick(&g.r, 100) < (commune ? 12 : 6)) {
            rc = register_row(c, &g, cal_instant(d, 480 + rng_pick(&g.r, 420)), "regular", "Công chức tiếp công dân",
                              "Công chức Văn phòng HĐND và UBND", 1, false, e);
        } else if (rng_pick(&g.r, 1000) < (commune ? 15 : 4)) {
            /* an ad hoc session with a group (Art. 18(3)) */
            rc = register_row(c, &g, cal_instant(d, 840), "adhoc", g.chair, g.chair_title, 5 + rng_pick(&g.r, 16), false, e);
        }
    }
    /* dialogues: the 2025 conference with every issue closed, a thematic one in 2025, a complaint's
     * dialogue in 2026, the 2026 conference two months ago with issues followed up, one announced */
    if (rc == 0 && commune) {
        dialogue_def y25 = {"people", "Hội nghị đối thoại giữa Chủ tịch UBND với Nhân dân năm 2025",
                            "Kết quả phát triển kinh tế - xã hội, xây dựng nông thôn mới, giải quyết kiến nghị của cử tri",
                            "Hội trường UBND", "Đại diện các tổ dân phố, thôn, Ủy ban MTTQ, các đoàn thể", "held",
                            "Hội nghị có 14 ý kiến của Nhân dân; Chủ tịch UBND trả lời trực tiếp 10 ý kiến, 4 ý kiến giao các "
                            "bộ phận chuyên môn giải quyết và trả lời bằng văn bản.",
                            cal_from_ymd(2025, 6, 18), true};
        int64_t dl = dialogue_row(c, &g, &y25, e);
        if (dl < 0) rc = -1;
        int64_t held = cal_instant(y25.day, 8 * 60);
        for (int k = 0; rc == 0 && k < 4; k++) rc = issue_row(c, &g, dl, held, ISSUES_2025[k], k, 30 + k * 25, e);
        dialogue_def them = {"thematic", "Đối thoại chuyên đề về thu hồi đất làm đường liên xã",
                             "Phương án bồi thường, hỗ trợ; tiến độ giải phóng mặt bằng", "Nhà văn hóa thôn",
                             "Các hộ có đất bị thu hồi; Hội đồng bồi thường", "held",
                             "Các hộ dân thống nhất phương án bồi thường; 2 hộ đề nghị xem xét lại đơn giá cây trồng, đã "
                             "được giải thích.",
                             cal_from_ymd(2025, 9, 24), true};
        if (rc == 0 && dialogue_row(c, &g, &them, e) < 0) rc = -1;
        dialogue_def compl = {"complaint", "Đối thoại giải quyết khiếu nại về bồi thường khi thu hồi đất",
                              "Làm rõ nội dung khiếu nại, kết quả xác minh", "Phòng tiếp công dân",
                              "Người khiếu nại; người bị khiếu nại; công chức Địa chính - Xây dựng", "held",
                              "Người khiếu nại trình bày; kết quả xác minh được công bố; hai bên thống nhất nội dung biên bản.",
                              cal_from_ymd(2026, 3, 19), false};
        if (rc == 0 && dialogue_row(c, &g, &compl, e) < 0) rc = -1;
        dialogue_def y26 = {"people", "Hội nghị đối thoại giữa Chủ tịch UBND với Nhân dân năm 2026",
                            "Nghe dân nói – nói dân hiểu – làm dân tin: kết quả cải cách hành chính, đất đai, trật tự đô thị",
                            "Hội trường UBND", "Đại diện các tổ dân phố, Ủy ban MTTQ, các đoàn thể", "held",
                            "Hội nghị có 18 ý kiến của Nhân dân; Chủ tịch UBND trả lời trực tiếp 15 ý kiến, 3 ý kiến giao "
                            "các bộ phận chuyên môn giải quyết và trả lời bằng văn bản.",
                            today - 60, true};
        if (rc == 0 && (dl = dialogue_row(c, &g, &y26, e)) < 0) rc = -1;
        held = cal_instant(y26.day, 8 * 60);
        for (int k = 0; rc == 0 && k < 3; k++) rc = issue_row(c, &g, dl, held, ISSUES_2026[k], k, 20 + k * 10, e);
        if (rc == 0) {
            int64_t next = cal_instant(today + 12, 14 * 60);
            s = db_prepare(c, "INSERT INTO dialogues (unit_id, kind, title, agenda, place, starts_at, ends_at, chair_name, "
                              "invited, status, announced_at, created_at, updated_at) "
                              "VALUES (?, 'thematic', ?, ?, ?, ?, ?, ?, ?, 'announced', ?, ?, ?)");
            int i = 1;
            db_bind_int(s, i++, unit_id);
            db_bind_text(s, i++, "Đối thoại chuyên đề về chỉnh trang đô thị và trật tự vỉa hè");
            db_bind_text(s, i++, "Phương án sắp xếp điểm kinh doanh trên vỉa hè; lắp đèn chiếu sáng ngõ xóm");
            db_bind_text(s, i++, "Nhà văn hóa tổ 5");
            db_bind_int(s, i++, next);
            db_bind_int(s, i++, next + 2 * 3600);
            db_bind_text(s, i++, g.chair);
            db_bind_text(s, i++, "Các hộ kinh doanh, tổ trưởng tổ dân phố");
            db_bind_int(s, i++, now - 86400);
            db_bind_int(s, i++, now - 2 * 86400);
            db_bind_int(s, i++, now - 86400);
            rc = exec_ok(s, e);
        }
    }
    arena_free(a);
    return rc;
}

/* The demo's first units (data/demo): the two communes and the department. */
static const char *const DEMO_UNITS[] = {"05443", "05602", "19-SNV"};

typedef struct {
    int64_t now;
} demo_tx;

static int demo_write(db *c, void *ctx, err *e)
{
    demo_tx *t = ctx;
    for (size_t k = 0; k < sizeof DEMO_UNITS / sizeof *DEMO_UNITS; k++) {
        db_stmt *s = db_prepare(c, "SELECT id FROM units WHERE code = ?");
        db_bind_text(s, 1, DEMO_UNITS[k]);
        int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_done(s);
        if (id && reception_demo_unit(c, id, t->now, 0, e)) return -1;
    }
    return 0;
}

int reception_demo(db *d, arena *a, int64_t now, err *e)
{
    (void)a;
    demo_tx t = {.now = now};
    return db_write(d, demo_write, &t, e);
}
