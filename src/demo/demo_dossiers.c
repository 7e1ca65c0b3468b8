/* demo_dossiers.c -- dossiers for the demonstration and for benchmarks (see demo.h).
 *
 * Each dossier is simulated from its receipt: a plan of events (hand-overs, a supplement
 * request and the resume, an apology, the result, the return, or a refusal or withdrawal),
 * each with its instant, made with the working-day calendar and the same rules the state
 * machine enforces (dossier.c): a hand-over's own deadline is never before the hand-over, an
 * apology is made on or the day before the due day with a later working day, a supplement is
 * asked once and restarts the clock. The events up to `now` are then applied, so recent
 * dossiers are still open, in the state they would be in today. The rows are written with
 * the columns dossier_create and the actions write (codes in the national format with their
 * per-day sequence, lookup secrets, register-book numbers, control-sheet steps, notices and
 * their yearly numbers, the counters that later intakes continue from).
 *
 * Not written: audit rows and notifications. These dossiers are history the demonstration
 * starts from, not actions of its users, and a queued message per historic event would be
 * sent to invented people the moment the server starts.
 *
 * Everything random comes from one seeded generator (splitmix64), so the same seed and the
 * same `now` give the same database. */
#include "demo.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../account/account.h"
#include "../catalog/catalog.h"
#include "../core/calendar.h"
#include "../core/rng.h"
#include "../core/text.h"
#include "../holiday/holiday.h"

/* ---- the generator ------------------------------------------------------------------------ */



static double uniform(rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }
static bool chance(rng *r, double p) { return uniform(r) < p; }
static int between(rng *r, int lo, int hi) { return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1)); }

/* A count that varies around mean as a day's arrivals do (binomial, close to Poisson). */
static int around(rng *r, double mean)
{
    int n = (int)(mean * 4) + 1, k = 0;
    double p = mean / n;
    for (int i = 0; i < n; i++) k += chance(r, p);
    return k;
}

/* ---- people, places, papers ------------------------------------------------------------------- */

static const char *const SURNAMES[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô",
                                       "Dương", "Lý", "Hà", "Lương", "Đinh", "Ma", "Nông", "La", "Triệu", "Lường"};
static const char *const MIDDLE_M[] = {"Văn", "Đức", "Minh", "Hữu", "Quang", "Xuân", "Thành", "Công"};
static const char *const MIDDLE_F[] = {"Thị", "Thị", "Thu", "Ngọc", "Thanh", "Kim", "Minh", "Hồng"};
static const char *const GIVEN_M[] = {"Anh", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Long", "Nam", "Phong",
                                      "Quân", "Sơn", "Tuấn", "Hiếu", "Khánh", "Thắng", "Tùng", "Đạt", "Trung"};
static const char *const GIVEN_F[] = {"Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc",
                                      "Phương", "Tâm", "Thảo", "Trang", "Vân", "Yến", "Hằng", "Thủy"};
#define COUNT(x) (sizeof(x) / sizeof((x)[0]))

/* Folded (ASCII) copies of the name parts, for e-mail addresses. */
typedef struct {
    char **sur, **mid_m, **mid_f, **giv_m, **giv_f;
} folded_names;

static char **fold_all(arena *a, const char *const *list, size_t n)
{
    char **out = arena_alloc(a, n * sizeof *out);
    for (size_t i = 0; i < n; i++) out[i] = text_fold(a, list[i]);
    return out;
}

typedef struct {
    char name[96];
    char key[96];      /* the name folded, as dossier_create stores it for search */
    char email[96];
    bool female;
    int birth_year;
} applicant;

static void make_applicant(rng *r, const folded_names *fn, applicant *p)
{
    p->female = chance(r, 0.55);   /* more women than men come to the desk */
    size_t s = (size_t)between(r, 0, COUNT(SURNAMES) - 1);
    size_t m = (size_t)between(r, 0, (int)(p->female ? COUNT(MIDDLE_F) : COUNT(MIDDLE_M)) - 1);
    size_t g = (size_t)between(r, 0, (int)(p->female ? COUNT(GIVEN_F) : COUNT(GIVEN_M)) - 1);
    snprintf(p->name, sizeof p->name, "%s %s %s", SURNAMES[s], p->female ? MIDDLE_F[m] : MIDDLE_M[m],
             p->female ? GIVEN_F[g] : GIVEN_M[g]);
    snprintf(p->key, sizeof p->key, "%s %s %s", fn->sur[s], p->female ? fn->mid_f[m] : fn->mid_m[m],
             p->female ? fn->giv_f[g] : fn->giv_m[g]);
    snprintf(p->email, sizeof p->email, "%s%s%s%02d@gmail.com", p->female ? fn->giv_f[g] : fn->giv_m[g], fn->sur[s],
             p->female ? fn->mid_f[m] : fn->mid_m[m], between(r, 0, 99));
    p->birth_year = between(r, 1950, 2006);
}

static void make_phone(rng *r, char out[16])
{
    static const char *const prefixes[] = {"086", "096", "097", "098", "032", "033", "034", "035", "036", "037",
                                           "038", "039", "091", "094", "088", "081", "083", "084", "085", "070",
                                           "076", "077", "078", "079", "056", "058", "059", "089", "090", "093"};
    snprintf(out, 16, "%s%07d", prefixes[between(r, 0, COUNT(prefixes) - 1)], between(r, 0, 9999999));
}

/* A 12-digit personal number: 019 (Thái Nguyên), century and sex, year of birth, 6 digits. */
static void make_citizen_id(rng *r, const applicant *p, char out[16])
{
    int cs = (p->birth_year >= 2000 ? 2 : 0) + (p->female ? 1 : 0);
    snprintf(out, 16, "019%d%02d%06d", cs, p->birth_year % 100, between(r, 0, 999999));
}

/* ---- units, officials, procedures --------------------------------------------------------------- */

typedef struct {
    int64_t id;        /* 0: a name only (an official without an account here) */
    const char *name;  /* "" when the unit has nobody in this role */
} person;

/* How well a desk works, for the province's view to compare (units.json "demo": {"profile"}).
 * The thresholds are drawn against one uniform number each, so "kha" (the default, the demo's
 * behaviour before profiles) makes exactly the draws it always made:
 *   withdraw_below, refuse_below  the dossier's fate: withdrawn, refused (cumulative);
 *   supplement                    a multi-day dossier asks once for a missing paper;
 *   same_day_ok                   a same-day procedure done on the day;
 *   early_below, due_day_below    a multi-day result before the due day, on it (else late);
 *   apology, apology_now, apology_same_day  a late result apologised for (multi-day, late
 *                                 right now, same-day procedure).
 * All fictional (data/demo/SOURCES.md):
 *   mau_muc  nearly always early or on time, few papers missing, every late one apologised;
 *   tot      on time, a few late, most apologised;
 *   kha      the demo's original desk: about one multi-day dossier in seven late;
 *   yeu      one in four late, apologies for under half, more supplements;
 *   kem      nearly two in five late, few apologies, many supplements and refusals. */
typedef struct {
    const char *name;
    double withdraw_below, refuse_below, supplement, same_day_ok, early_below, due_day_below;
    double apology, apology_now, apology_same_day;
} profile;

static const profile PROFILES[] = {
    {"mau_muc", 0.004, 0.010, 0.015, 0.985, 0.56, 0.975, 0.97, 0.60, 0.90},
    {"tot", 0.005, 0.013, 0.020, 0.950, 0.48, 0.920, 0.85, 0.40, 0.60},
    {"kha", 0.005, 0.015, 0.030, 0.910, 0.40, 0.850, 0.65, 0.20, 0.30},
    {"yeu", 0.006, 0.022, 0.050, 0.840, 0.30, 0.740, 0.45, 0.10, 0.20},
    {"kem", 0.008, 0.030, 0.080, 0.760, 0.22, 0.620, 0.25, 0.05, 0.10},
};
#define DEFAULT_PROFILE 2   /* kha */

typedef struct {
    int64_t id;
    const char *agency, *name, *code;
    const profile *pf;
    rng r;                      /* the unit's own stream (own_rng), so adding a unit leaves the others' rows */
    bool own_rng, department;
    double sat_mean;            /* mean dossiers of a Saturday with the Saturday service */
    cal_unit cu;
    bool saturday;              /* thứ bảy vì dân: Saturday mornings at the desk and in hamlets */
    person officer, specialist, leader;
    const char **hamlets;
    size_t nhamlets;
    double per_day;             /* mean dossiers a working day (history) */
    int book_year;
    int64_t book_seq;
} dunit;

