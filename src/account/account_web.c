/* account_web.c -- the unit home page, login and logout, and the
 * administrator's pages for units and users. */
#include <string.h>

#include "../audit/audit.h"
#include "../catalog/catalog.h"
#include "../core/ratelimit.h"
#include "../core/text.h"
#include "../kit/form.h"
#include "../kit/links.h"
#include "../kit/web.h"
#include "../reception/reception.h"
#include "account.h"

int64_t scope_unit_param(req *r)
{
    int64_t id = account_unit_id(req_db(r), req_param(r, "code"));
    return id;
}

int64_t scope_unit_form(req *r)
{
    const char *code = req_form(r, "don_vi");
    if (!code || !*code) return 0;   /* the handler reports the missing field */
    int64_t id = account_unit_id(req_db(r), code);
    return id < 0 ? 0 : id;          /* unknown: the handler says so with a form message */
}

int64_t scope_user_param(req *r) { return web_scope_by_table(r, "users"); }

static void unit_page(req *r, json_t *unit)
{
    db *d = req_db(r);
    int64_t id = json_integer_value(json_object_get(unit, "id"));
    json_t *model = json_pack("{s:o}", "unit", unit);
    json_t *fields = catalog_fields(d, id);
    size_t k;
    json_t *f;
    json_array_foreach(fields, k, f) {
        char *enc = NULL;
        form_url_encode(r->a, json_get_str(f, "name"), &enc);
        json_object_set_new(f, "href", json_string(arena_printf(r->a, "/thu-tuc?don_vi=%s&linh_vuc=%s",
                                                                json_get_str(unit, "code"), enc)));
    }
    json_object_set_new(model, "fields", fields);
    json_t *children = json_array();
    json_t *all = account_units_list(d, NULL);
    size_t i;
    json_t *u;
    json_array_foreach(all, i, u) {
        if (!strcmp(json_get_str(u, "parent_code"), json_get_str(unit, "code")))
            json_array_append(children, u);
    }
    json_decref(all);
    json_object_set_new(model, "children", children);
    json_t *reception = reception_home(d, r->a, id, json_get_str(unit, "code"), req_now(r));
    if (reception) json_object_set_new(model, "reception", reception);
    json_object_set_new(model, "page", web_page_info(r, json_get_str(unit, "name")));
    web_render(r, 200, "account/home", model);
}

/* The unit a visitor last opened is remembered for a year in a cookie (a unit code, not a
 * person), so "/" opens their own commune again; "/?chon=1" always shows the chooser. */
#define UNIT_COOKIE ACCOUNT_UNIT_COOKIE

static void remember_unit(req *r, const char *code)
{
    web_header(r, "Set-Cookie", arena_printf(r->a, UNIT_COOKIE "=%s; Path=/; Max-Age=31536000; SameSite=Lax%s", code,
                                             r->secure ? "; Secure" : ""));
}

/* Is w a word of the folded name (" phu dinh " holds "phu"), or, for the word being typed
 * (the last), the start of one? "phu dinh" finds Xã Phú Đình, not Phường Phan Đình Phùng. */
static bool has_word(req *r, const char *spaced_name, const char *w, bool last)
{
    const char *p = strstr(spaced_name, arena_printf(r->a, last ? " %s" : " %s ", w));
    return p != NULL;
}

/* Does every word of the folded query match a word of the unit's name, or is it its code? */
static bool unit_matches(req *r, json_t *u, const char *folded_q)
{
    if (!*folded_q) return true;
    const char *code = json_get_str(u, "code");
    if (!strcmp(folded_q, code)) return true;
    const char *name = arena_printf(r->a, " %s ", text_fold(r->a, json_get_str(u, "name")));
    char *copy = arena_strdup(r->a, folded_q), *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w;) {
        char *next = strtok_r(NULL, " ", &save);
        if (!has_word(r, name, w, next == NULL)) return false;
        w = next;
    }
    return true;
}

