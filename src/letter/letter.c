/* letter.c -- letters of care: proposals from dossier events, staff-written letters,
 * delivery, cancellation, lists and counts (see letter.h). */
#include "letter.h"

#include <glib.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/clock.h"
#include "../account/account.h"
#include "../audit/audit.h"
#include "../catalog/catalog.h"
#include "../core/calendar.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../holiday/holiday.h"
#include "../kit/links.h"
#include "../notify/notify.h"
#include "../print/print.h"
#include "letter_impl.h"

/* ---- kinds and occasions --------------------------------------------------------------- */

const char *const letter_kinds[LETTER_NKINDS] = {"apology", "thanks", "congratulation", "condolence"};

static const char *const KIND_LABELS[LETTER_NKINDS] = {N_("Thư xin lỗi"), N_("Thư cảm ơn"), N_("Thư chúc mừng"),
                                                       N_("Thư chia buồn")};

const letter_occasion letter_occasions[] = {
    {"late", "apology", N_("Xin lỗi vì trả kết quả chậm"), false},
    {"contribution", "thanks", N_("Cảm ơn đóng góp (đất, công sức, kinh phí)"), true},
    {"feedback", "thanks", N_("Cảm ơn ý kiến góp ý, phản ánh"), true},
    {"birth", "congratulation", N_("Chúc mừng khai sinh"), true},
    {"marriage", "congratulation", N_("Chúc mừng kết hôn"), true},
    {"other_congratulation", "congratulation", N_("Chúc mừng dịp khác (mừng thọ, thành tích…)"), true},
    {"death", "condolence", N_("Chia buồn"), true},
};
const size_t letter_noccasions = sizeof letter_occasions / sizeof letter_occasions[0];

int letter_kind_index(const char *kind)
{
    for (int k = 0; kind && k < LETTER_NKINDS; k++)
        if (!strcmp(kind, letter_kinds[k])) return k;
    return -1;
}

const char *letter_kind_label(const char *kind)
{
    int k = letter_kind_index(kind);
    return k < 0 ? "" : KIND_LABELS[k];
}

const letter_occasion *letter_occasion_find(const char *key)
{
    for (size_t i = 0; key && i < letter_noccasions; i++)
        if (!strcmp(key, letter_occasions[i].key)) return &letter_occasions[i];
    return NULL;
}

static const char *const STATUSES[][2] = {
    {"proposed", N_("Chờ trao")}, {"delivered", N_("Đã trao")}, {"cancelled", N_("Đã hủy")}};
const char *const letter_methods[LETTER_NMETHODS][2] = {{"ceremony", N_("Trao tại trụ sở")},
                                         {"home", N_("Mang đến nhà")},
                                         {"post", N_("Gửi qua bưu chính")},
                                         {"electronic", N_("Gửi điện tử (thư điện tử, tin nhắn)")}};

static const char *pair_label(const char *const list[][2], size_t n, const char *key)
{
    for (size_t i = 0; key && i < n; i++)
        if (!strcmp(list[i][0], key)) return list[i][1];
    return "";
}
#define LABEL(list, key) pair_label(list, sizeof list / sizeof list[0], key)

/* ---- small helpers ------------------------------------------------------------------------ */

static char public_url[256] = "http://127.0.0.1:8080";

void letter_set_public_url(const char *url)
{
    if (!url || !*url) return;
    snprintf(public_url, sizeof public_url, "%s", url);
    size_t n = strlen(public_url);
    while (n && public_url[n - 1] == '/') public_url[--n] = '\0';
}

/* 128 random bits in hex: the recipient's link cannot be guessed. */
static void make_token(char out[33])
{
    unsigned char rnd[16];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(out, 33, rnd, sizeof rnd);
}

static const char *day_text(arena *a, int64_t t)
{
    if (t <= 0) return "";
    return vn_date(a, t);
}

static const char *time_text(arena *a, int64_t t)
{
    if (t <= 0) return "";
    return vn_time_date(a, t, " ");
}

static int fail(err *e, int status, const char *msgid, const char *field)
{
    err_set(e, status, msgid, "letter: %s", field ? field : "");
    if (field) err_field(e, field);
    return -1;
}

/* The unit and every unit below it, as a SQL fragment for "unit_id IN (...)" with one ?. */
#define SUBTREE UNIT_SUBTREE_CTE("")
/* The same for a query: the units below only when ?9 (letter_query.unit_only) is 0. */
#define QUERY_SCOPE UNIT_SUBTREE_CTE(" AND ?9 = 0")

/* ---- proposals from dossier events -------------------------------------------------------- */

/* A new letter's row: a proposal from a dossier event or a letter staff wrote. */
typedef struct {
    int64_t unit_id, dossier_id, received_at, old_due, new_due, ceremony_at, actor_id, at;
    int64_t event_at;                  /* when the event happened (0: at) */
    const char *kind, *occasion, *source, *code, *procedure;
    int64_t source_id;                 /* 0: none ('manual') */
    const char *name, *address, *phone, *email, *person, *event_date, *detail;
    const char *recipient_sex, *person_sex;   /* "male", "female" or "" (NULL: "") */
    const char *signer, *signer_title; /* NULL: the unit's head */
} proposal;

/* The instant of a letter's event: its day ("YYYY-MM-DD") at noon, Vietnam time, when known,
 * else `otherwise` (the result's or the letter's own time). */
static int64_t event_instant(const char *iso, int64_t otherwise)
{
    cal_day day;
    return iso && *iso && cal_parse_date(iso, &day) ? cal_instant(day, 12 * 60) : otherwise;
}

/* The ceremony slot for a congratulation: 09:00 on the day the citizen comes for the result
 * (the dossier's due day) when that is a later working day, else the next working day. */
static int64_t ceremony_slot(db *d, int64_t unit_id, int64_t due_at, int64_t at, err *e)
{
    const calendar *cal = holiday_calendar(d, e);
    if (!cal) return -1;
    cal_unit cu = holiday_unit(d, unit_id);
    cal_day today = cal_local_day(at), day = cal_local_day(due_at);
    if (day <= today || !calendar_is_working(cal, &cu, day)) day = calendar_next_working(cal, &cu, today);
    return cal_instant(day, 9 * 60);
}

static void bind_or_null(db_stmt *s, int i, int64_t v)
{
    if (v) db_bind_int(s, i, v);
    else db_bind_null(s, i);
}

/* Inserts a letter unless its event already has a letter of its kind: its id, 0 when the
 * event has one already, -1 on a database error. */
