/* ratelimit.c -- see ratelimit.h. */
#include "ratelimit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBES 8

static unsigned char hash_key[crypto_shorthash_KEYBYTES];
static pthread_once_t hash_key_once = PTHREAD_ONCE_INIT;

static void hash_key_init(void)
{
    if (sodium_init() < 0) abort();
    crypto_shorthash_keygen(hash_key);
}

static uint64_t key_hash(const char *k)
{
    pthread_once(&hash_key_once, hash_key_init);
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, (const unsigned char *)k, strlen(k), hash_key);
    uint64_t h;
    memcpy(&h, out, sizeof h);
    return h ? h : 1;
}

static bool expired(const ratelimit *rl, const ratelimit_slot *t, int64_t now)
{
    return now - t->since >= rl->window;
}

/* The slot of key; when it has none and create is set, a free or expired one, else the
 * probed slot with the fewest counted (the oldest among equals): the eviction that keeps a
 * full table open to newcomers. NULL when it has none and create is not set. Called with
 * rl->mu held. */
static ratelimit_slot *slot_of(ratelimit *rl, const char *key, int64_t now, bool create)
{
    uint64_t h = key_hash(key);
    ratelimit_slot *spare = NULL;
    bool spare_free = false;
    for (int p = 0; p < PROBES; p++) {
        ratelimit_slot *t = &rl->slot[(h + (uint64_t)p) % rl->nslots];
        if (t->key == h) {
            if (expired(rl, t, now)) t->count = 0, t->since = now;
            return t;
        }
        bool t_free = !t->key || expired(rl, t, now);
        if (!spare || (t_free && !spare_free) ||
            (!t_free && !spare_free &&
             (t->count < spare->count || (t->count == spare->count && t->since < spare->since)))) {
            spare = t;
            spare_free = t_free;
        }
    }
    if (!create) return NULL;
    spare->key = h;
    spare->since = now;
    spare->count = 0;
    return spare;
}

/* ---- failures ---------------------------------------------------------------------------- */

static int64_t slot_wait(const ratelimit *rl, const ratelimit_slot *t, int64_t now)
{
    return t && t->count >= rl->max ? rl->window - (now - t->since) : 0;
}

int64_t ratelimit_wait(ratelimit *rl, const char *key, int64_t now)
{
    pthread_mutex_lock(&rl->mu);
    int64_t wait = slot_wait(rl, slot_of(rl, key, now, false), now);
    pthread_mutex_unlock(&rl->mu);
    return wait;
}

int64_t ratelimit_fail(ratelimit *rl, const char *key, int64_t now)
{
    pthread_mutex_lock(&rl->mu);
    ratelimit_slot *t = slot_of(rl, key, now, true);
    if (++t->count >= rl->max) t->since = now;   /* held for a whole window from here */
    int64_t wait = slot_wait(rl, t, now);
    pthread_mutex_unlock(&rl->mu);
    return wait;
}

void ratelimit_forgive(ratelimit *rl, const char *key, int64_t now)
{
    pthread_mutex_lock(&rl->mu);
    ratelimit_slot *t = slot_of(rl, key, now, false);
    if (t && t->count > 0) t->count--;
    pthread_mutex_unlock(&rl->mu);
}

/* ---- events -------------------------------------------------------------------------------- */

bool ratelimit_allowed(ratelimit *rl, const char *key, int64_t now)
{
    pthread_mutex_lock(&rl->mu);
    ratelimit_slot *t = slot_of(rl, key, now, false);
    bool ok = t ? t->count < rl->max : rl->max > 0;
    pthread_mutex_unlock(&rl->mu);
    return ok;
}

void ratelimit_hit(ratelimit *rl, const char *key, int64_t now)
{
    pthread_mutex_lock(&rl->mu);
    slot_of(rl, key, now, true)->count++;
    pthread_mutex_unlock(&rl->mu);
}

bool ratelimit_take(ratelimit *rl, const char *key, int64_t now)
{
    pthread_mutex_lock(&rl->mu);
    ratelimit_slot *t = slot_of(rl, key, now, true);
    bool ok = t->count < rl->max;
    if (ok) t->count++;
    pthread_mutex_unlock(&rl->mu);
    return ok;
}

void ratelimit_reset(ratelimit *rl)
{
    pthread_mutex_lock(&rl->mu);
    memset(rl->slot, 0, rl->nslots * sizeof rl->slot[0]);
    pthread_mutex_unlock(&rl->mu);
}

const char *ratelimit_addr(const char *ip, char out[72])
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
