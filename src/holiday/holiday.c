/* holiday.c -- see holiday.h: the calendar built from the embedded data and the database,
 * cached; the administrator's changes (`thanthien calendar` is in src/cli/main.c).
 *
 * The embedded files are found through data_file_find() (store/embedded.h, the tables
 * build/embed compiled in). */
#include "holiday.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/clock.h"
#include "../account/account.h"
#include "../audit/audit.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../store/embedded.h"

/* The years the calendar answers for: the lunar rules need 1800..2199 (lunar.h); no
 * dossier is older than 1900. */
#define YEAR_FIRST HOLIDAY_YEAR_FIRST
#define YEAR_LAST HOLIDAY_YEAR_LAST

/* ---- the cache ------------------------------------------------------------------------- */

typedef struct built {
    calendar *c;
    struct built *next;
} built;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static built *handed_out;        /* every calendar built, freed only by holiday_cleanup() */
static calendar *builtin_cal;    /* the embedded data alone */
static calendar *db_cal;         /* embedded data + the database's rows */
static int64_t db_version = -1;  /* calendar_state.version db_cal was built from */

/* Embedded data: rules.tsv, then every schedule-*.tsv in name order (as embedded). */
static int add_builtin(calendar *c, err *e)
{
    const static_asset *rules = data_file_find("rules.tsv");
    if (!rules) {
        err_set(e, 500, "Dữ liệu lịch nghỉ đi kèm chương trình bị thiếu.", "data/calendar/rules.tsv not embedded");
        return -1;
    }
    err inner = {0};
    if (calendar_add_rules_tsv(c, rules->data, rules->size, &inner) != 0) {
        err_set(e, 500, "Dữ liệu lịch nghỉ đi kèm chương trình bị lỗi.", "rules.tsv: %s", inner.user);
        return -1;
    }
    for (size_t i = 0; i < data_files_count; i++) {
        const static_asset *f = &data_files[i];
        if (strncmp(f->name, "schedule-", 9) != 0) continue;
        if (calendar_add_schedule_tsv(c, f->data, f->size, &inner) != 0) {
            err_set(e, 500, "Dữ liệu lịch nghỉ đi kèm chương trình bị lỗi.", "%s: %s", f->name, inner.user);
            return -1;
        }
    }
    return 0;
}

/* The database's imported years replace the built-in schedule of the same year; then every
 * row goes in as an entry. */
static int add_database(calendar *c, db *d, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT year FROM calendar_years ORDER BY year");
    if (!s) goto fail;
    while (db_step(s) == DB_ROW) {
        int year = (int)db_col_int(s, 0);
        calendar_clear_year(c, year);
        calendar_publish_year(c, year);
    }
    db_done(s);
    s = db_prepare(d, "SELECT day, kind, reason FROM calendar_days ORDER BY day");
    if (!s) goto fail;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        cal_entry en = {.kind = !strcmp(db_col_text(s, 1), "work") ? CAL_WORK : CAL_OFF};
        snprintf(en.reason, sizeof en.reason, "%s", db_col_text(s, 2));
        err inner = {0};
        if (!cal_parse_date(db_col_text(s, 0), &en.day) || calendar_add_entry(c, &en, &inner) != 0) {
            err_set(e, 500, "Dữ liệu lịch nghỉ trong cơ sở dữ liệu bị lỗi.", "calendar_days row %s", db_col_text(s, 0));
            db_done(s);
            return -1;
        }
    }
    db_done(s);
    if (rc == DB_DONE) return 0;
fail:
    err_set(e, 500, "Không đọc được lịch nghỉ.", "calendar read: %s", db_errmsg(d));
    return -1;
}

static int64_t stored_version(db *d)
{
    db_stmt *s = db_prepare(d, "SELECT version FROM calendar_state WHERE id = 1");
    int64_t v = s && db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    if (s) db_done(s);
    return v;
}

static calendar *build(db *d, err *e)
{
    calendar *c = calendar_new();
    built *b = malloc(sizeof *b);
    if (!c || !b) {
        calendar_free(c);
        free(b);
        err_set(e, 500, "Hết bộ nhớ.", "calendar build: out of memory");
        return NULL;
    }
    if (add_builtin(c, e) != 0 || (d && add_database(c, d, e) != 0)) {
        calendar_free(c);
        free(b);
        return NULL;
    }
    b->c = c;
    b->next = handed_out;
    handed_out = b;
    return c;
}

