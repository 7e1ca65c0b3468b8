/* reception_web.c -- the pages of citizen reception and dialogues (reception.h).
 *
 * Public: the unit's reception schedule (HTML and iCalendar), its announced and held
 * dialogues, one dialogue with its published minutes and issues. Staff of the unit (officers,
 * leaders, administrators; the route table's ACCESS_EDIT_CATALOG): the register, one
 * reception (handling, conclusion, its PDF, the turn into feedback), the register as PDF and
 * XLSX, the schedule editor, the dialogues and their steps. The unit of a list is ?don_vi=
 * (scope_reception_unit); the unit of one record is its row's (scope_*_param). */
#include <string.h>

#include "../account/account.h"
#include "../core/calendar.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../holiday/holiday.h"
#include "../kit/form.h"
#include "../kit/web.h"
#include "reception.h"
#include "reception_impl.h"

int64_t scope_reception_unit(req *r) { return web_unit_param(r); }
int64_t scope_reception_param(req *r) { return web_scope_by_table(r, "receptions"); }
int64_t scope_dialogue_param(req *r) { return web_scope_by_table(r, "dialogues"); }
int64_t scope_reception_slot_param(req *r) { return web_scope_by_table(r, "reception_schedules"); }

static const char *fv(req *r, const char *name)
{
    const char *v = req_form(r, name);
    return v ? v : "";
}

static int64_t list_unit(req *r)
{
    int64_t u = scope_reception_unit(r);
    return u > 0 ? u : r->user->unit_id;
}

static json_t *options(req *r, const char *const (*table)[2], size_t n, const char *selected)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", table[i][0], "label", T(r, table[i][1]),
                                              "selected", selected && !strcmp(selected, table[i][0])));
    return list;
}

static json_t *kind_options(req *r, const char *selected)
{
    json_t *list = json_array();
    for (size_t i = 0; i < RECEPTION_NKINDS; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", reception_kinds[i][0], "label",
                                              T(r, reception_kinds[i][1]),
                                              "selected", selected && !strcmp(selected, reception_kinds[i][0])));
    return list;
}

static json_t *unit_json(req *r, int64_t unit)
{
    json_t *u = account_unit_get_by_id(req_db(r), unit);
    return u ? u : json_object();
}

/* ---- public pages ------------------------------------------------------------------------ */

static json_t *public_unit(req *r)
{
    json_t *u = account_unit_get(req_db(r), req_param(r, "code"));
    if (!u) web_error(r, 404, N_("Không tìm thấy đơn vị."));
    return u;
}

void page_reception_schedule_public(req *r)
{
    json_t *u = public_unit(r);
    if (!u) return;
    int64_t id = json_integer_value(json_object_get(u, "id"));
    const char *code = json_get_str(u, "code");
    json_t *model = json_pack("{s:o, s:o, s:o, s:s, s:s}", "unit", u, "slots", reception_schedule_list(req_db(r), r->a, id, req_now(r)),
                              "dialogues", dialogue_list(req_db(r), r->a, id, true, req_now(r)), "ics",
                              arena_printf(r->a, "/don-vi/%s/lich-tiep-dan.ics", code), "dialogues_page",
                              arena_printf(r->a, "/don-vi/%s/doi-thoai", code));
    json_object_set_new(model, "page", web_page_info(r, N_("Lịch tiếp công dân")));
    web_render(r, 200, "reception/schedule_public", model);
}

/* The first local instant on or after today's day whose weekday is wd, at minutes. */
static int64_t first_on_weekday(cal_day from, int wd, int minutes)
{
    cal_day day = from;
    while (cal_weekday(day) != wd) day++;
    return cal_instant(day, minutes);
}