/* The chooser: every unit, folded under its parent (the province, or a district where a
 * province still has them), with a search that forgives missing diacritics. */
static void chooser_page(req *r)
{
    db *d = req_db(r);
    const char *q = req_query(r, "q");
    const char *folded = q ? text_fold(r->a, text_trim(r->a, q)) : "";
    json_t *all = account_units_list(d, NULL), *groups = json_array(), *u;
    size_t i, found = 0;
    /* a group per unit that has children, in the list's order (province, districts, ...) */
    json_array_foreach(all, i, u) {
        const char *code = json_get_str(u, "code");
        json_t *members = json_array(), *c;
        size_t k;
        json_array_foreach(all, k, c) {
            if (strcmp(json_get_str(c, "parent_code"), code) || !unit_matches(r, c, folded)) continue;
            json_array_append_new(members, json_pack("{s:s, s:s, s:s}", "code", json_get_str(c, "code"), "name",
                                                     json_get_str(c, "name"), "kind_label", json_get_str(c, "kind_label")));
        }
        bool self = !*json_get_str(u, "parent_code") && unit_matches(r, u, folded);
        if (!json_array_size(members) && !self) {
            json_decref(members);
            continue;
        }
        found += json_array_size(members) + (self ? 1 : 0);
        json_array_append_new(groups, json_pack("{s:s, s:s, s:b, s:o, s:I}", "code", code, "name", json_get_str(u, "name"),
                                                "self", self, "units", members, "count",
                                                (json_int_t)json_array_size(members)));
    }
    json_decref(all);
    /* folded unless there is one group or the visitor searched */
    json_t *g;
    json_array_foreach(groups, i, g) json_object_set_new(g, "open", json_boolean(*folded || json_array_size(groups) == 1));
    json_t *model = json_pack("{s:o, s:s, s:b, s:I}", "groups", groups, "q", q ? q : "", "searched", *folded != '\0',
                              "found", (json_int_t)found);
    const char *last = req_cookie(r, UNIT_COOKIE);
    json_t *lu = last ? account_unit_get(d, last) : NULL;
    if (lu) json_object_set_new(model, "last", json_pack("{s:s, s:s}", "code", json_get_str(lu, "code"), "name", json_get_str(lu, "name")));
    json_decref(lu);
    json_object_set_new(model, "page", web_page_info(r, "Chọn xã, phường"));
    web_render(r, 200, "account/choose", model);
}

void page_home(req *r)
{
    db *d = req_db(r);
    if (account_default_unit(d) <= 0) {
        web_error(r, 404, "Chưa có đơn vị nào. Quản trị viên hãy tạo dữ liệu bằng lệnh thanthien demo hoặc thêm đơn vị.");
        return;
    }
    const char *last = req_cookie(r, UNIT_COOKIE);
    json_t *unit = last && !req_query(r, "chon") && !req_query(r, "q") ? account_unit_get(d, last) : NULL;
    if (unit) unit_page(r, unit);
    else chooser_page(r);
}

void page_unit(req *r)
{
    json_t *unit = account_unit_get(req_db(r), req_param(r, "code"));
    if (!unit) {
        web_error(r, 404, "Không tìm thấy đơn vị.");
        return;
    }
    remember_unit(r, json_get_str(unit, "code"));
    unit_page(r, unit);
}

static void login_form(req *r, int status, const char *error)
{
    const char *next = req_query(r, "next");
    if (!next) next = req_form(r, "next");
    json_t *model = json_pack("{s:s, s:s}", "next", form_local_path(next) ? next : "", "username",
                              req_form(r, "username") ? req_form(r, "username") : "");
    if (error) json_object_set_new(model, "error", json_string(T(r, error)));
    json_object_set_new(model, "page", web_page_info(r, "Đăng nhập"));
    web_render(r, status, "account/login", model);
}

void page_login_form(req *r)
{
    if (r->user) {
        web_redirect(r, "/bang-dieu-khien");
        return;
    }
    login_form(r, 200, NULL);
}

