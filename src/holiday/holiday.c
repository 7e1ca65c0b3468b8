/* holiday.c -- see holiday.h: the calendar built from the embedded data and the database,
 * cached; the administrator's changes; `thanthien calendar`.
 *
 * The embedded files are found through data_file_find() (web/static.h): that header only
 * declares the table of files build/embed compiled in, no web code runs. */
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
#include "../web/static.h"

/* The years the calendar answers for: the lunar rules need 1800..2199 (lunar.h); no
 * dossier is older than 1900. */
#define YEAR_FIRST 1900
#define YEAR_LAST 2199

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

/* Commits the caller's write transaction, or rolls it back with a 500. */
static int finish(db *d, bool ok, const char *what, err *e)
{
    if (ok && db_commit(d) == DB_DONE) {
        holiday_invalidate();
        return 0;
    }
    err_set(e, 500, "Không lưu được lịch nghỉ.", "%s: %s", what, db_errmsg(d));
    db_rollback(d);
    return -1;
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
    int64_t now = (int64_t)clock_now();
    if (db_begin_write_or_busy(d, e) != 0) return -1;
    db_stmt *s = db_prepare(d, "INSERT INTO calendar_days (day, year, kind, reason, source, created_by, created_at) "
                               "VALUES (?, ?, ?, ?, 'admin', ?, ?) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, "
                               "reason = excluded.reason, source = excluded.source, created_by = excluded.created_by, "
                               "created_at = excluded.created_at");
    bool ok = s != NULL;
    if (ok) {
        db_bind_text(s, 1, day);
        db_bind_int(s, 2, y);
        db_bind_text(s, 3, kind);
        db_bind_text(s, 4, reason);
        if (actor_id) db_bind_int(s, 5, actor_id);
        else db_bind_null(s, 5);
        db_bind_int(s, 6, now);
        ok = db_step(s) == DB_DONE;
        db_done(s);
    }
    ok = ok && bump_version(d) == 0 &&
         audit_append(d, now, actor_id, 0, "calendar.day", "calendar_day", 0,
                      json_pack("{s:s, s:s, s:s}", "day", day, "kind", kind, "reason", reason)) == 0;
    return finish(d, ok, "calendar day", e);
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
    int64_t now = (int64_t)clock_now();
    if (db_begin_write_or_busy(d, e) != 0) return -1;
    db_stmt *s = db_prepare(d, "DELETE FROM calendar_days WHERE year = ?");
    bool ok = s != NULL;
    if (ok) {
        db_bind_int(s, 1, year);
        ok = db_step(s) == DB_DONE;
        db_done(s);
    }
    for (int i = 0; ok && i < n; i++) {
        s = db_prepare(d, "INSERT INTO calendar_days (day, year, kind, reason, source, created_by, created_at) "
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
        db_bind_text(s, 5, source ? source : "");
        if (actor_id) db_bind_int(s, 6, actor_id);
        else db_bind_null(s, 6);
        db_bind_int(s, 7, now);
        ok = db_step(s) == DB_DONE;
        db_done(s);
    }
    if (ok && (s = db_prepare(d, "INSERT INTO calendar_years (year, source, imported_by, imported_at) VALUES (?, ?, ?, ?) "
                                 "ON CONFLICT (year) DO UPDATE SET source = excluded.source, "
                                 "imported_by = excluded.imported_by, imported_at = excluded.imported_at"))) {
        db_bind_int(s, 1, year);
        db_bind_text(s, 2, source ? source : "");
        if (actor_id) db_bind_int(s, 3, actor_id);
        else db_bind_null(s, 3);
        db_bind_int(s, 4, now);
        ok = db_step(s) == DB_DONE;
        db_done(s);
    } else {
        ok = false;
    }
    ok = ok && bump_version(d) == 0 &&
         audit_append(d, now, actor_id, 0, "calendar.import", "calendar_year", year,
                      json_pack("{s:i, s:i, s:s}", "year", year, "days", n, "source", source ? source : "")) == 0;
    if (finish(d, ok, "calendar import", e) != 0) return -1;
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
    if (!s || strlen(s) != 5 || s[2] != ':') return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9')) return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    return h < 24 && m < 60 ? h * 60 + m : -1;
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
    int64_t now = (int64_t)clock_now();
    if (db_begin_write_or_busy(d, e) != 0) return -1;
    db_stmt *s = db_prepare(d, "UPDATE units SET cutoff_minutes = ?, saturday_counts = ? WHERE id = ?");
    bool ok = s != NULL;
    if (ok) {
        db_bind_int(s, 1, minutes);
        db_bind_int(s, 2, saturday_counts);
        db_bind_int(s, 3, unit_id);
        ok = db_step(s) == DB_DONE;
        db_done(s);
    }
    if (ok && db_changes(d) != 1) {
        db_rollback(d);
        err_set(e, 404, "Không tìm thấy đơn vị.", "unit %lld", (long long)unit_id);
        return -1;
    }
    ok = ok && audit_append(d, now, actor_id, unit_id, "unit.calendar", "unit", unit_id,
                            json_pack("{s:s, s:b}", "cutoff", cutoff, "saturday_counts", saturday_counts)) == 0;
    return finish(d, ok, "unit calendar settings", e);
}

/* ---- `thanthien calendar` ----------------------------------------------------------------- */

/* The command line's conventions (src/cli/main.c): options from a table, "--name value" or
 * "--name=value"; a wrong argument is reported with the usage and exit code 2. */

static const char *cli_usage = "calendar --year Y [--unit CODE] [--db PATH]\n"
                               "       thanthien calendar --due --from \"YYYY-MM-DD HH:MM\" --days N [--unit CODE] [--db PATH]";

typedef struct {
    const char *name;
    bool takes_value;
    const char *value;
    bool seen;
} cli_opt;

static int cli_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "thanthien calendar: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nusage: thanthien %s\n", cli_usage);
    return 2;
}

