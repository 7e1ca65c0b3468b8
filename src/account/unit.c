/* unit.c -- the unit tree, hamlets and leaders (see account.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/clock.h"
#include "../audit/audit.h"
#include "../core/text.h"
#include "account.h"

#define UNIT_COLUMNS                                                                              \
    "u.id, u.code, u.kind, u.name, COALESCE(p.code, ''), COALESCE(p.name, ''), u.address, u.phone, " \
    "u.email, u.desk_name, u.desk_hours, u.saturday_service, u.saturday_hours, u.reception_place, "  \
    "u.reception_hours, u.agency_code, u.letter_ceremony, u.desk_phone"

static const char *kind_label(const char *kind)
{
    if (!strcmp(kind, "province")) return N_("Tỉnh, thành phố");
    if (!strcmp(kind, "district")) return N_("Huyện");
    if (!strcmp(kind, "commune")) return N_("Xã, phường, đặc khu");
    if (!strcmp(kind, "department")) return N_("Sở, ban, ngành");
    return "";
}

static json_t *unit_row(db_stmt *s)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "id",
                     (json_int_t)db_col_int(s, 0), "code", db_col_text(s, 1), "kind", db_col_text(s, 2),
                     "kind_label", kind_label(db_col_text(s, 2)), "name", db_col_text(s, 3), "parent_code",
                     db_col_text(s, 4), "parent_name", db_col_text(s, 5), "address", db_col_text(s, 6), "phone",
                     db_col_text(s, 7), "email", db_col_text(s, 8), "desk_name", db_col_text(s, 9), "desk_hours",
                     db_col_text(s, 10), "saturday_service", db_col_int(s, 11) != 0, "saturday_hours",
                     db_col_text(s, 12), "reception_place", db_col_text(s, 13), "reception_hours",
                     db_col_text(s, 14));
    json_object_set_new(o, "agency_code", json_string(db_col_text(s, 15)));
    json_object_set_new(o, "letter_ceremony", json_boolean(db_col_int(s, 16) != 0));
    json_object_set_new(o, "desk_phone", json_string(db_col_text(s, 17)));
    return o;
}

static void add_leaders_and_hamlets(db *d, json_t *unit)
{
    int64_t id = json_integer_value(json_object_get(unit, "id"));
    json_t *leaders = json_array();
    db_stmt *s = db_prepare(d, "SELECT name, title, phone, id FROM unit_leaders WHERE unit_id = ? ORDER BY sort, id");
    db_bind_int(s, 1, id);
    while (db_step(s) == DB_ROW) {
        const char *phone = db_col_text(s, 2);
        /* tel: links want the digits only */
        char tel[32];
        size_t k = 0;
        for (const char *p = phone; *p && k + 1 < sizeof tel; p++)
            if ((*p >= '0' && *p <= '9') || *p == '+') tel[k++] = *p;
        tel[k] = '\0';
        json_array_append_new(leaders, json_pack("{s:s, s:s, s:s, s:s, s:I}", "name", db_col_text(s, 0), "title",
                                                 db_col_text(s, 1), "phone", phone, "tel", tel, "id",
                                                 (json_int_t)db_col_int(s, 3)));
    }
    db_done(s);
    json_object_set_new(unit, "leaders", leaders);
    json_t *hamlets = json_array();
    int64_t households = 0, voters = 0;
    s = db_prepare(d, "SELECT name, COALESCE(households, 0), COALESCE(voters, 0), id, "
                      "COALESCE(CAST(households AS TEXT), ''), COALESCE(CAST(voters AS TEXT), '') FROM hamlets "
                      "WHERE unit_id = ? ORDER BY name");
    db_bind_int(s, 1, id);
    while (db_step(s) == DB_ROW) {
        households += db_col_int(s, 1);
        voters += db_col_int(s, 2);
        /* the *_text values are as the edit form shows them: empty when not known */
        json_array_append_new(hamlets, json_pack("{s:s, s:I, s:I, s:I, s:s, s:s}", "name", db_col_text(s, 0),
                                                 "households", (json_int_t)db_col_int(s, 1), "voters",
                                                 (json_int_t)db_col_int(s, 2), "id", (json_int_t)db_col_int(s, 3),
                                                 "households_text", db_col_text(s, 4), "voters_text",
                                                 db_col_text(s, 5)));
    }
    db_done(s);
    json_object_set_new(unit, "hamlets", hamlets);
    json_object_set_new(unit, "households", json_integer(households));
    json_object_set_new(unit, "voters", json_integer(voters));
}

