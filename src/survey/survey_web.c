/* survey_web.c -- the pages of surveys (survey.h).
 *
 * Staff: the unit's list (/khao-sat) where a leader makes a survey (from the SIPAS
 * questionnaire or from nothing); the builder (/khao-sat/{id}): questions in sections, adding,
 * moving up and removing them while a draft, the name and introduction, opening and closing,
 * the public link and its QR code; the
 * printed one-use codes (/khao-sat/{id}/ma); paper forms keyed in by an officer
 * (/khao-sat/{id}/phieu-giay, the citizen's form marked channel "paper"); the results with
 * charts drawn as SVG (/khao-sat/{id}/ket-qua, .xlsx); the SIPAS and QĐ 766 figures of a unit
 * and period (/khao-sat/chi-so), with a row per unit below for assessors and administrators.
 *
 * Citizens: /ks/{key}, light (no script, no image but the page's stylesheet). Each visitor gets a
 * fresh token in a cookie (Path=/ks/{key}) and in the form; ?ma=CODE answers with a printed code
 * instead. One answer per token (survey.c). Leaders change surveys (as they word letters);
 * officers key in paper forms and print codes; every staff member of the unit reads results. */
#include <qrencode.h>
#include <string.h>

#include "../account/account.h"
#include "../core/calendar.h"
#include "../core/ratelimit.h"
#include "../core/text.h"
#include "../dossier/indicators.h"
#include "../kit/form.h"
#include "../kit/links.h"
#include "../kit/web.h"
#include "../core/template.h"
#include "survey.h"

int survey_766_sources_fill(db *d, int64_t unit_id, int64_t from, int64_t to, s766_input *in);   /* survey_calc.c */

int64_t scope_survey_param(req *r) { return web_scope_by_table(r, "surveys"); }

static const char *survey_link(req *r, int64_t id) { return arena_printf(r->a, "/khao-sat/%lld", (long long)id); }
static const char *public_path(req *r, const char *key) { return arena_printf(r->a, "/ks/%s", key); }

static bool is_leader(const req *r)
{
    return r->user && (!strcmp(r->user->role, "leader") || !strcmp(r->user->role, "admin"));
}

static bool refuse_unless_leader(req *r)
{
    if (is_leader(r)) return false;
    web_error(r, 403, N_("Chỉ lãnh đạo đơn vị mới được tạo và sửa khảo sát."));
    return true;
}

static const char *status_label(const char *st)
{
    if (!strcmp(st, "open")) return N_("Đang nhận ý kiến");
    if (!strcmp(st, "closed")) return N_("Đã kết thúc");
    return N_("Bản nháp");
}

static const char *form_or_empty(req *r, const char *name)
{
    const char *v = req_form(r, name);
    return v ? v : "";
}

/* "12,5" with a decimal comma */
static const char *num1(req *r, double v)
{
    char *s = arena_printf(r->a, "%.1f", v);
    for (char *p = s; *p; p++)
        if (*p == '.') *p = ',';
    return s;
}

static const char *num2(req *r, double v)
{
    char *s = arena_printf(r->a, "%.2f", v);
    for (char *p = s; *p; p++)
        if (*p == '.') *p = ',';
    return s;
}

static bool load(req *r, int64_t *id, survey_info *info, survey_def *def)
{
    if (!web_id_or_404(r, "id", N_("Không tìm thấy khảo sát."), id)) return false;
    err e = {0};
    if (survey_load(req_db(r), r->a, *id, info, def, &e)) {
        web_err(r, &e);
        return false;
    }
    return true;
}

static void after_change(req *r, int64_t id, int rc, const err *e, const char *flag)
{
    if (rc) {
        web_err(r, e);
        return;
    }
    if (r->want_json) web_json(r, 200, json_pack("{s:b}", "ok", 1));
    else web_redirect(r, arena_printf(r->a, "%s?%s=1", survey_link(r, id), flag));
}

/* ---- the period of results: ?tu=&den= as dd/mm/yyyy, both optional ----------------------------- */

typedef struct {
    int64_t from, to;           /* [from, to) instants; 0 = open */
    cal_day from_day, to_day;   /* for the 766 figures: this year to date when blank */
    const char *tu, *den;
} period;

static bool read_period(req *r, period *p)
{
    *p = (period){.tu = req_query(r, "tu"), .den = req_query(r, "den")};
    cal_day d;
    cal_day today = cal_local_day(req_now(r));
    int y, m, dd;
    cal_to_ymd(today, &y, &m, &dd);
    p->to_day = today;
    p->from_day = cal_from_ymd(y, 1, 1);
    if (p->tu && *p->tu) {
        if (!cal_parse_typed_date(p->tu, &d)) goto bad;
        p->from = cal_instant(d, 0);
        p->from_day = d;
    }
    if (p->den && *p->den) {
        if (!cal_parse_typed_date(p->den, &d)) goto bad;
        p->to = cal_instant(d + 1, 0);
        p->to_day = d;
    }
    if (p->from && p->to && p->from >= p->to) {
        web_error(r, 400, N_("Ngày bắt đầu phải trước ngày kết thúc."));
        return false;
    }
    if (p->to_day < p->from_day) p->from_day = p->to_day;
    return true;
bad:
    web_error(r, 400, N_("Ngày không hợp lệ: xin ghi theo dạng ngày/tháng/năm, ví dụ 05/03/2026."));
    return false;
}

