/* letter_web.c -- the pages of letters of care (letter.h): the list with its filters and
 * batch printing, a staff-written letter, one letter (its words, details, delivery,
 * cancellation, PDF), the citizen's copy by its link, the unit's templates with a live
 * preview (letter_editor.js posts the form as it is typed; without script the editor still
 * saves), and the yearly counts reports use.
 *
 * Every staff page sees the same letters, those account_can_access allows (the user's unit,
 * and the units below it for the roles that see them): the list and printing by filter
 * through letter_query's unit and unit_only, one letter through scope_letter_param (the
 * router asks account_can_access), printing of ticked letters by checking each one. */
#include <string.h>

#include "../account/account.h"
#include "../core/calendar.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../kit/links.h"
#include "../kit/web.h"
#include "../kit/form.h"
#include "letter.h"

#define PAGE_SIZE 50
#define BATCH_MAX 500   /* letters in one printed PDF */

/* The list's status filter; "ceremony" = proposed with a ceremony slot, soonest first;
 * "stale" = congratulations and condolences past their unit's limit, which the others (and
 * "all") leave out: printed by filter only when chosen by name. */
static const char *const STATUSES[][2] = {{"proposed", N_("Chờ trao")},
                                          {"ceremony", N_("Buổi lễ trao thư sắp tới")},
                                          {"delivered", N_("Đã trao")},
                                          {"cancelled", N_("Đã hủy")},
                                          {"stale", N_("Quá hạn trao")}};
#define NSTATUSES (sizeof STATUSES / sizeof STATUSES[0])

static bool parse_id(req *r, int64_t *id) { return web_id_or_404(r, "id", N_("Không tìm thấy thư."), id); }

int64_t scope_letter_param(req *r) { return web_scope_by_table(r, "letters"); }

static json_t *error_json(req *r, const err *e)
{
    return json_pack("{s:{s:i, s:s, s:s}}", "error", "status", e->status, "message", T(r, e->user), "field", e->field);
}

static const char *form_or_empty(req *r, const char *name)
{
    const char *v = req_form(r, name);
    return v ? v : "";
}

static const char *url_part(req *r, const char *s)
{
    char *out = NULL;
    form_url_encode(r->a, s ? s : "", &out);
    return out ? out : "";
}

/* "dd/mm/yyyy" of a stored "YYYY-MM-DD"; as stored when it is not one. */
static const char *iso_to_text(req *r, const char *iso)
{
    cal_day day;
    if (!iso || !cal_parse_date(iso, &day)) return iso ? iso : "";
    return vn_day_date(r->a, day);
}

/* today as the date fields show it (dd/mm/yyyy, whatever the browser's locale) */
static const char *today_dmy(req *r)
{
    char *s = arena_alloc(r->a, 11);
    cal_format_dmy(cal_local_day(req_now(r)), s);
    return s;
}

static int this_year(req *r)
{
    int y, m, d;
    cal_to_ymd(cal_local_day(req_now(r)), &y, &m, &d);
    return y;
}

/* ---- the words of a letter as a page ------------------------------------------------------ */

/* The body's paragraphs (separated by a blank line) for the page: {text, display}, where a
 * paragraph whose first line starts with "# " is a display line (letter.h). */
static json_t *paragraphs(arena *a, const char *body)
{
    json_t *out = json_array();
    buf cur;
    buf_init(&cur, a);
    const char *p = body ? body : "";
    for (;;) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n && p[n - 1] == '\r') n--;
        bool blank = true;
        for (size_t i = 0; i < n; i++) blank &= p[i] == ' ' || p[i] == '\t';
        if (!blank) {
            if (cur.len) buf_add(&cur, "\n", 1);
            buf_add(&cur, p, n);
        }
        if ((blank || !end) && cur.len) {
            const char *text = buf_cstr(&cur);
            bool display = !strncmp(text, "# ", 2);
            json_array_append_new(out, json_pack("{s:s, s:b}", "text", display ? text + 2 : text, "display", display));
            buf_init(&cur, a);
        }
        if (!end) break;
        p = end + 1;
    }
    return out;
}

/* The view of rendered words plus the signature and date lines of a letter. */
static json_t *words_view(arena *a, const letter_words *w, const char *const values[LETTER_NVARS])
{
    json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s}", "title", w->title ? w->title : "", "greeting",
                          w->greeting ? w->greeting : "", "paragraphs", paragraphs(a, w->body), "closing",
                          w->closing ? w->closing : "", "signer", values[LV_SIGNER] ? values[LV_SIGNER] : "",
                          "signer_title", values[LV_SIGNER_TITLE] ? values[LV_SIGNER_TITLE] : "", "place",
                          values[LV_PLACE] ? values[LV_PLACE] : "", "date", values[LV_DATE] ? values[LV_DATE] : "");
    return o;
}

/* ---- the list ------------------------------------------------------------------------------ */

typedef struct {
    letter_query q;
    const char *from_text, *to_text;   /* the dates as typed, echoed into the form */
    const char *qs;                    /* the filters as a query string, for links */
} letter_filter;

static const char *valid_status(const char *s)
{
    for (size_t i = 0; s && i < NSTATUSES; i++)
        if (!strcmp(STATUSES[i][0], s)) return s;
    return NULL;
}

