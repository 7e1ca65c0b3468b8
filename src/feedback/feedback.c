/* feedback.c -- the cases of the citizen's voice: intake from every channel (with the anonymity
 * rules of table feedback_kinds), attachments, reading, and the steps of each case on the clock of
 * table feedback_deadlines (the arithmetic is in feedback_clock.c). Every write also appends to
 * the audit log in the same transaction, and every step that produces a document takes its
 * number from the unit's register (feedback_counters, per year and register). See feedback.h. */
#include <glib.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../audit/audit.h"
#include "../core/log.h"
#include "../core/text.h"
#include "../dossier/dossier.h"
#include "../holiday/holiday.h"
#include "../notify/notify.h"
#include "feedback.h"

/* ---- labels ---------------------------------------------------------------------------------- */

typedef struct { const char *key, *label; } pair;

static const pair KINDS[] = {
    {"gop_y", N_("Góp ý")}, {"bieu_duong", N_("Biểu dương")}, {"phan_anh", N_("Phản ánh")},
    {"kien_nghi", N_("Kiến nghị")}, {"khieu_nai", N_("Khiếu nại")}, {"to_cao", N_("Tố cáo")},
};
static const pair CHANNELS[] = {
    {"web", N_("Trang điện tử")}, {"desk", N_("Tại bộ phận tiếp nhận")}, {"box", N_("Hòm thư góp ý")},
    {"hotline", N_("Đường dây nóng")}, {"reception", N_("Tiếp công dân")}, {"rating", N_("Đánh giá không hài lòng")},
    {"open311", N_("Ứng dụng (Open311)")},
};
static const pair STATUSES[] = {
    {"received", N_("Đã tiếp nhận")}, {"accepted", N_("Đang giải quyết")}, {"suspended", N_("Tạm đình chỉ")},
    {"resolved", N_("Đã giải quyết")}, {"refused", N_("Không thụ lý")}, {"withdrawn", N_("Đã rút")},
    {"forwarded", N_("Đã chuyển cơ quan có thẩm quyền")},
};
static const char *const ACTIONS[] = {"accept", "refuse", "extend", "suspend", "resume", "withdraw", "resolve",
                                      "publish", "forward"};

static const char *label_of(const pair *list, size_t n, const char *key)
{
    for (size_t i = 0; key && i < n; i++)
        if (!strcmp(list[i].key, key)) return list[i].label;
    return NULL;
}
#define LABEL(list, key) label_of(list, sizeof list / sizeof list[0], key)

const char *feedback_kind_label(const char *k) { const char *l = LABEL(KINDS, k); return l ? l : ""; }
const char *feedback_channel_label(const char *c) { const char *l = LABEL(CHANNELS, c); return l ? l : ""; }
const char *feedback_status_label(const char *s) { const char *l = LABEL(STATUSES, s); return l ? l : ""; }
bool feedback_kind_valid(const char *k) { return LABEL(KINDS, k) != NULL; }
bool feedback_channel_valid(const char *c) { return LABEL(CHANNELS, c) != NULL; }
bool feedback_open(const char *s)
{
    return s && (!strcmp(s, "received") || !strcmp(s, "accepted") || !strcmp(s, "suspended"));
}

bool feedback_action_parse(const char *name, feedback_action *out)
{
    for (size_t i = 0; name && i < sizeof ACTIONS / sizeof ACTIONS[0]; i++)
        if (!strcmp(ACTIONS[i], name)) {
            *out = (feedback_action)i;
            return true;
        }
    return false;
}

const char *feedback_action_name(feedback_action a)
{
    return (size_t)a < sizeof ACTIONS / sizeof ACTIONS[0] ? ACTIONS[a] : "";
}

/* ---- rules ----------------------------------------------------------------------------------- */

int feedback_rules_load(db *d, arena *a, feedback_rule **rows, int *n)
{
    db_stmt *s = db_prepare(d, "SELECT kind, step, days, day_type, remote_days, max_count, effective_from, "
                               "effective_to, source FROM feedback_deadlines ORDER BY kind, step, effective_from");
    *n = 0;
    *rows = NULL;
    if (!s) return -1;
    int cap = 0, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            feedback_rule *nr = arena_alloc(a, (size_t)cap * sizeof *nr);
            if (*n) memcpy(nr, *rows, (size_t)*n * sizeof *nr);
            *rows = nr;
        }
        feedback_rule *r = &(*rows)[(*n)++];
        memset(r, 0, sizeof *r);
        snprintf(r->kind, sizeof r->kind, "%s", db_col_text(s, 0));
        snprintf(r->step, sizeof r->step, "%s", db_col_text(s, 1));
        r->days = (int)db_col_int(s, 2);
        r->working = !strcmp(db_col_text(s, 3), "working");
        r->remote_days = db_col_null(s, 4) ? -1 : (int)db_col_int(s, 4);
        r->max_count = (int)db_col_int(s, 5);
        if (!cal_parse_date(db_col_text(s, 6), &r->from)) r->from = CAL_DAY_MIN;
        if (db_col_null(s, 7) || !cal_parse_date(db_col_text(s, 7), &r->to)) r->to = CAL_DAY_MAX;
        snprintf(r->source, sizeof r->source, "%s", db_col_text(s, 8));
    }
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

/* The kind's anonymity rule, code prefix and where its resolution clock starts, on day. */
typedef struct { char anonymous[16], prefix[8], resolve_from[16]; } kind_rule;

static bool kind_rule_get(db *d, const char *kind, const char *day, kind_rule *out)
{
    db_stmt *s = db_prepare(d, "SELECT anonymous, prefix, resolve_from FROM feedback_kinds WHERE kind = ? "
                               "AND effective_from <= ? ORDER BY effective_from DESC LIMIT 1");
    db_bind_text(s, 1, kind);
    db_bind_text(s, 2, day);
    bool ok = db_step(s) == DB_ROW;
    if (ok) {
        snprintf(out->anonymous, sizeof out->anonymous, "%s", db_col_text(s, 0));
        snprintf(out->prefix, sizeof out->prefix, "%s", db_col_text(s, 1));
        snprintf(out->resolve_from, sizeof out->resolve_from, "%s", db_col_text(s, 2));
    }
    db_done(s);
    return ok;
}

/* ---- counters and codes ---------------------------------------------------------------------- */

static int64_t next_counter(db *d, int64_t unit_id, const char *period)
{
    db_stmt *s = db_prepare(d, "INSERT INTO feedback_counters (unit_id, period, last) VALUES (?, ?, 1) "
                               "ON CONFLICT (unit_id, period) DO UPDATE SET last = last + 1 RETURNING last");
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, period);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static bool code_taken(db *d, const char *code)
{
    db_stmt *s = db_prepare(d, "SELECT 1 FROM feedback WHERE code = ?");
    db_bind_text(s, 1, code);
    bool taken = db_step(s) == DB_ROW;
    db_done(s);
    return taken;
}

static void make_secret(char out[7])
{
    static const char alphabet[] = TEXT_CODE_ALPHABET;
    for (int i = 0; i < 6; i++) out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[6] = 0;
}

/* ---- messages to the sender ----------------------------------------------------------------- */

static char public_url[256] = "http://127.0.0.1:8080";

