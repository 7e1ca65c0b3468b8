/* print.h -- A4 documents in the layout of Decree 30/2020/NĐ-CP (Appendix I), as PDF bytes.
 *
 * A small flow-layout builder on cairo (PDF surface) and Pango (text shaping, so Vietnamese in
 * NFC or NFD comes out right). The caller opens a document, adds blocks from top to bottom --
 * header, title, paragraphs, labelled lines, tables, QR code, signatures -- and closes it; the
 * builder breaks pages by itself (a table's header rows are repeated on every page, a table
 * row or a signature block is never split) and numbers pages from page 2, centred in the top
 * margin. One PDF may hold several documents (a batch of letters): each starts with
 * pdoc_new_part() and is numbered as if printed alone. Used by the one-stop forms
 * (src/dossier/forms.c) and by letters (src/letter/letter_pdf.c).
 *
 * Page: A4 (595.28 x 841.89 pt), margins top and bottom 20 mm, left 30 mm, right 15 mm. A wide
 * register (the Sổ tiếp công dân) may be printed on A4 landscape (841.89 x 595.28 pt) with the
 * same margins: pdoc_open_landscape; every block then spans the wider text width.
 * Font: "Times New Roman" asked by name, so fontconfig picks a real Times New Roman where one
 * is installed and Liberation Serif (metric-compatible, fonts-liberation2) elsewhere. Sizes are
 * true points (the Pango font map runs at 72 dpi; Pango's 96 dpi default prints 13 pt as 17).
 *
 * Text: every string is UTF-8. Plain text is escaped by the builder; a string is read as Pango
 * markup (<b>, <i>, <u>, <span size="...">) only where PDOC_MARKUP says so -- build such
 * strings with pdoc_escape() around every value. All text is normalised to NFC (invalid UTF-8
 * is repaired with U+FFFD) so that NFD input from Unikey extracts to the same text.
 *
 * Errors: drawing calls return nothing; the first failure (cairo, an unencodable QR code) is
 * kept and pdoc_finish() reports it. pdoc_finish() always frees the document.
 *
 * Threads: documents may be built in many threads at once; one document belongs to one thread
 * from pdoc_open to pdoc_finish. Each open document borrows a Pango font map (Pango's maps are
 * not thread-safe) from a process-wide pool and gives it back when finished, so the fonts are
 * loaded once, not per document or per thread (see print.c).
 *
 * Leak checkers: the pooled maps and fontconfig's and cairo's process-wide caches (about
 * 170 KB, not growing with documents or threads) are still held at exit, which LeakSanitizer
 * reports; print_shutdown() releases them. */
#ifndef TT_PRINT_H
#define TT_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"
#include "../core/err.h"

#define PDOC_MM (72.0 / 25.4)       /* points per millimetre */
#define PDOC_BODY_PT 13.0           /* body text */
#define PDOC_TITLE_PT 14.0          /* document type (Ô 5a) */
#define PDOC_INDENT_PT (1.27 * 72.0 / 2.54)   /* first-line indent, 1.27 cm */
#define PDOC_PARA_GAP_PT 6.0        /* space after a paragraph */

typedef struct pdoc pdoc;

/* Flags for text blocks and table cells. Alignment: justified (paragraphs) or left (cells)
 * unless one of CENTER, RIGHT, LEFT is given. */
enum {
    PDOC_BOLD = 1 << 0,
    PDOC_ITALIC = 1 << 1,
    PDOC_MARKUP = 1 << 2,      /* the string is Pango markup, not plain text */
    PDOC_CENTER = 1 << 3,
    PDOC_RIGHT = 1 << 4,
    PDOC_LEFT = 1 << 5,        /* ragged right instead of justified */
    PDOC_NOINDENT = 1 << 6,    /* paragraphs: no first-line indent */
    PDOC_KEEP_NEXT = 1 << 7,   /* do not end a page right after this block */
    PDOC_UPPER = 1 << 8,       /* print in capitals (Vietnamese-aware; plain text only) */
    PDOC_VCENTER = 1 << 9,     /* table cells: centred vertically in the row */
    PDOC_JOIN_UP = 1 << 10,    /* table cells: one cell with the cell above (no rule between;
                                  its text, if any, is drawn below the text above) */
};

/* Opens a document. title goes to the PDF metadata (the creator is "Thân Thiện"); author and
 * subject may be NULL. Strings are copied. NULL only when out of memory. */
