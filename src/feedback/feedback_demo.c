/* feedback_demo.c -- the demonstration's cases of the citizen's voice (thanthien demo).
 *
 * Two parts. A few hand-written cases of every kind for Phường Phan Đình Phùng and one for Xã
 * Phú Đình, at different steps of their clocks (answered and published, accepted and running,
 * overdue, suspended, an anonymous denunciation kept as information, a helpful suggestion that
 * proposes a thank-you letter), which the tests and the walkthrough name. And two years of a
 * unit's history (feedback_demo_unit, from 2024-12-01 to the day of now): about 150 cases a year
 * for a commune, 40 for a department, on working days; góp ý, phản ánh and kiến nghị most, some
 * khiếu nại and tố cáo, a few biểu dương; from every channel a person uses; some anonymous; most
 * answered on time, some late, extended, suspended and resumed, withdrawn, refused or forwarded;
 * published where the citizen agreed; the recent ones still open. Names and content are
 * fictional. Everything goes through feedback_intake() and feedback_apply(), so every case has its
 * steps, register numbers and audit rows like a real one, and its clock is the law's. */
#include <string.h>

#include "../core/calendar.h"
#include "../core/rng.h"
#include "feedback.h"

typedef struct {
    const char *unit, *kind, *channel, *name, *phone, *address, *subject, *content;
    bool consent;
    int received_days_ago;
    /* the steps, each a day after the one before: "accept", "resolve:<answer>", ... */
    const char *steps[4];
} demo_case;

static const demo_case CASES[] = {
    {"05443", "phan_anh", "web", "Nguyễn Thị Hoa", "", "Tổ 12, phường Phan Đình Phùng",
     "Đèn chiếu sáng đường Bến Oánh hỏng",
     "Ba cột đèn trên đường Bến Oánh không sáng từ tuần trước, buổi tối đi lại nguy hiểm.", true, 40,
     {"accept", "resolve:Phường đã phối hợp Công ty Điện lực thay bóng ba cột đèn ngày hôm sau. Cảm ơn bà Nguyễn Thị Hoa đã phản ánh.", "publish", NULL}},
    {"05443", "gop_y", "box", "Trần Văn Phúc", "", "Tổ 3, phường Phan Đình Phùng", "Bố trí ghế chờ có số thứ tự",
     "Đề nghị bộ phận một cửa bố trí máy lấy số thứ tự để người dân không phải đứng chờ.", false, 30,
     {"resolve:Đã lắp máy lấy số thứ tự từ đầu tháng.\nÝ kiến có ích.", NULL}},
    {"05443", "kien_nghi", "hotline", "Lê Văn Hải", "", "Tổ 7, phường Phan Đình Phùng",
     "Nạo vét mương thoát nước tổ 7", "Mương thoát nước tổ 7 bị bồi lấp, mưa to là ngập.", false, 25,
     {"accept", NULL}},
    {"05443", "khieu_nai", "desk", "Phạm Thị Lan", "", "Số 8 ngõ 25, phường Phan Đình Phùng",
     "Khiếu nại quyết định xử phạt vi phạm hành chính",
     "Tôi khiếu nại Quyết định xử phạt vi phạm hành chính về trật tự xây dựng vì công trình đã có giấy phép.", false,
     20, {"accept", "extend:Vụ việc phức tạp: cần xác minh tại hai cơ quan (Phòng Kinh tế, Hạ tầng và Đô thị; Công an phường).", NULL}},
    {"05443", "khieu_nai", "reception", "Hoàng Văn Nam", "", "Tổ 15, phường Phan Đình Phùng",
     "Khiếu nại việc không cấp giấy xác nhận", "Tôi khiếu nại việc cán bộ không cấp giấy xác nhận tình trạng nhà ở.",
     false, 14, {NULL}},
    {"05443", "to_cao", "web", "", "", "", "Tố cáo cán bộ nhận tiền",
     "Có người nói cán bộ địa chính nhận tiền khi đo đạc.", false, 12, {NULL}},
    {"05443", "to_cao", "desk", "Vũ Văn Tùng", "", "Tổ 9, phường Phan Đình Phùng",
     "Tố cáo hành vi sách nhiễu khi chứng thực", "Cán bộ chứng thực yêu cầu nộp thêm tiền ngoài lệ phí.", false, 10,
     {"accept", "suspend:Chờ kết quả xác minh của cơ quan công an.", NULL}},
    {"05443", "bieu_duong", "web", "", "", "", "Cảm ơn cán bộ một cửa",
     "Cảm ơn chị cán bộ tiếp nhận hồ sơ khai sinh tận tình hướng dẫn.", false, 5, {NULL}},
    {"05602", "phan_anh", "hotline", "Đào Thị Mai", "", "Xóm Na, xã Phú Đình", "Đường liên xóm sạt lở",
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
            /* the demo's complex complaint: two places to verify, several agencies (NĐ 155/2026) */
            static const char *const grounds[] = {"places", "agencies"};
            if (st.action == FB_EXTEND) {
                st.grounds = grounds;
                st.ngrounds = 2;
            }
            if (feedback_apply(d, t->a, tk.id, &st, at, e)) return -1;
        }
        t->made++;
    }
    return 0;
}

