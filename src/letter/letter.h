/* letter.h -- letters of care: thư xin lỗi, thư cảm ơn, thư chúc mừng, thư chia buồn
 * (seeds 000, 001 §1.6, 003; research/assessment.md §4).
 *
 * Where letters come from:
 *   - a dossier's result: the catalogue says which procedures propose which letter
 *     (catalog_letter_occasion: birth and marriage a congratulation, death a condolence);
 *     a unit that holds ceremonies gets a ceremony slot with a congratulation;
 *   - a late dossier's apology (dossier_apologize) proposes an apology letter;
 *   - staff write the rest: thanks for a contribution or for feedback that helped, a
 *     congratulation or condolence for another occasion.
 * The dossier events arrive through dossier_listen() inside the dossier's own transaction,
 * so a letter exists exactly when its event does. One event never yields two letters of the
 * same kind (a unique index on the event). Congratulation and condolence letters respect the
 * "do not send" choice recorded at intake; apologies are owed whatever the choice.
 *
 * A letter's life: proposed (its details may be edited and it may be printed, from the
 * unit's current template) -> delivered (how, by whom, when; its words are frozen and it
 * prints the same forever) or cancelled (with a reason). Delivered letters are what reports
 * count, by the day of delivery in Vietnam time.
 *
 * Words: per unit and occasion, a template of title, greeting, body and closing with {{name}}
 * placeholders (LETTER_VARS); a unit without its own uses its nearest ancestor's, else the
 * built-in default written in the warm register of the seeds. A template naming an unknown
 * placeholder is refused and nothing is saved. */
#ifndef TT_LETTER_H
#define TT_LETTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../dossier/dossier.h"
#include "../store/db.h"

/* ---- kinds and occasions --------------------------------------------------------------- */

/* The four kinds reports count, in report order. */
enum { LETTER_APOLOGY, LETTER_THANKS, LETTER_CONGRATULATION, LETTER_CONDOLENCE, LETTER_NKINDS };
extern const char *const letter_kinds[LETTER_NKINDS];   /* "apology", "thanks", "congratulation", "condolence" */
const char *letter_kind_label(const char *kind);        /* "Thư chúc mừng" (msgid); "" unknown */
int letter_kind_index(const char *kind);                /* -1 unknown */

/* What a letter is for; each occasion has its own template and belongs to one kind. */
typedef struct {
    const char *key;        /* "late", "contribution", "feedback", "birth", "marriage", "other_congratulation", "death" */
    const char *kind;       /* one of letter_kinds */
    const char *label;      /* Vietnamese msgid: "Chúc mừng khai sinh" */
    bool staff_written;     /* staff may write one by hand (all but "late", which only an apology makes) */
} letter_occasion;
extern const letter_occasion letter_occasions[];
extern const size_t letter_noccasions;
const letter_occasion *letter_occasion_find(const char *key);   /* NULL unknown */

/* How a letter reaches its recipient: key and label (Vietnamese msgid), in the order forms
 * list them: "ceremony", "home", "post", "electronic". */
#define LETTER_NMETHODS 4
extern const char *const letter_methods[LETTER_NMETHODS][2];

/* ---- words: templates and their placeholders (letter_template.c) -------------------------- */

/* The placeholders a template may use, in the order the editor lists them. */
enum {
    LV_RECIPIENT,    /* {{recipient}}     the addressee's full name */
    LV_RECIPIENT_TITLE, /* {{recipient_title}} "Ông" or "Bà" by their sex ("" unknown: printed "Ông/Bà") */
    LV_ADDRESS,      /* {{address}}       their address */
    LV_PERSON,       /* {{person}}        the newborn, the spouse, the deceased */
    LV_PERSON_TITLE, /* {{person_title}}  "Ông" or "Bà" for the person (the spouse, the deceased) */
    LV_EVENT_DATE,   /* {{event_date}}    "ngày 05 tháng 3 năm 2026" of the birth, marriage, death */
    LV_DETAIL,       /* {{detail}}        the contribution or feedback thanked; the reason of a delay */
    LV_CODE,         /* {{code}}          the dossier's code */
    LV_PROCEDURE,    /* {{procedure}}     the procedure's name */
    LV_RECEIVED,     /* {{received}}      when the dossier was received */
    LV_DUE,          /* {{due}}           the promised return date that was missed */
    LV_NEW_DUE,      /* {{new_due}}       the new promise */
    LV_UNIT,         /* {{unit}}          "Ủy ban nhân dân phường Phan Đình Phùng" */
    LV_PLACE,        /* {{place}}         "Phan Đình Phùng" (the place name of the date line) */
    LV_SIGNER,       /* {{signer}}        the signer's name */
    LV_SIGNER_TITLE, /* {{signer_title}}  "Chủ tịch Ủy ban nhân dân phường" */
    LV_DATE,         /* {{date}}          the letter's date, "ngày 23 tháng 11 năm 2026" */
    LETTER_NVARS
};
extern const char *const letter_var_names[LETTER_NVARS];
const char *letter_var_label(int var);                  /* Vietnamese msgid for the editor */

