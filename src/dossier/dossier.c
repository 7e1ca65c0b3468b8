/* dossier.c -- intake and the state machine of a one-stop dossier (see dossier.h).
 *
 * Every action follows the same shape: check the form, then one write (db_write) that loads
 * the dossier row, checks that the action is allowed from its status, changes the row, and
 * appends a control-sheet step, an audit row and (where the citizen must hear of it) a
 * notification. db_write returns once that write is durable (on the server, in a commit it
 * may share with other requests' writes): that is the moment the officer is told "saved". */
#include "dossier.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../audit/audit.h"
#include "../booking/booking.h"
#include "../core/calendar.h"
#include "../core/log.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../holiday/holiday.h"
#include "../kit/links.h"
#include "../notify/notify.h"

/* ---- fixed lists ------------------------------------------------------------------------ */

static const char *const CHANNELS[][2] = {
    {"desk", N_("Trực tiếp tại Bộ phận Một cửa")},
    {"online", N_("Trực tuyến")},
    {"post", N_("Qua dịch vụ bưu chính công ích")},
    {"post_office", N_("Tại điểm bưu điện xã")},
    {"mobile", N_("Lưu động tại thôn, tổ dân phố (thứ bảy vì dân)")},
    {"home", N_("Hỗ trợ tại nhà")},
};
static const char *const RETURNS[][2] = {
    {"desk", N_("Tại Bộ phận Một cửa")},
    {"post", N_("Qua dịch vụ bưu chính công ích")},
    {"online", N_("Trực tuyến")},
};
static const char *const STATUSES[][2] = {
    {"received", N_("Đã tiếp nhận")},
    {"in_progress", N_("Đang giải quyết")},
    {"supplement", N_("Chờ bổ sung hồ sơ")},
    {"done", N_("Đã có kết quả")},
    {"returned", N_("Đã trả kết quả")},
    {"refused", N_("Từ chối giải quyết")},
    {"withdrawn", N_("Đã rút hồ sơ")},
};

static const char *label_of(const char *const list[][2], size_t n, const char *key)
{
    for (size_t i = 0; key && i < n; i++)
        if (!strcmp(list[i][0], key)) return list[i][1];
    return NULL;
}
#define LABEL(list, key) label_of(list, sizeof list / sizeof list[0], key)

const char *dossier_status_label(const char *s) { const char *l = LABEL(STATUSES, s); return l ? l : ""; }
const char *dossier_channel_label(const char *c) { const char *l = LABEL(CHANNELS, c); return l ? l : ""; }
const char *dossier_return_label(const char *m) { const char *l = LABEL(RETURNS, m); return l ? l : ""; }

/* ---- codes -------------------------------------------------------------------------------- */

static const char SECRET_ALPHABET[] = TEXT_CODE_ALPHABET;

static void make_secret(char out[7])
{
    for (int i = 0; i < 6; i++) out[i] = SECRET_ALPHABET[randombytes_uniform(sizeof SECRET_ALPHABET - 1)];
    out[6] = 0;
}

/* The next number of a per-unit counter ("D2026-11-23", "Y2026", "N2026-apology"). */
static int64_t next_counter(db *d, int64_t unit_id, const char *period)
{
    db_stmt *s = db_prepare(d, "INSERT INTO dossier_counters (unit_id, period, last) VALUES (?, ?, 1) "
                               "ON CONFLICT (unit_id, period) DO UPDATE SET last = last + 1 RETURNING last");
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, period);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return v;
}

static bool code_taken(db *d, const char *code)
{
    db_stmt *s = db_prepare(d, "SELECT 1 FROM dossiers WHERE code = ?");
    db_bind_text(s, 1, code);
    bool taken = db_step(s) == DB_ROW;
    db_done(s);
    return taken;
}

static const char *unit_agency(db *d, arena *a, int64_t unit_id)
{
    db_stmt *s = db_prepare(d, "SELECT CASE WHEN agency_code <> '' THEN agency_code ELSE code END FROM units WHERE id = ?");
    db_bind_int(s, 1, unit_id);
    const char *c = db_step(s) == DB_ROW ? arena_strdup(a, db_col_text(s, 0)) : NULL;
    db_done(s);
    return c;
}

/* ---- intake --------------------------------------------------------------------------- */

typedef struct {
    int64_t unit_id;
    char *name;
    int64_t days;      /* -1 not stated */
    int64_t fee;       /* -1 varies */
    char *papers;      /* one a line */
} proc_row;

/* The procedure, if the receiving unit offers it (its own catalogue or an ancestor's). */
static bool load_procedure(db *d, arena *a, int64_t id, int64_t unit_id, proc_row *p)
{
    unit_chain chain;
    unit_chain_of(d, unit_id, &chain);
    db_stmt *s = db_prepare(d, "SELECT unit_id, name, days, fee, papers FROM procedures WHERE id = ? AND active = 1");
    db_bind_int(s, 1, id);
    bool found = db_step(s) == DB_ROW;
    if (found) {
        p->unit_id = db_col_int(s, 0);
        p->name = arena_strdup(a, db_col_text(s, 1));
        p->days = db_col_null(s, 2) ? -1 : db_col_int(s, 2);
        p->fee = db_col_null(s, 3) ? -1 : db_col_int(s, 3);
        p->papers = arena_strdup(a, db_col_text(s, 4));
    }
    db_done(s);
    return found && unit_chain_has(&chain, p->unit_id);
}

/* How a paper was handed in, as the slip's "Loại bản" column prints it. */
static const char *paper_kind_label(const char *const *kinds, size_t i, size_t n)
{
    const char *k = kinds && i < n ? kinds[i] : NULL;
    return !k ? "" : !strcmp(k, "original") ? "Bản chính" : !strcmp(k, "copy") ? "Bản sao" : "";
}

/* The checked papers as the JSON stored with the dossier: [{"name","kind","count"}]. */
static json_t *papers_json(arena *a, const char *lines, const bool *checked, size_t nchecked, const char *const *kinds)
{
    json_t *arr = json_array();
    char *copy = arena_strdup(a, lines ? lines : ""), *save = NULL;
    size_t i = 0;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save), i++) {
        /* the same lines as the catalogue shows: trimmed, without a leading list dash */
        char *t = text_trim(a, l);
        while (*t == '-' || *t == ' ' || *t == '\t') t++;
        if (!*t) { i--; continue; }
        if (checked && (i >= nchecked || !checked[i])) continue;
        json_array_append_new(arr, json_pack("{s:s, s:s, s:i}", "name", t, "kind", paper_kind_label(kinds, i, nchecked),
                                             "count", 1));
    }
    return arr;
}

static bool valid_key(const char *const list[][2], size_t n, const char *key)
{
    return label_of(list, n, key) != NULL;
}

bool dossier_sex_ok(const char *sex)
{
    return !sex || !*sex || !strcmp(sex, "male") || !strcmp(sex, "female");
}

