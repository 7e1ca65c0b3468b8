/* letter_pdf.c -- letters of care on paper (letter.h, "printing"), in the layout of an
 * administrative letter of Decree 30/2020/NĐ-CP (research/c-stack.md §3) on the document
 * builder (src/print/print.h):
 *
 *   ỦY BAN NHÂN DÂN                   CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
 *   PHƯỜNG PHAN ĐÌNH PHÙNG               Độc lập - Tự do - Hạnh phúc
 *                              Phan Đình Phùng, ngày 23 tháng 11 năm 2026
 *                             THƯ CHÚC MỪNG
 *                 Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung
 *       body paragraphs ("# Trăm năm hạnh phúc": a display line), closing
 *                                               TM. ỦY BAN NHÂN DÂN
 *                                                     CHỦ TỊCH
 *                                                   (signature)
 *                                                   Lê Minh Tuấn
 *
 * A letter of care has no number (it is not filed as a dispatch) and no "Nơi nhận", except the
 * apology, which like the real "phiếu xin lỗi" (research/assessment.md §4.1) keeps "Như trên"
 * and the office's copy. A delivered letter prints its frozen words; any other the unit's
 * current template, where a value not yet known prints as dots to be written in by hand, as
 * on the paper forms. */
#include <glib.h>
#include <string.h>
#include <time.h>

#include "../core/clock.h"
#include "../account/account.h"
#include "../core/text.h"
#include "../print/print.h"
#include "letter_impl.h"

static bool blank(const char *s)
{
    return !s || text_is_blank(s);
}

static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* "phường Phan Đình Phùng" for "Phường Phan Đình Phùng": a name inside a sentence. */
static const char *lower_first(arena *a, const char *s)
{
    if (!*s) return s;
    char first[8];
    int n = g_unichar_to_utf8(g_unichar_tolower(g_utf8_get_char(s)), first);
    return arena_printf(a, "%.*s%s", n, first, g_utf8_next_char(s));
}

/* ---- the sending unit ----------------------------------------------------------------------- */

typedef struct {
    const char *name;          /* "Phường Phan Đình Phùng" */
    const char *locality;      /* where its people live: its own name, a department's province */
    const char *header;        /* "Ủy ban nhân dân\nPhường Phan Đình Phùng" (printed in capitals) */
    const char *parent;        /* a department's "UBND Tỉnh Thái Nguyên"; NULL for a council */
    const char *place;         /* "Phan Đình Phùng" */
    const char *words;         /* "Ủy ban nhân dân phường Phan Đình Phùng" */
    const char *first_hamlet;  /* for the sample address; "" when none */
    const char *agency;        /* the first part of dossier codes */
    bool council;              /* a Ủy ban nhân dân (not a department): it signs "TM." */
} unit_names;

static bool unit_names_get(db *d, arena *a, int64_t unit_id, unit_names *out)
{
    json_t *u = account_unit_get_by_id(d, unit_id);
    if (!u) return false;
    const char *name = arena_strdup(a, jstr(u, "name")), *parent = jstr(u, "parent_name");
    out->name = name;
    out->locality = name;
    out->council = strcmp(jstr(u, "kind"), "department") != 0;
    /* the header and the place as every document prints them (src/print, "the issuing body") */
    pdoc_unit pu = {.name = name, .parent_name = arena_strdup(a, parent), .council = out->council};
    out->header = pdoc_unit_body(a, &pu);
    out->parent = pdoc_unit_parent(a, &pu);
    out->place = pdoc_unit_place(a, &pu);
    if (out->council) {
        out->words = arena_printf(a, "Ủy ban nhân dân %s", lower_first(a, name));
    } else {
        /* a department of the province: its people live in the province */
        if (*parent) out->locality = arena_strdup(a, parent);
        out->words = name;
    }
    json_t *hamlets = json_object_get(u, "hamlets");
    out->first_hamlet = arena_strdup(a, json_array_size(hamlets) ? jstr(json_array_get(hamlets, 0), "name") : "");
    out->agency = arena_strdup(a, *jstr(u, "agency_code") ? jstr(u, "agency_code") : jstr(u, "code"));
    json_decref(u);
    return true;
}

