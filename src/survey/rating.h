/* rating.h -- a rating for every dossier (đánh giá mức độ hài lòng về việc giải quyết hồ sơ),
 * the way the public-service portals take it (research/assessment.md §3).
 *
 * After the result (a dossier done or returned) the citizen rates it once: on the tracking
 * page or by the link in the result message (code + lookup secret), on the desk's tablet
 * (the kiosk page, under the desk officer's session), or on the paper slip an officer keys in
 * later. Four levels, data with an effective date (table rating_levels, migration 014): Rất
 * hài lòng, Hài lòng, Bình thường, Không hài lòng. "Không hài lòng" needs a reason and opens
 * a follow-up "chờ lãnh đạo trả lời" that a leader answers (audited); the citizen reads the
 * answer on the rating page.
 *
 * One rating per dossier: the table's UNIQUE dossier_id refuses a second one (409), also
 * when two arrive at once. A rating names the unit that received the dossier and the
 * official who recorded its result (as the indicators do), so the figures -- counts per
 * level and the satisfied share, (rất hài lòng + hài lòng) / all -- are per unit and per
 * official for any period. A dossier rated "không hài lòng" is one the satisfaction ratio of
 * QĐ 766/QĐ-TTg counts against (assessment.md §2.2). */
#ifndef TT_RATING_H
#define TT_RATING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/calendar.h"
#include "../core/err.h"
#include "../dossier/dossier.h"
#include "../store/db.h"

#define RATING_REASON_MAX 2000    /* characters of a reason or a leader's answer */

typedef struct {
    const char *code;             /* very_satisfied, satisfied, neutral, dissatisfied */
    const char *label;            /* Vietnamese, as the portals print it */
    int score;                    /* 4 best .. 1 worst */
    bool satisfied;               /* counts in the satisfied share */
    bool reason_required;         /* needs a reason; opens a follow-up for the leader */
} rating_level;

/* The levels in force on a local day, best first; how many (at most 8), in a. */
int rating_levels(db *d, arena *a, cal_day day, rating_level *out, int max);
/* The levels as a view model: [{code, label, reason_required, checked}] (checked: == chosen). */
json_t *rating_levels_json(db *d, arena *a, cal_day day, const char *chosen);

typedef struct {
    const char *level;            /* a level's code */
    const char *reason;           /* required for a level that requires it */
    const char *channel;          /* "web", "message", "kiosk", "paper" */
    int64_t entered_by;           /* the officer (kiosk, paper); 0 for a citizen */
    int64_t rated_at;             /* when the citizen rated: now, or the paper slip's day */
    int64_t now;
} rating_input;

/* Saves the rating of a dossier looked up by the caller (dossier_handled_get, with the
 * secret for citizens; the caller checks a staff member's unit). 409 when the dossier has no
 * result yet or was already rated, 422 for a missing reason, 400 for a bad level; audited;
 * a level that requires a reason calls rating_open_feedback_hook in the same transaction.
 * *id_out: the new rating's id. */
int rating_submit(db *d, arena *a, const dossier_handled *h, const rating_input *in, int64_t *id_out, err *e);

/* Where a "không hài lòng" rating becomes a case of the feedback feature (feedback_intake, an
 * anonymous góp ý about the dossier, source "rating:ID"). Runs inside rating_submit's write,
 * on its connection c, after the rating's row: its failure (-1 with e filled) rolls the rating
 * back. The rating itself waits for the leader's answer too ("chờ lãnh đạo trả lời"). */
typedef struct {
    int64_t rating_id, dossier_id, unit_id, official_id;
    const char *dossier_code, *procedure_name, *level_label, *reason;
    int64_t at;
} rating_feedback;
int rating_open_feedback_hook(db *c, arena *a, const rating_feedback *f, err *e);

/* Its feedback case answered by an officer (feedback_on_answered, wired by the server): a rating
 * "rating:ID" still waiting takes the same answer; any other source, or a rating already
 * answered, is left as it is. Inside the answer's write. */
int rating_feedback_answered(db *d, const char *source_ref, const char *answer, int64_t user_id, int64_t now, err *e);

/* The dossier's rating as a view model, NULL when it has none: level, label, reason,
 * channel_label, rated_text, follow_status, follow_label, answer, answered_text. */