/* The next slot for a fault: errs[*n] while there is room, else a scratch one. */
static err *fault(err *errs, int *n, int max, err *scratch)
{
    err *f = *n < max ? &errs[*n] : scratch;
    memset(f, 0, sizeof *f);
    return f;
}

static void fault_set(err *f, int *n, const char *msgid, const char *field)
{
    err_set(f, 400, msgid, "%s", field);
    err_field(f, field);
    (*n)++;
}

/* Checks the applicant's fields, normalising phone and ID; every fault goes into errs (at
 * most max); returns how many. */
static int check_intake(arena *a, const dossier_intake *in, const char **phone, const char **idn, const char **email,
                        err *errs, int max)
{
    int n = 0;
    err scratch;
    *phone = *idn = *email = "";
    if (text_is_blank(in->applicant_name) || text_char_count(in->applicant_name) > 200)
        fault_set(fault(errs, &n, max, &scratch), &n, N_("Nhập họ và tên người nộp hồ sơ (tối đa 200 ký tự)."),
                  "applicant_name");
    const char *v;
    if (!text_is_blank(in->applicant_phone)) {
        if ((v = dossier_check_phone(a, in->applicant_phone, "applicant_phone", fault(errs, &n, max, &scratch)))) *phone = v;
        else n++;
    }
    if (!text_is_blank(in->applicant_id_number)) {
        if ((v = dossier_check_citizen_id(a, in->applicant_id_number, "applicant_id_number", fault(errs, &n, max, &scratch))))
            *idn = v;
        else n++;
    }
    if (!text_is_blank(in->applicant_email)) {
        if ((v = dossier_check_email(a, in->applicant_email, "applicant_email", fault(errs, &n, max, &scratch)))) *email = v;
        else n++;
    }
    if (!dossier_sex_ok(in->applicant_sex))
        fault_set(fault(errs, &n, max, &scratch), &n, N_("Chọn giới tính của người nộp: Nam hoặc Nữ (như trên thẻ căn cước)."),
                  "applicant_sex");
    if (text_is_blank(in->applicant_phone) && text_is_blank(in->applicant_email) && text_is_blank(in->applicant_address))
        fault_set(fault(errs, &n, max, &scratch), &n,
                  N_("Cần ít nhất một cách liên hệ với người nộp: số điện thoại, thư điện tử hoặc địa chỉ."), "applicant_phone");
    if (in->applicant_address && text_char_count(in->applicant_address) > 300)
        fault_set(fault(errs, &n, max, &scratch), &n, N_("Địa chỉ quá dài (tối đa 300 ký tự)."), "applicant_address");
    if (!in->channel || !valid_key(CHANNELS, sizeof CHANNELS / sizeof CHANNELS[0], in->channel))
        fault_set(fault(errs, &n, max, &scratch), &n, N_("Chọn hình thức nộp hồ sơ."), "channel");
    if (in->return_method && *in->return_method && !valid_key(RETURNS, sizeof RETURNS / sizeof RETURNS[0], in->return_method))
        fault_set(fault(errs, &n, max, &scratch), &n, N_("Chọn nơi nhận kết quả."), "return_method");
    if (in->sets < 0 || in->sets > 100)
        fault_set(fault(errs, &n, max, &scratch), &n, N_("Số lượng hồ sơ phải từ 1 đến 100 bộ."), "sets");
    return n;
}

int dossier_intake_faults(arena *a, const dossier_intake *in, err *errs, int max)
{
    const char *phone, *idn, *email;
    int n = check_intake(a, in, &phone, &idn, &email, errs, max);
    return n < max ? n : max;
}