void page_reception_ics(req *r)
{
    json_t *u = public_unit(r);
    if (!u) return;
    db *d = req_db(r);
    int64_t id = json_integer_value(json_object_get(u, "id")), now = req_now(r);
    const char *code = arena_strdup(r->a, json_get_str(u, "code")), *name = arena_strdup(r->a, json_get_str(u, "name"));
    json_decref(u);
    json_t *slots = reception_schedule_list(d, r->a, id, now), *dls = dialogue_list(d, r->a, id, true, now);
    err ce = {0};
    const calendar *cal = holiday_calendar(d, &ce);   /* none: no EXDATE, the schedule still served */
    cal_unit cu = holiday_unit(d, id);
    size_t n = 0, cap = json_array_size(slots) + json_array_size(dls);
    ical_event *ev = arena_alloc(r->a, (cap ? cap : 1) * sizeof *ev);
    size_t i;
    json_t *s;
    json_array_foreach(slots, i, s) {
        int sm = 0, em = 0;
        vn_parse_hhmm(json_get_str(s, "start"), &sm);
        vn_parse_hhmm(json_get_str(s, "end"), &em);
        cal_day from = 0;
        cal_parse_date(json_get_str(s, "valid_from"), &from);
        int wd = (int)json_integer_value(json_object_get(s, "weekday"));
        bool single = json_is_true(json_object_get(s, "single"));
        int64_t start = single ? cal_instant(from, sm) : first_on_weekday(from, wd, sm);
        const char *title = json_get_str(s, "host_title"), *att = json_get_str(s, "attendees"),
                   *top = json_get_str(s, "topics");
        ev[n++] = (ical_event){
            .uid = arena_printf(r->a, "tiep-cong-dan-%lld@%s.thanthien",
                                (long long)json_integer_value(json_object_get(s, "id")), code),
            .summary = arena_printf(r->a, "Tiếp công dân%s: %s%s%s", single ? " đột xuất" : "", json_get_str(s, "host_name"),
                                    *title ? ", " : "", title),
            .location = json_get_str(s, "place"),
            .description = arena_printf(r->a, "%s%s%s%s%s", *att ? "Thành phần tham dự: " : "", att,
                                        *att && *top ? "\n" : "", *top ? "Dự kiến nội dung: " : "", top),
            .start = start, .end = start + (int64_t)(em - sm) * 60, .weekday = single ? -1 : wd, .stamp = now};
        if (!single) ev[n - 1].nexdates = reception_exdates(cal, &cu, start, now, r->a, &ev[n - 1].exdates);
    }
    json_t *dl;
    json_array_foreach(dls, i, dl) {
        if (strcmp(json_get_str(dl, "status"), "announced") && strcmp(json_get_str(dl, "status"), "held")) continue;
        ev[n++] = (ical_event){
            .uid = arena_printf(r->a, "doi-thoai-%lld@%s.thanthien", (long long)json_integer_value(json_object_get(dl, "id")),
                                code),
            .summary = arena_printf(r->a, "Đối thoại: %s", json_get_str(dl, "title")),
            .location = json_get_str(dl, "place"), .description = json_get_str(dl, "agenda"),
            .start = json_integer_value(json_object_get(dl, "starts_at")),
            .end = json_integer_value(json_object_get(dl, "ends_at")), .weekday = -1, .stamp = now,
            .sequence = (int)json_integer_value(json_object_get(dl, "revision"))};
    }
    const char *body = reception_ical(r->a, arena_printf(r->a, "Lịch tiếp công dân – %s", name), ev, n);
    json_decref(slots);
    json_decref(dls);
    web_header(r, "Content-Disposition", arena_printf(r->a, "inline; filename=\"lich-tiep-cong-dan-%s.ics\"", code));
    web_header(r, "Cache-Control", "public, max-age=300");
    web_body(r, 200, "text/calendar; charset=utf-8", body, strlen(body));
}

void page_dialogues_public(req *r)
{
    json_t *u = public_unit(r);
    if (!u) return;
    int64_t id = json_integer_value(json_object_get(u, "id"));
    json_t *model = json_pack("{s:o, s:o}", "unit", u, "dialogues", dialogue_list(req_db(r), r->a, id, true, req_now(r)));
    json_object_set_new(model, "page", web_page_info(r, N_("Đối thoại với Nhân dân")));
    web_render(r, 200, "reception/dialogues_public", model);
}

static bool staff_of(req *r, int64_t unit)
{
    return r->user && (r->user->access & (ACCESS_EDIT_CATALOG | ACCESS_ADMIN)) &&
           account_can_access(req_db(r), r->user, unit);
}

