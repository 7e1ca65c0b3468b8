/* fuzz_criteria_json.c -- libFuzzer target for a criteria set imported as JSON
 * (src/assess/criteria.c, assess_set_parse), then scored (score.c) with figures derived from
 * the input.
 *
 * Properties (abort() when violated):
 *   - a refusal has status 422 and a message;
 *   - an accepted set has 1..ASSESS_MAX_ITEMS criteria, every one in a group, codes unique,
 *     max_total10 the sum of the scored criteria's max, levels from highest to lowest;
 *   - writing it back and reading that again gives the same JSON (the stored body is stable);
 *   - scoring gives a total of at least 0, a level that is 0 or one of the set's, a computed
 *     criterion never more than its max nor below 0. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/assess/assess.h"
#include "../../src/core/arena.h"

#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "fuzz_criteria_json: property violated: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                                    \
            abort();                                                                              \
        }                                                                                         \
    } while (0)

static bool figure(void *ctx, const char *key, double *v)
{
    size_t h = strlen(key) + *(const size_t *)ctx;
    if (h % 5 == 0) return false;   /* some figures have no data */
    *v = (double)(h * 37 % 1200) / 10.0 - 10.0;
    return true;
}

static void check_set(const assess_set *s)
{
    CHECK(s->nitems >= 1 && s->nitems <= ASSESS_MAX_ITEMS);
    int sum = 0, in_groups = 0;
    for (int g = 0; g < s->ngroups; g++) in_groups += s->groups[g].count;
    CHECK(in_groups == s->nitems);
    for (int i = 0; i < s->nitems; i++) {
        CHECK(s->items[i].max10 > 0);
        if (s->items[i].kind == ASSESS_SCORE) sum += s->items[i].max10;
        CHECK(assess_criterion_index(s, s->items[i].code) == i);
    }
    CHECK(sum == s->max_total10);
    for (int l = 1; l < s->nlevels; l++) CHECK(s->levels[l].level < s->levels[l - 1].level);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new();
    assess_set s, t;
    err e = {0};
    if (assess_set_parse(a, (const char *)data, size, NULL, &s, &e)) {
        CHECK(e.status == 422 && e.user[0]);
    } else {
        check_set(&s);
        json_t *j = assess_set_to_json(&s);
        char *once = json_dumps(j, JSON_COMPACT);
        CHECK(once);
        CHECK(assess_set_parse(a, once, strlen(once), NULL, &t, &e) == 0);
        json_t *k = assess_set_to_json(&t);
        char *twice = json_dumps(k, JSON_COMPACT);
        CHECK(twice && !strcmp(once, twice));
        free(once);
        free(twice);
        json_decref(j);
        json_decref(k);

        assess_score_result *r = arena_alloc(a, sizeof *r);
        size_t salt = size;
        assess_score(&s, NULL, NULL, figure, &salt, true, r);
        CHECK(r->total10 >= 0);
        bool known = r->level == 0;
        for (int l = 0; l < s.nlevels; l++) known |= s.levels[l].level == r->level;
        CHECK(known);
        for (int i = 0; i < s.nitems; i++)
            if (r->lines[i].computed) CHECK(r->lines[i].points10 >= 0 && r->lines[i].points10 <= s.items[i].max10);
    }
    arena_free(a);
    return 0;
}