/* A day typed as dd/mm/yyyy (or YYYY-MM-DD): the instant its local day starts (plus `days`); 0 if blank or bad. */
static int64_t day_instant(const char *s, int days)
{
    cal_day day;
    if (!s || !cal_parse_typed_date(s, &day)) return 0;
    return cal_instant(day + days, 0);
}

/* The filters as a query string without the empty ones ("loai=thanks&q=an"); with_status
 * false leaves the status out (the status links add their own). */
static const char *filter_qs(req *r, const letter_filter *f, bool with_status)
{
    const char *const pairs[][2] = {{"loai", f->q.kind},        {"dip", f->q.occasion}, {"trang_thai", with_status ? f->q.status : NULL},
                                    {"tu", f->from_text},       {"den", f->to_text},    {"q", f->q.q}};
    const char *out = "";
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (pairs[i][1] && *pairs[i][1])
            out = arena_printf(r->a, "%s%s%s=%s", out, *out ? "&" : "", pairs[i][0], url_part(r, pairs[i][1]));
    return out;
}

/* The filters of the list and of "print all": ?loai=&dip=&trang_thai=&tu=&den=&q= */
static letter_filter read_filter(req *r)
{
    /* the letters this user may open one by one (account_can_access), no more */
    letter_filter f = {.q = {.unit_id = r->user->unit_id, .unit_only = !account_role_sees_subtree(r->user->role),
                             .now = req_now(r)}};
    const char *kind = req_query(r, "loai"), *occ = req_query(r, "dip");
    f.q.kind = letter_kind_index(kind) >= 0 ? kind : NULL;
    f.q.occasion = letter_occasion_find(occ) ? occ : NULL;
    f.q.status = valid_status(req_query(r, "trang_thai"));
    const char *q = req_query(r, "q");
    f.q.q = q && !text_is_blank(q) ? text_trim(r->a, q) : NULL;
    f.from_text = req_query(r, "tu");
    f.to_text = req_query(r, "den");
    f.q.from = day_instant(f.from_text, 0);
    f.q.to = day_instant(f.to_text, 1);   /* "to" is inclusive on the page */
    if (!f.q.from) f.from_text = NULL;
    if (!f.q.to) f.to_text = NULL;
    f.qs = filter_qs(r, &f, true);
    return f;
}

static json_t *kind_options(req *r, const char *sel)
{
    json_t *arr = json_array();
    for (int k = 0; k < LETTER_NKINDS; k++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", letter_kinds[k], "label",
                                             T(r, letter_kind_label(letter_kinds[k])), "selected",
                                             sel && !strcmp(sel, letter_kinds[k])));
    return arr;
}

static json_t *occasion_options(req *r, const char *sel, bool staff_written_only)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < letter_noccasions; i++) {
        const letter_occasion *o = &letter_occasions[i];
        if (staff_written_only && !o->staff_written) continue;
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", o->key, "label", T(r, o->label), "selected",
                                             sel && !strcmp(sel, o->key)));
    }
    return arr;
}

static json_t *pair_options(req *r, const char *const list[][2], size_t n, const char *sel)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", list[i][0], "label", T(r, list[i][1]),
                                             "selected", sel && !strcmp(sel, list[i][0])));
    return arr;
}

/* How many letters each status holds under the other filters: {all, proposed, ...}. */
static json_t *status_counts(req *r, const letter_filter *f)
{
    json_t *counts = json_object();
    letter_query q = f->q;
    q.limit = 1;
    q.offset = 0;
    for (size_t i = 0; i <= NSTATUSES; i++) {
        q.status = i ? STATUSES[i - 1][0] : NULL;
        int64_t n = 0;
        json_decref(letter_list(req_db(r), r->a, &q, &n));
        json_object_set_new(counts, i ? STATUSES[i - 1][0] : "all", json_integer(n));
    }
    return counts;
}

void page_letter_list(req *r)
{
    letter_filter f = read_filter(r);
    int64_t page = web_page_number(r), total = 0;
    f.q.limit = PAGE_SIZE;
    f.q.offset = web_page_offset(r, PAGE_SIZE);
    json_t *rows = letter_list(req_db(r), r->a, &f.q, &total);
    json_t *counts = status_counts(r, &f);
    if (r->want_json) {
        web_json(r, 200, json_pack("{s:o, s:I, s:o}", "letters", rows, "total", (json_int_t)total, "counts", counts));
        return;
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *st = json_get_str(row, "status");
        json_object_set_new(row, "is_proposed", json_boolean(!strcmp(st, "proposed")));
    }
    json_t *filters = json_array();
    const char *base_qs = filter_qs(r, &f, false);
    for (size_t k = 0; k <= NSTATUSES; k++) {
        const char *key = k ? STATUSES[k - 1][0] : "all";
        json_array_append_new(filters, json_pack("{s:s, s:O, s:s, s:b}", "status_label", k ? STATUSES[k - 1][1] : N_("Tất cả"),
                                                 "count", json_object_get(counts, key), "href",
                                                 arena_printf(r->a, "/thu?%s%s%s", base_qs,
                                                              k && *base_qs ? "&" : "", k ? arena_printf(r->a, "trang_thai=%s", key) : ""),
                                                 "current", k ? f.q.status && !strcmp(f.q.status, key) : !f.q.status));
    }
    json_t *model = json_pack("{s:o, s:I, s:o, s:o}", "letters", rows, "total", (json_int_t)total, "counts", counts,
                              "filters", filters);
    json_object_set_new(model, "kinds", kind_options(r, f.q.kind));
    json_object_set_new(model, "occasions", occasion_options(r, f.q.occasion, false));
    json_object_set_new(model, "statuses", pair_options(r, STATUSES, NSTATUSES, f.q.status));
    json_object_set_new(model, "q", json_str(f.q.q));
    json_object_set_new(model, "from", json_str(f.from_text));
    json_object_set_new(model, "to", json_str(f.to_text));
    json_object_set_new(model, "print_all", json_string(arena_printf(r->a, "/thu/in.pdf?%s", f.qs)));
    json_object_set_new(model, "too_many", json_boolean(total > BATCH_MAX));
    json_object_set_new(model, "batch_max", json_integer(BATCH_MAX));
    if (page > 1)
        json_object_set_new(model, "prev_url", json_string(arena_printf(r->a, "/thu?%s%strang=%lld", f.qs, *f.qs ? "&" : "", (long long)page - 1)));
    if (page * PAGE_SIZE < total)
        json_object_set_new(model, "next_url", json_string(arena_printf(r->a, "/thu?%s%strang=%lld", f.qs, *f.qs ? "&" : "", (long long)page + 1)));
    json_object_set_new(model, "page", web_page_info(r, "Thư gửi người dân"));
    web_render(r, 200, "letter/list", model);
}

