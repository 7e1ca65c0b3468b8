/* keyed_limit.h -- counting events per key (a client address, a code) in a fixed window, in
 * memory, for limits on guessing and flooding. No allocation: a limiter is a static table
 * (KEYED_LIMIT_SLOTS keys) guarded by its own mutex, so a handler thread may use it freely.
 *
 * A key's window starts at its first counted event and lasts `window` seconds; a slot still
 * in its window is never given to another key. When the probed slots of a new key are all in
 * use (a flood of distinct keys), keyed_limit_allowed() fails closed for that key until slots
 * free up. The same idea as the tracking lookup's limiter (src/dossier/track_limit.c), in a
 * form another feature can share. */
#ifndef TT_KEYED_LIMIT_H
#define TT_KEYED_LIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define KEYED_LIMIT_SLOTS 2048
#define KEYED_LIMIT_PROBES 8

typedef struct {
    char key[72];
    int64_t since;
    int count;
} keyed_limit_slot;

typedef struct {
    pthread_mutex_t mu;
    int window;   /* seconds */
    int max;      /* events a key may have in its window */
    keyed_limit_slot slot[KEYED_LIMIT_SLOTS];
} keyed_limit;

#define KEYED_LIMIT_INIT(window_seconds, max_events) \
    {.mu = PTHREAD_MUTEX_INITIALIZER, .window = (window_seconds), .max = (max_events)}

/* True when key may have one more event now (it has fewer than max in its window). */
bool keyed_limit_allowed(keyed_limit *l, const char *key, int64_t now);
/* Counts one event of key; false when no slot could hold it (then the key is not allowed). */
bool keyed_limit_hit(keyed_limit *l, const char *key, int64_t now);
/* Both at once: counts one event of key and returns true when it was allowed; false (and
 * nothing counted) when the key is at its limit or no slot could hold it. */
bool keyed_limit_take(keyed_limit *l, const char *key, int64_t now);
/* Forgets every key (tests). */
void keyed_limit_reset(keyed_limit *l);

/* The key of a client address: "1.2.3.4" as is, an IPv6 address by its /64 (one household
 * or one phone holds a /64). out has 72 bytes. */
const char *keyed_limit_addr(const char *ip, char out[72]);

#endif