const calendar *holiday_calendar(db *d, err *e)
{
    int64_t version = 0;
    if (d && (version = stored_version(d)) < 0) {
        err_set(e, 500, "Không đọc được lịch nghỉ.", "calendar_state: %s", db_errmsg(d));
        return NULL;
    }
    pthread_mutex_lock(&mu);
    calendar *c;
    if (!d) {
        if (!builtin_cal) builtin_cal = build(NULL, e);
        c = builtin_cal;
    } else {
        if (!db_cal || db_version != version) {
            db_cal = build(d, e);
            db_version = db_cal ? version : -1;
        }
        c = db_cal;
    }
    pthread_mutex_unlock(&mu);
    return c;
}

void holiday_invalidate(void)
{
    pthread_mutex_lock(&mu);
    db_cal = NULL;
    db_version = -1;
    pthread_mutex_unlock(&mu);
}

void holiday_cleanup(void)
{
    pthread_mutex_lock(&mu);
    while (handed_out) {
        built *b = handed_out;
        handed_out = b->next;
        calendar_free(b->c);
        free(b);
    }
    builtin_cal = db_cal = NULL;
    db_version = -1;
    pthread_mutex_unlock(&mu);
}

cal_unit holiday_unit(db *d, int64_t unit_id)
{
    cal_unit u = CAL_UNIT_DEFAULT;
    db_stmt *s = db_prepare(d, "SELECT cutoff_minutes, saturday_service, saturday_counts FROM units WHERE id = ?");
    if (!s) return u;
    db_bind_int(s, 1, unit_id);
    if (db_step(s) == DB_ROW) {
        u.cutoff_minutes = (int)db_col_int(s, 0);
        u.saturday_service = db_col_int(s, 1) != 0;
        u.saturday_counts = db_col_int(s, 2) != 0;
    }
    db_done(s);
    return u;
}

/* ---- changes --------------------------------------------------------------------------- */

static int bump_version(db *d)
{
    return db_exec(d, "UPDATE calendar_state SET version = version + 1 WHERE id = 1") == DB_DONE ? 0 : -1;
}

/* The end of a calendar write: 0, or -1 with a 500 (db_write then undoes it). */
static int finish(db *c, bool ok, const char *what, err *e)
{
    if (ok) return 0;
    err_set(e, 500, "Không lưu được lịch nghỉ.", "%s: %s", what, db_errmsg(c));
    return -1;
}

/* Runs a calendar change; once it is committed, this process's cached calendar is dropped
 * (other processes see calendar_state.version move). */
static int calendar_write(db *d, db_write_fn fn, void *ctx, err *e)
{
    if (db_write(d, fn, ctx, e) != 0) return -1;
    holiday_invalidate();
    return 0;
}

typedef struct {
    const char *day, *kind, *reason;
    int year;
    int64_t actor_id;
} day_ctx;

static int day_save_tx(db *c, void *ctx, err *e)
{
    day_ctx *x = ctx;
    int64_t now = (int64_t)clock_now();
    db_stmt *s = db_prepare(c, "INSERT INTO calendar_days (day, year, kind, reason, source, created_by, created_at) "
                               "VALUES (?, ?, ?, ?, 'admin', ?, ?) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, "
                               "reason = excluded.reason, source = excluded.source, created_by = excluded.created_by, "
                               "created_at = excluded.created_at");
    bool ok = s != NULL;
    if (ok) {
        db_bind_text(s, 1, x->day);
        db_bind_int(s, 2, x->year);
        db_bind_text(s, 3, x->kind);
        db_bind_text(s, 4, x->reason);
        if (x->actor_id) db_bind_int(s, 5, x->actor_id);
        else db_bind_null(s, 5);
        db_bind_int(s, 6, now);
        ok = db_step(s) == DB_DONE;
        db_done(s);
    }
    ok = ok && bump_version(c) == 0 &&
         audit_append(c, now, x->actor_id, 0, "calendar.day", "calendar_day", 0,
                      json_pack("{s:s, s:s, s:s}", "day", x->day, "kind", x->kind, "reason", x->reason)) == 0;
    return finish(c, ok, "calendar day", e);
}