static int64_t insert_letter(db *d, arena *a, const proposal *p, err *e)
{
    const char *signer = p->signer, *title = p->signer_title;
    if (!signer) account_unit_head(d, a, p->unit_id, &signer, &title);
    char token[33];
    make_token(token);
    db_stmt *s = db_prepare(d,
        "INSERT INTO letters (unit_id, kind, occasion, status, source, source_id, dossier_id, dossier_code, "
        "recipient_name, recipient_key, recipient_address, recipient_phone, recipient_email, person, event_date, "
        "detail, procedure_name, received_at, old_due_at, new_due_at, signer_name, signer_title, ceremony_at, "
        "delivery_method, token, created_at, created_by, updated_at, event_at, recipient_sex, person_sex) "
        "VALUES (?1, ?2, ?3, 'proposed', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
        "?20, ?21, ?22, ?23, ?24, ?25, ?26, ?25, ?27, ?28, ?29) "
        "ON CONFLICT DO NOTHING RETURNING id");
    int i = 1;
    db_bind_int(s, i++, p->unit_id);
    db_bind_text(s, i++, p->kind);
    db_bind_text(s, i++, p->occasion);
    db_bind_text(s, i++, p->source);
    bind_or_null(s, i++, p->source_id);
    bind_or_null(s, i++, p->dossier_id);
    db_bind_text(s, i++, p->code ? p->code : "");
    db_bind_text(s, i++, p->name);
    db_bind_text(s, i++, text_fold(a, p->name));
    db_bind_text(s, i++, p->address ? p->address : "");
    db_bind_text(s, i++, p->phone ? p->phone : "");
    db_bind_text(s, i++, p->email ? p->email : "");
    db_bind_text(s, i++, p->person ? p->person : "");
    db_bind_text(s, i++, p->event_date ? p->event_date : "");
    db_bind_text(s, i++, p->detail ? p->detail : "");
    db_bind_text(s, i++, p->procedure ? p->procedure : "");
    bind_or_null(s, i++, p->received_at);
    bind_or_null(s, i++, p->old_due);
    bind_or_null(s, i++, p->new_due);
    db_bind_text(s, i++, signer);
    db_bind_text(s, i++, title);
    bind_or_null(s, i++, p->ceremony_at);
    db_bind_text(s, i++, p->ceremony_at > 0 ? "ceremony" : "");
    db_bind_text(s, i++, token);
    db_bind_int(s, i++, p->at);
    bind_or_null(s, i++, p->actor_id > 0 ? p->actor_id : 0);
    db_bind_int(s, i++, event_instant(p->event_date, p->event_at ? p->event_at : p->at));
    db_bind_text(s, i++, p->recipient_sex ? p->recipient_sex : "");
    db_bind_text(s, i++, p->person_sex ? p->person_sex : "");
    int rc = db_step(s);
    int64_t id = rc == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    if (rc != DB_ROW && rc != DB_DONE) {
        err_set(e, 500, N_("Không lưu được thư, xin thử lại."), "insert letter: %s", db_errmsg(d));
        return -1;
    }
    return id;
}

static void from_dossier(proposal *p, const dossier_brief *b)
{
    p->unit_id = b->unit_id;
    p->dossier_id = b->id;
    p->code = b->code;
    p->procedure = b->procedure_name;
    p->received_at = b->received_at;
    p->name = b->applicant_name;
    p->address = b->applicant_address;
    p->phone = b->applicant_phone;
    p->email = b->applicant_email;
    p->recipient_sex = b->applicant_sex;
}

static int propose_for_result(db *d, arena *a, const dossier_event *ev, err *e)
{
    dossier_brief b;
    if (!dossier_brief_get(d, a, ev->dossier_id, &b)) return 0;
    const letter_occasion *occ = letter_occasion_find(catalog_letter_occasion(d, b.procedure_id));
    if (!occ || !b.letters_ok) return 0;   /* no letter for this procedure, or the applicant declined */
    proposal p = {.kind = occ->kind, .occasion = occ->key, .source = "dossier", .source_id = b.id,
                  .actor_id = ev->actor_id, .at = ev->at};
    from_dossier(&p, &b);
    /* whom the result names, as recorded with it: the child, the other spouse, the deceased */
    p.person = b.result_person;
    p.person_sex = b.result_person_sex;
    p.event_date = b.result_event_date;
    if (!strcmp(occ->kind, "congratulation") && account_unit_wants_ceremony(d, b.unit_id) &&
        (p.ceremony_at = ceremony_slot(d, b.unit_id, b.due_at, ev->at, e)) < 0)
        return -1;
    return insert_letter(d, a, &p, e) < 0 ? -1 : 0;
}

static int propose_for_apology(db *d, arena *a, const dossier_event *ev, err *e)
{
    dossier_brief b;
    dossier_notice_brief n;
    if (!dossier_brief_get(d, a, ev->dossier_id, &b) || !dossier_notice_get(d, a, ev->notice_id, &n)) return 0;
    /* an apology is owed whatever the applicant said about other letters */
    proposal p = {.kind = "apology", .occasion = "late", .source = "notice", .source_id = n.id,
                  .old_due = n.old_due_at, .new_due = n.new_due_at, .detail = n.reason, .actor_id = ev->actor_id,
                  .at = ev->at};
    from_dossier(&p, &b);
    return insert_letter(d, a, &p, e) < 0 ? -1 : 0;
}

/* The applicant changed their mind: letters of congratulation or condolence not yet handed
 * over are cancelled (delivered ones stay in the record). */
static int cancel_for_decline(db *d, const dossier_event *ev, err *e)
{
    db_stmt *s = db_prepare(d, "UPDATE letters SET status = 'cancelled', delivery_method = '', cancel_reason = ?, "
                               "updated_at = ? WHERE dossier_id = ? AND status = 'proposed' "
                               "AND kind IN ('congratulation', 'condolence')");
    db_bind_text(s, 1, "Người nộp hồ sơ không muốn nhận thư chúc mừng, thư chia buồn.");
    db_bind_int(s, 2, ev->at);
    db_bind_int(s, 3, ev->dossier_id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, N_("Không lưu được thư, xin thử lại."), "decline letters: %s", db_errmsg(d));
        return -1;
    }
    return 0;
}

int letter_on_dossier_event(db *d, arena *a, const dossier_event *ev, err *e)
{
    if (!strcmp(ev->kind, "letters_declined")) return cancel_for_decline(d, ev, e);
    if (!strcmp(ev->kind, "done")) return propose_for_result(d, a, ev, e);
    if (!strcmp(ev->kind, "apology")) return propose_for_apology(d, a, ev, e);
    return 0;
}

/* ---- staff-written letters ------------------------------------------------------------------ */

typedef struct {
    const char *name, *address, *phone, *email, *person, *event_date, *detail, *signer, *signer_title;
    const char *recipient_sex, *person_sex;
    int64_t ceremony_at;
} checked_input;

/* A text field: trimmed, at most max characters. */
static bool text_field(arena *a, const char *in, size_t max, const char **out, const char *field, err *e)
{
    *out = text_trim(a, in ? in : "");
    if (text_char_count(*out) > max) {
        fail(e, 400, max <= 200 ? N_("Nội dung quá dài (tối đa 200 ký tự).") : N_("Nội dung quá dài (tối đa 2000 ký tự)."),
             field);
        return false;
    }
    return true;
}

