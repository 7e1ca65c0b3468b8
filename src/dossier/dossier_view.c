/* dossier_view.c -- reading dossiers: the staff view with its control sheet, the citizen's
 * tracking view (no personal data), lists (search, inbox, late board), and the official
 * forms filled from the rows. */
#include <glib.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../account/account.h"
#include "../core/calendar.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../holiday/holiday.h"
#include "../kit/links.h"
#include "dossier.h"
#include "forms.h"

/* Members of the views, set without json_pack's format parsing (the citizen's lookup builds
 * some forty of them); keys are ASCII literals, values checked as UTF-8 by jansson. */
static void set_str(json_t *o, const char *key, const char *v)
{
    json_object_set_new_nocheck(o, key, json_string(v ? v : ""));
}

static void set_int(json_t *o, const char *key, int64_t v)
{
    json_object_set_new_nocheck(o, key, json_integer((json_int_t)v));
}

static const char *fmt_time(arena *a, int64_t t)
{
    if (!t) return "";
    return vn_time_date(a, t, ", ");
}

static bool is_open(const char *status)
{
    return !strcmp(status, "received") || !strcmp(status, "in_progress");
}

static const char *const STEP_LABELS[][2] = {
    {"receive", N_("Tiếp nhận hồ sơ")}, {"handover", N_("Chuyển xử lý")},
    {"supplement", N_("Yêu cầu bổ sung, hoàn thiện hồ sơ")}, {"resume", N_("Nhận hồ sơ đã bổ sung, tính lại thời hạn")},
    {"done", N_("Có kết quả giải quyết")}, {"return", N_("Trả kết quả")},
    {"refuse", N_("Từ chối giải quyết")}, {"withdraw", N_("Rút hồ sơ")},
    {"apology", N_("Xin lỗi và hẹn lại ngày trả kết quả")},
};

static const char *step_label(const char *kind)
{
    for (size_t i = 0; i < sizeof STEP_LABELS / sizeof STEP_LABELS[0]; i++)
        if (!strcmp(STEP_LABELS[i][0], kind)) return STEP_LABELS[i][1];
    return kind;
}

/* Before, on or after the deadline, for a finished step or dossier. */
static const char *timeliness(int64_t done, int64_t due)
{
    if (!done || !due) return "";
    if (cal_local_day(done) < cal_local_day(due)) return N_("Trước hạn");
    return done <= due ? N_("Đúng hạn") : N_("Quá hạn");
}

/* The control sheet as staff see it: each step with its officials and its timeliness (the
 * citizen's view has its own, track_load_steps, without them). */
static json_t *steps_json(db *d, arena *a, int64_t id)
{
    db_stmt *s = db_prepare(d, "SELECT seq, kind, at, from_name, to_name, COALESCE(due_at, 0), COALESCE(done_at, 0), note "
                               "FROM dossier_steps WHERE dossier_id = ? ORDER BY seq");
    db_bind_int(s, 1, id);
    json_t *arr = json_array();
    while (db_step(s) == DB_ROW) {
        const char *kind = db_col_text(s, 1);
        int64_t due = db_col_int(s, 5), done = db_col_int(s, 6);
        json_t *o = json_object();
        set_int(o, "seq", db_col_int(s, 0));
        set_str(o, "kind", kind);
        set_str(o, "kind_label", step_label(kind));
        set_int(o, "at", db_col_int(s, 2));
        set_str(o, "at_text", fmt_time(a, db_col_int(s, 2)));
        set_str(o, "due_text", fmt_time(a, due));
        set_str(o, "done_text", fmt_time(a, done));
        /* the timeliness of an internal hand-over is the officials' business, not the public's */
        json_object_set_new(o, "result_label", json_string(timeliness(done, due)));
        json_object_set_new(o, "from_name", json_string(db_col_text(s, 3)));
        json_object_set_new(o, "to_name", json_string(db_col_text(s, 4)));
        json_object_set_new(o, "note", json_string(db_col_text(s, 7)));
        json_array_append_new(arr, o);
    }
    db_done(s);
    return arr;
}

#define DOSSIER_COLUMNS                                                                                       \
    "d.id, d.code, d.secret, d.unit_id, d.procedure_id, d.procedure_name, d.days, d.fee, d.applicant_name, "    \
    "d.applicant_phone, d.applicant_id_number, d.applicant_address, d.applicant_email, d.channel, "             \
    "d.return_method, d.papers, d.sets, d.status, d.received_at, d.due_at, d.original_due_at, "                  \
    "COALESCE(d.done_at, 0), COALESCE(d.returned_at, 0), d.supplement_count, d.apology_count, "                   \
    "COALESCE(d.assignee_id, 0), COALESCE(a.full_name, ''), d.book_seq, COALESCE(d.fee_paid, -1), d.fee_note, "  \
    "COALESCE(d.visits, 0), d.postal_tracking, d.outcome_note, u.name, u.code, d.resolving_unit_id"

#define DOSSIER_FROM                                                                                          \
    " FROM dossiers d JOIN units u ON u.id = d.unit_id LEFT JOIN users a ON a.id = d.assignee_id "

/* One row of the list query as JSON (short form for lists; full adds personal data). */
static json_t *row_json(db_stmt *s, arena *a, int64_t now, bool full)
{
    const char *status = db_col_text(s, 17);
    int64_t due = db_col_int(s, 19), done = db_col_int(s, 21);
    json_t *o = json_object();
    set_int(o, "id", db_col_int(s, 0));
    set_str(o, "code", db_col_text(s, 1));
    set_str(o, "procedure_name", db_col_text(s, 5));
    set_str(o, "status", status);
    set_str(o, "status_label", dossier_status_label(status));
    set_int(o, "received_at", db_col_int(s, 18));
    set_str(o, "received_text", fmt_time(a, db_col_int(s, 18)));
    set_int(o, "due_at", due);
    set_str(o, "due_text", fmt_time(a, due));
    set_str(o, "url", link_dossier(a, db_col_int(s, 0)));
    bool late = is_open(status) && now > due;
    json_object_set_new(o, "late", json_boolean(late));
    json_object_set_new(o, "apologies", json_integer(db_col_int(s, 24)));
    json_object_set_new(o, "applicant_name", json_string(db_col_text(s, 8)));
    json_object_set_new(o, "assignee_name", json_string(db_col_text(s, 26)));
    json_object_set_new(o, "unit_name", json_string(db_col_text(s, 33)));
    json_object_set_new(o, "result_label", json_string(timeliness(done, due)));
    json_object_set_new(o, "unit_id", json_integer(db_col_int(s, 3)));
    json_object_set_new(o, "resolving_unit_id", json_integer(db_col_int(s, 35)));
    if (!full) return o;
    static const char *const text_cols[][2] = {
        {"secret", NULL}, {"applicant_phone", NULL}, {"applicant_id_number", NULL}, {"applicant_address", NULL},
        {"applicant_email", NULL}, {"channel", NULL}, {"return_method", NULL},
    };
    int idx[] = {2, 9, 10, 11, 12, 13, 14};
    for (int i = 0; i < 7; i++) json_object_set_new(o, text_cols[i][0], json_string(db_col_text(s, idx[i])));
    json_object_set_new(o, "channel_label", json_string(dossier_channel_label(db_col_text(s, 13))));
    json_object_set_new(o, "return_label", json_string(dossier_return_label(db_col_text(s, 14))));
    json_object_set_new(o, "procedure_id", json_integer(db_col_int(s, 4)));
    json_object_set_new(o, "days", json_integer(db_col_int(s, 6)));
    json_object_set_new(o, "fee", json_integer(db_col_int(s, 7)));
    json_object_set_new(o, "fee_text", json_string(text_money(a, db_col_int(s, 7))));
    json_object_set_new(o, "papers", json_loads(db_col_text(s, 15), 0, NULL));
    json_object_set_new(o, "sets", json_integer(db_col_int(s, 16)));
    json_object_set_new(o, "original_due_text", fmt_time(a, db_col_int(s, 20)) ? json_string(fmt_time(a, db_col_int(s, 20)))
                                                                                  : json_string(""));
    json_object_set_new(o, "done_text", json_string(fmt_time(a, done)));
    json_object_set_new(o, "returned_text", json_string(fmt_time(a, db_col_int(s, 22))));
    json_object_set_new(o, "supplement_count", json_integer(db_col_int(s, 23)));
    json_object_set_new(o, "assignee_id", json_integer(db_col_int(s, 25)));
    json_object_set_new(o, "book_seq", json_integer(db_col_int(s, 27)));
    int64_t paid = db_col_int(s, 28);
    json_object_set_new(o, "fee_paid_text", json_string(paid < 0 ? "" : text_money(a, paid)));
    json_object_set_new(o, "fee_note", json_string(db_col_text(s, 29)));
    json_object_set_new(o, "visits", json_integer(db_col_int(s, 30)));
    json_object_set_new(o, "postal_tracking", json_string(db_col_text(s, 31)));
    json_object_set_new(o, "outcome_note", json_string(db_col_text(s, 32)));
    json_object_set_new(o, "unit_code", json_string(db_col_text(s, 34)));
    return o;
}

