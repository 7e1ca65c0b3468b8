/* audit.h -- the append-only, hash-chained log of every change made by staff.
 *
 * Each row's hash is SHA-256 over the previous row's hash and the row's own fields, so
 * changing, deleting or reordering any row breaks every hash after it. audit_append() must
 * be called inside the write transaction of the change it records: the change and its
 * record commit together or not at all. */
#ifndef TT_AUDIT_H
#define TT_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "../store/db.h"

/* detail is stolen; actor 0 means the command line. Returns 0 or -1. */
int audit_append(db *d, int64_t now, int64_t actor_id, int64_t unit_id, const char *action,
                 const char *entity, int64_t entity_id, json_t *detail);

/* 0 when the chain holds; otherwise the id of the first broken row (and why in *why). */
int64_t audit_verify(db *d, char *why, size_t whylen, int64_t *rows_checked);

json_t *audit_recent(db *d, int64_t unit_id, int limit);   /* unit_id 0: all */

struct req;
void page_audit(struct req *r);

#endif
