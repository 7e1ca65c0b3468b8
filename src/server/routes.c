/* routes.c -- every URL the server answers, in one table (cgit's cmd.c style): a new page
 * is one line here plus its handler in its feature's folder. Literal routes come before
 * parameter routes with the same prefix. Access and the unit scope are checked by the
 * server before the handler runs (server.c dispatch). */
#include <string.h>

#include "../account/account.h"
#include "../assess/cycle.h"
#include "../audit/audit.h"
#include "../booking/booking.h"
#include "../catalog/catalog.h"
#include "../dossier/dossier.h"
#include "../feedback/open311.h"
#include "../feedback/feedback.h"
#include "../core/calendar.h"
#include "../core/clock.h"
#include "../holiday/holiday.h"
#include "../letter/letter.h"
#include "../notify/notify.h"
#include "../assess/sets_web.h"
#include "../survey/rating.h"
#include "../survey/survey.h"
#include "../reception/reception.h"
#include "../report/reports.h"
#include "../dossier/indicators.h"
#include "../report/figures.h"
#include "app.h"
#include "../kit/form.h"

void page_language(req *r)
{
    const char *lang = req_query(r, "lang");
    const char *next = req_query(r, "next");
    bool en = lang && !strcmp(lang, "en");
    web_header(r, "Set-Cookie", arena_printf(r->a, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax%s",
                                             en ? "en" : "vi", r->secure ? "; Secure" : ""));
    web_redirect(r, form_local_path(next) ? next : "/");
}