void feedback_set_public_url(const char *url)
{
    size_t n = strlen(url ? url : "");
    while (n && url[n - 1] == '/') n--;
    snprintf(public_url, sizeof public_url, "%.*s", (int)n, url ? url : "");
}

const char *feedback_public_url(void) { return public_url; }

static const char *kind_words(const char *kind)
{
    if (!strcmp(kind, "khieu_nai")) return "khiếu nại";
    if (!strcmp(kind, "to_cao")) return "tố cáo";
    if (!strcmp(kind, "kien_nghi")) return "kiến nghị";
    if (!strcmp(kind, "phan_anh")) return "phản ánh";
    if (!strcmp(kind, "bieu_duong")) return "ý kiến biểu dương";
    return "góp ý";
}

/* Queues the receipt or the answer to a named sender who gave an e-mail or a phone (inside the
 * write, through the outbox: notify.h). Nothing for an anonymous sender. */
static int notify_sender(db *d, arena *a, int64_t unit_id, const char *event, const char *code, const char *secret,
                         const char *kind, const char *name, const char *email, const char *phone, int64_t due,
                         const char *reason, err *e)
{
    if (!*name || (!*email && !*phone)) return 0;
    char day[11] = "";
    if (due) cal_format_dmy(cal_local_day(due), day);
    notify_msg m = {.unit_id = unit_id, .event = event, .email = email, .phone = phone, .code = code,
                    .secret = secret, .name = name, .procedure = kind_words(kind),
                    .due = due ? arena_printf(a, " Hạn xử lý: %s.", day) : "", .reason = reason ? reason : "",
                    .link = arena_printf(a, "%s/gop-y/tra-cuu?ma=%s&bm=%s", public_url, code, secret)};
    return notify_enqueue(d, &m, e) < 0 ? -1 : 0;
}

/* ---- intake ---------------------------------------------------------------------------------- */

static int bad(err *e, const char *field, const char *msg)
{
    err_set(e, 422, msg, "feedback intake: %s", field);
    err_field(e, field);
    return -1;
}

static const char *blank_to_empty(const char *s) { return s && !text_is_blank(s) ? s : ""; }

/* A subject when none was given: the content's first line, cut at about 100 characters. */
static const char *subject_from(arena *a, const char *content)
{
    size_t n = strcspn(content, "\n");
    if (n > 300) n = 300;
    char *s = arena_strndup(a, content, n);
    /* cut at a character boundary near 100 characters */
    size_t chars = 0, i = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > 100) break;
    }
    if (s[i]) s = arena_printf(a, "%.*s…", (int)i, s);
    return text_trim(a, s);
}

static int64_t unit_exists(db *d, int64_t unit_id, char *code, size_t n)
{
    db_stmt *s = db_prepare(d, "SELECT code FROM units WHERE id = ?");
    db_bind_int(s, 1, unit_id);
    int64_t ok = db_step(s) == DB_ROW;
    if (ok) snprintf(code, n, "%s", db_col_text(s, 0));
    db_done(s);
    return ok;
}

static int add_step(db *d, int64_t id, const char *kind, int64_t at, int64_t user_id, const char *note,
                    int64_t old_due, int64_t new_due, const char *doc_kind, int64_t doc_number, int doc_year)
{
    db_stmt *s = db_prepare(d, "INSERT INTO feedback_steps (feedback_id, seq, kind, at, user_id, note, old_due_at, "
                               "new_due_at, doc_kind, doc_number, doc_year) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 "
                               "FROM feedback_steps WHERE feedback_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq");
    int i = 1;
    db_bind_int(s, i++, id);
    db_bind_int(s, i++, id);
    db_bind_text(s, i++, kind);
    db_bind_int(s, i++, at);
    if (user_id) db_bind_int(s, i++, user_id); else db_bind_null(s, i++);
    db_bind_text(s, i++, note ? note : "");
    if (old_due) db_bind_int(s, i++, old_due); else db_bind_null(s, i++);
    if (new_due) db_bind_int(s, i++, new_due); else db_bind_null(s, i++);
    db_bind_text(s, i++, doc_kind ? doc_kind : "");
    if (doc_number) db_bind_int(s, i++, doc_number); else db_bind_null(s, i++);
    if (doc_number) db_bind_int(s, i++, doc_year); else db_bind_null(s, i++);
    int seq = db_step(s) == DB_ROW ? (int)db_col_int(s, 0) : -1;
    db_done(s);
    return seq;
}

