/* sets_metrics.c -- the figures a criterion's computed rule may name, with the words the set's
 * page uses for them ("Tự động: tỷ lệ hồ sơ giải quyết đúng hạn ≥ 98% được 30 điểm").
 *
 * The keys are the ones the report feature computes for a unit and a year (report/figures.h,
 * issue 13); a set naming any other key is refused when it is imported or edited. The labels
 * are kept here because they are how a criteria set reads; test_assess_sets checks that this
 * list and figures_metric_defs name the same keys. */
#include <string.h>

#include "../core/err.h"
#include "assess.h"

static const assess_metric_info metrics[] = {
    {"dossier.received", N_("số hồ sơ tiếp nhận"), false},
    {"dossier.online_rate", N_("tỷ lệ hồ sơ nộp trực tuyến"), true},
    {"dossier.on_time_rate", N_("tỷ lệ hồ sơ giải quyết đúng hạn"), true},
    {"dossier.early_rate", N_("tỷ lệ hồ sơ giải quyết trước hạn"), true},
    {"dossier.late_rate", N_("tỷ lệ hồ sơ trễ hạn"), true},
    {"dossier.apologies", N_("số văn bản xin lỗi vì hồ sơ trễ hạn"), false},
    {"dossier.apology_on_time_rate", N_("tỷ lệ hồ sơ trễ hạn có văn bản xin lỗi gửi trước ngày hẹn trả"), true},
    {"dossier.avg_days", N_("số ngày giải quyết trung bình"), false},
    {"dossier.trips_avg", N_("số lần đi lại trung bình của người dân cho một hồ sơ"), false},
    {"rating.count", N_("số lượt người dân đánh giá"), false},
    {"rating.satisfied_rate", N_("tỷ lệ đánh giá hài lòng"), true},
    {"rating.dissatisfied", N_("số đánh giá không hài lòng"), false},
    {"rating.answered_rate", N_("tỷ lệ đánh giá không hài lòng được lãnh đạo trả lời"), true},
    {"feedback.received", N_("số phản ánh, kiến nghị tiếp nhận"), false},
    {"feedback.on_time_rate", N_("tỷ lệ phản ánh, kiến nghị trả lời đúng hạn"), true},
    {"complaint.received", N_("số đơn khiếu nại, tố cáo tiếp nhận"), false},
    {"complaint.on_time_rate", N_("tỷ lệ đơn khiếu nại, tố cáo giải quyết đúng hạn"), true},
    {"feedback.overdue_open", N_("số phản ánh, kiến nghị quá hạn chưa trả lời"), false},
    {"letter.apology", N_("số thư xin lỗi"), false},
    {"letter.thanks", N_("số thư cảm ơn"), false},
    {"letter.congratulation", N_("số thư chúc mừng"), false},
    {"letter.condolence", N_("số thư thăm hỏi, chia buồn"), false},
    {"letter.delivered_rate", N_("tỷ lệ thư đã trao tận tay"), true},
    {"reception.sessions", N_("số buổi tiếp công dân"), false},
    {"reception.count", N_("số lượt tiếp công dân"), false},
    {"reception.weekly_rate", N_("tỷ lệ tuần có buổi tiếp công dân theo lịch"), true},
    {"dialogue.held", N_("số buổi đối thoại với Nhân dân đã tổ chức"), false},
    {NULL, NULL, false},
};

const assess_metric_info *assess_metrics(void)
{
    return metrics;
}

const assess_metric_info *assess_metric_find(const char *key)
{
    if (!key) return NULL;
    for (const assess_metric_info *m = metrics; m->key; m++)
        if (!strcmp(m->key, key)) return m;
    return NULL;
}

bool assess_metric_known(const char *key)
{
    return assess_metric_find(key) != NULL;
}
