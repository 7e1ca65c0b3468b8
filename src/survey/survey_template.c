/* survey_template.c -- questionnaires kept as data (data/survey/ TSV files, embedded at build time):
 * the SIPAS questionnaire a new survey starts from. Lines "# ..." are comments, "@key<TAB>value"
 * name the version (key, title, from = the date it applies from, basis = the document, intro),
 * the rest are questions: code, section, kind, element, required, show_if (CODE=N), text,
 * options ('|'-separated). See data/survey/sipas.tsv for its sources. */
#include <stdlib.h>
#include <string.h>

#include "../store/embedded.h"
#include "survey.h"

#define NCOLS 8

static char *field_dup(arena *a, const char *s, size_t n) { return arena_strndup(a, s, n); }

/* Splits a line on tabs into at most max fields; returns the count. */
static int split(arena *a, const char *line, size_t len, char sep, char **out, int max)
{
    int n = 0;
    const char *p = line, *end = line + len;
    while (n < max) {
        const char *q = memchr(p, sep, (size_t)(end - p));
        if (!q || n == max - 1) q = end;
        out[n++] = field_dup(a, p, (size_t)(q - p));
        if (q == end) break;
        p = q + 1;
    }
    return n;
}

static int bad_line(err *e, int lineno, const char *why)
{
    err_set(e, 500, N_("Mẫu phiếu khảo sát bị lỗi."), "survey template line %d: %s", lineno, why);
    return -1;
}

static int parse_question(arena *a, char **f, survey_question *q, int lineno, err *e)
{
    memset(q, 0, sizeof *q);
    q->code = f[0];
    q->section = f[1];
    q->kind = survey_kind_index(f[2]);
    if (q->kind < 0) return bad_line(e, lineno, "kind");
    q->element = f[3];
    q->required = !strcmp(f[4], "1");
    q->show_if_code = "";
    if (*f[5]) {
        const char *eq = strchr(f[5], '=');
        if (!eq) return bad_line(e, lineno, "show_if");
        q->show_if_code = arena_strndup(a, f[5], (size_t)(eq - f[5]));
        q->show_if_option = atoi(eq + 1);
    }
    q->text = f[6];
    if (!*q->code || !*q->text) return bad_line(e, lineno, "code or text");
    if (q->kind == SQ_SINGLE || q->kind == SQ_MULTI) {
        char *opts[SURVEY_MAX_OPTIONS];
        int n = split(a, f[7], strlen(f[7]), '|', opts, SURVEY_MAX_OPTIONS);
        if (n < 2) return bad_line(e, lineno, "fewer than two options");
        for (int i = 0; i < n; i++) q->options[i] = opts[i];
        q->noptions = n;
    }
    q->cond = -1;
    return 0;
}

int survey_template_parse(arena *a, const char *data, size_t len, survey_template *out, err *e)
{
    memset(out, 0, sizeof *out);
    out->key = out->title = out->from = out->basis = out->intro = "";
    size_t cap = 16, n = 0;
    survey_question *qs = arena_alloc(a, cap * sizeof *qs);
    const char *p = data, *end = data + len;
    int lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        const char *line = p;
        p = nl ? nl + 1 : end;
        if (ll && line[ll - 1] == '\r') ll--;
        if (!ll || line[0] == '#') continue;
        char *f[NCOLS];
        if (line[0] == '@') {
            int k = split(a, line + 1, ll - 1, '\t', f, 2);
            if (k != 2) return bad_line(e, lineno, "@ line");
            if (!strcmp(f[0], "key")) out->key = f[1];
            else if (!strcmp(f[0], "title")) out->title = f[1];
            else if (!strcmp(f[0], "from")) out->from = f[1];
            else if (!strcmp(f[0], "basis")) out->basis = f[1];
            else if (!strcmp(f[0], "intro")) out->intro = f[1];
            continue;
        }
        int k = split(a, line, ll, '\t', f, NCOLS);
        if (k < NCOLS - 1) return bad_line(e, lineno, "columns");
        if (k == NCOLS - 1) f[NCOLS - 1] = "";
        if (n == SURVEY_MAX_QUESTIONS) return bad_line(e, lineno, "too many questions");
        if (n == cap) {
            survey_question *bigger = arena_alloc(a, 2 * cap * sizeof *qs);
            memcpy(bigger, qs, n * sizeof *qs);
            qs = bigger;
            cap *= 2;
        }
        if (parse_question(a, f, &qs[n], lineno, e)) return -1;
        qs[n].id = (int64_t)n + 1;   /* until stored: the position */
        n++;
    }
    out->def = (survey_def){qs, n};
    if (!*out->key || !n) return bad_line(e, lineno, "no key or no question");
    return survey_def_link(&out->def, e);
}

int survey_template_sipas(arena *a, survey_template *out, err *e)
{
    const static_asset *f = data_file_find("sipas.tsv");
    if (!f) {
        err_set(e, 500, N_("Mẫu phiếu khảo sát bị lỗi."), "sipas.tsv is not embedded");
        return -1;
    }
    return survey_template_parse(a, f->data, f->size, out, e);
}
