/* test_forms.c -- the one-stop forms as real PDFs and the register book as a real XLSX.
 *
 * Every form is rendered for a realistic dossier, written to a file and read back with the
 * tools a reader would use: pdfinfo (A4, page count, metadata), pdftotext -layout (the
 * Vietnamese text and every field of the legal form, research/legal.md §1.2), zbarimg (the QR
 * code decodes to the tracking link) and unzip (the workbook's XML). Set TT_KEEP_FORMS=1 to
 * keep the files (their directory is printed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <pthread.h>

#include "../../src/core/arena.h"
#include "../../src/core/err.h"
#include "../../src/dossier/forms.h"
#include "../../src/print/print.h"
#include "../../src/print/xlsx.h"
#include "testutil.h"

static char dir[256];   /* the files of this run */

/* ---- helpers ---------------------------------------------------------------------------------- */

/* Unix seconds of a Vietnam (UTC+7) wall-clock time. */
static int64_t vn(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return (int64_t)timegm(&tm) - 7 * 3600;
}

static const char *save(const char *name, const buf *b)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
    fclose(f);
    return path;
}

/* pdftotext -layout of pages first..last (0: all). */
static char *pdf_text(const char *path, int first, int last)
{
    char cmd[700];
    if (first)
        snprintf(cmd, sizeof cmd, "pdftotext -layout -f %d -l %d '%s' -", first, last, path);
    else
        snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", path);
    return test_command_output(cmd);
}

/* pdftotext -raw: text in the order it was drawn, so a wrapped table cell stays together. */
static char *pdf_text_raw(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "pdftotext -raw '%s' -", path);
    return test_command_output(cmd);
}

static char *pdf_info(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", path);
    return test_command_output(cmd);
}

/* Runs of white space (justified lines, wrapped lines) become one space. */
static char *squash(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    bool space = false;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\f') {
            space = true;
            continue;
        }
        if (space && o != out) *o++ = ' ';
        space = false;
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

#define assert_has(hay, needle)                                                            \
    do {                                                                                   \
        if (!strstr((hay), (needle))) {                                                    \
            print_error("missing \"%s\" in:\n%s\n", (needle), (hay));                      \
            fail();                                                                        \
        }                                                                                  \
    } while (0)

#define assert_lacks(hay, needle)                                                          \
    do {                                                                                   \
        if (strstr((hay), (needle))) {                                                     \
            print_error("unexpected \"%s\" in:\n%s\n", (needle), (hay));                   \
            fail();                                                                        \
        }                                                                                  \
    } while (0)

static void assert_a4_pages(const char *path, int pages, const char *title)
{
    char *info = pdf_info(path);
    assert_has(info, "Page size:       595.276 x 841.89 pts (A4)");
    char want[64];
    snprintf(want, sizeof want, "Pages:           %d\n", pages);
    assert_has(info, want);
    assert_has(info, "Creator:         Thân Thiện");
    char t[300];
    snprintf(t, sizeof t, "Title:           %s\n", title);
    assert_has(info, t);
    free(info);
}