int64_t account_unit_id(db *d, const char *code)
{
    db_stmt *s = db_prepare(d, "SELECT id FROM units WHERE code = ?");
    db_bind_text(s, 1, code);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return id;
}

const char *account_unit_kind(db *d, arena *a, int64_t unit_id)
{
    db_stmt *s = db_prepare(d, "SELECT kind FROM units WHERE id = ?");
    if (!s) return "";
    db_bind_int(s, 1, unit_id);
    const char *k = db_step(s) == DB_ROW ? arena_strdup(a, db_col_text(s, 0)) : "";
    db_done(s);
    return k;
}

json_t *account_unit_get(db *d, const char *code)
{
    db_stmt *s = db_prepare(d, "SELECT " UNIT_COLUMNS " FROM units u LEFT JOIN units p ON p.id = u.parent_id "
                               "WHERE u.code = ?");
    db_bind_text(s, 1, code);
    json_t *u = db_step(s) == DB_ROW ? unit_row(s) : NULL;
    db_done(s);
    if (u) add_leaders_and_hamlets(d, u);
    return u;
}

json_t *account_unit_get_by_id(db *d, int64_t id)
{
    db_stmt *s = db_prepare(d, "SELECT " UNIT_COLUMNS " FROM units u LEFT JOIN units p ON p.id = u.parent_id "
                               "WHERE u.id = ?");
    db_bind_int(s, 1, id);
    json_t *u = db_step(s) == DB_ROW ? unit_row(s) : NULL;
    db_done(s);
    if (u) add_leaders_and_hamlets(d, u);
    return u;
}

json_t *account_units_list(db *d, const account_user *viewer)
{
    json_t *rows = json_array();
    db_stmt *s = db_prepare(d, "SELECT " UNIT_COLUMNS " FROM units u LEFT JOIN units p ON p.id = u.parent_id "
                               "ORDER BY CASE u.kind WHEN 'province' THEN 0 WHEN 'district' THEN 1 "
                               "WHEN 'department' THEN 3 ELSE 2 END, u.name");
    while (db_step(s) == DB_ROW) {
        if (viewer && !account_can_access(d, viewer, db_col_int(s, 0))) continue;
        json_array_append_new(rows, unit_row(s));
    }
    db_done(s);
    return rows;
}

int64_t account_default_unit(db *d)
{
    db_stmt *s = db_prepare(d, "SELECT id FROM units ORDER BY CASE kind WHEN 'commune' THEN 0 ELSE 1 END, id LIMIT 1");
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return id;
}

int unit_chain_of(db *d, int64_t unit_id, unit_chain *c)
{
    c->n = 0;
    db_stmt *s = db_prepare(d, "SELECT parent_id FROM units WHERE id = ?");
    while (unit_id > 0 && c->n < UNIT_CHAIN_MAX) {
        db_bind_int(s, 1, unit_id);
        bool known = db_step(s) == DB_ROW;
        int64_t parent = known && !db_col_null(s, 0) ? db_col_int(s, 0) : -1;
        db_done(s);
        if (!known) break;
        c->id[c->n++] = unit_id;
        unit_id = parent;
    }
    return c->n;
}

bool unit_chain_has(const unit_chain *c, int64_t id)
{
    for (int i = 0; i < c->n; i++)
        if (c->id[i] == id) return true;
    return false;
}

void unit_chain_bind(db_stmt *s, int first, const unit_chain *c)
{
    for (int i = 0; i < UNIT_CHAIN_MAX; i++) db_bind_int(s, first + i, i < c->n ? c->id[i] : -1);
}

static bool unit_code_ok(const char *c)
{
    size_t n = strlen(c);
    if (n < 2 || n > 16) return false;
    for (const char *p = c; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || *p == '-')) return false;
    return true;
}

