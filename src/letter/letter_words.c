/* letter_words.c -- the words of letters without the database (letter.h, "words"): the
 * placeholders, the built-in default of each occasion, the check of a template as typed and
 * its rendering. Pure, so the fuzzer (tests/fuzz/fuzz_letter_template.c) links it alone; the
 * units' own templates live in letter_template.c.
 *
 * The defaults are written as a Ủy ban nhân dân of the model "Chính quyền thân thiện, vì Nhân
 * dân phục vụ" would sign them ("biết chào, biết cười, biết lắng nghe, biết hướng dẫn, biết
 * cảm ơn, biết xin lỗi"): the institution speaks ({{unit}}), the citizen is "Ông" or "Bà"
 * ({{recipient_title}}, by the sex on their ID card; a marriage letter greets both spouses), and
 * what real letters say is kept (research/assessment.md §4): the apology names the dossier,
 * the missed date, the reason and the new date and asks for understanding (§4.1); the birth
 * letter is the first blessing for a new citizen with a word on raising the child (§4.2); the
 * condolence offers help with the papers, at home if need be (§4.3). Each sentence still
 * reads when an optional value is filled in as staff type it (a name, "ngày 05 tháng 3 năm
 * 2026", a phrase after "đã" for what is thanked). The signature is not in the words: the
 * unit's head signs under them (letter_pdf.c). */
#include <string.h>

#include "../core/subst.h"
#include "../core/text.h"
#include "letter.h"

const char *const letter_var_names[LETTER_NVARS] = {
    [LV_RECIPIENT] = "recipient", [LV_ADDRESS] = "address",   [LV_PERSON] = "person",
    [LV_RECIPIENT_TITLE] = "recipient_title", [LV_PERSON_TITLE] = "person_title",
    [LV_EVENT_DATE] = "event_date", [LV_DETAIL] = "detail",   [LV_CODE] = "code",
    [LV_PROCEDURE] = "procedure", [LV_RECEIVED] = "received", [LV_DUE] = "due",
    [LV_NEW_DUE] = "new_due",     [LV_UNIT] = "unit",         [LV_PLACE] = "place",
    [LV_SIGNER] = "signer",       [LV_SIGNER_TITLE] = "signer_title", [LV_DATE] = "date",
};

static const char *const VAR_LABELS[LETTER_NVARS] = {
    [LV_RECIPIENT] = N_("Họ tên người nhận thư"),
    [LV_ADDRESS] = N_("Địa chỉ người nhận"),
    [LV_RECIPIENT_TITLE] = N_("“Ông” hoặc “Bà” trước họ tên người nhận, theo giới tính"),
    [LV_PERSON] = N_("Người được nhắc đến: cháu mới sinh, người bạn đời, người đã mất"),
    [LV_PERSON_TITLE] = N_("“Ông” hoặc “Bà” trước họ tên người được nhắc đến (vợ hoặc chồng, người đã mất)"),
    [LV_EVENT_DATE] = N_("Ngày sinh, ngày kết hôn hoặc ngày mất (ví dụ: ngày 05 tháng 3 năm 2026)"),
    [LV_DETAIL] = N_("Nội dung riêng của thư: việc được cảm ơn, dịp chúc mừng, lý do chậm trả kết quả"),
    [LV_CODE] = N_("Mã hồ sơ"),
    [LV_PROCEDURE] = N_("Tên thủ tục hành chính"),
    [LV_RECEIVED] = N_("Ngày tiếp nhận hồ sơ"),
    [LV_DUE] = N_("Ngày hẹn trả kết quả đã lỡ"),
    [LV_NEW_DUE] = N_("Ngày hẹn trả kết quả mới"),
    [LV_UNIT] = N_("Tên cơ quan gửi thư (Ủy ban nhân dân phường…)"),
    [LV_PLACE] = N_("Địa danh ở dòng ngày tháng"),
    [LV_SIGNER] = N_("Họ tên người ký thư"),
    [LV_SIGNER_TITLE] = N_("Chức vụ người ký thư"),
    [LV_DATE] = N_("Ngày của thư"),
};

const char *letter_var_label(int var)
{
    return var >= 0 && var < LETTER_NVARS ? VAR_LABELS[var] : "";
}

