/* sets.c -- criteria sets in the database (assess_sets, migration 020): a new draft version,
 * publishing it, loading one, and finding the set in force for a unit and year.
 *
 * A version's body is the canonical JSON (assess_set_to_json), so what a cycle was assessed
 * by can always be shown again exactly, however the set was later edited. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../account/unit.h"
#include "../audit/audit.h"
#include "../store/embedded.h"
#include "assess.h"

int assess_set_save_draft(db *d, int64_t unit_id, const assess_set *s, int64_t actor, int64_t now, int64_t *id,
                          err *e)
{
    db_stmt *q = db_prepare(d, "SELECT COALESCE(MAX(version), 0) + 1 FROM assess_sets WHERE unit_id = ? AND code = ?");
    if (!q) goto fail;
    db_bind_int(q, 1, unit_id);
    db_bind_text(q, 2, s->code);
    int64_t version = db_step(q) == DB_ROW ? db_col_int(q, 0) : 1;
    db_done(q);

    json_t *body = assess_set_to_json(s);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text) goto fail;
    q = db_prepare(d, "INSERT INTO assess_sets (unit_id, code, version, year, applies_to, name, body, created_by, "
                      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!q) {
        free(text);
        goto fail;
    }
    db_bind_int(q, 1, unit_id);
    db_bind_text(q, 2, s->code);
    db_bind_int(q, 3, version);
    db_bind_int(q, 4, s->year);
    db_bind_text(q, 5, s->applies_to);
    db_bind_text(q, 6, s->name);
    db_bind_text(q, 7, text);
    if (actor) db_bind_int(q, 8, actor);
    else db_bind_null(q, 8);
    db_bind_int(q, 9, now);
    int rc = db_step(q);
    db_done(q);
    free(text);
    if (rc != DB_DONE) goto fail;
    *id = db_last_id(d);
    return audit_append(d, now, actor, unit_id, "assess_set.draft", "assess_set", *id,
                        json_pack("{s:s, s:I, s:i}", "code", s->code, "version", (json_int_t)version, "year", s->year))
               ? (err_set(e, 500, N_("Không ghi được nhật ký."), "audit"), -1)
               : 0;
fail:
    err_set(e, 500, N_("Không lưu được bộ tiêu chí."), "assess_set_save_draft: %s", db_errmsg(d));
    return -1;
}

int assess_set_publish(db *d, int64_t set_id, int64_t actor, int64_t now, err *e)
{
    db_stmt *q = db_prepare(d, "SELECT unit_id, code, year, applies_to, status FROM assess_sets WHERE id = ?");
    if (!q) goto fail;
    db_bind_int(q, 1, set_id);
    if (db_step(q) != DB_ROW) {
        db_done(q);
        err_set(e, 404, N_("Không tìm thấy bộ tiêu chí."), "assess set %lld", (long long)set_id);
        return -1;
    }
    int64_t unit = db_col_int(q, 0);
    int year = (int)db_col_int(q, 2);
    char code[48], applies[16];
    snprintf(code, sizeof code, "%s", db_col_text(q, 1));
    snprintf(applies, sizeof applies, "%s", db_col_text(q, 3));
    bool draft = !strcmp(db_col_text(q, 4), "draft");
    db_done(q);
    if (!draft) {
        err_set(e, 409, N_("Bộ tiêu chí này đã được ban hành; hãy sửa thành một phiên bản mới."), "publish %lld",
                (long long)set_id);
        return -1;
    }
    /* one published set per province, kind and year: the one before it retires */
    q = db_prepare(d, "UPDATE assess_sets SET status = 'retired' WHERE unit_id = ? AND year = ? AND applies_to = ? "
                      "AND status = 'published'");
    if (!q) goto fail;
    db_bind_int(q, 1, unit);
    db_bind_int(q, 2, year);
    db_bind_text(q, 3, applies);
    int rc = db_step(q);
    db_done(q);
    if (rc != DB_DONE) goto fail;
    q = db_prepare(d, "UPDATE assess_sets SET status = 'published', published_at = ? WHERE id = ?");
    if (!q) goto fail;
    db_bind_int(q, 1, now);
    db_bind_int(q, 2, set_id);
    rc = db_step(q);
    db_done(q);
    if (rc != DB_DONE) goto fail;
    if (audit_append(d, now, actor, unit, "assess_set.publish", "assess_set", set_id,
                     json_pack("{s:s, s:i}", "code", code, "year", year)))
        goto fail;
    return 0;
fail:
    err_set(e, 500, N_("Không ban hành được bộ tiêu chí."), "assess_set_publish: %s", db_errmsg(d));
    return -1;
}

int assess_set_load(db *d, arena *a, int64_t set_id, assess_set *out, err *e)
{
    db_stmt *q = db_prepare(d, "SELECT body FROM assess_sets WHERE id = ?");
    if (!q) {
        err_set(e, 500, N_("Không đọc được bộ tiêu chí."), "assess_set_load: %s", db_errmsg(d));
        return -1;
    }
    db_bind_int(q, 1, set_id);
    if (db_step(q) != DB_ROW) {
        db_done(q);
        err_set(e, 404, N_("Không tìm thấy bộ tiêu chí."), "assess set %lld", (long long)set_id);
        return -1;
    }
    char *body = arena_strdup(a, db_col_text(q, 0));
    db_done(q);
    /* the stored body was checked when it was saved; metrics are not rechecked so that a set
     * naming a figure a later version dropped still shows */
    return assess_set_parse(a, body, strlen(body), NULL, out, e);
}

int64_t assess_set_for(db *d, int64_t unit_id, const char *applies_to, int year)
{
    unit_chain chain;
    if (unit_chain_of(d, unit_id, &chain) == 0) return 0;
    db_stmt *q = db_prepare(d, "SELECT id, unit_id FROM assess_sets WHERE unit_id IN " UNIT_CHAIN_IN
                               " AND applies_to = ? AND status IN ('published', 'retired') AND year <= ? "
                               "ORDER BY year DESC, status = 'published' DESC, version DESC");
    if (!q) return 0;
    unit_chain_bind(q, 1, &chain);
    db_bind_text(q, UNIT_CHAIN_MAX + 1, applies_to);
    db_bind_int(q, UNIT_CHAIN_MAX + 2, year);
    /* the nearest unit's set wins; within it the latest year */
    int64_t best = 0;
    int best_depth = UNIT_CHAIN_MAX;
    while (db_step(q) == DB_ROW) {
        int64_t owner = db_col_int(q, 1);
        for (int k = 0; k < chain.n && k < best_depth; k++)
            if (chain.id[k] == owner) {
                best = db_col_int(q, 0);
                best_depth = k;
                break;
            }
    }
    db_done(q);
    return best;
}

/* The shipped examples are the reference data files named criteria-*.json. */
static const char *example_names[32];
static pthread_once_t examples_once = PTHREAD_ONCE_INIT;

static void find_examples(void)
{
    size_t n = 0;
    for (size_t i = 0; i < data_files_count && n + 1 < sizeof example_names / sizeof *example_names; i++)
        if (!strncmp(data_files[i].name, "criteria-", 9)) example_names[n++] = data_files[i].name;
    example_names[n] = NULL;
}

const char *const *assess_example_files(void)
{
    pthread_once(&examples_once, find_examples);
    return example_names;
}