json_t *dossier_get(db *d, arena *a, int64_t id, int64_t now)
{
    db_stmt *s = db_prepare(d, "SELECT " DOSSIER_COLUMNS DOSSIER_FROM "WHERE d.id = ?");
    db_bind_int(s, 1, id);
    json_t *o = db_step(s) == DB_ROW ? row_json(s, a, now, true) : NULL;
    db_done(s);
    if (!o) return NULL;
    json_object_set_new(o, "steps", steps_json(d, a, id));
    json_object_set_new(o, "letters_ok", json_boolean(db_int_by_id(d, "SELECT letters_ok FROM dossiers WHERE id = ?", id, 1)));
    const char *st = json_string_value(json_object_get(o, "status"));
    bool open = is_open(st);
    json_object_set_new(o, "can_handover", json_boolean(open));
    json_object_set_new(o, "can_supplement", json_boolean(open && json_integer_value(json_object_get(o, "supplement_count")) == 0));
    json_object_set_new(o, "can_resume", json_boolean(!strcmp(st, "supplement")));
    json_object_set_new(o, "can_finish", json_boolean(open));
    json_object_set_new(o, "can_return", json_boolean(!strcmp(st, "done")));
    json_object_set_new(o, "can_close", json_boolean(open || !strcmp(st, "supplement")));
    /* offered only when it is due: the dossier is late or due within a working day */
    json_object_set_new(o, "can_apologize",
                        json_boolean(open && dossier_apology_window(d, json_integer_value(json_object_get(o, "unit_id")),
                                                                    json_integer_value(json_object_get(o, "due_at")), now)));
    /* the printed notices, newest first, each with its PDF link */
    int64_t received_at = json_integer_value(json_object_get(o, "received_at"));
    db_stmt *n = db_prepare(d, "SELECT id, kind, number, at, reason FROM dossier_notices WHERE dossier_id = ? ORDER BY id DESC");
    db_bind_int(n, 1, id);
    json_t *notices = json_array();
    while (db_step(n) == DB_ROW) {
        const char *kind = db_col_text(n, 1);
        const char *form = !strcmp(kind, "supplement") ? "phieu-bo-sung" : !strcmp(kind, "refusal") ? "phieu-tu-choi"
                           : !strcmp(kind, "stop")     ? "thong-bao-dung"
                                                       : "phieu-xin-loi";
        /* the title of the form in force when the dossier was received (form-sets.tsv): from
         * 15/9/2025 the apology is "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết" */
        bool known = !strcmp(kind, "supplement") || !strcmp(kind, "refusal") || !strcmp(kind, "stop");
        form_version fv;
        const char *label = form_version_on(a, known ? kind : "apology", received_at, &fv) ? fv.title
                            : !strcmp(kind, "supplement") ? N_("Phiếu yêu cầu bổ sung")
                            : !strcmp(kind, "refusal")    ? N_("Phiếu từ chối")
                            : !strcmp(kind, "stop")       ? N_("Thông báo dừng giải quyết hồ sơ")
                                                          : N_("Phiếu xin lỗi");
        json_array_append_new(notices, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "kind", kind, "kind_label", label, "number",
                                                 (json_int_t)db_col_int(n, 2), "at_text", fmt_time(a, db_col_int(n, 3)),
                                                 "reason", db_col_text(n, 4), "pdf",
                                                 arena_printf(a, "%s?so=%lld", link_dossier_pdf(a, id, form),
                                                              (long long)db_col_int(n, 0))));
    }
    db_done(n);
    json_object_set_new(o, "notices", notices);
    return o;
}

int64_t dossier_unit_of(db *d, int64_t id)
{
    return db_int_by_id(d, "SELECT unit_id FROM dossiers WHERE id = ?", id, -1);
}

int64_t dossier_resolving_unit_of(db *d, int64_t id)
{
    return db_int_by_id(d, "SELECT resolving_unit_id FROM dossiers WHERE id = ?", id, -1);
}

/* ---- the citizen's next step ------------------------------------------------------------- */

/* What the citizen is to do in each state: one sentence (a msgid); the rest (papers, reason,
 * place, hours, fee) is added from the dossier, its notices, its unit and its procedure. */
static const char *const NEXT_STEPS[][2] = {
    {"received", N_("Ông/bà chưa cần làm gì. Hồ sơ đang được giải quyết; khi có kết quả, cơ quan sẽ báo cho ông/bà.")},
    {"in_progress", N_("Ông/bà chưa cần làm gì. Hồ sơ đang được giải quyết; khi có kết quả, cơ quan sẽ báo cho ông/bà.")},
    {"late", N_("Hồ sơ đã quá ngày hẹn trả. Cơ quan phải xin lỗi ông/bà bằng văn bản và hẹn lại ngày trả kết quả; ông/bà có thể hỏi tại nơi tiếp nhận hồ sơ.")},
    {"supplement", N_("Ông/bà cần nộp bổ sung các giấy tờ dưới đây tại nơi tiếp nhận hồ sơ. Thời hạn giải quyết được tính lại từ ngày nhận đủ giấy tờ.")},
    {"done:desk", N_("Đã có kết quả. Mời ông/bà đến nhận kết quả tại nơi tiếp nhận hồ sơ.")},
    {"done:post", N_("Đã có kết quả. Kết quả sẽ được gửi đến ông/bà qua dịch vụ bưu chính công ích.")},
    {"done:online", N_("Đã có kết quả. Kết quả được trả trực tuyến theo cách ông/bà đã đăng ký.")},
    {"returned", N_("Ông/bà đã nhận kết quả. Không cần làm gì thêm.")},
    {"refused", N_("Hồ sơ không được giải quyết vì lý do dưới đây. Ông/bà có thể hỏi thêm, hoặc nộp lại hồ sơ khi đủ điều kiện, tại nơi tiếp nhận hồ sơ.")},
    {"withdrawn", N_("Hồ sơ đã được rút theo đề nghị của người nộp. Không cần làm gì thêm.")},
};