static int check_input(db *d, arena *a, int64_t unit_id, const letter_occasion *occ, const letter_input *in,
                       checked_input *out, err *e)
{
    if (!text_field(a, in->recipient_name, 200, &out->name, "recipient_name", e) ||
        !text_field(a, in->recipient_address, 200, &out->address, "recipient_address", e) ||
        !text_field(a, in->person, 200, &out->person, "person", e) ||
        !text_field(a, in->detail, 2000, &out->detail, "detail", e) ||
        !text_field(a, in->signer_name, 200, &out->signer, "signer_name", e) ||
        !text_field(a, in->signer_title, 200, &out->signer_title, "signer_title", e))
        return -1;
    if (!*out->name) return fail(e, 400, N_("Nhập họ tên người nhận thư."), "recipient_name");
    out->recipient_sex = in->recipient_sex;   /* NULL: not given (an edit keeps what was recorded) */
    out->person_sex = in->person_sex;
    if (!dossier_sex_ok(out->recipient_sex)) return fail(e, 400, N_("Chọn giới tính: Nam hoặc Nữ."), "recipient_sex");
    if (!dossier_sex_ok(out->person_sex)) return fail(e, 400, N_("Chọn giới tính: Nam hoặc Nữ."), "person_sex");
    bool needs_detail = !strcmp(occ->kind, "thanks") || !strcmp(occ->key, "other_congratulation");
    if (needs_detail && !*out->detail)
        return fail(e, 400, !strcmp(occ->kind, "thanks") ? N_("Ghi rõ việc đóng góp hoặc ý kiến được cảm ơn.")
                                                         : N_("Ghi rõ dịp chúc mừng."),
                    "detail");
    const char *phone = text_trim(a, in->recipient_phone ? in->recipient_phone : "");
    const char *email = text_trim(a, in->recipient_email ? in->recipient_email : "");
    out->phone = *phone ? dossier_check_phone(a, phone, "recipient_phone", e) : "";
    if (!out->phone) return -1;
    out->email = *email ? dossier_check_email(a, email, "recipient_email", e) : "";
    if (!out->email) return -1;
    const char *date = text_trim(a, in->event_date ? in->event_date : "");
    out->event_date = "";
    if (*date) {
        cal_day day;
        if (!cal_parse_typed_date(date, &day)) return fail(e, 400, N_("Ngày của sự kiện phải có dạng ngày/tháng/năm."), "event_date");
        char iso[11];
        cal_format(day, iso);
        out->event_date = arena_strdup(a, iso);
    }
    const char *cer = text_trim(a, in->ceremony_at ? in->ceremony_at : "");
    out->ceremony_at = 0;
    if (*cer && !cal_parse_typed_time(cer, &out->ceremony_at))
        return fail(e, 400, N_("Giờ trao thư phải có dạng ngày và giờ, ví dụ 25/11/2026 09:00."), "ceremony_at");
    if (*out->signer && !*out->signer_title)
        return fail(e, 400, N_("Ghi chức vụ của người ký (ví dụ Chủ tịch UBND phường)."), "signer_title");
    if (!*out->signer) account_unit_head(d, a, unit_id, &out->signer, &out->signer_title);
    return 0;
}

int64_t letter_insert(db *d, arena *a, const letter_input *in, int64_t actor_id, int64_t now, err *e)
{
    const letter_occasion *occ = letter_occasion_find(in->occasion);
    if (!occ || !occ->staff_written) return fail(e, 400, N_("Chọn loại thư."), "occasion");
    checked_input c;
    if (check_input(d, a, in->unit_id, occ, in, &c, e)) return -1;
    dossier_brief b = {0};
    const char *code = text_trim(a, in->dossier_code ? in->dossier_code : "");
    if (*code) {
        int64_t did = dossier_id_by_code(d, code);
        if (did < 0 || !dossier_brief_get(d, a, did, &b) || b.unit_id != in->unit_id)
            return fail(e, 400, N_("Không tìm thấy hồ sơ có mã này ở đơn vị."), "dossier_code");
        bool personal = !strcmp(occ->kind, "congratulation") || !strcmp(occ->kind, "condolence");
        if (personal && !b.letters_ok)
            return fail(e, 409, N_("Người nộp hồ sơ này đã chọn không nhận thư chúc mừng, thư chia buồn."), "dossier_code");
    }
    /* a congratulation or condolence for a dossier is that dossier's event letter, whether
     * the result proposed it or staff wrote it: one per dossier and kind */
    bool event = b.id && (!strcmp(occ->kind, "congratulation") || !strcmp(occ->kind, "condolence"));
    proposal p = {.unit_id = in->unit_id, .kind = occ->kind, .occasion = occ->key,
                  .source = event ? "dossier" : "manual", .source_id = event ? b.id : 0, .dossier_id = b.id,
                  .code = b.code, .procedure = b.procedure_name, .received_at = b.received_at, .name = c.name,
                  .address = c.address, .phone = c.phone, .email = c.email, .person = c.person,
                  .event_date = c.event_date, .detail = c.detail, .signer = c.signer, .signer_title = c.signer_title,
                  .ceremony_at = c.ceremony_at, .actor_id = actor_id, .at = now,
                  /* unless typed, the dossier's applicant as recorded at intake */
                  .recipient_sex = c.recipient_sex && *c.recipient_sex ? c.recipient_sex : b.applicant_sex,
                  .person_sex = c.person_sex};
    int64_t id = insert_letter(d, a, &p, e);
    if (id == 0)
        return fail(e, 409, N_("Hồ sơ này đã có thư cùng loại; mở thư đó để sửa hoặc trao."), "dossier_code");
    return id;
}

/* What a letter's write needs and what it gives back. */
typedef struct {
    arena *a;
    int64_t id, actor_id, now, unit_id;
    const letter_input *in;     /* letter_create */
    const checked_input *c;     /* letter_update */
    const letter_delivery *dl;  /* letter_deliver */
    const char *method, *why;
    int64_t at, days;
    int64_t *out_id;
} letter_tx;