static const char *period_qs(req *r, const period *p)
{
    char *tu = NULL, *den = NULL;
    form_url_encode(r->a, p->tu ? p->tu : "", &tu);
    form_url_encode(r->a, p->den ? p->den : "", &den);
    return arena_printf(r->a, "tu=%s&den=%s", tu ? tu : "", den ? den : "");
}

/* ---- QR code (as the catalogue draws its own) ------------------------------------------------ */

static const char *qr_svg(arena *a, const char *text, int px)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr) return "";
    int w = qr->width, quiet = 4, size = w + 2 * quiet;
    buf b;
    buf_init(&b, a);
    buf_printf(&b, "<svg class=\"tt-qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                   "height=\"%d\" shape-rendering=\"crispEdges\" role=\"img\"><title>QR</title>"
                   "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
               size, size, px, px);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w;) {
            if (!(qr->data[y * w + x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < w && (qr->data[y * w + x + run] & 1)) run++;
            buf_printf(&b, "M%d %dh%dv1h-%dz", x + quiet, y + quiet, run, run);
            x += run;
        }
    buf_puts(&b, "\"/></svg>");
    QRcode_free(qr);
    return buf_cstr(&b);
}

/* ---- the list and making a survey ---------------------------------------------------------- */

static void list_page(req *r, int status, const err *e)
{
    db *d = req_db(r);
    json_t *rows = survey_list(d, r->user->unit_id);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        int64_t id = json_integer_value(json_object_get(row, "id"));
        json_object_set_new(row, "url", json_string(survey_link(r, id)));
        json_object_set_new(row, "results_url", json_string(arena_printf(r->a, "%s/ket-qua", survey_link(r, id))));
        json_object_set_new(row, "status_label", json_string(T(r, status_label(json_get_str(row, "status")))));
        char day[11];
        cal_format_dmy(cal_local_day(json_integer_value(json_object_get(row, "created_at"))), day);
        json_object_set_new(row, "created", json_string(day));
    }
    json_t *model = json_pack("{s:o, s:s, s:b}", "surveys", rows, "unit_name", r->user->unit_name, "can_edit",
                              is_leader(r));
    json_object_set_new(model, "title_typed", json_string(form_or_empty(r, "title")));
    web_model_err(r, model, e);
    json_object_set_new(model, "page", web_page_info(r, "Khảo sát ý kiến người dân"));
    web_render(r, status, "survey/survey_list", model);
}

void page_survey_list(req *r) { list_page(r, 200, NULL); }

void page_survey_create(req *r)
{
    if (refuse_unless_leader(r)) return;
    err e = {0};
    int64_t id = 0;
    const char *tpl = req_form(r, "template");
    if (survey_create(req_db(r), r->a, r->user->unit_id, req_form(r, "title"), tpl ? tpl : "sipas", r->user->id,
                      req_now(r), &id, &e)) {
        if (r->want_json) web_err(r, &e);
        else list_page(r, e.status ? e.status : 500, &e);
        return;
    }
    if (r->want_json) web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
    else web_redirect(r, survey_link(r, id));
}

/* ---- questions as the pages show them ------------------------------------------------------- */

/* "(Chỉ trả lời nếu câu A1 chọn “Có”)" */
static const char *cond_note(req *r, const survey_def *def, const survey_question *q)
{
    if (q->cond < 0) return "";
    const survey_question *c = &def->q[q->cond];
    const char *opt = q->show_if_option >= 1 && q->show_if_option <= c->noptions ? c->options[q->show_if_option - 1] : "?";
    return arena_printf(r->a, T(r, "(Chỉ trả lời nếu câu %s chọn “%s”)"), c->code, opt);
}

/* Was value v of question q posted in this request's form? (to show a refused form again) */
static bool posted(req *r, const survey_question *q, int v, const char **text)
{
    char name[32];
    snprintf(name, sizeof name, "q%lld", (long long)q->id);
    for (const kv *f = r->form; f; f = f->next) {
        if (!f->name || strcmp(f->name, name)) continue;
        if (text) {
            *text = f->value;
            return true;
        }
        int64_t n;
        if (f->value && text_parse_uint(f->value, SURVEY_MAX_OPTIONS, &n) && n == v) return true;
    }
    return false;
}

