/* audit.h -- the append-only, hash-chained log of every change made by staff.
 *
 * Each row's hash is SHA-256 over the previous row's hash and the row's own fields, so
 * changing, deleting or reordering any row breaks every hash after it. audit_append() must
 * be called inside the write of the change it records (the db_write function, on the
 * connection it is given): the change and its record commit together or not at all, and the
 * writer's one transaction at a time keeps the chain in order.
 *
 * The chain alone cannot show that its last rows were deleted, and anyone who can write the
 * database can recompute it. So its head is anchored outside the database: the server reads
 * a secret key from a file (created, mode 0600, when missing) and, at least every minute when
 * the head moved and once at shutdown, appends a checkpoint -- the head's id and hash with an
 * HMAC under that key (libsodium crypto_auth) -- to an append-only file. Verification with the
 * key fails when any row a checkpoint covered was removed (the last ones included), when the
 * log was rewritten, or when a checkpoint line was forged. By default both files sit next to
 * the database (<db>.audit-key, <db>.audit-log); in production put them on another disk,
 * owned by another user (serve --audit-key, --audit-log). */
#ifndef TT_AUDIT_H
#define TT_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <limits.h>
#include <stdint.h>

#include "../core/err.h"
#include "../store/db.h"

/* detail is stolen; actor 0 means no account: the command line, or a citizen (the detail
 * says so, as for a cancelled booking). Returns 0 or -1. */
int audit_append(db *d, int64_t now, int64_t actor_id, int64_t unit_id, const char *action,
                 const char *entity, int64_t entity_id, json_t *detail);

/* 0 when the chain holds (and, when the anchor is open in this process, its checkpoints);
 * otherwise the id of the first broken row, or -1 for what no row shows (missing last rows,
 * a forged checkpoint), and why in *why. */
int64_t audit_verify(db *d, char *why, size_t whylen, int64_t *rows_checked);

typedef struct {
    const char *key_path, *log_path;   /* the checkpoints are checked when log_path exists */
    const char *expect_head;           /* "ID:HASH" or "HASH" recorded elsewhere: must be in the log */
} audit_check;
/* As audit_verify, with the files named; *head (96 bytes, may be NULL) is "ID:HASH" of the
 * last row, for the administrator to write down. */
int64_t audit_verify_with(db *d, const audit_check *c, char *why, size_t whylen, int64_t *rows_checked,
                          char head[96]);

/* The files' paths: the ones given, else <db_path>.audit-key and <db_path>.audit-log. */
void audit_default_paths(const char *db_path, const char *key_path, const char *log_path, char key_out[PATH_MAX],
                         char log_out[PATH_MAX]);
/* Reads the key (creating it when missing) for audit_checkpoint(); 0, or -1 with e filled. */
int audit_anchor_open(const char *db_path, const char *key_path, const char *log_path, err *e);
void audit_anchor_close(void);
/* Appends a checkpoint of the current head when it moved since the last one: 1 written,
 * 0 nothing to write (or no anchor open), -1 when the file could not be written. */
int audit_checkpoint(db *d, int64_t now);

/* The latest rows, newest first: of scope_unit and the units below it (0: every unit), with
 * the rows of no unit (the command line) when unitless; action "" for every action, else that
 * action or the actions under it ("user" takes "user.add", "user.update"...). */
json_t *audit_recent(db *d, int64_t scope_unit, bool unitless, const char *action, int limit);

struct req;
void page_audit(struct req *r);

#endif
