/* templates.h -- the HTML templates embedded at build time (see tools/embed.c) and the
 * registry that compiles them once at start. Names are paths under src/ without ".html",
 * e.g. "catalog/list". */
#ifndef TT_TEMPLATES_H
#define TT_TEMPLATES_H

#include <stddef.h>

#include "../core/template.h"

typedef struct {
    const char *name;
    const char *source;
} template_source;

extern const template_source template_sources[];
extern const size_t template_sources_count;

int templates_load(char *errbuf, size_t errlen);   /* 0 or -1 */
void templates_unload(void);
const tmpl *template_get(const char *name);        /* aborts on an unknown name: a bug */

#endif