static int add_step(db *d, int64_t dossier_id, const char *kind, int64_t at, int64_t from_user, int64_t to_user,
                    const char *from_name, const char *to_name, int64_t due_at, const char *note)
{
    db_stmt *s = db_prepare(d, "INSERT INTO dossier_steps (dossier_id, seq, kind, at, from_user_id, to_user_id, from_name, "
                               "to_name, due_at, note) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM dossier_steps "
                               "WHERE dossier_id = ?), ?, ?, ?, ?, ?, ?, ?, ?)");
    db_bind_int(s, 1, dossier_id);
    db_bind_int(s, 2, dossier_id);
    db_bind_text(s, 3, kind);
    db_bind_int(s, 4, at);
    if (from_user) db_bind_int(s, 5, from_user); else db_bind_null(s, 5);
    if (to_user) db_bind_int(s, 6, to_user); else db_bind_null(s, 6);
    db_bind_text(s, 7, from_name ? from_name : "");
    db_bind_text(s, 8, to_name ? to_name : "");
    if (due_at) db_bind_int(s, 9, due_at); else db_bind_null(s, 9);
    db_bind_text(s, 10, note ? note : "");
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

/* Closes the open hand-over steps of a dossier (its holder has handed on or finished). */
static int close_open_steps(db *d, int64_t dossier_id, int64_t at)
{
    db_stmt *s = db_prepare(d, "UPDATE dossier_steps SET done_at = ? WHERE dossier_id = ? AND done_at IS NULL "
                               "AND kind IN ('receive', 'handover', 'resume')");
    db_bind_int(s, 1, at);
    db_bind_int(s, 2, dossier_id);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

static const char *user_name(db *d, arena *a, int64_t user_id)
{
    return account_user_name(d, a, user_id);
}

static const char *format_day(arena *a, int64_t t)
{
    return vn_date(a, t);
}

static char public_url[256] = "http://127.0.0.1:8080";

void dossier_set_public_url(const char *url)
{
    size_t n = strlen(url);
    while (n && url[n - 1] == '/') n--;   /* links are appended with their own slash */
    snprintf(public_url, sizeof public_url, "%.*s", (int)n, url);
}

/* Queues a message to the applicant of dossier id about event (inside the transaction). */
static int notify_applicant(db *d, arena *a, int64_t id, const char *event, const char *reason, int64_t new_due,
                            err *e)
{
    db_stmt *s = db_prepare(d, "SELECT d.unit_id, d.code, d.secret, d.applicant_name, d.applicant_email, "
                               "d.applicant_phone, d.procedure_name, d.due_at, u.name FROM dossiers d "
                               "JOIN units u ON u.id = d.unit_id WHERE d.id = ?");
    db_bind_int(s, 1, id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return -1;
    }
    notify_msg m = {
        .unit_id = db_col_int(s, 0), .dossier_id = id, .event = event,
        .code = arena_strdup(a, db_col_text(s, 1)), .secret = arena_strdup(a, db_col_text(s, 2)),
        .name = arena_strdup(a, db_col_text(s, 3)), .email = arena_strdup(a, db_col_text(s, 4)),
        .phone = arena_strdup(a, db_col_text(s, 5)), .procedure = arena_strdup(a, db_col_text(s, 6)),
        .due = format_day(a, db_col_int(s, 7)), .unit = NULL,   /* the outbox says "UBND <unit>" */
        .reason = reason ? reason : "", .new_due = new_due ? format_day(a, new_due) : "",
    };
    db_done(s);
    m.link = arena_printf(a, "%s/tra-cuu?ma=%s&bm=%s", public_url, m.code, m.secret);
    m.rating_link = arena_printf(a, "%s%s&kenh=tin-nhan", public_url, link_rating(a, m.code, m.secret));
    return notify_enqueue(d, &m, e) < 0 ? -1 : 0;
}

static int64_t lookup_booking(db *d, const char *code, int64_t unit_id, err *e)
{
    booking_row b;
    if (booking_find(d, code, &b, e) != 0) {
        err_field(e, "booking_code");
        return -1;
    }
    if (b.unit_id != unit_id) {
        err_set(e, 409, N_("Lịch hẹn này thuộc đơn vị khác."), "booking unit");
        err_field(e, "booking_code");
        return -1;
    }
    return b.id;
}

/* The reserved idempotency key now names its dossier, in the dossier's own commit. */
static int record_intake_key(db *d, const char *key, int64_t dossier_id)
{
    db_stmt *s = db_prepare(d, "UPDATE intake_keys SET dossier_id = ? WHERE intake_key = ?");
    db_bind_int(s, 1, dossier_id);
    db_bind_text(s, 2, key);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

/* What the intake's write needs (checked and computed before it) and what it makes. */
typedef struct {
    arena *a;
    const dossier_intake *in;
    const char *phone, *idn, *email;   /* as check_intake normalised them */
    int64_t actor_id, due;
    const proc_row *p;
    const char *papers_text;
    dossier_created *out;
} intake_tx;

/* The intake's write: the numbers, the row, its first step, the booking, audit, receipt.
 * The counters and the booking are read here, on the writing connection, so two intakes
 * never take the same number or the same booking. */
static int intake_write(db *c, void *ctx, err *e)
{
    intake_tx *t = ctx;
    arena *a = t->a;
    const dossier_intake *in = t->in;
    const proc_row *p = t->p;
    dossier_created *out = t->out;
    int64_t booking_id = 0, actor_id = t->actor_id, due = t->due;
    if (in->booking_code && *in->booking_code && (booking_id = lookup_booking(c, in->booking_code, in->unit_id, e)) < 0)
        return -1;
    char day[11];
    cal_format(cal_local_day(in->received_at), day);
    const char *agency = unit_agency(c, a, in->unit_id);
    int64_t book = next_counter(c, in->unit_id, arena_printf(a, "Y%.4s", day)), seq = -1;
    if (!agency || book < 0) goto dberr;
    /* a unit that shares its agency code with another (older data) may find its next number
     * taken: take the one after, rather than fail every intake */
    for (int tries = 0; tries < 10000; tries++) {
        seq = next_counter(c, in->unit_id, arena_printf(a, "D%s", day));
        if (seq < 0) goto dberr;
        snprintf(out->code, sizeof out->code, "%s-%.2s%.2s%.2s-%04lld", agency, day + 2, day + 5, day + 8, (long long)seq);
        if (!code_taken(c, out->code)) break;
    }
    make_secret(out->secret);
    out->due_at = due;
    db_stmt *s = db_prepare(c,
        "INSERT INTO dossiers (code, secret, unit_id, resolving_unit_id, procedure_id, procedure_name, days, fee, "
        "applicant_name, applicant_key, applicant_phone, applicant_id_number, applicant_address, applicant_email, "
        "channel, return_method, papers, sets, status, received_at, due_at, original_due_at, officer_id, book_volume, "
        "book_seq, booking_id, letters_ok, created_at, updated_at, applicant_sex) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?) RETURNING id");
    int i = 1;
    db_bind_text(s, i++, out->code);
    db_bind_text(s, i++, out->secret);
    db_bind_int(s, i++, in->unit_id);
    db_bind_int(s, i++, in->unit_id);
    db_bind_int(s, i++, in->procedure_id);
    db_bind_text(s, i++, p->name);
    db_bind_int(s, i++, p->days);
    db_bind_int(s, i++, p->fee < 0 ? 0 : p->fee);
    db_bind_text(s, i++, in->applicant_name);
    db_bind_text(s, i++, text_fold(a, in->applicant_name));
    db_bind_text(s, i++, t->phone);
    db_bind_text(s, i++, t->idn);
    db_bind_text(s, i++, in->applicant_address ? in->applicant_address : "");
    db_bind_text(s, i++, t->email);
    db_bind_text(s, i++, in->channel);
    db_bind_text(s, i++, in->return_method && *in->return_method ? in->return_method : "desk");
    db_bind_text(s, i++, t->papers_text);
    db_bind_int(s, i++, in->sets > 0 ? in->sets : 1);
    db_bind_int(s, i++, in->received_at);
    db_bind_int(s, i++, due);
    db_bind_int(s, i++, due);
    if (actor_id) db_bind_int(s, i++, actor_id); else db_bind_null(s, i++);
    db_bind_int(s, i++, book);
    if (booking_id) db_bind_int(s, i++, booking_id); else db_bind_null(s, i++);
    db_bind_int(s, i++, in->no_letters ? 0 : 1);
    db_bind_int(s, i++, in->received_at);
    db_bind_int(s, i++, in->received_at);
    db_bind_text(s, i++, in->applicant_sex ? in->applicant_sex : "");
    out->id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    if (!out->id) goto dberr;
    const char *officer = user_name(c, a, actor_id);
    if (add_step(c, out->id, "receive", in->received_at, 0, actor_id, "", officer, due, ""))
        goto dberr;
    if (booking_id && booking_mark_used(c, booking_id, in->unit_id, out->id, e)) return -1;
    if (audit_append(c, in->received_at, actor_id, in->unit_id, "dossier.create", "dossier", out->id,
                     json_pack("{s:s, s:s, s:I}", "code", out->code, "procedure", p->name, "due_at", (json_int_t)due)))
        goto dberr;
    if (notify_applicant(c, a, out->id, "receipt", NULL, 0, e)) return -1;
    if (in->intake_key && record_intake_key(c, in->intake_key, out->id)) goto dberr;
    return 0;
dberr:
    err_set(e, 500, N_("Không lưu được hồ sơ, xin thử lại."), "intake: %s", db_errmsg(c));
    return -1;
}

int dossier_create(db *d, arena *a, const dossier_intake *in, int64_t actor_id, dossier_created *out, err *e)
{
    intake_tx t = {.a = a, .in = in, .actor_id = actor_id, .out = out};
    if (check_intake(a, in, &t.phone, &t.idn, &t.email, e, 1)) return -1;
    proc_row p;
    if (!load_procedure(d, a, in->procedure_id, in->unit_id, &p)) {
        err_set(e, 400, N_("Chọn một thủ tục có trong danh mục của đơn vị."), "procedure %lld", (long long)in->procedure_id);
        err_field(e, "procedure_id");
        return -1;
    }
    if (p.days < 0) {
        err_set(e, 400, N_("Thủ tục này chưa có thời hạn giải quyết trong danh mục; cần bổ sung thời hạn trước khi tiếp nhận."),
                "procedure without days");
        err_field(e, "procedure_id");
        return -1;
    }
    const calendar *cal = holiday_calendar(d, e);
    if (!cal) return -1;
    cal_unit cu = holiday_unit(d, in->unit_id);
    t.p = &p;
    t.due = calendar_due_at(cal, &cu, in->received_at, (int)p.days);
    json_t *papers = papers_json(a, p.papers, in->papers_checked, in->npapers_checked, in->papers_kind);
    const char *papers_text = arena_json_dumps(a, papers);
    json_decref(papers);
    t.papers_text = papers_text;
    int rc = db_write(d, intake_write, &t, e);
    if (rc) {
        out->id = 0;
        return -1;
    }
    notify_wake();   /* the receipt goes out now, not at the next poll */
    return 0;
}

/* ---- listeners --------------------------------------------------------------------------- */

#define MAX_LISTENERS 4
static dossier_event_fn listeners[MAX_LISTENERS];
static int nlisteners;

void dossier_listen(dossier_event_fn fn)
{
    for (int i = 0; i < nlisteners; i++)
        if (listeners[i] == fn) return;
    if (nlisteners < MAX_LISTENERS) listeners[nlisteners++] = fn;
}

/* Inside the action's transaction: a listener's failure rolls the action back, so a letter
 * exists exactly when its event does. */
static int tell_listeners(db *d, arena *a, const dossier_event *ev, err *e)
{
    for (int i = 0; i < nlisteners; i++)
        if (listeners[i](d, a, ev, e)) {
            if (!e->status) err_set(e, 500, N_("Không lưu được thay đổi, xin thử lại."), "listener for %s", ev->kind);
            return -1;
        }
    return 0;
}

int dossier_replay(db *d, arena *a, int64_t since, dossier_event_fn fn, err *e)
{
    /* results in the order they happened, then apologies: what a listener would have seen */
    db_stmt *s = db_prepare(d, "SELECT 'done', st.dossier_id, 0, st.from_user_id, st.at FROM dossier_steps st "
                               "WHERE st.kind = 'done' AND st.at >= ?1 "
                               "UNION ALL SELECT 'apology', n.dossier_id, n.id, n.user_id, n.at FROM dossier_notices n "
                               "WHERE n.kind = 'apology' AND n.at >= ?1 ORDER BY 5, 2");
    db_bind_int(s, 1, since);
    int told = 0, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        dossier_event ev = {strcmp(db_col_text(s, 0), "done") ? "apology" : "done", db_col_int(s, 1), db_col_int(s, 2),
                            db_col_int(s, 3), db_col_int(s, 4)};
        if (fn(d, a, &ev, e)) {
            db_done(s);
            return -1;
        }
        told++;
    }
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, N_("Không đọc được dữ liệu hồ sơ."), "replay: %s", db_errmsg(d));
        return -1;
    }
    return told;
}

