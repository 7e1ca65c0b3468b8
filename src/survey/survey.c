/* survey.c -- surveys in the database (survey.h): making one from a questionnaire, the
 * builder's changes (questions, status, printed codes), saving an answer once per token, and
 * the counts the results pages draw. Staff changes are audited; a citizen's anonymous answer
 * is not (the audit log would tie it to a time and an address). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../audit/audit.h"
#include "../core/text.h"
#include "survey.h"

#define PUBLIC_KEY_CHARS 10
#define CODE_CHARS 8
static const char KEY_ALPHABET[] = "abcdefghijkmnpqrstuvwxyz23456789";
static const char CODE_ALPHABET[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";   /* no 0/O, 1/I */

static int fail(err *e, int status, const char *msg, const char *field)
{
    err_set(e, status, msg, "survey: %s", field ? field : "");
    if (field) err_field(e, field);
    return -1;
}

static int db_fail(db *c, err *e, const char *what)
{
    err_set(e, 500, N_("Không lưu được khảo sát, xin thử lại."), "%s: %s", what, db_errmsg(c));
    return -1;
}

static const char *random_from(arena *a, const char *alphabet, size_t nalpha, int n)
{
    char *s = arena_alloc(a, (size_t)n + 1);
    for (int i = 0; i < n; i++) s[i] = alphabet[randombytes_uniform((uint32_t)nalpha)];
    return s;
}

const char *survey_visitor_token(arena *a)
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    char *hex = arena_alloc(a, 33);
    sodium_bin2hex(hex, 33, raw, sizeof raw);
    return hex;
}

bool survey_token_ok(const char *t)
{
    if (!t) return false;
    size_t n = strlen(t);
    if (n == 32) return strspn(t, "0123456789abcdef") == 32;
    if (n == CODE_CHARS) return strspn(t, CODE_ALPHABET) == CODE_CHARS;
    return false;
}

bool survey_token_used(db *d, const char *token)
{
    db_stmt *s = db_prepare(d, "SELECT 1 FROM survey_responses WHERE token = ?");
    if (!s) return false;
    db_bind_text(s, 1, token);
    bool used = db_step(s) == DB_ROW;
    db_done(s);
    return used;
}

bool survey_token_printed(db *d, int64_t survey_id, const char *token)
{
    db_stmt *s = db_prepare(d, "SELECT 1 FROM survey_tokens WHERE token = ? AND survey_id = ?");
    if (!s) return false;
    db_bind_text(s, 1, token);
    db_bind_int(s, 2, survey_id);
    bool found = db_step(s) == DB_ROW;
    db_done(s);
    return found;
}

/* ---- making a survey ---------------------------------------------------------------------- */

typedef struct {
    int64_t unit_id, actor, now, survey_id;
    const char *title, *intro, *template_key, *public_key;
    const survey_def *def;
    int64_t *out_id;
    /* question add/delete, status, tokens */
    const survey_question *q;
    int64_t question_id;
    const char *status;
    const char **codes;
    int ncodes;
} survey_tx;

static const char *options_text(arena *a, const survey_question *q)
{
    buf b;
    buf_init(&b, a);
    for (int i = 0; i < q->noptions; i++) {
        if (i) buf_putc(&b, '\n');
        buf_puts(&b, q->options[i]);
    }
    return buf_cstr(&b);
}