static const char *next_sentence(const char *key)
{
    for (size_t i = 0; i < sizeof NEXT_STEPS / sizeof NEXT_STEPS[0]; i++)
        if (!strcmp(NEXT_STEPS[i][0], key)) return NEXT_STEPS[i][1];
    return "";
}

/* The latest notice of a kind (supplement: the papers asked for; refusal: the reason). */
static void latest_notice(db *d, int64_t id, const char *kind, json_t *next)
{
    db_stmt *s = db_prepare(d, "SELECT reason, papers FROM dossier_notices WHERE dossier_id = ? AND kind = ? "
                               "ORDER BY id DESC LIMIT 1");
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, kind);
    if (db_step(s) == DB_ROW) {
        json_object_set_new(next, "reason", json_string(db_col_text(s, 0)));
        json_t *papers = json_loads(db_col_text(s, 1), 0, NULL), *p, *names = json_array();
        size_t i;
        json_array_foreach(papers, i, p) {   /* {"name": ...} objects as the intake stores them */
            const char *name = json_is_string(p) ? json_string_value(p) : json_string_value(json_object_get(p, "name"));
            if (name && *name) json_array_append_new(names, json_string(name));
        }
        json_decref(papers);
        json_object_set_new(next, "papers", names);
    }
    db_done(s);
}

/* Where to go and when: the unit's desk, address, hours and public phone (no official's name). */
static void desk_of_unit(db *d, arena *a, int64_t unit_id, json_t *next)
{
    db_stmt *s = db_prepare(d, "SELECT name, address, phone, desk_name, desk_hours, saturday_service, saturday_hours "
                               "FROM units WHERE id = ?");
    db_bind_int(s, 1, unit_id);
    if (db_step(s) == DB_ROW) {
        const char *desk = db_col_text(s, 3);
        json_object_set_new(next, "where", json_string(*desk ? arena_printf(a, "%s, %s", desk, db_col_text(s, 0))
                                                             : db_col_text(s, 0)));
        json_object_set_new(next, "address", json_string(db_col_text(s, 1)));
        json_object_set_new(next, "phone", json_string(db_col_text(s, 2)));
        json_object_set_new(next, "hours", json_string(db_col_text(s, 4)));
        if (db_col_int(s, 5)) json_object_set_new(next, "saturday_hours", json_string(db_col_text(s, 6)));
    }
    db_done(s);
}

/* The fee as the catalogue states it: an amount, none, or the catalogue's words. */
static void fee_of_procedure(db *d, arena *a, int64_t procedure_id, int64_t dossier_fee, json_t *next)
{
    db_stmt *s = db_prepare(d, "SELECT fee, fee_text FROM procedures WHERE id = ?");
    db_bind_int(s, 1, procedure_id);
    const char *text = "";
    bool stated = true;
    if (db_step(s) == DB_ROW) {
        stated = !db_col_null(s, 0);
        text = arena_strdup(a, db_col_text(s, 1));
    }
    db_done(s);
    /* "free" only when the catalogue says nothing more: its words often carry the cases that
     * do pay (a late registration), which a bare "free" would hide */
    if (stated && dossier_fee > 0)
        json_object_set_new(next, "fee", json_string(arena_printf(a, "%s đồng", text_money(a, dossier_fee))));
    else if (stated && !*text) json_object_set_new(next, "fee_label", json_string(N_("Không mất phí, lệ phí.")));
    if (*text) json_object_set_new(next, "fee_note", json_string(text));
}

static json_t *next_step(db *d, arena *a, int64_t id, const char *status, bool late, const char *return_method,
                         int64_t unit_id, int64_t procedure_id, int64_t fee)
{
    const char *key = status;
    if (late) key = "late";
    else if (!strcmp(status, "done"))
        key = !strcmp(return_method, "post") ? "done:post" : !strcmp(return_method, "online") ? "done:online" : "done:desk";
    json_t *next = json_pack("{s:s}", "todo_label", next_sentence(key));
    bool go_to_desk = !strcmp(key, "supplement") || !strcmp(key, "done:desk") || !strcmp(key, "refused") || late;
    if (!strcmp(status, "supplement")) latest_notice(d, id, "supplement", next);
    if (!strcmp(status, "refused")) latest_notice(d, id, "refusal", next);
    if (go_to_desk) desk_of_unit(d, a, unit_id, next);
    if (!strcmp(key, "supplement") || !strcmp(key, "done:desk"))
        json_object_set_new(next, "bring_label",
                            json_string(N_("Giấy tiếp nhận hồ sơ và hẹn trả kết quả, và giấy tờ tùy thân (căn cước) của "
                                           "người nộp hoặc giấy ủy quyền của người nhận thay.")));
    if (!strncmp(key, "done", 4)) fee_of_procedure(d, a, procedure_id, fee, next);
    return next;
}

/* The citizen's view of one dossier: read once (track_load), then written either as a jansson
 * tree, the tracking page's model (dossier_track), or straight as JSON text, the API's answer
 * (dossier_track_json), which builds no tree: a tree of sixty-odd small allocations cost more
 * than the lookup's queries. The two writers give the same bytes (tests/unit/test_track.c
 * compares them on every dossier of the demo). */
typedef struct {
    int64_t seq, at;
    const char *kind, *at_text, *due_text, *done_text;
} track_step;

typedef struct {
    const char *code, *procedure_name, *status, *received_text, *due_text, *unit_name, *result_label;
    int64_t received_at, due_at, apologies;
    bool late;
    track_step *steps;
    size_t n_steps;
    json_t *next;   /* what to do next: small and varied, kept a tree */
} track_view;

/* The columns the public view needs and nothing more: no applicant, no official (not even
 * joined), so the statement decodes 14 columns instead of the desk's 36. */
#define TRACK_COLUMNS                                                                                         \
    "d.id, d.secret, d.unit_id, d.procedure_id, d.fee, d.return_method, d.code, d.procedure_name, d.status, " \
    "d.received_at, d.due_at, COALESCE(d.done_at, 0), d.apology_count, u.name"

static bool secret_matches(const char *want, const char *typed)
{
    /* compared in constant time; the secret is case-insensitive on the phone */
    char up[16] = {0};
    for (size_t i = 0; typed[i] && i < sizeof up - 1; i++)
        up[i] = (char)(typed[i] >= 'a' && typed[i] <= 'z' ? typed[i] - 32 : typed[i]);
    return strlen(want) == strlen(up) && sodium_memcmp(want, up, strlen(want)) == 0;
}

