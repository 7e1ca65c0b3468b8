/* sets_csv.c -- a criteria set as CSV, for an official who fills it in a spreadsheet, and the
 * rule parameters written as one short text ("98:30;95:20").
 *
 * The CSV (RFC 4180, UTF-8, a header row; the columns may come in any order, "row" may be
 * left out when every line is a criterion):
 *
 *   row,group_code,group_name,code,name,max,kind,by,metric,params,guide
 *
 * Each line is one of four kinds, named in "row" (English or unaccented Vietnamese):
 *
 *   set (bo)            one line: code = the set's code (lower case, digits, dashes),
 *                       name = its name, max = the year it applies from, kind = commune or
 *                       department, guide = its source (the decision, what is confirmed).
 *   criterion (tieu-chi, or empty)
 *                       group_code and group_name (the name on the group's first line is
 *                       enough), code, name, max (points, "92,5" or "92.5"), kind = score
 *                       (empty), bonus or penalty, by = entered (empty), bands, linear or
 *                       count, metric = the figure's key (dossier.on_time_rate...), params:
 *                         bands   "98:30;95:20;90:10"  threshold:points, the strictest first;
 *                                 "<=0:10;2:6;5:2" when a lower figure is better
 *                         linear  "80-100"  0 points at 80, all the points at 100
 *                         count   "0.5"     points for each occurrence, up to max
 *                       guide = what evidence shows it.
 *   level (muc)         code = the level (1..10), name = its name ("4 sao"), max = the points
 *                       it needs, params = the least share of each criterion in percent
 *                       (empty: none), then after ";" the least share of each group ("50",
 *                       "0;50"). Highest level first.
 *   blocker (dieu-kien) code, name, max = the lowest level it stops (empty: 1); metric and
 *                       params ("> 5") when the system checks it, empty when the commune
 *                       declares it.
 *
 * The lines become the set JSON of assess.h, which assess_set_from_json then checks as for
 * any set: a refusal names the line ("Dòng 7: ...") or the criterion. Writing goes the other
 * way; a cell a spreadsheet would run as a formula gets an apostrophe in front (OWASP), which
 * reading takes off again. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../catalog/catalog.h"
#include "assess.h"

const char assess_csv_header[] = "row,group_code,group_name,code,name,max,kind,by,metric,params,guide";

enum { COL_ROW, COL_GCODE, COL_GNAME, COL_CODE, COL_NAME, COL_MAX, COL_KIND, COL_BY, COL_METRIC, COL_PARAMS,
       COL_GUIDE, NCOLS };
static const char *const col_names[NCOLS] = {"row", "group_code", "group_name", "code", "name", "max",
                                             "kind", "by", "metric", "params", "guide"};

#define CSV_MAX_LINES 1000

bool assess_number_parse(const char *s, double *v)
{
    if (!s) return false;
    while (*s == ' ') s++;
    char tmp[40];
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ') n--;
    if (n == 0 || n >= sizeof tmp) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ',') c = '.';
        if (!(isdigit((unsigned char)c) || c == '.' || (c == '-' && i == 0))) return false;
        tmp[i] = c;
    }
    tmp[n] = '\0';
    char *end;
    *v = strtod(tmp, &end);
    if (*end != '\0' || end == tmp || !isfinite(*v) || fabs(*v) >= 1e9) return false;
    *v = round(*v * 1e6) / 1e6;   /* six decimals at most, so that writing it back is exact */
    if (*v == 0) *v = 0;          /* no "-0" */
    return true;
}

const char *assess_number_text(arena *a, double v)
{
    char *s = arena_printf(a, "%.6f", v);
    char *dot = strchr(s, '.');
    if (dot) {
        char *e = s + strlen(s) - 1;
        while (e > dot && *e == '0') *e-- = '\0';
        if (e == dot) *e = '\0';
        else *dot = ',';
    }
    if (!strcmp(s, "-0")) return "0";
    return s;
}

/* A number for the CSV: a dot, since the comma separates cells. */
static const char *csv_number(arena *a, double v)
{
    char *s = (char *)assess_number_text(a, v);
    for (char *p = s; *p; p++)
        if (*p == ',') *p = '.';
    return s;
}