static json_t *questions_json(req *r, const survey_def *def, bool with_typed, const char *error_field)
{
    json_t *arr = json_array();
    const char *section = NULL;
    for (size_t i = 0; i < def->n; i++) {
        const survey_question *q = &def->q[i];
        const char *field = arena_printf(r->a, "q%lld", (long long)q->id);
        json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "id", (json_int_t)q->id, "field", field,
                              "code", q->code, "text", q->text, "kind_label", T(r, survey_kind_label(q->kind)),
                              "required", q->required, "cond", cond_note(r, def, q), "element", q->element);
        if (!section || strcmp(section, q->section)) {
            section = q->section;
            if (*section) json_object_set_new(o, "section", json_string(section));
        }
        json_object_set_new(o, arena_printf(r->a, "is_%s", survey_kinds[q->kind]), json_true());
        json_t *opts = json_array();
        int n = survey_question_choices(q);
        for (int v = 1; v <= n; v++) {
            const char *label = q->kind == SQ_SCALE ? arena_printf(r->a, "%d – %s", v, T(r, survey_scale_labels[v - 1]))
                                                    : q->options[v - 1];
            json_array_append_new(opts, json_pack("{s:i, s:s, s:s, s:b}", "value", v, "label", label, "id",
                                                  arena_printf(r->a, "%s-%d", field, v), "checked",
                                                  with_typed && posted(r, q, v, NULL)));
        }
        json_object_set_new(o, "options", opts);
        const char *typed = NULL;
        if (q->kind == SQ_TEXT && with_typed && posted(r, q, 0, &typed) && typed)
            json_object_set_new(o, "typed", json_string(typed));
        if (error_field && !strcmp(error_field, field)) json_object_set_new(o, "has_error", json_true());
        if (q->cond >= 0)
            json_object_set_new(o, "show_if", json_string(arena_printf(r->a, "q%lld=%d", (long long)def->q[q->cond].id,
                                                                       q->show_if_option)));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* ---- the builder ----------------------------------------------------------------------------- */

static void builder_page(req *r, int status, const err *e)
{
    int64_t id;
    survey_info info;
    survey_def def;
    if (!load(r, &id, &info, &def)) return;
    const char *link = arena_printf(r->a, "%s%s", web_public_base(r), public_path(r, info.public_key));
    bool draft = !strcmp(info.status, "draft");
    json_t *qs = questions_json(r, &def, false, NULL);
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q)
    {
        json_object_set_new(q, "delete_url", json_string(arena_printf(r->a, "%s/cau-hoi/%lld/xoa", survey_link(r, id),
                                                                      (long long)def.q[i].id)));
        if (i) json_object_set_new(q, "up_url", json_string(arena_printf(r->a, "%s/cau-hoi/%lld/len", survey_link(r, id),
                                                                         (long long)def.q[i].id)));
    }
    /* the conditions a new question may have: "A1 = Có", one per option of a choice question */
    json_t *conds = json_array();
    for (size_t k = 0; k < def.n; k++)
        for (int o = 0; (def.q[k].kind == SQ_SINGLE || def.q[k].kind == SQ_MULTI) && o < def.q[k].noptions; o++)
            json_array_append_new(conds, json_pack("{s:s, s:s}", "value", arena_printf(r->a, "%s=%d", def.q[k].code, o + 1),
                                                   "label", arena_printf(r->a, "%s = %s", def.q[k].code, def.q[k].options[o])));
    json_t *kinds = json_array();
    for (int k = 0; k < SQ_NKINDS; k++)
        json_array_append_new(kinds, json_pack("{s:s, s:s}", "value", survey_kinds[k], "label", T(r, survey_kind_label(k))));
    json_t *model = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:o, s:o, s:o, s:s, s:s, s:s, s:s, s:I}", "id",
        (json_int_t)id, "title", info.title, "intro", info.intro, "unit_name", info.unit_name, "status_label",
        T(r, status_label(info.status)), "public_url", link, "draft", draft, "open", !strcmp(info.status, "open"),
        "closed", !strcmp(info.status, "closed"), "can_edit", is_leader(r), "questions", qs, "conds", conds, "kinds",
        kinds, "action", survey_link(r, id), "results_url", arena_printf(r->a, "%s/ket-qua", survey_link(r, id)),
        "paper_url", arena_printf(r->a, "%s/phieu-giay", survey_link(r, id)), "codes_url",
        arena_printf(r->a, "%s/ma", survey_link(r, id)), "count", (json_int_t)def.n);
    if (!strcmp(info.template_key, "sipas-2023"))
        json_object_set_new(model, "template_label",
                            json_string("SIPAS, Quyết định 1001/QĐ-BNV ngày 11/12/2023 của Bộ Nội vụ"));
    for (const char *const *f = (const char *const[]){"da_luu", "da_xoa", "da_mo", "da_dong", NULL}; *f; f++)
        if (req_query(r, *f)) json_object_set_new(model, "saved", json_true());
    web_model_err(r, model, e);
    if (e) {
        json_t *typed = json_pack("{s:s, s:s, s:s}", "section", form_or_empty(r, "section"), "text",
                                  form_or_empty(r, "text"), "options", form_or_empty(r, "options"));
        json_object_set_new(model, "typed", typed);
    }
    json_object_set_new(model, "status_action", json_string(arena_printf(r->a, "%s/trang-thai", survey_link(r, id))));
    json_object_set_new(model, "info_action", json_string(arena_printf(r->a, "%s/thong-tin", survey_link(r, id))));
    json_object_set_new(model, "question_action", json_string(arena_printf(r->a, "%s/cau-hoi", survey_link(r, id))));
    json_object_set_new(model, "page", web_page_info(r, info.title));
    web_render_raw(r, status, "survey/survey_builder", model, qr_svg(r->a, link, 160));
}

void page_survey_show(req *r) { builder_page(r, 200, NULL); }

void page_survey_question_add(req *r)
{
    if (refuse_unless_leader(r)) return;
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy khảo sát."), &id)) return;
    survey_question_in in = {.section = req_form(r, "section"), .kind = req_form(r, "kind"), .text = req_form(r, "text"),
                             .options = req_form(r, "options"), .show_if_code = req_form(r, "show_if_code"),
                             .show_if_option = req_form(r, "show_if_option"), .required = req_form(r, "required") != NULL};
    /* the page's one select "CODE=N" (the API may send the two fields apart) */
    const char *show_if = req_form(r, "show_if");
    const char *eq = show_if ? strrchr(show_if, '=') : NULL;
    if (eq) {
        in.show_if_code = arena_strndup(r->a, show_if, (size_t)(eq - show_if));
        in.show_if_option = eq + 1;
    }
    err e = {0};
    if (survey_question_add(req_db(r), r->a, id, &in, r->user->id, req_now(r), &e)) {
        if (r->want_json || e.status == 404) web_err(r, &e);
        else builder_page(r, e.status ? e.status : 500, &e);
        return;
    }
    after_change(r, id, 0, NULL, "da_luu");
}

