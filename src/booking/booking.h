/* booking.h -- placeholder face until the booking branch lands (replaced at merge). */
#ifndef TT_BOOKING_H
#define TT_BOOKING_H
#include <stdint.h>
#include "../core/err.h"
#include "../store/db.h"
typedef struct {
    int64_t id;
    int64_t unit_id;
    int64_t procedure_id;
    char code[16];
} booking_row;
int booking_find(db *d, const char *code, booking_row *out, err *e);
int booking_mark_used(db *d, int64_t booking_id, int64_t dossier_id, err *e);
#endif