/* ---- two years of one unit ------------------------------------------------------------------- */

static const char *const FAMILY[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô",
                                     "Dương", "Lý", "Đinh", "Hà", "Lương"};
static const char *const MIDDLE_M[] = {"Văn", "Đức", "Quang", "Minh", "Hữu", "Xuân"};
static const char *const MIDDLE_F[] = {"Thị", "Thu", "Thanh", "Ngọc", "Kim", "Hồng"};
static const char *const GIVEN_M[] = {"An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong",
                                      "Quân", "Sơn", "Thắng", "Tuấn", "Việt"};
static const char *const GIVEN_F[] = {"Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai",
                                      "Nga", "Oanh", "Phương", "Thảo", "Yến"};

typedef struct {
    const char *subject, *content, *answer;
} topic;

static const topic GOP_Y[] = {
    {"Bố trí thêm ghế chờ tại Bộ phận Một cửa", "Giờ cao điểm buổi sáng người dân phải đứng chờ, đề nghị bố trí thêm ghế.",
     "Đã bố trí thêm 10 ghế chờ và quạt mát tại khu vực tiếp nhận hồ sơ. Cảm ơn ông/bà đã góp ý."},
    {"Niêm yết rõ lệ phí chứng thực", "Bảng niêm yết lệ phí chữ nhỏ, khó đọc; đề nghị in to và đặt ở lối vào.",
     "Đã in lại bảng lệ phí khổ A0 đặt tại lối vào Bộ phận Một cửa."},
    {"Hướng dẫn nộp hồ sơ trực tuyến", "Đề nghị có cán bộ hướng dẫn người cao tuổi nộp hồ sơ trên Cổng dịch vụ công.",
     "Đã phân công đoàn viên thanh niên hỗ trợ nộp hồ sơ trực tuyến các buổi sáng thứ Hai, thứ Năm."},
    {"Làm việc buổi sáng thứ Bảy", "Người đi làm không nghỉ được ngày thường, đề nghị tiếp nhận hồ sơ sáng thứ Bảy.",
     "UBND đã tổ chức tiếp nhận hồ sơ sáng thứ Bảy hằng tuần từ tháng này."},
    {"Thái độ phục vụ tại quầy tiếp nhận", "Đề nghị cán bộ tiếp nhận giải thích kỹ hơn khi yêu cầu bổ sung giấy tờ.",
     "Đã nhắc nhở, quán triệt cán bộ ghi rõ từng giấy tờ cần bổ sung trong phiếu hướng dẫn."},
    {"Lắp thêm thùng rác công cộng", "Khu vực chợ và nhà văn hóa thiếu thùng rác, đề nghị lắp thêm.",
     "Đã lắp thêm 6 thùng rác tại chợ và nhà văn hóa."},
};
static const topic PHAN_ANH[] = {
    {"Đèn chiếu sáng ngõ xóm hỏng", "Một số cột đèn trong ngõ không sáng nhiều ngày, buổi tối đi lại nguy hiểm.",
     "Đã phối hợp đơn vị quản lý chiếu sáng thay bóng đèn; hệ thống đã hoạt động bình thường."},
    {"Rác thải tồn đọng ở điểm tập kết", "Rác tại điểm tập kết đầu tổ không được thu gom hai ngày, bốc mùi.",
     "Đã yêu cầu đơn vị vệ sinh môi trường tăng chuyến thu gom; điểm tập kết đã được dọn sạch."},
    {"Lấn chiếm vỉa hè để kinh doanh", "Một số hộ bày hàng kín vỉa hè, người đi bộ phải đi xuống lòng đường.",
     "Tổ công tác đã kiểm tra, nhắc nhở và xử phạt 03 hộ vi phạm; vỉa hè đã được giải tỏa."},
    {"Tiếng ồn từ xưởng sản xuất ban đêm", "Xưởng cơ khí hoạt động đến khuya gây ồn ảnh hưởng sinh hoạt.",
     "Đã kiểm tra, yêu cầu cơ sở không hoạt động sau 22 giờ và lắp vách cách âm."},
    {"Mặt đường bê tông xuống cấp", "Đoạn đường bê tông liên tổ nứt vỡ, có ổ gà lớn sau mưa.",
     "Đã đưa vào kế hoạch duy tu; đoạn đường đã được vá tạm các ổ gà."},
    {"Nước thải tràn ra đường", "Cống thoát nước bị tắc, nước thải tràn ra mặt đường.",
     "Đã nạo vét cống thoát nước; hiện đã thoát nước bình thường."},
    {"Cây xanh có nguy cơ gãy đổ", "Cây xà cừ trước cổng trường nghiêng, có nguy cơ đổ khi mưa bão.",
     "Đã phối hợp đơn vị cây xanh cắt tỉa, chống đỡ cây."},
};
static const topic KIEN_NGHI[] = {
    {"Lắp đặt camera an ninh khu dân cư", "Đề nghị lắp camera tại các ngã ba trong khu dân cư để giữ an ninh trật tự.",
     "Kiến nghị được đưa vào kế hoạch năm tới; trước mắt Công an đã tăng cường tuần tra ban đêm."},
    {"Xây dựng sân chơi cho trẻ em", "Đề nghị dành quỹ đất công để làm sân chơi cho trẻ em trong tổ dân phố.",
     "UBND đang rà soát quỹ đất công; sẽ thông báo kết quả tại hội nghị tổ dân phố."},
    {"Điều chỉnh giờ thu gom rác", "Đề nghị thu gom rác sau 18 giờ để người dân đi làm về kịp bỏ rác.",
     "Đã đề nghị đơn vị thu gom điều chỉnh lịch thu gom từ 18 giờ 30."},
    {"Hỗ trợ hộ cận nghèo sửa nhà", "Đề nghị xem xét hỗ trợ hộ cận nghèo có nhà xuống cấp.",
     "Đã đưa hộ gia đình vào danh sách đề nghị hỗ trợ từ Quỹ Vì người nghèo."},
    {"Làm gờ giảm tốc trước trường học", "Xe chạy nhanh trước cổng trường tiểu học, đề nghị làm gờ giảm tốc.",
     "Đã lắp biển báo và gờ giảm tốc trước cổng trường."},
    {"Thủ tục cấp giấy chứng nhận quyền sử dụng đất", "Đề nghị hướng dẫn rõ thời hạn giải quyết hồ sơ cấp giấy chứng nhận.",
     "Đã niêm yết quy trình và thời hạn; công chức Địa chính hướng dẫn trực tiếp khi công dân đến."},
};
static const topic KHIEU_NAI[] = {
    {"Khiếu nại quyết định xử phạt vi phạm hành chính", "Tôi khiếu nại quyết định xử phạt về trật tự xây dựng vì công trình đã được cấp phép sửa chữa.",
     "Quyết định giải quyết khiếu nại lần đầu: giữ nguyên quyết định xử phạt do công trình xây dựng vượt phép."},
    {"Khiếu nại việc không cấp giấy xác nhận", "Tôi khiếu nại việc cán bộ không cấp giấy xác nhận tình trạng nhà ở.",
     "Quyết định giải quyết khiếu nại: khiếu nại đúng; yêu cầu cấp giấy xác nhận trong 03 ngày làm việc."},
    {"Khiếu nại mức hỗ trợ khi giải phóng mặt bằng", "Tôi không đồng ý mức hỗ trợ cây cối, hoa màu khi thu hồi đất làm đường.",
     "Quyết định giải quyết khiếu nại: khiếu nại đúng một phần; điều chỉnh đơn giá hỗ trợ cây ăn quả."},
    {"Khiếu nại việc từ chối đăng ký hộ kinh doanh", "Tôi khiếu nại việc từ chối đăng ký hộ kinh doanh không nêu lý do.",
     "Quyết định giải quyết khiếu nại: yêu cầu bộ phận chuyên môn tiếp nhận lại hồ sơ và trả lời bằng văn bản."},
};
static const topic TO_CAO[] = {
    {"Tố cáo cán bộ gây phiền hà khi chứng thực", "Cán bộ chứng thực yêu cầu nộp thêm tiền ngoài lệ phí quy định.",
     "Kết luận nội dung tố cáo: tố cáo đúng một phần; đã kiểm điểm, xử lý kỷ luật khiển trách công chức vi phạm."},
    {"Tố cáo hành vi xây dựng trái phép", "Hộ gia đình xây dựng trên đất nông nghiệp, cán bộ địa chính biết nhưng không xử lý.",
     "Kết luận nội dung tố cáo: tố cáo đúng; đã lập biên bản, buộc tháo dỡ công trình và kiểm điểm công chức."},
    {"Tố cáo cán bộ nhận tiền khi đo đạc", "Có cán bộ nhận tiền của người dân khi đo đạc, cắm mốc ranh giới đất.",
     "Kết luận nội dung tố cáo: tố cáo sai; không có căn cứ xác định cán bộ nhận tiền."},
};
static const topic BIEU_DUONG[] = {
    {"Cảm ơn cán bộ Bộ phận Một cửa", "Cảm ơn cán bộ tiếp nhận hồ sơ đã hướng dẫn tận tình, trả kết quả sớm hơn hẹn.",
     "UBND ghi nhận và biểu dương công chức; cảm ơn ông/bà đã động viên."},
    {"Cảm ơn Công an phường", "Cảm ơn Công an đã giúp tìm lại xe máy bị mất.", "Đã chuyển lời cảm ơn tới Công an."},
};

