/* log.c -- see log.h. */
#include "log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void log_json(const char *level, const char *msg, const char *fields, ...)
{
    json_t *line = json_pack("{s:s, s:s}", "level", level ? level : "", "msg", msg ? msg : "");
    if (!line) return;
    if (fields) {
        va_list ap;
        va_start(ap, fields);
        json_error_t je;
        json_t *more = json_vpack_ex(&je, 0, fields, ap);
        va_end(ap);
        /* a wrong format is the caller's bug: say so in the line rather than lose it */
        if (more) json_object_update(line, more);
        else json_object_set_new(line, "log_error", json_string(je.text));
        json_decref(more);
    }
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (!text) return;
    size_t n = strlen(text);
    char *out = realloc(text, n + 2);
    if (out) {
        out[n] = '\n';
        fwrite(out, 1, n + 1, stderr);
    }
    free(out ? out : text);
}