static json_t *number_json(double v)
{
    return v == floor(v) && fabs(v) < 1e9 ? json_integer((json_int_t)v) : json_real(v);
}

const char *assess_rule_params(arena *a, const assess_criterion *c)
{
    buf b;
    buf_init(&b, a);
    switch (c->by) {
    case ASSESS_BY_BANDS:
        if (c->lower_better) buf_puts(&b, "<=");
        for (int i = 0; i < c->nbands; i++)
            buf_printf(&b, "%s%s:%s", i ? ";" : "", csv_number(a, c->band_at[i]),
                       csv_number(a, c->band_points10[i] / 10.0));
        break;
    case ASSESS_BY_LINEAR:
        buf_printf(&b, "%s-%s", csv_number(a, c->zero_at), csv_number(a, c->full_at));
        break;
    case ASSESS_BY_COUNT:
        buf_puts(&b, csv_number(a, c->each10 / 10.0));
        break;
    default:
        break;
    }
    return arena_strdup(a, buf_cstr(&b));
}

/* "98:30;95:20" into [[98, 30], [95, 20]]; NULL when a pair does not read. */
static json_t *bands_from(const char *p, bool *lower)
{
    while (*p == ' ') p++;
    *lower = !strncmp(p, "<=", 2);
    if (*lower) p += 2;
    json_t *bands = json_array();
    char pair[80];
    while (*p) {
        size_t n = strcspn(p, ";");
        if (n >= sizeof pair || json_array_size(bands) >= ASSESS_MAX_BANDS) goto bad;
        memcpy(pair, p, n);
        pair[n] = '\0';
        char *colon = strchr(pair, ':');
        double at, pts;
        if (!colon) goto bad;
        *colon = '\0';
        if (!assess_number_parse(pair, &at) || !assess_number_parse(colon + 1, &pts)) goto bad;
        json_array_append_new(bands, json_pack("[oo]", number_json(at), number_json(pts)));
        p += n;
        if (*p == ';') p++;
        while (*p == ' ') p++;
    }
    if (json_array_size(bands) == 0) goto bad;
    return bands;
bad:
    json_decref(bands);
    return NULL;
}

json_t *assess_rule_from_params(const char *by, const char *metric, const char *params, const char **why)
{
    if (!by || !*by || !strcmp(by, "entered")) return json_pack("{s:s}", "by", "entered");
    if (!metric || !*metric) {
        *why = "cách chấm tự động cần cột metric (số liệu của hệ thống)";
        return NULL;
    }
    json_t *m = json_string(metric);
    if (!m) {
        *why = "metric không hợp lệ";
        return NULL;
    }
    if (!params) params = "";
    if (!strcmp(by, "bands")) {
        bool lower;
        json_t *bands = bands_from(params, &lower);
        if (!bands) {
            json_decref(m);
            *why = "params của cách chấm theo mức phải như \"98:30;95:20\" (ngưỡng:điểm; \"<=\" ở đầu khi số "
                   "liệu càng thấp càng tốt)";
            return NULL;
        }
        json_t *r = json_pack("{s:s, s:o, s:o}", "by", "bands", "metric", m, "bands", bands);
        if (lower) json_object_set_new(r, "lower_better", json_true());
        return r;
    }
    if (!strcmp(by, "linear")) {
        /* "80-100": the dash after the first number (an en dash as a spreadsheet may write it too) */
        char tmp[80];
        snprintf(tmp, sizeof tmp, "%s", params);
        char *dash = strstr(tmp, "\xE2\x80\x93");
        size_t skip = 3;
        if (!dash) {
            dash = strchr(tmp[0] == '-' ? tmp + 1 : tmp, '-');
            skip = 1;
        }
        double zero, full;
        if (!dash || (*dash = '\0', !assess_number_parse(tmp, &zero)) || !assess_number_parse(dash + skip, &full)) {
            json_decref(m);
            *why = "params của cách chấm tuyến tính phải như \"80-100\" (0 điểm ở 80, đủ điểm ở 100)";
            return NULL;
        }
        return json_pack("{s:s, s:o, s:o, s:o}", "by", "linear", "metric", m, "zero_at", number_json(zero),
                         "full_at", number_json(full));
    }
    if (!strcmp(by, "count")) {
        double each;
        if (!assess_number_parse(params, &each)) {
            json_decref(m);
            *why = "params của cách chấm theo số lượng là số điểm cho mỗi lần, như \"0.5\"";
            return NULL;
        }
        return json_pack("{s:s, s:o, s:o}", "by", "count", "metric", m, "each", number_json(each));
    }
    json_decref(m);
    *why = "cột by phải là entered, bands, linear hoặc count";
    return NULL;
}