typedef struct {
    int64_t id;
    const char *name, *papers_json;
    int days;
    int64_t fee;
    bool civil;                 /* hộ tịch: the leader signs the result */
    double weight;
} dproc;

/* How often each procedure comes to a commune desk (relative weights; chứng thực bản sao is
 * most of the daily work). Procedures not listed, with a time limit, get a small weight. */
static const struct {
    const char *code;
    double weight;
} PROC_WEIGHTS[] = {
    {"2.000815", 30}, {"2.000884", 9}, {"1.001193", 9}, {"2.000635", 7},  {"2.001035", 5},
    {"1.000894", 4},  {"1.000656", 3}, {"1.004859", 2.5}, {"1.001699", 1.5}, {"2.000992", 1.5},
    {"1.001022", 1},  {"2.001008", 0.5}, {"1.004837", 0.4}, {"1.004845", 0.2},
};

static bool has(const person *p) { return p->name && *p->name; }

static person find_user(db *d, arena *a, int64_t unit_id, const char *role)
{
    person p = {0, ""};
    db_stmt *s = db_prepare(d, "SELECT id, full_name FROM users WHERE unit_id = ? AND role = ? AND active = 1 ORDER BY id LIMIT 1");
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, role);
    if (db_step(s) == DB_ROW) {
        p.id = db_col_int(s, 0);
        p.name = arena_strdup(a, db_col_text(s, 1));
    }
    db_done(s);
    return p;
}

/* The unit's first leader (Chủ tịch) by name, when no leader has an account. */
static person first_leader(db *d, arena *a, int64_t unit_id)
{
    person p = {0, ""};
    db_stmt *s = db_prepare(d, "SELECT name FROM unit_leaders WHERE unit_id = ? ORDER BY sort, id LIMIT 1");
    db_bind_int(s, 1, unit_id);
    if (db_step(s) == DB_ROW) p.name = arena_strdup(a, db_col_text(s, 0));
    db_done(s);
    return p;
}

static void load_hamlets(db *d, arena *a, dunit *u)
{
    db_stmt *s = db_prepare(d, "SELECT name FROM hamlets WHERE unit_id = ? ORDER BY id");
    db_bind_int(s, 1, u->id);
    size_t cap = 8;
    u->hamlets = arena_alloc(a, cap * sizeof *u->hamlets);
    u->nhamlets = 0;
    while (db_step(s) == DB_ROW) {
        if (u->nhamlets == cap) {
            const char **bigger = arena_alloc(a, 2 * cap * sizeof *bigger);
            memcpy(bigger, u->hamlets, cap * sizeof *bigger);
            u->hamlets = bigger;
            cap *= 2;
        }
        u->hamlets[u->nhamlets++] = arena_strdup(a, db_col_text(s, 0));
    }
    db_done(s);
}

/* The communes (and the departments, with_departments), in id order, with their officials. */
static dunit *load_units(db *d, arena *a, bool with_departments, size_t *n)
{
    const char *where = with_departments ? "kind IN ('commune', 'department')" : "kind = 'commune'";
    db_stmt *s = db_prepare(d, arena_printf(a, "SELECT COUNT(*) FROM units WHERE %s", where));
    int64_t count = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    dunit *units = arena_alloc(a, (size_t)(count + 1) * sizeof *units);
    memset(units, 0, (size_t)(count + 1) * sizeof *units);
    *n = 0;
    s = db_prepare(d, arena_printf(a, "SELECT id, CASE WHEN agency_code <> '' THEN agency_code ELSE code END, name, "
                                      "saturday_service, code, kind = 'department' FROM units WHERE %s ORDER BY id", where));
    while (db_step(s) == DB_ROW && *n < (size_t)count) {
        dunit *u = &units[(*n)++];
        u->id = db_col_int(s, 0);
        u->agency = arena_strdup(a, db_col_text(s, 1));
        u->name = arena_strdup(a, db_col_text(s, 2));
        u->saturday = db_col_int(s, 3) != 0;
        u->code = arena_strdup(a, db_col_text(s, 4));
        u->department = db_col_int(s, 5) != 0;
        u->pf = &PROFILES[DEFAULT_PROFILE];
        u->sat_mean = 4;
    }
    db_done(s);
    for (size_t i = 0; i < *n; i++) {
        dunit *u = &units[i];
        u->cu = holiday_unit(d, u->id);
        u->officer = find_user(d, a, u->id, "officer");
        u->specialist = find_user(d, a, u->id, "specialist");
        u->leader = find_user(d, a, u->id, "leader");
        if (!has(&u->leader)) u->leader = first_leader(d, a, u->id);
        load_hamlets(d, a, u);
    }
    return units;
}

/* The procedures a commune can receive: active, with a time limit, from its catalogue chain. */
static dproc *load_procedures(db *d, arena *a, int64_t unit_id, size_t *n)
{
    unit_chain chain;
    unit_chain_of(d, unit_id, &chain);
    size_t cap = 64;
    dproc *out = arena_alloc(a, cap * sizeof *out);
    *n = 0;
    db_stmt *s = db_prepare(d, "SELECT id, unit_id, code, name, days, COALESCE(fee, 0), field FROM procedures "
                               "WHERE active = 1 AND days IS NOT NULL ORDER BY id");
    while (db_step(s) == DB_ROW) {
        if (!unit_chain_has(&chain, db_col_int(s, 1))) continue;
        if (*n == cap) {
            dproc *bigger = arena_alloc(a, 2 * cap * sizeof *bigger);
            memcpy(bigger, out, cap * sizeof *bigger);
            out = bigger;
            cap *= 2;
        }
        dproc *p = &out[(*n)++];
        p->id = db_col_int(s, 0);
        p->name = arena_strdup(a, db_col_text(s, 3));
        p->days = (int)db_col_int(s, 4);
        p->fee = db_col_int(s, 5);
        p->civil = !strcmp(db_col_text(s, 6), "Hộ tịch");
        p->weight = 0.3;
        for (size_t k = 0; k < COUNT(PROC_WEIGHTS); k++)
            if (!strcmp(PROC_WEIGHTS[k].code, db_col_text(s, 2))) p->weight = PROC_WEIGHTS[k].weight;
    }
    db_done(s);
    /* the papers as intake stores them: every line of the catalogue, ticked */
    for (size_t i = 0; i < *n; i++) {
        json_t *proc = catalog_get(d, a, out[i].id), *arr = json_array(), *line;
        size_t k;
        json_array_foreach(json_object_get(proc, "papers"), k, line)
            json_array_append_new(arr, json_pack("{s:O, s:s, s:i}", "name", line, "kind", "", "count", 1));
        out[i].papers_json = arena_json_dumps(a, arr);
        if (!out[i].papers_json) out[i].papers_json = "[]";
        json_decref(arr);
        json_decref(proc);
    }
    return out;
}

/* ---- one dossier's life ---------------------------------------------------------------------- */

enum { EV_HANDOVER, EV_SUPPLEMENT, EV_RESUME, EV_APOLOGY, EV_DONE, EV_RETURN, EV_REFUSE, EV_WITHDRAW };

typedef struct {
    int kind;
    int64_t at;
    const person *from, *to;
    int64_t due;          /* hand-over: the step's deadline; resume, apology: the dossier's new one */
    const char *note;     /* reason */
    const char *papers;   /* supplement: the papers to add, one a line */
} event;

typedef struct {
    const char *kind;
    int64_t at, due, done;
    const person *from, *to;
    const char *note;
} step;

typedef struct {
    const char *kind;      /* supplement, refusal, apology */
    int64_t at, old_due, new_due;
    const person *by;
    const char *reason, *papers;
} notice;

typedef struct {
    /* the plan */
    event ev[12];
    int nev;
    const char *return_method;
    char postal[16];
    int visits;
    /* the row after the events up to now */
    const char *status;
    int64_t due_at, original_due_at, done_at, returned_at, paused_at, updated_at;
    int supplement_count, apology_count;
    const person *assignee;
    const char *outcome_note;
    bool returned;
    step steps[14];
    int nsteps;
    notice notices[3];
    int nnotices;
} life;

