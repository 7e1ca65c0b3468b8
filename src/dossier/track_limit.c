/* track_limit.c -- the limit on wrong guesses at the citizen's tracking lookup (see dossier.h).
 *
 * Wrong code/secret pairs are counted twice (core/ratelimit.h): per (code, client address)
 * -- the limit that protects a dossier, and one that only the guesser meets, never the
 * citizen at home -- and per address over all codes, loosely, since a commune's Wi-Fi or a
 * carrier's shared address holds many honest citizens (IPv6 by its /64, which one household
 * holds). With 31^6 ≈ 887 million secrets per code, 10 guesses per code and address an hour
 * leave a guesser nothing. Only failures take a slot, and a full table forgets the least
 * failed rather than refuse anyone. */
#include <stdio.h>
#include <string.h>

#include "../core/ratelimit.h"
#include "dossier.h"

static ratelimit_slot addr_slots[16384], pair_slots[16384];
/* per address, over all codes: loose, for shared networks */
static ratelimit track_addrs = RATELIMIT_INIT(addr_slots, 600, 100);
/* per code and address */
static ratelimit track_pairs = RATELIMIT_INIT(pair_slots, 3600, 10);

/* "code\naddress": a newline is in neither */
static const char *pair_key(const char *ip, const char *code, char out[300])
{
    char a[72];
    snprintf(out, 300, "%.200s\n%s", code, ratelimit_addr(ip, a));
    return out;
}

int64_t track_limit_wait(const char *ip, const char *code, int64_t now)
{
    char key[300];
    int64_t wait = ratelimit_wait(&track_addrs, ratelimit_addr(ip, key), now);
    int64_t pair = ratelimit_wait(&track_pairs, pair_key(ip, code, key), now);
    return pair > wait ? pair : wait;
}

void track_limit_failed(const char *ip, const char *code, int64_t now)
{
    char key[300];
    ratelimit_fail(&track_addrs, ratelimit_addr(ip, key), now);
    ratelimit_fail(&track_pairs, pair_key(ip, code, key), now);
}

void track_limit_reset(void)
{
    ratelimit_reset(&track_addrs);
    ratelimit_reset(&track_pairs);
}