bool letter_unit_freeze(db *d, arena *a, int64_t unit_id, json_t *frozen)
{
    unit_names u;
    if (!unit_names_get(d, a, unit_id, &u)) return false;
    json_object_set_new(frozen, "header", json_string(u.header));
    json_object_set_new(frozen, "parent", u.parent ? json_string(u.parent) : json_null());
    json_object_set_new(frozen, "place", json_string(u.place));
    json_object_set_new(frozen, "council", json_boolean(u.council));
    return true;
}

bool letter_unit_words(db *d, arena *a, int64_t unit_id, const char **words, const char **place)
{
    unit_names u;
    if (!unit_names_get(d, a, unit_id, &u)) return false;
    *words = u.words;
    *place = u.place;
    return true;
}

/* ---- one letter ----------------------------------------------------------------------------- */

typedef struct {
    letter_words w;            /* rendered */
    unit_names u;
    const char *signer, *signer_title;
    int64_t date;
    bool apology;
    const char *recipient;
} printable;

/* The body: paragraphs separated by blank lines; one whose first line starts with "# " is a
 * display line (centred, large, bold italic). */
static void body_paragraphs(pdoc *d, const char *body)
{
    arena *a = pdoc_arena(d);
    gchar **lines = g_strsplit(body ? body : "", "\n", -1);
    buf par;
    buf_init(&par, a);
    for (size_t i = 0;; i++) {
        const char *line = lines[i];
        if (line && !text_is_blank(line)) {
            if (par.len) buf_putc(&par, '\n');
            buf_puts(&par, line);
            continue;
        }
        if (par.len) {
            const char *p = text_trim(a, buf_cstr(&par));
            if (!strncmp(p, "# ", 2)) {
                pdoc_space(d, 4);
                pdoc_par_ex(d, text_trim(a, p + 2), PDOC_CENTER | PDOC_BOLD | PDOC_ITALIC, 20, 10);
            } else {
                pdoc_par(d, p, 0);
            }
            buf_init(&par, a);
        }
        if (!line) break;
    }
    g_strfreev(lines);
}

static void print_letter(pdoc *d, const printable *p)
{
    pdoc_header h = {.parent_body = p->u.parent, .body = p->u.header, .no_number = true, .place = p->u.place,
                     .date = p->date};
    pdoc_header_block(d, &h);
    pdoc_title(d, p->w.title, NULL);
    if (!blank(p->w.greeting)) pdoc_par_ex(d, p->w.greeting, PDOC_CENTER | PDOC_BOLD, 0, 10);
    body_paragraphs(d, p->w.body);
    if (!blank(p->w.closing)) pdoc_par(d, p->w.closing, 0);
    pdoc_signer s = {.caption = pdoc_signer_caption(pdoc_arena(d), p->u.council, p->signer_title),
                     .note = "",
                     .name = blank(p->signer) ? NULL : p->signer};
    if (p->apology) {
        static const char *const to[] = {"- Như trên;", "- Lưu: VT."};
        pdoc_closing(d, to, 2, &s);
    } else {
        pdoc_signatures(d, NULL, &s);
    }
}

/* The words of a letter as it prints: frozen at delivery, else the unit's current template
 * filled with its values (dots where a value is not known yet). */
static int letter_words_of(db *d, arena *a, int64_t id, json_t *l, letter_words *out, err *e)
{
    json_t *frozen = json_object_get(l, "frozen");
    if (json_is_object(frozen)) {
        *out = (letter_words){arena_strdup(a, jstr(frozen, "title")), arena_strdup(a, jstr(frozen, "greeting")),
                              arena_strdup(a, jstr(frozen, "body")), arena_strdup(a, jstr(frozen, "closing"))};
        return letter_words_check_length(out, e);
    }
    const char *values[LETTER_NVARS] = {0};
    letter_words tmpl;
    if (!letter_values(d, a, id, values) ||
        letter_template_get(d, a, json_integer_value(json_object_get(l, "unit_id")), jstr(l, "occasion"), &tmpl, NULL)) {
        err_set(e, 500, N_("Không in được thư."), "letter %lld: no values or template", (long long)id);
        return -1;
    }
    letter_titles_fallback(values);   /* "Ông/Bà" until the sex is known, not dots */
    for (int i = 0; i < LETTER_NVARS; i++)
        if (blank(values[i])) values[i] = "………………";
    *out = letter_render_words(a, &tmpl, values);
    return letter_words_check_length(out, e);   /* refused whole rather than printed wrong */
}

