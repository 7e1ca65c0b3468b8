/* open311.c -- the Open311 GeoReport v2 handlers (open311.h): services and their attributes
 * from table open311_services, filing through feedback_intake() with the app's key, and the
 * cases as request objects. Input is read by open311_fmt.c (pure, fuzzed), answers are one
 * jansson document written as JSON or as the spec's XML (o311_xml).
 *
 * What a request shows: every case's status, dates, service and unit. Its text (masked by
 * feedback_mask, and only with the citizen's consent) and its place only for the services
 * marked public; complaints and denunciations never show either, and no answer ever carries
 * the person's name, phone, e-mail or address. Reads of the feedback tables that feedback.h
 * has no function for (the list with the spec's filters, the anonymity rule in force) are SQL
 * here, over the same feature's tables. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../account/account.h"
#include "../account/unit.h"
#include "../core/ratelimit.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../kit/web.h"
#include "feedback.h"
#include "open311.h"
#include "open311_fmt.h"

#define MAX_DESCRIPTION 4000   /* characters, the spec's limit for description */
#define MAX_LIST 1000          /* the spec's response volume: 90 days or 1000 requests */
#define MAX_IDS 100            /* service_request_id=a,b,c... */
#define RANGE_DAYS 90

static ratelimit_slot post_slots[1024];
static ratelimit posts = RATELIMIT_INIT(post_slots, OPEN311_WINDOW, OPEN311_POSTS_PER_WINDOW);
/* wrong keys per client address: 20 in 10 minutes, then 10 minutes of 429 */
static ratelimit_slot bad_key_slots[1024];
static ratelimit bad_keys = RATELIMIT_INIT(bad_key_slots, 600, 20);

void open311_reset_limits(void)
{
    ratelimit_reset(&posts);
    ratelimit_reset(&bad_keys);
}

/* ---- answering ------------------------------------------------------------------------ */

static o311_format param_format(req *r)
{
    const char *f = req_param(r, "fmt");
    return !f ? O311_BAD : !strcmp(f, "json") ? O311_JSON : !strcmp(f, "xml") ? O311_XML : O311_BAD;
}

static void answer(req *r, o311_format f, int status, json_t *doc, const char *root)
{
    if (f == O311_JSON) {
        char *text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(10));
        const char *body = arena_strdup(r->a, text ? text : "[]");
        free(text);
        web_body(r, status, "application/json; charset=utf-8", body, strlen(body));
    } else {
        const char *body = o311_xml(r->a, doc, root);
        web_body(r, status, "text/xml; charset=utf-8", body, strlen(body));
    }
    if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")) web_header(r, "Access-Control-Allow-Origin", "*");
    web_header(r, "Cache-Control", "no-store");
    json_decref(doc);
}

static void err_add(json_t *errs, int code, const char *description)
{
    json_array_append_new(errs, json_pack("{s:i, s:s}", "code", code, "description", description));
}

/* One error in the spec's shape: [{code, description}] with description translated. */
static void fail(req *r, o311_format f, int status, const char *msgid)
{
    json_t *errs = json_array();
    err_add(errs, status, T(r, msgid));
    answer(r, f == O311_BAD ? O311_XML : f, status, errs, "errors");
}

/* As fail, with one %s in the message. */
static void failf(req *r, o311_format f, int status, const char *msgid, const char *arg)
{
    json_t *errs = json_array();
    err_add(errs, status, arena_printf(r->a, T(r, msgid), arg));
    answer(r, f == O311_BAD ? O311_XML : f, status, errs, "errors");
}

void open311_web_error(req *r, int status, const char *msgid)
{
    size_t n = strlen(r->path);
    bool json = n > 5 && !strcmp(r->path + n - 5, ".json");
    fail(r, json ? O311_JSON : O311_XML, status, msgid);
}

static bool format_or_404(req *r, o311_format f)
{
    if (f != O311_BAD) return true;
    fail(r, O311_XML, 404, N_("Định dạng không được hỗ trợ: dùng .xml hoặc .json."));
    return false;
}

/* A parameter as the spec reads it: empty is absent ("Optional Arguments"). */
static const char *arg(req *r, const char *name, bool form_first)
{
    const char *v = form_first ? req_form(r, name) : NULL;
    if (!v || !*v) v = req_query(r, name);
    return v && *v ? v : NULL;
}

/* The unit of jurisdiction_id: *unit = its id (0 when absent and not required). False when
 * the answer (400 missing, 404 unknown) was sent. */
static bool jurisdiction(req *r, o311_format f, bool post, bool required, int64_t *unit)
{
    const char *j = arg(r, "jurisdiction_id", post);
    *unit = 0;
    if (!j) {
        if (!required) return true;
        fail(r, f, 400, N_("Thiếu jurisdiction_id: mã đơn vị (ví dụ 05443), vì máy chủ này phục vụ nhiều đơn vị."));
        return false;
    }
    int64_t id = account_unit_id(req_db(r), j);
    if (id < 0) {
        failf(r, f, 404, N_("Không có đơn vị với jurisdiction_id '%s'."), j);
        return false;
    }
    *unit = id;
    return true;
}