/* ---- the state machine ------------------------------------------------------------------ */

typedef struct {
    int64_t id, unit_id, resolving_unit_id, assignee_id, received_at, due_at, paused_at, days;
    int64_t supplement_count, apology_count, fee;
    char status[16];
} dossier_row;

static int load_row(db *d, int64_t id, dossier_row *r, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT id, unit_id, resolving_unit_id, COALESCE(assignee_id, 0), received_at, due_at, "
                               "COALESCE(paused_at, 0), days, supplement_count, apology_count, fee, status "
                               "FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        int64_t *f[] = {&r->id, &r->unit_id, &r->resolving_unit_id, &r->assignee_id, &r->received_at, &r->due_at,
                        &r->paused_at, &r->days, &r->supplement_count, &r->apology_count, &r->fee};
        for (int i = 0; i < 11; i++) *f[i] = db_col_int(s, i);
        snprintf(r->status, sizeof r->status, "%s", db_col_text(s, 11));
    }
    db_done(s);
    if (rc != DB_ROW) {
        err_set(e, 404, N_("Không tìm thấy hồ sơ."), "dossier %lld", (long long)id);
        return -1;
    }
    return 0;
}

static bool status_in(const char *status, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(status, *list)) return true;
    return false;
}

static const char *const OPEN[] = {"received", "in_progress", NULL};

/* The unit of an active user who works dossiers (officer, specialist, leader); -1 otherwise. */
static int64_t desk_user_unit(db *d, int64_t user_id)
{
    return db_int_by_id(d, "SELECT unit_id FROM users WHERE id = ? AND active = 1 AND role IN ('officer', 'specialist', "
                           "'leader')", user_id, -1);
}

/* Who may move a dossier on: its holder, or the desk and the leaders (who oversee the flow);
 * a specialist may not take over a colleague's dossier. */
static bool may_act(db *d, const dossier_row *row, int64_t actor_id)
{
    if (!actor_id || row->assignee_id == 0 || row->assignee_id == actor_id) return true;
    db_stmt *s = db_prepare(d, "SELECT role FROM users WHERE id = ?");
    db_bind_int(s, 1, actor_id);
    bool ok = db_step(s) == DB_ROW && strcmp(db_col_text(s, 0), "specialist") != 0;
    db_done(s);
    return ok;
}

/* One action of the state machine as a write (db_write): load the row, check the action is
 * allowed from its status (and, for the flow, by this actor), make the action's own change,
 * append the audit row. All of it reads and writes on the connection the write runs on, so
 * the status checked is the status changed. The checks of the form come before, outside. */
typedef struct action_tx action_tx;
struct action_tx {
    arena *a;
    int64_t id;
    const dossier_action *act;
    const char *const *allowed;   /* the statuses the action starts from */
    const char *msgid;            /* what a dossier in another status answers (409) */
    bool flow;                    /* only the holder, the desk or a leader may take it */
    int (*change)(db *c, action_tx *t, err *e);   /* the action's own checks and changes */
    dossier_row row;              /* loaded before change runs */
    const char *audit;            /* set by change: the audit action and its detail */
    json_t *detail;
    /* what the checks before the write leave for change (each action uses its own) */
    const calendar *cal;
    const char *papers_text, *person, *date, *method, *status, *kind;
    int64_t paid, visits;
    cal_day new_day;
    bool ok;
};

static int action_write(db *c, void *ctx, err *e)
{
    action_tx *t = ctx;
    if (load_row(c, t->id, &t->row, e)) return -1;
    if (!status_in(t->row.status, t->allowed)) {
        err_set(e, 409, t->msgid, "dossier %lld is %s", (long long)t->id, t->row.status);
        return -1;
    }
    if (t->flow && !may_act(c, &t->row, t->act->actor_id)) {
        err_set(e, 403, N_("Hồ sơ đang do cán bộ khác xử lý; chỉ người đang giữ hồ sơ, Bộ phận Một cửa hoặc lãnh đạo mới chuyển tiếp được."),
                "not the holder");
        return -1;
    }
    if (t->change(c, t, e)) {
        json_decref(t->detail);
        t->detail = NULL;
        return -1;
    }
    json_t *detail = t->detail;   /* audit_append takes it */
    t->detail = NULL;
    if (audit_append(c, t->act->now, t->act->actor_id, t->row.unit_id, t->audit, "dossier", t->row.id, detail)) {
        err_set(e, 500, N_("Không lưu được thay đổi, xin thử lại."), "%s: %s", t->audit, db_errmsg(c));
        return -1;
    }
    return 0;
}