/* Wrong logins per client address, over all usernames: a flood of guesses (or of argon2id
 * checks) from one address stops here. Each attempt is counted before its check, so a
 * burst cannot slip past, and taken back when it succeeds. */
static ratelimit_slot login_addr_slots[4096];
static ratelimit login_addrs = RATELIMIT_INIT(login_addr_slots, ACCOUNT_ADDR_WINDOW, ACCOUNT_ADDR_MAX_FAILED_LOGINS);

/* The password check, in one of the few hash slots: 0 or -1 with *e set. */
static int check_login(req *r, const char *username, char **token, err *e)
{
    int64_t wait = ratelimit_wait(&login_addrs, r->client, req_now(r));
    if (wait > 0) {
        web_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)wait));
        err_set(e, 429, "Có quá nhiều lần đăng nhập sai từ địa chỉ của bạn. Vui lòng thử lại sau 10 phút.",
                "login flood from %s", r->client);
        return -1;
    }
    ratelimit_fail(&login_addrs, r->client, req_now(r));
    if (!account_hash_slot_take()) {
        ratelimit_forgive(&login_addrs, r->client, req_now(r));
        web_header(r, "Retry-After", "5");
        err_set(e, 503, "Hệ thống đang bận, vui lòng thử lại sau giây lát.", "no hash slot for login");
        return -1;
    }
    login_attempt at;
    int rc = account_login_begin(req_db(r), username, req_now(r), &at, e);
    if (rc == 0) {
        req_db_release(r);   /* the hash check takes ~0.1 s: let others use the connection */
        bool verified = account_password_ok(&at, req_form(r, "password"));
        rc = account_login_finish(req_db(r), r->a, &at, verified, req_now(r), token, e);
    }
    account_hash_slot_give();
    if (rc == 0) ratelimit_forgive(&login_addrs, r->client, req_now(r));
    return rc;
}

void page_login(req *r)
{
    char *token = NULL;
    err e = {0};
    int rc = check_login(r, req_form(r, "username"), &token, &e);
    if (rc != 0) {
        if (r->want_json) web_err(r, &e);
        else login_form(r, e.status, e.user);
        return;
    }
    web_header(r, "Set-Cookie",
               arena_printf(r->a, "tt_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", token,
                            ACCOUNT_SESSION_SECONDS, r->secure ? "; Secure" : ""));
    const char *next = req_form(r, "next");
    web_redirect(r, form_local_path(next) && strcmp(next, "/dang-nhap") ? next : "/bang-dieu-khien");
}