/* The words of a letter, as a template (placeholders) or rendered (values filled in).
 * body: paragraphs separated by a blank line; a paragraph whose first line starts with "# "
 * is a display line (centred, large, bold italic: "Trăm năm hạnh phúc"). */
typedef struct {
    const char *title;      /* "THƯ CHÚC MỪNG" (printed in capitals anyway) */
    const char *greeting;   /* "Kính gửi: Ông/Bà {{recipient}}" */
    const char *body;
    const char *closing;    /* "Trân trọng!" */
} letter_words;

/* The built-in default of an occasion (static strings); NULL for an unknown occasion. */
const letter_words *letter_default_words(const char *occasion);
/* The unit's template for the occasion: its own, else its nearest ancestor's, else the
 * default. *own (may be NULL) says whether it is the unit's own. -1 for an unknown occasion. */
int letter_template_get(db *d, arena *a, int64_t unit_id, const char *occasion, letter_words *out, bool *own);
/* Checks a template as typed: every field present (greeting and closing may be empty), at
 * most 200 characters for title and greeting, 6000 for the body, valid UTF-8 (stored NFC),
 * only known placeholders and at most LETTER_MAX_PLACEHOLDERS of them -- otherwise 400 with
 * e->field the offending field and a message naming the placeholder. out gets the cleaned
 * words. */
#define LETTER_MAX_PLACEHOLDERS 40
int letter_template_check(arena *a, const letter_words *in, letter_words *out, err *e);
/* A letter as filled in is at most LETTER_MAX_CHARS characters (about three pages): longer,
 * 422 and it is neither printed nor delivered. Checked on every rendering that prints or
 * freezes, so a template saved before the limits (or a parent's) cannot print wrong, and
 * printing stays linear in the number of letters. */
#define LETTER_MAX_CHARS 10000
int letter_words_check_length(const letter_words *w, err *e);
/* Checks and saves the unit's own template (audited, one transaction). */
int letter_template_save(db *d, arena *a, int64_t unit_id, const char *occasion, const letter_words *in,
                         int64_t actor_id, int64_t now, err *e);
/* Drops the unit's own template, so the ancestor's or the default applies again. */
int letter_template_reset(db *d, int64_t unit_id, const char *occasion, int64_t actor_id, int64_t now, err *e);
/* "Ông" for "male", "Bà" for "female", "" otherwise: how a letter names a person. */
const char *letter_title_of(const char *sex);
/* Blank titles become "Ông/Bà", as a form would print them: for the words shown or printed
 * before the sex is known (delivery refuses them where the wording uses them). */
void letter_titles_fallback(const char *values[LETTER_NVARS]);
/* Fills a template's placeholders (values[LETTER_NVARS], NULL = empty). */
letter_words letter_render_words(arena *a, const letter_words *tmpl, const char *const values[LETTER_NVARS]);

/* ---- letters (letter.c) ------------------------------------------------------------------- */

/* The dossier listener: registered by the program at start-up (dossier_listen). "done" of a
 * procedure with a letter occasion proposes a congratulation or condolence unless the
 * applicant declined; "apology" proposes an apology letter; "letters_declined" cancels the
 * dossier's congratulation and condolence letters not yet delivered. A repeat of an event
 * adds nothing. */
int letter_on_dossier_event(db *d, arena *a, const dossier_event *ev, err *e);

/* A letter's details as typed by staff (manual letters, and edits of proposed ones). */
typedef struct {
    int64_t unit_id;             /* create only: the sending unit */
    const char *occasion;        /* create only: a staff_written occasion */
    const char *dossier_code;    /* optional link to a dossier of the unit ("" none) */
    const char *recipient_name;  /* required, at most 200 characters */
    const char *recipient_address, *recipient_phone, *recipient_email;
    const char *person;          /* the newborn, spouse, deceased */
    const char *recipient_sex, *person_sex;   /* "male", "female" or "" (Ông or Bà in the words); NULL: not
                                                 given (an edit keeps the recorded one; a letter for a dossier
                                                 takes its applicant's) */
    const char *event_date;      /* "YYYY-MM-DD" or "DD/MM/YYYY", or "" */
    const char *detail;          /* what is thanked / the delay's reason; thanks require it */
    const char *signer_name, *signer_title;   /* "" = the unit's head */
    const char *ceremony_at;     /* "YYYY-MM-DDTHH:MM" (a datetime-local field) or "" */
} letter_input;

