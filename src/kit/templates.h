/* templates.h -- the registry of the HTML templates embedded at build time (the table is in
 * store/embedded.h, written by tools/embed.c): the registry that compiles them once at start. Names are paths under src/ without ".html",
 * e.g. "catalog/list". */
#ifndef TT_TEMPLATES_H
#define TT_TEMPLATES_H

#include <stddef.h>

#include "../core/template.h"
#include "../store/embedded.h"   /* template_sources[] */

int templates_load(char *errbuf, size_t errlen);   /* 0 or -1 */
void templates_unload(void);
const tmpl *template_get(const char *name);        /* aborts on an unknown name: a bug */

#endif
