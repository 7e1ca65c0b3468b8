/* catalog.c -- procedures: checks, saving, search, CSV (see catalog.h). */
#include "catalog.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/clock.h"
#include "../account/account.h"
#include "../audit/audit.h"
#include "../core/text.h"
#include "../kit/links.h"
#include "../store/embedded.h"   /* only the table of embedded data files (the search's filler words) */

const char *const catalog_csv_columns[] = {"unit_code", "code", "name", "field", "days", "time_text", "fee",
                                           "fee_text", "papers", "submit_where", "online_level", "legal_basis",
                                           "result", "letter", "keywords", "form_url", NULL};
#define NCOLUMNS 16
#define COL_LETTER 13
#define COL_KEYWORDS 14
#define COL_FORM_URL 15
#define MAX_TEXT 4000

static const char *online_label(const char *level)
{
    if (!strcmp(level, "full")) return N_("Dịch vụ công trực tuyến toàn trình");
    if (!strcmp(level, "partial")) return N_("Dịch vụ công trực tuyến một phần");
    if (!strcmp(level, "none")) return N_("Chỉ nộp trực tiếp hoặc qua bưu chính");
    return "";
}

static const char *const LETTERS[][2] = {
    {"", N_("Không gửi thư")},
    {"birth", N_("Thư chúc mừng khai sinh")},
    {"marriage", N_("Thư chúc mừng kết hôn")},
    {"death", N_("Thư chia buồn")},
};

const char *catalog_letter_label(const char *occasion)
{
    for (size_t i = 0; i < sizeof LETTERS / sizeof LETTERS[0]; i++)
        if (occasion && !strcmp(occasion, LETTERS[i][0])) return LETTERS[i][1];
    return "";
}

/* The static key equal to s, or NULL. */
static const char *letter_key(const char *s)
{
    for (size_t i = 0; i < sizeof LETTERS / sizeof LETTERS[0]; i++)
        if (!strcmp(s, LETTERS[i][0])) return LETTERS[i][0];
    return NULL;
}

const char *catalog_letter_occasion(db *d, int64_t id)
{
    db_stmt *s = db_prepare(d, "SELECT letter_occasion FROM procedures WHERE id = ?");
    db_bind_int(s, 1, id);
    const char *key = db_step(s) == DB_ROW ? letter_key(db_col_text(s, 0)) : NULL;
    db_done(s);
    return key ? key : "";
}

static bool code_ok(const char *c)
{
    if (strlen(c) > 32) return false;
    for (const char *p = c; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '.' ||
              *p == '-'))
            return false;
    return true;
}