static void dialogue_page(req *r, int64_t id, int status, const err *e)
{
    json_t *dl = dialogue_get(req_db(r), r->a, id, req_now(r));
    int64_t unit = dl ? json_integer_value(json_object_get(dl, "unit_id")) : -1;
    bool staff = dl && staff_of(r, unit);
    const char *st = dl ? json_get_str(dl, "status") : "";
    bool visible = dl && (staff || !strcmp(st, "announced") || !strcmp(st, "held") ||
                          (!strcmp(st, "cancelled") && json_object_get(dl, "announced_text")));
    if (!visible) {
        json_decref(dl);
        web_error(r, 404, N_("Không tìm thấy buổi đối thoại."));
        return;
    }
    if (!staff && !json_is_true(json_object_get(dl, "published"))) {
        /* the minutes and issues are public once published */
        json_object_set_new(dl, "minutes", json_string(""));
        json_object_set_new(dl, "issues", json_array());
    }
    json_t *model = json_pack("{s:o, s:b}", "dialogue", dl, "staff", staff);
    web_model_err(r, model, e);
    json_object_set_new(model, "page", web_page_info(r, N_("Đối thoại với Nhân dân")));
    web_render(r, status, "reception/dialogue", model);
}

void page_dialogue_show(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy buổi đối thoại."), &id)) return;
    dialogue_page(r, id, 200, NULL);
}

/* ---- the register ----------------------------------------------------------------------- */

/* ?tu= and ?den= (dd/mm/yyyy), default the year so far; 400 on a bad date. */
static bool period(req *r, cal_day *from, cal_day *to)
{
    cal_day today = cal_local_day(req_now(r));
    int y, m, d;
    cal_to_ymd(today, &y, &m, &d);
    *from = cal_from_ymd(y, 1, 1);
    *to = today;
    const char *f = req_query(r, "tu"), *t = req_query(r, "den");
    if ((f && *f && !cal_parse_typed_date(f, from)) || (t && *t && !cal_parse_typed_date(t, to))) {
        web_error(r, 400, N_("Ngày phải có dạng dd/mm/yyyy."));
        return false;
    }
    if (*to < *from || *to - *from > 3660) {
        web_error(r, 400, N_("Khoảng thời gian không hợp lệ (tối đa 10 năm, ngày đầu trước ngày cuối)."));
        return false;
    }
    return true;
}

void page_reception_list(req *r)
{
    cal_day from, to;
    if (!period(r, &from, &to)) return;
    int64_t unit = list_unit(r);
    json_t *u = unit_json(r, unit);
    const char *code = arena_strdup(r->a, json_get_str(u, "code"));
    char f[11], t[11];
    cal_format_dmy(from, f);
    cal_format_dmy(to, t);
    char *qs = NULL, *cf = NULL, *ct = NULL;
    form_url_encode(r->a, code, &qs);
    form_url_encode(r->a, f, &cf);
    form_url_encode(r->a, t, &ct);
    const char *query = arena_printf(r->a, "don_vi=%s&tu=%s&den=%s", qs, cf, ct);
    const char *q = req_query(r, "q");
    json_t *model = json_pack("{s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s}", "unit", u, "receptions",
                              reception_list(req_db(r), r->a, unit, from, to, q), "from", f, "to", t, "q", q ? q : "",
                              "pdf", arena_printf(r->a, "/tiep-cong-dan/so.pdf?%s", query), "xlsx",
                              arena_printf(r->a, "/tiep-cong-dan/so.xlsx?%s", query), "code", code);
    json_object_set_new(model, "page", web_page_info(r, N_("Sổ tiếp công dân")));
    web_render(r, 200, "reception/list", model);
}

static void new_page(req *r, int status, const err *e)
{
    int64_t unit = list_unit(r);
    json_t *u = unit_json(r, unit);
    const char *session = req_form(r, "session");
    json_t *model = json_pack("{s:o, s:o, s:o, s:s}", "unit", u, "sessions",
                              options(r, reception_sessions, RECEPTION_NSESSIONS, session ? session : "regular"), "kinds",
                              kind_options(r, req_form(r, "kind")), "now", vn_datetime(r->a, req_now(r)));
    static const char *const keep[] = {"received_at", "host_name", "host_title", "citizen_name", "id_number", "address",
                                       "phone", "email", "people", "content", "prior_handling", "request"};
    json_t *v = json_object();
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) json_object_set_new(v, keep[i], json_string(fv(r, keep[i])));
    if (!req_form(r, "host_name")) json_object_set_new(v, "host_name", json_string(r->user->full_name));
    json_object_set_new(model, "v", v);
    web_model_err(r, model, e);
    json_object_set_new(model, "page", web_page_info(r, N_("Ghi sổ tiếp công dân")));
    web_render(r, status, "reception/new", model);
}

void page_reception_new(req *r) { new_page(r, 200, NULL); }