void page_survey_question_delete(req *r)
{
    if (refuse_unless_leader(r)) return;
    int64_t id, qid = req_param_id(r, "qid");
    if (!web_id_or_404(r, "id", N_("Không tìm thấy khảo sát."), &id)) return;
    err e = {0};
    int rc = survey_question_delete(req_db(r), r->a, id, qid, r->user->id, req_now(r), &e);
    after_change(r, id, rc, &e, "da_xoa");
}

void page_survey_question_up(req *r)
{
    if (refuse_unless_leader(r)) return;
    int64_t id, qid = req_param_id(r, "qid");
    if (!web_id_or_404(r, "id", N_("Không tìm thấy khảo sát."), &id)) return;
    err e = {0};
    int rc = survey_question_move_up(req_db(r), id, qid, r->user->id, req_now(r), &e);
    if (!rc && !r->want_json) {
        web_redirect(r, arena_printf(r->a, "%s?da_luu=1#q%lld", survey_link(r, id), (long long)qid));
        return;
    }
    after_change(r, id, rc, &e, "da_luu");
}

void page_survey_info(req *r)
{
    if (refuse_unless_leader(r)) return;
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy khảo sát."), &id)) return;
    err e = {0};
    if (survey_info_update(req_db(r), r->a, id, req_form(r, "title"), req_form(r, "intro"), r->user->id, req_now(r),
                           &e)) {
        if (r->want_json || e.status == 404) web_err(r, &e);
        else builder_page(r, e.status ? e.status : 500, &e);
        return;
    }
    after_change(r, id, 0, NULL, "da_luu");
}

void page_survey_status(req *r)
{
    if (refuse_unless_leader(r)) return;
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy khảo sát."), &id)) return;
    err e = {0};
    const char *st = req_form(r, "status");
    int rc = survey_set_status(req_db(r), id, st, r->user->id, req_now(r), &e);
    after_change(r, id, rc, &e, st && !strcmp(st, "open") ? "da_mo" : "da_dong");
}

/* ---- printed codes ---------------------------------------------------------------------------- */

void page_survey_tokens(req *r)
{
    int64_t id;
    survey_info info;
    if (!load(r, &id, &info, NULL)) return;
    int64_t total = 0, used = 0;
    json_t *codes = survey_tokens_list(req_db(r), id, &total, &used);
    buf b;
    buf_init(&b, r->a);
    size_t i;
    json_t *c;
    const char *base = arena_printf(r->a, "%s%s", web_public_base(r), public_path(r, info.public_key));
    buf_puts(&b, "<div class=\"tt-codes\">");
    json_array_foreach(codes, i, c)
    {
        /* codes are from CODE_ALPHABET (survey.c): nothing to escape; the address is escaped */
        const char *code = json_string_value(c);
        const char *url = arena_printf(r->a, "%s?ma=%s", base, code);
        buf_printf(&b, "<div class=\"tt-code\">%s<p class=\"govuk-body\"><strong>%s</strong><br><span "
                       "class=\"govuk-body-s\">%s</span></p></div>",
                   qr_svg(r->a, url, 120), code, xml_escaped(r->a, url));
    }
    buf_puts(&b, "</div>");
    json_t *model = json_pack("{s:s, s:I, s:s, s:I, s:I, s:I, s:b}", "title", info.title, "id", (json_int_t)id, "action",
                              arena_printf(r->a, "%s/ma", survey_link(r, id)), "count", (json_int_t)total, "used",
                              (json_int_t)used, "shown", (json_int_t)json_array_size(codes), "can_edit", is_leader(r));
    json_object_set_new(model, "back", json_string(survey_link(r, id)));
    json_decref(codes);
    json_object_set_new(model, "page", web_page_info(r, "Mã phiếu in sẵn"));
    web_render_raw(r, 200, "survey/survey_codes", model, buf_cstr(&b));
}

void page_survey_tokens_make(req *r)
{
    if (refuse_unless_leader(r)) return;
    int64_t id;
    if (!web_id_or_404(r, "id", N_("Không tìm thấy khảo sát."), &id)) return;
    int64_t n = 0;
    err e = {0};
    const char **codes;
    if (!text_parse_uint(form_or_empty(r, "so_ma"), 500, &n) || n < 1) {
        web_error(r, 422, N_("Số mã in ra từ 1 đến 500."));
        return;
    }
    if (survey_tokens_make(req_db(r), r->a, id, (int)n, req_now(r), &codes, &e)) {
        web_err(r, &e);
        return;
    }
    web_redirect(r, arena_printf(r->a, "%s/ma", survey_link(r, id)));
}

/* ---- the form: public and paper ------------------------------------------------------------- */

static void form_page(req *r, int status, const survey_info *info, const survey_def *def, const char *token,
                      bool paper, const err *e)
{
    json_t *model = json_pack("{s:s, s:s, s:s, s:o, s:b}", "title", info->title, "intro", info->intro, "unit_name",
                              info->unit_name, "questions", questions_json(r, def, e != NULL, e ? e->field : NULL),
                              "paper", paper);
    json_object_set_new(model, "token", json_string(token ? token : ""));
    json_object_set_new(model, "action", json_string(paper ? arena_printf(r->a, "%s/phieu-giay", survey_link(r, info->id))
                                                           : public_path(r, info->public_key)));
    json_object_set_new(model, "scale_labels", json_true());
    if (paper) {
        char today[11];
        cal_format_dmy(cal_local_day(req_now(r)), today);
        json_object_set_new(model, "ngay", json_string(e ? form_or_empty(r, "ngay") : today));
        json_object_set_new(model, "ma_phieu", json_string(e ? form_or_empty(r, "ma_phieu") : ""));
        json_object_set_new(model, "back", json_string(survey_link(r, info->id)));
        if (req_query(r, "da_luu")) json_object_set_new(model, "saved", json_true());
        if (strcmp(info->status, "draft") == 0) json_object_set_new(model, "not_open", json_true());
    }
    web_model_err(r, model, e);
    json_object_set_new(model, "page", web_page_info(r, info->title));
    web_render(r, status, "survey/survey_answer", model);
}