int catalog_check(db *d, arena *a, const procedure_fields *in, procedure *out, err *e)
{
    memset(out, 0, sizeof *out);
    const char *unit_code = text_trim(a, in->unit_code);
    out->unit_id = account_unit_id(d, unit_code);
    if (out->unit_id < 0) {
        err_set(e, 400, "Không tìm thấy đơn vị ban hành thủ tục.", "unknown unit '%s'", unit_code);
        err_field(e, "unit_code");
        return -1;
    }
    out->code = text_trim(a, in->code);
    if (!code_ok(out->code)) {
        err_set(e, 400, "Mã thủ tục chỉ gồm chữ số, chữ cái không dấu, dấu chấm và gạch ngang (ví dụ 1.001193).",
                "bad code");
        err_field(e, "code");
        return -1;
    }
    out->name = text_trim(a, in->name);
    if (text_is_blank(out->name) || text_char_count(out->name) > 500) {
        err_set(e, 400, "Tên thủ tục không được để trống và không quá 500 ký tự.", "bad name");
        err_field(e, "name");
        return -1;
    }
    out->field = text_trim(a, in->field);
    if (text_char_count(out->field) > 100) {
        err_set(e, 400, "Tên lĩnh vực không quá 100 ký tự.", "bad field");
        err_field(e, "field");
        return -1;
    }
    const char *days = text_trim(a, in->days);
    out->days = -1;
    if (*days && !text_parse_uint(days, 3650, &out->days)) {
        err_set(e, 400, "Thời hạn giải quyết phải là số ngày làm việc (0 nếu giải quyết trong ngày).", "bad days");
        err_field(e, "days");
        return -1;
    }
    const char *fee = text_trim(a, in->fee);
    out->fee = -1;
    size_t fl = strlen(fee);
    if (fl >= strlen("đ") && !strcmp(fee + fl - strlen("đ"), "đ"))   /* "10.000 đ" */
        fee = text_trim(a, arena_strndup(a, fee, fl - strlen("đ")));
    if (*fee && !text_parse_uint(fee, 1000000000000LL, &out->fee)) {
        err_set(e, 400, "Lệ phí phải là số tiền bằng đồng (ví dụ 10000 hoặc 10.000); để trống nếu thay đổi theo trường hợp.",
                "bad fee");
        err_field(e, "fee");
        return -1;
    }
    out->online_level = text_trim(a, in->online_level);
    if (*out->online_level && strcmp(out->online_level, "none") && strcmp(out->online_level, "partial") &&
        strcmp(out->online_level, "full")) {
        err_set(e, 400, "Mức độ trực tuyến phải là none, partial hoặc full.", "bad online level");
        err_field(e, "online_level");
        return -1;
    }
    /* absent (a CSV without the column): the procedure keeps what it had */
    out->letter = in->letter ? letter_key(text_trim(a, in->letter)) : NULL;
    if (in->letter && !out->letter) {
        err_set(e, 400, "Thư gửi khi có kết quả phải là birth, marriage, death hoặc để trống.", "bad letter");
        err_field(e, "letter");
        return -1;
    }
    /* absent (a CSV without the column): the procedure keeps what it had */
    out->keywords = in->keywords ? text_trim(a, in->keywords) : NULL;
    if (out->keywords && text_char_count(out->keywords) > 1000) {
        err_set(e, 400, "Từ khóa tìm kiếm không quá 1000 ký tự.", "keywords too long");
        err_field(e, "keywords");
        return -1;
    }
    /* absent: kept; a link the public page may show, so only the web or this site */
    out->form_url = in->form_url ? text_trim(a, in->form_url) : NULL;
    if (out->form_url && *out->form_url &&
        ((strncmp(out->form_url, "https://", 8) && strncmp(out->form_url, "http://", 7) &&
          !(out->form_url[0] == '/' && out->form_url[1] != '/')) ||
         strlen(out->form_url) > 500 || strpbrk(out->form_url, " \t\r\n\"<>"))) {
        err_set(e, 400, "Đường dẫn mẫu tờ khai phải bắt đầu bằng https:// (hoặc / cho tệp trên trang này), không có dấu cách.",
                "bad form url");
        err_field(e, "form_url");
        return -1;
    }
    struct {
        const char *in;
        const char **out;
        const char *field;
    } texts[] = {{in->time_text, &out->time_text, "time_text"}, {in->fee_text, &out->fee_text, "fee_text"},
                 {in->papers, &out->papers, "papers"},          {in->submit_where, &out->submit_where, "submit_where"},
                 {in->legal_basis, &out->legal_basis, "legal_basis"}, {in->result, &out->result, "result"}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        *texts[i].out = text_trim(a, texts[i].in);
        if (text_char_count(*texts[i].out) > MAX_TEXT) {
            err_set(e, 400, "Nội dung quá dài (tối đa 4000 ký tự mỗi mục).", "too long: %s", texts[i].field);
            err_field(e, texts[i].field);
            return -1;
        }
    }
    return 0;
}

static char *search_key(arena *a, const procedure *p, const char *keywords)
{
    return text_fold(a, arena_printf(a, "%s %s %s %s", p->name, p->code, p->field, keywords));
}

/* The keywords a save leaves on the procedure: the new ones, else those it has. */
static const char *keywords_after(db *d, arena *a, int64_t id, const procedure *p)
{
    if (p->keywords || !id) return p->keywords ? p->keywords : "";
    db_stmt *s = db_prepare(d, "SELECT keywords FROM procedures WHERE id = ?");
    db_bind_int(s, 1, id);
    const char *k = db_step(s) == DB_ROW ? arena_strdup(a, db_col_text(s, 0)) : "";
    db_done(s);
    return k;
}