#define NTOPICS(t) ((int)(sizeof t / sizeof *t))

typedef struct {
    arena *a;
    int64_t unit, officer, now;
    rng r;
    bool commune;
    const char *unit_name;
    int made;
} gen;

static int pct(gen *g) { return rng_pick(&g->r, 100); }

/* t moved to a working hour of a weekday: a weekend day to the Monday after */
static int64_t office_time(gen *g, int64_t t)
{
    cal_day day = cal_local_day(t);
    int wd = cal_weekday(day);
    if (wd == 6) day += 2;
    else if (wd == 0) day += 1;
    return cal_instant(day, 7 * 60 + 30 + rng_pick(&g->r, 8 * 60));
}

static const char *person(gen *g, bool *female)
{
    *female = rng_pick(&g->r, 2);
    const char *fam = FAMILY[rng_pick(&g->r, NTOPICS(FAMILY))];
    return *female ? arena_printf(g->a, "%s %s %s", fam, MIDDLE_F[rng_pick(&g->r, 6)], GIVEN_F[rng_pick(&g->r, 15)])
                   : arena_printf(g->a, "%s %s %s", fam, MIDDLE_M[rng_pick(&g->r, 6)], GIVEN_M[rng_pick(&g->r, 15)]);
}

/* One step at time at (when it is still in the past); 1 applied, 0 not yet (the future), -1 error. */
static int step_in(db *d, gen *g, int64_t id, feedback_action act, const char *note, int64_t at, err *e)
{
    if (at >= g->now) return 0;
    feedback_step_in st = {.action = act, .note = note, .user_id = g->officer};
    static const char *const grounds[] = {"places", "agencies"};
    if (act == FB_EXTEND) {
        st.grounds = grounds;
        st.ngrounds = 2;
    }
    return feedback_apply(d, g->a, id, &st, at, e) ? -1 : 1;
}

