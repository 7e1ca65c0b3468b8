/* letter_template.c -- the units' own wording of letters (letter.h, "words"; table
 * letter_templates, migration 006). A unit without its own template for an occasion uses its
 * nearest ancestor's -- a province may word its letters once for all its communes -- else the
 * built-in default (letter_words.c). Saving checks the words first, so a template naming an
 * unknown placeholder never reaches the table. */
#include <string.h>

#include "../account/account.h"
#include "../audit/audit.h"
#include "letter.h"

int letter_template_get(db *d, arena *a, int64_t unit_id, const char *occasion, letter_words *out, bool *own)
{
    const letter_words *dflt = letter_default_words(occasion);
    if (own) *own = false;
    if (!dflt) return -1;
    unit_chain chain;
    unit_chain_of(d, unit_id, &chain);
    db_stmt *s = db_prepare(d, "SELECT title, greeting, body, closing FROM letter_templates "
                               "WHERE unit_id = ? AND occasion = ?");
    for (int i = 0; s && i < chain.n; i++) {
        db_bind_int(s, 1, chain.id[i]);
        db_bind_text(s, 2, occasion);
        if (db_step(s) == DB_ROW) {
            *out = (letter_words){arena_strdup(a, db_col_text(s, 0)), arena_strdup(a, db_col_text(s, 1)),
                                  arena_strdup(a, db_col_text(s, 2)), arena_strdup(a, db_col_text(s, 3))};
            if (own) *own = i == 0;
            db_done(s);
            return 0;
        }
        db_done(s);
    }
    *out = *dflt;
    return 0;
}

/* 0 when the occasion and the unit exist; otherwise -1 with e filled. */
static int check_target(db *d, int64_t unit_id, const char *occasion, err *e)
{
    if (!letter_default_words(occasion)) {
        err_set(e, 400, N_("Loại thư không hợp lệ."), "letter template: occasion %s", occasion ? occasion : "(null)");
        err_field(e, "occasion");
        return -1;
    }
    if (db_int_by_id(d, "SELECT id FROM units WHERE id = ?", unit_id, -1) < 0) {
        err_set(e, 404, N_("Không tìm thấy đơn vị."), "letter template: unit %lld", (long long)unit_id);
        return -1;
    }
    return 0;
}

static int save_failed(db *c, err *e)
{
    err_set(e, 500, N_("Không lưu được mẫu thư, xin thử lại."), "letter template: %s", db_errmsg(c));
    return -1;
}

typedef struct {
    int64_t unit_id, actor_id, now;
    const char *occasion;
    const letter_words *w;   /* the checked words (a save; a reset has none) */
} template_tx;

static int save_write(db *c, void *ctx, err *e)
{
    template_tx *t = ctx;
    const letter_words *w = t->w;
    db_stmt *s = db_prepare(c, "INSERT INTO letter_templates (unit_id, occasion, title, greeting, body, closing, "
                               "updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                               "ON CONFLICT (unit_id, occasion) DO UPDATE SET title = excluded.title, "
                               "greeting = excluded.greeting, body = excluded.body, closing = excluded.closing, "
                               "updated_at = excluded.updated_at, updated_by = excluded.updated_by");
    if (!s) return save_failed(c, e);
    db_bind_int(s, 1, t->unit_id);
    db_bind_text(s, 2, t->occasion);
    db_bind_text(s, 3, w->title);
    db_bind_text(s, 4, w->greeting);
    db_bind_text(s, 5, w->body);
    db_bind_text(s, 6, w->closing);
    db_bind_int(s, 7, t->now);
    if (t->actor_id > 0) db_bind_int(s, 8, t->actor_id);
    else db_bind_null(s, 8);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE ||
        audit_append(c, t->now, t->actor_id, t->unit_id, "letter.template", "letter_template", 0,
                     json_pack("{s:s, s:s}", "occasion", t->occasion, "title", w->title)))
        return save_failed(c, e);
    return 0;
}

int letter_template_save(db *d, arena *a, int64_t unit_id, const char *occasion, const letter_words *in,
                         int64_t actor_id, int64_t now, err *e)
{
    letter_words w;
    if (check_target(d, unit_id, occasion, e) || letter_template_check(a, in, &w, e)) return -1;
    template_tx t = {.unit_id = unit_id, .actor_id = actor_id, .now = now, .occasion = occasion, .w = &w};
    return db_write(d, save_write, &t, e);
}

static int reset_write(db *c, void *ctx, err *e)
{
    template_tx *t = ctx;
    db_stmt *s = db_prepare(c, "DELETE FROM letter_templates WHERE unit_id = ? AND occasion = ?");
    if (!s) return save_failed(c, e);
    db_bind_int(s, 1, t->unit_id);
    db_bind_text(s, 2, t->occasion);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return save_failed(c, e);
    /* a unit that had no template of its own changed nothing: nothing to record */
    if (db_changes(c) > 0 && audit_append(c, t->now, t->actor_id, t->unit_id, "letter.template.reset", "letter_template", 0,
                                          json_pack("{s:s}", "occasion", t->occasion)))
        return save_failed(c, e);
    return 0;
}

int letter_template_reset(db *d, int64_t unit_id, const char *occasion, int64_t actor_id, int64_t now, err *e)
{
    if (check_target(d, unit_id, occasion, e)) return -1;
    template_tx t = {.unit_id = unit_id, .actor_id = actor_id, .now = now, .occasion = occasion};
    return db_write(d, reset_write, &t, e);
}