/* Writes one procedure inside the caller's transaction. */
static int write_procedure(db *d, arena *a, int64_t id, const procedure *p, int64_t now, int64_t *out_id)
{
    const char *keywords = keywords_after(d, a, id, p);
    db_stmt *s;
    if (id) {
        s = db_prepare(d, "UPDATE procedures SET unit_id = ?1, code = ?2, name = ?3, field = ?4, search_key = ?5, "
                          "days = ?6, time_text = ?7, fee = ?8, fee_text = ?9, papers = ?10, submit_where = ?11, "
                          "online_level = ?12, legal_basis = ?13, result = ?14, updated_at = ?15, letter_occasion = COALESCE(?17, letter_occasion), "
                          "keywords = ?18, form_url = COALESCE(?19, form_url) WHERE id = ?16");
        db_bind_int(s, 16, id);
    } else {
        s = db_prepare(d, "INSERT INTO procedures (unit_id, code, name, field, search_key, days, time_text, fee, "
                          "fee_text, papers, submit_where, online_level, legal_basis, result, updated_at, created_at, "
                          "letter_occasion, keywords, form_url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                          "?14, ?15, ?15, COALESCE(?17, ''), ?18, COALESCE(?19, ''))");
    }
    db_bind_int(s, 1, p->unit_id);
    db_bind_text(s, 2, p->code);
    db_bind_text(s, 3, p->name);
    db_bind_text(s, 4, p->field);
    db_bind_text(s, 5, search_key(a, p, keywords));
    db_bind_text(s, 18, keywords);
    if (p->days >= 0) db_bind_int(s, 6, p->days); else db_bind_null(s, 6);
    db_bind_text(s, 7, p->time_text);
    if (p->fee >= 0) db_bind_int(s, 8, p->fee); else db_bind_null(s, 8);
    db_bind_text(s, 9, p->fee_text);
    db_bind_text(s, 10, p->papers);
    db_bind_text(s, 11, p->submit_where);
    db_bind_text(s, 12, p->online_level);
    db_bind_text(s, 13, p->legal_basis);
    db_bind_text(s, 14, p->result);
    db_bind_int(s, 15, now);
    if (p->letter) db_bind_text(s, 17, p->letter); else db_bind_null(s, 17);
    if (p->form_url) db_bind_text(s, 19, p->form_url); else db_bind_null(s, 19);
    int rc = db_step(s);
    db_done(s);
    if (rc == DB_DONE && out_id) *out_id = id ? id : db_last_id(d);
    return rc;
}

typedef struct {
    arena *a;   /* the caller's: it waits, so the writer may use it */
    int64_t id, actor_id;
    const procedure *p;
    int64_t new_id;   /* out */
} save_ctx;