/* A case of unit_id belongs to the jurisdiction (0: any): the unit or one below it. */
static bool in_jurisdiction(req *r, int64_t unit_id, int64_t jurisdiction_unit)
{
    if (jurisdiction_unit <= 0) return true;
    unit_chain ch;
    unit_chain_of(req_db(r), unit_id, &ch);
    return unit_chain_has(&ch, jurisdiction_unit);
}

/* ---- services (table open311_services) ------------------------------------------------ */

typedef struct {
    const char *code, *kind, *name, *description, *group, *keywords, *type;
    bool needs_name, public;
} service;

enum { MAX_SERVICES = 8 };

static int services_load(req *r, service *out)
{
    db_stmt *s = db_prepare(req_db(r), "SELECT code, kind, name, description, group_name, keywords, type, needs_name, "
                                       "public FROM open311_services WHERE active = 1 ORDER BY position, code");
    int n = 0;
    while (s && n < MAX_SERVICES && db_step(s) == DB_ROW) {
        service *v = &out[n++];
        const char **f[] = {&v->code, &v->kind, &v->name, &v->description, &v->group, &v->keywords, &v->type};
        for (int i = 0; i < 7; i++) *f[i] = arena_strdup(r->a, db_col_text(s, i));
        v->needs_name = db_col_int(s, 7);
        v->public = db_col_int(s, 8);
    }
    if (s) db_done(s);
    return n;
}

static const service *service_by(const service *sv, int n, const char *code, const char *kind)
{
    for (int i = 0; i < n; i++)
        if ((code && !strcmp(sv[i].code, code)) || (kind && !strcmp(sv[i].kind, kind))) return &sv[i];
    return NULL;
}

/* Whether the kind needs the sender's name and address today: the anonymity rule in force
 * (feedback_kinds, migration 016) refuses anonymous ones, or the service says so. */
static bool needs_identity(req *r, const service *v, int64_t now)
{
    if (v->needs_name) return true;
    char stamp[32], day[11];
    o311_datetime(now, stamp);
    memcpy(day, stamp, 10);   /* YYYY-MM-DD of the local day */
    day[10] = '\0';
    db_stmt *s = db_prepare(req_db(r), "SELECT anonymous FROM feedback_kinds WHERE kind = ? AND effective_from <= ? "
                                       "ORDER BY effective_from DESC LIMIT 1");
    bool refused = false;
    if (s) {
        db_bind_text(s, 1, v->kind);
        db_bind_text(s, 2, day);
        if (db_step(s) == DB_ROW) refused = strcmp(db_col_text(s, 0), "allowed") != 0;
        db_done(s);
    }
    return refused;
}

static json_t *service_json(const service *v)
{
    return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code", v->code, "service_name", v->name,
                     "description", v->description, "metadata", 1, "type", v->type, "keywords", v->keywords, "group",
                     v->group);
}

void api_open311_services(req *r)
{
    o311_format f = param_format(r);
    int64_t unit;
    if (!format_or_404(r, f) || !jurisdiction(r, f, false, false, &unit)) return;
    service sv[MAX_SERVICES];
    int n = services_load(r, sv);
    json_t *list = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(list, service_json(&sv[i]));
    answer(r, f, 200, list, "services");
}

/* The attributes an app may send as attribute[code]=value, beyond the spec's own fields. */
static json_t *attribute(bool variable, const char *code, const char *datatype, bool required, const char *dt_desc,
                         int order, const char *description)
{
    json_t *a = json_pack("{s:b, s:s, s:s, s:b}", "variable", variable, "code", code, "datatype", datatype,
                          "required", required);
    json_object_set_new(a, "datatype_description", dt_desc ? json_string(dt_desc) : json_null());
    json_object_set_new(a, "order", json_integer(order));
    json_object_set_new(a, "description", json_string(description));
    return a;
}