int feedback_intake(db *d, arena *a, const feedback_new *in, int64_t now, feedback_ticket *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (!in->kind || !feedback_kind_valid(in->kind)) return bad(e, "kind", N_("Chọn loại ý kiến: góp ý, biểu dương, phản ánh, kiến nghị, khiếu nại hoặc tố cáo."));
    if (!in->channel || !feedback_channel_valid(in->channel)) return bad(e, "channel", N_("Kênh tiếp nhận không hợp lệ."));
    char unit_code[32];
    if (!unit_exists(d, in->unit_id, unit_code, sizeof unit_code)) return bad(e, "unit", N_("Chọn đơn vị nhận ý kiến."));
    const char *content = blank_to_empty(in->content);
    if (!*content) return bad(e, "content", N_("Nhập nội dung ý kiến."));
    if (text_char_count(content) > 10000) return bad(e, "content", N_("Nội dung dài quá 10.000 ký tự; xin gửi kèm tệp nếu cần."));
    const char *subject = blank_to_empty(in->subject);
    if (text_char_count(subject) > 200) return bad(e, "subject", N_("Tiêu đề dài quá 200 ký tự."));
    if (!*subject) subject = subject_from(a, content);
    const char *name = text_trim(a, blank_to_empty(in->name)), *address = text_trim(a, blank_to_empty(in->address));
    const char *phone = "", *email = "", *idn = "";
    if (text_char_count(name) > 200) return bad(e, "name", N_("Họ tên dài quá 200 ký tự."));
    if (text_char_count(address) > 500) return bad(e, "address", N_("Địa chỉ dài quá 500 ký tự."));
    if (*blank_to_empty(in->phone) && !(phone = dossier_check_phone(a, in->phone, "phone", e))) goto unprocessable;
    if (*blank_to_empty(in->email) && !(email = dossier_check_email(a, in->email, "email", e))) goto unprocessable;
    if (*blank_to_empty(in->id_number) && !(idn = dossier_check_citizen_id(a, in->id_number, "id_number", e)))
        goto unprocessable;
    if (in->has_location && (in->lat < -90 || in->lat > 90 || in->lon < -180 || in->lon > 180))
        return bad(e, "lat", N_("Tọa độ không hợp lệ."));

    if (in->received_at > now + 60) return bad(e, "received_at", N_("Thời điểm nhận không được sau thời điểm hiện tại."));
    int64_t received = in->received_at > 0 && in->received_at <= now ? in->received_at : now;
    char day[11];
    cal_format(cal_local_day(received), day);
    kind_rule kr;
    if (!kind_rule_get(d, in->kind, day, &kr)) return bad(e, "kind", N_("Loại ý kiến này chưa có quy định áp dụng."));
    bool anonymous = !*name;
    bool as_information = false;
    if (!strcmp(kr.anonymous, "refused")) {
        if (anonymous) {
            if (!strcmp(in->kind, "khieu_nai"))
                return bad(e, "name", N_("Khiếu nại phải ghi rõ họ tên và địa chỉ của người khiếu nại (Luật Khiếu nại, Điều 8); không nhận khiếu nại nặc danh."));
            return bad(e, "name", N_("Phản ánh, kiến nghị phải ghi rõ họ tên, địa chỉ và số điện thoại của người gửi (Nghị định 20/2008/NĐ-CP, Điều 7). Muốn gửi không ghi tên, xin chọn loại \"Góp ý\"."));
        }
        if (!strcmp(in->kind, "khieu_nai") && !*address)
            return bad(e, "address", N_("Khiếu nại phải ghi rõ địa chỉ của người khiếu nại (Luật Khiếu nại, Điều 8)."));
        if (strcmp(in->kind, "khieu_nai") && !*address && !*phone && !*email)
            return bad(e, "phone", N_("Ghi địa chỉ hoặc số điện thoại để cơ quan trả lời phản ánh, kiến nghị (Nghị định 20/2008/NĐ-CP, Điều 7)."));
    } else if (!strcmp(kr.anonymous, "information")) {
        as_information = anonymous;
    }

    /* the clocks in force on the day of receipt */
    feedback_rule *rules;
    int nrules;
    if (feedback_rules_load(d, a, &rules, &nrules)) goto dberr;
    const calendar *cal = holiday_calendar(d, e);
    if (!cal) return -1;
    cal_unit cu = holiday_unit(d, in->unit_id);
    cal_day rday = cal_local_day(received);
    int64_t accept_due = 0, due = 0, clock = 0;
    if (!as_information) {
        const feedback_rule *ra = feedback_rule_for(rules, nrules, in->kind, "accept", rday);
        const feedback_rule *rr = feedback_rule_for(rules, nrules, in->kind, "resolve", rday);
        if (ra) accept_due = feedback_deadline(cal, &cu, received, ra->days, ra->working);
        if (rr && !strcmp(kr.resolve_from, "receipt")) due = feedback_deadline(cal, &cu, received, rr->days, rr->working);
        clock = !strcmp(kr.resolve_from, "acceptance") ? accept_due : due;
    }

    /* the code: {unit}-{prefix}{yymmdd}-{seq} */
    for (int tries = 0; tries < 10000; tries++) {
        int64_t seq = next_counter(d, in->unit_id, arena_printf(a, "D%s", day));
        if (seq < 0 || seq > 99999) goto dberr;
        snprintf(out->code, sizeof out->code, "%.16s-%.4s%.2s%.2s%.2s-%03lld", unit_code, kr.prefix, day + 2, day + 5, day + 8,
                 (long long)seq);
        if (!code_taken(d, out->code)) break;
    }
    make_secret(out->secret);
    db_stmt *s = db_prepare(d,
        "INSERT INTO feedback (code, secret, unit_id, kind, channel, status, subject, content, name, phone, email, "
        "address, id_number, anonymous, as_information, dossier_id, user_id, source_ref, service_code, location_text, "
        "lat_e6, lon_e6, consent_publish, rule_from, received_at, accept_due_at, due_at, original_due_at, clock_at, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    int i = 1;
    db_bind_text(s, i++, out->code);
    db_bind_text(s, i++, out->secret);
    db_bind_int(s, i++, in->unit_id);
    db_bind_text(s, i++, in->kind);
    db_bind_text(s, i++, in->channel);
    db_bind_text(s, i++, subject);
    db_bind_text(s, i++, content);
    db_bind_text(s, i++, name);
    db_bind_text(s, i++, phone);
    db_bind_text(s, i++, email);
    db_bind_text(s, i++, address);
    db_bind_text(s, i++, idn);
    db_bind_int(s, i++, anonymous);
    db_bind_int(s, i++, as_information);
    if (in->dossier_id > 0) db_bind_int(s, i++, in->dossier_id); else db_bind_null(s, i++);
    if (in->user_id > 0) db_bind_int(s, i++, in->user_id); else db_bind_null(s, i++);
    db_bind_text(s, i++, blank_to_empty(in->source_ref));
    db_bind_text(s, i++, blank_to_empty(in->service_code));
    db_bind_text(s, i++, blank_to_empty(in->location_text));
    if (in->has_location) {
        db_bind_int(s, i++, (int64_t)(in->lat * 1e6 + (in->lat < 0 ? -0.5 : 0.5)));
        db_bind_int(s, i++, (int64_t)(in->lon * 1e6 + (in->lon < 0 ? -0.5 : 0.5)));
    } else {
        db_bind_null(s, i++);
        db_bind_null(s, i++);
    }
    db_bind_int(s, i++, in->consent_publish);
    db_bind_text(s, i++, day);
    db_bind_int(s, i++, received);
    if (accept_due) db_bind_int(s, i++, accept_due); else db_bind_null(s, i++);
    if (due) db_bind_int(s, i++, due); else db_bind_null(s, i++);
    if (due) db_bind_int(s, i++, due); else db_bind_null(s, i++);
    if (clock) db_bind_int(s, i++, clock); else db_bind_null(s, i++);
    db_bind_int(s, i++, now);
    db_bind_int(s, i++, now);
    int rc = db_step(s);
    out->id = rc == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    if (rc == DB_CONSTRAINT && in->dossier_id > 0) return bad(e, "dossier", N_("Không tìm thấy hồ sơ liên quan."));
    if (!out->id) goto dberr;
    out->due_at = clock;
    if (add_step(d, out->id, "receive", received, in->user_id,
                 as_information ? N_("Tố cáo nặc danh: không giải quyết theo trình tự tố cáo; tiếp nhận làm thông tin để kiểm tra (Luật Tố cáo, Điều 25).") : "",
                 0, clock, "", 0, 0) < 0)
        goto dberr;
    if (notify_sender(d, a, in->unit_id, "feedback_receipt", out->code, out->secret, in->kind, name, email, phone, clock,
                      NULL, e))
        return -1;
    if (audit_append(d, now, in->user_id, in->unit_id, "feedback.create", "feedback", out->id,
                     json_pack("{s:s, s:s, s:s, s:b, s:s}", "code", out->code, "kind", in->kind, "channel", in->channel,
                               "anonymous", anonymous, "source", blank_to_empty(in->source_ref))))
        goto dberr;
    return 0;
unprocessable:
    e->status = 422;
    return -1;
dberr:
    err_set(e, 500, N_("Không lưu được ý kiến, xin thử lại."), "feedback intake: %s", db_errmsg(d));
    return -1;
}

/* ---- attachments ----------------------------------------------------------------------------- */

int feedback_file_check(const feedback_upload *f, err *e)
{
    if (!f->data || f->len == 0) {
        err_set(e, 400, N_("Tệp đính kèm trống."), "empty upload");
        err_field(e, "tep");
        return -1;
    }
    if (f->len > FEEDBACK_FILE_MAX) {
        err_set(e, 413, N_("Mỗi tệp đính kèm không quá 5 MB."), "upload %zu bytes", f->len);
        err_field(e, "tep");
        return -1;
    }
    if (!feedback_sniff(f->data, f->len)) {
        err_set(e, 415, N_("Chỉ nhận tệp ảnh (JPEG, PNG, WebP) hoặc PDF; nội dung tệp này không phải ảnh hay PDF."),
                "upload not sniffed as image or pdf");
        err_field(e, "tep");
        return -1;
    }
    return 0;
}

int feedback_attach(db *d, int64_t feedback_id, const feedback_upload *files, int n, int64_t now, err *e)
{
    db_stmt *c = db_prepare(d, "SELECT COUNT(*) FROM feedback_files WHERE feedback_id = ?");
    db_bind_int(c, 1, feedback_id);
    int64_t have = db_step(c) == DB_ROW ? db_col_int(c, 0) : 0;
    db_done(c);
    if (have + n > FEEDBACK_FILES_MAX) {
        err_set(e, 413, N_("Gửi kèm nhiều nhất 3 tệp."), "too many files");
        err_field(e, "tep");
        return -1;
    }
    for (int k = 0; k < n; k++) {
        if (feedback_file_check(&files[k], e)) return -1;
        size_t b64len = sodium_base64_encoded_len(files[k].len, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(b64len);
        if (!b64) {
            err_set(e, 500, N_("Không lưu được tệp đính kèm."), "oom");
            return -1;
        }
        sodium_bin2base64(b64, b64len, files[k].data, files[k].len, sodium_base64_VARIANT_ORIGINAL);
        unsigned char h[crypto_hash_sha256_BYTES];
        char hex[crypto_hash_sha256_BYTES * 2 + 1];
        crypto_hash_sha256(h, files[k].data, files[k].len);
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        db_stmt *s = db_prepare(d, "INSERT INTO feedback_files (feedback_id, name, mime, size, sha256, data, created_at) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?)");
        const char *name = files[k].name && *files[k].name ? files[k].name : "tep";
        db_bind_int(s, 1, feedback_id);
        db_bind_text(s, 2, name);
        db_bind_text(s, 3, feedback_sniff(files[k].data, files[k].len));
        db_bind_int(s, 4, (int64_t)files[k].len);
        db_bind_text(s, 5, hex);
        db_bind_text(s, 6, b64);
        db_bind_int(s, 7, now);
        int rc = db_step(s);
        db_done(s);
        free(b64);
        if (rc != DB_DONE) {
            err_set(e, 500, N_("Không lưu được tệp đính kèm."), "attach: %s", db_errmsg(d));
            return -1;
        }
    }
    return 0;
}

typedef struct {
    arena *a;
    const feedback_new *in;
    const feedback_upload *files;
    int nfiles;
    int64_t now;
    feedback_ticket *out;
} file_tx;

static int file_write(db *d, void *ctx, err *e)
{
    file_tx *t = ctx;
    if (feedback_intake(d, t->a, t->in, t->now, t->out, e)) return -1;
    if (t->nfiles && feedback_attach(d, t->out->id, t->files, t->nfiles, t->now, e)) return -1;
    return 0;
}

int feedback_file(db *d, arena *a, const feedback_new *in, const feedback_upload *files, int nfiles, int64_t now,
                  feedback_ticket *out, err *e)
{
    /* check the files before taking the writer */
    if (nfiles > FEEDBACK_FILES_MAX) {
        err_set(e, 413, N_("Gửi kèm nhiều nhất 3 tệp."), "too many files");
        err_field(e, "tep");
        return -1;
    }
    for (int k = 0; k < nfiles; k++)
        if (feedback_file_check(&files[k], e)) return -1;
    file_tx t = {.a = a, .in = in, .files = files, .nfiles = nfiles, .now = now, .out = out};
    return db_write(d, file_write, &t, e);
}

/* ---- reading --------------------------------------------------------------------------------- */

#define CASE_COLS "f.id, f.unit_id, f.dossier_id, f.user_id, f.assignee_id, f.code, f.secret, f.kind, f.channel, " \
    "f.status, f.subject, f.content, f.name, f.phone, f.email, f.address, f.id_number, f.anonymous, " \
    "f.as_information, f.consent_publish, f.remote_area, f.helpful, f.source_ref, f.service_code, " \
    "f.location_text, f.lat_e6, f.lon_e6, f.rule_from, f.received_at, f.accept_due_at, f.accepted_at, f.due_at, " \
    "f.original_due_at, f.paused_at, f.resolved_at, f.closed_at, f.published_at, f.publish_due_at, f.updated_at, " \
    "f.clock_at, f.extensions, f.paused_days, f.answer, f.public_answer, f.outcome_note, u.code, u.name " \
    "FROM feedback f JOIN units u ON u.id = f.unit_id "

static const char *col_s(arena *a, db_stmt *s, int i) { return arena_strdup(a, db_col_text(s, i)); }
static int64_t col_i(db_stmt *s, int i) { return db_col_null(s, i) ? 0 : db_col_int(s, i); }

static void read_case(arena *a, db_stmt *s, feedback_case *c)
{
    int i = 0;
    memset(c, 0, sizeof *c);
    c->id = col_i(s, i++);
    c->unit_id = col_i(s, i++);
    c->dossier_id = col_i(s, i++);
    c->user_id = col_i(s, i++);
    c->assignee_id = col_i(s, i++);
    c->code = col_s(a, s, i++);
    c->secret = col_s(a, s, i++);
    c->kind = col_s(a, s, i++);
    c->channel = col_s(a, s, i++);
    c->status = col_s(a, s, i++);
    c->subject = col_s(a, s, i++);
    c->content = col_s(a, s, i++);
    c->name = col_s(a, s, i++);
    c->phone = col_s(a, s, i++);
    c->email = col_s(a, s, i++);
    c->address = col_s(a, s, i++);
    c->id_number = col_s(a, s, i++);
    c->anonymous = col_i(s, i++);
    c->as_information = col_i(s, i++);
    c->consent_publish = col_i(s, i++);
    c->remote_area = col_i(s, i++);
    c->helpful = col_i(s, i++);
    c->source_ref = col_s(a, s, i++);
    c->service_code = col_s(a, s, i++);
    c->location_text = col_s(a, s, i++);
    c->has_location = !db_col_null(s, i);
    c->lat = (double)col_i(s, i++) / 1e6;
    c->lon = (double)col_i(s, i++) / 1e6;
    c->rule_from = col_s(a, s, i++);
    c->received_at = col_i(s, i++);
    c->accept_due_at = col_i(s, i++);
    c->accepted_at = col_i(s, i++);
    c->due_at = col_i(s, i++);
    c->original_due_at = col_i(s, i++);
    c->paused_at = col_i(s, i++);
    c->resolved_at = col_i(s, i++);
    c->closed_at = col_i(s, i++);
    c->published_at = col_i(s, i++);
    c->publish_due_at = col_i(s, i++);
    c->updated_at = col_i(s, i++);
    c->clock_at = col_i(s, i++);
    c->extensions = (int)col_i(s, i++);
    c->paused_days = (int)col_i(s, i++);
    c->answer = col_s(a, s, i++);
    c->public_answer = col_s(a, s, i++);
    c->outcome_note = col_s(a, s, i++);
    c->unit_code = col_s(a, s, i++);
    c->unit_name = col_s(a, s, i++);
}

static int get_where(db *d, arena *a, const char *sql, int64_t id, const char *code, feedback_case *out)
{
    db_stmt *s = db_prepare(d, sql);
    if (!s) return -1;
    if (code) db_bind_text(s, 1, code); else db_bind_int(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) read_case(a, s, out);
    db_done(s);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int feedback_get(db *d, arena *a, int64_t id, feedback_case *out)
{
    return get_where(d, a, "SELECT " CASE_COLS "WHERE f.id = ?", id, NULL, out);
}

int64_t feedback_id_by_source(db *d, const char *source_ref)
{
    db_stmt *s = db_prepare(d, "SELECT id FROM feedback WHERE source_ref = ? ORDER BY id LIMIT 1");
    if (!s) return -1;
    db_bind_text(s, 1, source_ref);
    int rc = db_step(s);
    int64_t id = rc == DB_ROW ? db_col_int(s, 0) : rc == DB_DONE ? 0 : -1;
    db_done(s);
    return id;
}

int feedback_get_by_code(db *d, arena *a, const char *code, feedback_case *out)
{
    return get_where(d, a, "SELECT " CASE_COLS "WHERE f.code = ?", 0, code ? code : "", out);
}

bool feedback_secret_ok(const feedback_case *c, const char *secret)
{
    size_t n = strlen(c->secret);
    return secret && strlen(secret) == n && n > 0 && sodium_memcmp(c->secret, secret, n) == 0;
}

/* The WHERE clause of a filter, its parameters bound by bind_filter in the same order. */
static const char *filter_sql(arena *a, const feedback_filter *f)
{
    buf b;
    buf_init(&b, a);
    buf_puts(&b, "WHERE f.unit_id = ?");
    if (f->kind && *f->kind) buf_puts(&b, " AND f.kind = ?");
    if (f->status && !strcmp(f->status, "open")) buf_puts(&b, " AND f.status IN ('received', 'accepted', 'suspended')");
    else if (f->status && *f->status) buf_puts(&b, " AND f.status = ?");
    if (f->channel && *f->channel) buf_puts(&b, " AND f.channel = ?");
    if (f->service_code && *f->service_code) buf_puts(&b, " AND f.service_code = ?");
    if (f->from) buf_puts(&b, " AND f.received_at >= ?");
    if (f->to) buf_puts(&b, " AND f.received_at < ?");
    if (f->due == FEEDBACK_DUE_OVERDUE) buf_puts(&b, " AND f.clock_at IS NOT NULL AND f.clock_at < ?");
    else if (f->due == FEEDBACK_DUE_SOON) buf_puts(&b, " AND f.clock_at IS NOT NULL AND f.clock_at >= ? AND f.clock_at < ?");
    return buf_cstr(&b);
}

static int bind_filter(db_stmt *s, const feedback_filter *f)
{
    int i = 1;
    db_bind_int(s, i++, f->unit_id);
    if (f->kind && *f->kind) db_bind_text(s, i++, f->kind);
    if (f->status && *f->status && strcmp(f->status, "open")) db_bind_text(s, i++, f->status);
    if (f->channel && *f->channel) db_bind_text(s, i++, f->channel);
    if (f->service_code && *f->service_code) db_bind_text(s, i++, f->service_code);
    if (f->from) db_bind_int(s, i++, f->from);
    if (f->to) db_bind_int(s, i++, f->to);
    if (f->due == FEEDBACK_DUE_OVERDUE) db_bind_int(s, i++, f->now);
    else if (f->due == FEEDBACK_DUE_SOON) {
        db_bind_int(s, i++, f->now);
        db_bind_int(s, i++, f->soon_until ? f->soon_until : f->now + (int64_t)(f->soon_days > 0 ? f->soon_days : 3) * 86400);
    }
    return i;
}

int feedback_list(db *d, arena *a, const feedback_filter *f, feedback_case **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    int limit = f->limit > 0 && f->limit <= 1000 ? f->limit : 50;
    const char *sql = arena_printf(a, "SELECT " CASE_COLS "%s ORDER BY %s LIMIT ? OFFSET ?", filter_sql(a, f),
                                   f->due ? "f.clock_at, f.id" : "f.received_at DESC, f.id DESC");
    db_stmt *s = db_prepare(d, sql);
    if (!s) return -1;
    int i = bind_filter(s, f);
    db_bind_int(s, i++, limit);
    db_bind_int(s, i++, f->offset > 0 ? f->offset : 0);
    feedback_case *out = arena_alloc(a, (size_t)limit * sizeof *out);
    int rc;
    while ((rc = db_step(s)) == DB_ROW && *n < limit) read_case(a, s, &out[(*n)++]);
    db_done(s);
    *rows = out;
    return rc == DB_ERROR ? -1 : 0;
}

int64_t feedback_count(db *d, const feedback_filter *f)
{
    arena *a = arena_new();
    db_stmt *s = db_prepare(d, arena_printf(a, "SELECT COUNT(*) FROM feedback f %s", filter_sql(a, f)));
    int64_t n = -1;
    if (s) {
        bind_filter(s, f);
        if (db_step(s) == DB_ROW) n = db_col_int(s, 0);
        db_done(s);
    }
    arena_free(a);
    return n;
}

int feedback_pakn_counts(db *d, int64_t unit_id, int64_t from, int64_t to, int64_t now, feedback_pakn *out)
{
    /* the deadline that ran last: resolution once accepted, else acceptance */
    db_stmt *s = db_prepare(d,
        "SELECT COUNT(*), "
        "COALESCE(SUM(closed_at IS NOT NULL AND (dl IS NULL OR closed_at <= dl)), 0), "
        "COALESCE(SUM(dl IS NOT NULL AND ((closed_at IS NOT NULL AND closed_at > dl) OR (closed_at IS NULL AND ?1 > dl))), 0) "
        "FROM (SELECT closed_at, COALESCE(due_at, accept_due_at) AS dl FROM feedback WHERE unit_id = ?2 AND "
        "kind IN ('phan_anh', 'kien_nghi') AND status <> 'forwarded' AND received_at >= ?3 AND received_at < ?4)");
    if (!s) return -1;
    db_bind_int(s, 1, now);
    db_bind_int(s, 2, unit_id);
    db_bind_int(s, 3, from);
    db_bind_int(s, 4, to);
    int rc = -1;
    if (db_step(s) == DB_ROW) {
        *out = (feedback_pakn){.total = db_col_int(s, 0), .on_time = db_col_int(s, 1), .overdue = db_col_int(s, 2)};
        rc = 0;
    }
    db_done(s);
    return rc;
}

json_t *feedback_steps_json(db *d, int64_t id)
{
    db_stmt *s = db_prepare(d, "SELECT s.seq, s.kind, s.at, s.note, s.old_due_at, s.new_due_at, s.doc_kind, "
                               "s.doc_number, s.doc_year, COALESCE(u.full_name, '') FROM feedback_steps s "
                               "LEFT JOIN users u ON u.id = s.user_id WHERE s.feedback_id = ? ORDER BY s.seq");
    if (!s) return NULL;
    db_bind_int(s, 1, id);
    json_t *arr = json_array();
    while (db_step(s) == DB_ROW) {
        json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s}", "seq", (json_int_t)db_col_int(s, 0), "kind",
                              db_col_text(s, 1), "at", (json_int_t)db_col_int(s, 2), "note", db_col_text(s, 3),
                              "doc_kind", db_col_text(s, 6), "user", db_col_text(s, 9));
        if (!db_col_null(s, 4)) json_object_set_new(o, "old_due_at", json_integer(db_col_int(s, 4)));
        if (!db_col_null(s, 5)) json_object_set_new(o, "new_due_at", json_integer(db_col_int(s, 5)));
        if (!db_col_null(s, 7)) {
            json_object_set_new(o, "doc_number", json_integer(db_col_int(s, 7)));
            json_object_set_new(o, "doc_year", json_integer(db_col_int(s, 8)));
        }
        json_array_append_new(arr, o);
    }
    db_done(s);
    return arr;
}

json_t *feedback_files_json(db *d, int64_t id)
{
    db_stmt *s = db_prepare(d, "SELECT id, name, mime, size FROM feedback_files WHERE feedback_id = ? ORDER BY id");
    if (!s) return NULL;
    db_bind_int(s, 1, id);
    json_t *arr = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)db_col_int(s, 0), "name",
                                             db_col_text(s, 1), "mime", db_col_text(s, 2), "size",
                                             (json_int_t)db_col_int(s, 3)));
    db_done(s);
    return arr;
}

