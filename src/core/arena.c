/* arena.c -- see arena.h. */
#include "arena.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_FIRST_BLOCK 8192
#define ARENA_ALIGN 16

typedef struct block {
    struct block *next;
    size_t size, used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
} block;

struct arena {
    block *head;
    size_t next_size;
    size_t handed_out;
};

static void out_of_memory(void)
{
    fputs("{\"level\":\"fatal\",\"msg\":\"out of memory\"}\n", stderr);
    abort();
}

arena *arena_new(void)
{
    arena *a = calloc(1, sizeof *a);
    if (!a) out_of_memory();
    a->next_size = ARENA_FIRST_BLOCK;
    return a;
}

void arena_free(arena *a)
{
    if (!a) return;
    block *b = a->head;
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

static block *block_new(size_t size)
{
    block *b = malloc(sizeof *b + size);
    if (!b) out_of_memory();
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

static void *alloc(arena *a, size_t n, bool zero);

void *arena_alloc(arena *a, size_t n) { return alloc(a, n, true); }

static void *alloc(arena *a, size_t n, bool zero)
{
    if (n == 0) n = 1;
    if (n > SIZE_MAX / 2) out_of_memory();
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    block *b = a->head;
    if (!b || b->size - b->used < need) {
        if (need > a->next_size / 2) {
            /* A big allocation gets its own block behind the current one, so the
             * current block's free space is not wasted. */
            block *big = block_new(need);
            big->used = need;
            if (b) {
                big->next = b->next;
                b->next = big;
            } else {
                a->head = big;
            }
            a->handed_out += need;
            if (zero) memset(big->data, 0, need);
            return big->data;
        }
        b = block_new(a->next_size);
        b->next = a->head;
        a->head = b;
        if (a->next_size < (1u << 20)) a->next_size *= 2;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->handed_out += need;
    if (zero) memset(p, 0, need);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    if (!s) return NULL;
    char *d = arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) return arena_strdup(a, "");
    char *s = arena_alloc(a, (size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return s;
}

size_t arena_used(const arena *a)
{
    return a->handed_out;
}

void buf_init(buf *b, arena *a)
{
    b->a = a;
    b->data = NULL;
    b->len = b->cap = 0;
}

static void buf_grow(buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *d = alloc(b->a, cap, false);   /* every byte up to len is written before it is read */
    if (b->len) memcpy(d, b->data, b->len);
    b->data = d;
    b->cap = cap;
}

void buf_add(buf *b, const char *s, size_t n)
{
    buf_grow(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_puts(buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_putc(buf *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vprintf(b->a, fmt, ap);
    va_end(ap);
    buf_puts(b, s);
}

const char *buf_cstr(buf *b)
{
    if (!b->data) buf_grow(b, 0), b->data[0] = '\0';
    return b->data;
}

/* JSON text written straight into the arena, byte for byte what jansson's json_dumps(j,
 * JSON_COMPACT) writes (tests/unit/test_arena.c compares the two): jansson builds its text in
 * a malloc'd buffer grown by realloc and then it is copied here, which cost a tenth of the
 * citizen's lookup. Reals are rare and their shortest exact form is subtle, so jansson writes
 * those. */
static void json_string_out(buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    buf_putc(b, '"');
    size_t run = 0;   /* bytes copied as they are, in one go */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        buf_add(b, s + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 0};
        switch (c) {
        case '"': case '\\': esc[1] = (char)c; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default: esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
        }
        buf_add(b, esc, esc[1] == 'u' ? 6 : 2);
    }
    buf_add(b, s + run, n - run);
    buf_putc(b, '"');
}

static bool json_value_out(buf *b, const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        buf_putc(b, '{');
        const char *key;
        json_t *v;
        bool first = true;
        json_object_foreach((json_t *)j, key, v) {
            if (!first) buf_putc(b, ',');
            first = false;
            json_string_out(b, key, strlen(key));
            buf_putc(b, ':');
            if (!json_value_out(b, v)) return false;
        }
        buf_putc(b, '}');
        return true;
    }
    case JSON_ARRAY:
        buf_putc(b, '[');
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i) buf_putc(b, ',');
            if (!json_value_out(b, json_array_get(j, i))) return false;
        }
        buf_putc(b, ']');
        return true;
    case JSON_STRING: json_string_out(b, json_string_value(j), json_string_length(j)); return true;
    case JSON_INTEGER: {
        char num[24];
        int n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        buf_add(b, num, (size_t)n);
        return true;
    }
    case JSON_TRUE: buf_add(b, "true", 4); return true;
    case JSON_FALSE: buf_add(b, "false", 5); return true;
    case JSON_NULL: buf_add(b, "null", 4); return true;
    case JSON_REAL: {
        char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!text) return false;
        buf_puts(b, text);
        free(text);
        return true;
    }
    }
    return false;
}

void buf_json_string(buf *b, const char *s)
{
    json_string_out(b, s ? s : "", s ? strlen(s) : 0);
}

bool buf_json_value(buf *b, const json_t *j) { return j && json_value_out(b, j); }

char *arena_json_dumps(arena *a, const json_t *j)
{
    /* as json_dumps without JSON_ENCODE_ANY: only an object or an array is a document */
    if (!j || !(json_is_object(j) || json_is_array(j))) return NULL;
    buf b;
    buf_init(&b, a);
    if (!json_value_out(&b, j)) return NULL;
    return (char *)buf_cstr(&b);
}