void api_open311_service(req *r)
{
    char code[65];
    o311_format f = o311_split(req_param(r, "file"), code);
    int64_t unit;
    if (!format_or_404(r, f) || !jurisdiction(r, f, false, false, &unit)) return;
    service sv[MAX_SERVICES];
    int n = services_load(r, sv);
    const service *v = service_by(sv, n, code, NULL);
    if (!v) {
        failf(r, f, 404, N_("Không có dịch vụ với service_code '%s'."), code);
        return;
    }
    bool identity = needs_identity(r, v, req_now(r));
    json_t *attrs = json_array();
    int order = 1;
    if (v->needs_name)
        json_array_append_new(
            attrs, attribute(false, "identity", "string", false, NULL, order++,
                             T(r, N_("Loại này không nhận đơn nặc danh: phải gửi họ tên (first_name, last_name) và "
                                     "địa chỉ của người gửi (attribute[sender_address])."))));
    else if (identity)
        json_array_append_new(
            attrs, attribute(false, "identity", "string", false, NULL, order++,
                             T(r, N_("Loại này không nhận ý kiến nặc danh: phải gửi họ tên (first_name, last_name) và "
                                     "địa chỉ (attribute[sender_address]) hoặc số điện thoại (phone) hoặc email."))));
    json_array_append_new(attrs, attribute(true, "subject", "string", false, T(r, N_("Tối đa 200 ký tự.")), order++,
                                           T(r, N_("Tiêu đề ngắn; để trống thì lấy câu đầu của nội dung."))));
    json_array_append_new(attrs, attribute(true, "sender_address", "string", v->needs_name, NULL, order++,
                                           T(r, N_("Địa chỉ của người gửi (nơi cư trú), khác với địa điểm sự việc."))));
    json_array_append_new(attrs, attribute(true, "id_number", "string", false, T(r, N_("12 chữ số."))
                                           , order++, T(r, N_("Số căn cước công dân của người gửi."))));
    json_t *consent = attribute(true, "consent_publish", "singlevaluelist", false, NULL, order++,
                                T(r, N_("Đồng ý để nội dung và câu trả lời được công khai (đã che thông tin cá nhân)?")));
    json_object_set_new(consent, "values",
                        json_pack("[{s:s, s:s}, {s:s, s:s}]", "key", "1", "name", T(r, N_("Đồng ý công khai")), "key",
                                  "0", "name", T(r, N_("Không công khai"))));
    json_array_append_new(attrs, consent);
    answer(r, f, 200, json_pack("{s:s, s:o}", "service_code", v->code, "attributes", attrs), "service_definition");
}

/* GeoReport v2's service discovery document (wiki.open311.org/Service_Discovery). */
void api_open311_discovery(req *r)
{
    o311_format f = param_format(r);
    if (!format_or_404(r, f)) return;
    const char *url = arena_printf(r->a, "%s/open311/v2", web_public_base(r));
    json_t *endpoint = json_pack("{s:s, s:s, s:s, s:s, s:[s, s]}", "specification", "http://wiki.open311.org/GeoReport_v2",
                                 "url", url, "changeset", "2026-12-04T00:00:00+07:00", "type", "production", "formats",
                                 "text/xml", "application/json");
    answer(r, f, 200,
           json_pack("{s:s, s:s, s:s, s:[o]}", "changeset", "2026-12-04T00:00:00+07:00", "contact",
                     T(r, N_("Ủy ban nhân dân cấp xã nơi gửi phản ánh.")), "key_service",
                     T(r, N_("Khóa api_key do quản trị viên cấp cho từng ứng dụng.")), "endpoints", endpoint),
           "discovery");
}

void api_open311_unknown(req *r)
{
    char name[65];
    o311_format f = o311_split(req_param(r, "what"), name);
    fail(r, f, 404, N_("Không có tài nguyên Open311 này. Xem services.xml hoặc services.json."));
}

/* ---- request objects ------------------------------------------------------------------ */

static json_t *datetime_or_null(int64_t t)
{
    if (t <= 0) return json_null();
    char s[32];
    o311_datetime(t, s);
    return json_string(s);
}

/* The legal deadline the app expects: the one running now (feedback's clock_at: acceptance or
 * resolution, as the kind's rule says); for a closed or suspended case, the resolution deadline
 * it had, else the acceptance one. */
static int64_t expected_due(const feedback_case *c)
{
    if (c->clock_at) return c->clock_at;
    return c->due_at ? c->due_at : c->accept_due_at;
}

/* The last note officers wrote that explains a delay (an extension, a suspension, ...). */
static const char *last_delay_note(req *r, const feedback_case *c)
{
    json_t *steps = feedback_steps_json(req_db(r), c->id);
    const char *note = NULL;
    size_t i;
    json_t *st;
    json_array_foreach(steps, i, st)
    {
        const char *k = json_get_str(st, "kind");
        const char *n = json_get_str(st, "note");
        if (*n && (!strcmp(k, "extend") || !strcmp(k, "suspend") || !strcmp(k, "resume") || !strcmp(k, "assign")))
            note = arena_strdup(r->a, n);
    }
    json_decref(steps);
    return note;
}

/* Ends the sentence before the next one: ". ", or only " " after a sentence that ended itself. */
static void next_sentence(buf *b)
{
    buf_puts(b, b->len && b->data[b->len - 1] == '.' ? " " : ". ");
}

