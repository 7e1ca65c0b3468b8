/* demo.c -- builds the demonstration database (see demo.h). */
#include "demo.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "../account/account.h"
#include "../audit/audit.h"
#include "../catalog/catalog.h"

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

/* The first commune, the second commune and the province get the demo accounts. */
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
    for (size_t k = 0; k < sizeof users / sizeof users[0]; k++)
        if (account_user_add(d, users[k].unit, users[k].role, users[k].username, users[k].full_name, DEMO_PASSWORD, 0,
                             NULL, e) != 0)
            return -1;
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