/* ---- reading -------------------------------------------------------------------------- */

typedef struct {
    int col[NCOLS];          /* the cell index of each column, -1 when absent */
    bool header_seen;
    int lines;
    json_t *doc, *groups, *levels, *blockers;
    bool set_seen;
    char msg[400];
    int status;
} reader;

static int fail(reader *rd, int line, const char *code, const char *what)
{
    if (code && *code) snprintf(rd->msg, sizeof rd->msg, "Tệp CSV không hợp lệ: dòng %d (%s): %s.", line, code, what);
    else snprintf(rd->msg, sizeof rd->msg, "Tệp CSV không hợp lệ: dòng %d: %s.", line, what);
    rd->status = 422;
    return 1;
}

/* A cell with spaces and tabs trimmed (in place, as libcsv does to unquoted cells) and a formula guard's apostrophe taken off; "" when
 * the line has no such cell. */
static const char *cell(reader *rd, char **cells, int ncells, int col)
{
    int k = rd->col[col];
    if (k < 0 || k >= ncells) return "";
    char *s = cells[k];
    while (*s == ' ' || *s == '\t') s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) s[--len] = '\0';
    if (s[0] == '\'' && s[1] && strchr("=+-@\t\r'", s[1])) s++;
    return s;
}

static int read_header(reader *rd, int line, char **cells, int ncells)
{
    for (int c = 0; c < NCOLS; c++) rd->col[c] = -1;
    for (int k = 0; k < ncells; k++) {
        const char *name = cells[k];
        while (*name == ' ') name++;
        int found = -1;
        for (int c = 0; c < NCOLS; c++)
            if (!strcasecmp(name, col_names[c])) found = c;
        if (found < 0) {
            char what[240];
            snprintf(what, sizeof what, "cột \"%.60s\" không có trong mẫu (các cột: %s)", name, assess_csv_header);
            return fail(rd, line, NULL, what);
        }
        if (rd->col[found] >= 0) return fail(rd, line, NULL, "một cột bị lặp lại");
        rd->col[found] = k;
    }
    if (rd->col[COL_CODE] < 0 || rd->col[COL_NAME] < 0 || rd->col[COL_MAX] < 0)
        return fail(rd, line, NULL, "dòng đầu phải là tên cột, ít nhất code, name và max");
    rd->header_seen = true;
    return 0;
}