static const char *status_notes(req *r, const feedback_case *c, int64_t now)
{
    buf b;
    buf_init(&b, r->a);
    buf_puts(&b, T(r, feedback_status_label(c->status)));
    if (c->as_information) {
        next_sentence(&b);
        buf_puts(&b, T(r, N_("Tiếp nhận làm thông tin, không giải quyết theo trình tự tố cáo.")));
    }
    if (c->extensions > 0) {
        next_sentence(&b);
        buf_printf(&b, T(r, N_("Đã gia hạn %d lần.")), c->extensions);
    }
    const char *outcome = NULL;
    if (!strcmp(c->status, "refused") || !strcmp(c->status, "forwarded") || !strcmp(c->status, "withdrawn"))
        outcome = c->outcome_note;
    else if (!strcmp(c->status, "resolved") && c->published_at)
        outcome = c->public_answer;
    if (outcome && *outcome) {
        buf_puts(&b, ": ");
        buf_puts(&b, feedback_mask(r->a, c, outcome));
    }
    int64_t due = c->clock_at;   /* 0 when no clock runs: closed, suspended, anonymous tố cáo */
    if (feedback_open(c->status) && due > 0 && now > due) {
        next_sentence(&b);
        buf_printf(&b, T(r, N_("Quá hạn từ %s.")), vn_datetime(r->a, due));
        const char *why = last_delay_note(r, c);
        buf_puts(&b, " ");
        if (why) buf_printf(&b, T(r, N_("Lý do: %s")), feedback_mask(r->a, c, why));
        else buf_puts(&b, T(r, N_("Chưa có văn bản nêu lý do chậm giải quyết.")));
    } else if (!strcmp(c->status, "suspended")) {
        const char *why = last_delay_note(r, c);
        if (why) {
            next_sentence(&b);
            buf_printf(&b, T(r, N_("Lý do: %s")), feedback_mask(r->a, c, why));
        }
    }
    return buf_cstr(&b);
}

static const char *media_url_of(req *r, int64_t feedback_id)
{
    db_stmt *s = db_prepare(req_db(r), "SELECT media_url FROM open311_requests WHERE feedback_id = ?");
    const char *m = NULL;
    if (!s) return NULL;
    db_bind_int(s, 1, feedback_id);
    if (db_step(s) == DB_ROW && *db_col_text(s, 0)) m = arena_strdup(r->a, db_col_text(s, 0));
    db_done(s);
    return m;
}

static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

static json_t *request_json(req *r, const feedback_case *c, const service *v, int64_t now)
{
    bool shown = v->public;
    json_t *o = json_object();
    json_object_set_new(o, "service_request_id", json_string(c->code));
    json_object_set_new(o, "status", json_string(feedback_open(c->status) ? "open" : "closed"));
    json_object_set_new(o, "status_notes", json_string(status_notes(r, c, now)));
    json_object_set_new(o, "service_name", json_string(v->name));
    json_object_set_new(o, "service_code", json_string(v->code));
    json_object_set_new(o, "description",
                        shown && c->consent_publish ? json_string(feedback_mask(r->a, c, c->content)) : json_null());
    json_object_set_new(o, "agency_responsible", str_or_null(c->unit_name));
    json_object_set_new(o, "service_notice", json_null());
    json_object_set_new(o, "requested_datetime", datetime_or_null(c->received_at));
    json_object_set_new(o, "updated_datetime", datetime_or_null(c->updated_at ? c->updated_at : c->received_at));
    json_object_set_new(o, "expected_datetime", datetime_or_null(expected_due(c)));
    json_object_set_new(o, "address", shown ? str_or_null(c->location_text) : json_null());
    json_object_set_new(o, "address_id", json_null());
    json_object_set_new(o, "zipcode", json_null());
    json_object_set_new(o, "lat", shown && c->has_location ? json_real(c->lat) : json_null());
    json_object_set_new(o, "long", shown && c->has_location ? json_real(c->lon) : json_null());
    json_object_set_new(o, "media_url", shown ? str_or_null(media_url_of(r, c->id)) : json_null());
    return o;
}

/* ---- GET requests/{code} and tokens/{token} ------------------------------------------ */

/* The case of code in the jurisdiction (0: any) that has a service; answers 404 and returns
 * false otherwise. */
static bool case_by_code(req *r, o311_format f, const char *code, int64_t unit, const service *sv, int n,
                         feedback_case *c, const service **v)
{
    int rc = feedback_get_by_code(req_db(r), r->a, code, c);
    *v = rc == 1 ? service_by(sv, n, NULL, c->kind) : NULL;
    if (rc < 0) {
        fail(r, f, 400, N_("Không đọc được dữ liệu. Vui lòng thử lại sau."));
        return false;
    }
    if (rc == 0 || !*v || !in_jurisdiction(r, c->unit_id, unit)) {
        failf(r, f, 404, N_("Không có yêu cầu với service_request_id '%s'."), code);
        return false;
    }
    return true;
}

void api_open311_request(req *r)
{
    char code[65];
    o311_format f = o311_split(req_param(r, "file"), code);
    int64_t unit;
    if (!format_or_404(r, f) || !jurisdiction(r, f, false, false, &unit)) return;
    service sv[MAX_SERVICES];
    int n = services_load(r, sv);
    feedback_case c;
    const service *v;
    if (!case_by_code(r, f, code, unit, sv, n, &c, &v)) return;
    answer(r, f, 200, json_pack("[o]", request_json(r, &c, v, req_now(r))), "service_requests");
}