static bool valid_kind(const char *k)
{
    return k && (!strcmp(k, "province") || !strcmp(k, "district") || !strcmp(k, "commune") ||
                 !strcmp(k, "department"));
}

/* Does another unit start its dossier codes with this agency code (its own, or its unit code
 * when it has none)? Two such units would hand out the same dossier codes. */
static bool agency_code_used(db *d, const char *unit_code, const char *agency)
{
    db_stmt *s = db_prepare(d, "SELECT 1 FROM units WHERE code <> ? AND "
                               "(CASE WHEN agency_code <> '' THEN agency_code ELSE code END) = ?");
    db_bind_text(s, 1, unit_code);
    db_bind_text(s, 2, agency);
    bool used = db_step(s) == DB_ROW;
    db_done(s);
    return used;
}

static bool phone_ok(const char *p)
{
    int digits = 0;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') digits++;
        else if (*p != ' ' && *p != '.' && *p != '-' && *p != '+' && *p != '(' && *p != ')') return false;
    }
    return digits >= 8 && digits <= 15;
}

typedef struct {
    const unit_fields *f;
    bool create;
    int64_t parent, actor_id;
} unit_save_ctx;

/* The agency code is checked inside the write, so two units saved at once cannot both take it. */
static int unit_save_tx(db *c, void *ctx, err *e)
{
    unit_save_ctx *x = ctx;
    const unit_fields *f = x->f;
    bool create = x->create;
    int64_t now = (int64_t)clock_now();
    if (agency_code_used(c, f->code, f->agency_code && *f->agency_code ? f->agency_code : f->code)) {
        err_set(e, 409, "Mã định danh này đã là mã của một đơn vị khác; mỗi cơ quan cần một mã riêng để mã hồ sơ không bị trùng.",
                "agency code of %s already used", f->code);
        err_field(e, f->agency_code && *f->agency_code ? "agency_code" : "code");
        return -1;
    }
    db_stmt *s;
    if (create) {
        s = db_prepare(c, "INSERT INTO units (code, kind, name, parent_id, address, phone, email, desk_name, "
                          "desk_hours, saturday_service, saturday_hours, reception_place, reception_hours, created_at, "
                          "agency_code, letter_ceremony, desk_phone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                          "?12, ?13, ?14, ?15, ?16, ?17)");
        db_bind_text(s, 1, f->code);
        db_bind_text(s, 2, f->kind);
        db_bind_text(s, 3, f->name);
        if (x->parent > 0) db_bind_int(s, 4, x->parent); else db_bind_null(s, 4);
        db_bind_int(s, 14, now);
    } else {
        s = db_prepare(c, "UPDATE units SET name = ?3, address = ?5, phone = ?6, email = ?7, desk_name = ?8, "
                          "desk_hours = ?9, saturday_service = ?10, saturday_hours = ?11, reception_place = ?12, "
                          "reception_hours = ?13, agency_code = ?15, letter_ceremony = ?16, desk_phone = ?17 WHERE code = ?1");
        db_bind_text(s, 1, f->code);
        db_bind_text(s, 3, f->name);
    }
    db_bind_text(s, 5, f->address ? f->address : "");
    db_bind_text(s, 6, f->phone ? f->phone : "");
    db_bind_text(s, 7, f->email ? f->email : "");
    db_bind_text(s, 8, f->desk_name ? f->desk_name : "");
    db_bind_text(s, 9, f->desk_hours ? f->desk_hours : "");
    db_bind_int(s, 10, f->saturday_service ? 1 : 0);
    db_bind_text(s, 11, f->saturday_hours ? f->saturday_hours : "");
    db_bind_text(s, 12, f->reception_place ? f->reception_place : "");
    db_bind_text(s, 13, f->reception_hours ? f->reception_hours : "");
    db_bind_text(s, 15, f->agency_code ? f->agency_code : "");
    db_bind_int(s, 16, f->letter_ceremony ? 1 : 0);
    db_bind_text(s, 17, f->desk_phone ? f->desk_phone : "");
    int rc = db_step(s);
    db_done(s);
    if (rc == DB_CONSTRAINT) {
        err_set(e, 409, "Mã đơn vị đã tồn tại.", "duplicate unit %s", f->code);
        err_field(e, "code");
        return -1;
    }
    if (!create && rc == DB_DONE && db_changes(c) == 0) {
        err_set(e, 404, "Không tìm thấy đơn vị.", "no unit %s", f->code);
        return -1;
    }
    int64_t id = create ? db_last_id(c) : account_unit_id(c, f->code);
    if (rc != DB_DONE ||
        audit_append(c, now, x->actor_id, id, create ? "unit.create" : "unit.update", "unit", id,
                     json_pack("{s:s, s:s}", "code", f->code, "name", f->name))) {
        err_set(e, 500, "Không lưu được đơn vị.", "unit save: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

int account_unit_save(db *d, const unit_fields *f, bool create, int64_t actor_id, int64_t actor_unit, err *e)
{
    if (!f->code || !unit_code_ok(f->code)) {
        err_set(e, 400, "Mã đơn vị gồm 2–16 ký tự: chữ số, chữ in hoa không dấu hoặc dấu gạch ngang.", "bad code");
        err_field(e, "code");
        return -1;
    }
    if (text_is_blank(f->name) || text_char_count(f->name) > 200) {
        err_set(e, 400, "Tên đơn vị không được để trống và không quá 200 ký tự.", "bad name");
        err_field(e, "name");
        return -1;
    }
    if (create && !valid_kind(f->kind)) {
        err_set(e, 400, "Loại đơn vị không hợp lệ.", "bad kind");
        err_field(e, "kind");
        return -1;
    }
    int64_t parent = -1;
    if (create && f->parent_code && *f->parent_code) {
        parent = account_unit_id(d, f->parent_code);
        if (parent < 0) {
            err_set(e, 400, "Không tìm thấy đơn vị cấp trên.", "unknown parent %s", f->parent_code);
            err_field(e, "parent_code");
            return -1;
        }
        /* every chain walk stops at UNIT_CHAIN_MAX: a deeper unit would lose its inheritance */
        unit_chain pc;
        if (unit_chain_of(d, parent, &pc) >= UNIT_CHAIN_MAX) {
            err_set(e, 400, "Không thể tạo đơn vị dưới đơn vị cấp trên này: cây đơn vị đã đủ số cấp tối đa.",
                    "unit tree deeper than %d", UNIT_CHAIN_MAX);
            err_field(e, "parent_code");
            return -1;
        }
    } else if (create && strcmp(f->kind, "province") != 0) {
        err_set(e, 400, "Đơn vị này cần có đơn vị cấp trên.", "parent required");
        err_field(e, "parent_code");
        return -1;
    }
    (void)actor_unit;
    /* the official identifier that starts dossier codes (mã định danh, e.g. H19.05443): capitals,
     * digits and dots only, since it is printed on slips and typed by citizens */
    for (const char *c = f->agency_code ? f->agency_code : ""; *c; c++) {
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.') || c - f->agency_code >= 30) {
            err_set(e, 400, "Mã định danh chỉ gồm chữ in hoa không dấu, chữ số và dấu chấm (tối đa 30 ký tự), ví dụ H19.05443.",
                    "agency code");
            err_field(e, "agency_code");
            return -1;
        }
    }
    /* the desk's number is printed on the forms citizens take home: digits a phone can dial */
    if (f->desk_phone && *f->desk_phone && !phone_ok(f->desk_phone)) {
        err_set(e, 400, "Số điện thoại của bộ phận tiếp nhận chỉ gồm chữ số (8–15 số), có thể có dấu cách, dấu chấm hoặc dấu +.",
                "bad desk phone");
        err_field(e, "desk_phone");
        return -1;
    }
    unit_save_ctx x = {.f = f, .create = create, .parent = parent, .actor_id = actor_id};
    return db_write(d, unit_save_tx, &x, e);
}

int account_leader_add(db *d, int64_t unit_id, const char *name, const char *title, const char *phone, int sort)
{
    db_stmt *s = db_prepare(d, "INSERT INTO unit_leaders (unit_id, name, title, phone, sort) VALUES (?, ?, ?, ?, ?)");
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, name);
    db_bind_text(s, 3, title);
    db_bind_text(s, 4, phone ? phone : "");
    db_bind_int(s, 5, sort);
    int rc = db_step(s);
    db_done(s);
    return rc;
}

int account_hamlet_add(db *d, int64_t unit_id, const char *name, int64_t households, int64_t voters)
{
    db_stmt *s = db_prepare(d, "INSERT INTO hamlets (unit_id, name, households, voters) VALUES (?, ?, ?, ?)");
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, name);
    if (households >= 0) db_bind_int(s, 3, households); else db_bind_null(s, 3);
    if (voters >= 0) db_bind_int(s, 4, voters); else db_bind_null(s, 4);
    int rc = db_step(s);
    db_done(s);
    return rc;
}

