/* notify.c -- the outbox (see notify.h): queueing with templates, and the sender.
 *
 * The sender takes one due row at a time in a short write (db_write) that moves the row's
 * next_at forward by its backoff and counts the attempt (a "claim": another sender, or this
 * one after a crash, leaves it alone until then), delivers once that write is committed and
 * with none open, then records the outcome in a second short write. The network is never
 * called from inside a write. */
#include "notify.h"

#include <curl/curl.h>
#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../account/account.h"
#include "../audit/audit.h"
#include "../core/log.h"
#include "../core/text.h"
#include "message.h"

const char *const notify_events[] = {"receipt", "supplement", "refusal", "due_soon", "apology", "result_ready", "letter", "booking_code",
                                     "feedback_receipt", "feedback_answer", "feedback_due", NULL};
const char *const notify_channels[] = {"email", "sms", "zalo", NULL};

static bool in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++)
        if (!strcmp(*list, s)) return true;
    return false;
}

const char *notify_event_label(const char *event)
{
    if (!strcmp(event, "receipt")) return N_("Tiếp nhận hồ sơ");
    if (!strcmp(event, "supplement")) return N_("Yêu cầu bổ sung hồ sơ");
    if (!strcmp(event, "refusal")) return N_("Từ chối tiếp nhận, giải quyết");
    if (!strcmp(event, "due_soon")) return N_("Sắp đến hạn (báo cán bộ)");
    if (!strcmp(event, "apology")) return N_("Xin lỗi, hẹn lại ngày trả");
    if (!strcmp(event, "result_ready")) return N_("Đã có kết quả");
    if (!strcmp(event, "letter")) return N_("Gửi thư (chúc mừng, chia buồn, cảm ơn, xin lỗi)");
    if (!strcmp(event, "booking_code")) return N_("Mã xác nhận đặt lịch hẹn");
    if (!strcmp(event, "feedback_receipt")) return N_("Tiếp nhận ý kiến, phản ánh, khiếu nại, tố cáo");
    if (!strcmp(event, "feedback_answer")) return N_("Trả lời ý kiến, phản ánh, khiếu nại, tố cáo");
    if (!strcmp(event, "feedback_due")) return N_("Phản ánh, khiếu nại sắp đến hạn, quá hạn (báo cán bộ)");
    return event;
}

const char *notify_channel_label(const char *channel)
{
    if (!strcmp(channel, "email")) return N_("Thư điện tử");
    if (!strcmp(channel, "sms")) return N_("Tin nhắn SMS");
    if (!strcmp(channel, "zalo")) return N_("Zalo");
    return channel;
}

const char *notify_status_label(const char *status)
{
    if (!strcmp(status, "pending")) return N_("Chờ gửi");
    if (!strcmp(status, "sent")) return N_("Đã gửi");
    if (!strcmp(status, "failed")) return N_("Gửi không được");
    if (!strcmp(status, "skipped")) return N_("Bỏ qua");
    return status;
}

/* ---- built-in templates ------------------------------------------------------------------ */

#define SIGN "\n\nTrân trọng,\n{{unit}}\n\nThư này được gửi tự động, xin đừng trả lời thư này."

