/* rng.c -- see rng.h. */
#include "rng.h"

uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int rng_pick(rng *r, int n) { return (int)(rng_next(r) % (uint64_t)n); }
