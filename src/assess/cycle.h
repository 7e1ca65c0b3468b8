/* cycle.h -- the yearly assessment cycle of a commune or department (issue 13): the
 * self-assessment, its sign-off, the province's appraisal, the correction loop and the
 * recognition decision. Tables of migration 020 (assessments, assessment_items,
 * assessment_flags, assessment_evidence) and 023 (the reason for a lower level).
 *
 * A cycle's life, one per unit and year, by the criteria set in force for it (assess.h):
 *
 *   draft --sign-off (the unit's leader)--> submitted --return (assessor, a reason)--> returned
 *   returned --sign-off--> submitted (rounds + 1) ... submitted --recognise (assessor)--> recognised
 *
 * While draft or returned the commune enters points and notes for the criteria the system
 * cannot compute, answers the declared blockers and attaches evidence; the computed criteria
 * are filled from the unit's figures for the year (the figures source, cycle_set_figures) and
 * refreshed each time the cycle is read in those states, then frozen at the sign-off. A
 * submitted or recognised cycle refuses every change of the commune (409); only the assessor
 * writes points and comments then. A cycle with a criterion still missing cannot be signed off
 * (422 naming it). Every step is audited ("assessment.open", ".save", ".evidence", ".submit"
 * with the leader's name, ".appraise", ".return", ".recognise").
 *
 * Scores: the commune's view scores with prefer_computed (figures are not the commune's to
 * change); the appraisal scores with the assessor's points first, then the commune's where the
 * assessor entered none, then the figures. The recognised level is never above what the
 * appraisal score reaches; a lower one needs a reason. */
#ifndef TT_CYCLE_H
#define TT_CYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../store/db.h"
#include "assess.h"

/* ---- the province's view (H4's reports read it) ---------------------------------------- */

typedef struct {
    int64_t unit_id;
    const char *code, *name, *kind;   /* kind: "commune" or "department" */
    int64_t assessment_id;            /* 0: no cycle that year */
    const char *status;               /* "", "draft", "submitted", "returned", "recognised" */
    int proposed_level;               /* -1: none proposed yet */
    int recognised_level;             /* -1: not recognised (0: recognised at no level) */
    int self_total10;                 /* the commune's total now (tenths); -1 without a cycle */
    int appraised_total10;            /* the appraisal's total; -1 before any appraisal */
    int level;                        /* the level the current score reaches (recognised: the
                                         appraisal's; otherwise the self-assessment's); 0 none */
    int next_level;                   /* the level above it (0: at the top, or no set) */
    int to_next10;                    /* points short of next_level's minimum (tenths) */
    int rounds;                       /* times submitted */
} cycle_level;

/* Every commune and department in scope_unit's subtree (the unit itself included when it is
 * one), by code, with its cycle of that year. Scores come from what is stored (no figures are
 * computed here, so a province-wide call stays cheap); a unit without a cycle has level 0 and
 * the lowest level of the set in force as its next (0 when no set is published for it).
 * *rows live in the arena. 0, or -1 with e. */
int cycle_levels(db *d, arena *a, int64_t scope_unit, int year, cycle_level **rows, size_t *n, err *e);

/* How many cycles of any year in scope_unit's subtree are in that status (the dashboard's
 * "waiting for appraisal" and "returned for correction"). */
int64_t cycle_count(db *d, int64_t scope_unit, const char *status);

/* ---- figures ------------------------------------------------------------------------------ */

/* Where computed criteria get their figures: prepares, for the unit and calendar year, a
 * metric callback and its context (in the arena). 0, or -1 when the figures cannot be had.
 * Wired once at start-up (routes_init) with report/figures.h; without a source every computed
 * criterion falls back to entered points. */
typedef int (*cycle_figures_fn)(db *d, arena *a, int64_t unit_id, int year, int64_t now, assess_metric_fn *fn,
                                void **ctx);
void cycle_set_figures(cycle_figures_fn fn);

/* The page that shows the records behind a metric for a unit and year ("/chi-so?don_vi=..."),
 * or NULL when none is known; overseer: for the province's assessors and administrators,
 * who read the unit's register of receptions through the province's view instead. */