static int cli_parse(int argc, char **argv, cli_opt *opts)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) return cli_error("unexpected argument '%s'", a);
        const char *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
        cli_opt *o = NULL;
        for (cli_opt *p = opts; p->name; p++)
            if (strlen(p->name) == n && !strncmp(p->name, a, n)) o = p;
        if (!o) return cli_error("unknown option '%s'", a);
        if (o->seen) return cli_error("option '%s' given twice", o->name);
        o->seen = true;
        if (o->takes_value) {
            if (eq) o->value = eq + 1;
            else if (i + 1 < argc) o->value = argv[++i];
            else return cli_error("option '%s' needs a value", o->name);
        } else if (eq) {
            return cli_error("option '%s' takes no value", o->name);
        }
    }
    return 0;
}

static cli_opt *cli_get(cli_opt *opts, const char *name)
{
    for (cli_opt *p = opts; p->name; p++)
        if (!strcmp(p->name, name)) return p;
    return NULL;
}

/* "YYYY-MM-DD HH:MM" (or with a T) in Vietnam's time -> Unix seconds */
static bool parse_local_time(const char *s, int64_t *out)
{
    char date[11];
    if (!s || strlen(s) != 16 || (s[10] != ' ' && s[10] != 'T')) return false;
    memcpy(date, s, 10);
    date[10] = '\0';
    cal_day day;
    int minutes = parse_hhmm(s + 11);
    if (!cal_parse_date(date, &day) || minutes < 0) return false;
    *out = cal_instant(day, minutes);
    return true;
}

static int cli_year(const calendar *c, const cal_unit *u, int year)
{
    cal_entry *days = NULL;
    int n = calendar_year(c, u, year, &days);
    if (n < 0) {
        fprintf(stderr, "thanthien calendar: out of memory\n");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        if (days[i].kind != CAL_OFF) continue;
        char iso[11];
        cal_format(days[i].day, iso);
        printf("%s\t%s\n", iso, days[i].reason);
    }
    free(days);
    return 0;
}