int holiday_day_save(db *d, const char *day, const char *kind, const char *reason, int64_t actor_id, err *e)
{
    cal_day when;
    if (!cal_parse_date(day, &when)) {
        err_set(e, 400, "Ngày phải có dạng YYYY-MM-DD và là một ngày có thật.", "bad day");
        err_field(e, "ngay");
        return -1;
    }
    int y, m, dd;
    cal_to_ymd(when, &y, &m, &dd);
    if (y < YEAR_FIRST || y > YEAR_LAST) {
        err_set(e, 400, "Năm phải từ 1900 đến 2199.", "day out of range");
        err_field(e, "ngay");
        return -1;
    }
    if (!kind || (strcmp(kind, "off") && strcmp(kind, "work"))) {
        err_set(e, 400, "Hãy chọn ngày nghỉ hoặc ngày làm việc.", "bad kind");
        err_field(e, "loai");
        return -1;
    }
    if (text_is_blank(reason) || text_char_count(reason) > 100 || strlen(reason) >= sizeof(((cal_entry *)0)->reason)) {
        err_set(e, 400, "Lý do không được để trống và không quá 100 ký tự.", "bad reason");
        err_field(e, "ly_do");
        return -1;
    }
    day_ctx x = {.day = day, .year = y, .kind = kind, .reason = reason, .actor_id = actor_id};
    return calendar_write(d, day_save_tx, &x, e);
}

typedef struct {
    cal_entry en;
    int line;
} import_row;

/* Checks every line; problems go to the report. Returns the number of good rows. */
static int import_check(arena *a, int year, const char *data, size_t len, import_row **rows, buf *report, int *errors)
{
    int n = 0, cap = 0, line = 0;
    *rows = NULL;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = (size_t)((nl ? nl : end) - p);
        line++;
        cal_entry en;
        const char *why = NULL;
        int rc = cal_schedule_line(p, l, &en, &why);
        p = nl ? nl + 1 : end;
        char day[11];
        if (rc == 1) {
            int y, m, d;
            cal_to_ymd(en.day, &y, &m, &d);
            cal_format(en.day, day);
            if (y != year) {
                why = arena_printf(a, "ngày %s không thuộc năm %d", day, year);
                rc = -1;
            }
            for (int i = 0; rc == 1 && i < n; i++) {
                if ((*rows)[i].en.day != en.day) continue;
                why = arena_printf(a, "ngày %s đã có ở dòng %d", day, (*rows)[i].line);
                rc = -1;
            }
        }
        if (rc < 0) {
            if (++*errors <= 200) buf_printf(report, "dòng %d: %s\n", line, why);
            continue;
        }
        if (rc == 0) continue;
        if (n == cap) {
            import_row *bigger = arena_alloc(a, (size_t)(cap = cap ? cap * 2 : 64) * sizeof(import_row));
            if (n) memcpy(bigger, *rows, (size_t)n * sizeof(import_row));
            *rows = bigger;
        }
        (*rows)[n++] = (import_row){en, line};
    }
    return n;
}

typedef struct {
    int year, n;
    const import_row *rows;
    const char *source;
    int64_t actor_id;
} import_ctx;

/* The year's days replaced by the file's, in one write. */
static int import_tx(db *c, void *ctx, err *e)
{
    import_ctx *x = ctx;
    int year = x->year, n = x->n;
    const import_row *rows = x->rows;
    const char *source = x->source;
    int64_t actor_id = x->actor_id;
    int64_t now = (int64_t)clock_now();
    db_stmt *s = db_prepare(c, "DELETE FROM calendar_days WHERE year = ?");
    bool ok = s != NULL;
    if (ok) {
        db_bind_int(s, 1, year);
        ok = db_step(s) == DB_DONE;
        db_done(s);
    }
    for (int i = 0; ok && i < n; i++) {
        s = db_prepare(c, "INSERT INTO calendar_days (day, year, kind, reason, source, created_by, created_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)");
        if (!s) {
            ok = false;
            break;
        }
        char day[11];
        cal_format(rows[i].en.day, day);
        db_bind_text(s, 1, day);
        db_bind_int(s, 2, year);
        db_bind_text(s, 3, rows[i].en.kind == CAL_WORK ? "work" : "off");
        db_bind_text(s, 4, rows[i].en.reason);
        db_bind_text(s, 5, source);
        if (actor_id) db_bind_int(s, 6, actor_id);
        else db_bind_null(s, 6);
        db_bind_int(s, 7, now);
        ok = db_step(s) == DB_DONE;
        db_done(s);
    }
    if (ok && (s = db_prepare(c, "INSERT INTO calendar_years (year, source, imported_by, imported_at) VALUES (?, ?, ?, ?) "
                                 "ON CONFLICT (year) DO UPDATE SET source = excluded.source, "
                                 "imported_by = excluded.imported_by, imported_at = excluded.imported_at"))) {
        db_bind_int(s, 1, year);
        db_bind_text(s, 2, source);
        if (actor_id) db_bind_int(s, 3, actor_id);
        else db_bind_null(s, 3);
        db_bind_int(s, 4, now);
        ok = db_step(s) == DB_DONE;
        db_done(s);
    } else {
        ok = false;
    }
    ok = ok && bump_version(c) == 0 &&
         audit_append(c, now, actor_id, 0, "calendar.import", "calendar_year", year,
                      json_pack("{s:i, s:i, s:s}", "year", year, "days", n, "source", source)) == 0;
    return finish(c, ok, "calendar import", e);
}

