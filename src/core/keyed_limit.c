/* keyed_limit.c -- see keyed_limit.h. */
#include "keyed_limit.h"

#include <stdio.h>
#include <string.h>

static unsigned key_hash(const char *k)
{
    unsigned h = 2166136261u;
    for (; *k; k++) h = (h ^ (unsigned char)*k) * 16777619u;
    return h;
}

/* The slot of key, or NULL with *room a free or expired slot it could take (NULL when every
 * probed slot is in use). Called with l->mu held. */
static keyed_limit_slot *slot_of(keyed_limit *l, const char *key, int64_t now, keyed_limit_slot **room)
{
    unsigned h = key_hash(key);
    *room = NULL;
    for (int p = 0; p < KEYED_LIMIT_PROBES; p++) {
        keyed_limit_slot *t = &l->slot[(h + (unsigned)p) % KEYED_LIMIT_SLOTS];
        bool expired = now - t->since >= l->window;
        if (t->key[0] && !strcmp(t->key, key)) {
            if (expired) t->count = 0, t->since = now;
            return t;
        }
        if (!*room && (!t->key[0] || expired)) *room = t;
    }
    return NULL;
}

bool keyed_limit_allowed(keyed_limit *l, const char *key, int64_t now)
{
    pthread_mutex_lock(&l->mu);
    keyed_limit_slot *room, *t = slot_of(l, key, now, &room);
    bool ok = t ? t->count < l->max : room != NULL && l->max > 0;
    pthread_mutex_unlock(&l->mu);
    return ok;
}

bool keyed_limit_hit(keyed_limit *l, const char *key, int64_t now)
{
    pthread_mutex_lock(&l->mu);
    keyed_limit_slot *room, *t = slot_of(l, key, now, &room);
    if (!t && room) {
        t = room;
        snprintf(t->key, sizeof t->key, "%s", key);
        t->since = now;
        t->count = 0;
    }
    if (t) t->count++;
    pthread_mutex_unlock(&l->mu);
    return t != NULL;
}

bool keyed_limit_take(keyed_limit *l, const char *key, int64_t now)
{
    pthread_mutex_lock(&l->mu);
    keyed_limit_slot *room, *t = slot_of(l, key, now, &room);
    if (!t && room) {
        t = room;
        snprintf(t->key, sizeof t->key, "%s", key);
        t->since = now;
        t->count = 0;
    }
    bool ok = t && t->count < l->max;
    if (ok) t->count++;
    pthread_mutex_unlock(&l->mu);
    return ok;
}

void keyed_limit_reset(keyed_limit *l)
{
    pthread_mutex_lock(&l->mu);
    memset(l->slot, 0, sizeof l->slot);
    pthread_mutex_unlock(&l->mu);
}

const char *keyed_limit_addr(const char *ip, char out[72])
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