/* Runs the action; once it is durable, the outbox sends what it queued. */
static int run_action(db *d, action_tx *t, err *e)
{
    if (db_write(d, action_write, t, e)) return -1;
    notify_wake();
    return 0;
}

/* A failed change: the database's error as a 500, unless a helper said better. */
static int fail_db(db *c, err *e, const char *what)
{
    if (!e || !e->status) err_set(e, 500, N_("Không lưu được thay đổi, xin thử lại."), "%s: %s", what, db_errmsg(c));
    return -1;
}

static bool blank_reason(const char *s, err *e, const char *msgid)
{
    if (!text_is_blank(s) && text_char_count(s) <= 2000) return false;
    err_set(e, 400, msgid, "reason");
    err_field(e, "reason");
    return true;
}

static int handover_change(db *c, action_tx *t, err *e)
{
    const dossier_action *act = t->act;
    const dossier_row *row = &t->row;
    /* the receiver must be active one-stop staff of the receiving or the resolving unit */
    int64_t to_unit = desk_user_unit(c, act->to_user_id);
    if (to_unit < 0 || (to_unit != row->unit_id && to_unit != row->resolving_unit_id) || act->to_user_id == act->actor_id) {
        err_set(e, 400, N_("Chọn một cán bộ khác của đơn vị để chuyển hồ sơ."), "handover to %lld", (long long)act->to_user_id);
        err_field(e, "to_user_id");
        return -1;
    }
    int64_t step_due = act->step_due_at ? act->step_due_at : row->due_at;
    if (step_due < act->now || step_due > row->due_at) {
        err_set(e, 400, N_("Hạn của bước xử lý phải sau thời điểm chuyển và không muộn hơn hạn trả kết quả của hồ sơ."),
                "step due");
        err_field(e, "step_due");
        return -1;
    }
    const char *from = user_name(c, t->a, act->actor_id), *to = user_name(c, t->a, act->to_user_id);
    db_stmt *s = db_prepare(c, "UPDATE dossiers SET status = 'in_progress', assignee_id = ?, updated_at = ? WHERE id = ?");
    db_bind_int(s, 1, act->to_user_id);
    db_bind_int(s, 2, act->now);
    db_bind_int(s, 3, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || close_open_steps(c, t->id, act->now) ||
        add_step(c, t->id, "handover", act->now, act->actor_id, act->to_user_id, from, to, step_due, act->note))
        return fail_db(c, e, "handover");
    t->audit = "dossier.handover";
    t->detail = json_pack("{s:I, s:s}", "to_user", (json_int_t)act->to_user_id, "to", to);
    return 0;
}

int dossier_handover(db *d, arena *a, int64_t id, const dossier_action *act, err *e)
{
    action_tx t = {.a = a, .id = id, .act = act, .allowed = OPEN, .flow = true, .change = handover_change,
                   .msgid = N_("Hồ sơ không ở trạng thái đang giải quyết nên không thể chuyển.")};
    return run_action(d, &t, e);
}

/* Stores a printed notice (supplement request, refusal, apology) with its yearly number;
 * returns its id. */