static int create_write(db *c, void *ctx, err *e)
{
    letter_tx *t = ctx;
    const letter_input *in = t->in;
    *t->out_id = letter_insert(c, t->a, in, t->actor_id, t->now, e);
    if (*t->out_id < 0) return -1;
    if (audit_append(c, t->now, t->actor_id, in->unit_id, "letter.create", "letter", *t->out_id,
                     json_pack("{s:s, s:s}", "occasion", in->occasion, "recipient", in->recipient_name))) {
        err_set(e, 500, N_("Không lưu được thư, xin thử lại."), "letter create: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int letter_create(db *d, arena *a, const letter_input *in, int64_t actor_id, int64_t now, int64_t *id, err *e)
{
    letter_tx t = {.a = a, .in = in, .actor_id = actor_id, .now = now, .out_id = id};
    if (db_write(d, create_write, &t, e) == 0) return 0;
    *id = -1;
    return -1;
}

/* Inside a write: checks that letter id exists and is still proposed. */
static int on_proposed(db *c, int64_t id, int64_t *unit_id, char occasion[32], err *e)
{
    db_stmt *s = db_prepare(c, "SELECT unit_id, occasion, status FROM letters WHERE id = ?");
    db_bind_int(s, 1, id);
    int rc = db_step(s);
    const char *bad = rc != DB_ROW ? N_("Không tìm thấy thư.") : NULL;
    if (!bad && strcmp(db_col_text(s, 2), "proposed")) bad = N_("Thư đã trao hoặc đã hủy, không thể thay đổi.");
    if (!bad) {
        *unit_id = db_col_int(s, 0);
        snprintf(occasion, 32, "%s", db_col_text(s, 1));
    }
    db_done(s);
    if (bad) return fail(e, rc != DB_ROW ? 404 : 409, bad, NULL);
    return 0;
}

/* The audit row that ends a letter's write. */
static int audited(db *c, int64_t now, int64_t actor_id, int64_t unit_id, const char *action, int64_t id,
                   json_t *detail, err *e)
{
    if (audit_append(c, now, actor_id, unit_id, action, "letter", id, detail)) {
        err_set(e, 500, N_("Không lưu được thư, xin thử lại."), "%s: %s", action, db_errmsg(c));
        return -1;
    }
    return 0;
}

static int update_write(db *c, void *ctx, err *e)
{
    letter_tx *t = ctx;
    const checked_input *v = t->c;
    int64_t unit_id, id = t->id, now = t->now;
    char occ_key[32];
    if (on_proposed(c, id, &unit_id, occ_key, e)) return -1;
    db_stmt *s = db_prepare(c, "UPDATE letters SET recipient_name = ?, recipient_key = ?, recipient_address = ?, "
                               "recipient_phone = ?, recipient_email = ?, person = ?, event_date = ?, detail = ?, "
                               "signer_name = ?, signer_title = ?, ceremony_at = ?, delivery_method = ?, updated_at = ?, "
                               "event_at = COALESCE(?, event_at), recipient_sex = COALESCE(?, recipient_sex), "
                               "person_sex = COALESCE(?, person_sex) WHERE id = ?");
    int i = 1;
    db_bind_text(s, i++, v->name);
    db_bind_text(s, i++, text_fold(t->a, v->name));
    db_bind_text(s, i++, v->address);
    db_bind_text(s, i++, v->phone);
    db_bind_text(s, i++, v->email);
    db_bind_text(s, i++, v->person);
    db_bind_text(s, i++, v->event_date);
    db_bind_text(s, i++, v->detail);
    db_bind_text(s, i++, v->signer);
    db_bind_text(s, i++, v->signer_title);
    if (v->ceremony_at) db_bind_int(s, i++, v->ceremony_at); else db_bind_null(s, i++);
    db_bind_text(s, i++, v->ceremony_at ? "ceremony" : "");
    db_bind_int(s, i++, now);
    bind_or_null(s, i++, event_instant(v->event_date, 0));   /* a day typed in now dates the event */
    if (v->recipient_sex) db_bind_text(s, i++, v->recipient_sex); else db_bind_null(s, i++);
    if (v->person_sex) db_bind_text(s, i++, v->person_sex); else db_bind_null(s, i++);
    db_bind_int(s, i++, id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, N_("Không lưu được thư, xin thử lại."), "letter update: %s", db_errmsg(c));
        return -1;
    }
    return audited(c, now, t->actor_id, unit_id, "letter.update", id, json_pack("{s:s}", "recipient", v->name), e);
}

int letter_update(db *d, arena *a, int64_t id, const letter_input *in, int64_t actor_id, int64_t now, err *e)
{
    int64_t unit_id = letter_unit_of(d, id);
    char occ_key[32] = "";
    db_stmt *q = db_prepare(d, "SELECT occasion FROM letters WHERE id = ?");
    db_bind_int(q, 1, id);
    if (db_step(q) == DB_ROW) snprintf(occ_key, sizeof occ_key, "%s", db_col_text(q, 0));
    db_done(q);
    const letter_occasion *occ = letter_occasion_find(occ_key);
    if (unit_id < 0 || !occ) return fail(e, 404, N_("Không tìm thấy thư."), NULL);
    checked_input c;
    if (check_input(d, a, unit_id, occ, in, &c, e)) return -1;
    letter_tx t = {.a = a, .id = id, .c = &c, .actor_id = actor_id, .now = now};
    return db_write(d, update_write, &t, e);
}

/* ---- delivery ----------------------------------------------------------------------------- */

/* The letter as it will be printed from now on: the template rendered with the letter's
 * values, its signer and its unit's header, as JSON text. NULL on failure. */
static char *frozen_words(db *d, arena *a, int64_t id, int64_t unit_id, const char *occasion)
{
    const char *values[LETTER_NVARS];
    letter_words tmpl;
    if (!letter_values(d, a, id, values) || letter_template_get(d, a, unit_id, occasion, &tmpl, NULL)) return NULL;
    letter_titles_fallback(values);   /* only the demo's history freezes without check_complete */
    letter_words w = letter_render_words(a, &tmpl, values);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "title", w.title, "greeting", w.greeting, "body", w.body,
                          "closing", w.closing, "signer", values[LV_SIGNER], "signer_title", values[LV_SIGNER_TITLE]);
    /* the unit as it was named that day: a renamed or merged unit reprints old letters as sent */
    if (o && !letter_unit_freeze(d, a, unit_id, o)) {
        json_decref(o);
        return NULL;
    }
    char *out = arena_json_dumps(a, o);
    json_decref(o);
    return out;
}

/* "thư chúc mừng" for "Thư chúc mừng": a label inside a sentence. */
static const char *lower_first(arena *a, const char *s)
{
    if (!*s) return s;
    char first[8];
    int n = g_unichar_to_utf8(g_unichar_tolower(g_utf8_get_char(s)), first);
    return arena_printf(a, "%.*s%s", n, first, g_utf8_next_char(s));
}

/* Sends the recipient the link to their copy through the outbox. */
static int send_electronic(db *d, arena *a, int64_t id, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT unit_id, COALESCE(dossier_id, 0), recipient_name, recipient_email, "
                               "recipient_phone, kind, token FROM letters WHERE id = ?");
    db_bind_int(s, 1, id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return fail(e, 404, N_("Không tìm thấy thư."), NULL);
    }
    notify_msg m = {.unit_id = db_col_int(s, 0), .dossier_id = db_col_int(s, 1), .event = "letter",
                    .email = arena_strdup(a, db_col_text(s, 3)), .phone = arena_strdup(a, db_col_text(s, 4)),
                    .name = arena_strdup(a, db_col_text(s, 2)),
                    .title = lower_first(a, letter_kind_label(db_col_text(s, 5))),
                    .link = arena_printf(a, "%s/thu/x/%s.pdf", public_url, db_col_text(s, 6))};
    db_done(s);
    if (text_is_blank(m.email) && text_is_blank(m.phone))
        return fail(e, 400, N_("Gửi điện tử cần thư điện tử hoặc số điện thoại của người nhận."), "method");
    return notify_enqueue(d, &m, e) < 0 ? -1 : 0;
}

/* A letter is handed over complete: a detail its wording uses (the newborn's or the
 * deceased's name, the date, what is thanked) must be filled in first, or the frozen letter
 * would keep the dots forever. */