static int load_printable(db *d, arena *a, int64_t id, printable *p, err *e)
{
    json_t *l = letter_get(d, a, id);
    if (!l) {
        err_set(e, 404, N_("Không tìm thấy thư."), "letter pdf: %lld", (long long)id);
        return -1;
    }
    int rc = -1;
    int64_t unit_id = json_integer_value(json_object_get(l, "unit_id"));
    if (!unit_names_get(d, a, unit_id, &p->u)) {
        err_set(e, 500, N_("Không in được thư."), "letter %lld: unit %lld", (long long)id, (long long)unit_id);
        goto done;
    }
    if (letter_words_of(d, a, id, l, &p->w, e)) goto done;
    p->signer = arena_strdup(a, jstr(l, "signer_name"));
    p->signer_title = arena_strdup(a, jstr(l, "signer_title"));
    if (blank(p->signer)) account_unit_head(d, a, unit_id, &p->signer, &p->signer_title);
    json_t *frozen = json_object_get(l, "frozen");
    if (json_is_object(frozen) && json_is_string(json_object_get(frozen, "header"))) {
        /* delivered: signed and headed as it was that day */
        p->u.header = arena_strdup(a, jstr(frozen, "header"));
        p->u.parent = json_is_string(json_object_get(frozen, "parent")) ? arena_strdup(a, jstr(frozen, "parent")) : NULL;
        p->u.place = arena_strdup(a, jstr(frozen, "place"));
        p->u.council = json_is_true(json_object_get(frozen, "council"));
        p->signer = arena_strdup(a, jstr(frozen, "signer"));
        p->signer_title = arena_strdup(a, jstr(frozen, "signer_title"));
    }
    /* the date staff set, else the day it was handed over, else today */
    int64_t date = json_integer_value(json_object_get(l, "letter_date"));
    if (!date) date = json_integer_value(json_object_get(l, "delivered_at"));
    p->date = date ? date : (int64_t)clock_now();
    p->apology = !strcmp(jstr(l, "kind"), "apology");
    p->recipient = arena_strdup(a, jstr(l, "recipient_name"));
    rc = 0;
done:
    json_decref(l);
    return rc;
}

/* ---- the entry points ----------------------------------------------------------------------- */

int letter_pdf(db *d, arena *a, const int64_t *ids, size_t n, buf *out, err *e)
{
    if (n == 0) {
        err_set(e, 400, N_("Chưa chọn thư nào để in."), "letter pdf: no ids");
        return -1;
    }
    /* everything read before the document opens: an unknown letter leaves nothing half-built */
    printable *p = arena_alloc(a, n * sizeof *p);
    for (size_t i = 0; i < n; i++)
        if (load_printable(d, a, ids[i], &p[i], e)) return -1;
    pdoc *doc = pdoc_open(a, n == 1 ? p[0].w.title : arena_printf(a, "%zu lá thư", n), p[0].u.words,
                          n == 1 ? p[0].recipient : NULL);
    for (size_t i = 0; i < n; i++) {
        if (i) pdoc_new_part(doc);   /* each letter numbered as if printed alone */
        print_letter(doc, &p[i]);
    }
    return pdoc_finish(doc, out, e);
}