const route routes[] = {
    {"GET", "/", page_home, ACCESS_PUBLIC, NULL},
    {"GET", "/healthz", page_healthz, ACCESS_PUBLIC, NULL},
    {"GET", "/metrics", page_metrics, ACCESS_PUBLIC, NULL},
    {"GET", "/static/{name}", page_static, ACCESS_PUBLIC, NULL},
    {"GET", "/favicon.ico", page_favicon, ACCESS_PUBLIC, NULL},
    {"GET", "/ngon-ngu", page_language, ACCESS_PUBLIC, NULL},
    {"GET", "/dang-nhap", page_login_form, ACCESS_PUBLIC, NULL},
    {"POST", "/dang-nhap", page_login, ACCESS_PUBLIC, NULL},
    {"POST", "/dang-xuat", page_logout, ACCESS_PUBLIC, NULL},
    {"GET", "/bang-dieu-khien", page_dashboard, ACCESS_STAFF, NULL},
    {"GET", "/don-vi/{code}", page_unit, ACCESS_PUBLIC, NULL},
    {"GET", "/don-vi/{code}/can-bo", page_unit_staff, ACCESS_STAFF, scope_unit_param},
    {"GET", "/thu-tuc", page_catalog_list, ACCESS_PUBLIC, NULL},
    {"GET", "/thu-tuc.csv", page_catalog_export, ACCESS_PUBLIC, NULL},
    {"GET", "/thu-tuc/moi", page_catalog_new, ACCESS_EDIT_CATALOG, NULL},
    {"POST", "/thu-tuc", page_catalog_create, ACCESS_EDIT_CATALOG, scope_unit_form},
    {"GET", "/thu-tuc/nhap", page_catalog_import_form, ACCESS_EDIT_CATALOG, NULL},
    {"POST", "/thu-tuc/nhap", page_catalog_import, ACCESS_EDIT_CATALOG, NULL},
    {"GET", "/thu-tuc/{id}", page_catalog_show, ACCESS_PUBLIC, NULL},
    {"GET", "/thu-tuc/{id}/sua", page_catalog_edit, ACCESS_EDIT_CATALOG, scope_procedure_param},
    {"POST", "/thu-tuc/{id}", page_catalog_update, ACCESS_EDIT_CATALOG, scope_procedure_param},
    {"GET", "/api/v1/procedures", api_procedures, ACCESS_PUBLIC, NULL},
    {"GET", "/api/v1/procedures/{id}", api_procedure, ACCESS_PUBLIC, NULL},
    /* Open311 GeoReport v2 for reporting apps: keyed (no session, no CSRF; POST checks api_key) */
    {"GET", "/open311/discovery.{fmt}", api_open311_discovery, ACCESS_PUBLIC, NULL, true},
    {"GET", "/open311/v2/discovery.{fmt}", api_open311_discovery, ACCESS_PUBLIC, NULL, true},
    {"GET", "/open311/v2/services.{fmt}", api_open311_services, ACCESS_PUBLIC, NULL, true},
    {"GET", "/open311/v2/services/{file}", api_open311_service, ACCESS_PUBLIC, NULL, true},
    {"GET", "/open311/v2/requests.{fmt}", api_open311_requests, ACCESS_PUBLIC, NULL, true},
    {"POST", "/open311/v2/requests.{fmt}", api_open311_create, ACCESS_PUBLIC, NULL, true},
    {"GET", "/open311/v2/requests/{file}", api_open311_request, ACCESS_PUBLIC, NULL, true},
    {"GET", "/open311/v2/tokens/{file}", api_open311_token, ACCESS_PUBLIC, NULL, true},
    {"GET", "/open311/v2/{what}", api_open311_unknown, ACCESS_PUBLIC, NULL, true},
    {"POST", "/open311/v2/{what}", api_open311_unknown, ACCESS_PUBLIC, NULL, true},
    {"GET", "/gop-y", page_feedback_public_form, ACCESS_PUBLIC, NULL},
    {"POST", "/gop-y", page_feedback_public_submit, ACCESS_PUBLIC, NULL},
    {"GET", "/gop-y/tra-cuu", page_feedback_track, ACCESS_PUBLIC, NULL},
    {"GET", "/gop-y/cong-khai", page_feedback_published, ACCESS_PUBLIC, NULL},
    {"GET", "/phan-anh", page_feedback_list, ACCESS_STAFF, scope_report_unit},
    {"GET", "/phan-anh/moi", page_feedback_desk_form, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"POST", "/phan-anh", page_feedback_desk_submit, ACCESS_DESK | ACCESS_ADMIN, scope_unit_form},
    {"GET", "/phan-anh/han", page_feedback_board, ACCESS_STAFF, scope_report_unit},
    {"GET", "/phan-anh/thoi-han", page_feedback_rules, ACCESS_STAFF, NULL},
    {"GET", "/phan-anh/{id}", page_feedback_show, ACCESS_STAFF, scope_feedback_param},
    {"GET", "/phan-anh/{id}/tep/{file}", page_feedback_file, ACCESS_STAFF, scope_feedback_param},
    {"GET", "/phan-anh/{id}/van-ban/{seq}.pdf", page_feedback_pdf, ACCESS_STAFF, scope_feedback_param},
    {"POST", "/phan-anh/{id}/{action}", page_feedback_action, ACCESS_DESK | ACCESS_ADMIN, scope_feedback_param},
    {"GET", "/tiep-nhan", page_intake_form, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"POST", "/ho-so", page_intake, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"GET", "/ho-so", page_dossier_list, ACCESS_DESK | ACCESS_ADMIN | ACCESS_OVERSEE, scope_report_unit},
    {"GET", "/ho-so/cho-xu-ly", page_dossier_inbox, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"GET", "/ho-so/tre-han", page_dossier_board, ACCESS_DESK | ACCESS_ADMIN | ACCESS_OVERSEE, scope_report_unit},
    {"GET", "/ho-so/{id}", page_dossier_show, ACCESS_DESK | ACCESS_ADMIN | ACCESS_OVERSEE, scope_dossier_param},
    {"GET", "/ho-so/{id}/{form}.pdf", page_dossier_pdf, ACCESS_DESK | ACCESS_ADMIN, scope_dossier_param},
    {"POST", "/ho-so/{id}/{action}", page_dossier_action, ACCESS_DESK | ACCESS_ADMIN, scope_dossier_param},
    {"GET", "/chi-so", page_indicators, ACCESS_DESK | ACCESS_ADMIN | ACCESS_OVERSEE, scope_report_unit},
    {"GET", "/chi-so.xlsx", page_indicators_xlsx, ACCESS_DESK | ACCESS_ADMIN | ACCESS_OVERSEE, scope_report_unit},
    {"GET", "/so-theo-doi.xlsx", page_register_xlsx, ACCESS_DESK | ACCESS_ADMIN | ACCESS_OVERSEE, scope_report_unit},
    /* the province's view (src/report/figures.h): assessors and administrators, read-only */
    {"GET", "/tinh/so-sanh", page_province, ACCESS_OVERSEE, scope_report_unit},
    {"GET", "/tinh/so-sanh.json", page_province, ACCESS_OVERSEE, scope_report_unit},
    {"GET", "/tinh/so-sanh.xlsx", page_province_xlsx, ACCESS_OVERSEE, scope_report_unit},
    {"GET", "/tinh/don-vi/{code}", page_province_unit, ACCESS_OVERSEE, scope_province_unit},
    {"GET", "/tra-cuu", page_track, ACCESS_PUBLIC, NULL},
    {"GET", "/api/v1/dossiers/{code}", api_dossier, ACCESS_PUBLIC, NULL},
    /* ratings of dossiers (src/survey/rating.h): the citizen's, the desk tablet's, paper slips,
       the leaders' answers and figures */
    {"GET", "/danh-gia", page_rating_form, ACCESS_PUBLIC, NULL},
    {"POST", "/danh-gia", page_rating_submit, ACCESS_PUBLIC, NULL},
    {"GET", "/danh-gia/tai-quay", page_rating_kiosk, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"POST", "/danh-gia/tai-quay", page_rating_kiosk_submit, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"GET", "/danh-gia/phieu.pdf", page_rating_slip_pdf, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"GET", "/danh-gia/phieu", page_rating_paper, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"POST", "/danh-gia/phieu", page_rating_paper_submit, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"GET", "/danh-gia/phan-hoi", page_rating_followups, ACCESS_DESK | ACCESS_ADMIN, scope_report_unit},
    {"GET", "/danh-gia/thong-ke", page_rating_figures, ACCESS_STAFF, scope_report_unit},
    /* criteria sets (issue 13, src/assess/sets_web.h): the province's administrators and assessors
     * manage them, other staff read the set in force (checked in the handlers) */
    {"GET", "/danh-gia/bo-tieu-chi", page_criteria_list, ACCESS_STAFF, NULL},
    {"GET", "/danh-gia/bo-tieu-chi/mau.csv", page_criteria_template, ACCESS_STAFF, NULL},
    {"GET", "/danh-gia/bo-tieu-chi/moi", page_criteria_new, ACCESS_STAFF, NULL},
    {"POST", "/danh-gia/bo-tieu-chi/tu-mau", page_criteria_from_example, ACCESS_STAFF, NULL},
    {"POST", "/danh-gia/bo-tieu-chi/nhap", page_criteria_import, ACCESS_STAFF, NULL},
    {"GET", "/danh-gia/bo-tieu-chi/{id}.json", page_criteria_json, ACCESS_STAFF, NULL},
    {"GET", "/danh-gia/bo-tieu-chi/{id}.csv", page_criteria_csv, ACCESS_STAFF, NULL},
    {"GET", "/danh-gia/bo-tieu-chi/{id}", page_criteria_show, ACCESS_STAFF, NULL},
    {"GET", "/danh-gia/bo-tieu-chi/{id}/sua", page_criteria_edit, ACCESS_STAFF, NULL},
    {"POST", "/danh-gia/bo-tieu-chi/{id}/sua", page_criteria_save, ACCESS_STAFF, NULL},
    {"POST", "/danh-gia/bo-tieu-chi/{id}/ban-hanh", page_criteria_publish, ACCESS_STAFF, NULL},
    {"POST", "/danh-gia/{id}/tra-loi", page_rating_answer, ACCESS_DESK | ACCESS_ADMIN, scope_rating_param},
    {"GET", "/api/v1/ratings/figures", api_rating_figures, ACCESS_STAFF, scope_report_unit},
    {"GET", "/dat-lich", page_booking_form, ACCESS_PUBLIC, NULL},
    {"POST", "/dat-lich", page_booking_create, ACCESS_PUBLIC, NULL},
    {"GET", "/dat-lich/tra-cuu", page_booking_lookup, ACCESS_PUBLIC, NULL},
    {"GET", "/dat-lich/{code}", page_booking_show, ACCESS_PUBLIC, NULL},
    {"POST", "/dat-lich/{code}/huy", page_booking_cancel, ACCESS_PUBLIC, NULL},
    {"POST", "/dat-lich/{code}/xac-nhan", page_booking_confirm, ACCESS_PUBLIC, NULL},
    {"POST", "/dat-lich/{code}/gui-lai-ma", page_booking_resend, ACCESS_PUBLIC, NULL},
    /* the desk's roles (officer, leader, admin); settings are further kept to leaders and admins */
    {"GET", "/lich-hen", page_booking_queue, ACCESS_EDIT_CATALOG, scope_booking_unit},
    {"GET", "/lich-hen/cai-dat", page_booking_settings, ACCESS_EDIT_CATALOG, scope_booking_unit},
    {"GET", "/lich-hen/huy-hang-loat", page_booking_flood, ACCESS_EDIT_CATALOG, scope_booking_unit},
    {"POST", "/lich-hen/huy-hang-loat", page_booking_flood_cancel, ACCESS_EDIT_CATALOG, scope_unit_form},
    {"POST", "/lich-hen/cai-dat", page_booking_settings_save, ACCESS_EDIT_CATALOG, scope_unit_form},
    {"POST", "/lich-hen/{id}/trang-thai", page_booking_status, ACCESS_EDIT_CATALOG, scope_booking_param},
    {"GET", "/thong-bao", page_notify, ACCESS_EDIT_CATALOG, scope_notify_query},
    {"POST", "/thong-bao/mau", page_notify_template_save, ACCESS_EDIT_CATALOG, scope_unit_form},
    {"POST", "/thong-bao/sms-khong-dau", page_notify_sms_plain, ACCESS_EDIT_CATALOG, scope_unit_form},
    {"POST", "/thong-bao/{id}/gui-lai", page_notify_retry, ACCESS_EDIT_CATALOG, scope_notify_outbox},
    /* letters of care; literal routes before {id}, templates before {id}/{action} */
    {"GET", "/thu", page_letter_list, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"POST", "/thu", page_letter_create, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"GET", "/thu/moi", page_letter_new, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"GET", "/thu/in.pdf", page_letter_batch_pdf, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"POST", "/thu/in", page_letter_batch_pdf, ACCESS_DESK | ACCESS_ADMIN, NULL},
    {"GET", "/thu/thong-ke", page_letter_stats, ACCESS_STAFF, scope_report_unit},
    {"GET", "/api/v1/letters/stats", page_letter_stats, ACCESS_STAFF, NULL},
    {"GET", "/thu/x/{token}.pdf", page_letter_public_pdf, ACCESS_PUBLIC, NULL},
    {"GET", "/thu/mau", page_letter_templates, ACCESS_EDIT_CATALOG, NULL},
    {"POST", "/thu/han-trao", page_letter_stale_days, ACCESS_EDIT_CATALOG, NULL},
    {"GET", "/thu/mau/{occasion}", page_letter_template_edit, ACCESS_EDIT_CATALOG, NULL},
    {"POST", "/thu/mau/{occasion}", page_letter_template_save, ACCESS_EDIT_CATALOG, NULL},
    {"POST", "/thu/mau/{occasion}/xem-truoc", page_letter_template_preview, ACCESS_EDIT_CATALOG, NULL},
    {"POST", "/thu/mau/{occasion}/mac-dinh", page_letter_template_reset, ACCESS_EDIT_CATALOG, NULL},
    {"GET", "/thu/{id}.pdf", page_letter_pdf, ACCESS_DESK | ACCESS_ADMIN, scope_letter_param},
    {"GET", "/thu/{id}", page_letter_show, ACCESS_DESK | ACCESS_ADMIN, scope_letter_param},
    {"POST", "/thu/{id}", page_letter_update, ACCESS_DESK | ACCESS_ADMIN, scope_letter_param},
    {"POST", "/thu/{id}/trao", page_letter_deliver, ACCESS_DESK | ACCESS_ADMIN, scope_letter_param},
    {"POST", "/thu/{id}/huy", page_letter_cancel, ACCESS_DESK | ACCESS_ADMIN, scope_letter_param},
    /* surveys (issue 12): staff pages, literal routes before {id}; the public form at /ks/{key} */
    {"GET", "/khao-sat", page_survey_list, ACCESS_STAFF, NULL},
    {"POST", "/khao-sat", page_survey_create, ACCESS_EDIT_CATALOG, NULL},
    {"GET", "/khao-sat/chi-so", page_survey_index, ACCESS_STAFF, scope_report_unit},
    {"GET", "/khao-sat/{id}", page_survey_show, ACCESS_STAFF, scope_survey_param},
    {"POST", "/khao-sat/{id}/cau-hoi", page_survey_question_add, ACCESS_EDIT_CATALOG, scope_survey_param},
    {"POST", "/khao-sat/{id}/cau-hoi/{qid}/xoa", page_survey_question_delete, ACCESS_EDIT_CATALOG, scope_survey_param},
    {"POST", "/khao-sat/{id}/cau-hoi/{qid}/len", page_survey_question_up, ACCESS_EDIT_CATALOG, scope_survey_param},
    {"POST", "/khao-sat/{id}/thong-tin", page_survey_info, ACCESS_EDIT_CATALOG, scope_survey_param},
    {"POST", "/khao-sat/{id}/trang-thai", page_survey_status, ACCESS_EDIT_CATALOG, scope_survey_param},
    {"GET", "/khao-sat/{id}/ma", page_survey_tokens, ACCESS_EDIT_CATALOG, scope_survey_param},
    {"POST", "/khao-sat/{id}/ma", page_survey_tokens_make, ACCESS_EDIT_CATALOG, scope_survey_param},
    {"GET", "/khao-sat/{id}/phieu-giay", page_survey_paper_form, ACCESS_DESK | ACCESS_ADMIN, scope_survey_param},
    {"POST", "/khao-sat/{id}/phieu-giay", page_survey_paper, ACCESS_DESK | ACCESS_ADMIN, scope_survey_param},
    {"GET", "/khao-sat/{id}/ket-qua", page_survey_results, ACCESS_STAFF, scope_survey_param},
    {"GET", "/khao-sat/{id}/ket-qua.xlsx", page_survey_results_xlsx, ACCESS_STAFF, scope_survey_param},
    {"GET", "/ks/{key}", page_survey_public, ACCESS_PUBLIC, NULL},
    {"POST", "/ks/{key}", page_survey_answer, ACCESS_PUBLIC, NULL},
    /* citizen reception and dialogues: the schedule and announced dialogues are public, the
     * register is the unit's staff's (officers, leaders, admins) */
    {"GET", "/don-vi/{code}/lich-tiep-dan", page_reception_schedule_public, ACCESS_PUBLIC, NULL},
    {"GET", "/don-vi/{code}/lich-tiep-dan.ics", page_reception_ics, ACCESS_PUBLIC, NULL},
    {"GET", "/don-vi/{code}/doi-thoai", page_dialogues_public, ACCESS_PUBLIC, NULL},
    {"GET", "/tiep-cong-dan", page_reception_list, ACCESS_EDIT_CATALOG, scope_reception_unit},
    {"POST", "/tiep-cong-dan", page_reception_create, ACCESS_EDIT_CATALOG, scope_reception_unit},
    {"GET", "/tiep-cong-dan/moi", page_reception_new, ACCESS_EDIT_CATALOG, scope_reception_unit},
    {"GET", "/tiep-cong-dan/so.pdf", page_reception_register_pdf, ACCESS_EDIT_CATALOG, scope_reception_unit},
    {"GET", "/tiep-cong-dan/so.xlsx", page_reception_register_xlsx, ACCESS_EDIT_CATALOG, scope_reception_unit},
    {"GET", "/tiep-cong-dan/lich", page_reception_schedule, ACCESS_EDIT_CATALOG, scope_reception_unit},
    {"POST", "/tiep-cong-dan/lich", page_reception_schedule_add, ACCESS_EDIT_CATALOG, scope_reception_unit},
    {"POST", "/tiep-cong-dan/lich/{id}/xoa", page_reception_schedule_remove, ACCESS_EDIT_CATALOG, scope_reception_slot_param},
    {"GET", "/tiep-cong-dan/{id}", page_reception_show, ACCESS_EDIT_CATALOG, scope_reception_param},
    {"GET", "/tiep-cong-dan/{id}/ket-luan.pdf", page_reception_conclusion_pdf, ACCESS_EDIT_CATALOG, scope_reception_param},
    {"GET", "/tiep-cong-dan/{id}/tu-choi.pdf", page_reception_refusal_pdf, ACCESS_EDIT_CATALOG, scope_reception_param},
    {"POST", "/tiep-cong-dan/{id}/{action}", page_reception_action, ACCESS_EDIT_CATALOG, scope_reception_param},
    {"GET", "/doi-thoai", page_dialogue_list, ACCESS_EDIT_CATALOG, scope_reception_unit},
    {"POST", "/doi-thoai", page_dialogue_create, ACCESS_EDIT_CATALOG, scope_reception_unit},
    {"GET", "/doi-thoai/{id}", page_dialogue_show, ACCESS_PUBLIC, NULL},
    {"GET", "/doi-thoai/{id}/{doc}.pdf", page_dialogue_pdf, ACCESS_EDIT_CATALOG, scope_dialogue_param},
    {"POST", "/doi-thoai/{id}/van-de/{issue}/dong", page_dialogue_issue_close, ACCESS_EDIT_CATALOG, scope_dialogue_param},
    {"POST", "/doi-thoai/{id}/{action}", page_dialogue_action, ACCESS_EDIT_CATALOG, scope_dialogue_param},
    /* the province's targets and the reports on the model (src/report) */
    {"GET", "/muc-tieu", page_targets, ACCESS_OVERSEE, scope_report_unit},
    {"POST", "/muc-tieu", page_targets_save, ACCESS_ADMIN, scope_unit_form},
    {"GET", "/bao-cao", page_report, ACCESS_STAFF, scope_report_unit},
    {"GET", "/bao-cao.pdf", page_report_pdf, ACCESS_STAFF, scope_report_unit},
    {"GET", "/bao-cao.xlsx", page_report_xlsx, ACCESS_STAFF, scope_report_unit},
    {"POST", "/bao-cao/loi-van", page_report_texts, ACCESS_STAFF, scope_unit_form},
    {"GET", "/bao-cao/tong-hop", page_rollup, ACCESS_OVERSEE, scope_report_unit},
    {"GET", "/bao-cao/tong-hop.pdf", page_rollup_pdf, ACCESS_OVERSEE, scope_report_unit},
    {"GET", "/bao-cao/tong-hop.xlsx", page_rollup_xlsx, ACCESS_OVERSEE, scope_report_unit},
    /* the yearly assessment cycle (issue 13): the commune's self-assessment, the province's
     * appraisal and recognition; who may do which step is checked by the handlers by role */
    {"GET", "/tu-danh-gia", page_cycle_home, ACCESS_STAFF, scope_report_unit},
    {"POST", "/tu-danh-gia", page_cycle_open, ACCESS_EDIT_CATALOG, scope_unit_form},
    {"GET", "/tham-dinh", page_cycle_list, ACCESS_STAFF, scope_report_unit},
    {"GET", "/tu-danh-gia/{id}", page_cycle_show, ACCESS_STAFF, scope_cycle_param},
    {"GET", "/tu-danh-gia/{id}/bang-diem.pdf", page_cycle_table_pdf, ACCESS_STAFF, scope_cycle_param},
    {"GET", "/tu-danh-gia/{id}/quyet-dinh.pdf", page_cycle_decision_pdf, ACCESS_STAFF, scope_cycle_param},
    {"GET", "/tu-danh-gia/{id}/minh-chung/{eid}", page_cycle_evidence, ACCESS_STAFF, scope_cycle_param},
    {"POST", "/tu-danh-gia/{id}/minh-chung/{eid}/xoa", page_cycle_evidence_remove, ACCESS_STAFF, scope_cycle_param},
    {"POST", "/tu-danh-gia/{id}/{action}", page_cycle_action, ACCESS_STAFF, scope_cycle_param},
    {"GET", "/quan-tri/don-vi", page_admin_units, ACCESS_ADMIN, NULL},
    {"POST", "/quan-tri/don-vi", page_admin_unit_create, ACCESS_ADMIN, scope_unit_form},
    {"GET", "/quan-tri/don-vi/{code}", page_admin_unit_edit, ACCESS_ADMIN, scope_unit_param},
    {"POST", "/quan-tri/don-vi/{code}", page_admin_unit_update, ACCESS_ADMIN, scope_unit_param},
    {"POST", "/quan-tri/don-vi/{code}/thon", page_admin_hamlet_create, ACCESS_ADMIN, scope_unit_param},
    {"POST", "/quan-tri/don-vi/{code}/lanh-dao", page_admin_leader_create, ACCESS_ADMIN, scope_unit_param},
    {"POST", "/quan-tri/don-vi/{code}/thon/{id}", page_admin_hamlet_update, ACCESS_ADMIN, scope_unit_param},
    {"POST", "/quan-tri/don-vi/{code}/thon/{id}/xoa", page_admin_hamlet_delete, ACCESS_ADMIN, scope_unit_param},
    {"POST", "/quan-tri/don-vi/{code}/lanh-dao/{id}", page_admin_leader_update, ACCESS_ADMIN, scope_unit_param},
    {"POST", "/quan-tri/don-vi/{code}/lanh-dao/{id}/xoa", page_admin_leader_delete, ACCESS_ADMIN, scope_unit_param},
    {"GET", "/quan-tri/nguoi-dung", page_admin_users, ACCESS_ADMIN, NULL},
    {"POST", "/quan-tri/nguoi-dung", page_admin_user_create, ACCESS_ADMIN, scope_unit_form},
    {"POST", "/quan-tri/nguoi-dung/{id}/trang-thai", page_admin_user_active, ACCESS_ADMIN, scope_user_param},
    {"GET", "/quan-tri/nguoi-dung/{id}", page_admin_user_edit, ACCESS_ADMIN, scope_user_param},
    {"POST", "/quan-tri/nguoi-dung/{id}", page_admin_user_update, ACCESS_ADMIN, scope_user_param},
    {"POST", "/quan-tri/nguoi-dung/{id}/mat-khau", page_admin_user_password, ACCESS_ADMIN, scope_user_param},
    {"GET", "/quan-tri/nhat-ky", page_audit, ACCESS_ADMIN, NULL},
    {"GET", "/quan-tri/lich-nghi", page_holidays, ACCESS_ADMIN, NULL},
    {"POST", "/quan-tri/lich-nghi", page_holiday_add, ACCESS_ADMIN, NULL},
    {"POST", "/quan-tri/lich-nghi/nhap", page_holiday_import, ACCESS_ADMIN, NULL},
    {"POST", "/quan-tri/lich-nghi/don-vi", page_holiday_unit, ACCESS_ADMIN, scope_unit_form},
};
const size_t routes_count = sizeof routes / sizeof routes[0];