static int cli_due(const calendar *c, const cal_unit *u, int64_t received, int days)
{
    char d0[11], due[11];
    cal_format(calendar_start_day(c, u, received), d0);
    int64_t at = calendar_due_at(c, u, received, days);
    cal_format(cal_local_day(at), due);
    int minutes = cal_local_minutes(at);
    printf("start (D0)\t%s\n", d0);
    printf("due\t%s %02d:%02d\n", due, minutes / 60, minutes % 60);
    printf("%s\n", due);
    return 0;
}

int holiday_cli(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: thanthien %s\n\nPrints the year's days off and why (YYYY-MM-DD<TAB>reason a line), or the due "
                   "date of a procedure of N working days received at the given local time (UTC+7), on the last line. "
                   "Without --db the built-in holiday rules and published schedules are used; --unit (with --db) applies "
                   "the unit's cut-off hour and Saturday service.\n",
                   cli_usage);
            return 0;
        }
    }
    cli_opt opts[] = {{"--year", 1}, {"--due", 0}, {"--from", 1}, {"--days", 1}, {"--unit", 1}, {"--db", 1}, {NULL, 0}};
    if (cli_parse(argc, argv, opts)) return 2;
    bool due = cli_get(opts, "--due")->seen;
    const char *year_s = cli_get(opts, "--year")->value, *from = cli_get(opts, "--from")->value;
    const char *days_s = cli_get(opts, "--days")->value, *unit = cli_get(opts, "--unit")->value;
    const char *path = cli_get(opts, "--db")->value;
    int64_t year = 0, days = 0, received = 0;
    if (due == (year_s != NULL)) return cli_error("%s", "give either --year Y or --due --from ... --days N");
    if (!due && (from || days_s)) return cli_error("%s", "--from and --days go with --due");
    if (year_s && (!text_parse_uint(year_s, YEAR_LAST, &year) || year < YEAR_FIRST))
        return cli_error("--year must be a year from 1900 to 2199, got '%s'", year_s);
    if (due && !parse_local_time(from, &received))
        return cli_error("--from must be \"YYYY-MM-DD HH:MM\" (a real date, local time), got '%s'", from ? from : "");
    if (due && (!days_s || !text_parse_uint(days_s, CAL_MAX_DAYS, &days)))
        return cli_error("--days must be a whole number of working days from 0 to 3650, got '%s'", days_s ? days_s : "");
    if (unit && !path) return cli_error("%s", "--unit needs --db (units live in the database)");
    int64_t from_year = due ? 0 : year;
    if (due) {
        int y, m, d;
        cal_to_ymd(cal_local_day(received), &y, &m, &d);
        from_year = y;
    }
    if (from_year < YEAR_FIRST || from_year > YEAR_LAST)
        return cli_error("the date must be in the years 1900 to 2199, got '%s'", from ? from : year_s);

    err e = {0};
    db *d = NULL;
    if (path) {
        d = db_open(path, &e);
        if (!d || db_migrate(d, &e) != 0) {
            fprintf(stderr, "thanthien calendar: %s (%s)\n", e.user, e.log);
            db_close(d);
            return 1;
        }
    }
    cal_unit u = CAL_UNIT_DEFAULT;
    if (unit) {
        int64_t id = account_unit_id(d, unit);
        if (id < 0) {
            db_close(d);
            return cli_error("unknown unit '%s'", unit);
        }
        u = holiday_unit(d, id);
    }
    const calendar *c = holiday_calendar(d, &e);
    int rc;
    if (!c) {
        fprintf(stderr, "thanthien calendar: %s (%s)\n", e.user, e.log);
        rc = 1;
    } else {
        rc = due ? cli_due(c, &u, received, (int)days) : cli_year(c, &u, (int)year);
    }
    db_close(d);
    holiday_cleanup();
    return rc;
}