int holiday_import(db *d, arena *a, int year, const char *data, size_t len, const char *source, int64_t actor_id,
                   int *count, char **out_report, err *e)
{
    *count = 0;
    buf report;
    buf_init(&report, a);
    *out_report = (char *)buf_cstr(&report);
    if (year < YEAR_FIRST || year > YEAR_LAST) {
        err_set(e, 400, "Năm phải từ 1900 đến 2199.", "import year %d", year);
        err_field(e, "nam");
        return -1;
    }
    if (len > 256 * 1024) {
        err_set(e, 400, "Tệp lịch quá lớn (tối đa 256 KB).", "import %zu bytes", len);
        return -1;
    }
    int errors = 0;
    import_row *rows;
    int n = import_check(a, year, data, len, &rows, &report, &errors);
    if (!errors && n == 0) {
        buf_printf(&report, "dòng 1: tệp không có ngày nào của năm %d\n", year);
        errors++;
    }
    *out_report = (char *)buf_cstr(&report);
    if (errors) {
        err_set(e, 400, "Tệp lịch có lỗi; chưa có dòng nào được lưu.", "calendar import: %d errors", errors);
        return -1;
    }
    import_ctx x = {.year = year, .rows = rows, .n = n, .source = source ? source : "", .actor_id = actor_id};
    if (calendar_write(d, import_tx, &x, e) != 0) return -1;
    *count = n;
    return 0;
}

const char *holiday_year_source(db *d, arena *a, int year)
{
    db_stmt *s = db_prepare(d, "SELECT source FROM calendar_years WHERE year = ?");
    if (!s) return NULL;
    db_bind_int(s, 1, year);
    const char *src = db_step(s) == DB_ROW ? arena_strdup(a, db_col_text(s, 0)) : NULL;
    db_done(s);
    return src;
}

/* "HH:MM" -> minutes, or -1 */
static int parse_hhmm(const char *s)
{
    int minutes;
    return vn_parse_hhmm(s, &minutes) ? minutes : -1;
}

typedef struct {
    int64_t unit_id, actor_id;
    int minutes;
    const char *cutoff;
    bool saturday_counts;
} unit_ctx;

static int unit_save_tx(db *c, void *ctx, err *e)
{
    unit_ctx *x = ctx;
    int64_t now = (int64_t)clock_now();
    db_stmt *s = db_prepare(c, "UPDATE units SET cutoff_minutes = ?, saturday_counts = ? WHERE id = ?");
    bool ok = s != NULL;
    if (ok) {
        db_bind_int(s, 1, x->minutes);
        db_bind_int(s, 2, x->saturday_counts);
        db_bind_int(s, 3, x->unit_id);
        ok = db_step(s) == DB_DONE;
        db_done(s);
    }
    if (ok && db_changes(c) != 1) {
        err_set(e, 404, "Không tìm thấy đơn vị.", "unit %lld", (long long)x->unit_id);
        return -1;
    }
    ok = ok && audit_append(c, now, x->actor_id, x->unit_id, "unit.calendar", "unit", x->unit_id,
                            json_pack("{s:s, s:b}", "cutoff", x->cutoff, "saturday_counts", x->saturday_counts)) == 0;
    return finish(c, ok, "unit calendar settings", e);
}

int holiday_unit_save(db *d, int64_t unit_id, const char *cutoff, bool saturday_counts, int64_t actor_id, err *e)
{
    int minutes = parse_hhmm(cutoff);
    if (minutes < 0) {
        err_set(e, 400, "Giờ tiếp nhận cuối trong ngày phải có dạng HH:MM, ví dụ 15:00.", "bad cutoff");
        err_field(e, "gio_chot");
        return -1;
    }
    if (unit_id <= 0) {
        err_set(e, 404, "Không tìm thấy đơn vị.", "unit %lld", (long long)unit_id);
        return -1;
    }
    unit_ctx x = {.unit_id = unit_id, .minutes = minutes, .cutoff = cutoff, .saturday_counts = saturday_counts,
                  .actor_id = actor_id};
    return calendar_write(d, unit_save_tx, &x, e);
}
