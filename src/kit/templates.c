/* templates.c -- compiles the embedded templates once at start (see templates.h). */
#include "templates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/log.h"

static tmpl **compiled;

int templates_load(char *errbuf, size_t errlen)
{
    if (compiled) return 0;
    compiled = calloc(template_sources_count, sizeof *compiled);
    if (!compiled) abort();
    for (size_t i = 0; i < template_sources_count; i++) {
        compiled[i] = tmpl_compile(template_sources[i].name, template_sources[i].source, errbuf, errlen);
        if (!compiled[i]) {
            templates_unload();
            return -1;
        }
    }
    return 0;
}

void templates_unload(void)
{
    if (!compiled) return;
    for (size_t i = 0; i < template_sources_count; i++) tmpl_free(compiled[i]);
    free(compiled);
    compiled = NULL;
}

const tmpl *template_get(const char *name)
{
    for (size_t i = 0; compiled && i < template_sources_count; i++)
        if (!strcmp(template_sources[i].name, name)) return compiled[i];
    log_json("fatal", "unknown template", "{s:s?}", "name", name);
    abort();
}