static void track_load_steps(db *d, arena *a, int64_t id, track_view *v)
{
    db_stmt *s = db_prepare(d, "SELECT seq, kind, at, COALESCE(due_at, 0), COALESCE(done_at, 0) "
                               "FROM dossier_steps WHERE dossier_id = ? ORDER BY seq");
    db_bind_int(s, 1, id);
    size_t cap = 0;
    while (db_step(s) == DB_ROW) {
        if (v->n_steps == cap) {
            cap = cap ? cap * 2 : 8;
            track_step *grown = arena_alloc(a, cap * sizeof *grown);
            if (v->n_steps) memcpy(grown, v->steps, v->n_steps * sizeof *grown);
            v->steps = grown;
        }
        track_step *t = &v->steps[v->n_steps++];
        t->seq = db_col_int(s, 0);
        t->kind = arena_strdup(a, db_col_text(s, 1));
        t->at = db_col_int(s, 2);
        t->at_text = fmt_time(a, t->at);
        t->due_text = fmt_time(a, db_col_int(s, 3));
        t->done_text = fmt_time(a, db_col_int(s, 4));
    }
    db_done(s);
}

static bool track_load(db *d, arena *a, const char *code, const char *secret, int64_t now, track_view *v)
{
    memset(v, 0, sizeof *v);
    /* dossiers_track (migration 027) holds every column read here: the row itself is not read */
    db_stmt *s = db_prepare(d, "SELECT " TRACK_COLUMNS " FROM dossiers d INDEXED BY dossiers_track "
                               "JOIN units u ON u.id = d.unit_id WHERE d.code = ?");
    db_bind_text(s, 1, code);
    if (db_step(s) != DB_ROW || !secret_matches(db_col_text(s, 1), secret)) {
        db_done(s);
        return false;
    }
    int64_t id = db_col_int(s, 0), unit_id = db_col_int(s, 2), procedure_id = db_col_int(s, 3), fee = db_col_int(s, 4);
    const char *return_method = arena_strdup(a, db_col_text(s, 5));
    int64_t done = db_col_int(s, 11);
    v->code = arena_strdup(a, db_col_text(s, 6));
    v->procedure_name = arena_strdup(a, db_col_text(s, 7));
    v->status = arena_strdup(a, db_col_text(s, 8));
    v->received_at = db_col_int(s, 9);
    v->received_text = fmt_time(a, v->received_at);
    v->due_at = db_col_int(s, 10);
    v->due_text = fmt_time(a, v->due_at);
    v->late = is_open(v->status) && now > v->due_at;
    v->apologies = db_col_int(s, 12);
    v->unit_name = arena_strdup(a, db_col_text(s, 13));
    v->result_label = timeliness(done, v->due_at);
    db_done(s);
    track_load_steps(d, a, id, v);
    v->next = next_step(d, a, id, v->status, v->late, return_method, unit_id, procedure_id, fee);
    return true;
}

/* Its three to five queries share one read snapshot, which may be the one the previous lookup
 * on this connection read (db_read_recent): the most frequent request there is saves its
 * transaction's system calls. */
static bool track_read(db *d, arena *a, const char *code, const char *secret, int64_t now, track_view *v)
{
    if (!code || !secret) return false;
    bool snapshot = db_read_recent(d) == DB_DONE;
    bool found = track_load(d, a, code, secret, now, v);
    if (snapshot) db_read_recent_done(d);
    return found;
}

/* The members in the order the desk's list rows have them, less the personal ones. */
json_t *dossier_track(db *d, arena *a, const char *code, const char *secret, int64_t now)
{
    track_view v;
    if (!track_read(d, a, code, secret, now, &v)) return NULL;
    json_t *o = json_object();
    set_str(o, "code", v.code);
    set_str(o, "procedure_name", v.procedure_name);
    set_str(o, "status", v.status);
    set_str(o, "status_label", dossier_status_label(v.status));
    set_int(o, "received_at", v.received_at);
    set_str(o, "received_text", v.received_text);
    set_int(o, "due_at", v.due_at);
    set_str(o, "due_text", v.due_text);
    json_object_set_new_nocheck(o, "late", json_boolean(v.late));
    set_int(o, "apologies", v.apologies);
    set_str(o, "unit_name", v.unit_name);
    set_str(o, "result_label", v.result_label);
    json_t *steps = json_array();
    for (size_t i = 0; i < v.n_steps; i++) {
        const track_step *t = &v.steps[i];
        json_t *st = json_object();
        set_int(st, "seq", t->seq);
        set_str(st, "kind", t->kind);
        set_str(st, "kind_label", step_label(t->kind));
        set_int(st, "at", t->at);
        set_str(st, "at_text", t->at_text);
        set_str(st, "due_text", t->due_text);
        set_str(st, "done_text", t->done_text);
        json_array_append_new(steps, st);
    }
    json_object_set_new_nocheck(o, "steps", steps);
    json_object_set_new_nocheck(o, "next", v.next);
    return o;
}

/* ,"key": before a value of the text writer (the first member has no comma) */
static void text_key(buf *b, const char *key)
{
    if (b->len && b->data[b->len - 1] != '{') buf_putc(b, ',');
    buf_json_string(b, key);
    buf_putc(b, ':');
}

static void text_str(buf *b, const char *key, const char *v)
{
    text_key(b, key);
    buf_json_string(b, v);
}

static void text_int(buf *b, const char *key, int64_t v)
{
    text_key(b, key);
    buf_printf(b, "%lld", (long long)v);
}

/* The same members as dossier_track, written as JSON text without a tree. */
const char *dossier_track_json(db *d, arena *a, const char *code, const char *secret, int64_t now)
{
    track_view v;
    if (!track_read(d, a, code, secret, now, &v)) return NULL;
    buf b;
    buf_init(&b, a);
    buf_putc(&b, '{');
    text_str(&b, "code", v.code);
    text_str(&b, "procedure_name", v.procedure_name);
    text_str(&b, "status", v.status);
    text_str(&b, "status_label", dossier_status_label(v.status));
    text_int(&b, "received_at", v.received_at);
    text_str(&b, "received_text", v.received_text);
    text_int(&b, "due_at", v.due_at);
    text_str(&b, "due_text", v.due_text);
    text_key(&b, "late");
    buf_puts(&b, v.late ? "true" : "false");
    text_int(&b, "apologies", v.apologies);
    text_str(&b, "unit_name", v.unit_name);
    text_str(&b, "result_label", v.result_label);
    text_key(&b, "steps");
    buf_putc(&b, '[');
    for (size_t i = 0; i < v.n_steps; i++) {
        const track_step *t = &v.steps[i];
        buf_puts(&b, i ? ",{" : "{");
        text_int(&b, "seq", t->seq);
        text_str(&b, "kind", t->kind);
        text_str(&b, "kind_label", step_label(t->kind));
        text_int(&b, "at", t->at);
        text_str(&b, "at_text", t->at_text);
        text_str(&b, "due_text", t->due_text);
        text_str(&b, "done_text", t->done_text);
        buf_putc(&b, '}');
    }
    buf_putc(&b, ']');
    text_key(&b, "next");
    bool ok = buf_json_value(&b, v.next);
    json_decref(v.next);
    buf_putc(&b, '}');
    return ok ? buf_cstr(&b) : NULL;
}

