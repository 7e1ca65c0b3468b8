/* fuzz_criteria_csv.c -- libFuzzer target for a criteria set read from CSV
 * (assess_set_from_csv, src/assess/sets_csv.c, checked by assess_set_from_json).
 *
 * Properties (abort() when violated): the answer is 0 or -1; a refusal is 422 with a
 * Vietnamese message that names it ("Tệp CSV" or "Bộ tiêu chí"); an accepted set has 1..200
 * criteria in its groups, levels from the highest down, every computed rule naming a known
 * figure, and written back as CSV it reads again to the same set JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/assess/assess.h"

#define CHECK(cond)                                                                              \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz_criteria_csv: property violated: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                                   \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new();
    assess_set s;
    err e = {0};
    int rc = assess_set_from_csv(a, (const char *)data, size, assess_metric_known, &s, &e);
    CHECK(rc == 0 || rc == -1);
    if (rc) {
        CHECK(e.status == 422);
        CHECK(strstr(e.user, "Tệp CSV") || strstr(e.user, "Bộ tiêu chí"));
    } else {
        CHECK(s.nitems >= 1 && s.nitems <= ASSESS_MAX_ITEMS);
        int n = 0;
        for (int g = 0; g < s.ngroups; g++) n += s.groups[g].count;
        CHECK(n == s.nitems);
        for (int i = 1; i < s.nlevels; i++) CHECK(s.levels[i].level < s.levels[i - 1].level);
        for (int i = 0; i < s.nitems; i++)
            if (s.items[i].by != ASSESS_BY_ENTERED) CHECK(assess_metric_known(s.items[i].metric));
        size_t len;
        const char *csv = assess_set_to_csv(a, &s, &len);
        assess_set back;
        err e2 = {0};
        CHECK(assess_set_from_csv(a, csv, len, assess_metric_known, &back, &e2) == 0);
        json_t *j1 = assess_set_to_json(&s), *j2 = assess_set_to_json(&back);
        CHECK(json_equal(j1, j2));
        json_decref(j1);
        json_decref(j2);
    }
    arena_free(a);
    return 0;
}
