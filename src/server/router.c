/* router.c -- matches a method and path against the route table (routes.c).
 *
 * Patterns are literal segments and {name} segments; a {name} matches one non-empty
 * segment, or the part of it before a literal suffix ("{form}.pdf"); an {id} only a record
 * number (id_ok). The first route in table order wins, so literal routes ("/thu-tuc/moi") are
 * listed before parameter routes ("/thu-tuc/{id}"). */
#include <string.h>

#include "../account/account.h"
#include "app.h"

/* An {id} is a record number as the server writes it: digits, no leading zero, no
 * thousands separators ("/ho-so/11.193" is not dossier 11193) and at most 18 digits. */
static bool id_ok(const char *s, size_t len)
{
    if (len == 0 || len > 18 || s[0] == '0') return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

static bool match(const char *pattern, const char *path, req *r)
{
    int n = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            const char *seg_end = strchr(s, '/');
            size_t len = seg_end ? (size_t)(seg_end - s) : strlen(s);
            if (!close) return false;
            /* a literal suffix in the same segment ("{form}.pdf") is not part of the value */
            const char *sfx_end = strchr(close + 1, '/');
            size_t sfx = sfx_end ? (size_t)(sfx_end - close - 1) : strlen(close + 1);
            if (sfx >= len || strncmp(s + len - sfx, close + 1, sfx)) return false;
            len -= sfx;
            if (len == 0 || n >= 4) return false;
            if (close - p == 3 && !strncmp(p, "{id}", 4) && !id_ok(s, len)) return false;
            if (r) {
                r->param_names[n] = arena_strndup(r->a, p + 1, (size_t)(close - p - 1));
                r->param_values[n] = arena_strndup(r->a, s, len);
            }
            n++;
            p = close + 1;
            s += len;
            continue;
        }
        if (*p != *s) return false;
        p++, s++;
    }
    if (*p || *s) return false;
    if (r) r->nparams = n;
    return true;
}

const route *router_match(const char *method, const char *path, req *r, const char **allow)
{
    bool get = false, post = false;
    for (size_t i = 0; i < routes_count; i++) {
        if (!match(routes[i].pattern, path, NULL)) continue;
        get |= !strcmp(routes[i].method, "GET");
        post |= !strcmp(routes[i].method, "POST");
        bool same = !strcmp(routes[i].method, method) ||
                    (!strcmp(method, "HEAD") && !strcmp(routes[i].method, "GET"));
        if (!same) continue;
        match(routes[i].pattern, path, r);
        *allow = NULL;
        return &routes[i];
    }
    *allow = get && post ? "GET, HEAD, POST" : get ? "GET, HEAD" : post ? "POST" : NULL;
    return NULL;
}

bool router_role_allows(int access, const char *role)
{
    if (access == ACCESS_PUBLIC || access == ACCESS_STAFF) return true;
    if (!role) return false;
    if ((access & ACCESS_ADMIN) && !strcmp(role, "admin")) return true;
    if ((access & ACCESS_EDIT_CATALOG) && account_role_edits_catalog(role)) return true;
    if ((access & ACCESS_OVERSEE) && account_role_sees_subtree(role)) return true;
    if ((access & ACCESS_DESK) && (!strcmp(role, "officer") || !strcmp(role, "specialist") || !strcmp(role, "leader")))
        return true;
    return false;
}
