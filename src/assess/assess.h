/* assess.h -- criteria sets and how a unit is scored against them (issue 13, "Assessment").
 *
 * A province assesses every commune (or department) each year by a criteria set: groups of
 * criteria with their points, how each criterion is scored, the levels with their thresholds
 * and the conditions that block a level (research/assessment.md §1). Sets differ by province
 * and change by year, so a set is data: a JSON document, versioned in assess_sets (migration
 * 020). The published examples ship in data/assess/.
 *
 * The JSON of a set:
 *
 *   { "code": "dong-nai", "name": "...", "applies_to": "commune" | "department",
 *     "year": 2025, "source": "the decision it comes from",
 *     "groups": [ { "code": "I", "name": "...",
 *                   "criteria": [ { "code": "I.1", "name": "...", "max": 15,
 *                                   "kind": "score" | "bonus" | "penalty",   (default score)
 *                                   "guide": "what evidence shows it",
 *                                   "rule": RULE } ] } ],
 *     "levels": [ { "level": 4, "name": "4 sao", "min_total": 95, "min_pct_each": 50,
 *                   "min_pct_group": 50 } ],
 *     "blockers": [ { "code": "ky-luat", "name": "...", "from_level": 1,
 *                     "metric": "dossier.late_rate", "op": ">", "value": 5 } ] }
 *
 *   RULE is { "by": "entered" } (points entered with evidence, the default) or computed from a
 *   figure of the system (report/figures.h names them, e.g. "dossier.on_time_rate"):
 *     { "by": "bands", "metric": KEY, "bands": [[98, 20], [95, 15], [90, 10]] }
 *        the points of the first band whose threshold the figure reaches (>=), else 0; with
 *        "lower_better": true a band is reached when the figure is <= its threshold;
 *     { "by": "linear", "metric": KEY, "zero_at": 80, "full_at": 100 }
 *        0 points at zero_at, max at full_at, in proportion between (either direction);
 *     { "by": "count", "metric": KEY, "each": 0.5 }
 *        each occurrence earns "each" points, up to max (penalty: loses them).
 *   A computed criterion whose figure has no data (no dossiers, no ratings...) falls back to
 *   entered points, so the commune can still show it with evidence.
 *
 *   A bonus criterion adds to the total without adding to the maximum; a penalty subtracts
 *   (its points are entered or counted as positive numbers). A blocker without "metric" is a
 *   declared yes/no condition answered in the cycle (assessment_flags); with "metric" it holds
 *   when the figure compares to value by op (">", ">=", "<", "<="). A blocker that holds stops
 *   every level from from_level up.
 *
 *   A unit reaches the highest level whose min_total (points) its total reaches, where every
 *   scored criterion has at least min_pct_each percent of its max and every group at least
 *   min_pct_group percent of its scored criteria's max (0: no such rule), and which no blocker
 *   stops. The group rule is for a province's criterion (tiêu chí) split into parts the system
 *   computes: QĐ 25/2021's "each criterion at least 50 %" then holds for the criterion as the
 *   province wrote it, not for each part. Level 0 means none. A missing criterion (entered, no points yet) counts
 *   0 and is reported; a cycle with one missing cannot be submitted.
 *
 * Points are in tenths throughout (int, 925 = 92,5): sets allow halves and quarters are not
 * used; a figure is rounded to tenths the same way. */
#ifndef TT_ASSESS_H
#define TT_ASSESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../store/db.h"

#define ASSESS_MAX_ITEMS 200     /* criteria in one set */
#define ASSESS_MAX_LEVELS 10
#define ASSESS_MAX_BLOCKERS 20
#define ASSESS_MAX_BANDS 12

typedef enum { ASSESS_SCORE, ASSESS_BONUS, ASSESS_PENALTY } assess_kind;
typedef enum { ASSESS_BY_ENTERED, ASSESS_BY_BANDS, ASSESS_BY_LINEAR, ASSESS_BY_COUNT } assess_by;