static int save_tx(db *c, void *ctx, err *e)
{
    save_ctx *x = ctx;
    const procedure *p = x->p;
    int64_t now = (int64_t)clock_now();
    int rc = write_procedure(c, x->a, x->id, p, now, &x->new_id);
    if (rc == DB_CONSTRAINT) {
        err_set(e, 409, "Đơn vị này đã có thủ tục mang mã này.", "duplicate code %s", p->code);
        err_field(e, "code");
        return -1;
    }
    if (x->id && rc == DB_DONE && db_changes(c) == 0) {
        err_set(e, 404, "Không tìm thấy thủ tục.", "no procedure %lld", (long long)x->id);
        return -1;
    }
    if (rc != DB_DONE ||
        audit_append(c, now, x->actor_id, p->unit_id, x->id ? "procedure.update" : "procedure.create", "procedure",
                     x->new_id, json_pack("{s:s, s:s}", "code", p->code, "name", p->name))) {
        err_set(e, 500, "Không lưu được thủ tục.", "save procedure: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int catalog_save(db *d, arena *a, int64_t id, const procedure *p, int64_t actor_id, int64_t *out_id, err *e)
{
    save_ctx x = {.a = a, .id = id, .actor_id = actor_id, .p = p};
    if (db_write(d, save_tx, &x, e) != 0) return -1;
    if (out_id) *out_id = x.new_id;
    return 0;
}

/* ---- reading ------------------------------------------------------------------------ */

#define PROC_COLUMNS                                                                                 \
    "p.id, p.code, p.name, p.field, p.days, p.time_text, p.fee, p.fee_text, p.papers, p.submit_where, " \
    "p.online_level, p.legal_basis, p.result, u.code, u.name, p.search_key, p.updated_at, p.letter_occasion, " \
    "p.keywords, p.unit_id, p.form_url"

static json_t *papers_array(const char *papers)
{
    json_t *arr = json_array();
    const char *p = papers;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
        const char *start = p;
        while (n && (*start == ' ' || *start == '\t' || *start == '-')) start++, n--;
        if (n) json_array_append_new(arr, json_stringn(start, n));
        if (!nl) break;
        p = nl + 1;
    }
    return arr;
}

static json_t *procedure_row(db_stmt *s, arena *a, bool full)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0), "code",
                          db_col_text(s, 1), "name", db_col_text(s, 2), "field", db_col_text(s, 3), "unit_code",
                          db_col_text(s, 13), "unit_name", db_col_text(s, 14), "url",
                          link_procedure(a, db_col_int(s, 0)));
    int64_t days = db_col_int(s, 4);
    bool days_null = db_col_null(s, 4);
    json_object_set_new(o, "days", days_null ? json_null() : json_integer(days));
    json_object_set_new(o, "has_days", json_boolean(!days_null));
    json_object_set_new(o, "same_day", json_boolean(!days_null && days == 0));
    json_object_set_new(o, "days_display",
                        json_string(days_null ? "" : days == 0 ? "Trong ngày" : arena_printf(a, "%lld ngày làm việc", (long long)days)));
    json_object_set_new(o, "time_text", json_string(db_col_text(s, 5)));
    bool fee_null = db_col_null(s, 6);
    int64_t fee = db_col_int(s, 6);
    json_object_set_new(o, "fee", fee_null ? json_null() : json_integer(fee));
    json_object_set_new(o, "has_fee", json_boolean(!fee_null));
    json_object_set_new(o, "free", json_boolean(!fee_null && fee == 0));
    json_object_set_new(o, "fee_amount", json_string(fee_null ? "" : text_money(a, fee)));
    json_object_set_new(o, "fee_display",
                        json_string(fee_null ? "" : fee == 0 ? "Miễn phí" : arena_printf(a, "%s đồng", text_money(a, fee))));
    json_object_set_new(o, "fee_text", json_string(db_col_text(s, 7)));
    json_object_set_new(o, "online_level", json_string(db_col_text(s, 10)));
    json_object_set_new(o, "online_label", json_string(online_label(db_col_text(s, 10))));
    if (full) {
        json_object_set_new(o, "papers", papers_array(db_col_text(s, 8)));
        json_object_set_new(o, "papers_text", json_string(db_col_text(s, 8)));
        json_object_set_new(o, "submit_where", json_string(db_col_text(s, 9)));
        json_object_set_new(o, "legal_basis", json_string(db_col_text(s, 11)));
        json_object_set_new(o, "result", json_string(db_col_text(s, 12)));
        json_object_set_new(o, "updated_at", json_integer(db_col_int(s, 16)));
        json_object_set_new(o, "letter", json_string(db_col_text(s, 17)));
        json_object_set_new(o, "letter_label", json_string(catalog_letter_label(db_col_text(s, 17))));
        json_object_set_new(o, "keywords", json_string(db_col_text(s, 18)));
        json_object_set_new(o, "unit_id", json_integer(db_col_int(s, 19)));
        json_object_set_new(o, "form_url", json_string(db_col_text(s, 20)));
    }
    return o;
}

json_t *catalog_get(db *d, arena *a, int64_t id)
{
    db_stmt *s = db_prepare(d, "SELECT " PROC_COLUMNS " FROM procedures p JOIN units u ON u.id = p.unit_id "
                               "WHERE p.id = ? AND p.active = 1");
    db_bind_int(s, 1, id);
    json_t *o = db_step(s) == DB_ROW ? procedure_row(s, a, true) : NULL;
    db_done(s);
    return o;
}

int64_t catalog_unit_of(db *d, int64_t id)
{
    return db_int_by_id(d, "SELECT unit_id FROM procedures WHERE id = ?", id, -1);
}

/* ---- search ----------------------------------------------------------------------------- */

#define MAX_QUERY_WORDS 16

/* y as i, since both are written ("đăng ký"/"đăng kí", "quy"/"qui"): on a copy of text
 * already folded (a stored search_key) */
static char *y_as_i(arena *a, const char *folded)
{
    char *f = arena_strdup(a, folded);
    for (char *p = f; *p; p++)
        if (*p == 'y') *p = 'i';
    return f;
}

/* Folds for comparison: text_fold, then y as i. */
static char *search_fold(arena *a, const char *s)
{
    return y_as_i(a, text_fold(a, s ? s : ""));
}