static const char *const SUPPLEMENT_REASONS[][2] = {
    {"Thiếu giấy tờ chứng minh quan hệ cha, mẹ, con theo quy định", "Bản sao giấy khai sinh của người con\nVăn bản xác nhận của người làm chứng"},
    {"Tờ khai ghi chưa đầy đủ thông tin, chưa có chữ ký của người yêu cầu", "Tờ khai (theo mẫu) ghi đầy đủ, có chữ ký"},
    {"Bản sao giấy tờ không rõ nét, không đối chiếu được với bản chính", "Bản sao có chứng thực của giấy tờ tùy thân"},
    {"Thiếu giấy tờ chứng minh nơi cư trú", "Xác nhận thông tin về cư trú"},
};
static const char *const REFUSAL_REASONS[] = {
    "Yêu cầu không thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã",
    "Người yêu cầu không xuất trình được bản chính để đối chiếu",
    "Giấy tờ yêu cầu chứng thực có nội dung trái pháp luật, đạo đức xã hội",
    "Người yêu cầu không đủ điều kiện theo quy định của pháp luật",
};
static const char *const WITHDRAW_REASONS[] = {
    "Người nộp đề nghị rút hồ sơ để bổ sung thêm thông tin, sẽ nộp lại sau",
    "Người nộp xin rút hồ sơ, không còn nhu cầu giải quyết",
};
static const char *const APOLOGY_REASONS[] = {
    "Cần xác minh thêm thông tin tại nơi cư trú trước đây của người yêu cầu",
    "Lãnh đạo Ủy ban nhân dân đi công tác, chưa ký được kết quả",
    "Phần mềm đăng ký, quản lý hộ tịch điện tử gián đoạn kết nối",
    "Cần lấy ý kiến của cơ quan chuyên môn cấp tỉnh",
};

#define STEP_COLUMNS 11
#define STEP_BATCH 64   /* steps go in 64 rows a statement: most of the rows, a fraction of the statements */

typedef struct {
    db *d;
    arena *a;
    const calendar *cal;
    rng r;
    int64_t now;
    folded_names fn;
    /* notices, numbered per unit, year and kind after everything is written */
    struct nrec {
        int64_t id, unit_id, at;
        int year, kind;
    } *nrecs;
    size_t nn, ncap;
    int64_t dossiers, steps;
    int64_t next_id;            /* dossier ids are given here, so steps can wait in a batch */
    const char *steps_sql;      /* the batch insert of steps (gen_start builds it) */
    db_stmt *ins_dossier, *ins_step, *ins_steps, *ins_notice;   /* on d (gen_prepare) */
    struct step_row {
        int64_t dossier_id, seq, at, due, done;
        const char *kind;
        const person *from, *to;
        char note[200];
    } batch[STEP_BATCH];
    int nbatch;
} gen;

static int minutes_of_day(int h, int m) { return h * 60 + m; }

/* An instant on day between lo and hi minutes after local midnight. */
static int64_t at_minutes(rng *r, cal_day day, int lo, int hi) { return cal_instant(day, between(r, lo, hi)); }

/* A desk time (7:30-11:30 or 13:30-16:45) on day. */
static int64_t desk_time(rng *r, cal_day day)
{
    return chance(r, 0.55) ? at_minutes(r, day, minutes_of_day(7, 30), minutes_of_day(11, 30))
                           : at_minutes(r, day, minutes_of_day(13, 30), minutes_of_day(16, 45));
}

static cal_day working_after(gen *g, const dunit *u, cal_day day, int n)
{
    for (int i = 0; i < n; i++) day = calendar_next_working(g->cal, &u->cu, day);
    return day;
}

static cal_day working_before(gen *g, const dunit *u, cal_day day)
{
    do day--;
    while (!calendar_is_working(g->cal, &u->cu, day));
    return day;
}

/* The next moment an official can act, at least gap minutes after t: the same working day
 * before 16:45, else the next working morning. */
static int64_t office_after(gen *g, const dunit *u, int64_t t, int lo, int hi)
{
    int64_t x = t + 60 * between(&g->r, lo, hi);
    cal_day day = cal_local_day(x);
    int min = cal_local_minutes(x);
    if (calendar_is_working(g->cal, &u->cu, day) && min >= minutes_of_day(7, 30) && min <= minutes_of_day(16, 45))
        return x;
    if (!calendar_is_working(g->cal, &u->cu, day) || min > minutes_of_day(16, 45))
        day = calendar_next_working(g->cal, &u->cu, day);
    return at_minutes(&g->r, day, minutes_of_day(7, 30), minutes_of_day(9, 0));
}

static void add_event(life *l, int kind, int64_t at, const person *from, const person *to, int64_t due, const char *note)
{
    if (l->nev < (int)COUNT(l->ev)) l->ev[l->nev++] = (event){kind, at, from, to, due, note, NULL};
}

static int by_time(const void *x, const void *y)
{
    const event *a = x, *b = y;
    if (a->at != b->at) return a->at < b->at ? -1 : 1;
    return a->kind - b->kind;
}

/* When the result is ready, given the outcome drawn for this dossier. restart: receipt or
 * resume; d0 and due_day from it. */
static int64_t result_time(gen *g, const dunit *u, const dproc *p, int64_t restart, cal_day d0, cal_day due_day,
                           int outcome)
{
    rng *r = &g->r;
    if (p->days == 0 && outcome != 2) {
        /* same day: done in a quarter to an hour and a half, or the next working morning */
        return office_after(g, u, restart, 15, 90);
    }
    if (outcome == 0) {   /* before the due day */
        int span = calendar_working_between(g->cal, &u->cu, d0, due_day);
        cal_day day = working_after(g, u, d0, span > 1 ? between(r, 0, span - 1) : 0);
        int64_t t = desk_time(r, day);
        if (t > restart + 3600) return t;
        int64_t x = office_after(g, u, restart, 60, 120);
        if (cal_local_day(x) < due_day) return x;
        outcome = 1;
    }
    if (outcome == 1) {   /* on the due day, before the closing hour */
        int64_t t = at_minutes(r, due_day, minutes_of_day(8, 0), minutes_of_day(16, 30));
        return t > restart + 1800 ? t : restart + 1800;
    }
    /* late: one working day after the due day, sometimes more */
    double q = uniform(r);
    int k = q < 0.6 ? 1 : q < 0.85 ? 2 : between(r, 3, 5);
    return at_minutes(r, working_after(g, u, due_day, k), minutes_of_day(8, 0), minutes_of_day(16, 30));
}