void api_open311_token(req *r)
{
    char token[65];
    o311_format f = o311_split(req_param(r, "file"), token);
    int64_t unit;
    if (!format_or_404(r, f) || !jurisdiction(r, f, false, false, &unit)) return;
    db_stmt *s = db_prepare(req_db(r), "SELECT f.code, f.unit_id FROM open311_requests o JOIN feedback f ON "
                                       "f.id = o.feedback_id WHERE o.token = ?");
    const char *code = NULL;
    int64_t owner = 0;
    if (s) {
        db_bind_text(s, 1, token);
        if (db_step(s) == DB_ROW) {
            code = arena_strdup(r->a, db_col_text(s, 0));
            owner = db_col_int(s, 1);
        }
        db_done(s);
    }
    if (!code || !in_jurisdiction(r, owner, unit)) {
        failf(r, f, 404, N_("Không có token '%s'."), token);
        return;
    }
    answer(r, f, 200, json_pack("[{s:s, s:s}]", "service_request_id", code, "token", token), "service_requests");
}

/* ---- GET requests --------------------------------------------------------------------- */

typedef struct {
    int64_t unit, from, to;
    const char *codes[MAX_SERVICES];
    int ncodes;
    bool open, closed;
} list_query;

static int list_ids(req *r, const list_query *q, int64_t *ids, int max)
{
    db_stmt *s = db_prepare(
        req_db(r),
        UNIT_SUBTREE_CTE("") "SELECT f.id FROM feedback f JOIN open311_services s ON s.kind = f.kind AND s.active = 1 "
                             "WHERE f.unit_id IN (SELECT id FROM sub) AND f.received_at >= ?2 AND f.received_at <= ?3 "
                             "AND (?4 = 0 OR s.code IN (?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)) "
                             "AND (?13 = 1 OR f.status NOT IN ('received', 'accepted', 'suspended')) "
                             "AND (?14 = 1 OR f.status IN ('received', 'accepted', 'suspended')) "
                             "ORDER BY f.received_at DESC, f.id DESC LIMIT ?15");
    if (!s) return -1;
    db_bind_int(s, 1, q->unit);
    db_bind_int(s, 2, q->from);
    db_bind_int(s, 3, q->to);
    db_bind_int(s, 4, q->ncodes);
    for (int i = 0; i < MAX_SERVICES; i++) db_bind_text(s, 5 + i, i < q->ncodes ? q->codes[i] : "");
    db_bind_int(s, 13, q->open);
    db_bind_int(s, 14, q->closed);
    db_bind_int(s, 15, max);
    int n = 0, rc;
    while (n < max && (rc = db_step(s)) == DB_ROW) ids[n++] = db_col_int(s, 0);
    db_done(s);
    return n;
}