/* ---- printing ------------------------------------------------------------------------------ */

static void send_pdf(req *r, const int64_t *ids, size_t n, const char *filename)
{
    buf out;
    buf_init(&out, r->a);
    err e = {0};
    if (letter_pdf(req_db(r), r->a, ids, n, &out, &e)) {
        web_err(r, &e);
        return;
    }
    web_header(r, "Content-Disposition", arena_printf(r->a, "inline; filename=\"%s\"", filename));
    web_header(r, "Cache-Control", "private, no-store");
    web_body(r, 200, "application/pdf", out.data, out.len);
}

void page_letter_pdf(req *r)
{
    int64_t id;
    if (!parse_id(r, &id)) return;
    send_pdf(r, &id, 1, arena_printf(r->a, "thu-%lld.pdf", (long long)id));
}

/* POST /thu/in with the ticked letters (id=..., repeated), or GET /thu/in.pdf with the list's
 * filters: one PDF, each letter on its own page. */
void page_letter_batch_pdf(req *r)
{
    int64_t *ids = arena_alloc(r->a, (BATCH_MAX + 1) * sizeof *ids);
    size_t n = 0;
    db *d = req_db(r);
    if (!strcmp(r->method, "POST")) {
        for (const kv *k = r->form; k; k = k->next) {
            if (strcmp(k->name, "id")) continue;
            int64_t id;
            if (n == BATCH_MAX) {
                web_error(r, 400, N_("Mỗi lần in được tối đa 500 thư."));
                return;
            }
            if (!text_parse_uint(k->value, INT64_MAX, &id) || letter_unit_of(d, id) < 0) {
                web_error(r, 404, N_("Không tìm thấy thư."));
                return;
            }
            /* the route names no unit: each letter is checked here */
            if (!account_can_access(d, r->user, letter_unit_of(d, id))) {
                web_error(r, 403, N_("Bạn không có quyền truy cập dữ liệu của đơn vị này."));
                return;
            }
            ids[n++] = id;
        }
        if (!n) {
            web_error(r, 400, N_("Chưa chọn thư nào để in. Đánh dấu các thư cần in trong danh sách."));
            return;
        }
    } else {
        letter_filter f = read_filter(r);
        n = letter_list_ids(d, r->a, &f.q, ids, BATCH_MAX + 1);
        if (n > BATCH_MAX) {
            web_error(r, 400, N_("Bộ lọc có hơn 500 thư. Xin thu hẹp bộ lọc (theo ngày, loại thư, trạng thái) rồi in lại."));
            return;
        }
        if (!n) {
            web_error(r, 404, N_("Không có thư nào theo bộ lọc này để in."));
            return;
        }
    }
    send_pdf(r, ids, n, "thu.pdf");
}

/* The recipient's copy, by the link sent with an electronic delivery: no account. */
void page_letter_public_pdf(req *r)
{
    db *d = req_db(r);
    int64_t id = letter_id_by_token(d, req_param(r, "token"));
    json_t *l = id > 0 ? letter_get(d, r->a, id) : NULL;
    bool ok = l && !strcmp(json_get_str(l, "status"), "delivered") &&
              !strcmp(json_get_str(l, "delivery_method"), "electronic");
    json_decref(l);
    if (!ok) {
        web_error(r, 404, N_("Không tìm thấy thư. Xin kiểm tra lại đường dẫn trong tin nhắn hoặc thư điện tử đã nhận."));
        return;
    }
    web_header(r, "X-Robots-Tag", "noindex");
    send_pdf(r, &id, 1, "thu.pdf");
}

/* ---- a staff-written letter, and the details of a proposed one ------------------------------ */

typedef struct {
    const char *name, *label, *hint, *type;   /* type: "text", "email", "tel", "date", "datetime-local", "textarea",
                                                 "sex" (a choice of Ông or Bà); a date is shown as a text field in dd/mm/yyyy */
    const char *width;                        /* GOV.UK width class or "" */
} field_def;