/* The plan of one dossier received at t0; returns its first due time. */
static int64_t plan(gen *g, const dunit *u, const dproc *p, int64_t t0, const char *channel, life *l)
{
    rng *r = &g->r;
    l->nev = 0;
    l->return_method = "";
    l->postal[0] = '\0';
    l->visits = 0;
    int64_t due0 = calendar_due_at(g->cal, &u->cu, t0, p->days), due = due0;
    cal_day d0 = calendar_start_day(g->cal, &u->cu, t0), due_day = cal_local_day(due);
    const person *off = &u->officer, *spec = has(&u->specialist) ? &u->specialist : NULL;
    const person *lead = has(&u->leader) ? &u->leader : NULL;
    /* chứng thực and the like are done at the desk; hộ tịch and multi-day results are signed */
    const person *finisher = (p->days == 0 && !p->civil) || !lead ? off : lead;
    const profile *pf = u->pf;
    double fate = uniform(r);
    if (fate < pf->withdraw_below) {
        int64_t at = office_after(g, u, t0, 60, 60 * 24 * (p->days + 1));
        add_event(l, EV_WITHDRAW, at, off, NULL, 0, WITHDRAW_REASONS[between(r, 0, COUNT(WITHDRAW_REASONS) - 1)]);
        return due0;
    }
    if (fate < pf->refuse_below) {
        int64_t at = office_after(g, u, t0, 20, 240);
        add_event(l, EV_REFUSE, at, finisher, NULL, 0, REFUSAL_REASONS[between(r, 0, COUNT(REFUSAL_REASONS) - 1)]);
        return due0;
    }
    int64_t restart = t0;
    const person *holder = off;
    if (p->days >= 1 && chance(r, pf->supplement)) {
        /* the specialist finds a paper missing: once, in writing; the clock restarts on resume */
        if (spec) {
            int64_t h = office_after(g, u, t0, 10, 90);
            add_event(l, EV_HANDOVER, h, off, spec, due, "");
            holder = spec;
            restart = h;
        }
        int64_t ts = office_after(g, u, restart, 60, 600);
        int k = between(r, 0, COUNT(SUPPLEMENT_REASONS) - 1);
        add_event(l, EV_SUPPLEMENT, ts, holder, NULL, 0, SUPPLEMENT_REASONS[k][0]);
        l->ev[l->nev - 1].papers = SUPPLEMENT_REASONS[k][1];
        cal_day back = working_after(g, u, cal_local_day(ts), between(r, 1, 6));
        int64_t tr = desk_time(r, back);
        due = calendar_due_at(g->cal, &u->cu, tr, p->days);
        add_event(l, EV_RESUME, tr, NULL, off, due, "");
        restart = tr;
        holder = off;
        d0 = calendar_start_day(g->cal, &u->cu, tr);
        due_day = cal_local_day(due);
        l->visits++;
    }
    double q = uniform(r);
    int outcome = p->days == 0 ? (q < pf->same_day_ok ? 1 : 2) : (q < pf->early_below ? 0 : q < pf->due_day_below ? 1 : 2);
    int64_t done = result_time(g, u, p, restart, d0, due_day, outcome);
    bool late = done > due;
    int64_t first_hand = 0;
    if (p->days >= 1 && spec && holder == off) {
        first_hand = office_after(g, u, restart, 10, 90);
        if (first_hand >= done) first_hand = restart + (done - restart) / 3;
        /* the specialist's step ends a working day before the result is due, when there is one */
        int64_t step_due = p->days >= 2 ? cal_instant(working_before(g, u, due_day), u->cu.close_minutes) : due;
        add_event(l, EV_HANDOVER, first_hand, off, spec, step_due > first_hand ? step_due : due, "");
        holder = spec;
    }
    if (finisher != holder) {
        /* to the leader for signature: a while before the result, and before the due time
         * (a late dossier cannot be handed on past its deadline without an apology) */
        int64_t h = done - 60 * between(r, 30, 240);
        if (late && h > due - 600) h = due - 60 * between(r, 10, 120);
        int64_t prev = first_hand ? first_hand : restart;
        if (h <= prev || h >= done) h = prev + (done - prev) / 2;
        add_event(l, EV_HANDOVER, h, holder, finisher, due, "");
    }
    /* today's late board should show something real: of the dossiers late right now, most
     * have not been apologised for yet (the desk does it on the board) */
    bool late_now = late && due < g->now && done > g->now;
    if (late && chance(r, late_now ? pf->apology_now : p->days == 0 ? pf->apology_same_day : pf->apology)) {
        /* the apology: on the due day (or the day before), with a working day on or after the result */
        cal_day on = chance(r, 0.7) ? due_day : working_before(g, u, due_day);
        int64_t ta = at_minutes(r, on, minutes_of_day(14, 0), minutes_of_day(16, 30));
        if (ta <= restart) ta = restart + 600;
        cal_day nd = cal_local_day(done);
        if (!calendar_is_working(g->cal, &u->cu, nd)) nd = calendar_next_working(g->cal, &u->cu, nd);
        if (chance(r, 0.4)) nd = calendar_next_working(g->cal, &u->cu, nd);
        int64_t new_due = cal_instant(nd, u->cu.close_minutes);
        if (ta < done && new_due > due)
            add_event(l, EV_APOLOGY, ta, off, NULL, new_due, APOLOGY_REASONS[between(r, 0, COUNT(APOLOGY_REASONS) - 1)]);
    }
    add_event(l, EV_DONE, done, finisher, NULL, 0, "");
    /* the return: how the citizen asked for it, and when they come for it */
    double m = uniform(r);
    bool remote = !strcmp(channel, "online") || !strcmp(channel, "post") || !strcmp(channel, "post_office");
    if (!strcmp(channel, "online")) l->return_method = m < 0.55 ? "online" : m < 0.9 ? "desk" : "post";
    else if (remote) l->return_method = m < 0.7 ? "post" : "desk";
    else l->return_method = m < 0.88 ? "desk" : m < 0.98 ? "post" : "online";
    int64_t tret;
    if (!strcmp(l->return_method, "online")) {
        tret = done + 60 * between(r, 5, 60);
    } else if (!strcmp(l->return_method, "post")) {
        tret = at_minutes(r, calendar_next_working(g->cal, &u->cu, cal_local_day(done)), minutes_of_day(8, 0),
                          minutes_of_day(10, 30));
        snprintf(l->postal, sizeof l->postal, "EB%09dVN", between(r, 0, 999999999));
    } else if (p->days == 0 && !remote && cal_local_day(done) == cal_local_day(t0) && chance(r, 0.8)) {
        tret = done + 60 * between(r, 2, 20);   /* the citizen waited at the desk */
        l->visits += 1;
    } else {
        cal_day pick = working_after(g, u, cal_local_day(done), between(r, 0, 4));
        tret = desk_time(r, pick);
        if (tret <= done) tret = done + 60 * between(r, 15, 90);
        l->visits += remote ? 1 : 2;
        if (chance(r, 0.04)) l->visits++;   /* came once before it was ready */
    }
    if (l->visits < 1) l->visits = 1;
    add_event(l, EV_RETURN, tret, off, NULL, 0, l->postal[0] ? l->postal : "");
    qsort(l->ev, (size_t)l->nev, sizeof l->ev[0], by_time);
    return due0;
}

static void add_step(life *l, const char *kind, int64_t at, const person *from, const person *to, int64_t due,
                     const char *note)
{
    if (l->nsteps < (int)COUNT(l->steps)) l->steps[l->nsteps++] = (step){kind, at, due, 0, from, to, note};
}

static void close_steps(life *l, int64_t at)
{
    for (int i = 0; i < l->nsteps; i++)
        if (!l->steps[i].done && (!strcmp(l->steps[i].kind, "receive") || !strcmp(l->steps[i].kind, "handover") ||
                                  !strcmp(l->steps[i].kind, "resume")))
            l->steps[i].done = at;
}

static void add_notice(life *l, const char *kind, int64_t at, const person *by, const char *reason,
                       const char *papers, int64_t old_due, int64_t new_due)
{
    if (l->nnotices < (int)COUNT(l->notices))
        l->notices[l->nnotices++] = (notice){kind, at, old_due, new_due, by, reason, papers};
}

/* Applies the plan's events up to now: the dossier as it stands today. */
static void apply(life *l, const dunit *u, int64_t t0, int64_t due0, int64_t now, arena *a)
{
    l->status = "received";
    l->due_at = l->original_due_at = due0;
    l->done_at = l->returned_at = l->paused_at = 0;
    l->updated_at = t0;
    l->supplement_count = l->apology_count = 0;
    l->assignee = NULL;
    l->outcome_note = "";
    l->returned = false;
    l->nsteps = l->nnotices = 0;
    add_step(l, "receive", t0, NULL, &u->officer, due0, "");
    for (int i = 0; i < l->nev && l->ev[i].at <= now; i++) {
        const event *ev = &l->ev[i];
        l->updated_at = ev->at;
        switch (ev->kind) {
        case EV_HANDOVER:
            close_steps(l, ev->at);
            add_step(l, "handover", ev->at, ev->from, ev->to, ev->due, "");
            l->status = "in_progress";
            l->assignee = ev->to;
            break;
        case EV_SUPPLEMENT: {
            /* the papers to add: one a line in the plan, stored as intake stores papers */
            json_t *arr = json_array();
            char *copy = arena_strdup(a, ev->papers), *save = NULL;
            for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                json_array_append_new(arr, json_pack("{s:s, s:s, s:i}", "name", line, "kind", "", "count", 1));
            const char *text = arena_json_dumps(a, arr);
            json_decref(arr);
            close_steps(l, ev->at);
            add_step(l, "supplement", ev->at, ev->from, NULL, 0, ev->note);
            add_notice(l, "supplement", ev->at, ev->from, ev->note, text, 0, 0);
            l->status = "supplement";
            l->paused_at = ev->at;
            l->supplement_count = 1;
            break;
        }
        case EV_RESUME:
            add_step(l, "resume", ev->at, NULL, ev->to, ev->due, "");
            l->status = "in_progress";
            l->paused_at = 0;
            l->due_at = ev->due;
            l->assignee = NULL;
            break;
        case EV_APOLOGY:
            add_step(l, "apology", ev->at, ev->from, NULL, ev->due, ev->note);
            add_notice(l, "apology", ev->at, ev->from, ev->note, "[]", l->due_at, ev->due);
            l->due_at = ev->due;
            l->apology_count++;
            break;
        case EV_DONE:
            close_steps(l, ev->at);
            add_step(l, "done", ev->at, ev->from, NULL, 0, "");
            l->status = "done";
            l->done_at = ev->at;
            l->assignee = NULL;
            break;
        case EV_RETURN:
            add_step(l, "return", ev->at, ev->from, NULL, 0, ev->note);
            l->status = "returned";
            l->returned_at = ev->at;
            l->returned = true;
            break;
        case EV_REFUSE:
        case EV_WITHDRAW: {
            bool refuse = ev->kind == EV_REFUSE;
            close_steps(l, ev->at);
            if (refuse) add_notice(l, "refusal", ev->at, ev->from, ev->note, "[]", 0, 0);
            add_step(l, refuse ? "refuse" : "withdraw", ev->at, ev->from, NULL, 0, ev->note);
            l->status = refuse ? "refused" : "withdrawn";
            l->outcome_note = ev->note;
            l->done_at = ev->at;
            l->paused_at = 0;
            l->assignee = NULL;
            break;
        }
        }
    }
}