static int one_case(db *d, gen *g, int64_t at, err *e)
{
    /* kinds: góp ý, phản ánh, kiến nghị most; some complaints and denunciations; a few thanks */
    int k = pct(g);
    const char *kind = k < 26 ? "gop_y" : k < 56 ? "phan_anh" : k < 80 ? "kien_nghi" : k < 90 ? "khieu_nai"
                     : k < 95 ? "to_cao" : "bieu_duong";
    const topic *tp;
    if (!strcmp(kind, "gop_y")) tp = &GOP_Y[rng_pick(&g->r, NTOPICS(GOP_Y))];
    else if (!strcmp(kind, "phan_anh")) tp = &PHAN_ANH[rng_pick(&g->r, NTOPICS(PHAN_ANH))];
    else if (!strcmp(kind, "kien_nghi")) tp = &KIEN_NGHI[rng_pick(&g->r, NTOPICS(KIEN_NGHI))];
    else if (!strcmp(kind, "khieu_nai")) tp = &KHIEU_NAI[rng_pick(&g->r, NTOPICS(KHIEU_NAI))];
    else if (!strcmp(kind, "to_cao")) tp = &TO_CAO[rng_pick(&g->r, NTOPICS(TO_CAO))];
    else tp = &BIEU_DUONG[rng_pick(&g->r, NTOPICS(BIEU_DUONG))];
    int c = pct(g);
    bool formal = !strcmp(kind, "khieu_nai") || !strcmp(kind, "to_cao");
    const char *channel = formal ? (c < 50 ? "desk" : c < 80 ? "reception" : "web")
                                 : (c < 35 ? "web" : c < 55 ? "desk" : c < 70 ? "box" : c < 90 ? "hotline" : "reception");
    bool anonymous = (!strcmp(kind, "gop_y") || !strcmp(kind, "bieu_duong")) ? pct(g) < 45
                     : !strcmp(kind, "to_cao") ? pct(g) < 20 : false;
    bool female;
    const char *name = anonymous ? "" : person(g, &female);
    const char *address = anonymous ? "" : arena_printf(g->a, "Tổ %d, %s", 1 + rng_pick(&g->r, 20), g->unit_name);
    bool consent = !anonymous && !formal && pct(g) < 55;
    bool keyed = strcmp(channel, "web") != 0;
    feedback_new in = {.unit_id = g->unit, .kind = kind, .channel = channel, .subject = tp->subject,
                       .content = tp->content, .name = name, .address = address, .user_id = keyed ? g->officer : 0,
                       .consent_publish = consent, .received_at = at};
    feedback_ticket tk;
    if (feedback_intake(d, g->a, &in, at, &tk, e)) return -1;
    g->made++;
    int64_t t = at;
    int rc;
#define STEP(act, note, when)                                                                       \
    do {                                                                                            \
        int64_t next_ = office_time(g, (when));                                                     \
        t = next_ > t ? next_ : t + 1800;                                                           \
        if ((rc = step_in(d, g, tk.id, (act), (note), t, e)) <= 0) return rc;                       \
    } while (0)
    bool late = pct(g) < 12;
    int r = pct(g);
    if (!strcmp(kind, "bieu_duong")) {
        if (pct(g) < 70) STEP(FB_RESOLVE, tp->answer, t + (2 + rng_pick(&g->r, 5)) * 86400);
        return 0;
    }
    if (!strcmp(kind, "gop_y")) {
        STEP(FB_RESOLVE, tp->answer, t + (late ? 24 + rng_pick(&g->r, 15) : 3 + rng_pick(&g->r, 15)) * 86400);
    } else if (!strcmp(kind, "phan_anh") || !strcmp(kind, "kien_nghi")) {
        if (r < 5) {
            STEP(FB_FORWARD, "Chuyển Công an phường xem xét theo thẩm quyền.", t + 86400);
            return 0;
        }
        if (r < 9) {
            STEP(FB_REFUSE, "Nội dung đã được trả lời tại văn bản trước; không thuộc phạm vi tiếp nhận.", t + 86400);
            return 0;
        }
        if (r < 12) {
            STEP(FB_WITHDRAW, "Người phản ánh gọi điện xin rút vì sự việc đã được khắc phục.", t + 2 * 86400);
            return 0;
        }
        STEP(FB_ACCEPT, NULL, t + (late && pct(g) < 40 ? 4 : rng_pick(&g->r, 2)) * 86400);
        STEP(FB_RESOLVE, tp->answer, t + (late ? 24 + rng_pick(&g->r, 12) : 4 + rng_pick(&g->r, 14)) * 86400);
    } else {
        /* khiếu nại, tố cáo: accepted in days, resolved within the month, some complex cases */
        bool info = anonymous && !strcmp(kind, "to_cao");
        if (info) {
            if (pct(g) < 60) STEP(FB_RESOLVE, "Tố cáo nặc danh: đã chuyển thông tin cho bộ phận chuyên môn kiểm tra.", t + 5 * 86400);
            return 0;
        }
        if (r < 6) {
            STEP(FB_REFUSE, "Khiếu nại đã quá thời hiệu 90 ngày (Luật Khiếu nại, Điều 9), không có lý do chính đáng.", t + 3 * 86400);
            return 0;
        }
        STEP(FB_ACCEPT, NULL, t + (2 + rng_pick(&g->r, 4)) * 86400);
        if (r < 12) {
            STEP(FB_WITHDRAW, "Người khiếu nại có đơn xin rút khiếu nại sau khi được giải thích.", t + 6 * 86400);
            return 0;
        }
        cal_day from = cal_local_day(at);
        bool new_law = from >= cal_from_ymd(2026, 7, 1);
        if ((r < 20 && (!strcmp(kind, "to_cao") || new_law)) ) {
            STEP(FB_SUSPEND, "Chờ kết quả giám định của cơ quan chuyên môn.", t + 8 * 86400);
            STEP(FB_RESUME, NULL, t + (10 + rng_pick(&g->r, 15)) * 86400);
        }
        if (r >= 20 && r < 36)
            STEP(FB_EXTEND, "Vụ việc phức tạp: phải xác minh tại nhiều địa điểm, liên quan nhiều cơ quan.", t + 20 * 86400);
        STEP(FB_RESOLVE, tp->answer, t + (late ? 30 + rng_pick(&g->r, 20) : 8 + rng_pick(&g->r, 18)) * 86400);
    }
    if (consent && pct(g) < 80) STEP(FB_PUBLISH, NULL, t + (1 + rng_pick(&g->r, 2)) * 86400);
#undef STEP
    return 0;
}