/* Letters, digits, the dots and dashes of codes (1.001193), and any non-ASCII byte. */
static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || (unsigned char)c >= 0x80;
}

/* Splits folded text into words; returns how many (at most max). */
static int split_words(arena *a, const char *folded, const char **out, int max)
{
    char *p = arena_strdup(a, folded);
    int n = 0;
    while (*p && n < max) {
        while (*p && !word_char(*p)) p++;
        if (!*p) break;
        out[n++] = p;
        while (*p && word_char(*p)) p++;
        if (*p) *p++ = '\0';
    }
    return n;
}

/* The filler words and phrases (data/catalog/search-fillers.txt), folded once: lines of
 * space-separated words, kept for the life of the program. */
static char *fillers;
static pthread_once_t fillers_once = PTHREAD_ONCE_INIT;

static void load_fillers(void)
{
    const static_asset *f = data_file_find("search-fillers.txt");
    arena *a = arena_new();
    buf out;
    buf_init(&out, a);
    char *text = arena_strndup(a, f ? f->data : "", f ? f->size : 0), *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (*line == '#') continue;
        const char *w[8];
        int k = split_words(a, search_fold(a, line), w, 8);
        for (int j = 0; j < k; j++) buf_printf(&out, "%s%s", w[j], j + 1 < k ? " " : "\n");
    }
    fillers = strdup(buf_cstr(&out));
    arena_free(a);
    if (!fillers) abort();
}

/* Marks the words of the query that are filler words or phrases. */
static void mark_fillers(arena *a, const char **words, int n, bool *filler)
{
    if (n == 0) return;
    pthread_once(&fillers_once, load_fillers);
    char *text = arena_strdup(a, fillers), *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        const char *phrase[8];
        int k = split_words(a, line, phrase, 8);
        for (int i = 0; k && i + k <= n; i++) {
            bool same = true;
            for (int j = 0; j < k && same; j++) same = !strcmp(words[i + j], phrase[j]);
            for (int j = 0; same && j < k; j++) filler[i + j] = true;
        }
    }
}

/* Is w in key as a whole word (not only inside a longer one)? */
static bool has_word(const char *key, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = strstr(key, w); p; p = strstr(p + 1, w))
        if ((p == key || !word_char(p[-1])) && !word_char(p[n])) return true;
    return false;
}

typedef struct {
    int score;
    size_t name_len;
    int seq;          /* the order the database gave: the last tie-break */
    json_t *row;
} search_hit;

static int by_rank(const void *x, const void *y)
{
    const search_hit *a = x, *b = y;
    if (a->score != b->score) return b->score - a->score;
    if (a->name_len != b->name_len) return a->name_len < b->name_len ? -1 : 1;
    return a->seq - b->seq;
}

/* How well a procedure's key matches the words that must all be in it: 0 when one is
 * missing; else two points a whole word, one a word only inside another, and three more when
 * the words stand in the key as typed. */
static int match_score(const char *key, const char **words, int n, const char *phrase)
{
    int score = 1;
    for (int i = 0; i < n; i++) {
        if (!strstr(key, words[i])) return 0;
        score += has_word(key, words[i]) ? 2 : 1;
    }
    if (n > 1 && strstr(key, phrase)) score += 3;
    return score;
}

