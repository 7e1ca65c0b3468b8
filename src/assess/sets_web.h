/* sets_web.h -- the pages of criteria sets (sets_web.c): the province's list, a set shown with
 * its rules in words, a new set from a shipped example or an imported JSON/CSV file, the
 * browser editor (saving makes the next draft version), publishing, and downloads as JSON
 * and CSV. The province's administrators and assessors manage its sets; every other staff
 * member reads the published set in force for their unit. */
#ifndef TT_ASSESS_SETS_WEB_H
#define TT_ASSESS_SETS_WEB_H

struct req;
void page_criteria_list(struct req *r);       /* GET  /danh-gia/bo-tieu-chi */
void page_criteria_template(struct req *r);   /* GET  /danh-gia/bo-tieu-chi/mau.csv */
void page_criteria_new(struct req *r);        /* GET  /danh-gia/bo-tieu-chi/moi */
void page_criteria_from_example(struct req *r); /* POST /danh-gia/bo-tieu-chi/tu-mau */
void page_criteria_import(struct req *r);     /* POST /danh-gia/bo-tieu-chi/nhap */
void page_criteria_show(struct req *r);       /* GET  /danh-gia/bo-tieu-chi/{id} */
void page_criteria_json(struct req *r);       /* GET  /danh-gia/bo-tieu-chi/{id}.json */
void page_criteria_csv(struct req *r);        /* GET  /danh-gia/bo-tieu-chi/{id}.csv */
void page_criteria_edit(struct req *r);       /* GET  /danh-gia/bo-tieu-chi/{id}/sua */
void page_criteria_save(struct req *r);       /* POST /danh-gia/bo-tieu-chi/{id}/sua */
void page_criteria_publish(struct req *r);    /* POST /danh-gia/bo-tieu-chi/{id}/ban-hanh */

#endif
