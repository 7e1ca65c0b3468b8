/* links.h -- one link builder per page that has a parameter in its path, in the spirit of
 * cgit's ui-shared.c: a page's address is spelled once, here, beside the route table
 * (server/routes.c), and every feature that links to the page (a list row, a redirect
 * after a save, a QR code) calls its builder instead of formatting the path itself. Codes
 * are percent-encoded; ids are record numbers. The strings live in the arena. Add a query
 * string with arena_printf(a, "%s?da_luu=1", link_...(a, ...)). */
#ifndef TT_LINKS_H
#define TT_LINKS_H

#include <stdint.h>

#include "../core/arena.h"

const char *link_unit(arena *a, const char *code);                     /* /don-vi/{code} */
const char *link_procedure(arena *a, int64_t id);                      /* /thu-tuc/{id} */
const char *link_dossier(arena *a, int64_t id);                        /* /ho-so/{id} */
const char *link_dossier_pdf(arena *a, int64_t id, const char *form);  /* /ho-so/{id}/{form}.pdf */
const char *link_booking(arena *a, const char *code);                  /* /dat-lich/{code} */
const char *link_booking_action(arena *a, const char *code, const char *action); /* /dat-lich/{code}/{action} */
const char *link_letter(arena *a, int64_t id);                         /* /thu/{id} */
const char *link_letter_pdf(arena *a, int64_t id);                     /* /thu/{id}.pdf */
const char *link_letter_template(arena *a, const char *occasion);      /* /thu/mau/{occasion} */
const char *link_admin_unit(arena *a, const char *code);               /* /quan-tri/don-vi/{code} */
const char *link_admin_user(arena *a, int64_t id);                     /* /quan-tri/nguoi-dung/{id} */
const char *link_rating(arena *a, const char *code, const char *secret); /* /danh-gia?ma={code}&bm={secret} */
const char *link_rating_answer(arena *a, int64_t id);                  /* /danh-gia/{id}/tra-loi */
const char *link_feedback(arena *a, int64_t id);                       /* /phan-anh/{id} */
const char *link_feedback_pdf(arena *a, int64_t id, int seq);          /* /phan-anh/{id}/van-ban/{seq}.pdf */
const char *link_letter_new(arena *a, const char *occasion);           /* /thu/moi?dip={occasion} */
const char *link_criteria_set(arena *a, int64_t id);                  /* /danh-gia/bo-tieu-chi/{id} */

#endif