static int insert_question(db *c, arena *a, int64_t survey_id, int position, const survey_question *q, err *e)
{
    db_stmt *s = db_prepare(c, "INSERT INTO survey_questions (survey_id, position, code, section, kind, text, options, "
                               "required, element, show_if_code, show_if_option) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    if (!s) return db_fail(c, e, "prepare question");
    db_bind_int(s, 1, survey_id);
    db_bind_int(s, 2, position);
    db_bind_text(s, 3, q->code);
    db_bind_text(s, 4, q->section ? q->section : "");
    db_bind_text(s, 5, survey_kinds[q->kind]);
    db_bind_text(s, 6, q->text);
    db_bind_text(s, 7, options_text(a, q));
    db_bind_int(s, 8, q->required);
    db_bind_text(s, 9, q->element ? q->element : "");
    db_bind_text(s, 10, q->show_if_code ? q->show_if_code : "");
    db_bind_int(s, 11, q->show_if_option);
    int rc = db_step(s);
    db_done(s);
    if (rc == DB_CONSTRAINT) return fail(e, 409, N_("Khảo sát đã có câu hỏi mang mã này."), "code");
    return rc == DB_DONE ? 0 : db_fail(c, e, "insert question");
}

static int create_write(db *c, void *ctx, err *e)
{
    survey_tx *t = ctx;
    arena *a = arena_new();
    db_stmt *s = db_prepare(c, "INSERT INTO surveys (unit_id, title, intro, template, status, public_key, created_by, "
                               "created_at) VALUES (?,?,?,?,'draft',?,?,?)");
    int rc = DB_ERROR;
    if (s) {
        db_bind_int(s, 1, t->unit_id);
        db_bind_text(s, 2, t->title);
        db_bind_text(s, 3, t->intro);
        db_bind_text(s, 4, t->template_key);
        db_bind_text(s, 5, t->public_key);
        if (t->actor) db_bind_int(s, 6, t->actor);
        else db_bind_null(s, 6);   /* the command line (the demo) */
        db_bind_int(s, 7, t->now);
        rc = db_step(s);
        db_done(s);
    }
    if (rc != DB_DONE) {
        arena_free(a);
        return db_fail(c, e, "insert survey");
    }
    int64_t id = db_last_id(c);
    for (size_t i = 0; t->def && i < t->def->n; i++)
        if (insert_question(c, a, id, (int)i + 1, &t->def->q[i], e)) {
            arena_free(a);
            return -1;
        }
    arena_free(a);
    if (audit_append(c, t->now, t->actor, t->unit_id, "survey.create", "survey", id,
                     json_pack("{s:s, s:s}", "title", t->title, "template", t->template_key)))
        return db_fail(c, e, "audit");
    *t->out_id = id;
    return 0;
}

int survey_create(db *d, arena *a, int64_t unit_id, const char *title, const char *template_key, int64_t actor,
                  int64_t now, int64_t *id, err *e)
{
    char *clean = NULL;
    if (!title || text_clean(a, title, strlen(title), false, 300, &clean) != TEXT_OK || text_is_blank(clean))
        return fail(e, 422, N_("Xin nhập tên khảo sát (tối đa 300 ký tự)."), "title");
    survey_tx t = {.unit_id = unit_id, .actor = actor, .now = now, .title = text_trim(a, clean), .intro = "",
                   .template_key = "", .out_id = id};
    t.public_key = random_from(a, KEY_ALPHABET, sizeof KEY_ALPHABET - 1, PUBLIC_KEY_CHARS);
    survey_template tpl;
    if (template_key && !strcmp(template_key, "sipas")) {
        if (survey_template_sipas(a, &tpl, e)) return -1;
        t.def = &tpl.def;
        t.template_key = tpl.key;
        t.intro = tpl.intro;
    } else if (template_key && *template_key && strcmp(template_key, "blank")) {
        return fail(e, 422, N_("Không có mẫu phiếu này."), "template");
    }
    return db_write(d, create_write, &t, e);
}

/* ---- reading ------------------------------------------------------------------------------ */

static void split_options(arena *a, const char *text, survey_question *q)
{
    q->noptions = 0;
    const char *p = text;
    while (*p && q->noptions < SURVEY_MAX_OPTIONS) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        q->options[q->noptions++] = arena_strndup(a, p, n);
        if (!nl) break;
        p = nl + 1;
    }
}

int survey_load(db *d, arena *a, int64_t id, survey_info *info, survey_def *def, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT s.id, s.unit_id, s.title, s.intro, s.template, s.status, s.public_key, "
                               "s.created_at, u.name FROM surveys s JOIN units u ON u.id = s.unit_id WHERE s.id = ?");
    if (!s) return fail(e, 500, N_("Không đọc được khảo sát."), NULL);
    db_bind_int(s, 1, id);
    int rc = db_step(s);
    if (rc != DB_ROW) {
        db_done(s);
        return fail(e, 404, N_("Không tìm thấy khảo sát."), NULL);
    }
    *info = (survey_info){.id = db_col_int(s, 0), .unit_id = db_col_int(s, 1),
                          .title = arena_strdup(a, db_col_text(s, 2)), .intro = arena_strdup(a, db_col_text(s, 3)),
                          .template_key = arena_strdup(a, db_col_text(s, 4)),
                          .status = arena_strdup(a, db_col_text(s, 5)),
                          .public_key = arena_strdup(a, db_col_text(s, 6)), .created_at = db_col_int(s, 7),
                          .unit_name = arena_strdup(a, db_col_text(s, 8))};
    db_done(s);
    if (!def) return 0;
    size_t n = (size_t)db_int_by_id(d, "SELECT COUNT(*) FROM survey_questions WHERE survey_id = ?", id, 0);
    def->q = arena_alloc(a, (n + 1) * sizeof(survey_question));
    def->n = 0;
    s = db_prepare(d, "SELECT id, code, section, kind, text, options, required, element, show_if_code, show_if_option "
                      "FROM survey_questions WHERE survey_id = ? ORDER BY position, id");
    if (!s) return fail(e, 500, N_("Không đọc được khảo sát."), NULL);
    db_bind_int(s, 1, id);
    while (def->n < n && db_step(s) == DB_ROW) {
        survey_question *q = &def->q[def->n++];
        memset(q, 0, sizeof *q);
        q->id = db_col_int(s, 0);
        q->code = arena_strdup(a, db_col_text(s, 1));
        q->section = arena_strdup(a, db_col_text(s, 2));
        q->kind = survey_kind_index(db_col_text(s, 3));
        if (q->kind < 0) q->kind = SQ_TEXT;
        q->text = arena_strdup(a, db_col_text(s, 4));
        split_options(a, db_col_text(s, 5), q);
        q->required = db_col_int(s, 6) != 0;
        q->element = arena_strdup(a, db_col_text(s, 7));
        q->show_if_code = arena_strdup(a, db_col_text(s, 8));
        q->show_if_option = (int)db_col_int(s, 9);
    }
    db_done(s);
    err ignored = {0};
    if (survey_def_link(def, &ignored))   /* stored conditions were checked when added */
        for (size_t i = 0; i < def->n; i++) def->q[i].cond = -1;
    return 0;
}

