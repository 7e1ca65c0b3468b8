/* survey.h -- surveys of the citizens' satisfaction (phiếu khảo sát, đánh giá mức độ hài lòng;
 * issue 12, research/assessment.md §2.1-2.2).
 *
 * A leader builds a survey for the unit: questions in sections, of four kinds (one choice,
 * several choices, a 1-5 scale, free text), a question shown only after a given answer to an
 * earlier one. A new survey starts from the SIPAS questionnaire (data/survey/sipas.tsv, a
 * versioned data file) unless the leader starts from nothing. Once opened, its questions are
 * frozen (answers keep their meaning); it is closed when the round ends.
 *
 * Answering, without an account:
 *   - the anonymous public link /ks/{key} (and its QR code): each visitor gets a fresh random
 *     token (libsodium), kept in a cookie and in the form, so one browser answers once;
 *   - printed codes: the leader prints a sheet of one-use codes (with QR codes), handed to
 *     respondents at the desk; /ks/{key}?ma=CODE answers with that code;
 *   - paper forms keyed in by an officer: the same form, channel "paper", with the code printed
 *     on the paper if it had one (so a paper form and its code answer once between them).
 * One answer per token: survey_responses.token is UNIQUE, so of concurrent posts with the same
 * token exactly one is saved and the others get 409 ("đã được trả lời").
 *
 * A hidden conditional question is never stored: the page shows every question (no script is
 * needed), marking a conditional one "(Chỉ trả lời nếu ...)", and survey_decode drops the answers
 * to questions whose condition does not hold.
 *
 * Results: counts per question (charts drawn on the server as SVG, survey_svg.c), the SIPAS
 * indices per element (survey_sipas), the QĐ 766 satisfaction figures of a unit and period
 * (survey_766), and an XLSX workbook (survey_xlsx.c). */
#ifndef TT_SURVEY_H
#define TT_SURVEY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../kit/web.h"
#include "../store/db.h"

/* ---- the questions and decoding an answer (survey_answer.c: pure, fuzzed) ------------------ */

enum { SQ_SINGLE, SQ_MULTI, SQ_SCALE, SQ_TEXT, SQ_NKINDS };
extern const char *const survey_kinds[SQ_NKINDS];   /* "single", "multi", "scale", "text" */
int survey_kind_index(const char *kind);             /* -1 unknown */
const char *survey_kind_label(int kind);             /* Vietnamese msgid */

#define SURVEY_MAX_OPTIONS 20
#define SURVEY_MAX_QUESTIONS 200
#define SURVEY_TEXT_MAX 2000     /* characters of a free-text answer */
#define SURVEY_SCALE_N 5
extern const char *const survey_scale_labels[SURVEY_SCALE_N];   /* "Rất không hài lòng" ... msgids */

typedef struct {
    int64_t id;               /* the form field is "q<id>" */
    const char *code;         /* "II.A.1", "C3" */
    const char *section;
    const char *text;
    const char *element;      /* SIPAS element key or "" */
    int kind;
    const char *options[SURVEY_MAX_OPTIONS];   /* single, multi */
    int noptions;
    bool required;
    const char *show_if_code; /* "" always shown */
    int show_if_option;       /* 1-based */
    int cond;                 /* index of the condition's question, -1 none (survey_def_link) */
} survey_question;

typedef struct {
    survey_question *q;
    size_t n;
} survey_def;

/* Resolves each show_if_code to an earlier question's index (cond). A condition naming no
 * earlier single or multi question, or an option it does not have, is refused (422). */
int survey_def_link(survey_def *def, err *e);

/* The number of choices of a question: its options, or 5 for a scale, 0 for text. */
int survey_question_choices(const survey_question *q);

typedef struct {
    int qi;             /* index into the def */
    int value;          /* option 1..n, score 1..5; 0 for text */
    const char *text;   /* text answers */
} survey_answer;

typedef struct {
    survey_answer *a;
    size_t n;
} survey_answers;

/* Decodes a posted form (fields "q<id>"; other names are ignored) into answers. Refuses (400)
 * a value that is not one of the question's choices, a second value for a one-answer question,
 * a question id the survey does not have, text that is not clean UTF-8 or longer than
 * SURVEY_TEXT_MAX (422, field set); drops answers to questions whose condition does not hold;
 * refuses a required shown question left blank and a form with no answer at all (422). */
int survey_decode(arena *a, const survey_def *def, const kv *form, survey_answers *out, err *e);
/* True when question i is shown given the answers (its condition holds, recursively). */
bool survey_shown(const survey_def *def, const survey_answers *ans, int i);

/* ---- questionnaire templates (data/survey/, TSV) ------------------------------------------- */