const char *cycle_metric_link(arena *a, const char *metric, const char *unit_code, int year, bool overseer);

/* ---- one cycle ---------------------------------------------------------------------------- */

typedef struct {
    int64_t id;
    const char *kind;        /* "file" or "link" */
    const char *title, *url, *mime;
    int64_t size;
    const char *added_by_name;
    int64_t added_at;
} cycle_evidence;

typedef struct {
    bool has_value;          /* the stored figure (computed_value10 / 10) */
    double value;
    bool has_self;
    int self10;
    const char *self_note;
    bool has_appraised;
    int appraised10;
    const char *comment;
    cycle_evidence *evidence;
    int nevidence;
} cycle_item;

typedef struct {
    int64_t id, unit_id, set_id;
    int year;
    const char *unit_code, *unit_name, *unit_kind;
    const char *status;
    int proposed_level;      /* -1 none */
    int self_total10;        /* as submitted; -1 none */
    int64_t signed_by;
    const char *signed_name;
    int64_t submitted_at;
    int rounds;
    int64_t returned_at;
    const char *return_reason;
    int64_t appraised_by;
    const char *appraised_name;
    int appraised_total10;   /* -1 none */
    int recognised_level;    /* -1 none */
    int64_t recognised_at;
    const char *decision_no, *decision_date;   /* "YYYY-MM-DD" */
    const char *level_reason;
    int64_t created_at;
    assess_set set;
    cycle_item *items;       /* set.nitems */
    bool flags[ASSESS_MAX_BLOCKERS];
    const char *flag_notes[ASSESS_MAX_BLOCKERS];
    assess_score_result self;       /* the commune's view (prefer_computed) */
    assess_score_result appraisal;  /* the assessor's view */
} cycle;

bool cycle_editable(const cycle *c);   /* draft or returned: the commune may change it */

/* The cycle of the unit and year; 0 when none. */
int64_t cycle_find(db *d, int64_t unit_id, int year);
/* The unit a cycle belongs to; -1 when unknown. */
int64_t cycle_unit_of(db *d, int64_t id);
/* The years the unit has cycles for, newest first, as ids and years (arena). */
int cycle_years(db *d, arena *a, int64_t unit_id, int64_t **ids, int **years, size_t *n);

/* Opens the unit's cycle of the year by the set in force (409 when none is published; 200 and
 * the existing id when it is open already), every criterion a line, the computed ones filled. */
int cycle_open(db *d, arena *a, int64_t unit_id, int year, int64_t actor, int64_t now, int64_t *id, err *e);

/* Reads a cycle with its set, lines, evidence and both scores; draft or returned cycles get
 * their figures refreshed first (a write). 404 when unknown. */
int cycle_get(db *d, arena *a, int64_t id, int64_t now, cycle **out, err *e);

/* What the commune enters for one criterion: points as typed ("12,5"; "" = none) and a note;
 * NULL keeps what the line had. */
typedef struct {
    const char *criterion;
    const char *points;
    const char *note;
} cycle_entry;
/* What is declared for one blocker ("1" holds). */
typedef struct {
    const char *blocker;
    bool holds;
    const char *note;
} cycle_declared;

/* Saves the commune's points, notes and declared blockers (draft or returned, else 409;
 * points that do not parse or exceed the criterion's max: 422 naming the criterion; an unknown
 * criterion: 422). Criteria not named keep what they had. */
int cycle_save_self(db *d, arena *a, int64_t id, const cycle_entry *lines, size_t n, const cycle_declared *flags,
                    size_t nflags, int64_t actor, int64_t now, err *e);

#define CYCLE_FILE_MAX (5 * 1024 * 1024)   /* one evidence file */
#define CYCLE_FILES_MAX 20                 /* evidence items per criterion */

/* Attaches evidence to a criterion (draft or returned): a file (PDF, JPEG or PNG, checked by
 * its content; 415 otherwise, 413 over CYCLE_FILE_MAX) or a link (http or https; 422). */