/* Escapes LIKE's wildcards in a folded query (ESCAPE '\\'). */
static char *like_pattern(arena *a, const char *folded)
{
    buf b;
    buf_init(&b, a);
    buf_putc(&b, '%');
    for (const char *p = folded; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\') buf_putc(&b, '\\');
        buf_putc(&b, *p);
    }
    buf_putc(&b, '%');
    return (char *)buf_cstr(&b);
}

/* The digits of a query typed as a number ("0912 345 678", "019.190"); NULL when it has
 * anything but digits, spaces, dots and hyphens. */
static const char *search_digits(arena *a, const char *s)
{
    char *out = arena_alloc(a, strlen(s) + 1), *o = out;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') *o++ = *s;
        else if (*s != ' ' && *s != '.' && *s != '-') return NULL;
    }
    *o = 0;
    return out;
}

json_t *dossier_list(db *d, arena *a, const dossier_query *q, int64_t now, int64_t *total)
{
    /* Only the filters in use go into the SQL (fixed fragments, never input), so SQLite can
     * use the index that fits: unit+status+due, assignee, or unit+received. */
    buf w;
    buf_init(&w, a);
    buf_puts(&w, "WHERE 1 = 1");
    /* a unit without units below it is its own subtree: the plain filter keeps the index */
    bool subtree = q->unit_id && q->subtree &&
                   db_int_by_id(d, "SELECT COUNT(*) FROM units WHERE parent_id = ?", q->unit_id, 0) > 0;
    /* a subtree's dossiers are those its desks received (the units resolving them are inside it
     * too, but an OR of both would not use an index over a province's million rows) */
    if (subtree) buf_puts(&w, " AND d.unit_id IN (SELECT id FROM sub)");
    else if (q->unit_id) buf_puts(&w, " AND (d.unit_id = ?1 OR d.resolving_unit_id = ?1)");
    const char *cte = subtree ? UNIT_SUBTREE_CTE("") : "";
    const char *st = q->status && *q->status ? q->status : NULL;
    if (q->assignee_id && q->desk_unit_id) {
        /* what waits on a desk officer: his own, and the desk's (not yet handed over, or back
         * from a supplement; results to hand to the citizen) */
        buf_puts(&w, " AND ((d.assignee_id = ?2 AND d.status IN ('received', 'in_progress', 'supplement')) OR "
                     "(d.assignee_id IS NULL AND d.unit_id = ?12 AND d.status IN ('received', 'in_progress', 'done')))");
        st = NULL;
    } else if (q->assignee_id) {
        buf_puts(&w, " AND d.assignee_id = ?2");
    }
    if (st && !strcmp(st, "open")) buf_puts(&w, " AND d.status IN ('received', 'in_progress', 'supplement')");
    else if (st) buf_puts(&w, " AND d.status = ?3");
    int64_t horizon = now;
    if (q->late_board) {
        /* late, or due by the end of the next working day (a Tết break is nine days long) */
        const calendar *cal = holiday_calendar(d, NULL);
        cal_unit cu = q->unit_id ? holiday_unit(d, q->unit_id) : CAL_UNIT_DEFAULT;
        horizon = cal ? calendar_due_at(cal, &cu, now, 1) : now + 4 * 86400;
        buf_puts(&w, " AND d.status IN ('received', 'in_progress') AND d.due_at <= ?4");
    }
    bool due_late = q->due && !strcmp(q->due, "late"), due_today = q->due && !strcmp(q->due, "today");
    int64_t tomorrow = cal_instant(cal_local_day(now) + 1, 0);
    if (due_late) buf_puts(&w, " AND d.status IN ('received', 'in_progress') AND d.due_at < ?13");
    if (due_today) buf_puts(&w, " AND d.status IN ('received', 'in_progress') AND d.due_at >= ?13 AND d.due_at < ?14");
    const char *qq = q->q && *q->q ? text_trim(a, q->q) : "";
    char phone[16] = "";
    char *code = NULL, *like = NULL, *code_like = NULL, *digits_like = NULL;
    if (*qq) {
        code = g_ascii_strup(qq, -1);
        like = like_pattern(a, text_fold(a, qq));
        text_phone_vn(qq, phone);
        buf_puts(&w, " AND (d.code = ?5 OR d.applicant_phone = ?6 OR d.applicant_key LIKE ?7 ESCAPE '\\'");
        /* a part of a code ("261203-0007") or of a phone or ID number ("345 678"): four
         * characters at least, so "84" is not a search of every number */
        if (strlen(qq) >= 4) {
            code_like = like_pattern(a, code);
            buf_puts(&w, " OR d.code LIKE ?10 ESCAPE '\\'");
        }
        const char *digits = search_digits(a, qq);
        if (digits && strlen(digits) >= 4) {
            digits_like = like_pattern(a, digits);
            buf_puts(&w, " OR d.applicant_phone LIKE ?11 OR d.applicant_id_number LIKE ?11");
        }
        buf_puts(&w, ")");
    }
    const char *order = q->late_board || q->assignee_id ? "d.due_at, d.id" : "d.received_at DESC, d.id DESC";
    /* over a subtree the page's ids are chosen first from the indexes alone, then only those 50
     * rows are read: sorting whole rows of a province took seconds */
    db_stmt *s = subtree ? db_prepare(d, arena_printf(a, "%sSELECT " DOSSIER_COLUMNS DOSSIER_FROM "WHERE d.id IN (SELECT d.id "
                                                         "FROM dossiers d %s ORDER BY %s LIMIT ?8 OFFSET ?9) ORDER BY %s",
                                                         cte, buf_cstr(&w), order, order))
                         : db_prepare(d, arena_printf(a, "%sSELECT " DOSSIER_COLUMNS DOSSIER_FROM "%s ORDER BY %s LIMIT ?8 OFFSET ?9",
                                                      cte, buf_cstr(&w), order));
    db_stmt *c = !total ? NULL
                 : subtree ? db_prepare(d, arena_printf(a, "%sSELECT COUNT(*) FROM dossiers d %s", cte, buf_cstr(&w)))
                           : db_prepare(d, arena_printf(a, "%sSELECT COUNT(*)" DOSSIER_FROM "%s", cte, buf_cstr(&w)));
    db_stmt *both[2] = {s, c};
    for (int k = 0; k < 2; k++) {
        db_stmt *t = both[k];
        if (!t) continue;
        if (q->unit_id) db_bind_int(t, 1, q->unit_id);
        if (q->assignee_id) db_bind_int(t, 2, q->assignee_id);
        if (st && strcmp(st, "open")) db_bind_text(t, 3, st);
        if (q->late_board) db_bind_int(t, 4, horizon);
        if (q->assignee_id && q->desk_unit_id) db_bind_int(t, 12, q->desk_unit_id);
        if (due_late || due_today) db_bind_int(t, 13, now);
        if (due_today) db_bind_int(t, 14, tomorrow);
        if (*qq) {
            db_bind_text(t, 5, code);
            db_bind_text(t, 6, *phone ? phone : "-");
            db_bind_text(t, 7, like);
            if (code_like) db_bind_text(t, 10, code_like);
            if (digits_like) db_bind_text(t, 11, digits_like);
        }
        if (k == 0) {
            db_bind_int(t, 8, q->limit > 0 ? q->limit : 50);
            db_bind_int(t, 9, q->offset);
        }
    }
    g_free(code);
    json_t *arr = json_array();
    while (db_step(s) == DB_ROW) json_array_append_new(arr, row_json(s, a, now, false));
    db_done(s);
    if (c) {
        *total = db_step(c) == DB_ROW ? db_col_int(c, 0) : 0;
        db_done(c);
    }
    return arr;
}