int feedback_file_get(db *d, arena *a, int64_t feedback_id, int64_t file_id, const char **mime, const char **name,
                      unsigned char **data, size_t *len)
{
    db_stmt *s = db_prepare(d, "SELECT mime, name, size, data FROM feedback_files WHERE id = ? AND feedback_id = ?");
    if (!s) return -1;
    db_bind_int(s, 1, file_id);
    db_bind_int(s, 2, feedback_id);
    int rc = db_step(s), res = rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
    if (rc == DB_ROW) {
        *mime = col_s(a, s, 0);
        *name = col_s(a, s, 1);
        size_t cap = (size_t)db_col_int(s, 2) + 4;
        const char *b64 = db_col_text(s, 3);
        *data = arena_alloc(a, cap);
        if (sodium_base642bin(*data, cap, b64, strlen(b64), NULL, len, NULL, sodium_base64_VARIANT_ORIGINAL))
            res = -1;
    }
    db_done(s);
    return res;
}

/* ---- masking --------------------------------------------------------------------------------- */

static void replace_all(arena *a, char **text, const char *what)
{
    if (!what || strlen(what) < 3) return;
    char *s = *text, *p;
    buf b;
    buf_init(&b, a);
    bool hit = false;
    while ((p = strstr(s, what))) {
        buf_add(&b, s, (size_t)(p - s));
        buf_puts(&b, "***");
        s = p + strlen(what);
        hit = true;
    }
    if (!hit) return;
    buf_puts(&b, s);
    *text = (char *)buf_cstr(&b);
}

