/* ratelimit.h -- counting per key (an address, a username, a code and an address) in a fixed
 * table, in memory, for the limits on guessing and flooding: tracking secrets, logins,
 * bookings. No allocation: a limiter is a static table guarded by its own mutex, so a
 * handler thread may use it freely.
 *
 * One table, two ways of counting (a limiter uses one of them):
 *
 *   - failures (ratelimit_fail, _wait, _forgive): a key that has failed max times is held
 *     for window seconds from its last counted failure; failures older than window are
 *     forgotten. Only failures take a slot.
 *   - events (ratelimit_take, _allowed, _hit): a key may have max events in a window that
 *     starts at its first counted event and lasts window seconds.
 *
 * Keys are found by a keyed hash (SipHash, a key drawn at start), so nobody can choose keys
 * that share slots. When the probed slots of a new key are all taken, the one with the
 * fewest counted (the oldest among equals) is given up: a table filled by a flood of
 * distinct keys forgets a little -- fail open -- rather than refuse every newcomer, and a
 * key held at its limit is the last to be forgotten. It never holds anyone who did not
 * count. */
#ifndef TT_RATELIMIT_H
#define TT_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t key;   /* keyed hash; 0 = free */
    int64_t since;
    int count;      /* failures, or events */
} ratelimit_slot;

typedef struct {
    int window;     /* seconds */
    int max;        /* failures before a hold, or events in a window */
    size_t nslots;
    ratelimit_slot *slot;
    pthread_mutex_t mu;
} ratelimit;

/* static ratelimit_slot s[4096]; static ratelimit rl = RATELIMIT_INIT(s, 600, 10); */
#define RATELIMIT_INIT(slots, window_s, max_count)                                                          \
    {.window = (window_s), .max = (max_count), .nslots = sizeof(slots) / sizeof(slots)[0], .slot = (slots), \
     .mu = PTHREAD_MUTEX_INITIALIZER}

/* Failures. Seconds key must still wait; 0 when it may go ahead. */
int64_t ratelimit_wait(ratelimit *rl, const char *key, int64_t now);
/* Counts a failure of key; returns the seconds it must now wait (0 while under the limit). */
int64_t ratelimit_fail(ratelimit *rl, const char *key, int64_t now);
/* Takes back one failure counted in advance (an attempt that turned out right). */
void ratelimit_forgive(ratelimit *rl, const char *key, int64_t now);

/* Events. True when key may have one more event now (fewer than max in its window). */
bool ratelimit_allowed(ratelimit *rl, const char *key, int64_t now);
/* Counts one event of key. */
void ratelimit_hit(ratelimit *rl, const char *key, int64_t now);
/* Both at once: counts one event of key and returns true when it was allowed; false (and
 * nothing counted) when the key is at its limit. */
bool ratelimit_take(ratelimit *rl, const char *key, int64_t now);

void ratelimit_reset(ratelimit *rl);   /* forgets every key (tests) */

/* The key of a client address: "1.2.3.4" as is, an IPv6 address by its /64 (one household
 * or one phone holds a /64). out has 72 bytes. */
const char *ratelimit_addr(const char *ip, char out[72]);

#endif
