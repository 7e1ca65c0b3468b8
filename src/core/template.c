/* template.c -- see template.h.
 *
 * A template compiles to a flat array of nodes. Block nodes (if, unless, each) hold the
 * index of their {{else}} (if any) and of their {{/...}}, so rendering is a walk over index
 * ranges with no second parse. The HTML state machine below is deliberately small: it knows
 * text, tags, attribute names and values, comments and the raw-text elements script and
 * style, which is all that is needed to choose an escaper or refuse a placeholder. */
#include "template.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum { N_TEXT, N_VAR, N_TR, N_BODY, N_IF, N_UNLESS, N_EACH, N_ELSE, N_END } node_kind;
typedef enum { ESC_HTML, ESC_URL } esc_kind;

typedef struct {
    node_kind kind;
    esc_kind esc;
    char *text;      /* N_TEXT: literal; N_VAR/blocks: path; N_TR: msgid */
    size_t len;
    int else_at;     /* blocks: index of N_ELSE or -1 */
    int end_at;      /* blocks: index of N_END */
} node;

struct tmpl {
    char *name;
    node *nodes;
    int count, cap;
};

/* ---- HTML state --------------------------------------------------------------------- */

typedef enum {
    H_TEXT, H_TAG_OPEN, H_TAG_NAME, H_IN_TAG, H_ATTR_NAME, H_AFTER_ATTR_NAME, H_BEFORE_VALUE,
    H_VALUE_DQ, H_VALUE_SQ, H_VALUE_UNQ, H_COMMENT, H_RAWTEXT, H_END_TAG
} hstate;

typedef struct {
    hstate st;
    char tag[16];
    size_t tag_len;
    bool closing;
    char attr[32];
    size_t attr_len;
    size_t value_len;   /* characters of the current attribute value so far */
    char raw_end[24];   /* "</script" while in raw text */
} html_state;

/* A start tag ended: <script> and <style> switch to raw text until their end tag. */
static void tag_closed(html_state *h)
{
    h->st = H_TEXT;
    if (!h->closing && (!strcmp(h->tag, "script") || !strcmp(h->tag, "style"))) {
        snprintf(h->raw_end, sizeof h->raw_end, "</%s", h->tag);
        h->st = H_RAWTEXT;
    }
}

static void attr_reset(html_state *h)
{
    h->attr_len = 0;
    h->attr[0] = '\0';
}

