/* template.h -- logic-less HTML templates with escaping chosen by position.
 *
 * Syntax:  {{name}} {{a.b}} {{.}}     a value, always escaped for where it stands
 *          {{_("Văn bản")}}           a UI string, translated, then escaped
 *          {{#if x}} {{else}} {{/if}}  {{#unless x}} {{/unless}}
 *          {{#each list}} ... {{/each}} (inside, names resolve in the item first)
 *          {{{body}}}                  the one raw slot: HTML the program rendered itself
 *
 * Compiling tracks the HTML state of the literal text around each placeholder: text and
 * quoted attribute values are escaped; in href/src/action a value must be a relative URL or
 * http(s)/mailto/tel, else it becomes "#"; a placeholder inside <script>, <style>, a
 * comment, an on* or style attribute, an unquoted attribute or a tag itself is a compile
 * error. Templates are compiled by tools/tmplc at build time (errors stop the build) and
 * again when the server starts. */
#ifndef TT_TEMPLATE_H
#define TT_TEMPLATE_H

#include <jansson.h>
#include <stdbool.h>

#include "arena.h"

typedef struct tmpl tmpl;

/* Returns NULL and writes a message ("line N: ...") into errbuf on error. */
tmpl *tmpl_compile(const char *name, const char *src, char *errbuf, size_t errlen);
void tmpl_free(tmpl *t);

typedef const char *(*tmpl_translate_fn)(void *ctx, const char *msgid);

typedef struct {
    tmpl_translate_fn translate;  /* NULL: msgids shown as written (Vietnamese) */
    void *translate_ctx;
    const char *body;             /* the raw {{{body}}} slot; NULL renders nothing */
} tmpl_env;

/* Renders into an arena string. Never fails: missing values render as empty. */
char *tmpl_render(const tmpl *t, arena *a, json_t *model, const tmpl_env *env);

/* The escapers, exposed for the rest of the web layer and for tests. */
void html_escape(buf *b, const char *s);
/* The same for text inside SVG or XML written by hand: control characters XML 1.0 forbids
 * (all below 0x20 but tab and newline) become spaces. NULL is "". */
void xml_escape(buf *b, const char *s);
const char *xml_escaped(arena *a, const char *s);   /* into a new arena string */
bool url_is_safe(const char *s);

/* Every msgid a template uses, for checks that the English catalogue is complete. */
size_t tmpl_msgids(const tmpl *t, const char **out, size_t max);

#endif