/* ---- writing ------------------------------------------------------------------------------------ */

/* The rows as dossier_create and the actions write them; prepared once per run (gen_start). */
static const char INSERT_DOSSIER[] =
    "INSERT INTO dossiers (id, code, secret, unit_id, resolving_unit_id, procedure_id, procedure_name, days, fee, "
    "applicant_name, applicant_key, applicant_phone, applicant_id_number, applicant_address, applicant_email, "
    "channel, return_method, papers, sets, status, received_at, due_at, original_due_at, done_at, returned_at, paused_at, "
    "supplement_count, apology_count, officer_id, assignee_id, book_volume, book_seq, fee_paid, visits, "
    "postal_tracking, outcome_note, created_at, updated_at, letters_ok, applicant_sex) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char INSERT_STEP[] =
    "INSERT INTO dossier_steps (dossier_id, seq, kind, at, from_user_id, to_user_id, from_name, to_name, due_at, "
    "done_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char INSERT_STEPS[] = "INSERT INTO dossier_steps (dossier_id, seq, kind, at, from_user_id, to_user_id, "
                                   "from_name, to_name, due_at, done_at, note) VALUES ";
static const char INSERT_NOTICE[] =
    "INSERT INTO dossier_notices (dossier_id, kind, number, at, user_id, reason, papers, old_due_at, new_due_at) "
    "VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)";

static const char SECRET_ALPHABET[] = TEXT_CODE_ALPHABET;   /* as dossier.c issues them */

static void bind_person_id(db_stmt *s, int i, const person *p)
{
    if (p && p->id) db_bind_int(s, i, p->id);
    else db_bind_null(s, i);
}

static void bind_step(db_stmt *s, int base, const struct step_row *row)
{
    db_bind_int(s, base + 1, row->dossier_id);
    db_bind_int(s, base + 2, row->seq);
    db_bind_text(s, base + 3, row->kind);
    db_bind_int(s, base + 4, row->at);
    bind_person_id(s, base + 5, row->from);
    bind_person_id(s, base + 6, row->to);
    db_bind_text(s, base + 7, row->from ? row->from->name : "");
    db_bind_text(s, base + 8, row->to ? row->to->name : "");
    if (row->due) db_bind_int(s, base + 9, row->due); else db_bind_null(s, base + 9);
    if (row->done) db_bind_int(s, base + 10, row->done); else db_bind_null(s, base + 10);
    db_bind_text(s, base + 11, row->note);
}

/* Writes the waiting steps: a full batch in one statement, a partial one row by row. */
static int flush_steps(gen *g)
{
    int rc = DB_DONE;
    if (g->nbatch == STEP_BATCH) {
        for (int k = 0; k < STEP_BATCH; k++) bind_step(g->ins_steps, k * STEP_COLUMNS, &g->batch[k]);
        rc = db_step(g->ins_steps);
        db_done(g->ins_steps);
    } else {
        for (int k = 0; k < g->nbatch && rc == DB_DONE; k++) {
            bind_step(g->ins_step, 0, &g->batch[k]);
            rc = db_step(g->ins_step);
            db_done(g->ins_step);
        }
    }
    g->steps += g->nbatch;
    g->nbatch = 0;
    return rc == DB_DONE ? 0 : -1;
}

static int write_dossier(gen *g, const dunit *u, const dproc *p, const char *code, int64_t book_seq, int64_t t0,
                         const char *channel, life *l)
{
    rng *r = &g->r;
    applicant ap;
    make_applicant(r, &g->fn, &ap);
    char phone[16], idn[16], secret[7];
    make_phone(r, phone);
    bool remote = !strcmp(channel, "online") || !strcmp(channel, "post");
    if (!remote || chance(r, 0.6)) make_citizen_id(r, &ap, idn);
    else idn[0] = '\0';
    for (int i = 0; i < 6; i++) secret[i] = SECRET_ALPHABET[between(r, 0, (int)sizeof SECRET_ALPHABET - 2)];
    secret[6] = '\0';
    char address[256];
    if (u->nhamlets) snprintf(address, sizeof address, "%s, %s", u->hamlets[between(r, 0, (int)u->nhamlets - 1)], u->name);
    else snprintf(address, sizeof address, "Thôn %d, %s", between(r, 1, 12), u->name);
    bool email = chance(r, !strcmp(channel, "online") ? 0.6 : 0.1);
    db_stmt *s = g->ins_dossier;
    int i = 1;
    db_bind_int(s, i++, g->next_id);
    db_bind_text(s, i++, code);
    db_bind_text(s, i++, secret);
    db_bind_int(s, i++, u->id);
    db_bind_int(s, i++, u->id);
    db_bind_int(s, i++, p->id);
    db_bind_text(s, i++, p->name);
    db_bind_int(s, i++, p->days);
    db_bind_int(s, i++, p->fee);
    db_bind_text(s, i++, ap.name);
    db_bind_text(s, i++, ap.key);
    db_bind_text(s, i++, phone);
    db_bind_text(s, i++, idn);
    db_bind_text(s, i++, address);
    db_bind_text(s, i++, email ? ap.email : "");
    db_bind_text(s, i++, channel);
    db_bind_text(s, i++, *l->return_method ? l->return_method : "desk");
    db_bind_text(s, i++, p->papers_json);
    db_bind_int(s, i++, chance(r, 0.05) ? 2 : 1);
    db_bind_text(s, i++, l->status);
    db_bind_int(s, i++, t0);
    db_bind_int(s, i++, l->due_at);
    db_bind_int(s, i++, l->original_due_at);
    if (l->done_at) db_bind_int(s, i++, l->done_at); else db_bind_null(s, i++);
    if (l->returned_at) db_bind_int(s, i++, l->returned_at); else db_bind_null(s, i++);
    if (l->paused_at) db_bind_int(s, i++, l->paused_at); else db_bind_null(s, i++);
    db_bind_int(s, i++, l->supplement_count);
    db_bind_int(s, i++, l->apology_count);
    bind_person_id(s, i++, &u->officer);
    bind_person_id(s, i++, l->assignee);
    db_bind_int(s, i++, book_seq);
    if (l->returned) db_bind_int(s, i++, p->fee); else db_bind_null(s, i++);
    if (l->returned) db_bind_int(s, i++, l->visits); else db_bind_null(s, i++);
    db_bind_text(s, i++, l->returned && !strcmp(l->return_method, "post") ? l->postal : "");
    db_bind_text(s, i++, l->outcome_note);
    db_bind_int(s, i++, t0);
    db_bind_int(s, i++, l->updated_at);
    /* about one applicant in thirty declines letters of congratulation and condolence at the
     * desk; taken from the id, not the generator, so the rest of the history stays as it was */
    db_bind_int(s, i++, g->next_id % 29 != 0);
    db_bind_text(s, i++, ap.female ? "female" : "male");   /* as on the ID card the officer reads */
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return -1;
    int64_t id = g->next_id++;
    g->dossiers++;
    for (int k = 0; k < l->nsteps; k++) {
        const step *st = &l->steps[k];
        struct step_row *row = &g->batch[g->nbatch++];
        *row = (struct step_row){id, k + 1, st->at, st->due, st->done, st->kind, st->from, st->to, ""};
        snprintf(row->note, sizeof row->note, "%s", st->note ? st->note : "");
        if (g->nbatch == STEP_BATCH && flush_steps(g)) return -1;
    }
    s = g->ins_notice;
    for (int k = 0; k < l->nnotices; k++) {
        const notice *n = &l->notices[k];
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, n->kind);
        db_bind_int(s, 3, n->at);
        bind_person_id(s, 4, n->by);
        db_bind_text(s, 5, n->reason);
        db_bind_text(s, 6, n->papers);
        if (n->old_due) db_bind_int(s, 7, n->old_due); else db_bind_null(s, 7);
        if (n->new_due) db_bind_int(s, 8, n->new_due); else db_bind_null(s, 8);
        rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return -1;
        if (g->nn == g->ncap) {
            g->ncap = g->ncap ? g->ncap * 2 : 1024;
            g->nrecs = realloc(g->nrecs, g->ncap * sizeof *g->nrecs);
            if (!g->nrecs) return -1;
        }
        int y, m, dd;
        cal_to_ymd(cal_local_day(n->at), &y, &m, &dd);
        g->nrecs[g->nn++] = (struct nrec){db_last_id(g->d), u->id, n->at, y, n->kind[0]};
    }
    return 0;
}