char *feedback_mask(arena *a, const feedback_case *c, const char *text)
{
    char *t = arena_strdup(a, text ? text : "");
    if (c) {
        replace_all(a, &t, c->name);
        replace_all(a, &t, c->address);
        replace_all(a, &t, c->phone);
        replace_all(a, &t, c->email);
        replace_all(a, &t, c->id_number);
    }
    /* runs of 9 or more digits (phones, ID numbers, with spaces or dots inside) and e-mail
     * addresses, whoever they belong to */
    buf b;
    buf_init(&b, a);
    for (size_t i = 0; t[i];) {
        size_t j = i, digits = 0;
        while (t[j] && (g_ascii_isdigit(t[j]) || ((t[j] == ' ' || t[j] == '.' || t[j] == '-') && digits && g_ascii_isdigit(t[j + 1])))) {
            if (g_ascii_isdigit(t[j])) digits++;
            j++;
        }
        if (digits >= 9) {
            buf_puts(&b, "***");
            i = j;
            continue;
        }
        if (t[i] == '@' && i > 0) {
            /* drop the local part already copied, then the domain */
            size_t back = 0;
            const char *cur = buf_cstr(&b);
            size_t len = strlen(cur);
            while (back < len && (g_ascii_isalnum(cur[len - 1 - back]) || strchr("._%+-", cur[len - 1 - back]))) back++;
            char *kept = arena_strndup(a, cur, len - back);
            buf_init(&b, a);
            buf_puts(&b, kept);
            buf_puts(&b, "***");
            i++;
            while (t[i] && (g_ascii_isalnum(t[i]) || strchr(".-", t[i]))) i++;
            continue;
        }
        buf_putc(&b, t[i++]);
    }
    return (char *)buf_cstr(&b);
}

