/* letter_impl.h -- inside src/letter only: the writes of letter.c without their transaction
 * and audit row, for the demo (letter_demo.c), which writes history inside its own
 * transaction and, like the demo's dossiers, audits nothing. */
#ifndef TT_LETTER_IMPL_H
#define TT_LETTER_IMPL_H

#include "letter.h"

/* Checks and inserts a staff-written letter ('proposed'); its id, or -1 with e filled. */
int64_t letter_insert(db *d, arena *a, const letter_input *in, int64_t actor_id, int64_t now, err *e);

/* Marks a proposed letter delivered at `at` by `method` and freezes its words; "electronic"
 * queues its message. 0, or -1 with e filled. */
int letter_record_delivery(db *d, arena *a, int64_t id, int64_t unit_id, const char *occasion, const char *method,
                           int64_t at, const letter_delivery *dl, err *e);

/* The sending unit as a letter names it (letter_pdf.c, which prints the same names in the
 * header): *words "Ủy ban nhân dân phường Phan Đình Phùng" ({{unit}}; a department by its own
 * name), *place "Phan Đình Phùng" ({{place}}: the name without its kind, "Đặc khu " too; a
 * department dates its letters at its province's seat). In a; false for an unknown unit. */
bool letter_unit_words(db *d, arena *a, int64_t unit_id, const char **words, const char **place);

/* Adds the unit's header lines as printed that day to a delivered letter's frozen JSON
 * ("header", "parent", "place", "council"), so it reprints the same after a renaming. */
bool letter_unit_freeze(db *d, arena *a, int64_t unit_id, json_t *frozen);

#endif
