/* targets.c -- the province's yearly targets as stored (report_targets, migration 024), one
 * year's edit by an administrator (audited), and the dashboard's model: for a year, the
 * province's communes by recognised level, the shares against each target (targets_calc.c),
 * and the communes closest to their next level (report_levels.c). */
#include <string.h>

#include "../account/unit.h"
#include "../audit/audit.h"
#include "../core/text.h"
#include "reports.h"
#include "report_impl.h"

int64_t report_province_of(db *d, arena *a, int64_t unit_id, const char **code)
{
    /* walk up the tree (never deeper than UNIT_CHAIN_MAX) to the first province */
    int64_t id = unit_id;
    for (int i = 0; i < UNIT_CHAIN_MAX && id > 0; i++) {
        db_stmt *s = db_prepare(d, "SELECT kind, code, parent_id FROM units WHERE id = ?");
        if (!s) return -1;
        db_bind_int(s, 1, id);
        if (db_step(s) != DB_ROW) {
            db_done(s);
            return -1;
        }
        bool province = !strcmp(db_col_text(s, 0), "province");
        const char *c = arena_strdup(a, db_col_text(s, 1));
        int64_t parent = db_col_null(s, 2) ? -1 : db_col_int(s, 2);
        db_done(s);
        if (province) {
            if (code) *code = c;
            return id;
        }
        id = parent;
    }
    return -1;
}

static void row_target(db_stmt *s, arena *a, report_target *t)
{
    *t = (report_target){
        .id = db_col_int(s, 0),
        .unit_code = arena_strdup(a, db_col_text(s, 1)),
        .year_from = (int)db_col_int(s, 2),
        .year_to = (int)db_col_int(s, 3),
        .level1_pct = (int)db_col_int(s, 4),
        .above1_pct = (int)db_col_int(s, 5),
        .level4_min = (int)db_col_int(s, 6),
        .basis = arena_strdup(a, db_col_text(s, 7)),
        .updated_by = db_col_null(s, 8) ? 0 : db_col_int(s, 8),
        .updated_at = db_col_int(s, 9),
    };
}

#define TARGET_COLS "id, unit_code, year_from, year_to, level1_pct, above1_pct, level4_min, basis, updated_by, updated_at"

int targets_for_year(db *d, arena *a, const char *province_code, int year, report_target *out)
{
    *out = (report_target){0};
    db_stmt *s = db_prepare(d, "SELECT " TARGET_COLS " FROM report_targets WHERE unit_code = ? AND year_from <= ? "
                               "AND year_to >= ? ORDER BY year_from DESC LIMIT 1");
    if (!s) return 0;
    db_bind_text(s, 1, province_code);
    db_bind_int(s, 2, year);
    db_bind_int(s, 3, year);
    int found = db_step(s) == DB_ROW;
    if (found) row_target(s, a, out);
    db_done(s);
    return found;
}

json_t *targets_list(db *d, const char *province_code)
{
    json_t *rows = json_array();
    db_stmt *s = db_prepare(d, "SELECT " TARGET_COLS " FROM report_targets WHERE unit_code = ? ORDER BY year_from");
    if (!s) return rows;
    db_bind_text(s, 1, province_code);
    arena *a = arena_new();
    while (db_step(s) == DB_ROW) {
        report_target t;
        row_target(s, a, &t);
        json_array_append_new(rows, json_pack("{s:I, s:i, s:i, s:i, s:i, s:i, s:s, s:b}", "id", (json_int_t)t.id,
                                              "year_from", t.year_from, "year_to", t.year_to, "level1_pct",
                                              t.level1_pct, "above1_pct", t.above1_pct, "level4_min", t.level4_min,
                                              "basis", t.basis, "edited", t.updated_by != 0));
    }
    db_done(s);
    arena_free(a);
    return rows;
}

/* ---- one year's edit ------------------------------------------------------------------------ */

typedef struct {
    int64_t province_id;
    const char *code;
    int year, level1, above1, level4;
    const char *basis;
    int64_t actor, now;
} target_edit;