/* ---- the grounds of a complex case ------------------------------------------------------------ */

json_t *feedback_grounds_json(db *d, const feedback_case *c)
{
    db_stmt *s = db_prepare(d, "SELECT code, label FROM feedback_complex_grounds WHERE kind = ? AND effective_from = "
                               "(SELECT MAX(effective_from) FROM feedback_complex_grounds WHERE kind = ? AND "
                               "effective_from <= ?) ORDER BY rowid");
    if (!s) return NULL;
    db_bind_text(s, 1, c->kind);
    db_bind_text(s, 2, c->kind);
    db_bind_text(s, 3, c->rule_from);
    json_t *arr = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "code", db_col_text(s, 0), "label", db_col_text(s, 1)));
    db_done(s);
    return arr;
}

/* "Căn cứ: <label>; <label>." for the chosen grounds, or NULL with e set when the law lists grounds
 * and none (or an unknown one) was chosen. "" when the law lists none. */
static const char *grounds_text(db *d, arena *a, const feedback_case *c, const feedback_step_in *in, err *e)
{
    json_t *all = feedback_grounds_json(d, c);
    if (!all) {
        err_set(e, 500, N_("Không đọc được quy định."), "grounds");
        return NULL;
    }
    if (!json_array_size(all)) {
        json_decref(all);
        return "";
    }
    buf b;
    buf_init(&b, a);
    for (int k = 0; k < in->ngrounds; k++) {
        const char *label = NULL;
        size_t i;
        json_t *g;
        json_array_foreach(all, i, g) if (!strcmp(json_string_value(json_object_get(g, "code")), in->grounds[k]))
            label = json_string_value(json_object_get(g, "label"));
        if (!label) continue;
        buf_puts(&b, b.len ? "; " : "Căn cứ vụ việc phức tạp: ");
        buf_puts(&b, label);
    }
    json_decref(all);
    if (!b.len) {
        err_set(e, 422, N_("Chọn ít nhất một căn cứ xác định vụ việc phức tạp theo quy định."), "no ground");
        err_field(e, "ground");
        return NULL;
    }
    buf_puts(&b, ".");
    return buf_cstr(&b);
}

/* ---- steps ----------------------------------------------------------------------------------- */

static int fail(err *e, int status, const char *msg, const char *why)
{
    err_set(e, status, msg, "feedback step: %s", why);
    return -1;
}

