/* criteria.c -- a criteria set read from its JSON, checked, and written back (assess.h says the
 * format). Every refusal names the first problem in Vietnamese, with the criterion's code,
 * so that a province importing its own set knows what to fix. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/text.h"
#include "assess.h"

static const char *str_or(json_t *o, const char *k, const char *dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

static bool num(json_t *o, const char *k, double *v)
{
    json_t *j = json_object_get(o, k);
    if (!json_is_number(j)) return false;
    *v = json_number_value(j);
    return isfinite(*v);
}

/* Points as tenths; false when not a number or finer than a tenth. */
static bool tenths(double v, int *out)
{
    double t = v * 10.0;
    if (!isfinite(t) || fabs(t - llround(t)) > 1e-6 || fabs(t) > 1e7) return false;
    *out = (int)llround(t);
    return true;
}

/* The user's message names the criterion; it is composed, so it is shown as it is. */
static int bad(err *e, const char *what, const char *code)
{
    char msg[400];
    if (code && *code) snprintf(msg, sizeof msg, "Bộ tiêu chí không hợp lệ: tiêu chí %s: %s.", code, what);
    else snprintf(msg, sizeof msg, "Bộ tiêu chí không hợp lệ: %s.", what);
    err_set(e, 422, msg, "assess set: %s %s", code ? code : "", what);
    return -1;
}

/* A name or code as printed: NFC, no control or hidden characters, 1..max characters. */
static bool text_ok(const char *s, size_t max)
{
    return s && *s && text_char_count(s) <= max && text_check_shown(s) == TEXT_OK &&
           strcspn(s, "\r\n\t") == strlen(s);
}

static const char *clean(arena *a, const char *s)
{
    char *out = NULL;
    if (!s) return NULL;
    return text_clean(a, s, strlen(s), true, 0, &out) == TEXT_OK ? out : arena_strdup(a, s);
}

static int parse_bands(json_t *rule, assess_criterion *c, err *e)
{
    json_t *bands = json_object_get(rule, "bands");
    if (!json_is_array(bands) || json_array_size(bands) == 0 || json_array_size(bands) > ASSESS_MAX_BANDS)
        return bad(e, "\"bands\" phải là danh sách từ 1 đến 12 mức [ngưỡng, điểm]", c->code);
    c->lower_better = json_is_true(json_object_get(rule, "lower_better"));
    size_t i;
    json_t *b;
    json_array_foreach(bands, i, b) {
        if (!json_is_array(b) || json_array_size(b) != 2 || !json_is_number(json_array_get(b, 0)) ||
            !json_is_number(json_array_get(b, 1)))
            return bad(e, "mỗi mức phải là [ngưỡng, điểm]", c->code);
        c->band_at[i] = json_number_value(json_array_get(b, 0));
        if (!tenths(json_number_value(json_array_get(b, 1)), &c->band_points10[i]) || c->band_points10[i] < 0 ||
            c->band_points10[i] > c->max10)
            return bad(e, "điểm của một mức phải từ 0 đến điểm tối đa", c->code);
        /* first band first: the strictest threshold, so that the first reached is the best */
        if (i > 0 && (c->lower_better ? c->band_at[i] <= c->band_at[i - 1] : c->band_at[i] >= c->band_at[i - 1]))
            return bad(e, "các mức phải xếp từ ngưỡng cao nhất (hoặc thấp nhất khi \"lower_better\")", c->code);
    }
    c->nbands = (int)json_array_size(bands);
    return 0;
}

static int parse_rule(arena *a, json_t *rule, assess_metric_known_fn known, assess_criterion *c, err *e)
{
    const char *by = rule ? str_or(rule, "by", "entered") : "entered";
    if (rule && !json_is_object(rule)) return bad(e, "\"rule\" phải là một đối tượng", c->code);
    if (!strcmp(by, "entered")) {
        c->by = ASSESS_BY_ENTERED;
        return 0;
    }
    c->metric = clean(a, str_or(rule, "metric", NULL));
    if (!c->metric || !*c->metric) return bad(e, "cách chấm tự động cần \"metric\"", c->code);
    if (known && !known(c->metric)) return bad(e, "số liệu \"metric\" không có trong hệ thống", c->code);
    if (!strcmp(by, "bands")) {
        c->by = ASSESS_BY_BANDS;
        return parse_bands(rule, c, e);
    }
    if (!strcmp(by, "linear")) {
        c->by = ASSESS_BY_LINEAR;
        if (!num(rule, "zero_at", &c->zero_at) || !num(rule, "full_at", &c->full_at) || c->zero_at == c->full_at)
            return bad(e, "cách chấm tuyến tính cần \"zero_at\" và \"full_at\" khác nhau", c->code);
        return 0;
    }
    if (!strcmp(by, "count")) {
        double each;
        c->by = ASSESS_BY_COUNT;
        if (!num(rule, "each", &each) || !tenths(each, &c->each10) || c->each10 <= 0)
            return bad(e, "cách chấm theo số lượng cần \"each\" lớn hơn 0", c->code);
        return 0;
    }
    return bad(e, "\"by\" phải là entered, bands, linear hoặc count", c->code);
}