typedef struct {
    const char *key, *title, *from, *basis, *intro;
    survey_def def;
} survey_template;

/* Parses a template file (survey_template.c); -1 with e filled on a malformed line. */
int survey_template_parse(arena *a, const char *data, size_t len, survey_template *out, err *e);
/* The built-in SIPAS questionnaire (sipas.tsv). */
int survey_template_sipas(arena *a, survey_template *out, err *e);

/* ---- figures (survey_calc.c: pure) -------------------------------------------------------- */

/* The five SIPAS elements, in report order: key and label (msgid). */
#define SIPAS_NELEMENTS 5
extern const char *const sipas_elements[SIPAS_NELEMENTS][2];

/* One scale item's answers: counts[s] for score s = 1..5 (counts[0] unused). */
typedef struct {
    const char *code, *text, *element;
    int64_t counts[SURVEY_SCALE_N + 1];
} sipas_item;

typedef struct {
    int64_t valid;        /* answers 1..5 */
    double pct;           /* % of valid answers at 4 or 5 */
    double mean;          /* mean score 1..5 */
    bool has;             /* valid > 0 */
} sipas_figure;

typedef struct {
    sipas_figure item[SURVEY_MAX_QUESTIONS];
    sipas_figure element[SIPAS_NELEMENTS];   /* means of its items that have answers */
    sipas_figure overall;                    /* mean of the elements that have answers */
} sipas_result;

/* SIPAS as computed here (the formula is the notes' proposal, shown on the page beside the
 * figures; the official one is unconfirmed, see survey_calc.c):
 *   item index    = answers at 4 or 5 / answers 1..5 × 100%
 *   element index = mean of its items' indices (items without answers left out)
 *   SIPAS         = mean of the element indices (elements without answers left out)
 * and the same means of the mean scores. */
void survey_sipas(const sipas_item *items, size_t n, sipas_result *out);

/* QĐ 766/QĐ-TTg's satisfaction figures for a unit and a period. */
typedef struct {
    int64_t dossiers;          /* graded dossiers of the period (indicators.h) */
    int64_t dossiers_late;     /* of which late, resolved or still open */
    int64_t dossiers_unhappy;  /* with a dissatisfied rating or a PAKN about them */
    bool have_unhappy;         /* a source of dossiers_unhappy is wired */
    int64_t pakn;              /* PAKN within the unit's competence */
    int64_t pakn_on_time;      /* handled on or before time */
    int64_t pakn_unhappy;      /* answered "dissatisfied" or overdue */
    bool have_pakn;            /* a source of the PAKN counts is wired */
} s766_input;

typedef struct {
    double full_points, full_at;   /* from data/survey/qd766.tsv on the period's last day */
} s766_rules;

typedef struct {
    bool tthc_has, pakn_has;
    double late_pct, unhappy_pct;
    double tthc_pct;           /* 100% - (late % + unhappy %), at least 0 */
    double tthc_points;        /* full points at full_at % or more, else pct × points / full_at */
    double pakn_on_time_pct;   /* PAKN on time / PAKN */
    double pakn_happy_pct;     /* (PAKN - unhappy) / PAKN */
} s766_figures;

void survey_766(const s766_input *in, const s766_rules *rules, s766_figures *out);
/* The rules in force on day "YYYY-MM-DD" (data/survey/qd766.tsv). */
int survey_766_rules(const char *day, s766_rules *out, err *e);

/* Sources of the counts this feature does not own (dossier ratings, PAKN), wired by the server
 * at start: each fills what it knows and sets its have_ flag. */
typedef int (*survey_766_source_fn)(db *d, int64_t unit_id, int64_t from, int64_t to, s766_input *in);
void survey_add_766_source(survey_766_source_fn fn);

/* ---- storage (survey.c) --------------------------------------------------------------------- */

typedef struct {
    int64_t id, unit_id, created_at;
    const char *title, *intro, *template_key, *status, *public_key;
    const char *unit_name;
} survey_info;

/* A new survey of the unit, from template "sipas" or "" (empty); *id is its id. */
int survey_create(db *d, arena *a, int64_t unit_id, const char *title, const char *template_key, int64_t actor,
                  int64_t now, int64_t *id, err *e);
/* The survey and its questions (def may be NULL); 404 when there is none. */
int survey_load(db *d, arena *a, int64_t id, survey_info *info, survey_def *def, err *e);
/* The survey id of a public key; -1 when none. */
int64_t survey_by_key(db *d, const char *key);

typedef struct {
    const char *section, *kind, *text, *options, *show_if_code, *show_if_option;
    bool required;
} survey_question_in;
int survey_question_add(db *d, arena *a, int64_t survey_id, const survey_question_in *in, int64_t actor,
                        int64_t now, err *e);