static void message_page(req *r, int status, const survey_info *info, const char *msgid, bool thanks)
{
    json_t *model = json_pack("{s:s, s:s, s:s, s:b}", "title", info->title, "unit_name", info->unit_name, "message",
                              T(r, msgid), "thanks", thanks);
    json_object_set_new(model, "page", web_page_info(r, info->title));
    web_render(r, status, "survey/survey_message", model);
}

static bool public_load(req *r, int64_t *id, survey_info *info, survey_def *def)
{
    *id = survey_by_key(req_db(r), req_param(r, "key"));
    err e = {0};
    if (*id < 0 || survey_load(req_db(r), r->a, *id, info, def, &e) || !strcmp(info->status, "draft")) {
        web_error(r, 404, N_("Không tìm thấy khảo sát. Xin kiểm tra lại đường dẫn."));
        return false;
    }
    return true;
}

void page_survey_public(req *r)
{
    int64_t id;
    survey_info info;
    survey_def def;
    if (!public_load(r, &id, &info, &def)) return;
    web_header(r, "Cache-Control", "private, no-store");
    if (req_query(r, "da_gui")) {
        message_page(r, 200, &info, N_("Cảm ơn Ông/Bà đã góp ý kiến. Phiếu đã được ghi nhận."), true);
        return;
    }
    if (strcmp(info.status, "open")) {
        message_page(r, 200, &info, N_("Khảo sát này đã kết thúc, không còn nhận ý kiến."), false);
        return;
    }
    db *d = req_db(r);
    const char *code = req_query(r, "ma"), *token = NULL;
    if (code && *code) {
        if (!survey_token_ok(code) || strlen(code) == 32 || !survey_token_printed(d, id, code)) {
            message_page(r, 404, &info, N_("Mã phiếu không đúng."), false);
            return;
        }
        token = code;
    } else {
        const char *c = req_cookie(r, "tt_ks");
        token = c && strlen(c) == 32 && survey_token_ok(c) ? c : NULL;
        if (!token) {
            token = survey_visitor_token(r->a);
            web_header(r, "Set-Cookie",
                       arena_printf(r->a, "tt_ks=%s; Path=%s; Max-Age=31536000; HttpOnly; SameSite=Lax%s", token,
                                    public_path(r, info.public_key), r->secure ? "; Secure" : ""));
        }
    }
    if (survey_token_used(d, token)) {
        message_page(r, 200, &info, N_("Phiếu này đã được trả lời. Cảm ơn Ông/Bà đã góp ý kiến."), true);
        return;
    }
    form_page(r, 200, &info, &def, token, false, NULL);
}

#define ANSWERS_PER_ADDRESS_HOUR 120
static ratelimit_slot answer_slots[8192];
static ratelimit answer_limit = RATELIMIT_INIT(answer_slots, 3600, ANSWERS_PER_ADDRESS_HOUR);

void page_survey_answer(req *r)
{
    int64_t id;
    survey_info info;
    survey_def def;
    if (!public_load(r, &id, &info, &def)) return;
    const char *token = req_form(r, "token");
    survey_answers ans;
    err e = {0};
    if (survey_decode(r->a, &def, r->form, &ans, &e)) {
        if (r->want_json) web_err(r, &e);
        else form_page(r, e.status, &info, &def, token, false, &e);
        return;
    }
    /* a general link lets anyone ask for fresh tokens: answers saved from one address are
     * limited (an office kiosk or a shared Wi-Fi stays well under it) */
    char addr[72];
    const char *key = ratelimit_addr(r->client ? r->client : "", addr);
    if (!ratelimit_allowed(&answer_limit, key, req_now(r))) {
        web_error(r, 429, N_("Có quá nhiều phiếu gửi từ cùng một nơi. Xin thử lại sau một giờ."));
        return;
    }
    survey_submit_in in = {.token = token, .channel = "online"};
    int64_t rid = 0;
    if (survey_submit(req_db(r), r->a, id, &def, &ans, &in, req_now(r), &rid, &e)) {
        web_err(r, &e);
        return;
    }
    ratelimit_hit(&answer_limit, key, req_now(r));
    if (r->want_json) web_json(r, 201, json_pack("{s:b}", "saved", 1));
    else web_redirect(r, arena_printf(r->a, "%s?da_gui=1", public_path(r, info.public_key)));
}

void page_survey_paper_form(req *r)
{
    int64_t id;
    survey_info info;
    survey_def def;
    if (!load(r, &id, &info, &def)) return;
    form_page(r, 200, &info, &def, NULL, true, NULL);
}

