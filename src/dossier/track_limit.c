/* track_limit.c -- the limit on wrong guesses at the citizen's tracking lookup (see dossier.h).
 *
 * Wrong code/secret pairs are counted per client address (IPv6 by its /64, which one
 * household holds) and per dossier code; past either limit the lookup waits, so secrets
 * cannot be guessed by enumeration (31^6 ≈ 887 million secrets per code). Only failures take
 * a slot. Addresses and codes have tables of their own, and a slot still in its window is
 * never given to another key. If a flood of distinct addresses fills the address table, the
 * lookup fails closed: addresses without a slot wait until slots free up again. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dossier.h"

#define TRACK_WINDOW 600          /* seconds, per address */
#define TRACK_MAX_FAILS 10
#define TRACK_CODE_WINDOW 86400   /* per code: a day */
#define TRACK_CODE_MAX_FAILS 20
#define TRACK_SLOTS 4096
#define TRACK_PROBES 8

typedef struct {
    char key[72];
    int64_t since;
    int fails;
} track_slot;

typedef struct {
    track_slot slot[TRACK_SLOTS];
    int window;
} track_table;

static track_table track_addrs = {.window = TRACK_WINDOW}, track_codes = {.window = TRACK_CODE_WINDOW};
static int64_t track_full_until;   /* the address table was full: unknown addresses wait */
static pthread_mutex_t track_mu = PTHREAD_MUTEX_INITIALIZER;

static unsigned key_hash(const char *k)
{
    unsigned h = 2166136261u;
    for (; *k; k++) h = (h ^ (unsigned char)*k) * 16777619u;
    return h;
}

/* The slot of key; when it has none and create is set, a free or expired one. NULL when
 * there is none (or, creating, all probed slots are in use). Called with track_mu held. */
static track_slot *track_slot_of(track_table *tb, const char *key, int64_t now, bool create)
{
    unsigned h = key_hash(key);
    track_slot *free_slot = NULL;
    for (int p = 0; p < TRACK_PROBES; p++) {
        track_slot *t = &tb->slot[(h + (unsigned)p) % TRACK_SLOTS];
        bool expired = now - t->since >= tb->window;
        if (t->key[0] && !strcmp(t->key, key)) {
            if (expired) t->fails = 0, t->since = now;
            return t;
        }
        if (!free_slot && (!t->key[0] || expired)) free_slot = t;
    }
    if (!create || !free_slot) return NULL;
    snprintf(free_slot->key, sizeof free_slot->key, "%s", key);
    free_slot->since = now;
    free_slot->fails = 0;
    return free_slot;
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

int64_t track_limit_wait(const char *ip, const char *code, int64_t now)
{
    char key[72];
    pthread_mutex_lock(&track_mu);
    int64_t wait = 0;
    track_slot *t = track_slot_of(&track_addrs, addr_key(ip, key), now, false);
    if (t && t->fails >= TRACK_MAX_FAILS) wait = TRACK_WINDOW - (now - t->since);
    if (!t && now < track_full_until) wait = track_full_until - now;
    track_slot *c = track_slot_of(&track_codes, code, now, false);
    if (c && c->fails >= TRACK_CODE_MAX_FAILS && TRACK_CODE_WINDOW - (now - c->since) > wait)
        wait = TRACK_CODE_WINDOW - (now - c->since);
    pthread_mutex_unlock(&track_mu);
    return wait;
}

void track_limit_failed(const char *ip, const char *code, int64_t now)
{
    char key[72];
    pthread_mutex_lock(&track_mu);
    track_slot *t = track_slot_of(&track_addrs, addr_key(ip, key), now, true);
    if (t) t->fails++;
    else track_full_until = now + TRACK_WINDOW;
    track_slot *c = track_slot_of(&track_codes, code, now, true);
    if (c) c->fails++;
    pthread_mutex_unlock(&track_mu);
}

void track_limit_reset(void)
{
    pthread_mutex_lock(&track_mu);
    memset(track_addrs.slot, 0, sizeof track_addrs.slot);
    memset(track_codes.slot, 0, sizeof track_codes.slot);
    track_full_until = 0;
    pthread_mutex_unlock(&track_mu);
}