void api_open311_requests(req *r)
{
    o311_format f = param_format(r);
    list_query q = {0};
    if (!format_or_404(r, f) || !jurisdiction(r, f, false, true, &q.unit)) return;
    service sv[MAX_SERVICES];
    int n = services_load(r, sv);
    int64_t now = req_now(r);
    json_t *out = json_array();

    const char *ids_arg = arg(r, "service_request_id", false);
    if (ids_arg) {   /* "This overrides all other arguments." */
        const char *codes[MAX_IDS];
        int k = o311_split_list(r->a, ids_arg, codes, MAX_IDS);
        if (k < 0) {
            json_decref(out);
            failf(r, f, 400, N_("service_request_id: tối đa %s mã, cách nhau bằng dấu phẩy."), "100");
            return;
        }
        for (int i = 0; i < k; i++) {
            feedback_case c;
            const service *v;
            if (feedback_get_by_code(req_db(r), r->a, codes[i], &c) == 1 && (v = service_by(sv, n, NULL, c.kind)) &&
                in_jurisdiction(r, c.unit_id, q.unit))
                json_array_append_new(out, request_json(r, &c, v, now));
        }
        answer(r, f, 200, out, "service_requests");
        return;
    }

    json_t *errs = json_array();
    const char *codes_arg = arg(r, "service_code", false);
    if (codes_arg) {
        const char *codes[MAX_SERVICES];
        q.ncodes = o311_split_list(r->a, codes_arg, codes, MAX_SERVICES);
        if (q.ncodes < 0) err_add(errs, 400, T(r, N_("service_code: quá nhiều mã.")));
        for (int i = 0; i < q.ncodes; i++) {
            if (!service_by(sv, n, codes[i], NULL)) {
                json_decref(errs);
                json_decref(out);
                failf(r, f, 404, N_("Không có dịch vụ với service_code '%s'."), codes[i]);
                return;
            }
            q.codes[i] = codes[i];
        }
        if (q.ncodes < 0) q.ncodes = 0;
    }
    const char *status_arg = arg(r, "status", false);
    q.open = q.closed = !status_arg;
    if (status_arg) {
        const char *st[4];
        int k = o311_split_list(r->a, status_arg, st, 4);
        bool bad = k <= 0;
        for (int i = 0; i < k; i++) {
            if (!strcmp(st[i], "open")) q.open = true;
            else if (!strcmp(st[i], "closed")) q.closed = true;
            else bad = true;
        }
        if (bad) err_add(errs, 400, T(r, N_("status: chỉ nhận open, closed (cách nhau bằng dấu phẩy).")));
    }
    const char *start = arg(r, "start_date", false), *end = arg(r, "end_date", false);
    bool dates_ok = true;
    if (start && !o311_parse_datetime(start, &q.from)) {
        err_add(errs, 400, T(r, N_("start_date không đúng định dạng W3C, ví dụ 2026-12-01T00:00:00+07:00.")));
        dates_ok = false;
    }
    if (end && !o311_parse_datetime(end, &q.to)) {
        err_add(errs, 400, T(r, N_("end_date không đúng định dạng W3C, ví dụ 2026-12-31T23:59:59+07:00.")));
        dates_ok = false;
    }
    if (dates_ok) {
        const int64_t span = (int64_t)RANGE_DAYS * 86400;
        if (!start && !end) q.to = now, q.from = now - span;
        else if (!start) q.from = q.to - span;
        else if (!end) q.to = q.from + span;
        if (q.to < q.from) err_add(errs, 400, T(r, N_("end_date phải sau start_date.")));
        else if (q.to - q.from > span) err_add(errs, 400, T(r, N_("Khoảng start_date đến end_date không được quá 90 ngày.")));
    }
    if (json_array_size(errs)) {
        json_decref(out);
        answer(r, f, 400, errs, "errors");
        return;
    }
    json_decref(errs);
    int64_t *ids = arena_alloc(r->a, sizeof *ids * MAX_LIST);
    int k = list_ids(r, &q, ids, MAX_LIST);
    if (k < 0) {
        json_decref(out);
        fail(r, f, 400, N_("Không đọc được dữ liệu. Vui lòng thử lại sau."));
        return;
    }
    for (int i = 0; i < k; i++) {
        feedback_case c;
        const service *v;
        if (feedback_get(req_db(r), r->a, ids[i], &c) == 1 && (v = service_by(sv, n, NULL, c.kind)))
            json_array_append_new(out, request_json(r, &c, v, now));
    }
    answer(r, f, 200, out, "service_requests");
}

/* ---- POST requests -------------------------------------------------------------------- */

typedef struct {
    arena *a;
    feedback_new in;
    int64_t key_id, now;
    const char *token, *media_url, *account_id, *device_id;
    feedback_ticket t;
} create_ctx;

static int create_fn(db *d, void *ctx, err *e)
{
    create_ctx *c = ctx;
    if (feedback_intake(d, c->a, &c->in, c->now, &c->t, e) != 0) return -1;
    db_stmt *s = db_prepare(d, "INSERT INTO open311_requests (feedback_id, api_key_id, token, media_url, account_id, "
                               "device_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!s) {
        err_set(e, 500, N_("Không lưu được yêu cầu."), "prepare open311_requests");
        return -1;
    }
    db_bind_int(s, 1, c->t.id);
    db_bind_int(s, 2, c->key_id);
    db_bind_text(s, 3, c->token);
    db_bind_text(s, 4, c->media_url);
    db_bind_text(s, 5, c->account_id);
    db_bind_text(s, 6, c->device_id);
    db_bind_int(s, 7, c->now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        err_set(e, 500, N_("Không lưu được yêu cầu."), "insert open311_requests: %s", db_errmsg(d));
        return -1;
    }
    return 0;
}

/* The first line of text, at most max characters (not bytes), for a subject. */
static const char *first_line(arena *a, const char *text, size_t max)
{
    size_t n = strcspn(text, "\n"), chars = 0, i = 0;
    while (i < n && chars < max) {
        i++;
        while (i < n && ((unsigned char)text[i] & 0xC0) == 0x80) i++;
        chars++;
    }
    return arena_strndup(a, text, i);
}