/* The register a document is numbered in, and its kind, for the step and the case's kind. */
static const char *doc_for(feedback_action a, const char *kind, const char **reg)
{
    *reg = "TB";
    switch (a) {
    case FB_ACCEPT: return "accept_notice";
    case FB_REFUSE: return "refuse_notice";
    case FB_EXTEND: *reg = "QD"; return "extension";
    case FB_SUSPEND: *reg = "QD"; return "suspension";
    case FB_RESUME: *reg = "QD"; return "resumption";
    case FB_RESOLVE:
        if (!strcmp(kind, "khieu_nai")) { *reg = "QD"; return "decision"; }
        if (!strcmp(kind, "to_cao")) { *reg = "KL"; return "conclusion"; }
        *reg = "CV";
        return "answer";
    default: return "";
    }
}

typedef struct {
    const calendar *cal;
    cal_unit cu;
    const feedback_rule *accept, *resolve, *extend, *suspend, *publish;
    kind_rule kr;
} case_rules;

static int rules_of(db *d, arena *a, const feedback_case *c, case_rules *out, err *e)
{
    feedback_rule *rules;
    int n;
    if (feedback_rules_load(d, a, &rules, &n)) return fail(e, 500, N_("Không đọc được thời hạn giải quyết."), "rules");
    if (!(out->cal = holiday_calendar(d, e))) return -1;
    out->cu = holiday_unit(d, c->unit_id);
    cal_day day;
    if (!cal_parse_date(c->rule_from, &day)) day = cal_local_day(c->received_at);
    out->accept = feedback_rule_for(rules, n, c->kind, "accept", day);
    out->resolve = feedback_rule_for(rules, n, c->kind, "resolve", day);
    out->extend = feedback_rule_for(rules, n, c->kind, "extend", day);
    out->suspend = feedback_rule_for(rules, n, c->kind, "suspend", day);
    out->publish = feedback_rule_for(rules, n, c->kind, "publish", day);
    if (!kind_rule_get(d, c->kind, c->rule_from, &out->kr)) return fail(e, 500, N_("Không đọc được quy định."), "kind rule");
    return 0;
}

/* The resolution deadline from its start with the resolution days, the extensions and the days
 * spent suspended. 0 when the kind has no resolution clock. */
static int64_t resolution_due(const case_rules *r, int64_t start, bool remote, int extensions, int paused_days)
{
    if (!r->resolve) return 0;
    int days = remote && r->resolve->remote_days >= 0 ? r->resolve->remote_days : r->resolve->days;
    if (r->extend && extensions > 0)
        days += extensions * (remote && r->extend->remote_days >= 0 ? r->extend->remote_days : r->extend->days);
    return feedback_deadline(r->cal, &r->cu, start, days + paused_days, r->resolve->working);
}

#define ANSWERED_MAX 4
static feedback_answered_fn answered[ANSWERED_MAX];   /* set at start, before any request */

void feedback_on_answered(feedback_answered_fn fn)
{
    for (int i = 0; i < ANSWERED_MAX; i++)
        if (!answered[i] || answered[i] == fn) {
            answered[i] = fn;
            return;
        }
}