static int64_t add_notice(db *d, arena *a, const dossier_row *row, const char *kind, const dossier_action *act,
                          const char *papers_json_text, int64_t old_due, int64_t new_due)
{
    char day[11];
    cal_format(cal_local_day(act->now), day);
    int64_t number = next_counter(d, row->unit_id, arena_printf(a, "N%.4s-%s", day, kind));
    if (number < 0) return -1;
    db_stmt *s = db_prepare(d, "INSERT INTO dossier_notices (dossier_id, kind, number, at, user_id, reason, papers, "
                               "old_due_at, new_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    db_bind_int(s, 1, row->id);
    db_bind_text(s, 2, kind);
    db_bind_int(s, 3, number);
    db_bind_int(s, 4, act->now);
    if (act->actor_id) db_bind_int(s, 5, act->actor_id); else db_bind_null(s, 5);
    db_bind_text(s, 6, act->reason);
    db_bind_text(s, 7, papers_json_text ? papers_json_text : "[]");
    if (old_due) db_bind_int(s, 8, old_due); else db_bind_null(s, 8);
    if (new_due) db_bind_int(s, 9, new_due); else db_bind_null(s, 9);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return id;
}

static int supplement_change(db *c, action_tx *t, err *e)
{
    const dossier_action *act = t->act;
    if (act->now > t->row.due_at) {
        /* the supplement restarts the clock: a late dossier must not be redated this way */
        err_set(e, 409, N_("Hồ sơ đã quá hạn; không yêu cầu bổ sung được nữa mà phải lập phiếu xin lỗi và hẹn lại ngày trả kết quả."),
                "supplement when late");
        return -1;
    }
    if (t->row.supplement_count >= 1) {
        err_set(e, 409, N_("Hồ sơ đã được yêu cầu bổ sung một lần; theo quy định chỉ hướng dẫn bổ sung một lần."),
                "second supplement");
        return -1;
    }
    db_stmt *s = db_prepare(c, "UPDATE dossiers SET status = 'supplement', paused_at = ?, supplement_count = "
                               "supplement_count + 1, updated_at = ? WHERE id = ?");
    db_bind_int(s, 1, act->now);
    db_bind_int(s, 2, act->now);
    db_bind_int(s, 3, t->id);
    int rc = db_step(s);
    db_done(s);
    int64_t n = rc == DB_DONE ? add_notice(c, t->a, &t->row, "supplement", act, t->papers_text, 0, 0) : -1;
    if (n < 0 || close_open_steps(c, t->id, act->now) ||
        add_step(c, t->id, "supplement", act->now, act->actor_id, 0, user_name(c, t->a, act->actor_id), "", 0, act->reason) ||
        notify_applicant(c, t->a, t->id, "supplement", act->reason, 0, e))
        return fail_db(c, e, "supplement");
    t->audit = "dossier.supplement";
    t->detail = json_pack("{s:s}", "reason", act->reason);
    return 0;
}

int dossier_request_supplement(db *d, arena *a, int64_t id, const dossier_action *act, err *e)
{
    if (blank_reason(act->reason, e, N_("Ghi rõ lý do và nội dung cần bổ sung, hoàn thiện."))) return -1;
    json_t *papers = papers_json(a, act->papers, NULL, 0, NULL);
    if (!json_array_size(papers)) {
        json_decref(papers);
        err_set(e, 400, N_("Liệt kê các giấy tờ cần bổ sung, mỗi dòng một giấy tờ."), "papers");
        err_field(e, "papers");
        return -1;
    }
    const char *papers_text = arena_json_dumps(a, papers);
    json_decref(papers);
    action_tx t = {.a = a, .id = id, .act = act, .allowed = OPEN, .change = supplement_change,
                   .msgid = N_("Chỉ yêu cầu bổ sung được khi hồ sơ đang giải quyết."), .papers_text = papers_text};
    int rc = run_action(d, &t, e);
    return rc;
}

static int resume_change(db *c, action_tx *t, err *e)
{
    const dossier_action *act = t->act;
    /* the clock restarts: the full time allowed, counted from the complete dossier */
    cal_unit cu = holiday_unit(c, t->row.unit_id);
    int64_t due = calendar_due_at(t->cal, &cu, act->now, (int)t->row.days);
    db_stmt *s = db_prepare(c, "UPDATE dossiers SET status = 'in_progress', paused_at = NULL, due_at = ?, "
                               "due_soon_sent = 0, assignee_id = NULL, updated_at = ? WHERE id = ?");
    db_bind_int(s, 1, due);
    db_bind_int(s, 2, act->now);
    db_bind_int(s, 3, t->id);
    int rc = db_step(s);
    db_done(s);
    const char *who = user_name(c, t->a, act->actor_id);
    if (rc != DB_DONE || add_step(c, t->id, "resume", act->now, 0, act->actor_id, "", who, due, act->note))
        return fail_db(c, e, "resume");
    t->audit = "dossier.resume";
    t->detail = json_pack("{s:I, s:I}", "old_due_at", (json_int_t)t->row.due_at, "due_at", (json_int_t)due);
    return 0;
}

int dossier_resume(db *d, arena *a, int64_t id, const dossier_action *act, err *e)
{
    static const char *const allowed[] = {"supplement", NULL};
    const calendar *cal = holiday_calendar(d, e);
    if (!cal) return -1;
    action_tx t = {.a = a, .id = id, .act = act, .allowed = allowed, .change = resume_change,
                   .msgid = N_("Hồ sơ không chờ bổ sung."), .cal = cal};
    return run_action(d, &t, e);
}

/* The result's details as typed (dossier_action): checked, the date as "YYYY-MM-DD". */
static int check_result_details(arena *a, const dossier_action *act, const char **person, const char **date, err *e)
{
    *person = text_trim(a, act->result_person ? act->result_person : "");
    *date = "";
    if (text_char_count(*person) > 200) {
        err_set(e, 400, N_("Họ tên quá dài (tối đa 200 ký tự)."), "result person");
        err_field(e, "result_person");
        return -1;
    }
    if (!dossier_sex_ok(act->result_person_sex)) {
        err_set(e, 400, N_("Chọn giới tính: Nam hoặc Nữ."), "result sex");
        err_field(e, "result_person_sex");
        return -1;
    }
    const char *typed = text_trim(a, act->result_event_date ? act->result_event_date : "");
    if (!*typed) return 0;
    cal_day day;
    if (!cal_parse_typed_date(typed, &day) || day > cal_local_day(act->now)) {
        err_set(e, 400, N_("Ngày sinh, ngày kết hôn hoặc ngày mất phải có dạng ngày/tháng/năm và không sau hôm nay."),
                "result date");
        err_field(e, "result_event_date");
        return -1;
    }
    char iso[11];
    cal_format(day, iso);
    *date = arena_strdup(a, iso);
    return 0;
}

static int finish_change(db *c, action_tx *t, err *e)
{
    const dossier_action *act = t->act;
    /* whom the result names goes with it, so the letter it proposes can name them */
    db_stmt *s = db_prepare(c, "UPDATE dossiers SET status = 'done', done_at = ?, assignee_id = NULL, outcome_note = ?, "
                               "updated_at = ?, result_person = ?, result_person_sex = ?, result_event_date = ? "
                               "WHERE id = ?");
    db_bind_int(s, 1, act->now);
    db_bind_text(s, 2, act->note ? act->note : "");
    db_bind_int(s, 3, act->now);
    db_bind_text(s, 4, t->person);
    db_bind_text(s, 5, act->result_person_sex ? act->result_person_sex : "");
    db_bind_text(s, 6, t->date);
    db_bind_int(s, 7, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || close_open_steps(c, t->id, act->now) ||
        add_step(c, t->id, "done", act->now, act->actor_id, 0, user_name(c, t->a, act->actor_id), "", 0, act->note) ||
        notify_applicant(c, t->a, t->id, "result_ready", NULL, 0, e) ||
        tell_listeners(c, t->a, &(dossier_event){"done", t->id, 0, act->actor_id, act->now}, e))
        return fail_db(c, e, "finish");
    t->audit = "dossier.done";
    t->detail = json_pack("{s:b}", "late", act->now > t->row.due_at);
    return 0;
}

int dossier_finish(db *d, arena *a, int64_t id, const dossier_action *act, err *e)
{
    action_tx t = {.a = a, .id = id, .act = act, .allowed = OPEN, .flow = true, .change = finish_change,
                   .msgid = N_("Hồ sơ không ở trạng thái đang giải quyết.")};
    if (check_result_details(a, act, &t.person, &t.date, e)) return -1;
    return run_action(d, &t, e);
}

static int return_change(db *c, action_tx *t, err *e)
{
    const dossier_action *act = t->act;
    const char *method = t->method;
    if (t->paid != t->row.fee && text_is_blank(act->fee_note)) {
        err_set(e, 400, N_("Số tiền thu khác mức phí, lệ phí trong danh mục; phải ghi rõ lý do."), "fee %lld != %lld",
                (long long)t->paid, (long long)t->row.fee);
        err_field(e, "fee_note");
        return -1;
    }
    db_stmt *s = db_prepare(c, "UPDATE dossiers SET status = 'returned', returned_at = ?, return_method = ?, "
                               "postal_tracking = ?, fee_paid = ?, fee_note = ?, visits = ?, updated_at = ? WHERE id = ?");
    db_bind_int(s, 1, act->now);
    db_bind_text(s, 2, method);
    db_bind_text(s, 3, !strcmp(method, "post") ? act->postal_tracking : "");
    db_bind_int(s, 4, t->paid);
    db_bind_text(s, 5, act->fee_note ? act->fee_note : "");
    db_bind_int(s, 6, t->visits);
    db_bind_int(s, 7, act->now);
    db_bind_int(s, 8, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || add_step(c, t->id, "return", act->now, act->actor_id, 0, user_name(c, t->a, act->actor_id), "", 0,
                                  !strcmp(method, "post") ? act->postal_tracking : act->note))
        return fail_db(c, e, "return");
    t->audit = "dossier.return";
    t->detail = json_pack("{s:s, s:I, s:I}", "method", method, "fee_paid", (json_int_t)t->paid, "visits",
                          (json_int_t)t->visits);
    return 0;
}

int dossier_return(db *d, arena *a, int64_t id, const dossier_action *act, err *e)
{
    static const char *const allowed[] = {"done", NULL};
    const char *method = act->return_method && *act->return_method ? act->return_method : "desk";
    if (!valid_key(RETURNS, sizeof RETURNS / sizeof RETURNS[0], method)) {
        err_set(e, 400, N_("Chọn hình thức trả kết quả."), "method");
        err_field(e, "return_method");
        return -1;
    }
    if (!strcmp(method, "post") && (text_is_blank(act->postal_tracking) || strlen(act->postal_tracking) > 40)) {
        err_set(e, 400, N_("Trả qua bưu chính cần số hiệu bưu gửi (mã vận đơn)."), "postal");
        err_field(e, "postal_tracking");
        return -1;
    }
    /* trips: intake and collection at the desk; by post or online the result comes to them */
    int64_t paid = 0, visits = strcmp(method, "desk") ? 1 : 2;
    if (!text_is_blank(act->fee_paid) && !text_parse_uint(act->fee_paid, 100000000, &paid)) {
        err_set(e, 400, N_("Số tiền đã thu phải là số đồng, ví dụ 8.000."), "fee");
        err_field(e, "fee_paid");
        return -1;
    }
    if (!text_is_blank(act->visits) && (!text_parse_uint(act->visits, 50, &visits) || visits < 1)) {
        err_set(e, 400, N_("Số lần người dân phải đi lại là một số từ 1 đến 50."), "visits");
        err_field(e, "visits");
        return -1;
    }
    action_tx t = {.a = a, .id = id, .act = act, .allowed = allowed, .change = return_change,
                   .msgid = N_("Chỉ trả được hồ sơ đã có kết quả."), .method = method, .paid = paid, .visits = visits};
    return run_action(d, &t, e);
}

static int close_change(db *c, action_tx *t, err *e)
{
    const dossier_action *act = t->act;
    bool refuse = t->ok;
    /* done_at is when the dossier left the flow; the status tells a result from a refusal or a
     * withdrawal (the indicators and the register read both) */
    db_stmt *s = db_prepare(c, "UPDATE dossiers SET status = ?, outcome_note = ?, assignee_id = NULL, paused_at = NULL, "
                               "done_at = ?, updated_at = ? WHERE id = ?");
    db_bind_text(s, 1, t->status);
    db_bind_text(s, 2, act->reason);
    db_bind_int(s, 3, act->now);
    db_bind_int(s, 4, act->now);
    db_bind_int(s, 5, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || close_open_steps(c, t->id, act->now) ||
        add_notice(c, t->a, &t->row, refuse ? "refusal" : "stop", act, NULL, 0, 0) < 0 ||
        add_step(c, t->id, t->kind, act->now, act->actor_id, 0, user_name(c, t->a, act->actor_id), "", 0, act->reason) ||
        (refuse && notify_applicant(c, t->a, t->id, "refusal", act->reason, 0, e)))
        return fail_db(c, e, t->kind);
    t->audit = refuse ? "dossier.refuse" : "dossier.withdraw";
    t->detail = json_pack("{s:s}", "reason", act->reason);
    return 0;
}

static int close_dossier(db *d, arena *a, int64_t id, const dossier_action *act, const char *status, const char *kind,
                         err *e)
{
    static const char *const allowed[] = {"received", "in_progress", "supplement", NULL};
    bool refuse = !strcmp(kind, "refuse");
    if (blank_reason(act->reason, e, refuse ? N_("Ghi rõ lý do từ chối tiếp nhận, giải quyết hồ sơ.")
                                            : N_("Ghi rõ lý do rút hồ sơ (theo đề nghị của người nộp).")))
        return -1;
    action_tx t = {.a = a, .id = id, .act = act, .allowed = allowed, .change = close_change,
                   .msgid = N_("Hồ sơ đã kết thúc, không thể thay đổi."), .status = status, .kind = kind, .ok = refuse};
    return run_action(d, &t, e);
}

int dossier_refuse(db *d, arena *a, int64_t id, const dossier_action *act, err *e)
{
    return close_dossier(d, a, id, act, "refused", "refuse", e);
}

int dossier_withdraw(db *d, arena *a, int64_t id, const dossier_action *act, err *e)
{
    return close_dossier(d, a, id, act, "withdrawn", "withdraw", e);
}

bool dossier_apology_window(db *d, int64_t unit_id, int64_t due_at, int64_t now)
{
    const calendar *cal = holiday_calendar(d, NULL);
    if (!cal) return now >= due_at;
    cal_unit cu = holiday_unit(d, unit_id);
    return calendar_working_between(cal, &cu, cal_local_day(now), cal_local_day(due_at)) <= 1;
}

/* The latest new date an apology may promise: the procedure's own time limit again (at
 * least one working day), counted in the unit's working days from today (from the old
 * date when that is still ahead). A date typed in the wrong order (07/01 read as 1 July)
 * or a year too far lands beyond it. */
static cal_day apology_latest(const calendar *cal, const cal_unit *cu, int64_t now, const dossier_row *row)
{
    cal_day from = cal_local_day(now), old = cal_local_day(row->due_at);
    return calendar_due_day(cal, cu, cal_instant(old > from ? old : from, 0), row->days > 0 ? (int)row->days : 1);
}

cal_day dossier_apology_latest(db *d, int64_t id, int64_t now)
{
    dossier_row row;
    const calendar *cal = holiday_calendar(d, NULL);
    if (!cal || load_row(d, id, &row, NULL)) return -1;
    cal_unit cu = holiday_unit(d, row.unit_id);
    return apology_latest(cal, &cu, now, &row);
}

static int apology_change(db *c, action_tx *t, err *e)
{
    const dossier_action *act = t->act;
    const dossier_row *row = &t->row;
    const calendar *cal = t->cal;
    cal_day nd = t->new_day;
    cal_unit cu = holiday_unit(c, row->unit_id);
    int64_t new_due = cal_instant(nd, cu.close_minutes);
    const char *bad = NULL;
    if (new_due <= row->due_at || new_due <= act->now) bad = N_("Ngày hẹn mới phải sau ngày hẹn cũ và sau hôm nay.");
    else if (!calendar_is_working(cal, &cu, nd)) bad = N_("Ngày hẹn mới phải là ngày làm việc.");
    /* an apology is made when the dossier is late or will be: at most one working day ahead */
    else if (calendar_working_between(cal, &cu, cal_local_day(act->now), cal_local_day(row->due_at)) > 1)
        bad = N_("Hồ sơ chưa đến hạn; chỉ lập phiếu xin lỗi khi hồ sơ đã hoặc sắp quá hạn (trong vòng một ngày làm việc).");
    if (bad) {
        err_set(e, bad[0] == 'H' ? 409 : 400, bad, "apology date");
        err_field(e, "new_due_date");
        return -1;
    }
    if (nd > apology_latest(cal, &cu, act->now, row)) {   /* the page names the latest day */
        err_set(e, 400, N_("Ngày hẹn mới quá xa: quá thời hạn giải quyết của thủ tục tính lại từ hôm nay."),
                "apology date after the limit");
        err_field(e, "new_due_date");
        return -1;
    }
    db_stmt *s = db_prepare(c, "UPDATE dossiers SET due_at = ?, apology_count = apology_count + 1, due_soon_sent = 0, "
                               "updated_at = ? WHERE id = ?");
    db_bind_int(s, 1, new_due);
    db_bind_int(s, 2, act->now);
    db_bind_int(s, 3, t->id);
    int rc = db_step(s);
    db_done(s);
    int64_t notice = rc == DB_DONE ? add_notice(c, t->a, row, "apology", act, NULL, row->due_at, new_due) : -1;
    if (notice < 0 ||
        add_step(c, t->id, "apology", act->now, act->actor_id, 0, user_name(c, t->a, act->actor_id), "", new_due, act->reason) ||
        notify_applicant(c, t->a, t->id, "apology", act->reason, new_due, e) ||
        tell_listeners(c, t->a, &(dossier_event){"apology", t->id, notice, act->actor_id, act->now}, e))
        return fail_db(c, e, "apology");
    t->audit = "dossier.apology";
    t->detail = json_pack("{s:s, s:I, s:I}", "reason", act->reason, "old_due_at", (json_int_t)row->due_at,
                          "new_due_at", (json_int_t)new_due);
    return 0;
}

int dossier_apologize(db *d, arena *a, int64_t id, const dossier_action *act, err *e)
{
    if (blank_reason(act->reason, e, N_("Ghi rõ lý do chậm trả kết quả."))) return -1;
    cal_day nd;
    if (!act->new_due_date || !cal_parse_typed_date(act->new_due_date, &nd)) {
        err_set(e, 400, N_("Nhập ngày hẹn trả kết quả mới (ngày/tháng/năm)."), "new due");
        err_field(e, "new_due_date");
        return -1;
    }
    const calendar *cal = holiday_calendar(d, e);
    if (!cal) return -1;
    action_tx t = {.a = a, .id = id, .act = act, .allowed = OPEN, .change = apology_change,
                   .msgid = N_("Chỉ xin lỗi và hẹn lại được khi hồ sơ đang giải quyết."), .cal = cal, .new_day = nd};
    return run_action(d, &t, e);
}

static int letters_change(db *c, action_tx *t, err *e)
{
    const dossier_action *act = t->act;
    db_stmt *s = db_prepare(c, "UPDATE dossiers SET letters_ok = ?, updated_at = ? WHERE id = ?");
    db_bind_int(s, 1, t->ok ? 1 : 0);
    db_bind_int(s, 2, act->now);
    db_bind_int(s, 3, t->id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE ||
        (!t->ok && tell_listeners(c, t->a, &(dossier_event){"letters_declined", t->id, 0, act->actor_id, act->now}, e)))
        return fail_db(c, e, "letters");
    t->audit = "dossier.letters";
    t->detail = json_pack("{s:b}", "letters_ok", t->ok);
    return 0;
}

int dossier_set_letters_ok(db *d, arena *a, int64_t id, bool ok, const dossier_action *act, err *e)
{
    static const char *const any[] = {"received", "in_progress", "supplement", "done", "returned", "refused",
                                      "withdrawn", NULL};
    action_tx t = {.a = a, .id = id, .act = act, .allowed = any, .change = letters_change,
                   .msgid = N_("Không tìm thấy hồ sơ."), .ok = ok};
    return run_action(d, &t, e);
}

/* ---- due-soon warnings --------------------------------------------------------------- */

/* The desk (the unit's e-mail) hears of a dossier about to be late; the citizen does not
 * need a warning, the officials do. */
static int notify_desk_due_soon(db *d, arena *a, int64_t id, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT d.unit_id, d.code, d.procedure_name, d.due_at, u.name, u.email FROM dossiers d "
                               "JOIN units u ON u.id = d.unit_id WHERE d.id = ?");
    db_bind_int(s, 1, id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return -1;
    }
    notify_msg m = {
        .unit_id = db_col_int(s, 0), .dossier_id = id, .event = "due_soon",
        .code = arena_strdup(a, db_col_text(s, 1)), .procedure = arena_strdup(a, db_col_text(s, 2)),
        .due = format_day(a, db_col_int(s, 3)), .unit = NULL,
        .email = arena_strdup(a, db_col_text(s, 5)), .phone = "", .name = "", .secret = "", .reason = "", .new_due = "",
    };
    db_done(s);
    m.link = arena_printf(a, "%s/ho-so/%lld", public_url, (long long)id);
    return notify_enqueue(d, &m, e) < 0 ? -1 : 0;
}