/* ---- the built-in defaults ------------------------------------------------------------------ */

#define TO_YOU "Kính gửi: {{recipient_title}} {{recipient}}"

static const struct {
    const char *occasion;
    letter_words w;
} DEFAULTS[] = {
    {"late",
     {"THƯ XIN LỖI", TO_YOU,
      "{{unit}} đã tiếp nhận hồ sơ của {{recipient_title}} vào {{received}} để giải quyết thủ tục {{procedure}}, mã hồ sơ "
      "{{code}}, hẹn trả kết quả vào {{due}}.\n\n"
      "Tuy nhiên, đến nay hồ sơ của {{recipient_title}} chưa được giải quyết xong đúng hẹn. Lý do: {{detail}}.\n\n"
      "Sự chậm trễ này đã làm mất thời gian, công sức và gây phiền hà cho {{recipient_title}}. {{unit}} thành thật xin lỗi "
      "{{recipient_title}} và xin hẹn trả kết quả vào {{new_due}}. Chúng tôi sẽ theo dõi sát hồ sơ để trả kết quả đúng ngày "
      "đã hẹn lại.\n\n"
      "Rất mong {{recipient_title}} thông cảm. Chúng tôi xin tiếp thu, rút kinh nghiệm để phục vụ Nhân dân ngày càng tốt "
      "hơn. Mọi ý kiến, xin {{recipient_title}} phản ánh tại nơi tiếp nhận hồ sơ hoặc với lãnh đạo {{unit}}.",
      "Trân trọng!"}},
    {"contribution",
     {"THƯ CẢM ƠN", TO_YOU,
      "{{unit}} xin gửi tới {{recipient_title}} và gia đình lời cảm ơn chân thành vì đã {{detail}}.\n\n"
      "Việc làm thiết thực của {{recipient_title}} và gia đình đã góp phần xây dựng quê hương ngày càng khang trang, "
      "sạch đẹp, văn minh; đó là tấm gương sáng về tinh thần “Nhà nước và Nhân dân cùng làm”, được chính "
      "quyền và bà con ghi nhận, trân trọng.\n\n"
      "Kính chúc {{recipient_title}} và gia đình luôn mạnh khỏe, hạnh phúc, an khang và tiếp tục đồng hành cùng chính quyền "
      "trong các phong trào của địa phương.",
      "Trân trọng cảm ơn!"}},
    {"feedback",
     {"THƯ CẢM ƠN", TO_YOU,
      "{{unit}} trân trọng cảm ơn {{recipient_title}} đã quan tâm, {{detail}}.\n\n"
      "Ý kiến của {{recipient_title}} đã giúp chính quyền kịp thời nhận ra điều chưa tốt và khắc phục, để phục vụ Nhân dân "
      "ngày càng tốt hơn. Chúng tôi luôn mong được lắng nghe và trân trọng mọi ý kiến đóng góp của người dân.\n\n"
      "Rất mong {{recipient_title}} tiếp tục quan tâm, góp ý để {{unit}} xây dựng chính quyền thân thiện, vì Nhân dân phục vụ. "
      "Kính chúc {{recipient_title}} và gia đình luôn mạnh khỏe, hạnh phúc.",
      "Trân trọng cảm ơn!"}},
    {"birth",
     {"THƯ CHÚC MỪNG", "Kính gửi: Gia đình {{recipient_title}} {{recipient}}",
      "{{unit}} vui mừng được biết gia đình {{recipient_title}} vừa đón chào thành viên mới: cháu {{person}}, sinh "
      "{{event_date}}.\n\n"
      "Nhân dịp {{recipient_title}} đăng ký khai sinh cho cháu, {{unit}} xin gửi tới gia đình lời chúc mừng tốt đẹp nhất và "
      "trân trọng chào đón cháu, công dân mới của quê hương.\n\n"
      "Chúc cháu luôn khỏe mạnh, ngoan ngoãn, lớn lên trong tình yêu thương của gia đình và sự quan tâm của cộng "
      "đồng. Mong gia đình cho cháu tiêm chủng đầy đủ, chăm sóc và nuôi dạy cháu khoa học để cháu trở thành "
      "người công dân tốt, có ích cho xã hội.\n\n"
      "Kính chúc {{recipient_title}} và gia đình luôn mạnh khỏe, hạnh phúc!",
      "Trân trọng!"}},
    {"marriage",
     {"THƯ CHÚC MỪNG", "Kính gửi: {{recipient_title}} {{recipient}} và {{person_title}} {{person}}",
      "{{unit}} vui mừng được biết {{recipient_title}} {{recipient}} và {{person_title}} {{person}} đã đăng ký kết hôn "
      "{{event_date}}, chính thức nên duyên vợ chồng.\n\n"
      "# Trăm năm hạnh phúc\n\n"
      "Nhân dịp trọng đại này, {{unit}} xin gửi tới hai vợ chồng lời chúc mừng tốt đẹp nhất. Chúc gia đình nhỏ "
      "luôn tràn đầy yêu thương, tôn trọng và sẻ chia, cùng nhau xây dựng gia đình no ấm, bình đẳng, tiến bộ, "
      "hạnh phúc.\n\n"
      "Kính chúc hai vợ chồng cùng hai bên gia đình dồi dào sức khỏe, hạnh phúc và thành đạt!",
      "Trân trọng!"}},
    {"other_congratulation",
     {"THƯ CHÚC MỪNG", TO_YOU,
      "Nhân dịp {{detail}}, {{unit}} trân trọng gửi tới {{recipient_title}} và gia đình lời chúc mừng tốt đẹp nhất.\n\n"
      "Niềm vui của gia đình {{recipient_title}} cũng là niềm vui chung của chính quyền và bà con trên địa bàn.\n\n"
      "Kính chúc {{recipient_title}} và gia đình luôn mạnh khỏe, hạnh phúc, an khang và có thêm nhiều niềm vui mới!",
      "Trân trọng!"}},
    {"death",
     {"THƯ CHIA BUỒN", "Kính gửi: Gia đình {{recipient_title}} {{recipient}}",
      "{{unit}} vô cùng thương tiếc khi nhận được tin buồn: {{person_title}} {{person}} đã từ trần vào "
      "{{event_date}}.\n\n"
      "Thay mặt chính quyền và bà con trên địa bàn, {{unit}} xin gửi tới gia đình lời chia buồn sâu sắc nhất và "
      "xin được cùng chia sẻ nỗi mất mát to lớn này. Cầu mong {{person_title}} {{person}} được yên nghỉ nơi vĩnh "
      "hằng.\n\n"
      "Nếu gia đình cần giúp đỡ về thủ tục (trích lục khai tử, trợ cấp mai táng, chế độ tử tuất) hay việc gì "
      "khác, xin báo với {{unit}}; cán bộ của chúng tôi sẵn sàng hướng dẫn, giúp đỡ, kể cả đến tận nhà.\n\n"
      "Kính chúc gia đình sớm vượt qua nỗi đau buồn, giữ gìn sức khỏe.",
      "Thành kính chia buồn!"}},
};