/* QĐ 766's dissatisfied dossiers for the survey feature's figures come from the ratings. */
static int ratings_for_766(db *d, int64_t unit_id, int64_t from, int64_t to, s766_input *in)
{
    arena *a = arena_new();
    json_t *f = rating_figures(d, a, unit_id, cal_local_day(from), cal_local_day(to - 1), NULL, 0);
    int rc = f ? 0 : -1;
    if (f) {
        in->dossiers_unhappy += json_integer_value(json_object_get(json_object_get(f, "total"), "dissatisfied"));
        in->have_unhappy = true;
        json_decref(f);
    }
    arena_free(a);
    return rc;
}

/* ... and its PAKN ratios from the feedback feature's phản ánh and kiến nghị. */
static int feedback_for_766(db *d, int64_t unit_id, int64_t from, int64_t to, s766_input *in)
{
    feedback_pakn p;
    if (feedback_pakn_counts(d, unit_id, from, to, clock_now(), &p)) return -1;
    in->pakn += p.total;
    in->pakn_on_time += p.on_time;
    in->pakn_unhappy += p.overdue;
    in->have_pakn = true;
    return 0;
}

/* The assessment cycle's computed criteria read the unit's figures of the calendar year. */
static bool cycle_metric(void *ctx, const char *key, double *value) { return figures_metric(ctx, key, value); }

static int figures_for_cycle(db *d, arena *a, int64_t unit_id, int year, int64_t now, assess_metric_fn *fn, void **ctx)
{
    unit_figures *f = arena_alloc(a, sizeof *f);
    err e = {0};
    if (figures_compute(d, a, unit_id, cal_from_ymd(year, 1, 1), cal_from_ymd(year, 12, 31), now, f, &e)) return -1;
    *fn = cycle_metric;
    *ctx = f;
    return 0;
}

void routes_init(void)
{
    cycle_set_figures(figures_for_cycle);   /* pre-fill of the self-assessment from report/figures.h */
    web_error_shape("/open311/", open311_web_error);   /* Open311 clients read [{code, description}] */
    survey_add_766_source(ratings_for_766);
    survey_add_766_source(feedback_for_766);
    feedback_on_answered(rating_feedback_answered);   /* a rating's case answered: so is the rating */
}

void routes_cleanup(void)
{
    catalog_web_cleanup();   /* the QR code cache */
    report_pages_cleanup();  /* the province's figures of the last minute */
}