json_t *catalog_search(db *d, arena *a, const catalog_query *q, int64_t *total)
{
    unit_chain chain;
    unit_chain_of(d, q->unit_id, &chain);
    const char *all[MAX_QUERY_WORDS], *words[MAX_QUERY_WORDS];
    int nall = split_words(a, search_fold(a, q->q), all, MAX_QUERY_WORDS);
    bool filler[MAX_QUERY_WORDS] = {false};
    mark_fillers(a, all, nall, filler);
    int nwords = 0;
    for (int i = 0; i < nall; i++)
        if (!filler[i]) words[nwords++] = all[i];
    if (nwords == 0)   /* only filler words ("giấy tờ"): search for them after all */
        for (int i = 0; i < nall; i++) words[nwords++] = all[i];
    buf phrase;
    buf_init(&phrase, a);
    for (int i = 0; i < nwords; i++) buf_printf(&phrase, "%s%s", i ? " " : "", words[i]);
    const char *joined = buf_cstr(&phrase);

    db_stmt *s = db_prepare(d, "SELECT " PROC_COLUMNS " FROM procedures p JOIN units u ON u.id = p.unit_id "
                               "WHERE p.active = 1 AND p.unit_id IN " UNIT_CHAIN_IN " AND (?9 = '' OR p.field = ?9) "
                               "ORDER BY p.search_key, p.id");
    unit_chain_bind(s, 1, &chain);
    db_bind_text(s, UNIT_CHAIN_MAX + 1, q->field ? q->field : "");
    search_hit *hits = NULL;
    int nhits = 0, cap = 0;
    while (db_step(s) == DB_ROW) {
        int score = match_score(y_as_i(a, db_col_text(s, 15)), words, nwords, joined);
        if (!score) continue;
        if (nhits == cap) {
            cap = cap ? cap * 2 : 64;
            search_hit *grown = arena_alloc(a, (size_t)cap * sizeof *grown);
            if (nhits) memcpy(grown, hits, (size_t)nhits * sizeof *grown);
            hits = grown;
        }
        /* without a query the catalogue keeps its alphabetical order */
        hits[nhits] = (search_hit){score, nwords ? strlen(db_col_text(s, 2)) : 0, nhits, procedure_row(s, a, false)};
        nhits++;
    }
    db_done(s);
    if (nhits) qsort(hits, (size_t)nhits, sizeof *hits, by_rank);
    *total = nhits;
    json_t *page = json_array();
    int limit = q->limit > 0 ? q->limit : 50;
    for (int i = 0; i < nhits; i++) {
        if (i >= (q->offset > 0 ? q->offset : 0) && limit > 0) {
            json_array_append(page, hits[i].row);
            limit--;
        }
        json_decref(hits[i].row);
    }
    return page;
}

json_t *catalog_fields(db *d, int64_t unit_id)
{
    unit_chain chain;
    unit_chain_of(d, unit_id, &chain);
    db_stmt *s = db_prepare(d, "SELECT field, count(*) FROM procedures WHERE active = 1 AND unit_id IN " UNIT_CHAIN_IN
                               " AND field <> '' GROUP BY field ORDER BY field");
    unit_chain_bind(s, 1, &chain);
    json_t *rows = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(rows, json_pack("{s:s, s:I}", "name", db_col_text(s, 0), "count",
                                              (json_int_t)db_col_int(s, 1)));
    db_done(s);
    return rows;
}

/* ---- CSV ---------------------------------------------------------------------------- */

typedef struct {
    db *d;
    arena *a;
    int col[NCOLUMNS];        /* CSV column index of each known column, -1 if absent */
    procedure *rows;
    int nrows, cap;
    buf report;
    int errors;
    bool (*may_write)(void *, int64_t);
    void *may_ctx;
    json_t *seen;             /* "unit|code" -> line, to catch duplicates inside the file */
} import_state;

static void report(import_state *st, int line, const char *msg)
{
    if (st->errors < 200) buf_printf(&st->report, "dòng %d: %s\n", line, msg);
    st->errors++;
}

/* A cell a spreadsheet would take for a formula: = + - @, a tab or a carriage return first
 * (OWASP "CSV injection"); also one that already starts with apostrophes before such a
 * character, so that taking one apostrophe off on import gives back exactly what was saved. */
static bool formula_like(const char *v)
{
    while (*v == '\'') v++;
    return *v && strchr("=+-@\t\r", *v) != NULL;
}

static const char *unescape_formula(const char *v)
{
    return v[0] == '\'' && formula_like(v) ? v + 1 : v;
}