int64_t survey_by_key(db *d, const char *key)
{
    if (!key || strlen(key) != PUBLIC_KEY_CHARS || strspn(key, KEY_ALPHABET) != PUBLIC_KEY_CHARS) return -1;
    db_stmt *s = db_prepare(d, "SELECT id FROM surveys WHERE public_key = ?");
    if (!s) return -1;
    db_bind_text(s, 1, key);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return id;
}

json_t *survey_list(db *d, int64_t unit_id)
{
    json_t *arr = json_array();
    db_stmt *s = db_prepare(d, "SELECT s.id, s.title, s.status, s.template, s.created_at, "
                               "(SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = s.id) "
                               "FROM surveys s WHERE s.unit_id = ? ORDER BY s.created_at DESC, s.id DESC LIMIT 200");
    if (!s) return arr;
    db_bind_int(s, 1, unit_id);
    while (db_step(s) == DB_ROW)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:I, s:I}", "id", (json_int_t)db_col_int(s, 0),
                                             "title", db_col_text(s, 1), "status", db_col_text(s, 2), "template",
                                             db_col_text(s, 3), "created_at", (json_int_t)db_col_int(s, 4),
                                             "responses", (json_int_t)db_col_int(s, 5)));
    db_done(s);
    return arr;
}

/* ---- the builder -------------------------------------------------------------------------- */

static const char *survey_status(db *c, arena *a, int64_t survey_id, int64_t *unit_id)
{
    db_stmt *s = db_prepare(c, "SELECT status, unit_id FROM surveys WHERE id = ?");
    if (!s) return NULL;
    db_bind_int(s, 1, survey_id);
    const char *st = NULL;
    if (db_step(s) == DB_ROW) {
        st = arena_strdup(a, db_col_text(s, 0));
        if (unit_id) *unit_id = db_col_int(s, 1);
    }
    db_done(s);
    return st;
}

static int question_add_write(db *c, void *ctx, err *e)
{
    survey_tx *t = ctx;
    arena *a = arena_new();
    int64_t unit = 0;
    const char *st = survey_status(c, a, t->survey_id, &unit);
    int rc = -1;
    if (!st) fail(e, 404, N_("Không tìm thấy khảo sát."), NULL);
    else if (strcmp(st, "draft")) fail(e, 409, N_("Khảo sát đã mở: không sửa câu hỏi được nữa."), NULL);
    else {
        /* the condition must name an earlier question of this survey: checked on the whole list */
        survey_info info;
        survey_def def;
        if (!survey_load(c, a, t->survey_id, &info, &def, e)) {
            survey_def more = {arena_alloc(a, (def.n + 1) * sizeof(survey_question)), def.n + 1};
            memcpy(more.q, def.q, def.n * sizeof(survey_question));
            more.q[def.n] = *t->q;
            int pos = (int)db_int_by_id(c, "SELECT COALESCE(MAX(position), 0) + 1 FROM survey_questions "
                                           "WHERE survey_id = ?", t->survey_id, 1);
            if (def.n >= SURVEY_MAX_QUESTIONS) fail(e, 422, N_("Khảo sát đã có quá nhiều câu hỏi."), NULL);
            else if (!survey_def_link(&more, e) && !insert_question(c, a, t->survey_id, pos, t->q, e))
                rc = audit_append(c, t->now, t->actor, unit, "survey.question_add", "survey", t->survey_id,
                                  json_pack("{s:s, s:s}", "code", t->q->code, "text", t->q->text))
                         ? db_fail(c, e, "audit")
                         : 0;
        }
    }
    arena_free(a);
    return rc;
}