static int64_t count_of(db *d, arena *a, dossier_query q, int64_t now)
{
    int64_t total = 0;
    q.limit = 1;
    json_decref(dossier_list(d, a, &q, now, &total));
    return total;
}

void dossier_counts(db *d, arena *a, int64_t unit_id, int64_t user_id, bool desk_officer, bool unit_wide, int64_t now,
                    dossier_counts_t *out)
{
    /* the same queries as the pages the counters link to, so a number and its list agree */
    dossier_query inbox = {.assignee_id = user_id, .status = "open", .desk_unit_id = desk_officer ? unit_id : 0};
    out->mine = count_of(d, a, inbox, now);
    dossier_query scope = unit_wide ? (dossier_query){.unit_id = unit_id} : (dossier_query){.assignee_id = user_id};
    scope.due = "late";
    out->late = count_of(d, a, scope, now);
    scope.due = "today";
    out->due_today = count_of(d, a, scope, now);
    out->to_return = count_of(d, a, (dossier_query){.unit_id = unit_id, .status = "done"}, now);
}

/* ---- the official forms ------------------------------------------------------------------ */

static form_paper *papers_from_json(arena *a, const char *text, size_t *n)
{
    json_t *arr = json_loads(text ? text : "[]", 0, NULL);
    *n = json_is_array(arr) ? json_array_size(arr) : 0;
    form_paper *p = arena_alloc(a, (*n + 1) * sizeof *p);
    for (size_t i = 0; i < *n; i++) {
        json_t *o = json_array_get(arr, i);
        p[i].name = arena_strdup(a, json_string_value(json_object_get(o, "name")) ? json_string_value(json_object_get(o, "name")) : "");
        p[i].copy_kind = arena_strdup(a, json_string_value(json_object_get(o, "kind")) ? json_string_value(json_object_get(o, "kind")) : "");
        p[i].count = (int)json_integer_value(json_object_get(o, "count"));
    }
    json_decref(arr);
    return p;
}

static char *upper_vi(arena *a, const char *s)
{
    gchar *g = g_utf8_strup(s, -1);
    char *u = arena_strdup(a, g);
    g_free(g);
    return u;
}

/* Fills the header, applicant and procedure parts of a form from the dossier row. */
static int fill_form(db *d, arena *a, int64_t id, const char *base_url, form_dossier *f, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT d.code, d.secret, d.applicant_name, d.applicant_address, d.applicant_phone, "
                               "d.applicant_email, d.procedure_name, d.days, d.papers, d.sets, d.received_at, d.due_at, "
                               "d.return_method, d.book_volume, d.book_seq, COALESCE(o.full_name, ''), u.name, "
                               "COALESCE(p.name, ''), u.desk_name, ru.name, d.unit_id, "
                               "CASE WHEN u.desk_phone <> '' THEN u.desk_phone ELSE u.phone END, ru.kind, "
                               "COALESCE(rp.name, ''), u.kind "
                               "FROM dossiers d JOIN units u ON u.id = d.unit_id JOIN units ru ON ru.id = d.resolving_unit_id "
                               "LEFT JOIN units p ON p.id = u.parent_id LEFT JOIN units rp ON rp.id = ru.parent_id "
                               "LEFT JOIN users o ON o.id = d.officer_id "
                               "WHERE d.id = ?");
    db_bind_int(s, 1, id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        err_set(e, 404, N_("Không tìm thấy hồ sơ."), "form for %lld", (long long)id);
        return -1;
    }
    memset(f, 0, sizeof *f);
    f->code = arena_strdup(a, db_col_text(s, 0));
    f->secret = arena_strdup(a, db_col_text(s, 1));
    f->applicant_name = arena_strdup(a, db_col_text(s, 2));
    f->applicant_address = arena_strdup(a, db_col_text(s, 3));
    f->applicant_phone = arena_strdup(a, db_col_text(s, 4));
    f->applicant_email = arena_strdup(a, db_col_text(s, 5));
    f->procedure_name = arena_strdup(a, db_col_text(s, 6));
    f->procedure_days = (int)db_col_int(s, 7);
    f->papers = papers_from_json(a, db_col_text(s, 8), &f->npapers);
    f->sets = (int)db_col_int(s, 9);
    f->received_at = db_col_int(s, 10);
    f->due_at = db_col_int(s, 11);
    f->return_method = dossier_return_label(db_col_text(s, 12));
    f->book_volume = (int)db_col_int(s, 13);
    f->book_seq = (int)db_col_int(s, 14);
    f->officer_name = arena_strdup(a, db_col_text(s, 15));
    const char *unit = db_col_text(s, 16), *parent = db_col_text(s, 17);
    /* the desk's forms: the unit as parent body ("UBND PHƯỜNG …", a department by its name),
     * the desk as the issuing body; the header names come from src/print as for letters */
    pdoc_unit pu = {.name = unit, .parent_name = parent, .council = strcmp(db_col_text(s, 24), "department") != 0};
    f->unit_name = upper_vi(a, pdoc_unit_short(a, &pu));
    f->parent_body = pdoc_unit_parent(a, &pu) ? upper_vi(a, pdoc_unit_parent(a, &pu)) : "";
    f->resolver = (pdoc_unit){.name = arena_strdup(a, db_col_text(s, 19)),
                              .parent_name = arena_strdup(a, db_col_text(s, 23)),
                              .council = strcmp(db_col_text(s, 22), "department") != 0};
    f->desk_name = *db_col_text(s, 18) ? arena_strdup(a, db_col_text(s, 18)) : "Bộ phận Một cửa";
    f->resolving_body = arena_strdup(a, db_col_text(s, 19));
    f->contact_phone = arena_strdup(a, db_col_text(s, 21));
    /* the place in the date line: the unit's name without its kind ("Phường ", "Xã ") */
    f->place = pdoc_unit_place(a, &pu);
    f->issued_at = f->received_at;
    f->track_url = arena_printf(a, "%s/tra-cuu?ma=%s&bm=%s", base_url ? base_url : "", f->code, f->secret);
    f->number = arena_printf(a, "%04d/TNHS", f->book_seq);
    db_done(s);
    return 0;
}