static int import_row(void *ctx, int line, char **cells, int ncells)
{
    import_state *st = ctx;
    if (line == 1) {
        for (int k = 0; k < NCOLUMNS; k++) st->col[k] = -1;
        for (int i = 0; i < ncells; i++) {
            char *name = text_trim(st->a, cells[i]);
            bool known = false;
            for (int k = 0; k < NCOLUMNS; k++)
                if (!strcmp(name, catalog_csv_columns[k])) st->col[k] = i, known = true;
            if (!known) report(st, line, arena_printf(st->a, "cột \"%s\" không được hỗ trợ", name));
        }
        if (st->col[0] < 0 || st->col[2] < 0) report(st, line, "thiếu cột bắt buộc unit_code hoặc name");
        return 0;
    }
    if (ncells == 1 && cells[0][0] == '\0') return 0;   /* blank line */
    if (st->nrows + st->errors >= CATALOG_IMPORT_MAX_ROWS) {
        report(st, line, "tệp có quá 5.000 dòng thủ tục; hãy chia thành nhiều tệp nhỏ hơn");
        return 1;   /* stop reading: the rest would only cost time */
    }
    const char *v[NCOLUMNS];
    for (int k = 0; k < NCOLUMNS; k++) {
        v[k] = "";
        if (st->col[k] < 0 || st->col[k] >= ncells) continue;
        char *clean = NULL;
        const char *raw = unescape_formula(cells[st->col[k]]);
        if (text_clean(st->a, raw, strlen(raw), true, 0, &clean) != TEXT_OK) {
            report(st, line, arena_printf(st->a, "cột %s không phải văn bản UTF-8 hợp lệ", catalog_csv_columns[k]));
            return 0;
        }
        v[k] = clean;
    }
    if (ncells > 0 && st->col[0] >= 0 && ncells <= st->col[0]) {
        report(st, line, "thiếu ô so với dòng tiêu đề");
        return 0;
    }
    procedure_fields in = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
                           st->col[COL_LETTER] < 0 ? NULL : v[COL_LETTER],
                           st->col[COL_KEYWORDS] < 0 ? NULL : v[COL_KEYWORDS],
                           st->col[COL_FORM_URL] < 0 ? NULL : v[COL_FORM_URL]};
    procedure p;
    err e = {0};
    if (catalog_check(st->d, st->a, &in, &p, &e) != 0) {
        report(st, line, arena_printf(st->a, "%s (cột %s)", e.user, e.field));
        return 0;
    }
    if (st->may_write && !st->may_write(st->may_ctx, p.unit_id)) {
        report(st, line, "bạn không có quyền cập nhật danh mục của đơn vị này");
        return 0;
    }
    if (*p.code) {
        const char *key = arena_printf(st->a, "%lld|%s", (long long)p.unit_id, p.code);
        json_t *prev = json_object_get(st->seen, key);
        if (prev) {
            report(st, line, arena_printf(st->a, "mã thủ tục %s trùng với dòng %lld", p.code,
                                          (long long)json_integer_value(prev)));
            return 0;
        }
        json_object_set_new(st->seen, key, json_integer(line));
    }
    if (st->nrows == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 64;
        procedure *grown = arena_alloc(st->a, (size_t)st->cap * sizeof *grown);
        if (st->nrows) memcpy(grown, st->rows, (size_t)st->nrows * sizeof *grown);
        st->rows = grown;
    }
    st->rows[st->nrows++] = p;
    return 0;
}

/* The procedure a CSV row updates: same unit and code; a row without a code matches a
 * code-less procedure of the same unit with the same name, so an export re-imports cleanly.
 * Each query names its partial index's condition (code <> '' or code = ''), so that it is
 * one index look-up and not a reading of the unit's catalogue for every row. */
static int64_t existing_id(db *d, int64_t unit_id, const char *code, const char *name)
{
    db_stmt *s = *code ? db_prepare(d, "SELECT id FROM procedures WHERE unit_id = ? AND code = ? AND code <> ''")
                       : db_prepare(d, "SELECT id FROM procedures WHERE unit_id = ? AND name = ? AND code = '' "
                                       "ORDER BY id LIMIT 1");
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, *code ? code : name);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    return id;
}

typedef struct {
    arena *a;   /* the caller's: it waits, so the writer may use it */
    int64_t actor_id;
    const procedure *rows;
    int nrows;
} import_ctx;