void page_reception_create(req *r)
{
    reception_input in = {.unit_id = list_unit(r), .received_at = fv(r, "received_at"), .session = fv(r, "session"),
                          .host_name = fv(r, "host_name"), .host_title = fv(r, "host_title"),
                          .citizen_name = fv(r, "citizen_name"), .id_number = fv(r, "id_number"),
                          .address = fv(r, "address"), .phone = fv(r, "phone"), .email = fv(r, "email"),
                          .people = fv(r, "people"), .kind = fv(r, "kind"), .content = fv(r, "content"),
                          .prior_handling = fv(r, "prior_handling"), .request = fv(r, "request")};
    int64_t id;
    err e = {0};
    if (reception_create(req_db(r), r->a, &in, r->user->id, req_now(r), &id, &e)) {
        if (r->want_json) web_err(r, &e);
        else new_page(r, e.status, &e);
        return;
    }
    const char *url = arena_printf(r->a, "/tiep-cong-dan/%lld", (long long)id);
    if (r->want_json) web_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "url", url));
    else web_redirect(r, url);
}

static void show_page(req *r, int64_t id, int status, const err *e)
{
    db *d = req_db(r);
    json_t *rec = reception_get(d, r->a, id);
    if (!rec) {
        web_error(r, 404, N_("Không tìm thấy lượt tiếp công dân."));
        return;
    }
    if (r->want_json && !e) {
        web_json(r, status, rec);
        return;
    }
    reception_feedback f;
    reception_feedback_of(d, r->a, id, NULL, &f);
    static const char *const FB[][2] = {{"khieu_nai", N_("Đơn khiếu nại")}, {"to_cao", N_("Đơn tố cáo")},
                                        {"kien_nghi", N_("Kiến nghị")},     {"phan_anh", N_("Phản ánh")},
                                        {"gop_y", N_("Góp ý")},             {"bieu_duong", N_("Biểu dương")}};
    json_t *model = json_pack(
        "{s:o, s:o, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s}, s:o, s:s}", "r", rec, "handlings",
        options(r, reception_handlings, RECEPTION_NHANDLINGS, json_get_str(rec, "handling")), "feedback", "kind", f.kind,
        "subject", f.subject, "content", f.content, "name", f.name, "phone", f.phone, "address", f.address, "source_ref",
        f.source_ref, "feedback_kinds", options(r, FB, 6, f.kind),
        "pdf", arena_printf(r->a, "/tiep-cong-dan/%lld/ket-luan.pdf", (long long)id));
    json_object_set_new(model, "sessions", options(r, reception_sessions, RECEPTION_NSESSIONS, json_get_str(rec, "session")));
    json_object_set_new(model, "kinds", kind_options(r, json_get_str(rec, "kind")));
    json_object_set_new(model, "refusal_grounds",
                        reception_refusal_grounds(d, rc_iso_day(r->a, json_integer_value(json_object_get(rec, "received_at")))));
    web_model_err(r, model, e);
    json_object_set_new(model, "page", web_page_info(r, N_("Lượt tiếp công dân")));
    web_render(r, status, "reception/show", model);
}

void page_reception_show(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy lượt tiếp công dân."), &id)) return;
    show_page(r, id, 200, NULL);
}