/* The Decree 30 header every desk form carries. */
static void assert_header(const char *text)
{
    assert_has(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_has(text, "Độc lập - Tự do - Hạnh phúc");
    assert_has(text, "UBND PHƯỜNG PHAN ĐÌNH PHÙNG");
    assert_has(text, "BỘ PHẬN MỘT CỬA");
}

static const form_paper papers[] = {
    {"Tờ khai đăng ký khai sinh", "Bản chính", 1},
    {"Giấy chứng sinh", "Bản chính", 1},
    {"Giấy chứng nhận kết hôn của cha, mẹ", "Bản sao", 1},
    {"Căn cước công dân của người đi đăng ký", "Bản chụp", 2},
};

static form_dossier sample(void)
{
    form_dossier f = {
        .parent_body = "UBND TỈNH THÁI NGUYÊN",
        .unit_name = "UBND PHƯỜNG PHAN ĐÌNH PHÙNG",
        .desk_name = "Bộ phận Một cửa",
        .place = "Phan Đình Phùng",
        .number = "0123/TNHS",
        .issued_at = vn(2024, 3, 5, 9, 15),
        .code = "H19.05443-240305-0007",
        .secret = "K7P2QX",
        .track_url = "https://motcua.thainguyen.gov.vn/tra-cuu/H19.05443-240305-0007?k=K7P2QX",
        .applicant_name = "Nguyễn Thị Hồng Nhung",
        .applicant_address = "Số 12, ngõ 45, tổ 7, phường Phan Đình Phùng, tỉnh Thái Nguyên",
        .applicant_phone = "0912 345 678",
        .applicant_email = "nhung.nguyen@example.vn",
        .procedure_name = "Đăng ký khai sinh",
        .procedure_days = 3,
        .papers = papers,
        .npapers = sizeof papers / sizeof papers[0],
        .sets = 1,
        .received_at = vn(2024, 3, 5, 9, 15),
        .due_at = vn(2024, 3, 8, 17, 0),
        .return_method = "Bộ phận Một cửa UBND phường Phan Đình Phùng",
        .book_volume = 1,
        .book_seq = 7,
        .officer_name = "Trần Văn Đức",
    };
    return f;
}

static int setup(void **state)
{
    *state = arena_new();
    return 0;
}

static int teardown(void **state)
{
    arena_free(*state);
    return 0;
}

/* ---- Mẫu 01 ----------------------------------------------------------------------------------- */

static void test_slip_fields(void **state)
{
    arena *a = *state;
    form_dossier f = sample();
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(form_slip_pdf(&f, &out, &e), 0);
    assert_true(out.len > 1000 && !memcmp(out.data, "%PDF-", 5));
    const char *path = save("slip.pdf", &out);
    assert_a4_pages(path, 1, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả");

    char *t = pdf_text(path, 0, 0);
    assert_header(t);
    assert_has(t, "Số: 0123/TNHS");
    assert_has(t, "Phan Đình Phùng, ngày 05 tháng 3 năm 2024");
    assert_has(t, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    assert_has(t, "Mã hồ sơ: H19.05443-240305-0007");
    assert_has(t, "Bộ phận tiếp nhận và trả kết quả: Bộ phận Một cửa");
    assert_has(t, "Tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung");
    assert_has(t, "Địa chỉ: Số 12, ngõ 45, tổ 7, phường Phan Đình Phùng, tỉnh Thái Nguyên");
    assert_has(t, "Số điện thoại: 0912 345 678");
    assert_has(t, "Email: nhung.nguyen@example.vn");
    assert_has(t, "Nội dung yêu cầu giải quyết: Đăng ký khai sinh");
    assert_has(t, "1. Thành phần hồ sơ nộp gồm:");
    assert_has(t, "STT");
    assert_has(t, "Tên giấy tờ");
    assert_has(t, "Loại bản");
    assert_has(t, "Số lượng");
    for (size_t i = 0; i < f.npapers; i++) {
        assert_has(t, papers[i].name);
        assert_has(t, papers[i].copy_kind);
    }
    assert_has(t, "2. Số lượng hồ sơ: 01 (bộ)");
    assert_has(t, "3. Thời gian giải quyết hồ sơ theo quy định là: 03 ngày làm việc");
    assert_has(t, "4. Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 05 tháng 3 năm 2024");
    assert_has(t, "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 08 tháng 3 năm 2024");
    assert_has(t, "6. Đăng ký nhận kết quả tại: Bộ phận Một cửa UBND phường Phan Đình Phùng");
    assert_has(t, "Vào Sổ theo dõi hồ sơ, Quyển số: 01, Số thứ tự: 7");
    assert_has(t, "Mã tra cứu: K7P2QX");
    assert_has(t, "NGƯỜI NỘP HỒ SƠ");
    assert_has(t, "NGƯỜI TIẾP NHẬN HỒ SƠ");
    assert_int_equal(count(t, "(Ký và ghi rõ họ tên)"), 2);
    assert_has(t, "Trần Văn Đức");
    assert_int_equal(count(t, "Nguyễn Thị Hồng Nhung"), 2);   /* applicant line, signature */
    char *sq = squash(t);
    assert_has(sq, "https://motcua.thainguyen.gov.vn/tra-cuu/H19.05443-240305-0007?k=K7P2QX");
    free(sq);
    free(t);

    /* the QR code, as a phone's camera would read it */
    char cmd[800];
    snprintf(cmd, sizeof cmd, "pdftoppm -png -r 150 -f 1 -l 1 '%s' '%s/slip-qr' && zbarimg -q --raw '%s/slip-qr-1.png'",
             path, dir, dir);
    char *qr = test_command_output(cmd);
    assert_string_equal(qr, "https://motcua.thainguyen.gov.vn/tra-cuu/H19.05443-240305-0007?k=K7P2QX\n");
    free(qr);
}

/* Missing values print as dotted blanks to be filled in by hand; a same-day procedure says so. */
static void test_slip_blanks(void **state)
{
    arena *a = *state;
    form_dossier f = sample();
    f.number = NULL;
    f.applicant_email = "";
    f.applicant_address = NULL;
    f.procedure_days = 0;
    f.book_volume = 0;
    f.book_seq = 0;
    f.return_method = NULL;
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(form_slip_pdf(&f, &out, &e), 0);
    char *t = pdf_text(save("slip-blank.pdf", &out), 0, 0);
    assert_has(t, "Số: ………/TNHS");
    assert_has(t, "Email: ..........");
    assert_has(t, "Địa chỉ: ..............................");
    assert_has(t, "3. Thời gian giải quyết hồ sơ theo quy định là: trong ngày");
    assert_has(t, "6. Đăng ký nhận kết quả tại: ..........");
    assert_has(t, "Quyển số: ......, Số thứ tự: ........");
    free(t);
}

/* Forty papers: the table runs onto page 2 with its header again, and page 2 is numbered. */
static void test_slip_long_papers_flow(void **state)
{
    arena *a = *state;
    enum { N = 40 };
    form_paper many[N];
    for (int i = 0; i < N; i++)
        many[i] = (form_paper){arena_printf(a, "Giấy tờ chứng minh số %02d về nơi cư trú của người được khai sinh", i + 1),
                               i % 2 ? "Bản sao" : "Bản chính", 1};
    form_dossier f = sample();
    f.papers = many;
    f.npapers = N;
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(form_slip_pdf(&f, &out, &e), 0);
    const char *path = save("slip-long.pdf", &out);
    char *info = pdf_info(path);
    assert_has(info, "Pages:           3\n");
    free(info);

    char *p1 = pdf_text(path, 1, 1);
    char *p2 = pdf_text(path, 2, 2);
    char *p3 = pdf_text(path, 3, 3);
    /* no number on page 1; "2" and "3" alone on the first line of the next pages */
    const char *first1 = p1 + strspn(p1, " \n");
    assert_true(!strncmp(first1, "Mẫu số 01", strlen("Mẫu số 01")));   /* the form's number, no page number */
    const char *first2 = p2 + strspn(p2, " \n");
    assert_true(!strncmp(first2, "2\n", 2));
    const char *first3 = p3 + strspn(p3, " \n");
    assert_true(!strncmp(first3, "3\n", 2));
    /* the header row again, above the rows that moved */
    assert_has(p2, "STT");
    assert_has(p2, "Tên giấy tờ");
    assert_has(p2, "Loại bản");
    assert_has(p1, "Giấy tờ chứng minh số 01");
    assert_lacks(p1, "Giấy tờ chứng minh số 40");
    char *all = pdf_text(path, 0, 0);
    for (int i = 0; i < N; i++) assert_has(all, arena_printf(a, "Giấy tờ chứng minh số %02d", i + 1));
    /* the rest of the form follows the table, the signatures at the end */
    char *sq3 = squash(p3);
    assert_has(all, "2. Số lượng hồ sơ: 01 (bộ)");
    assert_has(sq3, "NGƯỜI TIẾP NHẬN HỒ SƠ");
    free(sq3);
    free(all);
    free(p1);
    free(p2);
    free(p3);
}

/* Unikey's "Unicode tổ hợp" (NFD) prints and extracts exactly like NFC. */
static void test_slip_nfd_same_as_nfc(void **state)
{
    arena *a = *state;
    form_dossier f = sample();
    buf nfc;
    buf_init(&nfc, a);
    err e = {0};
    assert_int_equal(form_slip_pdf(&f, &nfc, &e), 0);
    char *tn = pdf_text(save("slip-nfc.pdf", &nfc), 0, 0);

#define NFD(field)                                                                         \
    do {                                                                                   \
        gchar *x = g_utf8_normalize(f.field, -1, G_NORMALIZE_NFD);                         \
        assert_string_not_equal(x, f.field);                                               \
        f.field = arena_strdup(a, x);                                                      \
        g_free(x);                                                                         \
    } while (0)
    NFD(unit_name);
    NFD(desk_name);
    NFD(place);
    NFD(applicant_name);
    NFD(applicant_address);
    NFD(procedure_name);
    NFD(return_method);
    NFD(officer_name);
    form_paper p2[sizeof papers / sizeof papers[0]];
    for (size_t i = 0; i < f.npapers; i++) {
        gchar *x = g_utf8_normalize(papers[i].name, -1, G_NORMALIZE_NFD);
        p2[i] = papers[i];
        p2[i].name = arena_strdup(a, x);
        g_free(x);
    }
    f.papers = p2;
    buf nfd;
    buf_init(&nfd, a);
    assert_int_equal(form_slip_pdf(&f, &nfd, &e), 0);
    char *td = pdf_text(save("slip-nfd.pdf", &nfd), 0, 0);
    assert_string_equal(td, tn);
    assert_has(td, "Nguyễn Thị Hồng Nhung");
    free(tn);
    free(td);
}

/* Markup characters in data are text, and bad UTF-8 does not stop the slip. */
static void test_slip_hostile_text(void **state)
{
    arena *a = *state;
    form_dossier f = sample();
    f.applicant_name = "Công ty TNHH <b>Hồng</b> & Nhung";
    f.applicant_address = "Thôn \xff\xfe Đông";
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(form_slip_pdf(&f, &out, &e), 0);
    char *t = pdf_text(save("slip-hostile.pdf", &out), 0, 0);
    assert_has(t, "Tiếp nhận hồ sơ của: Công ty TNHH <b>Hồng</b> & Nhung");
    assert_has(t, "Địa chỉ: Thôn");
    assert_has(t, "Đông");
    free(t);
}

/* ---- Mẫu 02 ----------------------------------------------------------------------------------- */

static void test_supplement(void **state)
{
    arena *a = *state;
    form_dossier f = sample();
    f.number = "0045/HDHS";
    f.issued_at = vn(2024, 3, 6, 10, 0);
    static const form_paper missing[] = {
        {"Giấy chứng nhận kết hôn của cha, mẹ", "Bản sao chứng thực", 1},
        {"Văn bản ủy quyền đi đăng ký khai sinh", "Bản chính", 1},
        {"Sổ hộ khẩu", "Bản photo", 2},
    };
    f.missing = missing;
    f.nmissing = 3;
    f.reason = "Giấy chứng nhận kết hôn nộp kèm là bản chụp không có chứng thực; người đi đăng ký không phải cha, mẹ.";
    f.contact_name = "bà Lê Thị Thu Hường, công chức Tư pháp - Hộ tịch";
    f.contact_phone = "0208 3855 123";
    f.officer_name = "Trần Văn Đức";
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(form_supplement_pdf(&f, &out, &e), 0);
    const char *path = save("supplement.pdf", &out);
    assert_a4_pages(path, 1, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ");
    char *t = pdf_text(path, 0, 0);
    char *sq = squash(t);
    assert_header(t);
    assert_has(t, "Số: 0045/HDHS");
    assert_has(t, "Phan Đình Phùng, ngày 06 tháng 3 năm 2024");
    assert_has(t, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ");
    assert_has(t, "Mã hồ sơ: H19.05443-240305-0007");
    assert_has(t, "Hồ sơ của: Nguyễn Thị Hồng Nhung");
    assert_has(t, "Nội dung yêu cầu giải quyết: Đăng ký khai sinh");
    assert_has(t, "Địa chỉ: Số 12, ngõ 45");
    assert_has(t, "Số điện thoại: 0912 345 678");
    assert_has(t, "Email: nhung.nguyen@example.vn");
    assert_has(t, "Yêu cầu hoàn thiện hồ sơ gồm những nội dung như sau:");
    assert_has(t, "Thành phần hồ sơ");
    assert_int_equal(count(t, "Số bản"), 3);   /* Số bản chính / chứng thực / photo, wrapped */
    assert_has(t, "chính");
    assert_has(t, "chứng thực");
    assert_has(t, "photo");
    for (int i = 0; i < 3; i++) assert_has(sq, missing[i].name);
    assert_has(sq, "Lý do: Giấy chứng nhận kết hôn nộp kèm là bản chụp không có chứng thực; người đi đăng ký không "
                   "phải cha, mẹ.");
    assert_has(sq, "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với bà Lê Thị Thu Hường, "
                   "công chức Tư pháp - Hộ tịch số điện thoại 0208 3855 123 để được hướng dẫn./.");
    assert_has(t, "NGƯỜI HƯỚNG DẪN");
    assert_has(t, "(Ký và ghi rõ họ tên)");
    assert_has(t, "Trần Văn Đức");
    free(sq);
    free(t);
}

/* ---- Mẫu 03 ----------------------------------------------------------------------------------- */

static void test_refusal(void **state)
{
    arena *a = *state;
    form_dossier f = sample();
    f.number = "0007/TCHS";
    f.desk_name = "Trung tâm Phục vụ hành chính công";
    f.reason = "Yêu cầu đăng ký khai sinh cho người đã có Giấy khai sinh được cấp hợp lệ không thuộc thẩm quyền "
               "giải quyết theo thủ tục đăng ký khai sinh.";
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(form_refusal_pdf(&f, &out, &e), 0);
    const char *path = save("refusal.pdf", &out);
    assert_a4_pages(path, 1, "Phiếu từ chối tiếp nhận giải quyết hồ sơ");
    char *t = pdf_text(path, 0, 0);
    char *sq = squash(t);
    assert_has(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_has(t, "UBND PHƯỜNG PHAN ĐÌNH PHÙNG");
    char *raw = pdf_text_raw(path), *rq = squash(raw);
    assert_has(rq, "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG");   /* on two balanced lines */
    free(raw);
    free(rq);
    assert_has(t, "Số: 0007/TCHS");
    assert_has(t, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ");
    assert_has(t, "Tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung");
    assert_has(t, "Địa chỉ: Số 12, ngõ 45");
    assert_has(t, "Số điện thoại: 0912 345 678");
    assert_has(t, "Email: nhung.nguyen@example.vn");
    assert_has(t, "Nội dung yêu cầu giải quyết: Đăng ký khai sinh");
    assert_has(sq, "Qua xem xét, Trung tâm Phục vụ hành chính công thông báo không tiếp nhận, giải quyết hồ sơ này "
                   "với lý do cụ thể như sau: Yêu cầu đăng ký khai sinh cho người đã có Giấy khai sinh");
    assert_has(sq, "Xin thông báo cho Ông/Bà được biết và thực hiện./.");
    assert_has(t, "NGƯỜI NỘP HỒ SƠ");
    assert_has(t, "NGƯỜI TIẾP NHẬN HỒ SƠ");
    assert_int_equal(count(t, "(Ký và ghi rõ họ tên)"), 2);
    assert_has(t, "Trần Văn Đức");
    free(sq);
    free(t);
}

/* ---- Mẫu 04 ----------------------------------------------------------------------------------- */

static void test_apology(void **state)
{
    arena *a = *state;
    form_dossier f = sample();
    f.number = "0012/PXL";
    f.resolving_body = "UBND phường Phan Đình Phùng";
    f.received_at = vn(2024, 1, 29, 14, 30);
    f.due_at = vn(2024, 2, 1, 17, 0);
    f.issued_at = vn(2024, 1, 31, 8, 0);
    f.new_due_at = vn(2024, 2, 19, 10, 0);
    f.reason = "Cần xác minh thông tin nơi sinh với Bệnh viện Đa khoa Trung ương Thái Nguyên.";
    f.resolver = (pdoc_unit){.name = "Phường Phan Đình Phùng", .parent_name = "Tỉnh Thái Nguyên", .council = true};
    f.procedure_name = "Thủ tục đăng ký khai sinh";
    f.signer_title = "Phó Chủ tịch UBND phường";
    f.signer_name = "Lê Văn Bình";
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(form_apology_pdf(&f, &out, &e), 0);
    const char *path = save("apology.pdf", &out);
    assert_a4_pages(path, 1, "Phiếu xin lỗi và hẹn lại ngày trả kết quả");
    char *t = pdf_text(path, 0, 0);
    char *sq = squash(t);
    assert_has(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    /* headed as the commune's letters: the council, no parent line (src/print, issuer.c) */
    assert_has(t, "ỦY BAN NHÂN DÂN");
    assert_has(t, "PHƯỜNG PHAN ĐÌNH PHÙNG");
    assert_lacks(t, "UBND TỈNH THÁI NGUYÊN");
    assert_has(t, "Số: 0012/PXL");
    assert_has(t, "Phan Đình Phùng, ngày 31 tháng 01 năm 2024");   /* 0 before months 1 and 2 */
    assert_has(t, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
    assert_has(t, "Kính gửi: Ông/Bà Nguyễn Thị Hồng Nhung");
    assert_has(sq, "Vào ngày 29 tháng 01 năm 2024, Bộ phận Một cửa tiếp nhận hồ sơ của Ông/Bà đề nghị giải "
                   "quyết thủ tục đăng ký khai sinh.");
    assert_lacks(sq, "thủ tục: Thủ tục");
    assert_has(sq, "Tuy nhiên đến nay, Ủy ban nhân dân phường Phan Đình Phùng chưa trả kết quả");
    assert_has(t, "Số biên nhận / Mã hồ sơ: H19.05443-240305-0007");
    assert_has(t, "Ngày hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 01 tháng 02 năm 2024");
    assert_has(sq, "chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng thời hạn quy định ghi trên Giấy tiếp nhận "
                   "hồ sơ và hẹn trả kết quả.");
    assert_has(sq, "Lý do: Cần xác minh thông tin nơi sinh với Bệnh viện Đa khoa Trung ương Thái Nguyên.");
    assert_has(sq, "xin lỗi Ông/Bà");
    assert_has(t, "Thời gian hẹn trả kết quả lại: 10 giờ 00 phút, ngày 19 tháng 02 năm 2024");
    assert_has(t, "Nơi nhận:");
    assert_has(t, "- Ông/Bà Nguyễn Thị Hồng Nhung;");
    assert_has(t, "- Lưu: VT.");
    assert_has(t, "TM. ỦY BAN NHÂN DÂN");
    assert_has(t, "KT. CHỦ TỊCH");
    assert_has(t, "PHÓ CHỦ TỊCH");
    assert_has(t, "Lê Văn Bình");
    free(sq);
    free(t);
}

/* The form set follows the day the dossier was received: the 2018 titles and numbers up to
 * 14/9/2025, the 2025 ones (TT 03/2025/TT-VPCP) from 15/9/2025 (data/forms/form-sets.tsv). */
static void test_form_set_by_date(void **state)
{
    arena *a = *state;
    form_version v;
    assert_true(form_version_on(a, "apology", vn(2025, 9, 14, 23, 59), &v));
    assert_string_equal(v.title, "Phiếu xin lỗi và hẹn lại ngày trả kết quả");
    assert_string_equal(v.number, "04");
    assert_string_equal(v.circular, "01/2018/TT-VPCP");
    assert_true(form_version_on(a, "apology", vn(2025, 9, 15, 0, 0), &v));
    assert_string_equal(v.title, "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết");
    assert_string_equal(v.circular, "03/2025/TT-VPCP");
    assert_false(form_version_on(a, "stop", vn(2025, 9, 14, 12, 0), &v));   /* new in 2025 */
    assert_true(form_version_on(a, "stop", vn(2026, 1, 5, 12, 0), &v));
    assert_string_equal(v.number, "05");

    /* printed: the apology of a dossier received in October 2025 carries the 2025 title */
    form_dossier f = sample();
    f.received_at = vn(2025, 10, 1, 9, 0);
    f.due_at = vn(2025, 10, 6, 17, 0);
    f.issued_at = vn(2025, 10, 3, 8, 0);
    f.new_due_at = vn(2025, 10, 10, 17, 0);
    f.reason = "Chờ xác minh";
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(form_apology_pdf(&f, &out, &e), 0);
    const char *path = save("apology-2025.pdf", &out);
    assert_a4_pages(path, 1, "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết");
    char *t = pdf_text(path, 0, 0), *sq = squash(t);
    assert_has(sq, "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT");
    assert_has(sq, "Mẫu số 04 (Thông tư 03/2025/TT-VPCP)");
    assert_lacks(sq, "PHIẾU XIN LỖI");
    free(sq);
    free(t);
    /* the control sheet is Mẫu 05 in 2018, Mẫu 06 from 15/9/2025 */
    static const struct { int y, m, d; const char *want; } cases[] = {
        {2025, 9, 14, "Mẫu số 05 (Thông tư 01/2018/TT-VPCP)"}, {2025, 9, 15, "Mẫu số 06 (Thông tư 03/2025/TT-VPCP)"}};
    for (size_t i = 0; i < 2; i++) {
        f = sample();
        f.received_at = vn(cases[i].y, cases[i].m, cases[i].d, 9, 0);
        buf_init(&out, a);
        assert_int_equal(form_control_pdf(&f, &out, &e), 0);
        t = pdf_text(save("control-set.pdf", &out), 0, 0);
        assert_has(t, cases[i].want);
        assert_has(t, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
        free(t);
    }
}

/* ---- Mẫu 05 ----------------------------------------------------------------------------------- */

static void test_grade(void **state)
{
    (void)state;
    int64_t due = vn(2024, 3, 8, 17, 0);
    assert_string_equal(form_grade(0, due), "");
    assert_string_equal(form_grade(vn(2024, 3, 8, 10, 0), 0), "");
    assert_string_equal(form_grade(vn(2024, 3, 7, 16, 59), due), "Trước hạn");
    assert_string_equal(form_grade(vn(2024, 3, 8, 0, 1), due), "Đúng hạn");   /* UTC: still the 7th */
    assert_string_equal(form_grade(vn(2024, 3, 8, 17, 0), due), "Đúng hạn");
    assert_string_equal(form_grade(vn(2024, 3, 8, 17, 1), due), "Quá hạn");
    assert_string_equal(form_grade(vn(2024, 3, 11, 8, 0), due), "Quá hạn");
}

static void test_control(void **state)
{
    arena *a = *state;
    form_dossier f = sample();
    f.number = NULL;
    form_step steps[] = {
        {"Bộ phận Một cửa", "Công chức Tư pháp - Hộ tịch", "Trần Văn Đức", "Lê Thị Thu Hường", vn(2024, 3, 5, 9, 30),
         vn(2024, 3, 7, 17, 0), vn(2024, 3, 6, 11, 20), NULL},
        {"Công chức Tư pháp - Hộ tịch", "Lãnh đạo UBND phường", "Lê Thị Thu Hường", "Lê Văn Bình", vn(2024, 3, 6, 11, 30),
         vn(2024, 3, 7, 17, 0), vn(2024, 3, 7, 16, 45), "Trình ký"},
        {"Lãnh đạo UBND phường", "Văn thư", "Lê Văn Bình", "Phạm Quốc Việt", vn(2024, 3, 7, 16, 50), vn(2024, 3, 8, 10, 0),
         vn(2024, 3, 8, 14, 0), "Vào sổ, đóng dấu"},
        {"Văn thư", "Bộ phận Một cửa", "Phạm Quốc Việt", "Trần Văn Đức", vn(2024, 3, 8, 14, 10), vn(2024, 3, 8, 17, 0), 0,
         NULL},
    };
    f.steps = steps;
    f.nsteps = 4;
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(form_control_pdf(&f, &out, &e), 0);
    const char *path = save("control.pdf", &out);
    char *t = pdf_text(path, 0, 0);
    char *sq = squash(t);
    assert_header(t);
    assert_lacks(t, "Số:");   /* the control sheet carries no number unless given one */
    assert_has(t, "Phan Đình Phùng, ngày 05 tháng 3 năm 2024");
    assert_has(t, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
    assert_has(t, "Mã hồ sơ: H19.05443-240305-0007");
    assert_has(t, "Kèm theo hồ sơ của: Nguyễn Thị Hồng Nhung");
    assert_has(t, "Số điện thoại: 0912 345 678");
    assert_has(t, "Nội dung yêu cầu giải quyết: Đăng ký khai sinh");
    assert_has(t, "Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 05 tháng 3 năm 2024");
    /* the table, in drawing order (its cells wrap) */
    char *raw = pdf_text_raw(path);
    char *rq = squash(raw);
    assert_has(rq, "TÊN CƠ QUAN THỜI GIAN GIAO, NHẬN HỒ SƠ KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ Đúng hạn/ Quá hạn) "
                   "GHI CHÚ");
    for (int i = 0; i < 4; i++) {
        assert_has(rq, arena_printf(a, "%d. Giao: %s Nhận: %s %s", i + 1, steps[i].from_body, steps[i].to_body,
                                    pdoc_time_date(a, steps[i].at)));
        assert_has(rq, steps[i].from_name);   /* the people, under Người giao / Người nhận */
    }
    assert_has(rq, "1. Giao: Bộ phận Một cửa Nhận: Công chức Tư pháp - Hộ tịch "
                   "09 giờ 30 phút, ngày 05 tháng 3 năm 2024 Trước hạn");
    assert_has(rq, "ngày 06 tháng 3 năm 2024 Đúng hạn");
    assert_has(rq, "ngày 07 tháng 3 năm 2024 Quá hạn");
    assert_has(rq, "ngày 08 tháng 3 năm 2024 Hạn: 17:00 08/03/2024 Người giao");   /* open: no grade */
    /* page 2 names its dossier under the page number */
    char *p2t = pdf_text(path, 2, 2);
    assert_has(p2t, "Mã hồ sơ: H19.05443-240305-0007");
    free(p2t);
    assert_int_equal(count(t, "Người giao"), 4);
    assert_int_equal(count(t, "Người nhận"), 4);
    /* each grade in the header of both pages, and steps 1, 2, 3 graded; step 4 is open */
    assert_int_equal(count(rq, "Trước hạn"), 2 + 1);
    assert_int_equal(count(rq, "Đúng hạn"), 2 + 1);
    assert_int_equal(count(rq, "Quá hạn"), 2 + 1);
    assert_has(rq, "Trình ký");
    assert_has(rq, "Vào sổ, đóng dấu");
    free(raw);
    free(rq);
    assert_has(t, "Trình ký");
    /* the step that did not fit went to page 2, under the header row again */
    char *p2 = pdf_text(path, 2, 2);
    assert_has(p2, "TÊN CƠ QUAN");
    assert_has(p2, "GHI CHÚ");
    free(p2);
    free(sq);
    free(t);
}

/* ---- Mẫu 06 ----------------------------------------------------------------------------------- */

static char *unzip_part(const char *path, const char *part)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", path, part);
    return test_command_output(cmd);
}

static void test_register_xlsx(void **state)
{
    arena *a = *state;
    form_register_row rows[] = {
        {1, "H19.05443-240305-0007", "Đăng ký khai sinh", 1, "Nguyễn Thị Hồng Nhung",
         "Số 12, ngõ 45, tổ 7, phường Phan Đình Phùng; 0912 345 678", "UBND phường Phan Đình Phùng",
         vn(2024, 3, 5, 9, 15), vn(2024, 3, 8, 17, 0), vn(2024, 3, 5, 9, 30), vn(2024, 3, 8, 14, 0),
         vn(2024, 3, 8, 15, 5), "Đúng hạn"},
        {2, "H19.05443-240305-0008", "Chứng thực bản sao từ bản chính", 2, "Phạm Quốc Việt & Cộng sự",
         "Xóm Đồng Tâm; 0987 654 321", "UBND phường Phan Đình Phùng", vn(2024, 3, 5, 15, 40), vn(2024, 3, 6, 17, 0),
         0, 0, 0, "Trễ hạn <1 ngày>, đã xin lỗi"},
    };
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(form_register_xlsx("UBND phường Phan Đình Phùng", "Tháng 3 năm 2024", rows, 2, &out, &e), 0);
    assert_true(out.len > 1000 && !memcmp(out.data, "PK", 2));
    const char *path = save("register.xlsx", &out);

    char *ss = unzip_part(path, "xl/sharedStrings.xml");
    const char *strings[] = {"SỔ THEO DÕI HỒ SƠ", "UBND phường Phan Đình Phùng – Tháng 3 năm 2024", "STT",
                             "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
                             "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả",
                             "Chuyển hồ sơ đến cơ quan giải quyết", "Nhận kết quả", "Trả kết quả", "Ký nhận", "Ghi chú",
                             "H19.05443-240305-0007", "Đăng ký khai sinh", "Nguyễn Thị Hồng Nhung",
                             "Chứng thực bản sao từ bản chính", "Phạm Quốc Việt &amp; Cộng sự",
                             "Trễ hạn &lt;1 ngày&gt;, đã xin lỗi", "Số 12, ngõ 45, tổ 7, phường Phan Đình Phùng; 0912 345 678"};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) assert_has(ss, strings[i]);
    free(ss);

    char *sheet = unzip_part(path, "xl/worksheets/sheet1.xml");
    /* title row 1, subtitle 2, blank 3, header 4 (frozen, filtered), rows 5 and 6 */
    assert_has(sheet, "<autoFilter ref=\"A4:N6\"/>");
    assert_has(sheet, "topLeftCell=\"A5\"");
    assert_has(sheet, "state=\"frozen\"");
    assert_has(sheet, "<row r=\"6\"");
    assert_lacks(sheet, "<row r=\"7\"");
    /* 05/03/2024 09:15 in Vietnam is Excel day 45356 + 9.25/24 */
    assert_has(sheet, "<v>45356.38541666");
    /* STT and number of sets are numbers */
    assert_has(sheet, "<c r=\"A5\" s=");
    assert_has(sheet, "<c r=\"D6\" s=");
    free(sheet);

    char *core = unzip_part(path, "docProps/core.xml");
    assert_has(core, "Sổ theo dõi hồ sơ");
    assert_has(core, "Thân Thiện");
    free(core);
}

/* ---- the builder itself (print.h), as letters will use it ---------------------------------- */

/* A letter: the "V/v" subject under the number, a title with its summary, long justified
 * paragraphs that run over several pages and split between lines, numbered pages from 2. */
static void test_print_letter_flow(void **state)
{
    arena *a = *state;
    pdoc *d = pdoc_open(a, "Công văn", "UBND phường Phan Đình Phùng", NULL);
    pdoc_header h = {.parent_body = "UBND tỉnh Thái Nguyên", .body = "UBND phường Phan Đình Phùng",
                     .number = "15/UBND-VP", .subject = "V/v tổ chức đối thoại với Nhân dân",
                     .place = "Phan Đình Phùng", .date = vn(2024, 11, 9, 8, 0)};
    pdoc_header_block(d, &h);
    pdoc_title(d, "Kế hoạch", "Tổ chức đối thoại giữa Chủ tịch UBND phường với Nhân dân năm 2024");
    enum { P = 24 };
    for (int i = 0; i < P; i++)
        pdoc_par(d,
                 arena_printf(a,
                              "Đoạn %02d. Thực hiện Luật Thực hiện dân chủ ở cơ sở, Ủy ban nhân dân phường xây dựng kế "
                              "hoạch tổ chức đối thoại với Nhân dân về những vấn đề người dân quan tâm, bảo đảm "
                              "công khai, dân chủ, đúng quy định; kết quả đối thoại được thông báo đến từng tổ dân "
                              "phố để Nhân dân biết, theo dõi và giám sát việc thực hiện.",
                              i + 1),
                 0);
    const char *rec[] = {"- Thường trực Đảng ủy;", "- Các tổ dân phố;", "- Lưu: VT."};
    pdoc_signer s = {.caption = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", .note = "", .name = "Hoàng Minh Đức"};
    pdoc_closing(d, rec, 3, &s);
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(pdoc_finish(d, &out, &e), 0);
    const char *path = save("letter.pdf", &out);
    char *info = pdf_info(path);
    assert_has(info, "Pages:           3\n");
    assert_has(info, "Author:          UBND phường Phan Đình Phùng");
    free(info);
    char *t = pdf_text(path, 0, 0);
    char *sq = squash(t);
    assert_has(t, "UBND TỈNH THÁI NGUYÊN");   /* capitals whatever the input */
    assert_has(t, "UBND PHƯỜNG PHAN ĐÌNH PHÙNG");
    assert_has(t, "Số: 15/UBND-VP");
    assert_has(sq, "V/v tổ chức đối thoại với Nhân dân");
    assert_has(t, "Phan Đình Phùng, ngày 09 tháng 11 năm 2024");
    assert_has(t, "KẾ HOẠCH");
    assert_has(sq, "Tổ chức đối thoại giữa Chủ tịch UBND phường với Nhân dân năm 2024");
    /* every paragraph, whole and in order, whatever page it fell on */
    const char *at = sq;
    for (int i = 0; i < P; i++) {
        const char *want = arena_printf(a, "Đoạn %02d. Thực hiện Luật", i + 1);
        const char *found = strstr(at, want);
        if (!found) print_error("paragraph %d missing or out of order\n", i + 1);
        assert_non_null(found);
        at = found;
    }
    assert_int_equal(count(sq, "giám sát việc thực hiện."), P);
    assert_has(t, "Nơi nhận:");
    assert_has(t, "TM. ỦY BAN NHÂN DÂN");
    assert_has(t, "Hoàng Minh Đức");
    assert_lacks(t, "(Ký và ghi rõ họ tên)");   /* note "" = none */
    free(sq);
    free(t);
    for (int pg = 2; pg <= 3; pg++) {
        char *p = pdf_text(path, pg, pg);
        const char *first = p + strspn(p, " \n");
        assert_int_equal(atoi(first), pg);
        free(p);
    }
}

/* Blank number and date print as blanks to fill in by hand. */
static void test_print_blank_header(void **state)
{
    arena *a = *state;
    pdoc *d = pdoc_open(a, "Mẫu trắng", NULL, NULL);
    pdoc_header h = {.body = "Bộ phận Một cửa"};
    pdoc_header_block(d, &h);
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(pdoc_finish(d, &out, &e), 0);
    char *t = pdf_text(save("blank-header.pdf", &out), 0, 0);
    assert_has(t, "Số: ………");
    assert_has(t, "…………, ngày …… tháng …… năm ………");
    free(t);
    assert_string_equal(pdoc_date(a, vn(2025, 1, 1, 0, 0)), "ngày 01 tháng 01 năm 2025");
    assert_string_equal(pdoc_date(a, vn(2025, 12, 31, 23, 59)), "ngày 31 tháng 12 năm 2025");
    assert_string_equal(pdoc_date(a, vn(2025, 9, 2, 6, 59)), "ngày 02 tháng 9 năm 2025");
    /* 23:30 UTC on 1 Feb is already 2 Feb in Vietnam */
    assert_string_equal(pdoc_time_date(a, vn(2025, 2, 2, 6, 30)), "06 giờ 30 phút, ngày 02 tháng 02 năm 2025");
}

/* A caller's broken markup is a programming error: the document reports it. */
static void test_print_bad_markup_fails(void **state)
{
    arena *a = *state;
    pdoc *d = pdoc_open(a, "Lỗi", NULL, NULL);
    pdoc_par(d, "<b>không đóng thẻ", PDOC_MARKUP);
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(pdoc_finish(d, &out, &e), -1);
    assert_int_equal(e.status, 500);
    assert_string_equal(e.user, "Không tạo được tệp PDF.");
    assert_int_equal(out.len, 0);
}

/* The XLSX writer beyond the register: two sheets, dates, a percent format, blank numbers. */
static void test_xlsx_two_sheets(void **state)
{
    arena *a = *state;
    xl_column c1[] = {{"Thủ tục", 30, XL_TEXT, NULL}, {"Tỷ lệ đúng hạn", 12, XL_NUMBER, "0.0%"},
                      {"Ngày", 12, XL_DATE, NULL}};
    xl_cell r1[] = {{.text = "Đăng ký khai sinh"}, {.number = 0.975}, {.instant = vn(2024, 3, 5, 23, 30)},
                    {.text = "Chứng thực chữ ký"}, {.blank = true}, {.instant = 0}};
    xl_column c2[] = {{"Tháng", 10, XL_TEXT, NULL}, {"Số hồ sơ", 10, XL_NUMBER, NULL}};
    xl_cell r2[] = {{.text = "01/2024"}, {.number = 1234}};
    xl_sheet sheets[] = {
        {.name = "Theo thủ tục", .title = "CHỈ SỐ", .cols = c1, .ncols = 3, .cells = r1, .nrows = 2},
        {.name = "Theo tháng", .cols = c2, .ncols = 2, .cells = r2, .nrows = 1},
    };
    buf out;
    buf_init(&out, a);
    err e = {0};
    assert_int_equal(xlsx_write("Chỉ số một cửa", sheets, 2, &out, &e), 0);
    const char *path = save("two.xlsx", &out);
    char *wb = unzip_part(path, "xl/workbook.xml");
    assert_has(wb, "name=\"Theo thủ tục\"");
    assert_has(wb, "name=\"Theo tháng\"");
    free(wb);
    char *styles = unzip_part(path, "xl/styles.xml");
    assert_has(styles, "formatCode=\"0.0%\"");
    assert_has(styles, "formatCode=\"dd/mm/yyyy\"");
    free(styles);
    char *s1 = unzip_part(path, "xl/worksheets/sheet1.xml");
    assert_has(s1, "<v>0.975</v>");
    assert_has(s1, "<v>45356</v>");   /* 23:30 in Vietnam, still 5 March: a whole day */
    assert_has(s1, "<autoFilter ref=\"A3:C5\"/>");
    free(s1);
    char *s2 = unzip_part(path, "xl/worksheets/sheet2.xml");
    assert_has(s2, "<v>1234</v>");
    assert_has(s2, "<autoFilter ref=\"A1:B2\"/>");   /* no title: the header is row 1 */
    free(s2);
}

/* ---- threads ---------------------------------------------------------------------------------- */

typedef struct {
    size_t len[3];
    int rc;
} thread_result;

static void *render_three(void *arg)
{
    thread_result *r = arg;
    for (int i = 0; i < 3; i++) {
        arena *a = arena_new();
        buf out;
        buf_init(&out, a);
        err e = {0};
        form_dossier f = sample();
        r->rc |= form_slip_pdf(&f, &out, &e);
        r->len[i] = out.len;
        arena_free(a);
    }
    return NULL;
}

/* The server renders in many threads at once: each thread has its own font map, and every
 * slip comes out whole and the same size as one rendered alone. */
static void test_render_in_threads(void **state)
{
    arena *a = *state;
    form_dossier f = sample();
    buf ref;
    buf_init(&ref, a);
    err e = {0};
    assert_int_equal(form_slip_pdf(&f, &ref, &e), 0);
    enum { T = 4 };
    pthread_t th[T];
    thread_result res[T] = {0};
    for (int i = 0; i < T; i++) assert_int_equal(pthread_create(&th[i], NULL, render_three, &res[i]), 0);
    for (int i = 0; i < T; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < T; i++) {
        assert_int_equal(res[i].rc, 0);
        for (int k = 0; k < 3; k++) assert_int_equal(res[i].len[k], ref.len);
    }
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/tt-forms-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_slip_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_blanks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_long_papers_flow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_nfd_same_as_nfc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_hostile_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_supplement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apology, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form_set_by_date, setup, teardown),
        cmocka_unit_test(test_grade),
        cmocka_unit_test_setup_teardown(test_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_xlsx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_print_letter_flow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_print_blank_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_print_bad_markup_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xlsx_two_sheets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_in_threads, setup, teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    print_shutdown();   /* fontconfig's and cairo's caches, so LeakSanitizer sees only ours */
    if (getenv("TT_KEEP_FORMS")) {
        fprintf(stderr, "forms kept in %s\n", dir);
    } else {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    return failed;
}
