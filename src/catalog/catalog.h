/* catalog.h -- the procedure catalogue (danh mục thủ tục hành chính).
 *
 * A procedure belongs to the unit that publishes it (usually the province, for every
 * commune under it, or a commune for its own). A unit's catalogue is its own procedures and
 * its ancestors'. Search folds diacritics (text_fold) on both sides and matches every word
 * of the query against a stored search key, so "dang ky ket hon", "ĐĂNG KÝ KẾT HÔN" and
 * "đăng ký kết hôn" all find "Đăng ký kết hôn". Everyday phrasing finds it too: i and y are
 * one letter ("dang ki"), the filler words of data/catalog/search-fillers.txt ("làm giấy ...
 * cho con") are not required, a procedure's keywords are searched with its name, and the
 * procedures that match the query's words best come first. */
#ifndef TT_CATALOG_H
#define TT_CATALOG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/arena.h"
#include "../core/err.h"
#include "../store/db.h"

typedef struct {
    const char *unit_code, *code, *name, *field, *days, *time_text, *fee, *fee_text, *papers,
        *submit_where, *online_level, *legal_basis, *result;
    const char *letter;   /* the letter a result proposes: "", "birth", "marriage", "death"; NULL keeps it */
    const char *keywords; /* everyday names people search by, comma-separated; NULL keeps them */
    const char *form_url; /* the application form template's address (https://... or /...); NULL keeps it */
} procedure_fields;   /* as typed in a form or a CSV row: text, checked by catalog_check() */

typedef struct {
    int64_t unit_id;
    const char *code, *name, *field, *time_text, *fee_text, *papers, *submit_where,
        *online_level, *legal_basis, *result;
    const char *letter;   /* "", "birth", "marriage", "death" (letter/letter.h); NULL: unchanged */
    const char *keywords; /* searched with the name; NULL: unchanged */
    const char *form_url; /* "" or an http(s) or site address; NULL: unchanged */
    int64_t days;   /* -1: not stated */
    int64_t fee;    /* -1: varies or not stated */
} procedure;

/* Checks and converts; fills e (with e->field) on the first problem. */
int catalog_check(db *d, arena *a, const procedure_fields *in, procedure *out, err *e);

/* Inserts (id 0) or updates a procedure, audited, in its own transaction. */
int catalog_save(db *d, arena *a, int64_t id, const procedure *p, int64_t actor_id, int64_t *out_id, err *e);

typedef struct {
    int64_t unit_id;      /* the unit whose catalogue is searched (its ancestors' included) */
    const char *q;        /* any text; folded here */
    const char *field;    /* exact field name or NULL */
    int limit, offset;
} catalog_query;

json_t *catalog_search(db *d, arena *a, const catalog_query *q, int64_t *total);
json_t *catalog_fields(db *d, int64_t unit_id);        /* the fields with their counts */
json_t *catalog_get(db *d, arena *a, int64_t id);      /* NULL when unknown */
int64_t catalog_unit_of(db *d, int64_t id);            /* -1 when unknown */
/* The letter a finished dossier of this procedure proposes: "birth" or "marriage" (a
 * congratulation), "death" (a condolence), "" none or unknown. A static string. */
const char *catalog_letter_occasion(db *d, int64_t id);
/* The label of a letter occasion for the catalogue's pages (Vietnamese msgid). */
const char *catalog_letter_label(const char *occasion);

/* CSV (RFC 4180, UTF-8, header row). Import checks every line and saves nothing unless all
 * are good; problems go to *report as "dòng N: ..." lines (an arena string). A file holds at
 * most CATALOG_IMPORT_MAX_ROWS procedures, and the write stops (nothing saved) after
 * CATALOG_IMPORT_MAX_SECONDS, so an import never holds the province's writer for long.
 * Export prefixes a cell that a spreadsheet would run as a formula (= + - @, tab, CR) with an
 * apostrophe (OWASP), and import takes that apostrophe off again. */
#define CATALOG_IMPORT_MAX_ROWS 5000
#define CATALOG_IMPORT_MAX_SECONDS 20
extern const char *const catalog_csv_columns[];
int catalog_import_csv(db *d, arena *a, const char *data, size_t len, int64_t actor_id,
                       bool (*may_write)(void *ctx, int64_t unit_id), void *ctx, int *imported,
                       char **report, err *e);
/* Parses without touching the database (the fuzz target and the first import pass). */
typedef int (*csv_row_fn)(void *ctx, int line, char **cells, int ncells);
int catalog_csv_parse(const char *data, size_t len, csv_row_fn fn, void *ctx, char *errbuf, size_t errlen);
int catalog_export_csv(db *d, arena *a, int64_t unit_id, buf *out);

/* Page handlers (catalog_web.c). */
struct req;
void page_catalog_list(struct req *r);
void page_catalog_show(struct req *r);
void page_catalog_qr(struct req *r);
void page_catalog_new(struct req *r);
void page_catalog_create(struct req *r);
void page_catalog_edit(struct req *r);
void page_catalog_update(struct req *r);
void page_catalog_import_form(struct req *r);
void page_catalog_import(struct req *r);
void page_catalog_export(struct req *r);
void api_procedures(struct req *r);
void api_procedure(struct req *r);
int64_t scope_procedure_param(struct req *r);
void catalog_web_cleanup(void);   /* frees the QR code cache at shutdown */

#endif