const letter_words *letter_default_words(const char *occasion)
{
    for (size_t i = 0; occasion && i < sizeof DEFAULTS / sizeof DEFAULTS[0]; i++)
        if (!strcmp(DEFAULTS[i].occasion, occasion)) return &DEFAULTS[i].w;
    return NULL;
}

/* ---- checking a template as typed ---------------------------------------------------------- */

static int refuse(err *e, const char *field, const char *msgid, const char *why)
{
    err_set(e, 400, msgid, "letter template %s: %s", field, why);
    err_field(e, field);
    return -1;
}

/* One field: cleaned (valid UTF-8, no control characters but newlines, NFC), trimmed, within
 * max characters, present when required, only known placeholders. */
static int check_field(arena *a, const char *field, const char *in, size_t max, bool required, const char *empty_msg,
                       const char *long_msg, const char **out, err *e)
{
    if (!in) in = "";
    char *clean;
    text_status st = text_clean(a, in, strlen(in), true, 0, &clean);
    if (st != TEXT_OK) return refuse(e, field, N_("Mẫu thư có ký tự không hợp lệ."), "bad text");
    const char *t = text_trim(a, clean);
    if (required && text_is_blank(t)) return refuse(e, field, empty_msg, "empty");
    if (text_char_count(t) > max) return refuse(e, field, long_msg, "too long");
    const char *bad;
    if (subst_check(a, t, letter_var_names, LETTER_NVARS, &bad) != 0) {
        char msg[sizeof e->user];
        snprintf(msg, sizeof msg, "Mẫu thư có chỗ điền không hợp lệ: %s. Chỉ dùng các chỗ điền trong danh sách.",
                 bad);
        err_set(e, 400, msg, "letter template %s: unknown placeholder %s", field, bad);
        err_field(e, field);
        return -1;
    }
    *out = t;
    return 0;
}