static const field_def DETAIL_FIELDS[] = {
    {"recipient_name", N_("Họ tên người nhận"), N_("Bắt buộc. Ví dụ: Nguyễn Văn An"), "text", ""},
    {"recipient_sex", N_("Người nhận là"), N_("Để thư viết đúng “Ông” hoặc “Bà”"), "sex", ""},
    {"recipient_address", N_("Địa chỉ"), "", "text", ""},
    {"recipient_phone", N_("Số điện thoại"), N_("Để gửi thư điện tử hoặc tin nhắn có đường dẫn tới thư"), "tel", "govuk-input--width-10"},
    {"recipient_email", N_("Thư điện tử"), "", "email", "govuk-input--width-20"},
    {"person", N_("Người được nhắc tới"), N_("Trẻ được khai sinh, người kết hôn, người đã mất (nếu có)"), "text", ""},
    {"person_sex", N_("Người được nhắc tới là"), N_("Vợ hoặc chồng, người đã mất: để thư viết đúng “Ông” hoặc “Bà”"), "sex", ""},
    {"event_date", N_("Ngày của sự kiện"), N_("Ngày sinh, ngày kết hôn, ngày mất (nếu có)"), "date", "govuk-input--width-10"},
    {"detail", N_("Nội dung"), N_("Thư cảm ơn: việc đóng góp hoặc ý kiến được cảm ơn (bắt buộc). Chúc mừng dịp khác: dịp chúc mừng."), "textarea", ""},
    {"signer_name", N_("Người ký"), N_("Để trống: người đứng đầu đơn vị"), "text", ""},
    {"signer_title", N_("Chức vụ người ký"), "", "text", ""},
    {"ceremony_at", N_("Giờ trao thư tại buổi lễ (nếu có)"), "", "datetime-local", "govuk-input--width-20"},
};
#define NDETAIL_FIELDS (sizeof DETAIL_FIELDS / sizeof DETAIL_FIELDS[0])

/* The message of an error; about a date, with the day that was read in words (as the
 * page's script echoes it while typing), so a day and month swapped show at once. */
static const char *error_text(req *r, const err *e)
{
    const char *msg = T(r, e->user), *typed = *e->field ? req_form(r, e->field) : NULL;
    bool timed = !strcmp(e->field, "ceremony_at");
    if (!typed || (strcmp(e->field, "event_date") && strcmp(e->field, "delivered_on") && !timed)) return msg;
    cal_day day;
    int64_t at;
    if (timed ? !cal_parse_typed_time(typed, &at) : !cal_parse_typed_date(typed, &day)) return msg;
    if (timed) day = cal_local_day(at);
    char words[CAL_WORDS_MAX];
    cal_format_words(day, words);
    return arena_printf(r->a, "%s %s %s.", msg, T(r, N_("Ngày đã nhập:")), words);
}

/* The form's fields with their values (v) and the message of the one at fault (e). */
static json_t *detail_fields(req *r, json_t *v, const err *e)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < NDETAIL_FIELDS; i++) {
        const field_def *f = &DETAIL_FIELDS[i];
        bool bad = e && !strcmp(e->field, f->name);
        /* dates are text in the page's fixed format: the browser's date picker follows its
         * locale, and 07/01 typed on an English browser became 1 July */
        const char *date = !strcmp(f->type, "date") ? "date" : !strcmp(f->type, "datetime-local") ? "time" : "";
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "name", f->name, "label", T(r, f->label),
                              "hint", *f->hint ? T(r, f->hint) : "", "type", *date ? "text" : f->type, "date", date,
                              "width", f->width, "value",
                              json_get_str(v, f->name), "textarea", !strcmp(f->type, "textarea"), "field_error",
                              bad ? error_text(r, e) : "");
        if (!strcmp(f->type, "sex")) {
            static const char *const SEXES[][2] = {{"", N_("Chưa rõ")}, {"male", N_("Ông (nam)")}, {"female", N_("Bà (nữ)")}};
            json_object_set_new(o, "sex", json_true());
            json_object_set_new(o, "options", pair_options(r, SEXES, 3, json_get_str(v, f->name)));
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *values_from_form(req *r)
{
    json_t *v = json_object();
    for (const kv *k = r->form; k; k = k->next)
        if (strcmp(k->name, "_csrf")) json_object_set_new(v, k->name, json_string(k->value));
    return v;
}

static letter_input input_from_form(req *r)
{
    return (letter_input){
        .unit_id = r->user->unit_id, .occasion = req_form(r, "occasion"), .dossier_code = form_or_empty(r, "dossier_code"),
        .recipient_name = form_or_empty(r, "recipient_name"), .recipient_address = form_or_empty(r, "recipient_address"),
        .recipient_phone = form_or_empty(r, "recipient_phone"), .recipient_email = form_or_empty(r, "recipient_email"),
        .person = form_or_empty(r, "person"), .event_date = form_or_empty(r, "event_date"),
        .recipient_sex = req_form(r, "recipient_sex"), .person_sex = req_form(r, "person_sex"),
        .detail = form_or_empty(r, "detail"), .signer_name = form_or_empty(r, "signer_name"),
        .signer_title = form_or_empty(r, "signer_title"), .ceremony_at = form_or_empty(r, "ceremony_at"),
    };
}

static void new_page(req *r, int status, json_t *v, const err *e)
{
    json_t *model = json_pack("{s:o}", "fields", detail_fields(r, v, e));
    json_object_set_new(model, "occasions", occasion_options(r, json_get_str(v, "occasion"), true));
    json_object_set_new(model, "dossier_code", json_string(json_get_str(v, "dossier_code")));
    if (e) {
        json_object_set_new(model, "error", json_string(error_text(r, e)));
        json_object_set_new(model, "error_field", json_string(e->field));
        if (!strcmp(e->field, "occasion")) json_object_set_new(model, "occasion_error", json_string(T(r, e->user)));
        if (!strcmp(e->field, "dossier_code")) json_object_set_new(model, "dossier_error", json_string(T(r, e->user)));
    }
    json_decref(v);
    json_object_set_new(model, "page", web_page_info(r, "Viết thư gửi người dân"));
    web_render(r, status, "letter/new", model);
}

void page_letter_new(req *r)
{
    json_t *v = json_object();
    const char *code = req_query(r, "ho_so"), *occ = req_query(r, "dip");
    if (code) json_object_set_new(v, "dossier_code", json_string(code));
    if (occ) json_object_set_new(v, "occasion", json_string(occ));
    new_page(r, 200, v, NULL);
}

void page_letter_create(req *r)
{
    letter_input in = input_from_form(r);
    int64_t id = 0;
    err e = {0};
    if (letter_create(req_db(r), r->a, &in, r->user->id, req_now(r), &id, &e) == 0) {
        const char *url = link_letter(r->a, id);
        if (r->want_json) web_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "url", url));
        else web_redirect(r, arena_printf(r->a, "%s?moi=1", url));
        return;
    }
    if (r->want_json) web_json(r, e.status, error_json(r, &e));
    else new_page(r, e.status, values_from_form(r), &e);
}