int survey_question_add(db *d, arena *a, int64_t survey_id, const survey_question_in *in, int64_t actor,
                        int64_t now, err *e)
{
    survey_question q = {.cond = -1, .show_if_code = ""};
    q.kind = survey_kind_index(in->kind);
    if (q.kind < 0) return fail(e, 422, N_("Xin chọn loại câu hỏi."), "kind");
    char *text = NULL, *section = NULL, *options = NULL;
    if (!in->text || text_clean(a, in->text, strlen(in->text), false, 500, &text) != TEXT_OK || text_is_blank(text))
        return fail(e, 422, N_("Xin nhập nội dung câu hỏi (tối đa 500 ký tự)."), "text");
    if (text_clean(a, in->section ? in->section : "", strlen(in->section ? in->section : ""), false, 200, &section) !=
        TEXT_OK)
        return fail(e, 422, N_("Tên phần quá dài (tối đa 200 ký tự)."), "section");
    q.text = text_trim(a, text);
    q.section = text_trim(a, section);
    q.required = in->required;
    q.element = "";
    if (q.kind == SQ_SINGLE || q.kind == SQ_MULTI) {
        const char *o = in->options ? in->options : "";
        if (text_clean(a, o, strlen(o), true, 4000, &options) != TEXT_OK)
            return fail(e, 422, N_("Các lựa chọn có ký tự không hợp lệ."), "options");
        /* one option a line; blank lines skipped */
        const char *p = options;
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            char *line = text_trim(a, arena_strndup(a, p, n));
            if (!text_is_blank(line)) {
                if (q.noptions == SURVEY_MAX_OPTIONS)
                    return fail(e, 422, N_("Mỗi câu hỏi có từ 2 đến 20 lựa chọn."), "options");
                if (text_char_count(line) > 200) return fail(e, 422, N_("Mỗi lựa chọn tối đa 200 ký tự."), "options");
                q.options[q.noptions++] = line;
            }
            if (!nl) break;
            p = nl + 1;
        }
        if (q.noptions < 2) return fail(e, 422, N_("Mỗi câu hỏi có từ 2 đến 20 lựa chọn."), "options");
    }
    if (in->show_if_code && !text_is_blank(in->show_if_code)) {
        q.show_if_code = text_trim(a, in->show_if_code);
        int64_t opt;
        if (!text_parse_uint(text_trim(a, in->show_if_option ? in->show_if_option : ""), SURVEY_MAX_OPTIONS, &opt) ||
            opt < 1)
            return fail(e, 422, N_("Xin ghi số thứ tự của lựa chọn làm điều kiện (1, 2, ...)."), "show_if_option");
        q.show_if_option = (int)opt;
    }
    int64_t n = db_int_by_id(d, "SELECT COUNT(*) FROM survey_questions WHERE survey_id = ?", survey_id, 0);
    q.code = arena_printf(a, "C%lld", (long long)n + 1);
    /* a code taken by a template's question ("C1") moves on to the next free one */
    for (int tries = 0; tries < 50; tries++) {
        db_stmt *s = db_prepare(d, "SELECT 1 FROM survey_questions WHERE survey_id = ? AND code = ?");
        if (!s) break;
        db_bind_int(s, 1, survey_id);
        db_bind_text(s, 2, q.code);
        bool taken = db_step(s) == DB_ROW;
        db_done(s);
        if (!taken) break;
        q.code = arena_printf(a, "C%lld", (long long)n + 2 + tries);
    }
    survey_tx t = {.survey_id = survey_id, .actor = actor, .now = now, .q = &q};
    return db_write(d, question_add_write, &t, e);
}

static int question_delete_write(db *c, void *ctx, err *e)
{
    survey_tx *t = ctx;
    arena *a = arena_new();
    int64_t unit = 0;
    const char *st = survey_status(c, a, t->survey_id, &unit);
    int rc = -1;
    if (!st) fail(e, 404, N_("Không tìm thấy khảo sát."), NULL);
    else if (strcmp(st, "draft")) fail(e, 409, N_("Khảo sát đã mở: không sửa câu hỏi được nữa."), NULL);
    else {
        db_stmt *s = db_prepare(c, "SELECT code FROM survey_questions WHERE id = ? AND survey_id = ?");
        const char *code = NULL;
        if (s) {
            db_bind_int(s, 1, t->question_id);
            db_bind_int(s, 2, t->survey_id);
            if (db_step(s) == DB_ROW) code = arena_strdup(a, db_col_text(s, 0));
            db_done(s);
        }
        bool used = false;
        if (code && (s = db_prepare(c, "SELECT 1 FROM survey_questions WHERE survey_id = ? AND show_if_code = ?"))) {
            db_bind_int(s, 1, t->survey_id);
            db_bind_text(s, 2, code);
            used = db_step(s) == DB_ROW;
            db_done(s);
        }
        if (!code) fail(e, 404, N_("Không tìm thấy câu hỏi."), NULL);
        else if (used) fail(e, 409, N_("Câu hỏi khác đang lấy câu này làm điều kiện hiển thị: xóa câu đó trước."), NULL);
        else if ((s = db_prepare(c, "DELETE FROM survey_questions WHERE id = ?"))) {
            db_bind_int(s, 1, t->question_id);
            int r = db_step(s);
            db_done(s);
            if (r != DB_DONE) db_fail(c, e, "delete question");
            else if (audit_append(c, t->now, t->actor, unit, "survey.question_delete", "survey", t->survey_id,
                                  json_pack("{s:s}", "code", code)))
                db_fail(c, e, "audit");
            else rc = 0;
        }
    }
    arena_free(a);
    return rc;
}