static int check_complete(db *d, arena *a, int64_t id, int64_t unit_id, const char *occasion, err *e)
{
    static const struct {
        int var;
        const char *field, *msgid;
    } needed[] = {{LV_PERSON, "person", N_("Nhập họ tên người được nhắc đến trong thư (cháu bé, người đã mất…) trước khi trao.")},
                  {LV_EVENT_DATE, "event_date", N_("Nhập ngày của sự kiện (ngày sinh, ngày kết hôn, ngày mất) trước khi trao.")},
                  {LV_DETAIL, "detail", N_("Nhập nội dung được nhắc đến trong thư trước khi trao.")},
                  {LV_RECIPIENT_TITLE, "recipient_sex", N_("Chọn người nhận là Ông hay Bà (giới tính) trước khi trao.")},
                  {LV_PERSON_TITLE, "person_sex", N_("Chọn người được nhắc đến trong thư là Ông hay Bà (giới tính) trước khi trao.")}};
    const char *values[LETTER_NVARS];
    letter_words t;
    if (!letter_values(d, a, id, values) || letter_template_get(d, a, unit_id, occasion, &t, NULL)) return 0;
    if (text_is_blank(values[LV_SIGNER]) || text_is_blank(values[LV_SIGNER_TITLE]))
        return fail(e, 400, N_("Ghi họ tên và chức vụ người ký thư trước khi trao."), "signer_name");
    /* a blank value stands out as a marker in the rendered words, however the placeholder is spaced */
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (text_is_blank(values[needed[i].var])) values[needed[i].var] = arena_printf(a, "\x01%zu\x01", i);
    letter_words w = letter_render_words(a, &t, values);
    const char *all = arena_printf(a, "%s\n%s\n%s\n%s", w.title, w.greeting, w.body, w.closing);
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (strstr(all, arena_printf(a, "\x01%zu\x01", i))) return fail(e, 400, needed[i].msgid, needed[i].field);
    return letter_words_check_length(&w, e);   /* frozen too long, it could never be printed */
}

int letter_record_delivery(db *d, arena *a, int64_t id, int64_t unit_id, const char *occasion, const char *method,
                           int64_t at, const letter_delivery *dl, err *e)
{
    /* the date on the letter is the day it was handed over, unless staff set one */
    db_stmt *u = db_prepare(d, "UPDATE letters SET letter_date = COALESCE(letter_date, ?) WHERE id = ?");
    db_bind_int(u, 1, at);
    db_bind_int(u, 2, id);
    int urc = db_step(u);
    db_done(u);
    const char *frozen = urc == DB_DONE ? frozen_words(d, a, id, unit_id, occasion) : NULL;
    if (!frozen) {
        err_set(e, 500, N_("Không lưu được thư, xin thử lại."), "freeze letter %lld", (long long)id);
        return -1;
    }
    db_stmt *s = db_prepare(d, "UPDATE letters SET status = 'delivered', delivery_method = ?, delivered_at = ?, "
                               "delivered_by = ?, delivered_by_name = ?, delivery_note = ?, postal_tracking = ?, "
                               "frozen = ?, updated_at = ? WHERE id = ?");
    int i = 1;
    db_bind_text(s, i++, method);
    db_bind_int(s, i++, at);
    if (dl->actor_id > 0) db_bind_int(s, i++, dl->actor_id); else db_bind_null(s, i++);
    db_bind_text(s, i++, account_user_name(d, a, dl->actor_id));
    db_bind_text(s, i++, text_trim(a, dl->note ? dl->note : ""));
    db_bind_text(s, i++, strcmp(method, "post") ? "" : text_trim(a, dl->postal_tracking));
    db_bind_text(s, i++, frozen);
    db_bind_int(s, i++, dl->now);
    db_bind_int(s, i++, id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, N_("Không lưu được thư, xin thử lại."), "deliver: %s", db_errmsg(d));
        return -1;
    }
    return !strcmp(method, "electronic") ? send_electronic(d, a, id, e) : 0;
}

/* The instant of a delivery on a given day: now when it is today, else midday that day; not
 * in the future, not before the letter existed. */
static int64_t delivery_instant(const char *on, int64_t now, int64_t created_at, err *e)
{
    const char *s = on ? on : "";
    while (*s == ' ') s++;
    if (!*s) return now;
    cal_day day;
    if (!cal_parse_typed_date(s, &day)) return fail(e, 400, N_("Ngày trao thư phải có dạng ngày/tháng/năm."), "delivered_on");
    cal_day today = cal_local_day(now);
    if (day > today) return fail(e, 400, N_("Ngày trao thư không thể sau hôm nay."), "delivered_on");
    if (day < cal_local_day(created_at))
        return fail(e, 400, N_("Ngày trao thư không thể trước ngày lập thư."), "delivered_on");
    return day == today ? now : cal_instant(day, 12 * 60);
}

static int deliver_write(db *c, void *ctx, err *e)
{
    letter_tx *t = ctx;
    int64_t unit_id;
    char occasion[32];
    if (on_proposed(c, t->id, &unit_id, occasion, e)) return -1;
    if (check_complete(c, t->a, t->id, unit_id, occasion, e) ||
        letter_record_delivery(c, t->a, t->id, unit_id, occasion, t->method, t->at, t->dl, e))
        return -1;
    return audited(c, t->dl->now, t->dl->actor_id, unit_id, "letter.deliver", t->id,
                   json_pack("{s:s, s:I}", "method", t->method, "delivered_at", (json_int_t)t->at), e);
}

int letter_deliver(db *d, arena *a, int64_t id, const letter_delivery *dl, err *e)
{
    const char *method = dl->method ? dl->method : "";
    if (!*LABEL(letter_methods, method)) return fail(e, 400, N_("Chọn cách trao thư."), "method");
    if (!strcmp(method, "post") && (text_is_blank(dl->postal_tracking) || strlen(dl->postal_tracking) > 40))
        return fail(e, 400, N_("Gửi qua bưu chính cần số hiệu bưu gửi (mã vận đơn)."), "postal_tracking");
    if (dl->note && text_char_count(dl->note) > 2000) return fail(e, 400, N_("Nội dung quá dài (tối đa 2000 ký tự)."), "note");
    int64_t created = db_int_by_id(d, "SELECT created_at FROM letters WHERE id = ?", id, 0);
    int64_t at = delivery_instant(dl->delivered_on, dl->now, created, e);
    if (at < 0) return -1;
    letter_tx t = {.a = a, .id = id, .dl = dl, .method = method, .at = at};
    if (db_write(d, deliver_write, &t, e)) return -1;
    if (!strcmp(method, "electronic")) notify_wake();
    return 0;
}

static int cancel_write(db *c, void *ctx, err *e)
{
    letter_tx *t = ctx;
    int64_t unit_id;
    char occasion[32];
    if (on_proposed(c, t->id, &unit_id, occasion, e)) return -1;
    db_stmt *s = db_prepare(c, "UPDATE letters SET status = 'cancelled', cancel_reason = ?, delivery_method = '', "
                               "updated_at = ? WHERE id = ?");
    db_bind_text(s, 1, t->why);
    db_bind_int(s, 2, t->now);
    db_bind_int(s, 3, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, N_("Không lưu được thư, xin thử lại."), "cancel: %s", db_errmsg(c));
        return -1;
    }
    return audited(c, t->now, t->actor_id, unit_id, "letter.cancel", t->id, json_pack("{s:s}", "reason", t->why), e);
}

