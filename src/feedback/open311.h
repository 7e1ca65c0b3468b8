/* open311.h -- the Open311 GeoReport v2 API at /open311/v2/ (wiki.open311.org/GeoReport_v2):
 * existing reporting apps list the services (one per feedback kind, table open311_services),
 * file feedback with a key issued to them, and follow it.
 *
 *   GET  /open311/discovery.{json|xml}           the service discovery document (also under v2/)
 *   GET  /open311/v2/services.{fmt}              services (jurisdiction_id optional)
 *   GET  /open311/v2/services/{code}.{fmt}       a service's attributes
 *   POST /open311/v2/requests.{fmt}              file a case (api_key required, rate-limited per key)
 *   GET  /open311/v2/requests.{fmt}              cases of a unit (jurisdiction_id required)
 *   GET  /open311/v2/requests/{code}.{fmt}       one case, by its code
 *   GET  /open311/v2/tokens/{token}.{fmt}        a batch service's token -> the case's code
 *
 * jurisdiction_id is a unit's code (05443). service_request_id is the case's code
 * (05443-PA261204-001), the one the citizen tracks on the site. expected_datetime is the legal
 * deadline running now (feedback's clock: acceptance or resolution, as the kind's rule says; for a
 * closed case the resolution deadline it had), status_notes where the case stands and, past that
 * deadline, that it is overdue and the officers' last written reason. Datetimes are W3C, +07:00.
 *
 * Errors are the spec's array of {code, description} (<errors><error>), in the format asked
 * for (XML when the format itself is unreadable): 400 missing or invalid input, 403 missing,
 * unknown or revoked api_key, 404 unknown jurisdiction, service, request or token, 429 too
 * many requests from one key (OPEN311_POSTS_PER_WINDOW per OPEN311_WINDOW seconds).
 *
 * Keys: only a hash of each key is stored (libsodium crypto_generichash); the key is printed
 * once, by `thanthien api-key add`. The handlers run without a session or CSRF token (the key
 * is the credential; route flag in routes.c). */
#ifndef TT_OPEN311_H
#define TT_OPEN311_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../store/db.h"

#define OPEN311_WINDOW 600            /* seconds */
#define OPEN311_POSTS_PER_WINDOW 20   /* POSTs per key in that window */
#define OPEN311_KEY_PREFIX "tt311_"
#define OPEN311_KEY_LEN 49            /* "tt311_" + 43 characters of base64url (32 random bytes) */

/* ---- keys (the command line) ---- */

/* Issues a key to the app name for the unit: key (printed once, never stored) and its id.
 * 0, or -1 with e (404 unknown unit, 400 bad name). Audited as "api_key.add". */
int open311_key_add(db *d, const char *unit_code, const char *name, int64_t now, char key[OPEN311_KEY_LEN + 1],
                    int64_t *id, err *e);
/* Revokes key id: 0, or -1 with e (404 unknown, 409 already revoked). Audited. */
int open311_key_revoke(db *d, int64_t id, int64_t now, err *e);
/* [{id, unit, name, prefix, created_at, revoked_at}] of the unit (NULL: all), oldest first. */
json_t *open311_key_list(db *d, const char *unit_code);
/* The key's id, unit and app name (in a) when it is in use; -1 otherwise. */
int64_t open311_key_check(db *d, arena *a, const char *key, int64_t *unit_id, const char **name);

/* ---- pages ---- */
struct req;
void api_open311_discovery(struct req *r);
void api_open311_services(struct req *r);
void api_open311_service(struct req *r);
void api_open311_requests(struct req *r);
void api_open311_create(struct req *r);
void api_open311_request(struct req *r);
void api_open311_token(struct req *r);
void api_open311_unknown(struct req *r);   /* any other /open311/v2/ address: 404 in the spec's shape */
void open311_reset_limits(void);
/* The server's own refusals under /open311/ (web_error_shape): the spec's error array, JSON
 * when the path ends in .json, else XML. */
void open311_web_error(struct req *r, int status, const char *msgid);

#endif