void page_reception_action(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy lượt tiếp công dân."), &id)) return;
    const char *action = req_param(r, "action");
    err e = {0};
    int rc;
    const char *ref = NULL;
    if (!strcmp(action, "sua")) {
        reception_input in = {.session = fv(r, "session"), .host_name = fv(r, "host_name"),
                              .host_title = fv(r, "host_title"), .citizen_name = fv(r, "citizen_name"),
                              .id_number = fv(r, "id_number"), .address = fv(r, "address"), .phone = fv(r, "phone"),
                              .email = fv(r, "email"), .people = fv(r, "people"), .kind = fv(r, "kind"),
                              .content = fv(r, "content"), .prior_handling = fv(r, "prior_handling"),
                              .request = fv(r, "request")};
        rc = reception_update(req_db(r), r->a, id, &in, r->user->id, req_now(r), &e);
    } else if (!strcmp(action, "xu-ly"))
        rc = reception_handle(req_db(r), r->a, id, fv(r, "handling"), fv(r, "handling_note"), fv(r, "followup"),
                              r->user->id, req_now(r), &e);
    else if (!strcmp(action, "ket-luan"))
        rc = reception_conclude(req_db(r), r->a, id, fv(r, "conclusion"), fv(r, "deadline"), fv(r, "contact"),
                                r->user->id, req_now(r), &e);
    else if (!strcmp(action, "tu-choi"))
        rc = reception_refuse(req_db(r), r->a, id, fv(r, "ground"), fv(r, "reason"), fv(r, "signer_name"),
                              fv(r, "signer_title"), r->user->id, req_now(r), &e);
    else if (!strcmp(action, "chuyen"))
        rc = reception_convert(req_db(r), r->a, id, fv(r, "kind"), r->user->id, req_now(r), &ref, &e);
    else {
        web_error(r, 404, N_("Không tìm thấy trang."));
        return;
    }
    if (rc) {
        if (r->want_json) web_err(r, &e);
        else show_page(r, id, e.status, &e);
        return;
    }
    if (r->want_json) {
        web_json(r, 200, json_pack("{s:s, s:s}", "status", "ok", "ref", ref ? ref : ""));
        return;
    }
    web_redirect(r, arena_printf(r->a, "/tiep-cong-dan/%lld", (long long)id));
}

static void send_bytes(req *r, const buf *out, const char *type, const char *filename, bool attach)
{
    web_header(r, "Content-Disposition",
               arena_printf(r->a, "%s; filename=\"%s\"", attach ? "attachment" : "inline", filename));
    web_header(r, "Cache-Control", "private, no-store");
    web_body(r, 200, type, out->data, out->len);
}

void page_reception_conclusion_pdf(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy lượt tiếp công dân."), &id)) return;
    buf out;
    buf_init(&out, r->a);
    err e = {0};
    if (reception_conclusion_pdf(req_db(r), r->a, id, &out, &e)) {
        web_err(r, &e);
        return;
    }
    send_bytes(r, &out, "application/pdf", arena_printf(r->a, "ket-luan-tiep-cong-dan-%lld.pdf", (long long)id), false);
}

void page_reception_refusal_pdf(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy lượt tiếp công dân."), &id)) return;
    buf out;
    buf_init(&out, r->a);
    err e = {0};
    if (reception_refusal_pdf(req_db(r), r->a, id, &out, &e)) {
        web_err(r, &e);
        return;
    }
    send_bytes(r, &out, "application/pdf", arena_printf(r->a, "tu-choi-tiep-cong-dan-%lld.pdf", (long long)id), false);
}

static void register_file(req *r, bool pdf)
{
    cal_day from, to;
    if (!period(r, &from, &to)) return;
    int64_t unit = list_unit(r);
    buf out;
    buf_init(&out, r->a);
    err e = {0};
    int rc = pdf ? reception_register_pdf(req_db(r), r->a, unit, from, to, &out, &e)
                 : reception_register_xlsx(req_db(r), r->a, unit, from, to, &out, &e);
    if (rc) {
        web_err(r, &e);
        return;
    }
    char f[11], t[11];
    cal_format(from, f);
    cal_format(to, t);
    const char *name = arena_printf(r->a, "so-tiep-cong-dan-%s-%s.%s", f, t, pdf ? "pdf" : "xlsx");
    send_bytes(r, &out, pdf ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               name, !pdf);
}

void page_reception_register_pdf(req *r) { register_file(r, true); }
void page_reception_register_xlsx(req *r) { register_file(r, false); }

/* ---- the schedule editor ------------------------------------------------------------------ */