typedef struct {
    const char *code, *name, *guide;
    const char *group;          /* the group's code */
    int max10;                  /* the criterion's points, tenths */
    assess_kind kind;
    assess_by by;
    const char *metric;         /* computed rules: the figure's key */
    bool lower_better;          /* bands */
    int nbands;
    double band_at[ASSESS_MAX_BANDS];
    int band_points10[ASSESS_MAX_BANDS];
    double zero_at, full_at;    /* linear */
    int each10;                 /* count */
} assess_criterion;

typedef struct {
    const char *code, *name;
    int first, count;           /* its criteria: items[first .. first + count) */
} assess_group;

typedef struct {
    int level;
    const char *name;
    int min_total10;
    int min_pct_each;           /* 0..100: of each scored criterion's max */
    int min_pct_group;          /* 0..100: of each group's scored max */
} assess_level;

typedef struct {
    const char *code, *name;
    int from_level;
    const char *metric;         /* NULL: declared in the cycle */
    char op[3];                 /* ">", ">=", "<", "<=" */
    double value;
} assess_blocker;

typedef struct {
    const char *code, *name, *applies_to, *source;
    int year;
    assess_group *groups;
    int ngroups;
    assess_criterion *items;
    int nitems;
    assess_level levels[ASSESS_MAX_LEVELS];   /* highest level first */
    int nlevels;
    assess_blocker blockers[ASSESS_MAX_BLOCKERS];
    int nblockers;
    int max_total10;            /* the sum of the scored criteria's max */
} assess_set;

/* Reads and checks a set from its JSON; the set lives in the arena. 422 with a Vietnamese
 * message naming the first problem (an unknown metric, points over max, a duplicate code,
 * levels that are not in order...). metric_known may be NULL (any key accepted). */
typedef bool (*assess_metric_known_fn)(const char *key);
int assess_set_parse(arena *a, const char *json, size_t len, assess_metric_known_fn metric_known,
                     assess_set *out, err *e);
int assess_set_from_json(arena *a, json_t *doc, assess_metric_known_fn metric_known, assess_set *out, err *e);
/* The set back as JSON (the canonical form stored in assess_sets.body). */
json_t *assess_set_to_json(const assess_set *s);
int assess_criterion_index(const assess_set *s, const char *code);   /* -1 when absent */

/* ---- scoring (pure) -------------------------------------------------------------------- */

/* A figure of the unit for the period: false when there is no data for it. */
typedef bool (*assess_metric_fn)(void *ctx, const char *key, double *value);

typedef struct {
    bool has_entered;           /* points entered (self or appraisal) for this criterion */
    int entered10;
} assess_input;

typedef struct {
    int points10;               /* what counts: entered if any, else computed */
    bool computed;              /* the points come from the figure */
    bool has_value;             /* the figure had data */
    double value;               /* the figure */
    bool missing;               /* entered criterion with nothing entered */
    bool below_min;             /* under the level's min_pct_each (for the reached level check) */
} assess_line;

typedef struct {
    assess_line lines[ASSESS_MAX_ITEMS];
    int total10;                /* score + bonus - penalty, never below 0 */
    int max_total10;
    int level;                  /* 0: none */
    int missing;                /* entered criteria with no points */
    int blocked_from;           /* lowest level a holding blocker stops (0: none) */
    bool blocker_holds[ASSESS_MAX_BLOCKERS];
    int next_level;             /* the level above, 0 when at the top */
    int to_next10;              /* points short of the next level's min_total (0 when at top) */
} assess_score_result;

/* The points one computed criterion earns for a figure (pure; tests call it directly). */
int assess_rule_points(const assess_criterion *c, double value);

/* Scores a unit: inputs[i] is what was entered for s->items[i] (NULL: nothing entered);
 * flags[k] the declared answer for s->blockers[k] (NULL: all no). When prefer_computed is
 * true a computed figure wins over entered points (the commune's self-assessment: figures
 * are not the commune's to change); otherwise entered points win (the appraiser's). */