/* E-mail (subject and body) and a short text for SMS; Zalo uses the SMS text. */
static const struct {
    const char *event, *subject, *body, *sms;
} defaults[] = {
    {"receipt", "Đã tiếp nhận hồ sơ {{code}}",
     "Kính gửi ông/bà {{name}},\n\n{{unit}} đã tiếp nhận hồ sơ của ông/bà:\n- Mã hồ sơ: {{code}}\n"
     "- Thủ tục: {{procedure}}\n- Ngày hẹn trả kết quả: {{due}}\n\nÔng/bà tra cứu tình trạng giải quyết hồ sơ "
     "tại {{link}} bằng mã hồ sơ và mã bí mật {{secret}} (in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả); "
     "xin giữ kín mã bí mật.\nKhi đến nhận kết quả, ông/bà vui lòng mang theo Giấy tiếp nhận hồ sơ và hẹn trả "
     "kết quả." SIGN,
     "{{unit}} đã nhận hồ sơ {{code}}, hẹn trả {{due}}. Tra cứu {{link}} mã {{secret}}"},
    {"supplement", "Hồ sơ {{code}} cần bổ sung, hoàn thiện",
     "Kính gửi ông/bà {{name}},\n\nHồ sơ {{code}} ({{procedure}}) của ông/bà cần được bổ sung, hoàn thiện như "
     "sau:\n{{reason}}\n\nĐề nghị ông/bà bổ sung hồ sơ tại {{unit}}. Thời hạn giải quyết được tính lại từ ngày "
     "nhận đủ hồ sơ hợp lệ. Chi tiết trong Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ; tra cứu tại {{link}}." SIGN,
     "Hồ sơ {{code}} cần bổ sung: {{reason}}. {{unit}}"},
    {"refusal", "Hồ sơ {{code}} không được tiếp nhận, giải quyết",
     "Kính gửi ông/bà {{name}},\n\n{{unit}} thông báo hồ sơ {{code}} ({{procedure}}) của ông/bà không được tiếp "
     "nhận, giải quyết.\nLý do: {{reason}}\n\nChi tiết trong Phiếu từ chối tiếp nhận, giải quyết hồ sơ. Nếu cần "
     "hướng dẫn thêm, mời ông/bà liên hệ {{unit}}." SIGN,
     "Hồ sơ {{code}} không được tiếp nhận, giải quyết. Lý do: {{reason}}. {{unit}}"},
    {"due_soon", "Hồ sơ {{code}} sắp đến hạn trả kết quả ({{due}})",
     "Hồ sơ {{code}} ({{procedure}}) của ông/bà {{name}} đến hạn trả kết quả ngày {{due}}.\n\nNếu không thể trả "
     "kết quả đúng hạn, đề nghị báo cáo lãnh đạo và lập Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết "
     "(Mẫu số 04, Thông tư 03/2025/TT-VPCP), gửi người dân trước ngày hẹn ít nhất một ngày làm việc.\n\nXem hồ sơ: {{link}}\n\n{{unit}} – hệ thống Thân Thiện",
     "Hồ sơ {{code}} đến hạn trả {{due}}. Nếu chậm, lập văn bản xin lỗi trước hạn."},
    {"apology", "Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {{code}}",
     "Kính gửi ông/bà {{name}},\n\n{{unit}} chân thành xin lỗi ông/bà vì hồ sơ {{code}} ({{procedure}}) chưa "
     "được giải quyết xong đúng hẹn ngày {{due}}.\nLý do: {{reason}}\n\nChúng tôi xin hẹn trả kết quả vào ngày "
     "{{new_due}}. Rất mong ông/bà thông cảm." SIGN,
     "{{unit}} xin lỗi: hồ sơ {{code}} chưa xong đúng hẹn ({{reason}}). Hẹn trả lại {{new_due}}."},
    {"result_ready", "Hồ sơ {{code}} đã có kết quả",
     "Kính gửi ông/bà {{name}},\n\nHồ sơ {{code}} ({{procedure}}) của ông/bà đã có kết quả. Mời ông/bà đến "
     "{{unit}} nhận kết quả trong giờ làm việc, mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả (nếu đã đăng "
     "ký nhận qua bưu chính, kết quả sẽ được gửi đến địa chỉ của ông/bà).\n\nTra cứu: {{link}}\n\nSau khi nhận kết quả, "
     "mời ông/bà đánh giá sự phục vụ (rất hài lòng, hài lòng, bình thường, không hài lòng): {{rating_link}}" SIGN,
     "Hồ sơ {{code}} đã có kết quả. Mời ông/bà đến nhận, mang theo giấy hẹn. {{unit}}"},
    {"letter", "{{unit}} gửi ông/bà {{title}}",
     "Kính gửi ông/bà {{name}},\n\n{{unit}} trân trọng gửi ông/bà {{title}}. Ông/bà xem và tải thư tại:\n"
     "{{link}}" SIGN,
     "{{unit}} gửi ông/bà {{title}}: {{link}}"},
    /* the citizen's voice (src/feedback): {{procedure}} is the kind ("phản ánh"), {{reason}} the
     * answer or the reason of a refusal */
    {"feedback_receipt", "Đã tiếp nhận {{procedure}} {{code}}",
     "Kính gửi ông/bà {{name}},\n\n{{unit}} đã tiếp nhận {{procedure}} của ông/bà, mã {{code}}.{{due}}\n\n"
     "Ông/bà theo dõi việc giải quyết tại {{link}} bằng mã {{code}} và mã tra cứu {{secret}}; xin giữ kín mã tra cứu." SIGN,
     "{{unit}} đã nhận {{procedure}} {{code}}. Theo dõi {{link}} mã {{secret}}"},
    {"feedback_answer", "Trả lời {{procedure}} {{code}}",
     "Kính gửi ông/bà {{name}},\n\n{{unit}} trả lời {{procedure}} mã {{code}} của ông/bà:\n{{reason}}\n\n"
     "Xem chi tiết tại {{link}}." SIGN,
     "{{unit}} đã trả lời {{procedure}} {{code}}. Xem tại {{link}}"},
    /* to the unit's staff (src/feedback/feedback_warn.c): {{procedure}} the kind, {{title}} the
     * subject, {{reason}} "còn 3 ngày làm việc đến hạn giải quyết" or "đã quá hạn thụ lý",
     * {{due}} the deadline, {{name}} the officer it is assigned to (may be empty) */
    {"feedback_due", "{{procedure}} {{code}}: {{reason}} ({{due}})",
     "{{procedure}} {{code}} \"{{title}}\" {{reason}} (hạn {{due}}). Cán bộ được giao: {{name}}.\n\n"
     "Đề nghị xử lý đúng hạn; nếu vụ việc phức tạp, báo cáo lãnh đạo xem xét gia hạn theo quy định.\n\n"
     "Xem vụ việc: {{link}}\n\n{{unit}} – hệ thống Thân Thiện",
     "Nhắc hạn: {{procedure}} {{code}} {{reason}} (hạn {{due}}). Xem {{link}}"},
    /* {{code}} the booking, {{secret}} the 6-digit code, {{due}} the time booked */
    {"booking_code", "Mã xác nhận lịch hẹn {{code}}",
     "Mã xác nhận lịch hẹn {{code}} lúc {{due}} là {{secret}}. Mã có hiệu lực 5 phút; xin đừng cho ai biết mã "
     "này." SIGN,
     "Ma xac nhan lich hen {{code}}: {{secret}} (5 phut). Khong chia se ma nay."},
};

int notify_template_get(db *d, arena *a, int64_t unit_id, const char *event, const char *channel,
                        notify_template *out)
{
    memset(out, 0, sizeof *out);
    if (!in_list(notify_events, event) || !in_list(notify_channels, channel)) return -1;
    unit_chain chain;
    unit_chain_of(d, unit_id, &chain);
    db_stmt *s = db_prepare(d, "SELECT subject, body FROM notify_templates WHERE unit_id = ? AND event = ? "
                               "AND channel = ?");
    for (int i = 0; s && i < chain.n; i++) {
        db_bind_int(s, 1, chain.id[i]);
        db_bind_text(s, 2, event);
        db_bind_text(s, 3, channel);
        if (db_step(s) == DB_ROW) {
            out->subject = arena_strdup(a, db_col_text(s, 0));
            out->body = arena_strdup(a, db_col_text(s, 1));
            out->source = i == 0 ? "unit" : "parent";
            out->from_unit = chain.id[i];
            db_done(s);
            return 0;
        }
        db_done(s);
    }
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        if (strcmp(defaults[i].event, event)) continue;
        bool mail = !strcmp(channel, "email");
        out->subject = mail ? defaults[i].subject : "";
        out->body = mail ? defaults[i].body : defaults[i].sms;
        out->source = "default";
        return 0;
    }
    return -1;
}

/* ---- enqueue ------------------------------------------------------------------------------- */

