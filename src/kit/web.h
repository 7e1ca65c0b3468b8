/* web.h -- what a page handler sees: the request, its arena, and the ways to answer.
 *
 * The server (server.c) reads and checks the request -- size limits, UTF-8 and NFC for every
 * query and form value, the session, the CSRF token, the route's role and unit scope --
 * before a handler runs, so handlers contain only their feature's logic. A handler builds a
 * view model (json_t) and calls web_render(): HTML through a template inside the layout, or
 * the same model as JSON when the client asks for application/json.
 *
 * This is the page kit's header (src/kit/): below the features, above core and store. It
 * includes no feature and nothing of the server (tools/layers.sh checks it), so every
 * feature may include it and the server (src/server/) wires them together on top. */
#ifndef TT_WEB_H
#define TT_WEB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../store/db.h"

typedef struct kv {
    const char *name;
    const char *value;
    size_t len;               /* value bytes (files may hold NULs) */
    const char *filename;     /* multipart file parts only */
    struct kv *next;
} kv;

typedef struct header {
    const char *name, *value;
    struct header *next;
} header;

typedef struct app app;

/* What a route demands of the user's role (the route table's access column). */
enum {
    ACCESS_PUBLIC = 0,
    ACCESS_STAFF = 1 << 0,       /* any signed-in user */
    ACCESS_EDIT_CATALOG = 1 << 1, /* officer, leader, admin */
    ACCESS_ADMIN = 1 << 2,
    ACCESS_DESK = 1 << 3,        /* one-stop work: officer, specialist, leader, admin */
    ACCESS_OVERSEE = 1 << 4,     /* reads every unit of its subtree: assessor, admin. On GET routes
                                    beside ACCESS_DESK it lets a provincial assessor read the
                                    desk's pages, read-only (POST routes never carry it) */
};

/* The signed-in user. The account feature makes it from the session (account.h calls it
 * account_user); the server adds what the layout shows: the role's label and the access
 * bits the role holds, so the kit draws the menu without knowing the roles. */
typedef struct web_user {
    int64_t id;
    int64_t unit_id;
    const char *username;
    const char *full_name;
    const char *role;
    const char *unit_code;
    const char *unit_name;
    const char *role_label;      /* a Vietnamese msgid */
    int access;                  /* ACCESS_* bits */
} web_user;

typedef struct req {
    arena *a;
    app *app;                 /* the server's own state; handlers never look inside */
    db_pool *pool;
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    const char *route;        /* the matched pattern, for metrics and logs */
    const char *ip;           /* the socket's peer (the proxy, behind nginx) */
    const char *client;       /* the citizen's address: X-Forwarded-For's last hop when the
                                 server trusts its proxy (serve --trust-proxy), else ip */
    const char *param_names[4];
    const char *param_values[4];
    int nparams;
    kv *query;                /* cleaned (UTF-8, NFC) query arguments */
    kv *form;                 /* cleaned form fields and uploaded files */
    const char *lang;         /* "vi" or "en" */
    bool want_json;
    bool secure;              /* behind TLS (X-Forwarded-Proto: https from the proxy) */
    web_user *user;           /* NULL when anonymous */
    const char *session_token;
    const char *csrf;         /* the token forms must carry */
    bool set_csrf_cookie;     /* an anonymous visitor got a new CSRF cookie */
    db *dbc;                  /* checked out on first use, returned when the response is sent */
    /* the answer */
    int status;
    const char *content_type;
    const char *body;
    size_t body_len;
    header *headers;
} req;

/* Reading the request. */
const char *req_param(req *r, const char *name);
const char *req_query(req *r, const char *name);      /* NULL when absent */
const char *req_cookie(req *r, const char *name);     /* NULL when absent */
const char *req_form(req *r, const char *name);       /* NULL when absent */
const kv *req_file(req *r, const char *name);         /* a multipart file part */
const char *req_header(req *r, const char *name);
db *req_db(req *r);
void req_db_release(req *r);                           /* give the connection back early */
int64_t req_now(req *r);
const char *req_csrf(req *r);   /* the visitor's CSRF token, made (with its cookie) on first use */

/* Translation of a Vietnamese msgid into the request's language (i18n.c). */
const char *T(req *r, const char *msgid);
void i18n_init(const char *locale_dir);
const char *i18n_translate(const char *lang, const char *msgid);

/* Answering. */
void web_render(req *r, int status, const char *tmpl_name, json_t *model);  /* steals model */
/* As web_render, with program-made markup (an SVG) for the template's {{{body}}} slot. */
void web_render_raw(req *r, int status, const char *tmpl_name, json_t *model, const char *raw);
void web_json(req *r, int status, json_t *model);                           /* steals model */
void web_error(req *r, int status, const char *msgid);
void web_err(req *r, const err *e);              /* status and message from an err */
void web_redirect(req *r, const char *location); /* 303 See Other */
void web_body(req *r, int status, const char *content_type, const char *body, size_t len);
void web_header(req *r, const char *name, const char *value);
/* An API whose clients expect its own error shape (Open311's [{code, description}]): every
 * web_error() on a path under prefix -- the server's own refusals before any handler (413,
 * 405, text that is not UTF-8) included -- calls fn instead of writing the page or
 * {"error": ...}. Registered once at start-up, before requests (routes_init); at most 4. */
typedef void (*web_error_fn)(req *r, int status, const char *msgid);
void web_error_shape(const char *prefix, web_error_fn fn);

/* ---- what several features did alike (page.c) ---- */

/* The path parameter name as a record id (its digits); -1 when absent or not a number. */
int64_t req_param_id(req *r, const char *name);
/* As req_param_id, but answers 404 with msgid (a Vietnamese msgid) and returns false when
 * the parameter is not an id:  if (!web_id_or_404(r, "id", N_("Không tìm thấy thư."), &id)) return; */
bool web_id_or_404(req *r, const char *name, const char *msgid, int64_t *id);
/* A route's unit scope for a {id} route (route.scope): the unit_id column of table's row
 * with that id; -1 (404) when the id is not a number or no row has it. table is a literal
 * name from the program, never from the request. */
int64_t web_scope_by_table(req *r, const char *table);
/* ?don_vi=CODE as a unit id, else the signed-in user's unit; -1 when the code names no
 * unit, or there is neither. The scope of report and settings pages. */
int64_t web_unit_param(req *r);
/* ?trang=N, the page of a list: 1 when absent or not a number from 1 to 100000. */
int web_page_number(req *r);
/* The rows to skip for that page, size rows a page. */
int web_page_offset(req *r, int size);
/* An err into a page model: "error" (the message, translated) and "error_field" (the field
 * the form marks); nothing when e is NULL. */
void web_model_err(req *r, json_t *model, const err *e);

/* "http://host" or "https://host" as the visitor reached us: absolute links for QR codes. */
const char *web_public_base(req *r);
/* The page model every template sees under "page" (title, user, csrf, language links). */
json_t *web_page_info(req *r, const char *title);
/* The same for a public page with no form that posts (the citizen's tracking page): a visitor
 * who is not signed in gets no CSRF token, so no cookie and no random bytes to draw; a signed-in
 * one still gets the token the layout's sign-out form needs. */
json_t *web_page_info_public(req *r, const char *title);

/* Helpers for view models. */
json_t *json_str(const char *s);                  /* NULL -> "" */
const char *json_get_str(json_t *o, const char *key);   /* "" when absent */

#endif
