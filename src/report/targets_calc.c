/* targets_calc.c -- where a province stands against its yearly targets (report.h, "targets"),
 * pure: no database, no I/O, so the unit test checks every rule by itself.
 *
 * The rule of seed 002 (Kế hoạch 154-KH/HU, mục II.1.2): "có ít nhất 50% chính quyền cấp xã
 * đạt chuẩn mức độ 1 ... Trong đó, có ít nhất 20% đạt chuẩn trên mức độ 1". Read as:
 *   - the first share counts every commune recognised at level 1 OR ABOVE (a commune at level
 *     3 has reached the level-1 standard too);
 *   - "trong đó" (of which): the communes above level 1 are a part of that first group, and
 *     their share is taken of ALL the province's communes, like the first (20% of the
 *     communes, not 20% of the 50%);
 *   - "ít nhất N đơn vị đạt chuẩn mức độ 4": communes at level 4 or above, a count.
 * A target of 0 is "no target of that kind" (2024 sets only the first share).
 * "Short" is how many more communes would meet the target: ceil(pct x communes / 100) minus
 * those that count, never below 0. */
#include "reports.h"

int targets_needed(int pct, int communes)
{
    if (pct <= 0 || communes <= 0) return 0;
    return (pct * communes + 99) / 100;
}

static void one(target_line *l, int kind, int target, int have, int communes, bool is_count)
{
    l->kind = kind;
    l->target = target;
    l->have = have;
    l->set = target > 0;
    l->share = communes > 0 ? 100.0 * have / communes : 0;
    int need = is_count ? target : targets_needed(target, communes);
    l->needed = l->set ? need : 0;
    l->met = !l->set || have >= need;
    l->short_by = l->met ? 0 : need - have;
}

void targets_evaluate(const report_target *t, const int *at_level, int nlevels, int communes, target_eval *out)
{
    *out = (target_eval){.communes = communes};
    int level1 = 0, above1 = 0, level4 = 0;
    for (int lv = 1; lv < nlevels; lv++) {
        level1 += at_level[lv];
        if (lv >= 2) above1 += at_level[lv];
        if (lv >= 4) level4 += at_level[lv];
    }
    out->none = communes - level1;
    one(&out->lines[0], TARGET_LEVEL1, t ? t->level1_pct : 0, level1, communes, false);
    one(&out->lines[1], TARGET_ABOVE1, t ? t->above1_pct : 0, above1, communes, false);
    one(&out->lines[2], TARGET_LEVEL4, t ? t->level4_min : 0, level4, communes, true);
    out->all_met = out->lines[0].met && out->lines[1].met && out->lines[2].met;
}