/* Audits the row just inserted, inside the write; detail is stolen. */
static int audited_insert(db *c, int64_t unit_id, const char *action, const char *entity, json_t *detail,
                          int64_t actor_id, err *e)
{
    int64_t id = db_last_id(c);
    if (audit_append(c, (int64_t)clock_now(), actor_id, unit_id, action, entity, id, detail)) {
        err_set(e, 500, "Không lưu được thay đổi.", "%s: %s", action, db_errmsg(c));
        return -1;
    }
    return 0;
}

/* A hamlet or leader as typed, for the writes below. */
typedef struct {
    int64_t unit_id, row_id, actor_id;
    const char *name, *title, *phone;
    int64_t households, voters;
    const char *entity;   /* "hamlet" or "leader", for a removal */
} row_ctx;

/* Checks a hamlet as typed; the counts go to *h and *v (-1 when left empty). */
static int hamlet_check(const char *name, const char *households, const char *voters, int64_t *h, int64_t *v, err *e)
{
    if (text_is_blank(name) || text_char_count(name) > 100) {
        err_set(e, 400, "Tên thôn, xóm, tổ dân phố không được để trống và không quá 100 ký tự.", "bad hamlet name");
        err_field(e, "hamlet_name");
        return -1;
    }
    *h = *v = -1;
    if ((households && *households && !text_parse_uint(households, 1000000, h)) ||
        (voters && *voters && !text_parse_uint(voters, 1000000, v))) {
        err_set(e, 400, "Số hộ và số cử tri phải là số nguyên không âm.", "bad counts");
        err_field(e, "households");
        return -1;
    }
    return 0;
}

