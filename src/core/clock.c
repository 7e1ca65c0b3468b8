/* clock.c -- "now" for the business rules, with an offset a test can set (see clock.h). */
#include "clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static time_t read_at = -1;   /* time(NULL) when the file was last read; -1 = never */
static long long offset;

/* The offset written in path: an optional sign, digits, optional white space; 0 otherwise. */
static long long read_offset(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char buf[64];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *end;
    long long v = strtoll(buf, &end, 10);
    if (end == buf) return 0;
    while (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t') end++;
    return *end ? 0 : v;
}

time_t clock_now(void)
{
    time_t t = time(NULL);
    const char *path = getenv("THANTHIEN_CLOCK_FILE");
    if (!path || !*path) return t;
    pthread_mutex_lock(&mu);
    if (read_at != t) {   /* at most once a second */
        offset = read_offset(path);
        read_at = t;
    }
    long long off = offset;
    pthread_mutex_unlock(&mu);
    return t + (time_t)off;
}