static int insert_row(db *d, const char *code, int from, int to, int l1, int a1, int l4, const char *basis,
                      int64_t by, int64_t at)
{
    db_stmt *s = db_prepare(d, "INSERT INTO report_targets (unit_code, year_from, year_to, level1_pct, above1_pct, "
                               "level4_min, basis, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s) return DB_ERROR;
    db_bind_text(s, 1, code);
    db_bind_int(s, 2, from);
    db_bind_int(s, 3, to);
    db_bind_int(s, 4, l1);
    db_bind_int(s, 5, a1);
    db_bind_int(s, 6, l4);
    db_bind_text(s, 7, basis);
    if (by) db_bind_int(s, 8, by);
    else db_bind_null(s, 8);
    db_bind_int(s, 9, at);
    int rc = db_step(s);
    db_done(s);
    return rc;
}

static int edit_write(db *d, void *ctx, err *e)
{
    target_edit *t = ctx;
    arena *a = arena_new();
    report_target old;
    int had = targets_for_year(d, a, t->code, t->year, &old);
    int rc = DB_DONE;
    if (had) {
        /* the range loses this year: what stays before and after keeps its values */
        db_stmt *s = db_prepare(d, "DELETE FROM report_targets WHERE id = ?");
        if (!s) rc = DB_ERROR;
        else {
            db_bind_int(s, 1, old.id);
            rc = db_step(s);
            db_done(s);
        }
        if (rc == DB_DONE && old.year_from < t->year)
            rc = insert_row(d, t->code, old.year_from, t->year - 1, old.level1_pct, old.above1_pct, old.level4_min,
                            old.basis, old.updated_by, old.updated_at);
        if (rc == DB_DONE && old.year_to > t->year)
            rc = insert_row(d, t->code, t->year + 1, old.year_to, old.level1_pct, old.above1_pct, old.level4_min,
                            old.basis, old.updated_by, old.updated_at);
    }
    if (rc == DB_DONE)
        rc = insert_row(d, t->code, t->year, t->year, t->level1, t->above1, t->level4, t->basis, t->actor, t->now);
    if (rc != DB_DONE) {
        arena_free(a);
        err_set(e, 500, N_("Không lưu được mục tiêu."), "report_targets: %s", db_errmsg(d));
        return -1;
    }
    json_t *detail = json_pack("{s:s, s:i, s:i, s:i, s:i, s:s}", "province", t->code, "year", t->year, "level1_pct",
                               t->level1, "above1_pct", t->above1, "level4_min", t->level4, "basis", t->basis);
    if (had)
        json_object_set_new(detail, "before", json_pack("{s:i, s:i, s:i, s:i, s:i}", "year_from", old.year_from,
                                                        "year_to", old.year_to, "level1_pct", old.level1_pct,
                                                        "above1_pct", old.above1_pct, "level4_min", old.level4_min));
    arena_free(a);
    if (audit_append(d, t->now, t->actor, t->province_id, "report.target", "report_targets", t->year, detail)) {
        err_set(e, 500, N_("Không lưu được mục tiêu."), "audit");
        return -1;
    }
    return 0;
}

int targets_set_year(db *d, int64_t province_id, const char *province_code, int year, int level1_pct,
                     int above1_pct, int level4_min, const char *basis, int64_t actor_id, int64_t now, err *e)
{
    if (year < 2000 || year > 2100) {
        err_set(e, 422, N_("Năm phải từ 2000 đến 2100."), "year %d", year);
        return -1;
    }
    if (level1_pct < 0 || level1_pct > 100 || above1_pct < 0 || above1_pct > 100) {
        err_set(e, 422, N_("Tỷ lệ phải là số phần trăm từ 0 đến 100."), "pct %d %d", level1_pct, above1_pct);
        return -1;
    }
    if (level1_pct > 0 && above1_pct > level1_pct) {
        err_set(e, 422, N_("Tỷ lệ đạt chuẩn trên mức độ 1 nằm trong tỷ lệ đạt chuẩn mức độ 1, nên không được lớn hơn."),
                "above1 %d > level1 %d", above1_pct, level1_pct);
        return -1;
    }
    if (level4_min < 0 || level4_min > 100000) {
        err_set(e, 422, N_("Số đơn vị đạt mức độ 4 không hợp lệ."), "level4 %d", level4_min);
        return -1;
    }
    if (!basis || text_is_blank(basis) || text_char_count(basis) > 1000) {
        err_set(e, 422, N_("Ghi căn cứ của mục tiêu (số, ngày của kế hoạch), tối đa 1.000 ký tự."), "basis");
        return -1;
    }
    target_edit t = {province_id, province_code, year, level1_pct, above1_pct, level4_min, basis, actor_id, now};
    return db_write(d, edit_write, &t, e);
}

/* ---- the dashboard --------------------------------------------------------------------------- */

static const char *const line_keys[3] = {"level1", "above1", "level4"};

json_t *targets_dashboard(db *d, arena *a, int64_t province_id, int year, err *e)
{
    const char *code = NULL;
    if (report_province_of(d, a, province_id, &code) != province_id) {
        err_set(e, 404, N_("Trang mục tiêu dành cho cấp tỉnh: chọn một tỉnh."), "unit %lld is no province",
                (long long)province_id);
        return NULL;
    }
    level_row *rows = NULL;
    size_t n = 0;
    if (report_levels(d, a, province_id, year, &rows, &n, e)) return NULL;
    int at[REPORT_MAX_LEVEL + 1] = {0};
    int communes = 0;
    json_t *units = json_array(), *close = json_array();
    for (size_t i = 0; i < n; i++) {
        const level_row *r = &rows[i];
        if (strcmp(r->kind, "commune")) continue;
        communes++;
        int lv = r->recognised < 0 ? 0 : r->recognised > REPORT_MAX_LEVEL ? REPORT_MAX_LEVEL : r->recognised;
        at[lv]++;
        json_array_append_new(units, json_pack("{s:I, s:s, s:s, s:s, s:i, s:i}", "id", (json_int_t)r->unit_id, "code",
                                               r->code, "name", r->name, "status", r->status, "level", lv,
                                               "proposed", r->proposed));
    }
    /* close to the next level: the smallest shortfall first (report_levels sorts them) */
    for (size_t i = 0; i < n; i++) {
        const level_row *r = &rows[i];
        if (strcmp(r->kind, "commune") || r->next_level <= 0 || r->short10 < 0) continue;
        json_array_append_new(close, json_pack("{s:s, s:s, s:i, s:i, s:i, s:i}", "code", r->code, "name", r->name,
                                               "level", r->level, "next_level",
                                               r->next_level, "short10", r->short10, "total10", r->total10));
    }
    report_target t;
    int has = targets_for_year(d, a, code, year, &t);
    target_eval ev;
    targets_evaluate(has ? &t : NULL, at, REPORT_MAX_LEVEL + 1, communes, &ev);
    json_t *lines = json_array();
    for (int k = 0; k < 3; k++) {
        const target_line *l = &ev.lines[k];
        json_array_append_new(lines, json_pack("{s:s, s:i, s:b, s:i, s:f, s:i, s:b, s:i}", "key", line_keys[k],
                                               "target", l->target, "set", l->set, "have", l->have, "share",
                                               l->share, "needed", l->needed, "met", l->met, "short", l->short_by));
    }
    json_t *levels = json_array();
    for (int lv = 0; lv <= REPORT_MAX_LEVEL; lv++)
        if (lv <= 4 || at[lv]) json_array_append_new(levels, json_pack("{s:i, s:i}", "level", lv, "count", at[lv]));
    json_t *m = json_pack("{s:I, s:s, s:i, s:i, s:o, s:o, s:o, s:o, s:b}", "province_id", (json_int_t)province_id,
                          "province_code", code, "year", year, "communes", communes, "levels", levels, "targets",
                          lines, "units", units, "close", close, "all_met", ev.all_met);
    if (has)
        json_object_set_new(m, "target", json_pack("{s:i, s:i, s:s}", "year_from", t.year_from, "year_to", t.year_to,
                                                   "basis", t.basis));
    return m;
}