static int parse_criterion(arena *a, json_t *j, const char *group, assess_metric_known_fn known,
                           assess_criterion *c, err *e)
{
    double max;
    if (!json_is_object(j)) return bad(e, "mỗi tiêu chí phải là một đối tượng", NULL);
    c->code = clean(a, str_or(j, "code", ""));
    c->name = clean(a, str_or(j, "name", ""));
    c->guide = clean(a, str_or(j, "guide", ""));
    c->group = group;
    if (!text_ok(c->code, 20)) return bad(e, "mỗi tiêu chí cần \"code\" (tối đa 20 ký tự)", NULL);
    if (!text_ok(c->name, 1000)) return bad(e, "thiếu tên (\"name\")", c->code);
    if (!num(j, "max", &max) || !tenths(max, &c->max10) || c->max10 <= 0 || c->max10 > 10000)
        return bad(e, "\"max\" phải là số điểm lớn hơn 0 (tối đa 1000, đến 0,1 điểm)", c->code);
    const char *kind = str_or(j, "kind", "score");
    if (!strcmp(kind, "score")) c->kind = ASSESS_SCORE;
    else if (!strcmp(kind, "bonus")) c->kind = ASSESS_BONUS;
    else if (!strcmp(kind, "penalty")) c->kind = ASSESS_PENALTY;
    else return bad(e, "\"kind\" phải là score, bonus hoặc penalty", c->code);
    return parse_rule(a, json_object_get(j, "rule"), known, c, e);
}

static int parse_groups(arena *a, json_t *groups, assess_metric_known_fn known, assess_set *s, err *e)
{
    if (!json_is_array(groups) || json_array_size(groups) == 0 || json_array_size(groups) > ASSESS_MAX_ITEMS)
        return bad(e, "cần ít nhất một nhóm tiêu chí (\"groups\")", NULL);
    size_t n = 0, i, k;
    json_t *g, *c;
    json_array_foreach(groups, i, g) n += json_array_size(json_object_get(g, "criteria"));
    if (n == 0 || n > ASSESS_MAX_ITEMS) return bad(e, "một bộ có từ 1 đến 200 tiêu chí", NULL);
    s->groups = arena_alloc(a, json_array_size(groups) * sizeof *s->groups);
    s->items = arena_alloc(a, n * sizeof *s->items);
    json_array_foreach(groups, i, g) {
        assess_group *gr = &s->groups[s->ngroups++];
        gr->code = clean(a, str_or(g, "code", ""));
        gr->name = clean(a, str_or(g, "name", ""));
        if (!text_ok(gr->code, 20) || !text_ok(gr->name, 1000))
            return bad(e, "mỗi nhóm cần \"code\" và \"name\"", NULL);
        json_t *list = json_object_get(g, "criteria");
        if (!json_is_array(list) || json_array_size(list) == 0) return bad(e, "nhóm không có tiêu chí nào", gr->code);
        gr->first = s->nitems;
        json_array_foreach(list, k, c) {
            assess_criterion *it = &s->items[s->nitems];
            if (parse_criterion(a, c, gr->code, known, it, e)) return -1;
            if (assess_criterion_index(s, it->code) >= 0) return bad(e, "mã tiêu chí bị trùng", it->code);
            s->nitems++;
            if (it->kind == ASSESS_SCORE) s->max_total10 += it->max10;
        }
        gr->count = s->nitems - gr->first;
    }
    return 0;
}

static int parse_levels(arena *a, json_t *levels, assess_set *s, err *e)
{
    if (!json_is_array(levels) || json_array_size(levels) == 0 || json_array_size(levels) > ASSESS_MAX_LEVELS)
        return bad(e, "cần từ 1 đến 10 mức (\"levels\")", NULL);
    size_t i;
    json_t *l;
    json_array_foreach(levels, i, l) {
        assess_level *lv = &s->levels[s->nlevels];
        double min, pct = 0;
        json_t *level = json_object_get(l, "level");
        if (!json_is_integer(level) || json_integer_value(level) < 1 || json_integer_value(level) > 10)
            return bad(e, "mỗi mức cần \"level\" từ 1 đến 10", NULL);
        lv->level = (int)json_integer_value(level);
        lv->name = clean(a, str_or(l, "name", ""));
        if (!text_ok(lv->name, 200)) return bad(e, "mỗi mức cần tên (\"name\")", NULL);
        if (!num(l, "min_total", &min) || !tenths(min, &lv->min_total10) || lv->min_total10 < 0)
            return bad(e, "mỗi mức cần \"min_total\" (điểm tối thiểu)", NULL);
        if (json_object_get(l, "min_pct_each") && (!num(l, "min_pct_each", &pct) || pct < 0 || pct > 100))
            return bad(e, "\"min_pct_each\" phải từ 0 đến 100", NULL);
        lv->min_pct_each = (int)pct;
        pct = 0;
        if (json_object_get(l, "min_pct_group") && (!num(l, "min_pct_group", &pct) || pct < 0 || pct > 100))
            return bad(e, "\"min_pct_group\" phải từ 0 đến 100", NULL);
        lv->min_pct_group = (int)pct;
        if (s->nlevels > 0 && (lv->level >= s->levels[s->nlevels - 1].level ||
                               lv->min_total10 > s->levels[s->nlevels - 1].min_total10))
            return bad(e, "các mức phải xếp từ cao xuống thấp, điểm tối thiểu không tăng", NULL);
        s->nlevels++;
    }
    return 0;
}