int letter_cancel(db *d, arena *a, int64_t id, const char *reason, int64_t actor_id, int64_t now, err *e)
{
    const char *why = text_trim(a, reason ? reason : "");
    if (!*why) return fail(e, 400, N_("Ghi rõ lý do hủy thư."), "reason");
    if (text_char_count(why) > 500) return fail(e, 400, N_("Nội dung quá dài (tối đa 500 ký tự)."), "reason");
    letter_tx t = {.a = a, .id = id, .why = why, .actor_id = actor_id, .now = now};
    return db_write(d, cancel_write, &t, e);
}

/* ---- the unit's limit for stale letters ---------------------------------------------------- */

int letter_stale_days(db *d, int64_t unit_id)
{
    return (int)db_int_by_id(d, "SELECT letter_stale_days FROM units WHERE id = ?", unit_id, 30);
}

static int stale_days_write(db *c, void *ctx, err *e)
{
    letter_tx *t = ctx;
    db_stmt *s = db_prepare(c, "UPDATE units SET letter_stale_days = ? WHERE id = ?");
    db_bind_int(s, 1, t->days);
    db_bind_int(s, 2, t->unit_id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || db_changes(c) != 1) return fail(e, 404, N_("Không tìm thấy đơn vị."), NULL);
    if (audit_append(c, t->now, t->actor_id, t->unit_id, "letter.stale_days", "unit", t->unit_id,
                     json_pack("{s:I}", "days", (json_int_t)t->days))) {
        err_set(e, 500, N_("Không lưu được thư, xin thử lại."), "stale days: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int letter_set_stale_days(db *d, arena *a, int64_t unit_id, const char *days, int64_t actor_id, int64_t now, err *e)
{
    int64_t n;
    if (!text_parse_uint(text_trim(a, days ? days : ""), 3660, &n) || n < 1)
        return fail(e, 400, N_("Thời hạn trao thư là số ngày từ 1 đến 3660."), "so_ngay");
    letter_tx t = {.unit_id = unit_id, .days = n, .actor_id = actor_id, .now = now};
    return db_write(d, stale_days_write, &t, e);
}

/* ---- reading ------------------------------------------------------------------------------ */

#define LETTER_COLUMNS                                                                                       \
    "l.id, l.unit_id, l.kind, l.occasion, l.status, l.source, COALESCE(l.source_id, 0), COALESCE(l.dossier_id, 0), " \
    "l.dossier_code, l.recipient_name, l.recipient_address, l.recipient_phone, l.recipient_email, l.person, "      \
    "l.event_date, l.detail, l.procedure_name, COALESCE(l.received_at, 0), COALESCE(l.old_due_at, 0), "            \
    "COALESCE(l.new_due_at, 0), l.signer_name, l.signer_title, COALESCE(l.ceremony_at, 0), l.delivery_method, "    \
    "COALESCE(l.delivered_at, 0), l.delivered_by_name, l.delivery_note, l.postal_tracking, l.cancel_reason, "      \
    "l.frozen, COALESCE(l.letter_date, 0), l.token, l.created_at, l.updated_at, u.name, u.code, "                 \
    "COALESCE(l.event_at, l.created_at), u.letter_stale_days, l.recipient_sex, l.person_sex"
#define LETTER_FROM " FROM letters l JOIN units u ON u.id = l.unit_id "

static json_t *letter_row(db_stmt *s, arena *a, bool full)
{
    int64_t id = db_col_int(s, 0);
    const char *kind = db_col_text(s, 2), *occ = db_col_text(s, 3), *status = db_col_text(s, 4);
    const letter_occasion *o = letter_occasion_find(occ);
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(id));
    json_object_set_new(j, "unit_id", json_integer(db_col_int(s, 1)));
    json_object_set_new(j, "kind", json_string(kind));
    json_object_set_new(j, "kind_label", json_string(letter_kind_label(kind)));
    json_object_set_new(j, "occasion", json_string(occ));
    json_object_set_new(j, "occasion_label", json_string(o ? o->label : ""));
    /* its age from the event: past the unit's limit a proposal is "quá hạn trao" */
    int64_t age = ((int64_t)clock_now() - db_col_int(s, 36)) / 86400, limit = db_col_int(s, 37);
    bool stale = !strcmp(status, "proposed") && (!strcmp(kind, "congratulation") || !strcmp(kind, "condolence")) &&
                 (int64_t)clock_now() - db_col_int(s, 36) > limit * 86400;
    json_object_set_new(j, "status", json_string(status));
    json_object_set_new(j, "status_label", json_string(stale ? N_("Quá hạn trao") : LABEL(STATUSES, status)));
    json_object_set_new(j, "stale", json_boolean(stale));
    json_object_set_new(j, "event_age_days", json_integer(age > 0 ? age : 0));
    json_object_set_new(j, "stale_days", json_integer(limit));
    json_object_set_new(j, "dossier_id", json_integer(db_col_int(s, 7)));
    json_object_set_new(j, "dossier_code", json_string(db_col_text(s, 8)));
    json_object_set_new(j, "recipient_name", json_string(db_col_text(s, 9)));
    json_object_set_new(j, "delivery_method", json_string(db_col_text(s, 23)));
    json_object_set_new(j, "method_label", json_string(LABEL(letter_methods, db_col_text(s, 23))));
    json_object_set_new(j, "ceremony_at", json_integer(db_col_int(s, 22)));
    json_object_set_new(j, "ceremony_text", json_string(time_text(a, db_col_int(s, 22))));
    json_object_set_new(j, "delivered_at", json_integer(db_col_int(s, 24)));
    json_object_set_new(j, "delivered_text", json_string(day_text(a, db_col_int(s, 24))));
    json_object_set_new(j, "created_at", json_integer(db_col_int(s, 32)));
    json_object_set_new(j, "created_text", json_string(day_text(a, db_col_int(s, 32))));
    json_object_set_new(j, "unit_name", json_string(db_col_text(s, 34)));
    json_object_set_new(j, "unit_code", json_string(db_col_text(s, 35)));
    json_object_set_new(j, "url", json_string(link_letter(a, id)));
    json_object_set_new(j, "pdf", json_string(link_letter_pdf(a, id)));
    if (!full) return j;
    json_object_set_new(j, "source", json_string(db_col_text(s, 5)));
    json_object_set_new(j, "source_id", json_integer(db_col_int(s, 6)));
    static const struct {
        const char *key;
        int col;
    } texts[] = {{"recipient_address", 10}, {"recipient_phone", 11}, {"recipient_email", 12}, {"person", 13},
                 {"event_date", 14},        {"detail", 15},          {"procedure_name", 16},  {"signer_name", 20},
                 {"signer_title", 21},      {"delivered_by_name", 25}, {"delivery_note", 26}, {"postal_tracking", 27},
                 {"cancel_reason", 28},     {"token", 31},           {"recipient_sex", 38},   {"person_sex", 39}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        json_object_set_new(j, texts[i].key, json_string(db_col_text(s, texts[i].col)));
    static const struct {
        const char *key;
        int col;
    } times[] = {{"received_at", 17}, {"old_due_at", 18}, {"new_due_at", 19}, {"letter_date", 30}, {"updated_at", 33}};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        json_object_set_new(j, times[i].key, json_integer(db_col_int(s, times[i].col)));
    json_object_set_new(j, "frozen", db_col_null(s, 29) ? json_null() : json_loads(db_col_text(s, 29), 0, NULL));
    /* the edit form's value, in the page's fixed format (dd/mm/yyyy HH:MM) */
    int64_t cer = db_col_int(s, 22);
    if (cer > 0) json_object_set_new(j, "ceremony_local", json_string(vn_datetime(a, cer)));
    bool proposed = !strcmp(status, "proposed");
    json_object_set_new(j, "can_edit", json_boolean(proposed));
    json_object_set_new(j, "can_deliver", json_boolean(proposed));
    bool electronic = !strcmp(status, "delivered") && !strcmp(db_col_text(s, 23), "electronic");
    json_object_set_new(j, "public_pdf", electronic ? json_string(arena_printf(a, "/thu/x/%s.pdf", db_col_text(s, 31)))
                                                    : json_null());
    return j;
}

json_t *letter_get(db *d, arena *a, int64_t id)
{
    db_stmt *s = db_prepare(d, "SELECT " LETTER_COLUMNS LETTER_FROM "WHERE l.id = ?");
    db_bind_int(s, 1, id);
    json_t *j = db_step(s) == DB_ROW ? letter_row(s, a, true) : NULL;
    db_done(s);
    return j;
}

int64_t letter_unit_of(db *d, int64_t id)
{
    return db_int_by_id(d, "SELECT unit_id FROM letters WHERE id = ?", id, -1);
}

int64_t letter_id_by_token(db *d, const char *token)
{
    if (!token || strlen(token) != 32) return -1;
    db_stmt *s = db_prepare(d, "SELECT id FROM letters WHERE token = ?");
    db_bind_text(s, 1, token);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return id;
}

/* "ngày 05 tháng 3 năm 2026" for a stored "2026-03-05"; "" for "". */
static const char *event_date_words(arena *a, const char *iso)
{
    cal_day day;
    if (!iso || !cal_parse_date(iso, &day)) return "";
    return pdoc_date(a, cal_instant(day, 12 * 60));
}

bool letter_values(db *d, arena *a, int64_t id, const char *values[LETTER_NVARS])
{
    db_stmt *s = db_prepare(d, "SELECT l.recipient_name, l.recipient_address, l.person, l.event_date, l.detail, "
                               "l.dossier_code, l.procedure_name, COALESCE(l.received_at, 0), COALESCE(l.old_due_at, 0), "
                               "COALESCE(l.new_due_at, 0), l.unit_id, l.signer_name, l.signer_title, "
                               "COALESCE(l.letter_date, 0), l.created_at, l.recipient_sex, l.person_sex" LETTER_FROM "WHERE l.id = ?");
    db_bind_int(s, 1, id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return false;
    }
    int64_t date = db_col_int(s, 13) ? db_col_int(s, 13) : (int64_t)clock_now();
    values[LV_RECIPIENT] = arena_strdup(a, db_col_text(s, 0));
    values[LV_ADDRESS] = arena_strdup(a, db_col_text(s, 1));
    values[LV_PERSON] = arena_strdup(a, db_col_text(s, 2));
    values[LV_EVENT_DATE] = event_date_words(a, db_col_text(s, 3));
    /* the wording ends its sentence itself ("Lý do: {{detail}}.") */
    char *detail = text_trim(a, db_col_text(s, 4));
    for (size_t n = strlen(detail); n && detail[n - 1] == '.'; n--) detail[n - 1] = '\0';
    values[LV_DETAIL] = detail;
    values[LV_CODE] = arena_strdup(a, db_col_text(s, 5));
    values[LV_PROCEDURE] = arena_strdup(a, db_col_text(s, 6));
    values[LV_RECEIVED] = db_col_int(s, 7) ? pdoc_date(a, db_col_int(s, 7)) : "";
    values[LV_DUE] = db_col_int(s, 8) ? pdoc_date(a, db_col_int(s, 8)) : "";
    values[LV_NEW_DUE] = db_col_int(s, 9) ? pdoc_date(a, db_col_int(s, 9)) : "";
    if (!letter_unit_words(d, a, db_col_int(s, 10), &values[LV_UNIT], &values[LV_PLACE])) values[LV_UNIT] = values[LV_PLACE] = "";
    values[LV_SIGNER] = arena_strdup(a, db_col_text(s, 11));
    values[LV_SIGNER_TITLE] = arena_strdup(a, db_col_text(s, 12));
    values[LV_DATE] = pdoc_date(a, date);
    values[LV_RECIPIENT_TITLE] = letter_title_of(db_col_text(s, 15));
    values[LV_PERSON_TITLE] = letter_title_of(db_col_text(s, 16));
    db_done(s);
    return true;
}

/* A proposed congratulation or condolence whose event is older than its unit's limit, at ?10
 * (now): "quá hạn trao", shown and printed by filter only when asked for by name. */
#define STALE "(l.status = 'proposed' AND l.kind IN ('congratulation', 'condolence') AND " \
              "COALESCE(l.event_at, l.created_at) < ?10 - u.letter_stale_days * 86400)"

/* The WHERE of a query (after QUERY_SCOPE); bind_query binds ?1..?10. The name is searched
 * literally: % and _ typed by staff are escaped (like_escape). */
#define LETTER_WHERE                                                                                     \
    "WHERE l.unit_id IN (SELECT id FROM sub) "                                                           \
    "AND (?2 = '' OR l.kind = ?2) AND (?3 = '' OR l.occasion = ?3) "                                     \
    "AND CASE WHEN " STALE " THEN ?4 = 'stale' ELSE (?4 = '' OR l.status = ?4 OR "                  \
    "(?4 = 'ceremony' AND l.status = 'proposed' AND l.ceremony_at IS NOT NULL)) END "                    \
    "AND (?5 = '' OR l.recipient_key LIKE ?5 ESCAPE '\\' OR l.dossier_code = ?6) "                                   \
    "AND (?7 = 0 OR CASE WHEN l.status = 'delivered' THEN l.delivered_at ELSE l.created_at END >= ?7) "  \
    "AND (?8 = 0 OR CASE WHEN l.status = 'delivered' THEN l.delivered_at ELSE l.created_at END < ?8) "

/* s with LIKE's wildcards (% and _) and the escape character itself escaped by a backslash. */
static const char *like_escape(arena *a, const char *s)
{
    buf b;
    buf_init(&b, a);
    for (; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\') buf_putc(&b, '\\');
        buf_putc(&b, *s);
    }
    return buf_cstr(&b);
}

static void bind_query(db_stmt *s, arena *a, const letter_query *q)
{
    const char *text = q->q ? text_trim(a, q->q) : "";
    db_bind_int(s, 1, q->unit_id);
    db_bind_text(s, 2, q->kind ? q->kind : "");
    db_bind_text(s, 3, q->occasion ? q->occasion : "");
    db_bind_text(s, 4, q->status ? q->status : "");
    db_bind_text(s, 5, *text ? arena_printf(a, "%%%s%%", like_escape(a, text_fold(a, text))) : "");
    db_bind_text(s, 6, text);
    db_bind_int(s, 7, q->from);
    db_bind_int(s, 8, q->to);
    db_bind_int(s, 9, q->unit_only);
    db_bind_int(s, 10, q->now ? q->now : (int64_t)clock_now());
}

json_t *letter_list(db *d, arena *a, const letter_query *q, int64_t *total)
{
    int limit = q->limit > 0 && q->limit <= 500 ? q->limit : 50;
    /* upcoming ceremonies soonest first; everything else newest first. Two fixed texts, the
     * limit and offset bound: the statement cache keeps one statement per text */
    bool ceremonies = q->status && !strcmp(q->status, "ceremony");
    db_stmt *s = db_prepare(d, ceremonies ? QUERY_SCOPE "SELECT " LETTER_COLUMNS LETTER_FROM LETTER_WHERE
                                                    "ORDER BY l.ceremony_at, l.id LIMIT ?11 OFFSET ?12"
                                          : QUERY_SCOPE "SELECT " LETTER_COLUMNS LETTER_FROM LETTER_WHERE
                                                    "ORDER BY l.created_at DESC, l.id DESC LIMIT ?11 OFFSET ?12");
    json_t *items = json_array();
    if (!s) return items;
    bind_query(s, a, q);
    db_bind_int(s, 11, limit);
    db_bind_int(s, 12, q->offset > 0 ? q->offset : 0);
    while (db_step(s) == DB_ROW) json_array_append_new(items, letter_row(s, a, false));
    db_done(s);
    if (total) {
        *total = 0;
        db_stmt *c = db_prepare(d, QUERY_SCOPE "SELECT COUNT(*)" LETTER_FROM LETTER_WHERE);
        if (c) {
            bind_query(c, a, q);
            *total = db_step(c) == DB_ROW ? db_col_int(c, 0) : 0;
            db_done(c);
        }
    }
    return items;
}

size_t letter_list_ids(db *d, arena *a, const letter_query *q, int64_t *ids, size_t max)
{
    db_stmt *s = db_prepare(d, QUERY_SCOPE "SELECT l.id" LETTER_FROM LETTER_WHERE "ORDER BY l.created_at, l.id LIMIT ?11");
    if (!s) return 0;
    bind_query(s, a, q);
    db_bind_int(s, 11, (int64_t)max);
    size_t n = 0;
    while (n < max && db_step(s) == DB_ROW) ids[n++] = db_col_int(s, 0);
    db_done(s);
    return n;
}

/* ---- counts ------------------------------------------------------------------------------- */

int letter_counts(db *d, int64_t unit_id, int year, int64_t out[LETTER_NKINDS][13])
{
    memset(out, 0, sizeof(int64_t) * LETTER_NKINDS * 13);
    if (db_int_by_id(d, "SELECT id FROM units WHERE id = ?", unit_id, -1) < 0 || year < 1900 || year > 9999) return -1;
    int64_t from = cal_instant(cal_from_ymd(year, 1, 1), 0), to = cal_instant(cal_from_ymd(year + 1, 1, 1), 0);
    db_stmt *s = db_prepare(d, SUBTREE "SELECT kind, delivered_at FROM letters WHERE status = 'delivered' "
                                       "AND unit_id IN (SELECT id FROM sub) AND delivered_at >= ?2 AND delivered_at < ?3");
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, from);
    db_bind_int(s, 3, to);
    while (db_step(s) == DB_ROW) {
        int k = letter_kind_index(db_col_text(s, 0));
        if (k < 0) continue;
        int y, m, dd;
        cal_to_ymd(cal_local_day(db_col_int(s, 1)), &y, &m, &dd);
        out[k][0]++;
        out[k][m]++;
    }
    db_done(s);
    return 0;
}

int letter_stale_counts(db *d, int64_t unit_id, int year, int64_t now, int64_t out[LETTER_NKINDS])
{
    memset(out, 0, sizeof(int64_t) * LETTER_NKINDS);
    if (db_int_by_id(d, "SELECT id FROM units WHERE id = ?", unit_id, -1) < 0 || year < 1900 || year > 9999) return -1;
    int64_t from = cal_instant(cal_from_ymd(year, 1, 1), 0), to = cal_instant(cal_from_ymd(year + 1, 1, 1), 0);
    /* the moment each went stale: its event plus its unit's limit, before now and in the year */
    db_stmt *s = db_prepare(d, SUBTREE "SELECT l.kind, COUNT(*) FROM letters l JOIN units u ON u.id = l.unit_id "
                                       "WHERE l.status = 'proposed' AND l.kind IN ('congratulation', 'condolence') "
                                       "AND l.unit_id IN (SELECT id FROM sub) "
                                       "AND COALESCE(l.event_at, l.created_at) + u.letter_stale_days * 86400 < ?4 "
                                       "AND COALESCE(l.event_at, l.created_at) + u.letter_stale_days * 86400 >= ?2 "
                                       "AND COALESCE(l.event_at, l.created_at) + u.letter_stale_days * 86400 < ?3 "
                                       "GROUP BY l.kind");
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, from);
    db_bind_int(s, 3, to);
    db_bind_int(s, 4, now);
    while (db_step(s) == DB_ROW) {
        int k = letter_kind_index(db_col_text(s, 0));
        if (k >= 0) out[k] = db_col_int(s, 1);
    }
    db_done(s);
    return 0;
}

json_t *letter_counts_json(db *d, arena *a, int64_t unit_id, int year)
{
    (void)a;
    int64_t c[LETTER_NKINDS][13];
    if (letter_counts(d, unit_id, year, c)) return NULL;
    json_t *unit = account_unit_get_by_id(d, unit_id);
    json_t *kinds = json_array();
    int64_t total = 0;
    for (int k = 0; k < LETTER_NKINDS; k++) {
        json_t *months = json_array();
        for (int m = 1; m <= 12; m++) json_array_append_new(months, json_integer(c[k][m]));
        json_array_append_new(kinds, json_pack("{s:s, s:s, s:I, s:o}", "kind", letter_kinds[k], "label", KIND_LABELS[k],
                                               "total", (json_int_t)c[k][0], "months", months));
        total += c[k][0];
    }
    /* proposals that went stale that year without being handed over: counted apart, never as sent */
    int64_t st[LETTER_NKINDS];
    letter_stale_counts(d, unit_id, year, (int64_t)clock_now(), st);
    json_t *stale = json_array();
    int64_t stale_total = 0;
    for (int k = 0; k < LETTER_NKINDS; k++) {
        if (strcmp(letter_kinds[k], "congratulation") && strcmp(letter_kinds[k], "condolence")) continue;
        json_array_append_new(stale, json_pack("{s:s, s:s, s:I}", "kind", letter_kinds[k], "label", KIND_LABELS[k],
                                               "total", (json_int_t)st[k]));
        stale_total += st[k];
    }
    json_t *o = json_pack("{s:i, s:s, s:s, s:o, s:I}", "year", year, "unit_code", unit ? json_string_value(json_object_get(unit, "code")) : "",
                          "unit_name", unit ? json_string_value(json_object_get(unit, "name")) : "", "kinds", kinds,
                          "total", (json_int_t)total);
    json_object_set_new(o, "stale", stale);
    json_object_set_new(o, "stale_total", json_integer(stale_total));
    json_decref(unit);
    return o;
}
