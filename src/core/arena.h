/* arena.h -- a bump allocator for everything one request (or one command) allocates.
 *
 * A request gets an arena when it arrives and the arena is freed when the response has
 * been sent, so handlers never free what they allocate and nothing outlives its request.
 * Blocks grow geometrically; a large allocation gets a block of its own. */
#ifndef TT_ARENA_H
#define TT_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);
void *arena_alloc(arena *a, size_t n);            /* zeroed, aligned for any type */
char *arena_strdup(arena *a, const char *s);      /* NULL stays NULL */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);
size_t arena_used(const arena *a);                /* bytes handed out, for metrics and tests */
/* A jansson value as compact JSON text in the arena; NULL when it cannot be written. */
struct json_t;
char *arena_json_dumps(arena *a, const struct json_t *j);

/* A growable byte buffer whose storage lives in an arena. */
typedef struct {
    arena *a;
    char *data;
    size_t len, cap;
} buf;

void buf_init(buf *b, arena *a);
void buf_add(buf *b, const char *s, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *buf_cstr(buf *b);                     /* NUL-terminated view of the contents */
/* JSON text written piece by piece, byte for byte as arena_json_dumps writes it: a string
 * quoted and escaped (NULL as ""), and any jansson value. For an answer written without a
 * jansson tree (the citizen's lookup, dossier_track_json). */
void buf_json_string(buf *b, const char *s);
bool buf_json_value(buf *b, const struct json_t *j);

#endif
