/* forms.h -- the official one-stop forms (research/legal.md §1.2) printed as A4 PDFs in the
 * Decree 30/2020 layout, and the register book as XLSX. Titles and numbers follow the form set
 * in force on the day the dossier was received (form_version_on, data/forms/form-sets.tsv):
 * TT 01/2018/TT-VPCP, then from 15/9/2025 TT 03/2025/TT-VPCP.
 *
 * The forms know nothing of the database: the dossier feature fills a form_dossier from its
 * rows and asks for the bytes. Every string is UTF-8 (NFC); NULL or "" prints as a dotted
 * blank, as on a paper form. Instants are Unix seconds, printed in Vietnam time (UTC+7). */
#ifndef TT_FORMS_H
#define TT_FORMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../print/print.h"

typedef struct {
    const char *name;          /* "Tờ khai đăng ký khai sinh" */
    const char *copy_kind;     /* "Bản chính", "Bản sao", "Bản chụp" or "" */
    int count;                 /* number of copies; 0 prints blank */
} form_paper;

typedef struct {
    const char *from_body;     /* the body that hands over: "Bộ phận Một cửa" (TÊN CƠ QUAN) */
    const char *to_body;       /* the body that receives: "Công chức chuyên môn, UBND Phường …" */
    const char *from_name;     /* the person who hands over (under "Người giao") */
    const char *to_name;       /* the person who receives (under "Người nhận") */
    int64_t at;                /* hand-over instant */
    int64_t due_at;            /* this step's own deadline; 0 = none */
    int64_t done_at;           /* when the receiver finished; 0 = still open */
    const char *note;
} form_step;

typedef struct {
    /* header (Ô 1–4 of Decree 30/2020) */
    const char *parent_body;       /* "UBND TỈNH THÁI NGUYÊN" (cơ quan chủ quản) */
    const char *unit_name;         /* "UBND PHƯỜNG PHAN ĐÌNH PHÙNG" */
    const char *desk_name;         /* "Trung tâm Phục vụ hành chính công" / "Bộ phận Một cửa" */
    const char *place;             /* for "[place], ngày … tháng … năm …" */
    const char *number;            /* "Số: 0123/TNHS" without "Số: " */
    int64_t issued_at;             /* the date line */

    /* the dossier */
    const char *code;              /* national format, e.g. H19.05443-261123-0007 */
    const char *secret;            /* the short lookup secret */
    const char *track_url;         /* absolute link encoded in the QR code */
    const char *applicant_name;
    const char *applicant_address;
    const char *applicant_phone;
    const char *applicant_email;
    const char *procedure_name;    /* Nội dung yêu cầu giải quyết */
    int procedure_days;            /* working days; 0 = same day */
    const form_paper *papers;      /* Thành phần hồ sơ */
    size_t npapers;
    int sets;                      /* Số lượng hồ sơ (bộ) */
    int64_t received_at;
    int64_t due_at;
    const char *return_method;     /* Đăng ký nhận kết quả tại: … */
    int book_volume;               /* Vào Sổ theo dõi hồ sơ, Quyển số … */
    int book_seq;                  /* … Số thứ tự … */
    const char *officer_name;      /* the receiving officer (NGƯỜI TIẾP NHẬN HỒ SƠ) */
    const char *resolving_body;    /* the body that resolves it, when not the receiving unit */
    pdoc_unit resolver;            /* the resolving unit, which issues and signs the apology */

    /* supplement request, refusal, apology */
    const char *reason;            /* Lý do */
    const form_paper *missing;     /* papers to add (supplement) */
    size_t nmissing;
    const char *contact_name;      /* "liên hệ với … số điện thoại …" */
    const char *contact_phone;
    int64_t new_due_at;            /* apology: the new date */
    const char *signer_title;      /* apology: the leader's title, "Chủ tịch UBND phường" (the caption is
                                      pdoc_signer_caption's) */
    const char *signer_name;

    /* control sheet */
    const form_step *steps;
    size_t nsteps;
} form_dossier;

/* The form of a kind ("slip", "supplement", "refusal", "apology", "stop", "control",
 * "register") in force on the Vietnam day of t, from data/forms/form-sets.tsv (the 2018 set of
 * TT 01/2018/TT-VPCP, from 15/9/2025 the set of TT 03/2025/TT-VPCP). Strings in a. false when
 * no set has that kind on that day (the stop notice before 15/9/2025). */
typedef struct {
    const char *number;            /* "04" */
    const char *title;             /* "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết" */
    const char *circular;          /* "03/2025/TT-VPCP" */
} form_version;
bool form_version_on(arena *a, const char *kind, int64_t t, form_version *out);

/* The grade of a step or a dossier on the control sheet and in the indicators: "Quá hạn"
 * when done after due_at; "Trước hạn" when done on an earlier day (Vietnam time) than the
 * due day; "Đúng hạn" when done on the due day, by due_at. "" while open (done_at == 0) or
 * without a deadline (due_at == 0). */
const char *form_grade(int64_t done_at, int64_t due_at);

/* Each appends a complete A4 PDF to out (buf_init'd; its arena also holds the scratch).
 * 0 on success; -1 with e filled (500) and nothing appended. Thread-safe. The builder is
 * src/print/print.h. */
int form_slip_pdf(const form_dossier *f, buf *out, err *e);        /* Mẫu 01 */
int form_supplement_pdf(const form_dossier *f, buf *out, err *e);  /* Mẫu 02 */
int form_refusal_pdf(const form_dossier *f, buf *out, err *e);     /* Mẫu 03 */
int form_apology_pdf(const form_dossier *f, buf *out, err *e);     /* Mẫu 04 */
int form_control_pdf(const form_dossier *f, buf *out, err *e);     /* Mẫu 05 (2025: 06) */
/* The applicant withdrew: Thông báo dừng giải quyết hồ sơ (2025 set, Mẫu 05); reason is the
 * applicant's, issued_at the day the dossier stopped. */
int form_stop_pdf(const form_dossier *f, buf *out, err *e);

/* One line of the register book (Sổ theo dõi hồ sơ, Mẫu 06). */
typedef struct {
    int seq;
    const char *code;
    const char *procedure_name;
    int sets;
    const char *applicant_name;
    const char *applicant_contact;   /* address, phone */
    const char *resolving_body;
    int64_t received_at;
    int64_t due_at;
    int64_t transferred_at;          /* 0 = blank */
    int64_t done_at;
    int64_t returned_at;
    const char *note;                /* status, late, apology */
} form_register_row;

/* The register book for a period as an XLSX workbook appended to out: title "SỔ THEO DÕI HỒ
 * SƠ", "unit – period" under it, one row per dossier with real Excel dates (Vietnam time),
 * the header frozen and filtered, A4 landscape. Thread-safe. */
int form_register_xlsx(const char *unit_name, const char *period, const form_register_row *rows,
                       size_t n, buf *out, err *e);

#endif