static const char *row_kind(const char *r)
{
    static const struct {
        const char *name, *kind;
    } names[] = {{"", "criterion"},       {"criterion", "criterion"}, {"tieu-chi", "criterion"},
                 {"tieu chi", "criterion"}, {"set", "set"},          {"bo", "set"},
                 {"level", "level"},       {"muc", "level"},         {"blocker", "blocker"},
                 {"dieu-kien", "blocker"}, {"dieu kien", "blocker"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(r, names[i].name)) return names[i].kind;
    return NULL;
}

/* A string for the JSON: NULL when the bytes are not UTF-8 (jansson refuses them). */
static int put_str(reader *rd, int line, json_t *o, const char *key, const char *v)
{
    json_t *s = json_string(v);
    if (!s) return fail(rd, line, NULL, "văn bản không phải UTF-8 (hãy lưu tệp với mã hóa UTF-8)");
    json_object_set_new(o, key, s);
    return 0;
}

static int put_number(reader *rd, int line, const char *code, json_t *o, const char *key, const char *v,
                      const char *what)
{
    double d;
    if (!assess_number_parse(v, &d)) return fail(rd, line, code, what);
    json_object_set_new(o, key, number_json(d));
    return 0;
}

static json_t *group_for(reader *rd, const char *code)
{
    size_t i;
    json_t *g;
    json_array_foreach(rd->groups, i, g) if (!strcmp(json_string_value(json_object_get(g, "code")), code)) return g;
    return NULL;
}

static int read_set(reader *rd, int line, const char *const *c)
{
    if (rd->set_seen) return fail(rd, line, NULL, "chỉ có một dòng set");
    rd->set_seen = true;
    if (put_str(rd, line, rd->doc, "code", c[COL_CODE]) || put_str(rd, line, rd->doc, "name", c[COL_NAME]) ||
        put_str(rd, line, rd->doc, "source", c[COL_GUIDE]))
        return 1;
    json_object_set_new(rd->doc, "applies_to", json_string(*c[COL_KIND] ? c[COL_KIND] : "commune"));
    if (!json_object_get(rd->doc, "applies_to")) return fail(rd, line, NULL, "cột kind không hợp lệ");
    double year;
    if (!assess_number_parse(c[COL_MAX], &year) || year != floor(year))
        return fail(rd, line, NULL, "dòng set: cột max là năm áp dụng, như 2026");
    json_object_set_new(rd->doc, "year", json_integer((json_int_t)year));
    return 0;
}

static int read_criterion(reader *rd, int line, const char *const *c)
{
    const char *code = c[COL_CODE];
    if (!*c[COL_GCODE]) return fail(rd, line, code, "thiếu group_code (mã nhóm)");
    json_t *g = group_for(rd, c[COL_GCODE]);
    if (!g) {
        g = json_object();
        json_array_append_new(rd->groups, g);
        json_object_set_new(g, "criteria", json_array());
        if (put_str(rd, line, g, "code", c[COL_GCODE]) ||
            put_str(rd, line, g, "name", *c[COL_GNAME] ? c[COL_GNAME] : c[COL_GCODE]))
            return 1;
    }
    json_t *o = json_object();
    json_array_append_new(json_object_get(g, "criteria"), o);
    if (put_str(rd, line, o, "code", code) || put_str(rd, line, o, "name", c[COL_NAME]) ||
        put_str(rd, line, o, "guide", c[COL_GUIDE]) ||
        put_str(rd, line, o, "kind", *c[COL_KIND] ? c[COL_KIND] : "score"))
        return 1;
    if (put_number(rd, line, code, o, "max", c[COL_MAX], "cột max phải là số điểm, như 20 hoặc 7,5")) return 1;
    const char *by = c[COL_BY];
    if ((!*by || !strcmp(by, "entered")) && *c[COL_METRIC])
        return fail(rd, line, code, "có metric nhưng cột by trống; hãy ghi bands, linear hoặc count");
    const char *why = NULL;
    json_t *rule = assess_rule_from_params(by, c[COL_METRIC], c[COL_PARAMS], &why);
    if (!rule) return fail(rd, line, code, why);
    json_object_set_new(o, "rule", rule);
    return 0;
}

static int read_level(reader *rd, int line, const char *const *c)
{
    json_t *o = json_object();
    json_array_append_new(rd->levels, o);
    double level;
    if (!assess_number_parse(c[COL_CODE], &level) || level != floor(level) || level < 1 || level > 10)
        return fail(rd, line, NULL, "dòng level: cột code là số của mức, từ 1 đến 10");
    json_object_set_new(o, "level", json_integer((json_int_t)level));
    if (put_str(rd, line, o, "name", c[COL_NAME])) return 1;
    if (put_number(rd, line, c[COL_CODE], o, "min_total", c[COL_MAX], "dòng level: cột max là số điểm tối thiểu"))
        return 1;
    /* "E" or "E;G": the least share of each criterion, then of each group */
    const char *params = c[COL_PARAMS], *semi = strchr(params, ';');
    char each[32];
    snprintf(each, sizeof each, "%.*s", semi ? (int)(semi - params) : (int)strlen(params), params);
    const char *what = "dòng level: cột params là tỷ lệ tối thiểu mỗi tiêu chí (%), rồi sau dấu ; của mỗi nhóm, như 50 hoặc 0;50";
    if (*each && put_number(rd, line, c[COL_CODE], o, "min_pct_each", each, what)) return 1;
    if (semi && put_number(rd, line, c[COL_CODE], o, "min_pct_group", semi + 1, what)) return 1;
    return 0;
}

static int read_blocker(reader *rd, int line, const char *const *c)
{
    const char *code = c[COL_CODE];
    json_t *o = json_object();
    json_array_append_new(rd->blockers, o);
    if (put_str(rd, line, o, "code", code) || put_str(rd, line, o, "name", c[COL_NAME])) return 1;
    if (*c[COL_MAX] && put_number(rd, line, code, o, "from_level", c[COL_MAX],
                                  "dòng blocker: cột max là mức thấp nhất bị chặn, như 1"))
        return 1;
    if (json_is_real(json_object_get(o, "from_level")))
        return fail(rd, line, code, "dòng blocker: cột max là mức thấp nhất bị chặn, như 1");
    if (!*c[COL_METRIC]) return 0;
    if (put_str(rd, line, o, "metric", c[COL_METRIC])) return 1;
    /* "> 5", ">=5", "<= 2,5" */
    const char *p = c[COL_PARAMS];
    while (*p == ' ') p++;
    size_t n = strspn(p, "<>=");
    char op[3] = {0};
    if (n < 1 || n > 2) return fail(rd, line, code, "dòng blocker: cột params như \"> 5\" (>, >=, <, <= và một số)");
    memcpy(op, p, n);
    json_object_set_new(o, "op", json_string(op));
    return put_number(rd, line, code, o, "value", p + n,
                      "dòng blocker: cột params như \"> 5\" (>, >=, <, <= và một số)");
}

static int on_row(void *ctx, int line, char **cells, int ncells)
{
    reader *rd = ctx;
    if (++rd->lines > CSV_MAX_LINES) return fail(rd, line, NULL, "tệp quá dài (tối đa 1.000 dòng)");
    bool blank = true;
    for (int k = 0; k < ncells; k++)
        if (cells[k][strspn(cells[k], " ")]) blank = false;
    if (blank) return 0;
    if (!rd->header_seen) return read_header(rd, line, cells, ncells);
    const char *c[NCOLS];
    for (int k = 0; k < NCOLS; k++) c[k] = cell(rd, cells, ncells, k);
    const char *kind = row_kind(c[COL_ROW]);
    if (!kind) return fail(rd, line, NULL, "cột row phải là set, criterion, level hoặc blocker");
    if (!strcmp(kind, "set")) return read_set(rd, line, c);
    if (!strcmp(kind, "level")) return read_level(rd, line, c);
    if (!strcmp(kind, "blocker")) return read_blocker(rd, line, c);
    return read_criterion(rd, line, c);
}

int assess_set_csv_to_json(const char *data, size_t len, json_t **doc, err *e)
{
    reader rd = {.doc = json_object(), .groups = json_array(), .levels = json_array(), .blockers = json_array()};
    json_object_set(rd.doc, "groups", rd.groups);
    json_object_set(rd.doc, "levels", rd.levels);
    json_object_set(rd.doc, "blockers", rd.blockers);
    char errbuf[200];
    int rc;
    if (memchr(data, '\0', len)) {   /* not text: a cell would end at the NUL */
        snprintf(errbuf, sizeof errbuf, "tệp chứa ký tự NUL, không phải văn bản CSV");
        rc = -1;
    } else {
        rc = catalog_csv_parse(data, len, on_row, &rd, errbuf, sizeof errbuf);
    }
    json_decref(rd.groups);
    json_decref(rd.levels);
    json_decref(rd.blockers);
    if (rc < 0) {
        snprintf(rd.msg, sizeof rd.msg, "Tệp CSV không hợp lệ: %s.", errbuf);
        rd.status = 422;
    } else if (!rd.status && !rd.header_seen) {
        snprintf(rd.msg, sizeof rd.msg, "Tệp CSV trống: dòng đầu phải là tên cột (%s).", assess_csv_header);
        rd.status = 422;
    } else if (!rd.status && !rd.set_seen) {
        snprintf(rd.msg, sizeof rd.msg,
                 "Tệp CSV thiếu dòng set (mã, tên, năm áp dụng và nguồn của bộ tiêu chí); xem tệp mẫu.");
        rd.status = 422;
    }
    if (rd.status) {
        json_decref(rd.doc);
        err_set(e, rd.status, rd.msg, "criteria csv: %s", rd.msg);
        return -1;
    }
    *doc = rd.doc;
    return 0;
}

int assess_set_from_csv(arena *a, const char *data, size_t len, assess_metric_known_fn known, assess_set *out,
                        err *e)
{
    json_t *doc;
    if (assess_set_csv_to_json(data, len, &doc, e)) return -1;
    int rc = assess_set_from_json(a, doc, known, out, e);
    json_decref(doc);
    return rc;
}

/* ---- writing -------------------------------------------------------------------------- */

static void put_cell(buf *b, const char *s, bool last)
{
    if (!s) s = "";
    bool guard = s[0] && strchr("=+-@\t\r'", s[0]);
    if (guard || strpbrk(s, ",\"\r\n")) {
        buf_putc(b, '"');
        if (guard) buf_putc(b, '\'');
        for (const char *p = s; *p; p++) {
            if (*p == '"') buf_putc(b, '"');
            buf_putc(b, *p);
        }
        buf_putc(b, '"');
    } else {
        buf_puts(b, s);
    }
    buf_puts(b, last ? "\r\n" : ",");
}

static void put_line(buf *b, const char *const cells[NCOLS])
{
    for (int k = 0; k < NCOLS; k++) put_cell(b, cells[k], k == NCOLS - 1);
}

const char *assess_set_to_csv(arena *a, const assess_set *s, size_t *len)
{
    static const char *kinds[] = {"score", "bonus", "penalty"};
    static const char *bys[] = {"entered", "bands", "linear", "count"};
    buf b;
    buf_init(&b, a);
    buf_puts(&b, "\xEF\xBB\xBF");
    buf_puts(&b, assess_csv_header);
    buf_puts(&b, "\r\n");
    put_line(&b, (const char *const[NCOLS]){"set", "", "", s->code, s->name, arena_printf(a, "%d", s->year),
                                            s->applies_to, "", "", "", s->source});
    for (int g = 0; g < s->ngroups; g++)
        for (int i = s->groups[g].first; i < s->groups[g].first + s->groups[g].count; i++) {
            const assess_criterion *c = &s->items[i];
            put_line(&b, (const char *const[NCOLS]){"criterion", s->groups[g].code,
                                                    i == s->groups[g].first ? s->groups[g].name : "", c->code,
                                                    c->name, csv_number(a, c->max10 / 10.0), kinds[c->kind],
                                                    bys[c->by], c->metric ? c->metric : "",
                                                    assess_rule_params(a, c), c->guide});
        }
    for (int i = 0; i < s->nlevels; i++) {
        const assess_level *l = &s->levels[i];
        put_line(&b, (const char *const[NCOLS]){"level", "", "", arena_printf(a, "%d", l->level), l->name,
                                                csv_number(a, l->min_total10 / 10.0), "", "", "",
                                                l->min_pct_group ? arena_printf(a, "%d;%d", l->min_pct_each, l->min_pct_group)
                                                : l->min_pct_each ? arena_printf(a, "%d", l->min_pct_each)
                                                                  : "",
                                                ""});
    }
    for (int i = 0; i < s->nblockers; i++) {
        const assess_blocker *k = &s->blockers[i];
        put_line(&b, (const char *const[NCOLS]){"blocker", "", "", k->code, k->name,
                                                arena_printf(a, "%d", k->from_level), "", "",
                                                k->metric ? k->metric : "",
                                                k->metric ? arena_printf(a, "%s %s", k->op, csv_number(a, k->value))
                                                          : "",
                                                ""});
    }
    *len = b.len;
    return buf_cstr(&b);
}
