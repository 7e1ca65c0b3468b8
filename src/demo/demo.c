/* demo.c -- builds the demonstration database (see demo.h). */
#include "demo.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "../account/account.h"
#include "../assess/cycle.h"
#include "../audit/audit.h"
#include "../catalog/catalog.h"
#include "../feedback/feedback.h"
#include "../letter/letter.h"
#include "../reception/reception.h"
#include "../survey/rating.h"
#include "../survey/survey.h"

static const char *s(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static int add_units(db *d, json_t *units, err *e)
{
    size_t i;
    json_t *u;
    json_array_foreach(units, i, u) {
        unit_fields f = {
            .code = s(u, "code"), .kind = s(u, "kind"), .name = s(u, "name"), .parent_code = s(u, "parent"),
            .address = s(u, "address"), .phone = s(u, "phone"), .email = s(u, "email"), .desk_phone = s(u, "desk_phone"),
            .desk_name = strcmp(s(u, "kind"), "commune") ? "Bộ phận Một cửa" : "Trung tâm Phục vụ hành chính công",
            .desk_hours = s(u, "desk_hours"), .saturday_service = json_is_true(json_object_get(u, "saturday_service")),
            .letter_ceremony = json_is_true(json_object_get(u, "letter_ceremony")),
            .saturday_hours = s(u, "saturday_hours"), .reception_place = s(u, "reception_place"),
            .reception_hours = s(u, "reception_hours"),
        };
        if (account_unit_save(d, &f, true, 0, 0, e) != 0) return -1;
        int64_t id = account_unit_id(d, f.code);
        size_t k;
        json_t *x;
        json_array_foreach(json_object_get(u, "leaders"), k, x) {
            if (account_leader_add(d, id, s(x, "name"), s(x, "title"), s(x, "phone"), (int)k) != DB_DONE) goto fail;
        }
        json_array_foreach(json_object_get(u, "hamlets"), k, x) {
            json_t *h = json_object_get(x, "households"), *v = json_object_get(x, "voters");
            if (account_hamlet_add(d, id, s(x, "name"), h ? json_integer_value(h) : -1, v ? json_integer_value(v) : -1) !=
                DB_DONE)
                goto fail;
        }
    }
    return 0;
fail:
    err_set(e, 500, "Không tạo được dữ liệu mẫu.", "leaders/hamlets: %s", db_errmsg(d));
    return -1;
}

/* The first commune, the second commune and the province get the demo accounts every test
 * knows; the other units get theirs from their "accounts" in units.json. */
static int add_users(db *d, json_t *units, err *e)
{
    const char *province = NULL, *c1 = NULL, *c2 = NULL, *dept = NULL;
    size_t i;
    json_t *u;
    json_array_foreach(units, i, u) {
        const char *kind = s(u, "kind");
        if (!strcmp(kind, "province") && !province) province = s(u, "code");
        else if (!strcmp(kind, "commune") && !c1) c1 = s(u, "code");
        else if (!strcmp(kind, "commune") && !c2) c2 = s(u, "code");
        else if (!strcmp(kind, "department") && !dept) dept = s(u, "code");
    }
    if (!province || !c1 || !c2) {
        err_set(e, 500, "Dữ liệu mẫu cần một tỉnh và ít nhất hai xã.", "demo units incomplete");
        return -1;
    }
    struct {
        const char *unit, *role, *username, *full_name;
    } users[] = {
        {province, "admin", "admin", "Quản trị hệ thống"},
        {province, "assessor", "thamdinh", "Nguyễn Thị Thẩm Định"},
        {c1, "officer", "canbo1", "Trần Văn Một Cửa"},
        {c1, "specialist", "chuyenvien1", "Lê Thị Chuyên Viên"},
        {c1, "leader", "lanhdao1", "Phạm Văn Lãnh Đạo"},
        {c1, "board", "bantt1", "Hoàng Thị Thanh Tra"},
        {c2, "officer", "canbo2", "Đỗ Văn Hai"},
        {dept ? dept : province, "officer", "congchuc.so", "Vũ Thị Công Sở"},
    };
    /* one argon2id run for the demo password, its hash shared by every account (a run takes
     * a tenth of a second, several under the sanitizers: once per account was most of the demo) */
    int64_t first = 0;
    if (account_user_add(d, users[0].unit, users[0].role, users[0].username, users[0].full_name, DEMO_PASSWORD, 0, &first,
                         e) != 0)
        return -1;
    db_stmt *st = db_prepare(d, "SELECT password_hash FROM users WHERE id = ?");
    db_bind_int(st, 1, first);
    char hash[256] = "";
    if (db_step(st) == DB_ROW) snprintf(hash, sizeof hash, "%s", db_col_text(st, 0));
    db_done(st);
    for (size_t k = 1; k < sizeof users / sizeof users[0]; k++)
        if (account_user_add_hashed(d, users[k].unit, users[k].role, users[k].username, users[k].full_name, hash, 0, NULL,
                                    e) != 0)
            return -1;
    /* the other units' accounts (an officer and a leader each) are listed in units.json */
    json_array_foreach(units, i, u) {
        size_t k;
        json_t *x;
        json_array_foreach(json_object_get(u, "accounts"), k, x) {
            if (account_user_add_hashed(d, s(u, "code"), s(x, "role"), s(x, "username"), s(x, "full_name"), hash, 0, NULL,
                                        e) != 0)
                return -1;
        }
    }
    return 0;
}

int demo_create(db *d, err *e)
{
    db_stmt *st = db_prepare(d, "SELECT count(*) FROM units");
    int64_t existing = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    if (existing != 0) {
        err_set(e, 409, "Cơ sở dữ liệu đã có đơn vị; dữ liệu mẫu chỉ tạo trên cơ sở dữ liệu trống.", "units: %lld",
                (long long)existing);
        return -1;
    }
    const static_asset *units_file = demo_file_find("units.json"), *procs = demo_file_find("procedures.csv");
    if (!units_file || !procs) {
        err_set(e, 500, "Thiếu tệp dữ liệu mẫu.", "demo files not embedded");
        return -1;
    }
    json_error_t je;
    json_t *doc = json_loadb(units_file->data, units_file->size, 0, &je);
    json_t *units = json_object_get(doc, "units");
    if (!json_is_array(units)) {
        json_decref(doc);
        err_set(e, 500, "Tệp đơn vị mẫu không đọc được.", "units.json: %s", je.text);
        return -1;
    }
    int rc = add_units(d, units, e);
    if (rc == 0) rc = add_users(d, units, e);
    json_decref(doc);
    if (rc != 0) return -1;
    arena *a = arena_new();
    int imported = 0;
    char *report = NULL;
    rc = catalog_import_csv(d, a, procs->data, procs->size, 0, NULL, NULL, &imported, &report, e);
    if (rc != 0) fprintf(stderr, "%s", report ? report : "");
    arena_free(a);
    return rc;
}

/* feedback_demo() and reception_demo() fill the first demo units (05443, 05602, 19-SNV) with
 * their hand-written cases too; every other commune and department gets two years of the
 * citizen's voice here, each from its own seed. */
static int voice_of_other_units(db *d, void *ctx, err *e)
{
    int64_t now = *(const int64_t *)ctx;
    int rc = 0;
    db_stmt *s = db_prepare(d, "SELECT id FROM units WHERE kind IN ('commune', 'department') "
                               "AND code NOT IN ('05443', '05602', '19-SNV') ORDER BY id");
    if (!s) return -1;
    while (rc == 0 && db_step(s) == DB_ROW) {
        int64_t u = db_col_int(s, 0);
        rc = feedback_demo_unit(d, u, now, DEMO_SEED ^ (uint64_t)u, e) < 0 ? -1 : 0;
        if (rc == 0) rc = reception_demo_unit(d, u, now, DEMO_SEED ^ (uint64_t)u, e) < 0 ? -1 : 0;
    }
    db_done(s);
    return rc;
}

/* The history every unit starts from, in the order each part needs the one before: dossiers
 * (every commune and department, each with its profile), the letters they led to, ratings of
 * the returned ones, surveys, feedback, receptions and dialogues. */
int demo_history(db *d, int64_t now, err *e)
{
    if (demo_dossiers(d, now, DEMO_SEED, e)) return -1;
    arena *a = arena_new();
    int rc = letter_demo(d, a, now, DEMO_SEED, e) < 0 ? -1 : 0;
    if (rc == 0) rc = rating_demo(d, a, now, DEMO_SEED, e) < 0 ? -1 : 0;
    if (rc == 0) rc = survey_demo(d, a, now, DEMO_SEED, e) < 0 ? -1 : 0;
    if (rc == 0) rc = feedback_demo(d, a, now, e) < 0 ? -1 : 0;
    if (rc == 0) rc = reception_demo(d, a, now, e);
    if (rc == 0) rc = db_write(d, voice_of_other_units, &now, e);
    /* assessment cycles in every state, by the shipped example sets (src/assess/cycle_demo.c) */
    if (rc == 0) rc = cycle_demo(d, account_unit_id(d, "19"), now, DEMO_SEED, e);
    arena_free(a);
    return rc;
}

/* A benchmark database's other features (`demo --dossiers N --voice`): ratings of its returned
 * dossiers, and for every commune and department (the fictional ones get a chairman, whom the
 * reception schedule needs) two years of feedback and receptions, so that the province's view
 * is measured over all of its figures, not the dossiers alone. */
static int voice_of_every_unit(db *d, void *ctx, err *e)
{
    int64_t now = *(const int64_t *)ctx;
    int rc = 0;
    db_stmt *s = db_prepare(d, "SELECT u.id, u.kind, EXISTS (SELECT 1 FROM unit_leaders l WHERE l.unit_id = u.id) "
                               "FROM units u WHERE u.kind IN ('commune', 'department') ORDER BY u.id");
    if (!s) return -1;
    while (rc == 0 && db_step(s) == DB_ROW) {
        int64_t u = db_col_int(s, 0);
        bool commune = !strcmp(db_col_text(s, 1), "commune");
        if (!db_col_int(s, 2) &&
            account_leader_add(d, u, "Nguyễn Văn Thử", commune ? "Chủ tịch UBND xã" : "Giám đốc Sở", "", 1) != DB_DONE)
            rc = -1;
        if (rc == 0) rc = feedback_demo_unit(d, u, now, DEMO_SEED ^ (uint64_t)u, e) < 0 ? -1 : 0;
        if (rc == 0) rc = reception_demo_unit(d, u, now, DEMO_SEED ^ (uint64_t)u, e) < 0 ? -1 : 0;
    }
    db_done(s);
    if (rc && !e->status) err_set(e, 500, N_("Không tạo được dữ liệu mẫu."), "bulk voice: %s", db_errmsg(d));
    return rc;
}

int demo_bulk_voice(db *d, int64_t now, err *e)
{
    arena *a = arena_new();
    int rc = rating_demo(d, a, now, DEMO_SEED, e) < 0 ? -1 : 0;
    arena_free(a);
    if (rc == 0) rc = db_write(d, voice_of_every_unit, &now, e);
    return rc;
}