int survey_question_delete(db *d, arena *a, int64_t survey_id, int64_t question_id, int64_t actor, int64_t now,
                           err *e);
/* The title and the introduction the public page shows (any status). */
int survey_info_update(db *d, arena *a, int64_t survey_id, const char *title, const char *intro, int64_t actor,
                       int64_t now, err *e);
/* Moves a question one place up (drafts only); 409 when it would come before its condition. */
int survey_question_move_up(db *d, int64_t survey_id, int64_t question_id, int64_t actor, int64_t now, err *e);
/* draft -> open -> closed (and closed -> open again); 409 otherwise. */
int survey_set_status(db *d, int64_t survey_id, const char *status, int64_t actor, int64_t now, err *e);
/* n (1..500) printed one-use codes; the new codes go to *codes. */
int survey_tokens_make(db *d, arena *a, int64_t survey_id, int n, int64_t now, const char ***codes, err *e);
/* The latest 300 codes not yet used (what is left to print), and the counts of all and used. */
json_t *survey_tokens_list(db *d, int64_t survey_id, int64_t *total, int64_t *used);
/* A fresh visitor token (32 hex characters) and whether a token looks like one of ours. */
const char *survey_visitor_token(arena *a);
bool survey_token_ok(const char *token);
bool survey_token_used(db *d, const char *token);
bool survey_token_printed(db *d, int64_t survey_id, const char *token);

typedef struct {
    const char *token;      /* visitor token, printed code, or NULL for a paper form without one */
    const char *channel;    /* "online" or "paper" */
    int64_t entered_by;     /* paper: the officer */
    int64_t answered_at;    /* paper: the date on the form; else now */
} survey_submit_in;
/* Saves one response. 409 when the token has answered already or the survey is not open
 * (paper forms may be keyed in after it closed); 404 when a printed code is unknown. */
int survey_submit(db *d, arena *a, int64_t survey_id, const survey_def *def, const survey_answers *ans,
                  const survey_submit_in *in, int64_t now, int64_t *response_id, err *e);

/* Counts for results: per question index, counts[choice] (1-based), and text answers. */
typedef struct {
    int64_t responses, online, paper;
    int64_t (*counts)[SURVEY_MAX_OPTIONS + 1];   /* def->n rows */
    int64_t *answered;                           /* responses that answered question i */
    json_t *texts;                               /* {code: [latest texts]} */
} survey_tally;
/* [from, to) instants; 0 = open end. */
int survey_count(db *d, arena *a, int64_t survey_id, const survey_def *def, int64_t from, int64_t to,
                 survey_tally *out, err *e);
/* The SIPAS items of every survey of the unit answered in [from, to), by question code. */
int survey_unit_items(db *d, arena *a, int64_t unit_id, int64_t from, int64_t to, sipas_item **items, size_t *n,
                      int64_t *responses, err *e);
json_t *survey_list(db *d, int64_t unit_id);

/* ---- drawing and export ------------------------------------------------------------------- */

/* A horizontal bar chart as inline SVG; every text is escaped. */
typedef struct {
    const char *label;
    int64_t count;
} svg_bar;
const char *survey_svg_bars(arena *a, const char *title, const svg_bar *bars, size_t n, int64_t total);
/* The workbook of a survey's results: Tổng hợp, SIPAS, Phiếu. */
int survey_xlsx(db *d, arena *a, const survey_info *info, const survey_def *def, const survey_tally *t,
                const sipas_result *sipas, const sipas_item *items, size_t nitems, int64_t from, int64_t to,
                buf *out, err *e);

/* The demo's surveys (survey_demo.c): a closed and an open SIPAS round of Phường Phan Đình
 * Phùng with answers online and on paper; the number of answers, or -1 with e filled. */
int survey_demo(db *d, arena *a, int64_t now, uint64_t seed, err *e);

/* ---- pages (survey_web.c) ----------------------------------------------------------------- */

struct req;
int64_t scope_survey_param(struct req *r);
void page_survey_list(struct req *r);
void page_survey_create(struct req *r);
void page_survey_show(struct req *r);
void page_survey_question_add(struct req *r);
void page_survey_question_delete(struct req *r);
void page_survey_question_up(struct req *r);
void page_survey_info(struct req *r);
void page_survey_status(struct req *r);
void page_survey_tokens(struct req *r);
void page_survey_tokens_make(struct req *r);
void page_survey_paper_form(struct req *r);
void page_survey_paper(struct req *r);
void page_survey_results(struct req *r);
void page_survey_results_xlsx(struct req *r);
void page_survey_index(struct req *r);
void page_survey_public(struct req *r);
void page_survey_answer(struct req *r);

#endif