static int parse_blockers(arena *a, json_t *blockers, assess_metric_known_fn known, assess_set *s, err *e)
{
    if (!blockers) return 0;
    if (!json_is_array(blockers) || json_array_size(blockers) > ASSESS_MAX_BLOCKERS)
        return bad(e, "\"blockers\" là danh sách tối đa 20 điều kiện", NULL);
    size_t i;
    json_t *b;
    json_array_foreach(blockers, i, b) {
        assess_blocker *bl = &s->blockers[s->nblockers];
        bl->code = clean(a, str_or(b, "code", ""));
        bl->name = clean(a, str_or(b, "name", ""));
        if (!text_ok(bl->code, 40) || !text_ok(bl->name, 1000)) return bad(e, "mỗi điều kiện cần \"code\" và \"name\"", NULL);
        json_t *from = json_object_get(b, "from_level");
        bl->from_level = json_is_integer(from) ? (int)json_integer_value(from) : 1;
        if (bl->from_level < 1 || bl->from_level > 10) return bad(e, "\"from_level\" phải từ 1 đến 10", bl->code);
        bl->metric = clean(a, str_or(b, "metric", NULL));
        if (bl->metric) {
            const char *op = str_or(b, "op", "");
            if (strcmp(op, ">") && strcmp(op, ">=") && strcmp(op, "<") && strcmp(op, "<="))
                return bad(e, "\"op\" phải là >, >=, < hoặc <=", bl->code);
            snprintf(bl->op, sizeof bl->op, "%s", op);
            if (!num(b, "value", &bl->value)) return bad(e, "điều kiện theo số liệu cần \"value\"", bl->code);
            if (known && !known(bl->metric)) return bad(e, "số liệu \"metric\" không có trong hệ thống", bl->code);
        }
        for (int k = 0; k < s->nblockers; k++)
            if (!strcmp(s->blockers[k].code, bl->code)) return bad(e, "mã điều kiện bị trùng", bl->code);
        s->nblockers++;
    }
    return 0;
}

int assess_set_from_json(arena *a, json_t *doc, assess_metric_known_fn known, assess_set *s, err *e)
{
    memset(s, 0, sizeof *s);
    if (!json_is_object(doc)) return bad(e, "tệp phải là một đối tượng JSON", NULL);
    s->code = clean(a, str_or(doc, "code", ""));
    s->name = clean(a, str_or(doc, "name", ""));
    s->applies_to = clean(a, str_or(doc, "applies_to", "commune"));
    s->source = clean(a, str_or(doc, "source", ""));
    if (!text_ok(s->code, 40) || strspn(s->code, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(s->code))
        return bad(e, "\"code\" chỉ gồm chữ thường không dấu, số và dấu gạch (tối đa 40 ký tự)", NULL);
    if (!text_ok(s->name, 300)) return bad(e, "thiếu tên bộ tiêu chí (\"name\")", NULL);
    if (strcmp(s->applies_to, "commune") && strcmp(s->applies_to, "department"))
        return bad(e, "\"applies_to\" phải là commune (cấp xã) hoặc department (sở, ngành)", NULL);
    json_t *year = json_object_get(doc, "year");
    if (!json_is_integer(year) || json_integer_value(year) < 2000 || json_integer_value(year) > 2100)
        return bad(e, "\"year\" phải là năm áp dụng (2000–2100)", NULL);
    s->year = (int)json_integer_value(year);
    if (parse_groups(a, json_object_get(doc, "groups"), known, s, e)) return -1;
    if (parse_levels(a, json_object_get(doc, "levels"), s, e)) return -1;
    return parse_blockers(a, json_object_get(doc, "blockers"), known, s, e);
}

int assess_set_parse(arena *a, const char *json, size_t len, assess_metric_known_fn known, assess_set *out, err *e)
{
    json_error_t je;
    json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        char msg[300];
        snprintf(msg, sizeof msg, "Tệp bộ tiêu chí không phải JSON hợp lệ (dòng %d).", je.line);
        err_set(e, 422, msg, "assess json: %s", je.text);
        return -1;
    }
    int rc = assess_set_from_json(a, doc, known, out, e);
    json_decref(doc);
    return rc;
}