void page_logout(req *r)
{
    if (r->session_token) account_logout(req_db(r), r->session_token);
    web_header(r, "Set-Cookie", "tt_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    web_redirect(r, "/");
}

void page_unit_staff(req *r)
{
    db *d = req_db(r);
    json_t *unit = account_unit_get(d, req_param(r, "code"));
    int64_t id = json_integer_value(json_object_get(unit, "id"));
    json_t *model = json_pack("{s:o, s:o}", "unit", unit, "staff", account_unit_staff(d, id));
    json_object_set_new(model, "page", web_page_info(r, "Cán bộ, công chức"));
    web_render(r, 200, "account/staff", model);
}

/* ---- administration ----------------------------------------------------------------- */

static void units_admin_page(req *r, int status, const err *e)
{
    json_t *model = json_pack("{s:o}", "units", account_units_list(req_db(r), r->user));
    web_model_err(r, model, e);
    if (e) {
        json_t *form = json_object();
        for (const kv *k = r->form; k; k = k->next)
            if (strcmp(k->name, "_csrf")) json_object_set_new(form, k->name, json_string(k->value));
        json_object_set_new(model, "form", form);
    }
    json_object_set_new(model, "page", web_page_info(r, "Quản lý đơn vị"));
    web_render(r, status, "account/admin_units", model);
}

void page_admin_units(req *r) { units_admin_page(r, 200, NULL); }

static unit_fields unit_fields_from_form(req *r)
{
    unit_fields f = {
        .code = req_form(r, "code"),
        .kind = req_form(r, "kind"),
        .name = req_form(r, "name"),
        .parent_code = req_form(r, "don_vi"),
        .address = req_form(r, "address"),
        .phone = req_form(r, "phone"),
        .email = req_form(r, "email"),
        .desk_name = req_form(r, "desk_name"),
        .desk_phone = req_form(r, "desk_phone"),
        .desk_hours = req_form(r, "desk_hours"),
        .saturday_hours = req_form(r, "saturday_hours"),
        .reception_place = req_form(r, "reception_place"),
        .reception_hours = req_form(r, "reception_hours"),
        .agency_code = req_form(r, "agency_code"),
    };
    const char *sat = req_form(r, "saturday_service");
    f.saturday_service = sat && !strcmp(sat, "1");
    const char *ceremony = req_form(r, "letter_ceremony");
    f.letter_ceremony = ceremony && !strcmp(ceremony, "1");
    return f;
}

void page_admin_unit_create(req *r)
{
    unit_fields f = unit_fields_from_form(r);
    err e = {0};
    if (!f.parent_code || !*f.parent_code || account_unit_id(req_db(r), f.parent_code) < 0) {
        err_set(&e, 400, "Hãy chọn đơn vị cấp trên trong phạm vi quản lý của bạn.", "no parent");
        err_field(&e, "don_vi");
    } else if (account_unit_save(req_db(r), &f, true, r->user->id, r->user->unit_id, &e) == 0) {
        web_redirect(r, "/quan-tri/don-vi");
        return;
    }
    units_admin_page(r, e.status, &e);
}

static void unit_edit_page(req *r, int status, const err *e)
{
    json_t *unit = account_unit_get(req_db(r), req_param(r, "code"));
    json_t *model = json_pack("{s:o}", "unit", unit);
    if (e) {
        json_object_set_new(model, "error", json_string(T(r, e->user)));
        for (const kv *k = r->form; k; k = k->next)
            if (strcmp(k->name, "_csrf") && strcmp(k->name, "code")) json_object_set_new(unit, k->name, json_string(k->value));
    }
    json_object_set_new(model, "page", web_page_info(r, "Sửa thông tin đơn vị"));
    web_render(r, status, "account/admin_unit_edit", model);
}

void page_admin_unit_edit(req *r) { unit_edit_page(r, 200, NULL); }

void page_admin_unit_update(req *r)
{
    unit_fields f = unit_fields_from_form(r);
    f.code = req_param(r, "code");
    err e = {0};
    if (account_unit_save(req_db(r), &f, false, r->user->id, r->user->unit_id, &e) == 0) {
        web_redirect(r, link_unit(r->a, f.code));
        return;
    }
    unit_edit_page(r, e.status, &e);
}

/* The roles for a select, the given one selected. */
static json_t *role_options(req *r, const char *selected)
{
    json_t *roles = json_array();
    const char *names[] = {"officer", "specialist", "leader", "board", "assessor", "admin"};
    for (size_t i = 0; i < 6; i++)
        json_array_append_new(roles, json_pack("{s:s, s:s, s:b}", "value", names[i], "label",
                                               T(r, account_role_label(names[i])), "selected",
                                               selected && !strcmp(selected, names[i])));
    return roles;
}

static void users_admin_page(req *r, int status, const err *e)
{
    db *d = req_db(r);
    json_t *model = json_pack("{s:o, s:o}", "users", account_users_list(d, r->user), "units",
                              account_units_list(d, r->user));
    json_object_set_new(model, "roles", role_options(r, NULL));
    if (e) {
        json_object_set_new(model, "error", json_string(T(r, e->user)));
        json_object_set_new(model, "form", json_pack("{s:s, s:s}", "username",
                                                     req_form(r, "username") ? req_form(r, "username") : "",
                                                     "full_name", req_form(r, "full_name") ? req_form(r, "full_name") : ""));
    }
    json_object_set_new(model, "page", web_page_info(r, "Quản lý người dùng"));
    web_render(r, status, "account/admin_users", model);
}

void page_admin_users(req *r) { users_admin_page(r, 200, NULL); }

void page_admin_user_create(req *r)
{
    err e = {0};
    const char *unit = req_form(r, "don_vi");
    if (!unit || account_unit_id(req_db(r), unit) < 0) {
        err_set(&e, 400, "Hãy chọn đơn vị của người dùng.", "no unit");
    } else if (account_user_add(req_db(r), unit, req_form(r, "role"), req_form(r, "username"),
                                req_form(r, "full_name"), req_form(r, "password"), r->user->id, NULL, &e) == 0) {
        web_redirect(r, "/quan-tri/nguoi-dung");
        return;
    }
    users_admin_page(r, e.status, &e);
}

void page_admin_user_active(req *r)
{
    int64_t id = 0;
    text_parse_uint(req_param(r, "id"), INT64_MAX, &id);
    const char *active = req_form(r, "active");
    err e = {0};
    if (id == r->user->id) {
        err_set(&e, 400, "Bạn không thể tự khóa tài khoản của mình.", "self lock");
    } else if (account_user_set_active(req_db(r), id, active && !strcmp(active, "1"), r->user->id, &e) == 0) {
        web_redirect(r, "/quan-tri/nguoi-dung");
        return;
    }
    users_admin_page(r, e.status, &e);
}

static int64_t user_id_param(req *r)
{
    int64_t id = 0;
    text_parse_uint(req_param(r, "id"), INT64_MAX, &id);
    return id;
}

/* One user's page: name, role and unit; a new password; lock or unlock. */
static void user_edit_page(req *r, int status, const err *e)
{
    db *d = req_db(r);
    int64_t id = user_id_param(r);
    json_t *user = account_user_get(d, id);
    if (!user) {
        web_error(r, 404, "Không tìm thấy người dùng.");
        return;
    }
    if (e && r->form) {   /* show what was typed, with the message */
        const char *keep[] = {"full_name", "role"};
        for (size_t i = 0; i < 2; i++)
            if (req_form(r, keep[i])) json_object_set_new(user, keep[i], json_string(req_form(r, keep[i])));
        if (req_form(r, "don_vi")) json_object_set_new(user, "unit_code", json_string(req_form(r, "don_vi")));
    }
    json_t *model = json_pack("{s:o, s:o, s:b}", "user", user, "roles", role_options(r, json_get_str(user, "role")),
                              "self", id == r->user->id);
    json_t *units = account_units_list(d, r->user), *u;
    size_t i;
    json_array_foreach(units, i, u) {
        if (!strcmp(json_get_str(u, "code"), json_get_str(user, "unit_code"))) json_object_set_new(u, "selected", json_true());
    }
    json_object_set_new(model, "units", units);
    web_model_err(r, model, e);
    if (req_query(r, "mat_khau")) json_object_set_new(model, "password_reset", json_true());
    if (req_query(r, "da_luu")) json_object_set_new(model, "saved", json_true());
    json_object_set_new(model, "page", web_page_info(r, "Sửa người dùng"));
    web_render(r, status, "account/admin_user_edit", model);
}

void page_admin_user_edit(req *r) { user_edit_page(r, 200, NULL); }

void page_admin_user_update(req *r)
{
    db *d = req_db(r);
    int64_t id = user_id_param(r);
    const char *unit = req_form(r, "don_vi"), *role = req_form(r, "role");
    int64_t unit_id = account_unit_id(d, unit ? unit : "");
    err e = {0};
    if (unit_id >= 0 && !account_can_access(d, r->user, unit_id)) {
        err_set(&e, 403, "Chỉ chuyển được người dùng sang đơn vị trong phạm vi quản lý của bạn.", "unit scope");
        err_field(&e, "don_vi");
    } else if (id == r->user->id && (!role || strcmp(role, r->user->role) || unit_id != r->user->unit_id)) {
        /* he could not undo it himself: another administrator must */
        err_set(&e, 400, "Bạn không thể tự đổi vai trò hay đơn vị của chính mình; hãy nhờ một quản trị viên khác.",
                "self demote");
        err_field(&e, "role");
    } else if (account_user_update(d, id, unit, role, text_trim(r->a, req_form(r, "full_name")), r->user->id, &e) == 0) {
        web_redirect(r, arena_printf(r->a, "%s?da_luu=1", link_admin_user(r->a, id)));
        return;
    }
    user_edit_page(r, e.status, &e);
}

void page_admin_user_password(req *r)
{
    int64_t id = user_id_param(r);
    err e = {0};
    if (account_user_set_password(req_db(r), id, req_form(r, "new_password"), r->user->id, &e) == 0) {
        /* resetting one's own password ends one's own session too */
        web_redirect(r, id == r->user->id ? "/dang-nhap"
                                          : arena_printf(r->a, "%s?mat_khau=1", link_admin_user(r->a, id)));
        return;
    }
    user_edit_page(r, e.status, &e);
}

static void unit_child_form_done(req *r, int rc, const err *e)
{
    if (rc == 0) web_redirect(r, link_admin_unit(r->a, req_param(r, "code")));
    else unit_edit_page(r, e->status, e);
}

void page_admin_hamlet_create(req *r)
{
    err e = {0};
    int64_t unit = account_unit_id(req_db(r), req_param(r, "code"));
    int rc = account_hamlet_create(req_db(r), unit, text_trim(r->a, req_form(r, "hamlet_name")),
                                   text_trim(r->a, req_form(r, "households")), text_trim(r->a, req_form(r, "voters")),
                                   r->user->id, &e);
    unit_child_form_done(r, rc, &e);
}

static int64_t child_id(req *r)
{
    int64_t id = 0;
    text_parse_uint(req_param(r, "id"), INT64_MAX, &id);
    return id;
}

void page_admin_hamlet_update(req *r)
{
    err e = {0};
    int64_t unit = account_unit_id(req_db(r), req_param(r, "code"));
    int rc = account_hamlet_update(req_db(r), unit, child_id(r), text_trim(r->a, req_form(r, "hamlet_name")),
                                   text_trim(r->a, req_form(r, "households")), text_trim(r->a, req_form(r, "voters")),
                                   r->user->id, &e);
    unit_child_form_done(r, rc, &e);
}

void page_admin_hamlet_delete(req *r)
{
    err e = {0};
    int64_t unit = account_unit_id(req_db(r), req_param(r, "code"));
    int rc = account_hamlet_delete(req_db(r), unit, child_id(r), r->user->id, &e);
    unit_child_form_done(r, rc, &e);
}

void page_admin_leader_update(req *r)
{
    err e = {0};
    int64_t unit = account_unit_id(req_db(r), req_param(r, "code"));
    int rc = account_leader_update(req_db(r), unit, child_id(r), text_trim(r->a, req_form(r, "leader_name")),
                                   text_trim(r->a, req_form(r, "leader_title")),
                                   text_trim(r->a, req_form(r, "leader_phone")), r->user->id, &e);
    unit_child_form_done(r, rc, &e);
}

void page_admin_leader_delete(req *r)
{
    err e = {0};
    int64_t unit = account_unit_id(req_db(r), req_param(r, "code"));
    int rc = account_leader_delete(req_db(r), unit, child_id(r), r->user->id, &e);
    unit_child_form_done(r, rc, &e);
}

void page_admin_leader_create(req *r)
{
    err e = {0};
    int64_t unit = account_unit_id(req_db(r), req_param(r, "code"));
    int rc = account_leader_create(req_db(r), unit, text_trim(r->a, req_form(r, "leader_name")),
                                   text_trim(r->a, req_form(r, "leader_title")),
                                   text_trim(r->a, req_form(r, "leader_phone")), r->user->id, &e);
    unit_child_form_done(r, rc, &e);
}
