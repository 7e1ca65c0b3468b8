/* cycle_pdf.c -- the two documents of an assessment cycle as A4 PDFs in the Decree 30/2020
 * layout (src/print): the commune's self-assessment table (Bảng tự chấm điểm: criteria,
 * points, self points, evidence notes, and the appraisal once appraised), issued by the
 * commune; and the recognition decision (Quyết định công nhận ... đạt Chính quyền thân thiện
 * ... năm YYYY) of the province's chairman, signed by the province's head from its leaders. */
#include <glib.h>
#include <string.h>

#include "../account/account.h"
#include "../account/unit.h"
#include "../core/calendar.h"
#include "../print/print.h"
#include "cycle.h"

static const char *jstr(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* The unit as an issuing body (its name, its parent's, whether it is a council). */
static void unit_of(db *d, arena *a, int64_t unit_id, pdoc_unit *pu, const char **kind)
{
    json_t *u = account_unit_get_by_id(d, unit_id);
    *pu = (pdoc_unit){.name = "", .parent_name = "", .council = true};
    *kind = "";
    if (!u) return;
    pu->name = arena_strdup(a, jstr(u, "name"));
    pu->parent_name = arena_strdup(a, jstr(u, "parent_name"));
    *kind = arena_strdup(a, jstr(u, "kind"));
    pu->council = strcmp(*kind, "department") != 0;
    json_decref(u);
}

/* The province above a unit (the nearest ancestor of kind province); 0 when none. */
static int64_t province_of(db *d, int64_t unit_id)
{
    unit_chain ch;
    unit_chain_of(d, unit_id, &ch);
    for (int i = 0; i < ch.n; i++) {
        db_stmt *q = db_prepare(d, "SELECT kind FROM units WHERE id = ?");
        if (!q) return 0;
        db_bind_int(q, 1, ch.id[i]);
        bool prov = db_step(q) == DB_ROW && !strcmp(db_col_text(q, 0), "province");
        db_done(q);
        if (prov) return ch.id[i];
    }
    return 0;
}

/* s with its first letter in lower case ("Phường Phan Đình Phùng" -> "phường Phan Đình Phùng"). */
static const char *lower_first(arena *a, const char *s)
{
    if (!s || !*s) return "";
    char first[8];
    int n = g_unichar_to_utf8(g_unichar_tolower(g_utf8_get_char(s)), first);
    return arena_printf(a, "%.*s%s", n, first, g_utf8_next_char(s));
}

/* "Ủy ban nhân dân phường Phan Đình Phùng" inside a sentence; a department by its name. */
static const char *in_sentence(arena *a, const pdoc_unit *u)
{
    if (!u->council) return u->name;
    return arena_printf(a, "Ủy ban nhân dân %s", lower_first(a, u->name));
}

/* The document a set comes from, as a legal ground is cited: its first clause, without the
 * notes the set's author added after it ("Đề án 05-ĐA/TU ngày 13/6/2024 ... (theo ...). ..."). */
static const char *short_source(arena *a, const char *src)
{
    if (!src) return "";
    size_t n = strlen(src);
    const char *cuts[] = {" (", ". ", ";"};
    for (size_t i = 0; i < 3; i++) {
        const char *p = strstr(src, cuts[i]);
        if (p && (size_t)(p - src) < n) n = (size_t)(p - src);
    }
    while (n > 0 && (src[n - 1] == '.' || src[n - 1] == ' ')) n--;
    return arena_printf(a, "%.*s", (int)n, src);
}

static const char *level_words(arena *a, const assess_set *s, int level)
{
    for (int i = 0; i < s->nlevels; i++)
        if (s->levels[i].level == level) {
            const char *n = s->levels[i].name;
            if (!strncmp(n, "Mức", strlen("Mức"))) return lower_first(a, n);
            if (strstr(n, "sao") || strstr(n, "mức")) return n;
            return arena_printf(a, "mức độ %d (%s)", level, n);
        }
    return arena_printf(a, "mức độ %d", level);
}

static int64_t noon_of(const char *iso)
{
    cal_day day;
    if (!iso || !cal_parse_date(iso, &day)) return 0;
    return (int64_t)day * 86400 + 5 * 3600;   /* 12:00 in Vietnam */
}

int cycle_pdf_table(db *d, arena *a, int64_t id, int64_t now, buf *out, err *e)
{
    cycle *c;
    if (cycle_get(d, a, id, now, &c, e)) return -1;
    pdoc_unit pu;
    const char *kind;
    unit_of(d, a, c->unit_id, &pu, &kind);
    bool appraised = !strcmp(c->status, "recognised") || c->appraised_total10 >= 0 || !strcmp(c->status, "submitted");
    pdoc *p = pdoc_open(a, arena_printf(a, "Bảng tự chấm điểm năm %d", c->year), "Thân Thiện", c->unit_name);
    if (!p) {
        err_set(e, 500, N_("Không tạo được văn bản."), "pdoc_open");
        return -1;
    }
    pdoc_header h = {.parent_body = pdoc_unit_parent(a, &pu), .body = pdoc_unit_body(a, &pu), .no_number = true,
                     .place = pdoc_unit_place(a, &pu), .date = c->submitted_at ? c->submitted_at : now};
    pdoc_header_block(p, &h);
    pdoc_title(p, "BẢNG TỰ CHẤM ĐIỂM",
               arena_printf(a, "Kết quả xây dựng Chính quyền thân thiện, vì Nhân dân phục vụ năm %d", c->year));
    pdoc_running_head(p, arena_printf(a, "Bảng tự chấm điểm năm %d · %s", c->year, c->unit_name));
    const char *src = short_source(a, c->set.source);
    pdoc_par(p, arena_printf(a, "Bộ tiêu chí: %s%s%s.", c->set.name, *src ? " — " : "", src),
             PDOC_NOINDENT);
    size_t ncols = appraised ? 6 : 5;
    static const double w5[] = {1.0, 4.6, 1.2, 1.2, 3.2}, w6[] = {1.0, 4.0, 1.1, 1.1, 2.8, 1.3};
    size_t cap = (size_t)(c->set.nitems + c->set.ngroups + 4);
    pdoc_row *rows = arena_alloc(a, cap * sizeof *rows);
    size_t nr = 0;
    pdoc_cell *hc = arena_alloc(a, ncols * sizeof *hc);
    const char *heads[] = {"Mã", "Tiêu chí", "Điểm chuẩn", "Điểm tự chấm", "Ghi chú, minh chứng", "Điểm thẩm định"};
    for (size_t k = 0; k < ncols; k++) hc[k] = (pdoc_cell){.text = heads[k], .flags = PDOC_CENTER | PDOC_VCENTER};
    rows[nr++] = (pdoc_row){hc, ncols, false};
    for (int g = 0; g < c->set.ngroups; g++) {
        pdoc_cell *gc = arena_alloc(a, 2 * sizeof *gc);
        gc[0] = (pdoc_cell){.text = c->set.groups[g].code, .flags = PDOC_BOLD | PDOC_CENTER};
        gc[1] = (pdoc_cell){.text = c->set.groups[g].name, .flags = PDOC_BOLD, .span = (int)ncols - 1};
        rows[nr++] = (pdoc_row){gc, 2, true};
        for (int i = c->set.groups[g].first; i < c->set.groups[g].first + c->set.groups[g].count; i++) {
            const assess_criterion *cr = &c->set.items[i];
            const cycle_item *it = &c->items[i];
            const assess_line *sl = &c->self.lines[i];
            buf note;
            buf_init(&note, a);
            if (sl->computed) buf_printf(&note, "Số liệu của hệ thống: %s. ", assess_points_text(a, (int)(sl->value * 10 + (sl->value >= 0 ? 0.5 : -0.5))));
            buf_puts(&note, it->self_note);
            for (int k = 0; k < it->nevidence; k++)
                buf_printf(&note, "%s- %s%s%s", note.len ? "\n" : "", it->evidence[k].title,
                           !strcmp(it->evidence[k].kind, "link") ? ": " : "",
                           !strcmp(it->evidence[k].kind, "link") ? it->evidence[k].url : "");
            const char *kind_note = cr->kind == ASSESS_BONUS ? " (điểm thưởng)" : cr->kind == ASSESS_PENALTY ? " (điểm trừ)" : "";
            pdoc_cell *rc = arena_alloc(a, ncols * sizeof *rc);
            rc[0] = (pdoc_cell){.text = cr->code, .flags = PDOC_CENTER};
            rc[1] = (pdoc_cell){.text = arena_printf(a, "%s%s", cr->name, kind_note)};
            rc[2] = (pdoc_cell){.text = assess_points_text(a, cr->max10), .flags = PDOC_CENTER};
            rc[3] = (pdoc_cell){.text = sl->missing ? "" : assess_points_text(a, sl->points10), .flags = PDOC_CENTER};
            rc[4] = (pdoc_cell){.text = buf_cstr(&note), .flags = PDOC_LEFT};
            if (appraised)
                rc[5] = (pdoc_cell){.text = c->appraisal.lines[i].missing ? "" : assess_points_text(a, c->appraisal.lines[i].points10),
                                    .flags = PDOC_CENTER};
            rows[nr++] = (pdoc_row){rc, ncols, false};
        }
    }
    pdoc_cell *tc = arena_alloc(a, ncols * sizeof *tc);
    tc[0] = (pdoc_cell){.text = "TỔNG ĐIỂM", .flags = PDOC_BOLD | PDOC_CENTER, .span = 2};
    tc[1] = (pdoc_cell){.text = assess_points_text(a, c->set.max_total10), .flags = PDOC_BOLD | PDOC_CENTER};
    tc[2] = (pdoc_cell){.text = assess_points_text(a, c->self.total10), .flags = PDOC_BOLD | PDOC_CENTER};
    tc[3] = (pdoc_cell){.text = ""};
    size_t ntc = 4;
    if (appraised) tc[ntc++] = (pdoc_cell){.text = assess_points_text(a, c->appraisal.total10), .flags = PDOC_BOLD | PDOC_CENTER};
    rows[nr++] = (pdoc_row){tc, ntc, false};
    pdoc_table t = {.ncols = ncols, .widths = appraised ? w6 : w5, .rows = rows, .nrows = nr, .header_rows = 1,
                    .size_pt = 11};
    pdoc_table_block(p, &t);
    pdoc_space(p, 6);
    int proposed = c->proposed_level >= 0 ? c->proposed_level : c->self.level;
    pdoc_par(p, arena_printf(a, "Tổng điểm tự chấm: %s/%s điểm. Mức đề nghị công nhận: %s.",
                             assess_points_text(a, c->self.total10), assess_points_text(a, c->set.max_total10),
                             proposed > 0 ? level_words(a, &c->set, proposed) : "chưa đạt mức nào"),
             0);
    for (int k = 0; k < c->set.nblockers; k++)
        if (c->self.blocker_holds[k])
            pdoc_par(p, arena_printf(a, "Có điều kiện không được công nhận: %s%s%s.", c->set.blockers[k].name,
                                     c->flag_notes[k] && *c->flag_notes[k] ? " — " : "",
                                     c->flag_notes[k] ? c->flag_notes[k] : ""),
                     0);
    if (c->signed_by)
        pdoc_par(p, arena_printf(a, "Ký gửi trên hệ thống: %s, %s (lần gửi thứ %d).", c->signed_name,
                                 pdoc_date(a, c->submitted_at), c->rounds),
                 PDOC_ITALIC);
    if (!strcmp(c->status, "recognised"))
        pdoc_par(p, arena_printf(a, "Kết quả thẩm định: %s điểm; công nhận %s theo Quyết định số %s.",
                                 assess_points_text(a, c->appraised_total10),
                                 c->recognised_level > 0 ? level_words(a, &c->set, c->recognised_level) : "không đạt mức nào",
                                 c->decision_no),
                 PDOC_ITALIC);
    const char *head = "", *head_title = "";
    account_unit_head(d, a, c->unit_id, &head, &head_title);
    pdoc_signer signer = {.caption = pdoc_signer_caption(a, pu.council, head_title), .name = *head ? head : NULL, .note = ""};
    pdoc_signatures(p, NULL, &signer);
    return pdoc_finish(p, out, e);
}

int cycle_pdf_decision(db *d, arena *a, int64_t id, int64_t now, buf *out, err *e)
{
    cycle *c;
    if (cycle_get(d, a, id, now, &c, e)) return -1;
    if (strcmp(c->status, "recognised") || c->recognised_level <= 0) {
        err_set(e, 409, N_("Chưa có quyết định công nhận: kỳ đánh giá chưa được công nhận ở mức nào."), "not recognised");
        return -1;
    }
    int64_t prov = province_of(d, c->unit_id);
    if (!prov) {
        err_set(e, 409, N_("Đơn vị không thuộc tỉnh nào."), "no province");
        return -1;
    }
    pdoc_unit pu, pp;
    const char *kind, *pkind;
    unit_of(d, a, c->unit_id, &pu, &kind);
    unit_of(d, a, prov, &pp, &pkind);
    const char *head = "", *head_title = "";
    account_unit_head(d, a, prov, &head, &head_title);
    const char *level = level_words(a, &c->set, c->recognised_level);
    const char *uname = pu.council ? lower_first(a, pu.name) : pu.name;   /* "phường Phan Đình Phùng" */
    const char *subject = arena_printf(a, "Về việc công nhận %s đạt Chính quyền thân thiện %s năm %d", uname, level, c->year);
    pdoc *p = pdoc_open(a, arena_printf(a, "Quyết định %s", c->decision_no), "Thân Thiện", subject);
    if (!p) {
        err_set(e, 500, N_("Không tạo được văn bản."), "pdoc_open");
        return -1;
    }
    pdoc_header h = {.parent_body = pdoc_unit_parent(a, &pp), .body = pdoc_unit_body(a, &pp), .number = c->decision_no,
                     .place = pdoc_unit_place(a, &pp), .date = noon_of(c->decision_date)};
    pdoc_header_block(p, &h);
    pdoc_title(p, "QUYẾT ĐỊNH", subject);
    pdoc_par(p, arena_printf(a, "CHỦ TỊCH ỦY BAN NHÂN DÂN %s", pp.name), PDOC_BOLD | PDOC_CENTER | PDOC_UPPER | PDOC_NOINDENT);
    /* the grounds: the law on local government (Luật Tổ chức chính quyền địa phương, passed
     * 16/6/2025 with the two-tier reform), the criteria set the province issued, the results */
    pdoc_par(p, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;", PDOC_ITALIC);
    const char *src = short_source(a, c->set.source);
    if (*src) pdoc_par(p, arena_printf(a, "Căn cứ %s;", src), PDOC_ITALIC);
    pdoc_par(p, arena_printf(a, "Căn cứ Bộ tiêu chí %s;", c->set.name), PDOC_ITALIC);
    pdoc_par(p, arena_printf(a, "Xét kết quả tự đánh giá của %s và kết quả thẩm định (%s điểm);", in_sentence(a, &pu),
                             assess_points_text(a, c->appraised_total10)),
             PDOC_ITALIC);
    pdoc_par(p, "Theo đề nghị của cơ quan thẩm định.", PDOC_ITALIC);
    pdoc_par(p, "QUYẾT ĐỊNH:", PDOC_BOLD | PDOC_CENTER | PDOC_NOINDENT);
    pdoc_par(p, arena_printf(a, "<b>Điều 1.</b> Công nhận %s đạt Chính quyền thân thiện %s năm %d, với tổng số điểm thẩm định %s/%s điểm.",
                             pdoc_escape(p, uname), pdoc_escape(p, level), c->year,
                             assess_points_text(a, c->appraised_total10), assess_points_text(a, c->set.max_total10)),
             PDOC_MARKUP);
    pdoc_par(p, arena_printf(a, "<b>Điều 2.</b> %s có trách nhiệm duy trì, phát huy kết quả đạt được, công khai kết quả "
                                "công nhận tại trụ sở và Bộ phận Một cửa, tiếp tục xây dựng chính quyền thân thiện, vì Nhân dân phục vụ.",
                             pdoc_escape(p, in_sentence(a, &pu))),
             PDOC_MARKUP);
    pdoc_par(p, arena_printf(a, "<b>Điều 3.</b> Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, "
                                "Giám đốc Sở Nội vụ, Chủ tịch %s và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.",
                             pdoc_escape(p, in_sentence(a, &pu))),
             PDOC_MARKUP);
    const char *recipients[] = {"- Như Điều 3;", "- Lưu: VT."};
    bool chair = head_title && !strncmp(head_title, "Chủ tịch", strlen("Chủ tịch"));
    pdoc_signer signer = {.caption = chair ? "CHỦ TỊCH" : "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", .name = *head ? head : NULL,
                          .note = ""};
    pdoc_closing(p, recipients, 2, &signer);
    return pdoc_finish(p, out, e);
}