/* "UBND phường Phan Đình Phùng" for "Phường Phan Đình Phùng"; a department by its name. */
static const char *unit_signature(db *d, arena *a, int64_t unit_id)
{
    db_stmt *s = db_prepare(d, "SELECT name, kind FROM units WHERE id = ?");
    db_bind_int(s, 1, unit_id);
    const char *out = NULL;
    if (db_step(s) == DB_ROW) {
        const char *name = db_col_text(s, 0);
        if (!strcmp(db_col_text(s, 1), "department") || !*name) {
            out = arena_strdup(a, name);
        } else {
            char first[8];
            int len = g_unichar_to_utf8(g_unichar_tolower(g_utf8_get_char(name)), first);
            out = arena_printf(a, "UBND %.*s%s", len, first, g_utf8_next_char(name));
        }
    }
    db_done(s);
    return out;
}

static int insert_row(db *d, const notify_msg *m, const char *channel, const char *recipient, const char *subject,
                      const char *body, int64_t now)
{
    db_stmt *s = db_prepare(d, "INSERT INTO outbox (unit_id, dossier_id, event, channel, recipient, subject, body, "
                               "status, attempts, next_at, last_error, created_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, ?8, '', ?8)");
    if (!s) return DB_ERROR;
    db_bind_int(s, 1, m->unit_id);
    if (m->dossier_id > 0) db_bind_int(s, 2, m->dossier_id);
    else db_bind_null(s, 2);
    db_bind_text(s, 3, m->event);
    db_bind_text(s, 4, channel);
    db_bind_text(s, 5, recipient);
    db_bind_text(s, 6, subject);
    db_bind_text(s, 7, body);
    db_bind_int(s, 8, now);
    int rc = db_step(s);
    db_done(s);
    return rc;
}

static int enqueue_in(db *d, arena *a, const notify_msg *m, err *e)
{
    if (!in_list(notify_events, m->event) || m->unit_id <= 0) {
        err_set(e, 400, "Loại thông báo không hợp lệ.", "enqueue: event '%s', unit %lld", m->event ? m->event : "",
                (long long)m->unit_id);
        return -1;
    }
    const char *email = text_trim(a, m->email);
    const char *phone_in = text_trim(a, m->phone);
    if (*email && !notify_email_ok(email)) {
        err_set(e, 400, "Địa chỉ thư điện tử không hợp lệ.", "enqueue: bad email");
        err_field(e, "email");
        return -1;
    }
    const char *phone = *phone_in ? notify_phone_normalize(a, phone_in) : "";
    if (!phone) {
        err_set(e, 400, "Số điện thoại không hợp lệ.", "enqueue: bad phone");
        err_field(e, "phone");
        return -1;
    }
    const char *unit = m->unit ? m->unit : unit_signature(d, a, m->unit_id);
    const char *values[NOTIFY_NVARS] = {[NV_CODE] = m->code,       [NV_SECRET] = m->secret, [NV_NAME] = m->name,
                                        [NV_PROCEDURE] = m->procedure, [NV_DUE] = m->due,   [NV_NEW_DUE] = m->new_due,
                                        [NV_REASON] = m->reason,   [NV_UNIT] = unit,        [NV_LINK] = m->link,
                                        [NV_TITLE] = m->title,     [NV_RATING_LINK] = m->rating_link};
    struct {
        const char *channel, *recipient;
        bool wanted;
    } rows[] = {{"email", email, *email != '\0'}, {"sms", phone, *phone != '\0'}, {"zalo", phone, *phone && m->zalo}};
    int64_t now = (int64_t)time(NULL);
    int queued = 0;
    for (size_t i = 0; i < 3; i++) {
        if (!rows[i].wanted) continue;
        notify_template t;
        if (notify_template_get(d, a, m->unit_id, m->event, rows[i].channel, &t) != 0) {
            err_set(e, 500, "Không tạo được thông báo.", "no template %s/%s", m->event, rows[i].channel);
            return -1;
        }
        const char *subject = notify_one_line(a, notify_subst(a, t.subject, values));
        const char *body = notify_subst(a, t.body, values);
        /* an SMS template written without diacritics is sent without them, and so is every SMS
         * of a unit that chose it (notify.h): as clean GSM-7 text */
        bool plain_sms = !strcmp(rows[i].channel, "sms") && notify_sms_plain(d, m->unit_id);
        if (plain_sms || (strcmp(rows[i].channel, "email") && notify_is_ascii(t.body))) body = text_gsm7(a, body);
        if (insert_row(d, m, rows[i].channel, rows[i].recipient, subject, body, now) != DB_DONE) {
            err_set(e, 500, "Không tạo được thông báo.", "insert outbox: %s", db_errmsg(d));
            return -1;
        }
        queued++;
    }
    return queued;
}

int64_t notify_count_sent_to(db *d, const char *event, const char *recipient, int64_t since)
{
    arena *a = arena_new();
    const char *norm = notify_phone_normalize(a, recipient);
    db_stmt *s = db_prepare(d, "SELECT count(*) FROM outbox WHERE event = ? AND recipient = ? AND created_at > ?");
    int64_t n = -1;
    if (s) {
        db_bind_text(s, 1, event);
        db_bind_text(s, 2, norm ? norm : recipient);
        db_bind_int(s, 3, since);
        n = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_done(s);
    }
    arena_free(a);
    return n;
}

int notify_enqueue(db *d, const notify_msg *m, err *e)
{
    arena *a = arena_new();
    int n = enqueue_in(d, a, m, e);
    arena_free(a);
    return n;
}

/* ---- the unit's choice of SMS without diacritics ------------------------------------------ */

bool notify_sms_plain(db *d, int64_t unit_id)
{
    unit_chain chain;
    unit_chain_of(d, unit_id, &chain);
    db_stmt *s = db_prepare(d, "SELECT sms_plain FROM notify_unit_settings WHERE unit_id = ?");
    bool plain = false, found = false;
    for (int i = 0; s && i < chain.n && !found; i++) {
        db_bind_int(s, 1, chain.id[i]);
        if (db_step(s) == DB_ROW) found = true, plain = db_col_int(s, 0) != 0;
        db_done(s);
    }
    return plain;
}