static void schedule_page(req *r, int status, const err *e)
{
    int64_t unit = list_unit(r);
    json_t *u = unit_json(r, unit);
    json_t *days = json_array();
    const char *sel = req_form(r, "weekday");
    for (int i = 1; i <= 7; i++) {
        int wd = i % 7;
        char v[2] = {(char)('0' + wd), 0};
        json_array_append_new(days, json_pack("{s:s, s:s, s:b}", "value", v, "label", T(r, reception_weekday_label(wd)),
                                              "selected", sel ? !strcmp(sel, v) : wd == 4));
    }
    static const char *const keep[] = {"host_name", "host_title", "start", "end", "place", "attendees", "topics", "valid_from",
                                       "on_date"};
    json_t *v = json_object();
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) json_object_set_new(v, keep[i], json_string(fv(r, keep[i])));
    if (!req_form(r, "place")) {
        json_object_set_new(v, "place", json_string(json_get_str(u, "reception_place")));
        json_object_set_new(v, "start", json_string("07:30"));
        json_object_set_new(v, "end", json_string("11:30"));
    }
    const char *code = arena_strdup(r->a, json_get_str(u, "code"));
    json_t *slots = reception_schedule_list(req_db(r), r->a, unit, req_now(r));
    /* the chairman's days a week the law in force asks (reception_rules), against the schedule */
    bool seen[7] = {false};
    int distinct = 0;
    size_t i;
    json_t *sl;
    json_array_foreach(slots, i, sl) {
        int wd = (int)json_integer_value(json_object_get(sl, "weekday"));
        if (wd < 0 || wd > 6 || seen[wd] || json_is_true(json_object_get(sl, "single"))) continue;
        seen[wd] = true;
        distinct++;
    }
    const char *basis;
    int64_t need = reception_rule(req_db(r), r->a, "chairman_days_per_week", rc_iso_day(r->a, req_now(r)), 1, &basis);
    json_t *model = json_pack("{s:o, s:o, s:o, s:o, s:s}", "unit", u, "slots", slots, "weekdays", days, "v", v, "public",
                              arena_printf(r->a, "/don-vi/%s/lich-tiep-dan", code));
    if (distinct < need)
        json_object_set_new(model, "too_few", json_pack("{s:I, s:s}", "need", (json_int_t)need, "basis", basis));
    web_model_err(r, model, e);
    json_object_set_new(model, "page", web_page_info(r, N_("Lịch tiếp công dân")));
    web_render(r, status, "reception/schedule", model);
}

void page_reception_schedule(req *r) { schedule_page(r, 200, NULL); }

void page_reception_schedule_add(req *r)
{
    reception_slot_input in = {.unit_id = list_unit(r), .host_name = fv(r, "host_name"), .host_title = fv(r, "host_title"),
                               .weekday = fv(r, "weekday"), .start = fv(r, "start"), .end = fv(r, "end"),
                               .place = fv(r, "place"), .attendees = fv(r, "attendees"), .topics = fv(r, "topics"),
                               .valid_from = fv(r, "valid_from"), .on_date = fv(r, "on_date")};
    int64_t id;
    err e = {0};
    if (reception_schedule_add(req_db(r), r->a, &in, r->user->id, req_now(r), &id, &e)) {
        if (r->want_json) web_err(r, &e);
        else schedule_page(r, e.status, &e);
        return;
    }
    json_t *u = unit_json(r, in.unit_id);
    const char *code = arena_strdup(r->a, json_get_str(u, "code"));
    json_decref(u);
    if (r->want_json) web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
    else web_redirect(r, arena_printf(r->a, "/tiep-cong-dan/lich?don_vi=%s", code));
}

void page_reception_schedule_remove(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy lịch tiếp công dân."), &id)) return;
    int64_t unit = db_int_by_id(req_db(r), "SELECT unit_id FROM reception_schedules WHERE id = ?", id, -1);
    err e = {0};
    if (reception_schedule_remove(req_db(r), unit, id, r->user->id, req_now(r), &e)) {
        web_err(r, &e);
        return;
    }
    json_t *u = unit_json(r, unit);
    const char *code = arena_strdup(r->a, json_get_str(u, "code"));
    json_decref(u);
    if (r->want_json) web_json(r, 200, json_pack("{s:s}", "status", "ok"));
    else web_redirect(r, arena_printf(r->a, "/tiep-cong-dan/lich?don_vi=%s", code));
}

/* ---- dialogues (staff) ----------------------------------------------------------------------- */

static void dialogues_page(req *r, int status, const err *e)
{
    int64_t unit = list_unit(r);
    json_t *u = unit_json(r, unit);
    const char *kind = req_form(r, "kind");
    static const char *const keep[] = {"title", "agenda", "place", "starts_at", "ends_at", "chair_name", "invited"};
    json_t *v = json_object();
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) json_object_set_new(v, keep[i], json_string(fv(r, keep[i])));
    json_t *model = json_pack("{s:o, s:o, s:o, s:o}", "unit", u, "dialogues",
                              dialogue_list(req_db(r), r->a, unit, false, req_now(r)), "kinds",
                              options(r, dialogue_kinds, DIALOGUE_NKINDS, kind ? kind : "people"), "v", v);
    web_model_err(r, model, e);
    json_object_set_new(model, "page", web_page_info(r, N_("Đối thoại với Nhân dân")));
    web_render(r, status, "reception/dialogues", model);
}

