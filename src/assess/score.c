/* score.c -- a unit scored against a criteria set (assess.h says the rules). Pure: the figures
 * come through a callback and the entered points as arguments, so the same function serves
 * the commune's self-assessment, the appraisal and the province's "how far from the next
 * level" without touching the database. */
#include <math.h>
#include <string.h>

#include "assess.h"

int assess_rule_points(const assess_criterion *c, double value)
{
    switch (c->by) {
    case ASSESS_BY_BANDS:
        for (int i = 0; i < c->nbands; i++)
            if (c->lower_better ? value <= c->band_at[i] : value >= c->band_at[i]) return c->band_points10[i];
        return 0;
    case ASSESS_BY_LINEAR: {
        double share = (value - c->zero_at) / (c->full_at - c->zero_at);
        if (share <= 0) return 0;
        if (share >= 1) return c->max10;
        /* down to a half point, as an appraisal council rounds */
        int halves = (int)floor(share * c->max10 / 5.0 + 1e-9);
        return halves * 5;
    }
    case ASSESS_BY_COUNT: {
        if (value <= 0) return 0;
        double p = floor(value + 1e-9) * c->each10;
        return p >= c->max10 ? c->max10 : (int)p;
    }
    default:
        return 0;
    }
}

static bool blocker_holds(const assess_blocker *b, bool declared, assess_metric_fn metric, void *ctx)
{
    if (!b->metric) return declared;
    double v;
    if (!metric || !metric(ctx, b->metric, &v)) return false;   /* no data: nothing to hold against */
    if (!strcmp(b->op, ">")) return v > b->value;
    if (!strcmp(b->op, ">=")) return v >= b->value;
    if (!strcmp(b->op, "<")) return v < b->value;
    return v <= b->value;
}

static void score_line(const assess_criterion *c, const assess_input *in, assess_metric_fn metric, void *ctx,
                       bool prefer_computed, assess_line *l)
{
    memset(l, 0, sizeof *l);
    bool entered = in && in->has_entered;
    if (c->by != ASSESS_BY_ENTERED && metric) l->has_value = metric(ctx, c->metric, &l->value);
    if (l->has_value && (prefer_computed || !entered)) {
        l->computed = true;
        l->points10 = assess_rule_points(c, l->value);
    } else if (entered) {
        l->points10 = in->entered10 < 0 ? 0 : in->entered10 > c->max10 ? c->max10 : in->entered10;
    } else {
        l->missing = true;
    }
}

/* May the unit hold this level, its total and lines given? */
static bool level_reached(const assess_set *s, const assess_level *lv, const assess_score_result *r)
{
    if (r->total10 < lv->min_total10) return false;
    if (r->blocked_from && r->blocked_from <= lv->level) return false;
    if (lv->min_pct_each > 0)
        for (int i = 0; i < s->nitems; i++)
            if (s->items[i].kind == ASSESS_SCORE && r->lines[i].points10 * 100 < s->items[i].max10 * lv->min_pct_each)
                return false;
    if (lv->min_pct_group > 0)
        for (int g = 0; g < s->ngroups; g++) {
            int got = 0, max = 0;
            for (int i = s->groups[g].first; i < s->groups[g].first + s->groups[g].count; i++)
                if (s->items[i].kind == ASSESS_SCORE) {
                    got += r->lines[i].points10;
                    max += s->items[i].max10;
                }
            if (got * 100 < max * lv->min_pct_group) return false;
        }
    return true;
}

void assess_score(const assess_set *s, const assess_input *inputs, const bool *flags, assess_metric_fn metric,
                  void *ctx, bool prefer_computed, assess_score_result *out)
{
    memset(out, 0, sizeof *out);
    out->max_total10 = s->max_total10;
    int total = 0;
    for (int i = 0; i < s->nitems; i++) {
        assess_line *l = &out->lines[i];
        score_line(&s->items[i], inputs ? &inputs[i] : NULL, metric, ctx, prefer_computed, l);
        if (l->missing) out->missing++;
        total += s->items[i].kind == ASSESS_PENALTY ? -l->points10 : l->points10;
    }
    out->total10 = total < 0 ? 0 : total;
    for (int k = 0; k < s->nblockers; k++) {
        out->blocker_holds[k] = blocker_holds(&s->blockers[k], flags && flags[k], metric, ctx);
        if (out->blocker_holds[k] && (!out->blocked_from || s->blockers[k].from_level < out->blocked_from))
            out->blocked_from = s->blockers[k].from_level;
    }
    /* levels are stored highest first */
    for (int i = 0; i < s->nlevels; i++) {
        if (!level_reached(s, &s->levels[i], out)) continue;
        out->level = s->levels[i].level;
        if (i > 0) {
            out->next_level = s->levels[i - 1].level;
            out->to_next10 = s->levels[i - 1].min_total10 - out->total10;
            if (out->to_next10 < 0) out->to_next10 = 0;   /* enough points; another rule holds it back */
        }
        for (int k = 0; k < s->nitems; k++)
            out->lines[k].below_min = s->items[k].kind == ASSESS_SCORE && s->levels[i].min_pct_each > 0 &&
                                      out->lines[k].points10 * 100 < s->items[k].max10 * s->levels[i].min_pct_each;
        return;
    }
    if (s->nlevels > 0) {
        const assess_level *lowest = &s->levels[s->nlevels - 1];
        out->next_level = lowest->level;
        out->to_next10 = lowest->min_total10 > out->total10 ? lowest->min_total10 - out->total10 : 0;
        for (int k = 0; k < s->nitems; k++)
            out->lines[k].below_min = s->items[k].kind == ASSESS_SCORE && lowest->min_pct_each > 0 &&
                                      out->lines[k].points10 * 100 < s->items[k].max10 * lowest->min_pct_each;
    }
}