void page_survey_paper(req *r)
{
    int64_t id;
    survey_info info;
    survey_def def;
    if (!load(r, &id, &info, &def)) return;
    err e = {0};
    survey_answers ans;
    cal_day day = cal_local_day(req_now(r));
    const char *ngay = form_or_empty(r, "ngay");
    if (*ngay && (!cal_parse_typed_date(ngay, &day) || day > cal_local_day(req_now(r)))) {
        err_set(&e, 422, N_("Ngày trả lời không hợp lệ: ghi theo dạng ngày/tháng/năm, không sau hôm nay."), "ngay");
        err_field(&e, "ngay");
        form_page(r, 422, &info, &def, NULL, true, &e);
        return;
    }
    if (survey_decode(r->a, &def, r->form, &ans, &e)) {
        form_page(r, e.status, &info, &def, NULL, true, &e);
        return;
    }
    const char *code = text_trim(r->a, form_or_empty(r, "ma_phieu"));
    for (char *p = (char *)code; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    survey_submit_in in = {.token = code, .channel = "paper", .entered_by = r->user->id,
                           .answered_at = cal_instant(day, 12 * 60)};
    if (survey_submit(req_db(r), r->a, id, &def, &ans, &in, req_now(r), NULL, &e)) {
        if (e.status == 422 || e.status == 409) form_page(r, e.status, &info, &def, NULL, true, &e);
        else web_err(r, &e);
        return;
    }
    if (r->want_json) web_json(r, 201, json_pack("{s:b}", "saved", 1));
    else web_redirect(r, arena_printf(r->a, "%s/phieu-giay?da_luu=1", survey_link(r, id)));
}

/* ---- results ----------------------------------------------------------------------------------- */

static const char *const SIPAS_FORMULA =
    N_("Cách tính (đề xuất, phương pháp chính thức của Bộ Nội vụ chưa được xác nhận): chỉ số của một tiêu chí = số "
       "câu trả lời mức 4 (Hài lòng) và 5 (Rất hài lòng) / số câu trả lời từ 1 đến 5 × 100%; chỉ số yếu tố = trung "
       "bình các tiêu chí của yếu tố; SIPAS = trung bình 5 yếu tố. Điểm trung bình (1–5) tính theo cùng cách.");

static json_t *sipas_json(req *r, const sipas_item *items, size_t n, const sipas_result *s)
{
    json_t *els = json_array();
    for (int el = 0; el < SIPAS_NELEMENTS; el++) {
        json_t *its = json_array();
        for (size_t i = 0; i < n; i++) {
            if (strcmp(items[i].element, sipas_elements[el][0])) continue;
            const sipas_figure *f = &s->item[i];
            json_array_append_new(its, json_pack("{s:s, s:s, s:I, s:s, s:s, s:b}", "code", items[i].code, "text",
                                                 items[i].text, "valid", (json_int_t)f->valid, "pct", num1(r, f->pct),
                                                 "mean", num2(r, f->mean), "has", f->has));
        }
        const sipas_figure *f = &s->element[el];
        json_array_append_new(els, json_pack("{s:s, s:s, s:s, s:b, s:o}", "label", T(r, sipas_elements[el][1]), "pct",
                                             num1(r, f->pct), "mean", num2(r, f->mean), "has", f->has, "items", its));
    }
    return json_pack("{s:o, s:s, s:s, s:b, s:s}", "elements", els, "pct", num1(r, s->overall.pct), "mean",
                     num2(r, s->overall.mean), "has", s->overall.has, "formula", T(r, SIPAS_FORMULA));
}

/* The survey's own scale items as SIPAS items (by question). */
static size_t survey_items(req *r, const survey_def *def, const survey_tally *t, sipas_item **out)
{
    *out = arena_alloc(r->a, (def->n + 1) * sizeof(sipas_item));
    size_t n = 0;
    for (size_t i = 0; i < def->n; i++) {
        if (def->q[i].kind != SQ_SCALE || !*def->q[i].element) continue;
        sipas_item *it = &(*out)[n++];
        *it = (sipas_item){.code = def->q[i].code, .text = def->q[i].text, .element = def->q[i].element};
        for (int v = 1; v <= SURVEY_SCALE_N; v++) it->counts[v] = t->counts[i][v];
    }
    return n;
}

/* Each question's block: heading, chart or the latest texts. */
static const char *charts(req *r, const survey_def *def, const survey_tally *t)
{
    buf b;
    buf_init(&b, r->a);
    for (size_t i = 0; i < def->n; i++) {
        const survey_question *q = &def->q[i];
        const char *title = arena_printf(r->a, "%s. %s", q->code, q->text);
        buf_printf(&b, "<section class=\"tt-question\" id=\"cau-%s\"><h3 class=\"govuk-heading-s\">",
                   xml_escaped(r->a, q->code));
        buf_puts(&b, xml_escaped(r->a, title));
        buf_printf(&b, "</h3><p class=\"govuk-body-s\">%s: %lld</p>", xml_escaped(r->a, T(r, "Số phiếu trả lời")),
                   (long long)t->answered[i]);
        if (q->kind == SQ_TEXT) {
            json_t *texts = json_object_get(t->texts, q->code);
            size_t k;
            json_t *v;
            buf_puts(&b, "<ul class=\"govuk-list govuk-list--bullet\">");
            json_array_foreach(texts, k, v)
            {
                buf_puts(&b, "<li>");
                buf_puts(&b, xml_escaped(r->a, json_string_value(v)));
                buf_puts(&b, "</li>");
            }
            buf_puts(&b, "</ul>");
        } else {
            int n = survey_question_choices(q);
            svg_bar *bars = arena_alloc(r->a, (size_t)(n + 1) * sizeof *bars);
            for (int v = 1; v <= n; v++)
                bars[v - 1] = (svg_bar){q->kind == SQ_SCALE ? arena_printf(r->a, "%d – %s", v, T(r, survey_scale_labels[v - 1]))
                                                            : q->options[v - 1],
                                        t->counts[i][v]};
            buf_puts(&b, survey_svg_bars(r->a, title, bars, (size_t)n, t->answered[i]));
            if (q->kind == SQ_MULTI)
                buf_printf(&b, "<p class=\"govuk-body-s\">%s</p>",
                           xml_escaped(r->a, T(r, "Mỗi phiếu có thể chọn nhiều lựa chọn: tỷ lệ tính trên số phiếu trả lời câu này.")));
        }
        buf_puts(&b, "</section>");
    }
    return buf_cstr(&b);
}

static bool results_data(req *r, int64_t *id, survey_info *info, survey_def *def, period *p, survey_tally *t)
{
    if (!load(r, id, info, def) || !read_period(r, p)) return false;
    err e = {0};
    if (survey_count(req_db(r), r->a, *id, def, p->from, p->to, t, &e)) {
        web_err(r, &e);
        return false;
    }
    return true;
}

void page_survey_results(req *r)
{
    int64_t id;
    survey_info info;
    survey_def def;
    period p;
    survey_tally t;
    if (!results_data(r, &id, &info, &def, &p, &t)) return;
    sipas_item *items;
    size_t n = survey_items(r, &def, &t, &items);
    sipas_result s;
    survey_sipas(items, n, &s);
    json_t *model = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s}", "title", info.title, "unit_name",
                              info.unit_name, "status_label", T(r, status_label(info.status)), "responses",
                              (json_int_t)t.responses, "online", (json_int_t)t.online, "paper", (json_int_t)t.paper,
                              "tu", p.tu ? p.tu : "", "den", p.den ? p.den : "", "action",
                              arena_printf(r->a, "%s/ket-qua", survey_link(r, id)), "xlsx_url",
                              arena_printf(r->a, "%s/ket-qua.xlsx?%s", survey_link(r, id), period_qs(r, &p)));
    json_object_set_new(model, "back", json_string(survey_link(r, id)));
    if (n) json_object_set_new(model, "sipas", sipas_json(r, items, n, &s));
    if (r->want_json) {   /* the counts the charts draw, for API clients */
        json_t *qs = json_array();
        for (size_t i = 0; i < def.n; i++) {
            json_t *c = json_array();
            for (int v = 1; v <= survey_question_choices(&def.q[i]); v++)
                json_array_append_new(c, json_integer(t.counts[i][v]));
            json_array_append_new(qs, json_pack("{s:s, s:s, s:s, s:I, s:o}", "code", def.q[i].code, "kind",
                                                survey_kinds[def.q[i].kind], "text", def.q[i].text, "answered",
                                                (json_int_t)t.answered[i], "counts", c));
        }
        json_object_set_new(model, "questions", qs);
        json_object_set(model, "texts", t.texts);
    }
    const char *body = charts(r, &def, &t);
    json_decref(t.texts);
    json_object_set_new(model, "page", web_page_info(r, arena_printf(r->a, "%s: %s", T(r, "Kết quả"), info.title)));
    web_render_raw(r, 200, "survey/survey_results", model, body);
}

