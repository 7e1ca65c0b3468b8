/* TEMPORARY until the h-forms branch lands. Deleted at merge. */
#include "forms.h"
#define STUB(fn) int fn(const form_dossier *f, buf *out, err *e) { (void)f; buf_puts(out, "%PDF-stub"); (void)e; return 0; }
STUB(form_slip_pdf) STUB(form_supplement_pdf) STUB(form_refusal_pdf) STUB(form_apology_pdf) STUB(form_control_pdf)
int form_register_xlsx(const char *u, const char *p, const form_register_row *r, size_t n, buf *out, err *e) { (void)u; (void)p; (void)r; (void)n; (void)out; (void)e; return 0; }