/* One dossier's warning, in a write of its own: a failing one does not hold up the rest. */
typedef struct {
    arena *a;
    int64_t id;
    bool queued;   /* out: the desk's message is in the outbox */
} warn_tx;

static int warn_write(db *c, void *ctx, err *e)
{
    (void)e;
    warn_tx *t = ctx;
    db_stmt *u = db_prepare(c, "UPDATE dossiers SET due_soon_sent = 1 WHERE id = ? AND due_soon_sent = 0");
    db_bind_int(u, 1, t->id);
    int rc = db_step(u);
    db_done(u);
    if (rc != DB_DONE) return -1;
    err one = {0};
    /* a unit's unusable address must not stop the others' warnings: mark it warned, log it */
    if (db_changes(c) == 1 && notify_desk_due_soon(c, t->a, t->id, &one))
        log_json("warn", "due-soon warning not queued", "{s:I, s:s}", "dossier", (json_int_t)t->id, "why", one.log);
    t->queued = one.status == 0;
    return 0;
}

int dossier_warn_due_soon(db *d, arena *a, int64_t now, err *e)
{
    const calendar *cal = holiday_calendar(d, e);
    if (!cal) return -1;
    /* candidates: open, not warned, due by the end of the next working day (of any unit: the
     * longest horizon is the default calendar's, which a Tết break makes nine days long) */
    int64_t horizon = calendar_due_at(cal, &CAL_UNIT_DEFAULT, now, 2);
    db_stmt *s = db_prepare(d, "SELECT id, unit_id, due_at FROM dossiers WHERE status IN ('received', 'in_progress') "
                               "AND due_soon_sent = 0 AND due_at > ? AND due_at <= ? ORDER BY due_at LIMIT 500");
    db_bind_int(s, 1, now);
    db_bind_int(s, 2, horizon);
    int64_t ids[500];
    int n = 0;
    while (db_step(s) == DB_ROW) {
        cal_unit cu = holiday_unit(d, db_col_int(s, 1));
        if (calendar_working_between(cal, &cu, cal_local_day(now), cal_local_day(db_col_int(s, 2))) <= 1)
            ids[n++] = db_col_int(s, 0);
    }
    db_done(s);
    int queued = 0;
    for (int i = 0; i < n; i++) {
        warn_tx t = {.a = a, .id = ids[i]};
        if (db_write(d, warn_write, &t, e)) break;
        queued += t.queued;
    }
    notify_wake();
    return queued;
}
