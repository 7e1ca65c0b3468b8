/* render.c -- answering: pages inside the layout, JSON, errors, redirects (see web.h). */
#include <string.h>

#include "../core/template.h"
#include "web.h"
#include "form.h"
#include "static.h"
#include "templates.h"

json_t *json_str(const char *s) { return json_string(s ? s : ""); }

const char *json_get_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

void web_header(req *r, const char *name, const char *value)
{
    header *h = arena_alloc(r->a, sizeof *h);
    h->name = arena_strdup(r->a, name);
    h->value = arena_strdup(r->a, value);
    h->next = r->headers;
    r->headers = h;
}

void web_body(req *r, int status, const char *content_type, const char *body, size_t len)
{
    r->status = status;
    r->content_type = content_type;
    r->body = body;
    r->body_len = len;
}

static const char *translate(void *ctx, const char *msgid)
{
    return i18n_translate(ctx, msgid);
}

static json_t *page_info(req *r, const char *title, bool with_csrf)
{
    bool en = !strcmp(r->lang, "en");
    char *next = NULL;
    form_url_encode(r->a, r->path, &next);
    json_t *page = json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", T(r, title), "lang", r->lang, "path", r->path,
                             "switch_url", arena_printf(r->a, "/ngon-ngu?lang=%s&next=%s", en ? "vi" : "en", next),
                             "switch_label", en ? "Tiếng Việt" : "English");
    if (with_csrf || r->user) json_object_set_new(page, "csrf", json_string(req_csrf(r)));
    json_object_set_new(page, "switch_lang", json_string(en ? "vi" : "en"));
    json_object_set_new(page, "static_version", json_string(static_version));
    if (r->user) {
        json_object_set_new(page, "user",
                            json_pack("{s:s, s:s, s:s, s:s, s:s}", "full_name", r->user->full_name, "username",
                                      r->user->username, "role_label", T(r, r->user->role_label),
                                      "unit_name", r->user->unit_name, "unit_code", r->user->unit_code));
        json_object_set_new(page, "is_admin", json_boolean(!strcmp(r->user->role, "admin")));
        json_object_set_new(page, "works_desk", json_boolean(r->user->access & (ACCESS_DESK | ACCESS_ADMIN)));
        json_object_set_new(page, "can_edit_catalog", json_boolean(r->user->access & ACCESS_EDIT_CATALOG));
        json_object_set_new(page, "oversees", json_boolean(r->user->access & ACCESS_OVERSEE));
    }
    return page;
}

json_t *web_page_info(req *r, const char *title) { return page_info(r, title, true); }
json_t *web_page_info_public(req *r, const char *title) { return page_info(r, title, false); }

/* Labels from fixed lists (roles, kinds of unit, online levels) are Vietnamese msgids in the
 * model; the page shows them in the visitor's language. The JSON API keeps them as they are. */
static void localize_labels(req *r, json_t *v, int depth)
{
    if (depth > 8) return;
    const char *key;
    json_t *child;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach(v, key, child) {
            size_t n = strlen(key);
            if (json_is_string(child) && n > 6 && !strcmp(key + n - 6, "_label"))
                json_string_set(child, T(r, json_string_value(child)));
            else localize_labels(r, child, depth + 1);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, child) localize_labels(r, child, depth + 1);
    }
}

static char *render_page(req *r, const char *tmpl_name, json_t *model, const char *raw)
{
    if (strcmp(r->lang, "vi") != 0) localize_labels(r, model, 0);
    tmpl_env env = {.translate = translate, .translate_ctx = (void *)r->lang, .body = raw};
    if (!json_object_get(model, "page")) json_object_set_new(model, "page", web_page_info(r, ""));
    env.body = tmpl_render(template_get(tmpl_name), r->a, model, &env);
    return tmpl_render(template_get("kit/layout"), r->a, model, &env);
}

void web_json(req *r, int status, json_t *model)
{
    json_object_del(model, "page");
    const char *body = arena_json_dumps(r->a, model);
    json_decref(model);
    if (!body) body = "null";
    web_body(r, status, "application/json; charset=utf-8", body, strlen(body));
}

void web_render(req *r, int status, const char *tmpl_name, json_t *model)
{
    web_render_raw(r, status, tmpl_name, model, NULL);
}

void web_render_raw(req *r, int status, const char *tmpl_name, json_t *model, const char *raw)
{
    if (r->want_json) {
        web_json(r, status, model);
        return;
    }
    char *html = render_page(r, tmpl_name, model, raw);
    json_decref(model);
    web_body(r, status, "text/html; charset=utf-8", html, strlen(html));
}

static const char *status_title(int status)
{
    switch (status) {
    case 400: return N_("Yêu cầu không hợp lệ");
    case 401: return N_("Cần đăng nhập");
    case 403: return N_("Không có quyền truy cập");
    case 404: return N_("Không tìm thấy trang");
    case 405: return N_("Phương thức không được hỗ trợ");
    case 408: return N_("Quá thời gian chờ");
    case 409: return N_("Dữ liệu bị trùng");
    case 413: return N_("Dữ liệu quá lớn");
    case 429: return N_("Quá nhiều yêu cầu");
    case 431: return N_("Phần đầu yêu cầu quá lớn");
    case 503: return N_("Hệ thống đang bận");
    default: return N_("Lỗi hệ thống");
    }
}

typedef struct {
    const char *prefix;
    web_error_fn fn;
} error_shape;
static error_shape error_shapes[4];
static int n_error_shapes;

void web_error_shape(const char *prefix, web_error_fn fn)
{
    if (n_error_shapes < 4) error_shapes[n_error_shapes++] = (error_shape){prefix, fn};
}

void web_error(req *r, int status, const char *msgid)
{
    for (int i = 0; r->path && i < n_error_shapes; i++)
        if (!strncmp(r->path, error_shapes[i].prefix, strlen(error_shapes[i].prefix))) {
            error_shapes[i].fn(r, status, msgid);
            return;
        }
    if (r->want_json) {
        web_json(r, status, json_pack("{s:{s:i, s:s}}", "error", "status", status, "message", T(r, msgid)));
        return;
    }
    json_t *model = json_pack("{s:i, s:s, s:s}", "status", status, "message", msgid, "heading_text",
                              T(r, status_title(status)));
    /* An error page has no form for an anonymous visitor, so it must not mint a CSRF cookie:
     * a browser's parallel /favicon.ico 404 would replace the token of the form it just got. */
    if (!r->csrf) r->csrf = "";
    json_object_set_new(model, "page", web_page_info(r, status_title(status)));
    /* the message is a msgid: translate it here, the template escapes it */
    json_object_set_new(model, "message", json_string(T(r, msgid)));
    web_render(r, status, "kit/error", model);
}

void web_err(req *r, const err *e)
{
    web_error(r, e->status ? e->status : 500, e->user[0] ? e->user : "Đã có lỗi trong hệ thống. Vui lòng thử lại sau.");
}

void web_redirect(req *r, const char *location)
{
    web_header(r, "Location", location);
    web_body(r, 303, "text/plain; charset=utf-8", "", 0);
}

const char *web_public_base(req *r)
{
    const char *host = req_header(r, "Host");
    if (!host || !*host || strpbrk(host, "\"<>' ")) host = "127.0.0.1";
    return arena_printf(r->a, "%s://%s", r->secure ? "https" : "http", host);
}