/* ---- one letter ------------------------------------------------------------------------------ */

/* The letter's words as it prints now: as delivered, else the unit's current template. */
static json_t *letter_words_view(req *r, int64_t id, json_t *l)
{
    db *d = req_db(r);
    const char *values[LETTER_NVARS];
    if (!letter_values(d, r->a, id, values)) return NULL;
    letter_titles_fallback(values);
    json_t *frozen = json_object_get(l, "frozen");
    letter_words w;
    if (json_is_object(frozen)) {
        w = (letter_words){json_get_str(frozen, "title"), json_get_str(frozen, "greeting"), json_get_str(frozen, "body"),
                           json_get_str(frozen, "closing")};
    } else {
        letter_words tmpl;
        if (letter_template_get(d, r->a, json_integer_value(json_object_get(l, "unit_id")), json_get_str(l, "occasion"),
                                &tmpl, NULL))
            return NULL;
        w = letter_render_words(r->a, &tmpl, values);
    }
    return words_view(r->a, &w, values);
}

/* form: what was typed into the form that failed (e), so it is shown again */
static void show_page(req *r, int64_t id, int status, const err *e, const char *form)
{
    db *d = req_db(r);
    json_t *l = letter_get(d, r->a, id);
    if (!l) {
        web_error(r, 404, N_("Không tìm thấy thư."));
        return;
    }
    if (r->want_json && !e) {
        web_json(r, status, l);
        return;
    }
    json_object_set_new(l, "event_date_text", json_string(iso_to_text(r, json_get_str(l, "event_date"))));
    json_t *model = json_pack("{s:O}", "l", l);
    static const char *const notices[][2] = {{"moi", N_("Đã lưu thư. Thư đang chờ trao.")},
                                             {"da_luu", N_("Đã lưu thông tin của thư.")},
                                             {"da_trao", N_("Đã ghi nhận việc trao thư.")},
                                             {"da_huy", N_("Đã hủy thư.")}};
    for (size_t i = 0; !e && i < sizeof notices / sizeof notices[0]; i++)
        if (req_query(r, notices[i][0])) json_object_set_new(model, "notice", json_string(T(r, notices[i][1])));
    json_t *words = letter_words_view(r, id, l);
    if (words) json_object_set_new(model, "words", words);
    const char *pub = json_get_str(l, "public_pdf");
    if (*pub) json_object_set_new(model, "public_url", json_string(arena_printf(r->a, "%s%s", web_public_base(r), pub)));
    /* the details form: the letter's values, or what was typed when the edit failed */
    bool typed = form && !strcmp(form, "edit");
    json_t *v = typed ? values_from_form(r) : json_deep_copy(l);
    if (!typed) {
        json_object_set_new(v, "ceremony_at", json_string(json_get_str(l, "ceremony_local")));
        json_object_set_new(v, "event_date", json_string(iso_to_text(r, json_get_str(l, "event_date"))));
    }
    json_object_set_new(model, "fields", detail_fields(r, v, typed ? e : NULL));
    if (typed && e) json_object_set_new(model, "fields_error", json_true());
    json_decref(v);
    const char *method = form && !strcmp(form, "deliver") ? req_form(r, "method") : NULL;
    json_object_set_new(model, "methods", pair_options(r, letter_methods, LETTER_NMETHODS, method));
    json_object_set_new(model, "today", json_string(today_dmy(r)));
    if (form && !strcmp(form, "deliver"))
        json_object_set_new(model, "dl", json_pack("{s:s, s:s, s:s}", "delivered_on", form_or_empty(r, "delivered_on"),
                                                   "note", form_or_empty(r, "note"), "postal_tracking",
                                                   form_or_empty(r, "postal_tracking")));
    else json_object_set_new(model, "dl", json_pack("{s:s}", "delivered_on", today_dmy(r)));
    if (form && !strcmp(form, "cancel")) json_object_set_new(model, "reason", json_string(form_or_empty(r, "reason")));
    if (e) {
        json_object_set_new(model, "error", json_string(error_text(r, e)));
        json_object_set_new(model, "error_field", json_string(e->field));
        /* the message beside its field in the delivery and cancel forms */
        json_t *fe = json_object();
        if (*e->field) json_object_set_new(fe, e->field, json_string(error_text(r, e)));
        json_object_set_new(model, "fe", fe);
    }
    json_object_set_new(model, "page", web_page_info(r, arena_printf(r->a, "%s – %s", T(r, json_get_str(l, "kind_label")),
                                                                     json_get_str(l, "recipient_name"))));
    json_decref(l);
    web_render(r, status, "letter/show", model);
}

