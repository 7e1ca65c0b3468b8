/* rng.h -- the seeded generator of the demonstration data (splitmix64).
 *
 * The same seed gives the same dossiers, letters, ratings, surveys and receptions on every
 * machine, so the demo and the tests built on it repeat. Never for secrets: those come from
 * libsodium. Pure (core layer). */
#ifndef TT_RNG_H
#define TT_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s;
} rng;

uint64_t rng_next(rng *r);
int rng_pick(rng *r, int n);   /* 0 .. n-1, for n >= 1 */

#endif