int survey_question_delete(db *d, arena *a, int64_t survey_id, int64_t question_id, int64_t actor, int64_t now,
                           err *e)
{
    (void)a;
    survey_tx t = {.survey_id = survey_id, .question_id = question_id, .actor = actor, .now = now};
    return db_write(d, question_delete_write, &t, e);
}

static int status_write(db *c, void *ctx, err *e)
{
    survey_tx *t = ctx;
    arena *a = arena_new();
    int64_t unit = 0;
    const char *st = survey_status(c, a, t->survey_id, &unit);
    int rc = -1;
    bool ok = st && ((!strcmp(t->status, "open") && strcmp(st, "open")) ||
                     (!strcmp(t->status, "closed") && !strcmp(st, "open")));
    if (!st) fail(e, 404, N_("Không tìm thấy khảo sát."), NULL);
    else if (!ok) fail(e, 409, N_("Khảo sát không chuyển được sang trạng thái này."), NULL);
    else if (!strcmp(t->status, "open") &&
             db_int_by_id(c, "SELECT COUNT(*) FROM survey_questions WHERE survey_id = ?", t->survey_id, 0) == 0)
        fail(e, 409, N_("Khảo sát chưa có câu hỏi nào."), NULL);
    else {
        db_stmt *s = db_prepare(c, "UPDATE surveys SET status = ? WHERE id = ?");
        if (s) {
            db_bind_text(s, 1, t->status);
            db_bind_int(s, 2, t->survey_id);
            int r = db_step(s);
            db_done(s);
            if (r == DB_DONE && !audit_append(c, t->now, t->actor, unit, "survey.status", "survey", t->survey_id,
                                              json_pack("{s:s, s:s}", "from", st, "to", t->status)))
                rc = 0;
            else db_fail(c, e, "status");
        }
    }
    arena_free(a);
    return rc;
}

int survey_set_status(db *d, int64_t survey_id, const char *status, int64_t actor, int64_t now, err *e)
{
    if (!status || (strcmp(status, "open") && strcmp(status, "closed")))
        return fail(e, 422, N_("Khảo sát không chuyển được sang trạng thái này."), "status");
    survey_tx t = {.survey_id = survey_id, .status = status, .actor = actor, .now = now};
    return db_write(d, status_write, &t, e);
}

static int tokens_write(db *c, void *ctx, err *e)
{
    survey_tx *t = ctx;
    int64_t unit = db_int_by_id(c, "SELECT unit_id FROM surveys WHERE id = ?", t->survey_id, -1);
    if (unit < 0) return fail(e, 404, N_("Không tìm thấy khảo sát."), NULL);
    for (int i = 0; i < t->ncodes; i++) {
        db_stmt *s = db_prepare(c, "INSERT INTO survey_tokens (survey_id, token, created_at) VALUES (?,?,?)");
        if (!s) return db_fail(c, e, "prepare token");
        db_bind_int(s, 1, t->survey_id);
        db_bind_text(s, 2, t->codes[i]);
        db_bind_int(s, 3, t->now);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return db_fail(c, e, "insert token");   /* a 40-bit collision: try again */
    }
    if (audit_append(c, t->now, t->actor, unit, "survey.tokens", "survey", t->survey_id,
                     json_pack("{s:i}", "count", t->ncodes)))
        return db_fail(c, e, "audit");
    return 0;
}

int survey_tokens_make(db *d, arena *a, int64_t survey_id, int n, int64_t now, const char ***codes, err *e)
{
    if (n < 1 || n > 500) return fail(e, 422, N_("Số mã in ra từ 1 đến 500."), "so_ma");
    const char **c = arena_alloc(a, (size_t)n * sizeof *c);
    for (int i = 0; i < n; i++) c[i] = random_from(a, CODE_ALPHABET, sizeof CODE_ALPHABET - 1, CODE_CHARS);
    survey_tx t = {.survey_id = survey_id, .now = now, .codes = c, .ncodes = n};
    if (db_write(d, tokens_write, &t, e)) return -1;
    *codes = c;
    return 0;
}

json_t *survey_tokens_list(db *d, int64_t survey_id, int64_t *total, int64_t *used)
{
    *total = db_int_by_id(d, "SELECT COUNT(*) FROM survey_tokens WHERE survey_id = ?", survey_id, 0);
    *used = db_int_by_id(d, "SELECT COUNT(*) FROM survey_tokens t JOIN survey_responses r ON r.token = t.token "
                            "WHERE t.survey_id = ?", survey_id, 0);
    json_t *arr = json_array();
    db_stmt *s = db_prepare(d, "SELECT t.token FROM survey_tokens t WHERE t.survey_id = ? AND NOT EXISTS (SELECT 1 FROM "
                               "survey_responses r WHERE r.token = t.token) ORDER BY t.id DESC LIMIT 300");
    if (!s) return arr;
    db_bind_int(s, 1, survey_id);
    while (db_step(s) == DB_ROW) json_array_append_new(arr, json_string(db_col_text(s, 0)));
    db_done(s);
    return arr;
}