static size_t chars_of(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The api_key: its id and unit, or false when the answer (403, 429) was sent. */
static bool key_or_403(req *r, o311_format f, int64_t *key_id, int64_t *unit, const char **app_name)
{
    char addr[72];
    ratelimit_addr(r->client, addr);
    int64_t t = (int64_t)time(NULL);
    if (ratelimit_wait(&bad_keys, addr, t) > 0) {
        web_header(r, "Retry-After", "600");
        fail(r, f, 429, N_("Quá nhiều api_key sai từ địa chỉ này. Vui lòng thử lại sau ít phút."));
        return false;
    }
    const char *key = arg(r, "api_key", true);
    if (!key) {
        fail(r, f, 403, N_("Thiếu api_key: mỗi ứng dụng cần khóa do quản trị viên cấp."));
        return false;
    }
    *key_id = open311_key_check(req_db(r), r->a, key, unit, app_name);
    if (*key_id < 0) {
        ratelimit_fail(&bad_keys, addr, t);
        fail(r, f, 403, N_("api_key không hợp lệ hoặc đã bị thu hồi."));
        return false;
    }
    char k[32];
    snprintf(k, sizeof k, "key:%lld", (long long)*key_id);
    if (!ratelimit_take(&posts, k, t)) {
        web_header(r, "Retry-After", "600");
        failf(r, f, 429, N_("Ứng dụng đã gửi quá %s yêu cầu trong 10 phút. Vui lòng thử lại sau."),
              arena_printf(r->a, "%d", OPEN311_POSTS_PER_WINDOW));
        return false;
    }
    return true;
}

/* Reads the attribute[code] fields into c; unknown codes and bad values go to errs. */
static void read_attributes(req *r, json_t *errs, const char **subject, const char **sender_address,
                            const char **id_number, bool *consent)
{
    for (kv *k = r->form; k; k = k->next) {
        char code[65];
        bool multi = false;
        if (strncmp(k->name, "attribute", 9)) continue;
        if (!o311_attribute_field(k->name, code, &multi) || multi) {
            err_add(errs, 400, arena_printf(r->a, T(r, N_("Thuộc tính không hợp lệ: %s.")), k->name));
            continue;
        }
        const char *v = k->value;
        if (!strcmp(code, "subject")) {
            if (chars_of(v) > 200) err_add(errs, 400, T(r, N_("attribute[subject] dài quá 200 ký tự.")));
            *subject = v;
        } else if (!strcmp(code, "sender_address")) {
            if (chars_of(v) > 500) err_add(errs, 400, T(r, N_("attribute[sender_address] dài quá 500 ký tự.")));
            *sender_address = v;
        } else if (!strcmp(code, "id_number")) {
            if (*v && (strlen(v) != 12 || strspn(v, "0123456789") != 12))
                err_add(errs, 400, T(r, N_("attribute[id_number]: số căn cước công dân gồm đúng 12 chữ số.")));
            *id_number = v;
        } else if (!strcmp(code, "consent_publish")) {
            if (strcmp(v, "0") && strcmp(v, "1") && *v)
                err_add(errs, 400, T(r, N_("attribute[consent_publish] chỉ nhận 1 (đồng ý) hoặc 0.")));
            *consent = !strcmp(v, "1");
        } else {
            err_add(errs, 400, arena_printf(r->a, T(r, N_("Dịch vụ này không có thuộc tính %s.")), code));
        }
    }
}

static bool url_ok(const char *u)
{
    if (strncmp(u, "https://", 8) && strncmp(u, "http://", 7)) return false;
    if (strlen(u) > 2000) return false;
    for (const unsigned char *p = (const unsigned char *)u; *p; p++)
        if (*p <= ' ' || *p == '"' || *p == '<' || *p == '>') return false;
    return true;
}

void api_open311_create(req *r)
{
    o311_format f = param_format(r);
    if (!format_or_404(r, f)) return;
    int64_t key_id, key_unit, unit;
    const char *app_name = NULL;
    if (!key_or_403(r, f, &key_id, &key_unit, &app_name)) return;
    if (!jurisdiction(r, f, true, false, &unit)) return;
    if (unit == 0) {
        unit = key_unit;
    } else {
        unit_chain ch;
        unit_chain_of(req_db(r), unit, &ch);
        if (!unit_chain_has(&ch, key_unit)) {
            fail(r, f, 403, N_("api_key này không được cấp cho đơn vị trong jurisdiction_id."));
            return;
        }
    }
    service sv[MAX_SERVICES];
    int n = services_load(r, sv);
    const char *code = arg(r, "service_code", true);
    if (!code) {
        fail(r, f, 400, N_("Thiếu service_code: xem danh sách dịch vụ ở services.xml hoặc services.json."));
        return;
    }
    const service *v = service_by(sv, n, code, NULL);
    if (!v) {
        failf(r, f, 404, N_("Không có dịch vụ với service_code '%s'."), code);
        return;
    }
    int64_t now = req_now(r);
    json_t *errs = json_array();
    create_ctx c = {.a = r->a, .key_id = key_id, .now = now};
    feedback_new *in = &c.in;
    in->unit_id = unit;
    in->kind = v->kind;
    in->channel = "open311";
    in->service_code = v->code;
    in->source_ref = arena_printf(r->a, "open311:%s", app_name ? app_name : "");

    const char *lat = arg(r, "lat", true), *lon = arg(r, "long", true);
    const char *address = arg(r, "address_string", true), *address_id = arg(r, "address_id", true);
    if ((lat != NULL) != (lon != NULL)) {
        err_add(errs, 400, T(r, N_("lat và long phải gửi cùng nhau.")));
    } else if (lat) {
        if (!o311_parse_degree(lat, -90, 90, &in->lat) || !o311_parse_degree(lon, -180, 180, &in->lon))
            err_add(errs, 400, T(r, N_("lat, long phải là số độ WGS84 (vĩ độ -90 đến 90, kinh độ -180 đến 180).")));
        in->has_location = true;
    }
    if (!lat && !address && !address_id)
        err_add(errs, 400, T(r, N_("Thiếu địa điểm: gửi lat và long, hoặc address_string, hoặc address_id.")));
    if (address && chars_of(address) > 500) err_add(errs, 400, T(r, N_("address_string dài quá 500 ký tự.")));
    if (address_id && chars_of(address_id) > 100) err_add(errs, 400, T(r, N_("address_id dài quá 100 ký tự.")));
    in->location_text = address ? address : address_id ? arena_printf(r->a, "address_id: %s", address_id) : "";

    const char *description = arg(r, "description", true);
    if (!description || text_is_blank(description))
        err_add(errs, 400, T(r, N_("Thiếu description: nội dung phản ánh, kiến nghị.")));
    else if (chars_of(description) > MAX_DESCRIPTION)
        err_add(errs, 400, T(r, N_("description dài quá 4.000 ký tự.")));
    in->content = description ? description : "";

    const char *first = arg(r, "first_name", true), *last = arg(r, "last_name", true);
    /* Vietnamese names are written family name first: "Nguyễn Văn" + "An" */
    in->name = last && first ? arena_printf(r->a, "%s %s", last, first) : last ? last : first ? first : "";
    if (chars_of(in->name) > 200) err_add(errs, 400, T(r, N_("Họ tên dài quá 200 ký tự.")));
    in->phone = arg(r, "phone", true);
    in->email = arg(r, "email", true);
    const char *subject = NULL, *sender_address = NULL, *id_number = NULL;
    read_attributes(r, errs, &subject, &sender_address, &id_number, &in->consent_publish);
    in->address = sender_address;
    in->id_number = id_number && *id_number ? id_number : NULL;
    in->subject = subject && *subject ? subject : first_line(r->a, in->content, 100);
    if (needs_identity(r, v, now) && (text_is_blank(in->name) || (v->needs_name && text_is_blank(sender_address))))
        err_add(errs, 400,
                arena_printf(r->a, T(r, v->needs_name ? N_("%s không nhận đơn nặc danh: phải gửi họ tên (first_name, last_name) "
                                                           "và địa chỉ người gửi (attribute[sender_address]).")
                                         : N_("%s không nhận ý kiến nặc danh: phải gửi họ tên (first_name, last_name).")),
                             v->name));

    c.media_url = arg(r, "media_url", true);
    if (c.media_url && !url_ok(c.media_url)) err_add(errs, 400, T(r, N_("media_url phải là địa chỉ http:// hoặc https://.")));
    c.account_id = arg(r, "account_id", true);
    c.device_id = arg(r, "device_id", true);
    if ((c.account_id && strlen(c.account_id) > 200) || (c.device_id && strlen(c.device_id) > 200))
        err_add(errs, 400, T(r, N_("account_id, device_id dài tối đa 200 ký tự.")));
    if (json_array_size(errs)) {
        answer(r, f, 400, errs, "errors");
        return;
    }
    json_decref(errs);
    if (!c.media_url) c.media_url = "";
    if (!c.account_id) c.account_id = "";
    if (!c.device_id) c.device_id = "";

    unsigned char raw[16];
    char token[33];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, sizeof token, raw, sizeof raw);
    c.token = token;
    err e = {0};
    if (db_write(req_db(r), create_fn, &c, &e) != 0) {
        int status = e.status >= 500 ? e.status : 400;
        fail(r, f, status, e.user[0] ? e.user : N_("Không lưu được yêu cầu."));
        return;
    }
    const char *notice = arena_printf(r->a, T(r, N_("Đã tiếp nhận %s số %s. Mã bí mật để tra cứu: %s (tại %s/gop-y/tra-cuu).")),
                                      v->name, c.t.code, c.t.secret, web_public_base(r));
    if (c.t.due_at > 0)
        notice = arena_printf(r->a, "%s %s", notice,
                              arena_printf(r->a, T(r, N_("Hạn xử lý theo quy định: %s.")), vn_datetime(r->a, c.t.due_at)));
    json_t *o = json_object();
    if (!strcmp(v->type, "batch")) json_object_set_new(o, "token", json_string(token));
    else json_object_set_new(o, "service_request_id", json_string(c.t.code));
    json_object_set_new(o, "service_notice", json_string(notice));
    json_object_set_new(o, "account_id", str_or_null(*c.account_id ? c.account_id : NULL));
    answer(r, f, 200, json_pack("[o]", o), "service_requests");
}