typedef struct {
    int64_t unit_id, actor_id;
    bool plain;
} sms_plain_ctx;

static int sms_plain_tx(db *c, void *ctx, err *e)
{
    sms_plain_ctx *x = ctx;
    int64_t now = (int64_t)time(NULL);
    db_stmt *s = db_prepare(c, "INSERT INTO notify_unit_settings (unit_id, sms_plain, updated_at) VALUES (?1, ?2, ?3) "
                               "ON CONFLICT (unit_id) DO UPDATE SET sms_plain = excluded.sms_plain, "
                               "updated_at = excluded.updated_at");
    int rc = DB_ERROR;
    if (s) {
        db_bind_int(s, 1, x->unit_id);
        db_bind_int(s, 2, x->plain ? 1 : 0);
        db_bind_int(s, 3, now);
        rc = db_step(s);
        db_done(s);
    }
    if (rc != DB_DONE || audit_append(c, now, x->actor_id, x->unit_id, "notify.sms_plain", "unit", x->unit_id,
                                      json_pack("{s:b}", "sms_plain", x->plain))) {
        err_set(e, 500, "Không lưu được cài đặt tin nhắn.", "sms plain: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int notify_sms_plain_save(db *d, int64_t unit_id, bool plain, int64_t actor_id, err *e)
{
    sms_plain_ctx x = {.unit_id = unit_id, .actor_id = actor_id, .plain = plain};
    return db_write(d, sms_plain_tx, &x, e);
}

text_sms notify_sms_preview(db *d, arena *a, int64_t unit_id, const char *body)
{
    /* values as long as real ones usually are */
    const char *values[NOTIFY_NVARS] = {
        [NV_CODE] = "000.00.19.H19-260310-0001", [NV_SECRET] = "7K3Q9P", [NV_NAME] = "Nguyễn Thị Minh Anh",
        [NV_PROCEDURE] = "Đăng ký khai sinh",    [NV_DUE] = "12/03/2026",  [NV_NEW_DUE] = "16/03/2026",
        [NV_REASON] = "thiếu bản sao giấy chứng sinh",   [NV_UNIT] = unit_signature(d, a, unit_id),
        [NV_LINK] = "https://dichvucong.example.vn/tra-cuu", [NV_TITLE] = "thư chúc mừng",
        [NV_RATING_LINK] = "https://dichvucong.example.vn/danh-gia?ma=H19.05443-260310-0001&bm=7K3Q9P&kenh=tin-nhan"};
    const char *text = notify_subst(a, body, values);
    if (notify_sms_plain(d, unit_id) || notify_is_ascii(body)) text = text_gsm7(a, text);
    return text_sms_parts(text);
}

/* ---- templates: saving ------------------------------------------------------------------- */

#define MAX_SUBJECT 200
#define MAX_BODY 2000
#define MAX_SHORT 640   /* SMS / Zalo: four Unicode SMS parts at most, before the values */

typedef struct {
    int64_t unit_id, actor_id;
    const char *event, *channel, *subject, *body;
    bool reset;   /* an empty body: back to the default */
} template_ctx;

static int template_tx(db *c, void *ctx, err *e)
{
    template_ctx *x = ctx;
    int64_t now = (int64_t)time(NULL);
    db_stmt *s;
    if (x->reset) {
        s = db_prepare(c, "DELETE FROM notify_templates WHERE unit_id = ?1 AND event = ?2 AND channel = ?3");
    } else {
        s = db_prepare(c, "INSERT INTO notify_templates (unit_id, event, channel, subject, body, updated_at, "
                          "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (unit_id, event, channel) "
                          "DO UPDATE SET subject = excluded.subject, body = excluded.body, "
                          "updated_at = excluded.updated_at, updated_by = excluded.updated_by");
        db_bind_text(s, 4, x->subject);
        db_bind_text(s, 5, x->body);
        db_bind_int(s, 6, now);
        if (x->actor_id > 0) db_bind_int(s, 7, x->actor_id);
        else db_bind_null(s, 7);
    }
    db_bind_int(s, 1, x->unit_id);
    db_bind_text(s, 2, x->event);
    db_bind_text(s, 3, x->channel);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE ||
        audit_append(c, now, x->actor_id, x->unit_id, x->reset ? "notify.template.reset" : "notify.template.save",
                     "notify_template", 0,
                     json_pack("{s:s, s:s, s:s}", "event", x->event, "channel", x->channel, "subject", x->subject))) {
        err_set(e, 500, "Không lưu được mẫu thông báo.", "save template: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int notify_template_save(db *d, arena *a, int64_t unit_id, const char *event, const char *channel,
                         const char *subject, const char *body, int64_t actor_id, const char **bad, err *e)
{
    *bad = NULL;
    if (!in_list(notify_events, event) || !in_list(notify_channels, channel)) {
        err_set(e, 400, "Loại thông báo không hợp lệ.", "template: %s/%s", event ? event : "", channel ? channel : "");
        return -1;
    }
    bool mail = !strcmp(channel, "email");
    subject = mail ? text_trim(a, subject) : "";
    body = text_trim(a, body);
    bool reset = !*body;
    if (!reset && mail && text_is_blank(subject)) {
        err_set(e, 400, "Thư điện tử cần có tiêu đề.", "empty subject");
        err_field(e, "subject");
        return -1;
    }
    if (strpbrk(subject, "\r\n") || text_char_count(subject) > MAX_SUBJECT) {
        err_set(e, 400, "Tiêu đề thư chỉ một dòng, không quá 200 ký tự.", "bad subject");
        err_field(e, "subject");
        return -1;
    }
    if (text_char_count(body) > (mail ? MAX_BODY : MAX_SHORT)) {
        err_set(e, 400, mail ? N_("Nội dung thư không quá 2000 ký tự.") : N_("Nội dung tin nhắn không quá 640 ký tự."),
                "body too long");
        err_field(e, "body");
        return -1;
    }
    if (notify_subst_check(a, subject, bad) != 0 || notify_subst_check(a, body, bad) != 0) {
        err_set(e, 400,
                "Mẫu chỉ được dùng các biến {{code}} (mã hồ sơ), {{secret}} (mã bí mật), {{name}} (họ tên), "
                "{{procedure}} (thủ tục), {{due}} (ngày hẹn trả), {{new_due}} (ngày hẹn lại), {{reason}} (lý do), "
                "{{unit}} (đơn vị), {{link}} (địa chỉ tra cứu).",
                "unknown variable %s", *bad);
        err_field(e, *bad && strstr(subject, *bad) ? "subject" : "body");
        return -1;
    }
    template_ctx x = {.unit_id = unit_id, .actor_id = actor_id, .event = event, .channel = channel, .subject = subject,
                      .body = body, .reset = reset};
    return db_write(d, template_tx, &x, e);
}

/* ---- staff: list and retry ----------------------------------------------------------------- */

int64_t notify_outbox_unit(db *d, int64_t outbox_id)
{
    return db_int_by_id(d, "SELECT unit_id FROM outbox WHERE id = ?", outbox_id, -1);
}

typedef struct {
    int64_t outbox_id, actor_id;
} retry_ctx;

/* The row's state is read inside the write that changes it: two clicks cannot both retry. */
static int retry_tx(db *c, void *ctx, err *e)
{
    retry_ctx *x = ctx;
    int64_t now = (int64_t)time(NULL);
    db_stmt *s = db_prepare(c, "SELECT unit_id, status, attempts, last_error FROM outbox WHERE id = ?");
    db_bind_int(s, 1, x->outbox_id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        err_set(e, 404, "Không tìm thấy thông báo.", "outbox %lld", (long long)x->outbox_id);
        return -1;
    }
    int64_t unit = db_col_int(s, 0), attempts = db_col_int(s, 2);
    char status[16], last[256];
    snprintf(status, sizeof status, "%s", db_col_text(s, 1));
    snprintf(last, sizeof last, "%s", db_col_text(s, 3));
    db_done(s);
    if (strcmp(status, "failed") && strcmp(status, "skipped")) {
        err_set(e, 409, "Chỉ gửi lại được thông báo đã gửi không được hoặc đã bỏ qua.", "retry of a %s row", status);
        return -1;
    }
    s = db_prepare(c, "UPDATE outbox SET status = 'pending', attempts = 0, next_at = ? WHERE id = ?");
    db_bind_int(s, 1, now);
    db_bind_int(s, 2, x->outbox_id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE ||
        audit_append(c, now, x->actor_id, unit, "notify.retry", "outbox", x->outbox_id,
                     json_pack("{s:s, s:I, s:s}", "status", status, "attempts", (json_int_t)attempts, "last_error", last))) {
        err_set(e, 500, "Không gửi lại được thông báo.", "retry: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int notify_retry(db *d, int64_t outbox_id, int64_t actor_id, err *e)
{
    retry_ctx x = {.outbox_id = outbox_id, .actor_id = actor_id};
    if (db_write(d, retry_tx, &x, e) != 0) return -1;
    notify_wake();   /* once committed, so the sender finds the row due */
    return 0;
}

json_t *notify_outbox_counts(db *d, int64_t unit_id)
{
    json_t *out = json_pack("{s:i, s:i, s:i, s:i}", "pending", 0, "sent", 0, "failed", 0, "skipped", 0);
    db_stmt *s = db_prepare(d, "SELECT status, count(*) FROM outbox WHERE unit_id = ? GROUP BY status");
    db_bind_int(s, 1, unit_id);
    while (db_step(s) == DB_ROW) json_object_set_new(out, db_col_text(s, 0), json_integer(db_col_int(s, 1)));
    db_done(s);
    return out;
}

json_t *notify_outbox_list(db *d, int64_t unit_id, const char *status, int limit, int offset, int64_t *total)
{
    const char *st = status && *status ? status : NULL;
    db_stmt *s = db_prepare(d, "SELECT count(*) FROM outbox WHERE unit_id = ?1 AND (?2 IS NULL OR status = ?2)");
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, st);
    *total = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    json_t *rows = json_array();
    s = db_prepare(d, "SELECT id, dossier_id, event, channel, recipient, subject, body, status, attempts, next_at, "
                      "last_error, created_at, sent_at FROM outbox WHERE unit_id = ?1 AND (?2 IS NULL OR status = ?2) "
                      "ORDER BY id DESC LIMIT ?3 OFFSET ?4");
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, st);
    db_bind_int(s, 3, limit);
    db_bind_int(s, 4, offset);
    while (db_step(s) == DB_ROW) {
        json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:I}", "id",
                                (json_int_t)db_col_int(s, 0), "event", db_col_text(s, 2), "channel",
                                db_col_text(s, 3), "recipient", db_col_text(s, 4), "subject", db_col_text(s, 5),
                                "body", db_col_text(s, 6), "status", db_col_text(s, 7), "attempts",
                                (json_int_t)db_col_int(s, 8), "next_at", (json_int_t)db_col_int(s, 9),
                                "last_error", db_col_text(s, 10), "created_at", (json_int_t)db_col_int(s, 11));
        json_object_set_new(row, "dossier_id", db_col_null(s, 1) ? json_null() : json_integer(db_col_int(s, 1)));
        json_object_set_new(row, "sent_at", db_col_null(s, 12) ? json_null() : json_integer(db_col_int(s, 12)));
        json_array_append_new(rows, row);
    }
    db_done(s);
    return rows;
}

/* ---- the sender ---------------------------------------------------------------------------- */

static notify_config with_defaults(const notify_config *c)
{
    notify_config k = *c;
    if (k.poll_seconds <= 0) k.poll_seconds = 10;
    if (k.max_attempts <= 0) k.max_attempts = 10;
    if (k.backoff_seconds <= 0) k.backoff_seconds = 60;
    if (k.connect_timeout <= 0) k.connect_timeout = 5;
    if (k.timeout <= 0) k.timeout = 20;
    return k;
}

bool notify_configured(const notify_config *cfg)
{
    return (cfg->smtp_url && *cfg->smtp_url) || (cfg->sms_url && *cfg->sms_url) || (cfg->zalo_url && *cfg->zalo_url);
}

static bool has_scheme(const char *url, const char *a, const char *b)
{
    return !strncmp(url, a, strlen(a)) || !strncmp(url, b, strlen(b));
}

int notify_config_check(const notify_config *cfg, err *e)
{
    arena *a = arena_new();
    const char *name, *addr;
    int rc = -1;
    if (cfg->smtp_url && *cfg->smtp_url && !has_scheme(cfg->smtp_url, "smtp://", "smtps://"))
        err_set(e, 400, "Địa chỉ máy chủ thư phải bắt đầu bằng smtp:// hoặc smtps://.",
                "--smtp-url must start with smtp:// or smtps://");
    else if (cfg->smtp_url && *cfg->smtp_url && !notify_mailbox_split(a, cfg->mail_from, &name, &addr))
        err_set(e, 400, "Cần địa chỉ người gửi thư hợp lệ.",
                "--mail-from must be an address, or \"Name <address>\", when --smtp-url is given");
    else if (cfg->smtp_password && *cfg->smtp_password && !(cfg->smtp_user && *cfg->smtp_user))
        err_set(e, 400, "Có mật khẩu máy chủ thư nhưng thiếu tên đăng nhập.", "--smtp-password-file needs --smtp-user");
    else if ((cfg->sms_url && *cfg->sms_url && !has_scheme(cfg->sms_url, "http://", "https://")) ||
             (cfg->zalo_url && *cfg->zalo_url && !has_scheme(cfg->zalo_url, "http://", "https://")))
        err_set(e, 400, "Địa chỉ cổng SMS, Zalo phải bắt đầu bằng http:// hoặc https://.",
                "--sms-url and --zalo-url must start with http:// or https://");
    else rc = 0;
    arena_free(a);
    return rc;
}

static int64_t clock_now(const notify_config *cfg) { return cfg->clock ? cfg->clock() : (int64_t)time(NULL); }

/* backoff_seconds * 2^(attempts-1), at most a week */
static int64_t backoff(const notify_config *cfg, int64_t attempts)
{
    int64_t delay = cfg->backoff_seconds;
    for (int64_t i = 1; i < attempts && delay < 7 * 86400; i++) delay *= 2;
    return delay < 7 * 86400 ? delay : 7 * 86400;
}

static void log_line(const char *level, const char *msg, int64_t id, const char *channel, const char *error)
{
    if (error)
        log_json(level, msg, "{s:I, s:s, s:s}", "outbox", (json_int_t)id, "channel", channel ? channel : "", "error", error);
    else
        log_json(level, msg, "{s:I, s:s}", "outbox", (json_int_t)id, "channel", channel ? channel : "");
}

typedef struct {
    int64_t id, attempts;
    const char *channel, *recipient, *subject, *body;
    bool skipped;   /* its channel has no endpoint: already recorded in the claim */
} claimed;

static const char *endpoint(const notify_config *cfg, const char *channel)
{
    const char *u = !strcmp(channel, "email") ? cfg->smtp_url : !strcmp(channel, "sms") ? cfg->sms_url : cfg->zalo_url;
    return u && *u ? u : NULL;
}

typedef struct {
    arena *a;   /* the sender's: it waits, so the writer may use it */
    const notify_config *cfg;
    int64_t due_by;
    claimed *row;
    bool found;   /* out */
} claim_ctx;

static int claim_tx(db *c, void *ctx, err *e)
{
    claim_ctx *x = ctx;
    claimed *row = x->row;
    db_stmt *s = db_prepare(c, "SELECT id, channel, recipient, subject, body, attempts FROM outbox "
                               "WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT 1");
    db_bind_int(s, 1, x->due_by);
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_done(s);
        if (rc == DB_DONE) return 0;
        err_set(e, 500, "Không lưu được, vui lòng thử lại.", "claim: %s", db_errmsg(c));
        return -1;
    }
    row->id = db_col_int(s, 0);
    row->channel = arena_strdup(x->a, db_col_text(s, 1));
    row->recipient = arena_strdup(x->a, db_col_text(s, 2));
    row->subject = arena_strdup(x->a, db_col_text(s, 3));
    row->body = arena_strdup(x->a, db_col_text(s, 4));
    row->attempts = db_col_int(s, 5) + 1;
    db_done(s);
    row->skipped = endpoint(x->cfg, row->channel) == NULL;
    int64_t now = clock_now(x->cfg);
    if (row->skipped) {
        s = db_prepare(c, "UPDATE outbox SET status = 'skipped', last_error = ? WHERE id = ?");
        db_bind_text(s, 1, !strcmp(row->channel, "email") ? "Chưa cấu hình máy chủ thư (--smtp-url)."
                           : !strcmp(row->channel, "sms") ? "Chưa cấu hình cổng SMS (--sms-url)."
                                                          : "Chưa cấu hình cổng Zalo OA (--zalo-url).");
        db_bind_int(s, 2, row->id);
    } else {
        s = db_prepare(c, "UPDATE outbox SET attempts = ?, next_at = ? WHERE id = ?");
        db_bind_int(s, 1, row->attempts);
        db_bind_int(s, 2, now + backoff(x->cfg, row->attempts));
        db_bind_int(s, 3, row->id);
    }
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, "Không lưu được, vui lòng thử lại.", "claim: %s", db_errmsg(c));
        return -1;
    }
    x->found = true;
    return 0;
}

