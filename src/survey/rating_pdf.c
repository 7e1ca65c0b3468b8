/* rating_pdf.c -- the blank paper rating slip a desk hands out (rating_slip_pdf in rating.h):
 * an A4 page in the Decree 30/2020 layout (src/print) with the dossier code and the day to
 * write in, a box for each level in force, lines for the reason, and a QR code to the
 * rating page for those who rate on their phone. The officer keys filled slips in at
 * /danh-gia/phieu. */
#include <string.h>

#include "../account/account.h"
#include "../print/print.h"
#include "rating.h"

int rating_slip_pdf(db *d, arena *a, int64_t unit_id, const char *base_url, int64_t now, buf *out, err *e)
{
    json_t *u = account_unit_get_by_id(d, unit_id);
    if (!u) {
        err_set(e, 404, N_("Không tìm thấy đơn vị."), "slip: unit %lld", (long long)unit_id);
        return -1;
    }
    pdoc_unit pu = {.name = arena_strdup(a, json_string_value(json_object_get(u, "name"))),
                    .parent_name = arena_strdup(a, json_string_value(json_object_get(u, "parent_name"))),
                    .council = strcmp(json_string_value(json_object_get(u, "kind")) ?: "", "department") != 0};
    json_decref(u);
    rating_level lv[8];
    int n = rating_levels(d, a, cal_local_day(now), lv, 8);
    pdoc *p = pdoc_open(a, "Phiếu đánh giá mức độ hài lòng", pu.name, "Đánh giá việc giải quyết hồ sơ");
    pdoc_header_block(p, &(pdoc_header){.parent_body = pdoc_unit_parent(a, &pu), .body = pdoc_unit_body(a, &pu),
                                        .no_number = true, .place = pdoc_unit_place(a, &pu)});
    pdoc_title(p, "Phiếu đánh giá mức độ hài lòng", "Về việc tiếp nhận, giải quyết hồ sơ thủ tục hành chính");
    pdoc_par(p, "Để phục vụ Nhân dân ngày càng tốt hơn, xin ông/bà cho biết mức độ hài lòng về việc giải quyết hồ sơ "
                "của mình. Mỗi hồ sơ được đánh giá một lần, sau khi có kết quả.", 0);
    pdoc_field_line(p, "Mã hồ sơ (in trên giấy hẹn)", NULL, 0);
    pdoc_field_line(p, "Thủ tục", NULL, 0);
    pdoc_par(p, "Ông/bà đánh dấu (X) vào một ô:", PDOC_BOLD);
    buf boxes;
    buf_init(&boxes, a);
    for (int i = 0; i < n; i++) buf_printf(&boxes, "%s□ %s", i ? "        " : "", lv[i].label);
    pdoc_par_ex(p, buf_cstr(&boxes), 0, 14.0, 8.0);
    pdoc_field_line(p, "Lý do, góp ý (bắt buộc khi không hài lòng)", NULL, 0);
    for (int i = 0; i < 2; i++) pdoc_par_ex(p, pdoc_or_dots(p, "", 110), PDOC_LEFT, 0, 3);
    pdoc_par(p, arena_printf(a, "Ngày đánh giá: %s", pdoc_date(a, 0)), PDOC_ITALIC);
    pdoc_space(p, 6);
    const char *link = arena_printf(a, "%s/danh-gia", base_url ? base_url : "");
    pdoc_qr(p, link, 28,
            arena_printf(a, "Hoặc đánh giá trên điện thoại: quét mã này, hoặc mã QR trên giấy hẹn, rồi nhập mã hồ sơ "
                            "và mã tra cứu.\n<i>%s</i>", pdoc_escape(p, link)),
            PDOC_MARKUP);
    pdoc_signatures(p, NULL, &(pdoc_signer){.caption = "Người đánh giá", .note = "(Không bắt buộc ghi tên)"});
    return pdoc_finish(p, out, e);
}