static void html_feed(html_state *h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        switch (h->st) {
        case H_TEXT:
            if (c == '<') h->st = H_TAG_OPEN;
            break;
        case H_TAG_OPEN:
            if (c == '!' && i + 2 < n && s[i + 1] == '-' && s[i + 2] == '-') {
                h->st = H_COMMENT;
                i += 2;
            } else if (c == '/') {
                h->closing = true;
                h->tag_len = 0;
                h->st = H_TAG_NAME;
            } else if (isalpha((unsigned char)c)) {
                h->closing = false;
                h->tag_len = 0;
                h->tag[h->tag_len++] = (char)tolower((unsigned char)c);
                h->st = H_TAG_NAME;
            } else {
                h->st = H_TEXT;   /* "<!doctype" and stray '<' */
                if (c == '!') h->st = H_END_TAG;
            }
            break;
        case H_TAG_NAME:
            if (isalnum((unsigned char)c) || c == '-') {
                if (h->tag_len + 1 < sizeof h->tag) h->tag[h->tag_len++] = (char)tolower((unsigned char)c);
            } else {
                h->tag[h->tag_len] = '\0';
                attr_reset(h);
                if (c == '>') tag_closed(h);
                else h->st = H_IN_TAG;
            }
            break;
        case H_END_TAG:   /* <!doctype ...> */
            if (c == '>') h->st = H_TEXT;
            break;
        case H_IN_TAG:
        case H_AFTER_ATTR_NAME:
            if (c == '>') {
                tag_closed(h);
            } else if (c == '=' && h->st == H_AFTER_ATTR_NAME) {
                h->st = H_BEFORE_VALUE;
            } else if (isspace((unsigned char)c) || c == '/') {
                /* stay */
            } else {
                attr_reset(h);
                h->attr[h->attr_len++] = (char)tolower((unsigned char)c);
                h->attr[h->attr_len] = '\0';
                h->st = H_ATTR_NAME;
            }
            break;
        case H_ATTR_NAME:
            if (c == '=') {
                h->st = H_BEFORE_VALUE;
            } else if (isspace((unsigned char)c)) {
                h->st = H_AFTER_ATTR_NAME;
            } else if (c == '>') {
                tag_closed(h);
            } else if (h->attr_len + 1 < sizeof h->attr) {
                h->attr[h->attr_len++] = (char)tolower((unsigned char)c);
                h->attr[h->attr_len] = '\0';
            }
            break;
        case H_BEFORE_VALUE:
            h->value_len = 0;
            if (c == '"') h->st = H_VALUE_DQ;
            else if (c == '\'') h->st = H_VALUE_SQ;
            else if (c == '>') tag_closed(h);
            else if (!isspace((unsigned char)c)) h->st = H_VALUE_UNQ;
            break;
        case H_VALUE_DQ:
            if (c == '"') h->st = H_IN_TAG;
            else h->value_len++;
            break;
        case H_VALUE_SQ:
            if (c == '\'') h->st = H_IN_TAG;
            else h->value_len++;
            break;
        case H_VALUE_UNQ:
            if (isspace((unsigned char)c)) h->st = H_IN_TAG;
            else if (c == '>') tag_closed(h);
            break;
        case H_COMMENT:
            if (c == '>' && i >= 2 && s[i - 1] == '-' && s[i - 2] == '-') h->st = H_TEXT;
            break;
        case H_RAWTEXT: {
            size_t m = strlen(h->raw_end);
            if (c == '<' && i + m <= n && !strncasecmp(s + i, h->raw_end, m)) {
                h->st = H_TAG_OPEN;
            }
            break;
        }
        }
    }
}

static bool attr_is_url(const char *a)
{
    return !strcmp(a, "href") || !strcmp(a, "src") || !strcmp(a, "action") ||
           !strcmp(a, "formaction") || !strcmp(a, "poster") || !strcmp(a, "cite");
}

/* Decides how a placeholder at the current state is escaped, or refuses it. */
static const char *placeholder_context(const html_state *h, esc_kind *esc)
{
    *esc = ESC_HTML;
    switch (h->st) {
    case H_TEXT:
        return NULL;
    case H_VALUE_DQ:
    case H_VALUE_SQ:
        if (!strncmp(h->attr, "on", 2)) return "a placeholder inside an on* attribute";
        if (!strcmp(h->attr, "style")) return "a placeholder inside a style attribute";
        if (attr_is_url(h->attr) && h->value_len == 0) *esc = ESC_URL;
        return NULL;
    case H_RAWTEXT:
        return "a placeholder inside <script> or <style>";
    case H_COMMENT:
        return "a placeholder inside an HTML comment";
    case H_VALUE_UNQ:
    case H_BEFORE_VALUE:
        return "a placeholder in an unquoted attribute value";
    default:
        return "a placeholder inside a tag (only quoted attribute values may hold one)";
    }
}

/* ---- compiling ---------------------------------------------------------------------- */

static int add_node(tmpl *t, node_kind k, const char *text, size_t len)
{
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->nodes = realloc(t->nodes, (size_t)t->cap * sizeof *t->nodes);
        if (!t->nodes) abort();
    }
    node *nd = &t->nodes[t->count];
    memset(nd, 0, sizeof *nd);
    nd->kind = k;
    nd->text = malloc(len + 1);
    if (!nd->text) abort();
    memcpy(nd->text, text, len);
    nd->text[len] = '\0';
    nd->len = len;
    nd->else_at = -1;
    nd->end_at = -1;
    return t->count++;
}