int assess_criterion_index(const assess_set *s, const char *code)
{
    for (int i = 0; i < s->nitems; i++)
        if (!strcmp(s->items[i].code, code)) return i;
    return -1;
}

static json_t *points_json(int tenths10)
{
    return tenths10 % 10 ? json_real(tenths10 / 10.0) : json_integer(tenths10 / 10);
}

static json_t *rule_json(const assess_criterion *c)
{
    switch (c->by) {
    case ASSESS_BY_BANDS: {
        json_t *bands = json_array();
        for (int i = 0; i < c->nbands; i++)
            json_array_append_new(bands, json_pack("[fo]", c->band_at[i], points_json(c->band_points10[i])));
        json_t *r = json_pack("{s:s, s:s, s:o}", "by", "bands", "metric", c->metric, "bands", bands);
        if (c->lower_better) json_object_set_new(r, "lower_better", json_true());
        return r;
    }
    case ASSESS_BY_LINEAR:
        return json_pack("{s:s, s:s, s:f, s:f}", "by", "linear", "metric", c->metric, "zero_at", c->zero_at,
                         "full_at", c->full_at);
    case ASSESS_BY_COUNT:
        return json_pack("{s:s, s:s, s:o}", "by", "count", "metric", c->metric, "each", points_json(c->each10));
    default:
        return json_pack("{s:s}", "by", "entered");
    }
}

json_t *assess_set_to_json(const assess_set *s)
{
    static const char *kinds[] = {"score", "bonus", "penalty"};
    json_t *groups = json_array(), *levels = json_array(), *blockers = json_array();
    for (int g = 0; g < s->ngroups; g++) {
        json_t *list = json_array();
        for (int i = s->groups[g].first; i < s->groups[g].first + s->groups[g].count; i++) {
            const assess_criterion *c = &s->items[i];
            json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:o}", "code", c->code, "name", c->name, "max",
                                  points_json(c->max10), "kind", kinds[c->kind], "rule", rule_json(c));
            if (c->guide && *c->guide) json_object_set_new(o, "guide", json_string(c->guide));
            json_array_append_new(list, o);
        }
        json_array_append_new(groups, json_pack("{s:s, s:s, s:o}", "code", s->groups[g].code, "name",
                                                s->groups[g].name, "criteria", list));
    }
    for (int i = 0; i < s->nlevels; i++) {
        json_t *o = json_pack("{s:i, s:s, s:o, s:i}", "level", s->levels[i].level, "name", s->levels[i].name,
                              "min_total", points_json(s->levels[i].min_total10), "min_pct_each",
                              s->levels[i].min_pct_each);
        if (s->levels[i].min_pct_group) json_object_set_new(o, "min_pct_group", json_integer(s->levels[i].min_pct_group));
        json_array_append_new(levels, o);
    }
    for (int i = 0; i < s->nblockers; i++) {
        const assess_blocker *b = &s->blockers[i];
        json_t *o = json_pack("{s:s, s:s, s:i}", "code", b->code, "name", b->name, "from_level", b->from_level);
        if (b->metric) {
            json_object_set_new(o, "metric", json_string(b->metric));
            json_object_set_new(o, "op", json_string(b->op));
            json_object_set_new(o, "value", json_real(b->value));
        }
        json_array_append_new(blockers, o);
    }
    return json_pack("{s:s, s:s, s:s, s:i, s:s, s:o, s:o, s:o}", "code", s->code, "name", s->name, "applies_to",
                     s->applies_to, "year", s->year, "source", s->source ? s->source : "", "groups", groups,
                     "levels", levels, "blockers", blockers);
}

const char *assess_points_text(arena *a, int p)
{
    int whole = abs(p) / 10, tenth = abs(p) % 10;
    if (tenth) return arena_printf(a, "%s%d,%d", p < 0 ? "-" : "", whole, tenth);
    return arena_printf(a, "%s%d", p < 0 ? "-" : "", whole);
}

bool assess_points_parse(const char *s, int *out)
{
    if (!s) return false;
    while (*s == ' ') s++;
    if (*s < '0' || *s > '9') return false;
    long whole = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        whole = whole * 10 + (*s - '0');
        if (++digits > 5) return false;
    }
    int tenth = 0;
    if (*s == ',' || *s == '.') {
        s++;
        if (*s < '0' || *s > '9') return false;
        tenth = *s++ - '0';
    }
    while (*s == ' ') s++;
    if (*s) return false;
    *out = (int)(whole * 10 + tenth);
    return true;
}