int cycle_add_evidence(db *d, int64_t id, const char *criterion, const char *title, const char *url,
                       const unsigned char *data, size_t len, int64_t actor, int64_t now, int64_t *eid, err *e);
int cycle_remove_evidence(db *d, int64_t id, int64_t eid, int64_t actor, int64_t now, err *e);
/* An evidence file's bytes (decoded, arena); 404 when not a file of this cycle. */
int cycle_evidence_file(db *d, arena *a, int64_t id, int64_t eid, const char **mime, const char **title,
                        unsigned char **data, size_t *len, err *e);

/* The chairman's sign-off: submits and locks the cycle (draft or returned; 409 otherwise).
 * proposed_level is what the commune proposes, never above what its score reaches (422);
 * every criterion must have points (422 naming the first missing). The signer must be a
 * leader of the unit (403). Figures are frozen as they stand. */
int cycle_submit(db *d, arena *a, int64_t id, int proposed_level, int64_t signer, int64_t now, err *e);

/* The assessor's points and comments (submitted only; 409 otherwise). */
int cycle_save_appraisal(db *d, arena *a, int64_t id, const cycle_entry *lines, size_t n, int64_t actor,
                         int64_t now, err *e);
/* Back to the commune for correction with a reason (submitted only; 422 without a reason). */
int cycle_return(db *d, int64_t id, const char *reason, int64_t actor, int64_t now, err *e);

typedef struct {
    int level;                 /* -1: the level the appraisal score reaches */
    const char *reason;        /* required when level is below it */
    const char *decision_no;   /* "125/QĐ-UBND" */
    const char *decision_date; /* dd/mm/yyyy or yyyy-mm-dd */
} cycle_recognition;
/* Recognises the cycle (submitted only): the appraisal total and level, the decision. */
int cycle_recognise(db *d, arena *a, int64_t id, const cycle_recognition *rec, int64_t actor, int64_t now, err *e);

/* ---- printed documents (cycle_pdf.c) ------------------------------------------------------ */

/* Bảng tự chấm điểm: criteria, max, self points, evidence notes; the appraisal column once
 * appraised. Appended to out. */
int cycle_pdf_table(db *d, arena *a, int64_t id, int64_t now, buf *out, err *e);
/* The recognition decision of the province's chairman (recognised only; 409 otherwise). */
int cycle_pdf_decision(db *d, arena *a, int64_t id, int64_t now, buf *out, err *e);

/* ---- the demo (cycle_demo.c) ------------------------------------------------------------- */

/* Publishes a set for the province when none is (the shipped example criteria-hai-duong.json
 * or criteria-demo.json) and gives the communes cycles in every state: draft, submitted,
 * returned and recognised, with earlier years recognised. Without audit rows (history). */
int cycle_demo(db *d, int64_t province_id, int64_t now, uint64_t seed, err *e);

/* ---- pages (cycle_web.c) ------------------------------------------------------------------ */
struct req;
void page_cycle_home(struct req *r);        /* GET  /tu-danh-gia?don_vi=&nam= */
void page_cycle_open(struct req *r);        /* POST /tu-danh-gia */
void page_cycle_show(struct req *r);        /* GET  /tu-danh-gia/{id} */
void page_cycle_action(struct req *r);      /* POST /tu-danh-gia/{id}/{action} */
void page_cycle_evidence(struct req *r);    /* GET  /tu-danh-gia/{id}/minh-chung/{eid} */
void page_cycle_evidence_remove(struct req *r);   /* POST /tu-danh-gia/{id}/minh-chung/{eid}/xoa */
void page_cycle_table_pdf(struct req *r);   /* GET  /tu-danh-gia/{id}/bang-diem.pdf */
void page_cycle_decision_pdf(struct req *r);   /* GET /tu-danh-gia/{id}/quyet-dinh.pdf */
void page_cycle_list(struct req *r);        /* GET  /tham-dinh?nam= */
int64_t scope_cycle_param(struct req *r);   /* the unit of cycle {id} */

#endif