/* 1 with *row when a row was claimed, 0 when none is due, -1 (e filled) on a database
 * failure. The claim is committed before this returns: only then is the message sent. */
static int claim(db *d, arena *a, const notify_config *cfg, int64_t due_by, claimed *row, err *e)
{
    claim_ctx x = {.a = a, .cfg = cfg, .due_by = due_by, .row = row};
    if (db_write(d, claim_tx, &x, e) != 0) return -1;
    return x.found ? 1 : 0;
}

enum { SENT, RETRY, PERMANENT, ABORTED };

typedef struct {
    int outcome;
    char error[400];
} delivery;

static int progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    const atomic_bool *stop = ud;
    return stop && atomic_load(stop) ? 1 : 0;
}

static void curl_common(CURL *c, const notify_config *cfg, char *errbuf, atomic_bool *stop)
{
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)cfg->connect_timeout);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)cfg->timeout);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, stop);
}

static void curl_failed(delivery *out, CURLcode rc, const char *errbuf, const char *what)
{
    out->outcome = rc == CURLE_ABORTED_BY_CALLBACK ? ABORTED : RETRY;
    snprintf(out->error, sizeof out->error, "%s: %s", what, *errbuf ? errbuf : curl_easy_strerror(rc));
}

typedef struct {
    const char *data;
    size_t len, off;
} upload;

