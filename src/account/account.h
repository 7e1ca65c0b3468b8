/* account.h -- units, hamlets, users, roles, sessions and the one scoping rule.
 *
 * Units form a tree (province -> district, where one remains -> commune; departments under
 * the province). A user belongs to one unit and has one role. Officers, specialists,
 * leaders and board members see their own unit; assessors and administrators see their unit
 * and every unit below it. account_can_access() is the only place that decides this; the
 * router calls it for every route that names a unit. */
#ifndef TT_ACCOUNT_H
#define TT_ACCOUNT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../kit/web.h"
#include "../store/db.h"
#include "unit.h"

typedef web_user account_user;   /* the signed-in user, as the page kit carries it */

#define ACCOUNT_MAX_FAILED_LOGINS 5
#define ACCOUNT_LOCK_SECONDS (15 * 60)
#define ACCOUNT_SESSION_SECONDS (12 * 3600)
#define ACCOUNT_HASH_SLOTS 4             /* argon2id checks at once, 64 MiB each */
#define ACCOUNT_HASH_WAIT_SECONDS 3      /* then "busy" */
#define ACCOUNT_ADDR_MAX_FAILED_LOGINS 30   /* per client address in ACCOUNT_ADDR_WINDOW */
#define ACCOUNT_ADDR_WINDOW (10 * 60)

bool account_role_valid(const char *role);
const char *account_role_label(const char *role);     /* Vietnamese msgid */
bool account_role_sees_subtree(const char *role);     /* assessor, admin */
bool account_role_edits_catalog(const char *role);    /* officer, leader, admin */

/* Users. The password is hashed with argon2id; the new user's id goes to *id. */
int account_user_add(db *d, const char *unit_code, const char *role, const char *username,
                     const char *full_name, const char *password, int64_t actor_id, int64_t *id,
                     err *e);
/* The same with a password already hashed (crypto_pwhash_str, argon2id): the demonstration
 * gives all its accounts one hash of the demo password instead of one argon2id run each. */
int account_user_add_hashed(db *d, const char *unit_code, const char *role, const char *username,
                            const char *full_name, const char *hash, int64_t actor_id, int64_t *id, err *e);
int account_user_set_active(db *d, int64_t user_id, bool active, int64_t actor_id, err *e);
json_t *account_users_list(db *d, const account_user *viewer);   /* the viewer's subtree */
json_t *account_user_get(db *d, int64_t user_id);                /* NULL when unknown */
/* The administrator's changes, checked and audited. Neither they nor locking may leave the
 * province without an active administrator (409). A changed role or unit ends the user's
 * sessions; a new password ends them too and lifts a lock from wrong guesses. */
int account_user_update(db *d, int64_t user_id, const char *unit_code, const char *role,
                        const char *full_name, int64_t actor_id, err *e);
int account_user_set_password(db *d, int64_t user_id, const char *password, int64_t actor_id, err *e);
json_t *account_unit_staff(db *d, int64_t unit_id);
int64_t account_user_unit(db *d, int64_t user_id);               /* -1 when unknown */
const char *account_user_name(db *d, arena *a, int64_t user_id);  /* full name; "" when unknown or 0 */

/* Sessions. On success *token is the new cookie value (arena string). account_login is
 * the three steps below in a row; the web handler runs them apart so that no database
 * connection is held while the password hash is checked. */
int account_login(db *d, arena *a, const char *username, const char *password, int64_t now,
                  char **token, err *e);
typedef struct {
    int64_t user_id;   /* 0: no such user (the check still runs, on a throwaway hash) */
    bool active;
    char hash[128];
} login_attempt;
int account_login_begin(db *d, const char *username, int64_t now, login_attempt *at, err *e);
bool account_password_ok(const login_attempt *at, const char *password);
int account_login_finish(db *d, arena *a, const login_attempt *at, bool verified, int64_t now,
                         char **token, err *e);
/* A slot for one password hash (account_hash_slot_take waits a few seconds, false when none
 * came free); every taken slot is given back. */
bool account_hash_slot_take(void);
void account_hash_slot_give(void);
account_user *account_session(db *d, arena *a, const char *token, int64_t now, char **csrf);
void account_logout(db *d, const char *token);

/* Scoping: may this user see or change this unit's staff pages and data? */
bool account_can_access(db *d, const account_user *u, int64_t unit_id);

