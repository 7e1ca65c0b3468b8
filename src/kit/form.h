/* form.h -- decoding application/x-www-form-urlencoded bodies and encoding URL parts.
 * Pure functions over bytes, so the fuzzer can drive them directly. */
#ifndef TT_FORM_H
#define TT_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/arena.h"
#include "web.h"

/* Splits "a=1&b=x+y%21" into kv pairs (raw bytes, not yet UTF-8 checked). Returns -1 on a
 * malformed escape or too many fields. */
int form_parse_urlencoded(arena *a, const char *data, size_t len, kv **out);

/* Percent-encodes everything but unreserved characters (RFC 3986). */
void form_url_encode(arena *a, const char *s, char **out);

/* A request path must be UTF-8 without control characters. */
bool form_path_ok(const char *path);

/* A "next" target after login or a language switch: only a local path. */
bool form_local_path(const char *s);

#define FORM_MAX_FIELDS 1000

#endif