static int line_of(const char *src, const char *p)
{
    int line = 1;
    for (const char *q = src; q < p; q++)
        if (*q == '\n') line++;
    return line;
}

static bool valid_path(const char *s, size_t n)
{
    if (n == 0) return false;
    if (n == 1 && s[0] == '.') return true;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!(isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-')) return false;
    }
    return s[0] != '.' && s[n - 1] != '.';
}

static void trim_span(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) (*s)++, (*n)--;
    while (*n && isspace((unsigned char)(*s)[*n - 1])) (*n)--;
}

#define FAIL(...)                                                     \
    do {                                                              \
        snprintf(errbuf, errlen, "%s: line %d: ", name, line_of(src, p)); \
        size_t used_ = strlen(errbuf);                                \
        snprintf(errbuf + used_, errlen - used_, __VA_ARGS__);        \
        tmpl_free(t);                                                 \
        return NULL;                                                  \
    } while (0)

tmpl *tmpl_compile(const char *name, const char *src, char *errbuf, size_t errlen)
{
    tmpl *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->name = strdup(name);
    html_state h = {.st = H_TEXT};
    int stack[64];
    int depth = 0;
    const char *p = src;
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            size_t n = strlen(p);
            add_node(t, N_TEXT, p, n);
            html_feed(&h, p, n);
            break;
        }
        if (open > p) {
            add_node(t, N_TEXT, p, (size_t)(open - p));
            html_feed(&h, p, (size_t)(open - p));
        }
        p = open;
        bool triple = !strncmp(p, "{{{", 3);
        const char *close = strstr(p + (triple ? 3 : 2), triple ? "}}}" : "}}");
        if (!close) FAIL("unclosed {{");
        const char *in = p + (triple ? 3 : 2);
        size_t n = (size_t)(close - in);
        trim_span(&in, &n);
        esc_kind esc;
        if (triple) {
            if (n != 4 || strncmp(in, "body", 4)) FAIL("{{{...}}} is only allowed as {{{body}}}");
            if (h.st != H_TEXT) FAIL("{{{body}}} must stand in text");
            add_node(t, N_BODY, in, n);
        } else if (n >= 1 && (in[0] == '#' || in[0] == '/')) {
            bool opening = in[0] == '#';
            const char *kw = in + 1;
            size_t kn = 0;
            while (kn < n - 1 && !isspace((unsigned char)kw[kn])) kn++;
            node_kind k;
            if (kn == 2 && !strncmp(kw, "if", 2)) k = N_IF;
            else if (kn == 6 && !strncmp(kw, "unless", 6)) k = N_UNLESS;
            else if (kn == 4 && !strncmp(kw, "each", 4)) k = N_EACH;
            else FAIL("unknown block '%.*s'", (int)kn, kw);
            if (opening) {
                const char *arg = kw + kn;
                size_t an = n - 1 - kn;
                trim_span(&arg, &an);
                if (!valid_path(arg, an)) FAIL("bad name '%.*s'", (int)an, arg);
                if (depth == 64) FAIL("blocks nested too deep");
                stack[depth++] = add_node(t, k, arg, an);
            } else {
                if (depth == 0 || t->nodes[stack[depth - 1]].kind != k)
                    FAIL("{{/%.*s}} closes nothing open", (int)kn, kw);
                int end = add_node(t, N_END, kw, kn);
                t->nodes[stack[--depth]].end_at = end;
            }
        } else if (n == 4 && !strncmp(in, "else", 4)) {
            if (depth == 0) FAIL("{{else}} outside a block");
            node *b = &t->nodes[stack[depth - 1]];
            if (b->kind == N_EACH || b->else_at >= 0) FAIL("{{else}} not allowed here");
            int at = add_node(t, N_ELSE, in, n);
            t->nodes[stack[depth - 1]].else_at = at;
        } else if (n >= 5 && in[0] == '_' && in[1] == '(') {
            if (in[n - 1] != ')' || in[2] != '"' || in[n - 2] != '"' || n < 6)
                FAIL("a UI string is written {{_(\"text\")}}");
            const char *why = placeholder_context(&h, &esc);
            if (why) FAIL("%s", why);
            const char *msg = in + 3;
            size_t mn = n - 5;
            if (memchr(msg, '"', mn) || memchr(msg, '\\', mn)) FAIL("quotes and backslashes are not allowed in a UI string");
            int at = add_node(t, N_TR, msg, mn);
            t->nodes[at].esc = esc == ESC_URL ? ESC_HTML : esc;
        } else {
            if (!valid_path(in, n)) FAIL("bad placeholder '%.*s'", (int)n, in);
            const char *why = placeholder_context(&h, &esc);
            if (why) FAIL("%s", why);
            /* the scheme check sees one value: a URL that starts with a placeholder must be
             * that placeholder alone, or "{{a}}{{b}}" could assemble "javascript:" */
            char quote = h.st == H_VALUE_DQ ? '"' : '\'';
            if (esc == ESC_URL && close[2] != quote)
                FAIL("a URL that starts with a placeholder must be only that placeholder");
            int at = add_node(t, N_VAR, in, n);
            t->nodes[at].esc = esc;
            /* the value now stands in the attribute: later placeholders are not at its start */
            if (h.st == H_VALUE_DQ || h.st == H_VALUE_SQ) h.value_len++;
        }
        p = close + (triple ? 3 : 2);
    }
    if (depth) {
        p = src + strlen(src);
        FAIL("{{#%s}} is never closed", t->nodes[stack[depth - 1]].kind == N_EACH ? "each" : "if");
    }
    if (h.st != H_TEXT) {
        p = src + strlen(src);
        FAIL("the template ends inside a tag, attribute, comment or script");
    }
    return t;
}