static size_t upload_read(char *ptr, size_t size, size_t nmemb, void *ud)
{
    upload *u = ud;
    size_t n = size * nmemb;
    if (n > u->len - u->off) n = u->len - u->off;
    memcpy(ptr, u->data + u->off, n);
    u->off += n;
    return n;
}

static bool is_loopback(const char *url)
{
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    return !strncmp(host, "127.", 4) || !strncmp(host, "localhost", 9) || !strncmp(host, "[::1]", 5);
}

static void send_email(const notify_config *cfg, arena *a, const claimed *row, atomic_bool *stop, delivery *out)
{
    const char *name, *from;
    if (!notify_mailbox_split(a, cfg->mail_from, &name, &from)) {
        out->outcome = RETRY;
        snprintf(out->error, sizeof out->error, "Địa chỉ người gửi (--mail-from) không hợp lệ.");
        return;
    }
    unsigned char rnd[8];
    randombytes_buf(rnd, sizeof rnd);
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    notify_mail m = {.from = cfg->mail_from, .to = row->recipient, .subject = row->subject, .body = row->body,
                     .date = clock_now(cfg),
                     .message_id = arena_printf(a, "<tt.%lld.%s@%s>", (long long)row->id, hex, strchr(from, '@') + 1)};
    const char *msg = notify_mail_build(a, &m);
    if (!msg) {
        out->outcome = PERMANENT;
        snprintf(out->error, sizeof out->error, "Địa chỉ người nhận không hợp lệ.");
        return;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *c = curl_easy_init();
    struct curl_slist *rcpt = curl_slist_append(NULL, arena_printf(a, "<%s>", row->recipient));
    upload u = {msg, strlen(msg), 0};
    curl_common(c, cfg, errbuf, stop);
    curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, arena_printf(a, "<%s>", from));
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    if (cfg->smtp_user && *cfg->smtp_user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->smtp_password ? cfg->smtp_password : "");
    }
    /* STARTTLS when the server offers it; a password goes out only over TLS, except to a
     * relay on this machine */
    bool must_tls = cfg->smtp_user && *cfg->smtp_user && !is_loopback(cfg->smtp_url);
    curl_easy_setopt(c, CURLOPT_USE_SSL, must_tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (rc == CURLE_OK) {
        out->outcome = SENT;
    } else {
        curl_failed(out, rc, errbuf, "Máy chủ thư");
        if (code >= 500 && code < 600 && out->outcome == RETRY) out->outcome = PERMANENT;   /* SMTP 5xx: final */
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
}

typedef struct {
    char text[240];
    size_t len;
} answer;

static size_t answer_write(char *p, size_t size, size_t nmemb, void *ud)
{
    answer *ans = ud;
    size_t n = size * nmemb, room = sizeof ans->text - 1 - ans->len;
    size_t k = n < room ? n : room;
    memcpy(ans->text + ans->len, p, k);
    ans->len += k;
    ans->text[ans->len] = '\0';
    return n;
}

static void send_gateway(const notify_config *cfg, arena *a, const claimed *row, atomic_bool *stop, delivery *out)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:I}", "to", row->recipient, "text", row->body, "channel", row->channel,
                          "id", (json_int_t)row->id);
    const char *body = arena_json_dumps(a, j);
    json_decref(j);
    char errbuf[CURL_ERROR_SIZE] = "";
    answer ans = {.len = 0};
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
    h = curl_slist_append(h, "Accept: application/json");
    if (cfg->gateway_key && *cfg->gateway_key)
        h = curl_slist_append(h, arena_printf(a, "Authorization: Bearer %s", cfg->gateway_key));
    curl_common(c, cfg, errbuf, stop);
    curl_easy_setopt(c, CURLOPT_URL, endpoint(cfg, row->channel));
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, answer_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &ans);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    const char *what = !strcmp(row->channel, "sms") ? "Cổng SMS" : "Cổng Zalo OA";
    if (rc != CURLE_OK) {
        curl_failed(out, rc, errbuf, what);
    } else if (code >= 200 && code < 300) {
        out->outcome = SENT;
    } else {
        /* a refusal of the request itself will not change by sending it again */
        bool final = code >= 400 && code < 500 && code != 408 && code != 425 && code != 429;
        out->outcome = final ? PERMANENT : RETRY;
        snprintf(out->error, sizeof out->error, "%s trả lời HTTP %ld: %s", what, code, ans.text);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

typedef struct {
    const notify_config *cfg;
    const claimed *row;
    const delivery *dl;
} record_ctx;

static int record_tx(db *c, void *ctx, err *e)
{
    record_ctx *x = ctx;
    const notify_config *cfg = x->cfg;
    const delivery *dl = x->dl;
    int64_t now = clock_now(cfg);
    db_stmt *s;
    if (dl->outcome == SENT) {
        s = db_prepare(c, "UPDATE outbox SET status = 'sent', sent_at = ?1, last_error = '' WHERE id = ?2");
        db_bind_int(s, 1, now);
    } else if (dl->outcome == ABORTED) {   /* the server is stopping: this try does not count */
        s = db_prepare(c, "UPDATE outbox SET attempts = attempts - 1, next_at = ?1 WHERE id = ?2 AND attempts > 0");
        db_bind_int(s, 1, now);
    } else if (dl->outcome == PERMANENT || x->row->attempts >= cfg->max_attempts) {
        s = db_prepare(c, "UPDATE outbox SET status = 'failed', last_error = ?3 WHERE id = ?2");
        db_bind_text(s, 3, dl->error);
    } else {
        s = db_prepare(c, "UPDATE outbox SET next_at = ?1, last_error = ?3 WHERE id = ?2");
        db_bind_int(s, 1, now + backoff(cfg, x->row->attempts));
        db_bind_text(s, 3, dl->error);
    }
    db_bind_int(s, 2, x->row->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, "Không lưu được, vui lòng thử lại.", "record: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

/* The outcome of a delivery, in its own short write after the network call. */
static int record(db *d, const notify_config *cfg, const claimed *row, const delivery *dl, err *e)
{
    record_ctx x = {.cfg = cfg, .row = row, .dl = dl};
    return db_write(d, record_tx, &x, e);
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (sodium_init() < 0) abort();
}

/* One pass: every row due at its start, one at a time, until none is left or stop. */
static int run_pass(db_pool *pool, const notify_config *cfg, atomic_bool *stop)
{
    pthread_once(&curl_once, curl_start);
    int64_t due_by = clock_now(cfg);
    int attempted = 0;
    while (!(stop && atomic_load(stop))) {
        arena *a = arena_new();
        claimed row = {0};
        err e = {0};
        db *d = db_acquire(pool);
        int rc = claim(d, a, cfg, due_by, &row, &e);
        db_release(pool, d);
        if (rc <= 0) {
            if (rc < 0) log_line("error", "notify claim failed", 0, NULL, e.log);
            arena_free(a);
            return rc < 0 && attempted == 0 ? -1 : attempted;
        }
        attempted++;
        if (row.skipped) {
            log_line("warn", "notify skipped: channel not configured", row.id, row.channel, NULL);
            arena_free(a);
            continue;
        }
        delivery dl = {.outcome = RETRY};
        if (!strcmp(row.channel, "email")) send_email(cfg, a, &row, stop, &dl);
        else send_gateway(cfg, a, &row, stop, &dl);
        d = db_acquire(pool);
        if (record(d, cfg, &row, &dl, &e) != 0)   /* the claim stands: tried again after its backoff */
            log_line("error", "notify record failed", row.id, row.channel, e.log);
        db_release(pool, d);
        if (dl.outcome == SENT) log_line("info", "notify sent", row.id, row.channel, NULL);
        else log_line("warn", "notify failed", row.id, row.channel, dl.error);
        arena_free(a);
    }
    return attempted;
}

int notify_run_once(db_pool *pool, const notify_config *cfg)
{
    notify_config k = with_defaults(cfg);
    return run_pass(pool, &k, NULL);
}

/* ---- the sender thread ----------------------------------------------------------------------- */

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool running, wake;
    atomic_bool stop;
    db_pool *pool;
    notify_config cfg;
    char *owned[8];   /* the configuration's strings, copied */
} S = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void *sender_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&S.mu);
    while (!atomic_load(&S.stop)) {
        S.wake = false;
        pthread_mutex_unlock(&S.mu);
        run_pass(S.pool, &S.cfg, &S.stop);
        pthread_mutex_lock(&S.mu);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += S.cfg.poll_seconds;
        while (!atomic_load(&S.stop) && !S.wake)
            if (pthread_cond_timedwait(&S.cv, &S.mu, &until) == ETIMEDOUT) break;
    }
    pthread_mutex_unlock(&S.mu);
    return NULL;
}