/* Units. */
typedef struct {
    const char *code, *kind, *name, *parent_code, *address, *phone, *email, *desk_name,
        *desk_hours, *saturday_hours, *reception_place, *reception_hours;
    const char *agency_code;    /* mã định danh: the first part of dossier codes; "" = the unit's code */
    bool saturday_service;
    bool letter_ceremony;       /* congratulation letters are handed over at a ceremony at the office */
    const char *desk_phone;     /* the desk's telephone, printed on its forms; "" = the unit's phone */
} unit_fields;

int64_t account_unit_id(db *d, const char *code);                 /* -1 when unknown */
const char *account_unit_kind(db *d, arena *a, int64_t unit_id);  /* "province", "commune"...; "" when unknown */
json_t *account_unit_get(db *d, const char *code);                /* NULL when unknown */
json_t *account_unit_get_by_id(db *d, int64_t id);
json_t *account_units_list(db *d, const account_user *viewer);    /* NULL viewer: all */
/* The cookie that remembers the unit a visitor last opened (its code): "/", the catalogue
 * and booking open that unit when no ?don_vi= says otherwise. */
#define ACCOUNT_UNIT_COOKIE "don_vi"
int64_t account_default_unit(db *d);                              /* first commune; -1 if none */
int account_unit_save(db *d, const unit_fields *f, bool create, int64_t actor_id,
                      int64_t actor_unit, err *e);
/* Raw inserts inside the caller's transaction (the demo); DB_DONE or a DB_ error code. */
int account_leader_add(db *d, int64_t unit_id, const char *name, const char *title,
                       const char *phone, int sort);
int account_hamlet_add(db *d, int64_t unit_id, const char *name, int64_t households,
                       int64_t voters);
/* The same, checked and audited, for the administrator's forms: text as typed. */
int account_hamlet_create(db *d, int64_t unit_id, const char *name, const char *households,
                          const char *voters, int64_t actor_id, err *e);
int account_leader_create(db *d, int64_t unit_id, const char *name, const char *title,
                          const char *phone, int64_t actor_id, err *e);
/* Changes or removes a hamlet or leader of the unit (404 when it is not the unit's). */
int account_hamlet_update(db *d, int64_t unit_id, int64_t hamlet_id, const char *name,
                          const char *households, const char *voters, int64_t actor_id, err *e);
int account_hamlet_delete(db *d, int64_t unit_id, int64_t hamlet_id, int64_t actor_id, err *e);
int account_leader_update(db *d, int64_t unit_id, int64_t leader_id, const char *name,
                          const char *title, const char *phone, int64_t actor_id, err *e);
int account_leader_delete(db *d, int64_t unit_id, int64_t leader_id, int64_t actor_id, err *e);
/* The unit's head (its first leader): name and title ("Chủ tịch UBND phường"), "" when the
 * unit has no leader on record. For signatures. */
bool account_unit_head(db *d, arena *a, int64_t unit_id, const char **name, const char **title);
/* The unit hands congratulation letters over at a ceremony at the office. */
bool account_unit_wants_ceremony(db *d, int64_t unit_id);

/* Page handlers (account_web.c). */
struct req;
void page_home(struct req *r);
void page_unit(struct req *r);
void page_login_form(struct req *r);
void page_login(struct req *r);
void page_logout(struct req *r);
void page_unit_staff(struct req *r);
void page_admin_units(struct req *r);
void page_admin_unit_create(struct req *r);
void page_admin_unit_edit(struct req *r);
void page_admin_unit_update(struct req *r);
void page_admin_hamlet_create(struct req *r);
void page_admin_leader_create(struct req *r);
void page_admin_users(struct req *r);
void page_admin_user_create(struct req *r);
void page_admin_user_active(struct req *r);
void page_admin_user_edit(struct req *r);
void page_admin_user_update(struct req *r);
void page_admin_user_password(struct req *r);
void page_admin_hamlet_update(struct req *r);
void page_admin_hamlet_delete(struct req *r);
void page_admin_leader_update(struct req *r);
void page_admin_leader_delete(struct req *r);
int64_t scope_unit_param(struct req *r);      /* the {code} of the path */
int64_t scope_unit_form(struct req *r);       /* the don_vi field of the form */
int64_t scope_user_param(struct req *r);      /* the unit of user {id} */

#endif