/* The latest notice of a kind: its number, reason, papers and dates. */
static int fill_notice(db *d, arena *a, int64_t id, const char *kind, int64_t notice_id, const char *suffix,
                       form_dossier *f, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT n.number, n.at, n.reason, n.papers, COALESCE(n.new_due_at, 0), COALESCE(u.full_name, ''), "
                               "COALESCE(n.old_due_at, 0) FROM dossier_notices n LEFT JOIN users u ON u.id = n.user_id "
                               "WHERE n.dossier_id = ? AND n.kind = ? AND (? = 0 OR n.id = ?) ORDER BY n.id DESC LIMIT 1");
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, kind);
    db_bind_int(s, 3, notice_id);
    db_bind_int(s, 4, notice_id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        err_set(e, 404, N_("Hồ sơ này chưa có phiếu loại này."), "no %s notice", kind);
        return -1;
    }
    f->number = arena_printf(a, "%02lld/%s", (long long)db_col_int(s, 0), suffix);
    f->issued_at = db_col_int(s, 1);
    f->reason = arena_strdup(a, db_col_text(s, 2));
    f->missing = papers_from_json(a, db_col_text(s, 3), &f->nmissing);
    f->new_due_at = db_col_int(s, 4);
    f->contact_name = arena_strdup(a, db_col_text(s, 5));
    f->officer_name = f->contact_name;
    if (db_col_int(s, 6)) f->due_at = db_col_int(s, 6);   /* the apology names the date it breaks */
    db_done(s);
    return 0;
}

static void fill_signer(db *d, arena *a, int64_t unit_id, form_dossier *f)
{
    db_stmt *s = db_prepare(d, "SELECT name, title FROM unit_leaders WHERE unit_id = ? ORDER BY sort, id LIMIT 1");
    db_bind_int(s, 1, unit_id);
    if (db_step(s) == DB_ROW) {
        f->signer_name = arena_strdup(a, db_col_text(s, 0));
        f->signer_title = arena_strdup(a, db_col_text(s, 1));
    } else {
        f->signer_name = "";
        f->signer_title = "";   /* a council's chair by default (pdoc_signer_caption) */
    }
    db_done(s);
}

/* The body a user works for, as the control sheet names it: the desk for a one-stop officer,
 * "Công chức chuyên môn, UBND Phường …" for a specialist, "Lãnh đạo UBND Phường …" for a
 * leader; NULL when unknown (the sheet then prints the person). */
static const char *body_of(arena *a, const char *role, const char *unit, const char *desk, const char *kind)
{
    if (!*role || !*unit) return NULL;
    pdoc_unit u = {.name = unit, .council = strcmp(kind, "department") != 0};
    const char *whole = pdoc_unit_short(a, &u);
    if (!strcmp(role, "officer")) return *desk ? arena_strdup(a, desk) : "Bộ phận Một cửa";
    if (!strcmp(role, "specialist")) return arena_printf(a, "Công chức chuyên môn, %s", whole);
    if (!strcmp(role, "leader")) return arena_printf(a, "Lãnh đạo %s", whole);
    return whole;
}

static form_step *control_steps(db *d, arena *a, int64_t id, size_t *n)
{
    /* TÊN CƠ QUAN names each side's body (the desk, the unit's specialists, its leaders); the
     * people sign under Người giao / Người nhận */
    db_stmt *s = db_prepare(d, "SELECT st.from_name, st.to_name, st.at, COALESCE(st.due_at, 0), COALESCE(st.done_at, 0), "
                               "st.note, st.kind, COALESCE(fu.role, ''), COALESCE(fun.name, ''), COALESCE(fun.desk_name, ''), "
                               "COALESCE(fun.kind, ''), COALESCE(tu.role, ''), COALESCE(tun.name, ''), "
                               "COALESCE(tun.desk_name, ''), COALESCE(tun.kind, '') "
                               "FROM dossier_steps st LEFT JOIN users fu ON fu.id = st.from_user_id "
                               "LEFT JOIN units fun ON fun.id = fu.unit_id LEFT JOIN users tu ON tu.id = st.to_user_id "
                               "LEFT JOIN units tun ON tun.id = tu.unit_id WHERE st.dossier_id = ? AND st.kind IN "
                               "('receive', 'handover', 'resume', 'done', 'return') ORDER BY st.seq");
    db_bind_int(s, 1, id);
    size_t cap = 8;
    form_step *st = arena_alloc(a, cap * sizeof *st);
    *n = 0;
    while (db_step(s) == DB_ROW) {
        if (*n == cap) {
            form_step *bigger = arena_alloc(a, 2 * cap * sizeof *st);
            memcpy(bigger, st, cap * sizeof *st);
            st = bigger;
            cap *= 2;
        }
        form_step *x = &st[(*n)++];
        x->from_name = arena_strdup(a, db_col_text(s, 0));
        x->to_name = arena_strdup(a, db_col_text(s, 1));
        x->from_body = body_of(a, db_col_text(s, 7), db_col_text(s, 8), db_col_text(s, 9), db_col_text(s, 10));
        x->to_body = body_of(a, db_col_text(s, 11), db_col_text(s, 12), db_col_text(s, 13), db_col_text(s, 14));
        x->at = db_col_int(s, 2);
        x->due_at = db_col_int(s, 3);
        x->done_at = db_col_int(s, 4);
        x->note = arena_strdup(a, *db_col_text(s, 5) ? db_col_text(s, 5) : step_label(db_col_text(s, 6)));
    }
    db_done(s);
    return st;
}

int dossier_form(db *d, arena *a, int64_t id, const char *kind, int64_t notice_id, const char *base_url, buf *out,
                 err *e)
{
    form_dossier f;
    if (fill_form(d, a, id, base_url, &f, e)) return -1;
    if (!strcmp(kind, "slip")) return form_slip_pdf(&f, out, e);
    if (!strcmp(kind, "control")) {
        f.steps = control_steps(d, a, id, &f.nsteps);
        f.number = "";
        return form_control_pdf(&f, out, e);
    }
    if (!strcmp(kind, "supplement"))
        return fill_notice(d, a, id, "supplement", notice_id, "HDHS", &f, e) ? -1 : form_supplement_pdf(&f, out, e);
    if (!strcmp(kind, "refusal"))
        return fill_notice(d, a, id, "refusal", notice_id, "TCHS", &f, e) ? -1 : form_refusal_pdf(&f, out, e);
    if (!strcmp(kind, "stop"))
        return fill_notice(d, a, id, "stop", notice_id, "TB", &f, e) ? -1 : form_stop_pdf(&f, out, e);
    if (!strcmp(kind, "apology")) {
        if (fill_notice(d, a, id, "apology", notice_id, "PXL", &f, e)) return -1;
        fill_signer(d, a, dossier_resolving_unit_of(d, id), &f);
        return form_apology_pdf(&f, out, e);
    }
    err_set(e, 404, N_("Không có mẫu phiếu này."), "form kind %s", kind);
    return -1;
}

/* ---- for other features ------------------------------------------------------------------- */