/* Creates a manual letter ('proposed'); 400 with e->field on bad input, 409 when the linked
 * dossier's applicant declined congratulation / condolence letters. */
int letter_create(db *d, arena *a, const letter_input *in, int64_t actor_id, int64_t now, int64_t *id, err *e);
/* Edits a proposed letter's details (not unit, occasion or dossier); 409 once delivered or
 * cancelled. */
int letter_update(db *d, arena *a, int64_t id, const letter_input *in, int64_t actor_id, int64_t now, err *e);

typedef struct {
    const char *method;          /* "ceremony", "home", "post", "electronic" */
    const char *delivered_on;    /* "YYYY-MM-DD" (default today), not in the future */
    const char *note;            /* who was there, what was said; optional */
    const char *postal_tracking; /* post: required */
    int64_t actor_id;            /* who delivered it (recorded with their name) */
    int64_t now;
} letter_delivery;

/* Records the delivery and freezes the words. "electronic" queues a "letter" message in the
 * notification outbox (e-mail and/or SMS to the recipient, with the link to their copy) and
 * needs an e-mail or phone on the letter. 409 unless proposed. */
int letter_deliver(db *d, arena *a, int64_t id, const letter_delivery *dl, err *e);
/* Cancels a proposed letter with a reason (required). */
int letter_cancel(db *d, arena *a, int64_t id, const char *reason, int64_t actor_id, int64_t now, err *e);

/* How many days after its event a unit's congratulation or condolence may still be handed
 * over (default 30); past it the proposal is "quá hạn trao" (letter_query's "stale"). The
 * setting takes the days as typed: 1 to 3660, else 400 (field "so_ngay"); audited. */
int letter_stale_days(db *d, int64_t unit_id);
int letter_set_stale_days(db *d, arena *a, int64_t unit_id, const char *days, int64_t actor_id, int64_t now, err *e);

/* Reading. The JSON of one letter: every column by name plus kind_label, occasion_label,
 * status_label, method_label, unit_name, *_text dates, url ("/thu/{id}"), pdf
 * ("/thu/{id}.pdf"), public_pdf ("/thu/x/{token}.pdf"), can_edit / can_deliver. */
json_t *letter_get(db *d, arena *a, int64_t id);        /* NULL when unknown */
int64_t letter_unit_of(db *d, int64_t id);              /* -1 when unknown */
int64_t letter_id_by_token(db *d, const char *token);   /* -1 when unknown */

typedef struct {
    int64_t unit_id;             /* the unit and every unit below it */
    bool unit_only;              /* the unit alone: a role that does not see the units below
                                    (account_role_sees_subtree), as one letter's page checks */
    const char *kind;            /* NULL or "" = any */
    const char *occasion;
    const char *status;          /* "proposed", "delivered", "cancelled"; "ceremony" = proposed with a ceremony slot;
                                    "stale" = proposed congratulations and condolences older than their unit's
                                    limit (units.letter_stale_days), which every other status leaves out */
    int64_t now;                 /* what "older" is measured from; 0 = the clock */
    const char *q;               /* recipient name (folded), dossier code */
    int64_t from, to;            /* created (or, for delivered, delivered) in [from, to); 0 = open */
    int limit, offset;
} letter_query;
json_t *letter_list(db *d, arena *a, const letter_query *q, int64_t *total);
/* The ids of the query's letters (batch printing), at most max. */
size_t letter_list_ids(db *d, arena *a, const letter_query *q, int64_t *ids, size_t max);

/* Counts of delivered letters of the unit and every unit below it in a year (Vietnam time):
 * out[k][0] the year, out[k][m] month m (1..12), k by letter_kinds. 0, or -1 for an unknown
 * unit. */
int letter_counts(db *d, int64_t unit_id, int year, int64_t out[LETTER_NKINDS][13]);
/* Congratulations and condolences that went stale (letter_query's "stale") in the year, by the
 * moment they went stale (event + the unit's limit, before now), still not handed over:
 * out[k] by letter_kinds. 0, or -1 for an unknown unit. */