void tmpl_free(tmpl *t)
{
    if (!t) return;
    for (int i = 0; i < t->count; i++) free(t->nodes[i].text);
    free(t->nodes);
    free(t->name);
    free(t);
}

size_t tmpl_msgids(const tmpl *t, const char **out, size_t max)
{
    size_t n = 0;
    for (int i = 0; i < t->count; i++)
        if (t->nodes[i].kind == N_TR && n < max) out[n++] = t->nodes[i].text;
    return n;
}

/* ---- escaping ----------------------------------------------------------------------- */

void html_escape(buf *b, const char *s)
{
    const char *run = s;
    for (const char *q = s; *q; q++) {
        const char *rep = NULL;
        switch (*q) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        if (q > run) buf_add(b, run, (size_t)(q - run));
        buf_puts(b, rep);
        run = q + 1;
    }
    buf_puts(b, run);
}

void xml_escape(buf *b, const char *s)
{
    const char *run = s ? s : "";
    for (const char *q = run; *q; q++) {
        const char *rep = NULL;
        switch (*q) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            if ((unsigned char)*q >= 0x20 || *q == '\n' || *q == '\t') continue;
            rep = " ";
        }
        if (q > run) buf_add(b, run, (size_t)(q - run));
        buf_puts(b, rep);
        run = q + 1;
    }
    buf_puts(b, run);
}

const char *xml_escaped(arena *a, const char *s)
{
    buf b;
    buf_init(&b, a);
    buf_add(&b, "", 0);
    xml_escape(&b, s);
    return buf_cstr(&b);
}

bool url_is_safe(const char *s)
{
    /* Scheme-less (relative) URLs are safe; otherwise only a short allow-list. Browsers
     * ignore tabs and newlines inside a scheme, so those are refused too. */
    for (const char *q = s; *q; q++) {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20 || c == 0x7f) return false;
        if (c == '/' || c == '?' || c == '#') return true;
        if (c == ':') {
            size_t n = (size_t)(q - s);
            return (n == 4 && !strncasecmp(s, "http", 4)) || (n == 5 && !strncasecmp(s, "https", 5)) ||
                   (n == 6 && !strncasecmp(s, "mailto", 6)) || (n == 3 && !strncasecmp(s, "tel", 3));
        }
    }
    return true;
}