static int put_counter(db *d, int64_t unit_id, const char *period, int64_t last)
{
    db_stmt *s = db_prepare(d, "INSERT INTO dossier_counters (unit_id, period, last) VALUES (?, ?, ?)");
    if (!s) return -1;
    db_bind_int(s, 1, unit_id);
    db_bind_text(s, 2, period);
    db_bind_int(s, 3, last);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : -1;
}

static int by_notice_order(const void *x, const void *y)
{
    const struct nrec *a = x, *b = y;
    if (a->unit_id != b->unit_id) return a->unit_id < b->unit_id ? -1 : 1;
    if (a->year != b->year) return a->year - b->year;
    if (a->kind != b->kind) return a->kind - b->kind;
    if (a->at != b->at) return a->at < b->at ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Numbers the notices 1, 2, ... per unit, year and kind in the order they were issued (as
 * add_notice does at the time), and leaves the counters where the next notice continues. */
static int number_notices(gen *g)
{
    qsort(g->nrecs, g->nn, sizeof *g->nrecs, by_notice_order);
    db_stmt *s = db_prepare(g->d, "UPDATE dossier_notices SET number = ? WHERE id = ?");
    if (!s) return -1;
    int64_t number = 0;
    for (size_t i = 0; i < g->nn; i++) {
        const struct nrec *n = &g->nrecs[i];
        bool first = i == 0 || n->unit_id != n[-1].unit_id || n->year != n[-1].year || n->kind != n[-1].kind;
        number = first ? 1 : number + 1;
        db_bind_int(s, 1, number);
        db_bind_int(s, 2, n->id);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return -1;
        bool last = i + 1 == g->nn || n[1].unit_id != n->unit_id || n[1].year != n->year || n[1].kind != n->kind;
        const char *kind = n->kind == 's' ? "supplement" : n->kind == 'r' ? "refusal" : "apology";
        if (last && put_counter(g->d, n->unit_id, arena_printf(g->a, "N%04d-%s", n->year, kind), number)) return -1;
    }
    return 0;
}

/* ---- one day of one unit ---------------------------------------------------------------------- */

typedef struct {
    int64_t t;
    const char *channel;
} arrival;

static int by_arrival(const void *x, const void *y)
{
    const arrival *a = x, *b = y;
    return a->t < b->t ? -1 : a->t > b->t;
}

static const dproc *pick_procedure(rng *r, const dproc *procs, size_t n, double total)
{
    double x = uniform(r) * total;
    for (size_t i = 0; i < n; i++) {
        x -= procs[i].weight;
        if (x < 0) return &procs[i];
    }
    return &procs[n - 1];
}

/* Who comes, when and how, on one day: counts for a working day, a Saturday with the
 * Saturday service, or a day off (online only). */
static size_t arrivals(gen *g, const dunit *u, cal_day day, int n, arrival *out)
{
    rng *r = &g->r;
    bool working = calendar_is_working(g->cal, &u->cu, day);
    bool saturday = !working && cal_weekday(day) == 6 && u->saturday;
    for (int i = 0; i < n; i++) {
        double c = uniform(r);
        const char *ch;
        if (saturday) ch = c < 0.55 ? "mobile" : c < 0.85 ? "desk" : "online";
        else if (!working) ch = "online";
        else ch = c < 0.62 ? "desk" : c < 0.86 ? "online" : c < 0.89 ? "post" : c < 0.94 ? "post_office" : c < 0.97 ? "home" : "desk";
        int64_t t;
        if (!strcmp(ch, "online")) t = at_minutes(r, day, minutes_of_day(6, 0), minutes_of_day(22, 59));
        else if (saturday) t = at_minutes(r, day, minutes_of_day(7, 30), minutes_of_day(11, 30));
        else t = desk_time(r, day);
        out[i] = (arrival){t, ch};
    }
    qsort(out, (size_t)n, sizeof *out, by_arrival);
    return (size_t)n;
}

typedef struct {
    dunit *u;
    const dproc *procs;
    size_t nprocs;
    double wsum;
} unit_ctx;

/* Receives, simulates and writes the n arrivals of one unit on one day. */
static int write_day(gen *g, unit_ctx *uc, cal_day day, arrival *arr, size_t n)
{
    dunit *u = uc->u;
    char ymd[11];
    cal_format(day, ymd);
    int y, m, dd;
    cal_to_ymd(day, &y, &m, &dd);
    if (y != u->book_year) {
        if (u->book_year && u->book_seq && put_counter(g->d, u->id, arena_printf(g->a, "Y%04d", u->book_year), u->book_seq))
            return -1;
        u->book_year = y;
        u->book_seq = 0;
    }
    int64_t seq = 0;
    life l;
    for (size_t i = 0; i < n && arr[i].t <= g->now; i++) {
        const dproc *p = pick_procedure(&g->r, uc->procs, uc->nprocs, uc->wsum);
        char code[64];
        snprintf(code, sizeof code, "%s-%.2s%.2s%.2s-%04lld", u->agency, ymd + 2, ymd + 5, ymd + 8, (long long)++seq);
        int64_t due0 = plan(g, u, p, arr[i].t, arr[i].channel, &l);
        apply(&l, u, arr[i].t, due0, g->now, g->a);
        if (write_dossier(g, u, p, code, ++u->book_seq, arr[i].t, arr[i].channel, &l)) return -1;
    }
    return seq ? put_counter(g->d, u->id, arena_printf(g->a, "D%s", ymd), seq) : 0;
}

/* ---- the two entry points ------------------------------------------------------------------------ */

#define DEMO_FIRST_DAY 2024, 12, 1

static int gen_start(gen *g, db *d, int64_t now, uint64_t seed, err *e)
{
    memset(g, 0, sizeof *g);
    g->d = d;
    g->a = arena_new();
    g->now = now;
    g->r.s = seed;
    g->cal = holiday_calendar(d, e);
    if (!g->cal) return -1;
    g->fn.sur = fold_all(g->a, SURNAMES, COUNT(SURNAMES));
    g->fn.mid_m = fold_all(g->a, MIDDLE_M, COUNT(MIDDLE_M));
    g->fn.mid_f = fold_all(g->a, MIDDLE_F, COUNT(MIDDLE_F));
    g->fn.giv_m = fold_all(g->a, GIVEN_M, COUNT(GIVEN_M));
    g->fn.giv_f = fold_all(g->a, GIVEN_F, COUNT(GIVEN_F));
    /* the batch statement's text lives in the run's arena, which outlives its use */
    buf sql;
    buf_init(&sql, g->a);
    buf_puts(&sql, INSERT_STEPS);
    for (int k = 0; k < STEP_BATCH; k++) buf_puts(&sql, k ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    g->steps_sql = buf_cstr(&sql);
    return 0;
}

/* Inside a write: the statements on the connection c it runs on, and the first free id. */
static int gen_prepare(gen *g, db *c, err *e)
{
    g->d = c;
    g->ins_dossier = db_prepare(c, INSERT_DOSSIER);
    g->ins_step = db_prepare(c, INSERT_STEP);
    g->ins_steps = db_prepare(c, g->steps_sql);
    g->ins_notice = db_prepare(c, INSERT_NOTICE);
    if (!g->next_id) {
        db_stmt *s = db_prepare(c, "SELECT COALESCE(MAX(id), 0) + 1 FROM dossiers");
        g->next_id = s && db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        if (s) db_done(s);
    }
    if (!g->ins_dossier || !g->ins_step || !g->ins_steps || !g->ins_notice || !g->next_id) {
        err_set(e, 500, "Không tạo được hồ sơ mẫu.", "prepare: %s", db_errmsg(c));
        return -1;
    }
    return 0;
}

static void gen_end(gen *g)
{
    free(g->nrecs);
    arena_free(g->a);
}

/* A write of the generator failed: what, with the database's error (the write is undone). */
static int fail(gen *g, err *e, const char *what)
{
    err_set(e, 500, "Không tạo được hồ sơ mẫu.", "%s: %s", what, db_errmsg(g->d));
    return -1;
}

/* Every unit's procedures, weights summed. */
static unit_ctx *unit_contexts(gen *g, dunit *units, size_t n, err *e)
{
    unit_ctx *uc = arena_alloc(g->a, (n + 1) * sizeof *uc);
    for (size_t i = 0; i < n; i++) {
        uc[i].u = &units[i];
        dproc *procs = load_procedures(g->d, g->a, units[i].id, &uc[i].nprocs);
        if (units[i].department) {
            /* a department registers no births or marriages: the rest of the catalogue it
             * inherits stands in for its own (the demo has no department catalogue) */
            size_t k = 0;
            for (size_t j = 0; j < uc[i].nprocs; j++)
                if (!procs[j].civil) procs[k++] = procs[j];
            uc[i].nprocs = k;
        }
        uc[i].procs = procs;
        if (!uc[i].nprocs) {
            err_set(e, 500, "Danh mục thủ tục mẫu không có thủ tục nào có thời hạn giải quyết.", "no procedures for unit %lld",
                    (long long)units[i].id);
            return NULL;
        }
        for (size_t k = 0; k < uc[i].nprocs; k++) uc[i].wsum += uc[i].procs[k].weight;
    }
    return uc;
}

/* Each unit's profile and volume from units.json ("demo": {"profile", "per_day"}). The first
 * two communes keep the demo's original desks (the first, a ward, the busier) and the shared
 * stream they always drew from; every other unit draws from a stream of its own, seeded from
 * the seed and its code, so adding a unit changes no other unit's dossiers. */
static void set_profiles(dunit *units, size_t n, uint64_t seed)
{
    const static_asset *f = demo_file_find("units.json");
    json_t *doc = f ? json_loadb(f->data, f->size, 0, NULL) : NULL;
    size_t communes = 0;
    for (size_t i = 0; i < n; i++) {
        dunit *u = &units[i];
        bool commune = !u->department;
        u->per_day = commune && communes == 0 ? 14 : commune ? 7 : 2;
        u->own_rng = !(commune && communes < 2);
        communes += commune;
        uint64_t h = 1469598103934665603ull;   /* FNV-1a of the code */
        for (const char *c = u->code; *c; c++) h = (h ^ (unsigned char)*c) * 1099511628211ull;
        u->r.s = seed ^ h;
        size_t k;
        json_t *x;
        json_array_foreach(json_object_get(doc, "units"), k, x) {
            const char *code = json_string_value(json_object_get(x, "code"));
            json_t *demo = json_object_get(x, "demo");
            if (!code || strcmp(code, u->code) || !demo) continue;
            const char *name = json_string_value(json_object_get(demo, "profile"));
            for (size_t p = 0; name && p < COUNT(PROFILES); p++)
                if (!strcmp(PROFILES[p].name, name)) u->pf = &PROFILES[p];
            if (json_is_number(json_object_get(demo, "per_day"))) u->per_day = json_number_value(json_object_get(demo, "per_day"));
        }
        if (u->own_rng) u->sat_mean = u->per_day * 0.6 > 1 ? u->per_day * 0.6 : 1;
    }
    json_decref(doc);
}

static int finish_counters(gen *g, dunit *units, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (units[i].book_seq && put_counter(g->d, units[i].id, arena_printf(g->a, "Y%04d", units[i].book_year),
                                             units[i].book_seq))
            return -1;
    return number_notices(g);
}

/* The history, in one write. */
typedef struct {
    gen *g;
    dunit *units;
    unit_ctx *uc;
    size_t nunits;
} history_tx;

static int history_write(db *c, void *ctx, err *e)
{
    history_tx *t = ctx;
    gen *g = t->g;
    if (gen_prepare(g, c, e)) return -1;
    arrival arr[128];
    for (cal_day day = cal_from_ymd(DEMO_FIRST_DAY), today = cal_local_day(g->now); day <= today; day++) {
        for (size_t i = 0; i < t->nunits; i++) {
            dunit *u = &t->units[i];
            rng shared = g->r;
            if (u->own_rng) g->r = u->r;
            bool working = calendar_is_working(g->cal, &u->cu, day);
            double mean = working ? u->per_day * (cal_weekday(day) == 1 ? 1.25 : cal_weekday(day) == 5 ? 0.85 : 1.0)
                          : cal_weekday(day) == 6 && u->saturday ? u->sat_mean : u->per_day * 0.06;
            int n = around(&g->r, mean);
            if (n > (int)COUNT(arr)) n = COUNT(arr);
            size_t k = arrivals(g, u, day, n, arr);
            int rc = write_day(g, &t->uc[i], day, arr, k);
            if (u->own_rng) u->r = g->r, g->r = shared;
            if (rc) return fail(g, e, "dossiers");
        }
    }
    if (flush_steps(g) || finish_counters(g, t->units, t->nunits)) return fail(g, e, "counters");
    return 0;
}

int demo_dossiers(db *d, int64_t now, uint64_t seed, err *e)
{
    gen g;
    if (gen_start(&g, d, now, seed, e)) {
        gen_end(&g);
        return -1;
    }
    size_t nunits;
    dunit *units = load_units(d, g.a, true, &nunits);
    unit_ctx *uc = nunits ? unit_contexts(&g, units, nunits, e) : NULL;
    if (!uc) {
        if (!nunits) err_set(e, 500, "Chưa có xã, phường nào để tạo hồ sơ mẫu.", "no communes");
        gen_end(&g);
        return -1;
    }
    set_profiles(units, nunits, seed);
    history_tx t = {.g = &g, .units = units, .uc = uc, .nunits = nunits};
    int rc = db_write(d, history_write, &t, e);
    gen_end(&g);
    return rc;
}

/* ---- benchmarks --------------------------------------------------------------------------------- */

#define BULK_COMMUNES 50
#define BULK_BATCH 50000

/* Fictional communes so that a large database is spread as a province's would be. */
static int add_bench_communes(db *d, arena *a, rng *r, int64_t communes, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT COUNT(*) FROM units WHERE kind = 'commune'");
    int64_t have = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    s = db_prepare(d, "SELECT code FROM units WHERE kind = 'province' ORDER BY id LIMIT 1");
    const char *province = db_step(s) == DB_ROW ? arena_strdup(a, db_col_text(s, 0)) : NULL;
    db_done(s);
    if (!province) {
        err_set(e, 500, "Chưa có tỉnh để thêm xã thử nghiệm.", "no province");
        return -1;
    }
    for (int64_t i = have + 1; i <= communes; i++) {
        unit_fields f = {.code = arena_printf(a, "TN-%02lld", (long long)i), .kind = "commune",
                         .name = arena_printf(a, "Xã Thử Nghiệm %02lld", (long long)i), .parent_code = province,
                         .desk_name = "Trung tâm Phục vụ hành chính công", .saturday_service = chance(r, 0.3)};
        if (account_unit_save(d, &f, true, 0, 0, e)) return -1;
    }
    return 0;
}

/* Officials by name for communes without accounts. */
static void name_officials(rng *r, arena *a, dunit *u)
{
    person *who[] = {&u->officer, &u->specialist, &u->leader};
    for (int i = 0; i < 3; i++) {
        if (has(who[i])) continue;
        bool female = chance(r, 0.5);
        who[i]->id = 0;
        who[i]->name = arena_printf(a, "%s %s %s", SURNAMES[between(r, 0, COUNT(SURNAMES) - 1)],
                                    female ? MIDDLE_F[between(r, 0, COUNT(MIDDLE_F) - 1)] : MIDDLE_M[between(r, 0, COUNT(MIDDLE_M) - 1)],
                                    female ? GIVEN_F[between(r, 0, COUNT(GIVEN_F) - 1)] : GIVEN_M[between(r, 0, COUNT(GIVEN_M) - 1)]);
    }
}

/* The secondary indexes of the dossier tables, dropped while a bulk load runs and built again
 * at the end: building an index from all its rows at once is several times faster than
 * keeping it up to date row by row. The definitions are read back from SQLite's catalogue,
 * so they stay exactly those of the migrations (this path is for benchmark databases only). */
typedef struct {
    arena *a;
    FILE *progress;
    char **name, **sql;
    size_t n;
} index_set;

static int drop_indexes(db *c, void *ctx, err *e)
{
    index_set *x = ctx;
    x->n = 0;
    x->name = arena_alloc(x->a, 32 * sizeof *x->name);
    x->sql = arena_alloc(x->a, 32 * sizeof *x->sql);
    db_stmt *s = db_prepare(c, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
                               "tbl_name IN ('dossiers', 'dossier_steps', 'dossier_notices') ORDER BY name");
    while (s && db_step(s) == DB_ROW && x->n < 32) {
        x->name[x->n] = arena_strdup(x->a, db_col_text(s, 0));
        x->sql[x->n++] = arena_strdup(x->a, db_col_text(s, 1));
    }
    if (s) db_done(s);
    for (size_t i = 0; i < x->n; i++)
        if (db_exec(c, arena_printf(x->a, "DROP INDEX %s", x->name[i])) != DB_DONE) {
            err_set(e, 500, "Không tạo được hồ sơ mẫu.", "drop index: %s", db_errmsg(c));
            return -1;
        }
    return 0;
}

static int rebuild_indexes(db *c, void *ctx, err *e)
{
    index_set *x = ctx;
    for (size_t i = 0; i < x->n; i++) {
        if (x->progress) fprintf(x->progress, "index %s\n", x->name[i]);
        if (db_exec(c, x->sql[i]) != DB_DONE) {
            err_set(e, 500, "Không tạo được hồ sơ mẫu.", "indexes: %s", db_errmsg(c));
            return -1;
        }
    }
    return 0;
}

/* The bulk load, in writes of about BULK_BATCH dossiers each: one call writes from where the
 * last one stopped (day, the commune's turn in it, the slot) until its batch is full, or to
 * the end with the counters. */
typedef struct {
    gen *g;
    dunit *units;
    unit_ctx *uc;
    size_t nunits;
    arrival *arr;
    int64_t n, slots, k;   /* dossiers wanted, slots, slots done */
    cal_day first, day, today;
    size_t j;              /* the next commune's turn in day */
    bool done;
} bulk_tx;

static int bulk_write(db *c, void *ctx, err *e)
{
    bulk_tx *t = ctx;
    gen *g = t->g;
    if (gen_prepare(g, c, e)) return -1;
    int64_t since_commit = 0;
    for (; t->day < t->today; t->day++, t->j = 0) {
        /* the communes take turns at the head of the day: with a fixed order, a slot count that
         * is a multiple of the dossiers' spacing gave every dossier to the same few communes */
        for (; t->j < t->nunits; t->j++) {
            size_t i = (t->j + (size_t)(t->day - t->first)) % t->nunits;
            if (!calendar_is_working(g->cal, &t->units[i].cu, t->day)) continue;
            int64_t count = (t->k + 1) * t->n / t->slots - t->k * t->n / t->slots;
            t->k++;
            size_t m = arrivals(g, &t->units[i], t->day, (int)count, t->arr);
            if (write_day(g, &t->uc[i], t->day, t->arr, m)) return fail(g, e, "dossiers");
            since_commit += (int64_t)m;
            if (since_commit >= BULK_BATCH) {
                t->j++;
                return flush_steps(g) ? fail(g, e, "commit") : 0;
            }
        }
    }
    if (flush_steps(g) || finish_counters(g, t->units, t->nunits)) return fail(g, e, "counters");
    t->done = true;
    return 0;
}

int demo_dossiers_bulk(db *d, int64_t n, int64_t now, uint64_t seed, FILE *progress, err *e)
{
    return demo_dossiers_bulk_in(d, n, BULK_COMMUNES, now, seed, progress, e);
}

int demo_dossiers_bulk_in(db *d, int64_t n, int64_t communes, int64_t now, uint64_t seed, FILE *progress, err *e)
{
    gen g;
    if (gen_start(&g, d, now, seed, e)) {
        gen_end(&g);
        return -1;
    }
    if (add_bench_communes(d, g.a, &g.r, communes, e)) {
        gen_end(&g);
        return -1;
    }
    size_t nunits;
    dunit *units = load_units(d, g.a, false, &nunits);
    for (size_t i = 0; i < nunits; i++) name_officials(&g.r, g.a, &units[i]);
    unit_ctx *uc = nunits ? unit_contexts(&g, units, nunits, e) : NULL;
    if (!uc) {
        gen_end(&g);
        return -1;
    }
    /* every working day of every commune is a slot; slot k gets floor((k+1)N/S) - floor(kN/S)
     * dossiers, so exactly n in all, spread evenly over units and days */
    cal_day first = cal_from_ymd(DEMO_FIRST_DAY), today = cal_local_day(now);
    int64_t slots = 0;
    for (cal_day day = first; day <= today; day++)
        for (size_t i = 0; i < nunits; i++) slots += calendar_is_working(g.cal, &units[i].cu, day);
    if (slots == 0) {
        err_set(e, 500, "Không có ngày làm việc nào để tạo hồ sơ.", "no slots");
        gen_end(&g);
        return -1;
    }
    /* today's slots end at now: arrivals after it are not written, so the last day is filled
     * with arrivals up to now only; to keep exactly n, today's slots get no dossiers */
    int64_t today_slots = 0;
    for (size_t i = 0; i < nunits; i++) today_slots += calendar_is_working(g.cal, &units[i].cu, today);
    slots -= today_slots;
    if (slots <= 0) slots = 1;
    size_t cap = (size_t)(n / slots + 2);
    arrival *arr = malloc(cap * sizeof *arr);
    if (!arr) {
        gen_end(&g);
        err_set(e, 500, "Không đủ bộ nhớ.", "arrivals");
        return -1;
    }
    bulk_tx t = {.g = &g, .units = units, .uc = uc, .nunits = nunits, .arr = arr, .n = n, .slots = slots,
                 .first = first, .day = first, .today = today};
    index_set idx = {.a = g.a, .progress = progress};
    int rc = db_write(d, drop_indexes, &idx, e);
    while (rc == 0 && !t.done) {
        rc = db_write(d, bulk_write, &t, e);
        if (rc == 0 && progress) fprintf(progress, "%lld dossiers, %lld steps\n", (long long)g.dossiers, (long long)g.steps);
    }
    free(arr);
    if (rc == 0) rc = db_write(d, rebuild_indexes, &idx, e);
    gen_end(&g);
    return rc;
}

int demo_sample_codes(db *d, int64_t k, FILE *out, err *e)
{
    db_stmt *s = db_prepare(d, "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM dossiers");
    int64_t lo = 0, hi = 0;
    if (db_step(s) == DB_ROW) {
        lo = db_col_int(s, 0);
        hi = db_col_int(s, 1);
    }
    db_done(s);
    if (hi == 0 || k <= 0) return 0;
    /* K targets evenly spaced over the id range; each takes the first dossier at or after it */
    s = db_prepare(d, "SELECT id, code, secret FROM dossiers WHERE id >= ? ORDER BY id LIMIT 1");
    int64_t last = 0, span = hi - lo + 1;
    for (int64_t i = 0; i < k; i++) {
        int64_t target = lo + (int64_t)((__int128)i * span / k);
        if (target <= last) target = last + 1;
        db_bind_int(s, 1, target);
        int rc = db_step(s);
        if (rc == DB_ROW) {
            last = db_col_int(s, 0);
            fprintf(out, "%s\t%s\n", db_col_text(s, 1), db_col_text(s, 2));
        }
        db_done(s);
        if (rc == DB_DONE) break;
        if (rc != DB_ROW) {
            err_set(e, 500, "Không đọc được mã hồ sơ.", "sample: %s", db_errmsg(d));
            return -1;
        }
    }
    return ferror(out) ? -1 : 0;
}