void page_letter_show(req *r)
{
    int64_t id;
    if (parse_id(r, &id)) show_page(r, id, 200, NULL, NULL);
}

/* After an action: the letter (JSON) or its page; on failure the page with the message. */
static void after_action(req *r, int64_t id, int rc, const err *e, const char *form, const char *flag)
{
    if (rc == 0) {
        if (r->want_json) web_json(r, 200, letter_get(req_db(r), r->a, id));
        else web_redirect(r, arena_printf(r->a, "%s?%s=1", link_letter(r->a, id), flag));
        return;
    }
    if (r->want_json) web_json(r, e->status, error_json(r, e));
    else show_page(r, id, e->status, e, form);
}

void page_letter_update(req *r)
{
    int64_t id;
    if (!parse_id(r, &id)) return;
    letter_input in = input_from_form(r);
    err e = {0};
    int rc = letter_update(req_db(r), r->a, id, &in, r->user->id, req_now(r), &e);
    after_action(r, id, rc, &e, "edit", "da_luu");
}

void page_letter_deliver(req *r)
{
    int64_t id;
    if (!parse_id(r, &id)) return;
    letter_delivery dl = {
        .method = req_form(r, "method"), .delivered_on = form_or_empty(r, "delivered_on"),
        .note = form_or_empty(r, "note"), .postal_tracking = form_or_empty(r, "postal_tracking"),
        .actor_id = r->user->id, .now = req_now(r),
    };
    err e = {0};
    int rc = letter_deliver(req_db(r), r->a, id, &dl, &e);
    after_action(r, id, rc, &e, "deliver", "da_trao");
}

void page_letter_cancel(req *r)
{
    int64_t id;
    if (!parse_id(r, &id)) return;
    err e = {0};
    int rc = letter_cancel(req_db(r), r->a, id, form_or_empty(r, "reason"), r->user->id, req_now(r), &e);
    after_action(r, id, rc, &e, "cancel", "da_huy");
}

/* ---- templates ---------------------------------------------------------------------------- */

static const char *source_label(db *d, arena *a, int64_t unit_id, const char *occasion, letter_words *w)
{
    bool own = false;
    if (letter_template_get(d, a, unit_id, occasion, w, &own)) return "";
    if (own) return N_("Mẫu riêng của đơn vị");
    const letter_words *def = letter_default_words(occasion);
    bool same = def && !strcmp(def->title, w->title) && !strcmp(def->greeting, w->greeting) &&
                !strcmp(def->body, w->body) && !strcmp(def->closing, w->closing);
    return same ? N_("Mẫu mặc định") : N_("Mẫu của đơn vị cấp trên");
}

static bool words_letters(const req *r);
static bool refuse_unless_leader(req *r);

static void templates_page(req *r, int status, const err *e)
{
    db *d = req_db(r);
    json_t *rows = json_array();
    for (size_t i = 0; i < letter_noccasions; i++) {
        const letter_occasion *o = &letter_occasions[i];
        letter_words w;
        const char *src = source_label(d, r->a, r->user->unit_id, o->key, &w);
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "occasion", o->key, "occasion_label",
                                              o->label, "kind_label", letter_kind_label(o->kind), "source_label", src,
                                              "title", w.title, "url", link_letter_template(r->a, o->key)));
    }
    json_t *model = json_pack("{s:o, s:s}", "templates", rows, "unit_name", r->user->unit_name);
    json_object_set_new(model, "can_edit", json_boolean(words_letters(r)));
    json_object_set_new(model, "stale_days", json_integer(letter_stale_days(d, r->user->unit_id)));
    if (req_query(r, "da_luu_han")) json_object_set_new(model, "saved_days", json_true());
    if (e) {
        json_object_set_new(model, "days_error", json_string(T(r, e->user)));
        json_object_set_new(model, "days_typed", json_string(form_or_empty(r, "so_ngay")));
    }
    json_object_set_new(model, "page", web_page_info(r, "Mẫu thư gửi người dân"));
    web_render(r, status, "letter/templates", model);
}

void page_letter_templates(req *r)
{
    templates_page(r, 200, NULL);
}