void page_survey_results_xlsx(req *r)
{
    int64_t id;
    survey_info info;
    survey_def def;
    period p;
    survey_tally t;
    if (!results_data(r, &id, &info, &def, &p, &t)) return;
    sipas_item *items;
    size_t n = survey_items(r, &def, &t, &items);
    sipas_result s;
    survey_sipas(items, n, &s);
    buf out;
    buf_init(&out, r->a);
    err e = {0};
    int rc = survey_xlsx(req_db(r), r->a, &info, &def, &t, &s, items, n, p.from, p.to, &out, &e);
    json_decref(t.texts);
    if (rc) {
        web_err(r, &e);
        return;
    }
    web_header(r, "Content-Disposition", arena_printf(r->a, "attachment; filename=\"khao-sat-%lld.xlsx\"", (long long)id));
    web_header(r, "Cache-Control", "private, no-store");
    web_body(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf_cstr(&out), out.len);
}

/* ---- a unit's figures for a period: SIPAS and QĐ 766 ------------------------------------------ */

static const char *pct_or_dash(req *r, bool has, double v) { return has ? arena_printf(r->a, "%s%%", num1(r, v)) : "—"; }

/* One unit's figures for the period: SIPAS from its surveys, QĐ 766 from its desk and the
 * wired sources. */
typedef struct {
    int64_t responses;
    sipas_item *items;
    size_t n;
    sipas_result sipas;
    s766_input in;
    s766_rules rules;
    s766_figures f;
    const char *unit_name;
} unit_figures;

static int unit_figures_of(req *r, int64_t unit, const period *p, unit_figures *u, err *e)
{
    db *d = req_db(r);
    memset(u, 0, sizeof *u);
    int64_t from = cal_instant(p->from_day, 0), to = cal_instant(p->to_day + 1, 0);
    if (survey_unit_items(d, r->a, unit, from, to, &u->items, &u->n, &u->responses, e)) return -1;
    survey_sipas(u->items, u->n, &u->sipas);
    /* QĐ 766: dossiers from the desk's indicators (indicators.h) -- "tổng số hồ sơ" is taken as
     * the graded dossiers of the period (resolved in it, or still open and overdue at its end),
     * "quá hạn" as those resolved late plus those open past their legal due time; dissatisfied
     * dossiers and PAKN from the sources the server wires (survey_add_766_source) */
    ind_report rep;
    if (indicators_compute(d, r->a, unit, p->from_day, p->to_day, req_now(r), &rep, e)) return -1;
    u->unit_name = rep.unit_name ? rep.unit_name : "";
    u->in = (s766_input){.dossiers = indicators_graded(&rep.total), .dossiers_late = rep.total.late + rep.total.open_late};
    if (survey_766_sources_fill(d, unit, from, to, &u->in)) {
        err_set(e, 500, N_("Không đọc được số liệu đánh giá."), "766 source");
        return -1;
    }
    char last[11];
    cal_format(p->to_day, last);
    if (survey_766_rules(last, &u->rules, e)) return -1;
    survey_766(&u->in, &u->rules, &u->f);
    return 0;
}