typedef struct {
    int64_t survey_id, question_id, actor, now;
    const char *title, *intro;
} edit_tx;

static int info_write(db *c, void *ctx, err *e)
{
    edit_tx *t = ctx;
    int64_t unit = db_int_by_id(c, "SELECT unit_id FROM surveys WHERE id = ?", t->survey_id, -1);
    if (unit < 0) return fail(e, 404, N_("Không tìm thấy khảo sát."), NULL);
    db_stmt *s = db_prepare(c, "UPDATE surveys SET title = ?, intro = ? WHERE id = ?");
    if (!s) return db_fail(c, e, "prepare info");
    db_bind_text(s, 1, t->title);
    db_bind_text(s, 2, t->intro);
    db_bind_int(s, 3, t->survey_id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return db_fail(c, e, "update info");
    if (audit_append(c, t->now, t->actor, unit, "survey.info", "survey", t->survey_id,
                     json_pack("{s:s}", "title", t->title)))
        return db_fail(c, e, "audit");
    return 0;
}

int survey_info_update(db *d, arena *a, int64_t survey_id, const char *title, const char *intro, int64_t actor,
                       int64_t now, err *e)
{
    char *t = NULL, *i = NULL;
    if (!title || text_clean(a, title, strlen(title), false, 300, &t) != TEXT_OK || text_is_blank(t))
        return fail(e, 422, N_("Xin nhập tên khảo sát (tối đa 300 ký tự)."), "title");
    if (text_clean(a, intro ? intro : "", strlen(intro ? intro : ""), true, 2000, &i) != TEXT_OK)
        return fail(e, 422, N_("Lời giới thiệu tối đa 2.000 ký tự."), "intro");
    edit_tx tx = {.survey_id = survey_id, .actor = actor, .now = now, .title = text_trim(a, t), .intro = text_trim(a, i)};
    return db_write(d, info_write, &tx, e);
}

/* Swaps a question with the one before it; a question never moves above the question its
 * condition names (nor that one below a question that depends on it). */
static int move_write(db *c, void *ctx, err *e)
{
    edit_tx *t = ctx;
    arena *a = arena_new();
    int rc = -1;
    int64_t unit = 0;
    const char *st = survey_status(c, a, t->survey_id, &unit);
    survey_info info;
    survey_def def;
    size_t k = 0;
    if (!st) fail(e, 404, N_("Không tìm thấy khảo sát."), NULL);
    else if (strcmp(st, "draft")) fail(e, 409, N_("Khảo sát đã mở: không sửa câu hỏi được nữa."), NULL);
    else if (!survey_load(c, a, t->survey_id, &info, &def, e)) {
        while (k < def.n && def.q[k].id != t->question_id) k++;
        if (k == def.n) fail(e, 404, N_("Không tìm thấy câu hỏi."), NULL);
        else if (k == 0) rc = 0;   /* already first */
        else {
            survey_question tmp = def.q[k - 1];
            def.q[k - 1] = def.q[k];
            def.q[k] = tmp;
            err ignored = {0};
            if (survey_def_link(&def, &ignored))
                fail(e, 409, N_("Câu hỏi có điều kiện phải đứng sau câu hỏi làm điều kiện của nó."), NULL);
            else {
                /* positions 1..n in the new order */
                rc = 0;
                for (size_t i = 0; i < def.n && !rc; i++) {
                    db_stmt *s = db_prepare(c, "UPDATE survey_questions SET position = ? WHERE id = ?");
                    if (!s) {
                        rc = db_fail(c, e, "prepare move");
                        break;
                    }
                    db_bind_int(s, 1, (int64_t)i + 1);
                    db_bind_int(s, 2, def.q[i].id);
                    if (db_step(s) != DB_DONE) rc = db_fail(c, e, "move");
                    db_done(s);
                }
                if (!rc && audit_append(c, t->now, t->actor, unit, "survey.question_move", "survey", t->survey_id,
                                        json_pack("{s:s}", "code", def.q[k - 1].code)))
                    rc = db_fail(c, e, "audit");
            }
        }
    }
    arena_free(a);
    return rc;
}

int survey_question_move_up(db *d, int64_t survey_id, int64_t question_id, int64_t actor, int64_t now, err *e)
{
    edit_tx t = {.survey_id = survey_id, .question_id = question_id, .actor = actor, .now = now};
    return db_write(d, move_write, &t, e);
}

/* ---- answering ----------------------------------------------------------------------------- */

typedef struct {
    int64_t survey_id, now;
    const survey_def *def;
    const survey_answers *ans;
    const survey_submit_in *in;
    const char *token;
    int64_t *response_id;
} submit_tx;

static int submit_write(db *c, void *ctx, err *e)
{
    submit_tx *t = ctx;
    db_stmt *s = db_prepare(c, "SELECT status FROM surveys WHERE id = ?");
    if (!s) return db_fail(c, e, "status");
    db_bind_int(s, 1, t->survey_id);
    char st[16] = "";
    if (db_step(s) == DB_ROW) snprintf(st, sizeof st, "%s", db_col_text(s, 0));
    db_done(s);
    bool paper = !strcmp(t->in->channel, "paper");
    if (!*st) return fail(e, 404, N_("Không tìm thấy khảo sát."), NULL);
    if (strcmp(st, "open") && !(paper && !strcmp(st, "closed")))
        return fail(e, 409, N_("Khảo sát này hiện không nhận ý kiến."), NULL);
    s = db_prepare(c, "INSERT INTO survey_responses (survey_id, token, channel, entered_by, answered_at, created_at) "
                      "VALUES (?,?,?,?,?,?)");
    if (!s) return db_fail(c, e, "prepare response");
    db_bind_int(s, 1, t->survey_id);
    db_bind_text(s, 2, t->token);
    db_bind_text(s, 3, t->in->channel);
    if (t->in->entered_by) db_bind_int(s, 4, t->in->entered_by);
    else db_bind_null(s, 4);
    db_bind_int(s, 5, t->in->answered_at ? t->in->answered_at : t->now);
    db_bind_int(s, 6, t->now);
    int rc = db_step(s);
    db_done(s);
    if (rc == DB_CONSTRAINT)
        return fail(e, 409, N_("Phiếu với mã này đã được trả lời. Mỗi mã chỉ trả lời được một lần."), NULL);
    if (rc != DB_DONE) return db_fail(c, e, "insert response");
    int64_t rid = db_last_id(c);
    for (size_t i = 0; i < t->ans->n; i++) {
        const survey_answer *an = &t->ans->a[i];
        s = db_prepare(c, "INSERT INTO survey_answers (response_id, question_id, value, text) VALUES (?,?,?,?)");
        if (!s) return db_fail(c, e, "prepare answer");
        db_bind_int(s, 1, rid);
        db_bind_int(s, 2, t->def->q[an->qi].id);
        db_bind_int(s, 3, an->value);
        db_bind_text(s, 4, an->text ? an->text : "");
        rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return db_fail(c, e, "insert answer");
    }
    if (paper && audit_append(c, t->now, t->in->entered_by,
                              db_int_by_id(c, "SELECT unit_id FROM surveys WHERE id = ?", t->survey_id, 0),
                              "survey.paper", "survey", t->survey_id, json_pack("{s:I}", "response", (json_int_t)rid)))
        return db_fail(c, e, "audit");
    if (t->response_id) *t->response_id = rid;
    return 0;
}

int survey_submit(db *d, arena *a, int64_t survey_id, const survey_def *def, const survey_answers *ans,
                  const survey_submit_in *in, int64_t now, int64_t *response_id, err *e)
{
    const char *token = in->token && *in->token ? in->token : NULL;
    bool paper = !strcmp(in->channel, "paper");
    if (token && !survey_token_ok(token))
        return fail(e, paper ? 422 : 400, N_("Mã phiếu không đúng."), paper ? "ma_phieu" : NULL);
    if (token && strlen(token) != 32 && !survey_token_printed(d, survey_id, token))
        return fail(e, paper ? 422 : 404, N_("Mã phiếu không đúng."), paper ? "ma_phieu" : NULL);
    if (!token) {
        if (!paper) return fail(e, 400, N_("Phiếu thiếu mã. Xin mở lại đường dẫn khảo sát."), NULL);
        token = arena_printf(a, "p-%s", survey_visitor_token(a));   /* a paper form without a code */
    }
    submit_tx t = {.survey_id = survey_id, .now = now, .def = def, .ans = ans, .in = in, .token = token,
                   .response_id = response_id};
    return db_write(d, submit_write, &t, e);
}

/* ---- counting ------------------------------------------------------------------------------ */

int survey_count(db *d, arena *a, int64_t survey_id, const survey_def *def, int64_t from, int64_t to,
                 survey_tally *out, err *e)
{
    memset(out, 0, sizeof *out);
    out->counts = arena_alloc(a, (def->n + 1) * sizeof *out->counts);
    out->answered = arena_alloc(a, (def->n + 1) * sizeof *out->answered);
    out->texts = json_object();
    if (!to) to = INT64_MAX / 2;
    db_stmt *s = db_prepare(d, "SELECT channel, COUNT(*) FROM survey_responses WHERE survey_id = ? AND answered_at >= ? "
                               "AND answered_at < ? GROUP BY channel");
    if (!s) return fail(e, 500, N_("Không đọc được kết quả khảo sát."), NULL);
    db_bind_int(s, 1, survey_id);
    db_bind_int(s, 2, from);
    db_bind_int(s, 3, to);
    while (db_step(s) == DB_ROW) {
        int64_t n = db_col_int(s, 1);
        if (!strcmp(db_col_text(s, 0), "paper")) out->paper += n;
        else out->online += n;
        out->responses += n;
    }
    db_done(s);
    s = db_prepare(d, "SELECT a.question_id, a.value, COUNT(*) FROM survey_answers a "
                      "JOIN survey_responses r ON r.id = a.response_id WHERE r.survey_id = ? AND r.answered_at >= ? "
                      "AND r.answered_at < ? GROUP BY a.question_id, a.value");
    if (!s) return fail(e, 500, N_("Không đọc được kết quả khảo sát."), NULL);
    db_bind_int(s, 1, survey_id);
    db_bind_int(s, 2, from);
    db_bind_int(s, 3, to);
    while (db_step(s) == DB_ROW) {
        int64_t qid = db_col_int(s, 0), v = db_col_int(s, 1);
        for (size_t i = 0; i < def->n; i++) {
            if (def->q[i].id != qid) continue;
            if (v >= 1 && v <= SURVEY_MAX_OPTIONS) out->counts[i][v] += db_col_int(s, 2);
        }
    }
    db_done(s);
    /* responses per question (a multiple choice counts a response once) */
    s = db_prepare(d, "SELECT a.question_id, COUNT(DISTINCT a.response_id) FROM survey_answers a JOIN survey_responses r "
                      "ON r.id = a.response_id WHERE r.survey_id = ? AND r.answered_at >= ? AND r.answered_at < ? "
                      "GROUP BY a.question_id");
    if (s) {
        db_bind_int(s, 1, survey_id);
        db_bind_int(s, 2, from);
        db_bind_int(s, 3, to);
        while (db_step(s) == DB_ROW)
            for (size_t i = 0; i < def->n; i++)
                if (def->q[i].id == db_col_int(s, 0)) out->answered[i] = db_col_int(s, 1);
        db_done(s);
    }
    for (size_t i = 0; i < def->n; i++) {
        if (def->q[i].kind != SQ_TEXT) continue;
        json_t *list = json_array();
        s = db_prepare(d, "SELECT a.text FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE "
                          "a.question_id = ? AND r.answered_at >= ? AND r.answered_at < ? ORDER BY r.answered_at DESC, "
                          "r.id DESC LIMIT 50");
        if (s) {
            db_bind_int(s, 1, def->q[i].id);
            db_bind_int(s, 2, from);
            db_bind_int(s, 3, to);
            while (db_step(s) == DB_ROW) json_array_append_new(list, json_string(db_col_text(s, 0)));
            db_done(s);
        }
        json_object_set_new(out->texts, def->q[i].code, list);
    }
    return 0;
}

int survey_unit_items(db *d, arena *a, int64_t unit_id, int64_t from, int64_t to, sipas_item **items, size_t *n,
                      int64_t *responses, err *e)
{
    *items = arena_alloc(a, SURVEY_MAX_QUESTIONS * sizeof(sipas_item));
    *n = 0;
    *responses = 0;
    if (!to) to = INT64_MAX / 2;
    db_stmt *s = db_prepare(d, "SELECT COUNT(*) FROM survey_responses r JOIN surveys v ON v.id = r.survey_id WHERE "
                               "v.unit_id = ? AND r.answered_at >= ? AND r.answered_at < ?");
    if (!s) return fail(e, 500, N_("Không đọc được kết quả khảo sát."), NULL);
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, from);
    db_bind_int(s, 3, to);
    if (db_step(s) == DB_ROW) *responses = db_col_int(s, 0);
    db_done(s);
    /* by code: the same SIPAS item in several rounds (surveys) of the period counts together */
    s = db_prepare(d, "SELECT q.code, MIN(q.text), q.element, a.value, COUNT(*) FROM survey_answers a "
                      "JOIN survey_questions q ON q.id = a.question_id JOIN survey_responses r ON r.id = a.response_id "
                      "JOIN surveys v ON v.id = r.survey_id WHERE v.unit_id = ? AND r.answered_at >= ? AND "
                      "r.answered_at < ? AND q.kind = 'scale' AND q.element <> '' GROUP BY q.code, q.element, a.value "
                      "ORDER BY q.code");
    if (!s) return fail(e, 500, N_("Không đọc được kết quả khảo sát."), NULL);
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, from);
    db_bind_int(s, 3, to);
    while (db_step(s) == DB_ROW) {
        const char *code = db_col_text(s, 0), *el = db_col_text(s, 2);
        sipas_item *it = NULL;
        for (size_t i = 0; i < *n; i++)
            if (!strcmp((*items)[i].code, code) && !strcmp((*items)[i].element, el)) it = &(*items)[i];
        if (!it) {
            if (*n == SURVEY_MAX_QUESTIONS) continue;
            it = &(*items)[(*n)++];
            memset(it, 0, sizeof *it);
            it->code = arena_strdup(a, code);
            it->text = arena_strdup(a, db_col_text(s, 1));
            it->element = arena_strdup(a, el);
        }
        int64_t v = db_col_int(s, 3);
        if (v >= 1 && v <= SURVEY_SCALE_N) it->counts[v] += db_col_int(s, 4);
    }
    db_done(s);
    return 0;
}