/* What a sample {{detail}} says for each occasion, so the preview reads as a real letter. */
static const char *sample_detail(const char *occasion)
{
    static const char *const DETAILS[][2] = {
        {"late", "Cần xác minh thêm thông tin tại nơi cư trú trước đây của người yêu cầu"},
        {"feedback", "góp ý lắp đèn chiếu sáng ở ngõ 12, nay đã được lắp đặt"},
        {"other_congratulation", "mừng thọ 80 tuổi của cụ bà Lê Thị Tâm"},
    };
    for (size_t i = 0; i < sizeof DETAILS / sizeof DETAILS[0]; i++)
        if (!strcmp(DETAILS[i][0], occasion)) return DETAILS[i][1];
    return NULL;
}

void letter_sample_values(db *d, arena *a, int64_t unit_id, const char *values[LETTER_NVARS])
{
    unit_names u = {0};
    if (!unit_names_get(d, a, unit_id, &u))
        u = (unit_names){.name = "", .locality = "", .place = "", .words = "", .first_hamlet = "", .agency = ""};
    int64_t now = (int64_t)clock_now(), day = 24 * 3600;
    int y, m, dd;
    pdoc_vn_time(now - 10 * day, &y, &m, &dd, NULL, NULL);
    for (int i = 0; i < LETTER_NVARS; i++) values[i] = "";
    values[LV_RECIPIENT] = "Nguyễn Thị Hồng Nhung";
    values[LV_RECIPIENT_TITLE] = "Bà";
    values[LV_PERSON_TITLE] = "Ông";
    const char *where = lower_first(a, u.locality);
    values[LV_ADDRESS] = *u.first_hamlet ? arena_printf(a, "Số nhà 18, %s, %s", u.first_hamlet, where)
                                         : arena_printf(a, "Số nhà 18, %s", where);
    values[LV_PERSON] = "Trần Gia Bảo";
    values[LV_EVENT_DATE] = pdoc_date(a, now - 12 * day);
    values[LV_DETAIL] = "hiến 50 m² đất để mở rộng đường ngõ của tổ dân phố";
    values[LV_CODE] = arena_printf(a, "%s-%02d%02d%02d-0007", u.agency, y % 100, m, dd);
    values[LV_PROCEDURE] = "Đăng ký khai sinh";
    values[LV_RECEIVED] = pdoc_date(a, now - 10 * day);
    values[LV_DUE] = pdoc_date(a, now - 2 * day);
    values[LV_NEW_DUE] = pdoc_date(a, now + 3 * day);
    values[LV_UNIT] = u.words;
    values[LV_PLACE] = u.place;
    account_unit_head(d, a, unit_id, &values[LV_SIGNER], &values[LV_SIGNER_TITLE]);
    values[LV_DATE] = pdoc_date(a, now);
}

int letter_preview_pdf(db *d, arena *a, int64_t unit_id, const char *occasion, const letter_words *tmpl, buf *out,
                       err *e)
{
    const letter_occasion *occ = letter_occasion_find(occasion);
    if (!occ) {
        err_set(e, 400, N_("Loại thư không hợp lệ."), "letter preview: occasion %s", occasion ? occasion : "(null)");
        err_field(e, "occasion");
        return -1;
    }
    letter_words w;
    if (letter_template_check(a, tmpl, &w, e)) return -1;
    printable p = {0};
    if (!unit_names_get(d, a, unit_id, &p.u)) {
        err_set(e, 404, N_("Không tìm thấy đơn vị."), "letter preview: unit %lld", (long long)unit_id);
        return -1;
    }
    const char *values[LETTER_NVARS];
    letter_sample_values(d, a, unit_id, values);
    const char *detail = sample_detail(occasion);
    if (detail) values[LV_DETAIL] = detail;
    p.w = letter_render_words(a, &w, values);
    if (letter_words_check_length(&p.w, e)) return -1;
    p.signer = values[LV_SIGNER];
    p.signer_title = values[LV_SIGNER_TITLE];
    p.date = (int64_t)clock_now();
    p.apology = !strcmp(occ->kind, "apology");
    p.recipient = values[LV_RECIPIENT];
    pdoc *doc = pdoc_open(a, arena_printf(a, "Xem trước: %s", occ->label), p.u.words, NULL);
    print_letter(doc, &p);
    return pdoc_finish(doc, out, e);
}