static int hamlet_create_tx(db *c, void *ctx, err *e)
{
    row_ctx *x = ctx;
    int rc = account_hamlet_add(c, x->unit_id, x->name, x->households, x->voters);
    if (rc != DB_DONE) {
        if (rc == DB_CONSTRAINT) {
            err_set(e, 409, "Đơn vị đã có thôn, xóm, tổ dân phố mang tên này.", "duplicate hamlet %s", x->name);
            err_field(e, "hamlet_name");
        } else {
            err_set(e, 500, "Không lưu được thay đổi.", "hamlet insert: %s", db_errmsg(c));
        }
        return -1;
    }
    return audited_insert(c, x->unit_id, "hamlet.create", "hamlet",
                          json_pack("{s:s, s:I, s:I}", "name", x->name, "households", (json_int_t)x->households,
                                    "voters", (json_int_t)x->voters),
                          x->actor_id, e);
}

int account_hamlet_create(db *d, int64_t unit_id, const char *name, const char *households, const char *voters,
                          int64_t actor_id, err *e)
{
    row_ctx x = {.unit_id = unit_id, .actor_id = actor_id, .name = name};
    if (hamlet_check(name, households, voters, &x.households, &x.voters, e) != 0) return -1;
    return db_write(d, hamlet_create_tx, &x, e);
}

static int leader_check(const char *name, const char *title, const char *phone, err *e)
{
    if (text_is_blank(name) || text_char_count(name) > 100 || text_is_blank(title) || text_char_count(title) > 100) {
        err_set(e, 400, "Họ tên và chức vụ của lãnh đạo không được để trống và không quá 100 ký tự.", "bad leader");
        err_field(e, "leader_name");
        return -1;
    }
    if (phone && *phone && !phone_ok(phone)) {
        err_set(e, 400, "Số điện thoại chỉ gồm chữ số (8–15 số), có thể có dấu cách, dấu chấm hoặc dấu +.", "bad phone");
        err_field(e, "leader_phone");
        return -1;
    }
    return 0;
}

