/* coding.c -- the two request headers that pick a static variant: Accept-Encoding and
 * If-None-Match (see coding.h). Pure string work, so the fuzzer can run it alone. */
#include "coding.h"

#include <string.h>
#include <strings.h>

/* A qvalue ("1", "0.5", "0.001") in thousandths, read by hand: strtod would follow the
 * process's locale, where the decimal point may be a comma. Malformed reads as 1000 (the
 * default weight), as most servers do. */
static int qvalue(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    if (p >= end || (*p != '0' && *p != '1')) return 1000;
    int q = (*p++ - '0') * 1000;
    if (p < end && *p == '.') {
        p++;
        for (int scale = 100; scale > 0 && p < end && *p >= '0' && *p <= '9'; scale /= 10) q += (*p++ - '0') * scale;
    }
    return q > 1000 ? 1000 : q;
}

/* The weight the client gives `coding` (thousandths): its own element's, else "*"'s, else -1
 * (not acceptable: a coding the client does not name is one it cannot read). */
static int accept_q(const char *ae, const char *coding)
{
    int star = -1;
    size_t clen = strlen(coding);
    for (const char *p = ae; *p;) {
        const char *end = p + strcspn(p, ",");
        const char *name = p;
        while (name < end && (*name == ' ' || *name == '\t')) name++;
        const char *name_end = name;
        while (name_end < end && *name_end != ';' && *name_end != ' ' && *name_end != '\t') name_end++;
        int q = 1000;
        for (const char *s = name_end; s < end; s++) {   /* ";q=..." among the parameters */
            if (*s != ';') continue;
            const char *t = s + 1;
            while (t < end && (*t == ' ' || *t == '\t')) t++;
            if (t + 1 < end && (*t == 'q' || *t == 'Q') && t[1] == '=') q = qvalue(t + 2, end);
        }
        size_t n = (size_t)(name_end - name);
        if (n == clen && !strncasecmp(name, coding, n)) return q;
        if (n == 1 && *name == '*') star = q;
        p = *end ? end + 1 : end;
    }
    return star;
}

content_coding compress_choose(const char *accept_encoding, bool have_br, bool have_gzip)
{
    if (!accept_encoding) return CODING_IDENTITY;
    int br = have_br ? accept_q(accept_encoding, "br") : 0;
    int gz = 0;
    if (have_gzip) {
        gz = accept_q(accept_encoding, "gzip");
        int x = accept_q(accept_encoding, "x-gzip");   /* the old name, still sent by some clients */
        if (x > gz) gz = x;
    }
    if (br > 0 && br >= gz) return CODING_BR;
    if (gz > 0) return CODING_GZIP;
    return CODING_IDENTITY;
}

/* Whether If-None-Match names this entity tag: "*", or one of its list, compared weakly
 * (a W/ prefix ignored) as RFC 9110 §13.1.2 asks. */
bool coding_etag_listed(const char *inm, const char *etag)
{
    if (!inm) return false;
    size_t elen = strlen(etag);
    for (const char *p = inm; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',') p++;
        if (*p == '*') return true;
        if (!strncmp(p, "W/", 2)) p += 2;
        if (!strncmp(p, etag, elen) && (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' ' || p[elen] == '\t'))
            return true;
        p += strcspn(p, ",");
    }
    return false;
}