int letter_stale_counts(db *d, int64_t unit_id, int year, int64_t now, int64_t out[LETTER_NKINDS]);
/* The same as JSON: {year, unit_code, unit_name, kinds: [{kind, label, total, months: [12]}],
 * total, stale: [{kind, label, total}] (congratulation, condolence), stale_total}. */
json_t *letter_counts_json(db *d, arena *a, int64_t unit_id, int year);

/* ---- printing (letter_pdf.c) ------------------------------------------------------------- */

/* One PDF of the letters in the given order, each starting on a new page, in the layout of an
 * official letter (national motto block, unit, place and date, title, greeting, body,
 * closing, signature block). Delivered letters print their frozen words; others the unit's
 * current template. 404 when an id is unknown; 0 ids is a 400. */
int letter_pdf(db *d, arena *a, const int64_t *ids, size_t n, buf *out, err *e);
/* The preview of a template as typed (the editor): rendered with sample values for the
 * unit, as a PDF. Bad placeholders: -1 with e filled as letter_template_check. */
int letter_preview_pdf(db *d, arena *a, int64_t unit_id, const char *occasion, const letter_words *tmpl, buf *out,
                       err *e);
/* The sample values the previews use (a made-up recipient), in a. */
void letter_sample_values(db *d, arena *a, int64_t unit_id, const char *values[LETTER_NVARS]);
/* The values of one letter (its recipient, dossier, unit, signer), in a; false when unknown. */
bool letter_values(db *d, arena *a, int64_t id, const char *values[LETTER_NVARS]);

/* The address citizens reach the site at, for the electronic copy's link; set by serve. */
void letter_set_public_url(const char *url);

/* ---- the demo ---------------------------------------------------------------------------- */

/* After the demo's history is written: proposes the letters its results and apologies would
 * have, writes some thanks letters, and delivers most letters older than a week (by the
 * means a commune uses), in one transaction of its own (letter_demo.c). Returns the number
 * of letters, or -1 with e filled. */
int letter_demo(db *d, arena *a, int64_t now, uint64_t seed, err *e);

/* ---- pages (letter_web.c) ----------------------------------------------------------------- */

struct req;
void page_letter_list(struct req *r);         /* GET  /thu                      */
void page_letter_new(struct req *r);          /* GET  /thu/moi                  */
void page_letter_create(struct req *r);       /* POST /thu                      */
void page_letter_show(struct req *r);         /* GET  /thu/{id}                 */
void page_letter_update(struct req *r);       /* POST /thu/{id}                 */
void page_letter_deliver(struct req *r);      /* POST /thu/{id}/trao            */
void page_letter_cancel(struct req *r);       /* POST /thu/{id}/huy             */
void page_letter_pdf(struct req *r);          /* GET  /thu/{id}.pdf             */
void page_letter_batch_pdf(struct req *r);    /* POST /thu/in (ids) or GET /thu/in.pdf?filters */
void page_letter_public_pdf(struct req *r);   /* GET  /thu/x/{token}.pdf (no account) */
void page_letter_templates(struct req *r);    /* GET  /thu/mau                  */
void page_letter_stale_days(struct req *r);   /* POST /thu/han-trao (leaders)   */
void page_letter_template_edit(struct req *r);    /* GET  /thu/mau/{occasion}   */
void page_letter_template_save(struct req *r);    /* POST /thu/mau/{occasion}   */
void page_letter_template_preview(struct req *r); /* POST /thu/mau/{occasion}/xem-truoc (JSON or PDF) */
void page_letter_template_reset(struct req *r);   /* POST /thu/mau/{occasion}/mac-dinh */
void page_letter_stats(struct req *r);        /* GET  /thu/thong-ke?nam=&don_vi= (HTML or JSON) */
int64_t scope_letter_param(struct req *r);    /* the unit of letter {id} */

/* The letters of each unit of the subtree of root_id for the period [from, to) (instants), one
 * row per unit that has any, in unit id order (letter_counts.c says what each count is).
 * 0, or -1 on a database error. */
typedef struct {
    int64_t unit_id;
    int64_t delivered[LETTER_NKINDS];   /* handed over in the period, by kind (letter_kinds order) */
    int64_t made, made_delivered;       /* made in the period, not cancelled; of which handed over */
} letter_unit_counts;
int letter_counts_by_unit(db *d, arena *a, int64_t root_id, int64_t from, int64_t to, letter_unit_counts **rows,
                          size_t *n);

#endif