#define MAX_LINE 200    /* title, greeting, closing */
#define MAX_BODY 6000

/* The placeholders of a checked text (every "{{" opens one). */
static size_t placeholder_count(const char *t)
{
    size_t n = 0;
    for (const char *p = strstr(t, "{{"); p; p = strstr(p + 2, "{{")) n++;
    return n;
}

int letter_template_check(arena *a, const letter_words *in, letter_words *out, err *e)
{
    letter_words w = {0};
    if (check_field(a, "title", in->title, MAX_LINE, true, N_("Nhập tiêu đề thư."),
                    N_("Tiêu đề thư không quá 200 ký tự."), &w.title, e) ||
        check_field(a, "greeting", in->greeting, MAX_LINE, false, NULL, N_("Lời chào không quá 200 ký tự."),
                    &w.greeting, e) ||
        check_field(a, "body", in->body, MAX_BODY, true, N_("Nhập nội dung thư."),
                    N_("Nội dung thư không quá 6000 ký tự."), &w.body, e) ||
        check_field(a, "closing", in->closing, MAX_LINE, false, NULL, N_("Lời kết không quá 200 ký tự."),
                    &w.closing, e))
        return -1;
    /* each placeholder may bring a value of up to 2000 characters: a template that names
     * {{detail}} six hundred times makes a letter no one can read and a printout that costs
     * minutes, so the count is bounded here and the filled-in letter when it is printed */
    if (placeholder_count(w.title) + placeholder_count(w.greeting) + placeholder_count(w.body) +
            placeholder_count(w.closing) > LETTER_MAX_PLACEHOLDERS)
        return refuse(e, "body", N_("Mẫu thư có quá nhiều chỗ điền (tối đa 40)."), "too many placeholders");
    *out = w;
    return 0;
}

int letter_words_check_length(const letter_words *w, err *e)
{
    size_t n = 0;
    const char *const parts[] = {w->title, w->greeting, w->body, w->closing};
    for (size_t i = 0; i < 4; i++) n += parts[i] ? text_char_count(parts[i]) : 0;
    if (n <= LETTER_MAX_CHARS) return 0;
    err_set(e, 422, N_("Thư quá dài để in: khi đã điền thông tin, thư vượt quá 10.000 ký tự. Xin rút gọn mẫu thư hoặc nội dung của thư."),
            "letter: %zu characters rendered", n);
    err_field(e, "body");
    return -1;
}

/* ---- rendering ----------------------------------------------------------------------------- */

const char *letter_title_of(const char *sex)
{
    if (sex && !strcmp(sex, "male")) return "Ông";
    if (sex && !strcmp(sex, "female")) return "Bà";
    return "";
}

void letter_titles_fallback(const char *values[LETTER_NVARS])
{
    if (!values[LV_RECIPIENT_TITLE] || !*values[LV_RECIPIENT_TITLE]) values[LV_RECIPIENT_TITLE] = "Ông/Bà";
    if (!values[LV_PERSON_TITLE] || !*values[LV_PERSON_TITLE]) values[LV_PERSON_TITLE] = "Ông/Bà";
}

letter_words letter_render_words(arena *a, const letter_words *tmpl, const char *const values[LETTER_NVARS])
{
    return (letter_words){
        .title = subst(a, tmpl->title, letter_var_names, LETTER_NVARS, values),
        .greeting = subst(a, tmpl->greeting, letter_var_names, LETTER_NVARS, values),
        .body = subst(a, tmpl->body, letter_var_names, LETTER_NVARS, values),
        .closing = subst(a, tmpl->closing, letter_var_names, LETTER_NVARS, values),
    };
}