int feedback_demo_unit(db *d, int64_t unit_id, int64_t now, uint64_t seed, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT kind, name FROM units WHERE id = ?");
    db_bind_int(s, 1, unit_id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        err_set(e, 404, "Không tìm thấy đơn vị.", "feedback demo: unit %lld", (long long)unit_id);
        return -1;
    }
    arena *a = arena_new();
    gen g = {.a = a, .unit = unit_id, .now = now, .r = {seed ^ (0x9E3779B97F4A7C15ull * (uint64_t)unit_id)},
             .commune = strcmp(db_col_text(s, 0), "department") != 0,
             .unit_name = arena_strdup(a, db_col_text(s, 1))};
    db_done(s);
    g.officer = officer_of(d, unit_id);
    /* cases a working day: about 150 a year for a commune, 40 for a department */
    int p = g.commune ? 38 : 14;
    int rc = 0;
    for (cal_day day = cal_from_ymd(2024, 12, 1), today = cal_local_day(now); day < today && rc == 0; day++) {
        int wd = cal_weekday(day);
        if (wd == 0 || wd == 6) continue;
        while (rc == 0 && pct(&g) < p) rc = one_case(d, &g, cal_instant(day, 7 * 60 + 30 + rng_pick(&g.r, 9 * 60)), e);
    }
    /* the open cases' warnings were sent in their time: the server's first round does not flood
     * the leaders with two years of them */
    if (rc == 0 && feedback_warn_mark(d, unit_id, now, e) < 0) rc = -1;
    arena_free(a);
    return rc ? -1 : g.made;
}

/* The demo's first units: the hand-written cases, then two years of each. */
static const char *const DEMO_UNITS[] = {"05443", "05602", "19-SNV"};

static int demo_all(db *d, void *ctx, err *e)
{
    demo_tx *t = ctx;
    if (demo_write(d, t, e)) return -1;
    for (size_t i = 0; i < sizeof DEMO_UNITS / sizeof *DEMO_UNITS; i++) {
        int64_t unit = unit_by_code(d, DEMO_UNITS[i]);
        if (!unit) continue;
        int n = feedback_demo_unit(d, unit, t->now, 0xFEEDBAC4u, e);
        if (n < 0) return -1;
        t->made += n;
    }
    return 0;
}

int feedback_demo(db *d, arena *a, int64_t now, err *e)
{
    demo_tx t = {.a = a, .now = now};
    if (db_write(d, demo_all, &t, e)) return -1;
    return t.made;
}