static const char *own(int i, const char *s)
{
    S.owned[i] = s ? strdup(s) : NULL;
    if (s && !S.owned[i]) abort();
    return S.owned[i];
}

static void free_owned(void)
{
    for (int i = 0; i < 8; i++) {
        if (S.owned[i]) sodium_memzero(S.owned[i], strlen(S.owned[i]));   /* the password and key */
        free(S.owned[i]);
        S.owned[i] = NULL;
    }
}

int notify_start(db_pool *pool, const notify_config *cfg, err *e)
{
    if (S.running) {
        err_set(e, 500, "Bộ gửi thông báo đã chạy.", "notify_start twice");
        return -1;
    }
    pthread_once(&curl_once, curl_start);
    S.cfg = with_defaults(cfg);
    S.cfg.smtp_url = own(0, cfg->smtp_url);
    S.cfg.smtp_user = own(1, cfg->smtp_user);
    S.cfg.smtp_password = own(2, cfg->smtp_password);
    S.cfg.mail_from = own(3, cfg->mail_from);
    S.cfg.sms_url = own(4, cfg->sms_url);
    S.cfg.zalo_url = own(5, cfg->zalo_url);
    S.cfg.gateway_key = own(6, cfg->gateway_key);
    S.pool = pool;
    S.wake = false;
    atomic_store(&S.stop, false);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&S.cv, &ca);
    pthread_condattr_destroy(&ca);
    /* the thread inherits a mask with every signal blocked: SIGINT and SIGTERM stay for the
     * main thread's sigwait() */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&S.thread, NULL, sender_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&S.cv);
        free_owned();
        err_set(e, 500, "Không khởi động được bộ gửi thông báo.", "pthread_create: %s", strerror(rc));
        return -1;
    }
    S.running = true;
    return 0;
}

void notify_stop(void)
{
    if (!S.running) return;
    pthread_mutex_lock(&S.mu);
    atomic_store(&S.stop, true);
    pthread_cond_broadcast(&S.cv);
    pthread_mutex_unlock(&S.mu);
    pthread_join(S.thread, NULL);
    pthread_cond_destroy(&S.cv);
    free_owned();
    S.running = false;
}

void notify_wake(void)
{
    pthread_mutex_lock(&S.mu);
    if (S.running) {
        S.wake = true;
        pthread_cond_broadcast(&S.cv);
    }
    pthread_mutex_unlock(&S.mu);
}