/* ---- rendering ---------------------------------------------------------------------- */

typedef struct {
    json_t *scopes[64];
    int depth;
} scope_stack;

static json_t *lookup(const scope_stack *sc, const char *path)
{
    if (!strcmp(path, ".")) return sc->scopes[sc->depth - 1];
    char first[128];
    const char *dot = strchr(path, '.');
    size_t fl = dot ? (size_t)(dot - path) : strlen(path);
    if (fl >= sizeof first) return NULL;
    memcpy(first, path, fl);
    first[fl] = '\0';
    json_t *v = NULL;
    for (int i = sc->depth - 1; i >= 0 && !v; i--)
        if (json_is_object(sc->scopes[i])) v = json_object_get(sc->scopes[i], first);
    while (v && dot) {
        const char *seg = dot + 1;
        dot = strchr(seg, '.');
        size_t sl = dot ? (size_t)(dot - seg) : strlen(seg);
        if (sl >= sizeof first) return NULL;
        memcpy(first, seg, sl);
        first[sl] = '\0';
        v = json_is_object(v) ? json_object_get(v, first) : NULL;
    }
    return v;
}

static bool truthy(json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v)) return false;
    if (json_is_string(v)) return json_string_length(v) > 0;
    if (json_is_integer(v)) return json_integer_value(v) != 0;
    if (json_is_real(v)) return json_real_value(v) != 0.0;
    if (json_is_array(v)) return json_array_size(v) > 0;
    if (json_is_object(v)) return json_object_size(v) > 0;
    return true;
}

static const char *value_text(arena *a, json_t *v)
{
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_integer(v)) return arena_printf(a, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) return arena_printf(a, "%g", json_real_value(v));
    if (json_is_true(v)) return "true";
    return "";
}

static void emit(buf *b, esc_kind esc, const char *s)
{
    if (esc == ESC_URL && !url_is_safe(s)) s = "#";
    html_escape(b, s);
}

static void render_range(const tmpl *t, int from, int to, buf *b, scope_stack *sc,
                         const tmpl_env *env)
{
    for (int i = from; i < to; i++) {
        const node *nd = &t->nodes[i];
        switch (nd->kind) {
        case N_TEXT:
            buf_add(b, nd->text, nd->len);
            break;
        case N_VAR: {
            json_t *v = lookup(sc, nd->text);
            if (v) emit(b, nd->esc, value_text(b->a, v));
            break;
        }
        case N_TR: {
            const char *s = env && env->translate ? env->translate(env->translate_ctx, nd->text) : nd->text;
            emit(b, nd->esc, s ? s : nd->text);
            break;
        }
        case N_BODY:
            if (env && env->body) buf_puts(b, env->body);
            break;
        case N_IF:
        case N_UNLESS: {
            bool yes = truthy(lookup(sc, nd->text)) == (nd->kind == N_IF);
            int mid = nd->else_at >= 0 ? nd->else_at : nd->end_at;
            if (yes) render_range(t, i + 1, mid, b, sc, env);
            else if (nd->else_at >= 0) render_range(t, nd->else_at + 1, nd->end_at, b, sc, env);
            i = nd->end_at;
            break;
        }
        case N_EACH: {
            json_t *list = lookup(sc, nd->text);
            if (json_is_array(list) && sc->depth < 64) {
                size_t k;
                json_t *item;
                json_array_foreach(list, k, item) {
                    sc->scopes[sc->depth++] = item;
                    render_range(t, i + 1, nd->end_at, b, sc, env);
                    sc->depth--;
                }
            }
            i = nd->end_at;
            break;
        }
        case N_ELSE:
        case N_END:
            break;
        }
    }
}

char *tmpl_render(const tmpl *t, arena *a, json_t *model, const tmpl_env *env)
{
    buf b;
    buf_init(&b, a);
    scope_stack sc = {.depth = 1};
    sc.scopes[0] = model;
    render_range(t, 0, t->count, &b, &sc, env);
    return (char *)buf_cstr(&b);
}
