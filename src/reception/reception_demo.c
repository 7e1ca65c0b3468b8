/* reception_demo.c -- the demonstration's citizen reception and dialogues (reception.h).
 *
 * Each commune of the demo gets its chairman's weekly reception (the day its unit record
 * names, "thứ Ba" or "thứ Năm", else Thursday; 07:30-11:30 at its reception room), about
 * twenty weeks of its register (one to three citizens on most reception days: land, order,
 * social policy, roads; handled, most older ones concluded), a yearly conference with the
 * people held two months ago with its minutes published and issues followed up (some
 * closed), and a thematic dialogue announced for the coming weeks. Names and matters are
 * fictional. Like the demo's dossiers and letters these rows are history, not audited. */
#include <stdio.h>
#include <string.h>

#include "../core/calendar.h"
#include "../core/text.h"
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
    int64_t now;
} demo_tx;

static int exec_ok(db_stmt *s, err *e)
{
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc_fail(e, 500, N_("Không lưu được, xin thử lại."), NULL);
}

static int demo_unit(db *c, demo_tx *t, int64_t unit, const char *place, int weekday, const char *chair,
                     const char *chair_title, uint64_t seed, err *e)
{
    rng r = {seed};
    int64_t now = t->now;
    cal_day today = cal_local_day(now);
    char from[11];
    cal_format(today - 150, from);
    db_stmt *s = db_prepare(c, "INSERT INTO reception_schedules (unit_id, host_name, host_title, weekday, start_min, end_min, "
                               "place, attendees, topics, valid_from, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?, 450, 690, ?, ?, ?, ?, ?, ?)");
    db_bind_int(s, 1, unit);
    db_bind_text(s, 2, chair);
    db_bind_text(s, 3, chair_title);
    db_bind_int(s, 4, weekday);
    db_bind_text(s, 5, place);
    db_bind_text(s, 6, "Công chức Tư pháp - Hộ tịch; công chức Địa chính - Xây dựng; đại diện Ủy ban MTTQ");
    db_bind_text(s, 7, "Khiếu nại, tố cáo, kiến nghị, phản ánh của công dân thuộc thẩm quyền của Chủ tịch UBND");
    db_bind_text(s, 8, from);
    db_bind_int(s, 9, now);
    db_bind_int(s, 10, now);
    if (exec_ok(s, e)) return -1;
    /* the register: the reception days of the last twenty weeks */
    for (cal_day day = today - 140; day < today; day++) {
        if (cal_weekday(day) != weekday) continue;
        int n = rng_pick(&r, 4);
        for (int k = 0; k < n; k++) {
            const matter *m = &MATTERS[rng_pick(&r, (int)(sizeof MATTERS / sizeof *MATTERS))];
            int64_t at = cal_instant(day, 465 + k * 40 + rng_pick(&r, 20));
            int y, mo, d;
            cal_to_ymd(day, &y, &mo, &d);
            int64_t seq = 1;
            /* the number restarts with the year: after this year's rows already written */
            db_stmt *q = db_prepare(c, "SELECT COALESCE(MAX(seq), 0) + 1 FROM receptions WHERE unit_id = ? AND year = ?");
            db_bind_int(q, 1, unit);
            db_bind_int(q, 2, y);
            seq = db_step(q) == DB_ROW ? db_col_int(q, 0) : seq;
            db_done(q);
            const char *name = arena_printf(t->a, "%s %s", FAMILY[rng_pick(&r, 10)], GIVEN[rng_pick(&r, 10)]);
            bool old = today - day > 14;
            bool concluded = old && *m->conclusion;
            s = db_prepare(c, "INSERT INTO receptions (unit_id, year, seq, received_at, session, host_name, host_title, "
                              "citizen_name, citizen_key, id_number, address, phone, people, kind, content, request, "
                              "handling, handling_note, followup, conclusion, conclusion_contact, conclusion_at, "
                              "created_at, updated_at) VALUES (?, ?, ?, ?, 'periodic', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                              "?, ?, ?, ?, ?, ?, ?)");
            int i = 1;
            db_bind_int(s, i++, unit);
            db_bind_int(s, i++, y);
            db_bind_int(s, i++, seq);
            db_bind_int(s, i++, at);
            db_bind_text(s, i++, chair);
            db_bind_text(s, i++, chair_title);
            db_bind_text(s, i++, name);
            db_bind_text(s, i++, text_fold(t->a, name));
            db_bind_text(s, i++, arena_printf(t->a, "0190%08d", rng_pick(&r, 100000000)));
            db_bind_text(s, i++, arena_printf(t->a, "Tổ %d", 1 + rng_pick(&r, 20)));
            db_bind_text(s, i++, arena_printf(t->a, "09%08d", rng_pick(&r, 100000000)));
            db_bind_int(s, i++, rng_pick(&r, 6) ? 1 : 2 + rng_pick(&r, 4));
            db_bind_text(s, i++, m->kind);
            db_bind_text(s, i++, m->content);
            db_bind_text(s, i++, m->request);
            db_bind_text(s, i++, m->handling);
            db_bind_text(s, i++, m->note);
            db_bind_text(s, i++, old ? "Đã trả lời công dân" : "");
            db_bind_text(s, i++, concluded ? m->conclusion : "");
            db_bind_text(s, i++, concluded ? "Văn phòng HĐND và UBND" : "");
            if (concluded) db_bind_int(s, i++, at + 3 * 3600);
            else db_bind_null(s, i++);
            db_bind_int(s, i++, at);
            db_bind_int(s, i++, at);
            if (exec_ok(s, e)) return -1;
        }
    }
    /* the yearly conference, held and published, and a thematic dialogue announced */
    int64_t held = cal_instant(today - 60, 8 * 60);
    s = db_prepare(c, "INSERT INTO dialogues (unit_id, kind, title, agenda, place, starts_at, ends_at, chair_name, invited, "
                      "status, announced_at, held_at, attendance, minutes, published_at, created_at, updated_at) "
                      "VALUES (?, 'people', ?, ?, ?, ?, ?, ?, ?, 'held', ?, ?, ?, ?, ?, ?, ?)");
    int i = 1;
    db_bind_int(s, i++, unit);
    db_bind_text(s, i++, "Hội nghị đối thoại giữa Chủ tịch UBND với Nhân dân năm 2026");
    db_bind_text(s, i++, "Nghe dân nói – nói dân hiểu – làm dân tin: kết quả cải cách hành chính, đất đai, trật tự đô thị");
    db_bind_text(s, i++, "Hội trường UBND");
    db_bind_int(s, i++, held);
    db_bind_int(s, i++, held + 3 * 3600);
    db_bind_text(s, i++, chair);
    db_bind_text(s, i++, "Đại diện các tổ dân phố, Ủy ban MTTQ, các đoàn thể");
    db_bind_int(s, i++, held - 10 * 86400);
    db_bind_int(s, i++, held + 3 * 3600);
    db_bind_int(s, i++, 80 + rng_pick(&r, 60));
    db_bind_text(s, i++, "Hội nghị có 18 ý kiến của Nhân dân; Chủ tịch UBND trả lời trực tiếp 15 ý kiến, 3 ý kiến giao "
                         "các bộ phận chuyên môn giải quyết và trả lời bằng văn bản.");
    db_bind_int(s, i++, held + 2 * 86400);
    db_bind_int(s, i++, held - 20 * 86400);
    db_bind_int(s, i++, held + 2 * 86400);
    if (exec_ok(s, e)) return -1;
    int64_t dl = db_last_id(c);
    static const char *const ISSUES[][4] = {
        {"Đường bê tông tổ 3 xuống cấp", "Đưa vào kế hoạch duy tu quý IV", "Công chức Địa chính - Xây dựng",
         "Đã sửa chữa 250 m đường"},
        {"Thời gian trả kết quả chứng thực còn chậm", "Bố trí thêm công chức vào buổi sáng", "Bộ phận Một cửa",
         "Đã bố trí thêm 01 công chức, trả kết quả trong ngày"},
        {"Chưa có điểm sinh hoạt cộng đồng cho tổ 12", "Nghiên cứu quỹ đất công", "Văn phòng HĐND và UBND", ""},
    };
    for (size_t k = 0; k < sizeof ISSUES / sizeof *ISSUES; k++) {
        bool closed = *ISSUES[k][3];
        s = db_prepare(c, "INSERT INTO dialogue_issues (dialogue_id, unit_id, content, raised_by, answer, assignee, "
                          "due_date, status, result, closed_at, created_at, updated_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        char due[11];
        cal_format(today - 60 + 45 + (int)k * 30, due);
        i = 1;
        db_bind_int(s, i++, dl);
        db_bind_int(s, i++, unit);
        db_bind_text(s, i++, ISSUES[k][0]);
        db_bind_text(s, i++, arena_printf(t->a, "Cử tri tổ %d", 3 + (int)k * 4));
        db_bind_text(s, i++, ISSUES[k][1]);
        db_bind_text(s, i++, ISSUES[k][2]);
        db_bind_text(s, i++, due);
        db_bind_text(s, i++, closed ? "closed" : "open");
        db_bind_text(s, i++, ISSUES[k][3]);
        if (closed) db_bind_int(s, i++, held + (int64_t)(20 + k * 10) * 86400);
        else db_bind_null(s, i++);
        db_bind_int(s, i++, held + 3 * 3600);
        db_bind_int(s, i++, held + 3 * 3600);
        if (exec_ok(s, e)) return -1;
    }
    int64_t next = cal_instant(today + 12, 14 * 60);
    s = db_prepare(c, "INSERT INTO dialogues (unit_id, kind, title, agenda, place, starts_at, ends_at, chair_name, invited, "
                      "status, announced_at, created_at, updated_at) "
                      "VALUES (?, 'thematic', ?, ?, ?, ?, ?, ?, ?, 'announced', ?, ?, ?)");
    i = 1;
    db_bind_int(s, i++, unit);
    db_bind_text(s, i++, "Đối thoại chuyên đề về chỉnh trang đô thị và trật tự vỉa hè");
    db_bind_text(s, i++, "Phương án sắp xếp điểm kinh doanh trên vỉa hè; lắp đèn chiếu sáng ngõ xóm");
    db_bind_text(s, i++, "Nhà văn hóa tổ 5");
    db_bind_int(s, i++, next);
    db_bind_int(s, i++, next + 2 * 3600);
    db_bind_text(s, i++, chair);
    db_bind_text(s, i++, "Các hộ kinh doanh, tổ trưởng tổ dân phố");
    db_bind_int(s, i++, now - 86400);
    db_bind_int(s, i++, now - 2 * 86400);
    db_bind_int(s, i++, now - 86400);
    return exec_ok(s, e);
}

static int demo_write(db *c, void *ctx, err *e)
{
    demo_tx *t = ctx;
    db_stmt *s = db_prepare(c, "SELECT u.id, u.reception_place, u.reception_hours, "
                               "(SELECT name FROM unit_leaders l WHERE l.unit_id = u.id ORDER BY sort, id LIMIT 1), "
                               "(SELECT title FROM unit_leaders l WHERE l.unit_id = u.id ORDER BY sort, id LIMIT 1) "
                               "FROM units u WHERE u.kind = 'commune' ORDER BY u.code");
    typedef struct {
        int64_t id;
        const char *place, *hours, *chair, *title;
    } unit_row;
    unit_row rows[16];
    int n = 0;
    while (db_step(s) == DB_ROW && n < 16) {
        rows[n] = (unit_row){db_col_int(s, 0), arena_strdup(t->a, db_col_text(s, 1)), arena_strdup(t->a, db_col_text(s, 2)),
                             arena_strdup(t->a, db_col_text(s, 3)), arena_strdup(t->a, db_col_text(s, 4))};
        n++;
    }
    db_done(s);
    for (int k = 0; k < n; k++) {
        unit_row *u = &rows[k];
        if (!*u->chair) continue;
        int wd = strstr(u->hours, "thứ Ba") ? 2 : 4;
        if (demo_unit(c, t, u->id, *u->place ? u->place : "Phòng tiếp công dân", wd, u->chair, u->title,
                      0x7443u + (uint64_t)u->id, e))
            return -1;
    }
    return 0;
}

int reception_demo(db *d, arena *a, int64_t now, err *e)
{
    demo_tx t = {.a = a, .now = now};
    return db_write(d, demo_write, &t, e);
}