/* The units below this one a provincial assessor compares (communes and departments, by code). */
#define ROLLUP_MAX 60
static json_t *rollup(req *r, int64_t unit, const period *p, err *e)
{
    json_t *rows = json_array();
    db_stmt *s = db_prepare(req_db(r), "WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE parent_id = ? UNION ALL "
                                       "SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) SELECT u.id, u.code "
                                       "FROM units u JOIN sub ON sub.id = u.id WHERE u.kind IN ('commune', 'department') "
                                       "ORDER BY u.code LIMIT " "60");
    if (!s) return rows;
    db_bind_int(s, 1, unit);
    int64_t ids[ROLLUP_MAX];
    const char *codes[ROLLUP_MAX];
    int n = 0;
    while (n < ROLLUP_MAX && db_step(s) == DB_ROW) {
        ids[n] = db_col_int(s, 0);
        codes[n++] = arena_strdup(r->a, db_col_text(s, 1));
    }
    db_done(s);
    for (int i = 0; i < n; i++) {
        unit_figures u;
        if (unit_figures_of(r, ids[i], p, &u, e)) {
            json_decref(rows);
            return NULL;
        }
        char *code_q = NULL;
        form_url_encode(r->a, codes[i], &code_q);
        json_array_append_new(rows, json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "name", u.unit_name, "url",
                                              arena_printf(r->a, "/khao-sat/chi-so?don_vi=%s&%s", code_q ? code_q : "",
                                                           period_qs(r, p)),
                                              "responses", (json_int_t)u.responses, "sipas",
                                              pct_or_dash(r, u.sipas.overall.has, u.sipas.overall.pct), "tthc",
                                              pct_or_dash(r, u.f.tthc_has, u.f.tthc_pct), "late",
                                              pct_or_dash(r, u.f.tthc_has, u.f.late_pct)));
    }
    return rows;
}

void page_survey_index(req *r)
{
    int64_t unit = web_unit_param(r);
    if (unit < 0) {
        web_error(r, 404, N_("Không tìm thấy đơn vị."));
        return;
    }
    period p;
    if (!read_period(r, &p)) return;
    err e = {0};
    unit_figures u;
    if (unit_figures_of(r, unit, &p, &u, &e)) {
        web_err(r, &e);
        return;
    }
    const s766_input in = u.in;
    const s766_figures f = u.f;
    const s766_rules rules = u.rules;
    char from_text[11], to_text[11];
    cal_format_dmy(p.from_day, from_text);
    cal_format_dmy(p.to_day, to_text);
    json_t *m766 = json_pack(
        "{s:I, s:I, s:s, s:b, s:I, s:s, s:s, s:s, s:b, s:s, s:s, s:b, s:I, s:I, s:I, s:s, s:s}", "dossiers",
        (json_int_t)in.dossiers, "late", (json_int_t)in.dossiers_late, "late_pct", pct_or_dash(r, f.tthc_has, f.late_pct),
        "have_unhappy", in.have_unhappy, "unhappy", (json_int_t)in.dossiers_unhappy, "unhappy_pct",
        pct_or_dash(r, f.tthc_has && in.have_unhappy, f.unhappy_pct), "tthc_pct", pct_or_dash(r, f.tthc_has, f.tthc_pct),
        "tthc_points", f.tthc_has ? num2(r, f.tthc_points) : "—", "have_pakn", in.have_pakn, "full_points",
        num1(r, rules.full_points), "full_at", num1(r, rules.full_at), "pakn_has", f.pakn_has, "pakn",
        (json_int_t)in.pakn, "pakn_on_time", (json_int_t)in.pakn_on_time, "pakn_unhappy", (json_int_t)in.pakn_unhappy,
        "pakn_on_time_pct", pct_or_dash(r, f.pakn_has, f.pakn_on_time_pct), "pakn_happy_pct",
        pct_or_dash(r, f.pakn_has, f.pakn_happy_pct));
    json_t *model = json_pack("{s:s, s:s, s:s, s:I, s:o, s:s, s:s}", "unit_name", u.unit_name, "from", from_text, "to",
                              to_text, "responses", (json_int_t)u.responses, "m766", m766, "tu", p.tu ? p.tu : "", "den",
                              p.den ? p.den : "");
    json_object_set_new(model, "don_vi", json_string(req_query(r, "don_vi") ? req_query(r, "don_vi") : ""));
    if (u.n) json_object_set_new(model, "sipas", sipas_json(r, u.items, u.n, &u.sipas));
    /* an assessor (or administrator) compares the units below */
    if (r->user && account_role_sees_subtree(r->user->role)) {
        json_t *rows = rollup(r, unit, &p, &e);
        if (!rows) {
            web_err(r, &e);
            json_decref(model);
            return;
        }
        if (json_array_size(rows)) json_object_set_new(model, "units", rows);
        else json_decref(rows);
    }
    json_object_set_new(model, "page", web_page_info(r, "Chỉ số hài lòng"));
    web_render(r, 200, "survey/survey_index", model);
}