bool dossier_brief_get(db *d, arena *a, int64_t id, dossier_brief *out)
{
    db_stmt *s = db_prepare(d, "SELECT id, unit_id, procedure_id, received_at, due_at, COALESCE(done_at, 0), code, status, "
                               "procedure_name, applicant_name, applicant_address, applicant_phone, applicant_email, "
                               "letters_ok, applicant_sex, result_person, result_person_sex, result_event_date FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, id);
    bool found = db_step(s) == DB_ROW;
    if (found) {
        *out = (dossier_brief){.id = db_col_int(s, 0), .unit_id = db_col_int(s, 1), .procedure_id = db_col_int(s, 2),
                               .received_at = db_col_int(s, 3), .due_at = db_col_int(s, 4), .done_at = db_col_int(s, 5),
                               .code = arena_strdup(a, db_col_text(s, 6)), .status = arena_strdup(a, db_col_text(s, 7)),
                               .procedure_name = arena_strdup(a, db_col_text(s, 8)),
                               .applicant_name = arena_strdup(a, db_col_text(s, 9)),
                               .applicant_address = arena_strdup(a, db_col_text(s, 10)),
                               .applicant_phone = arena_strdup(a, db_col_text(s, 11)),
                               .applicant_email = arena_strdup(a, db_col_text(s, 12)),
                               .letters_ok = db_col_int(s, 13) != 0,
                               .applicant_sex = arena_strdup(a, db_col_text(s, 14)),
                               .result_person = arena_strdup(a, db_col_text(s, 15)),
                               .result_person_sex = arena_strdup(a, db_col_text(s, 16)),
                               .result_event_date = arena_strdup(a, db_col_text(s, 17))};
    }
    db_done(s);
    return found;
}

int64_t dossier_id_by_code(db *d, const char *code)
{
    db_stmt *s = db_prepare(d, "SELECT id FROM dossiers WHERE code = ?");
    db_bind_text(s, 1, code ? code : "");
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return id;
}

bool dossier_handled_get(db *d, arena *a, const char *code, const char *secret, dossier_handled *out)
{
    db_stmt *s = db_prepare(d, "SELECT d.id, d.unit_id, d.procedure_id, COALESCE(d.done_at, 0), COALESCE(d.returned_at, 0), "
                               "COALESCE(o.from_user_id, 0), d.code, d.status, d.procedure_name, COALESCE(o.from_name, ''), "
                               "d.secret FROM dossiers d LEFT JOIN dossier_steps o ON o.dossier_id = d.id AND o.kind = 'done' "
                               "WHERE d.code = ? ORDER BY o.seq DESC LIMIT 1");
    db_bind_text(s, 1, code ? code : "");
    bool found = db_step(s) == DB_ROW;
    if (found && secret) {   /* as tracking compares it: constant time, any case */
        const char *want = db_col_text(s, 10);
        char up[16] = {0};
        for (size_t i = 0; secret[i] && i < sizeof up - 1; i++) up[i] = (char)g_ascii_toupper(secret[i]);
        found = strlen(want) == strlen(up) && sodium_memcmp(want, up, strlen(want)) == 0;
    }
    if (found)
        *out = (dossier_handled){.id = db_col_int(s, 0), .unit_id = db_col_int(s, 1), .procedure_id = db_col_int(s, 2),
                                 .done_at = db_col_int(s, 3), .returned_at = db_col_int(s, 4),
                                 .resolver_id = db_col_int(s, 5), .code = arena_strdup(a, db_col_text(s, 6)),
                                 .status = arena_strdup(a, db_col_text(s, 7)),
                                 .procedure_name = arena_strdup(a, db_col_text(s, 8)),
                                 .resolver_name = arena_strdup(a, db_col_text(s, 9))};
    db_done(s);
    return found;
}

bool dossier_notice_get(db *d, arena *a, int64_t notice_id, dossier_notice_brief *out)
{
    db_stmt *s = db_prepare(d, "SELECT id, dossier_id, at, COALESCE(old_due_at, 0), COALESCE(new_due_at, 0), kind, reason "
                               "FROM dossier_notices WHERE id = ?");
    db_bind_int(s, 1, notice_id);
    bool found = db_step(s) == DB_ROW;
    if (found)
        *out = (dossier_notice_brief){.id = db_col_int(s, 0), .dossier_id = db_col_int(s, 1), .at = db_col_int(s, 2),
                                      .old_due_at = db_col_int(s, 3), .new_due_at = db_col_int(s, 4),
                                      .kind = arena_strdup(a, db_col_text(s, 5)),
                                      .reason = arena_strdup(a, db_col_text(s, 6))};
    db_done(s);
    return found;
}

/* ---- the hand-over list ----------------------------------------------------------------- */

json_t *dossier_handover_candidates(db *d, arena *a, int64_t id, int64_t actor_id, int64_t now)
{
    db_stmt *s = db_prepare(d, "SELECT unit_id, resolving_unit_id, procedure_id FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, id);
    int64_t unit = -1, resolving = -1, proc = -1;
    if (db_step(s) == DB_ROW) {
        unit = db_col_int(s, 0);
        resolving = db_col_int(s, 1);
        proc = db_col_int(s, 2);
    }
    db_done(s);
    json_t *arr = json_array();
    if (unit < 0) return arr;
    /* who received this procedure's dossiers here over the last year, and how often (the
     * year bounds the work: the received index, not every step ever written) */
    json_t *usual = json_object();
    s = db_prepare(d, "SELECT st.to_user_id, COUNT(*) FROM dossiers x JOIN dossier_steps st ON st.dossier_id = x.id "
                      "WHERE x.unit_id = ? AND x.received_at >= ? AND x.procedure_id = ? AND st.kind = 'handover' "
                      "AND st.to_user_id IS NOT NULL GROUP BY st.to_user_id");
    db_bind_int(s, 1, unit);
    db_bind_int(s, 2, now - 366 * 86400);
    db_bind_int(s, 3, proc);
    while (db_step(s) == DB_ROW)
        json_object_set_new(usual, arena_printf(a, "%lld", (long long)db_col_int(s, 0)), json_integer(db_col_int(s, 1)));
    db_done(s);
    /* only those dossier_handover accepts: active desk staff of either unit, not the giver */
    s = db_prepare(d, "SELECT id, full_name, role FROM users WHERE active = 1 AND role IN ('officer', 'specialist', "
                      "'leader') AND unit_id IN (?, ?) AND id <> ? ORDER BY CASE role WHEN 'specialist' THEN 0 "
                      "WHEN 'leader' THEN 1 ELSE 2 END, full_name, id");
    db_bind_int(s, 1, unit);
    db_bind_int(s, 2, resolving);
    db_bind_int(s, 3, actor_id);
    json_int_t best = -1;
    size_t best_at = 0;
    while (db_step(s) == DB_ROW) {
        json_int_t n = json_integer_value(json_object_get(usual, arena_printf(a, "%lld", (long long)db_col_int(s, 0))));
        if (n > best) {
            best = n;
            best_at = json_array_size(arr);
        }
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)db_col_int(s, 0), "full_name",
                                             db_col_text(s, 1), "role", db_col_text(s, 2), "role_label",
                                             account_role_label(db_col_text(s, 2)), "selected", 0));
    }
    db_done(s);
    json_decref(usual);
    /* the usual one is the default; without a history, the first specialist */
    if (json_array_size(arr)) json_object_set_new(json_array_get(arr, best_at), "selected", json_true());
    return arr;
}