pdoc *pdoc_open(arena *a, const char *title, const char *author, const char *subject);
/* The same on A4 landscape (every page of the document). */
pdoc *pdoc_open_landscape(arena *a, const char *title, const char *author, const char *subject);

/* Releases the pooled font maps and the fontconfig and cairo caches. Only at the very end of a
 * process, when no thread renders or will render (after the server has stopped). */
void print_shutdown(void);

/* Finishes the PDF into out (appended), frees the document. 0, or -1 with e filled. */
int pdoc_finish(pdoc *d, buf *out, err *e);

/* The document's arena, for building strings that live as long as it. */
arena *pdoc_arena(pdoc *d);

/* ---- the Decree 30/2020 header (Ô 1–4, 5b) ------------------------------------------------ */

typedef struct {
    const char *parent_body;   /* "UBND PHƯỜNG PHAN ĐÌNH PHÙNG" (cơ quan chủ quản); NULL = none */
    const char *body;          /* issuing body, bold with a short rule under it */
    const char *number;        /* printed after "Số: "; NULL or "" = a dotted blank */
    const char *number_suffix; /* with a blank number: "TNHS" prints "Số: ………/TNHS" */
    bool no_number;            /* print no "Số:" line at all */
    const char *subject;       /* "V/v …" under the number (letters, Ô 5b); NULL = none */
    const char *place;         /* "Phan Đình Phùng"; NULL = a dotted blank */
    int64_t date;              /* Unix seconds; 0 = "ngày … tháng … năm …" left blank */
} pdoc_header;

/* Left: parent body and issuing body in capitals (the parent regular, the body bold with a
 * rule a third of its width), "Số: …" under them. Right: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
 * and "Độc lập - Tự do - Hạnh phúc" in bold, a rule as long as the motto, and the italic
 * "[place], ngày DD tháng MM năm YYYY" on the line of "Số:". */
void pdoc_header_block(pdoc *d, const pdoc_header *h);

/* The document type, centred, bold, 14 pt capitals; subtitle (may be NULL) bold under it with a
 * short rule (the summary, Ô 5a). */
void pdoc_title(pdoc *d, const char *title, const char *subtitle);

/* ---- text ---------------------------------------------------------------------------------- */

/* A body paragraph: 13 pt, justified, first-line indent 1.27 cm, 6 pt after. */
void pdoc_par(pdoc *d, const char *text, unsigned flags);
/* The same with its own size (0 = 13 pt) and space after (in points, may be 0). */
void pdoc_par_ex(pdoc *d, const char *text, unsigned flags, double size_pt, double after_pt);

/* A labelled value on a form: "label: value". A NULL or blank value prints dots to the end of
 * the line, like the paper form, so it can be filled in by hand. */
typedef struct {
    const char *label;         /* "Địa chỉ" (the colon is added) */
    const char *value;
    unsigned flags;            /* PDOC_BOLD: the value in bold */
} pdoc_field;

/* Several fields on one line, sharing the text width equally (n = 1: the whole line). A long
 * value wraps inside its share. 3 pt after. */
void pdoc_fields(pdoc *d, const pdoc_field *f, size_t n);
void pdoc_field_line(pdoc *d, const char *label, const char *value, unsigned flags);

/* s if it is not blank, otherwise n dots ("……"); for blanks inside a sentence. */
const char *pdoc_or_dots(pdoc *d, const char *s, int n);

/* s with &, <, >, ', " escaped for markup; NULL gives "". In the document's arena. */
char *pdoc_escape(pdoc *d, const char *s);

/* What the builder does to every string, for other writers (XLSX) too: valid UTF-8 (bad
 * bytes become U+FFFD), control characters but newline become spaces, NFC. NULL gives "". */
const char *print_clean(arena *a, const char *s);

/* A short line repeated under the page number on every page from the second ("Mã hồ sơ:
 * H19.05443-240305-0007"), so a loose second sheet still names its dossier. NULL = none. */
void pdoc_running_head(pdoc *d, const char *text);

/* Vertical space in points (never carried over to a new page); a new page. */
void pdoc_space(pdoc *d, double pt);
void pdoc_page_break(pdoc *d);
/* A new page that starts the next document of a batch: page numbers restart, and its first
 * page, like a document's first page, carries no number (Decree 30). */
void pdoc_new_part(pdoc *d);

/* ---- tables -------------------------------------------------------------------------------- */

