/* feedback_demo.c -- the demonstration's cases of the citizen's voice (thanthien demo): a few of
 * every kind for Phường Phan Đình Phùng and one for Xã Phú Đình, at different steps of their
 * clocks -- answered and published, accepted and running, overdue, suspended, an anonymous
 * denunciation kept as information, a helpful suggestion that proposes a thank-you letter. Names
 * and content are fictional. Written through feedback_intake() and feedback_apply(), so every
 * case has its steps, its register numbers and its audit rows like a real one. */
#include <string.h>

#include "feedback.h"

typedef struct {
    const char *unit, *kind, *channel, *name, *phone, *address, *subject, *content;
    bool consent;
    int received_days_ago;
    /* the steps, each a day after the one before: "accept", "resolve:<answer>", ... */
    const char *steps[4];
} demo_case;

static const demo_case CASES[] = {
    {"05443", "phan_anh", "web", "Nguyễn Thị Hoa", "0912000111", "Tổ 12, phường Phan Đình Phùng",
     "Đèn chiếu sáng đường Bến Oánh hỏng",
     "Ba cột đèn trên đường Bến Oánh không sáng từ tuần trước, buổi tối đi lại nguy hiểm.", true, 40,
     {"accept", "resolve:Phường đã phối hợp Công ty Điện lực thay bóng ba cột đèn ngày hôm sau. Cảm ơn bà Nguyễn Thị Hoa (0912000111) đã phản ánh.", "publish", NULL}},
    {"05443", "gop_y", "box", "Trần Văn Phúc", "", "Tổ 3, phường Phan Đình Phùng", "Bố trí ghế chờ có số thứ tự",
     "Đề nghị bộ phận một cửa bố trí máy lấy số thứ tự để người dân không phải đứng chờ.", false, 30,
     {"resolve:Đã lắp máy lấy số thứ tự từ đầu tháng.\nÝ kiến có ích.", NULL}},
    {"05443", "kien_nghi", "hotline", "Lê Văn Hải", "0987000222", "Tổ 7, phường Phan Đình Phùng",
     "Nạo vét mương thoát nước tổ 7", "Mương thoát nước tổ 7 bị bồi lấp, mưa to là ngập.", false, 25,
     {"accept", NULL}},
    {"05443", "khieu_nai", "desk", "Phạm Thị Lan", "0915000333", "Số 8 ngõ 25, phường Phan Đình Phùng",
     "Khiếu nại quyết định xử phạt vi phạm hành chính",
     "Tôi khiếu nại Quyết định xử phạt vi phạm hành chính về trật tự xây dựng vì công trình đã có giấy phép.", false,
     20, {"accept", "extend:Vụ việc phức tạp: cần xác minh tại hai cơ quan (Phòng Kinh tế, Hạ tầng và Đô thị; Công an phường).", NULL}},
    {"05443", "khieu_nai", "reception", "Hoàng Văn Nam", "", "Tổ 15, phường Phan Đình Phùng",
     "Khiếu nại việc không cấp giấy xác nhận", "Tôi khiếu nại việc cán bộ không cấp giấy xác nhận tình trạng nhà ở.",
     false, 14, {NULL}},
    {"05443", "to_cao", "web", "", "", "", "Tố cáo cán bộ nhận tiền",
     "Có người nói cán bộ địa chính nhận tiền khi đo đạc.", false, 12, {NULL}},
    {"05443", "to_cao", "desk", "Vũ Văn Tùng", "0904000444", "Tổ 9, phường Phan Đình Phùng",
     "Tố cáo hành vi sách nhiễu khi chứng thực", "Cán bộ chứng thực yêu cầu nộp thêm tiền ngoài lệ phí.", false, 10,
     {"accept", "suspend:Chờ kết quả xác minh của cơ quan công an.", NULL}},
    {"05443", "bieu_duong", "web", "", "", "", "Cảm ơn cán bộ một cửa",
     "Cảm ơn chị cán bộ tiếp nhận hồ sơ khai sinh tận tình hướng dẫn.", false, 5, {NULL}},
    {"05602", "phan_anh", "hotline", "Đào Thị Mai", "0978000555", "Xóm Na, xã Phú Đình", "Đường liên xóm sạt lở",
     "Đoạn đường liên xóm Na - xóm Đồng bị sạt lở sau mưa lớn.", true, 3, {NULL}},
};

typedef struct {
    arena *a;
    int64_t now;
    int made;
} demo_tx;

static int64_t unit_by_code(db *d, const char *code)
{
    db_stmt *s = db_prepare(d, "SELECT id FROM units WHERE code = ?");
    db_bind_text(s, 1, code);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    return id;
}

static int64_t officer_of(db *d, int64_t unit_id)
{
    db_stmt *s = db_prepare(d, "SELECT id FROM users WHERE unit_id = ? AND role = 'officer' ORDER BY id LIMIT 1");
    db_bind_int(s, 1, unit_id);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    return id;
}

static int demo_write(db *d, void *ctx, err *e)
{
    demo_tx *t = ctx;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const demo_case *c = &CASES[i];
        int64_t unit = unit_by_code(d, c->unit);
        if (!unit) continue;
        int64_t officer = officer_of(d, unit);
        bool keyed = strcmp(c->channel, "web") != 0;
        int64_t at = t->now - (int64_t)c->received_days_ago * 86400;
        feedback_new in = {.unit_id = unit, .kind = c->kind, .channel = c->channel, .subject = c->subject,
                           .content = c->content, .name = c->name, .phone = c->phone, .address = c->address,
                           .user_id = keyed ? officer : 0, .consent_publish = c->consent, .received_at = at};
        feedback_ticket tk;
        if (feedback_intake(d, t->a, &in, t->now, &tk, e)) return -1;
        for (int k = 0; k < 4 && c->steps[k]; k++) {
            at += 86400;
            const char *colon = strchr(c->steps[k], ':');
            char name[16] = "";
            size_t n = colon ? (size_t)(colon - c->steps[k]) : strlen(c->steps[k]);
            memcpy(name, c->steps[k], n < sizeof name - 1 ? n : sizeof name - 1);
            feedback_step_in st = {.note = colon ? colon + 1 : "", .user_id = officer,
                                   .helpful = !strcmp(c->kind, "gop_y")};
            if (!feedback_action_parse(name, &st.action)) continue;
            if (feedback_apply(d, t->a, tk.id, &st, at, e)) return -1;
        }
        t->made++;
    }
    return 0;
}

int feedback_demo(db *d, arena *a, int64_t now, err *e)
{
    demo_tx t = {.a = a, .now = now};
    if (db_write(d, demo_write, &t, e)) return -1;
    return t.made;
}
