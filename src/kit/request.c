/* request.c -- what a handler reads from its request (see web.h): path parameters, the
 * cleaned query and form, cookies and headers, the database connection it checks out on
 * first use, the clock, the visitor's language and CSRF token. The server fills the req
 * (server.c) before the handler runs; only the header table is read here, never the socket. */
#include <microhttpd.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "../core/clock.h"
#include "web.h"

const char *req_param(req *r, const char *name)
{
    for (int i = 0; i < r->nparams; i++)
        if (!strcmp(r->param_names[i], name)) return r->param_values[i];
    return NULL;
}

static const char *kv_find(const kv *list, const char *name)
{
    for (const kv *k = list; k; k = k->next)
        if (!k->filename && !strcmp(k->name, name)) return k->value;
    return NULL;
}

const char *req_query(req *r, const char *name) { return kv_find(r->query, name); }
const char *req_cookie(req *r, const char *name) { return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name); }
const char *req_form(req *r, const char *name) { return kv_find(r->form, name); }

const kv *req_file(req *r, const char *name)
{
    for (const kv *k = r->form; k; k = k->next)
        if (k->filename && !strcmp(k->name, name)) return k;
    return NULL;
}

const char *req_header(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

db *req_db(req *r)
{
    if (!r->dbc) r->dbc = db_acquire(r->pool);
    return r->dbc;
}

void req_db_release(req *r)
{
    if (r->dbc) db_release(r->pool, r->dbc);
    r->dbc = NULL;
}

int64_t req_now(req *r)
{
    (void)r;
    return (int64_t)clock_now();
}

const char *T(req *r, const char *msgid)
{
    return i18n_translate(r ? r->lang : "vi", msgid);
}

/* An anonymous visitor gets a CSRF token (and its cookie) only when a page with a form is
 * rendered, so JSON answers and static files carry no Set-Cookie. */
const char *req_csrf(req *r)
{
    if (!r->csrf) {
        unsigned char raw[32];
        randombytes_buf(raw, sizeof raw);
        char *hex = arena_alloc(r->a, 65);
        sodium_bin2hex(hex, 65, raw, sizeof raw);
        r->csrf = hex;
        r->set_csrf_cookie = true;
    }
    return r->csrf;
}