json_t *rating_of_dossier(db *d, arena *a, int64_t dossier_id);

/* The leader's answer to a rating that awaits one; audited. 404 unknown, 409 not awaiting
 * (already answered, or a rating without a follow-up), 422 blank or too long. */
int rating_answer(db *d, arena *a, int64_t rating_id, const char *answer, int64_t actor_id, int64_t now, err *e);

/* Ratings that need or had a leader's answer, for the unit: those awaiting (oldest first, at
 * most limit), then the RATING_ANSWERED_SHOWN latest answered ones. */
#define RATING_ANSWERED_SHOWN 20
json_t *rating_followups(db *d, arena *a, int64_t unit_id, int limit);
int64_t rating_awaiting_count(db *d, int64_t unit_id);

/* The figures for a period of local days [from, to]: the unit's total, by official, by level
 * and, for by_unit_ids (n of them, e.g. the units a viewer may see), one row per unit:
 * {unit, from, to, total:{...}, by_official:[...], by_unit:[...]}; each row has the count of
 * every level (counts.{code}), total, satisfied, satisfied_share (percent) and its text,
 * mean_score, and dissatisfied (the dossiers QĐ 766's ratio counts against). */
json_t *rating_figures(db *d, arena *a, int64_t unit_id, cal_day from, cal_day to, const int64_t *by_unit_ids,
                       size_t n);

/* What the kiosk's code field holds (rating_scan.c, pure): a code as printed (capitals, no
 * spaces), and the code and secret of a scanned tracking link "…/tra-cuu?ma=CODE&bm=SECRET",
 * which win over the typed ones. Strings in a. */
void rating_scan(arena *a, const char *typed, const char *typed_secret, const char **code, const char **secret);

/* The demonstration's ratings of the demo's returned dossiers, in one transaction of its own
 * (rating_demo.c): how many were made, or -1 with e filled. */
int rating_demo(db *d, arena *a, int64_t now, uint64_t seed, err *e);

/* The blank paper slip of a unit as an A4 PDF appended to out (rating_pdf.c): boxes for the
 * levels in force at now, the code and reason to write in, a QR code to base_url/danh-gia. */
int rating_slip_pdf(db *d, arena *a, int64_t unit_id, const char *base_url, int64_t now, buf *out, err *e);

/* Labels (Vietnamese msgids). */
const char *rating_channel_label(const char *channel);
const char *rating_follow_label(const char *status);

/* Pages (rating_web.c). */
struct req;
void page_rating_form(struct req *r);         /* GET  /danh-gia?ma=&bm=       citizen */
void page_rating_submit(struct req *r);       /* POST /danh-gia               citizen */
void page_rating_kiosk(struct req *r);        /* GET  /danh-gia/tai-quay      desk tablet */
void page_rating_kiosk_submit(struct req *r); /* POST /danh-gia/tai-quay */
void page_rating_paper(struct req *r);        /* GET  /danh-gia/phieu         officer keys in a slip */
void page_rating_paper_submit(struct req *r); /* POST /danh-gia/phieu */
void page_rating_slip_pdf(struct req *r);     /* GET  /danh-gia/phieu.pdf     the blank slip */
void page_rating_followups(struct req *r);    /* GET  /danh-gia/phan-hoi      leaders */
void page_rating_answer(struct req *r);       /* POST /danh-gia/{id}/tra-loi  leaders */
void page_rating_figures(struct req *r);      /* GET  /danh-gia/thong-ke      leaders */
void api_rating_figures(struct req *r);       /* GET  /api/v1/ratings/figures */
int64_t scope_rating_param(struct req *r);    /* {id}: the rating's unit */

/* The ratings given in [from, to] (local days) to the dossiers of each unit of the subtree of
 * root_id, one row per unit that has any, in unit id order (rating_counts.c): all of them, the
 * satisfied (rất hài lòng + hài lòng), the very satisfied, the dissatisfied (a level that needs
 * the leader's answer) and those of them the leader answered. 0, or -1 on a database error. */
typedef struct {
    int64_t unit_id, total, satisfied, very_satisfied, dissatisfied, answered;
} rating_unit_counts;
int rating_counts_by_unit(db *d, arena *a, int64_t root_id, cal_day from, cal_day to, rating_unit_counts **rows,
                          size_t *n);

#endif