/* The new leader goes last: the sort is read inside the write that uses it. */
static int leader_create_tx(db *c, void *ctx, err *e)
{
    row_ctx *x = ctx;
    db_stmt *s = db_prepare(c, "SELECT COALESCE(max(sort), -1) + 1 FROM unit_leaders WHERE unit_id = ?");
    db_bind_int(s, 1, x->unit_id);
    int sort = db_step(s) == DB_ROW ? (int)db_col_int(s, 0) : 0;
    db_done(s);
    if (account_leader_add(c, x->unit_id, x->name, x->title, x->phone, sort) != DB_DONE) {
        err_set(e, 500, "Không lưu được thay đổi.", "leader insert: %s", db_errmsg(c));
        return -1;
    }
    return audited_insert(c, x->unit_id, "leader.create", "leader",
                          json_pack("{s:s, s:s, s:s}", "name", x->name, "title", x->title, "phone", x->phone),
                          x->actor_id, e);
}

int account_leader_create(db *d, int64_t unit_id, const char *name, const char *title, const char *phone,
                          int64_t actor_id, err *e)
{
    if (leader_check(name, title, phone, e) != 0) return -1;
    row_ctx x = {.unit_id = unit_id, .actor_id = actor_id, .name = name, .title = title, .phone = phone ? phone : ""};
    return db_write(d, leader_create_tx, &x, e);
}

/* Runs one UPDATE or DELETE of a hamlet or leader row (bound by the caller) inside the
 * write, then audits it: 404 when the row is not the unit's, 409 on a duplicate name.
 * detail is stolen. */
static int audited_change(db *c, db_stmt *s, const row_ctx *x, const char *action, const char *entity,
                          json_t *detail, err *e)
{
    int rc = db_step(s);
    db_done(s);
    if (rc == DB_DONE && db_changes(c) == 0) {
        json_decref(detail);
        err_set(e, 404, "Không tìm thấy mục cần sửa; có thể người khác vừa xóa.", "%s %lld not in unit", entity,
                (long long)x->row_id);
        return -1;
    }
    if (rc == DB_CONSTRAINT) {
        json_decref(detail);
        err_set(e, 409, "Đơn vị đã có thôn, xóm, tổ dân phố mang tên này.", "duplicate %s", entity);
        err_field(e, "hamlet_name");
        return -1;
    }
    if (rc != DB_DONE || audit_append(c, (int64_t)clock_now(), x->actor_id, x->unit_id, action, entity, x->row_id, detail)) {
        err_set(e, 500, "Không lưu được thay đổi.", "%s: %s", action, db_errmsg(c));
        return -1;
    }
    return 0;
}

static int hamlet_update_tx(db *c, void *ctx, err *e)
{
    row_ctx *x = ctx;
    db_stmt *s = db_prepare(c, "UPDATE hamlets SET name = ?, households = ?, voters = ? WHERE id = ? AND unit_id = ?");
    db_bind_text(s, 1, x->name);
    if (x->households >= 0) db_bind_int(s, 2, x->households); else db_bind_null(s, 2);
    if (x->voters >= 0) db_bind_int(s, 3, x->voters); else db_bind_null(s, 3);
    db_bind_int(s, 4, x->row_id);
    db_bind_int(s, 5, x->unit_id);
    return audited_change(c, s, x, "hamlet.update", "hamlet",
                          json_pack("{s:s, s:I, s:I}", "name", x->name, "households", (json_int_t)x->households,
                                    "voters", (json_int_t)x->voters),
                          e);
}

int account_hamlet_update(db *d, int64_t unit_id, int64_t hamlet_id, const char *name, const char *households,
                          const char *voters, int64_t actor_id, err *e)
{
    row_ctx x = {.unit_id = unit_id, .row_id = hamlet_id, .actor_id = actor_id, .name = name};
    if (hamlet_check(name, households, voters, &x.households, &x.voters, e) != 0) return -1;
    return db_write(d, hamlet_update_tx, &x, e);
}