int feedback_apply(db *d, arena *a, int64_t id, const feedback_step_in *in, int64_t now, err *e)
{
    feedback_case c;
    int got = feedback_get(d, a, id, &c);
    if (got < 0) return fail(e, 500, N_("Không đọc được ý kiến."), "get");
    if (!got) return fail(e, 404, N_("Không tìm thấy ý kiến."), "no case");
    case_rules r;
    if (rules_of(d, a, &c, &r, e)) return -1;
    const char *note = in->note && !text_is_blank(in->note) ? text_trim(a, in->note) : "";
    if (text_char_count(note) > 20000) return fail(e, 422, N_("Nội dung dài quá 20.000 ký tự."), "long note");
    bool open = feedback_open(c.status), received = !strcmp(c.status, "received"),
         accepted = !strcmp(c.status, "accepted"), suspended = !strcmp(c.status, "suspended");
    bool starts_at_acceptance = !strcmp(r.kr.resolve_from, "acceptance");
    const char *status = c.status, *step = feedback_action_name(in->action);
    int64_t old_due = c.clock_at, new_due = c.clock_at, due = c.due_at, clock = c.clock_at;
    int64_t accepted_at = c.accepted_at, paused_at = c.paused_at, resolved_at = c.resolved_at,
            closed_at = c.closed_at, published_at = c.published_at, publish_due = c.publish_due_at;
    int extensions = c.extensions, paused_days = c.paused_days;
    bool remote = c.remote_area, helpful = c.helpful;
    const char *answer = c.answer, *public_answer = c.public_answer, *outcome = c.outcome_note;
    bool needs_note = in->action == FB_REFUSE || in->action == FB_EXTEND || in->action == FB_SUSPEND ||
                      in->action == FB_RESOLVE || in->action == FB_FORWARD || in->action == FB_WITHDRAW;
    if (needs_note && !*note) {
        static const char *const msgs[] = {
            [FB_REFUSE] = N_("Ghi rõ lý do không thụ lý."),
            [FB_EXTEND] = N_("Ghi rõ căn cứ gia hạn (vụ việc phức tạp) bằng văn bản."),
            [FB_SUSPEND] = N_("Ghi rõ lý do tạm đình chỉ."),
            [FB_RESOLVE] = N_("Ghi nội dung trả lời, quyết định hoặc kết luận."),
            [FB_FORWARD] = N_("Ghi cơ quan có thẩm quyền nhận đơn chuyển."),
            [FB_WITHDRAW] = N_("Ghi việc rút đơn (văn bản rút hoặc biên bản ghi lời rút)."),
        };
        err_set(e, 422, msgs[in->action], "feedback step without note");
        err_field(e, "note");
        return -1;
    }
    const char *nope = N_("Không thể làm bước này ở trạng thái hiện tại của ý kiến.");
    switch (in->action) {
    case FB_ACCEPT:
        if (!received) return fail(e, 409, nope, "accept: not received");
        if (c.as_information)
            return fail(e, 409, N_("Tố cáo nặc danh không được thụ lý giải quyết theo trình tự tố cáo (Luật Tố cáo, Điều 25)."), "anon");
        if (!r.accept && !starts_at_acceptance)
            return fail(e, 409, N_("Loại ý kiến này không có bước thụ lý; giải quyết, trả lời trực tiếp."), "no accept rule");
        status = "accepted";
        accepted_at = now;
        remote = in->remote_area;
        if (starts_at_acceptance) due = resolution_due(&r, now, remote, 0, 0);
        clock = new_due = due;
        break;
    case FB_REFUSE:
        if (!received) return fail(e, 409, nope, "refuse: not received");
        status = "refused";
        closed_at = now;
        clock = new_due = 0;
        outcome = note;
        break;
    case FB_EXTEND:
        if (!accepted) return fail(e, 409, nope, "extend: not accepted");
        if (!r.extend) return fail(e, 409, N_("Loại ý kiến này không có gia hạn theo quy định."), "no extend rule");
        if (extensions >= r.extend->max_count)
            return fail(e, 409, N_("Đã gia hạn đủ số lần luật cho phép."), "extension limit");
        {
            const char *g = grounds_text(d, a, &c, in, e);
            if (!g) return -1;
            if (*g) note = arena_printf(a, "%s\n%s", g, note);
        }
        extensions++;
        due = resolution_due(&r, accepted_at ? accepted_at : c.received_at, remote, extensions, paused_days);
        clock = new_due = due;
        break;
    case FB_SUSPEND:
        if (!accepted) return fail(e, 409, nope, "suspend: not accepted");
        if (!r.suspend)
            return fail(e, 409, N_("Luật áp dụng cho vụ việc này (theo ngày tiếp nhận) không có tạm đình chỉ việc giải quyết."),
                        "no suspend rule");
        status = "suspended";
        paused_at = now;
        clock = new_due = 0;
        break;
    case FB_RESUME:
        if (!suspended) return fail(e, 409, nope, "resume: not suspended");
        status = "accepted";
        if (r.resolve) paused_days += feedback_paused_days(r.cal, &r.cu, paused_at, now, r.resolve->working);
        paused_at = 0;
        due = resolution_due(&r, accepted_at ? accepted_at : c.received_at, remote, extensions, paused_days);
        clock = new_due = due;
        old_due = c.due_at;
        break;
    case FB_WITHDRAW:
        if (!open) return fail(e, 409, nope, "withdraw: closed");
        if (in->keep_going && !strcmp(c.kind, "to_cao")) break;   /* signs of a violation: resolution continues */
        status = "withdrawn";
        closed_at = now;
        clock = new_due = 0;
        outcome = note;
        break;
    case FB_RESOLVE:
        if (!(accepted || (received && (!starts_at_acceptance || c.as_information))))
            return fail(e, 409, nope, "resolve: not accepted");
        status = "resolved";
        resolved_at = closed_at = now;
        clock = new_due = 0;
        answer = note;
        helpful = in->helpful;
        if (c.consent_publish && r.publish) {
            /* the answer's publication runs on its own clock, shown on the board */
            publish_due = feedback_deadline(r.cal, &r.cu, now, r.publish->days, r.publish->working);
            clock = new_due = publish_due;
        }
        break;
    case FB_PUBLISH:
        if (strcmp(c.status, "resolved")) return fail(e, 409, N_("Chỉ công khai ý kiến đã giải quyết."), "publish: not resolved");
        if (!c.consent_publish)
            return fail(e, 409, N_("Người gửi không đồng ý công khai; không thể công khai câu trả lời."), "no consent");
        if (c.published_at) return fail(e, 409, N_("Câu trả lời đã được công khai."), "already");
        published_at = now;
        public_answer = feedback_mask(a, &c, *note ? note : c.answer);
        clock = new_due = 0;
        break;
    case FB_FORWARD:
        if (!received) return fail(e, 409, nope, "forward: not received");
        status = "forwarded";
        closed_at = now;
        clock = new_due = 0;
        outcome = note;
        break;
    default:
        return fail(e, 400, N_("Bước không hợp lệ."), "action");
    }
    db_stmt *s = db_prepare(d,
        "UPDATE feedback SET status = ?, accepted_at = ?, due_at = ?, clock_at = ?, extensions = ?, paused_at = ?, "
        "paused_days = ?, remote_area = ?, resolved_at = ?, closed_at = ?, answer = ?, public_answer = ?, "
        "published_at = ?, publish_due_at = ?, outcome_note = ?, helpful = ?, updated_at = ?, "
        "original_due_at = COALESCE(original_due_at, ?) WHERE id = ?");
    int i = 1;
#define BIND_OPT(v) do { if (v) db_bind_int(s, i++, v); else db_bind_null(s, i++); } while (0)
    db_bind_text(s, i++, status);
    BIND_OPT(accepted_at);
    BIND_OPT(due);
    BIND_OPT(clock);
    db_bind_int(s, i++, extensions);
    BIND_OPT(paused_at);
    db_bind_int(s, i++, paused_days);
    db_bind_int(s, i++, remote);
    BIND_OPT(resolved_at);
    BIND_OPT(closed_at);
    db_bind_text(s, i++, answer);
    db_bind_text(s, i++, public_answer);
    BIND_OPT(published_at);
    BIND_OPT(publish_due);
    db_bind_text(s, i++, outcome);
    db_bind_int(s, i++, helpful);
    db_bind_int(s, i++, now);
    BIND_OPT(due);
    db_bind_int(s, i++, id);
#undef BIND_OPT
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return fail(e, 500, N_("Không lưu được, xin thử lại."), db_errmsg(d));
    const char *reg;
    const char *doc = doc_for(in->action, c.kind, &reg);
    /* an anonymous case has nobody to notify: its steps produce no notice */
    int64_t number = 0;
    int year = 0;
    if (*doc && !(c.anonymous && (in->action == FB_ACCEPT || in->action == FB_REFUSE))) {
        int mo, dd;
        cal_to_ymd(cal_local_day(now), &year, &mo, &dd);
        number = next_counter(d, c.unit_id, arena_printf(a, "Y%04d:%s", year, reg));
        if (number < 0) return fail(e, 500, N_("Không lấy được số văn bản."), "counter");
    } else {
        doc = "";
    }
    const char *step_note = in->action == FB_WITHDRAW && in->keep_going && !strcmp(c.kind, "to_cao")
                                ? arena_printf(a, "%s\n%s", note, N_("Có dấu hiệu vi phạm: tiếp tục giải quyết tố cáo."))
                                : note;
    if (in->action == FB_RESOLVE && in->helpful)
        step_note = arena_printf(a, "%s\n%s", note, N_("Ý kiến có ích: đề xuất thư cảm ơn."));
    int seq = add_step(d, id, step, now, in->user_id, step_note, old_due, new_due, doc, number, year);
    if (seq < 0) return fail(e, 500, N_("Không lưu được, xin thử lại."), "step");
    if ((in->action == FB_RESOLVE || in->action == FB_REFUSE) &&
        notify_sender(d, a, c.unit_id, "feedback_answer", c.code, c.secret, c.kind, c.name, c.email, c.phone, 0, note, e))
        return -1;
    json_t *detail = json_pack("{s:s, s:s, s:s}", "code", c.code, "from", c.status, "to", status);
    if (new_due != old_due) json_object_set_new(detail, "due_at", json_integer(new_due));
    if (number) json_object_set_new(detail, "doc", json_string(arena_printf(a, "%lld/%d/%s", (long long)number, year, reg)));
    if (audit_append(d, now, in->user_id, c.unit_id, arena_printf(a, "feedback.%s", step), "feedback", id, detail))
        return fail(e, 500, N_("Không lưu được, xin thử lại."), "audit");
    if (in->action == FB_RESOLVE && c.source_ref && *c.source_ref)
        for (int k = 0; k < ANSWERED_MAX && answered[k]; k++)
            if (answered[k](d, c.source_ref, note, in->user_id, now, e)) return -1;
    return 0;
}

typedef struct {
    arena *a;
    int64_t id;
    const feedback_step_in *in;
    int64_t now;
} step_tx;

static int step_write(db *d, void *ctx, err *e)
{
    step_tx *t = ctx;
    return feedback_apply(d, t->a, t->id, t->in, t->now, e);
}

int feedback_step(db *d, arena *a, int64_t id, const feedback_step_in *in, int64_t now, err *e)
{
    step_tx t = {.a = a, .id = id, .in = in, .now = now};
    return db_write(d, step_write, &t, e);
}
