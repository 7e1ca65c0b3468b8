/* track_limit.c -- the limit on wrong guesses at the citizen's tracking lookup (see dossier.h).
 *
 * Wrong code/secret pairs are counted twice: per (code, client address) -- the limit that
 * protects a dossier, and one that only the guesser meets, never the citizen at home -- and
 * per address over all codes, loosely, since a commune's Wi-Fi or a carrier's shared address
 * holds many honest citizens (IPv6 by its /64, which one household holds). With 31^6 ≈ 887
 * million secrets per code, 10 guesses per code and address an hour leave a guesser nothing.
 *
 * Only failures take a slot. Slots are found by a keyed hash (SipHash with a key drawn at
 * start), so nobody can choose keys that collide. When the probed slots are all in use, the
 * one with the fewest failures is evicted: a full table forgets a little, it never refuses a
 * lookup for people who made no mistake. */
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dossier.h"

#define TRACK_ADDR_WINDOW 600     /* seconds */
#define TRACK_ADDR_MAX_FAILS 100  /* per address, over all codes: loose, for shared networks */
#define TRACK_PAIR_WINDOW 3600
#define TRACK_PAIR_MAX_FAILS 10   /* per code and address */
#define TRACK_SLOTS 16384
#define TRACK_PROBES 8

typedef struct {
    uint64_t key;   /* keyed hash of the key; 0 = free */
    int64_t since;
    int fails;
} track_slot;

typedef struct {
    track_slot slot[TRACK_SLOTS];
    int window, max_fails;
} track_table;

static track_table track_addrs = {.window = TRACK_ADDR_WINDOW, .max_fails = TRACK_ADDR_MAX_FAILS},
                   track_pairs = {.window = TRACK_PAIR_WINDOW, .max_fails = TRACK_PAIR_MAX_FAILS};
static unsigned char hash_key[crypto_shorthash_KEYBYTES];
static bool hash_key_ready;
static pthread_mutex_t track_mu = PTHREAD_MUTEX_INITIALIZER;

/* Called with track_mu held. */
static uint64_t key_hash(const char *k)
{
    if (!hash_key_ready) {
        if (sodium_init() < 0) abort();
        crypto_shorthash_keygen(hash_key);
        hash_key_ready = true;
    }
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, (const unsigned char *)k, strlen(k), hash_key);
    uint64_t h;
    memcpy(&h, out, sizeof h);
    return h ? h : 1;
}

/* The slot of key; when it has none and create is set, a free or expired one, else the
 * probed slot with the fewest failures (the oldest among equals). NULL when it has none and
 * create is not set. Called with track_mu held. */
static track_slot *track_slot_of(track_table *tb, const char *key, int64_t now, bool create)
{
    uint64_t h = key_hash(key);
    track_slot *spare = NULL;
    for (int p = 0; p < TRACK_PROBES; p++) {
        track_slot *t = &tb->slot[(h + (uint64_t)p) % TRACK_SLOTS];
        bool expired = now - t->since >= tb->window;
        if (t->key == h) {
            if (expired) t->fails = 0, t->since = now;
            return t;
        }
        bool t_free = !t->key || expired;
        bool spare_free = spare && (!spare->key || now - spare->since >= tb->window);
        if (!spare || (t_free && !spare_free) ||
            (!t_free && !spare_free &&
             (t->fails < spare->fails || (t->fails == spare->fails && t->since < spare->since))))
            spare = t;
    }
    if (!create) return NULL;
    spare->key = h;
    spare->since = now;
    spare->fails = 0;
    return spare;
}

/* "1.2.3.4", or "2001:db8:1:2" (the /64 of an IPv6 address) */
static const char *addr_key(const char *ip, char out[72])
{
    const char *p = ip + strlen(ip);
    if (strchr(ip, ':')) {
        p = ip;
        for (int groups = 0; *p && groups < 4; p++)
            if (*p == ':') groups++;
    }
    snprintf(out, 72, "%.*s", (int)(p - ip), ip);
    return out;
}

/* "code\naddress": a newline is in neither */
static const char *pair_key(const char *ip, const char *code, char out[200])
{
    char a[72];
    snprintf(out, 200, "%.120s\n%s", code, addr_key(ip, a));
    return out;
}

/* Seconds until the slot's window ends, when it has used up its failures; else 0. */
static int64_t slot_wait(const track_table *tb, const track_slot *t, int64_t now)
{
    return t && t->fails >= tb->max_fails ? tb->window - (now - t->since) : 0;
}

int64_t track_limit_wait(const char *ip, const char *code, int64_t now)
{
    char key[200];
    pthread_mutex_lock(&track_mu);
    int64_t wait = slot_wait(&track_addrs, track_slot_of(&track_addrs, addr_key(ip, key), now, false), now);
    int64_t pair = slot_wait(&track_pairs, track_slot_of(&track_pairs, pair_key(ip, code, key), now, false), now);
    pthread_mutex_unlock(&track_mu);
    return pair > wait ? pair : wait;
}

void track_limit_failed(const char *ip, const char *code, int64_t now)
{
    char key[200];
    pthread_mutex_lock(&track_mu);
    track_slot_of(&track_addrs, addr_key(ip, key), now, true)->fails++;
    track_slot_of(&track_pairs, pair_key(ip, code, key), now, true)->fails++;
    pthread_mutex_unlock(&track_mu);
}

void track_limit_reset(void)
{
    pthread_mutex_lock(&track_mu);
    memset(track_addrs.slot, 0, sizeof track_addrs.slot);
    memset(track_pairs.slot, 0, sizeof track_pairs.slot);
    pthread_mutex_unlock(&track_mu);
}
