/* reception_impl.h -- helpers the files of src/reception share (not for other features). */
#ifndef TT_RECEPTION_IMPL_H
#define TT_RECEPTION_IMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../store/db.h"

/* -1 with e set (status, msgid, the field at fault or NULL). */
int rc_fail(err *e, int status, const char *msgid, const char *field);
/* s trimmed into *out: required (else missing, 400) and at most max characters. */
int rc_text(arena *a, const char *s, size_t max, bool required, const char *field, const char *missing,
            const char **out, err *e);
/* The index of key in a {key, label} table; -1 unknown. */
int rc_key(const char *const (*table)[2], size_t n, const char *key);
const char *rc_label(const char *const (*table)[2], size_t n, const char *key);
/* The audit row of a write; -1 with e set when it fails. detail is stolen. */
int rc_audit(db *c, int64_t now, int64_t actor, int64_t unit, const char *action, const char *entity, int64_t id,
             json_t *detail, err *e);
const char *rc_iso_day(arena *a, int64_t t);
const char *reception_weekday_label(int wd);   /* msgid: "Thứ Năm" */

static inline const char *json_get_str_r(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* The unit's names for printed documents (issuer, place, signer caption) as print.h wants. */
typedef struct {
    const char *name, *body, *parent, *place, *code;
    bool council;
} rc_unit;
bool rc_unit_get(db *d, arena *a, int64_t unit_id, rc_unit *out);

#endif