void page_dialogue_list(req *r) { dialogues_page(r, 200, NULL); }

void page_dialogue_create(req *r)
{
    dialogue_input in = {.unit_id = list_unit(r), .kind = fv(r, "kind"), .title = fv(r, "title"), .agenda = fv(r, "agenda"),
                         .place = fv(r, "place"), .starts_at = fv(r, "starts_at"), .ends_at = fv(r, "ends_at"),
                         .chair_name = fv(r, "chair_name"), .invited = fv(r, "invited")};
    int64_t id;
    err e = {0};
    if (dialogue_create(req_db(r), r->a, &in, r->user->id, req_now(r), &id, &e)) {
        if (r->want_json) web_err(r, &e);
        else dialogues_page(r, e.status, &e);
        return;
    }
    const char *url = arena_printf(r->a, "/doi-thoai/%lld", (long long)id);
    if (r->want_json) web_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "url", url));
    else web_redirect(r, url);
}

void page_dialogue_action(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy buổi đối thoại."), &id)) return;
    const char *action = req_param(r, "action");
    db *d = req_db(r);
    err e = {0};
    int rc;
    int64_t issue = 0, me = r->user->id, now = req_now(r);
    if (!strcmp(action, "thong-bao")) rc = dialogue_announce(d, r->a, id, me, now, &e);
    else if (!strcmp(action, "to-chuc")) rc = dialogue_hold(d, r->a, id, fv(r, "attendance"), fv(r, "minutes"), me, now, &e);
    else if (!strcmp(action, "cong-khai")) rc = dialogue_publish(d, r->a, id, me, now, &e);
    else if (!strcmp(action, "huy")) rc = dialogue_cancel(d, r->a, id, fv(r, "reason"), me, now, &e);
    else if (!strcmp(action, "doi-lich"))
        rc = dialogue_reschedule(d, r->a, id, fv(r, "starts_at"), fv(r, "ends_at"), fv(r, "reason"), me, now, &e);
    else if (!strcmp(action, "van-de"))
        rc = dialogue_issue_add(d, r->a, id, fv(r, "content"), fv(r, "raised_by"), fv(r, "answer"), fv(r, "assignee"),
                                fv(r, "due"), me, now, &issue, &e);
    else {
        web_error(r, 404, N_("Không tìm thấy trang."));
        return;
    }
    if (rc) {
        if (r->want_json) web_err(r, &e);
        else dialogue_page(r, id, e.status, &e);
        return;
    }
    if (r->want_json) web_json(r, 200, json_pack("{s:s, s:I}", "status", "ok", "issue", (json_int_t)issue));
    else web_redirect(r, arena_printf(r->a, "/doi-thoai/%lld", (long long)id));
}

void page_dialogue_issue_close(req *r)
{
    int64_t id, issue;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy buổi đối thoại."), &id) ||
        !web_id_or_404(r, "issue", N_("Không tìm thấy vấn đề."), &issue))
        return;
    err e = {0};
    if (dialogue_issue_close(req_db(r), r->a, id, issue, fv(r, "result"), r->user->id, req_now(r), &e)) {
        if (r->want_json) web_err(r, &e);
        else dialogue_page(r, id, e.status, &e);
        return;
    }
    if (r->want_json) web_json(r, 200, json_pack("{s:s}", "status", "ok"));
    else web_redirect(r, arena_printf(r->a, "/doi-thoai/%lld", (long long)id));
}

/* GET /doi-thoai/{id}/thong-bao.pdf (the notice) and /doi-thoai/{id}/bien-ban.pdf (the minutes). */
void page_dialogue_pdf(req *r)
{
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy buổi đối thoại."), &id)) return;
    const char *doc = req_param(r, "doc");
    bool minutes = !strcmp(doc, "bien-ban");
    if (!minutes && strcmp(doc, "thong-bao")) {
        web_error(r, 404, N_("Không tìm thấy trang."));
        return;
    }
    buf out;
    buf_init(&out, r->a);
    err e = {0};
    if (dialogue_pdf(req_db(r), r->a, id, minutes, req_now(r), &out, &e)) {
        web_err(r, &e);
        return;
    }
    send_bytes(r, &out, "application/pdf", arena_printf(r->a, "doi-thoai-%lld-%s.pdf", (long long)id, doc), false);
}