/* The unit's limit for handing over congratulations and condolences (leaders). */
void page_letter_stale_days(req *r)
{
    if (refuse_unless_leader(r)) return;
    err e = {0};
    if (letter_set_stale_days(req_db(r), r->a, r->user->unit_id, req_form(r, "so_ngay"), r->user->id, req_now(r), &e)) {
        if (r->want_json) web_json(r, e.status, error_json(r, &e));
        else templates_page(r, e.status, &e);
        return;
    }
    if (r->want_json) web_json(r, 200, json_pack("{s:i}", "days", letter_stale_days(req_db(r), r->user->unit_id)));
    else web_redirect(r, "/thu/mau?da_luu_han=1");
}

/* The words a unit's letters say are signed by its leader: a leader (or the administrator)
 * edits them; an officer may read them. */
static bool words_letters(const req *r)
{
    return r->user && (!strcmp(r->user->role, "leader") || !strcmp(r->user->role, "admin"));
}

static bool refuse_unless_leader(req *r)
{
    if (words_letters(r)) return false;
    web_error(r, 403, N_("Chỉ lãnh đạo đơn vị mới được sửa mẫu thư."));
    return true;
}

static const letter_occasion *occasion_param(req *r)
{
    const letter_occasion *o = letter_occasion_find(req_param(r, "occasion"));
    if (!o) web_error(r, 404, N_("Không có loại thư này."));
    return o;
}

static letter_words words_from_form(req *r)
{
    return (letter_words){form_or_empty(r, "title"), form_or_empty(r, "greeting"), form_or_empty(r, "body"),
                          form_or_empty(r, "closing")};
}

/* typed: the words of a refused save, shown again with the message beside its field */
static void editor_page(req *r, const letter_occasion *o, int status, const letter_words *typed, const err *e)
{
    db *d = req_db(r);
    int64_t unit = r->user->unit_id;
    letter_words w;
    const char *src = source_label(d, r->a, unit, o->key, &w);
    bool own = !strcmp(src, N_("Mẫu riêng của đơn vị"));
    if (typed) w = *typed;
    json_t *model = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "occasion", o->key, "occasion_label", o->label,
                              "kind_label", letter_kind_label(o->kind), "source_label", src, "own", own, "unit_name",
                              r->user->unit_name);
    json_object_set_new(model, "can_edit", json_boolean(words_letters(r)));
    json_object_set_new(model, "t", json_pack("{s:s, s:s, s:s, s:s}", "title", w.title, "greeting", w.greeting, "body",
                                              w.body, "closing", w.closing));
    json_t *vars = json_array();
    for (int i = 0; i < LETTER_NVARS; i++)
        json_array_append_new(vars, json_pack("{s:s, s:s}", "name", arena_printf(r->a, "{{%s}}", letter_var_names[i]),
                                              "label", T(r, letter_var_label(i))));
    json_object_set_new(model, "vars", vars);
    /* the preview the page opens with (the live one replaces it as the officer types) */
    const char *values[LETTER_NVARS];
    letter_sample_values(d, r->a, unit, values);
    letter_words shown = letter_render_words(r->a, &w, values);
    json_object_set_new(model, "words", words_view(r->a, &shown, values));
    json_object_set_new(model, "preview_url", json_string(arena_printf(r->a, "%s/xem-truoc", link_letter_template(r->a, o->key))));
    json_object_set_new(model, "preview_pdf_url", json_string(arena_printf(r->a, "%s/xem-truoc?pdf=1", link_letter_template(r->a, o->key))));
    web_model_err(r, model, e);
    if (e) {
        json_t *fe = json_object();
        json_object_set_new(fe, *e->field ? e->field : "body", json_string(T(r, e->user)));
        json_object_set_new(model, "fe", fe);
    }
    if (req_query(r, "da_luu")) json_object_set_new(model, "saved", json_true());
    if (req_query(r, "da_dat_lai")) json_object_set_new(model, "was_reset", json_true());
    json_object_set_new(model, "page", web_page_info(r, arena_printf(r->a, "%s: %s", T(r, "Mẫu thư"), T(r, o->label))));
    web_render(r, status, "letter/editor", model);
}

void page_letter_template_edit(req *r)
{
    const letter_occasion *o = occasion_param(r);
    if (o) editor_page(r, o, 200, NULL, NULL);
}

void page_letter_template_save(req *r)
{
    if (refuse_unless_leader(r)) return;
    const letter_occasion *o = occasion_param(r);
    if (!o) return;
    letter_words in = words_from_form(r);
    err e = {0};
    if (letter_template_save(req_db(r), r->a, r->user->unit_id, o->key, &in, r->user->id, req_now(r), &e) == 0) {
        if (r->want_json) web_json(r, 200, json_pack("{s:b}", "saved", 1));
        else web_redirect(r, arena_printf(r->a, "%s?da_luu=1", link_letter_template(r->a, o->key)));
        return;
    }
    if (r->want_json) web_json(r, e.status ? e.status : 500, error_json(r, &e));
    else editor_page(r, o, e.status ? e.status : 500, &in, &e);
}

