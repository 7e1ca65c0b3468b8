/* ratelimit.h -- counting failures per key in a fixed table, for the limits on guessing
 * (tracking secrets, logins).
 *
 * A key (an address, a username, a code and an address) that has failed max_fails times is
 * held for window seconds from its last counted failure; failures older than window are
 * forgotten. Keys are found by a keyed hash (SipHash, a key drawn at start), so nobody can
 * choose keys that share slots; when the probed slots are all taken, the one with the fewest
 * failures is given up. A full table forgets a little; it never holds anyone who did not
 * fail. */
#ifndef TT_RATELIMIT_H
#define TT_RATELIMIT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t key;   /* keyed hash; 0 = free */
    int64_t since;
    int fails;
} ratelimit_slot;

typedef struct {
    int window, max_fails;
    size_t nslots;
    ratelimit_slot *slot;
    pthread_mutex_t mu;
} ratelimit;

/* static ratelimit_slot s[4096]; static ratelimit rl = RATELIMIT_INIT(s, 600, 10); */
#define RATELIMIT_INIT(slots, window_s, max)                                                      \
    {.window = (window_s), .max_fails = (max), .nslots = sizeof(slots) / sizeof(slots)[0], .slot = (slots), \
     .mu = PTHREAD_MUTEX_INITIALIZER}

/* Seconds key must still wait; 0 when it may go ahead. */
int64_t ratelimit_wait(ratelimit *rl, const char *key, int64_t now);
/* Counts a failure of key; returns the seconds it must now wait (0 while under the limit). */
int64_t ratelimit_fail(ratelimit *rl, const char *key, int64_t now);
/* Takes back one failure counted in advance (an attempt that turned out right). */
void ratelimit_forgive(ratelimit *rl, const char *key, int64_t now);
void ratelimit_reset(ratelimit *rl);   /* tests */

#endif