typedef struct {
    const char *text;          /* NULL = empty */
    unsigned flags;            /* PDOC_BOLD, PDOC_ITALIC, PDOC_MARKUP, alignment, PDOC_VCENTER,
                                  PDOC_JOIN_UP */
    int span;                  /* columns covered; 0 or 1 = one */
    double min_height;         /* points: room for a signature, 0 = as the text needs */
} pdoc_cell;

typedef struct {
    const pdoc_cell *cells;    /* spans add up to the table's ncols */
    size_t ncells;
    bool keep_next;            /* never end a page after this row (rows of one entry) */
} pdoc_row;

typedef struct {
    size_t ncols;
    const double *widths;      /* relative column widths, scaled to the text width */
    const pdoc_row *rows;
    size_t nrows;
    size_t header_rows;        /* the first rows: bold, centred, repeated on every page */
    double size_pt;            /* 0 = 13 pt */
} pdoc_table;

/* A bordered table; cells wrap their text. A row never splits across pages. */
void pdoc_table_block(pdoc *d, const pdoc_table *t);

/* ---- QR code, signatures, recipients ------------------------------------------------------- */

/* A QR code (error correction M) of data, size_mm wide, with a caption (markup) beside it,
 * vertically centred; the code on the right unless flags has PDOC_LEFT. */
void pdoc_qr(pdoc *d, const char *data, double size_mm, const char *caption_markup, unsigned flags);

typedef struct {
    const char *above;         /* optional italic line above the caption (place and date) */
    const char *caption;       /* bold capitals; '\n' separates lines: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" */
    const char *note;          /* italic under it; NULL = "(Ký và ghi rõ họ tên)", "" = none */
    const char *name;          /* bold, after the space for the signature; NULL = left blank */
} pdoc_signer;

/* Signature blocks side by side in two halves of the text width; left may be NULL (the right
 * half only, the usual place of a single signer). Kept on one page. */
void pdoc_signatures(pdoc *d, const pdoc_signer *left, const pdoc_signer *right);

/* The closing of an official document: "Nơi nhận:" (12 pt bold italic) and its list (11 pt,
 * one "- …;" a line, as given) on the left, the signer on the right. */
void pdoc_closing(pdoc *d, const char *const *recipients, size_t n, const pdoc_signer *signer);

/* ---- the issuing body and its signer (one helper for every document) ---------------------- */

typedef struct {
    const char *name;          /* the unit as named in the tree: "Phường Phan Đình Phùng", "Sở Nội vụ" */
    const char *parent_name;   /* its parent unit: "Tỉnh Thái Nguyên"; NULL or "" = none */
    bool council;              /* an Ủy ban nhân dân (province, commune), not a department */
} pdoc_unit;

/* A document the unit issues itself (a letter, the apology): a council is "Ủy ban nhân dân\n
 * Phường Phan Đình Phùng" (printed in capitals) with no parent line (pdoc_unit_parent gives
 * NULL); a department is its name under "UBND Tỉnh Thái Nguyên". In a. */
const char *pdoc_unit_body(arena *a, const pdoc_unit *u);
const char *pdoc_unit_parent(arena *a, const pdoc_unit *u);
/* The unit as the parent body of its desk's forms: "UBND Phường Phan Đình Phùng", "Sở Nội vụ". */
const char *pdoc_unit_short(arena *a, const pdoc_unit *u);
/* The place of the date line: "Phan Đình Phùng" (a department: its province's). */
const char *pdoc_unit_place(arena *a, const pdoc_unit *u);
/* The signer's caption: a council signs as a collective, "TM. ỦY BAN NHÂN DÂN" over "CHỦ
 * TỊCH" (or "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" for a vice-chair, title "Phó Chủ tịch …"); a
 * department's head, and anyone else, by their title; no title: "THỦ TRƯỞNG CƠ QUAN". */
const char *pdoc_signer_caption(arena *a, bool council, const char *title);

/* ---- dates (Vietnam time, UTC+7, no summer time) ------------------------------------------- */

/* "ngày 05 tháng 3 năm 2024": a 0 before days under 10 and months 1 and 2 (Decree 30). t == 0
 * gives the blank "ngày …… tháng …… năm ………". In a. */
const char *pdoc_date(arena *a, int64_t t);
/* "09 giờ 05 phút, ngày 05 tháng 3 năm 2024"; t == 0: "…… giờ …… phút, ngày …… tháng …". */
const char *pdoc_time_date(arena *a, int64_t t);
/* Vietnam's civil time of t (vn_civil_time). */
void pdoc_vn_time(int64_t t, int *year, int *month, int *day, int *hour, int *minute);

#endif