void page_letter_template_reset(req *r)
{
    if (refuse_unless_leader(r)) return;
    const letter_occasion *o = occasion_param(r);
    if (!o) return;
    err e = {0};
    if (letter_template_reset(req_db(r), r->user->unit_id, o->key, r->user->id, req_now(r), &e)) {
        web_err(r, &e);
        return;
    }
    if (r->want_json) web_json(r, 200, json_pack("{s:b}", "reset", 1));
    else web_redirect(r, arena_printf(r->a, "%s?da_dat_lai=1", link_letter_template(r->a, o->key)));
}

/* The editor's live preview: the words as typed, rendered with a made-up recipient, as JSON
 * {ok, words, error, field}; with ?pdf=1 (or Accept: application/pdf) the printed page. */
void page_letter_template_preview(req *r)
{
    if (refuse_unless_leader(r)) return;
    const letter_occasion *o = occasion_param(r);
    if (!o) return;
    db *d = req_db(r);
    letter_words in = words_from_form(r);
    const char *accept = req_header(r, "Accept");
    const char *pdf = req_query(r, "pdf");
    if ((pdf && !strcmp(pdf, "1")) || (accept && strstr(accept, "application/pdf"))) {
        buf out;
        buf_init(&out, r->a);
        err e = {0};
        if (letter_preview_pdf(d, r->a, r->user->unit_id, o->key, &in, &out, &e)) {
            web_err(r, &e);
            return;
        }
        web_header(r, "Content-Disposition", arena_printf(r->a, "inline; filename=\"mau-thu-%s.pdf\"", o->key));
        web_header(r, "Cache-Control", "private, no-store");
        web_body(r, 200, "application/pdf", out.data, out.len);
        return;
    }
    letter_words clean;
    err e = {0};
    bool ok = letter_template_check(r->a, &in, &clean, &e) == 0;
    const char *values[LETTER_NVARS];
    letter_sample_values(d, r->a, r->user->unit_id, values);
    /* a refused template is still shown, its unknown placeholder as written, beside the message */
    letter_words w = letter_render_words(r->a, ok ? &clean : &in, values);
    if (ok) ok = letter_words_check_length(&w, &e) == 0;
    json_t *words = json_pack("{s:s, s:s, s:s, s:s}", "title", w.title, "greeting", w.greeting, "body", w.body,
                              "closing", w.closing);
    web_json(r, 200, json_pack("{s:b, s:o, s:s, s:s}", "ok", ok, "words", words, "error", ok ? "" : T(r, e.user),
                               "field", ok ? "" : e.field));
}

/* ---- counts ----------------------------------------------------------------------------------- */

void page_letter_stats(req *r)
{
    db *d = req_db(r);
    const char *code = req_query(r, "don_vi");
    if (!code || !*code) code = req_query(r, "unit");   /* the API's spelling */
    int64_t unit = r->user->unit_id;
    if (code && *code) {
        unit = account_unit_id(d, code);
        if (unit < 0) {
            web_error(r, 404, N_("Không tìm thấy đơn vị."));
            return;
        }
        /* checked here too: the API's ?unit= is not the route scope's ?don_vi= */
        if (!account_can_access(d, r->user, unit)) {
            web_error(r, 403, N_("Bạn không có quyền truy cập dữ liệu của đơn vị này."));
            return;
        }
    }
    const char *ys = req_query(r, "nam");
    if (!ys || !*ys) ys = req_query(r, "year");
    int64_t year = this_year(r);
    if (ys && *ys && (!text_parse_uint(ys, 9999, &year) || year < 2000)) {
        web_error(r, 400, N_("Năm không hợp lệ."));
        return;
    }
    json_t *c = letter_counts_json(d, r->a, unit, (int)year);
    if (!c) {
        web_error(r, 404, N_("Không tìm thấy đơn vị."));
        return;
    }
    if (r->want_json) {
        web_json(r, 200, c);
        return;
    }
    int64_t month_totals[12] = {0};
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(c, "kinds"), i, k) {
        json_object_set_new(k, "kind_label", json_string(T(r, json_get_str(k, "label"))));
        for (int m = 0; m < 12; m++) month_totals[m] += json_integer_value(json_array_get(json_object_get(k, "months"), (size_t)m));
    }
    json_array_foreach(json_object_get(c, "stale"), i, k)
        json_object_set_new(k, "kind_label", json_string(T(r, json_get_str(k, "label"))));
    json_t *totals = json_array(), *months = json_array();
    for (int m = 0; m < 12; m++) {
        json_array_append_new(totals, json_integer(month_totals[m]));
        json_array_append_new(months, json_integer(m + 1));
    }
    json_t *model = json_pack("{s:o, s:o, s:o}", "c", c, "month_totals", totals, "months", months);
    json_t *units = account_units_list(d, r->user), *u, *choices = json_array();
    json_array_foreach(units, i, u) {
        json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "code", json_get_str(u, "code"), "name",
                                                 json_get_str(u, "name"), "selected",
                                                 json_integer_value(json_object_get(u, "id")) == unit));
    }
    json_decref(units);
    if (json_array_size(choices) > 1) json_object_set_new(model, "units", choices);
    else json_decref(choices);
    json_object_set_new(model, "json_url", json_string(arena_printf(r->a, "/api/v1/letters/stats?nam=%lld&don_vi=%s",
                                                                    (long long)year, url_part(r, json_get_str(c, "unit_code")))));
    json_object_set_new(model, "page", web_page_info(r, "Thống kê thư gửi người dân"));
    web_render(r, 200, "letter/stats", model);
}