/* The name of a hamlet or leader of the unit, for the audit row of its removal ("" when not the unit's). */
static char *row_name(db *d, const char *sql, int64_t id, int64_t unit_id)
{
    db_stmt *s = db_prepare(d, sql);
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, unit_id);
    char *name = strdup(db_step(s) == DB_ROW ? db_col_text(s, 0) : "");
    db_done(s);
    if (!name) abort();
    return name;
}

/* Removes a hamlet or a leader, its name read in the same write for the audit. */
static int row_delete_tx(db *c, void *ctx, err *e)
{
    row_ctx *x = ctx;
    bool hamlet = !strcmp(x->entity, "hamlet");
    char *name = row_name(c, hamlet ? "SELECT name FROM hamlets WHERE id = ? AND unit_id = ?"
                                    : "SELECT name FROM unit_leaders WHERE id = ? AND unit_id = ?",
                          x->row_id, x->unit_id);
    db_stmt *s = db_prepare(c, hamlet ? "DELETE FROM hamlets WHERE id = ? AND unit_id = ?"
                                      : "DELETE FROM unit_leaders WHERE id = ? AND unit_id = ?");
    db_bind_int(s, 1, x->row_id);
    db_bind_int(s, 2, x->unit_id);
    json_t *detail = json_pack("{s:s}", "name", name);
    free(name);
    return audited_change(c, s, x, hamlet ? "hamlet.delete" : "leader.delete", x->entity, detail, e);
}

int account_hamlet_delete(db *d, int64_t unit_id, int64_t hamlet_id, int64_t actor_id, err *e)
{
    row_ctx x = {.unit_id = unit_id, .row_id = hamlet_id, .actor_id = actor_id, .entity = "hamlet"};
    return db_write(d, row_delete_tx, &x, e);
}

static int leader_update_tx(db *c, void *ctx, err *e)
{
    row_ctx *x = ctx;
    db_stmt *s = db_prepare(c, "UPDATE unit_leaders SET name = ?, title = ?, phone = ? WHERE id = ? AND unit_id = ?");
    db_bind_text(s, 1, x->name);
    db_bind_text(s, 2, x->title);
    db_bind_text(s, 3, x->phone);
    db_bind_int(s, 4, x->row_id);
    db_bind_int(s, 5, x->unit_id);
    return audited_change(c, s, x, "leader.update", "leader",
                          json_pack("{s:s, s:s, s:s}", "name", x->name, "title", x->title, "phone", x->phone), e);
}

int account_leader_update(db *d, int64_t unit_id, int64_t leader_id, const char *name, const char *title,
                          const char *phone, int64_t actor_id, err *e)
{
    if (leader_check(name, title, phone, e) != 0) return -1;
    row_ctx x = {.unit_id = unit_id, .row_id = leader_id, .actor_id = actor_id, .name = name, .title = title,
                 .phone = phone ? phone : ""};
    return db_write(d, leader_update_tx, &x, e);
}

int account_leader_delete(db *d, int64_t unit_id, int64_t leader_id, int64_t actor_id, err *e)
{
    row_ctx x = {.unit_id = unit_id, .row_id = leader_id, .actor_id = actor_id, .entity = "leader"};
    return db_write(d, row_delete_tx, &x, e);
}

bool account_unit_head(db *d, arena *a, int64_t unit_id, const char **name, const char **title)
{
    db_stmt *s = db_prepare(d, "SELECT name, title FROM unit_leaders WHERE unit_id = ? ORDER BY sort, id LIMIT 1");
    db_bind_int(s, 1, unit_id);
    bool found = db_step(s) == DB_ROW;
    *name = found ? arena_strdup(a, db_col_text(s, 0)) : "";
    *title = found ? arena_strdup(a, db_col_text(s, 1)) : "";
    db_done(s);
    return found;
}

bool account_unit_wants_ceremony(db *d, int64_t unit_id)
{
    return db_int_by_id(d, "SELECT letter_ceremony FROM units WHERE id = ?", unit_id, 0) == 1;
}