/* Every checked row in one write, with one audit row per unit. */
static int import_tx(db *c, void *ctx, err *e)
{
    import_ctx *x = ctx;
    int64_t now = (int64_t)clock_now();
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    json_t *by_unit = json_object();   /* unit id -> codes written, one audit row per unit */
    for (int i = 0; i < x->nrows; i++) {
        const procedure *p = &x->rows[i];
        /* every intake of the province waits for this write, and a stopping server for this
         * request: give up (nothing saved) rather than hold them */
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - start.tv_sec > CATALOG_IMPORT_MAX_SECONDS) {
            json_decref(by_unit);
            err_set(e, 503, "Nhập danh mục mất quá nhiều thời gian nên đã dừng; chưa có dòng nào được lưu. "
                            "Hãy chia tệp thành nhiều tệp nhỏ hơn rồi nhập lại.", "import over %d s at row %d",
                    CATALOG_IMPORT_MAX_SECONDS, i);
            return -1;
        }
        int64_t id = existing_id(c, p->unit_id, p->code, p->name);
        if (write_procedure(c, x->a, id, p, now, NULL) != DB_DONE) {
            json_decref(by_unit);
            err_set(e, 500, "Không lưu được danh mục thủ tục.", "import write: %s", db_errmsg(c));
            return -1;
        }
        const char *key = arena_printf(x->a, "%lld", (long long)p->unit_id);
        json_t *codes = json_object_get(by_unit, key);
        if (!codes) json_object_set_new(by_unit, key, codes = json_array());
        json_array_append_new(codes, json_string(*p->code ? p->code : p->name));
    }
    int failed = 0;
    const char *key;
    json_t *codes;
    json_object_foreach(by_unit, key, codes) {
        failed |= audit_append(c, now, x->actor_id, strtoll(key, NULL, 10), "procedure.import", "procedure", 0,
                               json_pack("{s:I, s:O}", "count", (json_int_t)json_array_size(codes), "codes", codes));
    }
    json_decref(by_unit);
    if (failed) {
        err_set(e, 500, "Không lưu được danh mục thủ tục.", "import commit: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int catalog_import_csv(db *d, arena *a, const char *data, size_t len, int64_t actor_id,
                       bool (*may_write)(void *ctx, int64_t unit_id), void *ctx, int *imported, char **out_report,
                       err *e)
{
    *imported = 0;
    import_state st = {.d = d, .a = a, .may_write = may_write, .may_ctx = ctx, .seen = json_object()};
    buf_init(&st.report, a);
    char perr[256] = "";
    int rc = catalog_csv_parse(data, len, import_row, &st, perr, sizeof perr);
    if (rc > 0) rc = 0;   /* import_row stopped at the row cap and said so */
    json_decref(st.seen);
    if (rc < 0) {
        /* the parser's own message already names the line */
        buf_init(&st.report, a);
        buf_printf(&st.report, "%s\n", perr);
        st.errors++;
    }
    if (rc == 0 && st.nrows == 0 && st.errors == 0) report(&st, 1, "tệp không có dòng thủ tục nào");
    *out_report = (char *)buf_cstr(&st.report);
    if (st.errors || rc < 0) {
        err_set(e, 400, "Tệp CSV có lỗi; chưa có dòng nào được lưu.", "csv import: %d errors", st.errors);
        return -1;
    }
    import_ctx x = {.a = a, .actor_id = actor_id, .rows = st.rows, .nrows = st.nrows};
    if (db_write(d, import_tx, &x, e) != 0) return -1;
    *imported = st.nrows;
    return 0;
}

static void csv_cell(buf *out, const char *s, bool last)
{
    buf_putc(out, '"');
    if (formula_like(s)) buf_putc(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"') buf_putc(out, '"');
        buf_putc(out, *p);
    }
    buf_putc(out, '"');
    buf_puts(out, last ? "\r\n" : ",");
}

int catalog_export_csv(db *d, arena *a, int64_t unit_id, buf *out)
{
    for (int k = 0; k < NCOLUMNS; k++) {
        buf_puts(out, catalog_csv_columns[k]);
        buf_puts(out, k == NCOLUMNS - 1 ? "\r\n" : ",");
    }
    db_stmt *s = db_prepare(d, "SELECT u.code, p.code, p.name, p.field, p.days, p.time_text, p.fee, p.fee_text, "
                               "p.papers, p.submit_where, p.online_level, p.legal_basis, p.result, p.letter_occasion, p.keywords, "
                               "p.form_url FROM procedures p JOIN units u ON u.id = p.unit_id "
                               "WHERE p.active = 1 AND (? = 0 OR p.unit_id = ?) ORDER BY u.code, p.search_key, p.id");
    db_bind_int(s, 1, unit_id);
    db_bind_int(s, 2, unit_id);
    int n = 0;
    while (db_step(s) == DB_ROW) {
        for (int k = 0; k < NCOLUMNS; k++) {
            const char *v = db_col_null(s, k) ? "" : db_col_text(s, k);
            csv_cell(out, arena_strdup(a, v), k == NCOLUMNS - 1);
        }
        n++;
    }
    db_done(s);
    return n;
}