void assess_score(const assess_set *s, const assess_input *inputs, const bool *flags, assess_metric_fn metric,
                  void *ctx, bool prefer_computed, assess_score_result *out);

/* "92,5" (points in tenths as printed; no trailing ",0"). */
const char *assess_points_text(arena *a, int points10);
/* Parses "92,5", "92.5", "92" into tenths; false on anything else or more than one decimal. */
bool assess_points_parse(const char *s, int *points10);

/* ---- stored sets ----------------------------------------------------------------------- */

/* Saves the JSON as a new draft version of (unit, code) (inside the caller's db_write): the
 * next version number, the canonical body. The new row id goes to *id. */
int assess_set_save_draft(db *d, int64_t unit_id, const assess_set *s, int64_t actor, int64_t now, int64_t *id,
                          err *e);
/* Publishes a draft (inside db_write); a published version of the same code and year retires. */
int assess_set_publish(db *d, int64_t set_id, int64_t actor, int64_t now, err *e);
/* Loads a stored version into the arena (404 when unknown). */
int assess_set_load(db *d, arena *a, int64_t set_id, assess_set *out, err *e);
/* The published set in force for a unit of that kind and year: the one of the unit's nearest
 * ancestor (its province) with the latest year not after the given one. 0 when none. */
int64_t assess_set_for(db *d, int64_t unit_id, const char *applies_to, int year);

/* The examples shipped in data/assess/ (embedded): their file names, NULL-terminated. */
const char *const *assess_example_files(void);

/* ==== sets: import and editing (sets_csv.c, sets_metrics.c, sets_web.c) ================ */

/* The figures a computed rule may name (the keys report/figures.h computes), each with its
 * Vietnamese label as a msgid ("tỷ lệ hồ sơ giải quyết đúng hạn") and whether it is a
 * percentage. The list ends with a NULL key. */
typedef struct {
    const char *key, *label;
    bool percent;
} assess_metric_info;
const assess_metric_info *assess_metrics(void);
const assess_metric_info *assess_metric_find(const char *key);   /* NULL when unknown */
bool assess_metric_known(const char *key);                         /* an assess_metric_known_fn */

/* A set as CSV, for officials who keep it in a spreadsheet (the format is described at the
 * top of sets_csv.c and on the import page). assess_set_from_csv reads it into the same set
 * JSON and checks it with assess_set_from_json: 422 naming the row or the criterion; pure (no
 * database), fuzzed by tests/fuzz/fuzz_criteria_csv.c. */
extern const char assess_csv_header[];   /* "row,group_code,...,guide" */
int assess_set_csv_to_json(const char *data, size_t len, json_t **doc, err *e);
int assess_set_from_csv(arena *a, const char *data, size_t len, assess_metric_known_fn metric_known,
                        assess_set *out, err *e);
/* The set as CSV (UTF-8 with a byte order mark, so spreadsheets read the diacritics). */
const char *assess_set_to_csv(arena *a, const assess_set *s, size_t *len);
/* A criterion's rule parameters as the CSV writes them: "98:30;95:20", "<=0:10;2:6" (lower is
 * better), "80-100" (linear), "0.5" (count); "" for entered. */
const char *assess_rule_params(arena *a, const assess_criterion *c);
/* Reads those parameters into a rule object for the set JSON ({"by": ..., ...}); NULL with a
 * Vietnamese reason in *why when they do not fit by. */
json_t *assess_rule_from_params(const char *by, const char *metric, const char *params, const char **why);
/* "97,5" from 97.5: a number as Vietnamese write it, up to 6 decimals, none when whole. */
const char *assess_number_text(arena *a, double v);
/* Parses "97,5", "97.5", "97" (rounded to 6 decimals); false on anything else. */
bool assess_number_parse(const char *s, double *v);

#endif
